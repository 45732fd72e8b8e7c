/* test_mbox.c - splitting mbox files and the canonical message form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mbox.h"

/* Splits data and returns the messages joined by "|", each as it is stored
 * (without separator lines). */
static char *split(const char *data)
{
    static char out[4096];
    lx_mbox_iter it;
    lx_mbox_msg m;
    size_t len = strlen(data), o = 0, count = 0;
    lx_mbox_iter_init(&it, data, len);
    out[0] = '\0';
    while (lx_mbox_next(&it, &m)) {
        assert_true(m.from_line < m.start || (m.from_line == 0 && m.start == 0));
        assert_true(m.start <= m.end && m.end <= len);
        assert_memory_equal(data + m.from_line, "From ", 5);
        if (count++)
            out[o++] = '|';
        memcpy(out + o, data + m.start, m.end - m.start);
        o += m.end - m.start;
        out[o] = '\0';
    }
    return out;
}

static void test_split_cases(void **state)
{
    static const struct {
        const char *name, *in, *want;
    } cases[] = {
        {"one message", "From a@b Mon Jan  1 00:00:00 2001\nSubject: x\n\nbody\n",
         "Subject: x\n\nbody\n"},
        {"two messages, blank line between",
         "From a@b Mon Jan  1 00:00:00 2001\nS: 1\n\nb1\n\nFrom c@d Tue Jan  2 00:00:00 2001\nS: "
         "2\n\nb2\n\n",
         "S: 1\n\nb1\n|S: 2\n\nb2\n"},
        {"CRLF file",
         "From a@b Mon Jan  1 00:00:00 2001\r\nS: 1\r\n\r\nb1\r\n\r\nFrom c@d Tue Jan  2 00:00:00 "
         "2001\r\nS: 2\r\n",
         "S: 1\r\n\r\nb1\r\n|S: 2\r\n"},
        {"From inside a paragraph is body text",
         "From a@b Mon Jan  1 00:00:00 2001\nS: 1\n\nline\nFrom the office, hello\nend\n",
         "S: 1\n\nline\nFrom the office, hello\nend\n"},
        {"a real separator without a blank line before it",
         "From a@b Mon Jan  1 00:00:00 2001\nS: 1\n\nb1\nFrom c@d Tue Jan  2 10:11:12 2001\nS: 2\n",
         "S: 1\n\nb1\n|S: 2\n"},
        {"quoted From lines stay in the stored bytes",
         "From a@b Mon Jan  1 00:00:00 2001\nS: 1\n\n>From here\n\n>>From there\n",
         "S: 1\n\n>From here\n\n>>From there\n"},
        {"empty message between separators",
         "From a@b Mon Jan  1 00:00:00 2001\nFrom c@d Tue Jan  2 00:00:00 2001\nS: 2\n", "|S: 2\n"},
        {"unquoted From after a blank line is body text (mboxo)",
         "From a@b Mon Jan  1 00:00:00 2001\nS: 1\n\nHello\n\nFrom time to time\n",
         "S: 1\n\nHello\n\nFrom time to time\n"},
        {"Thunderbird separator",
         "From - Sat Jun 10 12:00:00 2017\nS: 1\n\nFrom - Sun Jun 11 12:00:00 2017\nS: 2\n",
         "S: 1\n|S: 2\n"},
        {"no final newline", "From a@b Mon Jan  1 00:00:00 2001\nS: 1\n\nb", "S: 1\n\nb"},
        {"Content-Length is not trusted",
         "From a@b Mon Jan  1 00:00:00 2001\nContent-Length: 1\n\nlong body\n\nFrom c@d Tue Jan  2 "
         "00:00:00 2001\nS: 2\n",
         "Content-Length: 1\n\nlong body\n|S: 2\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = split(cases[i].in);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s: got [%s] want [%s]", cases[i].name, got, cases[i].want);
    }
}

static void test_not_mbox(void **state)
{
    lx_mbox_iter it;
    lx_mbox_msg m;
    const char *eml = "Subject: x\n\nFrom a@b Mon Jan  1 00:00:00 2001\n";
    assert_false(lx_mbox_looks_like(eml, strlen(eml)));
    lx_mbox_iter_init(&it, eml, strlen(eml));
    assert_false(lx_mbox_next(&it, &m));
    assert_false(lx_mbox_looks_like("", 0));
    assert_false(lx_mbox_looks_like("From", 4));
}

static void test_canonical(void **state)
{
    static const struct {
        const char *in;
        int unquote;
        const char *want;
    } cases[] = {
        {"S: 1\n\nbody\n", 0, "S: 1\r\n\r\nbody\r\n"},
        {"S: 1\r\n\r\nbody\r\n", 0, "S: 1\r\n\r\nbody\r\n"},
        {"S: 1\n\nno newline", 0, "S: 1\r\n\r\nno newline"},
        {"From a@b Mon Jan  1 00:00:00 2001\nS: 1\n", 0, "S: 1\r\n"},
        {"S: 1\n\n>From a\n>>From b\n>Fromage\n>From", 1,
         "S: 1\r\n\r\nFrom a\r\n>From b\r\n>Fromage\r\n>From"},
        {"S: 1\n\n>From a\n", 0, "S: 1\r\n\r\n>From a\r\n"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf sb;
        lx_strbuf_init(&sb);
        assert_int_equal(lx_mbox_canonical(&sb, cases[i].in, strlen(cases[i].in), cases[i].unquote),
                         LX_OK);
        assert_string_equal(sb.buf, cases[i].want);
        lx_strbuf_release(&sb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_cases),
        cmocka_unit_test(test_not_mbox),
        cmocka_unit_test(test_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
