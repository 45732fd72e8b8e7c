/* dns.h - live DNS look-up of DKIM key records (--dns). */
#ifndef LX_DNS_H
#define LX_DNS_H

#include "strbuf.h"

/*
 * Looks up the TXT record of name (e.g. "s1._domainkey.example.org") and
 * appends its strings, joined, to out. LX_E_NOT_FOUND when the name has no
 * TXT record, LX_E_IO when DNS could not be asked (reason in why). The
 * resolver is the system's, or LEAKDEX_DNS_SERVER=IP:PORT (IPv4) when set,
 * which the tests use to ask a server on loopback.
 */
lx_status lx_dns_txt(const char *name, lx_strbuf *out, lx_strbuf *why);

#endif
