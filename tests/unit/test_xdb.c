/* test_xdb.c - the Xapian wrapper: documents, building and running queries,
 * and every error path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "schema.h"
#include "xdb.h"
#include "testdir.h"

static char dir[] = "/tmp/leakdex-test-xdb-XXXXXX";

static const char *path_in(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static void add_message(lx_db *db, const char *sha, const char *subject, double date,
                        const char *from)
{
    lx_doc *doc = lx_doc_new();
    assert_non_null(doc);
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_SHA256), sha), LX_OK);
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_FROM_ADDR), from), LX_OK);
    assert_int_equal(lx_doc_index_text(doc, "", subject, strlen(subject)), LX_OK);
    assert_int_equal(
        lx_doc_index_text(doc, lx_schema_prefix(LX_F_SUBJECT), subject, strlen(subject)), LX_OK);
    assert_int_equal(lx_doc_set_number(doc, lx_schema_slot(LX_F_DATE), date), LX_OK);
    assert_int_equal(lx_doc_set_data(doc, sha, strlen(sha)), LX_OK);
    assert_int_equal(lx_db_add_doc(db, doc, NULL), LX_OK);
    lx_doc_free(doc);
}

static void test_missing_database(void **state)
{
    lx_db *db = (lx_db *)1;
    char *err = NULL;
    assert_int_equal(lx_db_open(path_in("nothing-here"), LX_DB_READ, &db, &err), LX_E_DB_OPEN);
    assert_null(db);
    assert_non_null(err);
    assert_non_null(strstr(err, "nothing-here"));
    free(err);
}

static void test_not_a_database(void **state)
{
    const char *p = path_in("plain-dir");
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && echo hello > '%s/file'", p, p);
    assert_int_equal(system(cmd), 0);
    lx_db *db = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(p, LX_DB_READ, &db, &err), LX_E_DB_OPEN);
    assert_non_null(err);
    assert_non_null(strstr(err, "is not a leakdex index (a directory of other files, no Xapian "
                                "database in it); check --db"));
    free(err);

    /* An empty directory: say so, and how to build an index there. */
    const char *e = path_in("empty-dir");
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", e);
    assert_int_equal(system(cmd), 0);
    err = NULL;
    assert_int_equal(lx_db_open(e, LX_DB_READ, &db, &err), LX_E_DB_OPEN);
    assert_null(db);
    assert_non_null(err);
    assert_non_null(strstr(err, "is not a leakdex index (empty directory); build one with: "
                                "leakdex-index --db "));
    free(err);
}

/* The terms a callback is given, joined by spaces. */
static int collect_term(void *ctx, const char *term, size_t len)
{
    char *out = ctx;
    size_t used = strlen(out);
    assert_int_equal(strlen(term), len);
    snprintf(out + used, 256 - used, "%s%s", used ? " " : "", term);
    return strlen(out) > 200;
}

/* A field processor that answers "press" alone (as a subject word), and
 * counts its calls. */
static lx_xq *press_only(void *ctx, const char *value)
{
    int *calls = ctx;
    (*calls)++;
    return strcmp(value, "press") == 0 ? lx_xq_boolean(lx_schema_prefix(LX_F_SUBJECT), value)
                                       : NULL;
}

static size_t parsed_total(lx_db *r, lx_xq_parser *qp, const char *text)
{
    lx_xq *q = NULL;
    lx_results res;
    lx_run_opts run = {.count_only = true};
    if (lx_xq_parse(qp, text, LX_XQ_PARSE_BOOLEAN | LX_XQ_PARSE_LOVEHATE, &q) != LX_OK)
        fail_msg("'%s': %s", text, lx_db_error(r));
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_OK);
    lx_xq_free(q);
    size_t total = res.total;
    lx_results_release(&res);
    return total;
}

/* The parser with a text field, a processor, English stems; the terms a
 * built query can match by; the walk over an index's terms. */
static void test_parser(lx_db *r)
{
    int calls = 0;
    lx_xq_parser *qp = lx_xq_parser_new(r, LX_XQ_AND);
    assert_non_null(qp);
    assert_int_equal(lx_xq_parser_add_prefix(qp, "subject", lx_schema_prefix(LX_F_SUBJECT)), LX_OK);
    assert_int_equal(lx_xq_parser_add_boolean(qp, "topic", press_only, &calls), LX_OK);
    assert_int_equal(lx_xq_parser_set_stemmer(qp, "english", LX_XQ_STEM_SOME), LX_OK);
    assert_int_equal(parsed_total(r, qp, "subject:meetings"), 1);
    assert_int_equal(parsed_total(r, qp, "subject:Meetings"), 0);
    assert_int_equal(parsed_total(r, qp, "topic:press"), 1);
    assert_int_equal(parsed_total(r, qp, "topic:other"), 0);
    assert_int_equal(calls, 2);
    assert_int_equal(parsed_total(r, qp, "subject:budget OR subject:press"), 2);
    assert_int_equal(parsed_total(r, qp, "subject:request -topic:press"), 0);

    char terms[256] = "";
    lx_xq *q = NULL;
    assert_int_equal(lx_xq_parse(qp, "subject:budget -subject:lyon", LX_XQ_PARSE_LOVEHATE, &q),
                     LX_OK);
    assert_int_equal(lx_xq_positive_terms(q, collect_term, terms), LX_OK);
    assert_string_equal(terms, "ZXSbudget");
    lx_xq *same = NULL;
    assert_int_equal(lx_xq_parse(qp, "subject:budget -subject:lyon", LX_XQ_PARSE_LOVEHATE, &same),
                     LX_OK);
    assert_true(lx_xq_same(q, same));
    lx_xq_free(same);
    q = lx_xq_join(LX_XQ_FILTER, lx_xq_join(LX_XQ_OR, q, lx_xq_term("a")), lx_xq_term("b"));
    terms[0] = '\0';
    assert_int_equal(lx_xq_positive_terms(q, collect_term, terms), LX_OK);
    assert_string_equal(terms, "ZXSbudget a");
    lx_xq_free(q);
    lx_xq_parser_free(qp);
    /* A NULL piece makes the whole NULL, the other freed. */
    assert_null(lx_xq_join(LX_XQ_AND, lx_xq_term("a"), NULL));

    terms[0] = '\0';
    assert_int_equal(lx_db_walk_terms(r, lx_schema_prefix(LX_F_SUBJECT), collect_term, terms),
                     LX_OK);
    assert_string_equal(terms, "XSbudget XSin XSlyon XSmeeting XSpress XSrequest");
}

static void test_write_search_and_lock(void **state)
{
    const char *p = path_in("db");
    lx_db *w = NULL, *w2 = NULL, *r = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, &err), LX_OK);
    add_message(w, "aaaa", "budget meeting in Lyon", 1493069400, "alice@example.org");
    add_message(w, "bbbb", "press request", 1262304000, "bob@example.org");
    assert_int_equal(lx_db_commit(w), LX_OK);

    /* A second writer is refused with the lock status and a message. */
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w2, &err), LX_E_DB_LOCKED);
    assert_null(w2);
    assert_non_null(err);
    free(err);
    err = NULL;

    assert_int_equal(lx_db_open(p, LX_DB_READ, &r, &err), LX_OK);
    assert_int_equal(lx_db_doccount(r), 2);

    /* A term; every document, oldest first; a filter, counted only. */
    lx_results res;
    lx_run_opts run = {0};
    lx_xq *q = lx_xq_boolean(lx_schema_prefix(LX_F_SUBJECT), "budget");
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_OK);
    assert_int_equal(res.total, 1);
    assert_int_equal(res.n, 1);
    assert_string_equal(res.hits[0].data, "aaaa");
    lx_results_release(&res);
    lx_xq_free(q);

    q = lx_xq_match_all();
    run.sort = LX_SORT_DATE;
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_OK);
    assert_int_equal(res.total, 2);
    assert_int_equal(res.sort, LX_SORT_DATE);
    assert_string_equal(res.hits[0].data, "bbbb");
    assert_string_equal(res.hits[1].data, "aaaa");
    lx_results_release(&res);
    lx_xq_free(q);

    q = lx_xq_join(LX_XQ_FILTER, lx_xq_match_all(),
                   lx_xq_boolean(lx_schema_prefix(LX_F_FROM_ADDR), "alice@example.org"));
    run.count_only = true;
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_OK);
    assert_int_equal(res.total, 1);
    assert_int_equal(res.n, 0);
    lx_results_release(&res);
    lx_xq_free(q);

    /* Dates from 2012 on; a phrase, in its order only. */
    run = (lx_run_opts){0};
    q = lx_xq_number_range(lx_schema_slot(LX_F_DATE), true, 1325376000, false, 0);
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_OK);
    assert_int_equal(res.total, 1);
    assert_string_equal(res.hits[0].data, "aaaa");
    lx_results_release(&res);
    lx_xq_free(q);
    assert_int_equal(lx_xq_phrase(r, lx_schema_prefix(LX_F_SUBJECT), "Meeting in", &q), LX_OK);
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_OK);
    assert_int_equal(res.total, 1);
    lx_results_release(&res);
    lx_xq_free(q);
    assert_int_equal(lx_xq_phrase(r, lx_schema_prefix(LX_F_SUBJECT), "in meeting", &q), LX_OK);
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_OK);
    assert_int_equal(res.total, 0);
    lx_results_release(&res);
    lx_xq_free(q);
    assert_int_equal(lx_xq_phrase(r, lx_schema_prefix(LX_F_SUBJECT), " \"", &q), LX_OK);
    assert_true(lx_xq_is_empty(q));
    lx_xq_free(q);

    test_parser(r);

    /* A refusal of the caller's own is kept as the handle's message. */
    assert_int_equal(lx_db_fail(r, LX_E_QUERY, "no such thing"), LX_E_QUERY);
    assert_string_equal(lx_db_error(r), "no such thing");

    /* A read-only handle refuses writes instead of throwing. */
    assert_int_equal(lx_db_set_data(r, 1, "x", 1), LX_E_INVALID);
    /* A missing document is a status, not an exception. */
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(lx_db_get_data(r, 999, &data, &len), LX_E_NOT_FOUND);
    assert_null(data);

    assert_int_equal(lx_db_close(r), LX_OK);
    assert_int_equal(lx_db_close(w), LX_OK);
}

/* One row per match in docid order, each slot's value or an empty one when
 * the document has none (values read as streams, skipping documents). */
typedef struct scan_seen {
    size_t n;
    lx_docid ids[8];
    char vals[8][3][32];
    bool nan_date[8];
} scan_seen;

static int on_scan_row(void *ctx, const lx_scan_row *row)
{
    scan_seen *s = ctx;
    if (!row) {
        s->n = 0;
        return 0;
    }
    assert_true(s->n < 8);
    s->ids[s->n] = row->id;
    for (int i = 0; i < 3; i++) {
        assert_true(row->lens[i] < sizeof s->vals[0][0]);
        assert_int_equal(strlen(row->vals[i]), row->lens[i]);
        memcpy(s->vals[s->n][i], row->vals[i], row->lens[i] + 1);
    }
    s->nan_date[s->n] = row->nums[0] != row->nums[0];
    s->n++;
    return 0;
}

static void test_scan_values(void **state)
{
    const char *p = path_in("scan");
    lx_db *w = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, &err), LX_OK);
    /* Documents 1..6; the subject "budget" on 1, 2, 4 and 6; a sender
     * value on 2 and 6 only, a date on all but 4. */
    const char *subjects[] = {"budget", "budget", "press", "budget", "press", "budget"};
    for (int i = 0; i < 6; i++) {
        char sha[8];
        snprintf(sha, sizeof sha, "s%d", i + 1);
        lx_doc *doc = lx_doc_new();
        assert_non_null(doc);
        assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_SHA256), sha), LX_OK);
        assert_int_equal(lx_doc_index_text(doc, lx_schema_prefix(LX_F_SUBJECT), subjects[i],
                                           strlen(subjects[i])),
                         LX_OK);
        if (i != 3)
            assert_int_equal(lx_doc_set_number(doc, lx_schema_slot(LX_F_DATE), 1000.0 * (i + 1)),
                             LX_OK);
        if (i == 1 || i == 5) {
            const char *who = i == 1 ? "bob@example.org\tBob" : "eve@example.org\tEve";
            assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(LX_F_SENDER), who, strlen(who)),
                             LX_OK);
        }
        assert_int_equal(lx_db_add_doc(w, doc, NULL), LX_OK);
        lx_doc_free(doc);
    }
    assert_int_equal(lx_db_commit(w), LX_OK);

    const int slots[] = {lx_schema_slot(LX_F_DATE), lx_schema_slot(LX_F_SENDER),
                         lx_schema_slot(LX_F_SENDER)};
    lx_xq *q = lx_xq_boolean(lx_schema_prefix(LX_F_SUBJECT), "budget");
    scan_seen s = {0};
    assert_int_equal(lx_db_scan(w, q, slots, 3, on_scan_row, &s), LX_OK);
    lx_xq_free(q);
    assert_int_equal(s.n, 4);
    const lx_docid want_ids[] = {1, 2, 4, 6};
    const char *want_sender[] = {"", "bob@example.org\tBob", "", "eve@example.org\tEve"};
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(s.ids[k], want_ids[k]);
        assert_string_equal(s.vals[k][1], want_sender[k]);
        assert_string_equal(s.vals[k][2], want_sender[k]);
        assert_int_equal(s.nan_date[k], want_ids[k] == 4);
        assert_int_equal(s.vals[k][0][0] == '\0', want_ids[k] == 4);
    }

    /* Every document, the values unchanged by the skipping above. */
    memset(&s, 0, sizeof s);
    assert_int_equal(lx_db_scan(w, NULL, slots, 3, on_scan_row, &s), LX_OK);
    assert_int_equal(s.n, 6);
    for (size_t k = 0; k < 6; k++) {
        assert_int_equal(s.ids[k], k + 1);
        assert_int_equal(s.nan_date[k], k == 3);
    }
    assert_string_equal(s.vals[5][1], "eve@example.org\tEve");

    /* No match: no row. */
    q = lx_xq_boolean(lx_schema_prefix(LX_F_SUBJECT), "nowhere");
    memset(&s, 0, sizeof s);
    assert_int_equal(lx_db_scan(w, q, slots, 3, on_scan_row, &s), LX_OK);
    lx_xq_free(q);
    assert_int_equal(s.n, 0);
    assert_int_equal(lx_db_close(w), LX_OK);
}

/* Sorted ids of lx_db_match on the rarest one of "zeppelin" and "budget". */
static size_t match_rarest(lx_db *db, lx_docid *out)
{
    const char *any[] = {"zeppelin", "budget"};
    lx_match_opts o = {NULL, 0, any, 2, 1, NULL, 0, false, 100, NULL};
    lx_docid *ids = NULL;
    size_t n = 0;
    assert_int_equal(lx_db_match(db, &o, &ids, &n), LX_OK);
    for (size_t i = 0; i < n; i++)
        out[i] = ids[i];
    free(ids);
    for (size_t i = 1; i < n; i++) /* insertion sort: the order is by rank */
        for (size_t k = i; k > 0 && out[k - 1] > out[k]; k--) {
            lx_docid t = out[k];
            out[k] = out[k - 1];
            out[k - 1] = t;
        }
    return n;
}

/* The rarest terms are chosen by the frequencies of the revision a handle
 * reads; a read-only handle remembers them until it reads another one. */
static void test_match_rarest(void **state)
{
    const char *p = path_in("rarest");
    lx_db *w = NULL, *r = NULL, *r2 = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, &err), LX_OK);
    /* 1: zeppelin; 2, 3: budget. */
    add_message(w, "m1", "zeppelin", 1, "a@example.org");
    add_message(w, "m2", "budget", 2, "b@example.org");
    add_message(w, "m3", "budget", 3, "c@example.org");
    assert_int_equal(lx_db_commit(w), LX_OK);
    assert_int_equal(lx_db_open(p, LX_DB_READ, &r, &err), LX_OK);
    lx_docid got[8];
    for (int twice = 0; twice < 2; twice++) {
        assert_int_equal(match_rarest(r, got), 1);
        assert_int_equal(got[0], 1);
        assert_int_equal(match_rarest(w, got), 1);
        assert_int_equal(got[0], 1);
    }
    /* Now zeppelin is the common one: 4, 5, 6 have it. */
    add_message(w, "m4", "zeppelin", 4, "d@example.org");
    add_message(w, "m5", "zeppelin", 5, "e@example.org");
    add_message(w, "m6", "zeppelin", 6, "f@example.org");
    assert_int_equal(lx_db_commit(w), LX_OK);
    assert_int_equal(lx_db_open(p, LX_DB_READ, &r2, &err), LX_OK);
    assert_int_equal(match_rarest(r2, got), 2);
    assert_int_equal(got[0], 2);
    assert_int_equal(got[1], 3);
    /* The writer reads its own changes at once. */
    assert_int_equal(match_rarest(w, got), 2);
    assert_int_equal(got[0], 2);
    assert_int_equal(got[1], 3);
    assert_int_equal(lx_db_close(r2), LX_OK);
    assert_int_equal(lx_db_close(r), LX_OK);
    assert_int_equal(lx_db_close(w), LX_OK);
}

/* A reader sees its revision until lx_db_refresh moves it to the newest
 * commit; a refresh with nothing new moves nothing. */
static void test_refresh(void **state)
{
    const char *p = path_in("refresh");
    lx_db *w = NULL, *r = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, &err), LX_OK);
    add_message(w, "r1", "first", 1, "a@example.org");
    assert_int_equal(lx_db_commit(w), LX_OK);
    assert_int_equal(lx_db_open(p, LX_DB_READ, &r, &err), LX_OK);
    assert_int_equal(lx_db_doccount(r), 1);
    add_message(w, "r2", "second", 2, "b@example.org");
    assert_int_equal(lx_db_commit(w), LX_OK);
    assert_int_equal(lx_db_doccount(r), 1);
    assert_int_equal(lx_db_reopens(r), 0);
    assert_int_equal(lx_db_refresh(r), LX_OK);
    assert_int_equal(lx_db_doccount(r), 2);
    assert_int_equal(lx_db_reopens(r), 1);
    assert_int_equal(lx_db_refresh(r), LX_OK);
    assert_int_equal(lx_db_reopens(r), 1);
    /* A writable handle reads its own changes: nothing to do. */
    assert_int_equal(lx_db_refresh(w), LX_OK);
    assert_int_equal(lx_db_close(r), LX_OK);
    assert_int_equal(lx_db_close(w), LX_OK);
}

static void test_schema_version_refused(void **state)
{
    const char *p = path_in("old");
    lx_db *w = NULL, *r = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, &err), LX_OK);
    assert_int_equal(lx_db_set_metadata(w, LX_SCHEMA_METADATA_KEY, "0"), LX_OK);
    assert_int_equal(lx_db_close(w), LX_OK);
    assert_int_equal(lx_db_open(p, LX_DB_READ, &r, &err), LX_E_DB_SCHEMA);
    assert_non_null(strstr(err, "schema version 0"));
    free(err);
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, &err), LX_E_DB_SCHEMA);
    free(err);

    /* A Xapian database with documents but no schema stamp is foreign. */
    const char *f = path_in("foreign");
    assert_int_equal(lx_db_open(f, LX_DB_WRITE, &w, NULL), LX_OK);
    add_message(w, "cccc", "x", 0, "c@example.org");
    assert_int_equal(lx_db_set_metadata(w, LX_SCHEMA_METADATA_KEY, ""), LX_OK);
    assert_int_equal(lx_db_close(w), LX_OK);
    assert_int_equal(lx_db_open(f, LX_DB_READ, &r, &err), LX_E_DB_SCHEMA);
    assert_non_null(strstr(err, "not a leakdex index"));
    free(err);
}

/* A document without data, and a directory index that lost its data
 * table: damaged, said so, never blank hits. */
static void test_damaged(void **state)
{
    const char *p = path_in("damaged");
    lx_db *w = NULL, *r = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, &err), LX_OK);
    add_message(w, "dddd", "budget", 0, "d@example.org");
    lx_doc *doc = lx_doc_new();
    assert_non_null(doc);
    assert_int_equal(lx_doc_index_text(doc, "", "budget", 6), LX_OK);
    assert_int_equal(lx_db_add_doc(w, doc, NULL), LX_OK);
    lx_doc_free(doc);
    assert_int_equal(lx_db_close(w), LX_OK);
    assert_int_equal(lx_db_open(p, LX_DB_READ, &r, &err), LX_OK);
    lx_xq *q = lx_xq_term("budget");
    lx_run_opts run = {.sort = LX_SORT_DATE};
    lx_results res;
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_E_DB_CORRUPT);
    lx_xq_free(q);
    char want[1200];
    snprintf(want, sizeof want,
             "index damaged (document 2 has no stored data): run xapian-check %s", p);
    assert_string_equal(lx_db_error(r), want);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(lx_db_get_data(r, 2, &data, &len), LX_E_DB_CORRUPT);
    assert_null(data);
    assert_int_equal(lx_db_close(r), LX_OK);

    char file[600];
    snprintf(file, sizeof file, "%s/docdata.glass", p);
    assert_int_equal(unlink(file), 0);
    assert_int_equal(lx_db_open(p, LX_DB_READ, &r, &err), LX_E_DB_CORRUPT);
    assert_null(r);
    snprintf(want, sizeof want,
             "index damaged (docdata.glass is missing): copy '%s' again from where it came, or "
             "index the sources into a new directory",
             p);
    assert_string_equal(err, want);
    free(err);
}

/* A database at name holding one document per sha (its data the sha,
 * identity term XSHA...), plus metadata pairs kv (key, value, ..., NULL). */
static void make_source(const char *name, const char *const *shas, const char *const *kv)
{
    lx_db *db = NULL;
    assert_int_equal(lx_db_open(path_in(name), LX_DB_WRITE, &db, NULL), LX_OK);
    for (size_t i = 0; shas[i]; i++)
        add_message(db, shas[i], "merge test", 1000.0 + (double)i, "a@example.org");
    /* Values are "word|word": NUL-joined as the stem table's. */
    for (size_t i = 0; kv && kv[i]; i += 2) {
        char v[128];
        size_t len = strlen(kv[i + 1]);
        memcpy(v, kv[i + 1], len);
        for (size_t k = 0; k < len; k++)
            v[k] = v[k] == '|' ? '\0' : v[k];
        assert_int_equal(lx_db_set_metadata_bytes(db, kv[i], v, len), LX_OK);
    }
    assert_int_equal(lx_db_close(db), LX_OK);
}

static void expect_metadata(lx_db *db, const char *key, const char *want, size_t want_len)
{
    char *v = NULL;
    assert_int_equal(lx_db_get_metadata(db, key, &v), LX_OK);
    assert_non_null(v);
    assert_memory_equal(v, want, want_len + 1);
    free(v);
}

/* lx_db_merge: the index first, then the segments in the order given,
 * renumbered after the index's ids; an empty segment adds nothing; the stem
 * table's words united, any other key the first source's. */
static void test_merge(void **state)
{
    static const char *const index_shas[] = {"i1", "i2", "i3", NULL};
    static const char *const seg1[] = {"s1a", "s1b", NULL};
    static const char *const seg2[] = {NULL};
    static const char *const seg3[] = {"s3a", "s3b", "s3c", NULL};
    static const char *const index_kv[] = {
        "leakdex.stem.fr.candidat", "candidat|candidats", "leakdex.note", "index",
        "leakdex.stem.en.meet", "meeting", NULL};
    static const char *const seg1_kv[] = {
        "leakdex.stem.fr.candidat", "candidate|candidats", "leakdex.note", "seg1",
        "leakdex.stem.en.walk", "walked|walking", NULL};
    static const char *const seg3_kv[] = {
        "leakdex.stem.fr.candidat", "candidature", "leakdex.stem.en.meet", "meeting|meetings",
        "leakdex.only3", "three", NULL};
    make_source("m-index", index_shas, index_kv);
    make_source("m-seg1", seg1, seg1_kv);
    make_source("m-seg2", seg2, NULL);
    make_source("m-seg3", seg3, seg3_kv);
    char s1[512], s2[512], s3[512], ix[512], out[512];
    snprintf(ix, sizeof ix, "%s", path_in("m-index"));
    snprintf(s1, sizeof s1, "%s", path_in("m-seg1"));
    snprintf(s2, sizeof s2, "%s", path_in("m-seg2"));
    snprintf(s3, sizeof s3, "%s", path_in("m-seg3"));
    snprintf(out, sizeof out, "%s", path_in("m-out"));
    const char *segs[] = {s1, s2, s3};
    char *why = NULL;
    assert_int_equal(lx_db_merge(ix, segs, 3, out, &why), LX_OK);
    assert_null(why);
    lx_db *db = NULL;
    assert_int_equal(lx_db_open(out, LX_DB_READ, &db, NULL), LX_OK);
    assert_int_equal(lx_db_doccount(db), 8);
    assert_int_equal(lx_db_last_docid(db), 8);
    static const char *const order[] = {"i1", "i2", "i3", "s1a", "s1b", "s3a", "s3b", "s3c"};
    for (lx_docid id = 1; id <= 8; id++) {
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(lx_db_get_data(db, id, &data, &len), LX_OK);
        assert_int_equal(len, strlen(order[id - 1]));
        assert_memory_equal(data, order[id - 1], len);
        free(data);
        /* The terms moved with the document. */
        char term[64];
        snprintf(term, sizeof term, "%s%s", lx_schema_prefix(LX_F_SHA256), order[id - 1]);
        lx_docid *ids = NULL;
        size_t n = 0;
        assert_int_equal(lx_db_term_docs(db, term, &ids, &n), LX_OK);
        assert_int_equal(n, 1);
        assert_int_equal(ids[0], id);
        free(ids);
    }
    expect_metadata(db, "leakdex.stem.fr.candidat",
                    "candidat\0candidate\0candidats\0candidature",
                    sizeof "candidat\0candidate\0candidats\0candidature" - 1);
    expect_metadata(db, "leakdex.stem.en.meet", "meeting\0meetings",
                    sizeof "meeting\0meetings" - 1);
    expect_metadata(db, "leakdex.stem.en.walk", "walked\0walking", sizeof "walked\0walking" - 1);
    expect_metadata(db, "leakdex.note", "index", 5);
    expect_metadata(db, "leakdex.only3", "three", 5);
    assert_int_equal(lx_db_close(db), LX_OK);

    /* No index (NULL), and an empty first source: ids start at 1. */
    snprintf(out, sizeof out, "%s", path_in("m-out2"));
    const char *segs2[] = {s2, s3, s1};
    assert_int_equal(lx_db_merge(NULL, segs2, 3, out, &why), LX_OK);
    assert_int_equal(lx_db_open(out, LX_DB_READ, &db, NULL), LX_OK);
    assert_int_equal(lx_db_doccount(db), 5);
    static const char *const order2[] = {"s3a", "s3b", "s3c", "s1a", "s1b"};
    for (lx_docid id = 1; id <= 5; id++) {
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(lx_db_get_data(db, id, &data, &len), LX_OK);
        assert_memory_equal(data, order2[id - 1], len);
        free(data);
    }
    assert_int_equal(lx_db_close(db), LX_OK);

    /* A segment that is not there: an error that says why, nothing made. */
    snprintf(out, sizeof out, "%s", path_in("m-out3"));
    const char *missing[] = {s1, path_in("m-nothing")};
    assert_int_equal(lx_db_merge(ix, missing, 2, out, &why), LX_E_DB_WRITE);
    assert_non_null(why);
    assert_non_null(strstr(why, "m-nothing"));
    free(why);
    assert_int_not_equal(access(out, F_OK), 0);
}

/* A document whose body is text, known by its data. */
static void add_body(lx_db *w, const char *data, const char *text)
{
    lx_doc *doc = lx_doc_new();
    assert_non_null(doc);
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_SHA256), data), LX_OK);
    assert_int_equal(lx_doc_index_text(doc, "", text, strlen(text)), LX_OK);
    assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(LX_F_IDENTITY), data, strlen(data)),
                     LX_OK);
    assert_int_equal(lx_doc_set_data(doc, data, strlen(data)), LX_OK);
    assert_int_equal(lx_db_add_doc(w, doc, NULL), LX_OK);
    lx_doc_free(doc);
}

/* The stem table's value for lang ("fr", "en") and stem, its NUL
 * separators shown as '|'; "-" when the key is absent. */
static const char *stem_entry(lx_db *db, const char *lang, const char *stem)
{
    static char out[256];
    char key[128], *v = NULL;
    size_t len = 0;
    snprintf(key, sizeof key, "%s%s.%s", LX_STEM_METADATA_PREFIX, lang, stem);
    assert_int_equal(lx_db_get_metadata_len(db, key, &v, &len), LX_OK);
    assert_true(len < sizeof out);
    for (size_t i = 0; i < len; i++)
        out[i] = v[i] ? v[i] : '|';
    out[len] = '\0';
    free(v);
    return len ? out : "-";
}

/* The data of the hits of text parsed with the French stemmer as the
 * search core parses it (STEM_SOME), sorted, joined by spaces. */
static const char *stem_hits(lx_db *r, const char *text)
{
    static char out[64];
    lx_xq_parser *qp = lx_xq_parser_new(r, LX_XQ_AND);
    assert_non_null(qp);
    assert_int_equal(lx_xq_parser_set_stemmer(qp, "french", LX_XQ_STEM_SOME), LX_OK);
    lx_xq *q = NULL;
    assert_int_equal(lx_xq_parse(qp, text, LX_XQ_PARSE_PHRASE, &q), LX_OK);
    lx_results res;
    lx_run_opts run = {.sort = LX_SORT_RELEVANCE};
    assert_int_equal(lx_db_search(r, q, &run, &res), LX_OK);
    const char *names[8];
    assert_true(res.n <= 8);
    for (size_t i = 0; i < res.n; i++)
        names[i] = res.hits[i].data;
    for (size_t i = 1; i < res.n; i++)
        for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            const char *t = names[k];
            names[k] = names[k - 1];
            names[k - 1] = t;
        }
    out[0] = '\0';
    for (size_t i = 0; i < res.n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", names[i]);
    lx_results_release(&res);
    lx_xq_free(q);
    lx_xq_parser_free(qp);
    return out;
}

/* The stem table: the words of each stem written at each commit, in union
 * with what an earlier commit or an earlier handle wrote, never the stem
 * itself (a search adds it when it is its own stem); a stem whose only
 * word is itself has no key; words that start with a digit have none. */
static void test_stem_table(void **state)
{
    const char *p = path_in("stems");
    lx_db *w = NULL;
    char stem[64];
    lx_stem("fr", "candidats", stem, sizeof stem);
    assert_string_equal(stem, "candidat");
    lx_stem("en", "meetings", stem, sizeof stem);
    assert_string_equal(stem, "meet");
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, NULL), LX_OK);
    add_body(w, "d1", "budget candidat 2017s");
    assert_int_equal(lx_db_commit(w), LX_OK);
    assert_string_equal(stem_entry(w, "fr", "budget"), "-");
    assert_string_equal(stem_entry(w, "en", "candidat"), "-");
    /* The key names the words other than the stem. */
    add_body(w, "d2", "budgets meetings");
    assert_int_equal(lx_db_commit(w), LX_OK);
    assert_string_equal(stem_entry(w, "fr", "budget"), "budgets");
    assert_string_equal(stem_entry(w, "en", "budget"), "budgets");
    assert_string_equal(stem_entry(w, "en", "meet"), "meetings");
    assert_string_equal(stem_entry(w, "fr", "2017"), "-");
    assert_int_equal(lx_db_close(w), LX_OK);
    /* Another handle: the words of the index it did not see are kept. */
    assert_int_equal(lx_db_open(p, LX_DB_WRITE, &w, NULL), LX_OK);
    add_body(w, "d3", "Candidats meeting");
    assert_int_equal(lx_db_close(w), LX_OK);
    lx_db *r = NULL;
    assert_int_equal(lx_db_open(p, LX_DB_READ, &r, NULL), LX_OK);
    assert_string_equal(stem_entry(r, "fr", "candidat"), "candidats");
    assert_string_equal(stem_entry(r, "en", "meet"), "meeting|meetings");
    /* A stem matches each word that has it; a capitalised occurrence was
     * indexed lowercased and matches too; a capitalised or quoted query
     * word matches as written. */
    assert_string_equal(stem_hits(r, "candidat"), "d1 d3");
    assert_string_equal(stem_hits(r, "candidats"), "d1 d3");
    assert_string_equal(stem_hits(r, "Candidats"), "d3");
    assert_string_equal(stem_hits(r, "\"candidat\""), "d1");
    assert_string_equal(stem_hits(r, "budgets"), "d1 d2");
    assert_string_equal(stem_hits(r, "2017"), "");
    assert_string_equal(stem_hits(r, "2017s"), "d1");
    assert_int_equal(lx_db_close(r), LX_OK);
}

/* Shards: each records the words its own documents have, and a query reads
 * every shard's table; here only the second knows "candidats". */
static void test_stems_over_shards(void **state)
{
    const char *paths[2];
    char one[600], two[600];
    snprintf(one, sizeof one, "%s", path_in("shard1"));
    snprintf(two, sizeof two, "%s", path_in("shard2"));
    paths[0] = one;
    paths[1] = two;
    lx_db *w = NULL;
    assert_int_equal(lx_db_open(one, LX_DB_WRITE, &w, NULL), LX_OK);
    add_body(w, "s1", "un candidat");
    assert_int_equal(lx_db_close(w), LX_OK);
    assert_int_equal(lx_db_open(two, LX_DB_WRITE, &w, NULL), LX_OK);
    add_body(w, "s2", "les candidats");
    assert_int_equal(lx_db_close(w), LX_OK);
    lx_db *r = NULL;
    lx_db_open_opts o = {.paths = paths, .n_paths = 2};
    assert_int_equal(lx_db_open_many(&o, &r, NULL), LX_OK);
    assert_string_equal(stem_entry(r, "fr", "candidat"), "-"); /* the first's metadata */
    assert_string_equal(stem_hits(r, "candidat"), "s1 s2");
    assert_string_equal(stem_hits(r, "candidats"), "s1 s2");
    assert_string_equal(stem_hits(r, "Candidats"), "s2");
    assert_int_equal(lx_db_close(r), LX_OK);
}

static int setup(void **state)
{
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    return lx_testdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_database),
        cmocka_unit_test(test_not_a_database),
        cmocka_unit_test(test_write_search_and_lock),
        cmocka_unit_test(test_schema_version_refused),
        cmocka_unit_test(test_scan_values),
        cmocka_unit_test(test_match_rarest),
        cmocka_unit_test(test_refresh),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_stem_table),
        cmocka_unit_test(test_stems_over_shards),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
