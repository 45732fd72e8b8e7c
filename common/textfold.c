/* textfold.c - NFC and accent folding through GLib's Unicode tables. */
#include "textfold.h"

#include <glib.h>
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

lx_status lx_textfold_search(lx_strbuf *out, const char *s, size_t len)
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
