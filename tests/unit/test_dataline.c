/* test_dataline.c - the decoders of a document's stored lines: signatures, attachments, corroborations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dataline.h"
#include "hitkeys.h"
#include "record.h"
#include "schema.h"

/* The span's text, for comparing. */
static const char *text(lx_span s)
{
    static char buf[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%.*s", (int)s.n, s.s);
    return buf[k];
}

/* The field enums name the schema's fields in its order. */
static void test_enums_follow_the_schema(void **state)
{
    (void)state;
    static const char *const sig[] = {"domain",     "selector",       "algorithm", "canonicalization",
                                      "identity",   "result",         "reason",    "key_bits",
                                      "weak",       "key_record",     "key_source", "unsigned_bytes",
                                      "t",          "x",              "aligned",   "mbox_form"};
    assert_int_equal(LX_SIG_MBOX_FORM + 1, LX_DKIM_SIG_NFIELDS);
    for (size_t k = 0; k < LX_DKIM_SIG_NFIELDS; k++)
        assert_string_equal(lx_dkim_sig_fields[k], sig[k]);
    assert_string_equal(lx_dkim_sig_fields[LX_SIG_RESULT], "result");
    assert_string_equal(lx_dkim_sig_fields[LX_SIG_WEAK], "weak");
    assert_int_equal(LX_ATT_OCR_PAGES + 1, LX_ATTACH_NFIELDS);
    assert_string_equal(lx_attach_fields[LX_ATT_N], "n");
    assert_string_equal(lx_attach_fields[LX_ATT_PARENT], "parent");
    assert_string_equal(lx_attach_fields[LX_ATT_NAME], "name");
    assert_string_equal(lx_attach_fields[LX_ATT_TYPE], "type");
    assert_string_equal(lx_attach_fields[LX_ATT_SNIFFED_TYPE], "sniffed_type");
    assert_string_equal(lx_attach_fields[LX_ATT_SIZE], "size");
    assert_string_equal(lx_attach_fields[LX_ATT_SHA256], "sha256");
    assert_string_equal(lx_attach_fields[LX_ATT_STATUS], "status");
    assert_string_equal(lx_attach_fields[LX_ATT_TEXT_BYTES], "text_bytes");
    assert_string_equal(lx_attach_fields[LX_ATT_OCR_CONFIDENCE], "ocr_confidence");
    assert_string_equal(lx_attach_fields[LX_ATT_OCR_LANGUAGE], "ocr_language");
    assert_string_equal(lx_attach_fields[LX_ATT_OCR_PAGES], "ocr_pages");
}

static void test_sig_line(void **state)
{
    (void)state;
    lx_sig_line s;
    lx_dataline_sig("example.org\tsel1\trsa-sha256\trelaxed/simple\t@example.org\tpass\t\t1024"
                    "\tno\t0\tkeys.txt\t-1\t1490000000\t\tyes\tstored",
                    &s);
    assert_string_equal(text(s.f[LX_SIG_DOMAIN]), "example.org");
    assert_string_equal(text(s.f[LX_SIG_SELECTOR]), "sel1");
    assert_string_equal(text(s.f[LX_SIG_CANONICALIZATION]), "relaxed/simple");
    assert_string_equal(text(s.f[LX_SIG_RESULT]), "pass");
    assert_int_equal(s.f[LX_SIG_REASON].n, 0);
    assert_string_equal(text(s.f[LX_SIG_KEY_BITS]), "1024");
    assert_true(lx_span_is(s.f[LX_SIG_ALIGNED], "yes"));
    assert_false(lx_span_is(s.f[LX_SIG_WEAK], "yes"));
    assert_string_equal(text(s.f[LX_SIG_UNSIGNED_BYTES]), "-1");
    assert_false(lx_span_is_number(s.f[LX_SIG_UNSIGNED_BYTES]));
    assert_true(lx_span_is_number(s.f[LX_SIG_T]));
    assert_string_equal(text(s.f[LX_SIG_MBOX_FORM]), "stored");
    assert_int_equal(lx_dataline_sig_kind(LX_SIG_KEY_BITS), LX_DL_NUMBER);
    assert_int_equal(lx_dataline_sig_kind(LX_SIG_WEAK), LX_DL_YESNO);
    assert_int_equal(lx_dataline_sig_kind(LX_SIG_DOMAIN), LX_DL_TEXT);

    /* A short line: the missing fields are empty. */
    lx_dataline_sig("only.example\tsel", &s);
    assert_string_equal(text(s.f[LX_SIG_DOMAIN]), "only.example");
    assert_string_equal(text(s.f[LX_SIG_SELECTOR]), "sel");
    assert_int_equal(s.f[LX_SIG_ALGORITHM].n, 0);
    assert_int_equal(s.f[LX_SIG_MBOX_FORM].n, 0);
}

static void test_attachment_lines(void **state)
{
    (void)state;
    lx_record rec;
    lx_record_init(&rec);
    assert_int_equal(lx_record_add_str(&rec, LX_DATA_SUBJECT, "s"), LX_OK);
    assert_int_equal(lx_record_add_str(&rec, LX_DATA_ATTACHMENT,
                                       "1\t0\tbudget.zip\tapplication/zip\tapplication/zip\t2048\t"
                                       "ab12\tok\t0"),
                     LX_OK);
    assert_int_equal(lx_record_add_str(&rec, LX_DATA_ATTACHMENT,
                                       "2\t1\tnotes.txt\ttext/plain\t\t11\tcd34\ttext\t11"),
                     LX_OK);
    assert_int_equal(lx_record_add_str(&rec, LX_DATA_ATTACHMENT,
                                       "3\t0\tscan.png\timage/png\timage/png\t9000\tef56\tocr\t"
                                       "120\t91\tfra+eng\t2"),
                     LX_OK);
    lx_attachment_line a;
    /* A line of schema 12 (9 fields): the ocr fields are empty. */
    assert_true(lx_dataline_attachment_find(&rec, 2, &a));
    assert_int_equal(a.f[LX_ATT_OCR_CONFIDENCE].n, 0);
    assert_int_equal(a.f[LX_ATT_OCR_LANGUAGE].n, 0);
    assert_int_equal(a.f[LX_ATT_OCR_PAGES].n, 0);
    assert_true(lx_dataline_attachment_find(&rec, 3, &a));
    assert_string_equal(text(a.f[LX_ATT_STATUS]), "ocr");
    assert_string_equal(text(a.f[LX_ATT_TEXT_BYTES]), "120");
    assert_string_equal(text(a.f[LX_ATT_OCR_CONFIDENCE]), "91");
    assert_string_equal(text(a.f[LX_ATT_OCR_LANGUAGE]), "fra+eng");
    assert_string_equal(text(a.f[LX_ATT_OCR_PAGES]), "2");
    assert_int_equal(lx_dataline_attachment_kind(LX_ATT_OCR_CONFIDENCE), LX_DL_NUMBER);
    assert_int_equal(lx_dataline_attachment_kind(LX_ATT_OCR_LANGUAGE), LX_DL_TEXT);
    assert_int_equal(lx_dataline_attachment_kind(LX_ATT_OCR_PAGES), LX_DL_NUMBER);
    assert_true(lx_dataline_attachment_find(&rec, 2, &a));
    assert_string_equal(text(a.f[LX_ATT_N]), "2");
    assert_string_equal(text(a.f[LX_ATT_PARENT]), "1");
    assert_string_equal(text(a.f[LX_ATT_NAME]), "notes.txt");
    assert_int_equal(a.f[LX_ATT_SNIFFED_TYPE].n, 0);
    assert_string_equal(text(a.f[LX_ATT_SIZE]), "11");
    assert_string_equal(text(a.f[LX_ATT_STATUS]), "text");
    assert_string_equal(text(a.f[LX_ATT_TEXT_BYTES]), "11");
    assert_true(lx_dataline_attachment_find(&rec, 1, &a));
    assert_string_equal(text(a.f[LX_ATT_NAME]), "budget.zip");
    assert_false(lx_dataline_attachment_find(&rec, 4, &a));
    assert_false(lx_dataline_attachment_find(&rec, 0, &a));
    assert_int_equal(lx_dataline_attachment_kind(LX_ATT_SIZE), LX_DL_NUMBER);
    assert_int_equal(lx_dataline_attachment_kind(LX_ATT_SHA256), LX_DL_TEXT);
    lx_record_release(&rec);
}

static void test_chain_lines(void **state)
{
    (void)state;
    lx_chain_line c;
    lx_dataline_chain("corroborated\t0123456789abcdef\t91\tcampagne.example\tfrom,date?,subject", &c);
    assert_int_equal(c.kind, LX_CHAIN_CORROBORATED);
    assert_string_equal(text(c.sha256), "0123456789abcdef");
    assert_int_equal(c.coverage, 91);
    assert_string_equal(text(c.signer), "campagne.example");
    assert_string_equal(text(c.header), "from,date?,subject");

    /* A mismatch's reason is the rest of the line, tabs and all. */
    lx_dataline_chain("mismatch\tfedcba\tpresse.example\tthe date differs\tand more", &c);
    assert_int_equal(c.kind, LX_CHAIN_MISMATCH);
    assert_string_equal(text(c.sha256), "fedcba");
    assert_string_equal(text(c.signer), "presse.example");
    assert_string_equal(text(c.reason), "the date differs\tand more");

    lx_dataline_chain("corroboratedX\tabc", &c);
    assert_int_equal(c.kind, LX_CHAIN_OTHER);

    lx_record rec;
    lx_record_init(&rec);
    assert_string_equal(lx_dataline_chain_status(&rec), "none");
    assert_int_equal(lx_record_add_str(&rec, LX_HIT_CHAIN, "mismatch\tfe\tp.example\twhy"), LX_OK);
    assert_string_equal(lx_dataline_chain_status(&rec), "mismatch");
    assert_int_equal(lx_record_add_str(&rec, LX_HIT_CHAIN, "corroborated\tab\t90\tq.example\tnone"),
                     LX_OK);
    assert_string_equal(lx_dataline_chain_status(&rec), "corroborated");
    lx_record_release(&rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enums_follow_the_schema),
        cmocka_unit_test(test_sig_line),
        cmocka_unit_test(test_attachment_lines),
        cmocka_unit_test(test_chain_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
