/* orgdomain.h - organizational domains from the Public Suffix List (libpsl stays inside). */
#ifndef LX_ORGDOMAIN_H
#define LX_ORGDOMAIN_H

#include <stdbool.h>
#include <stddef.h>

/* The longest domain name (RFC 1035: 253 characters in text form). */
#define LX_ORGDOMAIN_MAX 254

/*
 * The organizational domain of a domain name, as DMARC defines it (RFC 7489
 * section 3.2): its public suffix (Public Suffix List, ICANN and private
 * sections) plus one label, in ASCII form. The name is ASCII-lowercased, a
 * final dot dropped and a Unicode name made its ASCII (punycode) form
 * first; a name that is itself a public suffix, or that the list cannot
 * read, is its own organizational domain. Writes a NUL-terminated
 * copy into out; false when the name is empty or does not fit.
 */
bool lx_orgdomain_get(const char *domain, char out[LX_ORGDOMAIN_MAX + 1]);

/* DMARC relaxed alignment (RFC 7489 section 3.1.1): a and b have the same
 * organizational domain. False when either is empty. */
bool lx_orgdomain_aligned(const char *a, const char *b);

#endif
