/* caps.h - every limit leakdex enforces, each with the reason it exists. */
#ifndef LX_CAPS_H
#define LX_CAPS_H

/* A single source file larger than this is reported and skipped: leakdex maps
 * whole files, and a 4 GiB mbox is better split first. */
#define LX_MAX_SOURCE_BYTES ((size_t)4 << 30)

/* One message larger than this (after mbox splitting) is reported and
 * skipped: no real mail is that large, and GMime holds it in memory. */
#define LX_MAX_MESSAGE_BYTES ((size_t)256 << 20)

/* Bytes of one header field (folded lines included) given to the MIME
 * parser; the rest is cut and noted. A 100 MB Subject or a million
 * recipients must not cost gigabytes. Identity and DKIM use the full bytes. */
#define LX_MAX_HEADER_FIELD ((size_t)1 << 20)

/* Body text kept per message, in bytes: enough for any letter, bounded so
 * that a binary blob mislabelled text/plain cannot bloat the index. */
#define LX_MAX_BODY_TEXT ((size_t)8 << 20)

/* MIME nesting followed when looking for body text; deeper parts are
 * ignored (hostile messages nest thousands deep). */
#define LX_MAX_MIME_DEPTH 64

/* MIME leaves described per message; the rest are counted, not listed. */
#define LX_MAX_PARTS 10000

/* Bytes of an HTML part searched for a <meta charset> when MIME gives none
 * (browsers look in the first 1024; some mailers put a long <head> first). */
#define LX_META_CHARSET_SCAN 4096

/* 8-bit bytes handed to uchardet to guess the charset of raw 8-bit headers:
 * plenty for a guess, bounded for a huge message. */
#define LX_GUESS_SAMPLE_BYTES ((size_t)64 << 10)

/* Addresses kept per recipient header; the rest are counted, not stored. */
#define LX_MAX_ADDRESSES 10000

/* Directory depth of the source walk: deeper trees are reported. */
#define LX_MAX_WALK_DEPTH 256

/* Xapian refuses terms longer than 245 bytes; boolean terms are cut to this
 * many bytes (at a UTF-8 boundary) before they are added. */
#define LX_MAX_TERM_BYTES 240

/* The length of a short id printed in hit lists: 12 hex digits of SHA-256. */
#define LX_SHORT_ID_LEN 12

/* The shortest id prefix `show` accepts. */
#define LX_MIN_ID_PREFIX 6

/* Stored copies a new message sharing their Message-ID is compared with and
 * linked to ("copy"/"conflict"): a Message-ID found thousands of times (list
 * traffic, backups of backups) must not make indexing quadratic. */
#define LX_MAX_COPY_LINKS 50

/* Shards an index can be split into (leakdex-index --shard I/N): far more
 * machines than anyone runs, small enough that a typo is caught. */
#define LX_MAX_SHARDS 4096

/* Bytes of a Message-ID read to choose a message's shard; a longer one is
 * cut (the same way every time, so the shard is stable). */
#define LX_SHARD_MAX_ID 1024

/* Databases one search may combine (--db given several times, the lines of
 * stub files): one per shard, with room to spare. */
#define LX_MAX_DATABASES 4096

/* Stub files naming stub files: deeper nesting is refused (a stub naming
 * itself would otherwise never end). */
#define LX_MAX_STUB_DEPTH 8

/* Documents written between two commits of the index. */
#define LX_COMMIT_BATCH 2000

#endif
