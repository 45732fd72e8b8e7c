/* hitcsv.c - a hit as a CSV row (RFC 4180, CRLF), the columns every CSV output shares. */
#include "hitcsv.h"

#include <string.h>

#include "escape.h"
#include "hitfields.h"
#include "schema.h"
#include "banned.h"

static lx_status csv_field(lx_strbuf *line, bool first, const char *s, size_t len)
{
    lx_status st = first ? LX_OK : lx_strbuf_addch(line, ',');
    return st ? st : lx_escape_csv(line, s, len);
}

/* Identifier columns are always quoted, so that a spreadsheet told to read
 * quoted fields as text keeps them as written. */
static bool is_identifier(const lx_column *c)
{
    return c->kind == LX_COL_ID || c->kind == LX_COL_STRS || c->kind == LX_COL_ATTACH ||
           strcmp(c->name, "sha256") == 0 || strcmp(c->name, "message_id") == 0 ||
           strcmp(c->name, "in_reply_to") == 0 || strcmp(c->name, "thread") == 0;
}

lx_status lx_hitcsv_header(lx_strbuf *line)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i < lx_hit_n_columns && !st; i++) {
        const lx_column *c = &lx_hit_columns[i];
        if (c->kind == LX_COL_FROM) {
            st = csv_field(line, i == 0, LX_DATA_FROM_NAME, strlen(LX_DATA_FROM_NAME));
            if (!st)
                st = csv_field(line, false, LX_DATA_FROM_ADDRESS, strlen(LX_DATA_FROM_ADDRESS));
        } else {
            st = csv_field(line, i == 0, c->name, strlen(c->name));
        }
    }
    return st ? st : lx_strbuf_addstr(line, "\r\n");
}

/* One cell, escaped for a file or for standard output (shown). */
static lx_status cell(lx_strbuf *line, const char *s, size_t len, bool quoted, bool shown)
{
    if (shown)
        return lx_escape_csv_shown(line, s, len, quoted);
    return quoted ? lx_escape_csv_quoted(line, s, len) : lx_escape_csv(line, s, len);
}

lx_status lx_hitcsv_row(lx_strbuf *line, const lx_record *r, bool shown)
{
    lx_strbuf text;
    lx_strbuf_init(&text);
    lx_status st = LX_OK;
    for (size_t i = 0; i < lx_hit_n_columns && !st; i++) {
        const lx_column *c = &lx_hit_columns[i];
        st = i ? lx_strbuf_addch(line, ',') : LX_OK;
        if (!st && c->kind == LX_COL_FROM) {
            const char *name = lx_hitfields_get(r, LX_DATA_FROM_NAME);
            const char *addr = lx_hitfields_get(r, LX_DATA_FROM_ADDRESS);
            st = cell(line, name, strlen(name), false, shown);
            if (!st)
                st = lx_strbuf_addch(line, ',');
            if (!st)
                st = cell(line, addr, strlen(addr), false, shown);
            continue;
        }
        lx_strbuf_reset(&text);
        if (!st)
            st = lx_hitfields_plain(&text, r, c);
        if (!st)
            st = cell(line, text.buf, text.len, is_identifier(c), shown);
    }
    lx_strbuf_release(&text);
    return st ? st : lx_strbuf_addstr(line, "\r\n");
}

/* Replaces a line's final CRLF by ",extra CRLF". */
static lx_status plus_column(lx_strbuf *sb, size_t start, const char *extra)
{
    if (sb->len < start + 2)
        return LX_E_INVALID;
    lx_strbuf_setlen(sb, sb->len - 2);
    lx_status st = lx_strbuf_addch(sb, ',');
    if (!st)
        st = lx_escape_csv(sb, extra, strlen(extra));
    return st ? st : lx_strbuf_addstr(sb, "\r\n");
}

lx_status lx_hitcsv_header_plus(lx_strbuf *sb, const char *column)
{
    size_t start = sb->len;
    lx_status st = lx_hitcsv_header(sb);
    return st ? st : plus_column(sb, start, column);
}

lx_status lx_hitcsv_row_plus(lx_strbuf *sb, const lx_record *rec, const char *value)
{
    size_t start = sb->len;
    lx_status st = lx_hitcsv_row(sb, rec, false);
    return st ? st : plus_column(sb, start, value);
}
