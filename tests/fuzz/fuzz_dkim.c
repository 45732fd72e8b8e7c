/* fuzz_dkim.c - the DKIM-Signature tag parser, the key-record parser and
 * the From reader of alignment. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkim.h"
#include "dkimtags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lx_strbuf out, why;
    lx_strbuf_init(&out);
    lx_strbuf_init(&why);
    lx_dkimtags tags;
    if (lx_dkimtags_parse((const char *)data, size, &tags, &why, false) == LX_OK)
        lx_dkimtags_release(&tags);
    lx_strbuf_reset(&out);
    (void)lx_dkim_parse_from((const char *)data, size, &out);
    /* The same bytes as a key record, then as a signature checked with it. */
    char *txt = strndup((const char *)data, size);
    lx_keystore *ks = lx_keystore_new();
    if (txt && ks && lx_keystore_add(ks, "s._domainkey.example.org", txt, "fuzz") != LX_E_NOMEM) {
        lx_strbuf msg;
        lx_strbuf_init(&msg);
        lx_strbuf_addstr(&msg, "DKIM-Signature: ");
        lx_strbuf_add(&msg, data, size);
        lx_strbuf_addstr(&msg, "\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s; "
                               "h=from; bh=AAAA; b=AAAA\r\nFrom: a@example.org\r\nFrom: ");
        lx_strbuf_add(&msg, data, size);
        lx_strbuf_addstr(&msg, "\r\n\r\nbody\r\n");
        lx_dkim_verdict v;
        if (lx_dkim_verify(ks, msg.buf, msg.len, &v) == LX_OK)
            lx_dkim_verdict_release(&v);
        lx_strbuf_release(&msg);
    }
    lx_keystore_free(ks);
    free(txt);
    lx_strbuf_release(&out);
    lx_strbuf_release(&why);
    return 0;
}
