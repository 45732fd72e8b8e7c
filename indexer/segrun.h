/* segrun.h - a segment run: when it starts, what it records in input order, and its merge. */
#ifndef LX_SEGRUN_H
#define LX_SEGRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "document.h"
#include "run.h"

/* The index's counter of the canonical bytes of the messages it holds: a
 * run that reads at least a fifth of it (LX_SEGMENT_SHARE) writes segments. */
#define LX_BYTES_METADATA_KEY "leakdex.bytes_indexed"

/*
 * A run with worker threads (not --inspect, not --no-compact) may write
 * segments. From the moment the bytes of the messages it has read reach a
 * fifth of those the index holds (at once for an empty index), each
 * message dispatched goes to a segment (lx_segrun_due says so): the index
 * is no longer written until the end, where lx_segrun_merge merges it and
 * the segments in input order into a copy, applies what the run recorded
 * meanwhile (repeats, copy conflicts, file records) and makes that copy
 * r->db for the passes; lx_segrun_replace then puts it in the index's place.
 */
typedef struct lx_segrun lx_segrun;

/* Prepares r->segrun when the run may write segments (reads the counter);
 * false for want of memory. */
bool lx_segrun_init(lx_run *r, bool may);

/* A message of bytes canonical bytes is dispatched: true when it goes to
 * a segment (segment mode starts when due). */
bool lx_segrun_due(lx_run *r, size_t bytes);

/* Segment mode is on. */
bool lx_segrun_active(const lx_run *r);

/* Whether a message for a segment repeats one already written (in a
 * segment or the index): then its location (src: its source in the report)
 * is recorded, to be added to that document after the merge, and *repeat
 * is set. */
lx_status lx_segrun_lookup(lx_run *r, const char *sha, size_t src, const lx_location *loc,
                           bool *repeat);

/* Hands a new document to the writers (doc taken, even on failure), with
 * what the merge needs to mark its copies. */
lx_status lx_segrun_put(lx_run *r, lx_doc *doc, const char *sha, const char *fp,
                        const char *msgid, size_t weight);

/* A file's identity record, kept for the merged copy while segment mode
 * is on: true when kept (or failed for want of memory: *st). */
bool lx_segrun_keep_record(lx_run *r, const char *key, const char *value, lx_status *st);

/* The writers finish, the index (committed) and the segments are merged
 * into PATH.seg/merged, the recorded repeats, conflicts and file records
 * applied to it, and r->db becomes it (the index's handle kept; *merged
 * set). When no document went to a segment, nothing is merged: what was
 * recorded is applied to the index itself. An error after saying why on
 * stderr; the index is then r->db, untouched. */
lx_status lx_segrun_merge(lx_run *r, bool *merged);

/* The merged copy replaces the index, written compactly (*compacted) or,
 * when that cannot be done (*why, malloc'd), as it is; the index's handle
 * closed, what the run left beside the index removed. An error when the
 * index could not be replaced (it is then as it was). */
lx_status lx_segrun_replace(lx_run *r, const char *dbpath, bool *compacted, char **why);

/* Adds the canonical bytes of the messages the run indexed to r->db's
 * counter. */
lx_status lx_segrun_record_bytes(lx_run *r);

/* The run's segments are not merged (it stopped, or the merge failed):
 * their documents and the repeats recorded counted as not indexed. */
void lx_segrun_lost(lx_run *r);

/* Frees r->segrun (the index's handle closed when still held); what a
 * run that failed left beside the index is removed. */
void lx_segrun_free(lx_run *r);

#endif
