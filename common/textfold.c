/* textfold.c - NFC and accent folding through GLib's Unicode tables. */
#include "textfold.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "banned.h"

/* GLib's normalizer stops at a NUL byte; text with NULs is normalized piece
 * by piece, each NUL kept. */
static lx_status normalize(lx_strbuf *out, const char *s, size_t len, GNormalizeMode mode)
{
    while (len > 0) {
        const char *nul = memchr(s, '\0', len);
        size_t n = nul ? (size_t)(nul - s) : len;
        if (n) {
            gchar *norm = g_utf8_normalize(s, (gssize)n, mode);
            if (!norm)
                return LX_E_INVALID; /* not valid UTF-8: callers sanitize first */
            lx_status st = lx_strbuf_addstr(out, norm);
            g_free(norm);
            if (st)
                return st;
        }
        if (!nul)
            break;
        lx_status st = lx_strbuf_addch(out, '\0');
        if (st)
            return st;
        s += n + 1;
        len -= n + 1;
    }
    return LX_OK;
}

lx_status lx_textfold_nfc(lx_strbuf *out, const char *s, size_t len)
{
    return normalize(out, s, len, G_NORMALIZE_NFC);
}

/* Letters NFD leaves whole but a reader sees as accented plain letters. */
static const char *spelled_out(gunichar c)
{
    switch (c) {
    case 0x00C6: return "AE";
    case 0x00E6: return "ae";
    case 0x0152: return "OE";
    case 0x0153: return "oe";
    case 0x00DF: return "ss";
    case 0x1E9E: return "SS";
    case 0x00D8: return "O";
    case 0x00F8: return "o";
    case 0x0141: return "L";
    case 0x0142: return "l";
    case 0x0110: return "D";
    case 0x0111: return "d";
    case 0x0131: return "i";
    default: return NULL;
    }
}

/* Scripts whose marks are accents a reporter leaves out when typing; marks
 * elsewhere (Thai vowels, Japanese dakuten, Hebrew points) carry meaning. */
static gboolean foldable_base(gunichar c)
{
    return c < 0x0530 || (c >= 0x1E00 && c <= 0x1FFF);
}

lx_status lx_textfold_search_reference(lx_strbuf *out, const char *s, size_t len)
{
    if (len == 0)
        return LX_OK;
    lx_strbuf nfd, tmp;
    lx_strbuf_init(&nfd);
    lx_strbuf_init(&tmp);
    lx_status st = normalize(&nfd, s, len, G_NORMALIZE_NFD);
    gunichar base = 0;
    const gchar *end = nfd.buf + nfd.len;
    for (const gchar *p = nfd.buf; p < end && !st; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        GUnicodeType t = g_unichar_type(c);
        if (t == G_UNICODE_NON_SPACING_MARK && foldable_base(base))
            continue;
        if (t != G_UNICODE_NON_SPACING_MARK)
            base = c;
        const char *rep = spelled_out(c);
        if (rep)
            st = lx_strbuf_addstr(&tmp, rep);
        else
            st = lx_strbuf_add(&tmp, p, (size_t)(g_utf8_next_char(p) - p));
    }
    lx_strbuf_release(&nfd);
    if (!st)
        st = lx_textfold_nfc(out, tmp.buf, tmp.len);
    lx_strbuf_release(&tmp);
    return st;
}

/*
 * ASCII is its own search form: NFD and NFC leave it as it is, it has no
 * marks and nothing to spell out. So only the runs of other bytes go
 * through the reference folding, each with the ASCII character before it,
 * which the run's combining marks may belong to. An ASCII character is a
 * safe place to cut: it composes with nothing before or after it and
 * never moves in canonical order, so the pieces fold as the whole does.
 */
lx_status lx_textfold_search(lx_strbuf *out, const char *s, size_t len)
{
    size_t had = out->len;
    lx_status st = LX_OK;
    size_t at = 0; /* s[0..at) is done */
    while (at < len && !st) {
        size_t run = at; /* the first non-ASCII byte from at */
        while (run < len && !((unsigned char)s[run] & 0x80))
            run++;
        if (run == len) {
            st = lx_strbuf_add(out, s + at, len - at);
            break;
        }
        size_t from = run > at ? run - 1 : run; /* with its base, when ASCII */
        size_t to = run;
        while (to < len && ((unsigned char)s[to] & 0x80))
            to++;
        st = lx_strbuf_add(out, s + at, from - at);
        if (!st)
            st = lx_textfold_search_reference(out, s + from, to - from);
        at = to;
    }
    if (st)
        lx_strbuf_setlen(out, had); /* as the reference: nothing on failure */
    return st;
}

/* The French elisions, lowercase, without their apostrophe. */
static const char *const elisions[] = {"l", "d",  "j",     "m",      "n",      "s",      "t",
                                       "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", NULL};

/* The length of the apostrophe at p (before end), 0 when there is none. */
static size_t apostrophe_at(const char *p, const char *end)
{
    if (p >= end)
        return 0;
    if (*p == '\'')
        return 1;
    gunichar c = g_utf8_get_char_validated(p, end - p);
    if (c == 0x2019 || c == 0x2018 || c == 0x02BC)
        return (size_t)(g_utf8_next_char(p) - p);
    return 0;
}

/* Letters and digits make words; U+02BC is a letter to Unicode but an
 * apostrophe here. */
static bool word_char(gunichar c)
{
    return c != 0x02BC && (g_unichar_isalnum(c) || g_unichar_ismark(c));
}

static bool word_starts_at(const char *p, const char *end)
{
    if (p >= end)
        return false;
    gunichar c = g_utf8_get_char_validated(p, end - p);
    return c != (gunichar)-1 && c != (gunichar)-2 && word_char(c);
}

/* The length of the elision (letters and apostrophe) that starts a word at
 * p, 0 when there is none. */
static size_t elision_at(const char *p, const char *end)
{
    char low[8];
    size_t n = 0;
    while (p + n < end && n < sizeof low - 1 && g_ascii_isalpha(p[n])) {
        low[n] = g_ascii_tolower(p[n]);
        n++;
    }
    low[n] = '\0';
    size_t a = n ? apostrophe_at(p + n, end) : 0;
    if (!a || !word_starts_at(p + n + a, end))
        return 0;
    for (size_t i = 0; elisions[i]; i++)
        if (strcmp(low, elisions[i]) == 0)
            return n + a;
    return 0;
}

/* The elisions and apostrophes of folded text (lx_textfold_terms), into out.
 * ascii: an ASCII byte other than the apostrophe is taken as it is, without
 * decoding (a letter or digit continues a word); the reference decodes
 * every character. */
static lx_status split_elisions(lx_strbuf *out, const char *p, const char *end, bool ascii)
{
    lx_status st = LX_OK;
    bool in_word = false; /* the character before p is a letter or a digit */
    while (!st && p < end) {
        if (!in_word) {
            size_t e = elision_at(p, end);
            if (e) {
                p += e;
                continue;
            }
        }
        if (ascii && !((unsigned char)*p & 0x80) && *p != '\'') {
            st = lx_strbuf_addch(out, *p);
            in_word = g_ascii_isalnum(*p);
            p++;
            continue;
        }
        size_t a = apostrophe_at(p, end);
        if (a) {
            /* Inside a word (aujourd’hui) any apostrophe becomes U+0027 and
             * the word goes on; U+02BC always becomes one. */
            bool inside = in_word && word_starts_at(p + a, end);
            if (inside || (a > 1 && g_utf8_get_char(p) == 0x02BC))
                st = lx_strbuf_addch(out, '\'');
            else
                st = lx_strbuf_add(out, p, a);
            p += a;
            in_word = inside;
            continue;
        }
        gunichar c = g_utf8_get_char(p);
        const char *next = g_utf8_next_char(p);
        st = lx_strbuf_add(out, p, (size_t)(next - p));
        in_word = word_char(c);
        p = next;
    }
    return st;
}

/* The search form by fold, then elisions split (ascii: the fast reading). */
static lx_status fold_terms(lx_strbuf *out, const char *s, size_t len,
                            lx_status (*fold)(lx_strbuf *, const char *, size_t), bool ascii)
{
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    lx_status st = fold(&folded, s, len);
    if (!st)
        st = split_elisions(out, folded.buf, folded.buf + folded.len, ascii);
    lx_strbuf_release(&folded);
    return st;
}

lx_status lx_textfold_terms(lx_strbuf *out, const char *s, size_t len)
{
    return fold_terms(out, s, len, lx_textfold_search, true);
}

lx_status lx_textfold_terms_reference(lx_strbuf *out, const char *s, size_t len)
{
    return fold_terms(out, s, len, lx_textfold_search_reference, false);
}
