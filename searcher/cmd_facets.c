/* cmd_facets.c - facets [QUERY]: the exact counts of a filter column over every match (verdicts, months, domains, senders, attachments, file types, conflicts). */
#include <stdio.h>

#include "facets.h"
#include "front.h"
#include "printer.h"
#include "banned.h"

/* Counts the facets of the query argv[0..argc) and prints them (a total
 * of 0 when nothing matches). The counting is timed, the printing is not. */
int cmd_facets(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    if (o->sort_name)
        return front_fail(io, "--sort does not apply to facets");
    if (o->collapse)
        return front_fail(io, "--collapse does not apply to facets: they count messages");
    lx_print p;
    const lx_printer *pr = lx_print_init(&p, o->format, io->out, o->tz, false);
    front_words w;
    int rc = front_words_query(o, io, argc, argv, &w);
    if (rc < 0) {
        lx_facets f;
        front_clock_start(io, o, "");
        lx_status st = lx_facets_find(db, &w.q, &f);
        front_clock_stop(io);
        if (!st)
            st = pr->facets(&p, &f);
        rc = front_outcome(io, db, st, f.total);
        lx_facets_release(&f);
    }
    lx_print_release(&p);
    front_words_release(&w);
    return rc;
}
