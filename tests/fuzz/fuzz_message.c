/* fuzz_message.c - the whole path --inspect runs, on arbitrary bytes as one
 * message: canonical form, identity hash, GMime parse, charsets, HTML,
 * DKIM verification, JSON, the thread links the indexer stores and the shard
 * a message goes to. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dkim.h"
#include "inspect.h"
#include "mbox.h"
#include "message.h"
#include "sha256.h"
#include "thread.h"
#include "shard.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    lx_message_library_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lx_strbuf canon, json;
    lx_strbuf_init(&canon);
    lx_strbuf_init(&json);
    char sha[LX_SHA256_HEX_LEN + 1];
    bool mbox = size > 0 && (data[0] & 1);
    if (lx_mbox_canonical(&canon, (const char *)data, size, mbox) == LX_OK &&
        lx_sha256_hex(canon.buf, canon.len, sha) == LX_OK) {
        unsigned n = size ? (unsigned)data[size - 1] % 7 + 1 : 1;
        unsigned shard = lx_shard_of(canon.buf, canon.len, sha, n);
        if (shard < 1 || shard > n)
            abort();
        lx_message msg;
        if (lx_message_parse(&msg, canon.buf, canon.len, NULL) == LX_OK) {
            lx_strbuf links;
            lx_strbuf_init(&links);
            char tid[LX_THREAD_ID_LEN + 1];
            if (lx_thread_links(&links, &msg) != LX_OK ||
                lx_thread_initial_id(links.buf, links.len, sha, tid) != LX_OK)
                abort();
            lx_strbuf_release(&links);
            lx_dkim_verdict v;
            if (lx_dkim_verify(NULL, canon.buf, canon.len, &v) == LX_OK) {
                lx_location loc = {"fuzz", mbox, 0, size, NULL, NULL};
                if (lx_inspect_json(&json, &msg, NULL, sha, canon.len, &loc, true, &v) != LX_OK)
                    abort();
                lx_dkim_verdict_release(&v);
            }
            lx_message_release(&msg);
        }
    }
    lx_strbuf_release(&canon);
    lx_strbuf_release(&json);
    return 0;
}
