/* Unit tests for src/api/managed.c: FieldsV1 sets from objects (list types
 * from the schema), set operations, managedFields upkeep on updates, and
 * server-side apply (merge, removal of released fields, conflicts, force).
 *
 * Documents are written with single quotes and turned into JSON by parse(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

static json_t *parse(const char *s)
{
    char *t = xstrdup(s);
    for (char *p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t e;
    json_t *j = json_loads(t, JSON_DECODE_ANY, &e);
    if (!j)
        fail_msg("bad test JSON %s: %s", t, e.text);
    free(t);
    return j;
}

static const cube_resource_t *res(const char *g, const char *plural)
{
    const cube_resource_t *r = cube_api_resource_find(g, g[0] ? "v1" : "v1", plural);
    assert_non_null(r);
    return r;
}

static void assert_json(const json_t *got, const char *want)
{
    json_auto_t *w = parse(want);
    if (!json_equal((json_t *)got, w)) {
        _cleanup_free_ char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        _cleanup_free_ char *ws = json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        fail_msg("got  %s\nwant %s", g, ws);
    }
}

#define DEPLOY                                                                                     \
    "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'x','namespace':'default',"    \
    "'uid':'u','labels':{'app':'x'},'finalizers':['a/b']},'spec':{'replicas':2,"                   \
    "'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},"        \
    "'spec':{'containers':[{'name':'c','image':'nginx','args':['-a','-b'],"                        \
    "'ports':[{'containerPort':80}]}]}}},'status':{'replicas':1}}"

static void test_fields_of_list_types(void **state)
{
    json_auto_t *d = parse(DEPLOY);
    json_auto_t *s = cube_fields_of(res("apps", "deployments"), d, CUBE_FIELDS_MAIN);
    assert_json(s, "{'f:metadata':{'f:labels':{'f:app':{}},'f:finalizers':{'v:\\'a/b\\'':{}}},"
                   "'f:spec':{'f:replicas':{},'f:selector':{'f:matchLabels':{'f:app':{}}},"
                   "'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{"
                   "'f:containers':{'k:{\\'name\\':\\'c\\'}':{'.':{},'f:name':{},'f:image':{},"
                   "'f:args':{},'f:ports':{'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':"
                   "{'.':{},'f:containerPort':{}}}}}}}}}");
    /* status belongs to the status subresource only */
    json_auto_t *st = cube_fields_of(res("apps", "deployments"), d, CUBE_FIELDS_STATUS);
    assert_json(st, "{'f:status':{'f:replicas':{}}}");
}

static void test_set_operations(void **state)
{
    json_auto_t *a = parse("{'f:a':{},'f:b':{'f:c':{},'f:d':{}},'f:l':{'k:{\\'n\\':1}':{'.':{},"
                           "'f:x':{}}}}");
    json_auto_t *b = parse("{'f:b':{'f:c':{}},'f:l':{'k:{\\'n\\':1}':{'f:x':{}}},'f:z':{}}");
    json_auto_t *u = cube_fields_union(a, b);
    assert_json(u, "{'f:a':{},'f:b':{'f:c':{},'f:d':{}},'f:l':{'k:{\\'n\\':1}':{'.':{},"
                   "'f:x':{}}},'f:z':{}}");
    json_auto_t *d = cube_fields_difference(a, b);
    assert_json(d, "{'f:a':{},'f:b':{'f:d':{}},'f:l':{'k:{\\'n\\':1}':{}}}");
    json_auto_t *i = cube_fields_intersection(a, b);
    assert_json(i, "{'f:b':{'f:c':{}},'f:l':{'k:{\\'n\\':1}':{'f:x':{}}}}");
    json_auto_t *e = cube_fields_difference(a, a);
    assert_true(cube_fields_empty(e));
    json_auto_t *paths = cube_fields_paths(a);
    assert_json(paths, "['.a','.b.c','.b.d','.l[n=1]','.l[n=1].x']");
    assert_true(cube_fields_valid(a));
    json_auto_t *bad = parse("{'x:y':{}}");
    assert_false(cube_fields_valid(bad));
}

static const char *mf_manager(const json_t *obj, size_t i, const char *what)
{
    return cube_json_str(json_array_get(cube_json_path(obj, "metadata", "managedFields", NULL), i),
                         what, NULL);
}

static void test_update_moves_ownership(void **state)
{
    const cube_resource_t *r = res("apps", "deployments");
    cube_managed_req_t q = {r, "kubectl-create", NULL, CUBE_FIELDS_MAIN, 1700000000};
    json_auto_t *obj = parse(DEPLOY);
    cube_managed_update(&q, NULL, obj);
    json_t *mf = cube_json_path(obj, "metadata", "managedFields", NULL);
    assert_int_equal(json_array_size(mf), 1);
    assert_string_equal(mf_manager(obj, 0, "manager"), "kubectl-create");
    assert_string_equal(mf_manager(obj, 0, "operation"), "Update");
    assert_string_equal(mf_manager(obj, 0, "apiVersion"), "apps/v1");
    assert_string_equal(mf_manager(obj, 0, "time"), "2023-11-14T22:13:20Z");
    assert_string_equal(mf_manager(obj, 0, "fieldsType"), "FieldsV1");

    /* another manager changes replicas: it takes that field over */
    json_auto_t *n = json_deep_copy(obj);
    json_object_set_new(cube_json_path(n, "spec", NULL), "replicas", json_integer(5));
    cube_managed_req_t q2 = {r, "kubectl-scale", "scale", CUBE_FIELDS_MAIN, 1700000100};
    cube_managed_update(&q2, obj, n);
    mf = cube_json_path(n, "metadata", "managedFields", NULL);
    assert_int_equal(json_array_size(mf), 2);
    assert_string_equal(mf_manager(n, 1, "manager"), "kubectl-scale");
    assert_string_equal(mf_manager(n, 1, "subresource"), "scale");
    assert_json(cube_json_path(json_array_get(mf, 1), "fieldsV1", NULL),
                "{'f:spec':{'f:replicas':{}}}");
    assert_null(cube_json_path(json_array_get(mf, 0), "fieldsV1", "f:spec", "f:replicas", NULL));

    /* an unchanged write changes nothing, not even the time */
    json_auto_t *n2 = json_deep_copy(n);
    cube_managed_req_t q3 = {r, "kubectl-scale", "scale", CUBE_FIELDS_MAIN, 1700000200};
    cube_managed_update(&q3, n, n2);
    assert_true(json_equal(n, n2));

    /* explicit managedFields in the body are kept; [] resets them */
    json_auto_t *n3 = json_deep_copy(n);
    json_object_set_new(cube_json_obj(n3, "metadata"), "managedFields", json_array());
    cube_managed_update(&q3, n, n3);
    assert_null(cube_json_path(n3, "metadata", "managedFields", NULL));
    /* absent: the live ones stay */
    json_auto_t *n4 = json_deep_copy(n);
    json_object_del(cube_json_obj(n4, "metadata"), "managedFields");
    cube_managed_update(&q3, n, n4);
    assert_true(json_equal(n, n4));
}

static void test_apply_create_merge_and_removal(void **state)
{
    const cube_resource_t *r = res("", "configmaps");
    cube_managed_req_t q = {r, "mgr", NULL, CUBE_FIELDS_MAIN, 1700000000};
    json_auto_t *cfg = parse("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},"
                             "'data':{'a':'1','b':'2'}}");
    json_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_managed_apply(&q, NULL, cfg, false, &out, &err), 0);
    json_auto_t *live = out;
    assert_string_equal(mf_manager(live, 0, "operation"), "Apply");
    assert_json(cube_json_path(live, "data", NULL), "{'a':'1','b':'2'}");

    /* another manager adds c with an update */
    json_auto_t *upd = json_deep_copy(live);
    json_object_set_new(cube_json_path(upd, "data", NULL), "c", json_string("3"));
    cube_managed_req_t q2 = {r, "other", NULL, CUBE_FIELDS_MAIN, 1700000050};
    cube_managed_update(&q2, live, upd);

    /* re-apply without b and c: b goes (only mgr owned it), c stays (other owns it) */
    json_auto_t *cfg2 = parse("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},"
                              "'data':{'a':'1'}}");
    assert_int_equal(cube_managed_apply(&q, upd, cfg2, false, &out, &err), 0);
    json_auto_t *l2 = out;
    assert_json(cube_json_path(l2, "data", NULL), "{'a':'1','c':'3'}");

    /* re-applying the same config is a no-op */
    assert_int_equal(cube_managed_apply(&q, l2, cfg2, false, &out, &err), 0);
    json_auto_t *l3 = out;
    assert_true(json_equal(l2, l3));
}

static void test_apply_conflict_and_force(void **state)
{
    const cube_resource_t *r = res("apps", "deployments");
    cube_managed_req_t q = {r, "kubectl-client-side-apply", NULL, CUBE_FIELDS_MAIN, 1700000000};
    json_auto_t *live = parse(DEPLOY);
    cube_managed_update(&q, NULL, live);
    json_auto_t *cfg = parse("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'x'},"
                             "'spec':{'replicas':3}}");
    cube_managed_req_t qa = {r, "kubectl", NULL, CUBE_FIELDS_MAIN, 1700000100};
    json_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_managed_apply(&qa, live, cfg, false, &out, &err), -1);
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "Conflict");
    assert_string_equal(err.msg, "Apply failed with 1 conflict: conflict with "
                                 "\"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
    json_t *c0 = json_array_get(json_object_get(err.details, "causes"), 0);
    assert_string_equal(cube_json_str(c0, "reason", NULL), "FieldManagerConflict");
    assert_string_equal(cube_json_str(c0, "field", NULL), ".spec.replicas");
    cube_err_clear(&err);

    /* the same value is no conflict: both own it */
    json_auto_t *same = parse("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':"
                              "'x'},'spec':{'replicas':2}}");
    assert_int_equal(cube_managed_apply(&qa, live, same, false, &out, &err), 0);
    json_decref(out);

    /* force: the field changes hands */
    assert_int_equal(cube_managed_apply(&qa, live, cfg, true, &out, &err), 0);
    json_auto_t *l2 = out;
    assert_int_equal(json_integer_value(cube_json_path(l2, "spec", "replicas", NULL)), 3);
    json_t *mf = cube_json_path(l2, "metadata", "managedFields", NULL);
    assert_int_equal(json_array_size(mf), 2);
    assert_string_equal(mf_manager(l2, 0, "manager"), "kubectl");
    assert_null(cube_json_path(json_array_get(mf, 1), "fieldsV1", "f:spec", "f:replicas", NULL));

    /* two conflicts, with list-map keys in the paths */
    json_auto_t *cfg3 = parse(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'x'},'spec':{'replicas':"
        "4,'template':{'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}");
    cube_managed_req_t qb = {r, "other", NULL, CUBE_FIELDS_MAIN, 1700000100};
    assert_int_equal(cube_managed_apply(&qb, live, cfg3, false, &out, &err), -1);
    assert_string_equal(err.msg, "Apply failed with 2 conflicts: conflicts with "
                                 "\"kubectl-client-side-apply\" using apps/v1:\n- .spec.replicas\n"
                                 "- .spec.template.spec.containers[name=\"c\"].image");
}

static void test_apply_list_map_merge(void **state)
{
    const cube_resource_t *r = res("", "pods");
    cube_managed_req_t q = {r, "a", NULL, CUBE_FIELDS_MAIN, 1700000000};
    json_auto_t *live = parse("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{"
                              "'containers':[{'name':'c','image':'i','env':[{'name':'A','value':"
                              "'1'}]}]}}");
    cube_managed_update(&q, NULL, live);
    json_auto_t *cfg = parse("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{"
                             "'containers':[{'name':'d','image':'j'}]}}");
    cube_managed_req_t qb = {r, "b", NULL, CUBE_FIELDS_MAIN, 1700000000};
    json_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_managed_apply(&qb, live, cfg, false, &out, &err), 0);
    json_auto_t *m = out;
    json_t *cs = cube_json_path(m, "spec", "containers", NULL);
    assert_int_equal(json_array_size(cs), 2);
    assert_string_equal(cube_json_str(json_array_get(cs, 1), "name", NULL), "d");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_of_list_types),
        cmocka_unit_test(test_set_operations),
        cmocka_unit_test(test_update_moves_ownership),
        cmocka_unit_test(test_apply_create_merge_and_removal),
        cmocka_unit_test(test_apply_conflict_and_force),
        cmocka_unit_test(test_apply_list_map_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
