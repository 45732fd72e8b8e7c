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

#ifdef __cplusplus
}
#endif

#endif
