/* lzfu.c - compressed RTF (MS-OXRTFCP): the RTF bodies of Outlook items, LZFu-compressed or stored.
 *
 * The header: compressed size (counting the header after this field),
 * raw size, magic ("LZFu" compressed, "MELA" stored) and a CRC-32 of the
 * bytes after the header, all little-endian. Compressed data is LZ77 over a
 * 4096-byte ring that starts filled with a fixed RTF prefix: a control byte
 * says, bit by bit from the lowest, whether each of the next eight tokens
 * is a literal byte or a two-byte big-endian reference (12 bits of ring
 * offset, 4 bits of length - 2). A reference to the ring's write position
 * ends the data.
 */
#include "lzfu.h"

#include <stdint.h>
#include <string.h>

#include "caps.h"
#include "banned.h"

#define LZFU_HEADER 16
#define LZFU_MAGIC_COMPRESSED 0x75465A4Cu /* "LZFu" */
#define LZFU_MAGIC_STORED 0x414C454Du     /* "MELA" */
#define LZFU_RING 4096

/* The ring's first bytes (MS-OXRTFCP 2.1.2.1): 207 of them. */
static const char lzfu_prefix[] =
    "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
    "\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
    "{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

_Static_assert(sizeof lzfu_prefix - 1 == 207, "MS-OXRTFCP's initial dictionary is 207 bytes");

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* CRC-32 as MS-OXRTFCP 2.1.3.2 computes it: the reflected 0xEDB88320
 * polynomial from 0, no final inversion. */
static uint32_t lzfu_crc(const unsigned char *p, size_t n)
{
    uint32_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = crc >> 1 ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return crc;
}

/* Decompresses the tokens in p[0..n) into out, up to want bytes. */
static lx_status lzfu_inflate(const unsigned char *p, size_t n, size_t want, lx_strbuf *out,
                              lx_strbuf *why)
{
    unsigned char ring[LZFU_RING] = {0};
    memcpy(ring, lzfu_prefix, sizeof lzfu_prefix - 1);
    size_t wpos = sizeof lzfu_prefix - 1;
    size_t start = out->len;
    /* A reference makes at most 17 bytes of 2: the input bounds the
     * output better than a header anyone can write. */
    lx_status st = lx_strbuf_grow(out, want < n / 2 * 17 + 16 ? want : n / 2 * 17 + 16);
    size_t pos = 0;
    while (st == LX_OK && out->len - start < want) {
        if (pos >= n) {
            lx_strbuf_addstr(why, "compressed RTF cut short");
            return LX_E_PARSE;
        }
        unsigned control = p[pos++];
        for (int bit = 0; bit < 8 && st == LX_OK && out->len - start < want; bit++) {
            if (!(control >> bit & 1)) {
                if (pos >= n)
                    break; /* reported by the loop above */
                ring[wpos] = p[pos];
                wpos = (wpos + 1) % LZFU_RING;
                st = lx_strbuf_addch(out, (char)p[pos++]);
                continue;
            }
            if (n - pos < 2) {
                pos = n;
                break;
            }
            size_t ref = (size_t)p[pos] << 8 | p[pos + 1];
            pos += 2;
            size_t offset = ref >> 4, length = (ref & 15) + 2;
            if (offset == wpos)
                return LX_OK; /* the end marker */
            for (size_t i = 0; i < length && st == LX_OK && out->len - start < want; i++) {
                unsigned char c = ring[(offset + i) % LZFU_RING];
                ring[wpos] = c;
                wpos = (wpos + 1) % LZFU_RING;
                st = lx_strbuf_addch(out, (char)c);
            }
        }
    }
    return st;
}

lx_status lx_lzfu_decompress(const void *data, size_t len, lx_strbuf *out, bool *crc_ok,
                             lx_strbuf *why)
{
    const unsigned char *d = data;
    *crc_ok = false;
    if (len < LZFU_HEADER) {
        lx_strbuf_addstr(why, "compressed RTF shorter than its header");
        return LX_E_PARSE;
    }
    uint32_t comp_size = le32(d), raw_size = le32(d + 4), magic = le32(d + 8), crc = le32(d + 12);
    if (magic != LZFU_MAGIC_COMPRESSED && magic != LZFU_MAGIC_STORED) {
        lx_strbuf_addstr(why, "not compressed RTF (no LZFu or MELA signature)");
        return LX_E_PARSE;
    }
    /* The data ends where the header says, or where the bytes do. */
    bool cut =
        comp_size < LZFU_HEADER - 4 || (size_t)comp_size - (LZFU_HEADER - 4) > len - LZFU_HEADER;
    size_t body = cut ? len - LZFU_HEADER : (size_t)comp_size - (LZFU_HEADER - 4);
    size_t want = raw_size;
    bool limited = want > LX_LZFU_MAX_BYTES;
    if (limited)
        want = LX_LZFU_MAX_BYTES;
    size_t start = out->len;
    lx_status st;
    if (magic == LZFU_MAGIC_STORED) {
        /* Stored bytes carry no CRC (MS-OXRTFCP: it is 0). */
        *crc_ok = crc == 0;
        size_t n = body < want ? body : want;
        st = lx_strbuf_add(out, d + LZFU_HEADER, n);
        if (st == LX_OK && n < want) {
            lx_strbuf_addstr(why, "stored RTF cut short");
            return LX_E_PARSE;
        }
    } else {
        *crc_ok = lzfu_crc(d + LZFU_HEADER, body) == crc;
        st = lzfu_inflate(d + LZFU_HEADER, body, want, out, why);
    }
    if (st == LX_OK && cut) {
        lx_strbuf_addstr(why, "compressed RTF shorter than its header says");
        return LX_E_PARSE;
    }
    if (st == LX_OK && !*crc_ok)
        lx_strbuf_addstr(why, "compressed RTF: CRC mismatch");
    if (st == LX_OK && limited && out->len - start == want) {
        lx_strbuf_addf(why,
                       "compressed RTF of %lu bytes: only the first %zu read (LX_LZFU_MAX_BYTES)",
                       (unsigned long)raw_size, (size_t)LX_LZFU_MAX_BYTES);
        return LX_E_LIMIT;
    }
    return st;
}
