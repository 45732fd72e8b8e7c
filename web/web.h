/* web.h - what leakdex-web's parts share: the server's settings, the request target read, and each part's entry point. */
#ifndef LX_WEB_H
#define LX_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "strbuf.h"
#include "xdb.h"

#define WEB_MAX_DBS 64
#define WEB_MAX_HOSTS 6

/* What the server was started with; read-only once serving. */
typedef struct web_app {
    const char *dbs[WEB_MAX_DBS]; /* every --db, as given */
    size_t n_dbs;
    const char *token;             /* the access token; NULL: none asked (loopback) */
    bool loopback;                 /* listening on a loopback address: Host is checked */
    char hosts[WEB_MAX_HOSTS][80]; /* the Host values accepted on loopback */
    size_t n_hosts;
    bool tls;
} web_app;

/* The request target, read: the path's segments and the query's
 * parameters, percent-decoded (the query's '+' as a space). */
#define WEB_MAX_SEGMENTS 8
#define WEB_MAX_PARAMS 32
typedef struct web_target {
    char *segment[WEB_MAX_SEGMENTS]; /* "/api/search" is "api", "search"; "/" none */
    size_t n_segments;
    char *key[WEB_MAX_PARAMS], *value[WEB_MAX_PARAMS];
    char *raw[WEB_MAX_PARAMS]; /* each parameter as sent ("q=a%20b") */
    size_t n_params;
    char *path_raw; /* the path as sent */
    const char *sent; /* the whole target as sent (not owned) */
} web_target;

/* Reads target (as sent) into t; false when it is malformed: not starting
 * with '/', a bad or NUL percent-escape, more segments or parameters than
 * the limits. Release t either way. */
bool web_target_parse(web_target *t, const char *target);
void web_target_release(web_target *t);
/* The first value of parameter key, NULL when absent; owned by t. */
const char *web_param(const web_target *t, const char *key);
/* Whether segment i is word. */
bool web_segment_is(const web_target *t, size_t i, const char *word);

/* The handler of every request (the lx_http_handler; ctx is the web_app). */
void web_handle(void *ctx, const lx_http_request *req, lx_http_response *res);

/* guard.c: refuses a request whose Host is not this server's on loopback
 * (DNS rebinding: 421), and one without the token when one is asked (the
 * login page, 401; a valid ?token= on a page sets the cookie and
 * redirects). Returns true when the request may go on. */
bool web_guard_host(const web_app *app, const lx_http_request *req, lx_http_response *res);
bool web_guard_token(const web_app *app, const lx_http_request *req, const web_target *t,
                     lx_http_response *res);
/* GET /login (the form, with its CSRF cookie) and POST /login. */
void web_login(const web_app *app, const lx_http_request *req, const web_target *t,
               lx_http_response *res);

/* api.c: /api/... */
void web_api(const web_app *app, const lx_http_request *req, const web_target *t,
             lx_http_response *res);

/* pages.c: the page routes (index.html in the reader's language) and the
 * assets under /static/; false when the target is neither. */
bool web_page(const web_app *app, const lx_http_request *req, const web_target *t,
              lx_http_response *res);

/* handles.c: this thread's handle on the index, at its newest revision
 * (opened at the thread's first request, reopened when the index was
 * replaced, refreshed at each). NULL when it cannot be opened: why says
 * why. Owned by the thread; closed when it ends (web_handles_stop for the
 * calling thread). */
lx_db *web_db(const web_app *app, lx_strbuf *why);
void web_handles_start(void);
void web_handles_stop(void);

/* cache.c: the answer kept for target (as sent) at the index revision rev
 * (lx_db_revision_key), appended to body; false when none is kept. An
 * answer is kept until LX_WEB_CACHE_ENTRIES or LX_WEB_CACHE_BYTES push it
 * out, the least recently used first; a new revision is a new key. */
bool web_cache_get(const char *target, const char *rev, lx_strbuf *body);
void web_cache_put(const char *target, const char *rev, const char *body, size_t len);
void web_cache_clear(void);

/* download.c: makes res a download of file fd (size bytes): Content-Type
 * type, Content-Disposition: attachment with name made safe (RFC 6266: an
 * ASCII fallback without quotes, slashes, controls or a leading dot, and
 * filename*=UTF-8''...). */
void web_download_fd(lx_http_response *res, int fd, size_t size, const char *type,
                     const char *name);
/* The same for bytes in memory (moved into res; a big body goes through an
 * unlinked temporary file). */
void web_download_bytes(lx_http_response *res, lx_strbuf *bytes, const char *type,
                        const char *name);
/* Appends the Content-Disposition value for name. */
lx_status web_disposition(lx_strbuf *out, const char *name);
/* Opens path for reading and unlinks it: *fd and *size; false on failure. */
bool web_take_file(const char *path, int *fd, size_t *size);

#endif
