/* rtf.c - the text of an RTF document (attachments, and the body of a converted Outlook item): a small reader written for leakdex.
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
#include "escape.h"
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
    rtf_group *stack;    /* the state of each open group, stack[depth] the innermost */
    int depth, overflow; /* overflow: groups open past LX_RTF_MAX_DEPTH */
    int skip_fallback;   /* fallback symbols after \uN still to skip */
    bool dest_next;      /* a \* was seen: the group is a destination to skip */
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

/* A fallback symbol after \uN still to skip: true (and one fewer left)
 * when the item just read is one. */
static bool fallback(rtf *r)
{
    if (r->skip_fallback <= 0)
        return false;
    r->skip_fallback--;
    return true;
}

/* A byte of text (plain, or \'hh): kept unless it is a fallback or the
 * group is skipped. */
static void text_byte(rtf *r, char c)
{
    if (!fallback(r) && !r->stack[r->depth].skip)
        put_char(r, c);
}

/* A control symbol, \X for a character X that is no letter. */
static void control_symbol(rtf *r, char c)
{
    if (c == '*') {
        r->dest_next = true;
        return;
    }
    if (fallback(r) || r->stack[r->depth].skip)
        return;
    if (c == '\\' || c == '{' || c == '}')
        put_char(r, c);
    else if (c == '~')
        put_code_point(r, 0xA0);
    else if (c == '_')
        put_code_point(r, 0x2011);
    else if (c == '\n' || c == '\r')
        put_char(r, '\n');
    else if (c == '\t')
        put_char(r, '\t');
}

/* The control words that stand for text: a byte (0 for none) or a code
 * point. */
static const struct {
    const char *word;
    char byte;
    unsigned code_point;
} text_words[] = {
    {"par", '\n', 0},         {"line", '\n', 0},        {"row", '\n', 0},
    {"sect", '\n', 0},        {"page", '\n', 0},        {"tab", '\t', 0},
    {"cell", '\t', 0},        {"emdash", 0, 0x2014},    {"endash", 0, 0x2013},
    {"bullet", 0, 0x2022},    {"lquote", 0, 0x2018},    {"rquote", 0, 0x2019},
    {"ldblquote", 0, 0x201C}, {"rdblquote", 0, 0x201D},
};

/* A control word and its number (has_num); returns how many bytes of data
 * after it to skip (\binN's binary data). */
static size_t control_word(rtf *r, const char *word, bool has_num, long num)
{
    rtf_group *g = &r->stack[r->depth];
    if (r->dest_next || skipped_destination(word)) {
        g->skip = true;
        r->dest_next = false;
        return 0;
    }
    if (strcmp(word, "ansicpg") == 0 && has_num && num > 0 && num < 100000) {
        flush_bytes(r);
        snprintf(r->codepage, sizeof r->codepage, "%s%ld",
                 num >= 1250 && num <= 1258 ? "WINDOWS-" : "CP", num);
        return 0;
    }
    if (strcmp(word, "uc") == 0 && has_num) {
        g->uc = num < 0 ? 0 : num > 16 ? 16 : (int)num;
        return 0;
    }
    if (strcmp(word, "u") == 0 && has_num) {
        if (!g->skip)
            put_code_point(r, (unsigned)(num < 0 ? num + 65536 : num) & 0xFFFF);
        r->skip_fallback = g->uc;
        return 0;
    }
    if (fallback(r) || g->skip)
        return 0;
    for (size_t k = 0; k < sizeof text_words / sizeof text_words[0]; k++) {
        if (strcmp(word, text_words[k].word) != 0)
            continue;
        if (text_words[k].byte)
            put_char(r, text_words[k].byte);
        else
            put_code_point(r, text_words[k].code_point);
        return 0;
    }
    /* Binary data: skipped whole. */
    return strcmp(word, "bin") == 0 && has_num && num > 0 ? (size_t)num : 0;
}

/* Reads the control word at data[i] (a letter), its number and delimiting
 * space, and applies it; returns where the next item starts. */
static size_t read_control_word(rtf *r, const char *data, size_t len, size_t i)
{
    char word[32];
    size_t wn = 0;
    while (i < len && ((data[i] >= 'a' && data[i] <= 'z') || (data[i] >= 'A' && data[i] <= 'Z'))) {
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
    size_t skip = control_word(r, word, has_num, num);
    return i + (skip < len - i ? skip : len - i);
}

/* A group opens ({) or closes (}): the state of the group around is kept
 * or restored; past LX_RTF_MAX_DEPTH only counted. */
static void group(rtf *r, bool open)
{
    if (open && r->depth < LX_RTF_MAX_DEPTH) {
        r->stack[r->depth + 1] = r->stack[r->depth];
        r->depth++;
    } else if (open) {
        r->overflow++;
    } else if (r->overflow > 0) {
        r->overflow--;
    } else if (r->depth > 0) {
        r->depth--;
    }
    if (open)
        r->dest_next = false;
    r->skip_fallback = 0;
}

/* Reads what follows a backslash at data[i]: a hex byte, a control symbol
 * or a control word; returns where the next item starts. */
static size_t read_control(rtf *r, const char *data, size_t len, size_t i)
{
    char c = data[i];
    if (c == '\'') {
        int hi = i + 1 < len ? lx_hex_value(data[i + 1]) : -1;
        int lo = i + 2 < len ? lx_hex_value(data[i + 2]) : -1;
        i += 1 + (hi >= 0) + (hi >= 0 && lo >= 0);
        if (hi >= 0 && lo >= 0)
            text_byte(r, (char)(hi * 16 + lo));
        return i;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        control_symbol(r, c);
        return i + 1;
    }
    return read_control_word(r, data, len, i);
}

lx_status lx_rtf_text(const char *data, size_t len, size_t max, lx_strbuf *out)
{
    rtf r;
    memset(&r, 0, sizeof r);
    r.out = out;
    lx_strbuf_init(&r.bytes);
    snprintf(r.codepage, sizeof r.codepage, "WINDOWS-1252");
    r.stack = calloc(LX_RTF_MAX_DEPTH + 1, sizeof *r.stack);
    if (!r.stack)
        return LX_E_NOMEM;
    r.stack[0].uc = 1;
    size_t start = out->len;
    size_t i = 0;
    while (i < len && !r.st && out->len - start + r.bytes.len <= max) {
        char c = data[i];
        if (c == '{' || c == '}') {
            group(&r, c == '{');
            i++;
        } else if (c == '\r' || c == '\n') {
            i++;
        } else if (c != '\\') {
            text_byte(&r, c);
            i++;
        } else if (++i < len) {
            i = read_control(&r, data, len, i);
        }
    }
    flush_bytes(&r);
    if (r.high_surrogate && !r.st)
        r.st = lx_utf8_add_code_point(out, 0xFFFD);
    free(r.stack);
    lx_strbuf_release(&r.bytes);
    return r.st;
}
