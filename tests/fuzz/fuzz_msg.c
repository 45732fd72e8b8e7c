/* fuzz_msg.c - a .msg read from arbitrary bytes (libolecf), its identity and
 * its conversion: reading fails with a one-line reason or gives an item
 * whose strings are valid UTF-8; the conversion is the same twice, its
 * header block is only fields (no property can add a line of its own), and
 * the MIME reader parses it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mapi.h"
#include "message.h"
#include "msg.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    lx_message_library_init();
    return 0;
}

static void check_string(const char *s)
{
    if (s && !lx_utf8_valid(s, strlen(s)))
        abort();
}

static void check_item(const lx_mapi_msg *m)
{
    const char *strings[] = {m->message_class, m->subject,    m->sender_name, m->sender_address,
                             m->display_to,    m->message_id, m->body,        m->transport_headers};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        check_string(strings[i]);
    for (size_t i = 0; i < m->n_rcpt; i++) {
        check_string(m->rcpt[i].name);
        check_string(m->rcpt[i].address);
    }
    for (size_t i = 0; i < m->n_att; i++) {
        check_string(m->att[i].filename);
        if (m->att[i].embedded)
            check_item(m->att[i].embedded);
    }
}

/* Every line of the header block starts a field (NAME:) or continues one. */
static void check_header(const char *s, size_t len)
{
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(s + pos, '\n', len - pos);
        if (!nl || nl == s + pos || nl[-1] != '\r')
            abort();
        size_t n = (size_t)(nl - s) - pos - 1;
        if (n == 0)
            return;
        if (s[pos] != ' ' && s[pos] != '\t') {
            const char *colon = memchr(s + pos, ':', n);
            if (!colon || colon == s + pos)
                abort();
            for (const char *p = s + pos; p < colon; p++)
                if (*p <= ' ' || *p >= 0x7F)
                    abort();
        }
        pos = (size_t)(nl - s) + 1;
    }
    abort(); /* no blank line */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    lx_strbuf why, eml, again;
    lx_strbuf_init(&why);
    lx_strbuf_init(&eml);
    lx_strbuf_init(&again);
    lx_status st = lx_msg_read((const char *)data, size, &m, &why);
    if (st == LX_E_INVALID && (why.len == 0 || memchr(why.buf, '\n', why.len)))
        abort();
    if (st == LX_OK) {
        check_item(&m);
        char hex[65];
        lx_status id = lx_mapi_identity(&m, hex);
        lx_status conv = lx_mapi_to_eml(&m, "msg", &eml);
        if (id != conv || (id != LX_OK && id != LX_E_LIMIT && id != LX_E_NOMEM))
            abort();
        if (conv == LX_OK) {
            if (lx_mapi_to_eml(&m, "msg", &again) != LX_OK || again.len != eml.len ||
                memcmp(again.buf, eml.buf, eml.len) != 0)
                abort();
            check_header(eml.buf, eml.len);
            lx_message msg;
            if (lx_message_parse(&msg, eml.buf, eml.len, NULL) == LX_OK)
                lx_message_release(&msg);
        }
    }
    lx_mapi_msg_release(&m);
    lx_strbuf_release(&why);
    lx_strbuf_release(&eml);
    lx_strbuf_release(&again);
    return 0;
}
