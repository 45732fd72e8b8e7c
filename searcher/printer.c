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

const lx_printer *lx_print_init(lx_print *p, lx_format f, FILE *out, const lx_tz *tz, bool bold)
{
    *p = (lx_print){.out = out, .format = f, .tz = tz, .bold = bold};
    lx_strbuf_init(&p->buf);
    return lx_printer_of(f);
}

lx_status lx_print_emit(lx_print *p, lx_status st)
{
    if (!st)
        fwrite(p->buf.buf, 1, p->buf.len, p->out);
    lx_strbuf_reset(&p->buf);
    return st;
}

void lx_print_release(lx_print *p)
{
    lx_strbuf_release(&p->buf);
}

/* Appends by lx_hitlist_* into a buffer, then prints it. */
lx_status lx_print_list_begin(lx_print *p, size_t total, size_t offset)
{
    p->n = 0;
    return lx_print_emit(p, lx_hitlist_begin(&p->buf, p->format, total, offset, NULL, false));
}

lx_status lx_print_list_hit(lx_print *p, const lx_record *rec)
{
    lx_status st = lx_print_emit(p, lx_hitlist_hit(&p->buf, p->format, p->n, rec, true));
    p->n++;
    return st;
}

lx_status lx_print_list_end(lx_print *p)
{
    lx_status st = lx_print_emit(p, lx_hitlist_end(&p->buf, p->format, p->n));
    return st ? st : ferror(p->out) ? LX_E_IO : LX_OK;
}
