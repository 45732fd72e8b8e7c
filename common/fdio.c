/* fdio.c - writing a whole buffer to a file descriptor, across short writes and signals. */
#include "fdio.h"

#include <errno.h>
#include <unistd.h>

#include "banned.h"

bool lx_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}
