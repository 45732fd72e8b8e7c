/* bfio.h - bytes in memory as a libbfio handle, for the libyal readers (libolecf in msg.c, libpff in pst.c). */
#ifndef LX_BFIO_H
#define LX_BFIO_H

#include <stddef.h>

#include <libbfio.h>

/* A read-only libbfio handle over data[0..len) (data must outlive it) that
 * never reads past the end, which libbfio 20170123's own memory range does
 * (found by fuzz_msg). The caller frees it with libbfio_handle_free; NULL
 * when out of memory. */
libbfio_handle_t *lx_bfio_memory(const char *data, size_t len);

#endif
