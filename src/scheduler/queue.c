/*
 * queue: the scheduling queue, as upstream's PriorityQueue. Pods wait in one
 * of three places: the active heap (highest priority first, then the oldest),
 * the backoff heap (after a failed attempt: 1 s doubling up to 10 s) and the
 * unschedulable set (a pod no node fits waits there until a cluster event --
 * a node added or changed, a pod deleted -- might make it fit, or until it
 * has waited too long). Time is passed in, so tests drive it.
 */
#include "scheduler/internal.h"

/* ---- heaps -------------------------------------------------------------- */

static void heap_swap(sched_heap_t *h, size_t i, size_t j)
{
    sched_qentry_t *t = h->a[i];
    h->a[i] = h->a[j];
    h->a[j] = t;
    h->a[i]->hidx = i;
    h->a[j]->hidx = j;
}

static void heap_up(sched_heap_t *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!h->less(h->a[i], h->a[parent]))
            break;
        heap_swap(h, i, parent);
        i = parent;
    }
}

static void heap_down(sched_heap_t *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && h->less(h->a[l], h->a[m]))
            m = l;
        if (r < h->n && h->less(h->a[r], h->a[m]))
            m = r;
        if (m == i)
            break;
        heap_swap(h, i, m);
        i = m;
    }
}

static void heap_push(sched_heap_t *h, sched_qentry_t *e)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->a = xrealloc(h->a, h->cap * sizeof(*h->a));
    }
    e->hidx = h->n;
    h->a[h->n++] = e;
    heap_up(h, e->hidx);
}

static void heap_remove(sched_heap_t *h, sched_qentry_t *e)
{
    size_t i = e->hidx;
    if (i >= h->n || h->a[i] != e)
        return;
    h->n--;
    if (i != h->n) {
        h->a[i] = h->a[h->n];
        h->a[i]->hidx = i;
        heap_down(h, i);
        heap_up(h, i);
    }
}

static void heap_fix(sched_heap_t *h, sched_qentry_t *e)
{
    heap_down(h, e->hidx);
    heap_up(h, e->hidx);
}

/* PrioritySort: higher priority first, then the older pod, then arrival. */
static bool active_less(const sched_qentry_t *x, const sched_qentry_t *y)
{
    if (x->pod->priority != y->pod->priority)
        return x->pod->priority > y->pod->priority;
    if (x->pod->created != y->pod->created)
        return x->pod->created < y->pod->created;
    return x->seq < y->seq;
}

static bool backoff_less(const sched_qentry_t *x, const sched_qentry_t *y)
{
    return x->backoff_until < y->backoff_until;
}

/* ---- queue -------------------------------------------------------------- */

void sched_queue_init(sched_queue_t *q)
{
    *q = (sched_queue_t){0};
    q->active.less = active_less;
    q->backoff.less = backoff_less;
    q->backoff_initial_ns = 1000000000ull;
    q->backoff_max_ns = 10000000000ull;
}

static void free_entry_cb(const char *key, void *val, void *ud)
{
    sched_qentry_t *e = val;
    sched_pod_free(e->pod);
    free(e);
}

void sched_queue_clear(sched_queue_t *q)
{
    sched_map_foreach(&q->entries, free_entry_cb, NULL);
    sched_map_clear(&q->entries);
    free(q->active.a);
    free(q->backoff.a);
    *q = (sched_queue_t){0};
}

static void place(sched_queue_t *q, sched_qentry_t *e, int where)
{
    e->where = where;
    if (where == Q_ACTIVE)
        heap_push(&q->active, e);
    else if (where == Q_BACKOFF)
        heap_push(&q->backoff, e);
    else
        q->nunsched++;
}

static void unplace(sched_queue_t *q, sched_qentry_t *e)
{
    if (e->where == Q_ACTIVE)
        heap_remove(&q->active, e);
    else if (e->where == Q_BACKOFF)
        heap_remove(&q->backoff, e);
    else
        q->nunsched--;
}

/* Out of the unschedulable set: to backoff while its backoff runs, else active. */
static void move_back(sched_queue_t *q, sched_qentry_t *e, uint64_t now)
{
    unplace(q, e);
    place(q, e, e->backoff_until > now ? Q_BACKOFF : Q_ACTIVE);
}

void sched_queue_add(sched_queue_t *q, sched_pod_t *p, bool moved, uint64_t now)
{
    sched_qentry_t *e = sched_map_get(&q->entries, p->key);
    if (!e) {
        e = xcalloc(1, sizeof(*e));
        e->pod = p;
        e->seq = q->seq++;
        sched_map_put(&q->entries, p->key, e);
        place(q, e, Q_ACTIVE);
        return;
    }
    sched_pod_free(e->pod);
    e->pod = p;
    if (e->where == Q_ACTIVE)
        heap_fix(&q->active, e);
    else if (e->where == Q_UNSCHED && moved)
        move_back(q, e, now);
}

void sched_queue_add_backoff(sched_queue_t *q, sched_pod_t *p, uint64_t now)
{
    if (sched_map_get(&q->entries, p->key)) {
        sched_pod_free(p);
        return;
    }
    sched_qentry_t *e = xcalloc(1, sizeof(*e));
    e->pod = p;
    e->seq = q->seq++;
    sched_queue_requeue(q, e, false, now);
}

bool sched_queue_has(const sched_queue_t *q, const char *key)
{
    return sched_map_get(&q->entries, key) != NULL;
}

void sched_queue_delete(sched_queue_t *q, const char *key)
{
    sched_qentry_t *e = sched_map_del(&q->entries, key);
    if (!e)
        return;
    unplace(q, e);
    sched_pod_free(e->pod);
    free(e);
}

static void flush_backoff(sched_queue_t *q, uint64_t now)
{
    while (q->backoff.n && q->backoff.a[0]->backoff_until <= now) {
        sched_qentry_t *e = q->backoff.a[0];
        heap_remove(&q->backoff, e);
        place(q, e, Q_ACTIVE);
    }
}

sched_qentry_t *sched_queue_pop(sched_queue_t *q, uint64_t now)
{
    flush_backoff(q, now);
    if (!q->active.n)
        return NULL;
    sched_qentry_t *e = q->active.a[0];
    heap_remove(&q->active, e);
    sched_map_del(&q->entries, e->pod->key);
    e->where = -1;
    return e;
}

void sched_queue_requeue(sched_queue_t *q, sched_qentry_t *e, bool unschedulable, uint64_t now)
{
    sched_qentry_t *newer = sched_map_get(&q->entries, e->pod->key);
    if (newer) {
        /* Added again while it was out (a newer version): keep that one. */
        sched_pod_free(e->pod);
        free(e);
        return;
    }
    e->attempts++;
    uint64_t d = q->backoff_initial_ns;
    for (int i = 1; i < e->attempts && d < q->backoff_max_ns; i++)
        d *= 2;
    if (d > q->backoff_max_ns)
        d = q->backoff_max_ns;
    e->backoff_until = now + d;
    e->unsched_since = now;
    sched_map_put(&q->entries, e->pod->key, e);
    place(q, e, unschedulable ? Q_UNSCHED : Q_BACKOFF);
}

sched_pod_t *sched_queue_done(sched_queue_t *q, sched_qentry_t *e)
{
    sched_pod_t *p = e->pod;
    free(e);
    return p;
}

typedef struct move_ctx {
    sched_queue_t *q;
    uint64_t now, max_wait;
    sched_qentry_t **v;
    size_t n;
} move_ctx_t;

static void collect_unsched(const char *key, void *val, void *ud)
{
    move_ctx_t *m = ud;
    sched_qentry_t *e = val;
    if (e->where == Q_UNSCHED && (!m->max_wait || m->now - e->unsched_since >= m->max_wait))
        m->v[m->n++] = e;
}

static void move_where(sched_queue_t *q, uint64_t max_wait, uint64_t now)
{
    if (!q->nunsched)
        return;
    move_ctx_t m = {q, now, max_wait, xcalloc(q->nunsched, sizeof(sched_qentry_t *)), 0};
    sched_map_foreach(&q->entries, collect_unsched, &m);
    for (size_t i = 0; i < m.n; i++)
        move_back(q, m.v[i], now);
    free(m.v);
}

void sched_queue_move_all(sched_queue_t *q, uint64_t now)
{
    move_where(q, 0, now);
}

void sched_queue_flush_unschedulable(sched_queue_t *q, uint64_t max_wait_ns, uint64_t now)
{
    move_where(q, max_wait_ns ? max_wait_ns : 1, now);
}

uint64_t sched_queue_next_ns(const sched_queue_t *q, uint64_t now)
{
    if (q->active.n)
        return 0;
    if (!q->backoff.n)
        return UINT64_MAX;
    uint64_t t = q->backoff.a[0]->backoff_until;
    return t > now ? t - now : 0;
}

size_t sched_queue_len(const sched_queue_t *q)
{
    return q->entries.n;
}
