/* tnef.h - the files and text inside a TNEF (winmail.dat) attachment. */
#ifndef LX_TNEF_H
#define LX_TNEF_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Called for each attached file, in order: its title (bytes as stored,
 * usually windows-1252; "" when none) and its bytes, which live until the
 * callback returns. Return non-zero to stop. */
typedef int (*lx_tnef_cb)(void *ctx, const char *title, const char *data, size_t len);

/*
 * Reads TNEF data[0..len): every attachment (attAttachRenddata starts one,
 * attAttachTitle names it, attAttachData holds it) is passed to cb, the
 * plain-text body (attBody) is appended to body, and when rtf is not NULL
 * the RTF body (PR_RTF_COMPRESSED in the message's MAPI properties,
 * attMsgProps) is decompressed into rtf. Returns LX_E_PARSE (why says how)
 * when data is not TNEF or is cut short; attachments read before the damage
 * have been passed on. A damaged property list or RTF body is told in why
 * and ends nothing. Bounds-checked on every read; fuzzed.
 */
lx_status lx_tnef_each(const char *data, size_t len, lx_tnef_cb cb, void *ctx, lx_strbuf *body,
                       lx_strbuf *rtf, lx_strbuf *why);

#endif
