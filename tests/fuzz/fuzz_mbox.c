/* fuzz_mbox.c - sniffing and splitting arbitrary bytes as an mbox. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mbox.h"
#include "sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *d = (const char *)data;
    (void)lx_sniff_data(d, size);
    lx_mbox_iter it;
    lx_mbox_msg m;
    lx_mbox_iter_init(&it, d, size);
    size_t last = 0;
    while (lx_mbox_next(&it, &m)) {
        /* Messages are in order, inside the buffer, never overlapping. */
        if (m.from_line < last || m.start < m.from_line || m.end < m.start || m.end > size)
            abort();
        last = m.end;
        lx_strbuf c;
        lx_strbuf_init(&c);
        if (lx_mbox_canonical(&c, d + m.start, m.end - m.start, true) != LX_OK)
            abort();
        lx_strbuf_release(&c);
    }
    return 0;
}
