/* ocr_wire.c - the OCR requests' kind words and answers' header lines (no library). */
#include "ocr.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "banned.h"

void lx_ocr_opts_default(lx_ocr_opts *o)
{
    o->lang = LX_OCR_DEFAULT_LANG;
    o->dpi = LX_OCR_DPI;
    o->max_pages = LX_OCR_MAX_PAGES;
    o->max_pixels = LX_OCR_MAX_PIXELS;
    o->page_seconds = LX_OCR_PAGE_SECONDS;
}

/* The ranges a request may ask; the kind word's parser and writer agree. */
#define DPI_MIN 50
#define DPI_MAX 1200
#define PAGES_MAX 100000
#define SECONDS_MAX 86400

static const char *const kind_names[] = {
    [LX_OCR_KIND_IMAGE] = "ocr-image",
    [LX_OCR_KIND_PDF] = "ocr-pdf",
    [LX_OCR_KIND_PROBE_IMAGE] = "probe-image",
    [LX_OCR_KIND_PROBE_PDF] = "probe-pdf",
};

bool lx_ocr_kind_is(const char *word)
{
    return strncmp(word, "ocr-", 4) == 0 || strncmp(word, "probe-", 6) == 0;
}

/* Tesseract's language list: names of [A-Za-z0-9_] joined by single '+'.
 * No '/' or '.': a name becomes a file name under tessdata. */
static bool lang_valid(const char *lang, size_t len)
{
    if (len == 0 || len > LX_OCR_MAX_LANG || lang[0] == '+' || lang[len - 1] == '+')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = lang[i];
        bool name = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
        if (!name && !(c == '+' && lang[i + 1] != '+'))
            return false;
    }
    return true;
}

bool lx_ocr_lang_valid(const char *lang)
{
    return lang && lang_valid(lang, strlen(lang));
}

static bool opts_valid(const lx_ocr_opts *o)
{
    return o->lang && lang_valid(o->lang, strlen(o->lang)) && o->dpi >= DPI_MIN &&
           o->dpi <= DPI_MAX && o->max_pages >= 1 && o->max_pages <= PAGES_MAX &&
           o->page_seconds >= 1 && o->page_seconds <= SECONDS_MAX &&
           o->max_pixels >= LX_OCR_MIN_PIXELS && o->max_pixels <= LX_OCR_MAX_IMAGE_PIXELS;
}

lx_status lx_ocr_kind_word(lx_ocr_kind kind, const lx_ocr_opts *o, lx_strbuf *word)
{
    if (kind == LX_OCR_KIND_PROBE_IMAGE || kind == LX_OCR_KIND_PROBE_PDF)
        return lx_strbuf_addstr(word, kind_names[kind]);
    if ((kind != LX_OCR_KIND_IMAGE && kind != LX_OCR_KIND_PDF) || !opts_valid(o))
        return LX_E_INVALID;
    return lx_strbuf_addf(word, "%s:%s:%d:%zu:%u:%zu", kind_names[kind], o->lang, o->dpi,
                          o->max_pages, o->page_seconds, o->max_pixels);
}

/* A decimal number at *p, digits only, no leading zero, at most max; moves
 * *p past it. */
static bool take_number(const char **p, uintmax_t max, uintmax_t *v)
{
    const char *s = *p;
    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
        return false;
    uintmax_t n = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (n > (max - d) / 10)
            return false;
        n = n * 10 + d;
    }
    *v = n;
    *p = s;
    return true;
}

/* ":NUMBER" at *p, the number between min and max. */
static bool take_field(const char **p, uintmax_t min, uintmax_t max, uintmax_t *v)
{
    if (**p != ':')
        return false;
    (*p)++;
    return take_number(p, max, v) && *v >= min;
}

lx_status lx_ocr_kind_parse(const char *word, lx_ocr_kind *kind, lx_ocr_opts *o,
                            char lang[LX_OCR_MAX_LANG + 1])
{
    for (lx_ocr_kind k = LX_OCR_KIND_PROBE_IMAGE; k <= LX_OCR_KIND_PROBE_PDF; k++)
        if (strcmp(word, kind_names[k]) == 0) {
            *kind = k;
            return LX_OK;
        }
    lx_ocr_kind k;
    size_t n;
    if (strncmp(word, "ocr-image:", 10) == 0) {
        k = LX_OCR_KIND_IMAGE;
        n = 10;
    } else if (strncmp(word, "ocr-pdf:", 8) == 0) {
        k = LX_OCR_KIND_PDF;
        n = 8;
    } else {
        return LX_E_INVALID;
    }
    const char *p = word + n;
    size_t lang_len = strcspn(p, ":");
    if (!lang_valid(p, lang_len))
        return LX_E_INVALID;
    memcpy(lang, p, lang_len);
    lang[lang_len] = '\0';
    p += lang_len;
    uintmax_t dpi, pages, seconds, pixels;
    if (!take_field(&p, DPI_MIN, DPI_MAX, &dpi) || !take_field(&p, 1, PAGES_MAX, &pages) ||
        !take_field(&p, 1, SECONDS_MAX, &seconds) ||
        !take_field(&p, LX_OCR_MIN_PIXELS, LX_OCR_MAX_IMAGE_PIXELS, &pixels) || *p)
        return LX_E_INVALID;
    *kind = k;
    o->lang = lang;
    o->dpi = (int)dpi;
    o->max_pages = (size_t)pages;
    o->page_seconds = (unsigned)seconds;
    o->max_pixels = (size_t)pixels;
    return LX_OK;
}

lx_status lx_ocr_header_add(lx_strbuf *out, const lx_ocr_result *r, const char *reason)
{
    lx_status st = lx_strbuf_addf(out, "ocr %d %zu %zu %zu %zu", r->confidence, r->pages,
                                  r->pages_read, r->pages_text, r->pages_skipped);
    if (!st && r->pages_skipped && reason && *reason) {
        st = lx_strbuf_addch(out, ' ');
        for (const char *c = reason; !st && *c; c++)
            st = lx_strbuf_addch(out, *c == '\n' || *c == '\r' ? ' ' : *c);
    }
    return st ? st : lx_strbuf_addch(out, '\n');
}

/* " NUMBER" at *p, at most max. */
static bool take_spaced(const char **p, uintmax_t max, uintmax_t *v)
{
    if (**p != ' ')
        return false;
    (*p)++;
    return take_number(p, max, v);
}

lx_status lx_ocr_header_parse(const char *answer, size_t len, lx_ocr_result *r, lx_strbuf *reason,
                              size_t *text_at)
{
    const char *nl = memchr(answer, '\n', len);
    if (!nl || (size_t)(nl - answer) > 4096 || strncmp(answer, "ocr ", 4) != 0)
        return LX_E_PARSE;
    /* The line, NUL-terminated, so that the number readers stop at its end. */
    char line[4097];
    size_t n = (size_t)(nl - answer);
    if (memchr(answer, '\0', n))
        return LX_E_PARSE;
    memcpy(line, answer, n);
    line[n] = '\0';
    const char *p = line + 3;
    uintmax_t conf, pages, read, text, skipped;
    bool none = strncmp(p, " -1", 3) == 0 && (p[3] == ' ');
    if (none)
        p += 3;
    if ((!none && !take_spaced(&p, 100, &conf)) || !take_spaced(&p, SIZE_MAX, &pages) ||
        !take_spaced(&p, SIZE_MAX, &read) || !take_spaced(&p, SIZE_MAX, &text) ||
        !take_spaced(&p, SIZE_MAX, &skipped) || (*p && *p != ' ') || read > pages ||
        text > pages - read || skipped > pages - read - text)
        return LX_E_PARSE;
    r->confidence = none ? -1 : (int)conf;
    r->pages = (size_t)pages;
    r->pages_read = (size_t)read;
    r->pages_text = (size_t)text;
    r->pages_skipped = (size_t)skipped;
    if (reason && *p)
        lx_strbuf_addstr(reason, p + 1);
    *text_at = n + 1;
    return LX_OK;
}

lx_status lx_ocr_probe_header_add(lx_strbuf *out, const lx_ocr_probe_result *p)
{
    return lx_strbuf_addf(out, "probe %d %d %zu %zu\n", p->width, p->height, p->pages, p->scanned);
}

lx_status lx_ocr_probe_header_parse(const char *answer, size_t len, lx_ocr_probe_result *p,
                                    size_t *text_at)
{
    char line[128];
    const char *nl = len > 6 ? memchr(answer, '\n', len) : NULL;
    if (!nl || strncmp(answer, "probe ", 6) != 0)
        return LX_E_PARSE;
    size_t n = (size_t)(nl - answer);
    if (n >= sizeof line || memchr(answer, '\0', n))
        return LX_E_PARSE;
    memcpy(line, answer, n);
    line[n] = '\0';
    const char *s = line + 5;
    uintmax_t w, h, pages, scanned;
    if (!take_spaced(&s, INT32_MAX, &w) || !take_spaced(&s, INT32_MAX, &h) ||
        !take_spaced(&s, SIZE_MAX, &pages) || !take_spaced(&s, SIZE_MAX, &scanned) || *s ||
        scanned > pages)
        return LX_E_PARSE;
    p->width = (int)w;
    p->height = (int)h;
    p->pages = (size_t)pages;
    p->scanned = (size_t)scanned;
    *text_at = n + 1;
    return LX_OK;
}
