/* export.c - every hit of a search written to files, its originals copied out, and batch exports. */
#include "export.h"

#include <dirent.h>
#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "databases.h"
#include "date.h"
#include "escape.h"
#include "evidence.h"
#include "hitcsv.h"
#include "hitjson.h"
#include "msg.h"
#include "original.h"
#include "record.h"
#include "schema.h"
#include "sha256.h"
#include "banned.h"

/* The pending state of an export file: written under a temporary name,
 * with its description (FILE.meta.json, for CSV and NDJSON), until
 * published or abandoned. */
typedef struct export_pending {
    lx_newfile data, meta;
    bool has_meta;
} export_pending;

/* The directory of an export, open while the export is written. */
typedef struct export_dir {
    const char *shown;        /* its name as given (borrowed) */
    int fd;                   /* open on it, never through a link */
    bool created;             /* made by this export */
    struct _GHashTable *made; /* the names of the files this export made in it */
    lx_atime_stats *atimes;   /* what reading the originals did to their times (may be NULL) */
} export_dir;

static void file_abandon(export_pending *p);
static void dir_close(export_dir *d, bool failed);

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

bool lx_export_is_csv(const char *path)
{
    return ends_with(path, ".csv");
}

bool lx_export_format(const char *path, lx_format *out)
{
    if (ends_with(path, ".csv"))
        *out = LX_FMT_CSV;
    else if (ends_with(path, ".json"))
        *out = LX_FMT_JSON;
    else if (ends_with(path, ".ndjson") || ends_with(path, ".jsonl"))
        *out = LX_FMT_NDJSON;
    else
        return false;
    return true;
}

/* Writes every hit of found to a new temporary file beside path, with meta
 * (a JSON object describing the export) inside a JSON file or, for CSV and
 * NDJSON, in a temporary file for PATH.meta.json. Neither name may exist (a
 * symbolic link included): that is an error naming it (LX_E_INVALID). On
 * success the caller publishes or abandons *out; on failure nothing is
 * left and why has a one-line reason. */
static lx_status file_write(lx_db *db, const lx_found *found, const char *path, bool bom,
                            const char *meta, export_pending *out, lx_strbuf *why)
{
    lx_format fmt;
    out->has_meta = false;
    if (!lx_export_format(path, &fmt)) {
        lx_strbuf_addf(why, "%s: name the export .csv, .json or .ndjson", path);
        return LX_E_INVALID;
    }
    /* Both names are checked before anything is written. */
    lx_strbuf meta_name, sb;
    lx_strbuf_init(&meta_name);
    lx_strbuf_init(&sb);
    lx_status st = lx_strbuf_addf(&meta_name, "%s.meta.json", path);
    if (!st && fmt != LX_FMT_JSON && lx_newfile_taken(AT_FDCWD, meta_name.buf, meta_name.buf, why))
        st = LX_E_INVALID;
    if (!st)
        st = lx_newfile_open(&out->data, AT_FDCWD, NULL, path, why);
    if (st) {
        lx_strbuf_release(&meta_name);
        return st;
    }
    const lx_results *res = &found->res;
    st = lx_hitlist_begin(&sb, fmt, res->total, 0, meta ? meta : "null", bom);
    for (size_t i = 0; i < res->n && !st; i++) {
        fwrite(sb.buf, 1, sb.len, out->data.f);
        lx_strbuf_reset(&sb);
        lx_record rec;
        st = lx_hits_record(db, found, i, &rec);
        if (!st)
            st = lx_hitlist_hit(&sb, fmt, i, &rec, false);
        lx_record_release(&rec);
    }
    if (!st)
        st = lx_hitlist_end(&sb, fmt, res->n);
    if (!st)
        fwrite(sb.buf, 1, sb.len, out->data.f);
    if (!st && ferror(out->data.f))
        st = LX_E_IO;
    if (!st && fmt != LX_FMT_JSON) {
        st = lx_newfile_open(&out->meta, AT_FDCWD, NULL, meta_name.buf, why);
        out->has_meta = !st;
        if (!st && fprintf(out->meta.f, "%s\n", meta ? meta : "{}") < 0)
            st = LX_E_IO;
    }
    if (st) {
        if (!why->len)
            lx_strbuf_addf(why, "%s: %s", path,
                           st == LX_E_IO ? strerror(errno) : lx_status_str(st));
        file_abandon(out);
    }
    lx_strbuf_release(&meta_name);
    lx_strbuf_release(&sb);
    return st;
}

/* Gives the files their names, never over a file that appeared meanwhile
 * (an error naming it; then neither is left). */
static lx_status file_publish(export_pending *p, lx_strbuf *why)
{
    /* The description first: the export's name appears last, complete. */
    lx_strbuf meta_name;
    lx_strbuf_init(&meta_name);
    lx_status st = p->has_meta ? lx_strbuf_addstr(&meta_name, p->meta.name.buf) : LX_OK;
    if (!st && p->has_meta)
        st = lx_newfile_publish(&p->meta, why);
    p->has_meta = false;
    if (st) {
        lx_newfile_abandon(&p->data);
    } else if ((st = lx_newfile_publish(&p->data, why)) && meta_name.len) {
        /* Published by this very call a moment ago, and describing nothing. */
        unlink(meta_name.buf);
    }
    lx_strbuf_release(&meta_name);
    return st;
}

/* Removes the temporary files. */
static void file_abandon(export_pending *p)
{
    if (p->has_meta)
        lx_newfile_abandon(&p->meta);
    p->has_meta = false;
    lx_newfile_abandon(&p->data);
}

/* Remembers a file the export made in its directory (to remove it when the
 * export starts over or fails). */
static lx_status made(export_dir *d, const char *name)
{
    char *copy = g_strdup(name);
    g_hash_table_add(d->made, copy);
    return LX_OK;
}

/* Creates DIR/DATE_ID.EXT, or DIR/DATE_ID-N.EXT when this export made that
 * one already (two hits of one day whose ids start alike); a file it did not
 * make is never overwritten: an error naming it. */
static lx_status create_original(export_dir *d, const lx_record *rec, bool mbox,
                                 lx_strbuf *name, int *fd, lx_strbuf *why)
{
    const char *date = lx_record_get(rec, LX_DATA_DATE);
    const char *sha = lx_record_get(rec, LX_DATA_SHA256);
    for (int n = 1; n < LX_EXPORT_NAME_TRIES; n++) {
        lx_strbuf_reset(name);
        lx_strbuf_addf(name, "%.10s_%.*s", date && *date ? date : "undated", LX_SHORT_ID_LEN,
                       sha ? sha : "unknown");
        if (n > 1)
            lx_strbuf_addf(name, "-%d", n);
        lx_status st = lx_strbuf_addstr(name, mbox ? ".mbox" : ".eml");
        if (st)
            return st;
        *fd = openat(d->fd, name->buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (*fd >= 0)
            return made(d, name->buf);
        if (errno != EEXIST) {
            lx_strbuf_addf(why, "%s/%s: %s", d->shown, name->buf, strerror(errno));
            return LX_E_IO;
        }
        if (!g_hash_table_contains(d->made, name->buf)) {
            lx_strbuf shown;
            lx_strbuf_init(&shown);
            lx_strbuf_addf(&shown, "%s/%s", d->shown, name->buf);
            lx_newfile_taken(d->fd, name->buf, shown.buf, why);
            lx_strbuf_release(&shown);
            return LX_E_INVALID;
        }
    }
    lx_strbuf_addf(why, "%s: more than %d originals named alike", d->shown, LX_EXPORT_NAME_TRIES);
    return LX_E_LIMIT;
}

static lx_status write_fd(int fd, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return LX_E_IO;
        done += (size_t)w;
    }
    return LX_OK;
}

/* Opens dir for an export (d initialized by the call): created if need be,
 * else it must be an empty directory; a symbolic link is never followed. On
 * failure nothing is left to close and why says why. */
static lx_status dir_open(export_dir *d, const char *dir, lx_strbuf *why)
{
    d->shown = dir;
    d->fd = -1;
    d->created = false;
    d->made = NULL;
    if (mkdir(dir, 0755) == 0)
        d->created = true;
    else if (errno != EEXIST) {
        lx_strbuf_addf(why, "%s: %s", dir, strerror(errno));
        return LX_E_IO;
    }
    /* Opened once, never through a link; every file is made relative to it. */
    d->fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d->fd < 0) {
        int err = errno;
        struct stat sb;
        if (lstat(dir, &sb) == 0 && S_ISLNK(sb.st_mode))
            lx_strbuf_addf(why, "%s: a symbolic link; it is never followed", dir);
        else
            lx_strbuf_addf(why, "%s: %s", dir,
                           err == ENOTDIR ? "exists and is not a directory" : strerror(err));
        return LX_E_INVALID;
    }
    /* One export per directory: its manifest and sums cover it whole. */
    int dup_fd = d->created ? -1 : dup(d->fd);
    DIR *list = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    bool empty = true;
    struct dirent *e;
    if (!d->created && !list) {
        lx_strbuf_addf(why, "%s: %s", dir, strerror(errno));
        if (dup_fd >= 0)
            close(dup_fd);
        dir_close(d, false);
        return LX_E_IO;
    }
    while (list && empty && (e = readdir(list)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    if (list)
        closedir(list);
    if (!empty) {
        lx_strbuf_addf(why, "%s exists and is not an empty directory", dir);
        dir_close(d, false);
        return LX_E_INVALID;
    }
    d->made = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return LX_OK;
}

/* Removes every file this export made in the directory (to start over). */
static void dir_clear(export_dir *d)
{
    if (!d->made)
        return;
    GHashTableIter it;
    gpointer name;
    g_hash_table_iter_init(&it, d->made);
    while (g_hash_table_iter_next(&it, &name, NULL))
        unlinkat(d->fd, name, 0);
    g_hash_table_remove_all(d->made);
}

/* Closes the directory; failed: removes what the export made first (and
 * the directory, if it made that too). */
static void dir_close(export_dir *d, bool failed)
{
    if (failed) {
        dir_clear(d);
        if (d->created)
            rmdir(d->shown);
    }
    if (d->made)
        g_hash_table_destroy(d->made);
    d->made = NULL;
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

/* Reads the original of rec, exactly as stored, from the first of its
 * locations that can still be read and still holds the message (its
 * canonical form hashes to the indexed SHA-256: a source changed since it
 * was indexed is not the message) into bytes: *got whether one could (else
 * *reason says why the last could not), *mbox whether it is a message cut
 * from an mbox. */
static lx_status read_original(export_dir *d, const lx_record *rec, lx_strbuf *bytes, bool *got,
                               bool *mbox, const char **reason)
{
    *reason = "no location recorded";
    *got = *mbox = false;
    const char *sha = lx_record_get(rec, LX_DATA_SHA256);
    lx_strbuf canon;
    lx_strbuf_init(&canon);
    lx_status st = LX_OK;
    for (size_t k = 0; k < rec->n && !*got && !st; k++) {
        if (strcmp(rec->pairs[k].key, LX_DATA_PATH) != 0)
            continue;
        lx_evidence_loc loc;
        if ((st = lx_evidence_parse(&loc, rec->pairs[k].value)))
            break;
        lx_strbuf_reset(bytes);
        lx_status rs = lx_original_location_read(&loc, bytes, d->atimes, reason);
        *got = rs == LX_OK;
        *mbox = loc.in_mbox;
        if (rs == LX_E_NOMEM)
            st = rs;
        bool same = false;
        if (*got && sha && (loc.has_item || lx_msg_sniff(bytes->buf, bytes->len))) {
            /* An Outlook item: what is copied is its .eml, made again. */
            rs = lx_original_converted(&loc, bytes->buf, bytes->len, sha, &canon, &same, reason);
            lx_strbuf_reset(bytes);
            if (!rs && same)
                rs = lx_strbuf_add(bytes, canon.buf, canon.len);
            st = rs == LX_E_NOMEM ? rs : st;
            *got = rs == LX_OK && same;
        } else if (*got && sha) {
            st = lx_original_matches(bytes->buf, bytes->len, *mbox, sha, &canon, &same);
        }
        lx_evidence_loc_release(&loc);
        if (*got && !same) {
            *got = false;
            *reason = sha ? LX_ORIGINAL_CHANGED : "no SHA-256 recorded";
        }
    }
    lx_strbuf_release(&canon);
    return st;
}

/* Writes the original bytes of rec into a new file of the directory (its
 * name into name) and its line into sums. */
static lx_status copy_original(export_dir *d, const lx_record *rec, bool mbox,
                               const lx_strbuf *bytes, lx_strbuf *name, lx_strbuf *sums,
                               lx_strbuf *why)
{
    int fd = -1;
    lx_status st = create_original(d, rec, mbox, name, &fd, why);
    if (st)
        return st;
    st = write_fd(fd, bytes->buf, bytes->len);
    int err = errno;
    if (close(fd) != 0 && !st) {
        st = LX_E_IO;
        err = errno;
    }
    if (st)
        lx_strbuf_addf(why, "%s/%s: %s", d->shown, name->buf, strerror(err));
    char hex[LX_SHA256_HEX_LEN + 1];
    if (!st && !(st = lx_sha256_hex(bytes->buf, bytes->len, hex)))
        st = lx_strbuf_addf(sums, "%s  %s\n", hex, name->buf);
    return st;
}

/* Writes the directory's three files: manifest.csv, SHA256SUMS and
 * export.meta.json. */
static lx_status dir_files(export_dir *d, const lx_strbuf *manifest, const lx_strbuf *sums,
                           const char *meta, lx_strbuf *why)
{
    lx_strbuf described;
    lx_strbuf_init(&described);
    lx_status st = lx_strbuf_addf(&described, "%s\n", meta ? meta : "{}");
    const struct {
        const char *file;
        const lx_strbuf *data;
    } outputs[] = {{"manifest.csv", manifest}, {"SHA256SUMS", sums}, {"export.meta.json", &described}};
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0] && !st; i++) {
        /* Made before it is written: removed if the export starts over. */
        if (!(st = made(d, outputs[i].file)) &&
            (st = lx_newfile_write(d->fd, d->shown, outputs[i].file, outputs[i].data->buf,
                                   outputs[i].data->len, why)))
            g_hash_table_remove(d->made, outputs[i].file);
    }
    lx_strbuf_release(&described);
    return st;
}

/* Copies the original of every hit of found into the directory: the
 * message's bytes exactly as stored, named DATE_ID.eml (DATE_ID.mbox for a
 * message cut from an mbox, its "From " line kept; DATE_ID-2... for a name
 * this export used already); then manifest.csv (the export's columns and
 * the copied file's name), SHA256SUMS (as sha256sum -c reads it) and
 * export.meta.json. A hit whose original cannot be read is listed in the
 * manifest with no file and reported in why (LX_E_NOT_FOUND when all else
 * went well); *copied counts the files written. */
static lx_status dir_fill(export_dir *d, lx_db *db, const lx_found *found, const char *meta,
                          size_t *copied, lx_strbuf *why)
{
    *copied = 0;
    lx_strbuf manifest, sums, name, bytes;
    lx_strbuf_init(&manifest);
    lx_strbuf_init(&sums);
    lx_strbuf_init(&name);
    lx_strbuf_init(&bytes);
    size_t unreadable = 0;
    lx_status st = lx_hitcsv_header_plus(&manifest, "file");
    for (size_t i = 0; i < found->res.n && !st; i++) {
        lx_record rec;
        if ((st = lx_hits_record(db, found, i, &rec))) {
            lx_record_release(&rec);
            break;
        }
        const char *reason;
        bool got, mbox;
        st = read_original(d, &rec, &bytes, &got, &mbox, &reason);
        lx_strbuf_reset(&name);
        if (!st && got && !(st = copy_original(d, &rec, mbox, &bytes, &name, &sums, why))) {
            (*copied)++;
        } else if (!st && !got && ++unreadable == 1) {
            const char *sha = lx_record_get(&rec, LX_DATA_SHA256);
            lx_strbuf_addf(why, "%s: original not copied: %s", sha ? sha : "?", reason);
        }
        if (!st)
            st = lx_hitcsv_row_plus(&manifest, &rec, name.buf);
        lx_record_release(&rec);
    }
    if (!st)
        st = dir_files(d, &manifest, &sums, meta, why);
    lx_strbuf_release(&manifest);
    lx_strbuf_release(&sums);
    lx_strbuf_release(&name);
    lx_strbuf_release(&bytes);
    if (!st && unreadable) {
        lx_strbuf_addf(why, " (%zu originals not copied in all)", unreadable);
        return LX_E_NOT_FOUND;
    }
    return st;
}

/* ---- one export, from one revision of the index -------------------------- */

/* The JSON array of strings v[0..n) under key. */
static void json_list(lx_strbuf *m, const char *key, const char *const *v, size_t n)
{
    lx_strbuf_addf(m, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        if (i)
            lx_strbuf_addch(m, ',');
        lx_escape_json(m, v[i], strlen(v[i]));
    }
    lx_strbuf_addch(m, ']');
}

/* The name of the order a search used. */
static const char *sort_name(lx_sort sort)
{
    switch (sort) {
    case LX_SORT_RELEVANCE: return "relevance";
    case LX_SORT_DATE: return "date";
    case LX_SORT_DATE_DESC: return "-date";
    case LX_SORT_DEFAULT: break;
    }
    return "relevance";
}

/* What an export says about itself: the query and filters, the index, the
 * leakdex that wrote it, when, how many hits and in which order. */
static lx_status export_meta(const lx_export_request *r, lx_db *db, size_t total, lx_sort sort,
                             lx_strbuf *m)
{
    const lx_query_opts *q = r->q;
    char now[32], after[32] = "", before[32] = "";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    lx_date_format_iso(ts.tv_sec, now);
    if (q->has_after)
        lx_date_format_iso(q->after, after);
    if (q->has_before)
        lx_date_format_iso(q->before, before);
    lx_strbuf_addstr(m, "{\"leakdex_version\":\"" LEAKDEX_VERSION "\",\"exported_at\":");
    lx_escape_json_or_null(m, now);
    lx_strbuf_addstr(m, ",\"database\":");
    lx_status st = lx_databases_json(db, r->dbs, r->n_dbs, m);
    if (st)
        return st;
    lx_strbuf_addstr(m, ",\"query\":{\"text\":");
    lx_escape_json_or_null(m, r->query);
    json_list(m, "from", q->from_addrs, q->n_from);
    json_list(m, "to", q->to_addrs, q->n_to);
    json_list(m, "domain", q->domains, q->n_domains);
    lx_strbuf_addstr(m, ",\"after\":");
    lx_escape_json_or_null(m, after);
    lx_strbuf_addstr(m, ",\"before\":");
    lx_escape_json_or_null(m, before);
    lx_strbuf_addstr(m, ",\"tz\":");
    lx_escape_json_or_null(m, lx_tz_name(q->tz));
    lx_strbuf_addf(m, ",\"verified\":%s,\"has_attachment\":%s,\"sort\":",
                   q->verified_only ? "true" : "false", q->has_attachment ? "true" : "false");
    lx_escape_json_or_null(m, sort_name(sort));
    return lx_strbuf_addf(m, "},\"hits\":%zu}", total);
}

/* Says where an export failed; returns st. */
static lx_status failed(lx_export_result *out, lx_export_part part, lx_status st)
{
    out->failed = part;
    return st;
}

/* One attempt at an export: the search, its description and the files, all
 * read from the revision the handle reads. The export file is left pending
 * (*has_pending) for the caller to publish once it knows that revision held
 * to the end. */
static lx_status attempt(lx_db *db, const lx_export_request *r, export_dir *dir,
                         export_pending *pending, bool *has_pending, lx_export_result *out)
{
    lx_found found;
    lx_strbuf meta;
    lx_strbuf_init(&meta);
    lx_query_opts q = *r->q;
    q.offset = q.limit = 0; /* an export holds every hit, never a page */
    q.count_only = false;
    /* No file of this attempt exists yet while the index works. */
    if (r->index_work)
        r->index_work(r->ctx, true);
    lx_status st = lx_hits_search(db, &q, true, &found);
    if (r->index_work)
        r->index_work(r->ctx, false);
    if (st) {
        lx_found_release(&found);
        return failed(out, LX_EXPORT_INDEX, st);
    }
    out->total = found.res.total;
    if ((st = export_meta(r, db, found.res.total, found.res.sort, &meta))) {
        lx_strbuf_addf(&out->why, "%s: %s", lx_status_str(st), lx_db_error(db));
        failed(out, LX_EXPORT_OTHER, st);
    }
    if (!st && r->file) {
        if ((st = file_write(db, &found, r->file, r->bom, meta.buf, pending, &out->why)))
            failed(out, LX_EXPORT_FILE, st);
        else
            *has_pending = true;
    }
    if (!st && dir) {
        st = dir_fill(dir, db, &found, meta.buf, &out->copied, &out->why);
        if (st && st != LX_E_NOT_FOUND)
            failed(out, LX_EXPORT_DIR, st);
        else
            st = LX_OK; /* the note on originals not copied stays in why */
    }
    lx_found_release(&found);
    lx_strbuf_release(&meta);
    return st;
}

void lx_export_result_init(lx_export_result *r)
{
    memset(r, 0, sizeof *r);
    lx_strbuf_init(&r->why);
}

void lx_export_result_release(lx_export_result *r)
{
    lx_strbuf_release(&r->why);
}

lx_status lx_export_run(lx_db *db, const lx_export_request *r, lx_export_result *out)
{
    export_dir dir;
    lx_status st = LX_OK;
    if (r->dir && (st = dir_open(&dir, r->dir, &out->why)))
        return failed(out, LX_EXPORT_DIR, st);
    dir.atimes = r->atimes;
    for (unsigned n = 0;; n++) {
        export_pending pending;
        bool has_pending = false;
        unsigned long moves = lx_db_reopens(db);
        lx_strbuf_reset(&out->why);
        out->copied = 0;
        st = attempt(db, r, r->dir ? &dir : NULL, &pending, &has_pending, out);
        /* A read that met the index changing more often than its own
         * retries allow (LX_DB_READ_RETRIES) moved too: the export starts
         * over on the newest revision like any other. */
        if ((!st && lx_db_reopens(db) != moves) || st == LX_E_DB_MODIFIED) {
            out->failed = LX_EXPORT_DONE;
            if (has_pending)
                file_abandon(&pending);
            if (r->dir)
                dir_clear(&dir);
            if (n == LX_EXPORT_RESTARTS) {
                lx_strbuf_reset(&out->why);
                lx_strbuf_addf(&out->why,
                               "the index changed %u times while the export was written (an "
                               "indexer is committing); export again when it has finished",
                               n + 1);
                st = failed(out, LX_EXPORT_OTHER, LX_E_DB_MODIFIED);
                break;
            }
            if (r->restarting)
                r->restarting(r->ctx);
            continue;
        }
        if (has_pending && !st) {
            lx_strbuf note = out->why;
            lx_strbuf_init(&out->why);
            if ((st = file_publish(&pending, &out->why)))
                failed(out, LX_EXPORT_FILE, st);
            if (st)
                lx_strbuf_release(&note);
            else {
                lx_strbuf_release(&out->why);
                out->why = note;
            }
        } else if (has_pending) {
            file_abandon(&pending);
        }
        break;
    }
    if (r->dir)
        dir_close(&dir, st != LX_OK);
    return st;
}

/* ---- batch exports ------------------------------------------------------- */

lx_status lx_export_batch_open(lx_export_batch *b, const char *path, bool bom, lx_strbuf *why)
{
    memset(b, 0, sizeof *b);
    lx_strbuf_init(&b->line);
    b->path = path;
    if (!lx_export_format(path, &b->format) || b->format == LX_FMT_JSON) {
        lx_strbuf_addf(why, "%s: name the file .csv or .ndjson", path);
        return LX_E_INVALID;
    }
    lx_status st = lx_newfile_open(&b->file, AT_FDCWD, NULL, path, why);
    if (st)
        return st;
    if (b->format == LX_FMT_CSV) {
        if (bom)
            fputs("\xEF\xBB\xBF", b->file.f);
        lx_hitcsv_header_plus(&b->line, "query");
        fwrite(b->line.buf, 1, b->line.len, b->file.f);
    }
    return LX_OK;
}

lx_status lx_export_batch_add(lx_export_batch *b, lx_db *db, const lx_found *found,
                              const char *query)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i < found->res.n && !st; i++) {
        lx_record rec;
        lx_strbuf_reset(&b->line);
        st = lx_hits_record(db, found, i, &rec);
        if (!st && b->format == LX_FMT_CSV)
            st = lx_hitcsv_row_plus(&b->line, &rec, query);
        else if (!st && !(st = lx_hitjson_hit_plus(&b->line, &rec, "query", query)))
            st = lx_strbuf_addch(&b->line, '\n');
        if (!st)
            fwrite(b->line.buf, 1, b->line.len, b->file.f);
        lx_record_release(&rec);
    }
    return st;
}

lx_status lx_export_batch_close(lx_export_batch *b, bool keep, lx_strbuf *why)
{
    lx_status st = LX_OK;
    if (!keep) {
        lx_newfile_abandon(&b->file);
    } else if (ferror(b->file.f)) {
        lx_strbuf_addf(why, "%s: %s", b->path, strerror(EIO));
        lx_newfile_abandon(&b->file);
        st = LX_E_IO;
    } else {
        st = lx_newfile_publish(&b->file, why);
    }
    lx_strbuf_release(&b->line);
    return st;
}
