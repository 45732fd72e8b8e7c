/* xdb.h - the C API over libxapian; the only way leakdex touches Xapian. */
#ifndef LX_XDB_H
#define LX_XDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "tz.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lx_db lx_db;
typedef struct lx_doc lx_doc;
typedef unsigned lx_docid;

typedef enum lx_db_mode {
    LX_DB_READ,  /* open an existing database read-only */
    LX_DB_WRITE, /* open or create for writing (takes Xapian's write lock) */
} lx_db_mode;

/*
 * Opens the database at path. On success *out is a handle the caller frees
 * with lx_db_close. On failure *out is NULL and, when errmsg is not NULL,
 * *errmsg is a malloc'd one-line message the caller frees. A read-only open
 * of a database without leakdex's schema version, or with another one, fails
 * with LX_E_DB_SCHEMA; a writable open of an empty database stamps it.
 */
lx_status lx_db_open(const char *path, lx_db_mode mode, lx_db **out, char **errmsg);

/*
 * Opens several databases read-only as one (Xapian combines them: one
 * query, one ranking, one count). Each of paths is an index directory or a
 * stub file, whose lines name more: `auto PATH` (also `glass`, `chert`;
 * relative to the stub's directory; a PATH that is a file is a stub again),
 * `remote HOST:PORT` or `tcp HOST PORT` (a database served by xapian-tcpsrv),
 * `remote :PROGRAM ARGS` or `prog PROGRAM ARGS` (xapian-progsrv); blank lines
 * and lines starting with '#' are skipped. Each database is opened on its
 * own first, so a failure names it, and its schema version is checked.
 *
 * A database that cannot be reached (no such directory, connection refused,
 * time-out) fails the open with LX_E_DB_OPEN or LX_E_DB_NETWORK, unless
 * allow_partial is set: then it is left out, warn is called with a one-line
 * message naming it, and the open fails only when nothing is left. warn is
 * also told when the databases hold only some shards of a sharded archive.
 *
 * Databases built as disjoint shards (leakdex-index --shard I/N, distinct I,
 * one N) are searched as they are. Any other combination may hold the same
 * message twice: searches and scans then keep one document per identity.
 */
typedef struct lx_db_open_opts {
    const char *const *paths;
    size_t n_paths;
    unsigned timeout_ms; /* remote databases: connect time-out and per-operation time-out */
    bool allow_partial;
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
} lx_db_open_opts;

lx_status lx_db_open_many(const lx_db_open_opts *opts, lx_db **out, char **errmsg);

/* One database of a handle, as lx_db_part describes it. Strings are owned
 * by the handle and live as long as it. */
typedef struct lx_db_part_info {
    const char *label;   /* the path, or "remote HOST:PORT" */
    const char *created; /* leakdex.created, "" when unknown */
    const char *updated; /* leakdex.updated, "" when unknown */
    const char *shards;  /* "1/3" (several: "1/3, 2/3"), "" for a whole archive */
    unsigned documents;
    long long revision; /* Xapian's revision (a number each commit raises); -1 for a remote one */
    bool missing; /* left out (allow_partial); the other fields but label are empty */
} lx_db_part_info;

/* How many databases the handle was opened over (missing ones included). */
size_t lx_db_parts(const lx_db *db);
/* The description read at the open or by the last lx_db_parts_refresh. */
void lx_db_part(const lx_db *db, size_t i, lx_db_part_info *out);

/* Reads every database's description (times, documents, revision) again,
 * from the revision the handle reads now. */
lx_status lx_db_parts_refresh(lx_db *db);

/* A read-only handle reads one revision of the index until a read meets
 * one that an indexer's commits have discarded: the read then starts over
 * on the newest revision (lx_db_search and the others do so by themselves).
 * This counts those moves: reads made while it stays the same all saw one
 * revision, so work made of many reads (an export) that must describe one
 * state of the index starts over when it changes. */
unsigned long lx_db_reopens(const lx_db *db);

/* Commits pending changes (writable databases) and frees the handle. Returns
 * the status of that final commit. */
lx_status lx_db_close(lx_db *db);

/*
 * Commits, then rewrites a writable index compactly (Xapian's full
 * compaction: the same documents, terms, values and metadata under the same
 * document ids, in about half the space), and closes it. The copy is
 * written beside the index (PATH.compacting), the two directories are
 * exchanged in one step (renameat2 RENAME_EXCHANGE), and the old one is
 * removed: a reader or a kill at any moment sees one whole index. When the
 * copy cannot be made or exchanged (no space, a file system without the
 * exchange), the index is closed as it was, *compacted is false and *why
 * (malloc'd) says why. Returns the status of closing.
 */
lx_status lx_db_close_compacted(lx_db *db, bool *compacted, char **why);

/* Removes PATH.compacting left by a run killed while compacting PATH (a
 * partial copy, or the old index after the exchange); call with the index
 * open for writing, so no other run is compacting it. */
void lx_db_remove_stale_copy(const char *path);

/* The message of the last failed call on this handle; owned by the handle,
 * valid until the next call on it. "" when nothing failed. */
const char *lx_db_error(const lx_db *db);

lx_status lx_db_commit(lx_db *db);
unsigned lx_db_doccount(lx_db *db);
/* The highest document id ever used (0 for a new index); ids only grow. */
lx_docid lx_db_last_docid(lx_db *db);
/* How many documents hold a value in slot; 0 on error (lx_db_error says why). */
unsigned lx_db_value_freq(lx_db *db, int slot);

/* *value is a malloc'd NUL-terminated copy (empty when unset); caller frees. */
lx_status lx_db_get_metadata(lx_db *db, const char *key, char **value);
lx_status lx_db_set_metadata(lx_db *db, const char *key, const char *value);

/* The metadata keys that start with prefix, in order. *keys is a malloc'd
 * array of malloc'd strings; free each and the array. */
lx_status lx_db_metadata_keys(lx_db *db, const char *prefix, char ***keys, size_t *n);

/* The values in slot of up to max documents indexed by term, the smallest
 * values first (the same whatever the shard layout). *vals is a malloc'd
 * array of malloc'd NUL-terminated strings, *lens their lengths; free each
 * string and both arrays. */
lx_status lx_db_term_values(lx_db *db, const char *term, int slot, size_t max, char ***vals,
                            size_t **lens, size_t *n);

/* The ids of the documents indexed by term, ascending. *ids is malloc'd
 * (NULL when *n is 0); caller frees. */
lx_status lx_db_term_docs(lx_db *db, const char *term, lx_docid **ids, size_t *n);

/* Up to max terms that start with prefix, in order. *terms is a malloc'd
 * array of malloc'd strings; free each and the array. */
lx_status lx_db_terms_with_prefix(lx_db *db, const char *prefix, size_t max, char ***terms,
                                  size_t *n);

/* A document's data; *data is malloc'd and NUL-terminated, caller frees. */
lx_status lx_db_get_data(lx_db *db, lx_docid id, char **data, size_t *len);

/* A document's value in slot; *value is malloc'd ("" when unset). */
lx_status lx_db_get_value(lx_db *db, lx_docid id, int slot, char **value, size_t *len);

/* Replaces the stored data of a document, keeping its terms and values. */
lx_status lx_db_set_data(lx_db *db, lx_docid id, const char *data, size_t len);

/* Whether stored document id has term. */
lx_status lx_db_has_term(lx_db *db, lx_docid id, const char *term, bool *has);

/* Adds one boolean term to a stored document. */
lx_status lx_db_add_term(lx_db *db, lx_docid id, const char *term);

/* Every document id, ascending. *ids is malloc'd; caller frees. */
lx_status lx_db_all_docs(lx_db *db, lx_docid **ids, size_t *n);

/* Rewrites a stored document's derived fields in one step: removes every
 * term that starts with one of the drop prefixes, adds the add terms
 * (boolean), sets value slot (when slot >= 0) and replaces the data. */
lx_status lx_db_retag(lx_db *db, lx_docid id, const char *const *drop, size_t n_drop,
                      const char *const *add, size_t n_add, int slot, double value,
                      const char *data, size_t len);

/* The id, in this database, of the document whose SHA-256 is sha (64 hex
 * digits): LX_E_NOT_FOUND when it holds none. */
lx_status lx_db_docid_of(lx_db *db, const char *sha, lx_docid *id);

/* Gives a stored document the one term prefix+value among the terms that
 * start with prefix (the others are removed) and, when slot >= 0, stores
 * value in that slot too. */
lx_status lx_db_set_tag(lx_db *db, lx_docid id, const char *prefix, const char *value, int slot);

/* Stores values[i] (NUL-terminated; an empty one removes the value) in
 * slots[i] of a stored document, for i < n, leaving its terms and data as
 * they are: Xapian then rewrites the values alone, without reading the
 * document's terms and positions back. */
lx_status lx_db_set_values(lx_db *db, lx_docid id, const int *slots, const char *const *values,
                           size_t n);

/* Stores a number, sortable (as lx_doc_set_number), in a value slot of a
 * stored document. */
lx_status lx_db_set_number(lx_db *db, lx_docid id, int slot, double number);

/* A search by exact terms, for passes that look for related documents. */
typedef struct lx_match_opts {
    const char *const *all; /* every one of these terms (a filter) */
    size_t n_all;
    const char *const *any; /* at least one of these, ranked by them (BM25) */
    size_t n_any;
    size_t rarest;           /* > 0: use only this many of any[], those in fewest documents */
    const char *const *none; /* none of these terms */
    size_t n_none;
    bool newest_first; /* order by date, newest first, instead of rank */
    size_t max;        /* at most this many ids */
} lx_match_opts;

/* The ids of the documents that match o, best (or newest) first; *ids is
 * malloc'd (NULL when *n is 0), caller frees. Terms of any[] that no
 * document has are ignored; when none is left, nothing matches. */
lx_status lx_db_match(lx_db *db, const lx_match_opts *o, lx_docid **ids, size_t *n);

/* Adds a new document; *id receives its id when id is not NULL. */
lx_status lx_db_add_doc(lx_db *db, const lx_doc *doc, lx_docid *id);

/* --- documents under construction ------------------------------------- */

/* A new empty document; free with lx_doc_free. NULL when out of memory. */
lx_doc *lx_doc_new(void);
void lx_doc_free(lx_doc *doc);

/* Adds PREFIX+value as a boolean term (no positions, no weight). Values
 * longer than LX_MAX_TERM_BYTES are cut at a UTF-8 boundary. */
lx_status lx_doc_add_boolean(lx_doc *doc, const char *prefix, const char *value);

/* Indexes UTF-8 text as positional words under prefix ("" for free text).
 * Successive calls leave a gap in positions, so no phrase spans two calls. */
lx_status lx_doc_index_text(lx_doc *doc, const char *prefix, const char *text, size_t len);

/* Stores a number in a value slot, sortable (Xapian's sortable_serialise). */
lx_status lx_doc_set_number(lx_doc *doc, int slot, double number);

lx_status lx_doc_set_data(lx_doc *doc, const char *data, size_t len);

/* Stores bytes in a value slot. */
lx_status lx_doc_set_value(lx_doc *doc, int slot, const char *bytes, size_t len);

/* --- queries ------------------------------------------------------------ */

/* Ties (same weight, same date) are broken by identity (SHA-256), so an
 * order never depends on document ids, which differ between shard layouts. */
typedef enum lx_sort {
    LX_SORT_RELEVANCE,
    LX_SORT_DATE,      /* oldest first */
    LX_SORT_DATE_DESC, /* newest first */
    /* Relevance when the query has free words that rank its matches (not
     * only under NOT), else date: a filter-only query (from:alice,
     * verified:yes, date:2017, --from) gives every match the same weight,
     * and its relevance order would be arbitrary. */
    LX_SORT_DEFAULT,
} lx_sort;

typedef struct lx_query_opts {
    const char *text;              /* query string; NULL, "" or "*" match everything */
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
} lx_query_opts;

typedef struct lx_hit {
    lx_docid id;
    double weight;
    char *data; /* the document data, NUL-terminated */
    size_t len;
    size_t thread_hits; /* collapse_thread: matches in this hit's thread, exact */
} lx_hit;

/* Results own their hits; release with lx_results_release. `total` is the
 * exact number of matching documents, whatever offset and limit are. */
typedef struct lx_results {
    size_t total;
    size_t n;
    lx_hit *hits;
    lx_sort sort; /* the order used: never LX_SORT_DEFAULT */
} lx_results;

lx_status lx_db_search(lx_db *db, const lx_query_opts *opts, lx_results *out);

/* The words a query looks for in free text, for marking matches (not those
 * it excludes: "budget -lyon" looks for budget only): *plain gets the
 * unstemmed terms (lowercased, accents folded), *stems the stems (French and
 * English, without their "Z"); *in_attachments whether it looks for them
 * only in attachment text (in:attachment). Both arrays and their strings
 * are malloc'd; free each and the arrays. */
lx_status lx_db_query_words(lx_db *db, const lx_query_opts *opts, char ***plain, size_t *n_plain,
                            char ***stems, size_t *n_stems, bool *in_attachments);

/* The French ("fr") or English ("en") stem of a lowercased word, written
 * into out (NUL-terminated, cut to size). */
void lx_stem(const char *lang, const char *word, char *out, size_t size);

/* One matching document's values for lx_db_scan: vals[i] holds slot
 * slots[i] (lens[i] bytes; numbers already unserialised into nums[i]). */
typedef struct lx_scan_row {
    lx_docid id;
    const char *const *vals;
    const size_t *lens;
    const double *nums; /* sortable_unserialise of each value; NaN when empty */
} lx_scan_row;

/* Calls cb once per document matching opts (offset, limit and sort
 * ignored: every match), with the values of the given slots; cb returns
 * non-zero to stop. A NULL row means the database changed under the scan:
 * forget every row so far, they come again. For aggregates (senders, stats)
 * that must count every match without loading document data. */
lx_status lx_db_scan(lx_db *db, const lx_query_opts *opts, const int *slots, size_t n,
                     int (*cb)(void *ctx, const lx_scan_row *row), void *ctx);
void lx_results_release(lx_results *res);

#ifdef __cplusplus
}
#endif

#endif
