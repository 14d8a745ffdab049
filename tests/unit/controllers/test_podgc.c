/* Unit tests for src/controllers/podgc.c: which terminated pods go when over the threshold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

static json_t *pod(const char *name, const char *phase, const char *created)
{
    return json_pack("{s:{s:s, s:s}, s:{s:s}}", "metadata", "name", name, "creationTimestamp",
                     created, "status", "phase", phase);
}

static void test_terminated_excess_oldest_first(void **state)
{
    json_t *pods[5] = {
        pod("a", "Succeeded", "2026-01-03T00:00:00Z"), pod("b", "Running", "2026-01-01T00:00:00Z"),
        pod("c", "Failed", "2026-01-01T00:00:00Z"), pod("d", "Succeeded", "2026-01-02T00:00:00Z"),
        pod("e", "Pending", "2026-01-01T00:00:00Z")};
    size_t *idx = NULL;
    size_t n = cube_podgc_terminated_excess(pods, 5, 1, &idx);
    assert_int_equal(n, 2);
    assert_int_equal(idx[0], 2); /* c: oldest terminated */
    assert_int_equal(idx[1], 3); /* d */
    free(idx);
    assert_int_equal(cube_podgc_terminated_excess(pods, 5, 3, &idx), 0);
    assert_null(idx);
    assert_int_equal(cube_podgc_terminated_excess(pods, 5, 0, &idx), 0); /* 0: disabled */
    for (int i = 0; i < 5; i++)
        json_decref(pods[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terminated_excess_oldest_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
