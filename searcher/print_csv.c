/* print_csv.c - the CSV printer: a header and one row per hit, person, facet or query, controls shown as escapes. */
#include <string.h>

#include "escape.h"
#include "hitcsv.h"
#include "printer.h"
#include "banned.h"

/* show: a header and the message's row, for each message. */
static lx_status message(lx_print *p, const lx_record *rec, size_t i)
{
    (void)i;
    lx_status st = lx_hitcsv_header(&p->buf);
    if (!st)
        st = lx_hitcsv_row(&p->buf, rec, true);
    return lx_print_emit(p, st);
}

static lx_status people(lx_print *p, const lx_people *pp, size_t begin, size_t end)
{
    lx_strbuf names;
    lx_strbuf_init(&names);
    lx_status st = lx_strbuf_addstr(&p->buf, "address,names,messages,verified,first,last\r\n");
    for (size_t i = begin; i < end && !st; i++) {
        const lx_person *q = &pp->v[i];
        char first[32], last[32];
        lx_person_date(q->first, first);
        lx_person_date(q->last, last);
        lx_strbuf_reset(&names);
        for (size_t k = 0; k < q->n_names && !st; k++)
            st = lx_strbuf_addf(&names, "%s%s", k ? "; " : "", q->names[k]);
        if (!st)
            st = lx_escape_csv_shown(&p->buf, q->addr, strlen(q->addr), false);
        if (!st)
            st = lx_strbuf_addch(&p->buf, ',');
        if (!st)
            st = lx_escape_csv_shown(&p->buf, names.buf, names.len, false);
        if (!st)
            st = lx_strbuf_addf(&p->buf, ",%zu,%zu,%s,%s\r\n", q->messages, q->verified, first, last);
    }
    st = lx_print_emit(p, st);
    lx_strbuf_release(&names);
    return st;
}

/* One row: the facet group (or "total", "undated"), key, name, query, count. */
static lx_status facet_row(lx_strbuf *o, const char *group, const lx_facet *f, size_t count)
{
    lx_status st = lx_strbuf_addf(o, "%s,", group);
    const char *cells[3] = {f ? f->key : "", f && f->name ? f->name : "", f ? f->query : ""};
    for (int k = 0; k < 3 && !st; k++) {
        st = lx_escape_csv_shown(o, cells[k], strlen(cells[k]), false);
        if (!st)
            st = lx_strbuf_addch(o, ',');
    }
    return st ? st : lx_strbuf_addf(o, "%zu\r\n", count);
}

static lx_status facets(lx_print *p, const lx_facets *f)
{
    lx_status st = lx_strbuf_addstr(&p->buf, "facet,key,name,query,count\r\n");
    if (!st)
        st = facet_row(&p->buf, "total", NULL, f->total);
    for (int g = 0; g < LX_FACETS_COUNT_ && !st; g++) {
        const lx_facet_list *l = &f->groups[g];
        for (size_t i = 0; i < l->n && !st; i++)
            st = facet_row(&p->buf, lx_facet_group_name((lx_facet_group)g), &l->v[i],
                           l->v[i].count);
        if (!st && g == LX_FACETS_MONTHS)
            st = facet_row(&p->buf, "undated", NULL, f->undated);
    }
    return lx_print_emit(p, st);
}

static lx_status batch_begin(lx_print *p)
{
    fputs("query,hits,verified\r\n", p->out);
    return LX_OK;
}

static lx_status batch_row(lx_print *p, const char *query, size_t hits, size_t verified)
{
    lx_status st = lx_escape_csv_shown(&p->buf, query, strlen(query), false);
    if (!st)
        st = lx_strbuf_addf(&p->buf, ",%zu,%zu\r\n", hits, verified);
    return lx_print_emit(p, st);
}

/* CSV as shown on standard output: the archive's controls as text hit
 * lines show them. No summary in CSV: stats prints text or JSON. */
const lx_printer lx_print_csv = {lx_print_list_begin, lx_print_list_hit, lx_print_list_end,
                                 message,             people,            NULL,
                                 facets,              NULL,              batch_begin,
                                 batch_row};
