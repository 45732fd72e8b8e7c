/* run.c - one run of leakdex-index: its warnings and progress line, its commits. */
#include "run.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "sources.h"
#include "banned.h"

double lx_run_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void lx_run_clear_progress(lx_run *r)
{
    if (r->drawn) {
        fputs("\r\033[K", stderr);
        r->drawn = false;
    }
}

void lx_run_warn(lx_run *r, const char *path, const char *reason)
{
    if (r->quiet)
        return;
    lx_run_clear_progress(r);
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

void lx_run_progress(lx_run *r, bool force)
{
    if (!r->show_progress)
        return;
    double now = lx_run_now();
    if (!force && now - r->last_draw < 0.25)
        return;
    r->last_draw = now;
    double el = now - r->t0 > 0.001 ? now - r->t0 : 0.001;
    double rate = (double)r->done_bytes / el;
    char left[32] = "?";
    if (r->done_bytes && r->total_bytes >= r->done_bytes && el > 1)
        format_duration(left, sizeof left, (double)(r->total_bytes - r->done_bytes) / rate);
    fprintf(stderr, "\r\033[K%zu/%zu files, %zu messages, %.0f msg/s, %.1f MB/s, %s left",
            r->done_files, r->total_files, r->done_messages, (double)r->done_messages / el,
            rate / 1e6, left);
    r->drawn = true;
}

lx_status lx_run_commit(lx_run *r)
{
    lx_status st = lx_db_commit(r->db);
    if (!st)
        r->n_uncommitted = 0;
    return st;
}

lx_status lx_run_commit_batch(lx_run *r)
{
    if (r->inspect || ++r->since_commit < r->commit_every)
        return LX_OK;
    r->since_commit = 0;
    return lx_run_commit(r);
}

void lx_run_not_indexed(lx_run *r, size_t src, lx_source_file *f)
{
    lx_report_skip(&r->report.v[src], LX_REPORT_NOT_INDEXED, 0);
    r->report.not_indexed++;
    if (f)
        f->skipped++;
}

void lx_run_uncommitted_lost(lx_run *r)
{
    for (size_t i = 0; i < r->n_uncommitted; i++) {
        lx_source_stats *s = &r->report.v[r->uncommitted[i]];
        if (s->indexed)
            s->indexed--;
        lx_run_not_indexed(r, r->uncommitted[i], NULL);
    }
    r->n_uncommitted = 0;
}
