/* evidence.h - reading the original of a message back, never changing it. */
#ifndef LX_EVIDENCE_H
#define LX_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* A stored location: "PATH" (a file of its own) or "PATH<TAB>OFFSET<TAB>LENGTH"
 * (a message inside an mbox, from its "From " line). */
typedef struct lx_evidence_loc {
    lx_strbuf path;
    bool in_mbox;
    size_t offset, length;
} lx_evidence_loc;

/* Parses a stored location into loc (initialized by the call; release its
 * path with lx_strbuf_release). */
lx_status lx_evidence_parse(lx_evidence_loc *loc, const char *stored);

/* Appends the bytes of a location to out: the whole file, or the mbox range.
 * Opens read-only and without touching access times where allowed. On
 * failure *why is a static or strerror() reason. */
lx_status lx_evidence_read(const lx_evidence_loc *loc, lx_strbuf *out, const char **why);

#endif
