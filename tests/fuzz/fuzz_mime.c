/* fuzz_mime.c - the MIME part walk and the scan that bounds it. The input is
 * a template: a count (the first byte, times 100), then a head, a chunk and
 * a tail split at the first two 0xFF bytes; the message is the head, the
 * chunk that many times, and the tail, so that a few bytes reach the caps
 * (20,000 parts, 200,000 header items). Checks that the scan cuts at a line
 * start, with a note, never past what it may give GMime, and that the parse
 * lists at most LX_MAX_PARTS leaves, all valid UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "mbox.h"
#include "message.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    lx_message_library_init();
    return 0;
}

/* Parts as the scan counts them, counted again here the plain way: lines
 * that start with "--" and do not end with "--" (spaces and line ends
 * aside). */
static size_t count_parts(const char *s, size_t len)
{
    size_t parts = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(s + pos, '\n', len - pos);
        size_t e = nl ? (size_t)(nl - s) + 1 : len;
        size_t t = e;
        while (t > pos && strchr("\r\n \t", s[t - 1]))
            t--;
        if (t - pos >= 2 && s[pos] == '-' && s[pos + 1] == '-' &&
            !(t - pos >= 4 && s[t - 1] == '-' && s[t - 2] == '-'))
            parts++;
        pos = e;
    }
    return parts;
}

static void check_clean(const char *s)
{
    if (!s || !lx_utf8_valid(s, strlen(s)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t times = (size_t)data[0] * 100;
    const char *in = (const char *)data + 1, *end = in + size - 1;
    const char *c1 = memchr(in, '\xff', (size_t)(end - in));
    const char *c2 = c1 ? memchr(c1 + 1, '\xff', (size_t)(end - c1 - 1)) : NULL;
    lx_strbuf raw, canon;
    lx_strbuf_init(&raw);
    lx_strbuf_init(&canon);
    if (!c2) {
        lx_strbuf_add(&raw, in, (size_t)(end - in));
    } else {
        lx_strbuf_add(&raw, in, (size_t)(c1 - in));
        for (size_t i = 0; i < times && raw.len < ((size_t)4 << 20); i++)
            lx_strbuf_add(&raw, c1 + 1, (size_t)(c2 - c1 - 1));
        lx_strbuf_add(&raw, c2 + 1, (size_t)(end - c2 - 1));
    }
    if (lx_mbox_canonical(&canon, raw.buf, raw.len, false) != LX_OK)
        abort();
    unsigned notes = 0;
    size_t cut = lx_message_parse_extent(canon.buf, canon.len, &notes);
    if (cut > canon.len || (cut > 0 && cut < canon.len && canon.buf[cut - 1] != '\n'))
        abort();
    if ((cut < canon.len) != ((notes & (LX_NOTE_PARTS_CUT | LX_NOTE_ITEMS_CUT)) != 0))
        abort();
    if (count_parts(canon.buf, cut) > LX_MAX_MIME_PARTS_PARSED)
        abort();
    if ((notes & LX_NOTE_PARTS_CUT) && count_parts(canon.buf, cut) != LX_MAX_MIME_PARTS_PARSED)
        abort();
    lx_message m;
    if (lx_message_parse(&m, canon.buf, canon.len, NULL) == LX_OK) {
        if (m.n_parts > LX_MAX_PARTS || (m.parts_dropped && !(m.notes & LX_NOTE_MANY_PARTS)))
            abort();
        if ((m.notes & notes) != notes)
            abort();
        for (size_t i = 0; i < m.n_parts; i++) {
            check_clean(m.parts[i].content_type);
            check_clean(m.parts[i].filename);
            if (m.parts[i].role == LX_PART_ATTACHMENT && !m.parts[i].data)
                abort();
        }
        check_clean(m.subject);
        if (!lx_utf8_valid(m.body, m.body_len))
            abort();
        lx_message_release(&m);
    }
    lx_strbuf_release(&raw);
    lx_strbuf_release(&canon);
    return 0;
}
