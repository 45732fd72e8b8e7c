/* shard.h - which shard of N a message belongs to, and shard specs ("I/N"). */
#ifndef LX_SHARD_H
#define LX_SHARD_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A shard spec: shard `index` (1-based) of `count`. An index built with
 * `leakdex-index --shard I/N` records it in its metadata under the key
 * LX_SHARD_METADATA_PREFIX "I/N" (value "I/N"): one key per shard, so that
 * merging shards with xapian-compact keeps every spec (a shared key would
 * keep only the first database's value).
 */
typedef struct lx_shard {
    unsigned index;
    unsigned count;
} lx_shard;

#define LX_SHARD_METADATA_PREFIX "leakdex.shard."

/* Parses "I/N" (decimal, 1 <= I <= N <= LX_MAX_SHARDS, nothing else); false
 * when s is anything else. */
bool lx_shard_parse(const char *s, lx_shard *out);

/*
 * The shard (1..count) of a message, from its canonical bytes (CRLF line
 * ends, no mbox "From " line) and its identity (64 hex digits): the first 8
 * bytes, big-endian, of SHA-256 of its Message-ID (as lx_shard_message_id
 * reads it) modulo count, plus 1; a message without a Message-ID goes by
 * the first 8 bytes of its identity instead. Copies sharing a Message-ID
 * thus land in the same shard, where the indexer compares them (copy or
 * conflict) as it does in one database. The same bytes always give the
 * same shard.
 */
unsigned lx_shard_of(const char *canon, size_t len, const char *identity, unsigned count);

/* The Message-ID as lx_shard_of reads it: the first Message-ID field of the
 * header block, unfolded, between its first '<' and the next '>' (the whole
 * value when there are none), white space removed, cut at out_size - 1
 * bytes; "" when there is none. Returns the length written. */
size_t lx_shard_message_id(const char *canon, size_t len, char *out, size_t out_size);

/* Whether the n specs recorded in one index make up the whole archive: none
 * at all (an index built without --shard), or every shard 1..N of one N
 * (shards merged with xapian-compact). */
bool lx_shard_set_whole(const lx_shard *v, size_t n);

/* Appends the specs to out as "1/3, 2/3" (sorted). */
lx_status lx_shard_set_format(const lx_shard *v, size_t n, lx_strbuf *out);

#ifdef __cplusplus
}
#endif

#endif
