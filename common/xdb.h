/* xdb.h - the C API over libxapian; the only way leakdex touches Xapian. */
#ifndef LX_XDB_H
#define LX_XDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

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
    const char *created; /* LX_CREATED_METADATA_KEY, "" when unknown */
    const char *updated; /* LX_UPDATED_METADATA_KEY, "" when unknown */
    const char *shards;  /* "1/3" (several: "1/3, 2/3"), "" for a whole archive */
    unsigned documents;
    long long revision; /* Xapian's revision (a number each commit raises); -1 for a remote one */
    bool missing;       /* left out (allow_partial); the other fields but label are empty */
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

/* Moves a read-only handle to the newest revision its databases have
 * committed (Xapian's reopen), now rather than when a read meets a
 * discarded one: a server calls it as each request starts, so that what an
 * indexer committed meanwhile shows at once. Counted by lx_db_reopens when
 * the revision changed. Returns LX_OK or the failure (lx_db_error). */
lx_status lx_db_refresh(lx_db *db);

/* The revision each database of the handle reads now, with the database's
 * UUID, as one string ("UUID:12 UUID:40 " for two databases): two reads
 * under the same string read the same committed state. false, and nothing written, when a database does
 * not tell its revision (remote) or the handle writes. */
bool lx_db_revision_key(lx_db *db, char *out, size_t size);

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
 * partial copy, or the old index after the exchange), and PATH.seg, the
 * segments of a run killed before it merged them; call with the index open
 * for writing, so no other run is compacting it. */
void lx_db_remove_stale_copy(const char *path);

/* --- Segments: several writers, merged in input order (issue 27, part A). */

/* PATH.seg, where a run's segments (and their merged copy) are written;
 * malloc'd, NULL for want of memory. */
char *lx_db_segments_dir(const char *path);

/* A metadata value that may hold NUL bytes (the stem table's word lists);
 * lx_db_get_metadata reads it back whole, NUL-terminated. */
lx_status lx_db_set_metadata_bytes(lx_db *db, const char *key, const char *value, size_t len);

/*
 * Merges the index at `index` (NULL: none) and the n segment databases, in
 * that order, into a new compact database at out (Xapian's compactor, full,
 * renumbered): the documents of each source follow those of the previous
 * one, under ids that go on from the index's, so an index and segments
 * written one after the other give the ids one writer would have given.
 * Metadata keys several sources hold: the stem table's ("leakdex.stem.")
 * words united (sorted, each once, NUL-joined); any other key keeps the
 * first source's value. LX_E_DB_WRITE with *why (malloc'd) on failure.
 */
lx_status lx_db_merge(const char *index, const char *const *segments, size_t n, const char *out,
                      char **why);

/*
 * Commits and closes work (a writable database, such as a merged copy) and
 * puts it in the place of the index at target in one step (renameat2
 * RENAME_EXCHANGE): written compactly to TARGET.compacting first
 * (*compacted set), else, when that cannot be done (*why, malloc'd, says
 * why), as it is. Afterwards the old index is at TARGET.compacting or at
 * work's path: the caller removes it (lx_db_remove_stale_copy) once its own
 * handle on it is closed. An error when target was not replaced (untouched).
 */
lx_status lx_db_close_replacing(lx_db *work, const char *target, bool *compacted, char **why);

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
/* The same, for a value that may hold NUL bytes (the stem table's): its
 * length in *len. */
lx_status lx_db_get_metadata_len(lx_db *db, const char *key, char **value, size_t *len);
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

/* Rewrites the parts of stored document id that a document built anew for
 * it (from: the same message, read again) holds differently: every term of
 * id that starts with one of prefixes is removed, and from's terms with
 * those prefixes are added with their positions and frequencies; slots[i]
 * takes from's value (removed where from has none); the data becomes
 * data[0..len). Every other term, value and the document's id stay; the
 * words it brings go into the stem table at the next commit. */
lx_status lx_db_replace_parts(lx_db *db, lx_docid id, const lx_doc *from,
                              const char *const *prefixes, size_t n_prefixes, const int *slots,
                              size_t n_slots, const char *data, size_t len);

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
    const struct lx_xq *within; /* NULL, or only the documents it matches (a filter) */
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

/* --- building queries ---------------------------------------------------- */

/* A query built for Xapian, by the functions below or by its query parser.
 * The wrapper knows no query language: the search core (search/language.c)
 * builds leakdex-search's out of these pieces. */
typedef struct lx_xq lx_xq;

/* Xapian's parser marks a stem's term with this letter before the field's
 * prefix ("Zbudget", "ZXSbudget"); a word as written has none. The index
 * holds no such term: a search expands each into the words of the field
 * that have that stem (the stem table, schema.h). */
#define LX_XQ_STEM_MARK 'Z'

/* Each of these returns a new query the caller frees with lx_xq_free, or
 * NULL when memory runs out. */
lx_xq *lx_xq_match_all(void);
lx_xq *lx_xq_match_nothing(void);
/* The documents indexed by term. */
lx_xq *lx_xq_term(const char *term);
/* The documents indexed by prefix+value, cut to LX_MAX_TERM_BYTES at a
 * UTF-8 boundary as lx_doc_add_boolean cuts it. */
lx_xq *lx_xq_boolean(const char *prefix, const char *value);
/* The documents whose value in slot is from lo to hi (bytes compared). */
lx_xq *lx_xq_value_range(int slot, const char *lo, const char *hi);
/* The documents whose number in slot (lx_doc_set_number) is at least lo
 * (when has_lo) and at most hi (when has_hi); every document when neither. */
lx_xq *lx_xq_number_range(int slot, bool has_lo, double lo, bool has_hi, double hi);
/* Another handle on q. */
lx_xq *lx_xq_copy(const lx_xq *q);

/* The documents of thread hex16 (16 lowercase hex digits; any other string
 * matches nothing): exactly those whose thread id value (LX_F_THREAD_ID) is
 * hex16, found by the thread terms of hex16 and of its aliases (the
 * LX_THREAD_ALIAS_METADATA_PREFIX keys the thread pass writes), read from
 * each database of db and joined. *out is a new query the caller frees with
 * lx_xq_free; on failure NULL, the message on db (lx_db_error). */
lx_status lx_xq_thread(lx_db *db, const char *hex16, lx_xq **out);

typedef enum lx_xq_op {
    LX_XQ_AND,     /* both */
    LX_XQ_OR,      /* either */
    LX_XQ_AND_NOT, /* the left one, not the right one */
    LX_XQ_FILTER,  /* the left one, when the right one matches too (which adds no weight) */
} lx_xq_op;

/* a OP b. Takes a and b: they are freed whatever happens, and either may be
 * NULL (a failed build), which makes the result NULL. */
lx_xq *lx_xq_join(lx_xq_op op, lx_xq *a, lx_xq *b);
/* subs[0] OP subs[1] OP ... in one operator (n > 0); takes them as above. */
lx_xq *lx_xq_join_many(lx_xq_op op, lx_xq **subs, size_t n);

void lx_xq_free(lx_xq *q);

/* Whether q has nothing to match by (what the parser makes of no words;
 * lx_xq_match_nothing too). */
bool lx_xq_is_empty(const lx_xq *q);
/* Whether a and b are the same query (Xapian describes them alike). */
bool lx_xq_same(const lx_xq *a, const lx_xq *b);

/* Calls cb with each term of q that can match, in order: every term but
 * those on the right side of AND NOT and of a filter ("budget -lyon" gives
 * budget, not lyon). term is NUL-terminated and lives during the call; cb
 * returns non-zero to stop. LX_E_NOMEM when memory runs out. */
lx_status lx_xq_positive_terms(const lx_xq *q, int (*cb)(void *ctx, const char *term, size_t len),
                               void *ctx);

/* The words of text, split as the query parser splits words, as a phrase
 * of the terms prefix+WORD (one word: its term; none: match nothing). On
 * failure the message is on db (lx_db_error). */
lx_status lx_xq_phrase(lx_db *db, const char *prefix, const char *text, lx_xq **out);

/* Xapian's query parser. A field processor answers a field's value with a
 * query it builds (value is NUL-terminated); it returns NULL for a value it
 * refuses, or when memory runs out, and the query matches nothing there: it
 * keeps the reason itself (Xapian's parser leaks what it holds when a
 * processor throws, so processors never fail any other way). */
typedef struct lx_xq_parser lx_xq_parser;
typedef lx_xq *(*lx_xq_field_fn)(void *ctx, const char *value);

typedef enum lx_xq_stemming {
    LX_XQ_STEM_NONE, /* words as written */
    LX_XQ_STEM_SOME, /* stems, but for capitalized words and phrases */
    LX_XQ_STEM_ALL,  /* stems of every word */
} lx_xq_stemming;

/* What the parser reads in a query's text, besides words. */
enum {
    LX_XQ_PARSE_BOOLEAN = 1 << 0,   /* AND, OR, NOT, XOR and parentheses */
    LX_XQ_PARSE_PHRASE = 1 << 1,    /* "quoted phrases" */
    LX_XQ_PARSE_LOVEHATE = 1 << 2,  /* +word and -word */
    LX_XQ_PARSE_WILDCARD = 1 << 3,  /* word* (at most LX_MAX_WILDCARD_TERMS terms) */
    LX_XQ_PARSE_PURE_NOT = 1 << 4,  /* NOT word alone */
    LX_XQ_PARSE_CJK_NGRAM = 1 << 5, /* Chinese, Japanese and Korean text as n-grams */
};

/* A parser over db's terms, joining words by default_op; NULL when memory
 * runs out. Free with lx_xq_parser_free, before db. */
lx_xq_parser *lx_xq_parser_new(lx_db *db, lx_xq_op default_op);
void lx_xq_parser_free(lx_xq_parser *qp);
/* field:WORDS looks for the words under prefix; field "" names free words
 * (several calls: any of the prefixes). */
lx_status lx_xq_parser_add_prefix(lx_xq_parser *qp, const char *field, const char *prefix);
/* field:VALUE (VALUE up to white space) is answered by fn(ctx, VALUE), as
 * a filter that adds no weight. ctx must outlive the parser. */
lx_status lx_xq_parser_add_boolean(lx_xq_parser *qp, const char *field, lx_xq_field_fn fn,
                                   void *ctx);
/* Words are stemmed in language ("french", "english"), as how says. */
lx_status lx_xq_parser_set_stemmer(lx_xq_parser *qp, const char *language, lx_xq_stemming how);
/* Parses text (flags: LX_XQ_PARSE_*) into *out, which the caller frees. On
 * failure (LX_E_QUERY: text the parser refuses) the message is on the
 * parser's database (lx_db_error). */
lx_status lx_xq_parse(lx_xq_parser *qp, const char *text, unsigned flags, lx_xq **out);

/* Calls cb with each term that starts with prefix, in order, until cb
 * returns non-zero. A NULL term means the database changed under the walk:
 * forget the terms so far, they come again. */
lx_status lx_db_walk_terms(lx_db *db, const char *prefix,
                           int (*cb)(void *ctx, const char *term, size_t len), void *ctx);

/* Records msg as db's error (lx_db_error) and returns st: for a caller
 * whose own check refuses what it was asked, before or after the wrapper's
 * calls. */
lx_status lx_db_fail(lx_db *db, lx_status st, const char *msg);

/* --- running queries ----------------------------------------------------- */

/* Ties (same weight, same date) are broken by identity (SHA-256), so an
 * order never depends on document ids, which differ between shard layouts. */
typedef enum lx_sort {
    LX_SORT_RELEVANCE,
    LX_SORT_DATE,      /* oldest first */
    LX_SORT_DATE_DESC, /* newest first */
    /* Relevance when the query has free words that rank its matches (not
     * only under NOT), else date: a filter-only query (from:alice,
     * verified:yes, date:2017, --from) gives every match the same weight,
     * and its relevance order would be arbitrary. The search core
     * (search/search.h) chooses; lx_db_search reads it as relevance. */
    LX_SORT_DEFAULT,
} lx_sort;

/* How lx_db_search orders and pages the matches of a query. */
typedef struct lx_run_opts {
    lx_sort sort;
    size_t offset;
    size_t limit;         /* 0: no limit */
    bool count_only;      /* fill total only */
    bool collapse_thread; /* one hit per thread (its best); total counts threads */
    bool data_later;      /* hits without their data (a remote database's are read anyway) */
} lx_run_opts;

typedef struct lx_hit {
    lx_docid id;
    double weight;
    char *data; /* the document data, NUL-terminated; NULL when left for later (data_later) */
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

/* The matches of q, ordered and paged as o says. A writer may commit
 * meanwhile: the search then starts over on the newest revision. */
lx_status lx_db_search(lx_db *db, const lx_xq *q, const lx_run_opts *o, lx_results *out);

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

/* Calls cb once per document matching q (NULL: every document), with the
 * values of the given slots; cb returns non-zero to stop. A NULL row means
 * the database changed under the scan: forget every row so far, they come
 * again. For aggregates (senders, stats) and passes that must read every
 * match without loading document data. */
lx_status lx_db_scan(lx_db *db, const lx_xq *q, const int *slots, size_t n,
                     int (*cb)(void *ctx, const lx_scan_row *row), void *ctx);

/* Calls cb for the values of slot among the documents matching q (NULL:
 * every document), each with how many of them hold it: over remote
 * databases counted by a Xapian match spy on their servers, so that only
 * the distinct values cross the network (lx_db_scan fetches each document);
 * locally read by lx_db_scan, one call per document (count 1), which is
 * faster there. Where the databases may hold a message twice, a message is
 * counted once, as lx_db_scan collapses copies: slot's values must then
 * start with the message's SHA-256 in hex (a tally, common/tally.h), and of
 * copies whose values differ the one lx_db_scan keeps is counted. Documents
 * without the value are not counted; values come in no set order. cb
 * returns non-zero to stop. A NULL value means the database changed under
 * the count: forget every value so far, they come again. cb's value lives
 * until it returns. */
lx_status lx_db_value_counts(lx_db *db, const lx_xq *q, int slot,
                             int (*cb)(void *ctx, const char *value, size_t len, size_t count),
                             void *ctx);
void lx_results_release(lx_results *res);

#ifdef __cplusplus
}
#endif

#endif
