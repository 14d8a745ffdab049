/* Unit tests for src/controllers/endpointslice.c and endpoints.c: the desired EndpointSlices
 * and Endpoints of a service, as pure functions of the service and its pods. */
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

static json_t *svc_json(bool publish)
{
    json_t *s = js("{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u1\","
                   "\"labels\":{\"app\":\"web\"}},"
                   "\"spec\":{\"selector\":{\"app\":\"web\"},\"clusterIP\":\"10.43.0.5\","
                   "\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\","
                   "\"targetPort\":\"http\"}]}}");
    json_object_set_new(json_object_get(s, "spec"), "publishNotReadyAddresses",
                        json_boolean(publish));
    return s;
}

/* A pod "name" with IP, Ready status, container port named http = port. */
static json_t *pod_json(const char *name, const char *ip, bool ready, int port, const char *app)
{
    json_t *p =
        json_pack("{s:{s:s, s:s, s:s, s:{s:s}}, s:{s:s, s:[{s:s, s:[{s:s, s:i}]}]},"
                  " s:{s:s, s:s, s:[{s:s, s:s}]}}",
                  "metadata", "name", name, "namespace", "default", "uid", name, "labels", "app",
                  app, "spec", "nodeName", "n1", "containers", "name", "c", "ports", "name", "http",
                  "containerPort", port, "status", "phase", "Running", "podIP", ip, "conditions",
                  "type", "Ready", "status", ready ? "True" : "False");
    return p;
}

static void test_slice_readiness_and_named_port(void **state)
{
    json_auto_t *svc = svc_json(false);
    json_t *pods[4] = {pod_json("b", "10.42.0.2", false, 8080, "web"),
                       pod_json("a", "10.42.0.1", true, 8080, "web"),
                       pod_json("c", "10.42.0.3", true, 8080, "other"),
                       pod_json("d", "10.42.0.4", true, 9090, "web")};
    json_auto_t *zones = js("{\"n1\":\"z1\"}");
    json_auto_t *slices = cube_endpointslice_desired(svc, pods, 4, zones);
    /* two port sets (8080 and 9090): two slices; "c" is not selected */
    assert_int_equal(json_array_size(slices), 2);
    json_t *s0 = json_array_get(slices, 0);
    assert_string_equal(cube_json_str(s0, "addressType", NULL), "IPv4");
    assert_string_equal(cube_json_str(s0, "metadata", "generateName", NULL), "web-");
    assert_string_equal(cube_json_str(s0, "metadata", "labels", "kubernetes.io/service-name", NULL),
                        "web");
    assert_string_equal(
        cube_json_str(s0, "metadata", "labels", "endpointslice.kubernetes.io/managed-by", NULL),
        "endpointslice-controller.k8s.io");
    json_t *owner = json_array_get(cube_json_path(s0, "metadata", "ownerReferences", NULL), 0);
    assert_string_equal(json_string_value(json_object_get(owner, "kind")), "Service");
    assert_true(json_is_true(json_object_get(owner, "controller")));
    json_t *port = json_array_get(json_object_get(s0, "ports"), 0);
    assert_int_equal(json_integer_value(json_object_get(port, "port")), 8080);
    assert_string_equal(json_string_value(json_object_get(port, "name")), "http");
    json_t *eps = json_object_get(s0, "endpoints");
    assert_int_equal(json_array_size(eps), 2);
    json_t *a = json_array_get(eps, 0), *b = json_array_get(eps, 1);
    assert_string_equal(cube_json_str(a, "targetRef", "name", NULL), "a");
    assert_true(json_is_true(cube_json_path(a, "conditions", "ready", NULL)));
    assert_true(json_is_true(cube_json_path(a, "conditions", "serving", NULL)));
    assert_string_equal(cube_json_str(a, "zone", NULL), "z1");
    assert_string_equal(cube_json_str(a, "nodeName", NULL), "n1");
    assert_true(json_is_false(cube_json_path(b, "conditions", "ready", NULL)));
    assert_true(json_is_false(cube_json_path(b, "conditions", "terminating", NULL)));
    for (int i = 0; i < 4; i++)
        json_decref(pods[i]);
}

static void test_slice_terminating_and_publish(void **state)
{
    json_auto_t *svc = svc_json(false);
    json_t *pod = pod_json("a", "10.42.0.1", true, 80, "web");
    json_object_set_new(json_object_get(pod, "metadata"), "deletionTimestamp",
                        json_string("2026-01-01T00:00:00Z"));
    json_auto_t *slices = cube_endpointslice_desired(svc, &pod, 1, NULL);
    json_t *ep = json_array_get(json_object_get(json_array_get(slices, 0), "endpoints"), 0);
    assert_true(json_is_false(cube_json_path(ep, "conditions", "ready", NULL)));
    assert_true(json_is_true(cube_json_path(ep, "conditions", "serving", NULL)));
    assert_true(json_is_true(cube_json_path(ep, "conditions", "terminating", NULL)));
    json_auto_t *svc2 = svc_json(true);
    json_auto_t *slices2 = cube_endpointslice_desired(svc2, &pod, 1, NULL);
    ep = json_array_get(json_object_get(json_array_get(slices2, 0), "endpoints"), 0);
    assert_true(json_is_true(cube_json_path(ep, "conditions", "ready", NULL)));
    json_decref(pod);
}

static void test_slice_max_100_and_placeholder(void **state)
{
    json_auto_t *svc = svc_json(false);
    json_t *pods[250];
    for (int i = 0; i < 250; i++) {
        char name[16], ip[32];
        snprintf(name, sizeof(name), "p%03d", i);
        snprintf(ip, sizeof(ip), "10.42.%d.%d", i / 200, i % 200 + 1);
        pods[i] = pod_json(name, ip, true, 80, "web");
    }
    json_auto_t *slices = cube_endpointslice_desired(svc, pods, 250, NULL);
    assert_int_equal(json_array_size(slices), 3);
    assert_int_equal(json_array_size(json_object_get(json_array_get(slices, 0), "endpoints")), 100);
    assert_int_equal(json_array_size(json_object_get(json_array_get(slices, 2), "endpoints")), 50);
    for (int i = 0; i < 250; i++)
        json_decref(pods[i]);
    json_auto_t *empty = cube_endpointslice_desired(svc, NULL, 0, NULL);
    assert_int_equal(json_array_size(empty), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(empty, 0), "endpoints")), 0);
    assert_true(json_is_null(json_object_get(json_array_get(empty, 0), "ports")));
}

static void test_target_port(void **state)
{
    json_auto_t *pod = pod_json("a", "10.42.0.1", true, 8080, "web");
    json_auto_t *named = js("{\"port\":80,\"targetPort\":\"http\"}");
    json_auto_t *missing = js("{\"port\":80,\"targetPort\":\"grpc\"}");
    json_auto_t *num = js("{\"port\":80,\"targetPort\":9376}");
    json_auto_t *none = js("{\"port\":80}");
    json_auto_t *udp = js("{\"port\":80,\"targetPort\":\"http\",\"protocol\":\"UDP\"}");
    assert_int_equal(cube_service_target_port(named, pod), 8080);
    assert_int_equal(cube_service_target_port(missing, pod), -1);
    assert_int_equal(cube_service_target_port(num, pod), 9376);
    assert_int_equal(cube_service_target_port(none, pod), 80);
    assert_int_equal(cube_service_target_port(udp, pod), -1);
}

static void test_endpoints_subsets(void **state)
{
    json_auto_t *svc = svc_json(false);
    json_t *pods[3] = {pod_json("b", "10.42.0.2", false, 8080, "web"),
                       pod_json("a", "10.42.0.9", true, 8080, "web"),
                       pod_json("c", "10.42.0.1", true, 8080, "web")};
    json_object_set_new(json_object_get(pods[1], "metadata"), "creationTimestamp",
                        json_string("2026-03-04T05:06:07Z"));
    json_auto_t *ep = cube_endpoints_desired(svc, pods, 3);
    assert_string_equal(cube_json_str(ep, "metadata", "name", NULL), "web");
    assert_string_equal(cube_json_str(ep, "metadata", "annotations",
                                      "endpoints.kubernetes.io/last-change-trigger-time", NULL),
                        "2026-03-04T05:06:07Z");
    json_t *subsets = json_object_get(ep, "subsets");
    assert_int_equal(json_array_size(subsets), 1);
    json_t *s0 = json_array_get(subsets, 0);
    json_t *addrs = json_object_get(s0, "addresses");
    assert_int_equal(json_array_size(addrs), 2);
    /* sorted by IP */
    assert_string_equal(cube_json_str(json_array_get(addrs, 0), "ip", NULL), "10.42.0.1");
    assert_string_equal(cube_json_str(json_array_get(addrs, 1), "targetRef", "name", NULL), "a");
    assert_string_equal(cube_json_str(json_array_get(addrs, 1), "targetRef", "kind", NULL), "Pod");
    json_t *nr = json_object_get(s0, "notReadyAddresses");
    assert_int_equal(json_array_size(nr), 1);
    assert_string_equal(cube_json_str(json_array_get(nr, 0), "ip", NULL), "10.42.0.2");
    json_t *port = json_array_get(json_object_get(s0, "ports"), 0);
    assert_int_equal(json_integer_value(json_object_get(port, "port")), 8080);
    assert_string_equal(cube_json_str(port, "name", NULL), "http");
    for (int i = 0; i < 3; i++)
        json_decref(pods[i]);
}

static void test_endpoints_terminating_and_empty(void **state)
{
    json_auto_t *svc = svc_json(false);
    json_t *pod = pod_json("a", "10.42.0.1", true, 80, "web");
    json_object_set_new(json_object_get(pod, "metadata"), "deletionTimestamp",
                        json_string("2026-01-01T00:00:00Z"));
    json_auto_t *ep = cube_endpoints_desired(svc, &pod, 1);
    assert_null(json_object_get(ep, "subsets"));
    json_auto_t *svc2 = svc_json(true);
    json_auto_t *ep2 = cube_endpoints_desired(svc2, &pod, 1);
    assert_int_equal(json_array_size(json_object_get(
                         json_array_get(json_object_get(ep2, "subsets"), 0), "addresses")),
                     1);
    json_decref(pod);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slice_readiness_and_named_port),
        cmocka_unit_test(test_slice_terminating_and_publish),
        cmocka_unit_test(test_slice_max_100_and_placeholder),
        cmocka_unit_test(test_target_port),
        cmocka_unit_test(test_endpoints_subsets),
        cmocka_unit_test(test_endpoints_terminating_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
