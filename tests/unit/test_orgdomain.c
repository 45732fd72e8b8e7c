/* test_orgdomain.c - organizational domains, relaxed alignment (Public Suffix List). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "orgdomain.h"

/* Relaxed alignment through the Public Suffix List. */
static void test_orgdomain(void **state)
{
    static const struct {
        const char *a, *b;
        bool aligned;
    } cases[] = {
        {"news.dkim.example", "dkim.example", true},
        {"news.dkim.example", "mairie.dkim.example", true},
        {"News.Dkim.Example.", "dkim.example", true},
        {"victim.example", "attacker.example", false},
        {"mail.example.co.uk", "example.co.uk", true},
        {"example.co.uk", "other.co.uk", false},
        {"co.uk", "example.co.uk", false},
        {"alice.github.io", "bob.github.io", false},
        {"bücher.example", "xn--bcher-kva.example", true},
        {"Mail.BÜCHER.example", "xn--bcher-kva.example", true},
        {"a.b.xn--p1ai", "c.b.xn--p1ai", true},
        {"a.xn--p1ai", "b.xn--p1ai", false},
        {"пример.рф", "xn--e1afmkfd.xn--p1ai", true},
        {"", "example.org", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (lx_orgdomain_aligned(cases[i].a, cases[i].b) != cases[i].aligned)
            fail_msg("%s and %s: aligned is %d", cases[i].a, cases[i].b, !cases[i].aligned);
    char org[LX_ORGDOMAIN_MAX + 1];
    assert_true(lx_orgdomain_get("a.b.Example.CO.UK", org));
    assert_string_equal(org, "example.co.uk");
    assert_true(lx_orgdomain_get("example", org));
    assert_string_equal(org, "example");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orgdomain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
