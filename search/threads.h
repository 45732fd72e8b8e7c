/* threads.h - a thread's messages as a conversation: who answers whom. */
#ifndef LX_THREADS_H
#define LX_THREADS_H

#include <stddef.h>

#include "record.h"

/* Gives each of recs[0..n) (a thread's hits) its LX_HIT_THREAD_DEPTH: how
 * many of its ancestors are among them (In-Reply-To first, else the
 * nearest of References), at most LX_MAX_THREAD_INDENT; 0 in a loop. */
lx_status lx_threads_depths(lx_record *recs, size_t n);

#endif
