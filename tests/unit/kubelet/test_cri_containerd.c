/* Unit tests for src/kubelet/containerd.c: the config carries the settings this machine kind
 * needs, odd data dirs are refused, and a containerd that dies at start is reported with its
 * log line (no root and no containerd needed: a stand-in binary plays it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "kubelet/cri.h"

#include <signal.h>
#include <sys/stat.h>

static char *tmpdir(void)
{
    char tmpl[] = "/tmp/cube-cd-test.XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return xstrdup(tmpl);
}

static void rm_rf(const char *dir)
{
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_config(void **state)
{
    _cleanup_free_ char *dir = tmpdir();
    cube_containerd_config_t cfg = {.data_dir = dir};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *path = NULL;
    assert_int_equal(cube_containerd_write_config(&cfg, &path, &err), 0);
    _cleanup_free_ char *want_path = xasprintf("%s/config.toml", dir);
    assert_string_equal(path, want_path);
    _cleanup_free_ char *text = NULL;
    assert_int_equal(cube_file_read(path, &text, NULL, &err), 0);
    const char *must[] = {
        "version = 2\n",
        "restrict_oom_score_adj = true\n",
        "sandbox_image = \"registry.k8s.io/pause:3.10\"\n",
        "runtime_type = \"io.containerd.runc.v2\"\n",
        "SystemdCgroup = false\n",
        "bin_dir = \"/usr/lib/cni\"\n",
        "stream_server_address = \"127.0.0.1\"\n",
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(must); i++)
        assert_non_null(strstr(text, must[i]));
    _cleanup_free_ char *root = xasprintf("root = \"%s/root\"\n", dir);
    _cleanup_free_ char *sock = xasprintf("address = \"%s/containerd.sock\"\n", dir);
    _cleanup_free_ char *conf = xasprintf("conf_dir = \"%s/cni/net.d\"\n", dir);
    assert_non_null(strstr(text, root));
    assert_non_null(strstr(text, sock));
    assert_non_null(strstr(text, conf));
    struct stat st;
    _cleanup_free_ char *netd = xasprintf("%s/cni/net.d", dir);
    assert_int_equal(stat(netd, &st), 0);
    assert_true(S_ISDIR(st.st_mode));

    /* a custom sandbox image and CNI dir */
    cfg.sandbox_image = "example.com/pause:1";
    cfg.cni_bin_dir = "/opt/cni/bin";
    assert_int_equal(cube_containerd_write_config(&cfg, NULL, &err), 0);
    free(text);
    text = NULL;
    assert_int_equal(cube_file_read(want_path, &text, NULL, &err), 0);
    assert_non_null(strstr(text, "sandbox_image = \"example.com/pause:1\"\n"));
    assert_non_null(strstr(text, "bin_dir = \"/opt/cni/bin\"\n"));
    rm_rf(dir);
}

static void test_config_refuses_odd_dirs(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_containerd_config_t cfg = {.data_dir = "relative/dir"};
    assert_int_equal(cube_containerd_write_config(&cfg, NULL, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    cube_err_clear(&err);
    cfg.data_dir = "/tmp/a\"b";
    assert_int_equal(cube_containerd_write_config(&cfg, NULL, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    cube_err_clear(&err);
    char longdir[200];
    memset(longdir, 'x', sizeof(longdir) - 1);
    longdir[0] = '/';
    longdir[sizeof(longdir) - 1] = '\0';
    cfg.data_dir = longdir;
    assert_int_equal(cube_containerd_write_config(&cfg, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "too long for a unix socket"));
}

static void test_start_reports_early_exit(void **state)
{
    _cleanup_free_ char *dir = tmpdir();
    /* a stand-in that complains and exits, as containerd does on a bad config */
    _cleanup_free_ char *fake = xasprintf("%s/fake-containerd", dir);
    const char *script = "#!/bin/sh\necho \"containerd: failed to load TOML: $2\" >&2\nexit 3\n";
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_file_write(fake, script, strlen(script), 0755, &err), 0);
    cube_containerd_config_t cfg = {.data_dir = dir, .binary = fake};
    cube_containerd_t *cd = NULL;
    assert_int_equal(cube_containerd_start(&cfg, 5000, &cd, &err), -1);
    assert_null(cd);
    assert_string_equal(err.reason, "InternalError");
    _cleanup_free_ char *want =
        xasprintf("containerd exited (status 3) before serving: containerd: failed to load TOML: "
                  "%s/config.toml",
                  dir);
    assert_string_equal(err.msg, want);

    cube_err_clear(&err);
    cfg.binary = "no-such-containerd-binary";
    assert_int_equal(cube_containerd_start(&cfg, 5000, &cd, &err), -1);
    assert_non_null(strstr(err.msg, "not found in PATH"));
    rm_rf(dir);
}

static void test_start_times_out_and_stops_by_pid(void **state)
{
    _cleanup_free_ char *dir = tmpdir();
    /* a stand-in that never serves: start gives up, and stops it by its PID */
    _cleanup_free_ char *fake = xasprintf("%s/fake-containerd", dir);
    const char *script = "#!/bin/sh\necho starting\nexec sleep 30\n";
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_file_write(fake, script, strlen(script), 0755, &err), 0);
    cube_containerd_config_t cfg = {.data_dir = dir, .binary = fake};
    cube_containerd_t *cd = NULL;
    uint64_t t0 = cube_time_mono_ns();
    assert_int_equal(cube_containerd_start(&cfg, 300, &cd, &err), -1);
    uint64_t ms = (cube_time_mono_ns() - t0) / 1000000;
    assert_true(ms >= 300 && ms < 5000);
    assert_non_null(strstr(err.msg, "did not serve"));
    assert_non_null(strstr(err.msg, ": starting"));
    /* the pid file names a process that is gone */
    _cleanup_free_ char *pidfile = xasprintf("%s/containerd.pid", dir);
    _cleanup_free_ char *pidtext = NULL;
    assert_int_equal(cube_file_read(pidfile, &pidtext, NULL, &err), 0);
    assert_int_equal(kill((pid_t)atoi(pidtext), 0), -1);
    rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_config_refuses_odd_dirs),
        cmocka_unit_test(test_start_reports_early_exit),
        cmocka_unit_test(test_start_times_out_and_stops_by_pid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
