// xdb.cc - the thin C wrapper over libxapian. The only C++ in leakdex: every
// function catches every exception and turns it into an lx_status with the
// message kept on the handle, so nothing C++ ever crosses into C.
#include "xdb.h"

#include <xapian.h>

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

// One database of a handle opened over several (shards, stub file lines).
struct lx_part {
    std::string label, created, updated, shards;
    std::vector<lx_shard> specs;
    unsigned documents = 0;
    long long revision = -1; // -1: the backend does not tell (remote)
    bool missing = false;
    // This database alone: it shares its state with the combined handle, so
    // it reads the revision the handle reads, before and after a reopen.
    Xapian::Database alone;
};

struct lx_db {
    Xapian::Database *db = nullptr;          // the reader (== wdb when writable)
    Xapian::WritableDatabase *wdb = nullptr; // non-null when opened for writing
    std::string path;
    std::string err;
    std::vector<lx_part> parts; // read-only handles: every database, in order
    // The databases may hold the same message twice (not disjoint shards):
    // matches are collapsed on the identity slot.
    bool collapse = false;
    // Some database is remote: documents are fetched in batches (one round
    // trip each); locally, fetching would only read what may not be needed.
    bool remote = false;
    // Term frequencies lx_db_match asked for, on a read-only handle only: it
    // sees one revision until reopened (then the cache is cleared). The
    // chain pass asks for the same common words message after message.
    std::unordered_map<std::string, Xapian::doccount> termfreqs;
    // How many times a read moved the handle to a newer revision: reads
    // made while it stays the same all saw one revision (lx_db_reopens).
    unsigned long reopens = 0;
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

// A query matching every document. Not Xapian::Query::MatchAll: copying that
// one shared object changes its reference count, which threads reading the
// index at once (the chain pass) must not do.
Xapian::Query match_all()
{
    return Xapian::Query(std::string());
}

} // namespace

namespace
{

// Thrown when a query goes past a limit of caps.h: LX_E_LIMIT, with msg.
struct LimitError {
    std::string msg;
};

// The status of the exception currently being handled, and its message in
// *msg. Called only from inside a catch block. Xapian's error classes are
// not polymorphic, so the mapping is a ladder of catch clauses, most
// derived first. A DatabaseError of no more precise kind is how Xapian
// reports a table it cannot read ("inflate failed", "EOF reading block")
// as well as one it cannot write (a full disk): on a read-only handle, a
// damaged index.
lx_status classify_current(bool read_only, std::string *msg)
{
    lx_status st = LX_E_XAPIAN;
    try {
        try {
            throw;
        } catch (const Xapian::NetworkTimeoutError &e) {
            st = LX_E_DB_NETWORK;
            throw;
        } catch (const Xapian::NetworkError &e) {
            st = LX_E_DB_NETWORK;
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
            if (!read_only)
                st = LX_E_DB_WRITE;
            else if (std::strcmp(e.get_type(), "DatabaseError") == 0)
                st = LX_E_DB_CORRUPT;
            throw;
        } catch (const Xapian::QueryParserError &e) {
            st = LX_E_QUERY;
            throw;
        } catch (const Xapian::WildcardError &e) {
            st = LX_E_LIMIT;
            throw;
        } catch (const Xapian::DocNotFoundError &e) {
            st = LX_E_NOT_FOUND;
            throw;
        } catch (const Xapian::InvalidArgumentError &e) {
            st = LX_E_INVALID;
            throw;
        }
    } catch (const Xapian::Error &e) {
        *msg = e.get_msg();
        if (msg->empty())
            *msg = e.get_type();
        // A network error's cause is in its system error ("Connection
        // refused"); a time-out says so.
        if (st == LX_E_DB_NETWORK) {
            const char *why = e.get_error_string();
            if (why && *why)
                *msg += std::string(" (") + why + ")";
            if (std::strcmp(e.get_type(), "NetworkTimeoutError") == 0 &&
                msg->find("imeout") == std::string::npos &&
                msg->find("imed out") == std::string::npos)
                *msg += " (timed out)";
        }
    } catch (const LimitError &e) {
        st = LX_E_LIMIT;
        *msg = e.msg;
    } catch (const std::bad_alloc &) {
        st = LX_E_NOMEM;
        *msg = "out of memory";
    } catch (const std::exception &e) {
        *msg = e.what();
    } catch (...) {
        *msg = "unknown C++ exception";
    }
    return st;
}

// What to do about a damaged database named label: xapian-check it (on its
// server, when it is remote).
std::string check_advice(const std::string &label)
{
    if (label.compare(0, 7, "remote ") == 0)
        return "run xapian-check on the server of " + label;
    return "run xapian-check " + label;
}

// The one line that says an index is damaged: Xapian's reason, and what to
// run on which database (on each, when the handle has several and Xapian
// does not say which one failed).
std::string damaged(const lx_db *db, const std::string &why)
{
    std::vector<std::string> labels;
    for (const lx_part &p : db->parts)
        if (!p.missing)
            labels.push_back(p.label);
    if (labels.empty())
        labels.push_back(db->path);
    std::string msg = "index damaged (" + why + "): ";
    if (labels.size() == 1)
        return msg + check_advice(labels[0]);
    msg += "run xapian-check on each of its databases (";
    for (size_t i = 0; i < labels.size() && i < 10; i++)
        msg += (i ? ", " : "") + labels[i];
    return msg + (labels.size() > 10 ? ", ...)" : ")");
}

// Records the exception currently being handled on db (when there is one)
// and returns its status. Called only from inside a catch block.
lx_status fail_current(lx_db *db)
{
    std::string msg;
    lx_status st = classify_current(db && !db->wdb, &msg);
    if (db) {
        try {
            db->err = st == LX_E_DB_CORRUPT ? damaged(db, msg) : msg;
        } catch (...) {
            // Out of memory while recording the message: the status says it.
        }
    }
    return st;
}

// A reader sees one revision of the index. An indexer committing meanwhile
// may discard it: Xapian then throws DatabaseModifiedError, or, when the
// reader meets a block the writer has just reused, DatabaseCorruptError
// ("Expected block 35 to be level 1, not 0"). Either way the read starts over
// on the newest revision after a short pause, boundedly (a damaged index
// still fails, with its own message). Called inside the catch block; false
// when the error is to be reported.
void retry_pause(unsigned attempt)
{
    struct timespec pause = {0, 1000000L << (attempt < 9 ? attempt : 9)};
    nanosleep(&pause, nullptr);
}

bool reopen_for_retry(lx_db *db, unsigned attempt)
{
    if (db->wdb || attempt >= LX_DB_READ_RETRIES)
        return false;
    retry_pause(attempt);
    try {
        db->termfreqs.clear();
        db->db->reopen();
        db->reopens++;
        return true;
    } catch (...) {
        return false;
    }
}

// A DatabaseError of no more precise kind: how Xapian reports a read past the
// end of a table file ("EOF reading block 93"), which a reader meets when the
// revision it opened has just been replaced. Opening, lock and version
// errors are kinds of their own and never retried.
bool plain_database_error(const Xapian::DatabaseError &e)
{
    return std::strcmp(e.get_type(), "DatabaseError") == 0;
}

// Runs body() (which returns an lx_status) on a read-only handle, starting
// over as above; reset() undoes what a failed attempt left in the outputs.
template <class Body, class Reset> lx_status read_retrying(lx_db *db, Body &&body, Reset &&reset)
{
    for (unsigned attempt = 0;; attempt++) {
        try {
            return body();
        } catch (const Xapian::DatabaseModifiedError &) {
            reset();
            if (!reopen_for_retry(db, attempt))
                return fail_current(db);
        } catch (const Xapian::DatabaseCorruptError &) {
            reset();
            if (!reopen_for_retry(db, attempt))
                return fail_current(db);
        } catch (const Xapian::DatabaseError &e) {
            reset();
            if (!plain_database_error(e) || !reopen_for_retry(db, attempt))
                return fail_current(db);
        } catch (...) {
            reset();
            return fail_current(db);
        }
    }
}

template <class Body> lx_status read_retrying(lx_db *db, Body &&body)
{
    return read_retrying(db, body, [] {});
}

// Whether the exception being handled is one a retry may cure (above).
bool current_is_transient()
{
    try {
        throw;
    } catch (const Xapian::DatabaseModifiedError &) {
        return true;
    } catch (const Xapian::DatabaseCorruptError &) {
        return true;
    } catch (const Xapian::DatabaseError &e) {
        return plain_database_error(e);
    } catch (...) {
        return false;
    }
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

// A document's data, which every leakdex document has: none is how Xapian
// reads a document whose data table is damaged or lost.
std::string stored_data(const Xapian::Document &doc, Xapian::docid id)
{
    std::string data = doc.get_data();
    if (data.empty())
        throw Xapian::DatabaseCorruptError("document " + std::to_string(id) +
                                           " has no stored data");
    return data;
}

void set_errmsg(char **errmsg, const std::string &msg)
{
    if (!errmsg)
        return;
    *errmsg = static_cast<char *>(std::malloc(msg.size() + 1));
    if (*errmsg)
        std::memcpy(*errmsg, msg.c_str(), msg.size() + 1);
}

char **dup_list(const std::vector<std::string> &v)
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

// Hands values to a C caller as lx_db_term_values describes.
lx_status term_values_out(const std::vector<std::string> &v, char ***vals, size_t **lens, size_t *n)
{
    size_t *l = static_cast<size_t *>(std::calloc(v.size() ? v.size() : 1, sizeof *l));
    if (!l)
        throw std::bad_alloc();
    for (size_t i = 0; i < v.size(); i++)
        l[i] = v[i].size();
    try {
        *vals = dup_list(v);
    } catch (...) {
        std::free(l);
        throw;
    }
    *lens = l;
    *n = v.size();
    return LX_OK;
}

// One hit of a search, before its data is read.
struct Row {
    Xapian::docid id;
    double weight;
    std::string key;      // the sort key (the date value)
    std::string identity; // read only for ties
    Xapian::Document doc; // fetched with its MSet (one round trip to a remote)
    bool has_doc;
};

// The hits offset..offset+want of a search sorted by date (enq is set up),
// ties ordered by identity. Xapian orders ties by document id, and the
// remote backend takes no KeyMaker, so the tie groups are reordered here:
// the hits are read from the first (Xapian 1.4's MSet::fetch crashes on an
// MSet that starts further on), and past the page until the last tie group
// ends, so that a page never cuts a group unsorted.
std::vector<Row> date_sorted(Xapian::Enquire &enq, bool remote, Xapian::doccount offset,
                             Xapian::doccount want, Xapian::doccount all, size_t *total)
{
    Xapian::doccount end = want ? offset + want : 0;
    if (want && end < offset)
        end = all; // overflow: every hit
    Xapian::doccount size = end;
    Xapian::MSet ms = enq.get_mset(0, size, all);
    while (end && ms.size() == size && size < all &&
           ms[size - 1].get_sort_key() == ms[end - 1].get_sort_key()) {
        size = size > all - size ? all : size * 2;
        ms = enq.get_mset(0, size, all);
    }
    *total = ms.get_matches_estimated();
    std::vector<Row> rows;
    for (auto it = ms.begin(); it != ms.end(); ++it)
        rows.push_back(
            Row{*it, it.get_weight(), it.get_sort_key(), std::string(), Xapian::Document(), false});
    // The last group of the page ends here; the rest is not needed.
    Xapian::doccount last =
        std::min<Xapian::doccount>(end, static_cast<Xapian::doccount>(rows.size()));
    while (last > 0 && last < rows.size() && rows[last].key == rows[last - 1].key)
        last++;
    // The documents of the page's groups are read (fetched at once from
    // remote databases).
    Xapian::doccount first = offset;
    while (first > 0 && first < rows.size() && rows[first - 1].key == rows[first].key)
        first--;
    if (first < last) {
        if (remote)
            ms.fetch(ms[first], ms[last]);
        for (Xapian::doccount i = first; i < last; i++) {
            rows[i].doc = ms[i].get_document();
            rows[i].has_doc = true;
        }
    }
    auto identity = static_cast<Xapian::valueno>(lx_schema_slot(LX_F_IDENTITY));
    for (size_t a = first; a < last;) {
        size_t b = a + 1;
        while (b < last && rows[b].key == rows[a].key)
            b++;
        if (b - a > 1) {
            for (size_t i = a; i < b; i++)
                rows[i].identity = rows[i].doc.get_value(identity);
            std::stable_sort(rows.begin() + static_cast<std::ptrdiff_t>(a),
                             rows.begin() + static_cast<std::ptrdiff_t>(b),
                             [](const Row &x, const Row &y) { return x.identity < y.identity; });
        }
        a = b;
    }
    if (rows.size() > end)
        rows.resize(end);
    if (offset >= rows.size())
        return std::vector<Row>();
    return std::vector<Row>(rows.begin() + static_cast<std::ptrdiff_t>(offset), rows.end());
}

// Why a database cannot be read as a leakdex index ("" when it can): no
// schema version, or another one. label names it in the message.
std::string schema_problem(Xapian::Database &d, const std::string &label)
{
    std::string want = std::to_string(LX_SCHEMA_VERSION);
    std::string have = d.get_metadata(LX_SCHEMA_METADATA_KEY);
    if (have == want)
        return std::string();
    // An empty database without the stamp is one an indexer has just created
    // and not yet committed: nothing in it can be misread.
    if (have.empty() && d.get_doccount() == 0)
        return std::string();
    if (have.empty())
        return "'" + label + "' is a Xapian database but not a leakdex index";
    return "index '" + label + "' was built with schema version " + have +
           "; this leakdex reads version " + want + " (re-index the sources)";
}

// Checks the schema version of a writable database, stamping an empty one.
lx_status check_schema(lx_db *db)
{
    std::string want = std::to_string(LX_SCHEMA_VERSION);
    std::string have = db->db->get_metadata(LX_SCHEMA_METADATA_KEY);
    if (have.empty() && db->db->get_doccount() == 0) {
        db->wdb->set_metadata(LX_SCHEMA_METADATA_KEY, want);
        char now[32];
        lx_date_format_iso(static_cast<int64_t>(std::time(nullptr)), now);
        db->wdb->set_metadata("leakdex.created", now);
        db->wdb->commit();
        return LX_OK;
    }
    db->err = schema_problem(*db->db, db->path);
    return db->err.empty() ? LX_OK : LX_E_DB_SCHEMA;
}

// What an export says of one database, read from the revision d reads.
void describe(lx_part &part, Xapian::Database &d)
{
    part.created = d.get_metadata("leakdex.created");
    part.updated = d.get_metadata("leakdex.updated");
    part.documents = d.get_doccount();
    try {
        part.revision = static_cast<long long>(d.get_revision());
    } catch (const Xapian::UnimplementedError &) {
        part.revision = -1; // a remote database keeps its revision to itself
    } catch (const Xapian::InvalidOperationError &) {
        part.revision = -1;
    }
}

// A failure that ends an open, with its one-line message.
struct OpenFailure {
    lx_status st;
    std::string msg;
};

std::string trim(const std::string &s)
{
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos)
        return std::string();
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// Whether a file is text (a stub file) rather than a single-file database,
// whose header holds control bytes.
bool looks_like_text(const std::string &path)
{
    FILE *f = std::fopen(path.c_str(), "rbe");
    if (!f)
        return true; // reading it as a stub reports why it cannot be read
    unsigned char buf[4096];
    size_t n = std::fread(buf, 1, sizeof buf, f);
    std::fclose(f);
    for (size_t i = 0; i < n; i++)
        if (buf[i] < 0x20 && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
            return false;
    return true;
}

// What a directory holds: Xapian's own "Couldn't detect type of database"
// says neither what is there nor what to do. A database directory holds its
// backend's marker file (iamglass, iamchert, iamhoney...) or a XAPIANDB
// stub file; what else it may hold is Xapian's to judge.
// What a directory given as an index holds. `unfinished`: Xapian's lock file
// and tables without the version file (iamglass), which Xapian writes last
// when it creates a database: nothing was ever committed there.
enum class DirKind { database, empty, unfinished, other };

bool is_xapian_file(const char *name)
{
    size_t n = std::strlen(name);
    return std::strcmp(name, "flintlock") == 0 ||
           (n > 6 && std::strcmp(name + n - 6, ".glass") == 0) ||
           (n > 4 && std::strcmp(name + n - 4, ".tmp") == 0);
}

DirKind dir_kind(const std::string &path)
{
    DIR *d = opendir(path.c_str());
    if (!d)
        return DirKind::database; // Xapian's open says why it cannot be read
    bool empty = true, marker = false, only_xapian = true;
    while (struct dirent *e = readdir(d)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0)
            continue;
        empty = false;
        if (std::strncmp(e->d_name, "iam", 3) == 0 || std::strcmp(e->d_name, "XAPIANDB") == 0)
            marker = true;
        if (!is_xapian_file(e->d_name))
            only_xapian = false;
    }
    closedir(d);
    if (marker)
        return DirKind::database;
    return empty ? DirKind::empty : only_xapian ? DirKind::unfinished : DirKind::other;
}

// An indexer killed while Xapian created the database (kill -9 in the first
// moments of a first run) leaves an unfinished directory that Xapian cannot
// open again ("Failed to open glass revision file"). Unless another indexer
// holds its lock (it is creating the database right now), its files are
// removed, under that lock, so that the database is created anew. Nothing
// committed is lost: there never was a commit.
void clear_unfinished(const std::string &path)
{
    if (dir_kind(path) != DirKind::unfinished)
        return;
    std::string lock = path + "/flintlock";
    int fd = open(lock.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fd >= 0 && fcntl(fd, F_OFD_SETLK, &fl) != 0) {
        close(fd); // another indexer: Xapian's open will say it is locked
        return;
    }
    if (DIR *d = opendir(path.c_str())) {
        while (struct dirent *e = readdir(d))
            if (is_xapian_file(e->d_name) && std::strcmp(e->d_name, "flintlock") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    if (fd >= 0)
        close(fd); // releases the lock; Xapian takes its own
}

bool parse_port(const std::string &s, unsigned *port)
{
    if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos)
        return false;
    unsigned long v = std::strtoul(s.c_str(), nullptr, 10);
    if (v < 1 || v > 65535)
        return false;
    *port = static_cast<unsigned>(v);
    return true;
}

// Why a leakdex database that opened is damaged in a way Xapian does not
// see ("" when it is not). Xapian creates some tables of a directory
// database on first use and reads a missing one as empty: an index that
// lost docdata.glass answers every hit with blank data, one without
// position.glass finds phrases by their words alone, and xapian-check
// finds nothing wrong. Every leakdex document has data and terms, and text
// always has positions. dir: the database's directory, "" when remote.
std::string missing_table(Xapian::Database &one, const std::string &dir)
{
    if (one.get_doccount() == 0)
        return std::string();
    bool text = one.get_total_length() > 0;
    struct stat sb;
    if (!dir.empty() && stat((dir + "/iamglass").c_str(), &sb) == 0)
        for (const char *table : {"docdata", "termlist", "position"}) {
            if (!text && std::strcmp(table, "position") == 0)
                continue;
            std::string file = dir + "/" + table + ".glass";
            if (stat(file.c_str(), &sb) != 0 && errno == ENOENT)
                return file.substr(dir.size() + 1) + " is missing";
        }
    if (text && !one.has_positions())
        return "the word positions are missing";
    return std::string();
}

// Opens the databases of an lx_db_open_opts one by one into one
// Xapian::Database, recording each in db->parts.
class Opener
{
    const lx_db_open_opts &o;
    lx_db *db;
    unsigned timeout;
    std::vector<std::string> missing_why;
    lx_status first_missing = LX_E_DB_OPEN;

    void warn(const std::string &msg)
    {
        if (o.warn)
            o.warn(o.warn_ctx, msg.c_str());
    }

    // Records a database that could not be reached, or ends the open.
    void unreachable(lx_part &part, lx_status st, const std::string &msg)
    {
        if (!o.allow_partial)
            throw OpenFailure{st, msg};
        part.missing = true;
        // Told in finish(), once it is known that something is left.
        if (missing_why.empty())
            first_missing = st;
        missing_why.push_back(msg);
        db->parts.push_back(part);
    }

    // Opens one database alone: its failure names it, its schema is checked,
    // its metadata read (a combined database reads only the first's).
    // dir: the directory of a local database, "" for a remote one.
    void add_part(const std::string &label, const std::string &where,
                  const std::function<Xapian::Database()> &open, const std::string &dir)
    {
        lx_part part;
        part.label = label;
        std::string named = "'" + label + "'" + (where.empty() ? "" : " (" + where + ")");
        Xapian::Database one;
        for (unsigned attempt = 0;; attempt++) {
            try {
                part.specs.clear();
                one = open();
                std::string why = schema_problem(one, label);
                if (!why.empty())
                    throw OpenFailure{LX_E_DB_SCHEMA,
                                      why + (where.empty() ? "" : " (" + where + ")")};
                describe(part, one);
                std::string lost = missing_table(one, dir);
                if (!lost.empty())
                    throw OpenFailure{LX_E_DB_CORRUPT,
                                      "index damaged (" + lost + "): copy " + named +
                                          " again from where it came, or index the sources "
                                          "into a new directory"};
                for (auto k = one.metadata_keys_begin(LX_SHARD_METADATA_PREFIX);
                     k != one.metadata_keys_end(LX_SHARD_METADATA_PREFIX); ++k) {
                    lx_shard sh;
                    std::string spec = (*k).substr(std::strlen(LX_SHARD_METADATA_PREFIX));
                    if (!lx_shard_parse(spec.c_str(), &sh))
                        throw OpenFailure{LX_E_DB_SCHEMA,
                                          "index " + named + " records a bad shard '" + spec + "'"};
                    part.specs.push_back(sh);
                }
                break;
            } catch (const OpenFailure &) {
                throw;
            } catch (...) {
                // An indexer's commit while the database opens: read it again.
                if (attempt < LX_DB_READ_RETRIES && current_is_transient()) {
                    retry_pause(attempt);
                    continue;
                }
                std::string msg;
                lx_status st = classify_current(true, &msg);
                db->err = msg;
                if (st == LX_E_DB_CORRUPT)
                    throw OpenFailure{st, "index damaged (" + msg + "): " + check_advice(label) +
                                              (where.empty() ? "" : " (" + where + ")")};
                if (st == LX_E_DB_NETWORK)
                    return unreachable(part, st, "cannot reach " + named + ": " + db->err);
                if (st == LX_E_DB_OPEN)
                    return unreachable(part, st, "cannot open index " + named + ": " + db->err);
                throw OpenFailure{st, "cannot open index " + named + ": " + db->err};
            }
        }
        if (!lx_shard_set_whole(part.specs.data(), part.specs.size())) {
            lx_strbuf sb;
            lx_strbuf_init(&sb);
            lx_shard_set_format(part.specs.data(), part.specs.size(), &sb);
            part.shards = sb.buf;
            lx_strbuf_release(&sb);
        }
        db->db->add_database(one);
        part.alone = one;
        db->parts.push_back(part);
    }

    void add_stub(const std::string &stub, int depth)
    {
        if (depth > LX_MAX_STUB_DEPTH)
            throw OpenFailure{LX_E_DB_OPEN, "stub file '" + stub +
                                                "': stub files nested more than " +
                                                std::to_string(LX_MAX_STUB_DEPTH) + " deep"};
        FILE *f = std::fopen(stub.c_str(), "re");
        if (!f)
            throw OpenFailure{LX_E_DB_OPEN,
                              "cannot read stub file '" + stub + "': " + std::strerror(errno)};
        std::vector<std::string> lines;
        std::string line;
        int c;
        while ((c = std::fgetc(f)) != EOF) {
            if (c == '\n') {
                lines.push_back(line);
                line.clear();
            } else {
                line += static_cast<char>(c);
            }
            if (line.size() > 4096 || lines.size() > LX_MAX_DATABASES) {
                std::fclose(f);
                throw OpenFailure{LX_E_DB_OPEN, "'" + stub + "' is not a stub file (too long)"};
            }
        }
        std::fclose(f);
        if (!line.empty())
            lines.push_back(line);
        std::string dir = stub.find('/') == std::string::npos
                              ? std::string(".")
                              : stub.substr(0, stub.rfind('/') ? stub.rfind('/') : 1);
        size_t before = db->parts.size();
        for (size_t i = 0; i < lines.size(); i++) {
            std::string l = trim(lines[i]);
            if (l.empty() || l[0] == '#')
                continue;
            std::string where = "line " + std::to_string(i + 1) + " of " + stub;
            size_t sp = l.find_first_of(" \t");
            std::string type = l.substr(0, sp);
            std::string rest = sp == std::string::npos ? std::string() : trim(l.substr(sp));
            if ((type == "auto" || type == "glass" || type == "chert") && !rest.empty()) {
                add_path(rest[0] == '/' ? rest : dir + "/" + rest, where, depth + 1);
            } else if ((type == "remote" && !rest.empty() && rest[0] == ':') ||
                       (type == "prog" && !rest.empty())) {
                std::string cmd = type == "prog" ? rest : trim(rest.substr(1));
                size_t a = cmd.find_first_of(" \t");
                std::string prog = cmd.substr(0, a);
                std::string args = a == std::string::npos ? std::string() : trim(cmd.substr(a));
                if (prog.empty())
                    throw OpenFailure{LX_E_DB_OPEN, "no program in " + where};
                db->remote = true;
                add_part(
                    "remote :" + cmd, where,
                    [&] { return Xapian::Remote::open(prog, args, timeout); }, "");
            } else if ((type == "remote" || type == "tcp") && !rest.empty()) {
                std::string host, port_s;
                if (type == "tcp") {
                    size_t a = rest.find_first_of(" \t");
                    host = rest.substr(0, a);
                    port_s = a == std::string::npos ? std::string() : trim(rest.substr(a));
                } else {
                    size_t colon = rest.rfind(':');
                    host = colon == std::string::npos ? rest : rest.substr(0, colon);
                    port_s = colon == std::string::npos ? std::string() : rest.substr(colon + 1);
                }
                if (host.size() > 2 && host.front() == '[' && host.back() == ']')
                    host = host.substr(1, host.size() - 2);
                unsigned port = 0;
                if (host.empty() || !parse_port(port_s, &port))
                    throw OpenFailure{LX_E_DB_OPEN, "bad host or port in '" + l + "' (" + where +
                                                        "; write remote HOST:PORT)"};
                db->remote = true;
                add_part(
                    "remote " + host + ":" + std::to_string(port), where,
                    [&] { return Xapian::Remote::open(host, port, timeout, timeout); }, "");
            } else {
                throw OpenFailure{LX_E_DB_OPEN, "cannot read '" + l + "' (" + where +
                                                    "; lines are auto PATH, remote HOST:PORT, "
                                                    "tcp HOST PORT or prog PROGRAM ARGS)"};
            }
        }
        if (db->parts.size() == before)
            throw OpenFailure{LX_E_DB_OPEN, "stub file '" + stub + "' names no database"};
    }

  public:
    Opener(const lx_db_open_opts &o_, lx_db *db_)
        : o(o_), db(db_), timeout(o_.timeout_ms ? o_.timeout_ms : 10000)
    {
    }

    // A --db value (where is empty) or a stub file's auto line.
    void add_path(const std::string &path, const std::string &where, int depth)
    {
        struct stat sb;
        if (stat(path.c_str(), &sb) != 0) {
            lx_part part;
            part.label = path;
            return unreachable(part, LX_E_DB_OPEN,
                               where.empty() ? "no leakdex index at '" + path +
                                                   "' (build one with leakdex-index --db " + path +
                                                   " SOURCE...)"
                                             : "no index at '" + path + "' (" + where + ")");
        }
        if (S_ISREG(sb.st_mode) && looks_like_text(path))
            return add_stub(path, depth);
        DirKind kind = S_ISDIR(sb.st_mode) ? dir_kind(path) : DirKind::database;
        if (kind != DirKind::database) {
            lx_part part;
            part.label = path;
            std::string msg = "'" + path + "' is not a leakdex index (";
            msg += kind == DirKind::empty ? "empty directory"
                   : kind == DirKind::unfinished
                       ? "nothing committed yet: an indexer is creating it, or was stopped "
                         "before its first commit"
                       : "a directory of other files, no Xapian database in it";
            if (!where.empty())
                msg += "; " + where + ")";
            else if (kind == DirKind::empty || kind == DirKind::unfinished)
                msg += "); build one with: leakdex-index --db " + path + " SOURCE...";
            else
                msg += "); check --db, or build an index in a new directory: leakdex-index "
                       "--db NEWDIR SOURCE...";
            return unreachable(part, LX_E_DB_OPEN, msg);
        }
        add_part(
            path, where, [&] { return Xapian::Database(path); },
            S_ISDIR(sb.st_mode) ? path : std::string());
    }

    // After every database: which combinations may hold a message twice,
    // and which leave shards out.
    void finish()
    {
        std::vector<const lx_part *> present;
        for (const auto &p : db->parts)
            if (!p.missing)
                present.push_back(&p);
        if (present.empty())
            throw OpenFailure{first_missing,
                              missing_why.empty()
                                  ? std::string("no database could be opened")
                                  : "no database could be opened: " + missing_why[0]};
        for (const auto &m : missing_why)
            warn(m + "; searching without it (--allow-partial)");
        std::vector<lx_shard> all;
        bool whole = false, one_count = true;
        for (const auto *p : present) {
            if (p->shards.empty())
                whole = true;
            for (const auto &sh : p->specs) {
                if (!all.empty() && sh.count != all[0].count)
                    one_count = false;
                all.push_back(sh);
            }
        }
        auto by_index = [](const lx_shard &a, const lx_shard &b) {
            return a.count != b.count ? a.count < b.count : a.index < b.index;
        };
        std::sort(all.begin(), all.end(), by_index);
        bool repeated = false;
        for (size_t i = 1; i < all.size(); i++)
            if (all[i].count == all[i - 1].count && all[i].index == all[i - 1].index)
                repeated = true;
        db->collapse = present.size() > 1 && (whole || !one_count || repeated);
        if (whole || all.empty())
            return;
        if (!one_count) {
            warn("the databases are shards of different splits: a message may be missing "
                 "(one found twice is shown once)");
            return;
        }
        // Which shards of the one split are not searched.
        std::string missing;
        size_t n_missing = 0;
        for (unsigned i = 1, k = 0; i <= all[0].count; i++) {
            while (k < all.size() && all[k].index < i)
                k++;
            if (k < all.size() && all[k].index == i)
                continue;
            if (n_missing++ < 10)
                missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" +
                           std::to_string(all[0].count);
        }
        if (n_missing)
            warn("shard" + std::string(n_missing > 1 ? "s " : " ") + missing +
                 (n_missing > 10 ? ", ..." : "") +
                 " not searched: results cover part of the archive");
    }
};

} // namespace

extern "C" {

lx_status lx_db_open(const char *path, lx_db_mode mode, lx_db **out, char **errmsg)
{
    if (mode == LX_DB_READ) {
        lx_db_open_opts o = {};
        o.paths = &path;
        o.n_paths = 1;
        return lx_db_open_many(&o, out, errmsg);
    }
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    lx_db *db = new (std::nothrow) lx_db;
    if (!db)
        return LX_E_NOMEM;
    lx_status st = LX_OK;
    try {
        db->path = path;
        clear_unfinished(path);
        db->wdb = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
        db->db = db->wdb;
        st = check_schema(db);
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

lx_status lx_db_open_many(const lx_db_open_opts *o, lx_db **out, char **errmsg)
{
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    lx_db *db = new (std::nothrow) lx_db;
    if (!db)
        return LX_E_NOMEM;
    lx_status st = LX_OK;
    try {
        if (o->n_paths == 0 || o->n_paths > LX_MAX_DATABASES)
            throw OpenFailure{LX_E_INVALID,
                              "give from 1 to " + std::to_string(LX_MAX_DATABASES) + " databases"};
        db->path = o->paths[0];
        db->db = new Xapian::Database();
        Opener op(*o, db);
        for (size_t i = 0; i < o->n_paths; i++)
            op.add_path(o->paths[i], "", 0);
        if (db->parts.size() > LX_MAX_DATABASES)
            throw OpenFailure{LX_E_INVALID,
                              "more than " + std::to_string(LX_MAX_DATABASES) + " databases"};
        op.finish();
    } catch (const OpenFailure &f) {
        st = f.st;
        try {
            db->err = f.msg;
        } catch (...) {
        }
    } catch (...) {
        st = fail_current(db);
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

size_t lx_db_parts(const lx_db *db)
{
    return db->parts.size();
}

void lx_db_part(const lx_db *db, size_t i, lx_db_part_info *out)
{
    const lx_part &p = db->parts[i];
    out->label = p.label.c_str();
    out->created = p.created.c_str();
    out->updated = p.updated.c_str();
    out->shards = p.shards.c_str();
    out->documents = p.documents;
    out->revision = p.revision;
    out->missing = p.missing;
}

lx_status lx_db_parts_refresh(lx_db *db)
{
    return read_retrying(db, [&] {
        for (lx_part &p : db->parts)
            if (!p.missing)
                describe(p, p.alone);
        return LX_OK;
    });
}

unsigned long lx_db_reopens(const lx_db *db)
{
    return db->reopens;
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

} // extern "C"

namespace
{

std::string copy_path(const char *path)
{
    std::string p(path);
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    return p + ".compacting";
}

// Removes a directory of plain files (a glass database); false when it
// holds anything else, or cannot be removed.
bool remove_db_dir(const std::string &dir)
{
    DIR *d = opendir(dir.c_str());
    if (!d)
        return errno == ENOENT;
    bool ok = true;
    while (struct dirent *e = readdir(d)) {
        if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            unlinkat(dirfd(d), e->d_name, 0) != 0)
            ok = false;
    }
    closedir(d);
    return ok && rmdir(dir.c_str()) == 0;
}

bool is_glass_dir(const std::string &dir)
{
    struct stat st;
    return stat((dir + "/iamglass").c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

} // namespace

extern "C" {

void lx_db_remove_stale_copy(const char *path)
{
    try {
        std::string copy = copy_path(path);
        struct stat st;
        if (lstat(copy.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
            remove_db_dir(copy);
    } catch (...) {
    }
}

lx_status lx_db_close_compacted(lx_db *db, bool *compacted, char **why)
{
    *compacted = false;
    *why = nullptr;
    std::string reason;
    std::string copy;
    try {
        struct stat link;
        if (!db->wdb || !is_glass_dir(db->path)) {
            reason = "the index is not a directory database";
        } else if (lstat(db->path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
            // Exchanging would replace the link, not what it points to.
            reason = "the index is reached through a symbolic link";
        } else {
            db->wdb->commit();
            std::string where = copy_path(db->path.c_str());
            // A directory left by a killed run is ours to remove; anything
            // else in the way is not touched.
            lx_db_remove_stale_copy(db->path.c_str());
            struct stat st;
            if (lstat(where.c_str(), &st) == 0 || errno != ENOENT) {
                reason = "'" + where + "' is in the way";
            } else {
                copy = where; // from here on, ours to remove
                {
                    // The latest commit, read apart from the writer, which
                    // keeps the lock meanwhile.
                    Xapian::Database src(db->path);
                    src.compact(copy, Xapian::DBCOMPACT_NO_RENUMBER | Xapian::Compactor::FULL);
                }
                if (!is_glass_dir(copy))
                    reason = "the compact copy is not a database directory";
                else if (renameat2(AT_FDCWD, copy.c_str(), AT_FDCWD, db->path.c_str(),
                                   RENAME_EXCHANGE) != 0)
                    reason = std::string("cannot exchange it with its compact copy: ") +
                             std::strerror(errno);
                else
                    *compacted = true;
            }
        }
    } catch (const Xapian::Error &e) {
        reason = e.get_description();
    } catch (const std::exception &e) {
        reason = e.what();
    } catch (...) {
        reason = "unknown error";
    }
    lx_status st = lx_db_close(db);
    // After the exchange the copy's path holds the old index; before it, a
    // partial or unused copy: removed either way.
    if (!copy.empty())
        remove_db_dir(copy);
    if (!reason.empty())
        *why = strdup(reason.c_str());
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
    unsigned n = 0;
    read_retrying(db, [&] {
        n = db->db->get_doccount();
        return LX_OK;
    });
    return n;
}

lx_docid lx_db_last_docid(lx_db *db)
{
    lx_docid n = 0;
    read_retrying(db, [&] {
        n = db->db->get_lastdocid();
        return LX_OK;
    });
    return n;
}

unsigned lx_db_value_freq(lx_db *db, int slot)
{
    unsigned n = 0;
    read_retrying(db, [&] {
        n = db->db->get_value_freq(static_cast<Xapian::valueno>(slot));
        return LX_OK;
    });
    return n;
}

lx_status lx_db_get_metadata(lx_db *db, const char *key, char **value)
{
    *value = nullptr;
    return read_retrying(db, [&] {
        *value = dup_bytes(db->db->get_metadata(key), nullptr);
        return LX_OK;
    });
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

lx_status lx_db_metadata_keys(lx_db *db, const char *prefix, char ***keys, size_t *n)
{
    *keys = nullptr;
    *n = 0;
    return read_retrying(db, [&] {
        std::vector<std::string> v;
        for (auto k = db->db->metadata_keys_begin(prefix); k != db->db->metadata_keys_end(prefix);
             ++k)
            v.push_back(*k);
        *keys = dup_list(v);
        *n = v.size();
        return LX_OK;
    });
}

lx_status lx_db_term_values(lx_db *db, const char *term, int slot, size_t max, char ***vals,
                            size_t **lens, size_t *n)
{
    *vals = nullptr;
    *lens = nullptr;
    *n = 0;
    return read_retrying(db, [&] {
        std::vector<std::string> v;
        auto vslot = static_cast<Xapian::valueno>(slot);
        // Locally, a short posting list is read directly (the usual case:
        // a Message-ID found once or twice); a long one, or a remote
        // database, goes through a match sorted by the value.
        if (!db->remote && db->db->get_termfreq(term) <= max) {
            for (auto it = db->db->postlist_begin(term); it != db->db->postlist_end(term); ++it)
                v.push_back(db->db->get_document(*it).get_value(vslot));
            std::sort(v.begin(), v.end());
            return term_values_out(v, vals, lens, n);
        }
        Xapian::Enquire enq(*db->db);
        enq.set_query(Xapian::Query(term));
        enq.set_weighting_scheme(Xapian::BoolWeight());
        enq.set_sort_by_value(vslot, false);
        Xapian::MSet ms = enq.get_mset(0, static_cast<Xapian::doccount>(max));
        // The sort key is the value: no document is read (nor sent by a
        // remote database).
        for (auto it = ms.begin(); it != ms.end(); ++it)
            v.push_back(it.get_sort_key());
        return term_values_out(v, vals, lens, n);
    });
}

lx_status lx_db_term_docs(lx_db *db, const char *term, lx_docid **ids, size_t *n)
{
    *ids = nullptr;
    *n = 0;
    auto reset = [&] {
        std::free(*ids);
        *ids = nullptr;
        *n = 0;
    };
    return read_retrying(
        db,
        [&] {
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
        },
        reset);
}

lx_status lx_db_terms_with_prefix(lx_db *db, const char *prefix, size_t max, char ***terms,
                                  size_t *n)
{
    *terms = nullptr;
    *n = 0;
    auto reset = [&] {
        for (size_t i = 0; i < *n; i++)
            std::free((*terms)[i]);
        std::free(*terms);
        *terms = nullptr;
        *n = 0;
    };
    return read_retrying(
        db,
        [&] {
            *terms = static_cast<char **>(std::calloc(max ? max : 1, sizeof(char *)));
            if (!*terms)
                throw std::bad_alloc();
            for (auto it = db->db->allterms_begin(prefix);
                 it != db->db->allterms_end(prefix) && *n < max; ++it)
                (*terms)[(*n)++] = dup_bytes(*it, nullptr);
            return LX_OK;
        },
        reset);
}

lx_status lx_db_get_data(lx_db *db, lx_docid id, char **data, size_t *len)
{
    *data = nullptr;
    return read_retrying(db, [&] {
        *data = dup_bytes(stored_data(db->db->get_document(id), id), len);
        return LX_OK;
    });
}

lx_status lx_db_get_value(lx_db *db, lx_docid id, int slot, char **value, size_t *len)
{
    *value = nullptr;
    return read_retrying(db, [&] {
        *value =
            dup_bytes(db->db->get_document(id).get_value(static_cast<Xapian::valueno>(slot)), len);
        return LX_OK;
    });
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
    return read_retrying(db, [&] {
        Xapian::TermIterator t = db->db->termlist_begin(id);
        t.skip_to(term);
        *has = t != db->db->termlist_end(id) && *t == term;
        return LX_OK;
    });
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
    return read_retrying(db, [&] {
        std::string term = std::string(lx_schema_prefix(LX_F_SHA256)) + sha;
        Xapian::PostingIterator p = db->db->postlist_begin(term);
        if (p == db->db->postlist_end(term))
            return LX_E_NOT_FOUND;
        *id = *p;
        return LX_OK;
    });
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

lx_status lx_db_set_values(lx_db *db, lx_docid id, const int *slots, const char *const *values,
                           size_t n)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::Document doc = db->wdb->get_document(id);
    for (size_t i = 0; i < n; i++) {
        auto slot = static_cast<Xapian::valueno>(slots[i]);
        if (*values[i])
            doc.add_value(slot, values[i]);
        else if (!doc.get_value(slot).empty())
            doc.remove_value(slot);
    }
    db->wdb->replace_document(id, doc);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_set_number(lx_db *db, lx_docid id, int slot, double number)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::Document doc = db->wdb->get_document(id);
    doc.add_value(static_cast<Xapian::valueno>(slot), Xapian::sortable_serialise(number));
    db->wdb->replace_document(id, doc);
    return LX_OK;
    LX_GUARD_END(db)
}

} // extern "C"

namespace
{

// A term's frequency, remembered on a read-only handle (bounded: forgotten
// all at once past a limit).
Xapian::doccount termfreq(lx_db *db, const char *term)
{
    if (db->wdb)
        return db->db->get_termfreq(term);
    auto hit = db->termfreqs.find(term);
    if (hit != db->termfreqs.end())
        return hit->second;
    if (db->termfreqs.size() >= 262144)
        db->termfreqs.clear();
    Xapian::doccount f = db->db->get_termfreq(term);
    db->termfreqs.emplace(term, f);
    return f;
}

// A number with thousands separators, as the messages print them.
std::string grouped(size_t n)
{
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); i++) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

// The patterns of the wildcards in q: the term prefix and the letters
// before '*' ("XSbudg" for subject:budg*). Xapian 1.4 tells them only in
// its description of the wildcard ("Query(WILDCARD SYNONYM XSbudg)"); one
// described otherwise is left to Xapian's own limit (parse_text).
void wildcard_patterns(const Xapian::Query &q, std::vector<std::string> &out)
{
    if (q.get_type() == Xapian::Query::OP_WILDCARD) {
        const std::string d = q.get_description(), head = "Query(WILDCARD ";
        size_t sp =
            d.compare(0, head.size(), head) == 0 ? d.find(' ', head.size()) : std::string::npos;
        if (sp != std::string::npos && d.back() == ')')
            out.push_back(d.substr(sp + 1, d.size() - sp - 2));
        return;
    }
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        wildcard_patterns(q.get_subquery(i), out);
}

// Refuses q (LimitError) when its wildcards together stand for more than
// LX_MAX_WILDCARD_TERMS terms of the index, saying how many: they are
// counted before Xapian expands them, locally up to a hundred times the
// limit (200,000 terms are counted in 0.03 s), remotely just past it (each
// term crosses the network).
void check_wildcards(lx_db *db, const Xapian::Query &q)
{
    std::vector<std::string> patterns;
    wildcard_patterns(q, patterns);
    std::sort(patterns.begin(), patterns.end());
    patterns.erase(std::unique(patterns.begin(), patterns.end()), patterns.end());
    const size_t bound =
        db->remote ? LX_MAX_WILDCARD_TERMS + 1 : 100 * (size_t)LX_MAX_WILDCARD_TERMS;
    size_t total = 0;
    std::vector<std::string> words;
    for (const std::string &p : patterns) {
        size_t n = 0;
        for (auto t = db->db->allterms_begin(p); t != db->db->allterms_end(p) && total + n < bound;
             ++t)
            n++;
        total += n;
        // The word as typed: the pattern without its field's prefix.
        std::string word =
            p.substr(std::min(p.size(), p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))) + "*";
        if (n && std::find(words.begin(), words.end(), word) == words.end())
            words.push_back(word);
        if (total >= bound)
            break;
    }
    if (total <= LX_MAX_WILDCARD_TERMS)
        return;
    std::string named;
    for (size_t i = 0; i < words.size() && i < 5; i++)
        named += (i ? ", '" : "'") + words[i] + "'";
    if (words.size() > 5)
        named += ", ...";
    throw LimitError{std::string(words.size() == 1 ? "the wildcard " : "the wildcards ") + named +
                     " stand" + (words.size() == 1 ? "s" : "") + " for " +
                     (total >= bound ? "more than " : "") + grouped(total) + " terms of the index" +
                     (words.size() == 1 ? "" : " together") + ", more than the " +
                     grouped(LX_MAX_WILDCARD_TERMS) +
                     " a query may expand to (LX_MAX_WILDCARD_TERMS): give more letters"};
}

// q without the terms no document has, so that Xapian builds no posting
// list for them: it joins the subqueries of an OR two by two, the rarest
// first, and subqueries that match nothing make that join cost the square
// of their number (an OR of 4,000 words the index lacks took 20.8 s, 0.65 s
// without them; each free word is looked for in four fields, most of which
// lack it). Only
// operators without parameters are rebuilt; a phrase or NEAR that lacks a
// term matches nothing. Matches and weights are unchanged: a missing term
// weighs nothing.
Xapian::Query without_absent(Xapian::Database &d, const Xapian::Query &q)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM: {
        auto t = q.get_terms_begin();
        if (t != q.get_terms_end() && !(*t).empty() && d.get_termfreq(*t) == 0)
            return Xapian::Query::MatchNothing;
        return q;
    }
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR:
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            if (without_absent(d, q.get_subquery(i)).empty())
                return Xapian::Query::MatchNothing;
        return q;
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX: {
        std::vector<Xapian::Query> subs;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            subs.push_back(without_absent(d, q.get_subquery(i)));
        return Xapian::Query(q.get_type(), subs.begin(), subs.end());
    }
    default: return q;
    }
}

// The query Xapian runs for q: its wildcards checked against their limit,
// and, locally, the terms no document has left out (remotely each lookup
// would cross the network; the server runs the query as it is).
Xapian::Query to_run(lx_db *db, const Xapian::Query &q)
{
    check_wildcards(db, q);
    return db->remote ? q : without_absent(*db->db, q);
}

} // namespace

extern "C" {

lx_status lx_db_match(lx_db *db, const lx_match_opts *o, lx_docid **ids, size_t *n)
{
    *ids = nullptr;
    *n = 0;
    auto reset = [&] {
        std::free(*ids);
        *ids = nullptr;
        *n = 0;
    };
    return read_retrying(
        db,
        [&] {
            Xapian::Query q = match_all();
            if (o->n_any) {
                std::vector<std::pair<Xapian::doccount, std::string>> terms;
                for (size_t i = 0; i < o->n_any; i++) {
                    Xapian::doccount f = termfreq(db, o->any[i]);
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
        },
        reset);
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
    out->sort = o->sort;
    // A writer may commit while we read; Xapian then asks us to reopen.
    return read_retrying(
        db,
        [&] {
            Xapian::Query q = build_query(*db->db, o);
            Xapian::Enquire enq(*db->db);
            Xapian::Query run = to_run(db, q);
            enq.set_query(run);
            // Ties go by identity, never by document id: ids differ
            // between one database and shards of it.
            auto identity = static_cast<Xapian::valueno>(lx_schema_slot(LX_F_IDENTITY));
            lx_sort sort = o->sort;
            if (sort == LX_SORT_DEFAULT)
                sort = query_ranks(q) ? LX_SORT_RELEVANCE : LX_SORT_DATE;
            out->sort = sort;
            if (sort == LX_SORT_RELEVANCE)
                enq.set_sort_by_relevance_then_value(identity, false);
            else
                enq.set_sort_by_value(static_cast<Xapian::valueno>(lx_schema_slot(LX_F_DATE)),
                                      sort == LX_SORT_DATE_DESC);
            if (db->collapse && !o->collapse_thread)
                enq.set_collapse_key(identity);
            Xapian::doccount all = db->db->get_doccount();
            Xapian::doccount want =
                o->count_only
                    ? 0
                    : static_cast<Xapian::doccount>(o->limit && o->limit < all ? o->limit : all);
            // Past the last document there is nothing: offsets stay in range.
            auto offset = static_cast<Xapian::doccount>(o->offset < all ? o->offset : all);
            // --collapse thread: one hit per thread, and exact counts per
            // thread (and of threads) from a spy over every match, in a
            // pass of its own (the pages below may ask Xapian twice).
            auto thread_slot = static_cast<Xapian::valueno>(lx_schema_slot(LX_F_THREAD_ID));
            std::unordered_map<std::string, Xapian::doccount> per_thread;
            if (o->collapse_thread) {
                enq.set_collapse_key(thread_slot);
                Xapian::Enquire counter(*db->db);
                counter.set_query(run);
                counter.set_weighting_scheme(Xapian::BoolWeight());
                Xapian::ValueCountMatchSpy spy(thread_slot);
                counter.add_matchspy(&spy);
                counter.get_mset(0, 0, all);
                for (auto v = spy.values_begin(); v != spy.values_end(); ++v)
                    per_thread[*v] = v.get_termfreq();
            }
            std::vector<Row> rows;
            if (sort == LX_SORT_RELEVANCE) {
                // From the first hit: Xapian 1.4's MSet::fetch() crashes on
                // an MSet that starts further on.
                Xapian::doccount end = want ? offset + want : 0;
                if (want && end < offset)
                    end = all;
                Xapian::MSet ms = enq.get_mset(0, end, all);
                out->total = ms.get_matches_estimated();
                if (offset < ms.size()) {
                    if (db->remote)
                        ms.fetch(ms[offset], ms.end());
                    for (auto it = ms[offset]; it != ms.end(); ++it)
                        rows.push_back(Row{*it, it.get_weight(), std::string(), std::string(),
                                           it.get_document(), true});
                }
            } else {
                rows = date_sorted(enq, db->remote, offset, want, all, &out->total);
            }
            if (o->collapse_thread)
                out->total = per_thread.size();
            if (!rows.empty()) {
                out->hits = static_cast<lx_hit *>(std::calloc(rows.size(), sizeof(lx_hit)));
                if (!out->hits)
                    throw std::bad_alloc();
            }
            for (const Row &r : rows) {
                lx_hit *h = &out->hits[out->n];
                h->id = r.id;
                h->weight = r.weight;
                Xapian::Document doc = r.has_doc ? r.doc : db->db->get_document(r.id);
                h->data = dup_bytes(stored_data(doc, r.id), &h->len);
                if (o->collapse_thread)
                    h->thread_hits = per_thread[doc.get_value(thread_slot)];
                out->n++;
            }
            return LX_OK;
        },
        [&] { lx_results_release(out); });
}

lx_status lx_db_scan(lx_db *db, const lx_query_opts *o, const int *slots, size_t n,
                     int (*cb)(void *ctx, const lx_scan_row *row), void *ctx)
{
    // A failed attempt's rows are forgotten (the callback's NULL row): the
    // scan starts over, or fails.
    return read_retrying(
        db,
        [&] {
            Xapian::Enquire enq(*db->db);
            enq.set_query(to_run(db, build_query(*db->db, o)));
            enq.set_weighting_scheme(Xapian::BoolWeight());
            enq.set_docid_order(Xapian::Enquire::ASCENDING);
            if (db->collapse)
                enq.set_collapse_key(static_cast<Xapian::valueno>(lx_schema_slot(LX_F_IDENTITY)));
            Xapian::MSet ms = enq.get_mset(0, db->db->get_doccount(), db->db->get_doccount());
            std::vector<std::string> vals(n);
            std::vector<const char *> ptrs(n);
            std::vector<size_t> lens(n);
            std::vector<double> nums(n);
            // A local database is read one value stream per slot, in docid
            // order as the matches come: a chunk of values per read. Asking
            // each document for its values costs a B-tree descent per value
            // (most of an incremental run's thread pass at 100,000
            // messages). A remote database has no value streams: documents
            // are fetched in batches, many per round trip, memory bounded.
            std::vector<Xapian::ValueIterator> streams;
            const Xapian::ValueIterator stream_end;
            if (!db->remote)
                for (size_t i = 0; i < n; i++)
                    streams.push_back(
                        db->db->valuestream_begin(static_cast<Xapian::valueno>(slots[i])));
            const Xapian::doccount batch = 1000;
            Xapian::doccount done = 0;
            Xapian::docid prev = 0;
            for (auto it = ms.begin(); it != ms.end(); ++it, ++done) {
                if (db->remote && done % batch == 0) {
                    auto end = it;
                    for (Xapian::doccount k = 0; k < batch && end != ms.end(); k++)
                        ++end;
                    ms.fetch(it, end);
                }
                Xapian::docid did = *it;
                if (did < prev) // not in docid order after all: the streams start over
                    for (size_t i = 0; i < streams.size(); i++)
                        streams[i] =
                            db->db->valuestream_begin(static_cast<Xapian::valueno>(slots[i]));
                prev = did;
                Xapian::Document doc;
                if (db->remote)
                    doc = it.get_document();
                for (size_t i = 0; i < n; i++) {
                    if (db->remote) {
                        vals[i] = doc.get_value(static_cast<Xapian::valueno>(slots[i]));
                    } else {
                        Xapian::ValueIterator &v = streams[i];
                        if (v != stream_end && v.get_docid() < did)
                            v.skip_to(did);
                        if (v != stream_end && v.get_docid() == did)
                            vals[i] = *v;
                        else
                            vals[i].clear();
                    }
                    ptrs[i] = vals[i].c_str();
                    lens[i] = vals[i].size();
                    nums[i] =
                        vals[i].empty() ? __builtin_nan("") : Xapian::sortable_unserialise(vals[i]);
                }
                lx_scan_row row = {did, ptrs.data(), lens.data(), nums.data()};
                if (cb(ctx, &row))
                    break;
            }
            return LX_OK;
        },
        [&] { cb(ctx, nullptr); });
}

lx_status lx_db_query_words(lx_db *db, const lx_query_opts *o, char ***plain, size_t *n_plain,
                            char ***stems, size_t *n_stems, bool *in_attachments)
{
    *plain = *stems = nullptr;
    *n_plain = *n_stems = 0;
    *in_attachments = false;
    return read_retrying(db, [&] {
        std::vector<std::string> p, z;
        std::vector<std::string> terms;
        positive_terms(build_query(*db->db, o), terms);
        // Free words come as body terms too, unless in:attachment.
        std::string at = lx_schema_prefix(LX_F_ATTACH_TEXT), zat = "Z" + at;
        bool body = false;
        for (const std::string &t : terms) {
            std::string word;
            bool stem;
            if (!free_text_term(t, &word, &stem))
                continue;
            (stem ? z : p).push_back(word);
            body =
                body || !(t.compare(0, at.size(), at) == 0 || t.compare(0, zat.size(), zat) == 0);
        }
        *in_attachments = !body && !(p.empty() && z.empty());
        // A word found in several fields is listed once, in first-seen order.
        for (std::vector<std::string> *v : {&p, &z}) {
            std::vector<std::string> once;
            for (const std::string &w : *v)
                if (std::find(once.begin(), once.end(), w) == once.end())
                    once.push_back(w);
            v->swap(once);
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
    });
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
