/* test_language.c - the query language (search/language.c) and the searches
 * that run it (search/search.c): exact hit sets on a small index built here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "language.h"
#include "schema.h"
#include "search.h"
#include "xdb.h"
#include "testdir.h"

static char dir[] = "/tmp/leakdex-test-language-XXXXXX";
static lx_db *db;

typedef struct message {
    const char *sha, *subject, *body, *from, *from_words, *attachment_text, *message_id;
    const char *month;    /* "YYYY-MM" */
    double date;          /* seconds, UTC */
    const char *verified; /* the verification term, or NULL */
    lx_field chain;       /* LX_F_CHAIN, LX_F_CHAIN_MISMATCH, or LX_F_COUNT_: none */
} message;

/* aaaa: verified, in April 2017. bbbb: signed in part, corroborated, with
 * an attachment about the budget, in 2010. cccc: a quote that differs,
 * June 2017. */
static const message messages[] = {
    {"aaaa", "budget meeting", "the budget of the campaign", "alice@example.org",
     "alice martin", NULL, "m1@example.org", "2017-04", 1493069400, "yes",
     LX_F_COUNT_},
    {"bbbb", "press request", "a request from the press", "bob@example.org",
     "bob durand", "budget annexe", "m2@example.org", "2010-01", 1262304000,
     "partial", LX_F_CHAIN},
    {"cccc", "lunch", "lunch in lyon", "carol@example.net", "carol", NULL,
     "m3@example.net", "2017-06", 1497484800, NULL, LX_F_CHAIN_MISMATCH},
};

static void add_text(lx_doc *doc, lx_field f, const char *text)
{
    const char *prefix = f == LX_F_BODY ? "" : lx_schema_prefix(f);
    assert_int_equal(lx_doc_index_text(doc, prefix, text, strlen(text)), LX_OK);
}

static void add(lx_db *w, const message *m)
{
    lx_doc *doc = lx_doc_new();
    assert_non_null(doc);
    char year[5];
    snprintf(year, sizeof year, "%.4s", m->month);
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_SHA256), m->sha), LX_OK);
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_FROM_ADDR), m->from), LX_OK);
    assert_int_equal(
        lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_FROM_DOMAIN), strchr(m->from, '@') + 1),
        LX_OK);
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_MESSAGE_ID), m->message_id),
                     LX_OK);
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_MONTH), m->month), LX_OK);
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_YEAR), year), LX_OK);
    add_text(doc, LX_F_SUBJECT, m->subject);
    add_text(doc, LX_F_BODY, m->body);
    add_text(doc, LX_F_FROM, m->from_words);
    add_text(doc, LX_F_PEOPLE, m->from_words);
    if (m->attachment_text) {
        add_text(doc, LX_F_ATTACH_TEXT, m->attachment_text);
        assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_HAS), LX_HAS_ATTACHMENT),
                         LX_OK);
    }
    if (m->verified)
        assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_VERIFICATION), m->verified),
                         LX_OK);
    if (m->chain != LX_F_COUNT_)
        assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(m->chain), "1", 1), LX_OK);
    assert_int_equal(lx_doc_set_number(doc, lx_schema_slot(LX_F_DATE), m->date), LX_OK);
    assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(LX_F_IDENTITY), m->sha, 4), LX_OK);
    assert_int_equal(lx_doc_set_data(doc, m->sha, strlen(m->sha)), LX_OK);
    assert_int_equal(lx_db_add_doc(w, doc, NULL), LX_OK);
    lx_doc_free(doc);
}

static int set_up(void **state)
{
    if (!mkdtemp(dir))
        return -1;
    lx_db *w = NULL;
    assert_int_equal(lx_db_open(dir, LX_DB_WRITE, &w, NULL), LX_OK);
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++)
        add(w, &messages[i]);
    assert_int_equal(lx_db_close(w), LX_OK);
    assert_int_equal(lx_db_open(dir, LX_DB_READ, &db, NULL), LX_OK);
    return 0;
}

static int tear_down(void **state)
{
    lx_db_close(db);
    return lx_testdir_remove(dir);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The data of every hit of o, sorted, joined by spaces ("" for none). */
static const char *hits_of(const lx_query_opts *o)
{
    static char out[64];
    lx_results res;
    if (lx_search(db, o, &res) != LX_OK)
        fail_msg("'%s': %s", o->text ? o->text : "", lx_db_error(db));
    const char *names[8];
    assert_true(res.n <= 8);
    assert_int_equal(res.n, res.total);
    for (size_t i = 0; i < res.n; i++)
        names[i] = res.hits[i].data;
    qsort(names, res.n, sizeof names[0], by_name);
    out[0] = '\0';
    for (size_t i = 0; i < res.n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, sizeof out - used, "%s%s", i ? " " : "", names[i]);
    }
    lx_results_release(&res);
    return out;
}

static const char *hits(const char *text)
{
    lx_query_opts o = {.text = text};
    return hits_of(&o);
}

/* A query the language refuses, with its message. */
static void refused(const char *text, const char *why)
{
    lx_query_opts o = {.text = text};
    lx_results res;
    assert_int_equal(lx_search(db, &o, &res), LX_E_QUERY);
    assert_string_equal(lx_db_error(db), why);
    assert_int_equal(res.n, 0);
}

static void test_words_and_fields(void **state)
{
    assert_string_equal(hits(NULL), "aaaa bbbb cccc");
    assert_string_equal(hits(" * "), "aaaa bbbb cccc");
    assert_string_equal(hits("budget"), "aaaa bbbb");
    assert_string_equal(hits("subject:budget"), "aaaa");
    assert_string_equal(hits("from:durand"), "bbbb");
    assert_string_equal(hits("Budgets"), "");
    assert_string_equal(hits("budgets"), "aaaa bbbb");
    assert_string_equal(hits("\"budget meeting\""), "aaaa");
    assert_string_equal(hits("\"meeting budget\""), "");
    assert_string_equal(hits("id:<m2@example.org>"), "bbbb");
    assert_string_equal(hits("domain:EXAMPLE.NET"), "cccc");
    assert_string_equal(hits("has:attachment"), "bbbb");
    refused("id:<>", "empty value for id:");
}

static void test_negations_alone(void **state)
{
    assert_string_equal(hits("-budget"), "cccc");
    assert_string_equal(hits("NOT budget"), "cccc");
    assert_string_equal(hits("-subject:budget"), "bbbb cccc");
    assert_string_equal(hits("-press -budget"), "cccc");
    assert_string_equal(hits("(-budget) OR -lyon"), "aaaa bbbb cccc");
    assert_string_equal(hits("lunch OR (-lyon -press)"), "aaaa cccc");
    assert_string_equal(hits("-from:alice"), "bbbb cccc");
}

static void test_refused_reparse(void **state)
{
    const char *why = "cannot read its operators as written (is a word missing beside NEAR or "
                      "ADJ, or written right before '('?)";
    refused("budget NEAR", why);
    refused("budget(lyon OR press)", why);
    refused("budget \"meeting", "unbalanced '\"'");
}

static void test_verified_and_chain(void **state)
{
    assert_string_equal(hits("verified:yes"), "aaaa");
    assert_string_equal(hits("verified:YES"), "aaaa");
    assert_string_equal(hits("verified:partial"), "bbbb");
    assert_string_equal(hits("verified:no"), "bbbb cccc");
    assert_string_equal(hits("verified:chain"), "bbbb");
    assert_string_equal(hits("verified:any"), "aaaa bbbb");
    assert_string_equal(hits("budget -verified:yes"), "bbbb");
    refused("verified:maybe", "verified: takes yes, partial, no, chain or any, not 'maybe'");
    assert_string_equal(hits("chain:corroborated"), "bbbb");
    assert_string_equal(hits("chain:Mismatch"), "cccc");
    assert_string_equal(hits("-chain:mismatch"), "aaaa bbbb");
    refused("chain:broken", "chain: takes corroborated or mismatch, not 'broken'");
}

static void test_in_field(void **state)
{
    assert_string_equal(hits("budget in:body"), "aaaa");
    assert_string_equal(hits("in:attachment budget"), "bbbb");
    assert_string_equal(hits("in:Attachments annexe"), "bbbb");
    assert_string_equal(hits("in:body annexe"), "");
    assert_string_equal(hits("lunch \"in:lyon\""), "cccc");
    refused("in:body budget in:attachment", "in:attachment and in:body exclude each other");
    refused("budget in:subject", "in: takes attachment or body, not 'subject'");
}

static void test_dates(void **state)
{
    assert_string_equal(hits("date:2017"), "aaaa cccc");
    assert_string_equal(hits("date:2017-04"), "aaaa");
    assert_string_equal(hits("date:2017-04-24"), "aaaa");
    assert_string_equal(hits("date:2017-04-25"), "");
    assert_string_equal(hits("date:2017-04-01..2017-05-31"), "aaaa");
    assert_string_equal(hits("date:2017-04-25..2017-06-15"), "cccc");
    assert_string_equal(hits("date:..2012"), "bbbb");
    assert_string_equal(hits("date:2010.."), "aaaa bbbb cccc");
    /* A range no message meets matches nothing, alone or with words (it
     * once emptied the whole query, which then matched every message). */
    assert_string_equal(hits("date:2031.."), "");
    assert_string_equal(hits("date:..1990"), "");
    assert_string_equal(hits("budget date:2031.."), "");
    assert_string_equal(hits("budget AND date:..1990-01-01"), "");
    assert_string_equal(hits("budget OR date:2031.."), "aaaa bbbb");
    assert_string_equal(hits("-date:2031.."), "aaaa bbbb cccc");
    assert_string_equal(hits("year:2010"), "bbbb");
    assert_string_equal(hits("month:2017-06"), "cccc");
    assert_string_equal(hits("budget -date:2010"), "aaaa");
    refused("date:2017-02-30", "bad date '2017-02-30' (use YYYY, YYYY-MM, YYYY-MM-DD or A..B)");
}

static void test_option_filters(void **state)
{
    const char *alice[] = {"ALICE@example.org"};
    lx_query_opts o = {.from_addrs = alice, .n_from = 1};
    assert_string_equal(hits_of(&o), "aaaa");
    const char *bob_by_name[] = {"Bob Durand", "carol@example.net"};
    o = (lx_query_opts){.from_addrs = bob_by_name, .n_from = 2};
    assert_string_equal(hits_of(&o), "bbbb cccc");
    const char *wrong_order[] = {"durand bob"};
    o = (lx_query_opts){.from_addrs = wrong_order, .n_from = 1};
    assert_string_equal(hits_of(&o), "");
    const char *domains[] = {"example.org"};
    o = (lx_query_opts){.text = "budget", .domains = domains, .n_domains = 1};
    assert_string_equal(hits_of(&o), "aaaa bbbb");
    o = (lx_query_opts){.text = "budget", .has_attachment = true};
    assert_string_equal(hits_of(&o), "bbbb");
    o = (lx_query_opts){.text = "budget", .verified_only = true};
    assert_string_equal(hits_of(&o), "aaaa");
    o = (lx_query_opts){.has_after = true, .after = 1420070400};
    assert_string_equal(hits_of(&o), "aaaa cccc");
    o = (lx_query_opts){
        .has_after = true, .after = 1493069400, .has_before = true, .before = 1493069400};
    assert_string_equal(hits_of(&o), "aaaa");
}

/* The default order: relevance for free words, date for filters alone. */
static void test_default_order(void **state)
{
    lx_query_opts o = {.text = "budget", .sort = LX_SORT_DEFAULT};
    lx_results res;
    assert_int_equal(lx_search(db, &o, &res), LX_OK);
    assert_int_equal(res.sort, LX_SORT_RELEVANCE);
    lx_results_release(&res);
    o.text = "verified:any -budget";
    assert_int_equal(lx_search(db, &o, &res), LX_OK);
    assert_int_equal(res.sort, LX_SORT_DATE);
    lx_results_release(&res);
    o.text = "-chain:corroborated";
    o.sort = LX_SORT_DATE_DESC;
    assert_int_equal(lx_search(db, &o, &res), LX_OK);
    assert_int_equal(res.n, 2);
    assert_string_equal(res.hits[0].data, "cccc");
    assert_string_equal(res.hits[1].data, "aaaa");
    lx_results_release(&res);
}

static void expect_words(const char *text, const char *plain, const char *stems,
                         bool in_attachments)
{
    lx_query_opts o = {.text = text};
    char **p, **z;
    size_t np, nz;
    bool in_att;
    assert_int_equal(lx_search_query_words(db, &o, &p, &np, &z, &nz, &in_att), LX_OK);
    char got[2][128] = {"", ""};
    for (size_t i = 0; i < np + nz; i++) {
        char *buf = got[i >= np];
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof got[0] - used, "%s%s", used ? " " : "",
                 i < np ? p[i] : z[i - np]);
    }
    assert_string_equal(got[0], plain);
    assert_string_equal(got[1], stems);
    assert_int_equal(in_att, in_attachments);
    for (size_t i = 0; i < np; i++)
        free(p[i]);
    for (size_t i = 0; i < nz; i++)
        free(z[i]);
    free(p);
    free(z);
}

static void test_query_words(void **state)
{
    expect_words("budget -lyon", "", "budget", false);
    expect_words("\"budget meeting\" Lunch", "budget meeting lunch", "", false);
    expect_words("in:attachment annexes", "", "annex", true);
    expect_words("from:alice verified:yes", "", "", false);
}

static int count_row(void *ctx, const lx_scan_row *row)
{
    size_t *n = ctx;
    *n = row ? *n + 1 : 0;
    return 0;
}

static void test_scan(void **state)
{
    const int slots[] = {lx_schema_slot(LX_F_DATE)};
    lx_query_opts o = {.text = "verified:no"};
    size_t n = 0;
    assert_int_equal(lx_search_scan(db, &o, slots, 1, count_row, &n), LX_OK);
    assert_int_equal(n, 2);
    o.text = "verified:nope";
    assert_int_equal(lx_search_scan(db, &o, slots, 1, count_row, &n), LX_E_QUERY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_fields), cmocka_unit_test(test_negations_alone),
        cmocka_unit_test(test_refused_reparse),  cmocka_unit_test(test_verified_and_chain),
        cmocka_unit_test(test_in_field),         cmocka_unit_test(test_dates),
        cmocka_unit_test(test_option_filters),   cmocka_unit_test(test_default_order),
        cmocka_unit_test(test_query_words),      cmocka_unit_test(test_scan),
    };
    return cmocka_run_group_tests(tests, set_up, tear_down);
}
