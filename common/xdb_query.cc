// xdb_query.cc - the query language: leakdex-search's syntax parsed into a
// Xapian query.
#include "xdb_internal.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "caps.h"
#include "schema.h"
#include "shard.h"
#include "strbuf.h"
#include "textfold.h"
#include "utf8.h"

using namespace xdb;

namespace
{

Xapian::Query date_query(Xapian::Database &db, int slot, bool has_lo, int64_t lo, bool has_hi,
                         int64_t hi)
{
    if (!has_lo && !has_hi)
        return match_all();
    std::string a = Xapian::sortable_serialise(static_cast<double>(lo));
    std::string b = Xapian::sortable_serialise(static_cast<double>(hi));
    Xapian::Query range = has_lo && has_hi
                              ? Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, a, b)
                          : has_lo ? Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, a)
                                   : Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, b);
    // A value range reads the date of every document. Every dated message
    // also has year and month terms: the months that hold mail are listed
    // (a few hundred terms at most), a whole year inside the range matches by
    // its year term, a whole month by its month term, and only the months
    // cut by an end of the range read dates, of their own messages alone.
    const std::string month_prefix = lx_schema_prefix(LX_F_MONTH);
    const std::string year_prefix = lx_schema_prefix(LX_F_YEAR);
    auto inside = [&](int64_t first, int64_t last) {
        return (!has_lo || first >= lo) && (!has_hi || last <= hi);
    };
    std::vector<Xapian::Query> parts;
    std::string last_year;
    for (auto t = db.allterms_begin(month_prefix); t != db.allterms_end(month_prefix); ++t) {
        const std::string term = *t;
        const std::string v = term.substr(month_prefix.size());
        // Month terms are "YYYY-MM"; other fields' terms share the prefix
        // (XMID...) and start with a letter.
        int y, m;
        char tail;
        if (v.empty() || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9')))
            break;
        if (std::sscanf(v.c_str(), "%d-%d%c", &y, &m, &tail) != 2 || m < 1 || m > 12)
            return range; // not a month term as the indexer writes them
        int64_t first = lx_date_from_civil(y, m, 1, 0, 0, 0);
        int64_t last = (m == 12 ? lx_date_from_civil(y + 1, 1, 1, 0, 0, 0)
                                : lx_date_from_civil(y, m + 1, 1, 0, 0, 0)) -
                       1;
        if ((has_hi && first > hi) || (has_lo && last < lo))
            continue;
        std::string year = v.substr(0, v.rfind('-'));
        if (inside(lx_date_from_civil(y, 1, 1, 0, 0, 0),
                   lx_date_from_civil(y + 1, 1, 1, 0, 0, 0) - 1)) {
            if (year != last_year)
                parts.emplace_back(year_prefix + year);
            last_year = year;
        } else if (inside(first, last)) {
            parts.emplace_back(term);
        } else {
            parts.emplace_back(Xapian::Query::OP_FILTER, Xapian::Query(term), range);
        }
    }
    if (parts.empty())
        return Xapian::Query::MatchNothing;
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

// Xapian's query parser leaks memory when a field processor throws, so the
// processors below never throw: they note the first problem and match
// nothing, and build_query throws once parsing is over.
struct ParseProblem {
    std::string msg;
    void note(const std::string &m)
    {
        if (msg.empty())
            msg = m;
    }
};

// date:VALUE where VALUE is a date or a range with ".."; the query parser hands
// a boolean prefix's whole value (up to white space) to this processor.
// The dates are read on the clocks of tz (NULL: UTC).
class DateProcessor : public Xapian::FieldProcessor
{
    Xapian::Database &db;
    int slot;
    const lx_tz *tz;
    ParseProblem &problem;

  public:
    DateProcessor(Xapian::Database &db_, int slot_, const lx_tz *tz_, ParseProblem &p)
        : db(db_), slot(slot_), tz(tz_), problem(p)
    {
    }
    Xapian::Query operator()(const std::string &str) override
    {
        bool has_lo, has_hi;
        int64_t lo, hi;
        if (lx_date_parse_range_in(str.c_str(), tz, &has_lo, &lo, &has_hi, &hi) != LX_OK) {
            problem.note("bad date '" + str + "' (use YYYY, YYYY-MM, YYYY-MM-DD or A..B)");
            return Xapian::Query::MatchNothing;
        }
        return date_query(db, slot, has_lo, lo, has_hi, hi);
    }
};

// Boolean fields whose values are normalized the way the indexer stores them.
class BooleanProcessor : public Xapian::FieldProcessor
{
    lx_field field;
    ParseProblem &problem;

  public:
    BooleanProcessor(lx_field f, ParseProblem &p) : field(f), problem(p)
    {
    }
    Xapian::Query operator()(const std::string &str) override
    {
        std::string v = str;
        switch (field) {
        case LX_F_MESSAGE_ID:
            if (v.size() >= 2 && v.front() == '<' && v.back() == '>')
                v = v.substr(1, v.size() - 2);
            break;
        default: v = ascii_lower(v); break;
        }
        if (v.empty()) {
            problem.note(std::string("empty value for ") + lx_schema_field(field)->query_name +
                         ":");
            return Xapian::Query::MatchNothing;
        }
        return Xapian::Query(cut_term(lx_schema_prefix(field), v));
    }
};

// year:YYYY and month:YYYY-MM in a zone other than UTC: the year and month
// terms are UTC's, so the zone's year or month is asked for as the range of
// instants it covers (date_query answers it from those terms, reading dates
// only in the months its ends cut). A value that is no year or month is
// looked up as a term, as in UTC.
class ZonedPeriodProcessor : public Xapian::FieldProcessor
{
    Xapian::Database &db;
    lx_field field;
    const lx_tz *tz;

  public:
    ZonedPeriodProcessor(Xapian::Database &db_, lx_field f, const lx_tz *tz_)
        : db(db_), field(f), tz(tz_)
    {
    }
    Xapian::Query operator()(const std::string &str) override
    {
        int64_t lo, hi;
        size_t want = field == LX_F_YEAR ? 4 : 7;
        if (str.size() == want && str.find('T') == std::string::npos &&
            lx_date_parse_query_in(str.data(), str.size(), tz, &lo, &hi) == LX_OK)
            return date_query(db, lx_schema_slot(LX_F_DATE), true, lo, true, hi);
        return Xapian::Query(cut_term(lx_schema_prefix(field), ascii_lower(str)));
    }
};

// The documents whose chain flag (LX_F_CHAIN: corroborated, LX_F_CHAIN_MISMATCH:
// a quote that differs) is set: a range over the flag's value slot, which
// holds "1" or nothing.
Xapian::Query chain_flag(lx_field f)
{
    auto slot = static_cast<Xapian::valueno>(lx_schema_slot(f));
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, "1", "1");
}

// chain:corroborated and chain:mismatch.
class ChainProcessor : public Xapian::FieldProcessor
{
    ParseProblem &problem;

  public:
    explicit ChainProcessor(ParseProblem &p) : problem(p)
    {
    }
    Xapian::Query operator()(const std::string &str) override
    {
        std::string v = ascii_lower(str);
        if (v == "corroborated")
            return chain_flag(LX_F_CHAIN);
        if (v == "mismatch")
            return chain_flag(LX_F_CHAIN_MISMATCH);
        problem.note("chain: takes corroborated or mismatch, not '" + str + "'");
        return Xapian::Query::MatchNothing;
    }
};

// One of the terms the indexer gives what a message verifies: "yes",
// "partial", "aligned".
Xapian::Query verified_term(const char *value)
{
    return Xapian::Query(std::string(lx_schema_prefix(LX_F_VERIFICATION)) + value);
}

// verified:yes, partial, no, chain and any, answered from the verification
// terms and the chain flag. Only yes is verified: a message signed in part
// (verified:partial) is verified:no too.
class VerifiedProcessor : public Xapian::FieldProcessor
{
    ParseProblem &problem;

  public:
    explicit VerifiedProcessor(ParseProblem &p) : problem(p)
    {
    }
    Xapian::Query operator()(const std::string &str) override
    {
        Xapian::Query yes = verified_term("yes");
        std::string v = ascii_lower(str);
        if (v == "yes")
            return yes;
        if (v == "partial")
            return verified_term("partial");
        if (v == "no")
            return Xapian::Query(Xapian::Query::OP_AND_NOT, match_all(), yes);
        // Corroborated messages are not verified: verified:chain names them
        // alone, verified:any adds them to the verified ones.
        Xapian::Query chain = chain_flag(LX_F_CHAIN);
        if (v == "chain")
            return Xapian::Query(Xapian::Query::OP_AND_NOT, chain, yes);
        if (v == "any")
            return Xapian::Query(Xapian::Query::OP_OR, yes, chain);
        problem.note("verified: takes yes, partial, no, chain or any, not '" + str + "'");
        return Xapian::Query::MatchNothing;
    }
};

// A boolean field no query names (leakdex-search refuses it as an unknown
// field): every document. A query made of negations alone is read with it
// in front (see parse_text).
const char EVERYTHING_FIELD[] = "lxeverything";

class EverythingProcessor : public Xapian::FieldProcessor
{
  public:
    Xapian::Query operator()(const std::string &) override
    {
        return match_all();
    }
};

// The word parse_text puts after a query, negated, to learn whether Xapian's
// parser read the query as written; capitalized, so that no stemmer changes
// it, and no text holds it.
const char PROBE_WORD[] = "Lxparseprobe";

// How many times q can match by the probe word (in any field): how often it
// is a positive term.
size_t positive_probes(const Xapian::Query &q)
{
    std::vector<std::string> terms;
    positive_terms(q, terms);
    const std::string word = ascii_lower(PROBE_WORD);
    size_t n = 0;
    for (const std::string &t : terms) {
        size_t cut = t.size() - std::min(t.size(), word.size());
        bool prefix = t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") >= cut;
        if (t.compare(cut, std::string::npos, word) == 0 && prefix)
            n++;
    }
    return n;
}

// The two scans of a query's text below (the everything field, in:) read
// it the same way: a word starts at the start, after a blank or after '(',
// and ends at the first of stops.
bool at_word_start(const std::string &text, size_t i)
{
    return i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '(';
}

size_t word_end(const std::string &text, size_t i, const char *stops)
{
    size_t e = text.find_first_of(stops, i);
    return e == std::string::npos ? text.size() : e;
}

// The text with the everything field before every group a negation may
// stand alone in: at the start, after '(' and after AND, OR, XOR and NOT
// (outside quotes). Where a group has a word or a filter, an everything
// filter changes nothing; where it has only negations (-budget,
// (-a -b) OR c), they are taken from every message.
std::string with_everything(const std::string &text)
{
    const std::string base = std::string(EVERYTHING_FIELD) + ":1 ";
    std::string out = base;
    bool quoted = false;
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        bool start = at_word_start(text, i);
        if (c == '"')
            quoted = !quoted;
        if (!quoted && c == '(') {
            out += "(" + base;
            i++;
            continue;
        }
        if (!quoted && start) {
            size_t e = word_end(text, i, " \t()\"");
            std::string word = text.substr(i, e - i);
            if (word == "AND" || word == "OR" || word == "XOR" || word == "NOT") {
                out += word + " " + base;
                i = e;
                continue;
            }
        }
        out += c;
        i++;
    }
    return out;
}

// Parses text with one language's stemmer: words are stemmed unless they are
// capitalized or in a phrase (Xapian's STEM_SOME), so "Candidats" and
// "candidats" in quotes match exactly.
//
// Xapian's parser never refuses a query that its grammar rejects without a
// message of its own ("parse error"): it parses it again with every operator
// read as a word. "-budget" alone (a negation needs something to take from)
// would then look for budget, "-from:alice" for Alice's mail: the opposite.
// Whether that happened shows when the text is parsed again with a negated
// probe word after it: read as written, the probe is negated; read again as
// plain words, it is one more word to find. A query whose groups hold only
// negations is then read with the everything field in front of each group
// ("everything but"); a query still not read as written is refused.
Xapian::Query parse_text(Xapian::Database &db, const std::string &text, const char *language,
                         const std::vector<std::string> &default_prefixes, const lx_tz *tz)
{
    ParseProblem problem;
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_default_op(Xapian::Query::OP_AND);
    for (int i = 0; i < LX_F_COUNT_; i++) {
        const lx_field_def *d = lx_schema_field(static_cast<lx_field>(i));
        if (!d->query_name)
            continue;
        if (d->kind == LX_KIND_TEXT)
            qp.add_prefix(d->query_name, d->prefix);
        else if ((d->field == LX_F_YEAR || d->field == LX_F_MONTH) && !lx_tz_is_utc(tz))
            qp.add_boolean_prefix(d->query_name,
                                  (new ZonedPeriodProcessor(db, d->field, tz))->release());
        else if (d->kind == LX_KIND_BOOLEAN)
            qp.add_boolean_prefix(d->query_name,
                                  (new BooleanProcessor(d->field, problem))->release());
        else if (d->field == LX_F_DATE)
            qp.add_boolean_prefix(d->query_name,
                                  (new DateProcessor(db, d->slot, tz, problem))->release());
        else if (d->field == LX_F_VERIFIED)
            qp.add_boolean_prefix(d->query_name, (new VerifiedProcessor(problem))->release());
        else if (d->field == LX_F_CHAIN)
            qp.add_boolean_prefix(d->query_name, (new ChainProcessor(problem))->release());
    }
    qp.add_boolean_prefix(EVERYTHING_FIELD, (new EverythingProcessor())->release());
    // Free words search every field in default_prefixes (any of them).
    for (const std::string &p : default_prefixes)
        qp.add_prefix("", p);
    qp.set_stemmer(Xapian::Stem(language));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    // A wildcard past the limit is an error, never a silent subset; the
    // limit is checked over the whole query before this (check_wildcards).
    qp.set_max_expansion(LX_MAX_WILDCARD_TERMS, Xapian::Query::WILDCARD_LIMIT_ERROR,
                         Xapian::QueryParser::FLAG_WILDCARD);
    unsigned flags = Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_PHRASE |
                     Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                     Xapian::QueryParser::FLAG_PURE_NOT | Xapian::QueryParser::FLAG_CJK_NGRAM;
    // An unclosed quote would swallow the probe (leakdex-search refuses it
    // before this).
    if (std::count(text.begin(), text.end(), '"') % 2)
        throw Xapian::QueryParserError("unbalanced '\"'");
    // Parses t into q; false when Xapian did not read it as written.
    auto as_written = [&](const std::string &t, Xapian::Query &q) {
        q = qp.parse_query(t, flags);
        Xapian::Query probed = qp.parse_query(t + " -" + PROBE_WORD, flags);
        if (!problem.msg.empty())
            throw Xapian::QueryParserError(problem.msg);
        return positive_probes(probed) <= positive_probes(q);
    };
    Xapian::Query q;
    if (!as_written(text, q) && !as_written(with_everything(text), q))
        throw Xapian::QueryParserError("cannot read its operators as written (is a word missing "
                                       "beside NEAR or ADJ, or written right before '('?)");
    return q;
}

// Where a query's free words are looked for: the body (unprefixed terms),
// the subject, attachment text and the people (From, To, Cc, Reply-To);
// in:body and in:attachment narrow that to one. They are taken out of the
// text; returns the fields' prefixes.
std::vector<std::string> take_in_field(std::string &text)
{
    std::string prefix, kept;
    bool narrowed = false;
    bool quoted = false;
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        bool start = at_word_start(text, i);
        if (c == '"')
            quoted = !quoted;
        if (!quoted && start && text.compare(i, 3, "in:") == 0) {
            size_t e = word_end(text, i, " \t)");
            std::string v = ascii_lower(text.substr(i + 3, e - i - 3));
            lx_field f;
            if (v == "attachment" || v == "attachments")
                f = LX_F_ATTACH_TEXT;
            else if (v == "body")
                f = LX_F_BODY;
            else
                throw Xapian::QueryParserError("in: takes attachment or body, not '" +
                                               text.substr(i + 3, e - i - 3) + "'");
            std::string p = lx_schema_prefix(f);
            if (narrowed && prefix != p)
                throw Xapian::QueryParserError("in:attachment and in:body exclude each other");
            prefix = p;
            narrowed = true;
            i = e;
            continue;
        }
        kept += c;
        i++;
    }
    text = kept;
    if (narrowed)
        return {prefix};
    return {lx_schema_prefix(LX_F_BODY), lx_schema_prefix(LX_F_SUBJECT),
            lx_schema_prefix(LX_F_ATTACH_TEXT), lx_schema_prefix(LX_F_PEOPLE)};
}

// The words of name (folded as the indexer folds text) as a phrase of the
// text field f: what from:"NAME" finds.
Xapian::Query name_query(Xapian::Database &db, lx_field f, const char *name)
{
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    lx_status st = lx_textfold_terms(&folded, name, std::strlen(name));
    std::string words = st ? std::string() : std::string(folded.buf, folded.len);
    lx_strbuf_release(&folded);
    if (st == LX_E_NOMEM)
        throw std::bad_alloc();
    std::replace(words.begin(), words.end(), '"', ' ');
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.add_prefix("", lx_schema_prefix(f));
    Xapian::Query q = qp.parse_query("\"" + words + "\"", Xapian::QueryParser::FLAG_PHRASE);
    return q.empty() ? Xapian::Query::MatchNothing : q;
}

} // namespace

namespace xdb
{

// The terms of q that can match, for weighing and marking: every term but
// those on the right side of AND NOT and of a filter ("budget -lyon" gives
// budget, not lyon).
void positive_terms(const Xapian::Query &q, std::vector<std::string> &out)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
        for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t)
            out.push_back(*t);
        return;
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
        if (q.get_num_subqueries() > 0)
            positive_terms(q.get_subquery(0), out);
        return;
    default:
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            positive_terms(q.get_subquery(i), out);
        return;
    }
}

// Whether term comes from a query's free words: an unprefixed term (the
// body's), or one of attachment text (in:attachment puts free words there
// alone); stems add "Z" in front. *word gets the word, *stem whether it is a
// stem. A free word's subject twin (XS) is left out, as subject:WORD is.
bool free_text_term(const std::string &term, std::string *word, bool *stem)
{
    if (term.empty())
        return false;
    std::string fp = lx_schema_prefix(LX_F_ATTACH_TEXT);
    auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    if (term.compare(0, fp.size(), fp) == 0 && term.size() > fp.size() && !upper(term[fp.size()])) {
        *word = term.substr(fp.size());
        *stem = false;
        return true;
    }
    if (term.size() > fp.size() + 1 && term[0] == 'Z' && term.compare(1, fp.size(), fp) == 0) {
        *word = term.substr(fp.size() + 1);
        *stem = true;
        return true;
    }
    if (term[0] == 'Z' && term.size() > 1 && !upper(term[1])) {
        *word = term.substr(1);
        *stem = true;
        return true;
    }
    if (upper(term[0]))
        return false;
    *word = term;
    *stem = false;
    return true;
}

// Whether q has free words that weigh its matches: "budget" does;
// from:alice, verified:yes, date:2017 and NOT budget do not.
bool query_ranks(const Xapian::Query &q)
{
    std::vector<std::string> terms;
    positive_terms(q, terms);
    std::string word;
    bool stem;
    for (const std::string &t : terms)
        if (free_text_term(t, &word, &stem))
            return true;
    return false;
}

Xapian::Query build_query(Xapian::Database &db, const lx_query_opts *o)
{
    Xapian::Query q = match_all();
    std::string text = o->text ? o->text : "";
    std::vector<std::string> in_prefix = take_in_field(text);
    size_t a = text.find_first_not_of(" \t\r\n");
    size_t b = text.find_last_not_of(" \t\r\n");
    text = a == std::string::npos ? std::string() : text.substr(a, b - a + 1);
    if (!text.empty() && text != "*") {
        // Documents carry French and English stems; a word matches when
        // either language's stem does.
        Xapian::Query fr = parse_text(db, text, "french", in_prefix, o->tz);
        Xapian::Query en = parse_text(db, text, "english", in_prefix, o->tz);
        q = fr.get_description() == en.get_description()
                ? fr
                : Xapian::Query(Xapian::Query::OP_OR, fr, en);
        if (q.empty())
            q = match_all();
    }
    // The option filters: any of the values of each, all of the options.
    const struct {
        lx_field field;
        const char *const *values;
        size_t n;
    } filters[] = {{LX_F_FROM_ADDR, o->from_addrs, o->n_from},
                   {LX_F_TO_ADDR, o->to_addrs, o->n_to},
                   {LX_F_FROM_DOMAIN, o->domains, o->n_domains}};
    for (const auto &f : filters) {
        if (!f.n)
            continue;
        std::string prefix = lx_schema_prefix(f.field);
        Xapian::Query any;
        for (size_t i = 0; i < f.n; i++) {
            // --from and --to take an address; a value without '@' is a
            // name: the words of from: or to:, in order.
            Xapian::Query t =
                f.field != LX_F_FROM_DOMAIN && !std::strchr(f.values[i], '@')
                    ? name_query(db, f.field == LX_F_FROM_ADDR ? LX_F_FROM : LX_F_TO, f.values[i])
                    : Xapian::Query(cut_term(prefix, ascii_lower(f.values[i])));
            any = any.empty() ? t : Xapian::Query(Xapian::Query::OP_OR, any, t);
        }
        q = Xapian::Query(Xapian::Query::OP_FILTER, q, any);
    }
    if (o->has_attachment)
        q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                          Xapian::Query(std::string(lx_schema_prefix(LX_F_HAS)) + "attachment"));
    if (o->verified_only)
        q = Xapian::Query(Xapian::Query::OP_FILTER, q, verified_term("yes"));
    if (o->has_after || o->has_before)
        q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                          date_query(db, lx_schema_slot(LX_F_DATE), o->has_after, o->after,
                                     o->has_before, o->before));
    return q;
}

} // namespace xdb
