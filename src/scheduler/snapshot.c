/*
 * snapshot: the scheduler's picture of the cluster, kept up to date one
 * informer event at a time instead of being rebuilt for every pod (the
 * reason upstream's scheduler cache exists, and what makes throughput).
 * Each node carries what its pods request, counted as Kubernetes 1.32 counts
 * a pod's request (containers, init and sidecar containers, overhead), and
 * the pods themselves, parsed once: host ports, (anti-)affinity terms and
 * spread constraints compiled. Pods this scheduler has bound but the
 * informer has not yet shown bound are "assumed" here, so the next cycles
 * already see their node as used.
 */
#include "scheduler/internal.h"

/* ---- resources ---------------------------------------------------------- */

void sched_res_clear(sched_res_t *r)
{
    for (size_t i = 0; i < r->nscalar; i++)
        free(r->scalar[i].name);
    free(r->scalar);
    *r = (sched_res_t){0};
}

static int64_t *scalar_slot(sched_res_t *r, const char *name)
{
    for (size_t i = 0; i < r->nscalar; i++)
        if (!strcmp(r->scalar[i].name, name))
            return &r->scalar[i].v;
    r->scalar = xrealloc(r->scalar, (r->nscalar + 1) * sizeof(*r->scalar));
    r->scalar[r->nscalar] = (sched_scalar_t){xstrdup(name), 0};
    return &r->scalar[r->nscalar++].v;
}

int64_t sched_res_scalar(const sched_res_t *r, const char *name)
{
    for (size_t i = 0; i < r->nscalar; i++)
        if (!strcmp(r->scalar[i].name, name))
            return r->scalar[i].v;
    return 0;
}

void sched_res_add(sched_res_t *dst, const sched_res_t *src)
{
    dst->cpu += src->cpu;
    dst->mem += src->mem;
    dst->eph += src->eph;
    dst->pods += src->pods;
    for (size_t i = 0; i < src->nscalar; i++)
        *scalar_slot(dst, src->scalar[i].name) += src->scalar[i].v;
}

void sched_res_sub(sched_res_t *dst, const sched_res_t *src)
{
    dst->cpu -= src->cpu;
    dst->mem -= src->mem;
    dst->eph -= src->eph;
    dst->pods -= src->pods;
    for (size_t i = 0; i < src->nscalar; i++)
        *scalar_slot(dst, src->scalar[i].name) -= src->scalar[i].v;
}

void sched_res_max(sched_res_t *dst, const sched_res_t *src)
{
#define MAXF(f)                                                                                    \
    if (src->f > dst->f)                                                                           \
    dst->f = src->f
    MAXF(cpu);
    MAXF(mem);
    MAXF(eph);
    MAXF(pods);
#undef MAXF
    for (size_t i = 0; i < src->nscalar; i++) {
        int64_t *v = scalar_slot(dst, src->scalar[i].name);
        if (src->scalar[i].v > *v)
            *v = src->scalar[i].v;
    }
}

/* A quantity in milli-units; numbers are accepted as Kubernetes' decoder accepts them. */
static int64_t quantity_milli(const json_t *v)
{
    if (json_is_integer(v))
        return json_integer_value(v) * 1000;
    if (json_is_real(v))
        return (int64_t)(json_real_value(v) * 1000);
    int64_t m = 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (!json_is_string(v) || cube_quantity_parse(json_string_value(v), &m, &err) < 0)
        return 0;
    return m;
}

/* Whole units, rounded up as Quantity.Value() rounds. */
static int64_t units(int64_t milli)
{
    return milli >= 0 ? (milli + 999) / 1000 : milli / 1000;
}

void sched_res_parse_add(sched_res_t *r, const json_t *list)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)list, k, v)
    {
        int64_t m = quantity_milli(v);
        if (!strcmp(k, "cpu"))
            r->cpu += m;
        else if (!strcmp(k, "memory"))
            r->mem += units(m);
        else if (!strcmp(k, "ephemeral-storage"))
            r->eph += units(m);
        else if (!strcmp(k, "pods"))
            r->pods += units(m);
        else
            *scalar_slot(r, k) += units(m);
    }
}

/* ---- a pod's request ---------------------------------------------------- */

#define DEFAULT_MILLI_CPU 100
#define DEFAULT_MEMORY (200LL * 1024 * 1024)

/* One container's requests: requests, with limits standing in for missing requests (the API
 * defaults them so); nonzero adds scoring's defaults for a missing cpu or memory. */
static void container_requests(const json_t *c, bool nonzero, sched_res_t *ret)
{
    const json_t *req = cube_json_path(c, "resources", "requests", NULL);
    const json_t *lim = cube_json_path(c, "resources", "limits", NULL);
    sched_res_parse_add(ret, req);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)lim, k, v)
    {
        if (json_object_get(req, k))
            continue;
        json_t *one = json_pack("{sO}", k, v);
        sched_res_parse_add(ret, one);
        json_decref(one);
    }
    if (nonzero) {
        if (!json_object_get(req, "cpu") && !json_object_get(lim, "cpu"))
            ret->cpu += DEFAULT_MILLI_CPU;
        if (!json_object_get(req, "memory") && !json_object_get(lim, "memory"))
            ret->mem += DEFAULT_MEMORY;
    }
}

void sched_pod_requests(const json_t *pod, bool nonzero, sched_res_t *ret)
{
    *ret = (sched_res_t){0};
    const json_t *spec = json_object_get(pod, "spec");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(spec, "containers"), i, c)
    {
        container_requests(c, nonzero, ret);
    }
    /* Init containers run one at a time before the others; sidecars (restartPolicy Always)
     * keep running beside everything that starts after them. */
    sched_res_t init_max = {0}, sidecars = {0};
    json_array_foreach(json_object_get(spec, "initContainers"), i, c)
    {
        sched_res_t one = {0};
        container_requests(c, nonzero, &one);
        const char *rp = cube_json_str(c, "restartPolicy", NULL);
        if (rp && !strcmp(rp, "Always")) {
            sched_res_add(ret, &one);
            sched_res_add(&sidecars, &one);
            sched_res_clear(&one);
            sched_res_add(&one, &sidecars);
        } else {
            sched_res_add(&one, &sidecars);
        }
        sched_res_max(&init_max, &one);
        sched_res_clear(&one);
    }
    sched_res_max(ret, &init_max);
    sched_res_clear(&init_max);
    sched_res_clear(&sidecars);
    sched_res_parse_add(ret, json_object_get(spec, "overhead"));
}

/* ---- terms and constraints ---------------------------------------------- */

/* labelSelector with matchLabelKeys (In the pod's value) and mismatchLabelKeys (NotIn) merged
 * in, as the API server and scheduler merge them. NULL selector: matches nothing. */
static cube_selector_t *compile_selector(const json_t *sel, const json_t *match_keys,
                                         const json_t *mismatch_keys, const json_t *labels,
                                         json_t **ret_json)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *copy = NULL;
    if (sel && json_is_object(sel) &&
        (json_array_size(match_keys) || json_array_size(mismatch_keys))) {
        copy = json_deep_copy(sel);
        json_t *me = json_object_get(copy, "matchExpressions");
        if (!json_is_array(me)) {
            me = json_array();
            json_object_set_new(copy, "matchExpressions", me);
        }
        for (int pass = 0; pass < 2; pass++) {
            size_t i;
            json_t *k;
            json_array_foreach(pass ? mismatch_keys : match_keys, i, k)
            {
                const char *v = json_string_value(json_object_get(labels, json_string_value(k)));
                if (!json_is_string(k) || !v)
                    continue;
                json_array_append_new(me, json_pack("{sOss s[s]}", "key", k, "operator",
                                                    pass ? "NotIn" : "In", "values", v));
            }
        }
        sel = copy;
    }
    if (ret_json)
        *ret_json = sel && json_is_object(sel) ? json_deep_copy(sel) : NULL;
    cube_selector_t *ret = NULL;
    if (cube_label_selector_from_json(sel, &ret, &err) < 0) {
        cube_err_clear(&err);
        cube_label_selector_from_json(NULL, &ret, &err);
    }
    return ret;
}

static void term_parse(const json_t *j, const sched_pod_t *p, int32_t weight, sched_term_t *t)
{
    t->weight = weight;
    t->sel =
        compile_selector(json_object_get(j, "labelSelector"), json_object_get(j, "matchLabelKeys"),
                         json_object_get(j, "mismatchLabelKeys"), p->labels, NULL);
    t->topology_key = xstrdup(cube_json_str(j, "topologyKey", NULL) ?: "");
    const json_t *nss = json_object_get(j, "namespaces");
    const json_t *nsel = json_object_get(j, "namespaceSelector");
    if (nsel && json_is_object(nsel)) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_label_selector_from_json(nsel, &t->ns_sel, &err) < 0)
            t->ns_sel = NULL;
    }
    size_t n = json_array_size(nss), k = 0;
    t->namespaces = xcalloc(n + 2, sizeof(char *));
    size_t i;
    json_t *v;
    json_array_foreach(nss, i, v)
    {
        if (json_is_string(v))
            t->namespaces[k++] = xstrdup(json_string_value(v));
    }
    if (!k && !t->ns_sel)
        t->namespaces[k++] = xstrdup(p->ns);
}

static void terms_parse(const json_t *arr, bool weighted, const sched_pod_t *p, sched_terms_t *ret)
{
    size_t n = json_array_size(arr);
    if (!n)
        return;
    ret->t = xcalloc(n, sizeof(*ret->t));
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (weighted)
            term_parse(json_object_get(v, "podAffinityTerm"), p,
                       (int32_t)json_integer_value(json_object_get(v, "weight")),
                       &ret->t[ret->n++]);
        else
            term_parse(v, p, 0, &ret->t[ret->n++]);
    }
}

static void terms_clear(sched_terms_t *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        sched_term_t *t = &ts->t[i];
        cube_selector_free(t->sel);
        cube_selector_free(t->ns_sel);
        for (char **s = t->namespaces; s && *s; s++)
            free(*s);
        free(t->namespaces);
        free(t->topology_key);
    }
    free(ts->t);
}

bool sched_term_matches(const sched_term_t *t, const sched_pod_t *p, const json_t *ns_labels)
{
    bool ns_ok = false;
    for (char **s = t->namespaces; *s && !ns_ok; s++)
        ns_ok = !strcmp(*s, p->ns);
    if (!ns_ok && t->ns_sel)
        ns_ok = cube_selector_matches(t->ns_sel, ns_labels);
    return ns_ok && cube_selector_matches(t->sel, p->labels);
}

static void spread_parse(const json_t *arr, sched_pod_t *p)
{
    size_t n = json_array_size(arr);
    if (!n)
        return;
    p->spread = xcalloc(n, sizeof(*p->spread));
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        sched_spread_t *s = &p->spread[p->nspread++];
        s->max_skew = (int32_t)json_integer_value(json_object_get(v, "maxSkew"));
        s->min_domains = (int32_t)json_integer_value(json_object_get(v, "minDomains"));
        s->topology_key = xstrdup(cube_json_str(v, "topologyKey", NULL) ?: "");
        const char *w = cube_json_str(v, "whenUnsatisfiable", NULL);
        s->hard = !w || !strcmp(w, "DoNotSchedule");
        const char *ap = cube_json_str(v, "nodeAffinityPolicy", NULL);
        s->honor_affinity = !ap || !strcmp(ap, "Honor");
        const char *tp = cube_json_str(v, "nodeTaintsPolicy", NULL);
        s->honor_taints = tp && !strcmp(tp, "Honor");
        s->sel =
            compile_selector(json_object_get(v, "labelSelector"),
                             json_object_get(v, "matchLabelKeys"), NULL, p->labels, &s->sel_json);
    }
}

void sched_pod_default_spread(sched_pod_t *p, const json_t *selector)
{
    if (p->nspread || !selector ||
        (!json_object_size(json_object_get(selector, "matchLabels")) &&
         !json_array_size(json_object_get(selector, "matchExpressions"))))
        return;
    static const struct {
        const char *key;
        int32_t skew;
    } defaults[] = {{"kubernetes.io/hostname", 3}, {"topology.kubernetes.io/zone", 5}};
    p->spread = xcalloc(CUBE_ARRAY_SIZE(defaults), sizeof(*p->spread));
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(defaults); i++) {
        sched_spread_t *sp = &p->spread[p->nspread++];
        sp->max_skew = defaults[i].skew;
        sp->topology_key = xstrdup(defaults[i].key);
        sp->hard = false;
        sp->honor_affinity = true;
        sp->sel = compile_selector(selector, NULL, NULL, p->labels, &sp->sel_json);
    }
    p->spread_defaulted = true;
}

/* ---- pods --------------------------------------------------------------- */

sched_pod_t *sched_pod_new(json_t *obj)
{
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    if (!name)
        return NULL;
    sched_pod_t *p = xcalloc(1, sizeof(*p));
    p->ns = xstrdup(ns ? ns : "");
    p->name = xstrdup(name);
    p->key = xasprintf("%s/%s", p->ns, p->name);
    p->uid = xstrdup(cube_json_str(obj, "metadata", "uid", NULL) ?: "");
    p->obj = json_incref(obj);
    p->labels = cube_json_path(obj, "metadata", "labels", NULL);
    const char *node = cube_json_str(obj, "spec", "nodeName", NULL);
    if (node && *node)
        p->node = xstrdup(node);
    sched_pod_requests(obj, false, &p->req);
    sched_res_t nz;
    sched_pod_requests(obj, true, &nz);
    p->nz_cpu = nz.cpu;
    p->nz_mem = nz.mem;
    sched_res_clear(&nz);
    p->priority = (int32_t)json_integer_value(cube_json_path(obj, "spec", "priority", NULL));
    const char *ct = cube_json_str(obj, "metadata", "creationTimestamp", NULL);
    if (!ct || cube_time_parse(ct, &p->created) < 0)
        p->created = 0;
    p->terminating = cube_json_path(obj, "metadata", "deletionTimestamp", NULL) &&
                     !json_is_null(cube_json_path(obj, "metadata", "deletionTimestamp", NULL));
    const char *pp = cube_json_str(obj, "spec", "preemptionPolicy", NULL);
    p->preempt_never = pp && !strcmp(pp, "Never");

    size_t i, j;
    json_t *c, *port;
    json_array_foreach(cube_json_path(obj, "spec", "containers", NULL), i, c)
    {
        json_array_foreach(json_object_get(c, "ports"), j, port)
        {
            int hp = (int)json_integer_value(json_object_get(port, "hostPort"));
            if (hp <= 0)
                continue;
            p->ports = xrealloc(p->ports, (p->nports + 1) * sizeof(*p->ports));
            sched_port_t *sp = &p->ports[p->nports++];
            snprintf(sp->proto, sizeof(sp->proto), "%s",
                     cube_json_str(port, "protocol", NULL) ?: "TCP");
            const char *ip = cube_json_str(port, "hostIP", NULL);
            snprintf(sp->ip, sizeof(sp->ip), "%s", ip && *ip ? ip : "0.0.0.0");
            sp->port = hp;
        }
    }
    const json_t *aff = cube_json_path(obj, "spec", "affinity", NULL);
    const json_t *pa = json_object_get(aff, "podAffinity");
    const json_t *paa = json_object_get(aff, "podAntiAffinity");
    terms_parse(json_object_get(pa, "requiredDuringSchedulingIgnoredDuringExecution"), false, p,
                &p->aff);
    terms_parse(json_object_get(paa, "requiredDuringSchedulingIgnoredDuringExecution"), false, p,
                &p->anti);
    terms_parse(json_object_get(pa, "preferredDuringSchedulingIgnoredDuringExecution"), true, p,
                &p->pref_aff);
    terms_parse(json_object_get(paa, "preferredDuringSchedulingIgnoredDuringExecution"), true, p,
                &p->pref_anti);
    spread_parse(cube_json_path(obj, "spec", "topologySpreadConstraints", NULL), p);
    return p;
}

void sched_pod_free(sched_pod_t *p)
{
    if (!p)
        return;
    free(p->key);
    free(p->ns);
    free(p->name);
    free(p->uid);
    free(p->node);
    json_decref(p->obj);
    sched_res_clear(&p->req);
    free(p->ports);
    terms_clear(&p->aff);
    terms_clear(&p->anti);
    terms_clear(&p->pref_aff);
    terms_clear(&p->pref_anti);
    for (size_t i = 0; i < p->nspread; i++) {
        free(p->spread[i].topology_key);
        cube_selector_free(p->spread[i].sel);
        json_decref(p->spread[i].sel_json);
    }
    free(p->spread);
    free(p);
}

static bool pod_has_affinity(const sched_pod_t *p)
{
    return p->aff.n || p->anti.n || p->pref_aff.n || p->pref_anti.n;
}

/* ---- nodes -------------------------------------------------------------- */

static void node_images(sched_snapshot_t *s, const json_t *obj, int delta)
{
    size_t i, j;
    json_t *img, *name;
    json_array_foreach(cube_json_path(obj, "status", "images", NULL), i, img)
    {
        json_array_foreach(json_object_get(img, "names"), j, name)
        {
            if (!json_is_string(name))
                continue;
            intptr_t n = (intptr_t)sched_map_get(&s->images, json_string_value(name)) + delta;
            if (n > 0)
                sched_map_put(&s->images, json_string_value(name), (void *)n);
            else
                sched_map_del(&s->images, json_string_value(name));
        }
    }
}

static void node_taints_clear(sched_node_t *n)
{
    for (size_t i = 0; i < n->ntaints; i++) {
        free(n->taints[i].key);
        free(n->taints[i].value);
        free(n->taints[i].effect);
    }
    free(n->taints);
    n->taints = NULL;
    n->ntaints = 0;
}

static sched_node_t *node_get_or_new(sched_snapshot_t *s, const char *name)
{
    sched_node_t *n = sched_map_get(&s->nodes, name);
    if (!n) {
        n = xcalloc(1, sizeof(*n));
        n->name = xstrdup(name);
        n->idx = -1;
        sched_map_put(&s->nodes, name, n);
    }
    return n;
}

static void node_free(sched_node_t *n)
{
    free(n->name);
    json_decref(n->obj);
    sched_res_clear(&n->alloc);
    sched_res_clear(&n->requested);
    node_taints_clear(n);
    free(n->pods);
    free(n);
}

void sched_snapshot_node_set(sched_snapshot_t *s, json_t *obj)
{
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    if (!name)
        return;
    sched_spread_caches_clear(s);
    sched_node_t *n = node_get_or_new(s, name);
    if (n->obj)
        node_images(s, n->obj, -1);
    node_images(s, obj, +1);
    json_incref(obj);
    json_decref(n->obj);
    n->obj = obj;
    n->labels = cube_json_path(obj, "metadata", "labels", NULL);
    sched_res_clear(&n->alloc);
    const json_t *alloc = cube_json_path(obj, "status", "allocatable", NULL);
    if (!alloc)
        alloc = cube_json_path(obj, "status", "capacity", NULL);
    sched_res_parse_add(&n->alloc, alloc);
    n->unschedulable = json_is_true(cube_json_path(obj, "spec", "unschedulable", NULL));
    node_taints_clear(n);
    const json_t *taints = cube_json_path(obj, "spec", "taints", NULL);
    if (json_array_size(taints)) {
        n->taints = xcalloc(json_array_size(taints), sizeof(*n->taints));
        size_t i;
        json_t *t;
        json_array_foreach(taints, i, t)
        {
            n->taints[n->ntaints++] = (sched_taint_t){
                xstrdup(cube_json_str(t, "key", NULL) ?: ""),
                xstrdup(cube_json_str(t, "value", NULL) ?: ""),
                xstrdup(cube_json_str(t, "effect", NULL) ?: ""),
            };
        }
    }
    if (n->idx < 0) {
        if (s->nlist == s->caplist) {
            s->caplist = s->caplist ? s->caplist * 2 : 64;
            s->list = xrealloc(s->list, s->caplist * sizeof(*s->list));
        }
        n->idx = (ssize_t)s->nlist;
        s->list[s->nlist++] = n;
    }
}

void sched_snapshot_node_delete(sched_snapshot_t *s, const char *name)
{
    sched_node_t *n = sched_map_get(&s->nodes, name);
    if (!n)
        return;
    sched_spread_caches_clear(s);
    if (n->idx >= 0) {
        s->list[n->idx] = s->list[--s->nlist];
        s->list[n->idx]->idx = n->idx;
        n->idx = -1;
    }
    if (n->obj)
        node_images(s, n->obj, -1);
    json_decref(n->obj);
    n->obj = NULL;
    n->labels = NULL;
    if (!n->npods) {
        sched_map_del(&s->nodes, name);
        node_free(n);
    }
}

sched_node_t *sched_snapshot_node(const sched_snapshot_t *s, const char *name)
{
    return sched_map_get(&s->nodes, name);
}

/* ---- pods on nodes ------------------------------------------------------ */

void sched_snapshot_pod_add(sched_snapshot_t *s, sched_pod_t *p)
{
    sched_pod_free(sched_snapshot_pod_remove(s, p->key));
    if (!p->node) {
        sched_pod_free(p);
        return;
    }
    sched_node_t *n = node_get_or_new(s, p->node);
    if (n->npods == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 8;
        n->pods = xrealloc(n->pods, n->cap * sizeof(*n->pods));
    }
    n->pods[n->npods++] = p;
    sched_res_add(&n->requested, &p->req);
    sched_spread_caches_pod(s, p, n, +1);
    n->nz_cpu += p->nz_cpu;
    n->nz_mem += p->nz_mem;
    if (pod_has_affinity(p)) {
        n->naff++;
        s->naff++;
    }
    sched_map_put(&s->pods, p->key, p);
}

sched_pod_t *sched_snapshot_pod_remove(sched_snapshot_t *s, const char *key)
{
    sched_pod_t *p = sched_map_del(&s->pods, key);
    if (!p)
        return NULL;
    sched_node_t *n = sched_map_get(&s->nodes, p->node);
    if (!n)
        return p;
    for (size_t i = 0; i < n->npods; i++) {
        if (n->pods[i] != p)
            continue;
        memmove(&n->pods[i], &n->pods[i + 1], (n->npods - i - 1) * sizeof(*n->pods));
        n->npods--;
        break;
    }
    sched_res_sub(&n->requested, &p->req);
    sched_spread_caches_pod(s, p, n, -1);
    n->nz_cpu -= p->nz_cpu;
    n->nz_mem -= p->nz_mem;
    if (pod_has_affinity(p)) {
        n->naff--;
        s->naff--;
    }
    if (!n->obj && !n->npods) {
        sched_map_del(&s->nodes, n->name);
        node_free(n);
    }
    return p;
}

/* ---- namespaces --------------------------------------------------------- */

void sched_snapshot_ns_set(sched_snapshot_t *s, const char *ns, json_t *labels)
{
    json_t *l = labels ? json_incref(labels) : json_object();
    json_decref(sched_map_put(&s->ns_labels, ns, l));
}

void sched_snapshot_ns_delete(sched_snapshot_t *s, const char *ns)
{
    json_decref(sched_map_del(&s->ns_labels, ns));
}

const json_t *sched_snapshot_ns_labels(const sched_snapshot_t *s, const char *ns)
{
    return sched_map_get(&s->ns_labels, ns);
}

/* ---- whole snapshot ----------------------------------------------------- */

void sched_snapshot_init(sched_snapshot_t *s)
{
    *s = (sched_snapshot_t){0};
}

static void free_pod_cb(const char *key, void *val, void *ud)
{
    sched_pod_free(val);
}

static void free_node_cb(const char *key, void *val, void *ud)
{
    node_free(val);
}

static void free_json_cb(const char *key, void *val, void *ud)
{
    json_decref(val);
}

void sched_snapshot_clear(sched_snapshot_t *s)
{
    sched_spread_caches_clear(s);
    sched_map_foreach(&s->pods, free_pod_cb, NULL);
    sched_map_foreach(&s->nodes, free_node_cb, NULL);
    sched_map_foreach(&s->ns_labels, free_json_cb, NULL);
    sched_map_clear(&s->pods);
    sched_map_clear(&s->nodes);
    sched_map_clear(&s->ns_labels);
    sched_map_clear(&s->images);
    free(s->list);
    *s = (sched_snapshot_t){0};
}
