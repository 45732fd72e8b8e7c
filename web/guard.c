/* guard.c - who may ask: the Host check against DNS rebinding, the access token, the login form and its CSRF check. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "web.h"
#include "banned.h"

bool web_guard_host(const web_app *app, const lx_http_request *req, lx_http_response *res)
{
    if (!app->loopback)
        return true;
    const char *host = lx_http_header(req, "Host");
    for (size_t i = 0; host && i < app->n_hosts; i++)
        if (strcasecmp(host, app->hosts[i]) == 0)
            return true;
    lx_http_json_error(res, 421,
                       "this server answers only to its own address (%s): the Host of this "
                       "request names another (a DNS rebinding attack?)",
                       app->hosts[0]);
    return false;
}

/* Whether given is the secret, in a time that does not depend on where
 * they differ. */
static bool same_secret(const char *given, const char *secret)
{
    size_t lg = strlen(given), ls = strlen(secret);
    unsigned char diff = lg != ls;
    for (size_t i = 0; i < ls; i++)
        diff |= (unsigned char)((i < lg ? given[i] : 0) ^ secret[i]);
    return diff == 0;
}

/* Adds Set-Cookie name=value (HttpOnly, SameSite=Strict, Path path;
 * Secure under TLS). */
static void set_cookie(const web_app *app, lx_http_response *res, const char *name,
                       const char *value, const char *path)
{
    char line[512];
    snprintf(line, sizeof line, "%s=%s; HttpOnly; SameSite=Strict; Path=%s%s", name, value, path,
             app->tls ? "; Secure" : "");
    lx_http_add_header(res, "Set-Cookie", line);
}

/* The login form (401), with a fresh CSRF value in its cookie and field;
 * failed: the last try was wrong. */
static void login_page(const web_app *app, lx_http_response *res, bool failed)
{
    unsigned char r[16];
    char csrf[2 * sizeof r + 1];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        lx_http_json_error(res, 500, "no random numbers for the login form");
        return;
    }
    for (size_t i = 0; i < sizeof r; i++)
        snprintf(csrf + 2 * i, 3, "%02x", r[i]);
    res->status = 401;
    res->content_type = "text/html; charset=utf-8";
    res->no_store = true;
    lx_strbuf_reset(&res->body);
    lx_strbuf_addf(
        &res->body,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
        "<title>leakdex: access token</title>"
        "<link rel=\"stylesheet\" href=\"/static/app.css\"></head>\n<body>\n"
        "<h1>leakdex</h1>\n%s"
        "<form method=\"post\" action=\"/login\">\n"
        "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
        "<label>Access token / Jeton d'acc\xc3\xa8s "
        "<input type=\"password\" name=\"token\" autocomplete=\"off\" autofocus></label>\n"
        "<button type=\"submit\">Log in / Entrer</button>\n</form>\n</body>\n</html>\n",
        failed ? "<p>Wrong token. / Jeton incorrect.</p>\n" : "", csrf);
    set_cookie(app, res, "lx_csrf", csrf, "/login");
}

bool web_guard_token(const web_app *app, const lx_http_request *req, const web_target *t,
                     lx_http_response *res)
{
    if (!app->token)
        return true;
    const char *cookie = lx_http_cookie(req, "lx_token");
    if (cookie && same_secret(cookie, app->token))
        return true;
    bool api = web_segment_is(t, 0, "api");
    const char *given = web_param(t, "token");
    if (given && same_secret(given, app->token)) {
        if (api)
            return true;
        /* A page: the cookie, then the same URL without the token. */
        set_cookie(app, res, "lx_token", app->token, "/");
        lx_strbuf to;
        lx_strbuf_init(&to);
        lx_strbuf_addstr(&to, t->path_raw);
        for (size_t i = 0, kept = 0; i < t->n_params; i++)
            if (strcmp(t->key[i], "token") != 0)
                lx_strbuf_addf(&to, "%c%s", kept++ ? '&' : '?', t->raw[i]);
        res->status = 303;
        res->content_type = "text/plain; charset=utf-8";
        if (lx_http_add_header(res, "Location", to.buf))
            lx_http_json_error(res, 400, "bad URL");
        lx_strbuf_release(&to);
        return false;
    }
    if (api)
        lx_http_json_error(res, 401,
                           "this server asks for its access token: log in at /login, or add "
                           "?token=");
    else
        login_page(app, res, given != NULL);
    return false;
}

void web_login(const web_app *app, const lx_http_request *req, const web_target *t,
               lx_http_response *res)
{
    if (!app->token || t->n_segments != 1) {
        lx_http_json_error(res, 404, "no such page");
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        login_page(app, res, false);
        return;
    }
    /* The form's fields, read as a query string. */
    lx_strbuf as_target;
    lx_strbuf_init(&as_target);
    lx_strbuf_addstr(&as_target, "/login?");
    lx_strbuf_add(&as_target, req->body, req->body_len);
    web_target form;
    memset(&form, 0, sizeof form);
    bool read = strlen(as_target.buf) == as_target.len && web_target_parse(&form, as_target.buf);
    const char *csrf = read ? web_param(&form, "csrf") : NULL;
    const char *token = read ? web_param(&form, "token") : NULL;
    const char *expected = lx_http_cookie(req, "lx_csrf");
    if (!csrf || !expected || !*expected || !same_secret(csrf, expected)) {
        lx_http_json_error(res, 403,
                           "the login form's check failed (cookies off, or the form came from "
                           "another page): open /login again");
    } else if (!token || !same_secret(token, app->token)) {
        login_page(app, res, true);
    } else {
        set_cookie(app, res, "lx_token", app->token, "/");
        res->status = 303;
        res->content_type = "text/plain; charset=utf-8";
        lx_http_add_header(res, "Location", "/");
    }
    web_target_release(&form);
    lx_strbuf_release(&as_target);
}
