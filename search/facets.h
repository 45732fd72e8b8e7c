/* facets.h - the exact counts a filter column shows beside a query's matches: verdicts, months, domains, senders, attachments, file types, conflicts. */
#ifndef LX_FACETS_H
#define LX_FACETS_H

#include <stddef.h>

#include "search.h"

/* How many sender domains and senders a facet list keeps (the most
 * messages first, ties by name). */
#define LX_FACETS_TOP_DOMAINS 20
#define LX_FACETS_TOP_SENDERS 10

/* One value of a facet: the term that narrows a query to it, and how many
 * matches of the query it keeps. */
typedef struct lx_facet {
    char *key;    /* "verified", "2017-04", "example.org", "a@example.org", "pdf" */
    char *name;   /* senders: a display name seen with the address ("" when none); else NULL */
    char *query;  /* the term, as the query language reads it: "month:2017-04" */
    size_t count; /* matches of "(QUERY) AND term", exact */
} lx_facet;

typedef struct lx_facet_list {
    lx_facet *v;
    size_t n, alloc;
} lx_facet_list;

/* The facets, in the order a filter column shows them. */
typedef enum lx_facet_group {
    LX_FACETS_VERDICTS,    /* verified, partial, corroborated, fail, nokey, invalid, none, weak */
    LX_FACETS_MONTHS,      /* YYYY-MM, ascending, only those with matches */
    LX_FACETS_DOMAINS,     /* sender domains, the LX_FACETS_TOP_DOMAINS first */
    LX_FACETS_SENDERS,     /* sender addresses, the LX_FACETS_TOP_SENDERS first */
    LX_FACETS_ATTACHMENTS, /* has:attachment */
    LX_FACETS_FILETYPES,   /* filetype:X with matches, most first (ties by name) */
    LX_FACETS_CONFLICTS,   /* conflict:yes */
    LX_FACETS_COUNT_       /* number of groups; not a group */
} lx_facet_group;

/* "verdicts", "months", "domains", "senders", "attachments", "filetypes",
 * "conflicts": the group's name in JSON and CSV. */
const char *lx_facet_group_name(lx_facet_group g);

/* The facets of a query; owns everything; release with lx_facets_release. */
typedef struct lx_facets {
    size_t total;   /* the query's matches */
    size_t undated; /* of which have no date (no month: term) */
    lx_facet_list groups[LX_FACETS_COUNT_];
} lx_facets;

/*
 * Counts the facets of every match of opts (offset, limit, sort and
 * collapse ignored) into out (initialized by the call; release it even on
 * failure). Every count equals what a search of "(QUERY) AND TERM" counts,
 * TERM being the facet's query, and all come from one revision of the
 * index. Months are read on the clocks of opts->tz, as month: is. One scan
 * of the value slots counts what is in them (verdicts, months, domains)
 * and chooses the senders; a count of each term counts the rest (weak
 * keys, attachments, file types, conflicts, and the senders, whose from:
 * reads the words of the sender's name and address: a name that spells
 * the address is counted too, as a search would find it). On failure the message is on db (lx_db_error).
 */
lx_status lx_facets_find(lx_db *db, const lx_query_opts *opts, lx_facets *out);
void lx_facets_release(lx_facets *f);

#endif
