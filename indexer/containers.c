/* containers.c - the walk inside a source archive: members read in memory, nested archives opened, each member's content sniffed, what holds no mail collected. */
#include "containers.h"

#include <string.h>

#include "archives.h"
#include "caps.h"
#include "evidence.h"
#include "banned.h"

void lx_containers_limits_source(lx_containers_limits *lim)
{
    *lim = (lx_containers_limits){LX_SOURCE_MEMBER_MAX_BYTES, LX_SOURCE_ARCHIVE_MAX_MEMBERS,
                                  LX_SOURCE_ARCHIVE_MAX_RATIO, LX_SOURCE_ARCHIVE_RATIO_FLOOR,
                                  LX_SOURCE_ARCHIVE_MAX_DEPTH};
}

/* One walk: where it is, what it may still unpack. */
typedef struct walk {
    const lx_containers_cb *cb;
    const lx_containers_limits *lim;
    lx_strbuf steps;      /* of the member being read */
    size_t depth;         /* archives open around it */
    size_t tree_unpacked; /* bytes every archive unpacked so far */
    size_t tree_budget;
    lx_status st; /* the error that ended the walk */
    /* The members of the archive being read that hold no mail, until it
     * ends: steps, NUL, reason, NUL, for each. */
    lx_strbuf *no_mail;
} walk;

/* A member that holds no mail: kept for the end of its archive. */
static void no_mail(walk *w, const char *reason)
{
    if (!w->st && (w->st = lx_strbuf_add(w->no_mail, w->steps.buf, w->steps.len + 1)) == LX_OK)
        w->st = lx_strbuf_add(w->no_mail, reason, strlen(reason) + 1);
}

static void read_archive(walk *w, const char *data, size_t len);

/* The bytes of the member at w->steps. */
static void read_member(walk *w, const char *data, size_t len)
{
    lx_sniff kind = lx_sniff_data(data, len);
    const char *none = NULL;
    switch (kind) {
    case LX_SNIFF_ARCHIVE: read_archive(w, data, len); return;
    case LX_SNIFF_EMPTY: none = "empty file"; break;
    case LX_SNIFF_NOT_MAIL: none = "not a mail message (no header block)"; break;
    case LX_SNIFF_MESSAGE:
    case LX_SNIFF_MBOX:
    case LX_SNIFF_PST:
    case LX_SNIFF_MSG:
        if (!w->st)
            w->st = w->cb->found(w->cb->ctx, w->steps.buf, kind, data, len, &none);
        break;
    }
    if (none)
        no_mail(w, none);
}

static int on_member(void *ctx, const lx_archive_member *m)
{
    walk *w = ctx;
    size_t was = w->steps.len;
    if (!w->st)
        w->st = lx_evidence_add_member(&w->steps, m->name, strlen(m->name));
    if (w->st)
        return 1;
    if (m->encrypted)
        w->cb->problem(w->cb->ctx, w->steps.buf, LX_ARCHIVES_ENCRYPTED, NULL, true);
    else if (m->too_big)
        w->cb->problem(w->cb->ctx, w->steps.buf, "archive member over the size limit, not read",
                       NULL, true);
    else
        read_member(w, m->data, m->len);
    lx_strbuf_setlen(&w->steps, was);
    return w->st != LX_OK;
}

/* Why an archive walk ended early, for the report; NULL when it did not. */
static const char *archive_end(lx_unpack_end end)
{
    switch (end) {
    case LX_UNPACK_COMPLETE:
    case LX_UNPACK_STOPPED: return NULL;
    case LX_UNPACK_MEMBERS: return "archive with more members than the limit: the rest not read";
    case LX_UNPACK_RATIO:
        return "archive unpacking past 100 times its size (a zip bomb?): the rest not read";
    case LX_UNPACK_DAMAGED: return "damaged archive: the rest not read";
    case LX_UNPACK_TREE:
        return "archives in this file unpacking past 100 times its size: the rest not read";
    }
    return NULL;
}

/* The members kept as holding no mail: each one, or (none held mail) the
 * archive alone. */
static void report_no_mail(walk *w, const lx_strbuf *kept, bool any_mail)
{
    if (!any_mail && kept->len) {
        if (w->no_mail)
            no_mail(w, "no mail inside");
        else
            w->cb->problem(w->cb->ctx, w->steps.buf, "no mail inside", NULL, false);
        return;
    }
    for (size_t k = 0; k < kept->len;) {
        const char *steps = kept->buf + k;
        const char *reason = steps + strlen(steps) + 1;
        w->cb->problem(w->cb->ctx, steps, reason, NULL, false);
        k = (size_t)(reason + strlen(reason) + 1 - kept->buf);
    }
}

/* Counts what reached the reader under an archive: mail, or damage. */
typedef struct counting {
    const lx_containers_cb *inner;
    size_t found, problems;
} counting;

static lx_status count_found(void *ctx, const char *steps, lx_sniff kind, const char *data,
                             size_t len, const char **none)
{
    counting *c = ctx;
    lx_status st = c->inner->found(c->inner->ctx, steps, kind, data, len, none);
    c->found += !*none;
    return st;
}

static void count_problem(void *ctx, const char *steps, const char *reason, const char *detail,
                          bool again)
{
    counting *c = ctx;
    c->problems += again;
    c->inner->problem(c->inner->ctx, steps, reason, detail, again);
}

/* An archive at w->steps: each member read where it is, in memory; what
 * stopped the walk told with libarchive's reason. */
static void read_archive(walk *w, const char *data, size_t len)
{
    if (w->st)
        return;
    if (w->depth >= w->lim->max_depth) {
        w->cb->problem(w->cb->ctx, w->steps.buf, "archive nested too deep, not opened", NULL, true);
        return;
    }
    lx_unpack_limits lim = {w->lim->max_member_bytes, w->lim->max_members, w->lim->max_ratio,
                            w->lim->ratio_floor,      &w->tree_unpacked,   w->tree_budget};
    counting c = {w->cb, 0, 0};
    lx_containers_cb counted = {count_found, count_problem, &c};
    const lx_containers_cb *outer_cb = w->cb;
    lx_strbuf kept, why;
    lx_strbuf_init(&kept);
    lx_strbuf_init(&why);
    lx_strbuf *outer = w->no_mail;
    w->no_mail = &kept;
    w->cb = &counted;
    w->depth++;
    lx_unpack_end end;
    lx_status st = lx_archives_walk(data, len, &lim, on_member, w, &end, &why);
    w->depth--;
    w->cb = outer_cb;
    w->no_mail = outer;
    if (st && !w->st)
        w->st = st;
    const char *stopped = w->st ? NULL : archive_end(end);
    /* Damage or a limit is news of its own: the members that held no mail
     * are listed then. */
    if (!w->st)
        report_no_mail(w, &kept, c.found || c.problems || stopped);
    if (stopped)
        w->cb->problem(w->cb->ctx, w->steps.buf, stopped, why.len ? why.buf : NULL, true);
    /* What reached the reader counts for the archives around this one. */
    lx_strbuf_release(&kept);
    lx_strbuf_release(&why);
}

lx_status lx_containers_walk(const char *data, size_t len, const lx_containers_limits *lim,
                             const lx_containers_cb *cb)
{
    walk w = {cb, lim, {0}, 0, 0, 0, LX_OK, NULL};
    lx_strbuf_init(&w.steps);
    w.tree_budget = lim->max_ratio && len > (size_t)-1 / lim->max_ratio ? (size_t)-1
                    : lim->max_ratio                                    ? len * lim->max_ratio
                                                                        : (size_t)-1;
    if (w.tree_budget < lim->ratio_floor)
        w.tree_budget = lim->ratio_floor;
    read_archive(&w, data, len);
    lx_strbuf_release(&w.steps);
    return w.st;
}
