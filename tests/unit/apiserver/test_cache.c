/* Unit tests for src/apiserver/cache.c: the cache follows the store; get, list with selectors
   and paging, and the history window that decides 410 for old watches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "apiserver/internal.h"

#include <ftw.h>

typedef struct fixture {
    char dir[64];
    cube_store_t *store;
    cube_cache_t *cache;
} fixture_t;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/cube-test-cache.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    _cleanup_free_ char *db = xasprintf("%s/state.db", f->dir);
    cube_store_options_t o = {.path = db, .compact_interval_sec = -1};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_store_open(&o, &f->store, &err), 0);
    assert_int_equal(cube_cache_new(f->store, 4, &f->cache, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    cube_cache_free(f->cache);
    cube_store_close(f->store);
    nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static int64_t put_cm(fixture_t *f, const char *ns, const char *name, const char *app)
{
    _cleanup_free_ char *key = xasprintf("/registry/core/configmaps/%s/%s", ns, name);
    _cleanup_free_ char *v = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
                                       "{\"name\":\"%s\",\"namespace\":\"%s\",\"labels\":{\"app\":"
                                       "\"%s\"}}}",
                                       name, ns, app);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t rev = 0;
    assert_int_equal(cube_store_create(f->store, key, v, strlen(v), &rev, &err), 0);
    return rev;
}

static void test_get_follows_store(void **state)
{
    fixture_t *f = *state;
    int64_t rev = put_cm(f, "default", "a", "x");
    assert_int_equal(cube_cache_sync(f->cache, 5000), 0);
    cube_obj_t *o = cube_cache_get(f->cache, "/registry/core/configmaps/default/a");
    assert_non_null(o);
    assert_int_equal(o->rev, rev);
    json_auto_t *j = json_loadb(o->json->data, o->json->len, 0, NULL);
    char want[32];
    snprintf(want, sizeof(want), "%lld", (long long)rev);
    assert_string_equal(cube_json_str(j, "metadata", "resourceVersion", NULL), want);
    cube_obj_unref(o);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t drev;
    assert_int_equal(
        cube_store_delete(f->store, "/registry/core/configmaps/default/a", 0, NULL, &drev, &err),
        0);
    assert_int_equal(cube_cache_wait(f->cache, drev, 5000), 0);
    assert_null(cube_cache_get(f->cache, "/registry/core/configmaps/default/a"));
}

static void test_list_selectors_and_pages(void **state)
{
    fixture_t *f = *state;
    put_cm(f, "ns1", "a", "x");
    put_cm(f, "ns1", "b", "y");
    put_cm(f, "ns1", "c", "x");
    put_cm(f, "ns10", "d", "x"); /* a namespace whose name extends ns1's: not in ns1 */
    assert_int_equal(cube_cache_sync(f->cache, 5000), 0);
    cube_selector_t *sel = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_label_selector_parse("app=x", &sel, &err), 0);
    cube_cache_list_req_t req = {
        .prefix = "/registry/core/configmaps/ns1/", .labels = sel, .limit = 1};
    cube_obj_t **objs;
    size_t n, remaining;
    int64_t rev;
    char *next;
    cube_cache_list(f->cache, &req, &objs, &n, &rev, &next, &remaining);
    assert_int_equal(n, 1);
    assert_string_equal(objs[0]->name, "a");
    assert_non_null(next);
    cube_objs_free(objs, n);
    req.start = next;
    cube_cache_list(f->cache, &req, &objs, &n, &rev, &next, &remaining);
    free((char *)req.start);
    assert_int_equal(n, 1);
    assert_string_equal(objs[0]->name, "c");
    assert_null(next);
    cube_objs_free(objs, n);
    cube_selector_free(sel);
}

static void test_history_window_moves(void **state)
{
    fixture_t *f = *state;
    int64_t first = put_cm(f, "default", "h0", "x");
    for (int i = 1; i < 8; i++) {
        char name[8];
        snprintf(name, sizeof(name), "h%d", i);
        put_cm(f, "default", name, "x");
    }
    assert_int_equal(cube_cache_sync(f->cache, 5000), 0);
    /* a window of 4 events: the first writes fell out of it */
    assert_true(cube_cache_oldest(f->cache) > first);
    assert_int_equal(cube_cache_revision(f->cache), first + 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_follows_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_selectors_and_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_window_moves, setup, teardown),
    };
    return cmocka_run_group_tests_name("apiserver/cache", tests, NULL, NULL);
}
