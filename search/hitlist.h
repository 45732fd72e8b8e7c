/* hitlist.h - a list of hits as JSON, NDJSON or CSV text: the envelope, each hit, the end. */
#ifndef LX_HITLIST_H
#define LX_HITLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "strbuf.h"

/* The formats a front shows and an export writes; the core writes all but
 * text (a front's own). */
typedef enum lx_format { LX_FMT_TEXT, LX_FMT_JSON, LX_FMT_NDJSON, LX_FMT_CSV } lx_format;

/* Parses "text", "json", "ndjson" or "csv"; false for anything else. */
bool lx_format_parse(const char *s, lx_format *out);

/* The page of a list of n rows that an offset and a limit leave: rows
 * [*begin, *end), none when offset is past the end; limit 0 is no limit.
 * Every list (hits, people, a thread) is cut here. */
void lx_page(size_t n, size_t offset, size_t limit, size_t *begin, size_t *end);

/* Appends the start of a list of `total` hits: the JSON envelope (meta,
 * when not NULL, a JSON object under "export"), the CSV header (after a
 * UTF-8 byte-order mark when bom: for Excel); nothing for NDJSON and text. */
lx_status lx_hitlist_begin(lx_strbuf *sb, lx_format format, size_t total, size_t offset,
                           const char *meta, bool bom);

/* Appends hit number i (from 0) of the list: a JSON object (after a comma
 * but for the first), an NDJSON line, a CSV row (shown: for standard
 * output, lx_hitcsv_row). Nothing for text. */
lx_status lx_hitlist_hit(lx_strbuf *sb, lx_format format, size_t i, const lx_record *rec,
                         bool shown);

/* Appends the end of a list of n hits (JSON's closing brackets). */
lx_status lx_hitlist_end(lx_strbuf *sb, lx_format format, size_t n);

#endif
