/* inspect.c - one message as JSON, exactly as the indexer sees it (--inspect). */
#include "inspect.h"

#include <string.h>

#include "caps.h"
#include "date.h"
#include "escape.h"
#include "evidence.h"
#include "mapi.h"
#include "utf8.h"
#include "banned.h"

static lx_status key(lx_strbuf *o, const char *k, bool first)
{
    lx_status st = first ? LX_OK : lx_strbuf_addch(o, ',');
    if (!st)
        st = lx_escape_json(o, k, strlen(k));
    return st ? st : lx_strbuf_addch(o, ':');
}

static lx_status str(lx_strbuf *o, const char *k, const char *v)
{
    lx_status st = key(o, k, false);
    return st ? st : lx_escape_json(o, v, strlen(v));
}

static lx_status num(lx_strbuf *o, const char *k, size_t v)
{
    lx_status st = key(o, k, false);
    return st ? st : lx_strbuf_addf(o, "%zu", v);
}

static lx_status boolean(lx_strbuf *o, const char *k, bool v)
{
    lx_status st = key(o, k, false);
    return st ? st : lx_strbuf_addstr(o, v ? "true" : "false");
}

static lx_status address(lx_strbuf *o, const lx_address *a)
{
    lx_status st = lx_strbuf_addstr(o, "{\"name\":");
    if (!st)
        st = lx_escape_json(o, a->name, strlen(a->name));
    if (!st)
        st = lx_strbuf_addstr(o, ",\"address\":");
    if (!st)
        st = lx_escape_json(o, a->addr, strlen(a->addr));
    return st ? st : lx_strbuf_addch(o, '}');
}

static lx_status addresses(lx_strbuf *o, const char *k, const lx_address_list *l)
{
    lx_status st = key(o, k, false);
    if (!st)
        st = lx_strbuf_addch(o, '[');
    for (size_t i = 0; i < l->n && !st; i++) {
        if (i)
            st = lx_strbuf_addch(o, ',');
        if (!st)
            st = address(o, &l->v[i]);
    }
    return st ? st : lx_strbuf_addch(o, ']');
}

static const char *role_name(lx_part_role r)
{
    switch (r) {
    case LX_PART_BODY: return "body";
    case LX_PART_ALTERNATIVE: return "alternative";
    case LX_PART_ATTACHMENT: return "attachment";
    }
    return "?";
}

static lx_status parts(lx_strbuf *o, const lx_message *m, bool attachments_only)
{
    lx_status st = key(o, attachments_only ? "attachments" : "parts", false);
    if (!st)
        st = lx_strbuf_addch(o, '[');
    bool first = true;
    for (size_t i = 0; i < m->n_parts && !st; i++) {
        const lx_part *p = &m->parts[i];
        if (attachments_only && p->role != LX_PART_ATTACHMENT)
            continue;
        if (!first)
            st = lx_strbuf_addch(o, ',');
        first = false;
        if (!st)
            st = lx_strbuf_addch(o, '{');
        if (!st && !attachments_only) {
            st = key(o, "role", true);
            if (!st)
                st = lx_escape_json(o, role_name(p->role), strlen(role_name(p->role)));
            if (!st)
                st = str(o, "content_type", p->content_type);
        } else if (!st) {
            st = key(o, "content_type", true);
            if (!st)
                st = lx_escape_json(o, p->content_type, strlen(p->content_type));
        }
        if (!st)
            st = str(o, "filename", p->filename);
        if (!st)
            st = num(o, "size", p->size);
        if (!st && !attachments_only && p->decoded) {
            st = str(o, "declared_charset", p->charset.declared);
            if (!st)
                st = str(o, "used_charset", p->charset.used);
            if (!st)
                st = boolean(o, "charset_from_meta", p->charset_from_meta);
            if (!st)
                st = boolean(o, "charset_guessed", p->charset.guessed);
            if (!st)
                st = num(o, "replaced", p->charset.replaced);
            if (!st)
                st = boolean(o, "flowed", p->flowed);
        }
        if (!st)
            st = lx_strbuf_addch(o, '}');
    }
    return st ? st : lx_strbuf_addch(o, ']');
}

static lx_status inum(lx_strbuf *o, const char *k, long long v, bool null_when_negative)
{
    lx_status st = key(o, k, false);
    if (!st)
        st = v < 0 && null_when_negative ? lx_strbuf_addstr(o, "null")
                                         : lx_strbuf_addf(o, "%lld", v);
    return st;
}

/* The verdict and one object per signature, with the keys the searcher's
 * JSON uses for them (lx_dkim_sig_fields). */
static lx_status dkim_json(lx_strbuf *o, const lx_dkim_verdict *v)
{
    lx_status st = key(o, "dkim", false);
    if (!st)
        st = lx_strbuf_addstr(o, "{\"verdict\":");
    const char *verdict = lx_verdict_name(v ? v->verdict : LX_VERDICT_UNCHECKED);
    if (!st)
        st = lx_escape_json(o, verdict, strlen(verdict));
    if (!st)
        st = str(o, "verified", lx_verified_name(v ? v->verified : LX_VERIFIED_NO));
    if (!st)
        st = str(o, "verified_reason", v && v->verified_reason ? v->verified_reason : "");
    const lx_dkim_sig *chosen = v && v->chosen >= 0 ? &v->sigs[v->chosen] : NULL;
    if (!st)
        st = str(o, "verified_signer", chosen ? chosen->domain : "");
    if (!st)
        st = key(o, "unsigned_headers", false);
    if (!st)
        st = lx_strbuf_addch(o, '[');
    for (unsigned i = 0, first = 1; chosen && i < LX_DKIM_H_COUNT && !st; i++) {
        if (!(chosen->unsigned_headers & (1u << i)))
            continue;
        if (!first)
            st = lx_strbuf_addch(o, ',');
        first = 0;
        const char *name = lx_dkim_header_key(i);
        if (!st)
            st = lx_escape_json(o, name, strlen(name));
    }
    if (!st)
        st = lx_strbuf_addch(o, ']');
    if (!st)
        st = inum(o, "body_signed_bytes",
                  v && v->signed_text != LX_DKIM_ALL_TEXT ? (long long)v->signed_text : -1, true);
    if (!st)
        st = key(o, "signatures", false);
    if (!st)
        st = lx_strbuf_addch(o, '[');
    for (size_t i = 0; v && i < v->n && !st; i++) {
        const lx_dkim_sig *g = &v->sigs[i];
        if (i)
            st = lx_strbuf_addch(o, ',');
        if (!st)
            st = lx_strbuf_addch(o, '{');
        if (!st)
            st = key(o, "domain", true);
        if (!st)
            st = lx_escape_json(o, g->domain, strlen(g->domain));
        if (!st)
            st = str(o, "selector", g->selector);
        if (!st)
            st = str(o, "algorithm", g->algorithm);
        if (!st)
            st = str(o, "canonicalization", g->canon);
        if (!st)
            st = str(o, "identity", g->identity);
        if (!st)
            st = str(o, "result", lx_verdict_name(g->result));
        if (!st)
            st = str(o, "reason", g->reason);
        if (!st)
            st = inum(o, "key_bits", g->key_bits, false);
        if (!st)
            st = boolean(o, "weak", g->weak);
        if (!st)
            st = inum(o, "key_record", g->key_record, false);
        if (!st)
            st = str(o, "key_source", g->key_source);
        if (!st)
            st = inum(o, "unsigned_bytes", g->has_length ? (long long)g->unsigned_bytes : -1, true);
        if (!st)
            st = inum(o, "t", g->t, true);
        if (!st)
            st = inum(o, "x", g->x, true);
        if (!st)
            st = boolean(o, "aligned", g->aligned);
        if (!st)
            st = str(o, "mbox_form", lx_dkim_form_name(g->form));
        if (!st)
            st = lx_strbuf_addch(o, '}');
    }
    if (!st)
        st = lx_strbuf_addstr(o, "]}");
    return st;
}

/* The attachment files, each with the first part of its text. */
static lx_status attachment_files(lx_strbuf *o, const lx_attach_list *att)
{
    lx_status st = key(o, "attachment_files", false);
    if (!st)
        st = lx_strbuf_addch(o, '[');
    lx_strbuf line;
    lx_strbuf_init(&line);
    for (size_t i = 0; att && i < att->n && !st; i++) {
        const lx_attachment *a = &att->v[i];
        if (i)
            st = lx_strbuf_addch(o, ',');
        if (!st)
            st = lx_strbuf_addch(o, '{');
        if (!st)
            st = key(o, "n", true);
        if (!st)
            st = lx_strbuf_addf(o, "%zu", a->n);
        if (!st)
            st = num(o, "parent", a->parent);
        if (!st)
            st = str(o, "name", a->name);
        if (!st)
            st = str(o, "type", a->type);
        if (!st)
            st = str(o, "sniffed_type", a->sniffed);
        if (!st)
            st = str(o, "filetype", a->filetype);
        if (!st)
            st = num(o, "size", a->size);
        if (!st)
            st = str(o, "sha256", a->sha256);
        lx_strbuf_reset(&line);
        if (!st)
            st = lx_attach_status_line(a, &line);
        if (!st)
            st = str(o, "status", line.buf);
        if (!st)
            st = boolean(o, "identical_to_earlier", a->from_cache);
        if (!st)
            st = num(o, "text_bytes", a->text_len);
        /* Read by OCR: how (the keys of the stored attachment line). */
        if (!st && a->ocr_pages)
            st = num(o, "ocr_pages", a->ocr_pages);
        if (!st && a->ocr_pages)
            st = str(o, "ocr_language", a->ocr_language);
        if (!st && a->ocr_pages && a->ocr_confidence >= 0)
            st = num(o, "ocr_confidence", (size_t)a->ocr_confidence);
        if (!st)
            st = key(o, "text", false);
        if (!st)
            st = lx_escape_json(o, a->text,
                                lx_utf8_cut(a->text, a->text_len, LX_ATTACH_PREVIEW_BYTES));
        if (!st)
            st = lx_strbuf_addch(o, '}');
    }
    lx_strbuf_release(&line);
    if (!st)
        st = lx_strbuf_addch(o, ']');
    if (!st)
        st = num(o, "attachment_files_not_listed", att ? att->dropped : 0);
    return st;
}

/* ,"members":[...] for a location inside archives, ,"folder":...,"item":N
 * for an Outlook item (as in the search program's JSON), nothing for a
 * file's. */
static lx_status members(lx_strbuf *o, const lx_location *loc)
{
    if (!loc->steps || !*loc->steps)
        return LX_OK;
    lx_strbuf stored;
    lx_strbuf_init(&stored);
    lx_evidence_loc parsed;
    lx_status st = lx_document_format_location(&stored, loc);
    if (st) {
        lx_strbuf_release(&stored);
        return st;
    }
    st = lx_evidence_parse(&parsed, stored.buf);
    if (!st && parsed.n_members)
        st = key(o, "members", false);
    for (size_t i = 0; !st && i < parsed.n_members; i++) {
        if (!(st = lx_strbuf_addch(o, i ? ',' : '[')))
            st = lx_escape_json(o, parsed.members[i], strlen(parsed.members[i]));
    }
    if (!st && parsed.n_members)
        st = lx_strbuf_addch(o, ']');
    if (!st && parsed.has_item && !(st = key(o, "folder", false)))
        st = lx_escape_json(o, parsed.folder.buf, parsed.folder.len);
    if (!st && parsed.has_item)
        st = num(o, "item", parsed.item);
    lx_evidence_loc_release(&parsed);
    lx_strbuf_release(&stored);
    return st;
}

lx_status lx_inspect_json(lx_strbuf *o, const lx_message *m, const lx_attach_list *att,
                          const char *sha, size_t size, const lx_location *loc, bool full,
                          const lx_dkim_verdict *dkim)
{
    lx_status st = lx_strbuf_addch(o, '{');
    if (!st)
        st = key(o, "path", true);
    if (!st)
        st = lx_escape_json(o, loc->path, strlen(loc->path));
    if (!st)
        st = members(o, loc);
    if (!st && loc->in_mbox) {
        st = num(o, "mbox_offset", loc->offset);
        if (!st)
            st = num(o, "mbox_length", loc->length);
    }
    if (!st && loc->converted && !(st = str(o, "converted", loc->converted)))
        st = str(o, "converter", LX_MAPI_CONVERTER);
    if (!st)
        st = str(o, "sha256", sha);
    if (!st)
        st = num(o, "size", size);
    if (!st)
        st = key(o, "from", false);
    if (!st)
        st = address(o, &m->from);
    if (!st)
        st = addresses(o, "to", &m->to);
    if (!st)
        st = addresses(o, "cc", &m->cc);
    if (!st)
        st = addresses(o, "bcc", &m->bcc);
    if (!st)
        st = addresses(o, "reply_to", &m->reply_to);
    if (!st)
        st = str(o, "subject", m->subject);
    if (!st)
        st = str(o, "message_id", m->message_id);
    if (!st)
        st = str(o, "in_reply_to", m->in_reply_to);
    if (!st)
        st = key(o, "references", false);
    if (!st)
        st = lx_strbuf_addch(o, '[');
    for (size_t i = 0; i < m->n_references && !st; i++) {
        if (i)
            st = lx_strbuf_addch(o, ',');
        if (!st)
            st = lx_escape_json(o, m->references[i], strlen(m->references[i]));
    }
    if (!st)
        st = lx_strbuf_addch(o, ']');
    if (!st)
        st = key(o, "date", false);
    if (!st && m->date_source != LX_DATE_NONE) {
        char iso[32];
        lx_date_format_iso(m->date, iso);
        st = lx_escape_json(o, iso, strlen(iso));
    } else if (!st) {
        st = lx_strbuf_addstr(o, "null");
    }
    /* The sender's clock, as outputs show it (UTC's when the Date header
     * gives no usable zone). */
    if (!st)
        st = key(o, "date_local", false);
    if (!st && m->date_source != LX_DATE_NONE) {
        char local[32];
        lx_date_format_local(m->date, m->date_offset_known ? m->date_offset : 0, local);
        st = lx_escape_json(o, local, strlen(local));
    } else if (!st) {
        st = lx_strbuf_addstr(o, "null");
    }
    if (!st)
        st = str(o, "date_source", lx_message_date_source_name(m->date_source));
    if (!st)
        st = str(o, "body_source", m->body_from_html ? "html" : "plain");
    if (!st)
        st = key(o, "body", false);
    if (!st) {
        size_t n = full ? m->body_len : lx_utf8_cut(m->body, m->body_len, LX_INSPECT_BODY_BYTES);
        st = lx_escape_json(o, m->body, n);
    }
    if (!st)
        st = num(o, "body_bytes", m->body_len);
    if (!st)
        st = boolean(o, "body_truncated", m->body_truncated);
    if (!st)
        st = num(o, "replaced_characters", m->replaced);
    if (!st)
        st = parts(o, m, false);
    if (!st)
        st = parts(o, m, true);
    if (!st)
        st = num(o, "parts_not_listed", m->parts_dropped);
    if (!st)
        st = attachment_files(o, att);
    if (!st)
        st = dkim_json(o, dkim);
    return st ? st : lx_strbuf_addch(o, '}');
}
