/* test_evidence.c - the stored location of a message: written, read back and shown (a file of its own, a range of an mbox, archive members and Outlook items, paths that only look like one, hostile names). */
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
    assert_int_equal(loc.n_members, 0);
    assert_false(loc.has_item);
    lx_evidence_loc_release(&loc);
}

/* The shown form of stored. */
static void shown(const char *stored, const char *want)
{
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_evidence_show_stored(&out, stored), LX_OK);
    assert_string_equal(out.buf, want);
    lx_strbuf_release(&out);
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

/* The forms from before steps existed show as they always did. */
static void test_old_forms_shown(void **state)
{
    (void)state;
    shown("mail/one.eml", "mail/one.eml");
    shown("box.mbox\t4096\t1234", "box.mbox@4096+1234");
    shown("a\tb.mbox\t0\t77", "a\tb.mbox@0+77");
    shown("notes\tdraft.eml", "notes\tdraft.eml");
    shown("x\t\t12", "x\t\t12");
    shown("", "");
}

static void test_steps(void **state)
{
    (void)state;
    lx_evidence_loc loc;
    assert_int_equal(lx_evidence_parse(&loc, "x.zip\t!in.tgz\t!box.mbox\t1024\t733"), LX_OK);
    assert_string_equal(loc.path.buf, "x.zip");
    assert_int_equal(loc.n_members, 2);
    assert_string_equal(loc.members[0], "in.tgz");
    assert_string_equal(loc.members[1], "box.mbox");
    assert_true(loc.in_mbox);
    assert_int_equal(loc.offset, 1024);
    assert_int_equal(loc.length, 733);
    lx_evidence_loc_release(&loc);
    assert_int_equal(
        lx_evidence_parse(&loc, "/d/store.pst\t/Top of Personal Folders/Inbox\t#2097188"), LX_OK);
    assert_string_equal(loc.path.buf, "/d/store.pst");
    assert_int_equal(loc.n_members, 0);
    assert_true(loc.has_item);
    assert_int_equal(loc.item, 2097188);
    assert_string_equal(loc.folder.buf, "/Top of Personal Folders/Inbox");
    lx_evidence_loc_release(&loc);
    shown("leak.zip\t!mail/a.eml", "leak.zip!/mail/a.eml");
    shown("x.zip\t!in.tgz\t!box.mbox\t1024\t733", "x.zip!/in.tgz!/box.mbox@1024+733");
    shown("store.pst\t/Top of Personal Folders/Inbox\t#2097188",
          "store.pst!/Top of Personal Folders/Inbox/#2097188");
    shown("leak.zip\t!old.msg", "leak.zip!/old.msg");
    shown("leak.zip\t!/abs/a.eml", "leak.zip!/abs/a.eml");
    shown("leak.zip\t!a%09b", "leak.zip!/a%09b");
    shown("l.zip\t!s.pst\t/Top\t#7", "l.zip!/s.pst!/Top/#7");
    /* A member without a name (an archive may hold one). */
    shown("p\t!", "p!/");
    shown("p\t!\t!a", "p!/!/a");
    /* Fields that are not steps belong to the path. */
    parsed("p\t!a%zz", "p\t!a%zz", false, 0, 0);
    parsed("p\t!a%0", "p\t!a%0", false, 0, 0);
    parsed("p\t!a%00", "p\t!a%00", false, 0, 0);
    parsed("p\t!a\x01b", "p\t!a\x01b", false, 0, 0);
    parsed("p\t#12", "p\t#12", false, 0, 0);
    parsed("p\t/F\t#4294967296", "p\t/F\t#4294967296", false, 0, 0);
    parsed("p\t/F\t#12x", "p\t/F\t#12x", false, 0, 0);
    parsed("!a", "!a", false, 0, 0);
}

/* Hostile member and folder names: written escaped, read back whole,
 * shown on one line. */
static void test_hostile_names(void **state)
{
    (void)state;
    const char *names[] = {"a\tb.eml", "100%.eml", "/abs/x.eml", "new\nline",         "\001ctl\177",
                           "!bang",    "#12",      "%41",        "caf\xc3\xa9 x.eml", "a/b/c"};
    size_t n = sizeof names / sizeof names[0];
    lx_strbuf steps, stored, show;
    lx_strbuf_init(&steps);
    lx_strbuf_init(&stored);
    lx_strbuf_init(&show);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lx_evidence_add_member(&steps, names[i], strlen(names[i])), LX_OK);
    const char *folders[] = {"Top", "a/b", "50%", "tab\there"};
    assert_int_equal(lx_evidence_add_item(&steps, folders, 4, 4294967295UL), LX_OK);
    assert_int_equal(
        lx_evidence_format_steps(&stored, "dir\twith tab/leak.zip", steps.buf, true, 5, 6), LX_OK);
    lx_evidence_loc loc;
    assert_int_equal(lx_evidence_parse(&loc, stored.buf), LX_OK);
    assert_string_equal(loc.path.buf, "dir\twith tab/leak.zip");
    assert_int_equal(loc.n_members, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(loc.members[i], names[i]);
    assert_true(loc.has_item);
    assert_int_equal(loc.item, 4294967295UL);
    assert_string_equal(loc.folder.buf, "/Top/a%2Fb/50%25/tab%09here");
    assert_true(loc.in_mbox);
    assert_int_equal(loc.offset, 5);
    assert_int_equal(loc.length, 6);
    assert_int_equal(lx_evidence_show(&show, &loc), LX_OK);
    assert_string_equal(show.buf, "dir\twith tab/leak.zip!/a%09b.eml!/100%25.eml!/abs/x.eml"
                                  "!/new%0Aline!/%01ctl%7F!/!bang!/#12!/%2541!/caf\xc3\xa9 x.eml"
                                  "!/a/b/c!/Top/a%2Fb/50%25/tab%09here/#4294967295@5+6");
    lx_evidence_loc_release(&loc);
    lx_strbuf_release(&steps);
    lx_strbuf_release(&stored);
    lx_strbuf_release(&show);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_old_forms_shown), cmocka_unit_test(test_steps),
        cmocka_unit_test(test_hostile_names),   cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),           cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
