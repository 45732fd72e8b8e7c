/* tally.h - the values senders, recipients and stats count: one per message and slot. */
#ifndef LX_TALLY_H
#define LX_TALLY_H

#include <stdbool.h>
#include <stddef.h>

#include "sha256.h"
#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Senders, recipients and stats count the distinct values of one slot over
 * every match (a Xapian match spy, which runs on remote servers too), so a
 * value holds all that its counts need about one message:
 *
 *   SHA256 HEADER '\n' LINES
 *
 * SHA256 is the message's 64 hex digits (copies in two databases share it:
 * they are counted once); HEADER is tab-separated numbers, empty for none:
 * the date (UTC seconds), the verified level, and in the sender's value also
 * the DKIM verdict (-1 unchecked), the attachments, those with text and the
 * chain flags; LINES is "address<TAB>name" of the sender, or those lines of
 * To and Cc, each ended by '\n'.
 */
#define LX_TALLY_KEY_LEN LX_SHA256_HEX_LEN

/* The chain flags: corroborated, quoted with changes (the chain pass). */
#define LX_TALLY_CORROBORATED 1u
#define LX_TALLY_MISMATCH 2u

/* One value read back. */
typedef struct lx_tally {
    char sha[LX_SHA256_HEX_LEN + 1];
    bool full;                     /* the sender's value: the numbers below are there */
    double date;                   /* NaN: undated */
    double level;                  /* LX_F_VERIFIED_LEVEL's number */
    double verdict;                /* LX_F_VERDICT's (-1 unchecked); NaN when !full */
    double attachments, with_text; /* LX_F_ATTACH_COUNT's and LX_F_ATTACH_TEXTS'; NaN when !full */
    unsigned chain;                /* LX_TALLY_* flags; 0 when !full */
    const char *lines;             /* into the value read, not NUL-terminated */
    size_t len;
} lx_tally;

/* Appends a's value to out: the sender's form when a->full, else the
 * recipients' (date and level). a->sha must be 64 hex digits. */
lx_status lx_tally_format(lx_strbuf *out, const lx_tally *a);

/* Reads value[0..len) into out (out->lines points into value); false when
 * it is not such a value. */
bool lx_tally_parse(const char *value, size_t len, lx_tally *out);

/* What lx_tally_update changes. */
#define LX_TALLY_SET_LEVEL 1u   /* level (both forms) */
#define LX_TALLY_SET_VERDICT 2u /* verdict (the sender's form) */
#define LX_TALLY_SET_CHAIN 4u   /* chain flags (the sender's form) */
#define LX_TALLY_SET_ATTACHMENTS 8u /* attachments and with text (the sender's form: --ocr) */

/* Appends to out the stored value[0..len) with the numbers set names taken
 * from with (a later verification, the chain pass, OCR); LX_E_INVALID when value
 * is not a tally. */
lx_status lx_tally_update(const char *value, size_t len, const lx_tally *with, unsigned set,
                          lx_strbuf *out);

#ifdef __cplusplus
}
#endif

#endif
