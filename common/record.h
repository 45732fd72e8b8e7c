/* record.h - the document data: an ordered list of key=value pairs. */
#ifndef LX_RECORD_H
#define LX_RECORD_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Serialized as one "key=value\n" line per pair, in insertion order; keys may
 * repeat (one "path=" line per path). In values, backslash, newline, CR and
 * NUL are written \\, \n, \r and \0, so a value may hold any bytes.
 */
typedef struct lx_record_pair {
    char *key;
    char *value;
    size_t value_len;
} lx_record_pair;

typedef struct lx_record {
    lx_record_pair *pairs;
    size_t n, alloc;
} lx_record;

void lx_record_init(lx_record *r);
void lx_record_release(lx_record *r);

/* Copies key and value[0..len) into the record. */
lx_status lx_record_add(lx_record *r, const char *key, const char *value, size_t len);
lx_status lx_record_add_str(lx_record *r, const char *key, const char *value);

/* The first value stored under key, owned by the record, or NULL. */
const char *lx_record_get(const lx_record *r, const char *key);

/* True when some pair has this key and this exact value. */
int lx_record_has(const lx_record *r, const char *key, const char *value);

/* Removes every pair with this key. */
void lx_record_remove(lx_record *r, const char *key);

lx_status lx_record_serialize(const lx_record *r, lx_strbuf *out);

/* Parses data[0..len) (as written by lx_record_serialize) into r, which must
 * be initialized; lines without '=' are ignored. */
lx_status lx_record_parse(lx_record *r, const char *data, size_t len);

#endif
