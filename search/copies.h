/* copies.h - the copies and conflicting copies of a message, found at display time. */
#ifndef LX_COPIES_H
#define LX_COPIES_H

#include "record.h"
#include "xdb.h"

/*
 * Adds to rec (the data of document id) what is known only at display time:
 * its "thread" id (from a value slot: the thread pass may have changed it
 * after the data was written), one "chain" pair per line of its chain
 * corroboration (the LX_F_CORROBORATION slot), one "copy" pair per other document that
 * shares its Message-ID and its fingerprint (the same message, transport
 * headers aside) and one "conflict" pair per other document that shares the
 * Message-ID but not the fingerprint, each with that document's SHA-256; at
 * most LX_MAX_COPY_LINKS are looked at. The indexer stores only the terms,
 * so copies found later never rewrite earlier documents.
 */
lx_status lx_copies_add(lx_db *db, lx_docid id, lx_record *rec);

/* A hit's record as every printer takes it: rec is initialized (release it
 * even on failure), parsed from the hit's data (read now when the search
 * left it for later), given what lx_copies_add
 * adds and, for a collapsed search, "thread_hits". */
lx_status lx_hit_record(lx_db *db, const lx_hit *h, lx_record *rec);

#endif
