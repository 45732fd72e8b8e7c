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

/* What tells a text's words that match w's: made once for a search's hits
 * (it remembers, up to a bound, each distinct word it was asked about). */
typedef struct lx_snippet_matcher lx_snippet_matcher;

/* A matcher of w, which must outlive it; NULL when memory runs out. */
lx_snippet_matcher *lx_snippet_matcher_new(const lx_snippet_words *w);
void lx_snippet_matcher_free(lx_snippet_matcher *m);

/*
 * Appends to out the piece of text[0..len) (valid UTF-8) of about
 * LX_SNIPPET_BYTES with the most matched words, white space folded, "…"
 * where it was cut, and to ranges the matches inside it as "START-END"
 * pairs in Unicode code points, separated by spaces. A word matches when its
 * search form (accents folded, lowercased) is one of w's plain words or its
 * French or English stem one of w's stems; the text keeps its accents.
 * Only the first LX_SNIPPET_SCAN bytes are read (cut at a white space).
 */
lx_status lx_snippet_make(const char *text, size_t len, const lx_snippet_words *w, lx_strbuf *out,
                          lx_strbuf *ranges);

/*
 * Adds to rec (a hit's record, document id of db) its snippet, as every
 * printer shows it: "snippet" (the text) and "snippet_matches" (the
 * ranges) from the subject and body, or, when they hold none of the
 * matcher's words (first, when its words are in_attachments), from the
 * first attachment text that does (LX_F_EXCERPTS), "[in NAME] " before it
 * ("snippet_attachment": its number); "snippet_words" when there are
 * words (the text output shows a snippet only then). The same for hit
 * lists, exports and batch exports; the keys are hitkeys.h's. At most
 * LX_SNIPPET_SCAN bytes of the subject and body and as many of the
 * attachments' text are read.
 */
lx_status lx_snippet_add(lx_db *db, lx_docid id, lx_record *rec, lx_snippet_matcher *m);

#endif
