/* corroborate.c - chain corroboration: quotes found, aligned, checked and stored. */
#include "corroborate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "grow.h"
#include "pool.h"
#include "date.h"
#include "record.h"
#include "schema.h"
#include "sha256.h"
#include "textfold.h"
#include "thread.h"
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

/* Appends s[0..len) with accents removed and ASCII letters lowercased. */
static lx_status fold(lx_strbuf *out, const char *s, size_t len)
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

void lx_corroborate_words_init(lx_corroborate_words *w)
{
    memset(w, 0, sizeof *w);
    lx_strbuf_init(&w->text);
}

void lx_corroborate_words_release(lx_corroborate_words *w)
{
    lx_strbuf_release(&w->text);
    free(w->off);
    free(w->hash);
    memset(w, 0, sizeof *w);
}

static lx_status add_word(lx_corroborate_words *w, const char *s, size_t len)
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

static lx_status add_words(lx_corroborate_words *w, const char *s, size_t len)
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

static const char *word_at(const lx_corroborate_words *w, size_t i)
{
    return w->text.buf + w->off[i];
}

static bool word_eq(const lx_corroborate_words *a, size_t i, const lx_corroborate_words *b,
                    size_t j)
{
    return a->hash[i] == b->hash[j] && strcmp(word_at(a, i), word_at(b, j)) == 0;
}

/* A mark that a quote was cut there: words missing from it are allowed. */
static bool is_snip(const char *w)
{
    static const char *const marks[] = {
        "[...]",  "[\xE2\x80\xA6]", "\xE2\x80\xA6",   "...",  "<snip>",
        "[snip]", "(...)",          "(\xE2\x80\xA6)", "[..]", "<...>"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strcmp(w, marks[i]) == 0)
            return true;
    return false;
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
    if (fold(&f, name, nlen) == LX_OK)
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
    if (len < 80 && (*s == 'B' || *s == 'b' || *s == 'D' || *s == 'd') && fold(&f, s, len) == LX_OK)
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
    if (fold(&f, s, len) == LX_OK)
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
    lx_corroborate_block *v;
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
    lx_corroborate_block *b = &pb->v[pb->n];
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

static lx_status walk(const char *body, size_t len, bool html, lx_corroborate_words *w,
                      lx_corroborate_quote *q)
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
                lx_corroborate_block *b = &q->blocks[q->n_blocks++];
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

lx_status lx_corroborate_text(const char *body, size_t len, lx_corroborate_words *w)
{
    return walk(body, len, false, w, NULL);
}

void lx_corroborate_quote_init(lx_corroborate_quote *q)
{
    memset(q, 0, sizeof *q);
    lx_corroborate_words_init(&q->words);
}

void lx_corroborate_quote_release(lx_corroborate_quote *q)
{
    lx_corroborate_words_release(&q->words);
    for (size_t i = 0; i < q->n_blocks; i++) {
        free(q->blocks[i].from);
        free(q->blocks[i].date);
        free(q->blocks[i].subject);
    }
    free(q->blocks);
    free(q->starts);
    memset(q, 0, sizeof *q);
}

lx_status lx_corroborate_quote_parse(const char *body, size_t len, bool html,
                                     lx_corroborate_quote *q)
{
    return walk(body, len, html, &q->words, q);
}

/* --- dates ------------------------------------------------------------------ */

static int month_of(const char *t, size_t len, bool *full)
{
    static const struct {
        const char *name;
        int month;
        bool full;
    } months[] = {
        {"january", 1, true},  {"february", 2, true},  {"march", 3, true},
        {"april", 4, true},    {"may", 5, true},       {"june", 6, true},
        {"july", 7, true},     {"august", 8, true},    {"september", 9, true},
        {"october", 10, true}, {"november", 11, true}, {"december", 12, true},
        {"janvier", 1, true},  {"fevrier", 2, true},   {"mars", 3, true},
        {"avril", 4, true},    {"mai", 5, true},       {"juin", 6, true},
        {"juillet", 7, true},  {"aout", 8, true},      {"septembre", 9, true},
        {"octobre", 10, true}, {"novembre", 11, true}, {"decembre", 12, true},
        {"jan", 1, false},     {"feb", 2, false},      {"mar", 3, false},
        {"apr", 4, false},     {"jun", 6, false},      {"jul", 7, false},
        {"aug", 8, false},     {"sep", 9, false},      {"sept", 9, false},
        {"oct", 10, false},    {"nov", 11, false},     {"dec", 12, false},
        {"janv", 1, false},    {"fevr", 2, false},     {"fev", 2, false},
        {"avr", 4, false},     {"juil", 7, false},
    };
    if (len && t[len - 1] == '.')
        len--;
    for (size_t i = 0; i < sizeof months / sizeof months[0]; i++)
        if (strlen(months[i].name) == len && memcmp(t, months[i].name, len) == 0) {
            *full = months[i].full;
            return months[i].month;
        }
    return 0;
}

static bool all_digits(const char *t, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (t[i] < '0' || t[i] > '9')
            return false;
    return len > 0;
}

static int num(const char *t, size_t len)
{
    int v = 0;
    for (size_t i = 0; i < len && i < 9; i++)
        v = v * 10 + (t[i] - '0');
    return v;
}

/* "+0100", "-05:00", "+01": minutes east of UTC. */
static bool zone_of(const char *t, size_t len, int *minutes)
{
    if (len < 3 || (t[0] != '+' && t[0] != '-'))
        return false;
    int sign = t[0] == '-' ? -1 : 1;
    const char *d = t + 1;
    size_t dl = len - 1;
    int h, m = 0;
    if (dl == 4 && all_digits(d, 4)) {
        h = num(d, 2);
        m = num(d + 2, 2);
    } else if (dl == 5 && d[2] == ':' && all_digits(d, 2) && all_digits(d + 3, 2)) {
        h = num(d, 2);
        m = num(d + 3, 2);
    } else if (dl <= 2 && all_digits(d, dl)) {
        h = num(d, dl);
    } else {
        return false;
    }
    if (h > 14 || m > 59)
        return false;
    *minutes = sign * (h * 60 + m);
    return true;
}

/* "10:30", "10:30:15", "10h30", "10h", with "am"/"pm" glued on or not. */
static bool time_of(const char *t, size_t len, int *h, int *m, int *s, int *ampm)
{
    size_t i = 0;
    while (i < len && i < 2 && t[i] >= '0' && t[i] <= '9')
        i++;
    if (i == 0 || i == len || (t[i] != ':' && t[i] != 'h'))
        return false;
    *h = num(t, i);
    char sep = t[i++];
    *m = *s = 0;
    if (i + 2 <= len && all_digits(t + i, 2)) {
        *m = num(t + i, 2);
        i += 2;
        if (sep == ':' && i + 3 <= len && t[i] == ':' && all_digits(t + i + 1, 2)) {
            *s = num(t + i + 1, 2);
            i += 3;
        }
    } else if (sep == ':') {
        return false;
    }
    if (i < len) {
        if (len - i == 2 && (memcmp(t + i, "am", 2) == 0 || memcmp(t + i, "pm", 2) == 0))
            *ampm = t[i] == 'a' ? 1 : 2;
        else
            return false;
    }
    return *h <= 23 && *m <= 59 && *s <= 60;
}

bool lx_corroborate_parse_date(const char *s, int64_t *t, bool *has_zone, bool *has_time)
{
    *t = 0;
    *has_zone = *has_time = false;
    size_t slen = strnlen(s, 512);
    lx_strbuf f;
    lx_strbuf_init(&f);
    if (fold(&f, s, slen) != LX_OK) {
        lx_strbuf_release(&f);
        return false;
    }
    int year = 0, month = 0, abbr_month = 0, day = 0, h = -1, mi = 0, sec = 0, ampm = 0;
    int zone = 0;
    bool zoned = false;
    const char *p = f.buf, *end = f.buf + f.len;
    while (p < end) {
        while (p < end && strchr(" \t,;()[]", *p))
            p++;
        const char *b = p;
        while (p < end && !strchr(" \t,;()[]", *p))
            p++;
        size_t len = (size_t)(p - b);
        if (!len || memchr(b, '@', len))
            continue;
        int hh, mm, ss, ap = 0;
        bool full;
        int mo;
        if (len == 10 && b[4] == '-' && b[7] == '-' && all_digits(b, 4) && all_digits(b + 5, 2) &&
            all_digits(b + 8, 2)) {
            year = num(b, 4);
            month = num(b + 5, 2);
            day = num(b + 8, 2);
        } else if (len >= 8 && len <= 10 && memchr(b, '/', len)) {
            /* d/m/yyyy or m/d/yyyy: read only when one reading is possible. */
            int a = 0, c = 0, y = 0, k = 0;
            const char *q = b;
            for (; k < 3 && q < p; k++) {
                const char *e = memchr(q, '/', (size_t)(p - q));
                if (!e)
                    e = p;
                if (!all_digits(q, (size_t)(e - q)))
                    break;
                int v = num(q, (size_t)(e - q));
                if (k == 0)
                    a = v;
                else if (k == 1)
                    c = v;
                else
                    y = (e - q) == 4 ? v : 0;
                q = e + 1;
            }
            if (k == 3 && y && a && c) {
                if (a > 12 && c <= 12) {
                    day = a;
                    month = c;
                } else if (c > 12 && a <= 12) {
                    day = c;
                    month = a;
                } else if (a == c) {
                    day = month = a;
                }
                if (month)
                    year = y;
            }
        } else if (time_of(b, len, &hh, &mm, &ss, &ap)) {
            if (h < 0) {
                h = hh;
                mi = mm;
                sec = ss;
                ampm = ap;
            }
        } else if ((len == 2 && (memcmp(b, "am", 2) == 0 || memcmp(b, "pm", 2) == 0)) ||
                   (len == 4 && (memcmp(b, "a.m.", 4) == 0 || memcmp(b, "p.m.", 4) == 0))) {
            if (h >= 0 && !ampm)
                ampm = b[0] == 'a' ? 1 : 2;
        } else if (h >= 0 && !zoned && zone_of(b, len, &zone)) {
            zoned = true;
        } else if (h >= 0 && !zoned && (strncmp(b, "gmt", 3) == 0 || strncmp(b, "utc", 3) == 0) &&
                   (len == 3 || zone_of(b + 3, len - 3, &zone))) {
            zoned = true;
        } else if (len == 4 && all_digits(b, 4)) {
            if (!year)
                year = num(b, 4);
        } else if ((mo = month_of(b, len, &full))) {
            if (full && !month)
                month = mo;
            else if (!full && !abbr_month)
                abbr_month = mo;
        } else {
            /* "7", "07", "1er", "3rd": the day. */
            size_t d = 0;
            while (d < len && d < 2 && b[d] >= '0' && b[d] <= '9')
                d++;
            bool suffix =
                d == len ||
                (len - d == 2 && (memcmp(b + d, "er", 2) == 0 || memcmp(b + d, "st", 2) == 0 ||
                                  memcmp(b + d, "nd", 2) == 0 || memcmp(b + d, "rd", 2) == 0 ||
                                  memcmp(b + d, "th", 2) == 0));
            if (d && suffix && !day && (d == len || d < len)) {
                int v = num(b, d);
                if (v >= 1 && v <= 31)
                    day = v;
            }
        }
    }
    lx_strbuf_release(&f);
    if (!month)
        month = abbr_month;
    if (!year || !month || !day || year < 1970 || year > 2200)
        return false;
    if (h >= 0) {
        if (ampm == 1 && h == 12)
            h = 0;
        else if (ampm == 2 && h < 12)
            h += 12;
        if (ampm && h > 23)
            return false;
    }
    int64_t v =
        lx_date_from_civil(year, month, day, h >= 0 ? h : 0, h >= 0 ? mi : 0, h >= 0 ? sec : 0);
    int y2, m2, d2, x1, x2, x3;
    lx_date_to_civil(v, &y2, &m2, &d2, &x1, &x2, &x3);
    if (y2 != year || m2 != month || d2 != day)
        return false; /* 31 April */
    *has_time = h >= 0;
    *has_zone = zoned && h >= 0;
    *t = *has_zone ? v - (int64_t)zone * 60 : v;
    return true;
}

/* --- alignment ------------------------------------------------------------------ */

enum { KGRAM = 4 };

typedef struct block {
    size_t a, b, len;
} block;

/* Words a[a0..a1) against quote words b[b0..b1). */
typedef struct gap {
    size_t a0, a1, b0, b1;
} gap;

static uint64_t kgram_hash(const lx_corroborate_words *w, size_t i)
{
    uint64_t h = 0x9e3779b97f4a7c15u;
    for (size_t k = 0; k < KGRAM; k++)
        h = (h ^ w->hash[i + k]) * 0xff51afd7ed558ccdu;
    return h;
}

/* Monotone matched blocks of a in b: anchored on 4-word sequences, each
 * extended to its longest, then back into the gap before it. */
static lx_status align(const lx_corroborate_words *a, const lx_corroborate_words *b, block **out,
                       size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (a->n < KGRAM || b->n < KGRAM)
        return LX_OK;
    size_t nk = b->n - KGRAM + 1;
    size_t cap = 16;
    while (cap < nk * 2)
        cap *= 2;
    int32_t *head = malloc(cap * sizeof *head);
    int32_t *next = malloc(nk * sizeof *next);
    uint64_t *kh = malloc(nk * sizeof *kh);
    block *v = NULL;
    size_t nv = 0, alloc = 0;
    lx_status st = LX_OK;
    if (!head || !next || !kh) {
        st = LX_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < cap; i++)
        head[i] = -1;
    for (size_t j = nk; j-- > 0;) { /* ascending chains */
        kh[j] = kgram_hash(b, j);
        size_t slot = (size_t)(kh[j] & (cap - 1));
        next[j] = head[slot];
        head[slot] = (int32_t)j;
    }
    size_t i = 0, bpos = 0;
    while (i + KGRAM <= a->n) {
        uint64_t h = kgram_hash(a, i);
        size_t best_j = 0, best_len = 0;
        int tries = 0;
        for (int32_t j = head[h & (cap - 1)]; j >= 0 && tries < LX_CHAIN_MAX_TRIES;
             j = next[j], tries++) {
            size_t ju = (size_t)j;
            if (ju < bpos || kh[ju] != h)
                continue;
            size_t len = 0;
            while (i + len < a->n && ju + len < b->n && word_eq(a, i + len, b, ju + len))
                len++;
            if (len >= KGRAM && len > best_len) {
                best_len = len;
                best_j = ju;
            }
        }
        if (!best_len) {
            i++;
            continue;
        }
        if (!lx_grow((void **)&v, &alloc, nv + 1, sizeof *v)) {
            st = LX_E_NOMEM;
            goto done;
        }
        v[nv++] = (block){i, best_j, best_len};
        i += best_len;
        bpos = best_j + best_len;
    }
    for (size_t k = 0; k < nv; k++) {
        size_t lo_a = k ? v[k - 1].a + v[k - 1].len : 0;
        size_t lo_b = k ? v[k - 1].b + v[k - 1].len : 0;
        while (v[k].a > lo_a && v[k].b > lo_b && word_eq(a, v[k].a - 1, b, v[k].b - 1)) {
            v[k].a--;
            v[k].b--;
            v[k].len++;
        }
    }
done:
    free(head);
    free(next);
    free(kh);
    if (st)
        free(v);
    else {
        *out = v;
        *n_out = nv;
    }
    return st;
}

/* Words of b[from..to) that are not cut marks. */
static size_t real_words(const lx_corroborate_words *b, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t j = from; j < to; j++)
        n += !is_snip(word_at(b, j));
    return n;
}

/* Appends up to 8 words of w[from..to) to out, between guillemets. */
static void quote_words(char *out, size_t size, const lx_corroborate_words *w, size_t from,
                        size_t to)
{
    size_t len = strlen(out);
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = lx_strbuf_addstr(&sb, "\xC2\xAB");
    for (size_t j = from; j < to && j < from + 8 && !st; j++)
        st = lx_strbuf_addf(&sb, "%s%s", j > from ? " " : "", word_at(w, j));
    if (!st && to > from + 8)
        st = lx_strbuf_addstr(&sb, " \xE2\x80\xA6");
    if (!st)
        st = lx_strbuf_addstr(&sb, "\xC2\xBB");
    if (!st && len + 1 < size) {
        size_t n = lx_utf8_cut(sb.buf, sb.len, size - len - 1);
        memcpy(out + len, sb.buf, n);
        out[len + n] = '\0';
    }
    lx_strbuf_release(&sb);
}

static void append(char *out, size_t size, const char *s)
{
    size_t len = strlen(out);
    if (len + 1 >= size)
        return;
    size_t n = lx_utf8_cut(s, strlen(s), size - len - 1);
    memcpy(out + len, s, n);
    out[len + n] = '\0';
}

/* --- header blocks ------------------------------------------------------------- */

static bool addr_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("._%+-'", c);
}

/* Whether s names address addr (compared without case); *any is set when it
 * holds any address at all. */
static bool names_address(const char *s, const char *addr, bool *any)
{
    *any = false;
    size_t alen = strlen(addr);
    for (const char *at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
        const char *b = at, *e = at + 1;
        while (b > s && addr_char(b[-1]))
            b--;
        while (*e && (addr_char(*e) && *e != '\''))
            e++;
        while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
            e--;
        if (b == at || e == at + 1)
            continue;
        *any = true;
        size_t n = (size_t)(e - b);
        if (n == alen && strncasecmp(b, addr, n) == 0)
            return true;
    }
    return false;
}

/* Whether every word of name (folded, punctuation aside) is a word of s. */
static bool names_person(const char *s, const char *name, bool *checked)
{
    lx_strbuf fs, fn;
    lx_strbuf_init(&fs);
    lx_strbuf_init(&fn);
    *checked = false;
    bool all = true;
    if (fold(&fs, s, strlen(s)) || fold(&fn, name, strlen(name))) {
        all = false;
        goto done;
    }
    for (size_t i = 0; i < fs.len; i++)
        if (strchr(",;:\"'<>()[]", fs.buf[i]))
            fs.buf[i] = ' ';
    const char *delim = " ,;:\"'<>()[]\t";
    const char *p = fn.buf;
    while (*p) {
        p += strspn(p, delim);
        size_t wl = strcspn(p, delim);
        if (!wl)
            break;
        *checked = true;
        bool found = false;
        for (const char *q = fs.buf; !found && *q;) {
            q += strspn(q, " \t");
            size_t ql = strcspn(q, " \t");
            if (!ql)
                break;
            if (ql == wl && memcmp(q, p, wl) == 0)
                found = true;
            q += ql;
        }
        if (!found)
            all = false;
        p += wl;
    }
done:
    lx_strbuf_release(&fs);
    lx_strbuf_release(&fn);
    return all && *checked;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Whether a date read from a quote agrees with the message's UTC date: with
 * a zone, to the minute; without one, to the minute at some offset from UTC
 * between -12:00 and +14:00 in steps of 15 minutes; a day alone, when the
 * message's date falls on it at some such offset. */
static bool date_agrees(int64_t quoted, bool zone, bool time, int64_t utc)
{
    if (!time)
        return utc > quoted - 14 * 3600 - 1 && utc < quoted + 86400 + 12 * 3600;
    int64_t d = floor_div(quoted, 60) - floor_div(utc, 60);
    if (zone)
        return d == 0;
    return d >= -12 * 60 && d <= 14 * 60 && floor_div(d, 15) * 15 == d;
}

static void check_header(const lx_corroborate_block *blk, const lx_corroborate_message *m,
                         lx_corroborate_result *r)
{
    char agreed[64] = "";
    /* Sender: an address must be the message's; without one, its name. */
    bool any = false, checked = false;
    bool from_ok =
        m->from_address && *m->from_address && names_address(blk->from, m->from_address, &any);
    if (!any && m->from_name && *m->from_name)
        from_ok = names_person(blk->from, m->from_name, &checked);
    if (!from_ok && (any || checked)) {
        r->status = LX_CHAIN_MISMATCH;
        snprintf(r->detail, sizeof r->detail, "the quoted header names another sender: \xC2\xAB");
        append(r->detail, sizeof r->detail, blk->from);
        append(r->detail, sizeof r->detail, "\xC2\xBB");
        return;
    }
    append(agreed, sizeof agreed, from_ok ? "from" : "from?");
    int64_t t;
    bool zone, time;
    if (!m->has_date || !lx_corroborate_parse_date(blk->date, &t, &zone, &time)) {
        append(agreed, sizeof agreed, ",date?");
    } else if (date_agrees(t, zone, time, m->date)) {
        append(agreed, sizeof agreed, ",date");
    } else {
        r->status = LX_CHAIN_MISMATCH;
        snprintf(r->detail, sizeof r->detail, "the quoted header gives another date: \xC2\xAB");
        append(r->detail, sizeof r->detail, blk->attribution ? "(attribution) " : "");
        append(r->detail, sizeof r->detail, blk->date);
        append(r->detail, sizeof r->detail, "\xC2\xBB");
        return;
    }
    if (!blk->attribution && *blk->subject) {
        lx_strbuf x, y;
        lx_strbuf_init(&x);
        lx_strbuf_init(&y);
        bool rx, ry;
        bool same = lx_thread_base_subject(&x, blk->subject, &rx) == LX_OK &&
                    lx_thread_base_subject(&y, m->subject ? m->subject : "", &ry) == LX_OK &&
                    x.len == y.len && memcmp(x.buf, y.buf, x.len) == 0;
        lx_strbuf_release(&x);
        lx_strbuf_release(&y);
        if (!same) {
            r->status = LX_CHAIN_MISMATCH;
            snprintf(r->detail, sizeof r->detail,
                     "the quoted header gives another subject: \xC2\xAB");
            append(r->detail, sizeof r->detail, blk->subject);
            append(r->detail, sizeof r->detail, "\xC2\xBB");
            return;
        }
        append(agreed, sizeof agreed, ",subject");
    }
    snprintf(r->detail, sizeof r->detail, "%s", agreed);
}

/* The last boundary (stretch start or block position) at or before pos, and
 * the first one after pos (or n). */
static void boundaries(const lx_corroborate_quote *q, size_t pos, size_t *before, size_t *after)
{
    *before = 0;
    *after = q->words.n;
    for (size_t i = 0; i < q->n_starts; i++) {
        size_t s = q->starts[i];
        if (s <= pos && s > *before)
            *before = s;
        if (s > pos && s < *after)
            *after = s;
    }
    for (size_t i = 0; i < q->n_blocks; i++) {
        size_t s = q->blocks[i].pos;
        if (s <= pos && s > *before)
            *before = s;
        if (s > pos && s < *after)
            *after = s;
    }
}

void lx_corroborate_compare(const lx_corroborate_words *a, const lx_corroborate_message *m,
                            const lx_corroborate_quote *q, unsigned threshold,
                            lx_corroborate_result *r)
{
    memset(r, 0, sizeof *r);
    r->words = a->n;
    const lx_corroborate_words *b = &q->words;
    if (a->over || a->n < LX_CHAIN_MIN_WORDS || b->n < LX_CHAIN_MIN_WORDS)
        return;
    block *v = NULL;
    size_t nv = 0;
    if (align(a, b, &v, &nv) != LX_OK || !nv) {
        free(v);
        return;
    }
    size_t matched = 0;
    for (size_t k = 0; k < nv; k++)
        matched += v[k].len;
    r->matched = matched;
    r->coverage = (unsigned)(matched * 100 / a->n);
    /* Inside the part quoted, a gap with words on both sides is a change, a
     * gap with words in the quote only an addition; words only in the
     * message were left out, which is allowed. At the edges of the stretch
     * of quote it lies in, only a change counts. */
    bool changed = false, added = false;
    size_t first_b = v[0].b, end_b = v[nv - 1].b + v[nv - 1].len;
    size_t end_a = v[nv - 1].a + v[nv - 1].len;
    size_t seg_start, seg_end, unused;
    boundaries(q, first_b, &seg_start, &unused);
    boundaries(q, end_b - 1, &unused, &seg_end);
    gap first = {0, 0, 0, 0};
    bool have_first = false;
    char detail[sizeof r->detail] = "";
    for (size_t k = 0; k <= nv; k++) {
        size_t a0, a1, b0, b1;
        bool edge = k == 0 || k == nv;
        if (k == 0) {
            a0 = 0, a1 = v[0].a, b0 = seg_start, b1 = first_b;
        } else if (k == nv) {
            a0 = end_a, a1 = a->n, b0 = end_b, b1 = seg_end;
        } else {
            a0 = v[k - 1].a + v[k - 1].len, a1 = v[k].a;
            b0 = v[k - 1].b + v[k - 1].len, b1 = v[k].b;
        }
        if (b1 < b0)
            b1 = b0;
        size_t gb = real_words(b, b0, b1);
        /* At an edge, quoted words far more numerous than the words left
         * out are other text sharing the stretch (a quote within the
         * quote whose attribution was not recognized), not a change. */
        bool ch = a1 > a0 && gb > 0 && !(edge && gb > (a1 - a0) + 8);
        bool ad = !edge && a1 == a0 && gb > 0;
        if ((ch || ad) && !have_first) {
            first = (gap){a0, a1, b0, b1};
            have_first = true;
        }
        changed = changed || ch;
        added = added || ad;
    }
    if (changed || added) {
        snprintf(detail, sizeof detail, "%s: ", changed ? "words changed" : "words added");
        if (first.a1 > first.a0) {
            quote_words(detail, sizeof detail, a, first.a0, first.a1);
            append(detail, sizeof detail, " quoted as ");
        }
        quote_words(detail, sizeof detail, b, first.b0, first.b1);
    }
    free(v);
    if (changed || added) {
        /* Only a quote that is clearly of this message says it differs. */
        if (matched >= LX_CHAIN_MIN_WORDS && matched * 2 >= a->n) {
            r->status = LX_CHAIN_MISMATCH;
            snprintf(r->detail, sizeof r->detail, "%s", detail);
        }
        return;
    }
    if (matched < LX_CHAIN_MIN_WORDS || r->coverage < threshold)
        return;
    /* The header block that introduces the stretch quoted, if any. */
    size_t stretch = 0;
    for (size_t i = 0; i < q->n_starts; i++)
        if (q->starts[i] <= first_b && q->starts[i] > stretch)
            stretch = q->starts[i];
    const lx_corroborate_block *blk = NULL;
    for (size_t i = 0; i < q->n_blocks; i++)
        if (q->blocks[i].pos <= first_b && q->blocks[i].pos >= stretch)
            blk = &q->blocks[i];
    r->status = LX_CHAIN_CORROBORATED;
    if (!blk) {
        snprintf(r->detail, sizeof r->detail, "none");
        return;
    }
    check_header(blk, m, r);
}

/* --- the pass ------------------------------------------------------------------- */

/* Slots read, in this order. */
enum { S_DATE, S_LEVEL, S_IDENTITY, S_THREAD, S_CORROBORATION, S_COUNT };

typedef struct cdoc {
    lx_docid id;
    double date; /* NaN when undated */
    int level;   /* lx_dkim_verified_level: 0 no, 1 yes, 2 partial and aligned, 3 partial */
    char sha[LX_SHA256_HEX_LEN + 1];
    char thread[LX_THREAD_HEX + 1];
    uint64_t current; /* hash of its stored corroboration value; 0 when it has none */
    bool fresh;       /* new to this pass (incremental): added, or moved to another thread */
    bool touched;     /* incremental: a finding of this pass concerns it */
} cdoc;

typedef struct finding {
    size_t doc; /* the message, in pass.docs */
    lx_corroborate_status status;
    unsigned coverage;
    char *line; /* its line of the stored value; malloc'd */
} finding;

typedef struct pass {
    cdoc *docs;
    size_t n, alloc;
    finding *found;
    size_t n_found, alloc_found;
    lx_status st;
} pass;

/* One message looked at by the pass (in a worker thread): what it found,
 * merged into the pass in the order the messages were given. */
typedef struct task {
    size_t doc; /* in pass.docs */
    finding *found;
    size_t n_found, alloc_found;
    size_t quoting, pairs;
    lx_status st;
} task;

/* A worker's context: its own handle on the index (Xapian handles are not
 * shared between threads) and the pass, read only while tasks run. */
typedef struct worker {
    lx_db *db;
    const pass *p;
    unsigned threshold;
    bool incremental;
} worker;

static int on_row(void *ctx, const lx_scan_row *row)
{
    pass *p = ctx;
    if (!row) {
        p->n = 0;
        return 0;
    }
    if (!lx_grow((void **)&p->docs, &p->alloc, p->n + 1, sizeof *p->docs)) {
        p->st = LX_E_NOMEM;
        return 1;
    }
    cdoc *d = &p->docs[p->n++];
    memset(d, 0, sizeof *d);
    d->id = row->id;
    d->date = row->nums[S_DATE];
    d->level = row->lens[S_LEVEL] ? (int)row->nums[S_LEVEL] : 0;
    size_t sl = strcspn(row->vals[S_IDENTITY], "\t");
    if (sl > LX_SHA256_HEX_LEN)
        sl = LX_SHA256_HEX_LEN;
    memcpy(d->sha, row->vals[S_IDENTITY], sl);
    size_t tl = row->lens[S_THREAD] < LX_THREAD_HEX ? row->lens[S_THREAD] : LX_THREAD_HEX;
    memcpy(d->thread, row->vals[S_THREAD], tl);
    d->current = row->lens[S_CORROBORATION]
                     ? lx_hash64(row->vals[S_CORROBORATION], row->lens[S_CORROBORATION]) | 1
                     : 0;
    return 0;
}

/* A message whose quotes may corroborate: a passing signature aligned with
 * its sender covers its text (verified, or signed in part by the sender's
 * domain: then only the text that signature covers is read). */
static bool quotes_count(const cdoc *d)
{
    return d->level == 1 || d->level == 2;
}

/* A message that may be corroborated: anything not verified. */
static bool may_be_quoted(const cdoc *d)
{
    return d->level != 1;
}

static const cdoc *doc_by_id(const pass *p, lx_docid id)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->docs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n && p->docs[lo].id == id ? &p->docs[lo] : NULL;
}

static const char *get(const lx_record *r, const char *key)
{
    const char *v = lx_record_get(r, key);
    return v ? v : "";
}

/* The d= of the signature the message is verified by. */
static void pass_signer(const lx_record *r, char *out, size_t size)
{
    snprintf(out, size, "%s", get(r, "verified_signer"));
}

/* The search form of the quote's words (as the index stores free text),
 * distinct, at most LX_CHAIN_LOOKUP_WORDS: what the rarest are picked from. */
static lx_status search_words(const lx_corroborate_words *w, lx_strbuf *terms, size_t *n)
{
    enum { SET = 1024 };
    uint64_t seen[SET];
    memset(seen, 0, sizeof seen);
    lx_strbuf f;
    lx_strbuf_init(&f);
    lx_status st = LX_OK;
    *n = 0;
    for (size_t i = 0; i < w->n && *n < LX_CHAIN_LOOKUP_WORDS && !st; i++) {
        const char *s = word_at(w, i);
        size_t len = strlen(s);
        while (len && strchr(".,;:!?)]}\"'>*", s[len - 1]))
            len--;
        while (len && strchr("([{\"'<*", *s)) {
            s++;
            len--;
        }
        if (len < 3 || len > 64)
            continue;
        lx_strbuf_reset(&f);
        if ((st = fold(&f, s, len)))
            break;
        bool plain = true;
        for (size_t k = 0; k < f.len && plain; k++) {
            unsigned char c = (unsigned char)f.buf[k];
            plain = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        }
        if (!plain)
            continue;
        uint64_t h = lx_hash64(f.buf, f.len) | 1;
        size_t slot = (size_t)(h & (SET - 1));
        while (seen[slot] && seen[slot] != h)
            slot = (slot + 1) & (SET - 1);
        if (seen[slot])
            continue;
        seen[slot] = h;
        st = lx_strbuf_add(terms, f.buf, f.len + 1);
        (*n)++;
    }
    lx_strbuf_release(&f);
    return st;
}

/* Candidates through the index: the documents of thread `thread` (the
 * latest LX_CHAIN_THREAD_CANDIDATES), then those that best match the rarest
 * of `words`; all of them with quotes that count (a passing signature
 * aligned with their sender: the "aligned" verification term) when
 * `verified`, else none of them verified; `self` left out. For a quoting
 * message, its quote's words find the unverified messages it may quote;
 * for an unverified message, its own words find those that may quote it. */
static lx_status candidates(lx_db *db, const char *thread, const lx_corroborate_words *words,
                            bool verified, lx_docid self, lx_docid **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    char aligned_term[24], yes_term[24], thread_term[32];
    snprintf(aligned_term, sizeof aligned_term, "%saligned", lx_schema_prefix(LX_F_VERIFICATION));
    snprintf(yes_term, sizeof yes_term, "%syes", lx_schema_prefix(LX_F_VERIFICATION));
    snprintf(thread_term, sizeof thread_term, "%s%s", lx_schema_prefix(LX_F_THREAD), thread);
    const char *quoting_only[] = {aligned_term};
    const char *not_verified[] = {yes_term};
    const char *in_thread[] = {thread_term, aligned_term};
    lx_docid *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    lx_status st = LX_OK;
    if (*thread) {
        lx_match_opts o = {in_thread,
                           verified ? 2 : 1,
                           NULL,
                           0,
                           0,
                           verified ? NULL : not_verified,
                           verified ? 0 : 1,
                           true,
                           LX_CHAIN_THREAD_CANDIDATES};
        st = lx_db_match(db, &o, &a, &na);
    }
    lx_strbuf terms;
    lx_strbuf_init(&terms);
    size_t nt = 0;
    const char **any = NULL;
    if (!st)
        st = search_words(words, &terms, &nt);
    if (!st && nt) {
        any = malloc(nt * sizeof *any);
        if (!any)
            st = LX_E_NOMEM;
        for (size_t i = 0, off = 0; !st && i < nt; i++) {
            any[i] = terms.buf + off;
            off += strlen(any[i]) + 1;
        }
        lx_match_opts o = {verified ? quoting_only : NULL,
                           verified ? 1 : 0,
                           any,
                           nt,
                           LX_CHAIN_RARE_TERMS,
                           verified ? NULL : not_verified,
                           verified ? 0 : 1,
                           false,
                           LX_CHAIN_TERM_CANDIDATES};
        if (!st)
            st = lx_db_match(db, &o, &b, &nb);
    }
    lx_docid *ids = NULL;
    size_t n = 0;
    if (!st && na + nb) {
        ids = malloc((na + nb) * sizeof *ids);
        if (!ids)
            st = LX_E_NOMEM;
        for (size_t i = 0; !st && i < na + nb; i++) {
            lx_docid id = i < na ? a[i] : b[i - na];
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = ids[k] == id;
            if (!dup && id != self)
                ids[n++] = id;
        }
    }
    free(any);
    lx_strbuf_release(&terms);
    free(a);
    free(b);
    if (st) {
        free(ids);
        return st;
    }
    *out = ids;
    *n_out = n;
    return LX_OK;
}

static lx_status add_finding(task *t, size_t doc, const lx_corroborate_result *r, const cdoc *v,
                             const char *signer)
{
    if (!lx_grow((void **)&t->found, &t->alloc_found, t->n_found + 1, sizeof *t->found))
        return LX_E_NOMEM;
    lx_strbuf line;
    lx_strbuf_init(&line);
    lx_status st;
    if (r->status == LX_CHAIN_CORROBORATED)
        st = lx_strbuf_addf(&line, "corroborated\t%s\t%u\t%s\t%s", v->sha, r->coverage, signer,
                            r->detail);
    else
        st = lx_strbuf_addf(&line, "mismatch\t%s\t%s\t%s", v->sha, signer, r->detail);
    if (st) {
        lx_strbuf_release(&line);
        return st;
    }
    finding *f = &t->found[t->n_found++];
    f->doc = doc;
    f->status = r->status;
    f->coverage = r->coverage;
    f->line = lx_strbuf_detach(&line, NULL);
    return f->line ? LX_OK : LX_E_NOMEM;
}

/* A verified message read for its quoted part. */
typedef struct quoting {
    char *data;
    lx_record rec;
    lx_corroborate_quote q;
    char signer[256];
} quoting;

/* A message read for its words, as one that may be quoted. */
typedef struct quoted {
    char *data;
    lx_record rec;
    lx_corroborate_words a;
    lx_corroborate_message msg;
} quoted;

static lx_status quoting_load(lx_db *db, const cdoc *v, quoting *x)
{
    x->data = NULL;
    lx_record_init(&x->rec);
    lx_corroborate_quote_init(&x->q);
    x->signer[0] = '\0';
    size_t len = 0;
    lx_status st = lx_db_get_data(db, v->id, &x->data, &len);
    if (!st)
        st = lx_record_parse(&x->rec, x->data, len);
    if (!st) {
        /* Only the text the signature covers: what l= leaves unsigned
         * could have been written by anyone. */
        const char *body = get(&x->rec, "body");
        size_t text = strlen(body);
        const char *signed_bytes = lx_record_get(&x->rec, "body_signed_bytes");
        if (signed_bytes && strtoull(signed_bytes, NULL, 10) < text)
            text = (size_t)strtoull(signed_bytes, NULL, 10);
        pass_signer(&x->rec, x->signer, sizeof x->signer);
        st = lx_corroborate_quote_parse(body, text,
                                        strcmp(get(&x->rec, "body_source"), "html") == 0, &x->q);
    }
    return st;
}

static void quoting_release(quoting *x)
{
    lx_corroborate_quote_release(&x->q);
    lx_record_release(&x->rec);
    free(x->data);
}

static lx_status quoted_load(lx_db *db, const cdoc *m, quoted *x)
{
    x->data = NULL;
    lx_record_init(&x->rec);
    lx_corroborate_words_init(&x->a);
    size_t len = 0;
    lx_status st = lx_db_get_data(db, m->id, &x->data, &len);
    if (!st)
        st = lx_record_parse(&x->rec, x->data, len);
    const char *body = get(&x->rec, "body");
    if (!st)
        st = lx_corroborate_text(body, strlen(body), &x->a);
    lx_corroborate_message msg = {get(&x->rec, "from_name"), get(&x->rec, "from_address"),
                                  get(&x->rec, "subject"), !isnan(m->date),
                                  isnan(m->date) ? 0 : (int64_t)m->date};
    x->msg = msg;
    return st;
}

static void quoted_release(quoted *x)
{
    lx_corroborate_words_release(&x->a);
    lx_record_release(&x->rec);
    free(x->data);
}

/* Compares message m (read as x) with the quote of verified message v (read
 * as y); a result is kept as a finding of m. */
static lx_status compare_pair(const pass *p, task *t, const cdoc *m, const quoted *x, const cdoc *v,
                              const quoting *y, unsigned threshold)
{
    lx_corroborate_result r;
    lx_corroborate_compare(&x->a, &x->msg, &y->q, threshold, &r);
    t->pairs++;
    if (r.status == LX_CHAIN_NONE)
        return LX_OK;
    return add_finding(t, (size_t)(m - p->docs), &r, v, y->signer);
}

/* Compares one verified quoting message with the unverified messages it may
 * quote. */
static lx_status quoting_message(lx_db *db, const pass *p, const cdoc *v, unsigned threshold,
                                 task *t)
{
    quoting y;
    lx_docid *ids = NULL;
    size_t n = 0;
    lx_status st = quoting_load(db, v, &y);
    if (st || y.q.words.n < LX_CHAIN_MIN_WORDS)
        goto done;
    t->quoting++;
    if ((st = candidates(db, v->thread, &y.q.words, false, v->id, &ids, &n)))
        goto done;
    for (size_t i = 0; i < n && !st; i++) {
        const cdoc *m = doc_by_id(p, ids[i]);
        if (!m || !may_be_quoted(m))
            continue;
        quoted x;
        st = quoted_load(db, m, &x);
        if (!st)
            st = compare_pair(p, t, m, &x, v, &y, threshold);
        quoted_release(&x);
    }
done:
    free(ids);
    quoting_release(&y);
    return st;
}

/* For an incremental pass: compares a new unverified message with the
 * verified messages of earlier runs that may quote it (the new ones look
 * for what they quote themselves). */
static lx_status quoted_message(lx_db *db, const pass *p, const cdoc *m, unsigned threshold,
                                task *t)
{
    quoted x;
    lx_docid *ids = NULL;
    size_t n = 0;
    lx_status st = quoted_load(db, m, &x);
    if (st || x.a.n < LX_CHAIN_MIN_WORDS)
        goto done;
    if ((st = candidates(db, m->thread, &x.a, true, m->id, &ids, &n)))
        goto done;
    for (size_t i = 0; i < n && !st; i++) {
        const cdoc *v = doc_by_id(p, ids[i]);
        if (!v || !quotes_count(v) || v->fresh)
            continue;
        quoting y;
        st = quoting_load(db, v, &y);
        if (!st && y.q.words.n >= LX_CHAIN_MIN_WORDS)
            st = compare_pair(p, t, m, &x, v, &y, threshold);
        quoting_release(&y);
    }
done:
    free(ids);
    quoted_release(&x);
    return st;
}

static void run_task(void *wctx, void *item)
{
    const worker *w = wctx;
    task *t = item;
    const cdoc *d = &w->p->docs[t->doc];
    /* A message signed in part by its sender's domain both quotes (with
     * its signed text) and may be quoted. */
    if (quotes_count(d))
        t->st = quoting_message(w->db, w->p, d, w->threshold, t);
    if (!t->st && may_be_quoted(d) && w->incremental)
        t->st = quoted_message(w->db, w->p, d, w->threshold, t);
}

/* Takes a task's findings and figures into the pass, and frees it. */
static lx_status merge_task(pass *p, task *t, lx_corroborate_stats *stats)
{
    lx_status st = t->st;
    if (!st && t->n_found &&
        !lx_grow((void **)&p->found, &p->alloc_found, p->n_found + t->n_found, sizeof *p->found))
        st = LX_E_NOMEM;
    if (!st && t->n_found) {
        memcpy(p->found + p->n_found, t->found, t->n_found * sizeof *t->found);
        p->n_found += t->n_found;
        t->n_found = 0;
    }
    for (size_t i = 0; i < t->n_found; i++)
        free(t->found[i].line);
    stats->quoting += t->quoting;
    stats->pairs += t->pairs;
    free(t->found);
    free(t);
    return st;
}

/* Looks at every fresh message, over readers[] in as many threads (none:
 * in this thread, over db), the results merged in message order so that
 * they do not depend on the number of threads. */
static lx_status look(lx_db *db, lx_db *const *readers, unsigned n_readers, pass *p,
                      unsigned threshold, bool incremental, lx_corroborate_stats *stats)
{
    worker *ws = calloc(n_readers ? n_readers : 1, sizeof *ws);
    void **wctx = calloc(n_readers ? n_readers : 1, sizeof *wctx);
    lx_pool *pool = NULL;
    lx_status st = ws && wctx ? LX_OK : LX_E_NOMEM;
    for (unsigned i = 0; !st && i < (n_readers ? n_readers : 1); i++) {
        ws[i] = (worker){n_readers ? readers[i] : db, p, threshold, incremental};
        wctx[i] = &ws[i];
    }
    if (!st && !(pool = lx_pool_new(n_readers, run_task, wctx)))
        st = LX_E_NOMEM;
    size_t window = n_readers ? (size_t)n_readers * 8 : 1;
    for (size_t i = 0; i < p->n && !st; i++) {
        const cdoc *d = &p->docs[i];
        if (!d->fresh || (!quotes_count(d) && !incremental))
            continue;
        task *t = calloc(1, sizeof *t);
        if (!t) {
            st = LX_E_NOMEM;
            break;
        }
        t->doc = i;
        if ((st = lx_pool_submit(pool, t))) {
            free(t);
            break;
        }
        while (!st && lx_pool_outstanding(pool) >= window)
            st = merge_task(p, lx_pool_take(pool), stats);
    }
    /* Everything still out is taken back (and, after an error, dropped). */
    while (pool && lx_pool_outstanding(pool)) {
        lx_status mt = merge_task(p, lx_pool_take(pool), stats);
        if (!st)
            st = mt;
    }
    lx_pool_free(pool);
    free(wctx);
    free(ws);
    return st;
}

/* Findings of one message together: corroborations first (best coverage
 * first), then mismatches; ties by line, so the value is reproducible. */
static int by_doc(const void *x, const void *y)
{
    const finding *a = x, *b = y;
    if (a->doc != b->doc)
        return a->doc < b->doc ? -1 : 1;
    if (a->status != b->status)
        return a->status == LX_CHAIN_CORROBORATED ? -1 : 1;
    if (a->coverage != b->coverage)
        return a->coverage > b->coverage ? -1 : 1;
    return strcmp(a->line, b->line);
}

/* Stores the findings of docs[doc] (found[from..to)) when they changed. */
static lx_status store(lx_db *read, lx_db *write, pass *p, size_t doc, size_t from, size_t to,
                       lx_corroborate_stats *stats)
{
    lx_strbuf value;
    lx_strbuf_init(&value);
    bool corroborated = false, mismatch = false;
    lx_status st = LX_OK;
    size_t kept = 0;
    for (size_t i = from; i < to && kept < LX_CHAIN_MAX_FINDINGS && !st; i++) {
        /* The same finding twice (stored by an earlier run, found again). */
        if (i > from && strcmp(p->found[i].line, p->found[i - 1].line) == 0)
            continue;
        corroborated = corroborated || p->found[i].status == LX_CHAIN_CORROBORATED;
        mismatch = mismatch || p->found[i].status == LX_CHAIN_MISMATCH;
        st = lx_strbuf_addf(&value, "%s%s", value.len ? "\n" : "", p->found[i].line);
        kept++;
    }
    stats->corroborated += corroborated;
    stats->mismatched += mismatch;
    uint64_t want = value.len ? lx_hash64(value.buf, value.len) | 1 : 0;
    if (!st && want != p->docs[doc].current) {
        const int slots[3] = {lx_schema_slot(LX_F_CHAIN), lx_schema_slot(LX_F_CHAIN_MISMATCH),
                              lx_schema_slot(LX_F_CORROBORATION)};
        const char *values[3] = {corroborated ? "1" : "", mismatch ? "1" : "",
                                 value.len ? value.buf : ""};
        /* Over shards, this shard's documents only, found by SHA-256. */
        lx_docid id = p->docs[doc].id;
        if (read != write)
            st = lx_db_docid_of(write, p->docs[doc].sha, &id);
        if (st == LX_E_NOT_FOUND) {
            lx_strbuf_release(&value);
            return LX_OK;
        }
        if (!st)
            st = lx_db_set_values(write, id, slots, values, 3);
        stats->rewritten++;
    }
    lx_strbuf_release(&value);
    return st;
}

/* Incremental: the findings stored on docs[doc] by earlier runs, added to
 * this pass's, so that the value written holds both. */
static lx_status add_stored(lx_db *db, pass *p, size_t doc)
{
    char *value = NULL;
    size_t len = 0;
    lx_status st =
        lx_db_get_value(db, p->docs[doc].id, lx_schema_slot(LX_F_CORROBORATION), &value, &len);
    for (const char *line = value, *end = value + len; !st && value && line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        lx_corroborate_status status = LX_CHAIN_NONE;
        unsigned coverage = 0;
        if (n > 13 && memcmp(line, "corroborated\t", 13) == 0) {
            status = LX_CHAIN_CORROBORATED;
            const char *c = memchr(line + 13, '\t', n - 13);
            if (c)
                coverage = (unsigned)strtoul(c + 1, NULL, 10);
        } else if (n > 9 && memcmp(line, "mismatch\t", 9) == 0) {
            status = LX_CHAIN_MISMATCH;
        }
        if (status != LX_CHAIN_NONE) {
            char *copy = malloc(n + 1);
            if (!copy ||
                !lx_grow((void **)&p->found, &p->alloc_found, p->n_found + 1, sizeof *p->found)) {
                free(copy);
                st = LX_E_NOMEM;
                break;
            }
            memcpy(copy, line, n);
            copy[n] = '\0';
            p->found[p->n_found++] = (finding){doc, status, coverage, copy};
        }
        line += n + 1;
    }
    free(value);
    return st;
}

static bool in_ids(const lx_docid *ids, size_t n, lx_docid id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id;
}

lx_status lx_corroborate_pass(lx_db *read, lx_db *write, lx_db *const *readers, unsigned n_readers,
                              unsigned threshold, const lx_corroborate_since *since,
                              lx_corroborate_stats *stats)
{
    lx_db *db = read;
    memset(stats, 0, sizeof *stats);
    bool incremental = since && since->after && read == write;
    pass p;
    memset(&p, 0, sizeof p);
    int slots[S_COUNT];
    slots[S_DATE] = lx_schema_slot(LX_F_DATE);
    slots[S_LEVEL] = lx_schema_slot(LX_F_VERIFIED_LEVEL);
    slots[S_IDENTITY] = lx_schema_slot(LX_F_IDENTITY);
    slots[S_THREAD] = lx_schema_slot(LX_F_THREAD_ID);
    slots[S_CORROBORATION] = lx_schema_slot(LX_F_CORROBORATION);
    lx_query_opts all;
    memset(&all, 0, sizeof all);
    lx_status st = lx_db_scan(db, &all, slots, S_COUNT, on_row, &p);
    if (!st)
        st = p.st;
    stats->incremental = incremental;
    for (size_t i = 0; i < p.n; i++) {
        cdoc *d = &p.docs[i];
        d->fresh =
            !incremental || d->id > since->after || in_ids(since->moved, since->n_moved, d->id);
        stats->fresh += d->fresh;
    }
    if (!st)
        st = look(db, readers, n_readers, &p, threshold, incremental, stats);
    if (incremental) {
        /* Only the messages with a new finding change: what earlier runs
         * found on them stays, the new findings join it. */
        size_t n_new = p.n_found;
        for (size_t i = 0; i < n_new; i++)
            p.docs[p.found[i].doc].touched = true;
        for (size_t i = 0; i < p.n && !st; i++)
            if (p.docs[i].touched && p.docs[i].current)
                st = add_stored(db, &p, i);
    }
    if (!st && p.n_found)
        qsort(p.found, p.n_found, sizeof *p.found, by_doc);
    /* Every document: its findings, or none (a result that no longer holds
     * is removed). Incremental: the documents with a new finding. */
    for (size_t i = 0, k = 0; i < p.n && !st; i++) {
        size_t from = k;
        while (k < p.n_found && p.found[k].doc == i)
            k++;
        if (from == k && (incremental || !p.docs[i].current))
            continue;
        st = store(read, write, &p, i, from, k, stats);
    }
    if (!st && incremental) {
        /* The totals, over the whole index. */
        stats->corroborated = lx_db_value_freq(write, lx_schema_slot(LX_F_CHAIN));
        stats->mismatched = lx_db_value_freq(write, lx_schema_slot(LX_F_CHAIN_MISMATCH));
    }
    for (size_t i = 0; i < p.n_found; i++)
        free(p.found[i].line);
    free(p.found);
    free(p.docs);
    return st;
}
