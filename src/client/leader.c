/*
 * Leader election over a coordination.k8s.io/v1 Lease (client-go's
 * leaderelection with the LeaseLock): when the scheduler or the controller
 * manager runs more than once for availability, exactly one copy acts. The
 * lease is taken when it is free (no holder) or when its holder has not
 * renewed it for leaseDurationSeconds, measured on our own monotonic clock
 * from the moment we last saw the record change (so clock skew between
 * machines does not matter); every write goes through a PUT carrying the
 * resourceVersion we read, so two candidates can never both win.
 */
#include "client/client.h"

#include <errno.h>

typedef struct elector {
    cube_client_t *c;
    const cube_leader_config_t *cfg;
    const cube_resource_t *r;
    /* what we last saw of the lease, and when (monotonic ns) */
    char *observed_holder;
    char *observed_renew;
    uint64_t observed_ns;
} elector_t;

static void now_micro(char *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    cube_time_rfc3339_micro(&ts, out);
}

static bool nap(const atomic_bool *stop, long ms)
{
    while (ms > 0 && !atomic_load(stop)) {
        long step = ms > 100 ? 100 : ms;
        usleep((useconds_t)step * 1000);
        ms -= step;
    }
    return !atomic_load(stop);
}

static void observe(elector_t *e, const json_t *lease)
{
    const char *holder = cube_json_str(lease, "spec", "holderIdentity", NULL) ?: "";
    const char *renew = cube_json_str(lease, "spec", "renewTime", NULL) ?: "";
    if (!e->observed_holder || strcmp(holder, e->observed_holder) ||
        strcmp(renew, e->observed_renew)) {
        free(e->observed_holder);
        free(e->observed_renew);
        e->observed_holder = xstrdup(holder);
        e->observed_renew = xstrdup(renew);
        e->observed_ns = cube_time_mono_ns();
    }
}

/* One attempt to acquire or renew. 1: we hold the lease; 0: someone else does; -1: error. */
static int try_acquire_or_renew(elector_t *e, cube_err_t *err)
{
    const cube_leader_config_t *cfg = e->cfg;
    char now[48];
    now_micro(now);
    json_auto_t *lease = NULL;
    if (cube_client_get(e->c, e->r, cfg->ns, cfg->name, &lease, err) < 0) {
        if (err->code != 404)
            return -1;
        cube_err_clear(err);
        json_auto_t *obj = json_pack(
            "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:i, s:s, s:s, s:i}}", "apiVersion",
            "coordination.k8s.io/v1", "kind", "Lease", "metadata", "name", cfg->name, "namespace",
            cfg->ns, "spec", "holderIdentity", cfg->identity, "leaseDurationSeconds",
            cfg->lease_sec, "acquireTime", now, "renewTime", now, "leaseTransitions", 0);
        json_auto_t *created = NULL;
        if (cube_client_create(e->c, e->r, cfg->ns, obj, &created, err) < 0)
            return err->code == 409 ? (cube_err_clear(err), 0) : -1;
        observe(e, created);
        return 1;
    }
    observe(e, lease);
    json_t *spec = cube_json_obj(lease, "spec");
    const char *holder = cube_json_str(spec, "holderIdentity", NULL) ?: "";
    bool mine = !strcmp(holder, cfg->identity);
    json_t *dur = json_object_get(spec, "leaseDurationSeconds");
    int64_t dur_sec = json_is_integer(dur) ? json_integer_value(dur) : cfg->lease_sec;
    if (!mine && *holder &&
        cube_time_mono_ns() < e->observed_ns + (uint64_t)dur_sec * 1000000000ull)
        return 0; /* held by another and not expired */
    json_auto_t *upd = json_deep_copy(lease);
    spec = cube_json_obj(upd, "spec");
    if (!mine) {
        json_t *tr = json_object_get(spec, "leaseTransitions");
        json_int_t transitions = json_is_integer(tr) ? json_integer_value(tr) : 0;
        json_object_set_new(spec, "leaseTransitions", json_integer(transitions + 1));
        json_object_set_new(spec, "acquireTime", json_string(now));
    }
    json_object_set_new(spec, "holderIdentity", json_string(cfg->identity));
    json_object_set_new(spec, "leaseDurationSeconds", json_integer(cfg->lease_sec));
    json_object_set_new(spec, "renewTime", json_string(now));
    json_auto_t *updated = NULL;
    if (cube_client_update(e->c, e->r, upd, NULL, &updated, err) < 0)
        return -1; /* a Conflict included: the next round reads the new record */
    observe(e, updated);
    return 1;
}

/* Gives the lease up so another candidate can take it at once. */
static void release(elector_t *e)
{
    cube_err_t err = CUBE_ERR_INIT;
    json_auto_t *lease = NULL;
    if (cube_client_get(e->c, e->r, e->cfg->ns, e->cfg->name, &lease, &err) == 0 &&
        !strcmp(cube_json_str(lease, "spec", "holderIdentity", NULL) ?: "", e->cfg->identity)) {
        char now[48];
        now_micro(now);
        json_t *spec = cube_json_obj(lease, "spec");
        json_object_set_new(spec, "holderIdentity", json_string(""));
        json_object_set_new(spec, "leaseDurationSeconds", json_integer(1));
        json_object_set_new(spec, "renewTime", json_string(now));
        json_object_set_new(spec, "acquireTime", json_string(now));
        if (cube_client_update(e->c, e->r, lease, NULL, NULL, &err) < 0)
            cube_log_v(2, "leader election %s/%s: release: %s", e->cfg->ns, e->cfg->name, err.msg);
    }
    cube_err_clear(&err);
}

int cube_leader_run(cube_client_t *c, const cube_leader_config_t *cfg, const atomic_bool *stop,
                    cube_err_t *err)
{
    const cube_resource_t *r = cube_api_resource_find("coordination.k8s.io", "v1", "leases");
    if (!r)
        return cube_err_internal(err, "leader election: leases are not served");
    if (!cfg->ns || !cfg->name || !cfg->identity || !*cfg->identity)
        return cube_err_badrequest(err, "leader election: namespace, name and identity needed");
    cube_leader_config_t conf = *cfg;
    if (conf.lease_sec <= 0)
        conf.lease_sec = 15;
    if (conf.renew_deadline_sec <= 0 || conf.renew_deadline_sec >= conf.lease_sec)
        conf.renew_deadline_sec = conf.lease_sec * 2 / 3 > 0 ? conf.lease_sec * 2 / 3 : 1;
    if (conf.retry_sec <= 0)
        conf.retry_sec = 2;
    elector_t e = {.c = c, .cfg = &conf, .r = r};
    bool leading = false;
    uint64_t last_renew = 0;
    while (!atomic_load(stop)) {
        cube_err_t e2 = CUBE_ERR_INIT;
        int rc = try_acquire_or_renew(&e, &e2);
        uint64_t now = cube_time_mono_ns();
        if (rc == 1) {
            last_renew = now;
            if (!leading) {
                leading = true;
                cube_log_v(1, "leader election %s/%s: %s acquired the lease", conf.ns, conf.name,
                           conf.identity);
                if (conf.on_started)
                    conf.on_started(conf.userdata);
            }
        } else {
            if (rc < 0)
                cube_log_v(2, "leader election %s/%s: %s", conf.ns, conf.name, e2.msg);
            if (leading && (rc == 0 || now - last_renew >=
                                           (uint64_t)conf.renew_deadline_sec * 1000000000ull)) {
                leading = false;
                cube_log_v(1, "leader election %s/%s: %s lost the lease", conf.ns, conf.name,
                           conf.identity);
                if (conf.on_stopped)
                    conf.on_stopped(conf.userdata);
            }
        }
        cube_err_clear(&e2);
        /* while renewing after failures, retry faster than the deadline */
        nap(stop, (long)conf.retry_sec * 1000);
    }
    if (leading) {
        release(&e);
        if (conf.on_stopped)
            conf.on_stopped(conf.userdata);
    }
    free(e.observed_holder);
    free(e.observed_renew);
    return 0;
}
