/* Unit tests for src/controllers/nodelifecycle.c: tolerations, eviction times, the conditions of
 * a stale node and the taints that follow its Ready condition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

#define NOW 1800000000

static json_t *js(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad JSON in test: %s: %s", e.text, text);
    return j;
}

static void test_tolerates(void **state)
{
    json_auto_t *taint = js("{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoExecute\"}");
    const char *yes[] = {"{\"key\":\"k\",\"operator\":\"Equal\",\"value\":\"v\"}",
                         "{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoExecute\"}",
                         "{\"key\":\"k\",\"operator\":\"Exists\"}", "{\"operator\":\"Exists\"}"};
    const char *no[] = {"{\"key\":\"k\",\"operator\":\"Equal\",\"value\":\"w\"}",
                        "{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}",
                        "{\"key\":\"j\",\"operator\":\"Exists\"}", "{\"operator\":\"Equal\"}"};
    for (size_t i = 0; i < 4; i++) {
        json_auto_t *t = js(yes[i]);
        if (!cube_toleration_tolerates(t, taint))
            fail_msg("should tolerate: %s", yes[i]);
        json_auto_t *u = js(no[i]);
        if (cube_toleration_tolerates(u, taint))
            fail_msg("should not tolerate: %s", no[i]);
    }
}

static void test_eviction_time(void **state)
{
    json_auto_t *taints = js("[{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":"
                             "\"NoExecute\",\"timeAdded\":\"2027-01-15T08:00:00Z\"},"
                             "{\"key\":\"x\",\"effect\":\"NoSchedule\"}]");
    json_auto_t *plain = js("{\"spec\":{}}");
    json_auto_t *tolerating =
        js("{\"spec\":{\"tolerations\":[{\"key\":\"node.kubernetes.io/unreachable\","
           "\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]}}");
    json_auto_t *forever = js("{\"spec\":{\"tolerations\":[{\"operator\":\"Exists\"}]}}");
    json_auto_t *no_ne = js("[{\"key\":\"x\",\"effect\":\"NoSchedule\"}]");
    assert_int_equal(cube_taint_eviction_time(plain, taints, NOW + 5), NOW + 5);
    assert_int_equal(cube_taint_eviction_time(tolerating, taints, NOW + 5), NOW + 300);
    assert_int_equal(cube_taint_eviction_time(forever, taints, NOW + 5), -1);
    assert_int_equal(cube_taint_eviction_time(plain, no_ne, NOW), -1);
}

static const json_t *cond(const json_t *conds, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "type")), type))
            return c;
    }
    return NULL;
}

static void test_conditions_unknown(void **state)
{
    json_auto_t *node = js("{\"metadata\":{\"name\":\"n1\"},\"status\":{\"conditions\":["
                           "{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\","
                           "\"lastHeartbeatTime\":\"2027-01-15T07:00:00Z\"}]}}");
    json_auto_t *conds = cube_node_conditions_unknown(node, NOW);
    assert_non_null(conds);
    const json_t *r = cond(conds, "Ready");
    assert_string_equal(cube_json_str(r, "status", NULL), "Unknown");
    assert_string_equal(cube_json_str(r, "reason", NULL), "NodeStatusUnknown");
    assert_string_equal(cube_json_str(r, "message", NULL), "Kubelet stopped posting node status.");
    assert_string_equal(cube_json_str(r, "lastHeartbeatTime", NULL), "2027-01-15T07:00:00Z");
    assert_string_equal(cube_json_str(r, "lastTransitionTime", NULL), "2027-01-15T08:00:00Z");
    const json_t *m = cond(conds, "MemoryPressure");
    assert_string_equal(cube_json_str(m, "reason", NULL), "NodeStatusNeverUpdated");
    /* already Unknown everywhere: nothing to write */
    json_object_set(json_object_get(node, "status"), "conditions", conds);
    json_auto_t *again = cube_node_conditions_unknown(node, NOW + 10);
    assert_null(again);
}

static bool has_taint(const json_t *taints, const char *key, const char *effect)
{
    size_t i;
    json_t *t;
    json_array_foreach(taints, i, t)
    {
        if (!strcmp(cube_json_str(t, "key", NULL), key) &&
            !strcmp(cube_json_str(t, "effect", NULL), effect))
            return true;
    }
    return false;
}

static void test_desired_taints(void **state)
{
    json_auto_t *node = js("{\"spec\":{\"taints\":[{\"key\":\"own\",\"effect\":\"NoSchedule\"},"
                           "{\"key\":\"node.kubernetes.io/not-ready\",\"effect\":\"NoSchedule\"}]},"
                           "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":"
                           "\"Unknown\"}]}}");
    json_auto_t *t1 = cube_node_desired_taints(node, NOW, true);
    assert_int_equal(json_array_size(t1), 3);
    assert_true(has_taint(t1, "own", "NoSchedule"));
    assert_true(has_taint(t1, "node.kubernetes.io/unreachable", "NoSchedule"));
    assert_true(has_taint(t1, "node.kubernetes.io/unreachable", "NoExecute"));
    assert_false(has_taint(t1, "node.kubernetes.io/not-ready", "NoSchedule"));
    /* rate-limited: no NoExecute yet */
    json_auto_t *t2 = cube_node_desired_taints(node, NOW, false);
    assert_false(has_taint(t2, "node.kubernetes.io/unreachable", "NoExecute"));
    assert_true(has_taint(t2, "node.kubernetes.io/unreachable", "NoSchedule"));
    /* recovered: only the node's own taint stays */
    json_object_set_new(json_array_get(cube_json_path(node, "status", "conditions", NULL), 0),
                        "status", json_string("True"));
    json_object_set(json_object_get(node, "spec"), "taints", t1);
    json_auto_t *t3 = cube_node_desired_taints(node, NOW, true);
    assert_int_equal(json_array_size(t3), 1);
    assert_true(has_taint(t3, "own", "NoSchedule"));
    /* Ready=False: not-ready */
    json_object_set_new(json_array_get(cube_json_path(node, "status", "conditions", NULL), 0),
                        "status", json_string("False"));
    json_auto_t *t4 = cube_node_desired_taints(node, NOW, true);
    assert_true(has_taint(t4, "node.kubernetes.io/not-ready", "NoExecute"));
    assert_false(has_taint(t4, "node.kubernetes.io/unreachable", "NoExecute"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tolerates),
        cmocka_unit_test(test_eviction_time),
        cmocka_unit_test(test_conditions_unknown),
        cmocka_unit_test(test_desired_taints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
