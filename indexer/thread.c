/* thread.c - conversations: thread links at index time, the thread pass after. */
#include "thread.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "grow.h"
#include "schema.h"
#include "sha256.h"
#include "textfold.h"
#include "utf8.h"
#include "banned.h"

/* --- subjects ------------------------------------------------------------ */

/* Prefix words, lowercase ASCII (matched case-insensitively); reply words
 * flag a reply, forward words do not. */
static const struct prefix_word {
    const char *word;
    bool reply;
} prefix_words[] = {
    {"re", true},   {"aw", true},   {"sv", true},     {"vs", true},
    {"antw", true}, {"rif", true},  {"ref", true},    {"odp", true},
    {"fw", false},  {"fwd", false}, {"tr", false},    {"wg", false},
    {"rv", false},  {"enc", false}, {"trans", false}, {"doorst", false},
};

static bool is_space(const char *p, size_t *len)
{
    if (*p == ' ' || *p == '\t') {
        *len = 1;
        return true;
    }
    /* U+00A0 and U+202F: French typography puts one before a colon. */
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
        *len = 2;
        return true;
    }
    if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xAF) {
        *len = 3;
        return true;
    }
    return false;
}

static const char *skip_spaces(const char *p)
{
    size_t n;
    while (is_space(p, &n))
        p += n;
    return p;
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* When p starts with one prefix ("Re:", "RE :", "Réf. :", "Re[2]:",
 * "[list]"), returns the text after it and sets *reply; else NULL. */
static const char *strip_one(const char *p, bool *reply)
{
    if (*p == '[') {
        const char *close = memchr(p, ']', strnlen(p, 64));
        if (!close || close == p + 1)
            return NULL;
        const char *after = skip_spaces(close + 1);
        /* "[tag] subject" is a list tag; a subject that is only "[x]" stays. */
        return *after ? after : NULL;
    }
    char word[8];
    size_t n = 0;
    const char *q = p;
    while (n < sizeof word - 1) {
        if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')) {
            word[n++] = ascii_lower(*q++);
        } else if ((unsigned char)q[0] == 0xC3 &&
                   ((unsigned char)q[1] == 0xA9 || (unsigned char)q[1] == 0x89)) {
            word[n++] = 'e'; /* é or É, as in "Réf" */
            q += 2;
        } else {
            break;
        }
    }
    if (n == 0 || n == sizeof word - 1)
        return NULL;
    word[n] = '\0';
    const struct prefix_word *w = NULL;
    for (size_t i = 0; i < sizeof prefix_words / sizeof prefix_words[0]; i++)
        if (strcmp(word, prefix_words[i].word) == 0)
            w = &prefix_words[i];
    if (!w)
        return NULL;
    if (*q == '.')
        q++;
    if (*q == '[' || *q == '(') {
        char close = *q == '[' ? ']' : ')';
        const char *d = q + 1;
        while (*d >= '0' && *d <= '9' && d - q < 8)
            d++;
        if (d == q + 1 || *d != close)
            return NULL;
        q = d + 1;
    }
    q = skip_spaces(q);
    if (*q == ':')
        q++;
    else if ((unsigned char)q[0] == 0xEF && (unsigned char)q[1] == 0xBC &&
             (unsigned char)q[2] == 0x9A)
        q += 3; /* the full-width colon of CJK mailers */
    else
        return NULL;
    *reply = *reply || w->reply;
    return skip_spaces(q);
}

lx_status lx_thread_base_subject(lx_strbuf *out, const char *subject, bool *reply)
{
    *reply = false;
    const char *p = skip_spaces(subject);
    for (int guard = 0; guard < 64; guard++) {
        const char *next = strip_one(p, reply);
        if (!next)
            break;
        p = next;
    }
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    lx_status st = lx_textfold_search(&folded, p, strlen(p));
    bool space = false;
    size_t start = out->len;
    for (size_t i = 0; !st && i < folded.len; i++) {
        size_t sl = 1;
        if (is_space(folded.buf + i, &sl) || folded.buf[i] == '\n' || folded.buf[i] == '\r') {
            if (sl > 1 && folded.buf[i] != '\n' && folded.buf[i] != '\r')
                i += sl - 1;
            space = true;
            continue;
        }
        if (space && out->len > start)
            st = lx_strbuf_addch(out, ' ');
        space = false;
        if (!st)
            st = lx_strbuf_addch(out, ascii_lower(folded.buf[i]));
    }
    lx_strbuf_release(&folded);
    return st;
}

/* --- links ---------------------------------------------------------------- */

/* An id as the links hold it: cut like a term, no line breaks. */
static lx_status add_id(lx_strbuf *out, const char *id)
{
    size_t len = lx_utf8_cut(id, strlen(id), LX_MAX_TERM_BYTES);
    size_t start = out->len;
    lx_status st = lx_strbuf_add(out, id, len);
    for (size_t i = start; !st && i < out->len; i++)
        if (out->buf[i] == '\n' || out->buf[i] == '\r')
            out->buf[i] = ' ';
    return st ? st : lx_strbuf_addch(out, '\n');
}

lx_status lx_thread_links(lx_strbuf *out, const lx_message *m)
{
    bool reply = false;
    lx_status st;
    if ((st = add_id(out, m->message_id)) || (st = add_id(out, m->in_reply_to)))
        return st;
    size_t flag_at = out->len;
    if ((st = lx_strbuf_addstr(out, "-\n")) ||
        (st = lx_thread_base_subject(out, m->subject, &reply)))
        return st;
    out->buf[flag_at] = reply ? 'r' : '-';
    if ((st = lx_strbuf_addch(out, '\n')))
        return st;
    size_t n = m->n_references;
    for (size_t i = 0; i < n && !st; i++) {
        /* The first (the root) and the last ones (the nearest ancestors). */
        if (n > LX_MAX_THREAD_REFS && i > 0 && i < n - (LX_MAX_THREAD_REFS - 1))
            continue;
        if (*m->references[i])
            st = add_id(out, m->references[i]);
    }
    return st;
}

/* Line k of the links, or NULL past the end. */
static const char *links_line(const char *links, size_t len, size_t k, size_t *line_len)
{
    const char *p = links, *end = links + len;
    for (size_t i = 0; p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (i == k) {
            *line_len = l;
            return p;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    *line_len = 0;
    return NULL;
}

lx_status lx_thread_initial_id(const char *links, size_t len, const char *sha,
                               char id[LX_THREAD_ID_LEN + 1])
{
    static const size_t order[] = {4, 1, 0}; /* first reference, In-Reply-To, Message-ID */
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        size_t l;
        const char *root = links_line(links, len, order[i], &l);
        if (root && l) {
            char hex[LX_SHA256_HEX_LEN + 1];
            lx_status st = lx_sha256_hex(root, l, hex);
            if (st)
                return st;
            memcpy(id, hex, LX_THREAD_ID_LEN);
            id[LX_THREAD_ID_LEN] = '\0';
            return LX_OK;
        }
    }
    size_t n = strnlen(sha, LX_THREAD_ID_LEN);
    memcpy(id, sha, n);
    memset(id + n, '0', LX_THREAD_ID_LEN - n);
    id[LX_THREAD_ID_LEN] = '\0';
    return LX_OK;
}

/* --- the pass --------------------------------------------------------------- */

typedef struct tdoc {
    lx_docid id;
    double date;  /* +inf when undated: dated messages start threads first */
    uint64_t sha; /* first 16 hex digits of the identity: ties */
    char identity[LX_SHA256_HEX_LEN + 1]; /* the whole SHA-256, to find it in another index */
    uint64_t current;                     /* the stored thread id; 0 when unset or unreadable */
    uint64_t initial;                     /* lx_thread_initial_id */
    uint64_t subject;                     /* hash of the base subject; 0 when empty */
    uint64_t sender;                      /* hash of the sender address; 0 when none */
    size_t rcpt_at;                       /* first of its recipients' hashes in pass.rcpt */
    uint32_t n_rcpt;
    uint32_t node;     /* its Message-ID's node, or a node of its own */
    bool orphan_reply; /* reply prefix, no In-Reply-To and no References */
} tdoc;

typedef struct pass {
    tdoc *docs;
    size_t n, alloc;
    uint64_t *rcpt;
    size_t n_rcpt, alloc_rcpt;
    /* Message-ID hash -> node, open addressing; keys 0 are free slots. */
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, used;
    uint32_t *parent; /* union-find over nodes */
    size_t n_nodes, alloc_nodes;
    lx_status st;
} pass;

/* A key for the node and subject tables: never 0, which marks a free slot. */
static uint64_t hash_id(const char *s, size_t len)
{
    uint64_t h = lx_hash64(s, len);
    return h ? h : 1;
}

static uint64_t parse_hex16(const char *s, size_t len)
{
    if (len < LX_THREAD_ID_LEN)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < LX_THREAD_ID_LEN; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return 0;
        v = v << 4 | d;
    }
    return v;
}

static uint32_t new_node(pass *p)
{
    if (!lx_grow((void **)&p->parent, &p->alloc_nodes, p->n_nodes + 1, sizeof *p->parent)) {
        p->st = LX_E_NOMEM;
        return 0;
    }
    p->parent[p->n_nodes] = (uint32_t)p->n_nodes;
    return (uint32_t)p->n_nodes++;
}

/* The node of a Message-ID hash, made on first use. */
static uint32_t node_of(pass *p, uint64_t key)
{
    if (p->used * 2 >= p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        uint64_t *keys = calloc(cap, sizeof *keys);
        uint32_t *vals = malloc(cap * sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            p->st = LX_E_NOMEM;
            return 0;
        }
        for (size_t i = 0; i < p->cap; i++) {
            if (!p->keys[i])
                continue;
            size_t h = (size_t)(p->keys[i] & (cap - 1));
            while (keys[h])
                h = (h + 1) & (cap - 1);
            keys[h] = p->keys[i];
            vals[h] = p->vals[i];
        }
        free(p->keys);
        free(p->vals);
        p->keys = keys;
        p->vals = vals;
        p->cap = cap;
    }
    size_t h = (size_t)(key & (p->cap - 1));
    while (p->keys[h]) {
        if (p->keys[h] == key)
            return p->vals[h];
        h = (h + 1) & (p->cap - 1);
    }
    uint32_t n = new_node(p);
    if (p->st)
        return 0;
    p->keys[h] = key;
    p->vals[h] = n;
    p->used++;
    return n;
}

static uint32_t find(pass *p, uint32_t x)
{
    while (p->parent[x] != x) {
        p->parent[x] = p->parent[p->parent[x]];
        x = p->parent[x];
    }
    return x;
}

static bool unite(pass *p, uint32_t a, uint32_t b)
{
    a = find(p, a);
    b = find(p, b);
    if (a == b)
        return false;
    if (a < b)
        p->parent[b] = a;
    else
        p->parent[a] = b;
    return true;
}

static void pass_reset(pass *p)
{
    p->n = p->n_rcpt = p->n_nodes = p->used = 0;
    if (p->keys)
        memset(p->keys, 0, p->cap * sizeof *p->keys);
}

static void pass_release(pass *p)
{
    free(p->docs);
    free(p->rcpt);
    free(p->keys);
    free(p->vals);
    free(p->parent);
}

/* Slots read, in this order. */
enum { S_DATE, S_IDENTITY, S_THREAD, S_LINKS, S_SENDER, S_RECIPIENTS, S_COUNT };

static int on_row(void *ctx, const lx_scan_row *row)
{
    pass *p = ctx;
    if (!row) {
        pass_reset(p);
        return 0;
    }
    if (!lx_grow((void **)&p->docs, &p->alloc, p->n + 1, sizeof *p->docs)) {
        p->st = LX_E_NOMEM;
        return 1;
    }
    tdoc *d = &p->docs[p->n];
    memset(d, 0, sizeof *d);
    d->id = row->id;
    d->date = isnan(row->nums[S_DATE]) ? INFINITY : row->nums[S_DATE];
    d->sha = parse_hex16(row->vals[S_IDENTITY], row->lens[S_IDENTITY]);
    size_t il = strcspn(row->vals[S_IDENTITY], "\t");
    if (il > LX_SHA256_HEX_LEN)
        il = LX_SHA256_HEX_LEN;
    memcpy(d->identity, row->vals[S_IDENTITY], il);
    d->identity[il] = '\0';
    d->current = row->lens[S_THREAD] == LX_THREAD_ID_LEN
                     ? parse_hex16(row->vals[S_THREAD], row->lens[S_THREAD])
                     : 0;
    const char *links = row->vals[S_LINKS];
    size_t links_len = row->lens[S_LINKS];
    char id[LX_THREAD_ID_LEN + 1];
    char sha[LX_THREAD_ID_LEN + 1];
    size_t sl = strnlen(row->vals[S_IDENTITY], LX_THREAD_ID_LEN);
    memcpy(sha, row->vals[S_IDENTITY], sl);
    sha[sl] = '\0';
    if ((p->st = lx_thread_initial_id(links, links_len, sha, id)))
        return 1;
    d->initial = parse_hex16(id, LX_THREAD_ID_LEN);

    size_t l;
    const char *mid = links_line(links, links_len, 0, &l);
    d->node = mid && l ? node_of(p, hash_id(mid, l)) : new_node(p);
    bool linked = false;
    for (size_t k = 1;; k++) {
        if (k == 2 || k == 3)
            continue; /* the flag and the subject */
        const char *ref = links_line(links, links_len, k, &l);
        if (!ref)
            break;
        if (!l)
            continue;
        linked = true;
        uint32_t other = node_of(p, hash_id(ref, l));
        if (p->st)
            return 1;
        unite(p, d->node, other);
    }
    const char *flag = links_line(links, links_len, 2, &l);
    const char *subj = links_line(links, links_len, 3, &l);
    d->orphan_reply = !linked && flag && *flag == 'r';
    d->subject = subj && l ? hash_id(subj, l) : 0;

    const char *s = row->vals[S_SENDER];
    const char *tab = memchr(s, '\t', row->lens[S_SENDER]);
    size_t alen = tab ? (size_t)(tab - s) : row->lens[S_SENDER];
    d->sender = alen ? hash_id(s, alen) : 0;
    d->rcpt_at = p->n_rcpt;
    const char *r = row->vals[S_RECIPIENTS], *rend = r + row->lens[S_RECIPIENTS];
    while (r < rend) {
        const char *nl = memchr(r, '\n', (size_t)(rend - r));
        const char *e = nl ? nl : rend;
        const char *t = memchr(r, '\t', (size_t)(e - r));
        size_t a = t ? (size_t)(t - r) : (size_t)(e - r);
        if (a) {
            if (!lx_grow((void **)&p->rcpt, &p->alloc_rcpt, p->n_rcpt + 1, sizeof *p->rcpt)) {
                p->st = LX_E_NOMEM;
                return 1;
            }
            p->rcpt[p->n_rcpt++] = hash_id(r, a);
            d->n_rcpt++;
        }
        r = nl ? nl + 1 : rend;
    }
    p->n++;
    return p->st != LX_OK;
}

static bool among(const pass *p, const tdoc *d, uint64_t who)
{
    for (uint32_t i = 0; i < d->n_rcpt; i++)
        if (p->rcpt[d->rcpt_at + i] == who)
            return true;
    return false;
}

/* Whether reply and earlier share a correspondent. */
static bool correspond(const pass *p, const tdoc *reply, const tdoc *earlier)
{
    if (reply->sender && (reply->sender == earlier->sender || among(p, earlier, reply->sender)))
        return true;
    return earlier->sender && among(p, reply, earlier->sender);
}

/* A message with a subject, as join_by_subject sorts them. */
typedef struct subject_key {
    uint64_t subject;
    double date;
    uint64_t sha;
    uint32_t id;
    uint32_t doc; /* index in pass.docs */
} subject_key;

static int by_subject_date(const void *a, const void *b)
{
    const subject_key *x = a, *y = b;
    if (x->subject != y->subject)
        return x->subject < y->subject ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->sha != y->sha)
        return x->sha < y->sha ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Joins replies without references to their thread by subject. */
static lx_status join_by_subject(pass *p, size_t *joined)
{
    subject_key *order = malloc((p->n ? p->n : 1) * sizeof *order);
    if (!order)
        return LX_E_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) {
        const tdoc *d = &p->docs[i];
        if (d->subject && isfinite(d->date))
            order[n++] = (subject_key){d->subject, d->date, d->sha, d->id, (uint32_t)i};
    }
    qsort(order, n, sizeof *order, by_subject_date);
    const double window = (double)LX_THREAD_SUBJECT_DAYS * 86400.0;
    for (size_t k = 0; k < n; k++) {
        tdoc *reply = &p->docs[order[k].doc];
        if (!reply->orphan_reply)
            continue;
        for (size_t j = k, seen = 0; j-- > 0 && seen < LX_THREAD_SUBJECT_LOOKBACK; seen++) {
            tdoc *earlier = &p->docs[order[j].doc];
            if (earlier->subject != reply->subject || reply->date - earlier->date > window)
                break;
            if (correspond(p, reply, earlier)) {
                if (unite(p, reply->node, earlier->node))
                    (*joined)++;
                break;
            }
        }
    }
    free(order);
    return LX_OK;
}

/* Whether a comes before b in a thread: earlier date, then SHA-256, then id. */
static bool first_of(const tdoc *a, const tdoc *b)
{
    if (a->date != b->date)
        return a->date < b->date;
    if (a->sha != b->sha)
        return a->sha < b->sha;
    return a->id < b->id;
}

lx_status lx_thread_pass(lx_db *read, lx_db *write, lx_thread_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    size_t moved_alloc = 0;
    pass p;
    memset(&p, 0, sizeof p);
    int slots[S_COUNT];
    slots[S_DATE] = lx_schema_slot(LX_F_DATE);
    slots[S_IDENTITY] = lx_schema_slot(LX_F_IDENTITY);
    slots[S_THREAD] = lx_schema_slot(LX_F_THREAD_ID);
    slots[S_LINKS] = lx_schema_slot(LX_F_THREAD_LINKS);
    slots[S_SENDER] = lx_schema_slot(LX_F_SENDER);
    slots[S_RECIPIENTS] = lx_schema_slot(LX_F_RECIPIENTS);
    lx_query_opts all;
    memset(&all, 0, sizeof all);
    lx_status st = lx_db_scan(read, &all, slots, S_COUNT, on_row, &p);
    if (!st)
        st = p.st;
    if (!st)
        st = join_by_subject(&p, &stats->by_subject);
    uint32_t *first = NULL;
    if (!st && p.n_nodes) {
        first = malloc(p.n_nodes * sizeof *first);
        if (!first)
            st = LX_E_NOMEM;
    }
    if (!st) {
        for (size_t i = 0; i < p.n_nodes; i++)
            first[i] = UINT32_MAX;
        for (size_t i = 0; i < p.n; i++) {
            uint32_t root = find(&p, p.docs[i].node);
            if (first[root] == UINT32_MAX)
                stats->threads++;
            if (first[root] == UINT32_MAX || first_of(&p.docs[i], &p.docs[first[root]]))
                first[root] = (uint32_t)i;
        }
        stats->messages = p.n;
        const char *prefix = lx_schema_prefix(LX_F_THREAD);
        int slot = lx_schema_slot(LX_F_THREAD_ID);
        for (size_t i = 0; i < p.n && !st; i++) {
            const tdoc *d = &p.docs[i];
            uint64_t want = p.docs[first[find(&p, d->node)]].initial;
            if (want == d->current)
                continue;
            char hex[LX_THREAD_ID_LEN + 1];
            snprintf(hex, sizeof hex, "%016" PRIx64, want);
            lx_docid id = d->id;
            if (read != write) {
                st = lx_db_docid_of(write, d->identity, &id);
                if (st == LX_E_NOT_FOUND) {
                    st = LX_OK; /* another shard's: rewritten there */
                    continue;
                }
            }
            if (!st)
                st = lx_db_set_tag(write, id, prefix, hex, slot);
            if (!st && !lx_grow((void **)&stats->moved, &moved_alloc, stats->n_moved + 1,
                                sizeof *stats->moved))
                st = LX_E_NOMEM;
            if (!st)
                stats->moved[stats->n_moved++] = d->id;
            stats->relinked++;
        }
    }
    free(first);
    pass_release(&p);
    return st;
}
