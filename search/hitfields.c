/* hitfields.c - the fields of a hit as every format shows them: the column table and each column's plain text. */
#include "hitfields.h"

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "dataline.h"
#include "date.h"
#include "evidence.h"
#include "hitkeys.h"
#include "schema.h"
#include "banned.h"

const lx_column lx_hit_columns[] = {
    {"id", LX_DATA_SHA256, LX_COL_ID},
    {"sha256", LX_DATA_SHA256, LX_COL_STR},
    {"date", LX_DATA_DATE, LX_COL_DATE},
    {"date_local", LX_DATA_DATE, LX_COL_LOCALDATE},
    {"date_source", LX_DATA_DATE_SOURCE, LX_COL_STR},
    {"from", NULL, LX_COL_FROM},
    {"to", LX_DATA_TO, LX_COL_ADDRS},
    {"cc", LX_DATA_CC, LX_COL_ADDRS},
    {"bcc", LX_DATA_BCC, LX_COL_ADDRS},
    {"reply_to", LX_DATA_REPLY_TO, LX_COL_ADDRS},
    {"subject", LX_DATA_SUBJECT, LX_COL_STR},
    {"dkim", LX_DATA_DKIM, LX_COL_DKIM},
    {"verified", LX_DATA_VERIFIED, LX_COL_STR},
    {"verified_reason", LX_DATA_VERIFIED_REASON, LX_COL_STR},
    {"unsigned_headers", LX_DATA_UNSIGNED_HEADERS, LX_COL_NAMES},
    {"signers", LX_DATA_DKIM_SIG, LX_COL_SIGNERS},
    {"corroboration", LX_HIT_CHAIN, LX_COL_CHAIN},
    {"message_id", LX_DATA_MESSAGE_ID, LX_COL_STR},
    {"in_reply_to", LX_DATA_IN_REPLY_TO, LX_COL_STR},
    {"references", LX_DATA_REFERENCES, LX_COL_STRS},
    {"thread", LX_HIT_THREAD, LX_COL_STR},
    {"thread_hits", LX_HIT_THREAD_HITS, LX_COL_COUNT},
    {"size", LX_DATA_SIZE, LX_COL_NUM},
    {"paths", LX_DATA_PATH, LX_COL_PATHS},
    {"converted", LX_DATA_CONVERTED, LX_COL_STR},
    {"converter", LX_DATA_CONVERTER, LX_COL_STR},
    {"copies", LX_HIT_COPY, LX_COL_STRS},
    {"conflicts", LX_HIT_CONFLICT, LX_COL_STRS},
    {"body_source", LX_DATA_BODY_SOURCE, LX_COL_STR},
    {"body_truncated", LX_DATA_BODY_TRUNCATED, LX_COL_STR},
    {"body_signed_bytes", LX_DATA_BODY_SIGNED_BYTES, LX_COL_COUNT},
    {"replaced_characters", LX_DATA_REPLACED_CHARACTERS, LX_COL_NUM},
    {"dkim_signatures", LX_DATA_DKIM_SIG, LX_COL_DKIM_SIGS},
    {"attachments", LX_DATA_ATTACHMENT, LX_COL_ATTACH},
    {"snippet", LX_HIT_SNIPPET, LX_COL_SNIPPET},
};
const size_t lx_hit_n_columns = sizeof lx_hit_columns / sizeof lx_hit_columns[0];

const lx_column *lx_hitfields_column(const char *name)
{
    for (size_t k = 0; k < lx_hit_n_columns; k++)
        if (strcmp(lx_hit_columns[k].name, name) == 0)
            return &lx_hit_columns[k];
    return NULL;
}

const char *lx_hitfields_get(const lx_record *r, const char *key)
{
    const char *v = lx_record_get(r, key);
    return v ? v : "";
}

bool lx_hitfields_date(const lx_record *r, int64_t *t)
{
    const char *iso = lx_hitfields_get(r, LX_DATA_DATE);
    int64_t last;
    return *iso && lx_date_parse_query(iso, strlen(iso), t, &last) == LX_OK;
}

bool lx_hitfields_sender_offset(const lx_record *r, int *offset)
{
    const char *v = lx_record_get(r, lx_schema_field(LX_F_DATE_OFFSET)->name);
    return v && lx_date_parse_offset(v, offset);
}

bool lx_hitfields_date_local(const lx_record *r, char buf[32])
{
    int64_t t;
    int offset = 0;
    if (!lx_hitfields_date(r, &t))
        return false;
    lx_hitfields_sender_offset(r, &offset);
    lx_date_format_local(t, offset, buf);
    return true;
}

/* "#N NAME", or "#N (unnamed TYPE)" without a name; with_parent adds
 * "in #P " before the name of a file inside another. */
static lx_status attachment_label(lx_strbuf *sb, const lx_attachment_line *a, bool with_parent)
{
    const lx_span *f = a->f;
    lx_status st = lx_strbuf_addf(sb, "#%.*s ", (int)f[LX_ATT_N].n, f[LX_ATT_N].s);
    if (!st && with_parent && !lx_span_is(f[LX_ATT_PARENT], "0"))
        st = lx_strbuf_addf(sb, "in #%.*s ", (int)f[LX_ATT_PARENT].n, f[LX_ATT_PARENT].s);
    lx_span type = f[LX_ATT_TYPE].n ? f[LX_ATT_TYPE] : f[LX_ATT_SNIFFED_TYPE];
    if (!st && f[LX_ATT_NAME].n)
        st = lx_strbuf_add(sb, f[LX_ATT_NAME].s, f[LX_ATT_NAME].n);
    else if (!st)
        st = lx_strbuf_addf(sb, "(unnamed %.*s)", (int)type.n, type.s);
    return st;
}

lx_status lx_hitfields_attachment(lx_strbuf *sb, const char *line)
{
    lx_attachment_line a;
    lx_dataline_attachment(line, &a);
    const lx_span *f = a.f;
    lx_span type = f[LX_ATT_TYPE], sniffed = f[LX_ATT_SNIFFED_TYPE];
    lx_span shown = type.n ? type : sniffed;
    lx_status st = attachment_label(sb, &a, true);
    if (!st)
        st = lx_strbuf_addf(sb, " (%.*s", (int)shown.n, shown.s);
    if (!st && type.n && sniffed.n && !(type.n == sniffed.n && memcmp(type.s, sniffed.s, type.n) == 0))
        st = lx_strbuf_addf(sb, ", content %.*s", (int)sniffed.n, sniffed.s);
    if (!st)
        st = lx_strbuf_addf(sb, ", %.*s bytes", (int)f[LX_ATT_SIZE].n, f[LX_ATT_SIZE].s);
    if (!st && f[LX_ATT_SHA256].n)
        st = lx_strbuf_addf(sb, ", sha256 %.*s", (int)f[LX_ATT_SHA256].n, f[LX_ATT_SHA256].s);
    if (!st)
        st = lx_strbuf_addstr(sb, ", ");
    if (!st)
        st = lx_hitfields_attachment_status(sb, &a);
    return st ? st : lx_strbuf_addch(sb, ')');
}

lx_status lx_hitfields_attachment_status(lx_strbuf *sb, const lx_attachment_line *a)
{
    const lx_span *f = a->f;
    lx_span status = f[LX_ATT_STATUS], pages = f[LX_ATT_OCR_PAGES];
    if (!lx_span_is_number(pages))
        return lx_strbuf_add(sb, status.s, status.n);
    /* Read by OCR: how, beside any status of its own (truncated, limit). */
    lx_status st = LX_OK;
    if (!lx_span_is(status, "ocr"))
        st = lx_strbuf_addf(sb, "%.*s; ", (int)status.n, status.s);
    if (!st)
        st = lx_strbuf_addf(sb, "text read by OCR (%.*s", (int)f[LX_ATT_OCR_LANGUAGE].n,
                            f[LX_ATT_OCR_LANGUAGE].s);
    if (!st && lx_span_is_number(f[LX_ATT_OCR_CONFIDENCE]))
        st = lx_strbuf_addf(sb, ", mean confidence %.*s %%", (int)f[LX_ATT_OCR_CONFIDENCE].n,
                            f[LX_ATT_OCR_CONFIDENCE].s);
    if (!st)
        st = lx_strbuf_addf(sb, ", %.*s page%s)", (int)pages.n, pages.s,
                            lx_span_is(pages, "1") ? "" : "s");
    return st;
}

lx_status lx_hitfields_attachment_name(lx_strbuf *sb, const char *line)
{
    lx_attachment_line a;
    lx_dataline_attachment(line, &a);
    return attachment_label(sb, &a, false);
}

lx_status lx_hitfields_verdict(lx_strbuf *sb, const lx_record *r, bool hit)
{
    const char *v = lx_record_get(r, LX_DATA_DKIM);
    if (hit && v && strcmp(v, lx_verdict_name(LX_VERDICT_PASS)) == 0 &&
        strcmp(lx_hitfields_get(r, LX_DATA_VERIFIED), lx_verified_name(LX_VERIFIED_PARTIAL)) == 0)
        v = lx_verified_name(LX_VERIFIED_PARTIAL);
    lx_status st = lx_strbuf_addstr(sb, v ? v : lx_verdict_name(LX_VERDICT_UNCHECKED));
    bool weak = false;
    for (size_t i = 0; i < r->n && !weak; i++) {
        if (strcmp(r->pairs[i].key, LX_DATA_DKIM_SIG) != 0)
            continue;
        lx_sig_line s;
        lx_dataline_sig(r->pairs[i].value, &s);
        weak = lx_span_is(s.f[LX_SIG_RESULT], lx_verdict_name(LX_VERDICT_PASS)) &&
               lx_span_is(s.f[LX_SIG_WEAK], "yes");
    }
    return st || !weak ? st : lx_strbuf_addstr(sb, " weak");
}

lx_status lx_hitfields_sig(lx_strbuf *sb, const char *line)
{
    lx_sig_line s;
    lx_dataline_sig(line, &s);
    const lx_span *f = s.f;
    lx_status st = lx_strbuf_addf(
        sb, "%.*s s=%.*s a=%.*s c=%.*s: %.*s", (int)f[LX_SIG_DOMAIN].n, f[LX_SIG_DOMAIN].s,
        (int)f[LX_SIG_SELECTOR].n, f[LX_SIG_SELECTOR].s, (int)f[LX_SIG_ALGORITHM].n,
        f[LX_SIG_ALGORITHM].s, (int)f[LX_SIG_CANONICALIZATION].n, f[LX_SIG_CANONICALIZATION].s,
        (int)f[LX_SIG_RESULT].n, f[LX_SIG_RESULT].s);
    lx_span why = f[LX_SIG_REASON], rec = f[LX_SIG_KEY_RECORD], src = f[LX_SIG_KEY_SOURCE],
            ub = f[LX_SIG_UNSIGNED_BYTES], bits = f[LX_SIG_KEY_BITS], form = f[LX_SIG_MBOX_FORM];
    if (!st && why.n)
        st = lx_strbuf_addf(sb, " (%.*s)", (int)why.n, why.s);
    if (!st && lx_span_is(f[LX_SIG_WEAK], "yes"))
        st = lx_strbuf_addf(sb, ", WEAK %.*s-bit RSA key", (int)bits.n, bits.s);
    if (!st && rec.n && !lx_span_is(rec, "0"))
        st = lx_strbuf_addf(sb, ", key record %.*s", (int)rec.n, rec.s);
    if (!st && src.n)
        st = lx_strbuf_addf(sb, ", key source: %.*s", (int)src.n, src.s);
    if (!st && ub.n && ub.s[0] != '-' && !lx_span_is(ub, "0"))
        st = lx_strbuf_addf(sb, ", %.*s body bytes not signed (l=)", (int)ub.n, ub.s);
    if (!st && lx_span_is(f[LX_SIG_RESULT], lx_verdict_name(LX_VERDICT_PASS)))
        st = lx_strbuf_addstr(sb, lx_span_is(f[LX_SIG_ALIGNED], "yes")
                                      ? ", the sender's domain"
                                      : ", not the sender's domain");
    if (!st && lx_span_is(form, "stored"))
        st = lx_strbuf_addstr(sb, ", on the body as stored in the mbox (>From quoting kept)");
    else if (!st && lx_span_is(form, "unquoted"))
        st = lx_strbuf_addstr(sb, ", on the body with the mbox's >From quoting undone");
    return st;
}

lx_status lx_hitfields_chain(lx_strbuf *sb, const lx_record *r)
{
    lx_status st = LX_OK;
    lx_chain_iter it = {.rec = r};
    lx_chain_line c;
    for (bool first = true; !st && lx_dataline_chain_next(&it, &c); first = false) {
        int idn = (int)(c.sha256.n < LX_SHORT_ID_LEN ? c.sha256.n : LX_SHORT_ID_LEN);
        if (!first)
            st = lx_strbuf_addstr(sb, "; ");
        if (st) {
        } else if (c.kind == LX_CHAIN_CORROBORATED) {
            st = lx_strbuf_addf(sb, "corroborated by %.*s (%d%%, signed by %.*s)", idn, c.sha256.s,
                                c.coverage, (int)c.signer.n, c.signer.s);
        } else {
            st = lx_strbuf_addf(sb, "quote differs in %.*s: %.*s", idn, c.sha256.s,
                                (int)c.reason.n, c.reason.s);
        }
    }
    return st;
}

bool lx_hitfields_unsigned(const lx_record *r, const char *column)
{
    const char *v = lx_hitfields_get(r, LX_DATA_UNSIGNED_HEADERS);
    size_t n = strlen(column);
    for (size_t i = 0; v[i];) {
        size_t k = strcspn(v + i, ",");
        if (k == n && memcmp(v + i, column, n) == 0)
            return true;
        i += k + (v[i + k] == ',');
    }
    return false;
}

lx_status lx_hitfields_address(lx_strbuf *sb, const char *name, const char *addr, size_t alen)
{
    /* A name without an address (an Outlook recipient with no SMTP address,
     * an empty group) is shown as the name alone. */
    if (*name && !alen)
        return lx_strbuf_addstr(sb, name);
    if (*name)
        return lx_strbuf_addf(sb, "%s <%.*s>", name, (int)alen, addr);
    return lx_strbuf_add(sb, addr, alen);
}

/* Whether the signer domain of the dkim_sig pair i already appeared before
 * i (or is empty). */
static bool signer_seen(const lx_record *r, size_t i)
{
    lx_sig_line s, t;
    lx_dataline_sig(r->pairs[i].value, &s);
    if (s.f[LX_SIG_DOMAIN].n == 0)
        return true;
    for (size_t j = 0; j < i; j++) {
        if (strcmp(r->pairs[j].key, LX_DATA_DKIM_SIG) != 0)
            continue;
        lx_dataline_sig(r->pairs[j].value, &t);
        if (t.f[LX_SIG_DOMAIN].n == s.f[LX_SIG_DOMAIN].n &&
            memcmp(t.f[LX_SIG_DOMAIN].s, s.f[LX_SIG_DOMAIN].s, s.f[LX_SIG_DOMAIN].n) == 0)
            return true;
    }
    return false;
}

lx_status lx_hitfields_each(lx_strbuf *sb, const lx_record *r, const lx_column *c,
                            const char *sep, lx_hitfields_item_fn item)
{
    lx_status st = LX_OK;
    bool first = true;
    for (size_t i = 0; i < r->n && !st; i++) {
        if (strcmp(r->pairs[i].key, c->key) != 0 || (c->kind == LX_COL_SIGNERS && signer_seen(r, i)))
            continue;
        if (!first)
            st = lx_strbuf_addstr(sb, sep);
        first = false;
        if (!st)
            st = item(sb, c, r->pairs[i].value);
    }
    return st;
}

/* One value of a repeated column in plain text. */
static lx_status plain_item(lx_strbuf *sb, const lx_column *c, const char *pv)
{
    switch (c->kind) {
    case LX_COL_SIGNERS: {
        lx_sig_line s;
        lx_dataline_sig(pv, &s);
        return lx_strbuf_add(sb, s.f[LX_SIG_DOMAIN].s, s.f[LX_SIG_DOMAIN].n);
    }
    case LX_COL_DKIM_SIGS: return lx_hitfields_sig(sb, pv);
    case LX_COL_ATTACH: return lx_hitfields_attachment(sb, pv);
    case LX_COL_ADDRS: {
        const char *tab = strchr(pv, '\t');
        return lx_hitfields_address(sb, tab ? tab + 1 : "", pv,
                                    tab ? (size_t)(tab - pv) : strlen(pv));
    }
    case LX_COL_PATHS: {
        return lx_evidence_show_stored(sb, pv);
    }
    default: return lx_strbuf_addstr(sb, pv);
    }
}

lx_status lx_hitfields_plain(lx_strbuf *sb, const lx_record *r, const lx_column *c)
{
    const char *v = c->key ? lx_hitfields_get(r, c->key) : "";
    switch (c->kind) {
    case LX_COL_ID:
        return lx_strbuf_add(sb, v, strlen(v) < LX_SHORT_ID_LEN ? strlen(v) : LX_SHORT_ID_LEN);
    case LX_COL_STR:
    case LX_COL_NUM:
    case LX_COL_COUNT:
    case LX_COL_DATE:
    case LX_COL_SNIPPET: return lx_strbuf_addstr(sb, v);
    case LX_COL_LOCALDATE: {
        char local[32];
        return lx_hitfields_date_local(r, local) ? lx_strbuf_addstr(sb, local) : LX_OK;
    }
    case LX_COL_FROM: return LX_OK; /* two CSV columns, written by the caller */
    case LX_COL_DKIM: return lx_hitfields_verdict(sb, r, false);
    case LX_COL_CHAIN: return lx_hitfields_chain(sb, r);
    case LX_COL_NAMES: {
        lx_status st = LX_OK;
        for (size_t i = 0; v[i] && !st; i++)
            st = v[i] == ',' ? lx_strbuf_addstr(sb, "; ") : lx_strbuf_addch(sb, v[i]);
        return st;
    }
    case LX_COL_ADDRS:
    case LX_COL_STRS:
    case LX_COL_PATHS:
    case LX_COL_SIGNERS:
    case LX_COL_ATTACH:
    case LX_COL_DKIM_SIGS: break;
    }
    return lx_hitfields_each(sb, r, c, "; ", plain_item);
}
