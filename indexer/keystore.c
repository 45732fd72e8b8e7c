/* keystore.c - DKIM key records: read from key files, asked of DNS (--dns), looked up by name. */
#include "keystore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "date.h"
#include "dkimtags.h"
#include "dns.h"
#include "grow.h"
#include "banned.h"

struct lx_keystore {
    lx_key *v;
    size_t n, alloc;
    size_t next_seq; /* load order of the next record */
    /* --dns: where the records found are appended, the names asked this
     * run (each followed by '\n'), the date of the source note. */
    FILE *dns_out;
    lx_strbuf dns_tried;
    char today[16];
};

lx_keystore *lx_keystore_new(void)
{
    lx_keystore *ks = calloc(1, sizeof(lx_keystore));
    if (ks)
        lx_strbuf_init(&ks->dns_tried);
    return ks;
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
    lx_strbuf_release(&ks->dns_tried);
    if (ks->dns_out)
        fclose(ks->dns_out);
    free(ks);
}

size_t lx_keystore_count(const lx_keystore *ks)
{
    return ks ? ks->n : 0;
}

/* Reads a record's tags into k; a record leakdex cannot use is kept with
 * its state, so the verdict can say why. */
static lx_status key_parse(lx_key *k, const char *txt)
{
    lx_dkimtags t;
    lx_strbuf why, raw;
    lx_strbuf_init(&why);
    lx_strbuf_init(&raw);
    k->state = LX_KEY_MALFORMED;
    k->email = true;
    lx_status st = lx_dkimtags_parse(txt, strlen(txt), &t, &why, true);
    lx_strbuf_release(&why);
    if (st == LX_E_NOMEM)
        return st;
    if (st)
        return LX_OK;
    const char *v = lx_dkimtags_get(&t, "v"), *kk = lx_dkimtags_get(&t, "k"),
               *h = lx_dkimtags_get(&t, "h");
    const char *p = lx_dkimtags_get(&t, "p"), *s = lx_dkimtags_get(&t, "s"),
               *fl = lx_dkimtags_get(&t, "t");
    if (!p) {
        k->state = LX_KEY_ABSENT;
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
    lx_dkimtags_lower(k->hashes);
    if (s && !strstr(s, "*") && !strstr(s, "email"))
        k->email = false;
    if (fl) {
        for (const char *c = fl; *c; c++)
            if (*c == 's' && (c == fl || c[-1] == ':' || lx_dkimtags_is_wsp(c[-1])) &&
                (!c[1] || c[1] == ':' || lx_dkimtags_is_wsp(c[1])))
                k->strict = true;
    }
    bool blank = true;
    for (const char *c = p; *c; c++)
        blank = blank && lx_dkimtags_is_wsp(*c);
    if (blank) {
        k->state = LX_KEY_REVOKED;
        goto out;
    }
    if (!lx_dkimtags_base64(p, &raw))
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
        k->state = LX_KEY_OK;
    }
out:
    lx_strbuf_release(&raw);
    lx_dkimtags_release(&t);
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
    lx_dkimtags_lower(name);
    size_t nl = strlen(name);
    if (nl && name[nl - 1] == '.')
        name[nl - 1] = '\0';
    if (!lx_grow((void **)&ks->v, &ks->alloc, ks->n + 1, sizeof *ks->v)) {
        free(name);
        return LX_E_NOMEM;
    }
    lx_key *k = &ks->v[ks->n];
    memset(k, 0, sizeof *k);
    k->name = name;
    k->seq = ks->next_seq++;
    k->source = strdup(src ? src : "");
    ks->n++;
    return k->source ? key_parse(k, txt) : LX_E_NOMEM;
}

static int key_cmp(const void *a, const void *b);

/* Sorted by name, file order kept within a name, numbered 1.. per name. */
static void key_sort(lx_keystore *ks)
{
    if (ks->n == 0)
        return; /* qsort's base must not be NULL */
    qsort(ks->v, ks->n, sizeof *ks->v, key_cmp);
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

static int key_cmp(const void *a, const void *b)
{
    const lx_key *x = a, *y = b;
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
        while (n > 0 && lx_dkimtags_is_wsp(line[n - 1]))
            n--;
        size_t i = 0;
        while (i < n && lx_dkimtags_is_wsp(line[i]))
            i++;
        if (i == n || line[i] == '#')
            continue;
        size_t name0 = i;
        while (i < n && !lx_dkimtags_is_wsp(line[i]))
            i++;
        char *name = strndup(line + name0, i - name0);
        if (!name) {
            st = LX_E_NOMEM;
            break;
        }
        lx_dkimtags_lower(name);
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
            while (lx_dkimtags_is_wsp(*c))
                c++;
            if (strncasecmp(c, "source:", 7) == 0) {
                c += 7;
                while (lx_dkimtags_is_wsp(*c))
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

const lx_key *lx_keystore_find(const lx_keystore *ks, const char *name, size_t *n)
{
    *n = 0;
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
    if (lo == ks->n || strcmp(ks->v[lo].name, name) != 0)
        return NULL;
    while (lo + *n < ks->n && strcmp(ks->v[lo + *n].name, name) == 0)
        (*n)++;
    return &ks->v[lo];
}

lx_status lx_keystore_dns_open(lx_keystore *ks, const char *path, const char **why)
{
    /* Appended to (records found on earlier runs stay), never through a
     * link, and only when it is a regular file. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    struct stat sb;
    *why = fd < 0 && errno == ELOOP ? "a symbolic link; it is never followed"
           : fd < 0                 ? strerror(errno)
           : fstat(fd, &sb) != 0    ? strerror(errno)
           : !S_ISREG(sb.st_mode)   ? "not a regular file"
                                    : NULL;
    if (!*why && !(ks->dns_out = fdopen(fd, "a")))
        *why = strerror(errno);
    if (*why) {
        if (fd >= 0)
            close(fd);
        return LX_E_IO;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int y, mo, d, h, mi, sec;
    lx_date_to_civil(now.tv_sec, &y, &mo, &d, &h, &mi, &sec);
    snprintf(ks->today, sizeof ks->today, "%04d-%02d-%02d", y, mo, d);
    return LX_OK;
}

bool lx_keystore_dns_on(const lx_keystore *ks)
{
    return ks->dns_out != NULL;
}

/* Appends a record found in DNS to the --keys-out file: one line, the
 * value as a quoted chunk so '#' and ';' stay in it. */
static void dns_keep(lx_keystore *ks, const char *name, const lx_strbuf *txt, const char *source)
{
    FILE *out = ks->dns_out;
    fprintf(out, "%s \"", name);
    for (size_t k = 0; k < txt->len; k++) {
        char c = txt->buf[k];
        if (c == '"' || c == '\\')
            fputc('\\', out);
        fputc(c == '\n' || c == '\r' ? ' ' : c, out);
    }
    fprintf(out, "\"  # source: %s\n", source);
    fflush(out);
}

/* True (with name gaining its '\n') when name was asked already this run;
 * else it is remembered as asked. */
static bool dns_asked(lx_keystore *ks, lx_strbuf *name)
{
    const char *hay = ks->dns_tried.buf;
    for (const char *p = hay; (p = strstr(p, name->buf)); p++)
        if (p == hay || p[-1] == '\n')
            return true;
    lx_strbuf_add(&ks->dns_tried, name->buf, name->len);
    return false;
}

bool lx_keystore_fetch(lx_keystore *ks, const char *selector, const char *domain,
                       lx_keystore_warn_fn warn, void *ctx)
{
    bool added = false;
    lx_strbuf name, txt, why;
    lx_strbuf_init(&name);
    lx_strbuf_init(&txt);
    lx_strbuf_init(&why);
    lx_strbuf_addf(&name, "%s._domainkey.%s\n", selector, domain);
    lx_dkimtags_lower(name.buf);
    if (dns_asked(ks, &name))
        goto out;
    lx_strbuf_setlen(&name, name.len - 1);
    lx_status st = lx_dns_txt(name.buf, &txt, &why);
    if (st == LX_E_NOT_FOUND)
        goto out;
    if (st) {
        warn(ctx, name.buf, why.buf);
        goto out;
    }
    char source[64];
    snprintf(source, sizeof source, "DNS %s", ks->today);
    if (lx_keystore_add(ks, name.buf, txt.buf, source))
        goto out;
    added = true;
    dns_keep(ks, name.buf, &txt, source);
out:
    lx_strbuf_release(&name);
    lx_strbuf_release(&txt);
    lx_strbuf_release(&why);
    return added;
}
