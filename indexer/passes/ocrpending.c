/* ocrpending.c - leakdex-index --ocr over an existing index: the scans it left unread. */
#include "ocrpending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "attachtext.h"
#include "caps.h"
#include "document.h"
#include "evidence.h"
#include "message.h"
#include "original.h"
#include "record.h"
#include "schema.h"
#include "banned.h"

/* The warning for a document whose original cannot be read back: its
 * first location (the file, or the member of an archive, without an mbox
 * range), else its identity. */
static void warn_unreadable(lx_run *r, const char *first, const char *sha, const char *why)
{
    lx_strbuf where;
    lx_strbuf_init(&where);
    if (first && lx_evidence_show_file(&where, first))
        lx_strbuf_reset(&where);
    char reason[512];
    snprintf(reason, sizeof reason, "cannot read its scans by OCR, left ocr:pending: %s", why);
    lx_run_warn(r, where.len ? where.buf : sha ? sha : "?", reason);
    lx_strbuf_release(&where);
}

/* Document id read back, parsed, its attachments extracted again and
 * replaced; seen: the SHA-256 of every attachment file counted so far. */
static lx_status rewrite_one(lx_run *r, lx_docid id, GHashTable *seen, lx_ocr_pending_stats *s,
                             lx_strbuf *canon, lx_strbuf *stored)
{
    char *data = NULL;
    size_t len = 0;
    lx_record rec;
    lx_record_init(&rec);
    lx_status st = lx_db_get_data(r->db, id, &data, &len);
    if (!st)
        st = lx_record_parse(&rec, data, len);
    const char *sha = st ? NULL : lx_record_get(&rec, lx_schema_field(LX_F_SHA256)->name);
    const char *first = NULL, *why = NULL;
    lx_strbuf_reset(canon);
    lx_strbuf_reset(stored);
    lx_status rs = st       ? st
                   : sha    ? lx_original_read(&rec, sha, canon, stored, &r->atimes, &first, &why)
                            : LX_E_NOT_FOUND;
    if (!st && rs == LX_E_NOMEM)
        st = rs;
    if (st || rs) {
        if (!st) {
            s->unreadable++;
            warn_unreadable(r, first, sha, why ? why : "no location");
        }
        goto out;
    }
    lx_message m;
    lx_strbuf mwhy;
    lx_strbuf_init(&mwhy);
    lx_status ps = lx_message_parse(&m, canon->buf, canon->len, &mwhy);
    if (ps == LX_E_NOMEM) {
        st = ps;
    } else if (ps) {
        s->failed++;
        lx_run_warn(r, sha, mwhy.len ? mwhy.buf : lx_status_str(ps));
    } else {
        lx_attach_list att;
        lx_attach_list_init(&att);
        if (!(st = lx_attachtext_extract(r->attach, &m, &att)) &&
            !(st = lx_document_set_attachments(r->db, id, &m, &att))) {
            s->rewritten++;
            for (size_t i = 0; i < att.n; i++) {
                const lx_attachment *a = &att.v[i];
                bool fresh = *a->sha256 && !g_hash_table_contains(seen, a->sha256);
                if (fresh)
                    g_hash_table_add(seen, g_strdup(a->sha256));
                lx_report_scan(&r->report, a, fresh);
            }
        }
        lx_attach_list_release(&att);
        lx_message_release(&m);
    }
    lx_strbuf_release(&mwhy);
out:
    free(data);
    lx_record_release(&rec);
    return st;
}

lx_status lx_ocr_pending(lx_run *r, lx_ocr_pending_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    double t0 = lx_run_now();
    char term[32];
    snprintf(term, sizeof term, "%s%s", lx_schema_prefix(LX_F_OCR), LX_OCR_PENDING);
    lx_docid *ids = NULL;
    size_t n = 0, batch = 0;
    lx_status st = lx_db_term_docs(r->db, term, &ids, &n);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    lx_strbuf canon, stored;
    lx_strbuf_init(&canon);
    lx_strbuf_init(&stored);
    for (size_t i = 0; i < n && !st; i++) {
        stats->documents++;
        st = rewrite_one(r, ids[i], seen, stats, &canon, &stored);
        if (!st && ++batch >= LX_COMMIT_BATCH) {
            batch = 0;
            st = lx_db_commit(r->db);
        }
    }
    if (!st && batch)
        st = lx_db_commit(r->db);
    g_hash_table_destroy(seen);
    lx_strbuf_release(&canon);
    lx_strbuf_release(&stored);
    free(ids);
    stats->seconds = lx_run_now() - t0;
    return st;
}
