/* fdio.h - writing a whole buffer to a file descriptor, across short writes and signals. */
#ifndef LX_FDIO_H
#define LX_FDIO_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the n bytes at p to fd, again after a short write or EINTR;
 * false on any other failure (errno says why). */
bool lx_write_all(int fd, const void *p, size_t n);

#endif
