/*
 * The event recorder (client-go's record.EventRecorder + EventCorrelator):
 * components tell users what they did and why ("Scheduled", "Pulled",
 * "ScalingReplicaSet") as core/v1 Events that `kubectl describe` and
 * `kubectl get events` show. Recording never blocks the caller: events go
 * into a bounded queue (dropped and counted when full) that one background
 * thread writes. The same (object, type, reason, message) seen again within
 * ten minutes patches the existing Event's count and lastTimestamp instead of
 * creating a new one, which keeps a crash-looping pod from flooding the store.
 */
#include "client/client.h"

#include <pthread.h>
#include <stdarg.h>

#define QUEUE_MAX 1000
#define AGGREGATE_NS (600ull * 1000000000ull)
#define SEEN_MAX 4096
#define FLUSH_WAIT_MS 5000

typedef struct pending {
    json_t *involved; /* involvedObject */
    char *type, *reason, *message;
    struct timespec when;
} pending_t;

struct cube_recorder {
    cube_client_t *c;
    char *component, *host;
    const cube_resource_t *r;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* work arrived, or stopping */
    pthread_cond_t idle; /* the queue drained */
    pending_t *q;
    size_t head, count;
    bool busy; /* the thread is writing one */
    bool stopping;
    uint64_t dropped;
    /* writer thread only: aggregation key -> {name, ns, count, first, seen} */
    json_t *seen;
};

static void pending_clear(pending_t *p)
{
    json_decref(p->involved);
    free(p->type);
    free(p->reason);
    free(p->message);
    memset(p, 0, sizeof(*p));
}

static void set_str(json_t *o, const char *k, const char *v)
{
    if (v && *v)
        json_object_set_new(o, k, json_string(v));
}

static json_t *involved_of(const json_t *obj)
{
    json_t *ref = json_object();
    set_str(ref, "kind", cube_json_str(obj, "kind", NULL));
    set_str(ref, "namespace", cube_json_str(obj, "metadata", "namespace", NULL));
    set_str(ref, "name", cube_json_str(obj, "metadata", "name", NULL));
    set_str(ref, "uid", cube_json_str(obj, "metadata", "uid", NULL));
    set_str(ref, "apiVersion", cube_json_str(obj, "apiVersion", NULL));
    set_str(ref, "resourceVersion", cube_json_str(obj, "metadata", "resourceVersion", NULL));
    return ref;
}

static char *aggregate_key(const pending_t *p)
{
    const json_t *o = p->involved;
    return xasprintf("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
                     cube_json_str(o, "kind", NULL) ?: "",
                     cube_json_str(o, "namespace", NULL) ?: "",
                     cube_json_str(o, "name", NULL) ?: "", cube_json_str(o, "uid", NULL) ?: "",
                     cube_json_str(o, "apiVersion", NULL) ?: "", p->type, p->reason, p->message);
}

/* Drops aggregation entries older than the window when the map grows large. */
static void seen_sweep(cube_recorder_t *rec, uint64_t now)
{
    if (json_object_size(rec->seen) < SEEN_MAX)
        return;
    const char *k;
    json_t *v, *tmp;
    json_object_foreach_safe(rec->seen, tmp, k, v)
    {
        uint64_t at = (uint64_t)json_integer_value(json_object_get(v, "seen"));
        if (now - at > AGGREGATE_NS)
            json_object_del(rec->seen, k);
    }
    if (json_object_size(rec->seen) >= SEEN_MAX) /* all recent: start over */
        json_object_clear(rec->seen);
}

static int create_event(cube_recorder_t *rec, const pending_t *p, const char *ns, const char *stamp,
                        json_t **ret_name, cube_err_t *err)
{
    uint64_t unix_ns = (uint64_t)p->when.tv_sec * 1000000000ull + (uint64_t)p->when.tv_nsec;
    _cleanup_free_ char *name =
        xasprintf("%s.%llx", cube_json_str(p->involved, "name", NULL) ?: "unknown",
                  (unsigned long long)unix_ns);
    json_auto_t *ev =
        json_pack("{s:s, s:s, s:{s:s, s:s}, s:O, s:s, s:s, s:{s:s}, s:s, s:s, s:i, s:s, s:s, s:s}",
                  "apiVersion", "v1", "kind", "Event", "metadata", "name", name, "namespace", ns,
                  "involvedObject", p->involved, "reason", p->reason, "message", p->message,
                  "source", "component", rec->component, "firstTimestamp", stamp, "lastTimestamp",
                  stamp, "count", 1, "type", p->type, "reportingComponent", rec->component,
                  "reportingInstance", rec->host ? rec->host : "");
    if (rec->host)
        json_object_set_new(json_object_get(ev, "source"), "host", json_string(rec->host));
    if (cube_client_create(rec->c, rec->r, ns, ev, NULL, err) < 0)
        return -1;
    *ret_name = json_string(name);
    return 0;
}

static void write_event(cube_recorder_t *rec, pending_t *p)
{
    cube_err_t err = CUBE_ERR_INIT;
    char stamp[32];
    cube_time_rfc3339(p->when.tv_sec, stamp);
    const char *ns = cube_json_str(p->involved, "namespace", NULL);
    if (!ns || !*ns)
        ns = "default";
    uint64_t now = cube_time_mono_ns();
    seen_sweep(rec, now);
    _cleanup_free_ char *key = aggregate_key(p);
    json_t *prev = json_object_get(rec->seen, key);
    if (prev && now - (uint64_t)json_integer_value(json_object_get(prev, "seen")) < AGGREGATE_NS) {
        json_int_t count = json_integer_value(json_object_get(prev, "count")) + 1;
        json_auto_t *patch = json_pack("{s:i, s:s, s:s}", "count", (json_int_t)count,
                                       "lastTimestamp", stamp, "message", p->message);
        const char *name = json_string_value(json_object_get(prev, "name"));
        if (cube_client_patch(rec->c, rec->r, ns, name, "application/merge-patch+json", patch, NULL,
                              NULL, &err) == 0) {
            json_object_set_new(prev, "count", json_integer(count));
            json_object_set_new(prev, "seen", json_integer((json_int_t)now));
            return;
        }
        cube_log_v(2, "events: patching %s/%s: %s", ns, name, err.msg);
        cube_err_clear(&err);
        json_object_del(rec->seen, key); /* gone (deleted, expired): create anew */
    }
    json_t *name = NULL;
    if (create_event(rec, p, ns, stamp, &name, &err) < 0) {
        cube_log_v(2, "events: creating an event in %s: %s", ns, err.msg);
        cube_err_clear(&err);
        return;
    }
    json_object_set_new(
        rec->seen, key,
        json_pack("{s:o, s:i, s:I}", "name", name, "count", 1, "seen", (json_int_t)now));
}

static void *recorder_main(void *arg)
{
    cube_recorder_t *rec = arg;
    pthread_mutex_lock(&rec->lock);
    for (;;) {
        while (rec->count == 0 && !rec->stopping)
            pthread_cond_wait(&rec->cond, &rec->lock);
        if (rec->count == 0 && rec->stopping)
            break;
        pending_t p = rec->q[rec->head];
        rec->head = (rec->head + 1) % QUEUE_MAX;
        rec->count--;
        rec->busy = true;
        pthread_mutex_unlock(&rec->lock);
        write_event(rec, &p);
        pending_clear(&p);
        pthread_mutex_lock(&rec->lock);
        rec->busy = false;
        if (rec->count == 0)
            pthread_cond_broadcast(&rec->idle);
    }
    pthread_mutex_unlock(&rec->lock);
    return NULL;
}

cube_recorder_t *cube_recorder_new(cube_client_t *c, const char *component, const char *host)
{
    cube_recorder_t *rec = xcalloc(1, sizeof(*rec));
    rec->c = c;
    rec->component = xstrdup(component ? component : "cube");
    rec->host = host && *host ? xstrdup(host) : NULL;
    rec->r = cube_api_resource_find("", "v1", "events");
    rec->q = xcalloc(QUEUE_MAX, sizeof(*rec->q));
    rec->seen = json_object();
    pthread_mutex_init(&rec->lock, NULL);
    pthread_cond_init(&rec->cond, NULL);
    pthread_cond_init(&rec->idle, NULL);
    if (pthread_create(&rec->thread, NULL, recorder_main, rec) != 0)
        abort();
    return rec;
}

void cube_recorder_free(cube_recorder_t *rec)
{
    if (!rec)
        return;
    pthread_mutex_lock(&rec->lock);
    /* flush: give the writer a bounded time, then drop the rest */
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += FLUSH_WAIT_MS / 1000;
    while ((rec->count > 0 || rec->busy) &&
           pthread_cond_timedwait(&rec->idle, &rec->lock, &dl) == 0)
        ;
    while (rec->count > 0) {
        pending_clear(&rec->q[rec->head]);
        rec->head = (rec->head + 1) % QUEUE_MAX;
        rec->count--;
        rec->dropped++;
    }
    rec->stopping = true;
    pthread_cond_broadcast(&rec->cond);
    pthread_mutex_unlock(&rec->lock);
    pthread_join(rec->thread, NULL);
    if (rec->dropped)
        cube_log_v(1, "events: %llu events of %s dropped", (unsigned long long)rec->dropped,
                   rec->component);
    json_decref(rec->seen);
    free(rec->q);
    pthread_cond_destroy(&rec->cond);
    pthread_cond_destroy(&rec->idle);
    pthread_mutex_destroy(&rec->lock);
    free(rec->component);
    free(rec->host);
    free(rec);
}

void cube_recorder_event(cube_recorder_t *rec, const json_t *obj, const char *type,
                         const char *reason, const char *fmt, ...)
{
    if (!rec)
        return;
    pending_t p = {0};
    clock_gettime(CLOCK_REALTIME, &p.when);
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&p.message, fmt, ap) < 0)
        abort();
    va_end(ap);
    p.involved = involved_of(obj);
    p.type = xstrdup(type ? type : "Normal");
    p.reason = xstrdup(reason ? reason : "");
    pthread_mutex_lock(&rec->lock);
    if (rec->count >= QUEUE_MAX || rec->stopping) {
        rec->dropped++;
        pthread_mutex_unlock(&rec->lock);
        pending_clear(&p);
        return;
    }
    rec->q[(rec->head + rec->count) % QUEUE_MAX] = p;
    rec->count++;
    pthread_cond_signal(&rec->cond);
    pthread_mutex_unlock(&rec->lock);
}
