/* pipeline.c - the worker pipeline: messages parsed by workers, written in order. */
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "attachtext.h"
#include "caps.h"
#include "cli.h"
#include "dkim.h"
#include "grow.h"
#include "inspect.h"
#include "mbox.h"
#include "message.h"
#include "pool.h"
#include "segrun.h"
#include "schema.h"
#include "sha256.h"
#include "banned.h"

/* One message on its way through the pipeline: read, hashed and looked up
 * by the main thread (dispatch), parsed, verified and turned into a
 * document by a worker (work), written by the main thread in the order the
 * messages were found (retire). */
typedef struct lx_pipeline_job {
    size_t source; /* its source in run->report (an index: pointers move) */
    lx_location loc;
    char sha[LX_SHA256_HEX_LEN + 1];
    lx_strbuf canon; /* canonical bytes */
    /* From an mbox with ">From " quoting: the bytes as stored, CRLF; else empty. */
    lx_strbuf stored;
    lx_source_file *file;
    bool deferred; /* an identical message was still in flight: decided at retire */
    bool segment;  /* written into a segment (segrun.c), not into the index */
    bool counted;  /* retire counted it in the report */
    /* What the worker found. */
    lx_status st;      /* an error that ends the run (none comes from a worker now) */
    lx_strbuf why;     /* not empty: the message could not be parsed */
    char fail[128];    /* not empty: it could not be read for another reason (out of memory):
                          reported and skipped, the run goes on; no allocation needed */
    size_t text_bytes; /* body and attachment text, for the weight of a finished job */
    lx_doc *doc;
    char fp[LX_SHA256_HEX_LEN + 1];
    char *message_id;
    unsigned notes;
    lx_date_source date_source;
    /* A converted Outlook item: where the Date leakdex wrote came from
     * (LX_DATE_HEADER: a submit time or the transport headers' Date). */
    lx_date_source converted_date;
    lx_attach_list att;
    lx_dkim_verdict dkim;
    lx_strbuf json; /* --inspect */
} job;

/* What a worker owns: its attachment context (libmagic is per thread). */
typedef struct lx_pipeline_worker {
    lx_run *run;
    lx_attachtext_ctx *attach;
    bool dns; /* may ask DNS (the main thread's context, --dns) */
} worker;

static void job_free(job *j)
{
    if (!j)
        return;
    free((char *)j->loc.path);
    free((char *)j->loc.steps);
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

static void dns_warn(void *ctx, const char *name, const char *reason)
{
    lx_run_warn(ctx, name, reason);
}

/* --dns: asks DNS once per run for each selector no key file has (the
 * key store remembers which it asked). True when a record was added. */
static bool fetch_keys(lx_run *run, const lx_dkim_verdict *v)
{
    bool added = false;
    for (size_t i = 0; i < v->n; i++) {
        const lx_dkim_sig *g = &v->sigs[i];
        if (g->result == LX_VERDICT_NOKEY && *g->selector && *g->domain &&
            lx_keystore_fetch(run->keys, g->selector, g->domain, dns_warn, run))
            added = true;
    }
    return added;
}

/* Parse, attachments, DKIM, document: everything that needs no database.
 * Runs in a worker thread (or in the main thread with --jobs 1). */
static void work(void *wctx, void *item)
{
    worker *w = wctx;
    lx_run *run = w->run;
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
    if (j->loc.converted && msg.date_source == LX_DATE_HEADER)
        msg.date_source = j->converted_date;
    lx_strbuf_reset(&j->why);
    stage = "reading its attachments";
    if ((st = lx_attachtext_extract(w->attach, &msg, &j->att)))
        goto out;
    stage = "verifying its DKIM signatures";
    if (!run->no_dkim && j->loc.converted) {
        if ((st = lx_dkim_converted(j->canon.buf, j->canon.len, &j->dkim)))
            goto out;
    } else if (!run->no_dkim) {
        /* Verified on the canonical bytes: CRLF, no mbox separator, mboxrd
         * quoting undone, as the message was sent; the body as stored too
         * when that one does not verify. The sender shown must be the
         * signer's. */
        lx_dkim_input in = {j->canon.buf, j->canon.len, j->stored.len ? j->stored.buf : NULL,
                            j->stored.len, msg.from.addr};
        if ((st = lx_dkim_verify_message(run->keys, &in, &j->dkim)))
            goto out;
        if (w->dns && lx_keystore_dns_on(run->keys) && fetch_keys(run, &j->dkim)) {
            /* New records came from DNS: verify again with them. */
            lx_dkim_verdict_release(&j->dkim);
            if ((st = lx_dkim_verify_message(run->keys, &in, &j->dkim)))
                goto out;
        }
        const char *part;
        size_t part_len;
        if (lx_dkim_signed_part(&j->dkim, &in, &part, &part_len) &&
            (st = lx_message_signed_text(part, part_len, msg.body, msg.body_len,
                                         &j->dkim.signed_text)))
            goto out;
    }
    const lx_dkim_verdict *dk = run->no_dkim ? NULL : &j->dkim;
    stage = "building its index entry";
    if (run->inspect)
        st = lx_inspect_json(&j->json, &msg, &j->att, j->sha, j->canon.len, &j->loc, run->full, dk);
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

/* The shown location (lx_evidence_show: "PATH@OFFSET+LENGTH" for a
 * message in an mbox, "PATH!/MEMBER" in an archive, else PATH): for
 * warnings. */
static void where_of(lx_strbuf *where, const lx_location *loc)
{
    lx_strbuf stored;
    lx_strbuf_init(&stored);
    lx_strbuf_reset(where);
    if (!lx_document_format_location(&stored, loc))
        lx_evidence_show_stored(where, stored.buf);
    lx_strbuf_release(&stored);
}

/* Counts a message's attachments in the report and warns about those a
 * limit or damage stopped. */
static lx_status report_attachments(lx_run *run, const lx_location *loc, const lx_attach_list *att)
{
    lx_report *r = &run->report;
    lx_strbuf where, line;
    lx_strbuf_init(&where);
    lx_strbuf_init(&line);
    r->att_dropped += att->dropped;
    for (size_t i = 0; i < att->n; i++) {
        const lx_attachment *a = &att->v[i];
        r->att_total++;
        /* Counted here, in order, so the figure does not depend on which
         * worker read which copy first. */
        bool first = false;
        if (!*a->sha256)
            ; /* not read at all (past a limit): nothing to compare */
        else if (g_hash_table_contains(run->att_seen, a->sha256))
            r->att_cached++;
        else
            first = g_hash_table_add(run->att_seen, g_strdup(a->sha256));
        lx_report_scan(r, a, first);
        if (lx_attach_has_text(a))
            r->att_text++;
        bool quiet_skip = a->status == LX_ATT_SKIPPED && strncmp(a->reason, "no text in ", 11) == 0;
        switch (a->status) {
        case LX_ATT_OK:
        case LX_ATT_OCR:
        case LX_ATT_SCANNED: break; /* counted on the scans' own line */
        case LX_ATT_TRUNCATED: r->att_truncated++; break;
        case LX_ATT_SKIPPED: r->att_skipped++; break;
        case LX_ATT_FAILED: r->att_failed++; break;
        case LX_ATT_LIMIT: r->att_limited++; break;
        }
        if (a->status == LX_ATT_OK || a->status == LX_ATT_OCR || a->status == LX_ATT_SCANNED ||
            quiet_skip)
            continue;
        lx_strbuf_reset(&line);
        lx_attach_status_line(a, &line);
        lx_report_attachment(r, line.buf);
        where_of(&where, loc);
        lx_strbuf_addf(&where, ": attachment %zu \"%s\"", a->n, a->name);
        lx_run_warn(run, where.buf, line.buf);
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

/* Writes one finished job to the index, in order, with its report lines. */
static lx_status retire(lx_run *run, job *j)
{
    lx_status st;
    lx_strbuf where;
    lx_strbuf_init(&where);
    if (j->deferred && j->segment) {
        /* The same, in a segment run: its location recorded for after the
         * merge, and counted then. */
        bool repeat = false;
        if ((st = lx_segrun_lookup(run, j->sha, j->source, &j->loc, &repeat)))
            goto out;
        if (repeat) {
            run->done_messages++;
            j->counted = true;
            goto out;
        }
        j->deferred = false;
        work(run->main_worker, j);
    } else if (j->deferred) {
        /* An identical message was in flight when this one was found: it
         * is in the index now, unless it could not be parsed. */
        lx_document_seen seen;
        if ((st = lx_document_lookup(run->db, j->sha, &j->loc, &seen)))
            goto out;
        if (seen != LX_SEEN_NEW) {
            lx_source_stats *s = &run->report.v[j->source];
            if (seen == LX_SEEN_KNOWN)
                s->known++;
            else
                s->duplicates++;
            run->done_messages++;
            j->counted = true;
            st = lx_run_commit_batch(run);
            goto out;
        }
        j->deferred = false;
        work(run->main_worker, j);
    }
    if ((st = j->st))
        goto out;
    lx_source_stats *s = &run->report.v[j->source];
    run->done_messages++;
    if (j->why.len || j->fail[0]) {
        const char *reason = j->fail[0] ? j->fail : j->why.buf;
        lx_report_skip(s, reason, 0);
        j->counted = true;
        if (j->file)
            j->file->skipped++;
        where_of(&where, &j->loc);
        lx_run_warn(run, where.buf, reason);
        goto out;
    }
    if (run->inspect) {
        if (fwrite(j->json.buf, 1, j->json.len, stdout) != j->json.len || putchar('\n') == EOF)
            st = LX_E_IO;
    } else if (j->segment) {
        st = lx_segrun_put(run, j->doc, j->sha, j->fp, j->message_id,
                           j->canon.len + 3 * j->text_bytes);
        j->doc = NULL; /* the writers' now */
    } else {
        st = lx_document_put(run->db, j->doc, j->fp, j->message_id);
    }
    if (st)
        goto out;
    for (unsigned bit = 0; !run->inspect && bit < LX_NOTE_COUNT_; bit++) {
        if (!(j->notes & (1u << bit)))
            continue;
        const char *what = lx_message_note_text(1u << bit);
        lx_report_note(s, what);
        where_of(&where, &j->loc);
        char line[300];
        snprintf(line, sizeof line, "indexed, but %s", what);
        lx_run_warn(run, where.buf, line);
    }
    if (!run->inspect && (st = report_attachments(run, &j->loc, &j->att)))
        goto out;
    if (!run->no_dkim) {
        run->report.dkim[j->dkim.verdict]++;
        run->report.verified += j->dkim.verified == LX_VERIFIED_YES;
        run->report.partial += j->dkim.verified == LX_VERIFIED_PARTIAL;
        for (size_t i = 0; i < j->dkim.n; i++)
            if (j->dkim.sigs[i].result == LX_VERDICT_PASS && j->dkim.sigs[i].weak) {
                run->report.dkim_weak++;
                break;
            }
    }
    s->indexed++;
    j->counted = true;
    run->bytes_new += j->canon.len;
    if (!run->inspect && lx_grow((void **)&run->uncommitted, &run->alloc_uncommitted,
                                 run->n_uncommitted + 1, sizeof *run->uncommitted))
        run->uncommitted[run->n_uncommitted++] = j->source;
    if (j->date_source == LX_DATE_NONE)
        s->no_date++;
    else if (j->date_source == LX_DATE_RECEIVED)
        s->date_from_received++;
    else if (j->date_source == LX_DATE_OUTLOOK_DELIVERY ||
             j->date_source == LX_DATE_OUTLOOK_CREATION)
        s->date_from_outlook++;
    st = j->segment ? LX_OK : lx_run_commit_batch(run);
out:
    lx_strbuf_release(&where);
    return st;
}

/* Takes finished jobs back, oldest first, and writes them, until at most
 * `keep` are in flight (and their bytes under the limit). */
lx_status lx_pipeline_drain(lx_run *run, size_t keep)
{
    lx_status st = LX_OK;
    while (lx_pool_outstanding(run->pool) > keep ||
           (run->inflight_bytes > LX_INFLIGHT_BYTES && lx_pool_outstanding(run->pool))) {
        job *j = lx_pool_take(run->pool);
        run->inflight_bytes -= j->canon.len;
        memmove(run->inflight, run->inflight + 1, --run->n_inflight * sizeof *run->inflight);
        if (!st && !run->fatal && (st = retire(run, j))) {
            run->fatal = st; /* before file_done: no record for a file not written whole */
            /* Xapian drops what a failed write or commit had not committed
             * (the last commit attempt at close commits nothing more). */
            if (st == LX_E_DB_WRITE)
                lx_run_uncommitted_lost(run);
        }
        /* After a fatal error, what is in flight is dropped unwritten. */
        if (!j->counted) {
            run->done_messages++;
            lx_run_not_indexed(run, j->source, j->file);
        }
        lx_source_file *f = j->file;
        job_free(j);
        if (f && --f->pending == 0 && f->walked) {
            lx_status fst = lx_sources_file_done(run, f);
            if (!st)
                st = fst;
        }
        lx_run_progress(run, false);
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
static lx_status unread(lx_run *run, size_t src, lx_source_file *f, const lx_location *loc)
{
    const char *reason = "out of memory while reading it";
    lx_report_skip(&run->report.v[src], reason, 0);
    if (f)
        f->skipped++;
    run->done_messages++;
    lx_strbuf where;
    lx_strbuf_init(&where);
    where_of(&where, loc);
    lx_run_warn(run, where.len ? where.buf : loc->path, reason);
    lx_strbuf_release(&where);
    return LX_OK;
}

/* The main thread's part for one message found: size limit, identity
 * (identity, or the SHA-256 of its canonical bytes when NULL), shard,
 * already indexed? Then on to a worker. After a fatal error, only
 * counted: found, not indexed. */
static lx_status dispatch(lx_run *run, size_t src, lx_source_file *f, const char *data, size_t len,
                          bool from_mbox, const char *identity, lx_date_source converted_date,
                          const lx_location *loc)
{
    lx_source_stats *s = &run->report.v[src];
    lx_status st;
    s->found++;
    if (f)
        f->messages++;
    if (run->fatal) {
        run->done_messages++;
        lx_run_not_indexed(run, src, f);
        return LX_OK;
    }
    if (len > LX_MAX_MESSAGE_BYTES) {
        lx_report_skip(s, "message larger than 256 MiB", 0);
        if (f)
            f->skipped++;
        lx_strbuf where;
        lx_strbuf_init(&where);
        where_of(&where, loc);
        lx_run_warn(run, where.len ? where.buf : loc->path, "message larger than 256 MiB, skipped");
        lx_strbuf_release(&where);
        run->done_messages++;
        return LX_OK;
    }
    job *j = calloc(1, sizeof *j);
    if (!j)
        return unread(run, src, f, loc);
    lx_strbuf_init(&j->canon);
    lx_strbuf_init(&j->stored);
    lx_strbuf_init(&j->why);
    lx_strbuf_init(&j->json);
    lx_attach_list_init(&j->att);
    j->source = src;
    j->converted_date = converted_date;
    j->loc = *loc;
    j->loc.steps = NULL;
    if (!(j->loc.path = strdup(loc->path)) ||
        (loc->steps && !(j->loc.steps = strdup(loc->steps))) ||
        (st = lx_mbox_canonical(&j->canon, data, len, from_mbox)) ||
        (!identity && (st = lx_sha256_hex(j->canon.buf, j->canon.len, j->sha))) ||
        (from_mbox && !run->no_dkim && quoted_from(data, len) &&
         (st = lx_mbox_canonical(&j->stored, data, len, false)))) {
        job_free(j);
        return unread(run, src, f, loc);
    }
    if (identity)
        snprintf(j->sha, sizeof j->sha, "%s", identity);
    if (run->sharded &&
        lx_shard_of(j->canon.buf, j->canon.len, j->sha, run->shard.count) != run->shard.index) {
        s->other_shard++;
        if (f)
            f->other++;
        run->done_messages++;
        job_free(j);
        return LX_OK;
    }
    /* An identical message still in flight: this one waits for it, so that
     * every location of one message is recorded in the order found. */
    for (size_t i = 0; i < run->n_inflight && !run->inspect && !j->deferred; i++)
        j->deferred = strcmp(run->inflight[i]->sha, j->sha) == 0;
    j->segment = !run->inspect && lx_segrun_due(run, j->canon.len);
    if (j->segment && !j->deferred) {
        bool repeat = false;
        if ((st = lx_segrun_lookup(run, j->sha, src, &j->loc, &repeat))) {
            job_free(j);
            return st;
        }
        if (repeat) { /* counted once merged */
            run->done_messages++;
            job_free(j);
            return LX_OK;
        }
    } else if (!run->inspect && !j->deferred) {
        lx_document_seen seen;
        if ((st = lx_document_lookup(run->db, j->sha, &j->loc, &seen))) {
            job_free(j);
            return st;
        }
        if (seen != LX_SEEN_NEW) {
            if (seen == LX_SEEN_KNOWN)
                s->known++;
            else
                s->duplicates++;
            run->done_messages++;
            job_free(j);
            return lx_run_commit_batch(run);
        }
    }
    j->file = f;
    if (f)
        f->pending++;
    if ((st = lx_pool_submit(run->pool, j))) {
        if (f)
            f->pending--;
        job_free(j);
        return unread(run, src, f, loc);
    }
    run->inflight[run->n_inflight++] = j;
    run->inflight_bytes += j->canon.len;
    return lx_pipeline_drain(run, run->window - 1);
}

lx_status lx_pipeline_dispatch(lx_run *run, size_t src, lx_source_file *f, const char *data,
                               size_t len, bool from_mbox, const lx_location *loc)
{
    return dispatch(run, src, f, data, len, from_mbox, NULL, LX_DATE_HEADER, loc);
}

lx_status lx_pipeline_dispatch_converted(lx_run *run, size_t src, lx_source_file *f,
                                         const char *eml, size_t len, const char *identity,
                                         lx_date_source date_source, const lx_location *loc)
{
    return dispatch(run, src, f, eml, len, false, identity, date_source, loc);
}

/* The worker threads (--jobs, default one per processor), each with its
 * own attachment context; the main thread's context last. */
int lx_pipeline_start(lx_run *run)
{
    /* DNS answers change the key store and --inspect reports which
     * attachments were read before: both run in the main thread alone. */
    if (lx_keystore_dns_on(run->keys) || run->inspect)
        run->jobs = 1;
    if (!run->jobs)
        run->jobs = lx_pool_default_workers();
    unsigned workers = run->jobs > 1 ? run->jobs : 0;
    worker **w = calloc(workers + 1, sizeof *w);
    run->window = workers ? workers * LX_INFLIGHT_PER_WORKER : 1;
    run->inflight = calloc(run->window + 1, sizeof *run->inflight);
    run->att_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!w || !run->inflight) {
        free(w);
        fputs("leakdex-index: out of memory\n", stderr);
        return LX_EXIT_DB;
    }
    lx_strbuf why;
    lx_strbuf_init(&why);
    for (unsigned i = 0; i <= workers; i++) {
        /* Slot `workers` is the main thread's, with the original context. */
        w[i] = calloc(1, sizeof **w);
        if (w[i]) {
            w[i]->run = run;
            w[i]->attach = i == workers ? run->attach : lx_attachtext_ctx_clone(run->attach, &why);
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
            return LX_EXIT_DB;
        }
    }
    lx_strbuf_release(&why);
    run->main_worker = w[workers];
    run->pool = lx_pool_new(workers, work, workers ? (void *const *)w : (void *const *)&w[workers]);
    run->workers = w;
    run->n_workers = workers;
    if (!run->pool) {
        fputs("leakdex-index: cannot start the worker threads\n", stderr);
        lx_pipeline_stop(run);
        return LX_EXIT_DB;
    }
    /* Finished messages wait to be written in order: while one is slow,
     * the others must not pile up their texts and documents. */
    lx_pool_set_budget(run->pool, LX_INFLIGHT_BYTES, job_weight);
    return LX_EXIT_OK;
}

void lx_pipeline_stop(lx_run *run)
{
    lx_pool_free(run->pool);
    run->pool = NULL;
    for (unsigned i = 0; run->workers && i <= run->n_workers; i++) {
        if (run->workers[i] && i != run->n_workers)
            lx_attachtext_ctx_free(run->workers[i]->attach);
        free(run->workers[i]);
    }
    free(run->workers);
    run->workers = NULL;
    run->main_worker = NULL;
    free(run->inflight);
    run->inflight = NULL;
    if (run->att_seen)
        g_hash_table_destroy(run->att_seen);
    run->att_seen = NULL;
}
