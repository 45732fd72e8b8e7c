/* copies.c - the copies and conflicting copies of a message, found at display time. */
#include "copies.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "hitkeys.h"
#include "schema.h"
#include "banned.h"

/* The document's thread id, from its value slot. */
static lx_status add_thread(lx_db *db, lx_docid id, lx_record *rec)
{
    char *v = NULL;
    size_t len = 0;
    lx_status st = lx_db_get_value(db, id, lx_schema_slot(LX_F_THREAD_ID), &v, &len);
    if (!st)
        st = lx_record_add(rec, LX_HIT_THREAD, v, len);
    free(v);
    return st;
}

/* The document's chain corroboration lines, from their value slot: one
 * "chain" pair per line (the pass rewrites them after the data). */
static lx_status add_chain(lx_db *db, lx_docid id, lx_record *rec)
{
    char *v = NULL;
    size_t len = 0;
    lx_status st = lx_db_get_value(db, id, lx_schema_slot(LX_F_CORROBORATION), &v, &len);
    for (size_t i = 0; !st && i < len;) {
        const char *nl = memchr(v + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - v) : len;
        if (e > i)
            st = lx_record_add(rec, LX_HIT_CHAIN, v + i, e - i);
        i = e + 1;
    }
    free(v);
    return st;
}

lx_status lx_copies_add(lx_db *db, lx_docid id, lx_record *rec)
{
    lx_status st0 = add_thread(db, id, rec);
    if (!st0)
        st0 = add_chain(db, id, rec);
    if (st0)
        return st0;
    const char *msgid = lx_record_get(rec, LX_DATA_MESSAGE_ID);
    const char *sha = lx_record_get(rec, LX_DATA_SHA256);
    const char *fp = lx_record_get(rec, LX_DATA_FINGERPRINT);
    if (!msgid || !*msgid || !sha || !fp)
        return LX_OK;
    lx_strbuf term;
    lx_strbuf_init(&term);
    char **vals = NULL;
    size_t *lens = NULL, n = 0;
    lx_status st = lx_strbuf_addstr(&term, lx_schema_prefix(LX_F_MESSAGE_ID));
    if (!st)
        st = lx_strbuf_addstr(&term, msgid);
    /* "sha256<TAB>fingerprint" from a value slot (no document data), the
     * smallest first: the same list whatever the shard layout. */
    if (!st)
        st = lx_db_term_values(db, term.buf, lx_schema_slot(LX_F_IDENTITY), LX_MAX_COPY_LINKS,
                               &vals, &lens, &n);
    /* The pairs are added after the walk: rec's strings must stay put. */
    lx_record found;
    lx_record_init(&found);
    for (size_t i = 0; i < n && !st; i++) {
        char *v = vals[i];
        char *tab = memchr(v, '\t', lens[i]);
        /* Databases given twice may hold a message twice: list it once. */
        if (!tab || (i && strcmp(vals[i - 1], v) == 0))
            continue;
        size_t sl = (size_t)(tab - v);
        bool self = sl == strlen(sha) && memcmp(v, sha, sl) == 0;
        if (self)
            continue;
        char *fpv = tab + 1;
        *tab = '\0';
        st = lx_record_add_str(&found, strcmp(fpv, fp) == 0 ? LX_HIT_COPY : LX_HIT_CONFLICT, v);
        *tab = '\t';
    }
    for (size_t i = 0; i < found.n && !st; i++)
        st = lx_record_add(rec, found.pairs[i].key, found.pairs[i].value, found.pairs[i].value_len);
    lx_record_release(&found);
    for (size_t i = 0; i < n; i++)
        free(vals[i]);
    free(vals);
    free(lens);
    lx_strbuf_release(&term);
    return st;
}

lx_status lx_hit_record(lx_db *db, const lx_hit *h, lx_record *rec)
{
    lx_record_init(rec);
    char *later = NULL;
    size_t len = h->len;
    lx_status st = h->data ? LX_OK : lx_db_get_data(db, h->id, &later, &len);
    if (!st)
        st = lx_record_parse(rec, h->data ? h->data : later, len);
    free(later);
    if (!st)
        st = lx_copies_add(db, h->id, rec);
    if (!st && h->thread_hits) {
        char num[24];
        snprintf(num, sizeof num, "%zu", h->thread_hits);
        st = lx_record_add_str(rec, LX_HIT_THREAD_HITS, num);
    }
    return st;
}
