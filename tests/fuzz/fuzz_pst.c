/* fuzz_pst.c - the PST/OST reader: the input is a store, opened from
 * memory and walked; every item met is checked (its strings valid UTF-8,
 * its problems within their cap), converted (identity and .eml), and read
 * back by its id, which must give the same identity. libpff itself is not
 * instrumented: a crash inside it shows as a crash, with its input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "mapi.h"
#include "pst.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Items converted per input: a store of thousands of tiny items would
 * make each run slow without reaching more code. */
#define FUZZ_MAX_ITEMS 64

typedef struct run {
    lx_pst *p;
    size_t items;
} run;

static void check_string(const char *s)
{
    if (s && !lx_utf8_valid(s, strlen(s)))
        abort();
}

/* The reader's promises on one item and its embedded messages. */
static void check_msg(const lx_mapi_msg *m, int depth)
{
    const char *strings[] = {m->message_class, m->subject, m->sender_name,
                             m->sender_address, m->representing_name, m->representing_address,
                             m->display_to, m->display_cc, m->display_bcc, m->message_id,
                             m->in_reply_to, m->references, m->transport_headers, m->body,
                             m->html_charset};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        check_string(strings[i]);
    if (m->n_rcpt > LX_OUTLOOK_MAX_RECIPIENTS || m->n_att > LX_OUTLOOK_MAX_ATTACHMENTS ||
        m->n_problems > LX_OUTLOOK_MAX_PROBLEMS || depth > LX_OUTLOOK_MAX_DEPTH)
        abort();
    for (size_t i = 0; i < m->n_rcpt; i++) {
        check_string(m->rcpt[i].name);
        check_string(m->rcpt[i].address);
        check_string(m->rcpt[i].x500);
    }
    for (size_t i = 0; i < m->n_att; i++) {
        const lx_mapi_attach *a = &m->att[i];
        check_string(a->filename);
        check_string(a->mime_type);
        check_string(a->content_id);
        if (a->data_len > LX_OUTLOOK_MAX_PROPERTY_BYTES || (a->data_len && !a->data))
            abort();
        if (a->embedded)
            check_msg(a->embedded, depth + 1);
    }
    for (size_t i = 0; i < m->n_problems; i++)
        check_string(m->problems[i]);
}

static int on_item(void *ctx, const char *const *folders, size_t depth, uint32_t id,
                   const lx_mapi_msg *m, const char *problem)
{
    run *r = ctx;
    if (depth > LX_OUTLOOK_MAX_FOLDER_DEPTH || (!m && !problem) || (m && problem))
        abort();
    for (size_t i = 0; i < depth; i++)
        if (!folders[i])
            abort();
    if (!m)
        return 0;
    check_msg(m, 0);
    char hex[65], again[65];
    lx_strbuf eml;
    lx_strbuf_init(&eml);
    if (lx_mapi_identity(m, hex) || lx_mapi_to_eml(m, "pst item", &eml))
        abort();
    lx_strbuf_release(&eml);
    lx_mapi_msg back;
    lx_mapi_msg_init(&back);
    lx_strbuf why;
    lx_strbuf_init(&why);
    if (lx_pst_item(r->p, id, &back, &why) || lx_mapi_identity(&back, again) ||
        strcmp(hex, again) != 0)
        abort();
    lx_mapi_msg_release(&back);
    lx_strbuf_release(&why);
    return ++r->items >= FUZZ_MAX_ITEMS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lx_strbuf why;
    lx_strbuf_init(&why);
    run r = {0};
    lx_status st = lx_pst_open((const char *)data, size, &r.p, &why);
    if (st == LX_OK) {
        st = lx_pst_walk(r.p, on_item, &r, &why);
        lx_pst_close(r.p);
    }
    /* A refusal always says why. */
    if (st && st != LX_E_NOMEM && !why.len)
        abort();
    lx_strbuf_release(&why);
    return 0;
}
