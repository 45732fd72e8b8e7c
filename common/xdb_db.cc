// xdb_db.cc - the Xapian wrapper's database handle: exceptions mapped to
// statuses, reads retried on a newer revision, metadata, and reading and
// writing documents.
#include "xdb_internal.h"

#include <algorithm>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "schema.h"
#include "utf8.h"

using namespace xdb;

namespace
{

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

} // namespace

namespace xdb
{

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

std::string cut_term(const std::string &prefix, const std::string &value)
{
    size_t room = LX_MAX_TERM_BYTES > prefix.size() ? LX_MAX_TERM_BYTES - prefix.size() : 0;
    size_t n = lx_utf8_cut(value.data(), value.size(), room);
    return prefix + value.substr(0, n);
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

} // namespace xdb

extern "C" {

const char *lx_db_error(const lx_db *db)
{
    return db ? db->err.c_str() : "";
}

lx_status lx_db_fail(lx_db *db, lx_status st, const char *msg)
{
    try {
        db->err = msg;
    } catch (...) {
        // Out of memory while recording the message: the status says it.
    }
    return st;
}

lx_status lx_db_commit(lx_db *db)
{
    LX_GUARD_BEGIN
    if (db->wdb)
        commit(db);
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
    return lx_db_get_metadata_len(db, key, value, nullptr);
}

lx_status lx_db_get_metadata_len(lx_db *db, const char *key, char **value, size_t *len)
{
    *value = nullptr;
    return read_retrying(db, [&] {
        *value = dup_bytes(db->db->get_metadata(key), len);
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
    auto reset = [&] { forget_ids(ids, n); };
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

lx_status lx_db_walk_terms(lx_db *db, const char *prefix,
                           int (*cb)(void *ctx, const char *term, size_t len), void *ctx)
{
    return read_retrying(
        db,
        [&] {
            for (auto it = db->db->allterms_begin(prefix); it != db->db->allterms_end(prefix);
                 ++it) {
                const std::string term = *it;
                if (cb(ctx, term.c_str(), term.size()))
                    break;
            }
            return LX_OK;
        },
        [&] { cb(ctx, nullptr, 0); });
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
    note_stems(db, doc->doc);
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

// The terms of doc that start with prefix.
static std::vector<std::string> terms_with_prefix(const Xapian::Document &doc, const char *prefix)
{
    std::vector<std::string> out;
    size_t plen = std::strlen(prefix);
    auto t = doc.termlist_begin();
    t.skip_to(prefix);
    for (; t != doc.termlist_end(); ++t) {
        std::string term = *t;
        if (term.compare(0, plen, prefix) != 0)
            break;
        out.push_back(term);
    }
    return out;
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
    for (size_t i = 0; i < n_drop; i++)
        for (const auto &term : terms_with_prefix(doc, drop[i]))
            doc.remove_term(term);
    for (size_t i = 0; i < n_add; i++)
        doc.add_boolean_term(add[i]);
    if (slot >= 0)
        doc.add_value(static_cast<Xapian::valueno>(slot), Xapian::sortable_serialise(value));
    doc.set_data(std::string(data, len));
    db->wdb->replace_document(id, doc);
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_replace_parts(lx_db *db, lx_docid id, const lx_doc *from,
                              const char *const *prefixes, size_t n_prefixes, const int *slots,
                              size_t n_slots, const char *data, size_t len)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    Xapian::Document doc = db->wdb->get_document(id);
    for (size_t i = 0; i < n_prefixes; i++) {
        for (const auto &term : terms_with_prefix(doc, prefixes[i]))
            doc.remove_term(term);
        // from is in memory: its term list holds its positions and wdf.
        for (auto t = from->doc.termlist_begin(); t != from->doc.termlist_end(); ++t) {
            std::string term = *t;
            if (term.compare(0, std::strlen(prefixes[i]), prefixes[i]) != 0)
                continue;
            Xapian::termcount wdf = t.get_wdf();
            bool positions = false;
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
                doc.add_posting(term, *p, 0);
                positions = true;
            }
            if (wdf)
                doc.add_term(term, wdf);
            else if (!positions)
                doc.add_boolean_term(term);
        }
    }
    for (size_t i = 0; i < n_slots; i++) {
        auto slot = static_cast<Xapian::valueno>(slots[i]);
        std::string v = from->doc.get_value(slot);
        if (v.empty())
            doc.remove_value(slot);
        else
            doc.add_value(slot, v);
    }
    doc.set_data(std::string(data, len));
    note_stems(db, doc);
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

lx_doc *lx_doc_new(void)
{
    try {
        lx_doc *d = new lx_doc;
        d->tg.set_document(d->doc);
        d->tg.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
        d->tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
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
    doc->tg.index_text(std::string(text, len), 1, prefix);
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

} // extern "C"
