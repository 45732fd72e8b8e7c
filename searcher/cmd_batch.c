/* cmd_batch.c - batch FILE: one query per line, a table of hits and verified hits (--export: every hit). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "front.h"
#include "hits.h"
#include "printer.h"
#include "query.h"
#include "banned.h"

/* A batch under way. */
typedef struct batch {
    const options *o;
    lx_db *db;
    front_io *io;
    const char *file; /* the queries' file, for messages */
    lx_sort sort;
    lx_export_batch ex; /* --export */
    bool exporting;
    const lx_printer *pr;
    lx_print p;
    size_t any;       /* hits of every query */
    size_t malformed; /* lines that did not run */
} batch;

/* The query of a line of the file (lineno from 1), NULL for a line to skip
 * (blank, or a '#' comment); a UTF-8 byte-order mark at the start of the
 * file, as Excel's "CSV UTF-8" writes, is removed. */
static const char *line_query(char *line, ssize_t got, size_t lineno)
{
    while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
        line[--got] = '\0';
    const char *q = line;
    if (lineno == 1 && strncmp(q, "\xEF\xBB\xBF", 3) == 0)
        q += 3;
    q += strspn(q, " \t");
    return *q && *q != '#' ? q : NULL;
}

/* Runs the query of one line: its row of the table and, exporting, its
 * hits. Returns EXIT_ERROR when the batch must stop (the index failed),
 * else -1; a malformed line is reported and counted. */
static int run_line(batch *b, const char *qtext, size_t lineno)
{
    lx_strbuf folded, why, where;
    lx_strbuf_init(&folded);
    lx_strbuf_init(&why);
    lx_strbuf_init(&where);
    lx_status st;
    int rc = -1;
    if ((st = lx_query_check(qtext, &why)) || (st = lx_query_fold(qtext, &folded, &why))) {
        front_say(b->io, FRONT_BAD_REQUEST, "%s:%zu: %s%s", b->file, lineno,
                  st == LX_E_LIMIT ? "" : "malformed query: ", why.buf);
        b->malformed++;
        goto out;
    }
    lx_query_opts q;
    front_query(b->o, b->io, NULL, &folded, &q); /* the options' filters */
    q.text = folded.buf;
    q.offset = q.limit = 0;
    q.count_only = !b->exporting;
    q.sort = b->sort;
    lx_query_opts qv = q;
    qv.verified_only = true;
    qv.count_only = true;
    lx_found res, ver = {0};
    lx_strbuf_addf(&where, "%s:%zu: ", b->file, lineno);
    front_clock_start(b->io, b->o, where.buf);
    st = lx_hits_search(b->db, &q, b->exporting, &res);
    if (!st)
        st = lx_hits_search(b->db, &qv, false, &ver);
    front_clock_stop(b->io);
    if (st == LX_E_QUERY || st == LX_E_LIMIT) {
        /* Xapian's parser refused what the checks let through, or a
         * wildcard stands for too many words: this line only. */
        front_say(b->io, FRONT_BAD_REQUEST, "%s%s%s", where.buf,
                  st == LX_E_QUERY ? "malformed query: " : "", lx_db_error(b->db));
        b->malformed++;
    } else if (st) {
        rc = front_db_fail(b->io, b->db, st, where.buf);
    } else {
        b->any += res.res.total;
        b->pr->batch_row(&b->p, qtext, res.res.total, ver.res.total);
        if (b->exporting && (st = lx_export_batch_add(&b->ex, b->db, &res, qtext)))
            rc = front_fault_of(b->io, FRONT_INTERNAL, "%s:%zu: cannot export the hits: %s",
                                b->file, lineno, lx_status_str(st));
    }
    lx_found_release(&res);
    lx_found_release(&ver);
out:
    lx_strbuf_release(&folded);
    lx_strbuf_release(&why);
    lx_strbuf_release(&where);
    return rc;
}

/* Opens the export of every hit, when --export asks for one. */
static int batch_open(batch *b)
{
    lx_strbuf why;
    lx_strbuf_init(&why);
    int rc = -1;
    if (b->o->export_file && lx_export_batch_open(&b->ex, b->o->export_file, b->o->excel, &why))
        rc = front_fail(b->io, "--export: %s", why.buf);
    else if (b->o->export_file) {
        b->exporting = true;
        front_clock_unlink(b->io, b->ex.file.tmp.buf); /* a query stopped by the clock removes it */
    }
    lx_strbuf_release(&why);
    return rc;
}

/* Gives the export its name, or removes it after an error (rc). */
static int batch_close(batch *b, int rc)
{
    front_clock_unlink(b->io, NULL);
    if (!b->exporting)
        return rc;
    lx_strbuf why;
    lx_strbuf_init(&why);
    if (lx_export_batch_close(&b->ex, rc != EXIT_ERROR, &why) && rc != EXIT_ERROR)
        rc = front_fail(b->io, "--export: %s", why.buf);
    lx_strbuf_release(&why);
    return rc;
}

/* A malformed line is reported with its number and skipped, the others
 * run: the status is then EXIT_ERROR, after the whole table. */
int cmd_batch(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    if (argc != 1)
        return front_fail(io, "batch takes one file of queries, one per line");
    if (o->export_dir)
        return front_fail(io, "batch: --export-dir is for a single search");
    batch b = {.o = o, .db = db, .io = io, .file = argv[0]};
    if (!front_sort(o, &b.sort))
        return front_fail(io, "--sort: '%s' is not relevance, date or -date", o->sort_name);
    lx_format ef;
    if (o->export_file && (!lx_export_format(o->export_file, &ef) || ef == LX_FMT_JSON))
        return front_fail(io, "batch --export: name the file .csv or .ndjson");
    FILE *in = fopen(argv[0], "re");
    if (!in)
        return front_fail(io, "%s: %s", argv[0], strerror(errno));
    int rc = batch_open(&b);
    if (rc >= 0) {
        fclose(in);
        return rc;
    }
    b.pr = lx_print_init(&b.p, o->format, io->out, o->tz, false);
    b.pr->batch_begin(&b.p);
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    rc = EXIT_NO_HITS;
    while (rc != EXIT_ERROR && (got = getline(&line, &cap, in)) >= 0) {
        const char *qtext = line_query(line, got, ++lineno);
        if (qtext && run_line(&b, qtext, lineno) == EXIT_ERROR)
            rc = EXIT_ERROR;
        if (rc == EXIT_NO_HITS && b.any)
            rc = EXIT_HITS;
    }
    free(line);
    fclose(in);
    rc = batch_close(&b, rc);
    lx_print_release(&b.p);
    /* The lines that ran are all there (table and export); the status says
     * that some did not. */
    return b.malformed ? EXIT_ERROR : rc;
}
