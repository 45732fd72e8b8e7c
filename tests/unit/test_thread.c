/* test_thread.c - base subjects, thread links and initial thread ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"
#include "thread.h"

static void expect_base(const char *subject, const char *want, bool want_reply)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    bool reply = !want_reply;
    assert_int_equal(lx_thread_base_subject(&sb, subject, &reply), LX_OK);
    assert_string_equal(sb.len ? sb.buf : "", want);
    assert_int_equal(reply, want_reply);
    lx_strbuf_release(&sb);
}

static void test_base_subject(void **state)
{
    (void)state;
    expect_base("Budget 2017", "budget 2017", false);
    expect_base("Re: Budget 2017", "budget 2017", true);
    expect_base("RE: RE: re:Budget   2017 ", "budget 2017", true);
    expect_base("RE : Budget 2017", "budget 2017", true);        /* French spacing */
    expect_base("RE\xC2\xA0: Budget 2017", "budget 2017", true); /* no-break space */
    expect_base("R\xC3\xA9"
                "f. : Budget 2017",
                "budget 2017", true); /* Réf. : */
    expect_base("Re[2]: Budget 2017", "budget 2017", true);
    expect_base("Re(3): Budget 2017", "budget 2017", true);
    expect_base("AW: Budget 2017", "budget 2017", true);
    expect_base("Fwd: Budget 2017", "budget 2017", false); /* a forward is no reply */
    expect_base("TR: Re: Budget 2017", "budget 2017", true);
    expect_base("[equipe] Re: Budget 2017", "budget 2017", true);
    expect_base("R\xC3\xA9union pr\xC3\xA9paratoire", "reunion preparatoire", false);
    expect_base("Re\xEF\xBC\x9A \xE4\xBC\x9A\xE8\xAE\xAE", "\xE4\xBC\x9A\xE8\xAE\xAE", true);
    /* Words that only look like prefixes stay. */
    expect_base("Reunion: ordre du jour", "reunion: ordre du jour", false);
    expect_base("Re", "re", false);
    expect_base("Re:", "", true);
    expect_base("[x]", "[x]", false);
    expect_base("", "", false);
}

static void test_links_and_initial_id(void **state)
{
    (void)state;
    char *refs[] = {"root@x", "mid@x"};
    lx_message m;
    memset(&m, 0, sizeof m);
    m.message_id = "me@x";
    m.in_reply_to = "mid@x";
    m.subject = "Re: Hello\nthere";
    m.references = refs;
    m.n_references = 2;
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    assert_int_equal(lx_thread_links(&sb, &m), LX_OK);
    assert_string_equal(sb.buf, "me@x\nmid@x\nr\nhello there\nroot@x\nmid@x\n");
    char id[LX_THREAD_ID_LEN + 1], hex[LX_SHA256_HEX_LEN + 1];
    assert_int_equal(lx_thread_initial_id(sb.buf, sb.len, "ff", id), LX_OK);
    assert_int_equal(lx_sha256_hex("root@x", 6, hex), LX_OK);
    assert_memory_equal(id, hex, LX_THREAD_ID_LEN);
    assert_int_equal(strlen(id), LX_THREAD_ID_LEN);

    /* No references: In-Reply-To; nothing: the Message-ID; none: the SHA-256. */
    assert_int_equal(lx_thread_initial_id("me@x\nmid@x\n-\n\n", 14, "ff", id), LX_OK);
    assert_int_equal(lx_sha256_hex("mid@x", 5, hex), LX_OK);
    assert_memory_equal(id, hex, LX_THREAD_ID_LEN);
    assert_int_equal(lx_thread_initial_id("me@x\n\n-\n\n", 9, "ff", id), LX_OK);
    assert_int_equal(lx_sha256_hex("me@x", 4, hex), LX_OK);
    assert_memory_equal(id, hex, LX_THREAD_ID_LEN);
    const char *sha = "0123456789abcdef0123";
    assert_int_equal(lx_thread_initial_id("\n\n-\n\n", 5, sha, id), LX_OK);
    assert_string_equal(id, "0123456789abcdef");

    /* Thousands of references keep the first and the nearest. */
    enum { N = 1000 };
    char **many = calloc(N, sizeof *many);
    assert_non_null(many);
    for (int i = 0; i < N; i++) {
        many[i] = malloc(16);
        snprintf(many[i], 16, "r%d@x", i);
    }
    m.references = many;
    m.n_references = N;
    lx_strbuf_reset(&sb);
    assert_int_equal(lx_thread_links(&sb, &m), LX_OK);
    size_t lines = 0;
    for (size_t i = 0; i < sb.len; i++)
        lines += sb.buf[i] == '\n';
    assert_int_equal(lines, 4 + LX_MAX_THREAD_REFS);
    assert_non_null(strstr(sb.buf, "\nr0@x\nr901@x\n"));
    assert_non_null(strstr(sb.buf, "\nr999@x\n"));
    for (int i = 0; i < N; i++)
        free(many[i]);
    free(many);
    lx_strbuf_release(&sb);
}

/* What can name a message: RFC 5322's id-left "@" id-right, read leniently. */
static void test_id_valid(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        bool valid;
    } cases[] = {
        {"abc.123@example.org", true},
        {"1277220170-3442-1-git-send-email-sjayaraman-l3A5Bk7waGM@public.gmane.org", true},
        {"4b09891e.YhJ/aJZOBwneOaFr%michiel@michielbuddingh.net", true},
        {"\"quoted local\"@example.org", true}, /* obsolete forms are read */
        {"x@[192.0.2.1]", true},
        {"a@b", true},
        {"a@b@c", true},
        {"yes", false}, /* git send-email's answer, written as an In-Reply-To */
        {"", false},
        {"@example.org", false},
        {"root@", false},
        {"@", false},
        {"unknown", false},
        {"a@b\nc", false},
        {"a\x01@b", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (lx_thread_id_valid(cases[i].id, strlen(cases[i].id)) != cases[i].valid)
            fail_msg("case %zu [%s]: want %s", i, cases[i].id,
                     cases[i].valid ? "valid" : "invalid");
}

/* An id that is no Message-ID never gives the initial thread id: the next
 * reference, In-Reply-To or the Message-ID does. */
static void test_initial_id_skips_invalid(void **state)
{
    (void)state;
    char id[LX_THREAD_ID_LEN + 1], hex[LX_SHA256_HEX_LEN + 1];
    static const char refs_yes[] = "me@x\nparent@x\nr\nhello\nyes\nparent@x\n";
    assert_int_equal(lx_thread_initial_id(refs_yes, sizeof refs_yes - 1, "ff", id), LX_OK);
    assert_int_equal(lx_sha256_hex("parent@x", 8, hex), LX_OK);
    assert_memory_equal(id, hex, LX_THREAD_ID_LEN);
    static const char irt_yes[] = "me@x\nyes\n-\nhello\nyes\n";
    assert_int_equal(lx_thread_initial_id(irt_yes, sizeof irt_yes - 1, "ff", id), LX_OK);
    assert_int_equal(lx_sha256_hex("me@x", 4, hex), LX_OK);
    assert_memory_equal(id, hex, LX_THREAD_ID_LEN);
    /* No Message-ID either: the message's own SHA-256. */
    static const char none[] = "\nyes\n-\n\n@x\n";
    assert_int_equal(lx_thread_initial_id(none, sizeof none - 1, "0123456789abcdef0", id), LX_OK);
    assert_string_equal(id, "0123456789abcdef");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_subject),
        cmocka_unit_test(test_links_and_initial_id),
        cmocka_unit_test(test_id_valid),
        cmocka_unit_test(test_initial_id_skips_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
