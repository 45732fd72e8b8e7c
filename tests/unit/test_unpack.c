/* test_unpack.c - reading archives with limits: what is not an archive. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unpack.h"

static int count_member(void *ctx, const char *name, const char *data, size_t len, bool too_big)
{
    (*(size_t *)ctx)++;
    return 0;
}

static void test_unpack_not_an_archive(void **state)
{
    lx_unpack_limits lim = {1000, 10, 100, 1000, NULL, 0};
    lx_unpack_end end;
    size_t n = 0;
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(
        lx_unpack_each("hello, not a zip", 16, false, &lim, count_member, &n, &end, &why), LX_OK);
    assert_int_equal(end, LX_UNPACK_DAMAGED);
    assert_int_equal(n, 0);
    assert_true(why.len > 0);
    lx_strbuf_release(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unpack_not_an_archive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
