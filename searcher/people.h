/* people.h - senders, recipients and the archive summary, over every match. */
#ifndef LX_PEOPLE_H
#define LX_PEOPLE_H

#include <stdio.h>

#include "output.h"
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

/* Prints every distinct sender (or To/Cc recipient) of the messages opts
 * matches: address, display names seen, messages, verified messages (DKIM
 * pass), first and last date; exact counts over all matches. opts->offset
 * and opts->limit page through the people in the sorted order (a JSON
 * "total" counts them all). *n_out gets the number of people, *n_messages
 * the number of messages matched. */
lx_status lx_people_print(lx_db *db, const lx_query_opts *opts, lx_people_kind kind,
                          lx_people_sort sort, lx_format format, FILE *out, size_t *n_out,
                          size_t *n_messages);

/* Prints the summary of the messages opts matches: how many, from how many
 * senders, how many verified; counts by DKIM verdict and by year; the top
 * sender domains. *n_out gets the number of messages. */
lx_status lx_stats_print(lx_db *db, const lx_query_opts *opts, lx_format format, FILE *out,
                         size_t *n_out);

#endif
