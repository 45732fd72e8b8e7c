/* message.h - one parsed e-mail as plain data; GMime stays inside message.c. */
#ifndef LX_MESSAGE_H
#define LX_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "charset.h"
#include "strbuf.h"

typedef struct lx_address {
    char *name; /* display name, UTF-8, may be "" */
    char *addr; /* address as written but for its control characters (see
                   lx_utf8_control_len: real mail has a Ctrl-C inside <>),
                   which are removed; UTF-8, may be "" */
} lx_address;

typedef struct lx_address_list {
    lx_address *v;
    size_t n, alloc;
    size_t dropped;  /* addresses past LX_MAX_ADDRESSES, counted only */
    size_t controls; /* control characters removed from its addresses */
} lx_address_list;

typedef enum lx_date_source {
    LX_DATE_NONE,     /* neither Date nor any Received header gave a date */
    LX_DATE_HEADER,   /* the Date header */
    LX_DATE_RECEIVED, /* the newest Received header */
    /* An Outlook item without a submit time (a draft, a received item whose
     * store kept only these): the Date leakdex wrote from its delivery or
     * creation time. Set by the indexer for the items it converts, never
     * read from a header. */
    LX_DATE_OUTLOOK_DELIVERY,
    LX_DATE_OUTLOOK_CREATION,
} lx_date_source;

typedef enum lx_part_role {
    LX_PART_BODY,        /* its text is the body */
    LX_PART_ALTERNATIVE, /* a text part not chosen (the HTML beside a text/plain) */
    LX_PART_ATTACHMENT,  /* anything else, attached messages included */
} lx_part_role;

/* One leaf of the MIME tree. */
typedef struct lx_part {
    lx_part_role role;
    char *content_type;      /* "type/subtype", lowercased */
    char *filename;          /* RFC 2231 / RFC 2047 decoded, "" when none */
    size_t size;             /* bytes after transfer decoding */
    bool decoded;            /* its text was decoded: charset says how */
    bool flowed;             /* format=flowed was undone */
    bool charset_from_meta;  /* no MIME label: the HTML's <meta charset> named it */
    lx_charset_info charset; /* declared and used charset, replacements */
    char *data;              /* attachments only: the bytes after transfer decoding (an
                                attached message: the message); NULL otherwise */
    size_t data_len;
    char charset_label[LX_CHARSET_NAME_MAX]; /* the charset parameter as iconv names it, or "" */
} lx_part;

/* Things a message was indexed despite, reported with its path. */
enum {
    LX_NOTE_HEADER_CUT = 1 << 0, /* a header field longer than LX_MAX_HEADER_FIELD was cut */
    LX_NOTE_DEEP_MIME = 1 << 1,  /* parts nested deeper than LX_MAX_MIME_DEPTH not read */
    LX_NOTE_MANY_PARTS = 1 << 2, /* parts past LX_MAX_PARTS not listed */
    LX_NOTE_ADDRESSES = 1 << 3,  /* addresses past LX_MAX_ADDRESSES not kept */
    LX_NOTE_BODY_CUT = 1 << 4,   /* body text cut at LX_MAX_BODY_TEXT */
    LX_NOTE_REPLACED = 1 << 5,   /* bytes that could not be decoded became U+FFFD */
    LX_NOTE_PARTS_CUT = 1 << 6,  /* parsed up to LX_MAX_MIME_PARTS_PARSED parts: the rest not read */
    LX_NOTE_ITEMS_CUT = 1 << 7,  /* parsed up to LX_MAX_HEADER_ITEMS header items: the rest not read */
    LX_NOTE_COUNT_ = 8
};

/* A sentence for one LX_NOTE_* bit. */
const char *lx_message_note_text(unsigned note);

/* Every string is NUL-terminated valid UTF-8 in NFC owned by the message
 * (never NULL once parsed); release with lx_message_release. */
typedef struct lx_message {
    lx_address from;
    lx_address_list to, cc, bcc, reply_to;
    char *subject;
    char *message_id;  /* without <>, "" when absent */
    char *in_reply_to; /* without <>, "" when absent */
    char **references; /* without <>, oldest first */
    size_t n_references;
    lx_date_source date_source;
    int64_t date; /* seconds since the epoch, UTC; 0 when date_source is NONE */
    /* The sender's clock: the offset from UTC, in seconds east, the Date
     * header was written with. Unknown (false) when the date is not from a
     * Date header, or the header names no zone, "-0000" (RFC 5322: the
     * zone is unknown) or a zone GMime does not know. */
    bool date_offset_known;
    int date_offset;
    char *body; /* the body text */
    size_t body_len;
    bool body_from_html; /* no text/plain part: the text comes from HTML */
    bool body_truncated; /* cut at LX_MAX_BODY_TEXT */
    size_t replaced;     /* invalid sequences replaced by U+FFFD, headers and body */
    lx_part *parts;      /* every leaf, in document order */
    size_t n_parts, parts_alloc;
    size_t parts_dropped; /* leaves past LX_MAX_PARTS, counted only */
    /* The address headers (From or the Sender it fell back to, To, Cc, Bcc,
     * Reply-To) that held control characters their addresses lost, each
     * "NAME\tVALUE": the name as leakdex writes it, the value as written
     * (unfolded, every header of that name joined by ", ", invalid UTF-8
     * replaced, cut at LX_MAX_HEADER_FIELD), for `show`. */
    char **written_headers;
    size_t n_written_headers;
    unsigned notes; /* LX_NOTE_* bits: what was cut or repaired */
} lx_message;

/* The locale GMime is started under, whatever the machine's: decoding never
 * depends on LANG or LC_ALL. */
#define LX_MESSAGE_LOCALE "C.UTF-8"

/* Process-wide set-up of GMime and libxml2; call once, before any thread
 * starts and before any parse. */
void lx_message_library_init(void);
void lx_message_library_shutdown(void);

/* The charset GMime falls back to where a message names none it can use,
 * "utf-8" once lx_message_library_init has run: a static string. */
const char *lx_message_decode_charset(void);

/* Parses raw[0..len) into *msg (which the call initializes). On failure
 * *msg holds nothing to release and, when why is not NULL, a reason is
 * appended to it. */
lx_status lx_message_parse(lx_message *msg, const char *raw, size_t len, lx_strbuf *why);
void lx_message_release(lx_message *msg);

/* How much of raw[0..len) (a message, CRLF or LF) lx_message_parse gives
 * GMime: all of it, or up to the start of the line where GMime would build
 * more than LX_MAX_MIME_PARTS_PARSED parts or LX_MAX_HEADER_ITEMS header
 * items (caps.h says why); *notes then gets LX_NOTE_PARTS_CUT or
 * LX_NOTE_ITEMS_CUT. */
size_t lx_message_parse_extent(const char *raw, size_t len, unsigned *notes);

/*
 * How much of a message's body text a DKIM signature with l= covers: raw
 * is the message cut where the signed body ends (the header and the signed
 * bytes, as lx_dkim_signed_part gives them); it is parsed as any message
 * and *prefix gets the length of the longest common start of its body text
 * and body[0..body_len), at a UTF-8 boundary. What follows is text added
 * after signing. A cut message that cannot be parsed covers nothing (0).
 */
lx_status lx_message_signed_text(const char *raw, size_t len, const char *body, size_t body_len,
                                 size_t *prefix);

/* "header", "received", "delivery", "creation" or "none": the names the
 * index and --inspect use. */
const char *lx_message_date_source_name(lx_date_source s);

/* Parses an RFC 5322 date (as in Date: and after the ';' of Received:) to
 * UTC seconds; false when it cannot be read. */
bool lx_message_parse_date(const char *text, int64_t *out);

#endif
