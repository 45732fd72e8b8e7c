/* mbox.c - splitting an mbox file into messages, and canonical message bytes. */
#include "mbox.h"

#include <string.h>

#include "banned.h"

static bool starts_with(const char *p, size_t avail, const char *lit)
{
    size_t n = strlen(lit);
    return avail >= n && memcmp(p, lit, n) == 0;
}

static size_t line_end(const char *data, size_t len, size_t pos)
{
    const char *nl = memchr(data + pos, '\n', len - pos);
    return nl ? (size_t)(nl - data) + 1 : len;
}

static bool blank_line(const char *data, size_t start, size_t end)
{
    size_t n = end - start;
    return n == 0 || (n == 1 && data[start] == '\n') ||
           (n == 2 && data[start] == '\r' && data[start + 1] == '\n');
}

bool lx_mbox_is_separator(const char *line, size_t n)
{
    if (!starts_with(line, n, "From "))
        return false;
    size_t i = 5;
    if (i >= n || line[i] == ' ' || line[i] == '\r' || line[i] == '\n')
        return false;
    while (i < n && line[i] != ' ' && line[i] != '\n')
        i++;
    bool time = false, year = false;
    for (; i + 4 < n; i++) {
        const char *p = line + i;
        if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] == ':' &&
            p[3] >= '0' && p[3] <= '9' && p[4] >= '0' && p[4] <= '9')
            time = true;
        if (p[0] == ' ' && (p[1] == '1' || p[1] == '2') && p[2] >= '0' && p[2] <= '9' &&
            p[3] >= '0' && p[3] <= '9' && p[4] >= '0' && p[4] <= '9')
            year = true;
    }
    return time && year;
}

bool lx_mbox_looks_like(const char *data, size_t len)
{
    return starts_with(data, len, "From ");
}

void lx_mbox_iter_init(lx_mbox_iter *it, const char *data, size_t len)
{
    it->data = data;
    it->len = len;
    it->pos = lx_mbox_looks_like(data, len) ? 0 : len;
}

bool lx_mbox_next(lx_mbox_iter *it, lx_mbox_msg *msg)
{
    const char *d = it->data;
    size_t len = it->len;
    if (it->pos >= len)
        return false;
    msg->from_line = it->pos;
    msg->start = line_end(d, len, it->pos);
    size_t pos = msg->start, prev_start = msg->start, prev_end = msg->start;
    while (pos < len) {
        size_t e = line_end(d, len, pos);
        if (lx_mbox_is_separator(d + pos, e - pos))
            break;
        prev_start = pos;
        prev_end = e;
        pos = e;
    }
    msg->end = pos;
    /* The blank line before the next separator (or at the end of the file)
     * belongs to the mbox format, not to the message. */
    if (msg->end > msg->start && prev_end == msg->end && blank_line(d, prev_start, prev_end))
        msg->end = prev_start;
    it->pos = pos;
    return true;
}

lx_status lx_mbox_canonical(lx_strbuf *out, const char *data, size_t len, bool unquote)
{
    size_t pos = 0;
    lx_status st = lx_strbuf_grow(out, len + len / 16);
    if (st)
        return st;
    if (starts_with(data, len, "From "))
        pos = line_end(data, len, 0);
    while (pos < len && !st) {
        size_t e = line_end(data, len, pos);
        size_t body_end = e;
        bool had_nl = e > pos && data[e - 1] == '\n';
        if (had_nl) {
            body_end--;
            if (body_end > pos && data[body_end - 1] == '\r')
                body_end--;
        }
        size_t s = pos;
        if (unquote && data[s] == '>') {
            size_t k = s;
            while (k < body_end && data[k] == '>')
                k++;
            if (starts_with(data + k, body_end - k, "From "))
                s++;
        }
        st = lx_strbuf_add(out, data + s, body_end - s);
        if (!st && had_nl)
            st = lx_strbuf_add(out, "\r\n", 2);
        pos = e;
    }
    return st;
}
