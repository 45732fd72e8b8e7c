/* cmd_export.c - search --export FILE / --export-dir DIR: every hit written out, and what was written said. */
#include <stdio.h>

#include "cli.h"
#include "export.h"
#include "front.h"
#include "banned.h"

/* What the export's callbacks are given. */
typedef struct export_ctx {
    const options *o;
    front_io *io;
} export_ctx;

/* The query clock around the index's work of an export. */
static void export_clock(void *ctx, bool starts)
{
    export_ctx *x = ctx;
    if (starts)
        front_clock_start(x->io, x->o, "");
    else
        front_clock_stop(x->io);
}

static void export_restarting(void *ctx)
{
    export_ctx *x = ctx;
    front_say(x->io, FRONT_FINE,
              "the index changed during the export: writing it again from its newest revision");
}

int front_export(const options *o, lx_db *db, front_io *io, const lx_query_opts *q,
                 const char *typed)
{
    export_ctx x = {.o = o, .io = io};
    lx_atime_stats atimes;
    lx_atime_stats_init(&atimes);
    lx_export_request r = {.q = q,
                           .query = typed,
                           .dbs = o->dbs,
                           .n_dbs = o->n_db,
                           .file = o->export_file,
                           .bom = o->excel,
                           .dir = o->export_dir,
                           .atimes = &atimes,
                           .index_work = export_clock,
                           .restarting = export_restarting,
                           .ctx = &x};
    lx_export_result res;
    lx_export_result_init(&res);
    lx_status st = lx_export_run(db, &r, &res);
    int rc = res.total ? EXIT_HITS : EXIT_NO_HITS;
    switch (res.failed) {
    case LX_EXPORT_DONE: break;
    case LX_EXPORT_INDEX: rc = front_db_fail(io, db, st, ""); break;
    case LX_EXPORT_FILE:
        rc = front_fault_of(io, FRONT_INTERNAL, "--export: %s", res.why.buf);
        break;
    case LX_EXPORT_DIR:
        rc = front_fault_of(io, FRONT_INTERNAL, "--export-dir: %s", res.why.buf);
        break;
    case LX_EXPORT_OTHER: rc = front_fault_of(io, FRONT_INTERNAL, "%s", res.why.buf); break;
    }
    if (rc != EXIT_ERROR && o->export_file)
        lx_cli_say(io->out, "", "exported %zu hits to %s", res.total, o->export_file);
    if (rc != EXIT_ERROR && o->export_dir) {
        if (res.why.len)
            front_say(io, FRONT_FINE, "--export-dir: %s", res.why.buf);
        lx_cli_say(io->out, "", "copied %zu originals of %zu hits to %s", res.copied, res.total,
                   o->export_dir);
    }
    front_atimes(io, &atimes);
    lx_atime_stats_release(&atimes);
    lx_export_result_release(&res);
    return rc;
}
