/* test_flowed.c - undoing format=flowed (RFC 3676), with and without DelSp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "flowed.h"

static void test_flowed(void **state)
{
    static const struct {
        const char *in;
        int delsp;
        const char *out;
    } cases[] = {
        {"one \ntwo \nthree\n", 0, "one two three\n"},
        {"one\ntwo\n", 0, "one\ntwo\n"},
        {"long wo\nrd end\n", 0, "long wo\nrd end\n"},
        {"long wo \nrd end\n", 1, "long word end\n"},
        {" From here\n", 0, "From here\n"},
        {"> quoted \n> more\nreply\n", 0, "> quoted more\nreply\n"},
        {">> deep \n> shallow\n", 0, ">> deep \n> shallow\n"},
        {"text \n-- \nsig\n", 0, "text -- \nsig\n"},
        {"a \n", 0, "a \n"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf out;
        lx_strbuf_init(&out);
        assert_int_equal(lx_flowed_decode(&out, cases[i].in, strlen(cases[i].in), cases[i].delsp),
                         LX_OK);
        if (strcmp(out.buf, cases[i].out) != 0)
            fail_msg("case %zu: got [%s] want [%s]", i, out.buf, cases[i].out);
        lx_strbuf_release(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
