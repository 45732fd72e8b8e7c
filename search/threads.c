/* threads.c - a thread's messages as a conversation: who answers whom. */
#include "threads.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "hitkeys.h"
#include "schema.h"
#include "banned.h"

/* The index in recs[0..n) of the message record i answers, SIZE_MAX when
 * none of them. */
static size_t parent_of(const lx_record *recs, size_t n, size_t i)
{
    /* Candidates: In-Reply-To, then References from the nearest. */
    const char *want[1 + LX_MAX_THREAD_REFS];
    size_t nw = 0;
    const char *irt = lx_record_get(&recs[i], LX_DATA_IN_REPLY_TO);
    if (irt && *irt)
        want[nw++] = irt;
    for (size_t k = recs[i].n; k-- > 0 && nw < sizeof want / sizeof want[0];)
        if (strcmp(recs[i].pairs[k].key, LX_DATA_REFERENCES) == 0 && *recs[i].pairs[k].value)
            want[nw++] = recs[i].pairs[k].value;
    for (size_t w = 0; w < nw; w++) {
        for (size_t j = 0; j < n; j++) {
            const char *mid = lx_record_get(&recs[j], LX_DATA_MESSAGE_ID);
            if (j != i && mid && strcmp(mid, want[w]) == 0)
                return j;
        }
    }
    return SIZE_MAX;
}

lx_status lx_threads_depths(lx_record *recs, size_t n)
{
    size_t *parent = malloc((n ? n : 1) * sizeof *parent);
    if (!parent)
        return LX_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        parent[i] = parent_of(recs, n, i);
    lx_status st = LX_OK;
    for (size_t i = 0; i < n && !st; i++) {
        size_t depth = 0;
        /* A loop of references ends the walk: at most n steps. */
        for (size_t j = parent[i]; j != SIZE_MAX && depth < n; j = parent[j])
            depth++;
        if (depth >= n)
            depth = 0;
        if (depth > LX_MAX_THREAD_INDENT)
            depth = LX_MAX_THREAD_INDENT;
        char num[24];
        snprintf(num, sizeof num, "%zu", depth);
        st = lx_record_add_str(&recs[i], LX_HIT_THREAD_DEPTH, num);
    }
    free(parent);
    return st;
}
