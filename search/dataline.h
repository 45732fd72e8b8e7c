/* dataline.h - decoding the tab-separated lines of a document's data: signatures, attachments, corroborations. */
#ifndef LX_DATALINE_H
#define LX_DATALINE_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "schema.h"

/* A piece of a stored line: s[0..n), borrowed from the line (not
 * NUL-terminated where it ends at a tab). */
typedef struct lx_span {
    const char *s;
    size_t n;
} lx_span;

/* Whether span holds exactly the string want. */
bool lx_span_is(lx_span span, const char *want);

/* Whether span is one or more decimal digits. */
bool lx_span_is_number(lx_span span);

/* One LX_DATA_DKIM_SIG line, field by field (lx_dkim_sig_fields: field
 * k is f[k]); a field the line lacks is empty. */
typedef struct lx_sig_line {
    lx_span f[LX_DKIM_SIG_NFIELDS];
} lx_sig_line;

/* The index of each field of a signature line in lx_dkim_sig_fields. */
typedef enum lx_sig_field {
    LX_SIG_DOMAIN,
    LX_SIG_SELECTOR,
    LX_SIG_ALGORITHM,
    LX_SIG_CANONICALIZATION,
    LX_SIG_IDENTITY,
    LX_SIG_RESULT,
    LX_SIG_REASON,
    LX_SIG_KEY_BITS,
    LX_SIG_WEAK,
    LX_SIG_KEY_RECORD,
    LX_SIG_KEY_SOURCE,
    LX_SIG_UNSIGNED_BYTES,
    LX_SIG_T,
    LX_SIG_X,
    LX_SIG_ALIGNED,
    LX_SIG_MBOX_FORM,
} lx_sig_field;

/* Decodes a signature line into out (pieces of line). */
void lx_dataline_sig(const char *line, lx_sig_line *out);

/* The kind of value a signature field holds: a number, "yes"/"no", or text. */
typedef enum lx_dataline_kind { LX_DL_TEXT, LX_DL_NUMBER, LX_DL_YESNO } lx_dataline_kind;
lx_dataline_kind lx_dataline_sig_kind(lx_sig_field k);

/* One LX_DATA_ATTACHMENT line, field by field (lx_attach_fields). */
typedef struct lx_attachment_line {
    lx_span f[LX_ATTACH_NFIELDS];
} lx_attachment_line;

typedef enum lx_attachment_field {
    LX_ATT_N,
    LX_ATT_PARENT,
    LX_ATT_NAME,
    LX_ATT_TYPE,
    LX_ATT_SNIFFED_TYPE,
    LX_ATT_SIZE,
    LX_ATT_SHA256,
    LX_ATT_STATUS,
    LX_ATT_TEXT_BYTES,
    LX_ATT_OCR_CONFIDENCE, /* schema 13: empty unless OCR read the file */
    LX_ATT_OCR_LANGUAGE,
    LX_ATT_OCR_PAGES,
} lx_attachment_field;

void lx_dataline_attachment(const char *line, lx_attachment_line *out);
lx_dataline_kind lx_dataline_attachment_kind(lx_attachment_field k);

/* The attachment line numbered n (its first field) of rec, decoded into
 * out (pieces of the record's value, which lives as long as rec); false
 * when rec has none. */
bool lx_dataline_attachment_find(const lx_record *rec, size_t n, lx_attachment_line *out);

/*
 * One corroboration line (LX_HIT_CHAIN, from the LX_F_CORROBORATION slot):
 * "corroborated<TAB>SHA256<TAB>COVERAGE<TAB>SIGNER<TAB>HEADER" or
 * "mismatch<TAB>SHA256<TAB>SIGNER<TAB>REASON". HEADER is "none" or a
 * comma-separated list of "from", "date", "subject", where "date?" (or
 * "from?") could not be checked.
 */
typedef enum lx_chain_kind { LX_CHAIN_OTHER, LX_CHAIN_CORROBORATED, LX_CHAIN_MISMATCH } lx_chain_kind;

typedef struct lx_chain_line {
    lx_chain_kind kind;
    lx_span sha256;   /* the quoting message's SHA-256 */
    int coverage;     /* corroborated: percent of the text quoted */
    lx_span signer;   /* the quoting message's signing domain */
    lx_span header;   /* corroborated: what its quoted header block agreed on */
    lx_span reason;   /* mismatch: how the quote differs (the rest of the line) */
} lx_chain_line;

void lx_dataline_chain(const char *line, lx_chain_line *out);

/* Walks the corroboration lines of a record: the corroborations first, then
 * the mismatches (other lines skipped). Start with {.rec = rec}. */
typedef struct lx_chain_iter {
    const lx_record *rec;
    int pass;
    size_t i;
} lx_chain_iter;

/* The next line into out; false at the end. */
bool lx_dataline_chain_next(lx_chain_iter *it, lx_chain_line *out);

/* A record's corroboration status: "corroborated" when a line says so,
 * else "mismatch" when one says that, else "none". */
const char *lx_dataline_chain_status(const lx_record *rec);

#endif
