/*
 * The kubelet's Node: what the machine has (capacity, allocatable, nodeInfo,
 * addresses), registration at start, the node status with its four
 * conditions (Ready carries the runtime's readiness), and the Lease in
 * kube-node-lease whose renewals tell the node lifecycle controller this
 * node is alive (upstream: pkg/kubelet/kubelet_node_status.go,
 * nodestatus/setters.go, nodelease).
 */
#include "kubelet/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>

static void read_line(const char *path, char *out, size_t n)
{
    out[0] = 0;
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    if (!f || !fgets(out, (int)n, f))
        return;
    out[strcspn(out, "\r\n")] = 0;
}

void kl_machine_read(const char *root_dir, kl_machine_t *m)
{
    memset(m, 0, sizeof(*m));
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    m->cpus = n > 0 ? (int)n : 1;
    _cleanup_fclose_ FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    while (f && fgets(line, sizeof(line), f)) {
        unsigned long long kib;
        if (sscanf(line, "MemTotal: %llu kB", &kib) == 1) {
            m->mem_kib = kib;
            break;
        }
    }
    struct statvfs vfs;
    if (root_dir && statvfs(root_dir, &vfs) == 0)
        m->fs_bytes = (uint64_t)vfs.f_blocks * vfs.f_frsize;
    read_line("/etc/machine-id", m->machine_id, sizeof(m->machine_id));
    read_line("/proc/sys/kernel/random/boot_id", m->boot_id, sizeof(m->boot_id));
    read_line("/sys/class/dmi/id/product_uuid", m->system_uuid, sizeof(m->system_uuid));
    if (!m->system_uuid[0])
        snprintf(m->system_uuid, sizeof(m->system_uuid), "%s", m->machine_id);
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(m->kernel, sizeof(m->kernel), "%s", u.release);
        const char *arch = u.machine;
        if (!strcmp(arch, "x86_64"))
            arch = "amd64";
        else if (!strcmp(arch, "aarch64"))
            arch = "arm64";
        snprintf(m->arch, sizeof(m->arch), "%s", arch);
    }
    _cleanup_fclose_ FILE *os = fopen("/etc/os-release", "re");
    while (os && fgets(line, sizeof(line), os)) {
        if (strncmp(line, "PRETTY_NAME=", 12))
            continue;
        char *v = line + 12;
        v[strcspn(v, "\r\n")] = 0;
        size_t l = strlen(v);
        if (l >= 2 && v[0] == '"' && v[l - 1] == '"') {
            v[l - 1] = 0;
            v++;
        }
        snprintf(m->os_image, sizeof(m->os_image), "%s", v);
        break;
    }
    if (!m->os_image[0])
        snprintf(m->os_image, sizeof(m->os_image), "Linux");
    gethostname(m->hostname, sizeof(m->hostname) - 1);
}

int kl_parse_labels(const char *s, json_t **ret, cube_err_t *err)
{
    json_auto_t *o = json_object();
    _cleanup_free_ char *copy = xstrdup(s ? s : "");
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (!eq || eq == t)
            return cube_err_badrequest(err, "invalid label \"%s\": want key=value", t);
        *eq++ = 0;
        json_object_set_new(o, t, json_string(eq));
    }
    *ret = json_incref(o);
    return 0;
}

int kl_parse_taints(const char *s, json_t **ret, cube_err_t *err)
{
    json_auto_t *a = json_array();
    _cleanup_free_ char *copy = xstrdup(s ? s : "");
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *colon = strrchr(t, ':');
        if (!colon || colon == t)
            return cube_err_badrequest(err, "invalid taint spec: %s", t);
        *colon++ = 0;
        if (strcmp(colon, "NoSchedule") && strcmp(colon, "PreferNoSchedule") &&
            strcmp(colon, "NoExecute"))
            return cube_err_badrequest(err, "invalid taint effect: %s, unsupported taint effect",
                                       colon);
        char *eq = strchr(t, '=');
        if (eq)
            *eq++ = 0;
        json_t *taint = json_pack("{s:s}", "key", t);
        if (eq && *eq)
            json_object_set_new(taint, "value", json_string(eq));
        json_object_set_new(taint, "effect", json_string(colon));
        json_array_append_new(a, taint);
    }
    *ret = json_incref(a);
    return 0;
}

static json_t *condition(const char *type, const char *status, const char *reason, const char *msg,
                         const char *now)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", type, "status", status,
                     "lastHeartbeatTime", now, "lastTransitionTime", now, "reason", reason,
                     "message", msg);
}

json_t *kl_node_conditions(const char *runtime_msg, const char *now)
{
    json_t *a = json_array();
    json_array_append_new(a, condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                                       "kubelet has sufficient memory available", now));
    json_array_append_new(a, condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                                       "kubelet has no disk pressure", now));
    json_array_append_new(a, condition("PIDPressure", "False", "KubeletHasSufficientPID",
                                       "kubelet has sufficient PID available", now));
    if (runtime_msg && *runtime_msg)
        json_array_append_new(a, condition("Ready", "False", "KubeletNotReady", runtime_msg, now));
    else
        json_array_append_new(
            a, condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now));
    return a;
}

static json_t *resources(const kl_machine_t *m, int max_pods, bool alloc)
{
    char buf[64];
    json_t *o = json_object();
    snprintf(buf, sizeof(buf), "%d", m->cpus);
    json_object_set_new(o, "cpu", json_string(buf));
    uint64_t fs = m->fs_bytes;
    if (alloc) {
        /* the default hard eviction threshold nodefs.available<10% */
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(fs - fs / 10));
    } else {
        snprintf(buf, sizeof(buf), "%lluKi", (unsigned long long)(fs / 1024));
    }
    json_object_set_new(o, "ephemeral-storage", json_string(buf));
    json_object_set_new(o, "hugepages-1Gi", json_string("0"));
    json_object_set_new(o, "hugepages-2Mi", json_string("0"));
    uint64_t mem = m->mem_kib;
    if (alloc) /* memory.available<100Mi */
        mem = mem > 102400 ? mem - 102400 : 0;
    snprintf(buf, sizeof(buf), "%lluKi", (unsigned long long)mem);
    json_object_set_new(o, "memory", json_string(buf));
    snprintf(buf, sizeof(buf), "%d", max_pods);
    json_object_set_new(o, "pods", json_string(buf));
    return o;
}

json_t *kl_node_capacity(const kl_machine_t *m, int max_pods)
{
    return resources(m, max_pods, false);
}

json_t *kl_node_allocatable(const kl_machine_t *m, int max_pods)
{
    return resources(m, max_pods, true);
}

static const cube_resource_t *res_nodes(void)
{
    return cube_api_resource_find("", "v1", "nodes");
}

static void now_str(char out[32])
{
    cube_time_rfc3339(time(NULL), out);
}

/* The node's status as this kubelet sees it now. */
static json_t *node_status(kubelet_t *k)
{
    char now[32];
    now_str(now);
    const kl_machine_t *m = &k->machine;
    char msg[sizeof(k->runtime_msg)];
    pthread_mutex_lock(&k->lock);
    memcpy(msg, k->runtime_msg, sizeof(msg));
    pthread_mutex_unlock(&k->lock);
    json_t *st = json_object();
    json_object_set_new(st, "capacity", kl_node_capacity(m, k->cfg->max_pods));
    json_object_set_new(st, "allocatable", kl_node_allocatable(m, k->cfg->max_pods));
    json_object_set_new(st, "conditions", kl_node_conditions(msg, now));
    json_t *addrs = json_array();
    if (k->node_ip)
        json_array_append_new(addrs,
                              json_pack("{s:s,s:s}", "type", "InternalIP", "address", k->node_ip));
    json_array_append_new(addrs,
                          json_pack("{s:s,s:s}", "type", "Hostname", "address", k->cfg->node_name));
    json_object_set_new(st, "addresses", addrs);
    json_object_set_new(st, "daemonEndpoints",
                        json_pack("{s:{s:i}}", "kubeletEndpoint", "Port", 10250));
    json_object_set_new(st, "nodeInfo",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "machineID",
                                  m->machine_id, "systemUUID", m->system_uuid, "bootID", m->boot_id,
                                  "kernelVersion", m->kernel, "osImage", m->os_image,
                                  "containerRuntimeVersion",
                                  k->runtime_version ? k->runtime_version : "", "kubeletVersion",
                                  CUBE_GIT_VERSION, "kubeProxyVersion", CUBE_GIT_VERSION,
                                  "operatingSystem", "linux", "architecture", m->arch));
    return st;
}

int kl_node_register(kubelet_t *k, cube_err_t *err)
{
    const cube_kubelet_config_t *cfg = k->cfg;
    json_auto_t *labels = NULL, *taints = NULL;
    if (kl_parse_labels(cfg->node_labels, &labels, err) < 0 ||
        kl_parse_taints(cfg->register_with_taints, &taints, err) < 0)
        return -1;
    json_object_set_new(labels, "beta.kubernetes.io/arch", json_string(k->machine.arch));
    json_object_set_new(labels, "beta.kubernetes.io/os", json_string("linux"));
    json_object_set_new(labels, "kubernetes.io/arch", json_string(k->machine.arch));
    json_object_set_new(labels, "kubernetes.io/hostname", json_string(cfg->node_name));
    json_object_set_new(labels, "kubernetes.io/os", json_string("linux"));
    json_auto_t *node =
        json_pack("{s:s,s:s,s:{s:s,s:O,s:{s:s}},s:{}}", "apiVersion", "v1", "kind", "Node",
                  "metadata", "name", cfg->node_name, "labels", labels, "annotations",
                  "volumes.kubernetes.io/controller-managed-attach-detach", "true", "spec");
    if (cfg->pod_cidr)
        json_object_set_new(json_object_get(node, "spec"), "podCIDR", json_string(cfg->pod_cidr));
    if (json_array_size(taints))
        json_object_set(json_object_get(node, "spec"), "taints", taints);
    json_object_set_new(node, "status", node_status(k));

    json_auto_t *got = NULL;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_create(k->client, res_nodes(), NULL, node, &got, &e) < 0) {
        if (e.code != 409) {
            cube_err_move(err, &e);
            cube_err_prefix(err, "registering node \"%s\"", cfg->node_name);
            return -1;
        }
        /* already registered (a restart): make its labels and status ours again */
        json_auto_t *patch = json_pack("{s:{s:O}}", "metadata", "labels", labels);
        if (cube_client_patch(k->client, res_nodes(), NULL, cfg->node_name,
                              "application/merge-patch+json", patch, NULL, &got, err) < 0) {
            cube_err_prefix(err, "updating node \"%s\"", cfg->node_name);
            return -1;
        }
        if (kl_node_update_status(k, err) < 0)
            return -1;
    }
    const char *uid = cube_json_str(got, "metadata", "uid", NULL);
    pthread_mutex_lock(&k->lock);
    free(k->node_uid);
    k->node_uid = uid ? xstrdup(uid) : NULL;
    pthread_mutex_unlock(&k->lock);
    cube_log_info("Successfully registered node \"%s\"", cfg->node_name);
    return 0;
}

int kl_node_update_status(kubelet_t *k, cube_err_t *err)
{
    json_auto_t *patch = json_pack("{s:o}", "status", node_status(k));
    /* conditions are replaced whole by a merge patch; keep transition times when unchanged */
    json_auto_t *cur = NULL;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_get(k->client, res_nodes(), NULL, k->cfg->node_name, &cur, &e) == 0) {
        json_t *oldc = cube_json_path(cur, "status", "conditions", NULL);
        json_t *newc = cube_json_path(patch, "status", "conditions", NULL);
        size_t i, j;
        json_t *n, *o;
        json_array_foreach(newc, i, n)
        {
            json_array_foreach(oldc, j, o)
            {
                if (json_equal(json_object_get(o, "type"), json_object_get(n, "type")) &&
                    json_equal(json_object_get(o, "status"), json_object_get(n, "status")) &&
                    json_object_get(o, "lastTransitionTime"))
                    json_object_set(n, "lastTransitionTime",
                                    json_object_get(o, "lastTransitionTime"));
            }
        }
    }
    if (cube_client_patch(k->client, res_nodes(), NULL, k->cfg->node_name,
                          "application/merge-patch+json", patch, "status", NULL, err) < 0) {
        cube_err_prefix(err, "updating node status");
        return -1;
    }
    return 0;
}

char *kl_node_pod_cidr(kubelet_t *k)
{
    json_auto_t *cur = NULL;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_get(k->client, res_nodes(), NULL, k->cfg->node_name, &cur, &e) < 0)
        return NULL;
    const char *c = cube_json_str(cur, "spec", "podCIDR", NULL);
    return c && *c ? xstrdup(c) : NULL;
}

int kl_lease_renew(kubelet_t *k, cube_err_t *err)
{
    const cube_resource_t *r = cube_api_resource_find("coordination.k8s.io", "v1", "leases");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char now[40];
    cube_time_rfc3339_micro(&ts, now);
    const char *node = k->cfg->node_name;
    json_auto_t *patch = json_pack("{s:{s:s}}", "spec", "renewTime", now);
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_patch(k->client, r, "kube-node-lease", node, "application/merge-patch+json",
                          patch, NULL, NULL, &e) == 0)
        return 0;
    if (e.code != 404) {
        cube_err_move(err, &e);
        return -1;
    }
    json_auto_t *lease =
        json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:i,s:s}}", "apiVersion", "coordination.k8s.io/v1",
                  "kind", "Lease", "metadata", "name", node, "namespace", "kube-node-lease", "spec",
                  "holderIdentity", node, "leaseDurationSeconds", 40, "renewTime", now);
    pthread_mutex_lock(&k->lock);
    if (k->node_uid)
        json_object_set_new(json_object_get(lease, "metadata"), "ownerReferences",
                            json_pack("[{s:s,s:s,s:s,s:s}]", "apiVersion", "v1", "kind", "Node",
                                      "name", node, "uid", k->node_uid));
    pthread_mutex_unlock(&k->lock);
    return cube_client_create(k->client, r, "kube-node-lease", lease, NULL, err);
}
