/* snippet.c - a short piece of a message's text around the words matched. */
#include "snippet.h"

#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

/* stem_first: the first bytes of words' stems. The French and English
 * stemmers only change a word's ending, so a word whose first byte starts no
 * stem is not stemmed (stemming is most of a snippet's cost). */
static bool matches(const char *w, size_t n, const lx_snippet_words *words,
                    const bool stem_first[256])
{
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    bool hit = false;
    /* An ASCII word folds to itself: lowercase it here (n < 128). */
    char ascii[128];
    bool is_ascii = n < sizeof ascii;
    for (size_t i = 0; i < n && is_ascii; i++) {
        is_ascii = (unsigned char)w[i] < 0x80;
        ascii[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
    }
    if (is_ascii || lx_textfold_search(&folded, w, n) == LX_OK) {
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

lx_status lx_snippet_make(const char *text, size_t len, const lx_snippet_words *w, lx_strbuf *out,
                          lx_strbuf *ranges)
{
    /* The words of the text, and which ones match. Folding and stemming
     * every word made snippets most of a hit list's time: each distinct
     * word is matched once, an ASCII word is lowercased without folding, and
     * only a word that starts as some stem does is stemmed. */
    word *v = NULL;
    size_t n = 0, alloc = 0;
    const char *end = text + len;
    bool any_words = w->n_plain || w->n_stems;
    bool stem_first[256] = {false};
    for (size_t i = 0; i < w->n_stems; i++)
        stem_first[(unsigned char)w->stems[i][0]] = true;
    GHashTable *seen =
        any_words ? g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) : NULL;
    for (const char *p = text; p < end;) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        const char *next = g_utf8_next_char(p);
        if (c == (gunichar)-1 || c == (gunichar)-2 || !g_unichar_isalnum(c)) {
            p = next;
            continue;
        }
        const char *q = p;
        while (q < end) {
            gunichar d = g_utf8_get_char_validated(q, end - q);
            if (d == (gunichar)-1 || d == (gunichar)-2 ||
                !(g_unichar_isalnum(d) || g_unichar_ismark(d)))
                break;
            q = g_utf8_next_char(q);
        }
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 128;
            word *nv = realloc(v, alloc * sizeof *v);
            if (!nv) {
                free(v);
                if (seen)
                    g_hash_table_destroy(seen);
                return LX_E_NOMEM;
            }
            v = nv;
        }
        size_t wl = (size_t)(q - p);
        v[n].start = (size_t)(p - text);
        v[n].end = (size_t)(q - text);
        v[n].match = false;
        if (any_words && wl < 128) {
            /* The cache holds 1 + whether the word matches. */
            char *key = g_strndup(p, wl);
            gpointer known = g_hash_table_lookup(seen, key);
            if (known) {
                v[n].match = GPOINTER_TO_INT(known) == 2;
                g_free(key);
            } else {
                v[n].match = matches(p, wl, w, stem_first);
                g_hash_table_insert(seen, key, GINT_TO_POINTER(v[n].match ? 2 : 1));
            }
        }
        n++;
        p = q;
        /* Nothing to match: the snippet is the text's start, and one word
         * past it says that more follows. */
        if (!any_words && v[n - 1].end - v[0].start > LX_SNIPPET_BYTES)
            break;
    }
    if (seen)
        g_hash_table_destroy(seen);
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
    lx_status st = LX_OK;
    size_t cp = 0; /* code points written */
    if (n && best > 0) {
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
        const char *ws = text + v[i].start;
        size_t wl = v[i].end - v[i].start;
        bool cut = wl > LX_SNIPPET_BYTES;
        if (cut) /* one "word" longer than a snippet: its start will do */
            wl = lx_utf8_cut(ws, wl, LX_SNIPPET_BYTES);
        size_t wcp = (size_t)g_utf8_strlen(ws, (gssize)wl);
        if (!st && v[i].match)
            st = lx_strbuf_addf(ranges, "%s%zu-%zu", ranges->len ? " " : "", cp, cp + wcp);
        if (!st)
            st = lx_strbuf_add(out, ws, wl);
        cp += wcp;
        if (cut) {
            cut_word = true;
            i++;
            break;
        }
    }
    if (!st && (i < n || cut_word))
        st = lx_strbuf_addstr(out, " …");
    free(v);
    return st;
}

lx_status lx_snippet_add(lx_db *db, lx_docid id, lx_record *rec, const lx_snippet_words *w,
                         bool bold)
{
    const char *body = lx_record_get(rec, "body");
    const char *subject = lx_record_get(rec, "subject");
    lx_strbuf text, snip, ranges;
    lx_strbuf_init(&text);
    lx_strbuf_init(&snip);
    lx_strbuf_init(&ranges);
    /* The subject first: a match there shows when the body has none. */
    lx_status st = lx_strbuf_addf(&text, "%s\n%s", subject ? subject : "", body ? body : "");
    if (!st)
        st = lx_snippet_make(text.buf, text.len, w, &snip, &ranges);
    if (!st)
        st = lx_record_add(rec, "snippet", snip.buf, snip.len);
    if (!st)
        st = lx_record_add(rec, "snippet_matches", ranges.buf, ranges.len);
    if (!st && (w->n_plain || w->n_stems))
        st = lx_record_add_str(rec, "snippet_words", "yes");
    if (!st && bold)
        st = lx_record_add_str(rec, "snippet_bold", "yes");
    lx_strbuf_release(&text);
    lx_strbuf_release(&snip);
    lx_strbuf_release(&ranges);
    return st;
}
