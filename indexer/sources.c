/* sources.c - reading the sources: each file mapped, told apart, split, recorded. */
#include "sources.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "containers.h"
#include "evidence.h"
#include "mapi.h"
#include "mbox.h"
#include "msg.h"
#include "pipeline.h"
#include "pst.h"
#include "segrun.h"
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
 * for an mbox, a for an archive, its messages counted over every member, p
 * for an Outlook store (PST/OST), its mail items counted, g for a .msg, f
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
        /* In a segment run, its messages are in the index once merged. */
        if (!lx_segrun_keep_record(r, key, v.buf, &st))
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
    lx_source_kind own = kind == 'm'   ? LX_SOURCE_MBOX
                         : kind == 'a' ? LX_SOURCE_ARCHIVE
                                       : LX_SOURCE_PST;
    if ((kind == 'm' || kind == 'a' || kind == 'p') &&
        !(s = lx_report_source(&r->report, path, own)))
        return false;
    s->found += messages;
    s->known += messages - other;
    s->other_shard += other;
    r->report.files_unchanged++;
    r->report.messages_unchanged += messages;
    r->done_messages += messages;
    return true;
}

/* One source file being read: its record, its source in the report. */
typedef struct file_read {
    lx_run *r;
    lx_source_file *f;
    size_t src;       /* its source in the report */
    const char *path; /* the file */
} file_read;

/* The shown location of steps inside the file (lx_evidence_show). */
static void where_of(const file_read *fr, const char *steps, lx_strbuf *where)
{
    lx_strbuf stored;
    lx_strbuf_init(&stored);
    lx_strbuf_reset(where);
    if (lx_evidence_format_steps(&stored, fr->path, steps, false, 0, 0) ||
        lx_evidence_show_stored(where, stored.buf))
        lx_strbuf_reset(where);
    lx_strbuf_release(&stored);
}

/* The messages of an mbox (at steps inside the file: NULL or "" for the
 * file itself), each dispatched; an empty one is reported. A fatal error
 * is kept in r->fatal: the rest is counted, not indexed. */
static lx_status read_mbox(file_read *fr, const char *steps, const char *data, size_t len)
{
    lx_run *r = fr->r;
    char reason[300];
    lx_source_stats *ms = &r->report.v[fr->src];
    if (!steps || !*steps) {
        fr->f->kind = 'm';
        ms = lx_report_source(&r->report, fr->path, LX_SOURCE_MBOX);
        fr->src = ms ? (size_t)(ms - r->report.v) : fr->src;
    }
    lx_mbox_iter it;
    lx_mbox_msg m;
    lx_mbox_iter_init(&it, data, len);
    while (ms && lx_mbox_next(&it, &m)) {
        lx_location loc = {fr->path, true, m.from_line, m.end - m.from_line, steps, NULL};
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
            where_of(fr, steps, &where);
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

static void member_problem(void *ctx, const char *steps, const char *reason, const char *detail,
                           bool again);

/* One Outlook item at steps (its location inside the file) converted to
 * an .eml and dispatched with its identity; what the reader could not read
 * of it is warned and noted. format: "pst", "ost" or "msg"; from: what the
 * .eml says it was converted from ("pst item #2097188", "msg"). */
static lx_status dispatch_item(file_read *fr, const char *steps, const lx_mapi_msg *m,
                               const char *format, const char *from)
{
    lx_run *r = fr->r;
    char identity[65];
    lx_strbuf eml, where;
    lx_strbuf_init(&eml);
    lx_strbuf_init(&where);
    lx_status st = lx_mapi_identity(m, identity);
    if (!st)
        st = lx_mapi_to_eml(m, from, &eml);
    if (!st && m->n_problems) {
        where_of(fr, steps, &where);
        for (size_t i = 0; i < m->n_problems; i++) {
            lx_report_note(&r->report.v[fr->src], "Outlook item read in part");
            lx_run_warn(r, where.len ? where.buf : fr->path, m->problems[i]);
        }
    }
    if (!st) {
        lx_location loc = {fr->path, false, 0, eml.len, steps, format};
        /* The Date lx_mapi_to_eml wrote: the transport headers' own, else
         * the item's submit, delivery or creation time. */
        bool own = m->transport_headers != NULL;
        lx_date_source ds = own || m->date_from == LX_DATE_SUBMIT ? LX_DATE_HEADER
                            : m->date_from == LX_DATE_DELIVERY    ? LX_DATE_OUTLOOK_DELIVERY
                            : m->date_from == LX_DATE_CREATION    ? LX_DATE_OUTLOOK_CREATION
                                                                  : LX_DATE_HEADER;
        st = lx_pipeline_dispatch_converted(r, fr->src, fr->f, eml.buf, eml.len, identity, ds,
                                            &loc);
        lx_run_progress(r, false);
    }
    lx_strbuf_release(&eml);
    lx_strbuf_release(&where);
    return st;
}

/* The items of a store that are not mail, counted by kind (lx_mapi_kind). */
#define KINDS_MAX 8
typedef struct kind_count {
    const char *kind[KINDS_MAX];
    size_t n[KINDS_MAX];
    size_t kinds;
} kind_count;

static void count_kind(kind_count *kc, const char *kind)
{
    size_t k = 0;
    while (k < kc->kinds && strcmp(kc->kind[k], kind) != 0)
        k++;
    if (k == kc->kinds && kc->kinds < KINDS_MAX)
        kc->kind[kc->kinds++] = kind;
    if (k < kc->kinds)
        kc->n[k]++;
}

/* "not mail: 3 contacts, 1 note" at steps (nothing when every item was
 * mail), each item counted in the run's totals too. */
static void warn_kinds(file_read *fr, const char *steps, const kind_count *kc)
{
    if (!kc->kinds)
        return;
    lx_strbuf line, where;
    lx_strbuf_init(&line);
    lx_strbuf_init(&where);
    lx_status st = lx_strbuf_addstr(&line, "not mail:");
    for (size_t k = 0; k < kc->kinds && !st; k++) {
        st = lx_report_add_kind(&line, kc->kind[k], kc->n[k], k == 0);
        for (size_t i = 0; i < kc->n[k]; i++)
            lx_report_not_mail(&fr->r->report, kc->kind[k]);
    }
    where_of(fr, steps, &where);
    lx_run_warn(fr->r, where.len ? where.buf : fr->path, line.buf);
    lx_strbuf_release(&line);
    lx_strbuf_release(&where);
}

/* One Outlook store being walked (lx_pst_walk's context). */
typedef struct store_read {
    file_read *fr;
    const char *steps;  /* the store's steps inside the file ("": the file itself) */
    const char *format; /* "pst" or "ost" */
    kind_count kinds;
    lx_status st;
} store_read;

/* An item (or a folder that could not be read) of a store (lx_pst_cb). */
static int store_item(void *ctx, const char *const *folders, size_t depth, uint32_t id,
                      const lx_mapi_msg *m, const char *problem)
{
    store_read *sr = ctx;
    file_read *fr = sr->fr;
    lx_run *r = fr->r;
    lx_strbuf steps, where;
    lx_strbuf_init(&steps);
    lx_strbuf_init(&where);
    lx_status st = lx_strbuf_addstr(&steps, sr->steps);
    if (!st && id)
        st = lx_evidence_add_item(&steps, folders, depth, id);
    if (!st && !m) {
        lx_source_stats *s = &r->report.v[fr->src];
        where_of(fr, steps.buf, &where);
        fr->f->skipped++;
        if (id) { /* an item: a message found, not read */
            s->found++;
            fr->f->messages++;
            r->done_messages++;
            lx_report_skip(s, "Outlook item that cannot be read", 0);
            lx_run_warn(r, where.len ? where.buf : fr->path, problem);
        } else { /* a folder */
            lx_report_skip(s, "Outlook folder that cannot be read", 1);
            lx_strbuf_addf(&where, "!/");
            for (size_t i = 0; i < depth; i++)
                lx_strbuf_addf(&where, "%s%s", i ? "/" : "", folders[i]);
            lx_run_warn(r, where.buf, problem);
        }
    } else if (!st && !lx_mapi_is_mail(m->message_class)) {
        const char *kind = lx_mapi_kind(m->message_class);
        char note[64];
        snprintf(note, sizeof note, "not mail: %s", kind);
        lx_report_note(&r->report.v[fr->src], note);
        count_kind(&sr->kinds, kind);
    } else if (!st) {
        char from[48];
        snprintf(from, sizeof from, "%s item #%lu", sr->format, (unsigned long)id);
        st = dispatch_item(fr, steps.buf, m, sr->format, from);
    }
    lx_strbuf_release(&steps);
    lx_strbuf_release(&where);
    sr->st = st;
    return st != LX_OK;
}

/* The items of the Outlook store at steps (NULL or "": the file itself):
 * each mail item dispatched, the rest counted; a store that cannot be
 * opened is reported with libpff's reason, and the run goes on. */
static lx_status read_store(file_read *fr, const char *steps, const char *data, size_t len)
{
    lx_run *r = fr->r;
    if (!steps || !*steps) {
        fr->f->kind = 'p';
        lx_source_stats *ps = lx_report_source(&r->report, fr->path, LX_SOURCE_PST);
        if (!ps)
            return LX_E_NOMEM;
        fr->src = (size_t)(ps - r->report.v);
    }
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_pst *p = NULL;
    lx_status st = lx_pst_open(data, len, &p, &why);
    store_read sr = {fr, steps ? steps : "", NULL, {{NULL}, {0}, 0}, LX_OK};
    if (!st) {
        sr.format = lx_pst_format(p);
        lx_strbuf_reset(&why);
        st = lx_pst_walk(p, store_item, &sr, &why);
        if (!st)
            st = sr.st;
    }
    if (st == LX_E_INVALID) {
        member_problem(fr, steps, "Outlook store that cannot be read", why.buf, true);
        st = LX_OK;
    }
    if (!st && p && lx_pst_orphans(p)) {
        lx_strbuf line;
        lx_strbuf_init(&line);
        lx_report_note(&r->report.v[fr->src], "items outside every folder, not read");
        if (!lx_strbuf_addf(&line, "%zu items outside every folder, not read", lx_pst_orphans(p))) {
            lx_strbuf where;
            lx_strbuf_init(&where);
            where_of(fr, steps, &where);
            lx_run_warn(r, where.len ? where.buf : fr->path, line.buf);
            lx_strbuf_release(&where);
        }
        lx_strbuf_release(&line);
    }
    if (!st)
        warn_kinds(fr, steps, &sr.kinds);
    if (p)
        lx_pst_close(p);
    lx_strbuf_release(&why);
    return st;
}

/* The .msg file at steps (NULL or "": the file itself): an Outlook mail
 * item converted and dispatched; another item counted by kind. *no_mail
 * is set (static) when it is not an Outlook message at all; why says more. */
static lx_status read_msg(file_read *fr, const char *steps, const char *data, size_t len,
                          const char **no_mail, lx_strbuf *why)
{
    if (!steps || !*steps)
        fr->f->kind = 'g';
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    lx_status st = lx_msg_read(data, len, &m, why);
    if (st == LX_E_INVALID) {
        *no_mail = "not mail (an OLE2 file that is not an Outlook message)";
        st = LX_OK;
    } else if (!st && !lx_mapi_is_mail(m.message_class)) {
        kind_count kc = {{NULL}, {0}, 0};
        count_kind(&kc, lx_mapi_kind(m.message_class));
        char note[64];
        snprintf(note, sizeof note, "not mail: %s", kc.kind[0]);
        lx_report_skip(&fr->r->report.v[fr->src], note, 1);
        warn_kinds(fr, steps, &kc);
    } else if (!st) {
        st = dispatch_item(fr, steps, &m, "msg", "msg");
    }
    lx_mapi_msg_release(&m);
    return st;
}

/* A member of an archive in the file that holds mail (lx_containers_cb). */
static lx_status member_found(void *ctx, const char *steps, lx_sniff kind, const char *data,
                              size_t len, const char **no_mail)
{
    file_read *fr = ctx;
    switch (kind) {
    case LX_SNIFF_MBOX: return read_mbox(fr, steps, data, len);
    case LX_SNIFF_MESSAGE: {
        lx_location loc = {fr->path, false, 0, len, steps, NULL};
        return lx_pipeline_dispatch(fr->r, fr->src, fr->f, data, len, false, &loc);
    }
    case LX_SNIFF_PST: return read_store(fr, steps, data, len);
    case LX_SNIFF_MSG: {
        lx_strbuf why;
        lx_strbuf_init(&why);
        lx_status st = read_msg(fr, steps, data, len, no_mail, &why);
        lx_strbuf_release(&why);
        return st;
    }
    default: *no_mail = "not a mail message (no header block)"; break;
    }
    return LX_OK;
}

/* What could not be read in the file (lx_containers_cb): counted under
 * reason, warned with its location and detail. */
static void member_problem(void *ctx, const char *steps, const char *reason, const char *detail,
                           bool again)
{
    file_read *fr = ctx;
    lx_strbuf where, line;
    lx_strbuf_init(&where);
    lx_strbuf_init(&line);
    where_of(fr, steps, &where);
    lx_report_skip(&fr->r->report.v[fr->src], reason, 1);
    if (detail && !lx_strbuf_addf(&line, "%s: %s", reason, detail))
        reason = line.buf;
    lx_run_warn(fr->r, where.len ? where.buf : fr->path, reason);
    if (again)
        fr->f->skipped++;
    lx_strbuf_release(&where);
    lx_strbuf_release(&line);
}

/* The messages of the file at data: an mbox, one message, an archive of
 * them, or none (reported). */
static lx_status read_bytes(file_read *fr, const char *data, size_t len)
{
    lx_run *r = fr->r;
    lx_sniff kind_of = lx_sniff_data(data, len);
    const char *none = NULL;
    switch (kind_of) {
    case LX_SNIFF_MBOX: return read_mbox(fr, NULL, data, len);
    case LX_SNIFF_MESSAGE: {
        lx_location loc = {fr->path, false, 0, len, NULL, NULL};
        return lx_pipeline_dispatch(r, fr->src, fr->f, data, len, false, &loc);
    }
    case LX_SNIFF_ARCHIVE: {
        fr->f->kind = 'a';
        lx_source_stats *as = lx_report_source(&r->report, fr->path, LX_SOURCE_ARCHIVE);
        if (!as)
            return LX_E_NOMEM;
        fr->src = (size_t)(as - r->report.v);
        lx_containers_limits lim;
        lx_containers_limits_source(&lim);
        lx_containers_cb cb = {member_found, member_problem, fr};
        return lx_containers_walk(data, len, &lim, &cb);
    }
    case LX_SNIFF_PST: return read_store(fr, NULL, data, len);
    case LX_SNIFF_MSG: {
        lx_strbuf why;
        lx_strbuf_init(&why);
        lx_status st = read_msg(fr, NULL, data, len, &none, &why);
        if (!st && none)
            member_problem(fr, NULL, none, why.buf, false);
        lx_strbuf_release(&why);
        return st;
    }
    case LX_SNIFF_EMPTY:
    case LX_SNIFF_NOT_MAIL: break;
    }
    lx_report_skip(&r->report.v[fr->src], "not a mail message (no header block)", 1);
    lx_run_warn(r, fr->path, "not a mail message (no header block), skipped");
    fr->f->skipped++;
    return LX_OK;
}

/* The messages of a file mapped at data. Then the file is done once its
 * messages are retired. */
static void read_file(lx_run *r, lx_source_file *f, size_t src, const char *path, const char *data,
                      size_t len)
{
    file_read fr = {r, f, src, path};
    lx_status st = read_bytes(&fr, data, len);
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
