/* escape.h - quoting text for JSON, CSV and the terminal. */
#ifndef LX_ESCAPE_H
#define LX_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Appends s[0..len) as a JSON string literal, quotes included. Invalid UTF-8
 * is replaced by U+FFFD so the output always parses. */
lx_status lx_escape_json(lx_strbuf *out, const char *s, size_t len);

/* Appends s as a JSON string literal, or null when s is NULL or empty. */
lx_status lx_escape_json_or_null(lx_strbuf *out, const char *s);

/* Appends s as one RFC 4180 field: quoted when it holds a comma, a quote, CR
 * or LF, or starts with a space; quotes doubled. A field that starts with
 * '=', '+', '-', '@', a tab or a CR (a formula to a spreadsheet) gets a
 * single quote in front and is quoted: "'=1+2". Every CSV leakdex writes
 * goes through here or lx_escape_csv_quoted. */
lx_status lx_escape_csv(lx_strbuf *out, const char *s, size_t len);

/* The same field, always quoted (and neutralised the same way): for
 * identifiers that a spreadsheet would otherwise read as numbers
 * (171e42724376 is 1.71e+53 to it). */
lx_status lx_escape_csv_quoted(lx_strbuf *out, const char *s, size_t len);

/* Appends s[0..len) for a terminal, on one line: every character
 * lx_utf8_control_len finds (C0 controls, newline and tab included, DEL, C1
 * controls, the bidi overrides and isolates) written visibly, "\x1b",
 * "\u009b", "\u202e", and every byte of an ill-formed UTF-8 sequence too,
 * "\xff"; other text as it is. Nothing from the archive then acts on the
 * terminal, breaks a line in two or reorders what is shown. Every text
 * output and every message on stderr of both programs goes through here
 * or lx_escape_terminal_lines. */
lx_status lx_escape_terminal(lx_strbuf *out, const char *s, size_t len);

/* The same for text of several lines (a body): newlines and tabs kept. */
lx_status lx_escape_terminal_lines(lx_strbuf *out, const char *s, size_t len);

/* lx_escape_csv (or lx_escape_csv_quoted when quoted) for CSV written to
 * standard output: the controls but tab and newline first written as
 * lx_escape_terminal_lines writes them. CSV written to a file keeps the
 * exact text. */
lx_status lx_escape_csv_shown(lx_strbuf *out, const char *s, size_t len, bool quoted);

/* The value of the hexadecimal digit c (either case), or -1: for reading
 * escapes back (DKIM's quoted-printable, RTF's \'hh). */
static inline int lx_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
