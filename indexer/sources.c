/* sources.c - reading the sources: each file mapped, told apart, split, recorded. */
#include "sources.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archives.h"
#include "caps.h"
#include "evidence.h"
#include "mbox.h"
#include "pipeline.h"
#include "sha256.h"
#include "sniff.h"
#include "walk.h"
#include "banned.h"

/* The metadata key of a source file's identity record. */
static void file_key(const char *path, char key[80])
{
    char hex[LX_SHA256_HEX_LEN + 1];
    if (lx_sha256_hex(path, strlen(path), hex))
        hex[0] = '\0';
    snprintf(key, 80, "%s%s", LX_FILE_METADATA_PREFIX, hex);
}

/* The record's value: "1 SIZE SEC NSEC KIND MESSAGES OTHER\nPATH" (KIND m
 * for an mbox, a for an archive, its messages counted over every member, f
 * for a one-message file). */
static void file_value(lx_strbuf *v, const char *path, off_t size, const struct timespec *mt,
                       char kind, size_t messages, size_t other)
{
    lx_strbuf_reset(v);
    lx_strbuf_addf(v, "1 %lld %lld %ld %c %zu %zu\n%s", (long long)size, (long long)mt->tv_sec,
                   mt->tv_nsec, kind, messages, other, path);
}

lx_status lx_sources_file_done(lx_run *r, lx_source_file *f)
{
    lx_status st = LX_OK;
    if (!r->fatal && !f->skipped && !r->inspect) {
        char key[80];
        lx_strbuf v;
        lx_strbuf_init(&v);
        file_key(f->path, key);
        file_value(&v, f->path, f->size, &f->mtime, f->kind, f->messages, f->other);
        st = lx_db_set_metadata(r->db, key, v.buf);
        lx_strbuf_release(&v);
    }
    free(f->path);
    free(f);
    return st;
}

/* True when the file is the one a previous run indexed completely (same
 * path, size and modification time): its messages are counted as already
 * indexed without reading it. */
static bool unchanged(lx_run *r, const char *path, const struct stat *sb, size_t src)
{
    if (r->inspect)
        return false;
    char key[80];
    char *have = NULL;
    file_key(path, key);
    if (lx_db_get_metadata(r->db, key, &have) || !have || !*have) {
        free(have);
        return false;
    }
    long long size, sec;
    long nsec;
    char kind;
    size_t messages, other;
    int used = 0;
    bool same = sscanf(have, "1 %lld %lld %ld %c %zu %zu\n%n", &size, &sec, &nsec, &kind, &messages,
                       &other, &used) == 6 &&
                used > 0 && strcmp(have + used, path) == 0 && size == (long long)sb->st_size &&
                sec == (long long)sb->st_mtim.tv_sec && nsec == sb->st_mtim.tv_nsec &&
                other <= messages;
    free(have);
    if (!same)
        return false;
    lx_source_stats *s = &r->report.v[src];
    if ((kind == 'm' || kind == 'a') &&
        !(s = lx_report_source(&r->report, path, kind == 'm' ? LX_SOURCE_MBOX : LX_SOURCE_ARCHIVE)))
        return false;
    s->found += messages;
    s->known += messages - other;
    s->other_shard += other;
    r->report.files_unchanged++;
    r->report.messages_unchanged += messages;
    r->done_messages += messages;
    return true;
}

/* One source file being read: its record, its source in the report, and
 * where the bytes being read are inside it. Archives are read in memory,
 * member by member, through the same reader as the file (read_bytes). */
typedef struct file_read {
    lx_run *r;
    lx_source_file *f;
    size_t src;           /* its source in the report (the archive's inside one) */
    const char *path;     /* the file */
    lx_strbuf steps;      /* the member being read (stored steps); empty: the file */
    size_t depth;         /* archives open around the bytes being read */
    size_t tree_unpacked; /* bytes every archive in the file unpacked so far */
    size_t tree_budget;   /* what they may unpack in all */
    /* The members of the archive being read that hold no mail, kept until
     * the archive ends: listed one by one when it held mail, else the
     * archive is one "no mail inside" line (a .docx is a zip). Each entry
     * is the shown location, a NUL, the reason, a NUL. */
    lx_strbuf *no_mail;
} file_read;

/* The shown location of the bytes being read (lx_evidence_show). */
static void where_now(const file_read *fr, lx_strbuf *where)
{
    lx_strbuf stored;
    lx_strbuf_init(&stored);
    lx_strbuf_reset(where);
    if (lx_evidence_format_steps(&stored, fr->path, fr->steps.buf, false, 0, 0) ||
        lx_evidence_show_stored(where, stored.buf))
        lx_strbuf_reset(where);
    lx_strbuf_release(&stored);
}

/* Reports what could not be read at the bytes being read: counted under
 * reason (detail, when not NULL, adds to the warning); again (true) when a
 * later run should read the file again (it is not recorded as indexed). */
static void problem(file_read *fr, const char *reason, const char *detail, bool again)
{
    lx_strbuf where, line;
    lx_strbuf_init(&where);
    lx_strbuf_init(&line);
    where_now(fr, &where);
    lx_report_skip(&fr->r->report.v[fr->src], reason, 1);
    if (detail && !lx_strbuf_addf(&line, "%s: %s", reason, detail))
        reason = line.buf;
    lx_run_warn(fr->r, where.len ? where.buf : fr->path, reason);
    if (again)
        fr->f->skipped++;
    lx_strbuf_release(&where);
    lx_strbuf_release(&line);
}

/* A member that holds no mail: kept for the end of its archive. */
static void no_mail(file_read *fr, const char *reason)
{
    if (!fr->no_mail) {
        problem(fr, reason, NULL, false);
        return;
    }
    lx_strbuf where;
    lx_strbuf_init(&where);
    where_now(fr, &where);
    if (lx_strbuf_add(fr->no_mail, where.buf, where.len + 1) ||
        lx_strbuf_add(fr->no_mail, reason, strlen(reason) + 1))
        problem(fr, reason, NULL, false); /* out of memory: said now */
    lx_strbuf_release(&where);
}

/* The messages of an mbox, each dispatched; an empty one is reported. A
 * fatal error is kept in r->fatal: the rest is counted, not indexed. */
static lx_status read_mbox(file_read *fr, const char *data, size_t len)
{
    lx_run *r = fr->r;
    char reason[300];
    lx_source_stats *ms = &r->report.v[fr->src];
    if (!fr->depth) {
        fr->f->kind = 'm';
        ms = lx_report_source(&r->report, fr->path, LX_SOURCE_MBOX);
        fr->src = ms ? (size_t)(ms - r->report.v) : fr->src;
    }
    lx_mbox_iter it;
    lx_mbox_msg m;
    lx_mbox_iter_init(&it, data, len);
    while (ms && lx_mbox_next(&it, &m)) {
        lx_location loc = {fr->path, true, m.from_line, m.end - m.from_line, fr->steps.buf};
        if (m.end == m.start) {
            ms = &r->report.v[fr->src];
            ms->found++;
            fr->f->messages++;
            fr->f->skipped++;
            r->done_messages++;
            lx_report_skip(ms, "empty message in mbox", 0);
            snprintf(reason, sizeof reason, "empty message at byte %zu of the mbox", m.from_line);
            lx_strbuf where;
            lx_strbuf_init(&where);
            where_now(fr, &where);
            lx_run_warn(r, where.len ? where.buf : fr->path, reason);
            lx_strbuf_release(&where);
            continue;
        }
        lx_status st =
            lx_pipeline_dispatch(r, fr->src, fr->f, data + m.start, m.end - m.start, true, &loc);
        if (st && !r->fatal)
            r->fatal = st;
        lx_run_progress(r, false);
    }
    return ms ? LX_OK : LX_E_NOMEM;
}

static lx_status read_bytes(file_read *fr, const char *data, size_t len);

/* Each member of an archive read through read_bytes, its step added. */
static int on_member(void *ctx, const lx_archive_member *m)
{
    file_read *fr = ctx;
    size_t was = fr->steps.len;
    lx_status st = lx_evidence_add_member(&fr->steps, m->name, strlen(m->name));
    if (st) {
        fr->r->fatal = st;
        return 1;
    }
    if (m->encrypted) {
        problem(fr, LX_ARCHIVES_ENCRYPTED, NULL, true);
    } else if (m->too_big) {
        problem(fr, "archive member larger than 2 GiB, not read", NULL, true);
    } else if ((st = read_bytes(fr, m->data, m->len)) && !fr->r->fatal) {
        fr->r->fatal = st;
    }
    lx_strbuf_setlen(&fr->steps, was);
    return fr->r->fatal == LX_E_NOMEM;
}

/* Why an archive walk ended early, for the report; NULL when it did not. */
static const char *archive_end(lx_unpack_end end)
{
    switch (end) {
    case LX_UNPACK_COMPLETE:
    case LX_UNPACK_STOPPED: return NULL;
    case LX_UNPACK_MEMBERS: return "archive with more than 1,000,000 members: the rest not read";
    case LX_UNPACK_RATIO:
        return "archive unpacking past 100 times its size (a zip bomb?): the rest not read";
    case LX_UNPACK_DAMAGED: return "damaged archive: the rest not read";
    case LX_UNPACK_TREE:
        return "archives in this file unpacking past 100 times its size: the rest not read";
    }
    return NULL;
}

/* The members held no mail: one line for the archive; else each member
 * that held none, with its location. */
static void report_no_mail(file_read *fr, const lx_strbuf *kept, bool any_mail)
{
    if (!any_mail && kept->len) {
        no_mail(fr, "no mail inside");
        return;
    }
    for (size_t k = 0; k < kept->len;) {
        const char *where = kept->buf + k;
        const char *reason = where + strlen(where) + 1;
        lx_report_skip(&fr->r->report.v[fr->src], reason, 1);
        lx_run_warn(fr->r, *where ? where : fr->path, reason);
        k = (size_t)(reason + strlen(reason) + 1 - kept->buf);
    }
}

/* An archive: each member read where it is, in memory; what stopped the
 * walk reported with libarchive's reason. */
static lx_status read_archive(file_read *fr, const char *data, size_t len)
{
    lx_run *r = fr->r;
    if (fr->depth >= LX_SOURCE_ARCHIVE_MAX_DEPTH) {
        problem(fr, "archive nested more than 6 deep, not opened", NULL, true);
        return LX_OK;
    }
    if (!fr->depth) {
        fr->f->kind = 'a';
        lx_source_stats *as = lx_report_source(&r->report, fr->path, LX_SOURCE_ARCHIVE);
        if (!as)
            return LX_E_NOMEM;
        fr->src = (size_t)(as - r->report.v);
    }
    lx_unpack_limits lim = {LX_SOURCE_MEMBER_MAX_BYTES, LX_SOURCE_ARCHIVE_MAX_MEMBERS,
                            LX_SOURCE_ARCHIVE_MAX_RATIO, LX_SOURCE_ARCHIVE_RATIO_FLOOR,
                            &fr->tree_unpacked, fr->tree_budget};
    lx_strbuf kept, why;
    lx_strbuf_init(&kept);
    lx_strbuf_init(&why);
    lx_strbuf *outer = fr->no_mail;
    size_t found = fr->f->messages, skipped = fr->f->skipped;
    fr->no_mail = &kept;
    fr->depth++;
    lx_unpack_end end;
    lx_status st = lx_archives_walk(data, len, &lim, on_member, fr, &end, &why);
    fr->depth--;
    fr->no_mail = outer;
    const char *stopped = archive_end(end);
    /* Damage or a limit is news of its own: the members that held no mail
     * are listed then. */
    report_no_mail(fr, &kept, fr->f->messages > found || fr->f->skipped > skipped || stopped);
    if (stopped)
        problem(fr, stopped, why.len ? why.buf : NULL, true);
    lx_strbuf_release(&kept);
    lx_strbuf_release(&why);
    return st;
}

/* The messages of the bytes at data: an mbox, one message, an archive of
 * them, or none (reported). */
static lx_status read_bytes(file_read *fr, const char *data, size_t len)
{
    lx_sniff kind_of = lx_sniff_data(data, len);
    switch (kind_of) {
    case LX_SNIFF_MBOX: return read_mbox(fr, data, len);
    case LX_SNIFF_MESSAGE: {
        lx_location loc = {fr->path, false, 0, len, fr->steps.buf};
        return lx_pipeline_dispatch(fr->r, fr->src, fr->f, data, len, false, &loc);
    }
    case LX_SNIFF_ARCHIVE: return read_archive(fr, data, len);
    case LX_SNIFF_PST: no_mail(fr, "Outlook store (PST/OST): not read yet"); break;
    case LX_SNIFF_MSG: no_mail(fr, "OLE2 file (an Outlook .msg or an Office file): not read yet"); break;
    case LX_SNIFF_EMPTY: no_mail(fr, "empty file"); break;
    case LX_SNIFF_NOT_MAIL:
        if (fr->depth) {
            no_mail(fr, "not a mail message (no header block)");
        } else {
            /* A file of its own: as it always was. */
            lx_report_skip(&fr->r->report.v[fr->src], "not a mail message (no header block)", 1);
            lx_run_warn(fr->r, fr->path, "not a mail message (no header block), skipped");
            fr->f->skipped++;
        }
        break;
    }
    return LX_OK;
}

/* The messages of a file mapped at data. Then the file is done once its
 * messages are retired. */
static void read_file(lx_run *r, lx_source_file *f, size_t src, const char *path, const char *data,
                      size_t len)
{
    file_read fr = {r, f, src, path, {0}, 0, 0, 0, NULL};
    lx_strbuf_init(&fr.steps);
    /* Every archive in the file together unpacks to at most the ratio times
     * the file (at least the floor). */
    fr.tree_budget = len > (size_t)-1 / LX_SOURCE_ARCHIVE_MAX_RATIO
                         ? (size_t)-1
                         : len * LX_SOURCE_ARCHIVE_MAX_RATIO;
    if (fr.tree_budget < LX_SOURCE_ARCHIVE_RATIO_FLOOR)
        fr.tree_budget = LX_SOURCE_ARCHIVE_RATIO_FLOOR;
    lx_status st = read_bytes(&fr, data, len);
    lx_strbuf_release(&fr.steps);
    r->done_files++;
    r->done_bytes += len;
    f->walked = true;
    if (st)
        r->fatal = st;
    if (f->pending == 0 && (st = lx_sources_file_done(r, f)) && !r->fatal)
        r->fatal = st;
}

/* A file that could not be read: reported, skipped, counted as done. */
static int unreadable(lx_run *r, lx_source_stats *s, const char *path, const char *why,
                      lx_source_fd *sf)
{
    lx_report_skip(s, why, 1);
    lx_run_warn(r, path, why);
    lx_source_close(sf, &r->atimes);
    r->done_files++;
    return 0;
}

static int on_file(void *ctx, const char *path, const char *source, lx_source_kind kind)
{
    lx_run *r = ctx;
    char reason[300];
    lx_source_stats *s = lx_report_source(&r->report, source, kind);
    if (!s) {
        r->fatal = LX_E_NOMEM;
        return 1;
    }
    size_t src = (size_t)(s - r->report.v);
    /* Read-only and, where the system allows it, without updating the
     * access time: the sources are evidence (lx_source_open). */
    lx_source_fd sf;
    int fd = lx_source_open(&sf, path, false);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        snprintf(reason, sizeof reason, "cannot read: %s", strerror(errno));
        return unreadable(r, s, path, reason, &sf);
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size == 0 || (size_t)sb.st_size > LX_MAX_SOURCE_BYTES)
        return unreadable(r, s, path,
                          !S_ISREG(sb.st_mode) ? "not a regular file"
                          : sb.st_size == 0    ? "empty file"
                                               : "file larger than 4 GiB",
                          &sf);
    size_t len = (size_t)sb.st_size;
    if (!r->fatal && unchanged(r, path, &sb, src)) {
        lx_source_close(&sf, &r->atimes);
        r->done_files++;
        r->done_bytes += len;
        lx_run_progress(r, false);
        return 0;
    }
    /* Mapping the file is what sets its access time (when O_NOATIME was
     * refused): the fd stays open to put it back after. */
    char *data = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
        snprintf(reason, sizeof reason, "cannot map: %s", strerror(errno));
        return unreadable(r, s, path, reason, &sf);
    }
    lx_source_close(&sf, &r->atimes);
    lx_source_file *f = calloc(1, sizeof *f);
    if (f && !(f->path = strdup(path))) {
        free(f);
        f = NULL;
    }
    if (!f) {
        munmap(data, len);
        r->fatal = LX_E_NOMEM;
        return 1;
    }
    f->size = sb.st_size;
    f->mtime = sb.st_mtim;
    f->kind = 'f';
    read_file(r, f, src, path, data, len);
    munmap(data, len);
    lx_run_progress(r, false);
    /* After a fatal error the walk goes on, counting what is not indexed. */
    return 0;
}

static void on_skip(void *ctx, const char *path, const char *source, lx_source_kind kind,
                    const char *reason)
{
    lx_run *r = ctx;
    lx_source_stats *s = lx_report_source(&r->report, source, kind);
    if (s)
        lx_report_skip(s, reason, 1);
    lx_run_warn(r, path, reason);
}

/* Counting walk for the progress line: files and bytes, nothing read. */
static int count_file(void *ctx, const char *path, const char *source, lx_source_kind kind)
{
    (void)source;
    (void)kind;
    lx_run *r = ctx;
    struct stat sb;
    r->total_files++;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        r->total_bytes += (uint64_t)sb.st_size;
    return 0;
}

static void count_skip(void *ctx, const char *path, const char *source, lx_source_kind kind,
                       const char *reason)
{
    (void)ctx;
    (void)path;
    (void)source;
    (void)kind;
    (void)reason;
}

/* Walks each source, made absolute, with cb; true when one could not be
 * read. */
static bool walk_all(const lx_walk_cb *cb, int n, char **paths)
{
    bool missing = false;
    for (int i = 0; i < n; i++) {
        char *abs = realpath(paths[i], NULL);
        if (lx_walk(abs ? abs : paths[i], cb) == LX_E_NOT_FOUND)
            missing = true;
        free(abs);
    }
    return missing;
}

bool lx_sources_read(lx_run *r, bool hidden, int n, char **paths)
{
    lx_walk_cb cb = {on_file, on_skip, r, hidden, r->inspect ? NULL : r->db_path, &r->atimes};
    return walk_all(&cb, n, paths);
}

void lx_sources_count(lx_run *r, bool hidden, int n, char **paths)
{
    r->show_progress = !r->quiet && !r->inspect && isatty(STDERR_FILENO);
    r->t0 = lx_run_now();
    if (!r->show_progress)
        return;
    lx_walk_cb count = {count_file, count_skip, r, hidden, r->inspect ? NULL : r->db_path,
                        &r->atimes};
    walk_all(&count, n, paths);
    fprintf(stderr, "leakdex-index: %zu files to read (%.1f MB), %u %s\n", r->total_files,
            (double)r->total_bytes / 1e6, r->jobs, r->jobs > 1 ? "jobs" : "job");
    lx_run_progress(r, true);
}
