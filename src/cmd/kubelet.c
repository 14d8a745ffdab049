/*
 * cube kubelet: flags (and /etc/cube/config.yaml) -> cube_kubelet_config_t ->
 * cube_kubelet_run(). SIGTERM and SIGINT stop it; the pods' containers keep
 * running (a restarted kubelet adopts them).
 */
#include "cmd/cmd.h"
#include "kubelet/kubelet.h"

#include <signal.h>

int cube_cmd_kubelet(int argc, char **argv)
{
    char *kubeconfig = NULL, *node = NULL, *endpoint = NULL, *root = NULL, *pod_cidr = NULL,
         *cluster_cidr = NULL, *cni_dir = NULL, *bridge = NULL, *node_ip = NULL, *labels = NULL,
         *taints = NULL, *dns = NULL, *domain = NULL, *log_dir = NULL, *manifests = NULL;
    int max_pods = 110, workers = 4, port = 10250;
    const cube_flag_t flags[] = {
        {"kubeconfig", CUBE_FLAG_STRING, &kubeconfig, "Path to the kubeconfig (required)"},
        {"node-name", CUBE_FLAG_STRING, &node, "The Node's name (default: the hostname)"},
        {"container-runtime-endpoint", CUBE_FLAG_STRING, &endpoint,
         "CRI socket (default unix:///run/containerd/containerd.sock)"},
        {"root-dir", CUBE_FLAG_STRING, &root, "Kubelet state directory (default /var/lib/kubelet)"},
        {"pod-cidr", CUBE_FLAG_STRING, &pod_cidr,
         "Pod CIDR of this node (default: the Node's spec.podCIDR from node IPAM)"},
        {"cluster-cidr", CUBE_FLAG_STRING, &cluster_cidr,
         "Cluster pod CIDR: pod traffic leaving it is masqueraded (default: masquerade on the "
         "bridge)"},
        {"cni-conf-dir", CUBE_FLAG_STRING, &cni_dir,
         "Where the runtime reads CNI configs (default: next to the runtime's socket, or "
         "/etc/cni/net.d)"},
        {"cni-bridge", CUBE_FLAG_STRING, &bridge,
         "Bridge of the node's CNI network (default cni0)"},
        {"node-ip", CUBE_FLAG_STRING, &node_ip,
         "The node's InternalIP (default: the default route's interface address)"},
        {"node-labels", CUBE_FLAG_STRING, &labels, "Labels to register the node with: k=v,..."},
        {"register-with-taints", CUBE_FLAG_STRING, &taints,
         "Taints to register the node with: k=v:Effect,..."},
        {"cluster-dns", CUBE_FLAG_STRING, &dns, "DNS server for ClusterFirst pods"},
        {"cluster-domain", CUBE_FLAG_STRING, &domain, "Cluster domain (default cluster.local)"},
        {"pod-log-dir", CUBE_FLAG_STRING, &log_dir, "Container logs root (default /var/log/pods)"},
        {"port", CUBE_FLAG_INT, &port, "Port of the kubelet's HTTPS server (0: none)"},
        {"max-pods", CUBE_FLAG_INT, &max_pods, "Pods this node accepts (default 110)"},
        {"pod-workers", CUBE_FLAG_INT, &workers, "Pods synced in parallel (default 4)"},
        {"pod-manifest-path", CUBE_FLAG_STRING, &manifests,
         "Directory of static pod manifests (one Pod per file), run with mirror pods in the API"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int exit_code = 0;
    char host[256] = "localhost";
    int rc = cube_flags_parse("kubelet", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    if (rc == 1)
        goto done;
    if (rc < 0) {
        fprintf(stderr, "cube kubelet: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    if (!kubeconfig || !*kubeconfig) {
        fprintf(stderr, "cube kubelet: --kubeconfig is required\n");
        exit_code = 2;
        goto done;
    }
    if (max_pods <= 0) {
        fprintf(stderr, "cube kubelet: --max-pods must be positive\n");
        exit_code = 2;
        goto done;
    }
    gethostname(host, sizeof(host) - 1);
    for (char *p = host; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    const cube_kubelet_config_t cfg = {
        .kubeconfig = kubeconfig,
        .node_name = node && *node ? node : host,
        .runtime_endpoint =
            endpoint && *endpoint ? endpoint : "unix:///run/containerd/containerd.sock",
        .root_dir = root && *root ? root : "/var/lib/kubelet",
        .pod_cidr = pod_cidr && *pod_cidr ? pod_cidr : NULL,
        .cluster_cidr = cluster_cidr && *cluster_cidr ? cluster_cidr : NULL,
        .cni_conf_dir = cni_dir && *cni_dir ? cni_dir : NULL,
        .cni_bridge = bridge && *bridge ? bridge : "cni0",
        .node_ip = node_ip && *node_ip ? node_ip : NULL,
        .node_labels = labels,
        .register_with_taints = taints,
        .cluster_dns = dns && *dns ? dns : NULL,
        .cluster_domain = domain && *domain ? domain : "cluster.local",
        .pod_log_dir = log_dir && *log_dir ? log_dir : "/var/log/pods",
        .port = port,
        .max_pods = max_pods,
        .workers = workers,
        .pod_manifest_path = manifests && *manifests ? manifests : NULL,
    };
    atomic_bool stop = false;
    signal(SIGPIPE, SIG_IGN);
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    cube_cmd_signals_t *sig = cube_cmd_signals_start(&stop);
    if (cube_kubelet_run(&cfg, &stop, &err) < 0) {
        fprintf(stderr, "cube kubelet: %s\n", err.msg);
        exit_code = 1;
    }
    cube_cmd_signals_stop(sig);
done:
    free(kubeconfig);
    free(manifests);
    free(node);
    free(endpoint);
    free(root);
    free(pod_cidr);
    free(cluster_cidr);
    free(cni_dir);
    free(bridge);
    free(node_ip);
    free(labels);
    free(taints);
    free(dns);
    free(domain);
    free(log_dir);
    return exit_code;
}
