/* language.c - leakdex-search's query language: the text of a query and
 * its option filters built into a query through the Xapian wrapper. */
#include "language.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "daterange.h"
#include "grow.h"
#include "schema.h"
#include "strbuf.h"
#include "textfold.h"
#include "utf8.h"
#include "banned.h"

/* A boolean field no query names (leakdex-search refuses it as an unknown
 * field): every document. A query made of negations alone is read with it
 * in front (see parse_text). */
#define EVERYTHING_FIELD "lxeverything"

/* The word parse_text puts after a query, negated, to learn whether Xapian's
 * parser read the query as written; capitalized, so that no stemmer changes
 * it, and no text holds it. */
#define PROBE_WORD "Lxparseprobe"

/* The flags every query text is parsed with. */
#define PARSE_FLAGS                                                                                \
    (LX_XQ_PARSE_BOOLEAN | LX_XQ_PARSE_PHRASE | LX_XQ_PARSE_LOVEHATE | LX_XQ_PARSE_WILDCARD |      \
     LX_XQ_PARSE_PURE_NOT | LX_XQ_PARSE_CJK_NGRAM)

static lx_status out_of_memory(lx_db *db)
{
    return lx_db_fail(db, LX_E_NOMEM, "out of memory");
}

/* One parse of a query's text. Xapian's parser leaks memory when a field
 * processor throws, so the processors below never fail: they note the
 * first problem (st and msg) and match nothing, and the parse is refused
 * once it is over. */
typedef struct parse_state {
    lx_db *db;
    const lx_tz *tz;
    lx_status st;
    lx_strbuf msg;
} parse_state;

/* What a field processor is handed: the parse and the field it answers. */
typedef struct field_ctx {
    parse_state *ps;
    lx_field field;
} field_ctx;

static void note(parse_state *ps, lx_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(parse_state *ps, lx_status st, const char *fmt, ...)
{
    if (ps->st)
        return;
    ps->st = st;
    va_list ap;
    va_start(ap, fmt);
    if (lx_strbuf_vaddf(&ps->msg, fmt, ap) != LX_OK)
        ps->st = LX_E_NOMEM;
    va_end(ap);
}

/* q, or NULL with the problem noted: st (the wrapper's message is on the
 * database) or, when q is NULL, memory that ran out. */
static lx_xq *noted(parse_state *ps, lx_status st, lx_xq *q)
{
    if (st)
        note(ps, st, "%s", lx_db_error(ps->db));
    else if (!q)
        note(ps, LX_E_NOMEM, "out of memory");
    return q;
}

/* Whether s[0..n) is word (lowercase) but for the case of ASCII letters,
 * as the indexer lowercases the values it stores. */
static bool is_word(const char *s, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        if (c != word[i] || !word[i])
            return false;
    }
    return word[n] == '\0';
}

/* value ASCII-lowercased into out; false, noted, when memory runs out. */
static bool lowered(parse_state *ps, const char *value, lx_strbuf *out)
{
    if (lx_utf8_add_ascii_lower(out, value) == LX_OK)
        return true;
    note(ps, LX_E_NOMEM, "out of memory");
    return false;
}

/* --- the field processors ------------------------------------------------- */

/* date:VALUE where VALUE is a date or a range with ".."; the query parser
 * hands a boolean prefix's whole value (up to white space) to this
 * processor. The dates are read on the clocks of the parse's zone. */
static lx_xq *date_field(void *ctx, const char *value)
{
    field_ctx *fc = ctx;
    parse_state *ps = fc->ps;
    bool has_lo, has_hi;
    int64_t lo, hi;
    if (lx_date_parse_range_in(value, ps->tz, &has_lo, &lo, &has_hi, &hi) != LX_OK) {
        note(ps, LX_E_QUERY, "bad date '%s' (use YYYY, YYYY-MM, YYYY-MM-DD or A..B)", value);
        return NULL;
    }
    lx_xq *q = NULL;
    lx_status st = lx_daterange_query(ps->db, lx_schema_slot(fc->field), has_lo, lo, has_hi, hi, &q);
    return noted(ps, st, q);
}

/* Boolean fields whose values are normalized the way the indexer stores
 * them: a Message-ID without its angle brackets, the others lowercased. */
static lx_xq *boolean_field(void *ctx, const char *value)
{
    field_ctx *fc = ctx;
    parse_state *ps = fc->ps;
    lx_strbuf v;
    lx_strbuf_init(&v);
    size_t len = strlen(value);
    bool ok;
    if (fc->field == LX_F_MESSAGE_ID) {
        if (len >= 2 && value[0] == '<' && value[len - 1] == '>')
            ok = lx_strbuf_add(&v, value + 1, len - 2) == LX_OK;
        else
            ok = lx_strbuf_add(&v, value, len) == LX_OK;
        if (!ok)
            note(ps, LX_E_NOMEM, "out of memory");
    } else {
        ok = lowered(ps, value, &v);
    }
    lx_xq *q = NULL;
    if (ok && v.len == 0)
        note(ps, LX_E_QUERY, "empty value for %s:", lx_schema_field(fc->field)->query_name);
    else if (ok && fc->field == LX_F_THREAD) {
        /* The messages whose thread id is v, which the thread pass may
         * have moved there from other threads. */
        lx_status st = lx_xq_thread(ps->db, v.buf, &q);
        q = noted(ps, st, q);
    } else if (ok)
        q = noted(ps, LX_OK, lx_xq_boolean(lx_schema_prefix(fc->field), v.buf));
    lx_strbuf_release(&v);
    return q;
}

/* year:YYYY and month:YYYY-MM in a zone other than UTC: the year and month
 * terms are UTC's, so the zone's year or month is asked for as the range of
 * instants it covers (date_query answers it from those terms, reading dates
 * only in the months its ends cut). A value that is no year or month is
 * looked up as a term, as in UTC. */
static lx_xq *zoned_period_field(void *ctx, const char *value)
{
    field_ctx *fc = ctx;
    parse_state *ps = fc->ps;
    int64_t lo, hi;
    size_t want = fc->field == LX_F_YEAR ? 4 : 7;
    size_t len = strlen(value);
    if (len == want && !strchr(value, 'T') &&
        lx_date_parse_query_in(value, len, ps->tz, &lo, &hi) == LX_OK) {
        lx_xq *q = NULL;
        lx_status st = lx_daterange_query(ps->db, lx_schema_slot(LX_F_DATE), true, lo, true, hi, &q);
        return noted(ps, st, q);
    }
    lx_strbuf v;
    lx_strbuf_init(&v);
    lx_xq *q = NULL;
    if (lowered(ps, value, &v))
        q = noted(ps, LX_OK, lx_xq_boolean(lx_schema_prefix(fc->field), v.buf));
    lx_strbuf_release(&v);
    return q;
}

/* The documents whose chain flag (LX_F_CHAIN: corroborated,
 * LX_F_CHAIN_MISMATCH: a quote that differs) is set: a range over the
 * flag's value slot, which holds "1" or nothing. */
static lx_xq *chain_flag(lx_field f)
{
    return lx_xq_value_range(lx_schema_slot(f), "1", "1");
}

/* chain:corroborated and chain:mismatch. */
static lx_xq *chain_field(void *ctx, const char *value)
{
    field_ctx *fc = ctx;
    parse_state *ps = fc->ps;
    if (is_word(value, strlen(value), "corroborated"))
        return noted(ps, LX_OK, chain_flag(LX_F_CHAIN));
    if (is_word(value, strlen(value), "mismatch"))
        return noted(ps, LX_OK, chain_flag(LX_F_CHAIN_MISMATCH));
    note(ps, LX_E_QUERY, "chain: takes corroborated or mismatch, not '%s'", value);
    return NULL;
}

/* The term the indexer gives a message that verifies as v says. */
static lx_xq *verified_term(lx_verified v)
{
    return lx_xq_boolean(lx_schema_prefix(LX_F_VERIFICATION), lx_verified_name(v));
}

/* verified:yes, partial, no, chain and any, answered from the verification
 * terms and the chain flag. Only yes is verified: a message signed in part
 * (verified:partial) is verified:no too. Corroborated messages are not
 * verified: verified:chain names them alone, verified:any adds them to the
 * verified ones. */
static lx_xq *verified_field(void *ctx, const char *value)
{
    field_ctx *fc = ctx;
    parse_state *ps = fc->ps;
    lx_xq *q;
    if (is_word(value, strlen(value), lx_verified_name(LX_VERIFIED_YES)))
        q = verified_term(LX_VERIFIED_YES);
    else if (is_word(value, strlen(value), lx_verified_name(LX_VERIFIED_PARTIAL)))
        q = verified_term(LX_VERIFIED_PARTIAL);
    else if (is_word(value, strlen(value), lx_verified_name(LX_VERIFIED_NO)))
        q = lx_xq_join(LX_XQ_AND_NOT, lx_xq_match_all(), verified_term(LX_VERIFIED_YES));
    else if (is_word(value, strlen(value), "chain"))
        q = lx_xq_join(LX_XQ_AND_NOT, chain_flag(LX_F_CHAIN), verified_term(LX_VERIFIED_YES));
    else if (is_word(value, strlen(value), "any"))
        q = lx_xq_join(LX_XQ_OR, verified_term(LX_VERIFIED_YES), chain_flag(LX_F_CHAIN));
    else {
        note(ps, LX_E_QUERY, "verified: takes yes, partial, no, chain or any, not '%s'", value);
        return NULL;
    }
    return noted(ps, LX_OK, q);
}

static lx_xq *everything_field(void *ctx, const char *value)
{
    field_ctx *fc = ctx;
    return noted(fc->ps, LX_OK, lx_xq_match_all());
}

/* --- reading a query's text ----------------------------------------------- */

/* How many times a parsed query can match by the probe word (in any
 * field): its positive terms that are the word with a field's prefix. */
typedef struct probe_count {
    char word[sizeof PROBE_WORD];
    size_t n;
} probe_count;

static int count_probe(void *ctx, const char *term, size_t len)
{
    probe_count *pc = ctx;
    size_t wlen = sizeof PROBE_WORD - 1;
    if (len < wlen || memcmp(term + len - wlen, pc->word, wlen) != 0)
        return 0;
    for (size_t i = 0; i < len - wlen; i++)
        if (term[i] < 'A' || term[i] > 'Z')
            return 0;
    pc->n++;
    return 0;
}

static lx_status positive_probes(const lx_xq *q, size_t *n)
{
    probe_count pc = {PROBE_WORD, 0};
    for (size_t i = 0; pc.word[i]; i++)
        if (pc.word[i] >= 'A' && pc.word[i] <= 'Z')
            pc.word[i] = (char)(pc.word[i] - 'A' + 'a');
    lx_status st = lx_xq_positive_terms(q, count_probe, &pc);
    *n = pc.n;
    return st;
}

/* The two scans of a query's text below (the everything field, in:) read
 * it the same way: a word starts at the start, after a blank or after '(',
 * and ends at the first of stops. */
static bool at_word_start(const char *text, size_t i)
{
    return i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '(';
}

static size_t word_end(const char *text, size_t i, const char *stops)
{
    return i + strcspn(text + i, stops);
}

/* Appends text with the everything field before every group a negation
 * may stand alone in: at the start, after '(' and after AND, OR, XOR and
 * NOT (outside quotes). Where a group has a word or a filter, an
 * everything filter changes nothing; where it has only negations (-budget,
 * (-a -b) OR c), they are taken from every message. */
static lx_status with_everything(const char *text, lx_strbuf *out)
{
    static const char base[] = EVERYTHING_FIELD ":1 ";
    static const char *const operators[] = {"AND", "OR", "XOR", "NOT"};
    lx_status st = lx_strbuf_addstr(out, base);
    bool quoted = false;
    size_t i = 0, len = strlen(text);
    while (i < len && !st) {
        char c = text[i];
        bool start = at_word_start(text, i);
        if (c == '"')
            quoted = !quoted;
        if (!quoted && c == '(') {
            st = lx_strbuf_addf(out, "(%s", base);
            i++;
            continue;
        }
        if (!quoted && start) {
            size_t e = word_end(text, i, " \t()\"");
            bool op = false;
            for (size_t k = 0; k < 4 && !op; k++)
                op = e - i == strlen(operators[k]) && memcmp(text + i, operators[k], e - i) == 0;
            if (op) {
                st = lx_strbuf_addf(out, "%.*s %s", (int)(e - i), text + i, base);
                i = e;
                continue;
            }
        }
        st = lx_strbuf_addch(out, c);
        i++;
    }
    return st;
}

/* Parses t into *q; *as_written: whether Xapian read it as written (see
 * parse_text). A problem a processor noted refuses the query. */
static lx_status parse_as_written(lx_xq_parser *qp, parse_state *ps, const char *t, lx_xq **q,
                                  bool *as_written)
{
    lx_xq *probed = NULL;
    lx_strbuf with_probe;
    lx_strbuf_init(&with_probe);
    lx_xq_free(*q);
    *q = NULL;
    lx_status st = lx_xq_parse(qp, t, PARSE_FLAGS, q);
    if (!st && lx_strbuf_addf(&with_probe, "%s -%s", t, PROBE_WORD))
        st = out_of_memory(ps->db);
    if (!st)
        st = lx_xq_parse(qp, with_probe.buf, PARSE_FLAGS, &probed);
    if (!st && ps->st)
        st = lx_db_fail(ps->db, ps->st, ps->msg.buf);
    size_t in_probed = 0, in_q = 0;
    if (!st && (positive_probes(probed, &in_probed) || positive_probes(*q, &in_q)))
        st = out_of_memory(ps->db);
    *as_written = in_probed <= in_q;
    lx_xq_free(probed);
    lx_strbuf_release(&with_probe);
    return st;
}

/* Gives the parser the fields of the schema table, the everything field,
 * where free words are looked for (any of prefixes) and the stemmer. fcs
 * holds one processor context per field. */
static lx_status configure(lx_xq_parser *qp, parse_state *ps, field_ctx *fcs,
                           const char *const *prefixes, size_t n_prefixes, const char *language)
{
    lx_status st = LX_OK;
    for (int i = 0; i < LX_F_COUNT_ && !st; i++) {
        const lx_field_def *d = lx_schema_field((lx_field)i);
        if (!d->query_name)
            continue;
        fcs[i] = (field_ctx){ps, d->field};
        lx_xq_field_fn fn = NULL;
        if (d->kind == LX_KIND_TEXT)
            st = lx_xq_parser_add_prefix(qp, d->query_name, d->prefix);
        else if ((d->field == LX_F_YEAR || d->field == LX_F_MONTH) && !lx_tz_is_utc(ps->tz))
            fn = zoned_period_field;
        else if (d->kind == LX_KIND_BOOLEAN)
            fn = boolean_field;
        else if (d->field == LX_F_DATE)
            fn = date_field;
        else if (d->field == LX_F_VERIFIED)
            fn = verified_field;
        else if (d->field == LX_F_CHAIN)
            fn = chain_field;
        if (fn)
            st = lx_xq_parser_add_boolean(qp, d->query_name, fn, &fcs[i]);
    }
    if (!st)
        st = lx_xq_parser_add_boolean(qp, EVERYTHING_FIELD, everything_field, &fcs[LX_F_COUNT_]);
    /* Free words search every field in prefixes (any of them). */
    for (size_t i = 0; i < n_prefixes && !st; i++)
        st = lx_xq_parser_add_prefix(qp, "", prefixes[i]);
    if (!st)
        st = lx_xq_parser_set_stemmer(qp, language, LX_XQ_STEM_SOME);
    return st;
}

/*
 * Parses text with one language's stemmer: words are stemmed unless they are
 * capitalized or in a phrase (Xapian's STEM_SOME), so "Candidats" and
 * "candidats" in quotes match exactly.
 *
 * Xapian's parser never refuses a query that its grammar rejects without a
 * message of its own ("parse error"): it parses it again with every operator
 * read as a word. "-budget" alone (a negation needs something to take from)
 * would then look for budget, "-from:alice" for Alice's mail: the opposite.
 * Whether that happened shows when the text is parsed again with a negated
 * probe word after it: read as written, the probe is negated; read again as
 * plain words, it is one more word to find. A query whose groups hold only
 * negations is then read with the everything field in front of each group
 * ("everything but"); a query still not read as written is refused.
 */
static lx_status parse_text(lx_db *db, const char *text, const char *language,
                            const char *const *prefixes, size_t n_prefixes, const lx_tz *tz,
                            lx_xq **out)
{
    *out = NULL;
    /* An unclosed quote would swallow the probe (leakdex-search refuses it
     * before this). */
    size_t quotes = 0;
    for (const char *p = text; *p; p++)
        quotes += *p == '"';
    if (quotes % 2)
        return lx_db_fail(db, LX_E_QUERY, "unbalanced '\"'");
    parse_state ps = {.db = db, .tz = tz};
    lx_strbuf_init(&ps.msg);
    lx_strbuf everything;
    lx_strbuf_init(&everything);
    field_ctx fcs[LX_F_COUNT_ + 1];
    fcs[LX_F_COUNT_] = (field_ctx){&ps, LX_F_COUNT_};
    lx_xq_parser *qp = lx_xq_parser_new(db, LX_XQ_AND);
    lx_status st = qp ? configure(qp, &ps, fcs, prefixes, n_prefixes, language) : out_of_memory(db);
    bool as_written = false;
    if (!st)
        st = parse_as_written(qp, &ps, text, out, &as_written);
    if (!st && !as_written && with_everything(text, &everything))
        st = out_of_memory(db);
    if (!st && !as_written)
        st = parse_as_written(qp, &ps, everything.buf, out, &as_written);
    if (!st && !as_written)
        st = lx_db_fail(db, LX_E_QUERY,
                        "cannot read its operators as written (is a word missing beside NEAR or "
                        "ADJ, or written right before '('?)");
    if (st) {
        lx_xq_free(*out);
        *out = NULL;
    }
    lx_xq_parser_free(qp);
    lx_strbuf_release(&everything);
    lx_strbuf_release(&ps.msg);
    return st;
}

/* Where a query's free words are looked for: the body (unprefixed terms),
 * the subject, attachment text and the people (From, To, Cc, Reply-To);
 * in:body and in:attachment narrow that to one. They are taken out of the
 * text (the rest goes to kept); prefixes gets the fields' prefixes. */
static lx_status take_in_field(lx_db *db, const char *text, lx_strbuf *kept,
                               const char *prefixes[4], size_t *n_prefixes)
{
    const char *prefix = NULL;
    bool quoted = false;
    size_t i = 0, len = strlen(text);
    while (i < len) {
        char c = text[i];
        bool start = at_word_start(text, i);
        if (c == '"')
            quoted = !quoted;
        if (!quoted && start && strncmp(text + i, "in:", 3) == 0) {
            size_t e = word_end(text, i, " \t)");
            const char *v = text + i + 3;
            size_t n = e - i - 3;
            lx_field f;
            if (is_word(v, n, "attachment") || is_word(v, n, "attachments"))
                f = LX_F_ATTACH_TEXT;
            else if (is_word(v, n, "body"))
                f = LX_F_BODY;
            else {
                lx_strbuf why;
                lx_strbuf_init(&why);
                lx_status st =
                    lx_strbuf_addf(&why, "in: takes attachment or body, not '%.*s'", (int)n, v);
                st = st ? out_of_memory(db) : lx_db_fail(db, LX_E_QUERY, why.buf);
                lx_strbuf_release(&why);
                return st;
            }
            if (prefix && strcmp(prefix, lx_schema_prefix(f)) != 0)
                return lx_db_fail(db, LX_E_QUERY, "in:attachment and in:body exclude each other");
            prefix = lx_schema_prefix(f);
            i = e;
            continue;
        }
        if (lx_strbuf_addch(kept, c))
            return out_of_memory(db);
        i++;
    }
    if (prefix) {
        prefixes[0] = prefix;
        *n_prefixes = 1;
        return LX_OK;
    }
    prefixes[0] = lx_schema_prefix(LX_F_BODY);
    prefixes[1] = lx_schema_prefix(LX_F_SUBJECT);
    prefixes[2] = lx_schema_prefix(LX_F_ATTACH_TEXT);
    prefixes[3] = lx_schema_prefix(LX_F_PEOPLE);
    *n_prefixes = 4;
    return LX_OK;
}

/* The query of a query's text (NULL, "" or "*": every document). Documents
 * carry French and English stems; a word matches when either language's
 * stem does. */
static lx_status text_query(lx_db *db, const char *text, const lx_tz *tz, lx_xq **out)
{
    *out = NULL;
    lx_strbuf kept;
    lx_strbuf_init(&kept);
    const char *prefixes[4];
    size_t n_prefixes = 0;
    lx_status st = take_in_field(db, text, &kept, prefixes, &n_prefixes);
    const char *a = kept.buf;
    size_t n = kept.len;
    while (n && strchr(" \t\r\n", *a)) {
        a++;
        n--;
    }
    while (n && strchr(" \t\r\n", a[n - 1]))
        n--;
    lx_strbuf_setlen(&kept, (size_t)(a - kept.buf) + n);
    lx_xq *fr = NULL, *en = NULL;
    if (!st && n && !(n == 1 && *a == '*')) {
        st = parse_text(db, a, LX_STEM_FRENCH, prefixes, n_prefixes, tz, &fr);
        if (!st)
            st = parse_text(db, a, LX_STEM_ENGLISH, prefixes, n_prefixes, tz, &en);
        if (!st && lx_xq_same(fr, en)) {
            lx_xq_free(en);
            *out = fr;
        } else if (!st) {
            *out = lx_xq_join(LX_XQ_OR, fr, en);
        } else {
            lx_xq_free(fr);
            lx_xq_free(en);
        }
        if (*out && lx_xq_is_empty(*out)) {
            lx_xq_free(*out);
            *out = NULL;
        } else if (!st && !*out) {
            st = out_of_memory(db);
        }
    }
    if (!st && !*out && !(*out = lx_xq_match_all()))
        st = out_of_memory(db);
    lx_strbuf_release(&kept);
    return st;
}

/* The words of name (folded as the indexer folds text) as a phrase of the
 * text field f: what from:"NAME" finds. */
static lx_status name_query(lx_db *db, lx_field f, const char *name, lx_xq **out)
{
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    lx_status st = lx_textfold_terms(&folded, name, strlen(name));
    if (st == LX_E_NOMEM)
        st = out_of_memory(db);
    else
        st = lx_xq_phrase(db, lx_schema_prefix(f), st ? "" : folded.buf, out);
    lx_strbuf_release(&folded);
    return st;
}

/* One value of --from, --to or --domain: an exact address or domain, or
 * (--from and --to, without '@') a name: the words of from: or to:, in
 * order. */
static lx_status filter_value(lx_db *db, lx_field field, const char *value, lx_xq **out)
{
    if (field != LX_F_FROM_DOMAIN && !strchr(value, '@'))
        return name_query(db, field == LX_F_FROM_ADDR ? LX_F_FROM : LX_F_TO, value, out);
    lx_strbuf v;
    lx_strbuf_init(&v);
    *out = NULL;
    if (lx_utf8_add_ascii_lower(&v, value) == LX_OK)
        *out = lx_xq_boolean(lx_schema_prefix(field), v.buf);
    lx_strbuf_release(&v);
    return *out ? LX_OK : out_of_memory(db);
}

/* *q filtered by the options: any of the values of each, all of the
 * options. */
static lx_status add_option_filters(lx_db *db, const lx_query_opts *o, lx_xq **q)
{
    const struct {
        lx_field field;
        const char *const *values;
        size_t n;
    } filters[] = {{LX_F_FROM_ADDR, o->from_addrs, o->n_from},
                   {LX_F_TO_ADDR, o->to_addrs, o->n_to},
                   {LX_F_FROM_DOMAIN, o->domains, o->n_domains}};
    lx_status st = LX_OK;
    for (size_t k = 0; k < 3 && !st && *q; k++) {
        if (!filters[k].n)
            continue;
        lx_xq *any = NULL;
        for (size_t i = 0; i < filters[k].n; i++) {
            lx_xq *t = NULL;
            st = filter_value(db, filters[k].field, filters[k].values[i], &t);
            if (st) {
                lx_xq_free(any);
                any = NULL;
                break;
            }
            any = i == 0 ? t : lx_xq_join(LX_XQ_OR, any, t);
        }
        *q = lx_xq_join(LX_XQ_FILTER, *q, any);
    }
    if (!st && o->has_attachment)
        *q = lx_xq_join(LX_XQ_FILTER, *q,
                        lx_xq_boolean(lx_schema_prefix(LX_F_HAS), LX_HAS_ATTACHMENT));
    if (!st && o->verified_only)
        *q = lx_xq_join(LX_XQ_FILTER, *q, verified_term(LX_VERIFIED_YES));
    if (!st && (o->has_after || o->has_before)) {
        lx_xq *dates = NULL;
        st = lx_daterange_query(db, lx_schema_slot(LX_F_DATE), o->has_after, o->after, o->has_before,
                        o->before, &dates);
        *q = lx_xq_join(LX_XQ_FILTER, *q, dates);
    }
    if (!st && !*q)
        st = out_of_memory(db);
    return st;
}

lx_status lx_language_build(lx_db *db, const lx_query_opts *o, lx_xq **out)
{
    lx_xq *q = NULL;
    lx_status st = text_query(db, o->text ? o->text : "", o->tz, &q);
    if (!st)
        st = add_option_filters(db, o, &q);
    if (st) {
        lx_xq_free(q);
        q = NULL;
    }
    *out = q;
    return st;
}

static bool upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

bool lx_language_free_word(const char *term, size_t len, size_t *word_at, bool *stem)
{
    if (!len)
        return false;
    const char *fp = lx_schema_prefix(LX_F_ATTACH_TEXT);
    size_t fl = strlen(fp);
    if (len > fl && memcmp(term, fp, fl) == 0 && !upper(term[fl])) {
        *word_at = fl;
        *stem = false;
        return true;
    }
    if (len > fl + 1 && term[0] == LX_XQ_STEM_MARK && memcmp(term + 1, fp, fl) == 0) {
        *word_at = fl + 1;
        *stem = true;
        return true;
    }
    if (term[0] == LX_XQ_STEM_MARK && len > 1 && !upper(term[1])) {
        *word_at = 1;
        *stem = true;
        return true;
    }
    if (upper(term[0]))
        return false;
    *word_at = 0;
    *stem = false;
    return true;
}

static int find_free_word(void *ctx, const char *term, size_t len)
{
    size_t at;
    bool stem;
    bool *found = ctx;
    *found = lx_language_free_word(term, len, &at, &stem);
    return *found;
}

lx_status lx_language_ranks(const lx_xq *q, bool *ranks)
{
    *ranks = false;
    return lx_xq_positive_terms(q, find_free_word, ranks);
}
