/* test_document.c - the document build: exact data record and terms; lookups. */
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
#include "record.h"
#include "schema.h"
#include "testdir.h"

static const char MESSAGE[] = "From: Alice Martin <Alice.Martin@Campagne.example>\r\n"
                              "To: Bob <bob@example.org>, carol@example.org\r\n"
                              "Cc: Dan <dan@example.net>\r\n"
                              "Subject: R\xC3\xA9union budget\r\n"
                              "Date: Tue, 07 Mar 2017 10:30:00 +0100\r\n"
                              "Message-ID: <m1@campagne.example>\r\n"
                              "In-Reply-To: <m0@campagne.example>\r\n"
                              "References: <m0@campagne.example>\r\n"
                              "\r\n"
                              "Bonjour l'\xC3\xA9quipe,\r\n"
                              "le budget est pr\xC3\xAAt.\r\n";

/* An index in a new temporary directory. */
static lx_db *open_temp(char dir[64])
{
    snprintf(dir, 64, "/tmp/leakdex-test-document.XXXXXX");
    assert_non_null(mkdtemp(dir));
    lx_db *db = NULL;
    assert_int_equal(lx_db_open(dir, LX_DB_WRITE, &db, NULL), LX_OK);
    return db;
}

static void remove_temp(lx_db *db, const char *dir)
{
    lx_db_close(db);
    assert_int_equal(lx_testdir_remove(dir), 0);
}

/* Builds raw[0..len)'s document (found in an mbox, DKIM unchecked) and
 * writes it to db as the next document; sha gets its identity. */
static void build_and_put_raw(lx_db *db, const char *raw, size_t len,
                              char sha[LX_SHA256_HEX_LEN + 1])
{
    lx_message msg;
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(lx_message_parse(&msg, raw, len, &why), LX_OK);
    assert_int_equal(lx_sha256_hex(raw, len, sha), LX_OK);
    lx_attach_list att;
    lx_attach_list_init(&att);
    lx_location loc = {"/leak/inbox.mbox", true, 120, 400, NULL, NULL};
    lx_doc *doc = NULL;
    char fp[LX_SHA256_HEX_LEN + 1];
    assert_int_equal(lx_document_build(sha, len, &loc, &msg, &att, NULL, &doc, fp), LX_OK);
    assert_non_null(doc);
    assert_int_equal(lx_document_put(db, doc, fp, msg.message_id), LX_OK);
    lx_doc_free(doc);
    lx_attach_list_release(&att);
    lx_message_release(&msg);
    lx_strbuf_release(&why);
}

/* MESSAGE's document, as document 1. */
static void build_and_put(lx_db *db, char sha[LX_SHA256_HEX_LEN + 1])
{
    build_and_put_raw(db, MESSAGE, sizeof MESSAGE - 1, sha);
}

static void expect_term(lx_db *db, const char *term, bool want)
{
    bool has = !want;
    assert_int_equal(lx_db_has_term(db, 1, term, &has), LX_OK);
    if (has != want)
        fail_msg("term '%s': %s", term, has ? "present" : "missing");
}

/* Document 1's data parsed into rec (initialized here); returns the raw
 * data: release rec and free it. */
static char *read_data(lx_db *db, lx_record *rec)
{
    char *raw = NULL;
    size_t len = 0;
    assert_int_equal(lx_db_get_data(db, 1, &raw, &len), LX_OK);
    lx_record_init(rec);
    assert_int_equal(lx_record_parse(rec, raw, len), LX_OK);
    return raw;
}

static void test_data_record(void **state)
{
    (void)state;
    char dir[64], sha[LX_SHA256_HEX_LEN + 1];
    lx_db *db = open_temp(dir);
    build_and_put(db, sha);
    lx_record rec;
    char *raw = read_data(db, &rec);
    char size[24];
    snprintf(size, sizeof size, "%zu", sizeof MESSAGE - 1);
    const char *want[][2] = {
        {"sha256", sha},
        {LX_DATA_SIZE, size},
        {LX_DATA_DATE, "2017-03-07T09:30:00Z"},
        {LX_DATA_DATE_SOURCE, "header"},
        {"date_offset", "+01:00"},
        {LX_DATA_FROM_NAME, "Alice Martin"},
        {LX_DATA_FROM_ADDRESS, "Alice.Martin@Campagne.example"},
        {LX_DATA_TO, "bob@example.org\tBob"},
        {LX_DATA_TO, "carol@example.org\t"},
        {LX_DATA_CC, "dan@example.net\tDan"},
        {LX_DATA_SUBJECT, "R\xC3\xA9union budget"},
        {LX_DATA_MESSAGE_ID, "m1@campagne.example"},
        {LX_DATA_IN_REPLY_TO, "m0@campagne.example"},
        {LX_DATA_REFERENCES, "m0@campagne.example"},
        {LX_DATA_PATH, "/leak/inbox.mbox\t120\t400"},
        {LX_DATA_FINGERPRINT, NULL}, /* a SHA-256: checked for its form below */
        {LX_DATA_DKIM, "unchecked"},
        {LX_DATA_VERIFIED, "no"},
        {LX_DATA_BODY_SOURCE, "plain"},
        {LX_DATA_BODY_TRUNCATED, "no"},
        {LX_DATA_REPLACED_CHARACTERS, "0"},
        {LX_DATA_BODY, "Bonjour l'\xC3\xA9quipe,\nle budget est pr\xC3\xAAt.\n"},
    };
    size_t n = sizeof want / sizeof want[0];
    for (size_t i = 0; i < rec.n && i < n; i++) {
        assert_string_equal(rec.pairs[i].key, want[i][0]);
        if (want[i][1])
            assert_string_equal(rec.pairs[i].value, want[i][1]);
        else
            assert_int_equal(strlen(rec.pairs[i].value), LX_SHA256_HEX_LEN);
    }
    assert_int_equal(rec.n, n);
    lx_record_release(&rec);
    free(raw);
    remove_temp(db, dir);
}

static void test_terms(void **state)
{
    (void)state;
    char dir[64], sha[LX_SHA256_HEX_LEN + 1];
    lx_db *db = open_temp(dir);
    build_and_put(db, sha);
    static const struct {
        lx_field field;
        const char *value;
        bool present;
    } terms[] = {
        {LX_F_YEAR, "2017", true},
        {LX_F_MONTH, "2017-03", true},
        {LX_F_FROM_DOMAIN, "campagne.example", true},
        {LX_F_FROM_ADDR, "alice.martin@campagne.example", true},
        {LX_F_TO_ADDR, "dan@example.net", true},
        {LX_F_MESSAGE_ID, "m1@campagne.example", true},
        /* Words folded: accents gone, elisions split. */
        {LX_F_SUBJECT, "reunion", true},
        {LX_F_BODY, "equipe", true},
        {LX_F_BODY, "\xC3\xA9quipe", false},
        /* Unchecked DKIM leaves no verdict term; no attachment, no
         * has:attachment. */
        {LX_F_DKIM, "unchecked", false},
        {LX_F_HAS, "attachment", false},
    };
    char term[128];
    snprintf(term, sizeof term, "%s%s", lx_schema_prefix(LX_F_SHA256), sha);
    expect_term(db, term, true);
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        snprintf(term, sizeof term, "%s%s", lx_schema_prefix(terms[i].field), terms[i].value);
        expect_term(db, term, terms[i].present);
    }
    remove_temp(db, dir);
}

/* qwerty_3's recipients (a name without any address, an SMTP one, an
 * Exchange one with its SMTP address) converted from Outlook: the name
 * alone is shown (the to data) and found (to: and free words). */
static void test_outlook_name_only(void **state)
{
    (void)state;
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    m.message_class = strdup("IPM.Note");
    m.subject = strdup("qwerty");
    m.rcpt = calloc(3, sizeof *m.rcpt);
    assert_non_null(m.rcpt);
    m.n_rcpt = 3;
    m.rcpt[0] = (lx_mapi_rcpt){LX_RCPT_TO, strdup("asdf"), NULL, NULL};
    m.rcpt[1] = (lx_mapi_rcpt){LX_RCPT_CC, strdup("Johnathan"), strdup("johnno@nowhere.com"), NULL};
    m.rcpt[2] =
        (lx_mapi_rcpt){LX_RCPT_CC, strdup("Lowe, Charles"), strdup("Charles.Lowe@freehills.com"),
                       strdup("/O=FREEHILLS/OU=FIRST ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=LOWEC")};
    m.body = strdup("hello");
    lx_strbuf eml;
    lx_strbuf_init(&eml);
    assert_int_equal(lx_mapi_to_eml(&m, "msg", &eml), LX_OK);
    char dir[64], sha[LX_SHA256_HEX_LEN + 1];
    lx_db *db = open_temp(dir);
    build_and_put_raw(db, eml.buf, eml.len, sha);
    lx_record rec;
    char *raw = read_data(db, &rec);
    const char *want[][2] = {{LX_DATA_TO, "\tasdf"},
                             {LX_DATA_CC, "johnno@nowhere.com\tJohnathan"},
                             {LX_DATA_CC, "Charles.Lowe@freehills.com\tLowe, Charles"}};
    size_t k = 0;
    for (size_t i = 0; i < rec.n; i++) {
        if (strcmp(rec.pairs[i].key, LX_DATA_TO) != 0 && strcmp(rec.pairs[i].key, LX_DATA_CC) != 0)
            continue;
        assert_true(k < 3);
        assert_string_equal(rec.pairs[i].key, want[k][0]);
        assert_string_equal(rec.pairs[i].value, want[k][1]);
        k++;
    }
    assert_int_equal(k, 3);
    char term[128];
    snprintf(term, sizeof term, "%sasdf", lx_schema_prefix(LX_F_TO));
    expect_term(db, term, true);
    snprintf(term, sizeof term, "%sasdf", lx_schema_prefix(LX_F_PEOPLE));
    expect_term(db, term, true);
    snprintf(term, sizeof term, "%sjohnno@nowhere.com", lx_schema_prefix(LX_F_TO_ADDR));
    expect_term(db, term, true);
    snprintf(term, sizeof term, "%s", lx_schema_prefix(LX_F_TO_ADDR));
    expect_term(db, term, false);
    lx_record_release(&rec);
    free(raw);
    remove_temp(db, dir);
    lx_strbuf_release(&eml);
    lx_mapi_msg_release(&m);
}

/* The same message found again: at another location it is a duplicate
 * (its path recorded), at a known one it is known. */
static void test_lookup(void **state)
{
    (void)state;
    char dir[64], sha[LX_SHA256_HEX_LEN + 1];
    lx_db *db = open_temp(dir);
    build_and_put(db, sha);
    lx_document_seen seen;
    lx_location same = {"/leak/inbox.mbox", true, 120, 400, NULL, NULL};
    lx_location other = {"/leak/cur/1.eml", false, 0, 300, NULL, NULL};
    assert_int_equal(lx_document_lookup(db, sha, &same, &seen), LX_OK);
    assert_int_equal(seen, LX_SEEN_KNOWN);
    assert_int_equal(lx_document_lookup(db, sha, &other, &seen), LX_OK);
    assert_int_equal(seen, LX_SEEN_DUPLICATE);
    assert_int_equal(lx_document_lookup(db, sha, &other, &seen), LX_OK);
    assert_int_equal(seen, LX_SEEN_KNOWN);
    assert_int_equal(lx_document_lookup(db, "00", &other, &seen), LX_OK);
    assert_int_equal(seen, LX_SEEN_NEW);
    lx_record rec;
    char *raw = read_data(db, &rec);
    assert_true(lx_record_has(&rec, LX_DATA_PATH, "/leak/inbox.mbox\t120\t400"));
    assert_true(lx_record_has(&rec, LX_DATA_PATH, "/leak/cur/1.eml"));
    lx_record_release(&rec);
    free(raw);
    remove_temp(db, dir);
}

/* A converted Outlook item: its location's steps, converted and converter
 * recorded, DKIM none with the reason, its transport headers' signature
 * listed unchecked with the same reason (lx_dkim_converted: no key store). */
static void test_converted(void **state)
{
    (void)state;
    static const char eml[] = "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1; h=from;\r\n"
                              " bh=AAAA; b=BBBB\r\n"
                              "From: Alice <alice@example.org>\r\n"
                              "Subject: converted\r\n"
                              "\r\n"
                              "text\r\n";
    lx_message msg;
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(lx_message_parse(&msg, eml, sizeof eml - 1, &why), LX_OK);
    lx_dkim_verdict v;
    assert_int_equal(lx_dkim_converted(eml, sizeof eml - 1, &v), LX_OK);
    assert_int_equal(v.verdict, LX_VERDICT_NONE);
    assert_int_equal(v.verified, LX_VERIFIED_NO);
    assert_int_equal(v.n, 1);
    assert_int_equal(v.sigs[0].result, LX_VERDICT_UNCHECKED);
    assert_string_equal(v.sigs[0].reason, LX_CONVERTED_DKIM_REASON);
    lx_attach_list att;
    lx_attach_list_init(&att);
    lx_location loc = {"/leak/a.pst", false, 0, sizeof eml - 1, "\t/Top\t#2097188", "pst"};
    lx_doc *doc = NULL;
    char fp[LX_SHA256_HEX_LEN + 1];
    const char *identity = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert_int_equal(lx_document_build(identity, sizeof eml - 1, &loc, &msg, &att, &v, &doc, fp),
                     LX_OK);
    char dir[64];
    lx_db *db = open_temp(dir);
    assert_int_equal(lx_document_put(db, doc, fp, msg.message_id), LX_OK);
    char *raw = NULL;
    size_t len = 0;
    assert_int_equal(lx_db_get_data(db, 1, &raw, &len), LX_OK);
    lx_record rec;
    lx_record_init(&rec);
    assert_int_equal(lx_record_parse(&rec, raw, len), LX_OK);
    assert_string_equal(lx_record_get(&rec, LX_DATA_SHA256), identity);
    assert_string_equal(lx_record_get(&rec, LX_DATA_PATH), "/leak/a.pst\t/Top\t#2097188");
    assert_string_equal(lx_record_get(&rec, LX_DATA_CONVERTED), "pst");
    assert_string_equal(lx_record_get(&rec, LX_DATA_CONVERTER), "leakdex-outlook/1");
    assert_string_equal(lx_record_get(&rec, LX_DATA_DKIM), "none");
    assert_string_equal(lx_record_get(&rec, LX_DATA_VERIFIED), "no");
    assert_string_equal(lx_record_get(&rec, LX_DATA_VERIFIED_REASON),
                        "converted by Outlook: the signed bytes are gone");
    const char *sig = lx_record_get(&rec, LX_DATA_DKIM_SIG);
    assert_non_null(sig);
    assert_memory_equal(sig, "example.org\ts1\trsa-sha256\t", 24);
    assert_non_null(strstr(sig, "\tunchecked\tconverted by Outlook: the signed bytes are gone\t"));
    lx_record_release(&rec);
    free(raw);
    remove_temp(db, dir);
    lx_doc_free(doc);
    lx_dkim_verdict_release(&v);
    lx_attach_list_release(&att);
    lx_message_release(&msg);
    lx_strbuf_release(&why);
}

int main(void)
{
    lx_message_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_record),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_outlook_name_only),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_converted),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    lx_message_library_shutdown();
    return rc;
}
