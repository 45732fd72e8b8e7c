/* fuzz_chain.c - quote extraction, alignment and quoted dates on arbitrary text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "quotedate.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is a message and a reply, split at the first NUL (the whole
 * input is both when there is none); bodies reach the pass as valid UTF-8. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t a_len = nul ? (size_t)(nul - data) : size;
    const uint8_t *b = nul ? nul + 1 : data;
    size_t b_len = nul ? size - a_len - 1 : size;
    lx_strbuf ma, mb;
    lx_strbuf_init(&ma);
    lx_strbuf_init(&mb);
    lx_quote_words a;
    lx_quote q;
    lx_quote_words_init(&a);
    lx_quote_init(&q);
    if (lx_utf8_sanitize(&ma, (const char *)data, a_len, NULL) == LX_OK &&
        lx_utf8_sanitize(&mb, (const char *)b, b_len, NULL) == LX_OK &&
        lx_quote_text(ma.buf, ma.len, &a) == LX_OK &&
        lx_quote_parse(mb.buf, mb.len, size & 1, &q) == LX_OK) {
        lx_align_message m = {"Helene Garnier", "h@example.org", "Visite", true, 1489073100};
        lx_align_result r;
        lx_align_compare(&a, &m, &q, 90, &r);
        if (r.status == LX_CHAIN_CORROBORATED && (r.coverage < 90 || r.matched > a.n))
            abort();
        if (!lx_utf8_valid(r.detail, strlen(r.detail)))
            abort();
        for (size_t i = 0; i < q.n_blocks; i++) {
            int64_t t;
            bool zone, time;
            lx_quotedate_parse(q.blocks[i].date, &t, &zone, &time);
        }
    }
    lx_quote_words_release(&a);
    lx_quote_release(&q);
    lx_strbuf_release(&ma);
    lx_strbuf_release(&mb);
    return 0;
}
