/* Unit tests for src/api/yaml.c: YAML bodies become the JSON Kubernetes' decoder makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

static json_t *decode(const char *y)
{
    json_t *j = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_yaml_decode(y, strlen(y), &j, &err), 0);
    return j;
}

static void test_typing(void **state)
{
    json_auto_t *j = decode("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                            "spec:\n  replicas: 3\n  ratio: 0.5\n  on: yes\n  off: \"no\"\n"
                            "  empty:\n  list: [a, 2, true, null]\n  octal: 0o7\n  str: '12'\n");
    _cleanup_free_ char *s = cube_json_dump(j, NULL);
    assert_string_equal(s, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                           "\"x\"},\"spec\":{\"replicas\":3,\"ratio\":0.5,\"true\":true,\"false\":"
                           "\"no\",\"empty\":null,\"list\":[\"a\",2,true,null],\"octal\":\"0o7\","
                           "\"str\":\"12\"}}");
}

static void test_first_document_only(void **state)
{
    json_auto_t *j = decode("---\nkind: A\n---\nkind: B\n");
    assert_string_equal(cube_json_str(j, "kind", NULL), "A");
}

static void test_errors(void **state)
{
    const char *bad[] = {"a: [unclosed\n", "- a\n- b\n", "", "a: &x 1\nb: *x\n", "just text\n"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(bad); i++) {
        json_t *j = NULL;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        assert_int_equal(cube_yaml_decode(bad[i], strlen(bad[i]), &j, &err), -1);
        assert_int_equal(err.code, 400);
        assert_string_equal(err.reason, "BadRequest");
        assert_null(j);
    }
}

/* JSON bodies (what kubectl's server-side apply sends) decode as the YAML parser would:
 * a repeated key keeps the last value; flow YAML that is not JSON still decodes; broken
 * JSON is refused with the YAML parser's error. */
static void test_json_bodies(void **state)
{
    json_auto_t *j = decode("  {\"kind\":\"A\",\"n\":1,\"r\":0.5,\"kind\":\"B\"}\n");
    _cleanup_free_ char *s = cube_json_dump(j, NULL);
    assert_string_equal(s, "{\"kind\":\"B\",\"n\":1,\"r\":0.5}");
    json_auto_t *y = decode("{kind: A, n: 1}");
    assert_string_equal(cube_json_str(y, "kind", NULL), "A");
    json_t *bad = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_yaml_decode("{\"a\": [1,", 9, &bad, &err), -1);
    assert_int_equal(err.code, 400);
    assert_null(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typing),
        cmocka_unit_test(test_first_document_only),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_json_bodies),
    };
    return cmocka_run_group_tests_name("api/yaml", tests, NULL, NULL);
}
