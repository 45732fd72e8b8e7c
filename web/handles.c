/* handles.c - one read-only handle on the index per server thread (a Xapian handle is not thread-safe), at the newest revision at each request. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "web.h"
#include "banned.h"

/* A thread's handle, and what its databases' paths named when it was
 * opened: an indexer that compacts replaces the directory (a new inode),
 * which a reopen of the old files would never see. */
typedef struct handle {
    lx_db *db;
    dev_t dev[WEB_MAX_DBS];
    ino_t ino[WEB_MAX_DBS];
} handle;

static pthread_key_t handle_key;

static void handle_close(void *p)
{
    handle *h = p;
    if (!h)
        return;
    lx_db_close(h->db);
    free(h);
}

void web_handles_start(void)
{
    pthread_key_create(&handle_key, handle_close);
}

void web_handles_stop(void)
{
    handle_close(pthread_getspecific(handle_key));
    pthread_setspecific(handle_key, NULL);
}

/* What each database path names now (0 for what cannot be read). */
static void identify(const web_app *app, dev_t *dev, ino_t *ino)
{
    for (size_t i = 0; i < app->n_dbs; i++) {
        struct stat st;
        bool got = stat(app->dbs[i], &st) == 0;
        dev[i] = got ? st.st_dev : 0;
        ino[i] = got ? st.st_ino : 0;
    }
}

lx_db *web_db(const web_app *app, lx_strbuf *why)
{
    handle *h = pthread_getspecific(handle_key);
    dev_t dev[WEB_MAX_DBS];
    ino_t ino[WEB_MAX_DBS];
    identify(app, dev, ino);
    size_t n = app->n_dbs;
    if (h && memcmp(dev, h->dev, n * sizeof *dev) == 0 &&
        memcmp(ino, h->ino, n * sizeof *ino) == 0 && lx_db_refresh(h->db) == LX_OK)
        return h->db;
    /* Replaced, or the refresh failed: a new handle. */
    handle_close(h);
    pthread_setspecific(handle_key, NULL);
    h = calloc(1, sizeof *h);
    if (!h) {
        lx_strbuf_addstr(why, lx_status_str(LX_E_NOMEM));
        return NULL;
    }
    memcpy(h->dev, dev, n * sizeof *dev);
    memcpy(h->ino, ino, n * sizeof *ino);
    char *err = NULL;
    lx_db_open_opts oo = {.paths = app->dbs, .n_paths = n};
    lx_status st = lx_db_open_many(&oo, &h->db, &err);
    if (st) {
        lx_strbuf_addstr(why, err ? err : lx_status_str(st));
        free(err);
        free(h);
        return NULL;
    }
    pthread_setspecific(handle_key, h);
    return h->db;
}
