// xdb_query.cc - building Xapian queries for C: terms, phrases, value
// ranges, the boolean operators, Xapian's query parser with field processors
// written in C, and the terms a built query can match by.
#include "xdb_internal.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "schema.h"

using namespace xdb;

struct lx_xq_parser {
    lx_db *db;
    Xapian::QueryParser qp;
};

namespace
{

// A new handle on q; NULL when memory runs out.
lx_xq *wrap(const Xapian::Query &q)
{
    return new (std::nothrow) lx_xq{q};
}

Xapian::Query::op xapian_op(lx_xq_op op)
{
    switch (op) {
    case LX_XQ_AND: return Xapian::Query::OP_AND;
    case LX_XQ_OR: return Xapian::Query::OP_OR;
    case LX_XQ_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case LX_XQ_FILTER: return Xapian::Query::OP_FILTER;
    }
    return Xapian::Query::OP_AND;
}

unsigned xapian_flags(unsigned flags)
{
    const struct {
        unsigned ours;
        unsigned xapian;
    } map[] = {{LX_XQ_PARSE_BOOLEAN, Xapian::QueryParser::FLAG_BOOLEAN},
               {LX_XQ_PARSE_PHRASE, Xapian::QueryParser::FLAG_PHRASE},
               {LX_XQ_PARSE_LOVEHATE, Xapian::QueryParser::FLAG_LOVEHATE},
               {LX_XQ_PARSE_WILDCARD, Xapian::QueryParser::FLAG_WILDCARD},
               {LX_XQ_PARSE_PURE_NOT, Xapian::QueryParser::FLAG_PURE_NOT},
               {LX_XQ_PARSE_CJK_NGRAM, Xapian::QueryParser::FLAG_CJK_NGRAM}};
    unsigned out = 0;
    for (const auto &m : map)
        if (flags & m.ours)
            out |= m.xapian;
    return out;
}

// A field processor written in C. It never throws: Xapian's parser leaks
// what it holds when a processor does, so a value the C function refuses
// (it keeps the reason) matches nothing.
class CallbackProcessor : public Xapian::FieldProcessor
{
    lx_xq_field_fn fn;
    void *ctx;

  public:
    CallbackProcessor(lx_xq_field_fn fn_, void *ctx_) : fn(fn_), ctx(ctx_)
    {
    }
    Xapian::Query operator()(const std::string &value) override
    {
        lx_xq *q = fn(ctx, value.c_str());
        if (!q)
            return Xapian::Query::MatchNothing;
        Xapian::Query out = q->q;
        lx_xq_free(q);
        return out;
    }
};

// The terms of q that can match (lx_xq_positive_terms); false once cb
// asked to stop.
bool positive_terms(const Xapian::Query &q, int (*cb)(void *ctx, const char *term, size_t len),
                    void *ctx)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
        for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t) {
            const std::string term = *t;
            if (cb(ctx, term.c_str(), term.size()))
                return false;
        }
        return true;
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
        return q.get_num_subqueries() == 0 || positive_terms(q.get_subquery(0), cb, ctx);
    default:
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            if (!positive_terms(q.get_subquery(i), cb, ctx))
                return false;
        return true;
    }
}

// Whether s is a thread id: 16 lowercase hex digits, as the indexer writes.
bool is_thread_id(const std::string &s)
{
    if (s.size() != 16)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

// Adds to ids the thread ids a thread alias value lists (16 hex digits
// each, concatenated); anything else in it is skipped.
void add_aliases(const std::string &value, std::vector<std::string> &ids)
{
    for (size_t at = 0; at + 16 <= value.size(); at += 16) {
        std::string id = value.substr(at, 16);
        if (is_thread_id(id))
            ids.push_back(id);
    }
}

// The thread ids whose terms may mark a document of thread id: id and its
// aliases in every database of db. A combined database reads the metadata
// of its first database only, so each is read through its own handle.
std::vector<std::string> thread_terms_of(lx_db *db, const std::string &id)
{
    std::string key = LX_THREAD_ALIAS_METADATA_PREFIX + id;
    std::vector<std::string> ids{id};
    if (db->parts.empty())
        add_aliases(db->db->get_metadata(key), ids);
    for (lx_part &part : db->parts)
        if (!part.missing)
            add_aliases(part.alone.get_metadata(key), ids);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

} // namespace

extern "C" {

lx_status lx_xq_thread(lx_db *db, const char *hex16, lx_xq **out)
{
    *out = nullptr;
    if (!is_thread_id(hex16)) {
        *out = wrap(Xapian::Query::MatchNothing);
        return *out ? LX_OK : lx_db_fail(db, LX_E_NOMEM, "out of memory");
    }
    std::vector<std::string> ids;
    lx_status st = read_retrying(db, [&] {
        ids = thread_terms_of(db, hex16);
        return LX_OK;
    });
    if (st)
        return st;
    try {
        std::vector<Xapian::Query> terms;
        for (const std::string &id : ids)
            terms.emplace_back(lx_schema_prefix(LX_F_THREAD) + id);
        // The terms are the initial ids: the value says which thread each
        // of their documents is in now.
        Xapian::Query q(Xapian::Query::OP_FILTER,
                        Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                        Xapian::Query(Xapian::Query::OP_VALUE_RANGE,
                                      static_cast<Xapian::valueno>(lx_schema_slot(LX_F_THREAD_ID)),
                                      hex16, hex16));
        *out = wrap(q);
    } catch (...) {
        return fail_current(db);
    }
    return *out ? LX_OK : lx_db_fail(db, LX_E_NOMEM, "out of memory");
}

lx_xq *lx_xq_match_all(void)
{
    return wrap(match_all());
}

lx_xq *lx_xq_match_nothing(void)
{
    return wrap(Xapian::Query::MatchNothing);
}

lx_xq *lx_xq_term(const char *term)
{
    try {
        return wrap(Xapian::Query(term));
    } catch (...) {
        return nullptr;
    }
}

lx_xq *lx_xq_boolean(const char *prefix, const char *value)
{
    try {
        return wrap(Xapian::Query(cut_term(prefix, value)));
    } catch (...) {
        return nullptr;
    }
}

lx_xq *lx_xq_value_range(int slot, const char *lo, const char *hi)
{
    try {
        return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, static_cast<Xapian::valueno>(slot),
                                  lo, hi));
    } catch (...) {
        return nullptr;
    }
}

lx_xq *lx_xq_number_range(int slot, bool has_lo, double lo, bool has_hi, double hi)
{
    try {
        if (!has_lo && !has_hi)
            return wrap(match_all());
        auto s = static_cast<Xapian::valueno>(slot);
        std::string a = Xapian::sortable_serialise(lo);
        std::string b = Xapian::sortable_serialise(hi);
        return wrap(has_lo && has_hi ? Xapian::Query(Xapian::Query::OP_VALUE_RANGE, s, a, b)
                    : has_lo         ? Xapian::Query(Xapian::Query::OP_VALUE_GE, s, a)
                                     : Xapian::Query(Xapian::Query::OP_VALUE_LE, s, b));
    } catch (...) {
        return nullptr;
    }
}

lx_xq *lx_xq_copy(const lx_xq *q)
{
    return wrap(q->q);
}

lx_xq *lx_xq_join(lx_xq_op op, lx_xq *a, lx_xq *b)
{
    lx_xq *out = nullptr;
    if (a && b) {
        try {
            a->q = Xapian::Query(xapian_op(op), a->q, b->q);
            out = a;
            a = nullptr;
        } catch (...) {
        }
    }
    lx_xq_free(a);
    lx_xq_free(b);
    return out;
}

lx_xq *lx_xq_join_many(lx_xq_op op, lx_xq **subs, size_t n)
{
    lx_xq *out = nullptr;
    try {
        std::vector<Xapian::Query> qs;
        bool all = true;
        for (size_t i = 0; i < n; i++)
            if (subs[i])
                qs.push_back(subs[i]->q);
            else
                all = false;
        if (all)
            out = wrap(Xapian::Query(xapian_op(op), qs.begin(), qs.end()));
    } catch (...) {
    }
    for (size_t i = 0; i < n; i++)
        lx_xq_free(subs[i]);
    return out;
}

void lx_xq_free(lx_xq *q)
{
    delete q;
}

bool lx_xq_is_empty(const lx_xq *q)
{
    return q->q.empty();
}

bool lx_xq_same(const lx_xq *a, const lx_xq *b)
{
    try {
        return a->q.get_description() == b->q.get_description();
    } catch (...) {
        return false; // out of memory: taken as two queries, which still match alike
    }
}

lx_status lx_xq_positive_terms(const lx_xq *q, int (*cb)(void *ctx, const char *term, size_t len),
                               void *ctx)
{
    try {
        positive_terms(q->q, cb, ctx);
        return LX_OK;
    } catch (...) {
        return LX_E_NOMEM;
    }
}

lx_status lx_xq_phrase(lx_db *db, const char *prefix, const char *text, lx_xq **out)
{
    *out = nullptr;
    return read_retrying(db, [&] {
        std::string words = text;
        std::replace(words.begin(), words.end(), '"', ' ');
        Xapian::QueryParser qp;
        qp.set_database(*db->db);
        qp.add_prefix("", prefix);
        Xapian::Query q = qp.parse_query("\"" + words + "\"", Xapian::QueryParser::FLAG_PHRASE);
        *out = wrap(q.empty() ? Xapian::Query::MatchNothing : q);
        if (!*out)
            throw std::bad_alloc();
        return LX_OK;
    });
}

lx_xq_parser *lx_xq_parser_new(lx_db *db, lx_xq_op default_op)
{
    lx_xq_parser *qp = new (std::nothrow) lx_xq_parser;
    if (!qp)
        return nullptr;
    try {
        qp->db = db;
        qp->qp.set_database(*db->db);
        qp->qp.set_default_op(xapian_op(default_op));
        // A wildcard past the limit is an error, never a silent subset; the
        // limit is checked over the whole query before a search runs it
        // (check_wildcards).
        qp->qp.set_max_expansion(LX_MAX_WILDCARD_TERMS, Xapian::Query::WILDCARD_LIMIT_ERROR,
                                 Xapian::QueryParser::FLAG_WILDCARD);
        return qp;
    } catch (...) {
        delete qp;
        return nullptr;
    }
}

void lx_xq_parser_free(lx_xq_parser *qp)
{
    delete qp;
}

lx_status lx_xq_parser_add_prefix(lx_xq_parser *qp, const char *field, const char *prefix)
{
    LX_GUARD_BEGIN
    qp->qp.add_prefix(field, prefix);
    return LX_OK;
    LX_GUARD_END(qp->db)
}

lx_status lx_xq_parser_add_boolean(lx_xq_parser *qp, const char *field, lx_xq_field_fn fn,
                                   void *ctx)
{
    LX_GUARD_BEGIN
    qp->qp.add_boolean_prefix(field, (new CallbackProcessor(fn, ctx))->release());
    return LX_OK;
    LX_GUARD_END(qp->db)
}

lx_status lx_xq_parser_set_stemmer(lx_xq_parser *qp, const char *language, lx_xq_stemming how)
{
    LX_GUARD_BEGIN
    qp->qp.set_stemmer(Xapian::Stem(language));
    qp->qp.set_stemming_strategy(how == LX_XQ_STEM_SOME  ? Xapian::QueryParser::STEM_SOME
                                 : how == LX_XQ_STEM_ALL ? Xapian::QueryParser::STEM_ALL
                                                         : Xapian::QueryParser::STEM_NONE);
    return LX_OK;
    LX_GUARD_END(qp->db)
}

lx_status lx_xq_parse(lx_xq_parser *qp, const char *text, unsigned flags, lx_xq **out)
{
    *out = nullptr;
    return read_retrying(qp->db, [&] {
        *out = wrap(qp->qp.parse_query(text, xapian_flags(flags)));
        if (!*out)
            throw std::bad_alloc();
        return LX_OK;
    });
}

} // extern "C"
