/* mapi.c - an Outlook item, library-free: its classes, its identity (a canonical serialization) and
 * its conversion to RFC 5322. */
#include "mapi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "date.h"
#include "sha256.h"
#include "utf8.h"
#include "banned.h"

void lx_mapi_msg_init(lx_mapi_msg *m)
{
    memset(m, 0, sizeof *m);
}

void lx_mapi_msg_release(lx_mapi_msg *m)
{
    if (!m)
        return;
    char **strings[] = {&m->message_class,     &m->subject,
                        &m->sender_name,       &m->sender_address,
                        &m->representing_name, &m->representing_address,
                        &m->display_to,        &m->display_cc,
                        &m->display_bcc,       &m->message_id,
                        &m->in_reply_to,       &m->references,
                        &m->transport_headers, &m->body,
                        &m->html_charset,      &m->sender_x500,
                        &m->representing_x500};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(*strings[i]);
    for (size_t i = 0; i < m->n_rcpt; i++) {
        free(m->rcpt[i].name);
        free(m->rcpt[i].address);
        free(m->rcpt[i].x500);
    }
    free(m->rcpt);
    for (size_t i = 0; i < m->n_att; i++) {
        lx_mapi_attach *a = &m->att[i];
        free(a->filename);
        free(a->mime_type);
        free(a->content_id);
        free(a->data);
        if (a->embedded) {
            lx_mapi_msg_release(a->embedded);
            free(a->embedded);
        }
    }
    free(m->att);
    free(m->html);
    free(m->rtf);
    for (size_t i = 0; i < m->n_problems; i++)
        free(m->problems[i]);
    free(m->problems);
    lx_mapi_msg_init(m);
}

/* True when class is prefix itself or prefix followed by "." and more
 * (MAPI compares classes without regard to case). */
static bool class_is(const char *class, const char *prefix, bool subclasses_only)
{
    size_t n = strlen(prefix);
    if (strncasecmp(class, prefix, n) != 0)
        return false;
    if (class[n] == '\0')
        return !subclasses_only;
    return class[n] == '.' && class[n + 1] != '\0';
}

lx_status lx_mapi_vadd_problem(lx_mapi_msg *m, const char *fmt, va_list ap)
{
    lx_strbuf line;
    lx_strbuf_init(&line);
    lx_status st;
    if (m->n_problems >= LX_OUTLOOK_MAX_PROBLEMS) {
        /* The last line becomes "N more problems". */
        unsigned long more = 1;
        char *last = m->problems[m->n_problems - 1];
        if (sscanf(last, "%lu more problems", &more) == 1)
            more++;
        else
            more = 2;
        st = lx_strbuf_addf(&line, "%lu more problems", more);
        if (st)
            return st;
        free(last);
        m->problems[m->n_problems - 1] = lx_strbuf_detach(&line, NULL);
        return m->problems[m->n_problems - 1] ? LX_OK : LX_E_NOMEM;
    }
    st = lx_strbuf_vaddf(&line, fmt, ap);
    char **grown = st ? NULL : realloc(m->problems, (m->n_problems + 1) * sizeof *grown);
    if (!grown) {
        lx_strbuf_release(&line);
        return LX_E_NOMEM;
    }
    m->problems = grown;
    m->problems[m->n_problems] = lx_strbuf_detach(&line, NULL);
    if (!m->problems[m->n_problems])
        return LX_E_NOMEM;
    m->n_problems++;
    return LX_OK;
}

lx_status lx_mapi_add_problem(lx_mapi_msg *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx_status st = lx_mapi_vadd_problem(m, fmt, ap);
    va_end(ap);
    return st;
}

bool lx_mapi_is_mail(const char *message_class)
{
    if (!message_class || !*message_class)
        return true;
    return class_is(message_class, "IPM.Note", false) ||
           class_is(message_class, "IPM.Post", false) ||
           class_is(message_class, "IPM.Schedule.Meeting", true) ||
           class_is(message_class, "REPORT.IPM.Note", true);
}

const char *lx_mapi_kind(const char *message_class)
{
    static const struct {
        const char *class;
        const char *kind;
    } kinds[] = {
        {"IPM.Contact", "contact"},         {"IPM.DistList", "distribution list"},
        {"IPM.Appointment", "appointment"}, {"IPM.Task", "task"},
        {"IPM.TaskRequest", "task"},        {"IPM.StickyNote", "note"},
        {"IPM.Activity", "journal entry"},
    };
    if (message_class)
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (class_is(message_class, kinds[i].class, false))
                return kinds[i].kind;
    return "other item";
}

/* Appends s[0..len) with every line end (CRLF, a lone CR, a lone LF) made
 * CRLF: the readers of a store and of a .msg differ on how they end lines. */
static lx_status add_crlf(lx_strbuf *out, const char *s, size_t len)
{
    lx_status st = lx_strbuf_grow(out, len);
    for (size_t i = 0; i < len && st == LX_OK; i++) {
        if (s[i] == '\r' || s[i] == '\n') {
            if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
                i++;
            st = lx_strbuf_add(out, "\r\n", 2);
        } else {
            st = lx_strbuf_addch(out, s[i]);
        }
    }
    return st;
}

/* The length of p[0..n) without its trailing NUL bytes (a store counts a
 * string's terminator in its size; a .msg may or may not). */
static size_t without_nuls(const unsigned char *p, size_t n)
{
    while (n > 0 && p[n - 1] == '\0')
        n--;
    return n;
}

/* One field of the serialization: "NAME LENGTH\nBYTES\n". */
static lx_status field(lx_strbuf *out, const char *name, const void *data, size_t len)
{
    lx_status st = lx_strbuf_addf(out, "%s %zu\n", name, len);
    if (st == LX_OK)
        st = lx_strbuf_add(out, data, len);
    if (st == LX_OK)
        st = lx_strbuf_addch(out, '\n');
    return st;
}

static lx_status field_str(lx_strbuf *out, const char *name, const char *s)
{
    return s ? field(out, name, s, strlen(s)) : LX_OK;
}

/* A text field with its line ends made CRLF. */
static lx_status field_lines(lx_strbuf *out, const char *name, const char *s)
{
    if (!s)
        return LX_OK;
    lx_strbuf t;
    lx_strbuf_init(&t);
    lx_status st = add_crlf(&t, s, strlen(s));
    if (st == LX_OK)
        st = field(out, name, t.buf, t.len);
    lx_strbuf_release(&t);
    return st;
}

static lx_status field_number(lx_strbuf *out, const char *name, long long n)
{
    char num[32];
    int len = snprintf(num, sizeof num, "%lld", n);
    return field(out, name, num, (size_t)len);
}

/* A field holding sub-fields (a recipient, an attachment), so that no
 * value needs escaping: the sub-fields are measured, then written. */
static lx_status field_nested(lx_strbuf *out, const char *name, lx_strbuf *inner)
{
    return field(out, name, inner->buf, inner->len);
}

static lx_status serialize(const lx_mapi_msg *m, int depth, lx_strbuf *out);

/* The identity of m, a message at nesting depth depth. */
static lx_status identity_at(const lx_mapi_msg *m, int depth, char hex[65])
{
    if (depth > LX_OUTLOOK_MAX_DEPTH)
        return LX_E_LIMIT;
    lx_strbuf s;
    lx_strbuf_init(&s);
    lx_status st = serialize(m, depth, &s);
    if (st == LX_OK)
        st = lx_sha256_hex(s.buf, s.len, hex);
    lx_strbuf_release(&s);
    return st;
}

static lx_status serialize_rcpt(const lx_mapi_rcpt *r, lx_strbuf *out)
{
    lx_strbuf in;
    lx_strbuf_init(&in);
    lx_status st = field_number(&in, "type", (long long)r->type);
    if (st == LX_OK)
        st = field_str(&in, "name", r->name);
    if (st == LX_OK)
        st = field_str(&in, "address", r->address);
    if (st == LX_OK)
        st = field_str(&in, "x500", r->x500);
    if (st == LX_OK)
        st = field_nested(out, "rcpt", &in);
    lx_strbuf_release(&in);
    return st;
}

static lx_status serialize_attach(const lx_mapi_attach *a, int depth, lx_strbuf *out)
{
    lx_strbuf in;
    lx_strbuf_init(&in);
    char hex[65];
    lx_status st = field_number(&in, "method", a->method);
    if (st == LX_OK)
        st = field_str(&in, "name", a->filename);
    if (st == LX_OK)
        st = field_str(&in, "mime", a->mime_type);
    if (st == LX_OK)
        st = field_str(&in, "cid", a->content_id);
    if (st == LX_OK && a->embedded) {
        st = identity_at(a->embedded, depth + 1, hex);
        if (st == LX_OK)
            st = field(&in, "message", hex, 64);
    } else if (st == LX_OK && a->data) {
        st = lx_sha256_hex(a->data, a->data_len, hex);
        if (st == LX_OK)
            st = field(&in, "data", hex, 64);
    }
    if (st == LX_OK)
        st = field_nested(out, "attach", &in);
    lx_strbuf_release(&in);
    return st;
}

/* The date as UTC YYYYMMDDThhmmss.fffffff (the FILETIME's precision). */
static lx_status field_date(lx_strbuf *out, const lx_mapi_msg *m)
{
    if (m->date_from == LX_DATE_FROM_NONE)
        return LX_OK;
    int y, mo, d, h, mi, s;
    lx_date_to_civil(m->date, &y, &mo, &d, &h, &mi, &s);
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d.%07u", y, mo, d, h, mi, s,
                     (unsigned)(m->date_frac % 10000000u));
    return field(out, "date", buf, (size_t)n);
}

/* The canonical serialization, version 1 (README.md, "Identity of an
 * Outlook item"): every field the conversion shows, nothing that changes
 * when an item is moved, read, flagged or exported again. */
static lx_status serialize(const lx_mapi_msg *m, int depth, lx_strbuf *out)
{
    lx_status st = lx_strbuf_addstr(out, "LXOUTLOOK1\n");
    const struct {
        const char *name;
        const char *value;
    } head[] = {{"class", m->message_class},
                {"subject", m->subject},
                {"sender-name", m->sender_name},
                {"sender-address", m->sender_address},
                {"representing-name", m->representing_name},
                {"representing-address", m->representing_address}};
    for (size_t i = 0; i < sizeof head / sizeof head[0] && st == LX_OK; i++)
        st = field_str(out, head[i].name, head[i].value);
    for (size_t i = 0; i < m->n_rcpt && st == LX_OK; i++)
        st = serialize_rcpt(&m->rcpt[i], out);
    if (m->n_rcpt == 0) {
        if (st == LX_OK)
            st = field_str(out, "display-to", m->display_to);
        if (st == LX_OK)
            st = field_str(out, "display-cc", m->display_cc);
        if (st == LX_OK)
            st = field_str(out, "display-bcc", m->display_bcc);
    }
    if (st == LX_OK)
        st = field_date(out, m);
    if (st == LX_OK)
        st = field_str(out, "message-id", m->message_id);
    if (st == LX_OK)
        st = field_str(out, "in-reply-to", m->in_reply_to);
    if (st == LX_OK)
        st = field_str(out, "references", m->references);
    if (st == LX_OK)
        st = field_lines(out, "headers", m->transport_headers);
    if (st == LX_OK)
        st = field_lines(out, "body", m->body);
    if (st == LX_OK && m->html)
        st = field(out, "html", m->html, without_nuls(m->html, m->html_len));
    if (st == LX_OK && m->rtf)
        st = field(out, "rtf", m->rtf, without_nuls(m->rtf, m->rtf_len));
    for (size_t i = 0; i < m->n_att && st == LX_OK; i++)
        st = serialize_attach(&m->att[i], depth, out);
    return st;
}

lx_status lx_mapi_identity(const lx_mapi_msg *m, char hex[65])
{
    return identity_at(m, 0, hex);
}

/* ---- Conversion to RFC 5322 ---- */

/* Header lines are folded before this many bytes where a space allows. */
#define EML_FOLD 78
/* Quoted strings and ASCII words longer than this become encoded words,
 * which fold, so that no header line passes RFC 5322's 998 bytes. */
#define EML_LONG_WORD 900
/* Bytes of UTF-8 in one encoded word: 60 base64 characters, 72 in all. */
#define EML_WORD_BYTES 45

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends data as base64, in lines of line_max characters ended by CRLF
 * (0: one line, no line end). */
static lx_status add_base64(lx_strbuf *out, const unsigned char *p, size_t n, size_t line_max)
{
    lx_status st = lx_strbuf_grow(out, n / 3 * 4 + n / 38 + 8);
    size_t col = 0;
    for (size_t i = 0; i < n && st == LX_OK; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
                     i + 2 < n ? b64[v & 63] : '='};
        st = lx_strbuf_add(out, q, 4);
        col += 4;
        if (st == LX_OK && line_max && col >= line_max) {
            st = lx_strbuf_add(out, "\r\n", 2);
            col = 0;
        }
    }
    if (st == LX_OK && line_max && col > 0)
        st = lx_strbuf_add(out, "\r\n", 2);
    return st;
}

/* Appends s (any bytes) as the value of a header: valid UTF-8, every
 * control character (CR and LF above all: no field can be injected) a
 * space. */
static lx_status header_safe(lx_strbuf *out, const char *s, size_t len)
{
    size_t start = out->len;
    lx_status st = lx_utf8_sanitize(out, s, len, NULL);
    for (size_t i = start; i < out->len; i++)
        if ((unsigned char)out->buf[i] < 0x20 || out->buf[i] == 0x7F)
            out->buf[i] = ' ';
    return st;
}

static bool printable_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
            return false;
    return true;
}

/* A header being written: the field's bytes so far on the current line. */
typedef struct header {
    lx_strbuf *out;
    size_t col;
    bool words; /* a word follows the name: folding is allowed */
} header;

static lx_status header_start(header *h, lx_strbuf *out, const char *name)
{
    h->out = out;
    h->col = strlen(name) + 1;
    h->words = false;
    return lx_strbuf_addf(out, "%s:", name);
}

/* Appends a space and w[0..n), folding first when the line would pass
 * EML_FOLD (never before the first word, nor for an empty word, from two
 * spaces in a row). */
static lx_status header_word(header *h, const char *w, size_t n)
{
    lx_status st;
    if (n > 0 && h->words && h->col + 1 + n > EML_FOLD) {
        st = lx_strbuf_add(h->out, "\r\n ", 3);
        h->col = 1;
    } else {
        st = lx_strbuf_addch(h->out, ' ');
        h->col++;
    }
    if (st == LX_OK)
        st = lx_strbuf_add(h->out, w, n);
    h->col += n;
    h->words = h->words || n > 0;
    return st;
}

/* Appends w to the current word, no space (a comma after an address). */
static lx_status header_glue(header *h, const char *w)
{
    h->col += strlen(w);
    return lx_strbuf_addstr(h->out, w);
}

static lx_status header_end(header *h)
{
    return lx_strbuf_add(h->out, "\r\n", 2);
}

/* The UTF-8 text s as RFC 2047 encoded words (B), split between
 * characters. */
static lx_status header_encoded(header *h, const char *s, size_t len)
{
    lx_status st = LX_OK;
    lx_strbuf w;
    lx_strbuf_init(&w);
    for (size_t pos = 0; pos < len && st == LX_OK;) {
        size_t n = lx_utf8_cut(s + pos, len - pos, EML_WORD_BYTES);
        if (n == 0)
            n = len - pos < EML_WORD_BYTES ? len - pos : EML_WORD_BYTES;
        lx_strbuf_reset(&w);
        st = lx_strbuf_addstr(&w, "=?UTF-8?B?");
        if (st == LX_OK)
            st = add_base64(&w, (const unsigned char *)s + pos, n, 0);
        if (st == LX_OK)
            st = lx_strbuf_addstr(&w, "?=");
        if (st == LX_OK)
            st = header_word(h, w.buf, w.len);
        pos += n;
    }
    lx_strbuf_release(&w);
    return st;
}

/* Unstructured text (a subject): ASCII words as they are, folded at their
 * spaces; anything else (or a word too long to fold) as encoded words. */
static lx_status header_text(header *h, const char *s)
{
    lx_strbuf t;
    lx_strbuf_init(&t);
    lx_status st = header_safe(&t, s, strlen(s));
    bool plain = printable_ascii(t.buf, t.len);
    for (size_t i = 0, w = 0; plain && i <= t.len; i++)
        if (i == t.len || t.buf[i] == ' ') {
            plain = i - w <= EML_LONG_WORD;
            w = i + 1;
        }
    if (st == LX_OK && plain) {
        for (size_t w = 0; st == LX_OK && w <= t.len;) {
            const char *sp = memchr(t.buf + w, ' ', t.len - w);
            size_t end = sp ? (size_t)(sp - t.buf) : t.len;
            st = header_word(h, t.buf + w, end - w);
            w = end + 1;
        }
    } else if (st == LX_OK) {
        st = header_encoded(h, t.buf, t.len);
    }
    lx_strbuf_release(&t);
    return st;
}

/* A display name: a quoted string when it is short printable ASCII, else
 * encoded words. */
static lx_status header_phrase(header *h, const char *name)
{
    lx_strbuf t, q;
    lx_strbuf_init(&t);
    lx_strbuf_init(&q);
    lx_status st = header_safe(&t, name, strlen(name));
    if (st == LX_OK && printable_ascii(t.buf, t.len) && t.len <= EML_LONG_WORD) {
        st = lx_strbuf_addch(&q, '"');
        for (size_t i = 0; i < t.len && st == LX_OK; i++) {
            if (t.buf[i] == '"' || t.buf[i] == '\\')
                st = lx_strbuf_addch(&q, '\\');
            if (st == LX_OK)
                st = lx_strbuf_addch(&q, t.buf[i]);
        }
        if (st == LX_OK)
            st = lx_strbuf_addch(&q, '"');
        if (st == LX_OK)
            st = header_word(h, q.buf, q.len);
    } else if (st == LX_OK) {
        st = header_encoded(h, t.buf, t.len);
    }
    lx_strbuf_release(&t);
    lx_strbuf_release(&q);
    return st;
}

/* True when address can be written between < and > as it is: no space, no
 * control, none of the specials that would end or split an address (a
 * hostile "a@b>, c@d" would add a recipient). */
static bool address_writable(const char *a)
{
    if (!a || !*a || strlen(a) > EML_LONG_WORD)
        return false;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= 0x20 || *p == 0x7F || strchr("<>()[]\\\",;:", *p))
            return false;
    return true;
}

/* One mailbox: "Name" <address>, <address>, or for a name without a usable
 * address the empty group "Name":; (RFC 5322: a name with no address). */
static lx_status header_mailbox(header *h, const char *name, const char *address)
{
    lx_status st = LX_OK;
    bool has_name = name && *name;
    if (address_writable(address)) {
        lx_strbuf a;
        lx_strbuf_init(&a);
        if (has_name)
            st = header_phrase(h, name);
        if (st == LX_OK)
            st = lx_strbuf_addf(&a, "<%s>", address);
        if (st == LX_OK)
            st = header_word(h, a.buf, a.len);
        lx_strbuf_release(&a);
        return st;
    }
    const char *shown = has_name ? name : address;
    if (!shown || !*shown)
        return LX_OK;
    st = header_phrase(h, shown);
    return st == LX_OK ? header_glue(h, ":;") : st;
}

static bool mailbox_shown(const char *name, const char *address)
{
    return (name && *name) || (address && *address);
}

/* To, Cc or Bcc from the recipient table; when the table is empty, from
 * the display field (names separated by ';', no addresses). */
static lx_status header_recipients(lx_strbuf *out, const lx_mapi_msg *m, lx_mapi_rcpt_type type,
                                   const char *name, const char *display)
{
    header h;
    bool started = false;
    lx_status st = LX_OK;
    for (size_t i = 0; i < m->n_rcpt && st == LX_OK; i++) {
        const lx_mapi_rcpt *r = &m->rcpt[i];
        if (r->type != type || !mailbox_shown(r->name, r->address))
            continue;
        st = started ? header_glue(&h, ",") : header_start(&h, out, name);
        started = true;
        if (st == LX_OK)
            st = header_mailbox(&h, r->name, r->address);
    }
    if (m->n_rcpt == 0 && display) {
        lx_strbuf one;
        lx_strbuf_init(&one);
        for (const char *p = display; *p && st == LX_OK;) {
            size_t n = strcspn(p, ";");
            size_t b = 0;
            while (b < n && (p[b] == ' ' || p[b] == '\t'))
                b++;
            size_t e = n;
            while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
                e--;
            if (e > b) {
                lx_strbuf_reset(&one);
                st = lx_strbuf_add(&one, p + b, e - b);
                if (st == LX_OK)
                    st = started ? header_glue(&h, ",") : header_start(&h, out, name);
                started = true;
                if (st == LX_OK)
                    st = header_mailbox(&h, one.buf, NULL);
            }
            p += n + (p[n] == ';');
        }
        lx_strbuf_release(&one);
    }
    return started && st == LX_OK ? header_end(&h) : st;
}

static lx_status header_one_mailbox(lx_strbuf *out, const char *field, const char *name,
                                    const char *address)
{
    header h;
    lx_status st = header_start(&h, out, field);
    if (st == LX_OK)
        st = header_mailbox(&h, name, address);
    return st == LX_OK ? header_end(&h) : st;
}

/* A field of words (Message-ID, References): folded at its spaces. */
static lx_status header_words(lx_strbuf *out, const char *field, const char *value)
{
    if (!value)
        return LX_OK;
    header h;
    lx_status st = header_start(&h, out, field);
    if (st == LX_OK)
        st = header_text(&h, value);
    return st == LX_OK ? header_end(&h) : st;
}

/* Date: in RFC 5322's form, in UTC. */
static lx_status header_date(lx_strbuf *out, int64_t t)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, mo, d, h, mi, s;
    lx_date_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    int64_t day = t / 86400 - (t % 86400 < 0);
    int wd = (int)(((day % 7) + 7) % 7);
    return lx_strbuf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[wd], d,
                          months[mo - 1], y, h, mi, s);
}

/* True when the header field line starting at s is named name (any case). */
static bool field_named(const char *s, size_t len, const char *name, bool prefix)
{
    size_t n = strlen(name);
    if (len < n || strncasecmp(s, name, n) != 0)
        return false;
    if (prefix)
        return true;
    size_t i = n;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < len && s[i] == ':';
}

/* The transport headers up to their first empty line, lines ending CRLF,
 * without the fields this conversion writes itself (Content-*,
 * MIME-Version, X-Leakdex-*) and without lines that are neither a field
 * nor a field's continuation. A CR inside a line becomes a space. */
static lx_status header_transport(lx_strbuf *out, const char *s)
{
    lx_status st = LX_OK;
    bool keep = false;
    for (const char *p = s; *p && st == LX_OK;) {
        size_t n = strcspn(p, "\n");
        const char *next = p + n + (p[n] == '\n');
        size_t len = n;
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (len == 0)
            break;
        if (p[0] == ' ' || p[0] == '\t') {
            /* a continuation: kept with its field */
        } else {
            size_t name = strcspn(p, ":");
            bool is_field = name > 0 && name < len && strcspn(p, " \t") >= name;
            keep = is_field && !field_named(p, len, "Content-", true) &&
                   !field_named(p, len, "MIME-Version", false) &&
                   !field_named(p, len, "X-Leakdex-", true);
        }
        if (keep) {
            size_t start = out->len;
            st = lx_strbuf_add(out, p, len);
            for (size_t i = start; i < out->len; i++)
                if (out->buf[i] == '\r')
                    out->buf[i] = ' ';
            if (st == LX_OK)
                st = lx_strbuf_add(out, "\r\n", 2);
        }
        p = next;
    }
    return st;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The headers built from the properties, for an item without transport
 * headers. */
static lx_status header_built(lx_strbuf *out, const lx_mapi_msg *m)
{
    lx_status st = LX_OK;
    bool has_repr = mailbox_shown(m->representing_name, m->representing_address);
    bool has_sender = mailbox_shown(m->sender_name, m->sender_address);
    if (has_repr)
        st = header_one_mailbox(out, "From", m->representing_name, m->representing_address);
    else if (has_sender)
        st = header_one_mailbox(out, "From", m->sender_name, m->sender_address);
    if (st == LX_OK && has_repr && has_sender &&
        !(same_text(m->representing_name, m->sender_name) &&
          (same_text(m->representing_address, m->sender_address) ||
           (m->representing_address && m->sender_address &&
            strcasecmp(m->representing_address, m->sender_address) == 0))))
        st = header_one_mailbox(out, "Sender", m->sender_name, m->sender_address);
    /* The From's Exchange DN, when it has no SMTP address: the one trace of
     * who sent it inside an organization (the DN is not an address). */
    const char *from_address = has_repr ? m->representing_address : m->sender_address;
    const char *from_x500 = has_repr               ? m->representing_x500
                            : has_sender           ? m->sender_x500
                            : m->representing_x500 ? m->representing_x500
                                                   : m->sender_x500;
    if (st == LX_OK && from_x500 && *from_x500 && !address_writable(from_address))
        st = header_words(out, "X-Leakdex-Sender-X500", from_x500);
    if (st == LX_OK)
        st = header_recipients(out, m, LX_RCPT_TO, "To", m->display_to);
    if (st == LX_OK)
        st = header_recipients(out, m, LX_RCPT_CC, "Cc", m->display_cc);
    if (st == LX_OK)
        st = header_recipients(out, m, LX_RCPT_BCC, "Bcc", m->display_bcc);
    if (st == LX_OK && m->subject)
        st = header_words(out, "Subject", m->subject);
    if (st == LX_OK && m->date_from != LX_DATE_FROM_NONE)
        st = header_date(out, m->date);
    if (st == LX_OK && m->date_from == LX_DATE_DELIVERY)
        st = lx_strbuf_addstr(out, "X-Leakdex-Date-Source: delivery time\r\n");
    if (st == LX_OK && m->date_from == LX_DATE_CREATION)
        st = lx_strbuf_addstr(out, "X-Leakdex-Date-Source: creation time\r\n");
    if (st == LX_OK)
        st = header_words(out, "Message-ID", m->message_id);
    if (st == LX_OK)
        st = header_words(out, "In-Reply-To", m->in_reply_to);
    if (st == LX_OK)
        st = header_words(out, "References", m->references);
    return st;
}

/* True when text (lines ending CRLF) can go as 7bit: printable ASCII and
 * tabs, lines of at most 998 bytes. */
static bool sevenbit(const char *s, size_t len)
{
    size_t col = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
            i++;
            col = 0;
            continue;
        }
        if ((c < 0x20 && c != '\t') || c > 0x7E || ++col > 998)
            return false;
    }
    return true;
}

/* Appends text (lines ending CRLF) as quoted-printable, lines of at most
 * 76 characters. */
static lx_status add_qp(lx_strbuf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    lx_status st = lx_strbuf_grow(out, len + len / 8);
    size_t col = 0;
    for (size_t i = 0; i < len && st == LX_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
            st = lx_strbuf_add(out, "\r\n", 2);
            i++;
            col = 0;
            continue;
        }
        bool line_end = i + 1 == len || (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n');
        char enc[3] = {'=', hex[c >> 4], hex[c & 15]};
        bool literal =
            (c >= 0x21 && c <= 0x7E && c != '=') || ((c == ' ' || c == '\t') && !line_end);
        size_t n = literal ? 1 : 3;
        if (col + n > 75) {
            st = lx_strbuf_add(out, "=\r\n", 3);
            col = 0;
        }
        if (st == LX_OK)
            st = literal ? lx_strbuf_addch(out, (char)c) : lx_strbuf_add(out, enc, 3);
        col += n;
    }
    return st;
}

/* A text part: its headers, a blank line, its bytes with line ends made
 * CRLF (7bit when they allow it, else quoted-printable). */
static lx_status part_text(lx_strbuf *out, const char *subtype, const char *charset,
                           const char *extra, const void *data, size_t len)
{
    lx_strbuf t;
    lx_strbuf_init(&t);
    lx_status st = add_crlf(&t, data, len);
    bool plain = sevenbit(t.buf, t.len);
    if (st == LX_OK)
        st = lx_strbuf_addf(out, "Content-Type: text/%s", subtype);
    if (st == LX_OK && charset) {
        st = lx_strbuf_addstr(out, "; charset=\"");
        if (st == LX_OK)
            st = header_safe(out, charset, strcspn(charset, "\"\\"));
        if (st == LX_OK)
            st = lx_strbuf_addch(out, '"');
    }
    if (st == LX_OK)
        st = lx_strbuf_addf(out, "\r\n%sContent-Transfer-Encoding: %s\r\n\r\n", extra ? extra : "",
                            plain ? "7bit" : "quoted-printable");
    if (st == LX_OK)
        st = plain ? lx_strbuf_add(out, t.buf, t.len) : add_qp(out, t.buf, t.len);
    lx_strbuf_release(&t);
    return st;
}

/* A MIME type as token/token, or NULL when mime is not one. */
static bool mime_type_valid(const char *mime)
{
    if (!mime || strlen(mime) > 200)
        return false;
    const char *tspecials = "()<>@,;:\\\"/[]?=";
    size_t slash = 0;
    for (size_t i = 0; mime[i]; i++) {
        unsigned char c = (unsigned char)mime[i];
        if (c == '/' && !slash && i > 0)
            slash = i;
        else if (c <= 0x20 || c >= 0x7F || strchr(tspecials, c))
            return false;
    }
    return slash > 0 && mime[slash + 1] != '\0';
}

/* The filename parameter: filename="..." for short printable ASCII, else
 * RFC 2231's filename*=UTF-8''... in continuations of 60 characters. */
static lx_status param_filename(lx_strbuf *out, const char *filename)
{
    lx_strbuf t;
    lx_strbuf_init(&t);
    lx_status st = header_safe(&t, filename, strlen(filename));
    if (st == LX_OK && printable_ascii(t.buf, t.len) && t.len <= 60) {
        st = lx_strbuf_addstr(out, ";\r\n filename=\"");
        for (size_t i = 0; i < t.len && st == LX_OK; i++) {
            if (t.buf[i] == '"' || t.buf[i] == '\\')
                st = lx_strbuf_addch(out, '\\');
            if (st == LX_OK)
                st = lx_strbuf_addch(out, t.buf[i]);
        }
        if (st == LX_OK)
            st = lx_strbuf_addch(out, '"');
    } else if (st == LX_OK) {
        /* Each character's encoding starts at a byte of enc; segments
         * of 60 characters are cut only there. */
        static const char hex[] = "0123456789ABCDEF";
        lx_strbuf enc;
        lx_strbuf_init(&enc);
        for (size_t i = 0; i < t.len && st == LX_OK; i++) {
            unsigned char c = (unsigned char)t.buf[i];
            bool literal = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                           (c >= 'a' && c <= 'z') || (c && strchr("!#$&+-.^_`|~", c));
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            st = literal ? lx_strbuf_addch(&enc, (char)c) : lx_strbuf_add(&enc, e, 3);
        }
        if (st == LX_OK && enc.len <= 60)
            st = lx_strbuf_addf(out, ";\r\n filename*=UTF-8''%s", enc.buf);
        for (size_t pos = 0, part = 0; st == LX_OK && enc.len > 60 && pos < enc.len; part++) {
            size_t n = enc.len - pos < 60 ? enc.len - pos : 60;
            while (pos + n < enc.len && n > 2 &&
                   (enc.buf[pos + n - 1] == '%' || enc.buf[pos + n - 2] == '%'))
                n--;
            st = lx_strbuf_addf(out, ";\r\n filename*%zu*=%s%.*s", part, part == 0 ? "UTF-8''" : "",
                                (int)n, enc.buf + pos);
            pos += n;
        }
        lx_strbuf_release(&enc);
    }
    lx_strbuf_release(&t);
    return st;
}

/* The Content-ID of an attachment: its value without brackets, spaces or
 * controls. */
static lx_status header_content_id(lx_strbuf *out, const char *cid)
{
    lx_strbuf t;
    lx_strbuf_init(&t);
    lx_status st = LX_OK;
    for (const unsigned char *p = (const unsigned char *)cid; *p && st == LX_OK; p++)
        if (*p > 0x20 && *p != 0x7F && *p != '<' && *p != '>')
            st = lx_strbuf_addch(&t, (char)*p);
    if (st == LX_OK && t.len > 0 && t.len <= EML_LONG_WORD)
        st = lx_strbuf_addf(out, "Content-ID: <%s>\r\n", t.buf);
    lx_strbuf_release(&t);
    return st;
}

static lx_status eml_message(const lx_mapi_msg *m, const char *converted_from, int depth,
                             lx_strbuf *out);

/* One attachment as a MIME part: a file (base64), an embedded message
 * (message/rfc822, converted the same way) or, for a link or an attachment
 * without bytes, a text/plain note naming it. number counts from 1. */
static lx_status part_attachment(lx_strbuf *out, const lx_mapi_attach *a, size_t number,
                                 const char *converted_from, int depth)
{
    lx_status st = LX_OK;
    if (a->embedded) {
        lx_strbuf inner, from;
        lx_strbuf_init(&inner);
        lx_strbuf_init(&from);
        st = lx_strbuf_addf(&from, "%s, attachment %zu", converted_from, number);
        if (st == LX_OK)
            st = eml_message(a->embedded, from.buf, depth + 1, &inner);
        bool eight = false;
        for (size_t i = 0; i < inner.len && !eight; i++)
            eight = (unsigned char)inner.buf[i] >= 0x80;
        if (st == LX_OK)
            st = lx_strbuf_addstr(out, "Content-Type: message/rfc822\r\n"
                                       "Content-Disposition: attachment");
        if (st == LX_OK && a->filename)
            st = param_filename(out, a->filename);
        if (st == LX_OK)
            st = lx_strbuf_addf(out, "\r\nContent-Transfer-Encoding: %s\r\n\r\n",
                                eight ? "8bit" : "7bit");
        if (st == LX_OK)
            st = lx_strbuf_add(out, inner.buf, inner.len);
        lx_strbuf_release(&inner);
        lx_strbuf_release(&from);
        return st;
    }
    if (!a->data) {
        lx_strbuf note;
        lx_strbuf_init(&note);
        st = lx_strbuf_addf(&note, "An attachment the item only links to (method %d): %s\r\n",
                            a->method, a->filename ? a->filename : "(no name)");
        if (st == LX_OK)
            st = part_text(out, "plain", "utf-8",
                           "Content-Disposition: attachment\r\n"
                           "Content-Description: a linked attachment, no bytes\r\n",
                           note.buf, note.len);
        lx_strbuf_release(&note);
        return st;
    }
    st = lx_strbuf_addf(out, "Content-Type: %s\r\nContent-Disposition: %s",
                        mime_type_valid(a->mime_type) ? a->mime_type : "application/octet-stream",
                        a->hidden && a->content_id ? "inline" : "attachment");
    if (st == LX_OK && a->filename)
        st = param_filename(out, a->filename);
    if (st == LX_OK)
        st = lx_strbuf_addstr(out, "\r\n");
    if (st == LX_OK && a->content_id)
        st = header_content_id(out, a->content_id);
    if (st == LX_OK)
        st = lx_strbuf_addstr(out, "Content-Transfer-Encoding: base64\r\n\r\n");
    if (st == LX_OK)
        st = add_base64(out, a->data, a->data_len, 76);
    return st;
}

/* The body's text parts: plain, HTML, and RTF only when neither of the
 * others is there; which one is asked for by index (0 to count-1). */
typedef enum text_kind { TEXT_PLAIN, TEXT_HTML, TEXT_RTF } text_kind;

static size_t text_parts(const lx_mapi_msg *m, text_kind kinds[3])
{
    size_t n = 0;
    if (m->body)
        kinds[n++] = TEXT_PLAIN;
    if (m->html)
        kinds[n++] = TEXT_HTML;
    if (n == 0 && m->rtf)
        kinds[n++] = TEXT_RTF;
    return n;
}

static lx_status part_body_text(lx_strbuf *out, const lx_mapi_msg *m, text_kind k)
{
    if (k == TEXT_PLAIN)
        return part_text(out, "plain", "utf-8", NULL, m->body, strlen(m->body));
    if (k == TEXT_HTML) {
        size_t n = without_nuls(m->html, m->html_len);
        const char *cs = m->html_charset;
        if (!cs && lx_utf8_valid((const char *)m->html, n))
            cs = "utf-8";
        return part_text(out, "html", cs, NULL, m->html, n);
    }
    return part_text(out, "rtf", NULL, NULL, m->rtf, without_nuls(m->rtf, m->rtf_len));
}

/* The MIME body of m after its other headers: one text part, or
 * multipart/alternative of its texts, inside multipart/mixed with the
 * attachments when it has any. Boundaries are made of the identity. */
static lx_status eml_body(const lx_mapi_msg *m, const char *hex, const char *converted_from,
                          int depth, lx_strbuf *out)
{
    text_kind kinds[3];
    size_t n_text = text_parts(m, kinds);
    lx_status st = lx_strbuf_addstr(out, "MIME-Version: 1.0\r\n");
    bool mixed = m->n_att > 0;
    if (st == LX_OK && mixed)
        st = lx_strbuf_addf(out,
                            "Content-Type: multipart/mixed; boundary=\"=_lx.%.32s.m\"\r\n\r\n"
                            "This is a message converted by leakdex from an Outlook item.\r\n",
                            hex);
    if (st == LX_OK && mixed && n_text > 0)
        st = lx_strbuf_addf(out, "\r\n--=_lx.%.32s.m\r\n", hex);
    if (st == LX_OK && n_text > 1) {
        st = lx_strbuf_addf(out,
                            "Content-Type: multipart/alternative; boundary=\"=_lx.%.32s.a\"\r\n"
                            "\r\n",
                            hex);
        for (size_t i = 0; i < n_text && st == LX_OK; i++) {
            st = lx_strbuf_addf(out, "\r\n--=_lx.%.32s.a\r\n", hex);
            if (st == LX_OK)
                st = part_body_text(out, m, kinds[i]);
        }
        if (st == LX_OK)
            st = lx_strbuf_addf(out, "\r\n--=_lx.%.32s.a--\r\n", hex);
    } else if (st == LX_OK && n_text == 1) {
        st = part_body_text(out, m, kinds[0]);
    } else if (st == LX_OK && !mixed) {
        st = part_text(out, "plain", "utf-8", NULL, "", 0);
    }
    for (size_t i = 0; mixed && i < m->n_att && st == LX_OK; i++) {
        st = lx_strbuf_addf(out, "\r\n--=_lx.%.32s.m\r\n", hex);
        if (st == LX_OK)
            st = part_attachment(out, &m->att[i], i + 1, converted_from, depth);
    }
    if (st == LX_OK && mixed)
        st = lx_strbuf_addf(out, "\r\n--=_lx.%.32s.m--\r\n", hex);
    return st;
}

static lx_status eml_message(const lx_mapi_msg *m, const char *converted_from, int depth,
                             lx_strbuf *out)
{
    char hex[65];
    lx_status st = identity_at(m, depth, hex);
    if (st == LX_OK)
        st = m->transport_headers ? header_transport(out, m->transport_headers)
                                  : header_built(out, m);
    if (st == LX_OK) {
        header h;
        st = header_start(&h, out, "X-Leakdex-Converted");
        if (st == LX_OK)
            st = header_text(&h, converted_from);
        if (st == LX_OK)
            st = header_end(&h);
    }
    if (st == LX_OK)
        st = eml_body(m, hex, converted_from, depth, out);
    return st;
}

lx_status lx_mapi_to_eml(const lx_mapi_msg *m, const char *converted_from, lx_strbuf *out)
{
    return eml_message(m, converted_from ? converted_from : "outlook", 0, out);
}
