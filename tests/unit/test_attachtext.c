/* test_attachtext.c - the attachment walk, read with the indexer's text reader
 * (attachtext.c): text told by content, the text caps of a tree and a
 * message, the unpack budget of a nested archive, compressed files holding
 * no archive; fetching numbers files as listing does; scans probed, or read
 * by OCR, through a stand-in helper. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>

#include "attach.h"
#include "attachtext.h"

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
    char zpad[1024 + 14];
    memset(zpad, 0, 1024);
    memcpy(zpad + 1024, "hidden ledger\n", 14);
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
        /* A NUL byte: not text; but zero padding before the text is no
         * sign of a binary, and is left out. */
        {"application/x-unknown", "", "almost text\0 but not", 21, "skipped: no text in other",
         "other", ""},
        {"application/octet-stream", "", zpad, sizeof zpad, "ok", "text", "hidden ledger\n"},
        {"text/plain", "", zpad, sizeof zpad, "ok", "text", "hidden ledger\n"},
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
        lx_attachtext_ctx *one = lx_attachtext_ctx_new(&lim, NULL, &why);
        assert_non_null(one);
        assert_int_equal(lx_attachtext_extract(one, &m, &list), LX_OK);
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
        lx_attachtext_ctx_free(one);
        free(part.data);
    }
    lx_strbuf_release(&why);
}

/* ---- archives built here, with libarchive's writer ------------------------ */

typedef struct member {
    const char *name;
    const char *data;
    size_t len;
} member;

/* A ZIP (deflated members) of members, or (zip false) a gzip file of the
 * first member's bytes alone, into out. */
static void make_archive(lx_strbuf *out, bool zip, const member *m, size_t n)
{
    size_t cap = 16 << 20, used = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    struct archive *a = archive_write_new();
    if (zip) {
        archive_write_set_format_zip(a);
    } else {
        archive_write_set_format_raw(a);
        archive_write_add_filter_gzip(a);
    }
    archive_write_set_bytes_in_last_block(a, 1);
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)m[i].len);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, m[i].data, m[i].len), (la_ssize_t)m[i].len);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    lx_strbuf_reset(out);
    lx_strbuf_add(out, buf, used);
    free(buf);
}

/* A message of MIME attachments (type, name, bytes). */
typedef struct attached {
    const char *type, *name;
    const lx_strbuf *bytes;
} attached;

static void extract(const lx_attach_limits *lim, const attached *at, size_t n, lx_attach_list *out)
{
    lx_part parts[4];
    assert_true(n <= 4);
    memset(parts, 0, sizeof parts);
    for (size_t i = 0; i < n; i++) {
        parts[i].role = LX_PART_ATTACHMENT;
        parts[i].content_type = (char *)at[i].type;
        parts[i].filename = (char *)at[i].name;
        parts[i].data = at[i].bytes->buf;
        parts[i].data_len = parts[i].size = at[i].bytes->len;
    }
    lx_message m;
    memset(&m, 0, sizeof m);
    m.parts = parts;
    m.n_parts = n;
    lx_strbuf why, bytes, name;
    lx_strbuf_init(&why);
    lx_strbuf_init(&bytes);
    lx_strbuf_init(&name);
    lx_attachtext_ctx *text = lx_attachtext_ctx_new(lim, NULL, &why);
    lx_attach_ctx *ctx = lx_attach_ctx_new(lim, &why);
    assert_non_null(text);
    assert_non_null(ctx);
    lx_attach_list_init(out);
    assert_int_equal(lx_attachtext_extract(text, &m, out), LX_OK);
    /* Fetching numbers the files alike, whatever the text caps did. */
    for (size_t i = 0; i < out->n; i++) {
        if (!*out->v[i].sha256)
            continue;
        lx_strbuf_reset(&bytes);
        lx_strbuf_reset(&name);
        assert_int_equal(lx_attach_fetch(ctx, &m, out->v[i].n, &bytes, &name), LX_OK);
        char hex[LX_SHA256_HEX_LEN + 1];
        assert_int_equal(lx_sha256_hex(bytes.buf, bytes.len, hex), LX_OK);
        assert_string_equal(hex, out->v[i].sha256);
    }
    lx_strbuf_reset(&bytes);
    assert_int_equal(lx_attach_fetch(ctx, &m, out->n + 1, &bytes, &name), LX_E_NOT_FOUND);
    lx_attach_ctx_free(ctx);
    lx_attachtext_ctx_free(text);
    lx_strbuf_release(&why);
    lx_strbuf_release(&bytes);
    lx_strbuf_release(&name);
}

static void expect_file(const lx_attach_list *l, size_t n, size_t parent, const char *name,
                        size_t text_len, const char *status)
{
    assert_true(n >= 1 && n <= l->n);
    const lx_attachment *a = &l->v[n - 1];
    lx_strbuf st;
    lx_strbuf_init(&st);
    assert_int_equal(lx_attach_status_line(a, &st), LX_OK);
    if (a->n != n || a->parent != parent || strcmp(a->name, name) != 0 ||
        a->text_len != text_len || strcmp(st.buf, status) != 0)
        fail_msg("file %zu: %zu %s %zu [%s], want %zu %s %zu [%s]", n, a->parent, a->name,
                 a->text_len, st.buf, parent, name, text_len, status);
    lx_strbuf_release(&st);
}

/* The text caps: of one MIME attachment and the files inside it, and of the
 * whole message; identical files count each time (the second and third
 * copies come from the cache, and still count); files past a cap are
 * listed with their hash, their text not read. */
static void test_text_caps(void **state)
{
    (void)state;
    char text[1000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = i % 50 == 49 ? '\n' : "ocelot "[i % 7];
    member copies[3] = {{"a.txt", text, 1000}, {"b.txt", text, 1000}, {"c.txt", text, 1000}};
    lx_strbuf zip, plain;
    lx_strbuf_init(&zip);
    lx_strbuf_init(&plain);
    make_archive(&zip, true, copies, 3);
    lx_strbuf_addstr(&plain, "a plain text attachment\n");
    lx_attach_limits lim;
    lx_attach_limits_default(&lim);
    lim.tree_text = 2500;
    lim.message_text = 4000;
    attached at[3] = {{"application/zip", "one.zip", &zip},
                      {"application/zip", "two.zip", &zip},
                      {"text/plain", "notes.txt", &plain}};
    lx_attach_list l;
    extract(&lim, at, 3, &l);
    assert_int_equal(l.n, 9);
    const char *tree = "limit: more than 2500 bytes of text in attachment 1 and the files inside "
                       "it; the rest not read";
    const char *msg = "limit: more than 4000 bytes of text in this message's attachments; the "
                      "rest not read";
    expect_file(&l, 1, 0, "one.zip", 0, "ok");
    expect_file(&l, 2, 1, "a.txt", 1000, "ok");
    expect_file(&l, 3, 1, "b.txt", 1000, "ok");
    expect_file(&l, 4, 1, "c.txt", 500, tree);
    expect_file(&l, 5, 0, "two.zip", 0, "ok");
    expect_file(&l, 6, 5, "a.txt", 1000, "ok");
    expect_file(&l, 7, 5, "b.txt", 500, msg);
    expect_file(&l, 8, 5, "c.txt", 0, msg);
    expect_file(&l, 9, 0, "notes.txt", 0, msg);
    assert_true(l.v[2].from_cache && l.v[3].from_cache && l.v[5].from_cache);
    assert_memory_equal(l.v[3].text, text, 500);
    lx_attach_list_release(&l);
    lx_strbuf_release(&zip);
    lx_strbuf_release(&plain);
}

/* A nested bomb in miniature: zips of 4 zips of 4 zips of 4 texts of 256
 * KiB. Each archive stays under the ratio (its members unpack to at most
 * its floor, 1 MiB), the tree does not: the unpacking stops once the tree
 * passes 1 MiB, and the archive being read and every container above it
 * say so. */
static void test_nested_budget(void **state)
{
    (void)state;
    size_t leaf_len = 256 << 10;
    char *leaf = malloc(leaf_len);
    assert_non_null(leaf);
    for (size_t i = 0; i < leaf_len; i++)
        leaf[i] = i % 60 == 59 ? '\n' : "budget "[i % 7];
    lx_strbuf level[3];
    member m[4];
    char names[4][32];
    for (int k = 0; k < 3; k++)
        lx_strbuf_init(&level[k]);
    for (int i = 0; i < 4; i++) {
        snprintf(names[i], sizeof names[i], "leaf%d.txt", i);
        m[i] = (member){names[i], leaf, leaf_len};
    }
    make_archive(&level[0], true, m, 4);
    for (int k = 1; k < 3; k++) {
        for (int i = 0; i < 4; i++) {
            snprintf(names[i], sizeof names[i], "l%d-%d.zip", k - 1, i);
            m[i] = (member){names[i], level[k - 1].buf, level[k - 1].len};
        }
        make_archive(&level[k], true, m, 4);
    }
    lx_attach_limits lim;
    lx_attach_limits_default(&lim);
    attached at[1] = {{"application/zip", "bomb.zip", &level[2]}};
    lx_attach_list l;
    extract(&lim, at, 1, &l);
    const char *why = "limit: the archives in attachment 1 unpack to more than 100 times its size "
                      "(a zip bomb?); the rest not read";
    /* bomb.zip, l1-0.zip, l0-0.zip, then three of its four texts: the
     * fourth takes the tree past 1 MiB. */
    assert_int_equal(l.n, 6);
    expect_file(&l, 1, 0, "bomb.zip", 0, why);
    expect_file(&l, 2, 1, "l1-0.zip", 0, why);
    expect_file(&l, 3, 2, "l0-0.zip", 0, why);
    for (size_t n = 4; n <= 6; n++)
        expect_file(&l, n, 3, l.v[n - 1].name, leaf_len, "ok");
    lx_attach_list_release(&l);
    for (int k = 0; k < 3; k++)
        lx_strbuf_release(&level[k]);
    free(leaf);
}

/* A gzip file holding no archive is the one file it holds: even when its
 * first 1,024 bytes are zeros, which the TAR reader takes for an empty
 * archive; and a compressed file of zeros is stopped by the ratio. */
static void test_gzip_of_one_file(void **state)
{
    (void)state;
    char zpad[1024 + 24];
    memset(zpad, 0, 1024);
    memcpy(zpad + 1024, "the offshore account is\n", 24);
    size_t zlen = 16 << 20;
    char *zeros = calloc(1, zlen);
    assert_non_null(zeros);
    member one = {"x", zpad, sizeof zpad}, nothing = {"x", zeros, zlen};
    lx_strbuf gz, bomb;
    lx_strbuf_init(&gz);
    lx_strbuf_init(&bomb);
    make_archive(&gz, false, &one, 1);
    make_archive(&bomb, false, &nothing, 1);
    lx_attach_limits lim;
    lx_attach_limits_default(&lim);
    attached at[2] = {{"application/gzip", "ledger.txt.gz", &gz},
                      {"application/octet-stream", "zeros.bin.gz", &bomb}};
    lx_attach_list l;
    extract(&lim, at, 2, &l);
    assert_int_equal(l.n, 3);
    expect_file(&l, 1, 0, "ledger.txt.gz", 0, "ok");
    expect_file(&l, 2, 1, "ledger.txt", 23 + 1, "ok");
    assert_string_equal(l.v[1].text, "the offshore account is\n");
    assert_string_equal(l.v[1].filetype, "text");
    expect_file(&l, 3, 0, "zeros.bin.gz", 0,
                "limit: unpacks to more than 100 times its size (a zip bomb?); the rest not read");
    lx_attach_list_release(&l);
    lx_strbuf_release(&gz);
    lx_strbuf_release(&bomb);
    free(zeros);
}

/* A stand-in for the helper (LEAKDEX_EXTRACT_HELPER): the test's scans are
 * one line, "W H PAGES SCANNED TEXT", and it answers each kind as the real
 * helper would, from them: a probe its numbers (a PDF's, then its text
 * layer "layer"), OCR the text with the kind it was asked (so the test sees
 * the languages sent), a PDF's text layer "layer". */
static const char scan_helper[] =
    "#!/bin/sh\n"
    "read -r w h pages scanned text\n"
    "case \"$2\" in\n"
    "probe-pdf) printf 'probe %s %s %s %s\\nlayer\\n' \"$w\" \"$h\" \"$pages\" \"$scanned\" ;;\n"
    "probe-*) echo \"probe $w $h $pages $scanned\" ;;\n"
    "ocr-*) printf 'ocr 91 %s %s %s 0\\n%s [%s]\\n' \"$pages\" \"$scanned\" "
    "\"$((pages - scanned))\" \"$text\" \"$2\" ;;\n"
    "pdf) echo layer ;;\n"
    "*) echo \"leakdex-extract: no kind $2\" >&2; exit 1 ;;\n"
    "esac\n";

typedef struct scan_case {
    const char *type, *bytes;
    bool ocr;
    const char *status, *text;
    size_t ocr_pages, scanned_pages;
    bool small;
} scan_case;

/* Reads c's one attachment (twice: the second copy from the cache) with
 * the helper at helper, and checks what each copy got. */
static void check_scan(const scan_case *c, size_t i)
{
    lx_attach_limits lim;
    lx_attach_limits_default(&lim);
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_attachtext_ctx *ctx = lx_attachtext_ctx_new(&lim, "/nonexistent", &why);
    assert_non_null(ctx);
    assert_int_equal(lx_attachtext_set_ocr(ctx, c->ocr, "fra+eng", 600), LX_OK);
    lx_part parts[2];
    memset(parts, 0, sizeof parts);
    for (int k = 0; k < 2; k++) {
        parts[k].role = LX_PART_ATTACHMENT;
        parts[k].content_type = (char *)c->type;
        parts[k].filename = (char *)"scan";
        parts[k].data = (char *)c->bytes;
        parts[k].data_len = parts[k].size = strlen(c->bytes);
    }
    lx_message m;
    memset(&m, 0, sizeof m);
    m.parts = parts;
    m.n_parts = 2;
    lx_attach_list l;
    lx_attach_list_init(&l);
    assert_int_equal(lx_attachtext_extract(ctx, &m, &l), LX_OK);
    assert_int_equal(l.n, 2);
    for (size_t k = 0; k < 2; k++) {
        const lx_attachment *a = &l.v[k];
        lx_strbuf st;
        lx_strbuf_init(&st);
        assert_int_equal(lx_attach_status_line(a, &st), LX_OK);
        if (strcmp(st.buf, c->status) != 0 || strcmp(a->text, c->text) != 0 ||
            a->ocr_pages != c->ocr_pages || a->scanned_pages != c->scanned_pages ||
            a->ocr_small != c->small || a->from_cache != (k == 1))
            fail_msg("case %zu, copy %zu: [%s] [%s] %zu %zu %d %d", i, k, st.buf, a->text,
                     a->ocr_pages, a->scanned_pages, a->ocr_small, a->from_cache);
        assert_int_equal(a->ocr_confidence, c->ocr_pages ? 91 : -1);
        assert_string_equal(a->ocr_language, c->ocr_pages ? "fra+eng" : "");
        assert_int_equal(lx_attach_has_text(a), *c->text != '\0');
        lx_strbuf_release(&st);
    }
    lx_attach_list_release(&l);
    lx_attachtext_ctx_free(ctx);
    lx_strbuf_release(&why);
}

/* Scans: images too small to hold text skipped, larger ones and PDF pages
 * without a text layer marked scanned, or read by OCR with --ocr; a PDF
 * without such pages read as before; identical files read once. */
static void test_scans(void **state)
{
    (void)state;
    char helper[] = "/tmp/leakdex-scan-helper-XXXXXX";
    int fd = mkstemp(helper);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, scan_helper, sizeof scan_helper - 1),
                     (ssize_t)(sizeof scan_helper - 1));
    assert_int_equal(fchmod(fd, 0700), 0);
    close(fd);
    const char *was = getenv("LEAKDEX_EXTRACT_HELPER");
    char *saved = was ? strdup(was) : NULL;
    setenv("LEAKDEX_EXTRACT_HELPER", helper, 1);
    static const scan_case cases[] = {
        {"image/png", "120 40 1 0 logo", false,
         "skipped: no text in image: 120×40 pixels, too small to hold text", "", 0, 0, true},
        {"image/png", "120 40 1 0 logo", true,
         "skipped: no text in image: 120×40 pixels, too small to hold text", "", 0, 0, true},
        {"image/png", "1654 2339 1 1 Quimperlé", false, "scanned: an image of 1654×2339 pixels",
         "", 0, 0, false},
        {"image/tiff", "2480 3508 2 2 zygomorphe", false,
         "scanned: an image of 2480×3508 pixels, 2 pages", "", 0, 0, false},
        {"image/png", "1654 2339 1 1 Quimperlé", true, "ocr",
         "Quimperlé [ocr-image:fra+eng:300:50:60:40000000]\n", 1, 0, false},
        {"image/tiff", "2480 3508 2 2 zygomorphe", true, "ocr",
         "zygomorphe [ocr-image:fra+eng:300:50:60:40000000]\n", 2, 0, false},
        {"application/pdf", "0 0 3 2 scan", false, "scanned: no text layer on 2 of 3 pages",
         "layer\n", 0, 2, false},
        {"application/pdf", "0 0 3 2 prévisionnel", true, "ocr",
         "prévisionnel [ocr-pdf:fra+eng:300:50:60:40000000]\n", 2, 0, false},
        {"application/pdf", "0 0 2 0 text", true, "ok", "layer\n", 0, 0, false},
        {"application/pdf", "0 0 2 0 text", false, "ok", "layer\n", 0, 0, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_scan(&cases[i], i);
    if (saved)
        setenv("LEAKDEX_EXTRACT_HELPER", saved, 1);
    else
        unsetenv("LEAKDEX_EXTRACT_HELPER");
    free(saved);
    unlink(helper);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_by_content),
        cmocka_unit_test(test_text_caps),
        cmocka_unit_test(test_nested_budget),
        cmocka_unit_test(test_gzip_of_one_file),
        cmocka_unit_test(test_scans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
