/* unpack.c - the members of ZIP, TAR and compressed files, read with limits. */
#include "unpack.h"

#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "banned.h"

static bool tree_spent(const lx_unpack_limits *lim)
{
    return lim->tree_unpacked && *lim->tree_unpacked > lim->tree_budget;
}

lx_status lx_unpack_each(const char *data, size_t len, bool raw, const lx_unpack_limits *lim,
                         lx_unpack_cb cb, void *ctx, lx_unpack_end *end, lx_strbuf *why)
{
    *end = LX_UNPACK_COMPLETE;
    struct archive *a = archive_read_new();
    if (!a)
        return LX_E_NOMEM;
    archive_read_support_filter_all(a);
    if (raw) {
        archive_read_support_format_raw(a);
    } else {
        archive_read_support_format_all(a);
    }
    lx_status st = LX_OK;
    lx_strbuf member;
    lx_strbuf_init(&member);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        *end = LX_UNPACK_DAMAGED;
        lx_strbuf_addstr(why, archive_error_string(a) ? archive_error_string(a) : "not an archive");
        goto out;
    }
    size_t members = 0, unpacked = 0;
    size_t budget = lim->max_ratio ? len * lim->max_ratio : (size_t)-1;
    if (lim->max_ratio && len > (size_t)-1 / lim->max_ratio)
        budget = (size_t)-1;
    if (budget < lim->ratio_floor)
        budget = lim->ratio_floor;
    struct archive_entry *e;
    for (;;) {
        /* A nested archive read in the callback may have spent the tree's
         * budget: nothing more is unpacked. */
        if (tree_spent(lim)) {
            *end = LX_UNPACK_TREE;
            break;
        }
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            *end = LX_UNPACK_DAMAGED;
            const char *es = archive_error_string(a);
            lx_strbuf_addstr(why, es ? es : "damaged archive");
            break;
        }
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        if (members >= lim->max_members) {
            *end = LX_UNPACK_MEMBERS;
            break;
        }
        members++;
        const char *name = archive_entry_pathname_utf8(e);
        if (!name)
            name = archive_entry_pathname(e);
        if (!name)
            name = "";
        bool sized = archive_entry_size_is_set(e);
        size_t declared = sized && archive_entry_size(e) > 0 ? (size_t)archive_entry_size(e) : 0;
        if (sized && declared > lim->max_member_bytes) {
            if (cb(ctx, name, NULL, declared, true)) {
                *end = LX_UNPACK_STOPPED;
                break;
            }
            continue;
        }
        lx_strbuf_reset(&member);
        char buf[65536];
        bool too_big = false, bomb = false, tree = false, broken = false;
        size_t msize = 0;
        for (;;) {
            la_ssize_t n = archive_read_data(a, buf, sizeof buf);
            if (n == 0)
                break;
            if (n < 0) {
                broken = true;
                break;
            }
            unpacked += (size_t)n;
            msize += (size_t)n;
            if (lim->tree_unpacked)
                *lim->tree_unpacked += (size_t)n;
            if (unpacked > budget) {
                bomb = true;
                break;
            }
            if (tree_spent(lim)) {
                tree = true;
                break;
            }
            if (member.len + (size_t)n > lim->max_member_bytes) {
                too_big = true;
                continue; /* keep counting what it unpacks to, for the ratio */
            }
            if ((st = lx_strbuf_add(&member, buf, (size_t)n)))
                goto out;
        }
        if (bomb) {
            *end = LX_UNPACK_RATIO;
            break;
        }
        if (tree) {
            *end = LX_UNPACK_TREE;
            break;
        }
        if (broken) {
            *end = LX_UNPACK_DAMAGED;
            const char *es = archive_error_string(a);
            lx_strbuf_addf(why, "%s: %s", name, es ? es : "damaged member");
            break;
        }
        if (cb(ctx, name, too_big ? NULL : member.buf, too_big ? msize : member.len, too_big)) {
            *end = LX_UNPACK_STOPPED;
            break;
        }
    }
out:
    archive_read_free(a);
    lx_strbuf_release(&member);
    return st;
}
