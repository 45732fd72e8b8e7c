/* sha256.h - SHA-256 of byte strings, as lowercase hex. */
#ifndef LX_SHA256_H
#define LX_SHA256_H

#include <stddef.h>

#include "status.h"

#define LX_SHA256_HEX_LEN 64

/* Writes the 64 hex digits and a NUL into hex. */
lx_status lx_sha256_hex(const void *data, size_t len, char hex[LX_SHA256_HEX_LEN + 1]);

#endif
