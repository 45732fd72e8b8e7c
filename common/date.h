/* date.h - calendar arithmetic in UTC and the date syntax of queries. */
#ifndef LX_DATE_H
#define LX_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "tz.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Seconds since 1970-01-01T00:00:00Z for a proleptic Gregorian UTC date;
 * no time zone, no leap seconds, independent of TZ. */
int64_t lx_date_from_civil(int year, int month, int day, int hour, int min, int sec);

/* Splits t into its UTC calendar fields. */
void lx_date_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec);

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes; years
 * outside 0..9999 are clamped to the range). */
void lx_date_format_iso(int64_t t, char buf[32]);

/*
 * Parses one end of a query date: "YYYY", "YYYY-MM", "YYYY-MM-DD" or
 * "YYYY-MM-DDTHH:MM[:SS][Z]" (s[0..len), not NUL-terminated). On success
 * *first and *last are the first and last second of the period it names,
 * both inclusive. Returns LX_E_INVALID for anything else, including month 13
 * or 30 February.
 */
lx_status lx_date_parse_query(const char *s, size_t len, int64_t *first, int64_t *last);

/*
 * Parses a whole query date range: "A..B", "A..", "..B" or a single "A"
 * (the whole period A names). has_lo and has_hi say whether each end is
 * bounded; the bounds are inclusive.
 */
lx_status lx_date_parse_range(const char *s, bool *has_lo, int64_t *lo, bool *has_hi, int64_t *hi);

/*
 * As lx_date_parse_query and lx_date_parse_range, the dates read on the
 * clocks of tz (NULL: UTC): "2017-04-24" in Europe/Paris is the instants
 * from 2017-04-23T22:00:00Z to 2017-04-24T21:59:59Z. A period's last second
 * is the one before the next period starts there, so a day of 23 or 25
 * hours (summer time) is whole. A time written with a final Z is UTC
 * whatever tz is.
 */
lx_status lx_date_parse_query_in(const char *s, size_t len, const lx_tz *tz, int64_t *first,
                                 int64_t *last);
lx_status lx_date_parse_range_in(const char *s, const lx_tz *tz, bool *has_lo, int64_t *lo,
                                 bool *has_hi, int64_t *hi);

/* Writes the instant t as the clock at offset seconds east of UTC shows it,
 * with that offset: "2017-04-24T00:30:00+02:00" (buf of at least 26 bytes;
 * years clamped to 0..9999 as lx_date_format_iso does). */
void lx_date_format_local(int64_t t, int offset, char buf[32]);

/* Reads an offset "+02:00", "-05:30" or "+00:00" (hours up to 23) into
 * seconds east of UTC; false for anything else. */
bool lx_date_parse_offset(const char *s, int *offset);

#ifdef __cplusplus
}
#endif

#endif
