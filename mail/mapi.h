/* mapi.h - an Outlook item as read from a PST/OST store or a .msg file, library-free: its identity and its conversion to RFC 5322. */
#ifndef LX_MAPI_H
#define LX_MAPI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "strbuf.h"

/* Every string below is UTF-8 (converted from the store's code page or
 * UTF-16 by the reader, invalid sequences replaced by U+FFFD), NUL-terminated,
 * owned by the item; NULL when the property is absent. */

typedef enum lx_mapi_rcpt_type { LX_RCPT_TO = 1, LX_RCPT_CC = 2, LX_RCPT_BCC = 3 } lx_mapi_rcpt_type;

typedef struct lx_mapi_rcpt {
    lx_mapi_rcpt_type type; /* PR_RECIPIENT_TYPE 0x0C15; unknown values kept as read */
    char *name;             /* PR_DISPLAY_NAME 0x3001 */
    char *address;          /* SMTP: 0x39FE, else 0x3003 when 0x3002 is "SMTP"; else NULL */
    char *x500;             /* 0x3003 when 0x3002 is "EX" (an Exchange DN), else NULL */
} lx_mapi_rcpt;

typedef enum lx_mapi_attach_method {
    LX_ATTACH_BY_VALUE = 1,   /* data holds the file */
    LX_ATTACH_REFERENCE = 2,  /* 2, 3, 4, 7: a link, no bytes */
    LX_ATTACH_EMBEDDED = 5,   /* embedded holds a message */
    LX_ATTACH_OLE = 6,        /* an OLE object: data holds its bytes as stored */
} lx_mapi_attach_method;

struct lx_mapi_msg;

typedef struct lx_mapi_attach {
    int method;          /* PR_ATTACH_METHOD 0x3705, as read */
    char *filename;      /* 0x3707 long name, else 0x3704, else 0x3001 display name */
    char *mime_type;     /* 0x370E */
    char *content_id;    /* 0x3712 */
    bool hidden;         /* 0x7FFE */
    unsigned char *data; /* 0x3701 bytes (by value, OLE); NULL otherwise */
    size_t data_len;
    struct lx_mapi_msg *embedded; /* method 5: the attached message; NULL otherwise */
} lx_mapi_attach;

/* Which time `date` is: the first of these the item has. */
typedef enum lx_mapi_date_from {
    LX_DATE_FROM_NONE = 0, /* not LX_DATE_NONE: message.h has that name */
    LX_DATE_SUBMIT,   /* PR_CLIENT_SUBMIT_TIME 0x0039 */
    LX_DATE_DELIVERY, /* PR_MESSAGE_DELIVERY_TIME 0x0E06 */
    LX_DATE_CREATION, /* PR_CREATION_TIME 0x3007 */
} lx_mapi_date_from;

typedef struct lx_mapi_msg {
    char *message_class;       /* 0x001A, e.g. "IPM.Note" */
    char *subject;             /* 0x0037 (the prefix 0x003D is already part of it) */
    char *sender_name;         /* 0x0C1A */
    char *sender_address;      /* SMTP: 0x5D01, else 0x0C1F when 0x0C1E is "SMTP" */
    char *representing_name;   /* 0x0042 */
    char *representing_address;/* SMTP: 0x5D02, else 0x0065 when 0x0064 is "SMTP" */
    char *sender_x500;         /* 0x0C1F when 0x0C1E is "EX" (an Exchange DN), else NULL */
    char *representing_x500;   /* 0x0065 when 0x0064 is "EX", else NULL */
    char *display_to, *display_cc, *display_bcc; /* 0x0E04, 0x0E03, 0x0E02: used only
                                                  * when the recipient table is empty */
    lx_mapi_rcpt *rcpt;
    size_t n_rcpt;
    int64_t date;              /* seconds since the epoch, UTC (when date_from is set) */
    uint32_t date_frac;        /* the FILETIME's 100 ns units within the second */
    lx_mapi_date_from date_from;
    char *message_id;          /* 0x1035 */
    char *in_reply_to;         /* 0x1042 */
    char *references;          /* 0x1039 */
    char *transport_headers;   /* 0x007D, as read (lines end with CRLF or LF) */
    char *body;                /* 0x1000 */
    unsigned char *html;       /* 0x1013 (string or binary), bytes as stored */
    size_t html_len;
    char *html_charset;        /* the charset html's bytes are in (from the code page) */
    unsigned char *rtf;        /* 0x1009 decompressed (lzfu.c), bytes as decompressed */
    size_t rtf_len;
    lx_mapi_attach *att;
    size_t n_att;
    /* What the reader could not read of this item (a property, an
     * attachment, a recipient): one line each, kept, reported by the
     * indexer; the item is still converted from the rest. */
    char **problems;
    size_t n_problems;
} lx_mapi_msg;

void lx_mapi_msg_init(lx_mapi_msg *m);
/* Frees everything m owns (embedded messages included), not m itself. */
void lx_mapi_msg_release(lx_mapi_msg *m);

/* Adds one line to m->problems (past LX_OUTLOOK_MAX_PROBLEMS, the last
 * line counts the rest: "N more problems"). LX_E_NOMEM only. */
lx_status lx_mapi_add_problem(lx_mapi_msg *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
lx_status lx_mapi_vadd_problem(lx_mapi_msg *m, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* True for the classes indexed as mail: IPM.Note (and IPM.Note.*), IPM.Post,
 * IPM.Schedule.Meeting.*, REPORT.IPM.Note.* (delivery reports); also an item
 * with no class. Contacts, appointments, tasks, notes (IPM.StickyNote),
 * distribution lists and the rest are counted by class, not indexed. */
bool lx_mapi_is_mail(const char *message_class);

/* The kind a non-mail class is reported as: "contact", "appointment",
 * "task", "note", "distribution list", "journal entry", or "other item". */
const char *lx_mapi_kind(const char *message_class);

/* The item's identity: SHA-256, as 64 lower-case hex digits, of its
 * canonical serialization, version 1 (documented in README.md, "Identity
 * of an Outlook item"). */
lx_status lx_mapi_identity(const lx_mapi_msg *m, char hex[65]);

/* Appends the item as an RFC 5322 message, deterministic (same item, same
 * bytes; no clock, no random boundary). The transport headers when present
 * (Content-* fields dropped), else headers built from the properties; then
 * a MIME body: text/plain (body), text/html (html), text/rtf (rtf, only when
 * neither of the others) and each attachment (by value and OLE as files;
 * an embedded message as message/rfc822, converted the same way; a
 * reference as a text/plain note naming it). When the From has no SMTP
 * address but an Exchange DN, X-Leakdex-Sender-X500: holds the DN (built
 * headers only). X-Leakdex-Converted: names
 * what it came from (e.g. "msg", "pst item #2097188"). */
lx_status lx_mapi_to_eml(const lx_mapi_msg *m, const char *converted_from, lx_strbuf *out);

/* The converter's name and version, recorded with every converted message;
 * a change to lx_mapi_to_eml's output bumps it (never the identity). */
#define LX_MAPI_CONVERTER "leakdex-outlook/1"

#endif
