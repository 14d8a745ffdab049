/*
 * containerd.c: the node's own containerd. `cube server` (and the e2e tier)
 * must not depend on, or disturb, a containerd the machine may already run,
 * and this machine kind needs settings no default config has (see cri.h): so
 * cube writes a config rooted in its data dir and runs containerd as its
 * child, in its own session, stopped by PID.
 */
#include "kubelet/cri.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

static bool toml_safe(const char *s)
{
    return !strpbrk(s, "\"\\\n");
}

int cube_containerd_write_config(const cube_containerd_config_t *cfg, char **ret_path,
                                 cube_err_t *err)
{
    const char *dd = cfg->data_dir;
    const char *image = cfg->sandbox_image ? cfg->sandbox_image : CUBE_CONTAINERD_SANDBOX_IMAGE;
    const char *cni_bin = cfg->cni_bin_dir ? cfg->cni_bin_dir : "/usr/lib/cni";
    if (!dd || dd[0] != '/')
        return cube_err_badrequest(err, "containerd data dir %s: must be an absolute path",
                                   dd ? dd : "(none)");
    if (!toml_safe(dd) || !toml_safe(image) || !toml_safe(cni_bin))
        return cube_err_badrequest(err, "containerd config: quotes, backslashes and newlines are "
                                        "not allowed in paths and image names");
    _cleanup_free_ char *sock = xasprintf("%s/containerd.sock", dd);
    if (strlen(sock) + 8 >= sizeof(((struct sockaddr_un *)0)->sun_path))
        return cube_err_badrequest(err, "containerd socket path %s is too long for a unix socket",
                                   sock);
    const char *dirs[] = {"", "/root", "/state", "/cni/net.d", "/opt"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(dirs); i++) {
        _cleanup_free_ char *d = xasprintf("%s%s", dd, dirs[i]);
        if (cube_mkdir_p(d, 0700, err) < 0)
            return -1;
    }
    _cleanup_buf_ cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b,
                    "# written by cube: containerd for the node under %s\n"
                    "version = 2\n"
                    "root = \"%s/root\"\n"
                    "state = \"%s/state\"\n"
                    "oom_score = 0\n"
                    "\n"
                    "[grpc]\n"
                    "  address = \"%s\"\n"
                    "\n"
                    "[ttrpc]\n"
                    "  address = \"%s.ttrpc\"\n"
                    "\n"
                    "[debug]\n"
                    "  address = \"\"\n"
                    "  level = \"info\"\n"
                    "\n"
                    "[metrics]\n"
                    "  address = \"\"\n"
                    "\n"
                    "[plugins]\n"
                    "  [plugins.\"io.containerd.internal.v1.opt\"]\n"
                    "    path = \"%s/opt\"\n"
                    "  [plugins.\"io.containerd.grpc.v1.cri\"]\n"
                    "    sandbox_image = \"%s\"\n"
                    "    restrict_oom_score_adj = true\n"
                    "    enable_selinux = false\n"
                    "    stream_server_address = \"127.0.0.1\"\n"
                    "    stream_server_port = \"0\"\n"
                    "    [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
                    "      snapshotter = \"overlayfs\"\n"
                    "      default_runtime_name = \"runc\"\n"
                    "      [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
                    "        runtime_type = \"io.containerd.runc.v2\"\n"
                    "        [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc."
                    "options]\n"
                    "          SystemdCgroup = false\n"
                    "    [plugins.\"io.containerd.grpc.v1.cri\".cni]\n"
                    "      bin_dir = \"%s\"\n"
                    "      conf_dir = \"%s/cni/net.d\"\n",
                    dd, dd, dd, sock, sock, dd, image, cni_bin, dd);
    _cleanup_free_ char *path = xasprintf("%s/config.toml", dd);
    if (cube_file_write(path, b.data, b.len, 0600, err) < 0)
        return -1;
    if (ret_path)
        *ret_path = TAKE_PTR(path);
    return 0;
}

static bool socket_answers(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    return fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
}

/* The absolute path of an executable: as given when it has a slash, else found in PATH. */
static char *find_binary(const char *name)
{
    if (strchr(name, '/'))
        return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
    const char *path = getenv("PATH");
    _cleanup_free_ char *copy = xstrdup(path && *path ? path
                                                      : "/usr/local/sbin:/usr/local/bin:"
                                                        "/usr/sbin:/usr/bin:/sbin:/bin");
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *p = xasprintf("%s/%s", dir, name);
        if (access(p, X_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

/* The log's last non-empty line, for an error message. */
static void last_log_line(const char *log, char *out, size_t outlen)
{
    out[0] = '\0';
    _cleanup_free_ char *data = NULL;
    size_t len;
    cube_err_t e = CUBE_ERR_INIT;
    if (cube_file_read(log, &data, &len, &e) < 0) {
        cube_err_clear(&e);
        return;
    }
    while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        data[--len] = '\0';
    char *nl = strrchr(data, '\n');
    snprintf(out, outlen, "%s", nl ? nl + 1 : data);
}

static cube_containerd_t *cd_new(const char *dd)
{
    cube_containerd_t *cd = xcalloc(1, sizeof(*cd));
    cd->socket = xasprintf("%s/containerd.sock", dd);
    cd->cni_conf_dir = xasprintf("%s/cni/net.d", dd);
    cd->log_path = xasprintf("%s/containerd.log", dd);
    return cd;
}

int cube_containerd_start(const cube_containerd_config_t *cfg, int wait_ms, cube_containerd_t **ret,
                          cube_err_t *err)
{
    _cleanup_free_ char *conf = NULL;
    if (cube_containerd_write_config(cfg, &conf, err) < 0)
        return -1;
    cube_containerd_t *cd = cd_new(cfg->data_dir);
    _cleanup_free_ char *pidfile = xasprintf("%s/containerd.pid", cfg->data_dir);

    if (socket_answers(cd->socket)) {
        /* one from an earlier run of ours: adopt it (its config may be older) */
        _cleanup_free_ char *s = NULL;
        size_t n;
        cube_err_t e = CUBE_ERR_INIT;
        if (cube_file_read(pidfile, &s, &n, &e) == 0) {
            pid_t pid = (pid_t)atoi(s);
            if (pid > 0 && kill(pid, 0) == 0)
                cd->pid = pid;
        }
        cube_err_clear(&e);
        *ret = cd;
        return 0;
    }

    _cleanup_free_ char *bin = find_binary(cfg->binary ? cfg->binary : "containerd");
    if (!bin) {
        cube_containerd_free(cd);
        return cube_err_internal(err, "containerd: %s not found in PATH (install containerd)",
                                 cfg->binary ? cfg->binary : "containerd");
    }
    unlink(cd->socket); /* a stale socket of a dead containerd */
    _cleanup_close_ int logfd = open(cd->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    _cleanup_close_ int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (logfd < 0 || nullfd < 0) {
        int e = errno;
        cube_containerd_free(cd);
        return cube_err_errno(err, e, "containerd: open log");
    }
    char *argv[] = {(char *)"containerd", (char *)"--config", conf, NULL};
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        cube_containerd_free(cd);
        return cube_err_errno(err, e, "containerd: fork");
    }
    if (pid == 0) {
        /* child: only async-signal-safe calls until exec */
        setsid();
        dup2(nullfd, 0);
        dup2(logfd, 1);
        dup2(logfd, 2);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execv(bin, argv);
        _exit(127);
    }
    cd->pid = pid;
    cd->child = true;
    _cleanup_free_ char *pidtext = xasprintf("%d\n", (int)pid);
    cube_err_t e = CUBE_ERR_INIT;
    if (cube_file_write(pidfile, pidtext, strlen(pidtext), 0600, &e) < 0)
        cube_err_clear(&e); /* only used to adopt it later */

    uint64_t deadline = cube_time_mono_ns() + (uint64_t)(wait_ms > 0 ? wait_ms : 10000) * 1000000;
    for (;;) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            char line[512];
            last_log_line(cd->log_path, line, sizeof(line));
            cd->pid = 0;
            cube_containerd_free(cd);
            return cube_err_internal(
                err, "containerd exited (status %d) before serving: %s",
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), line);
        }
        if (socket_answers(cd->socket))
            break;
        if (cube_time_mono_ns() > deadline) {
            char line[512];
            last_log_line(cd->log_path, line, sizeof(line));
            cube_containerd_stop(cd, 1000);
            cube_containerd_free(cd);
            return cube_err_internal(err, "containerd did not serve %s in %d ms: %s", cfg->data_dir,
                                     wait_ms, line);
        }
        usleep(20000);
    }
    *ret = cd;
    return 0;
}

static bool gone(cube_containerd_t *cd)
{
    if (cd->child) {
        int status;
        pid_t r = waitpid(cd->pid, &status, WNOHANG);
        return r == cd->pid || (r < 0 && errno == ECHILD);
    }
    return kill(cd->pid, 0) < 0 && errno == ESRCH;
}

void cube_containerd_stop(cube_containerd_t *cd, int grace_ms)
{
    if (!cd || cd->pid <= 0)
        return;
    kill(cd->pid, SIGTERM);
    uint64_t deadline = cube_time_mono_ns() + (uint64_t)(grace_ms > 0 ? grace_ms : 0) * 1000000;
    while (!gone(cd)) {
        if (cube_time_mono_ns() > deadline) {
            kill(cd->pid, SIGKILL);
            if (cd->child)
                waitpid(cd->pid, NULL, 0);
            else
                while (!gone(cd))
                    usleep(10000);
            break;
        }
        usleep(10000);
    }
    cd->pid = 0;
}

void cube_containerd_free(cube_containerd_t *cd)
{
    if (!cd)
        return;
    free(cd->socket);
    free(cd->cni_conf_dir);
    free(cd->log_path);
    free(cd);
}
