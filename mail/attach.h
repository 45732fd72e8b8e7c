/* attach.h - every attachment file of a message: type, hash and text caps. */
#ifndef LX_ATTACH_H
#define LX_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "message.h"
#include "sha256.h"
#include "strbuf.h"

typedef enum lx_attach_status {
    LX_ATT_OK,        /* the text (possibly none, as for a scanned PDF) was extracted */
    LX_ATT_TRUNCATED, /* text past the limit was cut */
    LX_ATT_SKIPPED,   /* not read: no extractor for its type (reason) */
    LX_ATT_FAILED,    /* the extractor failed: damaged, crashed, timed out (reason) */
    LX_ATT_LIMIT,     /* a limit stopped it being read whole: size, depth, members, the
                         unpack ratio, the text of its tree or message (reason) */
    LX_ATT_OCR,       /* text read by OCR (leakdex-index --ocr): ocr_* say how */
    LX_ATT_SCANNED,   /* looks scanned, not read: PDF pages without a text layer, or an
                         image large enough to hold text (reason); --ocr reads it */
} lx_attach_status;

/* One attachment file: a MIME leaf that is not body text, or a file found
 * inside one (an archive member, a file in a winmail.dat, an attachment of
 * an attached message). Strings are valid UTF-8 owned by the list. */
typedef struct lx_attachment {
    size_t n;       /* 1-based, in the order found (a container before its files) */
    size_t parent;  /* n of the container, 0 for a MIME attachment of the message */
    unsigned depth; /* containers above it */
    char *name;     /* file name, "" when none */
    char *type;     /* declared MIME type, lowercased; "" inside containers */
    char *sniffed;  /* MIME type libmagic reads from the content */
    char *filetype; /* short type used for extraction and filetype: (pdf, docx...) */
    size_t size;    /* bytes */
    char sha256[LX_SHA256_HEX_LEN + 1]; /* "" when the bytes were not read */
    char *text;                         /* extracted text, NFC, LF line ends; "" when none */
    size_t text_len;
    lx_attach_status status;
    char *reason;    /* why skipped, failed or stopped at a limit, "" otherwise */
    bool from_cache; /* an identical file was extracted earlier in the run */
    /* OCR (indexer/extract/ocr.c, in the helper): filled when pages were
     * read by OCR (ocr_pages > 0), whatever the status (truncated, limit). */
    int ocr_confidence;   /* mean word confidence 0-100, -1 when no page was read */
    char *ocr_language;   /* Tesseract's languages used ("fra+eng"), "" when none */
    size_t ocr_pages;     /* pages read by OCR */
    size_t scanned_pages; /* status scanned: PDF pages without a text layer (0: an image) */
    bool ocr_small;       /* an image too small to hold text, not read (skipped) */
    double ocr_seconds;   /* time the helper took for it (0 when from the cache) */
} lx_attachment;

typedef struct lx_attach_list {
    lx_attachment *v;
    size_t n, alloc;
    size_t dropped; /* attachments past LX_ATTACH_MAX_PER_MESSAGE, counted only */
} lx_attach_list;

typedef struct lx_attach_limits {
    size_t max_bytes;    /* bytes of one attachment examined */
    size_t max_text;     /* extracted text kept per attachment */
    unsigned max_depth;  /* containers opened inside containers */
    size_t max_members;  /* members read per archive */
    size_t max_ratio;    /* unpacked bytes per archive byte; also per byte of a MIME
                            attachment, for every archive inside it together */
    unsigned timeout;    /* seconds per extraction in a helper */
    size_t tree_text;    /* text kept from one MIME attachment and every file inside it */
    size_t message_text; /* text kept from all the attachment files of one message */
} lx_attach_limits;

/* The defaults of common/caps.h. */
void lx_attach_limits_default(lx_attach_limits *lim);

/* What a walk needs: the limits and a libmagic handle. Not shared between
 * threads: one per thread. */
typedef struct lx_attach_ctx lx_attach_ctx;

/* A new context (NULL when out of memory or libmagic cannot load its
 * database; why says which). Free it with lx_attach_ctx_free. */
lx_attach_ctx *lx_attach_ctx_new(const lx_attach_limits *lim, lx_strbuf *why);
void lx_attach_ctx_free(lx_attach_ctx *ctx);

void lx_attach_list_init(lx_attach_list *l);
void lx_attach_list_release(lx_attach_list *l);

/* How a file is read, by its type: its text (LX_H_NONE to LX_H_PPT, by the
 * lister's reader) or the files inside it (the walk's own containers). */
typedef enum lx_attach_handler {
    LX_H_NONE,    /* no text */
    LX_H_TEXT,    /* any text type: charset normalization */
    LX_H_HTML,    /* HTML: charset, then htmltext */
    LX_H_RTF,     /* rtf.c */
    LX_H_PDF,     /* helper: poppler */
    LX_H_OOXML,   /* helper: libarchive + libxml2 */
    LX_H_ODF,     /* helper: libarchive + libxml2 */
    LX_H_DOC,     /* catdoc */
    LX_H_XLS,     /* xls2csv */
    LX_H_PPT,     /* catppt */
    LX_H_IMAGE,   /* helper: leptonica (its size; its text by OCR with --ocr) */
    LX_H_ARCHIVE, /* members are attachments */
    LX_H_TNEF,    /* files inside are attachments */
    LX_H_MESSAGE, /* an e-mail: its text, and its attachments */
} lx_attach_handler;

/* One listing of a message's files in progress, as its reader sees it. */
typedef struct lx_attach_walk lx_attach_walk;

/* Reads the text of file idx of the walk w, a leaf to be read by h (never
 * a container): its bytes data[0..len) and the charset label of its MIME
 * part ("" or NULL when none). It records the outcome on the file with
 * lx_attach_walk_set_text, lx_attach_walk_keep_text or lx_attach_walk_read_text, and
 * lx_attach_set_reason. binary: the file is labelled as text but its content
 * is not (h is then LX_H_NONE). Called for every leaf but one of a type with
 * text that the text caps leave no room for; returns LX_E_NOMEM or LX_OK. */
typedef lx_status (*lx_attach_text_fn)(void *arg, lx_attach_walk *w, size_t idx,
                                       lx_attach_handler h, const char *label, const char *data,
                                       size_t len, bool binary);

/* Lists every attachment file of m into out (initialized by the caller),
 * each leaf's text read by text(arg, ...) (NULL: leaves get no text).
 * Damage and limits are recorded on the attachments; the call fails only
 * for LX_E_NOMEM. */
lx_status lx_attach_list_files(lx_attach_ctx *ctx, const lx_message *m, lx_attach_list *out,
                               lx_attach_text_fn text, void *arg);

/* The bytes (and name) of attachment n of m, numbered as
 * lx_attach_list_files numbers them; LX_E_NOT_FOUND when there is no such
 * attachment or its bytes were not kept (over the size limit). No text is
 * read. */
lx_status lx_attach_fetch(lx_attach_ctx *ctx, const lx_message *m, size_t n, lx_strbuf *bytes,
                          lx_strbuf *name);

/* File idx of the walk (valid until the reader returns). */
lx_attachment *lx_attach_walk_file(lx_attach_walk *w, size_t idx);

/* Sets file idx's text from raw extracted bytes: valid UTF-8, NFC, LF line
 * ends, cut at the per-file text limit ("truncated"; cut: the reader already
 * cut it there), then kept as lx_attach_walk_keep_text keeps it. Fails only
 * for LX_E_NOMEM. */
lx_status lx_attach_walk_set_text(lx_attach_walk *w, size_t idx, const char *s, size_t len,
                                  bool cut);

/* Gives file idx its text (a heap string of len bytes, valid UTF-8 in NFC,
 * owned by the file from now on), cut where the tree's or the message's
 * text cap leaves no more room ("limit"), and counts it. cut: the text was
 * already cut at the per-file limit ("truncated"). */
void lx_attach_walk_keep_text(lx_attach_walk *w, size_t idx, char *text, size_t len, bool cut);

/* Reads file idx as text (h LX_H_TEXT) or HTML (LX_H_HTML) in its charset
 * (the label, else a guess), leading zero padding left out, and sets its
 * text. Fails only for LX_E_NOMEM. */
lx_status lx_attach_walk_read_text(lx_attach_walk *w, size_t idx, lx_attach_handler h,
                                   const char *label, const char *data, size_t len);

/* Sets a's status and its reason (printf format; made one line of valid
 * UTF-8). */
void lx_attach_set_reason(lx_attachment *a, lx_attach_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether a's text counts as extracted text (the attachments-with-text
 * count): a status that keeps text, and some text. */
bool lx_attach_has_text(const lx_attachment *a);

/* "ok", "truncated", "skipped: REASON", "failed: REASON", "limit: REASON",
 * "ocr" or "scanned: REASON". */
lx_status lx_attach_status_line(const lx_attachment *a, lx_strbuf *out);

#endif
