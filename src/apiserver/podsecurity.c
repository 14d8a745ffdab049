/*
 * PodSecurity admission: the Pod Security Standards (privileged, baseline,
 * restricted) applied per namespace, as Kubernetes' built-in PodSecurity
 * plugin does. A namespace opts in with the labels
 * pod-security.kubernetes.io/{enforce,audit,warn}[-version]; enforce refuses
 * a violating pod with 403 Forbidden, warn answers with Warning headers,
 * audit would annotate the audit event (there is no audit log yet). Objects
 * that carry a pod template (Deployments, ReplicaSets, StatefulSets,
 * DaemonSets, Jobs, CronJobs, ReplicationControllers) are never refused:
 * their templates only earn warnings, so that people learn early what the
 * pods they will get would violate.
 *
 * The checks, their order and their wording follow upstream's
 * pod-security-admission policy package at the newest version (clients and
 * people read these messages): each failing check contributes
 * `reason (detail)`, joined with ", ".
 */
#include "apiserver/internal.h"

#define PSA_PREFIX "pod-security.kubernetes.io/"

/* ---- small helpers ------------------------------------------------------ */

static bool jtrue(const json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

static bool jfalse(const json_t *o, const char *key)
{
    return json_is_false(json_object_get(o, key));
}

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A sorted set of strings: a JSON object's keys. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* `"a", "b"` (Go-quoted, ", "-joined) of a set's keys in sorted order. */
static void put_set(cube_buf_t *b, const json_t *set)
{
    size_t n = json_object_size(set), i = 0;
    if (!n)
        return;
    const char **keys = xmalloc(n * sizeof(*keys));
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)set, k, v) keys[i++] = k;
    qsort(keys, n, sizeof(*keys), cmp_str);
    for (i = 0; i < n; i++) {
        if (i)
            cube_buf_puts(b, ", ");
        cube_buf_go_quote(b, keys[i]);
    }
    free(keys);
}

/* `"a", "b"` of an array of strings, in its order. */
static void put_list(cube_buf_t *b, const json_t *list)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (i)
            cube_buf_puts(b, ", ");
        cube_buf_go_quote(b, json_string_value(v));
    }
}

static const char *plural(const char *one, const char *many, size_t n)
{
    return n == 1 ? one : many;
}

/* `container "a"` / `containers "a", "b"` */
static void put_containers(cube_buf_t *b, const json_t *names)
{
    cube_buf_printf(b, "%s ", plural("container", "containers", json_array_size(names)));
    put_list(b, names);
}

/* Calls fn on initContainers, containers, then ephemeralContainers, as upstream visits them. */
typedef void (*visit_fn)(const json_t *c, const char *name, void *arg);
static void visit(const json_t *spec, visit_fn fn, void *arg)
{
    static const char *const kinds[] = {"initContainers", "containers", "ephemeralContainers"};
    for (size_t k = 0; k < 3; k++) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(spec, kinds[k]), i, c)
        {
            const char *name = jstr(c, "name");
            fn(c, name ? name : "", arg);
        }
    }
}

static const json_t *csc(const json_t *c)
{
    return json_object_get(c, "securityContext");
}

static const json_t *psc(const json_t *spec)
{
    return json_object_get(spec, "securityContext");
}

static bool is_windows(const json_t *spec)
{
    const char *os = cube_json_str(spec, "os", "name", NULL);
    return os && !strcmp(os, "windows");
}

/* hostUsers: false (a user namespace) relaxes the root checks, as upstream does. */
static bool user_namespaced(const json_t *spec)
{
    return jfalse(spec, "hostUsers");
}

/* One failing check: reason and detail appended to the aggregate. */
typedef struct result {
    cube_buf_t out;
} result_t;

static void fail(result_t *res, const char *reason, const char *detail)
{
    if (res->out.len)
        cube_buf_puts(&res->out, ", ");
    cube_buf_puts(&res->out, reason);
    if (detail && *detail)
        cube_buf_printf(&res->out, " (%s)", detail);
}

/* Per-container collection: names of containers failing a predicate, and bad values. */
typedef struct collect {
    json_t *names; /* array */
    json_t *values; /* set */
    json_t *names2; /* a second array, for checks with two failure kinds */
    int kind; /* which predicate */
} collect_t;

static void collect_init(collect_t *c, int kind)
{
    c->names = json_array();
    c->values = json_object();
    c->names2 = json_array();
    c->kind = kind;
}

static void collect_done(collect_t *c)
{
    json_decref(c->names);
    json_decref(c->values);
    json_decref(c->names2);
}

static void add_name(json_t *arr, const char *name)
{
    json_array_append_new(arr, json_string(name));
}

static void add_value(json_t *set, const char *v)
{
    json_object_set_new(set, v ? v : "", json_true());
}

/* ---- baseline ----------------------------------------------------------- */

static bool apparmor_ok(const char *profile)
{
    return !profile || !*profile || !strcmp(profile, "runtime/default") ||
           !strncmp(profile, "localhost/", 10);
}

static bool apparmor_type_ok(const json_t *prof)
{
    const char *t = jstr(prof, "type");
    return !prof || !t || strcmp(t, "Unconfined");
}

static void v_apparmor(const json_t *c, const char *name, void *arg)
{
    collect_t *col = arg;
    const json_t *prof = json_object_get(csc(c), "appArmorProfile");
    if (!apparmor_type_ok(prof)) {
        add_name(col->names, name);
        add_value(col->values, jstr(prof, "type"));
    }
}

static void check_apparmor(const json_t *meta, const json_t *spec, result_t *res)
{
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    json_auto_t *bad = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(meta, "annotations"), k, v)
    {
        if (strncmp(k, "container.apparmor.security.beta.kubernetes.io/", 47) ||
            apparmor_ok(json_string_value(v)))
            continue;
        cube_buf_t e = CUBE_BUF_INIT;
        cube_buf_printf(&e, "%s=", k);
        cube_buf_go_quote(&e, json_string_value(v) ? json_string_value(v) : "");
        add_value(bad, e.data);
        cube_buf_clear(&e);
    }
    /* The securityContext.appArmorProfile fields (pod and containers): Unconfined is refused. */
    collect_t col;
    collect_init(&col, 0);
    const json_t *pprof = json_object_get(psc(spec), "appArmorProfile");
    bool pod_bad = !apparmor_type_ok(pprof);
    if (pod_bad)
        add_value(col.values, jstr(pprof, "type"));
    visit(spec, v_apparmor, &col);
    if (json_object_size(bad)) {
        size_t n = json_object_size(bad);
        size_t i = 0;
        const char **keys = xmalloc(n * sizeof(*keys));
        json_object_foreach(bad, k, v) keys[i++] = k;
        qsort(keys, n, sizeof(*keys), cmp_str);
        for (i = 0; i < n; i++)
            cube_buf_printf(&d, "%s%s", i ? ", " : "", keys[i]);
        free(keys);
        fail(res, plural("forbidden AppArmor profile", "forbidden AppArmor profiles", n), d.data);
    } else if (pod_bad || json_array_size(col.names)) {
        if (pod_bad)
            cube_buf_puts(&d, "pod");
        if (json_array_size(col.names)) {
            cube_buf_puts(&d, pod_bad ? " and " : "");
            put_containers(&d, col.names);
        }
        cube_buf_puts(&d, " must not set securityContext.appArmorProfile.type to ");
        put_set(&d, col.values);
        fail(res, "forbidden AppArmor profile", d.data);
    }
    collect_done(&col);
}

static void check_host_namespaces(const json_t *spec, result_t *res)
{
    /* sorted, as upstream lists them */
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    static const char *const ns[] = {"hostIPC", "hostNetwork", "hostPID"};
    for (size_t i = 0; i < 3; i++)
        if (jtrue(spec, ns[i]))
            cube_buf_printf(&d, "%s%s=true", d.len ? ", " : "", ns[i]);
    if (d.len)
        fail(res, "host namespaces", d.data);
}

static void check_host_path(const json_t *spec, result_t *res)
{
    json_auto_t *names = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(spec, "volumes"), i, v) if (json_object_get(v, "hostPath"))
        add_name(names, jstr(v, "name") ? jstr(v, "name") : "");
    if (!json_array_size(names))
        return;
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    cube_buf_printf(&d, "%s ", plural("volume", "volumes", json_array_size(names)));
    put_list(&d, names);
    fail(res, "hostPath volumes", d.data);
}

static void v_host_ports(const json_t *c, const char *name, void *arg)
{
    collect_t *col = arg;
    bool bad = false;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(c, "ports"), i, p)
    {
        json_int_t hp = json_integer_value(json_object_get(p, "hostPort"));
        if (hp) {
            char s[24];
            snprintf(s, sizeof(s), "%lld", (long long)hp);
            add_value(col->values, s);
            bad = true;
        }
    }
    if (bad)
        add_name(col->names, name);
}

static void check_host_ports(const json_t *spec, result_t *res)
{
    collect_t col;
    collect_init(&col, 0);
    visit(spec, v_host_ports, &col);
    size_t n = json_array_size(col.names);
    if (n) {
        _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
        put_containers(&d, col.names);
        cube_buf_printf(&d, " %s %s ", plural("uses", "use", n),
                        plural("hostPort", "hostPorts", json_object_size(col.values)));
        /* upstream lists the ports sorted as strings, unquoted */
        size_t m = json_object_size(col.values), i = 0;
        const char **keys = xmalloc(m * sizeof(*keys));
        const char *k;
        json_t *v;
        json_object_foreach(col.values, k, v) keys[i++] = k;
        qsort(keys, m, sizeof(*keys), cmp_str);
        for (i = 0; i < m; i++)
            cube_buf_printf(&d, "%s%s", i ? ", " : "", keys[i]);
        free(keys);
        fail(res, "hostPort", d.data);
    }
    collect_done(&col);
}

static void v_privileged(const json_t *c, const char *name, void *arg)
{
    if (jtrue(csc(c), "privileged"))
        add_name(((collect_t *)arg)->names, name);
}

static void check_privileged(const json_t *spec, result_t *res)
{
    collect_t col;
    collect_init(&col, 0);
    visit(spec, v_privileged, &col);
    if (json_array_size(col.names)) {
        _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
        put_containers(&d, col.names);
        cube_buf_puts(&d, " must not set securityContext.privileged=true");
        fail(res, "privileged", d.data);
    }
    collect_done(&col);
}

static void v_proc_mount(const json_t *c, const char *name, void *arg)
{
    collect_t *col = arg;
    const char *pm = jstr(csc(c), "procMount");
    if (pm && strcmp(pm, "Default")) {
        add_name(col->names, name);
        add_value(col->values, pm);
    }
}

static void check_proc_mount(const json_t *spec, result_t *res)
{
    collect_t col;
    collect_init(&col, 0);
    visit(spec, v_proc_mount, &col);
    if (json_array_size(col.names)) {
        _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
        put_containers(&d, col.names);
        cube_buf_puts(&d, " must not set securityContext.procMount to ");
        put_set(&d, col.values);
        fail(res, "procMount", d.data);
    }
    collect_done(&col);
}

typedef struct selinux_state {
    json_t *types; /* set */
    bool user, role;
} selinux_state_t;

static bool selinux_ok(const json_t *o, selinux_state_t *st)
{
    bool ok = true;
    const char *t = jstr(o, "type");
    if (t && *t && strcmp(t, "container_t") && strcmp(t, "container_init_t") &&
        strcmp(t, "container_kvm_t")) {
        add_value(st->types, t);
        ok = false;
    }
    const char *u = jstr(o, "user"), *r = jstr(o, "role");
    if (u && *u)
        st->user = true, ok = false;
    if (r && *r)
        st->role = true, ok = false;
    return ok;
}

typedef struct selinux_visit {
    selinux_state_t *st;
    json_t *names;
} selinux_visit_t;

static void v_selinux(const json_t *c, const char *name, void *arg)
{
    selinux_visit_t *sv = arg;
    const json_t *o = json_object_get(csc(c), "seLinuxOptions");
    if (o && !selinux_ok(o, sv->st))
        add_name(sv->names, name);
}

static void check_selinux(const json_t *spec, result_t *res)
{
    json_auto_t *types = json_object();
    json_auto_t *names = json_array();
    selinux_state_t st = {.types = types};
    const json_t *po = json_object_get(psc(spec), "seLinuxOptions");
    bool pod_bad = po && !selinux_ok(po, &st);
    selinux_visit_t sv = {&st, names};
    visit(spec, v_selinux, &sv);
    if (!pod_bad && !json_array_size(names))
        return;
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    if (pod_bad)
        cube_buf_puts(&d, "pod");
    if (json_array_size(names)) {
        cube_buf_puts(&d, pod_bad ? " and " : "");
        put_containers(&d, names);
    }
    cube_buf_puts(&d, " set forbidden securityContext.seLinuxOptions: ");
    bool any = false;
    if (json_object_size(types)) {
        cube_buf_printf(&d, "%s ", plural("type", "types", json_object_size(types)));
        put_set(&d, types);
        any = true;
    }
    if (st.user) {
        cube_buf_printf(&d, "%suser may not be set", any ? "; " : "");
        any = true;
    }
    if (st.role)
        cube_buf_printf(&d, "%srole may not be set", any ? "; " : "");
    fail(res, "seLinuxOptions", d.data);
}

static bool sysctl_safe(const char *name)
{
    static const char *const safe[] = {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    };
    for (size_t i = 0; i < sizeof(safe) / sizeof(*safe); i++)
        if (!strcmp(name, safe[i]))
            return true;
    return false;
}

static void check_sysctls(const json_t *spec, result_t *res)
{
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(psc(spec), "sysctls"), i, s)
    {
        const char *n = jstr(s, "name");
        if (n && !sysctl_safe(n))
            cube_buf_printf(&d, "%s%s", d.len ? ", " : "", n);
    }
    if (d.len)
        fail(res, "forbidden sysctls", d.data);
}

static void v_host_process(const json_t *c, const char *name, void *arg)
{
    if (json_is_true(cube_json_path(csc(c), "windowsOptions", "hostProcess", NULL)))
        add_name(((collect_t *)arg)->names, name);
}

static void check_host_process(const json_t *spec, result_t *res)
{
    bool pod_bad = json_is_true(cube_json_path(psc(spec), "windowsOptions", "hostProcess", NULL));
    collect_t col;
    collect_init(&col, 0);
    visit(spec, v_host_process, &col);
    if (pod_bad || json_array_size(col.names)) {
        _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
        if (pod_bad)
            cube_buf_puts(&d, "pod");
        if (json_array_size(col.names)) {
            cube_buf_puts(&d, pod_bad ? " and " : "");
            put_containers(&d, col.names);
        }
        cube_buf_puts(&d, " must not set securityContext.windowsOptions.hostProcess=true");
        fail(res, "hostProcess", d.data);
    }
    collect_done(&col);
}

static bool cap_default(const char *c)
{
    static const char *const allowed[] = {
        "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",       "MKNOD",
        "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT",
    };
    for (size_t i = 0; i < sizeof(allowed) / sizeof(*allowed); i++)
        if (!strcmp(c, allowed[i]))
            return true;
    return false;
}

/* kind 0: baseline (adds beyond the default set); kind 1: restricted (drop ALL, add only
   NET_BIND_SERVICE). names: missing drop ALL (restricted); names2: adding forbidden ones. */
static void v_caps(const json_t *c, const char *name, void *arg)
{
    collect_t *col = arg;
    const json_t *caps = json_object_get(csc(c), "capabilities");
    if (col->kind == 1) {
        bool dropped = false;
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(caps, "drop"), i,
                           v) if (json_string_value(v) && !strcmp(json_string_value(v), "ALL"))
            dropped = true;
        if (!dropped)
            add_name(col->names, name);
    }
    if (!caps)
        return;
    bool bad = false;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(caps, "add"), i, v)
    {
        const char *cap = json_string_value(v) ? json_string_value(v) : "";
        if (col->kind == 1 ? strcmp(cap, "NET_BIND_SERVICE") != 0 : !cap_default(cap)) {
            add_value(col->values, cap);
            bad = true;
        }
    }
    if (bad)
        add_name(col->names2, name);
}

static void put_forbidden_adds(cube_buf_t *d, const collect_t *col)
{
    put_containers(d, col->names2);
    cube_buf_puts(d, " must not include ");
    put_set(d, col->values);
    cube_buf_puts(d, " in securityContext.capabilities.add");
}

static void check_caps_baseline(const json_t *spec, result_t *res)
{
    collect_t col;
    collect_init(&col, 0);
    visit(spec, v_caps, &col);
    if (json_array_size(col.names2)) {
        _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
        put_forbidden_adds(&d, &col);
        fail(res, "non-default capabilities", d.data);
    }
    collect_done(&col);
}

/* Pod-level and per-container seccompProfile.type; bad(type) says which values fail. */
typedef struct seccomp_visit {
    bool restricted;
    bool pod_set; /* the pod sets a good profile */
    json_t *bad_names, *implicit, *values;
} seccomp_visit_t;

static bool seccomp_bad(bool restricted, const char *type)
{
    if (restricted)
        return !type || (strcmp(type, "RuntimeDefault") && strcmp(type, "Localhost"));
    return type && !strcmp(type, "Unconfined");
}

static void v_seccomp(const json_t *c, const char *name, void *arg)
{
    seccomp_visit_t *sv = arg;
    const json_t *p = json_object_get(csc(c), "seccompProfile");
    if (p) {
        const char *t = jstr(p, "type");
        if (seccomp_bad(sv->restricted, t)) {
            add_name(sv->bad_names, name);
            add_value(sv->values, t);
        }
    } else if (sv->restricted && !sv->pod_set) {
        add_name(sv->implicit, name);
    }
}

static void check_seccomp(const json_t *spec, bool restricted, result_t *res)
{
    json_auto_t *bad = json_array(), *implicit = json_array(), *values = json_object();
    seccomp_visit_t sv = {restricted, false, bad, implicit, values};
    bool pod_bad = false;
    const json_t *p = json_object_get(psc(spec), "seccompProfile");
    if (p) {
        const char *t = jstr(p, "type");
        if (seccomp_bad(restricted, t)) {
            pod_bad = true;
            add_value(values, t);
        } else {
            sv.pod_set = true;
        }
    }
    visit(spec, v_seccomp, &sv);
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    if (pod_bad || json_array_size(bad)) {
        if (pod_bad)
            cube_buf_puts(&d, "pod");
        if (json_array_size(bad)) {
            cube_buf_puts(&d, pod_bad ? " and " : "");
            put_containers(&d, bad);
        }
        cube_buf_puts(&d, " must not set securityContext.seccompProfile.type to ");
        put_set(&d, values);
        fail(res, "seccompProfile", d.data);
    } else if (json_array_size(implicit)) {
        cube_buf_puts(&d, "pod or ");
        put_containers(&d, implicit);
        cube_buf_puts(&d, " must set securityContext.seccompProfile.type to \"RuntimeDefault\" "
                          "or \"Localhost\"");
        fail(res, "seccompProfile", d.data);
    }
}

/* ---- restricted --------------------------------------------------------- */

static void v_ape(const json_t *c, const char *name, void *arg)
{
    if (!jfalse(csc(c), "allowPrivilegeEscalation"))
        add_name(((collect_t *)arg)->names, name);
}

static void check_allow_privilege_escalation(const json_t *spec, result_t *res)
{
    collect_t col;
    collect_init(&col, 0);
    visit(spec, v_ape, &col);
    if (json_array_size(col.names)) {
        _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
        put_containers(&d, col.names);
        cube_buf_puts(&d, " must set securityContext.allowPrivilegeEscalation=false");
        fail(res, "allowPrivilegeEscalation != false", d.data);
    }
    collect_done(&col);
}

static void check_caps_restricted(const json_t *spec, result_t *res)
{
    collect_t col;
    collect_init(&col, 1);
    visit(spec, v_caps, &col);
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    if (json_array_size(col.names)) {
        put_containers(&d, col.names);
        cube_buf_puts(&d, " must set securityContext.capabilities.drop=[\"ALL\"]");
    }
    if (json_array_size(col.names2)) {
        if (d.len)
            cube_buf_puts(&d, "; ");
        put_forbidden_adds(&d, &col);
    }
    if (d.len)
        fail(res, "unrestricted capabilities", d.data);
    collect_done(&col);
}

static const char *volume_type(const json_t *vol)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)vol, k, v) if (strcmp(k, "name")) return k;
    return "";
}

static void check_restricted_volumes(const json_t *spec, result_t *res)
{
    static const char *const ok[] = {"configMap", "csi",       "downwardAPI",
                                     "emptyDir",  "ephemeral", "persistentVolumeClaim",
                                     "projected", "secret"};
    json_auto_t *names = json_array(), *types = json_object();
    size_t i;
    json_t *vol;
    json_array_foreach(json_object_get(spec, "volumes"), i, vol)
    {
        const char *t = volume_type(vol);
        bool good = false;
        for (size_t j = 0; j < sizeof(ok) / sizeof(*ok); j++)
            good = good || !strcmp(t, ok[j]);
        if (good)
            continue;
        add_name(names, jstr(vol, "name") ? jstr(vol, "name") : "");
        add_value(types, t);
    }
    size_t n = json_array_size(names);
    if (!n)
        return;
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    cube_buf_printf(&d, "%s ", plural("volume", "volumes", n));
    put_list(&d, names);
    cube_buf_printf(
        &d, " %s %s ", plural("uses", "use", n),
        plural("restricted volume type", "restricted volume types", json_object_size(types)));
    put_set(&d, types);
    fail(res, "restricted volume types", d.data);
}

typedef struct nonroot_visit {
    bool pod_nonroot;
    json_t *bad, *implicit;
} nonroot_visit_t;

static void v_nonroot(const json_t *c, const char *name, void *arg)
{
    nonroot_visit_t *nv = arg;
    json_t *v = json_object_get(csc(c), "runAsNonRoot");
    if (json_is_boolean(v)) {
        if (json_is_false(v))
            add_name(nv->bad, name);
    } else if (!nv->pod_nonroot) {
        add_name(nv->implicit, name);
    }
}

static void check_run_as_non_root(const json_t *spec, result_t *res)
{
    if (user_namespaced(spec))
        return;
    json_auto_t *bad = json_array(), *implicit = json_array();
    nonroot_visit_t nv = {false, bad, implicit};
    json_t *pv = json_object_get(psc(spec), "runAsNonRoot");
    bool pod_bad = json_is_false(pv);
    nv.pod_nonroot = json_is_true(pv);
    visit(spec, v_nonroot, &nv);
    _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
    if (pod_bad || json_array_size(bad)) {
        if (pod_bad)
            cube_buf_puts(&d, "pod");
        if (json_array_size(bad)) {
            cube_buf_puts(&d, pod_bad ? " and " : "");
            put_containers(&d, bad);
        }
        cube_buf_puts(&d, " must not set securityContext.runAsNonRoot=false");
        fail(res, "runAsNonRoot != true", d.data);
    } else if (json_array_size(implicit)) {
        cube_buf_puts(&d, "pod or ");
        put_containers(&d, implicit);
        cube_buf_puts(&d, " must set securityContext.runAsNonRoot=true");
        fail(res, "runAsNonRoot != true", d.data);
    }
}

static bool is_root(const json_t *sc)
{
    json_t *u = json_object_get(sc, "runAsUser");
    return json_is_integer(u) && json_integer_value(u) == 0;
}

static void v_run_as_user(const json_t *c, const char *name, void *arg)
{
    if (is_root(csc(c)))
        add_name(((collect_t *)arg)->names, name);
}

static void check_run_as_user(const json_t *spec, result_t *res)
{
    if (user_namespaced(spec))
        return;
    bool pod_bad = is_root(psc(spec));
    collect_t col;
    collect_init(&col, 0);
    visit(spec, v_run_as_user, &col);
    if (pod_bad || json_array_size(col.names)) {
        _cleanup_buf_ cube_buf_t d = CUBE_BUF_INIT;
        if (pod_bad)
            cube_buf_puts(&d, "pod");
        if (json_array_size(col.names)) {
            cube_buf_puts(&d, pod_bad ? " and " : "");
            put_containers(&d, col.names);
        }
        cube_buf_puts(&d, " must not set runAsUser=0");
        fail(res, "runAsUser=0", d.data);
    }
    collect_done(&col);
}

/* ---- evaluation ----------------------------------------------------------- */

int cube_psa_level_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "privileged"))
        return CUBE_PSA_PRIVILEGED;
    if (!strcmp(s, "baseline"))
        return CUBE_PSA_BASELINE;
    if (!strcmp(s, "restricted"))
        return CUBE_PSA_RESTRICTED;
    return -1;
}

const char *cube_psa_level_name(cube_psa_level_t level)
{
    switch (level) {
    case CUBE_PSA_BASELINE:
        return "baseline";
    case CUBE_PSA_RESTRICTED:
        return "restricted";
    default:
        return "privileged";
    }
}

char *cube_psa_evaluate(cube_psa_level_t level, const json_t *meta, const json_t *spec)
{
    if (level == CUBE_PSA_PRIVILEGED || !spec)
        return NULL;
    result_t res = {CUBE_BUF_INIT};
    /* baseline checks, in upstream's registration order */
    check_apparmor(meta, spec, &res);
    check_host_namespaces(spec, &res);
    check_host_path(spec, &res);
    check_host_ports(spec, &res);
    check_privileged(spec, &res);
    check_proc_mount(spec, &res);
    check_selinux(spec, &res);
    check_sysctls(spec, &res);
    check_host_process(spec, &res);
    if (level == CUBE_PSA_BASELINE) {
        /* baseline checks that their restricted versions supersede */
        check_caps_baseline(spec, &res);
        check_seccomp(spec, false, &res);
    } else {
        bool win = is_windows(spec);
        if (!win)
            check_allow_privilege_escalation(spec, &res);
        if (!win)
            check_caps_restricted(spec, &res);
        check_restricted_volumes(spec, &res);
        check_run_as_non_root(spec, &res);
        check_run_as_user(spec, &res);
        if (!win)
            check_seccomp(spec, true, &res);
    }
    if (!res.out.len) {
        cube_buf_clear(&res.out);
        return NULL;
    }
    return cube_buf_steal(&res.out, NULL);
}

/* ---- admission ------------------------------------------------------------ */

/* One mode's policy from the namespace labels: level and version ("latest" when unset). An
   unknown level counts as restricted, as upstream falls back to the most restrictive. */
typedef struct psa_policy {
    cube_psa_level_t level;
    char version[32];
} psa_policy_t;

static void policy_for(const json_t *labels, const char *mode, psa_policy_t *p)
{
    char key[96];
    snprintf(key, sizeof(key), PSA_PREFIX "%s", mode);
    const char *lv = jstr(labels, key);
    int level = lv ? cube_psa_level_parse(lv) : CUBE_PSA_PRIVILEGED;
    p->level = level < 0 ? CUBE_PSA_RESTRICTED : (cube_psa_level_t)level;
    snprintf(key, sizeof(key), PSA_PREFIX "%s-version", mode);
    const char *ver = jstr(labels, key);
    snprintf(p->version, sizeof(p->version), "%s", ver && *ver ? ver : "latest");
}

static bool policy_eq(const psa_policy_t *a, const psa_policy_t *b)
{
    return a->level == b->level && !strcmp(a->version, b->version);
}

/* The namespace's labels (a new reference), or NULL when it is not in the cache. */
static json_t *namespace_labels(cube_apiserver_t *srv, const char *ns)
{
    const cube_resource_t *nsr = cube_api_resource_find("", "v1", "namespaces");
    _cleanup_free_ char *key = cube_key(nsr, NULL, ns);
    cube_obj_t *o = cube_cache_get(srv->cache, key);
    if (!o)
        return NULL;
    json_auto_t *nsobj = json_loadb(o->json->data, o->json->len, 0, NULL);
    cube_obj_unref(o);
    json_t *labels = cube_json_path(nsobj, "metadata", "labels", NULL);
    return labels ? json_incref(labels) : NULL;
}

/* The pod template an object carries: its metadata and spec (borrowed), or false. */
static bool template_of(const cube_resource_t *r, const json_t *obj, const json_t **meta,
                        const json_t **spec)
{
    const json_t *tpl = NULL;
    if (!strcmp(r->group, "") && !strcmp(r->plural, "pods")) {
        *meta = json_object_get(obj, "metadata");
        *spec = json_object_get(obj, "spec");
        return true;
    }
    if (!strcmp(r->group, "batch") && !strcmp(r->plural, "cronjobs"))
        tpl = cube_json_path(obj, "spec", "jobTemplate", "spec", "template", NULL);
    else if ((!strcmp(r->group, "") && !strcmp(r->plural, "replicationcontrollers")) ||
             (!strcmp(r->group, "batch") && !strcmp(r->plural, "jobs")) ||
             (!strcmp(r->group, "apps") &&
              (!strcmp(r->plural, "deployments") || !strcmp(r->plural, "replicasets") ||
               !strcmp(r->plural, "statefulsets") || !strcmp(r->plural, "daemonsets"))))
        tpl = cube_json_path(obj, "spec", "template", NULL);
    else
        return false;
    *meta = json_object_get(tpl, "metadata");
    *spec = json_object_get(tpl, "spec");
    return *spec != NULL;
}

/* Whether a pod update can change what the checks see: any spec change but container images
   (upstream's isSignificantPodUpdate); metadata-only and image-only updates are exempt. */
static bool significant_update(const json_t *obj, const json_t *old)
{
    json_auto_t *a = json_deep_copy(json_object_get(obj, "spec"));
    json_auto_t *b = json_deep_copy(json_object_get(old, "spec"));
    static const char *const kinds[] = {"initContainers", "containers", "ephemeralContainers"};
    json_t *specs[2] = {a, b};
    for (size_t s = 0; s < 2; s++)
        for (size_t k = 0; k < 3; k++) {
            size_t i;
            json_t *c;
            json_array_foreach(json_object_get(specs[s], kinds[k]), i, c)
                json_object_del(c, "image");
        }
    if (!json_equal(a, b))
        return true;
    /* the AppArmor annotations are part of what baseline checks */
    const json_t *an = cube_json_path(obj, "metadata", "annotations", NULL);
    const json_t *ao = cube_json_path(old, "metadata", "annotations", NULL);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)an, k,
                        v) if (!strncmp(k, "container.apparmor.security.beta.kubernetes.io/", 47) &&
                               !json_equal(v, json_object_get(ao, k))) return true;
    return false;
}

static void warn_text(json_t *warnings, const psa_policy_t *p, const char *detail)
{
    if (!warnings)
        return;
    _cleanup_free_ char *t = xasprintf("would violate PodSecurity \"%s:%s\": %s",
                                       cube_psa_level_name(p->level), p->version, detail);
    json_array_append_new(warnings, json_string(t));
}

int cube_podsecurity_admit(cube_apiserver_t *srv, const cube_resource_t *r, cube_api_op_t op,
                           const json_t *obj, const json_t *old, json_t *warnings, cube_err_t *err)
{
    const json_t *meta, *spec;
    if (!r->namespaced || !template_of(r, obj, &meta, &spec))
        return 0;
    bool pod = !strcmp(r->group, "") && !strcmp(r->plural, "pods");
    if (op == CUBE_OP_UPDATE_STATUS)
        return 0;
    if (op == CUBE_OP_UPDATE && (!pod || (old && !significant_update(obj, old))))
        return 0;
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    if (!ns || !*ns)
        return 0;
    json_auto_t *labels = namespace_labels(srv, ns);
    if (!labels)
        return 0;
    return cube_podsecurity_check(labels, pod, cube_json_str(obj, "metadata", "name", NULL), meta,
                                  spec, warnings, err);
}

int cube_podsecurity_check(const json_t *labels, bool pod, const char *name, const json_t *meta,
                           const json_t *spec, json_t *warnings, cube_err_t *err)
{
    psa_policy_t enforce, warn;
    policy_for(labels, "enforce", &enforce);
    policy_for(labels, "warn", &warn);
    /* audit: would annotate the audit event; there is no audit log yet */
    int rc = 0;
    _cleanup_free_ char *e = cube_psa_evaluate(enforce.level, meta, spec);
    if (e && pod) {
        cube_err_set(err, 403, "Forbidden",
                     "pods \"%s\" is forbidden: violates PodSecurity \"%s:%s\": %s",
                     name ? name : "", cube_psa_level_name(enforce.level), enforce.version, e);
        err->details = json_pack("{s:s, s:s}", "name", name ? name : "", "kind", "pods");
        rc = -1;
    } else if (e) { /* a template: its pods would be refused; say so now */
        warn_text(warnings, &enforce, e);
    }
    if (!policy_eq(&warn, &enforce)) {
        _cleanup_free_ char *w = cube_psa_evaluate(warn.level, meta, spec);
        if (w)
            warn_text(warnings, &warn, w);
    }
    return rc;
}
