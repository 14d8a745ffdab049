/*
 * scheduler internals shared by the files of src/scheduler: the snapshot of
 * the cluster the plugins read (nodes with what their pods request, the pods
 * themselves parsed once), the scheduling queue, the plugin table and one
 * scheduling cycle. Everything here is pure computation over in-memory
 * state, so the unit tests drive it without a server; scheduler.c adds the
 * informers, the binding workers, events and leader election around it.
 *
 * Threads: nothing here locks. scheduler.c holds its one mutex around every
 * call that reads or changes a snapshot or a queue.
 */
#ifndef CUBE_SCHEDULER_INTERNAL_H
#define CUBE_SCHEDULER_INTERNAL_H

#include "api/api.h"
#include "core/core.h"

/* ---- a string-keyed hash map (map.c) ------------------------------------ */

typedef struct sched_map_entry {
    char *key; /* owned */
    void *val; /* not owned */
    struct sched_map_entry *next;
} sched_map_entry_t;

typedef struct sched_map {
    sched_map_entry_t **b;
    size_t nb, n;
} sched_map_t;

void *sched_map_get(const sched_map_t *m, const char *key);
/* Sets key to val; returns the previous value (or NULL). */
void *sched_map_put(sched_map_t *m, const char *key, void *val);
/* Removes key; returns its value (or NULL). */
void *sched_map_del(sched_map_t *m, const char *key);
/* Calls fn for every entry (the map must not change meanwhile). */
void sched_map_foreach(const sched_map_t *m, void (*fn)(const char *key, void *val, void *ud),
                       void *ud);
/* Frees the map's own memory (values are the caller's). */
void sched_map_clear(sched_map_t *m);

/* ---- resources ---------------------------------------------------------- */

typedef struct sched_scalar {
    char *name; /* "nvidia.com/gpu", "hugepages-2Mi" */
    int64_t v;
} sched_scalar_t;

/* A resource list as the scheduler counts it: cpu in millicores, the rest in units. */
typedef struct sched_res {
    int64_t cpu, mem, eph, pods;
    size_t nscalar;
    sched_scalar_t *scalar;
} sched_res_t;

void sched_res_clear(sched_res_t *r);
void sched_res_add(sched_res_t *dst, const sched_res_t *src);
void sched_res_sub(sched_res_t *dst, const sched_res_t *src);
void sched_res_max(sched_res_t *dst, const sched_res_t *src);
int64_t sched_res_scalar(const sched_res_t *r, const char *name);
/* Parses a ResourceList ({"cpu": "100m", ...}) into r (added to what r holds). */
void sched_res_parse_add(sched_res_t *r, const json_t *list);

/* ---- pods and nodes (snapshot.c) ---------------------------------------- */

/* One (anti-)affinity term, compiled. */
typedef struct sched_term {
    cube_selector_t *sel;
    char **namespaces; /* NULL-terminated; the pod's own when neither list nor selector given */
    cube_selector_t *ns_sel; /* NULL: no namespaceSelector */
    char *topology_key;
    int32_t weight; /* preferred terms */
} sched_term_t;

typedef struct sched_terms {
    size_t n;
    sched_term_t *t;
} sched_terms_t;

typedef struct sched_port {
    char proto[8];
    char ip[48];
    int port;
} sched_port_t;

/* One topology spread constraint, compiled. */
typedef struct sched_spread {
    int32_t max_skew;
    int32_t min_domains; /* 0: not set */
    char *topology_key;
    bool hard; /* whenUnsatisfiable DoNotSchedule */
    bool honor_affinity; /* nodeAffinityPolicy (default Honor) */
    bool honor_taints; /* nodeTaintsPolicy (default Ignore) */
    cube_selector_t *sel; /* labelSelector plus matchLabelKeys */
    json_t *sel_json; /* the same as JSON (NULL: no selector) */
} sched_spread_t;

/*
 * A pod as the scheduler sees it, parsed once from its object. Pending pods
 * are owned by the queue, assigned (or assumed) pods by the snapshot.
 */
typedef struct sched_pod {
    char *key, *ns, *name, *uid;
    char *node; /* spec.nodeName, or the assumed node; NULL while pending */
    json_t *obj; /* a reference; never modified */
    const json_t *labels; /* borrowed from obj */
    sched_res_t req; /* what NodeResourcesFit counts */
    int64_t nz_cpu, nz_mem; /* requests with scoring's defaults for missing ones */
    int32_t priority;
    time_t created;
    bool terminating; /* deletionTimestamp set */
    bool assumed; /* bound by this scheduler, not yet seen bound */
    bool preempt_never; /* preemptionPolicy Never */
    size_t nports;
    sched_port_t *ports;
    sched_terms_t aff, anti, pref_aff, pref_anti;
    size_t nspread;
    sched_spread_t *spread;
    bool spread_defaulted; /* the cluster's default constraints (no spec'd ones) */
} sched_pod_t;

/* Returns a new pod info (obj is referenced), or NULL for an object without a name. */
sched_pod_t *sched_pod_new(json_t *obj);
void sched_pod_free(sched_pod_t *p); /* accepts NULL */
/*
 * Gives a pod without topologySpreadConstraints the scheduler's default ones
 * (kubernetes.io/hostname maxSkew 3 and topology.kubernetes.io/zone maxSkew 5,
 * ScheduleAnyway) over selector, a LabelSelector built from the services
 * selecting the pod and its controller (upstream's DefaultSelector). Nothing
 * happens for an empty selector.
 */
void sched_pod_default_spread(sched_pod_t *p, const json_t *selector);
/* The pod's request as Kubernetes 1.32 computes it (containers, init and sidecar
 * containers, overhead). nonzero: missing cpu/memory requests count 100m / 200Mi. */
void sched_pod_requests(const json_t *pod, bool nonzero, sched_res_t *ret);
bool sched_term_matches(const sched_term_t *t, const sched_pod_t *p, const json_t *ns_labels);

typedef struct sched_taint {
    char *key, *value, *effect;
} sched_taint_t;

typedef struct sched_node {
    char *name;
    json_t *obj; /* NULL for a node known only from its pods (not schedulable) */
    const json_t *labels; /* borrowed from obj */
    sched_res_t alloc;
    sched_res_t requested;
    int64_t nz_cpu, nz_mem; /* requested, with scoring's defaults */
    bool unschedulable;
    size_t ntaints;
    sched_taint_t *taints;
    size_t npods, cap;
    sched_pod_t **pods;
    size_t naff; /* pods here with any affinity or anti-affinity term */
    ssize_t idx; /* position in the snapshot's list; -1 when not listed */
} sched_node_t;

typedef struct sched_spread_cache sched_spread_cache_t;

typedef struct sched_snapshot {
    sched_map_t nodes; /* name -> sched_node_t* (listed or not) */
    sched_node_t **list; /* nodes with an object, in the order the cycles walk them */
    size_t nlist, caplist;
    sched_map_t pods; /* key -> sched_pod_t* (assigned and assumed) */
    sched_map_t ns_labels; /* namespace -> json labels (a reference) */
    sched_map_t images; /* image name -> number of nodes holding it (as intptr_t) */
    size_t naff; /* assigned pods with affinity terms, cluster-wide */
    /* PodTopologySpread domain counts of recent constraints, kept up to date pod by pod
       (plugins.c): consecutive pods of one workload skip recounting the cluster */
    sched_spread_cache_t *spread_caches;
    uint64_t spread_tick;
} sched_snapshot_t;

void sched_snapshot_init(sched_snapshot_t *s);
void sched_snapshot_clear(sched_snapshot_t *s);
/* Adds or updates a node from its object (referenced). */
void sched_snapshot_node_set(sched_snapshot_t *s, json_t *node);
void sched_snapshot_node_delete(sched_snapshot_t *s, const char *name);
/* Adds p (taken) on p->node, replacing a pod with the same key. */
void sched_snapshot_pod_add(sched_snapshot_t *s, sched_pod_t *p);
/* Removes the pod with this key; returns it (the caller frees) or NULL. */
sched_pod_t *sched_snapshot_pod_remove(sched_snapshot_t *s, const char *key);
void sched_snapshot_ns_set(sched_snapshot_t *s, const char *ns, json_t *labels);
void sched_snapshot_ns_delete(sched_snapshot_t *s, const char *ns);
const json_t *sched_snapshot_ns_labels(const sched_snapshot_t *s, const char *ns);
sched_node_t *sched_snapshot_node(const sched_snapshot_t *s, const char *name);

/* Keeps the spread caches in step with a pod added to (+1) or removed from (-1) node n. */
void sched_spread_caches_pod(sched_snapshot_t *s, const sched_pod_t *p, const sched_node_t *n,
                             int delta);
/* Drops every spread cache (the node set changed). */
void sched_spread_caches_clear(sched_snapshot_t *s);

/* ---- the queue (queue.c) ------------------------------------------------ */

enum { Q_ACTIVE, Q_BACKOFF, Q_UNSCHED };

typedef struct sched_qentry {
    sched_pod_t *pod; /* owned */
    int where; /* Q_* */
    int attempts;
    uint64_t seq; /* order of arrival */
    uint64_t backoff_until; /* ns, monotonic */
    uint64_t unsched_since;
    size_t hidx; /* index in its heap */
} sched_qentry_t;

typedef struct sched_heap {
    sched_qentry_t **a;
    size_t n, cap;
    bool (*less)(const sched_qentry_t *x, const sched_qentry_t *y);
} sched_heap_t;

typedef struct sched_queue {
    sched_map_t entries; /* key -> entry */
    sched_heap_t active, backoff;
    size_t nunsched;
    uint64_t seq;
    uint64_t backoff_initial_ns, backoff_max_ns;
} sched_queue_t;

void sched_queue_init(sched_queue_t *q);
void sched_queue_clear(sched_queue_t *q);
/* Adds a pending pod (taken), or updates the queued one; moved (an update that could make it
 * schedulable) sends an unschedulable pod back to the active queue. */
void sched_queue_add(sched_queue_t *q, sched_pod_t *p, bool moved, uint64_t now);
/* Adds a pod whose attempt failed outside a cycle (a rejected binding): straight to backoff,
 * unless a newer version of it is queued already. */
void sched_queue_add_backoff(sched_queue_t *q, sched_pod_t *p, uint64_t now);
/* Removes and frees the entry of key (if queued). */
void sched_queue_delete(sched_queue_t *q, const char *key);
bool sched_queue_has(const sched_queue_t *q, const char *key);
/* Backoff entries due at now go to the active queue; then pops the first active entry (NULL if
 * none). The entry leaves every heap; hand it back with sched_queue_requeue or free it. */
sched_qentry_t *sched_queue_pop(sched_queue_t *q, uint64_t now);
/* Takes a popped entry back: unschedulable (waits for a cluster event) or, for errors,
 * straight to backoff. Counts an attempt. */
void sched_queue_requeue(sched_queue_t *q, sched_qentry_t *e, bool unschedulable, uint64_t now);
/* Frees a popped entry, handing its pod out (the caller owns it). */
sched_pod_t *sched_queue_done(sched_queue_t *q, sched_qentry_t *e);
/* A cluster event that may make pods fit: unschedulable pods go to backoff or active. */
void sched_queue_move_all(sched_queue_t *q, uint64_t now);
/* Unschedulable pods waiting longer than max_wait_ns go back too. */
void sched_queue_flush_unschedulable(sched_queue_t *q, uint64_t max_wait_ns, uint64_t now);
/* ns until the next backoff expiry (UINT64_MAX if none); 0 if the active queue is not empty. */
uint64_t sched_queue_next_ns(const sched_queue_t *q, uint64_t now);
size_t sched_queue_len(const sched_queue_t *q);

/* ---- plugins and the scheduling cycle (plugins.c, framework.c) ----------- */

enum { ST_OK = 0, ST_UNSCHED = 1, ST_UNRESOLVABLE = 2 };

/* The outcome of one filter on one node: a code and Kubernetes' reason strings. */
typedef struct sched_status {
    int code;
    int n;
    char reasons[6][200];
} sched_status_t;

void sched_status_add(sched_status_t *st, int code, const char *fmt, ...) _printf_(3, 4);

/* Counts of matching pods per topology pair "key=value". */
typedef struct sched_tkey {
    char *key; /* a topology key */
    sched_map_t vals; /* value -> (intptr_t) count + 1, so that a present 0 shows */
} sched_tkey_t;

typedef struct sched_tcount {
    size_t nkeys, n; /* n: pairs in all */
    sched_tkey_t *keys;
} sched_tcount_t;

/* What one scheduling cycle computes once for the pod (PreFilter/PreScore state). */
typedef struct sched_cycle {
    const sched_snapshot_t *snap;
    const sched_pod_t *pod;
    const json_t *pod_ns_labels;
    /* the pod's fields every node is checked against, looked up once */
    const json_t *tolerations, *node_selector, *node_required, *node_preferred;
    json_t *prefer_tolerations; /* tolerations that apply to PreferNoSchedule taints */
    const char *want_node; /* spec.nodeName */
    size_t nimages; /* containers' images, normalized (ImageLocality) */
    char **images;
    /* InterPodAffinity (filter) */
    bool ipa_active; /* anything to check */
    bool need_qnsl; /* the pod's terms select namespaces by label */
    sched_tcount_t aff_counts, anti_counts, existing_anti;
    /* PodTopologySpread (hard constraints), per constraint of the pod */
    sched_tcount_t **spread_counts; /* borrowed from the snapshot's spread caches */
    int64_t *spread_min;
    /* InterPodAffinity (score): topology pair -> summed weights; the keys seen */
    bool ipa_scoring;
    sched_tcount_t ipa_score;
    /* PodTopologySpread (score), per soft constraint */
    size_t nsoft;
    const sched_spread_t **soft;
    sched_tcount_t *soft_counts;
    double *soft_weight;
    int64_t soft_nodes; /* feasible nodes holding every soft key (hostname domains) */
} sched_cycle_t;

typedef struct sched_plugin {
    const char *name;
    int weight; /* score weight; 0: no score */
    /* Filter: sets st (code ST_OK when it fits). NULL: no filter. */
    void (*filter)(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st);
    /* PreScore over the feasible nodes. NULL: none. */
    void (*prescore)(sched_cycle_t *c, sched_node_t *const *nodes, size_t n);
    int64_t (*score)(sched_cycle_t *c, const sched_node_t *n);
    /* Normalizes scores of the feasible nodes to 0..100 in place. NULL: none needed. */
    void (*normalize)(sched_cycle_t *c, int64_t *scores, size_t n);
} sched_plugin_t;

/* The default profile, in Kubernetes' order. */
const sched_plugin_t *sched_plugins(size_t *ret_n);

/* PreFilter/PreScore: computes the cycle state for pod. sched_cycle_clear frees it. */
void sched_cycle_init(sched_cycle_t *c, const sched_snapshot_t *s, const sched_pod_t *pod);
void sched_cycle_clear(sched_cycle_t *c);
/* Runs every filter on n (stops at the first that fails, as the framework does). */
void sched_cycle_filter(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st);

bool sched_tolerates(const json_t *tolerations, const sched_taint_t *t);
/* nodeSelector and required node affinity of the cycle's pod against n. */
bool sched_node_affinity_matches(const sched_cycle_t *c, const sched_node_t *n);

/* The result of scheduling one pod. */
typedef struct sched_result {
    char *node; /* owned: the chosen node, or NULL */
    char *message; /* owned: FitError text when no node fits */
    /* preemption: the node nominated and the victims to delete (keys), if any */
    char *nominated;
    size_t nvictims;
    char **victims;
    uint64_t next_start; /* where the next cycle starts walking the node list */
} sched_result_t;

void sched_result_clear(sched_result_t *r);

/* Nodes to find feasible before scoring, as upstream's numFeasibleNodesToFind with the
 * adaptive percentage (percentage 0). */
size_t sched_nodes_to_find(size_t all);

/*
 * Schedules pod on the snapshot: filter (starting at start, stopping after
 * sched_nodes_to_find feasible nodes), score, pick (ties broken with *rng);
 * on failure, tries preemption and builds Kubernetes' FitError message.
 * Does not change the snapshot (preemption works on it and restores it).
 */
void sched_schedule(sched_snapshot_t *s, const sched_pod_t *pod, uint64_t start, uint64_t *rng,
                    sched_result_t *ret);

#endif
