/* attach.c - every attachment file of a message: type, hash and text caps.
 *
 * A message's attachments are walked in order; a container (archive,
 * winmail.dat, attached message) is listed before the files it holds, which
 * are walked in turn, up to the depth limit. The same walk serves the
 * indexer (listing files with their text) and the searcher's `attachment ID
 * N` (fetching bytes), so both number the files alike. The walk reads the
 * text of containers (a TNEF body, an attached message) and keeps every
 * text within its caps; the text of the other files is read by the reader
 * the lister gives (text and HTML through lx_attach_walk_read_text; the
 * indexer's reader runs helper processes for large, hostile formats).
 */
#include "attach.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <magic.h>

#include "archives.h"
#include "caps.h"
#include "charset.h"
#include "date.h"
#include "htmltext.h"
#include "mbox.h"
#include "textfold.h"
#include "rtf.h"
#include "tnef.h"
#include "utf8.h"
#include "grow.h"
#include "banned.h"

struct lx_attach_ctx {
    lx_attach_limits lim;
    magic_t magic; /* one per thread: libmagic handles are not shared */
};

void lx_attach_limits_default(lx_attach_limits *lim)
{
    lim->max_bytes = LX_ATTACH_MAX_BYTES;
    lim->max_text = LX_ATTACH_MAX_TEXT;
    lim->max_depth = LX_ATTACH_MAX_DEPTH;
    lim->max_members = LX_ATTACH_MAX_MEMBERS;
    lim->max_ratio = LX_ATTACH_MAX_RATIO;
    lim->timeout = LX_ATTACH_TIMEOUT;
    lim->tree_text = LX_ATTACH_MAX_TREE_TEXT;
    lim->message_text = LX_ATTACH_MAX_MESSAGE_TEXT;
}

lx_attach_ctx *lx_attach_ctx_new(const lx_attach_limits *lim, lx_strbuf *why)
{
    lx_attach_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        lx_strbuf_addstr(why, "out of memory");
        return NULL;
    }
    ctx->lim = *lim;
    ctx->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (!ctx->magic || magic_load(ctx->magic, NULL) != 0) {
        lx_strbuf_addf(why, "libmagic: %s",
                       ctx->magic && magic_error(ctx->magic) ? magic_error(ctx->magic)
                                                             : "cannot load its database");
        lx_attach_ctx_free(ctx);
        return NULL;
    }
    return ctx;
}

void lx_attach_ctx_free(lx_attach_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->magic)
        magic_close(ctx->magic);
    free(ctx);
}

void lx_attach_list_init(lx_attach_list *l)
{
    memset(l, 0, sizeof *l);
}

void lx_attach_list_release(lx_attach_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        lx_attachment *a = &l->v[i];
        free(a->name);
        free(a->type);
        free(a->sniffed);
        free(a->filetype);
        free(a->text);
        free(a->reason);
        free(a->ocr_language);
    }
    free(l->v);
    lx_attach_list_init(l);
}

lx_status lx_attach_status_line(const lx_attachment *a, lx_strbuf *out)
{
    switch (a->status) {
    case LX_ATT_OK: return lx_strbuf_addstr(out, "ok");
    case LX_ATT_TRUNCATED: return lx_strbuf_addstr(out, "truncated");
    case LX_ATT_SKIPPED: return lx_strbuf_addf(out, "skipped: %s", a->reason);
    case LX_ATT_FAILED: return lx_strbuf_addf(out, "failed: %s", a->reason);
    case LX_ATT_LIMIT: return lx_strbuf_addf(out, "limit: %s", a->reason);
    case LX_ATT_OCR: return lx_strbuf_addstr(out, "ocr");
    case LX_ATT_SCANNED: return lx_strbuf_addf(out, "scanned: %s", a->reason);
    }
    return LX_OK;
}

bool lx_attach_has_text(const lx_attachment *a)
{
    switch (a->status) {
    case LX_ATT_OK:
    case LX_ATT_TRUNCATED:
    case LX_ATT_LIMIT:
    case LX_ATT_OCR:
    case LX_ATT_SCANNED: return a->text_len > 0;
    case LX_ATT_SKIPPED:
    case LX_ATT_FAILED: return false;
    }
    return false;
}

/* ---- types ---------------------------------------------------------------- */

static const struct type_row {
    const char *mime;
    const char *filetype;
    lx_attach_handler h;
} types[] = {
    {"application/pdf", "pdf", LX_H_PDF},
    {"application/x-pdf", "pdf", LX_H_PDF},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", LX_H_OOXML},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", LX_H_OOXML},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx",
     LX_H_OOXML},
    {"application/vnd.oasis.opendocument.text", "odt", LX_H_ODF},
    {"application/vnd.oasis.opendocument.spreadsheet", "ods", LX_H_ODF},
    {"application/vnd.oasis.opendocument.presentation", "odp", LX_H_ODF},
    {"text/rtf", "rtf", LX_H_RTF},
    {"application/rtf", "rtf", LX_H_RTF},
    {"application/msword", "doc", LX_H_DOC},
    {"application/vnd.ms-excel", "xls", LX_H_XLS},
    {"application/vnd.ms-powerpoint", "ppt", LX_H_PPT},
    /* Pictures that may be of a page (a scan, a photo of a letter): what
     * leptonica reads. Their file type stays "image". */
    {"image/png", "image", LX_H_IMAGE},
    {"image/jpeg", "image", LX_H_IMAGE},
    {"image/pjpeg", "image", LX_H_IMAGE},
    {"image/tiff", "image", LX_H_IMAGE},
    {"image/gif", "image", LX_H_IMAGE},
    {"image/bmp", "image", LX_H_IMAGE},
    {"image/x-ms-bmp", "image", LX_H_IMAGE},
    {"image/x-bmp", "image", LX_H_IMAGE},
    {"image/webp", "image", LX_H_IMAGE},
    {"text/html", "html", LX_H_HTML},
    {"application/xhtml+xml", "html", LX_H_HTML},
    {"text/csv", "csv", LX_H_TEXT},
    {"text/plain", "text", LX_H_TEXT},
    {"application/zip", "zip", LX_H_ARCHIVE},
    {"application/x-zip-compressed", "zip", LX_H_ARCHIVE},
    {"application/x-tar", "tar", LX_H_ARCHIVE},
    {"application/gzip", "gzip", LX_H_ARCHIVE},
    {"application/x-gzip", "gzip", LX_H_ARCHIVE},
    {"application/x-bzip2", "bzip2", LX_H_ARCHIVE},
    {"application/x-xz", "xz", LX_H_ARCHIVE},
    {"application/x-7z-compressed", "7z", LX_H_ARCHIVE},
    {"message/rfc822", "eml", LX_H_MESSAGE},
    {"application/vnd.ms-tnef", "tnef", LX_H_TNEF},
    {"application/ms-tnef", "tnef", LX_H_TNEF},
};

static const struct type_row *type_row(const char *mime)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].mime, mime) == 0)
            return &types[i];
    return NULL;
}

/* Types that say nothing about the content: the sniffed type decides. */
static bool generic_type(const char *t)
{
    static const char *const g[] = {"",
                                    "application/octet-stream",
                                    "binary/octet-stream",
                                    "application/x-download",
                                    "application/download",
                                    "application/unknown",
                                    "application/force-download",
                                    "application/x-msdownload",
                                    NULL};
    for (size_t i = 0; g[i]; i++)
        if (strcmp(t, g[i]) == 0)
            return true;
    return false;
}

/* Sniffed types too vague to overrule a declared one. */
static bool vague_sniff(const char *t)
{
    return generic_type(t) || strcmp(t, "application/x-empty") == 0 ||
           strcmp(t, "inode/x-empty") == 0 || strcmp(t, "application/cdfv2") == 0 ||
           strcmp(t, "application/x-ole-storage") == 0 || strncmp(t, "text/", 5) == 0;
}

/* The office type a ZIP's name says it is (libmagic tells an office
 * document from a plain ZIP only when its first member is the expected
 * one), or NULL. */
static const char *office_by_name(const char *name)
{
    static const struct {
        const char *ext, *mime;
    } ext[] = {
        {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
        {".odt", "application/vnd.oasis.opendocument.text"},
        {".ods", "application/vnd.oasis.opendocument.spreadsheet"},
        {".odp", "application/vnd.oasis.opendocument.presentation"},
    };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t e = strlen(ext[i].ext);
        if (n > e && strcasecmp(name + n - e, ext[i].ext) == 0)
            return ext[i].mime;
    }
    return NULL;
}

static const char *effective_type_of(const char *declared, const char *sniffed, const char *name);

/* The type extraction follows: the declared one, unless it is generic or
 * the content plainly contradicts it; a ZIP named as an office document is
 * read as one. */
static const char *effective_type(const char *declared, const char *sniffed, const char *name)
{
    const char *t = effective_type_of(declared, sniffed, name);
    if (strcmp(t, "application/zip") == 0 && office_by_name(name))
        return office_by_name(name);
    return t;
}

static const char *effective_type_of(const char *declared, const char *sniffed, const char *name)
{
    if (generic_type(declared)) {
        /* Outlook's winmail.dat is often sent as octet-stream. */
        if (strcasecmp(name, "winmail.dat") == 0 && !strcmp(sniffed, "application/octet-stream"))
            return "application/vnd.ms-tnef";
        return sniffed;
    }
    if (vague_sniff(sniffed) || strcmp(declared, sniffed) == 0)
        return declared;
    const struct type_row *d = type_row(declared), *s = type_row(sniffed);
    /* An office document is a ZIP: declared as one, it is one. */
    if (s && s->h == LX_H_ARCHIVE && d && (d->h == LX_H_OOXML || d->h == LX_H_ODF))
        return declared;
    if (strncmp(declared, "text/", 5) == 0 && strncmp(sniffed, "text/", 5) == 0)
        return declared;
    return sniffed;
}

static const char *short_type(const char *mime)
{
    const struct type_row *r = type_row(mime);
    if (r)
        return r->filetype;
    if (strncmp(mime, "text/", 5) == 0)
        return "text";
    if (strncmp(mime, "image/", 6) == 0)
        return "image";
    if (strncmp(mime, "audio/", 6) == 0)
        return "audio";
    if (strncmp(mime, "video/", 6) == 0)
        return "video";
    return "other";
}

static lx_attach_handler handler_of(const char *mime)
{
    const struct type_row *r = type_row(mime);
    if (r)
        return r->h;
    if (strncmp(mime, "text/", 5) == 0)
        return LX_H_TEXT;
    return LX_H_NONE;
}

/* Types whose text is not words: signatures, keys and encrypted data in
 * ASCII armour (and the "Version: 1" part of PGP/MIME). Read as text they
 * would only fill the index with base64. */
static bool armoured_type(const char *t)
{
    static const char *const a[] = {"application/pgp-signature",     "application/pgp-encrypted",
                                    "application/pgp-keys",          "application/pkcs7-signature",
                                    "application/x-pkcs7-signature", "application/pkcs7-mime",
                                    "application/x-pkcs7-mime",      NULL};
    for (size_t i = 0; a[i]; i++)
        if (strcmp(t, a[i]) == 0)
            return true;
    return false;
}

/* Whether bytes are UTF-16 or UTF-32 text by their label or a BOM: NUL
 * bytes are then part of the text. */
static bool wide_text(const char *label, const char *data, size_t len)
{
    if (label && (strncasecmp(label, "UTF-16", 6) == 0 || strncasecmp(label, "UTF-32", 6) == 0))
        return true;
    return len >= 2 && (((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE) ||
                        ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF) ||
                        (len >= 4 && !memcmp(data, "\0\0\xFE\xFF", 4)));
}

/* The zero bytes before a text that is not UTF-16 or UTF-32: the padding
 * of a file written over a preallocated or crashed one. They are not text
 * (nor the sign of a binary): left in, 1,024 of them would hide the text
 * behind them. */
static size_t zero_padding(const char *label, const char *data, size_t len)
{
    size_t k = 0;
    if (!wide_text(label, data, len))
        while (k < len && data[k] == '\0')
            k++;
    return k;
}

/* Whether bytes are text by content: the first LX_ATTACH_SNIFF_TEXT_BYTES
 * hold no NUL byte (but in UTF-16 or UTF-32, or a run of them at the start,
 * which is not looked at) and, decoded through the
 * charset module (with the part's charset label when it has one), at most
 * LX_ATTACH_SNIFF_MAX_BAD percent of control characters and undecodable
 * bytes. */
static bool text_content(const char *label, const char *data, size_t len, lx_status *st)
{
    size_t n = len < LX_ATTACH_SNIFF_TEXT_BYTES ? len : LX_ATTACH_SNIFF_TEXT_BYTES;
    /* Not in the middle of a UTF-8 character. */
    for (size_t back = 0; n < len && back < 3 && n > 0 && ((unsigned char)data[n] & 0xC0) == 0x80;
         back++)
        n--;
    if (n == 0)
        return false;
    /* A NUL byte is binary, but in UTF-16 and UTF-32 (a label, or a BOM):
     * most binaries stop here, before any decoding. */
    bool wide = wide_text(label, data, n);
    size_t lead = zero_padding(label, data, n);
    if (lead == n)
        return false;
    data += lead;
    n -= lead;
    if (!wide && memchr(data, '\0', n))
        return false;
    lx_strbuf text;
    lx_strbuf_init(&text);
    lx_charset_info info;
    memset(&info, 0, sizeof info);
    if ((*st = lx_charset_decode(&text, label && *label ? label : NULL, data, n, &info))) {
        lx_strbuf_release(&text);
        return false;
    }
    size_t chars = 0, bad = 0;
    for (size_t i = 0; i < text.len; i++) {
        unsigned char c = (unsigned char)text.buf[i];
        if ((c & 0xC0) == 0x80)
            continue; /* inside a character */
        chars++;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v')
            bad++;
        else if (c == 0x7F)
            bad++;
        else if (c == 0xC2 && i + 1 < text.len && (unsigned char)text.buf[i + 1] < 0xA0)
            bad++; /* U+0080 to U+009F, C1 controls */
        else if (c == 0xEF && i + 2 < text.len && (unsigned char)text.buf[i + 1] == 0xBF &&
                 (unsigned char)text.buf[i + 2] == 0xBD)
            bad++; /* U+FFFD: undecodable */
    }
    lx_strbuf_release(&text);
    return chars > 0 && bad * 100 <= chars * LX_ATTACH_SNIFF_MAX_BAD;
}

/* Where content and label disagree on text, the content decides. A file
 * whose type has no reader (*h is LX_H_NONE) is read as text when libmagic
 * says text/... (as that type: HTML and RTF keep their readers) or, libmagic
 * naming no text type, when its bytes are text (text_content); *type
 * becomes the type it is read as. A file read as text only because its
 * label says so (libmagic saw no text) whose bytes are not text gets
 * *h = LX_H_NONE and *binary set. Media types and armour are left alone. */
static lx_status content_decides(const char *declared, const char *sniffed, const char *label,
                                 const char *data, size_t len, const char **type,
                                 lx_attach_handler *h, bool *binary)
{
    lx_status st = LX_OK;
    *binary = false;
    if (armoured_type(declared) || armoured_type(sniffed))
        return LX_OK;
    bool sniffed_text = strncmp(sniffed, "text/", 5) == 0;
    if (*h == LX_H_NONE) {
        if (sniffed_text) {
            *type = sniffed;
            *h = handler_of(sniffed);
        } else if (strncmp(sniffed, "application/", 12) == 0 && !type_row(sniffed) &&
                   text_content(label, data, len, &st)) {
            *type = "text/plain";
            *h = LX_H_TEXT;
        }
    } else if ((*h == LX_H_TEXT || *h == LX_H_HTML) && !sniffed_text && len > 0 &&
               strncmp(sniffed, "application/x-empty", 19) != 0 &&
               strncmp(sniffed, "inode/x-empty", 13) != 0 && !text_content(label, data, len, &st) &&
               !st) {
        *type = sniffed;
        *h = LX_H_NONE;
        *binary = true;
    }
    return st;
}

/* ---- the walk --------------------------------------------------------------- */

typedef struct lx_attach_walk {
    lx_attach_ctx *ctx;
    lx_attach_list *out;    /* listing; NULL when fetching */
    lx_attach_text_fn text; /* listing: reads the text of a leaf (may be NULL) */
    void *text_arg;
    size_t want; /* fetching: the n wanted */
    lx_strbuf *bytes, *name;
    bool found;
    size_t next_n;
    lx_status st;
    /* The tree being walked: a MIME attachment of the message (number
     * tree_n) and every file inside it. What its archives unpacked, at
     * every depth, and may unpack (the ratio times its size) decide which
     * files are listed, alike when listing and fetching. */
    size_t tree_n;
    size_t tree_unpacked, tree_budget;
    /* Text kept so far (listing only): text caps never change which
     * files are listed, only whether their text is read. */
    size_t tree_text, message_text;
} walk;

static void visit(walk *w, const char *name, const char *declared, const char *label,
                  const char *data, size_t len, bool not_read, size_t parent, unsigned depth);

/* Whether the archives of the tree being walked unpacked past its budget:
 * then nothing more of it is unpacked or listed. */
static bool tree_spent(const walk *w)
{
    return w->tree_unpacked > w->tree_budget;
}

/* Marks container idx as stopped by the tree's unpack budget, unless a
 * limit or damage of its own already says why it was not read whole. */
static void tree_limit(walk *w, size_t idx)
{
    if (!w->out || w->found)
        return;
    lx_attachment *a = &w->out->v[idx];
    if (a->status == LX_ATT_OK || a->status == LX_ATT_TRUNCATED)
        lx_attach_set_reason(
            a, LX_ATT_LIMIT,
            "the archives in attachment %zu unpack to more than %zu times its size (a zip "
            "bomb?); the rest not read",
            w->tree_n, w->ctx->lim.max_ratio);
}

/* A heap copy of s[0..len) as valid UTF-8 in NFC, tabs and new lines kept. */
static char *clean(const char *s, size_t len)
{
    lx_strbuf valid, nfc;
    lx_strbuf_init(&valid);
    lx_strbuf_init(&nfc);
    char *r = NULL;
    if (!lx_utf8_sanitize(&valid, s, len, NULL) && !lx_textfold_nfc(&nfc, valid.buf, valid.len))
        r = lx_strbuf_detach(&nfc, NULL);
    lx_strbuf_release(&valid);
    lx_strbuf_release(&nfc);
    return r;
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s ? s : "");
    for (char *c = d; c && *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return d;
}

void lx_attach_set_reason(lx_attachment *a, lx_attach_status st, const char *fmt, ...)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    lx_strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < sb.len; i++)
        if (sb.buf[i] == '\n' || sb.buf[i] == '\r' || sb.buf[i] == '\t')
            sb.buf[i] = ' ';
    char *r = clean(sb.buf, sb.len);
    lx_strbuf_release(&sb);
    if (r) {
        free(a->reason);
        a->reason = r;
    }
    a->status = st;
}

/* The text caps of the tree and of the message, when one is reached: the
 * reason for the status "limit", and the bytes of text still allowed. */
static const char *text_room(walk *w, size_t *room, char reason[160])
{
    const lx_attach_limits *lim = &w->ctx->lim;
    size_t tree = lim->tree_text > w->tree_text ? lim->tree_text - w->tree_text : 0;
    size_t msg = lim->message_text > w->message_text ? lim->message_text - w->message_text : 0;
    *room = tree < msg ? tree : msg;
    if (msg <= tree)
        snprintf(reason, 160,
                 "more than %zu bytes of text in this message's attachments; the rest not read",
                 lim->message_text);
    else
        snprintf(reason, 160,
                 "more than %zu bytes of text in attachment %zu and the files inside it; the rest "
                 "not read",
                 lim->tree_text, w->tree_n);
    return reason;
}

void lx_attach_walk_keep_text(lx_attach_walk *w, size_t idx, char *text, size_t len, bool cut)
{
    lx_attachment *a = &w->out->v[idx];
    size_t room;
    char reason[160];
    text_room(w, &room, reason);
    bool limited = false;
    if (len > room) {
        len = lx_utf8_cut(text, len, room);
        text[len] = '\0';
        limited = true;
    }
    free(a->text);
    a->text = text;
    a->text_len = len;
    w->tree_text += len;
    w->message_text += len;
    if (limited)
        lx_attach_set_reason(a, LX_ATT_LIMIT, "%s", reason);
    else if (cut && a->status == LX_ATT_OK)
        a->status = LX_ATT_TRUNCATED;
}

lx_status lx_attach_walk_set_text(lx_attach_walk *w, size_t idx, const char *s, size_t len,
                                  bool cut)
{
    lx_strbuf lf;
    lx_strbuf_init(&lf);
    lx_status st = LX_OK;
    for (size_t i = 0; i < len && !st; i++)
        if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') && s[i] != '\0')
            st = lx_strbuf_addch(&lf, s[i] == '\r' ? '\n' : s[i]);
    char *text = st ? NULL : clean(lf.buf, lf.len);
    lx_strbuf_release(&lf);
    if (!text)
        return LX_E_NOMEM;
    size_t n = strlen(text);
    size_t keep = lx_utf8_cut(text, n, w->ctx->lim.max_text);
    if (keep < n) {
        text[keep] = '\0';
        cut = true;
    }
    lx_attach_walk_keep_text(w, idx, text, keep, cut);
    return LX_OK;
}

lx_status lx_attach_walk_read_text(lx_attach_walk *w, size_t idx, lx_attach_handler h,
                                   const char *label, const char *data, size_t len)
{
    lx_strbuf text, plain;
    lx_strbuf_init(&text);
    lx_strbuf_init(&plain);
    lx_charset_info info;
    memset(&info, 0, sizeof info);
    size_t pad = zero_padding(label, data, len);
    lx_status st =
        lx_charset_decode(&text, label && *label ? label : NULL, data + pad, len - pad, &info);
    if (!st && h == LX_H_HTML) {
        st = lx_htmltext_extract(&plain, text.buf, text.len);
        if (!st)
            st = lx_attach_walk_set_text(w, idx, plain.buf, plain.len, false);
    } else if (!st) {
        st = lx_attach_walk_set_text(w, idx, text.buf, text.len, false);
    }
    lx_strbuf_release(&text);
    lx_strbuf_release(&plain);
    return st;
}

lx_attachment *lx_attach_walk_file(lx_attach_walk *w, size_t idx)
{
    return &w->out->v[idx];
}

/* ---- containers ------------------------------------------------------------ */

typedef struct member_ctx {
    walk *w;
    size_t parent;
    unsigned depth;
    const char *outer_name;
    bool raw;
} member_ctx;

static int on_member(void *p, const char *name, const char *data, size_t len, bool too_big)
{
    member_ctx *m = p;
    char stripped[256] = "";
    if (m->raw) {
        /* A compressed single file: its name without the compression suffix. */
        snprintf(stripped, sizeof stripped, "%s", m->outer_name);
        char *dot = strrchr(stripped, '.');
        if (dot && dot != stripped)
            *dot = '\0';
        name = stripped;
    }
    visit(m->w, name, "", NULL, data, len, too_big, m->parent, m->depth);
    return m->w->st != LX_OK || m->w->found;
}

static void open_archive(walk *w, size_t idx, size_t n, const char *name, bool compressed,
                         const char *data, size_t len, unsigned depth)
{
    lx_unpack_limits lim = {w->ctx->lim.max_bytes, w->ctx->lim.max_members, w->ctx->lim.max_ratio,
                            LX_ATTACH_RATIO_FLOOR, &w->tree_unpacked,       w->tree_budget};
    member_ctx m = {w, n, depth + 1, name, false};
    lx_unpack_end end;
    lx_strbuf why;
    lx_strbuf_init(&why);
    size_t before = w->next_n;
    lx_status st = lx_archives_unpack(data, len, false, &lim, on_member, &m, &end, &why);
    if (!st && compressed && w->next_n == before &&
        (end == LX_UNPACK_DAMAGED || end == LX_UNPACK_COMPLETE)) {
        /* A gzip, bzip2 or xz file of one file rather than of a TAR; or
         * of nothing an archive reader finds a member in: a text that
         * starts with 1,024 zero bytes reads as an empty TAR (its end
         * marker), and would hide the rest. Either way, the single file
         * it holds. */
        lx_strbuf_reset(&why);
        m.raw = true;
        st = lx_archives_unpack(data, len, true, &lim, on_member, &m, &end, &why);
    }
    if (st) {
        w->st = st;
    } else if (w->out && !w->found) {
        lx_attachment *a = &w->out->v[idx];
        if (end == LX_UNPACK_MEMBERS)
            lx_attach_set_reason(a, LX_ATT_LIMIT, "members past %zu not read",
                                 w->ctx->lim.max_members);
        else if (end == LX_UNPACK_RATIO)
            lx_attach_set_reason(
                a, LX_ATT_LIMIT,
                "unpacks to more than %zu times its size (a zip bomb?); the rest not read",
                w->ctx->lim.max_ratio);
        else if (end == LX_UNPACK_TREE)
            tree_limit(w, idx);
        else if (end == LX_UNPACK_DAMAGED)
            lx_attach_set_reason(a, LX_ATT_FAILED, "archive: %s", why.len ? why.buf : "damaged");
    }
    lx_strbuf_release(&why);
}

typedef struct tnef_ctx {
    walk *w;
    size_t parent;
    unsigned depth;
} tnef_ctx;

static int on_tnef_file(void *p, const char *title, const char *data, size_t len)
{
    tnef_ctx *t = p;
    lx_strbuf name;
    lx_strbuf_init(&name);
    lx_charset_info info;
    memset(&info, 0, sizeof info);
    /* Outlook writes titles in the sender's ANSI code page. */
    if (lx_charset_decode(&name, lx_utf8_valid(title, strlen(title)) ? "UTF-8" : "WINDOWS-1252",
                          title, strlen(title), &info))
        t->w->st = LX_E_NOMEM;
    else
        visit(t->w, name.buf, "", NULL, data, len, false, t->parent, t->depth);
    lx_strbuf_release(&name);
    return t->w->st != LX_OK || t->w->found || tree_spent(t->w);
}

static void open_tnef(walk *w, size_t idx, size_t n, const char *data, size_t len, unsigned depth)
{
    tnef_ctx t = {w, n, depth + 1};
    lx_strbuf body, rtf, why;
    lx_strbuf_init(&body);
    lx_strbuf_init(&rtf);
    lx_strbuf_init(&why);
    size_t before = w->next_n;
    lx_status st = lx_tnef_each(data, len, on_tnef_file, &t, &body, &rtf, &why);
    if (st == LX_E_NOMEM) {
        w->st = st;
    } else if (w->out && !w->found && !w->st) {
        lx_charset_info info;
        memset(&info, 0, sizeof info);
        lx_strbuf text;
        lx_strbuf_init(&text);
        /* The plain body, else the text of the RTF body (RTF names its
         * own code page). */
        if (body.len) {
            if (!lx_charset_decode(&text, "WINDOWS-1252", body.buf, body.len, &info))
                w->st = lx_attach_walk_set_text(w, idx, text.buf, text.len, false);
        } else if (rtf.len) {
            w->st = lx_rtf_text(rtf.buf, rtf.len, w->ctx->lim.max_text, &text);
            if (!w->st)
                w->st = lx_attach_walk_set_text(w, idx, text.buf, text.len, false);
        }
        lx_strbuf_release(&text);
        if (st)
            lx_attach_set_reason(&w->out->v[idx], LX_ATT_FAILED, "%s%s", why.buf,
                                 w->next_n > before ? " (the files before the damage were read)"
                                                    : "");
        else if (tree_spent(w))
            tree_limit(w, idx);
    }
    lx_strbuf_release(&body);
    lx_strbuf_release(&rtf);
    lx_strbuf_release(&why);
}

static void add_address_line(lx_strbuf *sb, const char *label, const lx_address *a, bool *first)
{
    if (!*a->name && !*a->addr)
        return;
    if (*first)
        lx_strbuf_addf(sb, "%s: ", label);
    else
        lx_strbuf_addstr(sb, ", ");
    *first = false;
    if (*a->name)
        lx_strbuf_addf(sb, "%s <%s>", a->name, a->addr);
    else
        lx_strbuf_addstr(sb, a->addr);
}

static void open_message(walk *w, size_t idx, size_t n, const char *data, size_t len,
                         unsigned depth)
{
    lx_strbuf canon, why, text;
    lx_strbuf_init(&canon);
    lx_strbuf_init(&why);
    lx_strbuf_init(&text);
    lx_message inner;
    lx_status st = lx_mbox_canonical(&canon, data, len, false);
    if (st) {
        w->st = st;
        goto out;
    }
    st = lx_message_parse(&inner, canon.buf, canon.len, &why);
    if (st == LX_E_NOMEM) {
        w->st = st;
        goto out;
    }
    if (st) {
        if (w->out)
            lx_attach_set_reason(&w->out->v[idx], LX_ATT_FAILED, "message: %s", why.buf);
        goto out;
    }
    if (w->out) {
        /* The attached message's headers and text, searchable with the
         * message that carries it. */
        bool first = true;
        add_address_line(&text, "From", &inner.from, &first);
        if (!first)
            lx_strbuf_addch(&text, '\n');
        const lx_address_list *lists[] = {&inner.to, &inner.cc};
        const char *labels[] = {"To", "Cc"};
        for (size_t l = 0; l < 2; l++) {
            first = true;
            for (size_t i = 0; i < lists[l]->n; i++)
                add_address_line(&text, labels[l], &lists[l]->v[i], &first);
            if (!first)
                lx_strbuf_addch(&text, '\n');
        }
        if (inner.date_source != LX_DATE_NONE) {
            char iso[32];
            lx_date_format_iso(inner.date, iso);
            lx_strbuf_addf(&text, "Date: %s\n", iso);
        }
        lx_strbuf_addf(&text, "Subject: %s\n\n", inner.subject);
        lx_strbuf_add(&text, inner.body, inner.body_len);
        w->st = lx_attach_walk_set_text(w, idx, text.buf, text.len, false);
    }
    for (size_t i = 0; i < inner.n_parts && !w->st && !w->found && !tree_spent(w); i++) {
        const lx_part *p = &inner.parts[i];
        if (p->role == LX_PART_ATTACHMENT)
            visit(w, p->filename, p->content_type, p->charset_label, p->data, p->data_len, false, n,
                  depth + 1);
    }
    if (!w->st && tree_spent(w))
        tree_limit(w, idx);
    lx_message_release(&inner);
out:
    lx_strbuf_release(&canon);
    lx_strbuf_release(&why);
    lx_strbuf_release(&text);
}

/* ---- one file ------------------------------------------------------------------ */

static void visit(walk *w, const char *name, const char *declared, const char *label,
                  const char *data, size_t len, bool not_read, size_t parent, unsigned depth)
{
    if (w->st || w->found)
        return;
    size_t n = ++w->next_n;
    const lx_attach_limits *lim = &w->ctx->lim;
    if (depth == 0) {
        /* A MIME attachment of the message: a new tree. Its archives
         * together may unpack to the ratio times its size. */
        w->tree_n = n;
        w->tree_unpacked = 0;
        w->tree_budget =
            lim->max_ratio && len <= SIZE_MAX / lim->max_ratio ? len * lim->max_ratio : SIZE_MAX;
        if (w->tree_budget < LX_ATTACH_RATIO_FLOOR)
            w->tree_budget = LX_ATTACH_RATIO_FLOOR;
        w->tree_text = 0;
    }
    if (!w->out && n == w->want) {
        w->found = true;
        if (not_read || !data) {
            w->st = LX_E_NOT_FOUND;
            return;
        }
        if ((w->st = lx_strbuf_add(w->bytes, data, len)))
            return;
        w->st = lx_strbuf_addstr(w->name, name);
        return;
    }
    size_t idx = 0;
    if (w->out) {
        lx_attach_list *l = w->out;
        if (l->n >= LX_ATTACH_MAX_PER_MESSAGE) {
            l->dropped++;
            return;
        }
        if (!lx_grow((void **)&l->v, &l->alloc, l->n + 1, sizeof *l->v)) {
            w->st = LX_E_NOMEM;
            return;
        }
        idx = l->n++;
        lx_attachment *a = &l->v[idx];
        memset(a, 0, sizeof *a);
        a->n = n;
        a->parent = parent;
        a->depth = depth;
        a->size = len;
        a->name = clean(name, strlen(name));
        for (char *c = a->name; c && *c; c++)
            if (*c == '\t' || *c == '\n' || *c == '\r')
                *c = ' ';
        a->type = lower_dup(declared);
        a->reason = strdup("");
        a->text = strdup("");
        a->ocr_language = strdup("");
        a->ocr_confidence = -1;
        if (!a->name || !a->type || !a->reason || !a->text || !a->ocr_language) {
            w->st = LX_E_NOMEM;
            return;
        }
    }
    if (not_read || !data || len > lim->max_bytes) {
        if (w->out) {
            lx_attachment *a = &w->out->v[idx];
            a->sniffed = strdup("");
            a->filetype = strdup(short_type(a->type));
            if (!a->sniffed || !a->filetype)
                w->st = LX_E_NOMEM;
            lx_attach_set_reason(a, LX_ATT_LIMIT, "larger than %zu bytes", lim->max_bytes);
        }
        return;
    }
    const char *magic =
        magic_buffer(w->ctx->magic, data, len < ((size_t)4 << 20) ? len : (size_t)4 << 20);
    char *sniffed = lower_dup(magic ? magic : "application/octet-stream");
    char *decl = lower_dup(declared);
    if (!sniffed || !decl) {
        free(sniffed);
        free(decl);
        w->st = LX_E_NOMEM;
        return;
    }
    const char *eff = effective_type(decl, sniffed, name);
    lx_attach_handler h = handler_of(eff);
    bool binary = false;
    if (w->out && (w->st = content_decides(decl, sniffed, label, data, len, &eff, &h, &binary))) {
        free(decl);
        free(sniffed);
        return;
    }
    const char *ft = short_type(eff);
    if (w->out) {
        lx_attachment *a = &w->out->v[idx];
        a->sniffed = strdup(sniffed);
        a->filetype = strdup(ft);
        if (!a->sniffed || !a->filetype)
            w->st = LX_E_NOMEM;
        else
            w->st = lx_sha256_hex(data, len, a->sha256);
    }
    free(decl);
    free(sniffed);
    if (w->st)
        return;
    bool container = h == LX_H_ARCHIVE || h == LX_H_TNEF || h == LX_H_MESSAGE;
    if (container) {
        if (depth >= lim->max_depth) {
            if (w->out)
                lx_attach_set_reason(&w->out->v[idx], LX_ATT_LIMIT, "nested deeper than %u levels",
                                     lim->max_depth);
            return;
        }
        if (h == LX_H_ARCHIVE)
            open_archive(w, idx, n, name,
                         strcmp(ft, "gzip") == 0 || strcmp(ft, "bzip2") == 0 ||
                             strcmp(ft, "xz") == 0,
                         data, len, depth);
        else if (h == LX_H_TNEF)
            open_tnef(w, idx, n, data, len, depth);
        else
            open_message(w, idx, n, data, len, depth);
        return;
    }
    if (!w->out)
        return;
    /* A leaf: its text, read by the lister's reader while the text caps
     * of its tree and message leave room. */
    lx_attachment *a = &w->out->v[idx];
    size_t room;
    char reason[160];
    if (h != LX_H_NONE && (text_room(w, &room, reason), room == 0)) {
        lx_attach_set_reason(a, LX_ATT_LIMIT, "%s", reason);
        return;
    }
    if (w->text)
        w->st = w->text(w->text_arg, w, idx, h, label, data, len, binary);
}

lx_status lx_attach_list_files(lx_attach_ctx *ctx, const lx_message *m, lx_attach_list *out,
                               lx_attach_text_fn text, void *arg)
{
    walk w = {.ctx = ctx, .out = out, .text = text, .text_arg = arg, .st = LX_OK};
    for (size_t i = 0; i < m->n_parts && !w.st; i++) {
        const lx_part *p = &m->parts[i];
        if (p->role == LX_PART_ATTACHMENT)
            visit(&w, p->filename, p->content_type, p->charset_label, p->data, p->data_len, false,
                  0, 0);
    }
    return w.st;
}

lx_status lx_attach_fetch(lx_attach_ctx *ctx, const lx_message *m, size_t n, lx_strbuf *bytes,
                          lx_strbuf *name)
{
    walk w = {.ctx = ctx, .want = n, .bytes = bytes, .name = name, .st = LX_OK};
    for (size_t i = 0; i < m->n_parts && !w.st && !w.found; i++) {
        const lx_part *p = &m->parts[i];
        if (p->role == LX_PART_ATTACHMENT)
            visit(&w, p->filename, p->content_type, p->charset_label, p->data, p->data_len, false,
                  0, 0);
    }
    if (!w.st && !w.found)
        return LX_E_NOT_FOUND;
    return w.st;
}
