/* attachment.h - one attachment (or a message's original) handed out: decoded again from the original, checked against the index; or its text as the index keeps it. */
#ifndef LX_ATTACHMENT_H
#define LX_ATTACHMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "evidence.h"
#include "sha256.h"
#include "strbuf.h"
#include "xdb.h"

/* What went wrong handing out an attachment. */
typedef enum lx_attachment_problem {
    LX_ATTACHMENT_OK,
    LX_ATTACHMENT_NO_SUCH, /* the message has no attachment of that number */
    LX_ATTACHMENT_RECORD,  /* the message's data cannot be read (why: a status) */
    LX_ATTACHMENT_MESSAGE, /* the original, or the attachment in it, cannot be had (why) */
    LX_ATTACHMENT_TOOLS,   /* the attachment walk cannot start (why: libmagic) */
} lx_attachment_problem;

/* An attachment as lx_attachment_get hands it out; release with
 * lx_attachment_copy_release. */
typedef struct lx_attachment_copy {
    lx_strbuf bytes;                    /* its bytes, decoded */
    lx_strbuf name;                     /* its file name; empty when unnamed */
    char sha256[LX_SHA256_HEX_LEN + 1]; /* of bytes */
    bool too_big;                       /* not read at indexing for its size: the index
                                           holds no SHA-256 of its own */
    lx_strbuf status;                   /* its indexed status ("limit: larger than ...") */
    lx_attachment_problem problem;
    lx_strbuf why; /* the problem, in one line */
} lx_attachment_copy;

void lx_attachment_copy_init(lx_attachment_copy *c);
void lx_attachment_copy_release(lx_attachment_copy *c);

/*
 * Attachment n (numbered as the index numbers them, from 1) of document id:
 * the original is read again from its source (only where it still hashes
 * to the message's SHA-256), parsed again and attachment n decoded; its
 * SHA-256 must match the indexed one. One that was not read for its size
 * has none: the message's SHA-256, checked, vouches for its bytes, and its
 * size must be the indexed one. What reading did to access times goes to
 * atimes (may be NULL). Returns LX_OK, or the index's failure (lx_db_error),
 * or LX_E_NOT_FOUND with out->problem and out->why saying what went wrong.
 * The MIME library is the caller's to start once, before any call
 * (lx_message_library_init, mail/message.h), and to stop at the end: a
 * server hands out many attachments in one process.
 */
lx_status lx_attachment_get(lx_db *db, lx_docid id, size_t n, lx_atime_stats *atimes,
                            lx_attachment_copy *out);

/* The original message of document id, handed out the same way: its
 * canonical bytes (CRLF line ends, without an mbox's From line: the bytes
 * whose SHA-256 is its id), read back from the first of its sources that
 * still hashes to it; name is "SHA256.eml". */
lx_status lx_attachment_original(lx_db *db, lx_docid id, lx_atime_stats *atimes,
                                 lx_attachment_copy *out);

/* An attachment's extracted text as the index keeps it; release with
 * lx_attachment_text_release. */
typedef struct lx_attachment_text {
    char sha256[LX_SHA256_HEX_LEN + 1]; /* the message's ("" when its data lacks it) */
    lx_strbuf text;   /* the start of its text (LX_MAX_EXCERPT_BYTES a file, within
                         LX_MAX_EXCERPTS_BYTES a message: the excerpts snippets read) */
    lx_strbuf name;   /* its file name; empty when unnamed */
    lx_strbuf status; /* its indexed status ("ok", "truncated", "skipped: ...") */
    bool truncated;   /* text is not all of the file's text: extraction was cut
                         (status "truncated") or the index kept less of it */
} lx_attachment_text;

void lx_attachment_text_init(lx_attachment_text *t);
void lx_attachment_text_release(lx_attachment_text *t);

/* The text of attachment n (from 1) of document id as the index keeps it,
 * from the index alone (the original is not read). LX_E_NOT_FOUND when
 * the message has no attachment n; other failures are the index's
 * (lx_db_error). */
lx_status lx_attachment_text_get(lx_db *db, lx_docid id, size_t n, lx_attachment_text *out);

#endif
