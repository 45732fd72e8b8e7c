/* sandbox.c - running a risky extractor in a helper process with limits. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "banned.h"

/* AddressSanitizer reserves terabytes of address space at start-up: under a
 * sanitizer build the helper gets no address-space limit (CPU and time
 * limits still apply). */
#if defined(__SANITIZE_ADDRESS__)
#define LX_SANDBOX_NO_AS_LIMIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LX_SANDBOX_NO_AS_LIMIT 1
#endif
#endif

/* An unlinked in-memory file holding data, positioned at 0; -1 on failure. */
static int memfile(const char *name, const char *data, size_t len)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (!lx_write_all(fd, data, len)) {
        close(fd);
        return -1;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The helper's own reason: its last stderr line starting "leakdex-extract: ". */
static void helper_reason(int fd, lx_strbuf *why)
{
    char buf[8192];
    if (lseek(fd, 0, SEEK_SET) != 0)
        return;
    lx_strbuf all;
    lx_strbuf_init(&all);
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0 && all.len < ((size_t)1 << 20))
        lx_strbuf_add(&all, buf, (size_t)r);
    const char *mark = "leakdex-extract: ", *best = NULL;
    for (const char *p = all.buf; (p = strstr(p, mark)); p++)
        if (p == all.buf || p[-1] == '\n')
            best = p + strlen(mark);
    if (!best) {
        /* No line of ours (an external filter): its last non-empty line. */
        size_t e = all.len;
        while (e > 0 && (all.buf[e - 1] == '\n' || all.buf[e - 1] == '\r'))
            e--;
        size_t b = e;
        while (b > 0 && all.buf[b - 1] != '\n')
            b--;
        if (e > b) {
            all.buf[e] = '\0';
            best = all.buf + b;
        }
    }
    if (best) {
        size_t n = strcspn(best, "\r\n");
        lx_strbuf_add(why, best, n > 200 ? 200 : n);
    }
    lx_strbuf_release(&all);
}

/* The program argv0 names: itself when it holds a '/', else the first
 * executable of that name in PATH. Found before fork, so that the child
 * only has async-signal-safe work to do before exec. */
static lx_status find_program(const char *argv0, lx_strbuf *path)
{
    if (strchr(argv0, '/'))
        return lx_strbuf_addstr(path, argv0);
    const char *dirs = getenv("PATH");
    if (!dirs || !*dirs)
        dirs = "/usr/bin:/bin";
    while (*dirs) {
        size_t n = strcspn(dirs, ":");
        lx_strbuf_reset(path);
        lx_strbuf_add(path, n ? dirs : ".", n ? n : 1);
        lx_strbuf_addch(path, '/');
        lx_status st = lx_strbuf_addstr(path, argv0);
        if (st)
            return st;
        if (access(path->buf, X_OK) == 0)
            return LX_OK;
        dirs += n + (dirs[n] == ':');
    }
    return LX_E_NOT_FOUND;
}

lx_sandbox_result lx_sandbox_run(const char *const *argv, const char *input, size_t len,
                                 const lx_sandbox_limits *lim, lx_strbuf *out, lx_strbuf *why)
{
    lx_strbuf program;
    lx_strbuf_init(&program);
    if (find_program(argv[0], &program)) {
        lx_strbuf_addf(why, "%s is not installed", argv[0]);
        lx_strbuf_release(&program);
        return LX_SANDBOX_FAILED;
    }
    int in = memfile("leakdex-input", input, len);
    int err = memfile("leakdex-stderr", "", 0);
    int pipefd[2] = {-1, -1};
    if (in < 0 || err < 0 || pipe2(pipefd, O_CLOEXEC) != 0) {
        lx_strbuf_addf(why, "cannot start the extraction helper: %s", strerror(errno));
        if (in >= 0)
            close(in);
        if (err >= 0)
            close(err);
        lx_strbuf_release(&program);
        return LX_SANDBOX_FAILED;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* The child: only async-signal-safe calls until exec. */
        struct rlimit cpu = {lim->seconds, lim->seconds + 1};
        setrlimit(RLIMIT_CPU, &cpu);
#ifndef LX_SANDBOX_NO_AS_LIMIT
        if (lim->memory) {
            struct rlimit as = {lim->memory, lim->memory};
            setrlimit(RLIMIT_AS, &as);
        }
#endif
        struct rlimit core = {0, 0};
        setrlimit(RLIMIT_CORE, &core);
        if (dup2(in, 0) < 0 || dup2(pipefd[1], 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        signal(SIGPIPE, SIG_DFL);
        execv(program.buf, (char *const *)argv);
        static const char msg[] = "leakdex-extract: the extraction program cannot be run\n";
        if (write(2, msg, sizeof msg - 1) < 0)
            _exit(127);
        _exit(127);
    }
    close(in);
    close(pipefd[1]);
    lx_strbuf_release(&program);
    if (pid < 0) {
        lx_strbuf_addf(why, "cannot start the extraction helper: %s", strerror(errno));
        close(pipefd[0]);
        close(err);
        return LX_SANDBOX_FAILED;
    }
    double deadline = now() + lim->seconds;
    bool timed_out = false, truncated = false;
    char buf[65536];
    for (;;) {
        double left = deadline - now();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p = {pipefd[0], POLLIN, 0};
        int pr = poll(&p, 1, (int)(left * 1000) + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0)
            continue;
        ssize_t r = read(pipefd[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        size_t room = lim->max_output > out->len ? lim->max_output - out->len : 0;
        if ((size_t)r > room) {
            lx_strbuf_add(out, buf, room);
            truncated = true;
            break;
        }
        lx_strbuf_add(out, buf, (size_t)r);
    }
    close(pipefd[0]);
    if (timed_out || truncated)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    lx_sandbox_result res = LX_SANDBOX_OK;
    if (timed_out) {
        lx_strbuf_addf(why, "extraction took longer than %u s", lim->seconds);
        res = LX_SANDBOX_FAILED;
    } else if (truncated) {
        res = LX_SANDBOX_TRUNCATED;
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGXCPU || sig == SIGKILL)
            lx_strbuf_addf(why, "extraction used more than %u s of CPU", lim->seconds);
        else
            lx_strbuf_addf(why, "the extractor crashed (signal %d)", sig);
        res = LX_SANDBOX_FAILED;
    } else if (WEXITSTATUS(status) != 0) {
        helper_reason(err, why);
        if (!why->len)
            lx_strbuf_addf(why, "the extractor exited with status %d", WEXITSTATUS(status));
        res = LX_SANDBOX_FAILED;
    }
    close(err);
    return res;
}
