/* export.c - hit lists written to files, and the originals copied out. */
#include "export.h"

#include <dirent.h>
#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "copies.h"
#include "evidence.h"
#include "record.h"
#include "sha256.h"
#include "banned.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
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

lx_status lx_export_file(lx_db *db, const lx_results *res, const char *path, bool bom,
                         const char *meta, const lx_snippet_words *w, lx_export_pending *out,
                         lx_strbuf *why)
{
    lx_format fmt;
    out->has_meta = false;
    if (!lx_export_format(path, &fmt)) {
        lx_strbuf_addf(why, "%s: name the export .csv, .json or .ndjson", path);
        return LX_E_INVALID;
    }
    /* Both names are checked before anything is written. */
    lx_strbuf meta_name;
    lx_strbuf_init(&meta_name);
    lx_status st = lx_strbuf_addf(&meta_name, "%s.meta.json", path);
    if (!st && fmt != LX_FMT_JSON && lx_newfile_taken(AT_FDCWD, meta_name.buf, meta_name.buf, why))
        st = LX_E_INVALID;
    if (!st)
        st = lx_newfile_open(&out->data, AT_FDCWD, NULL, path, why);
    if (st) {
        lx_strbuf_release(&meta_name);
        return st;
    }
    lx_output o;
    st = lx_output_begin_export(&o, out->data.f, fmt, res->total, meta, bom);
    for (size_t i = 0; i < res->n && !st; i++) {
        lx_record rec;
        st = lx_hit_record(db, &res->hits[i], &rec);
        if (!st)
            st = lx_snippet_add(db, res->hits[i].id, &rec, w, false);
        if (!st)
            st = lx_output_hit(&o, &rec);
        lx_record_release(&rec);
    }
    if (!st)
        st = lx_output_end(&o);
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
        lx_export_file_abandon(out);
    }
    lx_strbuf_release(&meta_name);
    return st;
}

lx_status lx_export_file_publish(lx_export_pending *p, lx_strbuf *why)
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

void lx_export_file_abandon(lx_export_pending *p)
{
    if (p->has_meta)
        lx_newfile_abandon(&p->meta);
    p->has_meta = false;
    lx_newfile_abandon(&p->data);
}

/* Remembers a file the export made in its directory (to remove it when the
 * export starts over or fails). */
static lx_status made(lx_export_dir *d, const char *name)
{
    char *copy = g_strdup(name);
    g_hash_table_add(d->made, copy);
    return LX_OK;
}

/* Creates DIR/DATE_ID.EXT, or DIR/DATE_ID-N.EXT when this export made that
 * one already (two hits of one day whose ids start alike); a file it did not
 * make is never overwritten: an error naming it. */
static lx_status create_original(lx_export_dir *d, const lx_record *rec, bool mbox,
                                 lx_strbuf *name, int *fd, lx_strbuf *why)
{
    const char *date = lx_record_get(rec, "date");
    const char *sha = lx_record_get(rec, "sha256");
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

lx_status lx_export_dir_open(lx_export_dir *d, const char *dir, lx_strbuf *why)
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
        lx_export_dir_close(d, false);
        return LX_E_IO;
    }
    while (list && empty && (e = readdir(list)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    if (list)
        closedir(list);
    if (!empty) {
        lx_strbuf_addf(why, "%s exists and is not an empty directory", dir);
        lx_export_dir_close(d, false);
        return LX_E_INVALID;
    }
    d->made = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return LX_OK;
}

void lx_export_dir_clear(lx_export_dir *d)
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

void lx_export_dir_close(lx_export_dir *d, bool failed)
{
    if (failed) {
        lx_export_dir_clear(d);
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

lx_status lx_export_dir_fill(lx_export_dir *d, lx_db *db, const lx_results *res, const char *meta,
                             const lx_snippet_words *w, size_t *copied, lx_strbuf *why)
{
    *copied = 0;
    lx_strbuf manifest, sums, name, bytes;
    lx_strbuf_init(&manifest);
    lx_strbuf_init(&sums);
    lx_strbuf_init(&name);
    lx_strbuf_init(&bytes);
    size_t unreadable = 0;
    lx_status st = lx_output_csv_header_plus(&manifest, "file");
    for (size_t i = 0; i < res->n && !st; i++) {
        lx_record rec;
        if ((st = lx_hit_record(db, &res->hits[i], &rec)) ||
            (st = lx_snippet_add(db, res->hits[i].id, &rec, w, false))) {
            lx_record_release(&rec);
            break;
        }
        /* The first location that can still be read. */
        const char *reason = "no location recorded";
        bool got = false, mbox = false;
        for (size_t k = 0; k < rec.n && !got && !st; k++) {
            if (strcmp(rec.pairs[k].key, "path") != 0)
                continue;
            lx_evidence_loc loc;
            if ((st = lx_evidence_parse(&loc, rec.pairs[k].value)))
                break;
            lx_strbuf_reset(&bytes);
            got = lx_evidence_read(&loc, &bytes, d->atimes, &reason) == LX_OK;
            mbox = loc.in_mbox;
            lx_strbuf_release(&loc.path);
        }
        lx_strbuf_reset(&name);
        int fd = -1;
        if (!st && got && !(st = create_original(d, &rec, mbox, &name, &fd, why))) {
            st = write_fd(fd, bytes.buf, bytes.len);
            int err = errno;
            if (close(fd) != 0 && !st) {
                st = LX_E_IO;
                err = errno;
            }
            if (st)
                lx_strbuf_addf(why, "%s/%s: %s", d->shown, name.buf, strerror(err));
            char hex[LX_SHA256_HEX_LEN + 1];
            if (!st && !(st = lx_sha256_hex(bytes.buf, bytes.len, hex)))
                st = lx_strbuf_addf(&sums, "%s  %s\n", hex, name.buf);
            if (!st)
                (*copied)++;
        } else if (!st) {
            unreadable++;
            if (unreadable == 1)
                lx_strbuf_addf(why, "%s: original not copied: %s",
                               lx_record_get(&rec, "sha256") ? lx_record_get(&rec, "sha256") : "?",
                               reason);
        }
        if (!st)
            st = lx_output_csv_row_plus(&manifest, &rec, name.buf);
        lx_record_release(&rec);
    }
    lx_strbuf_reset(&bytes);
    if (!st)
        st = lx_strbuf_addf(&bytes, "%s\n", meta ? meta : "{}");
    const struct {
        const char *file;
        lx_strbuf *data;
    } outputs[] = {{"manifest.csv", &manifest}, {"SHA256SUMS", &sums}, {"export.meta.json", &bytes}};
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0] && !st; i++) {
        /* Made before it is written: removed if the export starts over. */
        if (!(st = made(d, outputs[i].file)) &&
            (st = lx_newfile_write(d->fd, d->shown, outputs[i].file, outputs[i].data->buf,
                                   outputs[i].data->len, why)))
            g_hash_table_remove(d->made, outputs[i].file);
    }
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
