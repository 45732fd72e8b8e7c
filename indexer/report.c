/* report.c - the completeness report printed at the end of every run. */
#include "report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "escape.h"
#include "grow.h"
#include "banned.h"

void lx_report_init(lx_report *r)
{
    memset(r, 0, sizeof *r);
}

void lx_report_release(lx_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        for (size_t k = 0; k < r->v[i].n_reasons; k++)
            free(r->v[i].reasons[k].reason);
        free(r->v[i].reasons);
        free(r->v[i].path);
    }
    free(r->v);
    for (size_t k = 0; k < r->n_att_reasons; k++)
        free(r->att_reasons[k].reason);
    free(r->att_reasons);
    for (size_t k = 0; k < r->n_not_mail; k++)
        free(r->not_mail[k].reason);
    free(r->not_mail);
    lx_report_init(r);
}

lx_source_stats *lx_report_source(lx_report *r, const char *path, lx_source_kind kind)
{
    /* Sources arrive grouped, so the last one is almost always the match. */
    for (size_t i = r->n; i-- > 0;)
        if (r->v[i].kind == kind && strcmp(r->v[i].path, path) == 0)
            return &r->v[i];
    if (!lx_grow((void **)&r->v, &r->alloc, r->n + 1, sizeof *r->v))
        return NULL;
    lx_source_stats *s = &r->v[r->n];
    memset(s, 0, sizeof *s);
    if (!(s->path = strdup(path)))
        return NULL;
    s->kind = kind;
    r->n++;
    return s;
}

/* Reasons and notes share one list; a note's text starts with this. */
#define NOTE_MARK "\001"

/* Counts reason in the list v (n of them, room for alloc): once more when
 * it is there, else as a new entry; a reason that finds no memory is not
 * counted. */
static void count_in(lx_reason_count **v, size_t *n, size_t *alloc, const char *reason)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*v)[i].reason, reason) == 0) {
            (*v)[i].count++;
            return;
        }
    }
    if (!lx_grow((void **)v, alloc, *n + 1, sizeof **v))
        return;
    (*v)[*n].reason = strdup(reason);
    (*v)[*n].count = 1;
    if ((*v)[*n].reason)
        (*n)++;
}

static void count_reason(lx_source_stats *s, const char *reason)
{
    count_in(&s->reasons, &s->n_reasons, &s->alloc_reasons, reason);
}

void lx_report_note(lx_source_stats *s, const char *what)
{
    char buf[256];
    snprintf(buf, sizeof buf, NOTE_MARK "%s", what);
    count_reason(s, buf);
}

void lx_report_skip(lx_source_stats *s, const char *reason, int file)
{
    if (file)
        s->files_skipped++;
    else
        s->skipped++;
    count_reason(s, reason);
}

void lx_report_not_mail(lx_report *r, const char *kind)
{
    count_in(&r->not_mail, &r->n_not_mail, &r->alloc_not_mail, kind);
}

lx_status lx_report_add_kind(lx_strbuf *line, const char *kind, size_t n, bool first)
{
    size_t len = strlen(kind);
    bool y = n != 1 && len && kind[len - 1] == 'y';
    return lx_strbuf_addf(line, "%s %zu %.*s%s", first ? "" : ",", n, (int)(len - y), kind,
                          n == 1 ? ""
                          : y    ? "ies"
                                 : "s");
}

void lx_report_attachment(lx_report *r, const char *status)
{
    count_in(&r->att_reasons, &r->n_att_reasons, &r->alloc_att_reasons, status);
}

/* Writes s (a path, a reason quoting the archive) as lx_escape_terminal
 * shows it: the report never sends the terminal a control character. */
static void print_shown(FILE *out, const char *s)
{
    lx_strbuf shown;
    lx_strbuf_init(&shown);
    if (lx_escape_terminal(&shown, s, strlen(s)) == LX_OK)
        fputs(shown.buf, out);
    else
        fputs(lx_status_str(LX_E_NOMEM), out);
    lx_strbuf_release(&shown);
}

/* A path as a shell word: as it is when that is safe, else single-quoted
 * (as Python's shlex.quote writes it, which the tests use); a control
 * character in it shown as an escape (print_shown). */
static void print_shell_word(FILE *out, const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; *c && plain; c++)
        plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                strchr("_./+-=:,@%", *c) != NULL;
    if (plain) {
        fputs(s, out);
        return;
    }
    lx_strbuf quoted;
    lx_strbuf_init(&quoted);
    lx_strbuf_addch(&quoted, '\'');
    for (const char *c = s; *c; c++) {
        if (*c == '\'')
            lx_strbuf_addstr(&quoted, "'\"'\"'");
        else
            lx_strbuf_addch(&quoted, *c);
    }
    lx_strbuf_addch(&quoted, '\'');
    print_shown(out, quoted.buf);
    lx_strbuf_release(&quoted);
}

/* The --keys options of this run, and --keys-out's file (DNS's records). */
static void print_key_options(const lx_report *r, FILE *out)
{
    for (size_t i = 0; i < r->n_key_files; i++) {
        fputs(" --keys ", out);
        print_shell_word(out, r->key_files[i]);
    }
    if (r->keys_out) {
        fputs(" --keys ", out);
        print_shell_word(out, r->keys_out);
    }
}

/* One line after the DKIM counts when messages were nokey: how to get their
 * keys. Without --dns: ask DNS for the selectors no key file has, without
 * writing an index (--inspect reads every message again, the indexed ones
 * too), then verify the index again with the key files of this run and the
 * new one (--reverify verifies with the keys it is given, and only those).
 * With --dns: DNS gave none either; only a key file of the time can verify
 * them (given with the records DNS gave this run, kept in --keys-out).
 * DB stays a word to replace: the report does not depend on where the
 * index is (runs into two indexes are compared report to report). */
static void print_nokey_advice(const lx_report *r, FILE *out)
{
    size_t n = r->dkim[LX_VERDICT_NOKEY];
    const char *what = n == 1 ? "message is signed with a key" : "messages are signed with keys";
    const char *it = n == 1 ? "it" : "them";
    if (r->dns) {
        fprintf(out,
                "dkim keys: %zu %s that neither a key file nor DNS gave (nokey): only a key "
                "file of the time can verify %s: leakdex-index --db ",
                n, what, it);
    } else {
        fprintf(out,
                "dkim keys: %zu %s that no key file has (nokey): fetch %s with leakdex-index "
                "--inspect",
                n, what, it);
        print_key_options(r, out);
        fputs(" --dns --keys-out FILE SOURCE... >/dev/null, then run leakdex-index --db ", out);
    }
    fputs("DB --reverify", out);
    print_key_options(r, out);
    fputs(" --keys FILE\n", out);
}

void lx_report_print(const lx_report *r, FILE *out, double seconds)
{
    lx_source_stats t;
    memset(&t, 0, sizeof t);
    bool sharded = r->shard[0] != '\0';
    fprintf(out, "%-7s %7s %7s %9s %7s %7s %6s  %s%s\n", "kind", "found", "indexed", "duplicate",
            "already", "skipped", "files*", sharded ? "  other  " : "", "source");
    for (size_t i = 0; i < r->n; i++) {
        const lx_source_stats *s = &r->v[i];
        /* A directory whose only files were mbox files has nothing of its own. */
        if (!s->found && !s->files_skipped)
            continue;
        char other[32] = "";
        if (sharded)
            snprintf(other, sizeof other, "%7zu  ", s->other_shard);
        fprintf(out, "%-7s %7zu %7zu %9zu %7zu %7zu %6zu  %s", lx_source_kind_name(s->kind),
                s->found, s->indexed, s->duplicates, s->known, s->skipped, s->files_skipped, other);
        print_shown(out, s->path);
        fputc('\n', out);
        for (size_t k = 0; k < s->n_reasons; k++) {
            const char *why = s->reasons[k].reason;
            bool note = why[0] == NOTE_MARK[0];
            fprintf(out, "%-7s   %s %zu: ", "", note ? "noted" : "skipped", s->reasons[k].count);
            print_shown(out, note ? why + 1 : why);
            fputc('\n', out);
        }
        t.found += s->found;
        t.indexed += s->indexed;
        t.duplicates += s->duplicates;
        t.known += s->known;
        t.other_shard += s->other_shard;
        t.skipped += s->skipped;
        t.files_skipped += s->files_skipped;
        t.no_date += s->no_date;
        t.date_from_received += s->date_from_received;
        t.date_from_outlook += s->date_from_outlook;
    }
    fprintf(out, "(files*: files or folders that hold no message and were not indexed)\n");
    if (sharded)
        fprintf(out, "shard %s: %zu messages belong to other shards (other), not indexed here\n",
                r->shard, t.other_shard);
    fprintf(out,
            "total: %zu messages found: %zu indexed, %zu duplicates, %zu already indexed, "
            "%zu skipped; %zu files skipped; %.2f s\n",
            t.found, t.indexed, t.duplicates, t.known, t.skipped, t.files_skipped, seconds);
    if (r->stopped)
        fprintf(out,
                "stopped: %s: %zu messages found were not indexed (skipped: " LX_REPORT_NOT_INDEXED
                "); the next run indexes them\n",
                r->stopped, r->not_indexed);
    if (r->jobs > 1 && r->writers)
        fprintf(out,
                "jobs: %u worker threads parsed the messages, %u wrote %zu segments merged in "
                "input order in %.2f s\n",
                r->jobs, r->writers, r->segments, r->merge_seconds);
    else if (r->jobs > 1)
        fprintf(out, "jobs: %u worker threads parsed the messages, one wrote the index\n", r->jobs);
    else if (r->jobs == 1)
        fprintf(out, "jobs: 1 (one thread parsed the messages and wrote the index)\n");
    if (r->files_unchanged)
        fprintf(out,
                "unchanged: %zu files (%zu messages) indexed whole by an earlier run, recognized "
                "by path, size and modification time and not read again\n",
                r->files_unchanged, r->messages_unchanged);
    if (r->n_not_mail) {
        lx_strbuf line;
        lx_strbuf_init(&line);
        lx_status st = lx_strbuf_addstr(&line, "not mail:");
        for (size_t k = 0; k < r->n_not_mail && !st; k++)
            st = lx_report_add_kind(&line, r->not_mail[k].reason, r->not_mail[k].count, k == 0);
        if (!st)
            fprintf(out, "%s (Outlook items counted by kind, not indexed)\n", line.buf);
        lx_strbuf_release(&line);
    }
    fprintf(out, "dates: %zu from the Received header (no usable Date), %zu without any date",
            t.date_from_received, t.no_date);
    if (t.date_from_outlook)
        fprintf(out, ", %zu from an Outlook item's delivery or creation time (it had no submit time)",
                t.date_from_outlook);
    fputc('\n', out);
    fprintf(out,
            "attachments: %zu (nested ones included): %zu with text, %zu truncated, %zu "
            "stopped by a limit, %zu skipped, %zu failed; %zu identical to one read earlier",
            r->att_total, r->att_text, r->att_truncated, r->att_limited, r->att_skipped,
            r->att_failed, r->att_cached);
    if (r->att_dropped)
        fprintf(out, "; %zu past the per-message limit, not listed", r->att_dropped);
    fputc('\n', out);
    for (size_t k = 0; k < r->n_att_reasons; k++) {
        fprintf(out, "%-7s   %zu: ", "", r->att_reasons[k].count);
        print_shown(out, r->att_reasons[k].reason);
        fputc('\n', out);
    }
    lx_report_print_scans(r, out);
    if (r->dkim_checked)
        fprintf(out,
                "dkim: %zu pass (%zu with a weak key), %zu fail, %zu nokey, %zu invalid, %zu "
                "unsigned\n",
                r->dkim[LX_VERDICT_PASS], r->dkim_weak, r->dkim[LX_VERDICT_FAIL],
                r->dkim[LX_VERDICT_NOKEY], r->dkim[LX_VERDICT_INVALID], r->dkim[LX_VERDICT_NONE]);
    if (r->dkim_checked && r->dkim[LX_VERDICT_NOKEY])
        print_nokey_advice(r, out);
    if (r->dkim_checked)
        fprintf(out,
                "verified: %zu (signed by the sender's domain: From, Subject, Date and the "
                "whole body), %zu signed in part\n",
                r->verified, r->partial);
    lx_report_print_passes(r, out);
}

void lx_report_print_passes(const lx_report *r, FILE *out)
{
    if (r->threaded) {
        fprintf(out,
                "threads: %zu conversations in %zu messages (%zu replies joined by subject alone",
                r->thread.threads, r->thread.messages, r->thread.by_subject);
        /* Said only when it happened: links the pass would not follow. */
        if (r->thread.not_ids || r->thread.shared_ids)
            fprintf(out,
                    "; links not followed: %zu messages naming a parent by an id that is no "
                    "Message-ID, %zu parent ids shared by strangers, %zu messages cut off from "
                    "them",
                    r->thread.not_ids, r->thread.shared_ids, r->thread.cut_off);
        fprintf(out, "); %zu messages moved to another thread\n", r->thread.relinked);
    }
    if (r->chained)
        lx_report_print_chains(r, out);
}

void lx_report_print_chains(const lx_report *r, FILE *out)
{
    fprintf(out,
            "chains: %zu messages corroborated by verified messages that quote them (not "
            "verified themselves), %zu with a mismatch; ",
            r->chain.corroborated, r->chain.mismatched);
    if (r->chain.incremental)
        fprintf(out, "incremental, %zu messages new or moved to another thread: ", r->chain.fresh);
    fprintf(out, "%zu verified messages quote, %zu pairs compared, %zu documents updated; %.2f s\n",
            r->chain.quoting, r->chain.pairs, r->chain.rewritten, r->chain_seconds);
}

void lx_report_scan(lx_report *r, const lx_attachment *a, bool first)
{
    if (!first)
        return;
    if (a->status == LX_ATT_SCANNED) {
        r->scan_files++;
        r->scan_pdf_pages += a->scanned_pages;
        r->scan_images += strcmp(a->filetype, "image") == 0;
    }
    if (a->ocr_pages) {
        r->ocr_files++;
        r->ocr_pages += a->ocr_pages;
        if (a->ocr_confidence >= 0)
            r->ocr_confidence_pages += (double)a->ocr_confidence * (double)a->ocr_pages;
    }
    /* What the OCR request itself said: the reasons read_by_ocr and
     * read_image give (attachtext.c). */
    if (a->status == LX_ATT_FAILED &&
        (strncmp(a->reason, "OCR: ", 5) == 0 || strncmp(a->reason, "image: ", 7) == 0))
        r->ocr_failed++;
    r->ocr_small += a->ocr_small;
    r->ocr_seconds += a->ocr_seconds;
}

/* "N WORD" or "N WORDs": one, or another number. */
static void print_count(FILE *out, size_t n, const char *word)
{
    fprintf(out, "%zu %s%s", n, word, n == 1 ? "" : "s");
}

void lx_report_print_scans(const lx_report *r, FILE *out)
{
    if (r->ocr) {
        fputs("ocr: ", out);
        print_count(out, r->ocr_files, "attachment");
        fputs(" read by OCR (", out);
        print_count(out, r->ocr_pages, "page");
        if (r->ocr_pages && r->ocr_confidence_pages > 0)
            fprintf(out, ", mean confidence %.0f %%",
                    r->ocr_confidence_pages / (double)r->ocr_pages);
        fprintf(out, ", %s) in %.1f s; %zu failed, %zu skipped (too small)\n", r->ocr_lang,
                r->ocr_seconds, r->ocr_failed, r->ocr_small);
    } else if (r->scan_files) {
        fputs("scanned: ", out);
        print_count(out, r->scan_files, "attachment");
        fputs(r->scan_files == 1 ? " looks scanned (" : " look scanned (", out);
        print_count(out, r->scan_pdf_pages, "PDF page");
        fputs(" without text, ", out);
        print_count(out, r->scan_images, "image");
        fputs("); leakdex-index --ocr reads them\n", out);
    }
}
