/* test_download.c - a download's Content-Disposition: safe names from hostile ones (RFC 6266). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "web.h"
#include "banned.h"

static void test_disposition(void **state)
{
    static const struct {
        const char *name, *value;
    } cases[] = {
        {"contrat.pdf", "attachment; filename=\"contrat.pdf\"; filename*=UTF-8''contrat.pdf"},
        /* Non-ASCII: '_' in the fallback, percent-encoded UTF-8 after. */
        {"réunion été.docx", "attachment; filename=\"r__union __t__.docx\"; "
                             "filename*=UTF-8''r%C3%A9union%20%C3%A9t%C3%A9.docx"},
        /* Out of its folder: slashes, backslashes and a leading dot. */
        {"../../etc/passwd",
         "attachment; filename=\"_._.._etc_passwd\"; filename*=UTF-8''_._.._etc_passwd"},
        {"..\\win.ini", "attachment; filename=\"_._win.ini\"; filename*=UTF-8''_._win.ini"},
        {".bashrc", "attachment; filename=\"_bashrc\"; filename*=UTF-8''_bashrc"},
        /* Quotes, percent signs, header breaks and NUL-free controls. */
        {"a\"b%22c;d", "attachment; filename=\"a_b_22c;d\"; filename*=UTF-8''a%22b%2522c%3Bd"},
        {"x\r\nSet-Cookie: a=b", "attachment; filename=\"x__Set-Cookie: a=b\"; "
                                 "filename*=UTF-8''x__Set-Cookie%3A%20a%3Db"},
        /* A right-to-left override hiding the real extension. */
        {"invoice\xE2\x80\xAEgpj.exe", "attachment; filename=\"invoice_gpj.exe\"; "
                                       "filename*=UTF-8''invoice_gpj.exe"},
        /* Invalid UTF-8: U+FFFD, then '_' in the fallback. */
        {"a\xff.txt", "attachment; filename=\"a___.txt\"; filename*=UTF-8''a%EF%BF%BD.txt"},
        {"", "attachment; filename=\"download\"; filename*=UTF-8''download"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf v;
        lx_strbuf_init(&v);
        assert_int_equal(web_disposition(&v, cases[i].name), LX_OK);
        if (strcmp(v.buf, cases[i].value) != 0)
            fail_msg("%s:\n got  %s\n want %s", cases[i].name, v.buf, cases[i].value);
        lx_strbuf_release(&v);
    }
}

/* A name is cut at 200 bytes, on a character's boundary. */
static void test_long_name(void **state)
{
    char name[600] = "";
    for (int i = 0; i < 150; i++)
        memcpy(name + 2 * i, "\xC3\xA9", 3); /* é, 300 bytes */
    lx_strbuf v;
    lx_strbuf_init(&v);
    assert_int_equal(web_disposition(&v, name), LX_OK);
    const char *star = strstr(v.buf, "UTF-8''");
    assert_non_null(star);
    assert_int_equal(strlen(star + 7), 100 * 6); /* 100 é, each %C3%A9 */
    lx_strbuf_release(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disposition),
        cmocka_unit_test(test_long_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
