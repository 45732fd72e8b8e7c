/* quote.c - chain corroboration: a message's words; the quoted part of a reply. */
#include "quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "grow.h"
#include "textfold.h"
#include "utf8.h"
#include "banned.h"

/* --- small helpers --------------------------------------------------------- */

/* Bytes of the white space character at p (p < end), or 0: ASCII blanks, and
 * the no-break spaces French typography puts before ":" and "?". */
static size_t space_at(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if (c == 0xC2 && end - p >= 2 && (unsigned char)p[1] == 0xA0)
        return 2;
    if (c == 0xE2 && end - p >= 3 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0xAF || (unsigned char)p[2] == 0x87))
        return 3;
    return 0;
}

static void trim(const char **s, size_t *len)
{
    const char *p = *s, *end = *s + *len;
    size_t n;
    while (p < end && (n = space_at(p, end)))
        p += n;
    while (end > p) {
        /* Look back for a space ending at end: 1, 2 or 3 bytes. */
        size_t k = 0;
        for (size_t w = 1; w <= 3 && (size_t)(end - p) >= w; w++)
            if (space_at(end - w, end) == w) {
                k = w;
                break;
            }
        if (!k)
            break;
        end -= k;
    }
    *s = p;
    *len = (size_t)(end - p);
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

lx_status lx_quote_fold(lx_strbuf *out, const char *s, size_t len)
{
    size_t start = out->len;
    lx_status st = lx_textfold_search(out, s, len);
    for (size_t i = start; !st && i < out->len; i++)
        out->buf[i] = lower(out->buf[i]);
    return st;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* --- words ----------------------------------------------------------------- */

void lx_quote_words_init(lx_quote_words *w)
{
    memset(w, 0, sizeof *w);
    lx_strbuf_init(&w->text);
}

void lx_quote_words_release(lx_quote_words *w)
{
    lx_strbuf_release(&w->text);
    free(w->off);
    free(w->hash);
    memset(w, 0, sizeof *w);
}

static lx_status add_word(lx_quote_words *w, const char *s, size_t len)
{
    if (w->n >= LX_CHAIN_MAX_WORDS) {
        w->over = true;
        return LX_OK;
    }
    size_t alloc = w->alloc;
    if (!lx_grow((void **)&w->off, &alloc, w->n + 1, sizeof *w->off))
        return LX_E_NOMEM;
    size_t alloc2 = w->alloc;
    if (!lx_grow((void **)&w->hash, &alloc2, w->n + 1, sizeof *w->hash))
        return LX_E_NOMEM;
    w->alloc = alloc < alloc2 ? alloc : alloc2;
    w->off[w->n] = w->text.len;
    w->hash[w->n] = lx_hash64(s, len);
    lx_status st = lx_strbuf_add(&w->text, s, len);
    if (!st)
        st = lx_strbuf_addch(&w->text, '\0');
    if (!st)
        w->n++;
    return st;
}

static lx_status add_words(lx_quote_words *w, const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    lx_status st = LX_OK;
    while (p < end && !st) {
        size_t n;
        while (p < end && (n = space_at(p, end)))
            p += n;
        const char *b = p;
        while (p < end && !space_at(p, end))
            p++;
        if (p > b)
            st = add_word(w, b, (size_t)(p - b));
    }
    return st;
}

/* --- lines ----------------------------------------------------------------- */

typedef enum line_kind {
    L_BLANK,
    L_TEXT,
    L_SEPARATOR,   /* "-----Original Message-----", "Begin forwarded message:" */
    L_HEADER,      /* a line of a quoted header block */
    L_ATTRIBUTION, /* "On ... wrote:" (perhaps wrapped over several lines) */
} line_kind;

typedef struct line {
    const char *p; /* the content: quote markers stripped, trimmed */
    size_t len;
    unsigned depth; /* quote markers */
    line_kind kind;
    int block; /* the block that starts at this line, or -1 */
} qline;

typedef enum field_kind { F_NONE, F_FROM, F_DATE, F_SUBJECT, F_OTHER } field_kind;

/* The header field a line starts with ("From:", "De :", "Envoyé :"...), and
 * its value. */
static field_kind field_of(const char *s, size_t len, const char **value, size_t *vlen)
{
    static const struct {
        const char *name; /* folded */
        field_kind kind;
    } names[] = {
        {"from", F_FROM},
        {"de", F_FROM},
        {"sent", F_DATE},
        {"envoye", F_DATE},
        {"date", F_DATE},
        {"subject", F_SUBJECT},
        {"objet", F_SUBJECT},
        {"to", F_OTHER},
        {"a", F_OTHER},
        {"cc", F_OTHER},
        {"cci", F_OTHER},
        {"bcc", F_OTHER},
        {"reply-to", F_OTHER},
        {"repondre a", F_OTHER},
        {"importance", F_OTHER},
        {"attachments", F_OTHER},
        {"pieces jointes", F_OTHER},
        {"envoye par", F_OTHER},
    };
    const char *colon = memchr(s, ':', len < 32 ? len : 32);
    if (!colon || colon == s)
        return F_NONE;
    const char *name = s;
    size_t nlen = (size_t)(colon - s);
    trim(&name, &nlen);
    if (!nlen)
        return F_NONE;
    lx_strbuf f;
    lx_strbuf_init(&f);
    field_kind k = F_NONE;
    if (lx_quote_fold(&f, name, nlen) == LX_OK)
        for (size_t i = 0; i < sizeof names / sizeof names[0] && k == F_NONE; i++)
            if (strcmp(f.buf, names[i].name) == 0)
                k = names[i].kind;
    lx_strbuf_release(&f);
    *value = colon + 1;
    *vlen = len - (size_t)(colon + 1 - s);
    trim(value, vlen);
    return k;
}

/* Whether a line is a separator that starts a forwarded or original message. */
static bool is_separator(const char *s, size_t len)
{
    if (len >= 2) {
        size_t i = 0;
        while (i < len && strchr("-_=*~", s[i]))
            i++;
        if (i == len)
            return true; /* a rule, or the "-- " signature mark */
    }
    if (starts_with(s, len, "---") || starts_with(s, len, "___"))
        return true;
    lx_strbuf f;
    lx_strbuf_init(&f);
    bool yes = false;
    /* Folding costs an allocation: only for lines that may match. */
    if (len < 80 && (*s == 'B' || *s == 'b' || *s == 'D' || *s == 'd') &&
        lx_quote_fold(&f, s, len) == LX_OK)
        yes = starts_with(f.buf, f.len, "begin forwarded message") ||
              starts_with(f.buf, f.len, "debut du message reexpedie");
    lx_strbuf_release(&f);
    return yes;
}

/* Whether text (folded) ends with word then a colon, spaces allowed before it. */
static bool ends_with_colon_word(const char *t, size_t len, const char *word)
{
    while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
        len--;
    if (!len || t[len - 1] != ':')
        return false;
    len--;
    size_t n;
    while (len && (n = (t[len - 1] == ' ' ? 1 : 0)))
        len -= n;
    /* A no-break space folds to itself: strip it too. */
    while (len >= 2 && (unsigned char)t[len - 2] == 0xC2 && (unsigned char)t[len - 1] == 0xA0)
        len -= 2;
    while (len && t[len - 1] == ' ')
        len--;
    return ends_with(t, len, word) && (len == strlen(word) || t[len - strlen(word) - 1] == ' ' ||
                                       (unsigned char)t[len - strlen(word) - 1] == 0xA0);
}

/* Whether text is an attribution: "On ... wrote:", "Le ... a écrit :". */
static bool is_attribution(const char *s, size_t len)
{
    if (len < 8 || len > 1024)
        return false;
    lx_strbuf f;
    lx_strbuf_init(&f);
    bool yes = false;
    if (lx_quote_fold(&f, s, len) == LX_OK)
        yes = (starts_with(f.buf, f.len, "on ") && ends_with_colon_word(f.buf, f.len, "wrote")) ||
              (starts_with(f.buf, f.len, "le ") && ends_with_colon_word(f.buf, f.len, "a ecrit"));
    lx_strbuf_release(&f);
    return yes;
}

static bool starts_attribution(const char *s, size_t len)
{
    return len > 3 && (memcmp(s, "On ", 3) == 0 || memcmp(s, "Le ", 3) == 0);
}

/* Splits body into lines: quote depth, trimmed content. */
static lx_status split_lines(const char *body, size_t len, qline **out, size_t *n)
{
    qline *v = NULL;
    size_t cnt = 0, alloc = 0;
    const char *p = body, *end = body + len;
    while (p < end && cnt < LX_CHAIN_MAX_LINES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *c = p;
        unsigned depth = 0;
        for (;;) {
            const char *q = c;
            size_t sl;
            while (q < e && (sl = space_at(q, e)))
                q += sl;
            if (q < e && *q == '>') {
                depth++;
                c = q + 1;
            } else {
                break;
            }
        }
        size_t cl = (size_t)(e - c);
        trim(&c, &cl);
        if (!lx_grow((void **)&v, &alloc, cnt + 1, sizeof *v)) {
            free(v);
            return LX_E_NOMEM;
        }
        v[cnt++] = (qline){c, cl, depth, cl ? L_TEXT : L_BLANK, -1};
        p = nl ? nl + 1 : end;
    }
    *out = v;
    *n = cnt;
    return LX_OK;
}

static char *dup_value(const char *s, size_t len)
{
    len = lx_utf8_cut(s, len, 400);
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < len; i++)
        d[i] = s[i] == '\t' || s[i] == '\r' || s[i] == '\n' ? ' ' : s[i];
    d[len] = '\0';
    return d;
}

/* A block found while classifying, before it has a word position. */
typedef struct pending {
    lx_quote_block *v;
    size_t n, alloc;
} pending;

static void pending_release(pending *pb)
{
    for (size_t i = 0; i < pb->n; i++) {
        free(pb->v[i].from);
        free(pb->v[i].date);
        free(pb->v[i].subject);
    }
    free(pb->v);
}

static lx_status pending_add(pending *pb, bool attribution, const char *from, size_t flen,
                             const char *date, size_t dlen, const char *subj, size_t slen,
                             int *index)
{
    *index = -1;
    if (pb->n >= LX_CHAIN_MAX_BLOCKS)
        return LX_OK;
    if (!lx_grow((void **)&pb->v, &pb->alloc, pb->n + 1, sizeof *pb->v))
        return LX_E_NOMEM;
    lx_quote_block *b = &pb->v[pb->n];
    b->pos = 0;
    b->attribution = attribution;
    b->from = dup_value(from, flen);
    b->date = dup_value(date, dlen);
    b->subject = dup_value(subj, slen);
    if (!b->from || !b->date || !b->subject) {
        free(b->from);
        free(b->date);
        free(b->subject);
        return LX_E_NOMEM;
    }
    *index = (int)pb->n++;
    return LX_OK;
}

/* Marks separators, header blocks and attributions; collects the blocks. */
static lx_status classify(qline *ls, size_t n, pending *pb)
{
    lx_status st = LX_OK;
    lx_strbuf joined;
    lx_strbuf_init(&joined);
    for (size_t i = 0; i < n && !st; i++) {
        qline *l = &ls[i];
        if (l->kind != L_TEXT)
            continue;
        if (is_separator(l->p, l->len)) {
            l->kind = L_SEPARATOR;
            continue;
        }
        const char *v;
        size_t vl;
        if (field_of(l->p, l->len, &v, &vl) == F_FROM) {
            /* A header block: From, then Sent/Date and Subject among the
             * header lines that follow (blank lines allowed between). */
            const char *fv = v, *dv = NULL, *sv = NULL;
            size_t fl = vl, dl = 0, sl = 0, last = i;
            for (size_t j = i + 1; j < n && j < i + 16 && ls[j].depth == l->depth; j++) {
                if (ls[j].kind == L_BLANK)
                    continue;
                if (ls[j].kind != L_TEXT)
                    break;
                field_kind k = field_of(ls[j].p, ls[j].len, &v, &vl);
                if (k == F_NONE || k == F_FROM)
                    break;
                if (k == F_DATE && !dv) {
                    dv = v;
                    dl = vl;
                } else if (k == F_SUBJECT && !sv) {
                    sv = v;
                    sl = vl;
                }
                last = j;
            }
            if (dv && sv) {
                for (size_t j = i; j <= last; j++)
                    if (ls[j].kind == L_TEXT)
                        ls[j].kind = L_HEADER;
                st = pending_add(pb, false, fv, fl, dv, dl, sv, sl, &l->block);
                i = last;
            }
            continue;
        }
        if (starts_attribution(l->p, l->len)) {
            /* Clients wrap long attributions over two or three lines. */
            lx_strbuf_reset(&joined);
            size_t j = i;
            for (; j < n && j < i + 3 && ls[j].depth == l->depth && ls[j].kind == L_TEXT && !st;
                 j++) {
                if (j > i)
                    st = lx_strbuf_addch(&joined, ' ');
                if (!st)
                    st = lx_strbuf_add(&joined, ls[j].p, ls[j].len);
                if (!st && is_attribution(joined.buf, joined.len))
                    break;
            }
            if (!st && j < n && j < i + 3 && is_attribution(joined.buf, joined.len)) {
                for (size_t k = i; k <= j; k++)
                    ls[k].kind = L_ATTRIBUTION;
                st = pending_add(pb, true, joined.buf, joined.len, joined.buf, joined.len, "", 0,
                                 &l->block);
                i = j;
            }
        }
    }
    lx_strbuf_release(&joined);
    return st;
}

/* The first line after i that is neither blank nor part of the same
 * attribution, or n. */
static size_t next_nonblank(const qline *ls, size_t n, size_t i)
{
    for (size_t j = i + 1; j < n; j++)
        if (ls[j].kind != L_BLANK && !(ls[j].kind == L_ATTRIBUTION && ls[j].block < 0))
            return j;
    return n;
}

static lx_status walk(const char *body, size_t len, bool html, lx_quote_words *w, lx_quote *q)
{
    qline *ls = NULL;
    size_t n = 0;
    pending pb;
    memset(&pb, 0, sizeof pb);
    lx_status st = split_lines(body, len, &ls, &n);
    if (!st)
        st = classify(ls, n, &pb);
    bool below = false, was_quoted = false;
    for (size_t i = 0; i < n && !st; i++) {
        const qline *l = &ls[i];
        if (l->kind == L_BLANK)
            continue;
        if (!q) { /* the whole text */
            if (l->kind == L_TEXT)
                st = add_words(w, l->p, l->len);
            continue;
        }
        bool quoted = below || l->depth > 0;
        if (l->depth == 0 && !below) {
            if (l->kind == L_SEPARATOR || l->kind == L_HEADER)
                below = quoted = true;
            else if (l->kind == L_ATTRIBUTION && l->block >= 0 && html)
                below = true;
        }
        if (quoted && !was_quoted) {
            if (!lx_grow((void **)&q->starts, &q->alloc_starts, q->n_starts + 1,
                         sizeof *q->starts)) {
                st = LX_E_NOMEM;
                break;
            }
            q->starts[q->n_starts++] = w->n;
        }
        if (l->block >= 0) {
            /* An attribution in the reply's own text counts when quoted
             * lines follow it (or, from HTML, everything below). */
            bool keep = quoted || html ||
                        (l->kind == L_ATTRIBUTION && next_nonblank(ls, n, i) < n &&
                         ls[next_nonblank(ls, n, i)].depth > 0);
            if (keep) {
                if (!lx_grow((void **)&q->blocks, &q->alloc_blocks, q->n_blocks + 1,
                             sizeof *q->blocks)) {
                    st = LX_E_NOMEM;
                    break;
                }
                lx_quote_block *b = &q->blocks[q->n_blocks++];
                *b = pb.v[l->block];
                b->pos = w->n;
                pb.v[l->block].from = pb.v[l->block].date = pb.v[l->block].subject = NULL;
            }
        }
        was_quoted = quoted;
        if (quoted && l->kind == L_TEXT)
            st = add_words(w, l->p, l->len);
    }
    pending_release(&pb);
    free(ls);
    return st;
}

lx_status lx_quote_text(const char *body, size_t len, lx_quote_words *w)
{
    return walk(body, len, false, w, NULL);
}

void lx_quote_init(lx_quote *q)
{
    memset(q, 0, sizeof *q);
    lx_quote_words_init(&q->words);
}

void lx_quote_release(lx_quote *q)
{
    lx_quote_words_release(&q->words);
    for (size_t i = 0; i < q->n_blocks; i++) {
        free(q->blocks[i].from);
        free(q->blocks[i].date);
        free(q->blocks[i].subject);
    }
    free(q->blocks);
    free(q->starts);
    memset(q, 0, sizeof *q);
}

lx_status lx_quote_parse(const char *body, size_t len, bool html, lx_quote *q)
{
    return walk(body, len, html, &q->words, q);
}
