/*
 * The node's pod network, as CNI configuration the runtime reads: the
 * kubelet does not set up networks itself (containerd's CRI plugin calls the
 * CNI plugins for each sandbox); it writes the conflist for the node's pod
 * CIDR into containerd's conf dir once the CIDR is known (flag or the Node's
 * spec.podCIDR from node IPAM), and the one NAT rule the bridge needs when
 * pod traffic leaves the cluster (ipMasq off on the bridge, so pod-to-pod
 * traffic across nodes keeps its source address).
 */
#include "kubelet/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

json_t *kl_cni_conflist(const char *bridge_name, const char *cidr, bool ipmasq,
                        const char *ipam_dir)
{
    json_t *ipam = json_pack("{s:s,s:[[{s:s}]],s:[{s:s}]}", "type", "host-local", "ranges",
                             "subnet", cidr, "routes", "dst", "0.0.0.0/0");
    if (ipam_dir)
        json_object_set_new(ipam, "dataDir", json_string(ipam_dir));
    json_t *bridge = json_pack("{s:s,s:s,s:b,s:b,s:b,s:o}", "type", "bridge", "bridge", bridge_name,
                               "isGateway", 1, "ipMasq", ipmasq, "hairpinMode", 1, "ipam", ipam);
    return json_pack("{s:s,s:s,s:[o,{s:s,s:{s:b}},{s:s}]}", "cniVersion", "1.0.0", "name", "cube",
                     "plugins", bridge, "type", "portmap", "capabilities", "portMappings", 1,
                     "type", "loopback");
}

int kl_cni_write(const char *dir, const json_t *conflist, cube_err_t *err)
{
    if (cube_mkdir_p(dir, 0755, err) < 0)
        return -1;
    _cleanup_free_ char *path = xasprintf("%s/10-cube.conflist", dir);
    _cleanup_free_ char *text = json_dumps(conflist, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    size_t len = strlen(text);
    _cleanup_free_ char *old = NULL;
    size_t old_len = 0;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_file_read(path, &old, &old_len, &e) == 0 && old_len == len && !memcmp(old, text, len))
        return 0;
    return cube_file_write(path, text, len, 0644, err);
}

/* Runs iptables with argv; its exit status, or -1 when it could not run. */
static int iptables(const char *const *argv)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp("iptables", (char *const *)argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int kl_cni_masquerade(const char *pod_cidr, const char *cluster_cidr, cube_err_t *err)
{
    const char *check[] = {
        "iptables", "-w",         "-t",
        "nat",      "-C",         "POSTROUTING",
        "-s",       pod_cidr,     "!",
        "-d",       cluster_cidr, "-m",
        "comment",  "--comment",  "cube: masquerade pod traffic leaving the cluster",
        "-j",       "MASQUERADE", NULL};
    if (iptables(check) == 0)
        return 0;
    const char *add[] = {
        "iptables", "-w",         "-t",
        "nat",      "-A",         "POSTROUTING",
        "-s",       pod_cidr,     "!",
        "-d",       cluster_cidr, "-m",
        "comment",  "--comment",  "cube: masquerade pod traffic leaving the cluster",
        "-j",       "MASQUERADE", NULL};
    int rc = iptables(add);
    if (rc != 0)
        return cube_err_internal(err, "iptables -t nat -A POSTROUTING -s %s ! -d %s: exit %d",
                                 pod_cidr, cluster_cidr, rc);
    return 0;
}
