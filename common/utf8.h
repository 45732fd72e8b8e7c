/* utf8.h - UTF-8 validation, repair and bounded cutting. */
#ifndef LX_UTF8_H
#define LX_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool lx_utf8_valid(const char *s, size_t len);

/* Appends s[0..len) to out with every ill-formed sequence and every NUL byte
 * replaced by U+FFFD; adds the number of replacements to *replaced when it is
 * not NULL. The result is valid UTF-8. */
lx_status lx_utf8_sanitize(lx_strbuf *out, const char *s, size_t len, size_t *replaced);

/* The largest n <= max such that s[0..n) does not end inside a UTF-8
 * sequence. s[0..len) is assumed valid. */
size_t lx_utf8_cut(const char *s, size_t len, size_t max);

/* Appends the ASCII-lowercased s to out (non-ASCII bytes are copied). */
lx_status lx_utf8_add_ascii_lower(lx_strbuf *out, const char *s);

/* Appends code point cp as UTF-8 (U+FFFD for a surrogate or past U+10FFFF). */
lx_status lx_utf8_add_code_point(lx_strbuf *out, unsigned cp);

#ifdef __cplusplus
}
#endif

#endif
