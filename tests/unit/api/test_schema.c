/*
 * Unit tests for src/api/schema.c and the type tables: field error texts and
 * Status details exactly as Kubernetes prints them, value rendering, and the
 * defaults of everyday objects compared with what a v1.32 API server stores.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/internal.h"

static json_t *parse(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j)
        fail_msg("bad JSON in test: %s: %s", e.text, s);
    return j;
}

static const cube_resource_t *res(const char *group, const char *plural)
{
    const char *version = "v1";
    if (!strcmp(group, "autoscaling"))
        version = "v2";
    const cube_resource_t *r = cube_api_resource_find(group, version, plural);
    assert_non_null(r);
    return r;
}

/* Asserts obj equals the JSON text want (order-insensitive), printing both on failure. */
static void assert_json(const json_t *obj, const char *want)
{
    json_auto_t *w = parse(want);
    if (!json_equal(obj, w)) {
        _cleanup_free_ char *got = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT);
        _cleanup_free_ char *exp = json_dumps(w, JSON_SORT_KEYS | JSON_COMPACT);
        fail_msg("JSON differs\n got: %s\nwant: %s", got, exp);
    }
}

/* ---- field errors --------------------------------------------------------- */

static void test_error_texts(void **state)
{
    cube_field_errors_t *fe = cube_field_errors_new();
    json_auto_t *s = json_string("Bad_Name");
    json_auto_t *neg = json_integer(-1);
    json_auto_t *rp = json_string("Sometimes");
    json_auto_t *b = json_true();
    json_auto_t *m = parse("{\"b\":\"2\",\"a\":\"1\"}");
    cube_field_required(fe, "spec.containers[0].name", NULL);
    cube_field_invalid(fe, "metadata.name", s, "bad name");
    cube_field_invalid(fe, "spec.replicas", neg, "must be greater than or equal to 0");
    cube_field_not_supported(fe, "spec.restartPolicy", rp,
                             CUBE_ENUM("Always", "OnFailure", "Never"));
    cube_field_forbidden(fe, "spec", "nope");
    cube_field_duplicate(fe, "spec.containers[1].name", s);
    cube_field_invalid(fe, "x", b, NULL);
    cube_field_invalid(fe, "spec.template.metadata.labels", m, "d");
    cube_field_required(fe, "spec.selector", "must be set");
    cube_field_errors_add(fe, "FieldValueTooLong", "metadata.annotations", s,
                          "may not be more than 262144 bytes");
    cube_field_errors_add(fe, "FieldValueNotFound", "spec.x", s, NULL);
    assert_int_equal(cube_field_errors_count(fe), 11);
    const char *want[] = {
        "spec.containers[0].name: Required value",
        "metadata.name: Invalid value: \"Bad_Name\": bad name",
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
        "\"OnFailure\", \"Never\"",
        "spec: Forbidden: nope",
        "spec.containers[1].name: Duplicate value: \"Bad_Name\"",
        "x: Invalid value: true",
        "spec.template.metadata.labels: Invalid value: map[string]string{\"a\":\"1\", "
        "\"b\":\"2\"}: d",
        "spec.selector: Required value: must be set",
        "metadata.annotations: Too long: may not be more than 262144 bytes",
        "spec.x: Not found: \"Bad_Name\"",
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(want); i++)
        assert_string_equal(cube_field_errors_text(fe, i), want[i]);
    assert_string_equal(cube_field_errors_type(fe, 3), "FieldValueNotSupported");
    cube_field_errors_free(fe);
}

static void test_render_values(void **state)
{
    struct {
        const char *json, *want;
    } cases[] = {
        {"\"a\\\"b\\\\c\\n\\u0001\\u00e9\"", "\"a\\\"b\\\\c\\n\\x01\u00e9\""},
        {"3.5", "3.5"},
        {"1000000.0", "1e+06"},
        {"0.0001", "0.0001"},
        {"123456.5", "123456.5"},
        {"1234567.0", "1.234567e+06"},
        {"[\"x\",\"y\"]", "[]string{\"x\", \"y\"}"},
        {"null", "\"null\""},
        {"{}", "map[string]string{}"},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        json_auto_t *v = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
        assert_non_null(v);
        _cleanup_free_ char *r = cube_schema_render_value(v);
        assert_string_equal(r, cases[i].want);
    }
    json_auto_t *sel = parse("{\"matchLabels\":{\"app\":\"x\"}}");
    _cleanup_free_ char *r = cube_schema_render_selector(sel);
    assert_string_equal(r, "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x\"}, "
                           "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}");
    json_auto_t *sel2 =
        parse("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[\"b\"]}]}");
    _cleanup_free_ char *r2 = cube_schema_render_selector(sel2);
    assert_string_equal(r2, "v1.LabelSelector{MatchLabels:map[string]string(nil), "
                            "MatchExpressions:[]v1.LabelSelectorRequirement{v1."
                            "LabelSelectorRequirement{Key:\"a\", Operator:\"In\", "
                            "Values:[]string{\"b\"}}}}");
}

static void test_errors_to_status(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_field_errors_t *fe = cube_field_errors_new();
    cube_field_required(fe, "spec.containers[0].image", NULL);
    assert_int_equal(cube_field_errors_to_err(fe, res("", "pods"), "x", &err), -1);
    assert_int_equal(err.code, 422);
    assert_string_equal(err.reason, "Invalid");
    assert_string_equal(err.msg, "Pod \"x\" is invalid: spec.containers[0].image: Required value");
    assert_json(err.details, "{\"name\":\"x\",\"kind\":\"Pod\",\"causes\":[{\"reason\":"
                             "\"FieldValueRequired\",\"message\":\"Required value\",\"field\":"
                             "\"spec.containers[0].image\"}]}");
    cube_field_errors_free(fe);

    /* several errors: bracketed, the same text listed once, every cause kept */
    fe = cube_field_errors_new();
    json_auto_t *neg = json_integer(-1);
    cube_field_invalid(fe, "spec.replicas", neg, "must be greater than or equal to 0");
    cube_field_required(fe, "spec.selector", NULL);
    cube_field_required(fe, "spec.selector", NULL);
    cube_field_errors_to_err(fe, res("apps", "deployments"), "web", &err);
    assert_string_equal(err.msg, "Deployment.apps \"web\" is invalid: [spec.replicas: Invalid "
                                 "value: -1: must be greater than or equal to 0, spec.selector: "
                                 "Required value]");
    assert_string_equal(cube_json_str(err.details, "group", NULL), "apps");
    assert_int_equal(json_array_size(json_object_get(err.details, "causes")), 3);
    assert_string_equal(
        cube_json_str(json_array_get(json_object_get(err.details, "causes"), 0), "message", NULL),
        "Invalid value: -1: must be greater than or equal to 0");
    cube_field_errors_free(fe);
}

/* ---- defaults ------------------------------------------------------------- */

static const char minimal_pod_defaulted[] =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":"
    "\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\","
    "\"imagePullPolicy\":\"Always\",\"resources\":{},\"terminationMessagePath\":\"/dev/"
    "termination-log\",\"terminationMessagePolicy\":\"File\"}],\"restartPolicy\":\"Always\","
    "\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"securityContext\":{},"
    "\"schedulerName\":\"default-scheduler\",\"enableServiceLinks\":true,\"priority\":0,"
    "\"preemptionPolicy\":\"PreemptLowerPriority\"}}";

static void test_default_pod(void **state)
{
    json_auto_t *pod = parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
                             "\"p\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{"
                             "\"name\":\"c\",\"image\":\"nginx\"}]}}");
    cube_api_default(res("", "pods"), pod);
    assert_json(pod, minimal_pod_defaulted);
    /* idempotent */
    cube_api_default(res("", "pods"), pod);
    assert_json(pod, minimal_pod_defaulted);
}

static void test_default_pod_details(void **state)
{
    json_auto_t *pod = parse(
        "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx:1.25\",\"ports\":[{"
        "\"containerPort\":80}],\"resources\":{\"limits\":{\"cpu\":\"1000m\",\"memory\":"
        "\"128Mi\"},\"requests\":{\"cpu\":0.5}},\"livenessProbe\":{\"httpGet\":{\"port\":80}}},"
        "{\"name\":\"b\",\"image\":\"reg:5000/x@sha256:abc\"},{\"name\":\"c\",\"image\":"
        "\"x:latest\"},{\"name\":\"d\",\"image\":\"reg:5000/x\"}],\"volumes\":[{\"name\":\"v\"},"
        "{\"name\":\"cm\",\"configMap\":{\"name\":\"x\"}},{\"name\":\"h\",\"hostPath\":{"
        "\"path\":\"/x\"}},{\"name\":\"s\",\"secret\":{\"secretName\":\"s\"}}],\"futureField\":"
        "{\"keep\":1}},\"unknownTop\":[1,2]}");
    cube_api_default(res("", "pods"), pod);
    json_t *c0 = json_array_get(cube_json_path(pod, "spec", "containers", NULL), 0);
    assert_string_equal(cube_json_str(c0, "imagePullPolicy", NULL), "IfNotPresent");
    assert_json(json_object_get(c0, "ports"), "[{\"containerPort\":80,\"protocol\":\"TCP\"}]");
    /* quantities canonical; requests kept, missing ones copied from limits */
    assert_json(json_object_get(c0, "resources"),
                "{\"limits\":{\"cpu\":\"1\",\"memory\":\"128Mi\"},\"requests\":{\"cpu\":\"500m\","
                "\"memory\":\"128Mi\"}}");
    assert_json(
        json_object_get(c0, "livenessProbe"),
        "{\"httpGet\":{\"port\":80,\"path\":\"/\",\"scheme\":\"HTTP\"},\"timeoutSeconds\":1,"
        "\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3}");
    const char *pulls[] = {"IfNotPresent", "IfNotPresent", "Always", "Always"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(
            cube_json_str(json_array_get(cube_json_path(pod, "spec", "containers", NULL), i),
                          "imagePullPolicy", NULL),
            pulls[i]);
    assert_json(
        cube_json_path(pod, "spec", "volumes", NULL),
        "[{\"name\":\"v\",\"emptyDir\":{}},{\"name\":\"cm\",\"configMap\":{\"name\":\"x\","
        "\"defaultMode\":420}},{\"name\":\"h\",\"hostPath\":{\"path\":\"/x\",\"type\":\"\"}},"
        "{\"name\":\"s\",\"secret\":{\"secretName\":\"s\",\"defaultMode\":420}}]");
    /* unknown fields are preserved */
    assert_json(cube_json_path(pod, "spec", "futureField", NULL), "{\"keep\":1}");
    assert_json(json_object_get(pod, "unknownTop"), "[1,2]");
}

static void test_default_deployment(void **state)
{
    json_auto_t *d = parse(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
        "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{"
        "\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":"
        "\"nginx:1.27\"}]}}}}");
    cube_api_default(res("apps", "deployments"), d);
    assert_json(
        d, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
           "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
           "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{"
           "\"name\":\"nginx\",\"image\":\"nginx:1.27\",\"resources\":{},"
           "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":"
           "\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],\"restartPolicy\":\"Always\","
           "\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
           "\"securityContext\":{},\"schedulerName\":\"default-scheduler\"}},\"strategy\":{"
           "\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\","
           "\"maxSurge\":\"25%\"}},\"revisionHistoryLimit\":10,\"progressDeadlineSeconds\":600}}");
    json_auto_t *r = parse("{\"spec\":{\"strategy\":{\"type\":\"Recreate\"}}}");
    cube_api_default(res("apps", "deployments"), r);
    assert_json(cube_json_path(r, "spec", "strategy", NULL), "{\"type\":\"Recreate\"}");
}

static void test_default_service(void **state)
{
    json_auto_t *s = parse("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":"
                           "\"web\"},\"ports\":[{\"port\":80},{\"name\":\"h\",\"port\":8080,"
                           "\"targetPort\":\"http\"}]}}");
    cube_api_default(res("", "services"), s);
    assert_json(s, "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":\"web\"},"
                   "\"ports\":[{\"port\":80,\"protocol\":\"TCP\",\"targetPort\":80},{\"name\":"
                   "\"h\",\"port\":8080,\"targetPort\":\"http\",\"protocol\":\"TCP\"}],\"type\":"
                   "\"ClusterIP\",\"sessionAffinity\":\"None\",\"internalTrafficPolicy\":"
                   "\"Cluster\",\"ipFamilyPolicy\":\"SingleStack\",\"ipFamilies\":[\"IPv4\"]}}");
    json_auto_t *np = parse("{\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}");
    cube_api_default(res("", "services"), np);
    assert_string_equal(cube_json_str(np, "spec", "externalTrafficPolicy", NULL), "Cluster");
    json_auto_t *en = parse("{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"a.b\"}}");
    cube_api_default(res("", "services"), en);
    assert_json(en, "{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"a.b\","
                    "\"sessionAffinity\":\"None\"}}");
}

static void test_default_secret_and_namespace(void **state)
{
    json_auto_t *s = parse("{\"metadata\":{\"name\":\"s\"},\"stringData\":{\"user\":\"admin\"},"
                           "\"data\":{\"k\":\"dg==\"}}");
    cube_api_default(res("", "secrets"), s);
    assert_json(s, "{\"metadata\":{\"name\":\"s\"},\"data\":{\"k\":\"dg==\",\"user\":"
                   "\"YWRtaW4=\"},\"type\":\"Opaque\"}");
    json_auto_t *ns = parse("{\"metadata\":{\"name\":\"dev\"}}");
    cube_api_default(res("", "namespaces"), ns);
    assert_json(ns, "{\"metadata\":{\"name\":\"dev\",\"labels\":{\"kubernetes.io/metadata.name\":"
                    "\"dev\"}},\"status\":{\"phase\":\"Active\"}}");
}

static void test_default_apps_others(void **state)
{
    json_auto_t *ds = parse("{\"spec\":{\"template\":{\"spec\":{\"containers\":[]}}}}");
    cube_api_default(res("apps", "daemonsets"), ds);
    assert_json(cube_json_path(ds, "spec", "updateStrategy", NULL),
                "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,"
                "\"maxSurge\":0}}");
    assert_int_equal(json_integer_value(cube_json_path(ds, "spec", "revisionHistoryLimit", NULL)),
                     10);
    json_auto_t *ss = parse("{\"spec\":{\"serviceName\":\"s\"}}");
    cube_api_default(res("apps", "statefulsets"), ss);
    assert_json(ss, "{\"spec\":{\"serviceName\":\"s\",\"replicas\":1,\"podManagementPolicy\":"
                    "\"OrderedReady\",\"updateStrategy\":{\"type\":\"RollingUpdate\","
                    "\"rollingUpdate\":{\"partition\":0}},\"revisionHistoryLimit\":10,"
                    "\"persistentVolumeClaimRetentionPolicy\":{\"whenDeleted\":\"Retain\","
                    "\"whenScaled\":\"Retain\"}}}");
    json_auto_t *rs = parse("{\"spec\":{}}");
    cube_api_default(res("apps", "replicasets"), rs);
    assert_json(rs, "{\"spec\":{\"replicas\":1}}");
    json_auto_t *pvc = parse("{\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{"
                             "\"requests\":{\"storage\":\"1024Mi\"}}}}");
    cube_api_default(res("", "persistentvolumeclaims"), pvc);
    assert_json(pvc, "{\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":"
                     "{\"storage\":\"1Gi\"}},\"volumeMode\":\"Filesystem\"},\"status\":{\"phase\":"
                     "\"Pending\"}}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_texts),
        cmocka_unit_test(test_render_values),
        cmocka_unit_test(test_errors_to_status),
        cmocka_unit_test(test_default_pod),
        cmocka_unit_test(test_default_pod_details),
        cmocka_unit_test(test_default_deployment),
        cmocka_unit_test(test_default_service),
        cmocka_unit_test(test_default_secret_and_namespace),
        cmocka_unit_test(test_default_apps_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
