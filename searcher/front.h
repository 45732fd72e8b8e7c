/* front.h - the commands of leakdex-search as a library both front doors call: the options, where a command prints, its failure as a value, the query clock. */
#ifndef LX_FRONT_H
#define LX_FRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "attachment.h"
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

/* What kind of failure ended a command: the web answers each with its own
 * HTTP status (400, 404, 503, 500); the command line with its exit code. */
typedef enum front_fault {
    FRONT_FINE,        /* nothing failed */
    FRONT_BAD_REQUEST, /* a malformed query, a bad option, value or id */
    FRONT_NOT_FOUND,   /* an id names no message; a message has no such attachment */
    FRONT_INDEX,       /* the index cannot be read (missing, damaged, locked, remote down) */
    FRONT_INTERNAL,    /* anything else: memory, writing the output */
} front_fault;

/* Where a command prints, and its failure told as a value. The command line
 * prints on stdout and stderr; the web prints into a memory stream and
 * reads fault and why. Release with front_io_release. */
typedef struct front_io {
    FILE *out;  /* the command's result (the CLI: stdout); not owned */
    FILE *err;  /* its messages, each a line after "leakdex-search: " (the CLI:
                   stderr); NULL: none printed, the failure only kept */
    bool clock; /* the query clock times the index's work (it exits the
                   process: the CLI only) */
    bool bold;  /* text: snippet matches in bold (a terminal) */
    /* Says that the query words[0..n) matched nothing (the CLI: on stderr);
     * NULL: nothing said. */
    void (*no_match)(int n, char **words);
    front_fault fault; /* the first failure; FRONT_FINE when none */
    lx_strbuf why;     /* its one line, without the program's name */
} front_io;

/* Starts io for printing to out, messages to err (may be NULL). */
void front_io_init(front_io *io, FILE *out, FILE *err);
void front_io_release(front_io *io);

/* The commands, one file each (cmd_NAME.c): the words after the command's
 * name are argv[0..argc); each prints to io and returns an exit code (its
 * failure in io->fault and io->why). */
typedef int (*command_fn)(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_search(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_show(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_thread(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_senders(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_recipients(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_stats(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_facets(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_batch(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_attachment(const options *o, lx_db *db, front_io *io, int argc, char **argv);
int cmd_attachment_text(const options *o, lx_db *db, front_io *io, int argc, char **argv);

/* Hands out attachment n (from 1) of the message id_text, or (n 0) the
 * message's original, into c (initialized by the caller), after the
 * checks of lx_attachment_get; what reading did to access times goes to
 * atimes. The MIME library is the caller's to start. Returns -1 when c
 * holds it, else the exit code (said; an unknown id or attachment is
 * FRONT_NOT_FOUND). */
int front_attachment(lx_db *db, front_io *io, const char *id_text, size_t n, lx_atime_stats *atimes,
                     lx_attachment_copy *c);

/* Says one line (io->err), and keeps it as io's failure of kind fault when
 * it is the first (FRONT_FINE: said only). */
void front_say(front_io *io, front_fault fault, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Says one line as a failure of kind fault and returns the error exit code;
 * front_fail is a bad request's (an option, a value, a query). */
int front_fault_of(front_io *io, front_fault fault, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int front_fail(front_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Says a failed call on the index in one line and returns the error exit
 * code: the status and the handle's message; a damaged index or a limit
 * says all in its message. where prefixes it ("FILE:LINE: " in batch). A
 * malformed query or a limit is a bad request, the rest the index's. */
int front_db_fail(front_io *io, const lx_db *db, lx_status st, const char *where);

/* Says why an id (of a message, or of a thread) named nothing, and
 * returns the exit code (lx_ids_message's failures). */
int front_id_fail(front_io *io, const lx_db *db, lx_status st, const char *id);

/* The exit code of a command that asked the index: an error (said), or
 * whether anything matched. */
int front_outcome(front_io *io, lx_db *db, lx_status st, size_t matches);

/* The text of --help-query: the query syntax, with an example of each field. */
void front_help_query(FILE *out);

/*
 * The query clock. Xapian cannot stop a match once it has started, so a
 * query that uses more than its processor time (--query-timeout,
 * LX_QUERY_SECONDS) stops the process: the line prepared when the clock
 * started is written, the file being written (front_clock_unlink) removed,
 * and the process exits with the error code. Only the index's work is
 * timed, never the printing. where prefixes the line ("" or "FILE:LINE: ").
 */
void front_clock_start(const front_io *io, const options *o, const char *where);
void front_clock_stop(const front_io *io);
/* The temporary file a stopped query removes (NULL: none); not owned. */
void front_clock_unlink(const front_io *io, const char *path);

/* Checks and folds text (may be NULL) into folded and makes the query
 * options of o for it; returns an exit code on error (said), -1 when q
 * is ready (q->text points into folded). */
int front_query(const options *o, front_io *io, const char *text, lx_strbuf *folded,
                lx_query_opts *q);

/* The query of a command's words: as typed, folded, and its options. */
typedef struct front_words {
    lx_strbuf text;   /* the words joined by spaces */
    lx_strbuf folded; /* q.text */
    lx_query_opts q;
} front_words;

/* Makes w (initialized here; release it even on failure) for the words
 * argv[0..argc): an exit code on error (said), -1 when w->q is ready. */
int front_words_query(const options *o, front_io *io, int argc, char **argv, front_words *w);
void front_words_release(front_words *w);

/* The words argv[0..argc) joined by spaces, into q (initialized here). */
void front_join(lx_strbuf *q, int argc, char **argv);

/* The search order --sort names (relevance, date, -date; none: the
 * default); false for another name. */
bool front_sort(const options *o, lx_sort *out);

/* Reads a decimal number that is not negative. */
bool front_size(const char *s, size_t *out);

/* Says what reading the sources did to their access times, when it
 * changed any. */
void front_atimes(front_io *io, lx_atime_stats *a);

/* Prints a warning of the index (lx_db_open_many) on stderr, one line. */
void front_warn(void *ctx, const char *msg);

/* Runs --export and --export-dir for the query q (typed: the query as
 * typed) and prints what was written; returns the exit code. */
int front_export(const options *o, lx_db *db, front_io *io, const lx_query_opts *q,
                 const char *typed);

/* Prints a search (hits, a count, or an export, of the query text as
 * typed: words[0..n) are its words, for the message when nothing
 * matches). tree: a thread's list, replies indented, no snippets. */
int front_search(const options *o, lx_db *db, front_io *io, const char *text, bool tree, int n,
                 char **words);

#endif
