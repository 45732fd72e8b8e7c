/* cli.h - what leakdex's two programs share on the command line. */
#ifndef LX_CLI_H
#define LX_CLI_H

#include <getopt.h>

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

#endif
