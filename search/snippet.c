/* snippet.c - a short piece of a message's text around the words matched. */
#include "snippet.h"

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataline.h"
#include "grow.h"
#include "hitkeys.h"
#include "schema.h"
#include "textfold.h"
#include "utf8.h"
#include "xdb.h"
#include "banned.h"

void lx_snippet_words_release(lx_snippet_words *w)
{
    for (size_t i = 0; i < w->n_plain; i++)
        free(w->plain[i]);
    for (size_t i = 0; i < w->n_stems; i++)
        free(w->stems[i]);
    free(w->plain);
    free(w->stems);
    memset(w, 0, sizeof *w);
}

typedef struct word {
    size_t start, end; /* bytes in the text */
    bool match;
} word;

static bool in_list(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* Tells which words of a text match. Folding and stemming every word made
 * snippets most of a hit list's time: each distinct word is matched once
 * (seen), an ASCII word is lowercased without folding, and only a word that
 * starts as some stem does is stemmed (stem_first: the first bytes of the
 * stems; the French and English stemmers only change a word's ending). */
typedef struct matcher {
    const lx_snippet_words *w;
    bool any;
    bool stem_first[256];
    GHashTable *seen; /* word -> 1 + whether it matches */
} matcher;

static void matcher_init(matcher *m, const lx_snippet_words *w)
{
    memset(m, 0, sizeof *m);
    m->w = w;
    m->any = w->n_plain || w->n_stems;
    for (size_t i = 0; i < w->n_stems; i++)
        m->stem_first[(unsigned char)w->stems[i][0]] = true;
    if (m->any)
        m->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void matcher_release(matcher *m)
{
    if (m->seen)
        g_hash_table_destroy(m->seen);
    m->seen = NULL;
}

static bool word_matches(const char *w, size_t n, const lx_snippet_words *words,
                         const bool stem_first[256])
{
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    bool hit = false;
    /* An ASCII word folds to itself: lowercase it here (n < 128). One with
     * an apostrophe may hold an elision, which the fold splits. */
    char ascii[128];
    bool is_ascii = n < sizeof ascii;
    for (size_t i = 0; i < n && is_ascii; i++) {
        is_ascii = (unsigned char)w[i] < 0x80 && w[i] != '\'';
        ascii[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
    }
    if (is_ascii || lx_textfold_terms(&folded, w, n) == LX_OK) {
        gchar *lower = NULL;
        if (is_ascii) {
            ascii[n] = '\0';
            lower = ascii;
        } else {
            lower = g_utf8_strdown(folded.buf, (gssize)folded.len);
        }
        if (lower) {
            hit = in_list(words->plain, words->n_plain, lower);
            char stem[256];
            bool may_stem = words->n_stems && stem_first[(unsigned char)lower[0]];
            for (int lang = 0; !hit && lang < 2 && may_stem; lang++) {
                lx_stem(lang ? "en" : "fr", lower, stem, sizeof stem);
                hit = *stem && in_list(words->stems, words->n_stems, stem);
            }
            if (!is_ascii)
                g_free(lower);
        }
    }
    lx_strbuf_release(&folded);
    return hit;
}

static bool matcher_match(matcher *m, const char *w, size_t n)
{
    if (!m->any || n >= 128)
        return false;
    char *key = g_strndup(w, n);
    gpointer known = g_hash_table_lookup(m->seen, key);
    if (known) {
        g_free(key);
        return GPOINTER_TO_INT(known) == 2;
    }
    bool hit = word_matches(w, n, m->w, m->stem_first);
    g_hash_table_insert(m->seen, key, GINT_TO_POINTER(hit ? 2 : 1));
    return hit;
}

/* The next word at or after p (letters and digits, with their combining
 * marks): [*ws, *we); false when there is none before end. */
static bool next_word(const char *p, const char *end, const char **ws, const char **we)
{
    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == (gunichar)-1 || c == (gunichar)-2 || !g_unichar_isalnum(c)) {
            p = g_utf8_next_char(p);
            continue;
        }
        const char *q = p;
        while (q < end) {
            gunichar d = g_utf8_get_char_validated(q, end - q);
            if (d == (gunichar)-1 || d == (gunichar)-2)
                break;
            /* An apostrophe between letters is inside the word, as the
             * index has it: l'Élysée (elysee), aujourd'hui. */
            if ((d == '\'' || d == 0x2019 || d == 0x2018 || d == 0x02BC) && q > p) {
                const char *r = g_utf8_next_char(q);
                gunichar e = r < end ? g_utf8_get_char_validated(r, end - r) : (gunichar)-1;
                if (e == (gunichar)-1 || e == (gunichar)-2 || !g_unichar_isalnum(e))
                    break;
            } else if (!(g_unichar_isalnum(d) || g_unichar_ismark(d))) {
                break;
            }
            q = g_utf8_next_char(q);
        }
        *ws = p;
        *we = q;
        return true;
    }
    return false;
}

/* The snippet of text[0..len) as lx_snippet_make describes; lead_cut and
 * tail_cut say that text is a piece of a longer one (an ellipsis at that
 * end); *found (when not NULL) whether a word matched. */
static lx_status make(const char *text, size_t len, matcher *m, lx_strbuf *out, lx_strbuf *ranges,
                      bool lead_cut, bool tail_cut, bool *found)
{
    /* The words of the text, and which ones match. */
    word *v = NULL;
    size_t n = 0, alloc = 0;
    const char *end = text + len, *p = text, *ws, *we;
    while (next_word(p, end, &ws, &we)) {
        if (!lx_grow((void **)&v, &alloc, n + 1, sizeof *v)) {
            free(v);
            return LX_E_NOMEM;
        }
        v[n].start = (size_t)(ws - text);
        v[n].end = (size_t)(we - text);
        v[n].match = matcher_match(m, ws, (size_t)(we - ws));
        n++;
        p = we;
        /* Nothing to match: the snippet is the text's start, and one word
         * past it says that more follows. */
        if (!m->any && v[n - 1].end - v[0].start > LX_SNIPPET_BYTES)
            break;
    }
    /* The window of words within LX_SNIPPET_BYTES with the most matches,
     * starting a little before its first match. */
    size_t best = 0, best_hits = 0, hits = 0, lo = 0;
    for (size_t hi = 0; hi < n; hi++) {
        hits += v[hi].match;
        while (lo < hi && v[hi].end - v[lo].start > LX_SNIPPET_BYTES)
            hits -= v[lo++].match;
        if (hits > best_hits) {
            best_hits = hits;
            best = lo;
        }
    }
    if (best_hits) {
        size_t first = best;
        while (!v[first].match)
            first++;
        /* A few words of context before the first match. */
        best = first > 4 ? first - 4 : 0;
    }
    if (found)
        *found = best_hits > 0;
    lx_status st = LX_OK;
    size_t cp = 0; /* code points written */
    if ((n && best > 0) || lead_cut) {
        st = lx_strbuf_addstr(out, "… ");
        cp += 2;
    }
    size_t i = best;
    bool cut_word = false;
    for (; i < n && !st && (i == best || v[i].end - v[best].start <= LX_SNIPPET_BYTES); i++) {
        if (i > best) {
            /* The text between two words, white space folded to one space. */
            bool space = false;
            for (size_t k = v[i - 1].end; k < v[i].start && !st;) {
                const char *c = text + k;
                size_t cl = (size_t)(g_utf8_next_char(c) - c);
                if (g_unichar_isspace(g_utf8_get_char(c))) {
                    space = true;
                } else {
                    if (space) {
                        st = lx_strbuf_addch(out, ' ');
                        cp++;
                        space = false;
                    }
                    if (!st)
                        st = lx_strbuf_add(out, c, cl);
                    cp++;
                }
                k += cl;
            }
            if (!st && space) {
                st = lx_strbuf_addch(out, ' ');
                cp++;
            }
        }
        const char *w0 = text + v[i].start;
        size_t wl = v[i].end - v[i].start;
        bool cut = wl > LX_SNIPPET_BYTES;
        if (cut) /* one "word" longer than a snippet: its start will do */
            wl = lx_utf8_cut(w0, wl, LX_SNIPPET_BYTES);
        size_t wcp = (size_t)g_utf8_strlen(w0, (gssize)wl);
        if (!st && v[i].match)
            st = lx_strbuf_addf(ranges, "%s%zu-%zu", ranges->len ? " " : "", cp, cp + wcp);
        if (!st)
            st = lx_strbuf_add(out, w0, wl);
        cp += wcp;
        if (cut) {
            cut_word = true;
            i++;
            break;
        }
    }
    if (!st && (i < n || cut_word || tail_cut))
        st = lx_strbuf_addstr(out, " …");
    free(v);
    return st;
}

lx_status lx_snippet_make(const char *text, size_t len, const lx_snippet_words *w, lx_strbuf *out,
                          lx_strbuf *ranges)
{
    matcher m;
    matcher_init(&m, w);
    lx_status st = make(text, len, &m, out, ranges, false, false, NULL);
    matcher_release(&m);
    return st;
}

/* Bytes of context kept before the first match of a long text, and after
 * it: the window make() then chooses from (LX_SNIPPET_BYTES in all). */
enum { LEAD_BYTES = 80, TAIL_BYTES = 2 * LX_SNIPPET_BYTES };

/* The snippet of text[0..len) around its first matched word, reading the
 * text only up to there (an attachment's text is long, and a hit list
 * reads it for many hits); *found false when no word matches. */
static lx_status make_first(const char *text, size_t len, matcher *m, lx_strbuf *out,
                            lx_strbuf *ranges, bool *found)
{
    *found = false;
    const char *end = text + len, *p = text, *ws = NULL, *we = NULL;
    bool hit = false;
    while (!hit && next_word(p, end, &ws, &we)) {
        hit = matcher_match(m, ws, (size_t)(we - ws));
        p = we;
    }
    if (!hit)
        return LX_OK;
    /* From LEAD_BYTES before the match, at the start of a word (the text's
     * start when it is nearer). */
    size_t at = (size_t)(ws - text), from = 0;
    if (at > LEAD_BYTES) {
        from = at;
        for (size_t k = at - LEAD_BYTES; k < at; k++) {
            if (text[k] == ' ' || text[k] == '\n' || text[k] == '\t') {
                from = k + 1;
                break;
            }
        }
    }
    size_t piece = lx_utf8_cut(text + from, len - from, (at - from) + TAIL_BYTES);
    return make(text + from, piece, m, out, ranges, from > 0, from + piece < len, found);
}

/* Adds n to each "START-END" pair of ranges. */
static lx_status shift_ranges(lx_strbuf *out, const char *ranges, size_t n)
{
    lx_status st = LX_OK;
    const char *r = ranges;
    unsigned long a, b;
    int used = 0;
    while (!st && sscanf(r, "%lu-%lu%n", &a, &b, &used) == 2) {
        st = lx_strbuf_addf(out, "%s%lu-%lu", out->len ? " " : "", a + n, b + n);
        r += used;
        while (*r == ' ')
            r++;
    }
    return st;
}

/* The name of attachment n of rec, for "[in NAME]": its file name, else
 * "attachment #N". */
static lx_status attachment_label(const lx_record *rec, const char *n, lx_strbuf *out)
{
    lx_attachment_line a;
    lx_span num = {n, strlen(n)};
    if (lx_span_is_number(num) && lx_dataline_attachment_find(rec, strtoull(n, NULL, 10), &a) &&
        a.f[LX_ATT_NAME].n)
        return lx_strbuf_add(out, a.f[LX_ATT_NAME].s, a.f[LX_ATT_NAME].n);
    return lx_strbuf_addf(out, "attachment #%s", n);
}

/* When the subject and body hold none of the query's words: the snippet of
 * the first attachment whose stored text does (LX_F_EXCERPTS),
 * "[in NAME] " before it; *found false when none does. */
static lx_status attachment_snippet(lx_db *db, lx_docid id, const lx_record *rec, matcher *m,
                                    lx_strbuf *snip, lx_strbuf *ranges, lx_strbuf *which,
                                    bool *found)
{
    *found = false;
    char *raw = NULL;
    size_t len = 0;
    lx_status st = lx_db_get_value(db, id, lx_schema_slot(LX_F_EXCERPTS), &raw, &len);
    lx_record ex;
    lx_record_init(&ex);
    if (!st && len)
        st = lx_record_parse(&ex, raw, len);
    lx_strbuf piece, piece_ranges;
    lx_strbuf_init(&piece);
    lx_strbuf_init(&piece_ranges);
    for (size_t i = 0; i < ex.n && !st && !*found; i++) {
        lx_strbuf_reset(&piece);
        lx_strbuf_reset(&piece_ranges);
        st = make_first(ex.pairs[i].value, ex.pairs[i].value_len, m, &piece, &piece_ranges, found);
        if (st || !*found)
            continue;
        lx_strbuf_reset(snip);
        lx_strbuf_reset(ranges);
        st = lx_strbuf_addstr(snip, "[in ");
        if (!st)
            st = attachment_label(rec, ex.pairs[i].key, snip);
        if (!st)
            st = lx_strbuf_addstr(snip, "] ");
        size_t shift = (size_t)g_utf8_strlen(snip->buf, (gssize)snip->len);
        if (!st)
            st = lx_strbuf_add(snip, piece.buf, piece.len);
        if (!st)
            st = shift_ranges(ranges, piece_ranges.buf, shift);
        if (!st)
            st = lx_strbuf_addstr(which, ex.pairs[i].key);
    }
    lx_strbuf_release(&piece);
    lx_strbuf_release(&piece_ranges);
    lx_record_release(&ex);
    free(raw);
    return st;
}

lx_status lx_snippet_add(lx_db *db, lx_docid id, lx_record *rec, const lx_snippet_words *w)
{
    const char *body = lx_record_get(rec, LX_DATA_BODY);
    const char *subject = lx_record_get(rec, LX_DATA_SUBJECT);
    lx_strbuf text, snip, ranges, which;
    lx_strbuf_init(&text);
    lx_strbuf_init(&snip);
    lx_strbuf_init(&ranges);
    lx_strbuf_init(&which);
    matcher m;
    matcher_init(&m, w);
    bool found = false;
    /* in:attachment looks in attachments' text: that first. */
    lx_status st = LX_OK;
    if (m.any && w->in_attachments)
        st = attachment_snippet(db, id, rec, &m, &snip, &ranges, &which, &found);
    /* The subject first: a match there shows when the body has none. */
    if (!st && !found)
        st = lx_strbuf_addf(&text, "%s\n%s", subject ? subject : "", body ? body : "");
    if (!st && !found)
        st = make(text.buf, text.len, &m, &snip, &ranges, false, false, &found);
    /* Words found only in an attachment's text: its snippet, named. */
    if (!st && m.any && !found && !w->in_attachments)
        st = attachment_snippet(db, id, rec, &m, &snip, &ranges, &which, &found);
    if (!st)
        st = lx_record_add(rec, LX_HIT_SNIPPET, snip.buf, snip.len);
    if (!st)
        st = lx_record_add(rec, LX_HIT_SNIPPET_MATCHES, ranges.buf, ranges.len);
    if (!st && which.len)
        st = lx_record_add(rec, LX_HIT_SNIPPET_ATTACHMENT, which.buf, which.len);
    if (!st && m.any)
        st = lx_record_add_str(rec, LX_HIT_SNIPPET_WORDS, "yes");
    matcher_release(&m);
    lx_strbuf_release(&text);
    lx_strbuf_release(&snip);
    lx_strbuf_release(&ranges);
    lx_strbuf_release(&which);
    return st;
}
