/* msg.h - Outlook .msg files (OLE2 compound files) read from memory into an lx_mapi_msg. */
#ifndef LX_MSG_H
#define LX_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "mapi.h"
#include "status.h"
#include "strbuf.h"

/* True when data starts with the OLE2 signature D0 CF 11 E0 A1 B1 1A E1. */
bool lx_msg_sniff(const char *data, size_t len);

/* Reads the .msg at data[0..len) (from memory; never a temporary file) into m (initialized by
 * the caller, released by the caller even on failure). LX_E_INVALID with a one-line why when it
 * is not an Outlook message (an OLE2 file without message properties: a .doc, a .xls) or cannot
 * be opened (damaged, truncated); LX_E_NOMEM. What could not be read inside goes to m->problems. */
lx_status lx_msg_read(const char *data, size_t len, lx_mapi_msg *m, lx_strbuf *why);

#endif
