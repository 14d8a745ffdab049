/*
 * The work queue every controller loop runs on (client-go's
 * workqueue.RateLimitingInterface): informer handlers add object keys, worker
 * threads take them one at a time. Keys are de-duplicated while they wait, a
 * key is never handed to two workers at once (an add during processing marks
 * it dirty and requeues it on done), failed keys come back after an
 * exponential per-key backoff, and delayed adds wait in a min-heap.
 *
 * Maps (queued, processing, delayed, failures) are jansson objects used as
 * string-keyed hash tables; everything is guarded by one mutex.
 *
 * Rate limiting follows client-go's default controller limiter: the delay of
 * add_rate_limited is the larger of the key's exponential backoff and the
 * wait of a global token bucket (qps, burst). Plain add and add_after are
 * never throttled, so an informer's initial burst of thousands of keys is
 * queued at once.
 */
#include "client/client.h"

#include <errno.h>
#include <pthread.h>

typedef struct delayed {
    uint64_t at; /* monotonic ns */
    char *key;
} delayed_t;

struct cube_workqueue {
    char *name;
    int base_ms, max_ms;
    double qps;
    int burst;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    /* FIFO ring of keys ready to be handed out */
    char **ring;
    size_t head, count, cap;
    json_t *dirty; /* keys queued (or to be requeued on done) */
    json_t *processing; /* keys handed out, not yet done */
    json_t *waiting; /* key -> earliest ready time of its delayed add */
    json_t *failures; /* key -> count */
    delayed_t *heap;
    size_t nheap, capheap;
    double tokens; /* token bucket; may go negative (reservations) */
    uint64_t last_ns;
    bool shutting_down;
};

cube_workqueue_t *cube_workqueue_new(const char *name, int base_ms, int max_ms, double qps,
                                     int burst)
{
    cube_workqueue_t *q = xcalloc(1, sizeof(*q));
    q->name = xstrdup(name ? name : "");
    q->base_ms = base_ms > 0 ? base_ms : 5;
    q->max_ms = max_ms > 0 ? max_ms : 1000000;
    q->qps = qps > 0 ? qps : 0;
    q->burst = burst > 0 ? burst : 1;
    q->tokens = q->burst;
    q->last_ns = cube_time_mono_ns();
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->cond, &ca);
    pthread_condattr_destroy(&ca);
    q->dirty = json_object();
    q->processing = json_object();
    q->waiting = json_object();
    q->failures = json_object();
    return q;
}

void cube_workqueue_free(cube_workqueue_t *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->count; i++)
        free(q->ring[(q->head + i) % q->cap]);
    free(q->ring);
    for (size_t i = 0; i < q->nheap; i++)
        free(q->heap[i].key);
    free(q->heap);
    json_decref(q->dirty);
    json_decref(q->processing);
    json_decref(q->waiting);
    json_decref(q->failures);
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->lock);
    free(q->name);
    free(q);
}

/* ---- locked helpers ----------------------------------------------------- */

static void ring_push(cube_workqueue_t *q, char *key)
{
    if (q->count == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 16;
        char **n = xmalloc(ncap * sizeof(*n));
        for (size_t i = 0; i < q->count; i++)
            n[i] = q->ring[(q->head + i) % q->cap];
        free(q->ring);
        q->ring = n;
        q->cap = ncap;
        q->head = 0;
    }
    q->ring[(q->head + q->count) % q->cap] = key;
    q->count++;
}

static char *ring_pop(cube_workqueue_t *q)
{
    char *k = q->ring[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    return k;
}

static void add_locked(cube_workqueue_t *q, const char *key)
{
    if (q->shutting_down || json_object_get(q->dirty, key))
        return;
    json_object_set_new(q->dirty, key, json_true());
    if (json_object_get(q->processing, key))
        return; /* requeued by done */
    ring_push(q, xstrdup(key));
    pthread_cond_signal(&q->cond);
}

static bool heap_less(const delayed_t *a, const delayed_t *b)
{
    return a->at < b->at;
}

static void heap_push(cube_workqueue_t *q, uint64_t at, const char *key)
{
    if (q->nheap == q->capheap) {
        q->capheap = q->capheap ? q->capheap * 2 : 16;
        q->heap = xrealloc(q->heap, q->capheap * sizeof(*q->heap));
    }
    size_t i = q->nheap++;
    q->heap[i] = (delayed_t){at, xstrdup(key)};
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!heap_less(&q->heap[i], &q->heap[p]))
            break;
        delayed_t t = q->heap[i];
        q->heap[i] = q->heap[p];
        q->heap[p] = t;
        i = p;
    }
}

static delayed_t heap_pop(cube_workqueue_t *q)
{
    delayed_t top = q->heap[0];
    q->heap[0] = q->heap[--q->nheap];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->nheap && heap_less(&q->heap[l], &q->heap[m]))
            m = l;
        if (r < q->nheap && heap_less(&q->heap[r], &q->heap[m]))
            m = r;
        if (m == i)
            break;
        delayed_t t = q->heap[i];
        q->heap[i] = q->heap[m];
        q->heap[m] = t;
        i = m;
    }
    return top;
}

/* Moves every delayed key whose time has come into the queue. */
static void promote_ready(cube_workqueue_t *q, uint64_t now)
{
    while (q->nheap > 0 && q->heap[0].at <= now) {
        delayed_t d = heap_pop(q);
        json_t *w = json_object_get(q->waiting, d.key);
        /* stale entries (superseded by an earlier add_after) are skipped */
        if (w && (uint64_t)json_integer_value(w) == d.at) {
            json_object_del(q->waiting, d.key);
            add_locked(q, d.key);
        }
        free(d.key);
    }
}

static void add_after_locked(cube_workqueue_t *q, const char *key, uint64_t delay_ns)
{
    if (q->shutting_down)
        return;
    if (delay_ns == 0) {
        add_locked(q, key);
        return;
    }
    uint64_t at = cube_time_mono_ns() + delay_ns;
    json_t *w = json_object_get(q->waiting, key);
    if (w && (uint64_t)json_integer_value(w) <= at)
        return; /* an earlier delayed add is already pending */
    json_object_set_new(q->waiting, key, json_integer((json_int_t)at));
    heap_push(q, at, key);
    pthread_cond_broadcast(&q->cond); /* getters recompute their deadline */
}

/* ---- public ------------------------------------------------------------- */

void cube_workqueue_add(cube_workqueue_t *q, const char *key)
{
    pthread_mutex_lock(&q->lock);
    add_locked(q, key);
    pthread_mutex_unlock(&q->lock);
}

void cube_workqueue_add_after(cube_workqueue_t *q, const char *key, int delay_ms)
{
    pthread_mutex_lock(&q->lock);
    add_after_locked(q, key, delay_ms > 0 ? (uint64_t)delay_ms * 1000000ull : 0);
    pthread_mutex_unlock(&q->lock);
}

void cube_workqueue_add_rate_limited(cube_workqueue_t *q, const char *key)
{
    pthread_mutex_lock(&q->lock);
    json_t *f = json_object_get(q->failures, key);
    json_int_t n = f ? json_integer_value(f) : 0;
    json_object_set_new(q->failures, key, json_integer(n + 1));
    /* base * 2^n, capped (computed in floating point: n may be large) */
    double ms = (double)q->base_ms;
    for (json_int_t i = 0; i < n && ms < q->max_ms; i++)
        ms *= 2;
    if (ms > q->max_ms)
        ms = q->max_ms;
    uint64_t delay_ns = (uint64_t)(ms * 1e6);
    if (q->qps > 0) { /* reserve a token; wait for it if the bucket is in debt */
        uint64_t now = cube_time_mono_ns();
        q->tokens += (double)(now - q->last_ns) / 1e9 * q->qps;
        if (q->tokens > q->burst)
            q->tokens = q->burst;
        q->last_ns = now;
        q->tokens -= 1;
        if (q->tokens < 0) {
            uint64_t bucket_ns = (uint64_t)(-q->tokens / q->qps * 1e9);
            if (bucket_ns > delay_ns)
                delay_ns = bucket_ns;
        }
    }
    add_after_locked(q, key, delay_ns);
    pthread_mutex_unlock(&q->lock);
}

void cube_workqueue_forget(cube_workqueue_t *q, const char *key)
{
    pthread_mutex_lock(&q->lock);
    json_object_del(q->failures, key);
    pthread_mutex_unlock(&q->lock);
}

int cube_workqueue_failures(cube_workqueue_t *q, const char *key)
{
    pthread_mutex_lock(&q->lock);
    json_t *f = json_object_get(q->failures, key);
    int n = f ? (int)json_integer_value(f) : 0;
    pthread_mutex_unlock(&q->lock);
    return n;
}

char *cube_workqueue_get(cube_workqueue_t *q)
{
    pthread_mutex_lock(&q->lock);
    for (;;) {
        promote_ready(q, cube_time_mono_ns());
        if (q->count > 0)
            break;
        if (q->shutting_down) {
            pthread_mutex_unlock(&q->lock);
            return NULL;
        }
        if (q->nheap > 0) {
            uint64_t at = q->heap[0].at;
            struct timespec ts = {(time_t)(at / 1000000000ull), (long)(at % 1000000000ull)};
            pthread_cond_timedwait(&q->cond, &q->lock, &ts);
        } else {
            pthread_cond_wait(&q->cond, &q->lock);
        }
    }
    char *key = ring_pop(q);
    json_object_del(q->dirty, key);
    json_object_set_new(q->processing, key, json_true());
    pthread_mutex_unlock(&q->lock);
    return key;
}

void cube_workqueue_done(cube_workqueue_t *q, const char *key)
{
    pthread_mutex_lock(&q->lock);
    json_object_del(q->processing, key);
    if (json_object_get(q->dirty, key) && !q->shutting_down) {
        ring_push(q, xstrdup(key));
        pthread_cond_signal(&q->cond);
    }
    pthread_mutex_unlock(&q->lock);
}

void cube_workqueue_shutdown(cube_workqueue_t *q)
{
    pthread_mutex_lock(&q->lock);
    q->shutting_down = true;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

size_t cube_workqueue_len(cube_workqueue_t *q)
{
    pthread_mutex_lock(&q->lock);
    size_t n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}
