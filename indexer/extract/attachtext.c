/* attachtext.c - the text of every attachment file, extracted once per run.
 *
 * The attachment walk (mail/attach.c) lists a message's files; this module
 * reads the text of each leaf. Text from large, hostile formats (PDF, office
 * documents, legacy Word/Excel/PowerPoint) is extracted in a helper process
 * (helper.c, sandbox.c), and so are scans: PDF pages without a text layer
 * and images, read by OCR with --ocr (ocr.c, in the helper), else only
 * probed, so that the run can say how many look scanned; RTF is read here
 * by a small, fuzzed reader, text and HTML by the walk. Identical files
 * (by SHA-256) are read once per run:
 * their text is kept in a cache that every worker's context shares.
 */
#include "attachtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <pthread.h>

#include "caps.h"
#include "doctext.h"
#include "helper.h"
#include "ocr.h"
#include "rtf.h"
#include "sandbox.h"
#include "banned.h"

/* A text extracted earlier in the run, by SHA-256, with what OCR said of
 * it (or that it looks scanned). */
typedef struct cached {
    char *text;
    size_t len;
    lx_attach_status status;
    char *reason;
    int ocr_confidence;
    char *ocr_language;
    size_t ocr_pages, scanned_pages;
    bool ocr_small;
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
    bool ocr;                          /* --ocr: scans read; else only marked */
    char ocr_lang[LX_OCR_MAX_LANG + 1]; /* Tesseract's languages, "fra+eng" */
    unsigned ocr_timeout;              /* seconds per document read by OCR */
};

static void cached_free(gpointer p)
{
    cached *c = p;
    free(c->text);
    free(c->reason);
    free(c->ocr_language);
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
    snprintf(ctx->ocr_lang, sizeof ctx->ocr_lang, "%s", LX_OCR_DEFAULT_LANG);
    ctx->ocr_timeout = LX_OCR_TIMEOUT;
    if (parent) {
        ctx->ocr = parent->ocr;
        memcpy(ctx->ocr_lang, parent->ocr_lang, sizeof ctx->ocr_lang);
        ctx->ocr_timeout = parent->ocr_timeout;
    }
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

lx_status lx_attachtext_set_ocr(lx_attachtext_ctx *ctx, bool on, const char *lang,
                                unsigned timeout)
{
    if (!lang || !*lang || strlen(lang) > LX_OCR_MAX_LANG || timeout == 0)
        return LX_E_INVALID;
    ctx->ocr = on;
    snprintf(ctx->ocr_lang, sizeof ctx->ocr_lang, "%s", lang);
    ctx->ocr_timeout = timeout;
    return LX_OK;
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

/* The helper program: LEAKDEX_EXTRACT_HELPER when set (tests, other
 * filters), else the indexer itself; NULL when there is none. */
static const char *helper_program(const lx_attachtext_ctx *ctx, bool *override)
{
    const char *env = getenv("LEAKDEX_EXTRACT_HELPER");
    *override = env && *env;
    return *override ? env : ctx->helper;
}

/* Runs a helper over the bytes: argv as a process of its own, or (argv
 * NULL) the document of that kind sent to this thread's long-lived helper.
 * Its answer in out, or its failure in why. */
static lx_status helper_answer(lx_attachtext_ctx *ctx, const char *const *argv, const char *kind,
                               const char *data, size_t len, const lx_sandbox_limits *lim,
                               lx_strbuf *out, lx_strbuf *why, lx_sandbox_result *r)
{
    if (!argv && !ctx->server && !(ctx->server = lx_helper_new(ctx->helper)))
        return LX_E_NOMEM;
    *r = argv ? lx_sandbox_run(argv, data, len, lim, out, why)
              : lx_helper_run(ctx->server, kind, data, len, lim, out, why);
    return LX_OK;
}

/* Runs a helper over the bytes and records its text or failure (as
 * helper_answer runs it). */
static lx_status run_helper(lx_attachtext_ctx *ctx, lx_attach_walk *w, size_t idx,
                            const char *const *argv, const char *kind, const char *data, size_t len)
{
    lx_sandbox_limits lim = {ctx->lim.timeout, LX_ATTACH_HELPER_MEMORY, ctx->lim.max_text + 4};
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    lx_sandbox_result r;
    lx_status st = helper_answer(ctx, argv, kind, data, len, &lim, &out, &why, &r);
    if (st)
        ;
    else if (r == LX_SANDBOX_FAILED)
        lx_attach_set_reason(lx_attach_walk_file(w, idx), LX_ATT_FAILED, "%s",
                             why.len ? why.buf : "extraction failed");
    else
        st = lx_attach_walk_set_text(w, idx, out.buf, out.len, r == LX_SANDBOX_TRUNCATED);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    return st;
}

/* ---- scans: PDFs and images ------------------------------------------------ */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One scan request to the helper (a probe, or OCR): kind as the helper
 * reads it, under the OCR time (ocr) or the extraction time. */
static lx_status scan_request(lx_attachtext_ctx *ctx, const char *kind, bool ocr, const char *data,
                              size_t len, lx_strbuf *out, lx_strbuf *why, lx_sandbox_result *r)
{
    bool override;
    const char *prog = helper_program(ctx, &override);
    unsigned seconds = ctx->lim.timeout;
    if (ocr) {
        /* Every page may take its own deadline; --ocr-timeout caps the sum. */
        unsigned long long pages = (unsigned long long)LX_OCR_MAX_PAGES * LX_OCR_PAGE_SECONDS;
        seconds = pages < ctx->ocr_timeout ? (unsigned)pages : ctx->ocr_timeout;
    }
    /* A PDF's probe answers its text layers after its line, as "pdf" would
     * (run_helper's bound, max_text + 4). */
    lx_sandbox_limits lim = {seconds, LX_ATTACH_HELPER_MEMORY,
                             ctx->lim.max_text + (ocr ? 0 : 4) + LX_OCR_HEADER_MAX};
    const char *argv[] = {prog, "--extract-helper", kind, NULL};
    return helper_answer(ctx, override ? argv : NULL, kind, data, len, &lim, out, why, r);
}

/* File idx (a PDF or an image) read by OCR in the helper: its text (text
 * layers kept as they are), and how OCR read it. */
static lx_status read_by_ocr(lx_attachtext_ctx *ctx, lx_attach_walk *w, size_t idx, bool pdf,
                             const char *data, size_t len)
{
    lx_ocr_opts o;
    lx_ocr_opts_default(&o);
    o.lang = ctx->ocr_lang;
    lx_strbuf kind, out, why, skipped;
    lx_strbuf_init(&kind);
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    lx_strbuf_init(&skipped);
    lx_ocr_result res;
    size_t text_at = 0;
    lx_sandbox_result r = LX_SANDBOX_FAILED;
    double t0 = now();
    lx_status st = lx_ocr_kind_word(pdf ? LX_OCR_KIND_PDF : LX_OCR_KIND_IMAGE, &o, &kind);
    if (!st)
        st = scan_request(ctx, kind.buf, true, data, len, &out, &why, &r);
    lx_attachment *a = lx_attach_walk_file(w, idx);
    a->ocr_seconds = now() - t0;
    if (st == LX_E_INVALID) /* the languages: checked by the caller */
        lx_attach_set_reason(a, LX_ATT_FAILED, "OCR: languages '%s' not valid", ctx->ocr_lang);
    if (st)
        goto out;
    if (r == LX_SANDBOX_FAILED) {
        lx_attach_set_reason(a, LX_ATT_FAILED, "OCR: %s", why.len ? why.buf : "failed");
        goto out;
    }
    if (lx_ocr_header_parse(out.buf, out.len, &res, &skipped, &text_at)) {
        lx_attach_set_reason(a, LX_ATT_FAILED, "OCR: the helper's answer has no header");
        goto out;
    }
    if ((st = lx_attach_walk_set_text(w, idx, out.buf + text_at, out.len - text_at,
                                      r == LX_SANDBOX_TRUNCATED)))
        goto out;
    a = lx_attach_walk_file(w, idx);
    if (res.pages_read > 0) {
        char *lang = strdup(ctx->ocr_lang);
        if (!lang) {
            st = LX_E_NOMEM;
            goto out;
        }
        free(a->ocr_language);
        a->ocr_language = lang;
        a->ocr_pages = res.pages_read;
        a->ocr_confidence = res.confidence;
        if (a->status == LX_ATT_OK)
            a->status = LX_ATT_OCR;
    } else if (!pdf) {
        lx_attach_set_reason(a, LX_ATT_FAILED, "OCR: no page read: %s",
                             skipped.len ? skipped.buf : "every page past its limits");
    }
out:
    lx_strbuf_release(&kind);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    lx_strbuf_release(&skipped);
    return st == LX_E_INVALID ? LX_OK : st;
}

/* A probe's answer into p; *ok false (why says why) when the helper could
 * not read the file. out (initialized by the caller) keeps the whole
 * answer, *text_at where the text after its line starts (a PDF's text
 * layers), *cut whether the helper cut that text at the limit. */
static lx_status probe(lx_attachtext_ctx *ctx, bool pdf, const char *data, size_t len,
                       lx_ocr_probe_result *p, lx_strbuf *out, size_t *text_at, bool *cut,
                       lx_strbuf *why, bool *ok)
{
    lx_strbuf kind;
    lx_strbuf_init(&kind);
    lx_sandbox_result r = LX_SANDBOX_FAILED;
    memset(p, 0, sizeof *p);
    lx_status st =
        lx_ocr_kind_word(pdf ? LX_OCR_KIND_PROBE_PDF : LX_OCR_KIND_PROBE_IMAGE, NULL, &kind);
    if (!st)
        st = scan_request(ctx, kind.buf, false, data, len, out, why, &r);
    *ok = !st && r != LX_SANDBOX_FAILED &&
          !lx_ocr_probe_header_parse(out->buf, out->len, p, text_at);
    *cut = r == LX_SANDBOX_TRUNCATED;
    if (!st && r != LX_SANDBOX_FAILED && !*ok)
        lx_strbuf_addstr(why, "the helper's answer has no header");
    lx_strbuf_release(&kind);
    return st;
}

/* A PDF: one probe request gives its pages without a text layer and the
 * text of its text layers. With such pages and --ocr, it is read by OCR
 * (its text layers kept); else the probe's text is its text, and those
 * pages are counted (status scanned): a PDF without scans gives the same
 * text with --ocr or without. A probe that fails leaves the text
 * extraction ("pdf") to say what is wrong. */
static lx_status read_pdf(lx_attachtext_ctx *ctx, lx_attach_walk *w, size_t idx,
                          const char *data, size_t len)
{
    lx_ocr_probe_result p;
    bool ok, cut;
    size_t text_at = 0;
    lx_strbuf why, answer;
    lx_strbuf_init(&why);
    lx_strbuf_init(&answer);
    lx_status st = probe(ctx, true, data, len, &p, &answer, &text_at, &cut, &why, &ok);
    lx_strbuf_release(&why);
    bool scanned = !st && ok && p.scanned > 0;
    if (st || (scanned && ctx->ocr)) {
        lx_strbuf_release(&answer);
        return st ? st : read_by_ocr(ctx, w, idx, true, data, len);
    }
    if (ok) {
        st = lx_attach_walk_set_text(w, idx, answer.buf + text_at, answer.len - text_at, cut);
    } else {
        bool override;
        const char *prog = helper_program(ctx, &override);
        const char *kind = lx_doctext_kind_name(LX_DOCTEXT_PDF);
        const char *argv[] = {prog, "--extract-helper", kind, NULL};
        st = run_helper(ctx, w, idx, override ? argv : NULL, kind, data, len);
    }
    lx_strbuf_release(&answer);
    lx_attachment *a = lx_attach_walk_file(w, idx);
    if (!st && scanned && a->status == LX_ATT_OK) {
        a->scanned_pages = p.scanned;
        lx_attach_set_reason(a, LX_ATT_SCANNED, "no text layer on %zu of %zu pages", p.scanned,
                             p.pages);
    }
    return st;
}

/* An image: too small to hold text (icons, logos, signatures) it is
 * skipped; else read by OCR with --ocr, or marked scanned. */
static lx_status read_image(lx_attachtext_ctx *ctx, lx_attach_walk *w, size_t idx,
                            const char *data, size_t len)
{
    lx_ocr_probe_result p;
    bool ok, cut;
    size_t text_at;
    lx_strbuf why, answer;
    lx_strbuf_init(&why);
    lx_strbuf_init(&answer);
    lx_status st = probe(ctx, false, data, len, &p, &answer, &text_at, &cut, &why, &ok);
    lx_strbuf_release(&answer);
    lx_attachment *a = lx_attach_walk_file(w, idx);
    if (st)
        ;
    else if (!ok && ctx->ocr)
        lx_attach_set_reason(a, LX_ATT_FAILED, "image: %s", why.len ? why.buf : "unreadable");
    else if (!ok)
        lx_attach_set_reason(a, LX_ATT_SKIPPED, "no text in image");
    else if (p.scanned == 0) {
        a->ocr_small = true;
        lx_attach_set_reason(a, LX_ATT_SKIPPED,
                             "no text in image: %d×%d pixels, too small to hold text", p.width,
                             p.height);
    } else if (!ctx->ocr && p.pages > 1)
        lx_attach_set_reason(a, LX_ATT_SCANNED, "an image of %d×%d pixels, %zu pages", p.width,
                             p.height, p.pages);
    else if (!ctx->ocr)
        lx_attach_set_reason(a, LX_ATT_SCANNED, "an image of %d×%d pixels", p.width, p.height);
    else
        st = read_by_ocr(ctx, w, idx, false, data, len);
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
    switch (h) {
    case LX_H_TEXT:
    case LX_H_HTML: st = lx_attach_walk_read_text(w, idx, h, label, data, len); break;
    case LX_H_RTF:
        st = lx_rtf_text(data, len, ctx->lim.max_text, &text);
        if (!st)
            st = lx_attach_walk_set_text(w, idx, text.buf, text.len, false);
        break;
    case LX_H_PDF:
    case LX_H_IMAGE:
    case LX_H_OOXML:
    case LX_H_ODF: {
        bool override;
        const char *helper = helper_program(ctx, &override);
        if (!helper) {
            lx_attach_set_reason(lx_attach_walk_file(w, idx), LX_ATT_SKIPPED, "%s",
                                 h == LX_H_IMAGE ? "no text in image"
                                                 : "no extraction helper in this program");
            break;
        }
        if (h == LX_H_PDF) {
            st = read_pdf(ctx, w, idx, data, len);
            break;
        }
        if (h == LX_H_IMAGE) {
            st = read_image(ctx, w, idx, data, len);
            break;
        }
        const char *kind =
            lx_doctext_kind_name(h == LX_H_OOXML ? LX_DOCTEXT_OOXML : LX_DOCTEXT_ODF);
        /* A program named in the environment (tests, other filters) runs
         * once per document; the indexer itself, as a long-lived helper. */
        const char *argv[] = {helper, "--extract-helper", kind, NULL};
        st = run_helper(ctx, w, idx, override ? argv : NULL, kind, data, len);
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
        char *clang = strdup(c->ocr_language);
        if (text && creason)
            memcpy(text, c->text, c->len + 1);
        size_t clen = c->len;
        lx_attachment was = {.status = c->status,
                             .ocr_confidence = c->ocr_confidence,
                             .ocr_pages = c->ocr_pages,
                             .scanned_pages = c->scanned_pages,
                             .ocr_small = c->ocr_small};
        pthread_mutex_unlock(&tc->mu);
        if (!text || !creason || !clang) {
            free(text);
            free(creason);
            free(clang);
            return LX_E_NOMEM;
        }
        free(a->reason);
        a->reason = creason;
        free(a->ocr_language);
        a->ocr_language = clang;
        a->status = was.status;
        a->ocr_confidence = was.ocr_confidence;
        a->ocr_pages = was.ocr_pages;
        a->scanned_pages = was.scanned_pages;
        a->ocr_small = was.ocr_small;
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
    c->ocr_language = strdup(a->ocr_language);
    if (!c->text || !c->reason || !c->ocr_language) {
        cached_free(c);
        return LX_OK;
    }
    memcpy(c->text, a->text, a->text_len + 1);
    c->len = a->text_len;
    c->status = a->status;
    c->ocr_confidence = a->ocr_confidence;
    c->ocr_pages = a->ocr_pages;
    c->scanned_pages = a->scanned_pages;
    c->ocr_small = a->ocr_small;
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
