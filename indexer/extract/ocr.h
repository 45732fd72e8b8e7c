/* ocr.h - text read from scans (image-only PDF pages, pictures of documents) by OCR.
 *
 * Two halves. The engine (ocr.c) runs Tesseract, leptonica and poppler's
 * cairo rendering: only the extraction helper process calls it (through
 * lx_doctext_server_main), never the indexer itself. The wire (ocr_wire.c)
 * links no library: the request's kind word and the answer's header line,
 * written by one side and read by the other, so that the indexer's side
 * (attachtext.c) can call it without pulling Tesseract in.
 */
#ifndef LX_OCR_H
#define LX_OCR_H

#include <stdbool.h>
#include <stddef.h>

#include "caps.h"
#include "strbuf.h"

typedef struct lx_ocr_opts {
    const char *lang;      /* Tesseract languages joined by '+' (LX_OCR_DEFAULT_LANG) */
    int dpi;               /* PDF pages are rendered at this resolution (LX_OCR_DPI) */
    size_t max_pages;      /* pages read by OCR per document (LX_OCR_MAX_PAGES) */
    size_t max_pixels;     /* pixels per page; a larger page is scaled down (LX_OCR_MAX_PIXELS) */
    unsigned page_seconds; /* wall time per page: Tesseract's deadline (LX_OCR_PAGE_SECONDS) */
} lx_ocr_opts;

/* The defaults of caps.h. */
void lx_ocr_opts_default(lx_ocr_opts *o);

typedef struct lx_ocr_result {
    int confidence;       /* Tesseract's mean word confidence, 0-100, over the pages read,
                             weighted by their characters; -1 when no word was read */
    size_t pages;         /* pages in the document (image frames, PDF pages) */
    size_t pages_read;    /* pages read by OCR */
    size_t pages_text;    /* PDF pages that had a text layer (taken as is, not read by OCR) */
    size_t pages_skipped; /* pages past max_pages, too small or too large, or past the deadline */
} lx_ocr_result;

typedef struct lx_ocr_probe_result {
    int width, height; /* an image's first page, from its header; 0 for a PDF */
    size_t pages;      /* pages in the document */
    size_t scanned;    /* pages OCR would read: PDF pages without a text layer, image
                          pages large enough to hold text */
} lx_ocr_probe_result;

/* ---- the engine (ocr.c: Tesseract, leptonica, poppler and cairo) ---------- */

/*
 * An image (PNG, JPEG, TIFF with every page, GIF, BMP, WebP, JPEG 2000, PNM:
 * what leptonica reads): the text of its pages, appended to out (UTF-8, as
 * Tesseract gives it), one page after the other with a form feed between
 * two pages (a skipped page's is empty). r gets the counts. Every page's
 * size is read from its header before it is decoded: pages smaller than
 * LX_OCR_MIN_SIDE / LX_OCR_MIN_PIXELS (icons, logos, signatures) or larger
 * than LX_OCR_MAX_IMAGE_PIXELS are skipped, as are pages past o->max_pages
 * or o->page_seconds; when pages were skipped, why gets the reason (and
 * the status is still LX_OK). Fails with LX_E_PARSE and why when the data
 * is not an image leptonica can read; with LX_E_NOT_FOUND when a language's
 * data is missing (why names the Debian package). The Tesseract engine is
 * made once per process and language list, and reused: not thread-safe.
 */
lx_status lx_ocr_image(const char *data, size_t len, const lx_ocr_opts *o, lx_strbuf *out,
                       lx_ocr_result *r, lx_strbuf *why);

/*
 * A PDF: each page's text layer when it has one (LX_OCR_TEXT_LAYER_MIN
 * characters that are not white space), else the page rendered at o->dpi
 * (poppler into a cairo surface on white, then 8-bit grey) and read by OCR;
 * in page order, a form feed between two pages. Skips, failures and
 * reasons as lx_ocr_image; LX_E_PARSE when poppler cannot open it.
 */
lx_status lx_ocr_pdf(const char *data, size_t len, const lx_ocr_opts *o, lx_strbuf *out,
                     lx_ocr_result *r, lx_strbuf *why);

/*
 * Without OCR, for the count of attachments that look scanned: a PDF's
 * pages and how many have no text layer, or an image's size (its first
 * page's, from its header alone: nothing is decoded), its pages and how
 * many are large enough to hold text. LX_E_PARSE and why when unreadable.
 * text (a PDF's, may be NULL) gets the text of its text layers exactly as
 * lx_doctext_extract's LX_DOCTEXT_PDF gives it.
 */
lx_status lx_ocr_probe(bool pdf, const char *data, size_t len, lx_ocr_probe_result *p,
                       lx_strbuf *text, lx_strbuf *why);

/*
 * Whether Tesseract loads every language of lang ("fra+eng"): LX_OK, or
 * LX_E_NOT_FOUND with one line in why naming the first missing language
 * and its Debian package ("... install the Debian package
 * tesseract-ocr-deu"), LX_E_INVALID when lang is not a language list.
 * Loads the models once (about 0.3 s), in the calling process: the indexer
 * may call it at start (it links this module, being its own helper).
 */
lx_status lx_ocr_languages_check(const char *lang, lx_strbuf *why);

/*
 * What lx_ocr_image does but Tesseract: every page's header checked, the
 * page decoded, made grey and scaled to fit; r->pages_read counts the pages
 * that would be read, out stays empty. For the fuzz target (fuzz_ocr_probe).
 */
lx_status lx_ocr_image_decode(const char *data, size_t len, const lx_ocr_opts *o,
                              lx_ocr_result *r, lx_strbuf *why);

/*
 * The helper's side of one request whose kind word is an OCR or probe kind
 * (lx_ocr_kind_parse): out gets the answer, a header line then the text.
 * A failure's status and reason are the caller's to send.
 */
lx_status lx_ocr_serve(const char *kind_word, const char *data, size_t len, lx_strbuf *out,
                       lx_strbuf *why);

/* ---- the wire (ocr_wire.c: no library) ------------------------------------ */

typedef enum lx_ocr_kind {
    LX_OCR_KIND_IMAGE,       /* "ocr-image:LANG:DPI:PAGES:SECONDS:PIXELS" */
    LX_OCR_KIND_PDF,         /* "ocr-pdf:LANG:DPI:PAGES:SECONDS:PIXELS" */
    LX_OCR_KIND_PROBE_IMAGE, /* "probe-image" */
    LX_OCR_KIND_PROBE_PDF,   /* "probe-pdf" */
} lx_ocr_kind;

/* Whether lang is a list of Tesseract language names: letters, digits and
 * '_', joined by single '+', at most LX_OCR_MAX_LANG bytes (no '/' or '.':
 * a name becomes a file name under tessdata). */
bool lx_ocr_lang_valid(const char *lang);

/* Longest kind word lx_ocr_kind_word writes (the helper reads request
 * lines at least this long). */
#define LX_OCR_KIND_WORD_MAX (LX_OCR_MAX_LANG + 64)

/* True when word starts like an OCR or probe kind ("ocr-", "probe-"): the
 * helper's server hands such requests to lx_ocr_serve. */
bool lx_ocr_kind_is(const char *word);

/*
 * Writes the kind word of a request (for lx_helper_run's kind): the probe
 * kinds alone, the OCR kinds with the options after colons, in decimal.
 * LX_E_INVALID when an option is out of range or the language list is not
 * names of letters, digits and '_' joined by single '+' (at most
 * LX_OCR_MAX_LANG bytes); o is not used for the probe kinds.
 */
lx_status lx_ocr_kind_word(lx_ocr_kind kind, const lx_ocr_opts *o, lx_strbuf *word);

/*
 * Reads a kind word strictly (the whole word, no sign, no leading zero, each
 * number in range: dpi 50-1200, pages 1-100000, seconds 1-86400, pixels
 * LX_OCR_MIN_PIXELS-LX_OCR_MAX_IMAGE_PIXELS). o->lang points into lang, a
 * buffer of LX_OCR_MAX_LANG + 1 bytes. LX_E_INVALID when it is not one.
 */
lx_status lx_ocr_kind_parse(const char *word, lx_ocr_kind *kind, lx_ocr_opts *o,
                            char lang[LX_OCR_MAX_LANG + 1]);

/*
 * The first line of an OCR answer: "ocr CONF PAGES READ TEXT SKIPPED\n",
 * decimal numbers, CONF -1 when no word was read; when pages were skipped
 * and a reason given, it follows SKIPPED after one space (its line breaks
 * made spaces). The text follows the line.
 */
lx_status lx_ocr_header_add(lx_strbuf *out, const lx_ocr_result *r, const char *reason);

/*
 * Reads an OCR answer's header line from answer[0..len): r gets the numbers,
 * reason (may be NULL) the skip reason, *text_at the offset where the text
 * starts. LX_E_PARSE when the answer does not start with such a line.
 */
lx_status lx_ocr_header_parse(const char *answer, size_t len, lx_ocr_result *r, lx_strbuf *reason,
                              size_t *text_at);

/* A probe's answer line: "probe WIDTH HEIGHT PAGES SCANNED\n" (a PDF's
 * probe is followed by the text of its text layers, as the "pdf" kind
 * gives it: one request reads a PDF that needs no OCR). */
lx_status lx_ocr_probe_header_add(lx_strbuf *out, const lx_ocr_probe_result *p);

/* Reads a probe's answer line into p, *text_at where what follows it
 * starts; LX_E_PARSE when the answer does not start with such a line. */
lx_status lx_ocr_probe_header_parse(const char *answer, size_t len, lx_ocr_probe_result *p,
                                    size_t *text_at);

#endif
