/* dkim.c - RFC 6376 DKIM verification on OpenSSL 3, against keys from files. */
#include "dkim.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "banned.h"

/* RSA keys shorter than this have been factored in public: a signature by
 * one proves little, so it is flagged wherever it is shown. */
#define WEAK_RSA_BITS 1024

const char *lx_dkim_result_name(lx_dkim_result r)
{
    switch (r) {
    case LX_DKIM_NONE: return "none";
    case LX_DKIM_PASS: return "pass";
    case LX_DKIM_FAIL: return "fail";
    case LX_DKIM_NOKEY: return "nokey";
    case LX_DKIM_INVALID: return "invalid";
    }
    return "invalid";
}

/* ---- tag lists (RFC 6376 3.2) ------------------------------------------ */

typedef struct tag {
    char name[32];
    char *value; /* folding white space trimmed at both ends */
} tag;

typedef struct taglist {
    tag *v;
    size_t n;
} taglist;

static void taglist_release(taglist *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].value);
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnumpunc(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

static lx_status tags_parse(const char *s, size_t len, taglist *out, lx_strbuf *why)
{
    out->v = NULL;
    out->n = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && is_wsp(s[i]))
            i++;
        if (i < len && s[i] == ';') { /* empty tag-spec: tolerated */
            i++;
            continue;
        }
        if (i >= len)
            break;
        size_t n0 = i;
        if (!is_alpha(s[i])) {
            lx_strbuf_addf(why, "bad tag name at '%.*s'", (int)(len - i < 10 ? len - i : 10), s + i);
            goto bad;
        }
        while (i < len && is_alnumpunc(s[i]))
            i++;
        size_t nlen = i - n0;
        while (i < len && is_wsp(s[i]))
            i++;
        if (i >= len || s[i] != '=' || nlen >= sizeof out->v[0].name) {
            lx_strbuf_addf(why, "tag '%.*s' has no '='", (int)(nlen > 20 ? 20 : nlen), s + n0);
            goto bad;
        }
        i++;
        while (i < len && is_wsp(s[i]))
            i++;
        size_t v0 = i;
        while (i < len && s[i] != ';')
            i++;
        size_t v1 = i;
        while (v1 > v0 && is_wsp(s[v1 - 1]))
            v1--;
        for (size_t k = 0; k < out->n; k++) {
            if (strlen(out->v[k].name) == nlen && memcmp(out->v[k].name, s + n0, nlen) == 0) {
                lx_strbuf_addf(why, "tag %.*s= given twice", (int)nlen, s + n0);
                goto bad;
            }
        }
        tag *v = realloc(out->v, (out->n + 1) * sizeof *v);
        if (!v)
            goto nomem;
        out->v = v;
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
    taglist_release(out);
    return LX_E_PARSE;
nomem:
    taglist_release(out);
    return LX_E_NOMEM;
}

static const char *tag_get(const taglist *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].name, name) == 0)
            return t->v[i].value;
    return NULL;
}

lx_status lx_dkim_parse_tags(const char *s, size_t len, lx_strbuf *out, lx_strbuf *why)
{
    taglist t;
    lx_status st = tags_parse(s, len, &t, why);
    for (size_t i = 0; i < t.n && !st; i++)
        st = lx_strbuf_addf(out, "%s=%s\n", t.v[i].name, t.v[i].value);
    taglist_release(&t);
    return st;
}

/* Base64 with white space anywhere (tag values fold); false on any other
 * character or bad padding. */
static bool b64_decode(const char *s, lx_strbuf *out)
{
    unsigned acc = 0;
    int bits = 0, pad = 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        int v;
        if (is_wsp(c))
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

/* ---- key store ---------------------------------------------------------- */

typedef enum key_state { KEY_OK, KEY_REVOKED, KEY_MALFORMED } key_state;

typedef struct keyrec {
    char *name;   /* "selector._domainkey.domain", lowercased */
    char *source; /* the "# source:" note, "" */
    size_t seq;   /* load order, to keep records of one name in file order */
    int ordinal;  /* 1-based among the records of this name */
    key_state state;
    bool ed25519; /* k=ed25519 (else rsa) */
    char *hashes; /* h=, lowercased, "" for any */
    bool email;   /* s= allows e-mail */
    bool strict;  /* t=s: i= must use d= exactly */
    EVP_PKEY *pkey;
    int bits;
} keyrec;

struct lx_keystore {
    keyrec *v;
    size_t n;
    size_t next_seq; /* load order of the next record */
};

lx_keystore *lx_keystore_new(void)
{
    return calloc(1, sizeof(lx_keystore));
}

void lx_keystore_free(lx_keystore *ks)
{
    if (!ks)
        return;
    for (size_t i = 0; i < ks->n; i++) {
        free(ks->v[i].name);
        free(ks->v[i].source);
        free(ks->v[i].hashes);
        EVP_PKEY_free(ks->v[i].pkey);
    }
    free(ks->v);
    free(ks);
}

size_t lx_keystore_count(const lx_keystore *ks)
{
    return ks ? ks->n : 0;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* Reads a record's tags into k; a record leakdex cannot use is kept with
 * its state, so the verdict can say why. */
static lx_status key_parse(keyrec *k, const char *txt)
{
    taglist t;
    lx_strbuf why, raw;
    lx_strbuf_init(&why);
    lx_strbuf_init(&raw);
    k->state = KEY_MALFORMED;
    k->email = true;
    lx_status st = tags_parse(txt, strlen(txt), &t, &why);
    lx_strbuf_release(&why);
    if (st == LX_E_NOMEM)
        return st;
    if (st)
        return LX_OK;
    const char *v = tag_get(&t, "v"), *kk = tag_get(&t, "k"), *h = tag_get(&t, "h");
    const char *p = tag_get(&t, "p"), *s = tag_get(&t, "s"), *fl = tag_get(&t, "t");
    if ((v && strcmp(v, "DKIM1") != 0) || (v && strcmp(t.v[0].name, "v") != 0) || !p)
        goto out;
    k->ed25519 = kk && strcasecmp(kk, "ed25519") == 0;
    if (kk && !k->ed25519 && strcasecmp(kk, "rsa") != 0)
        goto out; /* an unknown key type */
    k->hashes = strdup(h ? h : "");
    if (!k->hashes) {
        st = LX_E_NOMEM;
        goto out;
    }
    lower(k->hashes);
    if (s && !strstr(s, "*") && !strstr(s, "email"))
        k->email = false;
    if (fl) {
        for (const char *c = fl; *c; c++)
            if (*c == 's' && (c == fl || c[-1] == ':' || is_wsp(c[-1])) &&
                (!c[1] || c[1] == ':' || is_wsp(c[1])))
                k->strict = true;
    }
    bool blank = true;
    for (const char *c = p; *c; c++)
        blank = blank && is_wsp(*c);
    if (blank) {
        k->state = KEY_REVOKED;
        goto out;
    }
    if (!b64_decode(p, &raw))
        goto out;
    const unsigned char *der = (const unsigned char *)raw.buf;
    if (k->ed25519) {
        if (raw.len == 32)
            k->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32);
    } else {
        k->pkey = d2i_PUBKEY(NULL, &der, (long)raw.len);
        if (!k->pkey) { /* some publish a bare PKCS#1 RSAPublicKey */
            der = (const unsigned char *)raw.buf;
            k->pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &der, (long)raw.len);
        }
        if (k->pkey && EVP_PKEY_get_base_id(k->pkey) != EVP_PKEY_RSA) {
            EVP_PKEY_free(k->pkey);
            k->pkey = NULL;
        }
    }
    if (k->pkey) {
        k->bits = EVP_PKEY_get_bits(k->pkey);
        k->state = KEY_OK;
    }
out:
    lx_strbuf_release(&raw);
    taglist_release(&t);
    return st;
}

/* The TXT value of a key line: quoted chunks joined, or the bare text. */
static char *txt_value(const char *s, size_t len)
{
    lx_strbuf v;
    lx_strbuf_init(&v);
    bool quoted = false;
    for (size_t i = 0; i < len; i++)
        quoted = quoted || s[i] == '"';
    if (!quoted) {
        lx_strbuf_add(&v, s, len);
        return lx_strbuf_detach(&v, NULL);
    }
    bool in = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '"') {
            in = !in;
        } else if (in && c == '\\' && i + 1 < len) {
            lx_strbuf_addch(&v, s[++i]);
        } else if (in) {
            lx_strbuf_addch(&v, c);
        }
    }
    return lx_strbuf_detach(&v, NULL);
}

/* Appends one record (name as written, TXT value, source note). */
static lx_status key_append(lx_keystore *ks, const char *name_in, const char *txt, const char *src)
{
    char *name = strdup(name_in);
    if (!name)
        return LX_E_NOMEM;
    lower(name);
    size_t nl = strlen(name);
    if (nl && name[nl - 1] == '.')
        name[nl - 1] = '\0';
    keyrec *v = realloc(ks->v, (ks->n + 1) * sizeof *v);
    if (!v) {
        free(name);
        return LX_E_NOMEM;
    }
    ks->v = v;
    keyrec *k = &v[ks->n];
    memset(k, 0, sizeof *k);
    k->name = name;
    k->seq = ks->next_seq++;
    k->source = strdup(src ? src : "");
    ks->n++;
    return k->source ? key_parse(k, txt) : LX_E_NOMEM;
}

static int keyrec_cmp(const void *a, const void *b);

/* Sorted by name, file order kept within a name, numbered 1.. per name. */
static void key_sort(lx_keystore *ks)
{
    if (ks->n == 0)
        return; /* qsort's base must not be NULL */
    qsort(ks->v, ks->n, sizeof *ks->v, keyrec_cmp);
    for (size_t i = 0; i < ks->n; i++)
        ks->v[i].ordinal =
            i > 0 && strcmp(ks->v[i - 1].name, ks->v[i].name) == 0 ? ks->v[i - 1].ordinal + 1 : 1;
}

lx_status lx_keystore_add(lx_keystore *ks, const char *name, const char *txt, const char *source)
{
    lx_status st = key_append(ks, name, txt, source);
    key_sort(ks);
    return st;
}

static int keyrec_cmp(const void *a, const void *b)
{
    const keyrec *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

lx_status lx_keystore_load(lx_keystore *ks, const char *path, lx_strbuf *why)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        lx_strbuf_addf(why, "%s: %s", path, strerror(errno));
        return LX_E_IO;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    lx_status st = LX_OK;
    while (!st && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n > 0 && is_wsp(line[n - 1]))
            n--;
        size_t i = 0;
        while (i < n && is_wsp(line[i]))
            i++;
        if (i == n || line[i] == '#')
            continue;
        size_t name0 = i;
        while (i < n && !is_wsp(line[i]))
            i++;
        char *name = strndup(line + name0, i - name0);
        if (!name) {
            st = LX_E_NOMEM;
            break;
        }
        lower(name);
        size_t nl = strlen(name);
        if (nl && name[nl - 1] == '.')
            name[nl - 1] = '\0';
        if (!strstr(name, "._domainkey.") || name[0] == '.') {
            lx_strbuf_addf(why, "%s:%zu: expected SELECTOR._domainkey.DOMAIN, found '%s'", path,
                           lineno, name);
            free(name);
            st = LX_E_PARSE;
            break;
        }
        /* A '#' outside quotes starts a comment; "# source: X" is kept. */
        bool in = false;
        size_t end = n, c0 = n;
        for (size_t k = i; k < n; k++) {
            if (line[k] == '"')
                in = !in;
            if (!in && line[k] == '#') {
                end = k;
                c0 = k + 1;
                break;
            }
        }
        char *txt = txt_value(line + i, end - i);
        const char *src = "";
        char *comment = strndup(line + c0, n - c0);
        if (comment) {
            char *c = comment;
            while (is_wsp(*c))
                c++;
            if (strncasecmp(c, "source:", 7) == 0) {
                c += 7;
                while (is_wsp(*c))
                    c++;
                src = c;
            }
        }
        if (!txt || !comment) {
            free(name);
            free(txt);
            free(comment);
            st = LX_E_NOMEM;
            break;
        }
        st = key_append(ks, name, txt, src);
        free(name);
        free(comment);
        free(txt);
    }
    free(line);
    fclose(f);
    key_sort(ks);
    return st;
}

/* The first record named name, or NULL; the others follow it. */
static const keyrec *key_find(const lx_keystore *ks, const char *name)
{
    if (!ks || !ks->n)
        return NULL;
    size_t lo = 0, hi = ks->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ks->v[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ks->n && strcmp(ks->v[lo].name, name) == 0 ? &ks->v[lo] : NULL;
}

/* ---- the message -------------------------------------------------------- */

typedef struct field {
    const char *start;
    size_t len;      /* with the final CRLF */
    size_t name_len; /* 0 when the line has no ':' */
} field;

typedef struct parsed {
    field *f;
    size_t n;
    const char *body;
    size_t body_len;
} parsed;

static lx_status split_message(const char *m, size_t len, parsed *p)
{
    memset(p, 0, sizeof *p);
    size_t pos = 0, alloc = 0;
    while (pos < len) {
        if (len - pos >= 2 && m[pos] == '\r' && m[pos + 1] == '\n') {
            pos += 2;
            break; /* the empty line */
        }
        size_t e = pos;
        for (;;) {
            const char *crlf = NULL;
            for (size_t k = e; k + 1 < len; k++)
                if (m[k] == '\r' && m[k + 1] == '\n') {
                    crlf = m + k;
                    break;
                }
            e = crlf ? (size_t)(crlf - m) + 2 : len;
            if (e < len && (m[e] == ' ' || m[e] == '\t'))
                continue; /* folded */
            break;
        }
        if (p->n == alloc) {
            alloc = alloc ? alloc * 2 : 32;
            field *f = realloc(p->f, alloc * sizeof *f);
            if (!f)
                return LX_E_NOMEM;
            p->f = f;
        }
        const char *colon = memchr(m + pos, ':', e - pos);
        p->f[p->n++] = (field){m + pos, e - pos, colon ? (size_t)(colon - (m + pos)) : 0};
        pos = e;
    }
    p->body = m + (pos < len ? pos : len);
    p->body_len = len - (size_t)(p->body - m);
    return LX_OK;
}

static bool field_is(const field *f, const char *name)
{
    size_t n = f->name_len;
    while (n > 0 && (f->start[n - 1] == ' ' || f->start[n - 1] == '\t'))
        n--;
    return n == strlen(name) && strncasecmp(f->start, name, n) == 0;
}

/* Relaxed header canonicalization (RFC 6376 3.4.2) of raw[0..len). */
static lx_status canon_header_relaxed(lx_strbuf *o, const char *raw, size_t len, size_t name_len)
{
    size_t n = name_len;
    while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < n; i++) {
        char c = raw[i];
        if (lx_strbuf_addch(o, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)))
            return LX_E_NOMEM;
    }
    lx_strbuf_addch(o, ':');
    bool space = false, any = false;
    for (size_t i = name_len + 1; i < len; i++) {
        char c = raw[i];
        if (c == '\r' || c == '\n')
            continue; /* unfold */
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space && any)
            lx_strbuf_addch(o, ' ');
        space = false;
        any = true;
        lx_strbuf_addch(o, c);
    }
    return lx_strbuf_addstr(o, "\r\n");
}

static lx_status canon_header(lx_strbuf *o, bool relaxed, const char *raw, size_t len,
                              size_t name_len)
{
    return relaxed ? canon_header_relaxed(o, raw, len, name_len) : lx_strbuf_add(o, raw, len);
}

/* Body canonicalization (RFC 6376 3.4.3, 3.4.4). */
static lx_status canon_body(lx_strbuf *o, bool relaxed, const char *b, size_t len)
{
    size_t pos = 0;
    lx_status st = lx_strbuf_grow(o, len + 2);
    while (pos < len && !st) {
        const char *crlf = NULL;
        for (size_t k = pos; k + 1 < len; k++)
            if (b[k] == '\r' && b[k + 1] == '\n') {
                crlf = b + k;
                break;
            }
        size_t e = crlf ? (size_t)(crlf - b) : len;
        if (relaxed) {
            bool space = false;
            for (size_t k = pos; k < e && !st; k++) {
                if (b[k] == ' ' || b[k] == '\t') {
                    space = true;
                    continue;
                }
                if (space)
                    st = lx_strbuf_addch(o, ' ');
                space = false;
                if (!st)
                    st = lx_strbuf_addch(o, b[k]);
            }
        } else {
            st = lx_strbuf_add(o, b + pos, e - pos);
        }
        if (!st)
            st = lx_strbuf_addstr(o, "\r\n");
        pos = crlf ? e + 2 : len;
    }
    /* Trailing empty lines go; simple keeps one CRLF even for no body. */
    while (o->len >= 4 && memcmp(o->buf + o->len - 4, "\r\n\r\n", 4) == 0)
        lx_strbuf_setlen(o, o->len - 2);
    if (o->len == 2 && memcmp(o->buf, "\r\n", 2) == 0)
        lx_strbuf_setlen(o, 0);
    if (!st && !relaxed && o->len == 0)
        st = lx_strbuf_addstr(o, "\r\n");
    return st;
}

/* The signature field with its b= value removed, for hashing. */
static lx_status without_b(lx_strbuf *o, const field *f)
{
    const char *s = f->start;
    size_t len = f->len, i = f->name_len + 1;
    lx_status st = lx_strbuf_add(o, s, i);
    while (i < len && !st) {
        size_t t0 = i;
        while (i < len && is_wsp(s[i]))
            i++;
        size_t n0 = i;
        while (i < len && is_alnumpunc(s[i]))
            i++;
        bool is_b = i - n0 == 1 && s[n0] == 'b';
        while (i < len && is_wsp(s[i]))
            i++;
        if (is_b && i < len && s[i] == '=') {
            st = lx_strbuf_add(o, s + t0, i + 1 - t0);
            while (i < len && s[i] != ';')
                i++;
            /* keep the field's final CRLF */
            if (i == len && len >= 2 && s[len - 2] == '\r')
                st = st ? st : lx_strbuf_addstr(o, "\r\n");
            continue;
        }
        const char *semi = memchr(s + i, ';', len - i);
        size_t e = semi ? (size_t)(semi - s) + 1 : len;
        st = lx_strbuf_add(o, s + t0, e - t0);
        i = e;
    }
    return st;
}

/* ---- verifying one signature ------------------------------------------- */

static lx_status set_reason(lx_dkim_sig *sig, lx_dkim_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static lx_status set_reason(lx_dkim_sig *sig, lx_dkim_result r, const char *fmt, ...)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    lx_status st = lx_strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    free(sig->reason);
    sig->reason = lx_strbuf_detach(&sb, NULL);
    sig->result = r;
    return st ? st : (sig->reason ? LX_OK : LX_E_NOMEM);
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

static int64_t parse_time(const char *s)
{
    if (!s || !*s || strlen(s) > 12)
        return -1;
    int64_t v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        v = v * 10 + (*c - '0');
    }
    return v;
}

/* True when the domain of identity (after '@') is d or a subdomain of it. */
static bool identity_within(const char *identity, const char *d, bool strict)
{
    const char *at = strrchr(identity, '@');
    const char *dom = at ? at + 1 : identity;
    size_t dl = strlen(dom), l = strlen(d);
    if (dl == l)
        return strcasecmp(dom, d) == 0;
    if (strict || dl < l + 1)
        return false;
    return dom[dl - l - 1] == '.' && strcasecmp(dom + dl - l, d) == 0;
}

static int verify_crypto(const keyrec *k, bool ed, const EVP_MD *md, const lx_strbuf *data,
                         const lx_strbuf *sig)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return -1;
    int r;
    if (ed) {
        unsigned char h[32];
        unsigned int hl = 0;
        r = EVP_Digest(data->buf, data->len, h, &hl, EVP_sha256(), NULL) == 1 &&
                    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) == 1
                ? EVP_DigestVerify(ctx, (const unsigned char *)sig->buf, sig->len, h, hl)
                : -1;
    } else {
        r = EVP_DigestVerifyInit(ctx, NULL, md, NULL, k->pkey) == 1
                ? EVP_DigestVerify(ctx, (const unsigned char *)sig->buf, sig->len,
                                   (const unsigned char *)data->buf, data->len)
                : -1;
    }
    EVP_MD_CTX_free(ctx);
    return r;
}

static lx_status verify_one(const lx_keystore *ks, const parsed *p, size_t fi, lx_dkim_sig *sig)
{
    const field *f = &p->f[fi];
    taglist t = {0};
    lx_strbuf why, body, hash, data, bsig, bh, name;
    lx_strbuf_init(&why);
    lx_strbuf_init(&body);
    lx_strbuf_init(&hash);
    lx_strbuf_init(&data);
    lx_strbuf_init(&bsig);
    lx_strbuf_init(&bh);
    lx_strbuf_init(&name);
    bool *used = NULL;
    lx_status st;
    sig->t = sig->x = -1;
    st = tags_parse(f->start + f->name_len + 1, f->len - f->name_len - 1, &t, &why);
    if (st == LX_E_NOMEM)
        goto out;
    sig->domain = dup_or_empty(st ? NULL : tag_get(&t, "d"));
    sig->selector = dup_or_empty(st ? NULL : tag_get(&t, "s"));
    sig->algorithm = dup_or_empty(st ? NULL : tag_get(&t, "a"));
    sig->identity = dup_or_empty(st ? NULL : tag_get(&t, "i"));
    const char *c = st ? NULL : tag_get(&t, "c");
    lx_strbuf_addf(&name, "%s%s", c ? c : "simple", c && strchr(c, '/') ? "" : "/simple");
    sig->canon = strdup(name.buf);
    sig->key_source = strdup("");
    if (!sig->domain || !sig->selector || !sig->algorithm || !sig->identity || !sig->canon ||
        !sig->key_source) {
        st = LX_E_NOMEM;
        goto out;
    }
    lower(sig->domain);
    lower(sig->canon);
    if (st) {
        st = set_reason(sig, LX_DKIM_INVALID, "malformed signature: %s", why.buf);
        goto out;
    }
    sig->t = parse_time(tag_get(&t, "t"));
    sig->x = parse_time(tag_get(&t, "x"));
    const char *v = tag_get(&t, "v");
    if (!v || strcmp(v, "1") != 0) {
        st = set_reason(sig, LX_DKIM_INVALID,
                        v ? "unsupported version v=%s" : "malformed signature: no v= tag", v);
        goto out;
    }
    static const char *const required[] = {"a", "b", "bh", "d", "h", "s", NULL};
    for (size_t i = 0; required[i]; i++) {
        if (!tag_get(&t, required[i])) {
            st = set_reason(sig, LX_DKIM_INVALID, "malformed signature: no %s= tag", required[i]);
            goto out;
        }
    }
    const char *a = sig->algorithm;
    bool ed = strcasecmp(a, "ed25519-sha256") == 0;
    sig->sha1 = strcasecmp(a, "rsa-sha1") == 0;
    const EVP_MD *md = sig->sha1 ? EVP_sha1() : EVP_sha256();
    if (!ed && !sig->sha1 && strcasecmp(a, "rsa-sha256") != 0) {
        st = set_reason(sig, LX_DKIM_INVALID, "unsupported algorithm %s", a);
        goto out;
    }
    char hc[16] = "", bc[16] = "";
    if (sscanf(sig->canon, "%15[^/]/%15s", hc, bc) != 2 ||
        (strcmp(hc, "simple") && strcmp(hc, "relaxed")) ||
        (strcmp(bc, "simple") && strcmp(bc, "relaxed"))) {
        st = set_reason(sig, LX_DKIM_INVALID, "unsupported canonicalization %s", sig->canon);
        goto out;
    }
    bool hrelaxed = strcmp(hc, "relaxed") == 0, brelaxed = strcmp(bc, "relaxed") == 0;
    const char *h = tag_get(&t, "h");
    bool from = false;
    for (const char *k = h; *k;) {
        while (*k && (is_wsp(*k) || *k == ':'))
            k++;
        const char *e = k;
        while (*e && *e != ':' && !is_wsp(*e))
            e++;
        from = from || (e - k == 4 && strncasecmp(k, "from", 4) == 0);
        k = e;
    }
    if (!from) {
        st = set_reason(sig, LX_DKIM_INVALID, "From is not signed");
        goto out;
    }
    const char *l = tag_get(&t, "l");
    int64_t length = -1;
    if (l && (length = parse_time(l)) < 0) {
        st = set_reason(sig, LX_DKIM_INVALID, "malformed signature: bad l= tag");
        goto out;
    }

    const char *idn = *sig->identity ? sig->identity : NULL;
    if (idn && !identity_within(idn, sig->domain, false)) {
        st = set_reason(sig, LX_DKIM_INVALID, "i= not within d=");
        goto out;
    }

    /* The key: every record of the selector is tried; the first reason a
     * record is unusable is the one reported if none can be used. */
    lx_strbuf_reset(&name);
    lx_strbuf_addf(&name, "%s._domainkey.%s", sig->selector, sig->domain);
    lower(name.buf);
    const keyrec *first = key_find(ks, name.buf);
    if (!first) {
        st = set_reason(sig, LX_DKIM_NOKEY, "no key for %s", name.buf);
        goto out;
    }

    /* Body hash, compared before any key is used. */
    if ((st = canon_body(&body, brelaxed, p->body, p->body_len)))
        goto out;
    size_t hashed = body.len;
    if (length >= 0) {
        sig->has_length = true;
        if ((uint64_t)length > body.len) {
            st = set_reason(sig, LX_DKIM_FAIL, "l= longer than the body");
            sig->body_mismatch = true;
            goto out;
        }
        hashed = (size_t)length;
        sig->unsigned_bytes = body.len - hashed;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    if (EVP_Digest(body.buf, hashed, digest, &dl, ed ? EVP_sha256() : md, NULL) != 1) {
        st = LX_E_NOMEM;
        goto out;
    }
    if (!b64_decode(tag_get(&t, "bh"), &bh) || !b64_decode(tag_get(&t, "b"), &bsig)) {
        st = set_reason(sig, LX_DKIM_INVALID, "malformed signature: bad base64");
        goto out;
    }

    /* Header data: h= names bottom-up, then this field without b=. */
    used = calloc(p->n ? p->n : 1, sizeof *used);
    if (!used) {
        st = LX_E_NOMEM;
        goto out;
    }
    used[fi] = true;
    for (const char *k = h; *k && !st;) {
        while (*k && (is_wsp(*k) || *k == ':'))
            k++;
        const char *e = k;
        while (*e && *e != ':' && !is_wsp(*e))
            e++;
        if (e == k)
            break;
        char hn[128];
        snprintf(hn, sizeof hn, "%.*s", (int)(e - k), k);
        for (size_t j = p->n; j-- > 0;) {
            if (!used[j] && field_is(&p->f[j], hn)) {
                used[j] = true;
                st = canon_header(&data, hrelaxed, p->f[j].start, p->f[j].len, p->f[j].name_len);
                break;
            }
        }
        k = e;
    }
    lx_strbuf self;
    lx_strbuf_init(&self);
    if (!st)
        st = without_b(&self, f);
    if (!st)
        st = canon_header(&data, hrelaxed, self.buf, self.len, f->name_len);
    lx_strbuf_release(&self);
    if (st)
        goto out;
    if (data.len >= 2 && memcmp(data.buf + data.len - 2, "\r\n", 2) == 0)
        lx_strbuf_setlen(&data, data.len - 2);

    const char *unusable = NULL;
    bool tried = false;
    for (const keyrec *k = first; k < ks->v + ks->n && strcmp(k->name, first->name) == 0; k++) {
        const char *bad = NULL;
        if (k->state == KEY_REVOKED)
            bad = "key revoked";
        else if (k->state == KEY_MALFORMED)
            bad = "malformed key";
        else if (k->ed25519 != ed)
            bad = "key type does not match the algorithm";
        else if (*k->hashes && !strstr(k->hashes, sig->sha1 ? "sha1" : "sha256"))
            bad = "hash not allowed by the key record";
        else if (!k->email)
            bad = "key not for e-mail (s= tag)";
        else if (k->strict && idn && !identity_within(idn, sig->domain, true))
            bad = "i= must use d= exactly (key flag t=s)";
        if (bad) {
            unusable = unusable ? unusable : bad;
            continue;
        }
        if (!tried) {
            tried = true;
            if (dl != bh.len || memcmp(digest, bh.buf, dl) != 0) {
                sig->body_mismatch = true;
                sig->key_bits = k->bits;
                st = set_reason(sig, LX_DKIM_FAIL, "body hash mismatch");
                goto out;
            }
        }
        sig->key_bits = k->bits;
        int r = verify_crypto(k, ed, md, &data, &bsig);
        if (r == 1) {
            sig->key_record = k->ordinal;
            sig->weak = !ed && k->bits < WEAK_RSA_BITS;
            free(sig->key_source);
            sig->key_source = strdup(k->source);
            st = sig->key_source ? set_reason(sig, LX_DKIM_PASS, "%s", "") : LX_E_NOMEM;
            goto out;
        }
    }
    if (!tried) {
        st = set_reason(sig, LX_DKIM_INVALID, "%s", unusable);
    } else {
        sig->header_mismatch = true;
        st = set_reason(sig, LX_DKIM_FAIL, "signature mismatch");
    }
out:
    free(used);
    taglist_release(&t);
    lx_strbuf_release(&why);
    lx_strbuf_release(&body);
    lx_strbuf_release(&hash);
    lx_strbuf_release(&data);
    lx_strbuf_release(&bsig);
    lx_strbuf_release(&bh);
    lx_strbuf_release(&name);
    if (!st && !sig->reason)
        st = set_reason(sig, LX_DKIM_INVALID, "malformed signature");
    return st;
}

void lx_dkim_verdict_release(lx_dkim_verdict *v)
{
    for (size_t i = 0; i < v->n; i++) {
        lx_dkim_sig *s = &v->sigs[i];
        free(s->domain);
        free(s->selector);
        free(s->algorithm);
        free(s->canon);
        free(s->identity);
        free(s->reason);
        free(s->key_source);
    }
    free(v->sigs);
    memset(v, 0, sizeof *v);
}

lx_status lx_dkim_verify(const lx_keystore *ks, const char *msg, size_t len, lx_dkim_verdict *out)
{
    memset(out, 0, sizeof *out);
    parsed p;
    lx_status st = split_message(msg, len, &p);
    size_t count = 0;
    for (size_t i = 0; i < p.n && !st; i++)
        count += field_is(&p.f[i], "DKIM-Signature");
    if (!st && count) {
        out->sigs = calloc(count, sizeof *out->sigs);
        if (!out->sigs)
            st = LX_E_NOMEM;
    }
    for (size_t i = 0; i < p.n && !st; i++) {
        if (!field_is(&p.f[i], "DKIM-Signature"))
            continue;
        st = verify_one(ks, &p, i, &out->sigs[out->n]);
        out->n++;
    }
    /* The best result wins: pass, then fail, nokey, invalid. */
    out->verdict = LX_DKIM_NONE;
    for (size_t i = 0; i < out->n; i++) {
        lx_dkim_result r = out->sigs[i].result;
        if (out->verdict == LX_DKIM_NONE || r < out->verdict)
            out->verdict = r;
    }
    free(p.f);
    if (st)
        lx_dkim_verdict_release(out);
    return st;
}
