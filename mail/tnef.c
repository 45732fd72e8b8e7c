/* tnef.c - the files and text inside a TNEF (winmail.dat) attachment.
 *
 * TNEF, as Outlook writes it: a little-endian signature 0x223E9F78, a 16-bit
 * key, then attributes: a level byte (1 message, 2 attachment), a 32-bit id
 * (type in the high 16 bits, tag in the low 16), a 32-bit length, the data
 * and a 16-bit checksum. Only the attributes that carry files and plain text
 * are read; MAPI property blocks (and the compressed RTF body they may hold)
 * are skipped.
 */
#include "tnef.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define ATT_BODY 0x800Cu
#define ATT_ATTACH_DATA 0x800Fu
#define ATT_ATTACH_TITLE 0x8010u
#define ATT_ATTACH_RENDDATA 0x9002u

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef struct pending {
    bool open;
    lx_strbuf title;
    const char *data;
    size_t len;
    bool has_data;
} pending;

/* Hands the attachment being read to cb; non-zero when cb says stop. */
static int emit(pending *p, lx_tnef_cb cb, void *ctx)
{
    int stop = 0;
    if (p->open && p->has_data)
        stop = cb(ctx, p->title.buf, p->data, p->len);
    lx_strbuf_reset(&p->title);
    p->open = p->has_data = false;
    p->data = NULL;
    p->len = 0;
    return stop;
}

lx_status lx_tnef_each(const char *data, size_t len, lx_tnef_cb cb, void *ctx, lx_strbuf *body,
                       lx_strbuf *why)
{
    const unsigned char *d = (const unsigned char *)data;
    if (len < 6 || le32(d) != TNEF_SIGNATURE) {
        lx_strbuf_addstr(why, "not TNEF (no signature)");
        return LX_E_PARSE;
    }
    pending p;
    memset(&p, 0, sizeof p);
    lx_strbuf_init(&p.title);
    lx_status st = LX_OK;
    size_t pos = 6;
    while (pos < len) {
        if (len - pos < 9) {
            lx_strbuf_addstr(why, "TNEF cut short in an attribute header");
            st = LX_E_PARSE;
            break;
        }
        unsigned level = d[pos];
        uint32_t id = le32(d + pos + 1);
        uint32_t n = le32(d + pos + 5);
        pos += 9;
        if (n > len - pos || len - pos - n < 2) {
            lx_strbuf_addstr(why, "TNEF cut short in an attribute");
            st = LX_E_PARSE;
            break;
        }
        const char *v = data + pos;
        pos += (size_t)n + 2; /* the data and its checksum */
        unsigned tag = id & 0xFFFFu;
        if (level == 2 && tag == ATT_ATTACH_RENDDATA) {
            if (emit(&p, cb, ctx))
                break;
            p.open = true;
        } else if (level == 2 && tag == ATT_ATTACH_TITLE) {
            p.open = true;
            lx_strbuf_reset(&p.title);
            size_t tn = strnlen(v, n);
            if ((st = lx_strbuf_add(&p.title, v, tn)))
                break;
        } else if (level == 2 && tag == ATT_ATTACH_DATA) {
            p.open = true;
            p.data = v;
            p.len = n;
            p.has_data = true;
        } else if (level == 1 && tag == ATT_BODY && body) {
            size_t bn = strnlen(v, n);
            if ((st = lx_strbuf_add(body, v, bn)))
                break;
        }
    }
    if (!st || st == LX_E_PARSE)
        emit(&p, cb, ctx);
    lx_strbuf_release(&p.title);
    return st;
}
