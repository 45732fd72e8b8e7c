/* sniff.h - what a source file holds, decided by its content, never its name. */
#ifndef LX_SNIFF_H
#define LX_SNIFF_H

#include <stddef.h>

typedef enum lx_sniff {
    LX_SNIFF_EMPTY,    /* no bytes at all */
    LX_SNIFF_NOT_MAIL, /* neither an mbox nor a message */
    LX_SNIFF_MESSAGE,  /* one RFC 5322 message */
    LX_SNIFF_MBOX,     /* an mbox: "From " separator lines and messages */
    LX_SNIFF_ARCHIVE,  /* zip, 7z, tar, or gzip/xz/bzip2 compressed (a tar.gz...) */
    LX_SNIFF_PST,      /* an Outlook store: PST or OST */
    LX_SNIFF_MSG,      /* an OLE2 compound file (Outlook's .msg, or an old Office file) */
} lx_sniff;

/*
 * Containers go by their signature: zip "PK\3\4" (also "PK\5\6", an empty
 * zip, and "PK\7\10", the first part of a spanned one), 7z, gzip, xz,
 * bzip2 (its magic and first block's), "ustar" at byte 257 (tar); a PST or
 * OST "!BDN" with "SM" or "SO" at byte 8; OLE2 D0 CF 11 E0 A1 B1 1A E1.
 * An mbox starts with a "From " line that is a real separator (an address, a
 * time and a year) or that is followed by a header block. A message starts
 * with an RFC 5322 header block: a field line first (any well-formed field
 * name), then fields or folded continuations, up to a blank line or the end
 * of the file; when one of them is a field mail carries (From, Date,
 * Received...), the block may also end at the first line that is not a
 * field (some writers omit the blank line). A UTF-8 BOM is allowed.
 */
lx_sniff lx_sniff_data(const char *data, size_t len);

#endif
