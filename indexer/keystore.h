/* keystore.h - DKIM key records: read from key files, asked of DNS (--dns), looked up by name. */
#ifndef LX_KEYSTORE_H
#define LX_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "strbuf.h"

/* LX_KEY_ABSENT: a record that holds no key at all (an empty TXT record,
 * or one without p=): RFC 6376 3.6.1 makes p= required, and such a record
 * says no more than a missing one, so it counts as no key (nokey). An
 * empty p= is a revoked key (invalid). */
typedef enum lx_key_state {
    LX_KEY_OK,
    LX_KEY_REVOKED,
    LX_KEY_MALFORMED,
    LX_KEY_ABSENT
} lx_key_state;

/* One key record, parsed once, at load; a record leakdex cannot use is
 * kept with its state, so a verdict can say why. */
typedef struct lx_key {
    char *name;   /* "selector._domainkey.domain", lowercased */
    char *source; /* the "# source:" note, "" */
    size_t seq;   /* load order, to keep records of one name in file order */
    int ordinal;  /* 1-based among the records of this name */
    lx_key_state state;
    bool ed25519;             /* k=ed25519 (else rsa) */
    char *hashes;             /* h=, lowercased, "" for any */
    bool email;               /* s= allows e-mail */
    bool strict;              /* t=s: i= must use d= exactly */
    struct evp_pkey_st *pkey; /* OpenSSL's EVP_PKEY: DKIM alone uses it */
    int bits;
} lx_key;

/* Key records from key files: "SELECTOR._domainkey.DOMAIN  TXT" per line,
 * TXT possibly as quoted chunks, "#" comments, a trailing "# source: ..."
 * kept. */
typedef struct lx_keystore lx_keystore;

/* A new, empty key store; NULL when out of memory. Free with _free (which
 * also closes the --keys-out file). */
lx_keystore *lx_keystore_new(void);
void lx_keystore_free(lx_keystore *ks);

/* Loads every record of a key file. A line that cannot be read is an
 * error: LX_E_PARSE with "FILE:LINE: reason" appended to why. */
lx_status lx_keystore_load(lx_keystore *ks, const char *path, lx_strbuf *why);
size_t lx_keystore_count(const lx_keystore *ks);

/* Adds one record (as found in DNS, say): name "SELECTOR._domainkey.DOMAIN",
 * its TXT value and a source note. */
lx_status lx_keystore_add(lx_keystore *ks, const char *name, const char *txt, const char *source);

/* The records named name (lowercased), in file order: *n of them from the
 * pointer returned, which the store owns until it next changes; NULL (and
 * *n 0) when there is none or ks is NULL. */
const lx_key *lx_keystore_find(const lx_keystore *ks, const char *name, size_t *n);

/* --dns: opens path (--keys-out) to append the records DNS gives, never
 * through a symbolic link and only when it is a regular file; the store
 * closes it when freed. LX_E_IO with a static reason in *why. */
lx_status lx_keystore_dns_open(lx_keystore *ks, const char *path, const char **why);

/* True when lx_keystore_dns_open succeeded: the store may ask DNS. */
bool lx_keystore_dns_on(const lx_keystore *ks);

typedef void (*lx_keystore_warn_fn)(void *ctx, const char *name, const char *reason);

/* Asks DNS, once per run, for the record of SELECTOR._domainkey.DOMAIN
 * (a name no key file has), adds what it finds to the store and appends it
 * to the --keys-out file with the source note "DNS YYYY-MM-DD", so the run
 * can be repeated offline. A DNS error is passed to warn. True when a
 * record was added. */
bool lx_keystore_fetch(lx_keystore *ks, const char *selector, const char *domain,
                       lx_keystore_warn_fn warn, void *ctx);

#endif
