/* test_sniff.c - telling a message, an mbox, an archive, an Outlook file and what is not mail by content. */
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

/* Containers by their signature, NUL bytes included (lengths given), and
 * the near misses that are not. */
static void test_containers(void **state)
{
    (void)state;
    static char tar[600];
    memcpy(tar, "leak/a.eml", 10);
    memcpy(tar + 257,
           "ustar\0"
           "00",
           8);
    static const struct {
        const char *name, *in;
        size_t len;
        lx_sniff want;
    } cases[] = {
        {"zip", "PK\3\4\x14\0\0\0", 8, LX_SNIFF_ARCHIVE},
        {"empty zip", "PK\5\6\0\0\0\0", 8, LX_SNIFF_ARCHIVE},
        {"spanned zip", "PK\7\10PK\3\4", 8, LX_SNIFF_ARCHIVE},
        {"7z", "7z\xBC\xAF\x27\x1C\0\4", 8, LX_SNIFF_ARCHIVE},
        {"gzip", "\x1F\x8B\x08\0", 4, LX_SNIFF_ARCHIVE},
        {"xz",
         "\xFD"
         "7zXZ\0\0",
         7, LX_SNIFF_ARCHIVE},
        {"bzip2", "BZh91AY&SY", 10, LX_SNIFF_ARCHIVE},
        {"tar", tar, sizeof tar, LX_SNIFF_ARCHIVE},
        {"PST", "!BDN\x01\x02\x03\x04SM\x17\0", 12, LX_SNIFF_PST},
        {"OST", "!BDN\x01\x02\x03\x04SO\x24\0", 12, LX_SNIFF_PST},
        {"OLE2", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, LX_SNIFF_MSG},
        {"!BDN, not a store", "!BDN\x01\x02\x03\x04XX\0", 11, LX_SNIFF_NOT_MAIL},
        {"BZh, not bzip2", "BZh9: a field\n\n", 15, LX_SNIFF_MESSAGE},
        {"PK, not a zip", "PK: a field\n\n", 13, LX_SNIFF_MESSAGE},
        {"a cut zip signature", "PK\3", 3, LX_SNIFF_NOT_MAIL},
        {"a cut OLE2 signature", "\xD0\xCF\x11\xE0\xA1\xB1\x1A", 7, LX_SNIFF_NOT_MAIL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_sniff got = lx_sniff_data(cases[i].in, cases[i].len);
        if (got != cases[i].want)
            fail_msg("%s: got %d want %d", cases[i].name, got, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_containers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
