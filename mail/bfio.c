/* bfio.c - bytes in memory as a libbfio handle, for the libyal readers (libolecf in msg.c, libpff
 * in pst.c). */
#include "bfio.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* A read-only libbfio handle over bytes in memory. libbfio 20170123's own
 * memory range reads past the end of its range when asked to read at it
 * (found by fuzz_msg: 512 bytes read after a 6,305-byte input); this one
 * never gives more than the bytes it has. */
typedef struct memio {
    const unsigned char *data;
    size_t len, pos;
    bool open;
} memio;

static int memio_free(intptr_t **io, libbfio_error_t **err)
{
    (void)err;
    free(*io);
    *io = NULL;
    return 1;
}

static int memio_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **err)
{
    (void)err;
    memio *c = malloc(sizeof *c);
    if (!c)
        return -1;
    *c = *(memio *)src;
    c->pos = 0;
    c->open = false;
    *dst = (intptr_t *)c;
    return 1;
}

static int memio_open(intptr_t *io, int flags, libbfio_error_t **err)
{
    (void)err;
    if (flags & LIBBFIO_ACCESS_FLAG_WRITE)
        return -1;
    ((memio *)io)->open = true;
    ((memio *)io)->pos = 0;
    return 1;
}

static int memio_close(intptr_t *io, libbfio_error_t **err)
{
    (void)err;
    ((memio *)io)->open = false;
    return 0;
}

static ssize_t memio_read(intptr_t *io, uint8_t *buf, size_t size, libbfio_error_t **err)
{
    (void)err;
    memio *m = (memio *)io;
    size_t n = m->pos < m->len ? m->len - m->pos : 0;
    if (n > size)
        n = size;
    if (n > SSIZE_MAX)
        n = SSIZE_MAX;
    if (n)
        memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static ssize_t memio_write(intptr_t *io, const uint8_t *buf, size_t size, libbfio_error_t **err)
{
    (void)io, (void)buf, (void)size, (void)err;
    return -1;
}

static off64_t memio_seek(intptr_t *io, off64_t offset, int whence, libbfio_error_t **err)
{
    (void)err;
    memio *m = (memio *)io;
    off64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off64_t)m->pos : (off64_t)m->len;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        return -1;
    if ((offset < 0 && -offset > base) || (offset > 0 && offset > INT64_MAX - base))
        return -1;
    m->pos = (size_t)(base + offset);
    return base + offset;
}

static int memio_exists(intptr_t *io, libbfio_error_t **err)
{
    (void)io, (void)err;
    return 1;
}

static int memio_is_open(intptr_t *io, libbfio_error_t **err)
{
    (void)err;
    return ((memio *)io)->open ? 1 : 0;
}

static int memio_get_size(intptr_t *io, size64_t *size, libbfio_error_t **err)
{
    (void)err;
    *size = ((memio *)io)->len;
    return 1;
}

libbfio_handle_t *lx_bfio_memory(const char *data, size_t len)
{
    memio *m = malloc(sizeof *m);
    if (!m)
        return NULL;
    *m = (memio){(const unsigned char *)data, len, 0, false};
    libbfio_handle_t *h = NULL;
    libbfio_error_t *err = NULL;
    if (libbfio_handle_initialize(&h, (intptr_t *)m, memio_free, memio_clone, memio_open,
                                  memio_close, memio_read, memio_write, memio_seek, memio_exists,
                                  memio_is_open, memio_get_size, LIBBFIO_FLAG_IO_HANDLE_MANAGED,
                                  &err) != 1) {
        libbfio_error_free(&err);
        free(m);
        return NULL;
    }
    return h;
}
