/* test_quote.c - quote parsing: a message's words, the quoted part of a reply. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "quote.h"

static void test_words_fold_quoting_and_wrapping(void **state)
{
    (void)state;
    lx_quote_words a, b;
    lx_quote_words_init(&a);
    lx_quote_words_init(&b);
    const char *x = "one two\nthree  four\n";
    const char *y = "> > one\n>> two three\n>\xC2\xA0"
                    "four\n-- \n";
    assert_int_equal(lx_quote_text(x, strlen(x), &a), LX_OK);
    assert_int_equal(lx_quote_text(y, strlen(y), &b), LX_OK);
    assert_int_equal(a.n, 4);
    assert_int_equal(b.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(a.text.buf + a.off[i], b.text.buf + b.off[i]);
    lx_quote_words_release(&a);
    lx_quote_words_release(&b);
}

static void test_quote_parts(void **state)
{
    (void)state;
    lx_quote q;
    lx_quote_init(&q);
    /* The reply's own text is not quoted; the attribution before the quote
     * is a block at the quote's first word. */
    const char *r = "My own words here.\n\n"
                    "On Thu, Mar 9, 2017 at 4:45 PM, Helene Garnier <h.garnier@valbois.example>\n"
                    "wrote:\n"
                    "> quoted one\n> quoted two\n";
    assert_int_equal(lx_quote_parse(r, strlen(r), false, &q), LX_OK);
    assert_int_equal(q.words.n, 4);
    assert_string_equal(q.words.text.buf + q.words.off[0], "quoted");
    assert_int_equal(q.n_blocks, 1);
    assert_true(q.blocks[0].attribution);
    assert_int_equal(q.blocks[0].pos, 0);
    lx_quote_release(&q);

    /* Outlook: everything below the separator; the header block is not words. */
    lx_quote_init(&q);
    r = "See below.\n\n-----Original Message-----\nFrom: Helene Garnier\n"
        "Sent: Thursday, March 9, 2017 4:45 PM\nTo: Claude\nSubject: RE: Visite\n\nbelow text\n";
    assert_int_equal(lx_quote_parse(r, strlen(r), false, &q), LX_OK);
    assert_int_equal(q.words.n, 2);
    assert_int_equal(q.n_blocks, 1);
    assert_string_equal(q.blocks[0].from, "Helene Garnier");
    assert_string_equal(q.blocks[0].subject, "RE: Visite");
    lx_quote_release(&q);

    /* From HTML, blockquotes lose their markers: below the attribution. */
    lx_quote_init(&q);
    r = "Reply.\nLe 9 mars 2017 \xC3\xA0 16:45, Helene Garnier a \xC3\xA9"
        "crit\xC2\xA0:\nquoted words\n";
    assert_int_equal(lx_quote_parse(r, strlen(r), true, &q), LX_OK);
    assert_int_equal(q.words.n, 2);
    lx_quote_release(&q);
    lx_quote_init(&q);
    assert_int_equal(lx_quote_parse(r, strlen(r), false, &q), LX_OK);
    assert_int_equal(q.words.n, 0);
    lx_quote_release(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_fold_quoting_and_wrapping),
        cmocka_unit_test(test_quote_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
