/* export.h - hit lists written to files, and the originals copied out. */
#ifndef LX_EXPORT_H
#define LX_EXPORT_H

#include <stdbool.h>

#include "output.h"
#include "snippet.h"
#include "xdb.h"

/* The format an export file's name asks for: .csv, .json, .ndjson (or
 * .jsonl); false for any other name. */
bool lx_export_format(const char *path, lx_format *out);

/* Writes every hit of res to path (through a temporary file renamed at the
 * end), with meta (a JSON object describing the export) inside a JSON file
 * or beside a CSV/NDJSON one as PATH.meta.json, each hit with the snippet a
 * hit list shows for the query's words w (lx_snippet_add). bom: a UTF-8
 * byte-order mark before CSV, for Excel. A one-line reason goes to why on
 * failure. */
lx_status lx_export_file(lx_db *db, const lx_results *res, const char *path, bool bom,
                         const char *meta, const lx_snippet_words *w, lx_strbuf *why);

/* Copies the original of every hit of res into dir (created if need be; an
 * existing one must be empty):
 * the message's bytes exactly as stored, named DATE_ID.eml (DATE_ID.mbox for
 * a message cut from an mbox, its "From " line kept), never overwriting a
 * file; then manifest.csv (the export's columns and the copied file's
 * name; snippets as lx_export_file's), SHA256SUMS (as sha256sum -c reads
 * it) and export.meta.json. A hit whose original cannot be read is listed in
 * the manifest with no file and reported in why; *copied counts the files
 * written. */
lx_status lx_export_dir(lx_db *db, const lx_results *res, const char *dir, const char *meta,
                        const lx_snippet_words *w, size_t *copied, lx_strbuf *why);

#endif
