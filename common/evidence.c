/* evidence.c - reading the sources and the originals of messages, never changing them. */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "grow.h"
#include "schema.h"
#include "banned.h"

/* One source whose access time changed: updated by the file system, or put
 * back by us. */
struct lx_atime_entry {
    dev_t dev;
    ino_t ino;
    lx_atime_kind kind;
    bool restored;
};

void lx_atime_stats_init(lx_atime_stats *s)
{
    s->v = NULL;
    s->n = s->alloc = 0;
    s->incomplete = false;
}

void lx_atime_stats_release(lx_atime_stats *s)
{
    free(s->v);
    lx_atime_stats_init(s);
}

static void record(lx_atime_stats *s, const struct stat *sb, lx_atime_kind kind, bool restored)
{
    if (!s)
        return;
    if (!lx_grow((void **)&s->v, &s->alloc, s->n + 1, sizeof *s->v)) {
        s->incomplete = true;
        return;
    }
    s->v[s->n++] = (struct lx_atime_entry){sb->st_dev, sb->st_ino, kind, restored};
}

/* By device and inode, then the updated ones before the restored ones. */
static int cmp_entries(const void *pa, const void *pb)
{
    const struct lx_atime_entry *a = pa, *b = pb;
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return (int)a->restored - (int)b->restored;
}

/* "1 file", "2 directories" and so on, joined by ", " and " and ". */
static void add_counts(lx_strbuf *out, const size_t count[LX_ATIME_KINDS_])
{
    static const char *const one[] = {"file", "directory", "symbolic link"};
    static const char *const many[] = {"files", "directories", "symbolic links"};
    size_t listed = 0, total = 0;
    for (int k = 0; k < LX_ATIME_KINDS_; k++)
        total += count[k] != 0;
    for (int k = 0; k < LX_ATIME_KINDS_; k++) {
        if (!count[k])
            continue;
        if (listed)
            lx_strbuf_addstr(out, listed + 1 == total ? " and " : ", ");
        lx_strbuf_addf(out, "%zu %s", count[k], count[k] == 1 ? one[k] : many[k]);
        listed++;
    }
}

lx_status lx_atime_describe(lx_atime_stats *s, lx_strbuf *out)
{
    if (!s->n)
        return LX_OK;
    qsort(s->v, s->n, sizeof *s->v, cmp_entries);
    size_t updated[LX_ATIME_KINDS_] = {0}, restored[LX_ATIME_KINDS_] = {0};
    size_t n_updated = 0, n_restored = 0;
    for (size_t i = 0; i < s->n; i++) {
        /* Once per source: updated if that happened once. */
        if (i && s->v[i].dev == s->v[i - 1].dev && s->v[i].ino == s->v[i - 1].ino)
            continue;
        (s->v[i].restored ? restored : updated)[s->v[i].kind]++;
        n_updated += !s->v[i].restored;
        n_restored += s->v[i].restored;
    }
    lx_strbuf_addf(out, "access times: %s", s->incomplete ? "at least " : "");
    if (n_updated) {
        add_counts(out, updated);
        lx_strbuf_addstr(out, " updated by the file system when read (only their owner or root "
                              "may read without updating them, or put them back); to keep them, "
                              "read the sources from a read-only or noatime mount");
    }
    if (n_restored) {
        lx_strbuf_addstr(out, n_updated ? "; put back on " : "put back on ");
        add_counts(out, restored);
        return lx_strbuf_addstr(out, n_restored == 1 ? " (its change time became now)"
                                                     : " (their change time became now)");
    }
    return LX_OK;
}

int lx_source_open(lx_source_fd *sf, const char *path, bool dir)
{
    int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (dir ? O_DIRECTORY : 0);
    sf->kind = dir ? LX_ATIME_DIR : LX_ATIME_FILE;
    sf->noatime = true;
    sf->fd = open(path, flags | O_NOATIME);
    if (sf->fd < 0 && errno == EPERM) {
        sf->noatime = false;
        sf->fd = open(path, flags);
    }
    if (sf->fd >= 0 && !sf->noatime && fstat(sf->fd, &sf->before) != 0) {
        int err = errno;
        close(sf->fd);
        sf->fd = -1;
        errno = err;
    }
    return sf->fd;
}

/* Puts back the access time of before (fd >= 0: that file; else the link
 * at path) when now shows it changed; records what happened. */
static void settle(int fd, const char *path, const struct stat *before, const struct stat *now,
                   lx_atime_kind kind, lx_atime_stats *stats)
{
    if (now->st_atim.tv_sec == before->st_atim.tv_sec &&
        now->st_atim.tv_nsec == before->st_atim.tv_nsec)
        return;
    const struct timespec times[2] = {before->st_atim, {0, UTIME_OMIT}};
    bool back = fd >= 0 ? futimens(fd, times) == 0
                        : utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) == 0;
    record(stats, now, kind, back);
}

void lx_source_settle(lx_source_fd *sf, lx_atime_stats *stats)
{
    struct stat now;
    if (sf->fd >= 0 && !sf->noatime && fstat(sf->fd, &now) == 0)
        settle(sf->fd, NULL, &sf->before, &now, sf->kind, stats);
}

void lx_source_close(lx_source_fd *sf, lx_atime_stats *stats)
{
    if (sf->fd < 0)
        return;
    lx_source_settle(sf, stats);
    close(sf->fd);
    sf->fd = -1;
}

void lx_source_link_settle(const char *path, const struct stat *before, lx_atime_stats *stats)
{
    struct stat now;
    if (lstat(path, &now) == 0 && S_ISLNK(now.st_mode) && now.st_dev == before->st_dev &&
        now.st_ino == before->st_ino)
        settle(-1, path, before, &now, LX_ATIME_LINK, stats);
}

/* The decimal number s[0..len): digits only, at least one, fitting a
 * size_t. */
static bool parse_size(const char *s, size_t len, size_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || n > (SIZE_MAX - 9) / 10)
            return false;
        n = n * 10 + (size_t)(s[i] - '0');
    }
    *out = n;
    return len > 0;
}

lx_status lx_evidence_parse(lx_evidence_loc *loc, const char *v)
{
    lx_strbuf_init(&loc->path);
    loc->in_mbox = false;
    loc->offset = loc->length = 0;
    /* The offset and length are the last two tab-separated fields, each
     * digits and nothing else; any other value is a path of its own. */
    const char *t2 = strrchr(v, LX_LOCATION_SEP);
    const char *t1 = t2 && t2 != v ? t2 - 1 : NULL;
    while (t1 && t1 > v && *t1 != LX_LOCATION_SEP)
        t1--;
    size_t off, len;
    bool mbox = t1 && *t1 == LX_LOCATION_SEP &&
                parse_size(t1 + 1, (size_t)(t2 - t1 - 1), &off) &&
                parse_size(t2 + 1, strlen(t2 + 1), &len);
    if (mbox) {
        loc->in_mbox = true;
        loc->offset = off;
        loc->length = len;
    }
    return lx_strbuf_add(&loc->path, v, mbox ? (size_t)(t1 - v) : strlen(v));
}

lx_status lx_evidence_format(lx_strbuf *out, const char *path, bool in_mbox, size_t offset,
                             size_t length)
{
    if (!in_mbox)
        return lx_strbuf_addstr(out, path);
    return lx_strbuf_addf(out, "%s%c%zu%c%zu", path, LX_LOCATION_SEP, offset, LX_LOCATION_SEP,
                          length);
}

/* Reads the location from an open file. */
static lx_status read_range(const lx_evidence_loc *loc, int fd, lx_strbuf *out, const char **why)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        *why = "not a regular file";
        return LX_E_IO;
    }
    size_t offset = loc->in_mbox ? loc->offset : 0;
    size_t len = loc->in_mbox ? loc->length : (size_t)sb.st_size;
    if (len > LX_MAX_MESSAGE_BYTES + 4096 || offset + len > (size_t)sb.st_size) {
        *why = "the file is shorter than the indexed message";
        return LX_E_IO;
    }
    lx_status st = lx_strbuf_grow(out, len);
    size_t got = 0;
    while (!st && got < len) {
        ssize_t r = pread(fd, out->buf + out->len + got, len - got, (off_t)(offset + got));
        if (r <= 0) {
            *why = r < 0 ? strerror(errno) : "unexpected end of file";
            st = LX_E_IO;
            break;
        }
        got += (size_t)r;
    }
    if (!st)
        lx_strbuf_setlen(out, out->len + len);
    return st;
}

lx_status lx_evidence_read(const lx_evidence_loc *loc, lx_strbuf *out, lx_atime_stats *atimes,
                           const char **why)
{
    /* A link named by the location is followed by the open: its time too. */
    struct stat link;
    bool is_link = lstat(loc->path.buf, &link) == 0 && S_ISLNK(link.st_mode);
    lx_source_fd sf;
    lx_status st = LX_E_IO;
    if (lx_source_open(&sf, loc->path.buf, false) < 0)
        *why = strerror(errno);
    else
        st = read_range(loc, sf.fd, out, why);
    lx_source_close(&sf, atimes);
    if (is_link)
        lx_source_link_settle(loc->path.buf, &link, atimes);
    return st;
}
