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
static int attachment_fail(const lx_db *db, lx_status st, const lx_attachment_copy *c,
                           const char *id, size_t n)
{
    switch (c->problem) {
    case LX_ATTACHMENT_OK: break;
    case LX_ATTACHMENT_NO_SUCH:
        lx_cli_say(stderr, "leakdex-search: ", "message %s has no attachment %zu", id, n);
        return EXIT_NO_HITS;
    case LX_ATTACHMENT_MESSAGE: return front_fail("message %s: %s", id, c->why.buf);
    case LX_ATTACHMENT_RECORD:
    case LX_ATTACHMENT_TOOLS: return front_fail("%s", c->why.buf);
    }
    return front_db_fail(db, st, "");
}

int cmd_attachment(const options *o, lx_db *db, int argc, char **argv)
{
    if (argc != 2)
        return front_fail("attachment: give a message id and an attachment number (attachment ID "
                          "N --out FILE)");
    size_t n = 0;
    if (!front_size(argv[1], &n) || n == 0)
        return front_fail("attachment: '%s' is not an attachment number (1, 2, ...)", argv[1]);
    if (!o->out)
        return front_fail("attachment: --out FILE names the file to write");
    lx_strbuf why;
    lx_strbuf_init(&why);
    int rc = -1;
    if (lx_newfile_taken(AT_FDCWD, o->out, o->out, &why))
        rc = front_fail("--out %s", why.buf);
    lx_docid id = 0;
    lx_status st = rc < 0 ? lx_ids_message(db, argv[0], &id) : LX_OK;
    if (st)
        rc = front_id_fail(db, st, argv[0]);
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
        rc = attachment_fail(db, st, &c, argv[0], n);
    } else if (lx_newfile_write(AT_FDCWD, NULL, o->out, c.bytes.buf, c.bytes.len, &why)) {
        rc = front_fail("--out %s", why.buf);
    } else {
        lx_cli_say(stdout, "", "wrote %zu bytes (%s, sha256 %s) to %s", c.bytes.len,
                   c.name.len ? c.name.buf : "unnamed", c.sha256, o->out);
        if (c.too_big)
            lx_cli_say(stdout, "",
                       "attachment %zu was not indexed because of its size (%s): no SHA-256 of "
                       "its own was recorded; the original message it comes from has its indexed "
                       "SHA-256",
                       n, c.status.buf);
        rc = EXIT_HITS;
    }
    front_atimes(&atimes);
    lx_atime_stats_release(&atimes);
    lx_attachment_copy_release(&c);
    lx_strbuf_release(&why);
    return rc;
}

int cmd_attachment_text(const options *o, lx_db *db, int argc, char **argv)
{
    if (argc != 2)
        return front_fail("attachment-text: give a message id and an attachment number "
                          "(attachment-text ID N)");
    size_t n = 0;
    if (!front_size(argv[1], &n) || n == 0)
        return front_fail("attachment-text: '%s' is not an attachment number (1, 2, ...)",
                          argv[1]);
    lx_print p;
    const lx_printer *pr = lx_print_init(&p, o->format, stdout, o->tz, false);
    if (!pr->attachment_text) {
        lx_print_release(&p);
        return front_fail("attachment-text prints text or JSON");
    }
    lx_docid id = 0;
    lx_status st = lx_ids_message(db, argv[0], &id);
    int rc = st ? front_id_fail(db, st, argv[0]) : -1;
    lx_attachment_text t;
    lx_attachment_text_init(&t);
    if (rc < 0 && (st = lx_attachment_text_get(db, id, n, &t)) == LX_E_NOT_FOUND) {
        lx_cli_say(stderr, "leakdex-search: ", "message %s has no attachment %zu", argv[0], n);
        rc = EXIT_NO_HITS;
    } else if (rc < 0 && st) {
        rc = front_db_fail(db, st, "");
    } else if (rc < 0) {
        st = pr->attachment_text(&p, n, &t);
        rc = st || ferror(stdout) ? front_fail("attachment-text: %s", lx_status_str(st ? st : LX_E_IO))
                                  : EXIT_HITS;
    }
    lx_attachment_text_release(&t);
    lx_print_release(&p);
    return rc;
}
