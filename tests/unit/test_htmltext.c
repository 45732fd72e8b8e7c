/* test_htmltext.c - the readable text of HTML: blocks, entities, broken and deep markup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "htmltext.h"

static void test_htmltext(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"<p>a</p><p>b</p>", "a\nb"},
        {"plain &amp; simple", "plain & simple"},
        {"<table><tr><td>x</td><td>y</td></tr></table>", "x y"},
        {"<pre>  keep\n  this</pre>", "  keep\n  this"},
        {"<b>unclosed <i>tags", "unclosed tags"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf sb;
        lx_strbuf_init(&sb);
        assert_int_equal(lx_htmltext_extract(&sb, cases[i].in, strlen(cases[i].in)), LX_OK);
        assert_string_equal(sb.buf, cases[i].out);
        lx_strbuf_release(&sb);
    }
    /* Deep nesting must neither crash nor recurse. */
    lx_strbuf deep, sb;
    lx_strbuf_init(&deep);
    lx_strbuf_init(&sb);
    for (int i = 0; i < 20000; i++)
        lx_strbuf_addstr(&deep, "<div>");
    lx_strbuf_addstr(&deep, "bottom");
    assert_int_equal(lx_htmltext_extract(&sb, deep.buf, deep.len), LX_OK);
    lx_strbuf_release(&deep);
    lx_strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_htmltext),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
