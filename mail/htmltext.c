/* htmltext.c - HTML to plain text through libxml2's forgiving HTML parser. */
#include "htmltext.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "banned.h"

static bool is_skipped(const char *name)
{
    static const char *const skip[] = {"script", "style", "head", "noscript", "template", NULL};
    for (size_t i = 0; skip[i]; i++)
        if (strcasecmp(name, skip[i]) == 0)
            return true;
    return false;
}

static bool is_block(const char *name)
{
    static const char *const block[] = {
        "p",          "div", "br",      "tr",      "li",     "h1",     "h2",      "h3",     "h4",
        "h5",         "h6",  "table",   "ul",      "ol",     "dl",     "dt",      "dd",     "pre",
        "blockquote", "hr",  "section", "article", "header", "footer", "address", "center", "form",
        "fieldset",   "nav", "aside",   "figure",  "main",   "tbody",  "thead",   "title",  NULL};
    for (size_t i = 0; block[i]; i++)
        if (strcasecmp(name, block[i]) == 0)
            return true;
    return false;
}

/* Collects text with white space collapsed; `pending` remembers a space or a
 * line break owed before the next visible character. */
typedef struct text_sink {
    lx_strbuf *out;
    int pending; /* 0 none, 1 space, 2 newline */
    bool at_start;
    lx_status st;
} text_sink;

static void sink_break(text_sink *s, int kind)
{
    if (!s->at_start && kind > s->pending)
        s->pending = kind;
}

static void sink_text(text_sink *s, const char *t, bool pre)
{
    for (const char *p = t; *p && !s->st; p++) {
        char c = *p;
        if (!pre && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
            sink_break(s, 1);
            continue;
        }
        if (s->pending == 2)
            s->st = lx_strbuf_addch(s->out, '\n');
        else if (s->pending == 1)
            s->st = lx_strbuf_addch(s->out, ' ');
        s->pending = 0;
        s->at_start = false;
        if (!s->st)
            s->st = lx_strbuf_addch(s->out, c);
    }
}

lx_status lx_htmltext_extract(lx_strbuf *out, const char *html, size_t len)
{
    if (len == 0)
        return LX_OK;
    if (len > INT_MAX)
        len = INT_MAX;
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET);
    if (!doc)
        return LX_OK; /* nothing a parser could read: no text */
    text_sink s = {out, 0, true, LX_OK};
    if (out->len > 0)
        s.at_start = false;
    int pre_depth = 0;
    /* Iterative walk: hostile mail nests elements thousands deep. */
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr n = root;
    while (n && !s.st) {
        bool descend = false;
        if (n->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)n->name;
            if (!is_skipped(name)) {
                if (is_block(name))
                    sink_break(&s, 2);
                else if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0)
                    sink_break(&s, 1);
                if (strcasecmp(name, "pre") == 0)
                    pre_depth++;
                descend = n->children != NULL;
            }
        } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                sink_text(&s, (const char *)n->content, pre_depth > 0);
        }
        if (descend) {
            n = n->children;
            continue;
        }
        /* Leave n and every ancestor that has no next sibling. */
        while (n) {
            if (n->type == XML_ELEMENT_NODE && !is_skipped((const char *)n->name)) {
                if (is_block((const char *)n->name))
                    sink_break(&s, 2);
                if (strcasecmp((const char *)n->name, "pre") == 0)
                    pre_depth--;
            }
            if (n == root) {
                n = NULL;
            } else if (n->next) {
                n = n->next;
                break;
            } else {
                n = n->parent;
            }
        }
    }
    xmlFreeDoc(doc);
    return s.st;
}
