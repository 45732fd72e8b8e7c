/* cmd_stats.c - stats [QUERY]: the summary of every match (verdicts, years, top domains). */
#include <stdio.h>

#include "front.h"
#include "printer.h"
#include "senders.h"
#include "banned.h"

/* Counts the summary of the query argv[0..argc) and prints it ("0 emails"
 * when nothing matches). The count is timed, the printing is not. */
int cmd_stats(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    if (o->sort_name)
        return front_fail(io, "--sort does not apply to stats");
    lx_print p;
    const lx_printer *pr = lx_print_init(&p, o->format, io->out, o->tz, false);
    if (!pr->stats)
        return front_fail(io, "stats prints text or JSON");
    front_words w;
    int rc = front_words_query(o, io, argc, argv, &w);
    if (rc < 0) {
        lx_stats *summary = NULL;
        front_clock_start(io, o, "");
        lx_status st = lx_stats_find(db, &w.q, &summary);
        front_clock_stop(io);
        if (!st)
            st = pr->stats(&p, summary);
        rc = front_outcome(io, db, st, summary ? summary->messages : 0);
        lx_stats_free(summary);
    }
    lx_print_release(&p);
    front_words_release(&w);
    return rc;
}
