/* date.c - calendar arithmetic in UTC and the date syntax of queries. */
#include "date.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * well-known civil-days algorithm, written out here from its description). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t lx_date_from_civil(int year, int month, int day, int hour, int min, int sec)
{
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}

void lx_date_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec)
{
    int64_t days = t / 86400, rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(y + (m <= 2));
    *month = m;
    *day = d;
    *hour = (int)(rem / 3600);
    *min = (int)(rem % 3600 / 60);
    *sec = (int)(rem % 60);
}

void lx_date_format_iso(int64_t t, char buf[32])
{
    int y, mo, d, h, mi, s;
    lx_date_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    if (y < 0)
        y = 0;
    if (y > 9999)
        y = 9999;
    snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : len[m - 1];
}

/* Reads exactly n digits at s[*i]. */
static bool digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return false;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    *out = v;
    return true;
}

static bool expect(const char *s, size_t len, size_t *i, char c)
{
    if (*i < len && s[*i] == c) {
        (*i)++;
        return true;
    }
    return false;
}

/* Parses a query date as lx_date_parse_query describes, on a clock of its
 * own: *first and *next are the first second of the period and of the one
 * after it, written as seconds since 1970-01-01T00:00 on that clock; *utc
 * says a final Z named UTC. */
static lx_status parse_period(const char *s, size_t len, int64_t *first, int64_t *next, bool *utc)
{
    size_t i = 0;
    *utc = false;
    int y, m = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(s, len, &i, 4, &y))
        return LX_E_INVALID;
    if (i == len) {
        *first = lx_date_from_civil(y, 1, 1, 0, 0, 0);
        *next = lx_date_from_civil(y + 1, 1, 1, 0, 0, 0);
        return LX_OK;
    }
    if (!expect(s, len, &i, '-') || !digits(s, len, &i, 2, &m) || m < 1 || m > 12)
        return LX_E_INVALID;
    if (i == len) {
        *first = lx_date_from_civil(y, m, 1, 0, 0, 0);
        *next = m == 12 ? lx_date_from_civil(y + 1, 1, 1, 0, 0, 0)
                        : lx_date_from_civil(y, m + 1, 1, 0, 0, 0);
        return LX_OK;
    }
    if (!expect(s, len, &i, '-') || !digits(s, len, &i, 2, &d) || d < 1 || d > month_days(y, m))
        return LX_E_INVALID;
    if (i == len) {
        *first = lx_date_from_civil(y, m, d, 0, 0, 0);
        *next = *first + 86400;
        return LX_OK;
    }
    if (!(expect(s, len, &i, 'T') || expect(s, len, &i, 't')) || !digits(s, len, &i, 2, &h) ||
        h > 23 || !expect(s, len, &i, ':') || !digits(s, len, &i, 2, &mi) || mi > 59)
        return LX_E_INVALID;
    bool has_sec = false;
    if (expect(s, len, &i, ':')) {
        if (!digits(s, len, &i, 2, &sec) || sec > 60)
            return LX_E_INVALID;
        has_sec = true;
    }
    *utc = expect(s, len, &i, 'Z') || expect(s, len, &i, 'z');
    if (i != len)
        return LX_E_INVALID;
    *first = lx_date_from_civil(y, m, d, h, mi, sec);
    *next = *first + (has_sec ? 1 : 60);
    return LX_OK;
}

lx_status lx_date_parse_query_in(const char *s, size_t len, const lx_tz *tz, int64_t *first,
                                 int64_t *last)
{
    int64_t a, b;
    bool utc;
    if (parse_period(s, len, &a, &b, &utc))
        return LX_E_INVALID;
    if (utc)
        tz = NULL;
    *first = lx_tz_to_utc(tz, a);
    *last = lx_tz_to_utc(tz, b) - 1;
    return LX_OK;
}

lx_status lx_date_parse_query(const char *s, size_t len, int64_t *first, int64_t *last)
{
    return lx_date_parse_query_in(s, len, NULL, first, last);
}

lx_status lx_date_parse_range(const char *s, bool *has_lo, int64_t *lo, bool *has_hi, int64_t *hi)
{
    return lx_date_parse_range_in(s, NULL, has_lo, lo, has_hi, hi);
}

lx_status lx_date_parse_range_in(const char *s, const lx_tz *tz, bool *has_lo, int64_t *lo,
                                 bool *has_hi, int64_t *hi)
{
    size_t len = strlen(s);
    const char *dots = strstr(s, "..");
    int64_t a, b;
    *has_lo = *has_hi = false;
    if (!dots) {
        if (lx_date_parse_query_in(s, len, tz, lo, hi))
            return LX_E_INVALID;
        *has_lo = *has_hi = true;
        return LX_OK;
    }
    size_t left = (size_t)(dots - s), right = len - left - 2;
    if (left == 0 && right == 0)
        return LX_E_INVALID;
    if (left) {
        if (lx_date_parse_query_in(s, left, tz, lo, &b))
            return LX_E_INVALID;
        *has_lo = true;
    }
    if (right) {
        if (lx_date_parse_query_in(dots + 2, right, tz, &a, hi))
            return LX_E_INVALID;
        *has_hi = true;
    }
    if (*has_lo && *has_hi && *lo > *hi)
        return LX_E_INVALID;
    return LX_OK;
}

void lx_date_format_local(int64_t t, int offset, char buf[32])
{
    int y, mo, d, h, mi, s;
    lx_date_to_civil(t + offset, &y, &mo, &d, &h, &mi, &s);
    if (y < 0)
        y = 0;
    if (y > 9999)
        y = 9999;
    int a = offset < 0 ? -offset : offset;
    snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo, d, h, mi, s,
             offset < 0 ? '-' : '+', a / 3600 % 100, a / 60 % 60);
}

bool lx_date_parse_offset(const char *s, int *offset)
{
    size_t i = 1;
    int h, m;
    if ((s[0] != '+' && s[0] != '-') || !digits(s, 6, &i, 2, &h) || !expect(s, 6, &i, ':') ||
        !digits(s, 6, &i, 2, &m) || s[6] != '\0' || h > 23 || m > 59)
        return false;
    *offset = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return true;
}
