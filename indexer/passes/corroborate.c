/* corroborate.c - the chain corroboration pass: quotes of unverified messages found. */
#include "corroborate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "grow.h"
#include "pool.h"
#include "record.h"
#include "schema.h"
#include "sha256.h"
#include "thread.h"
#include "utf8.h"
#include "banned.h"

/* Slots read, in this order. */
enum { S_DATE, S_LEVEL, S_IDENTITY, S_THREAD, S_CORROBORATION, S_COUNT };

typedef struct cdoc {
    lx_docid id;
    double date; /* NaN when undated */
    int level;   /* lx_dkim_verified_level: 0 no, 1 yes, 2 partial and aligned, 3 partial */
    char sha[LX_SHA256_HEX_LEN + 1];
    char thread[LX_THREAD_HEX + 1];
    uint64_t current; /* hash of its stored corroboration value; 0 when it has none */
    bool fresh;       /* new to this pass (incremental): added, or moved to another thread */
    bool touched;     /* incremental: a finding of this pass concerns it */
} cdoc;

typedef struct finding {
    size_t doc; /* the message, in pass.docs */
    lx_align_status status;
    unsigned coverage;
    char *line; /* its line of the stored value; malloc'd */
} finding;

typedef struct pass {
    cdoc *docs;
    size_t n, alloc;
    finding *found;
    size_t n_found, alloc_found;
    lx_status st;
} pass;

/* One message looked at by the pass (in a worker thread): what it found,
 * merged into the pass in the order the messages were given. */
typedef struct task {
    size_t doc; /* in pass.docs */
    finding *found;
    size_t n_found, alloc_found;
    size_t quoting, pairs;
    lx_status st;
} task;

/* A worker's context: its own handle on the index (Xapian handles are not
 * shared between threads) and the pass, read only while tasks run. */
typedef struct worker {
    lx_db *db;
    const pass *p;
    unsigned threshold;
    bool incremental;
} worker;

static int on_row(void *ctx, const lx_scan_row *row)
{
    pass *p = ctx;
    if (!row) {
        p->n = 0;
        return 0;
    }
    if (!lx_grow((void **)&p->docs, &p->alloc, p->n + 1, sizeof *p->docs)) {
        p->st = LX_E_NOMEM;
        return 1;
    }
    cdoc *d = &p->docs[p->n++];
    memset(d, 0, sizeof *d);
    d->id = row->id;
    d->date = row->nums[S_DATE];
    d->level = row->lens[S_LEVEL] ? (int)row->nums[S_LEVEL] : 0;
    size_t sl = strcspn(row->vals[S_IDENTITY], "\t");
    if (sl > LX_SHA256_HEX_LEN)
        sl = LX_SHA256_HEX_LEN;
    memcpy(d->sha, row->vals[S_IDENTITY], sl);
    size_t tl = row->lens[S_THREAD] < LX_THREAD_HEX ? row->lens[S_THREAD] : LX_THREAD_HEX;
    memcpy(d->thread, row->vals[S_THREAD], tl);
    d->current = row->lens[S_CORROBORATION]
                     ? lx_hash64(row->vals[S_CORROBORATION], row->lens[S_CORROBORATION]) | 1
                     : 0;
    return 0;
}

/* A message whose quotes may corroborate: a passing signature aligned with
 * its sender covers its text (verified, or signed in part by the sender's
 * domain: then only the text that signature covers is read). */
static bool quotes_count(const cdoc *d)
{
    return d->level == 1 || d->level == 2;
}

/* A message that may be corroborated: anything not verified. */
static bool may_be_quoted(const cdoc *d)
{
    return d->level != 1;
}

static const cdoc *doc_by_id(const pass *p, lx_docid id)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->docs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n && p->docs[lo].id == id ? &p->docs[lo] : NULL;
}

static const char *get(const lx_record *r, const char *key)
{
    const char *v = lx_record_get(r, key);
    return v ? v : "";
}

/* The d= of the signature the message is verified by. */
static void pass_signer(const lx_record *r, char *out, size_t size)
{
    snprintf(out, size, "%s", get(r, "verified_signer"));
}

/* The search form of the quote's words (as the index stores free text),
 * distinct, at most LX_CHAIN_LOOKUP_WORDS: what the rarest are picked from. */
static lx_status search_words(const lx_quote_words *w, lx_strbuf *terms, size_t *n)
{
    enum { SET = 1024 };
    uint64_t seen[SET];
    memset(seen, 0, sizeof seen);
    lx_strbuf f;
    lx_strbuf_init(&f);
    lx_status st = LX_OK;
    *n = 0;
    for (size_t i = 0; i < w->n && *n < LX_CHAIN_LOOKUP_WORDS && !st; i++) {
        const char *s = lx_quote_word(w, i);
        size_t len = strlen(s);
        while (len && strchr(".,;:!?)]}\"'>*", s[len - 1]))
            len--;
        while (len && strchr("([{\"'<*", *s)) {
            s++;
            len--;
        }
        if (len < 3 || len > 64)
            continue;
        lx_strbuf_reset(&f);
        if ((st = lx_quote_fold(&f, s, len)))
            break;
        bool plain = true;
        for (size_t k = 0; k < f.len && plain; k++) {
            unsigned char c = (unsigned char)f.buf[k];
            plain = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        }
        if (!plain)
            continue;
        uint64_t h = lx_hash64(f.buf, f.len) | 1;
        size_t slot = (size_t)(h & (SET - 1));
        while (seen[slot] && seen[slot] != h)
            slot = (slot + 1) & (SET - 1);
        if (seen[slot])
            continue;
        seen[slot] = h;
        st = lx_strbuf_add(terms, f.buf, f.len + 1);
        (*n)++;
    }
    lx_strbuf_release(&f);
    return st;
}

/* Candidates through the index: the documents of thread `thread` (the
 * latest LX_CHAIN_THREAD_CANDIDATES), then those that best match the rarest
 * of `words`; all of them with quotes that count (a passing signature
 * aligned with their sender: the "aligned" verification term) when
 * `verified`, else none of them verified; `self` left out. For a quoting
 * message, its quote's words find the unverified messages it may quote;
 * for an unverified message, its own words find those that may quote it. */
static lx_status candidates(lx_db *db, const char *thread, const lx_quote_words *words,
                            bool verified, lx_docid self, lx_docid **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    char aligned_term[24], yes_term[24];
    snprintf(aligned_term, sizeof aligned_term, "%saligned", lx_schema_prefix(LX_F_VERIFICATION));
    snprintf(yes_term, sizeof yes_term, "%syes", lx_schema_prefix(LX_F_VERIFICATION));
    const char *quoting_only[] = {aligned_term};
    const char *not_verified[] = {yes_term};
    lx_docid *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    lx_status st = LX_OK;
    lx_xq *in_thread = NULL;
    if (*thread && !(st = lx_xq_thread(db, thread, &in_thread))) {
        lx_match_opts o = {.all = verified ? quoting_only : NULL,
                           .n_all = verified ? 1 : 0,
                           .none = verified ? NULL : not_verified,
                           .n_none = verified ? 0 : 1,
                           .newest_first = true,
                           .max = LX_CHAIN_THREAD_CANDIDATES,
                           .within = in_thread};
        st = lx_db_match(db, &o, &a, &na);
    }
    lx_xq_free(in_thread);
    lx_strbuf terms;
    lx_strbuf_init(&terms);
    size_t nt = 0;
    const char **any = NULL;
    if (!st)
        st = search_words(words, &terms, &nt);
    if (!st && nt) {
        any = malloc(nt * sizeof *any);
        if (!any)
            st = LX_E_NOMEM;
        for (size_t i = 0, off = 0; !st && i < nt; i++) {
            any[i] = terms.buf + off;
            off += strlen(any[i]) + 1;
        }
        lx_match_opts o = {.all = verified ? quoting_only : NULL,
                           .n_all = verified ? 1 : 0,
                           .any = any,
                           .n_any = nt,
                           .rarest = LX_CHAIN_RARE_TERMS,
                           .none = verified ? NULL : not_verified,
                           .n_none = verified ? 0 : 1,
                           .newest_first = false,
                           .max = LX_CHAIN_TERM_CANDIDATES};
        if (!st)
            st = lx_db_match(db, &o, &b, &nb);
    }
    lx_docid *ids = NULL;
    size_t n = 0;
    if (!st && na + nb) {
        ids = malloc((na + nb) * sizeof *ids);
        if (!ids)
            st = LX_E_NOMEM;
        for (size_t i = 0; !st && i < na + nb; i++) {
            lx_docid id = i < na ? a[i] : b[i - na];
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = ids[k] == id;
            if (!dup && id != self)
                ids[n++] = id;
        }
    }
    free(any);
    lx_strbuf_release(&terms);
    free(a);
    free(b);
    if (st) {
        free(ids);
        return st;
    }
    *out = ids;
    *n_out = n;
    return LX_OK;
}

static lx_status add_finding(task *t, size_t doc, const lx_align_result *r, const cdoc *v,
                             const char *signer)
{
    if (!lx_grow((void **)&t->found, &t->alloc_found, t->n_found + 1, sizeof *t->found))
        return LX_E_NOMEM;
    lx_strbuf line;
    lx_strbuf_init(&line);
    lx_status st;
    if (r->status == LX_CHAIN_CORROBORATED)
        st = lx_strbuf_addf(&line, "corroborated\t%s\t%u\t%s\t%s", v->sha, r->coverage, signer,
                            r->detail);
    else
        st = lx_strbuf_addf(&line, "mismatch\t%s\t%s\t%s", v->sha, signer, r->detail);
    if (st) {
        lx_strbuf_release(&line);
        return st;
    }
    finding *f = &t->found[t->n_found++];
    f->doc = doc;
    f->status = r->status;
    f->coverage = r->coverage;
    f->line = lx_strbuf_detach(&line, NULL);
    return f->line ? LX_OK : LX_E_NOMEM;
}

/* A verified message read for its quoted part. */
typedef struct quoting {
    char *data;
    lx_record rec;
    lx_quote q;
    char signer[256];
} quoting;

/* A message read for its words, as one that may be quoted. */
typedef struct quoted {
    char *data;
    lx_record rec;
    lx_quote_words a;
    lx_align_message msg;
} quoted;

static lx_status quoting_load(lx_db *db, const cdoc *v, quoting *x)
{
    x->data = NULL;
    lx_record_init(&x->rec);
    lx_quote_init(&x->q);
    x->signer[0] = '\0';
    size_t len = 0;
    lx_status st = lx_db_get_data(db, v->id, &x->data, &len);
    if (!st)
        st = lx_record_parse(&x->rec, x->data, len);
    if (!st) {
        /* Only the text the signature covers: what l= leaves unsigned
         * could have been written by anyone. */
        const char *body = get(&x->rec, LX_DATA_BODY);
        size_t text = strlen(body);
        const char *signed_bytes = lx_record_get(&x->rec, LX_DATA_BODY_SIGNED_BYTES);
        if (signed_bytes && strtoull(signed_bytes, NULL, 10) < text)
            text = (size_t)strtoull(signed_bytes, NULL, 10);
        pass_signer(&x->rec, x->signer, sizeof x->signer);
        st = lx_quote_parse(body, text, strcmp(get(&x->rec, LX_DATA_BODY_SOURCE), "html") == 0,
                            &x->q);
    }
    return st;
}

static void quoting_release(quoting *x)
{
    lx_quote_release(&x->q);
    lx_record_release(&x->rec);
    free(x->data);
}

static lx_status quoted_load(lx_db *db, const cdoc *m, quoted *x)
{
    x->data = NULL;
    lx_record_init(&x->rec);
    lx_quote_words_init(&x->a);
    size_t len = 0;
    lx_status st = lx_db_get_data(db, m->id, &x->data, &len);
    if (!st)
        st = lx_record_parse(&x->rec, x->data, len);
    const char *body = get(&x->rec, LX_DATA_BODY);
    if (!st)
        st = lx_quote_text(body, strlen(body), &x->a);
    lx_align_message msg = {get(&x->rec, LX_DATA_FROM_NAME), get(&x->rec, LX_DATA_FROM_ADDRESS),
                            get(&x->rec, LX_DATA_SUBJECT), !isnan(m->date),
                            isnan(m->date) ? 0 : (int64_t)m->date};
    x->msg = msg;
    return st;
}

static void quoted_release(quoted *x)
{
    lx_quote_words_release(&x->a);
    lx_record_release(&x->rec);
    free(x->data);
}

/* Compares message m (read as x) with the quote of verified message v (read
 * as y); a result is kept as a finding of m. */
static lx_status compare_pair(const pass *p, task *t, const cdoc *m, const quoted *x, const cdoc *v,
                              const quoting *y, unsigned threshold)
{
    lx_align_result r;
    lx_align_compare(&x->a, &x->msg, &y->q, threshold, &r);
    t->pairs++;
    if (r.status == LX_CHAIN_NONE)
        return LX_OK;
    return add_finding(t, (size_t)(m - p->docs), &r, v, y->signer);
}

/* Compares one verified quoting message with the unverified messages it may
 * quote. */
static lx_status quoting_message(lx_db *db, const pass *p, const cdoc *v, unsigned threshold,
                                 task *t)
{
    quoting y;
    lx_docid *ids = NULL;
    size_t n = 0;
    lx_status st = quoting_load(db, v, &y);
    if (st || y.q.words.n < LX_CHAIN_MIN_WORDS)
        goto done;
    t->quoting++;
    if ((st = candidates(db, v->thread, &y.q.words, false, v->id, &ids, &n)))
        goto done;
    for (size_t i = 0; i < n && !st; i++) {
        const cdoc *m = doc_by_id(p, ids[i]);
        if (!m || !may_be_quoted(m))
            continue;
        quoted x;
        st = quoted_load(db, m, &x);
        if (!st)
            st = compare_pair(p, t, m, &x, v, &y, threshold);
        quoted_release(&x);
    }
done:
    free(ids);
    quoting_release(&y);
    return st;
}

/* For an incremental pass: compares a new unverified message with the
 * verified messages of earlier runs that may quote it (the new ones look
 * for what they quote themselves). */
static lx_status quoted_message(lx_db *db, const pass *p, const cdoc *m, unsigned threshold,
                                task *t)
{
    quoted x;
    lx_docid *ids = NULL;
    size_t n = 0;
    lx_status st = quoted_load(db, m, &x);
    if (st || x.a.n < LX_CHAIN_MIN_WORDS)
        goto done;
    if ((st = candidates(db, m->thread, &x.a, true, m->id, &ids, &n)))
        goto done;
    for (size_t i = 0; i < n && !st; i++) {
        const cdoc *v = doc_by_id(p, ids[i]);
        if (!v || !quotes_count(v) || v->fresh)
            continue;
        quoting y;
        st = quoting_load(db, v, &y);
        if (!st && y.q.words.n >= LX_CHAIN_MIN_WORDS)
            st = compare_pair(p, t, m, &x, v, &y, threshold);
        quoting_release(&y);
    }
done:
    free(ids);
    quoted_release(&x);
    return st;
}

static void run_task(void *wctx, void *item)
{
    const worker *w = wctx;
    task *t = item;
    const cdoc *d = &w->p->docs[t->doc];
    /* A message signed in part by its sender's domain both quotes (with
     * its signed text) and may be quoted. */
    if (quotes_count(d))
        t->st = quoting_message(w->db, w->p, d, w->threshold, t);
    if (!t->st && may_be_quoted(d) && w->incremental)
        t->st = quoted_message(w->db, w->p, d, w->threshold, t);
}

/* Takes a task's findings and figures into the pass, and frees it. */
static lx_status merge_task(pass *p, task *t, lx_corroborate_stats *stats)
{
    lx_status st = t->st;
    if (!st && t->n_found &&
        !lx_grow((void **)&p->found, &p->alloc_found, p->n_found + t->n_found, sizeof *p->found))
        st = LX_E_NOMEM;
    if (!st && t->n_found) {
        memcpy(p->found + p->n_found, t->found, t->n_found * sizeof *t->found);
        p->n_found += t->n_found;
        t->n_found = 0;
    }
    for (size_t i = 0; i < t->n_found; i++)
        free(t->found[i].line);
    stats->quoting += t->quoting;
    stats->pairs += t->pairs;
    free(t->found);
    free(t);
    return st;
}

/* Looks at every fresh message, over readers[] in as many threads (none:
 * in this thread, over db), the results merged in message order so that
 * they do not depend on the number of threads. */
static lx_status look(lx_db *db, lx_db *const *readers, unsigned n_readers, pass *p,
                      unsigned threshold, bool incremental, lx_corroborate_stats *stats)
{
    worker *ws = calloc(n_readers ? n_readers : 1, sizeof *ws);
    void **wctx = calloc(n_readers ? n_readers : 1, sizeof *wctx);
    lx_pool *pool = NULL;
    lx_status st = ws && wctx ? LX_OK : LX_E_NOMEM;
    for (unsigned i = 0; !st && i < (n_readers ? n_readers : 1); i++) {
        ws[i] = (worker){n_readers ? readers[i] : db, p, threshold, incremental};
        wctx[i] = &ws[i];
    }
    if (!st && !(pool = lx_pool_new(n_readers, run_task, wctx)))
        st = LX_E_NOMEM;
    size_t window = n_readers ? (size_t)n_readers * 8 : 1;
    for (size_t i = 0; i < p->n && !st; i++) {
        const cdoc *d = &p->docs[i];
        if (!d->fresh || (!quotes_count(d) && !incremental))
            continue;
        task *t = calloc(1, sizeof *t);
        if (!t) {
            st = LX_E_NOMEM;
            break;
        }
        t->doc = i;
        if ((st = lx_pool_submit(pool, t))) {
            free(t);
            break;
        }
        while (!st && lx_pool_outstanding(pool) >= window)
            st = merge_task(p, lx_pool_take(pool), stats);
    }
    /* Everything still out is taken back (and, after an error, dropped). */
    while (pool && lx_pool_outstanding(pool)) {
        lx_status mt = merge_task(p, lx_pool_take(pool), stats);
        if (!st)
            st = mt;
    }
    lx_pool_free(pool);
    free(wctx);
    free(ws);
    return st;
}

/* Findings of one message together: corroborations first (best coverage
 * first), then mismatches; ties by line, so the value is reproducible. */
static int by_doc(const void *x, const void *y)
{
    const finding *a = x, *b = y;
    if (a->doc != b->doc)
        return a->doc < b->doc ? -1 : 1;
    if (a->status != b->status)
        return a->status == LX_CHAIN_CORROBORATED ? -1 : 1;
    if (a->coverage != b->coverage)
        return a->coverage > b->coverage ? -1 : 1;
    return strcmp(a->line, b->line);
}

/* Stores the findings of docs[doc] (found[from..to)) when they changed. */
static lx_status store(lx_db *read, lx_db *write, pass *p, size_t doc, size_t from, size_t to,
                       lx_corroborate_stats *stats)
{
    lx_strbuf value;
    lx_strbuf_init(&value);
    bool corroborated = false, mismatch = false;
    lx_status st = LX_OK;
    size_t kept = 0;
    for (size_t i = from; i < to && kept < LX_CHAIN_MAX_FINDINGS && !st; i++) {
        /* The same finding twice (stored by an earlier run, found again). */
        if (i > from && strcmp(p->found[i].line, p->found[i - 1].line) == 0)
            continue;
        corroborated = corroborated || p->found[i].status == LX_CHAIN_CORROBORATED;
        mismatch = mismatch || p->found[i].status == LX_CHAIN_MISMATCH;
        st = lx_strbuf_addf(&value, "%s%s", value.len ? "\n" : "", p->found[i].line);
        kept++;
    }
    stats->corroborated += corroborated;
    stats->mismatched += mismatch;
    uint64_t want = value.len ? lx_hash64(value.buf, value.len) | 1 : 0;
    if (!st && want != p->docs[doc].current) {
        const int slots[3] = {lx_schema_slot(LX_F_CHAIN), lx_schema_slot(LX_F_CHAIN_MISMATCH),
                              lx_schema_slot(LX_F_CORROBORATION)};
        const char *values[3] = {corroborated ? "1" : "", mismatch ? "1" : "",
                                 value.len ? value.buf : ""};
        /* Over shards, this shard's documents only, found by SHA-256. */
        lx_docid id = p->docs[doc].id;
        if (read != write)
            st = lx_db_docid_of(write, p->docs[doc].sha, &id);
        if (st == LX_E_NOT_FOUND) {
            lx_strbuf_release(&value);
            return LX_OK;
        }
        if (!st)
            st = lx_db_set_values(write, id, slots, values, 3);
        stats->rewritten++;
    }
    lx_strbuf_release(&value);
    return st;
}

/* Incremental: the findings stored on docs[doc] by earlier runs, added to
 * this pass's, so that the value written holds both. */
static lx_status add_stored(lx_db *db, pass *p, size_t doc)
{
    char *value = NULL;
    size_t len = 0;
    lx_status st =
        lx_db_get_value(db, p->docs[doc].id, lx_schema_slot(LX_F_CORROBORATION), &value, &len);
    for (const char *line = value, *end = value + len; !st && value && line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        lx_align_status status = LX_CHAIN_NONE;
        unsigned coverage = 0;
        if (n > 13 && memcmp(line, "corroborated\t", 13) == 0) {
            status = LX_CHAIN_CORROBORATED;
            const char *c = memchr(line + 13, '\t', n - 13);
            if (c)
                coverage = (unsigned)strtoul(c + 1, NULL, 10);
        } else if (n > 9 && memcmp(line, "mismatch\t", 9) == 0) {
            status = LX_CHAIN_MISMATCH;
        }
        if (status != LX_CHAIN_NONE) {
            char *copy = malloc(n + 1);
            if (!copy ||
                !lx_grow((void **)&p->found, &p->alloc_found, p->n_found + 1, sizeof *p->found)) {
                free(copy);
                st = LX_E_NOMEM;
                break;
            }
            memcpy(copy, line, n);
            copy[n] = '\0';
            p->found[p->n_found++] = (finding){doc, status, coverage, copy};
        }
        line += n + 1;
    }
    free(value);
    return st;
}

static bool in_ids(const lx_docid *ids, size_t n, lx_docid id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id;
}

lx_status lx_corroborate_pass(lx_db *read, lx_db *write, lx_db *const *readers, unsigned n_readers,
                              unsigned threshold, const lx_corroborate_since *since,
                              lx_corroborate_stats *stats)
{
    lx_db *db = read;
    memset(stats, 0, sizeof *stats);
    bool incremental = since && since->after && read == write;
    pass p;
    memset(&p, 0, sizeof p);
    int slots[S_COUNT];
    slots[S_DATE] = lx_schema_slot(LX_F_DATE);
    slots[S_LEVEL] = lx_schema_slot(LX_F_VERIFIED_LEVEL);
    slots[S_IDENTITY] = lx_schema_slot(LX_F_IDENTITY);
    slots[S_THREAD] = lx_schema_slot(LX_F_THREAD_ID);
    slots[S_CORROBORATION] = lx_schema_slot(LX_F_CORROBORATION);
    lx_status st = lx_db_scan(db, NULL, slots, S_COUNT, on_row, &p);
    if (!st)
        st = p.st;
    stats->incremental = incremental;
    for (size_t i = 0; i < p.n; i++) {
        cdoc *d = &p.docs[i];
        d->fresh =
            !incremental || d->id > since->after || in_ids(since->moved, since->n_moved, d->id);
        stats->fresh += d->fresh;
    }
    if (!st)
        st = look(db, readers, n_readers, &p, threshold, incremental, stats);
    if (incremental) {
        /* Only the messages with a new finding change: what earlier runs
         * found on them stays, the new findings join it. */
        size_t n_new = p.n_found;
        for (size_t i = 0; i < n_new; i++)
            p.docs[p.found[i].doc].touched = true;
        for (size_t i = 0; i < p.n && !st; i++)
            if (p.docs[i].touched && p.docs[i].current)
                st = add_stored(db, &p, i);
    }
    if (!st && p.n_found)
        qsort(p.found, p.n_found, sizeof *p.found, by_doc);
    /* Every document: its findings, or none (a result that no longer holds
     * is removed). Incremental: the documents with a new finding. */
    for (size_t i = 0, k = 0; i < p.n && !st; i++) {
        size_t from = k;
        while (k < p.n_found && p.found[k].doc == i)
            k++;
        if (from == k && (incremental || !p.docs[i].current))
            continue;
        st = store(read, write, &p, i, from, k, stats);
    }
    if (!st && incremental) {
        /* The totals, over the whole index. */
        stats->corroborated = lx_db_value_freq(write, lx_schema_slot(LX_F_CHAIN));
        stats->mismatched = lx_db_value_freq(write, lx_schema_slot(LX_F_CHAIN_MISMATCH));
    }
    for (size_t i = 0; i < p.n_found; i++)
        free(p.found[i].line);
    free(p.found);
    free(p.docs);
    return st;
}
