/* grow.h - two small tools every module shares: growing an array and hashing
 * bytes for in-memory tables. */
#ifndef LX_GROW_H
#define LX_GROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Makes *v (an array of *alloc items of size bytes) hold at least need
 * items, doubling from 16; false, with *v untouched, when out of memory (or
 * when the size would not fit a size_t). */
static inline bool lx_grow(void **v, size_t *alloc, size_t need, size_t size)
{
    if (need <= *alloc)
        return true;
    size_t a = *alloc ? *alloc : 16;
    while (a < need) {
        if (a > SIZE_MAX / 2 / size)
            return false;
        a *= 2;
    }
    if (a > SIZE_MAX / size)
        return false;
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
