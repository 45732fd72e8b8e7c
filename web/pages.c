/* pages.c - the pages (index.html, in the reader's language) and the assets of web/static/, from the binary. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assets.h"
#include "web.h"
#include "banned.h"

/* The asset named name, or NULL. */
static const web_asset *asset_find(const char *name)
{
    for (size_t i = 0; i < web_n_assets; i++)
        if (strcmp(web_assets[i].name, name) == 0)
            return &web_assets[i];
    return NULL;
}

/* The Content-Type of a file name, by its extension. */
static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* fr or en from an Accept-Language header: the one with the highest
 * weight (the first of equals); NULL when it names neither. */
static const char *accepted_language(const char *header)
{
    const char *best = NULL;
    double best_q = 0;
    for (const char *p = header; p && *p;) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, ",");
        const char *lang = strncasecmp(p, "fr", 2) == 0   ? "fr"
                           : strncasecmp(p, "en", 2) == 0 ? "en"
                                                          : NULL;
        bool whole = lang && (p[2] == '-' || p[2] == ';' || p[2] == ',' || p[2] == ' ' || !p[2]);
        double q = 1;
        const char *qs = strstr(p, ";q=");
        if (qs && qs < p + len)
            q = strtod(qs + 3, NULL);
        if (whole && q > best_q) {
            best = lang;
            best_q = q;
        }
        p += strcspn(p, ",");
        p += *p == ',';
    }
    return best;
}

/* The reader's language: ?lang=, the lang cookie, Accept-Language, en. */
static const char *page_language(const lx_http_request *req, const web_target *t)
{
    const char *given[] = {web_param(t, "lang"), lx_http_cookie(req, "lang")};
    for (size_t i = 0; i < 2; i++)
        if (given[i] && (strcmp(given[i], "fr") == 0 || strcmp(given[i], "en") == 0))
            return given[i];
    const char *accepted = accepted_language(lx_http_header(req, "Accept-Language"));
    return accepted ? accepted : "en";
}

/* Whether t is one of the pages: /, /message/ID, /thread/ID, /senders,
 * /archive. */
static bool is_page(const web_target *t)
{
    if (t->n_segments == 0)
        return true;
    if (t->n_segments == 1)
        return web_segment_is(t, 0, "senders") || web_segment_is(t, 0, "archive");
    return t->n_segments == 2 && *t->segment[1] &&
           (web_segment_is(t, 0, "message") || web_segment_is(t, 0, "thread"));
}

/* index.html with its <html> tag made <html lang="LANG">. */
static void index_page(const web_asset *a, const char *lang, lx_http_response *res)
{
    const char *html = (const char *)a->bytes;
    const char *tag = strstr(html, "<html");
    const char *end = tag ? strchr(tag, '>') : NULL;
    if (!end) {
        lx_http_json_error(res, 500, "index.html has no <html> tag");
        return;
    }
    lx_strbuf_add(&res->body, html, (size_t)(tag - html));
    lx_strbuf_addf(&res->body, "<html lang=\"%s\">", lang);
    lx_strbuf_add(&res->body, end + 1, a->size - (size_t)(end + 1 - html));
    res->content_type = "text/html; charset=utf-8";
    res->no_store = true;
    lx_http_add_header(res, "Content-Language", lang);
    lx_http_add_header(res, "Vary", "Accept-Language, Cookie");
}

bool web_page(const web_app *app, const lx_http_request *req, const web_target *t,
              lx_http_response *res)
{
    (void)app;
    if (web_segment_is(t, 0, "static")) {
        const web_asset *a = t->n_segments == 2 ? asset_find(t->segment[1]) : NULL;
        if (!a)
            return false;
        res->content_type = content_type(a->name);
        lx_strbuf_add(&res->body, a->bytes, a->size);
        return true;
    }
    if (!is_page(t))
        return false;
    const web_asset *a = asset_find("index.html");
    if (!a)
        lx_http_json_error(res, 500, "index.html was not compiled in");
    else
        index_page(a, page_language(req, t), res);
    return true;
}
