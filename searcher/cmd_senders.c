/* cmd_senders.c - senders and recipients [QUERY]: the people of every match, with their counts. */
#include <stdio.h>

#include "front.h"
#include "printer.h"
#include "senders.h"
#include "banned.h"

/* Counts the people of kind of the query argv[0..argc) and prints them.
 * The count is timed, the printing is not. */
static int people_run(const options *o, lx_db *db, front_io *io, int argc, char **argv,
                      lx_people_kind kind)
{
    lx_people_sort sort = LX_PEOPLE_BY_COUNT;
    if (o->sort_name && !lx_people_sort_parse(o->sort_name, &sort))
        return front_fail(io, "--sort: '%s' is not count, address, first or last", o->sort_name);
    front_words w;
    int rc = front_words_query(o, io, argc, argv, &w);
    if (rc < 0) {
        lx_people people;
        front_clock_start(io, o, "");
        lx_status st = lx_senders_find(db, &w.q, kind, sort, &people);
        front_clock_stop(io);
        /* Every count is over all the people; the page only chooses the
         * rows printed. */
        size_t begin, end, messages = people.row;
        lx_page(people.n, o->offset, o->limit, &begin, &end);
        lx_print p;
        const lx_printer *pr = lx_print_init(&p, o->format, io->out, o->tz, false);
        if (!st)
            st = pr->people(&p, &people, begin, end);
        rc = front_outcome(io, db, st, people.n);
        if (rc == EXIT_NO_HITS && !messages && io->no_match)
            io->no_match(argc, argv);
        else if (rc == EXIT_NO_HITS)
            front_say(io, FRONT_FINE, "no %s (the %zu message%s that match%s %s none)",
                      kind == LX_PEOPLE_SENDERS ? "senders" : "recipients", messages,
                      messages == 1 ? "" : "s", messages == 1 ? "es" : "",
                      messages == 1 ? "has" : "have");
        lx_people_release(&people);
        lx_print_release(&p);
    }
    front_words_release(&w);
    return rc;
}

int cmd_senders(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    return people_run(o, db, io, argc, argv, LX_PEOPLE_SENDERS);
}

int cmd_recipients(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    return people_run(o, db, io, argc, argv, LX_PEOPLE_RECIPIENTS);
}
