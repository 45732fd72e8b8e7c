/* cmd_attachment.c - attachment ID N --out FILE: the original bytes of an attachment, written to a new file. */
#include <fcntl.h>
#include <stdio.h>

#include "attachment.h"
#include "cli.h"
#include "front.h"
#include "ids.h"
#include "message.h"
#include "newfile.h"
#include "banned.h"

/* Prints why attachment n of message id could not be had; returns the
 * exit code. */
static int attachment_fail(front_io *io, const lx_db *db, lx_status st, const lx_attachment_copy *c,
                           const char *id, size_t n)
{
    switch (c->problem) {
    case LX_ATTACHMENT_OK: break;
    case LX_ATTACHMENT_NO_SUCH:
        front_say(io, FRONT_NOT_FOUND, "message %s has no attachment %zu", id, n);
        return EXIT_NO_HITS;
    case LX_ATTACHMENT_MESSAGE:
        return front_fault_of(io, FRONT_INDEX, "message %s: %s", id, c->why.buf);
    case LX_ATTACHMENT_RECORD:
    case LX_ATTACHMENT_TOOLS: return front_fault_of(io, FRONT_INDEX, "%s", c->why.buf);
    }
    return front_db_fail(io, db, st, "");
}

int cmd_attachment(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    if (argc != 2)
        return front_fail(io, "attachment: give a message id and an attachment number (attachment ID "
                          "N --out FILE)");
    size_t n = 0;
    if (!front_size(argv[1], &n) || n == 0)
        return front_fail(io, "attachment: '%s' is not an attachment number (1, 2, ...)", argv[1]);
    if (!o->out)
        return front_fail(io, "attachment: --out FILE names the file to write");
    lx_strbuf why;
    lx_strbuf_init(&why);
    int rc = -1;
    if (lx_newfile_taken(AT_FDCWD, o->out, o->out, &why))
        rc = front_fail(io, "--out %s", why.buf);
    lx_docid id = 0;
    lx_status st = rc < 0 ? lx_ids_message(db, argv[0], &id) : LX_OK;
    if (st)
        rc = front_id_fail(io, db, st, argv[0]);
    if (rc >= 0) {
        lx_strbuf_release(&why);
        return rc;
    }
    lx_atime_stats atimes;
    lx_atime_stats_init(&atimes);
    lx_attachment_copy c;
    lx_attachment_copy_init(&c);
    lx_message_library_init();
    st = lx_attachment_get(db, id, n, &atimes, &c);
    lx_message_library_shutdown();
    lx_strbuf_reset(&why);
    if (st) {
        rc = attachment_fail(io, db, st, &c, argv[0], n);
    } else if (lx_newfile_write(AT_FDCWD, NULL, o->out, c.bytes.buf, c.bytes.len, &why)) {
        rc = front_fail(io, "--out %s", why.buf);
    } else {
        lx_cli_say(io->out, "", "wrote %zu bytes (%s, sha256 %s) to %s", c.bytes.len,
                   c.name.len ? c.name.buf : "unnamed", c.sha256, o->out);
        if (c.too_big)
            lx_cli_say(io->out, "",
                       "attachment %zu was not indexed because of its size (%s): no SHA-256 of "
                       "its own was recorded; the original message it comes from has its indexed "
                       "SHA-256",
                       n, c.status.buf);
        rc = EXIT_HITS;
    }
    front_atimes(io, &atimes);
    lx_atime_stats_release(&atimes);
    lx_attachment_copy_release(&c);
    lx_strbuf_release(&why);
    return rc;
}
