/*
 * table: server-side printing and field selector attributes.
 *
 * kubectl does not know how to print a Deployment: it asks the API server
 * for a meta.k8s.io Table (Accept: application/json;as=Table) and prints the
 * columns and cells it gets back. This file is the Cubernetes side of that
 * contract: for each served type, the columns Kubernetes' own printers
 * declare (names, types, priorities; descriptions in our words) and the
 * cells they compute from an object, so `kubectl get` looks exactly as it
 * does against Kubernetes. Types Kubernetes has no printer for get its
 * default table (Name, Created At).
 *
 * Cells of columns flagged `age` are computed once and rendered at print
 * time by the caller: an integer is the Unix time the age counts from
 * (render with cube_time_age), null is an unknown time ("<unknown>"), and a
 * string is already final (e.g. a job's finished DURATION, a cron job's
 * "<none>" LAST SCHEDULE). One approximation remains: the "(5m ago)" suffix
 * of a pod's RESTARTS cell is computed when the cells are.
 *
 * The same file answers which fields a field selector may use per type and
 * their values for an object (Kubernetes' per-strategy GetAttrs).
 */
#include "api/api.h"

/* ---- small JSON readers ------------------------------------------------- */

#define P(o, ...) cube_json_path((o), __VA_ARGS__, NULL)
#define S(o, ...) cube_json_str((o), __VA_ARGS__, NULL)

static const char *nz(const char *s)
{
    return s ? s : "";
}

static bool empty(const char *s)
{
    return !s || !*s;
}

static json_int_t ival(const json_t *j)
{
    return json_is_integer(j) ? json_integer_value(j) : 0;
}

static bool bval(const json_t *j)
{
    return json_is_true(j);
}

static json_t *str_or(const char *s, const char *dflt)
{
    return json_string(empty(s) ? dflt : s);
}

/* A timestamp cell: Unix time, or null when absent or unparsable. */
static json_t *time_cell(const char *s)
{
    time_t t;
    if (s && cube_time_parse(s, &t) == 0)
        return json_integer(t);
    return json_null();
}

static time_t time_of(const char *s)
{
    time_t t;
    return s && cube_time_parse(s, &t) == 0 ? t : 0;
}

static json_t *age_cell(const json_t *obj)
{
    return time_cell(S(obj, "metadata", "creationTimestamp"));
}

static size_t count_of(const json_t *j)
{
    if (json_is_array(j))
        return json_array_size(j);
    if (json_is_object(j))
        return json_object_size(j);
    return 0;
}

/* An IntOrString as Kubernetes prints it. */
static json_t *int_or_string(const json_t *j, const char *dflt)
{
    if (json_is_integer(j))
        return json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(j));
    if (json_is_string(j))
        return json_string(json_string_value(j));
    return json_string(dflt);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty. */
static char *format_labels(const json_t *map)
{
    size_t n = count_of(map);
    if (!json_is_object(map) || n == 0)
        return xstrdup("<none>");
    _cleanup_free_ const char **keys = xcalloc(n, sizeof(*keys));
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)map, k, v) keys[i++] = k;
    qsort(keys, n, sizeof(*keys), cmp_str);
    cube_buf_t b = CUBE_BUF_INIT;
    for (i = 0; i < n; i++) {
        if (i)
            cube_buf_putc(&b, ',');
        cube_buf_printf(&b, "%s=%s", keys[i], nz(S(map, keys[i])));
    }
    return cube_buf_steal(&b, NULL);
}

typedef struct {
    const char *key;
    char *text;
} requirement_t;

static int cmp_req(const void *a, const void *b)
{
    return strcmp(((const requirement_t *)a)->key, ((const requirement_t *)b)->key);
}

/*
 * A metav1.LabelSelector in the string syntax its Selector prints:
 * requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`.
 * Nil and empty selectors give "" (callers substitute "<none>" where
 * Kubernetes does).
 */
static char *format_label_selector(const json_t *sel)
{
    const json_t *ml = P(sel, "matchLabels");
    const json_t *me = P(sel, "matchExpressions");
    size_t n = count_of(ml) + (json_is_array(me) ? json_array_size(me) : 0);
    if (n == 0)
        return xstrdup("");
    requirement_t *reqs = xcalloc(n, sizeof(*reqs));
    size_t i = 0;
    const char *k;
    json_t *v;
    if (json_is_object(ml)) {
        json_object_foreach((json_t *)ml, k, v)
        {
            reqs[i].key = k;
            reqs[i].text = xasprintf("%s=%s", k, json_is_string(v) ? json_string_value(v) : "");
            i++;
        }
    }
    size_t idx;
    json_t *e;
    if (json_is_array(me)) {
        json_array_foreach(me, idx, e)
        {
            const char *key = nz(S(e, "key")), *op = nz(S(e, "operator"));
            const json_t *vals = P(e, "values");
            size_t nv = json_is_array(vals) ? json_array_size(vals) : 0;
            _cleanup_free_ const char **vs = xcalloc(nv + 1, sizeof(*vs));
            for (size_t j = 0; j < nv; j++)
                vs[j] = nz(json_string_value(json_array_get(vals, j)));
            qsort(vs, nv, sizeof(*vs), cmp_str);
            cube_buf_t b = CUBE_BUF_INIT;
            if (strcmp(op, "Exists") == 0) {
                cube_buf_puts(&b, key);
            } else if (strcmp(op, "DoesNotExist") == 0) {
                cube_buf_printf(&b, "!%s", key);
            } else {
                cube_buf_printf(&b, "%s %s (", key, strcmp(op, "NotIn") == 0 ? "notin" : "in");
                for (size_t j = 0; j < nv; j++)
                    cube_buf_printf(&b, "%s%s", j ? "," : "", vs[j]);
                cube_buf_putc(&b, ')');
            }
            reqs[i].key = key;
            reqs[i].text = cube_buf_steal(&b, NULL);
            i++;
        }
    }
    qsort(reqs, n, sizeof(*reqs), cmp_req);
    cube_buf_t out = CUBE_BUF_INIT;
    cube_buf_puts(&out, "");
    for (i = 0; i < n; i++) {
        if (i)
            cube_buf_putc(&out, ',');
        cube_buf_puts(&out, reqs[i].text);
        free(reqs[i].text);
    }
    free(reqs);
    return cube_buf_steal(&out, NULL);
}

/* metav1.FormatLabelSelector: like the above but "<none>" when empty. */
static json_t *label_selector_cell(const json_t *sel)
{
    _cleanup_free_ char *s = format_label_selector(sel);
    return str_or(s, "<none>");
}

static json_t *labels_cell(const json_t *map)
{
    _cleanup_free_ char *s = format_labels(map);
    return json_string(s);
}

/* Appends the CONTAINERS and IMAGES cells of a pod spec's containers. */
static void container_cells(json_t *row, const json_t *podspec)
{
    const json_t *cs = P(podspec, "containers");
    cube_buf_t names = CUBE_BUF_INIT, images = CUBE_BUF_INIT;
    cube_buf_puts(&names, "");
    cube_buf_puts(&images, "");
    size_t i;
    json_t *c;
    if (json_is_array(cs)) {
        json_array_foreach(cs, i, c)
        {
            if (i) {
                cube_buf_putc(&names, ',');
                cube_buf_putc(&images, ',');
            }
            cube_buf_puts(&names, nz(S(c, "name")));
            cube_buf_puts(&images, nz(S(c, "image")));
        }
    }
    json_array_append_new(row, json_string(names.data));
    json_array_append_new(row, json_string(images.data));
    cube_buf_clear(&names);
    cube_buf_clear(&images);
}

static const json_t *find_by(const json_t *arr, const char *field, const char *value)
{
    size_t i;
    json_t *e;
    if (!json_is_array(arr))
        return NULL;
    json_array_foreach(arr, i, e)
    {
        const char *f = S(e, field);
        if (f && strcmp(f, value) == 0)
            return e;
    }
    return NULL;
}

static bool condition_true(const json_t *conds, const char *type)
{
    const char *st = S(find_by(conds, "type", type), "status");
    return st && strcmp(st, "True") == 0;
}

/* ---- columns ------------------------------------------------------------ */

#define D_NAME "Name of the object, unique among objects of its kind in its namespace."
#define D_AGE "Time since the object was created (metadata.creationTimestamp)."
#define D_CONTAINERS "Names of the containers in the pod template."
#define D_IMAGES "Images of the containers in the pod template."

#define COL_NAME                                                                                   \
    {                                                                                              \
        "Name", "string", "name", D_NAME, 0, false                                                 \
    }
#define COL_AGE                                                                                    \
    {                                                                                              \
        "Age", "string", "", D_AGE, 0, true                                                        \
    }
#define COL(n, t, d)                                                                               \
    {                                                                                              \
        n, t, "", d, 0, false                                                                      \
    }
#define WIDE(n, t, d)                                                                              \
    {                                                                                              \
        n, t, "", d, 1, false                                                                      \
    }
#define AGE(n, d, prio)                                                                            \
    {                                                                                              \
        n, "string", "", d, prio, true                                                             \
    }
#define WIDE_CONTAINERS WIDE("Containers", "string", D_CONTAINERS)
#define WIDE_IMAGES WIDE("Images", "string", D_IMAGES)

static const cube_table_column_t default_cols[] = {
    COL_NAME,
    {"Created At", "date", "", "When the object was created (metadata.creationTimestamp).", 0,
     false},
};

static const cube_table_column_t pod_cols[] = {
    COL_NAME,
    COL("Ready", "string", "Ready containers out of all containers of the pod."),
    COL("Status", "string", "Summary of the pod's phase and its containers' states."),
    COL("Restarts", "string", "Container restarts in the pod, and how long ago the last one was."),
    COL_AGE,
    WIDE("IP", "string", "The pod's first IP address."),
    WIDE("Node", "string", "The node the pod is bound to."),
    WIDE("Nominated Node", "string", "The node the scheduler nominated after preempting pods."),
    WIDE("Readiness Gates", "string", "Readiness gate conditions that are true, out of all."),
};

static const cube_table_column_t podtemplate_cols[] = {
    COL_NAME,
    COL("Containers", "string", D_CONTAINERS),
    COL("Images", "string", D_IMAGES),
    COL("Pod Labels", "string", "Labels of the pod template."),
};

static const cube_table_column_t pdb_cols[] = {
    COL_NAME,
    COL("Min Available", "string", "Pods that must stay available."),
    COL("Max Unavailable", "string", "Pods that may be unavailable."),
    COL("Allowed Disruptions", "integer", "Pods that may be disrupted right now."),
    COL_AGE,
};

static const cube_table_column_t rc_cols[] = {
    COL_NAME,
    COL("Desired", "integer", "Replicas wanted (spec.replicas)."),
    COL("Current", "integer", "Replicas observed (status.replicas)."),
    COL("Ready", "integer", "Replicas that are ready."),
    COL_AGE,
    WIDE_CONTAINERS,
    WIDE_IMAGES,
    WIDE("Selector", "string", "Label query over the pods the controller manages."),
};

static const cube_table_column_t ds_cols[] = {
    COL_NAME,
    COL("Desired", "integer", "Nodes that should run the daemon pod."),
    COL("Current", "integer", "Nodes running at least one daemon pod."),
    COL("Ready", "integer", "Nodes whose daemon pod is ready."),
    COL("Up-to-date", "integer", "Nodes running the updated daemon pod."),
    COL("Available", "integer", "Nodes whose daemon pod is available."),
    COL("Node Selector", "string", "Labels a node must have to run the pod."),
    COL_AGE,
    WIDE_CONTAINERS,
    WIDE_IMAGES,
    WIDE("Selector", "string", "Label query over the daemon pods."),
};

static const cube_table_column_t job_cols[] = {
    COL_NAME,
    COL("Status", "string", "Summary of the job's state."),
    COL("Completions", "string", "Succeeded pods out of the completions wanted."),
    {"Duration", "string", "", "How long the job ran or has been running.", 0, true},
    COL_AGE,
    WIDE_CONTAINERS,
    WIDE_IMAGES,
    WIDE("Selector", "string", "Label query over the job's pods."),
};

static const cube_table_column_t cronjob_cols[] = {
    COL_NAME,
    COL("Schedule", "string", "The cron schedule."),
    COL("Timezone", "string", "The time zone the schedule is read in."),
    COL("Suspend", "boolean", "Whether new runs are suspended."),
    COL("Active", "integer", "Jobs running now."),
    AGE("Last Schedule", "When a job was last scheduled.", 0),
    COL_AGE,
    WIDE_CONTAINERS,
    WIDE_IMAGES,
    WIDE("Selector", "string", "Label query over the jobs' pods."),
};

static const cube_table_column_t svc_cols[] = {
    COL_NAME,
    COL("Type", "string", "How the service is exposed."),
    COL("Cluster-IP", "string", "The service's virtual IP in the cluster."),
    COL("External-IP", "string", "Addresses the service is reachable at from outside."),
    COL("Port(s)", "string", "Ports the service exposes."),
    COL_AGE,
    WIDE("Selector", "string", "Labels of the pods traffic is routed to."),
};

static const cube_table_column_t ing_cols[] = {
    COL_NAME,
    COL("Class", "string", "The IngressClass that handles this ingress."),
    COL("Hosts", "string", "Host names the rules match."),
    COL("Address", "string", "Addresses of the load balancer serving the ingress."),
    COL("Ports", "string", "Ports the ingress is served on."),
    COL_AGE,
};

static const cube_table_column_t ingclass_cols[] = {
    COL_NAME,
    COL("Controller", "string", "The controller implementing this class."),
    COL("Parameters", "string", "The resource holding the class's parameters."),
    COL_AGE,
};

static const cube_table_column_t sts_cols[] = {
    COL_NAME,    COL("Ready", "string", "Ready pods out of the replicas wanted."),
    COL_AGE,     WIDE_CONTAINERS,
    WIDE_IMAGES,
};

static const cube_table_column_t ep_cols[] = {
    COL_NAME,
    COL("Endpoints", "string", "Addresses and ports backing the service."),
    COL_AGE,
};

static const cube_table_column_t node_cols[] = {
    COL_NAME,
    COL("Status", "string", "Readiness and schedulability of the node."),
    COL("Roles", "string", "Roles from the node's role labels."),
    COL_AGE,
    COL("Version", "string", "The kubelet's version."),
    WIDE("Internal-IP", "string", "The node's internal address."),
    WIDE("External-IP", "string", "The node's external address."),
    WIDE("OS-Image", "string", "The operating system image."),
    WIDE("Kernel-Version", "string", "The kernel version."),
    WIDE("Container-Runtime", "string", "The container runtime and its version."),
};

static const cube_table_column_t event_cols[] = {
    AGE("Last Seen", "When the event was last observed.", 0),
    COL("Type", "string", "Normal or Warning."),
    COL("Reason", "string", "Short machine-readable reason."),
    COL("Object", "string", "The object the event is about."),
    WIDE("Subobject", "string", "The part of the object the event is about."),
    WIDE("Source", "string", "The component that reported the event."),
    COL("Message", "string", "Human-readable description."),
    AGE("First Seen", "When the event was first observed.", 1),
    WIDE("Count", "string", "How many times the event occurred."),
    {"Name", "string", "name", D_NAME, 1, false},
};

static const cube_table_column_t ns_cols[] = {
    COL_NAME,
    COL("Status", "string", "The namespace's phase."),
    COL_AGE,
};

static const cube_table_column_t secret_cols[] = {
    COL_NAME,
    COL("Type", "string", "The secret's type."),
    COL("Data", "string", "Number of data entries."),
    COL_AGE,
};

static const cube_table_column_t sa_cols[] = {
    COL_NAME,
    COL("Secrets", "string", "Number of secrets listed on the service account."),
    COL_AGE,
};

static const cube_table_column_t pv_cols[] = {
    COL_NAME,
    COL("Capacity", "string", "Storage capacity."),
    COL("Access Modes", "string", "How the volume can be mounted."),
    COL("Reclaim Policy", "string", "What happens to the volume when released."),
    COL("Status", "string", "The volume's phase."),
    COL("Claim", "string", "The claim bound to the volume."),
    COL("StorageClass", "string", "Storage class of the volume."),
    COL("VolumeAttributesClass", "string", "Volume attributes class of the volume."),
    COL("Reason", "string", "Why the volume is in its phase."),
    COL_AGE,
    WIDE("VolumeMode", "string", "Filesystem or Block."),
};

static const cube_table_column_t pvc_cols[] = {
    COL_NAME,
    COL("Status", "string", "The claim's phase."),
    COL("Volume", "string", "The volume bound to the claim."),
    COL("Capacity", "string", "Capacity of the bound volume."),
    COL("Access Modes", "string", "Access modes of the bound volume."),
    COL("StorageClass", "string", "Storage class of the claim."),
    COL("VolumeAttributesClass", "string", "Volume attributes class of the claim."),
    COL_AGE,
    WIDE("VolumeMode", "string", "Filesystem or Block."),
};

static const cube_table_column_t deploy_cols[] = {
    COL_NAME,
    COL("Ready", "string", "Ready pods out of the replicas wanted."),
    COL("Up-to-date", "string", "Pods running the current template."),
    COL("Available", "string", "Pods available to serve."),
    COL_AGE,
    WIDE_CONTAINERS,
    WIDE_IMAGES,
    WIDE("Selector", "string", "Label query over the deployment's pods."),
};

static const cube_table_column_t hpa_cols[] = {
    COL_NAME,
    COL("Reference", "string", "The scaled resource."),
    COL("Targets", "string", "Current and target values of the metrics."),
    COL("MinPods", "string", "Lower replica bound."),
    COL("MaxPods", "string", "Upper replica bound."),
    COL("Replicas", "string", "Replicas observed now."),
    COL_AGE,
};

static const cube_table_column_t cm_cols[] = {
    COL_NAME,
    COL("Data", "string", "Number of data entries."),
    COL_AGE,
};

static const cube_table_column_t netpol_cols[] = {
    COL_NAME,
    COL("Pod-Selector", "string", "The pods the policy applies to."),
    COL_AGE,
};

static const cube_table_column_t rb_cols[] = {
    COL_NAME,
    COL("Role", "string", "The role granted."),
    COL_AGE,
    WIDE("Users", "string", "Users bound."),
    WIDE("Groups", "string", "Groups bound."),
    WIDE("ServiceAccounts", "string", "Service accounts bound."),
};

static const cube_table_column_t lease_cols[] = {
    COL_NAME,
    COL("Holder", "string", "Identity of the current holder."),
    COL_AGE,
};

static const cube_table_column_t sc_cols[] = {
    COL_NAME,
    COL("Provisioner", "string", "The volume plugin provisioning volumes."),
    COL("ReclaimPolicy", "string", "Reclaim policy of provisioned volumes."),
    COL("VolumeBindingMode", "string", "When volumes are bound and provisioned."),
    COL("AllowVolumeExpansion", "string", "Whether volumes can be expanded."),
    COL_AGE,
};

static const cube_table_column_t cr_cols[] = {
    COL_NAME,
    COL("Controller", "string", "The controller owning the revision."),
    COL("Revision", "string", "The revision number."),
    COL_AGE,
};

static const cube_table_column_t quota_cols[] = {
    COL_NAME,
    COL_AGE,
    COL("Request", "string", "Used and hard request quotas."),
    COL("Limit", "string", "Used and hard limit quotas."),
};

static const cube_table_column_t pc_cols[] = {
    COL_NAME,
    COL("Value", "integer", "The priority value."),
    COL("Global-Default", "boolean", "Whether pods without a class get this one."),
    COL_AGE,
    COL("PreemptionPolicy", "string", "Whether pods of this class may preempt others."),
};

static const cube_table_column_t eps_cols[] = {
    COL_NAME,
    COL("AddressType", "string", "IPv4, IPv6 or FQDN."),
    COL("Ports", "string", "Ports of the slice."),
    COL("Endpoints", "string", "Addresses of the slice."),
    COL_AGE,
};

/* ---- cells: core ---------------------------------------------------------- */

static void name_cell(json_t *row, const json_t *obj)
{
    json_array_append_new(row, json_string(nz(S(obj, "metadata", "name"))));
}

static void default_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    time_t t = time_of(S(obj, "metadata", "creationTimestamp"));
    char buf[32];
    cube_time_rfc3339(t, buf);
    json_array_append_new(row, json_string(buf));
}

static bool restartable_init(const json_t *pod, const char *name)
{
    const json_t *c = find_by(P(pod, "spec", "initContainers"), "name", nz(name));
    const char *rp = S(c, "restartPolicy");
    return rp && strcmp(rp, "Always") == 0;
}

static void later(time_t *cur, const json_t *cs)
{
    const char *fin = S(cs, "lastState", "terminated", "finishedAt");
    time_t t = time_of(fin);
    if (t > *cur)
        *cur = t;
}

static void pod_cells(const json_t *pod, json_t *row)
{
    const json_t *status = P(pod, "status");
    const json_t *conds = P(status, "conditions");
    const json_t *inits = P(pod, "spec", "initContainers");
    size_t n_init = json_is_array(inits) ? json_array_size(inits) : 0;
    const char *phase = nz(S(status, "phase"));
    char reason[256];
    snprintf(reason, sizeof(reason), "%s",
             empty(S(status, "reason")) ? phase : S(status, "reason"));

    size_t i;
    json_t *c;
    if (json_is_array(conds)) {
        json_array_foreach(conds, i, c)
        {
            if (strcmp(nz(S(c, "type")), "PodScheduled") == 0 &&
                strcmp(nz(S(c, "reason")), "SchedulingGated") == 0)
                snprintf(reason, sizeof(reason), "SchedulingGated");
        }
    }

    long total = (long)count_of(P(pod, "spec", "containers")), ready = 0;
    for (i = 0; i < n_init; i++)
        if (restartable_init(pod, S(json_array_get(inits, i), "name")))
            total++;

    long restarts = 0, sidecar_restarts = 0;
    time_t last = 0, sidecar_last = 0;
    bool initializing = false;
    const json_t *ics = P(status, "initContainerStatuses");
    if (json_is_array(ics)) {
        json_array_foreach(ics, i, c)
        {
            long rc = (long)ival(P(c, "restartCount"));
            bool sidecar = restartable_init(pod, S(c, "name"));
            restarts += rc;
            later(&last, c);
            if (sidecar) {
                sidecar_restarts += rc;
                later(&sidecar_last, c);
            }
            const json_t *term = P(c, "state", "terminated");
            const char *wreason = S(c, "state", "waiting", "reason");
            if (term && ival(P(term, "exitCode")) == 0)
                continue;
            if (sidecar && bval(P(c, "started"))) {
                if (bval(P(c, "ready")))
                    ready++;
                continue;
            }
            if (term) {
                const char *tr = S(term, "reason");
                if (!empty(tr))
                    snprintf(reason, sizeof(reason), "Init:%s", tr);
                else if (ival(P(term, "signal")) != 0)
                    snprintf(reason, sizeof(reason), "Init:Signal:%" JSON_INTEGER_FORMAT,
                             ival(P(term, "signal")));
                else
                    snprintf(reason, sizeof(reason), "Init:ExitCode:%" JSON_INTEGER_FORMAT,
                             ival(P(term, "exitCode")));
            } else if (P(c, "state", "waiting") && !empty(wreason) &&
                       strcmp(wreason, "PodInitializing") != 0) {
                snprintf(reason, sizeof(reason), "Init:%s", wreason);
            } else {
                snprintf(reason, sizeof(reason), "Init:%zu/%zu", i, n_init);
            }
            initializing = true;
            break;
        }
    }

    if (!initializing || condition_true(conds, "Initialized")) {
        restarts = sidecar_restarts;
        last = sidecar_last;
        bool running = false;
        const json_t *css = P(status, "containerStatuses");
        size_t n = json_is_array(css) ? json_array_size(css) : 0;
        for (size_t k = n; k-- > 0;) {
            c = json_array_get(css, k);
            restarts += (long)ival(P(c, "restartCount"));
            later(&last, c);
            const json_t *term = P(c, "state", "terminated");
            const char *wreason = S(c, "state", "waiting", "reason");
            if (P(c, "state", "waiting") && !empty(wreason)) {
                snprintf(reason, sizeof(reason), "%s", wreason);
            } else if (term && !empty(S(term, "reason"))) {
                snprintf(reason, sizeof(reason), "%s", S(term, "reason"));
            } else if (term) {
                if (ival(P(term, "signal")) != 0)
                    snprintf(reason, sizeof(reason), "Signal:%" JSON_INTEGER_FORMAT,
                             ival(P(term, "signal")));
                else
                    snprintf(reason, sizeof(reason), "ExitCode:%" JSON_INTEGER_FORMAT,
                             ival(P(term, "exitCode")));
            } else if (bval(P(c, "ready")) && P(c, "state", "running")) {
                running = true;
                ready++;
            }
        }
        if (strcmp(reason, "Completed") == 0 && running)
            snprintf(reason, sizeof(reason), "%s",
                     condition_true(conds, "Ready") ? "Running" : "NotReady");
    }

    if (P(pod, "metadata", "deletionTimestamp")) {
        if (strcmp(nz(S(status, "reason")), "NodeLost") == 0)
            snprintf(reason, sizeof(reason), "Unknown");
        else if (strcmp(phase, "Failed") != 0 && strcmp(phase, "Succeeded") != 0)
            snprintf(reason, sizeof(reason), "Terminating");
    }

    name_cell(row, pod);
    json_array_append_new(row, json_sprintf("%ld/%ld", ready, total));
    json_array_append_new(row, json_string(reason));
    if (restarts != 0 && last != 0) {
        char ago[32];
        cube_time_age(last, time(NULL), ago, sizeof(ago));
        json_array_append_new(row, json_sprintf("%ld (%s ago)", restarts, ago));
    } else {
        json_array_append_new(row, json_sprintf("%ld", restarts));
    }
    json_array_append_new(row, age_cell(pod));

    const char *ip = S(json_array_get(P(status, "podIPs"), 0), "ip");
    if (empty(ip))
        ip = S(status, "podIP");
    json_array_append_new(row, str_or(ip, "<none>"));
    json_array_append_new(row, str_or(S(pod, "spec", "nodeName"), "<none>"));
    json_array_append_new(row, str_or(S(status, "nominatedNodeName"), "<none>"));

    const json_t *gates = P(pod, "spec", "readinessGates");
    size_t ng = json_is_array(gates) ? json_array_size(gates) : 0;
    if (ng == 0) {
        json_array_append_new(row, json_string("<none>"));
    } else {
        size_t ok = 0;
        json_array_foreach(gates, i, c)
        {
            if (condition_true(conds, nz(S(c, "conditionType"))))
                ok++;
        }
        json_array_append_new(row, json_sprintf("%zu/%zu", ok, ng));
    }
}

static void podtemplate_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    container_cells(row, P(obj, "template", "spec"));
    json_array_append_new(row, labels_cell(P(obj, "template", "metadata", "labels")));
}

static void rc_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_integer(ival(P(obj, "spec", "replicas"))));
    json_array_append_new(row, json_integer(ival(P(obj, "status", "replicas"))));
    json_array_append_new(row, json_integer(ival(P(obj, "status", "readyReplicas"))));
    json_array_append_new(row, age_cell(obj));
    container_cells(row, P(obj, "spec", "template", "spec"));
    json_array_append_new(row, labels_cell(P(obj, "spec", "selector")));
}

/* net.JoinHostPort: IPv6 addresses get brackets. */
static char *host_port(const char *ip, json_int_t port)
{
    if (strchr(ip, ':'))
        return xasprintf("[%s]:%" JSON_INTEGER_FORMAT, ip, port);
    return xasprintf("%s:%" JSON_INTEGER_FORMAT, ip, port);
}

static void ep_cells(const json_t *obj, json_t *row)
{
    enum { MAX_SHOWN = 3 };
    const json_t *subsets = P(obj, "subsets");
    name_cell(row, obj);
    if (count_of(subsets) == 0) {
        json_array_append_new(row, json_string("<none>"));
        json_array_append_new(row, age_cell(obj));
        return;
    }
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, "");
    size_t shown = 0, total = 0, i, j, k;
    bool more = false;
    json_t *ss, *port, *addr;
    json_array_foreach(subsets, i, ss)
    {
        const json_t *addrs = P(ss, "addresses");
        const json_t *ports = P(ss, "ports");
        size_t na = count_of(addrs);
        if (count_of(ports) == 0) {
            total += na;
            json_array_foreach(addrs, k, addr)
            {
                if (shown == MAX_SHOWN) {
                    more = true;
                    break;
                }
                cube_buf_printf(&b, "%s%s", shown++ ? "," : "", nz(S(addr, "ip")));
            }
            continue;
        }
        json_array_foreach(ports, j, port)
        {
            total += na;
            json_array_foreach(addrs, k, addr)
            {
                if (shown == MAX_SHOWN) {
                    more = true;
                    break;
                }
                _cleanup_free_ char *hp = host_port(nz(S(addr, "ip")), ival(P(port, "port")));
                cube_buf_printf(&b, "%s%s", shown++ ? "," : "", hp);
            }
        }
    }
    if (more)
        cube_buf_printf(&b, " + %zu more...", total - MAX_SHOWN);
    json_array_append_new(row, json_string(b.data));
    cube_buf_clear(&b);
    json_array_append_new(row, age_cell(obj));
}

static void node_cells(const json_t *obj, json_t *row)
{
    const json_t *status = P(obj, "status");
    cube_buf_t st = CUBE_BUF_INIT;
    const json_t *ready = find_by(P(status, "conditions"), "type", "Ready");
    if (!ready)
        cube_buf_puts(&st, "Unknown");
    else if (strcmp(nz(S(ready, "status")), "True") == 0)
        cube_buf_puts(&st, "Ready");
    else
        cube_buf_puts(&st, "NotReady");
    if (bval(P(obj, "spec", "unschedulable")))
        cube_buf_puts(&st, ",SchedulingDisabled");

    /* Roles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values, sorted, unique. */
    const json_t *labels = P(obj, "metadata", "labels");
    size_t n = count_of(labels), nr = 0;
    _cleanup_free_ const char **roles = xcalloc(n + 1, sizeof(*roles));
    const char *k;
    json_t *v;
    static const char prefix[] = "node-role.kubernetes.io/";
    if (json_is_object(labels)) {
        json_object_foreach((json_t *)labels, k, v)
        {
            if (strncmp(k, prefix, sizeof(prefix) - 1) == 0 && k[sizeof(prefix) - 1])
                roles[nr++] = k + sizeof(prefix) - 1;
            else if (strcmp(k, "kubernetes.io/role") == 0 && !empty(json_string_value(v)))
                roles[nr++] = json_string_value(v);
        }
    }
    qsort(roles, nr, sizeof(*roles), cmp_str);
    cube_buf_t rb = CUBE_BUF_INIT;
    cube_buf_puts(&rb, "");
    for (size_t i = 0; i < nr; i++) {
        if (i && strcmp(roles[i], roles[i - 1]) == 0)
            continue;
        cube_buf_printf(&rb, "%s%s", rb.len ? "," : "", roles[i]);
    }

    name_cell(row, obj);
    json_array_append_new(row, json_string(st.data));
    json_array_append_new(row, str_or(rb.data, "<none>"));
    json_array_append_new(row, age_cell(obj));
    json_array_append_new(row, json_string(nz(S(status, "nodeInfo", "kubeletVersion"))));
    const json_t *addrs = P(status, "addresses");
    json_array_append_new(row,
                          str_or(S(find_by(addrs, "type", "InternalIP"), "address"), "<none>"));
    json_array_append_new(row,
                          str_or(S(find_by(addrs, "type", "ExternalIP"), "address"), "<none>"));
    json_array_append_new(row, str_or(S(status, "nodeInfo", "osImage"), "<unknown>"));
    json_array_append_new(row, str_or(S(status, "nodeInfo", "kernelVersion"), "<unknown>"));
    json_array_append_new(row,
                          str_or(S(status, "nodeInfo", "containerRuntimeVersion"), "<unknown>"));
    cube_buf_clear(&st);
    cube_buf_clear(&rb);
}

/*
 * Field names of an Event in each API: core/v1 and events.k8s.io/v1 carry
 * the same data under different names; Kubernetes prints both from its
 * internal type, so both print the same.
 */
typedef struct {
    const char *first, *last, *count, *involved, *message, *source, *controller;
} event_names_t;

static const event_names_t core_event = {
    "firstTimestamp", "lastTimestamp",      "count", "involvedObject", "message",
    "source",         "reportingComponent",
};
static const event_names_t v1_event = {
    "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount", "regarding", "note",
    "deprecatedSource",         "reportingController",
};

static char *trim(const char *s)
{
    s = nz(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
        s++;
    size_t n = strlen(s);
    while (n && strchr(" \t\n\r\v\f", s[n - 1]))
        n--;
    return xstrndup(s, n);
}

static void event_cells_with(const json_t *obj, json_t *row, const event_names_t *f)
{
    json_t *first = time_cell(S(obj, f->first));
    if (json_is_null(first)) {
        json_decref(first);
        first = time_cell(S(obj, "eventTime"));
    }
    json_t *last = time_cell(S(obj, f->last));
    if (json_is_null(last)) {
        json_decref(last);
        last = json_deep_copy(first);
    }
    json_int_t count = ival(P(obj, f->count));
    const json_t *series = P(obj, "series");
    if (json_is_object(series)) {
        json_decref(last);
        last = time_cell(S(series, "lastObservedTime"));
        count = ival(P(series, "count"));
    } else if (count == 0) {
        count = 1;
    }

    const json_t *inv = P(obj, f->involved);
    _cleanup_free_ char *kind = xstrdup(nz(S(inv, "kind")));
    for (char *p = kind; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    const char *iname = S(inv, "name");
    json_t *target = empty(iname) ? json_string(kind) : json_sprintf("%s/%s", kind, iname);

    const char *component = S(obj, f->source, "component");
    if (empty(component))
        component = S(obj, f->controller);
    const char *host = S(obj, f->source, "host");
    if (empty(host))
        host = S(obj, "reportingInstance");
    json_t *source =
        empty(host) ? json_string(nz(component)) : json_sprintf("%s, %s", nz(component), host);
    _cleanup_free_ char *msg = trim(S(obj, f->message));

    json_array_append_new(row, last);
    json_array_append_new(row, json_string(nz(S(obj, "type"))));
    json_array_append_new(row, json_string(nz(S(obj, "reason"))));
    json_array_append_new(row, target);
    json_array_append_new(row, json_string(nz(S(inv, "fieldPath"))));
    json_array_append_new(row, source);
    json_array_append_new(row, json_string(msg));
    json_array_append_new(row, first);
    json_array_append_new(row, json_integer(count));
    name_cell(row, obj);
}

static void event_cells(const json_t *obj, json_t *row)
{
    event_cells_with(obj, row, &core_event);
}

static void event_v1_cells(const json_t *obj, json_t *row)
{
    event_cells_with(obj, row, &v1_event);
}

static void ns_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_string(nz(S(obj, "status", "phase"))));
    json_array_append_new(row, age_cell(obj));
}

static void secret_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_string(nz(S(obj, "type"))));
    json_array_append_new(row, json_integer((json_int_t)count_of(P(obj, "data"))));
    json_array_append_new(row, age_cell(obj));
}

static void cm_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(
        row, json_integer((json_int_t)(count_of(P(obj, "data")) + count_of(P(obj, "binaryData")))));
    json_array_append_new(row, age_cell(obj));
}

static void sa_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_integer((json_int_t)count_of(P(obj, "secrets"))));
    json_array_append_new(row, age_cell(obj));
}

/* GetAccessModesAsString: fixed order, duplicates folded. */
static json_t *access_modes_cell(const json_t *modes)
{
    static const struct {
        const char *mode, *abbrev;
    } order[] = {{"ReadWriteOnce", "RWO"},
                 {"ReadOnlyMany", "ROX"},
                 {"ReadWriteMany", "RWX"},
                 {"ReadWriteOncePod", "RWOP"}};
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, "");
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(order); i++) {
        size_t j;
        json_t *m;
        json_array_foreach(modes, j, m)
        {
            if (strcmp(nz(json_string_value(m)), order[i].mode) == 0) {
                cube_buf_printf(&b, "%s%s", b.len ? "," : "", order[i].abbrev);
                break;
            }
        }
    }
    json_t *r = json_string(b.data);
    cube_buf_clear(&b);
    return r;
}

static const char *storage_class_of(const json_t *obj)
{
    const char *a = S(obj, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class");
    return a ? a : nz(S(obj, "spec", "storageClassName"));
}

static void pv_cells(const json_t *obj, json_t *row)
{
    const json_t *claim = P(obj, "spec", "claimRef");
    name_cell(row, obj);
    json_array_append_new(row, json_string(nz(S(obj, "spec", "capacity", "storage"))));
    json_array_append_new(row, access_modes_cell(P(obj, "spec", "accessModes")));
    json_array_append_new(row, json_string(nz(S(obj, "spec", "persistentVolumeReclaimPolicy"))));
    json_array_append_new(row, json_string(P(obj, "metadata", "deletionTimestamp")
                                               ? "Terminating"
                                               : nz(S(obj, "status", "phase"))));
    json_array_append_new(
        row, claim ? json_sprintf("%s/%s", nz(S(claim, "namespace")), nz(S(claim, "name")))
                   : json_string(""));
    json_array_append_new(row, json_string(storage_class_of(obj)));
    json_array_append_new(row, str_or(S(obj, "spec", "volumeAttributesClassName"), "<unset>"));
    json_array_append_new(row, json_string(nz(S(obj, "status", "reason"))));
    json_array_append_new(row, age_cell(obj));
    json_array_append_new(row, str_or(S(obj, "spec", "volumeMode"), "<unset>"));
}

static void pvc_cells(const json_t *obj, json_t *row)
{
    const char *volume = S(obj, "spec", "volumeName");
    bool bound = !empty(volume);
    name_cell(row, obj);
    json_array_append_new(row, json_string(P(obj, "metadata", "deletionTimestamp")
                                               ? "Terminating"
                                               : nz(S(obj, "status", "phase"))));
    json_array_append_new(row, json_string(nz(volume)));
    json_array_append_new(row,
                          json_string(bound ? nz(S(obj, "status", "capacity", "storage")) : ""));
    json_array_append_new(row, bound ? access_modes_cell(P(obj, "status", "accessModes"))
                                     : json_string(""));
    json_array_append_new(row, json_string(storage_class_of(obj)));
    json_array_append_new(row, str_or(S(obj, "spec", "volumeAttributesClassName"), "<unset>"));
    json_array_append_new(row, age_cell(obj));
    json_array_append_new(row, str_or(S(obj, "spec", "volumeMode"), "<unset>"));
}

/* Quota resources sorted by name; limits.* go to the Limit column. */
static void quota_cells(const json_t *obj, json_t *row)
{
    const json_t *hard = P(obj, "status", "hard");
    const json_t *used = P(obj, "status", "used");
    size_t n = count_of(hard), i = 0;
    _cleanup_free_ const char **names = xcalloc(n + 1, sizeof(*names));
    const char *k;
    json_t *v;
    if (json_is_object(hard)) {
        json_object_foreach((json_t *)hard, k, v) names[i++] = k;
    }
    qsort(names, n, sizeof(*names), cmp_str);
    cube_buf_t req = CUBE_BUF_INIT, lim = CUBE_BUF_INIT;
    cube_buf_puts(&req, "");
    cube_buf_puts(&lim, "");
    for (i = 0; i < n; i++) {
        cube_buf_t *w = strncmp(names[i], "limits.", 7) == 0 ? &lim : &req;
        const char *u = S(used, names[i]);
        cube_buf_printf(w, "%s%s: %s/%s", w->len ? ", " : "", names[i], u ? u : "0",
                        nz(S(hard, names[i])));
    }
    name_cell(row, obj);
    json_array_append_new(row, age_cell(obj));
    json_array_append_new(row, json_string(req.data));
    json_array_append_new(row, json_string(lim.data));
    cube_buf_clear(&req);
    cube_buf_clear(&lim);
}

/* ---- cells: services, networking ---------------------------------------- */

/* Load-balancer ingress points: IPs, else host names, de-duplicated. */
static void lb_ingress(cube_buf_t *b, const json_t *ingress)
{
    size_t i;
    json_t *e;
    json_array_foreach(ingress, i, e)
    {
        const char *v = !empty(S(e, "ip")) ? S(e, "ip") : S(e, "hostname");
        if (empty(v))
            continue;
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            const json_t *p = json_array_get(ingress, j);
            const char *pv = !empty(S(p, "ip")) ? S(p, "ip") : S(p, "hostname");
            dup = pv && strcmp(pv, v) == 0;
        }
        if (!dup)
            cube_buf_printf(b, "%s%s", b->len ? "," : "", v);
    }
}

static void join_strings(cube_buf_t *b, const json_t *arr, const char *sep)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (b->len)
            cube_buf_puts(b, sep);
        cube_buf_puts(b, nz(json_string_value(e)));
    }
}

static json_t *service_external_ip(const json_t *svc)
{
    const char *type = nz(S(svc, "spec", "type"));
    const json_t *ext = P(svc, "spec", "externalIPs");
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, "");
    json_t *r;
    if (strcmp(type, "ClusterIP") == 0 || strcmp(type, "NodePort") == 0) {
        join_strings(&b, ext, ",");
        r = str_or(b.data, "<none>");
    } else if (strcmp(type, "LoadBalancer") == 0) {
        lb_ingress(&b, P(svc, "status", "loadBalancer", "ingress"));
        join_strings(&b, ext, ",");
        r = str_or(b.data, "<pending>");
    } else if (strcmp(type, "ExternalName") == 0) {
        r = json_string(nz(S(svc, "spec", "externalName")));
    } else {
        r = json_string("<unknown>");
    }
    cube_buf_clear(&b);
    return r;
}

static void svc_cells(const json_t *obj, json_t *row)
{
    const char *cip = json_string_value(json_array_get(P(obj, "spec", "clusterIPs"), 0));
    if (empty(cip))
        cip = S(obj, "spec", "clusterIP");
    cube_buf_t ports = CUBE_BUF_INIT;
    cube_buf_puts(&ports, "");
    size_t i;
    json_t *p;
    json_array_foreach(P(obj, "spec", "ports"), i, p)
    {
        json_int_t np = ival(P(p, "nodePort"));
        const char *proto = nz(S(p, "protocol"));
        if (i)
            cube_buf_putc(&ports, ',');
        if (np > 0)
            cube_buf_printf(&ports, "%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT "/%s",
                            ival(P(p, "port")), np, proto);
        else
            cube_buf_printf(&ports, "%" JSON_INTEGER_FORMAT "/%s", ival(P(p, "port")), proto);
    }
    name_cell(row, obj);
    json_array_append_new(row, json_string(nz(S(obj, "spec", "type"))));
    json_array_append_new(row, str_or(cip, "<none>"));
    json_array_append_new(row, service_external_ip(obj));
    json_array_append_new(row, str_or(ports.data, "<none>"));
    json_array_append_new(row, age_cell(obj));
    json_array_append_new(row, labels_cell(P(obj, "spec", "selector")));
    cube_buf_clear(&ports);
}

static void ing_cells(const json_t *obj, json_t *row)
{
    enum { MAX_SHOWN = 3 };
    const json_t *rules = P(obj, "spec", "rules");
    cube_buf_t hosts = CUBE_BUF_INIT, addr = CUBE_BUF_INIT;
    cube_buf_puts(&hosts, "");
    cube_buf_puts(&addr, "");
    size_t shown = 0, i;
    bool more = false;
    json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        if (shown == MAX_SHOWN)
            more = true;
        if (!more && !empty(S(rule, "host")))
            cube_buf_printf(&hosts, "%s%s", shown++ ? "," : "", S(rule, "host"));
    }
    if (shown == 0)
        cube_buf_puts(&hosts, "*");
    else if (more)
        cube_buf_printf(&hosts, " + %zu more...", json_array_size(rules) - MAX_SHOWN);
    lb_ingress(&addr, P(obj, "status", "loadBalancer", "ingress"));

    name_cell(row, obj);
    json_array_append_new(row, str_or(S(obj, "spec", "ingressClassName"), "<none>"));
    json_array_append_new(row, json_string(hosts.data));
    json_array_append_new(row, json_string(addr.data));
    json_array_append_new(row, json_string(count_of(P(obj, "spec", "tls")) ? "80, 443" : "80"));
    json_array_append_new(row, age_cell(obj));
    cube_buf_clear(&hosts);
    cube_buf_clear(&addr);
}

static void ingclass_cells(const json_t *obj, json_t *row)
{
    const json_t *params = P(obj, "spec", "parameters");
    json_t *pc;
    if (!params)
        pc = json_string("<none>");
    else if (S(params, "apiGroup"))
        pc = json_sprintf("%s.%s/%s", nz(S(params, "kind")), S(params, "apiGroup"),
                          nz(S(params, "name")));
    else
        pc = json_sprintf("%s/%s", nz(S(params, "kind")), nz(S(params, "name")));
    name_cell(row, obj);
    json_array_append_new(row, json_string(nz(S(obj, "spec", "controller"))));
    json_array_append_new(row, pc);
    json_array_append_new(row, age_cell(obj));
}

static void netpol_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, label_selector_cell(P(obj, "spec", "podSelector")));
    json_array_append_new(row, age_cell(obj));
}

static void eps_list(cube_buf_t *b, size_t shown, size_t count, bool more)
{
    enum { MAX_SHOWN = 3 };
    if (more)
        cube_buf_printf(b, " + %zu more...", count - MAX_SHOWN);
    else if (shown == 0)
        cube_buf_puts(b, "<unset>");
}

static void eps_cells(const json_t *obj, json_t *row)
{
    enum { MAX_SHOWN = 3 };
    cube_buf_t ports = CUBE_BUF_INIT, eps = CUBE_BUF_INIT;
    cube_buf_puts(&ports, "");
    cube_buf_puts(&eps, "");
    size_t shown = 0, count = 0, i, j;
    bool more = false;
    json_t *p, *e, *a;
    json_array_foreach(P(obj, "ports"), i, p)
    {
        if (shown < MAX_SHOWN) {
            const json_t *port = P(p, "port");
            if (json_is_integer(port))
                cube_buf_printf(&ports, "%s%" JSON_INTEGER_FORMAT, shown ? "," : "",
                                json_integer_value(port));
            else if (S(p, "name"))
                cube_buf_printf(&ports, "%s%s", shown ? "," : "", S(p, "name"));
            else
                cube_buf_printf(&ports, "%s*", shown ? "," : "");
            shown++;
        } else {
            more = true;
        }
        count++;
    }
    eps_list(&ports, shown, count, more);
    shown = count = 0;
    more = false;
    json_array_foreach(P(obj, "endpoints"), i, e)
    {
        json_array_foreach(P(e, "addresses"), j, a)
        {
            if (shown < MAX_SHOWN)
                cube_buf_printf(&eps, "%s%s", shown++ ? "," : "", nz(json_string_value(a)));
            else
                more = true;
            count++;
        }
    }
    eps_list(&eps, shown, count, more);
    name_cell(row, obj);
    json_array_append_new(row, json_string(nz(S(obj, "addressType"))));
    json_array_append_new(row, json_string(ports.data));
    json_array_append_new(row, json_string(eps.data));
    json_array_append_new(row, age_cell(obj));
    cube_buf_clear(&ports);
    cube_buf_clear(&eps);
}

/* ---- cells: apps, batch, autoscaling, policy ---------------------------- */

static void deploy_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_sprintf("%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
                                            ival(P(obj, "status", "readyReplicas")),
                                            ival(P(obj, "spec", "replicas"))));
    json_array_append_new(row, json_integer(ival(P(obj, "status", "updatedReplicas"))));
    json_array_append_new(row, json_integer(ival(P(obj, "status", "availableReplicas"))));
    json_array_append_new(row, age_cell(obj));
    container_cells(row, P(obj, "spec", "template", "spec"));
    _cleanup_free_ char *sel = format_label_selector(P(obj, "spec", "selector"));
    json_array_append_new(row, json_string(sel));
}

static void rs_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_integer(ival(P(obj, "spec", "replicas"))));
    json_array_append_new(row, json_integer(ival(P(obj, "status", "replicas"))));
    json_array_append_new(row, json_integer(ival(P(obj, "status", "readyReplicas"))));
    json_array_append_new(row, age_cell(obj));
    container_cells(row, P(obj, "spec", "template", "spec"));
    json_array_append_new(row, label_selector_cell(P(obj, "spec", "selector")));
}

static void ds_cells(const json_t *obj, json_t *row)
{
    static const char *const counters[] = {"desiredNumberScheduled", "currentNumberScheduled",
                                           "numberReady", "updatedNumberScheduled",
                                           "numberAvailable"};
    name_cell(row, obj);
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(counters); i++)
        json_array_append_new(row, json_integer(ival(P(obj, "status", counters[i]))));
    json_array_append_new(row, labels_cell(P(obj, "spec", "template", "spec", "nodeSelector")));
    json_array_append_new(row, age_cell(obj));
    container_cells(row, P(obj, "spec", "template", "spec"));
    json_array_append_new(row, label_selector_cell(P(obj, "spec", "selector")));
}

static void sts_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_sprintf("%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
                                            ival(P(obj, "status", "readyReplicas")),
                                            ival(P(obj, "spec", "replicas"))));
    json_array_append_new(row, age_cell(obj));
    container_cells(row, P(obj, "spec", "template", "spec"));
}

static void cr_cells(const json_t *obj, json_t *row)
{
    const json_t *owner = NULL;
    size_t i;
    json_t *o;
    json_array_foreach(P(obj, "metadata", "ownerReferences"), i, o)
    {
        if (bval(P(o, "controller"))) {
            owner = o;
            break;
        }
    }
    json_t *ctl;
    if (!owner) {
        ctl = json_string("<none>");
    } else {
        const char *kind = nz(S(owner, "kind"));
        const char *av = nz(S(owner, "apiVersion"));
        const char *slash = strchr(av, '/');
        cube_buf_t b = CUBE_BUF_INIT;
        cube_buf_puts(&b, kind);
        if (slash)
            cube_buf_printf(&b, ".%.*s", (int)(slash - av), av);
        for (char *p = b.data; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        ctl = empty(kind) ? json_string(nz(S(owner, "name")))
                          : json_sprintf("%s/%s", b.data, nz(S(owner, "name")));
        cube_buf_clear(&b);
    }
    name_cell(row, obj);
    json_array_append_new(row, ctl);
    json_array_append_new(row, json_integer(ival(P(obj, "revision"))));
    json_array_append_new(row, age_cell(obj));
}

static void job_cells(const json_t *obj, json_t *row)
{
    const json_t *spec = P(obj, "spec"), *status = P(obj, "status");
    json_int_t succeeded = ival(P(status, "succeeded"));
    json_t *completions;
    if (json_is_integer(P(spec, "completions")))
        completions = json_sprintf("%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT, succeeded,
                                   ival(P(spec, "completions")));
    else if (ival(P(spec, "parallelism")) > 1)
        completions = json_sprintf("%" JSON_INTEGER_FORMAT "/1 of %" JSON_INTEGER_FORMAT, succeeded,
                                   ival(P(spec, "parallelism")));
    else
        completions = json_sprintf("%" JSON_INTEGER_FORMAT "/1", succeeded);

    /* DURATION: "" before start; an age while running; fixed once complete. */
    const char *start = S(status, "startTime"), *done = S(status, "completionTime");
    json_t *duration;
    if (!start) {
        duration = json_string("");
    } else if (!done) {
        duration = time_cell(start);
    } else {
        char d[32];
        cube_time_age(time_of(start), time_of(done), d, sizeof(d));
        duration = json_string(d);
    }

    const json_t *conds = P(status, "conditions");
    const char *st;
    if (condition_true(conds, "Complete"))
        st = "Complete";
    else if (condition_true(conds, "Failed"))
        st = "Failed";
    else if (P(obj, "metadata", "deletionTimestamp"))
        st = "Terminating";
    else if (condition_true(conds, "Suspended"))
        st = "Suspended";
    else if (condition_true(conds, "FailureTarget"))
        st = "FailureTarget";
    else if (condition_true(conds, "SuccessCriteriaMet"))
        st = "SuccessCriteriaMet";
    else
        st = "Running";

    name_cell(row, obj);
    json_array_append_new(row, json_string(st));
    json_array_append_new(row, completions);
    json_array_append_new(row, duration);
    json_array_append_new(row, age_cell(obj));
    container_cells(row, P(spec, "template", "spec"));
    json_array_append_new(row, label_selector_cell(P(spec, "selector")));
}

static void cronjob_cells(const json_t *obj, json_t *row)
{
    const json_t *spec = P(obj, "spec");
    const json_t *suspend = P(spec, "suspend");
    const char *last = S(obj, "status", "lastScheduleTime");
    name_cell(row, obj);
    json_array_append_new(row, json_string(nz(S(spec, "schedule"))));
    json_array_append_new(row, str_or(S(spec, "timeZone"), "<none>"));
    json_array_append_new(row, json_string(json_is_boolean(suspend)
                                               ? (json_is_true(suspend) ? "True" : "False")
                                               : "<unset>"));
    json_array_append_new(row, json_integer((json_int_t)count_of(P(obj, "status", "active"))));
    json_array_append_new(row, last ? time_cell(last) : json_string("<none>"));
    json_array_append_new(row, age_cell(obj));
    const json_t *jspec = P(spec, "jobTemplate", "spec");
    container_cells(row, P(jspec, "template", "spec"));
    json_array_append_new(row, label_selector_cell(P(jspec, "selector")));
}

static void pdb_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, int_or_string(P(obj, "spec", "minAvailable"), "N/A"));
    json_array_append_new(row, int_or_string(P(obj, "spec", "maxUnavailable"), "N/A"));
    json_array_append_new(row, json_integer(ival(P(obj, "status", "disruptionsAllowed"))));
    json_array_append_new(row, age_cell(obj));
}

/* Quantities are stored canonical, so they print as stored. */
static const char *quantity(const json_t *j)
{
    if (json_is_string(j))
        return json_string_value(j);
    return NULL;
}

static void hpa_metric(cube_buf_t *b, const json_t *spec, const json_t *st)
{
    const char *type = nz(S(spec, "type"));
    char cur[64] = "<unknown>";
    if (strcmp(type, "External") == 0 || strcmp(type, "Object") == 0) {
        const char *key = strcmp(type, "External") == 0 ? "external" : "object";
        const char *avg = quantity(P(spec, key, "target", "averageValue"));
        if (avg) {
            const char *c = quantity(P(st, key, "current", "averageValue"));
            cube_buf_printf(b, "%s/%s (avg)", c ? c : cur, avg);
        } else {
            const char *c = quantity(P(st, key, "current", "value"));
            if (P(st, key) && !c)
                c = "0";
            cube_buf_printf(b, "%s/%s", c ? c : cur, nz(quantity(P(spec, key, "target", "value"))));
        }
    } else if (strcmp(type, "Pods") == 0) {
        const char *c = quantity(P(st, "pods", "current", "averageValue"));
        if (P(st, "pods") && !c)
            c = "0";
        cube_buf_printf(b, "%s/%s", c ? c : cur,
                        nz(quantity(P(spec, "pods", "target", "averageValue"))));
    } else if (strcmp(type, "Resource") == 0 || strcmp(type, "ContainerResource") == 0) {
        const char *key = strcmp(type, "Resource") == 0 ? "resource" : "containerResource";
        const char *name = nz(S(spec, key, "name"));
        const char *avg = quantity(P(spec, key, "target", "averageValue"));
        if (avg) {
            const char *c = quantity(P(st, key, "current", "averageValue"));
            if (P(st, key) && !c)
                c = "0";
            cube_buf_printf(b, "%s: %s/%s", name, c ? c : cur, avg);
        } else {
            const json_t *cu = P(st, key, "current", "averageUtilization");
            if (json_is_integer(cu))
                snprintf(cur, sizeof(cur), "%" JSON_INTEGER_FORMAT "%%", json_integer_value(cu));
            const json_t *tu = P(spec, key, "target", "averageUtilization");
            char tgt[64] = "<auto>";
            if (json_is_integer(tu))
                snprintf(tgt, sizeof(tgt), "%" JSON_INTEGER_FORMAT "%%", json_integer_value(tu));
            cube_buf_printf(b, "%s: %s/%s", name, cur, tgt);
        }
    } else {
        cube_buf_puts(b, "<unknown type>");
    }
}

static void hpa_cells(const json_t *obj, json_t *row)
{
    enum { MAX_SHOWN = 2 };
    const json_t *spec = P(obj, "spec"), *status = P(obj, "status");
    const json_t *metrics = P(spec, "metrics");
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, "");
    if (json_is_array(metrics)) {
        size_t n = json_array_size(metrics);
        for (size_t i = 0; i < n && i < MAX_SHOWN; i++) {
            if (i)
                cube_buf_puts(&b, ", ");
            hpa_metric(&b, json_array_get(metrics, i),
                       json_array_get(P(status, "currentMetrics"), i));
        }
        if (n > MAX_SHOWN)
            cube_buf_printf(&b, " + %zu more...", n - MAX_SHOWN);
    } else if (json_is_integer(P(spec, "targetCPUUtilizationPercentage"))) {
        /* autoscaling/v1 */
        const json_t *cu = P(status, "currentCPUUtilizationPercentage");
        char cur[32] = "<unknown>";
        if (json_is_integer(cu))
            snprintf(cur, sizeof(cur), "%" JSON_INTEGER_FORMAT "%%", json_integer_value(cu));
        cube_buf_printf(&b, "cpu: %s/%" JSON_INTEGER_FORMAT "%%", cur,
                        ival(P(spec, "targetCPUUtilizationPercentage")));
    }
    name_cell(row, obj);
    json_array_append_new(row, json_sprintf("%s/%s", nz(S(spec, "scaleTargetRef", "kind")),
                                            nz(S(spec, "scaleTargetRef", "name"))));
    json_array_append_new(row, str_or(b.data, "<none>"));
    json_array_append_new(row,
                          json_is_integer(P(spec, "minReplicas"))
                              ? json_sprintf("%" JSON_INTEGER_FORMAT, ival(P(spec, "minReplicas")))
                              : json_string("<unset>"));
    json_array_append_new(row, json_integer(ival(P(spec, "maxReplicas"))));
    json_array_append_new(row, json_integer(ival(P(status, "currentReplicas"))));
    json_array_append_new(row, age_cell(obj));
    cube_buf_clear(&b);
}

/* ---- cells: rbac, storage, scheduling, coordination --------------------- */

static void rb_cells(const json_t *obj, json_t *row)
{
    cube_buf_t users = CUBE_BUF_INIT, groups = CUBE_BUF_INIT, sas = CUBE_BUF_INIT;
    cube_buf_puts(&users, "");
    cube_buf_puts(&groups, "");
    cube_buf_puts(&sas, "");
    size_t i;
    json_t *s;
    json_array_foreach(P(obj, "subjects"), i, s)
    {
        const char *kind = nz(S(s, "kind")), *name = nz(S(s, "name"));
        cube_buf_t *w = NULL;
        if (strcmp(kind, "User") == 0)
            w = &users;
        else if (strcmp(kind, "Group") == 0)
            w = &groups;
        if (w) {
            cube_buf_printf(w, "%s%s", w->len ? ", " : "", name);
        } else if (strcmp(kind, "ServiceAccount") == 0) {
            const char *ns = S(s, "namespace");
            cube_buf_printf(&sas, "%s%s%s%s", sas.len ? ", " : "", nz(ns), empty(ns) ? "" : "/",
                            name);
        }
    }
    name_cell(row, obj);
    json_array_append_new(
        row, json_sprintf("%s/%s", nz(S(obj, "roleRef", "kind")), nz(S(obj, "roleRef", "name"))));
    json_array_append_new(row, age_cell(obj));
    json_array_append_new(row, json_string(users.data));
    json_array_append_new(row, json_string(groups.data));
    json_array_append_new(row, json_string(sas.data));
    cube_buf_clear(&users);
    cube_buf_clear(&groups);
    cube_buf_clear(&sas);
}

static void sc_cells(const json_t *obj, json_t *row)
{
    const char *d =
        S(obj, "metadata", "annotations", "storageclass.kubernetes.io/is-default-class");
    const char *db =
        S(obj, "metadata", "annotations", "storageclass.beta.kubernetes.io/is-default-class");
    bool dflt = (d && strcmp(d, "true") == 0) || (db && strcmp(db, "true") == 0);
    const char *name = nz(S(obj, "metadata", "name"));
    json_array_append_new(row, dflt ? json_sprintf("%s (default)", name) : json_string(name));
    json_array_append_new(row, json_string(nz(S(obj, "provisioner"))));
    json_array_append_new(row, str_or(S(obj, "reclaimPolicy"), "Delete"));
    json_array_append_new(row, str_or(S(obj, "volumeBindingMode"), "Immediate"));
    json_array_append_new(row, json_boolean(bval(P(obj, "allowVolumeExpansion"))));
    json_array_append_new(row, age_cell(obj));
}

static void pc_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_integer(ival(P(obj, "value"))));
    json_array_append_new(row, json_boolean(bval(P(obj, "globalDefault"))));
    json_array_append_new(row, age_cell(obj));
    json_array_append_new(row, json_string(nz(S(obj, "preemptionPolicy"))));
}

static void lease_cells(const json_t *obj, json_t *row)
{
    name_cell(row, obj);
    json_array_append_new(row, json_string(nz(S(obj, "spec", "holderIdentity"))));
    json_array_append_new(row, age_cell(obj));
}

/* ---- field selector attributes ------------------------------------------ */

static void put(json_t *attrs, const char *key, const char *value)
{
    json_object_set_new(attrs, key, json_string(nz(value)));
}

static void put_bool(json_t *attrs, const char *key, const json_t *v)
{
    put(attrs, key, json_is_true(v) ? "true" : "false");
}

static void put_int(json_t *attrs, const char *key, const json_t *v)
{
    json_object_set_new(attrs, key, json_sprintf("%" JSON_INTEGER_FORMAT, ival(v)));
}

static const char *const pod_fields[] = {
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
    NULL,
};

static void pod_attrs(const json_t *obj, json_t *a)
{
    put(a, "spec.nodeName", S(obj, "spec", "nodeName"));
    put(a, "spec.restartPolicy", S(obj, "spec", "restartPolicy"));
    put(a, "spec.schedulerName", S(obj, "spec", "schedulerName"));
    put(a, "spec.serviceAccountName", S(obj, "spec", "serviceAccountName"));
    put_bool(a, "spec.hostNetwork", P(obj, "spec", "hostNetwork"));
    put(a, "status.phase", S(obj, "status", "phase"));
    const char *ip = S(json_array_get(P(obj, "status", "podIPs"), 0), "ip");
    put(a, "status.podIP", empty(ip) ? S(obj, "status", "podIP") : ip);
    put(a, "status.nominatedNodeName", S(obj, "status", "nominatedNodeName"));
}

static const char *const event_fields[] = {
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
    NULL,
};

static const char *const ref_fields[] = {"kind",       "namespace",       "name",     "uid",
                                         "apiVersion", "resourceVersion", "fieldPath"};

static void event_attrs(const json_t *obj, json_t *a)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ref_fields); i++) {
        char key[64];
        snprintf(key, sizeof(key), "involvedObject.%s", ref_fields[i]);
        put(a, key, S(obj, "involvedObject", ref_fields[i]));
    }
    put(a, "reason", S(obj, "reason"));
    put(a, "reportingComponent", S(obj, "reportingComponent"));
    const char *src = S(obj, "source", "component");
    put(a, "source", empty(src) ? S(obj, "reportingComponent") : src);
    put(a, "type", S(obj, "type"));
}

/* events.k8s.io/v1 names the same attributes after its own fields. */
static const char *const event_v1_fields[] = {
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
    "reason",
    "reportingController",
    "type",
    NULL,
};

static void event_v1_attrs(const json_t *obj, json_t *a)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ref_fields); i++) {
        char key[64];
        snprintf(key, sizeof(key), "regarding.%s", ref_fields[i]);
        put(a, key, S(obj, "regarding", ref_fields[i]));
    }
    put(a, "reason", S(obj, "reason"));
    put(a, "reportingController", S(obj, "reportingController"));
    put(a, "type", S(obj, "type"));
}

static const char *const secret_fields[] = {"type", NULL};
static void secret_attrs(const json_t *obj, json_t *a)
{
    put(a, "type", S(obj, "type"));
}

/* "name" on namespaces and volumes is a historical alias Kubernetes keeps. */
static const char *const ns_fields[] = {"status.phase", "name", NULL};
static void ns_attrs(const json_t *obj, json_t *a)
{
    put(a, "status.phase", S(obj, "status", "phase"));
    put(a, "name", S(obj, "metadata", "name"));
}

static const char *const name_alias_fields[] = {"name", NULL};
static void name_alias_attrs(const json_t *obj, json_t *a)
{
    put(a, "name", S(obj, "metadata", "name"));
}

static const char *const node_fields[] = {"spec.unschedulable", NULL};
static void node_attrs(const json_t *obj, json_t *a)
{
    put_bool(a, "spec.unschedulable", P(obj, "spec", "unschedulable"));
}

static const char *const replicas_fields[] = {"status.replicas", NULL};
static void replicas_attrs(const json_t *obj, json_t *a)
{
    put_int(a, "status.replicas", P(obj, "status", "replicas"));
}

static const char *const job_fields[] = {"status.successful", NULL};
static void job_attrs(const json_t *obj, json_t *a)
{
    put_int(a, "status.successful", P(obj, "status", "succeeded"));
}

static const char *const svc_fields[] = {"spec.clusterIP", "spec.type", NULL};
static void svc_attrs(const json_t *obj, json_t *a)
{
    put(a, "spec.clusterIP", S(obj, "spec", "clusterIP"));
    put(a, "spec.type", S(obj, "spec", "type"));
}

/* ---- the printer table --------------------------------------------------- */

typedef struct printer {
    const char *group;
    const char *plural;
    const cube_table_column_t *cols;
    size_t ncols;
    void (*cells)(const json_t *obj, json_t *row);
    const char *const *fields; /* type-specific field selector keys */
    void (*attrs)(const json_t *obj, json_t *attrs);
} printer_t;

#define PR(g, p, c, fn)                                                                            \
    {                                                                                              \
        g, p, c, CUBE_ARRAY_SIZE(c), fn, NULL, NULL                                                \
    }
#define PRF(g, p, c, fn, f, a)                                                                     \
    {                                                                                              \
        g, p, c, CUBE_ARRAY_SIZE(c), fn, f, a                                                      \
    }
#define DEFAULT(g, p)                                                                              \
    {                                                                                              \
        g, p, default_cols, CUBE_ARRAY_SIZE(default_cols), default_cells, NULL, NULL               \
    }

static const printer_t printers[] = {
    PR("", "configmaps", cm_cols, cm_cells),
    PR("", "endpoints", ep_cols, ep_cells),
    PRF("", "events", event_cols, event_cells, event_fields, event_attrs),
    DEFAULT("", "limitranges"),
    PRF("", "namespaces", ns_cols, ns_cells, ns_fields, ns_attrs),
    PRF("", "nodes", node_cols, node_cells, node_fields, node_attrs),
    PRF("", "persistentvolumeclaims", pvc_cols, pvc_cells, name_alias_fields, name_alias_attrs),
    PRF("", "persistentvolumes", pv_cols, pv_cells, name_alias_fields, name_alias_attrs),
    PRF("", "pods", pod_cols, pod_cells, pod_fields, pod_attrs),
    PR("", "podtemplates", podtemplate_cols, podtemplate_cells),
    PRF("", "replicationcontrollers", rc_cols, rc_cells, replicas_fields, replicas_attrs),
    PR("", "resourcequotas", quota_cols, quota_cells),
    PRF("", "secrets", secret_cols, secret_cells, secret_fields, secret_attrs),
    PR("", "serviceaccounts", sa_cols, sa_cells),
    PRF("", "services", svc_cols, svc_cells, svc_fields, svc_attrs),
    PR("apps", "controllerrevisions", cr_cols, cr_cells),
    PR("apps", "daemonsets", ds_cols, ds_cells),
    PR("apps", "deployments", deploy_cols, deploy_cells),
    PRF("apps", "replicasets", rc_cols, rs_cells, replicas_fields, replicas_attrs),
    PR("apps", "statefulsets", sts_cols, sts_cells),
    PRF("events.k8s.io", "events", event_cols, event_v1_cells, event_v1_fields, event_v1_attrs),
    PR("autoscaling", "horizontalpodautoscalers", hpa_cols, hpa_cells),
    PR("batch", "cronjobs", cronjob_cols, cronjob_cells),
    PRF("batch", "jobs", job_cols, job_cells, job_fields, job_attrs),
    PR("networking.k8s.io", "ingressclasses", ingclass_cols, ingclass_cells),
    PR("networking.k8s.io", "ingresses", ing_cols, ing_cells),
    PR("networking.k8s.io", "networkpolicies", netpol_cols, netpol_cells),
    PR("policy", "poddisruptionbudgets", pdb_cols, pdb_cells),
    PR("rbac.authorization.k8s.io", "clusterrolebindings", rb_cols, rb_cells),
    DEFAULT("rbac.authorization.k8s.io", "clusterroles"),
    PR("rbac.authorization.k8s.io", "rolebindings", rb_cols, rb_cells),
    DEFAULT("rbac.authorization.k8s.io", "roles"),
    PR("storage.k8s.io", "storageclasses", sc_cols, sc_cells),
    PR("scheduling.k8s.io", "priorityclasses", pc_cols, pc_cells),
    PR("coordination.k8s.io", "leases", lease_cols, lease_cells),
    PR("discovery.k8s.io", "endpointslices", eps_cols, eps_cells),
};

static const printer_t default_printer = DEFAULT("", "");

static const printer_t *printer_for(const cube_resource_t *r)
{
    for (size_t i = 0; r && i < CUBE_ARRAY_SIZE(printers); i++)
        if (strcmp(printers[i].plural, r->plural) == 0 && strcmp(printers[i].group, r->group) == 0)
            return &printers[i];
    return &default_printer;
}

const cube_table_column_t *cube_api_table_columns(const cube_resource_t *r, size_t *ret_n)
{
    const printer_t *p = printer_for(r);
    if (ret_n)
        *ret_n = p->ncols;
    return p->cols;
}

json_t *cube_api_table_cells(const cube_resource_t *r, const json_t *obj)
{
    const printer_t *p = printer_for(r);
    json_t *row = json_array();
    p->cells(obj, row);
    return row;
}

json_t *cube_api_field_attrs(const cube_resource_t *r, const json_t *obj)
{
    const printer_t *p = printer_for(r);
    json_t *a = json_object();
    put(a, "metadata.name", S(obj, "metadata", "name"));
    /* Cluster-scoped objects have no namespace: it selects as "". */
    put(a, "metadata.namespace", r && r->namespaced ? S(obj, "metadata", "namespace") : "");
    if (p->attrs)
        p->attrs(obj, a);
    return a;
}

bool cube_api_field_supported(const cube_resource_t *r, const char *field)
{
    if (!field)
        return false;
    if (strcmp(field, "metadata.name") == 0 || strcmp(field, "metadata.namespace") == 0)
        return true;
    const printer_t *p = printer_for(r);
    for (const char *const *f = p->fields; f && *f; f++)
        if (strcmp(*f, field) == 0)
            return true;
    return false;
}
