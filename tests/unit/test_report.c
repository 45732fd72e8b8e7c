/* test_report.c - the completeness report: sources, reasons and notes counted, printed exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "attach.h"
#include "report.h"

/* What lx_report_print (passes: lx_report_print_passes) prints for r. */
static char *printed(const lx_report *r, bool passes)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    if (passes)
        lx_report_print_passes(r, out);
    else
        lx_report_print(r, out, 1.5);
    fclose(out);
    return buf;
}

static void test_sources_and_reasons(void **state)
{
    (void)state;
    lx_report r;
    lx_report_init(&r);
    lx_source_stats *d = lx_report_source(&r, "/leak/loose", LX_SOURCE_DIR);
    assert_non_null(d);
    d->found = 3;
    d->indexed = 2;
    lx_report_skip(d, "not a mail message (no header block)", 1);
    lx_report_skip(d, "message larger than 256 MiB", 0);
    lx_report_skip(d, "message larger than 256 MiB", 0);
    lx_report_note(d, "a header line was cut");
    lx_source_stats *m = lx_report_source(&r, "/leak/inbox.mbox", LX_SOURCE_MBOX);
    m->found = 4;
    m->indexed = 1;
    m->duplicates = 2;
    m->known = 1;
    m->no_date = 1;
    /* The same source again is the same stats; a directory holding only
     * mbox files has no line of its own. */
    assert_ptr_equal(lx_report_source(&r, "/leak/loose", LX_SOURCE_DIR), &r.v[0]);
    assert_non_null(lx_report_source(&r, "/leak/empty", LX_SOURCE_DIR));
    assert_int_equal(r.n, 3);
    r.jobs = 4;
    r.att_total = 3;
    r.att_text = 1;
    r.att_skipped = 2;
    lx_report_attachment(&r, "skipped: no text in image/png");
    lx_report_attachment(&r, "skipped: no text in image/png");
    r.dkim_checked = true;
    r.dkim[LX_VERDICT_PASS] = 2;
    r.dkim[LX_VERDICT_NONE] = 1;
    r.verified = 1;
    r.partial = 1;
    char *got = printed(&r, false);
    assert_string_equal(
        got, "kind      found indexed duplicate already skipped files*  source\n"
             "dir           3       2         0       0       2      1  /leak/loose\n"
             "          skipped 1: not a mail message (no header block)\n"
             "          skipped 2: message larger than 256 MiB\n"
             "          noted 1: a header line was cut\n"
             "mbox          4       1         2       1       0      0  /leak/inbox.mbox\n"
             "(files*: files or folders that hold no message and were not indexed)\n"
             "total: 7 messages found: 3 indexed, 2 duplicates, 1 already indexed, 2 skipped; 1 "
             "files skipped; 1.50 s\n"
             "jobs: 4 worker threads parsed the messages, one wrote the index\n"
             "dates: 0 from the Received header (no usable Date), 1 without any date\n"
             "attachments: 3 (nested ones included): 1 with text, 0 truncated, 0 stopped by a "
             "limit, 2 skipped, 0 failed; 0 identical to one read earlier\n"
             "          2: skipped: no text in image/png\n"
             "dkim: 2 pass (0 with a weak key), 0 fail, 0 nokey, 0 invalid, 1 unsigned\n"
             "verified: 1 (signed by the sender's domain: From, Subject, Date and the whole "
             "body), 1 signed in part\n");
    free(got);
    /* A segment run: its writers and segments. */
    r.writers = 3;
    r.segments = 12;
    r.merge_seconds = 0.5;
    got = printed(&r, false);
    assert_non_null(strstr(got, "1.50 s\njobs: 4 worker threads parsed the messages, 3 wrote 12 "
                                "segments merged in input order in 0.50 s\ndates: "));
    free(got);
    lx_report_release(&r);
    assert_int_equal(r.n, 0);
}

static void test_passes(void **state)
{
    (void)state;
    lx_report r;
    lx_report_init(&r);
    char *got = printed(&r, true);
    assert_string_equal(got, "");
    free(got);
    r.threaded = true;
    r.thread.threads = 3;
    r.thread.messages = 7;
    r.thread.by_subject = 1;
    r.thread.relinked = 2;
    r.chained = true;
    r.chain.corroborated = 2;
    r.chain.mismatched = 1;
    r.chain.quoting = 4;
    r.chain.pairs = 9;
    r.chain.rewritten = 3;
    r.chain_seconds = 0.25;
    got = printed(&r, true);
    assert_string_equal(
        got, "threads: 3 conversations in 7 messages (1 replies joined by subject alone); 2 "
             "messages moved to another thread\n"
             "chains: 2 messages corroborated by verified messages that quote them (not "
             "verified themselves), 1 with a mismatch; 4 verified messages quote, 9 pairs "
             "compared, 3 documents updated; 0.25 s\n");
    free(got);
    /* Links not followed, and an incremental chain pass, are said. */
    r.thread.not_ids = 1;
    r.thread.cut_off = 2;
    r.chain.incremental = true;
    r.chain.fresh = 5;
    got = printed(&r, true);
    assert_string_equal(
        got, "threads: 3 conversations in 7 messages (1 replies joined by subject alone; links "
             "not followed: 1 messages naming a parent by an id that is no Message-ID, 0 parent "
             "ids shared by strangers, 2 messages cut off from them); 2 messages moved to "
             "another thread\n"
             "chains: 2 messages corroborated by verified messages that quote them (not "
             "verified themselves), 1 with a mismatch; incremental, 5 messages new or moved to "
             "another thread: 4 verified messages quote, 9 pairs compared, 3 documents updated; "
             "0.25 s\n");
    free(got);
    lx_report_release(&r);
}

/* What lx_report_print_scans prints for r. */
static char *printed_scans(const lx_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    lx_report_print_scans(r, out);
    fclose(out);
    return buf;
}

/* The scans' line: counted once per distinct file, "scanned:" without
 * --ocr (nothing when none), "ocr:" with it. */
static void test_scans(void **state)
{
    (void)state;
    lx_report r;
    lx_report_init(&r);
    char *text = printed_scans(&r);
    assert_string_equal(text, "");
    free(text);
    lx_attachment pdf = {.filetype = (char *)"pdf", .reason = (char *)"", .status = LX_ATT_SCANNED,
                         .scanned_pages = 2, .ocr_confidence = -1};
    lx_attachment png = {.filetype = (char *)"image", .reason = (char *)"",
                         .status = LX_ATT_SCANNED, .ocr_confidence = -1};
    lx_report_scan(&r, &pdf, true);
    lx_report_scan(&r, &png, true);
    lx_report_scan(&r, &png, false); /* a copy */
    text = printed_scans(&r);
    assert_string_equal(text, "scanned: 2 attachments look scanned (2 PDF pages without text, 1 "
                              "image); leakdex-index --ocr reads them\n");
    free(text);
    lx_report_release(&r);

    lx_report_init(&r);
    r.ocr = true;
    r.ocr_lang = "fra+eng";
    text = printed_scans(&r);
    assert_string_equal(text, "ocr: 0 attachments read by OCR (0 pages, fra+eng) in 0.0 s; 0 "
                              "failed, 0 skipped (too small)\n");
    free(text);
    lx_attachment a = {.filetype = (char *)"pdf", .reason = (char *)"", .status = LX_ATT_OCR,
                       .ocr_pages = 3, .ocr_confidence = 90, .ocr_seconds = 4.5};
    lx_attachment b = {.filetype = (char *)"image", .reason = (char *)"", .status = LX_ATT_OCR,
                       .ocr_pages = 1, .ocr_confidence = 94, .ocr_seconds = 1.25};
    lx_attachment fail = {.filetype = (char *)"image",
                          .reason = (char *)"OCR: the extractor crashed (signal 11)",
                          .status = LX_ATT_FAILED,
                          .ocr_confidence = -1,
                          .ocr_seconds = 0.25};
    lx_attachment logo = {.filetype = (char *)"image",
                          .reason = (char *)"no text in image: 120×40 pixels, too small",
                          .status = LX_ATT_SKIPPED,
                          .ocr_confidence = -1,
                          .ocr_small = true};
    lx_report_scan(&r, &a, true);
    lx_report_scan(&r, &b, true);
    lx_report_scan(&r, &b, false);
    lx_report_scan(&r, &fail, true);
    lx_report_scan(&r, &logo, true);
    text = printed_scans(&r);
    assert_string_equal(text, "ocr: 2 attachments read by OCR (4 pages, mean confidence 91 %, "
                              "fra+eng) in 6.0 s; 1 failed, 1 skipped (too small)\n");
    free(text);
    lx_report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sources_and_reasons),
        cmocka_unit_test(test_passes),
        cmocka_unit_test(test_scans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
