/* evidence.c - reading the original of a message back, never changing it. */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "banned.h"

lx_status lx_evidence_parse(lx_evidence_loc *loc, const char *v)
{
    lx_strbuf_init(&loc->path);
    loc->in_mbox = false;
    loc->offset = loc->length = 0;
    unsigned long long off = 0, len = 0;
    const char *t2 = strrchr(v, '\t');
    const char *t1 = t2 ? t2 - 1 : NULL;
    while (t1 && t1 > v && *t1 != '\t')
        t1--;
    bool mbox = t1 && t1 != t2 && *t1 == '\t' && sscanf(t1 + 1, "%llu", &off) == 1 &&
                sscanf(t2 + 1, "%llu", &len) == 1;
    if (mbox) {
        loc->in_mbox = true;
        loc->offset = (size_t)off;
        loc->length = (size_t)len;
    }
    return lx_strbuf_add(&loc->path, v, mbox ? (size_t)(t1 - v) : strlen(v));
}

lx_status lx_evidence_read(const lx_evidence_loc *loc, lx_strbuf *out, const char **why)
{
    int fd = open(loc->path.buf, O_RDONLY | O_NOATIME | O_CLOEXEC);
    if (fd < 0 && errno == EPERM)
        fd = open(loc->path.buf, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        *why = fd < 0 ? strerror(errno) : "not a regular file";
        if (fd >= 0)
            close(fd);
        return LX_E_IO;
    }
    size_t offset = loc->in_mbox ? loc->offset : 0;
    size_t len = loc->in_mbox ? loc->length : (size_t)sb.st_size;
    if (len > LX_MAX_MESSAGE_BYTES + 4096 || offset + len > (size_t)sb.st_size) {
        close(fd);
        *why = "the file is shorter than the indexed message";
        return LX_E_IO;
    }
    lx_status st = lx_strbuf_grow(out, len);
    size_t got = 0;
    while (!st && got < len) {
        ssize_t r = pread(fd, out->buf + out->len + got, len - got, (off_t)(offset + got));
        if (r <= 0) {
            *why = r < 0 ? strerror(errno) : "unexpected end of file";
            st = LX_E_IO;
            break;
        }
        got += (size_t)r;
    }
    close(fd);
    if (!st)
        lx_strbuf_setlen(out, out->len + len);
    return st;
}
