/* Unit tests for src/api/registry.c: the resource table and its lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

static bool has_short(const cube_resource_t *r, const char *s)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(r->short_names) && r->short_names[i]; i++)
        if (strcmp(r->short_names[i], s) == 0)
            return true;
    return false;
}

static bool in_all(const cube_resource_t *r)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(r->categories) && r->categories[i]; i++)
        if (strcmp(r->categories[i], "all") == 0)
            return true;
    return false;
}

static void test_find_by_plural(void **state)
{
    const cube_resource_t *r = cube_api_resource_find("", "v1", "pods");
    assert_non_null(r);
    assert_string_equal(r->kind, "Pod");
    assert_string_equal(r->list_kind, "PodList");
    assert_string_equal(r->singular, "pod");
    assert_true(r->namespaced);
    assert_int_equal(r->verbs, CUBE_VERBS_ALL);
    assert_true(r->subresources & CUBE_SUB_STATUS);
    assert_true(r->subresources & CUBE_SUB_BINDING);
    assert_false(r->subresources & CUBE_SUB_SCALE);
    assert_true(r->has_status);
    assert_false(r->bumps_generation);

    r = cube_api_resource_find("apps", "v1", "deployments");
    assert_non_null(r);
    assert_string_equal(r->kind, "Deployment");
    assert_true(r->subresources & CUBE_SUB_SCALE);
    assert_true(r->bumps_generation);

    assert_null(cube_api_resource_find("apps", "v1", "pods"));
    assert_null(cube_api_resource_find("", "v2", "pods"));
    assert_null(cube_api_resource_find("", "v1", "bogus"));
    assert_null(cube_api_resource_find(NULL, "v1", NULL));
    assert_non_null(cube_api_resource_find(NULL, "v1", "services"));
}

static void test_find_by_kind(void **state)
{
    const cube_resource_t *r = cube_api_resource_by_kind("", "Event");
    assert_non_null(r);
    assert_string_equal(r->group, "");
    r = cube_api_resource_by_kind("events.k8s.io", "Event");
    assert_non_null(r);
    assert_string_equal(r->group, "events.k8s.io");
    /* The preferred version comes first. */
    r = cube_api_resource_by_kind("autoscaling", "HorizontalPodAutoscaler");
    assert_non_null(r);
    assert_string_equal(r->version, "v2");
    assert_non_null(cube_api_resource_find("autoscaling", "v1", "horizontalpodautoscalers"));
    assert_null(cube_api_resource_by_kind("", "Deployment"));
    assert_null(cube_api_resource_by_kind("apps", "Nope"));
}

static void test_group_version(void **state)
{
    char gv[128];
    cube_api_group_version(cube_api_resource_find("", "v1", "nodes"), gv, sizeof(gv));
    assert_string_equal(gv, "v1");
    cube_api_group_version(cube_api_resource_find("apps", "v1", "replicasets"), gv, sizeof(gv));
    assert_string_equal(gv, "apps/v1");
    cube_api_group_version(
        cube_api_resource_find("rbac.authorization.k8s.io", "v1", "clusterroles"), gv, sizeof(gv));
    assert_string_equal(gv, "rbac.authorization.k8s.io/v1");
}

static void test_short_names(void **state)
{
    static const struct {
        const char *group, *plural, *short_name;
    } cases[] = {
        {"", "pods", "po"},
        {"", "services", "svc"},
        {"", "namespaces", "ns"},
        {"", "configmaps", "cm"},
        {"", "endpoints", "ep"},
        {"", "serviceaccounts", "sa"},
        {"", "events", "ev"},
        {"", "nodes", "no"},
        {"", "limitranges", "limits"},
        {"", "resourcequotas", "quota"},
        {"", "persistentvolumes", "pv"},
        {"", "persistentvolumeclaims", "pvc"},
        {"", "replicationcontrollers", "rc"},
        {"apps", "deployments", "deploy"},
        {"apps", "replicasets", "rs"},
        {"apps", "daemonsets", "ds"},
        {"apps", "statefulsets", "sts"},
        {"batch", "cronjobs", "cj"},
        {"policy", "poddisruptionbudgets", "pdb"},
        {"networking.k8s.io", "networkpolicies", "netpol"},
        {"networking.k8s.io", "ingresses", "ing"},
        {"storage.k8s.io", "storageclasses", "sc"},
        {"autoscaling", "horizontalpodautoscalers", "hpa"},
        {"scheduling.k8s.io", "priorityclasses", "pc"},
        {"events.k8s.io", "events", "ev"},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        const char *v = strcmp(cases[i].group, "autoscaling") == 0 ? "v2" : "v1";
        const cube_resource_t *r = cube_api_resource_find(cases[i].group, v, cases[i].plural);
        assert_non_null(r);
        if (!has_short(r, cases[i].short_name))
            fail_msg("%s lacks short name %s", cases[i].plural, cases[i].short_name);
    }
    assert_null(cube_api_resource_find("", "v1", "secrets")->short_names[0]);
}

static void test_categories_and_scope(void **state)
{
    static const char *const all[] = {"pods",
                                      "services",
                                      "replicationcontrollers",
                                      "deployments",
                                      "replicasets",
                                      "daemonsets",
                                      "statefulsets",
                                      "jobs",
                                      "cronjobs",
                                      "horizontalpodautoscalers"};
    size_t n, n_all = 0;
    const cube_resource_t *const *rs = cube_api_resources(&n);
    assert_true(n >= 36);
    for (size_t i = 0; i < n; i++) {
        bool want = false;
        for (size_t j = 0; j < CUBE_ARRAY_SIZE(all); j++)
            want |= strcmp(rs[i]->plural, all[j]) == 0;
        if (in_all(rs[i]) != want)
            fail_msg("%s/%s: category all is %d", rs[i]->group, rs[i]->plural, !want);
        n_all += want;
        /* list kinds follow the kind */
        char lk[128];
        snprintf(lk, sizeof(lk), "%sList", rs[i]->kind);
        assert_string_equal(rs[i]->list_kind, lk);
        /* every type that splits status has a /status subresource */
        assert_int_equal(rs[i]->has_status, !!(rs[i]->subresources & CUBE_SUB_STATUS));
    }
    assert_int_equal(n_all, CUBE_ARRAY_SIZE(all) + 1); /* hpa in v2 and v1 */

    static const char *const cluster[] = {"namespaces",
                                          "nodes",
                                          "persistentvolumes",
                                          "clusterroles",
                                          "clusterrolebindings",
                                          "storageclasses",
                                          "priorityclasses",
                                          "ingressclasses",
                                          "selfsubjectreviews",
                                          "tokenreviews",
                                          "selfsubjectaccessreviews",
                                          "selfsubjectrulesreviews",
                                          "subjectaccessreviews"};
    for (size_t i = 0; i < n; i++) {
        bool want = true;
        for (size_t j = 0; j < CUBE_ARRAY_SIZE(cluster); j++)
            if (strcmp(rs[i]->plural, cluster[j]) == 0)
                want = false;
        if (rs[i]->namespaced != want)
            fail_msg("%s: namespaced=%d", rs[i]->plural, rs[i]->namespaced);
    }
    const cube_resource_t *ns = cube_api_resource_find("", "v1", "namespaces");
    assert_false(ns->verbs & CUBE_VERB_DELETECOLLECTION);
    assert_true(ns->subresources & CUBE_SUB_FINALIZE);
    assert_true(cube_api_resource_find("", "v1", "nodes")->verbs & CUBE_VERB_DELETECOLLECTION);
}

static void test_generation(void **state)
{
    static const struct {
        const char *group, *plural;
        bool gen;
    } cases[] = {
        {"apps", "deployments", true},
        {"apps", "replicasets", true},
        {"apps", "daemonsets", true},
        {"apps", "statefulsets", true},
        {"batch", "jobs", true},
        {"batch", "cronjobs", true},
        {"", "replicationcontrollers", true},
        {"networking.k8s.io", "networkpolicies", true},
        {"networking.k8s.io", "ingresses", true},
        {"policy", "poddisruptionbudgets", true},
        {"", "pods", false},
        {"", "services", false},
        {"", "configmaps", false},
        {"", "namespaces", false},
        {"apps", "controllerrevisions", false},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        const cube_resource_t *r = cube_api_resource_find(cases[i].group, "v1", cases[i].plural);
        assert_non_null(r);
        if (r->bumps_generation != cases[i].gen)
            fail_msg("%s: bumps_generation=%d", cases[i].plural, r->bumps_generation);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_by_plural),       cmocka_unit_test(test_find_by_kind),
        cmocka_unit_test(test_group_version),        cmocka_unit_test(test_short_names),
        cmocka_unit_test(test_categories_and_scope), cmocka_unit_test(test_generation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
