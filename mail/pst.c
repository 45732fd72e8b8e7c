/* pst.c - Outlook PST and OST stores through libpff (its only user), read from memory: folders walked, items read into lx_mapi_msg. */
#include "pst.h"

#include <libpff.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "bfio.h"
#include "charset.h"
#include "lzfu.h"
#include "banned.h"

struct lx_pst {
    libbfio_handle_t *io;
    libpff_file_t *file;
    long ascii_codepage; /* the store's, for 8-bit strings of items without a code page */
    bool ost;
};

/* Seconds from 1601-01-01 (FILETIME's epoch) to 1970-01-01. */
#define FILETIME_EPOCH_OFFSET 11644473600LL

/* MAPI property tags read (MS-OXPROPS). */
enum {
    TAG_CLASS = 0x001A,
    TAG_SUBJECT = 0x0037,
    TAG_SUBMIT_TIME = 0x0039,
    TAG_REPRESENTING_NAME = 0x0042,
    TAG_REPRESENTING_ADDRTYPE = 0x0064,
    TAG_REPRESENTING_ADDRESS = 0x0065,
    TAG_TRANSPORT_HEADERS = 0x007D,
    TAG_RECIPIENT_TYPE = 0x0C15,
    TAG_SENDER_NAME = 0x0C1A,
    TAG_SENDER_ADDRTYPE = 0x0C1E,
    TAG_SENDER_ADDRESS = 0x0C1F,
    TAG_DISPLAY_BCC = 0x0E02,
    TAG_DISPLAY_CC = 0x0E03,
    TAG_DISPLAY_TO = 0x0E04,
    TAG_DELIVERY_TIME = 0x0E06,
    TAG_BODY = 0x1000,
    TAG_RTF_COMPRESSED = 0x1009,
    TAG_HTML = 0x1013,
    TAG_MESSAGE_ID = 0x1035,
    TAG_REFERENCES = 0x1039,
    TAG_IN_REPLY_TO = 0x1042,
    TAG_DISPLAY_NAME = 0x3001,
    TAG_ADDRTYPE = 0x3002,
    TAG_ADDRESS = 0x3003,
    TAG_CREATION_TIME = 0x3007,
    TAG_ATTACH_SHORT_NAME = 0x3704,
    TAG_ATTACH_METHOD = 0x3705,
    TAG_ATTACH_LONG_NAME = 0x3707,
    TAG_ATTACH_MIME = 0x370E,
    TAG_ATTACH_CONTENT_ID = 0x3712,
    TAG_SMTP_ADDRESS = 0x39FE,
    TAG_INTERNET_CPID = 0x3FDE,
    TAG_MESSAGE_CODEPAGE = 0x3FFD,
    TAG_SENDER_SMTP = 0x5D01,
    TAG_REPRESENTING_SMTP = 0x5D02,
    TAG_ATTACH_HIDDEN = 0x7FFE,
};

/* MAPI value types of the strings. */
enum { TYPE_STRING8 = 0x001E, TYPE_UNICODE = 0x001F, TYPE_BINARY = 0x0102 };

bool lx_pst_sniff(const char *data, size_t len)
{
    return len >= 10 && memcmp(data, "!BDN", 4) == 0 && data[8] == 'S' &&
           (data[9] == 'M' || data[9] == 'O');
}

/* Writes libpff's innermost reason (the first line of its backtrace, the
 * function's name and the final period removed) into out, and frees err. */
static void error_reason(libpff_error_t **err, char *out, size_t size)
{
    char buf[2048] = "";
    if (err && *err) {
        if (libpff_error_backtrace_sprint(*err, buf, sizeof buf) < 0)
            buf[0] = '\0';
        libpff_error_free(err);
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    const char *reason = buf;
    size_t k = strspn(buf, "abcdefghijklmnopqrstuvwxyz0123456789_");
    if (k && buf[k] == ':' && buf[k + 1] == ' ')
        reason = buf + k + 2;
    size_t n = strlen(reason);
    while (n && (reason[n - 1] == '.' || reason[n - 1] == ' '))
        n--;
    if (!n)
        snprintf(out, size, "libpff gave no reason");
    else
        snprintf(out, size, "%.*s", (int)n, reason);
}

/* Sets why to "WHAT: libpff's reason". */
static void set_why(lx_strbuf *why, const char *what, libpff_error_t **err)
{
    char reason[512];
    error_reason(err, reason, sizeof reason);
    if (why) {
        lx_strbuf_reset(why);
        lx_strbuf_addf(why, "%s: %s", what, reason);
    }
}

/* Notes "WHAT: libpff's reason" in m and frees err. */
static lx_status add_libpff_problem(lx_mapi_msg *m, const char *what, libpff_error_t **err)
{
    char reason[512];
    error_reason(err, reason, sizeof reason);
    return lx_mapi_add_problem(m, "%s: %s", what, reason);
}

/* ---- properties ---------------------------------------------------------- */

/* One record set being read (an item's properties, a recipient's, an
 * attachment's) and where what cannot be read is noted. */
typedef struct props {
    libpff_record_set_t *rs; /* NULL: none (every property absent) */
    const char *charset;     /* what 8-bit strings are in */
    lx_mapi_msg *m;          /* problems go here */
    size_t *budget;          /* bytes the item may still read */
    lx_status st;            /* LX_E_NOMEM once an allocation failed */
} props;

/* The entry of tag (any value type) in *e: 1 found, 0 absent, -1
 * unreadable (noted). */
static int prop_entry(props *p, uint32_t tag, libpff_record_entry_t **e)
{
    libpff_error_t *err = NULL;
    *e = NULL;
    if (!p->rs)
        return 0;
    int r = libpff_record_set_get_entry_by_type(p->rs, tag, 0, e,
                                                LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE, &err);
    if (r < 0) {
        char what[64];
        snprintf(what, sizeof what, "property 0x%04X", (unsigned)tag);
        if (!p->st)
            p->st = add_libpff_problem(p->m, what, &err);
        else
            libpff_error_free(&err);
        return -1;
    }
    return r == 1 ? 1 : 0;
}

static void entry_free(libpff_record_entry_t **e)
{
    if (*e)
        libpff_record_entry_free(e, NULL);
}

/* The raw bytes of tag, NUL-terminated (the NUL not counted), in *out
 * (malloc'd; NULL when absent, unreadable or over the limits, which are
 * noted) and its value type in *type. */
static void prop_bytes(props *p, uint32_t tag, uint32_t *type, unsigned char **out, size_t *len)
{
    libpff_record_entry_t *e = NULL;
    libpff_error_t *err = NULL;
    *out = NULL;
    *len = 0;
    *type = 0;
    if (prop_entry(p, tag, &e) != 1)
        return;
    size_t size = 0;
    char what[64];
    snprintf(what, sizeof what, "property 0x%04X", (unsigned)tag);
    if (libpff_record_entry_get_value_type(e, type, &err) != 1 ||
        libpff_record_entry_get_data_size(e, &size, &err) != 1) {
        if (!p->st)
            p->st = add_libpff_problem(p->m, what, &err);
        goto done;
    }
    if (size > LX_OUTLOOK_MAX_PROPERTY_BYTES || size > *p->budget) {
        if (!p->st)
            p->st = lx_mapi_add_problem(p->m, "%s: %zu bytes, over the limit of %zu: left out", what, size,
                                size > LX_OUTLOOK_MAX_PROPERTY_BYTES ? LX_OUTLOOK_MAX_PROPERTY_BYTES
                                                                     : *p->budget);
        goto done;
    }
    unsigned char *buf = malloc(size + 1);
    if (!buf) {
        p->st = LX_E_NOMEM;
        goto done;
    }
    if (size && libpff_record_entry_get_data(e, buf, size, &err) != 1) {
        free(buf);
        if (!p->st)
            p->st = add_libpff_problem(p->m, what, &err);
        goto done;
    }
    buf[size] = '\0';
    *p->budget -= size;
    *out = buf;
    *len = size;
done:
    entry_free(&e);
}

/* Strips the NUL terminators a string value may end with. */
static size_t strip_nuls(const unsigned char *d, size_t len, bool wide)
{
    if (wide) {
        len &= ~(size_t)1;
        while (len >= 2 && d[len - 1] == 0 && d[len - 2] == 0)
            len -= 2;
    } else {
        while (len && d[len - 1] == 0)
            len--;
    }
    return len;
}

/* Bytes of a string value (as typed) decoded to UTF-8; NULL on failure. */
static char *decode_string(props *p, uint32_t type, const unsigned char *d, size_t len)
{
    bool wide = type == TYPE_UNICODE;
    len = strip_nuls(d, len, wide);
    lx_strbuf out;
    lx_strbuf_init(&out);
    lx_status st = lx_charset_decode(&out, wide ? "UTF-16LE" : p->charset, (const char *)d, len,
                                     NULL);
    char *s = st ? NULL : lx_strbuf_detach(&out, NULL);
    if (!s) {
        lx_strbuf_release(&out);
        p->st = LX_E_NOMEM;
    }
    return s;
}

/* The string property tag as UTF-8 in *out (NULL when absent). */
static void prop_string(props *p, uint32_t tag, char **out)
{
    uint32_t type;
    unsigned char *d;
    size_t len;
    *out = NULL;
    prop_bytes(p, tag, &type, &d, &len);
    if (!d)
        return;
    if (type == TYPE_STRING8 || type == TYPE_UNICODE || type == TYPE_BINARY)
        *out = decode_string(p, type, d, len);
    else if (!p->st)
        p->st = lx_mapi_add_problem(p->m, "property 0x%04X: of type 0x%04X, not a string: left out",
                            (unsigned)tag, (unsigned)type);
    free(d);
}

/* A 32-bit property: true when present and readable. */
static bool prop_u32(props *p, uint32_t tag, uint32_t *v)
{
    libpff_record_entry_t *e = NULL;
    libpff_error_t *err = NULL;
    if (prop_entry(p, tag, &e) != 1)
        return false;
    bool ok = libpff_record_entry_get_data_as_32bit_integer(e, v, &err) == 1;
    if (!ok && !p->st) {
        char what[64];
        snprintf(what, sizeof what, "property 0x%04X", (unsigned)tag);
        p->st = add_libpff_problem(p->m, what, &err);
    }
    libpff_error_free(&err);
    entry_free(&e);
    return ok;
}

static bool prop_bool(props *p, uint32_t tag)
{
    libpff_record_entry_t *e = NULL;
    uint8_t v = 0;
    if (prop_entry(p, tag, &e) != 1)
        return false;
    if (libpff_record_entry_get_data_as_boolean(e, &v, NULL) != 1)
        v = 0;
    entry_free(&e);
    return v != 0;
}

/* A PT_SYSTIME property as seconds since 1970 and 100 ns units. */
static bool prop_time(props *p, uint32_t tag, int64_t *secs, uint32_t *frac)
{
    libpff_record_entry_t *e = NULL;
    libpff_error_t *err = NULL;
    uint64_t ft = 0;
    if (prop_entry(p, tag, &e) != 1)
        return false;
    bool ok = libpff_record_entry_get_data_as_filetime(e, &ft, &err) == 1;
    if (!ok && !p->st) {
        char what[64];
        snprintf(what, sizeof what, "property 0x%04X", (unsigned)tag);
        p->st = add_libpff_problem(p->m, what, &err);
    }
    libpff_error_free(&err);
    entry_free(&e);
    if (ok) {
        *secs = (int64_t)(ft / 10000000u) - FILETIME_EPOCH_OFFSET;
        *frac = (uint32_t)(ft % 10000000u);
    }
    return ok;
}

/* An address by the design's rule: the SMTP property, else the address
 * when its type says SMTP, else NULL; *x500 (when asked) gets an Exchange
 * DN ("EX" type). */
static char *prop_address(props *p, uint32_t smtp, uint32_t addrtype, uint32_t address,
                          char **x500)
{
    char *s = NULL, *type = NULL, *addr = NULL;
    prop_string(p, smtp, &s);
    prop_string(p, addrtype, &type);
    prop_string(p, address, &addr);
    if (x500 && type && addr && strcasecmp(type, "EX") == 0) {
        *x500 = addr;
        addr = NULL;
    }
    if (!s && type && addr && strcasecmp(type, "SMTP") == 0) {
        s = addr;
        addr = NULL;
    }
    free(type);
    free(addr);
    return s;
}

/* Opens record set index of item into p (p->rs NULL when the item has
 * none); false when it cannot be read (noted as WHAT). */
static bool props_open(props *p, libpff_item_t *item, int index, const char *what)
{
    libpff_error_t *err = NULL;
    int n = 0;
    p->rs = NULL;
    if (libpff_item_get_number_of_record_sets(item, &n, &err) != 1 ||
        (index < n && libpff_item_get_record_set_by_index(item, index, &p->rs, &err) != 1)) {
        p->rs = NULL;
        if (!p->st)
            p->st = add_libpff_problem(p->m, what, &err);
        return false;
    }
    return true;
}

static void props_close(props *p)
{
    if (p->rs)
        libpff_record_set_free(&p->rs, NULL);
}

/* ---- items --------------------------------------------------------------- */

static lx_status read_message(lx_pst *pst, libpff_item_t *item, lx_mapi_msg *m, int depth,
                              size_t *budget);

static void read_recipients(props *p, libpff_item_t *item)
{
    libpff_error_t *err = NULL;
    libpff_item_t *rc = NULL;
    lx_mapi_msg *m = p->m;
    int r = libpff_message_get_recipients(item, &rc, &err);
    if (r != 1) {
        if (r < 0 && !p->st)
            p->st = add_libpff_problem(m, "recipients", &err);
        libpff_error_free(&err);
        return;
    }
    int n = 0;
    if (libpff_item_get_number_of_record_sets(rc, &n, &err) != 1) {
        if (!p->st)
            p->st = add_libpff_problem(m, "recipients", &err);
        n = 0;
    }
    size_t want = n > 0 ? (size_t)n : 0;
    if (want > LX_OUTLOOK_MAX_RECIPIENTS) {
        if (!p->st)
            p->st = lx_mapi_add_problem(m, "%zu recipients: only the first %d read", want,
                                LX_OUTLOOK_MAX_RECIPIENTS);
        want = LX_OUTLOOK_MAX_RECIPIENTS;
    }
    m->rcpt = want ? calloc(want, sizeof *m->rcpt) : NULL;
    if (want && !m->rcpt)
        p->st = LX_E_NOMEM;
    for (size_t i = 0; i < want && !p->st; i++) {
        char what[64];
        snprintf(what, sizeof what, "recipient %zu", i + 1);
        props rp = {.charset = p->charset, .m = m, .budget = p->budget};
        if (!props_open(&rp, rc, (int)i, what)) {
            p->st = rp.st;
            continue;
        }
        lx_mapi_rcpt *t = &m->rcpt[m->n_rcpt++];
        uint32_t type;
        t->type = prop_u32(&rp, TAG_RECIPIENT_TYPE, &type) ? (lx_mapi_rcpt_type)type : LX_RCPT_TO;
        prop_string(&rp, TAG_DISPLAY_NAME, &t->name);
        t->address = prop_address(&rp, TAG_SMTP_ADDRESS, TAG_ADDRTYPE, TAG_ADDRESS, &t->x500);
        props_close(&rp);
        p->st = rp.st;
    }
    libpff_item_free(&rc, NULL);
}

/* The data of a by-value attachment, within the limits. */
static void read_attach_data(props *p, libpff_item_t *a, lx_mapi_attach *t, size_t index)
{
    libpff_error_t *err = NULL;
    size64_t size = 0;
    char what[64];
    snprintf(what, sizeof what, "attachment %zu", index + 1);
    if (libpff_attachment_get_data_size(a, &size, &err) != 1) {
        p->st = add_libpff_problem(p->m, what, &err);
        return;
    }
    if (size > LX_OUTLOOK_MAX_PROPERTY_BYTES || size > *p->budget) {
        p->st = lx_mapi_add_problem(p->m, "%s: %llu bytes, over the limit of %zu: not read", what,
                            (unsigned long long)size,
                            size > LX_OUTLOOK_MAX_PROPERTY_BYTES ? LX_OUTLOOK_MAX_PROPERTY_BYTES
                                                               : *p->budget);
        return;
    }
    t->data = malloc(size ? (size_t)size : 1);
    if (!t->data) {
        p->st = LX_E_NOMEM;
        return;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = libpff_attachment_data_read_buffer(a, t->data + got, (size_t)size - got, &err);
        if (r <= 0) {
            if (r < 0)
                p->st = add_libpff_problem(p->m, what, &err);
            else
                p->st = lx_mapi_add_problem(p->m, "%s: ends after %zu of %llu bytes", what, got,
                                    (unsigned long long)size);
            free(t->data);
            t->data = NULL;
            return;
        }
        got += (size_t)r;
    }
    t->data_len = got;
    *p->budget -= got;
}

/* The embedded message of attachment a, read in turn. */
static void read_attach_item(props *p, lx_pst *pst, libpff_item_t *a, lx_mapi_attach *t,
                             size_t index, int depth)
{
    libpff_error_t *err = NULL;
    libpff_item_t *sub = NULL;
    char what[64];
    snprintf(what, sizeof what, "attachment %zu", index + 1);
    if (depth + 1 > LX_OUTLOOK_MAX_DEPTH) {
        p->st = lx_mapi_add_problem(p->m, "%s: a message nested deeper than %d: not read", what,
                            LX_OUTLOOK_MAX_DEPTH);
        return;
    }
    if (libpff_attachment_get_item(a, &sub, &err) != 1) {
        p->st = add_libpff_problem(p->m, what, &err);
        return;
    }
    t->embedded = malloc(sizeof *t->embedded);
    if (!t->embedded)
        p->st = LX_E_NOMEM;
    else {
        lx_mapi_msg_init(t->embedded);
        p->st = read_message(pst, sub, t->embedded, depth + 1, p->budget);
    }
    libpff_item_free(&sub, NULL);
}

static void read_attachment(props *p, lx_pst *pst, libpff_item_t *a, size_t index, int depth)
{
    libpff_error_t *err = NULL;
    lx_mapi_attach *t = &p->m->att[p->m->n_att++];
    char what[64];
    snprintf(what, sizeof what, "attachment %zu", index + 1);
    props ap = {.charset = p->charset, .m = p->m, .budget = p->budget};
    if (props_open(&ap, a, 0, what)) {
        uint32_t method;
        t->method = prop_u32(&ap, TAG_ATTACH_METHOD, &method) ? (int)method : 0;
        prop_string(&ap, TAG_ATTACH_LONG_NAME, &t->filename);
        if (!t->filename)
            prop_string(&ap, TAG_ATTACH_SHORT_NAME, &t->filename);
        if (!t->filename)
            prop_string(&ap, TAG_DISPLAY_NAME, &t->filename);
        prop_string(&ap, TAG_ATTACH_MIME, &t->mime_type);
        prop_string(&ap, TAG_ATTACH_CONTENT_ID, &t->content_id);
        t->hidden = prop_bool(&ap, TAG_ATTACH_HIDDEN);
        props_close(&ap);
    }
    p->st = ap.st;
    if (p->st)
        return;
    int type = 0;
    if (libpff_attachment_get_type(a, &type, &err) != 1) {
        p->st = add_libpff_problem(p->m, what, &err);
        return;
    }
    /* An item without PR_ATTACH_METHOD takes the method its content shows. */
    if (!t->method)
        t->method = type == LIBPFF_ATTACHMENT_TYPE_ITEM        ? LX_ATTACH_EMBEDDED
                    : type == LIBPFF_ATTACHMENT_TYPE_REFERENCE ? LX_ATTACH_REFERENCE
                                                               : LX_ATTACH_BY_VALUE;
    if (type == LIBPFF_ATTACHMENT_TYPE_DATA)
        read_attach_data(p, a, t, index);
    else if (type == LIBPFF_ATTACHMENT_TYPE_ITEM)
        read_attach_item(p, pst, a, t, index, depth);
}

static void read_attachments(props *p, lx_pst *pst, libpff_item_t *item, int depth)
{
    libpff_error_t *err = NULL;
    int n = 0;
    if (libpff_message_get_number_of_attachments(item, &n, &err) != 1) {
        p->st = add_libpff_problem(p->m, "attachments", &err);
        return;
    }
    size_t want = n > 0 ? (size_t)n : 0;
    if (want > LX_OUTLOOK_MAX_ATTACHMENTS) {
        p->st = lx_mapi_add_problem(p->m, "%zu attachments: only the first %d read", want,
                            LX_OUTLOOK_MAX_ATTACHMENTS);
        want = LX_OUTLOOK_MAX_ATTACHMENTS;
    }
    p->m->att = want ? calloc(want, sizeof *p->m->att) : NULL;
    if (want && !p->m->att)
        p->st = LX_E_NOMEM;
    for (size_t i = 0; i < want && !p->st; i++) {
        libpff_item_t *a = NULL;
        if (libpff_message_get_attachment(item, (int)i, &a, &err) != 1) {
            char what[64];
            snprintf(what, sizeof what, "attachment %zu", i + 1);
            p->st = add_libpff_problem(p->m, what, &err);
            continue;
        }
        read_attachment(p, pst, a, i, depth);
        libpff_item_free(&a, NULL);
    }
}

/* The RTF body: PR_RTF_COMPRESSED decompressed by lzfu.c, as for a .msg
 * (libpff's own decompression gives the same bytes on the three shared
 * stores, plus two NULs; but it is neither instrumented nor fuzzed here,
 * and no limit of ours bounds its output).
 * A damaged or cut body keeps what was decompressed, and says so. */
static void read_rtf(props *p)
{
    uint32_t type;
    unsigned char *d;
    size_t len;
    prop_bytes(p, TAG_RTF_COMPRESSED, &type, &d, &len);
    if (!d)
        return;
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    bool crc_ok = true;
    lx_status st = lx_lzfu_decompress(d, len, &out, &crc_ok, &why);
    free(d);
    if (st == LX_E_NOMEM || out.len > *p->budget) {
        p->st = st == LX_E_NOMEM ? LX_E_NOMEM
                                 : lx_mapi_add_problem(p->m, "RTF body: %zu bytes, over the limit of %zu: "
                                                     "left out", out.len, *p->budget);
    } else {
        if (st || !crc_ok)
            p->st = lx_mapi_add_problem(p->m, "RTF body: %s", why.len ? why.buf : lx_status_str(st));
        if (out.len) {
            *p->budget -= out.len;
            p->m->rtf_len = out.len;
            p->m->rtf = (unsigned char *)lx_strbuf_detach(&out, NULL);
            if (!p->m->rtf)
                p->st = LX_E_NOMEM;
        }
    }
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
}

/* The HTML body as stored, and the charset its bytes are in. */
static void read_html(props *p, const char *html_charset)
{
    uint32_t type;
    unsigned char *d;
    size_t len;
    prop_bytes(p, TAG_HTML, &type, &d, &len);
    if (!d)
        return;
    const char *cs = html_charset;
    if (type == TYPE_UNICODE) {
        /* Stored as UTF-16: kept as UTF-8. */
        char *s = decode_string(p, type, d, len);
        free(d);
        if (!s)
            return;
        d = (unsigned char *)s;
        len = strlen(s);
        cs = "UTF-8";
    } else if (type == TYPE_STRING8) {
        len = strip_nuls(d, len, false);
    }
    p->m->html = d;
    p->m->html_len = len;
    if (cs[0] && !(p->m->html_charset = strdup(cs)))
        p->st = LX_E_NOMEM;
}

/* The first of the submit, delivery and creation times the item has. */
static void read_date(props *p)
{
    static const struct {
        uint32_t tag;
        lx_mapi_date_from from;
    } order[] = {{TAG_SUBMIT_TIME, LX_DATE_SUBMIT},
                 {TAG_DELIVERY_TIME, LX_DATE_DELIVERY},
                 {TAG_CREATION_TIME, LX_DATE_CREATION}};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (prop_time(p, order[i].tag, &p->m->date, &p->m->date_frac)) {
            p->m->date_from = order[i].from;
            return;
        }
    }
}

/* The item's code pages: of its 8-bit strings (PR_MESSAGE_CODEPAGE, else
 * PR_INTERNET_CPID, else the store's) and of its HTML (PR_INTERNET_CPID
 * first). */
static void read_codepages(props *p, long store_cp, char text[LX_CHARSET_NAME_MAX],
                           char html[LX_CHARSET_NAME_MAX])
{
    uint32_t message = 0, internet = 0;
    bool has_message = prop_u32(p, TAG_MESSAGE_CODEPAGE, &message);
    bool has_internet = prop_u32(p, TAG_INTERNET_CPID, &internet);
    lx_charset_codepage(has_message ? (long)message : has_internet ? (long)internet : store_cp,
                        text);
    if (!text[0])
        lx_charset_codepage(store_cp, text);
    lx_charset_codepage(has_internet ? (long)internet : has_message ? (long)message : store_cp,
                        html);
    if (!html[0])
        snprintf(html, LX_CHARSET_NAME_MAX, "%s", text);
}

/* A subject stored as U+0001, a character counting its prefix ("RE: "),
 * then the text: the two marks are dropped (MS-OXCMSG 2.2.1.46; the prefix
 * is part of the text). */
static void strip_subject_marker(char *s)
{
    if (!s || s[0] != '\x01' || !s[1])
        return;
    size_t text = 2; /* past U+0001 and the lead byte of the count */
    while (((unsigned char)s[text] & 0xC0) == 0x80)
        text++;
    memmove(s, s + text, strlen(s + text) + 1);
}

/* Reads item into m (initialized by the caller): its properties,
 * recipients and attachments (depth: embedded messages above it). What
 * cannot be read is noted in m->problems. LX_E_NOMEM only. */
static lx_status read_message(lx_pst *pst, libpff_item_t *item, lx_mapi_msg *m, int depth,
                              size_t *budget)
{
    static const struct {
        uint32_t tag;
        size_t field;
    } strings[] = {
        {TAG_CLASS, offsetof(lx_mapi_msg, message_class)},
        {TAG_SUBJECT, offsetof(lx_mapi_msg, subject)},
        {TAG_SENDER_NAME, offsetof(lx_mapi_msg, sender_name)},
        {TAG_REPRESENTING_NAME, offsetof(lx_mapi_msg, representing_name)},
        {TAG_DISPLAY_TO, offsetof(lx_mapi_msg, display_to)},
        {TAG_DISPLAY_CC, offsetof(lx_mapi_msg, display_cc)},
        {TAG_DISPLAY_BCC, offsetof(lx_mapi_msg, display_bcc)},
        {TAG_MESSAGE_ID, offsetof(lx_mapi_msg, message_id)},
        {TAG_IN_REPLY_TO, offsetof(lx_mapi_msg, in_reply_to)},
        {TAG_REFERENCES, offsetof(lx_mapi_msg, references)},
        {TAG_TRANSPORT_HEADERS, offsetof(lx_mapi_msg, transport_headers)},
        {TAG_BODY, offsetof(lx_mapi_msg, body)},
    };
    char text_cs[LX_CHARSET_NAME_MAX], html_cs[LX_CHARSET_NAME_MAX];
    props p = {.charset = text_cs, .m = m, .budget = budget};
    if (!props_open(&p, item, 0, "properties"))
        return p.st;
    read_codepages(&p, pst->ascii_codepage, text_cs, html_cs);
    for (size_t i = 0; i < sizeof strings / sizeof strings[0] && !p.st; i++)
        prop_string(&p, strings[i].tag, (char **)((char *)m + strings[i].field));
    strip_subject_marker(m->subject);
    if (!p.st)
        m->sender_address = prop_address(&p, TAG_SENDER_SMTP, TAG_SENDER_ADDRTYPE,
                                         TAG_SENDER_ADDRESS, &m->sender_x500);
    if (!p.st)
        m->representing_address = prop_address(&p, TAG_REPRESENTING_SMTP,
                                                TAG_REPRESENTING_ADDRTYPE,
                                                TAG_REPRESENTING_ADDRESS,
                                                &m->representing_x500);
    if (!p.st)
        read_date(&p);
    if (!p.st)
        read_html(&p, html_cs);
    if (!p.st)
        read_rtf(&p);
    if (!p.st)
        read_recipients(&p, item);
    if (!p.st)
        read_attachments(&p, pst, item, depth);
    props_close(&p);
    return p.st;
}

/* ---- the store ----------------------------------------------------------- */

lx_status lx_pst_open(const char *data, size_t len, lx_pst **out, lx_strbuf *why)
{
    libpff_error_t *err = NULL;
    *out = NULL;
    if (!lx_pst_sniff(data, len)) {
        if (why) {
            lx_strbuf_reset(why);
            lx_strbuf_addstr(why, "not a PST or OST store (no !BDN signature)");
        }
        return LX_E_INVALID;
    }
    lx_pst *p = calloc(1, sizeof *p);
    if (!p)
        return LX_E_NOMEM;
    lx_status st = LX_E_NOMEM;
    if (!(p->io = lx_bfio_memory(data, len)) || libpff_file_initialize(&p->file, &err) != 1)
        goto fail;
    if (libpff_file_open_file_io_handle(p->file, p->io, LIBPFF_OPEN_READ, &err) != 1) {
        set_why(why, "the store cannot be opened", &err);
        st = LX_E_INVALID;
        goto fail;
    }
    uint8_t content = 0;
    int cp = 1252;
    if (libpff_file_get_content_type(p->file, &content, &err) == 1)
        p->ost = content == LIBPFF_FILE_CONTENT_TYPE_OST;
    libpff_error_free(&err);
    if (libpff_file_get_ascii_codepage(p->file, &cp, &err) == 1)
        p->ascii_codepage = cp;
    else
        p->ascii_codepage = 1252;
    libpff_error_free(&err);
    *out = p;
    return LX_OK;
fail:
    libpff_error_free(&err);
    lx_pst_close(p);
    return st;
}

const char *lx_pst_format(const lx_pst *p)
{
    return p->ost ? "ost" : "pst";
}

void lx_pst_close(lx_pst *p)
{
    if (!p)
        return;
    if (p->file) {
        libpff_file_close(p->file, NULL);
        libpff_file_free(&p->file, NULL);
    }
    if (p->io)
        libbfio_handle_free(&p->io, NULL);
    free(p);
}

size_t lx_pst_orphans(const lx_pst *p)
{
    int n = 0;
    if (libpff_file_get_number_of_orphan_items(p->file, &n, NULL) != 1 || n < 0)
        return 0;
    return (size_t)n;
}

lx_status lx_pst_item(lx_pst *p, uint32_t id, lx_mapi_msg *m, lx_strbuf *why)
{
    libpff_error_t *err = NULL;
    libpff_item_t *item = NULL;
    char what[64];
    snprintf(what, sizeof what, "item #%lu cannot be read", (unsigned long)id);
    int r = libpff_file_get_item_by_identifier(p->file, id, &item, &err);
    if (r != 1) {
        if (r < 0)
            set_why(why, what, &err);
        else if (why) {
            lx_strbuf_reset(why);
            lx_strbuf_addf(why, "the store has no item #%lu", (unsigned long)id);
        }
        return LX_E_NOT_FOUND;
    }
    uint8_t type = 0;
    lx_status st;
    if (libpff_item_get_type(item, &type, &err) == 1 && type == LIBPFF_ITEM_TYPE_FOLDER) {
        if (why) {
            lx_strbuf_reset(why);
            lx_strbuf_addf(why, "item #%lu is a folder, not a message", (unsigned long)id);
        }
        st = LX_E_NOT_FOUND;
    } else {
        size_t budget = LX_OUTLOOK_MAX_ITEM_BYTES;
        st = read_message(p, item, m, 0, &budget);
    }
    libpff_error_free(&err);
    libpff_item_free(&item, NULL);
    return st;
}

/* ---- the walk ------------------------------------------------------------ */

typedef struct walk {
    lx_pst *p;
    lx_pst_cb cb;
    void *ctx;
    const char *names[LX_OUTLOOK_MAX_FOLDER_DEPTH];
    int stop;     /* the callback asked to stop */
    lx_status st; /* LX_E_NOMEM */
} walk;

/* Passes an unreadable folder or item to the callback. */
static void report(walk *w, size_t depth, uint32_t id, const char *what, libpff_error_t **err)
{
    char reason[512], line[640];
    error_reason(err, reason, sizeof reason);
    snprintf(line, sizeof line, "%s: %s", what, reason);
    w->stop = w->cb(w->ctx, w->names, depth, id, NULL, line);
}

/* Reads and passes message index i of folder. */
static void walk_item(walk *w, libpff_item_t *folder, int i, size_t depth)
{
    libpff_error_t *err = NULL;
    libpff_item_t *item = NULL;
    char what[64];
    snprintf(what, sizeof what, "item %d of the folder", i + 1);
    if (libpff_folder_get_sub_message(folder, i, &item, &err) != 1) {
        report(w, depth, 0, what, &err);
        return;
    }
    uint32_t id = 0;
    if (libpff_item_get_identifier(item, &id, &err) != 1) {
        report(w, depth, 0, what, &err);
        libpff_item_free(&item, NULL);
        return;
    }
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    size_t budget = LX_OUTLOOK_MAX_ITEM_BYTES;
    w->st = read_message(w->p, item, &m, 0, &budget);
    if (!w->st)
        w->stop = w->cb(w->ctx, w->names, depth, id, &m, NULL);
    lx_mapi_msg_release(&m);
    libpff_item_free(&item, NULL);
}

/* The folder's name (malloc'd; "" when it has none); NULL on failure
 * (noted through the callback) or out of memory (w->st). */
static char *folder_name(walk *w, libpff_item_t *folder, size_t depth)
{
    libpff_error_t *err = NULL;
    size_t size = 0;
    int r = libpff_folder_get_utf8_name_size(folder, &size, &err);
    if (r < 0 || size > LX_OUTLOOK_MAX_PROPERTY_BYTES) {
        report(w, depth, 0, "a folder's name cannot be read", &err);
        return NULL;
    }
    char *name = calloc(1, size + 1);
    if (!name) {
        w->st = LX_E_NOMEM;
        return NULL;
    }
    if (r == 1 && size && libpff_folder_get_utf8_name(folder, (uint8_t *)name, size, &err) != 1) {
        free(name);
        report(w, depth, 0, "a folder's name cannot be read", &err);
        return NULL;
    }
    return name;
}

/* Walks folder (its name already in w->names[0..depth) when it has one):
 * its messages, then its sub-folders. */
static void walk_folder(walk *w, libpff_item_t *folder, size_t depth)
{
    libpff_error_t *err = NULL;
    int n = 0;
    if (libpff_folder_get_number_of_sub_messages(folder, &n, &err) != 1)
        report(w, depth, 0, "the folder's items cannot be listed", &err);
    else
        for (int i = 0; i < n && !w->stop && !w->st; i++)
            walk_item(w, folder, i, depth);
    n = 0;
    if (!w->stop && !w->st && libpff_folder_get_number_of_sub_folders(folder, &n, &err) != 1)
        report(w, depth, 0, "the folder's sub-folders cannot be listed", &err);
    for (int i = 0; i < n && !w->stop && !w->st; i++) {
        libpff_item_t *sub = NULL;
        if (libpff_folder_get_sub_folder(folder, i, &sub, &err) != 1) {
            report(w, depth, 0, "a sub-folder cannot be read", &err);
            continue;
        }
        char *name = folder_name(w, sub, depth);
        if (name && depth >= LX_OUTLOOK_MAX_FOLDER_DEPTH) {
            char line[128];
            snprintf(line, sizeof line, "folders nested deeper than %d: not walked",
                     LX_OUTLOOK_MAX_FOLDER_DEPTH);
            w->stop = w->cb(w->ctx, w->names, depth, 0, NULL, line);
        } else if (name) {
            w->names[depth] = name;
            walk_folder(w, sub, depth + 1);
            w->names[depth] = NULL;
        }
        free(name);
        libpff_item_free(&sub, NULL);
    }
}

lx_status lx_pst_walk(lx_pst *p, lx_pst_cb cb, void *ctx, lx_strbuf *why)
{
    libpff_error_t *err = NULL;
    libpff_item_t *root = NULL;
    int r = libpff_file_get_root_folder(p->file, &root, &err);
    if (r != 1) {
        if (r < 0)
            set_why(why, "the store's root folder cannot be read", &err);
        else if (why) {
            lx_strbuf_reset(why);
            lx_strbuf_addstr(why, "the store has no root folder");
        }
        return LX_E_INVALID;
    }
    walk w = {.p = p, .cb = cb, .ctx = ctx};
    /* Outlook's root folder has no name: its folders ("Top of Personal
     * Folders", the search root) come first in a path. */
    char *name = folder_name(&w, root, 0);
    if (name && name[0]) {
        w.names[0] = name;
        walk_folder(&w, root, 1);
    } else if (name) {
        walk_folder(&w, root, 0);
    }
    free(name);
    libpff_item_free(&root, NULL);
    return w.st;
}
