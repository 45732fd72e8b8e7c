/* ocrpending.h - leakdex-index --ocr over an existing index: the scans it left unread. */
#ifndef LX_OCRPENDING_H
#define LX_OCRPENDING_H

#include <stddef.h>

#include "run.h"

typedef struct lx_ocr_pending_stats {
    size_t documents;  /* documents marked ocr:pending */
    size_t rewritten;  /* read back, their attachments extracted again and replaced */
    size_t unreadable; /* no copy could be read back with its SHA-256: left pending */
    size_t failed;     /* read back, but not parsed: left pending */
    double seconds;
} lx_ocr_pending_stats;

/* For every document of r->db marked ocr:pending: reads the original back
 * from its first recorded location whose bytes still hash to the
 * document's identity (as --reverify does), extracts its attachments again
 * with r->attach (OCR on: scans already read in this run come from its
 * cache) and replaces only what the document holds of its attachments
 * (lx_document_set_attachments). Counts the scans in r->report
 * (lx_report_scan), what reading did to access times in r->atimes, and
 * warns through lx_run_warn. Commits in batches;
 * fails only on a database error or want of memory. */
lx_status lx_ocr_pending(lx_run *r, lx_ocr_pending_stats *stats);

#endif
