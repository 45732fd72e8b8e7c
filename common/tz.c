/* tz.c - time zones through GLib's reader of the IANA tz database. */
#include "tz.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct lx_tz {
    GTimeZone *zone;
    bool utc;
    char *name;
};

lx_status lx_tz_open(const char *name, lx_tz **out, lx_strbuf *why)
{
    *out = NULL;
    lx_tz *tz = calloc(1, sizeof *tz);
    if (!tz)
        return LX_E_NOMEM;
    if (strcmp(name, "UTC") == 0 || strcmp(name, "utc") == 0 || strcmp(name, "Z") == 0) {
        tz->zone = g_time_zone_new_utc();
        tz->utc = true;
    } else if (strcmp(name, "local") == 0) {
        tz->zone = g_time_zone_new_local();
    } else if (*name && name[0] != '/' && !strstr(name, "..")) {
        /* NULL for a name the database does not have (GLib >= 2.68). A
         * path is refused: a zone is named, not read from anywhere. */
        tz->zone = g_time_zone_new_identifier(name);
    }
    if (!tz->zone) {
        lx_strbuf_addf(
            why, "unknown time zone '%s' (an IANA name such as Europe/Paris, UTC, or local)", name);
        free(tz);
        return LX_E_INVALID;
    }
    const char *id = g_time_zone_get_identifier(tz->zone);
    tz->name = strdup(tz->utc ? "UTC" : id && *id ? id : name);
    if (!tz->name) {
        lx_tz_free(tz);
        return LX_E_NOMEM;
    }
    /* "local" on a machine set to UTC, "Etc/UTC"...: UTC's fast paths. */
    if (!tz->utc && g_time_zone_get_offset(tz->zone, 0) == 0 &&
        g_time_zone_find_interval(tz->zone, G_TIME_TYPE_UNIVERSAL, G_MAXINT32) == 0)
        tz->utc = true;
    *out = tz;
    return LX_OK;
}

void lx_tz_free(lx_tz *tz)
{
    if (!tz)
        return;
    if (tz->zone)
        g_time_zone_unref(tz->zone);
    free(tz->name);
    free(tz);
}

const char *lx_tz_name(const lx_tz *tz)
{
    return tz ? tz->name : "UTC";
}

bool lx_tz_is_utc(const lx_tz *tz)
{
    return !tz || tz->utc;
}

int lx_tz_offset(const lx_tz *tz, int64_t t)
{
    if (lx_tz_is_utc(tz))
        return 0;
    gint interval = g_time_zone_find_interval(tz->zone, G_TIME_TYPE_UNIVERSAL, t);
    return interval < 0 ? 0 : (int)g_time_zone_get_offset(tz->zone, interval);
}

int64_t lx_tz_to_utc(const lx_tz *tz, int64_t local)
{
    if (lx_tz_is_utc(tz))
        return local;
    /* Summer time's interval comes first when a time is shown twice. */
    gint64 t = local;
    gint interval = g_time_zone_adjust_time(tz->zone, G_TIME_TYPE_DAYLIGHT, &t);
    return t - g_time_zone_get_offset(tz->zone, interval);
}
