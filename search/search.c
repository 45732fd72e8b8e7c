/* search.c - running leakdex-search's queries: the language builds them,
 * the Xapian wrapper runs them. */
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "grow.h"
#include "language.h"
#include "schema.h"
#include "banned.h"

/* Whether a query built when db read revision `seen` is to be built again:
 * a read since moved the handle to a newer revision (an indexer
 * committed), whose terms it may not have been built from (the months a
 * date range lists). Bounded as the wrapper's own retries are. */
static bool built_on_older(lx_db *db, unsigned long seen, unsigned attempt)
{
    return lx_db_reopens(db) != seen && attempt < LX_DB_READ_RETRIES;
}

/* What lx_db_search is asked for opts, its default order chosen. */
static lx_status run_opts(lx_db *db, const lx_query_opts *o, const lx_xq *q, lx_run_opts *run)
{
    *run = (lx_run_opts){.sort = o->sort,
                         .offset = o->offset,
                         .limit = o->limit,
                         .count_only = o->count_only,
                         .collapse_thread = o->collapse_thread,
                         .data_later = o->data_later};
    if (run->sort != LX_SORT_DEFAULT)
        return LX_OK;
    bool ranks;
    if (lx_language_ranks(q, &ranks))
        return lx_db_fail(db, LX_E_NOMEM, "out of memory");
    run->sort = ranks ? LX_SORT_RELEVANCE : LX_SORT_DATE;
    return LX_OK;
}

lx_status lx_search(lx_db *db, const lx_query_opts *o, lx_results *out)
{
    out->total = out->n = 0;
    out->hits = NULL;
    out->sort = o->sort;
    for (unsigned attempt = 0;; attempt++) {
        unsigned long seen = lx_db_reopens(db);
        lx_xq *q = NULL;
        lx_run_opts run;
        lx_status st = lx_language_build(db, o, &q);
        if (!st)
            st = run_opts(db, o, q, &run);
        if (!st)
            st = lx_db_search(db, q, &run, out);
        lx_xq_free(q);
        if (st || !built_on_older(db, seen, attempt))
            return st;
        lx_results_release(out);
    }
}

lx_status lx_search_scan(lx_db *db, const lx_query_opts *o, const int *slots, size_t n,
                         int (*cb)(void *ctx, const lx_scan_row *row), void *ctx)
{
    for (unsigned attempt = 0;; attempt++) {
        unsigned long seen = lx_db_reopens(db);
        lx_xq *q = NULL;
        lx_status st = lx_language_build(db, o, &q);
        if (!st)
            st = lx_db_scan(db, q, slots, n, cb, ctx);
        lx_xq_free(q);
        if (st || !built_on_older(db, seen, attempt))
            return st;
        cb(ctx, NULL);
    }
}

/* Words, each once, in first-seen order. */
typedef struct word_list {
    char **v;
    size_t n, alloc;
} word_list;

/* The free words of a query's positive terms, as lx_search_query_words
 * gives them. */
typedef struct word_walk {
    word_list plain, stems;
    const char *at; /* attachment text's prefix */
    size_t at_len;
    bool body; /* a free word is looked for in the body */
    bool any;
    bool nomem;
} word_walk;

static bool starts_with(const char *s, size_t len, const char *prefix, size_t plen)
{
    return len >= plen && memcmp(s, prefix, plen) == 0;
}

static int on_term(void *ctx, const char *term, size_t len)
{
    word_walk *w = ctx;
    size_t at;
    bool stem;
    if (!lx_language_free_word(term, len, &at, &stem))
        return 0;
    w->any = true;
    /* Free words come as body terms too, unless in:attachment. */
    if (!starts_with(term, len, w->at, w->at_len) &&
        !(term[0] == LX_XQ_STEM_MARK && starts_with(term + 1, len - 1, w->at, w->at_len)))
        w->body = true;
    /* A word found in several fields is listed once. */
    word_list *l = stem ? &w->stems : &w->plain;
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len - at && memcmp(l->v[i], term + at, len - at) == 0)
            return 0;
    char *word = strndup(term + at, len - at);
    if (!word || !lx_grow((void **)&l->v, &l->alloc, l->n + 1, sizeof *l->v)) {
        free(word);
        w->nomem = true;
        return 1;
    }
    l->v[l->n++] = word;
    return 0;
}

static void word_list_release(word_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* l's array, never NULL (an empty one is allocated too); false when memory
 * runs out. */
static bool word_list_array(word_list *l)
{
    return l->v || (l->v = calloc(1, sizeof *l->v));
}

lx_status lx_search_query_words(lx_db *db, const lx_query_opts *o, char ***plain, size_t *n_plain,
                                char ***stems, size_t *n_stems, bool *in_attachments)
{
    *plain = *stems = NULL;
    *n_plain = *n_stems = 0;
    *in_attachments = false;
    lx_xq *q = NULL;
    lx_status st = lx_language_build(db, o, &q);
    if (st)
        return st;
    word_walk w = {.at = lx_schema_prefix(LX_F_ATTACH_TEXT)};
    w.at_len = strlen(w.at);
    st = lx_xq_positive_terms(q, on_term, &w);
    lx_xq_free(q);
    if (st || w.nomem || !word_list_array(&w.plain) || !word_list_array(&w.stems)) {
        word_list_release(&w.plain);
        word_list_release(&w.stems);
        return lx_db_fail(db, LX_E_NOMEM, "out of memory");
    }
    *in_attachments = !w.body && w.any;
    *plain = w.plain.v;
    *n_plain = w.plain.n;
    *stems = w.stems.v;
    *n_stems = w.stems.n;
    return LX_OK;
}
