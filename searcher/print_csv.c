/* print_csv.c - the CSV printer: a header and one row per hit, person or query, controls shown as escapes. */
#include <math.h>
#include <string.h>

#include "date.h"
#include "escape.h"
#include "hitcsv.h"
#include "printer.h"
#include "banned.h"

static lx_status hits_begin(lx_print *p, size_t total, size_t offset)
{
    return lx_print_list_begin(p, LX_FMT_CSV, total, offset);
}

/* Standard output: the archive's controls shown as text hit lines show them. */
static lx_status hit(lx_print *p, const lx_record *rec)
{
    return lx_print_list_hit(p, LX_FMT_CSV, rec);
}

static lx_status hits_end(lx_print *p)
{
    return lx_print_list_end(p, LX_FMT_CSV);
}

/* show: a header and the message's row, for each message. */
static lx_status message(lx_print *p, const lx_record *rec, size_t i)
{
    (void)i;
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = lx_hitcsv_header(&sb);
    if (!st)
        st = lx_hitcsv_row(&sb, rec, true);
    st = lx_print_flush(p, &sb, st);
    lx_strbuf_release(&sb);
    return st;
}

static lx_status people(lx_print *p, const lx_people *pp, size_t begin, size_t end)
{
    lx_strbuf o, names;
    lx_strbuf_init(&o);
    lx_strbuf_init(&names);
    lx_status st = lx_strbuf_addstr(&o, "address,names,messages,verified,first,last\r\n");
    for (size_t i = begin; i < end && !st; i++) {
        const lx_person *q = &pp->v[i];
        char first[32], last[32];
        lx_person_date(q->first, first);
        lx_person_date(q->last, last);
        lx_strbuf_reset(&names);
        for (size_t k = 0; k < q->n_names && !st; k++)
            st = lx_strbuf_addf(&names, "%s%s", k ? "; " : "", q->names[k]);
        if (!st)
            st = lx_escape_csv_shown(&o, q->addr, strlen(q->addr), false);
        if (!st)
            st = lx_strbuf_addch(&o, ',');
        if (!st)
            st = lx_escape_csv_shown(&o, names.buf, names.len, false);
        if (!st)
            st = lx_strbuf_addf(&o, ",%zu,%zu,%s,%s\r\n", q->messages, q->verified, first, last);
    }
    st = lx_print_flush(p, &o, st);
    lx_strbuf_release(&o);
    lx_strbuf_release(&names);
    return st;
}

static lx_status batch_begin(lx_print *p)
{
    fputs("query,hits,verified\r\n", p->out);
    return LX_OK;
}

static lx_status batch_row(lx_print *p, const char *query, size_t hits, size_t verified)
{
    lx_strbuf o;
    lx_strbuf_init(&o);
    lx_status st = lx_escape_csv_shown(&o, query, strlen(query), false);
    if (!st)
        st = lx_strbuf_addf(&o, ",%zu,%zu\r\n", hits, verified);
    st = lx_print_flush(p, &o, st);
    lx_strbuf_release(&o);
    return st;
}

/* No summary in CSV: stats prints text or JSON. */
const lx_printer lx_print_csv = {hits_begin, hit,  hits_end,    message,
                                 people,     NULL, batch_begin, batch_row};
