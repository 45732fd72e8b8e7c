/* test_threads.c - a thread's messages as a conversation: each one's depth under what it answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "caps.h"
#include "hitkeys.h"
#include "record.h"
#include "schema.h"
#include "threads.h"

/* A message: its id, what it answers (In-Reply-To) and its references. */
static void message(lx_record *r, const char *id, const char *irt, const char *const *refs)
{
    lx_record_init(r);
    assert_int_equal(lx_record_add_str(r, LX_DATA_MESSAGE_ID, id), LX_OK);
    assert_int_equal(lx_record_add_str(r, LX_DATA_IN_REPLY_TO, irt), LX_OK);
    for (size_t i = 0; refs && refs[i]; i++)
        assert_int_equal(lx_record_add_str(r, LX_DATA_REFERENCES, refs[i]), LX_OK);
}

static void test_depths(void **state)
{
    (void)state;
    /* a; b answers a; c answers b; d names only its references, the
     * nearest of which (x) is not in the thread, then b; e answers a
     * message not in the thread at all. */
    static const char *const d_refs[] = {"a", "b", "x", NULL};
    lx_record recs[5];
    message(&recs[0], "a", "", NULL);
    message(&recs[1], "b", "a", NULL);
    message(&recs[2], "c", "b", NULL);
    message(&recs[3], "d", "", d_refs);
    message(&recs[4], "e", "zz", NULL);
    assert_int_equal(lx_threads_depths(recs, 5), LX_OK);
    const char *want[] = {"0", "1", "2", "2", "0"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(lx_record_get(&recs[i], LX_HIT_THREAD_DEPTH), want[i]);
        lx_record_release(&recs[i]);
    }
}

static void test_loop_and_cap(void **state)
{
    (void)state;
    /* Two messages that answer each other: a loop, shown flat. */
    lx_record loop[2];
    message(&loop[0], "p", "q", NULL);
    message(&loop[1], "q", "p", NULL);
    assert_int_equal(lx_threads_depths(loop, 2), LX_OK);
    assert_string_equal(lx_record_get(&loop[0], LX_HIT_THREAD_DEPTH), "0");
    assert_string_equal(lx_record_get(&loop[1], LX_HIT_THREAD_DEPTH), "0");
    lx_record_release(&loop[0]);
    lx_record_release(&loop[1]);

    /* A chain deeper than LX_MAX_THREAD_INDENT is indented no further. */
    enum { N = LX_MAX_THREAD_INDENT + 4 };
    lx_record chain[N];
    char ids[N][8];
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "m%zu", i);
        message(&chain[i], ids[i], i ? ids[i - 1] : "", NULL);
    }
    assert_int_equal(lx_threads_depths(chain, N), LX_OK);
    char want[8];
    snprintf(want, sizeof want, "%d", LX_MAX_THREAD_INDENT);
    assert_string_equal(lx_record_get(&chain[N - 1], LX_HIT_THREAD_DEPTH), want);
    assert_string_equal(lx_record_get(&chain[3], LX_HIT_THREAD_DEPTH), "3");
    for (size_t i = 0; i < N; i++)
        lx_record_release(&chain[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depths),
        cmocka_unit_test(test_loop_and_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
