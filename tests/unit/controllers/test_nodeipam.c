/* Unit tests for src/controllers/nodeipam.c: the node CIDR bitmap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

static void test_allocate_in_order_and_full(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_cidr_set_t *s = NULL;
    assert_int_equal(cube_cidr_set_new("10.42.0.0/22", 24, &s, &err), 0);
    const char *want[] = {"10.42.0.0/24", "10.42.1.0/24", "10.42.2.0/24", "10.42.3.0/24"};
    for (int i = 0; i < 4; i++) {
        char *c = cube_cidr_set_allocate(s);
        assert_non_null(c);
        assert_string_equal(c, want[i]);
        free(c);
    }
    assert_null(cube_cidr_set_allocate(s));
    assert_int_equal(cube_cidr_set_release(s, "10.42.2.0/24"), 0);
    char *c = cube_cidr_set_allocate(s);
    assert_string_equal(c, "10.42.2.0/24");
    free(c);
    cube_cidr_set_free(s);
}

static void test_rebuild_skips_occupied(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_cidr_set_t *s = NULL;
    assert_int_equal(cube_cidr_set_new("10.42.0.0/16", 24, &s, &err), 0);
    assert_int_equal(cube_cidr_set_occupy(s, "10.42.0.0/24"), 0);
    assert_int_equal(cube_cidr_set_occupy(s, "10.42.1.0/24"), 0);
    /* not in the set: other prefix length, outside the range, not aligned */
    assert_int_equal(cube_cidr_set_occupy(s, "10.42.5.0/25"), -1);
    assert_int_equal(cube_cidr_set_occupy(s, "10.43.0.0/24"), -1);
    assert_int_equal(cube_cidr_set_occupy(s, "10.42.0.1/24"), -1);
    char *c = cube_cidr_set_allocate(s);
    assert_string_equal(c, "10.42.2.0/24");
    free(c);
    cube_cidr_set_free(s);
}

static void test_bad_config(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_cidr_set_t *s = NULL;
    assert_int_equal(cube_cidr_set_new("10.42.0.0", 24, &s, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    cube_err_clear(&err);
    assert_int_equal(cube_cidr_set_new("10.42.0.0/16", 8, &s, &err), -1);
    cube_err_clear(&err);
    assert_int_equal(cube_cidr_set_new("fd00::/64", 80, &s, &err), -1);
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocate_in_order_and_full),
        cmocka_unit_test(test_rebuild_skips_occupied),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
