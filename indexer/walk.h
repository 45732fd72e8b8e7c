/* walk.h - finding the files under each source; it only walks, never reads mail. */
#ifndef LX_WALK_H
#define LX_WALK_H

#include <stdbool.h>

#include "evidence.h"
#include "status.h"

typedef enum lx_source_kind {
    LX_SOURCE_FILE,    /* a file named on the command line */
    LX_SOURCE_DIR,     /* the loose files of one directory */
    LX_SOURCE_MAILDIR, /* a Maildir: its cur/ and new/ */
    LX_SOURCE_MBOX,    /* an mbox file (decided by the reader, not the walker) */
    LX_SOURCE_ARCHIVE, /* an archive file (zip, tar, 7z...), every member counted (the reader's) */
    LX_SOURCE_PST,     /* an Outlook store (PST/OST), its mail items counted (the reader's) */
} lx_source_kind;

const char *lx_source_kind_name(lx_source_kind k);

typedef struct lx_walk_cb {
    /* A regular file to read; source names the directory, Maildir or file it
     * is reported under. Returns non-zero to stop the walk. */
    int (*file)(void *ctx, const char *path, const char *source, lx_source_kind kind);
    /* Something not walked (hidden, unreadable, a loop, not a regular file),
     * with a reason a person can read. */
    void (*skip)(void *ctx, const char *path, const char *source, lx_source_kind kind,
                 const char *reason);
    void *ctx;
    bool hidden;         /* walk hidden files and directories too */
    const char *exclude; /* a directory never walked (the index itself), or NULL */
    /* What listing directories and following links did to their access
     * times (lx_source_settle), or NULL. */
    lx_atime_stats *atimes;
} lx_walk_cb;

/* Walks root (a file or a directory tree, symlinks followed, each directory
 * once), calling cb in a stable order: entries sorted by name. Directories
 * are listed without changing their access times where the system allows
 * it (lx_source_open), and those of links followed are put back. Returns
 * LX_E_NOT_FOUND when root itself cannot be read (after reporting it via
 * cb->skip), LX_E_INVALID when a callback stopped the walk. */
lx_status lx_walk(const char *root, const lx_walk_cb *cb);

#endif
