/* senders.h - senders, recipients and the archive's summary, counted over every match. */
#ifndef LX_SENDERS_H
#define LX_SENDERS_H

#include <stdbool.h>
#include <stddef.h>

#include "schema.h"
#include "search.h"

typedef enum lx_people_kind { LX_PEOPLE_SENDERS, LX_PEOPLE_RECIPIENTS } lx_people_kind;

typedef enum lx_people_sort {
    LX_PEOPLE_BY_COUNT,   /* most messages first (the default) */
    LX_PEOPLE_BY_ADDRESS, /* address, A to Z */
    LX_PEOPLE_BY_FIRST,   /* earliest first message first */
    LX_PEOPLE_BY_LAST,    /* latest last message first */
} lx_people_sort;

/* Parses "count", "address", "first" or "last". */
bool lx_people_sort_parse(const char *s, lx_people_sort *out);

/* One address and what was seen of it. */
typedef struct lx_person {
    char *addr;         /* lowercased address (or, for domains, the domain) */
    char **names;       /* the display names seen with it, sorted, distinct */
    size_t n_names, alloc_names;
    size_t messages;    /* messages it is in */
    size_t verified;    /* of which verified (signed in full by the sender's domain) */
    double first, last; /* the earliest and latest date (UTC seconds); NaN: none dated */
    size_t last_row;    /* the scan's row that last counted it: once per message */
} lx_person;

/* People by address: an array, with an open-addressing table over it while
 * counting. Owns everything; release with lx_people_release. */
typedef struct lx_people {
    lx_person *v;
    size_t n, alloc;
    size_t *slots; /* index + 1, 0 empty */
    size_t n_slots;
    size_t row;    /* messages counted */
    lx_status st;
    lx_people_kind kind;
} lx_people;

void lx_people_release(lx_people *p);

/* Counts one "address<TAB>name" (or a key alone) for the current message,
 * row p->row (the caller moves it on for each message): once per message
 * however often it comes, with the message's date (NaN: none) and whether
 * it is verified. An empty address counts nothing; p->st says
 * LX_E_NOMEM when memory ran out. */
void lx_people_count(lx_people *p, const char *line, size_t n, double date, bool verified);

/* Sorts the people by sort (ties by address), and each one's names. */
void lx_people_sort_by(lx_people *p, lx_people_sort sort);

/* The LX_F_VERIFIED_LEVEL slot's number for a verified message (0 no, 1
 * yes, 2 and 3 signed in part). */
#define LX_LEVEL_YES 1.0

/* A person's date (first or last) in ISO 8601 UTC into buf; "" for NaN
 * (none); false then. */
bool lx_person_date(double t, char buf[32]);

/* Counts every distinct sender (or To/Cc recipient) of the messages opts
 * matches into out (initialized by the call; release it even on failure):
 * address, display names, messages, verified messages, first and last
 * date, exact over every match (opts' offset and limit ignored), sorted by
 * sort (ties by address). out->row is the number of messages matched. */
lx_status lx_senders_find(lx_db *db, const lx_query_opts *opts, lx_people_kind kind,
                          lx_people_sort sort, lx_people *out);

/* How many top sender domains a summary keeps. */
#define LX_STATS_TOP_DOMAINS 10

/* The summary of the messages a query matches. */
typedef struct lx_stats {
    size_t messages;
    size_t verdicts[LX_VERDICT_COUNT_]; /* by DKIM verdict (unknown: unchecked) */
    size_t verified, partial;           /* lx_verified yes, partial */
    size_t years[10000], undated;       /* by year on the clocks asked for */
    size_t corroborated, mismatched;    /* chain corroboration, apart from the verdicts */
    size_t attachments, attachments_text; /* attachment files, nested included; with text */
    size_t unique_senders;
    lx_people domains; /* sender domains, most messages first */
    size_t top;        /* how many of them to show: at most LX_STATS_TOP_DOMAINS */
} lx_stats;

/* Counts the summary of the messages opts matches into *out (a new
 * lx_stats the caller frees with lx_stats_free, NULL on failure); years
 * are counted on the clocks of opts->tz. */
lx_status lx_stats_find(lx_db *db, const lx_query_opts *opts, lx_stats **out);
void lx_stats_free(lx_stats *s);

#endif
