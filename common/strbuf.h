/* strbuf.h - a growable, always NUL-terminated byte buffer. */
#ifndef LX_STRBUF_H
#define LX_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Invariants: `buf` is never NULL (an empty buffer points at a shared "");
 * buf[len] == '\0'; len < alloc whenever alloc > 0. Embedded NULs are
 * allowed. Use lx_strbuf_init/lx_strbuf_release; the buffer owns `buf`.
 */
typedef struct lx_strbuf {
    char *buf;
    size_t len;
    size_t alloc;
} lx_strbuf;

void lx_strbuf_init(lx_strbuf *sb);
void lx_strbuf_release(lx_strbuf *sb);
void lx_strbuf_reset(lx_strbuf *sb);
lx_status lx_strbuf_grow(lx_strbuf *sb, size_t extra);
lx_status lx_strbuf_add(lx_strbuf *sb, const void *data, size_t len);
lx_status lx_strbuf_addstr(lx_strbuf *sb, const char *s);
lx_status lx_strbuf_addch(lx_strbuf *sb, char c);
lx_status lx_strbuf_addf(lx_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
lx_status lx_strbuf_vaddf(lx_strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void lx_strbuf_setlen(lx_strbuf *sb, size_t len);

/* Hands the buffer to the caller, who frees it with free(); the strbuf is
 * left empty. Never returns NULL unless allocation fails. */
char *lx_strbuf_detach(lx_strbuf *sb, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
