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

lx_status lx_archives_unpack(const char *data, size_t len, bool raw, const lx_unpack_limits *lim,
                         lx_unpack_cb cb, void *ctx, lx_unpack_end *end, lx_strbuf *why)
{
    *end = LX_UNPACK_COMPLETE;
    struct archive *a = archive_read_new();
    if (!a)
        return LX_E_NOMEM;
    archive_read_support_filter_all(a);
    if (raw) {
        archive_read_support_format_raw(a);
    } else {
        archive_read_support_format_all(a);
    }
    lx_status st = LX_OK;
    lx_strbuf member;
    lx_strbuf_init(&member);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        *end = LX_UNPACK_DAMAGED;
        lx_strbuf_addstr(why, archive_error_string(a) ? archive_error_string(a) : "not an archive");
        goto out;
    }
    size_t members = 0, unpacked = 0;
    size_t budget = lim->max_ratio ? len * lim->max_ratio : (size_t)-1;
    if (lim->max_ratio && len > (size_t)-1 / lim->max_ratio)
        budget = (size_t)-1;
    if (budget < lim->ratio_floor)
        budget = lim->ratio_floor;
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
        bool sized = archive_entry_size_is_set(e);
        size_t declared = sized && archive_entry_size(e) > 0 ? (size_t)archive_entry_size(e) : 0;
        if (sized && declared > lim->max_member_bytes) {
            if (cb(ctx, name, NULL, declared, true)) {
                *end = LX_UNPACK_STOPPED;
                break;
            }
            continue;
        }
        lx_strbuf_reset(&member);
        char buf[65536];
        bool too_big = false, bomb = false, tree = false, broken = false;
        size_t msize = 0;
        for (;;) {
            la_ssize_t n = archive_read_data(a, buf, sizeof buf);
            if (n == 0)
                break;
            if (n < 0) {
                broken = true;
                break;
            }
            unpacked += (size_t)n;
            msize += (size_t)n;
            if (lim->tree_unpacked)
                *lim->tree_unpacked += (size_t)n;
            if (unpacked > budget) {
                bomb = true;
                break;
            }
            if (tree_spent(lim)) {
                tree = true;
                break;
            }
            if (member.len + (size_t)n > lim->max_member_bytes) {
                too_big = true;
                continue; /* keep counting what it unpacks to, for the ratio */
            }
            if ((st = lx_strbuf_add(&member, buf, (size_t)n)))
                goto out;
        }
        if (bomb) {
            *end = LX_UNPACK_RATIO;
            break;
        }
        if (tree) {
            *end = LX_UNPACK_TREE;
            break;
        }
        if (broken) {
            *end = LX_UNPACK_DAMAGED;
            const char *es = archive_error_string(a);
            lx_strbuf_addf(why, "%s: %s", name, es ? es : "damaged member");
            break;
        }
        if (cb(ctx, name, too_big ? NULL : member.buf, too_big ? msize : member.len, too_big)) {
            *end = LX_UNPACK_STOPPED;
            break;
        }
    }
out:
    archive_read_free(a);
    lx_strbuf_release(&member);
    return st;
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
