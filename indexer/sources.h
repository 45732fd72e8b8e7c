/* sources.h - reading the sources: each file mapped, told apart, split, recorded. */
#ifndef LX_SOURCES_H
#define LX_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "run.h"

/* A source file while its messages are on their way: its identity record
 * (path, size, modification time) is written once the last one is in the
 * index, so that the next run recognizes the file without reading it. */
typedef struct lx_source_file {
    char *path;
    off_t size;
    struct timespec mtime;
    char kind;       /* of the record: 'f' a message, 'm' an mbox, 'a' an archive,
                        'p' an Outlook store (PST/OST), 'g' an Outlook .msg */
    size_t messages; /* found in it */
    size_t other;    /* of which belong to another shard */
    size_t skipped;  /* could not be indexed: no record, read again next time */
    size_t pending;  /* jobs not yet retired */
    bool walked;     /* every message of it dispatched */
} lx_source_file;

/* Walks every source (paths, made absolute) and reads each file found:
 * its messages go to the pipeline (lx_pipeline_dispatch), what cannot be
 * read is reported. hidden: --hidden. True when a source named on the
 * command line could not be read. */
bool lx_sources_read(lx_run *r, bool hidden, int n, char **paths);

/* On a terminal (not --quiet, not --inspect): the counting walk for the
 * progress line (files and bytes, nothing read), its first line, and the
 * clock the line's rates start from. */
void lx_sources_count(lx_run *r, bool hidden, int n, char **paths);

/* A file's messages are all retired: writes its identity record when every
 * one of them is in the index (none skipped, the run not failing), then
 * frees f. */
lx_status lx_sources_file_done(lx_run *r, lx_source_file *f);

#endif
