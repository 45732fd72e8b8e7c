/* test_escape.c - JSON and CSV quoting, and text made safe for a terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "escape.h"
#include "utf8.h"
#include "banned.h"

static void test_escape(void **state)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    assert_int_equal(lx_escape_json(&sb, "a\"b\\c\nd\x01é", 10), LX_OK);
    assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\nd\\u0001é\"");
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_json(&sb, "x\xff", 2), LX_OK);
    assert_string_equal(sb.buf, "\"x\xEF\xBF\xBD\"");
    static const struct {
        const char *in, *out;
    } csv[] = {{"plain", "plain"},
               {"a,b", "\"a,b\""},
               {"say \"hi\"", "\"say \"\"hi\"\"\""},
               {"two\nlines", "\"two\nlines\""},
               {" lead", "\" lead\""},
               {"\"", "\"\"\"\""},
               {"\"edge\"", "\"\"\"edge\"\"\""},
               {"", ""},
               /* Formulas to a spreadsheet: a quote in front, quoted. */
               {"=1+2", "\"'=1+2\""},
               {"+33 1 23", "\"'+33 1 23\""},
               {"-2", "\"'-2\""},
               {"@SUM(A1)", "\"'@SUM(A1)\""},
               {"\t=1", "\"'\t=1\""},
               {"\r=1", "\"'\r=1\""},
               {"=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""},
               {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
               {"=", "\"'=\""},
               /* Only the first character counts. */
               {"a=1", "a=1"},
               {"1-2", "1-2"},
               {"x@y", "x@y"},
               {"'=1", "'=1"}};
    for (size_t i = 0; i < sizeof csv / sizeof csv[0]; i++) {
        lx_strbuf_reset(&sb);
        assert_int_equal(lx_escape_csv(&sb, csv[i].in, strlen(csv[i].in)), LX_OK);
        assert_string_equal(sb.buf, csv[i].out);
    }
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_csv_quoted(&sb, "-1", 2), LX_OK);
    assert_string_equal(sb.buf, "\"'-1\"");
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_csv_quoted(&sb, "171e42724376", 12), LX_OK);
    assert_string_equal(sb.buf, "\"171e42724376\"");
    /* A NUL byte first is not a formula. */
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_csv(&sb, "\0=", 2), LX_OK);
    assert_int_equal(sb.len, 2);
    /* JSON escapes C1 controls too (U+009B is a CSI to a terminal). */
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_json(&sb,
                                    "a\xc2\x9b"
                                    "1m\xc2\xa0",
                                    7),
                     LX_OK);
    assert_string_equal(sb.buf, "\"a\\u009b1m\xc2\xa0\"");
    /* For a terminal: every control visible, other text as it is. */
    lx_strbuf_reset(&sb);
    static const char hostile[] = "\x1b]52;c;eA==\x07 \x1b[2J\xc2\x9b"
                                  "31m\tx\ny\x7f é";
    assert_int_equal(lx_escape_terminal(&sb, hostile, sizeof hostile - 1), LX_OK);
    assert_string_equal(sb.buf, "\\x1b]52;c;eA==\\x07 \\x1b[2J\\u009b31m\\x09x\\x0ay\\x7f é");
    lx_strbuf_release(&sb);
}

/* Every character a terminal obeys or that reorders the text is shown as
 * an escape, in one-line and in several-line text; the characters next to
 * them (the last C0 and C1 ones, the code points around the overrides) are
 * left as they are. */
static void test_escape_terminal(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *line, *lines;
    } cases[] = {
#define C(in, line, lines) {in, sizeof in - 1, line, lines}
        C("plain é 日本 \xf0\x9f\x98\x80", "plain é 日本 \xf0\x9f\x98\x80",
          "plain é 日本 \xf0\x9f\x98\x80"),
        C("\x1b]52;c;cm0gLXJmIH4=\x07", "\\x1b]52;c;cm0gLXJmIH4=\\x07",
          "\\x1b]52;c;cm0gLXJmIH4=\\x07"),
        C("\x1b[2J", "\\x1b[2J", "\\x1b[2J"),
        C("a\nb\tc\rd", "a\\x0ab\\x09c\\x0dd", "a\nb\tc\\x0dd"),
        C("\x00\x01\x1f \x7f~", "\\x00\\x01\\x1f \\x7f~", "\\x00\\x01\\x1f \\x7f~"),
        /* C1: U+0080, CSI U+009B, OSC U+009D, U+009F; U+00A0 is no control. */
        C("\xc2\x80\xc2\x9b"
          "31m\xc2\x9d"
          "0;t\xc2\x9c\xc2\x9f\xc2\xa0",
          "\\u0080\\u009b31m\\u009d0;t\\u009c\\u009f\xc2\xa0",
          "\\u0080\\u009b31m\\u009d0;t\\u009c\\u009f\xc2\xa0"),
        /* Bidi: U+202A..U+202E and U+2066..U+2069; U+2029, U+202F, U+2065
         * and U+206A stay. */
        C("\xe2\x80\xaa\xe2\x80\xae"
          "cba\xe2\x80\xac\xe2\x81\xa6\xe2\x81\xa9",
          "\\u202a\\u202ecba\\u202c\\u2066\\u2069", "\\u202a\\u202ecba\\u202c\\u2066\\u2069"),
        C("\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
          "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
          "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa"),
        /* Ill-formed UTF-8: each byte shown (a lone 0x9B is a CSI to an
         * 8-bit terminal); a control cut short at the end too. */
        C("\x9b"
          "1m \xff \xe9t\xe9 \xc2",
          "\\x9b1m \\xff \\xe9t\\xe9 \\xc2", "\\x9b1m \\xff \\xe9t\\xe9 \\xc2"),
        C("\xe2\x80", "\\xe2\\x80", "\\xe2\\x80"),
        C("", "", ""),
#undef C
    };
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf_reset(&sb);
        assert_int_equal(lx_escape_terminal(&sb, cases[i].in, cases[i].len), LX_OK);
        assert_string_equal(sb.buf, cases[i].line);
        lx_strbuf_reset(&sb);
        assert_int_equal(lx_escape_terminal_lines(&sb, cases[i].in, cases[i].len), LX_OK);
        assert_string_equal(sb.buf, cases[i].lines);
    }
    /* The output never holds a control byte, whatever the input. */
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_terminal(&sb, all, sizeof all), LX_OK);
    for (size_t i = 0; i < sb.len; i++)
        assert_true((unsigned char)sb.buf[i] >= 0x20 && (unsigned char)sb.buf[i] < 0x7f);
    /* CSV shown on standard output: tab and newline kept (and quoted),
     * other controls escaped, then neutralised as any cell. */
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_csv_shown(&sb, "a\tb\nc\x1b[2J", 9, false), LX_OK);
    assert_string_equal(sb.buf, "\"a\tb\nc\\x1b[2J\"");
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_csv_shown(&sb, "=1\xc2\x9b", 4, true), LX_OK);
    assert_string_equal(sb.buf, "\"'=1\\u009b\"");
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_csv_shown(&sb, "\r=1", 3, false), LX_OK);
    assert_string_equal(sb.buf, "\\x0d=1");
    /* JSON: the same text for a reader, no override for a terminal. */
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_escape_json(&sb, "x\xe2\x80\xaey\xe2\x81\xa9\xe2\x80\xa9", 11), LX_OK);
    assert_string_equal(sb.buf, "\"x\\u202ey\\u2069\xe2\x80\xa9\"");
    lx_strbuf_release(&sb);
    /* Controls removed from a string (addresses): the others kept. */
    char addr[] = "ev\x03il\x7f@\xc2\x9b"
                  "esc\xe2\x80\xae.example\t";
    assert_int_equal(lx_utf8_drop_controls(addr), 5);
    assert_string_equal(addr, "evil@esc.example");
    char plain[] = "élysée@example.fr";
    assert_int_equal(lx_utf8_drop_controls(plain), 0);
    assert_string_equal(plain, "élysée@example.fr");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_escape_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
