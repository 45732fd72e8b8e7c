/* mapi.c - an Outlook item, library-free: its classes, its identity (a canonical serialization) and its conversion to RFC 5322. */
#include "mapi.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

void lx_mapi_msg_init(lx_mapi_msg *m)
{
    memset(m, 0, sizeof *m);
}

void lx_mapi_msg_release(lx_mapi_msg *m)
{
    if (!m)
        return;
    char **strings[] = {&m->message_class,  &m->subject,        &m->sender_name,
                        &m->sender_address, &m->representing_name,
                        &m->representing_address,
                        &m->display_to,     &m->display_cc,     &m->display_bcc,
                        &m->message_id,     &m->in_reply_to,    &m->references,
                        &m->transport_headers,                  &m->body,
                        &m->html_charset};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(*strings[i]);
    for (size_t i = 0; i < m->n_rcpt; i++) {
        free(m->rcpt[i].name);
        free(m->rcpt[i].address);
        free(m->rcpt[i].x500);
    }
    free(m->rcpt);
    for (size_t i = 0; i < m->n_att; i++) {
        lx_mapi_attach *a = &m->att[i];
        free(a->filename);
        free(a->mime_type);
        free(a->content_id);
        free(a->data);
        if (a->embedded) {
            lx_mapi_msg_release(a->embedded);
            free(a->embedded);
        }
    }
    free(m->att);
    free(m->html);
    free(m->rtf);
    for (size_t i = 0; i < m->n_problems; i++)
        free(m->problems[i]);
    free(m->problems);
    lx_mapi_msg_init(m);
}

/* True when class is prefix itself or prefix followed by "." and more
 * (MAPI compares classes without regard to case). */
static bool class_is(const char *class, const char *prefix, bool subclasses_only)
{
    size_t n = strlen(prefix);
    if (strncasecmp(class, prefix, n) != 0)
        return false;
    if (class[n] == '\0')
        return !subclasses_only;
    return class[n] == '.' && class[n + 1] != '\0';
}

bool lx_mapi_is_mail(const char *message_class)
{
    if (!message_class || !*message_class)
        return true;
    return class_is(message_class, "IPM.Note", false) ||
           class_is(message_class, "IPM.Post", false) ||
           class_is(message_class, "IPM.Schedule.Meeting", true) ||
           class_is(message_class, "REPORT.IPM.Note", true);
}

const char *lx_mapi_kind(const char *message_class)
{
    static const struct {
        const char *class;
        const char *kind;
    } kinds[] = {
        {"IPM.Contact", "contact"},         {"IPM.DistList", "distribution list"},
        {"IPM.Appointment", "appointment"}, {"IPM.Task", "task"},
        {"IPM.TaskRequest", "task"},        {"IPM.StickyNote", "note"},
        {"IPM.Activity", "journal entry"},
    };
    if (message_class)
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (class_is(message_class, kinds[i].class, false))
                return kinds[i].kind;
    return "other item";
}
