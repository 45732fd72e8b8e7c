/* document.c - the document build: a parsed message made into its Xapian document. */
#include "document.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "date.h"
#include "evidence.h"
#include "mapi.h"
#include "record.h"
#include "schema.h"
#include "tally.h"
#include "textfold.h"
#include "thread.h"
#include "utf8.h"
#include "banned.h"

lx_status lx_document_format_location(lx_strbuf *out, const lx_location *loc)
{
    return lx_evidence_format_steps(out, loc->path, loc->steps, loc->in_mbox, loc->offset,
                                    loc->length);
}

static lx_status term_of(lx_strbuf *t, lx_field f, const char *value)
{
    lx_strbuf_reset(t);
    lx_status st = lx_strbuf_addstr(t, lx_schema_prefix(f));
    return st ? st : lx_strbuf_addstr(t, value);
}

lx_status lx_document_lookup(lx_db *db, const char *sha, const lx_location *loc,
                             lx_document_seen *seen)
{
    lx_strbuf term, where, data;
    lx_strbuf_init(&term);
    lx_strbuf_init(&where);
    lx_strbuf_init(&data);
    lx_record rec;
    lx_record_init(&rec);
    lx_docid *ids = NULL;
    size_t n = 0;
    char *raw = NULL;
    size_t raw_len = 0;
    lx_status st;
    *seen = LX_SEEN_NEW;
    if ((st = term_of(&term, LX_F_SHA256, sha)) || (st = lx_db_term_docs(db, term.buf, &ids, &n)))
        goto out;
    if (n == 0)
        goto out;
    if ((st = lx_document_format_location(&where, loc)) ||
        (st = lx_db_get_data(db, ids[0], &raw, &raw_len)) ||
        (st = lx_record_parse(&rec, raw, raw_len)))
        goto out;
    if (lx_record_has(&rec, LX_DATA_PATH, where.buf)) {
        *seen = LX_SEEN_KNOWN;
        goto out;
    }
    *seen = LX_SEEN_DUPLICATE;
    if ((st = lx_record_add(&rec, LX_DATA_PATH, where.buf, where.len)) ||
        (st = lx_record_serialize(&rec, &data)))
        goto out;
    st = lx_db_set_data(db, ids[0], data.buf, data.len);
out:
    free(ids);
    free(raw);
    lx_record_release(&rec);
    lx_strbuf_release(&term);
    lx_strbuf_release(&where);
    lx_strbuf_release(&data);
    return st;
}

/* "ADDRESS\tNAME": the address cannot hold a tab, the name may. */
static lx_status add_address(lx_record *rec, const char *key, const lx_address *a)
{
    lx_strbuf v;
    lx_strbuf_init(&v);
    lx_status st = lx_strbuf_addstr(&v, a->addr);
    for (size_t i = 0; i < v.len; i++)
        if (v.buf[i] == '\t')
            v.buf[i] = ' ';
    if (!st)
        st = lx_strbuf_addch(&v, '\t');
    if (!st)
        st = lx_strbuf_addstr(&v, a->name);
    if (!st)
        st = lx_record_add(rec, key, v.buf, v.len);
    lx_strbuf_release(&v);
    return st;
}

/* Indexes text in its search form (accents folded, elisions split: see
 * lx_textfold_terms), so that élysée, Elysee, ELYSÉE and l'Élysée are one
 * word; the stored text keeps its accents. */
static lx_status index_folded(lx_doc *doc, lx_field f, const char *text, size_t len)
{
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    lx_status st = lx_textfold_terms(&folded, text, len);
    if (!st)
        st = lx_doc_index_text(doc, lx_schema_prefix(f), folded.buf, folded.len);
    lx_strbuf_release(&folded);
    return st;
}

/* The name and address of one person as words of the field text (from: or
 * to:, LX_F_COUNT_ for none), of the people field that free text also
 * searches (when people is set), and the address as an exact term of the
 * field exact (LX_F_COUNT_ for none). Name and address are indexed apart,
 * so a phrase spans neither two people nor a name and an address; the
 * address's words (its parts: "alice", "martin", "campagne", "exemple",
 * "fr") are positional, so "alice.martin@campagne-exemple.fr" and
 * "campagne-exemple.fr" match as phrases. */
static lx_status index_address(lx_doc *doc, lx_strbuf *tmp, lx_field text, lx_field exact,
                               bool people, const lx_address *a)
{
    lx_status st = LX_OK;
    const char *parts[2] = {a->name, a->addr};
    for (int i = 0; i < 2 && !st; i++) {
        if (!*parts[i])
            continue;
        if (text != LX_F_COUNT_)
            st = index_folded(doc, text, parts[i], strlen(parts[i]));
        if (!st && people)
            st = index_folded(doc, LX_F_PEOPLE, parts[i], strlen(parts[i]));
    }
    if (!st && *a->addr && exact != LX_F_COUNT_) {
        lx_strbuf_reset(tmp);
        st = lx_utf8_add_ascii_lower(tmp, a->addr);
        if (!st)
            st = lx_doc_add_boolean(doc, lx_schema_prefix(exact), tmp->buf);
    }
    return st;
}

static lx_status index_list(lx_doc *doc, lx_record *rec, lx_strbuf *tmp, const char *key,
                            const lx_address_list *l)
{
    lx_status st = LX_OK;
    /* to: covers To, Cc and Bcc; free text covers To, Cc and Reply-To
     * (Bcc is what the sender alone saw, and Reply-To is nobody's to:). */
    bool reply_to = strcmp(key, LX_DATA_REPLY_TO) == 0, bcc = strcmp(key, LX_DATA_BCC) == 0;
    for (size_t i = 0; i < l->n && !st; i++) {
        st = add_address(rec, key, &l->v[i]);
        if (!st)
            st = index_address(doc, tmp, reply_to ? LX_F_COUNT_ : LX_F_TO,
                               reply_to ? LX_F_COUNT_ : LX_F_TO_ADDR, !bcc, &l->v[i]);
    }
    if (!st && l->dropped) {
        lx_strbuf_reset(tmp);
        lx_strbuf_addf(tmp, "%s:%zu", key, l->dropped);
        st = lx_record_add_str(rec, LX_DATA_DROPPED_ADDRESSES, tmp->buf);
    }
    return st;
}

/* Appends s[0..len) with every run of white space (space, tab, CR, LF,
 * vertical tab, form feed, U+00A0 no-break space) made one space, none at
 * the start or the end: what differs between a message and its Outlook copy
 * (CRLF line ends, a body re-wrapped, trailing spaces and blank lines cut,
 * the text of an HTML part rendered by Outlook instead of libxml2) is only
 * white space, and a changed word is never white space. */
static lx_status add_folded_space(lx_strbuf *out, const char *s, size_t len)
{
    bool gap = false, any = false;
    lx_status st = LX_OK;
    for (size_t i = 0; i < len && !st; i++) {
        unsigned char c = (unsigned char)s[i];
        bool nbsp = c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0;
        if (nbsp || c == ' ' || (c >= '\t' && c <= '\r')) {
            gap = any;
            i += nbsp;
            continue;
        }
        if (gap)
            st = lx_strbuf_addch(out, ' ');
        if (!st)
            st = lx_strbuf_addch(out, (char)c);
        gap = false;
        any = true;
    }
    return st;
}

/* What must agree between two copies sharing a Message-ID: the sender's
 * address (any case), the date when a Date header gave it (an instant: the
 * zone it was written in does not count), the subject and the body text,
 * these two with their white space folded (add_folded_space). */
lx_status lx_document_fingerprint(const lx_message *m, char hex[LX_SHA256_HEX_LEN + 1])
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = lx_utf8_add_ascii_lower(&sb, m->from.addr);
    if (!st)
        st = lx_strbuf_addf(&sb, "\n%lld\n",
                            m->date_source == LX_DATE_HEADER ? (long long)m->date : -1LL);
    if (!st)
        st = add_folded_space(&sb, m->subject, strlen(m->subject));
    if (!st)
        st = lx_strbuf_addch(&sb, '\n');
    if (!st)
        st = add_folded_space(&sb, m->body, m->body_len);
    if (!st)
        st = lx_sha256_hex(sb.buf, sb.len, hex);
    lx_strbuf_release(&sb);
    return st;
}

/* Compares the new message (or stored document self, 0 for a new one) with
 * the copies stored before it sharing its Message-ID (up to
 * LX_MAX_COPY_LINKS): when From, Date, Subject or body differ, both sides
 * get conflict:yes (a new message: *conflict tells the caller to add it). Nothing is written for identical copies: the
 * searcher lists copies and conflicts from the Message-ID and fingerprint
 * terms, so an older document is rewritten only when a conflict first
 * appears. */
static lx_status mark_conflicts(lx_db *db, lx_docid self, const char *fp, const char *msgid,
                                bool *conflict)
{
    lx_strbuf term, fpterm, xc;
    lx_strbuf_init(&term);
    lx_strbuf_init(&fpterm);
    lx_strbuf_init(&xc);
    lx_docid *ids = NULL;
    size_t n = 0;
    lx_status st;
    *conflict = false;
    if ((st = term_of(&term, LX_F_MESSAGE_ID, msgid)) ||
        (st = term_of(&fpterm, LX_F_FINGERPRINT, fp)) ||
        (st = term_of(&xc, LX_F_CONFLICT, "yes")) || (st = lx_db_term_docs(db, term.buf, &ids, &n)))
        goto out;
    /* The documents stored before self (ids come in order). */
    while (self && n && ids[n - 1] >= self)
        n--;
    if (n > LX_MAX_COPY_LINKS)
        n = LX_MAX_COPY_LINKS;
    for (size_t i = 0; i < n && !st; i++) {
        bool same = false, marked = false;
        if ((st = lx_db_has_term(db, ids[i], fpterm.buf, &same)) || same)
            continue;
        *conflict = true;
        if (!(st = lx_db_has_term(db, ids[i], xc.buf, &marked)) && !marked)
            st = lx_db_add_term(db, ids[i], xc.buf);
    }
    bool marked = false;
    if (!st && self && *conflict && !(st = lx_db_has_term(db, self, xc.buf, &marked)) && !marked)
        st = lx_db_add_term(db, self, xc.buf);
out:
    free(ids);
    lx_strbuf_release(&term);
    lx_strbuf_release(&fpterm);
    lx_strbuf_release(&xc);
    return st;
}

/* A tab-free copy of s appended to sb (the fields of a dkim_sig or an
 * attachment line are tab-separated). */
static lx_status add_field(lx_strbuf *sb, const char *s, bool first)
{
    lx_status st = first ? LX_OK : lx_strbuf_addch(sb, '\t');
    size_t start = sb->len;
    if (!st)
        st = lx_strbuf_addstr(sb, s ? s : "");
    for (size_t i = start; i < sb->len; i++)
        if (sb->buf[i] == '\t' || sb->buf[i] == '\n')
            sb->buf[i] = ' ';
    return st;
}

/* Collects the DKIM terms of a verdict into terms (each "PREFIX+value", NUL
 * separated) and its record lines into rec. */
static lx_status dkim_fields(const lx_dkim_verdict *v, lx_record *rec, lx_strbuf *terms,
                             size_t *n_terms)
{
    const char *xv = lx_schema_prefix(LX_F_DKIM);
    lx_strbuf line;
    lx_strbuf_init(&line);
    lx_status st = LX_OK;
    *n_terms = 0;
#define TERM(prefix, value)                                                                        \
    do {                                                                                           \
        if (!st)                                                                                   \
            st = lx_strbuf_addf(terms, "%s%s", prefix, value);                                     \
        if (!st)                                                                                   \
            st = lx_strbuf_addch(terms, '\0');                                                     \
        (*n_terms)++;                                                                              \
    } while (0)
    if (!v) {
        st = lx_record_add_str(rec, LX_DATA_DKIM, lx_verdict_name(LX_VERDICT_UNCHECKED));
        if (!st)
            st = lx_record_add_str(rec, LX_DATA_VERIFIED, lx_verified_name(LX_VERIFIED_NO));
        lx_strbuf_release(&line);
        return st;
    }
    const char *verdict = lx_verdict_name(v->verdict);
    st = lx_record_add_str(rec, LX_DATA_DKIM, verdict);
    TERM(xv, verdict);
    bool weak = false, sha1 = false, body = false, header = false;
    for (size_t i = 0; i < v->n && !st; i++) {
        const lx_dkim_sig *g = &v->sigs[i];
        weak = weak || (g->result == LX_VERDICT_PASS && g->weak);
        sha1 = sha1 || g->sha1;
        body = body || g->body_mismatch;
        header = header || g->header_mismatch;
        if (*g->domain)
            TERM(lx_schema_prefix(LX_F_SIGNER), g->domain);
        lx_strbuf_reset(&line);
        char num[5][24];
        snprintf(num[0], sizeof num[0], "%d", g->key_bits);
        snprintf(num[1], sizeof num[1], "%d", g->key_record);
        if (g->has_length)
            snprintf(num[2], sizeof num[2], "%llu", (unsigned long long)g->unsigned_bytes);
        else
            snprintf(num[2], sizeof num[2], "-1");
        snprintf(num[3], sizeof num[3], "%lld", (long long)g->t);
        snprintf(num[4], sizeof num[4], "%lld", (long long)g->x);
        const char *fields[LX_DKIM_SIG_NFIELDS] = {g->domain,
                                                   g->selector,
                                                   g->algorithm,
                                                   g->canon,
                                                   g->identity,
                                                   lx_verdict_name(g->result),
                                                   g->reason,
                                                   num[0],
                                                   g->weak ? "yes" : "no",
                                                   num[1],
                                                   g->key_source,
                                                   num[2],
                                                   num[3],
                                                   num[4],
                                                   g->aligned ? "yes" : "no",
                                                   lx_dkim_form_name(g->form)};
        for (size_t k = 0; k < LX_DKIM_SIG_NFIELDS && !st; k++)
            st = add_field(&line, fields[k], k == 0);
        if (!st)
            st = lx_record_add(rec, LX_DATA_DKIM_SIG, line.buf, line.len);
    }
    /* What it verifies: the terms verified: and chain corroboration use,
     * and the data a hit shows (reason, unsigned fields and text). */
    const char *xvy = lx_schema_prefix(LX_F_VERIFICATION);
    if (!st)
        st = lx_record_add_str(rec, LX_DATA_VERIFIED, lx_verified_name(v->verified));
    if (v->verified != LX_VERIFIED_NO)
        TERM(xvy, lx_verified_name(v->verified));
    if (lx_dkim_verified_level(v) == 1 || lx_dkim_verified_level(v) == 2)
        TERM(xvy, "aligned");
    if (!st && v->verified_reason && *v->verified_reason)
        st = lx_record_add_str(rec, LX_DATA_VERIFIED_REASON, v->verified_reason);
    if (!st && v->chosen >= 0) {
        const lx_dkim_sig *g = &v->sigs[v->chosen];
        st = lx_record_add_str(rec, LX_DATA_VERIFIED_SIGNER, g->domain);
        lx_strbuf_reset(&line);
        for (unsigned i = 0; i < LX_DKIM_H_COUNT && !st; i++)
            if (g->unsigned_headers & (1u << i))
                st = lx_strbuf_addf(&line, "%s%s", line.len ? "," : "", lx_dkim_header_key(i));
        if (!st && line.len)
            st = lx_record_add(rec, LX_DATA_UNSIGNED_HEADERS, line.buf, line.len);
    }
    if (!st && v->signed_text != LX_DKIM_ALL_TEXT) {
        char num[24];
        snprintf(num, sizeof num, "%zu", v->signed_text);
        st = lx_record_add_str(rec, LX_DATA_BODY_SIGNED_BYTES, num);
    }
    if (weak)
        TERM(xv, "weak");
    if (sha1)
        TERM(xv, "sha1");
    if (body)
        TERM(lx_schema_prefix(LX_F_DKIMFAIL), "body");
    if (header)
        TERM(lx_schema_prefix(LX_F_DKIMFAIL), "header");
#undef TERM
    lx_strbuf_release(&line);
    return st;
}

/* The verified level (lx_dkim_verified_level) in its slot of a stored
 * document. */
static lx_status set_level(lx_db *db, lx_docid id, const lx_dkim_verdict *dkim)
{
    return lx_db_set_number(db, id, lx_schema_slot(LX_F_VERIFIED_LEVEL),
                            dkim ? (double)lx_dkim_verified_level(dkim) : 0.0);
}

/* The tallies of a stored document with its new verdict and level. */
static lx_status retally_dkim(lx_db *db, lx_docid id, const lx_dkim_verdict *dkim)
{
    lx_tally with = {.verdict = dkim ? (double)dkim->verdict : -1.0,
                     .level = dkim ? (double)lx_dkim_verified_level(dkim) : 0.0};
    const int slots[2] = {lx_schema_slot(LX_F_SENDER_TALLY), lx_schema_slot(LX_F_RECIPIENTS_TALLY)};
    lx_strbuf values[2];
    lx_status st = LX_OK;
    for (int i = 0; i < 2; i++)
        lx_strbuf_init(&values[i]);
    for (int i = 0; i < 2 && !st; i++) {
        char *old = NULL;
        size_t len = 0;
        st = lx_db_get_value(db, id, slots[i], &old, &len);
        if (!st)
            st = lx_tally_update(old, len, &with, LX_TALLY_SET_LEVEL | LX_TALLY_SET_VERDICT,
                                 &values[i]);
        free(old);
    }
    const char *v[2] = {values[0].buf, values[1].buf};
    if (!st)
        st = lx_db_set_values(db, id, slots, v, 2);
    for (int i = 0; i < 2; i++)
        lx_strbuf_release(&values[i]);
    return st;
}

lx_status lx_document_set_dkim(lx_db *db, lx_docid id, const lx_dkim_verdict *dkim)
{
    char *raw = NULL;
    size_t len = 0;
    lx_record rec;
    lx_record_init(&rec);
    lx_strbuf terms, data;
    lx_strbuf_init(&terms);
    lx_strbuf_init(&data);
    const char **add = NULL;
    size_t n_terms = 0;
    lx_status st = lx_db_get_data(db, id, &raw, &len);
    if (!st)
        st = lx_record_parse(&rec, raw, len);
    if (!st) {
        static const char *const keys[] = {LX_DATA_DKIM,
                                           LX_DATA_DKIM_SIG,
                                           LX_DATA_VERIFIED,
                                           LX_DATA_VERIFIED_REASON,
                                           LX_DATA_VERIFIED_SIGNER,
                                           LX_DATA_UNSIGNED_HEADERS,
                                           LX_DATA_BODY_SIGNED_BYTES};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            lx_record_remove(&rec, keys[i]);
        st = dkim_fields(dkim, &rec, &terms, &n_terms);
    }
    if (!st && !(add = calloc(n_terms ? n_terms : 1, sizeof *add)))
        st = LX_E_NOMEM;
    for (size_t i = 0, off = 0; !st && i < n_terms; i++) {
        add[i] = terms.buf + off;
        off += strlen(add[i]) + 1;
    }
    if (!st)
        st = lx_record_serialize(&rec, &data);
    const char *drop[] = {lx_schema_prefix(LX_F_DKIM), lx_schema_prefix(LX_F_SIGNER),
                          lx_schema_prefix(LX_F_DKIMFAIL), lx_schema_prefix(LX_F_VERIFICATION)};
    if (!st)
        st = lx_db_retag(db, id, drop, 4, add, n_terms, lx_schema_slot(LX_F_VERDICT),
                         dkim ? (double)dkim->verdict : -1.0, data.buf, data.len);
    if (!st)
        st = set_level(db, id, dkim);
    if (!st)
        st = retally_dkim(db, id, dkim);
    free(add);
    free(raw);
    lx_record_release(&rec);
    lx_strbuf_release(&terms);
    lx_strbuf_release(&data);
    return st;
}

/* One "attachment" data line (the fields of lx_attach_fields) and the
 * attachment's terms: its text (free text and in:attachment), the words and
 * the exact form of its name, its MIME types and file type. */
static lx_status build_attachment(lx_doc *doc, lx_record *rec, lx_strbuf *tmp,
                                  const lx_attachment *a)
{
    lx_strbuf status;
    lx_strbuf_init(&status);
    lx_status st = lx_attach_status_line(a, &status);
    char num[3][24];
    snprintf(num[0], sizeof num[0], "%zu", a->n);
    snprintf(num[1], sizeof num[1], "%zu", a->parent);
    snprintf(num[2], sizeof num[2], "%zu", a->size);
    char tlen[24], conf[24] = "", pages[24] = "";
    snprintf(tlen, sizeof tlen, "%zu", a->text_len);
    /* What OCR read: empty unless it read a page. */
    bool ocr = a->ocr_pages > 0;
    if (ocr && a->ocr_confidence >= 0)
        snprintf(conf, sizeof conf, "%d", a->ocr_confidence);
    if (ocr)
        snprintf(pages, sizeof pages, "%zu", a->ocr_pages);
    const char *fields[LX_ATTACH_NFIELDS] = {
        num[0],     num[1], a->name, a->type, a->sniffed, num[2], a->sha256,
        status.buf, tlen,   conf,    ocr ? a->ocr_language : "", pages};
    lx_strbuf_reset(tmp);
    for (size_t k = 0; k < LX_ATTACH_NFIELDS && !st; k++)
        st = add_field(tmp, fields[k], k == 0);
    if (!st)
        st = lx_record_add(rec, LX_DATA_ATTACHMENT, tmp->buf, tmp->len);
    lx_strbuf_release(&status);
    if (!st && a->text_len)
        st = index_folded(doc, LX_F_ATTACH_TEXT, a->text, a->text_len);
    if (!st && *a->name) {
        /* Words of the name: "budget-2017_v2.pdf" is budget 2017 v2 pdf. */
        lx_strbuf_reset(tmp);
        st = lx_strbuf_addstr(tmp, a->name);
        for (size_t i = 0; i < tmp->len; i++)
            if (strchr("._-+~()[]{}", tmp->buf[i]))
                tmp->buf[i] = ' ';
        if (!st)
            st = index_folded(doc, LX_F_ATTACH_NAME, tmp->buf, tmp->len);
        lx_strbuf_reset(tmp);
        if (!st)
            st = lx_utf8_add_ascii_lower(tmp, a->name);
        if (!st)
            st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_FILENAME), tmp->buf);
    }
    if (!st && *a->type)
        st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_MIMETYPE), a->type);
    if (!st && *a->sniffed)
        st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_MIMETYPE), a->sniffed);
    if (!st && *a->filetype)
        st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_FILETYPE), a->filetype);
    return st;
}

/* The start of each attachment's text, for snippets (LX_F_EXCERPTS):
 * "N=TEXT" lines, within LX_MAX_EXCERPT_BYTES a file and
 * LX_MAX_EXCERPTS_BYTES a message, cut at a character's boundary. */
static lx_status build_excerpts(lx_doc *doc, lx_strbuf *tmp, const lx_attach_list *att)
{
    lx_record ex;
    lx_record_init(&ex);
    lx_status st = LX_OK;
    size_t left = LX_MAX_EXCERPTS_BYTES;
    for (size_t i = 0; i < att->n && !st && left; i++) {
        const lx_attachment *a = &att->v[i];
        if (!a->text_len)
            continue;
        size_t want = a->text_len;
        if (want > LX_MAX_EXCERPT_BYTES)
            want = LX_MAX_EXCERPT_BYTES;
        if (want > left)
            want = left;
        size_t n = lx_utf8_cut(a->text, a->text_len, want);
        char num[24];
        snprintf(num, sizeof num, "%zu", a->n);
        st = lx_record_add(&ex, num, a->text, n);
        left -= n;
    }
    lx_strbuf_reset(tmp);
    if (!st && ex.n)
        st = lx_record_serialize(&ex, tmp);
    if (!st && ex.n)
        st = lx_doc_set_value(doc, lx_schema_slot(LX_F_EXCERPTS), tmp->buf, tmp->len);
    lx_record_release(&ex);
    return st;
}

/* The message's identity and size: the exact term a lookup finds it by,
 * the data a hit shows, the slot size: sorts by. */
static lx_status build_identity(lx_doc *doc, lx_record *rec, lx_strbuf *tmp, const char *sha,
                                size_t size)
{
    lx_status st;
    if ((st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_SHA256), sha)) ||
        (st = lx_record_add_str(rec, lx_schema_field(LX_F_SHA256)->name, sha)))
        return st;
    lx_strbuf_reset(tmp);
    lx_strbuf_addf(tmp, "%zu", size);
    if ((st = lx_record_add_str(rec, LX_DATA_SIZE, tmp->buf)))
        return st;
    return lx_doc_set_number(doc, lx_schema_slot(LX_F_SIZE), (double)size);
}

/* The date: the year and month terms and the date slot (UTC), the date
 * shown and where it came from, and the sender's clock as its Date header
 * wrote it. */
static lx_status build_date(lx_doc *doc, lx_record *rec, lx_strbuf *tmp, const lx_message *m)
{
    char iso[32] = "";
    lx_status st;
    if (m->date_source != LX_DATE_NONE) {
        int y, mo, d, h, mi, s;
        lx_date_format_iso(m->date, iso);
        lx_date_to_civil(m->date, &y, &mo, &d, &h, &mi, &s);
        lx_strbuf_reset(tmp);
        lx_strbuf_addf(tmp, "%04d", y);
        if ((st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_YEAR), tmp->buf)))
            return st;
        lx_strbuf_addf(tmp, "-%02d", mo);
        if ((st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_MONTH), tmp->buf)) ||
            (st = lx_doc_set_number(doc, lx_schema_slot(LX_F_DATE), (double)m->date)))
            return st;
    }
    if ((st = lx_record_add_str(rec, LX_DATA_DATE, iso)) ||
        (st = lx_record_add_str(rec, LX_DATA_DATE_SOURCE,
                                lx_message_date_source_name(m->date_source))))
        return st;
    /* The date stays UTC and the year and month terms are UTC's. */
    if (m->date_source == LX_DATE_HEADER && m->date_offset_known) {
        char local[32];
        lx_date_format_local(m->date, m->date_offset, local);
        st = lx_record_add_str(rec, lx_schema_field(LX_F_DATE_OFFSET)->name,
                               local + strlen(local) - 6);
    }
    return st;
}

/* The sender and the recipients: their data lines, their words and exact
 * addresses, the sender's domain, and the address headers as written
 * when their addresses lost control characters (`show` prints them). */
static lx_status build_people(lx_doc *doc, lx_record *rec, lx_strbuf *tmp, const lx_message *m)
{
    lx_status st;
    if ((st = lx_record_add_str(rec, LX_DATA_FROM_NAME, m->from.name)) ||
        (st = lx_record_add_str(rec, LX_DATA_FROM_ADDRESS, m->from.addr)) ||
        (st = index_address(doc, tmp, LX_F_FROM, LX_F_FROM_ADDR, true, &m->from)))
        return st;
    const char *at = strrchr(m->from.addr, '@');
    if (at && at[1]) {
        lx_strbuf_reset(tmp);
        if ((st = lx_utf8_add_ascii_lower(tmp, at + 1)) ||
            (st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_FROM_DOMAIN), tmp->buf)))
            return st;
    }
    if ((st = index_list(doc, rec, tmp, LX_DATA_TO, &m->to)) ||
        (st = index_list(doc, rec, tmp, LX_DATA_CC, &m->cc)) ||
        (st = index_list(doc, rec, tmp, LX_DATA_BCC, &m->bcc)) ||
        (st = index_list(doc, rec, tmp, LX_DATA_REPLY_TO, &m->reply_to)))
        return st;
    for (size_t i = 0; i < m->n_written_headers && !st; i++)
        st = lx_record_add_str(rec, LX_DATA_WRITTEN_HEADER, m->written_headers[i]);
    return st;
}

/* The subject and body words, and the message's ids: its Message-ID (data
 * and exact term), In-Reply-To and References. */
static lx_status build_text(lx_doc *doc, lx_record *rec, const lx_message *m)
{
    lx_status st;
    if ((st = lx_record_add_str(rec, LX_DATA_SUBJECT, m->subject)) ||
        /* Each text once: a query's free words search the body, subject
         * and attachment-text fields together. */
        (st = index_folded(doc, LX_F_SUBJECT, m->subject, strlen(m->subject))) ||
        (st = index_folded(doc, LX_F_BODY, m->body, m->body_len)))
        return st;
    if ((st = lx_record_add_str(rec, LX_DATA_MESSAGE_ID, m->message_id)) ||
        (st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_MESSAGE_ID), m->message_id)) ||
        (st = lx_record_add_str(rec, LX_DATA_IN_REPLY_TO, m->in_reply_to)))
        return st;
    for (size_t i = 0; i < m->n_references && !st; i++)
        st = lx_record_add_str(rec, LX_DATA_REFERENCES, m->references[i]);
    return st;
}

/* How many attachment files of att (NULL: none) gave text. */
static size_t with_text(const lx_attach_list *att)
{
    size_t n = 0;
    for (size_t i = 0; att && i < att->n; i++)
        n += lx_attach_has_text(&att->v[i]);
    return n;
}

/* ocr:yes when OCR read an attachment's pages, ocr:pending when one looks
 * scanned and was not read (what leakdex-index --ocr looks for). */
static lx_status build_ocr_terms(lx_doc *doc, const lx_attach_list *att)
{
    bool read = false, pending = false;
    for (size_t i = 0; att && i < att->n; i++) {
        read = read || att->v[i].ocr_pages > 0;
        pending = pending || att->v[i].status == LX_ATT_SCANNED;
    }
    lx_status st = LX_OK;
    if (read)
        st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_OCR), LX_OCR_YES);
    if (!st && pending)
        st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_OCR), LX_OCR_PENDING);
    return st;
}

/* Attachments: every MIME leaf that is not body text, and the files
 * inside them; one data line each, for hit lists and exports; their
 * excerpts, has:attachment, and how many there are and hold text. */
static lx_status build_attachments(lx_doc *doc, lx_record *rec, lx_strbuf *tmp, const lx_message *m,
                                   const lx_attach_list *att)
{
    lx_status st = LX_OK;
    bool attached = false;
    for (size_t i = 0; i < m->n_parts && !attached; i++)
        attached = m->parts[i].role == LX_PART_ATTACHMENT;
    for (size_t i = 0; att && i < att->n && !st; i++)
        st = build_attachment(doc, rec, tmp, &att->v[i]);
    if (!st && att)
        st = build_excerpts(doc, tmp, att);
    if (!st)
        st = build_ocr_terms(doc, att);
    if (st ||
        (attached && (st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_HAS), LX_HAS_ATTACHMENT))))
        return st;
    if ((st = lx_doc_set_number(doc, lx_schema_slot(LX_F_ATTACH_COUNT),
                                (double)(att ? att->n + att->dropped : 0))))
        return st;
    return lx_doc_set_number(doc, lx_schema_slot(LX_F_ATTACH_TEXTS), (double)with_text(att));
}

/* The identity slot ("SHA\tFINGERPRINT"); the links the thread pass reads
 * and the thread id the message starts with (final at once for a
 * well-formed thread); the fingerprint's term. */
static lx_status build_threads(lx_doc *doc, lx_strbuf *tmp, const lx_message *m, const char *sha,
                               const char *fp)
{
    lx_status st;
    lx_strbuf_reset(tmp);
    if ((st = lx_strbuf_addf(tmp, "%s\t%s", sha, fp)) ||
        (st = lx_doc_set_value(doc, lx_schema_slot(LX_F_IDENTITY), tmp->buf, tmp->len)))
        return st;
    lx_strbuf_reset(tmp);
    char thread[LX_THREAD_ID_LEN + 1];
    if ((st = lx_thread_links(tmp, m)) ||
        (st = lx_doc_set_value(doc, lx_schema_slot(LX_F_THREAD_LINKS), tmp->buf, tmp->len)) ||
        (st = lx_thread_initial_id(tmp->buf, tmp->len, sha, thread)) ||
        (st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_THREAD), thread)) ||
        (st = lx_doc_set_value(doc, lx_schema_slot(LX_F_THREAD_ID), thread, LX_THREAD_ID_LEN)))
        return st;
    return lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_FINGERPRINT), fp);
}

/* The DKIM verdict: its data lines, its terms, its verdict and verified
 * level slots (NULL: verification skipped, "unchecked"). */
static lx_status build_dkim(lx_doc *doc, lx_record *rec, const lx_dkim_verdict *dkim)
{
    lx_strbuf terms;
    lx_strbuf_init(&terms);
    size_t n_terms = 0;
    lx_status st = dkim_fields(dkim, rec, &terms, &n_terms);
    for (size_t i = 0, off = 0; !st && i < n_terms; i++) {
        const char *t = terms.buf + off;
        off += strlen(t) + 1;
        st = lx_doc_add_boolean(doc, "", t);
    }
    lx_strbuf_release(&terms);
    if (st || (st = lx_doc_set_number(doc, lx_schema_slot(LX_F_VERDICT),
                                      dkim ? (double)dkim->verdict : -1.0)))
        return st;
    return lx_doc_set_number(doc, lx_schema_slot(LX_F_VERIFIED_LEVEL),
                             dkim ? (double)lx_dkim_verified_level(dkim) : 0.0);
}

/* Appends s with tabs and newlines made spaces (the separators of the
 * sender and recipients values). */
static lx_status add_flat(lx_strbuf *out, const char *s, bool lower)
{
    size_t start = out->len;
    lx_status st = lower ? lx_utf8_add_ascii_lower(out, s) : lx_strbuf_addstr(out, s);
    for (size_t k = start; k < out->len; k++)
        if (out->buf[k] == '\t' || out->buf[k] == '\n')
            out->buf[k] = ' ';
    return st;
}

/* Sender and recipients as values (the thread pass and facets read them),
 * and each with what senders, recipients and stats count as a tally
 * (common/tally.h), which a match spy counts on remote servers too. */
static lx_status build_people_values(lx_doc *doc, lx_strbuf *tmp, const lx_message *m,
                                     const char *sha, const lx_attach_list *att,
                                     const lx_dkim_verdict *dkim)
{
    lx_status st;
    lx_strbuf tally;
    lx_strbuf_init(&tally);
    lx_tally t = {.full = true,
                  .date = m->date_source != LX_DATE_NONE ? (double)m->date : NAN,
                  .level = dkim ? (double)lx_dkim_verified_level(dkim) : 0.0,
                  .verdict = dkim ? (double)dkim->verdict : -1.0,
                  .attachments = (double)(att ? att->n + att->dropped : 0),
                  .with_text = (double)with_text(att)};
    memcpy(t.sha, sha, LX_TALLY_KEY_LEN);
    lx_strbuf_reset(tmp);
    if ((st = lx_utf8_add_ascii_lower(tmp, m->from.addr)) || (st = lx_strbuf_addch(tmp, '\t')) ||
        (st = lx_strbuf_addstr(tmp, m->from.name)) ||
        (st = lx_doc_set_value(doc, lx_schema_slot(LX_F_SENDER), tmp->buf, tmp->len)))
        goto out;
    t.lines = tmp->buf;
    t.len = tmp->len;
    if ((st = lx_tally_format(&tally, &t)) ||
        (st = lx_doc_set_value(doc, lx_schema_slot(LX_F_SENDER_TALLY), tally.buf, tally.len)))
        goto out;
    lx_strbuf_reset(tmp);
    for (int list = 0; list < 2 && !st; list++) {
        const lx_address_list *l = list ? &m->cc : &m->to;
        for (size_t i = 0; i < l->n && !st; i++) {
            if (!*l->v[i].addr)
                continue;
            st = add_flat(tmp, l->v[i].addr, true);
            if (!st)
                st = lx_strbuf_addch(tmp, '\t');
            if (!st)
                st = add_flat(tmp, l->v[i].name, false);
            if (!st)
                st = lx_strbuf_addch(tmp, '\n');
        }
    }
    if (st || (st = lx_doc_set_value(doc, lx_schema_slot(LX_F_RECIPIENTS), tmp->buf, tmp->len)))
        goto out;
    t.full = false;
    t.lines = tmp->buf;
    t.len = tmp->len;
    lx_strbuf_reset(&tally);
    if (!(st = lx_tally_format(&tally, &t)))
        st = lx_doc_set_value(doc, lx_schema_slot(LX_F_RECIPIENTS_TALLY), tally.buf, tally.len);
out:
    lx_strbuf_release(&tally);
    return st;
}

/* The body shown, last in the data: where it came from, whether it was
 * cut, how many characters were replaced. */
static lx_status build_body(lx_record *rec, lx_strbuf *tmp, const lx_message *m)
{
    lx_status st;
    lx_strbuf_reset(tmp);
    lx_strbuf_addf(tmp, "%zu", m->replaced);
    if ((st = lx_record_add_str(rec, LX_DATA_BODY_SOURCE, m->body_from_html ? "html" : "plain")) ||
        (st = lx_record_add_str(rec, LX_DATA_BODY_TRUNCATED, m->body_truncated ? "yes" : "no")) ||
        (st = lx_record_add_str(rec, LX_DATA_REPLACED_CHARACTERS, tmp->buf)))
        return st;
    return lx_record_add(rec, LX_DATA_BODY, m->body, m->body_len);
}

/* The document of a message and its data as a record (rec, initialized by
 * the caller), not yet serialized into it. */
static lx_status build_document(const char *sha, size_t size, const lx_location *loc,
                                const lx_message *m, const lx_attach_list *att,
                                const lx_dkim_verdict *dkim, lx_doc *doc, lx_record *rec,
                                char fp[LX_SHA256_HEX_LEN + 1])
{
    lx_strbuf tmp;
    lx_strbuf_init(&tmp);
    lx_status st;
    if ((st = build_identity(doc, rec, &tmp, sha, size)) || (st = build_date(doc, rec, &tmp, m)) ||
        (st = build_people(doc, rec, &tmp, m)) || (st = build_text(doc, rec, m)))
        goto out;
    lx_strbuf_reset(&tmp);
    if ((st = lx_document_format_location(&tmp, loc)) ||
        (st = lx_record_add(rec, LX_DATA_PATH, tmp.buf, tmp.len)) ||
        (st = lx_document_fingerprint(m, fp)) ||
        (st = lx_record_add_str(rec, LX_DATA_FINGERPRINT, fp)))
        goto out;
    if (loc->converted && ((st = lx_record_add_str(rec, LX_DATA_CONVERTED, loc->converted)) ||
                           (st = lx_record_add_str(rec, LX_DATA_CONVERTER, LX_MAPI_CONVERTER))))
        goto out;
    /* Attachments are the last text indexed: a document built again with
     * other attachment text has every other term at the same positions
     * (lx_document_set_attachments relies on it). */
    if ((st = build_attachments(doc, rec, &tmp, m, att)) ||
        (st = build_threads(doc, &tmp, m, sha, fp)) || (st = build_dkim(doc, rec, dkim)) ||
        (st = build_people_values(doc, &tmp, m, sha, att, dkim)))
        goto out;
    st = build_body(rec, &tmp, m);
out:
    lx_strbuf_release(&tmp);
    return st;
}

lx_status lx_document_build(const char *sha, size_t size, const lx_location *loc,
                            const lx_message *m, const lx_attach_list *att,
                            const lx_dkim_verdict *dkim, lx_doc **out,
                            char fp[LX_SHA256_HEX_LEN + 1])
{
    *out = NULL;
    lx_doc *doc = lx_doc_new();
    if (!doc)
        return LX_E_NOMEM;
    lx_record rec;
    lx_record_init(&rec);
    lx_strbuf data;
    lx_strbuf_init(&data);
    lx_status st;
    if ((st = build_document(sha, size, loc, m, att, dkim, doc, &rec, fp)) ||
        (st = lx_record_serialize(&rec, &data)) || (st = lx_doc_set_data(doc, data.buf, data.len)))
        goto out;
    *out = doc;
    doc = NULL;
out:
    lx_doc_free(doc);
    lx_record_release(&rec);
    lx_strbuf_release(&data);
    return st;
}

/* The stored data old with its attachment lines replaced by those of
 * built, in their place (the lines are together: build_attachments writes
 * them one after the other), into out. */
static lx_status replace_attachment_lines(const lx_record *old, const lx_record *built,
                                          lx_record *out)
{
    lx_status st = LX_OK;
    bool done = false;
    for (size_t i = 0; i < old->n && !st; i++) {
        const lx_record_pair *p = &old->pairs[i];
        if (strcmp(p->key, LX_DATA_ATTACHMENT) != 0) {
            st = lx_record_add(out, p->key, p->value, p->value_len);
            continue;
        }
        for (size_t k = 0; k < built->n && !st && !done; k++)
            if (strcmp(built->pairs[k].key, LX_DATA_ATTACHMENT) == 0)
                st = lx_record_add(out, LX_DATA_ATTACHMENT, built->pairs[k].value,
                                   built->pairs[k].value_len);
        done = true;
    }
    return st;
}

lx_status lx_document_set_attachments(lx_db *db, lx_docid id, const lx_message *m,
                                      const lx_attach_list *att)
{
    char *data = NULL, *tally = NULL;
    size_t len = 0, tlen = 0;
    lx_record old, built, rec;
    lx_record_init(&old);
    lx_record_init(&built);
    lx_record_init(&rec);
    lx_strbuf out;
    lx_strbuf_init(&out);
    lx_doc *doc = lx_doc_new();
    lx_status st = doc ? lx_db_get_data(db, id, &data, &len) : LX_E_NOMEM;
    if (!st)
        st = lx_record_parse(&old, data, len);
    const char *sha = st ? NULL : lx_record_get(&old, lx_schema_field(LX_F_SHA256)->name);
    const char *size = st ? NULL : lx_record_get(&old, LX_DATA_SIZE);
    if (!st && (!sha || !size))
        st = LX_E_INVALID;
    /* Only the attachments' parts are taken from it: the location and
     * the verdict do not matter. */
    lx_location loc = {.path = ""};
    char fp[LX_SHA256_HEX_LEN + 1];
    if (!st)
        st = build_document(sha, (size_t)strtoull(size, NULL, 10), &loc, m, att, NULL, doc,
                            &built, fp);
    if (!st)
        st = replace_attachment_lines(&old, &built, &rec);
    if (!st)
        st = lx_record_serialize(&rec, &out);
    /* The sender's tally keeps its verdict and chain flags; only the
     * attachment counts change. */
    lx_tally with = {.attachments = (double)(att->n + att->dropped),
                     .with_text = (double)with_text(att)};
    lx_strbuf tnew;
    lx_strbuf_init(&tnew);
    if (!st)
        st = lx_db_get_value(db, id, lx_schema_slot(LX_F_SENDER_TALLY), &tally, &tlen);
    if (!st && tlen)
        st = lx_tally_update(tally, tlen, &with, LX_TALLY_SET_ATTACHMENTS, &tnew);
    if (!st && tlen)
        st = lx_doc_set_value(doc, lx_schema_slot(LX_F_SENDER_TALLY), tnew.buf, tnew.len);
    const char *prefixes[] = {lx_schema_prefix(LX_F_ATTACH_TEXT), lx_schema_prefix(LX_F_OCR)};
    const int slots[] = {lx_schema_slot(LX_F_ATTACH_COUNT), lx_schema_slot(LX_F_ATTACH_TEXTS),
                         lx_schema_slot(LX_F_EXCERPTS), lx_schema_slot(LX_F_SENDER_TALLY)};
    if (!st)
        st = lx_db_replace_parts(db, id, doc, prefixes, 2, slots, tlen ? 4 : 3, out.buf, out.len);
    lx_strbuf_release(&tnew);
    lx_doc_free(doc);
    free(data);
    free(tally);
    lx_record_release(&old);
    lx_record_release(&built);
    lx_record_release(&rec);
    lx_strbuf_release(&out);
    return st;
}

lx_status lx_document_put(lx_db *db, lx_doc *doc, const char *fp, const char *msgid)
{
    bool conflict = false;
    lx_status st = *msgid ? mark_conflicts(db, 0, fp, msgid, &conflict) : LX_OK;
    if (!st && conflict)
        st = lx_doc_add_boolean(doc, lx_schema_prefix(LX_F_CONFLICT), "yes");
    return st ? st : lx_db_add_doc(db, doc, NULL);
}

lx_status lx_document_mark_copies(lx_db *db, lx_docid id, const char *fp, const char *msgid)
{
    bool conflict = false;
    return *msgid ? mark_conflicts(db, id, fp, msgid, &conflict) : LX_OK;
}

lx_status lx_document_check_shard(lx_db *db, const char *dbpath, const lx_shard *want,
                                  lx_strbuf *why)
{
    char **keys = NULL;
    size_t n = 0;
    lx_status st = lx_db_metadata_keys(db, LX_SHARD_METADATA_PREFIX, &keys, &n);
    if (st) {
        lx_strbuf_addstr(why, lx_db_error(db));
        return st;
    }
    lx_shard *have = calloc(n ? n : 1, sizeof *have);
    if (!have)
        st = LX_E_NOMEM;
    for (size_t i = 0; i < n && !st; i++) {
        if (!lx_shard_parse(keys[i] + strlen(LX_SHARD_METADATA_PREFIX), &have[i])) {
            lx_strbuf_addf(why, "index '%s' records a bad shard '%s'", dbpath, keys[i]);
            st = LX_E_INVALID;
        }
    }
    lx_strbuf held;
    lx_strbuf_init(&held);
    if (!st)
        st = lx_shard_set_format(have, n, &held);
    bool whole = !st && lx_shard_set_whole(have, n);
    if (st) {
    } else if (!want && !whole) {
        lx_strbuf_addf(why,
                       "index '%s' holds shard%s %s only: index into it with --shard %s, or into "
                       "another --db",
                       dbpath, n > 1 ? "s" : "", held.buf, n == 1 ? held.buf : "I/N");
        st = LX_E_INVALID;
    } else if (want && n == 1 && have[0].index == want->index && have[0].count == want->count) {
    } else if (want && n == 0 && lx_db_doccount(db) == 0) {
        char key[64], value[32];
        snprintf(value, sizeof value, "%u/%u", want->index, want->count);
        snprintf(key, sizeof key, "%s%s", LX_SHARD_METADATA_PREFIX, value);
        st = lx_db_set_metadata(db, key, value);
        if (st)
            lx_strbuf_addstr(why, lx_db_error(db));
    } else if (want) {
        if (n == 0)
            lx_strbuf_addf(why,
                           "index '%s' was built without --shard: --shard %u/%u cannot add to it "
                           "(index the shard into another --db)",
                           dbpath, want->index, want->count);
        else
            lx_strbuf_addf(why,
                           "index '%s' holds shard%s %s, not %u/%u (index the shard into another "
                           "--db)",
                           dbpath, n > 1 ? "s" : "", held.buf, want->index, want->count);
        st = LX_E_INVALID;
    }
    lx_strbuf_release(&held);
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    free(have);
    return st;
}
