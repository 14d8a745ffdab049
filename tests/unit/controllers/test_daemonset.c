/* Unit tests for src/controllers/daemonset.c: which nodes get a daemon pod, the pod itself, the
 * revision hash and node selector terms. */
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

static json_t *ds_json(const char *pod_spec)
{
    char *t = xasprintf("{\"metadata\":{\"name\":\"agent\",\"namespace\":\"kube-system\","
                        "\"uid\":\"d1\",\"generation\":2},\"spec\":{\"template\":{\"metadata\":"
                        "{\"labels\":{\"app\":\"agent\"}},\"spec\":%s}}}",
                        pod_spec);
    json_t *j = js(t);
    free(t);
    return j;
}

static void fit(const json_t *ds, const char *node_json, bool run, bool cont)
{
    json_auto_t *node = js(node_json);
    bool r, c;
    cube_daemonset_node_fit(ds, node, &r, &c);
    if (r != run || c != cont)
        fail_msg("node %s: run %d continue %d, want %d %d", node_json, r, c, run, cont);
}

static void test_node_fit(void **state)
{
    json_auto_t *ds = ds_json("{\"nodeSelector\":{\"disk\":\"ssd\"},\"containers\":[]}");
    fit(ds, "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"disk\":\"ssd\"}}}", true, true);
    fit(ds, "{\"metadata\":{\"name\":\"n2\",\"labels\":{\"disk\":\"hdd\"}}}", false, false);
    /* daemon tolerations: not-ready NoExecute and unschedulable are tolerated */
    fit(ds,
        "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"disk\":\"ssd\"}},\"spec\":{\"taints\":["
        "{\"key\":\"node.kubernetes.io/not-ready\",\"effect\":\"NoExecute\"},"
        "{\"key\":\"node.kubernetes.io/unschedulable\",\"effect\":\"NoSchedule\"}]}}",
        true, true);
    /* other taints: NoSchedule keeps running pods, NoExecute does not */
    fit(ds,
        "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"disk\":\"ssd\"}},\"spec\":{\"taints\":["
        "{\"key\":\"dedicated\",\"effect\":\"NoSchedule\"}]}}",
        false, true);
    fit(ds,
        "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"disk\":\"ssd\"}},\"spec\":{\"taints\":["
        "{\"key\":\"dedicated\",\"effect\":\"NoExecute\"}]}}",
        false, false);
    json_auto_t *tol = ds_json("{\"tolerations\":[{\"key\":\"dedicated\",\"operator\":"
                               "\"Exists\"}],\"affinity\":{\"nodeAffinity\":{"
                               "\"requiredDuringSchedulingIgnoredDuringExecution\":{"
                               "\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\","
                               "\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}]}}}}");
    fit(tol,
        "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"zone\":\"b\"}},\"spec\":{\"taints\":["
        "{\"key\":\"dedicated\",\"effect\":\"NoExecute\"}]}}",
        true, true);
    fit(tol, "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"zone\":\"c\"}}}", false, false);
}

static void test_node_selector_terms(void **state)
{
    json_auto_t *node = js("{\"metadata\":{\"name\":\"n7\",\"labels\":{\"gen\":\"5\","
                           "\"zone\":\"a\"}}}");
    json_auto_t *gt = js("{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"gen\","
                         "\"operator\":\"Gt\",\"values\":[\"4\"]},{\"key\":\"gpu\",\"operator\":"
                         "\"DoesNotExist\"}]}]}");
    json_auto_t *lt = js("{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"gen\","
                         "\"operator\":\"Lt\",\"values\":[\"4\"]}]},{\"matchFields\":[{\"key\":"
                         "\"metadata.name\",\"operator\":\"In\",\"values\":[\"n7\"]}]}]}");
    json_auto_t *none = js("{\"nodeSelectorTerms\":[{}]}");
    json_auto_t *notin = js("{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\","
                            "\"operator\":\"NotIn\",\"values\":[\"a\"]}]}]}");
    assert_true(cube_node_selector_matches(gt, node));
    assert_true(cube_node_selector_matches(lt, node)); /* second term by name */
    assert_false(cube_node_selector_matches(none, node));
    assert_false(cube_node_selector_matches(notin, node));
}

static void test_new_pod(void **state)
{
    json_auto_t *ds = ds_json("{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\"}],"
                              "\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\","
                              "\"operator\":\"Exists\",\"effect\":\"NoExecute\","
                              "\"tolerationSeconds\":5}]}");
    json_auto_t *pod = cube_daemonset_new_pod(ds, "n1", "abc");
    assert_string_equal(cube_json_str(pod, "metadata", "generateName", NULL), "agent-");
    assert_string_equal(cube_json_str(pod, "metadata", "labels", "controller-revision-hash", NULL),
                        "abc");
    assert_string_equal(cube_json_str(pod, "metadata", "labels", "pod-template-generation", NULL),
                        "2");
    assert_string_equal(cube_json_str(pod, "metadata", "labels", "app", NULL), "agent");
    json_t *ref = json_array_get(cube_json_path(pod, "metadata", "ownerReferences", NULL), 0);
    assert_string_equal(cube_json_str(ref, "kind", NULL), "DaemonSet");
    assert_null(cube_json_path(pod, "spec", "nodeName", NULL));
    json_t *term = json_array_get(cube_json_path(pod, "spec", "affinity", "nodeAffinity",
                                                 "requiredDuringSchedulingIgnoredDuringExecution",
                                                 "nodeSelectorTerms", NULL),
                                  0);
    json_t *f = json_array_get(json_object_get(term, "matchFields"), 0);
    assert_string_equal(cube_json_str(f, "key", NULL), "metadata.name");
    assert_string_equal(json_string_value(json_array_get(json_object_get(f, "values"), 0)), "n1");
    /* the template's own not-ready toleration is kept, the others added, network-unavailable
     * too because of hostNetwork */
    json_t *tols = cube_json_path(pod, "spec", "tolerations", NULL);
    assert_int_equal(json_array_size(tols), 7);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(tols, 0), "tolerationSeconds")), 5);
}

static void test_revision_hash(void **state)
{
    json_auto_t *a = js("{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"x\":1}}");
    json_auto_t *b = js("{\"spec\":{\"x\":1},\"metadata\":{\"labels\":{\"a\":\"1\"}}}");
    json_auto_t *c = js("{\"spec\":{\"x\":2},\"metadata\":{\"labels\":{\"a\":\"1\"}}}");
    char *ha = cube_ctrl_revision_hash(a), *hb = cube_ctrl_revision_hash(b),
         *hc = cube_ctrl_revision_hash(c);
    assert_string_equal(ha, hb); /* key order does not matter */
    assert_string_not_equal(ha, hc);
    for (const char *p = ha; *p; p++)
        assert_non_null(strchr("bcdfghjklmnpqrstvwxz2456789", *p));
    free(ha);
    free(hb);
    free(hc);
}

/* A daemon pod of ds "d1" on node, at hash, Ready or not; created at second `age`. */
static json_t *dpod(const char *name, const char *node, const char *hash, bool ready,
                    const char *phase, int age)
{
    char created[32];
    cube_time_rfc3339((time_t)(1800000000 + age), created);
    json_t *p = json_pack("{s:{s:s, s:s, s:{s:s}, s:[{s:s, s:s, s:s, s:b}]}, s:{s:s},"
                          " s:{s:s, s:[{s:s, s:s}]}}",
                          "metadata", "name", name, "creationTimestamp", created, "labels",
                          "controller-revision-hash", hash, "ownerReferences", "kind", "DaemonSet",
                          "name", "agent", "uid", "d1", "controller", 1, "spec", "nodeName", node,
                          "status", "phase", phase, "conditions", "type", "Ready", "status",
                          ready ? "True" : "False");
    return p;
}

static json_t *node_json(const char *name, const char *disk)
{
    return json_pack("{s:{s:s, s:{s:s}}}", "metadata", "name", name, "labels", "disk", disk);
}

static void test_plan_creates_and_counts(void **state)
{
    json_auto_t *ds = ds_json("{\"nodeSelector\":{\"disk\":\"ssd\"},\"containers\":[]}");
    json_t *nodes[3] = {node_json("n1", "ssd"), node_json("n2", "ssd"), node_json("n3", "hdd")};
    json_t *pods[4] = {dpod("p1", "n1", "h", true, "Running", 1),
                       dpod("p1b", "n1", "h", true, "Running", 2), /* duplicate: newest goes */
                       dpod("p3", "n3", "h", true, "Running", 1), /* misscheduled */
                       dpod("px", "n2", "h", false, "Failed", 1)};
    cube_ds_plan_t p;
    cube_daemonset_plan(ds, nodes, 3, pods, 4, "h", 1800000100, &p);
    char *c = cube_json_dump(p.create_nodes, NULL), *d = cube_json_dump(p.delete_pods, NULL);
    assert_string_equal(c, "[\"n2\"]");
    assert_string_equal(d, "[\"p1b\",\"px\",\"p3\"]");
    free(c);
    free(d);
    assert_int_equal(json_integer_value(json_object_get(p.status, "desiredNumberScheduled")), 2);
    assert_int_equal(json_integer_value(json_object_get(p.status, "currentNumberScheduled")), 1);
    assert_int_equal(json_integer_value(json_object_get(p.status, "numberMisscheduled")), 1);
    assert_int_equal(json_integer_value(json_object_get(p.status, "numberReady")), 1);
    assert_int_equal(json_integer_value(json_object_get(p.status, "numberUnavailable")), 1);
    assert_int_equal(json_integer_value(json_object_get(p.status, "observedGeneration")), 2);
    cube_daemonset_plan_clear(&p);
    for (int i = 0; i < 4; i++)
        json_decref(pods[i]);
    for (int i = 0; i < 3; i++)
        json_decref(nodes[i]);
}

static void test_plan_rolling_update_max_unavailable(void **state)
{
    json_auto_t *ds = ds_json("{\"containers\":[]}");
    json_t *nodes[3] = {node_json("n1", "ssd"), node_json("n2", "ssd"), node_json("n3", "ssd")};
    json_t *pods[3] = {dpod("a", "n1", "old", true, "Running", 1),
                       dpod("b", "n2", "old", true, "Running", 2),
                       dpod("c", "n3", "old", true, "Running", 3)};
    cube_ds_plan_t p;
    cube_daemonset_plan(ds, nodes, 3, pods, 3, "new", 1800000100, &p);
    assert_int_equal(json_array_size(p.delete_pods), 1); /* maxUnavailable 1 */
    assert_int_equal(json_array_size(p.create_nodes), 0);
    cube_daemonset_plan_clear(&p);
    /* one node already without a pod: the budget is spent, nothing more goes */
    cube_daemonset_plan(ds, nodes, 3, pods + 1, 2, "new", 1800000100, &p);
    assert_int_equal(json_array_size(p.delete_pods), 0);
    assert_int_equal(json_array_size(p.create_nodes), 1);
    cube_daemonset_plan_clear(&p);
    /* an old pod that is not ready goes at once, without using the budget */
    json_decref(pods[0]);
    pods[0] = dpod("a", "n1", "old", false, "Running", 1);
    json_auto_t *ds2 = ds_json("{\"containers\":[]}");
    json_object_set_new(json_object_get(ds2, "spec"), "updateStrategy",
                        json_pack("{s:s, s:{s:s}}", "type", "RollingUpdate", "rollingUpdate",
                                  "maxUnavailable", "50%"));
    cube_daemonset_plan(ds2, nodes, 3, pods, 3, "new", 1800000100, &p);
    assert_int_equal(json_array_size(p.delete_pods), 2); /* a, plus one: 50% of 3 rounds up to 2 */
    cube_daemonset_plan_clear(&p);
    /* OnDelete: nothing is replaced */
    json_object_set_new(json_object_get(ds2, "spec"), "updateStrategy",
                        json_pack("{s:s}", "type", "OnDelete"));
    cube_daemonset_plan(ds2, nodes, 3, pods, 3, "new", 1800000100, &p);
    assert_int_equal(json_array_size(p.delete_pods), 0);
    assert_int_equal(json_integer_value(json_object_get(p.status, "updatedNumberScheduled")), 0);
    cube_daemonset_plan_clear(&p);
    for (int i = 0; i < 3; i++) {
        json_decref(pods[i]);
        json_decref(nodes[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_fit),
        cmocka_unit_test(test_node_selector_terms),
        cmocka_unit_test(test_new_pod),
        cmocka_unit_test(test_revision_hash),
        cmocka_unit_test(test_plan_creates_and_counts),
        cmocka_unit_test(test_plan_rolling_update_max_unavailable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
