/* utf8.c - UTF-8 validation, repair and bounded cutting. */
#include "utf8.h"

#include <string.h>

#include "banned.h"

/* Length of the well-formed sequence at s (1..4), or 0 if ill-formed. */
static size_t seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        if (avail >= 2 && (s[1] & 0xC0) == 0x80)
            return 2;
        return 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xF4 && s[1] >= 0x90)
            return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

bool lx_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = seq_len(p + i, len - i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

lx_status lx_utf8_sanitize(lx_strbuf *out, const char *s, size_t len, size_t *replaced)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    if (len == 0)
        return LX_OK; /* s may be NULL then (an empty GByteArray) */
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0, bad = 0;
    lx_status st = lx_strbuf_grow(out, len);
    if (st)
        return st;
    while (i < len) {
        size_t n = seq_len(p + i, len - i);
        if (n && p[i] != 0) {
            i += n;
            continue;
        }
        if ((st = lx_strbuf_add(out, s + run, i - run)) || (st = lx_strbuf_add(out, fffd, 3)))
            return st;
        bad++;
        i++;
        /* Skip the continuation bytes of the broken sequence: one U+FFFD per
         * maximal ill-formed subpart would be finer, one per byte is noisy. */
        while (i < len && (p[i] & 0xC0) == 0x80)
            i++;
        run = i;
    }
    st = lx_strbuf_add(out, s + run, len - run);
    if (replaced)
        *replaced += bad;
    return st;
}

size_t lx_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

size_t lx_utf8_char_len(const char *s, size_t avail)
{
    return seq_len((const unsigned char *)s, avail);
}

size_t lx_utf8_control_len(const char *s, size_t avail)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0x20 || p[0] == 0x7f)
        return 1;
    if (avail >= 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
        return 2;
    /* U+202A..U+202E are E2 80 AA..AE; U+2066..U+2069 are E2 81 A6..A9. */
    if (avail >= 3 && p[0] == 0xe2 &&
        ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
         (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
        return 3;
    return 0;
}

size_t lx_utf8_drop_controls(char *s)
{
    size_t len = strlen(s), out = 0, dropped = 0;
    for (size_t i = 0; i < len;) {
        size_t n = lx_utf8_control_len(s + i, len - i);
        if (n) {
            dropped++;
            i += n;
        } else {
            s[out++] = s[i++];
        }
    }
    s[out] = '\0';
    return dropped;
}

lx_status lx_utf8_add_ascii_lower(lx_strbuf *out, const char *s)
{
    size_t start = out->len;
    lx_status st = lx_strbuf_addstr(out, s);
    if (st)
        return st;
    for (size_t i = start; i < out->len; i++) {
        char c = out->buf[i];
        if (c >= 'A' && c <= 'Z')
            out->buf[i] = (char)(c - 'A' + 'a');
    }
    return LX_OK;
}

lx_status lx_utf8_add_code_point(lx_strbuf *out, unsigned cp)
{
    char b[4];
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80)
        return lx_strbuf_addch(out, (char)cp);
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return lx_strbuf_add(out, b, 2);
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return lx_strbuf_add(out, b, 3);
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return lx_strbuf_add(out, b, 4);
}
