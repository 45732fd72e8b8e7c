/* report.h - the completeness report: every message and file accounted for. */
#ifndef LX_REPORT_H
#define LX_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "corroborate.h"
#include "schema.h"
#include "strbuf.h"
#include "thread.h"
#include "walk.h"

struct lx_attachment;

typedef struct lx_reason_count {
    char *reason;
    size_t count;
} lx_reason_count;

typedef struct lx_source_stats {
    char *path;
    lx_source_kind kind;
    size_t found;         /* messages found */
    size_t indexed;       /* new documents */
    size_t duplicates;    /* same bytes as a message already indexed, new location */
    size_t known;         /* already indexed at this very location */
    size_t other_shard;   /* belongs to another shard (--shard): not indexed, not an error */
    size_t skipped;       /* messages that could not be indexed */
    size_t files_skipped; /* files (or directories) that hold no message */
    size_t no_date;       /* indexed without any date */
    size_t date_from_received;
    size_t date_from_outlook; /* an Outlook item's delivery or creation time (no submit time) */
    lx_reason_count *reasons;
    size_t n_reasons, alloc_reasons;
} lx_source_stats;

typedef struct lx_report {
    lx_source_stats *v;
    size_t n, alloc;
    bool dkim_checked; /* print the DKIM line */
    char shard[32];    /* --shard "I/N", "" when not sharding: the other-shard column */
    size_t dkim[LX_VERDICT_COUNT_]; /* new documents by verdict (lx_verdict) */
    size_t dkim_weak;               /* of which pass only with an RSA key under 1024 bits */
    /* For the line that says how to get the keys of nokey messages: the
     * run's key files, --keys-out file (NULL without --dns; both borrowed)
     * and whether DNS was asked. */
    const char *const *key_files;
    size_t n_key_files;
    const char *keys_out;
    bool dns;
    size_t verified;        /* new documents verified (lx_verified yes) */
    size_t partial;         /* new documents signed in part (lx_verified partial) */
    bool threaded;          /* print the thread line */
    lx_thread_stats thread; /* what the thread pass found (its moved list not kept) */
    bool chained;           /* print the chains line (lx_corroborate_pass ran) */
    lx_corroborate_stats chain;
    double chain_seconds;
    size_t att_total;             /* attachment files of new documents, nested ones included */
    size_t att_text;              /* of which text was extracted */
    size_t att_truncated;         /* text cut at the limit */
    size_t att_limited;           /* a limit stopped it being read whole */
    size_t att_skipped;           /* not read: a type without text */
    size_t att_failed;            /* damaged, crashed, timed out */
    size_t att_cached;            /* identical to a file extracted earlier in the run */
    size_t att_dropped;           /* past LX_ATTACH_MAX_PER_MESSAGE, not listed */
    /* Scans, each distinct file once (as att_cached tells copies). */
    size_t scan_files;            /* look scanned, not read (status scanned) */
    size_t scan_pdf_pages;        /* their PDF pages without a text layer */
    size_t scan_images;           /* of which images */
    bool ocr;                     /* --ocr: print the ocr line rather than the scanned one */
    const char *ocr_lang;         /* its languages (borrowed) */
    size_t ocr_files;             /* read by OCR */
    size_t ocr_pages;             /* their pages read */
    double ocr_confidence_pages;  /* mean confidence times pages, summed */
    size_t ocr_failed;            /* OCR failed: damaged, crashed, timed out */
    size_t ocr_small;             /* images too small to hold text, not read */
    double ocr_seconds;           /* time the helpers took, summed over the threads */
    lx_reason_count *att_reasons; /* statuses other than ok, counted */
    size_t n_att_reasons, alloc_att_reasons;
    lx_reason_count *not_mail; /* Outlook items that are not mail, by kind (lx_mapi_kind) */
    size_t n_not_mail, alloc_not_mail;
    size_t files_unchanged;    /* files an earlier run indexed whole, not read again */
    size_t messages_unchanged; /* the messages in them (counted as already indexed) */
    unsigned jobs;             /* --jobs: threads that parsed, 0 when not told */
    unsigned writers;          /* a segment run's writer threads, 0 for one writer */
    size_t segments;           /* the segments they wrote, merged in input order */
    double merge_seconds;      /* the merge's time */
    const char *stopped;       /* why the run stopped early (static), NULL when it did not */
    size_t not_indexed;        /* messages found that the stopped run did not index */
} lx_report;

/* The reason under which a run that stopped early (a database it cannot
 * write) counts the messages it found and did not index. */
#define LX_REPORT_NOT_INDEXED "not indexed: the run stopped before it"

/* Prints the chains line: corroborated and mismatched messages in the whole
 * index, what the pass compared and rewrote, its time. */
void lx_report_print_chains(const lx_report *r, FILE *out);

/* Prints the threads and chains lines alone (leakdex-index --link-with). */
void lx_report_print_passes(const lx_report *r, FILE *out);

void lx_report_init(lx_report *r);
void lx_report_release(lx_report *r);

/* The stats of a source, created on first use; NULL when out of memory. The
 * pointer is valid until the next call. */
lx_source_stats *lx_report_source(lx_report *r, const char *path, lx_source_kind kind);

/* Counts one skipped message (file == 0) or file (file == 1) under reason. */
void lx_report_skip(lx_source_stats *s, const char *reason, int file);

/* Counts one message indexed despite a problem (a cut header, deep MIME...):
 * listed under its source as "noted", not counted as skipped. */
void lx_report_note(lx_source_stats *s, const char *what);

/* Counts one attachment status line ("truncated", "limit: ...",
 * "skipped: ...", "failed: ...") for the summary. */
void lx_report_attachment(lx_report *r, const char *status);

/* Counts one Outlook item that is not mail, of kind (lx_mapi_kind), for
 * the run's "not mail:" line. */
void lx_report_not_mail(lx_report *r, const char *kind);

/* Appends ", N KINDs" (without the comma when first) to line: "1 contact",
 * "3 contacts", "2 journal entries". */
lx_status lx_report_add_kind(lx_strbuf *line, const char *kind, size_t n, bool first);

/* Counts attachment a in the scan and OCR figures; first: no identical
 * file was counted before in this run. */
void lx_report_scan(lx_report *r, const struct lx_attachment *a, bool first);

/* Prints the line on scans: with --ocr (r->ocr) "ocr: N attachments read
 * by OCR (P pages, mean confidence C %, LANGS) in S s; F failed, K skipped
 * (too small)", else, when some look scanned, "scanned: N attachments look
 * scanned (P PDF pages without text, K images); leakdex-index --ocr reads
 * them". */
void lx_report_print_scans(const lx_report *r, FILE *out);

/* Prints the per-source table, the reasons, and the totals. */
void lx_report_print(const lx_report *r, FILE *out, double seconds);

#endif
