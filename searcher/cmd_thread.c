/* cmd_thread.c - thread ID: a conversation, by thread id or message id, oldest first, replies indented. */
#include <stdio.h>

#include "front.h"
#include "ids.h"
#include "banned.h"

int cmd_thread(const options *o, lx_db *db, front_io *io, int argc, char **argv)
{
    if (argc != 1)
        return front_fail(io,
                          "thread: which thread? (thread ID, with a thread id or a message id)");
    if (o->collapse)
        return front_fail(io, "--collapse does not apply to thread");
    char tid[LX_THREAD_HEX + 1];
    lx_status st = lx_ids_thread(db, argv[0], tid);
    if (st)
        return front_id_fail(io, db, st, argv[0]);
    if (!tid[0])
        return front_fail(io, "message %s has no thread id: index it again", argv[0]);
    char text[64];
    snprintf(text, sizeof text, "thread:%s", tid);
    options in_thread = *o;
    if (!in_thread.sort_name)
        in_thread.sort_name = "date";
    return front_search(&in_thread, db, io, text, true, 0, NULL);
}
