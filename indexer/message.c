/* message.c - parsing one message with GMime into plain data. */
#include "message.h"

#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "htmltext.h"
#include "caps.h"
#include "utf8.h"
#include "banned.h"

void lx_message_library_init(void)
{
    g_mime_init();
    xmlInitParser();
}

void lx_message_library_shutdown(void)
{
    g_mime_shutdown();
    xmlCleanupParser();
}

/* A valid-UTF-8 heap copy of s (NULL taken as ""); NULL when out of memory. */
static char *clean_dup(const char *s, size_t *replaced)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    if (s && lx_utf8_sanitize(&sb, s, strlen(s), replaced)) {
        lx_strbuf_release(&sb);
        return NULL;
    }
    return lx_strbuf_detach(&sb, NULL);
}

static char *strip_angles(const char *s, size_t *replaced)
{
    if (!s)
        return clean_dup("", replaced);
    while (*s == ' ' || *s == '\t' || *s == '<')
        s++;
    char *d = clean_dup(s, replaced);
    if (!d)
        return NULL;
    size_t n = strlen(d);
    while (n > 0 && (d[n - 1] == '>' || d[n - 1] == ' ' || d[n - 1] == '\t' ||
                     d[n - 1] == '\r' || d[n - 1] == '\n'))
        d[--n] = '\0';
    return d;
}

static lx_status list_add(lx_address_list *l, const char *name, const char *addr,
                          size_t *replaced)
{
    if (l->n >= LX_MAX_ADDRESSES) {
        l->dropped++;
        return LX_OK;
    }
    if (l->n == l->alloc) {
        size_t n = l->alloc ? l->alloc * 2 : 4;
        lx_address *v = realloc(l->v, n * sizeof *v);
        if (!v)
            return LX_E_NOMEM;
        l->v = v;
        l->alloc = n;
    }
    char *nm = clean_dup(name, replaced), *ad = clean_dup(addr, replaced);
    if (!nm || !ad) {
        free(nm);
        free(ad);
        return LX_E_NOMEM;
    }
    l->v[l->n++] = (lx_address){nm, ad};
    return LX_OK;
}

/* Flattens groups; keeps mailboxes in order. */
static lx_status add_addresses(lx_address_list *l, InternetAddressList *ial, size_t *replaced,
                               int depth)
{
    if (!ial || depth > 4)
        return LX_OK;
    int n = internet_address_list_length(ial);
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(ial, i);
        lx_status st = LX_OK;
        if (INTERNET_ADDRESS_IS_MAILBOX(ia))
            st = list_add(l, internet_address_get_name(ia),
                          internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)),
                          replaced);
        else if (INTERNET_ADDRESS_IS_GROUP(ia))
            st = add_addresses(l, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
                               replaced, depth + 1);
        if (st)
            return st;
    }
    return LX_OK;
}

static void list_release(lx_address_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].addr);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

bool lx_message_parse_date(const char *text, int64_t *out)
{
    if (!text)
        return false;
    GDateTime *dt = g_mime_utils_header_decode_date(text);
    if (!dt)
        return false;
    *out = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return true;
}

/* The newest date among the Received headers (after their last ';'). */
static bool newest_received(GMimeObject *obj, int64_t *out)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
    int n = g_mime_header_list_get_count(hl);
    bool found = false;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        if (g_ascii_strcasecmp(g_mime_header_get_name(h), "Received") != 0)
            continue;
        const char *v = g_mime_header_get_value(h);
        const char *semi = v ? strrchr(v, ';') : NULL;
        int64_t t;
        if (semi && lx_message_parse_date(semi + 1, &t) && (!found || t > *out)) {
            *out = t;
            found = true;
        }
    }
    return found;
}

typedef struct body_ctx {
    lx_strbuf text;
    bool want_html;
    bool found;
    bool truncated;
    size_t replaced;
    lx_status st;
} body_ctx;

static bool is_attachment(GMimeObject *part)
{
    GMimeContentDisposition *cd = g_mime_object_get_content_disposition(part);
    return cd && g_mime_content_disposition_is_attachment(cd);
}

static void add_body_text(body_ctx *b, const char *text, size_t len)
{
    lx_strbuf clean;
    lx_strbuf_init(&clean);
    if ((b->st = lx_utf8_sanitize(&clean, text, len, &b->replaced)))
        goto out;
    /* The message was parsed in its canonical CRLF form; text is stored with
     * plain LF line ends, as a reader sees it. */
    size_t w = 0;
    for (size_t r = 0; r < clean.len; r++)
        if (!(clean.buf[r] == '\r' && r + 1 < clean.len && clean.buf[r + 1] == '\n'))
            clean.buf[w++] = clean.buf[r];
    lx_strbuf_setlen(&clean, w);
    if (b->text.len && (b->st = lx_strbuf_addstr(&b->text, "\n\n")))
        goto out;
    size_t room = LX_MAX_BODY_TEXT > b->text.len ? LX_MAX_BODY_TEXT - b->text.len : 0;
    size_t n = lx_utf8_cut(clean.buf, clean.len, room);
    if (n < clean.len)
        b->truncated = true;
    b->st = lx_strbuf_add(&b->text, clean.buf, n);
out:
    lx_strbuf_release(&clean);
}

/* The decoded content of a text part converted to UTF-8 from its declared
 * charset, with its length: unlike g_mime_text_part_get_text, NUL bytes in
 * the text do not cut it short. Without a charset GMime knows, the bytes are
 * returned as they are (the caller repairs invalid UTF-8). The caller frees
 * the array with g_byte_array_free(a, TRUE); NULL when the part is empty. */
static GByteArray *part_text(GMimeObject *part)
{
    GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
    if (!content)
        return NULL;
    GMimeStream *mem = g_mime_stream_mem_new();
    const char *charset = g_mime_object_get_content_type_parameter(part, "charset");
    GMimeFilter *filter = charset ? g_mime_filter_charset_new(charset, "UTF-8") : NULL;
    if (filter) {
        GMimeStream *filtered = g_mime_stream_filter_new(mem);
        g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), filter);
        g_object_unref(filter);
        g_mime_data_wrapper_write_to_stream(content, filtered);
        g_mime_stream_flush(filtered);
        g_object_unref(filtered);
    } else {
        g_mime_data_wrapper_write_to_stream(content, mem);
    }
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_object_unref(mem);
    return bytes;
}

/* Collects the text/plain (or, on the second pass, text/html) leaves that are
 * not attachments, in document order, down to LX_MAX_MIME_DEPTH. Attached
 * messages (message/rfc822) are attachments, not body. */
static void collect_body(body_ctx *b, GMimeObject *obj, int depth)
{
    if (b->st || depth > LX_MAX_MIME_DEPTH || !obj)
        return;
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            collect_body(b, g_mime_multipart_get_part(mp, i), depth + 1);
        return;
    }
    if (!GMIME_IS_TEXT_PART(obj) || is_attachment(obj))
        return;
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    if (!g_mime_content_type_is_type(ct, "text", b->want_html ? "html" : "plain"))
        return;
    GByteArray *text = part_text(obj);
    b->found = true;
    if (!text)
        return;
    if (b->want_html) {
        lx_strbuf clean, plain;
        lx_strbuf_init(&clean);
        lx_strbuf_init(&plain);
        /* libxml2 wants valid UTF-8; repair first, counting what was bad. */
        b->st = lx_utf8_sanitize(&clean, (const char *)text->data, text->len, &b->replaced);
        if (!b->st)
            b->st = lx_htmltext_extract(&plain, clean.buf, clean.len);
        if (!b->st)
            add_body_text(b, plain.buf, plain.len);
        lx_strbuf_release(&clean);
        lx_strbuf_release(&plain);
    } else {
        add_body_text(b, (const char *)text->data, text->len);
    }
    g_byte_array_free(text, TRUE);
}

static lx_status extract_body(lx_message *msg, GMimeMessage *gm)
{
    GMimeObject *top = g_mime_message_get_mime_part(gm);
    body_ctx b;
    for (int pass = 0; pass < 2; pass++) {
        memset(&b, 0, sizeof b);
        lx_strbuf_init(&b.text);
        b.want_html = pass == 1;
        collect_body(&b, top, 0);
        if (b.st || b.found)
            break;
        lx_strbuf_release(&b.text);
    }
    msg->body_from_html = b.want_html && b.found;
    msg->body_truncated = b.truncated;
    msg->replaced += b.replaced;
    if (b.st) {
        lx_strbuf_release(&b.text);
        return b.st;
    }
    msg->body = lx_strbuf_detach(&b.text, &msg->body_len);
    return msg->body ? LX_OK : LX_E_NOMEM;
}

static lx_status extract_references(lx_message *msg, GMimeObject *obj)
{
    const char *irt = g_mime_object_get_header(obj, "In-Reply-To");
    msg->in_reply_to = NULL;
    if (irt) {
        GMimeReferences *r = g_mime_references_parse(NULL, irt);
        if (r && g_mime_references_length(r) > 0)
            msg->in_reply_to = strip_angles(g_mime_references_get_message_id(r, 0), &msg->replaced);
        if (r)
            g_mime_references_free(r);
    }
    if (!msg->in_reply_to)
        msg->in_reply_to = clean_dup("", &msg->replaced);
    if (!msg->in_reply_to)
        return LX_E_NOMEM;
    const char *refs = g_mime_object_get_header(obj, "References");
    if (!refs)
        return LX_OK;
    GMimeReferences *r = g_mime_references_parse(NULL, refs);
    if (!r)
        return LX_OK;
    int n = g_mime_references_length(r);
    lx_status st = LX_OK;
    msg->references = calloc(n > 0 ? (size_t)n : 1, sizeof(char *));
    if (!msg->references)
        st = LX_E_NOMEM;
    for (int i = 0; i < n && !st; i++) {
        msg->references[i] = strip_angles(g_mime_references_get_message_id(r, i), &msg->replaced);
        if (!msg->references[i])
            st = LX_E_NOMEM;
        else
            msg->n_references++;
    }
    g_mime_references_free(r);
    return st;
}

lx_status lx_message_parse(lx_message *msg, const char *raw, size_t len, lx_strbuf *why)
{
    memset(msg, 0, sizeof *msg);
    lx_status st = LX_OK;
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *gm = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    g_object_unref(stream);
    if (!gm) {
        if (why)
            lx_strbuf_addstr(why, "GMime found no message headers");
        return LX_E_PARSE;
    }
    GMimeObject *obj = GMIME_OBJECT(gm);

    InternetAddressList *from = g_mime_message_get_from(gm);
    if (!from || internet_address_list_length(from) == 0)
        from = g_mime_message_get_sender(gm);
    lx_address_list fl = {0};
    if ((st = add_addresses(&fl, from, &msg->replaced, 0)))
        goto fail;
    if (fl.n > 0) {
        msg->from = fl.v[0];
        for (size_t i = 1; i < fl.n; i++) {
            free(fl.v[i].name);
            free(fl.v[i].addr);
        }
        free(fl.v);
    } else {
        free(fl.v);
        msg->from.name = clean_dup("", NULL);
        msg->from.addr = clean_dup("", NULL);
        if (!msg->from.name || !msg->from.addr) {
            st = LX_E_NOMEM;
            goto fail;
        }
    }
    if ((st = add_addresses(&msg->to, g_mime_message_get_to(gm), &msg->replaced, 0)) ||
        (st = add_addresses(&msg->cc, g_mime_message_get_cc(gm), &msg->replaced, 0)) ||
        (st = add_addresses(&msg->bcc, g_mime_message_get_bcc(gm), &msg->replaced, 0)) ||
        (st = add_addresses(&msg->reply_to, g_mime_message_get_reply_to(gm), &msg->replaced, 0)))
        goto fail;

    msg->subject = clean_dup(g_mime_message_get_subject(gm), &msg->replaced);
    msg->message_id = strip_angles(g_mime_message_get_message_id(gm), &msg->replaced);
    if (!msg->subject || !msg->message_id) {
        st = LX_E_NOMEM;
        goto fail;
    }
    if ((st = extract_references(msg, obj)))
        goto fail;

    GDateTime *dt = g_mime_message_get_date(gm);
    if (dt) {
        msg->date = g_date_time_to_unix(dt);
        msg->date_source = LX_DATE_HEADER;
    } else if (newest_received(obj, &msg->date)) {
        msg->date_source = LX_DATE_RECEIVED;
    } else {
        msg->date = 0;
        msg->date_source = LX_DATE_NONE;
    }
    if ((st = extract_body(msg, gm)))
        goto fail;
    g_object_unref(gm);
    return LX_OK;
fail:
    g_object_unref(gm);
    lx_message_release(msg);
    if (why)
        lx_strbuf_addstr(why, lx_status_str(st));
    return st;
}

void lx_message_release(lx_message *msg)
{
    free(msg->from.name);
    free(msg->from.addr);
    list_release(&msg->to);
    list_release(&msg->cc);
    list_release(&msg->bcc);
    list_release(&msg->reply_to);
    free(msg->subject);
    free(msg->message_id);
    free(msg->in_reply_to);
    for (size_t i = 0; i < msg->n_references; i++)
        free(msg->references[i]);
    free(msg->references);
    free(msg->body);
    memset(msg, 0, sizeof *msg);
}
