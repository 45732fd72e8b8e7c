/* reverify.c - re-running DKIM verification over an existing index. */
#include "reverify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "evidence.h"
#include "mbox.h"
#include "message.h"
#include "record.h"
#include "sha256.h"
#include "store.h"
#include "banned.h"

/* lx_reverify_read_original, and the bytes as stored into stored (when not
 * NULL) for a message of an mbox whose ">From " quoting was undone; stored
 * stays empty otherwise. */
static lx_status read_original(const lx_record *rec, const char *sha, lx_strbuf *canon,
                               lx_strbuf *stored, lx_atime_stats *atimes, const char **first_path,
                               const char **why)
{
    lx_strbuf raw;
    lx_strbuf_init(&raw);
    lx_status st = LX_E_NOT_FOUND;
    *why = "no location recorded";
    for (size_t i = 0; i < rec->n && st; i++) {
        if (strcmp(rec->pairs[i].key, "path") != 0)
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
        lx_strbuf_reset(canon);
        char got[LX_SHA256_HEX_LEN + 1];
        if ((st = lx_mbox_canonical(canon, raw.buf, raw.len, in_mbox)) ||
            (st = lx_sha256_hex(canon->buf, canon->len, got)))
            break;
        if (strcmp(got, sha) == 0) {
            st = LX_OK;
            if (stored && in_mbox) {
                lx_strbuf_reset(stored);
                st = lx_mbox_canonical(stored, raw.buf, raw.len, false);
                if (!st && stored->len == canon->len)
                    lx_strbuf_reset(stored); /* nothing was quoted */
            }
        } else {
            *why = "the bytes there no longer hash to the indexed SHA-256";
            st = LX_E_NOT_FOUND;
        }
    }
    lx_strbuf_release(&raw);
    return st;
}

lx_status lx_reverify_read_original(const lx_record *rec, const char *sha, lx_strbuf *canon,
                                    lx_atime_stats *atimes, const char **first_path,
                                    const char **why)
{
    return read_original(rec, sha, canon, NULL, atimes, first_path, why);
}

lx_status lx_reverify(lx_db *db, const lx_keystore *ks, lx_reverify_stats *stats,
                      lx_reverify_warn warn, void *ctx)
{
    lx_docid *ids = NULL;
    size_t n = 0, batch = 0;
    memset(stats, 0, sizeof *stats);
    lx_status st = lx_db_all_docs(db, &ids, &n);
    lx_strbuf canon, stored;
    lx_strbuf_init(&canon);
    lx_strbuf_init(&stored);
    for (size_t i = 0; i < n && !st; i++) {
        char *data = NULL;
        size_t len = 0;
        lx_record rec;
        lx_record_init(&rec);
        stats->documents++;
        if ((st = lx_db_get_data(db, ids[i], &data, &len)) ||
            (st = lx_record_parse(&rec, data, len))) {
            free(data);
            lx_record_release(&rec);
            break;
        }
        const char *sha = lx_record_get(&rec, "sha256");
        const char *old = lx_record_get(&rec, "dkim");
        const char *first = NULL, *why = NULL;
        lx_status rs =
            sha ? read_original(&rec, sha, &canon, &stored, &stats->atimes, &first, &why)
                : LX_E_NOT_FOUND;
        if (rs == LX_E_NOMEM) {
            st = rs;
        } else if (rs) {
            stats->unreadable++;
            char where[4096];
            snprintf(where, sizeof where, "%s", first ? first : sha ? sha : "?");
            char *tab = strchr(where, '\t');
            if (tab)
                *tab = '\0';
            char reason[512];
            snprintf(reason, sizeof reason, "cannot re-verify, verdict kept: %s", why);
            warn(ctx, where, reason);
        } else {
            lx_dkim_verdict v;
            const char *from = lx_record_get(&rec, "from_address");
            lx_dkim_input in = {canon.buf, canon.len, stored.len ? stored.buf : NULL, stored.len,
                                from ? from : ""};
            const char *part, *body = lx_record_get(&rec, "body");
            size_t part_len;
            if (!(st = lx_dkim_verify_message(ks, &in, &v)) &&
                lx_dkim_signed_part(&v, &in, &part, &part_len))
                st = lx_message_signed_text(part, part_len, body ? body : "",
                                            body ? strlen(body) : 0, &v.signed_text);
            if (st) {
                lx_dkim_verdict_release(&v);
            } else {
                stats->verified++;
                stats->verdicts[v.verdict]++;
                stats->yes += v.verified == LX_VERIFIED_YES;
                stats->partial += v.verified == LX_VERIFIED_PARTIAL;
                if (!old || strcmp(old, lx_dkim_result_name(v.verdict)) != 0)
                    stats->changed++;
                st = lx_store_set_dkim(db, ids[i], &v);
                lx_dkim_verdict_release(&v);
            }
            if (!st && ++batch >= LX_COMMIT_BATCH) {
                batch = 0;
                st = lx_db_commit(db);
            }
        }
        free(data);
        lx_record_release(&rec);
    }
    lx_strbuf_release(&canon);
    lx_strbuf_release(&stored);
    free(ids);
    return st;
}
