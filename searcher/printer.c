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

/* Appends by lx_hitlist_* into a buffer, then prints it. */
lx_status lx_print_list_begin(lx_print *p, lx_format f, size_t total, size_t offset)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    p->n = 0;
    lx_status st = lx_print_flush(p, &sb, lx_hitlist_begin(&sb, f, total, offset, NULL, false));
    lx_strbuf_release(&sb);
    return st;
}

lx_status lx_print_list_hit(lx_print *p, lx_format f, const lx_record *rec)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = lx_print_flush(p, &sb, lx_hitlist_hit(&sb, f, p->n, rec, true));
    p->n++;
    lx_strbuf_release(&sb);
    return st;
}

lx_status lx_print_list_end(lx_print *p, lx_format f)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = lx_print_flush(p, &sb, lx_hitlist_end(&sb, f, p->n));
    lx_strbuf_release(&sb);
    return st ? st : ferror(p->out) ? LX_E_IO : LX_OK;
}
