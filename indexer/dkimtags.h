/* dkimtags.h - what DKIM signatures and key records are written in: tag lists, base64. */
#ifndef LX_DKIMTAGS_H
#define LX_DKIMTAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "strbuf.h"

/* One tag of a tag list ("name=value"). */
typedef struct lx_dkimtag {
    char name[32];
    char *value; /* folding white space trimmed at both ends; owned */
} lx_dkimtag;

/* A tag list, in the order written; release with lx_dkimtags_release. */
typedef struct lx_dkimtags {
    lx_dkimtag *v;
    size_t n, alloc;
} lx_dkimtags;

/* Folding white space as DKIM reads it: space, tab, CR, LF. */
static inline bool lx_dkimtags_is_wsp(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ALNUMPUNC of RFC 6376's ABNF: a letter, a digit or '_'. */
static inline bool lx_dkimtags_is_alnumpunc(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Parses a tag list ("a=b; c=d") into *out (empty on error). Signature tag
 * names follow RFC 6376's ABNF (ALPHA *ALNUMPUNC); a key record's
 * (any_name) may hold any character but white space, '=' and ';'.
 * LX_E_PARSE on a syntax error or a repeated tag, with the reason appended
 * to why; LX_E_NOMEM. */
lx_status lx_dkimtags_parse(const char *s, size_t len, lx_dkimtags *out, lx_strbuf *why,
                            bool any_name);

/* The value of tag name, NULL when absent; owned by t. */
const char *lx_dkimtags_get(const lx_dkimtags *t, const char *name);

void lx_dkimtags_release(lx_dkimtags *t);

/* Appends the bytes of a base64 tag value (white space anywhere, as tag
 * values fold) to out; false on any other character or bad padding. */
bool lx_dkimtags_base64(const char *s, lx_strbuf *out);

/* Lowercases the ASCII letters of s in place (names and domains). */
void lx_dkimtags_lower(char *s);

#endif
