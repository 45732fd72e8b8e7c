/* hits.c - running a search: the matches, the words they were found by, and each hit's record. */
#include "hits.h"

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "copies.h"
#include "banned.h"

lx_status lx_hits_search(lx_db *db, const lx_query_opts *q, bool words, lx_found *out)
{
    memset(out, 0, sizeof *out);
    lx_query_opts later = *q;
    later.data_later = q->limit == 0 || q->limit > LX_HITS_DATA_WITH_SEARCH;
    lx_status st = lx_search(db, &later, &out->res);
    lx_snippet_words *w = &out->words;
    if (!st && words && !q->count_only)
        st = lx_search_query_words(db, q, &w->plain, &w->n_plain, &w->stems, &w->n_stems,
                                   &w->in_attachments);
    if (!st && !q->count_only && !(out->matcher = lx_snippet_matcher_new(w)))
        st = lx_db_fail(db, LX_E_NOMEM, "out of memory");
    return st;
}

void lx_found_release(lx_found *f)
{
    lx_results_release(&f->res);
    lx_snippet_matcher_free(f->matcher);
    f->matcher = NULL;
    lx_snippet_words_release(&f->words);
}

lx_status lx_hits_record(lx_db *db, const lx_found *found, size_t i, lx_record *rec)
{
    lx_status st = lx_hit_record(db, &found->res.hits[i], rec);
    if (!st)
        st = found->matcher ? lx_snippet_add(db, found->res.hits[i].id, rec, found->matcher)
                            : LX_E_INVALID;
    return st;
}

lx_status lx_hits_records(lx_db *db, const lx_found *found, size_t begin, size_t end,
                          lx_record **recs)
{
    size_t n = end > begin ? end - begin : 0;
    lx_record *v = calloc(n ? n : 1, sizeof *v);
    if (!v) {
        *recs = NULL;
        return LX_E_NOMEM;
    }
    lx_status st = LX_OK;
    size_t made = 0;
    for (; made < n && !st; made++)
        st = lx_hit_record(db, &found->res.hits[begin + made], &v[made]);
    if (st) {
        lx_hits_records_free(v, made);
        v = NULL;
    }
    *recs = v;
    return st;
}

void lx_hits_records_free(lx_record *recs, size_t n)
{
    for (size_t i = 0; recs && i < n; i++)
        lx_record_release(&recs[i]);
    free(recs);
}

lx_status lx_hits_message(lx_db *db, lx_docid id, lx_record *rec, bool *read)
{
    lx_record_init(rec);
    char *data = NULL;
    size_t len = 0;
    lx_status st = lx_db_get_data(db, id, &data, &len);
    *read = !st;
    if (!st)
        st = lx_record_parse(rec, data, len);
    if (!st)
        st = lx_copies_add(db, id, rec);
    free(data);
    return st;
}
