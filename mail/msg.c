/* msg.c - Outlook .msg files (OLE2 compound files) read from memory into an lx_mapi_msg; the only
 * libolecf code.
 *
 * A .msg (MS-OXMSG) keeps each variable-size property in a stream named
 * __substg1.0_TTTTYYYY (TTTT the property's id, YYYY its type: 001E a string
 * in the message's code page, 001F UTF-16LE, 0102 bytes, 000D a storage)
 * and the fixed-size ones in __properties_version1.0: a header (32 bytes at
 * the top, 24 in an attached message, 8 in a recipient or an attachment),
 * then 16-byte entries: the tag (type in the low 16 bits), flags, and an
 * 8-byte value. Recipients and attachments are storages
 * __recip_version1.0_#XXXXXXXX and __attach_version1.0_#XXXXXXXX; an
 * attached message is the storage __substg1.0_3701000D of its attachment.
 */
#include "msg.h"

#include <libolecf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bfio.h"
#include "caps.h"
#include "charset.h"
#include "grow.h"
#include "lzfu.h"
#include "utf8.h"
#include "banned.h"

#define PT_LONG 0x0003
#define PT_BOOLEAN 0x000B
#define PT_SYSTIME 0x0040
#define PT_STRING8 0x001E
#define PT_UNICODE 0x001F
#define PT_BINARY 0x0102

/* Property ids (MS-OXPROPS). */
enum {
    PR_MESSAGE_CLASS = 0x001A,
    PR_SUBJECT = 0x0037,
    PR_CLIENT_SUBMIT_TIME = 0x0039,
    PR_SENT_REPRESENTING_NAME = 0x0042,
    PR_SENT_REPRESENTING_ADDRTYPE = 0x0064,
    PR_SENT_REPRESENTING_EMAIL = 0x0065,
    PR_TRANSPORT_HEADERS = 0x007D,
    PR_RECIPIENT_TYPE = 0x0C15,
    PR_SENDER_NAME = 0x0C1A,
    PR_SENDER_ADDRTYPE = 0x0C1E,
    PR_SENDER_EMAIL = 0x0C1F,
    PR_DISPLAY_BCC = 0x0E02,
    PR_DISPLAY_CC = 0x0E03,
    PR_DISPLAY_TO = 0x0E04,
    PR_MESSAGE_DELIVERY_TIME = 0x0E06,
    PR_BODY = 0x1000,
    PR_RTF_COMPRESSED = 0x1009,
    PR_HTML = 0x1013,
    PR_INTERNET_MESSAGE_ID = 0x1035,
    PR_INTERNET_REFERENCES = 0x1039,
    PR_IN_REPLY_TO_ID = 0x1042,
    PR_DISPLAY_NAME = 0x3001,
    PR_ADDRTYPE = 0x3002,
    PR_EMAIL_ADDRESS = 0x3003,
    PR_CREATION_TIME = 0x3007,
    PR_ATTACH_DATA = 0x3701,
    PR_ATTACH_FILENAME = 0x3704,
    PR_ATTACH_METHOD = 0x3705,
    PR_ATTACH_LONG_FILENAME = 0x3707,
    PR_ATTACH_MIME_TAG = 0x370E,
    PR_ATTACH_CONTENT_ID = 0x3712,
    PR_SMTP_ADDRESS = 0x39FE,
    PR_INTERNET_CPID = 0x3FDE,
    PR_MESSAGE_CODEPAGE = 0x3FFD,
    PR_SENDER_SMTP_ADDRESS = 0x5D01,
    PR_SENT_REPRESENTING_SMTP_ADDRESS = 0x5D02,
    PR_ATTACHMENT_HIDDEN = 0x7FFE,
};

/* Header bytes of __properties_version1.0 by the storage's kind. */
#define PROPS_HEADER_TOP 32
#define PROPS_HEADER_EMBEDDED 24
#define PROPS_HEADER_SUB 8

/* FILETIME (100 ns since 1601) to the Unix epoch. */
#define FILETIME_UNIX_EPOCH 116444736000000000ULL

/* A storage being read: its item, the item m it fills, and the fixed
 * properties of its __properties_version1.0 stream. */
typedef struct storage {
    libolecf_item_t *item;
    lx_mapi_msg *m; /* problems go here */
    unsigned char *props;
    size_t n_props, header;
    const char *codepage; /* charset of its PT_STRING8 values */
} storage;

/* Appends a one-line problem to m; nothing when out of memory (the item is
 * still read). */
static void problem(lx_mapi_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(lx_mapi_msg *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)lx_mapi_vadd_problem(m, fmt, ap); /* out of memory: the line is lost, not the item */
    va_end(ap);
}

/* libolecf's reason, on one line, into why; the error is freed. */
static void olecf_reason(libolecf_error_t **err, lx_strbuf *why)
{
    char text[1024] = "";
    if (*err)
        libolecf_error_sprint(*err, text, sizeof text);
    libolecf_error_free(err);
    size_t start = why->len;
    lx_strbuf_addstr(why, *text ? text : "unknown error");
    for (size_t i = start; i < why->len; i++)
        if (why->buf[i] == '\n' || why->buf[i] == '\r')
            why->buf[i] = ' ';
    while (why->len > start && why->buf[why->len - 1] == ' ')
        lx_strbuf_setlen(why, why->len - 1);
}

/* The sub-item of s named name: 1 found, 0 absent, -1 unreadable. */
static int sub_item(libolecf_item_t *item, const char *name, libolecf_item_t **out)
{
    libolecf_error_t *err = NULL;
    *out = NULL;
    int r = libolecf_item_get_sub_item_by_utf8_name(item, (const uint8_t *)name, strlen(name), out,
                                                    &err);
    libolecf_error_free(&err);
    return r;
}

/* Reads the stream name of s whole: 1 read (*data malloc'd, the caller
 * frees it), 0 absent, -1 unreadable or too large (a problem of the item). */
static int read_stream(const storage *s, const char *name, unsigned char **data, size_t *len)
{
    libolecf_item_t *st;
    *data = NULL;
    *len = 0;
    int r = sub_item(s->item, name, &st);
    if (r != 1) {
        if (r < 0)
            problem(s->m, "%s: cannot be opened", name);
        return r;
    }
    libolecf_error_t *err = NULL;
    uint32_t size = 0;
    uint8_t type = 0;
    if (libolecf_item_get_type(st, &type, &err) != 1 || type != LIBOLECF_ITEM_TYPE_STREAM ||
        libolecf_item_get_size(st, &size, &err) != 1) {
        problem(s->m, "%s: not a readable stream", name);
        r = -1;
    } else if (size > LX_OUTLOOK_MAX_PROPERTY_BYTES) {
        problem(s->m, "%s: %lu bytes, more than LX_OUTLOOK_MAX_PROPERTY_BYTES", name,
                (unsigned long)size);
        r = -1;
    } else if (!(*data = malloc(size ? size : 1))) {
        r = -1;
    } else {
        ssize_t got = size ? libolecf_stream_read_buffer_at_offset(st, *data, size, 0, &err) : 0;
        if (got != (ssize_t)size) {
            problem(s->m, "%s: cut short (%zd of %lu bytes)", name, got < 0 ? (ssize_t)0 : got,
                    (unsigned long)size);
            free(*data);
            *data = NULL;
            r = -1;
        } else {
            *len = size;
        }
    }
    libolecf_error_free(&err);
    libolecf_item_free(&st, NULL);
    return r;
}

static int read_property(const storage *s, unsigned id, unsigned type, unsigned char **data,
                         size_t *len)
{
    char name[32];
    snprintf(name, sizeof name, "__substg1.0_%04X%04X", id, type);
    return read_stream(s, name, data, len);
}

/* UTF-16LE to UTF-8 (unpaired surrogates become U+FFFD). */
static lx_status add_utf16le(lx_strbuf *out, const unsigned char *p, size_t n)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i + 1 < n && st == LX_OK; i += 2) {
        unsigned cp = p[i] | (unsigned)p[i + 1] << 8;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < n) {
            unsigned lo = p[i + 2] | (unsigned)p[i + 3] << 8;
            if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        st = lx_utf8_add_code_point(out, cp);
    }
    return st;
}

/* The string property id as UTF-8 (UTF-16 first, else 8-bit in the
 * storage's code page), without the terminators a writer may count;
 * NULL when absent or unreadable. */
static char *get_string(const storage *s, unsigned id)
{
    unsigned char *data;
    size_t len;
    bool wide = true;
    int r = read_property(s, id, PT_UNICODE, &data, &len);
    if (r == 0) {
        wide = false;
        r = read_property(s, id, PT_STRING8, &data, &len);
    }
    if (r != 1)
        return NULL;
    if (wide)
        len &= ~(size_t)1;
    while (len >= (wide ? 2u : 1u) && data[len - 1] == 0 && (!wide || data[len - 2] == 0))
        len -= wide ? 2 : 1;
    lx_strbuf out;
    lx_strbuf_init(&out);
    lx_status st = wide ? add_utf16le(&out, data, len)
                        : lx_charset_decode(&out, s->codepage, (const char *)data, len, NULL);
    lx_strbuf tidy;
    lx_strbuf_init(&tidy);
    /* Valid UTF-8 without NUL bytes, as mapi.h promises. */
    if (st == LX_OK)
        st = lx_utf8_sanitize(&tidy, out.buf, out.len, NULL);
    free(data);
    lx_strbuf_release(&out);
    char *res = st == LX_OK ? lx_strbuf_detach(&tidy, NULL) : NULL;
    lx_strbuf_release(&tidy);
    return res;
}

/* The fixed property id of type type: its 8 value bytes, or NULL. */
static const unsigned char *get_fixed(const storage *s, unsigned id, unsigned type)
{
    for (size_t i = 0; i < s->n_props; i++) {
        const unsigned char *e = s->props + s->header + 16 * i;
        unsigned t = e[0] | (unsigned)e[1] << 8, pid = e[2] | (unsigned)e[3] << 8;
        if (pid == id && t == type)
            return e + 8;
    }
    return NULL;
}

static bool get_long(const storage *s, unsigned id, uint32_t *v)
{
    const unsigned char *p = get_fixed(s, id, PT_LONG);
    if (p)
        *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return p != NULL;
}

/* A PT_SYSTIME as seconds and 100 ns units; false when absent or 0. */
static bool get_time(const storage *s, unsigned id, int64_t *secs, uint32_t *frac)
{
    const unsigned char *p = get_fixed(s, id, PT_SYSTIME);
    if (!p)
        return false;
    uint64_t ft = 0;
    for (int i = 7; i >= 0; i--)
        ft = ft << 8 | p[i];
    if (ft == 0)
        return false;
    *frac = (uint32_t)(ft % 10000000u);
    *secs = (int64_t)(ft / 10000000u) - (int64_t)(FILETIME_UNIX_EPOCH / 10000000u);
    return true;
}

/* Reads s's __properties_version1.0 (header bytes of header). */
static void load_props(storage *s, size_t header)
{
    size_t len;
    s->header = header;
    if (read_stream(s, "__properties_version1.0", &s->props, &len) == 1) {
        if (len < header) {
            problem(s->m, "__properties_version1.0: shorter than its header");
            len = header;
        }
        s->n_props = (len - header) / 16;
    }
}

/* The charset of s's PT_STRING8 values: its PR_MESSAGE_CODEPAGE, else its
 * PR_INTERNET_CPID, else the parent's, else windows-1252. */
static void storage_codepage(const storage *s, const char *parent, char name[LX_CHARSET_NAME_MAX])
{
    uint32_t cp;
    name[0] = '\0';
    if (get_long(s, PR_MESSAGE_CODEPAGE, &cp) || get_long(s, PR_INTERNET_CPID, &cp))
        lx_charset_codepage((long)cp, name);
    if (!name[0])
        snprintf(name, LX_CHARSET_NAME_MAX, "%s", parent ? parent : "windows-1252");
}

/* The SMTP address: the SMTP property, else the address when its type is
 * SMTP. */
static char *get_smtp(const storage *s, unsigned smtp, unsigned type, unsigned address)
{
    char *a = get_string(s, smtp);
    if (a)
        return a;
    char *t = get_string(s, type);
    if (t && strcasecmp(t, "SMTP") == 0)
        a = get_string(s, address);
    free(t);
    return a;
}

/* The address when its type is EX: an Exchange DN (X.500), else NULL. */
static char *get_x500(const storage *s, unsigned type, unsigned address)
{
    char *t = get_string(s, type), *a = NULL;
    if (t && strcasecmp(t, "EX") == 0)
        a = get_string(s, address);
    free(t);
    return a;
}

/* The numbers of s's sub-storages named prefix + 8 hex digits, in order;
 * *n of them (at most max: the rest are a problem of the item). */
static lx_status sub_storages(const storage *s, const char *prefix, size_t max, uint32_t **out,
                              size_t *n)
{
    libolecf_error_t *err = NULL;
    int count = 0;
    size_t alloc = 0;
    *out = NULL;
    *n = 0;
    if (libolecf_item_get_number_of_sub_items(s->item, &count, &err) != 1) {
        problem(s->m, "the storages of %s...: cannot be listed", prefix);
        libolecf_error_free(&err);
        return LX_OK;
    }
    size_t plen = strlen(prefix), over = 0;
    for (int i = 0; i < count; i++) {
        libolecf_item_t *sub = NULL;
        char name[64];
        if (libolecf_item_get_sub_item(s->item, i, &sub, &err) != 1 ||
            libolecf_item_get_utf8_name(sub, (uint8_t *)name, sizeof name, &err) != 1)
            name[0] = '\0';
        libolecf_error_free(&err);
        libolecf_item_free(&sub, NULL);
        char *end;
        if (strncmp(name, prefix, plen) != 0 || strlen(name) != plen + 8)
            continue;
        unsigned long num = strtoul(name + plen, &end, 16);
        if (*end)
            continue;
        if (*n >= max) {
            over++;
            continue;
        }
        if (!lx_grow((void **)out, &alloc, *n + 1, sizeof **out))
            return LX_E_NOMEM;
        (*out)[(*n)++] = (uint32_t)num;
    }
    if (over)
        problem(s->m, "%zu %s... storages past the first %zu not read", over, prefix, max);
    /* Directory order is a tree's; the numbers are the table's order. */
    for (size_t i = 1; i < *n; i++)
        for (size_t k = i; k > 0 && (*out)[k - 1] > (*out)[k]; k--) {
            uint32_t t = (*out)[k];
            (*out)[k] = (*out)[k - 1];
            (*out)[k - 1] = t;
        }
    return LX_OK;
}

/* Opens the sub-storage name of parent as a storage with its fixed
 * properties; false (a problem) when it cannot be opened. */
static bool open_storage(const storage *parent, const char *name, size_t header, lx_mapi_msg *m,
                         storage *s)
{
    memset(s, 0, sizeof *s);
    s->m = m;
    s->codepage = parent->codepage;
    if (sub_item(parent->item, name, &s->item) != 1) {
        problem(parent->m, "%s: cannot be opened", name);
        return false;
    }
    load_props(s, header);
    return true;
}

static void close_storage(storage *s)
{
    libolecf_item_free(&s->item, NULL);
    free(s->props);
}

static lx_status read_recipients(const storage *s, lx_mapi_msg *m)
{
    uint32_t *nums;
    size_t n;
    lx_status st = sub_storages(s, "__recip_version1.0_#", LX_OUTLOOK_MAX_RECIPIENTS, &nums, &n);
    if (st != LX_OK || n == 0) {
        free(nums);
        return st;
    }
    m->rcpt = calloc(n, sizeof *m->rcpt);
    if (!m->rcpt) {
        free(nums);
        return LX_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "__recip_version1.0_#%08X", (unsigned)nums[i]);
        storage r;
        if (!open_storage(s, name, PROPS_HEADER_SUB, m, &r))
            continue;
        lx_mapi_rcpt *rc = &m->rcpt[m->n_rcpt++];
        uint32_t type = 0;
        get_long(&r, PR_RECIPIENT_TYPE, &type);
        rc->type = (lx_mapi_rcpt_type)(type & 0x0FFFFFFFu); /* the high bits are flags */
        rc->name = get_string(&r, PR_DISPLAY_NAME);
        rc->address = get_smtp(&r, PR_SMTP_ADDRESS, PR_ADDRTYPE, PR_EMAIL_ADDRESS);
        rc->x500 = get_x500(&r, PR_ADDRTYPE, PR_EMAIL_ADDRESS);
        close_storage(&r);
    }
    free(nums);
    return LX_OK;
}

static lx_status read_message(const storage *s, lx_mapi_msg *m, int depth);

/* One attachment's properties and data; an attached message is read as a
 * message, depth levels down. */
static lx_status read_attachment(const storage *a, lx_mapi_attach *at, int depth)
{
    uint32_t method = 0;
    get_long(a, PR_ATTACH_METHOD, &method);
    at->method = (int)method;
    at->filename = get_string(a, PR_ATTACH_LONG_FILENAME);
    if (!at->filename)
        at->filename = get_string(a, PR_ATTACH_FILENAME);
    if (!at->filename)
        at->filename = get_string(a, PR_DISPLAY_NAME);
    at->mime_type = get_string(a, PR_ATTACH_MIME_TAG);
    at->content_id = get_string(a, PR_ATTACH_CONTENT_ID);
    const unsigned char *hidden = get_fixed(a, PR_ATTACHMENT_HIDDEN, PT_BOOLEAN);
    at->hidden = hidden && hidden[0];
    if (method == LX_ATTACH_EMBEDDED) {
        if (depth + 1 > LX_OUTLOOK_MAX_DEPTH) {
            problem(a->m, "an attached message deeper than LX_OUTLOOK_MAX_DEPTH: not read");
            return LX_OK;
        }
        at->embedded = calloc(1, sizeof *at->embedded);
        if (!at->embedded)
            return LX_E_NOMEM;
        lx_mapi_msg_init(at->embedded);
        storage e;
        if (!open_storage(a, "__substg1.0_3701000D", PROPS_HEADER_EMBEDDED, at->embedded, &e)) {
            free(at->embedded);
            at->embedded = NULL;
            return LX_OK;
        }
        lx_status st = read_message(&e, at->embedded, depth + 1);
        close_storage(&e);
        return st;
    }
    if (method == LX_ATTACH_OLE) {
        problem(a->m, "attachment %s: an OLE object, its bytes not read",
                at->filename ? at->filename : "(no name)");
        return LX_OK;
    }
    if (read_property(a, PR_ATTACH_DATA, PT_BINARY, &at->data, &at->data_len) < 0)
        return LX_OK; /* a problem already */
    return LX_OK;
}

static lx_status read_attachments(const storage *s, lx_mapi_msg *m, int depth)
{
    uint32_t *nums;
    size_t n;
    lx_status st = sub_storages(s, "__attach_version1.0_#", LX_OUTLOOK_MAX_ATTACHMENTS, &nums, &n);
    if (st != LX_OK || n == 0) {
        free(nums);
        return st;
    }
    m->att = calloc(n, sizeof *m->att);
    if (!m->att) {
        free(nums);
        return LX_E_NOMEM;
    }
    for (size_t i = 0; i < n && st == LX_OK; i++) {
        char name[64];
        snprintf(name, sizeof name, "__attach_version1.0_#%08X", (unsigned)nums[i]);
        storage a;
        if (!open_storage(s, name, PROPS_HEADER_SUB, m, &a))
            continue;
        st = read_attachment(&a, &m->att[m->n_att++], depth);
        close_storage(&a);
    }
    free(nums);
    return st;
}

/* The date: client submit time, else delivery time, else creation time. */
static void read_date(const storage *s, lx_mapi_msg *m)
{
    static const struct {
        unsigned id;
        lx_mapi_date_from from;
    } order[] = {{PR_CLIENT_SUBMIT_TIME, LX_DATE_SUBMIT},
                 {PR_MESSAGE_DELIVERY_TIME, LX_DATE_DELIVERY},
                 {PR_CREATION_TIME, LX_DATE_CREATION}};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (get_time(s, order[i].id, &m->date, &m->date_frac)) {
            m->date_from = order[i].from;
            return;
        }
}

/* The bodies: plain text, HTML (bytes as stored; their charset from the
 * code page) and the compressed RTF, decompressed. */
static lx_status read_bodies(const storage *s, lx_mapi_msg *m)
{
    m->body = get_string(s, PR_BODY);
    unsigned char *data;
    size_t len;
    if (read_property(s, PR_HTML, PT_BINARY, &data, &len) == 1 ||
        read_property(s, PR_HTML, PT_STRING8, &data, &len) == 1) {
        uint32_t cp;
        char name[LX_CHARSET_NAME_MAX];
        name[0] = '\0';
        if (get_long(s, PR_INTERNET_CPID, &cp) || get_long(s, PR_MESSAGE_CODEPAGE, &cp))
            lx_charset_codepage((long)cp, name);
        if (!name[0])
            snprintf(name, sizeof name, "%s", s->codepage);
        m->html = data;
        m->html_len = len;
        m->html_charset = strdup(name);
        if (!m->html_charset)
            return LX_E_NOMEM;
    } else if ((m->html = (unsigned char *)get_string(s, PR_HTML))) {
        m->html_len = strlen((char *)m->html);
        m->html_charset = strdup("utf-8");
        if (!m->html_charset)
            return LX_E_NOMEM;
    }
    if (read_property(s, PR_RTF_COMPRESSED, PT_BINARY, &data, &len) == 1) {
        lx_strbuf rtf, why;
        lx_strbuf_init(&rtf);
        lx_strbuf_init(&why);
        bool crc_ok;
        lx_status st = lx_lzfu_decompress(data, len, &rtf, &crc_ok, &why);
        free(data);
        if (st == LX_E_NOMEM) {
            lx_strbuf_release(&rtf);
            lx_strbuf_release(&why);
            return st;
        }
        if (why.len)
            problem(m, "the RTF body: %s", why.buf);
        if (rtf.len)
            m->rtf = (unsigned char *)lx_strbuf_detach(&rtf, &m->rtf_len);
        lx_strbuf_release(&rtf);
        lx_strbuf_release(&why);
    }
    return LX_OK;
}

/* Every property the model holds, from the message storage s. */
static lx_status read_message(const storage *parent, lx_mapi_msg *m, int depth)
{
    storage s = *parent;
    char codepage[LX_CHARSET_NAME_MAX];
    storage_codepage(&s, parent->codepage, codepage);
    s.codepage = codepage;
    s.m = m;
    m->message_class = get_string(&s, PR_MESSAGE_CLASS);
    m->subject = get_string(&s, PR_SUBJECT);
    m->sender_name = get_string(&s, PR_SENDER_NAME);
    m->sender_address = get_smtp(&s, PR_SENDER_SMTP_ADDRESS, PR_SENDER_ADDRTYPE, PR_SENDER_EMAIL);
    m->representing_name = get_string(&s, PR_SENT_REPRESENTING_NAME);
    m->representing_address = get_smtp(&s, PR_SENT_REPRESENTING_SMTP_ADDRESS,
                                       PR_SENT_REPRESENTING_ADDRTYPE, PR_SENT_REPRESENTING_EMAIL);
    m->sender_x500 = get_x500(&s, PR_SENDER_ADDRTYPE, PR_SENDER_EMAIL);
    m->representing_x500 = get_x500(&s, PR_SENT_REPRESENTING_ADDRTYPE, PR_SENT_REPRESENTING_EMAIL);
    m->display_to = get_string(&s, PR_DISPLAY_TO);
    m->display_cc = get_string(&s, PR_DISPLAY_CC);
    m->display_bcc = get_string(&s, PR_DISPLAY_BCC);
    read_date(&s, m);
    m->message_id = get_string(&s, PR_INTERNET_MESSAGE_ID);
    m->in_reply_to = get_string(&s, PR_IN_REPLY_TO_ID);
    m->references = get_string(&s, PR_INTERNET_REFERENCES);
    m->transport_headers = get_string(&s, PR_TRANSPORT_HEADERS);
    lx_status st = read_bodies(&s, m);
    if (st == LX_OK)
        st = read_recipients(&s, m);
    if (st == LX_OK)
        st = read_attachments(&s, m, depth);
    return st;
}

bool lx_msg_sniff(const char *data, size_t len)
{
    return len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0;
}

lx_status lx_msg_read(const char *data, size_t len, lx_mapi_msg *m, lx_strbuf *why)
{
    libbfio_handle_t *io = NULL;
    libolecf_file_t *file = NULL;
    libolecf_error_t *err = NULL;
    libolecf_item_t *probe = NULL;
    storage root;
    memset(&root, 0, sizeof root);
    root.m = m;
    lx_status st = LX_E_INVALID;
    if (!lx_msg_sniff(data, len)) {
        lx_strbuf_addstr(why, "not an OLE2 file");
        goto done;
    }
    if (!(io = lx_bfio_memory(data, len))) {
        st = LX_E_NOMEM;
        goto done;
    }
    if (libolecf_file_initialize(&file, &err) != 1) {
        st = LX_E_NOMEM;
        goto done;
    }
    if (libolecf_file_open_file_io_handle(file, io, LIBOLECF_OPEN_READ, &err) != 1) {
        lx_strbuf_addstr(why, "damaged OLE2 file: ");
        olecf_reason(&err, why);
        goto done;
    }
    if (libolecf_file_get_root_item(file, &root.item, &err) != 1) {
        lx_strbuf_addstr(why, "damaged OLE2 file: no root storage");
        goto done;
    }
    load_props(&root, PROPS_HEADER_TOP);
    if (!root.props && sub_item(root.item, "__substg1.0_001A001F", &probe) != 1 &&
        sub_item(root.item, "__substg1.0_001A001E", &probe) != 1) {
        lx_strbuf_addstr(why, "an OLE2 file without Outlook message properties");
        goto done;
    }
    st = read_message(&root, m, 0);
done:
    libolecf_item_free(&probe, NULL);
    close_storage(&root);
    if (file) {
        libolecf_file_close(file, NULL);
        libolecf_file_free(&file, NULL);
    }
    libolecf_error_free(&err);
    libbfio_handle_free(&io, NULL);
    return st;
}
