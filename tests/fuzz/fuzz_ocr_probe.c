/* fuzz_ocr_probe.c - hostile images read as OCR would, without Tesseract:
 * the first byte picks the header probe, the decoding of every page (size
 * checks, decode, grey, scaling), or the OCR wire's parsers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parsed kind word is written back byte for byte: the parser takes only
 * what the writer writes. */
static void check_kind_word(const char *in, size_t n)
{
    char *word = malloc(n + 1);
    if (!word)
        return;
    memcpy(word, in, n);
    word[n] = '\0';
    lx_ocr_kind kind;
    lx_ocr_opts o;
    char lang[LX_OCR_MAX_LANG + 1];
    if (strlen(word) == n && lx_ocr_kind_parse(word, &kind, &o, lang) == LX_OK) {
        lx_strbuf back;
        lx_strbuf_init(&back);
        if (lx_ocr_kind_word(kind, &o, &back) != LX_OK || strcmp(back.buf, word) != 0)
            abort();
        lx_strbuf_release(&back);
    }
    free(word);
}

static void check_headers(const char *in, size_t n)
{
    lx_ocr_result r;
    lx_strbuf reason;
    lx_strbuf_init(&reason);
    size_t at;
    if (lx_ocr_header_parse(in, n, &r, &reason, &at) == LX_OK &&
        (at > n || in[at - 1] != '\n' || r.pages_read + r.pages_text + r.pages_skipped > r.pages ||
         r.confidence < -1 || r.confidence > 100))
        abort();
    lx_strbuf_release(&reason);
    lx_ocr_probe_result p;
    size_t pat;
    if (lx_ocr_probe_header_parse(in, n, &p, &pat) == LX_OK &&
        (p.scanned > p.pages || p.width < 0 || pat > n || in[pat - 1] != '\n'))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    lx_strbuf why;
    lx_strbuf_init(&why);
    switch (data[0] % 3) {
    case 0: {
        lx_ocr_probe_result p;
        lx_status st = lx_ocr_probe(false, in, n, &p, NULL, &why);
        if (st != LX_OK && st != LX_E_PARSE)
            abort();
        if (st == LX_OK && (p.pages < 1 || p.scanned > p.pages))
            abort();
        break;
    }
    case 1: {
        lx_ocr_opts o;
        lx_ocr_opts_default(&o);
        /* Small pages: the fuzzer's time goes to the decoders, not to scaling. */
        o.max_pixels = LX_OCR_MIN_PIXELS * 4;
        o.max_pages = 4;
        lx_ocr_result r;
        lx_status st = lx_ocr_image_decode(in, n, &o, &r, &why);
        if (st != LX_OK && st != LX_E_PARSE)
            abort();
        if (st == LX_OK && (r.pages_read + r.pages_skipped > r.pages || r.pages_read > o.max_pages))
            abort();
        break;
    }
    case 2:
        check_kind_word(in, n);
        check_headers(in, n);
        break;
    }
    lx_strbuf_release(&why);
    return 0;
}
