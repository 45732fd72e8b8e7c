/* cmd_search.c - search [QUERY]: the hits of a query (a page of them), its count, or its export. */
#include <stdio.h>

#include "front.h"
#include "hits.h"
#include "printer.h"
#include "threads.h"
#include "banned.h"

/* Hits read before any of them is printed: a damaged index stops a page
 * (up to this many hits) before its first line, and a long list takes the
 * memory of this many records. */
#define PRINT_BATCH 256

/* Prints hits [begin, end) of a list of total: recs' when given (a
 * thread's, read whole), else found's, read (snippets included) a batch at
 * a time and released after it is printed. *read_failed tells a failure to
 * read the index from one to print. */
static lx_status print_hits(const options *o, front_io *io, lx_db *db, const lx_found *found,
                            const lx_record *recs, size_t begin, size_t end, bool *read_failed)
{
    lx_print p;
    /* Matches in bold only where a terminal shows them. */
    const lx_printer *pr = lx_print_init(&p, o->format, io->out, o->tz, io->bold);
    lx_status st = LX_OK;
    lx_record batch[PRINT_BATCH];
    *read_failed = false;
    /* The list's head is printed once the first batch is read (the loop
     * runs once for an empty page, for the head alone). */
    for (size_t at = begin; !st && (at < end || at == begin);) {
        size_t left = at < end ? end - at : 0, made = 0;
        size_t n = left < PRINT_BATCH ? left : PRINT_BATCH;
        if (!recs) {
            for (; made < n && !st; made++)
                st = lx_hits_record(db, found, at + made, &batch[made]);
            *read_failed = st != LX_OK;
        }
        if (!st && at == begin)
            st = pr->hits_begin(&p, found->res.total, o->offset);
        for (size_t k = 0; k < n && !st; k++)
            st = pr->hit(&p, recs ? &recs[at + k] : &batch[k]);
        for (size_t k = 0; k < made; k++)
            lx_record_release(&batch[k]);
        at += n ? n : 1;
    }
    if (!st)
        st = pr->hits_end(&p);
    lx_print_release(&p);
    return st;
}

int front_search(const options *o, lx_db *db, front_io *io, const char *text, bool tree, int n,
                 char **words)
{
    lx_sort sort;
    if (!front_sort(o, &sort))
        return front_fail(io, "--sort: '%s' is not relevance, date or -date", o->sort_name);
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    lx_query_opts q;
    int rc = front_query(o, io, text, &folded, &q);
    q.sort = sort;
    if (rc < 0 && (o->export_file || o->export_dir))
        rc = front_export(o, db, io, &q, text);
    if (rc >= 0) {
        lx_strbuf_release(&folded);
        return rc;
    }
    /* A thread's reply is indented under its parent even when the parent
     * is not on the page: the whole thread is read, the page cut below. */
    if (tree)
        q.offset = q.limit = 0;
    lx_found found;
    front_clock_start(io, o, "");
    lx_status st = lx_hits_search(db, &q, !tree, &found);
    front_clock_stop(io);
    lx_strbuf_release(&folded);
    rc = front_outcome(io, db, st, st ? 0 : found.res.total);
    if (!st && o->count) {
        fprintf(io->out, "%zu\n", found.res.total);
    } else if (!st) {
        lx_record *recs = NULL;
        size_t n_hits = found.res.n, begin = 0, end = n_hits;
        /* A thread's depths need all its records; a search's come one by one. */
        if (tree)
            st = lx_hits_records(db, &found, 0, n_hits, &recs);
        if (!st && tree)
            st = lx_threads_depths(recs, n_hits);
        /* A search's hits are the page already; a thread's are cut here. */
        if (tree)
            lx_page(n_hits, o->offset, o->limit, &begin, &end);
        bool read_failed = tree && st;
        if (!st)
            st = print_hits(o, io, db, &found, recs, begin, end, &read_failed);
        lx_hits_records_free(recs, recs ? n_hits : 0);
        if (st && read_failed)
            rc = front_db_fail(io, db, st, "");
        else if (st)
            rc = front_fault_of(io, FRONT_INTERNAL, "cannot print results: %s", lx_status_str(st));
        else if (rc == EXIT_NO_HITS && io->no_match)
            io->no_match(n, words);
    }
    lx_found_release(&found);
    return rc;
}

int cmd_search(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    lx_strbuf q;
    front_join(&q, argc, argv);
    int rc = front_search(o, db, io, q.buf, false, argc, argv);
    lx_strbuf_release(&q);
    return rc;
}
