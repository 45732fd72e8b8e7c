/* main.c - leakdex-web: its options, the access token, the TLS files, and serving until SIGINT or SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "caps.h"
#include "cli.h"
#include "message.h"
#include "web.h"
#include "xdb.h"
#include "banned.h"

enum { EXIT_OK = 0, EXIT_ERROR = 2 };

enum { O_DB = 256, O_LISTEN, O_TOKEN_FILE, O_TLS_CERT, O_TLS_KEY, O_THREADS, O_VERSION };

static const struct option longopts[] = {{"db", required_argument, NULL, O_DB},
                                         {"listen", required_argument, NULL, O_LISTEN},
                                         {"token-file", required_argument, NULL, O_TOKEN_FILE},
                                         {"tls-cert", required_argument, NULL, O_TLS_CERT},
                                         {"tls-key", required_argument, NULL, O_TLS_KEY},
                                         {"threads", required_argument, NULL, O_THREADS},
                                         {"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, O_VERSION},
                                         {NULL, 0, NULL, 0}};

/* The command line, as read. */
typedef struct web_options {
    const char *listen;
    const char *token_file, *tls_cert, *tls_key;
    unsigned threads;
} web_options;

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx_cli_vsay(stderr, "leakdex-web: ", fmt, ap);
    va_end(ap);
    return EXIT_ERROR;
}

static void usage(FILE *out)
{
    fputs("usage: leakdex-web --db DB [--db DB2 ...] [--listen ADDR:PORT] [--token-file FILE]\n"
          "                   [--tls-cert FILE --tls-key FILE] [--threads N]\n"
          "Serves the index DB read-only to a web browser, and its JSON API.\n"
          "  --db DB              an index (or shard stub file); several are searched as one\n"
          "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0: any free\n"
          "                       one; IPv6 as [::1]:8080); any address but loopback asks for\n"
          "                       an access token\n"
          "  --token-file FILE    the access token (its first line); without it, off\n"
          "                       loopback, one is made and printed once\n"
          "  --tls-cert FILE, --tls-key FILE\n"
          "                       serve HTTPS with this PEM certificate and key\n"
          "  --threads N          worker threads (default 4)\n"
          "  -h, --help, --version\n"
          "On start it prints `leakdex-web: serving DB at URL`, then serves until SIGINT or\n"
          "SIGTERM (exit status 0; 2 when it cannot start).\n",
          out);
}

/* Reads the whole file path into *out (malloc'd, NUL-terminated). */
static bool read_file(const char *path, char **out, lx_strbuf *why)
{
    FILE *f = fopen(path, "re");
    lx_strbuf text;
    lx_strbuf_init(&text);
    char chunk[4096];
    size_t got;
    while (f && (got = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len < ((size_t)1 << 20))
        lx_strbuf_add(&text, chunk, got);
    if (!f || ferror(f)) {
        lx_strbuf_addf(why, "%s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        lx_strbuf_release(&text);
        return false;
    }
    fclose(f);
    *out = lx_strbuf_detach(&text, NULL);
    return *out != NULL;
}

/* The token of --token-file (its first line: 16 to 256 letters, digits,
 * '-', '_', '.' or '~', so that it travels in a cookie and a URL as it
 * is), or a new one of 64 hex digits. */
static bool make_token(const char *file, char **token, lx_strbuf *why)
{
    if (!file) {
        unsigned char r[32];
        char *hex = malloc(2 * sizeof r + 1);
        if (!hex || getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
            free(hex);
            lx_strbuf_addstr(why, "no random numbers for the access token");
            return false;
        }
        for (size_t i = 0; i < sizeof r; i++)
            snprintf(hex + 2 * i, 3, "%02x", r[i]);
        *token = hex;
        return true;
    }
    if (!read_file(file, token, why))
        return false;
    (*token)[strcspn(*token, "\r\n")] = '\0';
    size_t len = strlen(*token);
    if (len < 16 || len > 256 ||
        strspn(*token, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~") !=
            len) {
        lx_strbuf_addf(why,
                       "--token-file %s: the first line must be 16 to 256 letters, digits, "
                       "'-', '_', '.' or '~'",
                       file);
        free(*token);
        *token = NULL;
        return false;
    }
    return true;
}

/* Splits ADDR:PORT ([ADDR]:PORT for IPv6) into address (a copy, numeric;
 * "localhost" is 127.0.0.1) and port. */
static bool parse_listen(const char *s, char *address, size_t cap, unsigned *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon)
        return false;
    const char *a = s;
    size_t alen = (size_t)(colon - s);
    if (*s == '[') {
        if (alen < 2 || s[alen - 1] != ']')
            return false;
        a++;
        alen -= 2;
    }
    if (alen >= cap)
        return false;
    memcpy(address, a, alen);
    address[alen] = '\0';
    if (strcmp(address, "localhost") == 0)
        snprintf(address, cap, "127.0.0.1");
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (errno || !colon[1] || *end || p > 65535)
        return false;
    *port = (unsigned)p;
    unsigned char buf[16];
    return inet_pton(AF_INET, address, buf) == 1 || inet_pton(AF_INET6, address, buf) == 1;
}

/* Whether address is a loopback one (127.0.0.0/8, ::1). */
static bool is_loopback(const char *address)
{
    return strncmp(address, "127.", 4) == 0 || strcmp(address, "::1") == 0;
}

/* The Host values a browser sends for this server on loopback. */
static void allowed_hosts(web_app *app, const char *address, unsigned port)
{
    bool v6 = strchr(address, ':') != NULL;
    snprintf(app->hosts[app->n_hosts++], sizeof app->hosts[0], "%s%s%s:%u", v6 ? "[" : "", address,
             v6 ? "]" : "", port);
    snprintf(app->hosts[app->n_hosts++], sizeof app->hosts[0], "127.0.0.1:%u", port);
    snprintf(app->hosts[app->n_hosts++], sizeof app->hosts[0], "localhost:%u", port);
    snprintf(app->hosts[app->n_hosts++], sizeof app->hosts[0], "[::1]:%u", port);
    /* The default port is left out of Host. */
    if (port == (app->tls ? 443u : 80u)) {
        snprintf(app->hosts[app->n_hosts++], sizeof app->hosts[0], "localhost");
        snprintf(app->hosts[app->n_hosts++], sizeof app->hosts[0], "127.0.0.1");
    }
}

/* Reads the command line into app and o; an exit status when done. */
static int parse_options(int argc, char **argv, web_app *app, web_options *o)
{
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB:
            if (app->n_dbs == WEB_MAX_DBS)
                return fail("--db: at most %d (a stub file can name more)", WEB_MAX_DBS);
            if (!*optarg)
                return fail("--db: empty name");
            app->dbs[app->n_dbs++] = optarg;
            break;
        case O_LISTEN: o->listen = optarg; break;
        case O_TOKEN_FILE: o->token_file = optarg; break;
        case O_TLS_CERT: o->tls_cert = optarg; break;
        case O_TLS_KEY: o->tls_key = optarg; break;
        case O_THREADS: {
            char *end;
            errno = 0;
            unsigned long n = strtoul(optarg, &end, 10);
            if (errno || *end || !*optarg || n < 1 || n > LX_WEB_MAX_THREADS)
                return fail("--threads: '%s' is not a number from 1 to %d", optarg,
                            LX_WEB_MAX_THREADS);
            o->threads = (unsigned)n;
            break;
        }
        case 'h': usage(stdout); return EXIT_OK;
        case O_VERSION: puts("leakdex-web " LEAKDEX_VERSION); return EXIT_OK;
        default: {
            lx_strbuf why;
            lx_strbuf_init(&why);
            lx_cli_option_error(longopts, argv[optind - 1], c, &why);
            int rc = fail("%s (try --help)", why.buf);
            lx_strbuf_release(&why);
            return rc;
        }
        }
    }
    if (optind < argc)
        return fail("'%s': leakdex-web takes options only (try --help)", argv[optind]);
    if (!app->n_dbs) {
        const char *env = getenv("LEAKDEX_DB");
        app->dbs[app->n_dbs++] = env && *env ? env : "leakdex.db";
    }
    if (!o->tls_cert != !o->tls_key)
        return fail("--tls-cert and --tls-key go together");
    return -1;
}

/* Opens the index once, to say now, not at the first request, that it
 * cannot be. */
static int check_index(const web_app *app)
{
    lx_db *db = NULL;
    char *err = NULL;
    lx_db_open_opts oo = {.paths = app->dbs, .n_paths = app->n_dbs};
    lx_status st = lx_db_open_many(&oo, &db, &err);
    int rc = st ? fail("%s", err ? err : lx_status_str(st)) : -1;
    free(err);
    lx_db_close(db);
    return rc;
}

/* Serves until SIGINT or SIGTERM (blocked in every thread, waited for
 * here). */
static int serve(web_app *app, const web_options *o, const char *address, unsigned port, char *cert,
                 char *key)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    lx_message_library_init();
    web_handles_start();
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_http_config c = {.address = address,
                        .port = port,
                        .threads = o->threads,
                        .tls_cert = cert,
                        .tls_key = key,
                        .handler = web_handle,
                        .ctx = app};
    unsigned bound = 0;
    lx_http_server *s = lx_http_start(&c, &bound, &why);
    int rc = EXIT_OK;
    if (!s) {
        rc = fail("%s", why.buf);
    } else {
        allowed_hosts(app, address, bound);
        bool v6 = strchr(address, ':') != NULL;
        lx_strbuf dbs;
        lx_strbuf_init(&dbs);
        for (size_t i = 0; i < app->n_dbs; i++)
            lx_strbuf_addf(&dbs, "%s%s", i ? ", " : "", app->dbs[i]);
        lx_cli_say(stdout, "leakdex-web: ", "serving %s at %s://%s%s%s:%u/%s%s", dbs.buf,
                   app->tls ? "https" : "http", v6 ? "[" : "", address, v6 ? "]" : "", bound,
                   app->token && !o->token_file ? "?token=" : "",
                   app->token && !o->token_file ? app->token : "");
        if (app->token && !o->token_file)
            printf("leakdex-web: access token: %s\n", app->token);
        fflush(stdout);
        lx_strbuf_release(&dbs);
        int sig;
        sigwait(&stop, &sig);
        lx_http_stop(s);
    }
    lx_strbuf_release(&why);
    lx_message_library_shutdown();
    return rc;
}

int main(int argc, char **argv)
{
    web_app app;
    memset(&app, 0, sizeof app);
    web_options o = {.listen = "127.0.0.1:8080", .threads = LX_WEB_THREADS};
    int rc = parse_options(argc, argv, &app, &o);
    if (rc >= 0)
        return rc;
    char address[INET6_ADDRSTRLEN + 1];
    unsigned port = 0;
    if (!parse_listen(o.listen, address, sizeof address, &port))
        return fail("--listen: '%s' is not ADDR:PORT with a numeric address ([::1]:8080 for "
                    "IPv6)",
                    o.listen);
    app.loopback = is_loopback(address);
    app.tls = o.tls_cert != NULL;
    char *token = NULL, *cert = NULL, *key = NULL;
    lx_strbuf why;
    lx_strbuf_init(&why);
    if ((o.token_file || !app.loopback) && !make_token(o.token_file, &token, &why))
        rc = fail("%s", why.buf);
    else if (o.tls_cert &&
             (!read_file(o.tls_cert, &cert, &why) || !read_file(o.tls_key, &key, &why)))
        rc = fail("%s", why.buf);
    else if ((rc = check_index(&app)) < 0) {
        app.token = token;
        rc = serve(&app, &o, address, port, cert, key);
    }
    lx_strbuf_release(&why);
    free(token);
    free(cert);
    free(key);
    return rc;
}
