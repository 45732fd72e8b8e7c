/* test_archives.c - archives: what is not an archive; encrypted members told apart; one member read back by name; a directory written as one zip and read back, name for name and byte for byte. */
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

#include "archives.h"
#include "testdir.h"

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
        lx_archives_unpack("hello, not a zip", 16, false, &lim, count_member, &n, &end, &why), LX_OK);
    assert_int_equal(end, LX_UNPACK_DAMAGED);
    assert_int_equal(n, 0);
    assert_true(why.len > 0);
    lx_strbuf_release(&why);
}

/* The members of an archive read back: names and bytes, in order. */
typedef struct members {
    char names[8][64];
    lx_strbuf bytes[8];
    size_t n;
} members;

static int keep_member(void *ctx, const char *name, const char *data, size_t len, bool too_big)
{
    members *m = ctx;
    assert_false(too_big);
    assert_true(m->n < 8);
    snprintf(m->names[m->n], sizeof m->names[m->n], "%s", name);
    lx_strbuf_init(&m->bytes[m->n]);
    assert_int_equal(lx_strbuf_add(&m->bytes[m->n], data, len), LX_OK);
    m->n++;
    return 0;
}

/* A zip (Info-ZIP, `zip -X mixed.zip p.eml; zip -X -P pw mixed.zip s.eml`):
 * p.eml stored in the clear, s.eml encrypted with the password "pw". */
static const char mixed_zip[] = "\x50\x4b\x03\x04\x0a\x00\x00\x00\x00\x00\xf3\x9a\x86\x5d\x8e\xa9"
                                "\x2e\x46\x12\x00\x00\x00\x12\x00\x00\x00\x05\x00\x00\x00\x70\x2e"
                                "\x65\x6d\x6c\x53\x75\x62\x6a\x65\x63\x74\x3a\x20\x70\x0a\x0a\x70"
                                "\x6c\x61\x69\x6e\x0a\x50\x4b\x03\x04\x0a\x00\x09\x00\x00\x00\xf3"
                                "\x9a\x86\x5d\x2c\x4e\x70\x85\x1f\x00\x00\x00\x13\x00\x00\x00\x05"
                                "\x00\x00\x00\x73\x2e\x65\x6d\x6c\x5d\x89\x40\xe1\x71\xe4\x38\x5b"
                                "\x80\xc5\x78\xcc\x22\x17\x94\x92\x58\x11\x97\xe7\x85\xed\x27\xc6"
                                "\xd4\xcb\xb8\x0d\x4e\x9a\xa8\x50\x4b\x07\x08\x2c\x4e\x70\x85\x1f"
                                "\x00\x00\x00\x13\x00\x00\x00\x50\x4b\x01\x02\x1e\x03\x0a\x00\x00"
                                "\x00\x00\x00\xf3\x9a\x86\x5d\x8e\xa9\x2e\x46\x12\x00\x00\x00\x12"
                                "\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\xa4"
                                "\x81\x00\x00\x00\x00\x70\x2e\x65\x6d\x6c\x50\x4b\x01\x02\x1e\x03"
                                "\x0a\x00\x09\x00\x00\x00\xf3\x9a\x86\x5d\x2c\x4e\x70\x85\x1f\x00"
                                "\x00\x00\x13\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x01\x00"
                                "\x00\x00\xa4\x81\x35\x00\x00\x00\x73\x2e\x65\x6d\x6c\x50\x4b\x05"
                                "\x06\x00\x00\x00\x00\x02\x00\x02\x00\x66\x00\x00\x00\x87\x00\x00"
                                "\x00\x00\x00";
#define MIXED_LEN (sizeof mixed_zip - 1)

typedef struct walked {
    char log[512];
} walked;

static int log_member(void *ctx, const lx_archive_member *m)
{
    walked *w = ctx;
    size_t n = strlen(w->log);
    snprintf(w->log + n, sizeof w->log - n, "%s %zu%s%s [%.*s]\n", m->name, m->len,
             m->encrypted ? " encrypted" : "", m->too_big ? " too big" : "",
             m->data ? (int)m->len : 0, m->data ? m->data : "");
    return 0;
}

static void test_encrypted(void **state)
{
    (void)state;
    lx_unpack_limits lim = {1 << 20, 100, 100, 1 << 20, NULL, 0};
    lx_unpack_end end;
    lx_strbuf why;
    lx_strbuf_init(&why);
    walked w = {""};
    assert_int_equal(lx_archives_walk(mixed_zip, MIXED_LEN, &lim, log_member, &w, &end, &why),
                     LX_OK);
    assert_int_equal(end, LX_UNPACK_COMPLETE);
    assert_string_equal(w.log, "p.eml 18 [Subject: p\n\nplain\n]\ns.eml 19 encrypted []\n");
    assert_string_equal(why.buf, "");
    /* The attachments' walk: the encrypted member ends it as damage, with
     * its name and why. */
    members m = {.n = 0};
    assert_int_equal(
        lx_archives_unpack(mixed_zip, MIXED_LEN, false, &lim, keep_member, &m, &end, &why), LX_OK);
    assert_int_equal(end, LX_UNPACK_DAMAGED);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.names[0], "p.eml");
    lx_strbuf_release(&m.bytes[0]);
    assert_string_equal(why.buf, "s.eml: encrypted archive member: a password is needed");
    lx_strbuf_release(&why);
}

/* "From: a@b.example\n\nhi\n", gzip -9n. */
static const char gzipped[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x73\x2b\xca\xcf\xb5\x52"
                              "\x48\x74\x48\xd2\x4b\xad\x48\xcc\x2d\xc8\x49\xe5\xe2\xca\xc8\xe4"
                              "\x02\x00\x81\x92\xdc\x0d\x16\x00\x00\x00";

/* The sources' walk reads one compressed file as one member, "data", and
 * reads it back by that name; bytes neither archived nor compressed are
 * damage, never a member that is the bytes themselves. */
static void test_compressed_file(void **state)
{
    (void)state;
    lx_unpack_limits lim = {1 << 20, 100, 100, 1 << 20, NULL, 0};
    lx_unpack_end end;
    lx_strbuf why, out;
    lx_strbuf_init(&why);
    lx_strbuf_init(&out);
    walked w = {""};
    assert_int_equal(
        lx_archives_walk(gzipped, sizeof gzipped - 1, &lim, log_member, &w, &end, &why), LX_OK);
    assert_int_equal(end, LX_UNPACK_COMPLETE);
    assert_string_equal(w.log, "data 22 [From: a@b.example\n\nhi\n]\n");
    const char *no = NULL;
    assert_int_equal(lx_archives_member(gzipped, sizeof gzipped - 1, "data", &lim, &out, &no), LX_OK);
    assert_int_equal(out.len, 22);
    assert_memory_equal(out.buf, "From: a@b.example\n\nhi\n", 22);

    static const char plain[] = "just some text, neither archived nor compressed";
    walked v = {""};
    lx_strbuf_reset(&why);
    assert_int_equal(lx_archives_walk(plain, sizeof plain - 1, &lim, log_member, &v, &end, &why),
                     LX_OK);
    assert_int_equal(end, LX_UNPACK_DAMAGED);
    assert_string_equal(v.log, "");
    assert_string_equal(why.buf, "not an archive nor a compressed file");
    lx_strbuf_release(&why);
    lx_strbuf_release(&out);
}

static void test_member(void **state)
{
    (void)state;
    lx_unpack_limits lim = {1 << 20, 100, 100, 1 << 20, NULL, 0};
    lx_strbuf out;
    lx_strbuf_init(&out);
    const char *why = NULL;
    assert_int_equal(lx_archives_member(mixed_zip, MIXED_LEN, "p.eml", &lim, &out, &why), LX_OK);
    assert_int_equal(out.len, 18);
    assert_memory_equal(out.buf, "Subject: p\n\nplain\n", 18);
    lx_strbuf_reset(&out);
    assert_int_equal(lx_archives_member(mixed_zip, MIXED_LEN, "s.eml", &lim, &out, &why),
                     LX_E_NOT_FOUND);
    assert_string_equal(why, LX_ARCHIVES_ENCRYPTED);
    assert_int_equal(lx_archives_member(mixed_zip, MIXED_LEN, "P.eml", &lim, &out, &why),
                     LX_E_NOT_FOUND);
    assert_string_equal(why, "the archive has no such member");
    /* Cut inside p.eml's bytes (they start at 35). */
    assert_int_equal(lx_archives_member(mixed_zip, 45, "p.eml", &lim, &out, &why), LX_E_NOT_FOUND);
    assert_string_equal(why, "the archive cannot be read up to the member");
    assert_int_equal(lx_archives_member("not a zip", 9, "p.eml", &lim, &out, &why), LX_E_NOT_FOUND);
    assert_string_equal(why, "the archive cannot be read up to the member");
    /* Over the size limit. */
    lim.max_member_bytes = 10;
    assert_int_equal(lx_archives_member(mixed_zip, MIXED_LEN, "p.eml", &lim, &out, &why),
                     LX_E_NOT_FOUND);
    assert_string_equal(why, "the archive member is over the size limit");
    assert_int_equal(out.len, 0);
    lx_strbuf_release(&out);
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void read_file(const char *path, lx_strbuf *out)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        assert_int_equal(lx_strbuf_add(out, buf, n), LX_OK);
    fclose(f);
}

static void test_zip_dir(void **state)
{
    (void)state;
    char top[] = "/tmp/leakdex-test-zip-XXXXXX";
    assert_non_null(mkdtemp(top));
    char dir[512], zip[512], path[600];
    snprintf(dir, sizeof dir, "%s/export", top);
    snprintf(zip, sizeof zip, "%s/export.zip", top);
    assert_int_equal(mkdir(dir, 0755), 0);
    /* An export directory: a message of 200 KiB of every byte value (NULs
     * and CRLFs included: more than one read), and the three files. */
    size_t big_len = 200 * 1024;
    char *big = malloc(big_len);
    assert_non_null(big);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (char)(i * 7 + i / 251);
    static const char manifest[] = "id,file\r\n0123456789ab,2017-04-24_0123456789ab.eml\r\n";
    static const char sums[] = "abc  2017-04-24_0123456789ab.eml\n";
    static const char meta[] = "{\"hits\":1}\n";
    write_file(dir, "manifest.csv", manifest, strlen(manifest));
    write_file(dir, "SHA256SUMS", sums, strlen(sums));
    write_file(dir, "export.meta.json", meta, strlen(meta));
    write_file(dir, "2017-04-24_0123456789ab.eml", big, big_len);
    write_file(dir, "empty.eml", "", 0);

    lx_strbuf why, bytes;
    lx_strbuf_init(&why);
    lx_strbuf_init(&bytes);
    assert_int_equal(lx_archives_zip_dir(dir, zip, &why), LX_OK);
    assert_string_equal(why.buf, "");
    read_file(zip, &bytes);
    assert_true(bytes.len > 4);
    assert_memory_equal(bytes.buf, "PK\3\4", 4);

    /* Read back: every file under its name, in name order, its bytes. */
    members m = {.n = 0};
    lx_unpack_limits lim = {1 << 20, 100, 0, 0, NULL, 0};
    lx_unpack_end end;
    assert_int_equal(lx_archives_unpack(bytes.buf, bytes.len, false, &lim, keep_member, &m, &end, &why),
                     LX_OK);
    assert_int_equal(end, LX_UNPACK_COMPLETE);
    assert_int_equal(m.n, 5);
    const char *names[] = {"2017-04-24_0123456789ab.eml", "SHA256SUMS", "empty.eml",
                           "export.meta.json", "manifest.csv"};
    const char *datas[] = {big, sums, "", meta, manifest};
    size_t lens[] = {big_len, strlen(sums), 0, strlen(meta), strlen(manifest)};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(m.names[i], names[i]);
        assert_int_equal(m.bytes[i].len, lens[i]);
        assert_memory_equal(m.bytes[i].buf, datas[i], lens[i] ? lens[i] : 1);
        lx_strbuf_release(&m.bytes[i]);
    }

    /* Never over a file: the zip is left as it was. */
    lx_strbuf_reset(&why);
    assert_int_equal(lx_archives_zip_dir(dir, zip, &why), LX_E_INVALID);
    snprintf(path, sizeof path, "%s: the file exists; it is never overwritten", zip);
    assert_string_equal(why.buf, path);
    lx_strbuf other;
    lx_strbuf_init(&other);
    read_file(zip, &other);
    assert_int_equal(other.len, bytes.len);
    assert_memory_equal(other.buf, bytes.buf, bytes.len);
    lx_strbuf_release(&other);

    /* A symbolic link in the directory is refused, and no zip is left. */
    snprintf(path, sizeof path, "%s/link", dir);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    snprintf(zip, sizeof zip, "%s/linked.zip", top);
    lx_strbuf_reset(&why);
    assert_int_equal(lx_archives_zip_dir(dir, zip, &why), LX_E_INVALID);
    snprintf(path, sizeof path, "%s/link: a symbolic link, not a file", dir);
    assert_string_equal(why.buf, path);
    assert_int_equal(access(zip, F_OK), -1);

    free(big);
    lx_strbuf_release(&why);
    lx_strbuf_release(&bytes);
    assert_int_equal(lx_testdir_remove(top), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unpack_not_an_archive),
        cmocka_unit_test(test_zip_dir),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_member),
        cmocka_unit_test(test_compressed_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
