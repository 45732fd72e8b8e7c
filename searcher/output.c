/* output.c - printing hits as text, JSON, NDJSON or CSV through one traversal. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "date.h"
#include "escape.h"
#include "schema.h"
#include "strbuf.h"
#include "utf8.h"
#include "banned.h"

bool lx_output_format_parse(const char *s, lx_format *out)
{
    static const struct {
        const char *name;
        lx_format f;
    } names[] = {{"text", LX_FMT_TEXT},
                 {"json", LX_FMT_JSON},
                 {"ndjson", LX_FMT_NDJSON},
                 {"csv", LX_FMT_CSV}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return true;
        }
    }
    return false;
}

/* How a stored key is shown. */
typedef enum col_kind {
    COL_ID,        /* the short id, derived from sha256 */
    COL_STR,       /* one string */
    COL_NUM,       /* one number */
    COL_COUNT,     /* one number, or null (CSV: empty) when absent */
    COL_DATE,      /* ISO 8601 or null */
    COL_LOCALDATE, /* the date on the sender's clock, with its offset, or null */
    COL_FROM,      /* from_name + from_address */
    COL_ADDRS,     /* repeated "ADDRESS\tNAME" */
    COL_STRS,      /* repeated strings */
    COL_PATHS,     /* repeated "PATH" or "PATH\tOFFSET\tLENGTH" */
    COL_DKIM,      /* the verdict, "weak" added when it rests on a weak key */
    COL_SIGNERS,   /* the distinct d= domains of the dkim_sig lines */
    COL_DKIM_SIGS, /* each dkim_sig line, as an object */
    COL_SNIPPET,   /* "snippet" text and "snippet_matches" ranges */
    COL_CHAIN,     /* "chain" lines: corroborations and mismatches */
    COL_ATTACH,    /* each "attachment" line (lx_attach_fields), as an object */
    COL_NAMES,     /* one value holding comma-separated names: an array */
} col_kind;

/* Every printed field, in order; JSON, NDJSON and CSV all walk this table. */
static const struct column {
    const char *name; /* JSON key and CSV header */
    const char *key;  /* document data key */
    col_kind kind;
} columns[] = {
    {"id", "sha256", COL_ID},
    {"sha256", "sha256", COL_STR},
    {"date", "date", COL_DATE},
    {"date_local", "date", COL_LOCALDATE},
    {"date_source", "date_source", COL_STR},
    {"from", NULL, COL_FROM},
    {"to", "to", COL_ADDRS},
    {"cc", "cc", COL_ADDRS},
    {"bcc", "bcc", COL_ADDRS},
    {"reply_to", "reply_to", COL_ADDRS},
    {"subject", "subject", COL_STR},
    {"dkim", "dkim", COL_DKIM},
    {"verified", "verified", COL_STR},
    {"verified_reason", "verified_reason", COL_STR},
    {"unsigned_headers", "unsigned_headers", COL_NAMES},
    {"signers", "dkim_sig", COL_SIGNERS},
    {"corroboration", "chain", COL_CHAIN},
    {"message_id", "message_id", COL_STR},
    {"in_reply_to", "in_reply_to", COL_STR},
    {"references", "references", COL_STRS},
    {"thread", "thread", COL_STR},
    {"thread_hits", "thread_hits", COL_COUNT},
    {"size", "size", COL_NUM},
    {"paths", "path", COL_PATHS},
    {"copies", "copy", COL_STRS},
    {"conflicts", "conflict", COL_STRS},
    {"body_source", "body_source", COL_STR},
    {"body_truncated", "body_truncated", COL_STR},
    {"body_signed_bytes", "body_signed_bytes", COL_COUNT},
    {"replaced_characters", "replaced_characters", COL_NUM},
    {"dkim_signatures", "dkim_sig", COL_DKIM_SIGS},
    {"attachments", "attachment", COL_ATTACH},
    {"snippet", "snippet", COL_SNIPPET},
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

static const char *get(const lx_record *r, const char *key)
{
    const char *v = lx_record_get(r, key);
    return v ? v : "";
}

/* The message's date (UTC seconds), false when it has none. */
static bool hit_date(const lx_record *r, int64_t *t)
{
    const char *iso = get(r, "date");
    int64_t last;
    return *iso && lx_date_parse_query(iso, strlen(iso), t, &last) == LX_OK;
}

/* The offset from UTC (seconds east) the sender's Date header was written
 * with; false when it gave none usable (the date is then read as UTC). */
static bool sender_offset(const lx_record *r, int *offset)
{
    const char *v = lx_record_get(r, lx_schema_field(LX_F_DATE_OFFSET)->name);
    return v && lx_date_parse_offset(v, offset);
}

/* date_local: "2017-04-24T00:30:00+02:00", the date on the sender's clock;
 * "+00:00" when the offset is unknown; false for an undated message. */
static bool date_local(const lx_record *r, char buf[32])
{
    int64_t t;
    int offset = 0;
    if (!hit_date(r, &t))
        return false;
    sender_offset(r, &offset);
    lx_date_format_local(t, offset, buf);
    return true;
}

/* Splits "A\tB" at the first tab. */
static void split_tab(const char *v, const char **a, size_t *alen, const char **b)
{
    const char *t = strchr(v, '\t');
    *a = v;
    *alen = t ? (size_t)(t - v) : strlen(v);
    *b = t ? t + 1 : "";
}

/* "PATH\tOFFSET\tLENGTH": offsets are the last two tab-separated fields. */
static bool split_location(const char *v, size_t *plen, unsigned long long *off,
                           unsigned long long *len)
{
    const char *t2 = strrchr(v, '\t');
    if (!t2 || t2 == v)
        goto plain;
    const char *t1 = t2 - 1;
    while (t1 > v && *t1 != '\t')
        t1--;
    if (*t1 != '\t')
        goto plain;
    char *end;
    *off = strtoull(t1 + 1, &end, 10);
    if (end != t2)
        goto plain;
    *len = strtoull(t2 + 1, &end, 10);
    if (*end)
        goto plain;
    *plen = (size_t)(t1 - v);
    return true;
plain:
    *plen = strlen(v);
    return false;
}

/* Field k of a tab-separated dkim_sig value. */
static void sig_field(const char *line, size_t k, const char **start, size_t *len)
{
    const char *p = line;
    for (size_t i = 0; i < k && p; i++) {
        p = strchr(p, '\t');
        if (p)
            p++;
    }
    if (!p) {
        *start = "";
        *len = 0;
        return;
    }
    const char *t = strchr(p, '\t');
    *start = p;
    *len = t ? (size_t)(t - p) : strlen(p);
}

static bool sig_field_is(const char *line, size_t k, const char *want)
{
    const char *f;
    size_t n;
    sig_field(line, k, &f, &n);
    return n == strlen(want) && memcmp(f, want, n) == 0;
}

/* Index of a dkim_sig field by name. */
static size_t sig_index(const char *name)
{
    for (size_t k = 0; k < LX_DKIM_SIG_NFIELDS; k++)
        if (strcmp(lx_dkim_sig_fields[k], name) == 0)
            return k;
    return 0;
}

/* Index of an attachment field by name. */
static size_t att_index(const char *name)
{
    for (size_t k = 0; k < LX_ATTACH_NFIELDS; k++)
        if (strcmp(lx_attach_fields[k], name) == 0)
            return k;
    return 0;
}

/* One attachment line as a JSON object: numbers for n, parent, size and
 * text_bytes, strings for the rest. */
static lx_status json_attachment(lx_strbuf *sb, const char *line)
{
    static const char *const numeric[] = {"n", "parent", "size", "text_bytes", NULL};
    lx_status st = lx_strbuf_addch(sb, '{');
    for (size_t k = 0; k < LX_ATTACH_NFIELDS && !st; k++) {
        const char *f;
        size_t n;
        sig_field(line, k, &f, &n);
        if (k)
            st = lx_strbuf_addch(sb, ',');
        if (!st)
            st = lx_escape_json(sb, lx_attach_fields[k], strlen(lx_attach_fields[k]));
        if (!st)
            st = lx_strbuf_addch(sb, ':');
        bool is_num = false;
        for (size_t i = 0; numeric[i]; i++)
            is_num = is_num || strcmp(numeric[i], lx_attach_fields[k]) == 0;
        if (st) {
        } else if (is_num) {
            bool digits = n > 0;
            for (size_t i = 0; i < n; i++)
                digits = digits && f[i] >= '0' && f[i] <= '9';
            st = digits ? lx_strbuf_add(sb, f, n) : lx_strbuf_addstr(sb, "null");
        } else {
            st = lx_escape_json(sb, f, n);
        }
    }
    return st ? st : lx_strbuf_addch(sb, '}');
}

/* The fields of a stored attachment line, split in place. */
static void attachment_fields(const char *line, const char *f[LX_ATTACH_NFIELDS],
                              size_t n[LX_ATTACH_NFIELDS])
{
    for (size_t k = 0; k < LX_ATTACH_NFIELDS; k++)
        sig_field(line, k, &f[k], &n[k]);
}

/* "#N NAME", or "#N (unnamed TYPE)" without a name; with_parent adds
 * "in #P " before the name of a file inside another. */
static lx_status attachment_label(lx_strbuf *sb, const char *const f[], const size_t n[],
                                  bool with_parent)
{
    size_t num = att_index("n"), parent = att_index("parent"), name = att_index("name"),
           type = att_index("type"), sniffed = att_index("sniffed_type");
    lx_status st = lx_strbuf_addf(sb, "#%.*s ", (int)n[num], f[num]);
    if (!st && with_parent && !(n[parent] == 1 && f[parent][0] == '0'))
        st = lx_strbuf_addf(sb, "in #%.*s ", (int)n[parent], f[parent]);
    if (!st && n[name])
        st = lx_strbuf_add(sb, f[name], n[name]);
    else if (!st)
        st = lx_strbuf_addf(sb, "(unnamed %.*s)", (int)(n[type] ? n[type] : n[sniffed]),
                            n[type] ? f[type] : f[sniffed]);
    return st;
}

/* "#N NAME (TYPE, SIZE bytes, sha256 HEX, STATUS)", "#N in #P ..." for a
 * file inside another, the content's type added when it differs from the
 * declared one; for CSV cells and `show`. */
static lx_status plain_attachment(lx_strbuf *sb, const char *line)
{
    const char *f[LX_ATTACH_NFIELDS];
    size_t n[LX_ATTACH_NFIELDS];
    attachment_fields(line, f, n);
    size_t type = att_index("type"), sniffed = att_index("sniffed_type"), size = att_index("size"),
           sha = att_index("sha256"), status = att_index("status");
    size_t tn = n[type] ? n[type] : n[sniffed];
    const char *t = n[type] ? f[type] : f[sniffed];
    lx_status st = attachment_label(sb, f, n, true);
    if (!st)
        st = lx_strbuf_addf(sb, " (%.*s", (int)tn, t);
    if (!st && n[type] && n[sniffed] &&
        !(n[type] == n[sniffed] && memcmp(f[type], f[sniffed], n[type]) == 0))
        st = lx_strbuf_addf(sb, ", content %.*s", (int)n[sniffed], f[sniffed]);
    if (!st)
        st = lx_strbuf_addf(sb, ", %.*s bytes", (int)n[size], f[size]);
    if (!st && n[sha])
        st = lx_strbuf_addf(sb, ", sha256 %.*s", (int)n[sha], f[sha]);
    if (!st)
        st = lx_strbuf_addf(sb, ", %.*s)", (int)n[status], f[status]);
    return st;
}

/* How a text hit line names an attachment: "#N NAME"; its types, size,
 * hash and status are for `show` and the exports. */
static lx_status attachment_name(lx_strbuf *sb, const char *line)
{
    const char *f[LX_ATTACH_NFIELDS];
    size_t n[LX_ATTACH_NFIELDS];
    attachment_fields(line, f, n);
    return attachment_label(sb, f, n, false);
}

/* "pass", "pass weak" (a weak key verified it), "fail", ..., "unchecked";
 * on a hit line (`hit`), "partial" for a pass that verifies the message
 * only in part. */
static lx_status verdict_label(lx_strbuf *sb, const lx_record *r, bool hit)
{
    const char *v = lx_record_get(r, "dkim");
    if (hit && v && strcmp(v, "pass") == 0 && strcmp(get(r, "verified"), "partial") == 0)
        v = "partial";
    lx_status st = lx_strbuf_addstr(sb, v ? v : "unchecked");
    bool weak = false;
    for (size_t i = 0; i < r->n && !weak; i++)
        weak = strcmp(r->pairs[i].key, "dkim_sig") == 0 &&
               sig_field_is(r->pairs[i].value, sig_index("result"), "pass") &&
               sig_field_is(r->pairs[i].value, sig_index("weak"), "yes");
    return st || !weak ? st : lx_strbuf_addstr(sb, " weak");
}

/* True when the signer domain of dkim_sig pair i already appeared before i. */
static bool signer_seen(const lx_record *r, size_t i)
{
    const char *d;
    size_t n;
    sig_field(r->pairs[i].value, 0, &d, &n);
    if (n == 0)
        return true;
    for (size_t j = 0; j < i; j++) {
        const char *e;
        size_t m;
        if (strcmp(r->pairs[j].key, "dkim_sig") != 0)
            continue;
        sig_field(r->pairs[j].value, 0, &e, &m);
        if (m == n && memcmp(d, e, n) == 0)
            return true;
    }
    return false;
}

static lx_status json_sig(lx_strbuf *sb, const char *line)
{
    static const char *const numeric[] = {"key_bits", "key_record", "unsigned_bytes",
                                          "t",        "x",          NULL};
    static const char *const booleans[] = {"weak", "aligned", NULL};
    lx_status st = lx_strbuf_addch(sb, '{');
    for (size_t k = 0; k < LX_DKIM_SIG_NFIELDS && !st; k++) {
        const char *f;
        size_t n;
        sig_field(line, k, &f, &n);
        if (k)
            st = lx_strbuf_addch(sb, ',');
        if (!st)
            st = lx_escape_json(sb, lx_dkim_sig_fields[k], strlen(lx_dkim_sig_fields[k]));
        if (!st)
            st = lx_strbuf_addch(sb, ':');
        bool is_num = false, is_bool = false;
        for (size_t i = 0; numeric[i]; i++)
            is_num = is_num || strcmp(numeric[i], lx_dkim_sig_fields[k]) == 0;
        for (size_t i = 0; booleans[i]; i++)
            is_bool = is_bool || strcmp(booleans[i], lx_dkim_sig_fields[k]) == 0;
        if (st) {
        } else if (is_bool) {
            st = lx_strbuf_addstr(sb, n == 3 && memcmp(f, "yes", 3) == 0 ? "true" : "false");
        } else if (is_num) {
            bool digits = n > 0;
            for (size_t i = 0; i < n; i++)
                digits = digits && f[i] >= '0' && f[i] <= '9';
            st = digits ? lx_strbuf_add(sb, f, n) : lx_strbuf_addstr(sb, "null");
        } else {
            st = lx_escape_json(sb, f, n);
        }
    }
    return st ? st : lx_strbuf_addch(sb, '}');
}

/* "domain s=SEL a=ALG c=CANON: RESULT (reason), weak RSA key, key record N,
 * source: X, N unsigned bytes" for CSV cells and `show`. */
static lx_status plain_sig(lx_strbuf *sb, const char *line)
{
    const char *f[LX_DKIM_SIG_NFIELDS];
    size_t n[LX_DKIM_SIG_NFIELDS];
    for (size_t k = 0; k < LX_DKIM_SIG_NFIELDS; k++)
        sig_field(line, k, &f[k], &n[k]);
    size_t res = sig_index("result"), why = sig_index("reason"), rec = sig_index("key_record"),
           src = sig_index("key_source"), ub = sig_index("unsigned_bytes"),
           bits = sig_index("key_bits");
    lx_status st = lx_strbuf_addf(sb, "%.*s s=%.*s a=%.*s c=%.*s: %.*s", (int)n[0], f[0], (int)n[1],
                                  f[1], (int)n[2], f[2], (int)n[3], f[3], (int)n[res], f[res]);
    if (!st && n[why])
        st = lx_strbuf_addf(sb, " (%.*s)", (int)n[why], f[why]);
    if (!st && sig_field_is(line, sig_index("weak"), "yes"))
        st = lx_strbuf_addf(sb, ", WEAK %.*s-bit RSA key", (int)n[bits], f[bits]);
    if (!st && n[rec] && !(n[rec] == 1 && f[rec][0] == '0'))
        st = lx_strbuf_addf(sb, ", key record %.*s", (int)n[rec], f[rec]);
    if (!st && n[src])
        st = lx_strbuf_addf(sb, ", key source: %.*s", (int)n[src], f[src]);
    if (!st && n[ub] && f[ub][0] != '-' && !(n[ub] == 1 && f[ub][0] == '0'))
        st = lx_strbuf_addf(sb, ", %.*s body bytes not signed (l=)", (int)n[ub], f[ub]);
    size_t al = sig_index("aligned"), form = sig_index("mbox_form");
    if (!st && sig_field_is(line, res, "pass"))
        st = lx_strbuf_addstr(sb, sig_field_is(line, al, "yes") ? ", the sender's domain"
                                                                : ", not the sender's domain");
    if (!st && sig_field_is(line, form, "stored"))
        st = lx_strbuf_addstr(sb, ", on the body as stored in the mbox (>From quoting kept)");
    else if (!st && sig_field_is(line, form, "unquoted"))
        st = lx_strbuf_addstr(sb, ", on the body with the mbox's >From quoting undone");
    return st;
}

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

/* One row of `show`: the label, then the value, on one line. */
static lx_status text_row(lx_strbuf *sb, const char *label, const char *value)
{
    size_t start = sb->len;
    lx_status st = lx_strbuf_addf(sb, "%-12s %s", label, value);
    return st ? st : end_line(sb, start);
}

static lx_status json_str(lx_strbuf *sb, const char *s)
{
    return lx_escape_json(sb, s, strlen(s));
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

/* --- chain corroboration ---------------------------------------------------
 * "chain" lines: "corroborated<TAB>SHA256<TAB>COVERAGE<TAB>SIGNER<TAB>HEADER"
 * and "mismatch<TAB>SHA256<TAB>SIGNER<TAB>REASON"; HEADER is "none" or a
 * comma-separated list of "from", "date", "subject", where "date?" (or
 * "from?") could not be checked. */

static bool chain_is(const char *line, const char *status)
{
    size_t n = strlen(status);
    return strncmp(line, status, n) == 0 && line[n] == '\t';
}

/* "corroborated", "mismatch" or "none": corroborated wins. */
static const char *chain_status(const lx_record *r)
{
    const char *s = "none";
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->pairs[i].key, "chain") != 0)
            continue;
        if (chain_is(r->pairs[i].value, "corroborated"))
            return "corroborated";
        if (chain_is(r->pairs[i].value, "mismatch"))
            s = "mismatch";
    }
    return s;
}

/* JSON: the header items of a corroboration, checked (want_unchecked
 * false) or not checkable (true), as an array of names. */
static lx_status json_header_items(lx_strbuf *sb, const char *h, size_t len, bool want_unchecked)
{
    lx_status st = lx_strbuf_addch(sb, '[');
    bool first = true;
    for (size_t i = 0; i < len && !st;) {
        const char *comma = memchr(h + i, ',', len - i);
        size_t e = comma ? (size_t)(comma - h) : len;
        size_t n = e - i;
        bool unchecked = n && h[e - 1] == '?';
        if (n && unchecked == want_unchecked) {
            st = first ? LX_OK : lx_strbuf_addch(sb, ',');
            if (!st)
                st = lx_escape_json(sb, h + i, unchecked ? n - 1 : n);
            first = false;
        }
        i = e + 1;
    }
    return st ? st : lx_strbuf_addch(sb, ']');
}

static lx_status json_chain(lx_strbuf *sb, const lx_record *r)
{
    lx_status st = lx_strbuf_addstr(sb, "{\"status\":");
    if (!st)
        st = json_str(sb, chain_status(r));
    for (int pass = 0; pass < 2 && !st; pass++) {
        st = lx_strbuf_addstr(sb, pass ? "],\"mismatches\":[" : ",\"corroborated_by\":[");
        bool first = true;
        for (size_t i = 0; i < r->n && !st; i++) {
            const char *v = r->pairs[i].value;
            if (strcmp(r->pairs[i].key, "chain") != 0 ||
                !chain_is(v, pass ? "mismatch" : "corroborated"))
                continue;
            const char *sha, *f2, *f3, *f4;
            size_t sha_n, n2, n3, n4;
            sig_field(v, 1, &sha, &sha_n);
            sig_field(v, 2, &f2, &n2);
            sig_field(v, 3, &f3, &n3);
            sig_field(v, 4, &f4, &n4);
            st = lx_strbuf_addstr(sb, first ? "{\"id\":" : ",{\"id\":");
            first = false;
            if (!st)
                st = lx_escape_json(sb, sha, sha_n < LX_SHORT_ID_LEN ? sha_n : LX_SHORT_ID_LEN);
            if (!st)
                st = lx_strbuf_addstr(sb, ",\"sha256\":");
            if (!st)
                st = lx_escape_json(sb, sha, sha_n);
            if (!st && !pass) {
                st = lx_strbuf_addf(sb, ",\"coverage\":%d,\"signer\":", (int)strtol(f2, NULL, 10));
                if (!st)
                    st = lx_escape_json(sb, f3, n3);
                if (!st && n4 == 4 && memcmp(f4, "none", 4) == 0)
                    st = lx_strbuf_addstr(sb, ",\"header\":null}");
                else if (!st) {
                    st = lx_strbuf_addstr(sb, ",\"header\":{\"agrees\":");
                    if (!st)
                        st = json_header_items(sb, f4, n4, false);
                    if (!st)
                        st = lx_strbuf_addstr(sb, ",\"unchecked\":");
                    if (!st)
                        st = json_header_items(sb, f4, n4, true);
                    if (!st)
                        st = lx_strbuf_addstr(sb, "}}");
                }
            } else if (!st) {
                st = lx_strbuf_addstr(sb, ",\"signer\":");
                if (!st)
                    st = lx_escape_json(sb, f2, n2);
                if (!st)
                    st = lx_strbuf_addstr(sb, ",\"reason\":");
                if (!st)
                    st = lx_escape_json(sb, f3, strlen(f3));
                if (!st)
                    st = lx_strbuf_addch(sb, '}');
            }
        }
    }
    return st ? st : lx_strbuf_addstr(sb, "]}");
}

/* CSV and text: "corroborated by ID (91%, signed by DOMAIN); quote differs
 * in ID: REASON". */
static lx_status plain_chain(lx_strbuf *sb, const lx_record *r)
{
    lx_status st = LX_OK;
    bool first = true;
    for (int pass = 0; pass < 2 && !st; pass++)
        for (size_t i = 0; i < r->n && !st; i++) {
            const char *v = r->pairs[i].value;
            if (strcmp(r->pairs[i].key, "chain") != 0 ||
                !chain_is(v, pass ? "mismatch" : "corroborated"))
                continue;
            const char *sha, *f2, *f3;
            size_t sha_n, n2, n3;
            sig_field(v, 1, &sha, &sha_n);
            sig_field(v, 2, &f2, &n2);
            sig_field(v, 3, &f3, &n3);
            if (!first)
                st = lx_strbuf_addstr(sb, "; ");
            first = false;
            int idn = (int)(sha_n < LX_SHORT_ID_LEN ? sha_n : LX_SHORT_ID_LEN);
            if (st) {
            } else if (!pass) {
                st = lx_strbuf_addf(sb, "corroborated by %.*s (%d%%, signed by %.*s)", idn, sha,
                                    (int)strtol(f2, NULL, 10), (int)n3, f3);
            } else {
                st = lx_strbuf_addf(sb, "quote differs in %.*s: %s", idn, sha, f3);
            }
        }
    return st;
}

/* show: what the quoted header block confirmed, in words. */
static lx_status header_words(lx_strbuf *sb, const char *h, size_t len)
{
    if (len == 4 && memcmp(h, "none", 4) == 0)
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

/* show: one sentence per corroborating message and per mismatch. */
static lx_status text_chain(lx_strbuf *sb, const lx_record *r)
{
    lx_status st = LX_OK;
    bool any = false;
    for (int pass = 0; pass < 2 && !st; pass++)
        for (size_t i = 0; i < r->n && !st; i++) {
            const char *v = r->pairs[i].value;
            if (strcmp(r->pairs[i].key, "chain") != 0 ||
                !chain_is(v, pass ? "mismatch" : "corroborated"))
                continue;
            const char *sha, *f2, *f3, *f4;
            size_t sha_n, n2, n3, n4;
            sig_field(v, 1, &sha, &sha_n);
            sig_field(v, 2, &f2, &n2);
            sig_field(v, 3, &f3, &n3);
            sig_field(v, 4, &f4, &n4);
            int idn = (int)(sha_n < LX_SHORT_ID_LEN ? sha_n : LX_SHORT_ID_LEN);
            size_t start = sb->len;
            if (!pass) {
                any = true;
                st = lx_strbuf_addf(sb,
                                    "%-12s %d%% of this message's text appears, quoted, in message "
                                    "%.*s, which carries a valid DKIM signature from %.*s; ",
                                    "Corroborated", (int)strtol(f2, NULL, 10), idn, sha, (int)n3,
                                    f3);
                if (!st)
                    st = header_words(sb, f4, n4);
                if (!st)
                    st = lx_strbuf_addch(sb, '.');
            } else {
                st = lx_strbuf_addf(sb,
                                    "%-12s message %.*s, which carries a valid DKIM signature "
                                    "from %.*s, quotes this message with a difference: %s.",
                                    "Mismatch", idn, sha, (int)n2, f2, f3);
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

static lx_status json_column(lx_strbuf *sb, const lx_record *r, const struct column *c)
{
    lx_status st = LX_OK;
    const char *v = c->key ? get(r, c->key) : "";
    switch (c->kind) {
    case COL_ID:
        return lx_escape_json(sb, v, strlen(v) < LX_SHORT_ID_LEN ? strlen(v) : LX_SHORT_ID_LEN);
    case COL_STR: return json_str(sb, v);
    case COL_CHAIN: return json_chain(sb, r);
    case COL_NUM: return lx_strbuf_addstr(sb, *v ? v : "0");
    case COL_COUNT: return lx_strbuf_addstr(sb, *v ? v : "null");
    case COL_DATE: return *v ? json_str(sb, v) : lx_strbuf_addstr(sb, "null");
    case COL_LOCALDATE: {
        char local[32];
        return date_local(r, local) ? json_str(sb, local) : lx_strbuf_addstr(sb, "null");
    }
    case COL_FROM: {
        const char *addr = get(r, "from_address");
        return json_address(sb, get(r, "from_name"), addr, strlen(addr));
    }
    case COL_DKIM: {
        lx_strbuf label;
        lx_strbuf_init(&label);
        const char *dv = lx_record_get(r, "dkim");
        st = lx_strbuf_addstr(&label, dv ? dv : "unchecked");
        if (!st)
            st = lx_escape_json(sb, label.buf, label.len);
        lx_strbuf_release(&label);
        return st;
    }
    case COL_SNIPPET: {
        st = lx_strbuf_addstr(sb, "{\"text\":");
        if (!st)
            st = json_str(sb, v);
        if (!st)
            st = lx_strbuf_addstr(sb, ",\"matches\":[");
        const char *m = get(r, "snippet_matches");
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
        const char *in = get(r, "snippet_attachment");
        if (!st)
            st = lx_strbuf_addstr(sb, "],\"attachment\":");
        if (!st)
            st = lx_strbuf_addstr(sb, *in ? in : "null");
        return st ? st : lx_strbuf_addch(sb, '}');
    }
    case COL_NAMES: {
        st = lx_strbuf_addch(sb, '[');
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
    case COL_ATTACH:
    case COL_SIGNERS:
    case COL_DKIM_SIGS: {
        bool first = true;
        st = lx_strbuf_addch(sb, '[');
        for (size_t i = 0; i < r->n && !st; i++) {
            if (strcmp(r->pairs[i].key, c->key) != 0)
                continue;
            if (c->kind == COL_SIGNERS && signer_seen(r, i))
                continue;
            if (!first)
                st = lx_strbuf_addch(sb, ',');
            first = false;
            if (st)
                break;
            if (c->kind == COL_DKIM_SIGS) {
                st = json_sig(sb, r->pairs[i].value);
            } else if (c->kind == COL_ATTACH) {
                st = json_attachment(sb, r->pairs[i].value);
            } else {
                const char *d;
                size_t dn;
                sig_field(r->pairs[i].value, 0, &d, &dn);
                st = lx_escape_json(sb, d, dn);
            }
        }
        return st ? st : lx_strbuf_addch(sb, ']');
    }
    case COL_ADDRS:
    case COL_STRS:
    case COL_PATHS: {
        bool first = true;
        st = lx_strbuf_addch(sb, '[');
        for (size_t i = 0; i < r->n && !st; i++) {
            if (strcmp(r->pairs[i].key, c->key) != 0)
                continue;
            if (!first)
                st = lx_strbuf_addch(sb, ',');
            first = false;
            const char *pv = r->pairs[i].value;
            if (st) {
            } else if (c->kind == COL_ADDRS) {
                const char *a, *name;
                size_t alen;
                split_tab(pv, &a, &alen, &name);
                st = json_address(sb, name, a, alen);
            } else if (c->kind == COL_PATHS) {
                size_t plen;
                unsigned long long off, len;
                bool mbox = split_location(pv, &plen, &off, &len);
                st = lx_strbuf_addstr(sb, "{\"path\":");
                if (!st)
                    st = lx_escape_json(sb, pv, plen);
                if (!st && mbox)
                    st = lx_strbuf_addf(sb, ",\"mbox_offset\":%llu,\"mbox_length\":%llu", off, len);
                if (!st)
                    st = lx_strbuf_addch(sb, '}');
            } else {
                st = json_str(sb, pv);
            }
        }
        return st ? st : lx_strbuf_addch(sb, ']');
    }
    }
    return st;
}

static lx_status json_hit(lx_strbuf *sb, const lx_record *r, bool with_body)
{
    lx_status st = lx_strbuf_addch(sb, '{');
    for (size_t i = 0; i < N_COLUMNS && !st; i++) {
        if (i)
            st = lx_strbuf_addch(sb, ',');
        if (!st)
            st = json_str(sb, columns[i].name);
        if (!st)
            st = lx_strbuf_addch(sb, ':');
        if (!st)
            st = json_column(sb, r, &columns[i]);
    }
    if (!st && with_body) {
        st = lx_strbuf_addstr(sb, ",\"body\":");
        if (!st)
            st = json_str(sb, get(r, "body"));
    }
    return st ? st : lx_strbuf_addch(sb, '}');
}

/* Plain text of one column for CSV and the text printers: lists joined with
 * "; ", addresses as "Name <address>", mbox locations as "PATH@OFFSET+LENGTH". */
static lx_status plain_column(lx_strbuf *sb, const lx_record *r, const struct column *c)
{
    const char *v = c->key ? get(r, c->key) : "";
    switch (c->kind) {
    case COL_ID:
        return lx_strbuf_add(sb, v, strlen(v) < LX_SHORT_ID_LEN ? strlen(v) : LX_SHORT_ID_LEN);
    case COL_STR:
    case COL_NUM:
    case COL_COUNT:
    case COL_DATE: return lx_strbuf_addstr(sb, v);
    case COL_LOCALDATE: {
        char local[32];
        return date_local(r, local) ? lx_strbuf_addstr(sb, local) : LX_OK;
    }
    case COL_FROM: return LX_OK; /* two CSV columns, written by the caller */
    case COL_DKIM: return verdict_label(sb, r, false);
    case COL_SNIPPET: return lx_strbuf_addstr(sb, v);
    case COL_CHAIN: return plain_chain(sb, r);
    case COL_NAMES: {
        lx_status st = LX_OK;
        for (size_t i = 0; v[i] && !st; i++)
            st = v[i] == ',' ? lx_strbuf_addstr(sb, "; ") : lx_strbuf_addch(sb, v[i]);
        return st;
    }
    case COL_ADDRS:
    case COL_STRS:
    case COL_PATHS:
    case COL_SIGNERS:
    case COL_ATTACH:
    case COL_DKIM_SIGS: break;
    }
    lx_status st = LX_OK;
    bool first = true;
    for (size_t i = 0; i < r->n && !st; i++) {
        if (strcmp(r->pairs[i].key, c->key) != 0)
            continue;
        if (c->kind == COL_SIGNERS && signer_seen(r, i))
            continue;
        if (!first)
            st = lx_strbuf_addstr(sb, "; ");
        first = false;
        const char *pv = r->pairs[i].value;
        if (st) {
        } else if (c->kind == COL_SIGNERS) {
            const char *d;
            size_t dn;
            sig_field(pv, 0, &d, &dn);
            st = lx_strbuf_add(sb, d, dn);
        } else if (c->kind == COL_DKIM_SIGS) {
            st = plain_sig(sb, pv);
        } else if (c->kind == COL_ATTACH) {
            st = plain_attachment(sb, pv);
        } else if (c->kind == COL_ADDRS) {
            const char *a, *name;
            size_t alen;
            split_tab(pv, &a, &alen, &name);
            if (*name)
                st = lx_strbuf_addf(sb, "%s <%.*s>", name, (int)alen, a);
            else
                st = lx_strbuf_add(sb, a, alen);
        } else if (c->kind == COL_PATHS) {
            size_t plen;
            unsigned long long off, len;
            bool mbox = split_location(pv, &plen, &off, &len);
            st = lx_strbuf_add(sb, pv, plen);
            if (!st && mbox)
                st = lx_strbuf_addf(sb, "@%llu+%llu", off, len);
        } else {
            st = lx_strbuf_addstr(sb, pv);
        }
    }
    return st;
}

static lx_status csv_field(lx_strbuf *line, bool first, const char *s, size_t len)
{
    lx_status st = first ? LX_OK : lx_strbuf_addch(line, ',');
    return st ? st : lx_escape_csv(line, s, len);
}

/* Identifier columns are always quoted, so that a spreadsheet told to read
 * quoted fields as text keeps them as written. */
static bool is_identifier(const struct column *c)
{
    return c->kind == COL_ID || c->kind == COL_STRS || c->kind == COL_ATTACH ||
           strcmp(c->name, "sha256") == 0 || strcmp(c->name, "message_id") == 0 ||
           strcmp(c->name, "in_reply_to") == 0 || strcmp(c->name, "thread") == 0;
}

static lx_status csv_header(lx_strbuf *line)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i < N_COLUMNS && !st; i++) {
        if (columns[i].kind == COL_FROM) {
            st = csv_field(line, i == 0, "from_name", 9);
            if (!st)
                st = csv_field(line, false, "from_address", 12);
        } else {
            st = csv_field(line, i == 0, columns[i].name, strlen(columns[i].name));
        }
    }
    return st ? st : lx_strbuf_addstr(line, "\r\n");
}

/* One CSV row; shown: written to standard output, where the archive's
 * controls (but tab and newline) are shown as escapes (a file keeps them). */
static lx_status csv_hit(lx_strbuf *line, const lx_record *r, bool shown)
{
    lx_strbuf cell;
    lx_strbuf_init(&cell);
    lx_status st = LX_OK;
    for (size_t i = 0; i < N_COLUMNS && !st; i++) {
        if (columns[i].kind == COL_FROM) {
            const char *name = get(r, "from_name"), *addr = get(r, "from_address");
            st = i ? lx_strbuf_addch(line, ',') : LX_OK;
            if (!st)
                st = shown ? lx_escape_csv_shown(line, name, strlen(name), false)
                           : lx_escape_csv(line, name, strlen(name));
            if (!st)
                st = lx_strbuf_addch(line, ',');
            if (!st)
                st = shown ? lx_escape_csv_shown(line, addr, strlen(addr), false)
                           : lx_escape_csv(line, addr, strlen(addr));
            continue;
        }
        lx_strbuf_reset(&cell);
        st = plain_column(&cell, r, &columns[i]);
        if (!st && i)
            st = lx_strbuf_addch(line, ',');
        bool quoted = is_identifier(&columns[i]);
        if (st) {
        } else if (shown) {
            st = lx_escape_csv_shown(line, cell.buf, cell.len, quoted);
        } else {
            st = quoted ? lx_escape_csv_quoted(line, cell.buf, cell.len)
                        : lx_escape_csv(line, cell.buf, cell.len);
        }
    }
    lx_strbuf_release(&cell);
    return st ? st : lx_strbuf_addstr(line, "\r\n");
}

/* The date of a text hit line, "YYYY-MM-DD HH:MM" on the clocks of tz;
 * "(no date)" for an undated message. */
static lx_status text_date(lx_strbuf *line, const lx_record *r, const lx_tz *tz)
{
    int64_t t;
    if (!hit_date(r, &t))
        return lx_strbuf_addstr(line, "(no date)         ");
    char shown[32];
    lx_date_format_local(t, lx_tz_offset(tz, t), shown);
    return lx_strbuf_addf(line, "%.10s %.5s  ", shown, shown + 11);
}

/* The end of a text hit line: "  [sent YYYY-MM-DD HH:MM +HH:MM]", the
 * sender's clock, when it showed another time than the line's clocks (tz);
 * nothing when they agree or the sender's offset is unknown. At the end, so
 * that the columns (and a thread's indentation) stay where they are. */
static lx_status text_sent(lx_strbuf *line, const lx_record *r, const lx_tz *tz)
{
    int64_t t;
    int offset;
    if (!hit_date(r, &t) || !sender_offset(r, &offset) || offset == lx_tz_offset(tz, t))
        return LX_OK;
    char sent[32];
    lx_date_format_local(t, offset, sent);
    return lx_strbuf_addf(line, "  [sent %.10s %.5s %s]", sent, sent + 11, sent + 19);
}

/* "ID  YYYY-MM-DD HH:MM  SENDER  SUBJECT", what the archive wrote shown as
 * lx_escape_terminal shows it (one line, every control visible). */
static lx_status text_hit(lx_strbuf *line, const lx_record *r, const lx_tz *tz)
{
    const char *sha = get(r, "sha256");
    const char *sender = get(r, "from_name");
    if (!*sender)
        sender = get(r, "from_address");
    if (!*sender)
        sender = "(no sender)";
    const char *subject = get(r, "subject");
    lx_status st = lx_strbuf_addf(line, "%.*s  ", LX_SHORT_ID_LEN, sha);
    if (!st)
        st = text_date(line, r, tz);
    lx_strbuf verdict;
    lx_strbuf_init(&verdict);
    if (!st)
        st = verdict_label(&verdict, r, true);
    if (!st)
        st = lx_strbuf_addf(line, "%-9s  ", verdict.buf);
    lx_strbuf_release(&verdict);
    size_t start = line->len;
    /* The thread command indents replies under what they answer. */
    unsigned long depth = strtoul(get(r, "thread_depth"), NULL, 10);
    for (unsigned long i = 0; i < depth && !st; i++)
        st = lx_strbuf_addstr(line, "  ");
    if (!st)
        st = lx_strbuf_addf(line, "%s  %s", sender, *subject ? subject : "(no subject)");
    /* --collapse thread: how many hits the thread holds. */
    const char *th = get(r, "thread_hits");
    if (!st && *th && strcmp(th, "1") != 0)
        st = lx_strbuf_addf(line, "  [%s hits in thread]", th);
    /* Chain corroboration, apart from the verdict: it is not verification. */
    if (!st && strcmp(chain_status(r), "none") != 0) {
        st = lx_strbuf_addstr(line, "  [");
        if (!st)
            st = plain_chain(line, r);
        if (!st)
            st = lx_strbuf_addch(line, ']');
    }
    if (!st)
        st = text_sent(line, r, tz);
    if (!st)
        st = shown_from(line, start);
    if (!st)
        st = lx_strbuf_addch(line, '\n');
    /* Each attachment file on a line of its own, by its name. */
    for (size_t i = 0; i < r->n && !st; i++) {
        if (strcmp(r->pairs[i].key, "attachment") != 0)
            continue;
        size_t start_att = line->len;
        st = lx_strbuf_addstr(line, "    attachment ");
        if (!st)
            st = attachment_name(line, r->pairs[i].value);
        if (!st)
            st = shown_from(line, start_att);
        if (!st)
            st = lx_strbuf_addch(line, '\n');
    }
    /* The snippet, when the query had words to show: on a second line,
     * matches in bold on a terminal. */
    const char *snip = get(r, "snippet"), *m = get(r, "snippet_matches");
    if (!st && *snip && lx_record_get(r, "snippet_words")) {
        bool bold = lx_record_get(r, "snippet_bold") != NULL;
        st = lx_strbuf_addstr(line, "    ");
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
        if (!st)
            st = lx_strbuf_addch(line, '\n');
    }
    return st;
}

void lx_output_page(size_t n, size_t offset, size_t limit, size_t *begin, size_t *end)
{
    *begin = offset < n ? offset : n;
    *end = limit && limit < n - *begin ? *begin + limit : n;
}

/* Starts a hit list: the JSON envelope (with an export's description when
 * meta is not NULL), or the CSV header (after a BOM when asked). */
static lx_status begin(lx_output *o, FILE *out, lx_format format, size_t total, size_t offset,
                       const char *meta, bool bom)
{
    o->out = out;
    o->format = format;
    o->n = 0;
    o->tz = NULL;
    o->shown = meta == NULL; /* standard output, not an export's file */
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = LX_OK;
    if (format == LX_FMT_JSON) {
        st = lx_strbuf_addf(&sb, "{\"version\":%d,", LX_OUTPUT_VERSION);
        if (!st && meta)
            st = lx_strbuf_addf(&sb, "\"export\":%s,", meta);
        if (!st)
            st = lx_strbuf_addf(&sb, "\"total\":%zu,\"offset\":%zu,\"hits\":[", total, offset);
    } else if (format == LX_FMT_CSV) {
        if (bom)
            st = lx_strbuf_addstr(&sb, "\xEF\xBB\xBF");
        if (!st)
            st = csv_header(&sb);
    }
    if (!st)
        fwrite(sb.buf, 1, sb.len, out);
    lx_strbuf_release(&sb);
    return st;
}

lx_status lx_output_begin(lx_output *o, FILE *out, lx_format format, size_t total, size_t offset)
{
    return begin(o, out, format, total, offset, NULL, false);
}

lx_status lx_output_begin_export(lx_output *o, FILE *out, lx_format format, size_t total,
                                 const char *meta, bool bom)
{
    return begin(o, out, format, total, 0, meta ? meta : "null", bom);
}

/* Replaces a line's final CRLF by ",extra CRLF". */
static lx_status plus_column(lx_strbuf *sb, size_t start, const char *extra)
{
    if (sb->len < start + 2)
        return LX_E_INVALID;
    lx_strbuf_setlen(sb, sb->len - 2);
    lx_status st = lx_strbuf_addch(sb, ',');
    if (!st)
        st = lx_escape_csv(sb, extra, strlen(extra));
    return st ? st : lx_strbuf_addstr(sb, "\r\n");
}

lx_status lx_output_csv_header_plus(lx_strbuf *sb, const char *column)
{
    size_t start = sb->len;
    lx_status st = csv_header(sb);
    return st ? st : plus_column(sb, start, column);
}

lx_status lx_output_csv_row_plus(lx_strbuf *sb, const lx_record *rec, const char *value)
{
    size_t start = sb->len;
    lx_status st = csv_hit(sb, rec, false);
    return st ? st : plus_column(sb, start, value);
}

lx_status lx_output_json_hit_plus(lx_strbuf *sb, const lx_record *rec, const char *key,
                                  const char *value)
{
    lx_status st = json_hit(sb, rec, false);
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

lx_status lx_output_hit(lx_output *o, const lx_record *rec)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = LX_OK;
    switch (o->format) {
    case LX_FMT_TEXT: st = text_hit(&sb, rec, o->tz); break;
    case LX_FMT_JSON:
        if (o->n)
            st = lx_strbuf_addch(&sb, ',');
        if (!st)
            st = lx_strbuf_addch(&sb, '\n');
        if (!st)
            st = json_hit(&sb, rec, false);
        break;
    case LX_FMT_NDJSON:
        st = json_hit(&sb, rec, false);
        if (!st)
            st = lx_strbuf_addch(&sb, '\n');
        break;
    case LX_FMT_CSV: st = csv_hit(&sb, rec, o->shown); break;
    }
    if (!st)
        fwrite(sb.buf, 1, sb.len, o->out);
    o->n++;
    lx_strbuf_release(&sb);
    return st;
}

lx_status lx_output_end(lx_output *o)
{
    if (o->format == LX_FMT_JSON)
        fputs(o->n ? "\n]}\n" : "]}\n", o->out);
    return ferror(o->out) ? LX_E_IO : LX_OK;
}

/* show's lines after Date: the sender's clock, and the zone's when one
 * was asked for. */
static lx_status text_local_dates(lx_strbuf *sb, const lx_record *r, const lx_tz *tz)
{
    int64_t t;
    int offset;
    char buf[32];
    if (!hit_date(r, &t))
        return LX_OK;
    lx_status st;
    if (sender_offset(r, &offset)) {
        lx_date_format_local(t, offset, buf);
        st = lx_strbuf_addf(sb, "%-12s %s\n", "Sender time", buf);
    } else if (strcmp(get(r, "date_source"), "header") == 0) {
        st = lx_strbuf_addf(sb, "%-12s %s\n", "Sender time",
                            "unknown: the Date header gives no usable time zone (read as UTC)");
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

/* True when the field a hit list names `column` has an instance the DKIM
 * signature behind the verified status does not cover. */
static bool is_unsigned(const lx_record *r, const char *column)
{
    const char *v = get(r, "unsigned_headers");
    size_t n = strlen(column);
    for (size_t i = 0; v[i];) {
        size_t k = strcspn(v + i, ",");
        if (k == n && memcmp(v + i, column, n) == 0)
            return true;
        i += k + (v[i + k] == ',');
    }
    return false;
}

/* show: what the message verifies, in words. */
static lx_status verified_words(lx_strbuf *sb, const char *label, const lx_record *r)
{
    const char *v = get(r, "verified"), *signer = get(r, "verified_signer");
    size_t start = sb->len;
    lx_status st;
    if (strcmp(v, "yes") == 0) {
        st = lx_strbuf_addf(sb,
                            "%-12s yes: signed by %s, the sender's domain, over From, Subject, "
                            "Date and the whole body",
                            label, signer);
    } else if (strcmp(v, "partial") == 0) {
        st = lx_strbuf_addf(sb, "%-12s partial: %s", label, get(r, "verified_reason"));
    } else {
        /* Nothing to add to an unsigned (or unchecked) message's DKIM line. */
        const char *dkim = get(r, "dkim");
        if (!*dkim || strcmp(dkim, "none") == 0 || strcmp(dkim, "unchecked") == 0)
            return LX_OK;
        st = lx_strbuf_addf(sb, "%-12s no", label);
    }
    return st ? st : end_line(sb, start);
}

/* show: the body, the text a signature's l= leaves unsigned set apart. */
static lx_status text_body(lx_strbuf *sb, const lx_record *r)
{
    const char *body = get(r, "body"), *cut = lx_record_get(r, "body_signed_bytes");
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

/* show: under an address row, each header of that name whose addresses
 * the indexer read without their control characters, as it was written
 * (the "written_header" lines, "NAME<TAB>VALUE"); under From, a Sender
 * header that gave the sender. */
static lx_status text_written(lx_strbuf *sb, const lx_record *r, const char *label)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i < r->n && !st; i++) {
        if (strcmp(r->pairs[i].key, "written_header") != 0)
            continue;
        const char *name, *value;
        size_t n;
        split_tab(r->pairs[i].value, &name, &n, &value);
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
                {"Copies", "copies"},
                {"Conflicts", "conflicts"}};
    lx_strbuf cell;
    lx_strbuf_init(&cell);
    lx_status st = LX_OK;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && !st; i++) {
        const struct column *c = NULL;
        for (size_t k = 0; k < N_COLUMNS; k++)
            if (strcmp(columns[k].name, rows[i].column) == 0)
                c = &columns[k];
        lx_strbuf_reset(&cell);
        if (c->kind == COL_DKIM_SIGS || c->kind == COL_ATTACH) {
            /* One line per signature, per attachment. */
            for (size_t k = 0; k < r->n && !st; k++) {
                if (strcmp(r->pairs[k].key, c->key) != 0)
                    continue;
                lx_strbuf_reset(&cell);
                st = c->kind == COL_ATTACH ? plain_attachment(&cell, r->pairs[k].value)
                                           : plain_sig(&cell, r->pairs[k].value);
                if (!st)
                    st = text_row(sb, rows[i].label, cell.buf);
            }
            continue;
        }
        if (c->kind == COL_CHAIN) {
            st = text_chain(sb, r);
            continue;
        }
        if (strcmp(c->name, "verified") == 0) {
            st = verified_words(sb, rows[i].label, r);
            continue;
        }
        if (c->kind == COL_FROM) {
            const char *name = get(r, "from_name"), *addr = get(r, "from_address");
            st = *name ? lx_strbuf_addf(&cell, "%s <%s>", name, addr)
                       : lx_strbuf_addstr(&cell, addr);
        } else {
            st = plain_column(&cell, r, c);
        }
        if (!st && c->kind == COL_DATE && cell.len)
            st = lx_strbuf_addf(&cell, " (from the %s)",
                                strcmp(get(r, "date_source"), "received") == 0 ? "Received header"
                                                                               : "Date header");
        if (!st && c->kind == COL_DATE && !cell.len)
            st = lx_strbuf_addstr(&cell, "(none)");
        if (!st && cell.len && is_unsigned(r, c->name))
            st = lx_strbuf_addstr(&cell, "  (not signed)");
        if (!st && (cell.len || strcmp(rows[i].column, "subject") == 0))
            st = text_row(sb, rows[i].label, cell.buf);
        if (!st && (c->kind == COL_FROM || c->kind == COL_ADDRS))
            st = text_written(sb, r, rows[i].label);
        if (!st && c->kind == COL_DATE)
            st = text_local_dates(sb, r, tz);
    }
    if (!st)
        st = text_body(sb, r);
    lx_strbuf_release(&cell);
    return st;
}

lx_status lx_output_message(FILE *out, lx_format format, const lx_record *rec, const lx_tz *tz)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st;
    switch (format) {
    case LX_FMT_JSON:
    case LX_FMT_NDJSON:
        st = json_hit(&sb, rec, true);
        if (!st)
            st = lx_strbuf_addch(&sb, '\n');
        break;
    case LX_FMT_CSV:
        st = csv_header(&sb);
        if (!st)
            st = csv_hit(&sb, rec, true);
        break;
    case LX_FMT_TEXT:
    default: st = text_message(&sb, rec, tz); break;
    }
    if (!st)
        fwrite(sb.buf, 1, sb.len, out);
    lx_strbuf_release(&sb);
    return st;
}
