/* record.c - the document data: an ordered list of key=value pairs. */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "banned.h"

void lx_record_init(lx_record *r)
{
    r->pairs = NULL;
    r->n = r->alloc = 0;
}

void lx_record_release(lx_record *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->pairs[i].key);
        free(r->pairs[i].value);
    }
    free(r->pairs);
    lx_record_init(r);
}

lx_status lx_record_add(lx_record *r, const char *key, const char *value, size_t len)
{
    if (!lx_grow((void **)&r->pairs, &r->alloc, r->n + 1, sizeof *r->pairs))
        return LX_E_NOMEM;
    char *k = strdup(key);
    char *v = malloc(len + 1);
    if (!k || !v) {
        free(k);
        free(v);
        return LX_E_NOMEM;
    }
    if (len)
        memcpy(v, value, len);
    v[len] = '\0';
    r->pairs[r->n++] = (lx_record_pair){k, v, len};
    return LX_OK;
}

lx_status lx_record_add_str(lx_record *r, const char *key, const char *value)
{
    return lx_record_add(r, key, value ? value : "", value ? strlen(value) : 0);
}

const char *lx_record_get(const lx_record *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->pairs[i].key, key) == 0)
            return r->pairs[i].value;
    return NULL;
}

int lx_record_has(const lx_record *r, const char *key, const char *value)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->pairs[i].key, key) == 0 && strcmp(r->pairs[i].value, value) == 0)
            return 1;
    return 0;
}

void lx_record_remove(lx_record *r, const char *key)
{
    size_t j = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->pairs[i].key, key) == 0) {
            free(r->pairs[i].key);
            free(r->pairs[i].value);
        } else {
            r->pairs[j++] = r->pairs[i];
        }
    }
    r->n = j;
}

lx_status lx_record_serialize(const lx_record *r, lx_strbuf *out)
{
    lx_status st = LX_OK;
    for (size_t i = 0; i < r->n && !st; i++) {
        const lx_record_pair *p = &r->pairs[i];
        st = lx_strbuf_addstr(out, p->key);
        if (!st)
            st = lx_strbuf_addch(out, '=');
        size_t run = 0;
        for (size_t k = 0; k < p->value_len && !st; k++) {
            const char *rep = NULL;
            switch (p->value[k]) {
            case '\\': rep = "\\\\"; break;
            case '\n': rep = "\\n"; break;
            case '\r': rep = "\\r"; break;
            case '\0': rep = "\\0"; break;
            default: continue;
            }
            st = lx_strbuf_add(out, p->value + run, k - run);
            if (!st)
                st = lx_strbuf_addstr(out, rep);
            run = k + 1;
        }
        if (!st)
            st = lx_strbuf_add(out, p->value + run, p->value_len - run);
        if (!st)
            st = lx_strbuf_addch(out, '\n');
    }
    return st;
}

lx_status lx_record_parse(lx_record *r, const char *data, size_t len)
{
    lx_strbuf key, val;
    lx_strbuf_init(&key);
    lx_strbuf_init(&val);
    lx_status st = LX_OK;
    size_t i = 0;
    while (i < len && !st) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        const char *eq = memchr(data + i, '=', end - i);
        if (eq) {
            lx_strbuf_reset(&key);
            lx_strbuf_reset(&val);
            st = lx_strbuf_add(&key, data + i, (size_t)(eq - (data + i)));
            /* The value: runs of plain bytes copied whole, each escape
             * (a backslash and the byte after it) undone. */
            for (size_t k = (size_t)(eq - data) + 1; k < end && !st;) {
                const char *bs = memchr(data + k, '\\', end - k);
                size_t run = bs ? (size_t)(bs - (data + k)) : end - k;
                st = lx_strbuf_add(&val, data + k, run);
                k += run;
                if (st || k >= end)
                    break;
                if (k + 1 == end) { /* a backslash that ends the line stays */
                    st = lx_strbuf_addch(&val, '\\');
                    break;
                }
                char e = data[k + 1];
                st = lx_strbuf_addch(&val, e == 'n' ? '\n' : e == 'r' ? '\r' : e == '0' ? '\0' : e);
                k += 2;
            }
            if (!st)
                st = lx_record_add(r, key.buf, val.buf, val.len);
        }
        i = end + 1;
    }
    lx_strbuf_release(&key);
    lx_strbuf_release(&val);
    return st;
}
