/* Unit tests for the ReplicaSet controller's decisions: deletion ranking, slow start, status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

static json_t *mkpod(const char *name, const char *node, const char *phase, bool ready,
                     const char *created)
{
    json_t *p = json_pack("{s:{s:s, s:s, s:{s:s}}, s:{}, s:{s:s, s:[{s:s, s:s}]}}", "metadata",
                          "name", name, "creationTimestamp", created, "labels", "app", "a", "spec",
                          "status", "phase", phase, "conditions", "type", "Ready", "status",
                          ready ? "True" : "False");
    if (node)
        json_object_set_new(json_object_get(p, "spec"), "nodeName", json_string(node));
    return p;
}

static void test_rank_for_deletion(void **state)
{
    json_t *pods[] = {
        mkpod("running-ready-old", "n", "Running", true, "2026-01-01T00:00:00Z"),
        mkpod("running-ready-new", "n", "Running", true, "2026-01-02T00:00:00Z"),
        mkpod("running-notready", "n", "Running", false, "2026-01-01T00:00:00Z"),
        mkpod("pending", "n", "Pending", false, "2026-01-01T00:00:00Z"),
        mkpod("unscheduled", NULL, "Pending", false, "2026-01-01T00:00:00Z"),
        mkpod("unknown", "n", "Unknown", false, "2026-01-01T00:00:00Z"),
    };
    cube_rs_rank_for_deletion(pods, 6);
    const char *want[] = {"unscheduled",      "pending",           "unknown",
                          "running-notready", "running-ready-new", "running-ready-old"};
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(cube_json_str(pods[i], "metadata", "name", NULL), want[i]);
        json_decref(pods[i]);
    }
}

typedef struct counter {
    int calls, fail_at;
} counter_t;

static int count_call(void *ud)
{
    counter_t *c = ud;
    c->calls++;
    return c->calls == c->fail_at ? -1 : 0;
}

static void test_slow_start(void **state)
{
    counter_t c = {0, 0};
    assert_int_equal(cube_slow_start(10, 1, count_call, &c), 10);
    assert_int_equal(c.calls, 10);
    /* Batches 1, 2, 4: a failure in the third call (batch 2) stops before batch 4. */
    c = (counter_t){0, 3};
    assert_int_equal(cube_slow_start(10, 1, count_call, &c), 2);
    assert_int_equal(c.calls, 3);
    c = (counter_t){0, 1};
    assert_int_equal(cube_slow_start(5, 1, count_call, &c), 0);
    assert_int_equal(c.calls, 1);
}

static void test_status(void **state)
{
    json_auto_t *rs =
        json_pack("{s:{s:I}, s:{s:I, s:{s:{s:{s:s}}}}}", "metadata", "generation", (json_int_t)4,
                  "spec", "replicas", (json_int_t)3, "template", "metadata", "labels", "app", "a");
    json_t *pods[] = {
        mkpod("a", "n", "Running", true, "2026-01-01T00:00:00Z"),
        mkpod("b", "n", "Running", false, "2026-01-01T00:00:00Z"),
    };
    json_auto_t *st = cube_rs_status(rs, pods, 2, 2000000000);
    _cleanup_free_ char *s = json_dumps(st, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(s, "{\"availableReplicas\":1,\"fullyLabeledReplicas\":2,"
                           "\"observedGeneration\":4,\"readyReplicas\":1,\"replicas\":2}");
    json_auto_t *st0 = cube_rs_status(rs, NULL, 0, 0);
    _cleanup_free_ char *s0 = json_dumps(st0, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(s0, "{\"observedGeneration\":4,\"replicas\":0}");
    json_decref(pods[0]);
    json_decref(pods[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_for_deletion),
        cmocka_unit_test(test_slow_start),
        cmocka_unit_test(test_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
