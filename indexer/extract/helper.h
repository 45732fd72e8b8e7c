/* helper.h - a long-lived extraction helper process, one per thread.
 *
 * Starting a process for every PDF costs more than reading most PDFs: the
 * indexer's own binary is large to load. So each indexing thread keeps one
 * helper (`leakdex-index --extract-server MEMORY`) and sends it documents
 * one after the other over a socket. The limits stay per document: the
 * helper's address space is capped for its whole life, its CPU limit is
 * moved before each document, and the caller kills it when a document
 * takes longer than its time; a helper that crashed or was killed is
 * started again for the next document, and every LX_HELPER_DOCUMENTS
 * documents anyway, so that what a library leaks stays small.
 */
#ifndef LX_HELPER_H
#define LX_HELPER_H

#include "sandbox.h"
#include "strbuf.h"

/* Documents one helper process reads before it is replaced. */
#define LX_HELPER_DOCUMENTS 500

typedef struct lx_helper lx_helper;

/* A helper that runs program (the indexer itself); started on first use.
 * NULL when out of memory. */
lx_helper *lx_helper_new(const char *program);

/* Stops the helper process, if running, and frees h. */
void lx_helper_free(lx_helper *h);

/* The text of one document of kind ("pdf", "ooxml", "odf"; or an OCR or
 * probe kind word of ocr.h, whose answer starts with its header line), as
 * lx_sandbox_run would give it: LX_SANDBOX_OK with the text in out,
 * LX_SANDBOX_TRUNCATED past lim->max_output, LX_SANDBOX_FAILED with a
 * one-line reason in why (the document's damage, a crash, a timeout). */
lx_sandbox_result lx_helper_run(lx_helper *h, const char *kind, const char *data, size_t len,
                                const lx_sandbox_limits *lim, lx_strbuf *out, lx_strbuf *why);

/* The helper's side is lx_doctext_server_main (doctext.h), so that this
 * module does not pull the document libraries into the searcher. */

#endif
