/* test_align.c - alignment: a message found in a quote, the header block checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "align.h"
#include "date.h"

static const char *const ORIGINAL = "Bonjour Claude,\n"
                                    "\n"
                                    "La visite de l'ecluse aura lieu jeudi matin a neuf heures.\n"
                                    "Le gardien ouvrira la maison et montrera les portes.\n"
                                    "\n"
                                    "Helene\n";

/* Compares ORIGINAL-like text m_body (sent by Helene Garnier on 2017-03-09
 * 15:45 UTC, subject "Visite") with the quoted part of reply. */
static lx_align_result compare(const char *m_body, const char *reply, bool html, unsigned threshold)
{
    lx_quote_words a;
    lx_quote q;
    lx_quote_words_init(&a);
    lx_quote_init(&q);
    assert_int_equal(lx_quote_text(m_body, strlen(m_body), &a), LX_OK);
    assert_int_equal(lx_quote_parse(reply, strlen(reply), html, &q), LX_OK);
    lx_align_message m = {"Helene Garnier", "h.garnier@valbois.example", "Visite", true,
                          lx_date_from_civil(2017, 3, 9, 15, 45, 0)};
    lx_align_result r;
    lx_align_compare(&a, &m, &q, threshold, &r);
    lx_quote_words_release(&a);
    lx_quote_release(&q);
    return r;
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
    lx_align_result r = compare(ORIGINAL, reply, false, 90);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
