/*
 * registry: the one table of every resource Cubernetes serves, with the facts
 * Kubernetes v1.32 publishes about it in discovery (`kubectl api-resources
 * -o wide`): group, version, kind, plural, singular, short names, categories,
 * scope, verbs and subresources, plus two facts of the type's registry
 * strategy (whether /status splits spec from status, and whether spec
 * changes bump metadata.generation). Discovery, routing, the store key
 * layout and the generic REST handlers are all driven by this table: adding a
 * served type means adding a row here.
 *
 * Rows are in discovery order: the core group first, then the API groups in
 * the order kube-apiserver lists them under /apis; inside a group version,
 * resources sorted by plural as Kubernetes lists them.
 */
#include "api/api.h"

#define ALL CUBE_VERBS_ALL
/* Namespaces cannot be deleted as a collection. */
#define NO_DELCOL (CUBE_VERBS_ALL & ~CUBE_VERB_DELETECOLLECTION)
#define ST CUBE_SUB_STATUS
#define SC CUBE_SUB_SCALE

#define RES(g, v, k, p, s, ns, vb, sub, st, gen, ...)                                              \
    {                                                                                              \
        .group = (g), .version = (v), .kind = (k), .list_kind = k "List", .plural = (p),           \
        .singular = (s), .namespaced = (ns), .verbs = (vb), .subresources = (sub),                 \
        .has_status = (st), .bumps_generation = (gen), __VA_ARGS__                                 \
    }
#define SHORT(...) .short_names = {__VA_ARGS__, NULL}
#define CAT_ALL .categories = {"all", NULL}

/*
 * Notes on facts that are easy to get wrong:
 *  - pods: metadata.generation on pods arrives only in v1.33 (pod generation
 *    tracking); v1.32 neither sets nor bumps it.
 *  - services, nodes, namespaces, PVs, PVCs, resource quotas: no generation.
 *  - endpointslices bump generation on any change outside metadata (they have
 *    no spec), which is what bumps_generation means for them.
 *  - priorityclasses get generation 1 on create but never bump it.
 *  - HPAs get generation only with the HPAGeneration gate (after v1.32).
 *  - networkpolicies lost their status field in v1.28: no /status.
 *  - services gained deletecollection in v1.29 (conformance since).
 */
static const cube_resource_t resources[] = {
    /* ---- core/v1 ---- */
    RES("", "v1", "ConfigMap", "configmaps", "configmap", true, ALL, 0, false, false, SHORT("cm")),
    RES("", "v1", "Endpoints", "endpoints", "endpoints", true, ALL, 0, false, false, SHORT("ep")),
    RES("", "v1", "Event", "events", "event", true, ALL, 0, false, false, SHORT("ev")),
    RES("", "v1", "LimitRange", "limitranges", "limitrange", true, ALL, 0, false, false,
        SHORT("limits")),
    RES("", "v1", "Namespace", "namespaces", "namespace", false, NO_DELCOL, ST | CUBE_SUB_FINALIZE,
        true, false, SHORT("ns")),
    RES("", "v1", "Node", "nodes", "node", false, ALL, ST, true, false, SHORT("no")),
    RES("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", true,
        ALL, ST, true, false, SHORT("pvc")),
    RES("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", false, ALL, ST, true,
        false, SHORT("pv")),
    RES("", "v1", "Pod", "pods", "pod", true, ALL, ST | CUBE_SUB_BINDING | CUBE_SUB_LOG, true,
        false, SHORT("po"), CAT_ALL),
    RES("", "v1", "PodTemplate", "podtemplates", "podtemplate", true, ALL, 0, false, false),
    RES("", "v1", "ReplicationController", "replicationcontrollers", "replicationcontroller", true,
        ALL, ST | SC, true, true, SHORT("rc"), CAT_ALL),
    RES("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", true, ALL, ST, true, false,
        SHORT("quota")),
    RES("", "v1", "Secret", "secrets", "secret", true, ALL, 0, false, false),
    RES("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true, ALL, CUBE_SUB_TOKEN,
        false, false, SHORT("sa")),
    RES("", "v1", "Service", "services", "service", true, ALL, ST, true, false, SHORT("svc"),
        CAT_ALL),

    /* ---- apps/v1 ---- */
    RES("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", true, ALL,
        0, false, false),
    RES("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true, ALL, ST, true, true,
        SHORT("ds"), CAT_ALL),
    RES("apps", "v1", "Deployment", "deployments", "deployment", true, ALL, ST | SC, true, true,
        SHORT("deploy"), CAT_ALL),
    RES("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, ALL, ST | SC, true, true,
        SHORT("rs"), CAT_ALL),
    RES("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true, ALL, ST | SC, true, true,
        SHORT("sts"), CAT_ALL),

    /* ---- events.k8s.io/v1 ---- */
    RES("events.k8s.io", "v1", "Event", "events", "event", true, ALL, 0, false, false, SHORT("ev")),
    /* ---- authentication.k8s.io/v1, authorization.k8s.io/v1: create-only, nothing stored ---- */
    RES("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", "", false,
        CUBE_VERB_CREATE, 0, false, false),
    RES("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", "", false, CUBE_VERB_CREATE,
        0, false, false),
    RES("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", "",
        true, CUBE_VERB_CREATE, 0, false, false),
    RES("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", "",
        false, CUBE_VERB_CREATE, 0, false, false),
    RES("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", "",
        false, CUBE_VERB_CREATE, 0, false, false),
    RES("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", "", false,
        CUBE_VERB_CREATE, 0, false, false),

    /* ---- autoscaling/v2 (preferred), autoscaling/v1 ---- */
    RES("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers",
        "horizontalpodautoscaler", true, ALL, ST, true, false, SHORT("hpa"), CAT_ALL),
    RES("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers",
        "horizontalpodautoscaler", true, ALL, ST, true, false, SHORT("hpa"), CAT_ALL),

    /* ---- batch/v1 ---- */
    RES("batch", "v1", "CronJob", "cronjobs", "cronjob", true, ALL, ST, true, true, SHORT("cj"),
        CAT_ALL),
    RES("batch", "v1", "Job", "jobs", "job", true, ALL, ST, true, true, CAT_ALL),

    /* ---- networking.k8s.io/v1 ---- */
    RES("networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", false, ALL, 0,
        false, true),
    RES("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", true, ALL, ST, true, true,
        SHORT("ing")),
    RES("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", true, ALL,
        0, false, true, SHORT("netpol")),

    /* ---- policy/v1 ---- */
    RES("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", true,
        ALL, ST, true, true, SHORT("pdb")),

    /* ---- rbac.authorization.k8s.io/v1 ---- */
    RES("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings",
        "clusterrolebinding", false, ALL, 0, false, false),
    RES("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole", false, ALL,
        0, false, false),
    RES("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding", true, ALL,
        0, false, false),
    RES("rbac.authorization.k8s.io", "v1", "Role", "roles", "role", true, ALL, 0, false, false),

    /* ---- storage.k8s.io/v1 ---- */
    RES("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", false, ALL, 0,
        false, false, SHORT("sc")),

    /* ---- scheduling.k8s.io/v1 ---- */
    RES("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", false, ALL,
        0, false, false, SHORT("pc")),

    /* ---- coordination.k8s.io/v1 ---- */
    RES("coordination.k8s.io", "v1", "Lease", "leases", "lease", true, ALL, 0, false, false),

    /* ---- discovery.k8s.io/v1 ---- */
    RES("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true, ALL, 0,
        false, true),
};

static const cube_resource_t *const resource_ptrs[] = {
#define P(i) &resources[i]
    P(0),  P(1),  P(2),  P(3),  P(4),  P(5),  P(6),  P(7),  P(8),  P(9),  P(10),
    P(11), P(12), P(13), P(14), P(15), P(16), P(17), P(18), P(19), P(20), P(21),
    P(22), P(23), P(24), P(25), P(26), P(27), P(28), P(29), P(30), P(31), P(32),
    P(33), P(34), P(35), P(36), P(37), P(38), P(39), P(40), P(41), P(42),
#undef P
};

_Static_assert(CUBE_ARRAY_SIZE(resources) == CUBE_ARRAY_SIZE(resource_ptrs),
               "resource_ptrs must list every row of resources");

const cube_resource_t *const *cube_api_resources(size_t *ret_n)
{
    if (ret_n)
        *ret_n = CUBE_ARRAY_SIZE(resource_ptrs);
    return resource_ptrs;
}

const cube_resource_t *cube_api_resource_find(const char *group, const char *version,
                                              const char *plural)
{
    if (!group)
        group = "";
    if (!version || !plural)
        return NULL;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(resources); i++) {
        const cube_resource_t *r = &resources[i];
        if (strcmp(r->plural, plural) == 0 && strcmp(r->version, version) == 0 &&
            strcmp(r->group, group) == 0)
            return r;
    }
    return NULL;
}

const cube_resource_t *cube_api_resource_by_kind(const char *group, const char *kind)
{
    if (!group)
        group = "";
    if (!kind)
        return NULL;
    /* The first row of a group is its preferred version. */
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(resources); i++) {
        const cube_resource_t *r = &resources[i];
        if (strcmp(r->kind, kind) == 0 && strcmp(r->group, group) == 0)
            return r;
    }
    return NULL;
}

void cube_api_group_version(const cube_resource_t *r, char *out, size_t outlen)
{
    if (r->group[0])
        snprintf(out, outlen, "%s/%s", r->group, r->version);
    else
        snprintf(out, outlen, "%s", r->version);
}
