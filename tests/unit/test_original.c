/* test_original.c - reading a stored message back: a file of its own or a
 * range of an mbox, the first location that still hashes to the message's
 * SHA-256, the bytes as stored of a quoted mbox message, and why none does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mbox.h"
#include "original.h"
#include "sha256.h"

static char dir[64];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "%s", "/tmp/leakdex-test-original.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    const char *names[] = {"one.eml", "changed.eml", "box.mbox"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    return rmdir(dir);
}

/* Writes data to DIR/name; its path into path. */
static void put(const char *name, const char *data, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
    assert_int_equal(fclose(f), 0);
}

/* The identity of raw message bytes (mboxrd quoting undone when unquote). */
static void identity(const char *raw, bool unquote, char sha[LX_SHA256_HEX_LEN + 1])
{
    lx_strbuf canon;
    lx_strbuf_init(&canon);
    assert_int_equal(lx_mbox_canonical(&canon, raw, strlen(raw), unquote), LX_OK);
    assert_int_equal(lx_sha256_hex(canon.buf, canon.len, sha), LX_OK);
    lx_strbuf_release(&canon);
}

typedef struct read_back {
    lx_status st;
    lx_strbuf canon, stored;
    const char *first, *why;
} read_back;

/* Reads the message sha back from the locations given (NULL-terminated). */
static void read_locations(read_back *r, const char *sha, const char *const *locations)
{
    lx_record rec;
    lx_record_init(&rec);
    for (size_t i = 0; locations[i]; i++)
        assert_int_equal(lx_record_add_str(&rec, "path", locations[i]), LX_OK);
    lx_strbuf_init(&r->canon);
    lx_strbuf_init(&r->stored);
    r->first = r->why = NULL;
    r->st = lx_original_read(&rec, sha, &r->canon, &r->stored, NULL, &r->first, &r->why);
    /* first points into the record: compared before it is released. */
    if (locations[0])
        assert_string_equal(r->first, locations[0]);
    else
        assert_null(r->first);
    lx_record_release(&rec);
}

static void read_back_release(read_back *r)
{
    lx_strbuf_release(&r->canon);
    lx_strbuf_release(&r->stored);
}

static void test_file_of_its_own(void **state)
{
    const char *raw = "From: a@example.org\nSubject: ledger\n\nthe figures\n";
    char path[128], sha[LX_SHA256_HEX_LEN + 1];
    put("one.eml", raw, path, sizeof path);
    identity(raw, false, sha);
    read_back r;
    read_locations(&r, sha, (const char *const[]){path, NULL});
    assert_int_equal(r.st, LX_OK);
    assert_string_equal(r.canon.buf,
                        "From: a@example.org\r\nSubject: ledger\r\n\r\nthe figures\r\n");
    assert_int_equal(r.stored.len, 0);
    read_back_release(&r);
}

/* A message inside an mbox, from its "From " line: quoting undone in the
 * canonical bytes, kept in the bytes as stored (which DKIM may have
 * signed); a message without quoting has no stored bytes apart. */
static void test_mbox_range(void **state)
{
    const char *first = "From a@example.org Mon Jan  1 00:00:00 2001\n"
                        "Subject: one\n\n>From the start\n";
    const char *second = "From b@example.org Mon Jan  1 00:00:00 2001\n"
                         "Subject: two\n\nplain\n";
    char box[512], path[128], loc[2][192], sha[2][LX_SHA256_HEX_LEN + 1];
    snprintf(box, sizeof box, "%s\n%s", first, second);
    put("box.mbox", box, path, sizeof path);
    snprintf(loc[0], sizeof loc[0], "%s\t0\t%zu", path, strlen(first));
    snprintf(loc[1], sizeof loc[1], "%s\t%zu\t%zu", path, strlen(first) + 1, strlen(second));
    identity(first, true, sha[0]);
    identity(second, true, sha[1]);
    read_back r;
    read_locations(&r, sha[0], (const char *const[]){loc[0], NULL});
    assert_int_equal(r.st, LX_OK);
    assert_string_equal(r.canon.buf, "Subject: one\r\n\r\nFrom the start\r\n");
    assert_string_equal(r.stored.buf, "Subject: one\r\n\r\n>From the start\r\n");
    read_back_release(&r);
    read_locations(&r, sha[1], (const char *const[]){loc[1], NULL});
    assert_int_equal(r.st, LX_OK);
    assert_string_equal(r.canon.buf, "Subject: two\r\n\r\nplain\r\n");
    assert_int_equal(r.stored.len, 0);
    read_back_release(&r);
}

/* The first location whose bytes still hash to the identity is read;
 * none: LX_E_NOT_FOUND, and why says what the last one tried found. */
static void test_first_that_hashes(void **state)
{
    const char *raw = "Subject: kept\n\nsame bytes\n";
    char good[128], changed[128], missing[160], sha[LX_SHA256_HEX_LEN + 1];
    put("one.eml", raw, good, sizeof good);
    put("changed.eml", "Subject: kept\n\nother bytes\n", changed, sizeof changed);
    snprintf(missing, sizeof missing, "%s/no-such.eml", dir);
    identity(raw, false, sha);
    read_back r;
    read_locations(&r, sha, (const char *const[]){missing, changed, good, NULL});
    assert_int_equal(r.st, LX_OK);
    assert_string_equal(r.canon.buf, "Subject: kept\r\n\r\nsame bytes\r\n");
    read_back_release(&r);
    read_locations(&r, sha, (const char *const[]){changed, NULL});
    assert_int_equal(r.st, LX_E_NOT_FOUND);
    assert_string_equal(r.why, "the bytes there no longer hash to the indexed SHA-256");
    read_back_release(&r);
    read_locations(&r, sha, (const char *const[]){missing, NULL});
    assert_int_equal(r.st, LX_E_NOT_FOUND);
    assert_string_equal(r.why, "No such file or directory");
    read_back_release(&r);
    read_locations(&r, sha, (const char *const[]){NULL});
    assert_int_equal(r.st, LX_E_NOT_FOUND);
    assert_string_equal(r.why, "no location recorded");
    read_back_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_of_its_own),
        cmocka_unit_test(test_mbox_range),
        cmocka_unit_test(test_first_that_hashes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
