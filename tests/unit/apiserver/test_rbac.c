/* Unit tests for src/apiserver/rbac.c rule matching and src/apiserver/jwt.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "apiserver/internal.h"

static bool allows(const char *rule_json, const char *verb, const char *group, const char *res,
                   const char *sub, const char *ns, const char *name)
{
    json_auto_t *rule = json_loads(rule_json, 0, NULL);
    assert_non_null(rule);
    cube_authz_attrs_t a = {
        .verb = verb, .group = group, .resource = res, .subresource = sub, .ns = ns, .name = name};
    return cube_rbac_rule_allows(rule, &a);
}

static bool allows_path(const char *rule_json, const char *verb, const char *path)
{
    json_auto_t *rule = json_loads(rule_json, 0, NULL);
    cube_authz_attrs_t a = {.verb = verb, .path = path};
    return cube_rbac_rule_allows(rule, &a);
}

static void test_verbs_groups_resources(void **state)
{
    const char *r = "{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}";
    assert_true(allows(r, "get", "", "pods", NULL, "default", "x"));
    assert_true(allows(r, "list", "", "pods", NULL, "default", NULL));
    assert_false(allows(r, "delete", "", "pods", NULL, "default", "x"));
    assert_false(allows(r, "get", "apps", "pods", NULL, "default", "x"));
    assert_false(allows(r, "get", "", "services", NULL, "default", "x"));
    const char *star = "{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}";
    assert_true(allows(star, "delete", "apps", "deployments", "scale", "ns", "d"));
}

static void test_subresources(void **state)
{
    const char *r = "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods/log\"]}";
    assert_true(allows(r, "get", "", "pods", "log", "ns", "p"));
    assert_false(allows(r, "get", "", "pods", NULL, "ns", "p"));
    assert_false(allows(r, "get", "", "pods", "exec", "ns", "p"));
    /* a plain resource does not cover its subresources */
    const char *pods = "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}";
    assert_false(allows(pods, "get", "", "pods", "log", "ns", "p"));
    /* "*\/scale" covers the scale of every resource */
    const char *sc = "{\"verbs\":[\"get\"],\"apiGroups\":[\"*\"],\"resources\":[\"*/scale\"]}";
    assert_true(allows(sc, "get", "apps", "deployments", "scale", "ns", "d"));
    assert_false(allows(sc, "get", "apps", "deployments", NULL, "ns", "d"));
}

static void test_resource_names(void **state)
{
    const char *r = "{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":"
                    "[\"configmaps\"],\"resourceNames\":[\"one\"]}";
    assert_true(allows(r, "get", "", "configmaps", NULL, "ns", "one"));
    assert_false(allows(r, "get", "", "configmaps", NULL, "ns", "two"));
    /* a list has no name: resourceNames never match it */
    assert_false(allows(r, "list", "", "configmaps", NULL, "ns", NULL));
}

static void test_non_resource_urls(void **state)
{
    const char *r = "{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/healthz\",\"/apis/*\"]}";
    assert_true(allows_path(r, "get", "/healthz"));
    assert_false(allows_path(r, "get", "/healthz/etcd"));
    assert_true(allows_path(r, "get", "/apis/apps/v1"));
    assert_false(allows_path(r, "post", "/healthz"));
    assert_false(allows_path(r, "get", "/metrics"));
    /* a resource rule never grants a path */
    const char *star = "{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}";
    assert_false(allows_path(star, "get", "/metrics"));
}

static void test_jwt_round_trip_and_tampering(void **state)
{
    char dir[] = "/tmp/cube-jwt-XXXXXX";
    assert_non_null(mkdtemp(dir));
    cube_pki_t pki = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_pki_ensure(dir, "10.43.0.1", NULL, &pki, &err), 0);
    cube_jwt_key_t *k = NULL;
    assert_int_equal(cube_jwt_key_load(pki.sa_key, &k, &err), 0);
    json_auto_t *claims = json_pack("{s:s, s:i}", "sub", "system:serviceaccount:a:b", "exp", 42);
    _cleanup_free_ char *tok = cube_jwt_sign(k, claims);
    assert_non_null(tok);
    assert_true(cube_jwt_looks_like(tok));
    json_t *got = NULL;
    assert_int_equal(cube_jwt_verify(k, tok, &got), 0);
    assert_string_equal(json_string_value(json_object_get(got, "sub")),
                        "system:serviceaccount:a:b");
    json_decref(got);
    /* one changed character in the claims or the signature fails verification */
    char *dot = strchr(tok, '.');
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    assert_int_equal(cube_jwt_verify(k, tok, &got), -1);
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    size_t n = strlen(tok);
    tok[n - 2] = tok[n - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(cube_jwt_verify(k, tok, &got), -1);
    assert_int_equal(cube_jwt_verify(k, "not.a.jwt", &got), -1);
    assert_int_equal(cube_jwt_verify(k, "nodots", &got), -1);
    /* the kid is the one the JWKS publishes */
    json_auto_t *jwks = cube_jwt_jwks(k);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(jwks, "keys"), 0), "kid")),
        cube_jwt_key_id(k));
    cube_jwt_key_free(k);
    cube_pki_clear(&pki);
    _cleanup_free_ char *rm = xasprintf("rm -rf %s", dir);
    assert_int_equal(system(rm), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verbs_groups_resources),
        cmocka_unit_test(test_subresources),
        cmocka_unit_test(test_resource_names),
        cmocka_unit_test(test_non_resource_urls),
        cmocka_unit_test(test_jwt_round_trip_and_tampering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
