/* test_keystore.c - the DKIM key store: key files, record states, lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "keystore.h"

#define ED_KEY "tKgigx/Lu34eKo1xoKUAZaZineXg6cMIG29Ln/SAEiM="
#define RSA_1024                                                                                   \
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDktzj9SRb24btZL1nopyhTknM61Ljl6TTYAdMLCyqe8DDnMY6Ksc+"  \
    "Zw4Zj2r5r6P5n/Pl9lV8IUzdteHvndU9GNbicVIRYTuqdv/"                                              \
    "5ieYFbPOqAiUnbljnakqMkEOdl6bSZTSDHKLh21SYeigbT"                                               \
    "KbCjRH8a4pkeSQWNZthdMJU1kwIDAQAB"

/* Writes text to a new temporary file; its path, until the next call. */
static const char *write_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "%s", "/tmp/leakdex-test-keystore-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static const lx_key *find(const lx_keystore *ks, const char *name, size_t want_n)
{
    size_t n = 99;
    const lx_key *k = lx_keystore_find(ks, name, &n);
    assert_int_equal(n, want_n);
    if (want_n)
        assert_non_null(k);
    else
        assert_null(k);
    return k;
}

static void test_load_and_find(void **state)
{
    (void)state;
    lx_keystore *ks = lx_keystore_new();
    assert_non_null(ks);
    lx_strbuf why;
    lx_strbuf_init(&why);
    const char *path = write_file(
        "# keys of the sample\n"
        "\n"
        "rot._domainkey.News.Example.  v=DKIM1; k=ed25519; p=" ED_KEY "  # source: DNS 2017\n"
        "s1._domainkey.news.example \"v=DKIM1; k=rsa; \" \"p=" RSA_1024 "\"\n"
        "rot._domainkey.news.example v=DKIM1; k=rsa; h=SHA256; s=email; t=y:s; p=" RSA_1024 "\n"
        "rev._domainkey.news.example v=DKIM1; p=\n"
        "bad._domainkey.news.example v=DKIM1; p=!!!\n"
        "nop._domainkey.news.example v=DKIM1; k=rsa\n"
        "web._domainkey.news.example v=DKIM1; s=web; p=" ED_KEY "; k=ed25519\n");
    assert_int_equal(lx_keystore_load(ks, path, &why), LX_OK);
    unlink(path);
    assert_int_equal(lx_keystore_count(ks), 7);

    /* Names are lowercased, a final dot dropped; records of one name in
     * file order, numbered from 1. */
    const lx_key *k = find(ks, "rot._domainkey.news.example", 2);
    assert_string_equal(k[0].name, "rot._domainkey.news.example");
    assert_int_equal(k[0].ordinal, 1);
    assert_int_equal(k[0].state, LX_KEY_OK);
    assert_true(k[0].ed25519);
    assert_int_equal(k[0].bits, 256);
    assert_string_equal(k[0].source, "DNS 2017");
    assert_string_equal(k[0].hashes, "");
    assert_int_equal(k[1].ordinal, 2);
    assert_int_equal(k[1].state, LX_KEY_OK);
    assert_false(k[1].ed25519);
    assert_int_equal(k[1].bits, 1024);
    assert_string_equal(k[1].hashes, "sha256");
    assert_true(k[1].email);
    assert_true(k[1].strict);
    assert_string_equal(k[1].source, "");

    /* Quoted chunks are joined. */
    k = find(ks, "s1._domainkey.news.example", 1);
    assert_int_equal(k->state, LX_KEY_OK);
    assert_int_equal(k->bits, 1024);
    assert_false(k->strict);

    assert_int_equal(find(ks, "rev._domainkey.news.example", 1)->state, LX_KEY_REVOKED);
    assert_int_equal(find(ks, "bad._domainkey.news.example", 1)->state, LX_KEY_MALFORMED);
    assert_int_equal(find(ks, "nop._domainkey.news.example", 1)->state, LX_KEY_ABSENT);
    assert_false(find(ks, "web._domainkey.news.example", 1)->email);
    find(ks, "none._domainkey.news.example", 0);
    find(ks, "ROT._domainkey.news.example", 0); /* lookups take lowercased names */

    /* A record added (as DNS gives it) joins the others of its name. */
    assert_int_equal(lx_keystore_add(ks, "Rot._domainkey.news.example", "v=DKIM1; p=", "DNS"),
                     LX_OK);
    k = find(ks, "rot._domainkey.news.example", 3);
    assert_int_equal(k[2].ordinal, 3);
    assert_int_equal(k[2].state, LX_KEY_REVOKED);
    assert_string_equal(k[2].source, "DNS");
    assert_int_equal(lx_keystore_count(ks), 8);
    lx_strbuf_release(&why);
    lx_keystore_free(ks);
}

static void test_errors(void **state)
{
    (void)state;
    lx_keystore *ks = lx_keystore_new();
    lx_strbuf why;
    lx_strbuf_init(&why);
    const char *path = write_file("ok._domainkey.example.org v=DKIM1; p=\nnot-a-record p=abc\n");
    assert_int_equal(lx_keystore_load(ks, path, &why), LX_E_PARSE);
    char want[128];
    snprintf(want, sizeof want, "%s:2: expected SELECTOR._domainkey.DOMAIN, found 'not-a-record'",
             path);
    assert_string_equal(why.buf, want);
    unlink(path);
    lx_strbuf_reset(&why);
    assert_int_equal(lx_keystore_load(ks, "/nonexistent/keys", &why), LX_E_IO);
    assert_string_equal(why.buf, "/nonexistent/keys: No such file or directory");
    /* No store: nothing found. */
    size_t n = 1;
    assert_null(lx_keystore_find(NULL, "ok._domainkey.example.org", &n));
    assert_int_equal(n, 0);
    assert_int_equal(lx_keystore_count(NULL), 0);
    assert_false(lx_keystore_dns_on(ks));
    lx_strbuf_release(&why);
    lx_keystore_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_find),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
