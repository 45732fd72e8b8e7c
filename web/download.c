/* download.c - downloads: a safe RFC 6266 file name, and bodies served from unlinked files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "utf8.h"
#include "web.h"
#include "fdio.h"
#include "banned.h"

/* Longest name kept, in bytes (a file system's limit is 255). */
#define NAME_MAX_BYTES 200

/* name made harmless as a file name, still UTF-8: every control (bidi
 * overrides included), slash and backslash becomes '_', a leading dot
 * too (no hidden file, no ".."), cut at NAME_MAX_BYTES on a character's
 * boundary; "download" when nothing is left. */
static lx_status safe_name(lx_strbuf *out, const char *name)
{
    lx_strbuf_init(out);
    lx_strbuf sane;
    lx_strbuf_init(&sane);
    lx_status st = lx_utf8_sanitize(&sane, name, strlen(name), NULL);
    for (size_t i = 0; !st && i < sane.len;) {
        size_t ctl = lx_utf8_control_len(sane.buf + i, sane.len - i);
        size_t ch = ctl ? ctl : lx_utf8_char_len(sane.buf + i, sane.len - i);
        if (!ch)
            ch = 1;
        if (out->len + ch > NAME_MAX_BYTES)
            break;
        char c = sane.buf[i];
        if (ctl || c == '/' || c == '\\' || (c == '.' && out->len == 0))
            st = lx_strbuf_addch(out, '_');
        else
            st = lx_strbuf_add(out, sane.buf + i, ch);
        i += ch;
    }
    if (!st && out->len == 0)
        st = lx_strbuf_addstr(out, "download");
    lx_strbuf_release(&sane);
    return st;
}

lx_status web_disposition(lx_strbuf *out, const char *name)
{
    lx_strbuf safe;
    lx_status st = safe_name(&safe, name);
    /* The fallback: printable ASCII but the quote, backslash and percent
     * (which some readers decode); anything else '_'. */
    lx_strbuf_addstr(out, "attachment; filename=\"");
    for (size_t i = 0; !st && i < safe.len; i++) {
        unsigned char c = (unsigned char)safe.buf[i];
        bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%';
        lx_strbuf_addch(out, plain ? (char)c : '_');
    }
    /* RFC 5987's attr-char stay; every other byte is percent-encoded. */
    lx_strbuf_addstr(out, "\"; filename*=UTF-8''");
    for (size_t i = 0; !st && i < safe.len; i++) {
        unsigned char c = (unsigned char)safe.buf[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("!#$&+-.^_`|~", c))
            lx_strbuf_addch(out, (char)c);
        else
            lx_strbuf_addf(out, "%%%02X", c);
    }
    lx_strbuf_release(&safe);
    return st;
}

void web_download_fd(lx_http_response *res, int fd, size_t size, const char *type, const char *name)
{
    lx_strbuf value;
    lx_strbuf_init(&value);
    res->status = 200;
    res->content_type = type;
    res->no_store = true;
    res->fd = fd;
    res->size = size;
    if (web_disposition(&value, name) || lx_http_add_header(res, "Content-Disposition", value.buf))
        lx_http_json_error(res, 500, "cannot name the download");
    lx_strbuf_release(&value);
}

/* A new unlinked file holding bytes, or -1. */
static int unlinked_copy(const lx_strbuf *bytes)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/leakdex-web-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0)
        return -1;
    unlink(path);
    if (!lx_write_all(fd, bytes->buf, bytes->len)) {
        close(fd);
        return -1;
    }
    return fd;
}

void web_download_bytes(lx_http_response *res, lx_strbuf *bytes, const char *type, const char *name)
{
    int fd = bytes->len > LX_WEB_MEMORY_BODY ? unlinked_copy(bytes) : -1;
    size_t size = bytes->len;
    if (fd < 0) {
        lx_strbuf_release(&res->body);
        res->body = *bytes;
        lx_strbuf_init(bytes);
    } else {
        lx_strbuf_release(bytes);
    }
    web_download_fd(res, fd, size, type, name);
}

bool web_take_file(const char *path, int *fd, size_t *size)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (*fd < 0 || fstat(*fd, &st) != 0) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        return false;
    }
    unlink(path);
    *size = (size_t)st.st_size;
    return true;
}
