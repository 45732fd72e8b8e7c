/* escape.h - quoting text for JSON and CSV output. */
#ifndef LX_ESCAPE_H
#define LX_ESCAPE_H

#include <stddef.h>

#include "strbuf.h"

/* Appends s[0..len) as a JSON string literal, quotes included. Invalid UTF-8
 * is replaced by U+FFFD so the output always parses. */
lx_status lx_escape_json(lx_strbuf *out, const char *s, size_t len);

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

/* Appends s[0..len) for a terminal: every C0 control (newline and tab
 * included), DEL and C1 control written visibly, "\x1b", "\u009b", so that
 * nothing from the archive acts on the terminal. */
lx_status lx_escape_terminal(lx_strbuf *out, const char *s, size_t len);

#endif
