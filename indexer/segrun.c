/* segrun.c - a segment run: when it starts, what it records in input order, and its merge. */
#include "segrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "caps.h"
#include "cli.h"
#include "grow.h"
#include "schema.h"
#include "segments.h"
#include "banned.h"

/* A message repeating one already written: its location, added to that
 * document after the merge (lx_document_lookup), in input order. */
typedef struct late_path {
    size_t src;
    char sha[LX_SHA256_HEX_LEN + 1];
    lx_location loc; /* path and steps owned */
} late_path;

/* A document written into a segment with a Message-ID: the ordinal of the
 * document among those written into segments, for lx_document_mark_copies. */
typedef struct copy_mark {
    size_t ordinal;
    char *msgid;
    char fp[LX_SHA256_HEX_LEN + 1];
} copy_mark;

typedef struct file_record {
    char *key, *value;
} file_record;

struct lx_segrun {
    bool may, on;
    unsigned long long indexed_bytes; /* the index's counter before the run */
    unsigned long long read_bytes;    /* canonical bytes dispatched so far */
    char *dir;                        /* PATH.seg */
    char *merged;                     /* PATH.seg/merged */
    lx_segments *seg;
    GHashTable *shas; /* identities written into segments */
    late_path *late;
    size_t n_late, alloc_late;
    copy_mark *marks;
    size_t n_marks, alloc_marks;
    file_record *files;
    size_t n_files, alloc_files;
    size_t docs;            /* written into segments */
    bool put_any;           /* a document went to a segment */
    size_t uncommitted_from; /* r->uncommitted's first entry for a segment's document */
    lx_db *live;            /* the index's handle while r->db is the merged copy */
    const char *live_path;
};

/* The size of chunks: LEAKDEX_SEGMENT_DOCS (tests make several segments
 * of a small corpus with it), else LX_SEGMENT_DOCS. */
static size_t chunk_docs(void)
{
    const char *env = getenv("LEAKDEX_SEGMENT_DOCS");
    char *end;
    unsigned long v = env ? strtoul(env, &end, 10) : 0;
    return env && *env && !*end && v ? (size_t)v : LX_SEGMENT_DOCS;
}

bool lx_segrun_init(lx_run *r, bool may)
{
    r->segrun = calloc(1, sizeof *r->segrun);
    if (!r->segrun)
        return false;
    lx_segrun *g = r->segrun;
    struct stat st;
    /* The merge replaces the index directory: not one reached through a
     * link (the link would be replaced). */
    g->may = may && r->db && lstat(r->db_path, &st) == 0 && S_ISDIR(st.st_mode);
    if (!g->may)
        return true;
    char *v = NULL;
    if (!lx_db_get_metadata(r->db, LX_BYTES_METADATA_KEY, &v) && v)
        g->indexed_bytes = strtoull(v, NULL, 10);
    free(v);
    g->shas = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return true;
}

bool lx_segrun_active(const lx_run *r)
{
    return r->segrun && r->segrun->on;
}

/* Segment mode starts: the writers and their directory. When they cannot
 * start, said once, and the run goes on with one writer. */
static bool start(lx_run *r)
{
    lx_segrun *g = r->segrun;
    char *why = NULL;
    unsigned writers = r->jobs < LX_SEGMENT_WRITERS ? r->jobs : LX_SEGMENT_WRITERS;
    g->may = false;
    size_t len = 0;
    if ((g->dir = lx_db_segments_dir(r->db_path)) &&
        (g->merged = malloc(len = strlen(g->dir) + sizeof "/merged")))
        snprintf(g->merged, len, "%s/merged", g->dir);
    if (g->merged)
        g->seg = lx_segments_start(g->dir, writers, r->commit_every, chunk_docs(), LX_SEGMENT_BYTES,
                                   &why);
    if (!g->seg) {
        lx_run_warn(r, why ? why : "out of memory",
                    "cannot write segments: one thread writes the index");
        free(why);
        return false;
    }
    g->on = true;
    return true;
}

bool lx_segrun_due(lx_run *r, size_t bytes)
{
    lx_segrun *g = r->segrun;
    if (!g || g->on || !g->may)
        return g && g->on;
    g->read_bytes += bytes;
    if (g->indexed_bytes && g->read_bytes * LX_SEGMENT_SHARE < g->indexed_bytes)
        return false;
    return start(r);
}

/* Frees a late path's copies. */
static void late_release(late_path *p)
{
    free((char *)p->loc.path);
    free((char *)p->loc.steps);
}

lx_status lx_segrun_lookup(lx_run *r, const char *sha, size_t src, const lx_location *loc,
                           bool *repeat)
{
    lx_segrun *g = r->segrun;
    *repeat = g_hash_table_contains(g->shas, sha);
    if (!*repeat) {
        /* The index is only read until the merge. */
        char term[LX_SHA256_HEX_LEN + 16];
        snprintf(term, sizeof term, "%s%s", lx_schema_prefix(LX_F_SHA256), sha);
        lx_docid *ids = NULL;
        size_t n = 0;
        lx_status st = lx_db_term_docs(r->db, term, &ids, &n);
        free(ids);
        if (st)
            return st;
        *repeat = n > 0;
    }
    if (!*repeat)
        return LX_OK;
    if (!lx_grow((void **)&g->late, &g->alloc_late, g->n_late + 1, sizeof *g->late))
        return LX_E_NOMEM;
    late_path *p = &g->late[g->n_late];
    *p = (late_path){src, "", *loc};
    snprintf(p->sha, sizeof p->sha, "%s", sha);
    p->loc.path = strdup(loc->path);
    p->loc.steps = loc->steps ? strdup(loc->steps) : NULL;
    if (!p->loc.path || (loc->steps && !p->loc.steps)) {
        late_release(p);
        return LX_E_NOMEM;
    }
    g->n_late++;
    return LX_OK;
}

lx_status lx_segrun_put(lx_run *r, lx_doc *doc, const char *sha, const char *fp, const char *msgid,
                        size_t weight)
{
    lx_segrun *g = r->segrun;
    if (!g->put_any) {
        g->put_any = true;
        g->uncommitted_from = r->n_uncommitted;
    }
    char *key = g_strdup(sha);
    g_hash_table_add(g->shas, key);
    if (*msgid) {
        if (!lx_grow((void **)&g->marks, &g->alloc_marks, g->n_marks + 1, sizeof *g->marks)) {
            lx_doc_free(doc);
            return LX_E_NOMEM;
        }
        copy_mark *m = &g->marks[g->n_marks];
        m->ordinal = g->docs;
        snprintf(m->fp, sizeof m->fp, "%s", fp);
        if (!(m->msgid = strdup(msgid))) {
            lx_doc_free(doc);
            return LX_E_NOMEM;
        }
        g->n_marks++;
    }
    g->docs++;
    lx_status st = lx_segments_put(g->seg, doc, weight);
    if (st) {
        /* A writer failed: the others stop, and the run with them. */
        const char *const *paths;
        size_t n;
        char *why = NULL;
        lx_segments_finish(g->seg, &paths, &n, &why);
        lx_cli_say(stderr, "leakdex-index: ", "cannot write a segment: %s",
                   why ? why : lx_status_str(st));
        free(why);
    }
    return st;
}

bool lx_segrun_keep_record(lx_run *r, const char *key, const char *value, lx_status *st)
{
    lx_segrun *g = r->segrun;
    *st = LX_OK;
    if (!g || !g->on)
        return false;
    if (!lx_grow((void **)&g->files, &g->alloc_files, g->n_files + 1, sizeof *g->files)) {
        *st = LX_E_NOMEM;
        return true;
    }
    file_record *f = &g->files[g->n_files];
    f->key = strdup(key);
    f->value = strdup(value);
    if (!f->key || !f->value) {
        free(f->key);
        free(f->value);
        *st = LX_E_NOMEM;
        return true;
    }
    g->n_files++;
    return true;
}

/* What the run recorded, applied to the merged copy db (base: the index's
 * last document id; the segments' documents follow it in order). */
static lx_status apply_recorded(lx_run *r, lx_db *db, lx_docid base)
{
    lx_segrun *g = r->segrun;
    lx_status st = LX_OK;
    for (size_t i = 0; i < g->n_late && !st; i++) {
        lx_document_seen seen;
        late_path *p = &g->late[i];
        if (!(st = lx_document_lookup(db, p->sha, &p->loc, &seen))) {
            if (seen == LX_SEEN_KNOWN)
                r->report.v[p->src].known++;
            else if (seen == LX_SEEN_DUPLICATE)
                r->report.v[p->src].duplicates++;
            else
                st = LX_E_INVALID; /* written, yet not found: the merge lost it */
        }
    }
    for (size_t i = 0; i < g->n_marks && !st; i++)
        st = lx_document_mark_copies(db, base + (lx_docid)g->marks[i].ordinal + 1, g->marks[i].fp,
                                     g->marks[i].msgid);
    for (size_t i = 0; i < g->n_files && !st; i++)
        st = lx_db_set_metadata(db, g->files[i].key, g->files[i].value);
    return st;
}

/* The merge proper: the index committed, merged with the segments into
 * g->merged, which is opened into *out. why: what failed. */
static lx_status merge_into(lx_run *r, lx_db **out, lx_docid *base, lx_strbuf *why)
{
    lx_segrun *g = r->segrun;
    const char *const *paths = NULL;
    size_t n = 0;
    char *err = NULL;
    lx_status st = lx_segments_finish(g->seg, &paths, &n, &err);
    r->report.writers = lx_segments_writers(g->seg);
    r->report.segments = n;
    if (st) {
        lx_strbuf_addstr(why, err ? err : lx_status_str(st));
        free(err);
        return st;
    }
    if ((st = lx_db_commit(r->db))) {
        lx_strbuf_addstr(why, lx_db_error(r->db));
        return st;
    }
    /* The index's documents are in it now: what stays uncommitted is the
     * segments' until the merged copy replaces the index. */
    size_t from = g->put_any ? g->uncommitted_from : r->n_uncommitted;
    memmove(r->uncommitted, r->uncommitted + from, (r->n_uncommitted - from) * sizeof *r->uncommitted);
    r->n_uncommitted -= from;
    *base = lx_db_last_docid(r->db);
    if ((st = lx_db_merge(r->db_path, paths, n, g->merged, &err)) ||
        (st = lx_db_open(g->merged, LX_DB_WRITE, out, &err))) {
        lx_strbuf_addstr(why, err ? err : lx_status_str(st));
        free(err);
        return st;
    }
    if (lx_db_last_docid(*out) != *base + g->docs) {
        lx_strbuf_addf(why, "the merged copy holds documents up to %u, not %zu", lx_db_last_docid(*out),
                       (size_t)*base + g->docs);
        lx_db_close(*out);
        *out = NULL;
        return LX_E_DB_WRITE;
    }
    return LX_OK;
}

lx_status lx_segrun_merge(lx_run *r, bool *merged_copy)
{
    lx_segrun *g = r->segrun;
    double t0 = lx_run_now();
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_db *merged = NULL;
    lx_docid base = 0;
    *merged_copy = false;
    if (!g->put_any) {
        /* Nothing new (only repeats): no segment, no merge; what was
         * recorded goes to the index itself. */
        const char *const *paths;
        size_t n;
        char *err = NULL;
        lx_status st = lx_segments_finish(g->seg, &paths, &n, &err);
        r->report.writers = lx_segments_writers(g->seg);
        if (!st)
            st = apply_recorded(r, r->db, lx_db_last_docid(r->db));
        if (st)
            lx_cli_say(stderr, "leakdex-index: ", "%s: %s", lx_status_str(st),
                       err ? err : lx_db_error(r->db));
        free(err);
        r->report.merge_seconds = lx_run_now() - t0;
        lx_strbuf_release(&why);
        return st;
    }
    lx_status st = merge_into(r, &merged, &base, &why);
    if (!st && (st = apply_recorded(r, merged, base)))
        lx_strbuf_addstr(&why, lx_db_error(merged));
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "cannot merge the segments: %s: %s",
                   lx_status_str(st), why.len ? why.buf : "");
        if (merged)
            lx_db_close(merged);
    } else {
        g->live = r->db;
        g->live_path = r->db_path;
        r->db = merged;
        r->db_path = g->merged;
        *merged_copy = true;
    }
    r->report.merge_seconds = lx_run_now() - t0;
    lx_strbuf_release(&why);
    return st;
}

lx_status lx_segrun_replace(lx_run *r, const char *dbpath, bool *compacted, char **why)
{
    lx_segrun *g = r->segrun;
    lx_status st = lx_db_close_replacing(r->db, dbpath, compacted, why);
    r->db = g->live;
    r->db_path = g->live_path;
    g->live = NULL;
    /* The old index (or, when nothing was exchanged, the merged copy) and
     * the segments, removed while the index is still locked. */
    lx_db_remove_stale_copy(dbpath);
    lx_status cst = lx_db_close(r->db);
    r->db = NULL;
    return st ? st : cst;
}

lx_status lx_segrun_record_bytes(lx_run *r)
{
    char *v = NULL;
    unsigned long long had = 0;
    if (!lx_db_get_metadata(r->db, LX_BYTES_METADATA_KEY, &v) && v)
        had = strtoull(v, NULL, 10);
    free(v);
    char now[32];
    snprintf(now, sizeof now, "%llu", had + r->bytes_new);
    return lx_db_set_metadata(r->db, LX_BYTES_METADATA_KEY, now);
}

void lx_segrun_lost(lx_run *r)
{
    lx_segrun *g = r->segrun;
    for (size_t i = 0; g && i < g->n_late; i++)
        lx_run_not_indexed(r, g->late[i].src, NULL);
    lx_run_uncommitted_lost(r);
}

void lx_segrun_free(lx_run *r)
{
    lx_segrun *g = r->segrun;
    if (!g)
        return;
    lx_segments_free(g->seg);
    if (g->shas)
        g_hash_table_destroy(g->shas);
    for (size_t i = 0; i < g->n_late; i++)
        late_release(&g->late[i]);
    free(g->late);
    for (size_t i = 0; i < g->n_marks; i++)
        free(g->marks[i].msgid);
    free(g->marks);
    for (size_t i = 0; i < g->n_files; i++) {
        free(g->files[i].key);
        free(g->files[i].value);
    }
    free(g->files);
    free(g->dir);
    free(g->merged);
    free(g);
    r->segrun = NULL;
}
