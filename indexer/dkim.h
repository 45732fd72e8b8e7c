/* dkim.h - RFC 6376 DKIM verification, offline, against the keys of a key store. */
#ifndef LX_DKIM_H
#define LX_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keystore.h"
#include "schema.h"
#include "strbuf.h"

/* A signature's result and a message's verdict are lx_verdict, what a
 * message verifies lx_verified (schema.h). */

/* The header fields a reader is shown, as bits (LX_DKIM_H_FROM << i): which
 * of them a signature left unsigned. */
enum {
    LX_DKIM_H_FROM = 1 << 0,
    LX_DKIM_H_TO = 1 << 1,
    LX_DKIM_H_CC = 1 << 2,
    LX_DKIM_H_BCC = 1 << 3,
    LX_DKIM_H_REPLY_TO = 1 << 4,
    LX_DKIM_H_SUBJECT = 1 << 5,
    LX_DKIM_H_DATE = 1 << 6,
    LX_DKIM_H_MESSAGE_ID = 1 << 7,
    LX_DKIM_H_IN_REPLY_TO = 1 << 8,
    LX_DKIM_H_REFERENCES = 1 << 9,
    LX_DKIM_H_COUNT = 10
};

/* The name of bit i (0-based) as hit lists name the field: "from", "to",
 * "cc", "bcc", "reply_to", "subject", "date", "message_id", "in_reply_to",
 * "references"; NULL past the last. A static string. */
const char *lx_dkim_header_key(unsigned i);

/* Which form of a message found in an mbox a signature verified on: the
 * body with mboxrd ">From " quoting undone, or as stored (quoting kept). A
 * reader cannot know which ">From " lines the mbox writer added. */
typedef enum lx_dkim_form {
    LX_DKIM_FORM_ONE,      /* not from an mbox, or no line was quoted: one form only */
    LX_DKIM_FORM_UNQUOTED, /* the body with the quoting undone */
    LX_DKIM_FORM_STORED,   /* the body as stored, quoting kept */
} lx_dkim_form;

/* "", "unquoted", "stored". */
const char *lx_dkim_form_name(lx_dkim_form f);

/* One DKIM-Signature header and what became of it. Strings are owned. */
typedef struct lx_dkim_sig {
    char *domain;    /* d= */
    char *selector;  /* s= */
    char *algorithm; /* a= as written */
    char *canon;     /* "header/body", defaults filled in */
    char *identity;  /* i=, "" when absent */
    lx_verdict result;
    char *reason;            /* why it did not pass, for a person; "" on pass */
    bool body_mismatch;      /* the body changed after signing */
    bool header_mismatch;    /* the signed headers changed (signature mismatch) */
    int key_bits;            /* size of the key that verified or was tried; 0 */
    bool weak;               /* RSA key under 1024 bits: forgeable */
    bool sha1;               /* rsa-sha1 */
    int key_record;          /* 1-based record of the selector that verified; 0 */
    char *key_source;        /* the "# source:" note of that record, "" */
    bool has_length;         /* l= given */
    uint64_t unsigned_bytes; /* canonical body bytes after l= */
    int64_t t, x;            /* t= and x= (seconds), -1 when absent; x is never enforced */
    /* What the signature vouches for; meaningful when it passes. */
    bool aligned;              /* d= has the organizational domain of every From address */
    lx_dkim_form form;         /* the form of an mbox message's body that verified */
    unsigned unsigned_headers; /* LX_DKIM_H_* of shown fields with an instance h= misses */
    unsigned signed_headers;   /* LX_DKIM_H_* of shown fields with an instance h= covers */
    bool unsigned_text;        /* canonical body bytes after l= that are not white space */
    size_t signed_end;         /* offset in the form verified where the signed body ends */
} lx_dkim_sig;

typedef struct lx_dkim_verdict {
    lx_verdict verdict;
    lx_dkim_sig *sigs;
    size_t n;
    lx_verified verified;
    char *verified_reason; /* for partial: what is missing, in plain words; "" otherwise */
    int chosen;            /* the signature behind verified (-1 when no signature passes) */
    /* Bytes of the message's body text that the chosen signature covers,
     * when it leaves text unsigned after l=; LX_DKIM_ALL_TEXT otherwise. Set
     * by the caller (lx_message_signed_text): DKIM does not parse MIME. */
    size_t signed_text;
} lx_dkim_verdict;

#define LX_DKIM_ALL_TEXT ((size_t)-1)

/* The verdict's reason for an Outlook item converted by leakdex (a PST/OST
 * item, a .msg): its verdict is none, its signatures listed unchecked. */
#define LX_CONVERTED_DKIM_REASON "converted by Outlook: the signed bytes are gone"

/* The message a verification reads. */
typedef struct lx_dkim_input {
    const char *msg; /* canonical: CRLF line ends, no mbox separator, mboxrd quoting undone */
    size_t len;
    const char *stored; /* for a message found in an mbox whose quoting was undone: the
                           message as stored (CRLF, quoting kept); else NULL */
    size_t stored_len;
    const char *shown_from; /* the sender address leakdex shows, which must be aligned too;
                               NULL: only the From fields are read */
} lx_dkim_input;

/* The verified level stored for searches and counts: 0 no, 1 yes, 2
 * partial by a signature aligned with the sender (its signed text may
 * corroborate quoted messages), 3 partial otherwise. */
int lx_dkim_verified_level(const lx_dkim_verdict *v);

/* The message bytes the chosen signature's signed body ends in (the
 * canonical form or the stored one) and the offset where it ends, for
 * lx_message_signed_text. False when the chosen signature leaves no text
 * unsigned (then signed_text stays LX_DKIM_ALL_TEXT). */
bool lx_dkim_signed_part(const lx_dkim_verdict *v, const lx_dkim_input *in, const char **msg,
                         size_t *len);

void lx_dkim_verdict_release(lx_dkim_verdict *v);

/* Verifies every DKIM-Signature of a message (see lx_dkim_input), and
 * decides what it verifies. ks may be NULL: every signature is then "nokey"
 * (or invalid when malformed). Fills *out. */
lx_status lx_dkim_verify_message(const lx_keystore *ks, const lx_dkim_input *in,
                                 lx_dkim_verdict *out);

/* The verdict of an Outlook item converted by leakdex (its .eml, eml[0..len)):
 * none, verified no, with LX_CONVERTED_DKIM_REASON, whatever its transport
 * headers say. Their DKIM-Signature fields are listed (read without a key
 * store: no key is looked up, nothing is asked of DNS), each unchecked with
 * the same reason: the bytes they signed are not the ones leakdex has. */
lx_status lx_dkim_converted(const char *eml, size_t len, lx_dkim_verdict *out);

/* The same for a message in canonical form alone (no stored form, no shown
 * sender). */
lx_status lx_dkim_verify(const lx_keystore *ks, const char *msg, size_t len, lx_dkim_verdict *out);

/* Reads a From field's value (its text after the colon) for the domains
 * of its addresses, as alignment reads them, for tests and fuzzing:
 * appends "domain\n" per address, lowercased, then "?\n" when a mailbox
 * could not be read (no address, two angle-addresses, a domain literal). */
lx_status lx_dkim_parse_from(const char *value, size_t len, lx_strbuf *out);

#endif
