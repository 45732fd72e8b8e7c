/* pipeline.h - the worker pipeline: messages parsed by workers, written in order. */
#ifndef LX_PIPELINE_H
#define LX_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "document.h"
#include "run.h"
#include "sources.h"

/* Starts the worker threads (--jobs; one per processor by default; none
 * with --jobs 1, --dns or --inspect, whose work must be done in order in
 * the main thread). LX_EXIT_OK, or an exit code after saying why. */
int lx_pipeline_start(lx_run *r);

/* The main thread's part for one message found in file f (NULL: none) of
 * source src: size limit, identity, shard, already indexed? Then on to a
 * worker, and the finished messages written, in order, while too many are
 * in flight. After a fatal error, only counted: found, not indexed. An
 * error that ends the run is returned. */
lx_status lx_pipeline_dispatch(lx_run *r, size_t src, lx_source_file *f, const char *data,
                               size_t len, bool from_mbox, const lx_location *loc);

/* The same for an Outlook item converted by leakdex (loc->converted set):
 * eml[0..len) is its .eml (lx_mapi_to_eml), identity its lx_mapi_identity
 * (64 hex digits), which is the document's identity instead of the
 * SHA-256 of the bytes; its DKIM verdict is none (LX_CONVERTED_DKIM_REASON).
 * date_source: where the Date of the .eml came from (LX_DATE_HEADER: a
 * submit time, or the Date of its transport headers; else the delivery or
 * creation time), recorded as the message's date source. */
lx_status lx_pipeline_dispatch_converted(lx_run *r, size_t src, lx_source_file *f, const char *eml,
                                         size_t len, const char *identity,
                                         lx_date_source date_source, const lx_location *loc);

/* Takes finished messages back, oldest first, and writes them, until at
 * most keep are in flight. */
lx_status lx_pipeline_drain(lx_run *r, size_t keep);

/* Stops the worker threads and frees what the pipeline held. */
void lx_pipeline_stop(lx_run *r);

#endif
