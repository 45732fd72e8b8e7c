/* test_sniff.c - telling a message, an mbox and what is not mail by content. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sniff.h"

static void test_sniff(void **state)
{
    static const struct {
        const char *name, *in;
        lx_sniff want;
    } cases[] = {
        {"empty", "", LX_SNIFF_EMPTY},
        {"message", "From: a@b.example\nSubject: x\n\nbody\n", LX_SNIFF_MESSAGE},
        {"message, CRLF, BOM", "\xEF\xBB\xBFReceived: by x\r\nDate: now\r\n\r\n", LX_SNIFF_MESSAGE},
        {"headers run into the body", "From: a\nSubject: x\nno blank line here\n",
         LX_SNIFF_MESSAGE},
        {"folded header", "Subject: a\n long\nFrom: b\n\n", LX_SNIFF_MESSAGE},
        {"only unknown fields", "Note: hello\nX: y\n\n", LX_SNIFF_MESSAGE},
        {"a DKIM-Signature alone", "DKIM-Signature: v=1; a=rsa-sha256;\n b=AAAA\n\nbody\n",
         LX_SNIFF_MESSAGE},
        {"a DKIM-Signature alone, no body", "DKIM-Signature: v=1; d=a.example\n", LX_SNIFF_MESSAGE},
        {"unknown fields running into prose", "Note: hello\nthis is not a header\n",
         LX_SNIFF_NOT_MAIL},
        {"a field name with a space", "Dear all: hello\n\n", LX_SNIFF_NOT_MAIL},
        {"prose", "Dear all,\nFrom: me\n", LX_SNIFF_NOT_MAIL},
        {"starts with a continuation", " From: a\n\n", LX_SNIFF_NOT_MAIL},
        {"binary",
         "\x7f"
         "ELF\x02\x01",
         LX_SNIFF_NOT_MAIL},
        {"mbox", "From a@b Mon Jan  1 00:00:00 2001\nS: 1\n", LX_SNIFF_MBOX},
        {"mbox with a short From line", "From a@b\nFrom: a@b\nSubject: x\n\n", LX_SNIFF_MBOX},
        {"prose starting with From", "From the desk of the mayor\nDear all,\n", LX_SNIFF_NOT_MAIL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_sniff got = lx_sniff_data(cases[i].in, strlen(cases[i].in));
        if (got != cases[i].want)
            fail_msg("%s: got %d want %d", cases[i].name, got, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
