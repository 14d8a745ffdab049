/*
 * framework: one scheduling cycle, as upstream's schedulePod and its
 * framework run it. Filter the nodes (from where the last cycle stopped,
 * until enough feasible ones are found: upstream's adaptive
 * percentageOfNodesToScore keeps 5,000-node clusters fast), score the
 * feasible ones with every score plugin, normalise and weight, and pick the
 * best (ties broken at random by reservoir sampling). When nothing fits, the
 * per-node reasons become Kubernetes' FitError message and preemption looks
 * for a node where evicting lower-priority pods would make room.
 */
#include "scheduler/internal.h"

void sched_result_clear(sched_result_t *r)
{
    free(r->node);
    free(r->message);
    free(r->nominated);
    for (size_t i = 0; i < r->nvictims; i++)
        free(r->victims[i]);
    free(r->victims);
    *r = (sched_result_t){0};
}

size_t sched_nodes_to_find(size_t all)
{
    if (all < 100)
        return all;
    long pct = 50 - (long)all / 125;
    if (pct < 5)
        pct = 5;
    size_t n = all * (size_t)pct / 100;
    return n < 100 ? 100 : n;
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* ---- the reasons histogram and FitError ---------------------------------- */

typedef struct histo {
    size_t n;
    struct {
        char reason[200];
        size_t count;
    } * v;
} histo_t;

static void histo_add(histo_t *h, const char *reason, size_t k)
{
    for (size_t i = 0; i < h->n; i++)
        if (!strcmp(h->v[i].reason, reason)) {
            h->v[i].count += k;
            return;
        }
    h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
    snprintf(h->v[h->n].reason, sizeof(h->v[0].reason), "%s", reason);
    h->v[h->n++].count = k;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "0/N nodes are available: <count reason, sorted as strings>." */
static char *fit_error(size_t all, histo_t *h, const char *post)
{
    char **items = xcalloc(h->n + 1, sizeof(char *));
    for (size_t i = 0; i < h->n; i++)
        items[i] = xasprintf("%zu %s", h->v[i].count, h->v[i].reason);
    qsort(items, h->n, sizeof(char *), cmp_str);
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b, "0/%zu nodes are available:", all);
    if (h->n) {
        cube_buf_putc(&b, ' ');
        for (size_t i = 0; i < h->n; i++) {
            if (i)
                cube_buf_puts(&b, ", ");
            cube_buf_puts(&b, items[i]);
            free(items[i]);
        }
        cube_buf_putc(&b, '.');
    }
    free(items);
    if (post && *post) {
        cube_buf_printf(&b, " %s", post);
        if (post[strlen(post) - 1] != '.')
            cube_buf_putc(&b, '.');
    }
    return cube_buf_steal(&b, NULL);
}

/* ---- preemption --------------------------------------------------------- */

static void filter_one(sched_snapshot_t *s, const sched_pod_t *pod, const sched_node_t *n,
                       sched_status_t *st)
{
    sched_cycle_t c;
    sched_cycle_init(&c, s, pod);
    sched_cycle_filter(&c, n, st);
    sched_cycle_clear(&c);
}

/* MoreImportantPod: higher priority, then the one that started earlier. */
static int more_important(const void *a, const void *b)
{
    const sched_pod_t *x = *(sched_pod_t *const *)a, *y = *(sched_pod_t *const *)b;
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(x->key, y->key);
}

typedef struct candidate {
    sched_node_t *node;
    size_t nvictims;
    char **victims;
    int32_t max_prio;
    int64_t sum_prio;
    time_t latest_start; /* of the highest-priority victims */
} candidate_t;

/*
 * SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits,
 * add them back most important first, keeping each that still lets it fit.
 * The snapshot is restored before returning. Returns true with the victims
 * in ret, or false with the reason in st.
 */
static bool select_victims(sched_snapshot_t *s, const sched_pod_t *pod, sched_node_t *n,
                           candidate_t *ret, sched_status_t *st)
{
    size_t k = 0;
    sched_pod_t **removed = xcalloc(n->npods + 1, sizeof(*removed));
    char **keys = xcalloc(n->npods + 1, sizeof(char *));
    for (size_t i = 0; i < n->npods; i++)
        if (n->pods[i]->priority < pod->priority)
            keys[k++] = xstrdup(n->pods[i]->key);
    if (!k) {
        free(removed);
        free(keys);
        *st = (sched_status_t){0};
        sched_status_add(st, ST_UNRESOLVABLE, "No preemption victims found for incoming pod");
        return false;
    }
    for (size_t i = 0; i < k; i++)
        removed[i] = sched_snapshot_pod_remove(s, keys[i]);
    filter_one(s, pod, n, st);
    bool ok = st->code == ST_OK;
    *ret = (candidate_t){.node = n, .victims = xcalloc(k + 1, sizeof(char *))};
    if (ok) {
        qsort(removed, k, sizeof(*removed), more_important);
        for (size_t i = 0; i < k; i++) {
            sched_pod_t *p = removed[i];
            sched_snapshot_pod_add(s, p);
            sched_status_t again;
            filter_one(s, pod, n, &again);
            if (again.code == ST_OK) {
                removed[i] = NULL; /* reprieved: back on the node */
                continue;
            }
            removed[i] = sched_snapshot_pod_remove(s, p->key);
            if (!ret->nvictims || p->priority > ret->max_prio) {
                ret->max_prio = p->priority;
                ret->latest_start = p->created;
            } else if (p->priority == ret->max_prio && p->created > ret->latest_start) {
                ret->latest_start = p->created;
            }
            ret->sum_prio += (int64_t)p->priority + INT32_MAX + 1;
            ret->victims[ret->nvictims++] = xstrdup(p->key);
        }
    }
    for (size_t i = 0; i < k; i++) {
        if (removed[i])
            sched_snapshot_pod_add(s, removed[i]);
        free(keys[i]);
    }
    free(keys);
    free(removed);
    if (!ok || !ret->nvictims) {
        free(ret->victims);
        *ret = (candidate_t){0};
        return false;
    }
    return true;
}

/* pickOneNodeForPreemption: fewest PDB violations (none tracked), lowest highest-priority
 * victim, lowest priority sum, fewest victims, latest-started highest-priority victims. */
static bool better(const candidate_t *a, const candidate_t *b)
{
    if (a->max_prio != b->max_prio)
        return a->max_prio < b->max_prio;
    if (a->sum_prio != b->sum_prio)
        return a->sum_prio < b->sum_prio;
    if (a->nvictims != b->nvictims)
        return a->nvictims < b->nvictims;
    return a->latest_start > b->latest_start;
}

static char *preempt(sched_snapshot_t *s, const sched_pod_t *pod, const uint8_t *codes,
                     sched_result_t *ret)
{
    if (pod->preempt_never)
        return xstrdup("preemption: not eligible due to preemptionPolicy=Never.");
    histo_t h = {0};
    candidate_t best = {0};
    size_t all = s->nlist;
    for (size_t i = 0; i < all; i++) {
        sched_node_t *n = s->list[i];
        if (codes[i] != ST_UNSCHED) {
            histo_add(&h, "Preemption is not helpful for scheduling", 1);
            continue;
        }
        candidate_t c;
        sched_status_t st;
        if (!select_victims(s, pod, n, &c, &st)) {
            for (int r = 0; r < st.n; r++)
                histo_add(&h, st.reasons[r], 1);
            continue;
        }
        if (!best.node || better(&c, &best)) {
            for (size_t v = 0; v < best.nvictims; v++)
                free(best.victims[v]);
            free(best.victims);
            best = c;
        } else {
            for (size_t v = 0; v < c.nvictims; v++)
                free(c.victims[v]);
            free(c.victims);
        }
    }
    char *msg = NULL;
    if (best.node) {
        ret->nominated = xstrdup(best.node->name);
        ret->victims = best.victims;
        ret->nvictims = best.nvictims;
    } else {
        char *inner = fit_error(all, &h, NULL);
        msg = xasprintf("preemption: %s", inner);
        free(inner);
    }
    free(h.v);
    return msg;
}

/* ---- the cycle ---------------------------------------------------------- */

void sched_schedule(sched_snapshot_t *s, const sched_pod_t *pod, uint64_t start, uint64_t *rng,
                    sched_result_t *ret)
{
    *ret = (sched_result_t){0};
    size_t all = s->nlist;
    if (!all) {
        ret->message = xstrdup("no nodes available to schedule pods");
        return;
    }
    sched_cycle_t c;
    sched_cycle_init(&c, s, pod);
    sched_status_t st;

    /* A pod that preemption nominated a node for tries that node first. */
    const char *nominated = cube_json_str(pod->obj, "status", "nominatedNodeName", NULL);
    sched_node_t *nn = nominated ? sched_snapshot_node(s, nominated) : NULL;
    if (nn && nn->idx >= 0) {
        sched_cycle_filter(&c, nn, &st);
        if (st.code == ST_OK) {
            ret->node = xstrdup(nn->name);
            ret->next_start = start;
            sched_cycle_clear(&c);
            return;
        }
    }

    size_t want = sched_nodes_to_find(all), nfeasible = 0, processed = 0;
    sched_node_t **feasible = xcalloc(want, sizeof(*feasible));
    uint8_t *codes = xcalloc(all, 1);
    histo_t h = {0};
    for (size_t i = 0; i < all && nfeasible < want; i++) {
        size_t idx = (size_t)((start + i) % all);
        sched_node_t *n = s->list[idx];
        processed++;
        sched_cycle_filter(&c, n, &st);
        codes[idx] = (uint8_t)st.code;
        if (st.code == ST_OK) {
            feasible[nfeasible++] = n;
            continue;
        }
        for (int r = 0; r < st.n; r++)
            histo_add(&h, st.reasons[r], 1);
    }
    ret->next_start = (start + processed) % all;

    if (!nfeasible) {
        sched_cycle_clear(&c);
        char *post = preempt(s, pod, codes, ret);
        ret->message = fit_error(all, &h, post);
        free(post);
    } else if (nfeasible == 1) {
        ret->node = xstrdup(feasible[0]->name);
        sched_cycle_clear(&c);
    } else {
        size_t np;
        const sched_plugin_t *pl = sched_plugins(&np);
        int64_t *total = xcalloc(nfeasible, sizeof(int64_t));
        int64_t *sc = xcalloc(nfeasible, sizeof(int64_t));
        for (size_t p = 0; p < np; p++)
            if (pl[p].prescore)
                pl[p].prescore(&c, feasible, nfeasible);
        for (size_t p = 0; p < np; p++) {
            if (!pl[p].score || !pl[p].weight)
                continue;
            for (size_t i = 0; i < nfeasible; i++)
                sc[i] = pl[p].score(&c, feasible[i]);
            if (pl[p].normalize)
                pl[p].normalize(&c, sc, nfeasible);
            for (size_t i = 0; i < nfeasible; i++)
                total[i] += sc[i] * pl[p].weight;
        }
        size_t sel = 0, ties = 0;
        int64_t best = INT64_MIN;
        for (size_t i = 0; i < nfeasible; i++) {
            if (total[i] > best) {
                best = total[i];
                sel = i;
                ties = 1;
            } else if (total[i] == best && next_rand(rng) % ++ties == 0) {
                sel = i;
            }
        }
        ret->node = xstrdup(feasible[sel]->name);
        free(total);
        free(sc);
        sched_cycle_clear(&c);
    }
    free(h.v);
    free(codes);
    free(feasible);
}
