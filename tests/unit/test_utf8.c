/* test_utf8.c - UTF-8 checks and repair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "utf8.h"
#include "banned.h"

static void test_utf8(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
        size_t replaced;
    } cases[] = {
        {"élysée", 8, "élysée", 0},
        {"a\xE9z", 3, "a\xEF\xBF\xBDz", 1},       /* Latin-1 é */
        {"\xC0\xAF", 2, "\xEF\xBF\xBD", 1},       /* overlong, one run */
        {"\xED\xA0\x80x", 4, "\xEF\xBF\xBDx", 1}, /* surrogate */
        {"a\0b", 3,
         "a\xEF\xBF\xBD"
         "b",
         1},                                            /* NUL */
        {"\xF0\x9F\x98\x80", 4, "\xF0\x9F\x98\x80", 0}, /* emoji */
        {"\xE2\x82", 2, "\xEF\xBF\xBD", 1},             /* truncated */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf sb;
        lx_strbuf_init(&sb);
        size_t n = 0;
        assert_int_equal(lx_utf8_sanitize(&sb, cases[i].in, cases[i].len, &n), LX_OK);
        assert_string_equal(sb.buf, cases[i].out);
        assert_int_equal(n, cases[i].replaced);
        assert_true(lx_utf8_valid(sb.buf, sb.len));
        lx_strbuf_release(&sb);
    }
    assert_int_equal(lx_utf8_cut("aé", 3, 2), 1);
    assert_int_equal(lx_utf8_cut("aé", 3, 3), 3);
    assert_int_equal(lx_utf8_cut("abc", 3, 10), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
