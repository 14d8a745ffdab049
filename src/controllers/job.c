/*
 * job: the counterpart of Kubernetes' Job controller. A Job runs pods until
 * `completions` of them succeed (or, without completions, until one does),
 * at most `parallelism` at a time, re-creating failed ones with a backoff
 * (10 s doubling, capped at 6 min) until `backoffLimit` failures, and fails
 * when `activeDeadlineSeconds` runs out. Indexed jobs give each pod a
 * completion index (annotation and label batch.kubernetes.io/job-completion-
 * index, hostname <job>-<index>). Finished jobs carry Kubernetes 1.32's
 * conditions (SuccessCriteriaMet then Complete; FailureTarget then Failed)
 * and are deleted ttlSecondsAfterFinished later.
 *
 * Pods are counted exactly once through the batch.kubernetes.io/job-tracking
 * finalizer, as Kubernetes does: a finished pod's uid is first recorded in
 * status.uncountedTerminatedPods, then its finalizer removed, then it moves
 * into status.succeeded/failed. cube_job_plan is the pure decision of one sync;
 * sync() carries it out. This file also holds the controller expectations
 * that job, daemonset and statefulset share.
 */
#include <pthread.h>

#include "controllers/controllers.h"

#define TRACKING "batch.kubernetes.io/job-tracking"
#define INDEX_KEY "batch.kubernetes.io/job-completion-index"
#define BACKOFF_BASE 10
#define BACKOFF_MAX 360

/* ---- expectations -------------------------------------------------------- */

struct cube_expectations {
    pthread_mutex_t lock;
    json_t *map; /* key -> [adds, dels, monotonic seconds] */
};

cube_expectations_t *cube_expectations_new(void)
{
    cube_expectations_t *e = xcalloc(1, sizeof(*e));
    pthread_mutex_init(&e->lock, NULL);
    e->map = json_object();
    return e;
}

void cube_expectations_free(cube_expectations_t *e)
{
    if (!e)
        return;
    json_decref(e->map);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

static int64_t mono_sec(void)
{
    return (int64_t)(cube_time_mono_ns() / 1000000000ull);
}

static void expect_add(cube_expectations_t *e, const char *key, int adds, int dels, bool stamp)
{
    pthread_mutex_lock(&e->lock);
    json_t *v = json_object_get(e->map, key);
    int a = v ? (int)json_integer_value(json_array_get(v, 0)) : 0;
    int d = v ? (int)json_integer_value(json_array_get(v, 1)) : 0;
    int64_t t = v ? json_integer_value(json_array_get(v, 2)) : mono_sec();
    if (v || stamp)
        json_object_set_new(
            e->map, key,
            json_pack("[i, i, I]", a + adds, d + dels, (json_int_t)(stamp ? mono_sec() : t)));
    pthread_mutex_unlock(&e->lock);
}

void cube_expectations_expect(cube_expectations_t *e, const char *key, int adds, int dels)
{
    expect_add(e, key, adds, dels, true);
}

void cube_expectations_observe(cube_expectations_t *e, const char *key, int adds, int dels)
{
    expect_add(e, key, -adds, -dels, false);
}

bool cube_expectations_satisfied(cube_expectations_t *e, const char *key)
{
    pthread_mutex_lock(&e->lock);
    json_t *v = json_object_get(e->map, key);
    bool ok = !v ||
              (json_integer_value(json_array_get(v, 0)) <= 0 &&
               json_integer_value(json_array_get(v, 1)) <= 0) ||
              mono_sec() - json_integer_value(json_array_get(v, 2)) > 30;
    pthread_mutex_unlock(&e->lock);
    return ok;
}

void cube_expectations_forget(cube_expectations_t *e, const char *key)
{
    pthread_mutex_lock(&e->lock);
    json_object_del(e->map, key);
    pthread_mutex_unlock(&e->lock);
}

/* ---- the pure decision ---------------------------------------------------- */

static int64_t parse_time(const char *s)
{
    time_t t;
    return s && cube_time_parse(s, &t) == 0 ? (int64_t)t : 0;
}

static bool has_finalizer(const json_t *pod)
{
    size_t i;
    json_t *f;
    json_array_foreach(cube_json_path(pod, "metadata", "finalizers", NULL), i, f)
    {
        if (json_is_string(f) && !strcmp(json_string_value(f), TRACKING))
            return true;
    }
    return false;
}

static bool str_in(const json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && s && !strcmp(json_string_value(v), s))
            return true;
    }
    return false;
}

/* The condition of type in status, borrowed, when its status is True. */
static const json_t *true_condition(const json_t *obj, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(cube_json_path(obj, "status", "conditions", NULL), i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        const char *st = json_string_value(json_object_get(c, "status"));
        if (t && st && !strcmp(t, type) && !strcmp(st, "True"))
            return c;
    }
    return NULL;
}

static void add_condition(json_t *status, const char *type, const char *reason, const char *msg,
                          int64_t now)
{
    json_t *conds = json_object_get(status, "conditions");
    if (!json_is_array(conds)) {
        conds = json_array();
        json_object_set_new(status, "conditions", conds);
    }
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        if (t && !strcmp(t, type))
            return;
    }
    char ts[32];
    cube_time_rfc3339((time_t)now, ts);
    json_array_append_new(conds, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", type, "status",
                                           "True", "lastProbeTime", ts, "lastTransitionTime", ts,
                                           "reason", reason, "message", msg));
}

/* The completion index of a pod, or -1. */
static int pod_index(const json_t *pod)
{
    const char *s = cube_json_str(pod, "metadata", "annotations", INDEX_KEY, NULL);
    if (!s)
        s = cube_json_str(pod, "metadata", "labels", INDEX_KEY, NULL);
    if (!s || !*s)
        return -1;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 0 || v > 1000000 ? -1 : (int)v;
}

/* When a failed pod failed: its containers' finish time, else its conditions' latest change. */
static int64_t failure_time(const json_t *pod)
{
    int64_t t = 0;
    size_t i;
    json_t *c;
    json_array_foreach(cube_json_path(pod, "status", "containerStatuses", NULL), i, c)
    {
        int64_t f = parse_time(cube_json_str(c, "state", "terminated", "finishedAt", NULL));
        t = f > t ? f : t;
    }
    if (t)
        return t;
    json_array_foreach(cube_json_path(pod, "status", "conditions", NULL), i, c)
    {
        int64_t f = parse_time(json_string_value(json_object_get(c, "lastTransitionTime")));
        t = f > t ? f : t;
    }
    if (!t)
        t = parse_time(cube_json_str(pod, "metadata", "deletionTimestamp", NULL));
    return t;
}

/* Parses "1,3-5" into flags[0..n). */
static void parse_indexes(const char *s, bool *flags, int n)
{
    while (s && *s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            return;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        for (long i = a; i <= b && i < n; i++)
            if (i >= 0)
                flags[i] = true;
        s = *end == ',' ? end + 1 : NULL;
    }
}

char *cube_job_format_indexes(const json_t *sorted)
{
    cube_buf_t b = CUBE_BUF_INIT;
    size_t n = json_array_size(sorted);
    for (size_t i = 0; i < n;) {
        json_int_t a = json_integer_value(json_array_get(sorted, i));
        size_t j = i;
        while (j + 1 < n && json_integer_value(json_array_get(sorted, j + 1)) ==
                                json_integer_value(json_array_get(sorted, j)) + 1)
            j++;
        json_int_t z = json_integer_value(json_array_get(sorted, j));
        cube_buf_printf(&b, "%s%lld", b.len ? "," : "", (long long)a);
        if (z != a)
            cube_buf_printf(&b, "-%lld", (long long)z);
        i = j + 1;
    }
    cube_buf_puts(&b, "");
    return cube_buf_steal(&b, NULL);
}

static int spec_int(const json_t *job, const char *field, int dflt)
{
    json_t *v = cube_json_path(job, "spec", field, NULL);
    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

void cube_job_plan_clear(cube_job_plan_t *p)
{
    json_decref(p->status);
    json_decref(p->create_indexes);
    json_decref(p->delete_pods);
    json_decref(p->unfinalize);
    memset(p, 0, sizeof(*p));
}

void cube_job_plan(const json_t *job, json_t *const *pods, size_t n, int64_t now,
                   cube_job_plan_t *ret)
{
    memset(ret, 0, sizeof(*ret));
    json_t *old = json_object_get(job, "status");
    json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
    ret->status = st;
    ret->delete_pods = json_array();
    ret->unfinalize = json_array();

    bool indexed = !strcmp(cube_json_str(job, "spec", "completionMode", NULL)
                               ? cube_json_str(job, "spec", "completionMode", NULL)
                               : "NonIndexed",
                           "Indexed");
    json_t *jc = cube_json_path(job, "spec", "completions", NULL);
    bool has_completions = json_is_integer(jc);
    int completions = has_completions ? (int)json_integer_value(jc) : 0;
    int parallelism = spec_int(job, "parallelism", 1);
    int backoff_limit = spec_int(job, "backoffLimit", 6);
    bool suspended = json_is_true(cube_json_path(job, "spec", "suspend", NULL));

    /* uncountedTerminatedPods: finished pods whose finalizer goes before they are counted */
    json_t *unc = json_object_get(st, "uncountedTerminatedPods");
    json_t *unc_s = json_is_object(unc) ? json_object_get(unc, "succeeded") : NULL;
    json_t *unc_f = json_is_object(unc) ? json_object_get(unc, "failed") : NULL;
    json_t *keep_s = json_array(), *keep_f = json_array(); /* still uncounted after this sync */
    int succeeded = (int)json_integer_value(json_object_get(st, "succeeded"));
    int failed = (int)json_integer_value(json_object_get(st, "failed"));

    /* A recorded uid whose pod lost its finalizer (or is gone) is counted now. */
    for (int pass = 0; pass < 2; pass++) {
        json_t *list = pass ? unc_f : unc_s;
        size_t i;
        json_t *u;
        json_array_foreach(list, i, u)
        {
            const json_t *pod = NULL;
            for (size_t k = 0; k < n && !pod; k++)
                if (!strcmp(cube_json_str(pods[k], "metadata", "uid", NULL)
                                ? cube_json_str(pods[k], "metadata", "uid", NULL)
                                : "",
                            json_string_value(u)))
                    pod = pods[k];
            if (pod && has_finalizer(pod)) {
                json_array_append(pass ? keep_f : keep_s, u);
                json_array_append_new(ret->unfinalize,
                                      json_string(cube_json_str(pod, "metadata", "name", NULL)));
            } else if (pass) {
                failed++;
            } else {
                succeeded++;
            }
        }
    }

    int c_max = indexed && completions > 0 ? completions : 1;
    bool *done_idx = xcalloc((size_t)c_max, sizeof(bool));
    bool *active_idx = xcalloc((size_t)c_max, sizeof(bool));
    if (indexed)
        parse_indexes(json_string_value(json_object_get(st, "completedIndexes")), done_idx, c_max);

    int active = 0, ready = 0, terminating = 0;
    int64_t last_failure = 0;
    json_t *active_names = json_array();
    for (size_t i = 0; i < n; i++) {
        const json_t *pod = pods[i];
        const char *phase = cube_json_str(pod, "status", "phase", NULL);
        const char *uid = cube_json_str(pod, "metadata", "uid", NULL);
        const char *name = cube_json_str(pod, "metadata", "name", NULL);
        bool is_ok = phase && !strcmp(phase, "Succeeded");
        bool is_failed = phase && !strcmp(phase, "Failed");
        json_t *dt = cube_json_path(pod, "metadata", "deletionTimestamp", NULL);
        bool deleting = dt && !json_is_null(dt);
        int idx = pod_index(pod);
        if (!is_ok && !is_failed && !deleting) {
            active++;
            if (cube_pod_is_ready(pod))
                ready++;
            if (indexed && idx >= 0 && idx < c_max)
                active_idx[idx] = true;
            json_array_append_new(active_names, json_string(name));
            continue;
        }
        if (!is_ok && !is_failed)
            terminating++;
        if (is_ok && indexed && idx >= 0 && idx < c_max)
            done_idx[idx] = true;
        if (!is_ok) {
            int64_t ft = failure_time(pod);
            last_failure = ft > last_failure ? ft : last_failure;
        }
        /* A finished (or deleted) pod still holding our finalizer: record, then release it. */
        if (has_finalizer(pod) && !str_in(keep_s, uid) && !str_in(keep_f, uid)) {
            json_array_append_new(is_ok ? keep_s : keep_f, json_string(uid ? uid : ""));
            json_array_append_new(ret->unfinalize, json_string(name));
        }
    }
    int succeeded_all = succeeded + (int)json_array_size(keep_s);
    int failed_all = failed + (int)json_array_size(keep_f);
    json_object_set_new(st, "succeeded", json_integer(succeeded));
    json_object_set_new(st, "failed", json_integer(failed));
    json_t *new_unc = json_object();
    if (json_array_size(keep_s))
        json_object_set(new_unc, "succeeded", keep_s);
    if (json_array_size(keep_f))
        json_object_set(new_unc, "failed", keep_f);
    json_object_set_new(st, "uncountedTerminatedPods", new_unc);
    json_decref(keep_s);
    json_decref(keep_f);
    int done_count = 0;
    json_t *done_list = json_array();
    for (int i = 0; indexed && i < c_max; i++)
        if (done_idx[i]) {
            done_count++;
            json_array_append_new(done_list, json_integer(i));
        }
    if (indexed) {
        char *s = cube_job_format_indexes(done_list);
        json_object_set_new(st, "completedIndexes", json_string(s));
        free(s);
    }
    json_decref(done_list);

    char ts[32];
    if (!json_object_get(st, "startTime") && !suspended) {
        cube_time_rfc3339((time_t)now, ts);
        json_object_set_new(st, "startTime", json_string(ts));
    }
    int64_t start = parse_time(json_string_value(json_object_get(st, "startTime")));
    bool finished = true_condition(job, "Complete") || true_condition(job, "Failed");
    const json_t *target = true_condition(job, "FailureTarget");
    const json_t *met = true_condition(job, "SuccessCriteriaMet");

    if (!finished && !target && !met) {
        int ads = spec_int(job, "activeDeadlineSeconds", -1);
        if (failed_all > backoff_limit) {
            add_condition(st, "FailureTarget", "BackoffLimitExceeded",
                          "Job has reached the specified backoff limit", now);
        } else if (ads >= 0 && start && now - start >= ads && !suspended) {
            add_condition(st, "FailureTarget", "DeadlineExceeded",
                          "Job was active longer than specified deadline", now);
        } else if ((has_completions && (indexed ? done_count : succeeded_all) >= completions) ||
                   (!has_completions && succeeded_all > 0 && active == 0)) {
            add_condition(st, "SuccessCriteriaMet", "CompletionsReached",
                          "Reached expected number of succeeded pods", now);
        } else if (ads >= 0 && start && !suspended) {
            ret->requeue_sec = (int)(start + ads - now);
        }
        json_t *tmp = json_pack("{s:O}", "status", st);
        target = true_condition(tmp, "FailureTarget");
        met = true_condition(tmp, "SuccessCriteriaMet");
        json_decref(tmp);
    }

    if (!finished && (target || met)) {
        /* Terminal decision taken: no pod runs on; the final condition once all are gone. */
        json_array_extend(ret->delete_pods, active_names);
        if (active == 0 && terminating == 0 &&
            json_object_size(json_object_get(st, "uncountedTerminatedPods")) == 0) {
            json_t *tmp = json_pack("{s:O}", "status", st);
            const json_t *t2 = true_condition(tmp, "FailureTarget");
            if (t2) {
                add_condition(st, "Failed", json_string_value(json_object_get(t2, "reason")),
                              json_string_value(json_object_get(t2, "message")), now);
            } else {
                add_condition(st, "Complete", "CompletionsReached",
                              "Reached expected number of succeeded pods", now);
                cube_time_rfc3339((time_t)now, ts);
                json_object_set_new(st, "completionTime", json_string(ts));
            }
            json_decref(tmp);
            finished = true;
        }
        active = 0;
        ready = 0;
    } else if (!finished) {
        int want;
        if (suspended)
            want = 0;
        else if (indexed)
            want = completions - done_count;
        else if (has_completions)
            want = completions - succeeded_all;
        else
            want = succeeded_all > 0 ? 0 : parallelism;
        if (want > parallelism)
            want = parallelism;
        if (want < 0)
            want = 0;
        if (active > want) {
            for (int i = want; i < active; i++)
                json_array_append(ret->delete_pods, json_array_get(active_names, (size_t)i));
        } else if (active < want) {
            int64_t delay = 0;
            if (failed_all > 0 && last_failure) {
                int64_t backoff = BACKOFF_BASE;
                for (int i = 1; i < failed_all && backoff < BACKOFF_MAX; i++)
                    backoff *= 2;
                if (backoff > BACKOFF_MAX)
                    backoff = BACKOFF_MAX;
                delay = last_failure + backoff - now;
            }
            if (delay > 0) {
                if (!ret->requeue_sec || delay < ret->requeue_sec)
                    ret->requeue_sec = (int)delay;
            } else if (indexed) {
                ret->create_indexes = json_array();
                for (int i = 0; i < c_max && ret->create < want - active; i++)
                    if (!done_idx[i] && !active_idx[i]) {
                        json_array_append_new(ret->create_indexes, json_integer(i));
                        ret->create++;
                    }
            } else {
                ret->create = want - active;
            }
        }
    }
    json_decref(active_names);
    free(done_idx);
    free(active_idx);

    json_object_set_new(
        st, "active", json_integer(active + ret->create - (int)json_array_size(ret->delete_pods)));
    json_object_set_new(st, "ready", json_integer(ready));
    json_object_set_new(st, "terminating", json_integer(terminating));
    if (json_integer_value(json_object_get(st, "active")) < 0 || finished)
        json_object_set_new(st, "active", json_integer(0));
    /* Kubernetes leaves zero counters out. */
    static const char *const zeros[] = {"active", "succeeded", "failed"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(zeros); i++)
        if (json_integer_value(json_object_get(st, zeros[i])) == 0)
            json_object_del(st, zeros[i]);

    if (finished) {
        int ttl = spec_int(job, "ttlSecondsAfterFinished", -1);
        const json_t *fc = true_condition(job, "Complete");
        if (!fc)
            fc = true_condition(job, "Failed");
        int64_t at = parse_time(json_string_value(json_object_get(st, "completionTime")));
        if (fc)
            at = parse_time(json_string_value(json_object_get(fc, "lastTransitionTime")));
        if (!at)
            at = now;
        if (ttl >= 0) {
            if (now >= at + ttl)
                ret->delete_job = true;
            else
                ret->requeue_sec = (int)(at + ttl - now);
        }
    }
}

/* ---- the controller ------------------------------------------------------ */

typedef struct job_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_job, *r_pod;
    cube_informer_t *jobs, *pods;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
    cube_recorder_t *rec;
    cube_expectations_t *exp;
} job_state_t;

static void job_event(json_t *obj, void *u)
{
    job_state_t *s = u;
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_workqueue_add(s->q, key);
}
static void job_update(json_t *old, json_t *obj, void *u)
{
    job_event(obj, u);
}
static void job_delete(json_t *obj, void *u)
{
    job_state_t *s = u;
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_expectations_forget(s->exp, key);
    cube_workqueue_add(s->q, key); /* releases the pods it leaves behind */
}

/* "ns/job" of a pod's controlling Job, owned, or NULL. */
static char *pod_job_key(const json_t *pod)
{
    const json_t *ref = cube_ctrl_controller_ref(pod);
    const char *kind = ref ? json_string_value(json_object_get(ref, "kind")) : NULL;
    if (!kind || strcmp(kind, "Job"))
        return NULL;
    return xasprintf("%s/%s", cube_json_str(pod, "metadata", "namespace", NULL),
                     json_string_value(json_object_get(ref, "name")));
}

/* A pod holding our finalizer without a Job to count it (orphaned): released by its own key. */
#define ORPHAN_PREFIX "!orphan/"
static void enqueue_orphan(job_state_t *s, const json_t *pod)
{
    _cleanup_free_ char *k = cube_object_key(pod);
    _cleanup_free_ char *key = xasprintf(ORPHAN_PREFIX "%s", k);
    cube_workqueue_add(s->q, key);
}

static void pod_add(json_t *obj, void *u)
{
    job_state_t *s = u;
    _cleanup_free_ char *key = pod_job_key(obj);
    if (!key) {
        if (has_finalizer(obj))
            enqueue_orphan(s, obj);
        return;
    }
    cube_expectations_observe(s->exp, key, 1, 0);
    cube_workqueue_add(s->q, key);
}
static void pod_update(json_t *old, json_t *obj, void *u)
{
    job_state_t *s = u;
    _cleanup_free_ char *key = pod_job_key(obj);
    if (!key && has_finalizer(obj))
        enqueue_orphan(s, obj);
    if (key && old != obj)
        cube_workqueue_add(s->q, key);
}
static void pod_delete(json_t *obj, void *u)
{
    job_state_t *s = u;
    _cleanup_free_ char *key = pod_job_key(obj);
    if (!key)
        return;
    cube_expectations_observe(s->exp, key, 0, 1);
    cube_workqueue_add(s->q, key);
}

static json_t *new_pod(const json_t *job, int index)
{
    const char *name = cube_json_str(job, "metadata", "name", NULL);
    const char *uid = cube_json_str(job, "metadata", "uid", NULL);
    json_t *tmpl = cube_json_path(job, "spec", "template", NULL);
    json_t *meta = json_deep_copy(json_object_get(tmpl, "metadata"));
    if (!json_is_object(meta)) {
        json_decref(meta);
        meta = json_object();
    }
    json_t *spec = json_deep_copy(json_object_get(tmpl, "spec"));
    if (!json_is_object(spec)) {
        json_decref(spec);
        spec = json_object();
    }
    json_t *labels = cube_json_obj(meta, "labels");
    json_object_set_new(labels, "batch.kubernetes.io/controller-uid", json_string(uid ? uid : ""));
    json_object_set_new(labels, "batch.kubernetes.io/job-name", json_string(name));
    json_object_set_new(labels, "controller-uid", json_string(uid ? uid : ""));
    json_object_set_new(labels, "job-name", json_string(name));
    char *gen;
    if (index >= 0) {
        char buf[16];
        snprintf(buf, sizeof(buf), "%d", index);
        json_object_set_new(cube_json_obj(meta, "annotations"), INDEX_KEY, json_string(buf));
        json_object_set_new(labels, INDEX_KEY, json_string(buf));
        gen = xasprintf("%s-%d-", name, index);
        char *host = xasprintf("%s-%d", name, index);
        json_object_set_new(spec, "hostname", json_string(host));
        free(host);
    } else {
        gen = xasprintf("%s-", name);
    }
    json_object_del(meta, "name");
    json_object_set_new(meta, "generateName", json_string(gen));
    free(gen);
    json_object_set_new(meta, "namespace",
                        json_string(cube_json_str(job, "metadata", "namespace", NULL)));
    json_object_set_new(meta, "ownerReferences",
                        json_pack("[o]", cube_ctrl_new_controller_ref(job, "batch/v1", "Job")));
    json_object_set_new(meta, "finalizers", json_pack("[s]", TRACKING));
    return json_pack("{s:s, s:s, s:o, s:o}", "apiVersion", "v1", "kind", "Pod", "metadata", meta,
                     "spec", spec);
}

/* The job's pods: those whose controller reference is the job. Owned array of references. */
static size_t job_pods(job_state_t *s, const json_t *job, json_t ***ret)
{
    const char *uid = cube_json_str(job, "metadata", "uid", NULL);
    json_t **all = NULL;
    size_t n = cube_informer_by_index(s->pods, CUBE_CTRL_INDEX_OWNER, uid ? uid : "", &all);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *ref = cube_ctrl_controller_ref(all[i]);
        const char *ruid = ref ? json_string_value(json_object_get(ref, "uid")) : NULL;
        if (ruid && uid && !strcmp(ruid, uid))
            all[m++] = all[i];
        else
            json_decref(all[i]);
    }
    *ret = all;
    return m;
}

static void unfinalize(job_state_t *s, const char *ns, const json_t *names, cube_err_t *err)
{
    json_auto_t *patch =
        json_pack("{s:{s:[s]}}", "metadata", "$deleteFromPrimitiveList/finalizers", TRACKING);
    size_t i;
    json_t *nm;
    json_array_foreach(names, i, nm)
    {
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_client_patch(s->ctx->client, s->r_pod, ns, json_string_value(nm),
                              "application/strategic-merge-patch+json", patch, NULL, NULL,
                              &e) < 0 &&
            e.code != 404 && !err->code)
            cube_err_move(err, &e);
    }
}

static int sync_job(const char *key, void *u)
{
    job_state_t *s = u;
    if (!cube_informer_synced(s->jobs) || !cube_informer_synced(s->pods))
        return -1;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (!strncmp(key, ORPHAN_PREFIX, strlen(ORPHAN_PREFIX))) {
        _cleanup_free_ char *pns = NULL, *pname = NULL;
        cube_split_key(key + strlen(ORPHAN_PREFIX), &pns, &pname);
        json_auto_t *pod = cube_informer_get(s->pods, pns, pname);
        _cleanup_free_ char *owner = pod ? pod_job_key(pod) : NULL;
        if (!pod || owner || !has_finalizer(pod))
            return 0;
        json_auto_t *names = json_pack("[s]", pname);
        unfinalize(s, pns, names, &err);
        return err.code ? -1 : 0;
    }
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    json_auto_t *job = cube_informer_get(s->jobs, ns, name);
    json_t **pods = NULL;
    if (!job) {
        /* Gone: its pods still holding our finalizer are released. */
        json_t **all = NULL;
        size_t na = cube_informer_by_index(s->pods, CUBE_CTRL_INDEX_NS, ns, &all);
        json_auto_t *names = json_array();
        for (size_t i = 0; i < na; i++) {
            _cleanup_free_ char *pk = pod_job_key(all[i]);
            if (pk && !strcmp(pk, key) && has_finalizer(all[i]))
                json_array_append_new(names,
                                      json_string(cube_json_str(all[i], "metadata", "name", NULL)));
        }
        cube_json_refs_free(all, na);
        unfinalize(s, ns, names, &err);
        return err.code ? -1 : 0;
    }
    if (!cube_expectations_satisfied(s->exp, key))
        return 0; /* the informer's events will bring the key back */
    size_t n = job_pods(s, job, &pods);
    json_t *dt = cube_json_path(job, "metadata", "deletionTimestamp", NULL);
    if (dt && !json_is_null(dt)) {
        /* A deleted job counts nothing more: release every pod. */
        json_auto_t *names = json_array();
        for (size_t i = 0; i < n; i++)
            if (has_finalizer(pods[i]))
                json_array_append_new(
                    names, json_string(cube_json_str(pods[i], "metadata", "name", NULL)));
        cube_json_refs_free(pods, n);
        unfinalize(s, ns, names, &err);
        return err.code ? -1 : 0;
    }

    cube_job_plan_t plan;
    cube_job_plan(job, pods, n, (int64_t)time(NULL), &plan);
    cube_json_refs_free(pods, n);
    int rc = 0;

    if (plan.delete_job) {
        json_auto_t *opts = json_pack("{s:s, s:s, s:s}", "kind", "DeleteOptions", "apiVersion",
                                      "v1", "propagationPolicy", "Background");
        if (cube_client_delete(s->ctx->client, s->r_job, ns, name, opts, &err) < 0 &&
            err.code != 404)
            rc = -1;
        cube_job_plan_clear(&plan);
        return rc;
    }
    /* 1. the status (records finished pods before their finalizers go) */
    if (!json_equal(plan.status, json_object_get(job, "status"))) {
        json_auto_t *upd = json_deep_copy(job);
        json_object_set(upd, "status", plan.status);
        if (cube_client_update(s->ctx->client, s->r_job, upd, "status", NULL, &err) < 0) {
            cube_log_v(2, "job: status of \"%s\": %s", key, err.msg);
            cube_job_plan_clear(&plan);
            return -1;
        }
        json_t *tmp = json_pack("{s:O}", "status", plan.status);
        if (true_condition(tmp, "Complete") && !true_condition(job, "Complete"))
            cube_recorder_event(s->rec, job, "Normal", "Completed", "Job completed");
        const json_t *f = true_condition(tmp, "FailureTarget");
        if (f && !true_condition(job, "FailureTarget"))
            cube_recorder_event(s->rec, job, "Warning",
                                json_string_value(json_object_get(f, "reason")), "%s",
                                json_string_value(json_object_get(f, "message")));
        json_decref(tmp);
    }
    /* 2. finalizers of recorded pods */
    unfinalize(s, ns, plan.unfinalize, &err);
    if (err.code)
        rc = -1;
    cube_err_clear(&err);
    /* 3. deletions and creations */
    size_t i;
    json_t *nm;
    if (json_array_size(plan.delete_pods))
        cube_expectations_expect(s->exp, key, 0, (int)json_array_size(plan.delete_pods));
    json_array_foreach(plan.delete_pods, i, nm)
    {
        if (cube_client_delete(s->ctx->client, s->r_pod, ns, json_string_value(nm), NULL, &err) <
            0) {
            cube_expectations_observe(s->exp, key, 0, 1);
            if (err.code != 404)
                rc = -1;
        } else {
            cube_recorder_event(s->rec, job, "Normal", "SuccessfulDelete", "Deleted pod: %s",
                                json_string_value(nm));
        }
        cube_err_clear(&err);
    }
    if (plan.create > 0)
        cube_expectations_expect(s->exp, key, plan.create, 0);
    for (int k = 0; k < plan.create; k++) {
        int index = plan.create_indexes
                        ? (int)json_integer_value(json_array_get(plan.create_indexes, (size_t)k))
                        : -1;
        json_auto_t *pod = new_pod(job, index);
        json_auto_t *created = NULL;
        if (cube_client_create(s->ctx->client, s->r_pod, ns, pod, &created, &err) < 0) {
            cube_expectations_observe(s->exp, key, 1, 0);
            cube_recorder_event(s->rec, job, "Warning", "FailedCreate", "Error creating: %s",
                                err.msg);
            rc = -1;
            cube_err_clear(&err);
            continue;
        }
        cube_recorder_event(s->rec, job, "Normal", "SuccessfulCreate", "Created pod: %s",
                            cube_json_str(created, "metadata", "name", NULL));
    }
    if (plan.requeue_sec > 0)
        cube_workqueue_add_after(s->q, key, plan.requeue_sec * 1000);
    cube_job_plan_clear(&plan);
    return rc;
}

static int job_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    job_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->r_job = cube_api_resource_find("batch", "v1", "jobs");
    s->r_pod = cube_api_resource_find("", "v1", "pods");
    s->jobs = cube_informers_get(ctx->informers, s->r_job, NULL);
    s->pods = cube_informers_get(ctx->informers, s->r_pod, NULL);
    s->rec = cube_recorder_new(ctx->client, "job-controller", NULL);
    s->exp = cube_expectations_new();
    s->q = cube_workqueue_new("job", 5, 60000, 0, 0);
    cube_informer_add_handlers(s->jobs, &(cube_informer_handlers_t){.on_add = job_event,
                                                                    .on_update = job_update,
                                                                    .on_delete = job_delete,
                                                                    .userdata = s});
    cube_informer_add_handlers(s->pods, &(cube_informer_handlers_t){.on_add = pod_add,
                                                                    .on_update = pod_update,
                                                                    .on_delete = pod_delete,
                                                                    .userdata = s});
    s->w = cube_ctrl_workers_start(ctx, s->q, ctx->cfg->workers, sync_job, s);
    *ret_state = s;
    return 0;
}

static void job_stop(void *state)
{
    job_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    cube_recorder_free(s->rec);
    cube_expectations_free(s->exp);
    free(s);
}

const cube_controller_ops_t cube_ctrl_job = {
    .name = "job",
    .start = job_start,
    .stop = job_stop,
};
