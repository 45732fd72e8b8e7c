/* mbox.h - splitting an mbox file into messages. */
#ifndef LX_MBOX_H
#define LX_MBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * A message inside an mbox buffer. `from_line` is the offset of its "From "
 * separator line; the message's bytes are [start, end), without the
 * separator and without the one blank line that precedes the next separator.
 */
typedef struct lx_mbox_msg {
    size_t from_line;
    size_t start;
    size_t end;
} lx_mbox_msg;

/* Walks an mbox held in memory; the buffer must outlive the iterator. */
typedef struct lx_mbox_iter {
    const char *data;
    size_t len;
    size_t pos; /* offset of the next separator line, or len */
} lx_mbox_iter;

/* True when data starts with an mbox "From " separator line. */
bool lx_mbox_looks_like(const char *data, size_t len);

/* True when line[0..n) is a real separator line: "From ", an address, then
 * a date with a time (hh:mm) and a year ("From addr Www Mmm dd hh:mm:ss yyyy"
 * and its variants). */
bool lx_mbox_is_separator(const char *line, size_t n);

void lx_mbox_iter_init(lx_mbox_iter *it, const char *data, size_t len);

/* Fills *msg with the next message; false when there is none. A message
 * ends at the next line that looks like a real separator: "From ", an
 * address, then a date with a time and a year ("From time to time" after a
 * blank line is body text). Content-Length headers are never trusted. */
bool lx_mbox_next(lx_mbox_iter *it, lx_mbox_msg *msg);

/*
 * Appends the canonical form of a raw message to out: mboxrd quoting undone
 * when `unquote` (">From " -> "From ", ">>From " -> ">From "), every line
 * ending made CRLF, and a leading "From " separator line dropped. This is
 * the form whose SHA-256 is a message's identity.
 */
lx_status lx_mbox_canonical(lx_strbuf *out, const char *data, size_t len, bool unquote);

#endif
