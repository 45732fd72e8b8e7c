/* test_cache.c - the answers kept per target and revision: found only under both, the least recently used pushed out first, a big one never kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "caps.h"
#include "web.h"
#include "banned.h"

/* Whether target at rev is kept, with exactly body. */
static bool kept_as(const char *target, const char *rev, const char *body)
{
    lx_strbuf b;
    lx_strbuf_init(&b);
    bool got = web_cache_get(target, rev, &b);
    bool same = got && b.len == strlen(body) && memcmp(b.buf, body, b.len) == 0;
    lx_strbuf_release(&b);
    return same;
}

static bool kept(const char *target, const char *rev)
{
    lx_strbuf b;
    lx_strbuf_init(&b);
    bool got = web_cache_get(target, rev, &b);
    lx_strbuf_release(&b);
    return got;
}

static void test_target_and_revision(void **state)
{
    (void)state;
    web_cache_clear();
    web_cache_put("/api/facets?q=a", "U:3 ", "{\"total\": 1}", 12);
    assert_true(kept_as("/api/facets?q=a", "U:3 ", "{\"total\": 1}"));
    /* Another revision, another database (its UUID), another target. */
    assert_false(kept("/api/facets?q=a", "U:4 "));
    assert_false(kept("/api/facets?q=a", "V:3 "));
    assert_false(kept("/api/facets?q=ab", "U:3 "));
    /* The key's parts do not run into each other. */
    assert_false(kept("/api/facets?q=aU", ":3 "));
    /* A new answer for the same key replaces the old. */
    web_cache_put("/api/facets?q=a", "U:3 ", "{\"total\": 2}", 12);
    assert_true(kept_as("/api/facets?q=a", "U:3 ", "{\"total\": 2}"));
    web_cache_clear();
    assert_false(kept("/api/facets?q=a", "U:3 "));
}

static void test_least_recently_used_goes(void **state)
{
    (void)state;
    web_cache_clear();
    char target[64];
    for (int i = 0; i < LX_WEB_CACHE_ENTRIES; i++) {
        snprintf(target, sizeof target, "/api/stats?q=%d", i);
        web_cache_put(target, "U:1 ", "x", 1);
    }
    /* 0 is used again: 1 is now the least recent, and goes for a new one. */
    assert_true(kept("/api/stats?q=0", "U:1 "));
    web_cache_put("/api/stats?q=new", "U:1 ", "y", 1);
    assert_true(kept_as("/api/stats?q=new", "U:1 ", "y"));
    assert_true(kept("/api/stats?q=0", "U:1 "));
    assert_false(kept("/api/stats?q=1", "U:1 "));
    assert_true(kept("/api/stats?q=2", "U:1 "));
    web_cache_clear();
}

static void test_bytes_bounded(void **state)
{
    (void)state;
    web_cache_clear();
    static char big[LX_WEB_CACHE_BYTES / 4 + 1];
    memset(big, 'a', sizeof big);
    web_cache_put("/api/senders", "U:1 ", big, sizeof big);
    assert_false(kept("/api/senders", "U:1 "));
    /* Four answers of a quarter each fill it; a fifth pushes out the
     * least recent. */
    char target[64];
    for (int i = 0; i < 5; i++) {
        snprintf(target, sizeof target, "/api/senders?q=%d", i);
        web_cache_put(target, "U:1 ", big, sizeof big - 1);
    }
    assert_false(kept("/api/senders?q=0", "U:1 "));
    for (int i = 1; i < 5; i++) {
        snprintf(target, sizeof target, "/api/senders?q=%d", i);
        assert_true(kept(target, "U:1 "));
    }
    web_cache_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_and_revision),
        cmocka_unit_test(test_least_recently_used_goes),
        cmocka_unit_test(test_bytes_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
