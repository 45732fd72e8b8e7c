/* containers.h - the walk inside a source archive: members read in memory, nested archives opened, each member's content sniffed, what holds no mail collected. */
#ifndef LX_CONTAINERS_H
#define LX_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>

#include "sniff.h"
#include "strbuf.h"

/* What the walk tells its reader. steps is the member's location after
 * the file's path (stored form: lx_evidence_add_member steps), valid
 * during the call. */
typedef struct lx_containers_cb {
    /* A member holding mail (kind LX_SNIFF_MESSAGE or LX_SNIFF_MBOX) or an
     * Outlook file (LX_SNIFF_PST, LX_SNIFF_MSG), its bytes data[0..len)
     * valid during the call. Setting *no_mail to a static reason says it
     * held none after all (it is then collected as below). An error
     * returned ends the walk. */
    lx_status (*found)(void *ctx, const char *steps, lx_sniff kind, const char *data, size_t len,
                       const char **no_mail);
    /* What could not be read at steps: reason (static, what the report
     * counts), detail (libarchive's words, or NULL); again when a later
     * run should read the file again (damage, encryption, a limit). A
     * member that holds no mail is told here too, again false, once its
     * archive is done: each one when the archive held any mail (or met
     * damage or a limit), else the archive alone, "no mail inside". */
    void (*problem)(void *ctx, const char *steps, const char *reason, const char *detail,
                    bool again);
    void *ctx;
} lx_containers_cb;

/* Limits of one walk (lx_containers_limits_source: the source caps). */
typedef struct lx_containers_limits {
    size_t max_member_bytes, max_members, max_ratio, ratio_floor, max_depth;
} lx_containers_limits;

/* The source archives' limits (common/caps.h LX_SOURCE_*). */
void lx_containers_limits_source(lx_containers_limits *lim);

/*
 * Walks the archive data[0..len) (a source file, sniffed LX_SNIFF_ARCHIVE)
 * and every archive inside it, depth first, members in archive order.
 * Every archive together unpacks to at most max_ratio times len (at least
 * ratio_floor). Returns LX_E_NOMEM or an error from cb->found; what the
 * archives hold, damage and limits included, goes to cb.
 */
lx_status lx_containers_walk(const char *data, size_t len, const lx_containers_limits *lim,
                             const lx_containers_cb *cb);

#endif
