/* original.c - reading a stored message back from its source, checked against its SHA-256. */
#include "original.h"

#include <string.h>

#include "mbox.h"
#include "schema.h"
#include "sha256.h"
#include "banned.h"

lx_status lx_original_matches(const char *raw, size_t len, bool in_mbox, const char *sha,
                              lx_strbuf *canon, bool *same)
{
    *same = false;
    lx_strbuf_reset(canon);
    char got[LX_SHA256_HEX_LEN + 1];
    lx_status st = lx_mbox_canonical(canon, raw, len, in_mbox);
    if (!st)
        st = lx_sha256_hex(canon->buf, canon->len, got);
    if (!st)
        *same = strcmp(got, sha) == 0;
    return st;
}

lx_status lx_original_read(const lx_record *rec, const char *sha, lx_strbuf *canon,
                           lx_strbuf *stored, lx_atime_stats *atimes, const char **first_path,
                           const char **why)
{
    lx_strbuf raw;
    lx_strbuf_init(&raw);
    lx_status st = LX_E_NOT_FOUND;
    *why = "no location recorded";
    for (size_t i = 0; i < rec->n && st; i++) {
        if (strcmp(rec->pairs[i].key, LX_DATA_PATH) != 0)
            continue;
        const char *v = rec->pairs[i].value;
        if (!*first_path)
            *first_path = v;
        lx_evidence_loc loc;
        if ((st = lx_evidence_parse(&loc, v)))
            break;
        lx_strbuf_reset(&raw);
        bool in_mbox = loc.in_mbox;
        st = lx_evidence_read(&loc, &raw, atimes, why);
        lx_strbuf_release(&loc.path);
        if (st == LX_E_NOMEM)
            break;
        if (st) {
            st = LX_E_NOT_FOUND;
            continue;
        }
        bool same;
        if ((st = lx_original_matches(raw.buf, raw.len, in_mbox, sha, canon, &same)))
            break;
        if (same) {
            st = LX_OK;
            if (stored && in_mbox) {
                lx_strbuf_reset(stored);
                st = lx_mbox_canonical(stored, raw.buf, raw.len, false);
                if (!st && stored->len == canon->len)
                    lx_strbuf_reset(stored); /* nothing was quoted */
            }
        } else {
            *why = LX_ORIGINAL_CHANGED;
            st = LX_E_NOT_FOUND;
        }
    }
    lx_strbuf_release(&raw);
    return st;
}
