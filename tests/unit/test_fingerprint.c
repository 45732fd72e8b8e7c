/* test_fingerprint.c - the fingerprint copies share: an .eml and its Outlook copy agree, a changed
 * word does not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "document.h"
#include "mapi.h"
#include "message.h"
#include "msg.h"

/* SHA-256 of "lucas.martin@campagne-exemple.fr\n1487616300\nCompte rendu du
 * meeting de Lyon\nCamille, Le meeting de Lyon a réuni 2300 personnes. La
 * salle était pleine. Lucas": copy.eml's fingerprint, white space folded. */
static const char LYON_FP[] = "fadef3f7fce78949813cae2ed7cfaa5af3824096925c8a6b29fea28e7da642cf";

static const char LYON_TEXT[] = "Camille,\n\nLe meeting de Lyon a r\xc3\xa9uni 2300 personnes. La "
                                "salle \xc3\xa9tait pleine.\n\nLucas\n";

/* The bytes of dir/name (the test fails when the file cannot be read). */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        assert_int_equal(lx_strbuf_add(&sb, buf, n), LX_OK);
    fclose(f);
    return lx_strbuf_detach(&sb, len);
}

static void fp_of_eml(const char *raw, size_t len, char hex[LX_SHA256_HEX_LEN + 1])
{
    lx_message msg;
    lx_strbuf why;
    lx_strbuf_init(&why);
    if (lx_message_parse(&msg, raw, len, &why) != LX_OK)
        fail_msg("parse: %s", why.buf);
    assert_int_equal(lx_document_fingerprint(&msg, hex), LX_OK);
    lx_message_release(&msg);
    lx_strbuf_release(&why);
}

/* The fingerprint of the item as the indexer sees it: converted to an
 * .eml, parsed. */
static void fp_of_item(const lx_mapi_msg *m, char hex[LX_SHA256_HEX_LEN + 1])
{
    lx_strbuf eml;
    lx_strbuf_init(&eml);
    assert_int_equal(lx_mapi_to_eml(m, "msg", &eml), LX_OK);
    fp_of_eml(eml.buf, eml.len, hex);
    lx_strbuf_release(&eml);
}

/* copy.eml with its Date value, Subject, Content-Type and body replaced. */
static void fp_of_lyon(const char *date, const char *subject, const char *type, const char *body,
                       char hex[LX_SHA256_HEX_LEN + 1])
{
    lx_strbuf raw;
    lx_strbuf_init(&raw);
    assert_int_equal(lx_strbuf_addf(&raw,
                                    "From: Lucas Martin <lucas.martin@campagne-exemple.fr>\n"
                                    "To: Camille Roche <camille.roche@campagne-exemple.fr>\n"
                                    "Subject: %s\nDate: %s\n"
                                    "Message-ID: <lyon-cr@campagne-exemple.fr>\n"
                                    "MIME-Version: 1.0\nContent-Type: %s; charset=utf-8\n"
                                    "Content-Transfer-Encoding: 8bit\n\n%s",
                                    subject, date, type, body),
                     LX_OK);
    fp_of_eml(raw.buf, raw.len, hex);
    lx_strbuf_release(&raw);
}

static char *dup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* The Outlook copy of copy.eml, as a PST or .msg reader fills it: the
 * sender's SMTP address, the client submit time (UTC), plain body as
 * given, and the HTML body when html is not NULL. */
static void lyon_item(lx_mapi_msg *m, const char *body, const char *html)
{
    lx_mapi_msg_init(m);
    m->message_class = dup("IPM.Note");
    m->subject = dup("Compte rendu du meeting de Lyon");
    m->sender_name = dup("Lucas Martin");
    m->sender_address = dup("lucas.martin@campagne-exemple.fr");
    m->rcpt = calloc(1, sizeof *m->rcpt);
    assert_non_null(m->rcpt);
    m->n_rcpt = 1;
    m->rcpt[0] = (lx_mapi_rcpt){LX_RCPT_TO, dup("Camille Roche"),
                                dup("camille.roche@campagne-exemple.fr"), NULL};
    m->date = 1487616300; /* 2017-02-20T18:45:00Z */
    m->date_frac = 0;
    m->date_from = LX_DATE_SUBMIT;
    m->message_id = dup("<lyon-cr@campagne-exemple.fr>");
    m->body = dup(body);
    if (html) {
        m->html_len = strlen(html);
        m->html = (unsigned char *)dup(html);
        m->html_charset = dup("utf-8");
    }
}

/* The generated pair: copy.eml and copy.msg (make-msg's Outlook copy of it)
 * have one fingerprint, the one spelled out above. */
static void test_generated_pair(void **state)
{
    (void)state;
    size_t len;
    char *eml = slurp(getenv("LEAKDEX_MSG_DESCS"), "copy.eml", &len);
    char a[LX_SHA256_HEX_LEN + 1], b[LX_SHA256_HEX_LEN + 1];
    fp_of_eml(eml, len, a);
    assert_string_equal(a, LYON_FP);
    free(eml);

    char *msg = slurp(getenv("LEAKDEX_MSG_FIXTURES"), "copy.msg", &len);
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    lx_strbuf why;
    lx_strbuf_init(&why);
    if (lx_msg_read(msg, len, &m, &why) != LX_OK)
        fail_msg("copy.msg: %s", why.buf);
    fp_of_item(&m, b);
    assert_string_equal(b, LYON_FP);
    lx_mapi_msg_release(&m);
    lx_strbuf_release(&why);
    free(msg);
}

/* Outlook keeps a plain body with CRLF line ends, re-wrapped, trailing
 * spaces and blank lines as they fell: still a copy. */
static void test_outlook_plain_body(void **state)
{
    (void)state;
    char hex[LX_SHA256_HEX_LEN + 1];
    lx_mapi_msg m;
    lyon_item(&m,
              "Camille,\r\n\r\nLe meeting de Lyon a r\xc3\xa9uni 2300\r\npersonnes. La salle "
              "\xc3\xa9tait pleine.  \r\n\r\nLucas\r\n\r\n\r\n",
              NULL);
    fp_of_item(&m, hex);
    assert_string_equal(hex, LYON_FP);
    lx_mapi_msg_release(&m);
}

/* An HTML-only message as Outlook sends it (paragraphs, an &nbsp; line)
 * and its copy in the store, whose plain body is Outlook's own text of that
 * HTML beside the HTML: one fingerprint. */
static void test_html_only_and_outlook_text(void **state)
{
    (void)state;
    static const char html[] =
        "<html><head><style>p.MsoNormal {margin:0cm}</style></head><body lang=FR>"
        "<div class=WordSection1><p class=MsoNormal>Camille,<o:p></o:p></p>\r\n"
        "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\r\n"
        "<p class=MsoNormal>Le meeting de Lyon a r&eacute;uni 2300 personnes. La salle "
        "&eacute;tait\r\npleine.<o:p></o:p></p>\r\n"
        "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\r\n"
        "<p class=MsoNormal>Lucas<o:p></o:p></p></div></body></html>\r\n";
    char a[LX_SHA256_HEX_LEN + 1], b[LX_SHA256_HEX_LEN + 1];
    fp_of_lyon("Mon, 20 Feb 2017 18:45:00 +0000", "Compte rendu du meeting de Lyon", "text/html",
               html, a);
    assert_string_equal(a, LYON_FP);
    lx_mapi_msg m;
    lyon_item(&m,
              "Camille,\r\n\r\nLe meeting de Lyon a r\xc3\xa9uni 2300 personnes. La salle "
              "\xc3\xa9tait pleine.\r\n\r\nLucas\r\n",
              html);
    fp_of_item(&m, b);
    assert_string_equal(b, LYON_FP);
    lx_mapi_msg_release(&m);
}

/* A Date written in another zone is the same instant as the item's UTC
 * FILETIME: a copy. */
static void test_date_zone(void **state)
{
    (void)state;
    char hex[LX_SHA256_HEX_LEN + 1];
    fp_of_lyon("Mon, 20 Feb 2017 19:45:00 +0100", "Compte rendu du meeting de Lyon", "text/plain",
               LYON_TEXT, hex);
    assert_string_equal(hex, LYON_FP);
    fp_of_lyon("Mon, 20 Feb 2017 13:45:00 -0500", "Compte rendu du meeting de Lyon", "text/plain",
               LYON_TEXT, hex);
    assert_string_equal(hex, LYON_FP);
}

/* White space alone never tells copies apart: tabs, runs of spaces, CRLF,
 * leading and trailing blank lines, a subject with two spaces. */
static void test_whitespace_only(void **state)
{
    (void)state;
    char hex[LX_SHA256_HEX_LEN + 1];
    fp_of_lyon("Mon, 20 Feb 2017 18:45:00 +0000", "Compte  rendu du\tmeeting de Lyon ",
               "text/plain",
               "\n\n  Camille,\r\n\r\nLe meeting\tde Lyon a r\xc3\xa9uni 2300  personnes.\n"
               "La salle \xc3\xa9tait pleine.\xc2\xa0\n\n\n\nLucas \n \n",
               hex);
    assert_string_equal(hex, LYON_FP);
}

/* A changed word, subject word, second, or sender, and words run
 * together, each make another fingerprint: a conflict. */
static void test_changes_conflict(void **state)
{
    (void)state;
    char hex[LX_SHA256_HEX_LEN + 1];
    fp_of_lyon("Mon, 20 Feb 2017 18:45:00 +0000", "Compte rendu du meeting de Lyon", "text/plain",
               "Camille,\n\nLe meeting de Lyon a r\xc3\xa9uni 2500 personnes. La salle "
               "\xc3\xa9tait pleine.\n\nLucas\n",
               hex);
    assert_string_equal(hex, "60531778edc80e7a75abb0502e48cce1b716357c1feeac3258d6691dd0cdf7e3");
    fp_of_lyon("Mon, 20 Feb 2017 18:45:00 +0000", "Compte rendu du meeting de Lille", "text/plain",
               LYON_TEXT, hex);
    assert_string_not_equal(hex, LYON_FP);
    fp_of_lyon("Mon, 20 Feb 2017 18:45:01 +0000", "Compte rendu du meeting de Lyon", "text/plain",
               LYON_TEXT, hex);
    assert_string_not_equal(hex, LYON_FP);
    fp_of_lyon("Mon, 20 Feb 2017 18:45:00 +0000", "Compte rendu du meeting de Lyon", "text/plain",
               "Camille,\n\nLe meeting de Lyon a r\xc3\xa9uni 2300 personnes. La salle "
               "\xc3\xa9tait pleine.Lucas\n",
               hex);
    assert_string_not_equal(hex, LYON_FP);
    lx_mapi_msg m;
    lyon_item(&m,
              "Camille,\r\n\r\nLe meeting de Lyon a r\xc3\xa9uni 2300 personnes. La salle "
              "\xc3\xa9tait pleine.\r\n\r\nLucas\r\n",
              NULL);
    free(m.sender_address);
    m.sender_address = dup("lucas.martin@campagne-exemple.com");
    fp_of_item(&m, hex);
    assert_string_not_equal(hex, LYON_FP);
    lx_mapi_msg_release(&m);
}

int main(void)
{
    lx_message_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated_pair),
        cmocka_unit_test(test_outlook_plain_body),
        cmocka_unit_test(test_html_only_and_outlook_text),
        cmocka_unit_test(test_date_zone),
        cmocka_unit_test(test_whitespace_only),
        cmocka_unit_test(test_changes_conflict),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    lx_message_library_shutdown();
    return failed;
}
