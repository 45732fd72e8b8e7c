/* senders.c - senders, recipients and the archive's summary, counted over every match. */
#include "senders.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "grow.h"
#include "tally.h"
#include "banned.h"

bool lx_people_sort_parse(const char *s, lx_people_sort *out)
{
    static const struct {
        const char *name;
        lx_people_sort sort;
    } names[] = {{"count", LX_PEOPLE_BY_COUNT},
                 {"address", LX_PEOPLE_BY_ADDRESS},
                 {"first", LX_PEOPLE_BY_FIRST},
                 {"last", LX_PEOPLE_BY_LAST}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].sort;
            return true;
        }
    return false;
}

void lx_people_release(lx_people *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].addr);
        for (size_t k = 0; k < p->v[i].n_names; k++)
            free(p->v[i].names[k]);
        free(p->v[i].names);
    }
    free(p->v);
    free(p->slots);
    p->v = NULL;
    p->slots = NULL;
    p->n = p->alloc = p->n_slots = 0;
}

bool lx_person_date(double t, char buf[32])
{
    buf[0] = '\0';
    if (isnan(t))
        return false;
    lx_date_format_iso((int64_t)t, buf);
    return true;
}

static lx_status rehash(lx_people *p)
{
    size_t ns = p->n_slots ? p->n_slots * 2 : 1024;
    size_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return LX_E_NOMEM;
    for (size_t i = 0; i < p->n; i++) {
        size_t h = (size_t)lx_hash64(p->v[i].addr, strlen(p->v[i].addr)) & (ns - 1);
        while (slots[h])
            h = (h + 1) & (ns - 1);
        slots[h] = i + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->n_slots = ns;
    return LX_OK;
}

/* The person for addr[0..n), created when new; NULL when out of memory. */
static lx_person *find(lx_people *p, const char *addr, size_t n)
{
    if ((p->n + 1) * 2 > p->n_slots && rehash(p))
        return NULL;
    size_t h = (size_t)lx_hash64(addr, n) & (p->n_slots - 1);
    while (p->slots[h]) {
        lx_person *q = &p->v[p->slots[h] - 1];
        if (strlen(q->addr) == n && memcmp(q->addr, addr, n) == 0)
            return q;
        h = (h + 1) & (p->n_slots - 1);
    }
    if (!lx_grow((void **)&p->v, &p->alloc, p->n + 1, sizeof *p->v))
        return NULL;
    lx_person *q = &p->v[p->n];
    memset(q, 0, sizeof *q);
    q->addr = strndup(addr, n);
    q->first = q->last = NAN;
    q->last_row = SIZE_MAX;
    if (!q->addr)
        return NULL;
    p->slots[h] = ++p->n;
    return q;
}

static lx_status add_name(lx_person *q, const char *name, size_t n)
{
    if (n == 0)
        return LX_OK;
    for (size_t i = 0; i < q->n_names; i++)
        if (strlen(q->names[i]) == n && memcmp(q->names[i], name, n) == 0)
            return LX_OK;
    if (!lx_grow((void **)&q->names, &q->alloc_names, q->n_names + 1, sizeof *q->names))
        return LX_E_NOMEM;
    if (!(q->names[q->n_names] = strndup(name, n)))
        return LX_E_NOMEM;
    q->n_names++;
    return LX_OK;
}

void lx_people_count(lx_people *p, const char *line, size_t n, double date, bool verified)
{
    const char *tab = memchr(line, '\t', n);
    size_t alen = tab ? (size_t)(tab - line) : n;
    if (alen == 0)
        return;
    lx_person *q = find(p, line, alen);
    if (!q) {
        p->st = LX_E_NOMEM;
        return;
    }
    if (tab && (p->st = add_name(q, tab + 1, n - alen - 1)))
        return;
    if (q->last_row == p->row)
        return; /* an address in both To and Cc counts once per message */
    q->last_row = p->row;
    q->messages++;
    q->verified += verified;
    if (!isnan(date)) {
        if (isnan(q->first) || date < q->first)
            q->first = date;
        if (isnan(q->last) || date > q->last)
            q->last = date;
    }
}

/* One distinct tally and how many matches hold it (one each, unless a
 * message is in two databases that are not collapsed). */
static int on_tally(void *ctx, const char *value, size_t len, size_t count)
{
    lx_people *p = ctx;
    if (!value) {
        lx_people_release(p);
        p->row = 0;
        return 0;
    }
    lx_tally t;
    if (!lx_tally_parse(value, len, &t)) {
        p->st = LX_E_DB_CORRUPT;
        return 1;
    }
    bool verified = t.level == LX_LEVEL_YES;
    for (size_t k = 0; k < count && !p->st; k++) {
        p->row++;
        if (p->kind == LX_PEOPLE_SENDERS) {
            lx_people_count(p, t.lines, t.len, t.date, verified);
            continue;
        }
        for (size_t pos = 0; pos < t.len && !p->st;) {
            const char *nl = memchr(t.lines + pos, '\n', t.len - pos);
            size_t e = nl ? (size_t)(nl - t.lines) : t.len;
            lx_people_count(p, t.lines + pos, e - pos, t.date, verified);
            pos = e + 1;
        }
    }
    return p->st != LX_OK;
}

static int by_address(const void *a, const void *b)
{
    return strcmp(((const lx_person *)a)->addr, ((const lx_person *)b)->addr);
}

static int by_count(const void *a, const void *b)
{
    const lx_person *x = a, *y = b;
    int c = x->messages > y->messages ? -1 : x->messages < y->messages;
    return c ? c : by_address(a, b);
}

/* Dated before undated, then earlier (sign 1) or later (sign -1) first. */
static int by_date(double x, double y, int sign)
{
    if (isnan(x) != isnan(y))
        return isnan(x) ? 1 : -1;
    if (isnan(x))
        return 0;
    return x < y ? -sign : x > y ? sign : 0;
}

static int by_first(const void *a, const void *b)
{
    int c = by_date(((const lx_person *)a)->first, ((const lx_person *)b)->first, 1);
    return c ? c : by_address(a, b);
}

static int by_last(const void *a, const void *b)
{
    int c = by_date(((const lx_person *)a)->last, ((const lx_person *)b)->last, -1);
    return c ? c : by_address(a, b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void lx_people_sort_by(lx_people *p, lx_people_sort sort)
{
    int (*cmp)(const void *, const void *) = sort == LX_PEOPLE_BY_ADDRESS ? by_address
                                             : sort == LX_PEOPLE_BY_FIRST ? by_first
                                             : sort == LX_PEOPLE_BY_LAST  ? by_last
                                                                          : by_count;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].n_names > 1)
            qsort(p->v[i].names, p->v[i].n_names, sizeof(char *), cmp_str);
    if (p->n)
        qsort(p->v, p->n, sizeof *p->v, cmp);
}

lx_status lx_senders_find(lx_db *db, const lx_query_opts *opts, lx_people_kind kind,
                          lx_people_sort sort, lx_people *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    int slot =
        lx_schema_slot(kind == LX_PEOPLE_SENDERS ? LX_F_SENDER_TALLY : LX_F_RECIPIENTS_TALLY);
    lx_status st = lx_search_value_counts(db, opts, slot, on_tally, out);
    if (!st)
        st = out->st;
    if (!st)
        lx_people_sort_by(out, sort);
    return st;
}

/* ---- the summary -------------------------------------------------------- */

/* A summary being counted: the senders are counted only to know how many. */
typedef struct stats_scan {
    lx_stats *s;
    lx_people senders;
    const lx_tz *tz; /* years are counted on its clocks (NULL: UTC) */
    lx_status st;
} stats_scan;

/* Forgets every row counted (the database changed under the scan). */
static void stats_reset(stats_scan *c)
{
    lx_people_release(&c->senders);
    lx_people_release(&c->s->domains);
    lx_people domains = c->s->domains;
    memset(c->s, 0, sizeof *c->s);
    c->s->domains = domains;
    c->s->domains.row = c->senders.row = 0;
}

/* The year of date on the clocks of tz; undated when out of 0..9999. */
static void count_year(lx_stats *s, double date, const lx_tz *tz)
{
    if (isnan(date)) {
        s->undated++;
        return;
    }
    int y, mo, d, h, mi, sec;
    int64_t t = (int64_t)date;
    lx_date_to_civil(t + lx_tz_offset(tz, t), &y, &mo, &d, &h, &mi, &sec);
    if (y >= 0 && y < 10000)
        s->years[y]++;
    else
        s->undated++;
}

/* Counts one message of the summary from its sender's tally. */
static void count_message(stats_scan *c, const lx_tally *t)
{
    lx_stats *s = c->s;
    s->messages++;
    /* A verified message is never counted as corroborated. */
    bool verified = t->level == LX_LEVEL_YES;
    s->verified += verified;
    s->partial += t->level == 2.0 || t->level == 3.0;
    if (!verified && (t->chain & LX_TALLY_CORROBORATED))
        s->corroborated++;
    if (t->chain & LX_TALLY_MISMATCH)
        s->mismatched++;
    if (!isnan(t->attachments) && t->attachments > 0)
        s->attachments += (size_t)t->attachments;
    if (!isnan(t->with_text) && t->with_text > 0)
        s->attachments_text += (size_t)t->with_text;
    double verdict = t->verdict;
    bool known = !isnan(verdict) && verdict >= LX_VERDICT_NONE && verdict <= LX_VERDICT_INVALID;
    s->verdicts[known ? (int)verdict : LX_VERDICT_UNCHECKED]++;
    count_year(s, t->date, c->tz);
    c->senders.row = s->domains.row = s->messages;
    const char *v = t->lines;
    const char *tab = memchr(v, '\t', t->len);
    size_t alen = tab ? (size_t)(tab - v) : t->len;
    lx_people_count(&c->senders, v, alen, t->date, verified);
    const char *at = memchr(v, '@', alen);
    if (at && at + 1 < v + alen)
        lx_people_count(&s->domains, at + 1, (size_t)(v + alen - at - 1), t->date, verified);
    if (c->senders.st || s->domains.st)
        c->st = LX_E_NOMEM;
}

static int on_stats_tally(void *ctx, const char *value, size_t len, size_t count)
{
    stats_scan *c = ctx;
    if (!value) {
        stats_reset(c);
        return 0;
    }
    lx_tally t;
    if (!lx_tally_parse(value, len, &t) || !t.full) {
        c->st = LX_E_DB_CORRUPT;
        return 1;
    }
    for (size_t k = 0; k < count && !c->st; k++)
        count_message(c, &t);
    return c->st != LX_OK;
}

lx_status lx_stats_find(lx_db *db, const lx_query_opts *opts, lx_stats **out)
{
    stats_scan c;
    memset(&c, 0, sizeof c);
    *out = NULL;
    if (!(c.s = calloc(1, sizeof *c.s)))
        return LX_E_NOMEM;
    c.senders.kind = c.s->domains.kind = LX_PEOPLE_SENDERS;
    c.tz = opts->tz;
    lx_status st =
        lx_search_value_counts(db, opts, lx_schema_slot(LX_F_SENDER_TALLY), on_stats_tally, &c);
    if (!st)
        st = c.st;
    c.s->unique_senders = c.senders.n;
    lx_people_release(&c.senders);
    if (st) {
        lx_stats_free(c.s);
        return st;
    }
    if (c.s->domains.n)
        qsort(c.s->domains.v, c.s->domains.n, sizeof *c.s->domains.v, by_count);
    c.s->top = c.s->domains.n < LX_STATS_TOP_DOMAINS ? c.s->domains.n : LX_STATS_TOP_DOMAINS;
    *out = c.s;
    return LX_OK;
}

void lx_stats_free(lx_stats *s)
{
    if (!s)
        return;
    lx_people_release(&s->domains);
    free(s);
}
