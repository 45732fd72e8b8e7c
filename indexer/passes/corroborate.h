/* corroborate.h - chain corroboration: unverified messages found quoted in verified ones. */
#ifndef LX_CORROBORATE_H
#define LX_CORROBORATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "xdb.h"

/*
 * A message's text as corroboration compares it: its words (split on white
 * space) in order, with quoting markers (">", "> >", ">>") stripped from
 * every line and separator lines ("-----Original Message-----"...), quoted
 * header blocks ("From: ... Sent: ... Subject: ...", "De : ... Objet : ...")
 * and attribution lines ("On ... wrote:", "Le ... a écrit :") dropped. Line
 * wrapping and quoting depth therefore make no difference. At most
 * LX_CHAIN_MAX_WORDS words are kept; `over` says when there were more.
 */
typedef struct lx_corroborate_words {
    lx_strbuf text; /* the words, each followed by a NUL */
    size_t *off;    /* word i starts at text.buf + off[i] */
    uint64_t *hash; /* and hashes to hash[i] */
    size_t n, alloc;
    bool over;
} lx_corroborate_words;

/* A header block or attribution line found in a quoted part. */
typedef struct lx_corroborate_block {
    size_t pos;       /* the word of the quoted part where what it introduces starts */
    bool attribution; /* "On ... wrote:" (the whole line is in from and date; no subject) */
    char *from;       /* the From:/De : value, or the attribution line; malloc'd */
    char *date;       /* the Sent:/Envoyé :/Date: value, or the attribution line */
    char *subject;    /* the Subject:/Objet : value, "" when absent */
} lx_corroborate_block;

/* The quoted part of a message: its words, the header blocks quoted in it,
 * and where each stretch of quoted lines starts (a reply that answers
 * between quotes has several). */
typedef struct lx_corroborate_quote {
    lx_corroborate_words words;
    lx_corroborate_block *blocks;
    size_t n_blocks, alloc_blocks;
    size_t *starts;
    size_t n_starts, alloc_starts;
} lx_corroborate_quote;

void lx_corroborate_words_init(lx_corroborate_words *w);
void lx_corroborate_words_release(lx_corroborate_words *w);
void lx_corroborate_quote_init(lx_corroborate_quote *q);
void lx_corroborate_quote_release(lx_corroborate_quote *q);

/* Appends the words of a whole body (UTF-8) to w, normalized as above. */
lx_status lx_corroborate_text(const char *body, size_t len, lx_corroborate_words *w);

/*
 * Fills q (initialized) with the quoted part of a body: every line with a
 * quoting marker; everything below an Outlook or forward separator or a
 * header block that is not itself quoted; and, for a body that came from
 * HTML (html true, where blockquotes lose their markers), everything below
 * an attribution line. The words are normalized as lx_corroborate_text
 * normalizes them, so the two compare.
 */
lx_status lx_corroborate_quote_parse(const char *body, size_t len, bool html,
                                     lx_corroborate_quote *q);

/*
 * Reads a date as mail clients write it in quoted header blocks and
 * attributions, English or French: "Tuesday, March 7, 2017 10:30 AM",
 * "mardi 7 mars 2017 10:30", "Tue, Mar 7, 2017 at 10:30 AM", "7 mars 2017 à
 * 10:30", "2017-03-07 10:30", RFC 5322 with a zone. *t is the time written,
 * in seconds as if it were UTC, moved to UTC when a zone was written
 * (*has_zone); *has_time is false when only a day was written. Returns
 * false when no day, month and year can be read.
 */
bool lx_corroborate_parse_date(const char *s, int64_t *t, bool *has_zone, bool *has_time);

/* The message a quote is compared with: its sender, subject and date. */
typedef struct lx_corroborate_message {
    const char *from_name;
    const char *from_address;
    const char *subject;
    bool has_date;
    int64_t date; /* UTC seconds */
} lx_corroborate_message;

typedef enum lx_corroborate_status {
    LX_CHAIN_NONE,         /* not quoted there, or not enough of it */
    LX_CHAIN_CORROBORATED, /* quoted at or above the threshold, nothing differs */
    LX_CHAIN_MISMATCH,     /* clearly quoted there, but something differs */
} lx_corroborate_status;

typedef struct lx_corroborate_result {
    lx_corroborate_status status;
    unsigned coverage; /* percent of the message's words found in the quote, rounded down */
    size_t matched, words;
    /* Corroborated: what the quoted header block confirmed, as a list of
     * "from", "date", "subject" and "date?" (a date that could not be
     * read), comma-separated, or "none" when no header block was quoted.
     * Mismatch: what differs, one line a person can read. */
    char detail[320];
} lx_corroborate_result;

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
void lx_corroborate_compare(const lx_corroborate_words *a, const lx_corroborate_message *m,
                            const lx_corroborate_quote *q, unsigned threshold,
                            lx_corroborate_result *r);

typedef struct lx_corroborate_stats {
    bool incremental;    /* only what the new messages quote or are quoted in was compared */
    size_t fresh;        /* messages new to the pass (all of them when not incremental) */
    size_t quoting;      /* new verified messages with a quoted part */
    size_t pairs;        /* (message, verified quoting message) pairs compared */
    size_t corroborated; /* messages corroborated by one verified message or more */
    size_t mismatched;   /* messages with a recorded mismatch */
    size_t rewritten;    /* documents whose stored result changed */
} lx_corroborate_stats;

/* What an incremental pass compares: the documents added since a complete
 * pass (ids above `after`) and those that moved to another thread since
 * (`moved`, ascending). */
typedef struct lx_corroborate_since {
    lx_docid after; /* 0: everything (a complete pass) */
    const lx_docid *moved;
    size_t n_moved;
} lx_corroborate_since;

/*
 * The corroboration pass, run after every indexing run and after
 * --reverify. Complete (since NULL, since->after 0, or read and write
 * different): for every verified (DKIM pass) message that quotes, finds
 * the unverified messages it may quote through the index (its thread, and
 * the rarest words of its quote), compares each, and stores on every
 * message the verified messages that corroborate it and any mismatch
 * (the LX_F_CHAIN and LX_F_CHAIN_MISMATCH flags and the LX_F_CORROBORATION
 * lines, all value slots); everything is recomputed with the threshold
 * given (percent) and only documents whose result changed are rewritten.
 *
 * Incremental (since->after > 0): only the new documents are looked at. A
 * new verified message is compared with what it may quote, as above; a
 * new unverified message with the verified messages of earlier runs that
 * may quote it (those of its thread, and the best matches for the rarest
 * of its words). New findings join those stored earlier, which stay; the
 * totals are counted over the whole index.
 *
 * The comparisons run in n_readers threads, each reading through its own
 * handle readers[i] on what `read` reads, committed (none: in the caller's
 * thread, through read); the result does not depend on their number.
 */
lx_status lx_corroborate_pass(lx_db *read, lx_db *write, lx_db *const *readers, unsigned n_readers,
                              unsigned threshold, const lx_corroborate_since *since,
                              lx_corroborate_stats *stats);

#endif
