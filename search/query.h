/* query.h - checks on a query string before Xapian's parser sees it. */
#ifndef LX_QUERY_H
#define LX_QUERY_H

#include "strbuf.h"

/*
 * Xapian's query parser quietly reads almost anything as words; a reporter
 * who mistypes "subjet:" or forgets a closing quote deserves an error, not
 * an empty result. Returns LX_E_QUERY with a one-line reason appended to why
 * for: an unbalanced double quote or parenthesis, a field name leakdex does
 * not know ("name:" followed by a value, outside quotes), or a known field
 * with no value. Returns LX_E_LIMIT, with the limit's name in why, for a
 * query longer than LX_MAX_QUERY_BYTES or of more than LX_MAX_QUERY_WORDS
 * words (checked first, in one pass: nothing else runs on a huge query).
 */
lx_status lx_query_check(const char *q, lx_strbuf *why);

/* Appends q in the search form the indexer wrote text in (accents folded,
 * elisions split: lx_textfold_terms in textfold.h), leaving the values of exact fields (id:, domain:, date:,
 * year:, month:, conflict:) as typed. LX_E_QUERY when q is not UTF-8. */
lx_status lx_query_fold(const char *q, lx_strbuf *out, lx_strbuf *why);

#endif
