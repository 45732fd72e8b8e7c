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

/*
 * A stored location (LX_DATA_PATH): PATH, then steps, each after a TAB and
 * typed by its first byte, then for a message inside an mbox its OFFSET and
 * LENGTH (of its "From " line and text):
 *   PATH {TAB "!" MEMBER} [TAB "/" FOLDER {"/" FOLDER} TAB "#" ID] [TAB OFFSET TAB LENGTH]
 * MEMBER is the path of an archive member inside the archive before it
 * (outermost first; it may be empty: an archive may hold a member without
 * a name), FOLDER the names of an Outlook store's folders from its
 * root down, ID an item of that store. In MEMBER and FOLDER, "%", bytes
 * under 0x20 and DEL are written %XX (upper-case hex), and "/" too inside
 * one FOLDER name; PATH is written as it is (the forms from before steps
 * existed, "PATH" and "PATH<TAB>OFFSET<TAB>LENGTH", read as they did). A
 * field that does not read as a step belongs to PATH: only a file whose
 * own name holds a TAB followed by "!", or by "/" and later "#" and
 * digits, reads otherwise than it was meant.
 */
typedef struct lx_evidence_loc {
    lx_strbuf path; /* the file on disk */
    char **members; /* n_members member paths, unescaped, outermost first */
    size_t n_members;
    lx_strbuf folder; /* the folder step as stored ("/Top/Inbox", escaped), or empty */
    bool has_item;
    unsigned long item; /* the Outlook item's id, when has_item */
    bool in_mbox;
    size_t offset, length;
} lx_evidence_loc;

/* Parses a stored location into loc (initialized by the call, even on
 * failure; release it with lx_evidence_loc_release). LX_E_NOMEM only. */
lx_status lx_evidence_parse(lx_evidence_loc *loc, const char *stored);

void lx_evidence_loc_release(lx_evidence_loc *loc);

/* Appends the stored form of a location: path alone, or (in_mbox) path,
 * offset and length joined by LX_LOCATION_SEP. lx_evidence_parse reads it. */
lx_status lx_evidence_format(lx_strbuf *out, const char *path, bool in_mbox, size_t offset,
                             size_t length);

/* The same with steps (NULL or "": none), already in their stored form
 * (lx_evidence_add_member...) between the path and the mbox range. */
lx_status lx_evidence_format_steps(lx_strbuf *out, const char *path, const char *steps,
                                   bool in_mbox, size_t offset, size_t length);

/* Appends one member step (TAB "!" and name[0..len) escaped) to steps. */
lx_status lx_evidence_add_member(lx_strbuf *steps, const char *name, size_t len);

/* Appends an Outlook item's steps to steps: TAB, the folders' names
 * escaped, each after "/", TAB "#" and id. */
lx_status lx_evidence_add_item(lx_strbuf *steps, const char *const *folders, size_t depth,
                               unsigned long id);

/*
 * Appends the shown form of a parsed location: the path, each member as
 * "!/MEMBER" ("!MEMBER" when it starts with "/"), the item as
 * "!/FOLDER/.../#ID", member and folder names escaped as stored, then
 * "@OFFSET+LENGTH" for an mbox range: "leak.zip!/mail/a.eml",
 * "x.zip!/in.tgz!/box.mbox@1024+733",
 * "store.pst!/Top of Personal Folders/Inbox/#2097188". A location of a
 * file shows as its path, as it always did.
 */
lx_status lx_evidence_show(lx_strbuf *out, const lx_evidence_loc *loc);

/* lx_evidence_parse then lx_evidence_show: the shown form of a stored one. */
lx_status lx_evidence_show_stored(lx_strbuf *out, const char *stored);

/* The same without an mbox range: the file, or the member of an archive,
 * that a stored location is in (what a warning about reading it back names). */
lx_status lx_evidence_show_file(lx_strbuf *out, const char *stored);

/* Appends the bytes of a location to out: the whole file, or the mbox range
 * (of the file: a location with members is read by lx_original_location_read).
 * Opens read-only with lx_source_open and settles the access times of the
 * file and of a symbolic link naming it into atimes (may be NULL). On
 * failure *why is a static or strerror() reason. */
lx_status lx_evidence_read(const lx_evidence_loc *loc, lx_strbuf *out, lx_atime_stats *atimes,
                           const char **why);

/* Maps the whole file path read-only (for reading an archive's members),
 * under the same rules: *data and *len until lx_evidence_unmap. Files over
 * LX_MAX_SOURCE_BYTES are refused. On failure *why is a static or
 * strerror() reason and LX_E_IO is returned. */
lx_status lx_evidence_map(const char *path, const char **data, size_t *len, lx_atime_stats *atimes,
                          const char **why);
void lx_evidence_unmap(const char *data, size_t len);

#endif
