/* Unit tests for src/client/kubeconfig.c: YAML and JSON kubeconfigs, inline and file PEM data,
 * tokens, the current context, errors, $KUBECONFIG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "client/client.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "we");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *path_of(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static int setup(void **state)
{
    snprintf(dir, sizeof(dir), "/tmp/cube-kubeconfig-test.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* stand-ins for PEM text, base64-encoded as kubeconfigs carry them */
#define CA_B64 "Q0EgUEVNCg==" /* "CA PEM\n" */
#define CRT_B64 "Q0xJRU5UIENSVA==" /* "CLIENT CRT" */
#define KEY_B64 "S0VZ" /* "KEY" */

static void test_yaml_inline_data(void **state)
{
    write_file("inline.yaml", "apiVersion: v1\n"
                              "kind: Config\n"
                              "clusters:\n"
                              "- cluster:\n"
                              "    certificate-authority-data: " CA_B64 "\n"
                              "    server: \"https://127.0.0.1:6443\"\n"
                              "  name: other\n"
                              "- cluster:\n"
                              "    certificate-authority-data: " CA_B64 "\n"
                              "    server: https://10.0.0.1:6443/\n"
                              "  name: cube\n"
                              "contexts:\n"
                              "- context:\n"
                              "    cluster: other\n"
                              "    user: nobody\n"
                              "  name: first\n"
                              "- context:\n"
                              "    cluster: cube\n"
                              "    user: cube\n"
                              "  name: cube\n"
                              "current-context: cube\n"
                              "preferences: {}\n"
                              "users:\n"
                              "- name: cube\n"
                              "  user:\n"
                              "    client-certificate-data: " CRT_B64 "\n"
                              "    client-key-data: " KEY_B64 "\n");
    _cleanup_free_ char *p = path_of("inline.yaml");
    cube_client_config_t cfg = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_client_config_load(p, &cfg, &err), 0);
    assert_string_equal(cfg.server, "https://10.0.0.1:6443/");
    assert_string_equal(cfg.ca_pem, "CA PEM\n");
    assert_string_equal(cfg.cert_pem, "CLIENT CRT");
    assert_string_equal(cfg.key_pem, "KEY");
    assert_null(cfg.token);
    assert_false(cfg.insecure);
    /* the client strips the trailing slash of the server */
    cube_client_t *c = NULL;
    assert_int_equal(cube_client_new(&cfg, &c, &err), 0);
    cube_client_free(c);
    cube_client_config_clear(&cfg);
    assert_null(cfg.server);
}

static void test_json_files_and_token(void **state)
{
    _cleanup_free_ char *sub = path_of("sub");
    assert_int_equal(mkdir(sub, 0755), 0);
    write_file("sub/ca.crt", "FILE CA");
    write_file("token", "secret-token\n");
    write_file(
        "sub/kc.json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"current-context\":\"c\","
        "\"contexts\":[{\"name\":\"c\",\"context\":{\"cluster\":\"k\",\"user\":\"u\"}}],"
        "\"clusters\":[{\"name\":\"k\",\"cluster\":{\"server\":\"https://h:1\","
        "\"certificate-authority\":\"ca.crt\",\"insecure-skip-tls-verify\":true}}],"
        "\"users\":[{\"name\":\"u\",\"user\":{\"token\":\"abc\",\"tokenFile\":\"../token\"}}]}");
    _cleanup_free_ char *p = path_of("sub/kc.json");
    cube_client_config_t cfg = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_client_config_load(p, &cfg, &err), 0);
    assert_string_equal(cfg.server, "https://h:1");
    assert_string_equal(cfg.ca_pem, "FILE CA"); /* relative to the kubeconfig's directory */
    assert_true(cfg.insecure);
    assert_string_equal(cfg.token, "abc");
    _cleanup_free_ char *tf = xasprintf("%s/sub/../token", dir);
    assert_string_equal(cfg.token_file, tf);
    assert_null(cfg.cert_pem);
    cube_client_config_clear(&cfg);
}

static void test_errors(void **state)
{
    cube_client_config_t cfg = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *missing = path_of("missing.yaml");
    assert_int_equal(cube_client_config_load(missing, &cfg, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    assert_non_null(strstr(err.msg, "missing.yaml"));
    cube_err_clear(&err);

    write_file("noctx.yaml", "apiVersion: v1\nkind: Config\ncurrent-context: nope\n"
                             "contexts: []\nclusters: []\nusers: []\n");
    _cleanup_free_ char *p = path_of("noctx.yaml");
    assert_int_equal(cube_client_config_load(p, &cfg, &err), -1);
    assert_int_equal(err.code, 400);
    assert_non_null(strstr(err.msg, "context \"nope\" not found"));
    assert_non_null(strstr(err.msg, "noctx.yaml"));
    cube_err_clear(&err);

    write_file("nocluster.yaml",
               "current-context: a\ncontexts:\n- name: a\n  context:\n    cluster: gone\n"
               "    user: u\nusers:\n- name: u\n  user: {}\n");
    _cleanup_free_ char *p2 = path_of("nocluster.yaml");
    assert_int_equal(cube_client_config_load(p2, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "cluster \"gone\" not found"));
    cube_err_clear(&err);

    write_file("badb64.yaml",
               "current-context: a\ncontexts:\n- name: a\n  context:\n    cluster: k\n"
               "clusters:\n- name: k\n  cluster:\n    server: https://x\n"
               "    certificate-authority-data: \"!!!*\"\n");
    _cleanup_free_ char *p3 = path_of("badb64.yaml");
    assert_int_equal(cube_client_config_load(p3, &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "certificate-authority-data"));
    cube_err_clear(&err);

    write_file("badyaml.yaml", "clusters: [\n");
    _cleanup_free_ char *p4 = path_of("badyaml.yaml");
    assert_int_equal(cube_client_config_load(p4, &cfg, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    cube_err_clear(&err);

    cube_client_config_t bad = {.server = (char *)"ftp://x"};
    cube_client_t *c = NULL;
    assert_int_equal(cube_client_new(&bad, &c, &err), -1);
    assert_null(c);
}

static void test_env_list(void **state)
{
    write_file("env.yaml", "current-context: a\ncontexts:\n- name: a\n  context:\n    cluster: k\n"
                           "clusters:\n- name: k\n  cluster:\n    server: https://from-env:6443\n");
    _cleanup_free_ char *p = path_of("env.yaml");
    _cleanup_free_ char *env = xasprintf("%s/none.yaml:%s", dir, p);
    setenv("KUBECONFIG", env, 1);
    cube_client_config_t cfg = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_client_config_load(NULL, &cfg, &err), 0);
    assert_string_equal(cfg.server, "https://from-env:6443");
    cube_client_config_clear(&cfg);
    unsetenv("KUBECONFIG");
}

static void test_incluster_needs_env(void **state)
{
    unsetenv("KUBERNETES_SERVICE_HOST");
    cube_client_config_t cfg = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_client_config_incluster(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "KUBERNETES_SERVICE_HOST"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_inline_data),
        cmocka_unit_test(test_json_files_and_token),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_env_list),
        cmocka_unit_test(test_incluster_needs_env),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
