/* test_export.c - exports: every hit to a file, the originals copied out, a batch's export. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "export.h"
#include "record.h"
#include "schema.h"
#include "sha256.h"
#include "xdb.h"
#include "testdir.h"

static char dir[] = "/tmp/leakdex-test-export-XXXXXX";
static const char original[] = "From: eve@example.org\r\nSubject: =1+2\r\n\r\nbudget\r\n";

static const char *path_in(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* The whole of a file, NUL-terminated; the caller frees it. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* One message whose original is a file of its own, its subject a formula;
 * its SHA-256 is the original's (an export copies only a source that
 * still hashes to it). */
static lx_db *build(void)
{
    FILE *f = fopen(path_in("m.eml"), "wb");
    assert_non_null(f);
    fputs(original, f);
    fclose(f);
    lx_record rec;
    lx_record_init(&rec);
    const char *pairs[][2] = {
        {LX_DATA_SHA256, "6d1c6da9adb8e4245e16ce21868c1211f31d9c97cf7607d8b03756f8dc58e09f"},
        {LX_DATA_PATH, path_in("m.eml")},
        {LX_DATA_FROM_ADDRESS, "eve@example.org"},
        {LX_DATA_SUBJECT, "=1+2"},
        {LX_DATA_DATE, "2017-04-24T08:30:00Z"},
        {LX_DATA_BODY, "budget"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        assert_int_equal(lx_record_add_str(&rec, pairs[i][0], pairs[i][1]), LX_OK);
    lx_strbuf data;
    lx_strbuf_init(&data);
    assert_int_equal(lx_record_serialize(&rec, &data), LX_OK);
    lx_db *w = NULL;
    char *err = NULL;
    assert_int_equal(lx_db_open(path_in("db"), LX_DB_WRITE, &w, &err), LX_OK);
    lx_doc *doc = lx_doc_new();
    assert_int_equal(lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_SHA256), pairs[0][1]), LX_OK);
    assert_int_equal(lx_doc_index_text(doc, "", "budget", 6), LX_OK);
    assert_int_equal(lx_doc_set_data(doc, data.buf, data.len), LX_OK);
    assert_int_equal(lx_db_add_doc(w, doc, NULL), LX_OK);
    lx_doc_free(doc);
    assert_int_equal(lx_db_close(w), LX_OK);
    lx_strbuf_release(&data);
    lx_record_release(&rec);
    lx_db *r = NULL;
    assert_int_equal(lx_db_open(path_in("db"), LX_DB_READ, &r, &err), LX_OK);
    return r;
}

/* The columns of every CSV export, and the one hit's row (its location
 * and the copied file's name are the test's own). */
static const char header[] =
    "id,sha256,date,date_local,date_source,from_name,from_address,to,cc,bcc,reply_to,subject,"
    "dkim,verified,verified_reason,unsigned_headers,signers,corroboration,message_id,in_reply_to,"
    "references,thread,thread_hits,size,paths,converted,converter,copies,conflicts,body_source,"
    "body_truncated,body_signed_bytes,replaced_characters,dkim_signatures,attachments,snippet";
static const char row[] =
    "\"6d1c6da9adb8\",\"6d1c6da9adb8e4245e16ce21868c1211f31d9c97cf7607d8b03756f8dc58e09f\","
    "2017-04-24T08:30:00Z,2017-04-24T08:30:00+00:00,,,eve@example.org,,,,,\"'=1+2\",unchecked,,,,"
    ",,\"\",\"\",\"\",\"\",,,%s,,,\"\",\"\",,,,,,\"\",1+2 budget";

static void test_export_file_and_dir(void **state)
{
    lx_db *db = *state;
    lx_query_opts q = {.text = "budget"};
    char *file = strdup(path_in("hits.csv")), *out = strdup(path_in("originals"));
    const char *dbs[] = {path_in("db")};
    lx_export_request r = {
        .q = &q, .query = "budget", .dbs = dbs, .n_dbs = 1, .file = file, .dir = out};
    lx_export_result res;
    lx_export_result_init(&res);
    assert_int_equal(lx_export_run(db, &r, &res), LX_OK);
    assert_int_equal(res.failed, LX_EXPORT_DONE);
    assert_int_equal(res.total, 1);
    assert_int_equal(res.copied, 1);
    assert_string_equal(res.why.buf, "");
    lx_export_result_release(&res);

    char want[4096], cells[1024];
    snprintf(cells, sizeof cells, row, path_in("m.eml"));
    snprintf(want, sizeof want, "%s\r\n%s\r\n", header, cells);
    char *got = slurp(file);
    assert_string_equal(got, want);
    free(got);
    /* Its description beside it: the query, the filters, the count. */
    got = slurp(path_in("hits.csv.meta.json"));
    assert_memory_equal(got, "{\"leakdex_version\":\"", 20);
    const char *tail = "\"query\":{\"text\":\"budget\",\"from\":[],\"to\":[],\"domain\":[],"
                       "\"after\":null,\"before\":null,\"tz\":\"UTC\",\"verified\":false,"
                       "\"has_attachment\":false,\"sort\":\"relevance\"},\"hits\":1}\n";
    assert_non_null(strstr(got, tail));
    assert_string_equal(strstr(got, tail), tail);
    free(got);

    /* The original copied as stored, its sum, and the manifest. */
    got = slurp(path_in("originals/2017-04-24_6d1c6da9adb8.eml"));
    assert_string_equal(got, original);
    free(got);
    char hex[LX_SHA256_HEX_LEN + 1];
    assert_int_equal(lx_sha256_hex(original, strlen(original), hex), LX_OK);
    snprintf(want, sizeof want, "%s  2017-04-24_6d1c6da9adb8.eml\n", hex);
    got = slurp(path_in("originals/SHA256SUMS"));
    assert_string_equal(got, want);
    free(got);
    snprintf(want, sizeof want, "%s,file\r\n%s,2017-04-24_6d1c6da9adb8.eml\r\n", header, cells);
    got = slurp(path_in("originals/manifest.csv"));
    assert_string_equal(got, want);
    free(got);

    /* Never over a file: the same export again fails, naming it, and
     * leaves it as it was. */
    lx_export_result_init(&res);
    r.dir = NULL;
    assert_int_equal(lx_export_run(db, &r, &res), LX_E_INVALID);
    assert_int_equal(res.failed, LX_EXPORT_FILE);
    snprintf(want, sizeof want, "%s.meta.json: the file exists; it is never overwritten", file);
    assert_string_equal(res.why.buf, want);
    lx_export_result_release(&res);
    free(file);
    free(out);
}

static void test_batch_export(void **state)
{
    lx_db *db = *state;
    lx_export_batch b;
    lx_strbuf why;
    lx_strbuf_init(&why);
    char *json = strdup(path_in("batch.json")), *nd = strdup(path_in("batch.ndjson"));
    char want[4096];
    assert_int_equal(lx_export_batch_open(&b, json, false, &why), LX_E_INVALID);
    snprintf(want, sizeof want, "%s: name the file .csv or .ndjson", json);
    assert_string_equal(why.buf, want);
    lx_strbuf_reset(&why);
    assert_int_equal(lx_export_batch_open(&b, nd, false, &why), LX_OK);
    lx_query_opts q = {.text = "budget"};
    lx_found found;
    assert_int_equal(lx_hits_search(db, &q, true, &found), LX_OK);
    assert_int_equal(lx_export_batch_add(&b, db, &found, "budget"), LX_OK);
    lx_found_release(&found);
    assert_int_equal(lx_export_batch_close(&b, true, &why), LX_OK);
    /* Each hit with the query that found it, last. */
    char *got = slurp(nd);
    assert_memory_equal(got, "{\"id\":\"6d1c6da9adb8\",", 21);
    const char *tail = ",\"snippet\":{\"text\":\"1+2 budget\",\"matches\":[[4,10]],"
                       "\"attachment\":null},\"query\":\"budget\"}\n";
    assert_non_null(strstr(got, tail));
    assert_string_equal(strstr(got, tail), tail);
    free(got);
    lx_strbuf_release(&why);
    free(json);
    free(nd);
}

static int setup(void **state)
{
    if (!mkdtemp(dir))
        return -1;
    *state = build();
    return 0;
}

static int teardown(void **state)
{
    lx_db_close(*state);
    return lx_testdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_file_and_dir),
        cmocka_unit_test(test_batch_export),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
