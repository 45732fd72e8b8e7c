/* dkimtags.c - what DKIM signatures and key records are written in: tag lists, base64. */
#include "dkimtags.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "banned.h"

void lx_dkimtags_release(lx_dkimtags *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].value);
    free(t->v);
    t->v = NULL;
    t->n = t->alloc = 0;
}

lx_status lx_dkimtags_parse(const char *s, size_t len, lx_dkimtags *out, lx_strbuf *why,
                            bool any_name)
{
    out->v = NULL;
    out->n = out->alloc = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && lx_dkimtags_is_wsp(s[i]))
            i++;
        if (i < len && s[i] == ';') { /* empty tag-spec: tolerated */
            i++;
            continue;
        }
        if (i >= len)
            break;
        size_t n0 = i;
        if (any_name) {
            while (i < len && !lx_dkimtags_is_wsp(s[i]) && s[i] != '=' && s[i] != ';')
                i++;
        } else if (((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
            while (i < len && lx_dkimtags_is_alnumpunc(s[i]))
                i++;
        }
        if (i == n0) {
            lx_strbuf_addf(why, "bad tag name at '%.*s'", (int)(len - i < 10 ? len - i : 10),
                           s + i);
            goto bad;
        }
        size_t nlen = i - n0;
        while (i < len && lx_dkimtags_is_wsp(s[i]))
            i++;
        if (i >= len || s[i] != '=' || (nlen >= sizeof out->v[0].name && !any_name)) {
            lx_strbuf_addf(why, "tag '%.*s' has no '='", (int)(nlen > 20 ? 20 : nlen), s + n0);
            goto bad;
        }
        i++;
        while (i < len && lx_dkimtags_is_wsp(s[i]))
            i++;
        size_t v0 = i;
        while (i < len && s[i] != ';')
            i++;
        size_t v1 = i;
        while (v1 > v0 && lx_dkimtags_is_wsp(s[v1 - 1]))
            v1--;
        if (nlen >= sizeof out->v[0].name) {
            /* A key-record tag longer than any RFC 6376 defines: unknown,
             * so ignored. */
            if (i < len)
                i++;
            continue;
        }
        for (size_t k = 0; k < out->n; k++) {
            if (strlen(out->v[k].name) == nlen && memcmp(out->v[k].name, s + n0, nlen) == 0) {
                lx_strbuf_addf(why, "tag %.*s= given twice", (int)nlen, s + n0);
                goto bad;
            }
        }
        if (!lx_grow((void **)&out->v, &out->alloc, out->n + 1, sizeof *out->v))
            goto nomem;
        lx_dkimtag *v = out->v;
        memcpy(v[out->n].name, s + n0, nlen);
        v[out->n].name[nlen] = '\0';
        v[out->n].value = strndup(s + v0, v1 - v0);
        if (!v[out->n].value)
            goto nomem;
        out->n++;
        if (i < len)
            i++; /* the ';' */
    }
    return LX_OK;
bad:
    lx_dkimtags_release(out);
    return LX_E_PARSE;
nomem:
    lx_dkimtags_release(out);
    return LX_E_NOMEM;
}

const char *lx_dkimtags_get(const lx_dkimtags *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].name, name) == 0)
            return t->v[i].value;
    return NULL;
}

bool lx_dkimtags_base64(const char *s, lx_strbuf *out)
{
    unsigned acc = 0;
    int bits = 0, pad = 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        int v;
        if (lx_dkimtags_is_wsp(c))
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad)
            return false; /* data after padding */
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+')
            v = 62;
        else if (c == '/')
            v = 63;
        else
            return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (lx_strbuf_addch(out, (char)((acc >> bits) & 0xff)))
                return false;
        }
    }
    return pad <= 2;
}

void lx_dkimtags_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}
