/* fuzz_archive_walk.c - the walk inside a source archive (indexer/containers.c): the input is a source file sniffed as an archive, walked as the indexer walks it under small limits. Checks its promises: every member found has the kind its content sniffs as, its location reads back (stored, parsed, shown on one line) and its bytes are those the read-back gives through the chain of members; what all archives unpack stays within the file's budget. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "evidence.h"
#include "original.h"
#include "sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct seen {
    const char *input;
    size_t size;
    size_t bytes_found; /* of every member found */
    size_t found, problems;
    lx_strbuf steps; /* "\n" then each location met, "\n" after each */
} seen;

/* Whether steps was met before (then remembered). */
static bool met_before(seen *s, const char *steps)
{
    lx_strbuf key;
    lx_strbuf_init(&key);
    if (lx_strbuf_addf(&key, "\n%s\n", steps))
        abort();
    bool met = strstr(s->steps.buf, key.buf) != NULL;
    if (!met && lx_strbuf_addf(&s->steps, "%s\n", steps))
        abort();
    lx_strbuf_release(&key);
    return met;
}

/* The location of steps, stored, parsed and shown: members as many as
 * the steps, the shown form on one line. */
static lx_evidence_loc check_location(const char *steps)
{
    lx_strbuf stored, shown;
    lx_strbuf_init(&stored);
    lx_strbuf_init(&shown);
    lx_evidence_loc loc;
    if (lx_evidence_format_steps(&stored, "/leak/file", steps, false, 0, 0) ||
        lx_evidence_parse(&loc, stored.buf) || strcmp(loc.path.buf, "/leak/file") != 0 ||
        loc.has_item || loc.in_mbox || lx_evidence_show(&shown, &loc))
        abort();
    size_t tabs = 0;
    for (const char *p = steps; *p; p++)
        tabs += *p == '\t';
    if (loc.n_members != tabs)
        abort();
    for (size_t i = 0; i < shown.len; i++)
        if ((unsigned char)shown.buf[i] < 0x20)
            abort();
    lx_strbuf_release(&stored);
    lx_strbuf_release(&shown);
    return loc;
}

static lx_status found(void *ctx, const char *steps, lx_sniff kind, const char *data, size_t len,
                       const char **no_mail)
{
    (void)no_mail;
    seen *s = ctx;
    if (lx_sniff_data(data, len) != kind || !*steps)
        abort();
    s->found++;
    s->bytes_found += len;
    lx_evidence_loc loc = check_location(steps);
    lx_strbuf back;
    lx_strbuf_init(&back);
    const char *why = NULL;
    lx_status st =
        lx_original_members_read(s->input, s->size, loc.members, loc.n_members, &back, &why);
    if (st != LX_OK && st != LX_E_NOT_FOUND)
        abort();
    /* The read-back takes the first member of a name at each level: where
     * names repeat it may name another file, or one it cannot read; a
     * location met the first time and read back is this very member. */
    if (!met_before(s, steps) && st == LX_OK &&
        (back.len != len || memcmp(back.buf, data, len) != 0))
        abort();
    lx_strbuf_release(&back);
    lx_evidence_loc_release(&loc);
    return LX_OK;
}

static void problem(void *ctx, const char *steps, const char *reason, const char *detail,
                    bool again)
{
    (void)detail;
    (void)again;
    seen *s = ctx;
    if (!reason || !*reason)
        abort();
    lx_evidence_loc loc = check_location(steps);
    lx_evidence_loc_release(&loc);
    met_before(s, steps);
    s->problems++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    if (lx_sniff_data(in, size) != LX_SNIFF_ARCHIVE)
        return 0;
    lx_containers_limits lim = {1 << 20, 64, 100, 1 << 20, 6};
    seen s = {in, size, 0, 0, 0, {0}};
    lx_strbuf_init(&s.steps);
    if (lx_strbuf_addch(&s.steps, '\n'))
        abort();
    lx_containers_cb cb = {found, problem, &s};
    if (lx_containers_walk(in, size, &lim, &cb) != LX_OK)
        abort();
    lx_strbuf_release(&s.steps);
    size_t budget = size * 100 > (1 << 20) ? size * 100 : (1 << 20);
    /* Members found are whole, each within what the archives unpacked,
     * which stays within the budget (plus the last read that passed it). */
    if (s.bytes_found > budget + (1 << 20))
        abort();
    return 0;
}
