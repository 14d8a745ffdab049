/* Unit tests for src/core: buffers, bytes, time, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/core.h"

static void test_buf_json_str(void **state)
{
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_json_str(&b, "a\"b\\c\n\x01");
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
    cube_buf_clear(&b);
}

static void test_buf_printf_grows(void **state)
{
    cube_buf_t b = CUBE_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        cube_buf_printf(&b, "%04d", i);
    assert_int_equal(b.len, 4000);
    assert_memory_equal(b.data + 3996, "0999", 4);
    cube_buf_clear(&b);
}

/* Regression: an empty file read into a buffer must be "" (was unterminated; seen under ASan). */
static void test_file_read_empty(void **state)
{
    char *data = NULL;
    size_t len = 1;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_file_read("/dev/null", &data, &len, &err), 0);
    assert_int_equal(len, 0);
    assert_string_equal(data, "");
    free(data);
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_reserve(&b, 100);
    assert_string_equal(b.data, "");
    cube_bytes_t *bytes = cube_bytes_from_buf(&b);
    assert_int_equal(bytes->len, 0);
    assert_string_equal(bytes->data, "");
    cube_bytes_unref(bytes);
}

static void test_time_roundtrip(void **state)
{
    char s[32];
    cube_time_rfc3339(1700000000, s);
    assert_string_equal(s, "2023-11-14T22:13:20Z");
    time_t t;
    assert_int_equal(cube_time_parse(s, &t), 0);
    assert_int_equal(t, 1700000000);
    assert_int_equal(cube_time_parse("2023-11-14T23:13:20.5+01:00", &t), 0);
    assert_int_equal(t, 1700000000);
    assert_int_equal(cube_time_parse("2023-11-14 bad", &t), -1);
}

static void test_time_age(void **state)
{
    char s[16];
    cube_time_age(0, 5, s, sizeof(s));
    assert_string_equal(s, "5s");
    cube_time_age(0, 150, s, sizeof(s));
    assert_string_equal(s, "2m30s");
    cube_time_age(0, 3600 * 5, s, sizeof(s));
    assert_string_equal(s, "5h");
    cube_time_age(0, 86400 * 3, s, sizeof(s));
    assert_string_equal(s, "3d");
}

static void test_err_prefix(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_err_notfound(&err, "pods \"%s\" not found", "x"), -1);
    cube_err_prefix(&err, "loading");
    assert_string_equal(err.msg, "loading: pods \"x\" not found");
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
}

static void test_bytes_refcount(void **state)
{
    cube_bytes_t *b = cube_bytes_new("abc", 3);
    cube_bytes_t *c = cube_bytes_ref(b);
    cube_bytes_unref(b);
    assert_string_equal(c->data, "abc");
    cube_bytes_unref(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_json_str),    cmocka_unit_test(test_buf_printf_grows),
        cmocka_unit_test(test_time_roundtrip),  cmocka_unit_test(test_time_age),
        cmocka_unit_test(test_err_prefix),      cmocka_unit_test(test_bytes_refcount),
        cmocka_unit_test(test_file_read_empty),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
