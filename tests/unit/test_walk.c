/* test_walk.c - the walker: order, Maildirs, a file that disappears
 * between the directory listing and its turn, and access times. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "walk.h"
#include "testdir.h"

typedef struct seen {
    char log[4096];
    const char *remove_on; /* deleting this file's successor when visited */
    const char *victim;
} seen;

static int on_file(void *ctx, const char *path, const char *source, lx_source_kind kind)
{
    seen *s = ctx;
    const char *base = strrchr(path, '/') + 1;
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "file %s (%s)\n", base, lx_source_kind_name(kind));
    if (s->remove_on && strcmp(base, s->remove_on) == 0)
        unlink(s->victim);
    return 0;
}

static void on_skip(void *ctx, const char *path, const char *source, lx_source_kind kind,
                    const char *reason)
{
    seen *s = ctx;
    const char *base = strrchr(path, '/') + 1;
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "skip %s: %s\n", base, reason);
}

static void touch(const char *dir, const char *name)
{
    char p[1200]; /* room for any dir and name the tests pass */
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
}

static void test_disappearing_file(void **state)
{
    char dir[] = "/tmp/leakdex-test-walk-XXXXXX";
    assert_non_null(mkdtemp(dir));
    touch(dir, "a.eml");
    touch(dir, "b.eml");
    touch(dir, "c.eml");
    char victim[600];
    snprintf(victim, sizeof victim, "%s/b.eml", dir);
    seen s = {"", "a.eml", victim};
    lx_walk_cb cb = {on_file, on_skip, &s, false, NULL, NULL};
    assert_int_equal(lx_walk(dir, &cb), LX_OK);
    assert_string_equal(s.log, "file a.eml (dir)\n"
                               "skip b.eml: cannot stat: No such file or directory\n"
                               "file c.eml (dir)\n");
    assert_int_equal(lx_testdir_remove(dir), 0);
}

static void test_maildir_and_order(void **state)
{
    char dir[] = "/tmp/leakdex-test-walk-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[600];
    snprintf(p, sizeof p, "%s/md", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/md/cur", dir);
    mkdir(p, 0755);
    touch(p, "2:2,S");
    touch(p, "1:2,S");
    snprintf(p, sizeof p, "%s/md/new", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/md/tmp", dir);
    mkdir(p, 0755);
    touch(p, "partial");
    touch(dir, "z.eml");
    touch(dir, ".hidden");
    seen s = {"", NULL, NULL};
    lx_walk_cb cb = {on_file, on_skip, &s, false, NULL, NULL};
    assert_int_equal(lx_walk(dir, &cb), LX_OK);
    assert_string_equal(s.log, "skip .hidden: hidden (use --hidden to include it)\n"
                               "file 1:2,S (maildir)\n"
                               "file 2:2,S (maildir)\n"
                               "skip partial: in a Maildir tmp/ folder (delivery not finished)\n"
                               "file z.eml (dir)\n");
    snprintf(p, sizeof p, "%s/nothing", dir);
    seen s2 = {"", NULL, NULL};
    cb.ctx = &s2;
    assert_int_equal(lx_walk(p, &cb), LX_E_NOT_FOUND);
    assert_string_equal(s2.log, "skip nothing: cannot read source: No such file or directory\n");
    assert_int_equal(lx_testdir_remove(dir), 0);
}

static void set_atime(const char *path)
{
    const struct timespec t[2] = {{978307200, 0}, {0, UTIME_OMIT}}; /* 2001-01-01 */
    assert_int_equal(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
}

static time_t atime_of(const char *path)
{
    struct stat sb;
    assert_int_equal(lstat(path, &sb), 0);
    return sb.st_atim.tv_sec;
}

/* Listing directories leaves their access times (the walker is their
 * owner: O_NOATIME); a link followed has its own put back, and said so. */
static void test_atimes(void **state)
{
    char dir[] = "/tmp/leakdex-test-walk-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[600], link[600], probe[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0755);
    touch(sub, "m.eml");
    snprintf(link, sizeof link, "%s/link.eml", dir);
    assert_int_equal(symlink("sub/m.eml", link), 0);
    snprintf(probe, sizeof probe, "%s/probe", dir);
    assert_int_equal(symlink("sub", probe), 0);
    /* Whether this file system sets access times at all (not noatime). */
    set_atime(probe);
    struct stat ignored;
    stat(probe, &ignored);
    bool honoured = atime_of(probe) != 978307200;
    unlink(probe);
    set_atime(dir);
    set_atime(sub);
    set_atime(link);
    seen s = {"", NULL, NULL};
    lx_atime_stats a;
    lx_atime_stats_init(&a);
    lx_walk_cb cb = {on_file, on_skip, &s, false, NULL, &a};
    assert_int_equal(lx_walk(dir, &cb), LX_OK);
    assert_string_equal(s.log, "file link.eml (dir)\nfile m.eml (dir)\n");
    assert_int_equal(atime_of(dir), 978307200);
    assert_int_equal(atime_of(sub), 978307200);
    assert_int_equal(atime_of(link), 978307200);
    lx_strbuf line;
    lx_strbuf_init(&line);
    assert_int_equal(lx_atime_describe(&a, &line), LX_OK);
    if (honoured)
        assert_string_equal(line.buf,
                            "access times: put back on 1 symbolic link (its change time became now)");
    else
        print_message("this file system does not set access times: nothing to put back\n");
    lx_strbuf_release(&line);
    lx_atime_stats_release(&a);
    assert_int_equal(lx_testdir_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disappearing_file),
        cmocka_unit_test(test_maildir_and_order),
        cmocka_unit_test(test_atimes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
