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

static bool matches(const char *w, size_t n, const lx_snippet_words *words)
{
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    bool hit = false;
    if (lx_textfold_terms(&folded, w, n) == LX_OK) {
        gchar *lower = g_utf8_strdown(folded.buf, (gssize)folded.len);
        if (lower) {
            hit = in_list(words->plain, words->n_plain, lower);
            char stem[256];
            for (int lang = 0; !hit && lang < 2 && words->n_stems; lang++) {
                lx_stem(lang ? "en" : "fr", lower, stem, sizeof stem);
                hit = *stem && in_list(words->stems, words->n_stems, stem);
            }
            g_free(lower);
        }
    }
    lx_strbuf_release(&folded);
    return hit;
}

lx_status lx_snippet_make(const char *text, size_t len, const lx_snippet_words *w, lx_strbuf *out,
                          lx_strbuf *ranges)
{
    /* The words of the text, and which ones match. */
    word *v = NULL;
    size_t n = 0, alloc = 0;
    const char *end = text + len;
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
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 128;
            word *nv = realloc(v, alloc * sizeof *v);
            if (!nv) {
                free(v);
                return LX_E_NOMEM;
            }
            v = nv;
        }
        size_t wl = (size_t)(q - p);
        v[n].start = (size_t)(p - text);
        v[n].end = (size_t)(q - text);
        v[n].match = (w->n_plain || w->n_stems) && wl < 128 && matches(p, wl, w);
        n++;
        p = q;
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
