/* evidence.c - reading the sources and the originals of messages, never changing them. */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "escape.h"
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

/* Whether s[0..len) is a step's text as lx_evidence_add_member writes it:
 * no byte under 0x20 nor DEL, each "%" followed by two hex digits (not 00). */
static bool step_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            return false;
        if (c == '%' && (i + 2 >= len || lx_hex_value(s[i + 1]) < 0 || lx_hex_value(s[i + 2]) < 0 ||
                         (s[i + 1] == '0' && s[i + 2] == '0')))
            return false; /* %00 too: a name is a C string */
    }
    return true;
}

/* Appends s[0..len) with its escapes undone (s is step_text). */
static lx_status unescape(lx_strbuf *out, const char *s, size_t len)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i < len && !st; i++) {
        if (s[i] == '%') {
            st = lx_strbuf_addch(out, (char)(lx_hex_value(s[i + 1]) * 16 + lx_hex_value(s[i + 2])));
            i += 2;
        } else {
            st = lx_strbuf_addch(out, s[i]);
        }
    }
    return st;
}

/* Appends s[0..len) escaped for a step ("/" too when slash). */
static lx_status escape_step(lx_strbuf *out, const char *s, size_t len, bool slash)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i < len && !st; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F || c == '%' || (slash && c == '/'))
            st = lx_strbuf_addf(out, "%%%02X", c);
        else
            st = lx_strbuf_addch(out, (char)c);
    }
    return st;
}

/* The start of the last TAB-separated field of v[0..end), or 0 when
 * v[0..end) has no TAB (it is all path). */
static size_t last_field(const char *v, size_t end)
{
    size_t k = end;
    while (k > 0 && v[k - 1] != LX_LOCATION_SEP)
        k--;
    return k;
}

/* Takes the mbox range from the end of v[0..*end): the last two fields,
 * digits only, after a first field. */
static void parse_mbox(lx_evidence_loc *loc, const char *v, size_t *end)
{
    size_t f2 = last_field(v, *end);
    size_t f1 = f2 > 1 ? last_field(v, f2 - 1) : 0;
    size_t off, len;
    if (f1 > 0 && parse_size(v + f1, f2 - 1 - f1, &off) && parse_size(v + f2, *end - f2, &len)) {
        loc->in_mbox = true;
        loc->offset = off;
        loc->length = len;
        *end = f1 - 1;
    }
}

/* Takes the Outlook item's steps from the end of v[0..*end): "/FOLDERS"
 * then "#ID". */
static lx_status parse_item(lx_evidence_loc *loc, const char *v, size_t *end)
{
    size_t fi = last_field(v, *end);
    size_t ff = fi > 1 ? last_field(v, fi - 1) : 0;
    size_t id;
    if (ff == 0 || v[fi] != '#' || v[ff] != '/' || !parse_size(v + fi + 1, *end - fi - 1, &id) ||
        id > 0xFFFFFFFFu || !step_text(v + ff, fi - 1 - ff))
        return LX_OK;
    loc->has_item = true;
    loc->item = (unsigned long)id;
    *end = ff - 1;
    return lx_strbuf_add(&loc->folder, v + ff, fi - 1 - ff);
}

/* Takes the member steps from the end of v[0..*end), last first. */
static lx_status parse_members(lx_evidence_loc *loc, const char *v, size_t *end)
{
    lx_status st = LX_OK;
    size_t alloc = 0;
    for (size_t f; !st && (f = last_field(v, *end)) > 0 && v[f] == '!' &&
                   step_text(v + f + 1, *end - f - 1);) {
        lx_strbuf name;
        lx_strbuf_init(&name);
        if ((st = unescape(&name, v + f + 1, *end - f - 1)) ||
            !lx_grow((void **)&loc->members, &alloc, loc->n_members + 1, sizeof *loc->members)) {
            lx_strbuf_release(&name);
            return st ? st : LX_E_NOMEM;
        }
        if (!(loc->members[loc->n_members] = lx_strbuf_detach(&name, NULL)))
            return LX_E_NOMEM;
        loc->n_members++;
        *end = f - 1;
    }
    /* Found last first: outermost first. */
    for (size_t i = 0; i < loc->n_members / 2; i++) {
        char *t = loc->members[i];
        loc->members[i] = loc->members[loc->n_members - 1 - i];
        loc->members[loc->n_members - 1 - i] = t;
    }
    return st;
}

lx_status lx_evidence_parse(lx_evidence_loc *loc, const char *v)
{
    *loc = (lx_evidence_loc){0};
    lx_strbuf_init(&loc->path);
    lx_strbuf_init(&loc->folder);
    size_t end = strlen(v);
    parse_mbox(loc, v, &end);
    lx_status st = parse_item(loc, v, &end);
    if (!st)
        st = parse_members(loc, v, &end);
    return st ? st : lx_strbuf_add(&loc->path, v, end);
}

void lx_evidence_loc_release(lx_evidence_loc *loc)
{
    lx_strbuf_release(&loc->path);
    lx_strbuf_release(&loc->folder);
    for (size_t i = 0; i < loc->n_members; i++)
        free(loc->members[i]);
    free(loc->members);
    loc->members = NULL;
    loc->n_members = 0;
}

lx_status lx_evidence_format_steps(lx_strbuf *out, const char *path, const char *steps,
                                   bool in_mbox, size_t offset, size_t length)
{
    lx_status st = lx_strbuf_addstr(out, path);
    if (!st && steps)
        st = lx_strbuf_addstr(out, steps);
    if (!st && in_mbox)
        st = lx_strbuf_addf(out, "%c%zu%c%zu", LX_LOCATION_SEP, offset, LX_LOCATION_SEP, length);
    return st;
}

lx_status lx_evidence_format(lx_strbuf *out, const char *path, bool in_mbox, size_t offset,
                             size_t length)
{
    return lx_evidence_format_steps(out, path, NULL, in_mbox, offset, length);
}

lx_status lx_evidence_add_member(lx_strbuf *steps, const char *name, size_t len)
{
    lx_status st = lx_strbuf_addf(steps, "%c!", LX_LOCATION_SEP);
    return st ? st : escape_step(steps, name, len, false);
}

lx_status lx_evidence_add_item(lx_strbuf *steps, const char *const *folders, size_t depth,
                               unsigned long id)
{
    lx_status st = lx_strbuf_addch(steps, LX_LOCATION_SEP);
    for (size_t i = 0; i < depth && !st; i++)
        if (!(st = lx_strbuf_addch(steps, '/')))
            st = escape_step(steps, folders[i], strlen(folders[i]), true);
    if (!st && !depth)
        st = lx_strbuf_addch(steps, '/');
    return st ? st : lx_strbuf_addf(steps, "%c#%lu", LX_LOCATION_SEP, id);
}

lx_status lx_evidence_show(lx_strbuf *out, const lx_evidence_loc *loc)
{
    lx_status st = lx_strbuf_add(out, loc->path.buf, loc->path.len);
    for (size_t i = 0; i < loc->n_members && !st; i++) {
        const char *m = loc->members[i];
        if (!(st = lx_strbuf_addstr(out, m[0] == '/' ? "!" : "!/")))
            st = escape_step(out, m, strlen(m), false);
    }
    if (!st && loc->has_item)
        st = lx_strbuf_addf(out, "!%s/#%lu", loc->folder.len > 1 ? loc->folder.buf : "", loc->item);
    if (!st && loc->in_mbox)
        st = lx_strbuf_addf(out, "@%zu+%zu", loc->offset, loc->length);
    return st;
}

/* lx_evidence_show_stored, and (file) without the mbox range. */
static lx_status show_stored(lx_strbuf *out, const char *stored, bool file)
{
    lx_evidence_loc loc;
    lx_status st = lx_evidence_parse(&loc, stored);
    if (!st && file)
        loc.in_mbox = false;
    if (!st)
        st = lx_evidence_show(out, &loc);
    lx_evidence_loc_release(&loc);
    return st;
}

lx_status lx_evidence_show_stored(lx_strbuf *out, const char *stored)
{
    return show_stored(out, stored, false);
}

lx_status lx_evidence_show_file(lx_strbuf *out, const char *stored)
{
    return show_stored(out, stored, true);
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

lx_status lx_evidence_map(const char *path, const char **data, size_t *len, lx_atime_stats *atimes,
                          const char **why)
{
    struct stat link, sb;
    bool is_link = lstat(path, &link) == 0 && S_ISLNK(link.st_mode);
    lx_source_fd sf;
    lx_status st = LX_E_IO;
    *data = NULL;
    *len = 0;
    if (lx_source_open(&sf, path, false) < 0 || fstat(sf.fd, &sb) != 0)
        *why = strerror(errno);
    else if (!S_ISREG(sb.st_mode) || sb.st_size == 0)
        *why = !S_ISREG(sb.st_mode) ? "not a regular file" : "the file is empty now";
    else if ((size_t)sb.st_size > LX_MAX_SOURCE_BYTES)
        *why = "file larger than 4 GiB";
    else if ((*data = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, sf.fd, 0)) ==
             MAP_FAILED)
        *why = strerror(errno);
    else
        st = LX_OK;
    if (st)
        *data = NULL;
    else
        *len = (size_t)sb.st_size;
    /* Mapping the file is what sets its access time (when O_NOATIME was
     * refused), as in the indexer: settled now, the mapping outlives the fd. */
    lx_source_close(&sf, atimes);
    if (is_link)
        lx_source_link_settle(path, &link, atimes);
    return st;
}

void lx_evidence_unmap(const char *data, size_t len)
{
    if (data)
        munmap((void *)data, len);
}
