/* walk.c - finding the files under each source: directories, Maildirs, files. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caps.h"
#include "grow.h"
#include "strbuf.h"
#include "banned.h"

const char *lx_source_kind_name(lx_source_kind k)
{
    switch (k) {
    case LX_SOURCE_FILE: return "file";
    case LX_SOURCE_DIR: return "dir";
    case LX_SOURCE_MAILDIR: return "maildir";
    case LX_SOURCE_MBOX: return "mbox";
    case LX_SOURCE_ARCHIVE: return "archive";
    case LX_SOURCE_PST: return "pst";
    }
    return "?";
}

/* Directories already entered, by device and inode: symlink loops and
 * second links to one tree end here. */
typedef struct dir_set {
    struct {
        dev_t dev;
        ino_t ino;
    } * v;
    size_t n, alloc;
} dir_set;

static int dir_set_add(dir_set *s, const struct stat *st)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].dev == st->st_dev && s->v[i].ino == st->st_ino)
            return 0;
    if (!lx_grow((void **)&s->v, &s->alloc, s->n + 1, sizeof *s->v))
        return -1;
    s->v[s->n].dev = st->st_dev;
    s->v[s->n].ino = st->st_ino;
    s->n++;
    return 1;
}

typedef struct walker {
    const lx_walk_cb *cb;
    dir_set seen;
    int stopped;
} walker;

/* The index directory may sit inside a source tree; its files are not mail
 * and it changes while we walk. */
static bool excluded(const lx_walk_cb *cb, const struct stat *dst)
{
    struct stat ex;
    return cb->exclude && stat(cb->exclude, &ex) == 0 && ex.st_dev == dst->st_dev &&
           ex.st_ino == dst->st_ino;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in dir, without "." and ".."; NULL and errno on failure.
 * Listing a directory sets its access time unless opened with O_NOATIME. */
static char **list_dir(const lx_walk_cb *cb, const char *dir, size_t *count)
{
    lx_source_fd sf;
    if (lx_source_open(&sf, dir, true) < 0)
        return NULL;
    DIR *d = fdopendir(sf.fd);
    if (!d) {
        int err = errno;
        lx_source_close(&sf, cb->atimes);
        errno = err;
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!lx_grow((void **)&names, &alloc, n + 1, sizeof *names))
            goto nomem;
        if (!(names[n] = strdup(e->d_name)))
            goto nomem;
        n++;
    }
    lx_source_settle(&sf, cb->atimes);
    closedir(d);
    *count = n;
    /* qsort's base is declared non-null: an empty directory must not reach it. */
    if (!names)
        return calloc(1, sizeof *names);
    qsort(names, n, sizeof *names, cmp_names);
    return names;
nomem:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    lx_source_settle(&sf, cb->atimes);
    closedir(d);
    errno = ENOMEM;
    return NULL;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool is_maildir(const char *path)
{
    lx_strbuf p;
    lx_strbuf_init(&p);
    lx_strbuf_addf(&p, "%s/cur", path);
    bool cur = is_dir(p.buf);
    lx_strbuf_reset(&p);
    lx_strbuf_addf(&p, "%s/new", path);
    bool res = cur && is_dir(p.buf);
    lx_strbuf_release(&p);
    return res;
}

static void walk_dir(walker *w, const char *dir, const struct stat *dst, int depth);

static void visit_entry(walker *w, const char *path, const char *name, const char *source,
                        lx_source_kind kind, int depth);

/* Visits one directory entry, following symlinks: a link's own access time,
 * which following it sets, is put back after (lx_source_link_settle). */
static void visit(walker *w, const char *path, const char *name, const char *source,
                  lx_source_kind kind, int depth)
{
    struct stat link;
    bool is_link = lstat(path, &link) == 0 && S_ISLNK(link.st_mode);
    visit_entry(w, path, name, source, kind, depth);
    if (is_link)
        lx_source_link_settle(path, &link, w->cb->atimes);
}

static void visit_entry(walker *w, const char *path, const char *name, const char *source,
                        lx_source_kind kind, int depth)
{
    const lx_walk_cb *cb = w->cb;
    struct stat sb;
    char reason[256];
    if (name[0] == '.' && !cb->hidden && !(is_dir(path) && is_maildir(path))) {
        cb->skip(cb->ctx, path, source, kind, "hidden (use --hidden to include it)");
        return;
    }
    if (stat(path, &sb) != 0) {
        int err = errno;
        struct stat lsb;
        if (err == ENOENT && lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode))
            cb->skip(cb->ctx, path, source, kind, "broken symbolic link");
        else if (err == ELOOP)
            cb->skip(cb->ctx, path, source, kind, "symbolic link loop");
        else {
            snprintf(reason, sizeof reason, "cannot stat: %s", strerror(err));
            cb->skip(cb->ctx, path, source, kind, reason);
        }
        return;
    }
    if (S_ISDIR(sb.st_mode)) {
        walk_dir(w, path, &sb, depth + 1);
    } else if (S_ISREG(sb.st_mode)) {
        if (cb->file(cb->ctx, path, source, kind))
            w->stopped = 1;
    } else {
        cb->skip(cb->ctx, path, source, kind, "not a regular file (device, FIFO or socket)");
    }
}

static void walk_dir(walker *w, const char *dir, const struct stat *dst, int depth)
{
    const lx_walk_cb *cb = w->cb;
    char reason[256];
    if (depth > LX_MAX_WALK_DEPTH) {
        cb->skip(cb->ctx, dir, dir, LX_SOURCE_DIR, "directories nested too deep");
        return;
    }
    if (excluded(cb, dst)) {
        cb->skip(cb->ctx, dir, dir, LX_SOURCE_DIR, "the index itself, not walked");
        return;
    }
    int fresh = dir_set_add(&w->seen, dst);
    if (fresh <= 0) {
        cb->skip(cb->ctx, dir, dir, LX_SOURCE_DIR,
                 fresh < 0 ? "out of memory"
                           : "directory already walked (symbolic link loop or second link)");
        return;
    }
    size_t n = 0;
    char **names = list_dir(cb, dir, &n);
    if (!names) {
        snprintf(reason, sizeof reason, "cannot read directory: %s", strerror(errno));
        cb->skip(cb->ctx, dir, dir, LX_SOURCE_DIR, reason);
        return;
    }
    bool maildir = is_maildir(dir);
    lx_strbuf path;
    lx_strbuf_init(&path);
    for (size_t i = 0; i < n && !w->stopped; i++) {
        lx_strbuf_reset(&path);
        if (lx_strbuf_addf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
                           names[i])) {
            cb->skip(cb->ctx, dir, dir, LX_SOURCE_DIR, "out of memory");
            break;
        }
        if (maildir && (strcmp(names[i], "cur") == 0 || strcmp(names[i], "new") == 0)) {
            /* A Maildir's messages are the files of cur/ and new/. */
            struct stat sb;
            size_t m = 0;
            char **msgs = stat(path.buf, &sb) == 0 && dir_set_add(&w->seen, &sb) > 0
                              ? list_dir(cb, path.buf, &m)
                              : NULL;
            if (!msgs) {
                cb->skip(cb->ctx, path.buf, dir, LX_SOURCE_MAILDIR, "cannot read Maildir folder");
                continue;
            }
            lx_strbuf sub;
            lx_strbuf_init(&sub);
            for (size_t k = 0; k < m && !w->stopped; k++) {
                lx_strbuf_reset(&sub);
                lx_strbuf_addf(&sub, "%s/%s", path.buf, msgs[k]);
                visit(w, sub.buf, msgs[k], dir, LX_SOURCE_MAILDIR, depth + 1);
            }
            lx_strbuf_release(&sub);
            free_names(msgs, m);
        } else if (maildir && strcmp(names[i], "tmp") == 0) {
            size_t m = 0;
            char **tmp = list_dir(cb, path.buf, &m);
            lx_strbuf sub;
            lx_strbuf_init(&sub);
            for (size_t k = 0; tmp && k < m; k++) {
                lx_strbuf_reset(&sub);
                lx_strbuf_addf(&sub, "%s/%s", path.buf, tmp[k]);
                cb->skip(cb->ctx, sub.buf, dir, LX_SOURCE_MAILDIR,
                         "in a Maildir tmp/ folder (delivery not finished)");
            }
            lx_strbuf_release(&sub);
            if (tmp)
                free_names(tmp, m);
        } else {
            visit(w, path.buf, names[i], dir, maildir ? LX_SOURCE_MAILDIR : LX_SOURCE_DIR, depth);
        }
    }
    lx_strbuf_release(&path);
    free_names(names, n);
}

lx_status lx_walk(const char *root, const lx_walk_cb *cb)
{
    walker w = {cb, {NULL, 0, 0}, 0};
    struct stat sb;
    lx_status st = LX_OK;
    if (stat(root, &sb) != 0) {
        char reason[256];
        snprintf(reason, sizeof reason, "cannot read source: %s", strerror(errno));
        cb->skip(cb->ctx, root, root, LX_SOURCE_FILE, reason);
        return LX_E_NOT_FOUND;
    }
    if (S_ISDIR(sb.st_mode))
        walk_dir(&w, root, &sb, 0);
    else if (S_ISREG(sb.st_mode))
        w.stopped = cb->file(cb->ctx, root, root, LX_SOURCE_FILE);
    else
        cb->skip(cb->ctx, root, root, LX_SOURCE_FILE, "not a regular file or directory");
    if (w.stopped)
        st = LX_E_INVALID;
    free(w.seen.v);
    return st;
}
