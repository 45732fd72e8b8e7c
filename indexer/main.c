/* main.c - leakdex-index: walk the sources, parse every message, write the index. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attachtext.h"
#include "caps.h"
#include "escape.h"
#include "grow.h"
#include "cli.h"
#include "dkim.h"
#include "date.h"
#include "dns.h"
#include "doctext.h"
#include "helper.h"
#include "inspect.h"
#include "mbox.h"
#include "message.h"
#include "report.h"
#include "corroborate.h"
#include "reverify.h"
#include "sniff.h"
#include "sha256.h"
#include "document.h"
#include "thread.h"
#include "pool.h"
#include "schema.h"
#include "walk.h"
#include "xdb.h"
#include "banned.h"

#include <glib.h>

/* Exit codes, as documented in the README. */
enum { EXIT_OK = 0, EXIT_DB = 1, EXIT_USAGE = 2, EXIT_SOURCE = 3 };

typedef struct indexer {
    lx_db *db;
    lx_db *all; /* what the thread and chain passes read: db, or every shard (--link-with) */
    const char *db_path, *all_path; /* where db and all were opened */
    lx_report report;
    bool quiet;
    bool inspect;        /* --inspect: print what was parsed, write no index */
    bool full;           /* --full: the whole body in --inspect output */
    bool no_dkim;        /* --no-dkim: skip verification (benchmarks) */
    lx_keystore *keys;   /* --keys files; empty when none was given */
    FILE *keys_out;      /* --dns: records found are appended here */
    lx_strbuf dns_tried; /* names already asked, each followed by '\n' */
    char today[16];      /* for the source note of records found in DNS */
    size_t since_commit;
    size_t commit_every; /* --commit-every: documents per commit */
    lx_status fatal;     /* a database error that ends the run: what follows is counted */
    /* The sources of the documents written since the last commit, one
     * entry each: if the run stops before the next commit, they are not in
     * the index, and the report says so. */
    size_t *uncommitted;
    size_t n_uncommitted, alloc_uncommitted;
    bool sharded;        /* --shard I/N: only the messages of that shard */
    lx_shard shard;
    unsigned threshold;    /* --corroborate-threshold, percent */
    lx_attachtext_ctx *attach; /* attachment limits, libmagic, texts already extracted */
    /* The pipeline (see dispatch, work, retire). */
    unsigned jobs; /* --jobs: 1 = no worker threads */
    lx_pool *pool;
    struct worker **workers; /* n_workers threads' contexts, then the main thread's */
    unsigned n_workers;
    struct worker *main_worker; /* for work done in the main thread */
    struct job **inflight;      /* submitted, not yet retired, oldest first */
    size_t n_inflight, window;
    size_t inflight_bytes;
    GHashTable *att_seen; /* SHA-256 of every attachment file written this run */
    lx_atime_stats atimes; /* what reading the sources did to their access times */
    /* Progress, on a terminal. */
    bool show_progress, drawn;
    double t0, last_draw;
    size_t done_files, total_files, done_messages;
    uint64_t done_bytes, total_bytes;
} indexer;

static double now_seconds(void);
static void stop_pipeline(struct indexer *ix);

/* Clears the progress line, if one is shown, before other output. */
static void clear_progress(indexer *ix)
{
    if (ix->drawn) {
        fputs("\r\033[K", stderr);
        ix->drawn = false;
    }
}

static void warn(indexer *ix, const char *path, const char *reason)
{
    if (ix->quiet)
        return;
    clear_progress(ix);
    /* Paths and reasons quote the archive (file names, declared types). */
    lx_strbuf line;
    lx_strbuf_init(&line);
    if (lx_escape_terminal(&line, path, strlen(path)) == LX_OK &&
        lx_strbuf_addstr(&line, ": ") == LX_OK &&
        lx_escape_terminal(&line, reason, strlen(reason)) == LX_OK)
        fprintf(stderr, "leakdex-index: %s\n", line.buf);
    else
        fputs("leakdex-index: a warning was lost: out of memory\n", stderr);
    lx_strbuf_release(&line);
}

/* "3 h 05 min", "12 min 40 s", "35 s". */
static void format_duration(char *out, size_t n, double seconds)
{
    long t = seconds > 0 && seconds < 1e9 ? (long)(seconds + 0.5) : 0;
    if (t >= 3600)
        snprintf(out, n, "%ld h %02ld min", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(out, n, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(out, n, "%ld s", t);
}

/* The progress line on stderr, a terminal: files done of the total counted
 * first, messages and bytes per second, and the time left (from the bytes
 * still to read); at most four times a second. */
static void progress(indexer *ix, bool force)
{
    if (!ix->show_progress)
        return;
    double now = now_seconds();
    if (!force && now - ix->last_draw < 0.25)
        return;
    ix->last_draw = now;
    double el = now - ix->t0 > 0.001 ? now - ix->t0 : 0.001;
    double rate = (double)ix->done_bytes / el;
    char left[32] = "?";
    if (ix->done_bytes && ix->total_bytes >= ix->done_bytes && el > 1)
        format_duration(left, sizeof left, (double)(ix->total_bytes - ix->done_bytes) / rate);
    fprintf(stderr, "\r\033[K%zu/%zu files, %zu messages, %.0f msg/s, %.1f MB/s, %s left",
            ix->done_files, ix->total_files, ix->done_messages, (double)ix->done_messages / el,
            rate / 1e6, left);
    ix->drawn = true;
}

static void on_skip(void *ctx, const char *path, const char *source, lx_source_kind kind,
                    const char *reason)
{
    indexer *ix = ctx;
    lx_source_stats *s = lx_report_source(&ix->report, source, kind);
    if (s)
        lx_report_skip(s, reason, 1);
    warn(ix, path, reason);
}

/* --dns: asks DNS once per run for each selector no key file has, adds
 * what it finds to the key store and appends it to --keys-out, so the run
 * can be repeated offline. True when a record was added. */
static bool dns_fetch(indexer *ix, const lx_dkim_verdict *v)
{
    bool added = false;
    lx_strbuf name, txt, why;
    lx_strbuf_init(&name);
    lx_strbuf_init(&txt);
    lx_strbuf_init(&why);
    for (size_t i = 0; i < v->n; i++) {
        const lx_dkim_sig *g = &v->sigs[i];
        if (g->result != LX_VERDICT_NOKEY || !*g->selector || !*g->domain)
            continue;
        lx_strbuf_reset(&name);
        lx_strbuf_addf(&name, "%s._domainkey.%s\n", g->selector, g->domain);
        for (size_t k = 0; k < name.len; k++)
            if (name.buf[k] >= 'A' && name.buf[k] <= 'Z')
                name.buf[k] = (char)(name.buf[k] - 'A' + 'a');
        /* Tried already this run (found or not)? */
        const char *hay = ix->dns_tried.buf;
        bool seen = false;
        for (const char *p = hay; (p = strstr(p, name.buf)); p++)
            if (p == hay || p[-1] == '\n') {
                seen = true;
                break;
            }
        if (seen)
            continue;
        lx_strbuf_add(&ix->dns_tried, name.buf, name.len);
        lx_strbuf_setlen(&name, name.len - 1);
        lx_strbuf_reset(&txt);
        lx_strbuf_reset(&why);
        lx_status st = lx_dns_txt(name.buf, &txt, &why);
        if (st == LX_E_NOT_FOUND)
            continue;
        if (st) {
            warn(ix, name.buf, why.buf);
            continue;
        }
        char source[64];
        snprintf(source, sizeof source, "DNS %s", ix->today);
        if (lx_keystore_add(ix->keys, name.buf, txt.buf, source))
            continue;
        added = true;
        /* One line, the value as a quoted chunk so '#' and ';' stay in it. */
        fprintf(ix->keys_out, "%s \"", name.buf);
        for (size_t k = 0; k < txt.len; k++) {
            char c = txt.buf[k];
            if (c == '"' || c == '\\')
                fputc('\\', ix->keys_out);
            fputc(c == '\n' || c == '\r' ? ' ' : c, ix->keys_out);
        }
        fprintf(ix->keys_out, "\"  # source: %s\n", source);
        fflush(ix->keys_out);
    }
    lx_strbuf_release(&name);
    lx_strbuf_release(&txt);
    lx_strbuf_release(&why);
    return added;
}

/* A source file while its messages are on their way: its identity record
 * (path, size, modification time) is written once the last one is in the
 * index, so that the next run recognizes the file without reading it. */
typedef struct filerec {
    char *path;
    off_t size;
    struct timespec mtime;
    bool mbox;
    size_t messages; /* found in it */
    size_t other;    /* of which belong to another shard */
    size_t skipped;  /* could not be indexed: no record, read again next time */
    size_t pending;  /* jobs not yet retired */
    bool walked;     /* every message of it dispatched */
} filerec;

/* One message on its way through the pipeline: read, hashed and looked up
 * by the main thread (dispatch), parsed, verified and turned into a
 * document by a worker (work), written by the main thread in the order the
 * messages were found (retire). */
typedef struct job {
    size_t source; /* its source in ix->report (an index: pointers move) */
    lx_location loc;
    char sha[LX_SHA256_HEX_LEN + 1];
    lx_strbuf canon; /* canonical bytes */
    /* From an mbox with ">From " quoting: the bytes as stored, CRLF; else empty. */
    lx_strbuf stored;
    filerec *file;
    bool deferred; /* an identical message was still in flight: decided at retire */
    bool counted;  /* retire counted it in the report */
    /* What the worker found. */
    lx_status st;   /* an error that ends the run (none comes from a worker now) */
    lx_strbuf why;  /* not empty: the message could not be parsed */
    char fail[128]; /* not empty: it could not be read for another reason (out of memory):
                       reported and skipped, the run goes on; no allocation needed */
    size_t text_bytes; /* body and attachment text, for the weight of a finished job */
    lx_doc *doc;
    char fp[LX_SHA256_HEX_LEN + 1];
    char *message_id;
    unsigned notes;
    lx_date_source date_source;
    lx_attach_list att;
    lx_dkim_verdict dkim;
    lx_strbuf json; /* --inspect */
} job;

/* What a worker owns: its attachment context (libmagic is per thread). */
typedef struct worker {
    indexer *ix;
    lx_attachtext_ctx *attach;
    bool dns; /* may ask DNS (the main thread's context, --dns) */
} worker;

static void job_free(job *j)
{
    if (!j)
        return;
    free((char *)j->loc.path);
    lx_strbuf_release(&j->canon);
    lx_strbuf_release(&j->stored);
    lx_strbuf_release(&j->why);
    lx_doc_free(j->doc);
    free(j->message_id);
    lx_attach_list_release(&j->att);
    lx_dkim_verdict_release(&j->dkim);
    lx_strbuf_release(&j->json);
    free(j);
}

/* A message that could not be read for want of memory (or, were it to
 * happen, another error that is not its own damage): nothing of it is
 * kept; it is reported with its path and the reason and counted as
 * skipped, and the run goes on (its file is read again next time). Needs
 * no allocation. */
static void job_failed(job *j, lx_status st, const char *stage)
{
    lx_doc_free(j->doc);
    j->doc = NULL;
    free(j->message_id);
    j->message_id = NULL;
    lx_attach_list_release(&j->att);
    lx_strbuf_release(&j->json);
    j->text_bytes = 0;
    snprintf(j->fail, sizeof j->fail, "%s while %s",
             st == LX_E_NOMEM ? "out of memory" : lx_status_str(st), stage);
}

/* Parse, attachments, DKIM, document: everything that needs no database.
 * Runs in a worker thread (or in the main thread with --jobs 1). */
static void work(void *wctx, void *item)
{
    worker *w = wctx;
    indexer *ix = w->ix;
    job *j = item;
    if (j->deferred)
        return;
    lx_message msg;
    const char *stage = "parsing it";
    lx_status st = lx_message_parse(&msg, j->canon.buf, j->canon.len, &j->why);
    if (st == LX_E_NOMEM) {
        lx_strbuf_reset(&j->why);
        job_failed(j, st, stage);
        return;
    }
    if (st) {
        if (!j->why.len)
            lx_strbuf_addstr(&j->why, lx_status_str(st));
        return;
    }
    lx_strbuf_reset(&j->why);
    stage = "reading its attachments";
    if ((st = lx_attachtext_extract(w->attach, &msg, &j->att)))
        goto out;
    stage = "verifying its DKIM signatures";
    if (!ix->no_dkim) {
        /* Verified on the canonical bytes: CRLF, no mbox separator, mboxrd
         * quoting undone, as the message was sent; the body as stored too
         * when that one does not verify. The sender shown must be the
         * signer's. */
        lx_dkim_input in = {j->canon.buf, j->canon.len, j->stored.len ? j->stored.buf : NULL,
                            j->stored.len, msg.from.addr};
        if ((st = lx_dkim_verify_message(ix->keys, &in, &j->dkim)))
            goto out;
        if (w->dns && ix->keys_out && dns_fetch(ix, &j->dkim)) {
            /* New records came from DNS: verify again with them. */
            lx_dkim_verdict_release(&j->dkim);
            if ((st = lx_dkim_verify_message(ix->keys, &in, &j->dkim)))
                goto out;
        }
        const char *part;
        size_t part_len;
        if (lx_dkim_signed_part(&j->dkim, &in, &part, &part_len) &&
            (st = lx_message_signed_text(part, part_len, msg.body, msg.body_len,
                                         &j->dkim.signed_text)))
            goto out;
    }
    const lx_dkim_verdict *dk = ix->no_dkim ? NULL : &j->dkim;
    stage = "building its index entry";
    if (ix->inspect)
        st = lx_inspect_json(&j->json, &msg, &j->att, j->sha, j->canon.len, &j->loc, ix->full, dk);
    else
        st = lx_document_build(j->sha, j->canon.len, &j->loc, &msg, &j->att, dk, &j->doc, j->fp);
    if (!st && !(j->message_id = strdup(msg.message_id)))
        st = LX_E_NOMEM;
    j->notes = msg.notes;
    j->date_source = msg.date_source;
    j->text_bytes = msg.body_len;
    for (size_t i = 0; i < j->att.n; i++)
        j->text_bytes += j->att.v[i].text_len;
out:
    if (st)
        job_failed(j, st, stage);
    lx_message_release(&msg);
}

/* What a finished job holds until it is written: its bytes, and its text
 * about three times over (the attachments' text, the document's data and
 * its terms and positions). */
static size_t job_weight(void *item)
{
    const job *j = item;
    return j->canon.len + j->stored.len + j->json.len + 3 * j->text_bytes;
}

/* "PATH@OFFSET+LENGTH" for a message in an mbox, else PATH: for warnings. */
static void where_of(lx_strbuf *where, const lx_location *loc)
{
    lx_strbuf_reset(where);
    lx_document_format_location(where, loc);
    size_t first = strcspn(where->buf, "\t");
    for (size_t k = 0; k < where->len; k++)
        if (where->buf[k] == '\t')
            where->buf[k] = k == first ? '@' : '+';
}

/* Counts a message's attachments in the report and warns about those a
 * limit or damage stopped. */
static lx_status report_attachments(indexer *ix, const lx_location *loc, const lx_attach_list *att)
{
    lx_report *r = &ix->report;
    lx_strbuf where, line;
    lx_strbuf_init(&where);
    lx_strbuf_init(&line);
    r->att_dropped += att->dropped;
    for (size_t i = 0; i < att->n; i++) {
        const lx_attachment *a = &att->v[i];
        r->att_total++;
        /* Counted here, in order, so the figure does not depend on which
         * worker read which copy first. */
        if (!*a->sha256)
            ; /* not read at all (past a limit): nothing to compare */
        else if (g_hash_table_contains(ix->att_seen, a->sha256))
            r->att_cached++;
        else
            g_hash_table_add(ix->att_seen, g_strdup(a->sha256));
        if ((a->status == LX_ATT_OK || a->status == LX_ATT_TRUNCATED ||
             a->status == LX_ATT_LIMIT) &&
            a->text_len)
            r->att_text++;
        bool quiet_skip = a->status == LX_ATT_SKIPPED && strncmp(a->reason, "no text in ", 11) == 0;
        switch (a->status) {
        case LX_ATT_OK: break;
        case LX_ATT_TRUNCATED: r->att_truncated++; break;
        case LX_ATT_SKIPPED: r->att_skipped++; break;
        case LX_ATT_FAILED: r->att_failed++; break;
        case LX_ATT_LIMIT: r->att_limited++; break;
        }
        if (a->status == LX_ATT_OK || quiet_skip)
            continue;
        lx_strbuf_reset(&line);
        lx_attach_status_line(a, &line);
        lx_report_attachment(r, line.buf);
        where_of(&where, loc);
        lx_strbuf_addf(&where, ": attachment %zu \"%s\"", a->n, a->name);
        warn(ix, where.buf, line.buf);
    }
    if (att->dropped) {
        lx_strbuf_reset(&line);
        lx_strbuf_addf(&line, "attachments past %d not listed", LX_ATTACH_MAX_PER_MESSAGE);
        lx_report_attachment(r, line.buf);
    }
    lx_strbuf_release(&where);
    lx_strbuf_release(&line);
    return LX_OK;
}

/* Commits the index: the documents written so far are in it for good. */
static lx_status commit_now(indexer *ix)
{
    lx_status st = lx_db_commit(ix->db);
    if (!st)
        ix->n_uncommitted = 0;
    return st;
}

static lx_status commit_batch(indexer *ix)
{
    if (ix->inspect || ++ix->since_commit < ix->commit_every)
        return LX_OK;
    ix->since_commit = 0;
    return commit_now(ix);
}

/* Counts one message found that the run, stopping, did not index. */
static void not_indexed(indexer *ix, size_t src, filerec *f)
{
    lx_report_skip(&ix->report.v[src], LX_REPORT_NOT_INDEXED, 0);
    ix->report.not_indexed++;
    if (f)
        f->skipped++;
}

/* The run stops: the documents written since the last commit are not in
 * the index; counted as not indexed rather than indexed. */
static void uncommitted_lost(indexer *ix)
{
    for (size_t i = 0; i < ix->n_uncommitted; i++) {
        lx_source_stats *s = &ix->report.v[ix->uncommitted[i]];
        if (s->indexed)
            s->indexed--;
        not_indexed(ix, ix->uncommitted[i], NULL);
    }
    ix->n_uncommitted = 0;
}

/* The metadata key of a source file's identity record. */
static void file_key(const char *path, char key[80])
{
    char hex[LX_SHA256_HEX_LEN + 1];
    if (lx_sha256_hex(path, strlen(path), hex))
        hex[0] = '\0';
    snprintf(key, 80, "%s%s", LX_FILE_METADATA_PREFIX, hex);
}

/* The record's value: "1 SIZE SEC NSEC KIND MESSAGES OTHER\nPATH" (KIND m
 * for an mbox, f for a one-message file). */
static void file_value(lx_strbuf *v, const char *path, off_t size, const struct timespec *mt,
                       bool mbox, size_t messages, size_t other)
{
    lx_strbuf_reset(v);
    lx_strbuf_addf(v, "1 %lld %lld %ld %c %zu %zu\n%s", (long long)size, (long long)mt->tv_sec,
                   mt->tv_nsec, mbox ? 'm' : 'f', messages, other, path);
}

/* Writes a finished file's identity record, then frees it: only when every
 * message of it is in the index (none skipped, the run not failing). */
static lx_status file_done(indexer *ix, filerec *f)
{
    lx_status st = LX_OK;
    if (!ix->fatal && !f->skipped && !ix->inspect) {
        char key[80];
        lx_strbuf v;
        lx_strbuf_init(&v);
        file_key(f->path, key);
        file_value(&v, f->path, f->size, &f->mtime, f->mbox, f->messages, f->other);
        st = lx_db_set_metadata(ix->db, key, v.buf);
        lx_strbuf_release(&v);
    }
    free(f->path);
    free(f);
    return st;
}

/* Writes one finished job to the index, in order, with its report lines. */
static lx_status retire(indexer *ix, job *j)
{
    lx_status st;
    lx_strbuf where;
    lx_strbuf_init(&where);
    if (j->deferred) {
        /* An identical message was in flight when this one was found: it
         * is in the index now, unless it could not be parsed. */
        lx_document_seen seen;
        if ((st = lx_document_lookup(ix->db, j->sha, &j->loc, &seen)))
            goto out;
        if (seen != LX_SEEN_NEW) {
            lx_source_stats *s = &ix->report.v[j->source];
            if (seen == LX_SEEN_KNOWN)
                s->known++;
            else
                s->duplicates++;
            ix->done_messages++;
            j->counted = true;
            st = commit_batch(ix);
            goto out;
        }
        j->deferred = false;
        work(ix->main_worker, j);
    }
    if ((st = j->st))
        goto out;
    lx_source_stats *s = &ix->report.v[j->source];
    ix->done_messages++;
    if (j->why.len || j->fail[0]) {
        const char *reason = j->fail[0] ? j->fail : j->why.buf;
        lx_report_skip(s, reason, 0);
        j->counted = true;
        if (j->file)
            j->file->skipped++;
        where_of(&where, &j->loc);
        warn(ix, where.buf, reason);
        goto out;
    }
    if (ix->inspect) {
        if (fwrite(j->json.buf, 1, j->json.len, stdout) != j->json.len || putchar('\n') == EOF)
            st = LX_E_IO;
    } else {
        st = lx_document_put(ix->db, j->doc, j->fp, j->message_id);
    }
    if (st)
        goto out;
    for (unsigned bit = 0; !ix->inspect && bit < LX_NOTE_COUNT_; bit++) {
        if (!(j->notes & (1u << bit)))
            continue;
        const char *what = lx_message_note_text(1u << bit);
        lx_report_note(s, what);
        where_of(&where, &j->loc);
        char line[300];
        snprintf(line, sizeof line, "indexed, but %s", what);
        warn(ix, where.buf, line);
    }
    if (!ix->inspect && (st = report_attachments(ix, &j->loc, &j->att)))
        goto out;
    if (!ix->no_dkim) {
        ix->report.dkim[j->dkim.verdict]++;
        ix->report.verified += j->dkim.verified == LX_VERIFIED_YES;
        ix->report.partial += j->dkim.verified == LX_VERIFIED_PARTIAL;
        for (size_t i = 0; i < j->dkim.n; i++)
            if (j->dkim.sigs[i].result == LX_VERDICT_PASS && j->dkim.sigs[i].weak) {
                ix->report.dkim_weak++;
                break;
            }
    }
    s->indexed++;
    j->counted = true;
    if (!ix->inspect &&
        lx_grow((void **)&ix->uncommitted, &ix->alloc_uncommitted, ix->n_uncommitted + 1,
                sizeof *ix->uncommitted))
        ix->uncommitted[ix->n_uncommitted++] = j->source;
    if (j->date_source == LX_DATE_NONE)
        s->no_date++;
    else if (j->date_source == LX_DATE_RECEIVED)
        s->date_from_received++;
    st = commit_batch(ix);
out:
    lx_strbuf_release(&where);
    return st;
}

/* Takes finished jobs back, oldest first, and writes them, until at most
 * `keep` are in flight (and their bytes under the limit). */
static lx_status drain(indexer *ix, size_t keep)
{
    lx_status st = LX_OK;
    while (lx_pool_outstanding(ix->pool) > keep ||
           (ix->inflight_bytes > LX_INFLIGHT_BYTES && lx_pool_outstanding(ix->pool))) {
        job *j = lx_pool_take(ix->pool);
        ix->inflight_bytes -= j->canon.len;
        memmove(ix->inflight, ix->inflight + 1, --ix->n_inflight * sizeof *ix->inflight);
        if (!st && !ix->fatal && (st = retire(ix, j))) {
            ix->fatal = st; /* before file_done: no record for a file not written whole */
            /* Xapian drops what a failed write or commit had not committed
             * (the last commit attempt at close commits nothing more). */
            if (st == LX_E_DB_WRITE)
                uncommitted_lost(ix);
        }
        /* After a fatal error, what is in flight is dropped unwritten. */
        if (!j->counted) {
            ix->done_messages++;
            not_indexed(ix, j->source, j->file);
        }
        filerec *f = j->file;
        job_free(j);
        if (f && --f->pending == 0 && f->walked) {
            lx_status fst = file_done(ix, f);
            if (!st)
                st = fst;
        }
        progress(ix, false);
    }
    return st;
}

/* True when a line of data starts with ">From " after any number of '>':
 * mboxrd quoting that undoing changes. */
static bool quoted_from(const char *data, size_t len)
{
    for (const char *p = data, *end = data + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        const char *q = nl + 1;
        while (q < end && *q == '>')
            q++;
        if (q > nl + 1 && (size_t)(end - q) >= 5 && memcmp(q, "From ", 5) == 0)
            return true;
        p = nl + 1;
    }
    return false;
}

/* A message found that could not be handed to a worker for want of memory
 * (its canonical copy, its job): reported and skipped, the run goes on. */
static lx_status unread(indexer *ix, size_t src, filerec *f, const lx_location *loc)
{
    const char *reason = "out of memory while reading it";
    lx_report_skip(&ix->report.v[src], reason, 0);
    if (f)
        f->skipped++;
    ix->done_messages++;
    lx_strbuf where;
    lx_strbuf_init(&where);
    where_of(&where, loc);
    warn(ix, where.len ? where.buf : loc->path, reason);
    lx_strbuf_release(&where);
    return LX_OK;
}

/* The main thread's part for one message found: size limit, identity,
 * shard, already indexed? Then on to a worker. After a fatal error, only
 * counted: found, not indexed. */
static lx_status dispatch(indexer *ix, size_t src, filerec *f, const char *data, size_t len,
                          bool from_mbox, const lx_location *loc)
{
    lx_source_stats *s = &ix->report.v[src];
    lx_status st;
    s->found++;
    if (f)
        f->messages++;
    if (ix->fatal) {
        ix->done_messages++;
        not_indexed(ix, src, f);
        return LX_OK;
    }
    if (len > LX_MAX_MESSAGE_BYTES) {
        lx_report_skip(s, "message larger than 256 MiB", 0);
        if (f)
            f->skipped++;
        warn(ix, loc->path, "message larger than 256 MiB, skipped");
        ix->done_messages++;
        return LX_OK;
    }
    job *j = calloc(1, sizeof *j);
    if (!j)
        return unread(ix, src, f, loc);
    lx_strbuf_init(&j->canon);
    lx_strbuf_init(&j->stored);
    lx_strbuf_init(&j->why);
    lx_strbuf_init(&j->json);
    lx_attach_list_init(&j->att);
    j->source = src;
    j->loc = *loc;
    if (!(j->loc.path = strdup(loc->path)) ||
        (st = lx_mbox_canonical(&j->canon, data, len, from_mbox)) ||
        (st = lx_sha256_hex(j->canon.buf, j->canon.len, j->sha)) ||
        (from_mbox && !ix->no_dkim && quoted_from(data, len) &&
         (st = lx_mbox_canonical(&j->stored, data, len, false)))) {
        job_free(j);
        return unread(ix, src, f, loc);
    }
    if (ix->sharded &&
        lx_shard_of(j->canon.buf, j->canon.len, j->sha, ix->shard.count) != ix->shard.index) {
        s->other_shard++;
        if (f)
            f->other++;
        ix->done_messages++;
        job_free(j);
        return LX_OK;
    }
    /* An identical message still in flight: this one waits for it, so that
     * every location of one message is recorded in the order found. */
    for (size_t i = 0; i < ix->n_inflight && !ix->inspect && !j->deferred; i++)
        j->deferred = strcmp(ix->inflight[i]->sha, j->sha) == 0;
    if (!ix->inspect && !j->deferred) {
        lx_document_seen seen;
        if ((st = lx_document_lookup(ix->db, j->sha, &j->loc, &seen))) {
            job_free(j);
            return st;
        }
        if (seen != LX_SEEN_NEW) {
            if (seen == LX_SEEN_KNOWN)
                s->known++;
            else
                s->duplicates++;
            ix->done_messages++;
            job_free(j);
            return commit_batch(ix);
        }
    }
    j->file = f;
    if (f)
        f->pending++;
    if ((st = lx_pool_submit(ix->pool, j))) {
        if (f)
            f->pending--;
        job_free(j);
        return unread(ix, src, f, loc);
    }
    ix->inflight[ix->n_inflight++] = j;
    ix->inflight_bytes += j->canon.len;
    return drain(ix, ix->window - 1);
}

/* True when the file is the one a previous run indexed completely (same
 * path, size and modification time): its messages are counted as already
 * indexed without reading it. */
static bool unchanged(indexer *ix, const char *path, const struct stat *sb, size_t src)
{
    if (ix->inspect)
        return false;
    char key[80];
    char *have = NULL;
    file_key(path, key);
    if (lx_db_get_metadata(ix->db, key, &have) || !have || !*have) {
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
    lx_source_stats *s = &ix->report.v[src];
    if (kind == 'm' && !(s = lx_report_source(&ix->report, path, LX_SOURCE_MBOX)))
        return false;
    s->found += messages;
    s->known += messages - other;
    s->other_shard += other;
    ix->report.files_unchanged++;
    ix->report.messages_unchanged += messages;
    ix->done_messages += messages;
    return true;
}

static int on_file(void *ctx, const char *path, const char *source, lx_source_kind kind)
{
    indexer *ix = ctx;
    char reason[300];
    lx_source_stats *s = lx_report_source(&ix->report, source, kind);
    if (!s) {
        ix->fatal = LX_E_NOMEM;
        return 1;
    }
    size_t src = (size_t)(s - ix->report.v);
    /* Read-only and, where the system allows it, without updating the
     * access time: the sources are evidence (lx_source_open). */
    lx_source_fd sf;
    int fd = lx_source_open(&sf, path, false);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        snprintf(reason, sizeof reason, "cannot read: %s", strerror(errno));
        lx_report_skip(s, reason, 1);
        warn(ix, path, reason);
        lx_source_close(&sf, &ix->atimes);
        ix->done_files++;
        return 0;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size == 0 || (size_t)sb.st_size > LX_MAX_SOURCE_BYTES) {
        const char *why = !S_ISREG(sb.st_mode) ? "not a regular file"
                          : sb.st_size == 0    ? "empty file"
                                               : "file larger than 4 GiB";
        lx_report_skip(s, why, 1);
        warn(ix, path, why);
        lx_source_close(&sf, &ix->atimes);
        ix->done_files++;
        return 0;
    }
    size_t len = (size_t)sb.st_size;
    if (!ix->fatal && unchanged(ix, path, &sb, src)) {
        lx_source_close(&sf, &ix->atimes);
        ix->done_files++;
        ix->done_bytes += len;
        progress(ix, false);
        return 0;
    }
    /* Mapping the file is what sets its access time (when O_NOATIME was
     * refused): the fd stays open to put it back after. */
    char *data = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
        snprintf(reason, sizeof reason, "cannot map: %s", strerror(errno));
        lx_source_close(&sf, &ix->atimes);
        lx_report_skip(s, reason, 1);
        warn(ix, path, reason);
        ix->done_files++;
        return 0;
    }
    lx_source_close(&sf, &ix->atimes);
    lx_status st = LX_OK;
    filerec *f = calloc(1, sizeof *f);
    if (f && !(f->path = strdup(path))) {
        free(f);
        f = NULL;
    }
    if (!f) {
        munmap(data, len);
        ix->fatal = LX_E_NOMEM;
        return 1;
    }
    f->size = sb.st_size;
    f->mtime = sb.st_mtim;
    lx_sniff kind_of = lx_sniff_data(data, len);
    if (kind_of == LX_SNIFF_MBOX) {
        f->mbox = true;
        lx_source_stats *ms = lx_report_source(&ix->report, path, LX_SOURCE_MBOX);
        size_t msrc = ms ? (size_t)(ms - ix->report.v) : 0;
        lx_mbox_iter it;
        lx_mbox_msg m;
        lx_mbox_iter_init(&it, data, len);
        while (ms && lx_mbox_next(&it, &m)) {
            lx_location loc = {path, true, m.from_line, m.end - m.from_line};
            if (m.end == m.start) {
                ms = &ix->report.v[msrc];
                ms->found++;
                f->messages++;
                f->skipped++;
                ix->done_messages++;
                lx_report_skip(ms, "empty message in mbox", 0);
                snprintf(reason, sizeof reason, "empty message at byte %zu of the mbox",
                         m.from_line);
                warn(ix, path, reason);
                continue;
            }
            /* A fatal error: the rest is counted, not indexed. */
            if ((st = dispatch(ix, msrc, f, data + m.start, m.end - m.start, true, &loc)) &&
                !ix->fatal)
                ix->fatal = st;
            st = LX_OK;
            progress(ix, false);
        }
        if (!ms)
            st = LX_E_NOMEM;
    } else if (kind_of == LX_SNIFF_MESSAGE) {
        lx_location loc = {path, false, 0, len};
        st = dispatch(ix, src, f, data, len, false, &loc);
    } else {
        lx_report_skip(&ix->report.v[src], "not a mail message (no header block)", 1);
        warn(ix, path, "not a mail message (no header block), skipped");
        f->skipped++;
    }
    munmap(data, len);
    ix->done_files++;
    ix->done_bytes += len;
    f->walked = true;
    if (st)
        ix->fatal = st;
    if (f->pending == 0 && (st = file_done(ix, f)) && !ix->fatal)
        ix->fatal = st;
    progress(ix, false);
    /* After a fatal error the walk goes on, counting what is not indexed. */
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counting walk for the progress line: files and bytes, nothing read. */
static int count_file(void *ctx, const char *path, const char *source, lx_source_kind kind)
{
    (void)source;
    (void)kind;
    indexer *ix = ctx;
    struct stat sb;
    ix->total_files++;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        ix->total_bytes += (uint64_t)sb.st_size;
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

/* The worker threads (--jobs, default one per processor) and, on a
 * terminal, the counting walk for the progress line. */
static int start_pipeline(indexer *ix, const lx_walk_cb *cb, int n_sources, char **sources)
{
    /* DNS answers change the key store and --inspect reports which
     * attachments were read before: both run in the main thread alone. */
    if (ix->keys_out || ix->inspect)
        ix->jobs = 1;
    if (!ix->jobs)
        ix->jobs = lx_pool_default_workers();
    unsigned workers = ix->jobs > 1 ? ix->jobs : 0;
    worker **w = calloc(workers + 1, sizeof *w);
    ix->window = workers ? workers * LX_INFLIGHT_PER_WORKER : 1;
    ix->inflight = calloc(ix->window + 1, sizeof *ix->inflight);
    ix->att_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!w || !ix->inflight) {
        free(w);
        fputs("leakdex-index: out of memory\n", stderr);
        return EXIT_DB;
    }
    lx_strbuf why;
    lx_strbuf_init(&why);
    for (unsigned i = 0; i <= workers; i++) {
        /* Slot `workers` is the main thread's, with the original context. */
        w[i] = calloc(1, sizeof **w);
        if (w[i]) {
            w[i]->ix = ix;
            w[i]->attach = i == workers ? ix->attach : lx_attachtext_ctx_clone(ix->attach, &why);
            w[i]->dns = i == workers;
        }
        if (!w[i] || !w[i]->attach) {
            lx_cli_say(stderr, "leakdex-index: ", "%s", why.len ? why.buf : "out of memory");
            lx_strbuf_release(&why);
            for (unsigned k = 0; k <= i && k <= workers; k++) {
                if (w[k] && k != workers)
                    lx_attachtext_ctx_free(w[k]->attach);
                free(w[k]);
            }
            free(w);
            return EXIT_DB;
        }
    }
    lx_strbuf_release(&why);
    ix->main_worker = w[workers];
    ix->pool = lx_pool_new(workers, work, workers ? (void *const *)w : (void *const *)&w[workers]);
    ix->workers = w;
    ix->n_workers = workers;
    if (!ix->pool) {
        fputs("leakdex-index: cannot start the worker threads\n", stderr);
        stop_pipeline(ix);
        return EXIT_DB;
    }
    /* Finished messages wait to be written in order: while one is slow,
     * the others must not pile up their texts and documents. */
    lx_pool_set_budget(ix->pool, LX_INFLIGHT_BYTES, job_weight);
    ix->show_progress = !ix->quiet && !ix->inspect && isatty(STDERR_FILENO);
    ix->t0 = now_seconds();
    if (ix->show_progress) {
        lx_walk_cb count = *cb;
        count.file = count_file;
        count.skip = count_skip;
        for (int i = 0; i < n_sources; i++) {
            char *abs = realpath(sources[i], NULL);
            lx_walk(abs ? abs : sources[i], &count);
            free(abs);
        }
        fprintf(stderr, "leakdex-index: %zu files to read (%.1f MB), %u %s\n", ix->total_files,
                (double)ix->total_bytes / 1e6, ix->jobs, ix->jobs > 1 ? "jobs" : "job");
        progress(ix, true);
    }
    return EXIT_OK;
}

static void stop_pipeline(indexer *ix)
{
    lx_pool_free(ix->pool);
    ix->pool = NULL;
    for (unsigned i = 0; ix->workers && i <= ix->n_workers; i++) {
        if (ix->workers[i] && i != ix->n_workers)
            lx_attachtext_ctx_free(ix->workers[i]->attach);
        free(ix->workers[i]);
    }
    free(ix->workers);
    ix->workers = NULL;
    ix->main_worker = NULL;
    free(ix->inflight);
    ix->inflight = NULL;
    if (ix->att_seen)
        g_hash_table_destroy(ix->att_seen);
    ix->att_seen = NULL;
}

static void usage(FILE *out)
{
    fputs("usage: leakdex-index [--db DIR] [--keys FILE]... [--jobs N] [--shard I/N] [--hidden] "
          "[--quiet] "
          "SOURCE...\n"
          "       leakdex-index --db DIR --reverify --keys FILE...\n"
          "       leakdex-index --db SHARD --link-with ALL [--corroborate-threshold P]\n"
          "       leakdex-index --inspect [--full] [--keys FILE]... [--hidden] SOURCE...\n"
          "\n"
          "Indexes every message found under each SOURCE (a file, a directory\n"
          "tree, a Maildir or an mbox file) into the index at DIR, with the verdict\n"
          "of its DKIM signatures. Running it again adds only what is new. The\n"
          "sources are only ever read.\n"
          "\n"
          "  --db DIR     the index (default: $LEAKDEX_DB, else ./leakdex.db)\n"
          "  --keys FILE  DKIM key records, one per line: SELECTOR._domainkey.DOMAIN TXT\n"
          "               (repeatable; without keys every signature is \"nokey\")\n"
          "  --reverify   verify every indexed message again with the --keys given and\n"
          "               update its verdict; nothing else is re-parsed\n"
          "  --link-with ALL  once every shard is indexed: this shard's threads and\n"
          "               chain corroboration computed over ALL (a stub file, or a\n"
          "               directory, naming every shard), as one index would have them\n"
          "  --no-dkim    skip DKIM verification (verdicts recorded as unchecked)\n"
          "  --dns        ask live DNS for key records no key file has (off by default)\n"
          "  --keys-out FILE  with --dns: append the records found, for offline re-runs\n"
          "  --corroborate-threshold P  share of an unverified message's text (percent,\n"
          "               default 90) that a verified message must quote, unchanged, for\n"
          "               it to count as corroborated (never as verified)\n"
          "  --commit-every N  commit the index every N new documents (default 1000); a run\n"
          "               killed at any moment keeps what was committed, the next completes it\n"
          "  --jobs N     threads that parse, read attachments, verify and build\n"
          "               documents (default: one per processor; the index is the same\n"
          "               whatever N); 1 reads one message at a time\n"
          "  --shard I/N  index only the messages of shard I of N (by Message-ID, else\n"
          "               identity); the others are counted as \"other\". Run it once per\n"
          "               shard, on as many machines, each into its own --db\n"
          "  --no-compact do not rewrite the index compactly after a run that added a\n"
          "               fifth of its documents or more (it halves the size on disk)\n"
          "  --hidden     also index hidden files and directories (names starting with '.')\n"
          "  --attach-max-bytes N    bytes of one attachment read for text (default 64 MiB)\n"
          "  --attach-max-text N     extracted text kept per attachment (default 4 MiB)\n"
          "  --attach-max-depth N    containers opened inside containers (default 6)\n"
          "  --attach-max-members N  files read from one archive (default 1000)\n"
          "  --attach-max-ratio N    unpacked bytes per archive byte, and per byte of an\n"
          "                          attachment for the archives inside it (default 100)\n"
          "  --attach-max-tree-text N     text kept from an attachment and the files\n"
          "                          inside it (default 32 MiB)\n"
          "  --attach-max-message-text N  text kept from all the attachments of a\n"
          "                          message (default 64 MiB)\n"
          "  --attach-timeout S      seconds per extraction in a helper process (default 30)\n"
          "  --quiet      no warnings on stderr; the report is still printed\n"
          "  --inspect    write no index: print each message as the indexer reads it,\n"
          "               one JSON object per line (body cut at 4 KiB)\n"
          "  --full       with --inspect, the whole body\n"
          "  -h, --help   this text\n"
          "  --version    the version\n"
          "\n"
          "Exit status: 0 when it indexed what it could (skipped files are reported),\n"
          "1 when the index could not be opened or written, 2 on a usage error or an\n"
          "unreadable key file, 3 when a SOURCE named on the command line could not be read.\n",
          out);
}

static void reverify_warn(void *ctx, const char *path, const char *reason)
{
    warn(ctx, path, reason);
}

/* Where the last complete corroboration pass ended (the highest document
 * id it saw): the next pass compares only what came after, unless the
 * threshold changed. */
#define CHAINED_UPTO "leakdex.chained_upto"

/* The corroboration pass, its figures into the report; false on a database
 * error (reported). moved: the documents the thread pass moved (NULL
 * after --reverify, which needs a complete pass). */
static bool run_chains(indexer *ix, const lx_thread_stats *moved)
{
    lx_corroborate_stats cs;
    double t0 = now_seconds();
    char thr[16];
    snprintf(thr, sizeof thr, "%u", ix->threshold);
    lx_corroborate_since since = {0, NULL, 0};
    char *upto = NULL, *was = NULL;
    if (moved && !ix->all && !lx_db_get_metadata(ix->db, CHAINED_UPTO, &upto) && upto &&
        !lx_db_get_metadata(ix->db, "leakdex.corroborate_threshold", &was) && was &&
        strcmp(was, thr) == 0) {
        char *end;
        unsigned long v = strtoul(upto, &end, 10);
        if (*upto && !*end && v <= lx_db_last_docid(ix->db)) {
            since.after = (lx_docid)v;
            since.moved = moved->moved;
            since.n_moved = moved->n_moved;
        }
    }
    free(upto);
    free(was);
    lx_docid last = lx_db_last_docid(ix->db);
    /* The comparisons run in --jobs threads, each reading the committed
     * index through a handle of its own; without them, in this thread. */
    unsigned jobs = ix->jobs ? ix->jobs : lx_pool_default_workers();
    lx_db **readers = NULL;
    unsigned n_readers = 0;
    lx_status st = LX_OK;
    if (jobs > 1 && !(st = commit_now(ix)) &&
        (readers = calloc(jobs, sizeof *readers)) != NULL) {
        const char *path = ix->all ? ix->all_path : ix->db_path;
        while (n_readers < jobs && !lx_db_open(path, LX_DB_READ, &readers[n_readers], NULL))
            n_readers++;
        if (n_readers < jobs) { /* cannot open them all: no threads */
            while (n_readers)
                lx_db_close(readers[--n_readers]);
        }
    }
    if (!st)
        st = lx_corroborate_pass(ix->all ? ix->all : ix->db, ix->db, readers, n_readers,
                                 ix->threshold, &since, &cs);
    while (n_readers)
        lx_db_close(readers[--n_readers]);
    free(readers);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "chain corroboration: %s: %s", lx_status_str(st),
                   lx_db_error(ix->db));
        return false;
    }
    char upto_now[24];
    snprintf(upto_now, sizeof upto_now, "%u", last);
    lx_db_set_metadata(ix->db, "leakdex.corroborate_threshold", thr);
    lx_db_set_metadata(ix->db, CHAINED_UPTO, upto_now);
    ix->report.chained = true;
    ix->report.chain_incremental = cs.incremental;
    ix->report.chain_fresh = cs.fresh;
    ix->report.chain_quoting = cs.quoting;
    ix->report.chain_pairs = cs.pairs;
    ix->report.chain_corroborated = cs.corroborated;
    ix->report.chain_mismatched = cs.mismatched;
    ix->report.chain_rewritten = cs.rewritten;
    ix->report.chain_seconds = now_seconds() - t0;
    return true;
}

/* The thread pass, then the chain pass; false (after saying why) on error. */
static bool run_passes(indexer *ix)
{
    lx_thread_stats ts;
    memset(&ts, 0, sizeof ts);
    lx_status st = commit_now(ix);
    if (!st)
        st = lx_thread_pass(ix->all ? ix->all : ix->db, ix->db, &ts);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "threading: %s: %s", lx_status_str(st),
                   lx_db_error(ix->db));
        free(ts.moved);
        return false;
    }
    ix->report.threaded = true;
    ix->report.threads = ts.threads;
    ix->report.thread_messages = ts.messages;
    ix->report.relinked = ts.relinked;
    ix->report.by_subject = ts.by_subject;
    ix->report.thread_not_ids = ts.not_ids;
    ix->report.thread_shared_ids = ts.shared_ids;
    ix->report.thread_cut_off = ts.cut_off;
    bool ok = run_chains(ix, &ts);
    free(ts.moved);
    return ok;
}

/* --link-with ALL: this shard's threads and chains, computed over every
 * shard read together (ALL: a stub file or a directory list), so that
 * conversations and quotes that cross shards are found as in one index. */
static int run_link(indexer *ix, const char *all_path)
{
    char *err = NULL;
    ix->all_path = all_path;
    lx_status st = lx_db_open(all_path, LX_DB_READ, &ix->all, &err);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "--link-with: %s", err ? err : lx_status_str(st));
        free(err);
        lx_db_close(ix->db);
        return EXIT_DB;
    }
    double t0 = now_seconds();
    bool ok = run_passes(ix);
    lx_db_close(ix->all);
    ix->all = NULL;
    lx_status cst = lx_db_close(ix->db);
    if (cst)
        fprintf(stderr, "leakdex-index: cannot commit the index: %s\n", lx_status_str(cst));
    if (ok && !cst) {
        lx_report_print_passes(&ix->report, stdout);
        lx_cli_say(stdout, "", "linked with %s in %.2f s", all_path, now_seconds() - t0);
    }
    return ok && !cst ? EXIT_OK : EXIT_DB;
}

/* The report's line on access times, when reading changed any. */
static void print_atimes(lx_atime_stats *a, FILE *out, const char *prefix)
{
    lx_strbuf line;
    lx_strbuf_init(&line);
    lx_atime_describe(a, &line);
    if (line.len)
        fprintf(out, "%s%s\n", prefix, line.buf);
    lx_strbuf_release(&line);
}

/* --reverify: new verdicts for an existing index. */
static int run_reverify(indexer *ix, double t0)
{
    lx_reverify_stats rs;
    lx_status st = lx_reverify(ix->db, ix->keys, &rs, reverify_warn, ix);
    int rc = EXIT_OK;
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "stopping: %s: %s", lx_status_str(st),
                   lx_db_error(ix->db));
        rc = EXIT_DB;
    }
    /* New verdicts change what corroborates what. */
    if (!st && ((st = lx_db_commit(ix->db)) || !run_chains(ix, NULL)))
        rc = EXIT_DB;
    lx_status cst = lx_db_close(ix->db);
    if (cst) {
        fprintf(stderr, "leakdex-index: cannot commit the index: %s\n", lx_status_str(cst));
        rc = EXIT_DB;
    }
    printf("reverify: %zu documents, %zu verified again (%zu verdicts changed), %zu could not "
           "be read back (verdict kept); %.2f s\n",
           rs.documents, rs.verified, rs.changed, rs.unreadable, now_seconds() - t0);
    printf("dkim: %zu pass, %zu fail, %zu nokey, %zu invalid, %zu unsigned\n", rs.verdicts[1],
           rs.verdicts[2], rs.verdicts[3], rs.verdicts[4], rs.verdicts[0]);
    printf("verified: %zu (signed by the sender's domain: From, Subject, Date and the whole "
           "body), %zu signed in part\n",
           rs.yes, rs.partial);
    if (ix->report.chained)
        lx_report_print_chains(&ix->report, stdout);
    print_atimes(&rs.atimes, stdout, "");
    lx_atime_stats_release(&rs.atimes);
    return rc;
}

/* The bytes of the files of a directory (an index), for the report. */
static off_t dir_bytes(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    off_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            total += st.st_size;
    }
    closedir(d);
    return total;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"hidden", no_argument, NULL, 'H'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"inspect", no_argument, NULL, 'I'},
                                         {"full", no_argument, NULL, 'F'},
                                         {"keys", required_argument, NULL, 'k'},
                                         {"reverify", no_argument, NULL, 'R'},
                                         {"no-dkim", no_argument, NULL, 'N'},
                                         {"dns", no_argument, NULL, 'D'},
                                         {"keys-out", required_argument, NULL, 'O'},
                                         {"commit-every", required_argument, NULL, 'C'},
                                         {"version", no_argument, NULL, 'V'},
                                         {"corroborate-threshold", required_argument, NULL, 'Y'},
                                         {"attach-max-bytes", required_argument, NULL, 'B'},
                                         {"attach-max-text", required_argument, NULL, 'T'},
                                         {"attach-max-depth", required_argument, NULL, 'P'},
                                         {"attach-max-members", required_argument, NULL, 'M'},
                                         {"attach-max-ratio", required_argument, NULL, 'X'},
                                         {"attach-timeout", required_argument, NULL, 'W'},
                                         {"attach-max-tree-text", required_argument, NULL, 'U'},
                                         {"attach-max-message-text", required_argument, NULL, 'A'},
                                         {"shard", required_argument, NULL, 'S'},
                                         {"link-with", required_argument, NULL, 'L'},
                                         {"jobs", required_argument, NULL, 'j'},
                                         {"no-compact", no_argument, NULL, 'Z'},
                                         {NULL, 0, NULL, 0}};
    if (argc == 3 && strcmp(argv[1], "--extract-helper") == 0)
        return lx_doctext_helper_main(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--extract-server") == 0)
        return lx_doctext_server_main(argv[2]);
    lx_attach_limits limits;
    lx_attach_limits_default(&limits);
    const char *dbpath = getenv("LEAKDEX_DB");
    bool hidden = false, reverify = false, dns = false, compact = true;
    const char *keys_out = NULL;
    const char *link_with = NULL;
    indexer ix;
    memset(&ix, 0, sizeof ix);
    ix.commit_every = LX_COMMIT_BATCH;
    ix.threshold = LX_CHAIN_THRESHOLD;
    enum { MAX_KEY_FILES = 64 };
    const char *keyfiles[MAX_KEY_FILES];
    size_t n_keyfiles = 0;
    opterr = 0;
    for (;;) {
        /* "+": options end at the first SOURCE; ":" tells a missing value
         * from an unknown option. at is the word getopt_long reads next, to
         * name it in an error: afterwards optind may be past it or, in
         * "-lyon", still on it. */
        int at = optind;
        int c = getopt_long(argc, argv, "+:h", opts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'H': hidden = true; break;
        case 'q': ix.quiet = true; break;
        case 'I': ix.inspect = true; break;
        case 'F': ix.full = true; break;
        case 'N': ix.no_dkim = true; break;
        case 'D': dns = true; break;
        case 'O': keys_out = optarg; break;
        case 'C': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || v == 0 || optarg[0] == '-') {
                lx_cli_say(stderr,
                           "leakdex-index: ", "--commit-every: '%s' is not a positive number",
                           optarg);
                return EXIT_USAGE;
            }
            ix.commit_every = (size_t)v;
            break;
        }
        case 'Y': {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || end == optarg || (*end && strcmp(end, "%") != 0) || v < 1 || v > 100 ||
                optarg[0] == '-') {
                lx_cli_say(stderr, "leakdex-index: ",
                           "--corroborate-threshold: '%s' is not a percentage from 1 to 100",
                           optarg);
                return EXIT_USAGE;
            }
            ix.threshold = (unsigned)v;
            break;
        }
        case 'B':
        case 'T':
        case 'P':
        case 'M':
        case 'X':
        case 'U':
        case 'A':
        case 'W': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || v == 0 || optarg[0] == '-' || (c == 'P' && v > 64) ||
                (c == 'W' && v > 86400)) {
                const char *oname = c == 'B'   ? "--attach-max-bytes"
                                    : c == 'T' ? "--attach-max-text"
                                    : c == 'P' ? "--attach-max-depth"
                                    : c == 'M' ? "--attach-max-members"
                                    : c == 'X' ? "--attach-max-ratio"
                                    : c == 'U' ? "--attach-max-tree-text"
                                    : c == 'A' ? "--attach-max-message-text"
                                               : "--attach-timeout";
                lx_cli_say(stderr, "leakdex-index: ", "%s: '%s' is not a positive number%s", oname,
                           optarg,
                           c == 'P'   ? " up to 64"
                           : c == 'W' ? " of seconds up to 86400"
                                      : "");
                return EXIT_USAGE;
            }
            if (c == 'B')
                limits.max_bytes = (size_t)v;
            else if (c == 'T')
                limits.max_text = (size_t)v;
            else if (c == 'P')
                limits.max_depth = (unsigned)v;
            else if (c == 'M')
                limits.max_members = (size_t)v;
            else if (c == 'X')
                limits.max_ratio = (size_t)v;
            else if (c == 'U')
                limits.tree_text = (size_t)v;
            else if (c == 'A')
                limits.message_text = (size_t)v;
            else
                limits.timeout = (unsigned)v;
            break;
        }
        case 'S':
            if (!lx_shard_parse(optarg, &ix.shard)) {
                lx_cli_say(stderr, "leakdex-index: ",
                           "--shard: '%s' is not I/N (1 <= I <= N <= %d; e.g. 2/3)", optarg,
                           LX_MAX_SHARDS);
                return EXIT_USAGE;
            }
            ix.sharded = true;
            break;
        case 'j': {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || end == optarg || v == 0 || v > 256 || optarg[0] == '-') {
                lx_cli_say(stderr, "leakdex-index: ", "--jobs: '%s' is not a number from 1 to 256",
                           optarg);
                return EXIT_USAGE;
            }
            ix.jobs = (unsigned)v;
            break;
        }
        case 'R': reverify = true; break;
        case 'Z': compact = false; break;
        case 'L':
            if (!*optarg) {
                fputs("leakdex-index: --link-with: empty name\n", stderr);
                return EXIT_USAGE;
            }
            link_with = optarg;
            break;
        case 'k':
            if (n_keyfiles == MAX_KEY_FILES) {
                fprintf(stderr, "leakdex-index: at most %d --keys files\n", MAX_KEY_FILES);
                return EXIT_USAGE;
            }
            keyfiles[n_keyfiles++] = optarg;
            break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': puts("leakdex-index " LEAKDEX_VERSION); return EXIT_OK;
        default: {
            lx_strbuf why;
            lx_strbuf_init(&why);
            lx_cli_option_error(opts, argv[at], c, &why);
            lx_cli_say(stderr, "leakdex-index: ", "%s (try --help)", why.buf);
            lx_strbuf_release(&why);
            return EXIT_USAGE;
        }
        }
    }
    if (!dbpath || !*dbpath)
        dbpath = "leakdex.db";
    if (reverify && (optind < argc || ix.inspect || ix.no_dkim)) {
        fputs("leakdex-index: --reverify takes --db and --keys, no SOURCE (try --help)\n", stderr);
        return EXIT_USAGE;
    }
    if (link_with && (optind < argc || reverify || ix.inspect || ix.sharded || dns)) {
        fputs("leakdex-index: --link-with takes --db (a shard) and ALL, no SOURCE (try --help)\n",
              stderr);
        return EXIT_USAGE;
    }
    if (!reverify && !link_with && optind >= argc) {
        fputs("leakdex-index: no SOURCE given (try --help)\n", stderr);
        return EXIT_USAGE;
    }
    if (ix.sharded && (reverify || ix.inspect)) {
        fputs("leakdex-index: --shard goes with indexing, not --reverify or --inspect\n", stderr);
        return EXIT_USAGE;
    }
    if (ix.full && !ix.inspect) {
        fputs("leakdex-index: --full goes with --inspect (try --help)\n", stderr);
        return EXIT_USAGE;
    }
    if (dns != (keys_out != NULL)) {
        fputs("leakdex-index: --dns needs --keys-out FILE, where the records found are kept "
              "(try --help)\n",
              stderr);
        return EXIT_USAGE;
    }
    if (dns && (ix.no_dkim || reverify)) {
        fputs("leakdex-index: --dns goes with indexing, not --no-dkim or --reverify\n", stderr);
        return EXIT_USAGE;
    }
    if (ix.no_dkim && n_keyfiles) {
        fputs("leakdex-index: --no-dkim and --keys contradict each other (try --help)\n", stderr);
        return EXIT_USAGE;
    }
    ix.keys = lx_keystore_new();
    if (!ix.keys) {
        fputs("leakdex-index: out of memory\n", stderr);
        return EXIT_DB;
    }
    for (size_t i = 0; i < n_keyfiles; i++) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        if (lx_keystore_load(ix.keys, keyfiles[i], &why)) {
            lx_cli_say(stderr, "leakdex-index: ", "key file %s", why.buf);
            lx_strbuf_release(&why);
            lx_keystore_free(ix.keys);
            return EXIT_USAGE;
        }
        lx_strbuf_release(&why);
    }

    if (keys_out) {
        /* Appended to (records found on earlier runs stay), never through
         * a link, and only when it is a regular file. */
        int kfd = open(keys_out, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                       0644);
        struct stat ksb;
        const char *kwhy = kfd < 0 && errno == ELOOP ? "a symbolic link; it is never followed"
                           : kfd < 0                 ? strerror(errno)
                           : fstat(kfd, &ksb) != 0   ? strerror(errno)
                           : !S_ISREG(ksb.st_mode)   ? "not a regular file"
                                                     : NULL;
        if (!kwhy && !(ix.keys_out = fdopen(kfd, "a")))
            kwhy = strerror(errno);
        if (kwhy) {
            lx_cli_say(stderr, "leakdex-index: ", "--keys-out %s: %s", keys_out, kwhy);
            if (kfd >= 0)
                close(kfd);
            lx_keystore_free(ix.keys);
            return EXIT_USAGE;
        }
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int y, mo, d, h, mi, sec;
        lx_date_to_civil(now.tv_sec, &y, &mo, &d, &h, &mi, &sec);
        snprintf(ix.today, sizeof ix.today, "%04d-%02d-%02d", y, mo, d);
    }
    lx_strbuf_init(&ix.dns_tried);
    char *err = NULL;
    ix.db_path = dbpath;
    lx_status st = ix.inspect ? LX_OK : lx_db_open(dbpath, LX_DB_WRITE, &ix.db, &err);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "%s", err ? err : lx_status_str(st));
        free(err);
        lx_keystore_free(ix.keys);
        if (ix.keys_out)
            fclose(ix.keys_out);
        return EXIT_DB;
    }
    if (!ix.inspect)
        lx_db_remove_stale_copy(dbpath);
    if (link_with) {
        int lrc = run_link(&ix, link_with);
        lx_keystore_free(ix.keys);
        return lrc;
    }
    if (!ix.inspect && !reverify) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        st = lx_document_check_shard(ix.db, dbpath, ix.sharded ? &ix.shard : NULL, &why);
        if (st) {
            lx_cli_say(stderr, "leakdex-index: ", "%s", why.len ? why.buf : lx_status_str(st));
            lx_strbuf_release(&why);
            lx_db_close(ix.db);
            lx_keystore_free(ix.keys);
            if (ix.keys_out)
                fclose(ix.keys_out);
            return st == LX_E_INVALID ? EXIT_USAGE : EXIT_DB;
        }
        lx_strbuf_release(&why);
    }
    double t0 = now_seconds();
    /* --reverify parses too: where a signature's l= leaves text unsigned. */
    lx_message_library_init();
    if (reverify) {
        int rrc = run_reverify(&ix, t0);
        lx_keystore_free(ix.keys);
        lx_message_library_shutdown();
        return rrc;
    }
    /* PDF and office documents are read by this very program, run again as
     * a helper process with limits. */
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = '\0';
    lx_strbuf awhy;
    lx_strbuf_init(&awhy);
    ix.attach = lx_attachtext_ctx_new(&limits, sl > 0 ? self : NULL, &awhy);
    if (!ix.attach) {
        lx_cli_say(stderr, "leakdex-index: ", "%s", awhy.buf);
        lx_strbuf_release(&awhy);
        if (ix.db)
            lx_db_close(ix.db);
        lx_keystore_free(ix.keys);
        lx_message_library_shutdown();
        return EXIT_DB;
    }
    lx_strbuf_release(&awhy);
    lx_report_init(&ix.report);
    lx_walk_cb cb = {on_file, on_skip, &ix, hidden, ix.inspect ? NULL : dbpath, &ix.atimes};
    int rc = start_pipeline(&ix, &cb, argc - optind, argv + optind);
    if (rc != EXIT_OK) {
        lx_report_release(&ix.report);
        lx_attachtext_ctx_free(ix.attach);
        if (ix.db)
            lx_db_close(ix.db);
        lx_keystore_free(ix.keys);
        lx_message_library_shutdown();
        return rc;
    }
    ix.report.jobs = ix.jobs;
    if (ix.sharded)
        snprintf(ix.report.shard, sizeof ix.report.shard, "%u/%u", ix.shard.index, ix.shard.count);
    ix.report.dkim_checked = !ix.no_dkim;
    ix.report.key_files = keyfiles;
    ix.report.n_key_files = n_keyfiles;
    ix.report.keys_out = keys_out;
    ix.report.dns = dns;
    bool missing = false;
    for (int i = optind; i < argc; i++) {
        char *abs = realpath(argv[i], NULL);
        if (lx_walk(abs ? abs : argv[i], &cb) == LX_E_NOT_FOUND)
            missing = true;
        free(abs);
    }
    /* What is still in flight; after a fatal error, dropped unwritten. */
    lx_status dst = drain(&ix, 0);
    if (dst && !ix.fatal)
        ix.fatal = dst;
    stop_pipeline(&ix);
    progress(&ix, true);
    clear_progress(&ix);
    rc = missing ? EXIT_SOURCE : EXIT_OK;
    if (ix.fatal) {
        lx_cli_say(stderr, "leakdex-index: ", "stopping: %s%s%s", lx_status_str(ix.fatal),
                   ix.db ? ": " : "", ix.db ? lx_db_error(ix.db) : "");
        rc = EXIT_DB;
    }
    if (ix.inspect) {
        if (ix.fatal)
            rc = ix.fatal == LX_E_IO ? EXIT_USAGE : EXIT_DB;
        /* --inspect's output is the messages; this goes with its warnings. */
        print_atimes(&ix.atimes, stderr, "leakdex-index: ");
    } else {
        /* When the index last changed, for exports that describe themselves. */
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        char iso[32];
        lx_date_format_iso(now.tv_sec, iso);
        if (!ix.fatal) {
            if (!run_passes(&ix))
                rc = EXIT_DB;
            lx_db_set_metadata(ix.db, "leakdex.updated", iso);
        }
        /* A run that wrote a good part of the index rewrites it compactly
         * (about half the size); small additions do not pay for it. */
        unsigned docs = ix.fatal ? 0 : lx_db_doccount(ix.db);
        bool compacted = false;
        char *why = NULL;
        off_t before = 0;
        double tc = now_seconds();
        lx_status cst;
        size_t added = 0;
        for (size_t i = 0; i < ix.report.n; i++)
            added += ix.report.v[i].indexed;
        if (compact && !ix.fatal && rc != EXIT_DB && added &&
            added * 100 >= (size_t)docs * LX_COMPACT_SHARE) {
            before = dir_bytes(dbpath);
            cst = lx_db_close_compacted(ix.db, &compacted, &why);
        } else {
            cst = lx_db_close(ix.db);
        }
        if (cst) {
            fprintf(stderr, "leakdex-index: cannot commit the index: %s\n", lx_status_str(cst));
            rc = EXIT_DB;
            uncommitted_lost(&ix);
        }
        if (ix.fatal)
            ix.report.stopped = lx_status_str(ix.fatal);
        else if (cst)
            ix.report.stopped = lx_status_str(cst);
        lx_report_print(&ix.report, stdout, now_seconds() - t0);
        print_atimes(&ix.atimes, stdout, "");
        if (compacted)
            printf("compacted: the index rewritten from %.1f MB to %.1f MB in %.2f s\n",
                   (double)before / 1e6, (double)dir_bytes(dbpath) / 1e6, now_seconds() - tc);
        else if (why)
            lx_cli_say(stdout, "", "not compacted: %s", why);
        free(why);
    }
    lx_report_release(&ix.report);
    lx_atime_stats_release(&ix.atimes);
    free(ix.uncommitted);
    lx_attachtext_ctx_free(ix.attach);
    lx_strbuf_release(&ix.dns_tried);
    if (ix.keys_out)
        fclose(ix.keys_out);
    lx_keystore_free(ix.keys);
    lx_message_library_shutdown();
    return rc;
}
