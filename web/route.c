/* route.c - every request's way: the Host check, the target read, the login, the assets, the token, then the API or a page. */
#include <string.h>

#include "web.h"
#include "banned.h"

void web_handle(void *ctx, const lx_http_request *req, lx_http_response *res)
{
    const web_app *app = ctx;
    if (!web_guard_host(app, req, res))
        return;
    web_target t;
    if (!web_target_parse(&t, req->target)) {
        lx_http_json_error(res, 400, "malformed URL");
    } else if (web_segment_is(&t, 0, "login")) {
        web_login(app, req, &t, res);
    } else if (strcmp(req->method, "POST") == 0) {
        lx_http_json_error(res, 405, "method POST is only for /login: GET or HEAD");
        lx_http_add_header(res, "Allow", "GET, HEAD");
    } else if (web_segment_is(&t, 0, "static")) {
        /* The assets hold no archive data: the login page uses them. */
        if (!web_page(app, req, &t, res))
            lx_http_json_error(res, 404, "no such file");
    } else if (!web_guard_token(app, req, &t, res)) {
        /* res is the login page, the 401 or the redirect */
    } else if (web_segment_is(&t, 0, "api")) {
        web_api(app, req, &t, res);
    } else if (!web_page(app, req, &t, res)) {
        lx_http_json_error(res, 404, "no such page");
    }
    web_target_release(&t);
}
