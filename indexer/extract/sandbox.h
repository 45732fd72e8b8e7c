/* sandbox.h - running a risky extractor in a helper process with limits. */
#ifndef LX_SANDBOX_H
#define LX_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

typedef struct lx_sandbox_limits {
    unsigned seconds;  /* wall time, and the helper's CPU limit */
    size_t memory;     /* the helper's address space, bytes (0: none) */
    size_t max_output; /* bytes of output kept; past it the helper is stopped */
} lx_sandbox_limits;

typedef enum lx_sandbox_result {
    LX_SANDBOX_OK,        /* the helper exited 0: out holds its output */
    LX_SANDBOX_TRUNCATED, /* more output than max_output: out holds the first part */
    LX_SANDBOX_FAILED,    /* it exited non-zero, crashed, timed out or could not start */
} lx_sandbox_result;

/*
 * Runs argv[0] (searched in PATH, before the fork, when it has no '/') with argv, the bytes
 * input[0..len) as its standard input (a sealed in-memory file, so the helper
 * may seek), its standard output collected into out, CPU and address-space
 * limits set and a wall-clock timeout enforced (the helper is killed). On
 * LX_SANDBOX_FAILED, why gets one line: the helper's last line on stderr
 * that starts with "leakdex-extract: " (without it), or what stopped it.
 * Safe to call from several threads: nothing but the child is shared.
 */
lx_sandbox_result lx_sandbox_run(const char *const *argv, const char *input, size_t len,
                                 const lx_sandbox_limits *lim, lx_strbuf *out, lx_strbuf *why);

#endif
