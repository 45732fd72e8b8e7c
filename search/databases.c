/* databases.c - describing the databases a search ran over (exports, warnings). */
#include "databases.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "banned.h"

/* A revision, or null when the database does not tell it. */
static void revision(lx_strbuf *m, long long rev)
{
    if (rev >= 0)
        lx_strbuf_addf(m, "%lld", rev);
    else
        lx_strbuf_addstr(m, "null");
}

lx_status lx_databases_json(lx_db *db, const char *const *paths, size_t n_paths, lx_strbuf *m)
{
    /* The revision the handle reads now: the one the hits come from when
     * no reopen happens meanwhile (lx_db_reopens). */
    lx_status st = lx_db_parts_refresh(db);
    if (st)
        return st;
    size_t n = lx_db_parts(db);
    long long rev = -1;
    const char *created = NULL, *updated = NULL;
    unsigned long long documents = 0;
    for (size_t i = 0; i < n; i++) {
        lx_db_part_info p;
        lx_db_part(db, i, &p);
        /* ISO 8601 UTC strings compare as the times they name. */
        if (*p.created && (!created || strcmp(p.created, created) < 0))
            created = p.created;
        if (*p.updated && (!updated || strcmp(p.updated, updated) > 0))
            updated = p.updated;
        documents += p.documents;
        rev = n == 1 ? p.revision : -1;
    }
    char *abs = n_paths == 1 ? realpath(paths[0], NULL) : NULL;
    lx_strbuf_addstr(m, "{\"path\":");
    lx_escape_json_or_null(m, n_paths == 1 ? (abs ? abs : paths[0]) : NULL);
    free(abs);
    lx_strbuf_addstr(m, ",\"created\":");
    lx_escape_json_or_null(m, created);
    lx_strbuf_addstr(m, ",\"updated\":");
    lx_escape_json_or_null(m, updated);
    lx_strbuf_addf(m, ",\"documents\":%llu,\"revision\":", documents);
    revision(m, rev);
    if (n > 1) {
        lx_strbuf_addstr(m, ",\"databases\":[");
        for (size_t i = 0; i < n; i++) {
            lx_db_part_info p;
            lx_db_part(db, i, &p);
            char *pabs = p.label[0] == '/' || strncmp(p.label, "remote ", 7) == 0
                             ? NULL
                             : realpath(p.label, NULL);
            lx_strbuf_addstr(m, i ? ",{\"path\":" : "{\"path\":");
            lx_escape_json_or_null(m, pabs ? pabs : p.label);
            free(pabs);
            lx_strbuf_addstr(m, ",\"created\":");
            lx_escape_json_or_null(m, p.created);
            lx_strbuf_addstr(m, ",\"updated\":");
            lx_escape_json_or_null(m, p.updated);
            lx_strbuf_addf(m, ",\"documents\":%u,\"revision\":", p.documents);
            revision(m, p.revision);
            lx_strbuf_addstr(m, ",\"shards\":");
            lx_escape_json_or_null(m, p.shards);
            lx_strbuf_addf(m, ",\"missing\":%s}", p.missing ? "true" : "false");
        }
        lx_strbuf_addch(m, ']');
    }
    return lx_strbuf_addch(m, '}');
}
