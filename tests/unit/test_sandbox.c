/* test_sandbox.c - running an extractor in a process of its own: output, limits, failures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <time.h>

#include "sandbox.h"

static void test_sandbox(void **state)
{
    lx_sandbox_limits lim = {2, 0, 1 << 20};
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    /* Input in, output out. */
    const char *cat[] = {"cat", NULL};
    assert_int_equal(lx_sandbox_run(cat, "abc", 3, &lim, &out, &why), LX_SANDBOX_OK);
    assert_string_equal(out.buf, "abc");
    /* Output past the limit: cut, the helper stopped. */
    lx_sandbox_limits small = {2, 0, 10};
    lx_strbuf_reset(&out);
    const char *yes[] = {"yes", NULL};
    assert_int_equal(lx_sandbox_run(yes, "", 0, &small, &out, &why), LX_SANDBOX_TRUNCATED);
    assert_int_equal(out.len, 10);
    /* A helper that hangs is killed at the time limit. */
    lx_sandbox_limits quick = {1, 0, 100};
    lx_strbuf_reset(&out);
    const char *sleep_argv[] = {"sleep", "30", NULL};
    time_t t0 = time(NULL);
    assert_int_equal(lx_sandbox_run(sleep_argv, "", 0, &quick, &out, &why), LX_SANDBOX_FAILED);
    assert_true(time(NULL) - t0 < 5);
    assert_string_equal(why.buf, "extraction took longer than 1 s");
    /* Its own reason, from stderr; a crash; a program that is not there. */
    lx_strbuf_reset(&why);
    const char *sh[] = {"sh", "-c", "echo noise >&2; echo 'leakdex-extract: bad file' >&2; exit 1",
                        NULL};
    assert_int_equal(lx_sandbox_run(sh, "", 0, &lim, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "bad file");
    lx_strbuf_reset(&why);
    const char *segv[] = {"sh", "-c", "kill -SEGV $$", NULL};
    assert_int_equal(lx_sandbox_run(segv, "", 0, &lim, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "the extractor crashed (signal 11)");
    lx_strbuf_reset(&why);
    const char *none[] = {"leakdex-no-such-program", NULL};
    assert_int_equal(lx_sandbox_run(none, "", 0, &lim, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "leakdex-no-such-program is not installed");
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sandbox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
