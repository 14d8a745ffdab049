/* Unit tests for src/client/informer.c without a server: cache events, relist diff, indexes,
 * late handlers, keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "client/internal.h"

typedef struct rec {
    cube_buf_t log; /* "add:ns/name;upd:ns/name;del:ns/name;" */
} rec_t;

static void logit(rec_t *r, const char *what, const json_t *obj)
{
    char *key = cube_object_key(obj);
    cube_buf_printf(&r->log, "%s:%s;", what, key);
    free(key);
}

static void on_add(json_t *obj, void *ud)
{
    logit(ud, "add", obj);
}

static void on_update(json_t *old, json_t *obj, void *ud)
{
    assert_non_null(old);
    logit(ud, "upd", obj);
}

static void on_delete(json_t *obj, void *ud)
{
    logit(ud, "del", obj);
}

static json_t *pod(const char *ns, const char *name, const char *rv, const char *node,
                   const char *owner)
{
    json_t *p = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:{}}", "apiVersion", "v1", "kind", "Pod",
                          "metadata", "name", name, "namespace", ns, "resourceVersion", rv, "spec");
    if (node)
        json_object_set_new(json_object_get(p, "spec"), "nodeName", json_string(node));
    if (owner)
        json_object_set_new(json_object_get(p, "metadata"), "ownerReferences",
                            json_pack("[{s:s}, {s:s}]", "uid", owner, "uid", "shared-owner"));
    return p;
}

static const cube_resource_t *pods(void)
{
    const cube_resource_t *r = cube_api_resource_find("", "v1", "pods");
    assert_non_null(r);
    return r;
}

static void test_keys(void **state)
{
    json_auto_t *p = pod("ns1", "a", "1", NULL, NULL);
    char *k = cube_object_key(p);
    assert_string_equal(k, "ns1/a");
    free(k);
    json_auto_t *n = json_pack("{s:{s:s}}", "metadata", "name", "node1");
    k = cube_object_key(n);
    assert_string_equal(k, "node1");
    char *ns, *name;
    cube_split_key(k, &ns, &name);
    assert_string_equal(ns, "");
    assert_string_equal(name, "node1");
    free(ns);
    free(name);
    free(k);
    cube_split_key("a/b", &ns, &name);
    assert_string_equal(ns, "a");
    assert_string_equal(name, "b");
    free(ns);
    free(name);
}

static void test_events_and_indexes(void **state)
{
    cube_informers_t *f = cube_informers_new(NULL, 0);
    cube_informer_t *inf = cube_informers_get(f, pods(), NULL);
    assert_ptr_equal(cube_informers_get(f, pods(), NULL), inf);
    assert_ptr_not_equal(cube_informers_get(f, pods(), "spec.nodeName=n1"), inf);
    rec_t r = {CUBE_BUF_INIT};
    cube_informer_handlers_t h = {on_add, on_update, on_delete, &r};
    cube_informer_add_handlers(inf, &h);
    cube_informer_add_index(inf, "node", cube_index_node_name);
    cube_informer_add_index(inf, "owner", cube_index_owner_uid);
    cube_informer_add_index(inf, "ns", cube_index_namespace);

    json_auto_t *a1 = pod("ns1", "a", "1", "n1", "rs1");
    json_auto_t *b1 = pod("ns2", "b", "2", "n1", NULL);
    cube_informer_apply(inf, "ADDED", a1);
    cube_informer_apply(inf, "ADDED", b1);
    json_t **objs;
    size_t n = cube_informer_by_index(inf, "node", "n1", &objs);
    assert_int_equal(n, 2);
    cube_json_refs_free(objs, n);
    n = cube_informer_by_index(inf, "owner", "rs1", &objs);
    assert_int_equal(n, 1);
    assert_ptr_equal(objs[0], a1); /* the same object, shared, not a copy */
    cube_json_refs_free(objs, n);
    n = cube_informer_by_index(inf, "owner", "shared-owner", &objs);
    assert_int_equal(n, 1);
    cube_json_refs_free(objs, n);

    /* a moves to n2: the index follows */
    json_auto_t *a2 = pod("ns1", "a", "3", "n2", "rs1");
    cube_informer_apply(inf, "MODIFIED", a2);
    n = cube_informer_by_index(inf, "node", "n1", &objs);
    assert_int_equal(n, 1);
    assert_string_equal(cube_json_str(objs[0], "metadata", "name", NULL), "b");
    cube_json_refs_free(objs, n);
    n = cube_informer_by_index(inf, "node", "n2", &objs);
    assert_int_equal(n, 1);
    cube_json_refs_free(objs, n);
    json_t *got = cube_informer_get(inf, "ns1", "a");
    assert_ptr_equal(got, a2);
    json_decref(got);
    assert_null(cube_informer_get(inf, "ns1", "zzz"));

    cube_informer_apply(inf, "DELETED", a2);
    assert_null(cube_informer_get(inf, "ns1", "a"));
    n = cube_informer_by_index(inf, "node", "n2", &objs);
    assert_int_equal(n, 0);
    cube_json_refs_free(objs, n);
    n = cube_informer_by_index(inf, "owner", "rs1", &objs);
    assert_int_equal(n, 0);
    cube_json_refs_free(objs, n);
    n = cube_informer_by_index(inf, "nosuchindex", "x", &objs);
    assert_int_equal(n, 0);
    cube_json_refs_free(objs, n);
    /* deleting what is not cached delivers nothing */
    cube_informer_apply(inf, "DELETED", a2);
    assert_string_equal(r.log.data, "add:ns1/a;add:ns2/b;upd:ns1/a;del:ns1/a;");

    n = cube_informer_list(inf, &objs);
    assert_int_equal(n, 1);
    cube_json_refs_free(objs, n);
    cube_buf_clear(&r.log);
    cube_informers_free(f);
}

static void test_relist_diff(void **state)
{
    cube_informers_t *f = cube_informers_new(NULL, 0);
    cube_informer_t *inf = cube_informers_get(f, pods(), NULL);
    cube_informer_add_index(inf, "node", cube_index_node_name);
    rec_t r = {CUBE_BUF_INIT};
    cube_informer_handlers_t h = {on_add, on_update, on_delete, &r};
    cube_informer_add_handlers(inf, &h);
    assert_false(cube_informer_synced(inf));

    json_auto_t *first = json_array();
    json_array_append_new(first, pod("ns", "keep", "1", "n1", NULL));
    json_array_append_new(first, pod("ns", "change", "2", "n1", NULL));
    json_array_append_new(first, pod("ns", "gone", "3", "n1", NULL));
    cube_informer_replace(inf, first);
    assert_true(cube_informer_synced(inf));
    assert_string_equal(r.log.data, "add:ns/keep;add:ns/change;add:ns/gone;");
    cube_buf_clear(&r.log);

    json_auto_t *second = json_array();
    json_array_append_new(second, pod("ns", "keep", "1", "n1", NULL));
    json_array_append_new(second, pod("ns", "change", "5", "n2", NULL));
    json_array_append_new(second, pod("ns", "new", "6", "n1", NULL));
    cube_informer_replace(inf, second);
    assert_string_equal(r.log.data, "del:ns/gone;upd:ns/change;add:ns/new;");
    json_t **objs;
    size_t n = cube_informer_by_index(inf, "node", "n1", &objs);
    assert_int_equal(n, 2); /* keep, new */
    cube_json_refs_free(objs, n);
    n = cube_informer_list(inf, &objs);
    assert_int_equal(n, 3);
    cube_json_refs_free(objs, n);

    /* a late handler sees every cached object as an add */
    rec_t late = {CUBE_BUF_INIT};
    cube_informer_handlers_t h2 = {on_add, NULL, NULL, &late};
    cube_informer_add_handlers(inf, &h2);
    assert_int_equal(strlen(late.log.data), strlen("add:ns/keep;add:ns/change;add:ns/new;"));
    /* an empty relist deletes everything */
    json_auto_t *empty = json_array();
    cube_buf_clear(&r.log);
    cube_informer_replace(inf, empty);
    assert_int_equal(cube_informer_list(inf, &objs), 0);
    free(objs);
    assert_non_null(strstr(r.log.data, "del:ns/keep;"));
    assert_non_null(strstr(r.log.data, "del:ns/new;"));
    cube_buf_clear(&r.log);
    cube_buf_clear(&late.log);
    cube_informers_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_events_and_indexes),
        cmocka_unit_test(test_relist_diff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
