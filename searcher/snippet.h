/* snippet.h - a short piece of a message's text around the words matched. */
#ifndef LX_SNIPPET_H
#define LX_SNIPPET_H

#include <stddef.h>

#include "strbuf.h"

/* Bytes of body text a snippet shows around the matches. */
#define LX_SNIPPET_BYTES 240

/* What a query looks for (see lx_db_query_words). */
typedef struct lx_snippet_words {
    char **plain;
    size_t n_plain;
    char **stems;
    size_t n_stems;
} lx_snippet_words;

void lx_snippet_words_release(lx_snippet_words *w);

/*
 * Appends to out the piece of text[0..len) (valid UTF-8) of about
 * LX_SNIPPET_BYTES with the most matched words, white space folded, "…"
 * where it was cut, and to ranges the matches inside it as "START-END"
 * pairs in Unicode code points, separated by spaces. A word matches when its
 * search form (accents folded, lowercased) is one of w's plain words or its
 * French or English stem one of w's stems; the text keeps its accents.
 */
lx_status lx_snippet_make(const char *text, size_t len, const lx_snippet_words *w, lx_strbuf *out,
                          lx_strbuf *ranges);

#endif
