/* attach.h - every attachment file of a message: type, hash and text. */
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
} lx_attachment;

typedef struct lx_attach_list {
    lx_attachment *v;
    size_t n, alloc;
    size_t dropped; /* attachments past LX_ATTACH_MAX_PER_MESSAGE, counted only */
} lx_attach_list;

typedef struct lx_attach_limits {
    size_t max_bytes;   /* bytes of one attachment examined */
    size_t max_text;    /* extracted text kept per attachment */
    unsigned max_depth; /* containers opened inside containers */
    size_t max_members; /* members read per archive */
    size_t max_ratio;   /* unpacked bytes per archive byte; also per byte of a MIME
                           attachment, for every archive inside it together */
    unsigned timeout;   /* seconds per extraction in a helper */
    size_t tree_text;   /* text kept from one MIME attachment and every file inside it */
    size_t message_text; /* text kept from all the attachment files of one message */
} lx_attach_limits;

/* The defaults of common/caps.h. */
void lx_attach_limits_default(lx_attach_limits *lim);

/* What a run needs to read attachments: limits, libmagic, the cache of texts
 * by SHA-256 (identical files are extracted once) and the helper program.
 * Not shared between threads: one per worker. */
typedef struct lx_attach_ctx lx_attach_ctx;

/* A new context (NULL when out of memory or libmagic cannot load its
 * database; why says which). helper is the program run as
 * `HELPER --extract-helper KIND` for PDF and office documents (the indexer
 * itself); NULL skips those types. The environment variable
 * LEAKDEX_EXTRACT_HELPER, when set, names another program (for tests). */
lx_attach_ctx *lx_attach_ctx_new(const lx_attach_limits *lim, const char *helper, lx_strbuf *why);
void lx_attach_ctx_free(lx_attach_ctx *ctx);

/* Another context for another thread: the same limits and helper, and the
 * same cache of texts already extracted (shared under a lock); a libmagic
 * handle of its own. Created and freed by the thread that made ctx. */
lx_attach_ctx *lx_attach_ctx_clone(const lx_attach_ctx *ctx, lx_strbuf *why);

void lx_attach_list_init(lx_attach_list *l);
void lx_attach_list_release(lx_attach_list *l);

/* Lists every attachment file of m into out (initialized by the caller),
 * with its text. Damage and limits are recorded on the attachments; the
 * call fails only for LX_E_NOMEM. */
lx_status lx_attach_extract(lx_attach_ctx *ctx, const lx_message *m, lx_attach_list *out);

/* The bytes (and name) of attachment n of m, numbered as lx_attach_extract
 * numbers them; LX_E_NOT_FOUND when there is no such attachment or its bytes
 * were not kept (over the size limit). No text is extracted. */
lx_status lx_attach_fetch(lx_attach_ctx *ctx, const lx_message *m, size_t n, lx_strbuf *bytes,
                          lx_strbuf *name);

/* "ok", "truncated", "skipped: REASON", "failed: REASON" or "limit: REASON". */
lx_status lx_attach_status_line(const lx_attachment *a, lx_strbuf *out);

#endif
