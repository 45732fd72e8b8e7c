/* dataline.c - decoding the tab-separated lines of a document's data: signatures, attachments, corroborations. */
#include "dataline.h"

#include <stdlib.h>
#include <string.h>

#include "hitkeys.h"
#include "banned.h"

bool lx_span_is(lx_span span, const char *want)
{
    return span.n == strlen(want) && memcmp(span.s, want, span.n) == 0;
}

bool lx_span_is_number(lx_span span)
{
    bool digits = span.n > 0;
    for (size_t i = 0; i < span.n; i++)
        digits = digits && span.s[i] >= '0' && span.s[i] <= '9';
    return digits;
}

/* Splits line at its tabs into f[0..n); missing fields are empty, the
 * last one ends at the next tab like the others. */
static void split_fields(const char *line, lx_span *f, size_t n)
{
    const char *p = line;
    for (size_t k = 0; k < n; k++) {
        if (!p) {
            f[k] = (lx_span){"", 0};
            continue;
        }
        const char *t = strchr(p, '\t');
        f[k] = (lx_span){p, t ? (size_t)(t - p) : strlen(p)};
        p = t ? t + 1 : NULL;
    }
}

void lx_dataline_sig(const char *line, lx_sig_line *out)
{
    split_fields(line, out->f, LX_DKIM_SIG_NFIELDS);
}

lx_dataline_kind lx_dataline_sig_kind(lx_sig_field k)
{
    static const lx_dataline_kind kinds[LX_DKIM_SIG_NFIELDS] = {
        [LX_SIG_KEY_BITS] = LX_DL_NUMBER, [LX_SIG_KEY_RECORD] = LX_DL_NUMBER,
        [LX_SIG_UNSIGNED_BYTES] = LX_DL_NUMBER, [LX_SIG_T] = LX_DL_NUMBER,
        [LX_SIG_X] = LX_DL_NUMBER, [LX_SIG_WEAK] = LX_DL_YESNO, [LX_SIG_ALIGNED] = LX_DL_YESNO};
    return (unsigned)k < LX_DKIM_SIG_NFIELDS ? kinds[k] : LX_DL_TEXT;
}

void lx_dataline_attachment(const char *line, lx_attachment_line *out)
{
    split_fields(line, out->f, LX_ATTACH_NFIELDS);
}

lx_dataline_kind lx_dataline_attachment_kind(lx_attachment_field k)
{
    static const lx_dataline_kind kinds[LX_ATTACH_NFIELDS] = {
        [LX_ATT_N] = LX_DL_NUMBER, [LX_ATT_PARENT] = LX_DL_NUMBER, [LX_ATT_SIZE] = LX_DL_NUMBER,
        [LX_ATT_TEXT_BYTES] = LX_DL_NUMBER, [LX_ATT_OCR_CONFIDENCE] = LX_DL_NUMBER,
        [LX_ATT_OCR_PAGES] = LX_DL_NUMBER};
    return (unsigned)k < LX_ATTACH_NFIELDS ? kinds[k] : LX_DL_TEXT;
}

bool lx_dataline_attachment_find(const lx_record *rec, size_t n, lx_attachment_line *out)
{
    for (size_t i = 0; i < rec->n; i++) {
        if (strcmp(rec->pairs[i].key, LX_DATA_ATTACHMENT) != 0)
            continue;
        char *end;
        unsigned long long k = strtoull(rec->pairs[i].value, &end, 10);
        if (*end == '\t' && k == n) {
            lx_dataline_attachment(rec->pairs[i].value, out);
            return true;
        }
    }
    return false;
}

/* Whether line starts with kind and a tab. */
static bool starts_kind(const char *line, const char *kind)
{
    size_t n = strlen(kind);
    return strncmp(line, kind, n) == 0 && line[n] == '\t';
}

void lx_dataline_chain(const char *line, lx_chain_line *out)
{
    lx_span f[5];
    split_fields(line, f, 5);
    memset(out, 0, sizeof *out);
    out->kind = starts_kind(line, "corroborated") ? LX_CHAIN_CORROBORATED
                : starts_kind(line, "mismatch")   ? LX_CHAIN_MISMATCH
                                                  : LX_CHAIN_OTHER;
    out->sha256 = f[1];
    if (out->kind == LX_CHAIN_CORROBORATED) {
        out->coverage = (int)strtol(f[2].s, NULL, 10);
        out->signer = f[3];
        out->header = f[4];
    } else {
        out->signer = f[2];
        out->reason = (lx_span){f[3].s, strlen(f[3].s)};
    }
}

const char *lx_dataline_chain_status(const lx_record *rec)
{
    const char *s = "none";
    for (size_t i = 0; i < rec->n; i++) {
        if (strcmp(rec->pairs[i].key, LX_HIT_CHAIN) != 0)
            continue;
        if (starts_kind(rec->pairs[i].value, "corroborated"))
            return "corroborated";
        if (starts_kind(rec->pairs[i].value, "mismatch"))
            s = "mismatch";
    }
    return s;
}

bool lx_dataline_chain_next(lx_chain_iter *it, lx_chain_line *out)
{
    for (; it->pass < 2; it->pass++, it->i = 0) {
        lx_chain_kind want = it->pass ? LX_CHAIN_MISMATCH : LX_CHAIN_CORROBORATED;
        while (it->i < it->rec->n) {
            const lx_record_pair *pair = &it->rec->pairs[it->i++];
            if (strcmp(pair->key, LX_HIT_CHAIN) != 0)
                continue;
            lx_dataline_chain(pair->value, out);
            if (out->kind == want)
                return true;
        }
    }
    return false;
}
