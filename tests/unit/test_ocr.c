/* test_ocr.c - scans read by OCR: pages drawn here with cairo (DejaVu Sans), read back by Tesseract.
 *
 * No binary fixture: each test draws its pages (cairo's toy text API),
 * encodes them (PNG by cairo, TIFF and JPEG by leptonica, PDF by cairo's
 * PDF surface) and reads them through ocr.c, in this process and through
 * the indexer's own helper process (LEAKDEX_INDEX). OMP_THREAD_LIMIT=1 (set
 * by ctest) keeps Tesseract on one thread, as in the helper.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <leptonica/allheaders.h>

#include "helper.h"
#include "doctext.h"
#include "ocr.h"

/* A French and an English page, and the second page of a TIFF. */
static const char *const french[] = {"Le budget prévisionnel de l'Élysée", "sera présenté jeudi à Quimperlé.",
                                     NULL};
static const char *const english[] = {"The xylophonist signed the invoice", "for the harbour warehouse.",
                                      NULL};
static const char *const second[] = {"Une fleur zygomorphe et bleue", "pousse dans le jardin.", NULL};

/* A white page of w x h pixels (300 dpi) with lines of black text px pixels high. */
static cairo_surface_t *page_surface(int w, int h, double px, const char *const *lines)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, px);
    for (size_t i = 0; lines[i]; i++) {
        cairo_move_to(cr, px * 2, px * (3 + 1.6 * (double)i));
        cairo_show_text(cr, lines[i]);
    }
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static cairo_status_t to_strbuf(void *closure, const unsigned char *data, unsigned int len)
{
    return lx_strbuf_add(closure, data, len) ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* The PNG of a page of text (A5-ish at 300 dpi unless w, h say otherwise). */
static void page_png(int w, int h, double px, const char *const *lines, lx_strbuf *png)
{
    cairo_surface_t *s = page_surface(w, h, px, lines);
    assert_int_equal(cairo_surface_write_to_png_stream(s, to_strbuf, png), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

/* The page as leptonica's 8-bit grey, for TIFF and JPEG. */
static PIX *page_pix(int w, int h, double px, const char *const *lines)
{
    lx_strbuf png;
    lx_strbuf_init(&png);
    page_png(w, h, px, lines, &png);
    PIX *rgb = pixReadMem((const l_uint8 *)png.buf, png.len);
    assert_non_null(rgb);
    PIX *grey = pixConvertTo8(rgb, 0);
    assert_non_null(grey);
    pixSetResolution(grey, 300, 300);
    pixDestroy(&rgb);
    lx_strbuf_release(&png);
    return grey;
}

/* A PDF of pages: NULL lines for an image-only page (the page drawn at 300
 * dpi and painted as a picture), else text drawn as text (a text layer). */
typedef struct pdf_page {
    const char *const *lines;
    bool scanned;
} pdf_page;

static void make_pdf(const pdf_page *pages, size_t n, lx_strbuf *pdf)
{
    const int w = 1748, h = 1240; /* A5 landscape at 300 dpi */
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_strbuf, pdf, w * 72.0 / 300,
                                                             h * 72.0 / 300);
    cairo_t *cr = cairo_create(s);
    for (size_t i = 0; i < n; i++) {
        cairo_save(cr);
        cairo_scale(cr, 72.0 / 300, 72.0 / 300);
        if (pages[i].scanned) {
            cairo_surface_t *img = page_surface(w, h, 48, pages[i].lines);
            cairo_set_source_surface(cr, img, 0, 0);
            cairo_paint(cr);
            cairo_surface_destroy(img);
        } else {
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                   CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size(cr, 48);
            for (size_t l = 0; pages[i].lines[l]; l++) {
                cairo_move_to(cr, 96, 48 * (3 + 1.6 * (double)l));
                cairo_show_text(cr, pages[i].lines[l]);
            }
        }
        cairo_restore(cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static lx_ocr_opts opts(const char *lang)
{
    lx_ocr_opts o;
    lx_ocr_opts_default(&o);
    o.lang = lang;
    return o;
}

/* Each word appears in text, in the order given. */
static void assert_words_in_order(const char *text, const char *const *words)
{
    const char *at = text;
    for (size_t i = 0; words[i]; i++) {
        const char *w = strstr(at, words[i]);
        if (!w)
            fail_msg("'%s' not found (in order) in the OCR text:\n%s", words[i], text);
        at = w + strlen(words[i]);
    }
}

static void assert_read(const lx_ocr_result *r, size_t pages, size_t read, size_t text,
                        size_t skipped)
{
    assert_int_equal(r->pages, pages);
    assert_int_equal(r->pages_read, read);
    assert_int_equal(r->pages_text, text);
    assert_int_equal(r->pages_skipped, skipped);
}

static void test_png_french(void **state)
{
    lx_strbuf png, out, why;
    lx_strbuf_init(&png);
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    page_png(1748, 600, 48, french, &png);
    lx_ocr_opts o = opts("fra+eng");
    lx_ocr_result r;
    assert_int_equal(lx_ocr_image(png.buf, png.len, &o, &out, &r, &why), LX_OK);
    const char *words[] = {"budget", "prévisionnel", "Élysée", "présenté", "Quimperlé", NULL};
    assert_words_in_order(out.buf, words);
    assert_read(&r, 1, 1, 0, 0);
    assert_true(r.confidence >= 50 && r.confidence <= 100);
    assert_string_equal(why.buf, "");
    assert_null(memchr(out.buf, '\f', out.len));
    lx_strbuf_release(&png);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

static void test_tiff_two_pages_and_jpeg(void **state)
{
    PIXA *pa = pixaCreate(2);
    pixaAddPix(pa, page_pix(1748, 600, 48, english), L_INSERT);
    pixaAddPix(pa, page_pix(1748, 600, 48, second), L_INSERT);
    l_uint8 *tiff = NULL;
    size_t tiff_len = 0;
    assert_int_equal(pixaWriteMemMultipageTiff(&tiff, &tiff_len, pa), 0);
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    lx_ocr_opts o = opts("fra+eng");
    lx_ocr_result r;
    assert_int_equal(lx_ocr_image((const char *)tiff, tiff_len, &o, &out, &r, &why), LX_OK);
    /* Both pages' words, in page order, a form feed between them. */
    const char *words[] = {"xylophonist", "invoice", "harbour", "\f", "zygomorphe", "jardin", NULL};
    assert_words_in_order(out.buf, words);
    assert_read(&r, 2, 2, 0, 0);
    assert_true(r.confidence >= 50 && r.confidence <= 100);

    /* Only the first page when one page is all it may read. */
    lx_strbuf_reset(&out);
    o.max_pages = 1;
    assert_int_equal(lx_ocr_image((const char *)tiff, tiff_len, &o, &out, &r, &why), LX_OK);
    assert_non_null(strstr(out.buf, "xylophonist"));
    assert_null(strstr(out.buf, "zygomorphe"));
    assert_read(&r, 2, 1, 0, 1);
    assert_string_equal(why.buf, "1 page past the first 1 read by OCR");

    /* The English page as a JPEG photo: turned by a degree and a half. */
    PIX *page = pixaGetPix(pa, 0, L_CLONE);
    PIX *turned = pixRotate(page, 0.026f, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
    l_uint8 *jpeg = NULL;
    size_t jpeg_len = 0;
    assert_int_equal(pixWriteMemJpeg(&jpeg, &jpeg_len, turned, 70, 0), 0);
    lx_strbuf_reset(&out);
    lx_strbuf_reset(&why);
    o.max_pages = LX_OCR_MAX_PAGES;
    assert_int_equal(lx_ocr_image((const char *)jpeg, jpeg_len, &o, &out, &r, &why), LX_OK);
    const char *jwords[] = {"xylophonist", "invoice", "warehouse", NULL};
    assert_words_in_order(out.buf, jwords);
    assert_read(&r, 1, 1, 0, 0);
    lept_free(jpeg);
    pixDestroy(&turned);
    pixDestroy(&page);
    lept_free(tiff);
    pixaDestroy(&pa);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

static void test_pdf(void **state)
{
    lx_strbuf pdf, out, why;
    lx_strbuf_init(&pdf);
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    lx_ocr_opts o = opts("fra+eng");
    lx_ocr_result r;
    /* An image-only PDF: rendered and read. */
    pdf_page scan[] = {{french, true}};
    make_pdf(scan, 1, &pdf);
    assert_int_equal(lx_ocr_pdf(pdf.buf, pdf.len, &o, &out, &r, &why), LX_OK);
    const char *words[] = {"budget", "prévisionnel", "Élysée", NULL};
    assert_words_in_order(out.buf, words);
    assert_read(&r, 1, 1, 0, 0);
    assert_true(r.confidence >= 50 && r.confidence <= 100);

    /* A PDF with a text layer: its text as poppler gives it, no OCR. */
    lx_strbuf_reset(&pdf);
    lx_strbuf_reset(&out);
    pdf_page text[] = {{english, false}};
    make_pdf(text, 1, &pdf);
    assert_int_equal(lx_ocr_pdf(pdf.buf, pdf.len, &o, &out, &r, &why), LX_OK);
    assert_string_equal(out.buf, "The xylophonist signed the invoice\nfor the harbour warehouse.");
    assert_read(&r, 1, 0, 1, 0);
    assert_int_equal(r.confidence, -1);

    /* Both: the text page as it is, the scanned one read, in page order. */
    lx_strbuf_reset(&pdf);
    lx_strbuf_reset(&out);
    pdf_page both[] = {{english, false}, {second, true}};
    make_pdf(both, 2, &pdf);
    assert_int_equal(lx_ocr_pdf(pdf.buf, pdf.len, &o, &out, &r, &why), LX_OK);
    const char *bwords[] = {"The xylophonist signed the invoice\nfor the harbour warehouse.\f",
                            "zygomorphe", "jardin", NULL};
    assert_words_in_order(out.buf, bwords);
    assert_read(&r, 2, 1, 1, 0);
    assert_string_equal(why.buf, "");

    /* Not a PDF. */
    lx_strbuf_reset(&out);
    assert_int_equal(lx_ocr_pdf("%PDF-1.4 nothing", 16, &o, &out, &r, &why), LX_E_PARSE);
    assert_true(strncmp(why.buf, "PDF: ", 5) == 0);
    lx_strbuf_release(&pdf);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

/* The CRC of a PNG chunk (type and data), for a header rewritten here. */
static uint32_t png_crc(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return c ^ 0xffffffffu;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void test_images_not_read(void **state)
{
    lx_strbuf png, out, why;
    lx_strbuf_init(&png);
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    lx_ocr_opts o = opts("fra+eng");
    lx_ocr_result r;
    /* An icon, a logo: skipped, with the reason. */
    const char *logo[] = {"ACME", NULL};
    page_png(120, 40, 20, logo, &png);
    assert_int_equal(lx_ocr_image(png.buf, png.len, &o, &out, &r, &why), LX_OK);
    assert_string_equal(out.buf, "");
    assert_read(&r, 1, 0, 0, 1);
    assert_int_equal(r.confidence, -1);
    assert_string_equal(why.buf,
                        "1 page too small to hold text (120x40 pixels: under 300 a side or 250000 in all)");
    lx_ocr_probe_result p;
    assert_int_equal(lx_ocr_probe(false, png.buf, png.len, &p, NULL, &why), LX_OK);
    assert_int_equal(p.width, 120);
    assert_int_equal(p.height, 40);
    assert_int_equal(p.pages, 1);
    assert_int_equal(p.scanned, 0);

    /* A header that says 60000x60000: refused before any decoding (14 GB). */
    unsigned char *ihdr = (unsigned char *)png.buf + 12; /* "IHDR", then width, height */
    assert_memory_equal(ihdr, "IHDR", 4);
    put32(ihdr + 4, 60000);
    put32(ihdr + 8, 60000);
    put32(ihdr + 17, png_crc(ihdr, 17));
    lx_strbuf_reset(&why);
    assert_int_equal(lx_ocr_image(png.buf, png.len, &o, &out, &r, &why), LX_OK);
    assert_read(&r, 1, 0, 0, 1);
    assert_string_equal(why.buf, "1 page too large to decode (60000x60000 pixels: over 100000000)");
    assert_int_equal(lx_ocr_probe(false, png.buf, png.len, &p, NULL, &why), LX_OK);
    assert_int_equal(p.width, 60000);
    assert_int_equal(p.scanned, 0);

    /* A page cut in half: its header reads, its pixels do not. */
    lx_strbuf_reset(&png);
    page_png(1748, 600, 48, english, &png);
    lx_strbuf_reset(&why);
    assert_int_equal(lx_ocr_image(png.buf, png.len / 2, &o, &out, &r, &why), LX_E_PARSE);
    assert_string_equal(why.buf, "damaged image: leptonica could not decode it");
    /* Not an image at all. */
    lx_strbuf_reset(&why);
    assert_int_equal(lx_ocr_image("hello", 5, &o, &out, &r, &why), LX_E_PARSE);
    assert_string_equal(why.buf, "not an image that leptonica reads (PNG, JPEG, TIFF, GIF, BMP, "
                                 "WebP, JPEG 2000, PNM)");
    lx_strbuf_reset(&why);
    assert_int_equal(lx_ocr_probe(false, "", 0, &p, NULL, &why), LX_E_PARSE);
    lx_strbuf_release(&png);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

static void test_probe(void **state)
{
    lx_strbuf pdf, png, why;
    lx_strbuf_init(&pdf);
    lx_strbuf_init(&png);
    lx_strbuf_init(&why);
    pdf_page pages[] = {{english, false}, {second, true}, {french, true}};
    make_pdf(pages, 3, &pdf);
    lx_ocr_probe_result p;
    lx_strbuf text, layers;
    lx_strbuf_init(&text);
    lx_strbuf_init(&layers);
    assert_int_equal(lx_ocr_probe(true, pdf.buf, pdf.len, &p, &text, &why), LX_OK);
    assert_int_equal(p.pages, 3);
    assert_int_equal(p.scanned, 2);
    assert_int_equal(p.width, 0);
    /* The probe's text is the text extraction's, byte for byte: a PDF that
     * needs no OCR is read in one request. */
    assert_int_equal(lx_doctext_extract(LX_DOCTEXT_PDF, pdf.buf, pdf.len, (size_t)1 << 30,
                                        &layers, &why),
                     LX_OK);
    assert_true(text.len > 0);
    assert_int_equal(text.len, layers.len);
    assert_memory_equal(text.buf, layers.buf, text.len);
    lx_strbuf_release(&text);
    lx_strbuf_release(&layers);
    page_png(1748, 600, 48, english, &png);
    assert_int_equal(lx_ocr_probe(false, png.buf, png.len, &p, NULL, &why), LX_OK);
    assert_int_equal(p.width, 1748);
    assert_int_equal(p.height, 600);
    assert_int_equal(p.pages, 1);
    assert_int_equal(p.scanned, 1);
    assert_int_equal(lx_ocr_probe(true, png.buf, png.len, &p, NULL, &why), LX_E_PARSE);
    lx_strbuf_release(&pdf);
    lx_strbuf_release(&png);
    lx_strbuf_release(&why);
}

/* A dense A4 page at 300 dpi: 90 lines of small print, far more than
 * Tesseract reads in a few seconds. */
static PIX *dense_page(void)
{
    static const char *const words[] = {"ledger", "invoice", "quarterly", "shipment", "balance",
                                        "régional", "échéance", "transfer", "account", "budget"};
    char lines[90][128];
    const char *ptrs[91];
    for (int i = 0; i < 90; i++) {
        size_t n = 0;
        for (int k = 0; n < 100; k++)
            n += (size_t)snprintf(lines[i] + n, sizeof lines[i] - n, "%s ", words[(i * 7 + k * 3) % 10]);
        ptrs[i] = lines[i];
    }
    ptrs[90] = NULL;
    return page_pix(2480, 3508, 24, ptrs);
}

static void test_deadline(void **state)
{
    /* A short page, then a dense one: the first is kept, the second stopped. */
    PIXA *pa = pixaCreate(2);
    pixaAddPix(pa, page_pix(1748, 600, 48, english), L_INSERT);
    pixaAddPix(pa, dense_page(), L_INSERT);
    l_uint8 *tiff = NULL;
    size_t tiff_len = 0;
    assert_int_equal(pixaWriteMemMultipageTiff(&tiff, &tiff_len, pa), 0);
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    /* 3 s: the short page takes a tenth of it alone, the dense one (about
     * 9,000 characters) several times more, even on a loaded machine. */
    lx_ocr_opts o = opts("fra+eng");
    o.page_seconds = 3;
    lx_ocr_result r;
    assert_int_equal(lx_ocr_image((const char *)tiff, tiff_len, &o, &out, &r, &why), LX_OK);
    assert_read(&r, 2, 1, 0, 1);
    assert_non_null(strstr(out.buf, "xylophonist"));
    assert_null(strstr(out.buf, "quarterly"));
    assert_string_equal(why.buf, "1 page past the 3 s deadline of a page");
    lept_free(tiff);
    pixaDestroy(&pa);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

static void test_missing_language(void **state)
{
    lx_strbuf png, out, why;
    lx_strbuf_init(&png);
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    page_png(1748, 600, 48, english, &png);
    lx_ocr_opts o = opts("eng+zz_top");
    lx_ocr_result r;
    assert_int_equal(lx_ocr_image(png.buf, png.len, &o, &out, &r, &why), LX_E_NOT_FOUND);
    assert_string_equal(why.buf, "no Tesseract data for the language zz_top: install the Debian "
                                 "package tesseract-ocr-zz-top");
    /* The next request makes its engine again. */
    lx_strbuf_reset(&why);
    o.lang = "eng";
    assert_int_equal(lx_ocr_image(png.buf, png.len, &o, &out, &r, &why), LX_OK);
    assert_non_null(strstr(out.buf, "xylophonist"));
    lx_strbuf_release(&png);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

static void test_wire(void **state)
{
    lx_strbuf word;
    lx_strbuf_init(&word);
    lx_ocr_opts o = opts("fra+eng"), back;
    char lang[LX_OCR_MAX_LANG + 1];
    lx_ocr_kind kind;
    assert_int_equal(lx_ocr_kind_word(LX_OCR_KIND_PDF, &o, &word), LX_OK);
    assert_string_equal(word.buf, "ocr-pdf:fra+eng:300:50:60:40000000");
    assert_int_equal(lx_ocr_kind_parse(word.buf, &kind, &back, lang), LX_OK);
    assert_int_equal(kind, LX_OCR_KIND_PDF);
    assert_string_equal(back.lang, "fra+eng");
    assert_int_equal(back.dpi, 300);
    assert_int_equal(back.max_pages, 50);
    assert_int_equal(back.page_seconds, 60);
    assert_int_equal(back.max_pixels, 40000000);
    assert_true(lx_ocr_kind_is(word.buf));
    assert_false(lx_ocr_kind_is("pdf"));
    lx_strbuf_reset(&word);
    assert_int_equal(lx_ocr_kind_word(LX_OCR_KIND_PROBE_IMAGE, NULL, &word), LX_OK);
    assert_string_equal(word.buf, "probe-image");
    assert_int_equal(lx_ocr_kind_parse("probe-pdf", &kind, &back, lang), LX_OK);
    assert_int_equal(kind, LX_OCR_KIND_PROBE_PDF);
    assert_int_equal(lx_ocr_kind_parse("ocr-image:chi_sim+eng:72:1:1:250000", &kind, &back, lang),
                     LX_OK);
    assert_int_equal(kind, LX_OCR_KIND_IMAGE);
    assert_string_equal(back.lang, "chi_sim+eng");
    /* Strict: every field, in range, no sign, no leading zero, no path. */
    static const char *const bad[] = {
        "ocr-pdf:fra+eng:300:50:60",         "ocr-pdf:fra+eng:300:50:60:40000000:",
        "ocr-pdf:fra++eng:300:50:60:40000000", "ocr-pdf:+eng:300:50:60:40000000",
        "ocr-pdf:../x:300:50:60:40000000",    "ocr-pdf::300:50:60:40000000",
        "ocr-pdf:eng:0300:50:60:40000000",    "ocr-pdf:eng:49:50:60:40000000",
        "ocr-pdf:eng:300:0:60:40000000",      "ocr-pdf:eng:300:50:-1:40000000",
        "ocr-pdf:eng:300:50:60:100000001",    "ocr-pdf:eng:300:50:60:99999999999999999999999",
        "ocr-tiff:eng:300:50:60:40000000",    "probe-pdf:eng",
        "pdf",                                "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (lx_ocr_kind_parse(bad[i], &kind, &back, lang) != LX_E_INVALID)
            fail_msg("kind word accepted: '%s'", bad[i]);
    o.lang = "fra/eng";
    lx_strbuf_reset(&word);
    assert_int_equal(lx_ocr_kind_word(LX_OCR_KIND_IMAGE, &o, &word), LX_E_INVALID);

    /* The answer's header line, both ways. */
    lx_strbuf ans, reason;
    lx_strbuf_init(&ans);
    lx_strbuf_init(&reason);
    lx_ocr_result r = {87, 3, 1, 1, 1}, got;
    assert_int_equal(lx_ocr_header_add(&ans, &r, "1 page past\nthe deadline"), LX_OK);
    lx_strbuf_addstr(&ans, "text\f");
    assert_string_equal(ans.buf, "ocr 87 3 1 1 1 1 page past the deadline\ntext\f");
    size_t at;
    assert_int_equal(lx_ocr_header_parse(ans.buf, ans.len, &got, &reason, &at), LX_OK);
    assert_int_equal(got.confidence, 87);
    assert_int_equal(got.pages, 3);
    assert_int_equal(got.pages_read, 1);
    assert_int_equal(got.pages_text, 1);
    assert_int_equal(got.pages_skipped, 1);
    assert_string_equal(reason.buf, "1 page past the deadline");
    assert_string_equal(ans.buf + at, "text\f");
    lx_strbuf_reset(&ans);
    lx_ocr_result none = {-1, 1, 0, 1, 0};
    assert_int_equal(lx_ocr_header_add(&ans, &none, "not said: nothing skipped"), LX_OK);
    assert_string_equal(ans.buf, "ocr -1 1 0 1 0\n");
    lx_strbuf_reset(&reason);
    assert_int_equal(lx_ocr_header_parse(ans.buf, ans.len, &got, &reason, &at), LX_OK);
    assert_int_equal(got.confidence, -1);
    assert_int_equal(at, ans.len);
    assert_string_equal(reason.buf, "");
    static const char *const bad_headers[] = {
        "ocr 101 1 1 0 0\n", "ocr -2 1 1 0 0\n", "ocr 50 1 2 0 0\n", "ocr 50 1 1 0\n",
        "ocr 50 1 1 0 0",    "ocr 50 1 1 0 0x\n", "OCR 50 1 1 0 0\n", "ocr 50  1 1 0 0\n",
        "ocr 05 1 1 0 0\n",  "text\n",
    };
    for (size_t i = 0; i < sizeof bad_headers / sizeof *bad_headers; i++)
        if (lx_ocr_header_parse(bad_headers[i], strlen(bad_headers[i]), &got, NULL, &at) !=
            LX_E_PARSE)
            fail_msg("header accepted: '%s'", bad_headers[i]);
    lx_strbuf_reset(&ans);
    lx_ocr_probe_result p = {2480, 3508, 4, 3}, pgot;
    assert_int_equal(lx_ocr_probe_header_add(&ans, &p), LX_OK);
    assert_string_equal(ans.buf, "probe 2480 3508 4 3\n");
    size_t pat = 0;
    assert_int_equal(lx_ocr_probe_header_parse(ans.buf, ans.len, &pgot, &pat), LX_OK);
    assert_memory_equal(&p, &pgot, sizeof p);
    assert_int_equal(pat, ans.len);
    assert_int_equal(lx_ocr_probe_header_parse("probe 1 1 1 2\n", 14, &pgot, &pat), LX_E_PARSE);
    assert_int_equal(lx_ocr_probe_header_parse("probe 1 1 1 1", 13, &pgot, &pat), LX_E_PARSE);
    /* A PDF's probe: its text after the line. */
    assert_int_equal(lx_ocr_probe_header_parse("probe 0 0 2 1\nx\ny", 17, &pgot, &pat), LX_OK);
    assert_int_equal(pat, 14);
    assert_int_equal(pgot.pages, 2);
    assert_int_equal(pgot.scanned, 1);
    lx_strbuf_release(&word);
    lx_strbuf_release(&ans);
    lx_strbuf_release(&reason);
}

/* Through the indexer's own long-lived helper process: the protocol, the
 * header line, a probe, a failure's reason. */
static void test_helper_process(void **state)
{
    const char *program = getenv("LEAKDEX_INDEX");
    if (!program || !*program)
        fail_msg("LEAKDEX_INDEX (the leakdex-index binary) is not set; ctest sets it");
    lx_helper *h = lx_helper_new(program);
    assert_non_null(h);
    lx_strbuf png, word, out, why, reason;
    lx_strbuf_init(&png);
    lx_strbuf_init(&word);
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    lx_strbuf_init(&reason);
    page_png(1748, 600, 48, french, &png);
    lx_ocr_opts o = opts("fra+eng");
    assert_int_equal(lx_ocr_kind_word(LX_OCR_KIND_IMAGE, &o, &word), LX_OK);
    lx_sandbox_limits lim = {120, LX_ATTACH_HELPER_MEMORY, 1 << 20};
    assert_int_equal(lx_helper_run(h, word.buf, png.buf, png.len, &lim, &out, &why), LX_SANDBOX_OK);
    lx_ocr_result r;
    size_t at;
    assert_int_equal(lx_ocr_header_parse(out.buf, out.len, &r, &reason, &at), LX_OK);
    assert_read(&r, 1, 1, 0, 0);
    const char *words[] = {"budget", "prévisionnel", "Élysée", NULL};
    assert_words_in_order(out.buf + at, words);
    /* A probe, on the same helper. */
    lx_strbuf_reset(&out);
    assert_int_equal(lx_helper_run(h, "probe-image", png.buf, png.len, &lim, &out, &why),
                     LX_SANDBOX_OK);
    assert_string_equal(out.buf, "probe 1748 600 1 1\n");
    /* A language without data: the helper's one-line reason. */
    lx_strbuf_reset(&out);
    lx_strbuf_reset(&word);
    o.lang = "zz";
    assert_int_equal(lx_ocr_kind_word(LX_OCR_KIND_IMAGE, &o, &word), LX_OK);
    assert_int_equal(lx_helper_run(h, word.buf, png.buf, png.len, &lim, &out, &why),
                     LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "no Tesseract data for the language zz: install the Debian "
                                 "package tesseract-ocr-zz");
    lx_strbuf_reset(&why);
    assert_int_equal(lx_helper_run(h, "ocr-image:eng", png.buf, png.len, &lim, &out, &why),
                     LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "unknown OCR request 'ocr-image:eng'");
    lx_helper_free(h);
    lx_strbuf_release(&png);
    lx_strbuf_release(&word);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    lx_strbuf_release(&reason);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire),
        cmocka_unit_test(test_png_french),
        cmocka_unit_test(test_tiff_two_pages_and_jpeg),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_images_not_read),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_missing_language),
        cmocka_unit_test(test_helper_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
