/* lzfu.h - compressed RTF (MS-OXRTFCP): the RTF bodies of Outlook items, LZFu-compressed or stored.
 */
#ifndef LX_LZFU_H
#define LX_LZFU_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "strbuf.h"

/*
 * Appends the RTF held in data[0..len) (a PR_RTF_COMPRESSED value: a
 * 16-byte header, then LZFu-compressed or, "MELA", stored bytes) to out,
 * never more than the header's raw size nor LX_LZFU_MAX_BYTES. *crc_ok says
 * whether the header's CRC-32 matched the compressed bytes (a mismatch is
 * told in why, the output is kept and LX_OK returned). LX_E_PARSE (why
 * says how) when data is not compressed RTF or is cut short or damaged:
 * what was decompressed before is in out. LX_E_LIMIT when the raw size
 * passes LX_LZFU_MAX_BYTES: out holds that much. LX_E_NOMEM.
 */
lx_status lx_lzfu_decompress(const void *data, size_t len, lx_strbuf *out, bool *crc_ok,
                             lx_strbuf *why);

#endif
