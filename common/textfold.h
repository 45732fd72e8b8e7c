/* textfold.h - Unicode normalization for display (NFC) and for search (folded). */
#ifndef LX_TEXTFOLD_H
#define LX_TEXTFOLD_H

#include <stddef.h>

#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends the NFC form of s[0..len) (valid UTF-8) to out: the composed form
 * every stored and printed text takes. */
lx_status lx_textfold_nfc(lx_strbuf *out, const char *s, size_t len);

/*
 * Appends the search form of s[0..len) (valid UTF-8) to out: accents and
 * other combining marks on Latin, Greek and Cyrillic letters removed (é -> e,
 * Ё -> Е, ά -> α), the ligatures and letters that do not decompose spelled
 * out (œ -> oe, æ -> ae, ß -> ss, ø -> o, ł -> l, đ -> d), then NFC. Case is
 * kept: Xapian lowercases words itself, and the query parser needs AND, OR
 * and NOT in capitals. The indexer and the searcher both fold, so élysée,
 * Elysee and ELYSÉE meet.
 */
lx_status lx_textfold_search(lx_strbuf *out, const char *s, size_t len);

/*
 * Appends the form text is indexed and queried in: the search form above,
 * then French elisions taken off the word they stand before and the other
 * apostrophes made plain. Both the indexer (before Xapian's TermGenerator)
 * and the searcher (before its QueryParser) call it, so a word is cut the
 * same way on both sides.
 *
 *  - An elision is one of l' d' j' m' n' s' t' c' qu' jusqu' lorsqu'
 *    puisqu' quoiqu', in any case, at the start of a word and followed by a
 *    letter or digit, written with any apostrophe a keyboard or a word
 *    processor makes: U+0027 ', U+2019 ’, U+02BC ʼ, U+2018 ‘. It is removed
 *    with its apostrophe ("L’Élysée" -> "Elysee"): the article is not a
 *    search term, and a phrase across it ("l'Élysée a confirmé") loses the
 *    same word on both sides.
 *  - Any other apostrophe between two letters or digits becomes U+0027, so
 *    "aujourd’hui", "O’Brien" and "prud’homme" are one word each, as written
 *    with a plain apostrophe (Xapian keeps "aujourd'hui" whole). U+02BC
 *    anywhere else becomes U+0027 too (Unicode counts it as a letter).
 *
 * Everything else is kept: quotes, field names, "*", white space.
 */
lx_status lx_textfold_terms(lx_strbuf *out, const char *s, size_t len);

/* The same foldings done character by character through GLib, as they were
 * before lx_textfold_search and lx_textfold_terms took ASCII as it is: what
 * those must equal byte for byte (tests/unit/test_textfold.c compares
 * them), and slower on mostly ASCII text. */
lx_status lx_textfold_search_reference(lx_strbuf *out, const char *s, size_t len);
lx_status lx_textfold_terms_reference(lx_strbuf *out, const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
