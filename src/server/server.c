/*
 * `cube server` (see server.h): a supervisor of child processes.
 *
 * Order: the API server first (its readiness is the first progress line),
 * then a kubeconfig per component identity, then the controller manager and
 * scheduler, then the node agent: containerd (ours, under the data dir, unless
 * an endpoint is given), kubelet, proxy, dns. A child that exits while the
 * server runs is started again after a backoff (1 s doubling to 30 s). On stop
 * the children get SIGTERM in reverse order and SIGKILL after 10 s; containers
 * outlive containerd and the kubelet (their shims are not our children), so
 * pods keep running across a restart of `cube server`.
 */
#include "server/server.h"

#include "apiserver/apiserver.h"
#include "client/client.h"
#include "kubelet/cri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define MAX_ARGS 24
#define STOP_GRACE_MS 10000

typedef struct child {
    const char *name;
    char *argv[MAX_ARGS];
    pid_t pid;
    int backoff_ms;
    uint64_t restart_at_ns; /* 0: not waiting to restart */
} child_t;

typedef struct server {
    const cube_server_config_t *cfg;
    char *url; /* https://<advertise>:<port> */
    char *node;
    char *logs;
    child_t children[12];
    size_t n;
    cube_containerd_t *containerd;
    uint64_t t0;
} server_t;

static double since(const server_t *s)
{
    return (double)(cube_time_mono_ns() - s->t0) / 1e9;
}

static void progress(const server_t *s, const char *fmt, ...) _printf_(2, 3);
static void progress(const server_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "cube server [%5.2fs] ", since(s));
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static child_t *add_child(server_t *s, const char *name, ...)
{
    child_t *c = &s->children[s->n++];
    c->name = name;
    c->backoff_ms = 1000;
    int i = 0;
    c->argv[i++] = xstrdup(s->cfg->self);
    c->argv[i++] = xstrdup(name);
    c->argv[i++] = xstrdup("--config");
    c->argv[i++] = xstrdup("/dev/null");
    va_list ap;
    va_start(ap, name);
    const char *a;
    while ((a = va_arg(ap, const char *)) && i < MAX_ARGS - 1)
        c->argv[i++] = xstrdup(a);
    va_end(ap);
    c->argv[i] = NULL;
    return c;
}

/* Appends arguments (NULL-terminated) to a child's command line. */
static void add_args(child_t *c, ...)
{
    int i = 0;
    while (c->argv[i])
        i++;
    va_list ap;
    va_start(ap, c);
    const char *a;
    while ((a = va_arg(ap, const char *)) && i < MAX_ARGS - 1)
        c->argv[i++] = xstrdup(a);
    va_end(ap);
    c->argv[i] = NULL;
}

/* Runs `cube image import` for every OCI archive in <data-dir>/images (as k3s imports its
   agent's images directory at start): the sandbox image must be there, nothing is pulled. */
static void import_images(server_t *s, const char *socket)
{
    _cleanup_free_ char *dir = xasprintf("%s/images", s->cfg->data_dir);
    _cleanup_free_ char *pattern = xasprintf("%s/*.tar", dir);
    glob_t g = {0};
    if (glob(pattern, 0, NULL, &g) != 0) {
        progress(s, "no image archives in %s (the sandbox image must be imported)", dir);
        return;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0) {
                dup2(devnull, 1);
                dup2(devnull, 2);
            }
            execl(s->cfg->self, s->cfg->self, "image", "import", g.gl_pathv[i], "--address", socket,
                  (char *)NULL);
            _exit(127);
        }
        int status = 0;
        if (pid > 0)
            waitpid(pid, &status, 0);
        progress(s, "image %s %s", g.gl_pathv[i],
                 pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "imported"
                                                                          : "NOT imported");
    }
    globfree(&g);
}

static int spawn(server_t *s, child_t *c, cube_err_t *err)
{
    _cleanup_free_ char *log = xasprintf("%s/%s.log", s->logs, c->name);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return cube_err_internal(err, "%s: %s", log, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fd);
        return cube_err_internal(err, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, NULL);
        dup2(fd, 1);
        dup2(fd, 2);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        execv(c->argv[0], c->argv);
        _exit(127);
    }
    close(fd);
    c->pid = pid;
    c->restart_at_ns = 0;
    return 0;
}

/* Reaps exited children and restarts them after their backoff. */
static void supervise(server_t *s)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < s->n; i++) {
            child_t *c = &s->children[i];
            if (c->pid != pid)
                continue;
            c->pid = 0;
            c->restart_at_ns = cube_time_mono_ns() + (uint64_t)c->backoff_ms * 1000000ull;
            progress(s, "%s exited (%s %d); restarting in %d ms (log: %s/%s.log)", c->name,
                     WIFEXITED(status) ? "status" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), c->backoff_ms,
                     s->logs, c->name);
            c->backoff_ms = c->backoff_ms < 30000 ? c->backoff_ms * 2 : 30000;
        }
    }
    uint64_t now = cube_time_mono_ns();
    for (size_t i = 0; i < s->n; i++) {
        child_t *c = &s->children[i];
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (!c->pid && c->restart_at_ns && now >= c->restart_at_ns && spawn(s, c, &err) < 0)
            progress(s, "%s: %s", c->name, err.msg);
    }
}

static void stop_all(server_t *s)
{
    for (size_t i = s->n; i-- > 0;)
        if (s->children[i].pid > 0)
            kill(s->children[i].pid, SIGTERM);
    uint64_t deadline = cube_time_mono_ns() + (uint64_t)STOP_GRACE_MS * 1000000ull;
    for (;;) {
        bool alive = false;
        for (size_t i = 0; i < s->n; i++) {
            child_t *c = &s->children[i];
            if (c->pid > 0 && waitpid(c->pid, NULL, WNOHANG) == c->pid)
                c->pid = 0;
            alive |= c->pid > 0;
        }
        if (!alive)
            break;
        if (cube_time_mono_ns() > deadline) {
            for (size_t i = 0; i < s->n; i++)
                if (s->children[i].pid > 0) {
                    kill(s->children[i].pid, SIGKILL);
                    waitpid(s->children[i].pid, NULL, 0);
                    s->children[i].pid = 0;
                }
            break;
        }
        usleep(50 * 1000);
    }
    if (s->containerd)
        cube_containerd_stop(s->containerd, 5000);
}

/* Polls fn until it returns true, the child dies, or timeout_ms passes. */
static bool wait_for(server_t *s, const atomic_bool *stop, int timeout_ms,
                     bool (*fn)(server_t *s, void *arg), void *arg)
{
    uint64_t deadline = cube_time_mono_ns() + (uint64_t)timeout_ms * 1000000ull;
    while (!atomic_load(stop) && cube_time_mono_ns() < deadline) {
        if (fn(s, arg))
            return true;
        supervise(s);
        usleep(50 * 1000);
    }
    return false;
}

static bool apiserver_ready(server_t *s, void *arg)
{
    const char *kubeconfig = arg;
    if (access(kubeconfig, R_OK) != 0)
        return false;
    cube_client_t *c = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_from_kubeconfig(kubeconfig, "cube-server", &c, &err) < 0)
        return false;
    json_auto_t *ns = NULL;
    bool ok =
        cube_client_request(c, "GET", "/api/v1/namespaces/kube-system", NULL, NULL, &ns, &err) == 0;
    cube_client_free(c);
    return ok;
}

typedef struct node_wait {
    cube_client_t *client;
} node_wait_t;

static bool node_ready(server_t *s, void *arg)
{
    node_wait_t *nw = arg;
    json_auto_t *node = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_get(nw->client, cube_api_resource_find("", "v1", "nodes"), NULL, s->node, &node,
                        &err) < 0)
        return false;
    size_t i;
    json_t *c;
    json_array_foreach(cube_json_path(node, "status", "conditions", NULL), i, c)
    {
        const char *type = cube_json_str(c, "type", NULL);
        const char *st = cube_json_str(c, "status", NULL);
        if (type && !strcmp(type, "Ready"))
            return st && !strcmp(st, "True");
    }
    return false;
}

/* The control-plane role label, set by the server (a kubelet may not label itself so). */
static void label_control_plane(server_t *s, cube_client_t *c)
{
    json_auto_t *patch = json_pack("{s:{s:{s:s}}}", "metadata", "labels",
                                   "node-role.kubernetes.io/control-plane", "true");
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    for (int attempt = 0; attempt < 5; attempt++) { /* the kubelet writes its node too */
        cube_err_clear(&err);
        if (cube_client_patch(c, cube_api_resource_find("", "v1", "nodes"), NULL, s->node,
                              "application/merge-patch+json", patch, NULL, NULL, &err) == 0)
            return;
        usleep(200 * 1000);
    }
    progress(s, "labelling node %s: %s", s->node, err.msg);
}

static char *component_kubeconfig(server_t *s, const char *file, const char *cn,
                                  const char *const *orgs, cube_err_t *err)
{
    char *path = xasprintf("%s/%s", s->cfg->data_dir, file);
    if (cube_apiserver_component_kubeconfig(s->cfg->data_dir, s->url, cn, orgs, path, err) < 0) {
        free(path);
        return NULL;
    }
    return path;
}

/* The address this machine reaches others from (the source of its default route): the
   node's InternalIP, which the cluster DNS listens on. 127.0.0.1 without a route. */
static void node_ip(char out[INET_ADDRSTRLEN])
{
    snprintf(out, INET_ADDRSTRLEN, "127.0.0.1");
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(53)};
    inet_pton(AF_INET, "192.0.2.1", &dst.sin_addr); /* any routed address: nothing is sent */
    struct sockaddr_in me;
    socklen_t len = sizeof(me);
    if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0 &&
        getsockname(fd, (struct sockaddr *)&me, &len) == 0)
        inet_ntop(AF_INET, &me.sin_addr, out, INET_ADDRSTRLEN);
    close(fd);
}

/* The tenth address of the service range (10.43.0.10), as k3s gives its cluster DNS. */
static void dns_service_ip(const char *service_cidr, char out[INET_ADDRSTRLEN])
{
    unsigned a, b, c, d;
    snprintf(out, INET_ADDRSTRLEN, "10.43.0.10");
    if (sscanf(service_cidr, "%u.%u.%u.%u", &a, &b, &c, &d) == 4)
        snprintf(out, INET_ADDRSTRLEN, "%u.%u.%u.%u", a, b, c, d + 10);
}

/*
 * The cluster DNS Service (kube-system/kube-dns, no selector) and its EndpointSlice pointing at
 * this node's DNS server: the proxy sends the Service's traffic there. Created or updated.
 */
static void ensure_dns_service(server_t *s, cube_client_t *c, const char *service_ip,
                               const char *node_addr)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *svc = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:{s:s, s:[{s:s, s:i, s:s}, {s:s, s:i, s:s}]}}",
        "apiVersion", "v1", "kind", "Service", "metadata", "name", "kube-dns", "namespace",
        "kube-system", "labels", "k8s-app", "kube-dns", "spec", "clusterIP", service_ip, "ports",
        "name", "dns", "port", 53, "protocol", "UDP", "name", "dns-tcp", "port", 53, "protocol",
        "TCP");
    if (cube_client_create(c, cube_api_resource_find("", "v1", "services"), "kube-system", svc,
                           NULL, &err) < 0 &&
        err.code != 409)
        progress(s, "kube-dns Service: %s", err.msg);
    cube_err_clear(&err);
    json_auto_t *slice = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}, s:s, s:[{s:[s], s:{s:b}, s:s}], "
        "s:[{s:s, s:i, s:s}, {s:s, s:i, s:s}]}",
        "apiVersion", "discovery.k8s.io/v1", "kind", "EndpointSlice", "metadata", "name",
        "kube-dns-node", "namespace", "kube-system", "labels", "kubernetes.io/service-name",
        "kube-dns", "endpointslice.kubernetes.io/managed-by", "cube-server", "addressType", "IPv4",
        "endpoints", "addresses", node_addr, "conditions", "ready", 1, "nodeName", s->node, "ports",
        "name", "dns", "port", 53, "protocol", "UDP", "name", "dns-tcp", "port", 53, "protocol",
        "TCP");
    const cube_resource_t *es = cube_api_resource_find("discovery.k8s.io", "v1", "endpointslices");
    if (cube_client_create(c, es, "kube-system", slice, NULL, &err) < 0 && err.code == 409) {
        cube_err_clear(&err); /* a restart on another address: point it here */
        cube_client_patch(c, es, "kube-system", "kube-dns-node", "application/merge-patch+json",
                          slice, NULL, NULL, &err);
    }
    if (err.code && err.code != 409)
        progress(s, "kube-dns EndpointSlice: %s", err.msg);
}

static int start_agent(server_t *s, cube_client_t *client, cube_err_t *err)
{
    const cube_server_config_t *cfg = s->cfg;
    _cleanup_free_ char *endpoint = NULL;
    char addr[INET_ADDRSTRLEN], dns_ip[INET_ADDRSTRLEN] = "";
    node_ip(addr);
    if (cfg->have_command && cfg->have_command("dns")) {
        const char *orgs[] = {"system:serviceaccounts", NULL};
        /* the identity the bootstrap policy binds system:kube-dns to */
        _cleanup_free_ char *kc = component_kubeconfig(
            s, "dns.kubeconfig", "system:serviceaccount:kube-system:kube-dns", orgs, err);
        if (!kc)
            return -1;
        _cleanup_free_ char *listen = xasprintf("%s:53", addr);
        child_t *c = add_child(s, "dns", "--kubeconfig", kc, "--listen", listen, NULL);
        if (spawn(s, c, err) < 0)
            return -1;
        dns_service_ip(cfg->service_cidr, dns_ip);
        ensure_dns_service(s, client, dns_ip, addr);
        progress(s, "dns started on %s (Service kube-system/kube-dns %s)", listen, dns_ip);
    }
    if (cfg->container_runtime_endpoint) {
        endpoint = xstrdup(cfg->container_runtime_endpoint);
    } else {
        _cleanup_free_ char *cd_dir = xasprintf("%s/containerd", cfg->data_dir);
        cube_containerd_config_t cc = {.data_dir = cd_dir};
        if (cube_containerd_start(&cc, 20000, &s->containerd, err) < 0)
            return -1;
        endpoint = xasprintf("unix://%s", s->containerd->socket);
        progress(s, "containerd ready (socket %s)", s->containerd->socket);
        import_images(s, s->containerd->socket);
    }
    if (cfg->have_command && cfg->have_command("kubelet")) {
        _cleanup_free_ char *cn = xasprintf("system:node:%s", s->node);
        const char *orgs[] = {"system:nodes", NULL};
        _cleanup_free_ char *kc = component_kubeconfig(s, "kubelet.kubeconfig", cn, orgs, err);
        if (!kc)
            return -1;
        _cleanup_free_ char *root = xasprintf("%s/kubelet", cfg->data_dir);
        child_t *c = add_child(s, "kubelet", "--kubeconfig", kc, "--node-name", s->node,
                               "--container-runtime-endpoint", endpoint, "--root-dir", root,
                               "--cluster-cidr", cfg->cluster_cidr, "--node-ip", addr, NULL);
        if (dns_ip[0])
            add_args(c, "--cluster-dns", dns_ip, NULL);
        if (s->containerd) /* the network config goes where our containerd reads it */
            add_args(c, "--cni-conf-dir", s->containerd->cni_conf_dir, NULL);
        if (spawn(s, c, err) < 0)
            return -1;
        progress(s, "kubelet started for node %s", s->node);
    } else {
        progress(s, "no kubelet in this build: the node agent is not started");
    }
    if (cfg->have_command && cfg->have_command("proxy")) {
        const char *orgs[] = {NULL};
        _cleanup_free_ char *kc =
            component_kubeconfig(s, "proxy.kubeconfig", "system:kube-proxy", orgs, err);
        if (!kc)
            return -1;
        child_t *c = add_child(s, "proxy", "--kubeconfig", kc, "--hostname-override", s->node,
                               "--cluster-cidr", cfg->cluster_cidr, NULL);
        if (spawn(s, c, err) < 0)
            return -1;
        progress(s, "proxy started");
    }
    if (cfg->have_command && cfg->have_command("network-policy")) {
        const char *orgs[] = {NULL};
        _cleanup_free_ char *kc = component_kubeconfig(s, "network-policy.kubeconfig",
                                                       "system:cube:network-policy", orgs, err);
        if (!kc)
            return -1;
        child_t *c = add_child(s, "network-policy", "--kubeconfig", kc, "--hostname-override",
                               s->node, NULL);
        if (spawn(s, c, err) < 0)
            return -1;
        progress(s, "network-policy started");
    }
    return 0;
}

int cube_server_run(const cube_server_config_t *cfg, const atomic_bool *stop, cube_err_t *err)
{
    server_t s = {.cfg = cfg, .t0 = cube_time_mono_ns()};
    int rc = -1;
    char host[256] = "localhost";
    gethostname(host, sizeof(host) - 1);
    s.node = xstrdup(cfg->node_name ? cfg->node_name : host);
    for (char *p = s.node; *p; p++) /* node names are DNS labels */
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    /* components and the admin kubeconfig reach the API server on the address given, or on
       loopback; the address it advertises (the `kubernetes` Service's endpoint, which pods
       reach through the service proxy) is the node's own unless given */
    char nip[INET_ADDRSTRLEN];
    node_ip(nip);
    bool all = !cfg->bind_address || !*cfg->bind_address || !strcmp(cfg->bind_address, "0.0.0.0");
    const char *adv = cfg->advertise_address ? cfg->advertise_address
                      : all                  ? nip
                                             : cfg->bind_address; /* only there it answers */
    s.url =
        xasprintf("https://%s:%d", cfg->advertise_address ? cfg->advertise_address : "127.0.0.1",
                  cfg->secure_port);
    s.logs = xasprintf("%s/logs", cfg->data_dir);
    _cleanup_free_ char *admin = xasprintf("%s/admin.kubeconfig", cfg->data_dir);
    _cleanup_free_ char *port = xasprintf("%d", cfg->secure_port);
    /* set further down; declared here so that every goto out finds them initialized */
    _cleanup_free_ char *cm_kc = NULL, *sched_kc = NULL, *ca = NULL;
    cube_client_t *client = NULL;
    if (cube_mkdir_p(cfg->data_dir, 0700, err) < 0 || cube_mkdir_p(s.logs, 0700, err) < 0)
        goto out;
    progress(&s, "starting %s (data dir %s, logs in %s)", CUBE_GIT_VERSION, cfg->data_dir, s.logs);

    child_t *api = add_child(&s, "apiserver", "--data-dir", cfg->data_dir, "--bind-address",
                             cfg->bind_address, "--secure-port", port, "--advertise-address", adv,
                             "--service-cluster-ip-range", cfg->service_cidr, NULL);
    if (cfg->write_kubeconfig)
        add_args(api, "--write-kubeconfig", cfg->write_kubeconfig, NULL);
    if (spawn(&s, api, err) < 0)
        goto out;
    if (!wait_for(&s, stop, 60000, apiserver_ready, admin)) {
        if (!atomic_load(stop))
            cube_err_internal(err, "the API server did not become ready (log: %s/apiserver.log)",
                              s.logs);
        goto out;
    }
    progress(&s, "apiserver ready at %s; admin kubeconfig %s", s.url,
             cfg->write_kubeconfig ? cfg->write_kubeconfig : admin);

    const char *no_orgs[] = {NULL};
    cm_kc = component_kubeconfig(&s, "controller-manager.kubeconfig",
                                 "system:kube-controller-manager", no_orgs, err);
    sched_kc = cm_kc ? component_kubeconfig(&s, "scheduler.kubeconfig", "system:kube-scheduler",
                                            no_orgs, err)
                     : NULL;
    if (!cm_kc || !sched_kc)
        goto out;
    ca = xasprintf("%s/pki/ca.crt", cfg->data_dir);
    child_t *cm = add_child(&s, "controller-manager", "--kubeconfig", cm_kc, "--root-ca-file", ca,
                            "--cluster-cidr", cfg->cluster_cidr, NULL);
    if (spawn(&s, cm, err) < 0)
        goto out;
    progress(&s, "controller-manager started");
    if (cfg->have_command && cfg->have_command("scheduler")) {
        child_t *sc = add_child(&s, "scheduler", "--kubeconfig", sched_kc, NULL);
        if (spawn(&s, sc, err) < 0)
            goto out;
        progress(&s, "scheduler started");
    }
    if (cube_client_from_kubeconfig(admin, "cube-server", &client, err) < 0)
        goto out;
    if (!cfg->disable_agent) {
        if (start_agent(&s, client, err) < 0)
            goto out;
        if (cfg->have_command && cfg->have_command("kubelet")) {
            node_wait_t nw = {client};
            if (wait_for(&s, stop, 60000, node_ready, &nw)) {
                label_control_plane(&s, client);
                progress(&s, "node %s Ready", s.node);
            } else if (!atomic_load(stop)) {
                progress(&s, "node %s not Ready yet (log: %s/kubelet.log)", s.node, s.logs);
            }
        }
    }
    progress(&s, "ready: export KUBECONFIG=%s",
             cfg->write_kubeconfig ? cfg->write_kubeconfig : admin);
    while (!atomic_load(stop)) {
        supervise(&s);
        usleep(200 * 1000);
    }
    rc = 0;
out:
    progress(&s, "stopping");
    stop_all(&s);
    cube_containerd_free(s.containerd);
    cube_client_free(client);
    for (size_t i = 0; i < s.n; i++)
        for (int j = 0; s.children[i].argv[j]; j++)
            free(s.children[i].argv[j]);
    free(s.url);
    free(s.node);
    free(s.logs);
    return rc;
}
