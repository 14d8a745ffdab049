/*
 * controllers: the controller manager's control loops, one file per
 * controller, each the counterpart of its kube-controller-manager namesake.
 * Every controller is an ordinary API client: it reads through the shared
 * informers, reconciles one key at a time from its own work queue
 * (level-triggered and idempotent), and writes through the REST client.
 *
 * A controller file exports one start function; manager.c runs the enabled
 * ones once this process holds the "kube-controller-manager" lease.
 */
#ifndef CUBE_CONTROLLERS_H
#define CUBE_CONTROLLERS_H

#include <pthread.h>

#include "client/client.h"

/* Settings that controllers read (flags of `cube controller-manager`). */
typedef struct cube_ctrl_config {
    int workers; /* per controller, default 5 (concurrent-*-syncs) */
    int node_monitor_grace_sec; /* default 50 */
    int node_monitor_period_sec; /* default 5 */
    double node_eviction_rate; /* nodes per second, default 0.1 */
    const char *cluster_cidr; /* default "10.42.0.0/16" */
    int node_cidr_mask; /* default 24 */
    const char *root_ca_pem; /* the cluster CA, for kube-root-ca.crt ConfigMaps (may be NULL) */
    int terminated_pod_gc_threshold; /* default 12500 */
} cube_ctrl_config_t;

/* What every controller gets. Owned by the manager; valid until every controller has stopped. */
typedef struct cube_ctrl_ctx {
    cube_client_t *client;
    cube_informers_t *informers;
    const cube_ctrl_config_t *cfg;
    const atomic_bool *stop; /* set when the manager stops: workers return */
    /* Held for reading around every sync (cube_ctrl_workers do it; threads of a controller's own
     * that read informer caches call cube_ctrl_sync_begin/end); the manager takes it for writing
     * to free the informers while no sync is running. May be NULL (unit tests). */
    pthread_rwlock_t *sync_lock;
} cube_ctrl_ctx_t;

/*
 * Informer indexes the manager adds (before any controller starts) to the informers of every
 * namespaced resource it pre-creates (pods, replicasets, deployments, replicationcontrollers,
 * jobs, cronjobs, daemonsets, statefulsets, controllerrevisions, services, endpoints,
 * endpointslices, configmaps, secrets, serviceaccounts, persistentvolumeclaims): by namespace and
 * by owner uid; pods also by node name. Controllers use them and do not add them again.
 */
#define CUBE_CTRL_INDEX_NS "namespace"
#define CUBE_CTRL_INDEX_OWNER "owner"
#define CUBE_CTRL_INDEX_NODE "node"

/*
 * `cube controller-manager`: connects with kubeconfig, optionally wins the
 * kube-system/kube-controller-manager Lease, starts the shared informers and
 * the enabled controllers (controllers: "*" or a comma list of names; "-name"
 * disables one; "*,-gc" style as Kubernetes' --controllers), and runs until
 * *stop (set by the caller, e.g. on SIGTERM). Blocks. Errors: bad
 * kubeconfig, unknown controller name.
 */
int cube_controller_manager_run(const cube_ctrl_config_t *cfg, const char *kubeconfig,
                                const char *controllers, bool leader_elect, const atomic_bool *stop,
                                cube_err_t *err);

/*
 * A running controller: start registers informer handlers (before the
 * informers start) and starts its worker threads, which wait for the
 * informers to sync; stop joins them (after the manager has set *stop and
 * shut the controller's queue down). Errors only for a bad configuration.
 */
typedef struct cube_controller cube_controller_t;
typedef struct cube_controller_ops {
    const char *name; /* "replicaset", "deployment", ... as --controllers names them */
    int (*start)(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err);
    void (*stop)(void *state); /* shuts down its queues, joins its threads, frees */
} cube_controller_ops_t;

/* Each controller file defines one of these. */
extern const cube_controller_ops_t cube_ctrl_replicaset;
extern const cube_controller_ops_t cube_ctrl_replicationcontroller; /* replicaset.c */
extern const cube_controller_ops_t cube_ctrl_deployment;
extern const cube_controller_ops_t cube_ctrl_garbagecollector;
extern const cube_controller_ops_t cube_ctrl_namespace;
extern const cube_controller_ops_t cube_ctrl_serviceaccount; /* + kube-root-ca.crt publisher */
extern const cube_controller_ops_t cube_ctrl_endpoints;
extern const cube_controller_ops_t cube_ctrl_endpointslice;
extern const cube_controller_ops_t cube_ctrl_nodelifecycle;
extern const cube_controller_ops_t cube_ctrl_nodeipam;
extern const cube_controller_ops_t cube_ctrl_podgc;
extern const cube_controller_ops_t cube_ctrl_resourcequota; /* status.hard and status.used */
extern const cube_controller_ops_t cube_ctrl_job;
extern const cube_controller_ops_t cube_ctrl_cronjob;
extern const cube_controller_ops_t cube_ctrl_daemonset;
extern const cube_controller_ops_t cube_ctrl_statefulset;

/* ---- helpers shared by controllers (util.c) ---- */

/* A worker pool over one queue: n threads call sync(key, state) until the queue shuts down;
 * sync returns <0 to have the key re-queued with backoff, 0 to forget its failures. */
typedef struct cube_ctrl_workers cube_ctrl_workers_t;
cube_ctrl_workers_t *cube_ctrl_workers_start(cube_ctrl_ctx_t *ctx, cube_workqueue_t *q, int n,
                                             int (*sync)(const char *key, void *state),
                                             void *state);
/* Shuts q down and joins the threads. */
void cube_ctrl_workers_stop(cube_ctrl_workers_t *w);
/* Around a sync done outside cube_ctrl_workers: false (nothing held) when the manager is
 * stopping, then the caller must not touch the informers. */
bool cube_ctrl_sync_begin(cube_ctrl_ctx_t *ctx);
void cube_ctrl_sync_end(cube_ctrl_ctx_t *ctx);
/* Adds the key of obj ("ns/name") to q. */
void cube_ctrl_enqueue(cube_workqueue_t *q, const json_t *obj);

/* The controller ownerReference of obj (the one with controller: true), borrowed, or NULL. */
const json_t *cube_ctrl_controller_ref(const json_t *obj);
/* A new ownerReference {apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true}.
 */
json_t *cube_ctrl_new_controller_ref(const json_t *owner, const char *api_version,
                                     const char *kind);

/* What a controller should do with an object its selector may match (ControllerRefManager). */
typedef enum {
    CUBE_CLAIM_IGNORE, /* another controller owns it, or it is no match and not ours */
    CUBE_CLAIM_OWNED, /* ours and matching: keep */
    CUBE_CLAIM_ADOPT, /* orphan that matches: patch our controller ref in, then it is ours */
    CUBE_CLAIM_RELEASE, /* ours but no longer matching: patch our ref out */
} cube_claim_t;
/* The decision for obj against owner (its metadata.uid and deletionTimestamp) and sel (the
 * owner's parsed selector). Pure. */
cube_claim_t cube_ctrl_claim(const json_t *owner, const cube_selector_t *sel, const json_t *obj);
/* Adopts obj (of resource r) with a strategic merge patch adding owner's controller ref (guarded
 * by obj's uid). Errors: those of the PATCH (NotFound, Invalid ...). */
int cube_ctrl_adopt(cube_client_t *c, const cube_resource_t *r, const json_t *obj,
                    const json_t *owner, const char *owner_api_version, const char *owner_kind,
                    cube_err_t *err);
/* Releases obj: removes the ownerReference with owner_uid. NotFound counts as success. */
int cube_ctrl_release(cube_client_t *c, const cube_resource_t *r, const json_t *obj,
                      const char *owner_uid, cube_err_t *err);
/* A new pod (owned) from a PodTemplateSpec as Kubernetes' GetPodFromTemplate makes it:
 * generateName "<prefix>-", labels, annotations and finalizers of the template, controller_ref
 * (borrowed; copied) as its only ownerReference, the template's spec. */
json_t *cube_ctrl_pod_from_template(const json_t *tmpl, const char *ns, const char *prefix,
                                    const json_t *controller_ref);

/* Pod helpers as Kubernetes' podutil has them. */
bool cube_pod_is_active(const json_t *pod); /* not Succeeded/Failed and no deletionTimestamp */
bool cube_pod_is_ready(const json_t *pod); /* Ready condition True */
/* Ready for at least min_ready_sec at now. */
bool cube_pod_is_available(const json_t *pod, int min_ready_sec, int64_t now_sec);

/* ---- part B: pure decision functions (exported for their unit tests) ---- */

/* endpointslice.c: the EndpointSlices svc should have given pods (any pods of its namespace;
 * filtered by the selector here), as an owned array of slice objects without names
 * (generateName "<svc>-"): IPv4, at most 100 endpoints each, one group per distinct set of
 * resolved ports. zones: object node name -> zone (may be NULL). */
json_t *cube_endpointslice_desired(const json_t *svc, json_t *const *pods, size_t n,
                                   const json_t *zones);
/* endpoints.c: the Endpoints object svc should have (owned; subsets, labels, the
 * last-change-trigger-time annotation). */
json_t *cube_endpoints_desired(const json_t *svc, json_t *const *pods, size_t n);
/* Shared by both: the port a service port targets on pod (named targetPorts resolved from the
 * pod's containers), or -1 when the pod has no such port. */
int cube_service_target_port(const json_t *svc_port, const json_t *pod);
/* Whether pod's labels match the service's spec.selector (a non-empty map). */
bool cube_service_selects(const json_t *svc, const json_t *pod);

/* nodeipam.c: a bitmap of the node CIDRs of a cluster CIDR (IPv4). Not thread-safe. */
typedef struct cube_cidr_set cube_cidr_set_t;
int cube_cidr_set_new(const char *cluster_cidr, int node_mask, cube_cidr_set_t **ret,
                      cube_err_t *err);
void cube_cidr_set_free(cube_cidr_set_t *s);
/* The next free CIDR ("10.42.3.0/24", owned) or NULL when the set is full. */
char *cube_cidr_set_allocate(cube_cidr_set_t *s);
/* Marks cidr used / free; -1 when it is not one of the set's node CIDRs. */
int cube_cidr_set_occupy(cube_cidr_set_t *s, const char *cidr);
int cube_cidr_set_release(cube_cidr_set_t *s, const char *cidr);

/* nodelifecycle.c: whether toleration tolerates taint (key, operator Equal/Exists, value,
 * effect; an empty key with Exists tolerates everything). */
bool cube_toleration_tolerates(const json_t *toleration, const json_t *taint);
/* When a pod on a node with taints must be evicted by the NoExecute taint manager: -1 never,
 * else the unix time (<= now: at once). */
int64_t cube_taint_eviction_time(const json_t *pod, const json_t *taints, int64_t now);
/* The node's conditions after it was found stale (Ready and the pressure conditions set to
 * Unknown as Kubernetes does), or NULL when nothing changes. Owned. */
json_t *cube_node_conditions_unknown(const json_t *node, int64_t now);
/* The node's taints with the not-ready/unreachable taints made to match its Ready condition;
 * now stamps timeAdded of new NoExecute ones. Owned. no_execute false: no NoExecute taint is
 * added (the eviction rate limit said not yet). */
json_t *cube_node_desired_taints(const json_t *node, int64_t now, bool no_execute);

/* podgc.c: indexes (into pods) of the terminated pods to delete so that at most threshold
 * remain, oldest first. Returns their count; *ret owned. */
size_t cube_podgc_terminated_excess(json_t *const *pods, size_t n, int threshold, size_t **ret);

/* job.c: what one sync of a Job decides. */
typedef struct cube_job_plan {
    json_t *status; /* the new status (owned) */
    int create; /* pods to create */
    json_t *create_indexes; /* Indexed: array of integers (owned, may be NULL) */
    json_t *delete_pods; /* names of active pods to delete (owned array) */
    json_t *unfinalize; /* names of pods whose tracking finalizer goes (owned array) */
    int requeue_sec; /* > 0: sync again after this long (backoff, deadline, ttl) */
    bool delete_job; /* ttlSecondsAfterFinished ran out */
} cube_job_plan_t;
/* pods: the job's pods (owned by it); backoff is counted from their failure times. */
void cube_job_plan(const json_t *job, json_t *const *pods, size_t n, int64_t now,
                   cube_job_plan_t *ret);
void cube_job_plan_clear(cube_job_plan_t *p);
/* "1,3-5" from a sorted array of integers. Owned. */
char *cube_job_format_indexes(const json_t *sorted_ints);

/* cronjob.c: a parsed cron schedule. */
typedef struct cube_cron {
    uint64_t minute, hour, dom, month, dow; /* bit sets */
    bool dom_star, dow_star;
} cube_cron_t;
/* Five fields (names, ranges, steps, lists, '?'), or @yearly/@annually/@monthly/@weekly/
 * @daily/@midnight/@hourly; a leading "TZ=Zone " or "CRON_TZ=Zone " is refused here. */
int cube_cron_parse(const char *spec, cube_cron_t *ret, cube_err_t *err);
/* The first scheduled time strictly after `after` in time zone tz (NULL or "": UTC; else a
 * name under /usr/share/zoneinfo); -1 when none within 5 years or tz is unknown. */
int64_t cube_cron_next(const cube_cron_t *c, int64_t after, const char *tz);

/* cronjob.c: what one sync of a CronJob decides. */
typedef struct cube_cronjob_plan {
    json_t *status; /* the new status, without the Job about to be created (owned) */
    json_t *create; /* the Job to create, or NULL (owned) */
    int64_t scheduled; /* the scheduled time create runs for */
    json_t *delete_jobs; /* names: active ones (Replace), finished ones over the history limits */
    json_t *events; /* [type, reason, message] to record (owned) */
    int requeue_sec; /* sync again then (the next scheduled time) */
} cube_cronjob_plan_t;
/* jobs: the CronJob's jobs. */
void cube_cronjob_plan(const json_t *cj, json_t *const *jobs, size_t n, int64_t now,
                       cube_cronjob_plan_t *ret);
void cube_cronjob_plan_clear(cube_cronjob_plan_t *p);

/* daemonset.c: whether a daemon pod should run on node (nodeSelector, required node affinity,
 * taints against the template's tolerations plus the daemon ones), and whether one already
 * there may continue running. */
void cube_daemonset_node_fit(const json_t *ds, const json_t *node, bool *ret_should_run,
                             bool *ret_should_continue);
/* The pod a DaemonSet creates on node_name (owned): template, daemon tolerations, node
 * affinity to metadata.name, controller-revision-hash label, owner reference. */
json_t *cube_daemonset_new_pod(const json_t *ds, const char *node_name, const char *hash);
/* What one sync of a DaemonSet does: the nodes that get a pod, the pods to delete (failed ones,
 * duplicates, pods on nodes they may not stay on, old ones as a RollingUpdate's maxUnavailable
 * allows) and the status counters. nodes: every node; pods: the set's pods; hash: the current
 * template's. All owned by ret. */
typedef struct cube_ds_plan {
    json_t *create_nodes;
    json_t *delete_pods;
    json_t *status;
} cube_ds_plan_t;
void cube_daemonset_plan(const json_t *ds, json_t *const *nodes, size_t nn, json_t *const *pods,
                         size_t np, const char *hash, int64_t now, cube_ds_plan_t *ret);
void cube_daemonset_plan_clear(cube_ds_plan_t *p);
/* Kubernetes' ControllerRevision hash of a template (FNV-32a, safe-encoded). Owned. */
char *cube_ctrl_revision_hash(const json_t *template_spec);
/* Makes sure the ControllerRevision "<owner name>-<hash>" of owner's spec.template exists
 * (labels: the template's + controller-revision-hash; revision: owner's highest + 1). revs: the
 * controllerrevisions informer. kind: "DaemonSet" or "StatefulSet". */
int cube_ctrl_ensure_revision(cube_client_t *c, cube_informer_t *revs, const json_t *owner,
                              const char *kind, const char *hash, cube_err_t *err);
/* Whether a node affinity's required terms (v1.NodeSelector) match node. */
bool cube_node_selector_matches(const json_t *node_selector, const json_t *node);

/* statefulset.c: what one sync of a StatefulSet does next. */
typedef struct cube_sts_plan {
    json_t *create; /* ordinals to create (owned array of integers) */
    json_t *delete_pods; /* pod names to delete (owned array) */
} cube_sts_plan_t;
/* pods: the set's pods; update_rev: the revision name its pods should carry. */
void cube_statefulset_plan(const json_t *sts, json_t *const *pods, size_t n, const char *update_rev,
                           cube_sts_plan_t *ret);
void cube_statefulset_plan_clear(cube_sts_plan_t *p);
/* The pod of ordinal i (owned): name, hostname, subdomain, labels, PVC volumes, owner. */
json_t *cube_statefulset_new_pod(const json_t *sts, int ordinal, const char *rev);

/* ---- decision functions (pure; exported for the unit tests) ---- */

/* replicaset.c: sorts pods so that the ones to delete first come first (unscheduled, Pending <
 * Unknown < Running, not ready, lower pod-deletion-cost, ready for less time, more restarts,
 * newer). */
void cube_rs_rank_for_deletion(json_t **pods, size_t n);
/* Calls fn up to count times in batches of 1, 2, 4, ... (from initial), stopping after the first
 * batch with a failure (fn < 0). Returns how many succeeded. */
int cube_slow_start(int count, int initial, int (*fn)(void *ud), void *ud);
/* The status a ReplicaSet (or RC) should have for its claimed, active pods: a copy of the old
 * one with replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration
 * (zero fields omitted as Kubernetes omits them). Owned. */
json_t *cube_rs_status(const json_t *rs, json_t *const *pods, size_t n, int64_t now);

/* job.c: controller expectations as client-go's ControllerExpectations: after a sync creates
 * or deletes pods, the key is not synced again until the informer has seen them (or 30 s
 * passed), so a stale cache never makes a controller over-create. Thread-safe. */
typedef struct cube_expectations cube_expectations_t;
cube_expectations_t *cube_expectations_new(void);
void cube_expectations_free(cube_expectations_t *e); /* accepts NULL */
/* Adds to what key waits for. */
void cube_expectations_expect(cube_expectations_t *e, const char *key, int adds, int dels);
/* An add or delete seen (or a create/delete that failed). */
void cube_expectations_observe(cube_expectations_t *e, const char *key, int adds, int dels);
bool cube_expectations_satisfied(cube_expectations_t *e, const char *key);
void cube_expectations_forget(cube_expectations_t *e, const char *key);

/* deployment.c: maxSurge (rounded up) and maxUnavailable (rounded down; 1 when both are 0;
 * at most replicas) of d's RollingUpdate strategy; 0 for Recreate. */
void cube_deploy_fenceposts(const json_t *d, int64_t *ret_surge, int64_t *ret_unavailable);
/* The pod-template-hash of a template (its own hash label ignored): owned. */
char *cube_deploy_template_hash(const json_t *tmpl, int64_t collision_count);
/* How many replicas the new RS may have now (NewRSNewReplicas); all = every RS of d. */
int64_t cube_deploy_new_rs_replicas(const json_t *d, json_t *const *all, size_t n,
                                    const json_t *new_rs);
/* One RollingUpdate step on working copies (spec.replicas changed in place): scale the new RS
 * up (returns 1), else the old ones down within maxUnavailable (returns 2), else 0. */
int cube_deploy_rolling_plan(const json_t *d, json_t **old, size_t n_old, json_t *new_rs);
/* Scaling without a rollout (replicas changed, or paused): proportional over active RSs. */
void cube_deploy_scale_plan(const json_t *d, json_t **old, size_t n_old, json_t *new_rs);
/* Deployment status from its RSs, with the Available condition (owned). */
json_t *cube_deploy_status(const json_t *d, json_t *const *all, size_t n, const json_t *new_rs,
                           int64_t now);
/* The same plus the Progressing condition as a rollout sets it. */
json_t *cube_deploy_rollout_status(const json_t *d, json_t *const *all, size_t n,
                                   const json_t *new_rs, int64_t now);

#endif
