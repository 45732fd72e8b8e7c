// xdb_stems.cc - stems at query time: the stem table a writable handle keeps
// in metadata (French and English stem -> the words that have it), and the
// expansion of a query's stems into those words.
#include "xdb_internal.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "schema.h"

using namespace xdb;

namespace
{

const char *const stem_language[2] = {LX_STEM_METADATA_FR, LX_STEM_METADATA_EN};

// The prefixes of the schema's text fields, longest first ("" last).
const std::vector<std::string> &text_prefixes()
{
    static const std::vector<std::string> prefixes = [] {
        std::vector<std::string> v;
        for (int i = 0; i < LX_F_COUNT_; i++) {
            const lx_field_def *d = lx_schema_field(static_cast<lx_field>(i));
            if (d->kind == LX_KIND_TEXT)
                v.push_back(d->prefix);
        }
        std::stable_sort(v.begin(), v.end(), [](const std::string &a, const std::string &b) {
            return a.size() > b.size();
        });
        return v;
    }();
    return prefixes;
}

// Splits term (from byte at on) into a text field's prefix and a word: the
// longest text prefix the term starts with whose word does not start with
// an ASCII capital (prefixes are capitals, words are lowercased, so
// "XSHA..." is no subject word). False when no text field holds the term.
bool split_text_term(const std::string &term, size_t at, size_t *prefix_len)
{
    for (const std::string &p : text_prefixes()) {
        size_t end = at + p.size();
        if (term.size() > end && term.compare(at, p.size(), p) == 0 &&
            !(term[end] >= 'A' && term[end] <= 'Z')) {
            *prefix_len = p.size();
            return true;
        }
    }
    return false;
}

// Whether Xapian's TermGenerator stems word (STEM_SOME, which leakdex
// indexed with): it starts with a letter, not with a digit or a mark. Query
// words it would not stem are never stemmed by the parser either.
bool stemmable(const std::string &word)
{
    using namespace Xapian::Unicode;
    const unsigned letters = (1u << LOWERCASE_LETTER) | (1u << TITLECASE_LETTER) |
                             (1u << MODIFIER_LETTER) | (1u << OTHER_LETTER);
    Xapian::Utf8Iterator u(word);
    return u != Xapian::Utf8Iterator() && ((letters >> get_category(*u)) & 1u);
}

// The stemmer of lang (LX_STEM_FR, LX_STEM_EN), one per thread: a
// Xapian::Stem keeps state while it stems.
Xapian::Stem &stemmer(int lang)
{
    thread_local Xapian::Stem stemmers[2] = {Xapian::Stem(LX_STEM_FRENCH),
                                             Xapian::Stem(LX_STEM_ENGLISH)};
    return stemmers[lang];
}

std::string stem_key(int lang, const std::string &stem)
{
    return std::string(LX_STEM_METADATA_PREFIX) + stem_language[lang] + "." + stem;
}

// The words of a stem-table value (NUL-separated) added to out.
void split_words(const std::string &value, std::set<std::string> &out)
{
    size_t at = 0;
    while (at < value.size()) {
        size_t end = value.find('\0', at);
        if (end == std::string::npos)
            end = value.size();
        out.insert(value.substr(at, end - at));
        at = end + 1;
    }
}

// The words of stem in either language, as every database of db records
// them, with the stem itself when it is its own stem in French or English
// (a table never records the stem: each value is then a union that does
// not depend on how the documents were split between writers).
std::set<std::string> stem_words(lx_db *db, const std::string &stem)
{
    std::set<std::string> words;
    for (int lang = 0; lang < 2; lang++)
        if (stemmable(stem) && stemmer(lang)(stem) == stem)
            words.insert(stem);
    std::vector<Xapian::Database *> dbs;
    for (lx_part &p : db->parts)
        if (!p.missing)
            dbs.push_back(&p.alone);
    if (dbs.empty())
        dbs.push_back(db->db);
    for (int lang = 0; lang < 2; lang++) {
        const std::string key = stem_key(lang, stem);
        for (Xapian::Database *d : dbs)
            split_words(d->get_metadata(key), words);
        auto pending = db->stems.pending[lang].find(stem);
        if (db->wdb && pending != db->stems.pending[lang].end())
            words.insert(pending->second.begin(), pending->second.end());
    }
    return words;
}

// expand_stems over q, with the words of each stem read once.
Xapian::Query expand(lx_db *db, const Xapian::Query &q,
                     std::unordered_map<std::string, std::set<std::string>> &cache)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM: {
        auto it = q.get_terms_begin();
        if (it == q.get_terms_end())
            return q;
        const std::string term = *it;
        size_t plen = 0;
        if (term.size() < 2 || term[0] != LX_XQ_STEM_MARK || !split_text_term(term, 1, &plen))
            return q;
        const std::string prefix = term.substr(1, plen), stem = term.substr(1 + plen);
        auto hit = cache.find(stem);
        if (hit == cache.end())
            hit = cache.emplace(stem, stem_words(db, stem)).first;
        std::vector<Xapian::Query> subs;
        for (const std::string &w : hit->second)
            subs.emplace_back(prefix + w);
        return Xapian::Query(Xapian::Query::OP_SYNONYM, subs.begin(), subs.end());
    }
    // A phrase or NEAR holds words as written, never stems.
    default:
        if (!rebuildable(q.get_type()))
            return q;
        return rebuild_with(q, [&](const Xapian::Query &sub) { return expand(db, sub, cache); });
    }
}

} // namespace

namespace xdb
{

void note_stems(lx_db *db, const Xapian::Document &doc)
{
    StemTable &t = db->stems;
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
        const std::string term = *it;
        size_t plen = 0;
        if (!split_text_term(term, 0, &plen))
            continue;
        std::string word = term.substr(plen);
        if (!stemmable(word) || t.seen.count(word))
            continue;
        for (int lang = 0; lang < 2; lang++)
            t.pending[lang][stemmer(lang)(word)].push_back(word);
        t.seen.insert(std::move(word));
    }
}

void write_stems(lx_db *db)
{
    StemTable &t = db->stems;
    for (int lang = 0; lang < 2; lang++) {
        for (const auto &entry : t.pending[lang]) {
            const std::string &stem = entry.first;
            const std::string key = stem_key(lang, stem);
            const std::string stored = db->wdb->get_metadata(key);
            std::set<std::string> words;
            split_words(stored, words);
            size_t before = words.size();
            for (const std::string &w : entry.second)
                if (w != stem)
                    words.insert(w);
            if (words.size() == before)
                continue;
            std::string value;
            for (const std::string &w : words) {
                if (!value.empty())
                    value += '\0';
                value += w;
            }
            db->wdb->set_metadata(key, value);
        }
        t.pending[lang].clear();
    }
}

void commit(lx_db *db)
{
    write_stems(db);
    db->wdb->commit();
}

Xapian::Query expand_stems(lx_db *db, const Xapian::Query &q)
{
    std::unordered_map<std::string, std::set<std::string>> cache;
    return expand(db, q, cache);
}

} // namespace xdb
