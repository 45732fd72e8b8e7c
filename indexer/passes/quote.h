/* quote.h - chain corroboration: a message's words; the quoted part of a reply. */
#ifndef LX_QUOTE_H
#define LX_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * A message's text as corroboration compares it: its words (split on white
 * space) in order, with quoting markers (">", "> >", ">>") stripped from
 * every line and separator lines ("-----Original Message-----"...), quoted
 * header blocks ("From: ... Sent: ... Subject: ...", "De : ... Objet : ...")
 * and attribution lines ("On ... wrote:", "Le ... a écrit :") dropped. Line
 * wrapping and quoting depth therefore make no difference. At most
 * LX_CHAIN_MAX_WORDS words are kept; `over` says when there were more.
 */
typedef struct lx_quote_words {
    lx_strbuf text; /* the words, each followed by a NUL */
    size_t *off;    /* word i starts at text.buf + off[i] */
    uint64_t *hash; /* and hashes to hash[i] */
    size_t n, alloc;
    bool over;
} lx_quote_words;

/* A header block or attribution line found in a quoted part. */
typedef struct lx_quote_block {
    size_t pos;       /* the word of the quoted part where what it introduces starts */
    bool attribution; /* "On ... wrote:" (the whole line is in from and date; no subject) */
    char *from;       /* the From:/De : value, or the attribution line; malloc'd */
    char *date;       /* the Sent:/Envoyé :/Date: value, or the attribution line */
    char *subject;    /* the Subject:/Objet : value, "" when absent */
} lx_quote_block;

/* The quoted part of a message: its words, the header blocks quoted in it,
 * and where each stretch of quoted lines starts (a reply that answers
 * between quotes has several). */
typedef struct lx_quote {
    lx_quote_words words;
    lx_quote_block *blocks;
    size_t n_blocks, alloc_blocks;
    size_t *starts;
    size_t n_starts, alloc_starts;
} lx_quote;

void lx_quote_words_init(lx_quote_words *w);
void lx_quote_words_release(lx_quote_words *w);
void lx_quote_init(lx_quote *q);
void lx_quote_release(lx_quote *q);

/* Appends the words of a whole body (UTF-8) to w, normalized as above. */
lx_status lx_quote_text(const char *body, size_t len, lx_quote_words *w);

/*
 * Fills q (initialized) with the quoted part of a body: every line with a
 * quoting marker; everything below an Outlook or forward separator or a
 * header block that is not itself quoted; and, for a body that came from
 * HTML (html true, where blockquotes lose their markers), everything below
 * an attribution line. The words are normalized as lx_quote_text
 * normalizes them, so the two compare.
 */
lx_status lx_quote_parse(const char *body, size_t len, bool html, lx_quote *q);

/* Word i of w, NUL-terminated; owned by w. */
static inline const char *lx_quote_word(const lx_quote_words *w, size_t i)
{
    return w->text.buf + w->off[i];
}

/* Appends s[0..len) with accents removed and ASCII letters lowercased: how
 * words, names and dates are compared. */
lx_status lx_quote_fold(lx_strbuf *out, const char *s, size_t len);

#endif
