/* archives.h - archives through libarchive: the members of ZIP, TAR and compressed files read with limits; a directory's files written as one zip. */
#ifndef LX_ARCHIVES_H
#define LX_ARCHIVES_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

typedef struct lx_unpack_limits {
    size_t max_member_bytes; /* a larger member is announced with too_big, not read */
    size_t max_members;      /* members past this are not read */
    size_t max_ratio;        /* unpacked bytes per archive byte (0: no check) */
    size_t ratio_floor;      /* unpacked bytes never stopped by the ratio */
    /* Bytes unpacked so far by every archive of one attachment tree (an
     * archive and the archives inside it, read through nested calls), and
     * what they may unpack in all; NULL: no such budget. The count grows
     * with every member read, identical ones included. */
    size_t *tree_unpacked;
    size_t tree_budget;
} lx_unpack_limits;

/* Called for each regular file in the archive, in archive order: its path
 * inside the archive and its bytes (NULL and the declared size when too_big).
 * Return non-zero to stop. The bytes live until the callback returns. */
typedef int (*lx_unpack_cb)(void *ctx, const char *name, const char *data, size_t len,
                            bool too_big);

typedef enum lx_unpack_end {
    LX_UNPACK_COMPLETE, /* every member was read */
    LX_UNPACK_STOPPED,  /* the callback asked to stop */
    LX_UNPACK_MEMBERS,  /* stopped at max_members */
    LX_UNPACK_RATIO,    /* stopped: the archive unpacks past max_ratio (a zip bomb) */
    LX_UNPACK_DAMAGED,  /* not an archive, or damaged: why says how */
    LX_UNPACK_TREE,     /* stopped: the attachment tree's budget (tree_budget) is spent */
} lx_unpack_end;

/*
 * Reads the archive data[0..len) (ZIP, TAR, 7z, cpio..., optionally gzip,
 * bzip2 or xz compressed; a compressed single file when raw is true) in
 * memory. *end says how the walk ended; members read before a limit or
 * damage was met have been passed to cb; a member whose bytes a limit cut
 * is not passed. Returns LX_E_NOMEM only.
 */
lx_status lx_archives_unpack(const char *data, size_t len, bool raw, const lx_unpack_limits *lim,
                         lx_unpack_cb cb, void *ctx, lx_unpack_end *end, lx_strbuf *why);

/*
 * Writes every file of the directory dir, in name order (bytes compared),
 * into the new zip file zip_path (created here, never over a file nor
 * through a symbolic link), each under its own name, its bytes as they
 * are (deflated), its modification time kept: an --export-dir directory
 * (the originals, manifest.csv, SHA256SUMS, export.meta.json) as one
 * download. The directory holds regular files only: anything else (a
 * directory, a link, a device) is refused. On failure the zip file is
 * removed, why says why in one line (names shown as given), and the
 * status is LX_E_IO (reading or writing failed), LX_E_INVALID (what the
 * directory holds, or zip_path exists) or LX_E_NOMEM.
 */
lx_status lx_archives_zip_dir(const char *dir, const char *zip_path, lx_strbuf *why);

#endif
