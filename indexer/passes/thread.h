/* thread.h - conversations: which messages belong together, and their thread id. */
#ifndef LX_THREAD_H
#define LX_THREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "caps.h"
#include "message.h"
#include "strbuf.h"
#include "xdb.h"

/* A thread id: 16 lowercase hex digits and a NUL. */
enum { LX_THREAD_ID_LEN = LX_THREAD_HEX };

/*
 * Appends the subject with its reply and forward prefixes ("Re:", "RE :",
 * "Fwd:", "TR:", "AW:", "Réf. :", "Re[2]:", list tags such as "[team]")
 * removed, accents folded, ASCII letters lowercased and white space
 * collapsed. *reply is set when a reply prefix (not a forward) was removed.
 */
lx_status lx_thread_base_subject(lx_strbuf *out, const char *subject, bool *reply);

/*
 * Appends the message's thread links, the value the thread pass reads (the
 * LX_F_THREAD_LINKS slot): lines Message-ID, In-Reply-To, "r" when the
 * subject has a reply prefix (else empty), the base subject, then the
 * References (the first and the last, LX_MAX_THREAD_REFS in all). Each id is
 * cut as the XMID term is cut.
 */
lx_status lx_thread_links(lx_strbuf *out, const lx_message *m);

/*
 * Whether id (without its angle brackets) can name a message, as RFC 5322's
 * msg-id (id-left "@" id-right) read leniently: something before an "@",
 * something after it, no control characters. "yes" (git send-email's answer
 * written as an In-Reply-To), "" and "@x" cannot; such an id links nothing.
 */
bool lx_thread_id_valid(const char *id, size_t len);

/*
 * The thread id a message is indexed with, from its links and SHA-256: the
 * first 16 hex digits of the SHA-256 of its thread's root Message-ID (the
 * first valid reference, else a valid In-Reply-To, else its own Message-ID),
 * or of its own SHA-256 when it has none. Messages of a well-formed thread
 * agree on it at once; the thread pass fixes the others.
 */
lx_status lx_thread_initial_id(const char *links, size_t len, const char *sha,
                               char id[LX_THREAD_ID_LEN + 1]);

typedef struct lx_thread_stats {
    size_t messages;   /* documents read */
    size_t threads;    /* conversations found */
    size_t relinked;   /* documents whose thread id changed */
    size_t by_subject; /* replies joined to a thread by their subject alone */
    size_t not_ids;    /* messages naming a parent id that is no Message-ID (ignored) */
    size_t shared_ids; /* parent ids shared by strangers, split (lx_thread_pass) */
    size_t cut_off;    /* messages whose link to such an id was cut */
    lx_docid *moved;   /* ids (in the index read) of the documents whose thread id
                        * changed, ascending; malloc'd, caller frees */
    size_t n_moved;
} lx_thread_stats;

/*
 * The thread pass, run after every indexing run (read and write the same
 * index), or over every shard of a sharded index (read: all shards as one
 * database; write: this shard, whose documents alone are written, found by
 * their SHA-256): reads the links of every
 * document, joins messages that reference each other (directly, through
 * References, or through a common ancestor missing from the archive), joins
 * a reply that carries no references to the latest earlier message with the
 * same base subject and a shared correspondent (within LX_THREAD_SUBJECT_DAYS
 * days), and gives every member of a conversation the initial id of its
 * earliest message (by date, then SHA-256).
 *
 * Two kinds of parent id do not join what they name. An id that is not a
 * Message-ID (lx_thread_id_valid) is no link at all. A parent id claimed
 * (named in In-Reply-To or References) by at least LX_THREAD_STRANGER_CLAIMS
 * messages is checked: its claimants, with the message of that id when the
 * archive has it, are put in groups of related messages (the same base
 * subject, an address or a display name shared among their From, To and Cc,
 * one answering the other, or both answering the same other message). When
 * there are several groups, they are strangers that a reused or invented id
 * would tie together, and the id links each group only within itself: the
 * group with the message of that id keeps it (else the one with the most
 * claimants, then the one with the earliest message), the others take their
 * thread id from their own messages.
 *
 * Only documents whose id changes are written, and only their thread id
 * value: each keeps the thread term of its initial id, and the thread's
 * alias key (LX_THREAD_ALIAS_METADATA_PREFIX) gains the ids it came from,
 * so that lx_xq_thread finds it. The result does not depend on the order
 * messages were indexed in.
 */
lx_status lx_thread_pass(lx_db *read, lx_db *write, lx_thread_stats *stats);

#endif
