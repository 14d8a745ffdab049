/* Unit tests for src/apiserver/alloc.c: the range allocator (dynamic and explicit values,
   reservations and their hold time, many threads never sharing a value) and the Service
   allocators over a real store (used sets rebuilt at start and following the watch, Kubernetes'
   Invalid messages). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "apiserver/internal.h"

#include <ftw.h>
#include <pthread.h>

/* ---- the range allocator ------------------------------------------------ */

static void test_parse_ranges(void **state)
{
    uint32_t first, size;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_alloc_parse_cidr("10.43.0.0/16", &first, &size, &err), 0);
    assert_int_equal(first, (10u << 24) | (43u << 16) | 1);
    assert_int_equal(size, 65534);
    assert_int_equal(cube_alloc_parse_cidr("10.43.7.9/24", &first, &size, &err), 0);
    assert_int_equal(first, (10u << 24) | (43u << 16) | (7u << 8) | 1);
    assert_int_equal(size, 254);
    assert_int_equal(cube_alloc_parse_cidr("10.43.0.0", &first, &size, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    cube_err_clear(&err);
    assert_int_equal(cube_alloc_parse_cidr("10.0.0.0/8", &first, &size, &err), -1);
    cube_err_clear(&err);
    assert_int_equal(cube_alloc_parse_cidr("fd00::/108", &first, &size, &err), -1);
    cube_err_clear(&err);
    assert_int_equal(cube_alloc_parse_ports("30000-32767", &first, &size, &err), 0);
    assert_int_equal(first, 30000);
    assert_int_equal(size, 2768);
    assert_int_equal(cube_alloc_parse_ports("30000+10", &first, &size, &err), 0);
    assert_int_equal(size, 11);
    assert_int_equal(cube_alloc_parse_ports("32767-30000", &first, &size, &err), -1);
    cube_err_clear(&err);
    assert_int_equal(cube_alloc_parse_ports("x", &first, &size, &err), -1);
}

static void test_next_fills_upper_band_first_then_all(void **state)
{
    cube_alloc_t *a = cube_alloc_new(100, 32, 16, 0);
    bool seen[32] = {0};
    for (int i = 0; i < 32; i++) {
        uint32_t v;
        assert_int_equal(cube_alloc_next(a, "ns/x", &v), 0);
        assert_true(v >= 100 && v < 132);
        assert_false(seen[v - 100]);
        seen[v - 100] = true;
        if (i < 16) /* the static band [0, 16) is used only once the upper one is full */
            assert_true(v >= 116);
    }
    uint32_t v;
    assert_int_equal(cube_alloc_next(a, "ns/x", &v), -1);
    assert_int_equal(cube_alloc_count(a), 32);
    cube_alloc_free(a);
}

static void test_take_explicit(void **state)
{
    cube_alloc_t *a = cube_alloc_new(100, 10, 0, 0);
    assert_int_equal(cube_alloc_take(a, 105, "ns/a"), 0);
    assert_int_equal(cube_alloc_take(a, 105, "ns/b"), -1); /* someone else's reservation */
    assert_int_equal(cube_alloc_take(a, 105, "ns/a"), 0); /* the same request retried */
    assert_int_equal(cube_alloc_take(a, 99, "ns/a"), -2);
    assert_int_equal(cube_alloc_take(a, 110, "ns/a"), -2);
    /* the Service shows up in the store: in use, reservation gone, nobody can take it */
    cube_alloc_mark(a, 105, +1);
    assert_int_equal(cube_alloc_take(a, 105, "ns/a"), -1);
    assert_true(cube_alloc_allocated(a, 105));
    /* deleted: free again */
    cube_alloc_mark(a, 105, -1);
    assert_false(cube_alloc_allocated(a, 105));
    assert_int_equal(cube_alloc_take(a, 105, "ns/b"), 0);
    cube_alloc_release(a, 105, "ns/b");
    assert_false(cube_alloc_allocated(a, 105));
    cube_alloc_free(a);
}

static void test_reservation_expires(void **state)
{
    cube_alloc_t *a = cube_alloc_new(1, 4, 0, 50);
    assert_int_equal(cube_alloc_take(a, 2, "ns/a"), 0);
    assert_true(cube_alloc_allocated(a, 2));
    usleep(120 * 1000);
    assert_false(cube_alloc_allocated(a, 2));
    assert_int_equal(cube_alloc_take(a, 2, "ns/b"), 0);
    cube_alloc_free(a);
}

typedef struct race {
    cube_alloc_t *a;
    int id;
    uint32_t got[500];
    int n;
} race_t;

static void *racer(void *arg)
{
    race_t *r = arg;
    char owner[32];
    for (int i = 0; i < 500; i++) {
        snprintf(owner, sizeof(owner), "ns/t%d-%d", r->id, i);
        uint32_t v;
        if (i % 5 == 0) { /* explicit values compete with dynamic ones */
            v = 1000 + (uint32_t)((r->id * 7919 + i * 31) % 4000);
            if (cube_alloc_take(r->a, v, owner) == 0)
                r->got[r->n++] = v;
        } else if (cube_alloc_next(r->a, owner, &v) == 0) {
            r->got[r->n++] = v;
        }
    }
    return NULL;
}

static void test_threads_never_share_a_value(void **state)
{
    enum { T = 8 };
    cube_alloc_t *a = cube_alloc_new(1000, 4000, 250, 60000);
    race_t rs[T];
    pthread_t th[T];
    for (int i = 0; i < T; i++) {
        rs[i] = (race_t){.a = a, .id = i};
        pthread_create(&th[i], NULL, racer, &rs[i]);
    }
    for (int i = 0; i < T; i++)
        pthread_join(th[i], NULL);
    uint8_t *seen = xcalloc(4000, 1);
    size_t total = 0;
    for (int i = 0; i < T; i++)
        for (int j = 0; j < rs[i].n; j++) {
            uint32_t v = rs[i].got[j];
            assert_true(v >= 1000 && v < 5000);
            assert_int_equal(seen[v - 1000], 0);
            seen[v - 1000] = 1;
            total++;
        }
    /* 4000 values, 8 x 400 dynamic requests: every dynamic one must have succeeded */
    assert_true(total >= T * 400);
    assert_int_equal(cube_alloc_count(a), total);
    free(seen);
    cube_alloc_free(a);
}

/* ---- the Service allocators over a store ----------------------------------- */

typedef struct fixture {
    char dir[64];
    char db[96];
    cube_store_t *store;
    cube_svc_alloc_t *sa;
} fixture_t;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static void open_all(fixture_t *f)
{
    cube_store_options_t o = {.path = f->db, .compact_interval_sec = -1};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_store_open(&o, &f->store, &err), 0);
    assert_int_equal(
        cube_svc_alloc_new(f->store, "10.43.0.0/24", "30000-30009", 60000, &f->sa, &err), 0);
}

static void close_all(fixture_t *f)
{
    cube_svc_alloc_free(f->sa);
    cube_store_close(f->store);
    f->sa = NULL;
    f->store = NULL;
}

static int setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/cube-test-alloc.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/state.db", f->dir);
    open_all(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    close_all(f);
    nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Runs admission on a Service and stores it, as the create path does. */
static json_t *create_svc(fixture_t *f, const char *name, const char *spec_json, cube_err_t *err)
{
    json_error_t je;
    json_t *spec = json_loads(spec_json, 0, &je);
    assert_non_null(spec);
    json_t *svc = json_pack("{s:s, s:s, s:{s:s, s:s}, s:o}", "apiVersion", "v1", "kind", "Service",
                            "metadata", "name", name, "namespace", "default", "spec", spec);
    if (cube_svc_alloc_admit(f->sa, svc, NULL, err) < 0) {
        json_decref(svc);
        return NULL;
    }
    _cleanup_free_ char *key = xasprintf("/registry/core/services/default/%s", name);
    _cleanup_free_ char *s = json_dumps(svc, JSON_COMPACT);
    int64_t rev;
    assert_int_equal(cube_store_create(f->store, key, s, strlen(s), &rev, err), 0);
    return svc;
}

static void delete_svc(fixture_t *f, const char *name)
{
    _cleanup_free_ char *key = xasprintf("/registry/core/services/default/%s", name);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t rev;
    assert_int_equal(cube_store_delete(f->store, key, 0, NULL, &rev, &err), 0);
}

static void test_svc_cluster_ip_and_explicit_conflict(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *a = create_svc(f, "a", "{\"ports\":[{\"port\":80}]}", &err);
    assert_non_null(a);
    const char *ip = cube_json_str(a, "spec", "clusterIP", NULL);
    assert_non_null(ip);
    assert_int_equal(strncmp(ip, "10.43.0.", 8), 0);
    assert_string_not_equal(ip, "10.43.0.1"); /* the kubernetes Service's */
    assert_string_equal(
        json_string_value(json_array_get(cube_json_path(a, "spec", "clusterIPs", NULL), 0)), ip);

    json_auto_t *b =
        create_svc(f, "b", "{\"clusterIP\":\"10.43.0.5\",\"ports\":[{\"port\":80}]}", &err);
    assert_non_null(b);
    json_auto_t *c =
        create_svc(f, "c", "{\"clusterIP\":\"10.43.0.5\",\"ports\":[{\"port\":80}]}", &err);
    assert_null(c);
    assert_int_equal(err.code, 422);
    assert_string_equal(err.msg, "Service \"c\" is invalid: spec.clusterIPs: Invalid value: "
                                 "[]string{\"10.43.0.5\"}: failed to allocate IP 10.43.0.5: "
                                 "provided IP is already allocated");
    cube_err_clear(&err);
    json_auto_t *d =
        create_svc(f, "d", "{\"clusterIP\":\"10.44.0.5\",\"ports\":[{\"port\":80}]}", &err);
    assert_null(d);
    assert_string_equal(err.msg, "Service \"d\" is invalid: spec.clusterIPs: Invalid value: "
                                 "[]string{\"10.44.0.5\"}: failed to allocate IP 10.44.0.5: "
                                 "provided IP is not in the valid range. The range of valid IPs "
                                 "is 10.43.0.0/24");
    cube_err_clear(&err);
    json_auto_t *k =
        create_svc(f, "k", "{\"clusterIP\":\"10.43.0.1\",\"ports\":[{\"port\":80}]}", &err);
    assert_null(k);
    cube_err_clear(&err);
    /* delete frees it at once for an explicit request */
    delete_svc(f, "b");
    json_auto_t *c2 =
        create_svc(f, "c", "{\"clusterIP\":\"10.43.0.5\",\"ports\":[{\"port\":80}]}", &err);
    assert_non_null(c2);
    /* headless */
    json_auto_t *h = create_svc(f, "h", "{\"clusterIP\":\"None\"}", &err);
    assert_non_null(h);
    assert_string_equal(
        json_string_value(json_array_get(cube_json_path(h, "spec", "clusterIPs", NULL), 0)),
        "None");
}

static void test_svc_node_ports(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *a = create_svc(f, "a",
                                "{\"type\":\"NodePort\",\"ports\":[{\"name\":\"t\",\"port\":53,"
                                "\"protocol\":\"TCP\"},{\"name\":\"u\",\"port\":53,\"protocol\":"
                                "\"UDP\"},{\"name\":\"h\",\"port\":80}]}",
                                &err);
    assert_non_null(a);
    json_t *ports = cube_json_path(a, "spec", "ports", NULL);
    json_int_t p0 = json_integer_value(json_object_get(json_array_get(ports, 0), "nodePort"));
    json_int_t p1 = json_integer_value(json_object_get(json_array_get(ports, 1), "nodePort"));
    json_int_t p2 = json_integer_value(json_object_get(json_array_get(ports, 2), "nodePort"));
    assert_true(p0 >= 30000 && p0 <= 30009);
    assert_int_equal(p0, p1); /* one port number, two protocols: one node port */
    assert_true(p2 >= 30000 && p2 <= 30009 && p2 != p0);

    char spec[160];
    snprintf(spec, sizeof(spec),
             "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":%lld}]}", (long long)p2);
    json_auto_t *b = create_svc(f, "b", spec, &err);
    assert_null(b);
    _cleanup_free_ char *want = xasprintf("Service \"b\" is invalid: spec.ports[0].nodePort: "
                                          "Invalid value: %lld: provided port is already allocated",
                                          (long long)p2);
    assert_string_equal(err.msg, want);
    cube_err_clear(&err);
    json_auto_t *c = create_svc(
        f, "c", "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":8080}]}", &err);
    assert_null(c);
    assert_string_equal(err.msg, "Service \"c\" is invalid: spec.ports[0].nodePort: Invalid "
                                 "value: 8080: provided port is not in the valid range. The range "
                                 "of valid ports is 30000-30009");
    cube_err_clear(&err);

    /* a ClusterIP Service turned NodePort on update gets its node port */
    json_auto_t *d = create_svc(f, "d", "{\"ports\":[{\"port\":80}]}", &err);
    assert_non_null(d);
    json_auto_t *d2 = json_deep_copy(d);
    json_object_set_new(json_object_get(d2, "spec"), "type", json_string("NodePort"));
    assert_int_equal(cube_svc_alloc_admit(f->sa, d2, d, &err), 0);
    assert_string_equal(cube_json_str(d2, "spec", "clusterIP", NULL),
                        cube_json_str(d, "spec", "clusterIP", NULL));
    json_int_t dp = json_integer_value(
        json_object_get(json_array_get(cube_json_path(d2, "spec", "ports", NULL), 0), "nodePort"));
    assert_true(dp >= 30000 && dp <= 30009 && dp != p0 && dp != p2);
}

static void test_svc_used_set_survives_restart(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    /* fill all but a few IPs of the /24 (253 usable beside 10.43.0.1) */
    char name[32];
    for (int i = 0; i < 250; i++) {
        snprintf(name, sizeof(name), "s%d", i);
        json_auto_t *s = create_svc(f, name, "{\"ports\":[{\"port\":80}]}", &err);
        assert_non_null(s);
    }
    close_all(f);
    open_all(f);
    /* after a restart the three left are the only ones handed out, then the range is full */
    for (int i = 250; i < 253; i++) {
        snprintf(name, sizeof(name), "s%d", i);
        json_auto_t *s = create_svc(f, name, "{\"ports\":[{\"port\":80}]}", &err);
        assert_non_null(s);
    }
    json_auto_t *s = create_svc(f, "full", "{\"ports\":[{\"port\":80}]}", &err);
    assert_null(s);
    assert_int_equal(err.code, 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ranges),
        cmocka_unit_test(test_next_fills_upper_band_first_then_all),
        cmocka_unit_test(test_take_explicit),
        cmocka_unit_test(test_reservation_expires),
        cmocka_unit_test(test_threads_never_share_a_value),
        cmocka_unit_test_setup_teardown(test_svc_cluster_ip_and_explicit_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svc_node_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svc_used_set_survives_restart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
