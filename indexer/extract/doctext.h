/* doctext.h - text of PDF and office documents, run inside a helper process. */
#ifndef LX_DOCTEXT_H
#define LX_DOCTEXT_H

#include <stddef.h>

#include "strbuf.h"

/* Document kinds the helper reads. */
typedef enum lx_doctext_kind {
    LX_DOCTEXT_PDF,   /* poppler-glib */
    LX_DOCTEXT_OOXML, /* DOCX, XLSX, PPTX: a ZIP of XML parts */
    LX_DOCTEXT_ODF,   /* ODT, ODS, ODP: a ZIP with content.xml */
} lx_doctext_kind;

/* The name used on the helper's command line ("pdf", "ooxml", "odf"). */
/* Inline, so that code naming a kind (the attachment walk, which the
 * searcher links) does not pull in poppler with the rest of this module. */
static inline const char *lx_doctext_kind_name(lx_doctext_kind k)
{
    switch (k) {
    case LX_DOCTEXT_PDF: return "pdf";
    case LX_DOCTEXT_OOXML: return "ooxml";
    case LX_DOCTEXT_ODF: return "odf";
    }
    return "pdf";
}

/*
 * Appends the text of document data[0..len) to out (UTF-8, not yet
 * normalized), at most max bytes. On failure why gets a reason. These parse
 * hostile files with large libraries: the indexer runs them in a helper
 * process (lx_doctext_helper_main), never in itself.
 */
lx_status lx_doctext_extract(lx_doctext_kind kind, const char *data, size_t len, size_t max,
                             lx_strbuf *out, lx_strbuf *why);

/* Called with each page's text (NULL when it has none) as
 * lx_doctext_pdf reads it. */
typedef void (*lx_doctext_page_fn)(void *arg, const char *page_text);

/* A PDF's text as lx_doctext_extract gives it (the pages' texts, a new
 * line between two), its page count in *pages, and (page_fn, may be NULL)
 * each page's text handed over as it is read: the OCR probe counts the
 * pages without a text layer in the same reading. */
lx_status lx_doctext_pdf(const char *data, size_t len, size_t max, lx_strbuf *out, size_t *pages,
                         lx_doctext_page_fn page_fn, void *arg, lx_strbuf *why);

/* The text of one OOXML or ODF XML part (word/document.xml, content.xml...):
 * text nodes in order, paragraphs, rows and breaks as new lines, cells and
 * tabs as tabs, field instructions left out. Never fails on bad XML: what was
 * read before the error is kept. Fuzzed in-process (tests/fuzz/fuzz_doctext). */
lx_status lx_doctext_xml(const char *xml, size_t len, size_t max, lx_strbuf *out);

/* `leakdex-index --extract-helper KIND`: reads the document on standard
 * input, writes its text on standard output; exit 0, or 1 with a
 * "leakdex-extract: REASON" line on standard error. */
int lx_doctext_helper_main(const char *kind);

/* `leakdex-index --extract-server MEMORY`: the long-lived helper (see
 * helper.h). Caps its address space at MEMORY bytes (0: none), then reads
 * requests "KIND SECONDS LEN\n" and LEN bytes on standard input (KIND: a
 * document kind, or an OCR or probe kind word of ocr.h) and answers
 * "o LEN\n" and the text, or "f LEN\n" and a reason, on standard output,
 * each document under a CPU limit of SECONDS, until end of input. */
int lx_doctext_server_main(const char *memory);

#endif
