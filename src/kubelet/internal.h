/*
 * kubelet internals shared by the files of src/kubelet: the kubelet context,
 * the pure functions that turn API objects into runtime requests and runtime
 * state into API status (unit-tested without a runtime), and the node, CNI
 * and pod-worker entry points kubelet.c drives.
 */
#ifndef CUBE_KUBELET_INTERNAL_H
#define CUBE_KUBELET_INTERNAL_H

#include "client/client.h"
#include "kubelet/cri.h"
#include "kubelet/kubelet.h"

#include <pthread.h>

/* Labels the kubelet puts on sandboxes and containers (Kubernetes' names). */
#define KL_LABEL_POD_NAME "io.kubernetes.pod.name"
#define KL_LABEL_POD_NS "io.kubernetes.pod.namespace"
#define KL_LABEL_POD_UID "io.kubernetes.pod.uid"
#define KL_LABEL_CTR_NAME "io.kubernetes.container.name"
#define KL_ANN_RESTART_COUNT "io.kubernetes.container.restartCount"
#define KL_ANN_GRACE "io.kubernetes.pod.terminationGracePeriod"

/* Crash-loop backoff: 10 s doubling to 5 min, forgotten after 10 min of running. */
#define KL_BACKOFF_BASE_MS 10000
#define KL_BACKOFF_MAX_MS 300000
#define KL_BACKOFF_RESET_S 600

/* ---- machine facts (node.c) ---------------------------------------------- */

typedef struct kl_machine {
    int cpus;
    uint64_t mem_kib; /* MemTotal */
    uint64_t fs_bytes; /* size of root-dir's filesystem */
    char machine_id[64], boot_id[64], system_uuid[64];
    char kernel[128], os_image[128], arch[32];
    char hostname[256];
} kl_machine_t;

/* Reads /proc, /etc and statvfs(root_dir). Never fails: unknown facts stay empty. */
void kl_machine_read(const char *root_dir, kl_machine_t *ret);

/* "k=v,k2=v2" -> {"k":"v",...}; BadRequest on an entry without '='. Owned. */
int kl_parse_labels(const char *s, json_t **ret, cube_err_t *err);
/* "k=v:Effect,k2:Effect" -> [{key,value,effect}]; BadRequest on a bad effect. Owned. */
int kl_parse_taints(const char *s, json_t **ret, cube_err_t *err);

/* The four node conditions with the kubelet's reasons and messages; runtime_msg NULL = the
 * runtime is ready (Ready True), else Ready False with that message. Times: now. Owned. */
json_t *kl_node_conditions(const char *runtime_msg, const char *now);
/* capacity and allocatable objects for the machine (allocatable: memory less the 100Mi
 * hard eviction threshold, ephemeral-storage less 10%). Owned. */
json_t *kl_node_capacity(const kl_machine_t *m, int max_pods);
json_t *kl_node_allocatable(const kl_machine_t *m, int max_pods);

/* ---- CNI (cni.c) ---------------------------------------------------------- */

/* The node's conflist "cube": bridge (gateway; ipMasq as said), host-local on cidr (state
 * under ipam_dir), portmap, loopback. Owned. */
json_t *kl_cni_conflist(const char *bridge, const char *cidr, bool ipmasq, const char *ipam_dir);
/* Writes it to dir/10-cube.conflist atomically (temp + rename: containerd reloads on
 * inotify); does nothing when the file already holds the same text. */
int kl_cni_write(const char *dir, const json_t *conflist, cube_err_t *err);
/* The iptables rule the bridge's ipMasq would otherwise need: MASQUERADE pod traffic
 * (source pod_cidr) leaving cluster_cidr. Idempotent (-C before -A). */
int kl_cni_masquerade(const char *pod_cidr, const char *cluster_cidr, cube_err_t *err);

/* ---- pods: from the API object to runtime requests (spec.c) ----------------- */

/* "BestEffort", "Burstable" or "Guaranteed", as Kubernetes computes the QoS class. */
const char *kl_qos_class(const json_t *pod);
/* The pod's cgroup parent: "/kubepods/pod<uid>", "/kubepods/burstable/pod<uid>", ... Owned. */
char *kl_cgroup_parent(const json_t *pod);

typedef struct kl_resources {
    int64_t cpu_shares, cpu_quota, cpu_period, memory_limit;
} kl_resources_t;
/* A container's resources as CRI Linux resources (shares from the cpu request, or the
 * limit when only a limit is set, min 2; quota from the cpu limit over a 100 ms period;
 * memory limit in bytes; 0 when unset). */
void kl_container_resources(const json_t *container, kl_resources_t *ret);

/* A lookup of ConfigMap / Secret data for env and volumes: the object (new reference) or
 * NULL when it does not exist. */
typedef json_t *(*kl_lookup_fn)(const char *kind, const char *ns, const char *name, void *ud);

/*
 * The container's environment: envFrom (configMapRef/secretRef with prefix) first, then env
 * (value with $(VAR) expansion, fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef),
 * later names replacing earlier ones. Secrets are base64-decoded. host_ip / pod_ip may be
 * NULL. ret: [[name, value], ...], owned. Errors: Invalid / NotFound with Kubernetes'
 * CreateContainerConfigError messages ("configmap \"x\" not found").
 */
int kl_container_env(const json_t *pod, const json_t *container, const char *host_ip,
                     const char *pod_ip, kl_lookup_fn lookup, void *ud, json_t **ret,
                     cube_err_t *err);

/* ---- pods: from runtime state to API status (status.c) ------------------------ */

/* One runtime instance of a container (from ContainerStatus). Strings owned. */
typedef struct kl_ctr {
    char *id, *name, *image, *image_ref, *reason, *message;
    uint32_t attempt;
    int state; /* RUNTIME__V1__CONTAINER_STATE__* */
    int32_t exit_code;
    int64_t created_ns, started_ns, finished_ns;
} kl_ctr_t;

void kl_ctr_clear(kl_ctr_t *c);

/* What the pod worker knows about a pod, for the status it computes. */
typedef struct kl_pod_state {
    bool sandbox_ready;
    char *pod_ip;
    kl_ctr_t *ctrs; /* every instance in the current sandbox, any order */
    size_t nctrs;
    json_t *waiting; /* container name -> {"reason","message"} set by the worker (owned) */
    json_t *ready; /* container name -> true: readiness probe passing (NULL: no probes ran) */
    const char *host_ip;
    bool terminal_failed; /* the worker decided the pod failed (e.g. init container, Never) */
} kl_pod_state_t;

void kl_pod_state_clear(kl_pod_state_t *s);

/* The latest (highest attempt) and the one before it of container name, or NULL. */
const kl_ctr_t *kl_ctr_latest(const kl_pod_state_t *s, const char *name, const kl_ctr_t **prev);

/*
 * The pod's status as Kubernetes' kubelet generates it: phase, conditions
 * (PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled; transition
 * times kept from old when a condition did not change), initContainerStatuses,
 * containerStatuses, hostIP(s), podIP(s), startTime (kept from old, else now), qosClass.
 * old: the status the API has (may be NULL). Owned.
 */
json_t *kl_pod_status(const json_t *pod, const kl_pod_state_t *s, const json_t *old, time_t now);

/* Whether status a and b differ in anything but condition heartbeat-free content. */
bool kl_status_equal(const json_t *a, const json_t *b);

/* ---- the kubelet ------------------------------------------------------------- */

typedef struct kl_backoff {
    int64_t delay_ms;
    time_t until; /* no restart before this */
} kl_backoff_t;

typedef struct kubelet {
    const cube_kubelet_config_t *cfg;
    const atomic_bool *stop;
    cube_client_t *client;
    cube_cri_t *cri;
    cube_recorder_t *rec;
    cube_informers_t *informers;
    cube_informer_t *pods; /* spec.nodeName=<node> */
    cube_workqueue_t *queue; /* pod keys "ns/name" */
    kl_machine_t machine;
    char *node_ip;
    char *node_uid;
    char *runtime_version; /* "containerd://1.6.20" */
    char *pod_cidr;
    char *cni_dir;
    atomic_bool runtime_ready;
    char runtime_msg[512]; /* why not ready ("" when ready); under lock */

    pthread_mutex_t lock; /* guards the maps below */
    json_t *backoff; /* "uid/container" -> {"delay": ms, "until": epoch s} */
    json_t *pod_keys; /* uid -> "ns/name" of pods we run (for PLEG and orphans) */
    json_t *pleg; /* uid -> fingerprint string of its runtime state */
    json_t *waiting; /* uid -> {container: {"reason","message"}}: why a container waits */
    json_t *image_backoff; /* "uid/container" -> {"delay": ms, "until": epoch ms} */
    struct cube_http_server *server; /* :10250 (server.c) */
    bool server_auth; /* client certificates required (the cluster CA was found) */
    json_t *probes; /* "uid/container/kind" -> {cid, ok, fail, result, next} (probes.c) */
    json_t *static_pods; /* "ns/name" -> static pod from --pod-manifest-path (static.c) */
    char *api_service_ip; /* default/kubernetes's ClusterIP, once known (under lock) */
    int api_service_port;
} kubelet_t;

/* node.c: registration, lease, status. */
int kl_node_register(kubelet_t *k, cube_err_t *err);
int kl_node_update_status(kubelet_t *k, cube_err_t *err);
int kl_lease_renew(kubelet_t *k, cube_err_t *err);
/* The Node's spec.podCIDR, or NULL (owned). */
char *kl_node_pod_cidr(kubelet_t *k);

/* volumes.c: sets up the pod's volumes under root-dir/pods/<uid>/volumes (idempotent) and
 * returns container c's mounts: [{"containerPath","hostPath","readOnly"}], owned. Errors:
 * NotFound for a missing ConfigMap/Secret (CreateContainerConfigError), InternalError. */
int kl_volume_mounts(kubelet_t *k, const json_t *pod, const json_t *c, json_t **ret,
                     cube_err_t *err);
/* Rewrites the service-account tokens of pod's projected volumes that are past 80% of their
 * lifetime (each sync of a running pod calls it; failures are logged). */
void kl_volumes_refresh_tokens(kubelet_t *k, const json_t *pod);
/* Removes root-dir/pods/<uid> (after the pod's containers are gone). */
void kl_volumes_cleanup(kubelet_t *k, const char *uid);

/* probes.c: runs the probes that are due for every pod (the prober thread); fills s->ready
 * from the readiness results of s's running containers; forgets a pod's results. */
void kl_probe_all(kubelet_t *k);
void kl_probe_ready(kubelet_t *k, const char *uid, kl_pod_state_t *s);
void kl_probes_forget(kubelet_t *k, const char *uid);
/* A gRPC probe (grpc.health.v1.Health/Check on host:port with service, within timeout_s):
 * true when the answer is SERVING, else false with msg in the kubelet's words
 * ("service unhealthy (responded with \"NOT_SERVING\")", "timeout: failed to connect ..."). */
bool kl_grpc_probe(const char *host, int port, const char *service, int timeout_s, char *msg,
                   size_t msglen);
/* Runs lifecycle handler (exec, httpGet, sleep; tcpSocket is a no-op as upstream) of container
 * c (runtime id cid) within timeout_s seconds. 0, or -1 with msg in the kubelet's words
 * ("Exec lifecycle hook ([...]) for Container ... failed - error: ..."). */
int kl_run_hook(kubelet_t *k, const json_t *pod, const json_t *c, const char *cid,
                const json_t *handler, int timeout_s, char *msg, size_t msglen);

/* static.c: reads the manifest directory, queues the static pods that appeared, changed or
 * went, and keeps one current mirror pod in the API per static pod (none without one). */
void kl_static_sync(kubelet_t *k);
/* The static pod of key "ns/name" (new reference), or NULL. */
json_t *kl_static_get(kubelet_t *k, const char *key);
/* The kubernetes.io/config.mirror annotation of a mirror pod (its static pod's uid), or NULL. */
const char *kl_mirror_hash(const json_t *pod);

/* server.c: starts the HTTPS server on cfg->port (nothing when 0). */
int kl_server_start(kubelet_t *k, cube_err_t *err);
/* CRI log file bytes to `kubectl logs` text (timestamps: each line prefixed with its time;
 * tail >= 0: only the last tail lines), appended to out. */
void kl_cri_log_decode(const char *data, size_t len, bool timestamps, long tail, cube_buf_t *out);

/* pods.c: one sync of the pod with key "ns/name" (worker thread). Returns the ms after which
 * the pod wants another sync (0: none). */
int kl_pod_sync(kubelet_t *k, const char *key);
/* pleg.c-like relist (in pods.c): queues the pods whose runtime state changed. */
void kl_pleg_relist(kubelet_t *k);

#endif
