/* tnef.c - the files and text inside a TNEF (winmail.dat) attachment.
 *
 * TNEF, as Outlook writes it: a little-endian signature 0x223E9F78, a 16-bit
 * key, then attributes: a level byte (1 message, 2 attachment), a 32-bit id
 * (type in the high 16 bits, tag in the low 16), a 32-bit length, the data
 * and a 16-bit checksum. Only the attributes that carry files and text are
 * read: the files, attBody, and in the message's MAPI property list
 * (attMsgProps) the compressed RTF body, which Outlook often sends instead
 * of attBody.
 */
#include "tnef.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lzfu.h"

#include "banned.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define ATT_BODY 0x800Cu
#define ATT_ATTACH_DATA 0x800Fu
#define ATT_ATTACH_TITLE 0x8010u
#define ATT_ATTACH_RENDDATA 0x9002u
#define ATT_MSG_PROPS 0x9003u
#define PR_RTF_COMPRESSED 0x10090102u

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The bytes of one fixed-size MAPI value of type, padded to 4; 0 when the
 * type is variable-size or unknown. */
static size_t fixed_size(unsigned type)
{
    switch (type) {
    case 0x0002: /* PT_SHORT */
    case 0x0003: /* PT_LONG */
    case 0x0004: /* PT_FLOAT */
    case 0x000A: /* PT_ERROR */
    case 0x000B: /* PT_BOOLEAN */ return 4;
    case 0x0005: /* PT_DOUBLE */
    case 0x0006: /* PT_CURRENCY */
    case 0x0007: /* PT_APPTIME */
    case 0x0014: /* PT_I8 */
    case 0x0040: /* PT_SYSTIME */ return 8;
    case 0x0048: /* PT_CLSID */ return 16;
    default: return 0;
    }
}

static bool variable_type(unsigned type)
{
    return type == 0x001E || type == 0x001F || type == 0x0102 || type == 0x000D;
}

/* Finds PR_RTF_COMPRESSED in a MAPI property list (MS-OXTNEF 2.1.3.5: a
 * count, then each property's tag, a name for named properties, and its
 * values, each padded to 4 bytes) and decompresses it into rtf. A damaged
 * list or body is told in why. */
static void read_msg_props(const unsigned char *d, size_t n, lx_strbuf *rtf, lx_strbuf *why)
{
    size_t pos = 4;
    uint32_t count = n >= 4 ? le32(d) : 0;
    for (uint32_t i = 0; i < count; i++) {
        if (n - pos < 4)
            goto damaged;
        uint32_t tag = le32(d + pos);
        unsigned type = tag & 0xFFFFu, base = type & 0x0FFFu;
        pos += 4;
        if (tag >> 16 >= 0x8000) { /* a named property: GUID, kind, id or name */
            if (n - pos < 20)
                goto damaged;
            uint32_t kind = le32(d + pos + 16);
            pos += 20;
            if (kind == 1) {
                if (n - pos < 4)
                    goto damaged;
                size_t name = le32(d + pos);
                pos += 4;
                if (name > n - pos || ((name + 3) & ~(size_t)3) > n - pos)
                    goto damaged;
                pos += (name + 3) & ~(size_t)3;
            } else {
                if (n - pos < 4)
                    goto damaged;
                pos += 4;
            }
        }
        bool multi = (type & 0x1000) != 0, var = variable_type(base);
        size_t values = 1;
        if (multi || var) {
            if (n - pos < 4)
                goto damaged;
            values = le32(d + pos);
            pos += 4;
        }
        for (size_t k = 0; k < values; k++) {
            size_t size = fixed_size(base);
            if (var) {
                if (n - pos < 4)
                    goto damaged;
                size = le32(d + pos);
                pos += 4;
            } else if (size == 0) {
                goto damaged; /* a type of unknown size: the rest cannot be read */
            }
            size_t padded = (size + 3) & ~(size_t)3;
            if (size > n - pos || padded > n - pos)
                goto damaged;
            if (tag == PR_RTF_COMPRESSED && k == 0) {
                bool crc_ok;
                lx_strbuf_reset(rtf);
                lx_strbuf problem;
                lx_strbuf_init(&problem);
                lx_status st = lx_lzfu_decompress(d + pos, size, rtf, &crc_ok, &problem);
                if (problem.len)
                    lx_strbuf_addf(why, "%sthe RTF body: %s", why->len ? "; " : "", problem.buf);
                lx_strbuf_release(&problem);
                if (st == LX_E_NOMEM)
                    return;
            }
            pos += padded;
        }
    }
    return;
damaged:
    lx_strbuf_addf(why, "%sTNEF message properties cut short or damaged", why->len ? "; " : "");
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
                       lx_strbuf *rtf, lx_strbuf *why)
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
            lx_strbuf_addf(why, "%sTNEF cut short in an attribute header", why->len ? "; " : "");
            st = LX_E_PARSE;
            break;
        }
        unsigned level = d[pos];
        uint32_t id = le32(d + pos + 1);
        uint32_t n = le32(d + pos + 5);
        pos += 9;
        if (n > len - pos || len - pos - n < 2) {
            lx_strbuf_addf(why, "%sTNEF cut short in an attribute", why->len ? "; " : "");
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
        } else if (level == 1 && tag == ATT_MSG_PROPS && rtf) {
            read_msg_props((const unsigned char *)v, n, rtf, why);
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
