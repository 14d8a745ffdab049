/*
 * RBAC: the authorizer Kubernetes runs by default. A request is allowed when
 * some ClusterRoleBinding (anywhere) or RoleBinding (in the request's
 * namespace) names the user, one of the user's groups or the user's service
 * account, and the role it refers to has a rule matching the request's verb,
 * API group, resource (with subresource), resource name, or non-resource
 * path. There is no deny.
 *
 * Roles and bindings are read from the cache. Parsing them on every request
 * would cost more than the request, so a snapshot (roles with aggregation
 * resolved, bindings) is rebuilt only when one of the four RBAC collections
 * changed, and shared read-only between request threads by reference count.
 *
 * The bootstrap policy (cluster-admin, admin/edit/view with aggregation, the
 * system:* roles the components use, and their bindings) is written at start
 * when missing, as the RBAC post-start hook of the real API server does. The
 * rules are written down here in a compact form: "verbs|groups|resources" or
 * "verbs|url|paths", each part a comma-separated list.
 */
#include "apiserver/internal.h"

#include <pthread.h>

/* ---- the bootstrap policy --------------------------------------------- */

#define RO "get,list,watch"
#define RW "create,delete,deletecollection,patch,update"

typedef struct boot_role {
    const char *name;
    const char *aggregate_label; /* this role is aggregated into the role named by this label */
    const char *aggregate_from; /* aggregationRule: the label selecting the roles it gathers */
    const char *rules[24];
} boot_role_t;

static const boot_role_t boot_roles[] = {
    {"cluster-admin", NULL, NULL, {"*|*|*", "*|url|*"}},
    {"admin", NULL, "rbac.authorization.k8s.io/aggregate-to-admin", {NULL}},
    {"edit",
     "rbac.authorization.k8s.io/aggregate-to-admin",
     "rbac.authorization.k8s.io/aggregate-to-edit",
     {NULL}},
    {"view",
     "rbac.authorization.k8s.io/aggregate-to-edit",
     "rbac.authorization.k8s.io/aggregate-to-view",
     {NULL}},
    {"system:aggregate-to-admin",
     "rbac.authorization.k8s.io/aggregate-to-admin",
     NULL,
     {RW "," RO "|rbac.authorization.k8s.io|roles,rolebindings",
      "create|authorization.k8s.io|localsubjectaccessreviews"}},
    {"system:aggregate-to-edit",
     "rbac.authorization.k8s.io/aggregate-to-edit",
     NULL,
     {RW "," RO "|"
         "|pods,pods/attach,pods/exec,pods/portforward,pods/proxy,configmaps,endpoints,"
         "persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,"
         "serviceaccounts,services,services/proxy",
      "create|"
      "|pods/eviction,serviceaccounts/token",
      "impersonate|"
      "|serviceaccounts",
      RW "," RO "|apps|daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,"
         "replicasets/scale,statefulsets,statefulsets/scale",
      RW "," RO "|autoscaling|horizontalpodautoscalers", RW "," RO "|batch|cronjobs,jobs",
      RW "," RO "|policy|poddisruptionbudgets",
      RW "," RO "|networking.k8s.io|ingresses,networkpolicies",
      RW "," RO "|discovery.k8s.io|endpointslices"}},
    {"system:aggregate-to-view",
     "rbac.authorization.k8s.io/aggregate-to-view",
     NULL,
     {RO "|"
         "|configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,pods,"
         "replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,"
         "services/status,bindings,events,limitranges,namespaces/status,pods/log,pods/status,"
         "replicationcontrollers/status,resourcequotas,resourcequotas/status,namespaces",
      RO "|apps|controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,"
         "deployments/status,replicasets,replicasets/scale,replicasets/status,statefulsets,"
         "statefulsets/scale,statefulsets/status",
      RO "|autoscaling|horizontalpodautoscalers,horizontalpodautoscalers/status",
      RO "|batch|cronjobs,cronjobs/status,jobs,jobs/status",
      RO "|policy|poddisruptionbudgets,poddisruptionbudgets/status",
      RO "|networking.k8s.io|ingresses,ingresses/status,networkpolicies",
      RO "|discovery.k8s.io|endpointslices", RO "|events.k8s.io|events"}},
    {"system:basic-user",
     NULL,
     NULL,
     {"create|authorization.k8s.io|selfsubjectaccessreviews,selfsubjectrulesreviews",
      "create|authentication.k8s.io|selfsubjectreviews"}},
    {"system:discovery",
     NULL,
     NULL,
     {"get|url|/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,/version,"
      "/version/"}},
    {"system:public-info-viewer",
     NULL,
     NULL,
     {"get|url|/healthz,/livez,/readyz,/version,/version/"}},
    {"system:monitoring",
     NULL,
     NULL,
     {"get|url|/metrics,/metrics/slis,/livez,/readyz,/healthz,/livez/*,/readyz/*,/healthz/*"}},
    {"system:service-account-issuer-discovery",
     NULL,
     NULL,
     {"get|url|/.well-known/openid-configuration,/openid/v1/jwks"}},
    {"system:auth-delegator",
     NULL,
     NULL,
     {"create|authentication.k8s.io|tokenreviews",
      "create|authorization.k8s.io|subjectaccessreviews"}},
    {"system:kube-scheduler",
     NULL,
     NULL,
     {"create,patch,update|,events.k8s.io|events", "create|coordination.k8s.io|leases",
      "get,update|coordination.k8s.io|leases",
      RO "|"
         "|nodes,namespaces,services,"
         "replicationcontrollers,persistentvolumeclaims,"
         "persistentvolumes",
      RO ",delete|"
         "|pods",
      "create|"
      "|bindings,pods/binding",
      "patch,update|"
      "|pods/status",
      RO "|apps|replicasets,statefulsets", RO "|policy|poddisruptionbudgets",
      RO "|storage.k8s.io|storageclasses,csinodes,csidrivers,csistoragecapacities",
      "create|authentication.k8s.io|tokenreviews",
      "create|authorization.k8s.io|subjectaccessreviews"}},
    /* The controller manager runs every controller under one identity (upstream can give each
       controller its own service account; that is for later), so it may do what they do. */
    {"system:kube-controller-manager", NULL, NULL, {"*|*|*"}},
    {"system:node",
     NULL,
     NULL,
     {RO ",create,delete,patch,update|"
         "|nodes",
      "patch,update|"
      "|nodes/status,pods/status",
      RO ",create,delete|"
         "|pods",
      "create|"
      "|pods/eviction",
      RO "|"
         "|services,endpoints,persistentvolumes", /* secrets, configmaps, claims: node_authz.c */
      "create,patch,update|,events.k8s.io|events",
      "create|"
      "|serviceaccounts/token",
      "get,create,update,patch,delete|coordination.k8s.io|leases",
      "create,get,list,watch|certificates.k8s.io|certificatesigningrequests",
      RO "|storage.k8s.io|csidrivers,csinodes,volumeattachments", RO "|node.k8s.io|runtimeclasses",
      "create|authentication.k8s.io|tokenreviews",
      "create|authorization.k8s.io|subjectaccessreviews"}},
    {"system:node-proxier",
     NULL,
     NULL,
     {RO "|"
         "|services,endpoints,nodes",
      RO "|discovery.k8s.io|endpointslices", "create,patch,update|,events.k8s.io|events"}},
    /* cube's NetworkPolicy enforcer (cube network-policy): reads policies, pods, namespaces */
    {"system:cube:network-policy",
     NULL,
     NULL,
     {RO "|"
         "|pods,namespaces",
      RO "|networking.k8s.io|networkpolicies", "create,patch,update|,events.k8s.io|events"}},
    {"system:kube-dns",
     NULL,
     NULL,
     {"list,watch|"
      "|endpoints,services",
      "list,watch|discovery.k8s.io|endpointslices"}},
};

typedef struct boot_binding {
    const char *name; /* also the ClusterRole's name */
    const char *subjects[3]; /* "Group:x", "User:x", "ServiceAccount:ns:name" */
} boot_binding_t;

static const boot_binding_t boot_bindings[] = {
    {"cluster-admin", {"Group:system:masters"}},
    {"system:basic-user", {"Group:system:authenticated"}},
    {"system:discovery", {"Group:system:authenticated"}},
    {"system:public-info-viewer", {"Group:system:authenticated", "Group:system:unauthenticated"}},
    {"system:monitoring", {"Group:system:monitoring"}},
    {"system:service-account-issuer-discovery", {"Group:system:serviceaccounts"}},
    {"system:kube-scheduler", {"User:system:kube-scheduler"}},
    {"system:kube-controller-manager", {"User:system:kube-controller-manager"}},
    /* Bound to no one, as upstream: nodes get these rules from the Node authorizer. */
    {"system:node", {NULL}},
    {"system:node-proxier", {"User:system:kube-proxy"}},
    {"system:cube:network-policy", {"User:system:cube:network-policy"}},
    {"system:kube-dns", {"ServiceAccount:kube-system:kube-dns"}},
};

static json_t *split_list(const char *s, size_t n)
{
    json_t *a = json_array();
    while (n > 0) {
        const char *comma = memchr(s, ',', n);
        size_t len = comma ? (size_t)(comma - s) : n;
        json_array_append_new(a, json_stringn(s, len));
        if (!comma)
            break;
        n -= len + 1;
        s = comma + 1;
    }
    if (n == 0 && json_array_size(a) == 0)
        json_array_append_new(a, json_string("")); /* "" = the core group */
    return a;
}

/* "verbs|groups|resources" or "verbs|url|paths" -> a PolicyRule. */
static json_t *parse_rule(const char *s)
{
    const char *p1 = strchr(s, '|');
    const char *p2 = strchr(p1 + 1, '|');
    json_t *rule = json_object();
    json_object_set_new(rule, "verbs", split_list(s, (size_t)(p1 - s)));
    if ((size_t)(p2 - p1 - 1) == 3 && !strncmp(p1 + 1, "url", 3)) {
        json_object_set_new(rule, "nonResourceURLs", split_list(p2 + 1, strlen(p2 + 1)));
        return rule;
    }
    json_t *groups = json_array();
    const char *g = p1 + 1;
    size_t gn = (size_t)(p2 - g);
    if (gn == 0) {
        json_array_append_new(groups, json_string(""));
    } else {
        json_decref(groups);
        groups = split_list(g, gn);
        if (g[0] == ',') /* ",events.k8s.io": the core group and another */
            json_array_set_new(groups, 0, json_string(""));
    }
    json_object_set_new(rule, "apiGroups", groups);
    json_object_set_new(rule, "resources", split_list(p2 + 1, strlen(p2 + 1)));
    return rule;
}

static json_t *boot_meta(const char *name)
{
    return json_pack("{s:s, s:{s:s}, s:{s:s}}", "name", name, "labels",
                     "kubernetes.io/bootstrapping", "rbac-defaults", "annotations",
                     "rbac.authorization.kubernetes.io/autoupdate", "true");
}

/* The rules of boot role i with the roles it aggregates gathered in, as the clusterrole
   aggregation controller would write them. */
static void boot_rules(size_t i, json_t *into, int depth)
{
    const boot_role_t *br = &boot_roles[i];
    for (size_t j = 0; j < CUBE_ARRAY_SIZE(br->rules) && br->rules[j]; j++)
        json_array_append_new(into, parse_rule(br->rules[j]));
    if (!br->aggregate_from || depth > 4)
        return;
    for (size_t k = 0; k < CUBE_ARRAY_SIZE(boot_roles); k++)
        if (boot_roles[k].aggregate_label &&
            !strcmp(boot_roles[k].aggregate_label, br->aggregate_from))
            boot_rules(k, into, depth + 1);
}

/* Appends to `have` each element of `want` it lacks. true if something was added. */
static bool union_into(json_t *have, const json_t *want)
{
    bool added = false;
    size_t i, j;
    json_t *w, *h;
    json_array_foreach(want, i, w)
    {
        bool found = false;
        json_array_foreach(have, j, h) if (json_equal(h, w)) found = true;
        if (!found) {
            json_array_append(have, w);
            added = true;
        }
    }
    return added;
}

/*
 * Creates a bootstrap object, or reconciles the existing one as Kubernetes does at every start
 * when it carries rbac.authorization.kubernetes.io/autoupdate=true: missing rules (roles) or
 * subjects (bindings) and labels are added; nothing is removed.
 */
static int ensure_reconciled(cube_apiserver_t *srv, const char *plural, json_t *want,
                             const char *list_field, cube_err_t *err)
{
    const cube_resource_t *r = cube_api_resource_find("rbac.authorization.k8s.io", "v1", plural);
    const char *name = cube_json_str(want, "metadata", "name", NULL);
    _cleanup_free_ char *key = cube_key(r, NULL, name);
    cube_obj_t *o = cube_cache_get(srv->cache, key);
    if (!o)
        return cube_apiserver_ensure_object(srv, r->group, r->version, plural, want, err);
    json_auto_t *have = json_loadb(o->json->data, o->json->len, 0, NULL);
    int64_t rev = o->rev;
    cube_obj_unref(o);
    const char *auto_update = cube_json_str(have, "metadata", "annotations",
                                            "rbac.authorization.kubernetes.io/autoupdate", NULL);
    if (!have || !auto_update || strcmp(auto_update, "true"))
        return 0;
    bool changed = false;
    json_t *list = json_object_get(have, list_field);
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(have, list_field, list);
    }
    changed |= union_into(list, json_object_get(want, list_field));
    json_t *labels = cube_json_obj(cube_json_obj(have, "metadata"), "labels");
    const char *k;
    json_t *v;
    json_object_foreach(cube_json_path(want, "metadata", "labels", NULL), k, v)
    {
        if (!json_equal(json_object_get(labels, k), v)) {
            json_object_set(labels, k, v);
            changed = true;
        }
    }
    if (!changed)
        return 0;
    size_t len;
    _cleanup_free_ char *bytes = cube_encode_for_store(have, &len);
    int64_t new_rev;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_store_update(srv->store, key, bytes, len, rev, &new_rev, &e) < 0 && e.code != 409) {
        cube_err_move(err, &e);
        return -1;
    }
    return 0;
}

int cube_rbac_bootstrap(cube_apiserver_t *srv, cube_err_t *err)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(boot_roles); i++) {
        const boot_role_t *br = &boot_roles[i];
        json_t *meta = boot_meta(br->name);
        if (br->aggregate_label)
            json_object_set_new(cube_json_obj(meta, "labels"), br->aggregate_label,
                                json_string("true"));
        json_t *rules = json_array();
        boot_rules(i, rules, 0);
        json_auto_t *role =
            json_pack("{s:s, s:s, s:o, s:o}", "apiVersion", "rbac.authorization.k8s.io/v1", "kind",
                      "ClusterRole", "metadata", meta, "rules", rules);
        if (br->aggregate_from)
            json_object_set_new(role, "aggregationRule",
                                json_pack("{s:[{s:{s:s}}]}", "clusterRoleSelectors", "matchLabels",
                                          br->aggregate_from, "true"));
        if (ensure_reconciled(srv, "clusterroles", role, "rules", err) < 0)
            return -1;
    }
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(boot_bindings); i++) {
        const boot_binding_t *bb = &boot_bindings[i];
        json_t *subjects = json_array();
        for (size_t j = 0; j < CUBE_ARRAY_SIZE(bb->subjects) && bb->subjects[j]; j++) {
            const char *s = bb->subjects[j];
            const char *colon = strchr(s, ':');
            _cleanup_free_ char *kind = xstrndup(s, (size_t)(colon - s));
            json_t *subj = json_pack("{s:s}", "kind", kind);
            if (!strcmp(kind, "ServiceAccount")) {
                const char *c2 = strchr(colon + 1, ':');
                json_object_set_new(subj, "namespace",
                                    json_stringn(colon + 1, (size_t)(c2 - colon - 1)));
                json_object_set_new(subj, "name", json_string(c2 + 1));
            } else {
                json_object_set_new(subj, "apiGroup", json_string("rbac.authorization.k8s.io"));
                json_object_set_new(subj, "name", json_string(colon + 1));
            }
            json_array_append_new(subjects, subj);
        }
        json_auto_t *binding =
            json_pack("{s:s, s:s, s:o, s:{s:s, s:s, s:s}, s:o}", "apiVersion",
                      "rbac.authorization.k8s.io/v1", "kind", "ClusterRoleBinding", "metadata",
                      boot_meta(bb->name), "roleRef", "apiGroup", "rbac.authorization.k8s.io",
                      "kind", "ClusterRole", "name", bb->name, "subjects", subjects);
        if (ensure_reconciled(srv, "clusterrolebindings", binding, "subjects", err) < 0)
            return -1;
    }
    return 0;
}

/* The rules of the bootstrap system:node role, parsed once. */
static json_t *node_rules;
static pthread_once_t node_rules_once = PTHREAD_ONCE_INIT;

static void parse_node_rules(void)
{
    node_rules = json_array();
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(boot_roles); i++)
        if (!strcmp(boot_roles[i].name, "system:node"))
            for (size_t j = 0; j < CUBE_ARRAY_SIZE(boot_roles[i].rules) && boot_roles[i].rules[j];
                 j++)
                json_array_append_new(node_rules, parse_rule(boot_roles[i].rules[j]));
}

/* ---- rule matching ------------------------------------------------------ */

static bool list_has(const json_t *list, const char *v, bool star)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *s = json_string_value(e);
        if (s && ((star && !strcmp(s, "*")) || !strcmp(s, v)))
            return true;
    }
    return false;
}

static bool resource_matches(const json_t *resources, const char *res, const char *sub)
{
    size_t i;
    json_t *e;
    json_array_foreach(resources, i, e)
    {
        const char *s = json_string_value(e);
        if (!s)
            continue;
        if (!strcmp(s, "*"))
            return true;
        size_t rl = strlen(res);
        if (!sub) {
            if (!strcmp(s, res))
                return true;
            continue;
        }
        if (!strncmp(s, res, rl) && s[rl] == '/' && !strcmp(s + rl + 1, sub))
            return true;
        if (s[0] == '*' && s[1] == '/' && !strcmp(s + 2, sub))
            return true;
    }
    return false;
}

static bool url_matches(const json_t *urls, const char *path)
{
    size_t i;
    json_t *e;
    json_array_foreach(urls, i, e)
    {
        const char *s = json_string_value(e);
        if (!s)
            continue;
        size_t n = strlen(s);
        if (!strcmp(s, "*") || !strcmp(s, path))
            return true;
        if (n > 0 && s[n - 1] == '*' && !strncmp(s, path, n - 1))
            return true;
    }
    return false;
}

bool cube_rbac_rule_allows(const json_t *rule, const cube_authz_attrs_t *a)
{
    if (!list_has(json_object_get(rule, "verbs"), a->verb, true))
        return false;
    if (!a->resource) {
        const json_t *urls = json_object_get(rule, "nonResourceURLs");
        return urls && url_matches(urls, a->path ? a->path : "");
    }
    if (!list_has(json_object_get(rule, "apiGroups"), a->group ? a->group : "", true))
        return false;
    if (!resource_matches(json_object_get(rule, "resources"), a->resource, a->subresource))
        return false;
    const json_t *names = json_object_get(rule, "resourceNames");
    if (json_array_size(names) == 0)
        return true;
    return a->name && list_has(names, a->name, false);
}

/* ---- the snapshot ------------------------------------------------------- */

typedef struct snapshot {
    atomic_int refs;
    int64_t revs[4];
    json_t *cluster_roles; /* name -> rules (aggregation resolved) */
    json_t *roles; /* "ns/name" -> rules */
    json_t *bindings; /* [{ns (absent for cluster bindings), kind, name, subjects}] */
    /* the same bindings by subject: "u:<user name>" (ServiceAccounts as their user name)
       and "g:<group>" -> [binding], so that a request looks only at its own bindings */
    json_t *by_subject;
} snapshot_t;

static void snapshot_unref(snapshot_t *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    json_decref(s->cluster_roles);
    json_decref(s->roles);
    json_decref(s->bindings);
    json_decref(s->by_subject);
    free(s);
}

struct cube_rbac {
    pthread_mutex_t mu;
    snapshot_t *snap;
};

static const char *const rbac_plurals[4] = {"clusterroles", "roles", "clusterrolebindings",
                                            "rolebindings"};

static void collect(cube_apiserver_t *srv, int which, void (*fn)(json_t *obj, void *ud), void *ud)
{
    const cube_resource_t *r =
        cube_api_resource_find("rbac.authorization.k8s.io", "v1", rbac_plurals[which]);
    _cleanup_free_ char *prefix = cube_key(r, NULL, NULL);
    cube_obj_t **objs = NULL;
    size_t n = cube_cache_list_prefix(srv->cache, prefix, &objs);
    for (size_t i = 0; i < n; i++) {
        json_auto_t *obj = json_loadb(objs[i]->json->data, objs[i]->json->len, 0, NULL);
        if (obj)
            fn(obj, ud);
    }
    cube_objs_free(objs, n);
}

static void add_cluster_role(json_t *obj, void *ud)
{
    json_t *all = ud; /* name -> whole object */
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    if (name)
        json_object_set(all, name, obj);
}

static void add_role(json_t *obj, void *ud)
{
    json_t *roles = ud;
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    json_t *rules = json_object_get(obj, "rules");
    if (!ns || !name)
        return;
    _cleanup_free_ char *k = xasprintf("%s/%s", ns, name);
    json_object_set_new(roles, k, rules ? json_incref(rules) : json_array());
}

static void add_binding(json_t *obj, void *ud)
{
    json_t *bindings = ud;
    json_t *b = json_object();
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    if (ns)
        json_object_set_new(b, "ns", json_string(ns));
    const char *kind = cube_json_str(obj, "roleRef", "kind", NULL);
    const char *name = cube_json_str(obj, "roleRef", "name", NULL);
    json_object_set_new(b, "kind", json_string(kind ? kind : ""));
    json_object_set_new(b, "name", json_string(name ? name : ""));
    json_t *subj = json_object_get(obj, "subjects");
    json_object_set_new(b, "subjects", subj ? json_incref(subj) : json_array());
    json_array_append_new(bindings, b);
}

static bool selector_json_matches(const json_t *sel, const json_t *labels)
{
    cube_selector_t *ls = NULL;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_label_selector_from_json(sel, &ls, &e) < 0)
        return false;
    /* An empty aggregation selector selects nothing (unlike an empty label selector). */
    bool ok = !cube_selector_empty(ls) && cube_selector_matches(ls, labels);
    cube_selector_free(ls);
    return ok;
}

/* Rules of every cluster role, aggregation resolved: a role with an aggregationRule gets the
   rules of the roles its selectors match (themselves possibly aggregated: iterate). */
static json_t *resolve_cluster_roles(json_t *all)
{
    json_t *rules = json_object();
    const char *name;
    json_t *obj;
    json_object_foreach(all, name, obj)
    {
        json_t *r = json_object_get(obj, "rules");
        json_object_set_new(rules, name, r ? json_deep_copy(r) : json_array());
    }
    for (int round = 0; round < 4; round++) {
        json_object_foreach(all, name, obj)
        {
            json_t *sels = cube_json_path(obj, "aggregationRule", "clusterRoleSelectors", NULL);
            if (!json_is_array(sels))
                continue;
            json_t *agg = json_array();
            size_t i;
            json_t *sel;
            json_array_foreach(sels, i, sel)
            {
                const char *oname;
                json_t *other;
                json_object_foreach(all, oname, other)
                {
                    if (!strcmp(oname, name))
                        continue;
                    json_t *labels = cube_json_path(other, "metadata", "labels", NULL);
                    if (!selector_json_matches(sel, labels))
                        continue;
                    size_t j;
                    json_t *rule;
                    json_array_foreach(json_object_get(rules, oname), j, rule)
                    {
                        bool dup = false;
                        size_t k;
                        json_t *have;
                        json_array_foreach(agg, k, have) if (json_equal(have, rule)) dup = true;
                        if (!dup)
                            json_array_append(agg, rule);
                    }
                }
            }
            json_object_set_new(rules, name, agg);
        }
    }
    return rules;
}

/* The key a subject is indexed under (see by_subject), or NULL for a malformed one. */
static char *subject_key(const json_t *subj, const char *binding_ns)
{
    const char *kind = cube_json_str(subj, "kind", NULL);
    const char *name = cube_json_str(subj, "name", NULL);
    if (!kind || !name)
        return NULL;
    if (!strcmp(kind, "User"))
        return xasprintf("u:%s", name);
    if (!strcmp(kind, "Group"))
        return xasprintf("g:%s", name);
    if (!strcmp(kind, "ServiceAccount")) {
        const char *ns = cube_json_str(subj, "namespace", NULL);
        if (!ns || !*ns)
            ns = binding_ns;
        return ns ? xasprintf("u:system:serviceaccount:%s:%s", ns, name) : NULL;
    }
    return NULL;
}

static json_t *index_bindings(const json_t *bindings)
{
    json_t *idx = json_object();
    size_t i, j;
    json_t *b, *subj;
    json_array_foreach(bindings, i, b)
    {
        const char *bns = cube_json_str(b, "ns", NULL);
        json_array_foreach(json_object_get(b, "subjects"), j, subj)
        {
            _cleanup_free_ char *k = subject_key(subj, bns);
            if (!k)
                continue;
            json_t *list = json_object_get(idx, k);
            if (!list)
                json_object_set_new(idx, k, list = json_array());
            if (json_array_size(list) == 0 || json_array_get(list, json_array_size(list) - 1) != b)
                json_array_append(list, b);
        }
    }
    return idx;
}

static snapshot_t *snapshot_get(cube_apiserver_t *srv)
{
    cube_rbac_t *rb = srv->rbac;
    int64_t revs[4];
    for (int i = 0; i < 4; i++) {
        const cube_resource_t *r =
            cube_api_resource_find("rbac.authorization.k8s.io", "v1", rbac_plurals[i]);
        _cleanup_free_ char *prefix = cube_key(r, NULL, NULL);
        revs[i] = cube_cache_coll_revision(srv->cache, prefix);
    }
    pthread_mutex_lock(&rb->mu);
    snapshot_t *s = rb->snap;
    if (s && !memcmp(s->revs, revs, sizeof(revs))) {
        atomic_fetch_add(&s->refs, 1);
        pthread_mutex_unlock(&rb->mu);
        return s;
    }
    /* Rebuilt under the lock: changes to RBAC objects are rare, and one rebuild serves all. */
    s = xcalloc(1, sizeof(*s));
    atomic_init(&s->refs, 2); /* the holder's and the caller's */
    memcpy(s->revs, revs, sizeof(revs));
    json_auto_t *all = json_object();
    collect(srv, 0, add_cluster_role, all);
    s->cluster_roles = resolve_cluster_roles(all);
    s->roles = json_object();
    collect(srv, 1, add_role, s->roles);
    s->bindings = json_array();
    collect(srv, 2, add_binding, s->bindings);
    collect(srv, 3, add_binding, s->bindings);
    s->by_subject = index_bindings(s->bindings);
    snapshot_unref(rb->snap);
    rb->snap = s;
    pthread_mutex_unlock(&rb->mu);
    return s;
}

int cube_rbac_new(cube_rbac_t **ret)
{
    cube_rbac_t *rb = xcalloc(1, sizeof(*rb));
    pthread_mutex_init(&rb->mu, NULL);
    *ret = rb;
    return 0;
}

void cube_rbac_free(cube_rbac_t *rb)
{
    if (!rb)
        return;
    snapshot_unref(rb->snap);
    pthread_mutex_destroy(&rb->mu);
    free(rb);
}

bool cube_user_in_group(const cube_user_t *u, const char *group)
{
    for (size_t i = 0; u && i < u->ngroups; i++)
        if (!strcmp(u->groups[i], group))
            return true;
    return false;
}

static bool subject_matches(const json_t *subj, const cube_user_t *u, const char *binding_ns)
{
    const char *kind = cube_json_str(subj, "kind", NULL);
    const char *name = cube_json_str(subj, "name", NULL);
    if (!kind || !name)
        return false;
    if (!strcmp(kind, "User"))
        return u && !strcmp(name, u->name);
    if (!strcmp(kind, "Group"))
        return u ? cube_user_in_group(u, name) : !strcmp(name, "system:unauthenticated");
    if (!strcmp(kind, "ServiceAccount") && u) {
        const char *ns = cube_json_str(subj, "namespace", NULL);
        if (!ns || !*ns)
            ns = binding_ns;
        if (!ns)
            return false;
        _cleanup_free_ char *want = xasprintf("system:serviceaccount:%s:%s", ns, name);
        return !strcmp(want, u->name);
    }
    return false;
}

static bool rules_allow(const json_t *rules, const cube_authz_attrs_t *a)
{
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule) if (cube_rbac_rule_allows(rule, a)) return true;
    return false;
}

/* The rules a binding grants (borrowed), or NULL when its role does not exist. */
static const json_t *binding_rules(const snapshot_t *s, const json_t *b)
{
    const char *kind = cube_json_str(b, "kind", NULL);
    const char *name = cube_json_str(b, "name", NULL);
    const char *ns = cube_json_str(b, "ns", NULL);
    if (!strcmp(kind, "ClusterRole"))
        return json_object_get(s->cluster_roles, name);
    if (!strcmp(kind, "Role") && ns) {
        _cleanup_free_ char *k = xasprintf("%s/%s", ns, name);
        return json_object_get(s->roles, k);
    }
    return NULL;
}

bool cube_rbac_node_rules_allow(const cube_authz_attrs_t *a)
{
    pthread_once(&node_rules_once, parse_node_rules);
    return rules_allow(node_rules, a);
}

/* Whether one of the bindings in list (those of one subject key) grants a. */
static bool bindings_allow(const snapshot_t *s, const json_t *list, const cube_authz_attrs_t *a)
{
    size_t i;
    json_t *b;
    json_array_foreach(list, i, b)
    {
        const char *bns = cube_json_str(b, "ns", NULL);
        /* A RoleBinding grants only in its own namespace, and only for namespaced requests. */
        if (bns && (!a->resource || !a->ns || strcmp(bns, a->ns)))
            continue;
        const json_t *rules = binding_rules(s, b);
        if (rules && rules_allow(rules, a))
            return true;
    }
    return false;
}

/* Whether the bindings of subject key "<prefix><name>" grant a. */
static bool subject_allows(const snapshot_t *s, const char *prefix, const char *name,
                           const cube_authz_attrs_t *a)
{
    _cleanup_free_ char *key = xasprintf("%s%s", prefix, name);
    return bindings_allow(s, json_object_get(s->by_subject, key), a);
}

bool cube_rbac_allows(cube_apiserver_t *srv, const cube_authz_attrs_t *a)
{
    snapshot_t *s = snapshot_get(srv);
    bool allowed;
    if (a->user) {
        allowed = subject_allows(s, "u:", a->user->name, a);
        for (size_t g = 0; !allowed && g < a->user->ngroups; g++)
            allowed = subject_allows(s, "g:", a->user->groups[g], a);
    } else {
        allowed = subject_allows(s, "g:", "system:unauthenticated", a);
    }
    snapshot_unref(s);
    return allowed;
}

json_t *cube_rbac_rules_for(cube_apiserver_t *srv, const cube_user_t *u, const char *ns)
{
    snapshot_t *s = snapshot_get(srv);
    json_t *out = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(s->bindings, i, b)
    {
        const char *bns = cube_json_str(b, "ns", NULL);
        if (bns && (!ns || strcmp(bns, ns)))
            continue;
        size_t j;
        json_t *subj;
        bool who = false;
        json_array_foreach(json_object_get(b, "subjects"), j,
                           subj) if (subject_matches(subj, u, bns)) who = true;
        const json_t *rules = who ? binding_rules(s, b) : NULL;
        json_t *rule;
        json_array_foreach(rules, j, rule) json_array_append(out, rule);
    }
    snapshot_unref(s);
    return out;
}

/* ---- escalation prevention ---------------------------------------------- */

/* Whether `owned` (an array of rules) covers every request `rule` can grant. */
static bool rule_covered(const json_t *owned, const json_t *rule)
{
    json_t *verbs = json_object_get(rule, "verbs");
    json_t *urls = json_object_get(rule, "nonResourceURLs");
    size_t i, j, k, l;
    json_t *v, *g, *res, *n;
    if (json_array_size(urls)) {
        json_array_foreach(verbs, i, v) json_array_foreach(urls, j, g)
        {
            cube_authz_attrs_t a = {.verb = json_string_value(v), .path = json_string_value(g)};
            if (!a.verb || !a.path || !rules_allow(owned, &a))
                return false;
        }
        return true;
    }
    json_t *names = json_object_get(rule, "resourceNames");
    json_array_foreach(verbs, i, v) json_array_foreach(json_object_get(rule, "apiGroups"), j, g)
        json_array_foreach(json_object_get(rule, "resources"), k, res)
    {
        const char *rs = json_string_value(res);
        if (!rs || !json_string_value(v) || !json_string_value(g))
            return false;
        const char *slash = strchr(rs, '/');
        _cleanup_free_ char *base = slash ? xstrndup(rs, (size_t)(slash - rs)) : xstrdup(rs);
        cube_authz_attrs_t a = {.verb = json_string_value(v),
                                .group = json_string_value(g),
                                .resource = base,
                                .subresource = slash ? slash + 1 : NULL};
        if (json_array_size(names) == 0) {
            if (!rules_allow(owned, &a))
                return false;
            continue;
        }
        json_array_foreach(names, l, n)
        {
            a.name = json_string_value(n);
            if (!rules_allow(owned, &a))
                return false;
        }
    }
    return true;
}

static void quoted_list(cube_buf_t *b, const char *field, const json_t *list, bool *first)
{
    if (json_array_size(list) == 0)
        return;
    cube_buf_printf(b, "%s%s:[", *first ? "" : ", ", field);
    *first = false;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) cube_buf_printf(
        b, "%s\"%s\"", i ? " " : "", json_string_value(e) ? json_string_value(e) : "");
    cube_buf_putc(b, ']');
}

/* The Forbidden Kubernetes gives: who, their groups, and the rules they lack. */
static int escalation_error(const cube_user_t *u, const cube_resource_t *r, const char *name,
                            const json_t *missing, cube_err_t *err)
{
    cube_buf_t b = CUBE_BUF_INIT;
    char qr[160];
    cube_qualified_resource(r, qr, sizeof(qr));
    cube_buf_printf(&b, "%s \"%s\" is forbidden: user \"%s\" (groups=[", qr, name, u->name);
    for (size_t i = 0; i < u->ngroups; i++)
        cube_buf_printf(&b, "%s\"%s\"", i ? " " : "", u->groups[i]);
    cube_buf_puts(&b, "]) is attempting to grant RBAC permissions not currently held:");
    size_t i;
    json_t *rule;
    json_array_foreach(missing, i, rule)
    {
        bool first = true;
        cube_buf_puts(&b, "\n{");
        quoted_list(&b, "APIGroups", json_object_get(rule, "apiGroups"), &first);
        quoted_list(&b, "Resources", json_object_get(rule, "resources"), &first);
        quoted_list(&b, "ResourceNames", json_object_get(rule, "resourceNames"), &first);
        quoted_list(&b, "NonResourceURLs", json_object_get(rule, "nonResourceURLs"), &first);
        quoted_list(&b, "Verbs", json_object_get(rule, "verbs"), &first);
        cube_buf_putc(&b, '}');
    }
    cube_err_set(err, 403, "Forbidden", "%s", b.data);
    err->details = cube_status_details(r, name);
    cube_buf_clear(&b);
    return -1;
}

static bool user_may(cube_apiserver_t *srv, const cube_user_t *u, const char *verb,
                     const char *resource, const char *ns, const char *name)
{
    cube_authz_attrs_t a = {.user = u,
                            .verb = verb,
                            .group = "rbac.authorization.k8s.io",
                            .version = "v1",
                            .resource = resource,
                            .ns = ns,
                            .name = name};
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    return cube_authz_authorize(srv, &a, &e) == 0;
}

int cube_rbac_admit(cube_apiserver_t *srv, const cube_user_t *user, const cube_resource_t *r,
                    const json_t *obj, cube_err_t *err)
{
    if (!user || strcmp(r->group, "rbac.authorization.k8s.io") ||
        cube_user_in_group(user, "system:masters"))
        return 0;
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    bool is_role = !strcmp(r->plural, "roles") || !strcmp(r->plural, "clusterroles");
    json_auto_t *granted = NULL;
    if (is_role) {
        if (user_may(srv, user, "escalate", r->plural, ns, name))
            return 0;
        granted = json_incref(json_object_get(obj, "rules"));
    } else {
        const char *kind = cube_json_str(obj, "roleRef", "kind", NULL);
        const char *role = cube_json_str(obj, "roleRef", "name", NULL);
        if (!kind || !role)
            return 0; /* validation refuses it */
        bool cluster = !strcmp(kind, "ClusterRole");
        if (user_may(srv, user, "bind", cluster ? "clusterroles" : "roles", ns, role))
            return 0;
        snapshot_t *s = snapshot_get(srv);
        const json_t *rules = NULL;
        if (cluster) {
            rules = json_object_get(s->cluster_roles, role);
        } else if (ns) {
            _cleanup_free_ char *k = xasprintf("%s/%s", ns, role);
            rules = json_object_get(s->roles, k);
        }
        granted = rules ? json_deep_copy(rules) : json_array();
        snapshot_unref(s);
    }
    json_auto_t *owned = cube_rbac_rules_for(srv, user, ns);
    json_auto_t *missing = json_array();
    size_t i;
    json_t *rule;
    json_array_foreach(granted, i, rule) if (!rule_covered(owned, rule))
        json_array_append(missing, rule);
    if (json_array_size(missing) == 0)
        return 0;
    return escalation_error(user, r, name ? name : "", missing, err);
}
