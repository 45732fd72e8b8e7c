/* attachtext.c - the text of every attachment file, extracted once per run.
 *
 * The attachment walk (mail/attach.c) lists a message's files; this module
 * reads the text of each leaf. Text from large, hostile formats (PDF, office
 * documents, legacy Word/Excel/PowerPoint) is extracted in a helper process
 * (helper.c, sandbox.c); RTF is read here by a small, fuzzed reader, text
 * and HTML by the walk. Identical files (by SHA-256) are read once per run:
 * their text is kept in a cache that every worker's context shares.
 */
#include "attachtext.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <pthread.h>

#include "caps.h"
#include "doctext.h"
#include "helper.h"
#include "rtf.h"
#include "sandbox.h"
#include "banned.h"

/* A text extracted earlier in the run, by SHA-256. */
typedef struct cached {
    char *text;
    size_t len;
    lx_attach_status status;
    char *reason;
} cached;

/* Texts extracted earlier in the run, shared by every worker's context. */
typedef struct text_cache {
    pthread_mutex_t mu;
    GHashTable *map; /* sha256 hex -> cached */
    size_t bytes;
    unsigned refs; /* contexts sharing it (changed by the main thread only) */
} text_cache;

struct lx_attachtext_ctx {
    lx_attach_limits lim;
    lx_attach_ctx *files; /* the walk's: limits and this thread's libmagic handle */
    char *helper;
    lx_helper *server; /* this thread's long-lived helper process, once started */
    text_cache *cache;
};

static void cached_free(gpointer p)
{
    cached *c = p;
    free(c->text);
    free(c->reason);
    free(c);
}

/* A context with limits, helper and cache of its own, or (parent given)
 * those of parent, shared; a walk context (libmagic handle) of its own
 * either way. */
static lx_attachtext_ctx *ctx_new(const lx_attach_limits *lim, const char *helper,
                                  const lx_attachtext_ctx *parent, lx_strbuf *why)
{
    lx_attachtext_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        lx_strbuf_addstr(why, "out of memory");
        return NULL;
    }
    ctx->lim = *lim;
    if (!(ctx->files = lx_attach_ctx_new(lim, why))) {
        lx_attachtext_ctx_free(ctx);
        return NULL;
    }
    if (parent) {
        ctx->cache = parent->cache;
        ctx->cache->refs++;
    } else if ((ctx->cache = calloc(1, sizeof *ctx->cache))) {
        pthread_mutex_init(&ctx->cache->mu, NULL);
        ctx->cache->map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_free);
        ctx->cache->refs = 1;
    }
    ctx->helper = helper ? strdup(helper) : NULL;
    if (!ctx->cache || (helper && !ctx->helper)) {
        lx_strbuf_addstr(why, "out of memory");
        lx_attachtext_ctx_free(ctx);
        return NULL;
    }
    return ctx;
}

lx_attachtext_ctx *lx_attachtext_ctx_new(const lx_attach_limits *lim, const char *helper,
                                         lx_strbuf *why)
{
    return ctx_new(lim, helper, NULL, why);
}

lx_attachtext_ctx *lx_attachtext_ctx_clone(const lx_attachtext_ctx *ctx, lx_strbuf *why)
{
    return ctx_new(&ctx->lim, ctx->helper, ctx, why);
}

void lx_attachtext_ctx_free(lx_attachtext_ctx *ctx)
{
    if (!ctx)
        return;
    lx_attach_ctx_free(ctx->files);
    lx_helper_free(ctx->server);
    if (ctx->cache && --ctx->cache->refs == 0) {
        g_hash_table_destroy(ctx->cache->map);
        pthread_mutex_destroy(&ctx->cache->mu);
        free(ctx->cache);
    }
    free(ctx->helper);
    free(ctx);
}

/* Runs a helper over the bytes and records its text or failure: argv as a
 * process of its own, or (argv NULL) the document of that kind sent to this
 * thread's long-lived helper. */
static lx_status run_helper(lx_attachtext_ctx *ctx, lx_attach_walk *w, size_t idx,
                            const char *const *argv, const char *kind, const char *data, size_t len)
{
    lx_sandbox_limits lim = {ctx->lim.timeout, LX_ATTACH_HELPER_MEMORY, ctx->lim.max_text + 4};
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    if (!argv && !ctx->server && !(ctx->server = lx_helper_new(ctx->helper))) {
        lx_strbuf_release(&out);
        lx_strbuf_release(&why);
        return LX_E_NOMEM;
    }
    lx_sandbox_result r = argv ? lx_sandbox_run(argv, data, len, &lim, &out, &why)
                               : lx_helper_run(ctx->server, kind, data, len, &lim, &out, &why);
    lx_status st = LX_OK;
    if (r == LX_SANDBOX_FAILED)
        lx_attach_set_reason(lx_attach_walk_file(w, idx), LX_ATT_FAILED, "%s",
                             why.len ? why.buf : "extraction failed");
    else
        st = lx_attach_walk_set_text(w, idx, out.buf, out.len, r == LX_SANDBOX_TRUNCATED);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    return st;
}

/* Text of a leaf, by its handler; records status and reason. */
static lx_status extract_leaf(lx_attachtext_ctx *ctx, lx_attach_walk *w, size_t idx,
                              lx_attach_handler h, const char *label, const char *data, size_t len)
{
    lx_strbuf text;
    lx_strbuf_init(&text);
    lx_status st = LX_OK;
    const char *override = getenv("LEAKDEX_EXTRACT_HELPER");
    switch (h) {
    case LX_H_TEXT:
    case LX_H_HTML: st = lx_attach_walk_read_text(w, idx, h, label, data, len); break;
    case LX_H_RTF:
        st = lx_rtf_text(data, len, ctx->lim.max_text, &text);
        if (!st)
            st = lx_attach_walk_set_text(w, idx, text.buf, text.len, false);
        break;
    case LX_H_PDF:
    case LX_H_OOXML:
    case LX_H_ODF: {
        const char *helper = override && *override ? override : ctx->helper;
        if (!helper) {
            lx_attach_set_reason(lx_attach_walk_file(w, idx), LX_ATT_SKIPPED,
                                 "no extraction helper in this program");
            break;
        }
        const char *kind = lx_doctext_kind_name(h == LX_H_PDF     ? LX_DOCTEXT_PDF
                                                : h == LX_H_OOXML ? LX_DOCTEXT_OOXML
                                                                  : LX_DOCTEXT_ODF);
        /* A program named in the environment (tests, other filters) runs
         * once per document; the indexer itself, as a long-lived helper. */
        const char *argv[] = {helper, "--extract-helper", kind, NULL};
        st = run_helper(ctx, w, idx, override && *override ? argv : NULL, kind, data, len);
        break;
    }
    case LX_H_DOC:
    case LX_H_XLS:
    case LX_H_PPT: {
        /* catdoc's filters read the legacy binary formats; they run under
         * the same limits as the helper. */
        const char *prog = h == LX_H_DOC ? "catdoc" : h == LX_H_XLS ? "xls2csv" : "catppt";
        const char *doc_argv[] = {prog, "-d", "utf-8", "-w", "/dev/stdin", NULL};
        const char *other_argv[] = {prog, "-d", "utf-8", "/dev/stdin", NULL};
        st = run_helper(ctx, w, idx, h == LX_H_DOC ? doc_argv : other_argv, NULL, data, len);
        break;
    }
    default: {
        lx_attachment *a = lx_attach_walk_file(w, idx);
        lx_attach_set_reason(a, LX_ATT_SKIPPED, "no text in %s", a->filetype);
        break;
    }
    }
    lx_strbuf_release(&text);
    return st;
}

/* The walk's reader (lx_attach_text_fn): a leaf's text, once per run for
 * identical files. */
static lx_status read_leaf(void *arg, lx_attach_walk *w, size_t idx, lx_attach_handler h,
                           const char *label, const char *data, size_t len, bool binary)
{
    lx_attachtext_ctx *ctx = arg;
    lx_attachment *a = lx_attach_walk_file(w, idx);
    text_cache *tc = ctx->cache;
    pthread_mutex_lock(&tc->mu);
    cached *c = g_hash_table_lookup(tc->map, a->sha256);
    if (c) {
        char *text = malloc(c->len + 1), *creason = strdup(c->reason);
        if (text && creason)
            memcpy(text, c->text, c->len + 1);
        size_t clen = c->len;
        lx_attach_status status = c->status;
        pthread_mutex_unlock(&tc->mu);
        if (!text || !creason) {
            free(text);
            free(creason);
            return LX_E_NOMEM;
        }
        free(a->reason);
        a->reason = creason;
        a->status = status;
        a->from_cache = true;
        lx_attach_walk_keep_text(w, idx, text, clen, false);
        return LX_OK;
    }
    pthread_mutex_unlock(&tc->mu);
    lx_status st = extract_leaf(ctx, w, idx, h, label, data, len);
    if (st)
        return st;
    a = lx_attach_walk_file(w, idx);
    if (binary)
        lx_attach_set_reason(a, LX_ATT_SKIPPED,
                             "no text in %s: labelled %s, but its content is binary", a->filetype,
                             a->type);
    /* A text cut by this message's caps is not the file's text. */
    if (a->status == LX_ATT_LIMIT)
        return LX_OK;
    c = calloc(1, sizeof *c);
    if (!c)
        return LX_OK;
    c->text = malloc(a->text_len + 1);
    c->reason = strdup(a->reason);
    if (!c->text || !c->reason) {
        cached_free(c);
        return LX_OK;
    }
    memcpy(c->text, a->text, a->text_len + 1);
    c->len = a->text_len;
    c->status = a->status;
    /* Another worker may have read the same file meanwhile: first one kept. */
    pthread_mutex_lock(&tc->mu);
    if (tc->bytes + a->text_len < LX_ATTACH_CACHE_BYTES &&
        !g_hash_table_contains(tc->map, a->sha256)) {
        g_hash_table_insert(tc->map, g_strdup(a->sha256), c);
        tc->bytes += a->text_len + 64;
        c = NULL;
    }
    pthread_mutex_unlock(&tc->mu);
    if (c)
        cached_free(c);
    return LX_OK;
}

lx_status lx_attachtext_extract(lx_attachtext_ctx *ctx, const lx_message *m, lx_attach_list *out)
{
    return lx_attach_list_files(ctx->files, m, out, read_leaf, ctx);
}
