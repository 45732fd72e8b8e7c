/* corroborate.h - the chain corroboration pass: quotes of unverified messages found. */
#ifndef LX_CORROBORATE_H
#define LX_CORROBORATE_H

#include <stdbool.h>
#include <stddef.h>

#include "align.h"
#include "xdb.h"

typedef struct lx_corroborate_stats {
    bool incremental;    /* only what the new messages quote or are quoted in was compared */
    size_t fresh;        /* messages new to the pass (all of them when not incremental) */
    size_t quoting;      /* new verified messages with a quoted part */
    size_t pairs;        /* (message, verified quoting message) pairs compared */
    size_t corroborated; /* messages corroborated by one verified message or more */
    size_t mismatched;   /* messages with a recorded mismatch */
    size_t rewritten;    /* documents whose stored result changed */
} lx_corroborate_stats;

/* What an incremental pass compares: the documents added since a complete
 * pass (ids above `after`) and those that moved to another thread since
 * (`moved`, ascending). */
typedef struct lx_corroborate_since {
    lx_docid after; /* 0: everything (a complete pass) */
    const lx_docid *moved;
    size_t n_moved;
} lx_corroborate_since;

/*
 * The corroboration pass, run after every indexing run and after
 * --reverify. Complete (since NULL, since->after 0, or read and write
 * different): for every verified (DKIM pass) message that quotes, finds
 * the unverified messages it may quote through the index (its thread, and
 * the rarest words of its quote), compares each, and stores on every
 * message the verified messages that corroborate it and any mismatch
 * (the LX_F_CHAIN and LX_F_CHAIN_MISMATCH flags and the LX_F_CORROBORATION
 * lines, all value slots); everything is recomputed with the threshold
 * given (percent) and only documents whose result changed are rewritten.
 *
 * Incremental (since->after > 0): only the new documents are looked at. A
 * new verified message is compared with what it may quote, as above; a
 * new unverified message with the verified messages of earlier runs that
 * may quote it (those of its thread, and the best matches for the rarest
 * of its words). New findings join those stored earlier, which stay; the
 * totals are counted over the whole index.
 *
 * The comparisons run in n_readers threads, each reading through its own
 * handle readers[i] on what `read` reads, committed (none: in the caller's
 * thread, through read); the result does not depend on their number.
 */
lx_status lx_corroborate_pass(lx_db *read, lx_db *write, lx_db *const *readers, unsigned n_readers,
                              unsigned threshold, const lx_corroborate_since *since,
                              lx_corroborate_stats *stats);

#endif
