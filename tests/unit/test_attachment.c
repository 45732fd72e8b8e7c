/* test_attachment.c - one attachment handed out: read back from the original, decoded, checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "attachment.h"
#include "mbox.h"
#include "message.h"
#include "record.h"
#include "schema.h"
#include "sha256.h"
#include "xdb.h"
#include "testdir.h"

static char dir[] = "/tmp/leakdex-test-attachment-XXXXXX";

/* A message with one attachment, note.txt ("hello" in base64). */
static const char message[] = "From: ann@example.org\r\n"
                              "Subject: a note\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
                              "\r\n"
                              "--b\r\n"
                              "Content-Type: text/plain\r\n"
                              "\r\n"
                              "see the note\r\n"
                              "--b\r\n"
                              "Content-Type: text/plain; name=\"note.txt\"\r\n"
                              "Content-Disposition: attachment; filename=\"note.txt\"\r\n"
                              "Content-Transfer-Encoding: base64\r\n"
                              "\r\n"
                              "aGVsbG8=\r\n"
                              "--b--\r\n";

static const char *path_in(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* Indexes one document: the message (its file at path), with the
 * attachment line att; returns the database open for reading. */
static lx_db *index_one(const char *name, const char *att)
{
    char db_name[64];
    snprintf(db_name, sizeof db_name, "db-%s", name);
    FILE *f = fopen(path_in(name), "wb");
    assert_non_null(f);
    fputs(message, f);
    fclose(f);
    lx_strbuf canon;
    lx_strbuf_init(&canon);
    char sha[LX_SHA256_HEX_LEN + 1];
    assert_int_equal(lx_mbox_canonical(&canon, message, strlen(message), false), LX_OK);
    assert_int_equal(lx_sha256_hex(canon.buf, canon.len, sha), LX_OK);
    lx_strbuf_release(&canon);
    lx_record rec;
    lx_record_init(&rec);
    assert_int_equal(lx_record_add_str(&rec, LX_DATA_SHA256, sha), LX_OK);
    assert_int_equal(lx_record_add_str(&rec, LX_DATA_PATH, path_in(name)), LX_OK);
    assert_int_equal(lx_record_add_str(&rec, LX_DATA_ATTACHMENT, att), LX_OK);
    lx_strbuf data;
    lx_strbuf_init(&data);
    assert_int_equal(lx_record_serialize(&rec, &data), LX_OK);
    lx_db *w = NULL;
    assert_int_equal(lx_db_open(path_in(db_name), LX_DB_WRITE, &w, NULL), LX_OK);
    lx_doc *doc = lx_doc_new();
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_SHA256), sha), LX_OK);
    assert_int_equal(lx_doc_set_data(doc, data.buf, data.len), LX_OK);
    assert_int_equal(lx_db_add_doc(w, doc, NULL), LX_OK);
    lx_doc_free(doc);
    assert_int_equal(lx_db_close(w), LX_OK);
    lx_strbuf_release(&data);
    lx_record_release(&rec);
    lx_db *r = NULL;
    assert_int_equal(lx_db_open(path_in(db_name), LX_DB_READ, &r, NULL), LX_OK);
    return r;
}

/* The attachment line of note.txt, with the SHA-256 sha. */
static const char *note_line(const char *sha)
{
    static char line[256];
    snprintf(line, sizeof line, "1\t0\tnote.txt\ttext/plain\ttext/plain\t5\t%s\ttext\t5", sha);
    return line;
}

static void test_handed_out(void **state)
{
    (void)state;
    char hello[LX_SHA256_HEX_LEN + 1];
    assert_int_equal(lx_sha256_hex("hello", 5, hello), LX_OK);
    lx_db *db = index_one("m1.eml", note_line(hello));
    lx_attachment_copy c;
    lx_attachment_copy_init(&c);
    assert_int_equal(lx_attachment_get(db, 1, 1, NULL, &c), LX_OK);
    assert_int_equal(c.problem, LX_ATTACHMENT_OK);
    assert_int_equal(c.bytes.len, 5);
    assert_memory_equal(c.bytes.buf, "hello", 5);
    assert_string_equal(c.name.buf, "note.txt");
    assert_string_equal(c.sha256, hello);
    assert_false(c.too_big);
    lx_attachment_copy_release(&c);

    /* No second attachment. */
    lx_attachment_copy_init(&c);
    assert_int_equal(lx_attachment_get(db, 1, 2, NULL, &c), LX_E_NOT_FOUND);
    assert_int_equal(c.problem, LX_ATTACHMENT_NO_SUCH);
    lx_attachment_copy_release(&c);
    lx_db_close(db);
}

static void test_checked(void **state)
{
    (void)state;
    /* Indexed with other bytes: not handed out. */
    lx_db *db = index_one("m2.eml", note_line("00"));
    lx_attachment_copy c;
    lx_attachment_copy_init(&c);
    assert_int_equal(lx_attachment_get(db, 1, 1, NULL, &c), LX_E_NOT_FOUND);
    assert_int_equal(c.problem, LX_ATTACHMENT_MESSAGE);
    assert_string_equal(c.why.buf, "attachment 1 cannot be recovered from the original (its "
                                   "bytes differ from the indexed ones)");
    lx_attachment_copy_release(&c);

    /* The original changed since: it no longer hashes to the message's
     * SHA-256, and nothing is read from it. */
    FILE *f = fopen(path_in("m2.eml"), "ab");
    fputs("tampered\r\n", f);
    fclose(f);
    lx_attachment_copy_init(&c);
    assert_int_equal(lx_attachment_get(db, 1, 1, NULL, &c), LX_E_NOT_FOUND);
    assert_int_equal(c.problem, LX_ATTACHMENT_MESSAGE);
    char want[700];
    snprintf(want, sizeof want, "the original cannot be read back (%s: ", path_in("m2.eml"));
    assert_memory_equal(c.why.buf, want, strlen(want));
    assert_int_equal(c.bytes.len, 0);
    lx_attachment_copy_release(&c);
    lx_db_close(db);
}

static int setup(void **state)
{
    (void)state;
    lx_message_library_init();
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    lx_message_library_shutdown();
    return lx_testdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handed_out),
        cmocka_unit_test(test_checked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
