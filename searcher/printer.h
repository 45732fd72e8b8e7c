/* printer.h - the one interface of the printers: text, JSON, NDJSON and CSV on standard output. */
#ifndef LX_PRINTER_H
#define LX_PRINTER_H

#include <stdbool.h>
#include <stdio.h>

#include "attachment.h"
#include "facets.h"
#include "hitlist.h"
#include "record.h"
#include "senders.h"
#include "status.h"
#include "tz.h"

/* Where and how a printer prints. */
typedef struct lx_print {
    FILE *out;
    lx_format format; /* its printer's (lx_print_init) */
    const lx_tz *tz; /* the zone text dates are shown in (NULL: UTC); not owned */
    bool bold;       /* text: snippet matches in bold (a terminal) */
    size_t n;        /* hits printed so far (lx_print_list_*) */
    lx_strbuf buf;   /* what a printer is making, until lx_print_emit */
} lx_print;

/*
 * One printer per format, each behind this table. Every list a command
 * prints goes through one of them: the hits of a search or a thread, a
 * message (`show`), the people (`senders`, `recipients`), the summary
 * (`stats`; NULL: the format has none), the facets of a query (`facets`),
 * attachment n's text (`attachment-text`; NULL: the format has none), a
 * batch's table. What the archive
 * wrote is shown, never obeyed: every text printer escapes it for the
 * terminal, the CSV printer shows controls as escapes too.
 */
typedef struct lx_printer {
    lx_status (*hits_begin)(lx_print *p, size_t total, size_t offset);
    lx_status (*hit)(lx_print *p, const lx_record *rec);
    lx_status (*hits_end)(lx_print *p);
    /* Message i (from 0) of those `show` was asked for. */
    lx_status (*message)(lx_print *p, const lx_record *rec, size_t i);
    /* people->v[begin..end) of the people counted (the page); kind names
     * them. */
    lx_status (*people)(lx_print *p, const lx_people *people, size_t begin, size_t end);
    lx_status (*stats)(lx_print *p, const lx_stats *s);
    lx_status (*facets)(lx_print *p, const lx_facets *f);
    lx_status (*attachment_text)(lx_print *p, size_t n, const lx_attachment_text *t);
    lx_status (*batch_begin)(lx_print *p);
    lx_status (*batch_row)(lx_print *p, const char *query, size_t hits, size_t verified);
} lx_printer;

extern const lx_printer lx_print_text, lx_print_json, lx_print_ndjson, lx_print_csv;

/* The printer of format f. */
const lx_printer *lx_printer_of(lx_format f);

/* Starts p for printing in format f to out (text dates in tz; bold: a
 * terminal); returns f's printer. Release p with lx_print_release. */
const lx_printer *lx_print_init(lx_print *p, lx_format f, FILE *out, const lx_tz *tz, bool bold);

/* Writes what p->buf holds to p->out (when st is LX_OK) and empties it;
 * returns st (a failed write shows at the end, as ferror on p->out). */
lx_status lx_print_emit(lx_print *p, lx_status st);

/* Frees what lx_print_init made. */
void lx_print_release(lx_print *p);

/* The hit list of the formats the core writes, in p->format (hitlist.h;
 * nothing for text): the start, one hit (CSV as shown on standard output),
 * the end. */
lx_status lx_print_list_begin(lx_print *p, size_t total, size_t offset);
lx_status lx_print_list_hit(lx_print *p, const lx_record *rec);
lx_status lx_print_list_end(lx_print *p);

#endif
