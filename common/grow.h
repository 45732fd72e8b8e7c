/* grow.h - two small tools the indexer's passes share: growing an array and
 * hashing bytes for in-memory tables. */
#ifndef LX_GROW_H
#define LX_GROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Makes *v (an array of *alloc items of size bytes) hold at least need
 * items, doubling from 16; false, with *v untouched, when out of memory. */
static inline bool lx_grow(void **v, size_t *alloc, size_t need, size_t size)
{
    if (need <= *alloc)
        return true;
    size_t a = *alloc ? *alloc : 16;
    while (a < need)
        a *= 2;
    void *nv = realloc(*v, a * size);
    if (!nv)
        return false;
    *v = nv;
    *alloc = a;
    return true;
}

/* FNV-1a, 64 bits: a fast hash for in-memory tables, not a digest. */
static inline uint64_t lx_hash64(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3u;
    }
    return h;
}

#endif
