/* fuzz_lzfu.c - compressed RTF on arbitrary bytes: never more than the
 * header's raw size nor LX_LZFU_MAX_BYTES, a reason whenever it fails, and
 * the same bytes decompressed twice alike. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "lzfu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lx_strbuf out, again, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&again);
    lx_strbuf_init(&why);
    bool crc_ok, crc_again;
    lx_status st = lx_lzfu_decompress(data, size, &out, &crc_ok, &why);
    if (st != LX_OK && st != LX_E_PARSE && st != LX_E_LIMIT && st != LX_E_NOMEM)
        abort();
    if ((st == LX_E_PARSE || st == LX_E_LIMIT || (st == LX_OK && !crc_ok)) && why.len == 0)
        abort();
    if (out.len > LX_LZFU_MAX_BYTES)
        abort();
    if (size >= 8) {
        uint32_t raw = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 |
                       (uint32_t)data[7] << 24;
        if (out.len > raw)
            abort();
    }
    lx_strbuf_reset(&why);
    if (lx_lzfu_decompress(data, size, &again, &crc_again, &why) != st || again.len != out.len ||
        memcmp(again.buf, out.buf, out.len) != 0 || crc_again != crc_ok)
        abort();
    lx_strbuf_release(&out);
    lx_strbuf_release(&again);
    lx_strbuf_release(&why);
    return 0;
}
