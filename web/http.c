/* http.c - leakdex-web's HTTP layer on libmicrohttpd: the only file that includes microhttpd.h. */
#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "caps.h"
#include "escape.h"
#include "banned.h"

/* The headers of every response (the contract of issue 25). */
#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

struct lx_http_server {
    struct MHD_Daemon *daemon;
    lx_http_config c;
};

/* One request under way: its target as sent (the URI callback saw it first)
 * and its body. */
typedef struct request_state {
    lx_strbuf target;
    bool target_too_long;
    lx_strbuf body;
    bool body_too_big;
    bool started; /* the headers were seen: the next calls bring the body */
} request_state;

void lx_http_response_init(lx_http_response *res)
{
    *res = (lx_http_response){.status = 200, .content_type = "application/json", .fd = -1};
    lx_strbuf_init(&res->body);
    lx_strbuf_init(&res->headers);
}

void lx_http_response_release(lx_http_response *res)
{
    if (res->fd >= 0)
        close(res->fd);
    res->fd = -1;
    lx_strbuf_release(&res->body);
    lx_strbuf_release(&res->headers);
}

lx_status lx_http_add_header(lx_http_response *res, const char *name, const char *value)
{
    if (strpbrk(value, "\r\n"))
        return LX_E_INVALID;
    return lx_strbuf_addf(&res->headers, "%s: %s\n", name, value);
}

void lx_http_json_error(lx_http_response *res, unsigned status, const char *fmt, ...)
{
    lx_strbuf line;
    lx_strbuf_init(&line);
    va_list ap;
    va_start(ap, fmt);
    lx_strbuf_vaddf(&line, fmt, ap);
    va_end(ap);
    if (res->fd >= 0)
        close(res->fd);
    res->fd = -1;
    res->status = status;
    res->content_type = "application/json";
    res->no_store = true;
    lx_strbuf_reset(&res->body);
    lx_strbuf_addstr(&res->body, "{\"version\": 1, \"error\": ");
    lx_escape_json(&res->body, line.buf, line.len);
    lx_strbuf_addf(&res->body, ", \"status\": %u}\n", status);
    lx_strbuf_release(&line);
}

const char *lx_http_header(const lx_http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *lx_http_cookie(const lx_http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

/* Keeps the target as sent: the path is routed from it, undecoded, so that
 * "%2f" in an id never becomes a separator. */
static void *on_target(void *cls, const char *uri, struct MHD_Connection *con)
{
    (void)cls;
    (void)con;
    request_state *rs = calloc(1, sizeof *rs);
    if (!rs)
        return NULL;
    lx_strbuf_init(&rs->target);
    lx_strbuf_init(&rs->body);
    size_t len = strlen(uri);
    rs->target_too_long = len > LX_WEB_MAX_TARGET_BYTES;
    if (!rs->target_too_long)
        lx_strbuf_add(&rs->target, uri, len);
    return rs;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **req_cls,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)con;
    (void)why;
    request_state *rs = *req_cls;
    if (!rs)
        return;
    lx_strbuf_release(&rs->target);
    lx_strbuf_release(&rs->body);
    free(rs);
    *req_cls = NULL;
}

/* Adds the headers of res's text ("Name: value\n" lines) to r. */
static bool add_headers(struct MHD_Response *r, const lx_http_response *res)
{
    bool ok = MHD_add_response_header(r, "Content-Security-Policy", CSP) == MHD_YES &&
              MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
              MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES &&
              MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES &&
              MHD_add_response_header(r, "Content-Type", res->content_type) == MHD_YES;
    if (ok && res->no_store)
        ok = MHD_add_response_header(r, "Cache-Control", "no-store") == MHD_YES;
    lx_strbuf line;
    lx_strbuf_init(&line);
    for (const char *p = res->headers.buf; ok && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lx_strbuf_reset(&line);
        lx_strbuf_add(&line, p, len);
        char *colon = strstr(line.buf, ": ");
        if (colon) {
            *colon = '\0';
            ok = MHD_add_response_header(r, line.buf, colon + 2) == MHD_YES;
        }
        p += len + (nl ? 1 : 0);
    }
    lx_strbuf_release(&line);
    return ok;
}

/* Sends res (and releases it). */
static enum MHD_Result send_response(struct MHD_Connection *con, lx_http_response *res)
{
    struct MHD_Response *r;
    if (res->fd >= 0) {
        r = MHD_create_response_from_fd64(res->size, res->fd);
        if (r)
            res->fd = -1; /* the library closes it */
    } else {
        size_t len = 0;
        char *body = lx_strbuf_detach(&res->body, &len);
        r = body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE) : NULL;
        if (!r)
            free(body);
    }
    enum MHD_Result done = MHD_NO;
    if (r && add_headers(r, res))
        done = MHD_queue_response(con, res->status, r);
    if (r)
        MHD_destroy_response(r);
    lx_http_response_release(res);
    return done;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)url;
    (void)version;
    lx_http_server *s = cls;
    request_state *rs = *req_cls;
    if (!rs)
        return MHD_NO;
    if (!rs->started) {
        rs->started = true;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (rs->body.len + *upload_data_size > LX_WEB_MAX_BODY_BYTES)
            rs->body_too_big = true;
        else
            lx_strbuf_add(&rs->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    lx_http_response res;
    lx_http_response_init(&res);
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (!get && strcmp(method, "POST") != 0) {
        lx_http_json_error(&res, 405, "method %s is not allowed: GET or HEAD", method);
        lx_http_add_header(&res, "Allow", "GET, HEAD");
    } else if (rs->target_too_long) {
        lx_http_json_error(&res, 414, "the URL is longer than %zu bytes", LX_WEB_MAX_TARGET_BYTES);
    } else if (rs->body_too_big) {
        lx_http_json_error(&res, 413, "the request body is longer than %zu bytes",
                           LX_WEB_MAX_BODY_BYTES);
    } else {
        lx_http_request req = {.method = method,
                               .target = rs->target.buf,
                               .body = rs->body.buf,
                               .body_len = rs->body.len,
                               .tls = s->c.tls_cert != NULL,
                               .conn = con};
        s->c.handler(s->c.ctx, &req, &res);
    }
    return send_response(con, &res);
}

/* Fills addr with c's address and port; false when it is not numeric. */
static bool make_address(const lx_http_config *c, struct sockaddr_storage *addr, bool *v6)
{
    memset(addr, 0, sizeof *addr);
    struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, c->address, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)c->port);
        *v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, c->address, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)c->port);
        *v6 = true;
        return true;
    }
    return false;
}

lx_http_server *lx_http_start(const lx_http_config *c, unsigned *port, lx_strbuf *why)
{
    struct sockaddr_storage addr;
    bool v6 = false;
    if (!make_address(c, &addr, &v6)) {
        lx_strbuf_addf(why, "'%s' is not a numeric IPv4 or IPv6 address", c->address);
        return NULL;
    }
    if (c->tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        lx_strbuf_addstr(why, "this libmicrohttpd was built without TLS");
        return NULL;
    }
    lx_http_server *s = calloc(1, sizeof *s);
    if (!s) {
        lx_strbuf_addstr(why, lx_status_str(LX_E_NOMEM));
        return NULL;
    }
    s->c = *c;
    unsigned flags =
        MHD_USE_AUTO_INTERNAL_THREAD | (v6 ? MHD_USE_IPv6 : 0) | (c->tls_cert ? MHD_USE_TLS : 0);
    /* The TLS options last: without TLS the list ends before them. */
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)LX_WEB_MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)LX_WEB_MAX_PER_ADDRESS, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)LX_WEB_IDLE_SECONDS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)LX_WEB_CONNECTION_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, on_target, (void *)s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)s,
        c->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, c->tls_cert,
        MHD_OPTION_HTTPS_MEM_KEY, c->tls_key, MHD_OPTION_END);
    if (!s->daemon) {
        lx_strbuf_addf(why,
                       "cannot listen on %s%s%s:%u (in use, not an address of this machine, "
                       "or a bad TLS certificate or key)",
                       v6 ? "[" : "", c->address, v6 ? "]" : "", c->port);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : c->port;
    return s;
}

void lx_http_stop(lx_http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
