/* front.h - what leakdex-search's commands share: the options, messages, exit codes, the query clock. */
#ifndef LX_FRONT_H
#define LX_FRONT_H

#include <stdbool.h>
#include <stdint.h>

#include "evidence.h"
#include "hitlist.h"
#include "search.h"
#include "strbuf.h"
#include "tz.h"

/* Exit codes, as documented in the README. */
enum { EXIT_HITS = 0, EXIT_NO_HITS = 1, EXIT_ERROR = 2 };

#define MAX_FROM 64
#define MAX_DB 64

/* The command line's options, as read. */
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
    bool collapse;           /* --collapse thread */
    const char *out;         /* --out: where `attachment` writes */
} options;

/* The commands, one file each (cmd_NAME.c): the words after the command's
 * name are argv[0..argc); each returns an exit code. */
typedef int (*command_fn)(const options *o, lx_db *db, int argc, char **argv);
int cmd_search(const options *o, lx_db *db, int argc, char **argv);
int cmd_show(const options *o, lx_db *db, int argc, char **argv);
int cmd_thread(const options *o, lx_db *db, int argc, char **argv);
int cmd_senders(const options *o, lx_db *db, int argc, char **argv);
int cmd_recipients(const options *o, lx_db *db, int argc, char **argv);
int cmd_stats(const options *o, lx_db *db, int argc, char **argv);
int cmd_facets(const options *o, lx_db *db, int argc, char **argv);
int cmd_batch(const options *o, lx_db *db, int argc, char **argv);
int cmd_attachment(const options *o, lx_db *db, int argc, char **argv);
int cmd_attachment_text(const options *o, lx_db *db, int argc, char **argv);

/* Prints one line on stderr and returns the error exit code. */
int front_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a failed call on the index in one line and returns the error exit
 * code: the status and the handle's message; a damaged index or a limit
 * says all in its message. where prefixes it ("FILE:LINE: " in batch). */
int front_db_fail(const lx_db *db, lx_status st, const char *where);

/* Prints why an id (of a message, or of a thread) named nothing, and
 * returns the exit code (lx_ids_message's failures). */
int front_id_fail(const lx_db *db, lx_status st, const char *id);

/* The exit code of a command that asked the index: an error (printed), or
 * whether anything matched. */
int front_outcome(lx_db *db, lx_status st, size_t matches);

/* Says on stderr that the query words[0..n) matched nothing; and, when one
 * of them is an option's name, that it was read as a query word (in
 * main.c, beside the options). */
void front_no_match(int n, char **words);

/*
 * The query clock. Xapian cannot stop a match once it has started, so a
 * query that uses more than its processor time (--query-timeout,
 * LX_QUERY_SECONDS) stops the process: the line prepared when the clock
 * started is written, the file being written (front_clock_unlink) removed,
 * and the process exits with the error code. Only the index's work is
 * timed, never the printing. where prefixes the line ("" or "FILE:LINE: ").
 */
void front_clock_start(const options *o, const char *where);
void front_clock_stop(void);
/* The temporary file a stopped query removes (NULL: none); not owned. */
void front_clock_unlink(const char *path);

/* Checks and folds text (may be NULL) into folded and makes the query
 * options of o for it; returns an exit code on error (printed), -1 when q
 * is ready (q->text points into folded). */
int front_query(const options *o, const char *text, lx_strbuf *folded, lx_query_opts *q);

/* The query of a command's words: as typed, folded, and its options. */
typedef struct front_words {
    lx_strbuf text;   /* the words joined by spaces */
    lx_strbuf folded; /* q.text */
    lx_query_opts q;
} front_words;

/* Makes w (initialized here; release it even on failure) for the words
 * argv[0..argc): an exit code on error (printed), -1 when w->q is ready. */
int front_words_query(const options *o, int argc, char **argv, front_words *w);
void front_words_release(front_words *w);

/* The words argv[0..argc) joined by spaces, into q (initialized here). */
void front_join(lx_strbuf *q, int argc, char **argv);

/* The search order --sort names (relevance, date, -date; none: the
 * default); false for another name. */
bool front_sort(const options *o, lx_sort *out);

/* Reads a decimal number that is not negative. */
bool front_size(const char *s, size_t *out);

/* Prints on stderr what reading the sources did to their access times,
 * when it changed any. */
void front_atimes(lx_atime_stats *a);

/* Prints a warning of the index (lx_db_open_many) on stderr, one line. */
void front_warn(void *ctx, const char *msg);

/* Runs --export and --export-dir for the query q (typed: the query as
 * typed) and prints what was written; returns the exit code. */
int front_export(const options *o, lx_db *db, const lx_query_opts *q, const char *typed);

/* Prints a search (hits, a count, or an export, of the query text as
 * typed: words[0..n) are its words, for the message when nothing
 * matches). tree: a thread's list, replies indented, no snippets. */
int front_search(const options *o, lx_db *db, const char *text, bool tree, int n, char **words);

#endif
