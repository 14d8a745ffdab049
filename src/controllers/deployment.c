/*
 * deployment: rolls a Deployment's pod template out through ReplicaSets, as
 * Kubernetes' pkg/controller/deployment does. Each template gets its own
 * ReplicaSet, named and labelled with a stable hash of the template
 * (pod-template-hash); RollingUpdate moves replicas from the old ReplicaSets to
 * the new one within maxSurge and maxUnavailable, Recreate scales the old ones
 * to zero first. Scaling a Deployment mid-rollout spreads the change over its
 * ReplicaSets in proportion. Revisions live in annotations (so `kubectl rollout
 * history/undo` work), old ReplicaSets beyond revisionHistoryLimit are
 * deleted, and status carries the Available and Progressing conditions with
 * the reasons kubectl prints.
 *
 * The decisions are pure functions over working copies of the ReplicaSets
 * (cube_deploy_*); sync() only reads the caches, calls them and writes the
 * differences.
 */
#include <math.h>

#include "controllers/controllers.h"

#define ANN_REVISION "deployment.kubernetes.io/revision"
#define ANN_DESIRED "deployment.kubernetes.io/desired-replicas"
#define ANN_MAX "deployment.kubernetes.io/max-replicas"
#define ANN_HISTORY "deployment.kubernetes.io/revision-history"
#define HASH_LABEL "pod-template-hash"

#define IVAL(obj, ...) json_integer_value(cube_json_path((obj), __VA_ARGS__, NULL))

typedef struct deploy_ctrl {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *deps, *rss, *pods;
    cube_informer_t *d_inf, *rs_inf, *pod_inf;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *workers;
    cube_recorder_t *rec;
} deploy_ctrl_t;

/* ---- small readers ------------------------------------------------------- */

static int64_t spec_replicas(const json_t *obj)
{
    json_t *r = cube_json_path(obj, "spec", "replicas", NULL);
    return json_is_integer(r) ? json_integer_value(r) : 1;
}

static void set_spec_replicas(json_t *rs, int64_t v)
{
    json_object_set_new(cube_json_obj(rs, "spec"), "replicas", json_integer(v));
}

static int64_t ann_int(const json_t *obj, const char *key, bool *ret_ok)
{
    const char *s = cube_json_str(obj, "metadata", "annotations", key, NULL);
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (ret_ok)
        *ret_ok = s && end && !*end && *s;
    return s && end && !*end ? v : 0;
}

static void set_ann(json_t *obj, const char *key, const char *val)
{
    json_object_set_new(cube_json_obj(cube_json_obj(obj, "metadata"), "annotations"), key,
                        json_string(val));
}

static void set_ann_int(json_t *obj, const char *key, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    set_ann(obj, key, buf);
}

static bool is_rolling(const json_t *d)
{
    const char *t = cube_json_str(d, "spec", "strategy", "type", NULL);
    return !t || !strcmp(t, "RollingUpdate");
}

static int64_t ts_of(const json_t *obj, const char *field)
{
    time_t t;
    const char *s = cube_json_str(obj, "metadata", field, NULL);
    return s && cube_time_parse(s, &t) == 0 ? (int64_t)t : 0;
}

/* Oldest first; ties by name. */
static int cmp_created(const void *pa, const void *pb)
{
    const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
    int64_t ta = ts_of(a, "creationTimestamp"), tb = ts_of(b, "creationTimestamp");
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return strcmp(cube_json_str(a, "metadata", "name", NULL) ?: "",
                  cube_json_str(b, "metadata", "name", NULL) ?: "");
}

/* ---- pure decisions ------------------------------------------------------ */

/* An intstr (int or "N%") of total, rounded up or down. */
static int64_t scaled_value(const json_t *v, int64_t total, bool round_up)
{
    if (json_is_integer(v))
        return json_integer_value(v);
    const char *s = json_string_value(v);
    if (!s)
        return 0;
    size_t len = strlen(s);
    char *end = NULL;
    long long p = strtoll(s, &end, 10);
    if (len && s[len - 1] == '%' && end == s + len - 1) {
        double x = (double)p * (double)total / 100.0;
        return (int64_t)(round_up ? ceil(x) : floor(x));
    }
    return end && !*end ? p : 0;
}

void cube_deploy_fenceposts(const json_t *d, int64_t *ret_surge, int64_t *ret_unavailable)
{
    int64_t replicas = spec_replicas(d);
    int64_t surge = 0, unavail = 0;
    if (is_rolling(d)) {
        json_t *ru = cube_json_path(d, "spec", "strategy", "rollingUpdate", NULL);
        json_t *ms = json_object_get(ru, "maxSurge");
        json_t *mu = json_object_get(ru, "maxUnavailable");
        json_auto_t *def = json_string("25%");
        surge = scaled_value(ms ? ms : def, replicas, true);
        unavail = scaled_value(mu ? mu : def, replicas, false);
        if (surge == 0 && unavail == 0)
            unavail = 1;
        if (unavail > replicas)
            unavail = replicas;
    }
    *ret_surge = surge;
    *ret_unavailable = replicas == 0 ? 0 : unavail;
}

static int64_t max_surge(const json_t *d)
{
    int64_t s, u;
    cube_deploy_fenceposts(d, &s, &u);
    return s;
}

static int64_t max_unavailable(const json_t *d)
{
    int64_t s, u;
    cube_deploy_fenceposts(d, &s, &u);
    return u;
}

/* FNV-1a, 32 bits. */
static uint32_t fnv32a(uint32_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

char *cube_deploy_template_hash(const json_t *tmpl, int64_t collision_count)
{
    json_auto_t *copy = json_deep_copy(tmpl);
    json_object_del(cube_json_path(copy, "metadata", "labels", NULL), HASH_LABEL);
    _cleanup_free_ char *s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
    uint32_t h = fnv32a(2166136261u, s, strlen(s));
    if (collision_count > 0) {
        uint32_t c = (uint32_t)collision_count;
        h = fnv32a(h, &c, sizeof(c));
    }
    /* Kubernetes' SafeEncodeString over the decimal digits: no vowels, no look-alikes. */
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    char digits[16];
    snprintf(digits, sizeof(digits), "%u", h);
    for (char *p = digits; *p; p++)
        *p = alphabet[(unsigned char)*p % (sizeof(alphabet) - 1)];
    return xstrdup(digits);
}

/* Templates equal but for the pod-template-hash label. */
static bool templates_equal(const json_t *a, const json_t *b)
{
    json_auto_t *ca = json_deep_copy(a), *cb = json_deep_copy(b);
    json_t *la = cube_json_path(ca, "metadata", "labels", NULL);
    json_t *lb = cube_json_path(cb, "metadata", "labels", NULL);
    json_object_del(la, HASH_LABEL);
    json_object_del(lb, HASH_LABEL);
    if (la && json_object_size(la) == 0)
        json_object_del(json_object_get(ca, "metadata"), "labels");
    if (lb && json_object_size(lb) == 0)
        json_object_del(json_object_get(cb, "metadata"), "labels");
    return json_equal(ca, cb);
}

static int64_t sum_spec(json_t *const *rss, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        if (rss[i])
            s += spec_replicas(rss[i]);
    return s;
}

static int64_t sum_status(json_t *const *rss, size_t n, const char *field)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        if (rss[i])
            s += IVAL(rss[i], "status", field);
    return s;
}

int64_t cube_deploy_new_rs_replicas(const json_t *d, json_t *const *all, size_t n,
                                    const json_t *new_rs)
{
    int64_t want = spec_replicas(d);
    int64_t cur_new = new_rs ? spec_replicas(new_rs) : 0;
    if (!is_rolling(d))
        return want;
    int64_t current = sum_spec(all, n);
    int64_t max_total = want + max_surge(d);
    if (current >= max_total)
        return cur_new;
    int64_t up = max_total - current;
    if (up > want - cur_new)
        up = want - cur_new;
    return cur_new + up;
}

/* Scales down unhealthy replicas of old RSs (oldest first) up to max_cleanup. */
static int64_t cleanup_unhealthy(json_t **old, size_t n, int64_t max_cleanup)
{
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t spec = spec_replicas(old[i]);
        if (spec == 0)
            continue;
        if (total >= max_cleanup)
            break;
        int64_t unhealthy = spec - IVAL(old[i], "status", "availableReplicas");
        if (unhealthy <= 0)
            continue;
        int64_t down = max_cleanup - total < unhealthy ? max_cleanup - total : unhealthy;
        set_spec_replicas(old[i], spec - down);
        total += down;
    }
    return total;
}

static int64_t scale_down_old_rolling(const json_t *d, json_t **old, size_t n, const json_t *new_rs)
{
    int64_t min_available = spec_replicas(d) - max_unavailable(d);
    int64_t available = sum_status(old, n, "availableReplicas") +
                        (new_rs ? IVAL(new_rs, "status", "availableReplicas") : 0);
    if (available <= min_available)
        return 0;
    int64_t target = available - min_available, total = 0;
    for (size_t i = 0; i < n && total < target; i++) {
        int64_t spec = spec_replicas(old[i]);
        if (spec == 0)
            continue;
        int64_t down = spec < target - total ? spec : target - total;
        set_spec_replicas(old[i], spec - down);
        total += down;
    }
    return total;
}

int cube_deploy_rolling_plan(const json_t *d, json_t **old, size_t n_old, json_t *new_rs)
{
    qsort(old, n_old, sizeof(*old), cmp_created);
    int64_t want = spec_replicas(d);
    if (new_rs) {
        int64_t cur = spec_replicas(new_rs);
        if (cur > want) {
            set_spec_replicas(new_rs, want);
            return 1;
        }
        if (cur < want) {
            json_t **all = xcalloc(n_old + 1, sizeof(*all));
            memcpy(all, old, n_old * sizeof(*old));
            all[n_old] = new_rs;
            int64_t v = cube_deploy_new_rs_replicas(d, all, n_old + 1, new_rs);
            free(all);
            if (v != cur) {
                set_spec_replicas(new_rs, v);
                return 1;
            }
        }
    }
    int64_t old_pods = sum_spec(old, n_old);
    if (old_pods == 0)
        return 0;
    int64_t all_pods = old_pods + (new_rs ? spec_replicas(new_rs) : 0);
    int64_t min_available = want - max_unavailable(d);
    int64_t new_unavailable =
        new_rs ? spec_replicas(new_rs) - IVAL(new_rs, "status", "availableReplicas") : 0;
    int64_t max_down = all_pods - min_available - new_unavailable;
    if (max_down <= 0)
        return 0;
    int64_t cleaned = cleanup_unhealthy(old, n_old, max_down);
    int64_t down = scale_down_old_rolling(d, old, n_old, new_rs);
    return cleaned + down > 0 ? 2 : 0;
}

/* Larger first; ties newer first (adding) or older first (removing). */
static int cmp_size_newer(const void *pa, const void *pb)
{
    const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
    int64_t sa = spec_replicas(a), sb = spec_replicas(b);
    if (sa != sb)
        return sa > sb ? -1 : 1;
    return -cmp_created(pa, pb);
}

static int cmp_size_older(const void *pa, const void *pb)
{
    const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
    int64_t sa = spec_replicas(a), sb = spec_replicas(b);
    if (sa != sb)
        return sa > sb ? -1 : 1;
    return cmp_created(pa, pb);
}

static int64_t proportion(const json_t *d, const json_t *rs, int64_t to_add, int64_t added)
{
    int64_t rs_replicas = spec_replicas(rs);
    if (rs_replicas == 0 || to_add == 0 || to_add == added)
        return 0;
    int64_t fraction;
    if (spec_replicas(d) == 0) {
        fraction = -rs_replicas;
    } else {
        int64_t dep_replicas = spec_replicas(d) + max_surge(d);
        bool ok;
        int64_t annotated = ann_int(rs, ANN_MAX, &ok);
        if (!ok)
            annotated = IVAL(d, "status", "replicas");
        if (annotated <= 0)
            annotated = 1;
        fraction = (int64_t)llround((double)(rs_replicas * dep_replicas) / (double)annotated) -
                   rs_replicas;
    }
    int64_t allowed = to_add - added;
    if (to_add > 0)
        return fraction < allowed ? fraction : allowed;
    return fraction > allowed ? fraction : allowed;
}

void cube_deploy_scale_plan(const json_t *d, json_t **old, size_t n_old, json_t *new_rs)
{
    int64_t want = spec_replicas(d);
    json_t **all = xcalloc(n_old + 1, sizeof(*all));
    size_t n = 0, active = 0;
    json_t *only = NULL;
    for (size_t i = 0; i <= n_old; i++) {
        json_t *rs = i < n_old ? old[i] : new_rs;
        if (rs && spec_replicas(rs) > 0) {
            active++;
            only = rs;
        }
    }
    /* One active (or, with none, the newest) ReplicaSet simply takes the new size. */
    if (active <= 1) {
        if (active == 0) {
            only = new_rs;
            if (!only) {
                for (size_t i = 0; i < n_old; i++)
                    if (!only || cmp_created(&old[i], &only) > 0)
                        only = old[i];
            }
        }
        if (only)
            set_spec_replicas(only, want);
        free(all);
        return;
    }
    /* Saturated: the new RS is fully up, so the old ones go. */
    bool ok;
    if (new_rs && spec_replicas(new_rs) == want && ann_int(new_rs, ANN_DESIRED, &ok) == want &&
        ok && IVAL(new_rs, "status", "availableReplicas") == want) {
        for (size_t i = 0; i < n_old; i++)
            set_spec_replicas(old[i], 0);
        free(all);
        return;
    }
    if (!is_rolling(d)) {
        free(all);
        return;
    }
    for (size_t i = 0; i <= n_old; i++) {
        json_t *rs = i < n_old ? old[i] : new_rs;
        if (rs && spec_replicas(rs) > 0)
            all[n++] = rs;
    }
    int64_t allowed = want > 0 ? want + max_surge(d) : 0;
    int64_t to_add = allowed - sum_spec(all, n);
    if (to_add == 0) {
        free(all);
        return;
    }
    qsort(all, n, sizeof(*all), to_add > 0 ? cmp_size_newer : cmp_size_older);
    int64_t *sizes = xcalloc(n, sizeof(*sizes));
    int64_t added = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t p = proportion(d, all[i], to_add, added);
        sizes[i] = spec_replicas(all[i]) + p;
        added += p;
    }
    sizes[0] += to_add - added;
    if (sizes[0] < 0)
        sizes[0] = 0;
    for (size_t i = 0; i < n; i++)
        set_spec_replicas(all[i], sizes[i]);
    free(sizes);
    free(all);
}

/* ---- conditions ---------------------------------------------------------- */

static json_t *get_cond(const json_t *status, const char *type)
{
    json_t *conds = json_object_get(status, "conditions");
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", type))
            return c;
    }
    return NULL;
}

static void remove_cond(json_t *status, const char *type)
{
    json_t *conds = json_object_get(status, "conditions");
    for (size_t i = json_array_size(conds); i-- > 0;)
        if (!strcmp(json_string_value(json_object_get(json_array_get(conds, i), "type")) ?: "",
                    type))
            json_array_remove(conds, i);
}

static json_t *new_cond(const char *type, const char *status, const char *reason, const char *msg,
                        int64_t now)
{
    char ts[32];
    cube_time_rfc3339((time_t)now, ts);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", type, "status", status,
                     "lastUpdateTime", ts, "lastTransitionTime", ts, "reason", reason, "message",
                     msg);
}

/* SetDeploymentCondition: same status and reason is no change; same status keeps the
 * transition time. Takes cond. */
static void set_cond(json_t *status, json_t *cond)
{
    const char *type = json_string_value(json_object_get(cond, "type"));
    json_t *cur = get_cond(status, type);
    const char *st = json_string_value(json_object_get(cond, "status"));
    if (cur && !strcmp(json_string_value(json_object_get(cur, "status")) ?: "", st) &&
        !strcmp(json_string_value(json_object_get(cur, "reason")) ?: "",
                json_string_value(json_object_get(cond, "reason")))) {
        json_decref(cond);
        return;
    }
    if (cur && !strcmp(json_string_value(json_object_get(cur, "status")) ?: "", st))
        json_object_set(cond, "lastTransitionTime", json_object_get(cur, "lastTransitionTime"));
    remove_cond(status, type);
    json_t *conds = json_object_get(status, "conditions");
    if (!json_is_array(conds)) {
        conds = json_array();
        json_object_set_new(status, "conditions", conds);
    }
    json_array_append_new(conds, cond);
}

static void set_or_omit(json_t *st, const char *key, int64_t v)
{
    if (v)
        json_object_set_new(st, key, json_integer(v));
    else
        json_object_del(st, key);
}

json_t *cube_deploy_status(const json_t *d, json_t *const *all, size_t n, const json_t *new_rs,
                           int64_t now)
{
    json_t *old = json_object_get(d, "status");
    json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
    int64_t available = sum_status(all, n, "availableReplicas");
    int64_t unavailable = sum_spec(all, n) - available;
    set_or_omit(st, "observedGeneration", IVAL(d, "metadata", "generation"));
    set_or_omit(st, "replicas", sum_status(all, n, "replicas"));
    set_or_omit(st, "updatedReplicas", new_rs ? IVAL(new_rs, "status", "replicas") : 0);
    set_or_omit(st, "readyReplicas", sum_status(all, n, "readyReplicas"));
    set_or_omit(st, "availableReplicas", available);
    set_or_omit(st, "unavailableReplicas", unavailable > 0 ? unavailable : 0);
    if (available >= spec_replicas(d) - max_unavailable(d))
        set_cond(st, new_cond("Available", "True", "MinimumReplicasAvailable",
                              "Deployment has minimum availability.", now));
    else
        set_cond(st, new_cond("Available", "False", "MinimumReplicasUnavailable",
                              "Deployment does not have minimum availability.", now));
    return st;
}

static bool has_deadline(const json_t *d)
{
    json_t *p = cube_json_path(d, "spec", "progressDeadlineSeconds", NULL);
    return json_is_integer(p) && json_integer_value(p) != INT32_MAX;
}

static bool deployment_complete(const json_t *d, const json_t *st)
{
    int64_t want = spec_replicas(d);
    return json_integer_value(json_object_get(st, "updatedReplicas")) == want &&
           json_integer_value(json_object_get(st, "replicas")) == want &&
           json_integer_value(json_object_get(st, "availableReplicas")) == want &&
           json_integer_value(json_object_get(st, "observedGeneration")) >=
               IVAL(d, "metadata", "generation");
}

static bool deployment_progressing(const json_t *d, const json_t *st)
{
    json_t *old = json_object_get(d, "status");
#define F(o, k) json_integer_value(json_object_get((o), (k)))
    return F(st, "updatedReplicas") > F(old, "updatedReplicas") ||
           F(st, "replicas") - F(st, "updatedReplicas") <
               F(old, "replicas") - F(old, "updatedReplicas") ||
           F(st, "readyReplicas") > F(old, "readyReplicas") ||
           F(st, "availableReplicas") > F(old, "availableReplicas");
#undef F
}

static bool timed_out(const json_t *d, const json_t *st, int64_t now)
{
    if (!has_deadline(d))
        return false;
    json_t *c = get_cond(st, "Progressing");
    if (!c)
        return false;
    const char *reason = json_string_value(json_object_get(c, "reason")) ?: "";
    if (!strcmp(reason, "NewReplicaSetAvailable"))
        return false;
    if (!strcmp(reason, "ProgressDeadlineExceeded"))
        return true;
    time_t from;
    if (cube_time_parse(json_string_value(json_object_get(c, "lastUpdateTime")) ?: "", &from) < 0)
        return false;
    return (int64_t)from + IVAL(d, "spec", "progressDeadlineSeconds") < now;
}

json_t *cube_deploy_rollout_status(const json_t *d, json_t *const *all, size_t n,
                                   const json_t *new_rs, int64_t now)
{
    json_t *st = cube_deploy_status(d, all, n, new_rs, now);
    if (!has_deadline(d))
        remove_cond(st, "Progressing");
    json_t *cur = get_cond(st, "Progressing");
    bool complete =
        json_integer_value(json_object_get(st, "replicas")) ==
            json_integer_value(json_object_get(st, "updatedReplicas")) &&
        cur &&
        !strcmp(json_string_value(json_object_get(cur, "reason")) ?: "", "NewReplicaSetAvailable");
    if (!has_deadline(d) || complete)
        return st;
    const char *rs_name = new_rs ? cube_json_str(new_rs, "metadata", "name", NULL) : NULL;
    char msg[512];
    if (deployment_complete(d, st)) {
        snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has successfully progressed.", rs_name ?: "");
        set_cond(st, new_cond("Progressing", "True", "NewReplicaSetAvailable", msg, now));
    } else if (deployment_progressing(d, st)) {
        if (rs_name)
            snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" is progressing.", rs_name);
        else
            snprintf(msg, sizeof(msg), "Deployment is progressing.");
        json_t *c = new_cond("Progressing", "True", "ReplicaSetUpdated", msg, now);
        if (cur && !strcmp(json_string_value(json_object_get(cur, "status")) ?: "", "True"))
            json_object_set(c, "lastTransitionTime", json_object_get(cur, "lastTransitionTime"));
        remove_cond(st, "Progressing");
        set_cond(st, c);
    } else if (timed_out(d, st, now)) {
        if (rs_name)
            snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has timed out progressing.", rs_name);
        else
            snprintf(msg, sizeof(msg), "Deployment \"%s\" has timed out progressing.",
                     cube_json_str(d, "metadata", "name", NULL) ?: "");
        set_cond(st, new_cond("Progressing", "False", "ProgressDeadlineExceeded", msg, now));
    }
    return st;
}

/* ---- informer handlers --------------------------------------------------- */

/* The Deployment controlling obj (an RS), as a key, or NULL. Owned. */
static char *owner_deployment(deploy_ctrl_t *c, const json_t *rs)
{
    const json_t *ref = cube_ctrl_controller_ref(rs);
    if (!ref || strcmp(json_string_value(json_object_get(ref, "kind")) ?: "", "Deployment"))
        return NULL;
    const char *ns = cube_json_str(rs, "metadata", "namespace", NULL);
    const char *name = json_string_value(json_object_get(ref, "name"));
    return ns && name ? xasprintf("%s/%s", ns, name) : NULL;
}

static void enqueue_for_rs(deploy_ctrl_t *c, const json_t *rs)
{
    _cleanup_free_ char *key = owner_deployment(c, rs);
    if (key) {
        cube_workqueue_add(c->q, key);
        return;
    }
    if (cube_ctrl_controller_ref(rs))
        return;
    /* An orphan: the deployments of its namespace whose selector matches may adopt it. */
    const char *ns = cube_json_str(rs, "metadata", "namespace", NULL);
    json_t **ds = NULL;
    size_t n = cube_informer_by_index(c->d_inf, CUBE_CTRL_INDEX_NS, ns ?: "", &ds);
    for (size_t i = 0; i < n; i++) {
        cube_selector_t *sel = NULL;
        if (cube_label_selector_from_json(cube_json_path(ds[i], "spec", "selector", NULL), &sel,
                                          NULL) == 0 &&
            cube_ctrl_claim(ds[i], sel, rs) == CUBE_CLAIM_ADOPT)
            cube_ctrl_enqueue(c->q, ds[i]);
        cube_selector_free(sel);
    }
    cube_json_refs_free(ds, n);
}

static void on_d_add(json_t *d, void *ud)
{
    cube_ctrl_enqueue(((deploy_ctrl_t *)ud)->q, d);
}

static void on_d_update(json_t *old, json_t *d, void *ud)
{
    cube_ctrl_enqueue(((deploy_ctrl_t *)ud)->q, d);
}

static void on_d_delete(json_t *d, void *ud)
{
    cube_ctrl_enqueue(((deploy_ctrl_t *)ud)->q, d);
}

static void on_rs_add(json_t *rs, void *ud)
{
    enqueue_for_rs(ud, rs);
}

static void on_rs_update(json_t *old, json_t *rs, void *ud)
{
    deploy_ctrl_t *c = ud;
    if (old == rs)
        return;
    _cleanup_free_ char *ok = owner_deployment(c, old);
    _cleanup_free_ char *nk = owner_deployment(c, rs);
    if (ok && (!nk || strcmp(ok, nk)))
        cube_workqueue_add(c->q, ok);
    enqueue_for_rs(c, rs);
}

static void on_rs_delete(json_t *rs, void *ud)
{
    deploy_ctrl_t *c = ud;
    _cleanup_free_ char *key = owner_deployment(c, rs);
    if (key)
        cube_workqueue_add(c->q, key);
}

/* Recreate waits for old pods to go: a pod deletion may unblock it. */
static void on_pod_delete(json_t *pod, void *ud)
{
    deploy_ctrl_t *c = ud;
    const json_t *ref = cube_ctrl_controller_ref(pod);
    if (!ref || strcmp(json_string_value(json_object_get(ref, "kind")) ?: "", "ReplicaSet"))
        return;
    json_auto_t *rs =
        cube_informer_get(c->rs_inf, cube_json_str(pod, "metadata", "namespace", NULL),
                          json_string_value(json_object_get(ref, "name")));
    if (rs)
        enqueue_for_rs(c, rs);
}

/* ---- sync ---------------------------------------------------------------- */

/* One sync's view: the deployment and working copies of its ReplicaSets. */
typedef struct view {
    json_t *d; /* working copy */
    json_t **orig; /* the claimed RSs as read (references) */
    json_t **work; /* deep copies, same order */
    size_t n;
    ssize_t new_idx; /* index of the new RS in orig/work, or -1 */
} view_t;

static void view_clear(view_t *v)
{
    json_decref(v->d);
    cube_json_refs_free(v->orig, v->n);
    cube_json_refs_free(v->work, v->n);
    memset(v, 0, sizeof(*v));
}

static int claim_rss(deploy_ctrl_t *c, view_t *v, cube_err_t *err)
{
    const char *ns = cube_json_str(v->d, "metadata", "namespace", NULL);
    cube_selector_t *sel = NULL;
    if (cube_label_selector_from_json(cube_json_path(v->d, "spec", "selector", NULL), &sel, err) <
        0)
        return -1;
    json_t **all = NULL;
    size_t n = cube_informer_by_index(c->rs_inf, CUBE_CTRL_INDEX_NS, ns, &all);
    v->orig = xcalloc(n + 2, sizeof(*v->orig));
    v->work = xcalloc(n + 2, sizeof(*v->work));
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        cube_claim_t cl = cube_ctrl_claim(v->d, sel, all[i]);
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        if (cl == CUBE_CLAIM_RELEASE) {
            if (cube_ctrl_release(c->ctx->client, c->rss, all[i],
                                  cube_json_str(v->d, "metadata", "uid", NULL), &e) < 0)
                rc = -1;
            continue;
        }
        if (cl == CUBE_CLAIM_ADOPT) {
            if (cube_ctrl_adopt(c->ctx->client, c->rss, all[i], v->d, "apps/v1", "Deployment", &e) <
                0)
                continue;
        } else if (cl != CUBE_CLAIM_OWNED) {
            continue;
        }
        v->orig[v->n] = json_incref(all[i]);
        v->work[v->n] = json_deep_copy(all[i]);
        v->n++;
    }
    cube_json_refs_free(all, n);
    cube_selector_free(sel);
    if (rc < 0)
        cube_err_internal(err, "releasing replica sets failed");
    return 0;
}

/* Finds the RS whose template is the deployment's (the oldest if several). */
static void find_new(view_t *v)
{
    v->new_idx = -1;
    json_t *tmpl = cube_json_path(v->d, "spec", "template", NULL);
    for (size_t i = 0; i < v->n; i++) {
        if (!templates_equal(cube_json_path(v->orig[i], "spec", "template", NULL), tmpl))
            continue;
        if (v->new_idx < 0 || cmp_created(&v->orig[i], &v->orig[v->new_idx]) < 0)
            v->new_idx = (ssize_t)i;
    }
}

/* Old working copies (all but the new one), in a new array (borrowed entries). */
static json_t **olds(const view_t *v, size_t *ret_n)
{
    json_t **o = xcalloc(v->n + 1, sizeof(*o));
    size_t m = 0;
    for (size_t i = 0; i < v->n; i++)
        if ((ssize_t)i != v->new_idx)
            o[m++] = v->work[i];
    *ret_n = m;
    return o;
}

static int64_t max_old_revision(const view_t *v)
{
    int64_t max = 0;
    for (size_t i = 0; i < v->n; i++) {
        if ((ssize_t)i == v->new_idx)
            continue;
        int64_t r = ann_int(v->orig[i], ANN_REVISION, NULL);
        if (r > max)
            max = r;
    }
    return max;
}

/* Annotations of the deployment copied to its RSs (all but the controller's own). */
static bool skip_annotation(const char *k)
{
    return !strcmp(k, ANN_REVISION) || !strcmp(k, ANN_DESIRED) || !strcmp(k, ANN_MAX) ||
           !strcmp(k, ANN_HISTORY) ||
           !strcmp(k, "kubectl.kubernetes.io/last-applied-configuration") ||
           !strcmp(k, "deprecated.deployment.rollback.to");
}

static void copy_annotations(const json_t *d, json_t *rs)
{
    json_t *anns = cube_json_path(d, "metadata", "annotations", NULL);
    const char *k;
    json_t *val;
    json_object_foreach(anns, k, val)
    {
        if (!skip_annotation(k))
            set_ann(rs, k, json_string_value(val));
    }
}

static void set_replicas_annotations(const json_t *d, json_t *rs)
{
    set_ann_int(rs, ANN_DESIRED, spec_replicas(d));
    set_ann_int(rs, ANN_MAX, spec_replicas(d) + max_surge(d));
}

/* Writes the deployment's revision annotation if it changed (a metadata patch: status updates
 * do not carry annotations here). */
static int sync_revision_annotation(deploy_ctrl_t *c, view_t *v, int64_t rev, cube_err_t *err)
{
    if (ann_int(v->d, ANN_REVISION, NULL) == rev)
        return 0;
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)rev);
    json_auto_t *patch = json_pack("{s:{s:{s:s}}}", "metadata", "annotations", ANN_REVISION, buf);
    json_t *fresh = NULL;
    if (cube_client_patch(c->ctx->client, c->deps,
                          cube_json_str(v->d, "metadata", "namespace", NULL),
                          cube_json_str(v->d, "metadata", "name", NULL),
                          "application/merge-patch+json", patch, NULL, &fresh, err) < 0)
        return -1;
    /* Keep our status view (it may hold conditions not written yet). */
    json_object_set(fresh, "status", json_object_get(v->d, "status"));
    json_decref(v->d);
    v->d = fresh;
    return 0;
}

static int write_status(deploy_ctrl_t *c, view_t *v, json_t *status, cube_err_t *err)
{
    if (json_equal(json_object_get(v->d, "status"), status))
        return 0;
    json_object_set(v->d, "status", status);
    json_t *fresh = NULL;
    if (cube_client_update(c->ctx->client, c->deps, v->d, "status", &fresh, err) < 0)
        return -1;
    json_decref(v->d);
    v->d = fresh;
    return 0;
}

/* Creates the new RS, or refreshes the existing one's annotations; sets the revision. */
static int ensure_new_rs(deploy_ctrl_t *c, view_t *v, bool create, cube_err_t *err)
{
    find_new(v);
    int64_t rev = max_old_revision(v) + 1;
    int64_t now = (int64_t)time(NULL);
    if (v->new_idx >= 0) {
        json_t *rs = v->work[v->new_idx];
        bool changed = false;
        if (ann_int(rs, ANN_REVISION, NULL) < rev) {
            set_ann_int(rs, ANN_REVISION, rev);
            changed = true;
        } else {
            rev = ann_int(rs, ANN_REVISION, NULL);
        }
        json_auto_t *before = json_deep_copy(cube_json_path(rs, "metadata", "annotations", NULL));
        copy_annotations(v->d, rs);
        if (!cube_json_path(rs, "metadata", "annotations", ANN_DESIRED, NULL))
            set_replicas_annotations(v->d, rs);
        if (!json_equal(before, cube_json_path(rs, "metadata", "annotations", NULL)))
            changed = true;
        json_t *mrs = cube_json_path(v->d, "spec", "minReadySeconds", NULL);
        if (IVAL(rs, "spec", "minReadySeconds") != json_integer_value(mrs)) {
            json_object_set_new(cube_json_obj(rs, "spec"), "minReadySeconds",
                                json_integer(json_integer_value(mrs)));
            changed = true;
        }
        if (changed) {
            json_t *fresh = NULL;
            if (cube_client_update(c->ctx->client, c->rss, rs, NULL, &fresh, err) < 0)
                return -1;
            json_decref(v->work[v->new_idx]);
            v->work[v->new_idx] = fresh;
            json_decref(v->orig[v->new_idx]);
            v->orig[v->new_idx] = json_deep_copy(fresh);
        }
        if (sync_revision_annotation(c, v, rev, err) < 0)
            return -1;
        json_t *st = json_object_get(v->d, "status");
        if (has_deadline(v->d) && !get_cond(st, "Progressing")) {
            json_auto_t *nst = json_is_object(st) ? json_deep_copy(st) : json_object();
            char msg[512];
            snprintf(msg, sizeof(msg), "Found new replica set \"%s\"",
                     cube_json_str(rs, "metadata", "name", NULL) ?: "");
            set_cond(nst, new_cond("Progressing", "True", "FoundNewReplicaSet", msg, now));
            if (write_status(c, v, nst, err) < 0)
                return -1;
        }
        return 0;
    }
    if (!create)
        return 0;

    int64_t collisions = IVAL(v->d, "status", "collisionCount");
    json_t *tmpl = cube_json_path(v->d, "spec", "template", NULL);
    _cleanup_free_ char *hash = cube_deploy_template_hash(tmpl, collisions);
    const char *dname = cube_json_str(v->d, "metadata", "name", NULL);
    const char *ns = cube_json_str(v->d, "metadata", "namespace", NULL);
    _cleanup_free_ char *name = xasprintf("%s-%s", dname, hash);
    json_auto_t *rs_tmpl = json_deep_copy(tmpl);
    json_object_set_new(cube_json_obj(cube_json_obj(rs_tmpl, "metadata"), "labels"), HASH_LABEL,
                        json_string(hash));
    json_auto_t *sel = json_deep_copy(cube_json_path(v->d, "spec", "selector", NULL));
    json_object_set_new(cube_json_obj(sel, "matchLabels"), HASH_LABEL, json_string(hash));
    json_t *ref = cube_ctrl_new_controller_ref(v->d, "apps/v1", "Deployment");
    json_auto_t *rs = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:O, s:[o]}, s:{s:I, s:I, s:O, s:O}}", "apiVersion", "apps/v1",
        "kind", "ReplicaSet", "metadata", "name", name, "namespace", ns, "labels",
        cube_json_path(rs_tmpl, "metadata", "labels", NULL), "ownerReferences", ref, "spec",
        "replicas", (json_int_t)0, "minReadySeconds",
        (json_int_t)IVAL(v->d, "spec", "minReadySeconds"), "selector", sel, "template", rs_tmpl);
    copy_annotations(v->d, rs);
    set_ann_int(rs, ANN_REVISION, rev);
    set_replicas_annotations(v->d, rs);
    /* Size: what the strategy allows right now. */
    size_t n_old;
    _cleanup_free_ json_t **old = olds(v, &n_old);
    int64_t replicas = cube_deploy_new_rs_replicas(v->d, old, n_old, NULL);
    set_spec_replicas(rs, replicas);

    json_t *created = NULL;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_create(c->ctx->client, c->rss, ns, rs, &created, &e) < 0) {
        if (e.code != 409 || strcmp(e.reason ?: "", "AlreadyExists")) {
            cube_err_move(err, &e);
            return -1;
        }
        /* Same name: ours with the same template is a stale cache; anything else a collision. */
        json_auto_t *existing = NULL;
        cube_err_clear(&e);
        if (cube_client_get(c->ctx->client, c->rss, ns, name, &existing, &e) < 0) {
            cube_err_move(err, &e);
            return -1;
        }
        const json_t *eref = cube_ctrl_controller_ref(existing);
        if (eref &&
            !strcmp(json_string_value(json_object_get(eref, "uid")) ?: "",
                    cube_json_str(v->d, "metadata", "uid", NULL) ?: "") &&
            templates_equal(cube_json_path(existing, "spec", "template", NULL), tmpl))
            return cube_err_conflict(err, "replica set %s exists; waiting for the cache", name);
        json_auto_t *nst = json_deep_copy(json_object_get(v->d, "status"));
        if (!nst)
            nst = json_object();
        json_object_set_new(nst, "collisionCount", json_integer(collisions + 1));
        write_status(c, v, nst, err);
        return cube_err_conflict(err, "hash collision for replica set %s", name);
    }
    cube_recorder_event(c->rec, v->d, "Normal", "ScalingReplicaSet",
                        "Scaled up replica set %s from 0 to %lld", name, (long long)replicas);
    v->orig[v->n] = json_deep_copy(created);
    v->work[v->n] = created;
    v->new_idx = (ssize_t)v->n;
    v->n++;
    if (sync_revision_annotation(c, v, rev, err) < 0)
        return -1;
    if (has_deadline(v->d)) {
        json_t *st = json_object_get(v->d, "status");
        json_auto_t *nst = json_is_object(st) ? json_deep_copy(st) : json_object();
        char msg[512];
        snprintf(msg, sizeof(msg), "Created new replica set \"%s\"", name);
        set_cond(nst, new_cond("Progressing", "True", "NewReplicaSetCreated", msg, now));
        if (write_status(c, v, nst, err) < 0)
            return -1;
    }
    return 0;
}

/* Writes every RS whose size or replica annotations differ from what was read. */
static int apply_sizes(deploy_ctrl_t *c, view_t *v, cube_err_t *err)
{
    int rc = 0;
    for (size_t i = 0; i < v->n; i++) {
        json_t *w = v->work[i];
        int64_t was = spec_replicas(v->orig[i]), now = spec_replicas(w);
        bool size_changed = was != now;
        json_auto_t *before = json_deep_copy(cube_json_path(w, "metadata", "annotations", NULL));
        /* Kubernetes records the deployment's sizes on every RS it scales, and on the RSs
         * it leaves alone only when their annotations are missing or stale and they are active. */
        if (size_changed || (now > 0 || (ssize_t)i == v->new_idx))
            set_replicas_annotations(v->d, w);
        bool ann_changed = !json_equal(before, cube_json_path(w, "metadata", "annotations", NULL));
        if (!size_changed && !ann_changed)
            continue;
        json_t *fresh = NULL;
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_client_update(c->ctx->client, c->rss, w, NULL, &fresh, &e) < 0) {
            if (rc == 0)
                cube_err_move(err, &e);
            rc = -1;
            continue;
        }
        if (size_changed)
            cube_recorder_event(
                c->rec, v->d, "Normal", "ScalingReplicaSet",
                "Scaled %s replica set %s from %lld to %lld", now > was ? "up" : "down",
                cube_json_str(w, "metadata", "name", NULL) ?: "", (long long)was, (long long)now);
        json_decref(v->orig[i]);
        v->orig[i] = json_deep_copy(fresh);
        json_decref(v->work[i]);
        v->work[i] = fresh;
    }
    return rc;
}

static int sync_status(deploy_ctrl_t *c, view_t *v, bool rollout, cube_err_t *err)
{
    int64_t now = (int64_t)time(NULL);
    json_t *new_rs = v->new_idx >= 0 ? v->work[v->new_idx] : NULL;
    json_auto_t *st = rollout ? cube_deploy_rollout_status(v->d, v->work, v->n, new_rs, now)
                              : cube_deploy_status(v->d, v->work, v->n, new_rs, now);
    if (write_status(c, v, st, err) < 0)
        return -1;
    /* Requeue a stuck rollout for when its deadline passes. */
    json_t *cond = get_cond(st, "Progressing");
    if (rollout && has_deadline(v->d) && cond &&
        strcmp(json_string_value(json_object_get(cond, "reason")) ?: "",
               "NewReplicaSetAvailable") &&
        !deployment_complete(v->d, st)) {
        time_t from;
        if (cube_time_parse(json_string_value(json_object_get(cond, "lastUpdateTime")) ?: "",
                            &from) == 0) {
            int64_t after = (int64_t)from + IVAL(v->d, "spec", "progressDeadlineSeconds") - now;
            _cleanup_free_ char *key = cube_object_key(v->d);
            cube_workqueue_add_after(c->q, key, after < 1 ? 1000 : (int)(after * 1000 + 500));
        }
    }
    /* Availability waits on minReadySeconds: look again then. */
    int64_t mrs = IVAL(v->d, "spec", "minReadySeconds");
    if (mrs > 0 && json_integer_value(json_object_get(st, "availableReplicas")) <
                       json_integer_value(json_object_get(st, "readyReplicas"))) {
        _cleanup_free_ char *key = cube_object_key(v->d);
        cube_workqueue_add_after(c->q, key, (int)(mrs * 1000 + 500));
    }
    return 0;
}

/* Oldest revisions beyond revisionHistoryLimit go, once scaled to zero. */
static void cleanup_history(deploy_ctrl_t *c, view_t *v)
{
    json_t *lim = cube_json_path(v->d, "spec", "revisionHistoryLimit", NULL);
    if (!json_is_integer(lim))
        return;
    json_t **cands = xcalloc(v->n + 1, sizeof(*cands));
    size_t m = 0;
    for (size_t i = 0; i < v->n; i++)
        if ((ssize_t)i != v->new_idx &&
            !cube_json_path(v->orig[i], "metadata", "deletionTimestamp", NULL))
            cands[m++] = v->orig[i];
    int64_t diff = (int64_t)m - json_integer_value(lim);
    for (int64_t k = 0; k < diff; k++) {
        /* the lowest revision left */
        size_t best = 0;
        for (size_t i = 1; i < m; i++)
            if (cands[best] == NULL || (cands[i] && ann_int(cands[i], ANN_REVISION, NULL) <
                                                        ann_int(cands[best], ANN_REVISION, NULL)))
                best = i;
        json_t *rs = cands[best];
        cands[best] = NULL;
        if (!rs)
            break;
        if (IVAL(rs, "status", "replicas") != 0 || spec_replicas(rs) != 0 ||
            IVAL(rs, "metadata", "generation") > IVAL(rs, "status", "observedGeneration"))
            continue;
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        cube_client_delete(c->ctx->client, c->rss, cube_json_str(rs, "metadata", "namespace", NULL),
                           cube_json_str(rs, "metadata", "name", NULL), NULL, &e);
    }
    free(cands);
}

/* Pods of the old RSs still present (Recreate waits for them). */
static bool old_pods_running(deploy_ctrl_t *c, view_t *v)
{
    for (size_t i = 0; i < v->n; i++) {
        if ((ssize_t)i == v->new_idx)
            continue;
        json_t **pods = NULL;
        size_t n =
            cube_informer_by_index(c->pod_inf, CUBE_CTRL_INDEX_OWNER,
                                   cube_json_str(v->orig[i], "metadata", "uid", NULL) ?: "", &pods);
        bool running = false;
        for (size_t k = 0; k < n && !running; k++) {
            const char *ph = cube_json_str(pods[k], "status", "phase", NULL) ?: "";
            running = strcmp(ph, "Succeeded") && strcmp(ph, "Failed");
        }
        cube_json_refs_free(pods, n);
        if (running)
            return true;
    }
    return false;
}

static int sync_paused_condition(deploy_ctrl_t *c, view_t *v, cube_err_t *err)
{
    if (!has_deadline(v->d))
        return 0;
    bool paused = json_is_true(cube_json_path(v->d, "spec", "paused", NULL));
    json_t *st = json_object_get(v->d, "status");
    json_t *cond = get_cond(st, "Progressing");
    bool cond_paused = cond && !strcmp(json_string_value(json_object_get(cond, "reason")) ?: "",
                                       "DeploymentPaused");
    int64_t now = (int64_t)time(NULL);
    json_auto_t *nst = json_is_object(st) ? json_deep_copy(st) : json_object();
    if (paused && !cond_paused)
        set_cond(nst, new_cond("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused",
                               now));
    else if (!paused && cond_paused)
        set_cond(nst, new_cond("Progressing", "Unknown", "DeploymentResumed",
                               "Deployment is resumed", now));
    else
        return 0;
    return write_status(c, v, nst, err);
}

/* Scaling only (paused, or replicas changed): proportional over the active RSs. */
static int do_scale(deploy_ctrl_t *c, view_t *v, cube_err_t *err)
{
    if (ensure_new_rs(c, v, false, err) < 0)
        return -1;
    size_t n_old;
    _cleanup_free_ json_t **old = olds(v, &n_old);
    cube_deploy_scale_plan(v->d, old, n_old, v->new_idx >= 0 ? v->work[v->new_idx] : NULL);
    if (apply_sizes(c, v, err) < 0)
        return -1;
    if (json_is_true(cube_json_path(v->d, "spec", "paused", NULL)))
        cleanup_history(c, v);
    return sync_status(c, v, false, err);
}

static bool is_scaling_event(const view_t *v)
{
    for (size_t i = 0; i < v->n; i++) {
        if (spec_replicas(v->orig[i]) == 0)
            continue;
        bool ok;
        int64_t desired = ann_int(v->orig[i], ANN_DESIRED, &ok);
        if (ok && desired != spec_replicas(v->d))
            return true;
    }
    return false;
}

static int rollout_rolling(deploy_ctrl_t *c, view_t *v, cube_err_t *err)
{
    if (ensure_new_rs(c, v, true, err) < 0)
        return -1;
    size_t n_old;
    _cleanup_free_ json_t **old = olds(v, &n_old);
    int changed = cube_deploy_rolling_plan(v->d, old, n_old, v->work[v->new_idx]);
    if (apply_sizes(c, v, err) < 0)
        return -1;
    if (!changed) {
        json_t *new_rs = v->work[v->new_idx];
        json_auto_t *st = cube_deploy_status(v->d, v->work, v->n, new_rs, (int64_t)time(NULL));
        if (deployment_complete(v->d, st))
            cleanup_history(c, v);
    }
    return sync_status(c, v, true, err);
}

static int rollout_recreate(deploy_ctrl_t *c, view_t *v, cube_err_t *err)
{
    if (ensure_new_rs(c, v, false, err) < 0)
        return -1;
    bool scaled = false;
    for (size_t i = 0; i < v->n; i++) {
        if ((ssize_t)i != v->new_idx && spec_replicas(v->work[i]) > 0) {
            set_spec_replicas(v->work[i], 0);
            scaled = true;
        }
    }
    if (scaled) {
        if (apply_sizes(c, v, err) < 0)
            return -1;
        return sync_status(c, v, true, err);
    }
    if (old_pods_running(c, v))
        return sync_status(c, v, true, err);
    if (v->new_idx < 0 && ensure_new_rs(c, v, true, err) < 0)
        return -1;
    json_t *new_rs = v->work[v->new_idx];
    if (spec_replicas(new_rs) != spec_replicas(v->d))
        set_spec_replicas(new_rs, spec_replicas(v->d));
    if (apply_sizes(c, v, err) < 0)
        return -1;
    json_auto_t *st = cube_deploy_status(v->d, v->work, v->n, new_rs, (int64_t)time(NULL));
    if (deployment_complete(v->d, st))
        cleanup_history(c, v);
    return sync_status(c, v, true, err);
}

static int sync_deployment(const char *key, void *state)
{
    deploy_ctrl_t *c = state;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    json_auto_t *cached = cube_informer_get(c->d_inf, ns, name);
    if (!cached)
        return 0;
    view_t v = {.d = json_deep_copy(cached), .new_idx = -1};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int rc = 0;
    cube_selector_t *sel = NULL;
    if (cube_label_selector_from_json(cube_json_path(v.d, "spec", "selector", NULL), &sel, &err) <
            0 ||
        cube_selector_empty(sel)) {
        cube_selector_free(sel);
        if (IVAL(v.d, "status", "observedGeneration") < IVAL(v.d, "metadata", "generation")) {
            cube_recorder_event(c->rec, v.d, "Warning", "SelectingAll",
                                "This deployment is selecting all pods. A non-empty selector is "
                                "required.");
            json_auto_t *st = json_deep_copy(json_object_get(v.d, "status"));
            if (!st)
                st = json_object();
            json_object_set_new(st, "observedGeneration",
                                json_integer(IVAL(v.d, "metadata", "generation")));
            cube_err_clear(&err);
            write_status(c, &v, st, &err);
        }
        view_clear(&v);
        return 0;
    }
    cube_selector_free(sel);
    if (claim_rss(c, &v, &err) < 0)
        goto out;
    if (cube_json_path(v.d, "metadata", "deletionTimestamp", NULL)) {
        find_new(&v);
        rc = sync_status(c, &v, false, &err);
        goto out;
    }
    if ((rc = sync_paused_condition(c, &v, &err)) < 0)
        goto out;
    if (json_is_true(cube_json_path(v.d, "spec", "paused", NULL))) {
        rc = do_scale(c, &v, &err);
        goto out;
    }
    find_new(&v);
    if (is_scaling_event(&v)) {
        rc = do_scale(c, &v, &err);
        goto out;
    }
    rc = is_rolling(v.d) ? rollout_rolling(c, &v, &err) : rollout_recreate(c, &v, &err);
out:
    if (rc < 0 && err.code != 404)
        cube_log_v(2, "deployment %s: %s", key, err.msg);
    view_clear(&v);
    return rc < 0 && err.code != 404 ? -1 : 0;
}

/* ---- start / stop -------------------------------------------------------- */

static int start_deployment(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    deploy_ctrl_t *c = xcalloc(1, sizeof(*c));
    c->ctx = ctx;
    c->deps = cube_api_resource_find("apps", "v1", "deployments");
    c->rss = cube_api_resource_find("apps", "v1", "replicasets");
    c->pods = cube_api_resource_find("", "v1", "pods");
    if (!c->deps || !c->rss || !c->pods) {
        free(c);
        return cube_err_internal(err, "resources not served");
    }
    c->rec = cube_recorder_new(ctx->client, "deployment-controller", NULL);
    c->q = cube_workqueue_new("deployment", 5, 1000 * 1000, 10, 100);
    c->d_inf = cube_informers_get(ctx->informers, c->deps, NULL);
    c->rs_inf = cube_informers_get(ctx->informers, c->rss, NULL);
    c->pod_inf = cube_informers_get(ctx->informers, c->pods, NULL);
    const cube_informer_handlers_t dh = {on_d_add, on_d_update, on_d_delete, c};
    const cube_informer_handlers_t rh = {on_rs_add, on_rs_update, on_rs_delete, c};
    const cube_informer_handlers_t ph = {NULL, NULL, on_pod_delete, c};
    cube_informer_add_handlers(c->d_inf, &dh);
    cube_informer_add_handlers(c->rs_inf, &rh);
    cube_informer_add_handlers(c->pod_inf, &ph);
    c->workers = cube_ctrl_workers_start(ctx, c->q, ctx->cfg->workers, sync_deployment, c);
    *ret_state = c;
    return 0;
}

static void stop_deployment(void *state)
{
    deploy_ctrl_t *c = state;
    if (!c)
        return;
    cube_ctrl_workers_stop(c->workers);
    cube_workqueue_free(c->q);
    cube_recorder_free(c->rec);
    free(c);
}

const cube_controller_ops_t cube_ctrl_deployment = {
    .name = "deployment", .start = start_deployment, .stop = stop_deployment};
