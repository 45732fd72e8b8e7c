/* fuzz_snippet.c - snippets of arbitrary text for arbitrary query words. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snippet.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first line holds the query's words, the rest is the text. */
    const char *d = (const char *)data;
    const char *nl = memchr(d, '\n', size);
    size_t wlen = nl ? (size_t)(nl - d) : 0;
    lx_strbuf text, words, out, ranges;
    lx_strbuf_init(&text);
    lx_strbuf_init(&words);
    lx_strbuf_init(&out);
    lx_strbuf_init(&ranges);
    lx_utf8_sanitize(&words, d, wlen, NULL);
    lx_utf8_sanitize(&text, d + wlen, size - wlen, NULL);
    char *plain[8], *stems[8];
    size_t np = 0, ns = 0;
    char *save = NULL;
    for (char *t = strtok_r(words.buf, " ", &save); t && np < 8; t = strtok_r(NULL, " ", &save)) {
        plain[np++] = t;
        if (ns < 8)
            stems[ns++] = t;
    }
    lx_snippet_words w = {plain, np, stems, ns, false};
    if (lx_snippet_make(text.buf, text.len, &w, &out, &ranges) != LX_OK)
        abort();
    if (!lx_utf8_valid(out.buf, out.len) || out.len > 4 * LX_SNIPPET_BYTES + 64)
        abort();
    lx_strbuf_release(&text);
    lx_strbuf_release(&words);
    lx_strbuf_release(&out);
    lx_strbuf_release(&ranges);
    return 0;
}
