/* hits.h - running a search: the matches, the words they were found by, and each hit's record. */
#ifndef LX_HITS_H
#define LX_HITS_H

#include <stdbool.h>

#include "record.h"
#include "search.h"
#include "snippet.h"

/*
 * The one place the search core asks the index for matches: a search
 * (filters, sort, page, collapse: lx_query_opts) and, for snippets, the
 * words it looks for. Reading the hits' records comes after, apart: a
 * front may time the index's work alone.
 */
typedef struct lx_found {
    lx_results res;
    lx_snippet_words words;      /* empty unless asked for */
    lx_snippet_matcher *matcher; /* of words, for every hit's snippet; NULL for a count */
} lx_found;

/* Runs q into out (initialized by the call; release it even on failure);
 * words: also the words a snippet marks (not for q->count_only). */
lx_status lx_hits_search(lx_db *db, const lx_query_opts *q, bool words, lx_found *out);
void lx_found_release(lx_found *f);

/* The records of found's hits[begin..end), as every printer takes them
 * (lx_hit_record, no snippets: a thread's, read whole to indent it): *recs
 * is a malloc'd array of end - begin records the caller frees with
 * lx_hits_records_free; NULL on failure. A list of hits is printed one
 * record at a time instead (lx_hits_record). */
lx_status lx_hits_records(lx_db *db, const lx_found *found, size_t begin, size_t end,
                          lx_record **recs);
void lx_hits_records_free(lx_record *recs, size_t n);

/* One hit's record with its snippet, for the exports (rec initialized by
 * the call: release it even on failure). */
lx_status lx_hits_record(lx_db *db, const lx_found *found, size_t i, lx_record *rec);

/* A message in full, as `show` prints it: its data and what lx_copies_add
 * adds (rec initialized by the call: release it even on failure); *read
 * whether its data was read (a failure after it is not the index's read). */
lx_status lx_hits_message(lx_db *db, lx_docid id, lx_record *rec, bool *read);

#endif
