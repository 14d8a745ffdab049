/*
 * map: the string-keyed hash map the scheduler indexes nodes, pods,
 * namespaces and topology pairs with. Chained buckets, doubled when the
 * load passes one; values belong to the caller.
 */
#include "scheduler/internal.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static sched_map_entry_t **slot(const sched_map_t *m, const char *key)
{
    sched_map_entry_t **p = &m->b[hash(key) & (m->nb - 1)];
    while (*p && strcmp((*p)->key, key))
        p = &(*p)->next;
    return p;
}

static void grow(sched_map_t *m)
{
    size_t nb = m->nb ? m->nb * 2 : 16;
    sched_map_entry_t **b = xcalloc(nb, sizeof(*b));
    for (size_t i = 0; i < m->nb; i++) {
        sched_map_entry_t *e = m->b[i], *next;
        for (; e; e = next) {
            next = e->next;
            size_t h = hash(e->key) & (nb - 1);
            e->next = b[h];
            b[h] = e;
        }
    }
    free(m->b);
    m->b = b;
    m->nb = nb;
}

void *sched_map_get(const sched_map_t *m, const char *key)
{
    if (!m->nb)
        return NULL;
    sched_map_entry_t *e = *slot(m, key);
    return e ? e->val : NULL;
}

void *sched_map_put(sched_map_t *m, const char *key, void *val)
{
    if (m->n >= m->nb)
        grow(m);
    sched_map_entry_t **p = slot(m, key);
    if (*p) {
        void *old = (*p)->val;
        (*p)->val = val;
        return old;
    }
    sched_map_entry_t *e = xmalloc(sizeof(*e));
    e->key = xstrdup(key);
    e->val = val;
    e->next = NULL;
    *p = e;
    m->n++;
    return NULL;
}

void *sched_map_del(sched_map_t *m, const char *key)
{
    if (!m->nb)
        return NULL;
    sched_map_entry_t **p = slot(m, key);
    sched_map_entry_t *e = *p;
    if (!e)
        return NULL;
    void *val = e->val;
    *p = e->next;
    free(e->key);
    free(e);
    m->n--;
    return val;
}

void sched_map_foreach(const sched_map_t *m, void (*fn)(const char *key, void *val, void *ud),
                       void *ud)
{
    for (size_t i = 0; i < m->nb; i++)
        for (sched_map_entry_t *e = m->b[i]; e; e = e->next)
            fn(e->key, e->val, ud);
}

void sched_map_clear(sched_map_t *m)
{
    for (size_t i = 0; i < m->nb; i++) {
        sched_map_entry_t *e = m->b[i], *next;
        for (; e; e = next) {
            next = e->next;
            free(e->key);
            free(e);
        }
    }
    free(m->b);
    *m = (sched_map_t){0};
}
