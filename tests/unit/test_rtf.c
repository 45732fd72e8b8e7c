/* test_rtf.c - the RTF reader: tables, code pages, deep and long documents. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rtf.h"
#include "utf8.h"

static void test_rtf_table(void **state)
{
    static const struct {
        const char *rtf;
        const char *text;
    } cases[] = {
        {"{\\rtf1\\ansi Hello\\par World}", "Hello\nWorld"},
        /* \'hh in the code page; \ansicpg changes it. */
        {"{\\rtf1\\ansi caf\\'e9}", "café"},
        {"{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8}", "При"},
        /* \uN with its fallback skipped (\uc1 by default, \uc2 here). */
        {"{\\rtf1 pr\\u233?fet}", "préfet"},
        {"{\\rtf1\\uc2 a\\u8212??b}", "a—b"},
        /* A surrogate pair, as Word writes characters past U+FFFF. */
        {"{\\rtf1 \\u-10179?\\u-8704?}", "😀"},
        /* Destinations that are not text. */
        {"{\\rtf1{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0;}{\\*\\generator X;}Text}", "Text"},
        {"{\\rtf1{\\info{\\title T}}{\\pict 0102}{\\*\\unknown u}ok}", "ok"},
        /* Fields: the result, not the instruction. */
        {"{\\rtf1{\\field{\\*\\fldinst HYPERLINK x}{\\fldrslt link}}}", "link"},
        /* Escaped braces and backslashes; tabs and cells. */
        {"{\\rtf1 a\\{b\\}c\\\\d\\tab e\\cell f}", "a{b}c\\d\te\tf"},
        /* Unbalanced braces and a cut control word. */
        {"}}}{\\rtf1 x}}}{{{y", "xy"},
        {"{\\rtf1 end\\", "end"},
        {"{\\rtf1 bad hex \\'zz ok}", "bad hex zz ok"},
        /* \bin skips binary data. */
        {"{\\rtf1 a\\bin3 \xff\x00\xfe b}", "a b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf out;
        lx_strbuf_init(&out);
        size_t len = strlen(cases[i].rtf);
        if (strstr(cases[i].rtf, "\\bin3"))
            len = strlen("{\\rtf1 a\\bin3 ") + 3 + strlen(" b}");
        assert_int_equal(lx_rtf_text(cases[i].rtf, len, 1000, &out), LX_OK);
        assert_string_equal(out.buf, cases[i].text);
        lx_strbuf_release(&out);
    }
}

static void test_rtf_deep_and_long(void **state)
{
    /* Nesting far past the limit, and text past the bound: no crash, valid
     * UTF-8, bounded output. */
    lx_strbuf in, out;
    lx_strbuf_init(&in);
    lx_strbuf_init(&out);
    for (int i = 0; i < 100000; i++)
        lx_strbuf_addch(&in, '{');
    lx_strbuf_addstr(&in, "deep\\'ff");
    for (int i = 0; i < 100000; i++)
        lx_strbuf_addch(&in, '}');
    for (int i = 0; i < 10000; i++)
        lx_strbuf_addstr(&in, "word ");
    assert_int_equal(lx_rtf_text(in.buf, in.len, 100, &out), LX_OK);
    assert_true(lx_utf8_valid(out.buf, out.len));
    assert_true(out.len < 200);
    assert_int_equal(strncmp(out.buf, "deepÿ", strlen("deepÿ")), 0);
    lx_strbuf_release(&in);
    lx_strbuf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rtf_table),
        cmocka_unit_test(test_rtf_deep_and_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
