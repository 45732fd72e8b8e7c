/* cmd_show.c - show ID...: each message in full, headers and body. */
#include <stdio.h>

#include "front.h"
#include "hits.h"
#include "ids.h"
#include "printer.h"
#include "banned.h"

int cmd_show(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    if (argc == 0)
        return front_fail(io, "show: which message? (show ID, with an id from a hit list)");
    lx_print p;
    const lx_printer *pr = lx_print_init(&p, o->format, io->out, o->tz, false);
    int rc = EXIT_HITS;
    for (int i = 0; i < argc; i++) {
        lx_docid id = 0;
        lx_status st = lx_ids_message(db, argv[i], &id);
        if (st) {
            int r = front_id_fail(io, db, st, argv[i]);
            if (r > rc)
                rc = r;
            continue;
        }
        lx_record rec;
        bool read;
        st = lx_hits_message(db, id, &rec, &read);
        if (!st)
            st = pr->message(&p, &rec, (size_t)i);
        lx_record_release(&rec);
        if (st) {
            rc = read ? front_fault_of(io, FRONT_INTERNAL, "cannot print message: %s",
                                       lx_status_str(st))
                      : front_db_fail(io, db, st, "");
            break;
        }
    }
    lx_print_release(&p);
    return rc;
}
