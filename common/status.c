/* status.c - text for every status code. */
#include "status.h"

const char *lx_status_str(lx_status st)
{
    /* No default: the compiler warns when a code has no text. */
    switch (st) {
    case LX_OK: return "success";
    case LX_E_NOMEM: return "out of memory";
    case LX_E_IO: return "input/output error";
    case LX_E_INVALID: return "invalid argument";
    case LX_E_LIMIT: return "limit exceeded";
    case LX_E_NOT_FOUND: return "not found";
    case LX_E_DB_OPEN: return "cannot open database";
    case LX_E_DB_LOCKED: return "database locked (is another leakdex-index running?)";
    case LX_E_DB_CORRUPT: return "database corrupt";
    case LX_E_DB_VERSION: return "unsupported database format";
    case LX_E_DB_SCHEMA: return "index built by another leakdex schema version";
    case LX_E_DB_MODIFIED: return "database modified while reading; retry";
    case LX_E_QUERY: return "malformed query";
    case LX_E_XAPIAN: return "Xapian error";
    case LX_E_PARSE: return "message could not be parsed";
    case LX_E_AMBIGUOUS: return "ambiguous id";
    case LX_E_DB_WRITE: return "cannot write database";
    case LX_E_DB_NETWORK: return "cannot reach a remote database";
    }
    return "unknown status";
}
