/* fuzz_html.c - the HTML text extractor on arbitrary (repaired) text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "htmltext.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    xmlInitParser();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lx_strbuf in, out;
    lx_strbuf_init(&in);
    lx_strbuf_init(&out);
    /* The body path repairs UTF-8 before the HTML parser sees it. */
    if (lx_utf8_sanitize(&in, (const char *)data, size, NULL) == LX_OK) {
        if (lx_htmltext_extract(&out, in.buf, in.len) != LX_OK)
            abort();
        if (!lx_utf8_valid(out.buf, out.len))
            abort();
    }
    lx_strbuf_release(&in);
    lx_strbuf_release(&out);
    return 0;
}
