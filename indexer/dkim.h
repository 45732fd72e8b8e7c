/* dkim.h - RFC 6376 DKIM verification, offline, against keys from files. */
#ifndef LX_DKIM_H
#define LX_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Ordered by how much a result says about a message that did not pass:
 * the verdict of a message is its best signature's result in this order. */
typedef enum lx_dkim_result {
    LX_DKIM_NONE,    /* unsigned (message verdict only) */
    LX_DKIM_PASS,    /* the signature verifies */
    LX_DKIM_FAIL,    /* body hash or signature mismatch: something changed */
    LX_DKIM_NOKEY,   /* no key record for the selector in any key file */
    LX_DKIM_INVALID, /* malformed signature or key, revoked key, unsupported */
} lx_dkim_result;

/* "none", "pass", "fail", "nokey", "invalid". */
const char *lx_dkim_result_name(lx_dkim_result r);

/* One DKIM-Signature header and what became of it. Strings are owned. */
typedef struct lx_dkim_sig {
    char *domain;    /* d= */
    char *selector;  /* s= */
    char *algorithm; /* a= as written */
    char *canon;     /* "header/body", defaults filled in */
    char *identity;  /* i=, "" when absent */
    lx_dkim_result result;
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
} lx_dkim_sig;

typedef struct lx_dkim_verdict {
    lx_dkim_result verdict;
    lx_dkim_sig *sigs;
    size_t n;
} lx_dkim_verdict;

void lx_dkim_verdict_release(lx_dkim_verdict *v);

/* Key records from key files: "SELECTOR._domainkey.DOMAIN  TXT" per line,
 * TXT possibly as quoted chunks, "#" comments, a trailing "# source: ..."
 * kept. Keys are parsed once, at load. */
typedef struct lx_keystore lx_keystore;

/* A new, empty key store; NULL when out of memory. Free with _free. */
lx_keystore *lx_keystore_new(void);
void lx_keystore_free(lx_keystore *ks);

/* Loads every record of a key file. A line that cannot be read is an
 * error: LX_E_PARSE with "FILE:LINE: reason" appended to why. */
lx_status lx_keystore_load(lx_keystore *ks, const char *path, lx_strbuf *why);
size_t lx_keystore_count(const lx_keystore *ks);

/* Adds one record (as found in DNS, say): name "SELECTOR._domainkey.DOMAIN",
 * its TXT value and a source note. */
lx_status lx_keystore_add(lx_keystore *ks, const char *name, const char *txt, const char *source);

/* Verifies every DKIM-Signature of a message in canonical form (CRLF line
 * ends, no mbox separator, mboxrd quoting undone). ks may be NULL: every
 * signature is then "nokey" (or invalid when malformed). Fills *out. */
lx_status lx_dkim_verify(const lx_keystore *ks, const char *msg, size_t len, lx_dkim_verdict *out);

/* Parses an RFC 6376 tag list ("a=b; c=d") into NUL-separated pairs for
 * tests and fuzzing: appends "tag=value\n" per tag to out (value with
 * folding white space removed around it). LX_E_PARSE on a syntax error or a
 * repeated tag, with the reason in why. */
lx_status lx_dkim_parse_tags(const char *s, size_t len, lx_strbuf *out, lx_strbuf *why);

#endif
