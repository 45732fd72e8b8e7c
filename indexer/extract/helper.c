/* helper.c - one extraction helper process per thread, reused.
 *
 * The exchange, over a UNIX socket pair:
 *   request  "KIND SECONDS LEN\n" then LEN bytes of document (KIND: pdf,
 *            ooxml, odf, or an OCR or probe kind word of ocr.h)
 *   answer   "STATUS LEN\n" then LEN bytes: STATUS o (text), f (a reason)
 * The helper sends the whole text; the caller keeps what its limit allows.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

extern char **environ;

struct lx_helper {
    char *program;
    pid_t pid; /* 0: not running */
    int fd;
    size_t memory; /* the limit it was started with */
    unsigned served;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

lx_helper *lx_helper_new(const char *program)
{
    lx_helper *h = calloc(1, sizeof *h);
    if (!h || !(h->program = strdup(program))) {
        free(h);
        return NULL;
    }
    h->fd = -1;
    return h;
}

/* Ends the helper: closing its input makes it exit; kill first when it may
 * be stuck. Returns its wait status. */
static int stop(lx_helper *h, bool kill_it)
{
    int status = 0;
    if (h->fd >= 0)
        close(h->fd);
    h->fd = -1;
    if (h->pid > 0) {
        if (kill_it)
            kill(h->pid, SIGKILL);
        while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    h->pid = 0;
    h->served = 0;
    return status;
}

void lx_helper_free(lx_helper *h)
{
    if (!h)
        return;
    stop(h, false);
    free(h->program);
    free(h);
}

/* The helper's environment: ours, and OMP_THREAD_LIMIT=1 unless it is set.
 * Tesseract runs its neural network on as many threads as OpenMP gives it;
 * the indexer already runs one helper per indexing thread, and threads
 * fighting over the same cores make OCR slower, not faster. OpenMP reads
 * the limit when the library loads, so it must be in the environment the
 * helper starts with. Free the array (not its strings). */
static char **helper_environment(void)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **envp = calloc(n + 2, sizeof *envp);
    if (!envp)
        return NULL;
    memcpy(envp, environ, n * sizeof *envp);
    if (!getenv("OMP_THREAD_LIMIT"))
        envp[n] = (char *)"OMP_THREAD_LIMIT=1";
    return envp;
}

/* posix_spawn, not fork: no copy of a large parent's page tables, and
 * safe while other threads run. Every descriptor of ours is close-on-exec. */
static bool start(lx_helper *h, size_t memory, lx_strbuf *why)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        lx_strbuf_addf(why, "cannot start the extraction helper: %s", strerror(errno));
        return false;
    }
    char mem[32];
    snprintf(mem, sizeof mem, "%zu", memory);
    char *argv[] = {h->program, (char *)"--extract-server", mem, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    /* Libraries' warnings about damaged files: not ours to show. */
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char **envp = helper_environment();
    pid_t pid;
    int err = envp ? posix_spawn(&pid, h->program, &fa, NULL, argv, envp) : ENOMEM;
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    close(sv[1]);
    if (err) {
        close(sv[0]);
        lx_strbuf_addf(why, "cannot start the extraction helper: %s", strerror(err));
        return false;
    }
    h->pid = pid;
    h->fd = sv[0];
    h->memory = memory;
    h->served = 0;
    return true;
}

/* Waits until fd is ready for events or the deadline passes; false on
 * timeout. */
static bool wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        double left = deadline - now();
        if (left <= 0)
            return false;
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, (int)(left * 1000) + 1);
        if (r > 0)
            return true;
        if (r < 0 && errno != EINTR)
            return true; /* let the read or write report it */
    }
}

typedef enum { IO_OK, IO_TIMEOUT, IO_CLOSED } io_result;

static io_result send_all(int fd, const char *p, size_t n, double deadline)
{
    while (n) {
        if (!wait_fd(fd, POLLOUT, deadline))
            return IO_TIMEOUT;
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w <= 0)
            return IO_CLOSED;
        p += w;
        n -= (size_t)w;
    }
    return IO_OK;
}

/* Reads n bytes; keeps at most `keep` of them in out (NULL: none). */
static io_result recv_all(int fd, size_t n, lx_strbuf *out, size_t keep, double deadline)
{
    char buf[65536];
    while (n) {
        if (!wait_fd(fd, POLLIN, deadline))
            return IO_TIMEOUT;
        ssize_t r = recv(fd, buf, n < sizeof buf ? n : sizeof buf, MSG_DONTWAIT);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            return IO_CLOSED;
        if (out && out->len < keep) {
            size_t room = keep - out->len;
            if (lx_strbuf_add(out, buf, (size_t)r < room ? (size_t)r : room))
                return IO_CLOSED;
        }
        n -= (size_t)r;
    }
    return IO_OK;
}

/* The answer's first line, "STATUS LEN". */
static io_result recv_line(int fd, char *line, size_t cap, double deadline)
{
    size_t n = 0;
    for (;;) {
        if (!wait_fd(fd, POLLIN, deadline))
            return IO_TIMEOUT;
        char c;
        ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            return IO_CLOSED;
        if (c == '\n')
            break;
        if (n + 1 >= cap)
            return IO_CLOSED;
        line[n++] = c;
    }
    line[n] = '\0';
    return IO_OK;
}

static lx_sandbox_result run_once(lx_helper *h, const char *kind, const char *data, size_t len,
                                  const lx_sandbox_limits *lim, lx_strbuf *out, lx_strbuf *why,
                                  bool *retry);

lx_sandbox_result lx_helper_run(lx_helper *h, const char *kind, const char *data, size_t len,
                                const lx_sandbox_limits *lim, lx_strbuf *out, lx_strbuf *why)
{
    bool retry = false;
    lx_sandbox_result r = run_once(h, kind, data, len, lim, out, why, &retry);
    if (retry) {
        /* A helper that had read earlier documents went away (killed from
         * outside, or a late effect of one of those): this document gets
         * a fresh helper before it is blamed. */
        lx_strbuf_reset(why);
        r = run_once(h, kind, data, len, lim, out, why, &retry);
    }
    return r;
}

static lx_sandbox_result run_once(lx_helper *h, const char *kind, const char *data, size_t len,
                                  const lx_sandbox_limits *lim, lx_strbuf *out, lx_strbuf *why,
                                  bool *retry)
{
    *retry = false;
    if (h->pid > 0 && (h->served >= LX_HELPER_DOCUMENTS || h->memory != lim->memory))
        stop(h, false);
    if (h->pid <= 0 && !start(h, lim->memory, why))
        return LX_SANDBOX_FAILED;
    h->served++;
    double deadline = now() + lim->seconds;
    char head[256]; /* an OCR kind word holds its languages and limits (ocr.h) */
    int hn = snprintf(head, sizeof head, "%s %u %zu\n", kind, lim->seconds, len);
    if (hn < 0 || (size_t)hn >= sizeof head) {
        lx_strbuf_addf(why, "request kind too long: %.40s...", kind);
        return LX_SANDBOX_FAILED;
    }
    io_result io = send_all(h->fd, head, (size_t)hn, deadline);
    if (io == IO_OK)
        io = send_all(h->fd, data, len, deadline);
    char line[64];
    if (io == IO_OK)
        io = recv_line(h->fd, line, sizeof line, deadline);
    char status = 0;
    uintmax_t n = 0;
    if (io == IO_OK &&
        (sscanf(line, "%c %" SCNuMAX, &status, &n) != 2 || (status != 'o' && status != 'f')))
        io = IO_CLOSED;
    lx_sandbox_result res = LX_SANDBOX_OK;
    if (io == IO_OK) {
        lx_strbuf reason;
        lx_strbuf_init(&reason);
        size_t keep = status == 'o' ? lim->max_output : 200;
        io = recv_all(h->fd, (size_t)n, status == 'o' ? out : &reason, keep, deadline);
        if (io == IO_OK && status == 'f') {
            lx_strbuf_add(why, reason.buf, strcspn(reason.buf, "\r\n"));
            res = LX_SANDBOX_FAILED;
        } else if (io == IO_OK && n > lim->max_output) {
            res = LX_SANDBOX_TRUNCATED;
        }
        lx_strbuf_release(&reason);
    }
    if (io == IO_OK)
        return res;
    /* It died, or is stuck: either way it is gone after this. */
    bool reused = h->served > 1;
    int ws = stop(h, io == IO_TIMEOUT);
    if (io == IO_CLOSED && reused) {
        *retry = true;
        lx_strbuf_reset(out);
        return LX_SANDBOX_FAILED;
    }
    lx_strbuf_reset(out);
    if (io == IO_TIMEOUT)
        lx_strbuf_addf(why, "extraction took longer than %u s", lim->seconds);
    else if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGXCPU)
        lx_strbuf_addf(why, "extraction used more than %u s of CPU", lim->seconds);
    else if (WIFSIGNALED(ws))
        lx_strbuf_addf(why, "the extractor crashed (signal %d)", WTERMSIG(ws));
    else
        lx_strbuf_addf(why, "the extractor exited with status %d", WEXITSTATUS(ws));
    return LX_SANDBOX_FAILED;
}
