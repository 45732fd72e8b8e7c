/* hitkeys.h - the keys a hit's record gets when it is shown, on top of its document data. */
#ifndef LX_HITKEYS_H
#define LX_HITKEYS_H

/*
 * The document data's own keys are the schema's (LX_DATA_* in
 * common/schema.h). A hit's record (lx_hit_record) adds these, found when it
 * is shown: the printers and the exports read them like the others.
 */
#define LX_HIT_THREAD "thread"                 /* thread id, from its value slot */
#define LX_HIT_CHAIN "chain"                   /* one per corroboration line (lx_chain_line) */
#define LX_HIT_COPY "copy"                     /* SHA-256 of each other copy of the message */
#define LX_HIT_CONFLICT "conflict"             /* SHA-256 of each conflicting copy */
#define LX_HIT_THREAD_HITS "thread_hits"       /* --collapse thread: hits in its thread */
#define LX_HIT_THREAD_DEPTH "thread_depth"     /* a thread's list: ancestors in the list */
#define LX_HIT_SNIPPET "snippet"               /* the snippet's text */
#define LX_HIT_SNIPPET_MATCHES "snippet_matches" /* "START-END" code-point ranges */
#define LX_HIT_SNIPPET_ATTACHMENT "snippet_attachment" /* the attachment it comes from */
#define LX_HIT_SNIPPET_WORDS "snippet_words"   /* present when the query had words to mark */

#endif
