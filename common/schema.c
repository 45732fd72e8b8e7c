/* schema.c - the one table that says how each field is stored in Xapian. */
#include "schema.h"

#include <string.h>

#include "banned.h"

/*
 * The schema. One Xapian document per unique message (identity: SHA-256 of
 * the raw message with CRLF line endings and without an mbox "From " line).
 *
 * Boolean terms are stored as PREFIX + value, values normalized as the help
 * says; text fields go through Xapian's TermGenerator with positions, so
 * phrases work; unprefixed free text holds the subject and the body. Value
 * slots are numbered explicitly here and nowhere else: reordering rows never
 * changes the on-disk format. Prefixes follow Xapian's convention (Q for the
 * unique id, X-prefixes for the rest).
 *
 * The document data is a list of key=value lines; see record.h and the README.
 * Rows of kind LX_KIND_DATA name keys of it that the searcher reads.
 */
static const lx_field_def lx_schema_table[LX_F_COUNT_] = {
    {LX_F_SHA256, "sha256", NULL, "Q", -1, LX_KIND_BOOLEAN,
     "SHA-256 of the message, 64 lowercase hex digits", NULL},
    {LX_F_MESSAGE_ID, "message_id", "id", "XMID", -1, LX_KIND_BOOLEAN,
     "Message-ID, exact, with or without <>", "id:014.horizon@campagne-exemple.fr"},
    {LX_F_FROM, "from", "from", "XF", -1, LX_KIND_TEXT, "words of the sender's name and address",
     "from:alice or from:alice.martin@example.org"},
    {LX_F_FROM_ADDR, "from_address", "sender", "XFA", -1, LX_KIND_BOOLEAN,
     "the sender's address, exact (the --from option): never a display name that spells it",
     "sender:alice.martin@campagne-exemple.fr"},
    {LX_F_FROM_DOMAIN, "from_domain", "domain", "XFD", -1, LX_KIND_BOOLEAN,
     "sender's domain, exact, lowercased", "domain:campagne-exemple.fr"},
    {LX_F_TO, "to", "to", "XT", -1, LX_KIND_TEXT, "words of To, Cc and Bcc names and addresses",
     "to:presse@presse-exemple.fr"},
    {LX_F_TO_ADDR, "to_address", "recipient", "XTA", -1, LX_KIND_BOOLEAN,
     "a To, Cc or Bcc address, exact (the --to option)", "recipient:presse@presse-exemple.fr"},
    {LX_F_SUBJECT, "subject", "subject", "XS", -1, LX_KIND_TEXT, "words of the subject",
     "subject:réunion or subject:\"budget 2017\""},
    {LX_F_BODY, "text", NULL, "", -1, LX_KIND_TEXT,
     "words of the body; a query's free words (no field name) search the body, the subject, "
     "attachment text and the From, To, Cc and Reply-To names and addresses",
     "zeppelin or \"budget prévisionnel\""},
    {LX_F_YEAR, "year", "year", "XY", -1, LX_KIND_BOOLEAN,
     "year of the date (UTC; with --tz, the zone's, as a date range)", "year:2016"},
    {LX_F_MONTH, "month", "month", "XM", -1, LX_KIND_BOOLEAN,
     "year and month of the date (UTC; with --tz, the zone's)", "month:2017-04"},
    {LX_F_CONFLICT, "conflict", "conflict", "XC", -1, LX_KIND_BOOLEAN,
     "\"yes\" on copies that share a Message-ID but differ in From, Date, Subject or body",
     "conflict:yes"},
    {LX_F_FINGERPRINT, "fingerprint", NULL, "XFP", -1, LX_KIND_BOOLEAN,
     "SHA-256 of sender, date, subject and body text: equal on copies of one message", NULL},
    {LX_F_HAS, "has", "has", "XHAS", -1, LX_KIND_BOOLEAN,
     "attachment: the message has a MIME part that is not body text (the --has-attachment "
     "option)",
     "has:attachment"},
    {LX_F_DKIM, "dkim", "dkim", "XV", -1, LX_KIND_BOOLEAN,
     "DKIM verdict: pass, fail, nokey, invalid or none; also weak (RSA key under 1024 bits) "
     "and sha1",
     "dkim:fail or dkim:weak"},
    {LX_F_VERIFIED, "verified", "verified", NULL, -1, LX_KIND_ALIAS,
     "yes: a passing DKIM signature from the sender's domain covers From, Subject, Date and "
     "the whole body (the --verified option); partial: a signature passes but not all of "
     "that; no: anything but yes; chain: not verified but corroborated by verified messages "
     "that quote it; any: yes or chain",
     "verified:yes or verified:partial"},
    /* What a reporter may rely on (indexer/dkim.c decides): "yes" verified,
     * "partial" signed in part, and "aligned" on both when the signature
     * behind it is the sender's domain's, so that the text it covers may
     * corroborate the messages it quotes. */
    {LX_F_VERIFICATION, "verification", NULL, "XVY", -1, LX_KIND_BOOLEAN,
     "yes (verified), partial (signed in part); aligned: the signature behind it is the "
     "sender's domain's",
     NULL},
    {LX_F_VERIFIED_LEVEL, "verified_level", NULL, NULL, 14, LX_KIND_VALUE,
     "0 not verified, 1 verified, 2 signed in part by the sender's domain, 3 signed in part "
     "by another (senders, stats, chain corroboration)",
     NULL},
    {LX_F_SIGNER, "signer", "signer", "XSD", -1, LX_KIND_BOOLEAN,
     "domain (d=) of any DKIM signature on the message, lowercased", "signer:gmail.com"},
    {LX_F_DKIMFAIL, "dkimfail", "dkimfail", "XDF", -1, LX_KIND_BOOLEAN,
     "body: a signature's body hash no longer matches (the body was altered); header: the "
     "signature no longer matches (signed headers were altered)",
     "dkimfail:body"},
    {LX_F_DATE, "date", "date", NULL, 0, LX_KIND_VALUE,
     "date (UTC, or the --tz zone): YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B with either "
     "end open",
     "date:2016-01-01..2017-04-24 or date:2017 or date:..2010-06"},
    {LX_F_SIZE, "size", NULL, NULL, 1, LX_KIND_VALUE, "size of the raw message in bytes", NULL},
    {LX_F_VERDICT, "verdict", NULL, NULL, 2, LX_KIND_VALUE,
     "DKIM verdict as a number: 0 none, 1 pass, 2 fail, 3 nokey, 4 invalid", NULL},
    {LX_F_SENDER, "sender", NULL, NULL, 3, LX_KIND_VALUE,
     "sender as \"address<TAB>name\", address lowercased (senders, stats)", NULL},
    {LX_F_RECIPIENTS, "recipients", NULL, NULL, 4, LX_KIND_VALUE,
     "To and Cc as \"address<TAB>name\" lines, addresses lowercased (recipients)", NULL},
    {LX_F_IDENTITY, "identity", NULL, NULL, 5, LX_KIND_VALUE,
     "\"sha256<TAB>fingerprint\" (copies and conflicts are listed from it)", NULL},
    {LX_F_THREAD, "thread", "thread", "XTH", -1, LX_KIND_BOOLEAN,
     "thread id, 16 hex digits (the thread column of a hit list; the thread command)",
     "thread:5f2c0e8a9b1d3c47"},
    {LX_F_THREAD_ID, "thread_id", NULL, NULL, 6, LX_KIND_VALUE,
     "thread id, 16 hex digits (--collapse thread)", NULL},
    {LX_F_THREAD_LINKS, "thread_links", NULL, NULL, 7, LX_KIND_VALUE,
     "lines: Message-ID, In-Reply-To, reply flag, base subject, then References (threading)", NULL},
    /* Chain corroboration. Flags in value slots, not terms: the chain pass
     * sets them on documents already written; Xapian rewrites a stored
     * document's values without reading its terms and positions back, which
     * it must do to change its terms. chain: queries are value ranges over
     * the two slots. */
    {LX_F_CHAIN, "chain", "chain", NULL, 11, LX_KIND_VALUE,
     "corroborated: quoted by a verified message (never counted as verified); mismatch: a "
     "verified message quotes it with words or header changed",
     "chain:corroborated or chain:mismatch"},
    {LX_F_CHAIN_MISMATCH, "chain_mismatch", NULL, NULL, 12, LX_KIND_VALUE,
     "\"1\" when a verified message quotes it with words or header changed (chain:mismatch)", NULL},
    {LX_F_CORROBORATION, "corroboration", NULL, NULL, 10, LX_KIND_VALUE,
     "lines \"corroborated<TAB>SHA256<TAB>COVERAGE<TAB>SIGNER<TAB>HEADER\" and "
     "\"mismatch<TAB>SHA256<TAB>SIGNER<TAB>REASON\" (chain corroboration)",
     NULL},
    {LX_F_ATTACH_TEXT, "attachment_text", NULL, "XAT", -1, LX_KIND_TEXT,
     "words of the text extracted from attachments (searched by in:attachment)", NULL},
    {LX_F_IN, "in", "in", NULL, -1, LX_KIND_ALIAS,
     "attachment or body: the free-text words of the query only in attachment text, or only "
     "in the body",
     "in:attachment budget"},
    {LX_F_ATTACH_NAME, "attachment", "attachment", "XAN", -1, LX_KIND_TEXT,
     "words of an attachment's file name", "attachment:budget"},
    {LX_F_FILENAME, "filename", "filename", "XFN", -1, LX_KIND_BOOLEAN,
     "an attachment's file name, exact (ASCII letters in any case)",
     "filename:budget-2017.pdf or filename:\"note de frais.docx\""},
    {LX_F_MIMETYPE, "mimetype", "mimetype", "XMT", -1, LX_KIND_BOOLEAN,
     "an attachment's MIME type, declared or sniffed from its content", "mimetype:application/pdf"},
    {LX_F_FILETYPE, "filetype", "filetype", "XFT", -1, LX_KIND_BOOLEAN,
     "an attachment's file type from its content: pdf, docx, xlsx, pptx, odt, ods, odp, rtf, "
     "doc, xls, ppt, html, text, zip, tar, gzip, eml, tnef, image...",
     "filetype:pdf"},
    {LX_F_ATTACH_COUNT, "attachments", NULL, NULL, 8, LX_KIND_VALUE,
     "number of attachment files, nested ones included (stats)", NULL},
    {LX_F_ATTACH_TEXTS, "attachments_with_text", NULL, NULL, 9, LX_KIND_VALUE,
     "number of attachment files whose text was extracted (stats)", NULL},
    /* Attachment text is indexed (XAT) but not in the document data, which
     * every hit reads whole: a snippet from an attachment reads this slot
     * for the few hits that need it. */
    {LX_F_EXCERPTS, "attachment_excerpts", NULL, NULL, 13, LX_KIND_VALUE,
     "the start of each attachment file's text, for snippets: \"N=TEXT\" lines as in the "
     "document data (N the attachment's number; 128 KiB a file, 512 KiB a message)",
     NULL},
    /* Schema 9: free text also searches the people of a message (notmuch
     * does likewise); from: and to: keep their own fields. Bcc is left out:
     * only the sender's copy has it. */
    {LX_F_PEOPLE, "people", NULL, "XP", -1, LX_KIND_TEXT,
     "words of the From, To, Cc and Reply-To names and addresses (searched by free words)", NULL},
    /* The sender's clock: "+02:00", "-05:30", "+00:00"; absent when the Date
     * header gave no usable zone (none, -0000, a name GMime does not know),
     * or the date came from a Received header. Outputs show date_local
     * from it; the date itself is always UTC. */
    {LX_F_DATE_OFFSET, "date_offset", NULL, NULL, -1, LX_KIND_DATA,
     "the UTC offset the Date header was written with, \"+02:00\" (absent when unknown)", NULL},
    /* Schema 12: what senders, recipients and stats count, one value per
     * message with the identity that collapses copies, so that a match spy
     * counts them on the servers of remote shards (common/tally.h). */
    {LX_F_SENDER_TALLY, "sender_tally", NULL, NULL, 15, LX_KIND_VALUE,
     "SHA-256, date, verified level, verdict, attachments, with text, chain flags, then "
     "\"address<TAB>name\" of the sender (senders, stats)",
     NULL},
    {LX_F_RECIPIENTS_TALLY, "recipients_tally", NULL, NULL, 16, LX_KIND_VALUE,
     "SHA-256, date, verified level, then the To and Cc \"address<TAB>name\" lines "
     "(recipients)",
     NULL},
    /* Schema 13: scans. pending is what leakdex-index --ocr reads on an
     * existing index; schema 12 marked none, so it could not tell. */
    {LX_F_OCR, "ocr", "ocr", "XOCR", -1, LX_KIND_BOOLEAN,
     "yes: an attachment's text was read by OCR; pending: an attachment looks scanned (PDF "
     "pages without text, an image large enough to hold text) and was not read "
     "(leakdex-index --ocr reads it)",
     "ocr:yes or ocr:pending"},
};

const char *const lx_dkim_sig_fields[LX_DKIM_SIG_NFIELDS] = {
    "domain", "selector", "algorithm", "canonicalization", "identity",   "result",
    "reason", "key_bits", "weak",      "key_record",       "key_source", "unsigned_bytes",
    "t",      "x",        "aligned",   "mbox_form"};

const char *const lx_attach_fields[LX_ATTACH_NFIELDS] = {
    "n",          "parent",     "name",           "type",         "sniffed_type", "size",
    "sha256",     "status",     "text_bytes",     "ocr_confidence", "ocr_language", "ocr_pages"};

const lx_field_def *lx_schema_field(lx_field f)
{
    if ((unsigned)f >= LX_F_COUNT_)
        return NULL;
    return &lx_schema_table[f];
}

const lx_field_def *lx_schema_by_query_name(const char *name, size_t len)
{
    for (size_t i = 0; i < LX_F_COUNT_; i++) {
        const char *q = lx_schema_table[i].query_name;
        if (q && strlen(q) == len && memcmp(q, name, len) == 0)
            return &lx_schema_table[i];
    }
    return NULL;
}

const char *lx_schema_prefix(lx_field f)
{
    const lx_field_def *d = lx_schema_field(f);
    return d && d->prefix ? d->prefix : "";
}

int lx_schema_slot(lx_field f)
{
    const lx_field_def *d = lx_schema_field(f);
    return d ? d->slot : -1;
}

const char *lx_verdict_name(lx_verdict v)
{
    static const char *const names[LX_VERDICT_COUNT_] = {"none",  "pass",    "fail",
                                                         "nokey", "invalid", "unchecked"};
    return (unsigned)v < LX_VERDICT_COUNT_ ? names[v] : "invalid";
}

const char *lx_verified_name(lx_verified v)
{
    switch (v) {
    case LX_VERIFIED_NO: return "no";
    case LX_VERIFIED_YES: return "yes";
    case LX_VERIFIED_PARTIAL: return "partial";
    }
    return "no";
}
