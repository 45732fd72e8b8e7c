/* test_printer.c - the printers of leakdex-search: one hit, a person, a batch row, in each format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>

#include "hitkeys.h"
#include "printer.h"
#include "record.h"
#include "schema.h"
#include "senders.h"

/* A hit as a search gives it: the data the indexer stored, and what a hit
 * list adds. Its sender's name holds an escape sequence (ESC [ 2 J clears a
 * terminal) and its subject looks like a spreadsheet formula. */
static void hostile_hit(lx_record *r)
{
    lx_record_init(r);
    static const char *const pairs[][2] = {
        {LX_DATA_SHA256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
        {LX_DATA_PATH, "/archive/box.mbox\t120\t3400"},
        {LX_DATA_SIZE, "3400"},
        {LX_DATA_MESSAGE_ID, "m1@example.org"},
        {LX_DATA_FROM_NAME, "Eve\x1b[2J"},
        {LX_DATA_FROM_ADDRESS, "eve@example.org"},
        {LX_DATA_TO, "bob@example.org\tBob"},
        {LX_DATA_SUBJECT, "=1+2"},
        {LX_DATA_DATE, "2017-04-24T08:30:00Z"},
        {LX_DATA_DATE_SOURCE, "header"},
        {"date_offset", "+02:00"},
        {LX_DATA_DKIM, "pass"},
        {LX_DATA_DKIM_SIG, "example.org\ts1\trsa-sha256\trelaxed/relaxed\t\tpass\t\t2048\tno\t0"
                           "\tkeys.txt\t0\t\t\tyes\t"},
        {LX_DATA_VERIFIED, "yes"},
        {LX_DATA_ATTACHMENT, "1\t0\tplan.pdf\tapplication/pdf\tapplication/pdf\t1000\tab\ttext\t50"},
        {LX_HIT_THREAD, "00000000000000aa"},
        {LX_HIT_SNIPPET, "le budget est là"},
        {LX_HIT_SNIPPET_MATCHES, "3-9"},
        {LX_HIT_SNIPPET_WORDS, "yes"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *key = strcmp(pairs[i][0], "date_offset") == 0
                              ? lx_schema_field(LX_F_DATE_OFFSET)->name
                              : pairs[i][0];
        assert_int_equal(lx_record_add_str(r, key, pairs[i][1]), LX_OK);
    }
}

/* The format whose printer pr is. */
static lx_format format_of(const lx_printer *pr)
{
    return pr == &lx_print_json     ? LX_FMT_JSON
           : pr == &lx_print_ndjson ? LX_FMT_NDJSON
           : pr == &lx_print_csv    ? LX_FMT_CSV
                                    : LX_FMT_TEXT;
}

/* What printer pr prints for the list of one hit rec (bold: a terminal). */
static char *print_hit(const lx_printer *pr, const lx_record *rec, bool bold)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lx_print p;
    assert_ptr_equal(lx_print_init(&p, format_of(pr), f, NULL, bold), pr);
    assert_int_equal(pr->hits_begin(&p, 1, 0), LX_OK);
    assert_int_equal(pr->hit(&p, rec), LX_OK);
    assert_int_equal(pr->hits_end(&p), LX_OK);
    lx_print_release(&p);
    fclose(f);
    return buf;
}

static void test_text_hit(void **state)
{
    (void)state;
    lx_record r;
    hostile_hit(&r);
    /* The escape is shown, never sent; the sender's clock at the end. */
    char *got = print_hit(&lx_print_text, &r, false);
    assert_string_equal(got, "0123456789ab  2017-04-24 08:30  pass       Eve\\x1b[2J  =1+2"
                             "  [sent 2017-04-24 10:30 +02:00]\n"
                             "    attachment #1 plan.pdf\n"
                             "    le budget est l\xC3\xA0\n");
    free(got);
    /* On a terminal, the matches in bold. */
    got = print_hit(&lx_print_text, &r, true);
    assert_string_equal(got, "0123456789ab  2017-04-24 08:30  pass       Eve\\x1b[2J  =1+2"
                             "  [sent 2017-04-24 10:30 +02:00]\n"
                             "    attachment #1 plan.pdf\n"
                             "    le \033[1mbudget\033[0m est l\xC3\xA0\n");
    free(got);
    lx_record_release(&r);
}

/* The object every JSON format prints for the hit. */
static const char hit_json[] =
    "{\"id\":\"0123456789ab\",\"sha256\":\"0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef\",\"date\":\"2017-04-24T08:30:00Z\",\"date_local\":\"2017-04-24T10:30:00"
    "+02:00\",\"date_source\":\"header\",\"from\":{\"name\":\"Eve\\u001b[2J\",\"address\":"
    "\"eve@example.org\"},\"to\":[{\"name\":\"Bob\",\"address\":\"bob@example.org\"}],\"cc\":[],"
    "\"bcc\":[],\"reply_to\":[],\"subject\":\"=1+2\",\"dkim\":\"pass\",\"verified\":\"yes\","
    "\"verified_reason\":\"\",\"unsigned_headers\":[],\"signers\":[\"example.org\"],"
    "\"corroboration\":{\"status\":\"none\",\"corroborated_by\":[],\"mismatches\":[]},"
    "\"message_id\":\"m1@example.org\",\"in_reply_to\":\"\",\"references\":[],\"thread\":"
    "\"00000000000000aa\",\"thread_hits\":null,\"size\":3400,\"paths\":[{\"path\":"
    "\"/archive/box.mbox\",\"mbox_offset\":120,\"mbox_length\":3400}],\"converted\":\"\","
    "\"converter\":\"\",\"copies\":[],"
    "\"conflicts\":[],\"body_source\":\"\",\"body_truncated\":\"\",\"body_signed_bytes\":null,"
    "\"replaced_characters\":0,\"dkim_signatures\":[{\"domain\":\"example.org\",\"selector\":"
    "\"s1\",\"algorithm\":\"rsa-sha256\",\"canonicalization\":\"relaxed/relaxed\",\"identity\":"
    "\"\",\"result\":\"pass\",\"reason\":\"\",\"key_bits\":2048,\"weak\":false,\"key_record\":0,"
    "\"key_source\":\"keys.txt\",\"unsigned_bytes\":0,\"t\":null,\"x\":null,\"aligned\":true,"
    "\"mbox_form\":\"\"}],\"attachments\":[{\"n\":1,\"parent\":0,\"name\":\"plan.pdf\",\"type\":"
    "\"application/pdf\",\"sniffed_type\":\"application/pdf\",\"size\":1000,\"sha256\":\"ab\","
    "\"status\":\"text\",\"text_bytes\":50,\"ocr_confidence\":null,\"ocr_language\":\"\","
    "\"ocr_pages\":null}],\"snippet\":{\"text\":\"le budget est l\xC3\xA0\","
    "\"matches\":[[3,9]],\"attachment\":null}}";

static void test_json_hit(void **state)
{
    (void)state;
    lx_record r;
    hostile_hit(&r);
    char want[4096];
    char *got = print_hit(&lx_print_ndjson, &r, false);
    snprintf(want, sizeof want, "%s\n", hit_json);
    assert_string_equal(got, want);
    free(got);
    got = print_hit(&lx_print_json, &r, false);
    snprintf(want, sizeof want, "{\"version\":1,\"total\":1,\"offset\":0,\"hits\":[\n%s\n]}\n",
             hit_json);
    assert_string_equal(got, want);
    free(got);
    lx_record_release(&r);
}

static void test_csv_hit(void **state)
{
    (void)state;
    lx_record r;
    hostile_hit(&r);
    /* The escape shown as text; the formula-looking subject neutralized
     * (a quote in front, quoted); identifiers always quoted. */
    char *got = print_hit(&lx_print_csv, &r, false);
    assert_string_equal(
        got,
        "id,sha256,date,date_local,date_source,from_name,from_address,to,cc,bcc,reply_to,subject,"
        "dkim,verified,verified_reason,unsigned_headers,signers,corroboration,message_id,"
        "in_reply_to,references,thread,thread_hits,size,paths,converted,converter,copies,"
        "conflicts,body_source,body_truncated,body_signed_bytes,replaced_characters,dkim_"
        "signatures,attachments,"
        "snippet\r\n"
        "\"0123456789ab\",\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
        "2017-04-24T08:30:00Z,2017-04-24T10:30:00+02:00,header,Eve\\x1b[2J,eve@example.org,"
        "Bob <bob@example.org>,,,,\"'=1+2\",pass,yes,,,example.org,,\"m1@example.org\",\"\",\"\","
        "\"00000000000000aa\",,3400,/archive/box.mbox@120+3400,,,\"\",\"\",,,,,\"example.org s=s1 "
        "a=rsa-sha256 c=relaxed/relaxed: pass, key source: keys.txt, the sender's domain\","
        "\"#1 plan.pdf (application/pdf, 1000 bytes, sha256 ab, text)\",le budget est "
        "l\xC3\xA0\r\n");
    free(got);
    lx_record_release(&r);
}

/* What printer pr prints for people[begin..end). */
static char *print_people(const lx_printer *pr, const lx_people *pp)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lx_print p;
    lx_print_init(&p, format_of(pr), f, NULL, false);
    assert_int_equal(pr->people(&p, pp, 0, pp->n), LX_OK);
    lx_print_release(&p);
    fclose(f);
    return buf;
}

static void test_people(void **state)
{
    (void)state;
    char *names[] = {"=cmd|' /C calc'!A0", "Eve\x1b[2J"};
    lx_person v[] = {{.addr = "eve@example.org", .names = names, .n_names = 2, .messages = 3,
                      .verified = 1, .first = 1000, .last = 1492000000},
                     {.addr = "nobody@example.org", .messages = 1, .first = NAN, .last = NAN}};
    lx_people pp = {.v = v, .n = 2, .kind = LX_PEOPLE_SENDERS};
    char *got = print_people(&lx_print_text, &pp);
    assert_string_equal(got, "MESSAGES VERIFIED  FIRST       LAST        ADDRESS  NAMES\n"
                             "       3        1  1970-01-01  2017-04-12  eve@example.org  "
                             "=cmd|' /C calc'!A0; Eve\\x1b[2J\n"
                             "       1        0  -           -           nobody@example.org\n");
    free(got);
    got = print_people(&lx_print_csv, &pp);
    assert_string_equal(got, "address,names,messages,verified,first,last\r\n"
                             "eve@example.org,\"'=cmd|' /C calc'!A0; Eve\\x1b[2J\",3,1,"
                             "1970-01-01T00:16:40Z,2017-04-12T12:26:40Z\r\n"
                             "nobody@example.org,,1,0,,\r\n");
    free(got);
    got = print_people(&lx_print_json, &pp);
    assert_string_equal(got, "{\"version\":1,\"kind\":\"senders\",\"total\":2,\"people\":[\n"
                             "{\"address\":\"eve@example.org\",\"names\":[\"=cmd|' /C calc'!A0\","
                             "\"Eve\\u001b[2J\"],\"messages\":3,\"verified\":1,\"first\":"
                             "\"1970-01-01T00:16:40Z\",\"last\":\"2017-04-12T12:26:40Z\"},\n"
                             "{\"address\":\"nobody@example.org\",\"names\":[],\"messages\":1,"
                             "\"verified\":0,\"first\":null,\"last\":null}\n]}\n");
    free(got);
}

static void test_batch_rows(void **state)
{
    (void)state;
    const lx_printer *pr[] = {&lx_print_text, &lx_print_csv, &lx_print_ndjson};
    const char *want[] = {"    HITS VERIFIED  QUERY\n       2        1  @SUM(1)\\x07\n",
                          "query,hits,verified\r\n\"'@SUM(1)\\x07\",2,1\r\n",
                          "{\"query\":\"@SUM(1)\\u0007\",\"hits\":2,\"verified\":1}\n"};
    for (size_t i = 0; i < 3; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        lx_print p;
        lx_print_init(&p, format_of(pr[i]), f, NULL, false);
        assert_int_equal(pr[i]->batch_begin(&p), LX_OK);
        assert_int_equal(pr[i]->batch_row(&p, "@SUM(1)\a", 2, 1), LX_OK);
        lx_print_release(&p);
        fclose(f);
        assert_string_equal(buf, want[i]);
        free(buf);
    }
}

/* show, as text: the verified status in words, the corroborations, the
 * body with the part a signature's l= leaves unsigned set apart. */
static void test_text_message(void **state)
{
    (void)state;
    lx_record r;
    lx_record_init(&r);
    static const char *const pairs[][2] = {
        {LX_DATA_SHA256, "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"},
        {LX_DATA_FROM_ADDRESS, "ann@example.org"},
        {LX_DATA_SUBJECT, ""},
        {LX_DATA_DKIM, "pass"},
        {LX_DATA_VERIFIED, "partial"},
        {LX_DATA_VERIFIED_REASON, "the signature covers 12 bytes of the body (l=)"},
        {LX_HIT_CHAIN, "mismatch\t1111111111111111\tpress.example\tthe quote differs"},
        {LX_HIT_CHAIN, "corroborated\t2222222222222222\t91\tcampaign.example\tfrom,date?"},
        {LX_DATA_BODY, "signed part\nadded \x1b[31mlater\n"},
        {LX_DATA_BODY_SIGNED_BYTES, "12"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        assert_int_equal(lx_record_add_str(&r, pairs[i][0], pairs[i][1]), LX_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    lx_print p;
    lx_print_init(&p, LX_FMT_TEXT, f, NULL, false);
    assert_int_equal(lx_print_text.message(&p, &r, 0), LX_OK);
    lx_print_release(&p);
    fclose(f);
    assert_string_equal(
        buf,
        "Id           fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\n"
        "Date         (none)\n"
        "From         ann@example.org\n"
        "Subject      \n"
        "DKIM         pass\n"
        "Verified     partial: the signature covers 12 bytes of the body (l=)\n"
        "Corroborated 91% of this message's text appears, quoted, in message 222222222222, "
        "which carries a valid DKIM signature from campaign.example; the quoted header agrees "
        "on its sender; its date could not be read.\n"
        "Mismatch     message 111111111111, which carries a valid DKIM signature from "
        "press.example, quotes this message with a difference: the quote differs.\n"
        "             corroborated is not verified: the signature is the quoting message's, "
        "not this message's.\n"
        "\n"
        "signed part\n"
        "--------- not signed: the text below was added after the part the DKIM signature "
        "covers (l=) ---------\n"
        "added \\x1b[31mlater\n"
        "\n");
    free(buf);
    lx_record_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_hit),
        cmocka_unit_test(test_json_hit),
        cmocka_unit_test(test_csv_hit),
        cmocka_unit_test(test_people),
        cmocka_unit_test(test_batch_rows),
        cmocka_unit_test(test_text_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
