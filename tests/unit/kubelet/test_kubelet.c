/* Unit tests for the kubelet's pure parts: node facts and conditions, the CNI
 * conflist, QoS and resources, environment resolution, pod status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "kubelet/internal.h"

#include <sys/stat.h>

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad JSON in test: %s", e.text);
    return j;
}

/* ---- node ---------------------------------------------------------------------- */

static void test_machine_read(void **state)
{
    kl_machine_t m;
    kl_machine_read("/", &m);
    assert_int_equal(m.cpus, (int)sysconf(_SC_NPROCESSORS_ONLN));
    assert_true(m.mem_kib > 0);
    assert_true(m.fs_bytes > 0);
    assert_true(m.kernel[0] != 0);
    assert_true(m.boot_id[0] != 0);
}

static void test_labels_and_taints(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *l = NULL, *t = NULL;
    assert_int_equal(kl_parse_labels("a=b,x.io/y=z", &l, &err), 0);
    assert_string_equal(cube_json_str(l, "x.io/y", NULL), "z");
    assert_int_equal(json_object_size(l), 2);
    json_auto_t *bad = NULL;
    assert_int_equal(kl_parse_labels("novalue", &bad, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    cube_err_clear(&err);

    assert_int_equal(kl_parse_taints("dedicated=gpu:NoSchedule,evict:NoExecute", &t, &err), 0);
    assert_int_equal(json_array_size(t), 2);
    assert_string_equal(cube_json_str(json_array_get(t, 0), "value", NULL), "gpu");
    assert_string_equal(cube_json_str(json_array_get(t, 1), "effect", NULL), "NoExecute");
    assert_null(json_object_get(json_array_get(t, 1), "value"));
    json_auto_t *t2 = NULL;
    assert_int_equal(kl_parse_taints("k=v:Sometimes", &t2, &err), -1);
    assert_non_null(strstr(err.msg, "invalid taint effect: Sometimes"));
}

static const char *cond_field(const json_t *conds, const char *type, const char *field)
{
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        if (!strcmp(cube_json_str(c, "type", NULL), type))
            return cube_json_str(c, field, NULL);
    }
    return NULL;
}

static void test_node_conditions(void **state)
{
    json_auto_t *ok = kl_node_conditions(NULL, "2026-01-01T00:00:00Z");
    assert_int_equal(json_array_size(ok), 4);
    assert_string_equal(cond_field(ok, "Ready", "status"), "True");
    assert_string_equal(cond_field(ok, "Ready", "reason"), "KubeletReady");
    assert_string_equal(cond_field(ok, "DiskPressure", "reason"), "KubeletHasNoDiskPressure");
    assert_string_equal(cond_field(ok, "PIDPressure", "message"),
                        "kubelet has sufficient PID available");
    json_auto_t *nr = kl_node_conditions("container runtime network not ready: x", "t");
    assert_string_equal(cond_field(nr, "Ready", "status"), "False");
    assert_string_equal(cond_field(nr, "Ready", "reason"), "KubeletNotReady");
    assert_string_equal(cond_field(nr, "Ready", "message"),
                        "container runtime network not ready: x");
}

static void test_node_capacity(void **state)
{
    kl_machine_t m = {.cpus = 2, .mem_kib = 4000000, .fs_bytes = 10240000};
    json_auto_t *c = kl_node_capacity(&m, 110);
    json_auto_t *a = kl_node_allocatable(&m, 110);
    assert_string_equal(cube_json_str(c, "cpu", NULL), "2");
    assert_string_equal(cube_json_str(c, "memory", NULL), "4000000Ki");
    assert_string_equal(cube_json_str(a, "memory", NULL), "3897600Ki"); /* less 100Mi */
    assert_string_equal(cube_json_str(c, "ephemeral-storage", NULL), "10000Ki");
    assert_string_equal(cube_json_str(a, "ephemeral-storage", NULL), "9216000"); /* 90% */
    assert_string_equal(cube_json_str(a, "pods", NULL), "110");
}

/* ---- CNI ----------------------------------------------------------------------- */

static void test_cni_conflist(void **state)
{
    json_auto_t *c = kl_cni_conflist("cni0", "10.42.3.0/24", false, "/var/lib/x");
    json_t *plugins = json_object_get(c, "plugins");
    assert_int_equal(json_array_size(plugins), 3);
    json_t *br = json_array_get(plugins, 0);
    assert_string_equal(cube_json_str(br, "type", NULL), "bridge");
    assert_string_equal(cube_json_str(br, "bridge", NULL), "cni0");
    assert_true(json_is_false(json_object_get(br, "ipMasq")));
    assert_true(json_is_true(json_object_get(br, "isGateway")));
    json_t *range =
        json_array_get(json_array_get(cube_json_path(br, "ipam", "ranges", NULL), 0), 0);
    assert_string_equal(cube_json_str(range, "subnet", NULL), "10.42.3.0/24");
    assert_string_equal(cube_json_str(br, "ipam", "type", NULL), "host-local");
    assert_string_equal(cube_json_str(json_array_get(plugins, 1), "type", NULL), "portmap");
    assert_true(json_is_true(
        cube_json_path(json_array_get(plugins, 1), "capabilities", "portMappings", NULL)));
    assert_string_equal(cube_json_str(json_array_get(plugins, 2), "type", NULL), "loopback");

    /* atomic write; rewriting the same text leaves the file alone */
    char dir[] = "/tmp/kl-cni-XXXXXX";
    assert_non_null(mkdtemp(dir));
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(kl_cni_write(dir, c, &err), 0);
    _cleanup_free_ char *path = xasprintf("%s/10-cube.conflist", dir);
    struct stat s1, s2;
    assert_int_equal(stat(path, &s1), 0);
    assert_int_equal(kl_cni_write(dir, c, &err), 0);
    assert_int_equal(stat(path, &s2), 0);
    assert_int_equal(s1.st_ino, s2.st_ino);
    _cleanup_free_ char *text = NULL;
    assert_int_equal(cube_file_read(path, &text, NULL, &err), 0);
    json_auto_t *back = load(text);
    assert_true(json_equal(back, c));
    unlink(path);
    rmdir(dir);
}

/* ---- QoS, resources, env ----------------------------------------------------------- */

static void test_qos_and_cgroup(void **state)
{
    json_auto_t *be =
        load("{\"metadata\":{\"uid\":\"u1\"},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
    assert_string_equal(kl_qos_class(be), "BestEffort");
    _cleanup_free_ char *cg = kl_cgroup_parent(be);
    assert_string_equal(cg, "/kubepods/besteffort/podu1");
    json_auto_t *g =
        load("{\"metadata\":{\"uid\":\"u2\"},\"spec\":{\"containers\":[{\"name\":\"a\","
             "\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"64Mi\"}}}]}}");
    assert_string_equal(kl_qos_class(g), "Guaranteed");
    _cleanup_free_ char *cg2 = kl_cgroup_parent(g);
    assert_string_equal(cg2, "/kubepods/podu2");
    json_auto_t *b = load("{\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{\"limits\":{"
                          "\"memory\":\"64Mi\"}}}]}}");
    assert_string_equal(kl_qos_class(b), "Burstable");
    json_auto_t *b2 = load("{\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{"
                           "\"requests\":{\"cpu\":\"100m\"},\"limits\":{\"cpu\":\"200m\","
                           "\"memory\":\"1Gi\"}}}]}}");
    assert_string_equal(kl_qos_class(b2), "Burstable");
}

static void test_container_resources(void **state)
{
    kl_resources_t r;
    json_auto_t *c = load("{\"resources\":{\"requests\":{\"cpu\":\"250m\"},\"limits\":{\"cpu\":"
                          "\"1500m\",\"memory\":\"128Mi\"}}}");
    kl_container_resources(c, &r);
    assert_int_equal(r.cpu_shares, 256);
    assert_int_equal(r.cpu_period, 100000);
    assert_int_equal(r.cpu_quota, 150000);
    assert_int_equal(r.memory_limit, 128 * 1024 * 1024);
    json_auto_t *none = load("{}");
    kl_container_resources(none, &r);
    assert_int_equal(r.cpu_shares, 2);
    assert_int_equal(r.cpu_quota, 0);
    assert_int_equal(r.memory_limit, 0);
    json_auto_t *lim = load("{\"resources\":{\"limits\":{\"cpu\":\"2\"}}}");
    kl_container_resources(lim, &r);
    assert_int_equal(r.cpu_shares, 2048); /* requests default to limits */
}

static json_t *lookup(const char *kind, const char *ns, const char *name, void *ud)
{
    (void)ud;
    if (!strcmp(kind, "ConfigMap") && !strcmp(ns, "prod") && !strcmp(name, "cfg"))
        return load("{\"data\":{\"color\":\"blue\",\"size\":\"L\",\"bad-name!\":\"x\"}}");
    if (!strcmp(kind, "Secret") && !strcmp(name, "sec"))
        return load("{\"data\":{\"password\":\"czNjcjN0\"}}"); /* s3cr3t */
    return NULL;
}

static const char *env_val(const json_t *env, const char *name)
{
    size_t i;
    json_t *p;
    const char *v = NULL;
    json_array_foreach(env, i, p)
    {
        if (!strcmp(json_string_value(json_array_get(p, 0)), name))
            v = json_string_value(json_array_get(p, 1));
    }
    return v;
}

static void test_container_env(void **state)
{
    json_auto_t *pod = load(
        "{\"metadata\":{\"name\":\"p\",\"namespace\":\"prod\",\"uid\":\"u\",\"labels\":{\"app\":"
        "\"web\"}},\"spec\":{\"nodeName\":\"n1\"}}");
    json_auto_t *c = load(
        "{\"name\":\"c\",\"resources\":{\"limits\":{\"memory\":\"64Mi\"}},"
        "\"envFrom\":[{\"configMapRef\":{\"name\":\"cfg\"},\"prefix\":\"CM_\"}],"
        "\"env\":[{\"name\":\"A\",\"value\":\"one\"},"
        "{\"name\":\"B\",\"value\":\"$(A)-two-$(NOPE)-$$(A)\"},"
        "{\"name\":\"POD\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}},"
        "{\"name\":\"APP\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.labels['app']\"}}}"
        ","
        "{\"name\":\"NODE\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.nodeName\"}}},"
        "{\"name\":\"IP\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.podIP\"}}},"
        "{\"name\":\"MEM\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":\"limits.memory\","
        "\"divisor\":\"1Mi\"}}},"
        "{\"name\":\"COLOR\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"cfg\",\"key\":"
        "\"color\"}}},"
        "{\"name\":\"PASS\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"sec\",\"key\":\"password\"}"
        "}},"
        "{\"name\":\"CM_size\",\"value\":\"override\"}]}");
    json_auto_t *env = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(kl_container_env(pod, c, "192.0.2.1", "10.0.0.5", lookup, NULL, &env, &err),
                     0);
    assert_string_equal(env_val(env, "CM_color"), "blue");
    assert_null(env_val(env, "CM_bad-name!"));
    assert_string_equal(env_val(env, "CM_size"), "override");
    assert_string_equal(env_val(env, "B"), "one-two-$(NOPE)-$(A)");
    assert_string_equal(env_val(env, "POD"), "p");
    assert_string_equal(env_val(env, "APP"), "web");
    assert_string_equal(env_val(env, "NODE"), "n1");
    assert_string_equal(env_val(env, "IP"), "10.0.0.5");
    assert_string_equal(env_val(env, "MEM"), "64");
    assert_string_equal(env_val(env, "COLOR"), "blue");
    assert_string_equal(env_val(env, "PASS"), "s3cr3t");

    json_auto_t *missing = load("{\"name\":\"c\",\"env\":[{\"name\":\"X\",\"valueFrom\":{"
                                "\"configMapKeyRef\":{\"name\":\"nope\",\"key\":\"k\"}}}]}");
    json_auto_t *env2 = NULL;
    assert_int_equal(kl_container_env(pod, missing, NULL, NULL, lookup, NULL, &env2, &err), -1);
    assert_string_equal(err.msg, "configmap \"nope\" not found");
    cube_err_clear(&err);
    json_auto_t *nokey = load("{\"name\":\"c\",\"env\":[{\"name\":\"X\",\"valueFrom\":{"
                              "\"configMapKeyRef\":{\"name\":\"cfg\",\"key\":\"k\"}}}]}");
    assert_int_equal(kl_container_env(pod, nokey, NULL, NULL, lookup, NULL, &env2, &err), -1);
    assert_string_equal(err.msg, "couldn't find key k in ConfigMap prod/cfg");
    cube_err_clear(&err);
    json_auto_t *opt =
        load("{\"name\":\"c\",\"env\":[{\"name\":\"X\",\"valueFrom\":{"
             "\"secretKeyRef\":{\"name\":\"nope\",\"key\":\"k\",\"optional\":true}}}]}");
    assert_int_equal(kl_container_env(pod, opt, NULL, NULL, lookup, NULL, &env2, &err), 0);
    assert_int_equal(json_array_size(env2), 0);
}

/* ---- pod status ---------------------------------------------------------------------- */

#define S (1000000000LL)

static void add_ctr(kl_pod_state_t *s, const char *name, uint32_t attempt, int state, int exit_code,
                    const char *reason)
{
    s->ctrs = xrealloc(s->ctrs, (s->nctrs + 1) * sizeof(kl_ctr_t));
    kl_ctr_t *c = &s->ctrs[s->nctrs++];
    memset(c, 0, sizeof(*c));
    c->id = xasprintf("%s-%u", name, attempt);
    c->name = xstrdup(name);
    c->image_ref = xstrdup("sha256:abc");
    c->attempt = attempt;
    c->state = state;
    c->exit_code = exit_code;
    c->reason = reason ? xstrdup(reason) : NULL;
    c->created_ns = (1000 + attempt * 10) * S;
    c->started_ns = (1001 + attempt * 10) * S;
    c->finished_ns =
        state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED ? (1005 + attempt * 10) * S : 0;
}

static const char *pcond(const json_t *st, const char *type, const char *field)
{
    return cond_field(json_object_get(st, "conditions"), type, field);
}

static void test_status_running(void **state)
{
    json_auto_t *pod = load("{\"metadata\":{\"uid\":\"u\"},\"spec\":{\"containers\":[{\"name\":"
                            "\"web\",\"image\":\"busybox\"}]}}");
    kl_pod_state_t s = {
        .sandbox_ready = true, .pod_ip = xstrdup("10.1.0.4"), .host_ip = "192.0.2.1"};
    add_ctr(&s, "web", 0, RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED, 1, NULL);
    add_ctr(&s, "web", 1, RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING, 0, NULL);
    json_auto_t *st = kl_pod_status(pod, &s, NULL, 5000);
    assert_string_equal(cube_json_str(st, "phase", NULL), "Running");
    assert_string_equal(cube_json_str(st, "podIP", NULL), "10.1.0.4");
    assert_string_equal(
        cube_json_str(json_array_get(json_object_get(st, "hostIPs"), 0), "ip", NULL), "192.0.2.1");
    assert_string_equal(cube_json_str(st, "qosClass", NULL), "BestEffort");
    json_t *cs = json_array_get(json_object_get(st, "containerStatuses"), 0);
    assert_int_equal(json_integer_value(json_object_get(cs, "restartCount")), 1);
    assert_true(json_is_true(json_object_get(cs, "ready")));
    assert_true(json_is_true(json_object_get(cs, "started")));
    assert_string_equal(cube_json_str(cs, "containerID", NULL), "containerd://web-1");
    assert_string_equal(cube_json_str(cs, "lastState", "terminated", "reason", NULL), "Error");
    assert_int_equal(
        json_integer_value(cube_json_path(cs, "lastState", "terminated", "exitCode", NULL)), 1);
    assert_string_equal(cube_json_str(cs, "state", "running", "startedAt", NULL),
                        "1970-01-01T00:16:51Z");
    assert_string_equal(pcond(st, "Ready", "status"), "True");
    assert_string_equal(pcond(st, "PodReadyToStartContainers", "status"), "True");
    assert_string_equal(pcond(st, "PodScheduled", "status"), "True");
    assert_string_equal(cube_json_str(st, "startTime", NULL), "1970-01-01T01:23:20Z");

    /* nothing changed: equal; transition times and startTime are kept */
    json_auto_t *again = kl_pod_status(pod, &s, st, 9000);
    assert_true(kl_status_equal(st, again));
    /* a readiness probe not yet passing makes it unready, with the condition's message */
    json_auto_t *pod2 =
        load("{\"spec\":{\"containers\":[{\"name\":\"web\",\"readinessProbe\":{}}]}}");
    json_auto_t *st2 = kl_pod_status(pod2, &s, st, 9000);
    assert_false(kl_status_equal(st, st2));
    assert_string_equal(pcond(st2, "Ready", "status"), "False");
    assert_string_equal(pcond(st2, "Ready", "reason"), "ContainersNotReady");
    assert_string_equal(pcond(st2, "Ready", "message"), "containers with unready status: [web]");
    assert_string_equal(pcond(st2, "Ready", "lastTransitionTime"), "1970-01-01T02:30:00Z");
    assert_string_equal(pcond(st2, "PodScheduled", "lastTransitionTime"), "1970-01-01T01:23:20Z");
    kl_pod_state_clear(&s);
}

static void test_status_crashloop_and_phases(void **state)
{
    json_auto_t *pod =
        load("{\"spec\":{\"restartPolicy\":\"Always\",\"containers\":[{\"name\":\"c\"}]}}");
    kl_pod_state_t s = {.sandbox_ready = true};
    add_ctr(&s, "c", 2, RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED, 3, NULL);
    s.waiting = load("{\"c\":{\"reason\":\"CrashLoopBackOff\",\"message\":\"back-off 20s\"}}");
    json_auto_t *st = kl_pod_status(pod, &s, NULL, 5000);
    json_t *cs = json_array_get(json_object_get(st, "containerStatuses"), 0);
    assert_string_equal(cube_json_str(cs, "state", "waiting", "reason", NULL), "CrashLoopBackOff");
    assert_int_equal(
        json_integer_value(cube_json_path(cs, "lastState", "terminated", "exitCode", NULL)), 3);
    assert_int_equal(json_integer_value(json_object_get(cs, "restartCount")), 2);
    assert_string_equal(cube_json_str(st, "phase", NULL), "Running");
    json_decref(s.waiting);
    s.waiting = NULL;

    /* Never: a failed container fails the pod; OnFailure: succeeded ones complete it */
    json_auto_t *never =
        load("{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\"}]}}");
    json_auto_t *st2 = kl_pod_status(never, &s, NULL, 5000);
    assert_string_equal(cube_json_str(st2, "phase", NULL), "Failed");
    assert_string_equal(pcond(st2, "Ready", "reason"), "PodCompleted");
    kl_pod_state_clear(&s);
    s.sandbox_ready = true;
    add_ctr(&s, "c", 0, RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED, 0, "Completed");
    json_auto_t *onf =
        load("{\"spec\":{\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"c\"}]}}");
    json_auto_t *st3 = kl_pod_status(onf, &s, NULL, 5000);
    assert_string_equal(cube_json_str(st3, "phase", NULL), "Succeeded");
    /* a terminal phase never changes back */
    json_auto_t *old = load("{\"phase\":\"Failed\"}");
    json_auto_t *st4 = kl_pod_status(pod, &s, old, 5000);
    assert_string_equal(cube_json_str(st4, "phase", NULL), "Failed");
    kl_pod_state_clear(&s);

    /* OOMKilled keeps the runtime's reason */
    add_ctr(&s, "c", 0, RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED, 137, "OOMKilled");
    json_auto_t *st5 = kl_pod_status(never, &s, NULL, 5000);
    assert_string_equal(cube_json_str(json_array_get(json_object_get(st5, "containerStatuses"), 0),
                                      "state", "terminated", "reason", NULL),
                        "OOMKilled");
    kl_pod_state_clear(&s);
}

static void test_status_init_containers(void **state)
{
    json_auto_t *pod = load("{\"spec\":{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"i2\"}],"
                            "\"containers\":[{\"name\":\"app\"}]}}");
    kl_pod_state_t s = {.sandbox_ready = true};
    add_ctr(&s, "i1", 0, RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED, 0, NULL);
    add_ctr(&s, "i2", 0, RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING, 0, NULL);
    json_auto_t *st = kl_pod_status(pod, &s, NULL, 5000);
    assert_string_equal(cube_json_str(st, "phase", NULL), "Pending");
    assert_string_equal(pcond(st, "Initialized", "status"), "False");
    assert_string_equal(pcond(st, "Initialized", "message"),
                        "containers with incomplete status: [i2]");
    json_t *app = json_array_get(json_object_get(st, "containerStatuses"), 0);
    assert_string_equal(cube_json_str(app, "state", "waiting", "reason", NULL), "PodInitializing");
    assert_int_equal(json_array_size(json_object_get(st, "initContainerStatuses")), 2);
    kl_pod_state_clear(&s);

    /* no sandbox yet: nothing ready to start, app containers creating after init is done */
    json_auto_t *plain = load("{\"spec\":{\"containers\":[{\"name\":\"app\"}]}}");
    kl_pod_state_t none = {0};
    json_auto_t *st2 = kl_pod_status(plain, &none, NULL, 5000);
    assert_string_equal(pcond(st2, "PodReadyToStartContainers", "status"), "False");
    assert_string_equal(cube_json_str(json_array_get(json_object_get(st2, "containerStatuses"), 0),
                                      "state", "waiting", "reason", NULL),
                        "ContainerCreating");
    assert_string_equal(cube_json_str(st2, "phase", NULL), "Pending");
    assert_null(json_object_get(st2, "podIP"));
}

/* ---- CRI logs ------------------------------------------------------------------------ */

static void test_cri_log_decode(void **state)
{
    const char *log = "2026-01-01T00:00:01.5Z stdout F one\n"
                      "2026-01-01T00:00:02Z stderr F two\n"
                      "2026-01-01T00:00:03Z stdout P par\n"
                      "2026-01-01T00:00:04Z stdout F tial\n";
    size_t len = strlen(log);
    cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
    kl_cri_log_decode(log, len, false, -1, &b);
    assert_string_equal(b.data, "one\ntwo\npartial\n");
    cube_buf_clear(&b);
    kl_cri_log_decode(log, len, false, 1, &b);
    assert_string_equal(b.data, "partial\n");
    cube_buf_clear(&b);
    kl_cri_log_decode(log, len, true, 2, &b);
    assert_string_equal(b.data, "2026-01-01T00:00:02Z two\n2026-01-01T00:00:03Z par"
                                "2026-01-01T00:00:04Z tial\n");
    cube_buf_clear(&b);
    kl_cri_log_decode(log, len, false, 0, &b);
    assert_null(b.data);
    kl_cri_log_decode(log, len, false, 10, &b);
    assert_string_equal(b.data, "one\ntwo\npartial\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_machine_read),
        cmocka_unit_test(test_labels_and_taints),
        cmocka_unit_test(test_node_conditions),
        cmocka_unit_test(test_node_capacity),
        cmocka_unit_test(test_cni_conflist),
        cmocka_unit_test(test_qos_and_cgroup),
        cmocka_unit_test(test_container_resources),
        cmocka_unit_test(test_container_env),
        cmocka_unit_test(test_status_running),
        cmocka_unit_test(test_status_crashloop_and_phases),
        cmocka_unit_test(test_status_init_containers),
        cmocka_unit_test(test_cri_log_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
