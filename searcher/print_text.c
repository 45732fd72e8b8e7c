/* print_text.c - the text printer: hit lines, a message in full, the people, the summary, the facets, an attachment's text, a batch's table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "dataline.h"
#include "date.h"
#include "escape.h"
#include "hitfields.h"
#include "hitkeys.h"
#include "message.h"
#include "printer.h"
#include "schema.h"
#include "utf8.h"
#include "banned.h"

#define get lx_hitfields_get

/* Writes line[start..] again as lx_escape_terminal writes it: what the
 * archive put there is shown, never obeyed, and stays on one line. */
static lx_status shown_from(lx_strbuf *line, size_t start)
{
    lx_strbuf raw;
    lx_strbuf_init(&raw);
    lx_status st = lx_strbuf_add(&raw, line->buf + start, line->len - start);
    if (!st) {
        lx_strbuf_setlen(line, start);
        st = lx_escape_terminal(line, raw.buf, raw.len);
    }
    lx_strbuf_release(&raw);
    return st;
}

/* Ends a line of text output begun at start: shown_from, then a newline. */
static lx_status end_line(lx_strbuf *sb, size_t start)
{
    lx_status st = shown_from(sb, start);
    return st ? st : lx_strbuf_addch(sb, '\n');
}

/* The date of a hit line, "YYYY-MM-DD HH:MM" on the clocks of tz;
 * "(no date)" for an undated message. */
static lx_status text_date(lx_strbuf *line, const lx_record *r, const lx_tz *tz)
{
    int64_t t;
    if (!lx_hitfields_date(r, &t))
        return lx_strbuf_addstr(line, "(no date)         ");
    char shown[32];
    lx_date_format_local(t, lx_tz_offset(tz, t), shown);
    return lx_strbuf_addf(line, "%.10s %.5s  ", shown, shown + 11);
}

/* The end of a hit line: "  [sent YYYY-MM-DD HH:MM +HH:MM]", the sender's
 * clock, when it showed another time than the line's clocks (tz); nothing
 * when they agree or the sender's offset is unknown. At the end, so that
 * the columns (and a thread's indentation) stay where they are. */
static lx_status text_sent(lx_strbuf *line, const lx_record *r, const lx_tz *tz)
{
    int64_t t;
    int offset;
    if (!lx_hitfields_date(r, &t) || !lx_hitfields_sender_offset(r, &offset) ||
        offset == lx_tz_offset(tz, t))
        return LX_OK;
    char sent[32];
    lx_date_format_local(t, offset, sent);
    return lx_strbuf_addf(line, "  [sent %.10s %.5s %s]", sent, sent + 11, sent + 19);
}

/* The snippet line of a hit, when the query had words to show: matches in
 * bold on a terminal. */
static lx_status text_snippet(lx_strbuf *line, const lx_record *r, bool bold)
{
    const char *snip = get(r, LX_HIT_SNIPPET), *m = get(r, LX_HIT_SNIPPET_MATCHES);
    if (!*snip || !lx_record_get(r, LX_HIT_SNIPPET_WORDS))
        return LX_OK;
    lx_status st = lx_strbuf_addstr(line, "    ");
    size_t cp = 0;
    const char *p = snip;
    unsigned long a0 = 0, b0 = 0;
    int used = 0;
    bool have = bold && sscanf(m, "%lu-%lu%n", &a0, &b0, &used) == 2;
    while (*p && !st) {
        if (have && cp == a0)
            st = lx_strbuf_addstr(line, "\033[1m");
        size_t cl = 1;
        while ((p[cl] & 0xC0) == 0x80)
            cl++;
        if (!st)
            st = lx_escape_terminal(line, p, cl);
        p += cl;
        cp++;
        if (have && cp == b0) {
            st = st ? st : lx_strbuf_addstr(line, "\033[0m");
            m += used;
            while (*m == ' ')
                m++;
            have = sscanf(m, "%lu-%lu%n", &a0, &b0, &used) == 2;
        }
    }
    return st ? st : lx_strbuf_addch(line, '\n');
}

/* "ID  YYYY-MM-DD HH:MM  VERDICT  SENDER  SUBJECT", then a line per
 * attachment and the snippet; what the archive wrote shown as
 * lx_escape_terminal shows it (one line, every control visible). */
static lx_status text_hit(lx_strbuf *line, const lx_record *r, const lx_tz *tz, bool bold)
{
    const char *sender = get(r, LX_DATA_FROM_NAME);
    if (!*sender)
        sender = get(r, LX_DATA_FROM_ADDRESS);
    if (!*sender)
        sender = "(no sender)";
    const char *subject = get(r, LX_DATA_SUBJECT);
    lx_status st = lx_strbuf_addf(line, "%.*s  ", LX_SHORT_ID_LEN, get(r, LX_DATA_SHA256));
    if (!st)
        st = text_date(line, r, tz);
    lx_strbuf verdict;
    lx_strbuf_init(&verdict);
    if (!st)
        st = lx_hitfields_verdict(&verdict, r, true);
    if (!st)
        st = lx_strbuf_addf(line, "%-9s  ", verdict.buf);
    lx_strbuf_release(&verdict);
    size_t start = line->len;
    /* The thread command indents replies under what they answer. */
    unsigned long depth = strtoul(get(r, LX_HIT_THREAD_DEPTH), NULL, 10);
    for (unsigned long i = 0; i < depth && !st; i++)
        st = lx_strbuf_addstr(line, "  ");
    if (!st)
        st = lx_strbuf_addf(line, "%s  %s", sender, *subject ? subject : "(no subject)");
    /* --collapse thread: how many hits the thread holds. */
    const char *th = get(r, LX_HIT_THREAD_HITS);
    if (!st && *th && strcmp(th, "1") != 0)
        st = lx_strbuf_addf(line, "  [%s hits in thread]", th);
    /* Chain corroboration, apart from the verdict: it is not verification. */
    if (!st && strcmp(lx_dataline_chain_status(r), "none") != 0) {
        st = lx_strbuf_addstr(line, "  [");
        if (!st)
            st = lx_hitfields_chain(line, r);
        if (!st)
            st = lx_strbuf_addch(line, ']');
    }
    if (!st)
        st = text_sent(line, r, tz);
    if (!st)
        st = end_line(line, start);
    /* Each attachment file on a line of its own, by its name. */
    for (size_t i = 0; i < r->n && !st; i++) {
        if (strcmp(r->pairs[i].key, LX_DATA_ATTACHMENT) != 0)
            continue;
        size_t start_att = line->len;
        st = lx_strbuf_addstr(line, "    attachment ");
        if (!st)
            st = lx_hitfields_attachment_name(line, r->pairs[i].value);
        if (!st)
            st = end_line(line, start_att);
    }
    return st ? st : text_snippet(line, r, bold);
}

static lx_status hit(lx_print *p, const lx_record *rec)
{
    return lx_print_emit(p, text_hit(&p->buf, rec, p->tz, p->bold));
}

/* ---- show ---------------------------------------------------------------- */

/* One row of `show`: the label, then the value, on one line. */
static lx_status text_row(lx_strbuf *sb, const char *label, const char *value)
{
    size_t start = sb->len;
    lx_status st = lx_strbuf_addf(sb, "%-12s %s", label, value);
    return st ? st : end_line(sb, start);
}

/* What the quoted header block confirmed, in words. */
static lx_status header_words(lx_strbuf *sb, lx_span hs)
{
    const char *h = hs.s;
    size_t len = hs.n;
    if (lx_span_is(hs, "none"))
        return lx_strbuf_addstr(sb, "no header block was quoted with it");
    static const struct {
        const char *item, *agrees, *unchecked;
    } items[] = {{"from", "sender", "its sender could not be checked"},
                 {"date", "date", "its date could not be read"},
                 {"subject", "subject", NULL}};
    const char *agreed[3];
    const char *unchecked[3];
    size_t na = 0, nu = 0;
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(items[k].item);
        for (size_t i = 0; i < len;) {
            const char *comma = memchr(h + i, ',', len - i);
            size_t e = comma ? (size_t)(comma - h) : len;
            if (e - i == n && memcmp(h + i, items[k].item, n) == 0)
                agreed[na++] = items[k].agrees;
            else if (e - i == n + 1 && memcmp(h + i, items[k].item, n) == 0 && h[e - 1] == '?' &&
                     items[k].unchecked)
                unchecked[nu++] = items[k].unchecked;
            i = e + 1;
        }
    }
    lx_status st = lx_strbuf_addstr(sb, "the quoted header");
    if (!st && na) {
        st = lx_strbuf_addstr(sb, " agrees on its ");
        for (size_t i = 0; i < na && !st; i++)
            st = lx_strbuf_addf(sb, "%s%s", i == 0 ? "" : i + 1 == na ? " and " : ", ", agreed[i]);
    }
    for (size_t i = 0; i < nu && !st; i++)
        st = lx_strbuf_addf(sb, "%s%s", na || i ? "; " : ": ", unchecked[i]);
    return st;
}

/* One sentence per corroborating message and per mismatch. */
static lx_status text_chain(lx_strbuf *sb, const lx_record *r)
{
    lx_status st = LX_OK;
    bool any = false;
    lx_chain_iter it = {.rec = r};
    lx_chain_line c;
    while (!st && lx_dataline_chain_next(&it, &c)) {
        int idn = (int)(c.sha256.n < LX_SHORT_ID_LEN ? c.sha256.n : LX_SHORT_ID_LEN);
        size_t start = sb->len;
        if (c.kind == LX_CHAIN_CORROBORATED) {
            any = true;
            st = lx_strbuf_addf(sb,
                                "%-12s %d%% of this message's text appears, quoted, in message "
                                "%.*s, which carries a valid DKIM signature from %.*s; ",
                                "Corroborated", c.coverage, idn, c.sha256.s, (int)c.signer.n,
                                c.signer.s);
            if (!st)
                st = header_words(sb, c.header);
            if (!st)
                st = lx_strbuf_addch(sb, '.');
        } else {
            st = lx_strbuf_addf(sb,
                                "%-12s message %.*s, which carries a valid DKIM signature "
                                "from %.*s, quotes this message with a difference: %.*s.",
                                "Mismatch", idn, c.sha256.s, (int)c.signer.n, c.signer.s,
                                (int)c.reason.n, c.reason.s);
        }
        if (!st)
            st = end_line(sb, start);
    }
    if (!st && any)
        st = lx_strbuf_addf(sb,
                            "%-12s corroborated is not verified: the signature is the quoting "
                            "message's, not this message's.\n",
                            "");
    return st;
}

/* Where a date came from, after "from the": its date_source as stored. */
static const char *date_source_words(const char *source)
{
    static const struct {
        lx_date_source s;
        const char *words;
    } said[] = {{LX_DATE_RECEIVED, "Received header"},
                {LX_DATE_OUTLOOK_DELIVERY, "Outlook item's delivery time"},
                {LX_DATE_OUTLOOK_CREATION, "Outlook item's creation time"}};
    for (size_t i = 0; i < sizeof said / sizeof said[0]; i++)
        if (strcmp(source, lx_message_date_source_name(said[i].s)) == 0)
            return said[i].words;
    return "Date header";
}

/* The lines after Date: the sender's clock, and the zone's when one was
 * asked for. */
static lx_status text_local_dates(lx_strbuf *sb, const lx_record *r, const lx_tz *tz)
{
    int64_t t;
    int offset;
    char buf[32];
    if (!lx_hitfields_date(r, &t))
        return LX_OK;
    lx_status st;
    if (lx_hitfields_sender_offset(r, &offset)) {
        lx_date_format_local(t, offset, buf);
        st = lx_strbuf_addf(sb, "%-12s %s\n", "Sender time", buf);
    } else if (strcmp(get(r, LX_DATA_DATE_SOURCE), lx_message_date_source_name(LX_DATE_HEADER)) == 0) {
        st = lx_strbuf_addf(sb, "%-12s %s\n", "Sender time",
                            "unknown: the Date header gives no usable time zone (read as UTC)");
    } else if (strcmp(date_source_words(get(r, LX_DATA_DATE_SOURCE)), "Received header") != 0) {
        st = lx_strbuf_addf(sb, "%-12s %s\n", "Sender time",
                            "unknown: an Outlook item keeps its times in UTC only");
    } else {
        st = lx_strbuf_addf(sb, "%-12s %s\n", "Sender time",
                            "unknown: no Date header (the date is a Received header's)");
    }
    if (!st && !lx_tz_is_utc(tz)) {
        size_t start = sb->len;
        lx_date_format_local(t, lx_tz_offset(tz, t), buf);
        st = lx_strbuf_addf(sb, "%-12s %s (%s)", "Zone time", buf, lx_tz_name(tz));
        if (!st) /* the zone's name as --tz gave it */
            st = end_line(sb, start);
    }
    return st;
}

/* What the message verifies, in words. */
static lx_status verified_words(lx_strbuf *sb, const char *label, const lx_record *r)
{
    const char *v = get(r, LX_DATA_VERIFIED), *signer = get(r, LX_DATA_VERIFIED_SIGNER);
    size_t start = sb->len;
    lx_status st;
    if (strcmp(v, lx_verified_name(LX_VERIFIED_YES)) == 0) {
        st = lx_strbuf_addf(sb,
                            "%-12s yes: signed by %s, the sender's domain, over From, Subject, "
                            "Date and the whole body",
                            label, signer);
    } else if (strcmp(v, lx_verified_name(LX_VERIFIED_PARTIAL)) == 0) {
        st = lx_strbuf_addf(sb, "%-12s partial: %s", label, get(r, LX_DATA_VERIFIED_REASON));
    } else {
        /* Nothing to add to an unsigned (or unchecked) message's DKIM line,
         * but the reason a converted Outlook item has no verdict. */
        const char *dkim = get(r, LX_DATA_DKIM), *why = get(r, LX_DATA_VERIFIED_REASON);
        if (*why)
            st = lx_strbuf_addf(sb, "%-12s no: %s", label, why);
        else if (!*dkim || strcmp(dkim, lx_verdict_name(LX_VERDICT_NONE)) == 0 ||
                 strcmp(dkim, lx_verdict_name(LX_VERDICT_UNCHECKED)) == 0)
            return LX_OK;
        else
            st = lx_strbuf_addf(sb, "%-12s no", label);
    }
    return st ? st : end_line(sb, start);
}

/* The body, the text a signature's l= leaves unsigned set apart. */
static lx_status text_body(lx_strbuf *sb, const lx_record *r)
{
    const char *body = get(r, LX_DATA_BODY), *cut = lx_record_get(r, LX_DATA_BODY_SIGNED_BYTES);
    size_t len = strlen(body), k = cut ? (size_t)strtoull(cut, NULL, 10) : len;
    /* The cut on a character's edge, so that no character is shown in two
     * halves. */
    k = lx_utf8_cut(body, len, k);
    /* Its lines and tabs as they are, every other control shown. */
    lx_status st = lx_strbuf_addch(sb, '\n');
    if (!st)
        st = lx_escape_terminal_lines(sb, body, k);
    if (!st && k < len) {
        if (k && body[k - 1] != '\n')
            st = lx_strbuf_addch(sb, '\n');
        if (!st)
            st = lx_strbuf_addstr(sb, "--------- not signed: the text below was added after the "
                                      "part the DKIM signature covers (l=) ---------\n");
        if (!st)
            st = lx_escape_terminal_lines(sb, body + k, len - k);
    }
    return st ? st : lx_strbuf_addch(sb, '\n');
}

/* Under an address row, each header of that name whose addresses the
 * indexer read without their control characters, as it was written (the
 * LX_DATA_WRITTEN_HEADER lines, "NAME<TAB>VALUE"); under From, a Sender
 * header that gave the sender. */
static lx_status text_written(lx_strbuf *sb, const lx_record *r, const char *label)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i < r->n && !st; i++) {
        if (strcmp(r->pairs[i].key, LX_DATA_WRITTEN_HEADER) != 0)
            continue;
        const char *name = r->pairs[i].value, *tab = strchr(name, '\t');
        size_t n = tab ? (size_t)(tab - name) : strlen(name);
        const char *value = tab ? tab + 1 : "";
        bool same = n == strlen(label) && memcmp(name, label, n) == 0;
        bool sender = strcmp(label, "From") == 0 && n == 6 && memcmp(name, "Sender", 6) == 0;
        if (!same && !sender)
            continue;
        size_t start = sb->len;
        st = lx_strbuf_addf(sb, "%-12s as written%s: %s", "", sender ? " in Sender" : "", value);
        if (!st)
            st = end_line(sb, start);
    }
    return st;
}

/* The rows of show made from one column's plain text: the value and what
 * it adds (the date's source, "(not signed)"), then, under addresses, how
 * they were written and, under the date, the other clocks. */
static lx_status text_column_row(lx_strbuf *sb, const lx_record *r, const lx_column *c,
                                 const char *label, const lx_tz *tz)
{
    lx_strbuf cell;
    lx_strbuf_init(&cell);
    lx_status st;
    if (c->kind == LX_COL_FROM) {
        const char *addr = get(r, LX_DATA_FROM_ADDRESS);
        st = lx_hitfields_address(&cell, get(r, LX_DATA_FROM_NAME), addr, strlen(addr));
    } else {
        st = lx_hitfields_plain(&cell, r, c);
    }
    if (!st && c->kind == LX_COL_DATE && cell.len)
        st = lx_strbuf_addf(&cell, " (from the %s)", date_source_words(get(r, LX_DATA_DATE_SOURCE)));
    if (!st && c->kind == LX_COL_DATE && !cell.len)
        st = lx_strbuf_addstr(&cell, "(none)");
    if (!st && cell.len && lx_hitfields_unsigned(r, c->name))
        st = lx_strbuf_addstr(&cell, "  (not signed)");
    if (!st && (cell.len || strcmp(c->name, "subject") == 0))
        st = text_row(sb, label, cell.buf);
    if (!st && (c->kind == LX_COL_FROM || c->kind == LX_COL_ADDRS))
        st = text_written(sb, r, label);
    if (!st && c->kind == LX_COL_DATE)
        st = text_local_dates(sb, r, tz);
    lx_strbuf_release(&cell);
    return st;
}

/* One row per signature, per attachment. */
static lx_status text_each_row(lx_strbuf *sb, const lx_record *r, const lx_column *c,
                               const char *label)
{
    lx_strbuf cell;
    lx_strbuf_init(&cell);
    lx_status st = LX_OK;
    for (size_t k = 0; k < r->n && !st; k++) {
        if (strcmp(r->pairs[k].key, c->key) != 0)
            continue;
        lx_strbuf_reset(&cell);
        st = c->kind == LX_COL_ATTACH ? lx_hitfields_attachment(&cell, r->pairs[k].value)
                                      : lx_hitfields_sig(&cell, r->pairs[k].value);
        if (!st)
            st = text_row(sb, label, cell.buf);
    }
    lx_strbuf_release(&cell);
    return st;
}

static lx_status text_message(lx_strbuf *sb, const lx_record *r, const lx_tz *tz)
{
    static const struct {
        const char *label;
        const char *column;
    } rows[] = {{"Id", "sha256"},
                {"Date", "date"},
                {"From", "from"},
                {"To", "to"},
                {"Cc", "cc"},
                {"Bcc", "bcc"},
                {"Reply-To", "reply_to"},
                {"Subject", "subject"},
                {"DKIM", "dkim"},
                {"Verified", "verified"},
                {"Signature", "dkim_signatures"},
                {"Message-ID", "message_id"},
                {"In-Reply-To", "in_reply_to"},
                {"References", "references"},
                {"Thread", "thread"},
                {"Corroboration", "corroboration"},
                {"Attachment", "attachments"},
                {"Path", "paths"},
                {"Converted", "converted"},
                {"Converter", "converter"},
                {"Copies", "copies"},
                {"Conflicts", "conflicts"}};
    lx_status st = LX_OK;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && !st; i++) {
        const lx_column *c = lx_hitfields_column(rows[i].column);
        if (c->kind == LX_COL_DKIM_SIGS || c->kind == LX_COL_ATTACH)
            st = text_each_row(sb, r, c, rows[i].label);
        else if (c->kind == LX_COL_CHAIN)
            st = text_chain(sb, r);
        else if (strcmp(c->name, "verified") == 0)
            st = verified_words(sb, rows[i].label, r);
        else
            st = text_column_row(sb, r, c, rows[i].label, tz);
    }
    return st ? st : text_body(sb, r);
}

static lx_status message(lx_print *p, const lx_record *rec, size_t i)
{
    lx_status st = i ? lx_strbuf_addch(&p->buf, '\n') : LX_OK;
    if (!st)
        st = text_message(&p->buf, rec, p->tz);
    return lx_print_emit(p, st);
}

/* ---- people, summary, batch ---------------------------------------------- */

static lx_status people(lx_print *p, const lx_people *pp, size_t begin, size_t end)
{
    lx_strbuf shown;
    lx_strbuf_init(&shown);
    lx_status st = lx_strbuf_addf(&p->buf, "%8s %8s  %-10s  %-10s  %s\n", "MESSAGES", "VERIFIED",
                                  "FIRST", "LAST", "ADDRESS  NAMES");
    for (size_t i = begin; i < end && !st; i++) {
        const lx_person *q = &pp->v[i];
        char first[32], last[32];
        lx_person_date(q->first, first);
        lx_person_date(q->last, last);
        /* The address and names as a terminal must show them: on one line,
         * their controls visible. */
        lx_strbuf_reset(&shown);
        st = lx_strbuf_addstr(&shown, q->addr);
        for (size_t k = 0; k < q->n_names && !st; k++)
            st = lx_strbuf_addf(&shown, "%s%s", k ? "; " : "  ", q->names[k]);
        if (!st)
            st = lx_strbuf_addf(&p->buf, "%8zu %8zu  %-10.10s  %-10.10s  ", q->messages, q->verified,
                                *first ? first : "-", *last ? last : "-");
        if (!st)
            st = lx_escape_terminal(&p->buf, shown.buf, shown.len);
        if (!st)
            st = lx_strbuf_addch(&p->buf, '\n');
    }
    st = lx_print_emit(p, st);
    lx_strbuf_release(&shown);
    return st;
}

static lx_status stats(lx_print *p, const lx_stats *s)
{
    const size_t *v = s->verdicts;
    lx_strbuf_addf(&p->buf,
                   "%zu emails from %zu unique senders; %zu verified (signed by the sender's "
                   "domain, in full), %zu with a DKIM signature that passes\n",
                   s->messages, s->unique_senders, s->verified, v[LX_VERDICT_PASS]);
    lx_strbuf_addf(&p->buf, "dkim: %zu pass, %zu fail, %zu nokey, %zu invalid, %zu unsigned",
                   v[LX_VERDICT_PASS], v[LX_VERDICT_FAIL], v[LX_VERDICT_NOKEY],
                   v[LX_VERDICT_INVALID], v[LX_VERDICT_NONE]);
    if (v[LX_VERDICT_UNCHECKED])
        lx_strbuf_addf(&p->buf, ", %zu unchecked", v[LX_VERDICT_UNCHECKED]);
    lx_strbuf_addch(&p->buf, '\n');
    lx_strbuf_addf(&p->buf,
                   "verified: %zu yes, %zu signed in part (a signature passes, but not from "
                   "the sender's domain or not over From, Subject, Date and the whole body)\n",
                   s->verified, s->partial);
    lx_strbuf_addf(&p->buf,
                   "chains: %zu corroborated (quoted by verified messages; not counted as "
                   "verified), %zu with a quote that differs\n",
                   s->corroborated, s->mismatched);
    lx_strbuf_addstr(&p->buf, "by year:");
    for (int y = 0; y < 10000; y++)
        if (s->years[y])
            lx_strbuf_addf(&p->buf, " %d: %zu,", y, s->years[y]);
    lx_strbuf_addf(&p->buf, " no date: %zu\n", s->undated);
    lx_strbuf_addf(&p->buf,
                   "attachments: %zu (one per attached file, nested ones included), "
                   "%zu with text extracted\n",
                   s->attachments, s->attachments_text);
    lx_strbuf_addstr(&p->buf, "top sender domains:");
    for (size_t i = 0; i < s->top; i++) {
        lx_strbuf_addstr(&p->buf, i ? ", " : " ");
        lx_escape_terminal(&p->buf, s->domains.v[i].addr, strlen(s->domains.v[i].addr));
        lx_strbuf_addf(&p->buf, " %zu", s->domains.v[i].messages);
    }
    lx_status st = lx_strbuf_addch(&p->buf, '\n');
    return lx_print_emit(p, st);
}

/* The facets: a heading per group, then a line per value: its count, its
 * key (and a sender's name), the term that narrows the query to it. */
static lx_status facets(lx_print *p, const lx_facets *f)
{
    lx_status st = lx_strbuf_addf(&p->buf, "%zu emails\n", f->total);
    for (int g = 0; g < LX_FACETS_COUNT_ && !st; g++) {
        const lx_facet_list *l = &f->groups[g];
        st = lx_strbuf_addf(&p->buf, "%s:\n", lx_facet_group_name((lx_facet_group)g));
        for (size_t i = 0; i < l->n && !st; i++) {
            const lx_facet *v = &l->v[i];
            size_t start = p->buf.len;
            st = lx_strbuf_addf(&p->buf, "%8zu  %s", v->count, v->key);
            if (!st && v->name && *v->name)
                st = lx_strbuf_addf(&p->buf, " (%s)", v->name);
            if (!st)
                st = lx_strbuf_addf(&p->buf, "  %s", v->query);
            if (!st)
                st = end_line(&p->buf, start);
        }
        if (!st && g == LX_FACETS_MONTHS)
            st = lx_strbuf_addf(&p->buf, "%8zu  no date\n", f->undated);
    }
    return lx_print_emit(p, st);
}

/* attachment-text: the text as the index keeps it, shown, never obeyed
 * (controls escaped, line breaks kept), ending with a line break. */
static lx_status attachment_text(lx_print *p, size_t n, const lx_attachment_text *t)
{
    (void)n;
    lx_status st = lx_escape_terminal_lines(&p->buf, t->text.buf, t->text.len);
    if (!st && t->text.len && t->text.buf[t->text.len - 1] != '\n')
        st = lx_strbuf_addch(&p->buf, '\n');
    return lx_print_emit(p, st);
}

static lx_status batch_begin(lx_print *p)
{
    fprintf(p->out, "%8s %8s  %s\n", "HITS", "VERIFIED", "QUERY");
    return LX_OK;
}

static lx_status batch_row(lx_print *p, const char *query, size_t hits, size_t verified)
{
    lx_status st = lx_strbuf_addf(&p->buf, "%8zu %8zu  ", hits, verified);
    if (!st)
        st = lx_escape_terminal(&p->buf, query, strlen(query));
    if (!st)
        st = lx_strbuf_addch(&p->buf, '\n');
    return lx_print_emit(p, st);
}

const lx_printer lx_print_text = {lx_print_list_begin, hit,    lx_print_list_end,
                                  message,             people, stats,
                                  facets,              attachment_text, batch_begin,
                                  batch_row};
