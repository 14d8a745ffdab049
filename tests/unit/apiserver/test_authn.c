/* Unit tests for src/apiserver/authn.c: token file format, bearer tokens, client certs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <strings.h>

#include "apiserver/internal.h"

/* A stand-in for the HTTP server's request: only what authn reads. */
struct cube_http_req {
    const char *cn;
    const char *const *orgs;
    size_t norgs;
    const char *authorization;
};

const char *cube_http_req_header(const cube_http_req_t *req, const char *name)
{
    return !strcasecmp(name, "authorization") ? req->authorization : NULL;
}

const char *cube_http_req_peer_cn(const cube_http_req_t *req)
{
    return req->cn;
}

size_t cube_http_req_peer_orgs(const cube_http_req_t *req, const char *const **ret_orgs)
{
    *ret_orgs = req->orgs;
    return req->norgs;
}

static char *write_tmp(const char *text)
{
    char *path = xstrdup("/tmp/cube-tokens-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static cube_authn_t *load(const char *text)
{
    _cleanup_free_ char *path = write_tmp(text);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_authn_t *a = NULL;
    int rc = cube_authn_new(path, &a, &err);
    unlink(path);
    if (rc < 0)
        fail_msg("cube_authn_new: %s", err.msg);
    return a;
}

static int load_err(const char *text, cube_err_t *err)
{
    _cleanup_free_ char *path = write_tmp(text);
    cube_authn_t *a = NULL;
    int rc = cube_authn_new(path, &a, err);
    unlink(path);
    assert_null(a);
    return rc;
}

static cube_user_t *auth(const cube_authn_t *a, const char *authz)
{
    cube_http_req_t req = {.authorization = authz};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_user_t *u = NULL;
    if (cube_authn_request(a, &req, &u, &err) < 0) {
        assert_int_equal(err.code, 401);
        assert_string_equal(err.reason, "Unauthorized");
        assert_string_equal(err.msg, "Unauthorized");
        assert_null(u);
        return NULL;
    }
    return u;
}

static bool has_group(const cube_user_t *u, const char *g)
{
    size_t n = 0;
    for (size_t i = 0; i < u->ngroups; i++)
        n += !strcmp(u->groups[i], g);
    assert_true(n <= 1); /* never twice */
    return n == 1;
}

static void test_token_file(void **state)
{
    cube_authn_t *a = load("tok-a,alice,uid-1\r\n"
                           "\n"
                           "tok-b,bob,uid-2,\"dev,ops\"\n"
                           "tok-c,carol,uid-3,solo\n"
                           "\"tok,d\",dave,uid-4,\"multi\nline,system:authenticated\"\n"
                           ",nobody,uid-0\n"
                           "tok-e,\"eve \"\"the\"\" hacker\",uid-5\n"
                           "tok-a,alice2,uid-1b\n");
    cube_user_t *u = auth(a, "Bearer tok-a");
    assert_non_null(u);
    assert_string_equal(u->name, "alice2"); /* a later line for the same token wins */
    assert_string_equal(u->uid, "uid-1b");
    assert_int_equal(u->ngroups, 1);
    assert_string_equal(u->groups[0], "system:authenticated");
    cube_user_free(u);

    u = auth(a, "Bearer tok-b");
    assert_non_null(u);
    assert_string_equal(u->name, "bob");
    assert_string_equal(u->uid, "uid-2");
    assert_int_equal(u->ngroups, 3);
    assert_string_equal(u->groups[0], "dev");
    assert_string_equal(u->groups[1], "ops");
    assert_true(has_group(u, "system:authenticated"));
    cube_user_free(u);

    u = auth(a, "Bearer tok-c");
    assert_non_null(u);
    assert_int_equal(u->ngroups, 2);
    assert_string_equal(u->groups[0], "solo");
    cube_user_free(u);

    u = auth(a, "Bearer tok,d");
    assert_non_null(u);
    assert_string_equal(u->name, "dave");
    assert_string_equal(u->groups[0], "multi\nline");
    assert_true(has_group(u, "system:authenticated")); /* listed in the file: not added twice */
    assert_int_equal(u->ngroups, 2);
    cube_user_free(u);

    u = auth(a, "Bearer tok-e");
    assert_non_null(u);
    assert_string_equal(u->name, "eve \"the\" hacker");
    cube_user_free(u);

    cube_authn_free(a);
}

static void test_bearer_header_forms(void **state)
{
    cube_authn_t *a = load("s3cret,alice,1\n");
    cube_user_t *u;
    assert_non_null(u = auth(a, "bearer s3cret"));
    cube_user_free(u);
    assert_non_null(u = auth(a, "  BEARER s3cret  "));
    cube_user_free(u);
    assert_non_null(u = auth(a, "Bearer s3cret extra"));
    cube_user_free(u);
    assert_null(auth(a, "Bearer s3cre"));
    assert_null(auth(a, "Bearer s3cret2"));
    assert_null(auth(a, "Bearer  s3cret")); /* two spaces: empty token, as upstream */
    assert_null(auth(a, "Basic s3cret"));
    assert_null(auth(a, "s3cret"));
    assert_null(auth(a, "Bearer "));
    assert_null(auth(a, "Bearer"));
    assert_null(auth(a, NULL));
    /* the empty token of an empty first column never authenticates */
    cube_authn_free(a);
    a = load(",nobody,0\n");
    assert_null(auth(a, "Bearer "));
    cube_authn_free(a);
}

static void test_no_token_file(void **state)
{
    cube_authn_t *a = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_authn_new(NULL, &a, &err), 0);
    assert_null(auth(a, "Bearer anything"));
    cube_authn_free(a);
    assert_int_equal(cube_authn_new("/nonexistent/tokens.csv", &a, &err), -1);
    assert_string_equal(err.reason, "InternalError");
    assert_non_null(strstr(err.msg, "/nonexistent/tokens.csv"));
}

static void test_token_file_errors(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(load_err("a,b,c\n\nonly,two\n", &err), -1);
    assert_string_equal(err.reason, "InternalError");
    assert_non_null(strstr(err.msg, "must have at least 3 columns"));
    assert_non_null(strstr(err.msg, "found 2 (line 3)"));
    cube_err_clear(&err);
    /* '#' does not start a comment in upstream's format */
    assert_int_equal(load_err("# a comment\n", &err), -1);
    assert_non_null(strstr(err.msg, "line 1"));
    cube_err_clear(&err);
    assert_int_equal(load_err("a,b\"c,d\n", &err), -1);
    assert_non_null(strstr(err.msg, "bare \" in non-quoted field"));
    cube_err_clear(&err);
    assert_int_equal(load_err("a,b,c\n\"x\"y,b,c\n", &err), -1);
    assert_non_null(strstr(err.msg, "line 2: extraneous or missing \""));
    cube_err_clear(&err);
    assert_int_equal(load_err("a,b,\"c\n", &err), -1);
    assert_non_null(strstr(err.msg, "extraneous or missing \""));
}

static void test_client_cert(void **state)
{
    cube_authn_t *a = load("tok,alice,1\n");
    static const char *const orgs[] = {"system:masters", "dev"};
    cube_http_req_t req = {.cn = "admin", .orgs = orgs, .norgs = 2, .authorization = "Bearer tok"};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_user_t *u = NULL;
    /* a verified certificate is used before the token */
    assert_int_equal(cube_authn_request(a, &req, &u, &err), 0);
    assert_string_equal(u->name, "admin");
    assert_int_equal(u->ngroups, 3);
    assert_string_equal(u->groups[0], "system:masters");
    assert_string_equal(u->groups[1], "dev");
    assert_string_equal(u->groups[2], "system:authenticated");
    cube_user_free(u);
    u = NULL;
    /* a certificate without CN does not authenticate; the token then does */
    req.cn = "";
    assert_int_equal(cube_authn_request(a, &req, &u, &err), 0);
    assert_string_equal(u->name, "alice");
    cube_user_free(u);
    u = NULL;
    req.authorization = NULL;
    assert_int_equal(cube_authn_request(a, &req, &u, &err), -1);
    assert_int_equal(err.code, 401);
    assert_null(u);
    cube_authn_free(a);
    cube_user_free(NULL);
    cube_authn_free(NULL);
}

static void test_many_tokens(void **state)
{
    cube_buf_t b = CUBE_BUF_INIT;
    for (int i = 0; i < 500; i++)
        cube_buf_printf(&b, "token-%d,user-%d,uid-%d,\"g%d\"\n", i, i, i, i % 7);
    cube_authn_t *a = load(b.data);
    cube_buf_clear(&b);
    for (int i = 0; i < 500; i += 37) {
        char hdr[64], name[32];
        snprintf(hdr, sizeof(hdr), "Bearer token-%d", i);
        snprintf(name, sizeof(name), "user-%d", i);
        cube_user_t *u = auth(a, hdr);
        assert_non_null(u);
        assert_string_equal(u->name, name);
        cube_user_free(u);
    }
    assert_null(auth(a, "Bearer token-500"));
    cube_authn_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_file),    cmocka_unit_test(test_bearer_header_forms),
        cmocka_unit_test(test_no_token_file), cmocka_unit_test(test_token_file_errors),
        cmocka_unit_test(test_client_cert),   cmocka_unit_test(test_many_tokens),
    };
    return cmocka_run_group_tests_name("authn", tests, NULL, NULL);
}
