/* cache.c - the answers that count over every match (facets, stats, senders), kept per request target and index revision. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "web.h"
#include "banned.h"

/* One kept answer: its key (the target as sent, a NUL, the revision key)
 * and its body. */
typedef struct kept {
    char *key;
    size_t key_len;
    char *body;
    size_t len;
    uint64_t used; /* the tick of its last use: the least recent goes first */
} kept;

static struct {
    pthread_mutex_t lock;
    kept v[LX_WEB_CACHE_ENTRIES];
    size_t bytes; /* the bodies kept, in all */
    uint64_t tick;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The key of target at revision rev, into key (malloc'd; NULL: no memory). */
static char *make_key(const char *target, const char *rev, size_t *len)
{
    size_t t = strlen(target), r = strlen(rev);
    char *key = malloc(t + 1 + r);
    if (key) {
        memcpy(key, target, t + 1);
        memcpy(key + t + 1, rev, r);
    }
    *len = t + 1 + r;
    return key;
}

static kept *find(const char *key, size_t len)
{
    for (size_t i = 0; i < LX_WEB_CACHE_ENTRIES; i++)
        if (cache.v[i].key && cache.v[i].key_len == len && memcmp(cache.v[i].key, key, len) == 0)
            return &cache.v[i];
    return NULL;
}

static void forget(kept *k)
{
    cache.bytes -= k->len;
    free(k->key);
    free(k->body);
    memset(k, 0, sizeof *k);
}

bool web_cache_get(const char *target, const char *rev, lx_strbuf *body)
{
    size_t len;
    char *key = make_key(target, rev, &len);
    if (!key)
        return false;
    pthread_mutex_lock(&cache.lock);
    kept *k = find(key, len);
    bool got = k && lx_strbuf_add(body, k->body, k->len) == LX_OK;
    if (got)
        k->used = ++cache.tick;
    pthread_mutex_unlock(&cache.lock);
    free(key);
    return got;
}

void web_cache_put(const char *target, const char *rev, const char *body, size_t len)
{
    if (len > LX_WEB_CACHE_BYTES / 4)
        return; /* a few big answers would push out every other */
    size_t key_len;
    char *key = make_key(target, rev, &key_len);
    char *copy = malloc(len ? len : 1);
    if (!key || !copy) {
        free(key);
        free(copy);
        return;
    }
    memcpy(copy, body, len);
    pthread_mutex_lock(&cache.lock);
    kept *k = find(key, key_len);
    if (k)
        forget(k);
    /* Room: the least recently used go until one place is free and the
     * bodies fit. */
    for (;;) {
        kept *oldest = NULL, *free_place = NULL;
        for (size_t i = 0; i < LX_WEB_CACHE_ENTRIES; i++) {
            kept *c = &cache.v[i];
            if (!c->key)
                free_place = free_place ? free_place : c;
            else if (!oldest || c->used < oldest->used)
                oldest = c;
        }
        if (free_place && cache.bytes + len <= LX_WEB_CACHE_BYTES) {
            *free_place = (kept){key, key_len, copy, len, ++cache.tick};
            cache.bytes += len;
            break;
        }
        forget(oldest);
    }
    pthread_mutex_unlock(&cache.lock);
}

void web_cache_clear(void)
{
    pthread_mutex_lock(&cache.lock);
    for (size_t i = 0; i < LX_WEB_CACHE_ENTRIES; i++)
        if (cache.v[i].key)
            forget(&cache.v[i]);
    pthread_mutex_unlock(&cache.lock);
}
