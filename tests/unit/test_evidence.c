/* test_evidence.c - the stored location of a message: written and read back
 * (a file of its own, a range of an mbox, paths that only look like one). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "evidence.h"
#include "banned.h"

/* Parses stored and checks every field of the result. */
static void parsed(const char *stored, const char *path, bool in_mbox, size_t offset,
                   size_t length)
{
    lx_evidence_loc loc;
    assert_int_equal(lx_evidence_parse(&loc, stored), LX_OK);
    assert_string_equal(loc.path.buf, path);
    assert_int_equal(loc.in_mbox, in_mbox);
    assert_int_equal(loc.offset, offset);
    assert_int_equal(loc.length, length);
    lx_strbuf_release(&loc.path);
}

static void test_format(void **state)
{
    (void)state;
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_evidence_format(&out, "mail/one.eml", false, 0, 812), LX_OK);
    assert_string_equal(out.buf, "mail/one.eml");
    lx_strbuf_reset(&out);
    assert_int_equal(lx_evidence_format(&out, "box.mbox", true, 4096, 1234), LX_OK);
    assert_string_equal(out.buf, "box.mbox\t4096\t1234");
    lx_strbuf_release(&out);
}

static void test_parse(void **state)
{
    (void)state;
    parsed("mail/one.eml", "mail/one.eml", false, 0, 0);
    parsed("box.mbox\t4096\t1234", "box.mbox", true, 4096, 1234);
    parsed("a\tb.mbox\t0\t77", "a\tb.mbox", true, 0, 77);
    /* A path with tabs whose last two fields are not both numbers is a
     * path of its own, whole. */
    parsed("notes\tdraft.eml", "notes\tdraft.eml", false, 0, 0);
    parsed("x\t12\tz", "x\t12\tz", false, 0, 0);
    parsed("x\t12\t", "x\t12\t", false, 0, 0);
    parsed("x\t\t12", "x\t\t12", false, 0, 0);
    parsed("x\t12\t34 ", "x\t12\t34 ", false, 0, 0);
    parsed("\t12", "\t12", false, 0, 0);
    parsed("", "", false, 0, 0);
}

static void test_round_trip(void **state)
{
    (void)state;
    const char *paths[] = {"plain.mbox", "with space/box", "tab\tinside.mbox"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        lx_strbuf out;
        lx_strbuf_init(&out);
        assert_int_equal(lx_evidence_format(&out, paths[i], true, 10 + i, 200 + i), LX_OK);
        parsed(out.buf, paths[i], true, 10 + i, 200 + i);
        lx_strbuf_release(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
