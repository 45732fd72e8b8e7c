/* front.c - what the commands share: their messages and failures, exit codes, the query clock, the query options, the query help. */
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
#include "schema.h"
#include "banned.h"

void front_io_init(front_io *io, FILE *out, FILE *err)
{
    *io = (front_io){.out = out, .err = err};
    lx_strbuf_init(&io->why);
}

void front_io_release(front_io *io)
{
    lx_strbuf_release(&io->why);
}

/* Says fmt's line and keeps it when it is io's first failure. The line is
 * shown as lx_cli_say shows one: what it quotes made visible. */
static void front_vsay(front_io *io, front_fault fault, const char *fmt, va_list ap)
{
    lx_strbuf line, shown;
    lx_strbuf_init(&line);
    lx_strbuf_init(&shown);
    const char *said = lx_status_str(LX_E_NOMEM);
    if (lx_strbuf_vaddf(&line, fmt, ap) == LX_OK &&
        lx_escape_terminal(&shown, line.buf, line.len) == LX_OK)
        said = shown.buf;
    if (io->err)
        fprintf(io->err, "leakdex-search: %s\n", said);
    if (fault != FRONT_FINE && io->fault == FRONT_FINE) {
        io->fault = fault;
        lx_strbuf_reset(&io->why);
        lx_strbuf_addstr(&io->why, said);
    }
    lx_strbuf_release(&line);
    lx_strbuf_release(&shown);
}

void front_say(front_io *io, front_fault fault, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    front_vsay(io, fault, fmt, ap);
    va_end(ap);
}

int front_fault_of(front_io *io, front_fault fault, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    front_vsay(io, fault, fmt, ap);
    va_end(ap);
    return EXIT_ERROR;
}

int front_fail(front_io *io, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    front_vsay(io, FRONT_BAD_REQUEST, fmt, ap);
    va_end(ap);
    return EXIT_ERROR;
}

int front_db_fail(front_io *io, const lx_db *db, lx_status st, const char *where)
{
    if (st == LX_E_LIMIT)
        return front_fail(io, "%s%s", where, lx_db_error(db));
    if (st == LX_E_DB_CORRUPT)
        return front_fault_of(io, FRONT_INDEX, "%s%s", where, lx_db_error(db));
    if (st == LX_E_QUERY)
        return front_fail(io, "%smalformed query: %s", where, lx_db_error(db));
    return front_fault_of(io, st == LX_E_NOMEM ? FRONT_INTERNAL : FRONT_INDEX, "%s%s: %s", where,
                          lx_status_str(st), lx_db_error(db));
}

int front_id_fail(front_io *io, const lx_db *db, lx_status st, const char *id)
{
    switch (st) {
    case LX_E_INVALID:
        return front_fail(io, "'%s' is not a message id (%d to 64 hex digits)", id,
                          LX_MIN_ID_PREFIX);
    case LX_E_NOT_FOUND:
        front_say(io, FRONT_NOT_FOUND, "no message with id %s", id);
        return EXIT_NO_HITS;
    case LX_E_AMBIGUOUS:
        return front_fail(io, "ambiguous id %s: several messages match; give more digits", id);
    default: return front_db_fail(io, db, st, "");
    }
}

int front_outcome(front_io *io, lx_db *db, lx_status st, size_t matches)
{
    if (st)
        return front_db_fail(io, db, st, "");
    return matches ? EXIT_HITS : EXIT_NO_HITS;
}

void front_help_query(FILE *out)
{
    fputs("Query syntax (Xapian's query parser; operators in capitals):\n"
          "  word1 word2          both words (AND is implied)\n"
          "  \"a phrase\"           the words next to each other, in order\n"
          "  a OR b, a AND NOT b, -word, +word, (a OR b) c, prefix*\n"
          "  -word, NOT word      alone: every message without the word\n"
          "\nFields:\n",
          out);
    for (int i = 0; i < LX_F_COUNT_; i++) {
        const lx_field_def *f = lx_schema_field((lx_field)i);
        if (!f->example)
            continue;
        char name[32];
        snprintf(name, sizeof name, "%s%s", f->query_name ? f->query_name : "",
                 f->query_name ? ":" : "(free text)");
        fprintf(out, "  %-12s %s\n  %-12s e.g. %s\n", name, f->help, "", f->example);
    }
    fputs("\nDates are UTC unless --tz names a zone (--tz Europe/Paris: date:, year:,\n"
          "month:, --after and --before are read on Paris clocks); a message whose Date\n"
          "header gives no usable zone is read as UTC. Both ends of a range are\n"
          "inclusive: date:2017-04-24 is that whole day, date:2016..2017 the two whole\n"
          "years, date:..2010 everything up to the end of 2010.\n",
          out);
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

void front_clock_start(const front_io *io, const options *o, const char *where)
{
    if (!io->clock)
        return;
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

void front_clock_stop(const front_io *io)
{
    if (!io->clock)
        return;
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_PROF, &off, NULL);
}

void front_clock_unlink(const front_io *io, const char *path)
{
    if (io->clock)
        clock_unlink = path;
}

int front_query(const options *o, front_io *io, const char *text, lx_strbuf *folded,
                lx_query_opts *q)
{
    lx_strbuf why;
    lx_strbuf_init(&why);
    int rc = -1;
    lx_status st = LX_OK;
    if (text && ((st = lx_query_check(text, &why)) || (st = lx_query_fold(text, folded, &why))))
        rc = st == LX_E_LIMIT ? front_fail(io, "%s", why.buf)
                              : front_fail(io, "malformed query: %s", why.buf);
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

int front_words_query(const options *o, front_io *io, int argc, char **argv, front_words *w)
{
    front_join(&w->text, argc, argv);
    lx_strbuf_init(&w->folded);
    return front_query(o, io, w->text.buf, &w->folded, &w->q);
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

void front_atimes(front_io *io, lx_atime_stats *a)
{
    lx_strbuf line;
    lx_strbuf_init(&line);
    lx_atime_describe(a, &line);
    if (line.len)
        front_say(io, FRONT_FINE, "%s", line.buf);
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
