/* hitlist.c - a list of hits as JSON, NDJSON or CSV text: the envelope, each hit, the end. */
#include "hitlist.h"

#include <string.h>

#include "hitcsv.h"
#include "hitjson.h"
#include "banned.h"

bool lx_format_parse(const char *s, lx_format *out)
{
    static const struct {
        const char *name;
        lx_format f;
    } names[] = {{"text", LX_FMT_TEXT},
                 {"json", LX_FMT_JSON},
                 {"ndjson", LX_FMT_NDJSON},
                 {"csv", LX_FMT_CSV}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return true;
        }
    }
    return false;
}

void lx_page(size_t n, size_t offset, size_t limit, size_t *begin, size_t *end)
{
    *begin = offset < n ? offset : n;
    *end = limit && limit < n - *begin ? *begin + limit : n;
}

lx_status lx_hitlist_begin(lx_strbuf *sb, lx_format format, size_t total, size_t offset,
                           const char *meta, bool bom)
{
    lx_status st = LX_OK;
    if (format == LX_FMT_JSON) {
        st = lx_strbuf_addf(sb, "{\"version\":%d,", LX_JSON_VERSION);
        if (!st && meta)
            st = lx_strbuf_addf(sb, "\"export\":%s,", meta);
        if (!st)
            st = lx_strbuf_addf(sb, "\"total\":%zu,\"offset\":%zu,\"hits\":[", total, offset);
    } else if (format == LX_FMT_CSV) {
        if (bom)
            st = lx_strbuf_addstr(sb, "\xEF\xBB\xBF");
        if (!st)
            st = lx_hitcsv_header(sb);
    }
    return st;
}

lx_status lx_hitlist_hit(lx_strbuf *sb, lx_format format, size_t i, const lx_record *rec,
                         bool shown)
{
    lx_status st = LX_OK;
    switch (format) {
    case LX_FMT_TEXT: break;
    case LX_FMT_JSON:
        st = lx_strbuf_addstr(sb, i ? ",\n" : "\n");
        if (!st)
            st = lx_hitjson_hit(sb, rec, false);
        break;
    case LX_FMT_NDJSON:
        st = lx_hitjson_hit(sb, rec, false);
        if (!st)
            st = lx_strbuf_addch(sb, '\n');
        break;
    case LX_FMT_CSV: st = lx_hitcsv_row(sb, rec, shown); break;
    }
    return st;
}

lx_status lx_hitlist_end(lx_strbuf *sb, lx_format format, size_t n)
{
    if (format == LX_FMT_JSON)
        return lx_strbuf_addstr(sb, n ? "\n]}\n" : "]}\n");
    return LX_OK;
}
