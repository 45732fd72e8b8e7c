/* cmd_attachment.c - attachment ID N --out FILE: the original bytes of an attachment, written to a new file; attachment-text ID N: its text as the index keeps it. */
#include <fcntl.h>
#include <stdio.h>

#include "attachment.h"
#include "cli.h"
#include "front.h"
#include "ids.h"
#include "message.h"
#include "newfile.h"
#include "printer.h"
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

int front_attachment(lx_db *db, front_io *io, const char *id_text, size_t n, lx_atime_stats *atimes,
                     lx_attachment_copy *c)
{
    lx_docid id = 0;
    lx_status st = lx_ids_message(db, id_text, &id);
    if (st)
        return front_id_fail(io, db, st, id_text);
    st = n ? lx_attachment_get(db, id, n, atimes, c) : lx_attachment_original(db, id, atimes, c);
    return st ? attachment_fail(io, db, st, c, id_text, n) : -1;
}

int cmd_attachment(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    if (argc != 2)
        return front_fail(io,
                          "attachment: give a message id and an attachment number (attachment ID "
                          "N --out FILE)");
    size_t n = 0;
    if (!front_size(argv[1], &n) || n == 0)
        return front_fail(io, "attachment: '%s' is not an attachment number (1, 2, ...)", argv[1]);
    if (!o->out)
        return front_fail(io, "attachment: --out FILE names the file to write");
    lx_strbuf why;
    lx_strbuf_init(&why);
    if (lx_newfile_taken(AT_FDCWD, o->out, o->out, &why)) {
        int rc = front_fail(io, "--out %s", why.buf);
        lx_strbuf_release(&why);
        return rc;
    }
    lx_atime_stats atimes;
    lx_atime_stats_init(&atimes);
    lx_attachment_copy c;
    lx_attachment_copy_init(&c);
    lx_message_library_init();
    int rc = front_attachment(db, io, argv[0], n, &atimes, &c);
    lx_message_library_shutdown();
    lx_strbuf_reset(&why);
    if (rc >= 0) {
        /* front_attachment said why */
    } else if (lx_newfile_write(AT_FDCWD, NULL, o->out, c.bytes.buf, c.bytes.len, &why)) {
        rc = front_fault_of(io, FRONT_INTERNAL, "--out %s", why.buf);
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
    front_atimes(io, &atimes); /* nothing when nothing was read */
    lx_atime_stats_release(&atimes);
    lx_attachment_copy_release(&c);
    lx_strbuf_release(&why);
    return rc;
}

int cmd_attachment_text(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    if (argc != 2)
        return front_fail(io, "attachment-text: give a message id and an attachment number "
                          "(attachment-text ID N)");
    size_t n = 0;
    if (!front_size(argv[1], &n) || n == 0)
        return front_fail(io, "attachment-text: '%s' is not an attachment number (1, 2, ...)",
                          argv[1]);
    lx_print p;
    const lx_printer *pr = lx_print_init(&p, o->format, io->out, o->tz, false);
    if (!pr->attachment_text) {
        lx_print_release(&p);
        return front_fail(io, "attachment-text prints text or JSON");
    }
    lx_docid id = 0;
    lx_status st = lx_ids_message(db, argv[0], &id);
    int rc = st ? front_id_fail(io, db, st, argv[0]) : -1;
    lx_attachment_text t;
    lx_attachment_text_init(&t);
    if (rc < 0 && (st = lx_attachment_text_get(db, id, n, &t)) == LX_E_NOT_FOUND) {
        front_say(io, FRONT_NOT_FOUND, "message %s has no attachment %zu", argv[0], n);
        rc = EXIT_NO_HITS;
    } else if (rc < 0 && st) {
        rc = front_db_fail(io, db, st, "");
    } else if (rc < 0) {
        st = pr->attachment_text(&p, n, &t);
        rc = st || ferror(io->out)
                 ? front_fault_of(io, FRONT_INTERNAL, "attachment-text: %s",
                                  lx_status_str(st ? st : LX_E_IO))
                 : EXIT_HITS;
    }
    lx_attachment_text_release(&t);
    lx_print_release(&p);
    return rc;
}
