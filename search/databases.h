/* databases.h - what the searcher says about the databases it opened. */
#ifndef LX_DATABASES_H
#define LX_DATABASES_H

#include "strbuf.h"
#include "xdb.h"

/* Appends the "database" object of an export's description, read again
 * from the revision the handle reads now: the path, when the index was
 * created and last updated, how many documents it holds and its revision
 * (Xapian's commit number). Over several databases (shards, stub files):
 * created is the earliest, updated the latest, documents the sum, revision
 * null, path the one --db given (null for several), and "databases" lists
 * each (path, created, updated, documents, revision, shards, missing; a
 * remote database's revision is null). paths are the --db values as given. */
lx_status lx_databases_json(lx_db *db, const char *const *paths, size_t n_paths, lx_strbuf *m);

#endif
