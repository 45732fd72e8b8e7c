/* daterange.c - the messages dated in a range, answered from the index's
 * month terms. */
#include "daterange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "grow.h"
#include "schema.h"
#include "strbuf.h"
#include "banned.h"

static lx_status out_of_memory(lx_db *db)
{
    return lx_db_fail(db, LX_E_NOMEM, "out of memory");
}

/* The month terms of a date range read so far, and what they make. */
typedef struct month_walk {
    bool has_lo, has_hi;
    int64_t lo, hi;
    size_t prefix_len;
    const lx_xq *range; /* the range over the date slot */
    lx_xq **parts;
    size_t n, alloc;
    lx_strbuf last_year, term;
    bool not_month; /* a term under the month prefix the indexer does not write */
    bool nomem;
} month_walk;

static bool inside(const month_walk *w, int64_t first, int64_t last)
{
    return (!w->has_lo || first >= w->lo) && (!w->has_hi || last <= w->hi);
}

static void forget_parts(month_walk *w)
{
    for (size_t i = 0; i < w->n; i++)
        lx_xq_free(w->parts[i]);
    w->n = 0;
    lx_strbuf_reset(&w->last_year);
}

static void add_part(month_walk *w, lx_xq *q)
{
    if (!q || !lx_grow((void **)&w->parts, &w->alloc, w->n + 1, sizeof *w->parts)) {
        lx_xq_free(q);
        w->nomem = true;
        return;
    }
    w->parts[w->n++] = q;
}

/* One month term, "XM2017-04": its year's term when the whole year is in
 * the range, its own when the whole month is, else its own filtered by the
 * range (only its messages' dates are read). */
static int on_month(void *ctx, const char *term, size_t len)
{
    month_walk *w = ctx;
    if (!term) {
        forget_parts(w);
        return 0;
    }
    const char *v = term + w->prefix_len;
    /* Month terms are "YYYY-MM"; other fields' terms share the prefix
     * (XMID...) and start with a letter. */
    if (len == w->prefix_len || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9')))
        return 1;
    int y, m;
    char tail;
    if (sscanf(v, "%d-%d%c", &y, &m, &tail) != 2 || m < 1 || m > 12) {
        w->not_month = true;
        return 1;
    }
    int64_t first = lx_date_from_civil(y, m, 1, 0, 0, 0);
    int64_t last = (m == 12 ? lx_date_from_civil(y + 1, 1, 1, 0, 0, 0)
                            : lx_date_from_civil(y, m + 1, 1, 0, 0, 0)) -
                   1;
    if ((w->has_hi && first > w->hi) || (w->has_lo && last < w->lo))
        return 0;
    size_t year_len = (size_t)(strrchr(v, '-') - v);
    if (inside(w, lx_date_from_civil(y, 1, 1, 0, 0, 0),
               lx_date_from_civil(y + 1, 1, 1, 0, 0, 0) - 1)) {
        if (w->last_year.len != year_len || memcmp(w->last_year.buf, v, year_len) != 0) {
            lx_strbuf_reset(&w->term);
            if (lx_strbuf_addstr(&w->term, lx_schema_prefix(LX_F_YEAR)) ||
                lx_strbuf_add(&w->term, v, year_len))
                w->nomem = true;
            else
                add_part(w, lx_xq_term(w->term.buf));
        }
        lx_strbuf_reset(&w->last_year);
        if (lx_strbuf_add(&w->last_year, v, year_len))
            w->nomem = true;
    } else if (inside(w, first, last)) {
        add_part(w, lx_xq_term(term));
    } else {
        add_part(w, lx_xq_join(LX_XQ_FILTER, lx_xq_term(term), lx_xq_copy(w->range)));
    }
    return w->nomem;
}

lx_status lx_daterange_query(lx_db *db, int slot, bool has_lo, int64_t lo, bool has_hi, int64_t hi,
                             lx_xq **out)
{
    *out = NULL;
    if (!has_lo && !has_hi)
        return (*out = lx_xq_match_all()) ? LX_OK : out_of_memory(db);
    lx_xq *range = lx_xq_number_range(slot, has_lo, (double)lo, has_hi, (double)hi);
    if (!range)
        return out_of_memory(db);
    const char *month_prefix = lx_schema_prefix(LX_F_MONTH);
    month_walk w = {.has_lo = has_lo,
                    .has_hi = has_hi,
                    .lo = lo,
                    .hi = hi,
                    .prefix_len = strlen(month_prefix),
                    .range = range};
    lx_strbuf_init(&w.last_year);
    lx_strbuf_init(&w.term);
    lx_status st = lx_db_walk_terms(db, month_prefix, on_month, &w);
    if (!st && !w.nomem) {
        if (w.not_month) {
            *out = range; /* not a month term as the indexer writes them */
            range = NULL;
        } else if (w.n == 0) {
            /* No month holding mail meets the range: it matches nothing.
             * Not Xapian's empty query, which an AND with words would
             * empty as a whole and which then reads as "every message"
             * ("budget date:2031.."): the range itself, which no date
             * meets. */
            *out = range;
            range = NULL;
        } else {
            *out = lx_xq_join_many(LX_XQ_OR, w.parts, w.n);
            w.n = 0;
        }
    }
    if (!st && !*out)
        st = out_of_memory(db);
    forget_parts(&w);
    free(w.parts);
    lx_xq_free(range);
    lx_strbuf_release(&w.last_year);
    lx_strbuf_release(&w.term);
    return st;
}
