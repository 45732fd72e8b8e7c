/* ids.h - finding a message by its id (a prefix of its SHA-256) and a thread by its id. */
#ifndef LX_IDS_H
#define LX_IDS_H

#include <stddef.h>

#include "caps.h"
#include "xdb.h"

/* The one document whose SHA-256 starts with the hex digits id (any case,
 * LX_MIN_ID_PREFIX to 64 of them) into *out. LX_E_INVALID: id is not of
 * that form; LX_E_NOT_FOUND: no message has it; LX_E_AMBIGUOUS: several
 * do; any other failure is the index's (lx_db_error). */
lx_status lx_ids_message(lx_db *db, const char *id, lx_docid *out);

/* The thread named by id, a thread id (LX_THREAD_HEX hex digits that some
 * thread has) or the id of any of its messages (as lx_ids_message reads
 * it, with its failures), into tid (lowercase). LX_OK with tid empty: the
 * message has no thread id (it was indexed before threads were). */
lx_status lx_ids_thread(lx_db *db, const char *id, char tid[LX_THREAD_HEX + 1]);

#endif
