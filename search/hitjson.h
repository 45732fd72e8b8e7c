/* hitjson.h - a hit as a JSON object, the layout every JSON output shares. */
#ifndef LX_HITJSON_H
#define LX_HITJSON_H

#include <stdbool.h>

#include "record.h"
#include "strbuf.h"

/* The JSON layout's version, in every JSON envelope. */
#define LX_JSON_VERSION 1

/* Appends one hit as a JSON object (no newline): a key per column of
 * lx_hit_columns; with_body adds "body" (`show`). */
lx_status lx_hitjson_hit(lx_strbuf *sb, const lx_record *rec, bool with_body);

/* The same object with one more key at the end (key: value, a string). */
lx_status lx_hitjson_hit_plus(lx_strbuf *sb, const lx_record *rec, const char *key,
                              const char *value);

#endif
