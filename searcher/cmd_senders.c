/* cmd_senders.c - senders, recipients and stats [QUERY]: the people of every match, or their summary. */
#include <stdio.h>

#include "front.h"
#include "printer.h"
#include "senders.h"
#include "banned.h"

/* Counts the people (or the summary, stats) of the query argv[0..argc) and
 * prints them. The count is timed, the printing is not. */
static int aggregate(const options *o, lx_db *db, int argc, char **argv, lx_people_kind kind,
                     bool stats)
{
    lx_people_sort sort = LX_PEOPLE_BY_COUNT;
    lx_print p;
    const lx_printer *pr = lx_print_init(&p, o->format, stdout, o->tz, false);
    if (stats && o->sort_name)
        return front_fail("--sort does not apply to stats");
    if (stats && !pr->stats)
        return front_fail("stats prints text or JSON");
    if (!stats && o->sort_name && !lx_people_sort_parse(o->sort_name, &sort))
        return front_fail("--sort: '%s' is not count, address, first or last", o->sort_name);
    lx_strbuf text, folded;
    front_join(&text, argc, argv);
    lx_strbuf_init(&folded);
    lx_query_opts q;
    int rc = front_query(o, text.buf, &folded, &q);
    lx_people people;
    lx_stats *summary = NULL;
    size_t n = 0, messages = 0;
    if (rc < 0) {
        front_clock_start(o, "");
        lx_status st = stats ? lx_stats_find(db, &q, &summary)
                             : lx_senders_find(db, &q, kind, sort, &people);
        front_clock_stop();
        n = st ? 0 : stats ? summary->messages : people.n;
        messages = st || stats ? 0 : people.row;
        size_t begin, end;
        lx_page(n, o->offset, o->limit, &begin, &end);
        if (!st)
            st = stats ? pr->stats(&p, summary) : pr->people(&p, &people, begin, end);
        rc = front_outcome(db, st, n);
        if (!stats)
            lx_people_release(&people);
        lx_stats_free(summary);
        lx_print_release(&p);
    }
    /* stats says "0 emails" itself. */
    if (rc == EXIT_NO_HITS && !stats && !messages)
        front_no_match(argc, argv);
    else if (rc == EXIT_NO_HITS && !stats)
        fprintf(stderr, "leakdex-search: no %s (the %zu message%s that match%s %s none)\n",
                kind == LX_PEOPLE_SENDERS ? "senders" : "recipients", messages,
                messages == 1 ? "" : "s", messages == 1 ? "es" : "",
                messages == 1 ? "has" : "have");
    lx_strbuf_release(&text);
    lx_strbuf_release(&folded);
    return rc;
}

int cmd_senders(const options *o, lx_db *db, int argc, char **argv)
{
    return aggregate(o, db, argc, argv, LX_PEOPLE_SENDERS, false);
}

int cmd_recipients(const options *o, lx_db *db, int argc, char **argv)
{
    return aggregate(o, db, argc, argv, LX_PEOPLE_RECIPIENTS, false);
}

int cmd_stats(const options *o, lx_db *db, int argc, char **argv)
{
    return aggregate(o, db, argc, argv, LX_PEOPLE_SENDERS, true);
}
