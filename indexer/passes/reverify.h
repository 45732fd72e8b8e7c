/* reverify.h - re-running DKIM verification over an existing index. */
#ifndef LX_REVERIFY_H
#define LX_REVERIFY_H

#include <stddef.h>

#include "dkim.h"
#include "evidence.h"
#include "xdb.h"

typedef struct lx_reverify_stats {
    size_t documents;  /* documents looked at */
    size_t verified;   /* verdicts written */
    size_t unreadable; /* no copy could be read back with its SHA-256: verdict kept */
    size_t changed;    /* verdicts that differ from the stored one */
    size_t verdicts[LX_VERDICT_COUNT_]; /* new verdicts, by lx_verdict */
    size_t yes;                         /* of which verified (lx_verified yes) */
    size_t partial;                     /* of which signed in part */
    lx_atime_stats atimes; /* what reading the originals did to access times (release it) */
} lx_reverify_stats;

/* Called with the path and the reason for each document whose original
 * could not be read back. */
typedef void (*lx_reverify_warn)(void *ctx, const char *path, const char *reason);

/* For every document: reads the original back from its first recorded
 * location whose bytes still hash to the document's identity (sources are
 * opened read-only), verifies its DKIM signatures against ks, and replaces
 * the stored verdict. Nothing else is re-parsed. Commits in batches. */
lx_status lx_reverify(lx_db *db, const lx_keystore *ks, lx_reverify_stats *stats,
                      lx_reverify_warn warn, void *ctx);

#endif
