/* test_pool.c - the indexer's worker pool: every item processed once, by
 * some worker, and handed back in the order submitted, with and without
 * worker threads; and the long-lived extraction helper's client side
 * against a scripted helper that answers, fails, crashes and hangs; and the
 * budget that stops workers from running ahead of a slow oldest item. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "helper.h"
#include "pool.h"

typedef struct item {
    unsigned seq;
    unsigned spin; /* work, so that items finish out of order */
    unsigned times; /* processed how many times */
    unsigned by;    /* which worker context */
    unsigned long result;
} item;

static void process(void *wctx, void *p)
{
    item *it = p;
    unsigned long x = it->seq;
    for (unsigned i = 0; i < it->spin; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    it->result = x;
    it->times++;
    it->by = *(unsigned *)wctx;
}

static void run_pool(unsigned workers, unsigned n, size_t window)
{
    unsigned ids[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    void *ctx[9];
    for (int i = 0; i < 9; i++)
        ctx[i] = &ids[i];
    lx_pool *p = lx_pool_new(workers, process, ctx);
    assert_non_null(p);
    item *items = calloc(n, sizeof *items);
    assert_non_null(items);
    unsigned next = 0;
    bool seen_by[9] = {false};
    for (unsigned i = 0; i < n; i++) {
        items[i].seq = i;
        /* Every seventh item is much slower than the rest. */
        items[i].spin = i % 7 == 0 ? 200000 : (i * 7919u) % 2000;
        assert_int_equal(lx_pool_submit(p, &items[i]), LX_OK);
        while (lx_pool_outstanding(p) > window) {
            item *back = lx_pool_take(p);
            assert_non_null(back);
            assert_int_equal(back->seq, next);
            assert_int_equal(back->times, 1);
            seen_by[back->by] = true;
            next++;
        }
    }
    item *back;
    while ((back = lx_pool_take(p))) {
        assert_int_equal(back->seq, next);
        assert_int_equal(back->times, 1);
        seen_by[back->by] = true;
        next++;
    }
    assert_int_equal(next, n);
    assert_int_equal(lx_pool_outstanding(p), 0);
    assert_null(lx_pool_take(p));
    if (!workers) {
        assert_true(seen_by[0]);
    } else {
        for (unsigned i = workers; i < 9; i++)
            assert_false(seen_by[i]);
    }
    lx_pool_free(p);
    free(items);
}

static void test_pool_inline(void **state)
{
    (void)state;
    run_pool(0, 500, 4);
}

static void test_pool_threads_in_order(void **state)
{
    (void)state;
    run_pool(1, 500, 8);
    run_pool(4, 2000, 32);
    /* A window wider than the ring's first size: the ring grows. */
    run_pool(3, 1000, 300);
}

static void test_pool_free_with_nothing(void **state)
{
    (void)state;
    unsigned id = 0;
    void *ctx[2] = {&id, &id};
    lx_pool *p = lx_pool_new(2, process, ctx);
    assert_non_null(p);
    lx_pool_free(p);
    assert_true(lx_pool_default_workers() >= 1);
}

/* A budget: while the oldest item is slow, the workers stop starting new
 * items once the finished ones hold more than the budget. Each item holds
 * 100 bytes; the budget is 250. The first item waits until the other 39
 * have all started, or a second has passed: with the budget, the others
 * stop after a few; without it, all 39 run meanwhile and the finished
 * ones seen by a starting item grow far past the bound. */
static atomic_uint b_started, b_finished, b_taken, b_max_held;

static void budget_process(void *wctx, void *p)
{
    (void)wctx;
    item *it = p;
    if (it->seq == 0) {
        time_t t0 = time(NULL);
        while (atomic_load(&b_started) < 39 && time(NULL) - t0 < 2)
            usleep(1000);
    } else {
        atomic_fetch_add(&b_started, 1);
        unsigned held = atomic_load(&b_finished) - atomic_load(&b_taken);
        unsigned m = atomic_load(&b_max_held);
        while (held > m && !atomic_compare_exchange_weak(&b_max_held, &m, held))
            ;
    }
    it->times++;
    atomic_fetch_add(&b_finished, 1);
}

static size_t budget_weight(void *p)
{
    (void)p;
    return 100;
}

static void test_pool_budget(void **state)
{
    (void)state;
    unsigned ids[4] = {0, 1, 2, 3};
    void *ctx[4] = {&ids[0], &ids[1], &ids[2], &ids[3]};
    lx_pool *p = lx_pool_new(4, budget_process, ctx);
    assert_non_null(p);
    lx_pool_set_budget(p, 250, budget_weight);
    item items[40];
    memset(items, 0, sizeof items);
    for (unsigned i = 0; i < 40; i++) {
        items[i].seq = i;
        assert_int_equal(lx_pool_submit(p, &items[i]), LX_OK);
    }
    for (unsigned i = 0; i < 40; i++) {
        item *back = lx_pool_take(p);
        assert_non_null(back);
        assert_int_equal(back->seq, i);
        assert_int_equal(back->times, 1);
        atomic_fetch_add(&b_taken, 1);
    }
    assert_null(lx_pool_take(p));
    /* Three finished items (over 250 bytes) stop the workers; the three
     * other workers may each have finished one more, just before. */
    assert_true(atomic_load(&b_max_held) <= 3 + 3);
    lx_pool_free(p);
}

/* ------------------------------------------------------- the helper client */

static char script[256];

/* A helper speaking the protocol: it echoes the document back, answers
 * "f" for one containing FAIL, dies of SIGSEGV on CRASH, hangs on SLEEP. */
static int make_script(void **state)
{
    (void)state;
    snprintf(script, sizeof script, "/tmp/leakdex-test-helper-%d.sh", (int)getpid());
    FILE *f = fopen(script, "w");
    if (!f)
        return -1;
    fputs("#!/bin/bash\n"
          "while read -r kind secs len; do\n"
          "  body=$(head -c \"$len\")\n"
          "  case \"$body\" in\n"
          "  *CRASH*) kill -SEGV $$ ;;\n"
          "  *SLEEP*) sleep 30 ;;\n"
          "  *FAIL*) r=\"$kind: bad document\"; printf 'f %d\\n%s' ${#r} \"$r\" ;;\n"
          "  *) printf 'o %d\\n%s' ${#body} \"$body\" ;;\n"
          "  esac\n"
          "done\n",
          f);
    fclose(f);
    return chmod(script, 0700);
}

static int remove_script(void **state)
{
    (void)state;
    unlink(script);
    return 0;
}

static lx_sandbox_result ask(lx_helper *h, const char *doc, unsigned seconds, size_t max,
                             lx_strbuf *out, lx_strbuf *why)
{
    lx_sandbox_limits lim = {seconds, 0, max};
    lx_strbuf_reset(out);
    lx_strbuf_reset(why);
    return lx_helper_run(h, "pdf", doc, strlen(doc), &lim, out, why);
}

static void test_helper_answers_and_fails(void **state)
{
    (void)state;
    lx_helper *h = lx_helper_new(script);
    assert_non_null(h);
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    assert_int_equal(ask(h, "first document", 10, 1000, &out, &why), LX_SANDBOX_OK);
    assert_string_equal(out.buf, "first document");
    assert_int_equal(ask(h, "a FAIL here", 10, 1000, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "pdf: bad document");
    assert_int_equal(ask(h, "0123456789", 10, 4, &out, &why), LX_SANDBOX_TRUNCATED);
    assert_string_equal(out.buf, "0123");
    /* The same helper after a failure and a cut answer: still in step. */
    assert_int_equal(ask(h, "last", 10, 1000, &out, &why), LX_SANDBOX_OK);
    assert_string_equal(out.buf, "last");
    lx_helper_free(h);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

static void test_helper_crash_and_timeout(void **state)
{
    (void)state;
    lx_helper *h = lx_helper_new(script);
    assert_non_null(h);
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    assert_int_equal(ask(h, "CRASH", 10, 1000, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "the extractor crashed (signal 11)");
    assert_int_equal(out.len, 0);
    /* A new helper for the next document. */
    assert_int_equal(ask(h, "after the crash", 10, 1000, &out, &why), LX_SANDBOX_OK);
    assert_string_equal(out.buf, "after the crash");
    /* A crash on a reused helper: tried again on a fresh one, then blamed. */
    assert_int_equal(ask(h, "CRASH again", 10, 1000, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "the extractor crashed (signal 11)");
    time_t t0 = time(NULL);
    assert_int_equal(ask(h, "SLEEP", 1, 1000, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "extraction took longer than 1 s");
    assert_true(time(NULL) - t0 < 10);
    assert_int_equal(ask(h, "awake", 10, 1000, &out, &why), LX_SANDBOX_OK);
    assert_string_equal(out.buf, "awake");
    lx_helper_free(h);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

static void test_helper_missing_program(void **state)
{
    (void)state;
    lx_helper *h = lx_helper_new("/nonexistent/leakdex-index");
    assert_non_null(h);
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    assert_int_equal(ask(h, "x", 10, 1000, &out, &why), LX_SANDBOX_FAILED);
    assert_string_equal(why.buf, "cannot start the extraction helper: No such file or directory");
    lx_helper_free(h);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_inline),
        cmocka_unit_test(test_pool_threads_in_order),
        cmocka_unit_test(test_pool_free_with_nothing),
        cmocka_unit_test(test_pool_budget),
        cmocka_unit_test_setup_teardown(test_helper_answers_and_fails, make_script,
                                        remove_script),
        cmocka_unit_test_setup_teardown(test_helper_crash_and_timeout, make_script,
                                        remove_script),
        cmocka_unit_test(test_helper_missing_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
