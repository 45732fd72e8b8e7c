/* fuzz_doctext.c - leakdex's own readers of attachment formats, in-process:
 * the first byte picks RTF, TNEF, an OOXML/ODF XML part or an archive. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "doctext.h"
#include "rtf.h"
#include "tnef.h"
#include "archives.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    xmlInitParser();
    return 0;
}

typedef struct seen {
    size_t files, bytes;
} seen;

static int on_tnef(void *ctx, const char *title, const char *data, size_t len)
{
    seen *s = ctx;
    s->files++;
    s->bytes += strlen(title) + (len ? (size_t)(unsigned char)data[len - 1] : 0);
    return 0;
}

static int on_member(void *ctx, const char *name, const char *data, size_t len, bool too_big)
{
    seen *s = ctx;
    s->files++;
    if (!too_big && len)
        s->bytes += (unsigned char)data[0] + (unsigned char)data[len - 1] + strlen(name);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    seen s = {0, 0};
    switch (data[0] % 4) {
    case 0:
        /* RTF: valid UTF-8 out, whatever comes in. */
        if (lx_rtf_text(in, n, 1 << 16, &out) != LX_OK)
            abort();
        if (!lx_utf8_valid(out.buf, out.len))
            abort();
        break;
    case 1: {
        lx_strbuf rtf;
        lx_strbuf_init(&rtf);
        lx_status st = lx_tnef_each(in, n, on_tnef, &s, &out, &rtf, &why);
        lx_strbuf_release(&rtf);
        if (st != LX_OK && st != LX_E_PARSE)
            abort();
        break;
    }
    case 2:
        if (lx_doctext_xml(in, n, 1 << 16, &out) != LX_OK)
            abort();
        break;
    case 3: {
        lx_unpack_limits lim = {1 << 20, 100, 100, 1 << 20, NULL, 0};
        lx_unpack_end end;
        if (lx_archives_unpack(in, n, (data[0] & 4) != 0, &lim, on_member, &s, &end, &why) != LX_OK)
            abort();
        if (s.files > 100)
            abort();
        break;
    }
    }
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    return 0;
}
