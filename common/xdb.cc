// xdb.cc - the thin C wrapper over libxapian. The only C++ in leakdex: every
// function catches every exception and turns it into an lx_status with the
// message kept on the handle, so nothing C++ ever crosses into C.
#include "xdb.h"

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>
#include <sys/stat.h>

#include "date.h"
#include "caps.h"
#include "schema.h"
#include "utf8.h"

struct lx_db {
    Xapian::Database *db = nullptr;          // the reader (== wdb when writable)
    Xapian::WritableDatabase *wdb = nullptr; // non-null when opened for writing
    std::string path;
    std::string err;
};

// Text is indexed for French and English at once: the archive mixes both,
// often in one message. `tg` writes the positional words (phrases use them)
// and French stems; `tg_en` adds English stems. The query parser asks for
// either language's stems (see build_query).
struct lx_doc {
    Xapian::Document doc;
    Xapian::TermGenerator tg;
    Xapian::TermGenerator tg_en;
    bool has_text = false;
};

namespace
{

// Records the exception currently being handled on db (when there is one)
// and returns its status. Called only from inside a catch block. Xapian's
// error classes are not polymorphic, so the mapping is a ladder of catch
// clauses, most derived first.
lx_status fail_current(lx_db *db)
{
    std::string msg;
    lx_status st = LX_E_XAPIAN;
    try {
        try {
            throw;
        } catch (const Xapian::DatabaseLockError &e) {
            st = LX_E_DB_LOCKED;
            throw;
        } catch (const Xapian::DatabaseVersionError &e) {
            st = LX_E_DB_VERSION;
            throw;
        } catch (const Xapian::DatabaseOpeningError &e) {
            st = LX_E_DB_OPEN;
            throw;
        } catch (const Xapian::DatabaseCorruptError &e) {
            st = LX_E_DB_CORRUPT;
            throw;
        } catch (const Xapian::DatabaseModifiedError &e) {
            st = LX_E_DB_MODIFIED;
            throw;
        } catch (const Xapian::DatabaseError &e) {
            st = LX_E_DB_WRITE;
            throw;
        } catch (const Xapian::QueryParserError &e) {
            st = LX_E_QUERY;
            throw;
        } catch (const Xapian::WildcardError &e) {
            st = LX_E_QUERY;
            throw;
        } catch (const Xapian::DocNotFoundError &e) {
            st = LX_E_NOT_FOUND;
            throw;
        } catch (const Xapian::InvalidArgumentError &e) {
            st = LX_E_INVALID;
            throw;
        }
    } catch (const Xapian::Error &e) {
        msg = e.get_msg();
        if (msg.empty())
            msg = e.get_type();
    } catch (const std::bad_alloc &) {
        st = LX_E_NOMEM;
        msg = "out of memory";
    } catch (const std::exception &e) {
        msg = e.what();
    } catch (...) {
        msg = "unknown C++ exception";
    }
    if (db) {
        try {
            db->err = msg;
        } catch (...) {
            // Out of memory while recording the message: the status says it.
        }
    }
    return st;
}

#define LX_GUARD_BEGIN try {
#define LX_GUARD_END(db)                                                                           \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        return fail_current(db);                                                                   \
    }

std::string ascii_lower(std::string s)
{
    for (auto &c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string cut_term(const std::string &prefix, const std::string &value)
{
    size_t room = LX_MAX_TERM_BYTES > prefix.size() ? LX_MAX_TERM_BYTES - prefix.size() : 0;
    size_t n = lx_utf8_cut(value.data(), value.size(), room);
    return prefix + value.substr(0, n);
}

Xapian::Query date_query(int slot, bool has_lo, int64_t lo, bool has_hi, int64_t hi)
{
    std::string a = Xapian::sortable_serialise(static_cast<double>(lo));
    std::string b = Xapian::sortable_serialise(static_cast<double>(hi));
    if (has_lo && has_hi)
        return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, a, b);
    if (has_lo)
        return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, a);
    if (has_hi)
        return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, b);
    return Xapian::Query::MatchAll;
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
class DateProcessor : public Xapian::FieldProcessor
{
    int slot;
    ParseProblem &problem;

  public:
    DateProcessor(int slot_, ParseProblem &p) : slot(slot_), problem(p)
    {
    }
    Xapian::Query operator()(const std::string &str) override
    {
        bool has_lo, has_hi;
        int64_t lo, hi;
        if (lx_date_parse_range(str.c_str(), &has_lo, &lo, &has_hi, &hi) != LX_OK) {
            problem.note("bad date '" + str + "' (use YYYY, YYYY-MM, YYYY-MM-DD or A..B)");
            return Xapian::Query::MatchNothing;
        }
        return date_query(slot, has_lo, lo, has_hi, hi);
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

// verified:yes, no, chain and any, answered from the DKIM verdict and chain terms.
class VerifiedProcessor : public Xapian::FieldProcessor
{
    ParseProblem &problem;

  public:
    explicit VerifiedProcessor(ParseProblem &p) : problem(p)
    {
    }
    Xapian::Query operator()(const std::string &str) override
    {
        Xapian::Query pass(std::string(lx_schema_prefix(LX_F_DKIM)) + "pass");
        std::string v = ascii_lower(str);
        if (v == "yes")
            return pass;
        if (v == "no")
            return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, pass);
        // Corroborated messages are not verified: verified:chain names them
        // alone, verified:any adds them to the verified ones.
        Xapian::Query chain(std::string(lx_schema_prefix(LX_F_CHAIN)) + "corroborated");
        if (v == "chain")
            return Xapian::Query(Xapian::Query::OP_AND_NOT, chain, pass);
        if (v == "any")
            return Xapian::Query(Xapian::Query::OP_OR, pass, chain);
        problem.note("verified: takes yes, no, chain or any, not '" + str + "'");
        return Xapian::Query::MatchNothing;
    }
};

// Parses text with one language's stemmer: words are stemmed unless they are
// capitalized or in a phrase (Xapian's STEM_SOME), so "Candidats" and
// "candidats" in quotes match exactly.
Xapian::Query parse_text(Xapian::Database &db, const std::string &text, const char *language)
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
        else if (d->kind == LX_KIND_BOOLEAN)
            qp.add_boolean_prefix(d->query_name,
                                  (new BooleanProcessor(d->field, problem))->release());
        else if (d->field == LX_F_DATE)
            qp.add_boolean_prefix(d->query_name, (new DateProcessor(d->slot, problem))->release());
        else if (d->field == LX_F_VERIFIED)
            qp.add_boolean_prefix(d->query_name, (new VerifiedProcessor(problem))->release());
    }
    qp.set_stemmer(Xapian::Stem(language));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    unsigned flags = Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_PHRASE |
                     Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                     Xapian::QueryParser::FLAG_PURE_NOT | Xapian::QueryParser::FLAG_CJK_NGRAM;
    Xapian::Query q = qp.parse_query(text, flags);
    if (!problem.msg.empty())
        throw Xapian::QueryParserError(problem.msg);
    return q;
}

Xapian::Query build_query(Xapian::Database &db, const lx_query_opts *o)
{
    Xapian::Query q = Xapian::Query::MatchAll;
    std::string text = o->text ? o->text : "";
    size_t a = text.find_first_not_of(" \t\r\n");
    size_t b = text.find_last_not_of(" \t\r\n");
    text = a == std::string::npos ? std::string() : text.substr(a, b - a + 1);
    if (!text.empty() && text != "*") {
        // Documents carry French and English stems; a word matches when
        // either language's stem does.
        Xapian::Query fr = parse_text(db, text, "french");
        Xapian::Query en = parse_text(db, text, "english");
        q = fr.get_description() == en.get_description()
                ? fr
                : Xapian::Query(Xapian::Query::OP_OR, fr, en);
        if (q.empty())
            q = Xapian::Query::MatchAll;
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
            Xapian::Query t(cut_term(prefix, ascii_lower(f.values[i])));
            any = any.empty() ? t : Xapian::Query(Xapian::Query::OP_OR, any, t);
        }
        q = Xapian::Query(Xapian::Query::OP_FILTER, q, any);
    }
    if (o->has_attachment)
        q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                          Xapian::Query(std::string(lx_schema_prefix(LX_F_HAS)) + "attachment"));
    if (o->verified_only)
        q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                          Xapian::Query(std::string(lx_schema_prefix(LX_F_DKIM)) + "pass"));
    if (o->has_after || o->has_before)
        q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                          date_query(lx_schema_slot(LX_F_DATE), o->has_after, o->after,
                                     o->has_before, o->before));
    return q;
}

char *dup_bytes(const std::string &s, size_t *len)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    if (len)
        *len = s.size();
    return p;
}

void set_errmsg(char **errmsg, const std::string &msg)
{
    if (!errmsg)
        return;
    *errmsg = static_cast<char *>(std::malloc(msg.size() + 1));
    if (*errmsg)
        std::memcpy(*errmsg, msg.c_str(), msg.size() + 1);
}

// Checks (reading) or stamps (writing an empty database) the schema version.
lx_status check_schema(lx_db *db, bool writable)
{
    std::string want = std::to_string(LX_SCHEMA_VERSION);
    std::string have = db->db->get_metadata(LX_SCHEMA_METADATA_KEY);
    if (have == want)
        return LX_OK;
    if (have.empty() && writable && db->db->get_doccount() == 0) {
        db->wdb->set_metadata(LX_SCHEMA_METADATA_KEY, want);
        char now[32];
        lx_date_format_iso(static_cast<int64_t>(std::time(nullptr)), now);
        db->wdb->set_metadata("leakdex.created", now);
        db->wdb->commit();
        return LX_OK;
    }
    // An empty database without the stamp is one an indexer has just created
    // and not yet committed: nothing in it can be misread.
    if (have.empty() && !writable && db->db->get_doccount() == 0)
        return LX_OK;
    if (have.empty())
        db->err = "'" + db->path + "' is a Xapian database but not a leakdex index";
    else
        db->err = "index '" + db->path + "' was built with schema version " + have +
                  "; this leakdex reads version " + want + " (re-index the sources)";
    return LX_E_DB_SCHEMA;
}

} // namespace

extern "C" {

lx_status lx_db_open(const char *path, lx_db_mode mode, lx_db **out, char **errmsg)
{
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    lx_db *db = new (std::nothrow) lx_db;
    if (!db)
        return LX_E_NOMEM;
    lx_status st = LX_OK;
    try {
        db->path = path;
        struct stat sb;
        if (mode == LX_DB_READ && stat(path, &sb) != 0) {
            db->err = std::string("no leakdex index at '") + path +
                      "' (build one with leakdex-index --db " + path + " SOURCE...)";
            st = LX_E_DB_OPEN;
        } else if (mode == LX_DB_WRITE) {
            db->wdb = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
            db->db = db->wdb;
        } else {
            db->db = new Xapian::Database(path);
        }
        if (st == LX_OK)
            st = check_schema(db, mode == LX_DB_WRITE);
    } catch (...) {
        st = fail_current(db);
        if (st != LX_E_NOMEM)
            db->err = std::string("cannot open index '") + path + "': " + db->err;
    }
    if (st != LX_OK) {
        try {
            set_errmsg(errmsg, db->err);
        } catch (...) {
        }
        delete db->db;
        delete db;
        return st;
    }
    *out = db;
    return LX_OK;
}

lx_status lx_db_close(lx_db *db)
{
    if (!db)
        return LX_OK;
    lx_status st = LX_OK;
    try {
        if (db->wdb)
            db->wdb->commit();
        db->db->close();
    } catch (...) {
        st = fail_current(db);
    }
    delete db->db;
    delete db;
    return st;
}

const char *lx_db_error(const lx_db *db)
{
    return db ? db->err.c_str() : "";
}

lx_status lx_db_commit(lx_db *db)
{
    LX_GUARD_BEGIN
    if (db->wdb)
        db->wdb->commit();
    return LX_OK;
    LX_GUARD_END(db)
}

unsigned lx_db_doccount(lx_db *db)
{
    try {
        return db->db->get_doccount();
    } catch (...) {
        fail_current(db);
        return 0;
    }
}

lx_status lx_db_get_metadata(lx_db *db, const char *key, char **value)
{
    *value = nullptr;
    LX_GUARD_BEGIN
    *value = dup_bytes(db->db->get_metadata(key), nullptr);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_set_metadata(lx_db *db, const char *key, const char *value)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    db->wdb->set_metadata(key, value);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_term_docs(lx_db *db, const char *term, lx_docid **ids, size_t *n)
{
    *ids = nullptr;
    *n = 0;
    LX_GUARD_BEGIN
    size_t cap = 0;
    for (auto it = db->db->postlist_begin(term); it != db->db->postlist_end(term); ++it) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            void *p = std::realloc(*ids, cap * sizeof **ids);
            if (!p)
                throw std::bad_alloc();
            *ids = static_cast<lx_docid *>(p);
        }
        (*ids)[(*n)++] = *it;
    }
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_terms_with_prefix(lx_db *db, const char *prefix, size_t max, char ***terms,
                                  size_t *n)
{
    *terms = nullptr;
    *n = 0;
    try {
        *terms = static_cast<char **>(std::calloc(max ? max : 1, sizeof(char *)));
        if (!*terms)
            throw std::bad_alloc();
        for (auto it = db->db->allterms_begin(prefix);
             it != db->db->allterms_end(prefix) && *n < max; ++it)
            (*terms)[(*n)++] = dup_bytes(*it, nullptr);
        return LX_OK;
    } catch (...) {
        for (size_t i = 0; i < *n; i++)
            std::free((*terms)[i]);
        std::free(*terms);
        *terms = nullptr;
        *n = 0;
        return fail_current(db);
    }
}

lx_status lx_db_get_data(lx_db *db, lx_docid id, char **data, size_t *len)
{
    *data = nullptr;
    LX_GUARD_BEGIN
    *data = dup_bytes(db->db->get_document(id).get_data(), len);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_get_value(lx_db *db, lx_docid id, int slot, char **value, size_t *len)
{
    *value = nullptr;
    LX_GUARD_BEGIN
    *value = dup_bytes(db->db->get_document(id).get_value(static_cast<Xapian::valueno>(slot)), len);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_set_data(lx_db *db, lx_docid id, const char *data, size_t len)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::Document doc = db->wdb->get_document(id);
    doc.set_data(std::string(data, len));
    db->wdb->replace_document(id, doc);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_has_term(lx_db *db, lx_docid id, const char *term, bool *has)
{
    *has = false;
    LX_GUARD_BEGIN
    Xapian::TermIterator t = db->db->termlist_begin(id);
    t.skip_to(term);
    *has = t != db->db->termlist_end(id) && *t == term;
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_add_term(lx_db *db, lx_docid id, const char *term)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::Document doc = db->wdb->get_document(id);
    doc.add_boolean_term(term);
    db->wdb->replace_document(id, doc);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_add_doc(lx_db *db, const lx_doc *doc, lx_docid *id)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::docid d = db->wdb->add_document(doc->doc);
    if (id)
        *id = d;
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_all_docs(lx_db *db, lx_docid **ids, size_t *n)
{
    return lx_db_term_docs(db, "", ids, n);
}

lx_status lx_db_retag(lx_db *db, lx_docid id, const char *const *drop, size_t n_drop,
                      const char *const *add, size_t n_add, int slot, double value,
                      const char *data, size_t len)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::Document doc = db->wdb->get_document(id);
    for (size_t i = 0; i < n_drop; i++) {
        std::vector<std::string> gone;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            t.skip_to(drop[i]);
            if (t == doc.termlist_end())
                break;
            std::string term = *t;
            if (term.compare(0, std::strlen(drop[i]), drop[i]) != 0)
                break;
            gone.push_back(term);
        }
        for (const auto &term : gone)
            doc.remove_term(term);
    }
    for (size_t i = 0; i < n_add; i++)
        doc.add_boolean_term(add[i]);
    if (slot >= 0)
        doc.add_value(static_cast<Xapian::valueno>(slot), Xapian::sortable_serialise(value));
    doc.set_data(std::string(data, len));
    db->wdb->replace_document(id, doc);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_docid_of(lx_db *db, const char *sha, lx_docid *id)
{
    LX_GUARD_BEGIN
    std::string term = std::string(lx_schema_prefix(LX_F_SHA256)) + sha;
    Xapian::PostingIterator p = db->db->postlist_begin(term);
    if (p == db->db->postlist_end(term))
        return LX_E_NOT_FOUND;
    *id = *p;
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_set_tag(lx_db *db, lx_docid id, const char *prefix, const char *value, int slot)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::Document doc = db->wdb->get_document(id);
    std::string want = std::string(prefix) + value;
    size_t plen = std::strlen(prefix);
    std::vector<std::string> gone;
    bool has = false;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        t.skip_to(prefix);
        if (t == doc.termlist_end())
            break;
        std::string term = *t;
        if (term.compare(0, plen, prefix) != 0)
            break;
        if (term == want)
            has = true;
        else
            gone.push_back(term);
    }
    for (const auto &term : gone)
        doc.remove_term(term);
    if (!has)
        doc.add_boolean_term(want);
    if (slot >= 0)
        doc.add_value(static_cast<Xapian::valueno>(slot), value);
    db->wdb->replace_document(id, doc);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_set_terms_value(lx_db *db, lx_docid id, const char *prefix, const char *const *add,
                                size_t n_add, int slot, const char *bytes, size_t len)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::Document doc = db->wdb->get_document(id);
    size_t plen = std::strlen(prefix);
    std::vector<std::string> gone;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        t.skip_to(prefix);
        if (t == doc.termlist_end())
            break;
        std::string term = *t;
        if (term.compare(0, plen, prefix) != 0)
            break;
        gone.push_back(term);
    }
    for (const auto &term : gone)
        doc.remove_term(term);
    for (size_t i = 0; i < n_add; i++)
        doc.add_boolean_term(add[i]);
    if (len)
        doc.add_value(static_cast<Xapian::valueno>(slot), std::string(bytes, len));
    else
        doc.remove_value(static_cast<Xapian::valueno>(slot));
    db->wdb->replace_document(id, doc);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_match(lx_db *db, const lx_match_opts *o, lx_docid **ids, size_t *n)
{
    *ids = nullptr;
    *n = 0;
    LX_GUARD_BEGIN
    Xapian::Query q = Xapian::Query::MatchAll;
    if (o->n_any) {
        std::vector<std::pair<Xapian::doccount, std::string>> terms;
        for (size_t i = 0; i < o->n_any; i++) {
            Xapian::doccount f = db->db->get_termfreq(o->any[i]);
            if (f)
                terms.emplace_back(f, o->any[i]);
        }
        std::sort(terms.begin(), terms.end());
        terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
        if (o->rarest && terms.size() > o->rarest)
            terms.resize(o->rarest);
        if (terms.empty())
            return LX_OK;
        std::vector<Xapian::Query> qs;
        for (const auto &t : terms)
            qs.emplace_back(t.second);
        q = Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
    }
    for (size_t i = 0; i < o->n_all; i++)
        q = Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(o->all[i]));
    for (size_t i = 0; i < o->n_none; i++)
        q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(o->none[i]));
    Xapian::Enquire enq(*db->db);
    enq.set_query(q);
    if (o->newest_first)
        enq.set_sort_by_value_then_relevance(
            static_cast<Xapian::valueno>(lx_schema_slot(LX_F_DATE)), true);
    else if (!o->n_any)
        enq.set_weighting_scheme(Xapian::BoolWeight());
    Xapian::MSet ms = enq.get_mset(0, static_cast<Xapian::doccount>(o->max));
    if (ms.empty())
        return LX_OK;
    *ids = static_cast<lx_docid *>(std::malloc(ms.size() * sizeof **ids));
    if (!*ids)
        throw std::bad_alloc();
    for (auto it = ms.begin(); it != ms.end(); ++it)
        (*ids)[(*n)++] = *it;
    return LX_OK;
    LX_GUARD_END(db)
}

lx_doc *lx_doc_new(void)
{
    try {
        lx_doc *d = new lx_doc;
        d->tg.set_document(d->doc);
        d->tg.set_stemmer(Xapian::Stem("french"));
        d->tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
        d->tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
        d->tg_en.set_document(d->doc);
        d->tg_en.set_stemmer(Xapian::Stem("english"));
        d->tg_en.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
        d->tg_en.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
        return d;
    } catch (...) {
        return nullptr;
    }
}

void lx_doc_free(lx_doc *doc)
{
    delete doc;
}

lx_status lx_doc_add_boolean(lx_doc *doc, const char *prefix, const char *value)
{
    LX_GUARD_BEGIN
    if (!*value)
        return LX_OK;
    doc->doc.add_boolean_term(cut_term(prefix, value));
    return LX_OK;
    LX_GUARD_END(nullptr)
}

lx_status lx_doc_index_text(lx_doc *doc, const char *prefix, const char *text, size_t len)
{
    LX_GUARD_BEGIN
    if (doc->has_text)
        doc->tg.increase_termpos(100);
    std::string t(text, len);
    doc->tg.index_text(t, 1, prefix);
    doc->tg_en.index_text_without_positions(t, 1, prefix);
    doc->has_text = true;
    return LX_OK;
    LX_GUARD_END(nullptr)
}

lx_status lx_doc_set_number(lx_doc *doc, int slot, double number)
{
    LX_GUARD_BEGIN
    doc->doc.add_value(static_cast<Xapian::valueno>(slot), Xapian::sortable_serialise(number));
    return LX_OK;
    LX_GUARD_END(nullptr)
}

lx_status lx_doc_set_value(lx_doc *doc, int slot, const char *bytes, size_t len)
{
    LX_GUARD_BEGIN
    doc->doc.add_value(static_cast<Xapian::valueno>(slot), std::string(bytes, len));
    return LX_OK;
    LX_GUARD_END(nullptr)
}

lx_status lx_doc_set_data(lx_doc *doc, const char *data, size_t len)
{
    LX_GUARD_BEGIN
    doc->doc.set_data(std::string(data, len));
    return LX_OK;
    LX_GUARD_END(nullptr)
}

void lx_results_release(lx_results *res)
{
    for (size_t i = 0; i < res->n; i++)
        std::free(res->hits[i].data);
    std::free(res->hits);
    res->hits = nullptr;
    res->n = res->total = 0;
}

lx_status lx_db_search(lx_db *db, const lx_query_opts *o, lx_results *out)
{
    out->total = out->n = 0;
    out->hits = nullptr;
    // A writer may commit while we read; Xapian then asks us to reopen.
    for (int attempt = 0;; attempt++) {
        try {
            Xapian::Query q = build_query(*db->db, o);
            Xapian::Enquire enq(*db->db);
            enq.set_query(q);
            int slot = lx_schema_slot(LX_F_DATE);
            if (o->sort == LX_SORT_DATE)
                enq.set_sort_by_value(static_cast<Xapian::valueno>(slot), false);
            else if (o->sort == LX_SORT_DATE_DESC)
                enq.set_sort_by_value(static_cast<Xapian::valueno>(slot), true);
            Xapian::doccount all = db->db->get_doccount();
            Xapian::doccount want = o->count_only ? 0 : (o->limit ? o->limit : all);
            // Collapsing keeps each thread's best hit; the spy sees every
            // match (check_at_least is the whole database), so the counts
            // per thread, and the number of threads, are exact.
            auto thread_slot = static_cast<Xapian::valueno>(lx_schema_slot(LX_F_THREAD_ID));
            Xapian::ValueCountMatchSpy spy(thread_slot);
            if (o->collapse_thread) {
                enq.set_collapse_key(thread_slot);
                enq.add_matchspy(&spy);
            }
            Xapian::MSet ms = enq.get_mset(o->offset, want, all);
            out->total = ms.get_matches_estimated();
            std::unordered_map<std::string, Xapian::doccount> per_thread;
            if (o->collapse_thread) {
                out->total = 0;
                for (auto v = spy.values_begin(); v != spy.values_end(); ++v) {
                    per_thread[*v] = v.get_termfreq();
                    out->total++;
                }
            }
            if (ms.size()) {
                out->hits = static_cast<lx_hit *>(std::calloc(ms.size(), sizeof(lx_hit)));
                if (!out->hits)
                    throw std::bad_alloc();
            }
            for (auto it = ms.begin(); it != ms.end(); ++it) {
                lx_hit *h = &out->hits[out->n];
                h->id = *it;
                h->weight = it.get_weight();
                Xapian::Document doc = it.get_document();
                h->data = dup_bytes(doc.get_data(), &h->len);
                if (o->collapse_thread)
                    h->thread_hits = per_thread[doc.get_value(thread_slot)];
                out->n++;
            }
            return LX_OK;
        } catch (const Xapian::DatabaseModifiedError &) {
            lx_results_release(out);
            if (attempt >= 3)
                return fail_current(db);
            try {
                db->db->reopen();
            } catch (...) {
                return fail_current(db);
            }
        } catch (...) {
            lx_results_release(out);
            return fail_current(db);
        }
    }
}

lx_status lx_db_scan(lx_db *db, const lx_query_opts *o, const int *slots, size_t n,
                     int (*cb)(void *ctx, const lx_scan_row *row), void *ctx)
{
    for (int attempt = 0;; attempt++) {
        try {
            Xapian::Enquire enq(*db->db);
            enq.set_query(build_query(*db->db, o));
            enq.set_weighting_scheme(Xapian::BoolWeight());
            enq.set_docid_order(Xapian::Enquire::ASCENDING);
            Xapian::MSet ms = enq.get_mset(0, db->db->get_doccount(), db->db->get_doccount());
            std::vector<std::string> vals(n);
            std::vector<const char *> ptrs(n);
            std::vector<size_t> lens(n);
            std::vector<double> nums(n);
            for (auto it = ms.begin(); it != ms.end(); ++it) {
                Xapian::Document doc = it.get_document();
                for (size_t i = 0; i < n; i++) {
                    vals[i] = doc.get_value(static_cast<Xapian::valueno>(slots[i]));
                    ptrs[i] = vals[i].c_str();
                    lens[i] = vals[i].size();
                    nums[i] =
                        vals[i].empty() ? __builtin_nan("") : Xapian::sortable_unserialise(vals[i]);
                }
                lx_scan_row row = {*it, ptrs.data(), lens.data(), nums.data()};
                if (cb(ctx, &row))
                    break;
            }
            return LX_OK;
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt >= 3)
                return fail_current(db);
            try {
                db->db->reopen();
            } catch (...) {
                return fail_current(db);
            }
            cb(ctx, nullptr); // start over: forget the rows seen so far
        } catch (...) {
            return fail_current(db);
        }
    }
}

static char **dup_list(const std::vector<std::string> &v)
{
    char **out = static_cast<char **>(std::calloc(v.size() ? v.size() : 1, sizeof(char *)));
    if (!out)
        throw std::bad_alloc();
    for (size_t i = 0; i < v.size(); i++) {
        try {
            out[i] = dup_bytes(v[i], nullptr);
        } catch (...) {
            for (size_t k = 0; k < i; k++)
                std::free(out[k]);
            std::free(out);
            throw;
        }
    }
    return out;
}

lx_status lx_db_query_words(lx_db *db, const lx_query_opts *o, char ***plain, size_t *n_plain,
                            char ***stems, size_t *n_stems)
{
    *plain = *stems = nullptr;
    *n_plain = *n_stems = 0;
    LX_GUARD_BEGIN
    std::vector<std::string> p, z;
    Xapian::Query q = build_query(*db->db, o);
    for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t) {
        const std::string &term = *t;
        if (term.empty())
            continue;
        // Free-text terms have no prefix: they start with a lowercase letter
        // or a non-ASCII byte; stems add "Z" in front.
        unsigned char c0 = static_cast<unsigned char>(term[0]);
        if (c0 == 'Z' && term.size() > 1 && !(term[1] >= 'A' && term[1] <= 'Z'))
            z.push_back(term.substr(1));
        else if (!(c0 >= 'A' && c0 <= 'Z'))
            p.push_back(term);
    }
    char **pp = dup_list(p);
    try {
        *stems = dup_list(z);
    } catch (...) {
        for (size_t i = 0; i < p.size(); i++)
            std::free(pp[i]);
        std::free(pp);
        throw;
    }
    *plain = pp;
    *n_plain = p.size();
    *n_stems = z.size();
    return LX_OK;
    LX_GUARD_END(db)
}

void lx_stem(const char *lang, const char *word, char *out, size_t size)
{
    if (!size)
        return;
    out[0] = '\0';
    try {
        static thread_local Xapian::Stem fr("french"), en("english");
        std::string s = (std::strcmp(lang, "fr") == 0 ? fr : en)(word);
        size_t n = s.size() < size - 1 ? s.size() : size - 1;
        std::memcpy(out, s.data(), n);
        out[n] = '\0';
    } catch (...) {
        out[0] = '\0';
    }
}

} // extern "C"
