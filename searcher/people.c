/* people.c - senders, recipients and the archive summary, over every match. */
#include "people.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "escape.h"
#include "schema.h"
#include "strbuf.h"
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

/* One address and what was seen of it. */
typedef struct person {
    char *addr;
    char **names;
    size_t n_names;
    size_t messages, verified;
    double first, last; /* NaN until a dated message is seen */
    size_t last_row;    /* the row that last counted it: once per message */
} person;

/* Addresses to people: an open-addressing hash table over an array. */
typedef struct people {
    person *v;
    size_t n, alloc;
    size_t *slots; /* index + 1, 0 empty */
    size_t n_slots;
    size_t row;
    lx_status st;
    lx_people_kind kind;
} people;

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void people_clear(people *p)
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

static lx_status rehash(people *p)
{
    size_t ns = p->n_slots ? p->n_slots * 2 : 1024;
    size_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return LX_E_NOMEM;
    for (size_t i = 0; i < p->n; i++) {
        size_t h = (size_t)hash(p->v[i].addr, strlen(p->v[i].addr)) & (ns - 1);
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
static person *find(people *p, const char *addr, size_t n)
{
    if ((p->n + 1) * 2 > p->n_slots && rehash(p))
        return NULL;
    size_t h = (size_t)hash(addr, n) & (p->n_slots - 1);
    while (p->slots[h]) {
        person *q = &p->v[p->slots[h] - 1];
        if (strlen(q->addr) == n && memcmp(q->addr, addr, n) == 0)
            return q;
        h = (h + 1) & (p->n_slots - 1);
    }
    if (p->n == p->alloc) {
        size_t na = p->alloc ? p->alloc * 2 : 256;
        person *v = realloc(p->v, na * sizeof *v);
        if (!v)
            return NULL;
        p->v = v;
        p->alloc = na;
    }
    person *q = &p->v[p->n];
    memset(q, 0, sizeof *q);
    q->addr = strndup(addr, n);
    q->first = q->last = NAN;
    q->last_row = SIZE_MAX;
    if (!q->addr)
        return NULL;
    p->slots[h] = ++p->n;
    return q;
}

static lx_status add_name(person *q, const char *name, size_t n)
{
    if (n == 0)
        return LX_OK;
    for (size_t i = 0; i < q->n_names; i++)
        if (strlen(q->names[i]) == n && memcmp(q->names[i], name, n) == 0)
            return LX_OK;
    char **v = realloc(q->names, (q->n_names + 1) * sizeof *v);
    if (!v)
        return LX_E_NOMEM;
    q->names = v;
    if (!(v[q->n_names] = strndup(name, n)))
        return LX_E_NOMEM;
    q->n_names++;
    return LX_OK;
}

/* Counts one "address<TAB>name" for the current message. */
static void count(people *p, const char *line, size_t n, double date, bool verified)
{
    const char *tab = memchr(line, '\t', n);
    size_t alen = tab ? (size_t)(tab - line) : n;
    if (alen == 0)
        return;
    person *q = find(p, line, alen);
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

static int on_row(void *ctx, const lx_scan_row *row)
{
    people *p = ctx;
    if (!row) {
        people_clear(p);
        p->row = 0;
        return 0;
    }
    p->row++;
    double date = row->nums[1];
    bool verified = row->nums[2] == (double)1; /* lx_dkim_verified_level: verified */
    const char *v = row->vals[0];
    size_t len = row->lens[0];
    if (p->kind == LX_PEOPLE_SENDERS) {
        count(p, v, len, date, verified);
    } else {
        for (size_t pos = 0; pos < len && !p->st;) {
            const char *nl = memchr(v + pos, '\n', len - pos);
            size_t e = nl ? (size_t)(nl - v) : len;
            count(p, v + pos, e - pos, date, verified);
            pos = e + 1;
        }
    }
    return p->st != LX_OK;
}

static lx_people_sort sort_key;

static int cmp_people(const void *a, const void *b)
{
    const person *x = a, *y = b;
    int c = 0;
    switch (sort_key) {
    case LX_PEOPLE_BY_COUNT: c = x->messages > y->messages ? -1 : x->messages < y->messages; break;
    case LX_PEOPLE_BY_ADDRESS: break;
    case LX_PEOPLE_BY_FIRST:
        /* Undated last in both orders. */
        if (isnan(x->first) != isnan(y->first))
            c = isnan(x->first) ? 1 : -1;
        else if (!isnan(x->first))
            c = x->first < y->first ? -1 : x->first > y->first;
        break;
    case LX_PEOPLE_BY_LAST:
        if (isnan(x->last) != isnan(y->last))
            c = isnan(x->last) ? 1 : -1;
        else if (!isnan(x->last))
            c = x->last > y->last ? -1 : x->last < y->last;
        break;
    }
    return c ? c : strcmp(x->addr, y->addr);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void iso(double t, char buf[32])
{
    if (isnan(t))
        buf[0] = '\0';
    else
        lx_date_format_iso((int64_t)t, buf);
}

static lx_status print_person(lx_strbuf *o, const person *q, lx_format f)
{
    char first[32], last[32];
    iso(q->first, first);
    iso(q->last, last);
    lx_status st = LX_OK;
    if (f == LX_FMT_TEXT) {
        /* The address and names as a terminal must show them: on one line,
         * their controls visible (lx_escape_terminal). */
        lx_strbuf shown;
        lx_strbuf_init(&shown);
        st = lx_strbuf_addstr(&shown, q->addr);
        for (size_t i = 0; i < q->n_names && !st; i++)
            st = lx_strbuf_addf(&shown, "%s%s", i ? "; " : "  ", q->names[i]);
        if (!st)
            st = lx_strbuf_addf(o, "%8zu %8zu  %-10.10s  %-10.10s  ", q->messages, q->verified,
                                *first ? first : "-", *last ? last : "-");
        if (!st)
            st = lx_escape_terminal(o, shown.buf, shown.len);
        lx_strbuf_release(&shown);
        return st ? st : lx_strbuf_addch(o, '\n');
    }
    if (f == LX_FMT_CSV) {
        /* Printed on standard output: controls shown as in text. */
        lx_strbuf names;
        lx_strbuf_init(&names);
        for (size_t i = 0; i < q->n_names; i++)
            lx_strbuf_addf(&names, "%s%s", i ? "; " : "", q->names[i]);
        st = lx_escape_csv_shown(o, q->addr, strlen(q->addr), false);
        if (!st)
            st = lx_strbuf_addch(o, ',');
        if (!st)
            st = lx_escape_csv_shown(o, names.buf, names.len, false);
        if (!st)
            st = lx_strbuf_addf(o, ",%zu,%zu,%s,%s\r\n", q->messages, q->verified, first, last);
        lx_strbuf_release(&names);
        return st;
    }
    st = lx_strbuf_addstr(o, "{\"address\":");
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
        st = *first ? lx_escape_json(o, first, strlen(first)) : lx_strbuf_addstr(o, "null");
    if (!st)
        st = lx_strbuf_addstr(o, ",\"last\":");
    if (!st)
        st = *last ? lx_escape_json(o, last, strlen(last)) : lx_strbuf_addstr(o, "null");
    return st ? st : lx_strbuf_addch(o, '}');
}

lx_status lx_people_print(lx_db *db, const lx_query_opts *opts, lx_people_kind kind,
                          lx_people_sort sort, lx_format format, FILE *out, size_t *n_out,
                          size_t *n_messages)
{
    people p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    int slots[3] = {lx_schema_slot(kind == LX_PEOPLE_SENDERS ? LX_F_SENDER : LX_F_RECIPIENTS),
                    lx_schema_slot(LX_F_DATE), lx_schema_slot(LX_F_VERIFIED_LEVEL)};
    lx_status st = lx_search_scan(db, opts, slots, 3, on_row, &p);
    if (!st)
        st = p.st;
    *n_out = p.n;
    *n_messages = p.row;
    if (st) {
        people_clear(&p);
        return st;
    }
    for (size_t i = 0; i < p.n; i++)
        if (p.v[i].n_names > 1)
            qsort(p.v[i].names, p.v[i].n_names, sizeof(char *), cmp_str);
    sort_key = sort;
    if (p.n)
        qsort(p.v, p.n, sizeof *p.v, cmp_people);
    lx_strbuf o;
    lx_strbuf_init(&o);
    const char *what = kind == LX_PEOPLE_SENDERS ? "senders" : "recipients";
    if (format == LX_FMT_TEXT)
        st = lx_strbuf_addf(&o, "%8s %8s  %-10s  %-10s  %s\n", "MESSAGES", "VERIFIED", "FIRST",
                            "LAST", "ADDRESS  NAMES");
    else if (format == LX_FMT_CSV)
        st = lx_strbuf_addstr(&o, "address,names,messages,verified,first,last\r\n");
    else if (format == LX_FMT_JSON)
        st = lx_strbuf_addf(&o, "{\"version\":%d,\"kind\":\"%s\",\"total\":%zu,\"people\":[",
                            LX_OUTPUT_VERSION, what, p.n);
    /* Every count above is over all the people; the page only chooses the
     * rows printed, in every format. */
    size_t begin, end;
    lx_output_page(p.n, opts->offset, opts->limit, &begin, &end);
    for (size_t i = begin; i < end && !st; i++) {
        if (format == LX_FMT_JSON)
            st = lx_strbuf_addstr(&o, i > begin ? ",\n" : "\n");
        if (!st)
            st = print_person(&o, &p.v[i], format);
        if (!st && format == LX_FMT_NDJSON)
            st = lx_strbuf_addch(&o, '\n');
        if (o.len > 1 << 16) {
            fwrite(o.buf, 1, o.len, out);
            lx_strbuf_reset(&o);
        }
    }
    if (!st && format == LX_FMT_JSON)
        st = lx_strbuf_addstr(&o, end > begin ? "\n]}\n" : "]}\n");
    if (!st)
        fwrite(o.buf, 1, o.len, out);
    lx_strbuf_release(&o);
    people_clear(&p);
    return st;
}

/* ---- stats -------------------------------------------------------------- */

typedef struct stats {
    size_t messages, verdicts[LX_VERDICT_COUNT_];
    size_t verified, partial;     /* lx_verified yes, partial */
    size_t years[10000], undated;
    size_t corroborated, mismatched;      /* chain corroboration, apart from the verdicts */
    size_t attachments, attachments_text; /* attachment files, nested included; with text */
    people senders, domains;
    size_t row;
    const lx_tz *tz; /* years are counted on its clocks (--tz; NULL: UTC) */
    lx_status st;
} stats;

static int on_stats_row(void *ctx, const lx_scan_row *row)
{
    stats *s = ctx;
    if (!row) {
        people_clear(&s->senders);
        people_clear(&s->domains);
        memset(s->verdicts, 0, sizeof s->verdicts);
        s->verified = s->partial = 0;
        memset(s->years, 0, sizeof s->years);
        s->messages = s->undated = s->corroborated = s->mismatched = 0;
        s->attachments = s->attachments_text = 0;
        return 0;
    }
    s->messages++;
    /* Corroboration lines, corroborations first; a verified message is
     * never counted as corroborated. */
    const char *chain = row->vals[3];
    double level = row->nums[6];
    bool verified = level == (double)1;
    s->verified += verified;
    s->partial += level == (double)2 || level == (double)3;
    if (!verified && strncmp(chain, "corroborated\t", 13) == 0)
        s->corroborated++;
    if (strncmp(chain, "mismatch\t", 9) == 0 || strstr(chain, "\nmismatch\t"))
        s->mismatched++;
    if (!isnan(row->nums[4]) && row->nums[4] > 0)
        s->attachments += (size_t)row->nums[4];
    if (!isnan(row->nums[5]) && row->nums[5] > 0)
        s->attachments_text += (size_t)row->nums[5];
    double verdict = row->nums[2];
    int vi = isnan(verdict) || verdict < 0 || verdict > 4 ? 5 : (int)verdict;
    s->verdicts[vi]++;
    double date = row->nums[1];
    if (isnan(date)) {
        s->undated++;
    } else {
        int y, mo, d, h, mi, sec;
        int64_t t = (int64_t)date;
        lx_date_to_civil(t + lx_tz_offset(s->tz, t), &y, &mo, &d, &h, &mi, &sec);
        if (y >= 0 && y < 10000)
            s->years[y]++;
        else
            s->undated++;
    }
    s->senders.row = s->domains.row = ++s->row;
    const char *v = row->vals[0];
    size_t len = row->lens[0];
    const char *tab = memchr(v, '\t', len);
    size_t alen = tab ? (size_t)(tab - v) : len;
    count(&s->senders, v, alen, date, verified);
    const char *at = memchr(v, '@', alen);
    if (at && at + 1 < v + alen)
        count(&s->domains, at + 1, (size_t)(v + alen - at - 1), date, verified);
    if (s->senders.st || s->domains.st)
        s->st = LX_E_NOMEM;
    return s->st != LX_OK;
}

/* Top sender domains shown by stats. */
#define STATS_TOP_DOMAINS 10

lx_status lx_stats_print(lx_db *db, const lx_query_opts *opts, lx_format format, FILE *out,
                         size_t *n_out)
{
    stats *s = calloc(1, sizeof *s);
    if (!s)
        return LX_E_NOMEM;
    s->senders.kind = s->domains.kind = LX_PEOPLE_SENDERS;
    int slots[7] = {lx_schema_slot(LX_F_SENDER),        lx_schema_slot(LX_F_DATE),
                    lx_schema_slot(LX_F_VERDICT),       lx_schema_slot(LX_F_CORROBORATION),
                    lx_schema_slot(LX_F_ATTACH_COUNT),  lx_schema_slot(LX_F_ATTACH_TEXTS),
                    lx_schema_slot(LX_F_VERIFIED_LEVEL)};
    s->tz = opts->tz;
    lx_status st = lx_search_scan(db, opts, slots, 7, on_stats_row, s);
    if (!st)
        st = s->st;
    *n_out = s->messages;
    sort_key = LX_PEOPLE_BY_COUNT;
    if (!st && s->domains.n)
        qsort(s->domains.v, s->domains.n, sizeof *s->domains.v, cmp_people);
    size_t top = s->domains.n < STATS_TOP_DOMAINS ? s->domains.n : STATS_TOP_DOMAINS;
    lx_strbuf o;
    lx_strbuf_init(&o);
    if (st) {
    } else if (format == LX_FMT_TEXT) {
        lx_strbuf_addf(&o,
                       "%zu emails from %zu unique senders; %zu verified (signed by the sender's "
                       "domain, in full), %zu with a DKIM signature that passes\n",
                       s->messages, s->senders.n, s->verified, s->verdicts[1]);
        lx_strbuf_addf(&o, "dkim: %zu pass, %zu fail, %zu nokey, %zu invalid, %zu unsigned",
                       s->verdicts[1], s->verdicts[2], s->verdicts[3], s->verdicts[4],
                       s->verdicts[0]);
        if (s->verdicts[5])
            lx_strbuf_addf(&o, ", %zu unchecked", s->verdicts[5]);
        lx_strbuf_addch(&o, '\n');
        lx_strbuf_addf(&o,
                       "verified: %zu yes, %zu signed in part (a signature passes, but not from "
                       "the sender's domain or not over From, Subject, Date and the whole body)\n",
                       s->verified, s->partial);
        lx_strbuf_addf(&o,
                       "chains: %zu corroborated (quoted by verified messages; not counted as "
                       "verified), %zu with a quote that differs\n",
                       s->corroborated, s->mismatched);
        lx_strbuf_addstr(&o, "by year:");
        for (int y = 0; y < 10000; y++)
            if (s->years[y])
                lx_strbuf_addf(&o, " %d: %zu,", y, s->years[y]);
        lx_strbuf_addf(&o, " no date: %zu\n", s->undated);
        lx_strbuf_addf(&o,
                       "attachments: %zu (one per attached file, nested ones included), "
                       "%zu with text extracted\n",
                       s->attachments, s->attachments_text);
        lx_strbuf_addstr(&o, "top sender domains:");
        for (size_t i = 0; i < top; i++) {
            lx_strbuf_addstr(&o, i ? ", " : " ");
            lx_escape_terminal(&o, s->domains.v[i].addr, strlen(s->domains.v[i].addr));
            lx_strbuf_addf(&o, " %zu", s->domains.v[i].messages);
        }
        lx_strbuf_addch(&o, '\n');
    } else {
        lx_strbuf_addf(&o,
                       "{\"version\":%d,\"messages\":%zu,\"unique_senders\":%zu,\"verified\":%zu,"
                       "\"verified_partial\":%zu,\"dkim_pass\":%zu,\"dkim\":{",
                       LX_OUTPUT_VERSION, s->messages, s->senders.n, s->verified, s->partial,
                       s->verdicts[1]);
        for (int i = 0; i < 6; i++)
            lx_strbuf_addf(&o, "%s\"%s\":%zu", i ? "," : "", lx_verdict_name((lx_verdict)i),
                           s->verdicts[i]);
        lx_strbuf_addf(&o, "},\"corroborated\":%zu,\"chain_mismatches\":%zu,\"years\":{",
                       s->corroborated, s->mismatched);
        bool first = true;
        for (int y = 0; y < 10000; y++)
            if (s->years[y]) {
                lx_strbuf_addf(&o, "%s\"%d\":%zu", first ? "" : ",", y, s->years[y]);
                first = false;
            }
        lx_strbuf_addf(&o,
                       "},\"undated\":%zu,\"attachments\":%zu,\"attachments_with_text\":%zu,"
                       "\"top_domains\":[",
                       s->undated, s->attachments, s->attachments_text);
        for (size_t i = 0; i < top; i++) {
            lx_strbuf_addf(&o, "%s{\"domain\":", i ? "," : "");
            lx_escape_json(&o, s->domains.v[i].addr, strlen(s->domains.v[i].addr));
            lx_strbuf_addf(&o, ",\"messages\":%zu}", s->domains.v[i].messages);
        }
        lx_strbuf_addstr(&o, "]}\n");
    }
    if (!st)
        fwrite(o.buf, 1, o.len, out);
    lx_strbuf_release(&o);
    people_clear(&s->senders);
    people_clear(&s->domains);
    free(s);
    return st;
}
