/* test_lzfu.c - compressed RTF (MS-OXRTFCP): LZFu and MELA, CRC, and damaged input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "caps.h"
#include "lzfu.h"

/* MS-OXRTFCP 4.1's example: its CRC (a7c7c5f1) matches its bytes. */
static const unsigned char spec_example[] = {
    0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1,
    0xc5, 0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32,
    0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62,
    0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0};
static const char spec_text[] = "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n";

typedef struct result {
    lx_status st;
    bool crc_ok;
    lx_strbuf out, why;
} result;

static void run(result *r, const void *data, size_t len)
{
    lx_strbuf_init(&r->out);
    lx_strbuf_init(&r->why);
    r->st = lx_lzfu_decompress(data, len, &r->out, &r->crc_ok, &r->why);
}

static void done(result *r)
{
    lx_strbuf_release(&r->out);
    lx_strbuf_release(&r->why);
}

/* A header and tokens: compressed size counts 12 header bytes. */
static size_t make(unsigned char *buf, const char *magic, uint32_t raw, uint32_t crc,
                   const unsigned char *tokens, size_t n)
{
    uint32_t comp = (uint32_t)n + 12;
    uint32_t v[2] = {comp, raw};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 4; k++)
            buf[i * 4 + k] = (unsigned char)(v[i] >> (8 * k));
    memcpy(buf + 8, magic, 4);
    for (int k = 0; k < 4; k++)
        buf[12 + k] = (unsigned char)(crc >> (8 * k));
    memcpy(buf + 16, tokens, n);
    return 16 + n;
}

static void test_spec_example(void **state)
{
    (void)state;
    result r;
    run(&r, spec_example, sizeof spec_example);
    assert_int_equal(r.st, LX_OK);
    assert_true(r.crc_ok);
    assert_int_equal(r.out.len, 43);
    assert_memory_equal(r.out.buf, spec_text, 43);
    assert_string_equal(r.why.buf, "");
    done(&r);
}

/* References into the ring's preloaded RTF prefix, and one that overlaps
 * the bytes it writes (a run). CRCs computed apart (a Python CRC-32 from 0,
 * no final inversion). */
static void test_references(void **state)
{
    (void)state;
    unsigned char buf[64];
    /* control 0x03: a reference to offset 0, length 6 ("{\rtf1"), then the
     * end marker (a reference to the write position, 213). */
    const unsigned char pre[] = {0x03, 0x00, 0x04, 0x0d, 0x50};
    result r;
    run(&r, buf, make(buf, "LZFu", 6, 0x9e6cfdb5u, pre, sizeof pre));
    assert_int_equal(r.st, LX_OK);
    assert_true(r.crc_ok);
    assert_int_equal(r.out.len, 6);
    assert_memory_equal(r.out.buf, "{\\rtf1", 6);
    done(&r);
    /* A literal 'A', then 5 bytes from where it was written (207). */
    const unsigned char run6[] = {0x06, 0x41, 0x0c, 0xf3, 0x0d, 0x50};
    run(&r, buf, make(buf, "LZFu", 6, 0, run6, sizeof run6));
    assert_int_equal(r.st, LX_OK);
    assert_false(r.crc_ok);
    assert_string_equal(r.why.buf, "compressed RTF: CRC mismatch");
    assert_int_equal(r.out.len, 6);
    assert_memory_equal(r.out.buf, "AAAAAA", 6);
    done(&r);
    /* A reference past the prefix, where nothing was written (and one that
     * wraps the ring's end): zeros, never memory outside the ring. */
    const unsigned char far[] = {0x03, 0xff, 0xf1, 0x0d, 0x00};
    run(&r, buf, make(buf, "LZFu", 3, 0, far, sizeof far));
    assert_int_equal(r.st, LX_OK);
    assert_int_equal(r.out.len, 3);
    assert_memory_equal(r.out.buf, "\0{\\", 3);
    done(&r);
}

static void test_stored(void **state)
{
    (void)state;
    unsigned char buf[64];
    result r;
    run(&r, buf, make(buf, "MELA", 11, 0, (const unsigned char *)"{\\rtf1 hi}X", 11));
    assert_int_equal(r.st, LX_OK);
    assert_true(r.crc_ok);
    assert_int_equal(r.out.len, 11);
    assert_memory_equal(r.out.buf, "{\\rtf1 hi}X", 11);
    done(&r);
    /* Declared longer than the bytes: what is there, and the reason. */
    run(&r, buf, make(buf, "MELA", 40, 0, (const unsigned char *)"{\\rtf1 hi}X", 11));
    assert_int_equal(r.st, LX_E_PARSE);
    assert_string_equal(r.why.buf, "stored RTF cut short");
    assert_int_equal(r.out.len, 11);
    done(&r);
}

static void test_damaged(void **state)
{
    (void)state;
    result r;
    /* Cut inside the tokens: the text before the cut, and the reason. */
    run(&r, spec_example, 30);
    assert_int_equal(r.st, LX_E_PARSE);
    assert_string_equal(r.why.buf, "compressed RTF cut short");
    assert_true(r.out.len > 0 && r.out.len < 43);
    assert_memory_equal(r.out.buf, spec_text, r.out.len);
    done(&r);
    for (size_t cut = 0; cut < sizeof spec_example; cut++) {
        run(&r, spec_example, cut);
        assert_int_equal(r.st, LX_E_PARSE);
        assert_true(r.out.len <= 43);
        done(&r);
    }
    /* A wrong CRC: the text all the same, the mismatch told. */
    unsigned char bad[sizeof spec_example];
    memcpy(bad, spec_example, sizeof bad);
    bad[12] ^= 1;
    run(&r, bad, sizeof bad);
    assert_int_equal(r.st, LX_OK);
    assert_false(r.crc_ok);
    assert_string_equal(r.why.buf, "compressed RTF: CRC mismatch");
    assert_int_equal(r.out.len, 43);
    assert_memory_equal(r.out.buf, spec_text, 43);
    done(&r);
    /* A raw size smaller than the text: no more than it says. */
    memcpy(bad, spec_example, sizeof bad);
    bad[4] = 10;
    run(&r, bad, sizeof bad);
    assert_int_equal(r.st, LX_OK);
    assert_int_equal(r.out.len, 10);
    assert_memory_equal(r.out.buf, spec_text, 10);
    done(&r);
    /* A raw size past the cap, with an end marker before it: the text. */
    bad[4] = bad[5] = bad[6] = bad[7] = 0xff;
    run(&r, bad, sizeof bad);
    assert_int_equal(r.st, LX_OK);
    assert_int_equal(r.out.len, 43);
    done(&r);
    /* Neither magic. */
    memcpy(bad, spec_example, sizeof bad);
    bad[8] = 'X';
    run(&r, bad, sizeof bad);
    assert_int_equal(r.st, LX_E_PARSE);
    assert_string_equal(r.why.buf, "not compressed RTF (no LZFu or MELA signature)");
    assert_int_equal(r.out.len, 0);
    done(&r);
}

/* A run of references making more than LX_LZFU_MAX_BYTES: cut there. */
static void test_cap(void **state)
{
    (void)state;
    size_t refs = LX_LZFU_MAX_BYTES / 17 + 16;
    size_t n = refs / 8 * 17;
    unsigned char *tokens = malloc(n);
    assert_non_null(tokens);
    size_t wpos = 207;
    for (size_t i = 0; i < n; i += 17) {
        tokens[i] = 0xff;
        for (size_t k = 0; k < 8; k++) {
            /* 17 bytes from anywhere but the write position (the end). */
            size_t ref = (wpos + 17) % 4096 << 4 | 15;
            tokens[i + 1 + 2 * k] = (unsigned char)(ref >> 8);
            tokens[i + 2 + 2 * k] = (unsigned char)ref;
            wpos = (wpos + 17) % 4096;
        }
    }
    unsigned char *buf = malloc(n + 16);
    assert_non_null(buf);
    result r;
    run(&r, buf, make(buf, "LZFu", 0xffffffffu, 0, tokens, n));
    assert_int_equal(r.st, LX_E_LIMIT);
    assert_int_equal(r.out.len, LX_LZFU_MAX_BYTES);
    done(&r);
    free(tokens);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_example), cmocka_unit_test(test_references),
        cmocka_unit_test(test_stored),       cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
