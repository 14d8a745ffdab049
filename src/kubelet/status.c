/*
 * Pod status as Kubernetes' kubelet computes it from what the runtime says
 * (pkg/kubelet/kubelet_pods.go generateAPIPodStatus, getPhase, and
 * pkg/kubelet/status/generate.go for the conditions): container states with
 * the last termination, restart counts from the runtime's attempt numbers
 * (so a restarted kubelet reports the same counts), the phase from the
 * container counts and the restart policy, and the five pod conditions.
 * Pure functions: the pod workers feed them and send the result only when it
 * differs from what the API holds.
 */
#include "kubelet/internal.h"

void kl_ctr_clear(kl_ctr_t *c)
{
    free(c->id);
    free(c->name);
    free(c->image);
    free(c->image_ref);
    free(c->reason);
    free(c->message);
    memset(c, 0, sizeof(*c));
}

void kl_pod_state_clear(kl_pod_state_t *s)
{
    free(s->pod_ip);
    for (size_t i = 0; i < s->nctrs; i++)
        kl_ctr_clear(&s->ctrs[i]);
    free(s->ctrs);
    json_decref(s->waiting);
    json_decref(s->ready);
    memset(s, 0, sizeof(*s));
}

static bool newer(const kl_ctr_t *a, const kl_ctr_t *b)
{
    if (a->attempt != b->attempt)
        return a->attempt > b->attempt;
    return a->created_ns > b->created_ns;
}

const kl_ctr_t *kl_ctr_latest(const kl_pod_state_t *s, const char *name, const kl_ctr_t **prev)
{
    const kl_ctr_t *l = NULL, *p = NULL;
    for (size_t i = 0; i < s->nctrs; i++) {
        const kl_ctr_t *c = &s->ctrs[i];
        if (!c->name || strcmp(c->name, name))
            continue;
        if (!l || newer(c, l)) {
            p = l;
            l = c;
        } else if (!p || newer(c, p)) {
            p = c;
        }
    }
    if (prev)
        *prev = p;
    return l;
}

static json_t *ns_time(int64_t ns)
{
    char buf[32];
    cube_time_rfc3339((time_t)(ns / 1000000000), buf);
    return json_string(buf);
}

static const char *term_reason(const kl_ctr_t *c)
{
    if (c->reason && *c->reason)
        return c->reason;
    return c->exit_code == 0 ? "Completed" : "Error";
}

static json_t *terminated(const kl_ctr_t *c)
{
    json_t *t = json_pack("{s:i,s:s,s:o,s:o,s:s+}", "exitCode", (int)c->exit_code, "reason",
                          term_reason(c), "startedAt", ns_time(c->started_ns), "finishedAt",
                          ns_time(c->finished_ns), "containerID", "containerd://", c->id);
    if (c->message && *c->message)
        json_object_set_new(t, "message", json_string(c->message));
    return json_pack("{s:o}", "terminated", t);
}

typedef struct counts {
    int running, stopped, succeeded, waiting, unknown;
} counts_t;

/* The status of one spec container; also counts it. */
static json_t *container_status(const json_t *spec, const kl_pod_state_t *s,
                                const char *default_wait, bool *ret_ready, bool *ret_done,
                                bool *ret_failed, counts_t *n)
{
    const char *name = cube_json_str(spec, "name", NULL);
    const char *image = cube_json_str(spec, "image", NULL);
    const kl_ctr_t *prev = NULL;
    const kl_ctr_t *l = name ? kl_ctr_latest(s, name, &prev) : NULL;
    json_t *w = name ? json_object_get(s->waiting, name) : NULL;
    json_t *st = json_object();
    json_object_set_new(st, "name", json_string(name ? name : ""));
    json_t *state, *last = NULL;
    bool ready = false, started = false;
    *ret_done = false;
    *ret_failed = false;
    if (l && l->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING) {
        state = json_pack("{s:{s:o}}", "running", "startedAt", ns_time(l->started_ns));
        if (prev && prev->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED)
            last = terminated(prev);
        started = true;
        ready = !json_object_get(spec, "readinessProbe") ||
                json_is_true(json_object_get(s->ready, name));
        n->running++;
    } else if (l && l->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED) {
        if (w) {
            state = json_pack("{s:O}", "waiting", w);
            last = terminated(l);
        } else {
            state = terminated(l);
            if (prev && prev->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED)
                last = terminated(prev);
        }
        n->stopped++;
        if (l->exit_code == 0 && !w)
            n->succeeded++;
        *ret_done = l->exit_code == 0;
        *ret_failed = l->exit_code != 0;
    } else {
        if (w)
            state = json_pack("{s:O}", "waiting", w);
        else
            state = json_pack("{s:{s:s}}", "waiting", "reason", default_wait);
        if (prev && prev->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED) {
            last = terminated(prev);
            n->stopped++;
        } else {
            n->waiting++;
        }
    }
    json_object_set_new(st, "state", state);
    json_object_set_new(st, "lastState", last ? last : json_object());
    json_object_set_new(st, "ready", json_boolean(ready));
    json_object_set_new(st, "restartCount", json_integer(l ? l->attempt : 0));
    json_object_set_new(st, "image", json_string(image ? image : ""));
    json_object_set_new(st, "imageID", json_string(l && l->image_ref ? l->image_ref : ""));
    if (l)
        json_object_set_new(st, "containerID", json_sprintf("containerd://%s", l->id));
    json_object_set_new(st, "started", json_boolean(started));
    *ret_ready = ready;
    return st;
}

static json_t *cond(const char *type, bool ok, const char *reason, const char *msg,
                    const json_t *old, const char *now)
{
    const char *status = ok ? "True" : "False";
    json_t *c = json_pack("{s:s,s:s,s:n}", "type", type, "status", status, "lastProbeTime");
    const char *ltt = now;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(old, "conditions"), i, o)
    {
        if (!strcmp(cube_json_str(o, "type", NULL) ?: "", type) &&
            !strcmp(cube_json_str(o, "status", NULL) ?: "", status) &&
            cube_json_str(o, "lastTransitionTime", NULL))
            ltt = cube_json_str(o, "lastTransitionTime", NULL);
    }
    json_object_set_new(c, "lastTransitionTime", json_string(ltt));
    if (!ok && reason)
        json_object_set_new(c, "reason", json_string(reason));
    if (!ok && msg)
        json_object_set_new(c, "message", json_string(msg));
    return c;
}

static void names_msg(cube_buf_t *b, const char *what, const json_t *names)
{
    cube_buf_printf(b, "containers with %s status: [", what);
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v)
    {
        if (i)
            cube_buf_putc(b, ' ');
        cube_buf_puts(b, json_string_value(v));
    }
    cube_buf_putc(b, ']');
}

json_t *kl_pod_status(const json_t *pod, const kl_pod_state_t *s, const json_t *old, time_t now_t)
{
    char now[32];
    cube_time_rfc3339(now_t, now);
    const char *policy = cube_json_str(pod, "spec", "restartPolicy", NULL);
    if (!policy)
        policy = "Always";
    json_t *st = json_object();

    /* init containers */
    json_t *inits = json_array();
    json_auto_t *incomplete = json_array();
    int pending_init = 0, failed_init = 0;
    size_t i;
    json_t *c;
    counts_t ignore = {0};
    json_array_foreach(cube_json_path(pod, "spec", "initContainers", NULL), i, c)
    {
        bool ready, done, failed;
        json_t *cs = container_status(c, s, "PodInitializing", &ready, &done, &failed, &ignore);
        bool sidecar = !strcmp(cube_json_str(c, "restartPolicy", NULL) ?: "", "Always");
        if (sidecar && json_object_get(json_object_get(cs, "state"), "running"))
            done = true;
        if (!done) {
            json_array_append_new(incomplete, json_string(cube_json_str(c, "name", NULL) ?: ""));
            json_t *lastterm = cube_json_path(cs, "lastState", "terminated", NULL);
            if (failed || (lastterm && json_integer_value(json_object_get(lastterm, "exitCode"))))
                failed_init++;
            else
                pending_init++;
        }
        json_array_append_new(inits, cs);
    }
    bool initialized = json_array_size(incomplete) == 0;

    /* app containers */
    json_t *ctrs = json_array();
    json_auto_t *unready = json_array();
    counts_t n = {0};
    json_array_foreach(cube_json_path(pod, "spec", "containers", NULL), i, c)
    {
        bool ready, done, failed;
        json_t *cs = container_status(c, s, initialized ? "ContainerCreating" : "PodInitializing",
                                      &ready, &done, &failed, &n);
        if (!ready)
            json_array_append_new(unready, json_string(cube_json_str(c, "name", NULL) ?: ""));
        json_array_append_new(ctrs, cs);
    }

    /* phase (getPhase) */
    const char *phase;
    const char *old_phase = cube_json_str(old, "phase", NULL);
    if (old_phase && (!strcmp(old_phase, "Succeeded") || !strcmp(old_phase, "Failed")))
        phase = old_phase; /* terminal phases never change */
    else if (s->terminal_failed || (failed_init > 0 && !strcmp(policy, "Never")))
        phase = "Failed";
    else if (pending_init > 0 || failed_init > 0)
        phase = "Pending";
    else if (n.waiting > 0)
        phase = "Pending";
    else if (n.running > 0 && n.unknown == 0)
        phase = "Running";
    else if (n.running == 0 && n.stopped > 0 && n.unknown == 0) {
        if (!strcmp(policy, "Always"))
            phase = "Running";
        else if (n.stopped == n.succeeded)
            phase = "Succeeded";
        else if (!strcmp(policy, "Never"))
            phase = "Failed";
        else
            phase = "Running";
    } else
        phase = "Pending";
    json_object_set_new(st, "phase", json_string(phase));
    bool completed = !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed");

    /* conditions, in the order the kubelet writes them */
    json_t *conds = json_array();
    json_array_append_new(
        conds, cond("PodReadyToStartContainers", s->sandbox_ready, NULL, NULL, old, now));
    cube_buf_t msg _cleanup_buf_ = CUBE_BUF_INIT;
    names_msg(&msg, "incomplete", incomplete);
    json_array_append_new(conds, cond("Initialized", initialized,
                                      completed ? "PodCompleted" : "ContainersNotInitialized",
                                      completed ? NULL : msg.data, old, now));
    bool all_ready = json_array_size(unready) == 0 && !completed;
    cube_buf_t rmsg _cleanup_buf_ = CUBE_BUF_INIT;
    names_msg(&rmsg, "unready", unready);
    const char *rreason = completed ? "PodCompleted" : "ContainersNotReady";
    json_array_append_new(
        conds, cond("Ready", all_ready, rreason, completed ? NULL : rmsg.data, old, now));
    json_array_append_new(
        conds, cond("ContainersReady", all_ready, rreason, completed ? NULL : rmsg.data, old, now));
    json_array_append_new(conds, cond("PodScheduled", true, NULL, NULL, old, now));
    json_object_set_new(st, "conditions", conds);

    if (s->host_ip) {
        json_object_set_new(st, "hostIP", json_string(s->host_ip));
        json_object_set_new(st, "hostIPs", json_pack("[{s:s}]", "ip", s->host_ip));
    }
    if (s->pod_ip && *s->pod_ip) {
        json_object_set_new(st, "podIP", json_string(s->pod_ip));
        json_object_set_new(st, "podIPs", json_pack("[{s:s}]", "ip", s->pod_ip));
    }
    const char *start = cube_json_str(old, "startTime", NULL);
    json_object_set_new(st, "startTime", json_string(start ? start : now));
    if (json_array_size(inits))
        json_object_set_new(st, "initContainerStatuses", inits);
    else
        json_decref(inits);
    json_object_set_new(st, "containerStatuses", ctrs);
    json_object_set_new(st, "qosClass", json_string(kl_qos_class(pod)));
    return st;
}

static const char *const managed[] = {
    "phase",
    "conditions",
    "hostIP",
    "hostIPs",
    "podIP",
    "podIPs",
    "startTime",
    "initContainerStatuses",
    "containerStatuses",
    "qosClass",
};

bool kl_status_equal(const json_t *a, const json_t *b)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(managed); i++)
        if (!json_equal(json_object_get(a, managed[i]), json_object_get(b, managed[i])) &&
            (json_object_get(a, managed[i]) || json_object_get(b, managed[i])))
            return false;
    return true;
}
