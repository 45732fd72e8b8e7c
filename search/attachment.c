/* attachment.c - one attachment (or a message's original) handed out: decoded again from the original, checked against the index; or its text as the index keeps it. */
#include "attachment.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "dataline.h"
#include "message.h"
#include "evidence.h"
#include "original.h"
#include "record.h"
#include "schema.h"
#include "banned.h"

void lx_attachment_copy_init(lx_attachment_copy *c)
{
    memset(c, 0, sizeof *c);
    lx_strbuf_init(&c->bytes);
    lx_strbuf_init(&c->name);
    lx_strbuf_init(&c->status);
    lx_strbuf_init(&c->why);
}

void lx_attachment_copy_release(lx_attachment_copy *c)
{
    lx_strbuf_release(&c->bytes);
    lx_strbuf_release(&c->name);
    lx_strbuf_release(&c->status);
    lx_strbuf_release(&c->why);
}

/* Sets the problem and its line; returns LX_E_NOT_FOUND. */
static lx_status problem(lx_attachment_copy *c, lx_attachment_problem p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static lx_status problem(lx_attachment_copy *c, lx_attachment_problem p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    c->problem = p;
    lx_strbuf_reset(&c->why);
    lx_strbuf_vaddf(&c->why, fmt, ap);
    va_end(ap);
    return LX_E_NOT_FOUND;
}

/* Decodes attachment n out of the canonical message canon into c. */
static lx_status decode(const lx_strbuf *canon, size_t n, lx_attachment_copy *c)
{
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_message msg;
    lx_attach_ctx *ctx = NULL;
    lx_status st = LX_OK;
    if (lx_message_parse(&msg, canon->buf, canon->len, &why)) {
        st = problem(c, LX_ATTACHMENT_MESSAGE, "%s", why.buf);
        goto out;
    }
    lx_attach_limits lim;
    lx_attach_limits_default(&lim);
    lx_strbuf_reset(&why);
    if (!(ctx = lx_attach_ctx_new(&lim, &why)))
        st = problem(c, LX_ATTACHMENT_TOOLS, "%s", why.buf);
    else
        st = lx_attach_fetch(ctx, &msg, n, &c->bytes, &c->name);
    if (!st)
        st = lx_sha256_hex(c->bytes.buf, c->bytes.len, c->sha256);
    lx_attach_ctx_free(ctx);
    lx_message_release(&msg);
out:
    lx_strbuf_release(&why);
    return st;
}

/* Compares what was decoded (st: how decoding went) with the indexed line:
 * the same SHA-256, or, for a file not read for its size, the same size. */
static lx_status check(lx_status st, const lx_attachment_line *a, size_t n, lx_attachment_copy *c)
{
    if (c->problem)
        return st;
    if (c->too_big && st == LX_E_NOT_FOUND) {
        /* A file inside an archive is unpacked only up to the size limit. */
        lx_span p = a->f[LX_ATT_PARENT];
        return problem(c, LX_ATTACHMENT_MESSAGE,
                       "attachment %zu was not indexed because of its size (%s), and inside "
                       "attachment %.*s it is not unpacked: write out attachment %.*s",
                       n, c->status.buf, (int)p.n, p.s, (int)p.n, p.s);
    }
    char got_size[24];
    snprintf(got_size, sizeof got_size, "%zu", c->bytes.len);
    const char *differ = st ? lx_status_str(st)
                         : !c->too_big && !lx_span_is(a->f[LX_ATT_SHA256], c->sha256)
                             ? "its bytes differ from the indexed ones"
                         : c->too_big && !lx_span_is(a->f[LX_ATT_SIZE], got_size)
                             ? "its size differs from the indexed one"
                             : NULL;
    if (differ)
        return problem(c, LX_ATTACHMENT_MESSAGE,
                       "attachment %zu cannot be recovered from the original (%s)", n, differ);
    return LX_OK;
}

/* Attachment n of document id, or (n 0) the original message itself. */
static lx_status read_back(lx_db *db, lx_docid id, size_t n, lx_atime_stats *atimes,
                           lx_attachment_copy *out)
{
    char *data = NULL;
    size_t len = 0;
    lx_status st = lx_db_get_data(db, id, &data, &len);
    if (st) {
        free(data);
        return st;
    }
    lx_record rec;
    lx_record_init(&rec);
    lx_strbuf canon;
    lx_strbuf_init(&canon);
    lx_attachment_line a;
    const char *sha = NULL, *first = NULL, *rwhy = "";
    if ((st = lx_record_parse(&rec, data, len))) {
        st = problem(out, LX_ATTACHMENT_RECORD, "%s", lx_status_str(st));
        goto out;
    }
    sha = lx_record_get(&rec, LX_DATA_SHA256);
    if (n && !lx_dataline_attachment_find(&rec, n, &a)) {
        st = problem(out, LX_ATTACHMENT_NO_SUCH, "no attachment %zu", n);
        goto out;
    }
    /* What was indexed: the file's SHA-256, or none (and its status says
     * why) for a file not read. */
    if (n) {
        lx_strbuf_add(&out->status, a.f[LX_ATT_STATUS].s, a.f[LX_ATT_STATUS].n);
        out->too_big =
            !a.f[LX_ATT_SHA256].n && strncmp(out->status.buf, "limit: larger than ", 19) == 0;
    }
    st = sha ? lx_original_read(&rec, sha, &canon, NULL, atimes, &first, &rwhy) : LX_E_NOT_FOUND;
    if (st) {
        lx_strbuf where;
        lx_strbuf_init(&where);
        if (first)
            lx_evidence_show_stored(&where, first);
        st = problem(out, LX_ATTACHMENT_MESSAGE, "the original cannot be read back (%s%s%s)",
                     where.buf, where.len ? ": " : "", rwhy);
        lx_strbuf_release(&where);
        goto out;
    }
    if (n) {
        st = check(decode(&canon, n, out), &a, n, out);
    } else if (!(st = lx_strbuf_addf(&out->name, "%s.eml", sha))) {
        /* The bytes whose SHA-256 is the message's (lx_original_read
         * checked them), or an Outlook item's .eml, made again: its
         * identity is not the SHA-256 of those bytes, which is computed. */
        lx_strbuf_release(&out->bytes);
        out->bytes = canon;
        lx_strbuf_init(&canon);
        st = lx_sha256_hex(out->bytes.buf, out->bytes.len, out->sha256);
    }
out:
    lx_record_release(&rec);
    lx_strbuf_release(&canon);
    free(data);
    return st;
}

lx_status lx_attachment_get(lx_db *db, lx_docid id, size_t n, lx_atime_stats *atimes,
                            lx_attachment_copy *out)
{
    return n ? read_back(db, id, n, atimes, out) : LX_E_INVALID;
}

lx_status lx_attachment_original(lx_db *db, lx_docid id, lx_atime_stats *atimes,
                                 lx_attachment_copy *out)
{
    return read_back(db, id, 0, atimes, out);
}

void lx_attachment_text_init(lx_attachment_text *t)
{
    memset(t, 0, sizeof *t);
    lx_strbuf_init(&t->text);
    lx_strbuf_init(&t->name);
    lx_strbuf_init(&t->status);
}

void lx_attachment_text_release(lx_attachment_text *t)
{
    lx_strbuf_release(&t->text);
    lx_strbuf_release(&t->name);
    lx_strbuf_release(&t->status);
}

/* Appends the excerpt of attachment n (the LX_F_EXCERPTS line keyed n) of
 * document id to out; nothing when the index kept none. */
static lx_status excerpt(lx_db *db, lx_docid id, size_t n, lx_strbuf *out)
{
    char *raw = NULL;
    size_t len = 0;
    lx_status st = lx_db_get_value(db, id, lx_schema_slot(LX_F_EXCERPTS), &raw, &len);
    lx_record ex;
    lx_record_init(&ex);
    if (!st && len && (st = lx_record_parse(&ex, raw, len)))
        st = lx_db_fail(db, st, "the attachments' text in the index cannot be read");
    char key[24];
    snprintf(key, sizeof key, "%zu", n);
    for (size_t i = 0; i < ex.n && !st; i++)
        if (strcmp(ex.pairs[i].key, key) == 0) {
            st = lx_strbuf_add(out, ex.pairs[i].value, ex.pairs[i].value_len);
            break;
        }
    lx_record_release(&ex);
    free(raw);
    return st;
}

lx_status lx_attachment_text_get(lx_db *db, lx_docid id, size_t n, lx_attachment_text *out)
{
    char *data = NULL;
    size_t len = 0;
    lx_status st = lx_db_get_data(db, id, &data, &len);
    lx_record rec;
    lx_record_init(&rec);
    lx_attachment_line a;
    if (!st && (st = lx_record_parse(&rec, data, len)))
        st = lx_db_fail(db, st, "the message's data in the index cannot be read");
    if (!st && !lx_dataline_attachment_find(&rec, n, &a))
        st = LX_E_NOT_FOUND;
    const char *sha = st ? NULL : lx_record_get(&rec, LX_DATA_SHA256);
    snprintf(out->sha256, sizeof out->sha256, "%s", sha ? sha : "");
    if (!st)
        st = lx_strbuf_add(&out->name, a.f[LX_ATT_NAME].s, a.f[LX_ATT_NAME].n);
    if (!st)
        st = lx_strbuf_add(&out->status, a.f[LX_ATT_STATUS].s, a.f[LX_ATT_STATUS].n);
    if (!st)
        st = excerpt(db, id, n, &out->text);
    if (!st) {
        lx_span bytes = a.f[LX_ATT_TEXT_BYTES];
        unsigned long long extracted =
            lx_span_is_number(bytes) ? strtoull(bytes.s, NULL, 10) : 0;
        out->truncated = strcmp(out->status.buf, "truncated") == 0 || extracted > out->text.len;
    }
    if (st == LX_E_NOMEM)
        lx_db_fail(db, st, "out of memory");
    lx_record_release(&rec);
    free(data);
    return st;
}
