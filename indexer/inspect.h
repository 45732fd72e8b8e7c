/* inspect.h - one message as JSON, exactly as the indexer sees it (--inspect). */
#ifndef LX_INSPECT_H
#define LX_INSPECT_H

#include <stdbool.h>

#include "attach.h"
#include "dkim.h"
#include "message.h"
#include "document.h"

/* How much body text --inspect prints unless --full is given. */
#define LX_INSPECT_BODY_BYTES 4096

/* Appends one JSON object (no newline) describing msg, found at loc with
 * identity sha and canonical size, to out. Body text is cut to
 * LX_INSPECT_BODY_BYTES unless full. dkim NULL: verification was skipped. */
lx_status lx_inspect_json(lx_strbuf *out, const lx_message *msg, const lx_attach_list *att,
                          const char *sha, size_t size, const lx_location *loc, bool full,
                          const lx_dkim_verdict *dkim);

#endif
