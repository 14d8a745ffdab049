/*
 * Unit tests for strict decoding (src/api/schema.c, src/api/yaml.c): unknown
 * fields against the schema (found, pruned, unmodelled subtrees kept), duplicate
 * keys in JSON texts and YAML documents, named as Kubernetes' decoders name them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

/* Collects reported paths, "|"-joined. */
static void collect(const char *path, void *arg)
{
    cube_buf_t *b = arg;
    cube_buf_printf(b, "%s%s", b->len ? "|" : "", path);
}

static json_t *load(const char *s)
{
    json_t *j = json_loads(s, 0, NULL);
    assert_non_null(j);
    return j;
}

static void test_unknown_fields_found_and_kept(void **state)
{
    const cube_resource_t *r = cube_api_resource_by_kind("", "Pod");
    assert_non_null(r);
    json_auto_t *pod =
        load("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"x\":1},"
             "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"},{\"name\":\"d\","
             "\"imagee\":\"j\"}],\"nodeSelector\":{\"a\":\"b\"},\"foo\":{\"bar\":1}}}");
    cube_buf_t b = CUBE_BUF_INIT;
    assert_int_equal(cube_schema_unknown_fields(r, pod, false, collect, &b), 3);
    assert_string_equal(b.data, "metadata.x|spec.containers[1].imagee|spec.foo");
    cube_buf_clear(&b);
    assert_non_null(cube_json_path(pod, "spec", "foo", NULL)); /* not pruned */
}

static void test_unknown_fields_pruned(void **state)
{
    const cube_resource_t *r = cube_api_resource_by_kind("apps", "Deployment");
    assert_non_null(r);
    json_auto_t *d =
        load("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
             "\"spec\":{\"replicas\":2,\"bogus\":true,\"template\":{\"spec\":{\"containers\":[{"
             "\"name\":\"c\",\"image\":\"i\",\"typo\":1}],\"volumes\":[{\"name\":\"g\",\"gitRepo\":"
             "{\"repository\":\"r\",\"anything\":1}}]}}},\"zzz\":1}");
    assert_int_equal(cube_schema_unknown_fields(r, d, true, NULL, NULL), 3);
    _cleanup_free_ char *s = cube_json_dump(d, NULL);
    assert_string_equal(s, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{"
                           "\"name\":\"d\"},\"spec\":{\"replicas\":2,\"template\":{\"spec\":{"
                           "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}],\"volumes\":[{"
                           "\"name\":\"g\",\"gitRepo\":{\"repository\":\"r\",\"anything\":1}}]"
                           "}}}}");
    /* nothing left to find */
    assert_int_equal(cube_schema_unknown_fields(r, d, false, NULL, NULL), 0);
}

static void test_json_duplicates(void **state)
{
    const char *t = "{\"a\":1,\"m\":{\"x\":[{\"k\":1,\"k\":2,\"k\":3}],\"y\":\"\\\"}\"},"
                    "\"a\":2,\"m\\u0041\":{},\"mA\":{},\"a\":3}";
    cube_buf_t b = CUBE_BUF_INIT;
    assert_int_equal(cube_json_duplicate_fields(t, strlen(t), collect, &b), 3);
    assert_string_equal(b.data, "m.x[0].k|a|mA");
    cube_buf_clear(&b);
    const char *clean = "{\"a\":{\"a\":{\"a\":[1,{\"a\":2}]}},\"b\":\"a\"}";
    assert_int_equal(cube_json_duplicate_fields(clean, strlen(clean), collect, &b), 0);
    assert_null(b.data);
    assert_int_equal(cube_json_duplicate_fields("[1,2]", 5, collect, &b), 0);
}

static void test_yaml_duplicates(void **state)
{
    const char *y = "kind: ConfigMap\ndata:\n  a: \"1\"\n  b: x\n  a: \"2\"\nkind: Secret\n";
    json_t *j = NULL;
    char *dups = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_yaml_decode_dups(y, strlen(y), &j, &dups, &err), 0);
    assert_string_equal(dups, "yaml: unmarshal errors:\n  line 5: key \"a\" already set in map\n"
                              "  line 6: key \"kind\" already set in map");
    assert_string_equal(cube_json_str(j, "kind", NULL), "Secret"); /* the last wins */
    assert_string_equal(cube_json_str(j, "data", "a", NULL), "2");
    free(dups);
    json_decref(j);

    const char *ok = "kind: A\nx:\n  kind: B\n";
    assert_int_equal(cube_yaml_decode_dups(ok, strlen(ok), &j, &dups, &err), 0);
    assert_null(dups);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_fields_found_and_kept),
        cmocka_unit_test(test_unknown_fields_pruned),
        cmocka_unit_test(test_json_duplicates),
        cmocka_unit_test(test_yaml_duplicates),
    };
    return cmocka_run_group_tests_name("api/strict", tests, NULL, NULL);
}
