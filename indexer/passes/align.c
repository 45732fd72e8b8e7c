/* align.c - chain corroboration: a message found in order in a quote, headers checked. */
#include "align.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "grow.h"
#include "quotedate.h"
#include "thread.h"
#include "utf8.h"
#include "banned.h"

static bool word_eq(const lx_quote_words *a, size_t i, const lx_quote_words *b, size_t j)
{
    return a->hash[i] == b->hash[j] && strcmp(lx_quote_word(a, i), lx_quote_word(b, j)) == 0;
}

/* A mark that a quote was cut there: words missing from it are allowed. */
static bool is_snip(const char *w)
{
    static const char *const marks[] = {
        "[...]",  "[\xE2\x80\xA6]", "\xE2\x80\xA6",   "...",  "<snip>",
        "[snip]", "(...)",          "(\xE2\x80\xA6)", "[..]", "<...>"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strcmp(w, marks[i]) == 0)
            return true;
    return false;
}

enum { KGRAM = 4 };

typedef struct block {
    size_t a, b, len;
} block;

/* Words a[a0..a1) against quote words b[b0..b1). */
typedef struct gap {
    size_t a0, a1, b0, b1;
} gap;

static uint64_t kgram_hash(const lx_quote_words *w, size_t i)
{
    uint64_t h = 0x9e3779b97f4a7c15u;
    for (size_t k = 0; k < KGRAM; k++)
        h = (h ^ w->hash[i + k]) * 0xff51afd7ed558ccdu;
    return h;
}

/* Monotone matched blocks of a in b: anchored on 4-word sequences, each
 * extended to its longest, then back into the gap before it. */
static lx_status align(const lx_quote_words *a, const lx_quote_words *b, block **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (a->n < KGRAM || b->n < KGRAM)
        return LX_OK;
    size_t nk = b->n - KGRAM + 1;
    size_t cap = 16;
    while (cap < nk * 2)
        cap *= 2;
    int32_t *head = malloc(cap * sizeof *head);
    int32_t *next = malloc(nk * sizeof *next);
    uint64_t *kh = malloc(nk * sizeof *kh);
    block *v = NULL;
    size_t nv = 0, alloc = 0;
    lx_status st = LX_OK;
    if (!head || !next || !kh) {
        st = LX_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < cap; i++)
        head[i] = -1;
    for (size_t j = nk; j-- > 0;) { /* ascending chains */
        kh[j] = kgram_hash(b, j);
        size_t slot = (size_t)(kh[j] & (cap - 1));
        next[j] = head[slot];
        head[slot] = (int32_t)j;
    }
    size_t i = 0, bpos = 0;
    while (i + KGRAM <= a->n) {
        uint64_t h = kgram_hash(a, i);
        size_t best_j = 0, best_len = 0;
        int tries = 0;
        for (int32_t j = head[h & (cap - 1)]; j >= 0 && tries < LX_CHAIN_MAX_TRIES;
             j = next[j], tries++) {
            size_t ju = (size_t)j;
            if (ju < bpos || kh[ju] != h)
                continue;
            size_t len = 0;
            while (i + len < a->n && ju + len < b->n && word_eq(a, i + len, b, ju + len))
                len++;
            if (len >= KGRAM && len > best_len) {
                best_len = len;
                best_j = ju;
            }
        }
        if (!best_len) {
            i++;
            continue;
        }
        if (!lx_grow((void **)&v, &alloc, nv + 1, sizeof *v)) {
            st = LX_E_NOMEM;
            goto done;
        }
        v[nv++] = (block){i, best_j, best_len};
        i += best_len;
        bpos = best_j + best_len;
    }
    for (size_t k = 0; k < nv; k++) {
        size_t lo_a = k ? v[k - 1].a + v[k - 1].len : 0;
        size_t lo_b = k ? v[k - 1].b + v[k - 1].len : 0;
        while (v[k].a > lo_a && v[k].b > lo_b && word_eq(a, v[k].a - 1, b, v[k].b - 1)) {
            v[k].a--;
            v[k].b--;
            v[k].len++;
        }
    }
done:
    free(head);
    free(next);
    free(kh);
    if (st)
        free(v);
    else {
        *out = v;
        *n_out = nv;
    }
    return st;
}

/* Words of b[from..to) that are not cut marks. */
static size_t real_words(const lx_quote_words *b, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t j = from; j < to; j++)
        n += !is_snip(lx_quote_word(b, j));
    return n;
}

/* Appends up to 8 words of w[from..to) to out, between guillemets. */
static void quote_words(char *out, size_t size, const lx_quote_words *w, size_t from, size_t to)
{
    size_t len = strlen(out);
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    lx_status st = lx_strbuf_addstr(&sb, "\xC2\xAB");
    for (size_t j = from; j < to && j < from + 8 && !st; j++)
        st = lx_strbuf_addf(&sb, "%s%s", j > from ? " " : "", lx_quote_word(w, j));
    if (!st && to > from + 8)
        st = lx_strbuf_addstr(&sb, " \xE2\x80\xA6");
    if (!st)
        st = lx_strbuf_addstr(&sb, "\xC2\xBB");
    if (!st && len + 1 < size) {
        size_t n = lx_utf8_cut(sb.buf, sb.len, size - len - 1);
        memcpy(out + len, sb.buf, n);
        out[len + n] = '\0';
    }
    lx_strbuf_release(&sb);
}

static void append(char *out, size_t size, const char *s)
{
    size_t len = strlen(out);
    if (len + 1 >= size)
        return;
    size_t n = lx_utf8_cut(s, strlen(s), size - len - 1);
    memcpy(out + len, s, n);
    out[len + n] = '\0';
}

/* --- header blocks ------------------------------------------------------------- */

static bool addr_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("._%+-'", c);
}

/* Whether s names address addr (compared without case); *any is set when it
 * holds any address at all. */
static bool names_address(const char *s, const char *addr, bool *any)
{
    *any = false;
    size_t alen = strlen(addr);
    for (const char *at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
        const char *b = at, *e = at + 1;
        while (b > s && addr_char(b[-1]))
            b--;
        while (*e && (addr_char(*e) && *e != '\''))
            e++;
        while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
            e--;
        if (b == at || e == at + 1)
            continue;
        *any = true;
        size_t n = (size_t)(e - b);
        if (n == alen && strncasecmp(b, addr, n) == 0)
            return true;
    }
    return false;
}

/* Whether every word of name (folded, punctuation aside) is a word of s. */
static bool names_person(const char *s, const char *name, bool *checked)
{
    lx_strbuf fs, fn;
    lx_strbuf_init(&fs);
    lx_strbuf_init(&fn);
    *checked = false;
    bool all = true;
    if (lx_quote_fold(&fs, s, strlen(s)) || lx_quote_fold(&fn, name, strlen(name))) {
        all = false;
        goto done;
    }
    for (size_t i = 0; i < fs.len; i++)
        if (strchr(",;:\"'<>()[]", fs.buf[i]))
            fs.buf[i] = ' ';
    const char *delim = " ,;:\"'<>()[]\t";
    const char *p = fn.buf;
    while (*p) {
        p += strspn(p, delim);
        size_t wl = strcspn(p, delim);
        if (!wl)
            break;
        *checked = true;
        bool found = false;
        for (const char *q = fs.buf; !found && *q;) {
            q += strspn(q, " \t");
            size_t ql = strcspn(q, " \t");
            if (!ql)
                break;
            if (ql == wl && memcmp(q, p, wl) == 0)
                found = true;
            q += ql;
        }
        if (!found)
            all = false;
        p += wl;
    }
done:
    lx_strbuf_release(&fs);
    lx_strbuf_release(&fn);
    return all && *checked;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Whether a date read from a quote agrees with the message's UTC date: with
 * a zone, to the minute; without one, to the minute at some offset from UTC
 * between -12:00 and +14:00 in steps of 15 minutes; a day alone, when the
 * message's date falls on it at some such offset. */
static bool date_agrees(int64_t quoted, bool zone, bool time, int64_t utc)
{
    if (!time)
        return utc > quoted - 14 * 3600 - 1 && utc < quoted + 86400 + 12 * 3600;
    int64_t d = floor_div(quoted, 60) - floor_div(utc, 60);
    if (zone)
        return d == 0;
    return d >= -12 * 60 && d <= 14 * 60 && floor_div(d, 15) * 15 == d;
}

static void check_header(const lx_quote_block *blk, const lx_align_message *m, lx_align_result *r)
{
    char agreed[64] = "";
    /* Sender: an address must be the message's; without one, its name. */
    bool any = false, checked = false;
    bool from_ok =
        m->from_address && *m->from_address && names_address(blk->from, m->from_address, &any);
    if (!any && m->from_name && *m->from_name)
        from_ok = names_person(blk->from, m->from_name, &checked);
    if (!from_ok && (any || checked)) {
        r->status = LX_CHAIN_MISMATCH;
        snprintf(r->detail, sizeof r->detail, "the quoted header names another sender: \xC2\xAB");
        append(r->detail, sizeof r->detail, blk->from);
        append(r->detail, sizeof r->detail, "\xC2\xBB");
        return;
    }
    append(agreed, sizeof agreed, from_ok ? "from" : "from?");
    int64_t t;
    bool zone, time;
    if (!m->has_date || !lx_quotedate_parse(blk->date, &t, &zone, &time)) {
        append(agreed, sizeof agreed, ",date?");
    } else if (date_agrees(t, zone, time, m->date)) {
        append(agreed, sizeof agreed, ",date");
    } else {
        r->status = LX_CHAIN_MISMATCH;
        snprintf(r->detail, sizeof r->detail, "the quoted header gives another date: \xC2\xAB");
        append(r->detail, sizeof r->detail, blk->attribution ? "(attribution) " : "");
        append(r->detail, sizeof r->detail, blk->date);
        append(r->detail, sizeof r->detail, "\xC2\xBB");
        return;
    }
    if (!blk->attribution && *blk->subject) {
        lx_strbuf x, y;
        lx_strbuf_init(&x);
        lx_strbuf_init(&y);
        bool rx, ry;
        bool same = lx_thread_base_subject(&x, blk->subject, &rx) == LX_OK &&
                    lx_thread_base_subject(&y, m->subject ? m->subject : "", &ry) == LX_OK &&
                    x.len == y.len && memcmp(x.buf, y.buf, x.len) == 0;
        lx_strbuf_release(&x);
        lx_strbuf_release(&y);
        if (!same) {
            r->status = LX_CHAIN_MISMATCH;
            snprintf(r->detail, sizeof r->detail,
                     "the quoted header gives another subject: \xC2\xAB");
            append(r->detail, sizeof r->detail, blk->subject);
            append(r->detail, sizeof r->detail, "\xC2\xBB");
            return;
        }
        append(agreed, sizeof agreed, ",subject");
    }
    snprintf(r->detail, sizeof r->detail, "%s", agreed);
}

/* The last boundary (stretch start or block position) at or before pos, and
 * the first one after pos (or n). */
static void boundaries(const lx_quote *q, size_t pos, size_t *before, size_t *after)
{
    *before = 0;
    *after = q->words.n;
    for (size_t i = 0; i < q->n_starts; i++) {
        size_t s = q->starts[i];
        if (s <= pos && s > *before)
            *before = s;
        if (s > pos && s < *after)
            *after = s;
    }
    for (size_t i = 0; i < q->n_blocks; i++) {
        size_t s = q->blocks[i].pos;
        if (s <= pos && s > *before)
            *before = s;
        if (s > pos && s < *after)
            *after = s;
    }
}

void lx_align_compare(const lx_quote_words *a, const lx_align_message *m, const lx_quote *q,
                      unsigned threshold, lx_align_result *r)
{
    memset(r, 0, sizeof *r);
    r->words = a->n;
    const lx_quote_words *b = &q->words;
    if (a->over || a->n < LX_CHAIN_MIN_WORDS || b->n < LX_CHAIN_MIN_WORDS)
        return;
    block *v = NULL;
    size_t nv = 0;
    if (align(a, b, &v, &nv) != LX_OK || !nv) {
        free(v);
        return;
    }
    size_t matched = 0;
    for (size_t k = 0; k < nv; k++)
        matched += v[k].len;
    r->matched = matched;
    r->coverage = (unsigned)(matched * 100 / a->n);
    /* Inside the part quoted, a gap with words on both sides is a change, a
     * gap with words in the quote only an addition; words only in the
     * message were left out, which is allowed. At the edges of the stretch
     * of quote it lies in, only a change counts. */
    bool changed = false, added = false;
    size_t first_b = v[0].b, end_b = v[nv - 1].b + v[nv - 1].len;
    size_t end_a = v[nv - 1].a + v[nv - 1].len;
    size_t seg_start, seg_end, unused;
    boundaries(q, first_b, &seg_start, &unused);
    boundaries(q, end_b - 1, &unused, &seg_end);
    gap first = {0, 0, 0, 0};
    bool have_first = false;
    char detail[sizeof r->detail] = "";
    for (size_t k = 0; k <= nv; k++) {
        size_t a0, a1, b0, b1;
        bool edge = k == 0 || k == nv;
        if (k == 0) {
            a0 = 0, a1 = v[0].a, b0 = seg_start, b1 = first_b;
        } else if (k == nv) {
            a0 = end_a, a1 = a->n, b0 = end_b, b1 = seg_end;
        } else {
            a0 = v[k - 1].a + v[k - 1].len, a1 = v[k].a;
            b0 = v[k - 1].b + v[k - 1].len, b1 = v[k].b;
        }
        if (b1 < b0)
            b1 = b0;
        size_t gb = real_words(b, b0, b1);
        /* At an edge, quoted words far more numerous than the words left
         * out are other text sharing the stretch (a quote within the
         * quote whose attribution was not recognized), not a change. */
        bool ch = a1 > a0 && gb > 0 && !(edge && gb > (a1 - a0) + 8);
        bool ad = !edge && a1 == a0 && gb > 0;
        if ((ch || ad) && !have_first) {
            first = (gap){a0, a1, b0, b1};
            have_first = true;
        }
        changed = changed || ch;
        added = added || ad;
    }
    if (changed || added) {
        snprintf(detail, sizeof detail, "%s: ", changed ? "words changed" : "words added");
        if (first.a1 > first.a0) {
            quote_words(detail, sizeof detail, a, first.a0, first.a1);
            append(detail, sizeof detail, " quoted as ");
        }
        quote_words(detail, sizeof detail, b, first.b0, first.b1);
    }
    free(v);
    if (changed || added) {
        /* Only a quote that is clearly of this message says it differs. */
        if (matched >= LX_CHAIN_MIN_WORDS && matched * 2 >= a->n) {
            r->status = LX_CHAIN_MISMATCH;
            snprintf(r->detail, sizeof r->detail, "%s", detail);
        }
        return;
    }
    if (matched < LX_CHAIN_MIN_WORDS || r->coverage < threshold)
        return;
    /* The header block that introduces the stretch quoted, if any. */
    size_t stretch = 0;
    for (size_t i = 0; i < q->n_starts; i++)
        if (q->starts[i] <= first_b && q->starts[i] > stretch)
            stretch = q->starts[i];
    const lx_quote_block *blk = NULL;
    for (size_t i = 0; i < q->n_blocks; i++)
        if (q->blocks[i].pos <= first_b && q->blocks[i].pos >= stretch)
            blk = &q->blocks[i];
    r->status = LX_CHAIN_CORROBORATED;
    if (!blk) {
        snprintf(r->detail, sizeof r->detail, "none");
        return;
    }
    check_header(blk, m, r);
}
