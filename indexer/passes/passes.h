/* passes.h - the passes after a run's writes: threads, then chains; the report. */
#ifndef LX_PASSES_H
#define LX_PASSES_H

#include <stdbool.h>

#include "run.h"
#include "thread.h"

/* The corroboration pass over r->all (else r->db), written to r->db, its
 * figures into r->report; false on a database error (said on stderr).
 * moved: the documents the thread pass moved, for a pass that compares
 * only what is new; NULL (after --reverify) for a complete pass. */
bool lx_passes_chains(lx_run *r, const lx_thread_stats *moved);

/* Commits, then the thread pass, then the chain pass; false (after saying
 * why) on error. */
bool lx_passes_run(lx_run *r);

#endif
