/* test_tally.c - the values senders, recipients and stats count: written, read back, updated. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tally.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_format(void **state)
{
    (void)state;
    const char *line = "alice@example.org\tAlice";
    lx_tally t = {.full = true,
                  .date = 1492000000,
                  .level = 1,
                  .verdict = -1,
                  .attachments = 3,
                  .with_text = 2,
                  .chain = LX_TALLY_MISMATCH,
                  .lines = line,
                  .len = strlen(line)};
    memcpy(t.sha, SHA, LX_TALLY_KEY_LEN);
    lx_strbuf v;
    lx_strbuf_init(&v);
    assert_int_equal(lx_tally_format(&v, &t), LX_OK);
    assert_string_equal(v.buf, SHA "1492000000\t1\t-1\t3\t2\t2\nalice@example.org\tAlice");
    /* The recipients' form: date and level; undated is empty. */
    const char *lines = "bob@example.org\tBob\ncarol@example.org\t\n";
    t.full = false;
    t.date = NAN;
    t.level = 2.5;
    t.lines = lines;
    t.len = strlen(lines);
    lx_strbuf_reset(&v);
    assert_int_equal(lx_tally_format(&v, &t), LX_OK);
    assert_string_equal(v.buf, SHA "\t2.5\nbob@example.org\tBob\ncarol@example.org\t\n");
    lx_strbuf_release(&v);
}

static void test_parse(void **state)
{
    (void)state;
    const char *v = SHA "-86400\t0\t4\t\t0\t3\nalice@example.org\t";
    lx_tally t;
    assert_true(lx_tally_parse(v, strlen(v), &t));
    assert_string_equal(t.sha, SHA);
    assert_true(t.full);
    assert_true(t.date == -86400.0);
    assert_true(t.level == 0.0);
    assert_true(t.verdict == 4.0);
    assert_true(isnan(t.attachments));
    assert_true(t.with_text == 0.0);
    assert_int_equal(t.chain, LX_TALLY_CORROBORATED | LX_TALLY_MISMATCH);
    assert_int_equal(t.len, strlen("alice@example.org\t"));
    assert_memory_equal(t.lines, "alice@example.org\t", t.len);

    const char *r = SHA "\t1\n";
    assert_true(lx_tally_parse(r, strlen(r), &t));
    assert_false(t.full);
    assert_true(isnan(t.date));
    assert_true(t.level == 1.0);
    assert_true(isnan(t.verdict));
    assert_int_equal(t.chain, 0);
    assert_int_equal(t.len, 0);

    /* Not tallies: short, no header end, a word, three numbers, a chain
     * flag out of range, an old sender value. */
    const char *bad[] = {"0123",
                         SHA "1\t1",
                         SHA "x\t1\n",
                         SHA "1\t1\t1\n",
                         SHA "1\t1\t1\t1\t1\t4\n",
                         "alice@example.org\tAlice"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(lx_tally_parse(bad[i], strlen(bad[i]), &t));
}

static void test_update(void **state)
{
    (void)state;
    const char *v = SHA "1000\t0\t2\t1\t1\t0\nalice@example.org\tAlice";
    lx_tally with = {.level = 1, .verdict = 1, .chain = LX_TALLY_CORROBORATED};
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_tally_update(v, strlen(v), &with, LX_TALLY_SET_CHAIN, &out), LX_OK);
    assert_string_equal(out.buf, SHA "1000\t0\t2\t1\t1\t1\nalice@example.org\tAlice");
    lx_strbuf_reset(&out);
    assert_int_equal(
        lx_tally_update(v, strlen(v), &with, LX_TALLY_SET_LEVEL | LX_TALLY_SET_VERDICT, &out),
        LX_OK);
    assert_string_equal(out.buf, SHA "1000\t1\t1\t1\t1\t0\nalice@example.org\tAlice");
    /* --ocr: the attachments with text, the rest kept. */
    lx_tally ocr = {.attachments = 3, .with_text = 2};
    lx_strbuf_reset(&out);
    assert_int_equal(lx_tally_update(v, strlen(v), &ocr, LX_TALLY_SET_ATTACHMENTS, &out), LX_OK);
    assert_string_equal(out.buf, SHA "1000\t0\t2\t3\t2\t0\nalice@example.org\tAlice");
    /* The recipients' form has a level only. */
    const char *r = SHA "1000\t0\nbob@example.org\tBob\n";
    lx_strbuf_reset(&out);
    assert_int_equal(lx_tally_update(r, strlen(r), &with,
                                     LX_TALLY_SET_LEVEL | LX_TALLY_SET_VERDICT | LX_TALLY_SET_CHAIN,
                                     &out),
                     LX_OK);
    assert_string_equal(out.buf, SHA "1000\t1\nbob@example.org\tBob\n");
    lx_strbuf_reset(&out);
    assert_int_equal(lx_tally_update("x", 1, &with, LX_TALLY_SET_LEVEL, &out), LX_E_INVALID);
    assert_int_equal(out.len, 0);
    lx_strbuf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
