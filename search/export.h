/* export.h - every hit of a search written to files, its originals copied out, and batch exports. */
#ifndef LX_EXPORT_H
#define LX_EXPORT_H

#include <stdbool.h>

#include "evidence.h"
#include "hitlist.h"
#include "hits.h"
#include "newfile.h"
#include "search.h"
#include "snippet.h"

/* The format an export file's name asks for: .csv, .json, .ndjson (or
 * .jsonl); false for any other name. */
bool lx_export_format(const char *path, lx_format *out);

/* Whether path names a CSV export (.csv, any case). */
bool lx_export_is_csv(const char *path);

/* What an export is asked for. */
typedef struct lx_export_request {
    const lx_query_opts *q;      /* the search: every hit (offset, limit, count ignored) */
    const char *query;           /* the query as typed, for the description; may be NULL */
    const char *const *dbs;      /* the databases as named, for the description */
    size_t n_dbs;
    const char *file;            /* FILE.csv, .json or .ndjson to write; NULL: none */
    bool bom;                    /* a UTF-8 byte-order mark before CSV, for Excel */
    const char *dir;             /* a directory to copy the originals into; NULL: none */
    lx_atime_stats *atimes;      /* what reading the originals did to their times (may be NULL) */
    /* Told when the index's own work (the search) starts and ends, that a
     * front may time it; and when the export starts over because the
     * index changed. Each may be NULL. */
    void (*index_work)(void *ctx, bool starts);
    void (*restarting)(void *ctx);
    void *ctx;
} lx_export_request;

/* Where an export failed. */
typedef enum lx_export_part {
    LX_EXPORT_DONE,    /* nothing failed */
    LX_EXPORT_INDEX,   /* the search: the status and lx_db_error say */
    LX_EXPORT_FILE,    /* the export file (why) */
    LX_EXPORT_DIR,     /* the export directory (why) */
    LX_EXPORT_OTHER,   /* anything else (why) */
} lx_export_part;

typedef struct lx_export_result {
    size_t total;        /* hits exported */
    size_t copied;       /* originals copied */
    lx_export_part failed;
    lx_strbuf why;       /* failed: why; else a note on originals not copied (or empty) */
} lx_export_result;

void lx_export_result_init(lx_export_result *r);
void lx_export_result_release(lx_export_result *r);

/*
 * Exports every hit of r->q, each with the snippet a hit list shows: to
 * r->file (FILE.meta.json beside a CSV or NDJSON file describes it; a JSON
 * file holds its description) and the originals into r->dir, with
 * manifest.csv, SHA256SUMS and export.meta.json. The description and the
 * hits come from one revision of the index: an indexer's commit that moves
 * the handle to a newer one meanwhile (lx_db_reopens), or a read that
 * kept meeting new revisions past its retries, starts the export over, at
 * most LX_EXPORT_RESTARTS times. No file is ever overwritten nor
 * written through a link; on failure nothing is left. Returns the status;
 * out says what was done or where it failed.
 */
lx_status lx_export_run(lx_db *db, const lx_export_request *r, lx_export_result *out);

/* A batch's export: every hit of each query, with the query that found it
 * (a last column or key), in one new CSV or NDJSON file. */
typedef struct lx_export_batch {
    lx_newfile file;
    lx_format format;
    const char *path;
    lx_strbuf line;
} lx_export_batch;

/* Starts one at path (.csv or .ndjson; LX_E_INVALID otherwise), with a
 * byte-order mark before CSV when bom. On failure why says why and nothing
 * is left. The file is written under a temporary name until the end:
 * b->file.tmp. */
lx_status lx_export_batch_open(lx_export_batch *b, const char *path, bool bom, lx_strbuf *why);

/* Writes every hit of found, with the query query. */
lx_status lx_export_batch_add(lx_export_batch *b, lx_db *db, const lx_found *found,
                              const char *query);

/* Gives the file its name (keep) or removes it; why says why it failed. */
lx_status lx_export_batch_close(lx_export_batch *b, bool keep, lx_strbuf *why);

#endif
