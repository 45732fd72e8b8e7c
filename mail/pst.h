/* pst.h - Outlook PST and OST stores (libpff), read from memory: their folders walked and their items read as lx_mapi_msg. */
#ifndef LX_PST_H
#define LX_PST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mapi.h"
#include "status.h"
#include "strbuf.h"

/* True when data starts with "!BDN" and bytes 8-9 are "SM" (PST) or "SO" (OST). */
bool lx_pst_sniff(const char *data, size_t len);

/* An open store. Threads: libpff is built with its multi-thread support
 * (a lock per handle), but leakdex relies on less: one lx_pst is used by one
 * thread at a time, and threads that read the same store at once each open
 * their own over the same bytes (checked: 4 threads x 150 walks of one
 * store under ThreadSanitizer, the same items). libpff's only global
 * settings, its code page and its notification stream, are never changed. */
typedef struct lx_pst lx_pst;

/* Opens the store at data[0..len) from memory (data outlives the handle). LX_E_INVALID with a
 * one-line why (libpff's innermost reason, made readable) when it cannot be opened, including a
 * store encrypted with "high" encryption if libpff cannot read it; LX_E_NOMEM. */
lx_status lx_pst_open(const char *data, size_t len, lx_pst **out, lx_strbuf *why);

/* "pst" or "ost" (by the file's content type). */
const char *lx_pst_format(const lx_pst *p);

void lx_pst_close(lx_pst *p);

/* One item met by the walk: folders[0..depth) are the names of the folders from the root
 * folder down to the item's folder (raw UTF-8 names, unescaped; the root folder itself is
 * folders[0], e.g. "Top of Personal Folders"; Outlook's root folder has no name and is then
 * left out, so folders[0] is one of its folders: "Top of Personal Folders", the search root);
 * id is libpff's item identifier (the NID);
 * m is the item read (NULL when it could not be read: problem says why in one line).
 * Non-mail items are passed too (the caller counts them by lx_mapi_kind). Return non-zero to
 * stop the walk. m is valid only during the call (the walk releases it). */
typedef int (*lx_pst_cb)(void *ctx, const char *const *folders, size_t depth, uint32_t id,
                         const lx_mapi_msg *m, const char *problem);

/* Walks every folder, depth first, items in store order, sub-folders after a folder's items.
 * A folder that cannot be read is reported through cb with m NULL, id 0 and the problem, and
 * the walk goes on. LX_OK, LX_E_NOMEM, or LX_E_INVALID (why) when the walk cannot start. */
lx_status lx_pst_walk(lx_pst *p, lx_pst_cb cb, void *ctx, lx_strbuf *why);

/* Items libpff found in the store's index outside every folder (a folder
 * lost to damage): not walked; counted so the report can say they exist. */
size_t lx_pst_orphans(const lx_pst *p);

/* Reads item id into m (for read-back); LX_E_NOT_FOUND (why) when the store has no such item. */
lx_status lx_pst_item(lx_pst *p, uint32_t id, lx_mapi_msg *m, lx_strbuf *why);

#endif
