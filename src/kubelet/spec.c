/*
 * From the pod's spec to what the runtime is told: the QoS class and the
 * cgroup parent it implies, a container's resources as CRI Linux resources
 * (pkg/kubelet/kuberuntime/kuberuntime_container_linux.go), and its
 * environment with every source Kubernetes supports (envvars from values,
 * field and resource references, ConfigMaps and Secrets; pkg/kubelet/
 * kubelet_pods.go makeEnvironmentVariables). Pure functions over JSON trees.
 */
#include "kubelet/internal.h"

#include <ctype.h>

static int64_t quantity_milli(const json_t *q)
{
    const char *s = json_string_value(q);
    int64_t v = 0;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (!s || cube_quantity_parse(s, &v, &e) < 0)
        return -1;
    return v;
}

const char *kl_qos_class(const json_t *pod)
{
    bool any = false, guaranteed = true;
    const char *lists[] = {"initContainers", "containers"};
    for (size_t li = 0; li < 2; li++) {
        size_t i;
        json_t *c;
        json_array_foreach(cube_json_path(pod, "spec", lists[li], NULL), i, c)
        {
            json_t *req = cube_json_path(c, "resources", "requests", NULL);
            json_t *lim = cube_json_path(c, "resources", "limits", NULL);
            const char *names[] = {"cpu", "memory"};
            for (size_t k = 0; k < 2; k++) {
                int64_t r = quantity_milli(json_object_get(req, names[k]));
                int64_t l = quantity_milli(json_object_get(lim, names[k]));
                if (r > 0 || l > 0)
                    any = true;
                if (l <= 0)
                    guaranteed = false;
                else if (r >= 0 && r != l)
                    guaranteed = false;
            }
        }
    }
    if (!any)
        return "BestEffort";
    return guaranteed ? "Guaranteed" : "Burstable";
}

char *kl_cgroup_parent(const json_t *pod)
{
    const char *uid = cube_json_str(pod, "metadata", "uid", NULL);
    const char *q = kl_qos_class(pod);
    if (!strcmp(q, "Guaranteed"))
        return xasprintf("/kubepods/pod%s", uid ? uid : "");
    return xasprintf("/kubepods/%s/pod%s", !strcmp(q, "Burstable") ? "burstable" : "besteffort",
                     uid ? uid : "");
}

void kl_container_resources(const json_t *c, kl_resources_t *r)
{
    memset(r, 0, sizeof(*r));
    json_t *req = cube_json_path(c, "resources", "requests", NULL);
    json_t *lim = cube_json_path(c, "resources", "limits", NULL);
    int64_t cpu_req = quantity_milli(json_object_get(req, "cpu"));
    int64_t cpu_lim = quantity_milli(json_object_get(lim, "cpu"));
    int64_t mem_lim = quantity_milli(json_object_get(lim, "memory"));
    int64_t shares_from = cpu_req >= 0 ? cpu_req : cpu_lim; /* requests default to limits */
    r->cpu_shares = shares_from > 0 ? shares_from * 1024 / 1000 : 2;
    if (r->cpu_shares < 2)
        r->cpu_shares = 2;
    if (cpu_lim > 0) {
        r->cpu_period = 100000;
        r->cpu_quota = cpu_lim * 100000 / 1000;
        if (r->cpu_quota < 1000)
            r->cpu_quota = 1000;
    }
    if (mem_lim > 0)
        r->memory_limit = mem_lim / 1000;
}

/* ---- environment ----------------------------------------------------------- */

static void env_set(json_t *env, const char *name, const char *value)
{
    size_t i;
    json_t *pair;
    json_array_foreach(env, i, pair)
    {
        if (!strcmp(json_string_value(json_array_get(pair, 0)), name)) {
            json_array_set_new(pair, 1, json_string(value));
            return;
        }
    }
    json_array_append_new(env, json_pack("[s,s]", name, value));
}

static const char *env_get(const json_t *env, const char *name, size_t len)
{
    size_t i;
    json_t *pair;
    json_array_foreach(env, i, pair)
    {
        const char *n = json_string_value(json_array_get(pair, 0));
        if (strlen(n) == len && !strncmp(n, name, len))
            return json_string_value(json_array_get(pair, 1));
    }
    return NULL;
}

/* $(VAR) expands to VAR's value when defined before, $$ to $; anything else stays. */
static char *expand(const char *s, const json_t *env)
{
    cube_buf_t b = CUBE_BUF_INIT;
    for (const char *p = s; *p;) {
        if (p[0] == '$' && p[1] == '$') {
            cube_buf_putc(&b, '$');
            p += 2;
        } else if (p[0] == '$' && p[1] == '(') {
            const char *end = strchr(p + 2, ')');
            const char *v = end ? env_get(env, p + 2, (size_t)(end - p - 2)) : NULL;
            if (v) {
                cube_buf_puts(&b, v);
                p = end + 1;
            } else if (end) {
                cube_buf_append(&b, p, (size_t)(end + 1 - p));
                p = end + 1;
            } else {
                cube_buf_puts(&b, p);
                break;
            }
        } else {
            cube_buf_putc(&b, *p++);
        }
    }
    return cube_buf_steal(&b, NULL);
}

/* metadata.labels['k'] -> k in the given map */
static const char *subscript(const json_t *pod, const char *path, const char *field)
{
    size_t fl = strlen(field);
    if (strncmp(path, field, fl) || path[fl] != '[')
        return NULL;
    const char *k = path + fl + 1;
    char quote = *k;
    if (quote != '\'' && quote != '"')
        return NULL;
    k++;
    const char *end = strchr(k, quote);
    if (!end)
        return NULL;
    _cleanup_free_ char *key = xstrndup(k, (size_t)(end - k));
    return cube_json_str(pod, "metadata", field + strlen("metadata."), key, NULL);
}

static int field_ref(const json_t *pod, const char *path, const char *host_ip, const char *pod_ip,
                     char **ret, cube_err_t *err)
{
    const char *v = NULL;
    if (!strcmp(path, "metadata.name"))
        v = cube_json_str(pod, "metadata", "name", NULL);
    else if (!strcmp(path, "metadata.namespace"))
        v = cube_json_str(pod, "metadata", "namespace", NULL);
    else if (!strcmp(path, "metadata.uid"))
        v = cube_json_str(pod, "metadata", "uid", NULL);
    else if (!strcmp(path, "spec.nodeName"))
        v = cube_json_str(pod, "spec", "nodeName", NULL);
    else if (!strcmp(path, "spec.serviceAccountName"))
        v = cube_json_str(pod, "spec", "serviceAccountName", NULL);
    else if (!strcmp(path, "status.hostIP") || !strcmp(path, "status.hostIPs"))
        v = host_ip;
    else if (!strcmp(path, "status.podIP") || !strcmp(path, "status.podIPs"))
        v = pod_ip;
    else if (!strncmp(path, "metadata.labels", 15) || !strncmp(path, "metadata.annotations", 20)) {
        v = subscript(pod, path,
                      !strncmp(path, "metadata.labels", 15) ? "metadata.labels"
                                                            : "metadata.annotations");
        if (!v)
            v = "";
    } else
        return cube_err_invalid(err, "unsupported fieldRef path \"%s\"", path);
    *ret = xstrdup(v ? v : "");
    return 0;
}

static char *resource_ref(const json_t *c, const json_t *ref)
{
    const char *resource = cube_json_str(ref, "resource", NULL);
    if (!resource)
        return xstrdup("0");
    const char *dot = strchr(resource, '.');
    if (!dot)
        return xstrdup("0");
    _cleanup_free_ char *kind = xstrndup(resource, (size_t)(dot - resource));
    json_t *q = cube_json_path(c, "resources", kind, dot + 1, NULL);
    if (!q && !strcmp(kind, "requests")) /* requests default to limits */
        q = cube_json_path(c, "resources", "limits", dot + 1, NULL);
    int64_t v = quantity_milli(q);
    int64_t div = quantity_milli(json_object_get(ref, "divisor"));
    if (div <= 0)
        div = !strcmp(dot + 1, "cpu") ? 1000 : 1000; /* "1" */
    if (v < 0)
        v = 0;
    return xasprintf("%lld", (long long)((v + div - 1) / div));
}

/* Standard base64 (padding optional, whitespace skipped); NULL on a bad character. */
static char *b64decode(const char *s)
{
    size_t len = strlen(s);
    _cleanup_free_ char *out = xmalloc(len / 4 * 3 + 4);
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (const char *p = s; *p && *p != '='; p++) {
        int v;
        if (*p >= 'A' && *p <= 'Z')
            v = *p - 'A';
        else if (*p >= 'a' && *p <= 'z')
            v = *p - 'a' + 26;
        else if (*p >= '0' && *p <= '9')
            v = *p - '0' + 52;
        else if (*p == '+')
            v = 62;
        else if (*p == '/')
            v = 63;
        else if (isspace((unsigned char)*p))
            continue;
        else
            return NULL;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)(acc >> bits & 0xff);
        }
    }
    out[n] = 0;
    return TAKE_PTR(out);
}

/* The value of key in a ConfigMap (data or binaryData) or Secret (base64 data, decoded). */
static char *data_value(const char *kind, const json_t *obj, const char *key)
{
    const char *v = cube_json_str(obj, "data", key, NULL);
    if (!strcmp(kind, "ConfigMap"))
        return v ? xstrdup(v) : NULL;
    if (!v)
        return NULL;
    return b64decode(v);
}

static int key_ref(const char *kind, const json_t *pod, const json_t *ref, kl_lookup_fn lookup,
                   void *ud, char **ret, cube_err_t *err)
{
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    const char *name = cube_json_str(ref, "name", NULL);
    const char *key = cube_json_str(ref, "key", NULL);
    bool optional = json_is_true(json_object_get(ref, "optional"));
    json_auto_t *obj = name ? lookup(kind, ns, name, ud) : NULL;
    *ret = NULL;
    if (!obj) {
        if (optional)
            return 0;
        return cube_err_notfound(err, "%s \"%s\" not found",
                                 !strcmp(kind, "ConfigMap") ? "configmap" : "secret",
                                 name ? name : "");
    }
    char *v = key ? data_value(kind, obj, key) : NULL;
    if (!v) {
        if (optional)
            return 0;
        return cube_err_notfound(err, "couldn't find key %s in %s %s/%s", key ? key : "", kind, ns,
                                 name);
    }
    *ret = v;
    return 0;
}

static bool env_name_ok(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return false;
    return true;
}

int kl_container_env(const json_t *pod, const json_t *c, const char *host_ip, const char *pod_ip,
                     kl_lookup_fn lookup, void *ud, json_t **ret, cube_err_t *err)
{
    json_auto_t *env = json_array();
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    size_t i;
    json_t *src;
    json_array_foreach(json_object_get(c, "envFrom"), i, src)
    {
        const char *prefix = cube_json_str(src, "prefix", NULL);
        json_t *ref = json_object_get(src, "configMapRef");
        const char *kind = "ConfigMap";
        if (!ref) {
            ref = json_object_get(src, "secretRef");
            kind = "Secret";
        }
        const char *name = cube_json_str(ref, "name", NULL);
        if (!name)
            continue;
        json_auto_t *obj = lookup(kind, ns, name, ud);
        if (!obj) {
            if (json_is_true(json_object_get(ref, "optional")))
                continue;
            return cube_err_notfound(err, "%s \"%s\" not found",
                                     !strcmp(kind, "ConfigMap") ? "configmap" : "secret", name);
        }
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(obj, "data"), k, v)
        {
            _cleanup_free_ char *full = xasprintf("%s%s", prefix ? prefix : "", k);
            if (!env_name_ok(full))
                continue;
            _cleanup_free_ char *val = data_value(kind, obj, k);
            if (val)
                env_set(env, full, val);
        }
    }
    json_array_foreach(json_object_get(c, "env"), i, src)
    {
        const char *name = cube_json_str(src, "name", NULL);
        if (!name)
            continue;
        json_t *from = json_object_get(src, "valueFrom");
        _cleanup_free_ char *val = NULL;
        if (!from) {
            const char *v = cube_json_str(src, "value", NULL);
            val = expand(v ? v : "", env);
        } else if (json_object_get(from, "fieldRef")) {
            const char *path = cube_json_str(from, "fieldRef", "fieldPath", NULL);
            if (field_ref(pod, path ? path : "", host_ip, pod_ip, &val, err) < 0)
                return -1;
        } else if (json_object_get(from, "resourceFieldRef")) {
            val = resource_ref(c, json_object_get(from, "resourceFieldRef"));
        } else if (json_object_get(from, "configMapKeyRef")) {
            if (key_ref("ConfigMap", pod, json_object_get(from, "configMapKeyRef"), lookup, ud,
                        &val, err) < 0)
                return -1;
            if (!val)
                continue;
        } else if (json_object_get(from, "secretKeyRef")) {
            if (key_ref("Secret", pod, json_object_get(from, "secretKeyRef"), lookup, ud, &val,
                        err) < 0)
                return -1;
            if (!val)
                continue;
        } else {
            continue;
        }
        env_set(env, name, val);
    }
    *ret = json_incref(env);
    return 0;
}
