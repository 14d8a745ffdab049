/* Unit tests for the Deployment controller's decisions: fenceposts, hash, rolling steps,
 * proportional scaling, status conditions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

static json_t *dep(int replicas, const char *surge, const char *unavail)
{
    return json_pack("{s:{s:s, s:I}, s:{s:I, s:{s:s, s:{s:s, s:s}}, s:{s:{s:{s:s}}}}}", "metadata",
                     "name", "web", "generation", (json_int_t)1, "spec", "replicas",
                     (json_int_t)replicas, "strategy", "type", "RollingUpdate", "rollingUpdate",
                     "maxSurge", surge, "maxUnavailable", unavail, "template", "metadata", "labels",
                     "app", "web");
}

static json_t *rs(const char *name, int spec, int avail, const char *created)
{
    return json_pack("{s:{s:s, s:s}, s:{s:I}, s:{s:I, s:I}}", "metadata", "name", name,
                     "creationTimestamp", created, "spec", "replicas", (json_int_t)spec, "status",
                     "replicas", (json_int_t)spec, "availableReplicas", (json_int_t)avail);
}

static int64_t reps(const json_t *o)
{
    return json_integer_value(cube_json_path(o, "spec", "replicas", NULL));
}

static void test_fenceposts(void **state)
{
    int64_t s, u;
    json_auto_t *d = dep(10, "25%", "25%");
    cube_deploy_fenceposts(d, &s, &u);
    assert_int_equal(s, 3); /* 2.5 rounds up */
    assert_int_equal(u, 2); /* 2.5 rounds down */
    json_auto_t *z = dep(3, "0%", "0%");
    cube_deploy_fenceposts(z, &s, &u);
    assert_int_equal(s, 0);
    assert_int_equal(u, 1); /* both zero: one may be unavailable */
    json_auto_t *one = dep(1, "25%", "25%");
    cube_deploy_fenceposts(one, &s, &u);
    assert_int_equal(s, 1);
    assert_int_equal(u, 0);
}

static void test_template_hash(void **state)
{
    json_auto_t *d = dep(1, "1", "1");
    json_t *tmpl = cube_json_path(d, "spec", "template", NULL);
    _cleanup_free_ char *h1 = cube_deploy_template_hash(tmpl, 0);
    _cleanup_free_ char *h2 = cube_deploy_template_hash(tmpl, 0);
    _cleanup_free_ char *h3 = cube_deploy_template_hash(tmpl, 1);
    assert_string_equal(h1, h2);
    assert_string_not_equal(h1, h3);
    assert_true(strspn(h1, "bcdfghjklmnpqrstvwxz2456789") == strlen(h1));
    /* Its own hash label does not change the hash. */
    json_object_set_new(cube_json_path(tmpl, "metadata", "labels", NULL), "pod-template-hash",
                        json_string(h1));
    _cleanup_free_ char *h4 = cube_deploy_template_hash(tmpl, 0);
    assert_string_equal(h1, h4);
}

static void test_rolling_steps(void **state)
{
    /* 4 replicas, surge 1, unavailable 1: new RS goes to 1 first. */
    json_auto_t *d = dep(4, "1", "1");
    json_t *old[] = {rs("old", 4, 4, "2026-01-01T00:00:00Z")};
    json_auto_t *nrs = rs("new", 0, 0, "2026-01-02T00:00:00Z");
    assert_int_equal(cube_deploy_rolling_plan(d, old, 1, nrs), 1);
    assert_int_equal(reps(nrs), 1);
    /* Next step: the new pod is not available; old may lose 1 (4+1 - 3 - 1 = 1). */
    assert_int_equal(cube_deploy_rolling_plan(d, old, 1, nrs), 2);
    assert_int_equal(reps(old[0]), 3);
    /* Nothing more until something becomes available. */
    assert_int_equal(cube_deploy_rolling_plan(d, old, 1, nrs), 1);
    assert_int_equal(reps(nrs), 2);
    json_object_set_new(json_object_get(old[0], "status"), "availableReplicas", json_integer(3));
    assert_int_equal(cube_deploy_rolling_plan(d, old, 1, nrs), 0);
    assert_int_equal(reps(old[0]), 3);
    json_decref(old[0]);
}

static void test_proportional_scaling(void **state)
{
    /* 10 -> 15 replicas with two active RSs of 6 and 5 (surge 1: max 11). */
    json_auto_t *d = dep(15, "1", "0");
    json_t *old[] = {rs("old", 6, 6, "2026-01-01T00:00:00Z")};
    json_auto_t *nrs = rs("new", 5, 0, "2026-01-02T00:00:00Z");
    json_object_set_new(cube_json_obj(json_object_get(old[0], "metadata"), "annotations"),
                        "deployment.kubernetes.io/max-replicas", json_string("11"));
    json_object_set_new(cube_json_obj(json_object_get(nrs, "metadata"), "annotations"),
                        "deployment.kubernetes.io/max-replicas", json_string("11"));
    cube_deploy_scale_plan(d, old, 1, nrs);
    assert_int_equal(reps(old[0]) + reps(nrs), 16);
    assert_int_equal(reps(old[0]), 9);
    assert_int_equal(reps(nrs), 7);
    json_decref(old[0]);
}

static void test_status_conditions(void **state)
{
    json_auto_t *d = dep(2, "1", "0");
    json_object_set_new(json_object_get(d, "spec"), "progressDeadlineSeconds", json_integer(600));
    json_auto_t *nrs = rs("web-abc", 2, 2, "2026-01-02T00:00:00Z");
    json_t *all[] = {nrs};
    json_auto_t *st = cube_deploy_rollout_status(d, all, 1, nrs, 2000000000);
    assert_int_equal(json_integer_value(json_object_get(st, "updatedReplicas")), 2);
    assert_int_equal(json_integer_value(json_object_get(st, "availableReplicas")), 2);
    assert_int_equal(json_integer_value(json_object_get(st, "observedGeneration")), 1);
    json_t *conds = json_object_get(st, "conditions");
    assert_int_equal(json_array_size(conds), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(conds, 0), "reason")),
                        "MinimumReplicasAvailable");
    assert_string_equal(json_string_value(json_object_get(json_array_get(conds, 1), "reason")),
                        "NewReplicaSetAvailable");
    assert_string_equal(json_string_value(json_object_get(json_array_get(conds, 1), "message")),
                        "ReplicaSet \"web-abc\" has successfully progressed.");
    json_t *unav[] = {rs("web-abc", 2, 0, "2026-01-02T00:00:00Z")};
    json_auto_t *st2 = cube_deploy_status(d, unav, 1, unav[0], 2000000000);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(st2, "conditions"), 0), "reason")),
                        "MinimumReplicasUnavailable");
    json_decref(unav[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fenceposts),        cmocka_unit_test(test_template_hash),
        cmocka_unit_test(test_rolling_steps),     cmocka_unit_test(test_proportional_scaling),
        cmocka_unit_test(test_status_conditions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
