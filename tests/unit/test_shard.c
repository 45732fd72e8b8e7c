/* test_shard.c - shard specs, the Message-ID a shard is chosen by, stability. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "shard.h"

static void test_parse(void **state)
{
    static const struct {
        const char *in;
        bool ok;
        unsigned index, count;
    } cases[] = {
        {"1/1", true, 1, 1},   {"2/3", true, 2, 3},
        {"3/3", true, 3, 3},   {"4096/4096", true, 4096, 4096},
        {"0/3", false, 0, 0},  {"4/3", false, 0, 0},
        {"1/0", false, 0, 0},  {"1/4097", false, 0, 0},
        {"", false, 0, 0},     {"/", false, 0, 0},
        {"1/", false, 0, 0},   {"/3", false, 0, 0},
        {"a/b", false, 0, 0},  {" 1/3", false, 0, 0},
        {"1/3 ", false, 0, 0}, {"+1/3", false, 0, 0},
        {"-1/3", false, 0, 0}, {"1/3/3", false, 0, 0},
        {"3", false, 0, 0},    {"99999999999/3", false, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_shard s = {0, 0};
        bool ok = lx_shard_parse(cases[i].in, &s);
        if (ok != cases[i].ok)
            fail_msg("'%s': %d", cases[i].in, ok);
        if (ok) {
            assert_int_equal(s.index, cases[i].index);
            assert_int_equal(s.count, cases[i].count);
        }
    }
}

static void test_message_id(void **state)
{
    static const struct {
        const char *msg, *id;
    } cases[] = {
        {"Message-ID: <a@b>\r\n\r\nbody", "a@b"},
        {"From: x\r\nmessage-id:<a@b>\r\n\r\n", "a@b"},
        {"MESSAGE-ID :  < a@b >  (comment)\r\n\r\n", "a@b"},
        {"Message-ID:\r\n <folded@example.org>\r\nSubject: s\r\n\r\n", "folded@example.org"},
        {"Message-ID: no-angles@x \r\n\r\n", "no-angles@x"},
        {"Message-Id: <first@x>\r\nMessage-Id: <second@x>\r\n\r\n", "first@x"},
        {"Subject: s\r\n\r\nMessage-ID: <in-body@x>\r\n", ""},
        {"X-Message-ID: <other@x>\r\n\r\n", ""},
        {"Message-ID: <unterminated@x\r\n\r\n", "<unterminated@x"},
        {"Message-ID: <a@b>", "a@b"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        size_t n = lx_shard_message_id(cases[i].msg, strlen(cases[i].msg), out, sizeof out);
        assert_string_equal(out, cases[i].id);
        assert_int_equal(n, strlen(cases[i].id));
    }
    char small[4];
    const char *m = "Message-ID: <abcdef@x>\r\n\r\n";
    assert_int_equal(lx_shard_message_id(m, strlen(m), small, sizeof small), 3);
    assert_string_equal(small, "abc");
}

static void test_shard_of(void **state)
{
    const char *sha = "00000000000000ffaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const char *none = "Subject: no id\r\n\r\nbody\r\n";
    /* No Message-ID: the identity's first 8 bytes, 0xff = 255. */
    assert_int_equal(lx_shard_of(none, strlen(none), sha, 1), 1);
    assert_int_equal(lx_shard_of(none, strlen(none), sha, 2), 255 % 2 + 1);
    assert_int_equal(lx_shard_of(none, strlen(none), sha, 7), 255 % 7 + 1);
    assert_int_equal(lx_shard_of(none, strlen(none), sha, 256), 256);
    /* With one: copies that differ in their bytes (and identities) but
     * share the Message-ID share a shard, whatever N. */
    const char *a = "Message-ID: <same@x>\r\nReceived: one\r\n\r\nbody\r\n";
    const char *b = "Received: two\r\nMessage-Id:\r\n  <same@x>\r\n\r\nother body\r\n";
    const char *other = "ffffffffffffffff0000000000000000000000000000000000000000000000000";
    for (unsigned n = 1; n <= 64; n++) {
        unsigned s = lx_shard_of(a, strlen(a), sha, n);
        assert_true(s >= 1 && s <= n);
        assert_int_equal(s, lx_shard_of(b, strlen(b), other, n));
    }
    /* Documented, so fixed: SHA-256("same@x") decides. */
    assert_int_equal(lx_shard_of(a, strlen(a), sha, 3), lx_shard_of(b, strlen(b), sha, 3));
}

static void test_sets(void **state)
{
    lx_shard all3[] = {{2, 3}, {3, 3}, {1, 3}};
    lx_shard some[] = {{1, 3}, {3, 3}};
    lx_shard mixed[] = {{1, 2}, {2, 3}, {3, 3}};
    assert_true(lx_shard_set_whole(NULL, 0));
    assert_true(lx_shard_set_whole(all3, 3));
    assert_false(lx_shard_set_whole(some, 2));
    assert_false(lx_shard_set_whole(mixed, 3));
    assert_false(lx_shard_set_whole(all3, 1));
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    assert_int_equal(lx_shard_set_format(all3, 3, &sb), LX_OK);
    assert_string_equal(sb.buf, "1/3, 2/3, 3/3");
    lx_strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_message_id),
        cmocka_unit_test(test_shard_of),
        cmocka_unit_test(test_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
