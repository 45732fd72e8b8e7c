/* dns.c - live DNS look-up of DKIM key records through the system resolver. */
#include "dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <netdb.h>
#include <stdbool.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

lx_status lx_dns_txt(const char *name, lx_strbuf *out, lx_strbuf *why)
{
    struct __res_state rs;
    memset(&rs, 0, sizeof rs);
    if (res_ninit(&rs) != 0) {
        lx_strbuf_addstr(why, "cannot initialise the resolver");
        return LX_E_IO;
    }
    const char *server = getenv("LEAKDEX_DNS_SERVER");
    if (server && *server) {
        char host[64];
        unsigned port = 53;
        struct in_addr a;
        if (sscanf(server, "%63[^:]:%u", host, &port) < 1 || inet_pton(AF_INET, host, &a) != 1 ||
            port == 0 || port > 65535) {
            res_nclose(&rs);
            lx_strbuf_addf(why, "LEAKDEX_DNS_SERVER=%s is not IPv4:PORT", server);
            return LX_E_IO;
        }
        rs.nsaddr_list[0].sin_family = AF_INET;
        rs.nsaddr_list[0].sin_addr = a;
        rs.nsaddr_list[0].sin_port = htons((uint16_t)port);
        rs.nscount = 1;
    }
    unsigned char answer[8192];
    int len = res_nquery(&rs, name, ns_c_in, ns_t_txt, answer, sizeof answer);
    int herr = rs.res_h_errno;
    res_nclose(&rs);
    if (len < 0) {
        if (herr == HOST_NOT_FOUND || herr == NO_DATA)
            return LX_E_NOT_FOUND;
        lx_strbuf_addf(why, "DNS look-up of %s failed (%s)", name, hstrerror(herr));
        return LX_E_IO;
    }
    ns_msg msg;
    if (ns_initparse(answer, len, &msg) != 0) {
        lx_strbuf_addf(why, "malformed DNS answer for %s", name);
        return LX_E_IO;
    }
    int n = ns_msg_count(msg, ns_s_an);
    bool found = false;
    for (int i = 0; i < n && !found; i++) {
        ns_rr rr;
        if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_txt)
            continue;
        const unsigned char *p = ns_rr_rdata(rr), *end = p + ns_rr_rdlen(rr);
        /* A TXT record is a run of length-prefixed strings, to be joined. */
        while (p < end) {
            size_t l = *p++;
            if (l > (size_t)(end - p))
                l = (size_t)(end - p);
            lx_strbuf_add(out, p, l);
            p += l;
        }
        found = true;
    }
    return found ? LX_OK : LX_E_NOT_FOUND;
}
