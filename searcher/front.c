/* front.c - what leakdex-search's commands share: messages, exit codes, the query clock, the query options. */
#include "front.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cli.h"
#include "escape.h"
#include "query.h"
#include "banned.h"

int front_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx_cli_vsay(stderr, "leakdex-search: ", fmt, ap);
    va_end(ap);
    return EXIT_ERROR;
}

int front_db_fail(const lx_db *db, lx_status st, const char *where)
{
    if (st == LX_E_DB_CORRUPT || st == LX_E_LIMIT)
        return front_fail("%s%s", where, lx_db_error(db));
    if (st == LX_E_QUERY)
        return front_fail("%smalformed query: %s", where, lx_db_error(db));
    return front_fail("%s%s: %s", where, lx_status_str(st), lx_db_error(db));
}

int front_id_fail(const lx_db *db, lx_status st, const char *id)
{
    switch (st) {
    case LX_E_INVALID:
        return front_fail("'%s' is not a message id (%d to 64 hex digits)", id, LX_MIN_ID_PREFIX);
    case LX_E_NOT_FOUND:
        lx_cli_say(stderr, "leakdex-search: ", "no message with id %s", id);
        return EXIT_NO_HITS;
    case LX_E_AMBIGUOUS:
        return front_fail("ambiguous id %s: several messages match; give more digits", id);
    default: return front_db_fail(db, st, "");
    }
}

int front_outcome(lx_db *db, lx_status st, size_t matches)
{
    if (st)
        return front_db_fail(db, st, "");
    return matches ? EXIT_HITS : EXIT_NO_HITS;
}

static char clock_line[512];
static size_t clock_len;
static const char *volatile clock_unlink;

static void clock_expired(int sig)
{
    (void)sig;
    if (clock_unlink)
        unlink(clock_unlink);
    ssize_t w = write(STDERR_FILENO, clock_line, clock_len);
    (void)w;
    _exit(EXIT_ERROR);
}

void front_clock_start(const options *o, const char *where)
{
    double secs = o->query_seconds > 0 ? o->query_seconds : LX_QUERY_SECONDS;
    int n = snprintf(clock_line, sizeof clock_line,
                     "leakdex-search: %sthe query used more than %g s of processor time "
                     "(LX_QUERY_SECONDS; --query-timeout): stopped\n",
                     where, secs);
    clock_len = n < 0 ? 0 : (size_t)n < sizeof clock_line ? (size_t)n : sizeof clock_line - 1;
    /* What was printed before is flushed, so that it stays. */
    fflush(stdout);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = clock_expired;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPROF, &sa, NULL);
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = (time_t)secs;
    t.it_value.tv_usec = (suseconds_t)((secs - (double)(time_t)secs) * 1e6);
    if (!t.it_value.tv_sec && !t.it_value.tv_usec)
        t.it_value.tv_usec = 1;
    setitimer(ITIMER_PROF, &t, NULL);
}

void front_clock_stop(void)
{
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_PROF, &off, NULL);
}

void front_clock_unlink(const char *path)
{
    clock_unlink = path;
}

int front_query(const options *o, const char *text, lx_strbuf *folded, lx_query_opts *q)
{
    lx_strbuf why;
    lx_strbuf_init(&why);
    int rc = -1;
    lx_status st = LX_OK;
    if (text && ((st = lx_query_check(text, &why)) || (st = lx_query_fold(text, folded, &why))))
        rc = st == LX_E_LIMIT ? front_fail("%s", why.buf)
                              : front_fail("malformed query: %s", why.buf);
    lx_strbuf_release(&why);
    *q = (lx_query_opts){.text = folded->buf,
                         .from_addrs = o->from,
                         .n_from = o->n_from,
                         .to_addrs = o->to,
                         .n_to = o->n_to,
                         .domains = o->domains,
                         .n_domains = o->n_domains,
                         .has_attachment = o->has_attachment,
                         .tz = o->tz,
                         .has_after = o->has_after,
                         .after = o->after,
                         .has_before = o->has_before,
                         .before = o->before,
                         .offset = o->offset,
                         .limit = o->limit,
                         .count_only = o->count,
                         .verified_only = o->verified,
                         .collapse_thread = o->collapse};
    return rc;
}

void front_join(lx_strbuf *q, int argc, char **argv)
{
    lx_strbuf_init(q);
    for (int i = 0; i < argc; i++) {
        if (i)
            lx_strbuf_addch(q, ' ');
        lx_strbuf_addstr(q, argv[i]);
    }
}

int front_words_query(const options *o, int argc, char **argv, front_words *w)
{
    front_join(&w->text, argc, argv);
    lx_strbuf_init(&w->folded);
    return front_query(o, w->text.buf, &w->folded, &w->q);
}

void front_words_release(front_words *w)
{
    lx_strbuf_release(&w->text);
    lx_strbuf_release(&w->folded);
}

bool front_sort(const options *o, lx_sort *out)
{
    const char *n = o->sort_name;
    if (!n)
        *out = LX_SORT_DEFAULT;
    else if (strcmp(n, "relevance") == 0)
        *out = LX_SORT_RELEVANCE;
    else if (strcmp(n, "date") == 0)
        *out = LX_SORT_DATE;
    else if (strcmp(n, "-date") == 0)
        *out = LX_SORT_DATE_DESC;
    else
        return false;
    return true;
}

bool front_size(const char *s, size_t *out)
{
    if (!*s || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = (size_t)v;
    return true;
}

void front_atimes(lx_atime_stats *a)
{
    lx_strbuf line;
    lx_strbuf_init(&line);
    lx_atime_describe(a, &line);
    if (line.len)
        lx_cli_say(stderr, "leakdex-search: ", "%s", line.buf);
    lx_strbuf_release(&line);
}

void front_warn(void *ctx, const char *msg)
{
    (void)ctx;
    /* It names databases (paths, hosts) that may hold any character. */
    lx_strbuf shown;
    lx_strbuf_init(&shown);
    if (lx_escape_terminal(&shown, msg, strlen(msg)) == LX_OK)
        fprintf(stderr, "leakdex-search: warning: %s\n", shown.buf);
    else
        fputs("leakdex-search: a warning was lost: out of memory\n", stderr);
    lx_strbuf_release(&shown);
}
