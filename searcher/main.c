/* main.c - leakdex-search: ask the index, show a message. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <time.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "caps.h"
#include "cli.h"
#include "copies.h"
#include "databases.h"
#include "escape.h"
#include "evidence.h"
#include "export.h"
#include "date.h"
#include "message.h"
#include "output.h"
#include "people.h"
#include "newfile.h"
#include "original.h"
#include "query.h"
#include "search.h"
#include "snippet.h"
#include "record.h"
#include "schema.h"
#include "strbuf.h"
#include "xdb.h"
#include "banned.h"

/* Exit codes, as documented in the README. */
enum { EXIT_HITS = 0, EXIT_NO_HITS = 1, EXIT_ERROR = 2 };

#define MAX_FROM 64

#define MAX_DB 64

typedef struct options {
    const char *dbs[MAX_DB]; /* every --db: directories or stub files */
    size_t n_db;
    bool allow_partial;   /* --allow-partial */
    unsigned timeout_ms;  /* --remote-timeout */
    double query_seconds; /* --query-timeout (0 until read: LX_QUERY_SECONDS) */
    const char *from[MAX_FROM];
    size_t n_from;
    const char *to[MAX_FROM];
    size_t n_to;
    const char *domains[MAX_FROM];
    size_t n_domains;
    bool has_attachment;
    bool has_after, has_before;
    int64_t after, before;
    const char *after_text, *before_text; /* as typed: read once --tz is known */
    const char *tz_name;                  /* --tz */
    lx_tz *tz;                            /* its zone; NULL: UTC */
    const char *sort_name; /* as given; commands other than search read it their way */
    size_t limit, offset;
    lx_format format;
    bool count;
    bool verified;
    const char *export_file; /* --export */
    const char *export_dir;  /* --export-dir */
    bool excel;              /* --excel: a BOM before CSV */
    const char *query;       /* the query as typed, for an export's description */
    bool collapse;           /* --collapse thread */
    const char *out;         /* --out: where `attachment` writes */
} options;

/* The options' codes, past any character getopt_long returns. */
enum {
    O_DB = 256,
    O_FROM,
    O_AFTER,
    O_BEFORE,
    O_SORT,
    O_LIMIT,
    O_OFFSET,
    O_FORMAT,
    O_COUNT,
    O_VERIFIED,
    O_TO,
    O_DOMAIN,
    O_HAS_ATTACHMENT,
    O_EXPORT,
    O_EXPORT_DIR,
    O_EXCEL,
    O_HELP_QUERY,
    O_COLLAPSE,
    O_VERSION,
    O_OUT,
    O_ALLOW_PARTIAL,
    O_REMOTE_TIMEOUT,
    O_TZ,
    O_QUERY_TIMEOUT
};

static const struct option longopts[] = {
    {"db", required_argument, NULL, O_DB},
    {"from", required_argument, NULL, O_FROM},
    {"after", required_argument, NULL, O_AFTER},
    {"before", required_argument, NULL, O_BEFORE},
    {"sort", required_argument, NULL, O_SORT},
    {"limit", required_argument, NULL, O_LIMIT},
    {"offset", required_argument, NULL, O_OFFSET},
    {"format", required_argument, NULL, O_FORMAT},
    {"count", no_argument, NULL, O_COUNT},
    {"verified", no_argument, NULL, O_VERIFIED},
    {"to", required_argument, NULL, O_TO},
    {"domain", required_argument, NULL, O_DOMAIN},
    {"has-attachment", no_argument, NULL, O_HAS_ATTACHMENT},
    {"export", required_argument, NULL, O_EXPORT},
    {"export-dir", required_argument, NULL, O_EXPORT_DIR},
    {"excel", no_argument, NULL, O_EXCEL},
    {"help", no_argument, NULL, 'h'},
    {"help-query", no_argument, NULL, O_HELP_QUERY},
    {"collapse", required_argument, NULL, O_COLLAPSE},
    {"version", no_argument, NULL, O_VERSION},
    {"out", required_argument, NULL, O_OUT},
    {"allow-partial", no_argument, NULL, O_ALLOW_PARTIAL},
    {"remote-timeout", required_argument, NULL, O_REMOTE_TIMEOUT},
    {"tz", required_argument, NULL, O_TZ},
    {"query-timeout", required_argument, NULL, O_QUERY_TIMEOUT},
    {NULL, 0, NULL, 0}};

typedef int (*command_fn)(const options *o, lx_db *db, int argc, char **argv);

static int cmd_search(const options *o, lx_db *db, int argc, char **argv);
static int cmd_show(const options *o, lx_db *db, int argc, char **argv);
static int cmd_senders(const options *o, lx_db *db, int argc, char **argv);
static int cmd_recipients(const options *o, lx_db *db, int argc, char **argv);
static int cmd_stats(const options *o, lx_db *db, int argc, char **argv);
static int cmd_batch(const options *o, lx_db *db, int argc, char **argv);
static int cmd_thread(const options *o, lx_db *db, int argc, char **argv);
static int cmd_attachment(const options *o, lx_db *db, int argc, char **argv);

/* The subcommands; the first word after the options may name one. query:
 * its words are a query, so options end where the query starts. */
static const struct command {
    const char *name;
    command_fn fn;
    bool query;
    const char *args;
    const char *help;
} commands[] = {
    {"search", cmd_search, true, "[QUERY]", "list the messages that match (the default)"},
    {"show", cmd_show, false, "ID...", "print a message's headers and body text"},
    {"thread", cmd_thread, false, "ID",
     "a conversation, by thread id or message id: oldest first, replies indented"},
    {"senders", cmd_senders, true, "[QUERY]",
     "every sender of the matches: names, messages, verified, first and last date"},
    {"recipients", cmd_recipients, true, "[QUERY]",
     "every To/Cc recipient of the matches, likewise"},
    {"stats", cmd_stats, true, "[QUERY]",
     "summary: messages, senders, verified, by year, top domains"},
    {"batch", cmd_batch, false, "FILE",
     "one query per line of FILE: hits and verified hits of each (--export: every hit)"},
    {"attachment", cmd_attachment, false, "ID N --out FILE",
     "write the original bytes of attachment N of a message (never over a file)"},
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints one line on stderr and returns the error exit status. */
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx_cli_vsay(stderr, "leakdex-search: ", fmt, ap);
    va_end(ap);
    return EXIT_ERROR;
}

/* Prints a failed call on the index in one line and returns the error exit
 * status: the status and the handle's message; a damaged index or a limit
 * says all in its message ("index damaged (...): run xapian-check DB").
 * where prefixes it ("FILE:LINE: " in batch). */
static int db_fail(const lx_db *db, lx_status st, const char *where)
{
    if (st == LX_E_DB_CORRUPT || st == LX_E_LIMIT)
        return fail("%s%s", where, lx_db_error(db));
    if (st == LX_E_QUERY)
        return fail("%smalformed query: %s", where, lx_db_error(db));
    return fail("%s%s: %s", where, lx_status_str(st), lx_db_error(db));
}

/* The query clock. Xapian cannot stop a match once it has started, so a
 * query that uses more than its processor time (--query-timeout,
 * LX_QUERY_SECONDS) stops the process: the signal handler writes the line
 * prepared when the clock started, removes the temporary file being
 * written (clock_unlink), and exits with the error status. Processor time,
 * not time on the wall: a busy machine must not stop a query that costs
 * little. Only the index's work is timed, never the printing (a pager may
 * hold the output as long as it likes). */
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

/* Starts the clock for one query; where prefixes its line ("" or
 * "FILE:LINE: "). What was printed before is flushed, so that it stays. */
static void clock_start(const options *o, const char *where)
{
    double secs = o->query_seconds > 0 ? o->query_seconds : LX_QUERY_SECONDS;
    int n = snprintf(clock_line, sizeof clock_line,
                     "leakdex-search: %sthe query used more than %g s of processor time "
                     "(LX_QUERY_SECONDS; --query-timeout): stopped\n",
                     where, secs);
    clock_len = n < 0 ? 0 : (size_t)n < sizeof clock_line ? (size_t)n : sizeof clock_line - 1;
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

static void clock_stop(void)
{
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_PROF, &off, NULL);
}

static void usage(FILE *out)
{
    fputs("usage: leakdex-search [OPTIONS] [COMMAND [OPTIONS]] [ARGS...]\n"
          "       leakdex-search [OPTIONS] [--] QUERY...\n"
          "\ncommands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].args);
        fprintf(out, "  %-20s %s\n", left, commands[i].help);
    }
    fputs("\noptions:\n"
          "  --db DIR             the index (default: $LEAKDEX_DB, else ./leakdex.db); a stub\n"
          "                       file (lines auto PATH, remote HOST:PORT) names shards; give\n"
          "                       --db several times to search several indexes as one\n"
          "  --allow-partial      when a database cannot be reached: warn, search the rest\n"
          "  --remote-timeout S   seconds to wait for a remote database (default 10)\n"
          "  --query-timeout S    seconds of processor time one query may use before it is\n"
          "                       stopped (default 10; 0.01 to 3600)\n"
          "  --from ADDR          only mail sent by this exact address (repeatable: any of them);\n"
          "                       a NAME without @ is from:\"NAME\" (the sender's name's words)\n"
          "  --after DATE         only mail dated DATE or later (YYYY, YYYY-MM, YYYY-MM-DD)\n"
          "  --before DATE        only mail dated DATE or earlier (the whole day, month or year)\n"
          "  --tz ZONE            read dates (--after, --before, date:, year:, month:) and show\n"
          "                       text dates in ZONE: an IANA name (Europe/Paris), UTC or\n"
          "                       local (default UTC)\n"
          "  --verified           only verified mail: signed in full by the sender's domain\n"
          "                       (verified:yes; verified:partial is signed in part)\n"
          "  --to ADDR            only mail to this exact To/Cc/Bcc address (repeatable; a NAME\n"
          "                       without @ is to:\"NAME\")\n"
          "  --domain DOMAIN      only mail from this sender domain (repeatable)\n"
          "  --has-attachment     only mail with an attachment (has:attachment)\n"
          "  --export FILE        write every hit to FILE (.csv, .json or .ndjson), described\n"
          "                       (CSV and NDJSON: in FILE.meta.json)\n"
          "  --excel              with a CSV export: a byte-order mark, for Excel\n"
          "  --export-dir DIR     copy the original of every hit into DIR, with manifest.csv\n"
          "                       and SHA256SUMS\n"
          "  --sort ORDER         relevance, date (oldest first) or -date; default:\n"
          "                       relevance with free words, date for filters only\n"
          "                       (from:alice, verified:yes, --from ADDR, no query);\n"
          "                       senders/recipients: count (default), address, first, last\n"
          "  --limit N            print at most N hits (senders, recipients: rows; thread:\n"
          "                       messages, in the order shown)\n"
          "  --offset N           skip the first N of them\n"
          "  --format FORMAT      text (default), json, ndjson or csv\n"
          "  --count              print the exact number of matches only\n"
          "  --collapse thread    one hit per thread, with the thread's number of hits;\n"
          "                       --count then counts threads\n"
          "  --out FILE           attachment: the new file to write the attachment to\n"
          "  --help-query         the query syntax, with an example of each field\n"
          "  -h, --help, --version\n"
          "\nA query is words, \"phrases\", AND, OR, NOT, parentheses and fields;\n"
          "no query, or '*', matches every message. Use 'search' to look for a word\n"
          "that names a command: leakdex-search search show.\n"
          "Options come first, or right after a command's name. Once the query has\n"
          "started every word belongs to it, even one that starts with '-':\n"
          "leakdex-search budget -lyon. -- ends the options, so a query may start\n"
          "with '-word' only after it: leakdex-search -- -lyon budget.\n"
          "\nexit status: 0 something matched, 1 nothing matched (\"no messages match\"\n"
          "on stderr), 2 error (batch: a malformed line, reported with its number and\n"
          "skipped; the other lines ran).\n",
          out);
}

static void help_query(FILE *out)
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

static bool parse_size(const char *s, size_t *out)
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

/* The search order named by --sort (relevance, date, -date); without it,
 * relevance when the query has free words, else date (LX_SORT_DEFAULT). */
static bool search_sort(const options *o, lx_sort *out)
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

/* Checks and folds a query for the query options; returns an exit status
 * on error (after printing it), -1 when q->text is ready. */
static int prepare_query(const options *o, const char *text, lx_strbuf *folded, lx_query_opts *q)
{
    lx_strbuf why;
    lx_strbuf_init(&why);
    int rc = -1;
    lx_status st = LX_OK;
    if (text && ((st = lx_query_check(text, &why)) || (st = lx_query_fold(text, folded, &why))))
        rc = st == LX_E_LIMIT ? fail("%s", why.buf) : fail("malformed query: %s", why.buf);
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

/* The exit status of a command that asked the index: an error (printed),
 * or whether anything matched. */
static int outcome(lx_db *db, lx_status st, size_t matches)
{
    if (st)
        return db_fail(db, st, "");
    return matches ? EXIT_HITS : EXIT_NO_HITS;
}

/* Says on stderr that the query words[0..n) matched nothing; and, when one
 * of them is an option's name, that it was read as a query word: options go
 * before the query (budget --limit 3 searches for "--limit" and "3"). */
static void no_match(int n, char **words)
{
    const char *opt = NULL;
    for (int i = 0; i < n && !opt; i++) {
        if (strncmp(words[i], "--", 2) != 0)
            continue;
        size_t len = strcspn(words[i] + 2, "=");
        for (const struct option *p = longopts; p->name && !opt; p++)
            if (len && strlen(p->name) == len && strncmp(p->name, words[i] + 2, len) == 0)
                opt = words[i];
    }
    if (opt)
        lx_cli_say(stderr, "leakdex-search: ",
                   "no messages match (%s was read as a query word: options go before the query)",
                   opt);
    else
        fputs("leakdex-search: no messages match\n", stderr);
}

/* The words after a command, joined: the query. Caller releases q. */
static void join_words(lx_strbuf *q, int argc, char **argv)
{
    lx_strbuf_init(q);
    for (int i = 0; i < argc; i++) {
        if (i)
            lx_strbuf_addch(q, ' ');
        lx_strbuf_addstr(q, argv[i]);
    }
}

/* senders, recipients and stats: the words are the query; each prints an
 * aggregate over every match. stats is asked for with stats true. */
static int aggregate_run(const options *o, lx_db *db, int argc, char **argv, lx_people_kind kind,
                         bool stats)
{
    lx_people_sort sort = LX_PEOPLE_BY_COUNT;
    if (stats && o->sort_name)
        return fail("--sort does not apply to stats");
    if (stats && o->format == LX_FMT_CSV)
        return fail("stats prints text or JSON");
    if (!stats && o->sort_name && !lx_people_sort_parse(o->sort_name, &sort))
        return fail("--sort: '%s' is not count, address, first or last", o->sort_name);
    lx_strbuf text, folded;
    join_words(&text, argc, argv);
    lx_strbuf_init(&folded);
    lx_query_opts q;
    int rc = prepare_query(o, text.buf, &folded, &q);
    if (rc < 0) {
        size_t n = 0, messages = 0;
        /* The scan is timed, the printing is not: the table is made in
         * memory first. */
        char *table = NULL;
        size_t table_len = 0;
        FILE *mem = open_memstream(&table, &table_len);
        lx_status st = LX_E_NOMEM;
        if (mem) {
            clock_start(o, "");
            st = stats ? lx_stats_print(db, &q, o->format, mem, &n)
                       : lx_people_print(db, &q, kind, sort, o->format, mem, &n, &messages);
            clock_stop();
            if (fclose(mem) != 0 && !st)
                st = LX_E_NOMEM;
        }
        if (!st)
            fwrite(table, 1, table_len, stdout);
        free(table);
        rc = outcome(db, st, n);
        /* stats says "0 emails" itself. */
        if (rc == EXIT_NO_HITS && !stats && !messages)
            no_match(argc, argv);
        else if (rc == EXIT_NO_HITS && !stats)
            fprintf(stderr, "leakdex-search: no %s (the %zu message%s that match%s %s none)\n",
                    kind == LX_PEOPLE_SENDERS ? "senders" : "recipients", messages,
                    messages == 1 ? "" : "s", messages == 1 ? "es" : "",
                    messages == 1 ? "has" : "have");
    }
    lx_strbuf_release(&text);
    lx_strbuf_release(&folded);
    return rc;
}

static int cmd_senders(const options *o, lx_db *db, int argc, char **argv)
{
    return aggregate_run(o, db, argc, argv, LX_PEOPLE_SENDERS, false);
}

static int cmd_recipients(const options *o, lx_db *db, int argc, char **argv)
{
    return aggregate_run(o, db, argc, argv, LX_PEOPLE_RECIPIENTS, false);
}

static int cmd_stats(const options *o, lx_db *db, int argc, char **argv)
{
    return aggregate_run(o, db, argc, argv, LX_PEOPLE_SENDERS, true);
}

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

static void json_str_or_null(lx_strbuf *m, const char *s)
{
    if (s && *s)
        lx_escape_json(m, s, strlen(s));
    else
        lx_strbuf_addstr(m, "null");
}

/* The name --sort gives the order a search used. */
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
static lx_status export_meta(const options *o, lx_db *db, size_t total, lx_sort sort,
                             lx_strbuf *m)
{
    char now[32], after[32] = "", before[32] = "";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    lx_date_format_iso(ts.tv_sec, now);
    if (o->has_after)
        lx_date_format_iso(o->after, after);
    if (o->has_before)
        lx_date_format_iso(o->before, before);
    const char *tz = lx_tz_name(o->tz);
    lx_strbuf_addstr(m, "{\"leakdex_version\":\"" LEAKDEX_VERSION "\",\"exported_at\":");
    json_str_or_null(m, now);
    lx_strbuf_addstr(m, ",\"database\":");
    lx_status st = lx_databases_json(db, o->dbs, o->n_db, m);
    if (st)
        return st;
    lx_strbuf_addstr(m, ",\"query\":{\"text\":");
    json_str_or_null(m, o->query);
    json_list(m, "from", o->from, o->n_from);
    json_list(m, "to", o->to, o->n_to);
    json_list(m, "domain", o->domains, o->n_domains);
    lx_strbuf_addstr(m, ",\"after\":");
    json_str_or_null(m, after);
    lx_strbuf_addstr(m, ",\"before\":");
    json_str_or_null(m, before);
    lx_strbuf_addstr(m, ",\"tz\":");
    json_str_or_null(m, tz);
    lx_strbuf_addf(m, ",\"verified\":%s,\"has_attachment\":%s,\"sort\":",
                   o->verified ? "true" : "false", o->has_attachment ? "true" : "false");
    json_str_or_null(m, sort_name(sort));
    return lx_strbuf_addf(m, "},\"hits\":%zu}", total);
}

/* Prints on stderr what reading the sources did to their access times,
 * when it changed any. */
static void warn_atimes(lx_atime_stats *a)
{
    lx_strbuf line;
    lx_strbuf_init(&line);
    lx_atime_describe(a, &line);
    if (line.len)
        lx_cli_say(stderr, "leakdex-search: ", "%s", line.buf);
    lx_strbuf_release(&line);
}

/* One attempt at an export: the search, its description and the files, all
 * read from the revision the handle reads. The export file is left pending
 * (*pending) for the caller to publish once it knows that revision held to
 * the end. Returns an exit status, or -1 when the attempt is complete. */
static int export_attempt(const options *o, lx_db *db, const lx_query_opts *q,
                          lx_export_dir *dir, lx_export_pending *pending, bool *has_pending,
                          size_t *total, size_t *copied, lx_strbuf *dir_note)
{
    lx_results res;
    lx_snippet_words sw = {0};
    lx_strbuf meta, why;
    lx_strbuf_init(&meta);
    lx_strbuf_init(&why);
    int rc = -1;
    /* No file of this attempt exists yet while the clock runs. */
    clock_start(o, "");
    lx_status st = lx_search(db, q, &res);
    /* The words a snippet marks, as in a hit list. */
    if (!st && (st = lx_search_query_words(db, q, &sw.plain, &sw.n_plain, &sw.stems, &sw.n_stems,
                                           &sw.in_attachments)))
        lx_results_release(&res);
    clock_stop();
    if (st)
        return outcome(db, st, 0);
    *total = res.total;
    if ((st = export_meta(o, db, res.total, res.sort, &meta)))
        rc = fail("%s: %s", lx_status_str(st), lx_db_error(db));
    if (rc < 0 && o->export_file) {
        if (lx_export_file(db, &res, o->export_file, o->excel, meta.buf, &sw, pending, &why))
            rc = fail("--export: %s", why.buf);
        else
            *has_pending = true;
    }
    if (rc < 0 && dir) {
        lx_strbuf_reset(&why);
        st = lx_export_dir_fill(dir, db, &res, meta.buf, &sw, copied, &why);
        if (st && st != LX_E_NOT_FOUND)
            rc = fail("--export-dir: %s", why.buf);
        else if (st)
            lx_strbuf_addstr(dir_note, why.buf);
    }
    lx_results_release(&res);
    lx_snippet_words_release(&sw);
    lx_strbuf_release(&meta);
    lx_strbuf_release(&why);
    return rc;
}

/* --export and --export-dir: every hit, not a page, each with the snippet a
 * hit list shows; the description and the hits from one revision of the
 * index. An indexer's commit that moves the handle to a newer revision
 * meanwhile (lx_db_reopens) starts the whole export over, at most
 * LX_EXPORT_RESTARTS times. */
static int export_run(const options *o, lx_db *db, const lx_query_opts *q)
{
    lx_atime_stats atimes;
    lx_atime_stats_init(&atimes);
    lx_export_dir dir;
    lx_strbuf why, dir_note;
    lx_strbuf_init(&why);
    lx_strbuf_init(&dir_note);
    if (o->export_dir && lx_export_dir_open(&dir, o->export_dir, &why)) {
        int rc = fail("--export-dir: %s", why.buf);
        lx_strbuf_release(&why);
        return rc;
    }
    dir.atimes = &atimes;
    int rc = -1;
    size_t total = 0, copied = 0;
    for (unsigned attempt = 0; rc < 0; attempt++) {
        lx_export_pending pending;
        bool has_pending = false;
        unsigned long moves = lx_db_reopens(db);
        lx_strbuf_reset(&dir_note);
        rc = export_attempt(o, db, q, o->export_dir ? &dir : NULL, &pending, &has_pending, &total,
                            &copied, &dir_note);
        if (rc < 0 && lx_db_reopens(db) != moves) {
            if (has_pending)
                lx_export_file_abandon(&pending);
            if (o->export_dir)
                lx_export_dir_clear(&dir);
            if (attempt == LX_EXPORT_RESTARTS) {
                rc = fail("the index changed %u times while the export was written (an indexer "
                          "is committing); export again when it has finished",
                          attempt + 1);
                break;
            }
            fputs("leakdex-search: the index changed during the export: writing it again from "
                  "its newest revision\n",
                  stderr);
            continue;
        }
        lx_strbuf_reset(&why);
        if (has_pending && rc < 0 && lx_export_file_publish(&pending, &why))
            rc = fail("--export: %s", why.buf);
        else if (has_pending && rc >= 0)
            lx_export_file_abandon(&pending);
        if (rc < 0)
            rc = total ? EXIT_HITS : EXIT_NO_HITS;
    }
    if (rc != EXIT_ERROR && o->export_file)
        lx_cli_say(stdout, "", "exported %zu hits to %s", total, o->export_file);
    if (rc != EXIT_ERROR && o->export_dir) {
        if (dir_note.len)
            lx_cli_say(stderr, "leakdex-search: ", "--export-dir: %s", dir_note.buf);
        lx_cli_say(stdout, "", "copied %zu originals of %zu hits to %s", copied, total,
                   o->export_dir);
    }
    if (o->export_dir)
        lx_export_dir_close(&dir, rc == EXIT_ERROR);
    warn_atimes(&atimes);
    lx_atime_stats_release(&atimes);
    lx_strbuf_release(&why);
    lx_strbuf_release(&dir_note);
    return rc;
}

/* batch QUERIES.txt: one query per line (blank lines and lines starting
 * with '#' skipped; a UTF-8 byte-order mark at the start of the file, as
 * Excel's "CSV UTF-8" writes, removed); a table of hits and verified hits
 * per query; with --export FILE (.csv or .ndjson) every hit with the query
 * that found it. A malformed line is reported with its number and skipped,
 * the others run: the status is then EXIT_ERROR, after the whole table. */
static int cmd_batch(const options *o, lx_db *db, int argc, char **argv)
{
    if (argc != 1)
        return fail("batch takes one file of queries, one per line");
    if (o->export_dir)
        return fail("batch: --export-dir is for a single search");
    lx_sort sort;
    if (!search_sort(o, &sort))
        return fail("--sort: '%s' is not relevance, date or -date", o->sort_name);
    lx_format ef = LX_FMT_CSV;
    if (o->export_file && (!lx_export_format(o->export_file, &ef) || ef == LX_FMT_JSON))
        return fail("batch --export: name the file .csv or .ndjson");
    FILE *in = fopen(argv[0], "re");
    if (!in)
        return fail("%s: %s", argv[0], strerror(errno));
    FILE *ex = NULL;
    lx_newfile exf;
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    if (o->export_file) {
        if (lx_newfile_open(&exf, AT_FDCWD, NULL, o->export_file, &why)) {
            fclose(in);
            int rc = fail("--export: %s", why.buf);
            lx_strbuf_release(&out);
            lx_strbuf_release(&why);
            return rc;
        }
        ex = exf.f;
        clock_unlink = exf.tmp.buf; /* a query stopped by the clock removes it */
    }
    if (ex && ef == LX_FMT_CSV) {
        if (o->excel)
            fputs("\xEF\xBB\xBF", ex);
        lx_output_csv_header_plus(&out, "query");
        fwrite(out.buf, 1, out.len, ex);
        lx_strbuf_reset(&out);
    }
    if (o->format == LX_FMT_CSV)
        fputs("query,hits,verified\r\n", stdout);
    else if (o->format == LX_FMT_TEXT)
        printf("%8s %8s  %s\n", "HITS", "VERIFIED", "QUERY");
    char *line = NULL;
    size_t cap = 0, lineno = 0, any = 0, malformed = 0;
    ssize_t got;
    int rc = EXIT_NO_HITS;
    while (rc != EXIT_ERROR && (got = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        const char *qtext = line;
        if (lineno == 1 && strncmp(qtext, "\xEF\xBB\xBF", 3) == 0)
            qtext += 3;
        qtext += strspn(qtext, " \t");
        if (!*qtext || *qtext == '#')
            continue;
        lx_strbuf folded;
        lx_strbuf_init(&folded);
        lx_query_opts q;
        lx_strbuf_reset(&why);
        lx_status cst;
        if ((cst = lx_query_check(qtext, &why)) || (cst = lx_query_fold(qtext, &folded, &why))) {
            lx_cli_say(stderr, "leakdex-search: ", "%s:%zu: %s%s", argv[0], lineno,
                       cst == LX_E_LIMIT ? "" : "malformed query: ", why.buf);
            malformed++;
            lx_strbuf_release(&folded);
            continue;
        }
        prepare_query(o, NULL, &folded, &q); /* the options' filters */
        q.text = folded.buf;
        q.offset = q.limit = 0;
        q.count_only = !ex;
        q.sort = sort;
        lx_results res = {0}, ver = {0};
        lx_snippet_words sw = {0};
        lx_strbuf where;
        lx_strbuf_init(&where);
        lx_strbuf_addf(&where, "%s:%zu: ", argv[0], lineno);
        clock_start(o, where.buf);
        lx_status st = lx_search(db, &q, &res);
        lx_query_opts qv = q;
        qv.verified_only = true;
        qv.count_only = true;
        if (!st)
            st = lx_search(db, &qv, &ver);
        if (!st && ex)
            st = lx_search_query_words(db, &q, &sw.plain, &sw.n_plain, &sw.stems, &sw.n_stems,
                                       &sw.in_attachments);
        clock_stop();
        lx_strbuf_release(&folded);
        if (st == LX_E_QUERY || st == LX_E_LIMIT) {
            /* Xapian's parser refused what the checks let through, or a
             * wildcard stands for too many words: this line only. */
            lx_cli_say(stderr, "leakdex-search: ", "%s%s%s", where.buf,
                       st == LX_E_QUERY ? "malformed query: " : "", lx_db_error(db));
            malformed++;
        } else if (st) {
            rc = db_fail(db, st, where.buf);
        }
        lx_strbuf_release(&where);
        if (st) {
            lx_results_release(&res);
            lx_results_release(&ver);
            lx_snippet_words_release(&sw);
            continue;
        }
        any += res.total;
        lx_strbuf_reset(&out);
        if (o->format == LX_FMT_CSV) {
            lx_escape_csv_shown(&out, qtext, strlen(qtext), false);
            lx_strbuf_addf(&out, ",%zu,%zu\r\n", res.total, ver.total);
        } else if (o->format == LX_FMT_TEXT) {
            lx_strbuf_addf(&out, "%8zu %8zu  ", res.total, ver.total);
            lx_escape_terminal(&out, qtext, strlen(qtext));
            lx_strbuf_addch(&out, '\n');
        } else {
            lx_strbuf_addstr(&out, "{\"query\":");
            lx_escape_json(&out, qtext, strlen(qtext));
            lx_strbuf_addf(&out, ",\"hits\":%zu,\"verified\":%zu}\n", res.total, ver.total);
        }
        fwrite(out.buf, 1, out.len, stdout);
        for (size_t i = 0; ex && i < res.n && !st; i++) {
            lx_record rec;
            lx_strbuf_reset(&out);
            st = lx_hit_record(db, &res.hits[i], &rec);
            if (!st)
                st = lx_snippet_add(db, res.hits[i].id, &rec, &sw, false);
            if (!st && ef == LX_FMT_CSV)
                st = lx_output_csv_row_plus(&out, &rec, qtext);
            else if (!st) {
                st = lx_output_json_hit_plus(&out, &rec, "query", qtext);
                if (!st)
                    st = lx_strbuf_addch(&out, '\n');
            }
            if (!st)
                fwrite(out.buf, 1, out.len, ex);
            lx_record_release(&rec);
        }
        if (st)
            rc = fail("%s:%zu: cannot export the hits: %s", argv[0], lineno, lx_status_str(st));
        lx_results_release(&res);
        lx_results_release(&ver);
        lx_snippet_words_release(&sw);
        if (rc == EXIT_NO_HITS && any)
            rc = EXIT_HITS;
    }
    free(line);
    fclose(in);
    clock_unlink = NULL;
    if (ex) {
        lx_strbuf_reset(&why);
        if (rc == EXIT_ERROR)
            lx_newfile_abandon(&exf);
        else if (ferror(ex)) {
            rc = fail("--export: %s: %s", o->export_file, strerror(EIO));
            lx_newfile_abandon(&exf);
        } else if (lx_newfile_publish(&exf, &why))
            rc = fail("--export: %s", why.buf);
    }
    /* The lines that ran are all there (table and export); the status says
     * that some did not. */
    if (malformed && rc != EXIT_ERROR)
        rc = EXIT_ERROR;
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    return rc;
}

/* Marks each record with its "thread_depth": how many of its ancestors are
 * among the records (In-Reply-To first, else the nearest of References). */
static lx_status thread_depths(lx_record *recs, size_t n)
{
    size_t *parent = malloc((n ? n : 1) * sizeof *parent);
    if (!parent)
        return LX_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        parent[i] = SIZE_MAX;
        const char *irt = lx_record_get(&recs[i], "in_reply_to");
        /* Candidates: In-Reply-To, then References from the nearest. */
        const char *want[1 + LX_MAX_THREAD_REFS];
        size_t nw = 0;
        if (irt && *irt)
            want[nw++] = irt;
        for (size_t k = recs[i].n; k-- > 0 && nw < sizeof want / sizeof want[0];)
            if (strcmp(recs[i].pairs[k].key, "references") == 0 && *recs[i].pairs[k].value)
                want[nw++] = recs[i].pairs[k].value;
        for (size_t w = 0; w < nw && parent[i] == SIZE_MAX; w++) {
            for (size_t j = 0; j < n; j++) {
                const char *mid = lx_record_get(&recs[j], "message_id");
                if (j != i && mid && strcmp(mid, want[w]) == 0) {
                    parent[i] = j;
                    break;
                }
            }
        }
    }
    lx_status st = LX_OK;
    for (size_t i = 0; i < n && !st; i++) {
        size_t depth = 0;
        /* A loop of references ends the walk: at most n steps. */
        for (size_t j = parent[i]; j != SIZE_MAX && depth < n; j = parent[j])
            depth++;
        if (depth >= n)
            depth = 0;
        if (depth > LX_MAX_THREAD_INDENT)
            depth = LX_MAX_THREAD_INDENT;
        char num[24];
        snprintf(num, sizeof num, "%zu", depth);
        st = lx_record_add_str(&recs[i], "thread_depth", num);
    }
    free(parent);
    return st;
}

/* Prints a search: hits, a count, or an export. tree: the thread command's
 * hit list, replies indented under their parents, no snippets. words[0..n)
 * are the query's words as typed, for the message when nothing matches. */
static int search_run(const options *o, lx_db *db, const char *text, bool tree, int n, char **words)
{
    lx_sort sort;
    if (!search_sort(o, &sort))
        return fail("--sort: '%s' is not relevance, date or -date", o->sort_name);
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    lx_query_opts q;
    int prc = prepare_query(o, text, &folded, &q);
    if (prc >= 0) {
        lx_strbuf_release(&folded);
        return prc;
    }
    q.sort = sort;
    if (o->export_file || o->export_dir) {
        q.offset = q.limit = 0; /* an export holds every hit, never a page */
        q.count_only = false;
        int rc = export_run(o, db, &q);
        lx_strbuf_release(&folded);
        return rc;
    }
    if (tree) {
        /* A reply is indented under its parent even when the parent is not
         * on the page: the whole thread is read, the page cut below. */
        q.offset = q.limit = 0;
    }
    lx_results res;
    lx_snippet_words sw = {0};
    clock_start(o, "");
    lx_status st = lx_search(db, &q, &res);
    /* The words a snippet marks. */
    if (!st && !o->count && !tree) {
        st = lx_search_query_words(db, &q, &sw.plain, &sw.n_plain, &sw.stems, &sw.n_stems,
                                   &sw.in_attachments);
        if (st)
            lx_results_release(&res);
    }
    clock_stop();
    lx_strbuf_release(&folded);
    int rc = outcome(db, st, st ? 0 : res.total);
    if (st)
        return rc;
    if (o->count) {
        printf("%zu\n", res.total);
        lx_results_release(&res);
        lx_snippet_words_release(&sw);
        return rc;
    }
    lx_record *recs = calloc(res.n ? res.n : 1, sizeof *recs);
    if (!recs)
        st = LX_E_NOMEM;
    size_t made = 0;
    for (; recs && made < res.n && !st; made++) {
        st = lx_hit_record(db, &res.hits[made], &recs[made]);
        if (!st && !tree)
            st = lx_snippet_add(db, res.hits[made].id, &recs[made], &sw, isatty(STDOUT_FILENO));
    }
    if (!st && tree)
        st = thread_depths(recs, res.n);
    /* A search's hits are the page already; a thread's are cut here. */
    size_t begin = 0, end = res.n;
    if (tree)
        lx_output_page(res.n, o->offset, o->limit, &begin, &end);
    lx_output out;
    if (!st)
        st = lx_output_begin(&out, stdout, o->format, res.total, o->offset);
    out.tz = o->tz;
    for (size_t i = begin; i < end && !st; i++)
        st = lx_output_hit(&out, &recs[i]);
    if (!st)
        st = lx_output_end(&out);
    for (size_t i = 0; i < made; i++)
        lx_record_release(&recs[i]);
    free(recs);
    lx_results_release(&res);
    lx_snippet_words_release(&sw);
    if (st)
        return fail("cannot print results: %s", lx_status_str(st));
    if (rc == EXIT_NO_HITS)
        no_match(n, words);
    return rc;
}

static int cmd_search(const options *o, lx_db *db, int argc, char **argv)
{
    lx_strbuf q;
    join_words(&q, argc, argv);
    options with_query = *o;
    with_query.query = q.buf;
    int rc = search_run(&with_query, db, q.buf, false, argc, argv);
    lx_strbuf_release(&q);
    return rc;
}

/* Finds the one document whose SHA-256 starts with the hex id. */
static int resolve_id(lx_db *db, const char *id, lx_docid *out)
{
    size_t n = strlen(id);
    if (n < LX_MIN_ID_PREFIX || n > 64)
        return fail("'%s' is not a message id (%d to 64 hex digits)", id, LX_MIN_ID_PREFIX);
    lx_strbuf term;
    lx_strbuf_init(&term);
    lx_strbuf_addstr(&term, lx_schema_prefix(LX_F_SHA256));
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            lx_strbuf_release(&term);
            return fail("'%s' is not a message id (%d to 64 hex digits)", id, LX_MIN_ID_PREFIX);
        }
        lx_strbuf_addch(&term, c);
    }
    char **terms = NULL;
    size_t nt = 0;
    lx_docid *ids = NULL;
    size_t nd = 0;
    int rc = EXIT_HITS;
    lx_status st = lx_db_terms_with_prefix(db, term.buf, 2, &terms, &nt);
    if (st)
        rc = db_fail(db, st, "");
    else if (nt == 0) {
        lx_cli_say(stderr, "leakdex-search: ", "no message with id %s", id);
        rc = EXIT_NO_HITS;
    } else if (nt > 1)
        rc = fail("ambiguous id %s: several messages match; give more digits", id);
    else if ((st = lx_db_term_docs(db, terms[0], &ids, &nd)) || nd == 0)
        rc = db_fail(db, st, "");
    else
        *out = ids[0];
    for (size_t i = 0; i < nt; i++)
        free(terms[i]);
    free(terms);
    free(ids);
    lx_strbuf_release(&term);
    return rc;
}

/* Whether s is a thread id: 16 hex digits (any case; *lower gets them). */
static bool thread_id_form(const char *s, char lower[LX_THREAD_HEX + 1])
{
    if (strlen(s) != LX_THREAD_HEX)
        return false;
    for (size_t i = 0; i < LX_THREAD_HEX; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        lower[i] = c;
    }
    lower[LX_THREAD_HEX] = '\0';
    return true;
}

/* thread ID: the messages of a thread, named by its id or by the id of
 * any of its messages, oldest first (--sort may say otherwise). */
static int cmd_thread(const options *o, lx_db *db, int argc, char **argv)
{
    if (argc != 1)
        return fail("thread: which thread? (thread ID, with a thread id or a message id)");
    if (o->collapse)
        return fail("--collapse does not apply to thread");
    char tid[LX_THREAD_HEX + 1] = "";
    bool known = false;
    if (thread_id_form(argv[0], tid)) {
        char term[64];
        snprintf(term, sizeof term, "%s%s", lx_schema_prefix(LX_F_THREAD), tid);
        lx_docid *ids = NULL;
        size_t n = 0;
        lx_status st = lx_db_term_docs(db, term, &ids, &n);
        free(ids);
        if (st)
            return db_fail(db, st, "");
        known = n > 0;
    }
    if (!known) {
        lx_docid id = 0;
        int r = resolve_id(db, argv[0], &id);
        if (r != EXIT_HITS)
            return r;
        char *v = NULL;
        size_t len = 0;
        lx_status st = lx_db_get_value(db, id, lx_schema_slot(LX_F_THREAD_ID), &v, &len);
        if (st || len != LX_THREAD_HEX) {
            free(v);
            return st ? db_fail(db, st, "")
                      : fail("message %s has no thread id: index it again", argv[0]);
        }
        memcpy(tid, v, LX_THREAD_HEX);
        tid[LX_THREAD_HEX] = '\0';
        free(v);
    }
    char text[64];
    snprintf(text, sizeof text, "thread:%s", tid);
    options in_thread = *o;
    in_thread.query = text;
    if (!in_thread.sort_name)
        in_thread.sort_name = "date";
    return search_run(&in_thread, db, text, true, 0, NULL);
}

static int cmd_show(const options *o, lx_db *db, int argc, char **argv)
{
    if (argc == 0)
        return fail("show: which message? (show ID, with an id from a hit list)");
    int rc = EXIT_HITS;
    for (int i = 0; i < argc; i++) {
        lx_docid id = 0;
        int r = resolve_id(db, argv[i], &id);
        if (r != EXIT_HITS) {
            if (r > rc)
                rc = r;
            continue;
        }
        char *data = NULL;
        size_t len = 0;
        lx_status st = lx_db_get_data(db, id, &data, &len);
        if (st) {
            free(data);
            return db_fail(db, st, "");
        }
        lx_record rec;
        lx_record_init(&rec);
        st = lx_record_parse(&rec, data, len);
        if (!st)
            st = lx_copies_add(db, id, &rec);
        if (!st) {
            if (i && o->format == LX_FMT_TEXT)
                fputs("\n", stdout);
            st = lx_output_message(stdout, o->format, &rec, o->tz);
        }
        lx_record_release(&rec);
        free(data);
        if (st)
            return fail("cannot print message: %s", lx_status_str(st));
    }
    return rc;
}

/* The stored attachment line numbered n in rec, or NULL. */
static const char *attachment_line(const lx_record *rec, size_t n)
{
    for (size_t i = 0; i < rec->n; i++) {
        if (strcmp(rec->pairs[i].key, "attachment") != 0)
            continue;
        char *end;
        unsigned long long k = strtoull(rec->pairs[i].value, &end, 10);
        if (*end == '\t' && k == n)
            return rec->pairs[i].value;
    }
    return NULL;
}

/* Field name (of lx_attach_fields) of a stored attachment line, copied into
 * out (cut to its size). */
static void attachment_field(const char *line, const char *name, char *out, size_t size)
{
    size_t k = 0;
    while (k < LX_ATTACH_NFIELDS && strcmp(lx_attach_fields[k], name) != 0)
        k++;
    const char *f = line;
    for (size_t i = 0; i < k && f; i++)
        if ((f = strchr(f, '\t')))
            f++;
    size_t len = f ? strcspn(f, "\t") : 0;
    snprintf(out, size, "%.*s", (int)len, f ? f : "");
}

/* attachment ID N --out FILE: the original is read again from its source
 * (only where it still hashes to the message's SHA-256), parsed again and
 * attachment N decoded; its SHA-256 must match the indexed one. One that was
 * not read for its size has none: the message's SHA-256, checked, vouches
 * for its bytes. */
static int cmd_attachment(const options *o, lx_db *db, int argc, char **argv)
{
    if (argc != 2)
        return fail("attachment: give a message id and an attachment number (attachment ID N "
                    "--out FILE)");
    size_t n = 0;
    if (!parse_size(argv[1], &n) || n == 0)
        return fail("attachment: '%s' is not an attachment number (1, 2, ...)", argv[1]);
    if (!o->out)
        return fail("attachment: --out FILE names the file to write");
    lx_strbuf why;
    lx_strbuf_init(&why);
    if (lx_newfile_taken(AT_FDCWD, o->out, o->out, &why)) {
        int frc = fail("--out %s", why.buf);
        lx_strbuf_release(&why);
        return frc;
    }
    lx_docid id = 0;
    int rc = resolve_id(db, argv[0], &id);
    if (rc != EXIT_HITS) {
        lx_strbuf_release(&why);
        return rc;
    }
    char *data = NULL;
    size_t len = 0;
    lx_status st = lx_db_get_data(db, id, &data, &len);
    if (st) {
        free(data);
        lx_strbuf_release(&why);
        return db_fail(db, st, "");
    }
    lx_record rec;
    lx_record_init(&rec);
    lx_strbuf canon, bytes, name;
    lx_strbuf_init(&canon);
    lx_strbuf_init(&bytes);
    lx_strbuf_init(&name);
    lx_atime_stats atimes;
    lx_atime_stats_init(&atimes);
    lx_message msg;
    bool parsed = false, gmime = false;
    lx_attach_ctx *ctx = NULL;
    const char *line = NULL, *sha = NULL, *first = NULL, *rwhy = "";
    if ((st = lx_record_parse(&rec, data, len))) {
        rc = fail("%s", lx_status_str(st));
        goto out;
    }
    sha = lx_record_get(&rec, "sha256");
    if (!(line = attachment_line(&rec, n))) {
        lx_cli_say(stderr, "leakdex-search: ", "message %s has no attachment %zu", argv[0], n);
        rc = EXIT_NO_HITS;
        goto out;
    }
    /* What was indexed: the file's SHA-256, or none (and its status says
     * why) for a file not read. */
    char want[LX_SHA256_HEX_LEN + 1], status[512], parent[24], size[24];
    attachment_field(line, "sha256", want, sizeof want);
    attachment_field(line, "size", size, sizeof size);
    attachment_field(line, "status", status, sizeof status);
    attachment_field(line, "parent", parent, sizeof parent);
    bool too_big = !*want && strncmp(status, "limit: larger than ", 19) == 0;
    st = sha ? lx_original_read(&rec, sha, &canon, NULL, &atimes, &first, &rwhy)
             : LX_E_NOT_FOUND;
    if (st) {
        rc = fail("message %s: the original cannot be read back (%s%s%s)", argv[0],
                  first ? first : "", first ? ": " : "", rwhy);
        goto out;
    }
    lx_message_library_init();
    gmime = true;
    if (lx_message_parse(&msg, canon.buf, canon.len, &why)) {
        rc = fail("message %s: %s", argv[0], why.buf);
        goto out;
    }
    parsed = true;
    lx_attach_limits lim;
    lx_attach_limits_default(&lim);
    lx_strbuf_reset(&why);
    if (!(ctx = lx_attach_ctx_new(&lim, &why))) {
        rc = fail("%s", why.buf);
        goto out;
    }
    st = lx_attach_fetch(ctx, &msg, n, &bytes, &name);
    char got[LX_SHA256_HEX_LEN + 1] = "";
    if (!st)
        st = lx_sha256_hex(bytes.buf, bytes.len, got);
    if (too_big && st == LX_E_NOT_FOUND) {
        /* A file inside an archive is unpacked only up to the size limit. */
        rc = fail("message %s: attachment %zu was not indexed because of its size (%s), and "
                  "inside attachment %s it is not unpacked: write out attachment %s",
                  argv[0], n, status, parent, parent);
        goto out;
    }
    /* Without a hash, the size at least must be the one indexed: a file
     * numbered otherwise (an index built with other limits) is not taken
     * for it. */
    char got_size[24];
    snprintf(got_size, sizeof got_size, "%zu", bytes.len);
    const char *differ = st                               ? lx_status_str(st)
                         : !too_big && strcmp(want, got)  ? "its bytes differ from the indexed ones"
                         : too_big && strcmp(size, got_size)
                             ? "its size differs from the indexed one"
                             : NULL;
    if (differ) {
        rc = fail("message %s: attachment %zu cannot be recovered from the original (%s)", argv[0],
                  n, differ);
        goto out;
    }
    lx_strbuf_reset(&why);
    if (lx_newfile_write(AT_FDCWD, NULL, o->out, bytes.buf, bytes.len, &why)) {
        rc = fail("--out %s", why.buf);
        goto out;
    }
    lx_cli_say(stdout, "", "wrote %zu bytes (%s, sha256 %s) to %s", bytes.len,
               name.len ? name.buf : "unnamed", got, o->out);
    if (too_big)
        lx_cli_say(stdout, "",
                   "attachment %zu was not indexed because of its size (%s): no SHA-256 of its "
                   "own was recorded; the original message it comes from has its indexed SHA-256",
                   n, status);
    rc = EXIT_HITS;
out:
    if (parsed)
        lx_message_release(&msg);
    lx_attach_ctx_free(ctx);
    if (gmime)
        lx_message_library_shutdown();
    warn_atimes(&atimes);
    lx_atime_stats_release(&atimes);
    lx_record_release(&rec);
    lx_strbuf_release(&canon);
    lx_strbuf_release(&bytes);
    lx_strbuf_release(&name);
    lx_strbuf_release(&why);
    free(data);
    return rc;
}

/* Prints what is wrong with the option arg (getopt_long returned c for it)
 * and returns the error exit status. */
static int bad_option(const char *arg, int c)
{
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_cli_option_error(longopts, arg, c, &why);
    /* "-lyon" before any query word is taken for options; say how to
     * search for it. */
    bool dash_word = c == '?' && arg[0] == '-' && arg[1] != '-';
    int rc = fail("%s (try --help%s)", why.buf,
                  dash_word ? "; put -- before a query that starts with '-'" : "");
    lx_strbuf_release(&why);
    return rc;
}

/* Reads the options among argv[start..argc) into o, up to the first word
 * that is not an option, or past "--": *next gets the index of the word
 * after them, *ended whether "--" ended them. Returns an exit status when
 * the program is done (--help, --version, an error printed), -1 to go on. */
static int parse_options(int argc, char **argv, int start, options *o, int *next, bool *ended)
{
    /* getopt_long reads from index 1: argv[start - 1] stands in for the
     * program's name. optind 0 makes glibc's getopt_long start afresh on
     * this array. "+" stops at the first word that is not an option (no
     * reordering), ":" tells a missing value from an unknown option. */
    char **v = argv + start - 1;
    int n = argc - start + 1;
    int64_t lo, hi;
    optind = 0;
    opterr = 0;
    for (;;) {
        int at = optind ? optind : 1; /* the word getopt_long reads next */
        int c = getopt_long(n, v, "+:h", longopts, NULL);
        if (c == -1) {
            *ended = optind > at;
            *next = start - 1 + optind;
            return -1;
        }
        switch (c) {
        case O_DB:
            if (o->n_db == MAX_DB)
                return fail("--db: at most %d (a stub file can name more)", MAX_DB);
            if (!*optarg)
                return fail("--db: empty name");
            o->dbs[o->n_db++] = optarg;
            break;
        case O_ALLOW_PARTIAL: o->allow_partial = true; break;
        case O_QUERY_TIMEOUT: {
            char *end;
            errno = 0;
            double secs = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(secs >= 0.01 && secs <= 3600))
                return fail("--query-timeout: '%s' is not a number of seconds (0.01 to 3600)",
                            optarg);
            o->query_seconds = secs;
            break;
        }
        case O_REMOTE_TIMEOUT: {
            size_t secs;
            if (!parse_size(optarg, &secs) || secs < 1 || secs > 3600)
                return fail("--remote-timeout: '%s' is not a number of seconds (1 to 3600)",
                            optarg);
            o->timeout_ms = (unsigned)secs * 1000;
            break;
        }
        case O_FROM:
        case O_TO:
        case O_DOMAIN: {
            const char *name = c == O_FROM ? "--from" : c == O_TO ? "--to" : "--domain";
            const char **list = c == O_FROM ? o->from : c == O_TO ? o->to : o->domains;
            size_t *cnt = c == O_FROM ? &o->n_from : c == O_TO ? &o->n_to : &o->n_domains;
            if (*cnt == MAX_FROM)
                return fail("%s: at most %d values", name, MAX_FROM);
            if (!*optarg)
                return fail("%s: empty value", name);
            list[(*cnt)++] = optarg;
            break;
        }
        case O_HAS_ATTACHMENT: o->has_attachment = true; break;
        case O_EXPORT: {
            lx_format f;
            if (!lx_export_format(optarg, &f))
                return fail("--export %s: name the file .csv, .json or .ndjson", optarg);
            o->export_file = optarg;
            break;
        }
        case O_EXPORT_DIR:
            if (!*optarg)
                return fail("--export-dir: empty name");
            o->export_dir = optarg;
            break;
        case O_EXCEL: o->excel = true; break;
        case O_AFTER:
        case O_BEFORE:
            /* Checked now, read once --tz (which may come later) is known. */
            if (lx_date_parse_query(optarg, strlen(optarg), &lo, &hi))
                return fail("%s: bad date '%s' (use YYYY, YYYY-MM or YYYY-MM-DD)",
                            c == O_AFTER ? "--after" : "--before", optarg);
            if (c == O_AFTER) {
                o->has_after = true;
                o->after_text = optarg;
            } else {
                o->has_before = true;
                o->before_text = optarg;
            }
            break;
        case O_TZ: o->tz_name = optarg; break;
        case O_SORT: o->sort_name = optarg; break;
        case O_LIMIT:
        case O_OFFSET:
            if (!parse_size(optarg, c == O_LIMIT ? &o->limit : &o->offset))
                return fail("%s: '%s' is not a number", c == O_LIMIT ? "--limit" : "--offset",
                            optarg);
            if (c == O_LIMIT && o->limit == 0)
                return fail("--limit: must be at least 1");
            break;
        case O_FORMAT:
            if (!lx_output_format_parse(optarg, &o->format))
                return fail("--format: '%s' is not text, json, ndjson or csv", optarg);
            break;
        case O_COUNT: o->count = true; break;
        case O_COLLAPSE:
            if (strcmp(optarg, "thread") != 0)
                return fail("--collapse: '%s' is not thread", optarg);
            o->collapse = true;
            break;
        case O_OUT:
            if (!*optarg)
                return fail("--out: empty name");
            o->out = optarg;
            break;
        case O_VERIFIED: o->verified = true; break;
        case 'h': usage(stdout); return EXIT_HITS;
        case O_HELP_QUERY: help_query(stdout); return EXIT_HITS;
        case O_VERSION: puts("leakdex-search " LEAKDEX_VERSION); return EXIT_HITS;
        default: return bad_option(v[at], c);
        }
    }
}

/* The command named word, or NULL. */
static const struct command *find_command(const char *word)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(word, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

/* Reads the command line: options, then the command's name if one is
 * named, then its words into words[0..*n_words) (argc - 1 places). Options
 * may also follow a command's name; a query's words are all query words
 * once the first is read, even those that start with '-' (budget -lyon),
 * while the other commands' words (ids, files) may have options among them
 * (attachment ID N --out FILE). "--" ends the options. Returns an exit
 * status when the program is done, -1 to go on. */
static int parse_command_line(int argc, char **argv, options *o, const struct command **cmd,
                              char **words, int *n_words)
{
    int next;
    bool ended;
    int rc = parse_options(argc, argv, 1, o, &next, &ended);
    if (rc >= 0)
        return rc;
    *cmd = next < argc ? find_command(argv[next]) : NULL;
    if (*cmd)
        next++;
    else {
        *cmd = &commands[0];
        ended = true; /* the query has started */
    }
    *n_words = 0;
    while (next < argc) {
        if (!ended) {
            rc = parse_options(argc, argv, next, o, &next, &ended);
            if (rc >= 0)
                return rc;
            if (next >= argc)
                break;
        }
        words[(*n_words)++] = argv[next++];
        if ((*cmd)->query)
            ended = true;
    }
    return -1;
}

int main(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    o.format = LX_FMT_TEXT;
    const struct command *cmd = NULL;
    char **words = calloc((size_t)argc, sizeof *words);
    if (!words)
        return fail("%s", lx_status_str(LX_E_NOMEM));
    int n_words = 0;
    int rc = parse_command_line(argc, argv, &o, &cmd, words, &n_words);
    if (rc >= 0)
        goto out;
    rc = EXIT_ERROR;
    if (o.excel && !(o.export_file && strlen(o.export_file) >= 4 &&
                     strcasecmp(o.export_file + strlen(o.export_file) - 4, ".csv") == 0)) {
        fail("--excel goes with --export FILE.csv");
        goto out;
    }
    if (o.tz_name) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        lx_status tst = lx_tz_open(o.tz_name, &o.tz, &why);
        if (tst)
            fail("--tz: %s", tst == LX_E_INVALID ? why.buf : lx_status_str(tst));
        lx_strbuf_release(&why);
        if (tst)
            goto out;
    }
    /* --after and --before name days, months or years on the zone's clocks. */
    int64_t first, last;
    if (o.after_text)
        lx_date_parse_query_in(o.after_text, strlen(o.after_text), o.tz, &o.after, &last);
    if (o.before_text)
        lx_date_parse_query_in(o.before_text, strlen(o.before_text), o.tz, &first, &o.before);
    if (o.has_after && o.has_before && o.after > o.before) {
        fail("--after is later than --before");
        goto out;
    }
    if (o.n_db == 0) {
        const char *env = getenv("LEAKDEX_DB");
        o.dbs[o.n_db++] = env && *env ? env : "leakdex.db";
    }
    if (o.out && cmd->fn != cmd_attachment) {
        fail("--out goes with the attachment command");
        goto out;
    }
    if ((o.export_file || o.export_dir) && cmd->fn != cmd_search && cmd->fn != cmd_batch &&
        cmd->fn != cmd_thread) {
        fail("--export and --export-dir go with search, not %s", cmd->name);
        goto out;
    }
    lx_db *db = NULL;
    char *err = NULL;
    lx_db_open_opts oo = {.paths = o.dbs,
                          .n_paths = o.n_db,
                          .timeout_ms = o.timeout_ms,
                          .allow_partial = o.allow_partial,
                          .warn = lx_databases_warn};
    lx_status st = lx_db_open_many(&oo, &db, &err);
    if (st) {
        fail("%s", err ? err : lx_status_str(st));
        free(err);
        goto out;
    }
    rc = cmd->fn(&o, db, n_words, words);
    lx_db_close(db);
    if (fflush(stdout) != 0 && rc != EXIT_ERROR)
        rc = fail("cannot write output: %s", strerror(errno));
out:
    lx_tz_free(o.tz);
    free(words);
    return rc;
}
