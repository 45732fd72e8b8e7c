/* test_archives.c - archives: what is not an archive; a directory written as one zip and read back, name for name and byte for byte. */
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
