/* test_dkim.c - DKIM verdicts that need no signer, and the From domains alignment reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dkim.h"

static const char *write_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "%s", "/tmp/leakdex-test-keys-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static lx_dkim_verdict verify(const lx_keystore *ks, const char *msg)
{
    lx_dkim_verdict v;
    assert_int_equal(lx_dkim_verify(ks, msg, strlen(msg), &v), LX_OK);
    return v;
}

static void test_keyfile_and_verdicts(void **state)
{
    lx_keystore *ks = lx_keystore_new();
    lx_strbuf why;
    lx_strbuf_init(&why);
    const char *path =
        write_file("# comment\n"
                   "\n"
                   "rev._domainkey.Example.ORG.  v=DKIM1; k=rsa; p=   # source: old\n"
                   "bad._domainkey.example.org \"v=DKIM1; \" \"p=!!!\"\n"
                   "empty._domainkey.example.org \"\"\n"
                   "nop._domainkey.example.org v=DKIM1; k=rsa\n"
                   "fut._domainkey.example.org v=DKIM1; x-future=1; x.y+z=2; p=\n"
                   "grain._domainkey.example.org v=DKIM1; g=nobody; "
                   "an-unknown-tag-name-longer-than-any-rfc-6376-gives=1; p=\n");
    assert_int_equal(lx_keystore_load(ks, path, &why), LX_OK);
    assert_int_equal(lx_keystore_count(ks), 6);
    unlink(path);

    /* Unsigned. */
    lx_dkim_verdict v = verify(ks, "From: a@example.org\r\n\r\nbody\r\n");
    assert_int_equal(v.verdict, LX_VERDICT_NONE);
    assert_int_equal(v.n, 0);
    lx_dkim_verdict_release(&v);

    static const struct {
        const char *sig;
        lx_verdict result;
        const char *reason;
    } cases[] = {
        {"v=1; a=rsa-sha256; d=example.org; s=rev; h=from; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "key revoked"},
        {"v=1; a=rsa-sha256; d=example.org; s=bad; h=from; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "malformed key"},
        {"v=1; a=rsa-sha256; d=example.org; s=none; h=from; bh=AAAA; b=AAAA", LX_VERDICT_NOKEY,
         "no key for none._domainkey.example.org"},
        {"v=1; a=rsa-sha256; d=example.org; s=rev; h=to; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "From is not signed"},
        {"v=1; a=rsa-sha256; d=example.org; s=rev; h=from; b=AAAA", LX_VERDICT_INVALID,
         "malformed signature: no bh= tag"},
        {"v=1; a=rsa-md5; d=example.org; s=rev; h=from; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "unsupported algorithm rsa-md5"},
        {"v=1; a=rsa-sha256; d=example.org; i=@evil.example; s=rev; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "i= not within d="},
        {"v=1; a=rsa-sha256; d=example.org; i=@mail.example.org; s=none; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_NOKEY, "no key for none._domainkey.example.org"},
        {"v=1; a=rsa-sha256; c=loose; d=example.org; s=rev; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "unsupported canonicalization loose/simple"},
        {"v=2; a=rsa-sha256; d=example.org; s=rev; h=from; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "unsupported version v=2"},
        {"v=1; v=1", LX_VERDICT_INVALID, "malformed signature: tag v= given twice"},
        /* RFC 6376 edge cases: pre-RFC drafts, q=, t= and x=, i= decoded. */
        {"a=rsa-sha256; d=example.org; s=rev; h=from; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "pre-RFC 6376 draft signature"},
        {"v=0.5; a=rsa-sha256; d=example.org; s=rev; h=from; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "pre-RFC 6376 draft signature"},
        {"v=1; a=rsa-sha256; d=example.org; q=http/x; s=rev; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "unsupported query method q=http/x"},
        {"v=1; a=rsa-sha256; d=example.org; q=x/y:dns/txt; s=none; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_NOKEY, "no key for none._domainkey.example.org"},
        {"v=1; a=rsa-sha256; d=example.org; t=soon; s=rev; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "malformed signature: bad t= tag"},
        {"v=1; a=rsa-sha256; d=example.org; x=1234567890123; s=rev; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "malformed signature: bad x= tag"},
        {"v=1; a=rsa-sha256; d=example.org; t=1000; x=999; s=rev; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "x= earlier than t="},
        {"v=1; a=rsa-sha256; d=example.org; t=1000; x=1000; s=none; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_NOKEY, "no key for none._domainkey.example.org"},
        {"v=1; a=rsa-sha256; d=example.org; i=@ex=61mple=2Eorg; s=none; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_NOKEY, "no key for none._domainkey.example.org"},
        {"v=1; a=rsa-sha256; d=example.org; i=@evil=2Eexample; s=none; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "i= not within d="},
        {"v=1; a=rsa-sha256; d=example.org; i=@ex=ZZ.org; s=none; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "malformed signature: bad i= tag"},
        {"v=1; a=rsa-sha256; d=example.org; i=example.org; s=none; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "malformed signature: bad i= tag"},
        {"v=1; a=rsa-sha256; d=example.org; l=ten; s=none; h=from; bh=AAAA; b=AAAA",
         LX_VERDICT_INVALID, "malformed signature: bad l= tag"},
        /* Key records: no key at all is nokey; unknown tags and g= are
         * ignored (these records are revoked keys, not malformed ones). */
        {"v=1; a=rsa-sha256; d=example.org; s=empty; h=from; bh=AAAA; b=AAAA", LX_VERDICT_NOKEY,
         "no key for empty._domainkey.example.org"},
        {"v=1; a=rsa-sha256; d=example.org; s=nop; h=from; bh=AAAA; b=AAAA", LX_VERDICT_NOKEY,
         "no key for nop._domainkey.example.org"},
        {"v=1; a=rsa-sha256; d=example.org; s=fut; h=from; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "key revoked"},
        {"v=1; a=rsa-sha256; d=example.org; s=grain; h=from; bh=AAAA; b=AAAA", LX_VERDICT_INVALID,
         "key revoked"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[512];
        snprintf(msg, sizeof msg, "DKIM-Signature: %s\r\nFrom: a@example.org\r\n\r\nbody\r\n",
                 cases[i].sig);
        v = verify(ks, msg);
        assert_int_equal(v.n, 1);
        if (v.sigs[0].result != cases[i].result || strcmp(v.sigs[0].reason, cases[i].reason))
            fail_msg("case %zu: %s (%s), want %s (%s)", i, lx_verdict_name(v.sigs[0].result),
                     v.sigs[0].reason, lx_verdict_name(cases[i].result), cases[i].reason);
        assert_int_equal(v.verdict, cases[i].result);
        lx_dkim_verdict_release(&v);
    }

    /* Nothing passes: nothing verified, no reason, no signature chosen. */
    v = verify(ks, "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=x; h=from; bh=A; b=A\r\n"
                   "From: a@example.org\r\n\r\n");
    assert_int_equal(v.verified, LX_VERIFIED_NO);
    assert_string_equal(v.verified_reason, "");
    assert_int_equal(v.chosen, -1);
    assert_int_equal(lx_dkim_verified_level(&v), 0);
    lx_dkim_verdict_release(&v);

    /* The best result wins: nokey over invalid. */
    v = verify(ks, "DKIM-Signature: v=1; a=rsa-md5; d=example.org; s=rev; h=from; bh=A; b=A\r\n"
                   "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=x; h=from; bh=A; b=A\r\n"
                   "From: a@example.org\r\n\r\n");
    assert_int_equal(v.n, 2);
    assert_int_equal(v.verdict, LX_VERDICT_NOKEY);
    lx_dkim_verdict_release(&v);

    /* A line that is no record names its file and line. */
    path = write_file("ok._domainkey.example.org v=DKIM1; p=\nnot-a-record v=DKIM1; p=abc\n");
    lx_strbuf_reset(&why);
    assert_int_equal(lx_keystore_load(ks, path, &why), LX_E_PARSE);
    assert_non_null(strstr(why.buf, ":2: expected SELECTOR._domainkey.DOMAIN"));
    unlink(path);
    lx_strbuf_release(&why);
    lx_keystore_free(ks);
}

/* Property: any bytes in DKIM-Signature headers and the body give a
 * verdict, never a crash (fixed seed). */
static void test_arbitrary_signatures(void **state)
{
    static const char *const pieces[] = {"v=1",
                                         "a=rsa-sha256",
                                         "a=ed25519-sha256",
                                         "d=example.org",
                                         "s=rev",
                                         "h=from:to",
                                         "bh=",
                                         "b=",
                                         "l=",
                                         "l=99999",
                                         "c=relaxed/relaxed",
                                         "i=",
                                         ";",
                                         "=",
                                         " ",
                                         "\r\n ",
                                         "\t",
                                         "x=-1",
                                         "AAAA",
                                         "@"};
    lx_keystore *ks = lx_keystore_new();
    unsigned seed = 77;
    for (int round = 0; round < 2000; round++) {
        lx_strbuf msg;
        lx_strbuf_init(&msg);
        int sigs = rand_r(&seed) % 3;
        for (int k = 0; k < sigs; k++) {
            lx_strbuf_addstr(&msg, "DKIM-Signature:");
            int parts = rand_r(&seed) % 12;
            for (int p = 0; p < parts; p++) {
                if (rand_r(&seed) % 5 == 0) {
                    lx_strbuf_addch(&msg, (char)(rand_r(&seed) % 256));
                } else {
                    lx_strbuf_addstr(&msg,
                                     pieces[rand_r(&seed) % (sizeof pieces / sizeof pieces[0])]);
                    lx_strbuf_addch(&msg, ';');
                }
            }
            lx_strbuf_addstr(&msg, "\r\n");
        }
        lx_strbuf_addstr(&msg, "From: a@example.org\r\n\r\n");
        int body = rand_r(&seed) % 64;
        for (int k = 0; k < body; k++)
            lx_strbuf_addch(&msg, (char)(rand_r(&seed) % 256));
        lx_dkim_verdict v;
        assert_int_equal(lx_dkim_verify(ks, msg.buf, msg.len, &v), LX_OK);
        assert_true(v.n <= (size_t)sigs);
        assert_true(v.n > 0 ? v.verdict != LX_VERDICT_NONE && v.verdict != LX_VERDICT_PASS
                            : v.verdict == LX_VERDICT_NONE);
        lx_dkim_verdict_release(&v);
        lx_strbuf_release(&msg);
    }
    lx_keystore_free(ks);
}

/* The From field as alignment reads it: the address's domain, never a
 * display name's or a comment's. */
static void test_from_domains(void **state)
{
    static const struct {
        const char *from, *domains;
    } cases[] = {
        {" a@Example.ORG", "example.org\n"},
        {" Alice <alice@example.org>", "example.org\n"},
        {" \"ceo@victim.example\" <x@attacker.example>", "attacker.example\n"},
        {" ceo@victim.example <x@attacker.example>", "attacker.example\n"},
        {" x@attacker.example (ceo@victim.example)", "attacker.example\n"},
        {" =?UTF-8?Q?ceo@victim.example?= <x@attacker.example>", "attacker.example\n"},
        {" \"a@b\"@example.org", "example.org\n"},
        {" <@route.example,@relay.example:a@example.org>", "example.org\n"},
        {" a@example.org, b@other.example", "example.org\nother.example\n"},
        {" Team: a@example.org, b@example.net;", "example.org\nexample.net\n"},
        {" undisclosed:;", ""},
        {"", ""},
        {" no address", "?\n"},
        {" <a@x.example> <b@y.example>", "?\n"},
        {" a@x.example b@y.example", "?\n"},
        {" a@[192.0.2.1]", "?\n"},
        {" (comment (nested) a@x.example) b@y.example", "y.example\n"},
        {"\r\n Folded\r\n <a@example.org>", "example.org\n"},
        {" a@example.org\x01.evil.example", "?\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf out;
        lx_strbuf_init(&out);
        assert_int_equal(lx_dkim_parse_from(cases[i].from, strlen(cases[i].from), &out), LX_OK);
        if (strcmp(out.len ? out.buf : "", cases[i].domains) != 0)
            fail_msg("'%s': got '%s', want '%s'", cases[i].from, out.len ? out.buf : "",
                     cases[i].domains);
        lx_strbuf_release(&out);
    }
    /* A NUL inside the domain does not cut it short. */
    static const char nul[] = " a@example.org\0.evil.example";
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_dkim_parse_from(nul, sizeof nul - 1, &out), LX_OK);
    assert_string_equal(out.buf, "?\n");
    lx_strbuf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_domains),
        cmocka_unit_test(test_keyfile_and_verdicts),
        cmocka_unit_test(test_arbitrary_signatures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
