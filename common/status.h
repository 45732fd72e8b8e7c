/* status.h - the one status enum every leakdex module returns. */
#ifndef LX_STATUS_H
#define LX_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * 0 is success. Codes are only ever appended: their numbers may be written
 * to logs and compared by scripts.
 */
typedef enum lx_status {
    LX_OK = 0,
    LX_E_NOMEM,       /* an allocation failed */
    LX_E_IO,          /* a read or write on a file failed */
    LX_E_INVALID,     /* a caller passed something malformed */
    LX_E_LIMIT,       /* input exceeded a named limit (caps.h) */
    LX_E_NOT_FOUND,   /* the thing asked for does not exist */
    LX_E_DB_OPEN,     /* the database could not be opened */
    LX_E_DB_LOCKED,   /* another process holds the write lock */
    LX_E_DB_CORRUPT,  /* Xapian reports the database as corrupt */
    LX_E_DB_VERSION,  /* Xapian's on-disk format is not supported */
    LX_E_DB_SCHEMA,   /* the index was built by another leakdex schema */
    LX_E_DB_MODIFIED, /* the database changed under a reader; retry */
    LX_E_QUERY,       /* the query could not be parsed */
    LX_E_XAPIAN,      /* any other Xapian error */
    LX_E_PARSE,       /* a message could not be parsed */
    LX_E_AMBIGUOUS,   /* a short id matches more than one message */
    LX_E_DB_WRITE,    /* writing to the database failed (disk full, read-only) */
    LX_E_DB_NETWORK,  /* a remote database could not be reached, or timed out */
} lx_status;

/* Returns a static, human-readable description of a status. */
const char *lx_status_str(lx_status st);

#ifdef __cplusplus
}
#endif

#endif
