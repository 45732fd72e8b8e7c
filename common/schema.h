/* schema.h - the index schema: every term prefix and value slot, declared once. */
#ifndef LX_SCHEMA_H
#define LX_SCHEMA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump when the meaning of any prefix, slot or document-data key changes. A
 * database built by another version is refused, never misread. */
#define LX_SCHEMA_VERSION 13
#define LX_SCHEMA_METADATA_KEY "leakdex.schema"
/* When the index was created (stamped with its schema version) and last
 * written by an indexing run: ISO 8601 instants, UTC. */
#define LX_CREATED_METADATA_KEY "leakdex.created"
#define LX_UPDATED_METADATA_KEY "leakdex.updated"

/* One metadata key per source file indexed completely, this prefix and the
 * SHA-256 of its path: "1 SIZE MTIME_SEC MTIME_NSEC KIND MESSAGES OTHER\nPATH"
 * (KIND m: mbox, f: one message; OTHER: messages of other shards). A later
 * run skips a file whose path, size and modification time match. */
#define LX_FILE_METADATA_PREFIX "leakdex.file."

/* Thread aliases: this prefix and a thread id (16 hex digits) -> the
 * initial thread ids (each 16 hex digits, sorted, concatenated) of the
 * documents the thread pass moved into that thread, with the aliases of the
 * threads they came from. A document keeps its initial id as its thread
 * term (LX_F_THREAD) and the pass changes only its thread id value
 * (LX_F_THREAD_ID): a thread is the documents whose value is its id, found
 * through the terms of its id and its aliases (lx_xq_thread). */
#define LX_THREAD_ALIAS_METADATA_PREFIX "leakdex.thread."

typedef enum lx_field {
    LX_F_SHA256,         /* identity: SHA-256 of the canonical raw message */
    LX_F_MESSAGE_ID,     /* Message-ID, without angle brackets */
    LX_F_FROM,           /* sender name and address, as words */
    LX_F_FROM_ADDR,      /* sender address, exact, lowercased */
    LX_F_FROM_DOMAIN,    /* sender domain, lowercased */
    LX_F_TO,             /* To, Cc and Bcc names and addresses, as words */
    LX_F_TO_ADDR,        /* To, Cc and Bcc addresses, exact, lowercased */
    LX_F_SUBJECT,        /* subject words */
    LX_F_BODY,           /* body words; free words also search subject and attachment text */
    LX_F_YEAR,           /* UTC year of the date, "2017" */
    LX_F_MONTH,          /* UTC year and month, "2017-04" */
    LX_F_CONFLICT,       /* "yes" on copies that share a Message-ID but differ */
    LX_F_FINGERPRINT,    /* SHA-256 of sender, date, subject, body: what copies share */
    LX_F_HAS,            /* LX_HAS_ATTACHMENT when a MIME leaf is not body text */
    LX_F_DKIM,           /* DKIM verdict, and the flags "weak" and "sha1" */
    LX_F_VERIFIED,       /* yes, partial, no, chain, any: an alias over LX_F_VERIFICATION */
    LX_F_VERIFICATION,   /* "yes" (verified), "partial" (signed in part), "aligned" */
    LX_F_VERIFIED_LEVEL, /* 0 no, 1 yes, 2 partial by the sender's domain, 3 partial */
    LX_F_SIGNER,         /* the d= domain of every DKIM signature, lowercased */
    LX_F_DKIMFAIL,       /* "body" or "header": what a failing signature says changed */
    LX_F_DATE,           /* UTC date, seconds since the epoch */
    LX_F_SIZE,           /* size in bytes of the canonical raw message */
    LX_F_VERDICT,        /* DKIM verdict as a number (lx_verdict), for sorting */
    LX_F_SENDER,         /* "address<TAB>name" of the sender, address lowercased */
    LX_F_RECIPIENTS,     /* "address<TAB>name" lines of To and Cc, addresses lowercased */
    LX_F_IDENTITY,       /* "sha256<TAB>fingerprint": copies are told apart without the data */
    LX_F_THREAD,         /* initial thread id (16 hex digits) as a boolean term */
    LX_F_THREAD_ID,      /* the thread id in a value slot: thread:ID, collapsing, display */
    LX_F_THREAD_LINKS,   /* what threading reads: Message-ID, In-Reply-To, subject, References */
    LX_F_CHAIN,          /* "1" when verified messages quoting it corroborate it (chain:) */
    LX_F_CHAIN_MISMATCH, /* "1" when a verified message quotes it with changes */
    LX_F_CORROBORATION,  /* lines: each verified message that corroborates it, each mismatch */
    LX_F_ATTACH_TEXT,    /* text extracted from attachments (in:attachment) */
    LX_F_IN,             /* in:body, in:attachment: where free-text words must be */
    LX_F_ATTACH_NAME,    /* words of attachment file names */
    LX_F_FILENAME,       /* attachment file name, exact, ASCII-lowercased */
    LX_F_MIMETYPE,       /* declared and sniffed MIME types of attachments */
    LX_F_FILETYPE,       /* short file type from the sniffed MIME type: pdf, docx... */
    LX_F_ATTACH_COUNT,   /* attachments of the message, nested ones included */
    LX_F_ATTACH_TEXTS,   /* of which text was extracted */
    LX_F_EXCERPTS,       /* the start of each attachment's text, for snippets */
    LX_F_PEOPLE,         /* From, To, Cc, Reply-To names and addresses: free text searches them */
    LX_F_DATE_OFFSET,    /* the UTC offset the Date header was written with (document data) */
    LX_F_SENDER_TALLY,   /* SHA, date, level, verdict, attachments, chain, sender: senders, stats */
    LX_F_RECIPIENTS_TALLY, /* SHA, date, level and the recipients lines: recipients */
    LX_F_OCR,              /* "yes": an attachment read by OCR; "pending": one looks scanned */
    LX_F_COUNT_            /* number of fields; not a field */
} lx_field;

/* Text is indexed as written (lowercased words with positions), and
 * searched in French and English at once (an archive mixes both, often in
 * one message): a query word's stem in either language matches the words
 * that have that stem in either language. The stemmers' names, as Xapian
 * knows them. */
#define LX_STEM_FRENCH "french"
#define LX_STEM_ENGLISH "english"

/* The stem table: one metadata key per stem and language, this prefix, the
 * language ("fr" or "en"), a dot and the stem ("leakdex.stem.fr.candidat"),
 * holding the distinct text words (lowercased, without a field's prefix)
 * other than the stem that have that stem, sorted bytewise, separated by NUL
 * bytes; a stem with no other word has no key. A search adds the stem itself
 * when it is its own stem, so a value is the union of what each document
 * brought, whichever writer or segment wrote it.
 * Words that start with a digit or a mark are never stemmed (Xapian's
 * STEM_SOME), and have no entry. */
#define LX_STEM_METADATA_PREFIX "leakdex.stem."
#define LX_STEM_METADATA_FR "fr"
#define LX_STEM_METADATA_EN "en"

/* The LX_F_HAS term's value (has:attachment) of a message with an
 * attachment. */
#define LX_HAS_ATTACHMENT "attachment"

/* The LX_F_OCR terms' values: an attachment's text was read by OCR
 * (ocr:yes), an attachment looks scanned and was not read (ocr:pending,
 * what leakdex-index --ocr reads on an existing index). */
#define LX_OCR_YES "yes"
#define LX_OCR_PENDING "pending"

typedef enum lx_field_kind {
    LX_KIND_BOOLEAN, /* exact terms that filter without weighting */
    LX_KIND_TEXT,    /* positional words, phrases work */
    LX_KIND_VALUE,   /* a value slot: ranges and sorting */
    LX_KIND_ALIAS,   /* a query name answered from another field's terms */
    LX_KIND_DATA,    /* a key of the document data (no term, no slot): name is the key */
} lx_field_kind;

typedef struct lx_field_def {
    lx_field field;         /* equals the row's index in the table */
    const char *name;       /* name in documentation and JSON */
    const char *query_name; /* "name:" in queries, or NULL when not queryable */
    const char *prefix;     /* term prefix, or NULL for value-only fields */
    int slot;               /* explicit value slot, or -1 */
    lx_field_kind kind;
    const char *help;    /* one line for --help-query and the README */
    const char *example; /* a query that uses it */
} lx_field_def;

/* The document data holds one "dkim_sig" line per DKIM signature: these
 * fields, tab-separated, in this order (numbers in decimal, -1 or "" when
 * absent, weak and aligned as "yes"/"no"). */
enum { LX_DKIM_SIG_NFIELDS = 16 };
extern const char *const lx_dkim_sig_fields[LX_DKIM_SIG_NFIELDS];

/* The document data holds one "attachment" line per attachment file (nested
 * ones included, in the order they were found): these fields, tab-separated,
 * in this order. n is 1-based, parent is the n of the container (0 at the top);
 * tabs and newlines in names are spaces. The three ocr_ fields (schema 13)
 * are empty unless OCR read the file; a line of 9 fields reads as one with
 * them empty. */
enum { LX_ATTACH_NFIELDS = 12 };
extern const char *const lx_attach_fields[LX_ATTACH_NFIELDS];

/* A message's DKIM verdict, RFC 6376's results, ordered by how much a result
 * says about a message that did not pass: a message's verdict is its best
 * signature's in this order. The LX_F_DKIM term and the "dkim" data key hold
 * its name; the LX_F_VERDICT slot its number (-1 when unchecked). */
typedef enum lx_verdict {
    LX_VERDICT_NONE,      /* unsigned (a message's verdict only) */
    LX_VERDICT_PASS,      /* the signature verifies */
    LX_VERDICT_FAIL,      /* body hash or signature mismatch: something changed */
    LX_VERDICT_NOKEY,     /* no key record for the selector in any key file */
    LX_VERDICT_INVALID,   /* malformed signature or key, revoked key, unsupported */
    LX_VERDICT_UNCHECKED, /* indexed with --no-dkim: never verified */
    LX_VERDICT_COUNT_     /* number of verdicts; not a verdict */
} lx_verdict;

/* "none", "pass", "fail", "nokey", "invalid", "unchecked"; "invalid" for a
 * number out of range. */
const char *lx_verdict_name(lx_verdict v);

/* What a reporter may rely on, on top of the verdict: the "verified" data key
 * and the verified: query hold its name. */
typedef enum lx_verified {
    LX_VERIFIED_NO,      /* no signature passes */
    LX_VERIFIED_YES,     /* a passing signature aligned with the From address covers every
                            From, Subject and Date field and the whole body */
    LX_VERIFIED_PARTIAL, /* a signature passes, but not all of that */
} lx_verified;

/* "no", "yes", "partial". */
const char *lx_verified_name(lx_verified v);

/* The keys of a document's data (a record, common/record.h), each one named
 * once. Addresses are "Name <address>" lines. */
#define LX_DATA_SHA256 "sha256"               /* the identity: SHA-256, 64 hex digits */
#define LX_DATA_PATH "path"                   /* where it was found: a location (below) */
#define LX_DATA_SIZE "size"                   /* bytes of the canonical raw message */
#define LX_DATA_MESSAGE_ID "message_id"
#define LX_DATA_FROM_NAME "from_name"
#define LX_DATA_FROM_ADDRESS "from_address"
#define LX_DATA_TO "to"
#define LX_DATA_CC "cc"
#define LX_DATA_BCC "bcc"
#define LX_DATA_REPLY_TO "reply_to"
#define LX_DATA_DROPPED_ADDRESSES "dropped_addresses" /* "KEY:N": addresses past the cap */
#define LX_DATA_SUBJECT "subject"
#define LX_DATA_DATE "date"                   /* seconds since the epoch, UTC */
#define LX_DATA_DATE_SOURCE "date_source"     /* which header the date came from */
#define LX_DATA_IN_REPLY_TO "in_reply_to"
#define LX_DATA_REFERENCES "references"
#define LX_DATA_BODY "body"                   /* the body text shown */
#define LX_DATA_BODY_SOURCE "body_source"     /* "plain" or "html" */
#define LX_DATA_BODY_TRUNCATED "body_truncated"
#define LX_DATA_REPLACED_CHARACTERS "replaced_characters"
#define LX_DATA_FINGERPRINT "fingerprint"
#define LX_DATA_DKIM "dkim"                   /* the verdict's name (lx_verdict_name) */
#define LX_DATA_DKIM_SIG "dkim_sig"           /* one per signature: lx_dkim_sig_fields */
#define LX_DATA_VERIFIED "verified"           /* lx_verified_name */
#define LX_DATA_VERIFIED_REASON "verified_reason"
#define LX_DATA_VERIFIED_SIGNER "verified_signer"
#define LX_DATA_UNSIGNED_HEADERS "unsigned_headers"
#define LX_DATA_BODY_SIGNED_BYTES "body_signed_bytes"
#define LX_DATA_WRITTEN_HEADER "written_header"
#define LX_DATA_ATTACHMENT "attachment"       /* one per attachment: lx_attach_fields */
#define LX_DATA_CONVERTED "converted"         /* an Outlook item: "pst", "ost" or "msg" */
#define LX_DATA_CONVERTER "converter"         /* and the converter that made its .eml */

/* A location, where a message was found (LX_DATA_PATH): "PATH" for a file
 * of its own, "PATH<TAB>OFFSET<TAB>LENGTH" for a message inside an mbox
 * (byte offset and length of its "From " line and text). Written by
 * lx_evidence_format, read by lx_evidence_parse (common/evidence.h). */
#define LX_LOCATION_SEP '\t'

/* The row for a field; the table is static and lives as long as the program. */
const lx_field_def *lx_schema_field(lx_field f);

/* The row whose query_name is name[0..len), or NULL. */
const lx_field_def *lx_schema_by_query_name(const char *name, size_t len);

/* Shorthands for the row's prefix and slot. */
const char *lx_schema_prefix(lx_field f);
int lx_schema_slot(lx_field f);

#ifdef __cplusplus
}
#endif

#endif
