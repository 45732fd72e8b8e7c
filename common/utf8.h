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

/* The length (1 to 4) of the well-formed UTF-8 sequence at s[0..avail),
 * 0 when an ill-formed one starts there (avail > 0). */
size_t lx_utf8_char_len(const char *s, size_t avail);

/* The length of the character at s[0..avail) when it is one a terminal
 * obeys or that reorders the text shown around it: a C0 control (U+0000 to
 * U+001F, newline and tab included), DEL, a C1 control (U+0080 to U+009F:
 * U+009B starts a CSI, U+009D an OSC), a bidi embedding, override or
 * isolate (U+202A to U+202E, U+2066 to U+2069: "Trojan source" spoofing);
 * 0 for any other character and for an ill-formed sequence. */
size_t lx_utf8_control_len(const char *s, size_t avail);

/* Removes every character lx_utf8_control_len finds from the NUL-terminated
 * s, in place; returns how many it removed. */
size_t lx_utf8_drop_controls(char *s);

/* Appends code point cp as UTF-8 (U+FFFD for a surrogate or past U+10FFFF). */
lx_status lx_utf8_add_code_point(lx_strbuf *out, unsigned cp);

#ifdef __cplusplus
}
#endif

#endif
