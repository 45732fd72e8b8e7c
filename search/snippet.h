/* snippet.h - a short piece of a message's text around the words matched. */
#ifndef LX_SNIPPET_H
#define LX_SNIPPET_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "strbuf.h"
#include "xdb.h"

/* Bytes of body text a snippet shows around the matches. */
#define LX_SNIPPET_BYTES 240

/* What a query looks for (see lx_search_query_words in search.h). */
typedef struct lx_snippet_words {
    char **plain;
    size_t n_plain;
    char **stems;
    size_t n_stems;
    bool in_attachments; /* in:attachment: attachments' text first */
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

/*
 * Adds to rec (a hit's record, document id of db) its snippet, as every
 * printer shows it: "snippet" (the text) and "snippet_matches" (the
 * ranges) from the subject and body, or, when they hold none of w's words
 * (first, when w->in_attachments), from the first attachment text that
 * does (LX_F_EXCERPTS), "[in NAME] " before it ("snippet_attachment": its
 * number); "snippet_words" when w has words (the text output shows a
 * snippet only then). The same for hit lists, exports and batch exports;
 * the keys are hitkeys.h's.
 */
lx_status lx_snippet_add(lx_db *db, lx_docid id, lx_record *rec, const lx_snippet_words *w);

#endif
