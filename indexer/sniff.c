/* sniff.c - what a source file holds, decided by its content. */
#include "sniff.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "mbox.h"
#include "banned.h"

/* How many header lines are read before deciding: enough for any real
 * header block's first screen, bounded so a huge file is decided quickly. */
#define SNIFF_MAX_LINES 1000

/* A header block: field lines (any well-formed field name, RFC 5322 2.2:
 * printable ASCII but ':', then ':') and folded continuations, first a
 * field. Either one of the fields is one mail carries (then the block may
 * run into the body without a blank line, as some writers have it), or the
 * whole block is well-formed up to a blank line or the end: a message whose
 * only field is a DKIM-Signature is still a message. */
static bool header_block(const char *d, size_t len)
{
    static const char *const known[] = {
        "from",        "to",           "subject",    "date",         "message-id", "received",
        "return-path", "mime-version", "sender",     "delivered-to", "cc",         "reply-to",
        "x-mailer",    "content-type", "references", "in-reply-to",  NULL};
    size_t pos = 0, lines = 0;
    bool any_known = false, well_formed = true;
    if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len && lines < SNIFF_MAX_LINES) {
        const char *nl = memchr(d + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - d) : len;
        size_t n = end - pos;
        if (n > 0 && d[end - 1] == '\r')
            n--;
        if (n == 0)
            break;
        const char *line = d + pos;
        if (line[0] == ' ' || line[0] == '\t') {
            if (lines == 0)
                return false;
        } else {
            size_t k = 0;
            while (k < n && line[k] > 32 && line[k] < 127 && line[k] != ':')
                k++;
            if (k == 0 || k >= n || line[k] != ':') {
                if (lines == 0)
                    return false;
                well_formed = false;
                break; /* the body starts without a blank line */
            }
            for (size_t i = 0; known[i]; i++)
                if (strlen(known[i]) == k && strncasecmp(line, known[i], k) == 0)
                    any_known = true;
        }
        lines++;
        pos = end + 1;
    }
    /* Past SNIFF_MAX_LINES without an end: not known to be well-formed. */
    if (lines >= SNIFF_MAX_LINES)
        well_formed = false;
    return any_known || (lines > 0 && well_formed);
}

/* Whether data[0..len) starts with the n bytes of magic at offset at. */
static bool magic_at(const char *data, size_t len, size_t at, const char *magic, size_t n)
{
    return len >= at + n && memcmp(data + at, magic, n) == 0;
}

/* A container by its signature, or LX_SNIFF_EMPTY when none. */
static lx_sniff container(const char *d, size_t len)
{
    static const struct {
        const char *magic;
        size_t n, at;
    } archives[] = {
        {"PK\3\4", 4, 0},             /* zip */
        {"PK\5\6", 4, 0},             /* an empty zip */
        {"PK\7\10", 4, 0},            /* a spanned zip's first part */
        {"7z\xBC\xAF\x27\x1C", 6, 0}, /* 7z */
        {"\x1F\x8B", 2, 0},           /* gzip */
        {"\xFD"
         "7zXZ\0",
         6, 0},            /* xz */
        {"ustar", 5, 257}, /* tar (POSIX and GNU) */
    };
    for (size_t i = 0; i < sizeof archives / sizeof archives[0]; i++)
        if (magic_at(d, len, archives[i].at, archives[i].magic, archives[i].n))
            return LX_SNIFF_ARCHIVE;
    /* bzip2: "BZh", the block size 1-9, then the first block's magic (a
     * message could start with "BZh"). */
    if (magic_at(d, len, 0, "BZh", 3) && len > 3 && d[3] >= '1' && d[3] <= '9' &&
        magic_at(d, len, 4, "\x31\x41\x59\x26\x53\x59", 6))
        return LX_SNIFF_ARCHIVE;
    if (magic_at(d, len, 0, "!BDN", 4) &&
        (magic_at(d, len, 8, "SM", 2) || magic_at(d, len, 8, "SO", 2)))
        return LX_SNIFF_PST;
    if (magic_at(d, len, 0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return LX_SNIFF_MSG;
    return LX_SNIFF_EMPTY;
}

lx_sniff lx_sniff_data(const char *data, size_t len)
{
    if (len == 0)
        return LX_SNIFF_EMPTY;
    lx_sniff c = container(data, len);
    if (c != LX_SNIFF_EMPTY)
        return c;
    if (lx_mbox_looks_like(data, len)) {
        const char *nl = memchr(data, '\n', len);
        size_t first = nl ? (size_t)(nl - data) + 1 : len;
        if (lx_mbox_is_separator(data, first) || header_block(data + first, len - first))
            return LX_SNIFF_MBOX;
        return LX_SNIFF_NOT_MAIL;
    }
    return header_block(data, len) ? LX_SNIFF_MESSAGE : LX_SNIFF_NOT_MAIL;
}
