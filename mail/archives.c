/* archives.c - archives through libarchive: the members of ZIP, TAR and compressed files read with limits; a directory's files written as one zip. */
#include "archives.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "grow.h"
#include "banned.h"

static bool tree_spent(const lx_unpack_limits *lim)
{
    return lim->tree_unpacked && *lim->tree_unpacked > lim->tree_budget;
}

/* What unpacking one member came to. */
typedef enum member_read {
    MEMBER_READ,   /* whole in the buffer (or counted whole past the size cap: too_big) */
    MEMBER_BOMB,   /* the archive's ratio budget is spent */
    MEMBER_TREE,   /* the tree's budget is spent */
    MEMBER_BROKEN, /* libarchive could not read it */
} member_read;

/* Unpacks the current member of a into member, counting its bytes against
 * the archive's budget (*unpacked of budget) and the tree's; *too_big when
 * it passed max_member_bytes (the rest is counted, not kept). */
static lx_status read_member(struct archive *a, const lx_unpack_limits *lim, size_t budget,
                             size_t *unpacked, lx_strbuf *member, size_t *msize, bool *too_big,
                             member_read *how)
{
    char buf[65536];
    *how = MEMBER_READ;
    *too_big = false;
    *msize = 0;
    lx_strbuf_reset(member);
    for (;;) {
        la_ssize_t n = archive_read_data(a, buf, sizeof buf);
        if (n == 0)
            return LX_OK;
        if (n < 0) {
            *how = MEMBER_BROKEN;
            return LX_OK;
        }
        *unpacked += (size_t)n;
        *msize += (size_t)n;
        if (lim->tree_unpacked)
            *lim->tree_unpacked += (size_t)n;
        if (*unpacked > budget) {
            *how = MEMBER_BOMB;
            return LX_OK;
        }
        if (tree_spent(lim)) {
            *how = MEMBER_TREE;
            return LX_OK;
        }
        if (member->len + (size_t)n > lim->max_member_bytes) {
            *too_big = true;
            continue; /* keep counting what it unpacks to, for the ratio */
        }
        lx_status st = lx_strbuf_add(member, buf, (size_t)n);
        if (st)
            return st;
    }
}

/* The bytes the archive may unpack to: len times the ratio, at least the
 * floor, no limit without a ratio. */
static size_t ratio_budget(size_t len, const lx_unpack_limits *lim)
{
    size_t budget = lim->max_ratio ? len * lim->max_ratio : (size_t)-1;
    if (lim->max_ratio && len > (size_t)-1 / lim->max_ratio)
        budget = (size_t)-1;
    return budget < lim->ratio_floor ? lim->ratio_floor : budget;
}

/* What walk reads: archives (ZIP, TAR, 7z...), one compressed file (gzip,
 * xz, bzip2...: its one member is named "data"), or either. */
typedef enum formats { FORMATS_ARCHIVES, FORMATS_RAW, FORMATS_EITHER } formats;

/* The walk behind lx_archives_unpack, lx_archives_walk and
 * lx_archives_member: only, when not NULL, is the one member name read
 * (the others are skipped unread and uncounted by the ratio). */
static lx_status walk(const char *data, size_t len, formats fmt, const char *only,
                      const lx_unpack_limits *lim, lx_archive_member_cb cb, void *ctx,
                      lx_unpack_end *end, lx_strbuf *why)
{
    *end = LX_UNPACK_COMPLETE;
    struct archive *a = archive_read_new();
    if (!a)
        return LX_E_NOMEM;
    archive_read_support_filter_all(a);
    /* The raw format bids lowest: an archive's own format always wins. */
    if (fmt != FORMATS_ARCHIVES)
        archive_read_support_format_raw(a);
    if (fmt != FORMATS_RAW)
        archive_read_support_format_all(a);
    lx_status st = LX_OK;
    lx_strbuf member;
    lx_strbuf_init(&member);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        *end = LX_UNPACK_DAMAGED;
        lx_strbuf_addstr(why, archive_error_string(a) ? archive_error_string(a) : "not an archive");
        goto out;
    }
    size_t members = 0, unpacked = 0, budget = ratio_budget(len, lim);
    struct archive_entry *e;
    for (;;) {
        /* A nested archive read in the callback may have spent the tree's
         * budget: nothing more is unpacked. */
        if (tree_spent(lim)) {
            *end = LX_UNPACK_TREE;
            break;
        }
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            *end = LX_UNPACK_DAMAGED;
            const char *es = archive_error_string(a);
            lx_strbuf_addstr(why, es ? es : "damaged archive");
            break;
        }
        /* Read raw without a compression filter, the "member" would be the
         * bytes themselves: no archive at all. */
        if (fmt == FORMATS_EITHER && archive_format(a) == ARCHIVE_FORMAT_RAW &&
            archive_filter_count(a) <= 1) {
            *end = LX_UNPACK_DAMAGED;
            lx_strbuf_addstr(why, "not an archive nor a compressed file");
            break;
        }
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        if (members >= lim->max_members) {
            *end = LX_UNPACK_MEMBERS;
            break;
        }
        members++;
        const char *name = archive_entry_pathname_utf8(e);
        if (!name)
            name = archive_entry_pathname(e);
        if (!name)
            name = "";
        if (only && strcmp(name, only) != 0)
            continue; /* the next header skips its data */
        bool sized = archive_entry_size_is_set(e);
        size_t declared = sized && archive_entry_size(e) > 0 ? (size_t)archive_entry_size(e) : 0;
        lx_archive_member m = {name, NULL, declared, false, archive_entry_is_encrypted(e) != 0};
        m.too_big = !m.encrypted && sized && declared > lim->max_member_bytes;
        if (m.encrypted || m.too_big) {
            if (cb(ctx, &m)) {
                *end = LX_UNPACK_STOPPED;
                break;
            }
            continue;
        }
        member_read how;
        if ((st = read_member(a, lim, budget, &unpacked, &member, &m.len, &m.too_big, &how)))
            goto out;
        if (how != MEMBER_READ) {
            *end = how == MEMBER_BOMB   ? LX_UNPACK_RATIO
                   : how == MEMBER_TREE ? LX_UNPACK_TREE
                                        : LX_UNPACK_DAMAGED;
            const char *es = archive_error_string(a);
            if (how == MEMBER_BROKEN)
                lx_strbuf_addf(why, "%s: %s", name, es ? es : "damaged member");
            break;
        }
        if (!m.too_big) {
            m.data = member.buf;
            m.len = member.len;
        }
        if (cb(ctx, &m)) {
            *end = LX_UNPACK_STOPPED;
            break;
        }
    }
out:
    archive_read_free(a);
    lx_strbuf_release(&member);
    return st;
}

lx_status lx_archives_walk(const char *data, size_t len, const lx_unpack_limits *lim,
                           lx_archive_member_cb cb, void *ctx, lx_unpack_end *end, lx_strbuf *why)
{
    return walk(data, len, FORMATS_EITHER, NULL, lim, cb, ctx, end, why);
}

/* lx_archives_unpack's callback behind the walk's: an encrypted member
 * stops the walk, which then ends as damage. */
typedef struct unpack_ctx {
    lx_unpack_cb cb;
    void *ctx;
    lx_strbuf *why;
    bool encrypted;
} unpack_ctx;

static int unpack_member(void *ctx, const lx_archive_member *m)
{
    unpack_ctx *u = ctx;
    if (m->encrypted) {
        u->encrypted = true;
        lx_strbuf_addf(u->why, "%s: %s", m->name, LX_ARCHIVES_ENCRYPTED);
        return 1;
    }
    return u->cb(u->ctx, m->name, m->data, m->len, m->too_big);
}

lx_status lx_archives_unpack(const char *data, size_t len, bool raw, const lx_unpack_limits *lim,
                             lx_unpack_cb cb, void *ctx, lx_unpack_end *end, lx_strbuf *why)
{
    unpack_ctx u = {cb, ctx, why, false};
    lx_status st = walk(data, len, raw ? FORMATS_RAW : FORMATS_ARCHIVES, NULL, lim, unpack_member, &u, end, why);
    if (u.encrypted)
        *end = LX_UNPACK_DAMAGED;
    return st;
}

/* lx_archives_member's callback: the first member of the name taken. */
typedef struct wanted {
    lx_strbuf *out;
    const char *why;
    lx_status st;
    bool found;
} wanted;

static int take_member(void *ctx, const lx_archive_member *m)
{
    wanted *w = ctx;
    w->found = true;
    if (m->encrypted)
        w->why = LX_ARCHIVES_ENCRYPTED;
    else if (m->too_big)
        w->why = "the archive member is over the size limit";
    else
        w->st = lx_strbuf_add(w->out, m->data, m->len);
    return 1;
}

lx_status lx_archives_member(const char *data, size_t len, const char *name,
                             const lx_unpack_limits *lim, lx_strbuf *out, const char **why)
{
    wanted w = {out, NULL, LX_OK, false};
    lx_unpack_end end;
    lx_strbuf damage;
    lx_strbuf_init(&damage);
    lx_status st = walk(data, len, FORMATS_EITHER, name, lim, take_member, &w, &end, &damage);
    lx_strbuf_release(&damage);
    if (st || w.st)
        return st ? st : w.st;
    if (w.found && !w.why)
        return LX_OK;
    *why = w.why                       ? w.why
           : end == LX_UNPACK_DAMAGED  ? "the archive cannot be read up to the member"
           : end == LX_UNPACK_COMPLETE ? "the archive has no such member"
                                       : "the archive is over a limit before the member";
    return LX_E_NOT_FOUND;
}

/* ---- a directory written as one zip ------------------------------------- */

/* The names of a directory's entries (not "." nor ".."), sorted. */
typedef struct name_list {
    char **v;
    size_t n, alloc;
} name_list;

static void name_list_release(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the entries of the directory open as dfd (which the listing
 * takes) into l, sorted. */
static lx_status list_names(int dfd, const char *dir, name_list *l, lx_strbuf *why)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        lx_strbuf_addf(why, "%s: %s", dir, strerror(errno));
        close(dfd);
        return LX_E_IO;
    }
    lx_status st = LX_OK;
    struct dirent *e;
    errno = 0;
    while (!st && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *name = strdup(e->d_name);
        if (!name || !lx_grow((void **)&l->v, &l->alloc, l->n + 1, sizeof *l->v)) {
            free(name);
            st = LX_E_NOMEM;
        } else {
            l->v[l->n++] = name;
        }
        errno = 0;
    }
    if (!st && errno) {
        lx_strbuf_addf(why, "%s: %s", dir, strerror(errno));
        st = LX_E_IO;
    }
    closedir(d);
    if (!st && l->n)
        qsort(l->v, l->n, sizeof *l->v, by_name);
    return st;
}

/* Appends the regular file name of the directory dfd to the zip a, its
 * bytes streamed. */
static lx_status zip_file(struct archive *a, int dfd, const char *dir, const char *name,
                          lx_strbuf *why)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        lx_strbuf_addf(why, "%s/%s: %s", dir, name,
                       errno == ELOOP ? "a symbolic link, not a file" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return errno == ELOOP ? LX_E_INVALID : LX_E_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        lx_strbuf_addf(why, "%s/%s: not a regular file", dir, name);
        close(fd);
        return LX_E_INVALID;
    }
    struct archive_entry *e = archive_entry_new();
    if (!e) {
        close(fd);
        return LX_E_NOMEM;
    }
    archive_entry_set_pathname_utf8(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, sb.st_size);
    archive_entry_set_mtime(e, sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
    lx_status st = LX_OK;
    if (archive_write_header(a, e) != ARCHIVE_OK)
        st = LX_E_IO;
    char buf[64 * 1024];
    off_t left = sb.st_size;
    while (!st && left > 0) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) {
            lx_strbuf_addf(why, "%s/%s: %s", dir, name, n < 0 ? strerror(errno) : "it got shorter");
            st = LX_E_IO;
        } else if (archive_write_data(a, buf, (size_t)n) != n) {
            st = LX_E_IO;
        } else {
            left -= n;
        }
    }
    if (st && !why->len)
        lx_strbuf_addf(why, "%s/%s: %s", dir, name,
                       archive_error_string(a) ? archive_error_string(a) : "cannot be written");
    archive_entry_free(e);
    close(fd);
    return st;
}

lx_status lx_archives_zip_dir(const char *dir, const char *zip_path, lx_strbuf *why)
{
    name_list names = {0};
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        lx_strbuf_addf(why, "%s: %s", dir, strerror(errno));
        return LX_E_IO;
    }
    int keep = dup(dfd); /* the listing takes dfd; files are opened through keep */
    lx_status st = keep < 0 ? LX_E_IO : list_names(dfd, dir, &names, why);
    if (keep < 0) {
        lx_strbuf_addf(why, "%s: %s", dir, strerror(errno));
        close(dfd);
    }
    int out = -1;
    if (!st && (out = open(zip_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
        lx_strbuf_addf(why, "%s: %s", zip_path,
                       errno == EEXIST ? "the file exists; it is never overwritten" : strerror(errno));
        st = errno == EEXIST ? LX_E_INVALID : LX_E_IO;
    }
    struct archive *a = st ? NULL : archive_write_new();
    if (!st && !a)
        st = LX_E_NOMEM;
    if (!st && (archive_write_set_format_zip(a) != ARCHIVE_OK ||
                archive_write_open_fd(a, out) != ARCHIVE_OK)) {
        lx_strbuf_addf(why, "%s: %s", zip_path,
                       archive_error_string(a) ? archive_error_string(a) : "cannot be written");
        st = LX_E_IO;
    }
    for (size_t i = 0; i < names.n && !st; i++)
        st = zip_file(a, keep, dir, names.v[i], why);
    if (a && archive_write_close(a) != ARCHIVE_OK && !st) {
        lx_strbuf_addf(why, "%s: %s", zip_path,
                       archive_error_string(a) ? archive_error_string(a) : "cannot be written");
        st = LX_E_IO;
    }
    if (a)
        archive_write_free(a);
    if (out >= 0 && close(out) != 0 && !st) {
        lx_strbuf_addf(why, "%s: %s", zip_path, strerror(errno));
        st = LX_E_IO;
    }
    if (st && out >= 0)
        unlink(zip_path);
    if (st == LX_E_NOMEM && !why->len)
        lx_strbuf_addstr(why, "out of memory");
    if (keep >= 0)
        close(keep);
    name_list_release(&names);
    return st;
}
