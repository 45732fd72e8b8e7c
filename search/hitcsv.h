/* hitcsv.h - a hit as a CSV row (RFC 4180, CRLF), the columns every CSV output shares. */
#ifndef LX_HITCSV_H
#define LX_HITCSV_H

#include <stdbool.h>

#include "record.h"
#include "strbuf.h"

/* Appends the header line: one column per lx_hit_columns entry ("from" as
 * from_name and from_address). */
lx_status lx_hitcsv_header(lx_strbuf *sb);

/* Appends one hit's row. shown: for standard output, where the archive's
 * controls (but tab and newline) are shown as escapes (lx_escape_csv_shown);
 * a file keeps them. Identifier columns are always quoted. */
lx_status lx_hitcsv_row(lx_strbuf *sb, const lx_record *rec, bool shown);

/* The header and a row with one more column at the end (a file's). */
lx_status lx_hitcsv_header_plus(lx_strbuf *sb, const char *column);
lx_status lx_hitcsv_row_plus(lx_strbuf *sb, const lx_record *rec, const char *value);

#endif
