/* Unit tests for src/api/patch.c: JSON Patch and JSON Merge Patch.
 *
 * Expected documents were produced by evanphx/json-patch v4.12 (what the
 * Kubernetes API server uses) on the same inputs, quirks included: replace
 * of an absent member adds it, copy from an absent member copies null, a
 * path without "/" addresses the root, replace of "" with a scalar is a
 * no-op. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

static json_t *parse(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
    if (!j)
        fail_msg("bad test JSON %s: %s", s, e.text);
    return j;
}

static void test_json_patch_table(void **state)
{
    static const struct {
        const char *doc, *patch, *want; /* want NULL: an error with that code */
        int code;
    } cases[] = {
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\",\"value\":{\"c\":[1,2]}}]",
         "{\"a\":1,\"b\":{\"c\":[1,2]}}", 0},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/1\",\"value\":9}]", "{\"a\":[1,9,2,3]}",
         0},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/-\",\"value\":9}]", "{\"a\":[1,2,3,9]}",
         0},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/3\",\"value\":9}]", "{\"a\":[1,2,3,9]}",
         0},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/4\",\"value\":9}]", NULL, 422},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/-1\",\"value\":9}]",
         "{\"a\":[1,2,3,9]}", 0},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/01\",\"value\":9}]",
         "{\"a\":[1,9,2,3]}", 0},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/x\",\"value\":9}]", NULL, 422},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/x/y\",\"value\":1}]", NULL, 422},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\"}]", "{\"a\":1,\"b\":null}", 0},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"\",\"value\":{}}]", NULL, 422},
        {"{\"a~b\":1,\"c/d\":2}",
         "[{\"op\":\"remove\",\"path\":\"/a~0b\"},{\"op\":\"replace\",\"path\":\"/"
         "c~1d\",\"value\":3}]",
         "{\"c/d\":3}", 0},
        {"{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]", NULL, 422},
        {"{\"a\":null}", "[{\"op\":\"remove\",\"path\":\"/a\"}]", "{}", 0},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/a/-1\"}]", "{\"a\":[1,2]}", 0},
        {"{\"a\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/a/3\"}]", NULL, 422},
        {"{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":2}]", "{\"a\":1,\"b\":2}", 0},
        {"{\"a\":[1]}", "[{\"op\":\"replace\",\"path\":\"/a/1\",\"value\":2}]", NULL, 422},
        {"{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"z\":0}}]", "{\"z\":0}", 0},
        {"{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":5}]", "{\"a\":1}", 0},
        {"{\"a\":{\"b\":1},\"c\":[]}", "[{\"op\":\"move\",\"from\":\"/a/b\",\"path\":\"/c/0\"}]",
         "{\"a\":{},\"c\":[1]}", 0},
        {"{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"}]", NULL, 422},
        {"{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/x\",\"path\":\"/y\"}]", NULL, 422},
        {"{\"a\":{\"b\":[1]}}", "[{\"op\":\"copy\",\"from\":\"/a/b\",\"path\":\"/c\"}]",
         "{\"a\":{\"b\":[1]},\"c\":[1]}", 0},
        {"{\"a\":1}", "[{\"op\":\"copy\",\"from\":\"/nope\",\"path\":\"/c\"}]",
         "{\"a\":1,\"c\":null}", 0},
        {"{\"a\":{\"b\":[1,\"x\"]}}",
         "[{\"op\":\"test\",\"path\":\"/a/b\",\"value\":[1,\"x\"]},{\"op\":\"add\",\"path\":\"/"
         "ok\",\"value\":true}]",
         "{\"a\":{\"b\":[1,\"x\"]},\"ok\":true}", 0},
        {"{\"a\":{\"b\":[1,\"x\"]}}", "[{\"op\":\"test\",\"path\":\"/a/b\",\"value\":[1]}]", NULL,
         422},
        {"{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/missing\",\"value\":null}]", "{\"a\":1}", 0},
        {"{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/missing\",\"value\":1}]", NULL, 422},
        {"{\"a\":1}", "[{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":1}}]", "{\"a\":1}", 0},
        {"{\"a\":1}", "[{\"op\":\"bogus\",\"path\":\"/a\"}]", NULL, 422},
        {"{\"a\":1}", "[{\"path\":\"/a\"}]", NULL, 422},
        {"{\"a\":1}", "[{\"op\":\"add\"}]", NULL, 422},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"b\",\"value\":2}]", NULL, 422},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"x/b\",\"value\":2}]", "{\"a\":1,\"b\":2}", 0},
        {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/\",\"value\":2}]", "{\"\":2,\"a\":1}", 0},
        {"{\"a\":1}", "null", "{\"a\":1}", 0},
        {"{\"a\":1}", "[]", "{\"a\":1}", 0},
        {"{\"a\":1}", "[null]", NULL, 422},
        {"{\"a\":1}", "{\"op\":\"add\"}", NULL, 400},
        {"{\"a\":1}", "[\"add\"]", NULL, 400},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        json_auto_t *doc = parse(cases[i].doc);
        json_auto_t *patch = parse(cases[i].patch);
        json_auto_t *before = json_deep_copy(doc);
        json_t *out = NULL;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        int rc = cube_json_patch_apply(doc, patch, &out, &err);
        assert_true(json_equal(doc, before)); /* the input is never modified */
        if (!cases[i].want) {
            if (rc >= 0) {
                _cleanup_free_ char *s = cube_json_dump(out, NULL);
                json_decref(out);
                fail_msg("patch %s on %s applied (%s), want error %d", cases[i].patch, cases[i].doc,
                         s, cases[i].code);
            }
            assert_null(out);
            assert_int_equal(err.code, cases[i].code);
            continue;
        }
        if (rc < 0)
            fail_msg("patch %s on %s: %d %s", cases[i].patch, cases[i].doc, err.code, err.msg);
        json_auto_t *want = parse(cases[i].want);
        if (!json_equal(out, want)) {
            _cleanup_free_ char *s = cube_json_dump(out, NULL);
            json_decref(out);
            fail_msg("patch %s on %s: got %s want %s", cases[i].patch, cases[i].doc, s,
                     cases[i].want);
        }
        json_decref(out);
    }
}

static void test_json_patch_errors(void **state)
{
    json_auto_t *doc = parse("{\"a\":1}");
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_t *out = NULL;

    /* A body that is not a list of operations: BadRequest, Go's decode message. */
    json_auto_t *obj = parse("{\"op\":\"add\"}");
    assert_int_equal(cube_json_patch_apply(doc, obj, &out, &err), -1);
    assert_int_equal(err.code, 400);
    assert_string_equal(err.reason, "BadRequest");
    assert_string_equal(err.msg,
                        "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    cube_err_clear(&err);
    json_auto_t *strs = parse("[\"add\"]");
    assert_int_equal(cube_json_patch_apply(doc, strs, &out, &err), -1);
    assert_string_equal(err.msg,
                        "json: cannot unmarshal string into Go value of type jsonpatch.Operation");
    cube_err_clear(&err);

    /* A patch that does not apply: what the API server answers, word for word. */
    json_auto_t *bad = parse("[{\"op\":\"remove\",\"path\":\"/nope\"}]");
    assert_int_equal(cube_json_patch_apply(doc, bad, &out, &err), -1);
    assert_null(out);
    assert_int_equal(err.code, 422);
    assert_string_equal(err.reason, "Invalid");
    assert_string_equal(err.msg, "the server rejected our request due to an error in our request");
    assert_true(json_is_object(err.details));
    assert_int_equal(json_object_size(err.details), 0);
    cube_err_clear(&err);

    /* Too many operations. */
    json_auto_t *many = json_array();
    for (int i = 0; i < 10001; i++)
        json_array_append_new(many, json_pack("{s:s,s:s}", "op", "test", "path", "/a"));
    assert_int_equal(cube_json_patch_apply(doc, many, &out, &err), -1);
    assert_int_equal(err.code, 413);
    assert_string_equal(err.msg,
                        "The allowed maximum operations in a JSON patch is 10000, got 10001");
}

static void test_json_patch_copy_limit(void **state)
{
    /* Doubling a 1 KiB value 13 times passes 3 MiB of copies: refused. */
    json_auto_t *doc = json_pack("{s:[s]}", "a", "");
    char big[1025];
    memset(big, 'x', 1024);
    big[1024] = '\0';
    json_array_set_new(json_object_get(doc, "a"), 0, json_string(big));
    json_auto_t *patch = json_array();
    for (int i = 0; i < 13; i++)
        json_array_append_new(
            patch, json_pack("{s:s,s:s,s:s}", "op", "copy", "from", "/a", "path", "/a/-"));
    json_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    /* the 12th copy copies 2^11 KiB: the running total stays under 3 MiB until then */
    json_array_remove(patch, 12);
    json_array_remove(patch, 11);
    assert_int_equal(cube_json_patch_apply(doc, patch, &out, &err), 0);
    json_decref(out);
    json_array_append_new(patch,
                          json_pack("{s:s,s:s,s:s}", "op", "copy", "from", "/a", "path", "/a/-"));
    json_array_append_new(patch,
                          json_pack("{s:s,s:s,s:s}", "op", "copy", "from", "/a", "path", "/a/-"));
    assert_int_equal(cube_json_patch_apply(doc, patch, &out, &err), -1);
    assert_int_equal(err.code, 422);
}

static void test_merge_patch_table(void **state)
{
    static const struct {
        const char *doc, *patch, *want;
    } cases[] = {
        {"{\"a\":1,\"b\":{\"c\":2,\"d\":3}}", "{\"b\":{\"c\":null,\"e\":4},\"f\":5}",
         "{\"a\":1,\"b\":{\"d\":3,\"e\":4},\"f\":5}"},
        {"{\"a\":1}", "{\"a\":null,\"x\":null}", "{}"},
        {"{\"a\":[1,2]}", "{\"a\":[3]}", "{\"a\":[3]}"},
        {"{\"a\":{\"b\":1}}", "{\"a\":[{\"x\":null}]}", "{\"a\":[{\"x\":null}]}"},
        {"{\"a\":5}", "{\"a\":{\"b\":null,\"c\":{\"d\":null,\"e\":1}}}",
         "{\"a\":{\"c\":{\"e\":1}}}"},
        {"{}", "{\"a\":[{\"x\":null,\"y\":1},null]}", "{\"a\":[{\"y\":1},null]}"},
        {"{\"a\":null}", "{\"a\":{\"b\":null}}", "{\"a\":{}}"},
        {"{\"a\":{\"b\":1}}", "{\"a\":\"s\"}", "{\"a\":\"s\"}"},
        {"{\"a\":1}", "{}", "{\"a\":1}"},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        json_auto_t *doc = parse(cases[i].doc);
        json_auto_t *patch = parse(cases[i].patch);
        json_auto_t *before = json_deep_copy(doc);
        json_auto_t *want = parse(cases[i].want);
        json_auto_t *out = cube_merge_patch_apply(doc, patch);
        assert_true(json_equal(doc, before));
        if (!json_equal(out, want)) {
            _cleanup_free_ char *s = cube_json_dump(out, NULL);
            fail_msg("merge %s into %s: got %s want %s", cases[i].patch, cases[i].doc, s,
                     cases[i].want);
        }
    }
    /* RFC 7386 for non-object patches: the patch replaces the document. */
    json_auto_t *doc = parse("{\"a\":1}");
    json_auto_t *s = json_string("x");
    json_auto_t *out = cube_merge_patch_apply(doc, s);
    assert_true(json_equal(out, s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_patch_table),
        cmocka_unit_test(test_json_patch_errors),
        cmocka_unit_test(test_json_patch_copy_limit),
        cmocka_unit_test(test_merge_patch_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
