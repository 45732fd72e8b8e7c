/* test_senders.c - senders, recipients and the summary, counted from a small index built here. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "schema.h"
#include "senders.h"
#include "tally.h"
#include "xdb.h"
#include "testdir.h"

static char dir[] = "/tmp/leakdex-test-senders-XXXXXX";

/* One message's values, as the indexer stores them. */
typedef struct message {
    const char *sender, *recipients, *chain;
    double date, level, verdict, attachments, texts; /* NAN: no value */
} message;

/* Four messages: Alice twice (under two names), Bob undated, Carol in 2017;
 * Bob is a recipient of two, once twice in one message. */
static const message messages[] = {
    {"alice@example.org\tAlice", "bob@example.org\tBob\ncarol@example.org\tCarol", "", 1000, 1,
     LX_VERDICT_PASS, 2, 1},
    {"alice@example.org\tAlice Martin", "bob@example.org\tBob\nbob@example.org\tBobby", "", 5000,
     0, LX_VERDICT_FAIL, NAN, NAN},
    {"bob@example.org\tBob", "alice@example.org\t", "corroborated\tab\t95\texample.org\tnone", NAN,
     2, LX_VERDICT_NONE, 1, 0},
    {"carol@other.example\t", "bob@example.org\t",
     "corroborated\tcd\t90\texample.org\tnone\nmismatch\tef\texample.org\tdiffers", 1492000000, 1,
     LX_VERDICT_PASS, NAN, NAN},
};

/* The sender's and the recipients' tallies, as the indexer and the chain
 * pass store them: what senders, recipients and stats count. */
static void add_tallies(lx_doc *doc, const char *sha, const message *m)
{
    lx_tally t = {.full = true,
                  .date = m->date,
                  .level = m->level,
                  .verdict = m->verdict,
                  .attachments = m->attachments,
                  .with_text = m->texts,
                  .lines = m->sender,
                  .len = strlen(m->sender)};
    memcpy(t.sha, sha, LX_TALLY_KEY_LEN);
    if (strncmp(m->chain, "corroborated\t", 13) == 0)
        t.chain |= LX_TALLY_CORROBORATED;
    if (strstr(m->chain, "mismatch\t"))
        t.chain |= LX_TALLY_MISMATCH;
    lx_strbuf v;
    lx_strbuf_init(&v);
    assert_int_equal(lx_tally_format(&v, &t), LX_OK);
    assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(LX_F_SENDER_TALLY), v.buf, v.len), LX_OK);
    t.full = false;
    t.lines = m->recipients;
    t.len = strlen(m->recipients);
    lx_strbuf_reset(&v);
    assert_int_equal(lx_tally_format(&v, &t), LX_OK);
    assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(LX_F_RECIPIENTS_TALLY), v.buf, v.len),
                     LX_OK);
    lx_strbuf_release(&v);
}

static lx_db *build(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/db", dir);
    lx_db *w = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(path, LX_DB_WRITE, &w, &err), LX_OK);
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        const message *m = &messages[i];
        lx_doc *doc = lx_doc_new();
        char sha[LX_SHA256_HEX_LEN + 1];
        snprintf(sha, sizeof sha, "%064zu", i);
        assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_SHA256), sha), LX_OK);
        /* An index always holds data (its absence reads as damage). */
        assert_int_equal(lx_doc_set_data(doc, "sha256=s\n", 9), LX_OK);
        assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(LX_F_SENDER), m->sender,
                                          strlen(m->sender)),
                         LX_OK);
        assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(LX_F_RECIPIENTS), m->recipients,
                                          strlen(m->recipients)),
                         LX_OK);
        if (*m->chain)
            assert_int_equal(lx_doc_set_value(doc, lx_schema_slot(LX_F_CORROBORATION), m->chain,
                                              strlen(m->chain)),
                             LX_OK);
        const struct {
            lx_field f;
            double v;
        } nums[] = {{LX_F_DATE, m->date},
                    {LX_F_VERIFIED_LEVEL, m->level},
                    {LX_F_VERDICT, m->verdict},
                    {LX_F_ATTACH_COUNT, m->attachments},
                    {LX_F_ATTACH_TEXTS, m->texts}};
        for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
            if (!isnan(nums[k].v))
                assert_int_equal(lx_doc_set_number(doc, lx_schema_slot(nums[k].f), nums[k].v),
                                 LX_OK);
        add_tallies(doc, sha, m);
        assert_int_equal(lx_db_add_doc(w, doc, NULL), LX_OK);
        lx_doc_free(doc);
    }
    assert_int_equal(lx_db_close(w), LX_OK);
    lx_db *r = NULL;
    assert_int_equal(lx_db_open(path, LX_DB_READ, &r, &err), LX_OK);
    return r;
}

/* The people as one line each: "ADDRESS [NAMES] MESSAGES/VERIFIED FIRST..LAST". */
static void expect(const lx_people *p, const char *const *want, size_t n)
{
    assert_int_equal(p->n, n);
    for (size_t i = 0; i < n; i++) {
        const lx_person *q = &p->v[i];
        char line[256];
        int at = snprintf(line, sizeof line, "%s [", q->addr);
        for (size_t k = 0; k < q->n_names; k++)
            at += snprintf(line + at, sizeof line - (size_t)at, "%s%s", k ? "; " : "", q->names[k]);
        snprintf(line + at, sizeof line - (size_t)at, "] %zu/%zu %.0f..%.0f", q->messages,
                 q->verified, q->first, q->last);
        assert_string_equal(line, want[i]);
    }
}

static void test_senders(void **state)
{
    lx_db *db = *state;
    lx_query_opts q = {0};
    lx_people p;
    assert_int_equal(lx_senders_find(db, &q, LX_PEOPLE_SENDERS, LX_PEOPLE_BY_COUNT, &p), LX_OK);
    const char *const by_count[] = {"alice@example.org [Alice; Alice Martin] 2/1 1000..5000",
                                    "bob@example.org [Bob] 1/0 nan..nan",
                                    "carol@other.example [] 1/1 1492000000..1492000000"};
    expect(&p, by_count, 3);
    assert_int_equal(p.row, 4);
    lx_people_release(&p);

    /* Undated last in both date orders. */
    assert_int_equal(lx_senders_find(db, &q, LX_PEOPLE_SENDERS, LX_PEOPLE_BY_LAST, &p), LX_OK);
    const char *const by_last[] = {"carol@other.example [] 1/1 1492000000..1492000000",
                                   "alice@example.org [Alice; Alice Martin] 2/1 1000..5000",
                                   "bob@example.org [Bob] 1/0 nan..nan"};
    expect(&p, by_last, 3);
    lx_people_release(&p);
    assert_int_equal(lx_senders_find(db, &q, LX_PEOPLE_SENDERS, LX_PEOPLE_BY_FIRST, &p), LX_OK);
    const char *const by_first[] = {"alice@example.org [Alice; Alice Martin] 2/1 1000..5000",
                                    "carol@other.example [] 1/1 1492000000..1492000000",
                                    "bob@example.org [Bob] 1/0 nan..nan"};
    expect(&p, by_first, 3);
    lx_people_release(&p);
}

static void test_recipients(void **state)
{
    lx_db *db = *state;
    lx_query_opts q = {0};
    lx_people p;
    assert_int_equal(lx_senders_find(db, &q, LX_PEOPLE_RECIPIENTS, LX_PEOPLE_BY_ADDRESS, &p),
                     LX_OK);
    /* Bob twice in one message counts once, with both names. */
    const char *const want[] = {"alice@example.org [] 1/0 nan..nan",
                                "bob@example.org [Bob; Bobby] 3/2 1000..1492000000",
                                "carol@example.org [Carol] 1/1 1000..1000"};
    expect(&p, want, 3);
    lx_people_release(&p);

    bool ok;
    lx_people_sort s;
    ok = lx_people_sort_parse("last", &s);
    assert_true(ok);
    assert_int_equal(s, LX_PEOPLE_BY_LAST);
    assert_false(lx_people_sort_parse("name", &s));
}

static void test_stats(void **state)
{
    lx_db *db = *state;
    lx_query_opts q = {0};
    lx_stats *s = NULL;
    assert_int_equal(lx_stats_find(db, &q, &s), LX_OK);
    assert_int_equal(s->messages, 4);
    assert_int_equal(s->unique_senders, 3);
    assert_int_equal(s->verified, 2);
    assert_int_equal(s->partial, 1);
    assert_int_equal(s->verdicts[LX_VERDICT_PASS], 2);
    assert_int_equal(s->verdicts[LX_VERDICT_FAIL], 1);
    assert_int_equal(s->verdicts[LX_VERDICT_NONE], 1);
    assert_int_equal(s->verdicts[LX_VERDICT_UNCHECKED], 0);
    assert_int_equal(s->years[1970], 2);
    assert_int_equal(s->years[2017], 1);
    assert_int_equal(s->undated, 1);
    /* A verified message quoted is not counted as corroborated. */
    assert_int_equal(s->corroborated, 1);
    assert_int_equal(s->mismatched, 1);
    assert_int_equal(s->attachments, 3);
    assert_int_equal(s->attachments_text, 1);
    assert_int_equal(s->top, 2);
    assert_string_equal(s->domains.v[0].addr, "example.org");
    assert_int_equal(s->domains.v[0].messages, 3);
    assert_string_equal(s->domains.v[1].addr, "other.example");
    assert_int_equal(s->domains.v[1].messages, 1);
    lx_stats_free(s);
}

static int setup(void **state)
{
    if (!mkdtemp(dir))
        return -1;
    *state = build();
    return 0;
}

static int teardown(void **state)
{
    lx_db_close(*state);
    return lx_testdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_senders),
        cmocka_unit_test(test_recipients),
        cmocka_unit_test(test_stats),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
