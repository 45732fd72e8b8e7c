/* evidence.h - reading the sources and the originals of messages, never changing them. */
#ifndef LX_EVIDENCE_H
#define LX_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "strbuf.h"

/*
 * Access times. Reading a file or listing a directory sets its access time
 * unless it was opened with O_NOATIME, which Linux allows only to the
 * file's owner and to a process with CAP_FOWNER (root). Any other reader's
 * reads update it (under the usual relatime rule: when it is older than the
 * modification time or a day old), and putting the old time back takes the
 * same owner-or-CAP_FOWNER right on a local file system; a network file
 * system that checks on the server (sshfs) may allow it. Putting it back
 * changes the change time (ctime) to now. Following a symbolic link sets
 * the link's own access time, which no open flag prevents.
 *
 * lx_atime_stats records which sources had their access time changed by the
 * file system, or put back: by device and inode, so a directory listed
 * twice (the progress line's counting walk) is counted once. One per
 * thread.
 */
typedef enum lx_atime_kind { LX_ATIME_FILE, LX_ATIME_DIR, LX_ATIME_LINK, LX_ATIME_KINDS_ } lx_atime_kind;

typedef struct lx_atime_stats {
    struct lx_atime_entry *v;
    size_t n, alloc;
    bool incomplete; /* an entry could not be recorded (out of memory): "at least" */
} lx_atime_stats;

void lx_atime_stats_init(lx_atime_stats *s);
void lx_atime_stats_release(lx_atime_stats *s);

/* Appends one line (no newline) on what reading did to access times
 * (nothing when it left them all as they were): how many files, directories and symbolic links
 * the file system updated and why, and how many were put back. */
lx_status lx_atime_describe(lx_atime_stats *s, lx_strbuf *out);

/* A source open for reading. */
typedef struct lx_source_fd {
    int fd;
    lx_atime_kind kind;
    bool noatime;        /* opened with O_NOATIME: reading leaves the access time */
    struct stat before;  /* the times before reading (fstat at the open) */
} lx_source_fd;

/* Opens path read-only (dir: a directory, for fdopendir) with O_NOATIME
 * where the system allows it, else without (reading will then set the
 * access time: lx_source_settle). Never blocks on a FIFO (O_NONBLOCK, which
 * does nothing to a regular file's reads). Returns the fd, or -1 with errno
 * set. */
int lx_source_open(lx_source_fd *sf, const char *path, bool dir);

/* After reading sf (still open): when its access time changed, puts it back
 * (futimens; the change time becomes now) or, when that is not allowed,
 * records that the file system updated it. stats may be NULL. */
void lx_source_settle(lx_source_fd *sf, lx_atime_stats *stats);

/* lx_source_settle, then close. */
void lx_source_close(lx_source_fd *sf, lx_atime_stats *stats);

/* The same for a symbolic link at path that was followed: before is its
 * lstat from before. */
void lx_source_link_settle(const char *path, const struct stat *before, lx_atime_stats *stats);

/* A stored location: "PATH" (a file of its own) or "PATH<TAB>OFFSET<TAB>LENGTH"
 * (a message inside an mbox, from its "From " line). */
typedef struct lx_evidence_loc {
    lx_strbuf path;
    bool in_mbox;
    size_t offset, length;
} lx_evidence_loc;

/* Parses a stored location into loc (initialized by the call; release its
 * path with lx_strbuf_release). */
lx_status lx_evidence_parse(lx_evidence_loc *loc, const char *stored);

/* Appends the stored form of a location: path alone, or (in_mbox) path,
 * offset and length joined by LX_LOCATION_SEP. lx_evidence_parse reads it. */
lx_status lx_evidence_format(lx_strbuf *out, const char *path, bool in_mbox, size_t offset,
                             size_t length);

/* Appends the bytes of a location to out: the whole file, or the mbox range.
 * Opens read-only with lx_source_open and settles the access times of the
 * file and of a symbolic link naming it into atimes (may be NULL). On
 * failure *why is a static or strerror() reason. */
lx_status lx_evidence_read(const lx_evidence_loc *loc, lx_strbuf *out, lx_atime_stats *atimes,
                           const char **why);

#endif
