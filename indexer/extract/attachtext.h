/* attachtext.h - the text of every attachment file, extracted once per run. */
#ifndef LX_ATTACHTEXT_H
#define LX_ATTACHTEXT_H

#include <stdbool.h>

#include "attach.h"
#include "message.h"
#include "strbuf.h"

/* What a run needs to read attachments' text: the walk's context (limits,
 * libmagic), the cache of texts by SHA-256 (identical files are extracted
 * once) and the helper program. Not shared between threads: one per
 * worker. */
typedef struct lx_attachtext_ctx lx_attachtext_ctx;

/* A new context (NULL when out of memory or libmagic cannot load its
 * database; why says which). helper is the program run as
 * `HELPER --extract-helper KIND` for PDF and office documents (the indexer
 * itself); NULL skips those types. The environment variable
 * LEAKDEX_EXTRACT_HELPER, when set, names another program (for tests). */
lx_attachtext_ctx *lx_attachtext_ctx_new(const lx_attach_limits *lim, const char *helper,
                                         lx_strbuf *why);
void lx_attachtext_ctx_free(lx_attachtext_ctx *ctx);

/* Another context for another thread: the same limits and helper, and the
 * same cache of texts already extracted (shared under a lock); a libmagic
 * handle of its own. Created and freed by the thread that made ctx. */
lx_attachtext_ctx *lx_attachtext_ctx_clone(const lx_attachtext_ctx *ctx, lx_strbuf *why);

/* OCR of scans for this context and the clones made after: on (--ocr),
 * PDF pages without a text layer and images large enough to hold text are
 * read by OCR in the helper, in the languages lang (Tesseract's "fra+eng",
 * checked by the caller), each document within timeout seconds; off, they
 * are only probed and get the status scanned. LX_E_INVALID for a language
 * string that is empty or too long, or a zero timeout. */
lx_status lx_attachtext_set_ocr(lx_attachtext_ctx *ctx, bool on, const char *lang,
                                unsigned timeout);

/* Lists every attachment file of m into out (initialized by the caller),
 * with its text (lx_attach_list_files). Damage and limits are recorded on
 * the attachments; the call fails only for LX_E_NOMEM. */
lx_status lx_attachtext_extract(lx_attachtext_ctx *ctx, const lx_message *m, lx_attach_list *out);

#endif
