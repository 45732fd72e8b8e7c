/* printer.c - choosing the printer of a format, and what the printers share. */
#include "printer.h"

#include "banned.h"

const lx_printer *lx_printer_of(lx_format f)
{
    switch (f) {
    case LX_FMT_JSON: return &lx_print_json;
    case LX_FMT_NDJSON: return &lx_print_ndjson;
    case LX_FMT_CSV: return &lx_print_csv;
    case LX_FMT_TEXT: break;
    }
    return &lx_print_text;
}

lx_status lx_print_flush(lx_print *p, const lx_strbuf *sb, lx_status st)
{
    if (!st)
        fwrite(sb->buf, 1, sb->len, p->out);
    return st;
}
