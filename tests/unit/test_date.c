/* test_date.c - UTC calendar arithmetic and the query date syntax. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "date.h"

static void test_civil_round_trip(void **state)
{
    static const struct {
        int y, m, d, h, mi, s;
        int64_t t;
    } cases[] = {
        {1970, 1, 1, 0, 0, 0, 0},
        {2000, 2, 29, 12, 0, 0, 951825600},
        {2017, 4, 24, 21, 30, 0, 1493069400},
        {1969, 12, 31, 23, 59, 59, -1},
        {2038, 1, 19, 3, 14, 8, 2147483648LL},
        {2100, 3, 1, 0, 0, 0, 4107542400LL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(lx_date_from_civil(cases[i].y, cases[i].m, cases[i].d, cases[i].h,
                                            cases[i].mi, cases[i].s),
                         cases[i].t);
        int y, m, d, h, mi, s;
        lx_date_to_civil(cases[i].t, &y, &m, &d, &h, &mi, &s);
        assert_int_equal(y, cases[i].y);
        assert_int_equal(m, cases[i].m);
        assert_int_equal(d, cases[i].d);
        assert_int_equal(h, cases[i].h);
        assert_int_equal(mi, cases[i].mi);
        assert_int_equal(s, cases[i].s);
    }
}

static void test_format_iso(void **state)
{
    char buf[32];
    lx_date_format_iso(1493069400, buf);
    assert_string_equal(buf, "2017-04-24T21:30:00Z");
    lx_date_format_iso(0, buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
}

static void test_query_periods(void **state)
{
    static const struct {
        const char *s;
        int64_t first, last;
    } ok[] = {
        {"2017", 1483228800, 1514764799},
        {"2016-02", 1454284800, 1456790399}, /* leap February */
        {"2017-12", 1512086400, 1514764799},
        {"2017-04-24", 1492992000, 1493078399},
        {"2017-04-24T21:30", 1493069400, 1493069459},
        {"2017-04-24T21:30:15Z", 1493069415, 1493069415},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t a, b;
        assert_int_equal(lx_date_parse_query(ok[i].s, strlen(ok[i].s), &a, &b), LX_OK);
        assert_int_equal(a, ok[i].first);
        assert_int_equal(b, ok[i].last);
    }
    static const char *const bad[] = {"",
                                      "17",
                                      "2017-",
                                      "2017-13",
                                      "2017-00",
                                      "2017-02-30",
                                      "2017-4-24",
                                      "2017/04/24",
                                      "2017-04-24T25:00",
                                      "2017-04-24 10:00",
                                      "20170424",
                                      "2017-04-24Tfoo",
                                      "yesterday"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t a, b;
        assert_int_equal(lx_date_parse_query(bad[i], strlen(bad[i]), &a, &b), LX_E_INVALID);
    }
}

static void test_query_ranges(void **state)
{
    bool lo_set, hi_set;
    int64_t lo, hi;
    assert_int_equal(lx_date_parse_range("2016-01-01..2017-04-24", &lo_set, &lo, &hi_set, &hi),
                     LX_OK);
    assert_true(lo_set && hi_set);
    assert_int_equal(lo, 1451606400);
    assert_int_equal(hi, 1493078399);

    assert_int_equal(lx_date_parse_range("..2010", &lo_set, &lo, &hi_set, &hi), LX_OK);
    assert_false(lo_set);
    assert_true(hi_set);
    assert_int_equal(hi, 1293839999);

    assert_int_equal(lx_date_parse_range("2016..", &lo_set, &lo, &hi_set, &hi), LX_OK);
    assert_true(lo_set);
    assert_false(hi_set);
    assert_int_equal(lo, 1451606400);

    assert_int_equal(lx_date_parse_range("2017-04-24", &lo_set, &lo, &hi_set, &hi), LX_OK);
    assert_int_equal(lo, 1492992000);
    assert_int_equal(hi, 1493078399);

    assert_int_equal(lx_date_parse_range("..", &lo_set, &lo, &hi_set, &hi), LX_E_INVALID);
    assert_int_equal(lx_date_parse_range("2017..2016", &lo_set, &lo, &hi_set, &hi), LX_E_INVALID);
    assert_int_equal(lx_date_parse_range("2017..x", &lo_set, &lo, &hi_set, &hi), LX_E_INVALID);
    assert_int_equal(lx_date_parse_range("2017...2018", &lo_set, &lo, &hi_set, &hi), LX_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_round_trip),
        cmocka_unit_test(test_format_iso),
        cmocka_unit_test(test_query_periods),
        cmocka_unit_test(test_query_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
