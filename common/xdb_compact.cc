// xdb_compact.cc - rewriting an index compactly beside itself, merging
// segments into it, and removing what a killed run left.
#include "xdb_internal.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace xdb;

namespace
{

std::string copy_path(const char *path)
{
    std::string p(path);
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    return p + ".compacting";
}

const char stem_prefix[] = "leakdex.stem.";

std::string segments_path(const char *path)
{
    std::string p(path);
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    return p + ".seg";
}

// Metadata two merged databases both hold: the stem table's words are
// united (sorted, each once, NUL-joined); any other key keeps the first
// source's value (the run writes its own keys after the merge).
class merging_compactor : public Xapian::Compactor
{
  public:
    std::string resolve_duplicate_metadata(const std::string &key, size_t num_tags,
                                           const std::string tags[]) override
    {
        // Glass passes the key as stored: behind its metadata marker ("\0\xc0").
        size_t name = key.size() >= 2 && key[0] == '\0' ? 2 : 0;
        if (key.compare(name, std::strlen(stem_prefix), stem_prefix) != 0)
            return tags[0];
        std::vector<std::string> words;
        for (size_t i = 0; i < num_tags; i++) {
            const std::string &t = tags[i];
            for (size_t at = 0;;) {
                size_t nul = t.find('\0', at);
                words.push_back(t.substr(at, nul == std::string::npos ? nul : nul - at));
                if (nul == std::string::npos)
                    break;
                at = nul + 1;
            }
        }
        std::sort(words.begin(), words.end());
        words.erase(std::unique(words.begin(), words.end()), words.end());
        std::string out;
        for (const std::string &w : words) {
            if (!out.empty())
                out += '\0';
            out += w;
        }
        return out;
    }
};

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


// Writes the committed state of the database at src compactly to
// TARGET.compacting and exchanges the two directories: TARGET is the
// compact copy, TARGET.compacting what TARGET was (copy says so; the
// caller removes it). reason is set when nothing was exchanged.
void compact_exchange(const std::string &src, const std::string &target, std::string &reason,
                      std::string &copy, bool *exchanged)
{
    struct stat link;
    if (lstat(target.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
        // Exchanging would replace the link, not what it points to.
        reason = "the index is reached through a symbolic link";
        return;
    }
    std::string where = copy_path(target.c_str());
    // A directory left by a killed run is ours to remove; anything else in
    // the way is not touched.
    struct stat st;
    if (lstat(where.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        remove_db_dir(where);
    if (lstat(where.c_str(), &st) == 0 || errno != ENOENT) {
        reason = "'" + where + "' is in the way";
        return;
    }
    copy = where; // from here on, ours to remove
    {
        // The latest commit, read apart from any writer, which keeps the
        // lock meanwhile.
        Xapian::Database from(src);
        from.compact(copy, Xapian::DBCOMPACT_NO_RENUMBER | Xapian::Compactor::FULL);
    }
    if (!is_glass_dir(copy))
        reason = "the compact copy is not a database directory";
    else if (renameat2(AT_FDCWD, copy.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
        reason = std::string("cannot exchange it with its compact copy: ") + std::strerror(errno);
    else
        *exchanged = true;
}

std::string describe(const std::exception_ptr &e)
{
    try {
        std::rethrow_exception(e);
    } catch (const Xapian::Error &x) {
        return x.get_description();
    } catch (const std::exception &x) {
        return x.what();
    } catch (...) {
        return "unknown error";
    }
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
        std::string seg = segments_path(path);
        if (lstat(seg.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            return;
        // Each entry a segment (or the merged copy): a database directory.
        if (DIR *d = opendir(seg.c_str())) {
            while (struct dirent *e = readdir(d))
                if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
                    remove_db_dir(seg + "/" + e->d_name);
            closedir(d);
        }
        rmdir(seg.c_str());
    } catch (...) {
    }
}

char *lx_db_segments_dir(const char *path)
{
    try {
        return strdup(segments_path(path).c_str());
    } catch (...) {
        return nullptr;
    }
}

lx_status lx_db_merge(const char *index, const char *const *segments, size_t n, const char *out,
                      char **why)
{
    *why = nullptr;
    std::string reason;
    try {
        Xapian::Database all;
        if (index)
            all.add_database(Xapian::Database(index));
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(segments[i]));
        merging_compactor compactor;
        // Renumbered: each source's documents follow the previous ones',
        // in the order given, from the first's first id on.
        all.compact(out, Xapian::Compactor::FULL, 0, compactor);
        return LX_OK;
    } catch (...) {
        reason = describe(std::current_exception());
    }
    *why = strdup(reason.c_str());
    return LX_E_DB_WRITE;
}

lx_status lx_db_set_metadata_bytes(lx_db *db, const char *key, const char *value, size_t len)
{
    LX_GUARD_BEGIN
    if (!db->wdb) {
        db->err = "database is open read-only";
        return LX_E_INVALID;
    }
    db->wdb->set_metadata(key, std::string(value, len));
    return LX_OK;
    LX_GUARD_END(db)
}

lx_status lx_db_close_compacted(lx_db *db, bool *compacted, char **why)
{
    *compacted = false;
    *why = nullptr;
    std::string reason;
    std::string copy;
    try {
        if (!db->wdb || !is_glass_dir(db->path)) {
            reason = "the index is not a directory database";
        } else {
            commit(db);
            compact_exchange(db->path, db->path, reason, copy, compacted);
        }
    } catch (...) {
        reason = describe(std::current_exception());
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

lx_status lx_db_close_replacing(lx_db *work, const char *target, bool *compacted, char **why)
{
    *compacted = false;
    *why = nullptr;
    std::string reason;
    std::string copy;
    std::string work_path = work->path;
    try {
        if (!work->wdb || !is_glass_dir(work->path))
            reason = "the merged copy is not a directory database";
        else {
            commit(work);
            compact_exchange(work->path, target, reason, copy, compacted);
        }
    } catch (...) {
        reason = describe(std::current_exception());
    }
    lx_status st = lx_db_close(work);
    bool replaced = *compacted;
    if (!copy.empty() && !replaced)
        remove_db_dir(copy); // a partial copy
    // Not compacted: the copy itself takes the index's place.
    struct stat link;
    if (!replaced && !st && is_glass_dir(work_path) &&
        !(lstat(target, &link) == 0 && S_ISLNK(link.st_mode)) &&
        renameat2(AT_FDCWD, work_path.c_str(), AT_FDCWD, target, RENAME_EXCHANGE) == 0)
        replaced = true;
    else if (!replaced && reason.empty())
        reason = std::string("cannot exchange the index with its merged copy: ") +
                 std::strerror(errno);
    if (!reason.empty())
        *why = strdup(reason.c_str());
    return st ? st : replaced ? LX_OK : LX_E_DB_WRITE;
}

} // extern "C"
