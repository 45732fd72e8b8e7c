/* hitfields.h - the fields of a hit as every format shows them: the column table and each column's plain text. */
#ifndef LX_HITFIELDS_H
#define LX_HITFIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include "dataline.h"
#include "record.h"
#include "strbuf.h"
#include "tz.h"

/* How a record's key is shown. */
typedef enum lx_col_kind {
    LX_COL_ID,        /* the short id, derived from sha256 */
    LX_COL_STR,       /* one string */
    LX_COL_NUM,       /* one number */
    LX_COL_COUNT,     /* one number, or null (CSV: empty) when absent */
    LX_COL_DATE,      /* ISO 8601 or null */
    LX_COL_LOCALDATE, /* the date on the sender's clock, with its offset, or null */
    LX_COL_FROM,      /* from_name + from_address */
    LX_COL_ADDRS,     /* repeated "ADDRESS\tNAME" */
    LX_COL_STRS,      /* repeated strings */
    LX_COL_PATHS,     /* repeated locations (LX_LOCATION_SEP) */
    LX_COL_DKIM,      /* the verdict, "weak" added when it rests on a weak key */
    LX_COL_SIGNERS,   /* the distinct d= domains of the dkim_sig lines */
    LX_COL_DKIM_SIGS, /* each dkim_sig line, as an object */
    LX_COL_SNIPPET,   /* "snippet" text and "snippet_matches" ranges */
    LX_COL_CHAIN,     /* "chain" lines: corroborations and mismatches */
    LX_COL_ATTACH,    /* each "attachment" line, as an object */
    LX_COL_NAMES,     /* one value holding comma-separated names: an array */
} lx_col_kind;

typedef struct lx_column {
    const char *name; /* JSON key and CSV header */
    const char *key;  /* the record's key (NULL: several) */
    lx_col_kind kind;
} lx_column;

/* Every field a hit shows, in order: JSON, NDJSON, CSV and `show` all walk
 * this table. The table is static. */
extern const lx_column lx_hit_columns[];
extern const size_t lx_hit_n_columns;

/* The column named name; NULL when none is. */
const lx_column *lx_hitfields_column(const char *name);

/* The value of key in r, "" when absent (owned by r). */
const char *lx_hitfields_get(const lx_record *r, const char *key);

/* The message's date (UTC seconds); false when it has none. */
bool lx_hitfields_date(const lx_record *r, int64_t *t);

/* The offset from UTC (seconds east) the sender's Date header was written
 * with; false when it gave none usable (the date is then read as UTC). */
bool lx_hitfields_sender_offset(const lx_record *r, int *offset);

/* "2017-04-24T00:30:00+02:00", the date on the sender's clock; "+00:00"
 * when the offset is unknown; false for an undated message. */
bool lx_hitfields_date_local(const lx_record *r, char buf[32]);

/* The plain text of column c for CSV cells and the text formats: lists
 * joined with "; ", addresses as "Name <address>", mbox locations as
 * "PATH@OFFSET+LENGTH", signatures and attachments as lx_hitfields_sig and
 * lx_hitfields_attachment write them; nothing for LX_COL_FROM (two CSV
 * columns). */
lx_status lx_hitfields_plain(lx_strbuf *sb, const lx_record *r, const lx_column *c);

/* "domain s=SEL a=ALG c=CANON: RESULT (reason), weak RSA key, key record N,
 * source: X, N unsigned bytes": one LX_DATA_DKIM_SIG line in words. */
lx_status lx_hitfields_sig(lx_strbuf *sb, const char *line);

/* "#N NAME (TYPE, SIZE bytes, sha256 HEX, STATUS)", "#N in #P ..." for a
 * file inside another, the content's type added when it differs from the
 * declared one: one LX_DATA_ATTACHMENT line in words. */
lx_status lx_hitfields_attachment(lx_strbuf *sb, const char *line);

/* An attachment line's status in words: the stored status ("ok",
 * "skipped: REASON"...), or for a file read by OCR "text read by OCR
 * (fra+eng, mean confidence 91 %, 2 pages)", after its own status when
 * that is not "ocr" ("truncated; text read by OCR (...)"). */
lx_status lx_hitfields_attachment_status(lx_strbuf *sb, const lx_attachment_line *a);

/* "#N NAME", or "#N (unnamed TYPE)" without a name: how a hit line names
 * an attachment. */
lx_status lx_hitfields_attachment_name(lx_strbuf *sb, const char *line);

/* "pass", "pass weak" (a weak key verified it), "fail", ..., "unchecked";
 * on a hit line (hit), "partial" for a pass that verifies the message only
 * in part. */
lx_status lx_hitfields_verdict(lx_strbuf *sb, const lx_record *r, bool hit);

/* "corroborated by ID (91%, signed by DOMAIN); quote differs in ID:
 * REASON": the corroboration lines in short. */
lx_status lx_hitfields_chain(lx_strbuf *sb, const lx_record *r);

/* Whether the field a hit list names column has an instance the DKIM
 * signature behind the verified status does not cover. */
bool lx_hitfields_unsigned(const lx_record *r, const char *column);

/* Appends each value of the repeated column c of r by item, sep between
 * two; a signer domain (LX_COL_SIGNERS) once. */
typedef lx_status (*lx_hitfields_item_fn)(lx_strbuf *sb, const lx_column *c, const char *value);
lx_status lx_hitfields_each(lx_strbuf *sb, const lx_record *r, const lx_column *c,
                            const char *sep, lx_hitfields_item_fn item);

/* "Name <address>", the address alone without a name, the name alone
 * without an address. */
lx_status lx_hitfields_address(lx_strbuf *sb, const char *name, const char *addr, size_t alen);

#endif
