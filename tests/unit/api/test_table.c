/*
 * Unit tests for src/api/table.c: printer columns, the cells kubectl prints
 * for realistic objects, and field selector attributes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

/* 2023-11-14T22:13:20Z */
#define T0 1700000000
#define T0S "2023-11-14T22:13:20Z"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad JSON literal: %s (line %d)", e.text, e.line);
    return j;
}

static const cube_resource_t *res(const char *group, const char *version, const char *plural)
{
    const cube_resource_t *r = cube_api_resource_find(group, version, plural);
    assert_non_null(r);
    return r;
}

/* Renders one row as kubectl would (ages relative to now), joined with '|'. */
static char *render(const cube_resource_t *r, const json_t *row, time_t now, bool wide)
{
    size_t n;
    const cube_table_column_t *cols = cube_api_table_columns(r, &n);
    assert_int_equal(json_array_size(row), n);
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (cols[i].priority > 0 && !wide)
            continue;
        const json_t *c = json_array_get(row, i);
        if (b.len)
            cube_buf_putc(&b, '|');
        if (cols[i].age && json_is_integer(c)) {
            char age[32];
            cube_time_age((time_t)json_integer_value(c), now, age, sizeof(age));
            cube_buf_puts(&b, age);
        } else if (cols[i].age && json_is_null(c)) {
            cube_buf_puts(&b, "<unknown>");
        } else if (json_is_string(c)) {
            cube_buf_puts(&b, json_string_value(c));
        } else if (json_is_integer(c)) {
            cube_buf_printf(&b, "%" JSON_INTEGER_FORMAT, json_integer_value(c));
        } else if (json_is_boolean(c)) {
            cube_buf_puts(&b, json_is_true(c) ? "true" : "false");
        } else {
            fail_msg("column %s: unexpected cell type %d", cols[i].name, json_typeof(c));
        }
    }
    return cube_buf_steal(&b, NULL);
}

static void expect_row(const cube_resource_t *r, const char *obj_text, time_t now, bool wide,
                       const char *want)
{
    json_t *obj = parse(obj_text);
    json_t *row = cube_api_table_cells(r, obj);
    char *got = render(r, row, now, wide);
    if (strcmp(got, want) != 0)
        fail_msg("%s row\n  got:  %s\n  want: %s", r->plural, got, want);
    free(got);
    json_decref(row);
    json_decref(obj);
}

static void expect_columns(const cube_resource_t *r, const char *want, bool wide)
{
    size_t n;
    const cube_table_column_t *cols = cube_api_table_columns(r, &n);
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (cols[i].priority > 0 && !wide)
            continue;
        cube_buf_printf(&b, "%s%s", b.len ? "|" : "", cols[i].name);
    }
    if (strcmp(b.data, want) != 0)
        fail_msg("%s columns\n  got:  %s\n  want: %s", r->plural, b.data, want);
    cube_buf_clear(&b);
}

/* ---- columns ------------------------------------------------------------- */

static void test_columns(void **state)
{
    expect_columns(res("", "v1", "pods"),
                   "Name|Ready|Status|Restarts|Age|IP|Node|Nominated Node|Readiness Gates", true);
    expect_columns(res("", "v1", "pods"), "Name|Ready|Status|Restarts|Age", false);
    expect_columns(res("apps", "v1", "deployments"),
                   "Name|Ready|Up-to-date|Available|Age|Containers|Images|Selector", true);
    expect_columns(res("", "v1", "services"),
                   "Name|Type|Cluster-IP|External-IP|Port(s)|Age|Selector", true);
    expect_columns(res("", "v1", "nodes"), "Name|Status|Roles|Age|Version", false);
    expect_columns(res("", "v1", "events"), "Last Seen|Type|Reason|Object|Message", false);
    expect_columns(res("", "v1", "events"),
                   "Last Seen|Type|Reason|Object|Subobject|Source|Message|First Seen|Count|Name",
                   true);
    expect_columns(res("batch", "v1", "jobs"), "Name|Status|Completions|Duration|Age", false);
    expect_columns(res("batch", "v1", "cronjobs"),
                   "Name|Schedule|Timezone|Suspend|Active|Last Schedule|Age", false);
    expect_columns(res("", "v1", "secrets"), "Name|Type|Data|Age", false);
    expect_columns(res("rbac.authorization.k8s.io", "v1", "clusterroles"), "Name|Created At",
                   false);
    expect_columns(res("scheduling.k8s.io", "v1", "priorityclasses"),
                   "Name|Value|Global-Default|Age|PreemptionPolicy", false);

    size_t n;
    const cube_table_column_t *cols = cube_api_table_columns(res("", "v1", "pods"), &n);
    assert_string_equal(cols[0].format, "name");
    assert_string_equal(cols[3].type, "string");
    assert_true(cols[4].age);
    assert_false(cols[1].age);
    assert_int_equal(cols[5].priority, 1);
    assert_int_equal(cols[4].priority, 0);
}

/* Every served type has columns, and cells of the right count even for
 * an empty object. */
static void test_every_type_shapes(void **state)
{
    size_t n;
    const cube_resource_t *const *rs = cube_api_resources(&n);
    json_t *empty = json_object();
    json_t *meta = parse("{\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\","
                         "\"creationTimestamp\":\"" T0S "\"}}");
    for (size_t i = 0; i < n; i++) {
        size_t nc;
        const cube_table_column_t *cols = cube_api_table_columns(rs[i], &nc);
        assert_non_null(cols);
        assert_true(nc >= 2);
        bool has_name = false;
        for (size_t j = 0; j < nc; j++) {
            assert_non_null(cols[j].description);
            assert_true(cols[j].description[0] != 0);
            has_name |= strcmp(cols[j].format, "name") == 0;
        }
        assert_true(has_name);
        json_t *row = cube_api_table_cells(rs[i], empty);
        assert_int_equal(json_array_size(row), nc);
        json_decref(row);
        row = cube_api_table_cells(rs[i], meta);
        assert_int_equal(json_array_size(row), nc);
        json_decref(row);
        json_t *attrs = cube_api_field_attrs(rs[i], meta);
        assert_string_equal(cube_json_str(attrs, "metadata.name", NULL), "x");
        assert_string_equal(cube_json_str(attrs, "metadata.namespace", NULL),
                            rs[i]->namespaced ? "ns" : "");
        json_decref(attrs);
    }
    json_decref(empty);
    json_decref(meta);
}

/* ---- pods ---------------------------------------------------------------- */

static void test_pod_running(void **state)
{
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"web-7d4b9c\",\"namespace\":\"default\","
               "\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"nodeName\":\"node1\",\"containers\":[{\"name\":\"web\"}]},"
               "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.0.5\","
               "\"podIPs\":[{\"ip\":\"10.244.0.5\"}],"
               "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
               "\"containerStatuses\":[{\"name\":\"web\",\"ready\":true,\"restartCount\":0,"
               "\"state\":{\"running\":{\"startedAt\":\"" T0S "\"}}}]}}",
               T0 + 3 * 60, true, "web-7d4b9c|1/1|Running|0|3m|10.244.0.5|node1|<none>|<none>");
}

static void test_pod_pending(void **state)
{
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
               "\"status\":{\"phase\":\"Pending\"}}",
               T0 + 5, true, "p|0/2|Pending|0|5s|<none>|<none>|<none>|<none>");
}

static void test_pod_crashloop_restarts(void **state)
{
    time_t now = time(NULL);
    char fin[32], text[1024];
    /* 4h exactly: stays "4h" for the next 59 seconds, so the test cannot flake. */
    cube_time_rfc3339(now - 4 * 3600, fin);
    snprintf(text, sizeof(text),
             "{\"metadata\":{\"name\":\"crash\",\"creationTimestamp\":\"" T0S "\"},"
             "\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
             "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"c\","
             "\"ready\":false,\"restartCount\":5,"
             "\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}},"
             "\"lastState\":{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\","
             "\"finishedAt\":\"%s\"}}}]}}",
             fin);
    expect_row(res("", "v1", "pods"), text, T0, false, "crash|0/1|CrashLoopBackOff|5 (4h ago)|0s");
}

static void test_pod_terminated_reasons(void **state)
{
    /* A completed pod: the container's terminated reason. */
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"done\",\"creationTimestamp\":\"" T0S "\","
               "\"deletionTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":[{\"name\":\"c\","
               "\"ready\":false,\"restartCount\":0,"
               "\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}}",
               T0 + 7200, false, "done|0/1|Completed|0|120m");
    /* No reason: the signal or exit code. */
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"k\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Failed\",\"containerStatuses\":[{\"name\":\"c\","
               "\"state\":{\"terminated\":{\"exitCode\":137,\"signal\":9}}}]}}",
               T0, false, "k|0/1|Signal:9|0|<unknown>");
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"k\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Failed\",\"containerStatuses\":[{\"name\":\"c\","
               "\"state\":{\"terminated\":{\"exitCode\":3}}}]}}",
               T0, false, "k|0/1|ExitCode:3|0|<unknown>");
    /* Status reason wins over the phase (evicted). */
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"e\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Failed\",\"reason\":\"Evicted\"}}",
               T0, false, "e|0/1|Evicted|0|<unknown>");
}

static void test_pod_terminating(void **state)
{
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"t\",\"creationTimestamp\":\"" T0S "\","
               "\"deletionTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"c\","
               "\"ready\":true,\"state\":{\"running\":{}}}]}}",
               T0 + 60, false, "t|1/1|Terminating|0|60s");
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"t\",\"deletionTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Running\",\"reason\":\"NodeLost\"}}",
               T0, false, "t|0/1|Unknown|0|<unknown>");
}

static void test_pod_init_containers(void **state)
{
    const cube_resource_t *r = res("", "v1", "pods");
    /* First of two init containers running. */
    expect_row(r,
               "{\"metadata\":{\"name\":\"i\"},"
               "\"spec\":{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"i2\"}],"
               "\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":["
               "{\"name\":\"i1\",\"state\":{\"running\":{}}},"
               "{\"name\":\"i2\",\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}],"
               "\"containerStatuses\":[{\"name\":\"c\","
               "\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}]}}",
               T0, false, "i|0/1|Init:0/2|0|<unknown>");
    /* First done, second pulling. */
    expect_row(r,
               "{\"metadata\":{\"name\":\"i\"},"
               "\"spec\":{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"i2\"}],"
               "\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":["
               "{\"name\":\"i1\",\"state\":{\"terminated\":{\"exitCode\":0}}},"
               "{\"name\":\"i2\",\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\"}}}]}}",
               T0, false, "i|0/1|Init:ImagePullBackOff|0|<unknown>");
    /* Failed init container. */
    expect_row(r,
               "{\"metadata\":{\"name\":\"i\"},"
               "\"spec\":{\"initContainers\":[{\"name\":\"i1\"}],"
               "\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":["
               "{\"name\":\"i1\",\"restartCount\":2,"
               "\"state\":{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\"}}}]}}",
               T0, false, "i|0/1|Init:Error|2|<unknown>");
    /* A started, ready sidecar counts as a container. */
    expect_row(r,
               "{\"metadata\":{\"name\":\"s\"},"
               "\"spec\":{\"initContainers\":[{\"name\":\"side\",\"restartPolicy\":\"Always\"}],"
               "\"containers\":[{\"name\":\"c\"}]},"
               "\"status\":{\"phase\":\"Running\",\"conditions\":["
               "{\"type\":\"Initialized\",\"status\":\"True\"},"
               "{\"type\":\"Ready\",\"status\":\"True\"}],"
               "\"initContainerStatuses\":[{\"name\":\"side\",\"started\":true,\"ready\":true,"
               "\"state\":{\"running\":{}}}],"
               "\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,"
               "\"state\":{\"running\":{}}}]}}",
               T0, false, "s|2/2|Running|0|<unknown>");
}

static void test_pod_gates_and_nomination(void **state)
{
    expect_row(res("", "v1", "pods"),
               "{\"metadata\":{\"name\":\"g\"},"
               "\"spec\":{\"containers\":[{\"name\":\"c\"}],\"readinessGates\":["
               "{\"conditionType\":\"example.com/a\"},{\"conditionType\":\"example.com/b\"}]},"
               "\"status\":{\"phase\":\"Pending\",\"nominatedNodeName\":\"n2\","
               "\"conditions\":[{\"type\":\"example.com/a\",\"status\":\"True\"},"
               "{\"type\":\"example.com/b\",\"status\":\"False\"},"
               "{\"type\":\"PodScheduled\",\"status\":\"False\",\"reason\":\"SchedulingGated\"}]}}",
               T0, true, "g|0/1|SchedulingGated|0|<unknown>|<none>|<none>|n2|1/2");
}

/* ---- workloads ------------------------------------------------------------- */

static void test_deployment(void **state)
{
    expect_row(res("apps", "v1", "deployments"),
               "{\"metadata\":{\"name\":\"nginx\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"nginx\"}},"
               "\"template\":{\"spec\":{\"containers\":["
               "{\"name\":\"nginx\",\"image\":\"nginx:1.25\"},"
               "{\"name\":\"log\",\"image\":\"busybox\"}]}}},"
               "\"status\":{\"replicas\":3,\"readyReplicas\":2,\"updatedReplicas\":3,"
               "\"availableReplicas\":2}}",
               T0 + 86400 * 3, true, "nginx|2/3|3|2|3d|nginx,log|nginx:1.25,busybox|app=nginx");
    /* A fresh deployment without status. */
    expect_row(res("apps", "v1", "deployments"),
               "{\"metadata\":{\"name\":\"d\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"replicas\":1,\"selector\":{\"matchExpressions\":["
               "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"web\",\"api\"]},"
               "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"}],"
               "\"matchLabels\":{\"app\":\"d\"}}}}",
               T0 + 1, true, "d|0/1|0|0|1s|||app=d,!canary,tier in (api,web)");
}

static void test_replicaset_statefulset_daemonset(void **state)
{
    expect_row(res("apps", "v1", "replicasets"),
               "{\"metadata\":{\"name\":\"nginx-5d8\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"nginx\","
               "\"pod-template-hash\":\"5d8\"}},\"template\":{\"spec\":{\"containers\":["
               "{\"name\":\"nginx\",\"image\":\"nginx\"}]}}},"
               "\"status\":{\"replicas\":2,\"readyReplicas\":1}}",
               T0 + 30, true, "nginx-5d8|2|2|1|30s|nginx|nginx|app=nginx,pod-template-hash=5d8");
    expect_row(res("apps", "v1", "statefulsets"),
               "{\"metadata\":{\"name\":\"db\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"replicas\":3},\"status\":{\"readyReplicas\":3}}",
               T0 + 30, false, "db|3/3|30s");
    expect_row(res("apps", "v1", "daemonsets"),
               "{\"metadata\":{\"name\":\"proxy\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"selector\":{\"matchLabels\":{\"k\":\"p\"}},\"template\":{\"spec\":{"
               "\"nodeSelector\":{\"kubernetes.io/os\":\"linux\"},"
               "\"containers\":[{\"name\":\"p\",\"image\":\"proxy:1\"}]}}},"
               "\"status\":{\"desiredNumberScheduled\":2,\"currentNumberScheduled\":2,"
               "\"numberReady\":1,\"updatedNumberScheduled\":2,\"numberAvailable\":1}}",
               T0 + 30, true, "proxy|2|2|1|2|1|kubernetes.io/os=linux|30s|p|proxy:1|k=p");
}

static void test_jobs(void **state)
{
    const cube_resource_t *r = res("batch", "v1", "jobs");
    expect_row(r,
               "{\"metadata\":{\"name\":\"pi\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"completions\":1,\"parallelism\":1,"
               "\"selector\":{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"u\"}},"
               "\"template\":{\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":\"perl\"}]}}},"
               "\"status\":{\"succeeded\":1,\"startTime\":\"" T0S "\","
               "\"completionTime\":\"2023-11-14T22:13:32Z\","
               "\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}}",
               T0 + 600, true,
               "pi|Complete|1/1|12s|10m|pi|perl|batch.kubernetes.io/controller-uid=u");
    /* Running: the duration counts from the start time. */
    expect_row(r,
               "{\"metadata\":{\"name\":\"w\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"parallelism\":3},"
               "\"status\":{\"active\":3,\"startTime\":\"" T0S "\"}}",
               T0 + 90, false, "w|Running|0/1 of 3|90s|90s");
    expect_row(r,
               "{\"metadata\":{\"name\":\"f\"},\"spec\":{\"completions\":2},"
               "\"status\":{\"failed\":1,\"conditions\":["
               "{\"type\":\"FailureTarget\",\"status\":\"True\"},"
               "{\"type\":\"Failed\",\"status\":\"True\"}]}}",
               T0, false, "f|Failed|0/2||<unknown>");
    expect_row(res("batch", "v1", "cronjobs"),
               "{\"metadata\":{\"name\":\"hello\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"schedule\":\"*/1 * * * *\",\"suspend\":false},"
               "\"status\":{}}",
               T0 + 60, false, "hello|*/1 * * * *|<none>|False|0|<none>|60s");
    expect_row(res("batch", "v1", "cronjobs"),
               "{\"metadata\":{\"name\":\"hello\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"schedule\":\"@hourly\",\"timeZone\":\"Etc/UTC\",\"suspend\":true},"
               "\"status\":{\"active\":[{\"name\":\"j\"}],"
               "\"lastScheduleTime\":\"2023-11-14T22:14:20Z\"}}",
               T0 + 120, false, "hello|@hourly|Etc/UTC|True|1|60s|2m");
}

/* ---- services, endpoints, nodes ------------------------------------------ */

static void test_services(void **state)
{
    const cube_resource_t *r = res("", "v1", "services");
    expect_row(r,
               "{\"metadata\":{\"name\":\"kubernetes\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.1\","
               "\"clusterIPs\":[\"10.96.0.1\"],"
               "\"ports\":[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\","
               "\"targetPort\":6443}]}}",
               T0 + 86400 * 10, true, "kubernetes|ClusterIP|10.96.0.1|<none>|443/TCP|10d|<none>");
    expect_row(r,
               "{\"metadata\":{\"name\":\"web\",\"creationTimestamp\":\"" T0S "\"},"
               "\"spec\":{\"type\":\"NodePort\",\"clusterIPs\":[\"10.96.12.7\"],"
               "\"selector\":{\"app\":\"web\",\"tier\":\"fe\"},"
               "\"ports\":[{\"port\":80,\"protocol\":\"TCP\",\"nodePort\":30080},"
               "{\"port\":53,\"protocol\":\"UDP\",\"nodePort\":30053}]}}",
               T0 + 5, true,
               "web|NodePort|10.96.12.7|<none>|80:30080/TCP,53:30053/UDP|5s|app=web,tier=fe");
    expect_row(r,
               "{\"metadata\":{\"name\":\"lb\"},"
               "\"spec\":{\"type\":\"LoadBalancer\",\"clusterIPs\":[\"10.96.0.9\"],"
               "\"ports\":[{\"port\":80,\"protocol\":\"TCP\",\"nodePort\":31000}]},"
               "\"status\":{\"loadBalancer\":{}}}",
               T0, false, "lb|LoadBalancer|10.96.0.9|<pending>|80:31000/TCP|<unknown>");
    expect_row(r,
               "{\"metadata\":{\"name\":\"lb\"},"
               "\"spec\":{\"type\":\"LoadBalancer\",\"clusterIPs\":[\"10.96.0.9\"],"
               "\"externalIPs\":[\"1.2.3.4\"],"
               "\"ports\":[{\"port\":80,\"protocol\":\"TCP\",\"nodePort\":31000}]},"
               "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"172.18.0.10\"}]}}}",
               T0, false, "lb|LoadBalancer|10.96.0.9|172.18.0.10,1.2.3.4|80:31000/TCP|<unknown>");
    expect_row(
        r,
        "{\"metadata\":{\"name\":\"db\"},"
        "\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"None\",\"clusterIPs\":[\"None\"]}}",
        T0, false, "db|ClusterIP|None|<none>|<none>|<unknown>");
    expect_row(r,
               "{\"metadata\":{\"name\":\"ext\"},"
               "\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}}",
               T0, false, "ext|ExternalName|<none>|example.com|<none>|<unknown>");
}

static void test_endpoints(void **state)
{
    const cube_resource_t *r = res("", "v1", "endpoints");
    expect_row(r,
               "{\"metadata\":{\"name\":\"web\"},\"subsets\":[{\"addresses\":["
               "{\"ip\":\"10.0.0.1\"},{\"ip\":\"10.0.0.2\"},{\"ip\":\"10.0.0.3\"},"
               "{\"ip\":\"10.0.0.4\"}],\"ports\":[{\"port\":80}]}]}",
               T0, false, "web|10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...|<unknown>");
    expect_row(r, "{\"metadata\":{\"name\":\"none\"}}", T0, false, "none|<none>|<unknown>");
    expect_row(res("discovery.k8s.io", "v1", "endpointslices"),
               "{\"metadata\":{\"name\":\"web-abc\"},\"addressType\":\"IPv4\","
               "\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\"}],"
               "\"endpoints\":[{\"addresses\":[\"10.0.0.1\"]},{\"addresses\":[\"10.0.0.2\"]}]}",
               T0, false, "web-abc|IPv4|80|10.0.0.1,10.0.0.2|<unknown>");
}

static void test_nodes(void **state)
{
    const cube_resource_t *r = res("", "v1", "nodes");
    expect_row(r,
               "{\"metadata\":{\"name\":\"node1\",\"creationTimestamp\":\"" T0S "\","
               "\"labels\":{\"kubernetes.io/hostname\":\"node1\","
               "\"node-role.kubernetes.io/control-plane\":\"\","
               "\"node-role.kubernetes.io/etcd\":\"true\"}},"
               "\"spec\":{},"
               "\"status\":{\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\"},"
               "{\"type\":\"Ready\",\"status\":\"True\"}],"
               "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.168.1.10\"},"
               "{\"type\":\"Hostname\",\"address\":\"node1\"}],"
               "\"nodeInfo\":{\"kubeletVersion\":\"v1.32.0+cube.1\","
               "\"osImage\":\"Debian GNU/Linux 12 (bookworm)\","
               "\"kernelVersion\":\"6.1.0-18-amd64\","
               "\"containerRuntimeVersion\":\"containerd://1.6.20\"}}}",
               T0 + 3600 * 5, true,
               "node1|Ready|control-plane,etcd|5h|v1.32.0+cube.1|192.168.1.10|<none>|"
               "Debian GNU/Linux 12 (bookworm)|6.1.0-18-amd64|containerd://1.6.20");
    expect_row(r,
               "{\"metadata\":{\"name\":\"n2\",\"labels\":{\"kubernetes.io/role\":\"worker\"}},"
               "\"spec\":{\"unschedulable\":true},"
               "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}",
               T0, true,
               "n2|NotReady,SchedulingDisabled|worker|<unknown>||<none>|<none>|<unknown>|"
               "<unknown>|<unknown>");
    expect_row(r, "{\"metadata\":{\"name\":\"n3\"},\"spec\":{\"unschedulable\":true}}", T0, false,
               "n3|Unknown,SchedulingDisabled|<none>|<unknown>|");
}

/* ---- events -------------------------------------------------------------- */

static void test_events(void **state)
{
    expect_row(res("", "v1", "events"),
               "{\"metadata\":{\"name\":\"web.17a2b\",\"namespace\":\"default\"},"
               "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"web\",\"namespace\":\"default\","
               "\"fieldPath\":\"spec.containers{web}\"},"
               "\"reason\":\"Pulled\",\"message\":\"  Successfully pulled image \\\"nginx\\\"\\n\","
               "\"source\":{\"component\":\"kubelet\",\"host\":\"node1\"},"
               "\"firstTimestamp\":\"" T0S "\",\"lastTimestamp\":\"2023-11-14T22:15:20Z\","
               "\"count\":3,\"type\":\"Normal\"}",
               T0 + 600, true,
               "8m|Normal|Pulled|pod/web|spec.containers{web}|kubelet, node1|"
               "Successfully pulled image \"nginx\"|10m|3|web.17a2b");
    /* New-style event (eventTime, no count) seen through core/v1. */
    expect_row(res("", "v1", "events"),
               "{\"metadata\":{\"name\":\"e\"},"
               "\"involvedObject\":{\"kind\":\"Node\",\"name\":\"node1\"},"
               "\"reason\":\"RegisteredNode\",\"message\":\"registered\","
               "\"eventTime\":\"2023-11-14T22:13:20.123456Z\","
               "\"reportingComponent\":\"node-controller\","
               "\"reportingInstance\":\"\",\"type\":\"Normal\"}",
               T0 + 30, true,
               "30s|Normal|RegisteredNode|node/node1||node-controller|registered|30s|1|e");
    /* events.k8s.io/v1 names, with a series. */
    expect_row(res("events.k8s.io", "v1", "events"),
               "{\"metadata\":{\"name\":\"s\"},"
               "\"regarding\":{\"kind\":\"Deployment\",\"name\":\"web\"},"
               "\"reason\":\"ScalingReplicaSet\",\"note\":\"Scaled up\","
               "\"eventTime\":\"" T0S "\",\"reportingController\":\"deployment-controller\","
               "\"series\":{\"count\":4,\"lastObservedTime\":\"2023-11-14T22:14:20.000000Z\"},"
               "\"type\":\"Normal\"}",
               T0 + 120, true,
               "60s|Normal|ScalingReplicaSet|deployment/web||deployment-controller|Scaled up|"
               "2m|4|s");
}

/* ---- the rest ------------------------------------------------------------ */

static void test_core_misc(void **state)
{
    expect_row(res("", "v1", "namespaces"),
               "{\"metadata\":{\"name\":\"kube-system\",\"creationTimestamp\":\"" T0S "\"},"
               "\"status\":{\"phase\":\"Active\"}}",
               T0 + 86400 * 400, false, "kube-system|Active|400d");
    expect_row(res("", "v1", "configmaps"),
               "{\"metadata\":{\"name\":\"kube-root-ca.crt\"},\"data\":{\"ca.crt\":\"x\"},"
               "\"binaryData\":{\"b\":\"AA==\"}}",
               T0, false, "kube-root-ca.crt|2|<unknown>");
    expect_row(res("", "v1", "secrets"),
               "{\"metadata\":{\"name\":\"s\"},\"type\":\"Opaque\","
               "\"data\":{\"a\":\"YQ==\",\"b\":\"Yg==\"}}",
               T0, false, "s|Opaque|2|<unknown>");
    expect_row(res("", "v1", "serviceaccounts"), "{\"metadata\":{\"name\":\"default\"}}", T0, false,
               "default|0|<unknown>");
    expect_row(res("", "v1", "limitranges"),
               "{\"metadata\":{\"name\":\"lr\",\"creationTimestamp\":\"" T0S "\"}}", T0, false,
               "lr|" T0S);
    expect_row(res("", "v1", "resourcequotas"),
               "{\"metadata\":{\"name\":\"q\"},\"status\":{"
               "\"hard\":{\"pods\":\"10\",\"requests.cpu\":\"4\",\"limits.memory\":\"8Gi\"},"
               "\"used\":{\"pods\":\"3\",\"requests.cpu\":\"500m\"}}}",
               T0, false, "q|<unknown>|pods: 3/10, requests.cpu: 500m/4|limits.memory: 0/8Gi");
    expect_row(res("", "v1", "persistentvolumeclaims"),
               "{\"metadata\":{\"name\":\"data\"},\"spec\":{\"volumeName\":\"pv1\","
               "\"storageClassName\":\"standard\",\"volumeMode\":\"Filesystem\"},"
               "\"status\":{\"phase\":\"Bound\",\"capacity\":{\"storage\":\"1Gi\"},"
               "\"accessModes\":[\"ReadWriteOnce\"]}}",
               T0, true, "data|Bound|pv1|1Gi|RWO|standard|<unset>|<unknown>|Filesystem");
    expect_row(res("", "v1", "persistentvolumes"),
               "{\"metadata\":{\"name\":\"pv1\"},\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},"
               "\"accessModes\":[\"ReadWriteMany\",\"ReadWriteOnce\"],"
               "\"persistentVolumeReclaimPolicy\":\"Retain\","
               "\"claimRef\":{\"namespace\":\"default\",\"name\":\"data\"},"
               "\"storageClassName\":\"standard\"},\"status\":{\"phase\":\"Bound\"}}",
               T0, false, "pv1|1Gi|RWO,RWX|Retain|Bound|default/data|standard|<unset>||<unknown>");
    expect_row(res("", "v1", "replicationcontrollers"),
               "{\"metadata\":{\"name\":\"rc\"},\"spec\":{\"replicas\":2,"
               "\"selector\":{\"app\":\"x\"}},\"status\":{\"replicas\":2,\"readyReplicas\":2}}",
               T0, true, "rc|2|2|2|<unknown>|||app=x");
    expect_row(res("", "v1", "podtemplates"),
               "{\"metadata\":{\"name\":\"pt\"},\"template\":{\"metadata\":{\"labels\":"
               "{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}",
               T0, false, "pt|c|i|a=b");
}

static void test_groups_misc(void **state)
{
    expect_row(res("coordination.k8s.io", "v1", "leases"),
               "{\"metadata\":{\"name\":\"kube-scheduler\"},"
               "\"spec\":{\"holderIdentity\":\"node1_1234\"}}",
               T0, false, "kube-scheduler|node1_1234|<unknown>");
    expect_row(res("storage.k8s.io", "v1", "storageclasses"),
               "{\"metadata\":{\"name\":\"local-path\",\"annotations\":"
               "{\"storageclass.kubernetes.io/is-default-class\":\"true\"}},"
               "\"provisioner\":\"rancher.io/local-path\","
               "\"volumeBindingMode\":\"WaitForFirstConsumer\"}",
               T0, false,
               "local-path (default)|rancher.io/local-path|Delete|WaitForFirstConsumer|false|"
               "<unknown>");
    expect_row(res("scheduling.k8s.io", "v1", "priorityclasses"),
               "{\"metadata\":{\"name\":\"system-node-critical\"},\"value\":2000001000,"
               "\"preemptionPolicy\":\"PreemptLowerPriority\"}",
               T0, false, "system-node-critical|2000001000|false|<unknown>|PreemptLowerPriority");
    expect_row(res("policy", "v1", "poddisruptionbudgets"),
               "{\"metadata\":{\"name\":\"pdb\"},\"spec\":{\"minAvailable\":\"50%\"},"
               "\"status\":{\"disruptionsAllowed\":1}}",
               T0, false, "pdb|50%|N/A|1|<unknown>");
    expect_row(res("networking.k8s.io", "v1", "networkpolicies"),
               "{\"metadata\":{\"name\":\"deny\"},\"spec\":{\"podSelector\":{}}}", T0, false,
               "deny|<none>|<unknown>");
    expect_row(res("networking.k8s.io", "v1", "ingresses"),
               "{\"metadata\":{\"name\":\"ing\"},\"spec\":{\"ingressClassName\":\"nginx\","
               "\"rules\":[{\"host\":\"a.example.com\"},{\"host\":\"b.example.com\"}],"
               "\"tls\":[{\"hosts\":[\"a.example.com\"]}]},"
               "\"status\":{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"lb.example.com\"}]}}}",
               T0, false, "ing|nginx|a.example.com,b.example.com|lb.example.com|80, 443|<unknown>");
    expect_row(res("networking.k8s.io", "v1", "ingressclasses"),
               "{\"metadata\":{\"name\":\"nginx\"},\"spec\":{\"controller\":"
               "\"k8s.io/ingress-nginx\",\"parameters\":{\"apiGroup\":\"k8s.example.com\","
               "\"kind\":\"IngressParameters\",\"name\":\"p\"}}}",
               T0, false,
               "nginx|k8s.io/ingress-nginx|IngressParameters.k8s.example.com/p|<unknown>");
    expect_row(res("autoscaling", "v2", "horizontalpodautoscalers"),
               "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"scaleTargetRef\":{\"kind\":"
               "\"Deployment\",\"name\":\"web\"},\"minReplicas\":1,\"maxReplicas\":10,"
               "\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\","
               "\"target\":{\"type\":\"Utilization\",\"averageUtilization\":50}}}]},"
               "\"status\":{\"currentReplicas\":2,\"currentMetrics\":[{\"type\":\"Resource\","
               "\"resource\":{\"name\":\"cpu\",\"current\":{\"averageUtilization\":23}}}]}}",
               T0, false, "web|Deployment/web|cpu: 23%/50%|1|10|2|<unknown>");
    expect_row(res("autoscaling", "v1", "horizontalpodautoscalers"),
               "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"scaleTargetRef\":{\"kind\":"
               "\"Deployment\",\"name\":\"web\"},\"maxReplicas\":5,"
               "\"targetCPUUtilizationPercentage\":80},\"status\":{\"currentReplicas\":1}}",
               T0, false, "web|Deployment/web|cpu: <unknown>/80%|<unset>|5|1|<unknown>");
    expect_row(res("rbac.authorization.k8s.io", "v1", "rolebindings"),
               "{\"metadata\":{\"name\":\"rb\"},\"roleRef\":{\"kind\":\"ClusterRole\","
               "\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"},"
               "{\"kind\":\"User\",\"name\":\"bob\"},{\"kind\":\"Group\",\"name\":\"devs\"},"
               "{\"kind\":\"ServiceAccount\",\"name\":\"default\",\"namespace\":\"ci\"}]}",
               T0, true, "rb|ClusterRole/view|<unknown>|alice, bob|devs|ci/default");
    expect_row(res("apps", "v1", "controllerrevisions"),
               "{\"metadata\":{\"name\":\"web-5d8\",\"ownerReferences\":[{\"apiVersion\":"
               "\"apps/v1\",\"kind\":\"StatefulSet\",\"name\":\"web\",\"controller\":true}]},"
               "\"revision\":2}",
               T0, false, "web-5d8|statefulset.apps/web|2|<unknown>");
}

/* ---- field selectors ------------------------------------------------------ */

static void test_pod_field_attrs(void **state)
{
    const cube_resource_t *r = res("", "v1", "pods");
    json_t *pod = parse("{\"metadata\":{\"name\":\"web\",\"namespace\":\"prod\"},"
                        "\"spec\":{\"nodeName\":\"node1\",\"restartPolicy\":\"Always\","
                        "\"schedulerName\":\"default-scheduler\","
                        "\"serviceAccountName\":\"default\",\"hostNetwork\":true},"
                        "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.5\","
                        "\"podIPs\":[{\"ip\":\"10.0.0.5\"},{\"ip\":\"fd00::5\"}]}}");
    json_t *a = cube_api_field_attrs(r, pod);
    static const char *const want[][2] = {
        {"metadata.name", "web"},
        {"metadata.namespace", "prod"},
        {"spec.nodeName", "node1"},
        {"spec.restartPolicy", "Always"},
        {"spec.schedulerName", "default-scheduler"},
        {"spec.serviceAccountName", "default"},
        {"spec.hostNetwork", "true"},
        {"status.phase", "Running"},
        {"status.podIP", "10.0.0.5"},
        {"status.nominatedNodeName", ""},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(want); i++) {
        const char *got = cube_json_str(a, want[i][0], NULL);
        if (!got || strcmp(got, want[i][1]) != 0)
            fail_msg("%s: got %s, want %s", want[i][0], got ? got : "(absent)", want[i][1]);
        assert_true(cube_api_field_supported(r, want[i][0]));
    }
    assert_int_equal(json_object_size(a), CUBE_ARRAY_SIZE(want));
    json_decref(a);
    json_decref(pod);

    /* hostNetwork defaults to "false". */
    pod = parse("{\"metadata\":{\"name\":\"p\"}}");
    a = cube_api_field_attrs(r, pod);
    assert_string_equal(cube_json_str(a, "spec.hostNetwork", NULL), "false");
    assert_string_equal(cube_json_str(a, "spec.nodeName", NULL), "");
    json_decref(a);
    json_decref(pod);

    assert_false(cube_api_field_supported(r, "spec.containers"));
    assert_false(cube_api_field_supported(r, "status.hostIP"));
    assert_false(cube_api_field_supported(r, NULL));
}

static void test_event_field_attrs(void **state)
{
    const cube_resource_t *r = res("", "v1", "events");
    json_t *ev = parse("{\"metadata\":{\"name\":\"e\",\"namespace\":\"default\"},"
                       "\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"default\","
                       "\"name\":\"web\",\"uid\":\"u-1\",\"apiVersion\":\"v1\","
                       "\"resourceVersion\":\"42\",\"fieldPath\":\"spec.containers{c}\"},"
                       "\"reason\":\"Started\",\"type\":\"Normal\","
                       "\"reportingComponent\":\"kubelet\","
                       "\"source\":{\"component\":\"kubelet\",\"host\":\"node1\"}}");
    json_t *a = cube_api_field_attrs(r, ev);
    static const char *const want[][2] = {
        {"involvedObject.kind", "Pod"},
        {"involvedObject.namespace", "default"},
        {"involvedObject.name", "web"},
        {"involvedObject.uid", "u-1"},
        {"involvedObject.apiVersion", "v1"},
        {"involvedObject.resourceVersion", "42"},
        {"involvedObject.fieldPath", "spec.containers{c}"},
        {"reason", "Started"},
        {"reportingComponent", "kubelet"},
        {"source", "kubelet"},
        {"type", "Normal"},
        {"metadata.name", "e"},
        {"metadata.namespace", "default"},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(want); i++) {
        const char *got = cube_json_str(a, want[i][0], NULL);
        if (!got || strcmp(got, want[i][1]) != 0)
            fail_msg("%s: got %s, want %s", want[i][0], got ? got : "(absent)", want[i][1]);
        assert_true(cube_api_field_supported(r, want[i][0]));
    }
    json_decref(a);
    json_decref(ev);

    /* source falls back to the reporting controller. */
    ev = parse("{\"metadata\":{\"name\":\"e\"},\"reportingComponent\":\"scheduler\"}");
    a = cube_api_field_attrs(r, ev);
    assert_string_equal(cube_json_str(a, "source", NULL), "scheduler");
    json_decref(a);
    json_decref(ev);

    const cube_resource_t *v1 = res("events.k8s.io", "v1", "events");
    assert_true(cube_api_field_supported(v1, "regarding.name"));
    assert_false(cube_api_field_supported(v1, "involvedObject.name"));
    ev = parse("{\"metadata\":{\"name\":\"e\"},\"regarding\":{\"kind\":\"Node\"}}");
    a = cube_api_field_attrs(v1, ev);
    assert_string_equal(cube_json_str(a, "regarding.kind", NULL), "Node");
    json_decref(a);
    json_decref(ev);
}

static void test_other_field_attrs(void **state)
{
    json_t *o = parse("{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"unschedulable\":true},"
                      "\"status\":{\"replicas\":3,\"succeeded\":2,\"phase\":\"Active\"},"
                      "\"type\":\"kubernetes.io/tls\"}");
    json_t *a = cube_api_field_attrs(res("", "v1", "nodes"), o);
    assert_string_equal(cube_json_str(a, "spec.unschedulable", NULL), "true");
    assert_string_equal(cube_json_str(a, "metadata.namespace", NULL), "");
    json_decref(a);
    a = cube_api_field_attrs(res("apps", "v1", "replicasets"), o);
    assert_string_equal(cube_json_str(a, "status.replicas", NULL), "3");
    json_decref(a);
    a = cube_api_field_attrs(res("batch", "v1", "jobs"), o);
    assert_string_equal(cube_json_str(a, "status.successful", NULL), "2");
    json_decref(a);
    a = cube_api_field_attrs(res("", "v1", "secrets"), o);
    assert_string_equal(cube_json_str(a, "type", NULL), "kubernetes.io/tls");
    json_decref(a);
    a = cube_api_field_attrs(res("", "v1", "namespaces"), o);
    assert_string_equal(cube_json_str(a, "status.phase", NULL), "Active");
    json_decref(a);
    json_decref(o);

    assert_true(cube_api_field_supported(res("", "v1", "secrets"), "type"));
    assert_false(cube_api_field_supported(res("", "v1", "configmaps"), "type"));
    assert_true(cube_api_field_supported(res("", "v1", "configmaps"), "metadata.name"));
    assert_true(cube_api_field_supported(res("", "v1", "services"), "spec.clusterIP"));
    assert_false(cube_api_field_supported(res("apps", "v1", "deployments"), "status.replicas"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_every_type_shapes),
        cmocka_unit_test(test_pod_running),
        cmocka_unit_test(test_pod_pending),
        cmocka_unit_test(test_pod_crashloop_restarts),
        cmocka_unit_test(test_pod_terminated_reasons),
        cmocka_unit_test(test_pod_terminating),
        cmocka_unit_test(test_pod_init_containers),
        cmocka_unit_test(test_pod_gates_and_nomination),
        cmocka_unit_test(test_deployment),
        cmocka_unit_test(test_replicaset_statefulset_daemonset),
        cmocka_unit_test(test_jobs),
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_endpoints),
        cmocka_unit_test(test_nodes),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_core_misc),
        cmocka_unit_test(test_groups_misc),
        cmocka_unit_test(test_pod_field_attrs),
        cmocka_unit_test(test_event_field_attrs),
        cmocka_unit_test(test_other_field_attrs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
