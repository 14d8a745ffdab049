/*
 * Unit tests for validation and strategies (cube_api_validate,
 * cube_api_validate_meta, cube_api_prepare): typical bad objects must give
 * Kubernetes' exact error texts, immutable fields must be refused on update,
 * and create/update/status-update must reset or keep what Kubernetes'
 * strategies reset or keep.
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

static const cube_resource_t *res(const char *group, const char *version, const char *plural)
{
    const cube_resource_t *r = cube_api_resource_find(group, version, plural);
    assert_non_null(r);
    return r;
}

static void assert_json(const json_t *obj, const char *want)
{
    json_auto_t *w = parse(want);
    if (!json_equal(obj, w)) {
        _cleanup_free_ char *got = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT);
        _cleanup_free_ char *exp = json_dumps(w, JSON_SORT_KEYS | JSON_COMPACT);
        fail_msg("JSON differs\n got: %s\nwant: %s", got, exp);
    }
}

/*
 * Defaults obj as the API server would, validates it (meta + type) and
 * compares the error texts with want (NULL-terminated; none = valid).
 */
static void check(const cube_resource_t *r, cube_api_op_t op, const char *obj_json,
                  const char *old_json, const char *const *want)
{
    json_auto_t *obj = parse(obj_json);
    json_auto_t *old = old_json ? parse(old_json) : NULL;
    cube_api_default(r, obj);
    if (old)
        cube_api_default(r, old);
    cube_field_errors_t *fe = cube_field_errors_new();
    if (op == CUBE_OP_CREATE)
        cube_api_validate_meta(r, obj, fe);
    cube_api_validate(r, op, obj, old, fe);
    size_t n = 0;
    while (want && want[n])
        n++;
    cube_buf_t all _cleanup_buf_ = CUBE_BUF_INIT;
    for (size_t i = 0; i < cube_field_errors_count(fe); i++)
        cube_buf_printf(&all, "  %s\n", cube_field_errors_text(fe, i));
    if (cube_field_errors_count(fe) != n)
        fail_msg("want %zu errors, got %zu:\n%s", n, cube_field_errors_count(fe),
                 all.data ? all.data : "");
    for (size_t i = 0; i < n; i++)
        assert_string_equal(cube_field_errors_text(fe, i), want[i]);
    cube_field_errors_free(fe);
}

#define WANT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define META(name) "\"metadata\":{\"name\":\"" name "\",\"namespace\":\"default\"}"
#define POD_WITH(containers) "{" META("p") ",\"spec\":{\"containers\":" containers "}}"

#define SUBDOMAIN_MSG                                                                              \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

/* ---- pods ------------------------------------------------------------------- */

static void test_pod_valid(void **state)
{
    const cube_resource_t *pods = res("", "v1", "pods");
    check(pods, CUBE_OP_CREATE, POD_WITH("[{\"name\":\"c\",\"image\":\"nginx\"}]"), NULL, NULL);
    check(pods, CUBE_OP_CREATE,
          "{" META("p") ",\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\","
                        "\"ports\":[{\"name\":\"http\",\"containerPort\":80}],\"volumeMounts\":[{"
                        "\"name\":\"d\",\"mountPath\":\"/d\"}],\"resources\":{\"limits\":{"
                        "\"cpu\":\"500m\"}}}],\"volumes\":[{\"name\":\"d\",\"configMap\":{"
                        "\"name\":\"x\"}}],\"restartPolicy\":\"Never\"}}",
          NULL, NULL);
}

static void test_pod_errors(void **state)
{
    const cube_resource_t *pods = res("", "v1", "pods");
    check(pods, CUBE_OP_CREATE, POD_WITH("[{\"image\":\"nginx\"}]"), NULL,
          WANT("spec.containers[0].name: Required value"));
    check(pods, CUBE_OP_CREATE, POD_WITH("[{\"name\":\"c\"}]"), NULL,
          WANT("spec.containers[0].image: Required value"));
    check(pods, CUBE_OP_CREATE, "{" META("p") ",\"spec\":{}}", NULL,
          WANT("spec.containers: Required value"));
    check(pods, CUBE_OP_CREATE,
          "{\"metadata\":{\"name\":\"Bad_Name\",\"namespace\":\"default\"},\"spec\":{"
          "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
          NULL, WANT("metadata.name: Invalid value: \"Bad_Name\": " SUBDOMAIN_MSG));
    check(pods, CUBE_OP_CREATE,
          "{" META("p") ",\"spec\":{\"restartPolicy\":\"Sometimes\",\"containers\":[{\"name\":"
                        "\"c\",\"image\":\"i\"}]}}",
          NULL,
          WANT("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: "
               "\"Always\", \"OnFailure\", \"Never\""));
    check(pods, CUBE_OP_CREATE,
          POD_WITH("[{\"name\":\"c\",\"image\":\"i\"},{\"name\":\"c\",\"image\":\"i\"}]"), NULL,
          WANT("spec.containers[1].name: Duplicate value: \"c\""));
    check(pods, CUBE_OP_CREATE,
          POD_WITH("[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":70000,"
                   "\"protocol\":\"HTTP\"}]}]"),
          NULL,
          WANT("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between "
               "1 and 65535, inclusive",
               "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported "
               "values: \"SCTP\", \"TCP\", \"UDP\""));
    check(pods, CUBE_OP_CREATE,
          POD_WITH("[{\"name\":\"c\",\"image\":\"i\",\"volumeMounts\":[{\"name\":\"nope\","
                   "\"mountPath\":\"/x\"}]}]"),
          NULL, WANT("spec.containers[0].volumeMounts[0].name: Not found: \"nope\""));
    check(pods, CUBE_OP_CREATE,
          POD_WITH("[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"2\"},"
                   "\"limits\":{\"cpu\":\"1\"}}}]"),
          NULL,
          WANT("spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or "
               "equal to cpu limit of 1"));
    check(pods, CUBE_OP_CREATE,
          POD_WITH("[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":{\"memory\":"
                   "\"lots\"}}}]"),
          NULL,
          WANT("spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities "
               "must match the regular expression "
               "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
               "spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": "
               "quantities must match the regular expression "
               "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    /* volumes: unique names, one source */
    check(pods, CUBE_OP_CREATE,
          "{" META("p") ",\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}],"
                        "\"volumes\":[{\"name\":\"v\"},{\"name\":\"v\",\"emptyDir\":{},"
                        "\"hostPath\":{\"path\":\"/x\"}}]}}",
          NULL,
          WANT("spec.volumes[1].emptyDir: Forbidden: may not specify more than 1 volume type",
               "spec.volumes[1].name: Duplicate value: \"v\""));
    /* probes need exactly one handler */
    check(pods, CUBE_OP_CREATE,
          POD_WITH("[{\"name\":\"c\",\"image\":\"i\",\"livenessProbe\":{\"periodSeconds\":5}}]"),
          NULL,
          WANT("spec.containers[0].livenessProbe: Required value: must specify a handler type"));
    /* wrong JSON types */
    check(pods, CUBE_OP_CREATE,
          "{" META("p") ",\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}],"
                        "\"terminationGracePeriodSeconds\":\"30\"}}",
          NULL,
          WANT("spec.terminationGracePeriodSeconds: Invalid value: \"30\": must be of type "
               "integer"));
    /* labels */
    check(pods, CUBE_OP_CREATE,
          "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\",\"labels\":{\"a\":\"b c\"}},"
          "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
          NULL,
          WANT("metadata.labels: Invalid value: \"b c\": a valid label must be an empty string or "
               "consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
               "an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex "
               "used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
    check(pods, CUBE_OP_CREATE,
          "{\"metadata\":{\"generateName\":\"web-\",\"namespace\":\"default\"},\"spec\":{"
          "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
          NULL, NULL);
    check(pods, CUBE_OP_CREATE,
          "{\"metadata\":{\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\","
          "\"image\":\"i\"}]}}",
          NULL, WANT("metadata.name: Required value: name or generateName is required"));
}

static void test_pod_update(void **state)
{
    const cube_resource_t *pods = res("", "v1", "pods");
    const char *old = POD_WITH("[{\"name\":\"c\",\"image\":\"nginx:1\"}]");
    check(pods, CUBE_OP_UPDATE, POD_WITH("[{\"name\":\"c\",\"image\":\"nginx:2\"}]"), old, NULL);
    check(pods, CUBE_OP_UPDATE,
          POD_WITH("[{\"name\":\"c\",\"image\":\"nginx:1\",\"ports\":[{\"containerPort\":80}]}]"),
          old,
          WANT("spec: Forbidden: pod updates may not change fields other than "
               "`spec.containers[*].image`,`spec.initContainers[*].image`,"
               "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
               "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
               "was previously negative)"));
}

/* ---- apps ------------------------------------------------------------------- */

#define DEPLOY(spec) "{" META("web") ",\"spec\":" spec "}"
#define TEMPLATE(labels)                                                                           \
    "\"template\":{\"metadata\":{\"labels\":" labels "},\"spec\":{\"containers\":[{\"name\":"      \
    "\"c\",\"image\":\"i\"}]}}"

static void test_deployment(void **state)
{
    const cube_resource_t *d = res("apps", "v1", "deployments");
    const char *ok = DEPLOY(
        "{\"selector\":{\"matchLabels\":{\"app\":\"web\"}}," TEMPLATE("{\"app\":\"web\"}") "}");
    check(d, CUBE_OP_CREATE, ok, NULL, NULL);
    check(d, CUBE_OP_CREATE,
          DEPLOY("{\"replicas\":-1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}," TEMPLATE(
              "{\"app\":\"web\"}") "}"),
          NULL, WANT("spec.replicas: Invalid value: -1: must be greater than or equal to 0"));
    check(d, CUBE_OP_CREATE,
          DEPLOY("{\"selector\":{\"matchLabels\":{\"app\":\"web\"}}," TEMPLATE(
              "{\"app\":\"other\",\"tier\":\"x\"}") "}"),
          NULL,
          WANT("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":"
               "\"other\", \"tier\":\"x\"}: `selector` does not match template `labels`"));
    check(d, CUBE_OP_CREATE, DEPLOY("{" TEMPLATE("{\"app\":\"web\"}") "}"), NULL,
          WANT("spec.selector: Required value"));
    check(d, CUBE_OP_CREATE,
          DEPLOY("{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"strategy\":{\"type\":"
                 "\"Bogus\"}," TEMPLATE("{\"app\":\"web\"}") "}"),
          NULL,
          WANT("spec.strategy.type: Unsupported value: \"Bogus\": supported values: "
               "\"Recreate\", \"RollingUpdate\""));
    check(d, CUBE_OP_UPDATE,
          DEPLOY("{\"selector\":{\"matchLabels\":{\"app\":\"web2\"}}," TEMPLATE(
              "{\"app\":\"web2\"}") "}"),
          ok,
          WANT("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
               "\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field "
               "is immutable"));
    check(d, CUBE_OP_UPDATE,
          DEPLOY("{\"replicas\":5,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}," TEMPLATE(
              "{\"app\":\"web\"}") "}"),
          ok, NULL);
}

static void test_statefulset_update(void **state)
{
    const cube_resource_t *s = res("apps", "v1", "statefulsets");
    const char *old = DEPLOY("{\"serviceName\":\"a\",\"selector\":{\"matchLabels\":{\"app\":"
                             "\"web\"}}," TEMPLATE("{\"app\":\"web\"}") "}");
    check(
        s, CUBE_OP_UPDATE,
        DEPLOY("{\"serviceName\":\"b\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}," TEMPLATE(
            "{\"app\":\"web\"}") "}"),
        old,
        WANT("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', "
             "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' "
             "and 'minReadySeconds' are forbidden"));
}

/* ---- services, configmaps, secrets, namespaces ------------------------------ */

static void test_service(void **state)
{
    const cube_resource_t *s = res("", "v1", "services");
    check(s, CUBE_OP_CREATE, "{" META("web") ",\"spec\":{\"ports\":[{\"port\":80}]}}", NULL, NULL);
    check(s, CUBE_OP_CREATE, "{" META("web") ",\"spec\":{}}", NULL,
          WANT("spec.ports: Required value"));
    check(s, CUBE_OP_CREATE, "{" META("web") ",\"spec\":{\"clusterIP\":\"None\"}}", NULL, NULL);
    check(s, CUBE_OP_CREATE, "{" META("web") ",\"spec\":{\"ports\":[{\"port\":0},{\"port\":81}]}}",
          NULL,
          WANT("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
               "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, "
               "inclusive",
               "spec.ports[0].name: Required value", "spec.ports[1].name: Required value"));
    check(s, CUBE_OP_CREATE,
          "{\"metadata\":{\"name\":\"1web\",\"namespace\":\"default\"},\"spec\":{\"ports\":[{"
          "\"port\":80}]}}",
          NULL,
          WANT("metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower "
               "case alphanumeric characters or '-', start with an alphabetic character, and end "
               "with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
               "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"));
    check(s, CUBE_OP_CREATE,
          "{" META("web") ",\"spec\":{\"type\":\"Bogus\",\"ports\":[{\"port\":80}]}}", NULL,
          WANT("spec.type: Unsupported value: \"Bogus\": supported values: \"ClusterIP\", "
               "\"ExternalName\", \"LoadBalancer\", \"NodePort\""));
    const char *old =
        "{" META("web") ",\"spec\":{\"clusterIP\":\"10.0.0.5\",\"clusterIPs\":[\"10.0.0.5\"],"
                        "\"ports\":[{\"port\":80}]}}";
    check(s, CUBE_OP_UPDATE,
          "{" META("web") ",\"spec\":{\"clusterIP\":\"10.0.0.6\",\"clusterIPs\":[\"10.0.0.6\"],"
                          "\"ports\":[{\"port\":80}]}}",
          old,
          WANT("spec.clusterIPs[0]: Invalid value: []string{\"10.0.0.6\"}: may not change once "
               "set"));
}

static void test_configmap_secret(void **state)
{
    const cube_resource_t *cm = res("", "v1", "configmaps");
    check(cm, CUBE_OP_CREATE, "{" META("c") ",\"data\":{\"a.b\":\"x\",\"K_1\":\"y\"}}", NULL, NULL);
    check(cm, CUBE_OP_CREATE, "{" META("c") ",\"data\":{\"bad key\":\"x\"}}", NULL,
          WANT("data[bad key]: Invalid value: \"bad key\": a valid config key must consist of "
               "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
               "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
    check(cm, CUBE_OP_UPDATE, "{" META("c") ",\"immutable\":true,\"data\":{\"a\":\"2\"}}",
          "{" META("c") ",\"immutable\":true,\"data\":{\"a\":\"1\"}}",
          WANT("data: Forbidden: field is immutable when `immutable` is set"));
    const cube_resource_t *sec = res("", "v1", "secrets");
    check(sec, CUBE_OP_CREATE, "{" META("s") ",\"data\":{\"a\":\"not base64!\"}}", NULL,
          WANT("data[a]: Invalid value: \"<value omitted>\": illegal base64 data at input byte "
               "3"));
    check(sec, CUBE_OP_UPDATE,
          "{" META("s") ",\"type\":\"kubernetes.io/tls\",\"data\":{"
                        "\"tls.crt\":\"\",\"tls.key\":\"\"}}",
          "{" META("s") "}",
          WANT("type: Invalid value: \"kubernetes.io/tls\": field is immutable"));
    check(sec, CUBE_OP_CREATE, "{" META("s") ",\"type\":\"kubernetes.io/tls\"}", NULL,
          WANT("data[tls.crt]: Required value", "data[tls.key]: Required value"));
}

static void test_namespace_and_cluster_scope(void **state)
{
    const cube_resource_t *ns = res("", "v1", "namespaces");
    check(ns, CUBE_OP_CREATE, "{\"metadata\":{\"name\":\"dev\"}}", NULL, NULL);
    check(ns, CUBE_OP_CREATE, "{\"metadata\":{\"name\":\"a.b\"}}", NULL,
          WANT("metadata.name: Invalid value: \"a.b\": must not contain dots"));
    check(ns, CUBE_OP_CREATE, "{\"metadata\":{\"name\":\"dev\",\"namespace\":\"x\"}}", NULL,
          WANT("metadata.namespace: Forbidden: not allowed on this type"));
    const cube_resource_t *cm = res("", "v1", "configmaps");
    check(cm, CUBE_OP_CREATE, "{\"metadata\":{\"name\":\"c\"}}", NULL,
          WANT("metadata.namespace: Required value"));
    const cube_resource_t *role = res("rbac.authorization.k8s.io", "v1", "clusterroles");
    check(role, CUBE_OP_CREATE,
          "{\"metadata\":{\"name\":\"system:controller:x\"},\"rules\":[{\"verbs\":[\"get\"],"
          "\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}",
          NULL, NULL);
    check(role, CUBE_OP_CREATE,
          "{\"metadata\":{\"name\":\"a/b\"},\"rules\":[{\"apiGroups\":[\"\"],"
          "\"resources\":[\"pods\"]}]}",
          NULL,
          WANT("metadata.name: Invalid value: \"a/b\": may not contain '/'",
               "rules[0].verbs: Required value: verbs must contain at least one value"));
}

/* ---- batch ------------------------------------------------------------------ */

static void test_job(void **state)
{
    const cube_resource_t *j = res("batch", "v1", "jobs");
    json_auto_t *job = parse("{\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\"},\"spec\":"
                             "{\"template\":{\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":"
                             "\"perl\"}],\"restartPolicy\":\"Never\"}}}}");
    cube_api_default(j, job);
    assert_json(json_object_get(job, "spec"),
                "{\"completions\":1,\"parallelism\":1,\"backoffLimit\":6,\"completionMode\":"
                "\"NonIndexed\",\"suspend\":false,\"podReplacementPolicy\":\"TerminatingOrFailed\","
                "\"template\":{\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":\"perl\","
                "\"imagePullPolicy\":\"Always\",\"resources\":{},\"terminationMessagePath\":\"/dev/"
                "termination-log\",\"terminationMessagePolicy\":\"File\"}],\"restartPolicy\":"
                "\"Never\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
                "\"securityContext\":{},\"schedulerName\":\"default-scheduler\"}}}");
    /* create: the selector is generated from the uid, labels follow */
    json_object_set_new(json_object_get(job, "metadata"), "uid", json_string("u-1"));
    cube_api_prepare(j, CUBE_OP_CREATE, job, NULL);
    assert_json(cube_json_path(job, "spec", "selector", NULL),
                "{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"u-1\"}}");
    assert_json(cube_json_path(job, "metadata", "labels", NULL),
                "{\"batch.kubernetes.io/controller-uid\":\"u-1\",\"batch.kubernetes.io/job-name\":"
                "\"pi\",\"controller-uid\":\"u-1\",\"job-name\":\"pi\"}");
    assert_int_equal(json_integer_value(cube_json_path(job, "metadata", "generation", NULL)), 1);
    assert_json(json_object_get(job, "status"), "{}");
    cube_field_errors_t *fe = cube_field_errors_new();
    cube_api_validate(j, CUBE_OP_CREATE, job, NULL, fe);
    assert_int_equal(cube_field_errors_count(fe), 0);
    cube_field_errors_free(fe);
    /* the template's defaulted Always is refused */
    check(j, CUBE_OP_CREATE,
          "{" META("pi") ",\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"pi\","
                         "\"image\":\"perl\"}]}}}}",
          NULL,
          WANT("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported "
               "values: \"OnFailure\", \"Never\""));
    const cube_resource_t *cj = res("batch", "v1", "cronjobs");
    check(cj, CUBE_OP_CREATE,
          "{" META("c") ",\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{"
                        "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}],\"restartPolicy\":"
                        "\"OnFailure\"}}}}}}",
          NULL, WANT("spec.schedule: Required value"));
    check(cj, CUBE_OP_CREATE,
          "{" META("c") ",\"spec\":{\"schedule\":\"* * *\",\"jobTemplate\":{\"spec\":{"
                        "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
                        "\"i\"}],\"restartPolicy\":\"OnFailure\"}}}}}}",
          NULL,
          WANT("spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: "
               "* * *"));
    json_auto_t *c = parse("{\"spec\":{\"schedule\":\"*/1 * * * *\"}}");
    cube_api_default(cj, c);
    assert_json(c, "{\"spec\":{\"schedule\":\"*/1 * * * *\",\"concurrencyPolicy\":\"Allow\","
                   "\"suspend\":false,\"successfulJobsHistoryLimit\":3,"
                   "\"failedJobsHistoryLimit\":1}}");
}

/* ---- strategies ------------------------------------------------------------- */

static void test_prepare_pod(void **state)
{
    const cube_resource_t *pods = res("", "v1", "pods");
    json_auto_t *pod = parse(POD_WITH("[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":"
                                      "{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]"));
    json_object_set_new(pod, "status", parse("{\"phase\":\"Running\",\"podIP\":\"1.2.3.4\"}"));
    cube_api_default(pods, pod);
    cube_api_prepare(pods, CUBE_OP_CREATE, pod, NULL);
    assert_json(json_object_get(pod, "status"), "{\"phase\":\"Pending\",\"qosClass\":"
                                                "\"Guaranteed\"}");
    assert_null(cube_json_path(pod, "metadata", "generation", NULL));
    json_auto_t *be = parse(POD_WITH("[{\"name\":\"c\",\"image\":\"i\"}]"));
    cube_api_default(pods, be);
    cube_api_prepare(pods, CUBE_OP_CREATE, be, NULL);
    assert_string_equal(cube_json_str(be, "status", "qosClass", NULL), "BestEffort");

    /* update of the main resource keeps the old status */
    json_auto_t *old = json_deep_copy(pod);
    json_object_set_new(old, "status", parse("{\"phase\":\"Running\"}"));
    json_object_set_new(json_object_get(old, "metadata"), "uid", json_string("u"));
    json_auto_t *upd = json_deep_copy(pod);
    json_object_set_new(upd, "status", parse("{\"phase\":\"Failed\"}"));
    cube_api_prepare(pods, CUBE_OP_UPDATE, upd, old);
    assert_json(json_object_get(upd, "status"), "{\"phase\":\"Running\"}");
    assert_string_equal(cube_json_str(upd, "metadata", "uid", NULL), "u");

    /* a status update keeps the old spec */
    json_auto_t *st = json_deep_copy(old);
    json_object_set_new(st, "status", parse("{\"phase\":\"Succeeded\"}"));
    json_object_set_new(json_object_get(st, "spec"), "nodeName", json_string("evil"));
    json_object_set_new(st, "extra", json_true());
    cube_api_prepare(pods, CUBE_OP_UPDATE_STATUS, st, old);
    assert_true(json_equal(json_object_get(st, "spec"), json_object_get(old, "spec")));
    assert_null(json_object_get(st, "extra"));
    assert_string_equal(cube_json_str(st, "status", "phase", NULL), "Succeeded");
}

static void test_prepare_generation_and_status(void **state)
{
    const cube_resource_t *d = res("apps", "v1", "deployments");
    json_auto_t *dep = parse(DEPLOY(
        "{\"selector\":{\"matchLabels\":{\"app\":\"web\"}}," TEMPLATE("{\"app\":\"web\"}") "}"));
    json_object_set_new(dep, "status", parse("{\"replicas\":9}"));
    cube_api_default(d, dep);
    cube_api_prepare(d, CUBE_OP_CREATE, dep, NULL);
    assert_json(json_object_get(dep, "status"), "{}");
    assert_int_equal(json_integer_value(cube_json_path(dep, "metadata", "generation", NULL)), 1);
    /* metadata-only change: same generation; spec change: +1 */
    json_auto_t *old = json_deep_copy(dep);
    json_object_set_new(old, "status", parse("{\"replicas\":1}"));
    json_auto_t *a = json_deep_copy(dep);
    json_object_set_new(json_object_get(a, "metadata"), "labels", parse("{\"x\":\"y\"}"));
    cube_api_prepare(d, CUBE_OP_UPDATE, a, old);
    assert_int_equal(json_integer_value(cube_json_path(a, "metadata", "generation", NULL)), 1);
    assert_json(json_object_get(a, "status"), "{\"replicas\":1}");
    json_auto_t *b = json_deep_copy(dep);
    json_object_set_new(json_object_get(b, "spec"), "replicas", json_integer(3));
    cube_api_prepare(d, CUBE_OP_UPDATE, b, old);
    assert_int_equal(json_integer_value(cube_json_path(b, "metadata", "generation", NULL)), 2);

    const cube_resource_t *svc = res("", "v1", "services");
    json_auto_t *s = parse("{" META("s") ",\"spec\":{\"ports\":[{\"port\":80}]}}");
    cube_api_prepare(svc, CUBE_OP_CREATE, s, NULL);
    assert_json(json_object_get(s, "status"), "{\"loadBalancer\":{}}");
    /* an update without clusterIP keeps the allocated one */
    json_auto_t *sold = json_deep_copy(s);
    json_object_set_new(json_object_get(sold, "spec"), "clusterIP", json_string("10.0.0.7"));
    json_auto_t *s2 = json_deep_copy(s);
    cube_api_prepare(svc, CUBE_OP_UPDATE, s2, sold);
    assert_string_equal(cube_json_str(s2, "spec", "clusterIP", NULL), "10.0.0.7");

    const cube_resource_t *ns = res("", "v1", "namespaces");
    json_auto_t *n = parse("{\"metadata\":{\"name\":\"dev\"}}");
    cube_api_default(ns, n);
    cube_api_prepare(ns, CUBE_OP_CREATE, n, NULL);
    assert_json(n, "{\"metadata\":{\"name\":\"dev\",\"labels\":{\"kubernetes.io/metadata.name\":"
                   "\"dev\"}},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":"
                   "\"Active\"}}");
}

static void test_every_resource_has_a_schema(void **state)
{
    size_t n;
    const cube_resource_t *const *all = cube_api_resources(&n);
    for (size_t i = 0; i < n; i++) {
        const cube_schema_kind_t *k = cube_schema_kind_find(all[i]);
        if (!k)
            fail_msg("no schema for %s/%s %s", all[i]->group, all[i]->version, all[i]->kind);
        assert_non_null(cube_schema_field_find(k->type, "metadata"));
        /* types with /status start from a defined status on create */
        if (all[i]->has_status && strcmp(all[i]->kind, "Node"))
            assert_non_null(k->status_on_create);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pod_valid),
        cmocka_unit_test(test_pod_errors),
        cmocka_unit_test(test_pod_update),
        cmocka_unit_test(test_deployment),
        cmocka_unit_test(test_statefulset_update),
        cmocka_unit_test(test_service),
        cmocka_unit_test(test_configmap_secret),
        cmocka_unit_test(test_namespace_and_cluster_scope),
        cmocka_unit_test(test_job),
        cmocka_unit_test(test_prepare_pod),
        cmocka_unit_test(test_prepare_generation_and_status),
        cmocka_unit_test(test_every_resource_has_a_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
