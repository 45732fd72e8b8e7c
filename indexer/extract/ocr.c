/* ocr.c - the text of scans: Tesseract over pages decoded by leptonica or rendered by poppler.
 *
 * Runs in the extraction helper process only (lx_doctext_server_main hands
 * it the OCR and probe requests), under that process's address-space and
 * CPU limits; one page at a time also has Tesseract's own deadline. Every
 * image's size is read from its header before anything is decoded.
 */
#include "ocr.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <leptonica/allheaders.h>
#include <poppler.h>
#include <tesseract/capi.h>

#include "doctext.h"
#include "utf8.h"
#include "banned.h"

/* The process's Tesseract engine, made for one language list and reused
 * for every page until another list is asked: loading the models
 * (TessBaseAPIInit3) takes about 0.3 s. The helper reads one document at
 * a time, so one engine is enough (and this module is not thread-safe). */
static struct {
    TessBaseAPI *api;
    char lang[LX_OCR_MAX_LANG + 1];
} engine;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* leptonica's complaints about damaged images go to standard error: the
 * caller gets a reason instead. */
static void leptonica_quiet(void)
{
    setMsgSeverity(L_SEVERITY_NONE);
}

static void api_free(TessBaseAPI *api)
{
    if (!api)
        return;
    TessBaseAPIEnd(api);
    TessBaseAPIDelete(api);
}

/* Whether Tesseract loaded every language of the list lang: it goes on
 * without those of the list whose data it cannot find. */
static bool all_loaded(TessBaseAPI *api, const char *lang)
{
    char **loaded = TessBaseAPIGetLoadedLanguagesAsVector(api);
    bool all = loaded != NULL;
    for (const char *p = lang; all && *p;) {
        size_t n = strcspn(p, "+");
        bool found = false;
        for (size_t i = 0; loaded[i] && !found; i++)
            found = strlen(loaded[i]) == n && strncmp(loaded[i], p, n) == 0;
        all = found;
        p += n + (p[n] == '+');
    }
    TessDeleteTextArray(loaded);
    return all;
}

/* A Tesseract handle for lang, or NULL when its data cannot be loaded. */
static TessBaseAPI *api_new(const char *lang)
{
    TessBaseAPI *api = TessBaseAPICreate();
    if (!api)
        return NULL;
    /* Tesseract's messages ("Estimating resolution", warnings, a missing
     * data file) are not the indexer's to print: its debug_file (a global
     * setting, so it holds before Init) sends them to /dev/null. NULL data
     * path: Tesseract's default (Debian's /usr/share/tesseract-ocr/5/tessdata,
     * or TESSDATA_PREFIX). */
    TessBaseAPISetVariable(api, "debug_file", "/dev/null");
    if (TessBaseAPIInit3(api, NULL, lang) != 0 || !all_loaded(api, lang)) {
        api_free(api);
        return NULL;
    }
    /* Whole pages with columns and blocks, as the tesseract command reads
     * them (the library's own default reads one uniform block). */
    TessBaseAPISetPageSegMode(api, PSM_AUTO);
    return api;
}

/* Why no engine could be made for lang: the first language of the list
 * whose data does not load, with the Debian package that holds it. */
static void explain_missing(const char *lang, lx_strbuf *why)
{
    char one[LX_OCR_MAX_LANG + 1];
    for (const char *p = lang; *p;) {
        size_t n = strcspn(p, "+");
        memcpy(one, p, n);
        one[n] = '\0';
        TessBaseAPI *api = api_new(one);
        if (!api) {
            lx_strbuf_addf(why, "no Tesseract data for the language %s: install the Debian package tesseract-ocr-",
                           one);
            for (const char *c = one; *c; c++)
                lx_strbuf_addch(why, *c == '_' ? '-' : *c >= 'A' && *c <= 'Z' ? (char)(*c + 32) : *c);
            return;
        }
        api_free(api);
        p += n + (p[n] == '+');
    }
    lx_strbuf_addf(why, "Tesseract cannot load the languages %s", lang);
}

/* The engine for lang, made on first use. */
static lx_status engine_for(const char *lang, TessBaseAPI **api, lx_strbuf *why)
{
    if (engine.api && strcmp(engine.lang, lang) == 0) {
        *api = engine.api;
        return LX_OK;
    }
    api_free(engine.api);
    engine.api = NULL;
    if (!lx_ocr_lang_valid(lang)) {
        lx_strbuf_addf(why, "not a list of Tesseract languages: '%s'", lang);
        return LX_E_INVALID;
    }
    if (!(engine.api = api_new(lang))) {
        explain_missing(lang, why);
        return LX_E_NOT_FOUND;
    }
    snprintf(engine.lang, sizeof engine.lang, "%s", lang);
    *api = engine.api;
    return LX_OK;
}

lx_status lx_ocr_languages_check(const char *lang, lx_strbuf *why)
{
    if (!lx_ocr_lang_valid(lang)) {
        lx_strbuf_addf(why, "not a list of Tesseract languages: '%s'", lang);
        return LX_E_INVALID;
    }
    TessBaseAPI *api = api_new(lang);
    if (!api) {
        explain_missing(lang, why);
        return LX_E_NOT_FOUND;
    }
    api_free(api);
    return LX_OK;
}

/* Characters of a NUL-terminated UTF-8 text that are not white space (an
 * ill-formed byte counts as one). */
static size_t visible_chars(const char *s)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t c = lx_utf8_char_len(s + i, len - i);
        if (!c || !g_unichar_isspace(g_utf8_get_char(s + i)))
            n++;
        i += c ? c : 1;
    }
    return n;
}

/* One document's reading: counts, and why pages were skipped. */
typedef struct reading {
    const lx_ocr_opts *o;
    lx_strbuf *out;
    lx_ocr_result *r;
    lx_strbuf *why;
    bool recognize;   /* false: pages decoded, not read (the fuzz target) */
    size_t ocr_pages; /* pages given to OCR so far: at most o->max_pages */
    double conf_sum;  /* each page's confidence times its characters */
    size_t chars;
    /* Pages skipped, by reason; the first small and large page's size. */
    size_t small, large, late, unread, undecoded, past_max;
    int small_w, small_h, large_w, large_h;
} reading;

static void reading_init(reading *rd, const lx_ocr_opts *o, lx_strbuf *out, lx_ocr_result *r,
                         lx_strbuf *why, bool recognize)
{
    memset(rd, 0, sizeof *rd);
    memset(r, 0, sizeof *r);
    r->confidence = -1;
    rd->o = o;
    rd->out = out;
    rd->r = r;
    rd->why = why;
    rd->recognize = recognize;
}

static void add_skipped(lx_strbuf *why, size_t n, const char *what)
{
    if (!n)
        return;
    lx_strbuf_addf(why, "%s%zu page%s %s", why->len ? "; " : "", n, n == 1 ? "" : "s", what);
}

/* The confidence, and the reasons of skipped pages in why. */
static void reading_end(reading *rd)
{
    if (rd->chars)
        rd->r->confidence = (int)lround(rd->conf_sum / (double)rd->chars);
    char what[160];
    snprintf(what, sizeof what, "too small to hold text (%dx%d pixels: under %d a side or %zu in all)",
             rd->small_w, rd->small_h, LX_OCR_MIN_SIDE, LX_OCR_MIN_PIXELS);
    add_skipped(rd->why, rd->small, what);
    snprintf(what, sizeof what, "too large to decode (%dx%d pixels: over %zu)", rd->large_w,
             rd->large_h, LX_OCR_MAX_IMAGE_PIXELS);
    add_skipped(rd->why, rd->large, what);
    snprintf(what, sizeof what, "past the %u s deadline of a page", rd->o->page_seconds);
    add_skipped(rd->why, rd->late, what);
    add_skipped(rd->why, rd->unread, "that Tesseract could not read");
    add_skipped(rd->why, rd->undecoded, "that could not be decoded");
    snprintf(what, sizeof what, "past the first %zu read by OCR", rd->o->max_pages);
    add_skipped(rd->why, rd->past_max, what);
}

/* Reads one page (8-bit grey or 1-bit) at res dots per inch (0: unknown)
 * and appends its text; a page past its deadline is skipped. */
static lx_status read_page(reading *rd, PIX *pix, int res)
{
    if (!rd->recognize) {
        rd->r->pages_read++;
        return LX_OK;
    }
    TessBaseAPI *api;
    lx_status st = engine_for(rd->o->lang, &api, rd->why);
    if (st)
        return st;
    ETEXT_DESC *monitor = TessMonitorCreate();
    if (!monitor)
        return LX_E_NOMEM;
    TessBaseAPISetImage2(api, pix);
    /* Tesseract guesses the resolution from the text's height otherwise. */
    if (res >= 70 && res <= 2400)
        TessBaseAPISetSourceResolution(api, res);
    int ms = rd->o->page_seconds >= INT_MAX / 1000 ? INT_MAX : (int)rd->o->page_seconds * 1000;
    double start = now();
    TessMonitorSetDeadlineMSecs(monitor, ms);
    int rc = TessBaseAPIRecognize(api, monitor);
    double took = now() - start;
    TessMonitorDelete(monitor);
    if (rc != 0) {
        /* The pages before it stay read; this one's words so far are
         * not kept (Tesseract fakes the rest of the page's words). */
        if (took * 1000 >= ms)
            rd->late++;
        else
            rd->unread++;
        rd->r->pages_skipped++;
        TessBaseAPIClear(api);
        return LX_OK;
    }
    char *text = TessBaseAPIGetUTF8Text(api);
    int conf = TessBaseAPIMeanTextConf(api);
    if (text) {
        size_t chars = visible_chars(text);
        rd->conf_sum += (double)(conf < 0 ? 0 : conf) * (double)chars;
        rd->chars += chars;
        st = lx_strbuf_addstr(rd->out, text);
        TessDeleteText(text);
    }
    TessBaseAPIClear(api);
    rd->r->pages_read++;
    return st;
}

/* A decoded page as Tesseract reads it best: 8-bit grey (1-bit kept as it
 * is), over white where it was transparent, scaled down to at most
 * max_pixels; *res becomes its resolution (0: unknown). NULL when out of
 * memory. */
static PIX *page_grey(PIX *pix, size_t max_pixels, int *res)
{
    l_int32 w, h, d;
    pixGetDimensions(pix, &w, &h, &d);
    PIX *flat = d == 32 && pixGetSpp(pix) == 4 ? pixAlphaBlendUniform(pix, 0xffffff00)
                                               : pixClone(pix);
    PIX *grey = NULL;
    if (flat)
        grey = d == 1 && !pixGetColormap(flat) ? pixClone(flat) : pixConvertTo8(flat, 0);
    pixDestroy(&flat);
    *res = pixGetXRes(pix);
    double pixels = (double)w * (double)h;
    if (grey && pixels > (double)max_pixels) {
        double scale = sqrt((double)max_pixels / pixels);
        PIX *smaller = pixScale(grey, (l_float32)scale, (l_float32)scale);
        pixDestroy(&grey);
        grey = smaller;
        *res = (int)(*res * scale);
    }
    return grey;
}

/* Pages of a TIFF (its directories, counted by libtiff); 1 when they
 * cannot be counted (the first page is then tried alone). */
static size_t tiff_pages(const l_uint8 *data, size_t len)
{
    FILE *f = fopenReadFromMemory(data, len);
    l_int32 n = 0;
    if (!f)
        return 1;
    if (tiffGetCount(f, &n) != 0 || n < 1)
        n = 1;
    fclose(f);
    return (size_t)n;
}

/* Whether a page of w x h pixels is read: false, counted with the reason,
 * when too small to hold text or too large to decode. */
static bool page_size_fits(reading *rd, l_int32 w, l_int32 h)
{
    double pixels = (double)w * (double)h;
    if (w < LX_OCR_MIN_SIDE || h < LX_OCR_MIN_SIDE || pixels < (double)LX_OCR_MIN_PIXELS) {
        if (!rd->small++) {
            rd->small_w = w;
            rd->small_h = h;
        }
    } else if (pixels > (double)LX_OCR_MAX_IMAGE_PIXELS) {
        if (!rd->large++) {
            rd->large_w = w;
            rd->large_h = h;
        }
    } else {
        return true;
    }
    rd->r->pages_skipped++;
    return false;
}

/* Page i of an image (its size checked from its header first), read. */
static lx_status image_page(reading *rd, const l_uint8 *data, size_t len, bool tiff, size_t i,
                            l_int32 w, l_int32 h)
{
    l_int32 bps, spp, res, cmap, format;
    if (tiff && i > 0 &&
        readHeaderMemTiff(data, len, (l_int32)i, &w, &h, &bps, &spp, &res, &cmap, &format) != 0) {
        rd->undecoded++;
        rd->r->pages_skipped++;
        return LX_OK;
    }
    if (!page_size_fits(rd, w, h))
        return LX_OK;
    rd->ocr_pages++;
    PIX *pix = tiff ? pixReadMemTiff(data, len, (l_int32)i) : pixReadMem(data, len);
    if (!pix) {
        rd->undecoded++;
        rd->r->pages_skipped++;
        return LX_OK;
    }
    int page_res;
    PIX *grey = page_grey(pix, rd->o->max_pixels, &page_res);
    pixDestroy(&pix);
    if (!grey)
        return LX_E_NOMEM;
    lx_status st = read_page(rd, grey, page_res);
    pixDestroy(&grey);
    return st;
}

static lx_status image_pages(const char *data, size_t len, reading *rd)
{
    leptonica_quiet();
    const l_uint8 *bytes = (const l_uint8 *)data;
    l_int32 format, w, h, bps, spp, cmap;
    if (len == 0 || pixReadHeaderMem(bytes, len, &format, &w, &h, &bps, &spp, &cmap) != 0) {
        lx_strbuf_addstr(rd->why, "not an image that leptonica reads (PNG, JPEG, TIFF, GIF, BMP, "
                                  "WebP, JPEG 2000, PNM)");
        return LX_E_PARSE;
    }
    bool tiff = L_FORMAT_IS_TIFF(format);
    size_t pages = tiff ? tiff_pages(bytes, len) : 1;
    rd->r->pages = pages;
    lx_status st = LX_OK;
    for (size_t i = 0; i < pages && !st; i++) {
        /* Past max_pages only the count goes on: no page is opened. */
        if (rd->ocr_pages >= rd->o->max_pages) {
            rd->past_max += pages - i;
            rd->r->pages_skipped += pages - i;
            break;
        }
        if (i)
            st = lx_strbuf_addch(rd->out, '\f');
        if (!st)
            st = image_page(rd, bytes, len, tiff, i, w, h);
    }
    if (!st && rd->undecoded == pages) {
        lx_strbuf_reset(rd->why);
        lx_strbuf_addstr(rd->why, "damaged image: leptonica could not decode it");
        return LX_E_PARSE;
    }
    return st;
}

lx_status lx_ocr_image(const char *data, size_t len, const lx_ocr_opts *o, lx_strbuf *out,
                       lx_ocr_result *r, lx_strbuf *why)
{
    reading rd;
    reading_init(&rd, o, out, r, why, true);
    lx_status st = image_pages(data, len, &rd);
    if (!st)
        reading_end(&rd);
    return st;
}

lx_status lx_ocr_image_decode(const char *data, size_t len, const lx_ocr_opts *o,
                              lx_ocr_result *r, lx_strbuf *why)
{
    lx_strbuf out;
    lx_strbuf_init(&out);
    reading rd;
    reading_init(&rd, o, &out, r, why, false);
    lx_status st = image_pages(data, len, &rd);
    if (!st)
        reading_end(&rd);
    lx_strbuf_release(&out);
    return st;
}

/* The PDF in data, or NULL with the reason in why. *bytes is the caller's
 * to unref after the document. */
static PopplerDocument *pdf_open(const char *data, size_t len, GBytes **bytes, lx_strbuf *why)
{
    *bytes = g_bytes_new_static(data, len);
    GError *err = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(*bytes, NULL, &err);
    if (!doc) {
        lx_strbuf_addf(why, "PDF: %s", err && err->message ? err->message : "unreadable");
        if (err)
            g_error_free(err);
        g_bytes_unref(*bytes);
        *bytes = NULL;
    }
    return doc;
}

/* Whether a PDF page has a text layer worth taking; its text in *text
 * (g_free it). */
static bool page_has_text(PopplerPage *page, char **text)
{
    *text = poppler_page_get_text(page);
    return *text && visible_chars(*text) >= LX_OCR_TEXT_LAYER_MIN;
}

/* A cairo ARGB32 surface (white, opaque) as an 8-bit grey Pix. */
static PIX *surface_grey(cairo_surface_t *s, int dpi)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *src = cairo_image_surface_get_data(s);
    PIX *pix = pixCreate(w, h, 8);
    if (!pix || !src) {
        pixDestroy(&pix);
        return NULL;
    }
    l_uint32 *dst = pixGetData(pix);
    l_int32 wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * (size_t)stride);
        l_uint32 *line = dst + (size_t)y * (size_t)wpl;
        for (int x = 0; x < w; x++) {
            uint32_t p = row[x];
            /* ITU-R 601 luma, in 8.8 fixed point. */
            unsigned grey = (((p >> 16) & 255) * 77 + ((p >> 8) & 255) * 150 + (p & 255) * 29) >> 8;
            SET_DATA_BYTE(line, x, grey);
        }
    }
    pixSetResolution(pix, dpi, dpi);
    return pix;
}

/* Cairo's image surfaces stop at 32767 pixels a side. */
#define SURFACE_MAX_SIDE 32767

/* A PDF page rendered at o->dpi (less when it would pass o->max_pixels
 * or a surface's side) on white, as 8-bit grey; NULL when it cannot be. */
static PIX *render_page(PopplerPage *page, const lx_ocr_opts *o)
{
    double wpt, hpt;
    poppler_page_get_size(page, &wpt, &hpt);
    if (!(wpt > 0 && hpt > 0 && wpt < 1e6 && hpt < 1e6))
        return NULL;
    double scale = o->dpi / 72.0;
    double pixels = wpt * scale * hpt * scale;
    if (pixels > (double)o->max_pixels)
        scale *= sqrt((double)o->max_pixels / pixels);
    double side = fmax(wpt, hpt) * scale;
    if (side > SURFACE_MAX_SIDE)
        scale *= SURFACE_MAX_SIDE / side;
    int w = (int)fmax(1, floor(wpt * scale)), h = (int)fmax(1, floor(hpt * scale));
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    PIX *pix = surface_grey(s, (int)lround(scale * 72.0));
    cairo_surface_destroy(s);
    return pix;
}

/* One PDF page: its text layer, or what OCR reads of it. */
static lx_status pdf_page(reading *rd, PopplerPage *page)
{
    char *text;
    lx_status st = LX_OK;
    if (page_has_text(page, &text)) {
        rd->r->pages_text++;
        st = lx_strbuf_addstr(rd->out, text);
    } else if (rd->ocr_pages >= rd->o->max_pages) {
        rd->past_max++;
        rd->r->pages_skipped++;
    } else {
        rd->ocr_pages++;
        PIX *pix = render_page(page, rd->o);
        if (pix) {
            st = read_page(rd, pix, pixGetXRes(pix));
            pixDestroy(&pix);
        } else {
            rd->undecoded++;
            rd->r->pages_skipped++;
        }
    }
    g_free(text);
    return st;
}

lx_status lx_ocr_pdf(const char *data, size_t len, const lx_ocr_opts *o, lx_strbuf *out,
                     lx_ocr_result *r, lx_strbuf *why)
{
    reading rd;
    reading_init(&rd, o, out, r, why, true);
    leptonica_quiet();
    GBytes *bytes;
    PopplerDocument *doc = pdf_open(data, len, &bytes, why);
    if (!doc)
        return LX_E_PARSE;
    int n = poppler_document_get_n_pages(doc);
    r->pages = n > 0 ? (size_t)n : 0;
    lx_status st = LX_OK;
    for (int i = 0; i < n && !st; i++) {
        if (i)
            st = lx_strbuf_addch(out, '\f');
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page) {
            rd.undecoded++;
            r->pages_skipped++;
            continue;
        }
        if (!st)
            st = pdf_page(&rd, page);
        g_object_unref(page);
    }
    g_object_unref(doc);
    g_bytes_unref(bytes);
    if (!st)
        reading_end(&rd);
    return st;
}

/* lx_doctext_page_fn: a page without a text layer counted as scanned. */
static void count_scanned(void *arg, const char *page_text)
{
    lx_ocr_probe_result *p = arg;
    if (!page_text || visible_chars(page_text) < LX_OCR_TEXT_LAYER_MIN)
        p->scanned++;
}

/* A PDF's pages without a text layer, and (out, may be NULL) its text as
 * the text extraction gives it, in one reading. */
static lx_status probe_pdf(const char *data, size_t len, lx_ocr_probe_result *p, lx_strbuf *out,
                           lx_strbuf *why)
{
    lx_strbuf unused;
    lx_strbuf_init(&unused);
    lx_status st = lx_doctext_pdf(data, len, (size_t)1 << 30, out ? out : &unused, &p->pages,
                                  count_scanned, p, why);
    lx_strbuf_release(&unused);
    return st;
}

lx_status lx_ocr_probe(bool pdf, const char *data, size_t len, lx_ocr_probe_result *p,
                       lx_strbuf *text, lx_strbuf *why)
{
    memset(p, 0, sizeof *p);
    if (pdf)
        return probe_pdf(data, len, p, text, why);
    leptonica_quiet();
    const l_uint8 *bytes = (const l_uint8 *)data;
    l_int32 format, w, h, bps, spp, cmap, res;
    if (len == 0 || pixReadHeaderMem(bytes, len, &format, &w, &h, &bps, &spp, &cmap) != 0) {
        lx_strbuf_addstr(why, "not an image that leptonica reads");
        return LX_E_PARSE;
    }
    p->width = w;
    p->height = h;
    bool tiff = L_FORMAT_IS_TIFF(format);
    p->pages = tiff ? tiff_pages(bytes, len) : 1;
    /* Each page's header: a TIFF's pages past LX_OCR_MAX_PAGES are not
     * looked at (OCR would not read them with the default options). */
    for (size_t i = 0; i < p->pages && i < LX_OCR_MAX_PAGES; i++) {
        if (i > 0 &&
            readHeaderMemTiff(bytes, len, (l_int32)i, &w, &h, &bps, &spp, &res, &cmap, &format) != 0)
            continue;
        if (w >= LX_OCR_MIN_SIDE && h >= LX_OCR_MIN_SIDE &&
            (double)w * (double)h >= (double)LX_OCR_MIN_PIXELS &&
            (double)w * (double)h <= (double)LX_OCR_MAX_IMAGE_PIXELS)
            p->scanned++;
    }
    return LX_OK;
}

lx_status lx_ocr_serve(const char *kind_word, const char *data, size_t len, lx_strbuf *out,
                       lx_strbuf *why)
{
    lx_ocr_kind kind;
    lx_ocr_opts o;
    char lang[LX_OCR_MAX_LANG + 1];
    if (lx_ocr_kind_parse(kind_word, &kind, &o, lang)) {
        lx_strbuf_addf(why, "unknown OCR request '%s'", kind_word);
        return LX_E_INVALID;
    }
    if (kind == LX_OCR_KIND_PROBE_IMAGE || kind == LX_OCR_KIND_PROBE_PDF) {
        lx_ocr_probe_result p;
        lx_strbuf text;
        lx_strbuf_init(&text);
        lx_status st = lx_ocr_probe(kind == LX_OCR_KIND_PROBE_PDF, data, len, &p, &text, why);
        if (!st)
            st = lx_ocr_probe_header_add(out, &p);
        if (!st)
            st = lx_strbuf_add(out, text.buf, text.len);
        lx_strbuf_release(&text);
        return st;
    }
    lx_strbuf text, reason;
    lx_strbuf_init(&text);
    lx_strbuf_init(&reason);
    lx_ocr_result r;
    lx_status st = kind == LX_OCR_KIND_PDF ? lx_ocr_pdf(data, len, &o, &text, &r, &reason)
                                           : lx_ocr_image(data, len, &o, &text, &r, &reason);
    if (st)
        lx_strbuf_add(why, reason.buf, reason.len);
    else if (!(st = lx_ocr_header_add(out, &r, reason.buf)))
        st = lx_strbuf_add(out, text.buf, text.len);
    lx_strbuf_release(&text);
    lx_strbuf_release(&reason);
    return st;
}
