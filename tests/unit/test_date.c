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

/* Dates read on a zone's clocks, from the tz database (tzdata). */
static void test_zones(void **state)
{
    lx_tz *paris = NULL, *utc = NULL, *bad = NULL;
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(lx_tz_open("Europe/Paris", &paris, &why), LX_OK);
    assert_int_equal(lx_tz_open("UTC", &utc, &why), LX_OK);
    assert_string_equal(lx_tz_name(paris), "Europe/Paris");
    assert_false(lx_tz_is_utc(paris));
    assert_true(lx_tz_is_utc(utc));
    assert_true(lx_tz_is_utc(NULL));
    assert_string_equal(lx_tz_name(NULL), "UTC");
    assert_int_equal(lx_tz_open("Mars/Olympus", &bad, &why), LX_E_INVALID);
    assert_null(bad);
    assert_string_equal(why.buf, "unknown time zone 'Mars/Olympus' (an IANA name such as "
                                 "Europe/Paris, UTC, or local)");
    lx_strbuf_reset(&why);
    assert_int_equal(lx_tz_open("/etc/passwd", &bad, &why), LX_E_INVALID);
    lx_strbuf_reset(&why);
    assert_int_equal(lx_tz_open("../../etc/passwd", &bad, &why), LX_E_INVALID);

    /* Offsets at an instant: summer and winter. */
    assert_int_equal(lx_tz_offset(paris, 1492986600), 7200); /* 2017-04-23T22:30Z */
    assert_int_equal(lx_tz_offset(paris, 1484438400), 3600); /* 2017-01-15T00:00Z */
    assert_int_equal(lx_tz_offset(NULL, 1492986600), 0);

    /* A day in Paris; the day summer time starts has 23 hours, the day it
     * ends 25; a time the clocks skip moves past the gap, a time they show
     * twice is its first instant. */
    int64_t lo, hi;
    assert_int_equal(lx_date_parse_query_in("2017-04-24", 10, paris, &lo, &hi), LX_OK);
    assert_int_equal(lo, 1492984800); /* 2017-04-23T22:00:00Z */
    assert_int_equal(hi, 1493071199); /* 2017-04-24T21:59:59Z */
    assert_int_equal(lx_date_parse_query_in("2017-03-26", 10, paris, &lo, &hi), LX_OK);
    assert_int_equal(hi - lo + 1, 23 * 3600);
    assert_int_equal(lx_date_parse_query_in("2017-10-29", 10, paris, &lo, &hi), LX_OK);
    assert_int_equal(hi - lo + 1, 25 * 3600);
    assert_int_equal(lx_date_parse_query_in("2017-03-26T02:30", 16, paris, &lo, &hi), LX_OK);
    assert_int_equal(lo, 1490490000); /* 03:00 +02:00 = 01:00Z */
    assert_int_equal(lx_date_parse_query_in("2017-10-29T02:30", 16, paris, &lo, &hi), LX_OK);
    assert_int_equal(lo, 1509237000); /* 02:30 +02:00 = 00:30Z */
    assert_int_equal(lx_date_parse_query_in("2022", 4, paris, &lo, &hi), LX_OK);
    assert_int_equal(lo, 1640991600); /* 2021-12-31T23:00:00Z */
    /* A final Z is UTC whatever the zone. */
    assert_int_equal(lx_date_parse_query_in("2017-04-24T00:00Z", 17, paris, &lo, &hi), LX_OK);
    assert_int_equal(lo, 1492992000);
    bool lo_set, hi_set;
    assert_int_equal(
        lx_date_parse_range_in("2017-04..2017-04-24", paris, &lo_set, &lo, &hi_set, &hi), LX_OK);
    assert_int_equal(lo, 1490997600); /* 2017-03-31T22:00:00Z */
    assert_int_equal(hi, 1493071199);
    lx_tz_free(paris);
    lx_tz_free(utc);
    lx_strbuf_release(&why);
}

static void test_local_format(void **state)
{
    char buf[32];
    lx_date_format_local(1492986600, 7200, buf);
    assert_string_equal(buf, "2017-04-24T00:30:00+02:00");
    lx_date_format_local(1492986600, -(4 * 3600 + 30 * 60), buf);
    assert_string_equal(buf, "2017-04-23T18:00:00-04:30");
    lx_date_format_local(1492986600, 0, buf);
    assert_string_equal(buf, "2017-04-23T22:30:00+00:00");
    int off;
    assert_true(lx_date_parse_offset("+05:30", &off));
    assert_int_equal(off, 19800);
    assert_true(lx_date_parse_offset("-00:30", &off));
    assert_int_equal(off, -1800);
    static const char *const bad[] = {"", "+0530", "05:30", "+05:3", "+05:300", "+24:00", "+05:60"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(lx_date_parse_offset(bad[i], &off));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_round_trip),
        cmocka_unit_test(test_format_iso),
        cmocka_unit_test(test_query_periods),
        cmocka_unit_test(test_query_ranges),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_local_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
