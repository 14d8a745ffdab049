/*
 * cube cri-test: a tiny crictl for the e2e tier (tests/e2e/test_cri.sh). It
 * drives the node's runtime foundation exactly as the kubelet will: our own
 * containerd (cube_containerd_start/stop) and the typed CRI client (cri.h),
 * so the test proves those two, not a third-party tool. Not for users.
 *
 *   cube cri-test containerd-start --data-dir D     start containerd for D, print its socket
 *   cube cri-test containerd-stop --data-dir D      stop it by PID
 *   cube cri-test run --endpoint S --log-dir L      Version, Status, ImageStatus, sandbox,
 *                                                   busybox container (echo hello; httpd on
 *                                                   8080), ContainerStatus, ExecSync; prints
 *                                                   key=value lines and the latencies
 *   cube cri-test teardown --endpoint S [--sandbox ID]   stop and remove (all sandboxes)
 *   cube cri-test bench --endpoint S --log-dir L --count N  median of run+create+start
 */
#include "cmd/cmd.h"
#include "kubelet/cri.h"

#include <sys/stat.h>

typedef struct opts {
    char *data_dir, *endpoint, *log_dir, *image, *sandbox, *name;
    int count;
} opts_t;

static void opts_clear(opts_t *o)
{
    free(o->data_dir);
    free(o->endpoint);
    free(o->log_dir);
    free(o->image);
    free(o->sandbox);
    free(o->name);
}

static double ms_since(uint64_t t0)
{
    return (double)(cube_time_mono_ns() - t0) / 1e6;
}

static int fail(const char *what, cube_err_t *err)
{
    fprintf(stderr, "cube cri-test: %s: %s\n", what, err->msg);
    return 1;
}

/* The sandbox and container of one test pod; every string is static or owned by the caller. */
typedef struct pod {
    Runtime__V1__PodSandboxMetadata meta;
    Runtime__V1__PodSandboxConfig__LabelsEntry label;
    Runtime__V1__PodSandboxConfig__LabelsEntry *labels[1];
    Runtime__V1__NamespaceOption ns;
    Runtime__V1__LinuxSandboxSecurityContext sec;
    Runtime__V1__LinuxPodSandboxConfig linux_cfg;
    Runtime__V1__DNSConfig dns;
    Runtime__V1__PodSandboxConfig config;
    Runtime__V1__ContainerMetadata cmeta;
    Runtime__V1__ImageSpec image;
    Runtime__V1__ContainerConfig ctr;
    char *uid;
} pod_t;

static void pod_clear(pod_t *p)
{
    free(p->uid);
}

static void pod_init(pod_t *p, const char *name, const char *log_dir, const char *image,
                     const char *const *cmd)
{
    p->uid = xasprintf("cri-test-%d-%llu", (int)getpid(), (unsigned long long)cube_time_mono_ns());
    p->meta = (Runtime__V1__PodSandboxMetadata)RUNTIME__V1__POD_SANDBOX_METADATA__INIT;
    p->meta.name = (char *)name;
    p->meta.namespace_ = (char *)"default";
    p->meta.uid = p->uid;
    p->label = (Runtime__V1__PodSandboxConfig__LabelsEntry)
        RUNTIME__V1__POD_SANDBOX_CONFIG__LABELS_ENTRY__INIT;
    p->label.key = (char *)"cube.test/owner";
    p->label.value = (char *)"cri-test";
    p->labels[0] = &p->label;
    p->ns = (Runtime__V1__NamespaceOption)RUNTIME__V1__NAMESPACE_OPTION__INIT;
    p->ns.pid = RUNTIME__V1__NAMESPACE_MODE__CONTAINER;
    p->sec =
        (Runtime__V1__LinuxSandboxSecurityContext)RUNTIME__V1__LINUX_SANDBOX_SECURITY_CONTEXT__INIT;
    p->sec.namespace_options = &p->ns;
    p->linux_cfg = (Runtime__V1__LinuxPodSandboxConfig)RUNTIME__V1__LINUX_POD_SANDBOX_CONFIG__INIT;
    p->linux_cfg.security_context = &p->sec;
    p->dns = (Runtime__V1__DNSConfig)RUNTIME__V1__DNSCONFIG__INIT;
    p->config = (Runtime__V1__PodSandboxConfig)RUNTIME__V1__POD_SANDBOX_CONFIG__INIT;
    p->config.metadata = &p->meta;
    p->config.hostname = (char *)name;
    p->config.log_directory = (char *)log_dir;
    p->config.dns_config = &p->dns;
    p->config.n_labels = 1;
    p->config.labels = p->labels;
    p->config.linux = &p->linux_cfg;

    p->cmeta = (Runtime__V1__ContainerMetadata)RUNTIME__V1__CONTAINER_METADATA__INIT;
    p->cmeta.name = (char *)"main";
    p->image = (Runtime__V1__ImageSpec)RUNTIME__V1__IMAGE_SPEC__INIT;
    p->image.image = (char *)image;
    p->ctr = (Runtime__V1__ContainerConfig)RUNTIME__V1__CONTAINER_CONFIG__INIT;
    p->ctr.metadata = &p->cmeta;
    p->ctr.image = &p->image;
    size_t n = 0;
    while (cmd[n])
        n++;
    p->ctr.n_command = n;
    p->ctr.command = (char **)cmd;
    p->ctr.log_path = (char *)"main/0.log";
}

/* RunPodSandbox + CreateContainer + StartContainer; the three latencies in ms. */
static int pod_start(cube_cri_t *cri, pod_t *p, char **ret_sb, char **ret_ctr, double lat[3],
                     cube_err_t *err)
{
    _cleanup_free_ char *sb = NULL, *ctr = NULL;
    uint64_t t0 = cube_time_mono_ns();
    if (cube_cri_run_pod_sandbox(cri, &p->config, NULL, &sb, err) < 0) {
        cube_err_prefix(err, "RunPodSandbox");
        return -1;
    }
    lat[0] = ms_since(t0);
    t0 = cube_time_mono_ns();
    if (cube_cri_create_container(cri, sb, &p->ctr, &p->config, &ctr, err) < 0) {
        cube_err_prefix(err, "CreateContainer");
        *ret_sb = TAKE_PTR(sb);
        return -1;
    }
    lat[1] = ms_since(t0);
    t0 = cube_time_mono_ns();
    if (cube_cri_start_container(cri, ctr, err) < 0) {
        cube_err_prefix(err, "StartContainer");
        *ret_sb = TAKE_PTR(sb);
        return -1;
    }
    lat[2] = ms_since(t0);
    *ret_sb = TAKE_PTR(sb);
    *ret_ctr = TAKE_PTR(ctr);
    return 0;
}

static int teardown_one(cube_cri_t *cri, const char *sb, cube_err_t *err)
{
    if (cube_cri_stop_pod_sandbox(cri, sb, err) < 0 ||
        cube_cri_remove_pod_sandbox(cri, sb, err) < 0)
        return -1;
    return 0;
}

static int cmd_run(cube_cri_t *cri, const opts_t *o)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_cri_ Runtime__V1__VersionResponse *ver = NULL;
    uint64_t t0 = cube_time_mono_ns();
    if (cube_cri_version(cri, &ver, &err) < 0)
        return fail("Version", &err);
    printf("version=%s %s %s (%.1f ms)\n", ver->runtime_name, ver->runtime_version,
           ver->runtime_api_version, ms_since(t0));

    _cleanup_cri_ Runtime__V1__StatusResponse *st = NULL;
    if (cube_cri_status(cri, false, &st, &err) < 0)
        return fail("Status", &err);
    const Runtime__V1__RuntimeCondition *rr = cube_cri_status_condition(st, "RuntimeReady");
    const Runtime__V1__RuntimeCondition *nr = cube_cri_status_condition(st, "NetworkReady");
    printf("runtime_ready=%s network_ready=%s\n", rr && rr->status ? "true" : "false",
           nr && nr->status ? "true" : "false");

    _cleanup_cri_ Runtime__V1__ImageStatusResponse *img = NULL;
    if (cube_cri_image_status(cri, o->image, false, &img, &err) < 0)
        return fail("ImageStatus", &err);
    if (!img->image) {
        fprintf(stderr, "cube cri-test: image %s is not present (import it first)\n", o->image);
        return 1;
    }
    printf("image=%s size=%llu\n", img->image->id, (unsigned long long)img->image->size);

    static const char *const cmd[] = {
        "sh", "-c",
        "echo hello; hostname > /tmp/index.html; echo cube-cri-ok >> /tmp/index.html; "
        "httpd -p 8080 -h /tmp; exec sleep 3600",
        NULL};
    pod_t p _cleanup_(pod_clear);
    pod_init(&p, o->name, o->log_dir, o->image, cmd);
    _cleanup_free_ char *sb = NULL, *ctr = NULL;
    double lat[3];
    t0 = cube_time_mono_ns();
    int rc = pod_start(cri, &p, &sb, &ctr, lat, &err);
    double total = ms_since(t0);
    if (sb)
        printf("sandbox=%s\n", sb);
    if (rc < 0)
        return fail("start", &err);
    printf("container=%s\n", ctr);
    printf("latency_ms run=%.1f create=%.1f start=%.1f total=%.1f\n", lat[0], lat[1], lat[2],
           total);

    _cleanup_cri_ Runtime__V1__ContainerStatusResponse *cs = NULL;
    if (cube_cri_container_status(cri, ctr, false, &cs, &err) < 0)
        return fail("ContainerStatus", &err);
    printf("state=%s log_path=%s\n", cube_cri_container_state_name(cs->status->state),
           cs->status->log_path);

    static const char *const cat[] = {"cat", "/etc/hostname", NULL};
    _cleanup_cri_ Runtime__V1__ExecSyncResponse *ex = NULL;
    t0 = cube_time_mono_ns();
    if (cube_cri_exec_sync(cri, ctr, cat, 10, &ex, &err) < 0)
        return fail("ExecSync", &err);
    printf("exec_exit=%d exec_ms=%.1f\n", ex->exit_code, ms_since(t0));
    printf("exec_stdout=%.*s", (int)ex->stdout.len, (const char *)ex->stdout.data);
    if (!ex->stdout.len || ex->stdout.data[ex->stdout.len - 1] != '\n')
        putchar('\n');

    _cleanup_cri_ Runtime__V1__PodSandboxStatusResponse *ss = NULL;
    if (cube_cri_pod_sandbox_status(cri, sb, false, &ss, &err) < 0)
        return fail("PodSandboxStatus", &err);
    printf("sandbox_state=%s ip=%s\n", cube_cri_sandbox_state_name(ss->status->state),
           ss->status->network && ss->status->network->ip ? ss->status->network->ip : "");

    /* errors come back typed: an unknown container is NotFound */
    _cleanup_cri_ Runtime__V1__ContainerStatusResponse *none = NULL;
    cube_err_t nf _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_cri_container_status(cri, "no-such-container", false, &none, &nf) == 0) {
        fprintf(stderr, "cube cri-test: ContainerStatus of an unknown id succeeded\n");
        return 1;
    }
    printf("unknown_container=%d %s\n", nf.code, nf.reason);
    fflush(stdout);
    return 0;
}

static int cmd_teardown(cube_cri_t *cri, const opts_t *o)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    uint64_t t0 = cube_time_mono_ns();
    if (o->sandbox) {
        if (teardown_one(cri, o->sandbox, &err) < 0)
            return fail("teardown", &err);
    } else {
        _cleanup_cri_ Runtime__V1__ListPodSandboxResponse *list = NULL;
        if (cube_cri_list_pod_sandbox(cri, NULL, &list, &err) < 0)
            return fail("ListPodSandbox", &err);
        for (size_t i = 0; i < list->n_items; i++)
            if (teardown_one(cri, list->items[i]->id, &err) < 0)
                return fail("teardown", &err);
    }
    printf("teardown_ms=%.1f\n", ms_since(t0));
    _cleanup_cri_ Runtime__V1__ListPodSandboxResponse *after = NULL;
    _cleanup_cri_ Runtime__V1__ListContainersResponse *ctrs = NULL;
    if (cube_cri_list_pod_sandbox(cri, NULL, &after, &err) < 0 ||
        cube_cri_list_containers(cri, NULL, &ctrs, &err) < 0)
        return fail("List", &err);
    printf("sandboxes_left=%zu containers_left=%zu\n", after->n_items, ctrs->n_containers);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmd_bench(cube_cri_t *cri, const opts_t *o)
{
    static const char *const cmd[] = {"sleep", "3600", NULL};
    int n = o->count > 0 ? o->count : 5;
    _cleanup_free_ double *tot = xcalloc((size_t)n, sizeof(double));
    _cleanup_free_ double *each = xcalloc((size_t)n * 3, sizeof(double));
    for (int i = 0; i < n; i++) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        pod_t p _cleanup_(pod_clear);
        _cleanup_free_ char *name = xasprintf("%s-%d", o->name, i);
        pod_init(&p, name, o->log_dir, o->image, cmd);
        _cleanup_free_ char *sb = NULL, *ctr = NULL;
        uint64_t t0 = cube_time_mono_ns();
        int rc = pod_start(cri, &p, &sb, &ctr, &each[i * 3], &err);
        tot[i] = ms_since(t0);
        cube_err_t e2 _cleanup_err_ = CUBE_ERR_INIT;
        if (sb && teardown_one(cri, sb, &e2) < 0)
            return fail("teardown", &e2);
        if (rc < 0)
            return fail("start", &err);
    }
    double med[3];
    _cleanup_free_ double *v = xcalloc((size_t)n, sizeof(double));
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < n; i++)
            v[i] = each[i * 3 + k];
        qsort(v, (size_t)n, sizeof(double), cmp_double);
        med[k] = v[n / 2];
    }
    qsort(tot, (size_t)n, sizeof(double), cmp_double);
    printf("bench n=%d median_ms run=%.1f create=%.1f start=%.1f total=%.1f (min %.1f max %.1f)\n",
           n, med[0], med[1], med[2], tot[n / 2], tot[0], tot[n - 1]);
    return 0;
}

int cube_cmd_cri_test(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: cube cri-test containerd-start|containerd-stop|run|teardown|bench "
                        "[flags]\n");
        return 2;
    }
    const char *sub = argv[1];
    opts_t o _cleanup_(opts_clear) = {.count = 5};
    const cube_flag_t flags[] = {
        {"data-dir", CUBE_FLAG_STRING, &o.data_dir, "containerd's data dir (containerd-*)"},
        {"endpoint", CUBE_FLAG_STRING, &o.endpoint, "CRI socket"},
        {"log-dir", CUBE_FLAG_STRING, &o.log_dir, "Sandbox log directory"},
        {"image", CUBE_FLAG_STRING, &o.image, "Container image"},
        {"name", CUBE_FLAG_STRING, &o.name, "Pod name"},
        {"sandbox", CUBE_FLAG_STRING, &o.sandbox, "Sandbox id (teardown)"},
        {"count", CUBE_FLAG_INT, &o.count, "Iterations (bench)"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *cmdname = xasprintf("cri-test %s", sub);
    int rc =
        cube_flags_parse(cmdname, flags, CUBE_ARRAY_SIZE(flags), argc - 1, argv + 1, NULL, &err);
    if (rc == 1)
        return 0;
    if (rc < 0) {
        fprintf(stderr, "cube cri-test: %s\n", err.msg);
        return 2;
    }
    if (!o.image)
        o.image = xstrdup("cube.local/busybox:latest");
    if (!o.name)
        o.name = xstrdup("cri-test");

    if (!strcmp(sub, "containerd-start") || !strcmp(sub, "containerd-stop")) {
        if (!o.data_dir) {
            fprintf(stderr, "cube cri-test: --data-dir is required\n");
            return 2;
        }
        cube_containerd_config_t cfg = {.data_dir = o.data_dir};
        cube_containerd_t *cd = NULL;
        uint64_t t0 = cube_time_mono_ns();
        if (cube_containerd_start(&cfg, 20000, &cd, &err) < 0)
            return fail(sub, &err);
        if (!strcmp(sub, "containerd-start")) {
            printf("socket=%s pid=%d ready_ms=%.0f\n", cd->socket, (int)cd->pid, ms_since(t0));
        } else {
            cube_containerd_stop(cd, 10000);
            printf("stopped\n");
        }
        cube_containerd_free(cd);
        return 0;
    }

    if (!o.endpoint) {
        fprintf(stderr, "cube cri-test: --endpoint is required\n");
        return 2;
    }
    cube_cri_t *cri;
    if (cube_cri_new(o.endpoint, 0, &cri, &err) < 0)
        return fail("connect", &err);
    int exit_code = 2;
    if (!strcmp(sub, "run") || !strcmp(sub, "bench")) {
        if (!o.log_dir) {
            fprintf(stderr, "cube cri-test: --log-dir is required\n");
        } else {
            mkdir(o.log_dir, 0755);
            exit_code = !strcmp(sub, "run") ? cmd_run(cri, &o) : cmd_bench(cri, &o);
        }
    } else if (!strcmp(sub, "teardown")) {
        exit_code = cmd_teardown(cri, &o);
    } else {
        fprintf(stderr, "cube cri-test: unknown subcommand \"%s\"\n", sub);
    }
    cube_cri_free(cri);
    return exit_code;
}
