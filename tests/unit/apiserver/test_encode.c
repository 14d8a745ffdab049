/* Unit tests for src/apiserver/encode.c: store form, resourceVersion splice, Status, Table rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "apiserver/internal.h"

static void test_store_form_orders_and_drops_rv(void **state)
{
    json_auto_t *o =
        json_loads("{\"data\":{\"a\":\"b\"},\"metadata\":{\"name\":\"x\","
                   "\"resourceVersion\":\"7\"},\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\"}",
                   0, NULL);
    _cleanup_free_ char *s = cube_encode_for_store(o, NULL);
    assert_string_equal(s, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                           "\"x\"},\"data\":{\"a\":\"b\"}}");
}

static void test_splice_rv(void **state)
{
    const char *s = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}";
    cube_bytes_t *b = cube_encode_with_rv(s, strlen(s), 42);
    json_auto_t *j = json_loadb(b->data, b->len, 0, NULL);
    assert_non_null(j);
    assert_string_equal(cube_json_str(j, "metadata", "resourceVersion", NULL), "42");
    assert_string_equal(cube_json_str(j, "metadata", "name", NULL), "x");
    cube_bytes_unref(b);
    const char *empty = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}";
    b = cube_encode_with_rv(empty, strlen(empty), 3);
    json_auto_t *k = json_loadb(b->data, b->len, 0, NULL);
    assert_non_null(k);
    assert_string_equal(cube_json_str(k, "metadata", "resourceVersion", NULL), "3");
    cube_bytes_unref(b);
}

static void test_status(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_err_notfound(&err, "pods \"x\" not found");
    err.details = json_pack("{s:s, s:s}", "name", "x", "kind", "pods");
    cube_bytes_t *b = cube_encode_status(&err);
    json_auto_t *j = json_loadb(b->data, b->len, 0, NULL);
    assert_string_equal(cube_json_str(j, "kind", NULL), "Status");
    assert_string_equal(cube_json_str(j, "status", NULL), "Failure");
    assert_string_equal(cube_json_str(j, "reason", NULL), "NotFound");
    assert_string_equal(cube_json_str(j, "message", NULL), "pods \"x\" not found");
    assert_string_equal(cube_json_str(j, "details", "name", NULL), "x");
    assert_int_equal(json_integer_value(json_object_get(j, "code")), 404);
    cube_bytes_unref(b);
}

static void test_table_row_renders_age(void **state)
{
    const cube_resource_t *r = cube_api_resource_find("", "v1", "configmaps");
    assert_non_null(r);
    const char *v = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
                    "\"namespace\":\"default\",\"creationTimestamp\":\"2023-11-14T22:13:20Z\"},"
                    "\"data\":{\"a\":\"1\",\"b\":\"2\"}}";
    cube_bytes_t *val = cube_bytes_new(v, strlen(v));
    cube_obj_t *o = cube_obj_build(r, "/registry/core/configmaps/default/c", val, 9);
    cube_bytes_unref(val);
    assert_string_equal(o->name, "c");
    assert_string_equal(o->ns, "default");
    cube_buf_t b = CUBE_BUF_INIT;
    cube_encode_table_row(&b, o, r, 1700000000 + 150, true);
    json_auto_t *row = json_loadb(b.data, b.len, 0, NULL);
    assert_non_null(row);
    json_t *cells = json_object_get(row, "cells");
    assert_string_equal(json_string_value(json_array_get(cells, 0)), "c");
    assert_int_equal(json_integer_value(json_array_get(cells, 1)), 2);
    assert_string_equal(json_string_value(json_array_get(cells, 2)), "2m30s");
    assert_string_equal(cube_json_str(row, "object", "metadata", "resourceVersion", NULL), "9");
    cube_buf_clear(&b);
    cube_obj_unref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_form_orders_and_drops_rv),
        cmocka_unit_test(test_splice_rv),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_table_row_renders_age),
    };
    return cmocka_run_group_tests_name("apiserver/encode", tests, NULL, NULL);
}
