/* flowed.c - undoing format=flowed (RFC 3676) line wrapping. */
#include "flowed.h"

#include <string.h>

#include "banned.h"

lx_status lx_flowed_decode(lx_strbuf *out, const char *text, size_t len, bool delsp)
{
    lx_status st = LX_OK;
    size_t pos = 0, open_depth = 0;
    bool open = false; /* the previous line was flowed: this one continues it */
    while (pos < len && !st) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *line = text + pos;
        size_t n = end - pos, depth = 0;
        while (depth < n && line[depth] == '>')
            depth++;
        const char *content = line + depth;
        size_t clen = n - depth;
        if (clen > 0 && content[0] == ' ')
            content++, clen--; /* space-stuffing */
        bool sig = clen == 3 && memcmp(content, "-- ", 3) == 0;
        bool flowed = !sig && clen > 0 && content[clen - 1] == ' ';
        if (open && depth != open_depth) {
            st = lx_strbuf_addch(out, '\n');
            open = false;
        }
        if (!open && depth) {
            for (size_t i = 0; i < depth && !st; i++)
                st = lx_strbuf_addch(out, '>');
            if (!st)
                st = lx_strbuf_addch(out, ' ');
        }
        if (!st)
            st = lx_strbuf_add(out, content, flowed && delsp ? clen - 1 : clen);
        if (!st && flowed) {
            open = true;
            open_depth = depth;
        } else if (!st) {
            open = false;
            if (nl)
                st = lx_strbuf_addch(out, '\n');
        }
        pos = end + 1;
    }
    if (!st && open)
        st = lx_strbuf_addch(out, '\n');
    return st;
}
