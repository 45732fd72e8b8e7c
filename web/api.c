/* api.c - the JSON API: each route runs the command leakdex-search runs (the command library) into memory, and answers its bytes or its failure. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archives.h"
#include "caps.h"
#include "databases.h"
#include "escape.h"
#include "front.h"
#include "web.h"
#include "banned.h"

/* The HTTP status of a command's failure. */
static unsigned fault_status(front_fault f)
{
    switch (f) {
    case FRONT_FINE: return 200;
    case FRONT_BAD_REQUEST: return 400;
    case FRONT_NOT_FOUND: return 404;
    case FRONT_INDEX: return 503;
    case FRONT_INTERNAL: return 500;
    }
    return 500;
}

/* Reads the parameters every command shares into o (JSON; the server's
 * databases): offset, limit (at most LX_WEB_MAX_PAGE, which is also the
 * default: a page is made in memory), sort, collapse. false: res is the
 * error. */
static bool read_options(const web_app *app, const web_target *t, options *o, lx_http_response *res)
{
    memset(o, 0, sizeof *o);
    o->format = LX_FMT_JSON;
    for (size_t i = 0; i < app->n_dbs; i++)
        o->dbs[i] = app->dbs[i];
    o->n_db = app->n_dbs;
    o->limit = LX_WEB_MAX_PAGE;
    const char *offset = web_param(t, "offset"), *limit = web_param(t, "limit");
    const char *collapse = web_param(t, "collapse");
    o->sort_name = web_param(t, "sort");
    if (offset && !front_size(offset, &o->offset)) {
        lx_http_json_error(res, 400, "offset: '%s' is not a number", offset);
        return false;
    }
    if (limit && (!front_size(limit, &o->limit) || o->limit < 1 || o->limit > LX_WEB_MAX_PAGE)) {
        lx_http_json_error(res, 400, "limit: '%s' is not a number from 1 to %d", limit,
                           LX_WEB_MAX_PAGE);
        return false;
    }
    if (collapse && strcmp(collapse, "thread") != 0) {
        lx_http_json_error(res, 400, "collapse: '%s' is not thread", collapse);
        return false;
    }
    o->collapse = collapse != NULL;
    return true;
}

/* Makes res the answer of io after a command: its failure, or what it
 * printed (out, len: a memory stream's, freed here). */
static void command_answer(front_io *io, bool written, char *out, size_t len, lx_http_response *res)
{
    if (io->fault)
        lx_http_json_error(res, fault_status(io->fault), "%s", io->why.buf);
    else if (!written)
        lx_http_json_error(res, 500, "cannot write the answer: out of memory");
    else {
        res->no_store = true;
        lx_strbuf_add(&res->body, out, len);
    }
    free(out);
}

/* Runs fn with o and the words argv[0..argc) into res. */
static void run_command(lx_db *db, command_fn fn, const options *o, int argc, char **argv,
                        lx_http_response *res)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    if (!mem) {
        lx_http_json_error(res, 500, "out of memory");
        return;
    }
    front_io io;
    front_io_init(&io, mem, NULL);
    fn(o, db, &io, argc, argv);
    bool written = fclose(mem) == 0;
    command_answer(&io, written, out, len, res);
    front_io_release(&io);
}

/* Runs fn over the query q= (no words when empty), with the shared
 * parameters. cached: the answer counts over every match (facets, stats,
 * people), which costs the same for every visit of one query: it is kept
 * for the revision the index was read at (the revision before and after
 * the command, which must be the same: a read that met a commit and moved
 * on is never kept). */
static void run_query(const web_app *app, lx_db *db, const web_target *t, command_fn fn,
                      bool cached, lx_http_response *res)
{
    options o;
    if (!read_options(app, t, &o, res))
        return;
    char rev[4096], after[4096]; /* 64 databases of "UUID:REVISION " */
    cached = cached && lx_db_revision_key(db, rev, sizeof rev);
    if (cached && web_cache_get(t->sent, rev, &res->body)) {
        res->no_store = true;
        return;
    }
    const char *q = web_param(t, "q");
    char *words[1] = {(char *)q};
    run_command(db, fn, &o, q && *q ? 1 : 0, words, res);
    if (cached && res->status == 200 && lx_db_revision_key(db, after, sizeof after) &&
        strcmp(rev, after) == 0)
        web_cache_put(t->sent, rev, res->body.buf, res->body.len);
}

/* Runs fn over the id in segment 2. */
static void run_id(const web_app *app, lx_db *db, const web_target *t, command_fn fn,
                   lx_http_response *res)
{
    options o;
    if (!read_options(app, t, &o, res))
        return;
    char *words[1] = {t->segment[2]};
    run_command(db, fn, &o, 1, words, res);
}

static void api_search(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    run_query(app, db, t, cmd_search, false, res);
}

static void api_senders(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    run_query(app, db, t, cmd_senders, true, res);
}

static void api_recipients(const web_app *app, lx_db *db, const web_target *t,
                           lx_http_response *res)
{
    run_query(app, db, t, cmd_recipients, true, res);
}

static void api_stats(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    run_query(app, db, t, cmd_stats, true, res);
}

static void api_facets(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    run_query(app, db, t, cmd_facets, true, res);
}

static void api_message(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    run_id(app, db, t, cmd_show, res);
}

static void api_thread(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    run_id(app, db, t, cmd_thread, res);
}

/* /api/attachment/ID/N/text: the text the index keeps, as JSON. */
static void api_attachment_text(const web_app *app, lx_db *db, const web_target *t,
                                lx_http_response *res)
{
    options o;
    if (!read_options(app, t, &o, res))
        return;
    char *words[2] = {t->segment[2], t->segment[3]};
    run_command(db, cmd_attachment_text, &o, 2, words, res);
}

/* /api/attachment/ID/N and /api/original/ID: the bytes, read back and
 * checked, as a download; /api/attachment/ID/N/text. */
static void api_bytes(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    if (t->n_segments == 5) {
        if (web_segment_is(t, 4, "text"))
            api_attachment_text(app, db, t, res);
        else
            lx_http_json_error(res, 404, "no such API route");
        return;
    }
    size_t n = 0;
    bool original = web_segment_is(t, 1, "original");
    if (!original && (!front_size(t->segment[3], &n) || n == 0)) {
        lx_http_json_error(res, 400, "'%s' is not an attachment number (1, 2, ...)", t->segment[3]);
        return;
    }
    front_io io;
    front_io_init(&io, NULL, NULL);
    lx_attachment_copy c;
    lx_attachment_copy_init(&c);
    if (front_attachment(db, &io, t->segment[2], n, NULL, &c) >= 0) {
        lx_http_json_error(res, fault_status(io.fault), "%s", io.why.buf);
    } else {
        char unnamed[64];
        snprintf(unnamed, sizeof unnamed, "attachment-%zu", n);
        lx_http_add_header(res, "X-Leakdex-SHA256", c.sha256);
        web_download_bytes(res, &c.bytes, "application/octet-stream",
                           c.name.len ? c.name.buf : unnamed);
    }
    lx_attachment_copy_release(&c);
    front_io_release(&io);
}

/* Removes the files of directory dir (an export's: files only), then dir. */
static void remove_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d && fd >= 0)
        close(fd);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(dir);
}

/* What an export route writes and serves. */
typedef struct export_kind {
    const char *route;    /* after /api/ */
    const char *written;  /* the file --export writes, or the --export-dir directory */
    bool dir;             /* --export-dir, then zipped */
    const char *served;   /* the file of the private directory served */
    const char *type;     /* its Content-Type */
    const char *name;     /* its download name */
} export_kind;

static const export_kind export_kinds[] = {
    {"export.json", "export.json", false, "export.json", "application/json", "leakdex-export.json"},
    {"export.csv", "export.csv", false, "export.csv", "text/csv; charset=utf-8",
     "leakdex-export.csv"},
    {"export.csv.meta.json", "export.csv", false, "export.csv.meta.json", "application/json",
     "leakdex-export.csv.meta.json"},
    {"export.zip", "originals", true, "originals.zip", "application/zip", "leakdex-export.zip"},
};

/* /api/export.json, .csv, .csv.meta.json and .zip: what `search --export`
 * or `--export-dir` writes, made in a private directory (mkdtemp), the
 * directory zipped, and served from the file once unlinked. */
static void api_export(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    const export_kind *k = NULL;
    for (size_t i = 0; i < sizeof export_kinds / sizeof export_kinds[0]; i++)
        if (strcmp(t->segment[1], export_kinds[i].route) == 0)
            k = &export_kinds[i];
    options o;
    if (!k || !read_options(app, t, &o, res))
        return;
    const char *tmp = getenv("TMPDIR");
    char dir[4096], written[4200], meta[4300], served[4200];
    snprintf(dir, sizeof dir, "%s/leakdex-web-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        lx_http_json_error(res, 500, "cannot make a temporary directory for the export");
        return;
    }
    snprintf(written, sizeof written, "%s/%s", dir, k->written);
    snprintf(meta, sizeof meta, "%s.meta.json", written);
    snprintf(served, sizeof served, "%s/%s", dir, k->served);
    if (k->dir)
        o.export_dir = written;
    else
        o.export_file = written;
    o.limit = o.offset = 0;
    const char *q = web_param(t, "q");
    char *words[1] = {(char *)q};
    lx_http_response ran;
    lx_http_response_init(&ran);
    run_command(db, cmd_search, &o, q && *q ? 1 : 0, words, &ran);
    lx_strbuf why;
    lx_strbuf_init(&why);
    int fd = -1;
    size_t size = 0;
    if (ran.status != 200) {
        lx_http_response_release(res);
        *res = ran;
        lx_http_response_init(&ran);
    } else if (k->dir && lx_archives_zip_dir(written, served, &why)) {
        lx_http_json_error(res, 500, "cannot zip the export: %s", why.buf);
    } else if (!web_take_file(served, &fd, &size)) {
        lx_http_json_error(res, 500, "the export wrote no file");
    } else {
        web_download_fd(res, fd, size, k->type, k->name);
    }
    lx_strbuf_release(&why);
    lx_http_response_release(&ran);
    if (k->dir)
        remove_dir(written);
    unlink(served);
    unlink(written);
    unlink(meta);
    rmdir(dir);
}

/* /api/help: the query syntax, as --help-query prints it. */
static void api_help(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    (void)app;
    (void)db;
    (void)t;
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    if (!mem) {
        lx_http_json_error(res, 500, "out of memory");
        return;
    }
    front_help_query(mem);
    fclose(mem);
    res->no_store = true;
    lx_strbuf_addstr(&res->body, "{\"version\": 1, \"text\": ");
    lx_escape_json(&res->body, out, len);
    lx_strbuf_addstr(&res->body, "}\n");
    free(out);
}

/* /api/info: the version and the index's description, as exports give it
 * (one object, which lists each database when there are several). */
static void api_info(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res)
{
    (void)t;
    res->no_store = true;
    lx_strbuf_addstr(&res->body,
                     "{\"version\": 1, \"leakdex\": \"" LEAKDEX_VERSION "\", \"databases\": [");
    lx_status st = lx_databases_json(db, app->dbs, app->n_dbs, &res->body);
    lx_strbuf_addstr(&res->body, "]}\n");
    if (st)
        lx_http_json_error(res, 503, "%s: %s", lx_status_str(st), lx_db_error(db));
}

typedef void (*api_fn)(const web_app *app, lx_db *db, const web_target *t, lx_http_response *res);

/* The routes: /api/NAME followed by ids words (ids_max when it may take
 * more); db: whether it reads the index. */
static const struct api_route {
    const char *name;
    size_t ids, ids_max;
    bool db;
    api_fn fn;
} api_routes[] = {
    {"search", 0, 0, true, api_search},
    {"message", 1, 1, true, api_message},
    {"thread", 1, 1, true, api_thread},
    {"senders", 0, 0, true, api_senders},
    {"recipients", 0, 0, true, api_recipients},
    {"stats", 0, 0, true, api_stats},
    {"facets", 0, 0, true, api_facets},
    {"attachment", 2, 3, true, api_bytes},
    {"original", 1, 1, true, api_bytes},
    {"export.json", 0, 0, true, api_export},
    {"export.csv", 0, 0, true, api_export},
    {"export.csv.meta.json", 0, 0, true, api_export},
    {"export.zip", 0, 0, true, api_export},
    {"help", 0, 0, false, api_help},
    {"info", 0, 0, true, api_info},
};

void web_api(const web_app *app, const lx_http_request *req, const web_target *t,
             lx_http_response *res)
{
    (void)req;
    const struct api_route *r = NULL;
    for (size_t i = 0; t->n_segments >= 2 && i < sizeof api_routes / sizeof api_routes[0]; i++)
        if (strcmp(t->segment[1], api_routes[i].name) == 0)
            r = &api_routes[i];
    if (!r || t->n_segments < 2 + r->ids || t->n_segments > 2 + r->ids_max) {
        lx_http_json_error(res, 404, "no such API route");
        return;
    }
    lx_db *db = NULL;
    lx_strbuf why;
    lx_strbuf_init(&why);
    if (r->db && !(db = web_db(app, &why)))
        lx_http_json_error(res, 503, "%s", why.buf);
    else
        r->fn(app, db, t, res);
    lx_strbuf_release(&why);
}
