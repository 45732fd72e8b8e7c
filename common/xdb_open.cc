// xdb_open.cc - opening an index: a local directory, a stub file's lines,
// remote databases, several as one; each database's description.
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
#include <vector>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "schema.h"
#include "shard.h"
#include "strbuf.h"

using namespace xdb;

namespace
{

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
        db->wdb->set_metadata(LX_CREATED_METADATA_KEY, now);
        db->wdb->commit();
        return LX_OK;
    }
    db->err = schema_problem(*db->db, db->path);
    return db->err.empty() ? LX_OK : LX_E_DB_SCHEMA;
}

// What an export says of one database, read from the revision d reads.
void describe(lx_part &part, Xapian::Database &d)
{
    part.created = d.get_metadata(LX_CREATED_METADATA_KEY);
    part.updated = d.get_metadata(LX_UPDATED_METADATA_KEY);
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

// Starts an open: clears *out and *errmsg, and returns a new handle (NULL
// when memory runs out).
lx_db *open_begin(lx_db **out, char **errmsg)
{
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    return new (std::nothrow) lx_db;
}

// Ends an open that returned st: *out gets the handle, or, on failure, the
// handle's message goes to *errmsg and the handle is freed.
lx_status open_end(lx_db *db, lx_status st, lx_db **out, char **errmsg)
{
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
    lx_db *db = open_begin(out, errmsg);
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
    return open_end(db, st, out, errmsg);
}

lx_status lx_db_open_many(const lx_db_open_opts *o, lx_db **out, char **errmsg)
{
    lx_db *db = open_begin(out, errmsg);
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
    return open_end(db, st, out, errmsg);
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

bool lx_db_revision_key(lx_db *db, char *out, size_t size)
{
    if (db->wdb || size == 0)
        return false;
    std::string key;
    try {
        for (lx_part &p : db->parts) {
            if (p.missing) {
                key += "- ";
                continue;
            }
            // A compaction makes a new database, counting its revisions
            // from the start again: its UUID tells it from the old one.
            key += p.alone.get_uuid() + ":" + std::to_string(p.alone.get_revision()) + " ";
        }
    } catch (...) {
        return false; // remote: no revision; or the read failed
    }
    if (key.size() >= size)
        return false;
    std::memcpy(out, key.c_str(), key.size() + 1);
    return true;
}

unsigned long lx_db_reopens(const lx_db *db)
{
    return db->reopens;
}

lx_status lx_db_refresh(lx_db *db)
{
    if (db->wdb)
        return LX_OK;
    return read_retrying(db, [&] {
        if (db->db->reopen()) {
            db->termfreqs.clear();
            db->reopens++;
        }
        return LX_OK;
    });
}

lx_status lx_db_close(lx_db *db)
{
    if (!db)
        return LX_OK;
    lx_status st = LX_OK;
    try {
        if (db->wdb)
            commit(db);
        db->db->close();
    } catch (...) {
        st = fail_current(db);
    }
    delete db->db;
    delete db;
    return st;
}

} // extern "C"
