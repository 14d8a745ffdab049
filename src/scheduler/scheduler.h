/*
 * scheduler: the counterpart of kube-scheduler. An ordinary API client that
 * watches pods, nodes and namespaces, picks a node for every pending pod
 * whose spec.schedulerName is its own (filters and scores of Kubernetes'
 * default profile, preemption by priority), binds it through pods/binding
 * and reports what it did with events and the PodScheduled condition, as
 * Kubernetes does. With leader election, only the holder of the Lease
 * kube-system/kube-scheduler schedules.
 *
 * Threads: informer threads update the snapshot and the queue under one
 * mutex; one scheduling thread runs the cycles (under that mutex, so a cycle
 * sees one consistent snapshot); a pool of binding workers does the API
 * calls (binding, status, events, victim deletion) so that scheduling never
 * waits on the network; leader election has its own thread.
 */
#ifndef CUBE_SCHEDULER_H
#define CUBE_SCHEDULER_H

#include "core/core.h"

typedef struct cube_scheduler_config {
    const char *kubeconfig; /* NULL: $KUBECONFIG, then ~/.kube/config */
    const char *scheduler_name; /* "default-scheduler" */
    bool leader_elect; /* Lease kube-system/kube-scheduler */
    const char *lease_namespace; /* "kube-system" */
    const char *lease_name; /* "kube-scheduler" */
    int bind_workers; /* 0: 16 */
    double qps; /* client rate limit; 0: unlimited */
    int burst;
} cube_scheduler_config_t;

/*
 * Runs the scheduler until *stop becomes true (checked every 200 ms; the
 * caller owns signal handling, so `cube server` can run it beside other
 * components). A held Lease is released on the way out. Errors: the
 * kubeconfig cannot be loaded (BadRequest), or the informers do not sync
 * within a minute (InternalError).
 */
int cube_scheduler_run(const cube_scheduler_config_t *cfg, const atomic_bool *stop,
                       cube_err_t *err);

#endif
