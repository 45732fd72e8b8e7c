/* segments.c - writer threads, each writing whole chunks of the input into segment databases. */
#include "segments.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caps.h"
#include "grow.h"
#include "banned.h"

/* A document handed over, waiting for its chunk's writer. */
typedef struct item {
    lx_doc *doc;
    size_t weight;
    struct item *next;
} item;

/* One chunk of the input: its documents in order, and its segment. */
typedef struct chunk {
    char *path;
    item *head, *tail;
    bool closed; /* no more documents come */
    size_t docs, bytes;
} chunk;

struct lx_segments {
    pthread_mutex_t mu;
    pthread_cond_t more; /* a document, a chunk, or the end */
    pthread_cond_t room; /* a writer took a document */
    char *dir;
    chunk **chunks;
    size_t n_chunks, alloc_chunks;
    size_t next_chunk; /* the next a writer takes */
    chunk *filling;    /* the chunk the caller hands documents to, or NULL */
    size_t queued;     /* weight of the documents not yet taken */
    bool finishing;
    lx_status st; /* the first failure */
    char *why;
    size_t commit_every, max_docs, max_bytes;
    bool ready;         /* mu and the conditions made */
    pthread_t *threads;
    unsigned n_threads; /* running */
    unsigned writers;   /* started */
    const char **paths; /* the segments with documents, once finished */
    size_t n_paths;
};

/* The first failure is kept (mu held). */
static void fail(lx_segments *s, lx_status st, const char *what, const char *detail)
{
    if (s->st)
        return;
    s->st = st;
    size_t len = strlen(what) + strlen(detail) + 3;
    if ((s->why = malloc(len)))
        snprintf(s->why, len, "%s: %s", what, detail);
}

/* Writes one chunk's documents into its segment as they come; after a
 * failure, only frees them. */
static void write_chunk(lx_segments *s, chunk *c)
{
    lx_db *db = NULL;
    char *err = NULL;
    lx_status st = lx_db_open(c->path, LX_DB_WRITE, &db, &err);
    pthread_mutex_lock(&s->mu);
    if (st)
        fail(s, st, c->path, err ? err : lx_status_str(st));
    free(err);
    size_t since_commit = 0;
    for (;;) {
        while (!c->head && !c->closed)
            pthread_cond_wait(&s->more, &s->mu);
        item *it = c->head;
        if (!it)
            break;
        if (!(c->head = it->next))
            c->tail = NULL;
        s->queued -= it->weight;
        pthread_cond_broadcast(&s->room);
        bool write = !s->st;
        pthread_mutex_unlock(&s->mu);
        st = LX_OK;
        if (write && !(st = lx_db_add_doc(db, it->doc, NULL)) && ++since_commit >= s->commit_every) {
            since_commit = 0;
            st = lx_db_commit(db);
        }
        lx_doc_free(it->doc);
        free(it);
        pthread_mutex_lock(&s->mu);
        if (st)
            fail(s, st, c->path, lx_db_error(db));
    }
    pthread_mutex_unlock(&s->mu);
    st = db ? lx_db_close(db) : LX_OK;
    pthread_mutex_lock(&s->mu);
    if (st)
        fail(s, st, c->path, "cannot commit the segment");
}

static void *writer_main(void *arg)
{
    lx_segments *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->next_chunk == s->n_chunks && !s->finishing)
            pthread_cond_wait(&s->more, &s->mu);
        if (s->next_chunk == s->n_chunks)
            break;
        chunk *c = s->chunks[s->next_chunk++];
        pthread_mutex_unlock(&s->mu);
        write_chunk(s, c); /* returns with mu held */
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void set_why(char **why, const char *what, const char *detail)
{
    size_t len = strlen(what) + strlen(detail) + 3;
    if ((*why = malloc(len)))
        snprintf(*why, len, "%s: %s", what, detail);
}

lx_segments *lx_segments_start(const char *dir, unsigned writers, size_t commit_every,
                               size_t max_docs, size_t max_bytes, char **why)
{
    *why = NULL;
    lx_segments *s = calloc(1, sizeof *s);
    if (!s || !(s->dir = strdup(dir)) || !(s->threads = calloc(writers, sizeof *s->threads))) {
        set_why(why, dir, "out of memory");
        lx_segments_free(s);
        return NULL;
    }
    if (mkdir(dir, 0777) != 0) {
        set_why(why, dir, strerror(errno));
        lx_segments_free(s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->more, NULL);
    pthread_cond_init(&s->room, NULL);
    s->ready = true;
    s->commit_every = commit_every ? commit_every : 1;
    s->max_docs = max_docs ? max_docs : 1;
    s->max_bytes = max_bytes;
    for (; s->n_threads < writers; s->n_threads++)
        if (pthread_create(&s->threads[s->n_threads], NULL, writer_main, s) != 0)
            break;
    s->writers = s->n_threads;
    if (!s->n_threads) {
        set_why(why, dir, "cannot start the writer threads");
        lx_segments_free(s);
        return NULL;
    }
    return s;
}

/* A new chunk to fill (mu held); NULL for want of memory. */
static chunk *new_chunk(lx_segments *s)
{
    chunk *c = calloc(1, sizeof *c);
    size_t len = strlen(s->dir) + 16;
    if (!c || !(c->path = malloc(len)) ||
        !lx_grow((void **)&s->chunks, &s->alloc_chunks, s->n_chunks + 1, sizeof *s->chunks)) {
        if (c)
            free(c->path);
        free(c);
        return NULL;
    }
    snprintf(c->path, len, "%s/%04zu", s->dir, s->n_chunks);
    s->chunks[s->n_chunks++] = c;
    pthread_cond_broadcast(&s->more);
    return c;
}

lx_status lx_segments_put(lx_segments *s, lx_doc *doc, size_t weight)
{
    item *it = malloc(sizeof *it);
    pthread_mutex_lock(&s->mu);
    while (!s->st && s->queued && s->queued + weight > LX_INFLIGHT_BYTES)
        pthread_cond_wait(&s->room, &s->mu);
    lx_status st = s->st;
    if (!st && !s->filling && !(s->filling = new_chunk(s)))
        fail(s, st = LX_E_NOMEM, s->dir, "out of memory");
    if (!st && !it)
        fail(s, st = LX_E_NOMEM, s->dir, "out of memory");
    if (st) {
        pthread_mutex_unlock(&s->mu);
        free(it);
        lx_doc_free(doc);
        return st;
    }
    chunk *c = s->filling;
    *it = (item){doc, weight, NULL};
    if (c->tail)
        c->tail->next = it;
    else
        c->head = it;
    c->tail = it;
    s->queued += weight;
    c->bytes += weight;
    if (++c->docs >= s->max_docs || c->bytes >= s->max_bytes) {
        c->closed = true;
        s->filling = NULL;
    }
    pthread_cond_broadcast(&s->more);
    pthread_mutex_unlock(&s->mu);
    return LX_OK;
}

/* Closes the chunk being filled and waits for the writers to end. */
static void stop_writers(lx_segments *s)
{
    pthread_mutex_lock(&s->mu);
    if (s->filling)
        s->filling->closed = true;
    s->filling = NULL;
    s->finishing = true;
    pthread_cond_broadcast(&s->more);
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < s->n_threads; i++)
        pthread_join(s->threads[i], NULL);
    s->n_threads = 0;
}

lx_status lx_segments_finish(lx_segments *s, const char *const **paths, size_t *n, char **why)
{
    stop_writers(s);
    *paths = NULL;
    *n = 0;
    *why = NULL;
    if (!s->st && s->n_chunks && !(s->paths = calloc(s->n_chunks, sizeof *s->paths)))
        fail(s, LX_E_NOMEM, s->dir, "out of memory");
    for (size_t i = 0; !s->st && i < s->n_chunks; i++)
        if (s->chunks[i]->docs)
            s->paths[s->n_paths++] = s->chunks[i]->path;
    if (s->st) {
        *why = s->why ? strdup(s->why) : NULL;
        return s->st;
    }
    *paths = s->paths;
    *n = s->n_paths;
    return LX_OK;
}

size_t lx_segments_count(const lx_segments *s)
{
    return s->n_paths;
}

unsigned lx_segments_writers(const lx_segments *s)
{
    return s->writers;
}

void lx_segments_free(lx_segments *s)
{
    if (!s)
        return;
    if (s->ready) {
        stop_writers(s);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->more);
        pthread_cond_destroy(&s->room);
    }
    for (size_t i = 0; i < s->n_chunks; i++) {
        /* Left by a failure: documents no writer took. */
        for (item *it = s->chunks[i]->head, *next; it; it = next) {
            next = it->next;
            lx_doc_free(it->doc);
            free(it);
        }
        free(s->chunks[i]->path);
        free(s->chunks[i]);
    }
    free(s->chunks);
    free(s->paths);
    free(s->threads);
    free(s->why);
    free(s->dir);
    free(s);
}
