// xdb_compact.cc - rewriting an index compactly beside itself, and removing
// the copy a killed run left.
#include "xdb_internal.h"

#include <cerrno>
#include <cstring>
#include <string>
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
            commit(db);
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

} // extern "C"
