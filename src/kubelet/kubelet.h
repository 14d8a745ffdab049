/*
 * kubelet: the node agent. It registers its Node and keeps the node's Lease
 * and status fresh, writes the node's CNI network for its pod CIDR, watches
 * the pods bound to it and makes the container runtime (through CRI, cri.h)
 * run exactly those: sandbox, init containers in order, app containers with
 * their restart policy and crash-loop backoff, graceful termination; and it
 * reports each pod's status the way Kubernetes' kubelet computes it. It never
 * runs a container itself, and it keeps running pods running when the API
 * server is away: the runtime is the source of truth for what runs (a
 * restarted kubelet adopts the containers it finds by their pod uid label).
 *
 * Threads (kubelet.c): the caller's thread runs the node loop (lease every
 * 10 s, node status on change and every 5 minutes); the pod informer's thread
 * only queues pod keys; a PLEG thread relists the runtime every second and
 * queues the pods whose containers changed; a few pod workers take keys from
 * the queue and sync one pod at a time each (the queue never hands one key to
 * two workers). Per-pod memory (backoff, last status sent) is under one lock.
 */
#ifndef CUBE_KUBELET_KUBELET_H
#define CUBE_KUBELET_KUBELET_H

#include "core/core.h"

typedef struct cube_kubelet_config {
    const char *kubeconfig; /* required */
    const char *node_name; /* required: the Node's name (a DNS label) */
    const char *runtime_endpoint; /* CRI socket: "unix:///run/containerd/containerd.sock" */
    const char *root_dir; /* "/var/lib/kubelet": pods/<uid>/..., ephemeral-storage fs */
    const char *pod_cidr; /* NULL: wait for the Node's spec.podCIDR (node IPAM) */
    const char *cluster_cidr; /* NULL: no MASQUERADE rule, ipMasq on the bridge instead */
    const char *cni_conf_dir; /* NULL: <socket dir>/cni/net.d when it exists, else /etc/cni/net.d */
    const char *cni_bridge; /* the bridge of the node's CNI network: "cni0" */
    const char *node_ip; /* NULL: the address of the interface holding the default route */
    const char *node_labels; /* "k=v,k2=v2" or NULL */
    const char *register_with_taints; /* "k=v:NoSchedule,k2:NoExecute" or NULL */
    const char *cluster_dns; /* nameserver for ClusterFirst pods, or NULL (the host's) */
    const char *cluster_domain; /* "cluster.local" */
    const char *pod_log_dir; /* "/var/log/pods" */
    int port; /* the kubelet's HTTPS server (10250); 0: none */
    int max_pods; /* 110 */
    int workers; /* pod workers; 0: 4 */
    const char *pod_manifest_path; /* static pods' manifest directory, or NULL */
} cube_kubelet_config_t;

/*
 * Runs the kubelet until *stop: Version and Status of the runtime (fails with
 * the runtime's error when it does not answer), Node registration, then the
 * loops above. On stop, containers keep running (as Kubernetes' kubelet
 * leaves them). Blocks; returns 0 when stopped, -1 with err when start-up
 * fails. Call from the main thread.
 */
int cube_kubelet_run(const cube_kubelet_config_t *cfg, const atomic_bool *stop, cube_err_t *err);

#endif
