/* original.c - reading a stored message back from its source, checked against its SHA-256. */
#include "original.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "archives.h"
#include "caps.h"
#include "mbox.h"
#include "msg.h"
#include "pst.h"
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

/* The Outlook item a location names in raw[0..len) (the bytes of its file
 * or member): item loc->item of the store when the location has one, else
 * the .msg itself, read into m. LX_E_NOT_FOUND with *why (static) when it
 * cannot be read; LX_E_NOMEM. */
static lx_status outlook_item(const lx_evidence_loc *loc, const char *raw, size_t len,
                              lx_mapi_msg *m, char from[48], const char **why)
{
    lx_strbuf detail;
    lx_strbuf_init(&detail);
    lx_status st;
    if (loc->has_item) {
        lx_pst *p = NULL;
        st = lx_pst_open(raw, len, &p, &detail);
        if (!st) {
            snprintf(from, 48, "%s item #%lu", lx_pst_format(p), loc->item);
            st = loc->item > UINT32_MAX ? LX_E_NOT_FOUND
                                        : lx_pst_item(p, (uint32_t)loc->item, m, &detail);
            *why = "the Outlook store has no such item any more";
            lx_pst_close(p);
        } else {
            *why = "the Outlook store cannot be opened any more";
        }
    } else {
        snprintf(from, 48, "msg");
        st = lx_msg_read(raw, len, m, &detail);
        *why = "the file is not an Outlook message any more";
    }
    lx_strbuf_release(&detail);
    return st == LX_E_NOMEM ? st : st ? LX_E_NOT_FOUND : LX_OK;
}

lx_status lx_original_converted(const lx_evidence_loc *loc, const char *raw, size_t len,
                                const char *sha, lx_strbuf *eml, bool *same, const char **why)
{
    *same = false;
    lx_strbuf_reset(eml);
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    char from[48], identity[65];
    lx_strbuf made;
    lx_strbuf_init(&made);
    lx_status st = outlook_item(loc, raw, len, &m, from, why);
    if (!st)
        st = lx_mapi_identity(&m, identity);
    if (!st && strcmp(identity, sha) != 0)
        *why = LX_ORIGINAL_CHANGED;
    else if (!st && !(st = lx_mapi_to_eml(&m, from, &made)) &&
             !(st = lx_mbox_canonical(eml, made.buf, made.len, false)))
        *same = true;
    lx_strbuf_release(&made);
    lx_mapi_msg_release(&m);
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
        bool in_mbox = loc.in_mbox, same;
        st = lx_original_location_read(&loc, &raw, atimes, why);
        if (st == LX_E_NOT_FOUND || st == LX_E_IO)
            st = LX_E_NOT_FOUND;
        else if (!st && (loc.has_item || lx_msg_sniff(raw.buf, raw.len)))
            /* An Outlook item: its .eml made again, its identity compared. */
            st = lx_original_converted(&loc, raw.buf, raw.len, sha, canon, &same, why);
        else if (!st)
            st = lx_original_matches(raw.buf, raw.len, in_mbox, sha, canon, &same);
        lx_evidence_loc_release(&loc);
        if (st == LX_E_NOT_FOUND)
            continue;
        if (st)
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
