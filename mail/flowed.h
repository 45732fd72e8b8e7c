/* flowed.h - undoing format=flowed (RFC 3676) line wrapping. */
#ifndef LX_FLOWED_H
#define LX_FLOWED_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Appends text[0..len) (LF line ends) to out with flowed lines joined back
 * into the paragraphs the sender wrote: a line ending in a space continues on
 * the next line of the same quote depth (the space deleted when delsp), a
 * space-stuffed line loses its first space, "-- " stays a signature line, and
 * quoted paragraphs keep one ">" per depth. */
lx_status lx_flowed_decode(lx_strbuf *out, const char *text, size_t len, bool delsp);

#endif
