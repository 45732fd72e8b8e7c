/* test_attach.c - the RTF and TNEF readers, archive limits, the helper sandbox,
 * text told by content. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "attach.h"
#include "rtf.h"
#include "sandbox.h"
#include "tnef.h"
#include "unpack.h"
#include "utf8.h"

static void test_rtf_table(void **state)
{
    static const struct {
        const char *rtf;
        const char *text;
    } cases[] = {
        {"{\\rtf1\\ansi Hello\\par World}", "Hello\nWorld"},
        /* \'hh in the code page; \ansicpg changes it. */
        {"{\\rtf1\\ansi caf\\'e9}", "café"},
        {"{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8}", "При"},
        /* \uN with its fallback skipped (\uc1 by default, \uc2 here). */
        {"{\\rtf1 pr\\u233?fet}", "préfet"},
        {"{\\rtf1\\uc2 a\\u8212??b}", "a—b"},
        /* A surrogate pair, as Word writes characters past U+FFFF. */
        {"{\\rtf1 \\u-10179?\\u-8704?}", "😀"},
        /* Destinations that are not text. */
        {"{\\rtf1{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0;}{\\*\\generator X;}Text}", "Text"},
        {"{\\rtf1{\\info{\\title T}}{\\pict 0102}{\\*\\unknown u}ok}", "ok"},
        /* Fields: the result, not the instruction. */
        {"{\\rtf1{\\field{\\*\\fldinst HYPERLINK x}{\\fldrslt link}}}", "link"},
        /* Escaped braces and backslashes; tabs and cells. */
        {"{\\rtf1 a\\{b\\}c\\\\d\\tab e\\cell f}", "a{b}c\\d\te\tf"},
        /* Unbalanced braces and a cut control word. */
        {"}}}{\\rtf1 x}}}{{{y", "xy"},
        {"{\\rtf1 end\\", "end"},
        {"{\\rtf1 bad hex \\'zz ok}", "bad hex zz ok"},
        /* \bin skips binary data. */
        {"{\\rtf1 a\\bin3 \xff\x00\xfe b}", "a b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf out;
        lx_strbuf_init(&out);
        size_t len = strlen(cases[i].rtf);
        if (strstr(cases[i].rtf, "\\bin3"))
            len = strlen("{\\rtf1 a\\bin3 ") + 3 + strlen(" b}");
        assert_int_equal(lx_rtf_text(cases[i].rtf, len, 1000, &out), LX_OK);
        assert_string_equal(out.buf, cases[i].text);
        lx_strbuf_release(&out);
    }
}

static void test_rtf_deep_and_long(void **state)
{
    /* Nesting far past the limit, and text past the bound: no crash, valid
     * UTF-8, bounded output. */
    lx_strbuf in, out;
    lx_strbuf_init(&in);
    lx_strbuf_init(&out);
    for (int i = 0; i < 100000; i++)
        lx_strbuf_addch(&in, '{');
    lx_strbuf_addstr(&in, "deep\\'ff");
    for (int i = 0; i < 100000; i++)
        lx_strbuf_addch(&in, '}');
    for (int i = 0; i < 10000; i++)
        lx_strbuf_addstr(&in, "word ");
    assert_int_equal(lx_rtf_text(in.buf, in.len, 100, &out), LX_OK);
    assert_true(lx_utf8_valid(out.buf, out.len));
    assert_true(out.len < 200);
    assert_int_equal(strncmp(out.buf, "deepÿ", strlen("deepÿ")), 0);
    lx_strbuf_release(&in);
    lx_strbuf_release(&out);
}

/* A TNEF attribute: level, id, length, data, checksum. */
static void attr(lx_strbuf *sb, unsigned level, uint32_t id, const char *data, size_t n)
{
    unsigned char h[9] = {
        (unsigned char)level,      (unsigned char)id,         (unsigned char)(id >> 8),
        (unsigned char)(id >> 16), (unsigned char)(id >> 24), (unsigned char)n,
        (unsigned char)(n >> 8),   (unsigned char)(n >> 16),  (unsigned char)(n >> 24)};
    lx_strbuf_add(sb, h, 9);
    lx_strbuf_add(sb, data, n);
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)data[i];
    unsigned char c[2] = {(unsigned char)sum, (unsigned char)(sum >> 8)};
    lx_strbuf_add(sb, c, 2);
}

typedef struct files {
    char names[4][32];
    char data[4][32];
    size_t n;
} files;

static int on_file(void *ctx, const char *title, const char *data, size_t len)
{
    files *f = ctx;
    if (f->n < 4) {
        snprintf(f->names[f->n], sizeof f->names[0], "%s", title);
        snprintf(f->data[f->n], sizeof f->data[0], "%.*s", (int)len, data);
    }
    f->n++;
    return 0;
}

static void test_tnef(void **state)
{
    lx_strbuf t, body, why;
    lx_strbuf_init(&t);
    lx_strbuf_init(&body);
    lx_strbuf_init(&why);
    lx_strbuf_add(&t, "\x78\x9f\x3e\x22\x01\x00", 6);
    attr(&t, 1, 0x0002800C, "the body\0", 9);
    attr(&t, 2, 0x00069002, "\x01\x00", 2);
    attr(&t, 2, 0x00018010, "a.txt\0", 6);
    attr(&t, 2, 0x0006800F, "AAA", 3);
    attr(&t, 2, 0x00069002, "\x01\x00", 2);
    attr(&t, 2, 0x00018010, "b.txt\0", 6);
    attr(&t, 2, 0x0006800F, "BB", 2);
    files f;
    memset(&f, 0, sizeof f);
    assert_int_equal(lx_tnef_each(t.buf, t.len, on_file, &f, &body, &why), LX_OK);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.names[0], "a.txt");
    assert_string_equal(f.data[0], "AAA");
    assert_string_equal(f.names[1], "b.txt");
    assert_string_equal(f.data[1], "BB");
    assert_string_equal(body.buf, "the body");
    /* Cut short inside the second file's data: the first is still read. */
    memset(&f, 0, sizeof f);
    lx_strbuf_reset(&body);
    assert_int_equal(lx_tnef_each(t.buf, t.len - 4, on_file, &f, &body, &why), LX_E_PARSE);
    assert_int_equal(f.n, 1);
    assert_string_equal(why.buf, "TNEF cut short in an attribute");
    /* Not TNEF at all; a length that points past the end. */
    lx_strbuf_reset(&why);
    assert_int_equal(lx_tnef_each("PK\3\4xxxx", 8, on_file, &f, NULL, &why), LX_E_PARSE);
    lx_strbuf_reset(&t);
    lx_strbuf_add(&t, "\x78\x9f\x3e\x22\x01\x00\x02\x0f\x80\x06\x00\xff\xff\xff\xff", 15);
    memset(&f, 0, sizeof f);
    assert_int_equal(lx_tnef_each(t.buf, t.len, on_file, &f, NULL, &why), LX_E_PARSE);
    assert_int_equal(f.n, 0);
    lx_strbuf_release(&t);
    lx_strbuf_release(&body);
    lx_strbuf_release(&why);
}

static int count_member(void *ctx, const char *name, const char *data, size_t len, bool too_big)
{
    (*(size_t *)ctx)++;
    return 0;
}

static void test_unpack_not_an_archive(void **state)
{
    lx_unpack_limits lim = {1000, 10, 100, 1000, NULL, 0};
    lx_unpack_end end;
    size_t n = 0;
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(
        lx_unpack_each("hello, not a zip", 16, false, &lim, count_member, &n, &end, &why), LX_OK);
    assert_int_equal(end, LX_UNPACK_DAMAGED);
    assert_int_equal(n, 0);
    assert_true(why.len > 0);
    lx_strbuf_release(&why);
}

static void test_sandbox(void **state)
{
    lx_sandbox_limits lim = {2, 0, 1 << 20};
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    /* Input in, output out. */
    const char *cat[] = {"cat", NULL};
    assert_int_equal(lx_sandbox_run(cat, "abc", 3, &lim, &out, &why), LX_SANDBOX_OK);
    assert_string_equal(out.buf, "abc");
    /* Output past the limit: cut, the helper stopped. */
    lx_sandbox_limits small = {2, 0, 10};
    lx_strbuf_reset(&out);
    const char *yes[] = {"yes", NULL};
    assert_int_equal(lx_sandbox_run(yes, "", 0, &small, &out, &why), LX_SANDBOX_TRUNCATED);
    assert_int_equal(out.len, 10);
    /* A helper that hangs is killed at the time limit. */
    lx_sandbox_limits quick = {1, 0, 100};
    lx_strbuf_reset(&out);
    const char *sleep_argv[] = {"sleep", "30", NULL};
    time_t t0 = time(NULL);
    assert_int_equal(lx_sandbox_run(sleep_argv, "", 0, &quick, &out, &why), LX_SANDBOX_FAILED);
    assert_true(time(NULL) - t0 < 5);
    assert_string_equal(why.buf, "extraction took longer than 1 s");
    /* Its own reason, from stderr; a crash; a program that is not there. */
    lx_strbuf_reset(&why);
    const char *sh[] = {"sh", "-c", "echo noise >&2; echo 'leakdex-extract: bad file' >&2; exit 1",
                        NULL};
    assert_int_equal(lx_sandbox_run(sh, "", 0, &lim, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "bad file");
    lx_strbuf_reset(&why);
    const char *segv[] = {"sh", "-c", "kill -SEGV $$", NULL};
    assert_int_equal(lx_sandbox_run(segv, "", 0, &lim, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "the extractor crashed (signal 11)");
    lx_strbuf_reset(&why);
    const char *none[] = {"leakdex-no-such-program", NULL};
    assert_int_equal(lx_sandbox_run(none, "", 0, &lim, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "leakdex-no-such-program is not installed");
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

/* The content decides whether an attachment is text: a label that has no
 * reader does not stop text from being read, and a text label does not make
 * binary bytes text. */
static void test_text_by_content(void **state)
{
    (void)state;
    char binary[600];
    for (size_t i = 0; i < sizeof binary; i++)
        binary[i] = (char)((i * 7919u + 13u) % 251u); /* every byte value, no text */
    char esc_log[600], noisy[400];
    size_t el = 0, nl = 0;
    /* A coloured log, one escape character a line of 80 (1.3 %): text;
     * two control characters a line of 14 (14 %): not text. */
    for (int i = 0; i < 4; i++)
        el += (size_t)snprintf(
            esc_log + el, sizeof esc_log - el, "%s",
            "step passed: the archive was indexed and every message found again by its "
            "words\x1b[0m\n");
    for (int i = 0; i < 10; i++)
        nl += (size_t)snprintf(noisy + nl, sizeof noisy - nl, "%s", "\x01\x02 short line\n");
    static const char utf16[] = "\xff\xfeo\0c\0e\0l\0o\0t\0 \0i\0s\0 \0h\0e\0r\0e\0";
    const struct {
        const char *type, *label, *data;
        size_t len;
        const char *status, *filetype, *text;
    } cases[] = {
        {"application/x-unknown-content-type-txtfile", "", "notes about the budget\r\n", 0, "ok",
         "text", "notes about the budget\n"},
        {"message/delivery-status", "", "Action: failed\nStatus: 5.1.1\n", 0, "ok", "text",
         "Action: failed\nStatus: 5.1.1\n"},
        {"application/x-java-vm", "", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n", 0, "ok",
         "text", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n"},
        /* libmagic names no text type: the bytes decide, through the charset
         * module (its label, else its guess). */
        {"application/x-unknown", "", "{\"a\": \"caf\xc3\xa9\"}", 0, "ok", "text",
         "{\"a\": \"café\"}"},
        {"application/x-unknown", "", esc_log, 0, "ok", "text", NULL},
        {"application/x-unknown", "", noisy, 0, "skipped: no text in other", "other", ""},
        {"application/x-unknown", "UTF-16", utf16, sizeof utf16 - 1, "ok", "text",
         "ocelot is here"},
        /* A NUL byte: not text. */
        {"application/x-unknown", "", "almost text\0 but not", 21, "skipped: no text in other",
         "other", ""},
        /* Binary bytes: unread under a script's label and under text/plain. */
        {"application/x-sh", "", binary, sizeof binary, "skipped: no text in other", "other", ""},
        {"text/plain", "US-ASCII", binary, sizeof binary,
         "skipped: no text in other: labelled text/plain, but its content is binary", "other", ""},
        /* Text under text/plain stays text; an empty file has none. */
        {"text/plain", "", "plain words\n", 0, "ok", "text", "plain words\n"},
        {"application/x-sh", "", "", 0, "skipped: no text in other", "other", ""}, /* empty */
        /* Armour: text, not words. */
        {"application/pgp-signature", "", "-----BEGIN PGP SIGNATURE-----\nabc\n", 0,
         "skipped: no text in other", "other", ""},
        {"application/pgp-encrypted", "", "Version: 1\n", 0, "skipped: no text in other", "other",
         ""},
    };
    lx_attach_limits lim;
    lx_attach_limits_default(&lim);
    lx_strbuf why;
    lx_strbuf_init(&why);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].data);
        lx_part part;
        memset(&part, 0, sizeof part);
        part.role = LX_PART_ATTACHMENT;
        part.content_type = (char *)cases[i].type;
        part.filename = (char *)"f";
        part.data = malloc(len ? len : 1);
        assert_non_null(part.data);
        memcpy(part.data, cases[i].data, len);
        part.data_len = len;
        part.size = len;
        snprintf(part.charset_label, sizeof part.charset_label, "%s", cases[i].label);
        lx_message m;
        memset(&m, 0, sizeof m);
        m.parts = &part;
        m.n_parts = 1;
        lx_attach_list list;
        lx_attach_list_init(&list);
        /* A context of its own per case: contexts and their clones read
         * identical files once. */
        lx_attach_ctx *one = lx_attach_ctx_new(&lim, NULL, &why);
        assert_non_null(one);
        assert_int_equal(lx_attach_extract(one, &m, &list), LX_OK);
        assert_int_equal(list.n, 1);
        lx_strbuf status;
        lx_strbuf_init(&status);
        assert_int_equal(lx_attach_status_line(&list.v[0], &status), LX_OK);
        if (strcmp(status.buf, cases[i].status) != 0 ||
            strcmp(list.v[0].filetype, cases[i].filetype) != 0 ||
            (cases[i].text && strcmp(list.v[0].text, cases[i].text) != 0))
            fail_msg("case %zu (%s): [%s] %s [%s], want [%s] %s", i, cases[i].type, status.buf,
                     list.v[0].filetype, list.v[0].text, cases[i].status, cases[i].filetype);
        lx_strbuf_release(&status);
        lx_attach_list_release(&list);
        lx_attach_ctx_free(one);
        free(part.data);
    }
    lx_strbuf_release(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rtf_table), cmocka_unit_test(test_rtf_deep_and_long),
        cmocka_unit_test(test_tnef),      cmocka_unit_test(test_unpack_not_an_archive),
        cmocka_unit_test(test_sandbox),   cmocka_unit_test(test_text_by_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
