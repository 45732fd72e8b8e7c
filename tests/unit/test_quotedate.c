/* test_quotedate.c - the free-text dates of quoted header blocks and attribution lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "date.h"
#include "quotedate.h"

static void expect_date(const char *s, int y, int mo, int d, int h, int mi, bool zone, bool time)
{
    int64_t t;
    bool z, tm;
    assert_true(lx_quotedate_parse(s, &t, &z, &tm));
    assert_int_equal(t, lx_date_from_civil(y, mo, d, h, mi, 0));
    assert_int_equal(z, zone);
    assert_int_equal(tm, time);
}

static void test_dates(void **state)
{
    (void)state;
    expect_date("Tuesday, March 7, 2017 10:30 AM", 2017, 3, 7, 10, 30, false, true);
    expect_date("Tuesday, March 7, 2017 10:30 PM", 2017, 3, 7, 22, 30, false, true);
    expect_date("mardi 7 mars 2017 10:30", 2017, 3, 7, 10, 30, false, true);
    expect_date("mar. 7 mars 2017 \xC3\xA0 10:30", 2017, 3, 7, 10, 30, false, true);
    expect_date("Tue, Mar 7, 2017 at 12:05 AM", 2017, 3, 7, 0, 5, false, true);
    expect_date("7 mars 2017 \xC3\xA0 10h30", 2017, 3, 7, 10, 30, false, true);
    expect_date("Tue, 7 Mar 2017 10:30:00 +0100", 2017, 3, 7, 9, 30, true, true);
    expect_date("2017-03-07 10:30", 2017, 3, 7, 10, 30, false, true);
    expect_date("1er f\xC3\xA9vrier 2017", 2017, 2, 1, 0, 0, false, false);
    expect_date("25/12/2016 08:00", 2016, 12, 25, 8, 0, false, true);
    int64_t t;
    bool z, tm;
    assert_false(lx_quotedate_parse("03/04/2017 08:00", &t, &z, &tm)); /* which is day? */
    assert_false(lx_quotedate_parse("31 avril 2017", &t, &z, &tm));
    assert_false(lx_quotedate_parse("someday", &t, &z, &tm));
    assert_false(lx_quotedate_parse("", &t, &z, &tm));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
