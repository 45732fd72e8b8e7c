/* tz.h - a time zone from the system's tz database, to read and show dates in. */
#ifndef LX_TZ_H
#define LX_TZ_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"
#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A zone in which a reporter reads dates (leakdex-search --tz). Built on
 * GLib's GTimeZone, which reads the IANA tz database (/usr/share/zoneinfo,
 * Debian's tzdata) itself: no TZ variable is set and no localtime() called,
 * so nothing global changes and threads may share a zone. NULL everywhere
 * means UTC.
 */
typedef struct lx_tz lx_tz;

/*
 * Opens the zone named name: "UTC" (or "utc", "Z"), an IANA name such as
 * "Europe/Paris", or "local" (the machine's: $TZ, else /etc/localtime). On
 * success *out is a zone the caller frees with lx_tz_free; LX_E_INVALID
 * with a one-line reason appended to why for a name the tz database does
 * not know.
 */
lx_status lx_tz_open(const char *name, lx_tz **out, lx_strbuf *why);
void lx_tz_free(lx_tz *tz);

/* The zone's name for display: the IANA name, or what "local" resolved to;
 * owned by the zone. "UTC" for NULL. */
const char *lx_tz_name(const lx_tz *tz);

/* Whether the zone is UTC (NULL is). */
bool lx_tz_is_utc(const lx_tz *tz);

/* The zone's offset from UTC, in seconds east, at the instant t (seconds
 * since the epoch). 0 for NULL. */
int lx_tz_offset(const lx_tz *tz, int64_t t);

/*
 * The instant (seconds since the epoch) at which the zone's clocks show the
 * wall-clock time local, written as seconds since 1970-01-01T00:00 on that
 * clock (lx_date_from_civil of the local fields). A time the clocks skip
 * (the hour lost when summer time starts) is moved to the end of the gap; a
 * time they show twice (the hour repeated in autumn) is its first instant.
 * NULL: local itself (UTC).
 */
int64_t lx_tz_to_utc(const lx_tz *tz, int64_t local);

#ifdef __cplusplus
}
#endif

#endif
