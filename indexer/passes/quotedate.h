/* quotedate.h - the free-text dates of quoted header blocks, English or French. */
#ifndef LX_QUOTEDATE_H
#define LX_QUOTEDATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Reads a date as mail clients write it in quoted header blocks and
 * attributions, English or French: "Tuesday, March 7, 2017 10:30 AM",
 * "mardi 7 mars 2017 10:30", "Tue, Mar 7, 2017 at 10:30 AM", "7 mars 2017 à
 * 10:30", "2017-03-07 10:30", RFC 5322 with a zone. *t is the time written,
 * in seconds as if it were UTC, moved to UTC when a zone was written
 * (*has_zone); *has_time is false when only a day was written. Returns
 * false when no day, month and year can be read.
 */
bool lx_quotedate_parse(const char *s, int64_t *t, bool *has_zone, bool *has_time);

#endif
