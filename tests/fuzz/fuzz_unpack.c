/* fuzz_unpack.c - the attachment walk over nested containers: the input is
 * one MIME attachment (its declared type picked by the first byte: ZIP,
 * gzip, TAR, bzip2, xz, 7z, TNEF, an attached message or none), walked as
 * the indexer walks it, under small limits. Checks the walk's promises:
 * numbering, parents and depths, every text valid UTF-8 within its caps
 * (per file, per tree, per message), and that fetching file N returns the
 * bytes extracting listed as N. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "attachtext.h"
#include "caps.h"
#include "message.h"
#include "sha256.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lx_attach_ctx *ctx;     /* fetching */
static lx_attachtext_ctx *text; /* listing with text */
static lx_attach_limits lim;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    lx_message_library_init();
    lx_attach_limits_default(&lim);
    lim.max_bytes = 1 << 20;
    lim.max_text = 64 << 10;
    lim.max_members = 64;
    lim.tree_text = 192 << 10;
    lim.message_text = 256 << 10;
    lx_strbuf why;
    lx_strbuf_init(&why);
    /* No helper: PDF and office documents are not this target's. */
    ctx = lx_attach_ctx_new(&lim, &why);
    text = lx_attachtext_ctx_new(&lim, NULL, &why);
    if (!ctx || !text)
        abort();
    lx_strbuf_release(&why);
    return 0;
}

static void check_fetch(const lx_message *m, const lx_attachment *a)
{
    if (!*a->sha256)
        return;
    lx_strbuf bytes, name;
    lx_strbuf_init(&bytes);
    lx_strbuf_init(&name);
    char hex[LX_SHA256_HEX_LEN + 1];
    if (lx_attach_fetch(ctx, m, a->n, &bytes, &name) != LX_OK ||
        lx_sha256_hex(bytes.buf, bytes.len, hex) != LX_OK || strcmp(hex, a->sha256) != 0)
        abort();
    lx_strbuf_release(&bytes);
    lx_strbuf_release(&name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {
        "application/zip",     "application/gzip", "application/x-tar",
        "application/x-bzip2", "application/x-xz", "application/x-7z-compressed",
        "application/vnd.ms-tnef", "message/rfc822", "application/octet-stream"};
    if (size < 1)
        return 0;
    lx_part part;
    memset(&part, 0, sizeof part);
    part.role = LX_PART_ATTACHMENT;
    part.content_type = (char *)types[data[0] % (sizeof types / sizeof types[0])];
    part.filename = (char *)"attached.bin.gz";
    part.data = malloc(size);
    if (!part.data)
        return 0;
    memcpy(part.data, data + 1, size - 1);
    part.data_len = part.size = size - 1;
    lx_message m;
    memset(&m, 0, sizeof m);
    m.parts = &part;
    m.n_parts = 1;
    lx_attach_list l;
    lx_attach_list_init(&l);
    if (lx_attachtext_extract(text, &m, &l) != LX_OK)
        abort();
    size_t total = 0;
    for (size_t i = 0; i < l.n; i++) {
        const lx_attachment *a = &l.v[i];
        if (a->n != i + 1 || a->parent >= a->n || a->depth > lim.max_depth)
            abort();
        if (a->parent && l.v[a->parent - 1].depth + 1 != a->depth)
            abort();
        if (!a->parent && a->depth != 0)
            abort();
        if (strlen(a->text) != a->text_len || !lx_utf8_valid(a->text, a->text_len) ||
            a->text_len > lim.max_text || !lx_utf8_valid(a->name, strlen(a->name)) ||
            !lx_utf8_valid(a->reason, strlen(a->reason)))
            abort();
        if (a->status > LX_ATT_LIMIT)
            abort();
        total += a->text_len;
    }
    /* One MIME attachment: its tree is the message. */
    if (total > lim.tree_text || total > lim.message_text)
        abort();
    /* Fetching numbers files alike: the first, the last and a few between. */
    for (size_t i = 0; i < l.n; i += l.n / 4 + 1)
        check_fetch(&m, &l.v[i]);
    if (l.n)
        check_fetch(&m, &l.v[l.n - 1]);
    lx_attach_list_release(&l);
    free(part.data);
    return 0;
}
