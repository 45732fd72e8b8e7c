// xdb_search.cc - running a built query: searches sorted and paged, scans
// of value slots, matches by exact terms; stems.
#include "xdb_internal.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "schema.h"
#include "tally.h"

using namespace xdb;

namespace
{

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

// The exact number of matches of q read from the index's statistics, without
// a match, when q is one term or every document (a count of a sender, a
// year, an id, of all mail), weighed or filtered by every document; -1 when
// a match is needed. The caller checks that the databases are disjoint (no
// collapse): otherwise frequencies add copies up.
long long count_without_match(lx_db *db, const Xapian::Query &q)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_MATCH_ALL: return db->db->get_doccount();
    case Xapian::Query::LEAF_MATCH_NOTHING: return 0;
    case Xapian::Query::LEAF_TERM: return termfreq(db, (*q.get_terms_begin()).c_str());
    case Xapian::Query::OP_SCALE_WEIGHT: return count_without_match(db, q.get_subquery(0));
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER:
        if (q.get_num_subqueries() != 2)
            return -1;
        if (q.get_subquery(0).get_type() == Xapian::Query::LEAF_MATCH_ALL)
            return count_without_match(db, q.get_subquery(1));
        if (q.get_subquery(1).get_type() == Xapian::Query::LEAF_MATCH_ALL)
            return count_without_match(db, q.get_subquery(0));
        return -1;
    default: return -1;
    }
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
    default:
        if (!rebuildable(q.get_type()))
            return q;
        return rebuild_with(q, [&](const Xapian::Query &sub) { return without_absent(d, sub); });
    }
}

// The query Xapian runs for q: its wildcards checked against their limit,
// its stems expanded into the words that have them, and, locally, the terms
// no document has left out (remotely each lookup would cross the network;
// the server runs the query as it is).
Xapian::Query to_run(lx_db *db, const Xapian::Query &q)
{
    check_wildcards(db, q);
    Xapian::Query words = expand_stems(db, q);
    return db->remote ? words : without_absent(*db->db, words);
}

} // namespace

extern "C" {

lx_status lx_db_match(lx_db *db, const lx_match_opts *o, lx_docid **ids, size_t *n)
{
    *ids = nullptr;
    *n = 0;
    auto reset = [&] { forget_ids(ids, n); };
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
            if (o->within)
                q = Xapian::Query(Xapian::Query::OP_FILTER, q, o->within->q);
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

void lx_results_release(lx_results *res)
{
    for (size_t i = 0; i < res->n; i++)
        std::free(res->hits[i].data);
    std::free(res->hits);
    res->hits = nullptr;
    res->n = res->total = 0;
}

lx_status lx_db_search(lx_db *db, const lx_xq *query, const lx_run_opts *o, lx_results *out)
{
    out->total = out->n = 0;
    out->hits = nullptr;
    out->sort = o->sort;
    // A writer may commit while we read; Xapian then asks us to reopen.
    return read_retrying(
        db,
        [&] {
            Xapian::Query run = to_run(db, query->q);
            long long counted = o->count_only && !o->collapse_thread && !db->collapse
                                    ? count_without_match(db, run)
                                    : -1;
            if (counted >= 0) {
                out->total = static_cast<size_t>(counted);
                return LX_OK;
            }
            Xapian::Enquire enq(*db->db);
            enq.set_query(run);
            // Ties go by identity, never by document id: ids differ
            // between one database and shards of it.
            auto identity = static_cast<Xapian::valueno>(lx_schema_slot(LX_F_IDENTITY));
            // The search core chooses the default order (LX_SORT_DEFAULT).
            lx_sort sort = o->sort == LX_SORT_DEFAULT ? LX_SORT_RELEVANCE : o->sort;
            out->sort = sort;
            // By date: a local database sorts by date then identity in the
            // match itself (one pass); the remote backend takes no
            // KeyMaker, so date_sorted reorders its ties afterwards.
            auto date_slot = static_cast<Xapian::valueno>(lx_schema_slot(LX_F_DATE));
            Xapian::MultiValueKeyMaker date_then_identity;
            if (o->count_only) {
                // A count weighs and orders nothing (facets make a dozen).
                enq.set_weighting_scheme(Xapian::BoolWeight());
            } else if (sort == LX_SORT_RELEVANCE) {
                enq.set_sort_by_relevance_then_value(identity, false);
            } else if (!db->remote) {
                // Reversed, an empty value (undated) sorts last, as it does
                // by set_sort_by_value.
                date_then_identity.add_value(date_slot, sort == LX_SORT_DATE_DESC);
                date_then_identity.add_value(identity, false);
                enq.set_sort_by_key(&date_then_identity, false);
            } else {
                enq.set_sort_by_value(date_slot, sort == LX_SORT_DATE_DESC);
            }
            // Collapsed on identity, Xapian's number of matches is an
            // estimate unless the page holds them all (14 for 12 messages
            // indexed twice): a spy over every match counts the identities.
            Xapian::ValueCountMatchSpy identities(identity);
            bool count_identities = db->collapse && !o->collapse_thread;
            if (count_identities) {
                enq.set_collapse_key(identity);
                enq.add_matchspy(&identities);
            }
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
            if (sort == LX_SORT_RELEVANCE || !db->remote) {
                // From the first hit: Xapian 1.4's MSet::fetch() crashes on
                // an MSet that starts further on.
                Xapian::doccount end = want ? offset + want : 0;
                if (want && end < offset)
                    end = all;
                // Every match is checked for an exact total; collapsed by
                // thread, the spy above counted the threads, and the match
                // may stop counting at the page (its hits are the same).
                Xapian::MSet ms = enq.get_mset(0, end, o->collapse_thread ? end : all);
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
            if (count_identities)
                out->total = static_cast<size_t>(
                    std::distance(identities.values_begin(), identities.values_end()));
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
                if (!o->data_later || db->remote)
                    h->data = dup_bytes(stored_data(doc, r.id), &h->len);
                if (o->collapse_thread)
                    h->thread_hits = per_thread[doc.get_value(thread_slot)];
                out->n++;
            }
            return LX_OK;
        },
        [&] { lx_results_release(out); });
}

lx_status lx_db_scan(lx_db *db, const lx_xq *q, const int *slots, size_t n,
                     int (*cb)(void *ctx, const lx_scan_row *row), void *ctx)
{
    // A failed attempt's rows are forgotten (the callback's NULL row): the
    // scan starts over, or fails.
    return read_retrying(
        db,
        [&] {
            Xapian::Enquire enq(*db->db);
            enq.set_query(to_run(db, q ? q->q : match_all()));
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

lx_status lx_db_value_counts(lx_db *db, const lx_xq *q, int slot,
                             int (*cb)(void *ctx, const char *value, size_t len, size_t count),
                             void *ctx)
{
    // A local database is read faster by lx_db_scan's value streams than by
    // a spy, which reads each document's value and keeps a map of them all
    // (1.7 times the CPU at 20,000 messages); remotely the spy saves every
    // document's journey.
    if (!db->remote) {
        struct Counting {
            int (*cb)(void *ctx, const char *value, size_t len, size_t count);
            void *ctx;
        } counting = {cb, ctx};
        return lx_db_scan(
            db, q, &slot, 1,
            [](void *c, const lx_scan_row *row) {
                auto *k = static_cast<Counting *>(c);
                if (!row)
                    return k->cb(k->ctx, nullptr, 0, 0), 0;
                return row->lens[0] ? k->cb(k->ctx, row->vals[0], row->lens[0], 1) : 0;
            },
            &counting);
    }
    return read_retrying(
        db,
        [&] {
            auto vslot = static_cast<Xapian::valueno>(slot);
            Xapian::Query run = to_run(db, q ? q->q : match_all());
            Xapian::Enquire enq(*db->db);
            enq.set_query(run);
            enq.set_weighting_scheme(Xapian::BoolWeight());
            Xapian::ValueCountMatchSpy spy(vslot);
            enq.add_matchspy(&spy);
            Xapian::doccount all = db->db->get_doccount();
            enq.get_mset(0, 0, all);
            // Copies share the key and the spy sorts its values: a message's
            // values are neighbours. Those whose copies disagree are asked
            // for again, collapsed as lx_db_scan collapses them.
            std::vector<std::string> disputed;
            const size_t key = LX_TALLY_KEY_LEN;
            std::string prev;
            bool prev_disputed = false;
            for (auto v = spy.values_begin(); v != spy.values_end(); ++v) {
                const std::string value = *v;
                if (!db->collapse) {
                    if (cb(ctx, value.data(), value.size(), v.get_termfreq()))
                        return LX_OK;
                    continue;
                }
                if (!prev.empty() && value.size() >= key &&
                    prev.compare(0, key, value, 0, key) == 0) {
                    if (!prev_disputed)
                        disputed.push_back(value.substr(0, key));
                    prev_disputed = true;
                    continue;
                }
                if (!prev.empty() && !prev_disputed && cb(ctx, prev.data(), prev.size(), 1))
                    return LX_OK;
                prev = value;
                prev_disputed = false;
            }
            if (!prev.empty() && !prev_disputed && cb(ctx, prev.data(), prev.size(), 1))
                return LX_OK;
            if (disputed.empty())
                return LX_OK;
            std::vector<Xapian::Query> ids;
            for (const std::string &k : disputed)
                ids.emplace_back(lx_schema_prefix(LX_F_SHA256) + k);
            Xapian::Enquire kept(*db->db);
            kept.set_query(
                Xapian::Query(Xapian::Query::OP_FILTER, run,
                              Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end())));
            kept.set_weighting_scheme(Xapian::BoolWeight());
            kept.set_docid_order(Xapian::Enquire::ASCENDING);
            kept.set_collapse_key(static_cast<Xapian::valueno>(lx_schema_slot(LX_F_IDENTITY)));
            Xapian::MSet ms = kept.get_mset(0, all, all);
            if (db->remote && !ms.empty())
                ms.fetch(ms.begin(), ms.end());
            for (auto it = ms.begin(); it != ms.end(); ++it) {
                const std::string value = it.get_document().get_value(vslot);
                if (!value.empty() && cb(ctx, value.data(), value.size(), 1))
                    return LX_OK;
            }
            return LX_OK;
        },
        [&] { cb(ctx, nullptr, 0, 0); });
}

void lx_stem(const char *lang, const char *word, char *out, size_t size)
{
    if (!size)
        return;
    out[0] = '\0';
    try {
        static thread_local Xapian::Stem fr(LX_STEM_FRENCH), en(LX_STEM_ENGLISH);
        std::string s = (std::strcmp(lang, "fr") == 0 ? fr : en)(word);
        size_t n = s.size() < size - 1 ? s.size() : size - 1;
        std::memcpy(out, s.data(), n);
        out[n] = '\0';
    } catch (...) {
        out[0] = '\0';
    }
}

} // extern "C"
