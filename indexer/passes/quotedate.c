/* quotedate.c - the free-text dates of quoted header blocks, English or French. */
#include "quotedate.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "quote.h"
#include "banned.h"

static int month_of(const char *t, size_t len, bool *full)
{
    static const struct {
        const char *name;
        int month;
        bool full;
    } months[] = {
        {"january", 1, true},  {"february", 2, true},  {"march", 3, true},
        {"april", 4, true},    {"may", 5, true},       {"june", 6, true},
        {"july", 7, true},     {"august", 8, true},    {"september", 9, true},
        {"october", 10, true}, {"november", 11, true}, {"december", 12, true},
        {"janvier", 1, true},  {"fevrier", 2, true},   {"mars", 3, true},
        {"avril", 4, true},    {"mai", 5, true},       {"juin", 6, true},
        {"juillet", 7, true},  {"aout", 8, true},      {"septembre", 9, true},
        {"octobre", 10, true}, {"novembre", 11, true}, {"decembre", 12, true},
        {"jan", 1, false},     {"feb", 2, false},      {"mar", 3, false},
        {"apr", 4, false},     {"jun", 6, false},      {"jul", 7, false},
        {"aug", 8, false},     {"sep", 9, false},      {"sept", 9, false},
        {"oct", 10, false},    {"nov", 11, false},     {"dec", 12, false},
        {"janv", 1, false},    {"fevr", 2, false},     {"fev", 2, false},
        {"avr", 4, false},     {"juil", 7, false},
    };
    if (len && t[len - 1] == '.')
        len--;
    for (size_t i = 0; i < sizeof months / sizeof months[0]; i++)
        if (strlen(months[i].name) == len && memcmp(t, months[i].name, len) == 0) {
            *full = months[i].full;
            return months[i].month;
        }
    return 0;
}

static bool all_digits(const char *t, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (t[i] < '0' || t[i] > '9')
            return false;
    return len > 0;
}

static int num(const char *t, size_t len)
{
    int v = 0;
    for (size_t i = 0; i < len && i < 9; i++)
        v = v * 10 + (t[i] - '0');
    return v;
}

/* "+0100", "-05:00", "+01": minutes east of UTC. */
static bool zone_of(const char *t, size_t len, int *minutes)
{
    if (len < 3 || (t[0] != '+' && t[0] != '-'))
        return false;
    int sign = t[0] == '-' ? -1 : 1;
    const char *d = t + 1;
    size_t dl = len - 1;
    int h, m = 0;
    if (dl == 4 && all_digits(d, 4)) {
        h = num(d, 2);
        m = num(d + 2, 2);
    } else if (dl == 5 && d[2] == ':' && all_digits(d, 2) && all_digits(d + 3, 2)) {
        h = num(d, 2);
        m = num(d + 3, 2);
    } else if (dl <= 2 && all_digits(d, dl)) {
        h = num(d, dl);
    } else {
        return false;
    }
    if (h > 14 || m > 59)
        return false;
    *minutes = sign * (h * 60 + m);
    return true;
}

/* "10:30", "10:30:15", "10h30", "10h", with "am"/"pm" glued on or not. */
static bool time_of(const char *t, size_t len, int *h, int *m, int *s, int *ampm)
{
    size_t i = 0;
    while (i < len && i < 2 && t[i] >= '0' && t[i] <= '9')
        i++;
    if (i == 0 || i == len || (t[i] != ':' && t[i] != 'h'))
        return false;
    *h = num(t, i);
    char sep = t[i++];
    *m = *s = 0;
    if (i + 2 <= len && all_digits(t + i, 2)) {
        *m = num(t + i, 2);
        i += 2;
        if (sep == ':' && i + 3 <= len && t[i] == ':' && all_digits(t + i + 1, 2)) {
            *s = num(t + i + 1, 2);
            i += 3;
        }
    } else if (sep == ':') {
        return false;
    }
    if (i < len) {
        if (len - i == 2 && (memcmp(t + i, "am", 2) == 0 || memcmp(t + i, "pm", 2) == 0))
            *ampm = t[i] == 'a' ? 1 : 2;
        else
            return false;
    }
    return *h <= 23 && *m <= 59 && *s <= 60;
}

bool lx_quotedate_parse(const char *s, int64_t *t, bool *has_zone, bool *has_time)
{
    *t = 0;
    *has_zone = *has_time = false;
    size_t slen = strnlen(s, 512);
    lx_strbuf f;
    lx_strbuf_init(&f);
    if (lx_quote_fold(&f, s, slen) != LX_OK) {
        lx_strbuf_release(&f);
        return false;
    }
    int year = 0, month = 0, abbr_month = 0, day = 0, h = -1, mi = 0, sec = 0, ampm = 0;
    int zone = 0;
    bool zoned = false;
    const char *p = f.buf, *end = f.buf + f.len;
    while (p < end) {
        while (p < end && strchr(" \t,;()[]", *p))
            p++;
        const char *b = p;
        while (p < end && !strchr(" \t,;()[]", *p))
            p++;
        size_t len = (size_t)(p - b);
        if (!len || memchr(b, '@', len))
            continue;
        int hh, mm, ss, ap = 0;
        bool full;
        int mo;
        if (len == 10 && b[4] == '-' && b[7] == '-' && all_digits(b, 4) && all_digits(b + 5, 2) &&
            all_digits(b + 8, 2)) {
            year = num(b, 4);
            month = num(b + 5, 2);
            day = num(b + 8, 2);
        } else if (len >= 8 && len <= 10 && memchr(b, '/', len)) {
            /* d/m/yyyy or m/d/yyyy: read only when one reading is possible. */
            int a = 0, c = 0, y = 0, k = 0;
            const char *q = b;
            for (; k < 3 && q < p; k++) {
                const char *e = memchr(q, '/', (size_t)(p - q));
                if (!e)
                    e = p;
                if (!all_digits(q, (size_t)(e - q)))
                    break;
                int v = num(q, (size_t)(e - q));
                if (k == 0)
                    a = v;
                else if (k == 1)
                    c = v;
                else
                    y = (e - q) == 4 ? v : 0;
                q = e + 1;
            }
            if (k == 3 && y && a && c) {
                if (a > 12 && c <= 12) {
                    day = a;
                    month = c;
                } else if (c > 12 && a <= 12) {
                    day = c;
                    month = a;
                } else if (a == c) {
                    day = month = a;
                }
                if (month)
                    year = y;
            }
        } else if (time_of(b, len, &hh, &mm, &ss, &ap)) {
            if (h < 0) {
                h = hh;
                mi = mm;
                sec = ss;
                ampm = ap;
            }
        } else if ((len == 2 && (memcmp(b, "am", 2) == 0 || memcmp(b, "pm", 2) == 0)) ||
                   (len == 4 && (memcmp(b, "a.m.", 4) == 0 || memcmp(b, "p.m.", 4) == 0))) {
            if (h >= 0 && !ampm)
                ampm = b[0] == 'a' ? 1 : 2;
        } else if (h >= 0 && !zoned && zone_of(b, len, &zone)) {
            zoned = true;
        } else if (h >= 0 && !zoned && (strncmp(b, "gmt", 3) == 0 || strncmp(b, "utc", 3) == 0) &&
                   (len == 3 || zone_of(b + 3, len - 3, &zone))) {
            zoned = true;
        } else if (len == 4 && all_digits(b, 4)) {
            if (!year)
                year = num(b, 4);
        } else if ((mo = month_of(b, len, &full))) {
            if (full && !month)
                month = mo;
            else if (!full && !abbr_month)
                abbr_month = mo;
        } else {
            /* "7", "07", "1er", "3rd": the day. */
            size_t d = 0;
            while (d < len && d < 2 && b[d] >= '0' && b[d] <= '9')
                d++;
            bool suffix =
                d == len ||
                (len - d == 2 && (memcmp(b + d, "er", 2) == 0 || memcmp(b + d, "st", 2) == 0 ||
                                  memcmp(b + d, "nd", 2) == 0 || memcmp(b + d, "rd", 2) == 0 ||
                                  memcmp(b + d, "th", 2) == 0));
            if (d && suffix && !day && (d == len || d < len)) {
                int v = num(b, d);
                if (v >= 1 && v <= 31)
                    day = v;
            }
        }
    }
    lx_strbuf_release(&f);
    if (!month)
        month = abbr_month;
    if (!year || !month || !day || year < 1970 || year > 2200)
        return false;
    if (h >= 0) {
        if (ampm == 1 && h == 12)
            h = 0;
        else if (ampm == 2 && h < 12)
            h += 12;
        if (ampm && h > 23)
            return false;
    }
    int64_t v =
        lx_date_from_civil(year, month, day, h >= 0 ? h : 0, h >= 0 ? mi : 0, h >= 0 ? sec : 0);
    int y2, m2, d2, x1, x2, x3;
    lx_date_to_civil(v, &y2, &m2, &d2, &x1, &x2, &x3);
    if (y2 != year || m2 != month || d2 != day)
        return false; /* 31 April */
    *has_time = h >= 0;
    *has_zone = zoned && h >= 0;
    *t = *has_zone ? v - (int64_t)zone * 60 : v;
    return true;
}
