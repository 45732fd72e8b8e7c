/* strbuf.c - growable byte buffer. */
#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static char lx_strbuf_empty[1];

void lx_strbuf_init(lx_strbuf *sb)
{
    sb->buf = lx_strbuf_empty;
    sb->len = 0;
    sb->alloc = 0;
}

void lx_strbuf_release(lx_strbuf *sb)
{
    if (sb->alloc)
        free(sb->buf);
    lx_strbuf_init(sb);
}

void lx_strbuf_reset(lx_strbuf *sb)
{
    lx_strbuf_setlen(sb, 0);
}

void lx_strbuf_setlen(lx_strbuf *sb, size_t len)
{
    if (!sb->alloc)
        return;
    sb->len = len < sb->alloc ? len : sb->alloc - 1;
    sb->buf[sb->len] = '\0';
}

lx_status lx_strbuf_grow(lx_strbuf *sb, size_t extra)
{
    if (extra > SIZE_MAX - sb->len - 1)
        return LX_E_NOMEM;
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return LX_OK;
    size_t n = sb->alloc ? sb->alloc : 64;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    char *p = realloc(sb->alloc ? sb->buf : NULL, n);
    if (!p)
        return LX_E_NOMEM;
    if (!sb->alloc)
        p[0] = '\0';
    sb->buf = p;
    sb->alloc = n;
    return LX_OK;
}

lx_status lx_strbuf_add(lx_strbuf *sb, const void *data, size_t len)
{
    lx_status st = lx_strbuf_grow(sb, len);
    if (st)
        return st;
    if (len)
        memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
    return LX_OK;
}

lx_status lx_strbuf_addstr(lx_strbuf *sb, const char *s)
{
    return lx_strbuf_add(sb, s, strlen(s));
}

lx_status lx_strbuf_addch(lx_strbuf *sb, char c)
{
    return lx_strbuf_add(sb, &c, 1);
}

lx_status lx_strbuf_vaddf(lx_strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return LX_E_INVALID;
    lx_status st = lx_strbuf_grow(sb, (size_t)n);
    if (st)
        return st;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return LX_OK;
}

lx_status lx_strbuf_addf(lx_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx_status st = lx_strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
    return st;
}

char *lx_strbuf_detach(lx_strbuf *sb, size_t *len)
{
    char *res;
    if (len)
        *len = sb->len;
    if (sb->alloc) {
        res = sb->buf;
    } else {
        res = calloc(1, 1);
    }
    lx_strbuf_init(sb);
    return res;
}
