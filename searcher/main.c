/* main.c - leakdex-search: the options, the table of commands, and the run of one. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "date.h"
#include "export.h"
#include "front.h"
#include "schema.h"
#include "strbuf.h"
#include "xdb.h"
#include "banned.h"

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
    {"facets", cmd_facets, true, "[QUERY]",
     "exact counts by verdict, month, domain, sender, attachment, file type, conflict"},
    {"batch", cmd_batch, false, "FILE",
     "one query per line of FILE: hits and verified hits of each (--export: every hit)"},
    {"attachment", cmd_attachment, false, "ID N --out FILE",
     "write the original bytes of attachment N of a message (never over a file)"},
    {"attachment-text", cmd_attachment_text, false, "ID N",
     "the text of attachment N of a message, as the index keeps it (for snippets)"},
};

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

/* Where the command prints: standard output, its messages on standard
 * error, the query clock on (main starts it). */
static front_io cli;

/* Says on stderr that the query words[0..n) matched nothing; and, when one
 * of them is an option's name, that it was read as a query word: options go
 * before the query (budget --limit 3 searches for "--limit" and "3"). */
static void cli_no_match(int n, char **words)
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
    int rc = front_fail(&cli, "%s (try --help%s)", why.buf,
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
                return front_fail(&cli, "--db: at most %d (a stub file can name more)", MAX_DB);
            if (!*optarg)
                return front_fail(&cli, "--db: empty name");
            o->dbs[o->n_db++] = optarg;
            break;
        case O_ALLOW_PARTIAL: o->allow_partial = true; break;
        case O_QUERY_TIMEOUT: {
            char *end;
            errno = 0;
            double secs = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(secs >= 0.01 && secs <= 3600))
                return front_fail(&cli,
                                  "--query-timeout: '%s' is not a number of seconds (0.01 to 3600)",
                                  optarg);
            o->query_seconds = secs;
            break;
        }
        case O_REMOTE_TIMEOUT: {
            size_t secs;
            if (!front_size(optarg, &secs) || secs < 1 || secs > 3600)
                return front_fail(
                    &cli, "--remote-timeout: '%s' is not a number of seconds (1 to 3600)", optarg);
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
                return front_fail(&cli, "%s: at most %d values", name, MAX_FROM);
            if (!*optarg)
                return front_fail(&cli, "%s: empty value", name);
            list[(*cnt)++] = optarg;
            break;
        }
        case O_HAS_ATTACHMENT: o->has_attachment = true; break;
        case O_EXPORT: {
            lx_format f;
            if (!lx_export_format(optarg, &f))
                return front_fail(&cli, "--export %s: name the file .csv, .json or .ndjson",
                                  optarg);
            o->export_file = optarg;
            break;
        }
        case O_EXPORT_DIR:
            if (!*optarg)
                return front_fail(&cli, "--export-dir: empty name");
            o->export_dir = optarg;
            break;
        case O_EXCEL: o->excel = true; break;
        case O_AFTER:
        case O_BEFORE:
            /* Checked now, read once --tz (which may come later) is known. */
            if (lx_date_parse_query(optarg, strlen(optarg), &lo, &hi))
                return front_fail(&cli, "%s: bad date '%s' (use YYYY, YYYY-MM or YYYY-MM-DD)",
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
            if (!front_size(optarg, c == O_LIMIT ? &o->limit : &o->offset))
                return front_fail(&cli, "%s: '%s' is not a number",
                                  c == O_LIMIT ? "--limit" : "--offset", optarg);
            if (c == O_LIMIT && o->limit == 0)
                return front_fail(&cli, "--limit: must be at least 1");
            break;
        case O_FORMAT:
            if (!lx_format_parse(optarg, &o->format))
                return front_fail(&cli, "--format: '%s' is not text, json, ndjson or csv", optarg);
            break;
        case O_COUNT: o->count = true; break;
        case O_COLLAPSE:
            if (strcmp(optarg, "thread") != 0)
                return front_fail(&cli, "--collapse: '%s' is not thread", optarg);
            o->collapse = true;
            break;
        case O_OUT:
            if (!*optarg)
                return front_fail(&cli, "--out: empty name");
            o->out = optarg;
            break;
        case O_VERIFIED: o->verified = true; break;
        case 'h': usage(stdout); return EXIT_HITS;
        case O_HELP_QUERY: front_help_query(stdout); return EXIT_HITS;
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
    front_io_init(&cli, stdout, stderr);
    cli.clock = true;
    cli.bold = isatty(STDOUT_FILENO);
    cli.no_match = cli_no_match;
    options o;
    memset(&o, 0, sizeof o);
    o.format = LX_FMT_TEXT;
    const struct command *cmd = NULL;
    char **words = calloc((size_t)argc, sizeof *words);
    if (!words)
        return front_fail(&cli, "%s", lx_status_str(LX_E_NOMEM));
    int n_words = 0;
    int rc = parse_command_line(argc, argv, &o, &cmd, words, &n_words);
    if (rc >= 0)
        goto out;
    rc = EXIT_ERROR;
    if (o.excel && !(o.export_file && lx_export_is_csv(o.export_file))) {
        front_fail(&cli, "--excel goes with --export FILE.csv");
        goto out;
    }
    if (o.tz_name) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        lx_status tst = lx_tz_open(o.tz_name, &o.tz, &why);
        if (tst)
            front_fail(&cli, "--tz: %s", tst == LX_E_INVALID ? why.buf : lx_status_str(tst));
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
        front_fail(&cli, "--after is later than --before");
        goto out;
    }
    if (o.n_db == 0) {
        const char *env = getenv("LEAKDEX_DB");
        o.dbs[o.n_db++] = env && *env ? env : "leakdex.db";
    }
    if (o.out && cmd->fn != cmd_attachment) {
        front_fail(&cli, "--out goes with the attachment command");
        goto out;
    }
    if ((o.export_file || o.export_dir) && cmd->fn != cmd_search && cmd->fn != cmd_batch &&
        cmd->fn != cmd_thread) {
        front_fail(&cli, "--export and --export-dir go with search, not %s", cmd->name);
        goto out;
    }
    lx_db *db = NULL;
    char *err = NULL;
    lx_db_open_opts oo = {.paths = o.dbs,
                          .n_paths = o.n_db,
                          .timeout_ms = o.timeout_ms,
                          .allow_partial = o.allow_partial,
                          .warn = front_warn};
    lx_status st = lx_db_open_many(&oo, &db, &err);
    if (st) {
        front_fail(&cli, "%s", err ? err : lx_status_str(st));
        free(err);
        goto out;
    }
    rc = cmd->fn(&o, db, &cli, n_words, words);
    lx_db_close(db);
    if (fflush(stdout) != 0 && rc != EXIT_ERROR)
        rc = front_fail(&cli, "cannot write output: %s", strerror(errno));
out:
    lx_tz_free(o.tz);
    free(words);
    front_io_release(&cli);
    return rc;
}
