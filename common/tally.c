/* tally.c - the values senders, recipients and stats count, written and read back. */
#include "tally.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* A number of the header: empty for NaN; integers (all of them today)
 * without a fraction, anything else exactly. */
static lx_status add_number(lx_strbuf *out, double x, bool tab)
{
    lx_status st = tab ? lx_strbuf_addch(out, '\t') : LX_OK;
    if (st || isnan(x))
        return st;
    if (x > -9e15 && x < 9e15 && x == (double)(long long)x)
        return lx_strbuf_addf(out, "%lld", (long long)x);
    return lx_strbuf_addf(out, "%.17g", x);
}

lx_status lx_tally_format(lx_strbuf *out, const lx_tally *a)
{
    lx_status st;
    if ((st = lx_strbuf_add(out, a->sha, LX_TALLY_KEY_LEN)) ||
        (st = add_number(out, a->date, false)) || (st = add_number(out, a->level, true)))
        return st;
    if (a->full &&
        ((st = add_number(out, a->verdict, true)) || (st = add_number(out, a->attachments, true)) ||
         (st = add_number(out, a->with_text, true)) ||
         (st = add_number(out, (double)a->chain, true))))
        return st;
    if ((st = lx_strbuf_addch(out, '\n')))
        return st;
    return lx_strbuf_add(out, a->lines, a->len);
}

/* The header's numbers from h[0..n): at most max, NaN for an empty one;
 * false when one is not a number. */
static bool parse_numbers(const char *h, size_t n, double *nums, size_t max, size_t *got)
{
    *got = 0;
    for (size_t pos = 0; pos <= n; (*got)++) {
        const char *tab = memchr(h + pos, '\t', n - pos);
        size_t end = tab ? (size_t)(tab - h) : n;
        if (*got == max || end - pos >= 32)
            return false;
        char field[32];
        memcpy(field, h + pos, end - pos);
        field[end - pos] = '\0';
        char *stop = field;
        nums[*got] = end == pos ? NAN : strtod(field, &stop);
        if (end > pos && *stop)
            return false;
        pos = end + 1;
    }
    return true;
}

bool lx_tally_parse(const char *value, size_t len, lx_tally *out)
{
    memset(out, 0, sizeof *out);
    const char *nl = len > LX_TALLY_KEY_LEN
                         ? memchr(value + LX_TALLY_KEY_LEN, '\n', len - LX_TALLY_KEY_LEN)
                         : NULL;
    if (!nl)
        return false;
    memcpy(out->sha, value, LX_TALLY_KEY_LEN);
    out->sha[LX_TALLY_KEY_LEN] = '\0';
    double nums[6];
    size_t got;
    const char *h = value + LX_TALLY_KEY_LEN;
    if (!parse_numbers(h, (size_t)(nl - h), nums, 6, &got) || (got != 2 && got != 6))
        return false;
    out->full = got == 6;
    out->date = nums[0];
    out->level = nums[1];
    out->verdict = out->attachments = out->with_text = NAN;
    if (out->full) {
        out->verdict = nums[2];
        out->attachments = nums[3];
        out->with_text = nums[4];
        if (isnan(nums[5]) || nums[5] < 0 || nums[5] > 3)
            return false;
        out->chain = (unsigned)nums[5];
    }
    out->lines = nl + 1;
    out->len = len - (size_t)(nl + 1 - value);
    return true;
}

lx_status lx_tally_update(const char *value, size_t len, const lx_tally *with, unsigned set,
                          lx_strbuf *out)
{
    lx_tally t;
    if (!lx_tally_parse(value, len, &t))
        return LX_E_INVALID;
    if (set & LX_TALLY_SET_LEVEL)
        t.level = with->level;
    if (t.full && (set & LX_TALLY_SET_VERDICT))
        t.verdict = with->verdict;
    if (t.full && (set & LX_TALLY_SET_CHAIN))
        t.chain = with->chain;
    if (t.full && (set & LX_TALLY_SET_ATTACHMENTS)) {
        t.attachments = with->attachments;
        t.with_text = with->with_text;
    }
    return lx_tally_format(out, &t);
}
