/* Unit tests for src/cmd/flags.c: command-line forms, config file, errors, --help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>

#include "cmd/cmd.h"

typedef struct opts {
    char *data_dir;
    char *address;
    int port;
    bool debug;
    bool tls;
} opts_t;

#define TABLE(o)                                                                                   \
    {                                                                                              \
        {"data-dir", CUBE_FLAG_STRING, &(o)->data_dir, "Directory for state"},                     \
            {"address", CUBE_FLAG_STRING, &(o)->address, "Bind address"},                          \
            {"port", CUBE_FLAG_INT, &(o)->port, "Port to serve on"},                               \
            {"debug", CUBE_FLAG_BOOL, &(o)->debug, "Debug mode"},                                  \
            {"tls", CUBE_FLAG_BOOL, &(o)->tls, "Serve TLS"},                                       \
    }

static void opts_free(opts_t *o)
{
    free(o->data_dir);
    free(o->address);
}

static int parse(opts_t *o, const char *config, cube_err_t *err, int argc, ...)
{
    cube_flag_t t[] = TABLE(o);
    char *argv[32];
    va_list ap;
    va_start(ap, argc);
    argv[0] = "test";
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    return cube_flags_parse("test", t, CUBE_ARRAY_SIZE(t), argc, argv, config, err);
}

static char *write_tmp(const char *text)
{
    char *path = xstrdup("/tmp/cube-flags-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_forms(void **state)
{
    opts_t o = {.port = 6443};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(parse(&o, NULL, &err, 7, "--data-dir=/d", "--address", "1.2.3.4", "--port",
                           "8080", "--debug"),
                     0);
    assert_string_equal(o.data_dir, "/d");
    assert_string_equal(o.address, "1.2.3.4");
    assert_int_equal(o.port, 8080);
    assert_true(o.debug);
    assert_false(o.tls);
    opts_free(&o);
    o.data_dir = o.address = NULL;
    assert_int_equal(
        parse(&o, NULL, &err, 5, "--data-dir=/e", "--debug=false", "--tls=true", "--port=-1"), 0);
    assert_string_equal(o.data_dir, "/e");
    assert_false(o.debug);
    assert_true(o.tls);
    assert_int_equal(o.port, -1);
    opts_free(&o);
}

static void test_string_set_twice_frees(void **state)
{
    opts_t o = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(parse(&o, NULL, &err, 3, "--address=a", "--address=b"), 0);
    assert_string_equal(o.address, "b");
    opts_free(&o);
}

static void test_verbosity(void **state)
{
    opts_t o = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_log_verbosity = 0;
    assert_int_equal(parse(&o, NULL, &err, 3, "-v", "4"), 0);
    assert_int_equal(cube_log_verbosity, 4);
    assert_int_equal(parse(&o, NULL, &err, 2, "-v=5"), 0);
    assert_int_equal(cube_log_verbosity, 5);
    assert_int_equal(parse(&o, NULL, &err, 2, "--v=6"), 0);
    assert_int_equal(cube_log_verbosity, 6);
    assert_int_equal(parse(&o, NULL, &err, 3, "--v", "2"), 0);
    assert_int_equal(cube_log_verbosity, 2);
    assert_int_equal(parse(&o, NULL, &err, 2, "-v3"), 0);
    assert_int_equal(cube_log_verbosity, 3);
    assert_int_equal(parse(&o, NULL, &err, 3, "-v", "x"), -1);
    assert_non_null(strstr(err.msg, "invalid argument \"x\""));
    cube_log_verbosity = 0;
}

static void test_errors(void **state)
{
    opts_t o = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(parse(&o, NULL, &err, 2, "--nope=1"), -1);
    assert_string_equal(err.msg, "unknown flag: --nope");
    assert_string_equal(err.reason, "BadRequest");
    assert_null(strchr(err.msg, '\n'));
    cube_err_clear(&err);
    assert_int_equal(parse(&o, NULL, &err, 2, "-x"), -1);
    assert_string_equal(err.msg, "unknown flag: -x");
    cube_err_clear(&err);
    assert_int_equal(parse(&o, NULL, &err, 3, "--port", "80x"), -1);
    assert_string_equal(err.msg, "invalid argument \"80x\" for \"--port\" flag: not an integer");
    cube_err_clear(&err);
    assert_int_equal(parse(&o, NULL, &err, 2, "--port=99999999999"), -1);
    cube_err_clear(&err);
    assert_int_equal(parse(&o, NULL, &err, 2, "--port"), -1);
    assert_string_equal(err.msg, "flag needs an argument: --port");
    cube_err_clear(&err);
    assert_int_equal(parse(&o, NULL, &err, 2, "--debug=maybe"), -1);
    assert_non_null(strstr(err.msg, "\"--debug\""));
    cube_err_clear(&err);
    assert_int_equal(parse(&o, NULL, &err, 2, "stray"), -1);
    assert_string_equal(err.msg, "unexpected argument \"stray\"");
    cube_err_clear(&err);
    assert_int_equal(parse(&o, NULL, &err, 2, "--config"), -1);
    assert_string_equal(err.msg, "flag needs an argument: --config");
    opts_free(&o);
}

static void test_config_file(void **state)
{
    _cleanup_free_ char *path = write_tmp("# cube config\n"
                                          "---\n"
                                          "data-dir: \"/var/lib/x y\"   # quoted\n"
                                          "address: '10.0.0.1'\r\n"
                                          "\n"
                                          "port: 7443 # comment\n"
                                          "debug: true\n"
                                          "v: 3\n");
    opts_t o = {.port = 1};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_log_verbosity = 0;
    /* default config path, existing: loaded; the command line overrides it */
    assert_int_equal(parse(&o, path, &err, 2, "--port=9000"), 0);
    assert_string_equal(o.data_dir, "/var/lib/x y");
    assert_string_equal(o.address, "10.0.0.1");
    assert_int_equal(o.port, 9000);
    assert_true(o.debug);
    assert_int_equal(cube_log_verbosity, 3);
    cube_log_verbosity = 0;
    opts_free(&o);

    /* --config PATH wins over the default path (which does not exist here) */
    opts_t o2 = {0};
    assert_int_equal(parse(&o2, "/nonexistent/cube.yaml", &err, 3, "--config", path), 0);
    assert_int_equal(o2.port, 7443);
    assert_string_equal(o2.data_dir, "/var/lib/x y");
    opts_free(&o2);
    cube_log_verbosity = 0;

    /* a missing default config file is fine; a missing --config file is not */
    opts_t o3 = {.port = 5};
    assert_int_equal(parse(&o3, "/nonexistent/cube.yaml", &err, 1), 0);
    assert_int_equal(o3.port, 5);
    assert_int_equal(parse(&o3, NULL, &err, 2, "--config=/nonexistent/cube.yaml"), -1);
    assert_non_null(strstr(err.msg, "/nonexistent/cube.yaml"));
    opts_free(&o3);
    unlink(path);
}

static void test_config_file_errors(void **state)
{
    opts_t o = {0};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *p1 = write_tmp("port: 1\n# c\nbogus: 2\n");
    assert_int_equal(parse(&o, p1, &err, 1), -1);
    _cleanup_free_ char *want = xasprintf("%s:3: unknown key \"bogus\"", p1);
    assert_string_equal(err.msg, want);
    cube_err_clear(&err);

    _cleanup_free_ char *p2 = write_tmp("port: abc\n");
    assert_int_equal(parse(&o, p2, &err, 1), -1);
    assert_non_null(strstr(err.msg, ":1: invalid value \"abc\" for \"port\""));
    cube_err_clear(&err);

    _cleanup_free_ char *p3 = write_tmp("address \"x\"\n");
    assert_int_equal(parse(&o, p3, &err, 1), -1);
    assert_non_null(strstr(err.msg, ":1: expected \"key: value\""));
    cube_err_clear(&err);

    _cleanup_free_ char *p4 = write_tmp("address: \"open\n");
    assert_int_equal(parse(&o, p4, &err, 1), -1);
    assert_non_null(strstr(err.msg, "unterminated"));
    cube_err_clear(&err);

    _cleanup_free_ char *p5 = write_tmp("debug: yes-please\n");
    assert_int_equal(parse(&o, p5, &err, 1), -1);
    assert_non_null(strstr(err.msg, ":1: invalid value"));
    unlink(p1);
    unlink(p2);
    unlink(p3);
    unlink(p4);
    unlink(p5);
    opts_free(&o);
}

static void test_help(void **state)
{
    opts_t o = {.data_dir = NULL, .port = 6443, .tls = true};
    o.data_dir = xstrdup("/var/lib/cube");
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    char path[] = "/tmp/cube-help-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(fd, 1);
    /* --help is answered before anything is parsed or set */
    int rc = parse(&o, "/etc/cube/config.yaml", &err, 3, "--port=1", "--help");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fd);
    assert_int_equal(rc, 1);
    assert_int_equal(o.port, 6443); /* nothing parsed */
    _cleanup_free_ char *out = NULL;
    assert_int_equal(cube_file_read(path, &out, NULL, &err), 0);
    unlink(path);
    assert_non_null(strstr(out, "Usage: cube test [flags]"));
    assert_non_null(strstr(out, "--data-dir string"));
    assert_non_null(strstr(out, "Directory for state (default \"/var/lib/cube\")"));
    assert_non_null(strstr(out, "--port int"));
    assert_non_null(strstr(out, "Port to serve on (default 6443)"));
    assert_non_null(strstr(out, "Serve TLS (default true)"));
    assert_non_null(strstr(out, "Debug mode (default false)"));
    assert_non_null(strstr(out, "-v, --v int"));
    assert_non_null(strstr(out, "--config string"));
    assert_non_null(strstr(out, "(default \"/etc/cube/config.yaml\")"));
    opts_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),       cmocka_unit_test(test_string_set_twice_frees),
        cmocka_unit_test(test_verbosity),   cmocka_unit_test(test_errors),
        cmocka_unit_test(test_config_file), cmocka_unit_test(test_config_file_errors),
        cmocka_unit_test(test_help),
    };
    return cmocka_run_group_tests_name("flags", tests, NULL, NULL);
}
