/* original.h - reading a stored message back from its source, checked against its SHA-256. */
#ifndef LX_ORIGINAL_H
#define LX_ORIGINAL_H

#include <stdbool.h>
#include <stddef.h>

#include "evidence.h"
#include "record.h"
#include "status.h"
#include "strbuf.h"

/* Reads the canonical bytes of a stored message (its record rec) into canon
 * from the first of its locations whose bytes still hash to sha (sources
 * are opened read-only); *first_path gets the first location recorded.
 * stored, when not NULL, gets the bytes as stored of a message of an mbox
 * whose ">From " quoting was undone, and stays empty otherwise. What reading
 * did to access times goes to atimes (may be NULL). LX_E_NOT_FOUND (with
 * *why) when no location does. */
lx_status lx_original_read(const lx_record *rec, const char *sha, lx_strbuf *canon,
                           lx_strbuf *stored, lx_atime_stats *atimes, const char **first_path,
                           const char **why);

/* Appends the bytes a parsed location names to out: a file's, or the
 * member named by its chain of archive members (the file mapped read-only
 * under lx_evidence_map's rules, each archive unpacked in memory with the
 * source archive limits), then the mbox range of those bytes. On failure
 * *why is static or a strerror() reason: LX_E_IO (the file) or
 * LX_E_NOT_FOUND (a member), LX_E_NOMEM. */
lx_status lx_original_location_read(const lx_evidence_loc *loc, lx_strbuf *out,
                                    lx_atime_stats *atimes, const char **why);

/* Appends to out the bytes of the member members[n-1] of the archive
 * members[n-2]... of the archive members[0] of data[0..len) (the source
 * archive limits apply to each). LX_E_NOT_FOUND with *why (static) when one
 * cannot be read (lx_archives_member), LX_E_NOMEM. */
lx_status lx_original_members_read(const char *data, size_t len, char *const *members, size_t n,
                                   lx_strbuf *out, const char **why);

/* An Outlook item's read-back: the item loc names in raw[0..len) (the
 * bytes of its store, or of the .msg when loc has no item step) read and
 * its identity (lx_mapi_identity) compared with sha; when they agree,
 * *same and eml gets the item's .eml made again (canonical, as indexed).
 * Otherwise *why (static) says why: LX_E_NOT_FOUND when the item cannot
 * be read, LX_OK with *same false when it changed; LX_E_NOMEM. */
lx_status lx_original_converted(const lx_evidence_loc *loc, const char *raw, size_t len,
                                const char *sha, lx_strbuf *eml, bool *same, const char **why);

/* Why a location's bytes are not the message any more. */
#define LX_ORIGINAL_CHANGED "the bytes there no longer hash to the indexed SHA-256"

/* *same: whether raw[0..len), read from a location (in_mbox: a message cut
 * from an mbox, its "From " line kept), is the message whose SHA-256 is
 * sha: its canonical form, made into canon, hashes to it. */
lx_status lx_original_matches(const char *raw, size_t len, bool in_mbox, const char *sha,
                              lx_strbuf *canon, bool *same);

#endif
