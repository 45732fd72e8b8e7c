/* charset.c - bytes in any charset to UTF-8 through iconv, guessing with uchardet. */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <uchardet/uchardet.h>

#include "utf8.h"
#include "banned.h"

/* Labels read as the superset real senders meant (as the WHATWG Encoding
 * standard does): mail labelled ISO-8859-1 is full of windows-1252 quotes
 * and euro signs, GB2312 mail holds GBK characters, and so on. */
static const struct {
    const char *label;
    const char *charset;
} supersets[] = {
    {"ISO-8859-1", "WINDOWS-1252"},
    {"ISO8859-1", "WINDOWS-1252"},
    {"ISO_8859-1", "WINDOWS-1252"},
    {"LATIN1", "WINDOWS-1252"},
    {"L1", "WINDOWS-1252"},
    {"US-ASCII", "WINDOWS-1252"},
    {"ASCII", "WINDOWS-1252"},
    {"ANSI_X3.4-1968", "WINDOWS-1252"},
    {"CP819", "WINDOWS-1252"},
    {"IBM819", "WINDOWS-1252"},
    {"ISO-IR-100", "WINDOWS-1252"},
    {"CP1252", "WINDOWS-1252"},
    {"X-CP1252", "WINDOWS-1252"},
    {"ISO-8859-9", "WINDOWS-1254"},
    {"LATIN5", "WINDOWS-1254"},
    {"ISO-8859-11", "WINDOWS-874"},
    {"TIS-620", "WINDOWS-874"},
    {"GB2312", "GB18030"},
    {"GBK", "GB18030"},
    {"X-GBK", "GB18030"},
    {"CP936", "GB18030"},
    {"EUC-CN", "GB18030"},
    {"EUC-KR", "CP949"},
    {"KS_C_5601-1987", "CP949"},
    {"SHIFT_JIS", "CP932"},
    {"SHIFT-JIS", "CP932"},
    {"SJIS", "CP932"},
    {"X-SJIS", "CP932"},
    {"MS_KANJI", "CP932"},
    {"WINDOWS-31J", "CP932"},
    {"BIG5", "BIG5-HKSCS"},
    {"X-X-BIG5", "BIG5-HKSCS"},
    {"ISO-2022-JP", "ISO-2022-JP-2"},
    {"UNICODE-1-1-UTF-7", "UTF-7"},
    {"UTF8", "UTF-8"},
    {"ISO-8859-8-I", "ISO-8859-8"},
    {"UTF-16", "UTF-16"},
    {"UNICODE", "UTF-16"},
};

static void upper_copy(char dst[LX_CHARSET_NAME_MAX], const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < LX_CHARSET_NAME_MAX; i++) {
        char c = src[i];
        dst[i] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    dst[i] = '\0';
    /* Labels arrive quoted or padded from broken headers. */
    while (i > 0 && (dst[i - 1] == ' ' || dst[i - 1] == '"' || dst[i - 1] == '\''))
        dst[--i] = '\0';
    size_t lead = strspn(dst, " \"'");
    if (lead)
        memmove(dst, dst + lead, strlen(dst + lead) + 1);
}

/* The iconv name to read a label with. */
static void resolve(const char *label, char out[LX_CHARSET_NAME_MAX])
{
    upper_copy(out, label);
    for (size_t i = 0; i < sizeof supersets / sizeof supersets[0]; i++) {
        if (strcmp(out, supersets[i].label) == 0) {
            snprintf(out, LX_CHARSET_NAME_MAX, "%s", supersets[i].charset);
            return;
        }
    }
}

static bool is_utf8_name(const char *n)
{
    return strcmp(n, "UTF-8") == 0;
}

/* Wide and stateful encodings whose bytes are never UTF-8 by accident. */
static bool is_multibyte_unicode(const char *n)
{
    return strncmp(n, "UTF-16", 6) == 0 || strncmp(n, "UTF-32", 6) == 0 ||
           strncmp(n, "UCS-", 4) == 0 || strcmp(n, "UTF-7") == 0;
}

static bool has_8bit(const char *d, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)d[i] >= 0x80)
            return true;
    return false;
}

/* Decodes with iconv, one U+FFFD per undecodable byte. Returns false when
 * iconv does not know the charset (out untouched). */
static bool iconv_decode(lx_strbuf *out, const char *charset, const char *data, size_t len,
                         size_t *replaced, lx_status *st)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return false;
    char *in = (char *)data;
    size_t inleft = len;
    char chunk[4096];
    *st = LX_OK;
    while (inleft > 0 && !*st) {
        char *o = chunk;
        size_t oleft = sizeof chunk;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        int err = errno;
        /* NUL is a valid character in every charset but no text holds it:
         * it becomes U+FFFD like any other unreadable byte. */
        size_t got = sizeof chunk - oleft, run = 0;
        for (size_t k = 0; k < got && !*st; k++) {
            if (chunk[k] != '\0')
                continue;
            *st = lx_strbuf_add(out, chunk + run, k - run);
            if (!*st)
                *st = lx_strbuf_add(out, "\xEF\xBF\xBD", 3);
            (*replaced)++;
            run = k + 1;
        }
        if (!*st)
            *st = lx_strbuf_add(out, chunk + run, got - run);
        if (r != (size_t)-1 || *st)
            continue;
        if (err == E2BIG)
            continue;
        /* EILSEQ or EINVAL (a sequence cut off at the end): replace one byte
         * and start afresh, shift state reset. */
        *st = lx_strbuf_add(out, "\xEF\xBF\xBD", 3);
        (*replaced)++;
        in++;
        inleft--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    if (!*st) {
        /* Flush a stateful encoding's final shift sequence. */
        char *o = chunk;
        size_t oleft = sizeof chunk;
        iconv(cd, NULL, NULL, &o, &oleft);
        *st = lx_strbuf_add(out, chunk, sizeof chunk - oleft);
    }
    iconv_close(cd);
    return true;
}

/* Decodes into a scratch buffer and returns how many bytes it replaced, or
 * (size_t)-1 when the charset is unknown. */
static size_t trial(lx_strbuf *scratch, const char *charset, const char *data, size_t len,
                    lx_status *st)
{
    size_t bad = 0;
    lx_strbuf_reset(scratch);
    if (is_utf8_name(charset)) {
        *st = lx_utf8_sanitize(scratch, data, len, &bad);
        return bad;
    }
    if (!iconv_decode(scratch, charset, data, len, &bad, st))
        return (size_t)-1;
    return bad;
}

/* Charsets mail clients really wrote. uchardet also answers with DOS and Mac
 * code pages, which on short or noisy text are mostly wrong guesses. */
static bool plausible_for_mail(const char *n)
{
    static const char *const prefixes[] = {"UTF-",  "WINDOWS-", "ISO-8859-", "KOI8-", "GB",
                                           "BIG5",  "CP932",    "SHIFT",     "EUC-",  "ISO-2022-",
                                           "CP949", "UHC",      "TIS-620",   "CP874", NULL};
    for (size_t i = 0; prefixes[i]; i++)
        if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

void lx_charset_guess(const char *data, size_t len, char name[LX_CHARSET_NAME_MAX])
{
    name[0] = '\0';
    uchardet_t ud = uchardet_new();
    if (ud) {
        if (uchardet_handle_data(ud, data, len) == 0) {
            uchardet_data_end(ud);
            const char *g = uchardet_get_charset(ud);
            if (g && *g && strcasecmp(g, "ASCII") != 0)
                resolve(g, name);
            if (name[0] && !plausible_for_mail(name))
                name[0] = '\0';
        }
        uchardet_delete(ud);
    }
    if (!name[0])
        snprintf(name, LX_CHARSET_NAME_MAX, "%s", "WINDOWS-1252");
}

lx_status lx_charset_decode(lx_strbuf *out, const char *label, const char *data, size_t len,
                            lx_charset_info *info)
{
    lx_charset_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    upper_copy(info->declared, label);
    char want[LX_CHARSET_NAME_MAX];
    resolve(label, want);

    lx_strbuf scratch;
    lx_strbuf_init(&scratch);
    lx_status st = LX_OK;
    size_t bad = (size_t)-1;
    const char *used = want;
    char guess[LX_CHARSET_NAME_MAX] = "";
    bool utf8_ok = lx_utf8_valid(data, len);

    if (want[0] &&
        !(utf8_ok && has_8bit(data, len) && !is_utf8_name(want) && !is_multibyte_unicode(want)))
        bad = trial(&scratch, want, data, len, &st);
    /* A few bad bytes in text the label otherwise explains are damage, not a
     * wrong label: keep the label's reading with U+FFFD for the damage. */
    size_t high = 0;
    for (size_t i = 0; i < len; i++)
        high += (unsigned char)data[i] >= 0x80;
    bool damaged = bad != (size_t)-1 && bad > 0 && bad * 20 < high;
    if (!st && !damaged && (bad == (size_t)-1 || bad > 0)) {
        /* No label, an unknown one, or bytes it cannot explain: guess. */
        const char *g;
        if (utf8_ok) {
            g = "UTF-8";
        } else {
            lx_charset_guess(data, len, guess);
            g = guess;
        }
        lx_strbuf alt;
        lx_strbuf_init(&alt);
        size_t alt_bad = trial(&alt, g, data, len, &st);
        if (alt_bad == (size_t)-1 && !st) {
            g = "WINDOWS-1252";
            alt_bad = trial(&alt, g, data, len, &st);
        }
        if (!st && alt_bad != (size_t)-1 && (bad == (size_t)-1 || alt_bad < bad)) {
            lx_strbuf tmp = scratch;
            scratch = alt;
            alt = tmp;
            bad = alt_bad;
            used = g;
        }
        lx_strbuf_release(&alt);
    }
    if (!st) {
        snprintf(info->used, sizeof info->used, "%s", used);
        info->guessed = strcmp(used, want) != 0;
        info->replaced = bad == (size_t)-1 ? 0 : bad;
        size_t skip = scratch.len >= 3 && memcmp(scratch.buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        st = lx_strbuf_add(out, scratch.buf + skip, scratch.len - skip);
    }
    lx_strbuf_release(&scratch);
    return st;
}

void lx_charset_codepage(long cp, char name[LX_CHARSET_NAME_MAX])
{
    /* Windows code pages whose iconv name is not CPnnnn. */
    static const struct {
        long cp;
        const char *name;
    } named[] = {
        {1200, "UTF-16LE"},    {1201, "UTF-16BE"},    {12000, "UTF-32LE"},  {12001, "UTF-32BE"},
        {65000, "UTF-7"},      {65001, "UTF-8"},      {20127, "US-ASCII"},  {20866, "KOI8-R"},
        {21866, "KOI8-U"},     {50220, "ISO-2022-JP"}, {50221, "ISO-2022-JP"},
        {50222, "ISO-2022-JP"}, {50225, "ISO-2022-KR"}, {51932, "EUC-JP"},   {51936, "GB18030"},
        {51949, "EUC-KR"},     {52936, "HZ-GB-2312"}, {54936, "GB18030"},   {10000, "MACINTOSH"},
        {28603, "ISO-8859-13"}, {28605, "ISO-8859-15"},
    };
    name[0] = '\0';
    if (cp <= 0 || cp > 65535)
        return;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (named[i].cp == cp) {
            snprintf(name, LX_CHARSET_NAME_MAX, "%s", named[i].name);
            return;
        }
    }
    if (cp >= 28591 && cp <= 28599)
        snprintf(name, LX_CHARSET_NAME_MAX, "ISO-8859-%ld", cp - 28590);
    else if (cp >= 1250 && cp <= 1258)
        snprintf(name, LX_CHARSET_NAME_MAX, "WINDOWS-%ld", cp);
    else
        snprintf(name, LX_CHARSET_NAME_MAX, "CP%ld", cp);
}
