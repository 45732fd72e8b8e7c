/* target.c - a request target read into its path segments and query parameters, percent-decoded. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "web.h"
#include "banned.h"

/* Decodes s[0..len) (plus: '+' is a space) into a new string; NULL when
 * an escape is bad or decodes to NUL. */
static char *decode(const char *s, size_t len, bool plus)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < len ? lx_hex_value(s[i + 1]) : -1;
            int lo = i + 2 < len ? lx_hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        out[n++] = c;
    }
    out[n] = '\0';
    return out;
}

static char *copy(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
    return out;
}

/* Reads the query string q (after '?', without a fragment) into t. */
static bool parse_query(web_target *t, const char *q)
{
    while (*q) {
        size_t len = strcspn(q, "&");
        if (len) {
            if (t->n_params == WEB_MAX_PARAMS)
                return false;
            size_t klen = strcspn(q, "=");
            if (klen > len)
                klen = len;
            size_t i = t->n_params++;
            t->raw[i] = copy(q, len);
            t->key[i] = decode(q, klen, true);
            t->value[i] = klen < len ? decode(q + klen + 1, len - klen - 1, true) : copy("", 0);
            if (!t->raw[i] || !t->key[i] || !t->value[i])
                return false;
        }
        q += len + (q[len] == '&');
    }
    return true;
}

bool web_target_parse(web_target *t, const char *target)
{
    memset(t, 0, sizeof *t);
    t->sent = target;
    if (target[0] != '/')
        return false;
    size_t plen = strcspn(target, "?#");
    if (!(t->path_raw = copy(target, plen)))
        return false;
    /* "/" has no segment; "/a/b/" has "a", "b" and "" (which no route is). */
    for (const char *p = target + 1; plen > 1 && p <= target + plen;) {
        size_t len = strcspn(p, "/?#");
        if (t->n_segments == WEB_MAX_SEGMENTS ||
            !(t->segment[t->n_segments++] = decode(p, len, false)))
            return false;
        if (p[len] != '/')
            break;
        p += len + 1;
    }
    if (target[plen] != '?')
        return true;
    const char *q = target + plen + 1;
    char *query = copy(q, strcspn(q, "#"));
    bool ok = query && parse_query(t, query);
    free(query);
    return ok;
}

void web_target_release(web_target *t)
{
    for (size_t i = 0; i < t->n_segments; i++)
        free(t->segment[i]);
    for (size_t i = 0; i < t->n_params; i++) {
        free(t->key[i]);
        free(t->value[i]);
        free(t->raw[i]);
    }
    free(t->path_raw);
    memset(t, 0, sizeof *t);
}

const char *web_param(const web_target *t, const char *key)
{
    for (size_t i = 0; i < t->n_params; i++)
        if (t->key[i] && strcmp(t->key[i], key) == 0)
            return t->value[i];
    return NULL;
}

bool web_segment_is(const web_target *t, size_t i, const char *word)
{
    return i < t->n_segments && strcmp(t->segment[i], word) == 0;
}
