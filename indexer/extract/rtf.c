/* rtf.c - the text of an RTF document: a small reader written for leakdex.
 *
 * RTF is a stream of groups ({...}), control words (\word, optionally with a
 * signed number and one delimiting space), control symbols (\X), hex bytes
 * (\'hh) and plain text. Only the state that changes the text is kept per
 * group: whether its text is skipped (a destination such as \fonttbl or any
 * \*) and the \uc fallback count. Nesting past LX_RTF_MAX_DEPTH keeps the
 * deepest state, so hostile input costs nothing extra.
 */
#include "rtf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "charset.h"
#include "utf8.h"
#include "banned.h"

typedef struct rtf_group {
    bool skip; /* text in this group is not document text */
    int uc;    /* bytes or symbols that follow \uN as its fallback */
} rtf_group;

typedef struct rtf {
    lx_strbuf *out;
    lx_strbuf bytes;         /* 8-bit bytes waiting for their code page */
    char codepage[24];       /* iconv name of the document's code page */
    unsigned high_surrogate; /* a \u high surrogate waiting for its pair */
    lx_status st;
} rtf;

/* Destinations whose text is not document text. */
static bool skipped_destination(const char *w)
{
    static const char *const names[] = {"fonttbl",    "colortbl",
                                        "stylesheet", "info",
                                        "pict",       "object",
                                        "themedata",  "datastore",
                                        "listtable",  "listoverridetable",
                                        "rsidtbl",    "generator",
                                        "xmlnstbl",   "latentstyles",
                                        "fldinst",    "header",
                                        "footer",     "headerl",
                                        "headerr",    "headerf",
                                        "footerl",    "footerr",
                                        "footerf",    "filetbl",
                                        "revtbl",     "colorschememapping",
                                        "mmathPr",    "blipuid",
                                        "bkmkstart",  "bkmkend",
                                        "nonshppict", "pntext",
                                        "pntxta",     "pntxtb",
                                        "template",   "userprops",
                                        NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(w, names[i]) == 0)
            return true;
    return false;
}

static void flush_bytes(rtf *r)
{
    if (!r->bytes.len || r->st)
        return;
    lx_charset_info info;
    memset(&info, 0, sizeof info);
    lx_strbuf text;
    lx_strbuf_init(&text);
    r->st = lx_charset_decode(&text, r->codepage, r->bytes.buf, r->bytes.len, &info);
    if (!r->st)
        r->st = lx_strbuf_add(r->out, text.buf, text.len);
    lx_strbuf_release(&text);
    lx_strbuf_reset(&r->bytes);
}

static void put_char(rtf *r, char c)
{
    if (!r->st)
        r->st = lx_strbuf_addch(&r->bytes, c);
}

static void put_code_point(rtf *r, unsigned cp)
{
    flush_bytes(r);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        r->high_surrogate = cp;
        return;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        if (!r->high_surrogate)
            cp = 0xFFFD;
        else
            cp = 0x10000 + ((r->high_surrogate - 0xD800) << 10) + (cp - 0xDC00);
    } else if (r->high_surrogate) {
        if (!r->st)
            r->st = lx_utf8_add_code_point(r->out, 0xFFFD);
    }
    r->high_surrogate = 0;
    if (cp == 0)
        cp = 0xFFFD;
    if (!r->st)
        r->st = lx_utf8_add_code_point(r->out, cp);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

lx_status lx_rtf_text(const char *data, size_t len, size_t max, lx_strbuf *out)
{
    rtf r;
    memset(&r, 0, sizeof r);
    r.out = out;
    lx_strbuf_init(&r.bytes);
    snprintf(r.codepage, sizeof r.codepage, "WINDOWS-1252");
    rtf_group *stack = calloc(LX_RTF_MAX_DEPTH + 1, sizeof *stack);
    if (!stack)
        return LX_E_NOMEM;
    int depth = 0, overflow = 0;
    stack[0].uc = 1;
    size_t start = out->len;
    int skip_fallback = 0;  /* fallback symbols after \uN still to skip */
    bool dest_next = false; /* a \* was seen: the group is a destination to skip */
    size_t i = 0;
    while (i < len && !r.st && out->len - start + r.bytes.len <= max) {
        char c = data[i];
        rtf_group *g = &stack[depth];
        if (c == '{') {
            if (depth < LX_RTF_MAX_DEPTH) {
                stack[depth + 1] = *g;
                depth++;
            } else {
                overflow++;
            }
            dest_next = false;
            skip_fallback = 0;
            i++;
            continue;
        }
        if (c == '}') {
            if (overflow > 0)
                overflow--;
            else if (depth > 0)
                depth--;
            skip_fallback = 0;
            i++;
            continue;
        }
        if (c == '\r' || c == '\n') {
            i++;
            continue;
        }
        if (c != '\\') {
            if (skip_fallback > 0)
                skip_fallback--;
            else if (!g->skip)
                put_char(&r, c);
            i++;
            continue;
        }
        /* A control word or symbol. */
        i++;
        if (i >= len)
            break;
        c = data[i];
        if (c == '\'') {
            int hi = i + 1 < len ? hexval(data[i + 1]) : -1;
            int lo = i + 2 < len ? hexval(data[i + 2]) : -1;
            i += 1 + (hi >= 0) + (hi >= 0 && lo >= 0);
            if (hi < 0 || lo < 0)
                continue;
            if (skip_fallback > 0)
                skip_fallback--;
            else if (!g->skip)
                put_char(&r, (char)(hi * 16 + lo));
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            i++;
            if (c == '*') {
                dest_next = true;
                continue;
            }
            if (skip_fallback > 0) {
                skip_fallback--;
                continue;
            }
            if (g->skip)
                continue;
            if (c == '\\' || c == '{' || c == '}')
                put_char(&r, c);
            else if (c == '~')
                put_code_point(&r, 0xA0);
            else if (c == '_')
                put_code_point(&r, 0x2011);
            else if (c == '\n' || c == '\r')
                put_char(&r, '\n');
            else if (c == '\t')
                put_char(&r, '\t');
            continue;
        }
        char word[32];
        size_t wn = 0;
        while (i < len &&
               ((data[i] >= 'a' && data[i] <= 'z') || (data[i] >= 'A' && data[i] <= 'Z'))) {
            if (wn + 1 < sizeof word)
                word[wn++] = data[i];
            i++;
        }
        word[wn] = '\0';
        bool has_num = false, neg = false;
        long num = 0;
        if (i < len && data[i] == '-') {
            neg = true;
            i++;
        }
        while (i < len && data[i] >= '0' && data[i] <= '9') {
            if (num < 100000000)
                num = num * 10 + (data[i] - '0');
            has_num = true;
            i++;
        }
        if (neg)
            num = -num;
        if (i < len && data[i] == ' ')
            i++;
        if (dest_next || skipped_destination(word)) {
            g->skip = true;
            dest_next = false;
            continue;
        }
        if (strcmp(word, "ansicpg") == 0 && has_num && num > 0 && num < 100000) {
            flush_bytes(&r);
            snprintf(r.codepage, sizeof r.codepage, "%s%ld",
                     num >= 1250 && num <= 1258 ? "WINDOWS-" : "CP", num);
            continue;
        }
        if (strcmp(word, "uc") == 0 && has_num) {
            g->uc = num < 0 ? 0 : num > 16 ? 16 : (int)num;
            continue;
        }
        if (strcmp(word, "u") == 0 && has_num) {
            if (!g->skip)
                put_code_point(&r, (unsigned)(num < 0 ? num + 65536 : num) & 0xFFFF);
            skip_fallback = g->uc;
            continue;
        }
        if (skip_fallback > 0) {
            skip_fallback--;
            continue;
        }
        if (g->skip)
            continue;
        if (strcmp(word, "par") == 0 || strcmp(word, "line") == 0 || strcmp(word, "row") == 0 ||
            strcmp(word, "sect") == 0 || strcmp(word, "page") == 0)
            put_char(&r, '\n');
        else if (strcmp(word, "tab") == 0 || strcmp(word, "cell") == 0)
            put_char(&r, '\t');
        else if (strcmp(word, "emdash") == 0)
            put_code_point(&r, 0x2014);
        else if (strcmp(word, "endash") == 0)
            put_code_point(&r, 0x2013);
        else if (strcmp(word, "bullet") == 0)
            put_code_point(&r, 0x2022);
        else if (strcmp(word, "lquote") == 0)
            put_code_point(&r, 0x2018);
        else if (strcmp(word, "rquote") == 0)
            put_code_point(&r, 0x2019);
        else if (strcmp(word, "ldblquote") == 0)
            put_code_point(&r, 0x201C);
        else if (strcmp(word, "rdblquote") == 0)
            put_code_point(&r, 0x201D);
        else if (strcmp(word, "bin") == 0 && has_num && num > 0) {
            /* Binary data: skipped whole. */
            i += (size_t)num < len - i ? (size_t)num : len - i;
        }
    }
    flush_bytes(&r);
    if (r.high_surrogate && !r.st)
        r.st = lx_utf8_add_code_point(out, 0xFFFD);
    free(stack);
    lx_strbuf_release(&r.bytes);
    return r.st;
}
