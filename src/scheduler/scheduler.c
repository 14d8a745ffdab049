/*
 * scheduler: the running component around the pure framework. Informers
 * feed the snapshot (assigned pods, nodes, namespaces) and the queue
 * (pending pods of this scheduler) one event at a time; one thread runs the
 * scheduling cycles; a pool of workers does everything that waits on the
 * network (binding, the PodScheduled condition, events, deleting preemption
 * victims), so a cycle never waits for the API server. A pod is "assumed" on
 * its node from the decision until the informer shows it bound; a rejected
 * binding forgets it and sends the pod back through backoff.
 */
#include "scheduler/scheduler.h"
#include "client/client.h"
#include "scheduler/internal.h"

#include <pthread.h>

#define FLUSH_EVERY_NS (30ull * 1000000000ull)
#define UNSCHED_MAX_WAIT_NS (300ull * 1000000000ull) /* podMaxInUnschedulablePodsDuration */

typedef struct sched {
    const cube_scheduler_config_t *cfg;
    cube_client_t *client;
    cube_informers_t *informers;
    /* read (never under mu) for the default spread selector */
    cube_informer_t *services, *replicasets, *statefulsets, *rcs;
    cube_recorder_t *rec;
    cube_pool_t *binders;
    const cube_resource_t *r_pods, *r_nodes, *r_ns;
    char *identity;

    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t cond; /* queue changed, leadership changed, or stopping */
    sched_snapshot_t snap;
    sched_queue_t queue;
    uint64_t next_start, rng, last_flush;
    bool leader;
    atomic_bool stop;
} sched_t;

/* ---- informer handlers (informer threads) -------------------------------- */

static bool is_terminal(const json_t *pod)
{
    const char *phase = cube_json_str(pod, "status", "phase", NULL);
    return phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"));
}

/* Whether an update of a pending pod could change where it fits (not a status-only write). */
static bool pod_changed(const json_t *old, const json_t *obj)
{
    if (!old)
        return true;
    return !json_equal(json_object_get(old, "spec"), json_object_get(obj, "spec")) ||
           !json_equal(cube_json_path(old, "metadata", "labels", NULL),
                       cube_json_path(obj, "metadata", "labels", NULL));
}

static bool ours(const sched_t *s, const json_t *pod)
{
    const char *name = cube_json_str(pod, "spec", "schedulerName", NULL);
    if (strcmp(name && *name ? name : "default-scheduler", s->cfg->scheduler_name))
        return false;
    return json_array_size(cube_json_path(pod, "spec", "schedulingGates", NULL)) == 0;
}

/* Adds a map of labels to sel's matchLabels. */
static void merge_labels(json_t *sel, const json_t *map)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)map, k, v)
    {
        if (json_is_string(v))
            json_object_set(cube_json_obj(sel, "matchLabels"), k, v);
    }
}

/*
 * upstream's DefaultSelector: the selectors of the services selecting pod,
 * and of its controller (ReplicaSet, StatefulSet, ReplicationController),
 * merged into one LabelSelector; NULL when the pod has its own constraints
 * or nothing selects it. Reads other informers: call without s->mu held.
 */
static json_t *default_selector(sched_t *s, const json_t *pod)
{
    if (json_array_size(cube_json_path(pod, "spec", "topologySpreadConstraints", NULL)))
        return NULL;
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    const json_t *labels = cube_json_path(pod, "metadata", "labels", NULL);
    if (!ns || !json_object_size(labels))
        return NULL;
    json_t *sel = json_object();
    json_t **svcs = NULL;
    size_t n = cube_informer_by_index(s->services, "namespace", ns, &svcs);
    for (size_t i = 0; i < n; i++) {
        const json_t *ss = cube_json_path(svcs[i], "spec", "selector", NULL);
        if (!json_object_size(ss))
            continue;
        bool all = true;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)ss, k, v)
        {
            const char *have = json_string_value(json_object_get(labels, k));
            if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)))
                all = false;
        }
        if (all)
            merge_labels(sel, ss);
    }
    cube_json_refs_free(svcs, n);
    size_t i;
    json_t *ref;
    json_array_foreach(cube_json_path(pod, "metadata", "ownerReferences", NULL), i, ref)
    {
        if (!json_is_true(json_object_get(ref, "controller")))
            continue;
        const char *kind = cube_json_str(ref, "kind", NULL) ?: "";
        const char *name = cube_json_str(ref, "name", NULL) ?: "";
        const char *av = cube_json_str(ref, "apiVersion", NULL) ?: "";
        cube_informer_t *inf =
            !strcmp(kind, "ReplicaSet") && !strcmp(av, "apps/v1")         ? s->replicasets
            : !strcmp(kind, "StatefulSet") && !strcmp(av, "apps/v1")      ? s->statefulsets
            : !strcmp(kind, "ReplicationController") && !strcmp(av, "v1") ? s->rcs
                                                                          : NULL;
        json_t *owner = inf ? cube_informer_get(inf, ns, name) : NULL;
        if (!owner)
            break;
        const json_t *os = cube_json_path(owner, "spec", "selector", NULL);
        if (inf == s->rcs) {
            merge_labels(sel, os);
        } else {
            merge_labels(sel, json_object_get(os, "matchLabels"));
            size_t j;
            json_t *e;
            json_array_foreach(json_object_get(os, "matchExpressions"), j, e)
            {
                json_t *me = json_object_get(sel, "matchExpressions");
                if (!me)
                    json_object_set_new(sel, "matchExpressions", me = json_array());
                json_array_append(me, e);
            }
        }
        json_decref(owner);
        break;
    }
    if (!json_object_size(sel)) {
        json_decref(sel);
        return NULL;
    }
    return sel;
}

static void pod_event(sched_t *s, json_t *old, json_t *obj)
{
    const char *node = cube_json_str(obj, "spec", "nodeName", NULL);
    _cleanup_free_ char *key =
        xasprintf("%s/%s", cube_json_str(obj, "metadata", "namespace", NULL) ?: "",
                  cube_json_str(obj, "metadata", "name", NULL) ?: "");
    uint64_t now = cube_time_mono_ns();
    json_auto_t *dsel = !(node && *node) && ours(s, obj) ? default_selector(s, obj) : NULL;
    pthread_mutex_lock(&s->mu);
    if (node && *node) {
        sched_queue_delete(&s->queue, key);
        sched_pod_t *had = sched_map_get(&s->snap.pods, key);
        bool fresh = !had;
        if (is_terminal(obj)) {
            sched_pod_free(sched_snapshot_pod_remove(&s->snap, key));
            sched_queue_move_all(&s->queue, now);
        } else {
            sched_pod_t *p = sched_pod_new(obj);
            if (p)
                sched_snapshot_pod_add(&s->snap, p);
            /* a pod bound by someone else may satisfy pending pods' affinity */
            if (fresh || (had && old && pod_changed(old, obj)))
                sched_queue_move_all(&s->queue, now);
        }
    } else {
        sched_pod_t *assumed = sched_map_get(&s->snap.pods, key);
        if (assumed && assumed->assumed) {
            /* bound by us, the informer has not shown it yet */
        } else if (!ours(s, obj) || is_terminal(obj) ||
                   (cube_json_path(obj, "metadata", "deletionTimestamp", NULL) &&
                    !json_is_null(cube_json_path(obj, "metadata", "deletionTimestamp", NULL)))) {
            sched_queue_delete(&s->queue, key);
        } else {
            sched_pod_t *p = sched_pod_new(obj);
            if (p) {
                sched_pod_default_spread(p, dsel);
                sched_queue_add(&s->queue, p, pod_changed(old, obj), now);
                pthread_cond_signal(&s->cond);
            }
        }
    }
    pthread_mutex_unlock(&s->mu);
}

static void on_pod_add(json_t *obj, void *ud)
{
    pod_event(ud, NULL, obj);
}

static void on_pod_update(json_t *old, json_t *obj, void *ud)
{
    if (old != obj)
        pod_event(ud, old, obj);
}

static void on_pod_delete(json_t *obj, void *ud)
{
    sched_t *s = ud;
    _cleanup_free_ char *key =
        xasprintf("%s/%s", cube_json_str(obj, "metadata", "namespace", NULL) ?: "",
                  cube_json_str(obj, "metadata", "name", NULL) ?: "");
    pthread_mutex_lock(&s->mu);
    sched_queue_delete(&s->queue, key);
    sched_pod_t *p = sched_snapshot_pod_remove(&s->snap, key);
    if (p) {
        sched_pod_free(p);
        sched_queue_move_all(&s->queue, cube_time_mono_ns());
        pthread_cond_signal(&s->cond);
    }
    pthread_mutex_unlock(&s->mu);
}

static bool node_changed(const json_t *old, const json_t *obj)
{
    return !old ||
           !json_equal(cube_json_path(old, "metadata", "labels", NULL),
                       cube_json_path(obj, "metadata", "labels", NULL)) ||
           !json_equal(json_object_get(old, "spec"), json_object_get(obj, "spec")) ||
           !json_equal(cube_json_path(old, "status", "allocatable", NULL),
                       cube_json_path(obj, "status", "allocatable", NULL)) ||
           !json_equal(cube_json_path(old, "status", "images", NULL),
                       cube_json_path(obj, "status", "images", NULL));
}

static void node_event(sched_t *s, json_t *old, json_t *obj)
{
    if (old && !node_changed(old, obj))
        return;
    pthread_mutex_lock(&s->mu);
    sched_snapshot_node_set(&s->snap, obj);
    sched_queue_move_all(&s->queue, cube_time_mono_ns());
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

static void on_node_add(json_t *obj, void *ud)
{
    node_event(ud, NULL, obj);
}

static void on_node_update(json_t *old, json_t *obj, void *ud)
{
    node_event(ud, old, obj);
}

static void on_node_delete(json_t *obj, void *ud)
{
    sched_t *s = ud;
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    if (!name)
        return;
    pthread_mutex_lock(&s->mu);
    sched_snapshot_node_delete(&s->snap, name);
    pthread_mutex_unlock(&s->mu);
}

static void ns_event(sched_t *s, json_t *old, json_t *obj)
{
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    json_t *labels = cube_json_path(obj, "metadata", "labels", NULL);
    if (!name || (old && json_equal(cube_json_path(old, "metadata", "labels", NULL), labels)))
        return;
    pthread_mutex_lock(&s->mu);
    sched_snapshot_ns_set(&s->snap, name, labels);
    if (old)
        sched_queue_move_all(&s->queue, cube_time_mono_ns());
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

static void on_ns_add(json_t *obj, void *ud)
{
    ns_event(ud, NULL, obj);
}

static void on_ns_update(json_t *old, json_t *obj, void *ud)
{
    ns_event(ud, old, obj);
}

static void on_ns_delete(json_t *obj, void *ud)
{
    sched_t *s = ud;
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    if (!name)
        return;
    pthread_mutex_lock(&s->mu);
    sched_snapshot_ns_delete(&s->snap, name);
    pthread_mutex_unlock(&s->mu);
}

/* ---- API writes (binding workers) ---------------------------------------- */

/* What an event's involvedObject needs (list items may lack kind and apiVersion). */
static json_t *pod_ref(const json_t *pod)
{
    json_t *meta = json_object();
    static const char *const keys[] = {"namespace", "name", "uid", "resourceVersion"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(keys); i++) {
        const char *v = cube_json_str(pod, "metadata", keys[i], NULL);
        if (v)
            json_object_set_new(meta, keys[i], json_string(v));
    }
    return json_pack("{sssss o}", "apiVersion", "v1", "kind", "Pod", "metadata", meta);
}

typedef struct job {
    sched_t *s;
    json_t *pod; /* owned copy */
    char *node; /* bind: the node */
    char *message; /* failure: FitError */
    char *nominated;
    size_t nvictims;
    char **victims;
} job_t;

static void job_free(job_t *j)
{
    json_decref(j->pod);
    free(j->node);
    free(j->message);
    free(j->nominated);
    for (size_t i = 0; i < j->nvictims; i++)
        free(j->victims[i]);
    free(j->victims);
    free(j);
}

static void bind_job(void *arg)
{
    job_t *j = arg;
    sched_t *s = j->s;
    const char *ns = cube_json_str(j->pod, "metadata", "namespace", NULL);
    const char *name = cube_json_str(j->pod, "metadata", "name", NULL);
    const char *uid = cube_json_str(j->pod, "metadata", "uid", NULL);
    json_auto_t *body = json_pack("{ss ss s{ss ss ss?} s{ss ss ss}}", "apiVersion", "v1", "kind",
                                  "Binding", "metadata", "name", name, "namespace", ns, "uid", uid,
                                  "target", "apiVersion", "v1", "kind", "Node", "name", j->node);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *ref = pod_ref(j->pod);
    if (cube_client_post_sub(s->client, s->r_pods, ns, name, "binding", body, NULL, &err) == 0) {
        cube_log_v(2, "bound pod \"%s/%s\" to node \"%s\"", ns, name, j->node);
        cube_recorder_event(s->rec, ref, "Normal", "Scheduled", "Successfully assigned %s/%s to %s",
                            ns, name, j->node);
        job_free(j);
        return;
    }
    cube_log_v(1, "binding pod \"%s/%s\" to node \"%s\": %s", ns, name, j->node, err.msg);
    _cleanup_free_ char *key = xasprintf("%s/%s", ns, name);
    pthread_mutex_lock(&s->mu);
    sched_pod_t *p = sched_map_get(&s->snap.pods, key);
    if (p && p->assumed) {
        sched_pod_free(sched_snapshot_pod_remove(&s->snap, key));
        sched_queue_move_all(&s->queue, cube_time_mono_ns());
    }
    if (err.code != 404 && (!p || p->assumed)) {
        sched_pod_t *again = sched_pod_new(j->pod);
        if (again)
            sched_queue_add_backoff(&s->queue, again, cube_time_mono_ns());
    }
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
    if (err.code != 404)
        cube_recorder_event(s->rec, ref, "Warning", "FailedScheduling", "Binding rejected: %s",
                            err.msg);
    job_free(j);
}

/* The PodScheduled=False condition (and nominatedNodeName), unless already so. */
static void update_status(sched_t *s, const job_t *j)
{
    const json_t *conds = cube_json_path(j->pod, "status", "conditions", NULL);
    const json_t *have = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        const char *t = cube_json_str(c, "type", NULL);
        if (t && !strcmp(t, "PodScheduled"))
            have = c;
    }
    const char *old_nom = cube_json_str(j->pod, "status", "nominatedNodeName", NULL);
    bool nom_same =
        j->nominated ? old_nom && !strcmp(old_nom, j->nominated) : !old_nom || !*old_nom;
    const char *hs = cube_json_str(have, "status", NULL);
    const char *hr = cube_json_str(have, "reason", NULL);
    const char *hm = cube_json_str(have, "message", NULL);
    bool cond_same = hs && !strcmp(hs, "False") && hr && !strcmp(hr, "Unschedulable") && hm &&
                     !strcmp(hm, j->message);
    if (cond_same && nom_same)
        return;
    char now[32];
    cube_time_rfc3339(time(NULL), now);
    const char *ltt =
        hs && !strcmp(hs, "False") ? cube_json_str(have, "lastTransitionTime", NULL) : NULL;
    json_auto_t *cond = json_pack("{sssssssssoss}", "type", "PodScheduled", "status", "False",
                                  "reason", "Unschedulable", "message", j->message, "lastProbeTime",
                                  json_null(), "lastTransitionTime", ltt ? ltt : now);
    json_auto_t *patch = json_pack("{s{s[O]}}", "status", "conditions", cond);
    if (!nom_same)
        json_object_set_new(json_object_get(patch, "status"), "nominatedNodeName",
                            j->nominated ? json_string(j->nominated) : json_null());
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_patch(
            s->client, s->r_pods, cube_json_str(j->pod, "metadata", "namespace", NULL),
            cube_json_str(j->pod, "metadata", "name", NULL),
            "application/strategic-merge-patch+json", patch, "status", NULL, &err) < 0)
        cube_log_v(1, "updating the PodScheduled condition of \"%s\": %s",
                   cube_json_str(j->pod, "metadata", "name", NULL), err.msg);
}

static void fail_job(void *arg)
{
    job_t *j = arg;
    sched_t *s = j->s;
    const char *ns = cube_json_str(j->pod, "metadata", "namespace", NULL);
    const char *uid = cube_json_str(j->pod, "metadata", "uid", NULL);
    for (size_t i = 0; i < j->nvictims; i++) {
        _cleanup_free_ char *vns = NULL, *vname = NULL;
        cube_split_key(j->victims[i], &vns, &vname);
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        json_t *victim = NULL;
        if (cube_client_get(s->client, s->r_pods, vns, vname, &victim, &err) == 0) {
            json_auto_t *vref = pod_ref(victim);
            cube_recorder_event(s->rec, vref, "Normal", "Preempted",
                                "Preempted by pod %s on node %s", uid ? uid : "", j->nominated);
            json_decref(victim);
        }
        cube_err_clear(&err);
        if (cube_client_delete(s->client, s->r_pods, vns, vname, NULL, &err) < 0 && err.code != 404)
            cube_log_v(1, "preemption: deleting \"%s\": %s", j->victims[i], err.msg);
    }
    json_auto_t *ref = pod_ref(j->pod);
    cube_recorder_event(s->rec, ref, "Warning", "FailedScheduling", "%s", j->message);
    update_status(s, j);
    cube_log_v(2, "pod \"%s/%s\" is unschedulable: %s", ns,
               cube_json_str(j->pod, "metadata", "name", NULL), j->message);
    job_free(j);
}

/* ---- the scheduling loop -------------------------------------------------- */

static void schedule_one(sched_t *s, sched_qentry_t *e, uint64_t now)
{
    sched_result_t r;
    sched_schedule(&s->snap, e->pod, s->next_start, &s->rng, &r);
    s->next_start = r.next_start;
    job_t *j = xcalloc(1, sizeof(*j));
    j->s = s;
    /* The workers get their own copy: the informer's objects stay on the threads that hold the
     * scheduler's lock (jansson's reference counts are not fully atomic). */
    j->pod = json_deep_copy(e->pod->obj);
    if (r.node) {
        sched_pod_t *p = sched_queue_done(&s->queue, e);
        p->node = xstrdup(r.node);
        p->assumed = true;
        sched_snapshot_pod_add(&s->snap, p);
        j->node = TAKE_PTR(r.node);
        cube_pool_submit(s->binders, bind_job, j);
    } else {
        sched_queue_requeue(&s->queue, e, true, now);
        j->message = TAKE_PTR(r.message);
        j->nominated = TAKE_PTR(r.nominated);
        j->victims = TAKE_PTR(r.victims);
        j->nvictims = r.nvictims;
        r.nvictims = 0;
        cube_pool_submit(s->binders, fail_job, j);
    }
    sched_result_clear(&r);
}

static void *loop_main(void *arg)
{
    sched_t *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!atomic_load(&s->stop)) {
        uint64_t now = cube_time_mono_ns();
        if (now - s->last_flush >= FLUSH_EVERY_NS) {
            sched_queue_flush_unschedulable(&s->queue, UNSCHED_MAX_WAIT_NS, now);
            s->last_flush = now;
        }
        uint64_t wait = s->leader ? sched_queue_next_ns(&s->queue, now) : UINT64_MAX;
        if (wait > 0) {
            if (wait > 1000000000ull)
                wait = 1000000000ull;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            uint64_t t = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + wait;
            ts.tv_sec = (time_t)(t / 1000000000ull);
            ts.tv_nsec = (long)(t % 1000000000ull);
            pthread_cond_timedwait(&s->cond, &s->mu, &ts);
            continue;
        }
        sched_qentry_t *e = sched_queue_pop(&s->queue, now);
        if (e)
            schedule_one(s, e, now);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* ---- leader election ------------------------------------------------------ */

static void on_started(void *ud)
{
    sched_t *s = ud;
    cube_log_info("became the leader (%s): scheduling", s->identity);
    pthread_mutex_lock(&s->mu);
    s->leader = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

static void on_stopped(void *ud)
{
    sched_t *s = ud;
    pthread_mutex_lock(&s->mu);
    bool was = s->leader;
    s->leader = false;
    pthread_mutex_unlock(&s->mu);
    if (was && !atomic_load(&s->stop))
        cube_log_warn("lost the lease (%s): not scheduling until it is regained", s->identity);
}

static void *leader_main(void *arg)
{
    sched_t *s = arg;
    cube_leader_config_t lc = {
        .ns = s->cfg->lease_namespace ? s->cfg->lease_namespace : "kube-system",
        .name = s->cfg->lease_name ? s->cfg->lease_name : "kube-scheduler",
        .identity = s->identity,
        .lease_sec = 15,
        .renew_deadline_sec = 10,
        .retry_sec = 2,
        .on_started = on_started,
        .on_stopped = on_stopped,
        .userdata = s,
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_leader_run(s->client, &lc, &s->stop, &err) < 0)
        cube_log_error("leader election: %s", err.msg);
    return NULL;
}

static char *make_identity(void)
{
    char host[256] = "localhost";
    gethostname(host, sizeof(host) - 1);
    char *uuid = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_file_read("/proc/sys/kernel/random/uuid", &uuid, NULL, &err) < 0)
        return xasprintf("%s_%d", host, (int)getpid());
    uuid[strcspn(uuid, "\n")] = 0;
    char *id = xasprintf("%s_%s", host, uuid);
    free(uuid);
    return id;
}

/* ---- run ------------------------------------------------------------------ */

int cube_scheduler_run(const cube_scheduler_config_t *cfg, const atomic_bool *stop, cube_err_t *err)
{
    _cleanup_free_ char *ua = xasprintf("cube-scheduler/%s", CUBE_GIT_VERSION);
    cube_client_config_t cc = {0};
    if (cube_client_config_load(cfg->kubeconfig, &cc, err) < 0)
        return -1;
    free(cc.user_agent);
    cc.user_agent = xstrdup(ua);
    cc.qps = cfg->qps;
    cc.burst = cfg->burst;
    cube_client_t *client = NULL;
    int rc = cube_client_new(&cc, &client, err);
    cube_client_config_clear(&cc);
    if (rc < 0)
        return -1;

    sched_t *s = xcalloc(1, sizeof(*s));
    s->cfg = cfg;
    s->client = client;
    s->identity = make_identity();
    s->r_pods = cube_api_resource_find("", "v1", "pods");
    s->r_nodes = cube_api_resource_find("", "v1", "nodes");
    s->r_ns = cube_api_resource_find("", "v1", "namespaces");
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    sched_snapshot_init(&s->snap);
    sched_queue_init(&s->queue);
    s->rng = cube_time_mono_ns() ^ (uint64_t)getpid() << 32;
    s->last_flush = cube_time_mono_ns();
    s->leader = !cfg->leader_elect;
    s->rec = cube_recorder_new(client, cfg->scheduler_name, s->identity);
    s->binders = cube_pool_new(cfg->bind_workers > 0 ? cfg->bind_workers : 16, "sched-bind");

    s->informers = cube_informers_new(client, 0);
    cube_informer_t *pods =
        cube_informers_get(s->informers, s->r_pods, "status.phase!=Succeeded,status.phase!=Failed");
    cube_informer_t *nodes = cube_informers_get(s->informers, s->r_nodes, NULL);
    cube_informer_t *nss = cube_informers_get(s->informers, s->r_ns, NULL);
    s->services =
        cube_informers_get(s->informers, cube_api_resource_find("", "v1", "services"), NULL);
    cube_informer_add_index(s->services, "namespace", cube_index_namespace);
    s->rcs = cube_informers_get(s->informers,
                                cube_api_resource_find("", "v1", "replicationcontrollers"), NULL);
    s->replicasets =
        cube_informers_get(s->informers, cube_api_resource_find("apps", "v1", "replicasets"), NULL);
    s->statefulsets = cube_informers_get(
        s->informers, cube_api_resource_find("apps", "v1", "statefulsets"), NULL);
    cube_informer_add_handlers(
        nss, &(cube_informer_handlers_t){on_ns_add, on_ns_update, on_ns_delete, s});
    cube_informer_add_handlers(
        nodes, &(cube_informer_handlers_t){on_node_add, on_node_update, on_node_delete, s});
    cube_informer_add_handlers(
        pods, &(cube_informer_handlers_t){on_pod_add, on_pod_update, on_pod_delete, s});
    cube_log_info("scheduler %s (%s) starting: %s", cfg->scheduler_name, s->identity,
                  cfg->leader_elect ? "leader election on" : "no leader election");
    cube_informers_start(s->informers);
    int ret = 0;
    pthread_t loop = 0, leader = 0;
    bool synced = false;
    for (int i = 0; i < 60 && !synced; i++) {
        synced = cube_informers_wait_synced(s->informers, 1000) == 0;
        if (!synced && atomic_load(stop))
            goto stop;
    }
    if (!synced) {
        ret = cube_err_set(err, 0, "InternalError", "informers did not sync within 60s");
        goto stop;
    }
    cube_log_info("caches synced; scheduling pods of \"%s\"", cfg->scheduler_name);
    pthread_create(&loop, NULL, loop_main, s);
    if (cfg->leader_elect)
        pthread_create(&leader, NULL, leader_main, s);
    while (!atomic_load(stop))
        usleep(200 * 1000);
stop:
    atomic_store(&s->stop, true);
    pthread_mutex_lock(&s->mu);
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    if (loop)
        pthread_join(loop, NULL);
    if (leader)
        pthread_join(leader, NULL);
    cube_pool_free(s->binders);
    cube_recorder_free(s->rec);
    cube_informers_free(s->informers);
    cube_client_free(s->client);
    sched_queue_clear(&s->queue);
    sched_snapshot_clear(&s->snap);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->mu);
    free(s->identity);
    free(s);
    return ret;
}
