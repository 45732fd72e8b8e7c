/* newfile.h - the files the searcher writes: never over a file, never through a link. */
#ifndef LX_NEWFILE_H
#define LX_NEWFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"

/*
 * A new file written under a temporary name beside its own (NAME.XXXXXXXX.tmp,
 * created with O_EXCL, so neither a file nor a symbolic link already there is
 * ever opened) and given its name only when complete, by a rename that never
 * replaces (renameat2 RENAME_NOREPLACE, or link() where the file system has
 * no such rename). A NAME that exists, a symbolic link included, is an error
 * naming it; nothing is written through a link and nothing is overwritten.
 */
typedef struct lx_newfile {
    int dirfd;       /* the directory both names are in: AT_FDCWD or a borrowed fd */
    lx_strbuf name;  /* the file's name, relative to dirfd */
    lx_strbuf tmp;   /* the temporary one */
    lx_strbuf shown; /* the name messages give (a directory's name before it) */
    FILE *f;         /* open for writing until published or abandoned; NULL then */
} lx_newfile;

/* Appends "SHOWN: REASON" to why when name (relative to dirfd) exists:
 * "a symbolic link; it is never followed" or "the file exists; it is never
 * overwritten". Returns whether it exists. */
bool lx_newfile_taken(int dirfd, const char *name, const char *shown, lx_strbuf *why);

/* Starts nf (which the call initializes): checks that name does not exist
 * and creates the temporary file. shown_dir, when not NULL, is the name of
 * the directory dirfd is open on, for messages. On failure nf holds nothing
 * to release and why says why (naming the file). */
lx_status lx_newfile_open(lx_newfile *nf, int dirfd, const char *shown_dir, const char *name,
                          lx_strbuf *why);

/* Closes the temporary file and gives it its name, never over another file:
 * a file that appeared there meanwhile is an error (LX_E_INVALID) naming it.
 * On any failure the temporary file is removed. Releases nf either way. */
lx_status lx_newfile_publish(lx_newfile *nf, lx_strbuf *why);

/* Closes and removes the temporary file; releases nf. Safe on a released nf. */
void lx_newfile_abandon(lx_newfile *nf);

/* Writes data[0..len) to the new file name in dirfd, as above. */
lx_status lx_newfile_write(int dirfd, const char *shown_dir, const char *name, const char *data,
                           size_t len, lx_strbuf *why);

#endif
