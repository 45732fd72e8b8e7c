/* search.h - running leakdex-search's queries: a search sorted and paged,
 * a scan of value slots over every match, the words a query looks for. */
#ifndef LX_SEARCH_H
#define LX_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "tz.h"
#include "xdb.h"

/* A query as leakdex-search is asked it: its text (search/language.c reads
 * it), the option filters, and how to order and page the matches. */
typedef struct lx_query_opts {
    const char *text; /* query string; NULL, "" or "*" match everything */
    /* Exact sender addresses, OR-ed; may be NULL. A value without '@' is a
     * name: the words of the sender's name or address, in order, as
     * from:"NAME" (folded here as the indexer folds text). */
    const char *const *from_addrs;
    size_t n_from;
    const char *const *to_addrs; /* exact To/Cc/Bcc addresses (or names, as to:"NAME"), OR-ed */
    size_t n_to;
    const char *const *domains; /* exact sender domains, OR-ed; may be NULL */
    size_t n_domains;
    bool has_attachment; /* only messages with an attachment */
    /* The zone whose clocks date:, year: and month: are read on (NULL:
     * UTC); after and before are instants already. Not owned. */
    const lx_tz *tz;
    bool has_after; /* date >= after (seconds, UTC) */
    int64_t after;
    bool has_before; /* date <= before */
    int64_t before;
    lx_sort sort;
    size_t offset;
    size_t limit;         /* 0: no limit */
    bool count_only;      /* fill total only */
    bool verified_only;   /* only messages whose DKIM verdict is pass */
    bool collapse_thread; /* one hit per thread (its best); total counts threads */
    /* Hits without their data, lx_hit_record reading each: a long list's
     * memory is then that of the hit being printed. */
    bool data_later;
} lx_query_opts;

/* The matches of opts, ordered and paged as it says (LX_SORT_DEFAULT: by
 * relevance when the query has free words that rank its matches, else by
 * date). On failure the message is on db (lx_db_error): LX_E_QUERY for a
 * query the language refuses, LX_E_LIMIT for one that costs too much. */
lx_status lx_search(lx_db *db, const lx_query_opts *opts, lx_results *out);

/* Calls cb once per document matching opts (offset, limit and sort
 * ignored: every match), with the values of the given slots, as lx_db_scan
 * does (a NULL row: forget the rows so far, they come again). */
lx_status lx_search_scan(lx_db *db, const lx_query_opts *opts, const int *slots, size_t n,
                         int (*cb)(void *ctx, const lx_scan_row *row), void *ctx);

/* The words a query looks for in free text, for marking matches (not those
 * it excludes: "budget -lyon" looks for budget only): *plain gets the
 * unstemmed terms (lowercased, accents folded), *stems the stems (French and
 * English, without their "Z"), each word once, in first-seen order;
 * *in_attachments whether it looks for them only in attachment text
 * (in:attachment). Both arrays and their strings are malloc'd; free each
 * and the arrays. */
lx_status lx_search_query_words(lx_db *db, const lx_query_opts *opts, char ***plain,
                                size_t *n_plain, char ***stems, size_t *n_stems,
                                bool *in_attachments);

#endif
