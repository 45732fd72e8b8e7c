/* language.h - leakdex-search's query language: a query's text and its
 * option filters, built into a query through the Xapian wrapper. */
#ifndef LX_LANGUAGE_H
#define LX_LANGUAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "search.h"
#include "xdb.h"

/*
 * Builds the query opts asks (its text, from/to/domain filters, has an
 * attachment, verified only, after/before) into *out, which the caller
 * frees with lx_xq_free; order and paging are not the language's. The text
 * is read with field:value for the fields of the schema table, date:A..B,
 * verified:, chain:, in:body and in:attachment, AND, OR, NOT, XOR, -word,
 * +word, "phrases" and word*; each word is looked for by its French and its
 * English stem. A query Xapian's parser would read otherwise than written
 * (it reads every operator as a word when its grammar refuses the text) is
 * refused. On failure the message is on db (lx_db_error): LX_E_QUERY for a
 * refused query.
 */
lx_status lx_language_build(lx_db *db, const lx_query_opts *opts, lx_xq **out);

/* *ranks: whether q has free words that weigh its matches. "budget" does;
 * from:alice, verified:yes, date:2017 and NOT budget do not. */
lx_status lx_language_ranks(const lx_xq *q, bool *ranks);

/* Whether term[0..len) comes from a query's free words: an unprefixed term
 * (the body's), or one of attachment text (in:attachment puts free words
 * there alone); stems have LX_XQ_STEM_MARK in front. *word_at gets where the word
 * starts in term, *stem whether it is a stem. A free word's subject twin
 * is left out, as subject:WORD is. */
bool lx_language_free_word(const char *term, size_t len, size_t *word_at, bool *stem);

#endif
