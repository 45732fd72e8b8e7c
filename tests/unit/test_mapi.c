/* test_mapi.c - the Outlook item model: classes, identity and conversion to RFC 5322. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mapi.h"

static void test_classes(void **state)
{
    (void)state;
    const char *mail[] = {NULL, "", "IPM.Note", "ipm.note", "IPM.Note.SMIME", "IPM.Post",
                          "IPM.Schedule.Meeting.Request", "REPORT.IPM.Note.NDR"};
    for (size_t i = 0; i < sizeof mail / sizeof mail[0]; i++)
        assert_true(lx_mapi_is_mail(mail[i]));
    const char *not_mail[] = {"IPM.Contact", "IPM.StickyNote", "IPM.Appointment", "IPM.Task",
                              "IPM.Notes", "IPM.Note.", "IPM.Schedule.Meeting",
                              "REPORT.IPM.Note", "IPM.DistList", "IPM"};
    for (size_t i = 0; i < sizeof not_mail / sizeof not_mail[0]; i++)
        assert_false(lx_mapi_is_mail(not_mail[i]));
    assert_string_equal(lx_mapi_kind("IPM.Contact"), "contact");
    assert_string_equal(lx_mapi_kind("ipm.contact.custom"), "contact");
    assert_string_equal(lx_mapi_kind("IPM.StickyNote"), "note");
    assert_string_equal(lx_mapi_kind("IPM.Appointment"), "appointment");
    assert_string_equal(lx_mapi_kind("IPM.Task"), "task");
    assert_string_equal(lx_mapi_kind("IPM.TaskRequest.Accept"), "task");
    assert_string_equal(lx_mapi_kind("IPM.DistList"), "distribution list");
    assert_string_equal(lx_mapi_kind("IPM.Activity"), "journal entry");
    assert_string_equal(lx_mapi_kind("IPM.Contacts"), "other item");
    assert_string_equal(lx_mapi_kind(NULL), "other item");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
