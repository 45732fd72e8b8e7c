/* test_snippet.c - snippets: the window shown, and the bounds on what is read for it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "caps.h"
#include "snippet.h"
#include "strbuf.h"
#include "banned.h"

/* Appends word n times, each after a space but for the first at the
 * buffer's start. */
static void repeat(lx_strbuf *sb, const char *word, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (sb->len)
            assert_int_equal(lx_strbuf_addch(sb, ' '), LX_OK);
        assert_int_equal(lx_strbuf_addstr(sb, word), LX_OK);
    }
}

/* The snippet of text for the plain word "budget": *out and *ranges. */
static void snippet_of(const lx_strbuf *text, lx_strbuf *out, lx_strbuf *ranges)
{
    char *plain[] = {"budget"};
    lx_snippet_words w = {.plain = plain, .n_plain = 1};
    lx_strbuf_init(out);
    lx_strbuf_init(ranges);
    assert_int_equal(lx_snippet_make(text->buf, text->len, &w, out, ranges), LX_OK);
}

/* A match past LX_SNIPPET_SCAN bytes is not read: the snippet is the
 * text's start, nothing marked, an ellipsis after it. */
static void test_match_past_the_scan(void **state)
{
    (void)state;
    lx_strbuf text, want, out, ranges;
    lx_strbuf_init(&text);
    lx_strbuf_init(&want);
    assert_int_equal(lx_strbuf_addstr(&text, "Review\n"), LX_OK);
    repeat(&text, "lorem", 3000); /* 18,000 bytes, a space before each */
    assert_true(text.len > LX_SNIPPET_SCAN);
    assert_int_equal(lx_strbuf_addstr(&text, " budget tail"), LX_OK);
    snippet_of(&text, &out, &ranges);
    /* "Review" (0-6) and the words ending within 240 bytes of its start:
     * the 38th "lorem" ends at 13 + 37 * 6 = 235, the 39th at 241. */
    assert_int_equal(lx_strbuf_addstr(&want, "Review"), LX_OK);
    repeat(&want, "lorem", 38);
    assert_int_equal(lx_strbuf_addstr(&want, " …"), LX_OK);
    assert_string_equal(out.buf, want.buf);
    assert_string_equal(ranges.buf, "");
    lx_strbuf_release(&text);
    lx_strbuf_release(&want);
    lx_strbuf_release(&out);
    lx_strbuf_release(&ranges);
}

/* A match within the scan, far into the text: four words before it. */
static void test_match_within_the_scan(void **state)
{
    (void)state;
    lx_strbuf text, want, out, ranges;
    lx_strbuf_init(&text);
    lx_strbuf_init(&want);
    repeat(&text, "lorem", 2000); /* 11,999 bytes */
    assert_int_equal(lx_strbuf_addstr(&text, " budget"), LX_OK);
    repeat(&text, "lorem", 100);
    snippet_of(&text, &out, &ranges);
    /* The match starts 24 bytes in, so the words ending 240 bytes from the
     * start are 35 after it. */
    assert_int_equal(lx_strbuf_addstr(&want, "… lorem lorem lorem lorem budget"), LX_OK);
    repeat(&want, "lorem", 35);
    assert_int_equal(lx_strbuf_addstr(&want, " …"), LX_OK);
    assert_string_equal(out.buf, want.buf);
    assert_string_equal(ranges.buf, "26-32");
    lx_strbuf_release(&text);
    lx_strbuf_release(&want);
    lx_strbuf_release(&out);
    lx_strbuf_release(&ranges);
}

/* Within the scan, the window with the most matches, however far. */
static void test_most_matches_far_in(void **state)
{
    (void)state;
    lx_strbuf text, want, out, ranges;
    lx_strbuf_init(&text);
    lx_strbuf_init(&want);
    assert_int_equal(lx_strbuf_addstr(&text, "budget"), LX_OK);
    repeat(&text, "lorem", 100);
    assert_int_equal(lx_strbuf_addstr(&text, " budget budget budget"), LX_OK);
    repeat(&text, "lorem", 5);
    snippet_of(&text, &out, &ranges);
    assert_int_equal(lx_strbuf_addstr(&want, "… lorem lorem lorem lorem budget budget budget"),
                     LX_OK);
    repeat(&want, "lorem", 5);
    assert_string_equal(out.buf, want.buf);
    assert_string_equal(ranges.buf, "26-32 33-39 40-46");
    lx_strbuf_release(&text);
    lx_strbuf_release(&want);
    lx_strbuf_release(&out);
    lx_strbuf_release(&ranges);
}

/* A text read whole shows the window with the most matches. */
static void test_most_matches_in_a_short_text(void **state)
{
    (void)state;
    lx_strbuf text, out, ranges;
    lx_strbuf_init(&text);
    assert_int_equal(lx_strbuf_addstr(&text, "budget"), LX_OK);
    repeat(&text, "lorem", 38);
    assert_int_equal(lx_strbuf_addstr(&text, " budget budget end"), LX_OK);
    snippet_of(&text, &out, &ranges);
    /* Three matches do not fit in 240 bytes; the last two do, with the four
     * words before them. */
    assert_string_equal(out.buf, "… lorem lorem lorem lorem budget budget end");
    assert_string_equal(ranges.buf, "26-32 33-39");
    lx_strbuf_release(&text);
    lx_strbuf_release(&out);
    lx_strbuf_release(&ranges);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_past_the_scan),
        cmocka_unit_test(test_match_within_the_scan),
        cmocka_unit_test(test_most_matches_far_in),
        cmocka_unit_test(test_most_matches_in_a_short_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
