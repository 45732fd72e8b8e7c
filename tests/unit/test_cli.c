/* test_cli.c - naming a bad command-line option: unknown, ambiguous, without its value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"

static void test_option_error(void **state)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 1},         {"export", required_argument, NULL, 2},
        {"export-dir", required_argument, NULL, 3}, {"excel", no_argument, NULL, 4},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    static const struct {
        const char *arg;
        int c;
        const char *want;
    } cases[] = {
        {"--bogus", '?', "--bogus: unknown option"},
        {"--bogus=1", '?', "--bogus=1: unknown option"},
        {"-lyon", '?', "-lyon: unknown option"},
        {"-x", '?', "-x: unknown option"},
        {"--db", ':', "--db: needs a value"},
        {"--d", ':', "--d: needs a value"},
        {"--ex", '?', "--ex: ambiguous option (--export, --export-dir, --excel)"},
        {"--exp=f", '?', "--exp: ambiguous option (--export, --export-dir)"},
        {"--help=x", '?', "--help: takes no value"},
        {"--he=x", '?', "--he: takes no value"},
        {"--=x", '?', "--=x: unknown option"},
        {"--dbx", '?', "--dbx: unknown option"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf why;
        lx_strbuf_init(&why);
        assert_int_equal(lx_cli_option_error(longopts, cases[i].arg, cases[i].c, &why), LX_OK);
        if (strcmp(why.buf, cases[i].want) != 0)
            fail_msg("'%s': '%s', want '%s'", cases[i].arg, why.buf, cases[i].want);
        lx_strbuf_release(&why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_option_error)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
