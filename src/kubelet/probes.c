/*
 * Container probes (pkg/kubelet/prober): startup, liveness and readiness,
 * each by exec (ExecSync in the container), httpGet (libcurl against the pod
 * IP) or tcpSocket (a connect), with initialDelaySeconds, periodSeconds,
 * timeoutSeconds and the success/failure thresholds. Readiness results feed
 * the pod status (Ready and ContainersReady); a liveness or startup probe
 * that fails past its threshold stops the container, and the pod worker
 * restarts it by the restart policy, with the crash-loop backoff, exactly
 * as if it had exited on its own.
 *
 * One prober thread walks the informer's pods every 200 ms and runs the
 * probes that are due; results live in k->probes ("uid/container/kind" ->
 * {cid, ok, fail, result, next}) under k->lock.
 */
#include "kubelet/internal.h"

#include "grpc/grpc.h"
#include "health.pb-c.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int probe_int(const json_t *probe, const char *key, int dflt)
{
    json_t *v = json_object_get(probe, key);
    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

/* A named or numeric port of container c. */
static int resolve_port(const json_t *c, const json_t *port)
{
    if (json_is_integer(port))
        return (int)json_integer_value(port);
    const char *name = json_string_value(port);
    if (!name)
        return -1;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(c, "ports"), i, p)
    {
        if (!strcmp(cube_json_str(p, "name", NULL) ?: "", name))
            return (int)json_integer_value(json_object_get(p, "containerPort"));
    }
    char *end;
    long v = strtol(name, &end, 10);
    return *end ? -1 : (int)v;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

static bool http_probe(const json_t *get, const json_t *c, const char *pod_ip, int timeout_s,
                       char *msg, size_t msglen)
{
    const char *host = cube_json_str(get, "host", NULL);
    if (!host || !*host)
        host = pod_ip;
    int port = resolve_port(c, json_object_get(get, "port"));
    const char *path = cube_json_str(get, "path", NULL) ?: "/";
    const char *scheme = cube_json_str(get, "scheme", NULL) ?: "HTTP";
    if (!host || port <= 0) {
        snprintf(msg, msglen, "no address to probe");
        return false;
    }
    _cleanup_free_ char *url =
        xasprintf("%s://%s:%d%s%s", !strcmp(scheme, "HTTPS") ? "https" : "http", host, port,
                  path[0] == '/' ? "" : "/", path);
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(msg, msglen, "curl init failed");
        return false;
    }
    struct curl_slist *hdrs = curl_slist_append(NULL, "User-Agent: kube-probe/1.32");
    size_t i;
    json_t *hd;
    json_array_foreach(json_object_get(get, "httpHeaders"), i, hd)
    {
        _cleanup_free_ char *line = xasprintf("%s: %s", cube_json_str(hd, "name", NULL) ?: "",
                                              cube_json_str(hd, "value", NULL) ?: "");
        hdrs = curl_slist_append(hdrs, line);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_s * 1000);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        snprintf(msg, msglen, "Get \"%s\": %s", url, curl_easy_strerror(rc));
        return false;
    }
    if (code < 200 || code >= 400) {
        snprintf(msg, msglen, "HTTP probe failed with statuscode: %ld", code);
        return false;
    }
    return true;
}

static bool tcp_probe(const json_t *tcp, const json_t *c, const char *pod_ip, int timeout_s,
                      char *msg, size_t msglen)
{
    const char *host = cube_json_str(tcp, "host", NULL);
    if (!host || !*host)
        host = pod_ip;
    int port = resolve_port(c, json_object_get(tcp, "port"));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (!host || port <= 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        snprintf(msg, msglen, "no address to probe");
        return false;
    }
    _cleanup_close_ int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(msg, msglen, "socket: %s", strerror(errno));
        return false;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
        return true;
    if (errno != EINPROGRESS) {
        snprintf(msg, msglen, "dial tcp %s:%d: connect: %s", host, port, strerror(errno));
        return false;
    }
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    if (poll(&p, 1, timeout_s * 1000) != 1) {
        snprintf(msg, msglen, "dial tcp %s:%d: i/o timeout", host, port);
        return false;
    }
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr) {
        snprintf(msg, msglen, "dial tcp %s:%d: connect: %s", host, port, strerror(soerr));
        return false;
    }
    return true;
}

static bool exec_probe(kubelet_t *k, const json_t *ex, const char *cid, int timeout_s, char *msg,
                       size_t msglen)
{
    json_t *cmd = json_object_get(ex, "command");
    size_t n = json_array_size(cmd);
    if (!n) {
        snprintf(msg, msglen, "exec probe without a command");
        return false;
    }
    _cleanup_free_ const char **argv = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        argv[i] = json_string_value(json_array_get(cmd, i)) ?: "";
    _cleanup_cri_ Runtime__V1__ExecSyncResponse *resp = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_cri_exec_sync(k->cri, cid, argv, timeout_s, &resp, &err) < 0) {
        snprintf(msg, msglen, "%s", err.msg);
        return false;
    }
    if (resp->exit_code != 0) {
        size_t ol = resp->stdout.len;
        snprintf(msg, msglen, "%.*s", (int)(ol > 200 ? 200 : ol), (const char *)resp->stdout.data);
        if (!msg[0])
            snprintf(msg, msglen, "command exited with %d", resp->exit_code);
        return false;
    }
    return true;
}

bool kl_grpc_probe(const char *host, int port, const char *service, int timeout_s, char *msg,
                   size_t msglen)
{
    _cleanup_free_ char *target =
        strchr(host, ':') ? xasprintf("[%s]:%d", host, port) : xasprintf("%s:%d", host, port);
    _cleanup_free_ char *shown = xasprintf("%s:%d", host, port);
    cube_grpc_conn_t *c = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_grpc_conn_new(target, &c, &err) < 0) {
        snprintf(msg, msglen, "error: health rpc probe failed: %s", err.msg);
        return false;
    }
    Grpc__Health__V1__HealthCheckRequest req = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
    req.service = (char *)(service ? service : "");
    Grpc__Health__V1__HealthCheckResponse *resp = NULL;
    int rc = cube_grpc_call(c, "/grpc.health.v1.Health/Check", &req.base,
                            &grpc__health__v1__health_check_response__descriptor, timeout_s * 1000,
                            (ProtobufCMessage **)&resp, &err);
    cube_grpc_conn_free(c);
    if (rc < 0) {
        int st = cube_grpc_err_status(&err);
        if (st == CUBE_GRPC_UNAVAILABLE)
            snprintf(msg, msglen, "timeout: failed to connect service \"%s\" within %ds: %s", shown,
                     timeout_s, err.msg);
        else if (st == CUBE_GRPC_UNIMPLEMENTED)
            snprintf(msg, msglen,
                     "this server does not implement the grpc health protocol "
                     "(grpc.health.v1.Health): %s",
                     err.msg);
        else if (st == CUBE_GRPC_DEADLINE_EXCEEDED)
            snprintf(msg, msglen, "timeout: health rpc did not complete within %ds", timeout_s);
        else
            snprintf(msg, msglen, "error: health rpc probe failed: %s", err.msg);
        return false;
    }
    bool ok = resp->status == GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
    if (!ok) {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
            &grpc__health__v1__health_check_response__serving_status__descriptor, resp->status);
        snprintf(msg, msglen, "service unhealthy (responded with \"%s\")", v ? v->name : "UNKNOWN");
    }
    grpc__health__v1__health_check_response__free_unpacked(resp, NULL);
    return ok;
}

/* Runs one probe; true on success, msg says why not. */
static bool run_probe(kubelet_t *k, const json_t *probe, const json_t *c, const char *cid,
                      const char *pod_ip, char *msg, size_t msglen)
{
    int timeout = probe_int(probe, "timeoutSeconds", 1);
    json_t *h;
    if ((h = json_object_get(probe, "exec")))
        return exec_probe(k, h, cid, timeout, msg, msglen);
    if ((h = json_object_get(probe, "httpGet")))
        return http_probe(h, c, pod_ip, timeout, msg, msglen);
    if ((h = json_object_get(probe, "tcpSocket")))
        return tcp_probe(h, c, pod_ip, timeout, msg, msglen);
    if ((h = json_object_get(probe, "grpc"))) {
        if (!pod_ip) {
            snprintf(msg, msglen, "no address to probe");
            return false;
        }
        return kl_grpc_probe(pod_ip, (int)json_integer_value(json_object_get(h, "port")),
                             cube_json_str(h, "service", NULL), timeout, msg, msglen);
    }
    snprintf(msg, msglen, "unsupported probe handler");
    return false;
}

/* ---- lifecycle hooks (pkg/kubelet/lifecycle) ----------------------------------------- */

/* "name_namespace(uid)", the way the kubelet names a pod in its messages. */
static char *pod_desc(const json_t *pod)
{
    return xasprintf("%s_%s(%s)", cube_json_str(pod, "metadata", "name", NULL) ?: "",
                     cube_json_str(pod, "metadata", "namespace", NULL) ?: "",
                     cube_json_str(pod, "metadata", "uid", NULL) ?: "");
}

int kl_run_hook(kubelet_t *k, const json_t *pod, const json_t *c, const char *cid,
                const json_t *handler, int timeout_s, char *msg, size_t msglen)
{
    const char *name = cube_json_str(c, "name", NULL) ?: "";
    const char *pod_ip = cube_json_str(pod, "status", "podIP", NULL);
    _cleanup_free_ char *who = pod_desc(pod);
    char why[400] = "";
    json_t *h;
    if (timeout_s < 1)
        timeout_s = 1;
    if ((h = json_object_get(handler, "exec"))) {
        if (exec_probe(k, h, cid, timeout_s, why, sizeof(why)))
            return 0;
        _cleanup_free_ char *cmd = json_dumps(json_object_get(h, "command"), JSON_COMPACT);
        snprintf(msg, msglen,
                 "Exec lifecycle hook (%s) for Container \"%s\" in Pod \"%s\" failed - error: %s",
                 cmd ?: "[]", name, who, why);
        return -1;
    }
    if ((h = json_object_get(handler, "httpGet"))) {
        if (http_probe(h, c, pod_ip, timeout_s, why, sizeof(why)))
            return 0;
        snprintf(msg, msglen,
                 "HTTP lifecycle hook (%s) for Container \"%s\" in Pod \"%s\" failed - error: %s",
                 cube_json_str(h, "path", NULL) ?: "/", name, who, why);
        return -1;
    }
    if ((h = json_object_get(handler, "tcpSocket"))) {
        /* deprecated for hooks and never run by the kubelet; accepted for compatibility */
        return 0;
    }
    if ((h = json_object_get(handler, "sleep"))) {
        int64_t secs = json_integer_value(json_object_get(h, "seconds"));
        int64_t until = wall_ms() + (secs < timeout_s ? secs : timeout_s) * 1000;
        while (wall_ms() < until && !atomic_load(k->stop))
            usleep(50 * 1000);
        return 0;
    }
    snprintf(msg, msglen, "Unknown handler for Container \"%s\" in Pod \"%s\"", name, who);
    return -1;
}

static const char *const kinds[] = {"startup", "liveness", "readiness"};

/* The probes of one running container. */
static void probe_container(kubelet_t *k, const json_t *pod, const json_t *c, const json_t *cs,
                            const char *key)
{
    const char *uid = cube_json_str(pod, "metadata", "uid", NULL);
    const char *name = cube_json_str(c, "name", NULL);
    const char *full = cube_json_str(cs, "containerID", NULL);
    const char *started = cube_json_str(cs, "state", "running", "startedAt", NULL);
    if (!uid || !name || !full || !started)
        return;
    const char *cid = strstr(full, "://") ? strstr(full, "://") + 3 : full;
    time_t t0 = 0;
    cube_time_parse(started, &t0);
    const char *pod_ip = cube_json_str(pod, "status", "podIP", NULL);
    bool startup_ok = true;
    for (size_t kind = 0; kind < 3; kind++) {
        _cleanup_free_ char *field = xasprintf("%sProbe", kinds[kind]);
        json_t *probe = json_object_get(c, field);
        if (!probe)
            continue;
        if (kind > 0 && !startup_ok)
            break;
        _cleanup_free_ char *pkey = xasprintf("%s/%s/%s", uid, name, kinds[kind]);
        int64_t now = wall_ms();
        pthread_mutex_lock(&k->lock);
        json_t *e = json_object_get(k->probes, pkey);
        if (!e || strcmp(cube_json_str(e, "cid", NULL) ?: "", cid)) {
            int64_t first = (int64_t)t0 * 1000 + probe_int(probe, "initialDelaySeconds", 0) * 1000;
            e = json_pack("{s:s,s:i,s:i,s:n,s:I}", "cid", cid, "ok", 0, "fail", 0, "result", "next",
                          (json_int_t)first);
            json_object_set_new(k->probes, pkey, e);
        }
        int64_t next = json_integer_value(json_object_get(e, "next"));
        bool prev_result = json_is_true(json_object_get(e, "result"));
        bool done_startup = kind == 0 && prev_result;
        pthread_mutex_unlock(&k->lock);
        if (done_startup)
            continue; /* startup probes stop once they succeeded */
        if (now < next) {
            if (kind == 0)
                startup_ok = false;
            continue;
        }
        char msg[512] = "";
        bool ok = run_probe(k, probe, c, cid, pod_ip, msg, sizeof(msg));
        int period = probe_int(probe, "periodSeconds", 10);
        int succ_th = probe_int(probe, "successThreshold", 1);
        int fail_th = probe_int(probe, "failureThreshold", 3);
        bool flipped = false, failed_out = false;
        pthread_mutex_lock(&k->lock);
        e = json_object_get(k->probes, pkey);
        if (e) {
            int oks = ok ? (int)json_integer_value(json_object_get(e, "ok")) + 1 : 0;
            int fails = ok ? 0 : (int)json_integer_value(json_object_get(e, "fail")) + 1;
            json_object_set_new(e, "ok", json_integer(oks));
            json_object_set_new(e, "fail", json_integer(fails));
            json_t *res = json_object_get(e, "result");
            if (ok && oks >= succ_th && !json_is_true(res)) {
                json_object_set_new(e, "result", json_true());
                flipped = true;
            } else if (!ok && fails >= fail_th && !json_is_false(res)) {
                json_object_set_new(e, "result", json_false());
                flipped = true;
                failed_out = true;
            }
            json_object_set_new(e, "next", json_integer(wall_ms() + period * 1000));
        }
        pthread_mutex_unlock(&k->lock);
        if (!ok) {
            const char *kn = kind == 0 ? "Startup" : kind == 1 ? "Liveness" : "Readiness";
            cube_recorder_event(k->rec, pod, "Warning", "Unhealthy", "%s probe failed: %s", kn,
                                msg);
            cube_log_v(2, "%s probe of %s/%s failed: %s", kn, key, name, msg);
        }
        if (kind == 0 && !(ok && flipped))
            startup_ok = false;
        if (failed_out && kind < 2) {
            cube_recorder_event(k->rec, pod, "Normal", "Killing",
                                "Container %s failed %s probe, will be restarted", name,
                                kinds[kind]);
            cube_log_info("Container \"%s\" of pod \"%s\" failed its %s probe: restarting", name,
                          key, kinds[kind]);
            json_int_t grace = json_integer_value(
                cube_json_path(pod, "spec", "terminationGracePeriodSeconds", NULL));
            cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
            if (cube_cri_stop_container(k->cri, cid, grace, &err) < 0)
                cube_log_warn("stopping container %s: %s", cid, err.msg);
            pthread_mutex_lock(&k->lock);
            json_object_del(k->probes, pkey);
            pthread_mutex_unlock(&k->lock);
            cube_workqueue_add(k->queue, key);
            return;
        }
        if (flipped || kind == 0)
            cube_workqueue_add(k->queue, key);
    }
}

void kl_probe_all(kubelet_t *k)
{
    json_t **pods = NULL;
    size_t n = cube_informer_list(k->pods, &pods);
    for (size_t i = 0; i < n && !atomic_load(k->stop); i++) {
        const json_t *pod = pods[i];
        if (cube_json_str(pod, "metadata", "deletionTimestamp", NULL))
            continue;
        /* a mirror pod's probes belong to its static pod: the same spec, the static uid */
        json_auto_t *as_static = NULL;
        if (kl_mirror_hash(pod)) {
            as_static = json_deep_copy(pod);
            json_object_set_new(json_object_get(as_static, "metadata"), "uid",
                                json_string(kl_mirror_hash(pod)));
            pod = as_static;
        }
        _cleanup_free_ char *key = cube_object_key(pod);
        size_t j;
        json_t *cs;
        json_array_foreach(cube_json_path(pod, "status", "containerStatuses", NULL), j, cs)
        {
            if (!cube_json_path(cs, "state", "running", NULL))
                continue;
            const char *name = cube_json_str(cs, "name", NULL);
            size_t m;
            json_t *c;
            json_array_foreach(cube_json_path(pod, "spec", "containers", NULL), m, c)
            {
                if (name && !strcmp(cube_json_str(c, "name", NULL) ?: "", name))
                    probe_container(k, pod, c, cs, key);
            }
        }
    }
    cube_json_refs_free(pods, n);
}

void kl_probe_ready(kubelet_t *k, const char *uid, kl_pod_state_t *s)
{
    json_decref(s->ready);
    s->ready = json_object();
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < s->nctrs; i++) {
        const kl_ctr_t *c = &s->ctrs[i];
        if (c->state != RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING)
            continue;
        _cleanup_free_ char *pkey = xasprintf("%s/%s/readiness", uid, c->name);
        json_t *e = json_object_get(k->probes, pkey);
        if (e && !strcmp(cube_json_str(e, "cid", NULL) ?: "", c->id) &&
            json_is_true(json_object_get(e, "result")))
            json_object_set_new(s->ready, c->name, json_true());
    }
    pthread_mutex_unlock(&k->lock);
}

void kl_probes_forget(kubelet_t *k, const char *uid)
{
    size_t ul = strlen(uid);
    pthread_mutex_lock(&k->lock);
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(k->probes, tmp, key, v)
    {
        if (!strncmp(key, uid, ul) && key[ul] == '/')
            json_object_del(k->probes, key);
    }
    pthread_mutex_unlock(&k->lock);
}
