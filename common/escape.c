/* escape.c - quoting text for JSON, CSV and the terminal. */
#include "escape.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"
#include "banned.h"

/* The code point of the 2- or 3-byte sequence at p. */
static unsigned code_point(const unsigned char *p, size_t n)
{
    return n == 2 ? (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
                  : (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
}

lx_status lx_escape_json(lx_strbuf *out, const char *s, size_t len)
{
    lx_strbuf clean;
    lx_strbuf_init(&clean);
    lx_status st = LX_OK;
    if (!lx_utf8_valid(s, len)) {
        if ((st = lx_utf8_sanitize(&clean, s, len, NULL)))
            goto out;
        s = clean.buf;
        len = clean.len;
    }
    if ((st = lx_strbuf_addch(out, '"')))
        goto out;
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        const char *rep = NULL;
        size_t n = 1;
        switch (c) {
        case '"': rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                rep = esc;
            } else if (c >= 0x80 && (n = lx_utf8_control_len(s + i, len - i)) > 1) {
                /* A C1 control (U+009B is a CSI to a terminal showing the
                 * JSON) or a bidi override: escaped too, the same text for
                 * a JSON reader. */
                snprintf(esc, sizeof esc, "\\u%04x", code_point((const unsigned char *)s + i, n));
                rep = esc;
            }
        }
        if (!rep)
            continue;
        if ((st = lx_strbuf_add(out, s + run, i - run)) || (st = lx_strbuf_addstr(out, rep)))
            goto out;
        i += n - 1; /* a C1 control's or an override's other bytes are written already */
        run = i + 1;
    }
    if ((st = lx_strbuf_add(out, s + run, len - run)))
        goto out;
    st = lx_strbuf_addch(out, '"');
out:
    lx_strbuf_release(&clean);
    return st;
}

lx_status lx_escape_json_or_null(lx_strbuf *out, const char *s)
{
    if (s && *s)
        return lx_escape_json(out, s, strlen(s));
    return lx_strbuf_addstr(out, "null");
}

/* The first characters that make a spreadsheet read a cell as a formula
 * (OWASP's list for CSV injection): = + - @, and a tab or a carriage return
 * before them, which some spreadsheets skip. */
static bool formula_start(const char *s, size_t len)
{
    return len > 0 && memchr("=+-@\t\r", s[0], 6) != NULL;
}

static lx_status csv_field(lx_strbuf *out, const char *s, size_t len, bool quote)
{
    /* Leaked mail is hostile: a cell that a spreadsheet would run as a
     * formula ("=HYPERLINK(...)", "=cmd|' /C calc'!A0") is written as text,
     * a single quote before it and the whole cell quoted, as OWASP
     * recommends. Nothing is dropped: the cell is "'" and the text. */
    bool neutralise = formula_start(s, len);
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote && !neutralise)
        return lx_strbuf_add(out, s, len);
    lx_status st = lx_strbuf_addch(out, '"');
    if (!st && neutralise)
        st = lx_strbuf_addch(out, '\'');
    /* Runs up to and including each quote, the quote then doubled. */
    size_t run = 0;
    for (size_t i = 0; i < len && !st; i++) {
        if (s[i] != '"')
            continue;
        st = lx_strbuf_add(out, s + run, i + 1 - run);
        if (!st)
            st = lx_strbuf_addch(out, '"');
        run = i + 1;
    }
    if (!st)
        st = lx_strbuf_add(out, s + run, len - run);
    return st ? st : lx_strbuf_addch(out, '"');
}

lx_status lx_escape_csv(lx_strbuf *out, const char *s, size_t len)
{
    return csv_field(out, s, len, len > 0 && (s[0] == ' ' || s[len - 1] == ' '));
}

lx_status lx_escape_csv_quoted(lx_strbuf *out, const char *s, size_t len)
{
    return csv_field(out, s, len, true);
}

static lx_status terminal(lx_strbuf *out, const char *s, size_t len, bool lines)
{
    const unsigned char *p = (const unsigned char *)s;
    lx_status st = LX_OK;
    size_t run = 0;
    for (size_t i = 0; i < len && !st;) {
        size_t n = lx_utf8_control_len(s + i, len - i);
        if (n == 0 || (lines && (p[i] == '\n' || p[i] == '\t'))) {
            size_t keep = lx_utf8_char_len(s + i, len - i);
            if (keep) {
                i += keep;
                continue;
            }
        }
        st = lx_strbuf_add(out, s + run, i - run);
        if (st)
            break;
        /* A control, or the first byte of an ill-formed sequence. */
        if (n < 2) {
            st = lx_strbuf_addf(out, "\\x%02x", p[i]);
            n = 1;
        } else {
            st = lx_strbuf_addf(out, "\\u%04x", code_point(p + i, n));
        }
        i += n;
        run = i;
    }
    return st ? st : lx_strbuf_add(out, s + run, len - run);
}

lx_status lx_escape_terminal(lx_strbuf *out, const char *s, size_t len)
{
    return terminal(out, s, len, false);
}

lx_status lx_escape_terminal_lines(lx_strbuf *out, const char *s, size_t len)
{
    return terminal(out, s, len, true);
}

lx_status lx_escape_csv_shown(lx_strbuf *out, const char *s, size_t len, bool quoted)
{
    lx_strbuf shown;
    lx_strbuf_init(&shown);
    lx_status st = terminal(&shown, s, len, true);
    if (!st)
        st = quoted ? lx_escape_csv_quoted(out, shown.buf, shown.len)
                    : lx_escape_csv(out, shown.buf, shown.len);
    lx_strbuf_release(&shown);
    return st;
}
