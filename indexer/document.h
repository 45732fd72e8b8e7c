/* document.h - the document build: a parsed message made into its Xapian document. */
#ifndef LX_DOCUMENT_H
#define LX_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "attach.h"
#include "dkim.h"
#include "message.h"
#include "sha256.h"
#include "shard.h"
#include "xdb.h"

/* Where a message was found: a file of its own, or a byte range of an mbox
 * (offset of its "From " line, length up to the end of the message), in
 * the file path or in the archive member steps names inside it. */
typedef struct lx_location {
    const char *path;
    bool in_mbox;
    size_t offset;
    size_t length;
    const char *steps; /* NULL or the stored steps after the path (lx_evidence_add_member) */
    /* NULL, or what an Outlook item was converted from ("pst", "ost", "msg"):
     * its bytes are leakdex's .eml (lx_mapi_to_eml), its identity the item's. */
    const char *converted;
} lx_location;

typedef enum lx_document_seen {
    LX_SEEN_NEW,       /* no document has this identity yet */
    LX_SEEN_DUPLICATE, /* known message at a new location; location recorded */
    LX_SEEN_KNOWN,     /* known message at a known location: nothing to do */
} lx_document_seen;

/* Looks up the identity sha; records loc on the existing document when it
 * is new there. */
lx_status lx_document_lookup(lx_db *db, const char *sha, const lx_location *loc,
                             lx_document_seen *seen);

/*
 * Builds the document for a message not yet in the index, with its DKIM
 * verdict (NULL when verification was skipped: recorded as "unchecked") and
 * its attachment files (att, from lx_attachtext_extract), without touching any
 * database: the indexer's workers build documents side by side. fp gets the
 * message's fingerprint (for lx_document_put).
 */
lx_status lx_document_build(const char *sha, size_t size, const lx_location *loc,
                            const lx_message *msg, const lx_attach_list *att,
                            const lx_dkim_verdict *dkim, lx_doc **doc,
                            char fp[LX_SHA256_HEX_LEN + 1]);

/*
 * Adds a document from lx_document_build to db. Copies sharing its Message-ID
 * (msgid, "" for none) are linked: "copy" when From, Date, Subject and body
 * agree (transport headers may differ), "conflict" (and the conflict:yes
 * term on both) when they do not. doc is the caller's to free.
 */
lx_status lx_document_put(lx_db *db, lx_doc *doc, const char *fp, const char *msgid);

/* What lx_document_put would have marked for document id, stored without
 * it (a segment's, merged after the documents before it): the copies
 * stored before id sharing its Message-ID compared with it, conflict:yes
 * on both sides where they differ. Called for such documents in id order,
 * it leaves the marks one writer would have left. */
lx_status lx_document_mark_copies(lx_db *db, lx_docid id, const char *fp, const char *msgid);

/* Checks that the index may take the messages of shard want (NULL: every
 * message, no --shard), and records want in an empty index. An index takes
 * only what it was built for: the same single shard, or (without --shard)
 * the whole archive (an index built without --shard, or every shard of one
 * split merged). Otherwise LX_E_INVALID with a one-line reason in why. */
lx_status lx_document_check_shard(lx_db *db, const char *dbpath, const lx_shard *want,
                                  lx_strbuf *why);

/* Replaces the DKIM verdict of stored document id (for --reverify): its
 * verdict, signer and dkimfail terms, verdict slot and data. dkim NULL
 * records that verification was skipped. */
lx_status lx_document_set_dkim(lx_db *db, lx_docid id, const lx_dkim_verdict *dkim);

/* Replaces what stored document id holds of its attachments by what att
 * (the attachments of m, its message read again, extracted anew: with
 * --ocr) gives, as lx_document_build would have built them: the attachment
 * text words with their positions, the ocr: terms, the attachment data
 * lines, the excerpts, the attachment counts and the sender's tally's.
 * Threads, chains, conflicts, DKIM and locations stay as they are. */
lx_status lx_document_set_attachments(lx_db *db, lx_docid id, const lx_message *m,
                                      const lx_attach_list *att);

/* The message's fingerprint, SHA-256 as hex, of what copies sharing a
 * Message-ID must agree on: the sender's address (any case), the date (when
 * from the Date header, as an instant), the subject and the body text, these
 * two with every run of white space made one space and none at either end
 * (so a body re-wrapped, or its line ends made CRLF, by Outlook still
 * agrees; a changed word does not). */
lx_status lx_document_fingerprint(const lx_message *m, char hex[LX_SHA256_HEX_LEN + 1]);

/* The location as stored in the document data (lx_evidence_format_steps):
 * "PATH", its steps, and "\tOFFSET\tLENGTH" for a message inside an mbox. */
lx_status lx_document_format_location(lx_strbuf *out, const lx_location *loc);

#endif
