/*
 * plugins: the default profile's filter and score plugins, one table row
 * each, in the order and with the weights of Kubernetes' default profile.
 * Filters answer with Kubernetes' own reason strings (they end up, counted,
 * in the FailedScheduling message users read); scores follow upstream's
 * formulas and normalisations, so pods land where Kubernetes would put them.
 * Every function here is pure over the snapshot and the cycle state that
 * sched_cycle_init computed once for the pod (upstream's PreFilter/PreScore).
 */
#include "scheduler/internal.h"

#include <math.h>

#define MAX_SCORE 100

void sched_status_add(sched_status_t *st, int code, const char *fmt, ...)
{
    if (code > st->code)
        st->code = code;
    if (st->n >= (int)CUBE_ARRAY_SIZE(st->reasons))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->reasons[st->n++], sizeof(st->reasons[0]), fmt, ap);
    va_end(ap);
}

/* ---- topology pair counters --------------------------------------------- */

static sched_tkey_t *tc_key(const sched_tcount_t *tc, const char *k)
{
    for (size_t i = 0; i < tc->nkeys; i++)
        if (!strcmp(tc->keys[i].key, k))
            return &tc->keys[i];
    return NULL;
}

static void tc_add(sched_tcount_t *tc, const char *k, const char *v, int64_t d)
{
    sched_tkey_t *tk = tc_key(tc, k);
    if (!tk) {
        tc->keys = xrealloc(tc->keys, (tc->nkeys + 1) * sizeof(*tc->keys));
        tk = &tc->keys[tc->nkeys++];
        *tk = (sched_tkey_t){.key = xstrdup(k)};
    }
    intptr_t n = (intptr_t)sched_map_get(&tk->vals, v);
    if (!n)
        tc->n++;
    n = (n ? n : 1) + (intptr_t)d;
    sched_map_put(&tk->vals, v, (void *)n);
}

static intptr_t tc_raw(const sched_tcount_t *tc, const char *k, const char *v)
{
    const sched_tkey_t *tk = tc->nkeys ? tc_key(tc, k) : NULL;
    return tk ? (intptr_t)sched_map_get(&tk->vals, v) : 0;
}

static int64_t tc_get(const sched_tcount_t *tc, const char *k, const char *v)
{
    intptr_t n = tc_raw(tc, k, v);
    return n ? n - 1 : 0;
}

static bool tc_has(const sched_tcount_t *tc, const char *k, const char *v)
{
    return tc_raw(tc, k, v) != 0;
}

static void tc_clear(sched_tcount_t *tc)
{
    for (size_t i = 0; i < tc->nkeys; i++) {
        free(tc->keys[i].key);
        sched_map_clear(&tc->keys[i].vals);
    }
    free(tc->keys);
    *tc = (sched_tcount_t){0};
}

/* The smallest count over the values of key k, and how many values there are. */
static int64_t tc_min(const sched_tcount_t *tc, const char *k, size_t *ret_n)
{
    const sched_tkey_t *tk = tc_key(tc, k);
    int64_t min = INT64_MAX;
    *ret_n = 0;
    for (size_t b = 0; tk && b < tk->vals.nb; b++)
        for (sched_map_entry_t *e = tk->vals.b[b]; e; e = e->next) {
            (*ret_n)++;
            if ((intptr_t)e->val - 1 < min)
                min = (intptr_t)e->val - 1;
        }
    return min;
}

static const char *label(const sched_node_t *n, const char *key)
{
    return n->labels ? json_string_value(json_object_get(n->labels, key)) : NULL;
}

/* ---- tolerations and node affinity -------------------------------------- */

bool sched_tolerates(const json_t *tolerations, const sched_taint_t *t)
{
    size_t i;
    json_t *tol;
    json_array_foreach(tolerations, i, tol)
    {
        const char *effect = cube_json_str(tol, "effect", NULL);
        const char *key = cube_json_str(tol, "key", NULL);
        const char *op = cube_json_str(tol, "operator", NULL);
        const char *value = cube_json_str(tol, "value", NULL);
        if (effect && *effect && strcmp(effect, t->effect))
            continue;
        if (key && *key && strcmp(key, t->key))
            continue;
        if (op && !strcmp(op, "Exists"))
            return true;
        if ((!op || !*op || !strcmp(op, "Equal")) && !strcmp(value ? value : "", t->value))
            return true;
    }
    return false;
}

static bool expr_matches(const json_t *expr, const char *value)
{
    const char *op = cube_json_str(expr, "operator", NULL);
    const json_t *vals = json_object_get(expr, "values");
    if (!op)
        return false;
    if (!strcmp(op, "Exists"))
        return value != NULL;
    if (!strcmp(op, "DoesNotExist"))
        return value == NULL;
    bool in = false;
    size_t i;
    json_t *v;
    json_array_foreach(vals, i, v)
    {
        if (value && json_is_string(v) && !strcmp(json_string_value(v), value))
            in = true;
    }
    if (!strcmp(op, "In"))
        return in;
    if (!strcmp(op, "NotIn"))
        return !in;
    if (!strcmp(op, "Gt") || !strcmp(op, "Lt")) {
        if (!value || json_array_size(vals) != 1)
            return false;
        char *e1, *e2;
        long long have = strtoll(value, &e1, 10);
        const char *ws = json_string_value(json_array_get(vals, 0));
        if (!ws || *e1 || !*value)
            return false;
        long long want = strtoll(ws, &e2, 10);
        if (*e2 || !*ws)
            return false;
        return op[0] == 'G' ? have > want : have < want;
    }
    return false;
}

/* A NodeSelectorTerm: every expression and field requirement holds; an empty term matches no
 * node. */
static bool node_term_matches(const json_t *term, const sched_node_t *n)
{
    const json_t *exprs = json_object_get(term, "matchExpressions");
    const json_t *fields = json_object_get(term, "matchFields");
    if (!json_array_size(exprs) && !json_array_size(fields))
        return false;
    size_t i;
    json_t *e;
    json_array_foreach(exprs, i, e)
    {
        const char *key = cube_json_str(e, "key", NULL);
        if (!key || !expr_matches(e, label(n, key)))
            return false;
    }
    json_array_foreach(fields, i, e)
    {
        const char *key = cube_json_str(e, "key", NULL);
        if (!key || strcmp(key, "metadata.name") || !expr_matches(e, n->name))
            return false;
    }
    return true;
}

bool sched_node_affinity_matches(const sched_cycle_t *c, const sched_node_t *n)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)c->node_selector, k, v)
    {
        const char *have = label(n, k);
        if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)))
            return false;
    }
    if (!c->node_required || json_is_null(c->node_required))
        return true;
    size_t i;
    json_t *term;
    json_array_foreach(json_object_get(c->node_required, "nodeSelectorTerms"), i, term)
    {
        if (node_term_matches(term, n))
            return true;
    }
    return false;
}

static const json_t *tolerations(const sched_cycle_t *c)
{
    return c->tolerations;
}

/* ---- filters ------------------------------------------------------------ */

static void f_unschedulable(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    if (!n->unschedulable)
        return;
    sched_taint_t t = {"node.kubernetes.io/unschedulable", "", "NoSchedule"};
    if (!sched_tolerates(tolerations(c), &t))
        sched_status_add(st, ST_UNRESOLVABLE, "node(s) were unschedulable");
}

static void f_node_name(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    const char *want = c->want_node;
    if (want && *want && strcmp(want, n->name))
        sched_status_add(st, ST_UNRESOLVABLE, "node(s) didn't match the requested node name");
}

static void f_taints(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    const json_t *tols = tolerations(c);
    for (size_t i = 0; i < n->ntaints; i++) {
        const sched_taint_t *t = &n->taints[i];
        if (strcmp(t->effect, "NoSchedule") && strcmp(t->effect, "NoExecute"))
            continue;
        if (!sched_tolerates(tols, t)) {
            sched_status_add(st, ST_UNRESOLVABLE, "node(s) had untolerated taint {%s: %s}", t->key,
                             t->value);
            return;
        }
    }
}

static void f_node_affinity(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    if (!sched_node_affinity_matches(c, n))
        sched_status_add(st, ST_UNRESOLVABLE, "node(s) didn't match Pod's node affinity/selector");
}

static bool ports_conflict(const sched_port_t *a, const sched_port_t *b)
{
    if (a->port != b->port || strcmp(a->proto, b->proto))
        return false;
    return !strcmp(a->ip, b->ip) || !strcmp(a->ip, "0.0.0.0") || !strcmp(b->ip, "0.0.0.0");
}

static void f_ports(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    const sched_pod_t *p = c->pod;
    for (size_t i = 0; i < p->nports; i++)
        for (size_t j = 0; j < n->npods; j++)
            for (size_t k = 0; k < n->pods[j]->nports; k++)
                if (ports_conflict(&p->ports[i], &n->pods[j]->ports[k])) {
                    sched_status_add(st, ST_UNSCHED,
                                     "node(s) didn't have free ports for the requested pod ports");
                    return;
                }
}

static void f_resources(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    const sched_res_t *r = &c->pod->req;
    if ((int64_t)n->npods + 1 > n->alloc.pods)
        sched_status_add(st, ST_UNSCHED, "Too many pods");
    if (!r->cpu && !r->mem && !r->eph && !r->nscalar)
        return;
    if (r->cpu > 0 && r->cpu > n->alloc.cpu - n->requested.cpu)
        sched_status_add(st, ST_UNSCHED, "Insufficient cpu");
    if (r->mem > 0 && r->mem > n->alloc.mem - n->requested.mem)
        sched_status_add(st, ST_UNSCHED, "Insufficient memory");
    if (r->eph > 0 && r->eph > n->alloc.eph - n->requested.eph)
        sched_status_add(st, ST_UNSCHED, "Insufficient ephemeral-storage");
    for (size_t i = 0; i < r->nscalar; i++) {
        int64_t want = r->scalar[i].v;
        if (!want)
            continue;
        int64_t free_ = sched_res_scalar(&n->alloc, r->scalar[i].name) -
                        sched_res_scalar(&n->requested, r->scalar[i].name);
        if (want > free_)
            sched_status_add(st, ST_UNSCHED, "Insufficient %s", r->scalar[i].name);
    }
}

/* ---- PodTopologySpread -------------------------------------------------- */

static bool node_has_keys(const sched_node_t *n, const sched_pod_t *p, bool hard)
{
    /* the default constraints score nodes that lack a key too (requireAllTopologies) */
    if (!hard && p->spread_defaulted)
        return true;
    for (size_t i = 0; i < p->nspread; i++)
        if (p->spread[i].hard == hard && !label(n, p->spread[i].topology_key))
            return false;
    return true;
}

static bool taints_tolerated(const json_t *tols, const sched_node_t *n)
{
    for (size_t i = 0; i < n->ntaints; i++) {
        const sched_taint_t *t = &n->taints[i];
        if ((!strcmp(t->effect, "NoSchedule") || !strcmp(t->effect, "NoExecute")) &&
            !sched_tolerates(tols, t))
            return false;
    }
    return true;
}

/* Whether n counts as a domain of constraint s (nodeAffinityPolicy, nodeTaintsPolicy). */
static bool spread_node_eligible(const sched_cycle_t *c, const sched_spread_t *s,
                                 const sched_node_t *n)
{
    if (s->honor_affinity && !sched_node_affinity_matches(c, n))
        return false;
    if (s->honor_taints && !taints_tolerated(tolerations(c), n))
        return false;
    return true;
}

static int64_t count_matching(const sched_node_t *n, const sched_spread_t *s, const char *ns)
{
    int64_t k = 0;
    for (size_t j = 0; j < n->npods; j++) {
        const sched_pod_t *q = n->pods[j];
        if (!q->terminating && !strcmp(q->ns, ns) && cube_selector_matches(s->sel, q->labels))
            k++;
    }
    return k;
}

/*
 * The domain counts of one hard constraint (upstream's PreFilter state),
 * memoised in the snapshot: the next pods of the same workload share them,
 * and every pod added or removed afterwards updates them, so a cycle does
 * not recount the cluster's pods. Keyed by everything the counts depend on.
 */
struct sched_spread_cache {
    struct sched_spread_cache *next;
    char *sig, *ns, *key;
    cube_selector_t *sel;
    sched_map_t eligible; /* node name -> (void *)1 */
    sched_tcount_t counts;
    uint64_t used;
};

#define SPREAD_CACHES_MAX 8

static void spread_cache_free(sched_spread_cache_t *sc)
{
    free(sc->sig);
    free(sc->ns);
    free(sc->key);
    cube_selector_free(sc->sel);
    sched_map_clear(&sc->eligible);
    tc_clear(&sc->counts);
    free(sc);
}

void sched_spread_caches_clear(sched_snapshot_t *s)
{
    while (s->spread_caches) {
        sched_spread_cache_t *sc = s->spread_caches;
        s->spread_caches = sc->next;
        spread_cache_free(sc);
    }
}

void sched_spread_caches_pod(sched_snapshot_t *s, const sched_pod_t *p, const sched_node_t *n,
                             int delta)
{
    for (sched_spread_cache_t *sc = s->spread_caches; sc; sc = sc->next) {
        if (p->terminating || strcmp(p->ns, sc->ns) || !sched_map_get(&sc->eligible, n->name) ||
            !cube_selector_matches(sc->sel, p->labels))
            continue;
        const char *v = label(n, sc->key);
        if (v)
            tc_add(&sc->counts, sc->key, v, delta);
    }
}

static void sig_json(cube_buf_t *b, const json_t *j)
{
    char *d = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    cube_buf_puts(b, d ? d : "-");
    cube_buf_putc(b, '\x1f');
    free(d);
}

static sched_tcount_t *spread_counts_for(sched_cycle_t *c, const sched_spread_t *s)
{
    /* The caches are a memo of the snapshot, not part of what it says. */
    sched_snapshot_t *snap = (sched_snapshot_t *)c->snap;
    const sched_pod_t *p = c->pod;
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b, "%s\x1f%s\x1f", p->ns, s->topology_key);
    sig_json(&b, s->sel_json);
    for (size_t i = 0; i < p->nspread; i++)
        if (p->spread[i].hard)
            cube_buf_printf(&b, "%s,", p->spread[i].topology_key);
    cube_buf_putc(&b, '\x1f');
    if (s->honor_affinity) {
        sig_json(&b, c->node_selector);
        sig_json(&b, c->node_required);
    }
    if (s->honor_taints)
        sig_json(&b, c->tolerations);
    sched_spread_cache_t **pp = &snap->spread_caches, *sc;
    size_t n = 0;
    for (; (sc = *pp); pp = &sc->next, n++)
        if (!strcmp(sc->sig, b.data)) {
            sc->used = ++snap->spread_tick;
            cube_buf_clear(&b);
            return &sc->counts;
        }
    if (n >= SPREAD_CACHES_MAX) { /* evict the least recently used */
        sched_spread_cache_t **lru = &snap->spread_caches;
        for (pp = &snap->spread_caches; *pp; pp = &(*pp)->next)
            if ((*pp)->used < (*lru)->used)
                lru = pp;
        sc = *lru;
        *lru = sc->next;
        spread_cache_free(sc);
    }
    sc = xcalloc(1, sizeof(*sc));
    sc->sig = cube_buf_steal(&b, NULL);
    sc->ns = xstrdup(p->ns);
    sc->key = xstrdup(s->topology_key);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_label_selector_from_json(s->sel_json, &sc->sel, &err) < 0) {
        cube_err_clear(&err);
        cube_label_selector_from_json(NULL, &sc->sel, &err);
    }
    for (size_t j = 0; j < snap->nlist; j++) {
        const sched_node_t *nd = snap->list[j];
        if (!node_has_keys(nd, p, true) || !spread_node_eligible(c, s, nd))
            continue;
        sched_map_put(&sc->eligible, nd->name, (void *)1);
        tc_add(&sc->counts, s->topology_key, label(nd, s->topology_key),
               count_matching(nd, s, p->ns));
    }
    sc->used = ++snap->spread_tick;
    sc->next = snap->spread_caches;
    snap->spread_caches = sc;
    return &sc->counts;
}

static void spread_prefilter(sched_cycle_t *c)
{
    const sched_pod_t *p = c->pod;
    c->spread_counts = xcalloc(p->nspread, sizeof(*c->spread_counts));
    c->spread_min = xcalloc(p->nspread, sizeof(*c->spread_min));
    for (size_t i = 0; i < p->nspread; i++) {
        const sched_spread_t *s = &p->spread[i];
        if (!s->hard)
            continue;
        c->spread_counts[i] = spread_counts_for(c, s);
        size_t domains;
        int64_t min = tc_min(c->spread_counts[i], s->topology_key, &domains);
        if (!domains || (s->min_domains > 0 && (int64_t)domains < s->min_domains))
            min = 0;
        c->spread_min[i] = min;
    }
}

static void f_spread(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    const sched_pod_t *p = c->pod;
    for (size_t i = 0; i < p->nspread; i++) {
        const sched_spread_t *s = &p->spread[i];
        if (!s->hard)
            continue;
        const char *v = label(n, s->topology_key);
        if (!v) {
            sched_status_add(st, ST_UNRESOLVABLE,
                             "node(s) didn't match pod topology spread constraints (missing "
                             "required label)");
            return;
        }
        int64_t self = cube_selector_matches(s->sel, p->labels) ? 1 : 0;
        int64_t skew = tc_get(c->spread_counts[i], s->topology_key, v) + self - c->spread_min[i];
        if (skew > s->max_skew) {
            sched_status_add(st, ST_UNSCHED,
                             "node(s) didn't match pod topology spread constraints");
            return;
        }
    }
}

/* ---- InterPodAffinity --------------------------------------------------- */

static bool matches_all(const sched_terms_t *ts, const sched_pod_t *q, const json_t *nsl)
{
    for (size_t i = 0; i < ts->n; i++)
        if (!sched_term_matches(&ts->t[i], q, nsl))
            return false;
    return ts->n > 0;
}

static void ipa_prefilter(sched_cycle_t *c)
{
    const sched_pod_t *p = c->pod;
    c->ipa_active = p->aff.n || p->anti.n || c->snap->naff;
    if (!c->ipa_active)
        return;
    for (size_t j = 0; j < c->snap->nlist; j++) {
        const sched_node_t *n = c->snap->list[j];
        if (!p->aff.n && !p->anti.n && !n->naff)
            continue;
        for (size_t k = 0; k < n->npods; k++) {
            const sched_pod_t *q = n->pods[k];
            const json_t *qnsl = c->need_qnsl ? sched_snapshot_ns_labels(c->snap, q->ns) : NULL;
            if (p->aff.n && matches_all(&p->aff, q, qnsl))
                for (size_t t = 0; t < p->aff.n; t++) {
                    const char *v = label(n, p->aff.t[t].topology_key);
                    if (v)
                        tc_add(&c->aff_counts, p->aff.t[t].topology_key, v, 1);
                }
            for (size_t t = 0; t < p->anti.n; t++) {
                const char *v = label(n, p->anti.t[t].topology_key);
                if (v && sched_term_matches(&p->anti.t[t], q, qnsl))
                    tc_add(&c->anti_counts, p->anti.t[t].topology_key, v, 1);
            }
            for (size_t t = 0; t < q->anti.n; t++) {
                const char *v = label(n, q->anti.t[t].topology_key);
                if (v && sched_term_matches(&q->anti.t[t], p, c->pod_ns_labels))
                    tc_add(&c->existing_anti, q->anti.t[t].topology_key, v, 1);
            }
        }
    }
}

static void f_ipa(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    if (!c->ipa_active)
        return;
    const sched_pod_t *p = c->pod;
    for (size_t k = 0; k < c->existing_anti.nkeys; k++) {
        const char *v = label(n, c->existing_anti.keys[k].key);
        if (v && tc_get(&c->existing_anti, c->existing_anti.keys[k].key, v) > 0) {
            sched_status_add(st, ST_UNSCHED,
                             "node(s) didn't satisfy existing pods anti-affinity rules");
            return;
        }
    }
    for (size_t t = 0; t < p->anti.n; t++) {
        const char *v = label(n, p->anti.t[t].topology_key);
        if (v && tc_get(&c->anti_counts, p->anti.t[t].topology_key, v) > 0) {
            sched_status_add(st, ST_UNSCHED, "node(s) didn't match pod anti-affinity rules");
            return;
        }
    }
    if (!p->aff.n)
        return;
    bool exist = true;
    for (size_t t = 0; t < p->aff.n; t++) {
        const char *v = label(n, p->aff.t[t].topology_key);
        if (!v) {
            sched_status_add(st, ST_UNRESOLVABLE, "node(s) didn't match pod affinity rules");
            return;
        }
        if (tc_get(&c->aff_counts, p->aff.t[t].topology_key, v) <= 0)
            exist = false;
    }
    /* The first pod of a group with affinity to itself may go anywhere its topology exists. */
    if (!exist && !(c->aff_counts.n == 0 && matches_all(&p->aff, p, c->pod_ns_labels)))
        sched_status_add(st, ST_UNRESOLVABLE, "node(s) didn't match pod affinity rules");
}

static void ipa_score_add(sched_cycle_t *c, const char *key, const char *v, int64_t w)
{
    tc_add(&c->ipa_score, key, v, w);
}

static void ipa_terms_score(sched_cycle_t *c, const sched_terms_t *ts, const sched_pod_t *target,
                            const json_t *nsl, const sched_node_t *n, int64_t sign, bool hard)
{
    for (size_t t = 0; t < ts->n; t++) {
        const char *v = label(n, ts->t[t].topology_key);
        if (v && sched_term_matches(&ts->t[t], target, nsl))
            ipa_score_add(c, ts->t[t].topology_key, v, sign * (hard ? 1 : ts->t[t].weight));
    }
}

static void ipa_prescore(sched_cycle_t *c, sched_node_t *const *nodes, size_t nn)
{
    const sched_pod_t *p = c->pod;
    bool has_pref = p->pref_aff.n || p->pref_anti.n;
    if (!has_pref && !c->snap->naff)
        return;
    c->ipa_scoring = true;
    for (size_t j = 0; j < c->snap->nlist; j++) {
        const sched_node_t *n = c->snap->list[j];
        if (!has_pref && !n->naff)
            continue;
        for (size_t k = 0; k < n->npods; k++) {
            const sched_pod_t *q = n->pods[k];
            if (!has_pref && !q->aff.n && !q->pref_aff.n && !q->pref_anti.n)
                continue;
            const json_t *qnsl = c->need_qnsl ? sched_snapshot_ns_labels(c->snap, q->ns) : NULL;
            ipa_terms_score(c, &p->pref_aff, q, qnsl, n, 1, false);
            ipa_terms_score(c, &p->pref_anti, q, qnsl, n, -1, false);
            ipa_terms_score(c, &q->aff, p, c->pod_ns_labels, n, 1, true);
            ipa_terms_score(c, &q->pref_aff, p, c->pod_ns_labels, n, 1, false);
            ipa_terms_score(c, &q->pref_anti, p, c->pod_ns_labels, n, -1, false);
        }
    }
}

static int64_t s_ipa(sched_cycle_t *c, const sched_node_t *n)
{
    int64_t s = 0;
    for (size_t i = 0; i < c->ipa_score.nkeys; i++) {
        const char *v = label(n, c->ipa_score.keys[i].key);
        if (v)
            s += tc_get(&c->ipa_score, c->ipa_score.keys[i].key, v);
    }
    return s;
}

static void n_ipa(sched_cycle_t *c, int64_t *scores, size_t n)
{
    if (!c->ipa_score.n) {
        for (size_t i = 0; i < n; i++)
            scores[i] = 0;
        return;
    }
    int64_t min = INT64_MAX, max = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        if (scores[i] > max)
            max = scores[i];
        if (scores[i] < min)
            min = scores[i];
    }
    for (size_t i = 0; i < n; i++)
        scores[i] =
            max > min
                ? (int64_t)((double)MAX_SCORE * ((double)(scores[i] - min) / (double)(max - min)))
                : 0;
}

/* ---- scores ------------------------------------------------------------- */

/* DefaultNormalizeScore: scale to 0..100 by the maximum; reverse flips. */
static void default_normalize(int64_t *scores, size_t n, bool reverse)
{
    int64_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (scores[i] > max)
            max = scores[i];
    if (!max) {
        if (reverse)
            for (size_t i = 0; i < n; i++)
                scores[i] = MAX_SCORE;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t s = MAX_SCORE * scores[i] / max;
        scores[i] = reverse ? MAX_SCORE - s : s;
    }
}

static int64_t s_taints(sched_cycle_t *c, const sched_node_t *n)
{
    int64_t k = 0;
    for (size_t j = 0; j < n->ntaints; j++)
        if (!strcmp(n->taints[j].effect, "PreferNoSchedule") &&
            !sched_tolerates(c->prefer_tolerations, &n->taints[j]))
            k++;
    return k;
}

static void n_taints(sched_cycle_t *c, int64_t *scores, size_t n)
{
    default_normalize(scores, n, true);
}

static int64_t s_node_affinity(sched_cycle_t *c, const sched_node_t *n)
{
    int64_t s = 0;
    size_t i;
    json_t *pref;
    json_array_foreach(c->node_preferred, i, pref)
    {
        int64_t w = json_integer_value(json_object_get(pref, "weight"));
        if (w && node_term_matches(json_object_get(pref, "preference"), n))
            s += w;
    }
    return s;
}

static void n_default(sched_cycle_t *c, int64_t *scores, size_t n)
{
    default_normalize(scores, n, false);
}

static int64_t least_requested(int64_t req, int64_t cap)
{
    if (cap == 0 || req > cap)
        return 0;
    return (cap - req) * MAX_SCORE / cap;
}

static int64_t s_least_allocated(sched_cycle_t *c, const sched_node_t *n)
{
    int64_t score = 0, wsum = 0;
    if (n->alloc.cpu) {
        score += least_requested(n->nz_cpu + c->pod->nz_cpu, n->alloc.cpu);
        wsum++;
    }
    if (n->alloc.mem) {
        score += least_requested(n->nz_mem + c->pod->nz_mem, n->alloc.mem);
        wsum++;
    }
    return wsum ? score / wsum : 0;
}

static int64_t s_balanced(sched_cycle_t *c, const sched_node_t *n)
{
    double f[2];
    int k = 0;
    if (n->alloc.cpu) {
        double x = (double)(n->nz_cpu + c->pod->nz_cpu) / (double)n->alloc.cpu;
        f[k++] = x > 1 ? 1 : x;
    }
    if (n->alloc.mem) {
        double x = (double)(n->nz_mem + c->pod->nz_mem) / (double)n->alloc.mem;
        f[k++] = x > 1 ? 1 : x;
    }
    double std = k == 2 ? fabs((f[0] - f[1]) / 2) : 0;
    return (int64_t)((1 - std) * MAX_SCORE);
}

/* PodTopologySpread scoring: soft constraints (ScheduleAnyway). */
static void spread_prescore(sched_cycle_t *c, sched_node_t *const *nodes, size_t nn)
{
    const sched_pod_t *p = c->pod;
    for (size_t i = 0; i < p->nspread; i++)
        if (!p->spread[i].hard) {
            c->soft = xrealloc(c->soft, (c->nsoft + 1) * sizeof(*c->soft));
            c->soft[c->nsoft++] = &p->spread[i];
        }
    if (!c->nsoft)
        return;
    c->soft_counts = xcalloc(c->nsoft, sizeof(*c->soft_counts));
    c->soft_weight = xcalloc(c->nsoft, sizeof(*c->soft_weight));
    size_t *sizes = xcalloc(c->nsoft, sizeof(size_t));
    for (size_t j = 0; j < nn; j++) {
        const sched_node_t *n = nodes[j];
        if (!node_has_keys(n, p, false))
            continue;
        c->soft_nodes++;
        for (size_t i = 0; i < c->nsoft; i++) {
            const char *k = c->soft[i]->topology_key;
            if (!strcmp(k, "kubernetes.io/hostname") || !label(n, k))
                continue;
            if (!tc_has(&c->soft_counts[i], k, label(n, k))) {
                tc_add(&c->soft_counts[i], k, label(n, k), 0);
                sizes[i]++;
            }
        }
    }
    for (size_t i = 0; i < c->nsoft; i++) {
        size_t sz = strcmp(c->soft[i]->topology_key, "kubernetes.io/hostname")
                        ? sizes[i]
                        : (size_t)c->soft_nodes;
        c->soft_weight[i] = log((double)sz + 2);
    }
    free(sizes);
    for (size_t j = 0; j < c->snap->nlist; j++) {
        const sched_node_t *n = c->snap->list[j];
        if (!node_has_keys(n, p, false))
            continue;
        for (size_t i = 0; i < c->nsoft; i++) {
            const sched_spread_t *s = c->soft[i];
            if (!strcmp(s->topology_key, "kubernetes.io/hostname") ||
                !spread_node_eligible(c, s, n))
                continue;
            const char *v = label(n, s->topology_key);
            if (v && tc_has(&c->soft_counts[i], s->topology_key, v))
                tc_add(&c->soft_counts[i], s->topology_key, v, count_matching(n, s, p->ns));
        }
    }
}

#define SPREAD_IGNORED (-1)

static int64_t s_spread(sched_cycle_t *c, const sched_node_t *n)
{
    if (!c->nsoft)
        return 0;
    if (!node_has_keys(n, c->pod, false))
        return SPREAD_IGNORED;
    double score = 0;
    for (size_t i = 0; i < c->nsoft; i++) {
        const sched_spread_t *s = c->soft[i];
        const char *v = label(n, s->topology_key);
        if (!v)
            continue;
        int64_t cnt = !strcmp(s->topology_key, "kubernetes.io/hostname")
                          ? count_matching(n, s, c->pod->ns)
                          : tc_get(&c->soft_counts[i], s->topology_key, v);
        score += (double)cnt * c->soft_weight[i] + (double)(s->max_skew - 1);
    }
    return (int64_t)llround(score);
}

static void n_spread(sched_cycle_t *c, int64_t *scores, size_t n)
{
    if (!c->nsoft)
        return;
    int64_t min = INT64_MAX, max = 0;
    for (size_t i = 0; i < n; i++) {
        if (scores[i] == SPREAD_IGNORED)
            continue;
        if (scores[i] < min)
            min = scores[i];
        if (scores[i] > max)
            max = scores[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (scores[i] == SPREAD_IGNORED)
            scores[i] = 0;
        else if (!max)
            scores[i] = MAX_SCORE;
        else
            scores[i] = MAX_SCORE * (max + min - scores[i]) / max;
    }
}

/* ImageLocality: images the node already has, weighted by how widely they are spread. */
#define MB (1024LL * 1024)

static char *normalized_image(const char *name)
{
    const char *colon = strrchr(name, ':'), *slash = strrchr(name, '/');
    if (!colon || (slash && colon < slash))
        return xasprintf("%s:latest", name);
    return xstrdup(name);
}

static int64_t image_size_on(const sched_node_t *n, const char *image)
{
    size_t i, j;
    json_t *img, *name;
    json_array_foreach(cube_json_path(n->obj, "status", "images", NULL), i, img)
    {
        json_array_foreach(json_object_get(img, "names"), j, name)
        {
            if (json_is_string(name) && !strcmp(json_string_value(name), image))
                return json_integer_value(json_object_get(img, "sizeBytes"));
        }
    }
    return -1;
}

static int64_t s_images(sched_cycle_t *c, const sched_node_t *n)
{
    int64_t sum = 0;
    double total = (double)(c->snap->nlist ? c->snap->nlist : 1);
    if (n->obj && json_array_size(cube_json_path(n->obj, "status", "images", NULL)))
        for (size_t i = 0; i < c->nimages; i++) {
            int64_t size = image_size_on(n, c->images[i]);
            if (size > 0) {
                intptr_t holders = (intptr_t)sched_map_get(&c->snap->images, c->images[i]);
                sum += (int64_t)((double)size * ((double)holders / total));
            }
        }
    int64_t lo = 23 * MB, hi = 1000 * MB * (c->nimages ? (int64_t)c->nimages : 1);
    if (sum < lo)
        sum = lo;
    if (sum > hi)
        sum = hi;
    return MAX_SCORE * (sum - lo) / (hi - lo);
}

/* ---- the profile -------------------------------------------------------- */

static const sched_plugin_t plugins[] = {
    {"NodeUnschedulable", 0, f_unschedulable, NULL, NULL, NULL},
    {"NodeName", 0, f_node_name, NULL, NULL, NULL},
    {"TaintToleration", 3, f_taints, NULL, s_taints, n_taints},
    {"NodeAffinity", 2, f_node_affinity, NULL, s_node_affinity, n_default},
    {"NodePorts", 0, f_ports, NULL, NULL, NULL},
    {"NodeResourcesFit", 1, f_resources, NULL, s_least_allocated, NULL},
    {"PodTopologySpread", 2, f_spread, spread_prescore, s_spread, n_spread},
    {"InterPodAffinity", 2, f_ipa, ipa_prescore, s_ipa, n_ipa},
    {"NodeResourcesBalancedAllocation", 1, NULL, NULL, s_balanced, NULL},
    {"ImageLocality", 1, NULL, NULL, s_images, NULL},
};

const sched_plugin_t *sched_plugins(size_t *ret_n)
{
    *ret_n = CUBE_ARRAY_SIZE(plugins);
    return plugins;
}

/* ---- the cycle state ---------------------------------------------------- */

void sched_cycle_init(sched_cycle_t *c, const sched_snapshot_t *s, const sched_pod_t *pod)
{
    *c = (sched_cycle_t){0};
    c->snap = s;
    c->pod = pod;
    c->pod_ns_labels = sched_snapshot_ns_labels(s, pod->ns);
    const json_t *spec = json_object_get(pod->obj, "spec");
    c->tolerations = json_object_get(spec, "tolerations");
    c->node_selector = json_object_get(spec, "nodeSelector");
    const json_t *na = cube_json_path(spec, "affinity", "nodeAffinity", NULL);
    c->node_required = json_object_get(na, "requiredDuringSchedulingIgnoredDuringExecution");
    c->node_preferred = json_object_get(na, "preferredDuringSchedulingIgnoredDuringExecution");
    c->want_node = cube_json_str(spec, "nodeName", NULL);
    c->prefer_tolerations = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(c->tolerations, i, t)
    {
        const char *e = cube_json_str(t, "effect", NULL);
        if (!e || !*e || !strcmp(e, "PreferNoSchedule"))
            json_array_append(c->prefer_tolerations, t);
    }
    static const char *const lists[] = {"initContainers", "containers"};
    for (size_t l = 0; l < 2; l++) {
        const json_t *arr = json_object_get(spec, lists[l]);
        json_array_foreach(arr, i, t)
        {
            const char *image = cube_json_str(t, "image", NULL);
            c->images = xrealloc(c->images, (c->nimages + 1) * sizeof(char *));
            c->images[c->nimages++] = normalized_image(image ? image : "");
        }
    }
    const sched_terms_t *all[] = {&pod->aff, &pod->anti, &pod->pref_aff, &pod->pref_anti};
    for (size_t a = 0; a < CUBE_ARRAY_SIZE(all); a++)
        for (size_t k = 0; k < all[a]->n; k++)
            if (all[a]->t[k].ns_sel)
                c->need_qnsl = true;
    ipa_prefilter(c);
    spread_prefilter(c);
}

void sched_cycle_filter(sched_cycle_t *c, const sched_node_t *n, sched_status_t *st)
{
    *st = (sched_status_t){0};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(plugins); i++) {
        if (!plugins[i].filter)
            continue;
        plugins[i].filter(c, n, st);
        if (st->code != ST_OK)
            return;
    }
}

void sched_cycle_clear(sched_cycle_t *c)
{
    json_decref(c->prefer_tolerations);
    for (size_t i = 0; i < c->nimages; i++)
        free(c->images[i]);
    free(c->images);
    tc_clear(&c->aff_counts);
    tc_clear(&c->anti_counts);
    tc_clear(&c->existing_anti);
    tc_clear(&c->ipa_score);
    free(c->spread_counts);
    free(c->spread_min);
    for (size_t i = 0; i < c->nsoft; i++)
        tc_clear(&c->soft_counts[i]);
    free(c->soft_counts);
    free(c->soft_weight);
    free(c->soft);
    *c = (sched_cycle_t){0};
}
