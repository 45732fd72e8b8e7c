/* test_charset.c - decoding every charset, guessing, arbitrary bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "charset.h"
#include "textfold.h"
#include "utf8.h"

static void test_decode_table(void **state)
{
    static const struct {
        const char *label;
        const char *bytes;
        size_t len; /* 0: strlen */
        const char *text;
        const char *used;
        size_t replaced;
    } cases[] = {
        {"UTF-8", "\xc3\xa9t\xc3\xa9", 0, "été", "UTF-8", 0},
        {"utf8", "\xc3\xa9t\xc3\xa9", 0, "été", "UTF-8", 0},
        {"ISO-8859-1", "\x80 \x93q\x94 \x9c", 0, "€ “q” œ", "WINDOWS-1252", 0},
        {"us-ascii", "caf\xe9", 0, "café", "WINDOWS-1252", 0},
        {"ISO-8859-15", "\xa4", 0, "€", "ISO-8859-15", 0},
        {"windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", 0, "Привет", "WINDOWS-1251", 0},
        {"KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4", 0, "Привет", "KOI8-R", 0},
        {"ISO-8859-7", "\xe1\xe8\xde\xed\xe1", 0, "αθήνα", "ISO-8859-7", 0},
        {"GB2312", "\xb1\xb1\xbe\xa9", 0, "北京", "GB18030", 0},
        {"Big5", "\xa5\x78\xa5\x5f", 0, "台北", "BIG5-HKSCS", 0},
        {"Shift_JIS", "\x93\x8c\x8b\x9e", 0, "東京", "CP932", 0},
        {"EUC-JP", "\xc5\xec\xb5\xfe", 0, "東京", "EUC-JP", 0},
        {"ISO-2022-JP", "\x1b$BEl5~\x1b(B", 0, "東京", "ISO-2022-JP-2", 0},
        {"EUC-KR", "\xbc\xad\xbf\xef", 0, "서울", "CP949", 0},
        {"UTF-7", "caf+AOk-", 0, "café", "UTF-7", 0},
        {"UTF-16",
         "\xff\xfe"
         "c\0a\0f\0\xe9\0",
         10, "café", "UTF-16", 0},
        {"UTF-16BE", "\0c\0a\0f\0\xe9", 8, "café", "UTF-16BE", 0},
        {"UTF-16LE",
         "\xff\xfe"
         "c\0",
         4, "c", "UTF-16LE", 0},
        {"UTF-32LE", "c\0\0\0\xe9\0\0\0", 8, "cé", "UTF-32LE", 0},
        /* No label: UTF-8 when the bytes are UTF-8. */
        {"", "d\xc3\xa9j\xc3\xa0", 0, "déjà", "UTF-8", 0},
        {NULL, "plain ascii", 0, "plain ascii", "UTF-8", 0},
        /* An unknown label with UTF-8 bytes. */
        {"x-unknown-charset", "caf\xc3\xa9", 0, "café", "UTF-8", 0},
        /* A single-byte label on valid multi-byte UTF-8: the label lies. */
        {"ISO-8859-1", "caf\xc3\xa9", 0, "café", "UTF-8", 0},
        /* A UTF-8 label on bytes that are not UTF-8. */
        {"UTF-8",
         "Le pr\xe9sident a d\xe9"
         "clar\xe9 que la r\xe9"
         "forme des retraites serait "
         "pr\xe9sent\xe9"
         "e au conseil des ministres en f\xe9vrier, apr\xe8s une "
         "concertation avec les syndicats et le patronat.",
         0,
         "Le président a déclaré que la réforme des retraites serait présentée au conseil "
         "des ministres en février, après une concertation avec les syndicats et le patronat.",
         NULL, 0},
        /* Bytes no charset explains: replaced and counted. */
        {"windows-1252", "a\x81z", 0, "a\xEF\xBF\xBDz", "WINDOWS-1252", 1},
        {"UTF-8",
         "D\xc3\xa9j\xc3\xa0 vu, l'\xc3\xa9t\xc3\xa9 \xc3\xa0 Orl\xc3\xa9"
         "ans, \xff fini",
         0, "Déjà vu, l'été à Orléans, \xEF\xBF\xBD fini", "UTF-8", 1},
        {"Shift_JIS",
         "\x93\x8c\x8b\x9e\x93\x8c\x8b\x9e\x93\x8c\x8b\x9e\x93\x8c\x8b\x9e"
         "\x93\x8c\x8b\x9e\x93\x8c\x8b\x9e\x93",
         0, "東京東京東京東京東京東京\xEF\xBF\xBD", "CP932", 1},
        /* A NUL byte is replaced too. */
        {"windows-1252", "a\0b", 3,
         "a\xEF\xBF\xBD"
         "b",
         "WINDOWS-1252", 1},
        /* A BOM is dropped. */
        {"UTF-8", "\xef\xbb\xbfhi", 0, "hi", "UTF-8", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf out;
        lx_strbuf_init(&out);
        lx_charset_info info;
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].bytes);
        assert_int_equal(lx_charset_decode(&out, cases[i].label, cases[i].bytes, len, &info),
                         LX_OK);
        if (strcmp(out.buf, cases[i].text) != 0)
            fail_msg("case %zu (%s): got '%s' want '%s' (used %s)", i,
                     cases[i].label ? cases[i].label : "(none)", out.buf, cases[i].text, info.used);
        if (cases[i].used && strcmp(info.used, cases[i].used) != 0)
            fail_msg("case %zu (%s): used %s, want %s", i, cases[i].label, info.used,
                     cases[i].used);
        if (info.replaced != cases[i].replaced)
            fail_msg("case %zu: replaced %zu, want %zu", i, info.replaced, cases[i].replaced);
        assert_true(lx_utf8_valid(out.buf, out.len));
        lx_strbuf_release(&out);
    }
}

/* Property: whatever the bytes and the label, the output is valid UTF-8 and
 * the call returns. A fixed seed keeps failures reproducible. */
/* Windows code pages (as Outlook stores them) to labels lx_charset_decode
 * reads, and each label read back on a sample. */
static void test_codepage(void **state)
{
    (void)state;
    static const struct {
        long cp;
        const char *name;
    } table[] = {
        {1252, "WINDOWS-1252"}, {1250, "WINDOWS-1250"}, {1258, "WINDOWS-1258"},
        {932, "CP932"},         {936, "CP936"},         {949, "CP949"},
        {950, "CP950"},         {874, "CP874"},         {437, "CP437"},
        {65001, "UTF-8"},       {1200, "UTF-16LE"},     {1201, "UTF-16BE"},
        {20127, "US-ASCII"},    {28591, "ISO-8859-1"},  {28592, "ISO-8859-2"},
        {28599, "ISO-8859-9"},  {28603, "ISO-8859-13"}, {28605, "ISO-8859-15"},
        {20866, "KOI8-R"},      {21866, "KOI8-U"},      {50220, "ISO-2022-JP"},
        {51932, "EUC-JP"},      {54936, "GB18030"},     {10000, "MACINTOSH"},
        {0, ""},                {-1, ""},               {65536, ""},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char name[LX_CHARSET_NAME_MAX];
        lx_charset_codepage(table[i].cp, name);
        assert_string_equal(name, table[i].name);
    }
    /* Each label is one iconv reads: "é" is E9 in windows-1252 and E9 00 in
     * UTF-16LE, "あ" 82 A0 in cp932, "ą" B1 in ISO-8859-2. */
    static const struct {
        long cp;
        const char *bytes;
        size_t len;
        const char *utf8;
    } samples[] = {
        {1252, "caf\xE9", 4, "caf\xC3\xA9"},
        {1200, "c\0a\0f\0\xE9\0", 8, "caf\xC3\xA9"},
        {932, "\x82\xA0", 2, "\xE3\x81\x82"},
        {28592, "\xB1", 1, "\xC4\x85"},
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char name[LX_CHARSET_NAME_MAX];
        lx_charset_codepage(samples[i].cp, name);
        lx_strbuf out;
        lx_strbuf_init(&out);
        lx_charset_info info;
        assert_int_equal(lx_charset_decode(&out, name, samples[i].bytes, samples[i].len, &info),
                         LX_OK);
        assert_string_equal(out.buf, samples[i].utf8);
        assert_false(info.guessed);
        lx_strbuf_release(&out);
    }
}

static void test_arbitrary_bytes(void **state)
{
    static const char *const labels[] = {
        NULL,     "",           "UTF-8",      "UTF-16",     "UTF-16LE",     "UTF-32",
        "UTF-7",  "ISO-8859-1", "ISO-8859-6", "ISO-8859-8", "windows-1252", "windows-1258",
        "KOI8-U", "GB18030",    "Big5",       "Shift_JIS",  "EUC-JP",       "ISO-2022-JP",
        "EUC-KR", "x-nonsense", "\"utf-8\"",  "TIS-620"};
    unsigned seed = 12345;
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(rand_r(&seed) % sizeof buf);
        for (size_t k = 0; k < len; k++)
            buf[k] = (char)(rand_r(&seed) & 0xff);
        /* Now and then, mostly-ASCII text with a few high bytes. */
        if (round % 3 == 0)
            for (size_t k = 0; k < len; k++)
                if (rand_r(&seed) % 8)
                    buf[k] = (char)('a' + rand_r(&seed) % 26);
        const char *label = labels[round % (sizeof labels / sizeof labels[0])];
        lx_strbuf out, nfc, folded;
        lx_strbuf_init(&out);
        lx_strbuf_init(&nfc);
        lx_strbuf_init(&folded);
        lx_charset_info info;
        assert_int_equal(lx_charset_decode(&out, label, buf, len, &info), LX_OK);
        if (!lx_utf8_valid(out.buf, out.len))
            fail_msg("round %d label %s: invalid UTF-8 out", round, label ? label : "(none)");
        assert_int_equal(lx_textfold_nfc(&nfc, out.buf, out.len), LX_OK);
        assert_true(lx_utf8_valid(nfc.buf, nfc.len));
        assert_int_equal(lx_textfold_search(&folded, out.buf, out.len), LX_OK);
        assert_true(lx_utf8_valid(folded.buf, folded.len));
        lx_strbuf_release(&out);
        lx_strbuf_release(&nfc);
        lx_strbuf_release(&folded);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_arbitrary_bytes),
        cmocka_unit_test(test_codepage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
