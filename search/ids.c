/* ids.c - finding a message by its id (a prefix of its SHA-256) and a thread by its id. */
#include "ids.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "strbuf.h"
#include "banned.h"

/* Appends the hex digits of s[0..n) lowercased to out; false when one is
 * not a hex digit. */
static bool add_hex_lower(lx_strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        lx_strbuf_addch(out, c);
    }
    return true;
}

lx_status lx_ids_message(lx_db *db, const char *id, lx_docid *out)
{
    size_t n = strlen(id);
    if (n < LX_MIN_ID_PREFIX || n > 64)
        return LX_E_INVALID;
    lx_strbuf term;
    lx_strbuf_init(&term);
    lx_strbuf_addstr(&term, lx_schema_prefix(LX_F_SHA256));
    if (!add_hex_lower(&term, id, n)) {
        lx_strbuf_release(&term);
        return LX_E_INVALID;
    }
    char **terms = NULL;
    size_t nt = 0;
    lx_docid *ids = NULL;
    size_t nd = 0;
    lx_status st = lx_db_terms_with_prefix(db, term.buf, 2, &terms, &nt);
    if (!st && nt == 0)
        st = LX_E_NOT_FOUND;
    else if (!st && nt > 1)
        st = LX_E_AMBIGUOUS;
    else if (!st && !(st = lx_db_term_docs(db, terms[0], &ids, &nd)) && nd == 0)
        st = LX_E_DB_MODIFIED; /* the term went with its document meanwhile */
    if (!st)
        *out = ids[0];
    for (size_t i = 0; i < nt; i++)
        free(terms[i]);
    free(terms);
    free(ids);
    lx_strbuf_release(&term);
    return st;
}

lx_status lx_ids_thread(lx_db *db, const char *id, char tid[LX_THREAD_HEX + 1])
{
    lx_strbuf hex;
    lx_strbuf_init(&hex);
    tid[0] = '\0';
    bool form = strlen(id) == LX_THREAD_HEX && add_hex_lower(&hex, id, LX_THREAD_HEX);
    lx_status st = LX_OK;
    lx_xq *thread = NULL;
    if (form && !(st = lx_xq_thread(db, hex.buf, &thread))) {
        lx_match_opts any = {.max = 1, .within = thread};
        lx_docid *ids = NULL;
        size_t n = 0;
        st = lx_db_match(db, &any, &ids, &n);
        free(ids);
        if (!st && n > 0)
            memcpy(tid, hex.buf, LX_THREAD_HEX + 1);
    }
    lx_xq_free(thread);
    lx_strbuf_release(&hex);
    if (st || tid[0])
        return st;
    lx_docid doc = 0;
    if ((st = lx_ids_message(db, id, &doc)))
        return st;
    char *v = NULL;
    size_t len = 0;
    st = lx_db_get_value(db, doc, lx_schema_slot(LX_F_THREAD_ID), &v, &len);
    if (!st && len == LX_THREAD_HEX) {
        memcpy(tid, v, LX_THREAD_HEX);
        tid[LX_THREAD_HEX] = '\0';
    }
    free(v);
    return st;
}
