/* test_schema.c - the schema table is consistent: unique prefixes and slots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "schema.h"

static void test_rows_in_enum_order(void **state)
{
    for (int i = 0; i < LX_F_COUNT_; i++) {
        const lx_field_def *f = lx_schema_field((lx_field)i);
        assert_non_null(f);
        assert_int_equal(f->field, i);
        assert_non_null(f->name);
        assert_non_null(f->help);
    }
    assert_null(lx_schema_field(LX_F_COUNT_));
}

static void test_prefixes_unique_and_unambiguous(void **state)
{
    for (int i = 0; i < LX_F_COUNT_; i++) {
        const lx_field_def *a = lx_schema_field((lx_field)i);
        if (a->kind == LX_KIND_VALUE || a->kind == LX_KIND_ALIAS || a->kind == LX_KIND_DATA) {
            assert_null(a->prefix);
            continue;
        }
        assert_non_null(a->prefix);
        /* Xapian's convention: "" (free text), a single capital, or X + capitals. */
        size_t n = strlen(a->prefix);
        for (size_t k = 0; k < n; k++)
            assert_true(a->prefix[k] >= 'A' && a->prefix[k] <= 'Z');
        assert_true(n <= 1 || a->prefix[0] == 'X');
        for (int j = 0; j < LX_F_COUNT_; j++) {
            const lx_field_def *b = lx_schema_field((lx_field)j);
            if (i == j || !b->prefix)
                continue;
            assert_string_not_equal(a->prefix, b->prefix);
        }
    }
}

static void test_slots_unique(void **state)
{
    for (int i = 0; i < LX_F_COUNT_; i++) {
        const lx_field_def *a = lx_schema_field((lx_field)i);
        assert_true(a->kind == LX_KIND_VALUE ? a->slot >= 0 : a->slot == -1);
        for (int j = i + 1; j < LX_F_COUNT_; j++)
            if (a->slot >= 0)
                assert_int_not_equal(a->slot, lx_schema_field((lx_field)j)->slot);
    }
}

static void test_query_names(void **state)
{
    for (int i = 0; i < LX_F_COUNT_; i++) {
        const lx_field_def *a = lx_schema_field((lx_field)i);
        if (!a->query_name)
            continue;
        assert_ptr_equal(lx_schema_by_query_name(a->query_name, strlen(a->query_name)), a);
        assert_non_null(a->example);
    }
    assert_ptr_equal(lx_schema_by_query_name("from", 4), lx_schema_field(LX_F_FROM));
    assert_ptr_equal(lx_schema_by_query_name("date", 4), lx_schema_field(LX_F_DATE));
    assert_null(lx_schema_by_query_name("subjet", 6));
    assert_null(lx_schema_by_query_name("fro", 3));
    assert_string_equal(lx_schema_prefix(LX_F_SHA256), "Q");
    assert_int_equal(lx_schema_slot(LX_F_DATE), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_in_enum_order),
        cmocka_unit_test(test_prefixes_unique_and_unambiguous),
        cmocka_unit_test(test_slots_unique),
        cmocka_unit_test(test_query_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
