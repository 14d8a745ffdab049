/* Unit tests for src/controllers/util.c: pod predicates, controller refs, claims, pod templates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

static json_t *pod(const char *phase, const char *ready, const char *ltt)
{
    return json_pack("{s:{s:s, s:s}, s:{s:s, s:[{s:s, s:s, s:s}]}}", "metadata", "name", "p", "uid",
                     "pu", "status", "phase", phase, "conditions", "type", "Ready", "status", ready,
                     "lastTransitionTime", ltt);
}

static void test_pod_predicates(void **state)
{
    json_auto_t *p = pod("Running", "True", "2026-01-01T00:00:00Z");
    time_t t;
    assert_int_equal(cube_time_parse("2026-01-01T00:00:00Z", &t), 0);
    assert_true(cube_pod_is_active(p));
    assert_true(cube_pod_is_ready(p));
    assert_true(cube_pod_is_available(p, 0, t));
    assert_false(cube_pod_is_available(p, 10, t + 10)); /* strictly after */
    assert_true(cube_pod_is_available(p, 10, t + 11));
    json_auto_t *nr = pod("Running", "False", "2026-01-01T00:00:00Z");
    assert_false(cube_pod_is_ready(nr));
    assert_false(cube_pod_is_available(nr, 0, t));
    json_auto_t *done = pod("Succeeded", "False", "2026-01-01T00:00:00Z");
    assert_false(cube_pod_is_active(done));
    json_object_set_new(cube_json_obj(p, "metadata"), "deletionTimestamp",
                        json_string("2026-01-01T00:00:00Z"));
    assert_false(cube_pod_is_active(p));
}

static void test_controller_ref_and_claim(void **state)
{
    json_auto_t *owner = json_pack("{s:{s:s, s:s}}", "metadata", "name", "rs", "uid", "u1");
    json_auto_t *ref = cube_ctrl_new_controller_ref(owner, "apps/v1", "ReplicaSet");
    _cleanup_free_ char *s = json_dumps(ref, JSON_COMPACT);
    assert_string_equal(s, "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"rs\","
                           "\"uid\":\"u1\",\"controller\":true,\"blockOwnerDeletion\":true}");
    cube_selector_t *sel = NULL;
    assert_int_equal(cube_label_selector_parse("app=a", &sel, NULL), 0);
    json_auto_t *orphan =
        json_pack("{s:{s:s, s:{s:s}}}", "metadata", "name", "o", "labels", "app", "a");
    assert_int_equal(cube_ctrl_claim(owner, sel, orphan), CUBE_CLAIM_ADOPT);
    assert_null(cube_ctrl_controller_ref(orphan));
    json_object_set_new(json_object_get(orphan, "metadata"), "ownerReferences",
                        json_pack("[O]", ref));
    assert_ptr_equal(
        cube_ctrl_controller_ref(orphan),
        json_array_get(cube_json_path(orphan, "metadata", "ownerReferences", NULL), 0));
    assert_int_equal(cube_ctrl_claim(owner, sel, orphan), CUBE_CLAIM_OWNED);
    json_object_set_new(cube_json_path(orphan, "metadata", "labels", NULL), "app",
                        json_string("b"));
    assert_int_equal(cube_ctrl_claim(owner, sel, orphan), CUBE_CLAIM_RELEASE);
    json_auto_t *other = json_pack("{s:{s:s, s:s}}", "metadata", "name", "rs2", "uid", "u2");
    assert_int_equal(cube_ctrl_claim(other, sel, orphan), CUBE_CLAIM_IGNORE);
    cube_selector_free(sel);
}

static void test_pod_from_template(void **state)
{
    json_auto_t *tmpl = json_pack("{s:{s:{s:s}}, s:{s:[{s:s}]}}", "metadata", "labels", "app", "a",
                                  "spec", "containers", "image", "nginx");
    json_auto_t *ref = json_pack("{s:s, s:b}", "uid", "u", "controller", 1);
    json_auto_t *p = cube_ctrl_pod_from_template(tmpl, "ns", "web-abc", ref);
    assert_string_equal(cube_json_str(p, "metadata", "generateName", NULL), "web-abc-");
    assert_string_equal(cube_json_str(p, "metadata", "namespace", NULL), "ns");
    assert_string_equal(cube_json_str(p, "metadata", "labels", "app", NULL), "a");
    assert_true(
        json_equal(json_array_get(cube_json_path(p, "metadata", "ownerReferences", NULL), 0), ref));
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(cube_json_path(p, "spec", "containers", NULL), 0), "image")),
        "nginx");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pod_predicates),
        cmocka_unit_test(test_controller_ref_and_claim),
        cmocka_unit_test(test_pod_from_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
