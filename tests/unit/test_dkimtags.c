/* test_dkimtags.c - the tag lists of DKIM signatures and key records, base64, names lowercased. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dkimtags.h"

/* Parses a signature's tag list s into "tag=value\n" lines. */
static lx_status parse(const char *s, lx_strbuf *out, lx_strbuf *why)
{
    lx_dkimtags t;
    lx_status st = lx_dkimtags_parse(s, strlen(s), &t, why, false);
    for (size_t i = 0; i < t.n && !st; i++)
        st = lx_strbuf_addf(out, "%s=%s\n", t.v[i].name, t.v[i].value);
    lx_dkimtags_release(&t);
    return st;
}

static void test_tags(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"v=1; a=rsa-sha256", "v=1\na=rsa-sha256\n"},
        {" v = 1 ;a=x;", "v=1\na=x\n"},
        {"b=abc\r\n def; bh=xyz", "b=abc\r\n def\nbh=xyz\n"},
        {"h=from : to : subject", "h=from : to : subject\n"},
        {"x=", "x=\n"},
        {";;v=1;;", "v=1\n"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        lx_strbuf out, why;
        lx_strbuf_init(&out);
        lx_strbuf_init(&why);
        if (parse(ok[i].in, &out, &why) != LX_OK)
            fail_msg("'%s' refused: %s", ok[i].in, why.buf);
        assert_string_equal(out.buf, ok[i].out);
        lx_strbuf_release(&out);
        lx_strbuf_release(&why);
    }
    static const struct {
        const char *in, *why;
    } bad[] = {
        {"v=1; v=2", "tag v= given twice"},
        {"1v=1", "bad tag name at '1v=1'"},
        {"v", "tag 'v' has no '='"},
        {"v=1; a", "tag 'a' has no '='"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lx_strbuf out, why;
        lx_strbuf_init(&out);
        lx_strbuf_init(&why);
        assert_int_equal(parse(bad[i].in, &out, &why), LX_E_PARSE);
        assert_string_equal(why.buf, bad[i].why);
        lx_strbuf_release(&out);
        lx_strbuf_release(&why);
    }
}

/* Key records take any tag name but white space, '=' and ';', and ignore
 * names longer than any RFC 6376 gives. */
static void test_key_record_tags(void **state)
{
    (void)state;
    lx_dkimtags t;
    lx_strbuf why;
    lx_strbuf_init(&why);
    const char *s = "v=DKIM1; x-future=1; x.y+z=2; "
                    "an-unknown-tag-name-longer-than-any-rfc-6376-gives=1; p=abc";
    assert_int_equal(lx_dkimtags_parse(s, strlen(s), &t, &why, true), LX_OK);
    assert_int_equal(t.n, 4);
    assert_string_equal(lx_dkimtags_get(&t, "x-future"), "1");
    assert_string_equal(lx_dkimtags_get(&t, "x.y+z"), "2");
    assert_string_equal(lx_dkimtags_get(&t, "p"), "abc");
    assert_null(lx_dkimtags_get(&t, "k"));
    lx_dkimtags_release(&t);
    assert_int_equal(lx_dkimtags_parse(s, strlen(s), &t, &why, false), LX_E_PARSE);
    assert_int_equal(t.n, 0);
    lx_strbuf_release(&why);
}

static void test_base64_and_lower(void **state)
{
    (void)state;
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_true(lx_dkimtags_base64("aGVs\r\n bG8=", &out));
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.buf, "hello", 5);
    lx_strbuf_reset(&out);
    assert_true(lx_dkimtags_base64("", &out));
    assert_int_equal(out.len, 0);
    assert_false(lx_dkimtags_base64("aGVs!bG8=", &out));
    assert_false(lx_dkimtags_base64("aG==VsbG8", &out)); /* data after padding */
    assert_false(lx_dkimtags_base64("aGVsbG8===", &out));
    lx_strbuf_release(&out);
    char name[] = "S1._DomainKey.Example.ORG";
    lx_dkimtags_lower(name);
    assert_string_equal(name, "s1._domainkey.example.org");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_key_record_tags),
        cmocka_unit_test(test_base64_and_lower),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
