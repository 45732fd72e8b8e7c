/* run.h - one run of leakdex-index: its state, warnings, progress line, commits. */
#ifndef LX_RUN_H
#define LX_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evidence.h"
#include "keystore.h"
#include "report.h"
#include "shard.h"
#include "xdb.h"

struct lx_attachtext_ctx;
struct lx_pool;
struct lx_pipeline_worker;
struct lx_pipeline_job;
struct lx_source_file;
struct lx_segrun;

/* Exit codes, as documented in the README. */
enum { LX_EXIT_OK = 0, LX_EXIT_DB = 1, LX_EXIT_USAGE = 2, LX_EXIT_SOURCE = 3 };

/* One run: the settings main.c read from the options, the index, the
 * report, the pipeline (pipeline.c) and the progress line. */
typedef struct lx_run {
    lx_db *db;
    lx_db *all; /* what the thread and chain passes read: db, or every shard (--link-with) */
    const char *db_path, *all_path; /* where db and all were opened */
    lx_report report;
    bool quiet;
    bool inspect;      /* --inspect: print what was parsed, write no index */
    bool full;         /* --full: the whole body in --inspect output */
    bool no_dkim;      /* --no-dkim: skip verification (benchmarks) */
    lx_keystore *keys; /* --keys files (and --dns answers); main.c owns it */
    size_t since_commit;
    size_t commit_every; /* --commit-every: documents per commit */
    lx_status fatal;     /* a database error that ends the run: what follows is counted */
    /* The sources of the documents written since the last commit, one
     * entry each: if the run stops before the next commit, they are not in
     * the index, and the report says so. */
    size_t *uncommitted;
    size_t n_uncommitted, alloc_uncommitted;
    bool sharded; /* --shard I/N: only the messages of that shard */
    lx_shard shard;
    unsigned threshold;               /* --corroborate-threshold, percent */
    struct lx_attachtext_ctx *attach; /* attachment limits, libmagic, texts already extracted */
    /* The pipeline (pipeline.c). */
    unsigned jobs; /* --jobs: 1 = no worker threads */
    struct lx_pool *pool;
    struct lx_pipeline_worker **workers; /* n_workers threads' contexts, then the main thread's */
    unsigned n_workers;
    struct lx_pipeline_worker *main_worker; /* for work done in the main thread */
    struct lx_pipeline_job **inflight;      /* submitted, not yet retired, oldest first */
    size_t n_inflight, window;
    size_t inflight_bytes;
    struct _GHashTable *att_seen; /* SHA-256 of every attachment file written this run */
    struct lx_segrun *segrun;     /* several writers into segments (segrun.c), or NULL */
    unsigned long long bytes_new; /* canonical bytes of the messages this run indexed */
    lx_atime_stats atimes;        /* what reading the sources did to their access times */
    /* Progress, on a terminal. */
    bool show_progress, drawn;
    double t0, last_draw;
    size_t done_files, total_files, done_messages;
    uint64_t done_bytes, total_bytes;
} lx_run;

/* Seconds on the monotonic clock. */
double lx_run_now(void);

/* Prints "leakdex-index: PATH: REASON" on stderr (unless --quiet), both
 * escaped for a terminal: they quote the archive. */
void lx_run_warn(lx_run *r, const char *path, const char *reason);

/* The progress line on stderr, a terminal: files done of the total
 * counted first, messages and bytes per second, and the time left; at
 * most four times a second unless force. */
void lx_run_progress(lx_run *r, bool force);

/* Clears the progress line, if one is shown, before other output. */
void lx_run_clear_progress(lx_run *r);

/* Commits the index: the documents written so far are in it for good. */
lx_status lx_run_commit(lx_run *r);

/* Commits every --commit-every documents (never with --inspect). */
lx_status lx_run_commit_batch(lx_run *r);

/* Counts one message found that the run, stopping, did not index (f: its
 * file, NULL when it does not matter any more). */
void lx_run_not_indexed(lx_run *r, size_t src, struct lx_source_file *f);

/* The run stops: the documents written since the last commit are not in
 * the index; counted as not indexed rather than indexed. */
void lx_run_uncommitted_lost(lx_run *r);

#endif
