/* Unit tests for src/controllers/statefulset.c: ordered creation and deletion, Parallel, rolling
 * update with partition, and the pods it makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

static json_t *js(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad JSON in test: %s: %s", e.text, text);
    return j;
}

static json_t *sts_json(const char *extra_spec)
{
    char *t = xasprintf(
        "{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"s1\"},"
        "\"spec\":{%s\"serviceName\":\"nginx\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
        "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
        "[{\"name\":\"c\"}],\"volumes\":[{\"name\":\"www\",\"emptyDir\":{}}]}},"
        "\"volumeClaimTemplates\":[{\"metadata\":{\"name\":\"www\"},\"spec\":{}}]}}",
        extra_spec);
    json_t *j = js(t);
    free(t);
    return j;
}

/* A pod web-<i> at revision rev; healthy = Running and Ready. */
static json_t *pod(int i, bool healthy, const char *rev)
{
    char name[16];
    snprintf(name, sizeof(name), "web-%d", i);
    return json_pack("{s:{s:s, s:{s:s}}, s:{s:s, s:[{s:s, s:s}]}}", "metadata", "name", name,
                     "labels", "controller-revision-hash", rev, "status", "phase",
                     healthy ? "Running" : "Pending", "conditions", "type", "Ready", "status",
                     healthy ? "True" : "False");
}

static void plan(const json_t *sts, json_t **pods, size_t n, const char *want_create,
                 const char *want_delete)
{
    cube_sts_plan_t p;
    cube_statefulset_plan(sts, pods, n, "web-r2", &p);
    char *c = cube_json_dump(p.create, NULL), *d = cube_json_dump(p.delete_pods, NULL);
    if (strcmp(c, want_create) || strcmp(d, want_delete))
        fail_msg("create %s delete %s, want %s %s", c, d, want_create, want_delete);
    free(c);
    free(d);
    cube_statefulset_plan_clear(&p);
}

static void test_ordered_ready(void **state)
{
    json_auto_t *sts = sts_json("\"replicas\":3,");
    plan(sts, NULL, 0, "[0]", "[]"); /* web-0 first, alone */
    json_t *p[4] = {pod(0, false, "web-r2"), pod(1, true, "web-r2"), pod(2, true, "web-r2"),
                    pod(3, true, "web-r2")};
    plan(sts, p, 1, "[]", "[]"); /* web-0 not ready: wait */
    json_decref(p[0]);
    p[0] = pod(0, true, "web-r2");
    plan(sts, p, 1, "[1]", "[]");
    plan(sts, p, 3, "[]", "[]");
    /* scale down: highest first, one at a time */
    json_auto_t *small = sts_json("\"replicas\":1,");
    plan(small, p, 4, "[]", "[\"web-3\"]");
    for (int i = 0; i < 4; i++)
        json_decref(p[i]);
}

static void test_parallel(void **state)
{
    json_auto_t *sts = sts_json("\"replicas\":3,\"podManagementPolicy\":\"Parallel\",");
    plan(sts, NULL, 0, "[0,1,2]", "[]");
    json_t *p[4] = {pod(0, false, "web-r2"), pod(1, false, "web-r2"), pod(3, true, "web-r2"),
                    pod(4, true, "web-r2")};
    plan(sts, p, 4, "[2]", "[\"web-4\",\"web-3\"]");
    for (int i = 0; i < 4; i++)
        json_decref(p[i]);
}

static void test_rolling_update_partition(void **state)
{
    json_auto_t *sts =
        sts_json("\"replicas\":3,\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
                 "{\"partition\":1}},");
    json_t *p[3] = {pod(0, true, "web-r1"), pod(1, true, "web-r1"), pod(2, true, "web-r1")};
    plan(sts, p, 3, "[]", "[\"web-2\"]"); /* highest ordinal first */
    json_decref(p[2]);
    p[2] = pod(2, true, "web-r2");
    plan(sts, p, 3, "[]", "[\"web-1\"]");
    json_decref(p[1]);
    p[1] = pod(1, true, "web-r2");
    plan(sts, p, 3, "[]", "[]"); /* web-0 is below the partition */
    json_auto_t *ondelete = sts_json("\"replicas\":3,\"updateStrategy\":{\"type\":\"OnDelete\"},");
    json_decref(p[2]);
    p[2] = pod(2, true, "web-r1");
    plan(ondelete, p, 3, "[]", "[]");
    for (int i = 0; i < 3; i++)
        json_decref(p[i]);
}

static void test_new_pod(void **state)
{
    json_auto_t *sts = sts_json("\"replicas\":3,");
    json_auto_t *p = cube_statefulset_new_pod(sts, 1, "web-r2");
    assert_string_equal(cube_json_str(p, "metadata", "name", NULL), "web-1");
    assert_string_equal(cube_json_str(p, "spec", "hostname", NULL), "web-1");
    assert_string_equal(cube_json_str(p, "spec", "subdomain", NULL), "nginx");
    assert_string_equal(
        cube_json_str(p, "metadata", "labels", "statefulset.kubernetes.io/pod-name", NULL),
        "web-1");
    assert_string_equal(
        cube_json_str(p, "metadata", "labels", "apps.kubernetes.io/pod-index", NULL), "1");
    assert_string_equal(cube_json_str(p, "metadata", "labels", "controller-revision-hash", NULL),
                        "web-r2");
    json_t *vols = cube_json_path(p, "spec", "volumes", NULL);
    assert_int_equal(json_array_size(vols), 1); /* the claim replaced the emptyDir */
    assert_string_equal(
        cube_json_str(json_array_get(vols, 0), "persistentVolumeClaim", "claimName", NULL),
        "www-web-1");
    json_t *ref = json_array_get(cube_json_path(p, "metadata", "ownerReferences", NULL), 0);
    assert_string_equal(cube_json_str(ref, "kind", NULL), "StatefulSet");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordered_ready),
        cmocka_unit_test(test_parallel),
        cmocka_unit_test(test_rolling_update_partition),
        cmocka_unit_test(test_new_pod),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
