/* dkim.c - RFC 6376 DKIM verification on OpenSSL 3, against the keys of a key store. */
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
#include "dkimtags.h"
#include "grow.h"
#include "orgdomain.h"
#include "escape.h"
#include "banned.h"

/* RSA keys shorter than this have been factored in public: a signature by
 * one proves little, so it is flagged wherever it is shown. */
#define WEAK_RSA_BITS 1024

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

/* The offset of the first CRLF in b[pos..len), len when there is none. */
static size_t next_crlf(const char *b, size_t pos, size_t len)
{
    for (size_t k = pos; k + 1 < len; k++)
        if (b[k] == '\r' && b[k + 1] == '\n')
            return k;
    return len;
}

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
            size_t crlf = next_crlf(m, e, len);
            e = crlf < len ? crlf + 2 : len;
            if (e < len && (m[e] == ' ' || m[e] == '\t'))
                continue; /* folded */
            break;
        }
        if (!lx_grow((void **)&p->f, &alloc, p->n + 1, sizeof *p->f))
            return LX_E_NOMEM;
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
        size_t e = next_crlf(b, pos, len);
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
        pos = e < len ? e + 2 : len;
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
        while (i < len && lx_dkimtags_is_wsp(s[i]))
            i++;
        size_t n0 = i;
        while (i < len && lx_dkimtags_is_alnumpunc(s[i]))
            i++;
        bool is_b = i - n0 == 1 && s[n0] == 'b';
        while (i < len && lx_dkimtags_is_wsp(s[i]))
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

/* Decodes a dkim-quoted-printable value (RFC 6376 2.11), as i= is
 * written: "=XX" is the octet XX, folding white space is dropped. False on
 * an "=" not followed by two hex digits. */
static bool qp_decode(const char *s, lx_strbuf *out)
{
    for (const char *c = s; *c; c++) {
        if (lx_dkimtags_is_wsp(*c))
            continue;
        if (*c == '=') {
            int hi = lx_hex_value(c[1]), lo = hi < 0 ? -1 : lx_hex_value(c[2]);
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

static int verify_crypto(const lx_key *k, bool ed, const EVP_MD *md, const lx_strbuf *data,
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
        size_t e = next_crlf(b, pos, len);
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
        pos = e < len ? e + 2 : len;
    }
    return pos;
}

/* One signature being verified: what its steps share. A step that decides
 * the verdict sets sig->reason (set_reason); the next steps are skipped. */
typedef struct check {
    const parsed *p, *alt; /* the message, and its stored form (NULL: one form) */
    size_t fi;             /* the DKIM-Signature field among p's */
    lx_dkim_sig *sig;
    lx_dkimtags t;
    lx_strbuf name; /* SELECTOR._domainkey.DOMAIN */
    lx_strbuf bsig, bh, data;
    bool ed, hrelaxed, brelaxed;
    const EVP_MD *md;
    const char *h;   /* h= */
    int64_t length;  /* l=, -1 when absent */
    const char *idn; /* i= decoded, NULL when absent */
    body_hash body, stored;
    const body_hash *used_body; /* the form whose hash matched (body when none) */
    const char *body_start;
    size_t body_len;
    bool body_ok;
    bool *used; /* the fields the header hash covers */
} check;

/* Reads the signature's tags into sig (domain, selector, algorithm,
 * identity, canonicalization); a tag list that cannot be read is invalid. */
static lx_status read_tags(check *c)
{
    lx_dkim_sig *sig = c->sig;
    const field *f = &c->p->f[c->fi];
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_status st =
        lx_dkimtags_parse(f->start + f->name_len + 1, f->len - f->name_len - 1, &c->t, &why, false);
    if (st == LX_E_NOMEM)
        goto out;
    const lx_dkimtags *t = &c->t;
    sig->domain = dup_or_empty(st ? NULL : lx_dkimtags_get(t, "d"));
    sig->selector = dup_or_empty(st ? NULL : lx_dkimtags_get(t, "s"));
    sig->algorithm = dup_or_empty(st ? NULL : lx_dkimtags_get(t, "a"));
    sig->identity = dup_or_empty(st ? NULL : lx_dkimtags_get(t, "i"));
    const char *cn = st ? NULL : lx_dkimtags_get(t, "c");
    lx_strbuf_addf(&c->name, "%s%s", cn ? cn : "simple", cn && strchr(cn, '/') ? "" : "/simple");
    sig->canon = strdup(c->name.buf);
    sig->key_source = strdup("");
    if (!sig->domain || !sig->selector || !sig->algorithm || !sig->identity || !sig->canon ||
        !sig->key_source) {
        st = LX_E_NOMEM;
        goto out;
    }
    lx_dkimtags_lower(sig->domain);
    lx_dkimtags_lower(sig->canon);
    if (st)
        st = set_reason(sig, LX_VERDICT_INVALID, "malformed signature: %s", why.buf);
out:
    lx_strbuf_release(&why);
    return st;
}

/* True when the colon-separated list s names item (as q= and h= are
 * written: white space and empty items allowed). */
static bool list_has(const char *s, const char *item, bool nocase)
{
    size_t n = strlen(item);
    for (const char *k = s; *k;) {
        while (*k && (lx_dkimtags_is_wsp(*k) || *k == ':'))
            k++;
        const char *e = k;
        while (*e && *e != ':' && !lx_dkimtags_is_wsp(*e))
            e++;
        if ((size_t)(e - k) == n && (nocase ? strncasecmp(k, item, n) : memcmp(k, item, n)) == 0)
            return true;
        k = e;
    }
    return false;
}

/* The tags RFC 6376 requires, their versions, times, query method,
 * algorithm, canonicalization, h= (From must be signed) and l=. */
static lx_status check_tags(check *c)
{
    lx_dkim_sig *sig = c->sig;
    const lx_dkimtags *t = &c->t;
    /* Signatures from the drafts before RFC 4871 carry no v=, or v=0.5:
     * their hashing differs, so they cannot be checked as RFC 6376 ones. */
    const char *v = lx_dkimtags_get(t, "v");
    if (!v || strcmp(v, "0.5") == 0)
        return set_reason(sig, LX_VERDICT_INVALID, "pre-RFC 6376 draft signature");
    if (strcmp(v, "1") != 0)
        return set_reason(sig, LX_VERDICT_INVALID, "unsupported version v=%s", v);
    static const char *const required[] = {"a", "b", "bh", "d", "h", "s", NULL};
    for (size_t i = 0; required[i]; i++)
        if (!lx_dkimtags_get(t, required[i]))
            return set_reason(sig, LX_VERDICT_INVALID, "malformed signature: no %s= tag",
                              required[i]);
    /* t= and x= (RFC 6376 3.5): 1*12DIGIT, and x= not before t=. x= is
     * recorded, never enforced: an archive is verified years later. */
    sig->t = parse_number(lx_dkimtags_get(t, "t"), 12);
    sig->x = parse_number(lx_dkimtags_get(t, "x"), 12);
    if (sig->t == -2 || sig->x == -2) {
        const char *which = sig->t == -2 ? "t" : "x";
        sig->t = sig->t < 0 ? -1 : sig->t;
        sig->x = sig->x < 0 ? -1 : sig->x;
        return set_reason(sig, LX_VERDICT_INVALID, "malformed signature: bad %s= tag", which);
    }
    if (sig->t >= 0 && sig->x >= 0 && sig->x < sig->t)
        return set_reason(sig, LX_VERDICT_INVALID, "x= earlier than t=");
    /* q= (RFC 6376 3.5, 6.1.1): the only query method is dns/txt. */
    const char *q = lx_dkimtags_get(t, "q");
    if (q && !list_has(q, "dns/txt", false))
        return set_reason(sig, LX_VERDICT_INVALID, "unsupported query method q=%s", q);
    const char *a = sig->algorithm;
    c->ed = strcasecmp(a, "ed25519-sha256") == 0;
    sig->sha1 = strcasecmp(a, "rsa-sha1") == 0;
    c->md = sig->sha1 ? EVP_sha1() : EVP_sha256();
    if (!c->ed && !sig->sha1 && strcasecmp(a, "rsa-sha256") != 0)
        return set_reason(sig, LX_VERDICT_INVALID, "unsupported algorithm %s", a);
    char hc[16] = "", bc[16] = "";
    if (sscanf(sig->canon, "%15[^/]/%15s", hc, bc) != 2 ||
        (strcmp(hc, "simple") && strcmp(hc, "relaxed")) ||
        (strcmp(bc, "simple") && strcmp(bc, "relaxed")))
        return set_reason(sig, LX_VERDICT_INVALID, "unsupported canonicalization %s", sig->canon);
    c->hrelaxed = strcmp(hc, "relaxed") == 0;
    c->brelaxed = strcmp(bc, "relaxed") == 0;
    c->h = lx_dkimtags_get(t, "h");
    if (!list_has(c->h, "from", true))
        return set_reason(sig, LX_VERDICT_INVALID, "From is not signed");
    c->length = parse_length(lx_dkimtags_get(t, "l"));
    if (c->length == -2)
        return set_reason(sig, LX_VERDICT_INVALID, "malformed signature: bad l= tag");
    return LX_OK;
}

/* i= is dkim-quoted-printable (RFC 6376 2.11): decoded, it must name d=
 * or a subdomain of it. */
static lx_status check_identity(check *c)
{
    lx_dkim_sig *sig = c->sig;
    if (!*sig->identity)
        return LX_OK;
    lx_strbuf ident;
    lx_strbuf_init(&ident);
    lx_status st = LX_OK;
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
    c->idn = sig->identity;
    if (!identity_within(c->idn, sig->domain, false))
        st = set_reason(sig, LX_VERDICT_INVALID, "i= not within d=");
out:
    lx_strbuf_release(&ident);
    return st;
}

/* The body hash, compared before any key is used: the canonical body, and
 * for a message from an mbox whose ">From " quoting was undone the body as
 * stored, which may be the one that was signed. Then b= decoded. */
static lx_status check_body(check *c)
{
    lx_dkim_sig *sig = c->sig;
    const parsed *p = c->p, *alt = c->alt;
    int64_t length = c->length;
    const EVP_MD *bmd = c->ed ? EVP_sha256() : c->md;
    lx_status st = hash_body(&c->body, c->brelaxed, p->body, p->body_len, length, bmd);
    if (st)
        return st;
    if (length >= 0) {
        sig->has_length = true;
        if ((uint64_t)length <= c->body.canon.len)
            sig->unsigned_bytes = c->body.canon.len - (size_t)length;
    }
    if (!lx_dkimtags_base64(lx_dkimtags_get(&c->t, "bh"), &c->bh) ||
        !lx_dkimtags_base64(lx_dkimtags_get(&c->t, "b"), &c->bsig))
        return set_reason(sig, LX_VERDICT_INVALID, "malformed signature: bad base64");
    const body_hash *b = &c->body, *s = &c->stored;
    c->body_ok = b->len == c->bh.len && memcmp(b->digest, c->bh.buf, b->len) == 0;
    c->body_start = p->body;
    c->body_len = p->body_len;
    c->used_body = b;
    if (alt) {
        if ((st = hash_body(&c->stored, c->brelaxed, alt->body, alt->body_len, length, bmd)))
            return st;
        bool stored_ok = s->len == c->bh.len && memcmp(s->digest, c->bh.buf, s->len) == 0;
        sig->form = c->body_ok || !stored_ok ? LX_DKIM_FORM_UNQUOTED : LX_DKIM_FORM_STORED;
        if (!c->body_ok && stored_ok) {
            c->body_ok = true;
            c->used_body = s;
            c->body_start = alt->body;
            c->body_len = alt->body_len;
            if (length >= 0)
                sig->unsigned_bytes =
                    (uint64_t)length <= s->canon.len ? s->canon.len - (size_t)length : 0;
        }
    }
    if (length >= 0 && (uint64_t)length > c->used_body->canon.len) {
        c->body_ok = false;
        sig->unsigned_bytes = 0;
    }
    return LX_OK;
}

/* The header data hashed: the fields h= names, bottom-up, then this field
 * without b=; and which of the fields a reader is shown it covers. */
static lx_status header_data(check *c)
{
    const parsed *p = c->p;
    const field *f = &p->f[c->fi];
    c->used = calloc(p->n ? p->n : 1, sizeof *c->used);
    if (!c->used)
        return LX_E_NOMEM;
    c->used[c->fi] = true;
    lx_status st = LX_OK;
    for (const char *k = c->h; *k && !st;) {
        while (*k && (lx_dkimtags_is_wsp(*k) || *k == ':'))
            k++;
        const char *e = k;
        while (*e && *e != ':' && !lx_dkimtags_is_wsp(*e))
            e++;
        if (e == k)
            break;
        char hn[128];
        snprintf(hn, sizeof hn, "%.*s", (int)(e - k), k);
        for (size_t j = p->n; j-- > 0;) {
            if (!c->used[j] && field_is(&p->f[j], hn)) {
                c->used[j] = true;
                st = canon_header(&c->data, c->hrelaxed, p->f[j].start, p->f[j].len,
                                  p->f[j].name_len);
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
        st = canon_header(&c->data, c->hrelaxed, self.buf, self.len, f->name_len);
    lx_strbuf_release(&self);
    if (st)
        return st;
    if (c->data.len >= 2 && memcmp(c->data.buf + c->data.len - 2, "\r\n", 2) == 0)
        lx_strbuf_setlen(&c->data, c->data.len - 2);
    for (size_t j = 0; j < p->n; j++) {
        unsigned bit = shown_bit(&p->f[j]);
        if (c->used[j])
            c->sig->signed_headers |= bit;
        else
            c->sig->unsigned_headers |= bit;
    }
    return LX_OK;
}

/* Why key k cannot check this signature, NULL when it can. */
static const char *key_unusable(const check *c, const lx_key *k)
{
    if (k->state == LX_KEY_REVOKED)
        return "key revoked";
    if (k->state == LX_KEY_MALFORMED)
        return "malformed key";
    if (k->ed25519 != c->ed)
        return "key type does not match the algorithm";
    if (*k->hashes && !strstr(k->hashes, c->sig->sha1 ? "sha1" : "sha256"))
        return "hash not allowed by the key record";
    if (!k->email)
        return "key not for e-mail (s= tag)";
    if (k->strict && c->idn && !identity_within(c->idn, c->sig->domain, true))
        return "i= must use d= exactly (key flag t=s)";
    return NULL;
}

/* The signature verified with key k: what it vouches for, or the From
 * field added above the signed one (RFC 6376 8.15) that fails it. */
static lx_status passed(check *c, const lx_key *k)
{
    lx_dkim_sig *sig = c->sig;
    sig->key_record = k->ordinal;
    sig->weak = !c->ed && k->bits < WEAK_RSA_BITS;
    free(sig->key_source);
    if (!(sig->key_source = strdup(k->source)))
        return LX_E_NOMEM;
    /* A From field h= does not cover is what a reader sees first. */
    if (sig->unsigned_headers & LX_DKIM_H_FROM) {
        sig->header_mismatch = true;
        return set_reason(sig, LX_VERDICT_FAIL, "an unsigned From was added");
    }
    if (c->length >= 0) {
        const lx_strbuf *cb = &c->used_body->canon;
        for (size_t i = (size_t)c->length; i < cb->len && !sig->unsigned_text; i++)
            sig->unsigned_text = !lx_dkimtags_is_wsp(cb->buf[i]);
        const char *whole = c->used_body == &c->body ? c->p->start : c->alt->start;
        sig->signed_end = (size_t)(c->body_start - whole) +
                          raw_offset(c->body_start, c->body_len, c->brelaxed, (uint64_t)c->length);
    }
    return set_reason(sig, LX_VERDICT_PASS, "%s", "");
}

/* Every usable record of the selector is tried; the first reason a record
 * is unusable is the one reported if none can be used. */
static lx_status try_keys(check *c, const lx_key *keys, size_t n)
{
    lx_dkim_sig *sig = c->sig;
    const char *unusable = NULL;
    bool tried = false;
    for (size_t i = 0; i < n; i++) {
        const lx_key *k = &keys[i];
        if (k->state == LX_KEY_ABSENT)
            continue;
        const char *bad = key_unusable(c, k);
        if (bad) {
            unusable = unusable ? unusable : bad;
            continue;
        }
        if (!tried) {
            tried = true;
            if (!c->body_ok) {
                sig->body_mismatch = true;
                sig->key_bits = k->bits;
                return c->length >= 0 && (uint64_t)c->length > c->used_body->canon.len
                           ? set_reason(sig, LX_VERDICT_FAIL, "l= longer than the body")
                           : set_reason(sig, LX_VERDICT_FAIL, "body hash mismatch");
            }
        }
        sig->key_bits = k->bits;
        if (verify_crypto(k, c->ed, c->md, &c->data, &c->bsig) == 1)
            return passed(c, k);
    }
    if (!tried)
        return set_reason(sig, LX_VERDICT_INVALID, "%s", unusable);
    sig->header_mismatch = true;
    return set_reason(sig, LX_VERDICT_FAIL, "signature mismatch");
}

/* Verifies the signature in field fi of p (alt: the message as stored,
 * NULL for one form), with the keys of ks, into sig: its tags, its
 * identity, its body hash, a key, the header data, the signature. */
static lx_status verify_one(const lx_keystore *ks, const parsed *p, const parsed *alt, size_t fi,
                            lx_dkim_sig *sig)
{
    check c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.alt = alt;
    c.fi = fi;
    c.sig = sig;
    lx_strbuf_init(&c.name);
    lx_strbuf_init(&c.bsig);
    lx_strbuf_init(&c.bh);
    lx_strbuf_init(&c.data);
    lx_strbuf_init(&c.body.canon);
    lx_strbuf_init(&c.stored.canon);
    sig->t = sig->x = -1;
    lx_status st;
    if ((st = read_tags(&c)) || sig->reason || (st = check_tags(&c)) || sig->reason ||
        (st = check_identity(&c)) || sig->reason)
        goto out;
    lx_strbuf_reset(&c.name);
    lx_strbuf_addf(&c.name, "%s._domainkey.%s", sig->selector, sig->domain);
    lx_dkimtags_lower(c.name.buf);
    size_t n_keys;
    const lx_key *keys = lx_keystore_find(ks, c.name.buf, &n_keys);
    if ((st = check_body(&c)) || sig->reason)
        goto out;
    /* Records without a key are no key (every one of the selector's). */
    size_t with_key = 0;
    while (with_key < n_keys && keys[with_key].state == LX_KEY_ABSENT)
        with_key++;
    if (with_key == n_keys) {
        st = set_reason(sig, LX_VERDICT_NOKEY, "no key for %s", c.name.buf);
        goto out;
    }
    if (!(st = header_data(&c)))
        st = try_keys(&c, keys, n_keys);
out:
    free(c.used);
    lx_dkimtags_release(&c.t);
    lx_strbuf_release(&c.body.canon);
    lx_strbuf_release(&c.stored.canon);
    lx_strbuf_release(&c.data);
    lx_strbuf_release(&c.bsig);
    lx_strbuf_release(&c.bh);
    lx_strbuf_release(&c.name);
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
    size_t n, alloc;
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
    if (!lx_grow((void **)&s->domains, &s->alloc, s->n + 1, sizeof *s->domains)) {
        st = LX_E_NOMEM;
        goto done;
    }
    if (!(s->domains[s->n] = strndup(dom, dl))) {
        st = LX_E_NOMEM;
        goto done;
    }
    lx_dkimtags_lower(s->domains[s->n++]);
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

lx_status lx_dkim_converted(const char *eml, size_t len, lx_dkim_verdict *v)
{
    lx_status st = lx_dkim_verify(NULL, eml, len, v);
    if (st)
        return st;
    v->verdict = LX_VERDICT_NONE;
    v->verified = LX_VERIFIED_NO;
    v->chosen = -1;
    v->signed_text = LX_DKIM_ALL_TEXT;
    free(v->verified_reason);
    v->verified_reason = strdup(LX_CONVERTED_DKIM_REASON);
    for (size_t i = 0; i < v->n && v->verified_reason; i++) {
        lx_dkim_sig *g = &v->sigs[i];
        g->result = LX_VERDICT_UNCHECKED;
        free(g->reason);
        if (!(g->reason = strdup(LX_CONVERTED_DKIM_REASON)))
            return LX_E_NOMEM;
    }
    return v->verified_reason ? LX_OK : LX_E_NOMEM;
}
