/* main.c - leakdex-index: walk the sources, parse every message, write the index. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "caps.h"
#include "dkim.h"
#include "date.h"
#include "dns.h"
#include "doctext.h"
#include "inspect.h"
#include "mbox.h"
#include "message.h"
#include "report.h"
#include "corroborate.h"
#include "reverify.h"
#include "sniff.h"
#include "sha256.h"
#include "store.h"
#include "thread.h"
#include "walk.h"
#include "xdb.h"
#include "banned.h"

/* Exit codes, as documented in the README. */
enum { EXIT_OK = 0, EXIT_DB = 1, EXIT_USAGE = 2, EXIT_SOURCE = 3 };

typedef struct indexer {
    lx_db *db;
    lx_db *all; /* what the thread and chain passes read: db, or every shard (--link-with) */
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
    lx_status fatal;     /* a database error that ends the run */
    bool sharded;        /* --shard I/N: only the messages of that shard */
    lx_shard shard;
    lx_strbuf canon;
    unsigned threshold;    /* --corroborate-threshold, percent */
    lx_attach_ctx *attach; /* attachment limits, libmagic, texts already extracted */
} indexer;

static void warn(const indexer *ix, const char *path, const char *reason)
{
    if (!ix->quiet)
        fprintf(stderr, "leakdex-index: %s: %s\n", path, reason);
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
        if (g->result != LX_DKIM_NOKEY || !*g->selector || !*g->domain)
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

/* Counts a message's attachments in the report and warns about those a
 * limit or damage stopped. */
static void report_attachments(indexer *ix, const lx_location *loc, const lx_attach_list *att)
{
    lx_report *r = &ix->report;
    lx_strbuf where, line;
    lx_strbuf_init(&where);
    lx_strbuf_init(&line);
    r->att_dropped += att->dropped;
    for (size_t i = 0; i < att->n; i++) {
        const lx_attachment *a = &att->v[i];
        r->att_total++;
        r->att_cached += a->from_cache;
        if ((a->status == LX_ATT_OK || a->status == LX_ATT_TRUNCATED) && a->text_len)
            r->att_text++;
        bool quiet_skip = a->status == LX_ATT_SKIPPED && strncmp(a->reason, "no text in ", 11) == 0;
        switch (a->status) {
        case LX_ATT_OK: break;
        case LX_ATT_TRUNCATED: r->att_truncated++; break;
        case LX_ATT_SKIPPED: r->att_skipped++; break;
        case LX_ATT_FAILED: r->att_failed++; break;
        }
        if (a->status == LX_ATT_OK || quiet_skip)
            continue;
        lx_strbuf_reset(&line);
        lx_attach_status_line(a, &line);
        lx_report_attachment(r, line.buf);
        lx_strbuf_reset(&where);
        lx_store_format_location(&where, loc);
        for (size_t k = 0; k < where.len; k++)
            if (where.buf[k] == '\t')
                where.buf[k] = k == strcspn(where.buf, "\t") ? '@' : '+';
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
}

static lx_status index_message(indexer *ix, lx_source_stats *s, const char *data, size_t len,
                               bool from_mbox, const lx_location *loc)
{
    char sha[LX_SHA256_HEX_LEN + 1];
    lx_store_seen seen;
    lx_status st;
    lx_strbuf where;
    lx_strbuf_init(&where);
    s->found++;
    if (len > LX_MAX_MESSAGE_BYTES) {
        lx_report_skip(s, "message larger than 256 MiB", 0);
        warn(ix, loc->path, "message larger than 256 MiB, skipped");
        return LX_OK;
    }
    lx_strbuf_reset(&ix->canon);
    if ((st = lx_mbox_canonical(&ix->canon, data, len, from_mbox)) ||
        (st = lx_sha256_hex(ix->canon.buf, ix->canon.len, sha)))
        return st;
    if (ix->sharded &&
        lx_shard_of(ix->canon.buf, ix->canon.len, sha, ix->shard.count) != ix->shard.index) {
        s->other_shard++;
        return LX_OK;
    }
    if (ix->inspect) {
        seen = LX_SEEN_NEW;
    } else if ((st = lx_store_lookup(ix->db, sha, loc, &seen))) {
        return st;
    }
    if (seen == LX_SEEN_KNOWN) {
        s->known++;
        return LX_OK;
    }
    if (seen == LX_SEEN_DUPLICATE) {
        s->duplicates++;
    } else {
        lx_message msg;
        lx_strbuf why;
        lx_strbuf_init(&why);
        st = lx_message_parse(&msg, ix->canon.buf, ix->canon.len, &why);
        if (st == LX_E_NOMEM) {
            lx_strbuf_release(&why);
            return st;
        }
        if (st) {
            lx_report_skip(s, why.buf, 0);
            lx_store_format_location(&where, loc);
            warn(ix, where.buf, why.buf);
            lx_strbuf_release(&where);
            lx_strbuf_release(&why);
            return LX_OK;
        }
        lx_strbuf_release(&why);
        lx_attach_list att;
        lx_attach_list_init(&att);
        if ((st = lx_attach_extract(ix->attach, &msg, &att))) {
            lx_attach_list_release(&att);
            lx_message_release(&msg);
            return st;
        }
        lx_dkim_verdict dkim = {0};
        if (!ix->no_dkim) {
            /* Verified on the canonical bytes: CRLF, no mbox separator,
             * mboxrd quoting undone, as the message was sent. */
            if ((st = lx_dkim_verify(ix->keys, ix->canon.buf, ix->canon.len, &dkim))) {
                lx_attach_list_release(&att);
                lx_message_release(&msg);
                return st;
            }
        }
        if (!ix->no_dkim && ix->keys_out && dns_fetch(ix, &dkim)) {
            /* New records came from DNS: verify again with them. */
            lx_dkim_verdict_release(&dkim);
            if ((st = lx_dkim_verify(ix->keys, ix->canon.buf, ix->canon.len, &dkim))) {
                lx_attach_list_release(&att);
                lx_message_release(&msg);
                return st;
            }
        }
        const lx_dkim_verdict *dk = ix->no_dkim ? NULL : &dkim;
        if (ix->inspect) {
            lx_strbuf json;
            lx_strbuf_init(&json);
            st = lx_inspect_json(&json, &msg, &att, sha, ix->canon.len, loc, ix->full, dk);
            if (!st && (fwrite(json.buf, 1, json.len, stdout) != json.len || putchar('\n') == EOF))
                st = LX_E_IO;
            lx_strbuf_release(&json);
        } else {
            st = lx_store_add(ix->db, sha, ix->canon.len, loc, &msg, &att, dk);
        }
        for (unsigned bit = 0; !st && !ix->inspect && bit < LX_NOTE_COUNT_; bit++) {
            if (!(msg.notes & (1u << bit)))
                continue;
            const char *what = lx_message_note_text(1u << bit);
            lx_report_note(s, what);
            lx_strbuf_reset(&where);
            lx_store_format_location(&where, loc);
            for (size_t k = 0; k < where.len; k++)
                if (where.buf[k] == '\t')
                    where.buf[k] = k == strcspn(where.buf, "\t") ? '@' : '+';
            char line[300];
            snprintf(line, sizeof line, "indexed, but %s", what);
            warn(ix, where.buf, line);
        }
        if (!st && !ix->inspect)
            report_attachments(ix, loc, &att);
        lx_attach_list_release(&att);
        lx_strbuf_release(&where);
        if (!st && dk) {
            ix->report.dkim[dk->verdict]++;
            for (size_t i = 0; i < dk->n; i++)
                if (dk->sigs[i].result == LX_DKIM_PASS && dk->sigs[i].weak) {
                    ix->report.dkim_weak++;
                    break;
                }
        }
        lx_dkim_verdict_release(&dkim);
        if (!st) {
            s->indexed++;
            if (msg.date_source == LX_DATE_NONE)
                s->no_date++;
            else if (msg.date_source == LX_DATE_RECEIVED)
                s->date_from_received++;
        }
        lx_message_release(&msg);
        if (st)
            return st;
    }
    if (!ix->inspect && ++ix->since_commit >= ix->commit_every) {
        ix->since_commit = 0;
        return lx_db_commit(ix->db);
    }
    return LX_OK;
}

/* Opens a source file read-only without updating its access time when the
 * system allows it: the sources are evidence. */
static int open_evidence(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOATIME | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    return fd;
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
    int fd = open_evidence(path);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        snprintf(reason, sizeof reason, "cannot read: %s", strerror(errno));
        lx_report_skip(s, reason, 1);
        warn(ix, path, reason);
        if (fd >= 0)
            close(fd);
        return 0;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size == 0 || (size_t)sb.st_size > LX_MAX_SOURCE_BYTES) {
        const char *why = !S_ISREG(sb.st_mode) ? "not a regular file"
                          : sb.st_size == 0    ? "empty file"
                                               : "file larger than 4 GiB";
        lx_report_skip(s, why, 1);
        warn(ix, path, why);
        close(fd);
        return 0;
    }
    size_t len = (size_t)sb.st_size;
    char *data = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED) {
        snprintf(reason, sizeof reason, "cannot map: %s", strerror(errno));
        lx_report_skip(s, reason, 1);
        warn(ix, path, reason);
        return 0;
    }
    lx_status st = LX_OK;
    lx_sniff kind_of = lx_sniff_data(data, len);
    if (kind_of == LX_SNIFF_MBOX) {
        lx_source_stats *ms = lx_report_source(&ix->report, path, LX_SOURCE_MBOX);
        lx_mbox_iter it;
        lx_mbox_msg m;
        lx_mbox_iter_init(&it, data, len);
        while (ms && !st && lx_mbox_next(&it, &m)) {
            lx_location loc = {path, true, m.from_line, m.end - m.from_line};
            if (m.end == m.start) {
                ms->found++;
                lx_report_skip(ms, "empty message in mbox", 0);
                snprintf(reason, sizeof reason, "empty message at byte %zu of the mbox",
                         m.from_line);
                warn(ix, path, reason);
                continue;
            }
            st = index_message(ix, ms, data + m.start, m.end - m.start, true, &loc);
        }
        if (!ms)
            st = LX_E_NOMEM;
    } else if (kind_of == LX_SNIFF_MESSAGE) {
        lx_location loc = {path, false, 0, len};
        st = index_message(ix, s, data, len, false, &loc);
    } else {
        lx_report_skip(s, "not a mail message (no header block)", 1);
        warn(ix, path, "not a mail message (no header block), skipped");
    }
    munmap(data, len);
    if (st) {
        ix->fatal = st;
        return 1;
    }
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
    fputs("usage: leakdex-index [--db DIR] [--keys FILE]... [--shard I/N] [--hidden] [--quiet] "
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
          "  --commit-every N  commit the index every N new documents (default 2000); a run\n"
          "               killed at any moment keeps what was committed, the next completes it\n"
          "  --shard I/N  index only the messages of shard I of N (by Message-ID, else\n"
          "               identity); the others are counted as \"other\". Run it once per\n"
          "               shard, on as many machines, each into its own --db\n"
          "  --hidden     also index hidden files and directories (names starting with '.')\n"
          "  --attach-max-bytes N    bytes of one attachment read for text (default 64 MiB)\n"
          "  --attach-max-text N     extracted text kept per attachment (default 4 MiB)\n"
          "  --attach-max-depth N    containers opened inside containers (default 6)\n"
          "  --attach-max-members N  files read from one archive (default 1000)\n"
          "  --attach-max-ratio N    unpacked bytes per archive byte (default 100)\n"
          "  --attach-timeout S      seconds per extraction in a helper process (default 30)\n"
          "  --quiet      no warnings on stderr; the report is still printed\n"
          "  --inspect    write no index: print each message as the indexer reads it,\n"
          "               one JSON object per line (body cut at 4 KiB)\n"
          "  --full       with --inspect, the whole body\n"
          "  --help       this text\n"
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

/* The corroboration pass, its figures into the report; false on a database
 * error (reported). */
static bool run_chains(indexer *ix)
{
    lx_corroborate_stats cs;
    double t0 = now_seconds();
    lx_status st = lx_corroborate_pass(ix->all ? ix->all : ix->db, ix->db, ix->threshold, &cs);
    if (st) {
        fprintf(stderr, "leakdex-index: chain corroboration: %s: %s\n", lx_status_str(st),
                lx_db_error(ix->db));
        return false;
    }
    char thr[16];
    snprintf(thr, sizeof thr, "%u", ix->threshold);
    lx_db_set_metadata(ix->db, "leakdex.corroborate_threshold", thr);
    ix->report.chained = true;
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
    lx_status st = lx_db_commit(ix->db);
    if (!st)
        st = lx_thread_pass(ix->all ? ix->all : ix->db, ix->db, &ts);
    if (st) {
        fprintf(stderr, "leakdex-index: threading: %s: %s\n", lx_status_str(st),
                lx_db_error(ix->db));
        return false;
    }
    ix->report.threaded = true;
    ix->report.threads = ts.threads;
    ix->report.thread_messages = ts.messages;
    ix->report.relinked = ts.relinked;
    ix->report.by_subject = ts.by_subject;
    return run_chains(ix);
}

/* --link-with ALL: this shard's threads and chains, computed over every
 * shard read together (ALL: a stub file or a directory list), so that
 * conversations and quotes that cross shards are found as in one index. */
static int run_link(indexer *ix, const char *all_path)
{
    char *err = NULL;
    lx_status st = lx_db_open(all_path, LX_DB_READ, &ix->all, &err);
    if (st) {
        fprintf(stderr, "leakdex-index: --link-with: %s\n", err ? err : lx_status_str(st));
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
        printf("linked with %s in %.2f s\n", all_path, now_seconds() - t0);
    }
    return ok && !cst ? EXIT_OK : EXIT_DB;
}

/* --reverify: new verdicts for an existing index. */
static int run_reverify(indexer *ix, double t0)
{
    lx_reverify_stats rs;
    lx_status st = lx_reverify(ix->db, ix->keys, &rs, reverify_warn, ix);
    int rc = EXIT_OK;
    if (st) {
        fprintf(stderr, "leakdex-index: stopping: %s: %s\n", lx_status_str(st),
                lx_db_error(ix->db));
        rc = EXIT_DB;
    }
    /* New verdicts change what corroborates what. */
    if (!st && ((st = lx_db_commit(ix->db)) || !run_chains(ix)))
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
    if (ix->report.chained)
        lx_report_print_chains(&ix->report, stdout);
    return rc;
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
                                         {"shard", required_argument, NULL, 'S'},
                                         {"link-with", required_argument, NULL, 'L'},
                                         {NULL, 0, NULL, 0}};
    if (argc == 3 && strcmp(argv[1], "--extract-helper") == 0)
        return lx_doctext_helper_main(argv[2]);
    lx_attach_limits limits;
    lx_attach_limits_default(&limits);
    const char *dbpath = getenv("LEAKDEX_DB");
    bool hidden = false, reverify = false, dns = false;
    const char *keys_out = NULL;
    const char *link_with = NULL;
    indexer ix;
    memset(&ix, 0, sizeof ix);
    ix.commit_every = LX_COMMIT_BATCH;
    ix.threshold = LX_CHAIN_THRESHOLD;
    enum { MAX_KEY_FILES = 64 };
    const char *keyfiles[MAX_KEY_FILES];
    size_t n_keyfiles = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
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
                fprintf(stderr, "leakdex-index: --commit-every: '%s' is not a positive number\n",
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
                fprintf(stderr,
                        "leakdex-index: --corroborate-threshold: '%s' is not a percentage from 1 "
                        "to 100\n",
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
                                               : "--attach-timeout";
                fprintf(stderr, "leakdex-index: %s: '%s' is not a positive number%s\n", oname,
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
            else
                limits.timeout = (unsigned)v;
            break;
        }
        case 'S':
            if (!lx_shard_parse(optarg, &ix.shard)) {
                fprintf(stderr,
                        "leakdex-index: --shard: '%s' is not I/N (1 <= I <= N <= %d; e.g. 2/3)\n",
                        optarg, LX_MAX_SHARDS);
                return EXIT_USAGE;
            }
            ix.sharded = true;
            break;
        case 'R': reverify = true; break;
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
        default:
            if (optopt)
                fprintf(stderr,
                        "leakdex-index: option -%c: unknown or missing its value (try --help)\n",
                        optopt);
            else
                fprintf(stderr, "leakdex-index: %s: unknown option or missing value (try --help)\n",
                        argv[optind - 1]);
            return EXIT_USAGE;
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
            fprintf(stderr, "leakdex-index: key file %s\n", why.buf);
            lx_strbuf_release(&why);
            lx_keystore_free(ix.keys);
            return EXIT_USAGE;
        }
        lx_strbuf_release(&why);
    }

    if (keys_out) {
        ix.keys_out = fopen(keys_out, "ae");
        if (!ix.keys_out) {
            fprintf(stderr, "leakdex-index: --keys-out %s: %s\n", keys_out, strerror(errno));
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
    lx_status st = ix.inspect ? LX_OK : lx_db_open(dbpath, LX_DB_WRITE, &ix.db, &err);
    if (st) {
        fprintf(stderr, "leakdex-index: %s\n", err ? err : lx_status_str(st));
        free(err);
        lx_keystore_free(ix.keys);
        if (ix.keys_out)
            fclose(ix.keys_out);
        return EXIT_DB;
    }
    if (link_with) {
        int lrc = run_link(&ix, link_with);
        lx_keystore_free(ix.keys);
        return lrc;
    }
    if (!ix.inspect && !reverify) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        st = lx_store_check_shard(ix.db, dbpath, ix.sharded ? &ix.shard : NULL, &why);
        if (st) {
            fprintf(stderr, "leakdex-index: %s\n", why.len ? why.buf : lx_status_str(st));
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
    if (reverify) {
        int rrc = run_reverify(&ix, t0);
        lx_keystore_free(ix.keys);
        return rrc;
    }
    lx_message_library_init();
    /* PDF and office documents are read by this very program, run again as
     * a helper process with limits. */
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = '\0';
    lx_strbuf awhy;
    lx_strbuf_init(&awhy);
    ix.attach = lx_attach_ctx_new(&limits, sl > 0 ? self : NULL, &awhy);
    if (!ix.attach) {
        fprintf(stderr, "leakdex-index: %s\n", awhy.buf);
        lx_strbuf_release(&awhy);
        if (ix.db)
            lx_db_close(ix.db);
        lx_keystore_free(ix.keys);
        lx_message_library_shutdown();
        return EXIT_DB;
    }
    lx_strbuf_release(&awhy);
    lx_report_init(&ix.report);
    if (ix.sharded)
        snprintf(ix.report.shard, sizeof ix.report.shard, "%u/%u", ix.shard.index, ix.shard.count);
    ix.report.dkim_checked = !ix.no_dkim;
    lx_strbuf_init(&ix.canon);
    lx_walk_cb cb = {on_file, on_skip, &ix, hidden, ix.inspect ? NULL : dbpath};
    bool missing = false;
    for (int i = optind; i < argc && !ix.fatal; i++) {
        char *abs = realpath(argv[i], NULL);
        if (lx_walk(abs ? abs : argv[i], &cb) == LX_E_NOT_FOUND)
            missing = true;
        free(abs);
    }
    int rc = missing ? EXIT_SOURCE : EXIT_OK;
    if (ix.fatal) {
        fprintf(stderr, "leakdex-index: stopping: %s%s%s\n", lx_status_str(ix.fatal),
                ix.db ? ": " : "", ix.db ? lx_db_error(ix.db) : "");
        rc = EXIT_DB;
    }
    if (ix.inspect) {
        if (ix.fatal)
            rc = ix.fatal == LX_E_IO ? EXIT_USAGE : EXIT_DB;
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
        lx_status cst = lx_db_close(ix.db);
        if (cst) {
            fprintf(stderr, "leakdex-index: cannot commit the index: %s\n", lx_status_str(cst));
            rc = EXIT_DB;
        }
        lx_report_print(&ix.report, stdout, now_seconds() - t0);
    }
    lx_report_release(&ix.report);
    lx_attach_ctx_free(ix.attach);
    lx_strbuf_release(&ix.canon);
    lx_strbuf_release(&ix.dns_tried);
    if (ix.keys_out)
        fclose(ix.keys_out);
    lx_keystore_free(ix.keys);
    lx_message_library_shutdown();
    return rc;
}
