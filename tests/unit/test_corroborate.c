/* test_corroborate.c - quote extraction, alignment, header checks and quoted dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "corroborate.h"
#include "date.h"

static const char *const ORIGINAL = "Bonjour Claude,\n"
                                    "\n"
                                    "La visite de l'ecluse aura lieu jeudi matin a neuf heures.\n"
                                    "Le gardien ouvrira la maison et montrera les portes.\n"
                                    "\n"
                                    "Helene\n";

/* Compares ORIGINAL-like text m_body (sent by Helene Garnier on 2017-03-09
 * 15:45 UTC, subject "Visite") with the quoted part of reply. */
static lx_corroborate_result compare(const char *m_body, const char *reply, bool html,
                                     unsigned threshold)
{
    lx_corroborate_words a;
    lx_corroborate_quote q;
    lx_corroborate_words_init(&a);
    lx_corroborate_quote_init(&q);
    assert_int_equal(lx_corroborate_text(m_body, strlen(m_body), &a), LX_OK);
    assert_int_equal(lx_corroborate_quote_parse(reply, strlen(reply), html, &q), LX_OK);
    lx_corroborate_message m = {"Helene Garnier", "h.garnier@valbois.example", "Visite", true,
                                lx_date_from_civil(2017, 3, 9, 15, 45, 0)};
    lx_corroborate_result r;
    lx_corroborate_compare(&a, &m, &q, threshold, &r);
    lx_corroborate_words_release(&a);
    lx_corroborate_quote_release(&q);
    return r;
}

static void test_words_fold_quoting_and_wrapping(void **state)
{
    (void)state;
    lx_corroborate_words a, b;
    lx_corroborate_words_init(&a);
    lx_corroborate_words_init(&b);
    const char *x = "one two\nthree  four\n";
    const char *y = "> > one\n>> two three\n>\xC2\xA0"
                    "four\n-- \n";
    assert_int_equal(lx_corroborate_text(x, strlen(x), &a), LX_OK);
    assert_int_equal(lx_corroborate_text(y, strlen(y), &b), LX_OK);
    assert_int_equal(a.n, 4);
    assert_int_equal(b.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(a.text.buf + a.off[i], b.text.buf + b.off[i]);
    lx_corroborate_words_release(&a);
    lx_corroborate_words_release(&b);
}

static void test_quote_parts(void **state)
{
    (void)state;
    lx_corroborate_quote q;
    lx_corroborate_quote_init(&q);
    /* The reply's own text is not quoted; the attribution before the quote
     * is a block at the quote's first word. */
    const char *r = "My own words here.\n\n"
                    "On Thu, Mar 9, 2017 at 4:45 PM, Helene Garnier <h.garnier@valbois.example>\n"
                    "wrote:\n"
                    "> quoted one\n> quoted two\n";
    assert_int_equal(lx_corroborate_quote_parse(r, strlen(r), false, &q), LX_OK);
    assert_int_equal(q.words.n, 4);
    assert_string_equal(q.words.text.buf + q.words.off[0], "quoted");
    assert_int_equal(q.n_blocks, 1);
    assert_true(q.blocks[0].attribution);
    assert_int_equal(q.blocks[0].pos, 0);
    lx_corroborate_quote_release(&q);

    /* Outlook: everything below the separator; the header block is not words. */
    lx_corroborate_quote_init(&q);
    r = "See below.\n\n-----Original Message-----\nFrom: Helene Garnier\n"
        "Sent: Thursday, March 9, 2017 4:45 PM\nTo: Claude\nSubject: RE: Visite\n\nbelow text\n";
    assert_int_equal(lx_corroborate_quote_parse(r, strlen(r), false, &q), LX_OK);
    assert_int_equal(q.words.n, 2);
    assert_int_equal(q.n_blocks, 1);
    assert_string_equal(q.blocks[0].from, "Helene Garnier");
    assert_string_equal(q.blocks[0].subject, "RE: Visite");
    lx_corroborate_quote_release(&q);

    /* From HTML, blockquotes lose their markers: below the attribution. */
    lx_corroborate_quote_init(&q);
    r = "Reply.\nLe 9 mars 2017 \xC3\xA0 16:45, Helene Garnier a \xC3\xA9"
        "crit\xC2\xA0:\nquoted words\n";
    assert_int_equal(lx_corroborate_quote_parse(r, strlen(r), true, &q), LX_OK);
    assert_int_equal(q.words.n, 2);
    lx_corroborate_quote_release(&q);
    lx_corroborate_quote_init(&q);
    assert_int_equal(lx_corroborate_quote_parse(r, strlen(r), false, &q), LX_OK);
    assert_int_equal(q.words.n, 0);
    lx_corroborate_quote_release(&q);
}

static void test_compare(void **state)
{
    (void)state;
    char reply[1024];
    const char *attr = "On Thu, Mar 9, 2017 at 4:45 PM, Helene Garnier "
                       "<h.garnier@valbois.example> wrote:\n";
    /* Quoted fully. */
    snprintf(reply, sizeof reply,
             "Fine.\n\n%s> Bonjour Claude,\n>\n> La visite de l'ecluse aura lieu jeudi matin a\n"
             "> neuf heures. Le gardien ouvrira la maison et montrera les portes.\n>\n> Helene\n",
             attr);
    lx_corroborate_result r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_CORROBORATED);
    assert_int_equal(r.coverage, 100);
    assert_string_equal(r.detail, "from,date");

    /* The greeting and the name left out: 20 of 23 words, 86%. */
    snprintf(reply, sizeof reply,
             "%s> La visite de l'ecluse aura lieu jeudi matin a neuf heures. Le gardien\n"
             "> ouvrira la maison et montrera les portes.\n",
             attr);
    r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_NONE);
    assert_int_equal(r.coverage, 86);
    r = compare(ORIGINAL, reply, false, 85);
    assert_int_equal(r.status, LX_CHAIN_CORROBORATED);

    /* A word changed inside: a mismatch, named. */
    snprintf(reply, sizeof reply,
             "%s> Bonjour Claude,\n> La visite de l'ecluse aura lieu vendredi matin a neuf\n"
             "> heures. Le gardien ouvrira la maison et montrera les portes.\n> Helene\n",
             attr);
    r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_MISMATCH);
    assert_string_equal(r.detail,
                        "words changed: \xC2\xABjeudi\xC2\xBB quoted as \xC2\xABvendredi\xC2\xBB");

    /* Words added inside: a mismatch; a cut mark instead of words: fine. */
    snprintf(reply, sizeof reply,
             "%s> Bonjour Claude,\n> La visite de l'ecluse aura lieu jeudi matin a neuf\n"
             "> heures. Le gardien ouvrira vite la maison et montrera les portes.\n> Helene\n",
             attr);
    r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_MISMATCH);
    snprintf(reply, sizeof reply,
             "%s> Bonjour Claude,\n> La visite de l'ecluse aura lieu jeudi matin a neuf\n"
             "> heures. [...] montrera les portes.\n> Helene\n",
             attr);
    r = compare(ORIGINAL, reply, false, 70);
    assert_int_equal(r.status, LX_CHAIN_CORROBORATED);
    assert_int_equal(r.coverage, 73); /* 17 of 23 words */

    /* The last word changed, at the edge of the quote: still a change. */
    snprintf(reply, sizeof reply,
             "%s> Bonjour Claude,\n> La visite de l'ecluse aura lieu jeudi matin a neuf\n"
             "> heures. Le gardien ouvrira la maison et montrera les portes.\n> Hector\n",
             attr);
    r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_MISMATCH);

    /* Another sender's address in the attribution. */
    snprintf(reply, sizeof reply,
             "On Thu, Mar 9, 2017 at 4:45 PM, Paul <p@valbois.example> wrote:\n"
             "> Bonjour Claude,\n> La visite de l'ecluse aura lieu jeudi matin a neuf\n"
             "> heures. Le gardien ouvrira la maison et montrera les portes.\n> Helene\n");
    r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_MISMATCH);

    /* Another minute: 4:46 PM is no whole quarter-hour offset from 15:45 UTC. */
    snprintf(reply, sizeof reply,
             "On Thu, Mar 9, 2017 at 4:46 PM, Helene Garnier wrote:\n"
             "> Bonjour Claude,\n> La visite de l'ecluse aura lieu jeudi matin a neuf\n"
             "> heures. Le gardien ouvrira la maison et montrera les portes.\n> Helene\n");
    r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_MISMATCH);

    /* A header block with another subject. */
    snprintf(reply, sizeof reply,
             "-----Original Message-----\nFrom: Helene Garnier\n"
             "Sent: jeudi 9 mars 2017 16:45\nSubject: Autre chose\n\n%s",
             ORIGINAL);
    r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_MISMATCH);
    snprintf(reply, sizeof reply,
             "-----Original Message-----\nFrom: Helene Garnier\n"
             "Sent: someday\nSubject: RE: Visite\n\n%s",
             ORIGINAL);
    r = compare(ORIGINAL, reply, false, 90);
    assert_int_equal(r.status, LX_CHAIN_CORROBORATED);
    assert_string_equal(r.detail, "from,date?,subject");

    /* Too short to say anything. */
    r = compare("OK.\n", "> OK.\n", false, 90);
    assert_int_equal(r.status, LX_CHAIN_NONE);
    /* Half quoted: not corroborated, no mismatch. */
    r = compare(ORIGINAL, "> Bonjour Claude,\n> La visite de l'ecluse aura lieu jeudi\n", false,
                90);
    assert_int_equal(r.status, LX_CHAIN_NONE);
}

static void expect_date(const char *s, int y, int mo, int d, int h, int mi, bool zone, bool time)
{
    int64_t t;
    bool z, tm;
    assert_true(lx_corroborate_parse_date(s, &t, &z, &tm));
    assert_int_equal(t, lx_date_from_civil(y, mo, d, h, mi, 0));
    assert_int_equal(z, zone);
    assert_int_equal(tm, time);
}

static void test_dates(void **state)
{
    (void)state;
    expect_date("Tuesday, March 7, 2017 10:30 AM", 2017, 3, 7, 10, 30, false, true);
    expect_date("Tuesday, March 7, 2017 10:30 PM", 2017, 3, 7, 22, 30, false, true);
    expect_date("mardi 7 mars 2017 10:30", 2017, 3, 7, 10, 30, false, true);
    expect_date("mar. 7 mars 2017 \xC3\xA0 10:30", 2017, 3, 7, 10, 30, false, true);
    expect_date("Tue, Mar 7, 2017 at 12:05 AM", 2017, 3, 7, 0, 5, false, true);
    expect_date("7 mars 2017 \xC3\xA0 10h30", 2017, 3, 7, 10, 30, false, true);
    expect_date("Tue, 7 Mar 2017 10:30:00 +0100", 2017, 3, 7, 9, 30, true, true);
    expect_date("2017-03-07 10:30", 2017, 3, 7, 10, 30, false, true);
    expect_date("1er f\xC3\xA9vrier 2017", 2017, 2, 1, 0, 0, false, false);
    expect_date("25/12/2016 08:00", 2016, 12, 25, 8, 0, false, true);
    int64_t t;
    bool z, tm;
    assert_false(lx_corroborate_parse_date("03/04/2017 08:00", &t, &z, &tm)); /* which is day? */
    assert_false(lx_corroborate_parse_date("31 avril 2017", &t, &z, &tm));
    assert_false(lx_corroborate_parse_date("someday", &t, &z, &tm));
    assert_false(lx_corroborate_parse_date("", &t, &z, &tm));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_fold_quoting_and_wrapping),
        cmocka_unit_test(test_quote_parts),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
