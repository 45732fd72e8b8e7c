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
#include "message.h"
#include "evidence.h"
#include "original.h"
#include "record.h"
#include "schema.h"
#include "document.h"
#include "banned.h"

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
        const char *old = lx_record_get(&rec, LX_DATA_DKIM);
        const char *first = NULL, *why = NULL;
        lx_status rs =
            sha ? lx_original_read(&rec, sha, &canon, &stored, &stats->atimes, &first, &why)
                : LX_E_NOT_FOUND;
        if (rs == LX_E_NOMEM) {
            st = rs;
        } else if (rs) {
            stats->unreadable++;
            /* The file, or the member of an archive, without an mbox range. */
            lx_strbuf where;
            lx_strbuf_init(&where);
            if (first && lx_evidence_show_file(&where, first))
                lx_strbuf_reset(&where);
            char reason[512];
            snprintf(reason, sizeof reason, "cannot re-verify, verdict kept: %s", why);
            warn(ctx, where.len ? where.buf : sha ? sha : "?", reason);
            lx_strbuf_release(&where);
        } else {
            lx_dkim_verdict v;
            const char *from = lx_record_get(&rec, LX_DATA_FROM_ADDRESS);
            lx_dkim_input in = {canon.buf, canon.len, stored.len ? stored.buf : NULL, stored.len,
                                from ? from : ""};
            const char *part, *body = lx_record_get(&rec, LX_DATA_BODY);
            size_t part_len;
            if (lx_record_get(&rec, LX_DATA_CONVERTED)) {
                /* An Outlook item: never verified, its reason kept. */
                st = lx_dkim_converted(canon.buf, canon.len, &v);
            } else if (!(st = lx_dkim_verify_message(ks, &in, &v)) &&
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
                if (!old || strcmp(old, lx_verdict_name(v.verdict)) != 0)
                    stats->changed++;
                st = lx_document_set_dkim(db, ids[i], &v);
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
