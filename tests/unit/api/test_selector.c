/* Unit tests for src/api/selector.c: label and field selector parsing and matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

static json_t *labels(const char *js)
{
    json_error_t e;
    json_t *j = json_loads(js, 0, &e);
    if (!j)
        fail_msg("bad test JSON %s: %s", js, e.text);
    return j;
}

/* Parses sel (label syntax) and checks it against a labels object. */
static bool lmatch(const char *sel, const char *lbls)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_selector_t *s = NULL;
    if (cube_label_selector_parse(sel, &s, &err) < 0)
        fail_msg("parse %s: %s", sel, err.msg);
    json_auto_t *l = lbls ? labels(lbls) : NULL;
    bool m = cube_selector_matches(s, l);
    cube_selector_free(s);
    return m;
}

static void test_label_matches(void **state)
{
    static const struct {
        const char *sel, *labels;
        bool match;
    } cases[] = {
        {"", "{}", true},
        {"", NULL, true},
        {"a=b", "{\"a\":\"b\"}", true},
        {"a=b", "{\"a\":\"c\"}", false},
        {"a=b", "{}", false},
        {"a=b", NULL, false},
        {"a==b", "{\"a\":\"b\"}", true},
        {"a!=b", "{\"a\":\"b\"}", false},
        {"a!=b", "{\"a\":\"c\"}", true},
        {"a!=b", "{}", true}, /* != matches objects lacking the key */
        {"a", "{\"a\":\"\"}", true},
        {"a", "{\"b\":\"x\"}", false},
        {"!a", "{\"b\":\"x\"}", true},
        {"!a", "{\"a\":\"x\"}", false},
        {"a in (x,y)", "{\"a\":\"y\"}", true},
        {"a in (x,y)", "{\"a\":\"z\"}", false},
        {"a in (x,y)", "{}", false},
        {"a notin (x,y)", "{\"a\":\"x\"}", false},
        {"a notin (x,y)", "{\"a\":\"z\"}", true},
        {"a notin (x,y)", "{}", true},
        {"a in ()", "{\"a\":\"\"}", true},
        {"a in (x,)", "{\"a\":\"\"}", true},
        {"a in (,x)", "{\"a\":\"\"}", true},
        {"a in (in,notin)", "{\"a\":\"notin\"}", true},
        {"a=", "{\"a\":\"\"}", true},
        {"a=", "{}", false},
        {"a=in", "{\"a\":\"in\"}", true},
        {"a=b,c=d", "{\"a\":\"b\",\"c\":\"d\"}", true},
        {"a=b,c=d", "{\"a\":\"b\",\"c\":\"x\"}", false},
        {"  a = b ,\tc\n", "{\"a\":\"b\",\"c\":\"\"}", true},
        {"a>5", "{\"a\":\"6\"}", true},
        {"a>5", "{\"a\":\"5\"}", false},
        {"a<5", "{\"a\":\"-3\"}", true},
        {"a<5", "{\"a\":\"x\"}", false},
        {"a>5", "{}", false},
        {"app.kubernetes.io/name=web,tier in (fe,be),!canary",
         "{\"app.kubernetes.io/name\":\"web\",\"tier\":\"be\"}", true},
        {"app.kubernetes.io/name=web,tier in (fe,be),!canary",
         "{\"app.kubernetes.io/name\":\"web\",\"tier\":\"be\",\"canary\":\"1\"}", false},
        {"x=1,x!=2", "{\"x\":\"1\"}", true},
        {"!in", "{}", true}, /* keywords are identifiers where a key is expected */
        {"in in (in),notin notin (in)", "{\"in\":\"in\"}", true},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        if (lmatch(cases[i].sel, cases[i].labels) != cases[i].match)
            fail_msg("selector '%s' on %s: expected %s", cases[i].sel,
                     cases[i].labels ? cases[i].labels : "NULL",
                     cases[i].match ? "match" : "no match");
    }
}

#define BINOPS "in, notin, =, ==, !=, gt, lt"
#define KEY_MSG                                                                                    \
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "  \
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define VALUE_MSG                                                                                  \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "             \
    "'my_value',  or '12345', regex used for validation is "                                       \
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

static void test_label_errors(void **state)
{
    static const struct {
        const char *sel, *msg;
    } cases[] = {
        {"a b", "unable to parse requirement: found 'b', expected: " BINOPS},
        {"a=b c", "found 'c', expected: ',' or 'end of string'"},
        {"a,", "found '', expected: identifier after ','"},
        {"a,,b", "found ',', expected: identifier after ','"},
        {",a", "found ',', expected: !, identifier, or 'end of string'"},
        {"=a", "found '=', expected: !, identifier, or 'end of string'"},
        {"a=(b)", "unable to parse requirement: found '(', expected: identifier"},
        {"a in b", "unable to parse requirement: found 'b' expected: '('"},
        {"a in (b", "unable to parse requirement: found '', expected: ',' or ')'"},
        {"a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"},
        {"a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"},
        {"a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier"},
        {"!", "unable to parse requirement: found '', expected: identifier"},
        {"!=a", "found '!=', expected: !, identifier, or 'end of string'"},
        {"!a=b", "found '=', expected: ',' or 'end of string'"},
        {"a$", "unable to parse requirement: <nil>: Invalid value: \"a$\": " KEY_MSG},
        {"-a=b", "unable to parse requirement: <nil>: Invalid value: \"-a\": " KEY_MSG},
        {"a=b$", "unable to parse requirement: values[0][a]: Invalid value: \"b$\": " VALUE_MSG},
        {"a in (x$,y$)",
         "unable to parse requirement: [values[0][a]: Invalid value: \"x$\": " VALUE_MSG
         ", values[1][a]: Invalid value: \"y$\": " VALUE_MSG "]"},
        {"a>b", "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' "
                "operators, the value must be an integer"},
        {"a=\"b\"",
         "unable to parse requirement: values[0][a]: Invalid value: \"\\\"b\\\"\": " VALUE_MSG},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        cube_selector_t *s = NULL;
        if (cube_label_selector_parse(cases[i].sel, &s, &err) >= 0)
            fail_msg("selector '%s' parsed, expected an error", cases[i].sel);
        assert_null(s);
        assert_int_equal(err.code, 400);
        assert_string_equal(err.reason, "BadRequest");
        if (strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("selector '%s':\n got  %s\n want %s", cases[i].sel, err.msg, cases[i].msg);
    }
}

static void test_label_keys_exact(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_selector_t *s = NULL;
    assert_int_equal(cube_label_selector_parse("z=1,a in (x),b in (x,y),!c,a!=q", &s, &err), 0);
    const char *const *keys;
    size_t n = cube_selector_keys(s, &keys);
    assert_int_equal(n, 4);
    /* Requirements are kept sorted by key, as Kubernetes does. */
    assert_string_equal(keys[0], "a");
    assert_string_equal(keys[1], "b");
    assert_string_equal(keys[2], "c");
    assert_string_equal(keys[3], "z");
    assert_string_equal(cube_selector_exact(s, "z"), "1");
    assert_string_equal(cube_selector_exact(s, "a"), "x"); /* in with one value */
    assert_null(cube_selector_exact(s, "b"));
    assert_null(cube_selector_exact(s, "c"));
    assert_null(cube_selector_exact(s, "nope"));
    assert_false(cube_selector_empty(s));
    cube_selector_free(s);

    assert_int_equal(cube_label_selector_parse("", &s, &err), 0);
    assert_true(cube_selector_empty(s));
    assert_int_equal(cube_selector_keys(s, &keys), 0);
    cube_selector_free(s);
    cube_selector_free(NULL);
}

static cube_selector_t *from_json(const char *js, cube_err_t *err)
{
    json_auto_t *j = js ? labels(js) : NULL;
    cube_selector_t *s = NULL;
    if (cube_label_selector_from_json(j, &s, err) < 0)
        return NULL;
    return s;
}

static void test_label_from_json(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *l1 = labels("{\"app\":\"web\",\"tier\":\"fe\",\"env\":\"prod\"}");
    json_auto_t *l2 = labels("{\"app\":\"web\",\"tier\":\"be\"}");

    cube_selector_t *s = from_json(NULL, &err);
    assert_non_null(s);
    assert_false(cube_selector_empty(s)); /* a nil selector selects nothing */
    assert_false(cube_selector_matches(s, l1));
    cube_selector_free(s);

    s = from_json("{}", &err);
    assert_true(cube_selector_empty(s));
    assert_true(cube_selector_matches(s, l1));
    cube_selector_free(s);

    s = from_json("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":["
                  "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"fe\",\"x\"]},"
                  "{\"key\":\"env\",\"operator\":\"Exists\"},"
                  "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"},"
                  "{\"key\":\"zone\",\"operator\":\"NotIn\",\"values\":[\"a\"]}]}",
                  &err);
    assert_non_null(s);
    assert_true(cube_selector_matches(s, l1));
    assert_false(cube_selector_matches(s, l2));
    assert_string_equal(cube_selector_exact(s, "app"), "web");
    cube_selector_free(s);

    static const struct {
        const char *js, *msg;
    } bad[] = {
        {"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Equals\",\"values\":[\"x\"]}]}",
         "\"Equals\" is not a valid label selector operator"},
        {"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}",
         "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be "
         "empty"},
        {"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\",\"y\"]}]"
         "}",
         "values: Invalid value: []string{\"x\", \"y\"}: values set must be empty for exists and "
         "does not exist"},
        {"{\"matchLabels\":{\"a b\":\"x\"}}", "key: Invalid value: \"a b\": " KEY_MSG},
        {"{\"matchLabels\":{\"a\":\"-x\"}}", "values[0][a]: Invalid value: \"-x\": " VALUE_MSG},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(bad); i++) {
        cube_err_clear(&err);
        s = from_json(bad[i].js, &err);
        assert_null(s);
        assert_int_equal(err.code, 400);
        if (strcmp(err.msg, bad[i].msg) != 0)
            fail_msg("%s:\n got  %s\n want %s", bad[i].js, err.msg, bad[i].msg);
    }
}

static bool fmatch(const char *sel, const char *attrs)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_selector_t *s = NULL;
    if (cube_field_selector_parse(sel, &s, &err) < 0)
        fail_msg("parse %s: %s", sel, err.msg);
    json_auto_t *a = attrs ? labels(attrs) : NULL;
    bool m = cube_selector_matches(s, a);
    cube_selector_free(s);
    return m;
}

static void test_field_selector(void **state)
{
    static const struct {
        const char *sel, *attrs;
        bool match;
    } cases[] = {
        {"", "{}", true},
        {"metadata.name=x", "{\"metadata.name\":\"x\"}", true},
        {"metadata.name==x", "{\"metadata.name\":\"x\"}", true},
        {"metadata.name=x", "{\"metadata.name\":\"y\"}", false},
        {"metadata.name!=x", "{\"metadata.name\":\"y\"}", true},
        {"metadata.name!=x", "{\"metadata.name\":\"x\"}", false},
        {"spec.nodeName=", "{}", true}, /* absent fields read as "" */
        {"spec.nodeName=", "{\"spec.nodeName\":\"n1\"}", false},
        {"spec.nodeName!=", "{\"spec.nodeName\":\"n1\"}", true},
        {"a=1,b=2", "{\"a\":\"1\",\"b\":\"2\"}", true},
        {"a=1,b=2", "{\"a\":\"1\",\"b\":\"3\"}", false},
        {"a=x\\,y", "{\"a\":\"x,y\"}", true},
        {"a=x\\=y\\\\", "{\"a\":\"x=y\\\\\"}", true},
        {"=", "{\"a\":\"1\"}", true},
        {"a=1,", "{\"a\":\"1\"}", true},
        {" a=1", "{\" a\":\"1\"}", true}, /* no trimming, as in Kubernetes */
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        if (fmatch(cases[i].sel, cases[i].attrs) != cases[i].match)
            fail_msg("field selector '%s' on %s: expected %s", cases[i].sel, cases[i].attrs,
                     cases[i].match ? "match" : "no match");
    }

    static const struct {
        const char *sel, *msg;
    } bad[] = {
        {"a", "invalid selector: 'a'; can't understand 'a'"},
        {"a=1,b", "invalid selector: 'a=1,b'; can't understand 'b'"},
        {"a=b=c", "invalid field selector: unescaped character in value: 61"},
        {"a=b\\", "invalid field selector: invalid escape sequence: \\"},
        {"a=b\\n", "invalid field selector: invalid escape sequence: \\n"},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(bad); i++) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        cube_selector_t *s = NULL;
        assert_int_equal(cube_field_selector_parse(bad[i].sel, &s, &err), -1);
        assert_null(s);
        assert_int_equal(err.code, 400);
        assert_string_equal(err.reason, "BadRequest");
        if (strcmp(err.msg, bad[i].msg) != 0)
            fail_msg("'%s':\n got  %s\n want %s", bad[i].sel, err.msg, bad[i].msg);
    }

    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_selector_t *s = NULL;
    assert_int_equal(cube_field_selector_parse(
                         "status.phase!=Running,spec.nodeName=n1,metadata.name=p", &s, &err),
                     0);
    const char *const *keys;
    assert_int_equal(cube_selector_keys(s, &keys), 3);
    assert_string_equal(keys[0], "metadata.name");
    assert_string_equal(keys[1], "spec.nodeName");
    assert_string_equal(keys[2], "status.phase");
    assert_string_equal(cube_selector_exact(s, "spec.nodeName"), "n1");
    assert_null(cube_selector_exact(s, "status.phase"));
    cube_selector_free(s);

    assert_int_equal(cube_field_selector_parse("=", &s, &err), 0);
    assert_true(cube_selector_empty(s));
    cube_selector_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label_matches),    cmocka_unit_test(test_label_errors),
        cmocka_unit_test(test_label_keys_exact), cmocka_unit_test(test_label_from_json),
        cmocka_unit_test(test_field_selector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
