/* http.h - leakdex-web's HTTP layer: libmicrohttpd behind this one interface (threads, limits, TLS, the headers every response carries). */
#ifndef LX_WEB_HTTP_H
#define LX_WEB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* One request, as the layer read it; valid during the handler's call. */
typedef struct lx_http_request {
    const char *method; /* "GET", "HEAD" or "POST" (others never reach a handler) */
    const char *target; /* the request target exactly as sent: path and query string */
    const char *body;   /* POST: the body (at most LX_WEB_MAX_BODY_BYTES); else "" */
    size_t body_len;
    bool tls;   /* the connection is HTTPS */
    void *conn; /* the layer's connection: for lx_http_header */
} lx_http_request;

/* The value of request header name (any case), or of cookie name when
 * cookie; NULL when absent. Owned by the layer, valid during the call. */
const char *lx_http_header(const lx_http_request *req, const char *name);
const char *lx_http_cookie(const lx_http_request *req, const char *name);

/*
 * What a handler answers. Every response, the layer's own errors too, also
 * gets the security headers (a Content-Security-Policy with no inline
 * script and no other origin, X-Content-Type-Options: nosniff,
 * Referrer-Policy: no-referrer, X-Frame-Options: DENY); no_store adds
 * Cache-Control: no-store. Init with lx_http_response_init; the layer
 * releases it.
 */
typedef struct lx_http_response {
    unsigned status;
    const char *content_type; /* static text */
    lx_strbuf body;           /* sent when fd < 0 */
    int fd;                   /* else this file from its start, size bytes (the layer closes it) */
    uint64_t size;
    bool no_store;
    lx_strbuf headers; /* more headers, "Name: value\n" each (lx_http_add_header) */
} lx_http_response;

void lx_http_response_init(lx_http_response *res);
void lx_http_response_release(lx_http_response *res);

/* Adds header name: value (value checked: no CR, LF or NUL). */
lx_status lx_http_add_header(lx_http_response *res, const char *name, const char *value);

/* Makes res the JSON error {"version": 1, "error": "LINE", "status": N}. */
void lx_http_json_error(lx_http_response *res, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef void (*lx_http_handler)(void *ctx, const lx_http_request *req, lx_http_response *res);

/* How the server listens and runs. */
typedef struct lx_http_config {
    const char *address;  /* a numeric IPv4 or IPv6 address */
    unsigned port;        /* 0: any free one */
    unsigned threads;     /* worker threads */
    const char *tls_cert; /* PEM text of the certificate (chain), NULL: plain HTTP */
    const char *tls_key;  /* PEM text of its key */
    lx_http_handler handler;
    void *ctx;
} lx_http_config;

typedef struct lx_http_server lx_http_server;

/* Starts serving (in threads of its own); *port gets the port bound. On
 * failure NULL and why says why in one line. Stop with lx_http_stop. */
lx_http_server *lx_http_start(const lx_http_config *c, unsigned *port, lx_strbuf *why);
void lx_http_stop(lx_http_server *s);

#endif
