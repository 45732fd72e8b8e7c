/* output.c - printing hits as text, JSON, NDJSON or CSV through one traversal. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "escape.h"
#include "strbuf.h"
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
    COL_ID,    /* the short id, derived from sha256 */
    COL_STR,   /* one string */
    COL_NUM,   /* one number */
    COL_DATE,  /* ISO 8601 or null */
    COL_FROM,  /* from_name + from_address */
    COL_ADDRS, /* repeated "ADDRESS\tNAME" */
    COL_STRS,  /* repeated strings */
    COL_PATHS, /* repeated "PATH" or "PATH\tOFFSET\tLENGTH" */
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
    {"date_source", "date_source", COL_STR},
    {"from", NULL, COL_FROM},
    {"to", "to", COL_ADDRS},
    {"cc", "cc", COL_ADDRS},
    {"bcc", "bcc", COL_ADDRS},
    {"reply_to", "reply_to", COL_ADDRS},
    {"subject", "subject", COL_STR},
    {"message_id", "message_id", COL_STR},
    {"in_reply_to", "in_reply_to", COL_STR},
    {"references", "references", COL_STRS},
    {"size", "size", COL_NUM},
    {"paths", "path", COL_PATHS},
    {"copies", "copy", COL_STRS},
    {"conflicts", "conflict", COL_STRS},
    {"body_source", "body_source", COL_STR},
    {"body_truncated", "body_truncated", COL_STR},
    {"replaced_characters", "replaced_characters", COL_NUM},
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

static const char *get(const lx_record *r, const char *key)
{
    const char *v = lx_record_get(r, key);
    return v ? v : "";
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

static lx_status json_column(lx_strbuf *sb, const lx_record *r, const struct column *c)
{
    lx_status st = LX_OK;
    const char *v = c->key ? get(r, c->key) : "";
    switch (c->kind) {
    case COL_ID:
        return lx_escape_json(sb, v, strlen(v) < LX_SHORT_ID_LEN ? strlen(v) : LX_SHORT_ID_LEN);
    case COL_STR: return json_str(sb, v);
    case COL_NUM: return lx_strbuf_addstr(sb, *v ? v : "0");
    case COL_DATE: return *v ? json_str(sb, v) : lx_strbuf_addstr(sb, "null");
    case COL_FROM: {
        const char *addr = get(r, "from_address");
        return json_address(sb, get(r, "from_name"), addr, strlen(addr));
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
    case COL_DATE: return lx_strbuf_addstr(sb, v);
    case COL_FROM: return LX_OK; /* two CSV columns, written by the caller */
    case COL_ADDRS:
    case COL_STRS:
    case COL_PATHS: break;
    }
    lx_status st = LX_OK;
    bool first = true;
    for (size_t i = 0; i < r->n && !st; i++) {
        if (strcmp(r->pairs[i].key, c->key) != 0)
            continue;
        if (!first)
            st = lx_strbuf_addstr(sb, "; ");
        first = false;
        const char *pv = r->pairs[i].value;
        if (st) {
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

static lx_status csv_hit(lx_strbuf *line, const lx_record *r)
{
    lx_strbuf cell;
    lx_strbuf_init(&cell);
    lx_status st = LX_OK;
    for (size_t i = 0; i < N_COLUMNS && !st; i++) {
        if (columns[i].kind == COL_FROM) {
            const char *name = get(r, "from_name"), *addr = get(r, "from_address");
            st = csv_field(line, i == 0, name, strlen(name));
            if (!st)
                st = csv_field(line, false, addr, strlen(addr));
            continue;
        }
        lx_strbuf_reset(&cell);
        st = plain_column(&cell, r, &columns[i]);
        if (!st)
            st = csv_field(line, i == 0, cell.buf, cell.len);
    }
    lx_strbuf_release(&cell);
    return st ? st : lx_strbuf_addstr(line, "\r\n");
}

/* "ID  YYYY-MM-DD HH:MM  SENDER  SUBJECT", control characters made spaces. */
static lx_status text_hit(lx_strbuf *line, const lx_record *r)
{
    const char *sha = get(r, "sha256"), *date = get(r, "date");
    const char *sender = get(r, "from_name");
    if (!*sender)
        sender = get(r, "from_address");
    if (!*sender)
        sender = "(no sender)";
    const char *subject = get(r, "subject");
    lx_status st = lx_strbuf_addf(line, "%.*s  ", LX_SHORT_ID_LEN, sha);
    if (!st && strlen(date) >= 16)
        st = lx_strbuf_addf(line, "%.10s %.5s  ", date, date + 11);
    else if (!st)
        st = lx_strbuf_addstr(line, "(no date)         ");
    size_t start = line->len;
    if (!st)
        st = lx_strbuf_addf(line, "%s  %s", sender, *subject ? subject : "(no subject)");
    for (size_t i = start; i < line->len; i++)
        if ((unsigned char)line->buf[i] < 32)
            line->buf[i] = ' ';
    return st ? st : lx_strbuf_addch(line, '\n');
}

lx_status lx_output_begin(lx_output *o, FILE *out, lx_format format, size_t total, size_t offset)
{
    o->out = out;
    o->format = format;
    o->n = 0;
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = LX_OK;
    if (format == LX_FMT_JSON)
        st = lx_strbuf_addf(&sb, "{\"version\":%d,\"total\":%zu,\"offset\":%zu,\"hits\":[",
                            LX_OUTPUT_VERSION, total, offset);
    else if (format == LX_FMT_CSV)
        st = csv_header(&sb);
    if (!st)
        fwrite(sb.buf, 1, sb.len, out);
    lx_strbuf_release(&sb);
    return st;
}

lx_status lx_output_hit(lx_output *o, const lx_record *rec)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = LX_OK;
    switch (o->format) {
    case LX_FMT_TEXT: st = text_hit(&sb, rec); break;
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
    case LX_FMT_CSV: st = csv_hit(&sb, rec); break;
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

static lx_status text_message(lx_strbuf *sb, const lx_record *r)
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
                {"Message-ID", "message_id"},
                {"In-Reply-To", "in_reply_to"},
                {"References", "references"},
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
        if (!st && (cell.len || strcmp(rows[i].column, "subject") == 0))
            st = lx_strbuf_addf(sb, "%-12s %s\n", rows[i].label, cell.buf);
    }
    if (!st)
        st = lx_strbuf_addf(sb, "\n%s\n", get(r, "body"));
    lx_strbuf_release(&cell);
    return st;
}

lx_status lx_output_message(FILE *out, lx_format format, const lx_record *rec)
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
            st = csv_hit(&sb, rec);
        break;
    case LX_FMT_TEXT:
    default: st = text_message(&sb, rec); break;
    }
    if (!st)
        fwrite(sb.buf, 1, sb.len, out);
    lx_strbuf_release(&sb);
    return st;
}
