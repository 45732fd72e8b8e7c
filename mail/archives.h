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

/* One member met by lx_archives_walk. */
typedef struct lx_archive_member {
    const char *name; /* its path inside the archive, as the archive has it */
    const char *data; /* its bytes; NULL when too_big or encrypted (not read) */
    size_t len;       /* bytes read, else the declared size (0 when unknown) */
    bool too_big;     /* larger than max_member_bytes: not read */
    bool encrypted;   /* encrypted: not readable without a password */
} lx_archive_member;

/* Called for each regular file, in archive order; m and its bytes live
 * until the callback returns. Return non-zero to stop. */
typedef int (*lx_archive_member_cb)(void *ctx, const lx_archive_member *m);

/* The reason given for an encrypted member, everywhere. */
#define LX_ARCHIVES_ENCRYPTED "encrypted archive member: a password is needed"

/*
 * lx_archives_unpack for readers that must tell an encrypted member apart:
 * it is passed with encrypted set (and the walk goes on) instead of ending
 * the walk as damage. A single compressed file (gzip, xz, bzip2... of
 * anything but an archive) is read too, as one member named "data"
 * (libarchive's name for it); bytes that are neither end as damage.
 */
lx_status lx_archives_walk(const char *data, size_t len, const lx_unpack_limits *lim,
                           lx_archive_member_cb cb, void *ctx, lx_unpack_end *end, lx_strbuf *why);

/*
 * Reads the first member called name (exactly, bytes compared) of the
 * archive data[0..len) into out, under the limits lim (the ratio counts
 * only that member). LX_E_NOT_FOUND with *why (static) when the archive
 * has no such member, cannot be read up to it, or the member is encrypted
 * or over a limit; LX_E_NOMEM.
 */
lx_status lx_archives_member(const char *data, size_t len, const char *name,
                             const lx_unpack_limits *lim, lx_strbuf *out, const char **why);

/*
 * Reads the archive data[0..len) (ZIP, TAR, 7z, cpio..., optionally gzip,
 * bzip2 or xz compressed; a compressed single file when raw is true) in
 * memory. *end says how the walk ended; members read before a limit or
 * damage was met have been passed to cb; a member whose bytes a limit cut
 * is not passed. An encrypted member ends the walk as damage (why: its
 * name and LX_ARCHIVES_ENCRYPTED). Returns LX_E_NOMEM only.
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
