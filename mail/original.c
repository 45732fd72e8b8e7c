/* original.c - reading a stored message back from its source, checked against its SHA-256. */
#include "original.h"

#include <string.h>

#include "archives.h"
#include "caps.h"
#include "mbox.h"
#include "schema.h"
#include "sha256.h"
#include "banned.h"

lx_status lx_original_matches(const char *raw, size_t len, bool in_mbox, const char *sha,
                              lx_strbuf *canon, bool *same)
{
    *same = false;
    lx_strbuf_reset(canon);
    char got[LX_SHA256_HEX_LEN + 1];
    lx_status st = lx_mbox_canonical(canon, raw, len, in_mbox);
    if (!st)
        st = lx_sha256_hex(canon->buf, canon->len, got);
    if (!st)
        *same = strcmp(got, sha) == 0;
    return st;
}

/* The mbox range of data[0..len), appended to out. */
static lx_status mbox_range(const lx_evidence_loc *loc, const char *data, size_t len,
                            lx_strbuf *out, const char **why)
{
    if (!loc->in_mbox)
        return lx_strbuf_add(out, data, len);
    if (loc->length > LX_MAX_MESSAGE_BYTES + 4096 || loc->offset > len ||
        loc->length > len - loc->offset) {
        *why = "the file is shorter than the indexed message";
        return LX_E_IO;
    }
    return lx_strbuf_add(out, data + loc->offset, loc->length);
}

lx_status lx_original_members_read(const char *data, size_t len, char *const *members, size_t n,
                                   lx_strbuf *out, const char **why)
{
    /* Each member is unpacked from the one before, in memory. */
    lx_strbuf member[2];
    lx_strbuf_init(&member[0]);
    lx_strbuf_init(&member[1]);
    lx_status st = LX_OK;
    for (size_t i = 0; i < n && !st; i++) {
        lx_strbuf *into = &member[i % 2];
        lx_strbuf_reset(into);
        lx_unpack_limits lim = {LX_SOURCE_MEMBER_MAX_BYTES,
                                LX_SOURCE_ARCHIVE_MAX_MEMBERS,
                                LX_SOURCE_ARCHIVE_MAX_RATIO,
                                LX_SOURCE_ARCHIVE_RATIO_FLOOR,
                                NULL,
                                0};
        if (!(st = lx_archives_member(data, len, members[i], &lim, into, why))) {
            data = into->buf;
            len = into->len;
        }
    }
    if (!st)
        st = lx_strbuf_add(out, data, len);
    lx_strbuf_release(&member[0]);
    lx_strbuf_release(&member[1]);
    return st;
}

lx_status lx_original_location_read(const lx_evidence_loc *loc, lx_strbuf *out,
                                    lx_atime_stats *atimes, const char **why)
{
    if (!loc->n_members)
        return lx_evidence_read(loc, out, atimes, why);
    const char *file;
    size_t file_len;
    lx_status st = lx_evidence_map(loc->path.buf, &file, &file_len, atimes, why);
    if (st)
        return st;
    lx_strbuf member;
    lx_strbuf_init(&member);
    st = lx_original_members_read(file, file_len, loc->members, loc->n_members, &member, why);
    lx_evidence_unmap(file, file_len);
    if (!st)
        st = mbox_range(loc, member.buf, member.len, out, why);
    lx_strbuf_release(&member);
    return st;
}

lx_status lx_original_read(const lx_record *rec, const char *sha, lx_strbuf *canon,
                           lx_strbuf *stored, lx_atime_stats *atimes, const char **first_path,
                           const char **why)
{
    lx_strbuf raw;
    lx_strbuf_init(&raw);
    lx_status st = LX_E_NOT_FOUND;
    *why = "no location recorded";
    for (size_t i = 0; i < rec->n && st; i++) {
        if (strcmp(rec->pairs[i].key, LX_DATA_PATH) != 0)
            continue;
        const char *v = rec->pairs[i].value;
        if (!*first_path)
            *first_path = v;
        lx_evidence_loc loc;
        if ((st = lx_evidence_parse(&loc, v)))
            break;
        lx_strbuf_reset(&raw);
        bool in_mbox = loc.in_mbox;
        st = lx_original_location_read(&loc, &raw, atimes, why);
        lx_evidence_loc_release(&loc);
        if (st == LX_E_NOMEM)
            break;
        if (st) {
            st = LX_E_NOT_FOUND;
            continue;
        }
        bool same;
        if ((st = lx_original_matches(raw.buf, raw.len, in_mbox, sha, canon, &same)))
            break;
        if (same) {
            st = LX_OK;
            if (stored && in_mbox) {
                lx_strbuf_reset(stored);
                st = lx_mbox_canonical(stored, raw.buf, raw.len, false);
                if (!st && stored->len == canon->len)
                    lx_strbuf_reset(stored); /* nothing was quoted */
            }
        } else {
            *why = LX_ORIGINAL_CHANGED;
            st = LX_E_NOT_FOUND;
        }
    }
    lx_strbuf_release(&raw);
    return st;
}
