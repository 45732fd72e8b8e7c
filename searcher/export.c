/* export.c - hit lists written to files, and the originals copied out. */
#include "export.h"

#include <dirent.h>
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

static lx_status write_all(const char *path, const char *data, size_t len, bool exclusive,
                           lx_strbuf *why)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), 0644);
    if (fd < 0) {
        lx_strbuf_addf(why, "%s: %s", path, strerror(errno));
        return errno == EEXIST ? LX_E_INVALID : LX_E_IO;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w <= 0) {
            lx_strbuf_addf(why, "%s: %s", path, strerror(errno));
            close(fd);
            return LX_E_IO;
        }
        done += (size_t)w;
    }
    if (close(fd) != 0) {
        lx_strbuf_addf(why, "%s: %s", path, strerror(errno));
        return LX_E_IO;
    }
    return LX_OK;
}

lx_status lx_export_file(lx_db *db, const lx_results *res, const char *path, bool bom,
                         const char *meta, const lx_snippet_words *w, lx_strbuf *why)
{
    lx_format fmt;
    if (!lx_export_format(path, &fmt)) {
        lx_strbuf_addf(why, "%s: name the export .csv, .json or .ndjson", path);
        return LX_E_INVALID;
    }
    lx_strbuf tmp;
    lx_strbuf_init(&tmp);
    lx_strbuf_addf(&tmp, "%s.tmp", path);
    FILE *f = fopen(tmp.buf, "we");
    if (!f) {
        lx_strbuf_addf(why, "%s: %s", path, strerror(errno));
        lx_strbuf_release(&tmp);
        return LX_E_IO;
    }
    lx_output out;
    lx_status st = lx_output_begin_export(&out, f, fmt, res->total, meta, bom);
    for (size_t i = 0; i < res->n && !st; i++) {
        lx_record rec;
        st = lx_hit_record(db, &res->hits[i], &rec);
        if (!st)
            st = lx_snippet_add(db, res->hits[i].id, &rec, w, false);
        if (!st)
            st = lx_output_hit(&out, &rec);
        lx_record_release(&rec);
    }
    if (!st)
        st = lx_output_end(&out);
    if (fclose(f) != 0 && !st)
        st = LX_E_IO;
    if (!st && rename(tmp.buf, path) != 0)
        st = LX_E_IO;
    if (st) {
        if (!why->len)
            lx_strbuf_addf(why, "%s: %s", path,
                           st == LX_E_IO ? strerror(errno) : lx_status_str(st));
        unlink(tmp.buf);
    }
    if (!st && fmt != LX_FMT_JSON) {
        lx_strbuf_reset(&tmp);
        lx_strbuf_addf(&tmp, "%s.meta.json", path);
        lx_strbuf body;
        lx_strbuf_init(&body);
        lx_strbuf_addf(&body, "%s\n", meta ? meta : "{}");
        st = write_all(tmp.buf, body.buf, body.len, false, why);
        lx_strbuf_release(&body);
    }
    lx_strbuf_release(&tmp);
    return st;
}

/* DIR/DATE_ID.EXT, or DIR/DATE_ID-N.EXT when that exists: never overwrite. */
static lx_status unique_name(const char *dir, const lx_record *rec, bool mbox, lx_strbuf *name)
{
    const char *date = lx_record_get(rec, "date");
    const char *sha = lx_record_get(rec, "sha256");
    for (int n = 1; n < 1000; n++) {
        lx_strbuf_reset(name);
        lx_strbuf_addf(name, "%.10s_%.*s", date && *date ? date : "undated", LX_SHORT_ID_LEN,
                       sha ? sha : "unknown");
        if (n > 1)
            lx_strbuf_addf(name, "-%d", n);
        lx_strbuf_addstr(name, mbox ? ".mbox" : ".eml");
        lx_strbuf full;
        lx_strbuf_init(&full);
        lx_strbuf_addf(&full, "%s/%s", dir, name->buf);
        struct stat sb;
        bool taken = lstat(full.buf, &sb) == 0;
        lx_strbuf_release(&full);
        if (!taken)
            return LX_OK;
    }
    return LX_E_LIMIT;
}

lx_status lx_export_dir(lx_db *db, const lx_results *res, const char *dir, const char *meta,
                        const lx_snippet_words *w, size_t *copied, lx_strbuf *why)
{
    *copied = 0;
    if (mkdir(dir, 0755) != 0) {
        if (errno != EEXIST) {
            lx_strbuf_addf(why, "%s: %s", dir, strerror(errno));
            return LX_E_IO;
        }
        /* One export per directory: its manifest and sums cover it whole. */
        DIR *d = opendir(dir);
        struct dirent *e;
        bool empty = d != NULL;
        while (d && empty && (e = readdir(d)))
            empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
        if (d)
            closedir(d);
        if (!empty) {
            lx_strbuf_addf(why, "%s exists and is not an empty directory", dir);
            return LX_E_INVALID;
        }
    }
    lx_strbuf manifest, sums, name, bytes, full;
    lx_strbuf_init(&manifest);
    lx_strbuf_init(&sums);
    lx_strbuf_init(&name);
    lx_strbuf_init(&bytes);
    lx_strbuf_init(&full);
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
            got = lx_evidence_read(&loc, &bytes, &reason) == LX_OK;
            mbox = loc.in_mbox;
            lx_strbuf_release(&loc.path);
        }
        lx_strbuf_reset(&name);
        if (!st && got && !(st = unique_name(dir, &rec, mbox, &name))) {
            lx_strbuf_reset(&full);
            lx_strbuf_addf(&full, "%s/%s", dir, name.buf);
            st = write_all(full.buf, bytes.buf, bytes.len, true, why);
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
    const struct {
        const char *file;
        lx_strbuf *data;
    } outputs[] = {{"manifest.csv", &manifest}, {"SHA256SUMS", &sums}};
    for (size_t i = 0; i < 2 && !st; i++) {
        lx_strbuf_reset(&full);
        lx_strbuf_addf(&full, "%s/%s", dir, outputs[i].file);
        st = write_all(full.buf, outputs[i].data->buf, outputs[i].data->len, false, why);
    }
    if (!st) {
        lx_strbuf_reset(&full);
        lx_strbuf_addf(&full, "%s/export.meta.json", dir);
        lx_strbuf_reset(&bytes);
        lx_strbuf_addf(&bytes, "%s\n", meta ? meta : "{}");
        st = write_all(full.buf, bytes.buf, bytes.len, false, why);
    }
    lx_strbuf_release(&manifest);
    lx_strbuf_release(&sums);
    lx_strbuf_release(&name);
    lx_strbuf_release(&bytes);
    lx_strbuf_release(&full);
    if (!st && unreadable) {
        lx_strbuf_addf(why, " (%zu originals not copied in all)", unreadable);
        return LX_E_NOT_FOUND;
    }
    return st;
}
