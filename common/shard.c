/* shard.c - sharding: the shard of a message, and "I/N" specs. */
#include "shard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "sha256.h"
#include "banned.h"

static bool parse_uint(const char *s, size_t n, unsigned *out)
{
    if (n == 0 || n > 9)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool lx_shard_parse(const char *s, lx_shard *out)
{
    const char *slash = strchr(s, '/');
    lx_shard sh;
    if (!slash || !parse_uint(s, (size_t)(slash - s), &sh.index) ||
        !parse_uint(slash + 1, strlen(slash + 1), &sh.count))
        return false;
    if (sh.index < 1 || sh.count < 1 || sh.index > sh.count || sh.count > LX_MAX_SHARDS)
        return false;
    *out = sh;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

size_t lx_shard_message_id(const char *canon, size_t len, char *out, size_t out_size)
{
    static const char name[] = "message-id";
    size_t n = 0;
    if (out_size)
        out[0] = '\0';
    if (out_size < 2)
        return 0;
    /* Walk the header fields; a blank line ends the header block. */
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(canon + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - canon) : len;
        size_t line_len = end - pos;
        if (line_len == 0 || (line_len == 1 && canon[pos] == '\r'))
            break;
        const char *colon = memchr(canon + pos, ':', line_len);
        size_t nlen = colon ? (size_t)(colon - (canon + pos)) : 0;
        while (nlen && is_space(canon[pos + nlen - 1]))
            nlen--;
        bool match = colon && nlen == sizeof name - 1;
        for (size_t i = 0; match && i < nlen; i++)
            match = lower(canon[pos + i]) == name[i];
        if (!match) {
            pos = end + 1;
            continue;
        }
        /* The value runs on over continuation lines (starting with white
         * space); white space is dropped, so folding does not matter. */
        size_t v = (size_t)(colon - canon) + 1, vend = end;
        while (vend + 1 < len && (canon[vend + 1] == ' ' || canon[vend + 1] == '\t')) {
            const char *next = memchr(canon + vend + 1, '\n', len - vend - 1);
            vend = next ? (size_t)(next - canon) : len;
        }
        const char *lt = memchr(canon + v, '<', vend - v);
        const char *gt = lt ? memchr(lt, '>', (size_t)(canon + vend - lt)) : NULL;
        if (lt && gt) {
            v = (size_t)(lt - canon) + 1;
            vend = (size_t)(gt - canon);
        }
        for (size_t i = v; i < vend && n + 1 < out_size; i++)
            if (!is_space(canon[i]))
                out[n++] = canon[i];
        out[n] = '\0';
        return n;
    }
    return 0;
}

static uint64_t first_8_bytes(const char *hex)
{
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = hex[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                            : 0;
        v = v << 4 | d;
    }
    return v;
}

unsigned lx_shard_of(const char *canon, size_t len, const char *identity, unsigned count)
{
    if (count <= 1)
        return 1;
    char mid[LX_SHARD_MAX_ID + 1];
    char hex[LX_SHA256_HEX_LEN + 1];
    size_t n = lx_shard_message_id(canon, len, mid, sizeof mid);
    const char *key = identity;
    if (n && lx_sha256_hex(mid, n, hex) == LX_OK)
        key = hex;
    return (unsigned)(first_8_bytes(key) % count) + 1;
}

static int cmp_shard(const void *a, const void *b)
{
    const lx_shard *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

bool lx_shard_set_whole(const lx_shard *v, size_t n)
{
    if (n == 0)
        return true;
    /* Every index 1..N once (duplicates cannot occur: one key per spec). */
    unsigned count = v[0].count;
    if (n != count)
        return false;
    for (size_t i = 0; i < n; i++)
        if (v[i].count != count)
            return false;
    lx_shard *s = malloc(n * sizeof *s);
    if (!s)
        return false;
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_shard);
    bool whole = true;
    for (size_t i = 0; i < n && whole; i++)
        whole = s[i].index == i + 1;
    free(s);
    return whole;
}

lx_status lx_shard_set_format(const lx_shard *v, size_t n, lx_strbuf *out)
{
    lx_shard *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return LX_E_NOMEM;
    if (n)
        memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_shard);
    lx_status st = LX_OK;
    for (size_t i = 0; i < n && !st; i++)
        st = lx_strbuf_addf(out, "%s%u/%u", i ? ", " : "", s[i].index, s[i].count);
    free(s);
    return st;
}
