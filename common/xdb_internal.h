// xdb_internal.h - what the files of the Xapian wrapper (xdb_*.cc) share:
// the handles' insides, exceptions turned into statuses, reads retried on a
// newer revision, and the conversions between Xapian's strings and C's.
// C++ only: C code includes xdb.h. The wrapper is the only C++ in leakdex:
// every function catches every exception and turns it into an lx_status
// with the message kept on the handle, so nothing C++ ever crosses into C.
#ifndef LX_XDB_INTERNAL_H
#define LX_XDB_INTERNAL_H

#include "xdb.h"

#include <xapian.h>

#include <cstdlib>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "caps.h"
#include "shard.h"

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

namespace xdb
{

// Whether a query node of this type is rebuilt by rebuild_with: the
// operators without parameters the query parser and lx_xq_join put words
// under. A phrase or NEAR (words as written, with a window), a value range
// or a wildcard is kept whole by the rewrites that use it.
inline bool rebuildable(Xapian::Query::op op)
{
    switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX: return true;
    default: return false;
    }
}

// q's operator over f of each of its subqueries (q a rebuildable node).
template <class F> Xapian::Query rebuild_with(const Xapian::Query &q, F f)
{
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        subs.push_back(f(q.get_subquery(i)));
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

// The stem table a writable handle keeps (xdb_stems.cc): the index holds
// words as written, and a query's stems are looked up in metadata keys that
// list the words of each French and English stem. Each word is stemmed once
// per handle, when a document first brings it; the keys it changes are
// written at each commit.
struct StemTable {
    // The text words (stemmable ones) of the documents added through the
    // handle.
    std::unordered_set<std::string> seen;
    // Per language (LX_STEM_FR, LX_STEM_EN): stem -> the words new to the
    // handle since the last commit.
    std::unordered_map<std::string, std::vector<std::string>> pending[2];
};

} // namespace xdb

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
    // A writable handle's stem table (xdb_stems.cc).
    xdb::StemTable stems;
};

// Text is indexed once, as written (lowercased, with positions: phrases
// use them); no stem is indexed. The handle that adds the document records
// its words' French and English stems in its stem table, and a query's
// stems are expanded into the words that share them (xdb_stems.cc).
struct lx_doc {
    Xapian::Document doc;
    Xapian::TermGenerator tg;
    bool has_text = false;
};

// A built query (xdb_query.cc builds them, xdb_search.cc runs them).
struct lx_xq {
    Xapian::Query q;
};

namespace xdb
{

// A query matching every document. Not Xapian::Query::MatchAll: copying that
// one shared object changes its reference count, which threads reading the
// index at once (the chain pass) must not do.
inline Xapian::Query match_all()
{
    return Xapian::Query(std::string());
}

// Thrown when a query goes past a limit of caps.h: LX_E_LIMIT, with msg.
struct LimitError {
    std::string msg;
};

// The status of the exception being handled, its message in *msg.
lx_status classify_current(bool read_only, std::string *msg);
// What to run on a damaged database named label.
std::string check_advice(const std::string &label);
// Records the exception being handled on db; returns its status.
lx_status fail_current(lx_db *db);
// The pause before a read starts over (attempt counts from 0).
void retry_pause(unsigned attempt);
// Moves a read-only handle to the newest revision; false when not to retry.
bool reopen_for_retry(lx_db *db, unsigned attempt);
// Whether e is a DatabaseError of no more precise kind.
bool plain_database_error(const Xapian::DatabaseError &e);

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

// Whether the exception being handled is one a retry may cure.
bool current_is_transient();

// The stem table (xdb_stems.cc). Languages index StemTable::pending.
enum { LX_STEM_FR, LX_STEM_EN };
// Records the stems of the words of doc new to db's handle (before
// db->wdb->add_document(doc)).
void note_stems(lx_db *db, const Xapian::Document &doc);
// Writes the stem-table keys the words noted since the last commit change.
void write_stems(lx_db *db);
// Writes the stem table, then commits: every commit of a writable handle.
void commit(lx_db *db);
// q with each stem leaf ("Z" + a text field's prefix + stem) replaced by
// the synonym of the field's words that have that stem in either language,
// read from every database of the handle.
Xapian::Query expand_stems(lx_db *db, const Xapian::Query &q);

#define LX_GUARD_BEGIN try {
#define LX_GUARD_END(db)                                                                           \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        return fail_current(db);                                                                   \
    }

// prefix + value, cut at a UTF-8 boundary to LX_MAX_TERM_BYTES.
std::string cut_term(const std::string &prefix, const std::string &value);
// A malloc'd NUL-terminated copy of s (its length in *len); throws bad_alloc.
char *dup_bytes(const std::string &s, size_t *len);
// A document's data; a damaged index when it has none.
std::string stored_data(const Xapian::Document &doc, Xapian::docid id);
// *errmsg = a malloc'd copy of msg, when errmsg is not NULL.
void set_errmsg(char **errmsg, const std::string &msg);
// A malloc'd array of malloc'd copies of v; throws bad_alloc.
char **dup_list(const std::vector<std::string> &v);

// Frees a list of ids a failed attempt of a read filled, and empties it.
inline void forget_ids(lx_docid **ids, size_t *n)
{
    std::free(*ids);
    *ids = nullptr;
    *n = 0;
}

} // namespace xdb

#endif
