/* facets.c - the exact counts a filter column shows beside a query's matches, from one scan of value slots and a count per term. */
#include "facets.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "date.h"
#include "grow.h"
#include "language.h"
#include "schema.h"
#include "senders.h"
#include "banned.h"

const char *lx_facet_group_name(lx_facet_group g)
{
    switch (g) {
    case LX_FACETS_VERDICTS: return "verdicts";
    case LX_FACETS_MONTHS: return "months";
    case LX_FACETS_DOMAINS: return "domains";
    case LX_FACETS_SENDERS: return "senders";
    case LX_FACETS_ATTACHMENTS: return "attachments";
    case LX_FACETS_FILETYPES: return "filetypes";
    case LX_FACETS_CONFLICTS: return "conflicts";
    case LX_FACETS_COUNT_: break;
    }
    return "?";
}

/* The verdict facets, in the order shown: what each counts is in a value
 * slot (the scan counts it), but for weak keys, which only a term holds. */
enum { V_VERIFIED, V_PARTIAL, V_CORROBORATED, V_FAIL, V_NOKEY, V_INVALID, V_NONE, V_WEAK, V_COUNT };
static const struct {
    const char *key, *field, *value;
} verdict_facets[V_COUNT] = {
    {"verified", "verified", "yes"}, {"partial", "verified", "partial"},
    {"corroborated", "verified", "chain"}, {"fail", "dkim", "fail"},
    {"nokey", "dkim", "nokey"}, {"invalid", "dkim", "invalid"},
    {"none", "dkim", "none"}, {"weak", "dkim", "weak"},
};

/* The slots the scan reads, in this order. */
enum { S_SENDER, S_DATE, S_VERDICT, S_LEVEL, S_CHAIN, S_COUNT };

/* What the scan counts. */
typedef struct facet_scan {
    size_t total, undated;
    size_t verdicts[V_COUNT];
    lx_people months, domains, senders; /* keyed by month, domain, address */
    const lx_tz *tz;                    /* months are read on its clocks (NULL: UTC) */
} facet_scan;

static void scan_release(facet_scan *c)
{
    lx_people_release(&c->months);
    lx_people_release(&c->domains);
    lx_people_release(&c->senders);
}

/* Forgets every row counted (the database changed under the scan). */
static void scan_reset(facet_scan *c)
{
    scan_release(c);
    const lx_tz *tz = c->tz;
    memset(c, 0, sizeof *c);
    c->tz = tz;
}

/* The verdict facets a message counts in: its verdict's, its verification
 * level's and its chain corroboration's (never when verified, as
 * verified:chain says). */
static void count_verdicts(facet_scan *c, const lx_scan_row *row)
{
    double level = row->nums[S_LEVEL];
    bool verified = level == LX_LEVEL_YES;
    c->verdicts[V_VERIFIED] += verified;
    c->verdicts[V_PARTIAL] += level == 2.0 || level == 3.0;
    bool chain = row->lens[S_CHAIN] == 1 && row->vals[S_CHAIN][0] == '1';
    c->verdicts[V_CORROBORATED] += chain && !verified;
    double v = row->nums[S_VERDICT];
    c->verdicts[V_FAIL] += v == LX_VERDICT_FAIL;
    c->verdicts[V_NOKEY] += v == LX_VERDICT_NOKEY;
    c->verdicts[V_INVALID] += v == LX_VERDICT_INVALID;
    c->verdicts[V_NONE] += v == LX_VERDICT_NONE;
}

/* The month of date on the clocks of c->tz, as month: reads it; undated
 * when it has none, or a year out of 0..9999. */
static void count_month(facet_scan *c, double date)
{
    int y = -1, mo, d, h, mi, sec;
    if (!isnan(date)) {
        int64_t t = (int64_t)date;
        lx_date_to_civil(t + lx_tz_offset(c->tz, t), &y, &mo, &d, &h, &mi, &sec);
    }
    if (y < 0 || y > 9999) {
        c->undated++;
        return;
    }
    /* "YYYY-MM", written by hand: once per match (snprintf was a tenth of
     * the scan at 100,000 messages). */
    char key[7] = {(char)('0' + y / 1000), (char)('0' + y / 100 % 10), (char)('0' + y / 10 % 10),
                   (char)('0' + y % 10),   '-', (char)('0' + mo / 10), (char)('0' + mo % 10)};
    lx_people_count(&c->months, key, sizeof key, date, false);
}

static int on_row(void *ctx, const lx_scan_row *row)
{
    facet_scan *c = ctx;
    if (!row) {
        scan_reset(c);
        return 0;
    }
    c->total++;
    c->months.row = c->domains.row = c->senders.row = c->total;
    count_verdicts(c, row);
    double date = row->nums[S_DATE];
    count_month(c, date);
    /* The sender: "address<TAB>name"; its domain after the last '@', as
     * the indexer writes domain:. */
    const char *v = row->vals[S_SENDER];
    size_t len = row->lens[S_SENDER];
    const char *tab = memchr(v, '\t', len);
    size_t alen = tab ? (size_t)(tab - v) : len;
    lx_people_count(&c->senders, v, len, date, false);
    size_t at = alen;
    while (at > 0 && v[at - 1] != '@')
        at--;
    if (at > 0 && at < alen)
        lx_people_count(&c->domains, v + at, alen - at, date, false);
    return c->months.st || c->domains.st || c->senders.st;
}

/* Whether the query language reads s as one value after "field:" without
 * quotes: letters, digits and the punctuation of addresses and domains. */
static bool plain_value(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr(".-_@+", *s)))
            return false;
    return true;
}

/* Appends a facet to l: key (and name, may be NULL), its query
 * "field:value" (value quoted unless plain), its count. */
static lx_status add_facet(lx_facet_list *l, const char *key, const char *name, const char *field,
                           const char *value, size_t count)
{
    if (!lx_grow((void **)&l->v, &l->alloc, l->n + 1, sizeof *l->v))
        return LX_E_NOMEM;
    lx_facet *f = &l->v[l->n++];
    memset(f, 0, sizeof *f);
    f->count = count;
    lx_strbuf q;
    lx_strbuf_init(&q);
    const char *quote = plain_value(value) ? "" : "\"";
    lx_status st = lx_strbuf_addf(&q, "%s:%s%s%s", field, quote, value, quote);
    f->query = st ? NULL : lx_strbuf_detach(&q, NULL);
    f->key = strdup(key);
    f->name = name ? strdup(name) : NULL;
    lx_strbuf_release(&q);
    return f->query && f->key && (f->name || !name) ? LX_OK : LX_E_NOMEM;
}

/* How many matches of q the term prefix+value keeps. */
static lx_status count_term(lx_db *db, const lx_xq *q, const char *prefix, const char *value,
                            size_t *n)
{
    *n = 0;
    lx_xq *both = lx_xq_join(LX_XQ_AND, lx_xq_copy(q), lx_xq_boolean(prefix, value));
    if (!both)
        return lx_db_fail(db, LX_E_NOMEM, "out of memory");
    lx_run_opts run = {.sort = LX_SORT_RELEVANCE, .count_only = true};
    lx_results res;
    lx_status st = lx_db_search(db, both, &run, &res);
    if (!st)
        *n = res.total;
    lx_results_release(&res);
    lx_xq_free(both);
    return st;
}

/* The file types the index holds: every filetype: term's value. */
typedef struct term_values {
    char **v;
    size_t n, alloc, prefix_len;
    bool nomem;
} term_values;

static void term_values_release(term_values *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    t->v = NULL;
    t->n = t->alloc = 0;
}

static int on_term(void *ctx, const char *term, size_t len)
{
    term_values *t = ctx;
    if (!term) {
        term_values_release(t);
        return 0;
    }
    char *value = strndup(term + t->prefix_len, len - t->prefix_len);
    if (!value || !lx_grow((void **)&t->v, &t->alloc, t->n + 1, sizeof *t->v)) {
        free(value);
        t->nomem = true;
        return 1;
    }
    t->v[t->n++] = value;
    return 0;
}

static int by_count_then_key(const void *a, const void *b)
{
    const lx_facet *x = a, *y = b;
    int c = x->count > y->count ? -1 : x->count < y->count;
    return c ? c : strcmp(x->key, y->key);
}

/* The file types with matches, most first. */
static lx_status count_filetypes(lx_db *db, const lx_xq *q, lx_facet_list *out)
{
    const char *prefix = lx_schema_prefix(LX_F_FILETYPE);
    term_values t = {.prefix_len = strlen(prefix)};
    lx_status st = lx_db_walk_terms(db, prefix, on_term, &t);
    if (!st && t.nomem)
        st = lx_db_fail(db, LX_E_NOMEM, "out of memory");
    for (size_t i = 0; i < t.n && !st; i++) {
        size_t n;
        if (!(st = count_term(db, q, prefix, t.v[i], &n)) && n)
            st = add_facet(out, t.v[i], NULL, "filetype", t.v[i], n);
    }
    term_values_release(&t);
    if (!st && out->n)
        qsort(out->v, out->n, sizeof *out->v, by_count_then_key);
    return st;
}

/* The first max people of p (sorted by sort) as facets of field. */
static lx_status people_facets(lx_people *p, lx_people_sort sort, size_t max, const char *field,
                               bool named, lx_facet_list *out)
{
    lx_people_sort_by(p, sort);
    lx_status st = LX_OK;
    for (size_t i = 0; i < p->n && i < max && !st; i++) {
        const lx_person *q = &p->v[i];
        const char *name = !named ? NULL : q->n_names ? q->names[0] : "";
        st = add_facet(out, q->addr, name, field, q->addr, q->messages);
    }
    return st;
}

/* The facets of the matches of q, c having counted its slots. */
static lx_status facets_of(lx_db *db, const lx_xq *q, facet_scan *c, lx_facets *out)
{
    out->total = c->total;
    out->undated = c->undated;
    lx_status st = LX_OK;
    for (int i = 0; i < V_COUNT && !st; i++) {
        size_t n = c->verdicts[i];
        if (i == V_WEAK)
            st = count_term(db, q, lx_schema_prefix(LX_F_DKIM), verdict_facets[i].value, &n);
        if (!st)
            st = add_facet(&out->groups[LX_FACETS_VERDICTS], verdict_facets[i].key, NULL,
                           verdict_facets[i].field, verdict_facets[i].value, n);
    }
    if (!st)
        st = people_facets(&c->months, LX_PEOPLE_BY_ADDRESS, SIZE_MAX, "month", false,
                           &out->groups[LX_FACETS_MONTHS]);
    if (!st)
        st = people_facets(&c->domains, LX_PEOPLE_BY_COUNT, LX_FACETS_TOP_DOMAINS, "domain",
                           false, &out->groups[LX_FACETS_DOMAINS]);
    /* sender: is the exact address the scan counted (from: would count
     * the words of names too: a display name spelling the address). */
    if (!st)
        st = people_facets(&c->senders, LX_PEOPLE_BY_COUNT, LX_FACETS_TOP_SENDERS, "sender", true,
                           &out->groups[LX_FACETS_SENDERS]);
    size_t n = 0;
    if (!st && !(st = count_term(db, q, lx_schema_prefix(LX_F_HAS), LX_HAS_ATTACHMENT, &n)))
        st = add_facet(&out->groups[LX_FACETS_ATTACHMENTS], LX_HAS_ATTACHMENT, NULL, "has",
                       LX_HAS_ATTACHMENT, n);
    if (!st)
        st = count_filetypes(db, q, &out->groups[LX_FACETS_FILETYPES]);
    if (!st && !(st = count_term(db, q, lx_schema_prefix(LX_F_CONFLICT), "yes", &n)))
        st = add_facet(&out->groups[LX_FACETS_CONFLICTS], "conflict", NULL, "conflict", "yes", n);
    if (st == LX_E_NOMEM)
        lx_db_fail(db, st, "out of memory");
    return st;
}

lx_status lx_facets_find(lx_db *db, const lx_query_opts *opts, lx_facets *out)
{
    memset(out, 0, sizeof *out);
    int slots[S_COUNT];
    slots[S_SENDER] = lx_schema_slot(LX_F_SENDER);
    slots[S_DATE] = lx_schema_slot(LX_F_DATE);
    slots[S_VERDICT] = lx_schema_slot(LX_F_VERDICT);
    slots[S_LEVEL] = lx_schema_slot(LX_F_VERIFIED_LEVEL);
    slots[S_CHAIN] = lx_schema_slot(LX_F_CHAIN);
    /* The scan and the counts must see one revision: when an indexer
     * committed between them, all are made again (bounded as the
     * wrapper's own retries are). */
    for (unsigned attempt = 0;; attempt++) {
        unsigned long seen = lx_db_reopens(db);
        facet_scan c = {.tz = opts->tz};
        lx_xq *q = NULL;
        lx_status st = lx_language_build(db, opts, &q);
        if (!st)
            st = lx_db_scan(db, q, slots, S_COUNT, on_row, &c);
        if (!st && (c.months.st || c.domains.st || c.senders.st))
            st = lx_db_fail(db, LX_E_NOMEM, "out of memory");
        if (!st)
            st = facets_of(db, q, &c, out);
        scan_release(&c);
        lx_xq_free(q);
        if (st || lx_db_reopens(db) == seen || attempt >= LX_DB_READ_RETRIES)
            return st;
        lx_facets_release(out);
    }
}

void lx_facets_release(lx_facets *f)
{
    for (int g = 0; g < LX_FACETS_COUNT_; g++) {
        lx_facet_list *l = &f->groups[g];
        for (size_t i = 0; i < l->n; i++) {
            free(l->v[i].key);
            free(l->v[i].name);
            free(l->v[i].query);
        }
        free(l->v);
    }
    memset(f, 0, sizeof *f);
}
