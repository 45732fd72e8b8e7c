/* align.h - chain corroboration: a message found in order in a quote, headers checked. */
#ifndef LX_ALIGN_H
#define LX_ALIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quote.h"

/* The message a quote is compared with: its sender, subject and date. */
typedef struct lx_align_message {
    const char *from_name;
    const char *from_address;
    const char *subject;
    bool has_date;
    int64_t date; /* UTC seconds */
} lx_align_message;

typedef enum lx_align_status {
    LX_CHAIN_NONE,         /* not quoted there, or not enough of it */
    LX_CHAIN_CORROBORATED, /* quoted at or above the threshold, nothing differs */
    LX_CHAIN_MISMATCH,     /* clearly quoted there, but something differs */
} lx_align_status;

typedef struct lx_align_result {
    lx_align_status status;
    unsigned coverage; /* percent of the message's words found in the quote, rounded down */
    size_t matched, words;
    /* Corroborated: what the quoted header block confirmed, as a list of
     * "from", "date", "subject" and "date?" (a date that could not be
     * read), comma-separated, or "none" when no header block was quoted.
     * Mismatch: what differs, one line a person can read. */
    char detail[320];
} lx_align_result;

/*
 * Compares message m (its words a) with the quoted part q of another
 * message. Corroborated when at least LX_CHAIN_MIN_WORDS words and
 * threshold percent of a appear in q in order, with nothing changed or
 * added inside the part quoted (words left out are allowed, "[...]" marks
 * a cut), and the nearest quoted header block before it, if any, agrees
 * with m's sender, date (to the minute, any time zone) and subject. A
 * quote that covers at least half of a but changes or adds words, or whose
 * header block disagrees, is a mismatch.
 */
void lx_align_compare(const lx_quote_words *a, const lx_align_message *m, const lx_quote *q,
                      unsigned threshold, lx_align_result *r);

#endif
