/* test_record.c - records: the document data's key and value lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "record.h"
#include "banned.h"

static void test_record_round_trip(void **state)
{
    lx_record r, back;
    lx_record_init(&r);
    lx_record_init(&back);
    static const char odd[] = "line1\nline2\\x\r\0end";
    assert_int_equal(lx_record_add_str(&r, "subject", "Réunion = budget"), LX_OK);
    assert_int_equal(lx_record_add(&r, "body", odd, sizeof odd - 1), LX_OK);
    assert_int_equal(lx_record_add_str(&r, "path", "/a"), LX_OK);
    assert_int_equal(lx_record_add_str(&r, "path", "/b\tc"), LX_OK);
    assert_int_equal(lx_record_add_str(&r, "empty", ""), LX_OK);
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    assert_int_equal(lx_record_serialize(&r, &sb), LX_OK);
    assert_int_equal(lx_record_parse(&back, sb.buf, sb.len), LX_OK);
    assert_int_equal(back.n, 5);
    assert_string_equal(lx_record_get(&back, "subject"), "Réunion = budget");
    assert_int_equal(back.pairs[1].value_len, sizeof odd - 1);
    assert_memory_equal(back.pairs[1].value, odd, sizeof odd - 1);
    assert_true(lx_record_has(&back, "path", "/b\tc"));
    assert_string_equal(lx_record_get(&back, "empty"), "");
    assert_null(lx_record_get(&back, "nothing"));
    lx_record_remove(&back, "path");
    assert_int_equal(back.n, 3);
    lx_strbuf_release(&sb);
    lx_record_release(&r);
    lx_record_release(&back);
}

/* Stored data as written by hand or damaged: escapes undone wherever they
 * fall (first, last, side by side), an unknown escape gives its byte, a
 * backslash that ends a line stays, a line without '=' is skipped. */
static void test_record_parse_escapes(void **state)
{
    static const char data[] = "a=\\nx\\\\y\\q\\0z\\r\n"
                               "b=plain\n"
                               "no equals sign\n"
                               "c=\\\\\\n\n"
                               "d=end\\";
    lx_record r;
    lx_record_init(&r);
    assert_int_equal(lx_record_parse(&r, data, sizeof data - 1), LX_OK);
    assert_int_equal(r.n, 4);
    static const char a[] = "\nx\\yq\0z\r";
    assert_int_equal(r.pairs[0].value_len, sizeof a - 1);
    assert_memory_equal(r.pairs[0].value, a, sizeof a - 1);
    assert_string_equal(lx_record_get(&r, "b"), "plain");
    assert_string_equal(lx_record_get(&r, "c"), "\\\n");
    assert_string_equal(lx_record_get(&r, "d"), "end\\");
    lx_record_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_round_trip),
        cmocka_unit_test(test_record_parse_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
