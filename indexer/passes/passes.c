/* passes.c - the passes after a run's writes: threads, then chains; the report. */
#include "passes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "corroborate.h"
#include "pool.h"
#include "banned.h"

/* Where the last complete corroboration pass ended (the highest document
 * id it saw): the next pass compares only what came after, unless the
 * threshold changed. */
#define CHAINED_UPTO "leakdex.chained_upto"

bool lx_passes_chains(lx_run *run, const lx_thread_stats *moved)
{
    lx_corroborate_stats cs;
    double t0 = lx_run_now();
    char thr[16];
    snprintf(thr, sizeof thr, "%u", run->threshold);
    lx_corroborate_since since = {0, NULL, 0};
    char *upto = NULL, *was = NULL;
    if (moved && !run->all && !lx_db_get_metadata(run->db, CHAINED_UPTO, &upto) && upto &&
        !lx_db_get_metadata(run->db, "leakdex.corroborate_threshold", &was) && was &&
        strcmp(was, thr) == 0) {
        char *end;
        unsigned long v = strtoul(upto, &end, 10);
        if (*upto && !*end && v <= lx_db_last_docid(run->db)) {
            since.after = (lx_docid)v;
            since.moved = moved->moved;
            since.n_moved = moved->n_moved;
        }
    }
    free(upto);
    free(was);
    lx_docid last = lx_db_last_docid(run->db);
    /* The comparisons run in --jobs threads, each reading the committed
     * index through a handle of its own; without them, in this thread. */
    unsigned jobs = run->jobs ? run->jobs : lx_pool_default_workers();
    lx_db **readers = NULL;
    unsigned n_readers = 0;
    lx_status st = LX_OK;
    if (jobs > 1 && !(st = lx_run_commit(run)) &&
        (readers = calloc(jobs, sizeof *readers)) != NULL) {
        const char *path = run->all ? run->all_path : run->db_path;
        while (n_readers < jobs && !lx_db_open(path, LX_DB_READ, &readers[n_readers], NULL))
            n_readers++;
        if (n_readers < jobs) { /* cannot open them all: no threads */
            while (n_readers)
                lx_db_close(readers[--n_readers]);
        }
    }
    if (!st)
        st = lx_corroborate_pass(run->all ? run->all : run->db, run->db, readers, n_readers,
                                 run->threshold, &since, &cs);
    while (n_readers)
        lx_db_close(readers[--n_readers]);
    free(readers);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "chain corroboration: %s: %s", lx_status_str(st),
                   lx_db_error(run->db));
        return false;
    }
    char upto_now[24];
    snprintf(upto_now, sizeof upto_now, "%u", last);
    lx_db_set_metadata(run->db, "leakdex.corroborate_threshold", thr);
    lx_db_set_metadata(run->db, CHAINED_UPTO, upto_now);
    run->report.chained = true;
    run->report.chain = cs;
    run->report.chain_seconds = lx_run_now() - t0;
    return true;
}

bool lx_passes_run(lx_run *run)
{
    lx_thread_stats ts;
    memset(&ts, 0, sizeof ts);
    lx_status st = lx_run_commit(run);
    if (!st)
        st = lx_thread_pass(run->all ? run->all : run->db, run->db, &ts);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "threading: %s: %s", lx_status_str(st),
                   lx_db_error(run->db));
        free(ts.moved);
        return false;
    }
    run->report.threaded = true;
    run->report.thread = ts;
    run->report.thread.moved = NULL; /* freed below */
    run->report.thread.n_moved = 0;
    bool ok = lx_passes_chains(run, &ts);
    free(ts.moved);
    return ok;
}
