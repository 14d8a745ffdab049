/*
 * hollow: many simulated kubelets in one process, as Kubernetes' kubemark and
 * kwok provide, to test and measure the control plane at thousands of nodes
 * on one machine. Each hollow node registers a Node, renews its Lease, and
 * moves the pods bound to it through their lifecycle by writing pod status
 * as a kubelet would, without running anything. It talks to the API server
 * only, like a kubelet.
 *
 * Pod lifecycle: a pod bound to a hollow node becomes Running (every
 * container running and ready, a pod IP from the node's podCIDR) at once;
 * a pod whose restartPolicy is Never or OnFailure stands for a finite task
 * and becomes Succeeded after --task-seconds (Failed, exit code 1, if it
 * carries the annotation hollow.cube.dev/fail: "true"); a pod being deleted
 * is removed (grace period 0) at once, as a kubelet does when its containers
 * are gone.
 */
#ifndef CUBE_HOLLOW_H
#define CUBE_HOLLOW_H

#include "core/core.h"

typedef struct cube_hollow_config {
    const char *kubeconfig;
    int count; /* nodes */
    int first; /* index of the first node (several processes can share a prefix) */
    const char *prefix; /* node names: <prefix><index> */
    const char *cpu, *memory, *pods; /* capacity ("4", "16Gi", "110") */
    const char *labels; /* extra node labels "k=v,k2=v2" or NULL */
    const char *taints; /* "k=v:NoSchedule,k2:NoExecute" or NULL */
    int lease_sec; /* lease renewal period (10) */
    int task_ms; /* how long a finite pod runs (1000) */
    int workers; /* threads writing pod status (16) */
    int zones; /* nodes get topology.kubernetes.io/zone=zone-<index % zones> (0: no label) */
} cube_hollow_config_t;

/* Runs until *stop. Errors: bad configuration, kubeconfig that cannot be loaded. */
int cube_hollow_run(const cube_hollow_config_t *cfg, const atomic_bool *stop, cube_err_t *err);

#endif
