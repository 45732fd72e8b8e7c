/* doctext.c - text of PDF and office documents, run inside a helper process. */
#include "doctext.h"

#include <errno.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlreader.h>
#include <poppler.h>

#include "archives.h"
#include "caps.h"
#include "fdio.h"
#include "ocr.h"
#include "banned.h"

lx_status lx_doctext_pdf(const char *data, size_t len, size_t max, lx_strbuf *out, size_t *pages,
                         lx_doctext_page_fn page_fn, void *arg, lx_strbuf *why)
{
    *pages = 0;
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *err = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    if (!doc) {
        lx_strbuf_addf(why, "PDF: %s", err && err->message ? err->message : "unreadable");
        if (err)
            g_error_free(err);
        g_bytes_unref(bytes);
        return LX_E_PARSE;
    }
    lx_status st = LX_OK;
    int n = poppler_document_get_n_pages(doc);
    *pages = n > 0 ? (size_t)n : 0;
    for (int i = 0; i < n && !st && out->len <= max; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        char *text = poppler_page_get_text(page);
        if (page_fn)
            page_fn(arg, text);
        if (text) {
            if (out->len)
                st = lx_strbuf_addch(out, '\n');
            if (!st)
                st = lx_strbuf_addstr(out, text);
        }
        g_free(text);
        g_object_unref(page);
    }
    g_object_unref(doc);
    g_bytes_unref(bytes);
    return st;
}

/* Element local names that end a line, or that stand for a tab or a space. */
static int xml_break(const char *local)
{
    static const char *const lines[] = {"p",  "h",         "br",         "cr",        "tr",
                                        "si", "table-row", "line-break", "list-item", NULL};
    static const char *const tabs[] = {"tab", "tc", "table-cell", "c", NULL};
    for (size_t i = 0; lines[i]; i++)
        if (strcmp(local, lines[i]) == 0)
            return '\n';
    for (size_t i = 0; tabs[i]; i++)
        if (strcmp(local, tabs[i]) == 0)
            return '\t';
    if (strcmp(local, "s") == 0)
        return ' ';
    return 0;
}

/* Parts whose text is not document text: field codes, numeric formats. */
static bool xml_skipped(const char *local)
{
    return strcmp(local, "instrText") == 0 || strcmp(local, "delInstrText") == 0 ||
           strcmp(local, "f") == 0;
}

lx_status lx_doctext_xml(const char *xml, size_t len, size_t max, lx_strbuf *out)
{
    if (len > (size_t)0x7fffffff)
        len = 0x7fffffff;
    xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, NULL, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    if (!r)
        return LX_OK;
    lx_status st = LX_OK;
    int skip_depth = -1;
    while (!st && out->len <= max && xmlTextReaderRead(r) == 1) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        const char *local = (const char *)xmlTextReaderConstLocalName(r);
        if (!local)
            local = "";
        if (skip_depth >= 0) {
            if (type == XML_READER_TYPE_END_ELEMENT && depth == skip_depth)
                skip_depth = -1;
            continue;
        }
        if (type == XML_READER_TYPE_ELEMENT) {
            /* A spreadsheet cell of type "s" holds the index of a shared
             * string (read from sharedStrings.xml), not text. */
            xmlChar *t =
                strcmp(local, "c") == 0 ? xmlTextReaderGetAttribute(r, BAD_CAST "t") : NULL;
            bool shared = t && strcmp((const char *)t, "s") == 0;
            xmlFree(t);
            if (shared) {
                if (!xmlTextReaderIsEmptyElement(r))
                    skip_depth = depth;
                continue;
            }
            if (xml_skipped(local)) {
                if (!xmlTextReaderIsEmptyElement(r))
                    skip_depth = depth;
                continue;
            }
            int b = xml_break(local);
            /* Empty elements (<w:br/>, <w:tab/>, <text:s/>) act at once;
             * others when they end. */
            if (b && xmlTextReaderIsEmptyElement(r) && b != '\n')
                st = lx_strbuf_addch(out, (char)b);
            else if (b == '\n' && xmlTextReaderIsEmptyElement(r))
                st = lx_strbuf_addch(out, '\n');
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            int b = xml_break(local);
            if (b == '\n' || (b == '\t' && strcmp(local, "tab") != 0 && strcmp(local, "s") != 0))
                st = lx_strbuf_addch(out, (char)b);
        } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            if (v)
                st = lx_strbuf_addstr(out, v);
        }
    }
    xmlFreeTextReader(r);
    return st;
}

typedef struct office_walk {
    lx_doctext_kind kind;
    size_t max;
    lx_strbuf *out;
    lx_status st;
    int parts;
} office_walk;

/* The XML parts that hold a document's text, in reading order as stored. */
static bool wanted_part(lx_doctext_kind kind, const char *name)
{
    if (kind == LX_DOCTEXT_ODF)
        return strcmp(name, "content.xml") == 0;
    static const char *const prefixes[] = {"word/document",
                                           "word/header",
                                           "word/footer",
                                           "word/footnotes",
                                           "word/endnotes",
                                           "word/comments",
                                           "xl/sharedStrings",
                                           "xl/worksheets/sheet",
                                           "ppt/slides/slide",
                                           "ppt/notesSlides/notesSlide",
                                           NULL};
    size_t n = strlen(name);
    if (n < 4 || strcmp(name + n - 4, ".xml") != 0)
        return false;
    for (size_t i = 0; prefixes[i]; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

static int office_member(void *ctx, const char *name, const char *data, size_t len, bool too_big)
{
    office_walk *w = ctx;
    if (too_big || !wanted_part(w->kind, name))
        return 0;
    w->parts++;
    if (w->out->len && w->out->buf[w->out->len - 1] != '\n')
        w->st = lx_strbuf_addch(w->out, '\n');
    if (!w->st)
        w->st = lx_doctext_xml(data, len, w->max, w->out);
    return w->st != LX_OK || w->out->len > w->max;
}

static lx_status office_text(lx_doctext_kind kind, const char *data, size_t len, size_t max,
                             lx_strbuf *out, lx_strbuf *why)
{
    office_walk w = {kind, max, out, LX_OK, 0};
    lx_unpack_limits lim = {LX_ATTACH_MAX_BYTES, LX_ATTACH_MAX_MEMBERS * 10, LX_ATTACH_MAX_RATIO,
                            LX_ATTACH_RATIO_FLOOR * 16, NULL, 0};
    lx_unpack_end end;
    lx_strbuf damage;
    lx_strbuf_init(&damage);
    lx_status st = lx_archives_unpack(data, len, false, &lim, office_member, &w, &end, &damage);
    if (!st)
        st = w.st;
    if (!st && end == LX_UNPACK_RATIO) {
        lx_strbuf_addstr(why, "the document unpacks to more than 100 times its size");
        st = LX_E_LIMIT;
    } else if (!st && w.parts == 0) {
        lx_strbuf_addf(why, "no text part found in the %s container%s%s",
                       kind == LX_DOCTEXT_ODF ? "OpenDocument" : "Office Open XML",
                       damage.len ? ": " : "", damage.buf);
        st = LX_E_PARSE;
    }
    lx_strbuf_release(&damage);
    return st;
}

lx_status lx_doctext_extract(lx_doctext_kind kind, const char *data, size_t len, size_t max,
                             lx_strbuf *out, lx_strbuf *why)
{
    switch (kind) {
    case LX_DOCTEXT_PDF: {
        size_t pages;
        return lx_doctext_pdf(data, len, max, out, &pages, NULL, NULL, why);
    }
    case LX_DOCTEXT_OOXML:
    case LX_DOCTEXT_ODF: return office_text(kind, data, len, max, out, why);
    }
    return LX_E_INVALID;
}

/* One request's answer: for an OCR or probe kind (ocr.h) its header line
 * and text, for a document kind ("pdf", "ooxml", "odf") the text. The
 * parent cuts the text at its own limit; the bound here only stops
 * runaway work. */
static lx_status serve_document(const char *kind_name, const char *data, size_t len,
                                lx_strbuf *out, lx_strbuf *why)
{
    if (lx_ocr_kind_is(kind_name))
        return lx_ocr_serve(kind_name, data, len, out, why);
    lx_doctext_kind kind;
    if (strcmp(kind_name, "pdf") == 0)
        kind = LX_DOCTEXT_PDF;
    else if (strcmp(kind_name, "ooxml") == 0)
        kind = LX_DOCTEXT_OOXML;
    else if (strcmp(kind_name, "odf") == 0)
        kind = LX_DOCTEXT_ODF;
    else {
        lx_strbuf_addf(why, "unknown document kind '%s'", kind_name);
        return LX_E_INVALID;
    }
    return lx_doctext_extract(kind, data, len, (size_t)1 << 30, out, why);
}

int lx_doctext_helper_main(const char *kind_name)
{
    lx_strbuf in, out, why;
    lx_strbuf_init(&in);
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    char buf[65536];
    ssize_t r;
    while ((r = read(0, buf, sizeof buf)) > 0)
        if (lx_strbuf_add(&in, buf, (size_t)r))
            break;
    xmlInitParser();
    lx_status st = serve_document(kind_name, in.buf, in.len, &out, &why);
    int rc = 0;
    if (st) {
        fprintf(stderr, "leakdex-extract: %s\n", why.len ? why.buf : lx_status_str(st));
        rc = 1;
    } else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        rc = 1;
    }
    lx_strbuf_release(&in);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    return rc;
}

/* AddressSanitizer reserves terabytes of address space at start-up: under a
 * sanitizer build the helper gets no address-space limit. */
#if defined(__SANITIZE_ADDRESS__)
#define LX_SERVER_NO_AS_LIMIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LX_SERVER_NO_AS_LIMIT 1
#endif
#endif

/* The longest kind word a request line may hold ("%191s" below). */
#define REQUEST_KIND_MAX 191
_Static_assert(REQUEST_KIND_MAX >= LX_OCR_KIND_WORD_MAX, "OCR kind words fit a request line");

static bool server_read(char *p, size_t n)
{
    while (n) {
        ssize_t r = read(0, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

static bool server_write(const char *p, size_t n)
{
    return lx_write_all(1, p, n);
}

static bool answer(char status, const char *p, size_t n)
{
    char head[48];
    int hn = snprintf(head, sizeof head, "%c %zu\n", status, n);
    return server_write(head, (size_t)hn) && server_write(p, n);
}

int lx_doctext_server_main(const char *memory)
{
    char *end;
    errno = 0;
    unsigned long long mem = strtoull(memory, &end, 10);
    if (errno || *end)
        return 2;
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
#ifndef LX_SERVER_NO_AS_LIMIT
    if (mem) {
        struct rlimit as = {(rlim_t)mem, (rlim_t)mem};
        setrlimit(RLIMIT_AS, &as);
    }
#else
    (void)mem;
#endif
    xmlInitParser();
    lx_strbuf in, out, why;
    lx_strbuf_init(&in);
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    /* A request line: an OCR kind word carries its languages and limits. */
    char line[REQUEST_KIND_MAX + 64];
    for (;;) {
        size_t n = 0;
        char c;
        while (n + 1 < sizeof line && server_read(&c, 1) && c != '\n')
            line[n++] = c;
        line[n] = '\0';
        char kind_name[REQUEST_KIND_MAX + 1];
        unsigned seconds;
        size_t len;
        if (!n || sscanf(line, "%191s %u %zu", kind_name, &seconds, &len) != 3)
            break; /* end of input, or not our caller */
        lx_strbuf_reset(&in);
        if (lx_strbuf_grow(&in, len + 1) || !server_read(in.buf, len))
            break;
        in.len = len;
        in.buf[len] = '\0';
        /* This document's CPU time: the limit moves past what earlier ones
         * used. SIGXCPU ends the helper; the caller starts another. */
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0) {
            rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1;
            struct rlimit cpu = {used + seconds, RLIM_INFINITY};
            setrlimit(RLIMIT_CPU, &cpu);
        }
        lx_strbuf_reset(&out);
        lx_strbuf_reset(&why);
        lx_status st = serve_document(kind_name, in.buf, in.len, &out, &why);
        bool ok = st ? answer('f', why.len ? why.buf : lx_status_str(st),
                              why.len ? why.len : strlen(lx_status_str(st)))
                     : answer('o', out.buf, out.len);
        if (!ok)
            break;
    }
    lx_strbuf_release(&in);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    return 0;
}
