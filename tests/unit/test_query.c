/* test_query.c - the checks on a query before Xapian's parser sees it, and its folding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "caps.h"
#include "query.h"
#include "banned.h"

static void test_query_check(void **state)
{
    static const char *const ok[] = {
        "budget",
        "\"budget prévisionnel\"",
        "from:alice subject:réunion",
        "(a OR b) AND c",
        "date:2016..2017",
        "http://example.org/x",
        "\"subjet:x\"",
        "-word +other",
        "id:<a@b>",
        "",
        "time 10:30",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        if (lx_query_check(ok[i], &why) != LX_OK)
            fail_msg("'%s' refused: %s", ok[i], why.buf);
        lx_strbuf_release(&why);
    }
    static const struct {
        const char *q, *why;
    } bad[] = {
        {"\"unclosed", "unbalanced '\"'"},
        {"(a OR b", "unbalanced '('"},
        {"a)", "unbalanced ')'"},
        {"subjet:x", "unknown field 'subjet:' (see --help-query)"},
        {"a (sendr:bob)", "unknown field 'sendr:' (see --help-query)"},
        {"from: alice", "'from:' needs a value"},
        {"to:", "'to:' needs a value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        assert_int_equal(lx_query_check(bad[i].q, &why), LX_E_QUERY);
        assert_string_equal(why.buf, bad[i].why);
        lx_strbuf_release(&why);
    }
}

/* The size limits, at their edges: LX_MAX_QUERY_BYTES bytes and
 * LX_MAX_QUERY_WORDS words pass, one more is refused with LX_E_LIMIT and
 * the count; words are what spaces and parentheses separate. */
static void test_query_size(void **state)
{
    lx_strbuf q, why;
    lx_strbuf_init(&q);
    lx_strbuf_init(&why);
    for (size_t i = 0; i < LX_MAX_QUERY_WORDS; i++)
        lx_strbuf_addstr(&q, i % 2 ? "(w)" : "w ");
    assert_int_equal(lx_query_check(q.buf, &why), LX_OK);
    lx_strbuf_addstr(&q, " OR");
    assert_int_equal(lx_query_check(q.buf, &why), LX_E_LIMIT);
    assert_string_equal(why.buf, "the query has 1,001 words, more than the 1,000 a query may have "
                                 "(LX_MAX_QUERY_WORDS; operators count)");
    lx_strbuf_reset(&q);
    lx_strbuf_reset(&why);
    for (size_t i = 0; i < LX_MAX_QUERY_BYTES; i++)
        lx_strbuf_addch(&q, 'a');
    assert_int_equal(lx_query_check(q.buf, &why), LX_OK);
    lx_strbuf_addch(&q, 'a');
    assert_int_equal(lx_query_check(q.buf, &why), LX_E_LIMIT);
    assert_string_equal(why.buf, "the query is 16,385 bytes long, more than the 16,384 a query "
                                 "may have (LX_MAX_QUERY_BYTES)");
    lx_strbuf_release(&q);
    lx_strbuf_release(&why);
}

static void test_query_fold(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"élysée", "elysee"},
        {"ÉLYSÉE AND NOT cœur", "ELYSEE AND NOT coeur"},
        {"subject:réunion from:Lefèvre", "subject:reunion from:Lefevre"},
        {"\"budget prévisionnel\"", "\"budget previsionnel\""},
        {"id:<é@x> été", "id:<é@x> ete"},
        {"(domain:café.example OR élu)", "(domain:café.example OR elu)"},
        {"date:2017..2018 année", "date:2017..2018 annee"},
        /* Elisions split, other apostrophes made plain; exact values kept. */
        {"\"l'Élysée a confirmé\" d\u2019Emmanuel", "\"Elysee a confirme\" Emmanuel"},
        {"subject:l'été aujourd\u2019hui", "subject:ete aujourd'hui"},
        {"filename:\"l'été.pdf\" id:l'x@y", "filename:\"l'été.pdf\" id:l'x@y"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf out, why;
        lx_strbuf_init(&out);
        lx_strbuf_init(&why);
        assert_int_equal(lx_query_fold(cases[i].in, &out, &why), LX_OK);
        assert_string_equal(out.buf, cases[i].out);
        lx_strbuf_release(&out);
        lx_strbuf_release(&why);
    }
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    assert_int_equal(lx_query_fold("caf\xe9", &out, &why), LX_E_QUERY);
    assert_string_equal(why.buf, "the query is not valid UTF-8");
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_check),
        cmocka_unit_test(test_query_size),
        cmocka_unit_test(test_query_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
