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

#include "caps.h"
#include "orgdomain.h"
#include "banned.h"

/* RSA keys shorter than this have been factored in public: a signature by
 * one proves little, so it is flagged wherever it is shown. */
#define WEAK_RSA_BITS 1024

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

/* A tag list. Signature tag names follow RFC 6376's ABNF (ALPHA
 * *ALNUMPUNC); a key record's (`any_name`) may hold any character but white
 * space, '=' and ';': unknown key-record tags such as "x-future=1" are
 * ignored, as dkimpy and Mail::DKIM ignore them, instead of making the key
 * unusable. */
static lx_status tags_parse(const char *s, size_t len, taglist *out, lx_strbuf *why, bool any_name)
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
        if (any_name) {
            while (i < len && !is_wsp(s[i]) && s[i] != '=' && s[i] != ';')
                i++;
        } else if (is_alpha(s[i])) {
            while (i < len && is_alnumpunc(s[i]))
                i++;
        }
        if (i == n0) {
            lx_strbuf_addf(why, "bad tag name at '%.*s'", (int)(len - i < 10 ? len - i : 10),
                           s + i);
            goto bad;
        }
        size_t nlen = i - n0;
        while (i < len && is_wsp(s[i]))
            i++;
        if (i >= len || s[i] != '=' || (nlen >= sizeof out->v[0].name && !any_name)) {
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
    lx_status st = tags_parse(s, len, &t, why, false);
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

/* KEY_ABSENT: a record that holds no key at all (an empty TXT record, or
 * one without p=): RFC 6376 3.6.1 makes p= required, and such a record says
 * no more than a missing one, so it counts as no key (nokey). An empty p=
 * is a revoked key (invalid). */
typedef enum key_state { KEY_OK, KEY_REVOKED, KEY_MALFORMED, KEY_ABSENT } key_state;

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
    lx_status st = tags_parse(txt, strlen(txt), &t, &why, true);
    lx_strbuf_release(&why);
    if (st == LX_E_NOMEM)
        return st;
    if (st)
        return LX_OK;
    const char *v = tag_get(&t, "v"), *kk = tag_get(&t, "k"), *h = tag_get(&t, "h");
    const char *p = tag_get(&t, "p"), *s = tag_get(&t, "s"), *fl = tag_get(&t, "t");
    if (!p) {
        k->state = KEY_ABSENT;
        goto out;
    }
    if ((v && strcmp(v, "DKIM1") != 0) || (v && strcmp(t.v[0].name, "v") != 0))
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
    const char *start; /* the message */
    field *f;
    size_t n;
    const char *body;
    size_t body_len;
} parsed;

static lx_status split_message(const char *m, size_t len, parsed *p)
{
    memset(p, 0, sizeof *p);
    p->start = m;
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

static lx_status set_reason(lx_dkim_sig *sig, lx_verdict r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static lx_status set_reason(lx_dkim_sig *sig, lx_verdict r, const char *fmt, ...)
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

/* A decimal tag value of 1 to max_digits digits: -1 when absent, -2 when
 * malformed. */
static int64_t parse_number(const char *s, size_t max_digits)
{
    if (!s)
        return -1;
    size_t n = strlen(s);
    if (n == 0 || n > max_digits)
        return -2;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -2;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* l= is 1*76DIGIT (RFC 6376 3.5): -1 when absent, -2 when malformed; a
 * value too large for 64 bits is longer than any body. */
static int64_t parse_length(const char *s)
{
    if (!s)
        return -1;
    size_t n = strlen(s);
    if (n == 0 || n > 76)
        return -2;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return -2;
    return n > 18 ? INT64_MAX : parse_number(s, 18);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes a dkim-quoted-printable value (RFC 6376 2.11), as i= is
 * written: "=XX" is the octet XX, folding white space is dropped. False on
 * an "=" not followed by two hex digits. */
static bool qp_decode(const char *s, lx_strbuf *out)
{
    for (const char *c = s; *c; c++) {
        if (is_wsp(*c))
            continue;
        if (*c == '=') {
            int hi = hex_value(c[1]), lo = hi < 0 ? -1 : hex_value(c[2]);
            if (hi < 0 || lo < 0)
                return false;
            if (lx_strbuf_addch(out, (char)(hi * 16 + lo)))
                return false;
            c += 2;
            continue;
        }
        if (lx_strbuf_addch(out, *c))
            return false;
    }
    return true;
}

/* True when the domain of identity (after its '@') is d, or (unless
 * strict) a subdomain of it. */
static bool identity_within(const char *identity, const char *d, bool strict)
{
    const char *at = strrchr(identity, '@');
    if (!at)
        return false;
    const char *dom = at + 1;
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

/* The shown header fields, in the order of the LX_DKIM_H_* bits. */
static const struct {
    const char *field; /* as named in the header */
    const char *key;   /* as hit lists name it */
} shown[LX_DKIM_H_COUNT] = {
    {"From", "from"},
    {"To", "to"},
    {"Cc", "cc"},
    {"Bcc", "bcc"},
    {"Reply-To", "reply_to"},
    {"Subject", "subject"},
    {"Date", "date"},
    {"Message-ID", "message_id"},
    {"In-Reply-To", "in_reply_to"},
    {"References", "references"},
};

const char *lx_dkim_header_key(unsigned i)
{
    return i < LX_DKIM_H_COUNT ? shown[i].key : NULL;
}

static unsigned shown_bit(const field *f)
{
    for (unsigned i = 0; i < LX_DKIM_H_COUNT; i++)
        if (field_is(f, shown[i].field))
            return 1u << i;
    return 0;
}

/* The body the signature is checked against, canonicalized, with the
 * hash of its first `length` bytes (all when length < 0). */
typedef struct body_hash {
    lx_strbuf canon;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len;
} body_hash;

static lx_status hash_body(body_hash *b, bool relaxed, const char *body, size_t len, int64_t length,
                           const EVP_MD *md)
{
    lx_status st = canon_body(&b->canon, relaxed, body, len);
    if (st)
        return st;
    size_t hashed = length >= 0 && (uint64_t)length < b->canon.len ? (size_t)length : b->canon.len;
    return EVP_Digest(b->canon.buf, hashed, b->digest, &b->len, md, NULL) == 1 ? LX_OK : LX_E_NOMEM;
}

/* The offset in the raw body (CRLF lines) where its canonical form reaches
 * `length` bytes: where the part l= signs ends in the message as written. */
static size_t raw_offset(const char *b, size_t len, bool relaxed, uint64_t length)
{
    if (!relaxed)
        return length < len ? (size_t)length : len;
    uint64_t c = 0;
    size_t pos = 0;
    while (pos < len && c < length) {
        const char *crlf = NULL;
        for (size_t k = pos; k + 1 < len; k++)
            if (b[k] == '\r' && b[k + 1] == '\n') {
                crlf = b + k;
                break;
            }
        size_t e = crlf ? (size_t)(crlf - b) : len;
        bool space = false;
        for (size_t k = pos; k < e; k++) {
            if (b[k] == ' ' || b[k] == '\t') {
                space = true;
                continue;
            }
            c += space ? 2 : 1;
            space = false;
            if (c >= length)
                return k + 1;
        }
        c += 2;
        pos = crlf ? e + 2 : len;
    }
    return pos;
}

static lx_status verify_one(const lx_keystore *ks, const parsed *p, const parsed *alt, size_t fi,
                            lx_dkim_sig *sig)
{
    const field *f = &p->f[fi];
    taglist t = {0};
    lx_strbuf why, bsig, bh, name, data, ident;
    lx_strbuf_init(&why);
    lx_strbuf_init(&bsig);
    lx_strbuf_init(&bh);
    lx_strbuf_init(&name);
    lx_strbuf_init(&data);
    lx_strbuf_init(&ident);
    body_hash body, stored;
    memset(&body, 0, sizeof body);
    memset(&stored, 0, sizeof stored);
    lx_strbuf_init(&body.canon);
    lx_strbuf_init(&stored.canon);
    bool *used = NULL;
    lx_status st;
    sig->t = sig->x = -1;
    st = tags_parse(f->start + f->name_len + 1, f->len - f->name_len - 1, &t, &why, false);
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
        st = set_reason(sig, LX_VERDICT_INVALID, "malformed signature: %s", why.buf);
        goto out;
    }
    /* Signatures from the drafts before RFC 4871 carry no v=, or v=0.5:
     * their hashing differs, so they cannot be checked as RFC 6376 ones. */
    const char *v = tag_get(&t, "v");
    if (!v || strcmp(v, "0.5") == 0) {
        st = set_reason(sig, LX_VERDICT_INVALID, "pre-RFC 6376 draft signature");
        goto out;
    }
    if (strcmp(v, "1") != 0) {
        st = set_reason(sig, LX_VERDICT_INVALID, "unsupported version v=%s", v);
        goto out;
    }
    static const char *const required[] = {"a", "b", "bh", "d", "h", "s", NULL};
    for (size_t i = 0; required[i]; i++) {
        if (!tag_get(&t, required[i])) {
            st = set_reason(sig, LX_VERDICT_INVALID, "malformed signature: no %s= tag", required[i]);
            goto out;
        }
    }
    /* t= and x= (RFC 6376 3.5): 1*12DIGIT, and x= not before t=. x= is
     * recorded, never enforced: an archive is verified years later. */
    sig->t = parse_number(tag_get(&t, "t"), 12);
    sig->x = parse_number(tag_get(&t, "x"), 12);
    if (sig->t == -2 || sig->x == -2) {
        const char *which = sig->t == -2 ? "t" : "x";
        sig->t = sig->t < 0 ? -1 : sig->t;
        sig->x = sig->x < 0 ? -1 : sig->x;
        st = set_reason(sig, LX_VERDICT_INVALID, "malformed signature: bad %s= tag", which);
        goto out;
    }
    if (sig->t >= 0 && sig->x >= 0 && sig->x < sig->t) {
        st = set_reason(sig, LX_VERDICT_INVALID, "x= earlier than t=");
        goto out;
    }
    /* q= (RFC 6376 3.5, 6.1.1): the only query method is dns/txt. */
    const char *q = tag_get(&t, "q");
    if (q) {
        bool dns = false;
        for (const char *k = q; *k && !dns;) {
            while (*k == ':' || is_wsp(*k))
                k++;
            const char *e = k;
            while (*e && *e != ':' && !is_wsp(*e))
                e++;
            dns = e - k == 7 && memcmp(k, "dns/txt", 7) == 0;
            k = e;
        }
        if (!dns) {
            st = set_reason(sig, LX_VERDICT_INVALID, "unsupported query method q=%s", q);
            goto out;
        }
    }
    const char *a = sig->algorithm;
    bool ed = strcasecmp(a, "ed25519-sha256") == 0;
    sig->sha1 = strcasecmp(a, "rsa-sha1") == 0;
    const EVP_MD *md = sig->sha1 ? EVP_sha1() : EVP_sha256();
    if (!ed && !sig->sha1 && strcasecmp(a, "rsa-sha256") != 0) {
        st = set_reason(sig, LX_VERDICT_INVALID, "unsupported algorithm %s", a);
        goto out;
    }
    char hc[16] = "", bc[16] = "";
    if (sscanf(sig->canon, "%15[^/]/%15s", hc, bc) != 2 ||
        (strcmp(hc, "simple") && strcmp(hc, "relaxed")) ||
        (strcmp(bc, "simple") && strcmp(bc, "relaxed"))) {
        st = set_reason(sig, LX_VERDICT_INVALID, "unsupported canonicalization %s", sig->canon);
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
        st = set_reason(sig, LX_VERDICT_INVALID, "From is not signed");
        goto out;
    }
    int64_t length = parse_length(tag_get(&t, "l"));
    if (length == -2) {
        st = set_reason(sig, LX_VERDICT_INVALID, "malformed signature: bad l= tag");
        goto out;
    }

    /* i= is dkim-quoted-printable (RFC 6376 2.11): decoded, it must name
     * d= or a subdomain of it. */
    const char *idn = NULL;
    if (*sig->identity) {
        if (!qp_decode(sig->identity, &ident) || !memchr(ident.buf, '@', ident.len) ||
            memchr(ident.buf, '\0', ident.len)) {
            st = set_reason(sig, LX_VERDICT_INVALID, "malformed signature: bad i= tag");
            goto out;
        }
        free(sig->identity);
        if (!(sig->identity = strdup(ident.buf))) {
            st = LX_E_NOMEM;
            goto out;
        }
        idn = sig->identity;
        if (!identity_within(idn, sig->domain, false)) {
            st = set_reason(sig, LX_VERDICT_INVALID, "i= not within d=");
            goto out;
        }
    }

    /* The key: every record of the selector is tried; the first reason a
     * record is unusable is the one reported if none can be used. */
    lx_strbuf_reset(&name);
    lx_strbuf_addf(&name, "%s._domainkey.%s", sig->selector, sig->domain);
    lower(name.buf);
    const keyrec *first = key_find(ks, name.buf);

    /* Body hash, compared before any key is used. */
    if ((st = hash_body(&body, brelaxed, p->body, p->body_len, length, ed ? EVP_sha256() : md)))
        goto out;
    if (length >= 0) {
        sig->has_length = true;
        if ((uint64_t)length <= body.canon.len)
            sig->unsigned_bytes = body.canon.len - (size_t)length;
    }
    if (!b64_decode(tag_get(&t, "bh"), &bh) || !b64_decode(tag_get(&t, "b"), &bsig)) {
        st = set_reason(sig, LX_VERDICT_INVALID, "malformed signature: bad base64");
        goto out;
    }
    bool body_ok = body.len == bh.len && memcmp(body.digest, bh.buf, body.len) == 0;
    const char *body_start = p->body;
    size_t body_len = p->body_len;
    const body_hash *used_body = &body;
    if (alt) {
        /* A message from an mbox whose ">From " quoting was undone: the
         * body as stored may be the one that was signed. */
        if ((st = hash_body(&stored, brelaxed, alt->body, alt->body_len, length,
                            ed ? EVP_sha256() : md)))
            goto out;
        bool stored_ok = stored.len == bh.len && memcmp(stored.digest, bh.buf, stored.len) == 0;
        sig->form = body_ok || !stored_ok ? LX_DKIM_FORM_UNQUOTED : LX_DKIM_FORM_STORED;
        if (!body_ok && stored_ok) {
            body_ok = true;
            used_body = &stored;
            body_start = alt->body;
            body_len = alt->body_len;
            if (length >= 0)
                sig->unsigned_bytes =
                    (uint64_t)length <= stored.canon.len ? stored.canon.len - (size_t)length : 0;
        }
    }
    if (length >= 0 && (uint64_t)length > used_body->canon.len) {
        body_ok = false;
        sig->unsigned_bytes = 0;
    }
    if (!first || first->state == KEY_ABSENT) {
        /* Records without a key are no key (every one of the selector's). */
        const keyrec *k = first;
        while (k && k < ks->v + ks->n && strcmp(k->name, first->name) == 0 &&
               k->state == KEY_ABSENT)
            k++;
        if (!k || k == ks->v + ks->n || strcmp(k->name, first->name) != 0) {
            st = set_reason(sig, LX_VERDICT_NOKEY, "no key for %s", name.buf);
            goto out;
        }
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
    /* What it covers of the fields a reader is shown. */
    for (size_t j = 0; j < p->n; j++) {
        unsigned bit = shown_bit(&p->f[j]);
        if (used[j])
            sig->signed_headers |= bit;
        else
            sig->unsigned_headers |= bit;
    }

    const char *unusable = NULL;
    bool tried = false;
    for (const keyrec *k = first; k < ks->v + ks->n && strcmp(k->name, first->name) == 0; k++) {
        const char *bad = NULL;
        if (k->state == KEY_ABSENT)
            continue;
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
            if (!body_ok) {
                sig->body_mismatch = true;
                sig->key_bits = k->bits;
                st = length >= 0 && (uint64_t)length > used_body->canon.len
                         ? set_reason(sig, LX_VERDICT_FAIL, "l= longer than the body")
                         : set_reason(sig, LX_VERDICT_FAIL, "body hash mismatch");
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
            if (!sig->key_source) {
                st = LX_E_NOMEM;
                goto out;
            }
            /* RFC 6376 8.15: a From field h= does not cover (one added
             * above the signed one) is what a reader sees first. */
            if (sig->unsigned_headers & LX_DKIM_H_FROM) {
                sig->header_mismatch = true;
                st = set_reason(sig, LX_VERDICT_FAIL, "an unsigned From was added");
                goto out;
            }
            if (length >= 0) {
                const lx_strbuf *cb = &used_body->canon;
                for (size_t i = (size_t)length; i < cb->len && !sig->unsigned_text; i++)
                    sig->unsigned_text = !is_wsp(cb->buf[i]);
                sig->signed_end =
                    (size_t)(body_start - (used_body == &body ? p->start : alt->start)) +
                    raw_offset(body_start, body_len, brelaxed, (uint64_t)length);
            }
            st = set_reason(sig, LX_VERDICT_PASS, "%s", "");
            goto out;
        }
    }
    if (!tried) {
        st = set_reason(sig, LX_VERDICT_INVALID, "%s", unusable);
    } else {
        sig->header_mismatch = true;
        st = set_reason(sig, LX_VERDICT_FAIL, "signature mismatch");
    }
out:
    free(used);
    taglist_release(&t);
    lx_strbuf_release(&why);
    lx_strbuf_release(&body.canon);
    lx_strbuf_release(&stored.canon);
    lx_strbuf_release(&data);
    lx_strbuf_release(&bsig);
    lx_strbuf_release(&bh);
    lx_strbuf_release(&name);
    lx_strbuf_release(&ident);
    if (!st && !sig->reason)
        st = set_reason(sig, LX_VERDICT_INVALID, "malformed signature");
    if (sig->result != LX_VERDICT_PASS)
        sig->form = LX_DKIM_FORM_ONE;
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
    free(v->verified_reason);
    memset(v, 0, sizeof *v);
    v->chosen = -1;
    v->signed_text = LX_DKIM_ALL_TEXT;
}

/* ---- the sender (RFC 5322 From) ----------------------------------------- */

/* The domains of the From fields' addresses, lowercased, and whether every
 * address could be read. */
typedef struct sender {
    size_t fields;   /* From fields in the header */
    bool unreadable; /* a mailbox without an address, or one leakdex cannot read */
    char **domains;
    size_t n;
} sender;

static void sender_release(sender *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->domains[i]);
    free(s->domains);
    memset(s, 0, sizeof *s);
}

/* One mailbox, its display name and angle-address read: its domain kept. */
static lx_status sender_mailbox(sender *s, lx_strbuf *plain, lx_strbuf *angle, int angles)
{
    lx_status st = LX_OK;
    const lx_strbuf *addr = angles ? angle : plain;
    if (angles == 0 && plain->len == 0)
        goto done; /* an empty list element */
    const char *at = addr->len ? memchr(addr->buf, '@', addr->len) : NULL;
    const char *dom = at ? at + 1 : NULL;
    size_t dl = dom ? addr->len - (size_t)(dom - addr->buf) : 0;
    bool control = false; /* a NUL would cut the domain short; no control byte is a name's */
    for (size_t i = 0; dom && i < dl && !control; i++)
        control = (unsigned char)dom[i] < 0x21 || dom[i] == 0x7f;
    if (angles > 1 || !at || memchr(dom, '@', dl) || dl == 0 || *dom == '[' || control ||
        s->n >= LX_DKIM_MAX_FROM_ADDRESSES) {
        s->unreadable = true;
        goto done;
    }
    char **v = realloc(s->domains, (s->n + 1) * sizeof *v);
    if (!v) {
        st = LX_E_NOMEM;
        goto done;
    }
    s->domains = v;
    if (!(v[s->n] = strndup(dom, dl))) {
        st = LX_E_NOMEM;
        goto done;
    }
    lower(v[s->n++]);
done:
    lx_strbuf_reset(plain);
    lx_strbuf_reset(angle);
    return st;
}

/*
 * Reads one From field's value (RFC 5322 3.4: a mailbox list, with
 * groups, comments, quoted strings and obsolete routes) for the domain of
 * each address: the angle-address when there is one, else the addr-spec.
 * Quoted strings and comments never give a domain, so a display name such
 * as "ceo@victim.example" <x@attacker.example> is read as attacker.example.
 * A mailbox with two angle-addresses, or with no '@' or two, is unreadable:
 * mail readers disagree on what it shows.
 */
static lx_status sender_parse(sender *s, const char *v, size_t len)
{
    lx_strbuf plain, angle;
    lx_strbuf_init(&plain);
    lx_strbuf_init(&angle);
    int comment = 0, angles = 0;
    bool quote = false, in_angle = false;
    lx_status st = LX_OK;
    for (size_t i = 0; i < len && !st; i++) {
        char c = v[i];
        lx_strbuf *cur = in_angle ? &angle : &plain;
        if (comment) {
            if (c == '\\')
                i++;
            else if (c == '(')
                comment++;
            else if (c == ')')
                comment--;
            continue;
        }
        if (quote) {
            if (c == '\\')
                i++;
            else if (c == '"')
                quote = false;
            continue;
        }
        switch (c) {
        case '(': comment = 1; break;
        case '"':
            quote = true;
            st = lx_strbuf_addch(cur, 'q'); /* a quoted local part is not empty */
            break;
        case '<':
            in_angle = true;
            angles++;
            lx_strbuf_reset(&angle);
            break;
        case '>': in_angle = false; break;
        case ',':
            if (!in_angle) { /* inside: an obsolete route, dropped at its ':' */
                st = sender_mailbox(s, &plain, &angle, angles);
                angles = 0;
            }
            break;
        case ':':
            if (in_angle)
                lx_strbuf_reset(&angle); /* the end of an obsolete route */
            else
                lx_strbuf_reset(&plain); /* a group's name */
            break;
        case ';':
            if (!in_angle) {
                st = sender_mailbox(s, &plain, &angle, angles);
                angles = 0;
            }
            break;
        case ' ':
        case '\t':
        case '\r':
        case '\n': break;
        default: st = lx_strbuf_addch(cur, c); break;
        }
    }
    if (!st)
        st = sender_mailbox(s, &plain, &angle, angles);
    lx_strbuf_release(&plain);
    lx_strbuf_release(&angle);
    return st;
}

lx_status lx_dkim_parse_from(const char *value, size_t len, lx_strbuf *out)
{
    sender s;
    memset(&s, 0, sizeof s);
    lx_status st = sender_parse(&s, value, len);
    for (size_t i = 0; i < s.n && !st; i++)
        st = lx_strbuf_addf(out, "%s\n", s.domains[i]);
    if (!st && s.unreadable)
        st = lx_strbuf_addstr(out, "?\n");
    sender_release(&s);
    return st;
}

static lx_status sender_read(sender *s, const parsed *p)
{
    memset(s, 0, sizeof *s);
    lx_status st = LX_OK;
    for (size_t i = 0; i < p->n && !st; i++) {
        if (!field_is(&p->f[i], "From"))
            continue;
        s->fields++;
        const field *f = &p->f[i];
        st = sender_parse(s, f->start + f->name_len + 1, f->len - f->name_len - 1);
    }
    return st;
}

/* True when domain d may speak for the sender: every From address, and the
 * address leakdex shows (shown_from, when given), have d's organizational
 * domain (DMARC relaxed alignment, RFC 7489 3.1.1). */
static bool sender_aligned(const sender *s, const char *shown_from, const char *d)
{
    if (s->unreadable || s->n == 0 || !*d)
        return false;
    for (size_t i = 0; i < s->n; i++)
        if (!lx_orgdomain_aligned(s->domains[i], d))
            return false;
    if (shown_from) {
        const char *at = strrchr(shown_from, '@');
        if (!at || !at[1] || !lx_orgdomain_aligned(at + 1, d))
            return false;
    }
    return true;
}

/* ---- the verdict -------------------------------------------------------- */

const char *lx_dkim_form_name(lx_dkim_form f)
{
    switch (f) {
    case LX_DKIM_FORM_ONE: return "";
    case LX_DKIM_FORM_UNQUOTED: return "unquoted";
    case LX_DKIM_FORM_STORED: return "stored";
    }
    return "";
}

int lx_dkim_verified_level(const lx_dkim_verdict *v)
{
    if (v->verified == LX_VERIFIED_YES)
        return 1;
    if (v->verified == LX_VERIFIED_PARTIAL)
        return v->chosen >= 0 && v->sigs[v->chosen].aligned ? 2 : 3;
    return 0;
}

/* What a passing signature leaves a reader unable to rely on, in plain
 * words, "; "-separated; nothing when it verifies the message. */
static lx_status shortfalls(lx_strbuf *o, const lx_dkim_sig *g, const sender *s)
{
    lx_status st = LX_OK;
#define SAY(...)                                                                                   \
    do {                                                                                           \
        if (!st && o->len)                                                                         \
            st = lx_strbuf_addstr(o, "; ");                                                        \
        if (!st)                                                                                   \
            st = lx_strbuf_addf(o, __VA_ARGS__);                                                   \
    } while (0)
    if (!g->aligned) {
        if (s->fields == 0 || (s->n == 0 && !s->unreadable))
            SAY("the message has no From address");
        else if (s->unreadable)
            SAY("the sender's address could not be read");
        else
            SAY("signed by %s, not the sender's domain", g->domain);
    }
    static const struct {
        unsigned bit;
        const char *name;
    } must[] = {{LX_DKIM_H_FROM, "From"}, {LX_DKIM_H_SUBJECT, "Subject"}, {LX_DKIM_H_DATE, "Date"}};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        if (!(g->unsigned_headers & must[i].bit))
            continue;
        if (g->signed_headers & must[i].bit)
            SAY("an unsigned %s was added", must[i].name);
        else
            SAY("the %s shown was not signed", must[i].name);
    }
    if (g->unsigned_text)
        SAY("%llu byte%s after the signed part %s added", (unsigned long long)g->unsigned_bytes,
            g->unsigned_bytes == 1 ? "" : "s", g->unsigned_bytes == 1 ? "was" : "were");
#undef SAY
    return st;
}

/* Decides what the passing signatures verify: the first that verifies the
 * whole message, else the first aligned with the sender, else the first. */
static lx_status decide(lx_dkim_verdict *out, const sender *s, const char *shown_from)
{
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_status st = LX_OK;
    int full = -1, aligned = -1, any = -1;
    for (size_t i = 0; i < out->n && !st; i++) {
        lx_dkim_sig *g = &out->sigs[i];
        if (g->result != LX_VERDICT_PASS)
            continue;
        g->aligned = sender_aligned(s, shown_from, g->domain);
        lx_strbuf_reset(&why);
        st = shortfalls(&why, g, s);
        if (full < 0 && why.len == 0)
            full = (int)i;
        if (aligned < 0 && g->aligned)
            aligned = (int)i;
        if (any < 0)
            any = (int)i;
    }
    out->chosen = full >= 0 ? full : aligned >= 0 ? aligned : any;
    out->verified = full >= 0 ? LX_VERIFIED_YES : any >= 0 ? LX_VERIFIED_PARTIAL : LX_VERIFIED_NO;
    lx_strbuf_reset(&why);
    if (!st && out->verified == LX_VERIFIED_PARTIAL)
        st = shortfalls(&why, &out->sigs[out->chosen], s);
    if (!st && !(out->verified_reason = strdup(why.len ? why.buf : "")))
        st = LX_E_NOMEM;
    lx_strbuf_release(&why);
    return st;
}

bool lx_dkim_signed_part(const lx_dkim_verdict *v, const lx_dkim_input *in, const char **msg,
                         size_t *len)
{
    if (v->chosen < 0 || !v->sigs[v->chosen].unsigned_text)
        return false;
    const lx_dkim_sig *g = &v->sigs[v->chosen];
    bool stored = g->form == LX_DKIM_FORM_STORED && in->stored;
    *msg = stored ? in->stored : in->msg;
    *len = g->signed_end <= (stored ? in->stored_len : in->len) ? g->signed_end : 0;
    return *len > 0;
}

lx_status lx_dkim_verify_message(const lx_keystore *ks, const lx_dkim_input *in,
                                 lx_dkim_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->chosen = -1;
    out->signed_text = LX_DKIM_ALL_TEXT;
    parsed p, alt;
    memset(&alt, 0, sizeof alt);
    sender s;
    memset(&s, 0, sizeof s);
    bool two_forms =
        in->stored && (in->stored_len != in->len || memcmp(in->stored, in->msg, in->len) != 0);
    lx_status st = split_message(in->msg, in->len, &p);
    if (!st && two_forms)
        st = split_message(in->stored, in->stored_len, &alt);
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
        st = verify_one(ks, &p, two_forms ? &alt : NULL, i, &out->sigs[out->n]);
        out->n++;
    }
    /* The best result wins: pass, then fail, nokey, invalid. */
    out->verdict = LX_VERDICT_NONE;
    for (size_t i = 0; i < out->n; i++) {
        lx_verdict r = out->sigs[i].result;
        if (out->verdict == LX_VERDICT_NONE || r < out->verdict)
            out->verdict = r;
    }
    if (!st)
        st = sender_read(&s, &p);
    if (!st)
        st = decide(out, &s, in->shown_from);
    sender_release(&s);
    free(p.f);
    free(alt.f);
    if (st)
        lx_dkim_verdict_release(out);
    return st;
}

lx_status lx_dkim_verify(const lx_keystore *ks, const char *msg, size_t len, lx_dkim_verdict *out)
{
    lx_dkim_input in = {msg, len, NULL, 0, NULL};
    return lx_dkim_verify_message(ks, &in, out);
}
