/* test_tnef.c - the TNEF (winmail.dat) reader: its files and body text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tnef.h"

/* A TNEF attribute: level, id, length, data, checksum. */
static void attr(lx_strbuf *sb, unsigned level, uint32_t id, const char *data, size_t n)
{
    unsigned char h[9] = {
        (unsigned char)level,      (unsigned char)id,         (unsigned char)(id >> 8),
        (unsigned char)(id >> 16), (unsigned char)(id >> 24), (unsigned char)n,
        (unsigned char)(n >> 8),   (unsigned char)(n >> 16),  (unsigned char)(n >> 24)};
    lx_strbuf_add(sb, h, 9);
    lx_strbuf_add(sb, data, n);
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)data[i];
    unsigned char c[2] = {(unsigned char)sum, (unsigned char)(sum >> 8)};
    lx_strbuf_add(sb, c, 2);
}

typedef struct files {
    char names[4][32];
    char data[4][32];
    size_t n;
} files;

static int on_file(void *ctx, const char *title, const char *data, size_t len)
{
    files *f = ctx;
    if (f->n < 4) {
        snprintf(f->names[f->n], sizeof f->names[0], "%s", title);
        snprintf(f->data[f->n], sizeof f->data[0], "%.*s", (int)len, data);
    }
    f->n++;
    return 0;
}

static void test_tnef(void **state)
{
    lx_strbuf t, body, why;
    lx_strbuf_init(&t);
    lx_strbuf_init(&body);
    lx_strbuf_init(&why);
    lx_strbuf_add(&t, "\x78\x9f\x3e\x22\x01\x00", 6);
    attr(&t, 1, 0x0002800C, "the body\0", 9);
    attr(&t, 2, 0x00069002, "\x01\x00", 2);
    attr(&t, 2, 0x00018010, "a.txt\0", 6);
    attr(&t, 2, 0x0006800F, "AAA", 3);
    attr(&t, 2, 0x00069002, "\x01\x00", 2);
    attr(&t, 2, 0x00018010, "b.txt\0", 6);
    attr(&t, 2, 0x0006800F, "BB", 2);
    files f;
    memset(&f, 0, sizeof f);
    assert_int_equal(lx_tnef_each(t.buf, t.len, on_file, &f, &body, NULL, &why), LX_OK);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.names[0], "a.txt");
    assert_string_equal(f.data[0], "AAA");
    assert_string_equal(f.names[1], "b.txt");
    assert_string_equal(f.data[1], "BB");
    assert_string_equal(body.buf, "the body");
    /* Cut short inside the second file's data: the first is still read. */
    memset(&f, 0, sizeof f);
    lx_strbuf_reset(&body);
    assert_int_equal(lx_tnef_each(t.buf, t.len - 4, on_file, &f, &body, NULL, &why), LX_E_PARSE);
    assert_int_equal(f.n, 1);
    assert_string_equal(why.buf, "TNEF cut short in an attribute");
    /* Not TNEF at all; a length that points past the end. */
    lx_strbuf_reset(&why);
    assert_int_equal(lx_tnef_each("PK\3\4xxxx", 8, on_file, &f, NULL, NULL, &why), LX_E_PARSE);
    lx_strbuf_reset(&t);
    lx_strbuf_add(&t, "\x78\x9f\x3e\x22\x01\x00\x02\x0f\x80\x06\x00\xff\xff\xff\xff", 15);
    memset(&f, 0, sizeof f);
    assert_int_equal(lx_tnef_each(t.buf, t.len, on_file, &f, NULL, NULL, &why), LX_E_PARSE);
    assert_int_equal(f.n, 0);
    lx_strbuf_release(&t);
    lx_strbuf_release(&body);
    lx_strbuf_release(&why);
}

/* The RTF body in the message's MAPI properties (attMsgProps): a named
 * property and a string before it are stepped over, PR_RTF_COMPRESSED is
 * decompressed (MS-OXRTFCP's example); a cut property list is told and
 * ends nothing. */
static void test_tnef_rtf(void **state)
{
    (void)state;
    static const unsigned char rtf_example[] = {
        0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1,
        0xc5, 0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32,
        0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62,
        0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0};
    lx_strbuf props, t, rtf, why;
    lx_strbuf_init(&props);
    lx_strbuf_init(&t);
    lx_strbuf_init(&rtf);
    lx_strbuf_init(&why);
    /* 3 properties: PR_SUBJECT (PT_STRING8, 1 value of 5 bytes, padded to
     * 8), a named PT_LONG (GUID, kind 0, id), PR_RTF_COMPRESSED (49 bytes,
     * padded to 52). */
    lx_strbuf_add(&props, "\x03\x00\x00\x00", 4);
    lx_strbuf_add(&props, "\x1e\x00\x37\x00\x01\x00\x00\x00\x05\x00\x00\x00hello\0\0\0", 20);
    lx_strbuf_add(&props, "\x03\x00\x01\x80", 4);
    lx_strbuf_add(&props, "0123456789abcdef\x00\x00\x00\x00\x07\x00\x00\x00", 24);
    lx_strbuf_add(&props, "\x2a\x00\x00\x00", 4);
    lx_strbuf_add(&props, "\x02\x01\x09\x10\x01\x00\x00\x00\x31\x00\x00\x00", 12);
    lx_strbuf_add(&props, rtf_example, sizeof rtf_example);
    lx_strbuf_add(&props, "\0\0\0", 3);
    lx_strbuf_add(&t, "\x78\x9f\x3e\x22\x01\x00", 6);
    attr(&t, 1, 0x00069003, props.buf, props.len);
    files f;
    memset(&f, 0, sizeof f);
    assert_int_equal(lx_tnef_each(t.buf, t.len, on_file, &f, NULL, &rtf, &why), LX_OK);
    assert_string_equal(rtf.buf, "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n");
    assert_string_equal(why.buf, "");
    /* The same list cut inside the RTF value. */
    lx_strbuf_reset(&t);
    lx_strbuf_reset(&rtf);
    lx_strbuf_add(&t, "\x78\x9f\x3e\x22\x01\x00", 6);
    attr(&t, 1, 0x00069003, props.buf, props.len - 20);
    assert_int_equal(lx_tnef_each(t.buf, t.len, on_file, &f, NULL, &rtf, &why), LX_OK);
    assert_int_equal(rtf.len, 0);
    assert_string_equal(why.buf, "TNEF message properties cut short or damaged");
    lx_strbuf_release(&props);
    lx_strbuf_release(&t);
    lx_strbuf_release(&rtf);
    lx_strbuf_release(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tnef),
        cmocka_unit_test(test_tnef_rtf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
