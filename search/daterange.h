/* daterange.h - the messages dated in a range, answered from the index's
 * month terms. */
#ifndef LX_DATERANGE_H
#define LX_DATERANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "xdb.h"

/* The documents dated from lo (when has_lo) to hi (when has_hi), by the
 * number in slot. A value range reads the date of every document. Every
 * dated message also has year and month terms: the months that hold mail
 * are listed (a few hundred terms at most), a whole year inside the range
 * matches by its year term, a whole month by its month term, and only the
 * months cut by an end of the range read dates, of their own messages
 * alone. A range no message meets matches nothing (a query, never
 * Xapian's empty one). On failure the message is on db. */
lx_status lx_daterange_query(lx_db *db, int slot, bool has_lo, int64_t lo, bool has_hi, int64_t hi,
                             lx_xq **out);

#endif
