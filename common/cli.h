/* cli.h - what leakdex's two programs share on the command line. */
#ifndef LX_CLI_H
#define LX_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "strbuf.h"

/*
 * Appends to why what is wrong with arg, the command-line word for which
 * getopt_long returned c, its optstring starting with "+:" (so that a
 * missing value returns ':'): "--db: needs a value", "--bogus: unknown
 * option", "--ex: ambiguous option (--export, --export-dir, --excel)",
 * "--help=x: takes no value". arg is named as typed, never another word of
 * the command line. The caller adds its program's name and a hint.
 */
lx_status lx_cli_option_error(const struct option *longopts, const char *arg, int c,
                              lx_strbuf *why);

/*
 * Prints prefix (the program's name and ": ", or "") and one line made of
 * fmt on f, what the line quotes (a file name, a query, the archive's text,
 * a library's message) shown as lx_escape_terminal shows it: on one line,
 * every control character visible. Every message either program prints
 * about something it did not write itself goes through here.
 */
void lx_cli_say(FILE *f, const char *prefix, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lx_cli_vsay(FILE *f, const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
