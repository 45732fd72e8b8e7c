/* main.c - leakdex-index: its options, and a table of its modes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attachtext.h"
#include "caps.h"
#include "cli.h"
#include "date.h"
#include "document.h"
#include "doctext.h"
#include "message.h"
#include "ocr.h"
#include "ocrpending.h"
#include "passes.h"
#include "pipeline.h"
#include "reverify.h"
#include "run.h"
#include "segrun.h"
#include "sources.h"
#include "banned.h"

enum { MAX_KEY_FILES = 64 };

/* What the command line asked for, beside the run's own settings. */
typedef struct options {
    lx_run run; /* its settings: --quiet, --inspect, --full, --no-dkim, --jobs... */
    const char *dbpath;
    bool hidden, reverify, dns, compact;
    const char *keys_out, *link_with;
    const char *keyfiles[MAX_KEY_FILES];
    size_t n_keyfiles;
    lx_attach_limits limits;
    bool ocr;                 /* --ocr: scans read by OCR, and what an index left pending */
    const char *ocr_lang;     /* --ocr-lang, else LX_OCR_DEFAULT_LANG */
    unsigned ocr_timeout;     /* --ocr-timeout, else LX_OCR_TIMEOUT */
    bool ocr_lang_given, ocr_timeout_given;
    int n_sources;
    char **sources;
} options;

static void usage(FILE *out)
{
    fputs("usage: leakdex-index [--db DIR] [--keys FILE]... [--jobs N] [--shard I/N] [--hidden] "
          "[--quiet] "
          "SOURCE...\n"
          "       leakdex-index --db DIR --ocr [--ocr-lang LANGS] [--ocr-timeout S]\n"
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
          "  --ocr        read scans by OCR (Tesseract): PDF pages without text, images\n"
          "               large enough to hold text; without SOURCE, or after the SOURCEs,\n"
          "               also the attachments an earlier run found scanned (ocr:pending)\n"
          "  --ocr-lang LANGS  Tesseract's languages, joined by + (default fra+eng;\n"
          "               each needs its package, tesseract-ocr-LANG)\n"
          "  --ocr-timeout S   seconds one document may take in OCR (default 600)\n"
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

static const struct option long_options[] = {
    {"db", required_argument, NULL, 'd'},
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
    {"ocr", no_argument, NULL, 'G'},
    {"ocr-lang", required_argument, NULL, 'g'},
    {"ocr-timeout", required_argument, NULL, 'E'},
    {NULL, 0, NULL, 0}};

/* --commit-every N. */
static bool commit_every_option(options *o, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || *end || v == 0 || arg[0] == '-') {
        lx_cli_say(stderr, "leakdex-index: ", "--commit-every: '%s' is not a positive number", arg);
        return false;
    }
    o->run.commit_every = (size_t)v;
    return true;
}

/* --corroborate-threshold P, with or without '%'. */
static bool threshold_option(options *o, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (errno || end == arg || (*end && strcmp(end, "%") != 0) || v < 1 || v > 100 ||
        arg[0] == '-') {
        lx_cli_say(stderr, "leakdex-index: ",
                   "--corroborate-threshold: '%s' is not a percentage from 1 to 100", arg);
        return false;
    }
    o->run.threshold = (unsigned)v;
    return true;
}

/* The --attach-* limits, by their option letter. */
static bool attach_option(options *o, int c, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || *end || v == 0 || arg[0] == '-' || (c == 'P' && v > 64) ||
        (c == 'W' && v > 86400)) {
        const char *oname = c == 'B'   ? "--attach-max-bytes"
                            : c == 'T' ? "--attach-max-text"
                            : c == 'P' ? "--attach-max-depth"
                            : c == 'M' ? "--attach-max-members"
                            : c == 'X' ? "--attach-max-ratio"
                            : c == 'U' ? "--attach-max-tree-text"
                            : c == 'A' ? "--attach-max-message-text"
                                       : "--attach-timeout";
        lx_cli_say(stderr, "leakdex-index: ", "%s: '%s' is not a positive number%s", oname, arg,
                   c == 'P'   ? " up to 64"
                   : c == 'W' ? " of seconds up to 86400"
                              : "");
        return false;
    }
    lx_attach_limits *l = &o->limits;
    switch (c) {
    case 'B': l->max_bytes = (size_t)v; break;
    case 'T': l->max_text = (size_t)v; break;
    case 'P': l->max_depth = (unsigned)v; break;
    case 'M': l->max_members = (size_t)v; break;
    case 'X': l->max_ratio = (size_t)v; break;
    case 'U': l->tree_text = (size_t)v; break;
    case 'A': l->message_text = (size_t)v; break;
    default: l->timeout = (unsigned)v; break;
    }
    return true;
}

/* --ocr-timeout S. */
static bool ocr_timeout_option(options *o, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (errno || *end || end == arg || v == 0 || v > 86400 || arg[0] == '-') {
        lx_cli_say(stderr, "leakdex-index: ",
                   "--ocr-timeout: '%s' is not a positive number of seconds up to 86400", arg);
        return false;
    }
    o->ocr_timeout = (unsigned)v;
    o->ocr_timeout_given = true;
    return true;
}

/* Each language of o->ocr_lang has its data where Tesseract looks
 * (TESSDATA_PREFIX, else its default): else false, after saying which
 * is missing and the Debian package that has it. */
static bool ocr_lang_installed(const options *o)
{
    const char *dir = getenv("TESSDATA_PREFIX");
    if (!dir || !*dir)
        dir = LX_OCR_TESSDATA;
    const char *p = o->ocr_lang;
    while (*p) {
        size_t n = strcspn(p, "+");
        char path[4096];
        snprintf(path, sizeof path, "%s/%.*s.traineddata", dir, (int)n, p);
        if (access(path, R_OK) != 0) {
            /* Debian names each package after the language, lowercased. */
            char pkg[LX_OCR_MAX_LANG + 32];
            snprintf(pkg, sizeof pkg, "tesseract-ocr-%.*s", (int)n, p);
            for (char *c = pkg; *c; c++)
                if (*c == '_')
                    *c = '-';
                else if (*c >= 'A' && *c <= 'Z')
                    *c = (char)(*c - 'A' + 'a');
            lx_cli_say(stderr, "leakdex-index: ",
                       "--ocr-lang: no language data for '%.*s' in %s (install %s)", (int)n, p,
                       dir, pkg);
            return false;
        }
        p += n + (p[n] == '+');
    }
    return true;
}

/* --jobs N. */
static bool jobs_option(options *o, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (errno || *end || end == arg || v == 0 || v > 256 || arg[0] == '-') {
        lx_cli_say(stderr, "leakdex-index: ", "--jobs: '%s' is not a number from 1 to 256", arg);
        return false;
    }
    o->run.jobs = (unsigned)v;
    return true;
}

/* One option with its value (the ones that stop the program at once,
 * --help, --version and errors, are main's). False after saying why. */
static bool take_option(options *o, int c, const char *arg)
{
    lx_run *r = &o->run;
    switch (c) {
    case 'd': o->dbpath = arg; return true;
    case 'H': o->hidden = true; return true;
    case 'q': r->quiet = true; return true;
    case 'I': r->inspect = true; return true;
    case 'F': r->full = true; return true;
    case 'N': r->no_dkim = true; return true;
    case 'D': o->dns = true; return true;
    case 'O': o->keys_out = arg; return true;
    case 'R': o->reverify = true; return true;
    case 'Z': o->compact = false; return true;
    case 'G': o->ocr = true; return true;
    case 'g':
        o->ocr_lang = arg;
        o->ocr_lang_given = true;
        return true;
    case 'E': return ocr_timeout_option(o, arg);
    case 'C': return commit_every_option(o, arg);
    case 'Y': return threshold_option(o, arg);
    case 'j': return jobs_option(o, arg);
    case 'S':
        if (!lx_shard_parse(arg, &r->shard)) {
            lx_cli_say(stderr,
                       "leakdex-index: ", "--shard: '%s' is not I/N (1 <= I <= N <= %d; e.g. 2/3)",
                       arg, LX_MAX_SHARDS);
            return false;
        }
        r->sharded = true;
        return true;
    case 'L':
        if (!*arg) {
            fputs("leakdex-index: --link-with: empty name\n", stderr);
            return false;
        }
        o->link_with = arg;
        return true;
    case 'k':
        if (o->n_keyfiles == MAX_KEY_FILES) {
            fprintf(stderr, "leakdex-index: at most %d --keys files\n", MAX_KEY_FILES);
            return false;
        }
        o->keyfiles[o->n_keyfiles++] = arg;
        return true;
    default: return attach_option(o, c, arg);
    }
}

/* Reads the command line into o: -1 to go on, else the exit code (after
 * --help, --version, or a usage error said on stderr). */
static int parse_options(int argc, char **argv, options *o)
{
    opterr = 0;
    for (;;) {
        /* "+": options end at the first SOURCE; ":" tells a missing value
         * from an unknown option. at is the word getopt_long reads next, to
         * name it in an error: afterwards optind may be past it or, in
         * "-lyon", still on it. */
        int at = optind;
        int c = getopt_long(argc, argv, "+:h", long_options, NULL);
        if (c == -1)
            break;
        if (c == 'h') {
            usage(stdout);
            return LX_EXIT_OK;
        }
        if (c == 'V') {
            puts("leakdex-index " LEAKDEX_VERSION);
            return LX_EXIT_OK;
        }
        if (c == '?' || c == ':') {
            lx_strbuf why;
            lx_strbuf_init(&why);
            lx_cli_option_error(long_options, argv[at], c, &why);
            lx_cli_say(stderr, "leakdex-index: ", "%s (try --help)", why.buf);
            lx_strbuf_release(&why);
            return LX_EXIT_USAGE;
        }
        if (!take_option(o, c, optarg))
            return LX_EXIT_USAGE;
    }
    if (!o->dbpath || !*o->dbpath)
        o->dbpath = "leakdex.db";
    o->n_sources = argc - optind;
    o->sources = argv + optind;
    return -1;
}

/* The combinations of options that make no sense: -1 when none, else the
 * exit code after saying which. */
static int check_options(const options *o)
{
    const lx_run *r = &o->run;
    const char *bad = NULL;
    if (o->reverify && (o->n_sources || r->inspect || r->no_dkim || o->ocr))
        bad = "--reverify takes --db and --keys, no SOURCE (try --help)";
    else if (o->link_with &&
             (o->n_sources || o->reverify || r->inspect || r->sharded || o->dns || o->ocr))
        bad = "--link-with takes --db (a shard) and ALL, no SOURCE (try --help)";
    else if ((o->ocr_lang_given || o->ocr_timeout_given) && !o->ocr)
        bad = "--ocr-lang and --ocr-timeout go with --ocr (try --help)";
    else if (o->ocr && !lx_ocr_lang_valid(o->ocr_lang))
        bad = "--ocr-lang: languages are Tesseract's names joined by + (e.g. fra+eng)";
    else if (!o->reverify && !o->link_with && !o->n_sources && !(o->ocr && !r->inspect))
        bad = "no SOURCE given (try --help)";
    else if (r->sharded && (o->reverify || r->inspect))
        bad = "--shard goes with indexing, not --reverify or --inspect";
    else if (r->full && !r->inspect)
        bad = "--full goes with --inspect (try --help)";
    else if (o->dns != (o->keys_out != NULL))
        bad = "--dns needs --keys-out FILE, where the records found are kept (try --help)";
    else if (o->dns && (r->no_dkim || o->reverify))
        bad = "--dns goes with indexing, not --no-dkim or --reverify";
    else if (r->no_dkim && o->n_keyfiles)
        bad = "--no-dkim and --keys contradict each other (try --help)";
    if (!bad)
        return o->ocr && !ocr_lang_installed(o) ? LX_EXIT_USAGE : -1;
    fprintf(stderr, "leakdex-index: %s\n", bad);
    return LX_EXIT_USAGE;
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

/* How the index is closed: rewritten compactly, or replaced by the merged
 * copy of a segment run. */
typedef struct closing {
    bool compacted;
    char *why;    /* not compacted: why (malloc'd) */
    off_t before; /* bytes before */
    double t0;
} closing;

/* A run that wrote a good part of the index rewrites it compactly (about
 * half the size); small additions do not pay for it. A segment run's
 * merged copy takes the index's place, compacted. The status of closing. */
static lx_status close_index(options *o, int rc, bool merged, closing *c)
{
    lx_run *r = &o->run;
    lx_status cst;
    size_t added = 0;
    for (size_t i = 0; i < r->report.n; i++)
        added += r->report.v[i].indexed;
    unsigned docs = r->fatal ? 0 : lx_db_doccount(r->db);
    c->t0 = lx_run_now();
    if (merged) {
        /* The size before compaction is the committed one (the passes'
         * writes included); a failure to commit is the closing's to say,
         * which commits again. */
        (void)lx_db_commit(r->db);
        c->before = dir_bytes(r->db_path);
        if ((cst = lx_segrun_replace(r, o->dbpath, &c->compacted, &c->why)) && c->why) {
            lx_cli_say(stderr, "leakdex-index: ", "cannot replace the index: %s", c->why);
            free(c->why);
            c->why = NULL;
        }
        return cst;
    }
    if (lx_segrun_active(r))
        lx_db_remove_stale_copy(o->dbpath); /* the segments, when not merged */
    if (o->compact && !r->fatal && rc != LX_EXIT_DB && added &&
        added * 100 >= (size_t)docs * LX_COMPACT_SHARE) {
        (void)lx_db_commit(r->db);
        c->before = dir_bytes(o->dbpath);
        return lx_db_close_compacted(r->db, &c->compacted, &c->why);
    }
    return lx_db_close(r->db);
}

/* --ocr's pass over the documents an earlier run left ocr:pending (their
 * scans found, not read), into r->report; true after a database error
 * (r->fatal set and said). */
static bool ocr_pending(options *o, lx_ocr_pending_stats *ops)
{
    lx_run *r = &o->run;
    lx_status st = lx_ocr_pending(r, ops);
    if (!st)
        return false;
    lx_cli_say(stderr, "leakdex-index: ", "stopping: %s: %s", lx_status_str(st),
               lx_db_error(r->db));
    r->fatal = st;
    return true;
}

static void print_ocr_pending(const lx_ocr_pending_stats *ops)
{
    printf("ocr pending: %zu documents with scans not yet read, %zu read again, %zu could not be "
           "read back, %zu could not be parsed (left pending); %.2f s\n",
           ops->documents, ops->rewritten, ops->unreadable, ops->failed, ops->seconds);
}

/* After the sources are read: a segment run's merge, the passes, then the
 * index closed (rewritten compactly or replaced), then the report. rc: the
 * exit code so far, updated. */
static int finish_index(options *o, double t0, int rc)
{
    lx_run *r = &o->run;
    /* When the index last changed, for exports that describe themselves. */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char iso[32];
    lx_date_format_iso(now.tv_sec, iso);
    bool merged = false;
    bool seg_lost = lx_segrun_active(r);
    if (lx_segrun_active(r) && !r->fatal) {
        if (lx_segrun_merge(r, &merged))
            r->fatal = LX_E_DB_WRITE;
        else
            seg_lost = false;
    }
    /* --ocr: the scans earlier runs left unread, before the passes. */
    lx_ocr_pending_stats ops;
    bool pending = o->ocr && !r->fatal;
    if (pending && ocr_pending(o, &ops))
        rc = LX_EXIT_DB;
    if (!r->fatal) {
        if (!lx_passes_run(r))
            rc = LX_EXIT_DB;
        lx_db_set_metadata(r->db, LX_UPDATED_METADATA_KEY, iso);
        lx_segrun_record_bytes(r);
    }
    closing c = {false, NULL, 0, 0};
    lx_status cst = close_index(o, rc, merged, &c);
    if (cst) {
        fprintf(stderr, "leakdex-index: cannot commit the index: %s\n", lx_status_str(cst));
        rc = LX_EXIT_DB;
    }
    if (seg_lost || (merged && cst))
        lx_segrun_lost(r);
    else if (cst)
        lx_run_uncommitted_lost(r);
    if (r->fatal) {
        r->report.stopped = lx_status_str(r->fatal);
        rc = LX_EXIT_DB;
    } else if (cst) {
        r->report.stopped = lx_status_str(cst);
    }
    lx_report_print(&r->report, stdout, lx_run_now() - t0);
    if (pending)
        print_ocr_pending(&ops);
    print_atimes(&r->atimes, stdout, "");
    if (c.compacted)
        printf("compacted: the index rewritten from %.1f MB to %.1f MB in %.2f s\n",
               (double)c.before / 1e6, (double)dir_bytes(o->dbpath) / 1e6, lx_run_now() - c.t0);
    else if (c.why)
        lx_cli_say(stdout, "", "not compacted: %s", c.why);
    free(c.why);
    return rc;
}

/* The run's attachment context (r->attach), with --ocr's settings: false
 * after saying why there is none. */
static bool attach_new(options *o)
{
    lx_run *r = &o->run;
    /* PDF and office documents are read by this very program, run again as
     * a helper process with limits. */
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = '\0';
    lx_strbuf why;
    lx_strbuf_init(&why);
    r->attach = lx_attachtext_ctx_new(&o->limits, sl > 0 ? self : NULL, &why);
    if (!r->attach)
        lx_cli_say(stderr, "leakdex-index: ", "%s", why.buf);
    lx_strbuf_release(&why);
    /* Checked by check_options: cannot fail. */
    if (r->attach)
        lx_attachtext_set_ocr(r->attach, o->ocr, o->ocr_lang, o->ocr_timeout);
    return r->attach != NULL;
}

/* Reads every SOURCE through the pipeline: into the index, or (--inspect)
 * printed. Returns the exit code; the index is closed. */
static int read_sources(options *o)
{
    lx_run *r = &o->run;
    double t0 = lx_run_now();
    lx_message_library_init();
    int rc = LX_EXIT_OK;
    if (!attach_new(o)) {
        if (r->db)
            lx_db_close(r->db);
        lx_message_library_shutdown();
        return LX_EXIT_DB;
    }
    lx_report_init(&r->report);
    r->report.ocr = o->ocr;
    r->report.ocr_lang = o->ocr_lang;
    if ((rc = lx_pipeline_start(r)) == LX_EXIT_OK && !r->inspect &&
        !lx_segrun_init(r, r->jobs > 1 && o->compact)) {
        fputs("leakdex-index: out of memory\n", stderr);
        lx_pipeline_stop(r);
        rc = LX_EXIT_DB;
    }
    if (rc != LX_EXIT_OK) {
        if (r->db)
            lx_db_close(r->db);
        goto out;
    }
    lx_sources_count(r, o->hidden, o->n_sources, o->sources);
    r->report.jobs = r->jobs;
    if (r->sharded)
        snprintf(r->report.shard, sizeof r->report.shard, "%u/%u", r->shard.index, r->shard.count);
    r->report.dkim_checked = !r->no_dkim;
    r->report.key_files = o->keyfiles;
    r->report.n_key_files = o->n_keyfiles;
    r->report.keys_out = o->keys_out;
    r->report.dns = o->dns;
    bool missing = lx_sources_read(r, o->hidden, o->n_sources, o->sources);
    /* What is still in flight; after a fatal error, dropped unwritten. */
    lx_status dst = lx_pipeline_drain(r, 0);
    if (dst && !r->fatal)
        r->fatal = dst;
    lx_pipeline_stop(r);
    lx_run_progress(r, true);
    lx_run_clear_progress(r);
    rc = missing ? LX_EXIT_SOURCE : LX_EXIT_OK;
    if (r->fatal) {
        lx_cli_say(stderr, "leakdex-index: ", "stopping: %s%s%s", lx_status_str(r->fatal),
                   r->db ? ": " : "", r->db ? lx_db_error(r->db) : "");
        rc = LX_EXIT_DB;
    }
    if (r->inspect) {
        if (r->fatal)
            rc = r->fatal == LX_E_IO ? LX_EXIT_USAGE : LX_EXIT_DB;
        /* --inspect's output is the messages; this goes with its warnings. */
        print_atimes(&r->atimes, stderr, "leakdex-index: ");
    } else {
        rc = finish_index(o, t0, rc);
    }
out:
    lx_segrun_free(r);
    lx_report_release(&r->report);
    lx_atime_stats_release(&r->atimes);
    free(r->uncommitted);
    lx_attachtext_ctx_free(r->attach);
    lx_message_library_shutdown();
    return rc;
}

/* Indexing: the SOURCEs into the index at --db. */
static int mode_index(options *o)
{
    lx_run *r = &o->run;
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_status st = lx_document_check_shard(r->db, o->dbpath, r->sharded ? &r->shard : NULL, &why);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "%s", why.len ? why.buf : lx_status_str(st));
        lx_strbuf_release(&why);
        lx_db_close(r->db);
        return st == LX_E_INVALID ? LX_EXIT_USAGE : LX_EXIT_DB;
    }
    lx_strbuf_release(&why);
    return read_sources(o);
}

/* --inspect: each message printed as read, no index. */
static int mode_inspect(options *o)
{
    return read_sources(o);
}

/* --ocr without SOURCE: the scans earlier runs found and left unread
 * (ocr:pending), read by OCR; nothing else of the index changes. */
static int mode_ocr(options *o)
{
    lx_run *r = &o->run;
    lx_message_library_init();
    int rc = LX_EXIT_OK;
    lx_report_init(&r->report);
    r->report.ocr = true;
    r->report.ocr_lang = o->ocr_lang;
    lx_ocr_pending_stats ops;
    memset(&ops, 0, sizeof ops);
    if (!attach_new(o) || ocr_pending(o, &ops))
        rc = LX_EXIT_DB;
    lx_status cst = lx_db_close(r->db);
    if (cst) {
        fprintf(stderr, "leakdex-index: cannot commit the index: %s\n", lx_status_str(cst));
        rc = LX_EXIT_DB;
    }
    if (r->attach) {
        print_ocr_pending(&ops);
        lx_report_print_scans(&r->report, stdout);
        print_atimes(&r->atimes, stdout, "");
    }
    lx_report_release(&r->report);
    lx_atime_stats_release(&r->atimes);
    lx_attachtext_ctx_free(r->attach);
    lx_message_library_shutdown();
    return rc;
}

static void reverify_warn(void *ctx, const char *path, const char *reason)
{
    lx_run_warn(ctx, path, reason);
}

/* --reverify: new verdicts for an existing index. */
static int mode_reverify(options *o)
{
    lx_run *r = &o->run;
    double t0 = lx_run_now();
    /* --reverify parses too: where a signature's l= leaves text unsigned. */
    lx_message_library_init();
    lx_reverify_stats rs;
    lx_status st = lx_reverify(r->db, r->keys, &rs, reverify_warn, r);
    int rc = LX_EXIT_OK;
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "stopping: %s: %s", lx_status_str(st),
                   lx_db_error(r->db));
        rc = LX_EXIT_DB;
    }
    /* New verdicts change what corroborates what. */
    if (!st && ((st = lx_db_commit(r->db)) || !lx_passes_chains(r, NULL)))
        rc = LX_EXIT_DB;
    lx_status cst = lx_db_close(r->db);
    if (cst) {
        fprintf(stderr, "leakdex-index: cannot commit the index: %s\n", lx_status_str(cst));
        rc = LX_EXIT_DB;
    }
    printf("reverify: %zu documents, %zu verified again (%zu verdicts changed), %zu could not "
           "be read back (verdict kept); %.2f s\n",
           rs.documents, rs.verified, rs.changed, rs.unreadable, lx_run_now() - t0);
    printf("dkim: %zu pass, %zu fail, %zu nokey, %zu invalid, %zu unsigned\n",
           rs.verdicts[LX_VERDICT_PASS], rs.verdicts[LX_VERDICT_FAIL],
           rs.verdicts[LX_VERDICT_NOKEY], rs.verdicts[LX_VERDICT_INVALID],
           rs.verdicts[LX_VERDICT_NONE]);
    printf("verified: %zu (signed by the sender's domain: From, Subject, Date and the whole "
           "body), %zu signed in part\n",
           rs.yes, rs.partial);
    if (r->report.chained)
        lx_report_print_chains(&r->report, stdout);
    print_atimes(&rs.atimes, stdout, "");
    lx_atime_stats_release(&rs.atimes);
    lx_message_library_shutdown();
    return rc;
}

/* --link-with ALL: this shard's threads and chains, computed over every
 * shard read together (ALL: a stub file or a directory list), so that
 * conversations and quotes that cross shards are found as in one index. */
static int mode_link(options *o)
{
    lx_run *r = &o->run;
    char *err = NULL;
    r->all_path = o->link_with;
    lx_status st = lx_db_open(r->all_path, LX_DB_READ, &r->all, &err);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "--link-with: %s", err ? err : lx_status_str(st));
        free(err);
        lx_db_close(r->db);
        return LX_EXIT_DB;
    }
    double t0 = lx_run_now();
    bool ok = lx_passes_run(r);
    lx_db_close(r->all);
    r->all = NULL;
    lx_status cst = lx_db_close(r->db);
    if (cst)
        fprintf(stderr, "leakdex-index: cannot commit the index: %s\n", lx_status_str(cst));
    if (ok && !cst) {
        lx_report_print_passes(&r->report, stdout);
        lx_cli_say(stdout, "", "linked with %s in %.2f s", r->all_path, lx_run_now() - t0);
    }
    return ok && !cst ? LX_EXIT_OK : LX_EXIT_DB;
}

/* The modes, chosen by the options: each opens nothing more than the
 * index main opened, and closes it. */
static const struct mode {
    const char *name;
    int (*run)(options *o);
    bool writes; /* opens the index to write (every mode but --inspect) */
} modes[] = {
    {"index", mode_index, true},
    {"inspect", mode_inspect, false},
    {"reverify", mode_reverify, true},
    {"link-with", mode_link, true},
    {"ocr", mode_ocr, true},
};

static const struct mode *mode_of(const options *o)
{
    const char *name = o->link_with                 ? "link-with"
                       : o->reverify                ? "reverify"
                       : o->run.inspect             ? "inspect"
                       : o->ocr && !o->n_sources    ? "ocr"
                                                    : "index";
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(modes[i].name, name) == 0)
            return &modes[i];
    return &modes[0];
}

/* The key store: the --keys files, and --keys-out for --dns. -1 when
 * ready, else the exit code after saying why. */
static int load_keys(options *o)
{
    lx_run *r = &o->run;
    if (!(r->keys = lx_keystore_new())) {
        fputs("leakdex-index: out of memory\n", stderr);
        return LX_EXIT_DB;
    }
    for (size_t i = 0; i < o->n_keyfiles; i++) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        lx_status st = lx_keystore_load(r->keys, o->keyfiles[i], &why);
        if (st)
            lx_cli_say(stderr, "leakdex-index: ", "key file %s", why.buf);
        lx_strbuf_release(&why);
        if (st)
            return LX_EXIT_USAGE;
    }
    const char *why;
    if (o->keys_out && lx_keystore_dns_open(r->keys, o->keys_out, &why)) {
        lx_cli_say(stderr, "leakdex-index: ", "--keys-out %s: %s", o->keys_out, why);
        return LX_EXIT_USAGE;
    }
    return -1;
}

/* Opens the index at --db for the mode (none for --inspect) and removes a
 * copy a killed compaction left. -1 when ready, else the exit code. */
static int open_index(options *o, const struct mode *m)
{
    lx_run *r = &o->run;
    r->db_path = o->dbpath;
    if (!m->writes)
        return -1;
    char *err = NULL;
    lx_status st = lx_db_open(o->dbpath, LX_DB_WRITE, &r->db, &err);
    if (st) {
        lx_cli_say(stderr, "leakdex-index: ", "%s", err ? err : lx_status_str(st));
        free(err);
        return LX_EXIT_DB;
    }
    lx_db_remove_stale_copy(o->dbpath);
    return -1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--extract-helper") == 0)
        return lx_doctext_helper_main(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--extract-server") == 0)
        return lx_doctext_server_main(argv[2]);
    static options o; /* static: large, and zeroed */
    lx_attach_limits_default(&o.limits);
    o.dbpath = getenv("LEAKDEX_DB");
    o.compact = true;
    o.run.commit_every = LX_COMMIT_BATCH;
    o.run.threshold = LX_CHAIN_THRESHOLD;
    o.ocr_lang = LX_OCR_DEFAULT_LANG;
    o.ocr_timeout = LX_OCR_TIMEOUT;
    int rc = parse_options(argc, argv, &o);
    if (rc < 0)
        rc = check_options(&o);
    if (rc >= 0)
        return rc;
    const struct mode *m = mode_of(&o);
    /* The key store has one owner, here: every mode's way out frees it. */
    if ((rc = load_keys(&o)) < 0 && (rc = open_index(&o, m)) < 0)
        rc = m->run(&o);
    lx_keystore_free(o.run.keys);
    return rc;
}
