/*
 * Unit tests for src/scheduler: pod requests as Kubernetes counts them, each
 * filter with its reason, the FitError message, scoring choices, preemption
 * and the scheduling queue. Everything runs on in-memory snapshots.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scheduler/internal.h"

/* ---- helpers ------------------------------------------------------------ */

static json_t *js(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad JSON in test: %s: %s", e.text, text);
    return j;
}

/* A node with cpu, memory (Gi), pods, labels and taints given as JSON fragments. */
static void add_node(sched_snapshot_t *s, const char *name, const char *cpu, const char *mem,
                     const char *labels, const char *taints)
{
    char *t = xasprintf("{\"metadata\":{\"name\":\"%s\",\"labels\":%s},\"spec\":{\"taints\":%s},"
                        "\"status\":{\"allocatable\":{\"cpu\":\"%s\",\"memory\":\"%s\","
                        "\"pods\":\"110\"}}}",
                        name, labels ? labels : "{}", taints ? taints : "[]", cpu, mem);
    json_t *n = js(t);
    sched_snapshot_node_set(s, n);
    json_decref(n);
    free(t);
}

/* A pod from a spec fragment (JSON object body of "spec"), with labels. */
static sched_pod_t *pod(const char *name, const char *labels, const char *spec)
{
    char *t = xasprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\",\"uid\":\"u-%s\","
                        "\"labels\":%s},\"spec\":%s}",
                        name, name, labels ? labels : "{}", spec);
    json_t *o = js(t);
    sched_pod_t *p = sched_pod_new(o);
    json_decref(o);
    free(t);
    return p;
}

static sched_pod_t *pod_req(const char *name, const char *cpu, const char *mem)
{
    char *spec = xasprintf("{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"resources\":{"
                           "\"requests\":{\"cpu\":\"%s\",\"memory\":\"%s\"}}}]}",
                           cpu, mem);
    sched_pod_t *p = pod(name, NULL, spec);
    free(spec);
    return p;
}

/* Places p on node (the snapshot takes it). */
static void bind_to(sched_snapshot_t *s, sched_pod_t *p, const char *node)
{
    p->node = xstrdup(node);
    sched_snapshot_pod_add(s, p);
}

static char *schedule(sched_snapshot_t *s, sched_pod_t *p, sched_result_t *r)
{
    uint64_t rng = 42;
    sched_schedule(s, p, 0, &rng, r);
    return r->node;
}

/* ---- requests ----------------------------------------------------------- */

static void test_requests_init_and_sidecars(void **state)
{
    /* containers 100m+200m = 300m; init 500m alone is more; sidecar 50m runs beside both:
     * max(300+50, max(500+50? no: init after sidecar: 500+50)) = 550m; overhead 10m. */
    json_t *o = js(
        "{\"metadata\":{\"name\":\"p\"},\"spec\":{"
        "\"initContainers\":["
        "{\"name\":\"side\",\"restartPolicy\":\"Always\",\"resources\":{\"requests\":{\"cpu\":"
        "\"50m\"}}},"
        "{\"name\":\"init\",\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}}}],"
        "\"containers\":["
        "{\"name\":\"a\",\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"100Mi\"}}},"
        "{\"name\":\"b\",\"resources\":{\"limits\":{\"cpu\":\"200m\",\"nvidia.com/gpu\":\"1\"}}}],"
        "\"overhead\":{\"cpu\":\"10m\"}}}");
    sched_res_t r;
    sched_pod_requests(o, false, &r);
    assert_int_equal(r.cpu, 560);
    assert_int_equal(r.mem, 1024LL * 1024 * 1024);
    assert_int_equal(sched_res_scalar(&r, "nvidia.com/gpu"), 1);
    sched_res_clear(&r);
    /* nonzero: container b has no memory request: 200Mi counts for scoring */
    sched_pod_requests(o, true, &r);
    assert_true(r.mem >= 1024LL * 1024 * 1024);
    sched_res_clear(&r);
    json_decref(o);
}

static void test_requests_sidecar_after_init(void **state)
{
    /* an init container before the sidecar does not add it; containers + sidecar win */
    json_t *o =
        js("{\"metadata\":{\"name\":\"p\"},\"spec\":{"
           "\"initContainers\":["
           "{\"name\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"300m\"}}},"
           "{\"name\":\"s\",\"restartPolicy\":\"Always\",\"resources\":{\"requests\":{\"cpu\":"
           "\"100m\"}}}],"
           "\"containers\":[{\"name\":\"a\",\"resources\":{\"requests\":{\"cpu\":\"250m\"}}}]}}");
    sched_res_t r;
    sched_pod_requests(o, false, &r);
    assert_int_equal(r.cpu, 350);
    sched_res_clear(&r);
    json_decref(o);
}

/* ---- filters and the FitError message ------------------------------------ */

static void test_fit_error_message(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "cp", "4", "8Gi", NULL,
             "[{\"key\":\"node-role.kubernetes.io/control-plane\",\"effect\":\"NoSchedule\"}]");
    add_node(&s, "cp2", "4", "8Gi", NULL,
             "[{\"key\":\"node-role.kubernetes.io/control-plane\",\"effect\":\"NoSchedule\"}]");
    add_node(&s, "w1", "1", "8Gi", NULL, NULL);
    sched_pod_t *p = pod_req("big", "2", "1Gi");
    sched_result_t r;
    assert_null(schedule(&s, p, &r));
    assert_string_equal(r.message,
                        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated "
                        "taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes "
                        "are available: 1 No preemption victims found for incoming pod, 2 "
                        "Preemption is not helpful for scheduling.");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_fit_error_sorted_as_strings_and_multiple_reasons(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof(name), "n%d", i);
        add_node(&s, name, "1", "1Gi", NULL, NULL);
    }
    add_node(&s, "x", "1", "1Gi", "{\"a\":\"b\"}",
             "[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoExecute\"}]");
    sched_pod_t *p = pod_req("big", "2", "2Gi");
    sched_result_t r;
    assert_null(schedule(&s, p, &r));
    /* "1 node(s)..." sorts before "10 Insufficient ..." as strings do */
    assert_string_equal(r.message,
                        "0/11 nodes are available: 1 node(s) had untolerated taint {k: v}, 10 "
                        "Insufficient cpu, 10 Insufficient memory. preemption: 0/11 nodes are "
                        "available: 1 Preemption is not helpful for scheduling, 10 No preemption "
                        "victims found for incoming pod.");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_no_nodes(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    sched_pod_t *p = pod_req("a", "1", "1Gi");
    sched_result_t r;
    assert_null(schedule(&s, p, &r));
    assert_string_equal(r.message, "no nodes available to schedule pods");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_resources_count_assigned_and_pods_limit(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "2", "4Gi", NULL, NULL);
    add_node(&s, "b", "2", "4Gi", NULL, NULL);
    bind_to(&s, pod_req("x", "1500m", "1Gi"), "a");
    sched_pod_t *p = pod_req("y", "1", "1Gi");
    sched_result_t r;
    assert_string_equal(schedule(&s, p, &r), "b");
    sched_result_clear(&r);
    /* removing the pod frees its request again */
    sched_pod_free(sched_snapshot_pod_remove(&s, "default/x"));
    assert_int_equal(sched_snapshot_node(&s, "a")->requested.cpu, 0);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_taints_tolerations_and_unschedulable(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "gpu", "4", "8Gi", NULL,
             "[{\"key\":\"gpu\",\"value\":\"yes\",\"effect\":\"NoSchedule\"}]");
    sched_pod_t *p = pod("p", NULL,
                         "{\"containers\":[{\"name\":\"c\"}],\"tolerations\":[{\"key\":\"gpu\","
                         "\"operator\":\"Equal\",\"value\":\"yes\",\"effect\":\"NoSchedule\"}]}");
    sched_pod_t *q = pod("q", NULL,
                         "{\"containers\":[{\"name\":\"c\"}],\"tolerations\":[{\"key\":\"gpu\","
                         "\"operator\":\"Equal\",\"value\":\"no\"}]}");
    sched_result_t r;
    assert_string_equal(schedule(&s, p, &r), "gpu");
    sched_result_clear(&r);
    assert_null(schedule(&s, q, &r));
    assert_non_null(strstr(r.message, "1 node(s) had untolerated taint {gpu: yes}."));
    sched_result_clear(&r);

    json_t *n = js("{\"metadata\":{\"name\":\"gpu\"},\"spec\":{\"unschedulable\":true},"
                   "\"status\":{\"allocatable\":{\"cpu\":\"4\",\"pods\":\"10\"}}}");
    sched_snapshot_node_set(&s, n);
    json_decref(n);
    assert_null(schedule(&s, p, &r));
    assert_string_equal(r.message, "0/1 nodes are available: 1 node(s) were unschedulable. "
                                   "preemption: 0/1 nodes are available: 1 Preemption is not "
                                   "helpful for scheduling.");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_pod_free(q);
    sched_snapshot_clear(&s);
}

static void test_node_affinity_and_selector(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "4", "8Gi", "{\"zone\":\"z1\",\"size\":\"10\"}", NULL);
    add_node(&s, "b", "4", "8Gi", "{\"zone\":\"z2\",\"size\":\"20\"}", NULL);
    sched_pod_t *p =
        pod("p", NULL, "{\"containers\":[{\"name\":\"c\"}],\"nodeSelector\":{\"zone\":\"z2\"}}");
    sched_result_t r;
    assert_string_equal(schedule(&s, p, &r), "b");
    sched_result_clear(&r);
    sched_pod_free(p);
    p = pod(
        "p", NULL,
        "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"nodeAffinity\":{"
        "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":["
        "{\"matchExpressions\":[{\"key\":\"size\",\"operator\":\"Lt\",\"values\":[\"15\"]}]}]}}}}");
    assert_string_equal(schedule(&s, p, &r), "a");
    sched_result_clear(&r);
    sched_pod_free(p);
    p = pod("p", NULL, "{\"containers\":[{\"name\":\"c\"}],\"nodeSelector\":{\"zone\":\"z9\"}}");
    assert_null(schedule(&s, p, &r));
    assert_non_null(strstr(r.message, "2 node(s) didn't match Pod's node affinity/selector."));
    sched_result_clear(&r);
    sched_pod_free(p);
    /* preferred terms decide between two feasible nodes */
    p = pod(
        "p", NULL,
        "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"nodeAffinity\":{"
        "\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":50,\"preference\":"
        "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"z1\"]}]}}]}}}");
    for (int i = 0; i < 5; i++) {
        assert_string_equal(schedule(&s, p, &r), "a");
        sched_result_clear(&r);
    }
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_host_ports(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "4", "8Gi", NULL, NULL);
    const char *spec = "{\"containers\":[{\"name\":\"c\",\"ports\":[{\"containerPort\":80,"
                       "\"hostPort\":8080}]}]}";
    bind_to(&s, pod("x", NULL, spec), "a");
    sched_pod_t *p = pod("y", NULL, spec);
    sched_result_t r;
    assert_null(schedule(&s, p, &r));
    assert_non_null(
        strstr(r.message, "1 node(s) didn't have free ports for the requested pod ports."));
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static const char *anti_spec =
    "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"podAntiAffinity\":{"
    "\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{\"matchLabels\":"
    "{\"app\":\"web\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}}";

static void test_pod_anti_affinity(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "4", "8Gi", "{\"kubernetes.io/hostname\":\"a\"}", NULL);
    add_node(&s, "b", "4", "8Gi", "{\"kubernetes.io/hostname\":\"b\"}", NULL);
    sched_result_t r;
    for (int i = 0; i < 2; i++) {
        char name[8];
        snprintf(name, sizeof(name), "w%d", i);
        sched_pod_t *p = pod(name, "{\"app\":\"web\"}", anti_spec);
        assert_non_null(schedule(&s, p, &r));
        p->node = xstrdup(r.node);
        sched_snapshot_pod_add(&s, p);
        sched_result_clear(&r);
    }
    assert_int_equal(sched_snapshot_node(&s, "a")->npods, 1);
    assert_int_equal(sched_snapshot_node(&s, "b")->npods, 1);
    sched_pod_t *p = pod("w2", "{\"app\":\"web\"}", anti_spec);
    assert_null(schedule(&s, p, &r));
    /* existing pods' anti-affinity is checked first */
    assert_non_null(
        strstr(r.message, "2 node(s) didn't satisfy existing pods anti-affinity rules."));
    sched_result_clear(&r);
    sched_pod_free(p);
    /* a pod without anti-affinity itself is still kept away by the existing pods' terms */
    p = pod("plain", "{\"app\":\"web\"}", "{\"containers\":[{\"name\":\"c\"}]}");
    assert_null(schedule(&s, p, &r));
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_pod_affinity_first_pod_and_follow(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "4", "8Gi", "{\"zone\":\"z1\"}", NULL);
    add_node(&s, "b", "4", "8Gi", "{\"zone\":\"z2\"}", NULL);
    add_node(&s, "c", "4", "8Gi", NULL, NULL);
    const char *spec = "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"podAffinity\":{"
                       "\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{"
                       "\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":\"zone\"}]}}}";
    /* no db pod yet, and the pod is not a db itself: nowhere */
    sched_pod_t *p = pod("cache", "{\"app\":\"cache\"}", spec);
    sched_result_t r;
    assert_null(schedule(&s, p, &r));
    assert_non_null(strstr(r.message, "3 node(s) didn't match pod affinity rules."));
    sched_result_clear(&r);
    /* a db pod in z2 pulls it there */
    bind_to(&s, pod("db", "{\"app\":\"db\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "b");
    assert_string_equal(schedule(&s, p, &r), "b");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);

    /* the first pod of a self-affine group goes anywhere its topology key exists */
    sched_snapshot_init(&s);
    add_node(&s, "c", "4", "8Gi", NULL, NULL);
    add_node(&s, "a", "4", "8Gi", "{\"zone\":\"z1\"}", NULL);
    p = pod("db1", "{\"app\":\"db\"}", spec);
    assert_string_equal(schedule(&s, p, &r), "a");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_topology_spread(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "8", "8Gi", "{\"zone\":\"z1\"}", NULL);
    add_node(&s, "b", "8", "8Gi", "{\"zone\":\"z2\"}", NULL);
    add_node(&s, "nolabel", "8", "8Gi", NULL, NULL);
    const char *spec = "{\"containers\":[{\"name\":\"c\"}],\"topologySpreadConstraints\":[{"
                       "\"maxSkew\":1,\"topologyKey\":\"zone\",\"whenUnsatisfiable\":"
                       "\"DoNotSchedule\",\"labelSelector\":{\"matchLabels\":{\"app\":\"s\"}}}]}";
    bind_to(&s, pod("s0", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    bind_to(&s, pod("s1", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    bind_to(&s, pod("s2", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "b");
    sched_pod_t *p = pod("s3", "{\"app\":\"s\"}", spec);
    sched_result_t r;
    /* z1 has 2, z2 has 1: only z2 keeps the skew at 1 */
    for (int i = 0; i < 5; i++) {
        uint64_t rng = (uint64_t)i + 1;
        sched_schedule(&s, p, (uint64_t)i, &rng, &r);
        assert_string_equal(r.node, "b");
        sched_result_clear(&r);
    }
    bind_to(&s, pod("s4", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "b");
    bind_to(&s, pod("s5", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "b");
    /* z1 2, z2 3: z2 would make skew 2 */
    assert_string_equal(schedule(&s, p, &r), "a");
    sched_result_clear(&r);
    bind_to(&s, pod("s6", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    bind_to(&s, pod("s7", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    /* z1 4, z2 3: z1 gives skew 2; the node without the key is unresolvable */
    assert_string_equal(schedule(&s, p, &r), "b");
    sched_result_clear(&r);
    /* removals count too (the memoised domain counts follow them): z1 1, z2 3 */
    sched_pod_free(sched_snapshot_pod_remove(&s, "default/s0"));
    sched_pod_free(sched_snapshot_pod_remove(&s, "default/s1"));
    sched_pod_free(sched_snapshot_pod_remove(&s, "default/s6"));
    assert_string_equal(schedule(&s, p, &r), "a");
    sched_result_clear(&r);
    bind_to(&s, pod("s8", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    bind_to(&s, pod("s9", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    bind_to(&s, pod("s10", "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    sched_pod_free(p);
    /* maxSkew 1 with minDomains 3 and two domains: global minimum counts as 0 */
    p = pod("m", "{\"app\":\"s\"}",
            "{\"containers\":[{\"name\":\"c\"}],\"topologySpreadConstraints\":[{\"maxSkew\":1,"
            "\"minDomains\":3,\"topologyKey\":\"zone\",\"whenUnsatisfiable\":\"DoNotSchedule\","
            "\"labelSelector\":{\"matchLabels\":{\"app\":\"s\"}}}]}");
    assert_null(schedule(&s, p, &r));
    assert_string_equal(r.message,
                        "0/3 nodes are available: 1 node(s) didn't match pod topology spread "
                        "constraints (missing required label), 2 node(s) didn't match pod "
                        "topology spread constraints. preemption: 0/3 nodes are available: 1 "
                        "Preemption is not helpful for scheduling, 2 No preemption victims found "
                        "for incoming pod.");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_least_allocated_prefers_emptier_node(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "busy", "4", "8Gi", NULL, NULL);
    add_node(&s, "idle", "4", "8Gi", NULL, NULL);
    bind_to(&s, pod_req("x", "3", "6Gi"), "busy");
    sched_pod_t *p = pod_req("y", "100m", "100Mi");
    sched_result_t r;
    for (int i = 0; i < 5; i++) {
        uint64_t rng = (uint64_t)i + 7;
        sched_schedule(&s, p, (uint64_t)i, &rng, &r);
        assert_string_equal(r.node, "idle");
        sched_result_clear(&r);
    }
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_prefer_no_schedule_taint_scored(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "soft", "4", "8Gi", NULL,
             "[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"PreferNoSchedule\"}]");
    add_node(&s, "clean", "4", "8Gi", NULL, NULL);
    sched_pod_t *p = pod_req("y", "100m", "100Mi");
    sched_result_t r;
    for (int i = 0; i < 5; i++) {
        uint64_t rng = (uint64_t)i + 3;
        sched_schedule(&s, p, (uint64_t)i, &rng, &r);
        assert_string_equal(r.node, "clean");
        sched_result_clear(&r);
    }
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_ties_broken_randomly(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "4", "8Gi", NULL, NULL);
    add_node(&s, "b", "4", "8Gi", NULL, NULL);
    add_node(&s, "c", "4", "8Gi", NULL, NULL);
    sched_pod_t *p = pod_req("y", "100m", "100Mi");
    int seen[3] = {0};
    uint64_t rng = 12345;
    for (int i = 0; i < 60; i++) {
        sched_result_t r;
        sched_schedule(&s, p, 0, &rng, &r);
        seen[r.node[0] - 'a']++;
        sched_result_clear(&r);
    }
    assert_true(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_nodes_to_find(void **state)
{
    assert_int_equal(sched_nodes_to_find(50), 50);
    assert_int_equal(sched_nodes_to_find(100), 100);
    assert_int_equal(sched_nodes_to_find(1000), 420); /* 50 - 8 = 42% */
    assert_int_equal(sched_nodes_to_find(5000), 500); /* 50 - 40 = 10% */
    assert_int_equal(sched_nodes_to_find(10000), 500); /* floor of 5% */
    assert_int_equal(sched_nodes_to_find(150), 100);
}

static void test_start_index_advances(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    for (int i = 0; i < 300; i++) {
        char name[16];
        snprintf(name, sizeof(name), "n%03d", i);
        add_node(&s, name, "4", "8Gi", NULL, NULL);
    }
    sched_pod_t *p = pod_req("y", "100m", "100Mi");
    sched_result_t r;
    uint64_t rng = 1;
    /* 300 nodes: 50 - 2 = 48% = 144 nodes to find */
    sched_schedule(&s, p, 250, &rng, &r);
    assert_int_equal(r.next_start, (250 + 144) % 300);
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_namespace_selector_in_affinity_terms(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    json_t *prod = js("{\"team\":\"prod\"}");
    sched_snapshot_ns_set(&s, "other", prod);
    json_decref(prod);
    add_node(&s, "a", "4", "8Gi", "{\"kubernetes.io/hostname\":\"a\"}", NULL);
    add_node(&s, "b", "4", "8Gi", "{\"kubernetes.io/hostname\":\"b\"}", NULL);
    /* a db pod in namespace "other" on a */
    json_t *o = js("{\"metadata\":{\"name\":\"db\",\"namespace\":\"other\",\"labels\":"
                   "{\"app\":\"db\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
    sched_pod_t *db = sched_pod_new(o);
    json_decref(o);
    bind_to(&s, db, "a");
    /* anti-affinity to db pods of namespaces labelled team=prod keeps us off a */
    sched_pod_t *p = pod("x", NULL,
                         "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"podAntiAffinity\":{"
                         "\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{"
                         "\"matchLabels\":{\"app\":\"db\"}},\"namespaceSelector\":{\"matchLabels\":"
                         "{\"team\":\"prod\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}}");
    sched_result_t r;
    for (int i = 0; i < 4; i++) {
        uint64_t rng = (uint64_t)i + 1;
        sched_schedule(&s, p, (uint64_t)i, &rng, &r);
        assert_string_equal(r.node, "b");
        sched_result_clear(&r);
    }
    sched_pod_free(p);
    /* without the namespace selector the term only looks at the pod's own namespace: with b
     * gone, a is fine for it, and still not for x */
    sched_snapshot_node_delete(&s, "b");
    p = pod("y", NULL,
            "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"podAntiAffinity\":{"
            "\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{"
            "\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}}");
    assert_string_equal(schedule(&s, p, &r), "a");
    sched_result_clear(&r);
    sched_pod_free(p);
    p = pod("x", NULL,
            "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"podAntiAffinity\":{"
            "\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{"
            "\"matchLabels\":{\"app\":\"db\"}},\"namespaceSelector\":{},\"topologyKey\":"
            "\"kubernetes.io/hostname\"}]}}}");
    assert_null(schedule(&s, p, &r)); /* an empty namespaceSelector means every namespace */
    assert_non_null(strstr(r.message, "1 node(s) didn't match pod anti-affinity rules."));
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_preferred_pod_affinity_scores(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "4", "8Gi", "{\"zone\":\"z1\"}", NULL);
    add_node(&s, "b", "4", "8Gi", "{\"zone\":\"z2\"}", NULL);
    bind_to(&s, pod("cache", "{\"app\":\"cache\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "b");
    sched_pod_t *p = pod("web", NULL,
                         "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"podAffinity\":{"
                         "\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":100,"
                         "\"podAffinityTerm\":{\"labelSelector\":{\"matchLabels\":{\"app\":"
                         "\"cache\"}},\"topologyKey\":\"zone\"}}]}}}");
    sched_result_t r;
    for (int i = 0; i < 5; i++) {
        uint64_t rng = (uint64_t)i + 1;
        sched_schedule(&s, p, (uint64_t)i, &rng, &r);
        assert_string_equal(r.node, "b");
        sched_result_clear(&r);
    }
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_soft_spread_and_image_locality(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "8", "8Gi", "{\"zone\":\"z1\"}", NULL);
    add_node(&s, "b", "8", "8Gi", "{\"zone\":\"z2\"}", NULL);
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof(name), "s%d", i);
        bind_to(&s, pod(name, "{\"app\":\"s\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    }
    /* ScheduleAnyway: the emptier zone wins on score */
    sched_pod_t *p =
        pod("n", "{\"app\":\"s\"}",
            "{\"containers\":[{\"name\":\"c\"}],\"topologySpreadConstraints\":[{"
            "\"maxSkew\":1,\"topologyKey\":\"zone\",\"whenUnsatisfiable\":"
            "\"ScheduleAnyway\",\"labelSelector\":{\"matchLabels\":{\"app\":\"s\"}}}]}");
    sched_result_t r;
    for (int i = 0; i < 5; i++) {
        uint64_t rng = (uint64_t)i + 1;
        sched_schedule(&s, p, (uint64_t)i, &rng, &r);
        assert_string_equal(r.node, "b");
        sched_result_clear(&r);
    }
    sched_pod_free(p);
    sched_snapshot_clear(&s);

    /* a node that has the (large) image already is preferred */
    sched_snapshot_init(&s);
    add_node(&s, "cold", "8", "8Gi", NULL, NULL);
    json_t *n = js("{\"metadata\":{\"name\":\"warm\"},\"status\":{\"allocatable\":{\"cpu\":\"8\","
                   "\"memory\":\"8Gi\",\"pods\":\"110\"},\"images\":[{\"names\":[\"big/img:1\"],"
                   "\"sizeBytes\":900000000}]}}");
    sched_snapshot_node_set(&s, n);
    json_decref(n);
    p = pod("i", NULL, "{\"containers\":[{\"name\":\"c\",\"image\":\"big/img:1\"}]}");
    for (int i = 0; i < 5; i++) {
        uint64_t rng = (uint64_t)i + 1;
        sched_schedule(&s, p, (uint64_t)i, &rng, &r);
        assert_string_equal(r.node, "warm");
        sched_result_clear(&r);
    }
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_nominated_node_tried_first(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "8", "8Gi", NULL, NULL);
    add_node(&s, "b", "8", "8Gi", NULL, NULL);
    bind_to(&s, pod_req("x", "7", "7Gi"), "b");
    /* b is busier (a wins on score), but the nominated node is taken when it fits */
    json_t *o = js("{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},\"spec\":{"
                   "\"containers\":[{\"name\":\"c\"}]},\"status\":{\"nominatedNodeName\":\"b\"}}");
    sched_pod_t *p = sched_pod_new(o);
    json_decref(o);
    sched_result_t r;
    assert_string_equal(schedule(&s, p, &r), "b");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_default_spread_constraints(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "8", "8Gi", "{\"kubernetes.io/hostname\":\"a\"}", NULL);
    add_node(&s, "b", "8", "8Gi", "{\"kubernetes.io/hostname\":\"b\"}", NULL);
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof(name), "x%d", i);
        bind_to(&s, pod(name, "{\"app\":\"x\"}", "{\"containers\":[{\"name\":\"c\"}]}"), "a");
    }
    bind_to(&s, pod_req("other", "2", "2Gi"), "b");
    /* on resources alone, a (less allocated) wins */
    sched_pod_t *p = pod("new", "{\"app\":\"x\"}", "{\"containers\":[{\"name\":\"c\"}]}");
    sched_result_t r;
    assert_string_equal(schedule(&s, p, &r), "a");
    sched_result_clear(&r);
    /* with the default constraints over app=x (its ReplicaSet's selector), spreading wins */
    json_t *sel = js("{\"matchLabels\":{\"app\":\"x\"}}");
    sched_pod_default_spread(p, sel);
    json_decref(sel);
    assert_int_equal(p->nspread, 2);
    assert_string_equal(schedule(&s, p, &r), "b");
    sched_result_clear(&r);
    sched_pod_free(p);
    /* an empty selector adds nothing */
    p = pod("lone", NULL, "{\"containers\":[{\"name\":\"c\"}]}");
    sel = js("{}");
    sched_pod_default_spread(p, sel);
    json_decref(sel);
    assert_int_equal(p->nspread, 0);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

/* ---- preemption --------------------------------------------------------- */

static sched_pod_t *prio_pod(const char *name, int prio, const char *cpu)
{
    char *spec = xasprintf("{\"priority\":%d,\"containers\":[{\"name\":\"c\",\"resources\":{"
                           "\"requests\":{\"cpu\":\"%s\"}}}]}",
                           prio, cpu);
    sched_pod_t *p = pod(name, NULL, spec);
    free(spec);
    return p;
}

static void test_preemption_picks_minimal_victims(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "2", "8Gi", NULL, NULL);
    add_node(&s, "b", "2", "8Gi", NULL, NULL);
    /* a: two low pods of 1 cpu; b: one mid pod of 2 cpu (higher priority victim) */
    bind_to(&s, prio_pod("low1", 10, "1"), "a");
    bind_to(&s, prio_pod("low2", 10, "1"), "a");
    bind_to(&s, prio_pod("mid", 50, "2"), "b");
    sched_pod_t *p = prio_pod("high", 100, "1");
    sched_result_t r;
    assert_null(schedule(&s, p, &r));
    assert_string_equal(r.nominated, "a");
    assert_int_equal(r.nvictims, 1);
    assert_non_null(strstr(r.victims[0], "default/low"));
    /* successful preemption: the message has the filter reasons only */
    assert_string_equal(r.message, "0/2 nodes are available: 2 Insufficient cpu.");
    /* the snapshot is as it was */
    assert_int_equal(sched_snapshot_node(&s, "a")->npods, 2);
    assert_int_equal(sched_snapshot_node(&s, "a")->requested.cpu, 2000);
    assert_int_equal(sched_snapshot_node(&s, "b")->requested.cpu, 2000);
    sched_result_clear(&r);
    sched_pod_free(p);

    /* equal priority: nothing to preempt */
    p = prio_pod("same", 10, "1");
    assert_null(schedule(&s, p, &r));
    assert_null(r.nominated);
    assert_string_equal(r.message,
                        "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are "
                        "available: 2 No preemption victims found for incoming pod.");
    sched_result_clear(&r);
    sched_pod_free(p);

    /* preemptionPolicy Never */
    p = pod("never", NULL,
            "{\"priority\":1000,\"preemptionPolicy\":\"Never\",\"containers\":[{\"name\":\"c\","
            "\"resources\":{\"requests\":{\"cpu\":\"1\"}}}]}");
    assert_null(schedule(&s, p, &r));
    assert_string_equal(r.message, "0/2 nodes are available: 2 Insufficient cpu. preemption: not "
                                   "eligible due to preemptionPolicy=Never.");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

static void test_preemption_too_big_even_empty(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "2", "8Gi", NULL, NULL);
    bind_to(&s, prio_pod("low", 0, "1"), "a");
    sched_pod_t *p = prio_pod("huge", 100, "3");
    sched_result_t r;
    assert_null(schedule(&s, p, &r));
    assert_string_equal(r.message, "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 "
                                   "nodes are available: 1 Insufficient cpu.");
    sched_result_clear(&r);
    sched_pod_free(p);
    sched_snapshot_clear(&s);
}

/* ---- snapshot ----------------------------------------------------------- */

static void test_snapshot_node_delete_keeps_pods_until_gone(void **state)
{
    sched_snapshot_t s;
    sched_snapshot_init(&s);
    add_node(&s, "a", "2", "8Gi", NULL, NULL);
    add_node(&s, "b", "2", "8Gi", NULL, NULL);
    bind_to(&s, pod_req("x", "1", "1Gi"), "a");
    sched_snapshot_node_delete(&s, "a");
    assert_int_equal(s.nlist, 1);
    assert_string_equal(s.list[0]->name, "b");
    assert_int_equal(s.list[0]->idx, 0);
    assert_non_null(sched_snapshot_node(&s, "a"));
    sched_pod_free(sched_snapshot_pod_remove(&s, "default/x"));
    assert_null(sched_snapshot_node(&s, "a"));
    sched_snapshot_clear(&s);
}

/* ---- queue -------------------------------------------------------------- */

#define SEC 1000000000ull

static void test_queue_priority_then_age(void **state)
{
    sched_queue_t q;
    sched_queue_init(&q);
    sched_pod_t *a = prio_pod("a", 0, "1"), *b = prio_pod("b", 100, "1"),
                *c = prio_pod("c", 0, "1");
    a->created = 100;
    c->created = 50;
    sched_queue_add(&q, a, false, 0);
    sched_queue_add(&q, b, false, 0);
    sched_queue_add(&q, c, false, 0);
    const char *want[] = {"b", "c", "a"};
    for (int i = 0; i < 3; i++) {
        sched_qentry_t *e = sched_queue_pop(&q, 0);
        assert_non_null(e);
        assert_string_equal(e->pod->name, want[i]);
        sched_pod_free(sched_queue_done(&q, e));
    }
    assert_null(sched_queue_pop(&q, 0));
    sched_queue_clear(&q);
}

static void test_queue_backoff_and_moves(void **state)
{
    sched_queue_t q;
    sched_queue_init(&q);
    sched_queue_add(&q, prio_pod("a", 0, "1"), false, 0);
    sched_qentry_t *e = sched_queue_pop(&q, 0);
    sched_queue_requeue(&q, e, true, 0); /* unschedulable: waits for an event */
    assert_null(sched_queue_pop(&q, 100 * SEC));
    assert_int_equal(sched_queue_next_ns(&q, 0), UINT64_MAX);
    sched_queue_move_all(&q, SEC / 2); /* an event during the 1 s backoff: to backoff */
    assert_null(sched_queue_pop(&q, SEC / 2));
    assert_int_equal(sched_queue_next_ns(&q, SEC / 2), SEC / 2);
    e = sched_queue_pop(&q, SEC);
    assert_non_null(e);
    /* second failure: 2 s; third: 4 s; ... capped at 10 s */
    sched_queue_requeue(&q, e, false, 10 * SEC);
    assert_null(sched_queue_pop(&q, 11 * SEC));
    e = sched_queue_pop(&q, 12 * SEC);
    assert_non_null(e);
    for (int i = 0; i < 5; i++) {
        sched_queue_requeue(&q, e, false, 0);
        e = sched_queue_pop(&q, 100 * SEC);
    }
    sched_queue_requeue(&q, e, false, 0);
    assert_int_equal(sched_queue_next_ns(&q, 0), 10 * SEC);
    /* delete removes it from wherever it waits */
    sched_queue_delete(&q, "default/a");
    assert_int_equal(sched_queue_len(&q), 0);
    sched_queue_clear(&q);
}

static void test_queue_update_moves_unschedulable_and_flush(void **state)
{
    sched_queue_t q;
    sched_queue_init(&q);
    sched_queue_add(&q, prio_pod("a", 0, "1"), false, 0);
    sched_qentry_t *e = sched_queue_pop(&q, 0);
    sched_queue_requeue(&q, e, true, 0);
    /* an update that is not a move leaves it waiting */
    sched_queue_add(&q, prio_pod("a", 0, "1"), false, 5 * SEC);
    assert_null(sched_queue_pop(&q, 5 * SEC));
    sched_queue_add(&q, prio_pod("a", 0, "1"), true, 5 * SEC);
    e = sched_queue_pop(&q, 5 * SEC);
    assert_non_null(e);
    sched_queue_requeue(&q, e, true, 5 * SEC);
    sched_queue_flush_unschedulable(&q, 60 * SEC, 30 * SEC);
    assert_null(sched_queue_pop(&q, 30 * SEC));
    sched_queue_flush_unschedulable(&q, 60 * SEC, 66 * SEC);
    e = sched_queue_pop(&q, 66 * SEC);
    assert_non_null(e);
    sched_pod_free(sched_queue_done(&q, e));
    sched_queue_clear(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_init_and_sidecars),
        cmocka_unit_test(test_requests_sidecar_after_init),
        cmocka_unit_test(test_fit_error_message),
        cmocka_unit_test(test_fit_error_sorted_as_strings_and_multiple_reasons),
        cmocka_unit_test(test_no_nodes),
        cmocka_unit_test(test_resources_count_assigned_and_pods_limit),
        cmocka_unit_test(test_taints_tolerations_and_unschedulable),
        cmocka_unit_test(test_node_affinity_and_selector),
        cmocka_unit_test(test_host_ports),
        cmocka_unit_test(test_pod_anti_affinity),
        cmocka_unit_test(test_pod_affinity_first_pod_and_follow),
        cmocka_unit_test(test_topology_spread),
        cmocka_unit_test(test_least_allocated_prefers_emptier_node),
        cmocka_unit_test(test_namespace_selector_in_affinity_terms),
        cmocka_unit_test(test_preferred_pod_affinity_scores),
        cmocka_unit_test(test_soft_spread_and_image_locality),
        cmocka_unit_test(test_nominated_node_tried_first),
        cmocka_unit_test(test_default_spread_constraints),
        cmocka_unit_test(test_prefer_no_schedule_taint_scored),
        cmocka_unit_test(test_ties_broken_randomly),
        cmocka_unit_test(test_nodes_to_find),
        cmocka_unit_test(test_start_index_advances),
        cmocka_unit_test(test_preemption_picks_minimal_victims),
        cmocka_unit_test(test_preemption_too_big_even_empty),
        cmocka_unit_test(test_snapshot_node_delete_keeps_pods_until_gone),
        cmocka_unit_test(test_queue_priority_then_age),
        cmocka_unit_test(test_queue_backoff_and_moves),
        cmocka_unit_test(test_queue_update_moves_unschedulable_and_flush),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
