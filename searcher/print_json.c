/* print_json.c - the JSON and NDJSON printers: one envelope (JSON) or one object per line (NDJSON). */
#include <string.h>

#include "caps.h"
#include "escape.h"
#include "hitjson.h"
#include "printer.h"
#include "banned.h"

/* show: the hit's object with its body, one per line in both formats. */
static lx_status message(lx_print *p, const lx_record *rec, size_t i)
{
    (void)i;
    lx_status st = lx_hitjson_hit(&p->buf, rec, true);
    if (!st)
        st = lx_strbuf_addch(&p->buf, '\n');
    return lx_print_emit(p, st);
}

/* A date of a person, or null. */
static lx_status json_date(lx_strbuf *o, double t)
{
    char iso[32];
    lx_person_date(t, iso);
    return lx_escape_json_or_null(o, iso);
}

static lx_status json_person(lx_strbuf *o, const lx_person *q)
{
    lx_status st = lx_strbuf_addstr(o, "{\"address\":");
    if (!st)
        st = lx_escape_json(o, q->addr, strlen(q->addr));
    if (!st)
        st = lx_strbuf_addstr(o, ",\"names\":[");
    for (size_t i = 0; i < q->n_names && !st; i++) {
        if (i)
            st = lx_strbuf_addch(o, ',');
        if (!st)
            st = lx_escape_json(o, q->names[i], strlen(q->names[i]));
    }
    if (!st)
        st = lx_strbuf_addf(o, "],\"messages\":%zu,\"verified\":%zu,\"first\":", q->messages,
                            q->verified);
    if (!st)
        st = json_date(o, q->first);
    if (!st)
        st = lx_strbuf_addstr(o, ",\"last\":");
    if (!st)
        st = json_date(o, q->last);
    return st ? st : lx_strbuf_addch(o, '}');
}

/* The people in an envelope (json) or one per line. Every count is over
 * all the people; the page only chooses the rows printed. */
static lx_status people_list(lx_print *p, const lx_people *pp, size_t begin, size_t end, bool json)
{
    lx_status st = LX_OK;
    if (json)
        st = lx_strbuf_addf(&p->buf, "{\"version\":%d,\"kind\":\"%s\",\"total\":%zu,\"people\":[",
                            LX_JSON_VERSION,
                            pp->kind == LX_PEOPLE_SENDERS ? "senders" : "recipients", pp->n);
    for (size_t i = begin; i < end && !st; i++) {
        if (json)
            st = lx_strbuf_addstr(&p->buf, i > begin ? ",\n" : "\n");
        if (!st)
            st = json_person(&p->buf, &pp->v[i]);
        if (!st && !json)
            st = lx_strbuf_addch(&p->buf, '\n');
    }
    if (!st && json)
        st = lx_strbuf_addstr(&p->buf, end > begin ? "\n]}\n" : "]}\n");
    return lx_print_emit(p, st);
}

static lx_status json_people(lx_print *p, const lx_people *pp, size_t begin, size_t end)
{
    return people_list(p, pp, begin, end, true);
}

static lx_status ndjson_people(lx_print *p, const lx_people *pp, size_t begin, size_t end)
{
    return people_list(p, pp, begin, end, false);
}

/* The summary, one object, in both formats. */
static lx_status stats(lx_print *p, const lx_stats *s)
{
    lx_strbuf_addf(&p->buf,
                   "{\"version\":%d,\"messages\":%zu,\"unique_senders\":%zu,\"verified\":%zu,"
                   "\"verified_partial\":%zu,\"dkim_pass\":%zu,\"dkim\":{",
                   LX_JSON_VERSION, s->messages, s->unique_senders, s->verified, s->partial,
                   s->verdicts[LX_VERDICT_PASS]);
    for (int i = 0; i < LX_VERDICT_COUNT_; i++)
        lx_strbuf_addf(&p->buf, "%s\"%s\":%zu", i ? "," : "", lx_verdict_name((lx_verdict)i),
                       s->verdicts[i]);
    lx_strbuf_addf(&p->buf, "},\"corroborated\":%zu,\"chain_mismatches\":%zu,\"years\":{",
                   s->corroborated, s->mismatched);
    bool first = true;
    for (int y = 0; y < 10000; y++)
        if (s->years[y]) {
            lx_strbuf_addf(&p->buf, "%s\"%d\":%zu", first ? "" : ",", y, s->years[y]);
            first = false;
        }
    lx_strbuf_addf(&p->buf,
                   "},\"undated\":%zu,\"attachments\":%zu,\"attachments_with_text\":%zu,"
                   "\"top_domains\":[",
                   s->undated, s->attachments, s->attachments_text);
    for (size_t i = 0; i < s->top; i++) {
        lx_strbuf_addf(&p->buf, "%s{\"domain\":", i ? "," : "");
        lx_escape_json(&p->buf, s->domains.v[i].addr, strlen(s->domains.v[i].addr));
        lx_strbuf_addf(&p->buf, ",\"messages\":%zu}", s->domains.v[i].messages);
    }
    lx_status st = lx_strbuf_addstr(&p->buf, "]}\n");
    return lx_print_emit(p, st);
}

/* One facet list under its group's name. */
static lx_status json_facet_list(lx_strbuf *o, lx_facet_group g, const lx_facet_list *l)
{
    lx_status st = lx_strbuf_addf(o, ",\n\"%s\":[", lx_facet_group_name(g));
    for (size_t i = 0; i < l->n && !st; i++) {
        const lx_facet *f = &l->v[i];
        st = lx_strbuf_addstr(o, i ? ",{\"key\":" : "{\"key\":");
        if (!st)
            st = lx_escape_json(o, f->key, strlen(f->key));
        if (!st && f->name && !(st = lx_strbuf_addstr(o, ",\"name\":")))
            st = lx_escape_json(o, f->name, strlen(f->name));
        if (!st)
            st = lx_strbuf_addstr(o, ",\"query\":");
        if (!st)
            st = lx_escape_json(o, f->query, strlen(f->query));
        if (!st)
            st = lx_strbuf_addf(o, ",\"count\":%zu}", f->count);
    }
    return st ? st : lx_strbuf_addch(o, ']');
}

/* The facets, one object, in both formats (a line per group in JSON, one
 * line in NDJSON). */
static lx_status facets_object(lx_print *p, const lx_facets *f, bool json)
{
    size_t start = p->buf.len;
    lx_status st = lx_strbuf_addf(&p->buf, "{\"version\":%d,\"kind\":\"facets\",\"total\":%zu",
                                  LX_JSON_VERSION, f->total);
    for (int g = 0; g < LX_FACETS_COUNT_ && !st; g++) {
        st = json_facet_list(&p->buf, (lx_facet_group)g, &f->groups[g]);
        if (!st && g == LX_FACETS_MONTHS)
            st = lx_strbuf_addf(&p->buf, ",\n\"undated\":%zu", f->undated);
    }
    if (!st)
        st = lx_strbuf_addstr(&p->buf, "}\n");
    /* NDJSON: the object on one line (no string holds a raw newline). */
    for (size_t i = start; !st && !json && i + 1 < p->buf.len; i++)
        if (p->buf.buf[i] == '\n')
            p->buf.buf[i] = ' ';
    return lx_print_emit(p, st);
}

static lx_status json_facets(lx_print *p, const lx_facets *f)
{
    return facets_object(p, f, true);
}

static lx_status ndjson_facets(lx_print *p, const lx_facets *f)
{
    return facets_object(p, f, false);
}

/* attachment-text: one object, in both formats. */
static lx_status attachment_text(lx_print *p, size_t n, const lx_attachment_text *t)
{
    size_t id_len = strlen(t->sha256) < LX_SHORT_ID_LEN ? strlen(t->sha256) : LX_SHORT_ID_LEN;
    lx_status st = lx_strbuf_addf(&p->buf, "{\"version\":%d,\"id\":", LX_JSON_VERSION);
    if (!st)
        st = lx_escape_json(&p->buf, t->sha256, id_len);
    if (!st)
        st = lx_strbuf_addf(&p->buf, ",\"n\":%zu,\"name\":", n);
    if (!st)
        st = lx_escape_json(&p->buf, t->name.buf, t->name.len);
    if (!st)
        st = lx_strbuf_addstr(&p->buf, ",\"status\":");
    if (!st)
        st = lx_escape_json(&p->buf, t->status.buf, t->status.len);
    if (!st)
        st = lx_strbuf_addstr(&p->buf, ",\"text\":");
    if (!st)
        st = lx_escape_json(&p->buf, t->text.buf, t->text.len);
    if (!st)
        st = lx_strbuf_addf(&p->buf, ",\"truncated\":%s}\n", t->truncated ? "true" : "false");
    return lx_print_emit(p, st);
}

static lx_status batch_begin(lx_print *p)
{
    (void)p;
    return LX_OK;
}

static lx_status batch_row(lx_print *p, const char *query, size_t hits, size_t verified)
{
    lx_status st = lx_strbuf_addstr(&p->buf, "{\"query\":");
    if (!st)
        st = lx_escape_json(&p->buf, query, strlen(query));
    if (!st)
        st = lx_strbuf_addf(&p->buf, ",\"hits\":%zu,\"verified\":%zu}\n", hits, verified);
    return lx_print_emit(p, st);
}

const lx_printer lx_print_json = {lx_print_list_begin, lx_print_list_hit, lx_print_list_end,
                                  message,             json_people,       stats,
                                  json_facets,         attachment_text,   batch_begin,
                                  batch_row};
const lx_printer lx_print_ndjson = {lx_print_list_begin, lx_print_list_hit, lx_print_list_end,
                                    message,             ndjson_people,     stats,
                                    ndjson_facets,       attachment_text,   batch_begin,
                                    batch_row};
