/* output.h - printing hits as text, JSON, NDJSON or CSV through one traversal. */
#ifndef LX_OUTPUT_H
#define LX_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "record.h"
#include "status.h"
#include "tz.h"

typedef enum lx_format { LX_FMT_TEXT, LX_FMT_JSON, LX_FMT_NDJSON, LX_FMT_CSV } lx_format;

/* Parses "text", "json", "ndjson" or "csv"; false for anything else. */
bool lx_output_format_parse(const char *s, lx_format *out);

/* The page of a list of n rows that --offset and --limit leave: rows
 * [*begin, *end), none when offset is past the end; limit 0 is no limit.
 * Every list a command prints (hits, people, a thread) is cut here. */
void lx_output_page(size_t n, size_t offset, size_t limit, size_t *begin, size_t *end);

/* The JSON layout's version, printed in every JSON envelope. */
#define LX_OUTPUT_VERSION 1

typedef struct lx_output {
    FILE *out;
    lx_format format;
    size_t n; /* hits printed so far */
    /* The zone the text format shows dates in (NULL, what lx_output_begin
     * sets: UTC); JSON, NDJSON and CSV give UTC and the sender's clock
     * whatever it is. Not owned. */
    const lx_tz *tz;
    /* Standard output (lx_output_begin), not an export's file: CSV cells
     * show the archive's controls as text hit lines do (lx_escape_csv_shown). */
    bool shown;
} lx_output;

/* Starts a hit list of `total` matches (the JSON envelope, the CSV header)
 * on standard output. */
lx_status lx_output_begin(lx_output *o, FILE *out, lx_format format, size_t total, size_t offset);

/* As lx_output_begin, for an export: a JSON envelope also carries meta (a
 * JSON object) as "export"; bom starts a CSV with a UTF-8 byte-order mark
 * (for Excel). */
lx_status lx_output_begin_export(lx_output *o, FILE *out, lx_format format, size_t total,
                                 const char *meta, bool bom);

/* One CSV header line / row (CRLF-terminated) with one more column at the
 * end: for an export directory's manifest. */
lx_status lx_output_csv_header_plus(lx_strbuf *sb, const char *column);
lx_status lx_output_csv_row_plus(lx_strbuf *sb, const lx_record *rec, const char *value);

/* One hit as a JSON object with one more key at the end (no newline). */
lx_status lx_output_json_hit_plus(lx_strbuf *sb, const lx_record *rec, const char *key,
                                  const char *value);
/* One hit, from its stored document data. */
lx_status lx_output_hit(lx_output *o, const lx_record *rec);
lx_status lx_output_end(lx_output *o);

/* One message in full (headers and body) for `show`, on standard output;
 * the text format adds the date on the clocks of tz when tz is not UTC
 * (NULL: UTC). */
lx_status lx_output_message(FILE *out, lx_format format, const lx_record *rec, const lx_tz *tz);

#endif
