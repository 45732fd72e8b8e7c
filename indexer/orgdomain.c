/* orgdomain.c - organizational domains from the Public Suffix List, through libpsl. */
#include "orgdomain.h"

#include <pthread.h>
#include <string.h>

#include <idn2.h>
#include <libpsl.h>

#include "banned.h"

/* The list is read once per process: Debian's copy (the publicsuffix
 * package) when it is newer than the one built into libpsl, else the built-in
 * one. Both are immutable once loaded, so threads share them. */
static const psl_ctx_t *psl;
static psl_ctx_t *psl_loaded;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void psl_load(void)
{
    psl_loaded = psl_latest(NULL);
    psl = psl_loaded ? psl_loaded : psl_builtin();
}

/* The name in the form d= is written in and the list is searched with:
 * ASCII lowercase, no final dot, and a name in Unicode (as GMime shows a
 * From domain written in punycode, or as a sender wrote it) in its ASCII
 * form (IDNA2008 with UTS #46 mapping, through libidn2: bücher.example is
 * xn--bcher-kva.example). False when it is empty or longer than a domain
 * name can be. */
static bool normalize(const char *domain, char out[LX_ORGDOMAIN_MAX + 1])
{
    size_t n = strlen(domain);
    if (n && domain[n - 1] == '.')
        n--;
    if (n == 0 || n > LX_ORGDOMAIN_MAX)
        return false;
    bool ascii = true;
    for (size_t i = 0; i < n; i++) {
        char c = domain[i];
        ascii = ascii && !(c & 0x80);
        out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
    if (ascii)
        return true;
    char *ace = NULL;
    if (idn2_to_ascii_8z(out, &ace, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK) {
        idn2_free(ace);
        return true; /* not a valid name: compared as written */
    }
    size_t m = strlen(ace);
    bool fits = m > 0 && m <= LX_ORGDOMAIN_MAX;
    if (fits)
        memcpy(out, ace, m + 1);
    idn2_free(ace);
    return fits;
}

bool lx_orgdomain_get(const char *domain, char out[LX_ORGDOMAIN_MAX + 1])
{
    char name[LX_ORGDOMAIN_MAX + 1];
    if (!normalize(domain, name))
        return false;
    pthread_once(&psl_once, psl_load);
    const char *reg = psl ? psl_registrable_domain(psl, name) : NULL;
    /* reg points into name: the last labels of it. */
    memmove(out, reg ? reg : name, strlen(reg ? reg : name) + 1);
    return true;
}

bool lx_orgdomain_aligned(const char *a, const char *b)
{
    char oa[LX_ORGDOMAIN_MAX + 1], ob[LX_ORGDOMAIN_MAX + 1];
    return lx_orgdomain_get(a, oa) && lx_orgdomain_get(b, ob) && strcmp(oa, ob) == 0;
}
