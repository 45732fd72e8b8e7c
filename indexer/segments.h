/* segments.h - several writers: documents written side by side into segments, in input order. */
#ifndef LX_SEGMENTS_H
#define LX_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "xdb.h"

/*
 * The writers of a segment run. The caller (the indexer's main thread)
 * hands over documents in input order; they are cut into chunks of
 * max_docs documents or max_bytes bytes (whichever comes first), chunk i is
 * written into the database DIR/NNNN (i, four digits) by whichever writer
 * thread is free, its documents in the order given, committed every
 * commit_every documents. The segments, read in chunk order, hold the
 * documents in the order they were handed over.
 */
typedef struct lx_segments lx_segments;

/* Makes the directory dir (it must not exist) and starts `writers` threads.
 * NULL with *why (malloc'd) when it cannot. */
lx_segments *lx_segments_start(const char *dir, unsigned writers, size_t commit_every,
                               size_t max_docs, size_t max_bytes, char **why);

/* Hands doc over (the writers free it, even on failure), weight being the
 * bytes it holds as estimated: waits while what the writers have not yet
 * taken passes LX_INFLIGHT_BYTES. An error when a writer failed (then
 * lx_segments_finish says why). */
lx_status lx_segments_put(lx_segments *s, lx_doc *doc, size_t weight);

/* Waits for the writers to write and close every segment. *paths: the
 * segments holding documents, in order (*n of them; an array owned by s).
 * LX_OK, or the first failure with *why (malloc'd). */
lx_status lx_segments_finish(lx_segments *s, const char *const **paths, size_t *n, char **why);

/* Segments written (chunks that held documents), once finished. */
size_t lx_segments_count(const lx_segments *s);
unsigned lx_segments_writers(const lx_segments *s);

/* Stops the writers (when lx_segments_finish was not called) and frees s;
 * the directory is left (lx_db_remove_stale_copy removes it). */
void lx_segments_free(lx_segments *s);

#endif
