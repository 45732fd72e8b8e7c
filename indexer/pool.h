/* pool.h - worker threads that process items in any order and hand them
 * back in the order they were submitted.
 *
 * The indexer's main thread submits one item per message and takes the
 * finished items back oldest first, so that the database is written in
 * the same order, with the same contents, whatever the number of workers.
 * With no workers, lx_pool_submit processes the item at once, in the
 * caller's thread. */
#ifndef LX_POOL_H
#define LX_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* Processes one item; wctx is the context of the worker running it. */
typedef void (*lx_pool_fn)(void *wctx, void *item);

typedef struct lx_pool lx_pool;

/* Starts `workers` threads (0: none, every item processed in the caller's
 * thread); wctx[i] is worker i's context (wctx[0] alone when workers is 0).
 * NULL when a thread cannot be started. */
lx_pool *lx_pool_new(unsigned workers, lx_pool_fn fn, void *const *wctx);

/* Bounds what finished items not yet taken back may hold: weight(item)
 * says how many bytes a processed item holds, and a worker waits before
 * starting another item while those of the finished items pass budget
 * (never before the oldest outstanding one, which is what lx_pool_take
 * waits for). Call before the first submit. Without it, workers never
 * wait: the caller's window alone bounds them. */
void lx_pool_set_budget(lx_pool *p, size_t budget, size_t (*weight)(void *item));

/* Queues item (or, without workers, processes it now). Never blocks: the
 * caller bounds what is outstanding with lx_pool_outstanding. */
lx_status lx_pool_submit(lx_pool *p, void *item);

/* Items submitted and not yet taken back. */
size_t lx_pool_outstanding(const lx_pool *p);

/* The oldest item not yet taken back, once it is processed (waiting for
 * it); NULL when nothing is outstanding. */
void *lx_pool_take(lx_pool *p);

/* Stops the workers once the queue is empty, and frees the pool; items not
 * taken back are the caller's to free (take them first). */
void lx_pool_free(lx_pool *p);

/* A sensible default for --jobs: the processors this process may run on. */
unsigned lx_pool_default_workers(void);

#endif
