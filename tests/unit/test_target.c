/* test_target.c - a request target read into segments and parameters: decoding, and the targets refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "web.h"
#include "banned.h"

static void test_segments_and_params(void **state)
{
    web_target t;
    assert_true(
        web_target_parse(&t, "/api/original/..%2f..%2fetc%2fpasswd?q=a+b%26c&q=2&x&=v#frag"));
    assert_int_equal(t.n_segments, 3);
    assert_string_equal(t.segment[0], "api");
    /* %2f decodes inside its segment: never a separator. */
    assert_string_equal(t.segment[2], "../../etc/passwd");
    assert_string_equal(t.path_raw, "/api/original/..%2f..%2fetc%2fpasswd");
    assert_int_equal(t.n_params, 4);
    assert_string_equal(web_param(&t, "q"), "a b&c"); /* the first of two */
    assert_string_equal(t.raw[0], "q=a+b%26c");
    assert_string_equal(web_param(&t, "x"), "");
    assert_string_equal(web_param(&t, ""), "v");
    assert_null(web_param(&t, "frag"));
    assert_true(web_segment_is(&t, 1, "original"));
    assert_false(web_segment_is(&t, 3, "original"));
    web_target_release(&t);

    assert_true(web_target_parse(&t, "/"));
    assert_int_equal(t.n_segments, 0);
    web_target_release(&t);
    /* A trailing slash is an empty segment, which no route is. */
    assert_true(web_target_parse(&t, "/senders/"));
    assert_int_equal(t.n_segments, 2);
    assert_string_equal(t.segment[1], "");
    web_target_release(&t);
    /* '+' is a space only in the query. */
    assert_true(web_target_parse(&t, "/a+b?k=a+b"));
    assert_string_equal(t.segment[0], "a+b");
    assert_string_equal(web_param(&t, "k"), "a b");
    web_target_release(&t);
}

static void test_refused(void **state)
{
    static const char *bad[] = {
        "api/search",         /* not from the root */
        "*",                  /* OPTIONS * */
        "http://x/api",       /* absolute form */
        "/a%zz",              /* not hex */
        "/a%2",               /* cut */
        "/a?q=%",             /* cut, in the query */
        "/a%00b",             /* NUL */
        "/a?q=x%00",          /* NUL, in the query */
        "/1/2/3/4/5/6/7/8/9", /* more than WEB_MAX_SEGMENTS */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        web_target t;
        if (web_target_parse(&t, bad[i]))
            fail_msg("accepted %s", bad[i]);
        web_target_release(&t);
    }
    char many[512] = "/?";
    for (int i = 0; i <= WEB_MAX_PARAMS; i++)
        memcpy(many + 2 + 4 * i, "a=1&", 5);
    web_target t;
    assert_false(web_target_parse(&t, many));
    web_target_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segments_and_params),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
