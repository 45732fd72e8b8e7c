/* hitjson.c - a hit as a JSON object, the layout every JSON output shares. */
#include "hitjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "dataline.h"
#include "escape.h"
#include "evidence.h"
#include "hitfields.h"
#include "hitkeys.h"
#include "schema.h"
#include "banned.h"

static lx_status json_str(lx_strbuf *sb, const char *s)
{
    return lx_escape_json(sb, s, strlen(s));
}

/* One decoded line as an object: each field under its name (names[k]),
 * numbers as numbers (null when not one), yes/no as booleans. */
static lx_status json_fields(lx_strbuf *sb, const char *const *names, const lx_span *f, size_t n,
                             lx_dataline_kind (*kind)(size_t k))
{
    lx_status st = lx_strbuf_addch(sb, '{');
    for (size_t k = 0; k < n && !st; k++) {
        if (k)
            st = lx_strbuf_addch(sb, ',');
        if (!st)
            st = json_str(sb, names[k]);
        if (!st)
            st = lx_strbuf_addch(sb, ':');
        if (st)
            break;
        switch (kind(k)) {
        case LX_DL_YESNO: st = lx_strbuf_addstr(sb, lx_span_is(f[k], "yes") ? "true" : "false"); break;
        case LX_DL_NUMBER:
            st = lx_span_is_number(f[k]) ? lx_strbuf_add(sb, f[k].s, f[k].n)
                                         : lx_strbuf_addstr(sb, "null");
            break;
        case LX_DL_TEXT: st = lx_escape_json(sb, f[k].s, f[k].n); break;
        }
    }
    return st ? st : lx_strbuf_addch(sb, '}');
}

static lx_dataline_kind sig_kind(size_t k)
{
    return lx_dataline_sig_kind((lx_sig_field)k);
}

static lx_dataline_kind attachment_kind(size_t k)
{
    return lx_dataline_attachment_kind((lx_attachment_field)k);
}

static lx_status json_sig(lx_strbuf *sb, const char *line)
{
    lx_sig_line s;
    lx_dataline_sig(line, &s);
    return json_fields(sb, lx_dkim_sig_fields, s.f, LX_DKIM_SIG_NFIELDS, sig_kind);
}

static lx_status json_attachment(lx_strbuf *sb, const char *line)
{
    lx_attachment_line a;
    lx_dataline_attachment(line, &a);
    return json_fields(sb, lx_attach_fields, a.f, LX_ATTACH_NFIELDS, attachment_kind);
}

static lx_status json_address(lx_strbuf *sb, const char *name, const char *addr, size_t alen)
{
    lx_status st = lx_strbuf_addstr(sb, "{\"name\":");
    if (!st)
        st = json_str(sb, name);
    if (!st)
        st = lx_strbuf_addstr(sb, ",\"address\":");
    if (!st)
        st = lx_escape_json(sb, addr, alen);
    return st ? st : lx_strbuf_addch(sb, '}');
}

/* The header items of a corroboration, checked (want_unchecked false) or
 * not checkable (true), as an array of names. */
static lx_status json_header_items(lx_strbuf *sb, lx_span h, bool want_unchecked)
{
    lx_status st = lx_strbuf_addch(sb, '[');
    bool first = true;
    for (size_t i = 0; i < h.n && !st;) {
        const char *comma = memchr(h.s + i, ',', h.n - i);
        size_t e = comma ? (size_t)(comma - h.s) : h.n;
        size_t n = e - i;
        bool unchecked = n && h.s[e - 1] == '?';
        if (n && unchecked == want_unchecked) {
            st = first ? LX_OK : lx_strbuf_addch(sb, ',');
            if (!st)
                st = lx_escape_json(sb, h.s + i, unchecked ? n - 1 : n);
            first = false;
        }
        i = e + 1;
    }
    return st ? st : lx_strbuf_addch(sb, ']');
}

/* One corroboration line, after its "id" and "sha256". */
static lx_status json_chain_rest(lx_strbuf *sb, const lx_chain_line *c)
{
    lx_status st;
    if (c->kind == LX_CHAIN_MISMATCH) {
        st = lx_strbuf_addstr(sb, ",\"signer\":");
        if (!st)
            st = lx_escape_json(sb, c->signer.s, c->signer.n);
        if (!st)
            st = lx_strbuf_addstr(sb, ",\"reason\":");
        if (!st)
            st = lx_escape_json(sb, c->reason.s, c->reason.n);
        return st ? st : lx_strbuf_addch(sb, '}');
    }
    st = lx_strbuf_addf(sb, ",\"coverage\":%d,\"signer\":", c->coverage);
    if (!st)
        st = lx_escape_json(sb, c->signer.s, c->signer.n);
    if (!st && lx_span_is(c->header, "none"))
        return lx_strbuf_addstr(sb, ",\"header\":null}");
    if (!st)
        st = lx_strbuf_addstr(sb, ",\"header\":{\"agrees\":");
    if (!st)
        st = json_header_items(sb, c->header, false);
    if (!st)
        st = lx_strbuf_addstr(sb, ",\"unchecked\":");
    if (!st)
        st = json_header_items(sb, c->header, true);
    return st ? st : lx_strbuf_addstr(sb, "}}");
}

static lx_status json_chain(lx_strbuf *sb, const lx_record *r)
{
    lx_status st = lx_strbuf_addstr(sb, "{\"status\":");
    if (!st)
        st = json_str(sb, lx_dataline_chain_status(r));
    if (!st)
        st = lx_strbuf_addstr(sb, ",\"corroborated_by\":[");
    lx_chain_iter it = {.rec = r};
    lx_chain_line c;
    lx_chain_kind last = LX_CHAIN_CORROBORATED;
    bool first = true;
    while (!st && lx_dataline_chain_next(&it, &c)) {
        if (c.kind != last) { /* the first mismatch ends the corroborations */
            st = lx_strbuf_addstr(sb, "],\"mismatches\":[");
            last = c.kind;
            first = true;
        }
        if (!st)
            st = lx_strbuf_addstr(sb, first ? "{\"id\":" : ",{\"id\":");
        first = false;
        if (!st)
            st = lx_escape_json(sb, c.sha256.s,
                                c.sha256.n < LX_SHORT_ID_LEN ? c.sha256.n : LX_SHORT_ID_LEN);
        if (!st)
            st = lx_strbuf_addstr(sb, ",\"sha256\":");
        if (!st)
            st = lx_escape_json(sb, c.sha256.s, c.sha256.n);
        if (!st)
            st = json_chain_rest(sb, &c);
    }
    if (!st && last == LX_CHAIN_CORROBORATED)
        st = lx_strbuf_addstr(sb, "],\"mismatches\":[");
    return st ? st : lx_strbuf_addstr(sb, "]}");
}

static lx_status json_snippet(lx_strbuf *sb, const lx_record *r)
{
    lx_status st = lx_strbuf_addstr(sb, "{\"text\":");
    if (!st)
        st = json_str(sb, lx_hitfields_get(r, LX_HIT_SNIPPET));
    if (!st)
        st = lx_strbuf_addstr(sb, ",\"matches\":[");
    const char *m = lx_hitfields_get(r, LX_HIT_SNIPPET_MATCHES);
    for (bool first = true; !st && *m;) {
        unsigned long a0, b0;
        int used = 0;
        if (sscanf(m, "%lu-%lu%n", &a0, &b0, &used) != 2)
            break;
        st = lx_strbuf_addf(sb, "%s[%lu,%lu]", first ? "" : ",", a0, b0);
        first = false;
        m += used;
        while (*m == ' ')
            m++;
    }
    /* The attachment whose text it comes from, or null. */
    const char *in = lx_hitfields_get(r, LX_HIT_SNIPPET_ATTACHMENT);
    if (!st)
        st = lx_strbuf_addstr(sb, "],\"attachment\":");
    if (!st)
        st = lx_strbuf_addstr(sb, *in ? in : "null");
    return st ? st : lx_strbuf_addch(sb, '}');
}

static lx_status json_names(lx_strbuf *sb, const char *v)
{
    lx_status st = lx_strbuf_addch(sb, '[');
    for (size_t i = 0; v[i] && !st;) {
        size_t n = strcspn(v + i, ",");
        if (i)
            st = lx_strbuf_addch(sb, ',');
        if (!st)
            st = lx_escape_json(sb, v + i, n);
        i += n + (v[i + n] == ',');
    }
    return st ? st : lx_strbuf_addch(sb, ']');
}

/* One value of a repeated column. */
/* ,"members":[...]: a location's archive members, outermost first. */
static lx_status json_members(lx_strbuf *sb, const lx_evidence_loc *loc)
{
    lx_status st = lx_strbuf_addstr(sb, ",\"members\":[");
    for (size_t i = 0; i < loc->n_members && !st; i++) {
        if (i)
            st = lx_strbuf_addch(sb, ',');
        if (!st)
            st = lx_escape_json(sb, loc->members[i], strlen(loc->members[i]));
    }
    return st ? st : lx_strbuf_addch(sb, ']');
}

static lx_status json_item(lx_strbuf *sb, const lx_column *c, const char *pv)
{
    switch (c->kind) {
    case LX_COL_DKIM_SIGS: return json_sig(sb, pv);
    case LX_COL_ATTACH: return json_attachment(sb, pv);
    case LX_COL_SIGNERS: {
        lx_sig_line s;
        lx_dataline_sig(pv, &s);
        return lx_escape_json(sb, s.f[LX_SIG_DOMAIN].s, s.f[LX_SIG_DOMAIN].n);
    }
    case LX_COL_ADDRS: {
        const char *tab = strchr(pv, '\t');
        return json_address(sb, tab ? tab + 1 : "", pv, tab ? (size_t)(tab - pv) : strlen(pv));
    }
    case LX_COL_PATHS: {
        lx_evidence_loc loc;
        lx_status st = lx_evidence_parse(&loc, pv);
        if (!st)
            st = lx_strbuf_addstr(sb, "{\"path\":");
        if (!st)
            st = lx_escape_json(sb, loc.path.buf, loc.path.len);
        if (!st && loc.n_members)
            st = json_members(sb, &loc);
        if (!st && loc.has_item && !(st = lx_strbuf_addstr(sb, ",\"folder\":")))
            st = lx_escape_json(sb, loc.folder.buf, loc.folder.len);
        if (!st && loc.has_item)
            st = lx_strbuf_addf(sb, ",\"item\":%lu", loc.item);
        if (!st && loc.in_mbox)
            st = lx_strbuf_addf(sb, ",\"mbox_offset\":%zu,\"mbox_length\":%zu", loc.offset,
                                loc.length);
        lx_evidence_loc_release(&loc);
        return st ? st : lx_strbuf_addch(sb, '}');
    }
    default: return json_str(sb, pv);
    }
}

static lx_status json_column(lx_strbuf *sb, const lx_record *r, const lx_column *c)
{
    const char *v = c->key ? lx_hitfields_get(r, c->key) : "";
    switch (c->kind) {
    case LX_COL_ID:
        return lx_escape_json(sb, v, strlen(v) < LX_SHORT_ID_LEN ? strlen(v) : LX_SHORT_ID_LEN);
    case LX_COL_STR: return json_str(sb, v);
    case LX_COL_CHAIN: return json_chain(sb, r);
    case LX_COL_NUM: return lx_strbuf_addstr(sb, *v ? v : "0");
    case LX_COL_COUNT: return lx_strbuf_addstr(sb, *v ? v : "null");
    case LX_COL_DATE: return *v ? json_str(sb, v) : lx_strbuf_addstr(sb, "null");
    case LX_COL_LOCALDATE: {
        char local[32];
        return lx_hitfields_date_local(r, local) ? json_str(sb, local)
                                                 : lx_strbuf_addstr(sb, "null");
    }
    case LX_COL_FROM: {
        const char *addr = lx_hitfields_get(r, LX_DATA_FROM_ADDRESS);
        return json_address(sb, lx_hitfields_get(r, LX_DATA_FROM_NAME), addr, strlen(addr));
    }
    case LX_COL_DKIM: {
        const char *dv = lx_record_get(r, LX_DATA_DKIM);
        return json_str(sb, dv ? dv : lx_verdict_name(LX_VERDICT_UNCHECKED));
    }
    case LX_COL_SNIPPET: return json_snippet(sb, r);
    case LX_COL_NAMES: return json_names(sb, v);
    case LX_COL_ATTACH:
    case LX_COL_SIGNERS:
    case LX_COL_DKIM_SIGS:
    case LX_COL_ADDRS:
    case LX_COL_STRS:
    case LX_COL_PATHS: break;
    }
    lx_status st = lx_strbuf_addch(sb, '[');
    if (!st)
        st = lx_hitfields_each(sb, r, c, ",", json_item);
    return st ? st : lx_strbuf_addch(sb, ']');
}

lx_status lx_hitjson_hit(lx_strbuf *sb, const lx_record *r, bool with_body)
{
    lx_status st = lx_strbuf_addch(sb, '{');
    for (size_t i = 0; i < lx_hit_n_columns && !st; i++) {
        if (i)
            st = lx_strbuf_addch(sb, ',');
        if (!st)
            st = json_str(sb, lx_hit_columns[i].name);
        if (!st)
            st = lx_strbuf_addch(sb, ':');
        if (!st)
            st = json_column(sb, r, &lx_hit_columns[i]);
    }
    if (!st && with_body) {
        st = lx_strbuf_addstr(sb, ",\"body\":");
        if (!st)
            st = json_str(sb, lx_hitfields_get(r, LX_DATA_BODY));
    }
    return st ? st : lx_strbuf_addch(sb, '}');
}

lx_status lx_hitjson_hit_plus(lx_strbuf *sb, const lx_record *rec, const char *key,
                              const char *value)
{
    lx_status st = lx_hitjson_hit(sb, rec, false);
    if (st)
        return st;
    lx_strbuf_setlen(sb, sb->len - 1); /* the closing brace */
    st = lx_strbuf_addch(sb, ',');
    if (!st)
        st = json_str(sb, key);
    if (!st)
        st = lx_strbuf_addch(sb, ':');
    if (!st)
        st = json_str(sb, value);
    return st ? st : lx_strbuf_addch(sb, '}');
}
