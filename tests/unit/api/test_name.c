/* Unit tests for src/api/name.c: DNS-1123 names, qualified names, label values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

#define SUBDOMAIN_MSG                                                                              \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_MSG                                                                                  \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "   \
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "     \
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define QNAME_MSG                                                                                  \
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "  \
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define VALUE_MSG                                                                                  \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "             \
    "'my_value',  or '12345', regex used for validation is "                                       \
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

static char *repeat(char c, size_t n)
{
    char *s = xmalloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void test_subdomain(void **state)
{
    const char *ok[] = {"a", "0", "abc", "a-b", "a.b", "example.com", "a1.b2-c.d3", "1-2.3"};
    const char *bad[] = {"", "A", "a_b", "-a", "a-", ".a", "a.", "a..b", "a.-b", "a b", "ü"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ok); i++)
        assert_null(cube_name_dns1123_subdomain(ok[i]));
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(bad); i++) {
        const char *m = cube_name_dns1123_subdomain(bad[i]);
        assert_non_null(m);
        assert_string_equal(m, SUBDOMAIN_MSG);
    }
    _cleanup_free_ char *max = repeat('a', 253), *over = repeat('a', 254);
    assert_null(cube_name_dns1123_subdomain(max));
    assert_string_equal(cube_name_dns1123_subdomain(over), "must be no more than 253 characters");
    over[0] = '-';
    assert_string_equal(cube_name_dns1123_subdomain(over),
                        "must be no more than 253 characters; " SUBDOMAIN_MSG);
}

static void test_label(void **state)
{
    const char *ok[] = {"a", "0", "abc", "a-b", "my-name", "123-abc"};
    const char *bad[] = {"", "A", "a_b", "-a", "a-", "a b", "a/b"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ok); i++)
        assert_null(cube_name_dns1123_label(ok[i]));
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(bad); i++)
        assert_string_equal(cube_name_dns1123_label(bad[i]), LABEL_MSG);
    assert_string_equal(cube_name_dns1123_label("a.b"), "must not contain dots");
    _cleanup_free_ char *max = repeat('a', 63), *over = repeat('a', 64);
    assert_null(cube_name_dns1123_label(max));
    assert_string_equal(cube_name_dns1123_label(over), "must be no more than 63 characters");
}

static void test_path_segment(void **state)
{
    assert_null(cube_name_path_segment("a"));
    assert_null(cube_name_path_segment("Ab_C.d"));
    assert_null(cube_name_path_segment("..."));
    assert_string_equal(cube_name_path_segment("."), "may not be '.'");
    assert_string_equal(cube_name_path_segment(".."), "may not be '..'");
    assert_string_equal(cube_name_path_segment("a/b"), "may not contain '/'");
    assert_string_equal(cube_name_path_segment("a%b"), "may not contain '%'");
    assert_string_equal(cube_name_path_segment("/%"), "may not contain '/'; may not contain '%'");
}

static void test_qualified(void **state)
{
    const char *ok[] = {"a",          "A",      "app", "My.Name_x-y", "1", "example.com/a",
                        "k8s.io/app", "a.b/C_d"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ok); i++)
        assert_null(cube_name_qualified(ok[i]));
    assert_string_equal(cube_name_qualified("-a"), QNAME_MSG);
    assert_string_equal(cube_name_qualified("a b"), QNAME_MSG);
    assert_string_equal(cube_name_qualified(""), "name part must be non-empty; " QNAME_MSG);
    assert_string_equal(cube_name_qualified("a/"), "name part must be non-empty; " QNAME_MSG);
    assert_string_equal(cube_name_qualified("/a"), "prefix part must be non-empty");
    assert_string_equal(cube_name_qualified("Example.com/a"), "prefix part " SUBDOMAIN_MSG);
    assert_string_equal(
        cube_name_qualified("a/b/c"),
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must "
        "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with "
        "an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    _cleanup_free_ char *n63 = repeat('x', 63), *n64 = repeat('x', 64);
    assert_null(cube_name_qualified(n63));
    assert_string_equal(cube_name_qualified(n64), "name part must be no more than 63 characters");
    _cleanup_free_ char *longprefix = repeat('p', 254);
    _cleanup_free_ char *key = xasprintf("%s/x", longprefix);
    assert_string_equal(cube_name_qualified(key),
                        "prefix part must be no more than 253 characters");
}

static void test_label_value(void **state)
{
    const char *ok[] = {"", "a", "A", "MyValue", "my_value", "12345", "a.b-c_d"};
    const char *bad[] = {"-a", "a-", "_a", "a b", "a/b", "a=b", "é"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ok); i++)
        assert_null(cube_name_label_value(ok[i]));
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(bad); i++)
        assert_string_equal(cube_name_label_value(bad[i]), VALUE_MSG);
    _cleanup_free_ char *v63 = repeat('v', 63), *v64 = repeat('v', 64);
    assert_null(cube_name_label_value(v63));
    assert_string_equal(cube_name_label_value(v64), "must be no more than 63 characters");
    v64[63] = '-';
    assert_string_equal(cube_name_label_value(v64),
                        "must be no more than 63 characters; " VALUE_MSG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subdomain),    cmocka_unit_test(test_label),
        cmocka_unit_test(test_path_segment), cmocka_unit_test(test_qualified),
        cmocka_unit_test(test_label_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
