/* export.h - hit lists written to files, and the originals copied out. */
#ifndef LX_EXPORT_H
#define LX_EXPORT_H

#include <stdbool.h>

#include "evidence.h"
#include "newfile.h"
#include "output.h"
#include "snippet.h"
#include "xdb.h"

/* The format an export file's name asks for: .csv, .json, .ndjson (or
 * .jsonl); false for any other name. */
bool lx_export_format(const char *path, lx_format *out);

/* An export file written under a temporary name, and its description
 * (FILE.meta.json, for CSV and NDJSON), until published or abandoned. */
typedef struct lx_export_pending {
    lx_newfile data, meta;
    bool has_meta;
} lx_export_pending;

/* Writes every hit of res to a new temporary file beside path, with meta (a
 * JSON object describing the export) inside a JSON file or, for CSV and
 * NDJSON, in a temporary file for PATH.meta.json; each hit with the snippet
 * a hit list shows for the query's words w (lx_snippet_add). bom: a UTF-8
 * byte-order mark before CSV, for Excel. Neither name may exist (a symbolic
 * link included): that is an error naming it (LX_E_INVALID). On success the
 * caller publishes or abandons *out; on failure nothing is left and why has
 * a one-line reason. */
lx_status lx_export_file(lx_db *db, const lx_results *res, const char *path, bool bom,
                         const char *meta, const lx_snippet_words *w, lx_export_pending *out,
                         lx_strbuf *why);

/* Gives the files their names, never over a file that appeared meanwhile
 * (an error naming it; then neither is left). */
lx_status lx_export_file_publish(lx_export_pending *p, lx_strbuf *why);

/* Removes the temporary files. */
void lx_export_file_abandon(lx_export_pending *p);

/* The directory of an --export-dir, open while the export is written. */
typedef struct lx_export_dir {
    const char *shown;       /* its name as given (borrowed) */
    int fd;                  /* open on it, never through a link */
    bool created;            /* made by this export */
    struct _GHashTable *made; /* the names of the files this export made in it */
    lx_atime_stats *atimes;  /* what reading the originals did to their times (NULL: not told) */
} lx_export_dir;

/* Opens dir for an export (d initialized by the call): created if need be,
 * else it must be an empty directory; a symbolic link is never followed. On
 * failure nothing is left to close and why says why. */
lx_status lx_export_dir_open(lx_export_dir *d, const char *dir, lx_strbuf *why);

/* Copies the original of every hit of res into the directory: the
 * message's bytes exactly as stored, named DATE_ID.eml (DATE_ID.mbox for a
 * message cut from an mbox, its "From " line kept; DATE_ID-2... for a name
 * this export used already); then manifest.csv (the export's columns and
 * the copied file's name; snippets as lx_export_file's), SHA256SUMS (as
 * sha256sum -c reads it) and export.meta.json. Every file is new: one that
 * appeared in the directory meanwhile is never overwritten nor followed (an
 * error naming it, LX_E_INVALID). A hit whose original cannot be read is
 * listed in the manifest with no file and reported in why (LX_E_NOT_FOUND
 * when all else went well); *copied counts the files written. */
lx_status lx_export_dir_fill(lx_export_dir *d, lx_db *db, const lx_results *res, const char *meta,
                             const lx_snippet_words *w, size_t *copied, lx_strbuf *why);

/* Removes every file this export made in the directory (to start over). */
void lx_export_dir_clear(lx_export_dir *d);

/* Closes the directory; failed: removes what the export made first (and
 * the directory, if it made that too). */
void lx_export_dir_close(lx_export_dir *d, bool failed);

#endif
