/* pool.c - ordered hand-back over a fixed set of pthreads. */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "banned.h"
#include "caps.h"

/* One submitted item: a ring of these, oldest at `head`. */
typedef struct slot {
    void *item;
    bool done;
    size_t weight; /* bytes it holds once done (lx_pool_set_budget) */
} slot;

struct lx_pool {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a slot waits to be processed, or stop */
    pthread_cond_t done; /* a slot was processed */
    pthread_cond_t room; /* a slot was taken back: finished items hold less */
    lx_pool_fn fn;
    slot *ring;
    size_t cap;  /* ring capacity, a power of two */
    size_t head; /* oldest outstanding (absolute count) */
    size_t next; /* next to hand to a worker */
    size_t tail; /* next free */
    bool stop;
    unsigned n_threads;
    pthread_t *threads;
    void *const *wctx;
    void *inline_ctx;
    size_t budget, held; /* bytes finished items may hold, and hold */
    size_t (*weight)(void *item);
};

typedef struct worker_arg {
    lx_pool *p;
    unsigned i;
} worker_arg;

static void *worker_main(void *arg)
{
    worker_arg *a = arg;
    lx_pool *p = a->p;
    void *ctx = p->wctx[a->i];
    free(a);
    /* Best effort: a worker at the default priority works the same. */
    (void)setpriority(PRIO_PROCESS, (id_t)gettid(), getpriority(PRIO_PROCESS, 0) + LX_WORKER_NICE);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next == p->tail)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->next == p->tail)
            break; /* stopping, nothing left */
        /* Finished items hold too much: wait for the caller to take some
         * back, unless the next one is the oldest (the caller waits for
         * it; another worker may already have taken it meanwhile). */
        if (p->budget && p->held > p->budget && p->next != p->head && !p->stop) {
            pthread_cond_wait(&p->room, &p->mu);
            continue;
        }
        size_t k = p->next++;
        void *item = p->ring[k & (p->cap - 1)].item;
        pthread_mutex_unlock(&p->mu);
        p->fn(ctx, item);
        size_t w = p->weight ? p->weight(item) : 0;
        pthread_mutex_lock(&p->mu);
        p->ring[k & (p->cap - 1)].done = true;
        p->ring[k & (p->cap - 1)].weight = w;
        p->held += w;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

lx_pool *lx_pool_new(unsigned workers, lx_pool_fn fn, void *const *wctx)
{
    lx_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->fn = fn;
    p->wctx = wctx;
    p->inline_ctx = wctx ? wctx[0] : NULL;
    p->cap = 64;
    p->ring = calloc(p->cap, sizeof *p->ring);
    p->threads = workers ? calloc(workers, sizeof *p->threads) : NULL;
    if (!p->ring || (workers && !p->threads) || pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p->ring);
        free(p->threads);
        free(p);
        return NULL;
    }
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    pthread_cond_init(&p->room, NULL);
    for (unsigned i = 0; i < workers; i++) {
        worker_arg *a = malloc(sizeof *a);
        if (a) {
            a->p = p;
            a->i = i;
        }
        if (!a || pthread_create(&p->threads[i], NULL, worker_main, a) != 0) {
            free(a);
            lx_pool_free(p);
            return NULL;
        }
        p->n_threads++;
    }
    return p;
}

/* Doubles the ring, keeping every outstanding slot at its absolute index.
 * Called with the lock held. */
static lx_status grow(lx_pool *p)
{
    size_t cap = p->cap * 2;
    slot *ring = calloc(cap, sizeof *ring);
    if (!ring)
        return LX_E_NOMEM;
    for (size_t k = p->head; k < p->tail; k++)
        ring[k & (cap - 1)] = p->ring[k & (p->cap - 1)];
    free(p->ring);
    p->ring = ring;
    p->cap = cap;
    return LX_OK;
}

lx_status lx_pool_submit(lx_pool *p, void *item)
{
    pthread_mutex_lock(&p->mu);
    if (p->tail - p->head == p->cap) {
        lx_status st = grow(p);
        if (st) {
            pthread_mutex_unlock(&p->mu);
            return st;
        }
    }
    slot *s = &p->ring[p->tail & (p->cap - 1)];
    s->item = item;
    s->done = false;
    s->weight = 0;
    p->tail++;
    if (!p->n_threads) {
        /* No workers: processed here, now, and handed to no one else. */
        p->next = p->tail;
        pthread_mutex_unlock(&p->mu);
        p->fn(p->inline_ctx, item);
        pthread_mutex_lock(&p->mu);
        s = &p->ring[(p->tail - 1) & (p->cap - 1)];
        s->done = true;
    } else {
        pthread_cond_signal(&p->work);
    }
    pthread_mutex_unlock(&p->mu);
    return LX_OK;
}

void lx_pool_set_budget(lx_pool *p, size_t budget, size_t (*weight)(void *item))
{
    pthread_mutex_lock(&p->mu);
    p->budget = budget;
    p->weight = weight;
    pthread_mutex_unlock(&p->mu);
}

size_t lx_pool_outstanding(const lx_pool *p)
{
    /* Only the submitting thread changes tail and head. */
    return p->tail - p->head;
}

void *lx_pool_take(lx_pool *p)
{
    pthread_mutex_lock(&p->mu);
    if (p->head == p->tail) {
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    slot *s;
    while (!(s = &p->ring[p->head & (p->cap - 1)])->done)
        pthread_cond_wait(&p->done, &p->mu);
    void *item = s->item;
    s->item = NULL;
    p->held -= s->weight;
    s->weight = 0;
    p->head++;
    pthread_cond_broadcast(&p->room);
    pthread_mutex_unlock(&p->mu);
    return item;
}

void lx_pool_free(lx_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->room);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->room);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p->ring);
    free(p);
}

unsigned lx_pool_default_workers(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return (unsigned)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}
