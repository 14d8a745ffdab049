/*
 * pods/log: the API server side of `kubectl logs` (pkg/registry/core/pod/rest/log.go). The
 * request is checked as Kubernetes checks it (which container, whether the pod has a node),
 * then passed to the kubelet of the pod's node, /containerLogs/<ns>/<pod>/<container> on its
 * daemon endpoint, with the API server's kubelet client certificate; the kubelet's answer is
 * relayed as it comes, chunk by chunk when the client follows. The kubelet's serving
 * certificate is not verified, as Kubernetes does not verify it without
 * --kubelet-certificate-authority.
 *
 * Each request runs on a thread of its own: a followed log may stream for hours and must not
 * hold a write worker.
 */
#include "apiserver/internal.h"

#include <curl/curl.h>
#include <pthread.h>

/* The query parameters passed on to the kubelet, as Kubernetes passes them. */
static const char *const passed[] = {"follow",     "previous",  "sinceSeconds", "sinceTime",
                                     "timestamps", "tailLines", "limitBytes"};

typedef struct job {
    cube_reqctx_t *ctx;
    char *url;
    bool follow;
    cube_http_stream_t *stream; /* once the kubelet's answer started, when following */
    cube_buf_t body; /* the answer, when not following */
    long status;
} job_t;

/* The container the request names, or the pod's only one; NULL with err (400) otherwise. */
static const char *pick_container(const json_t *pod, const char *want, cube_err_t *err)
{
    const char *name = cube_json_str(pod, "metadata", "name", NULL);
    json_t *cs = cube_json_path(pod, "spec", "containers", NULL);
    json_t *ics = cube_json_path(pod, "spec", "initContainers", NULL);
    json_t *ecs = cube_json_path(pod, "spec", "ephemeralContainers", NULL);
    size_t i;
    json_t *c;
    if (want && *want) {
        json_t *lists[] = {cs, ics, ecs};
        for (size_t l = 0; l < 3; l++)
            json_array_foreach(lists[l], i, c) if (!strcmp(cube_json_str(c, "name", NULL) ?: "",
                                                           want)) return want;
        cube_err_badrequest(err, "container %s is not valid for pod %s", want, name);
        return NULL;
    }
    if (json_array_size(cs) == 1)
        return cube_json_str(json_array_get(cs, 0), "name", NULL);
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b, "a container name must be specified for pod %s, choose one of: [", name);
    json_array_foreach(cs, i, c)
        cube_buf_printf(&b, "%s%s", i ? " " : "", cube_json_str(c, "name", NULL) ?: "");
    cube_buf_puts(&b, "]");
    if (json_array_size(ics)) {
        cube_buf_puts(&b, " or one of the init containers: [");
        json_array_foreach(ics, i, c)
            cube_buf_printf(&b, "%s%s", i ? " " : "", cube_json_str(c, "name", NULL) ?: "");
        cube_buf_puts(&b, "]");
    }
    cube_err_badrequest(err, "%s", b.data);
    cube_buf_clear(&b);
    return NULL;
}

/* The kubelet's address for node: its InternalIP (else its first address) and daemon port. */
static char *kubelet_base(cube_apiserver_t *srv, const char *node, cube_err_t *err)
{
    json_auto_t *n = NULL;
    if (cube_read_object(srv, cube_api_resource_find("", "v1", "nodes"), NULL, node, &n, NULL,
                         err) < 0)
        return NULL;
    const char *addr = NULL;
    size_t i;
    json_t *a;
    json_array_foreach(cube_json_path(n, "status", "addresses", NULL), i, a)
    {
        const char *type = cube_json_str(a, "type", NULL) ?: "";
        if (!addr || !strcmp(type, "InternalIP"))
            addr = cube_json_str(a, "address", NULL);
        if (!strcmp(type, "InternalIP"))
            break;
    }
    json_int_t port = json_integer_value(
        cube_json_path(n, "status", "daemonEndpoints", "kubeletEndpoint", "Port", NULL));
    if (!addr || port <= 0) {
        cube_err_set(err, 400, "BadRequest", "node %s has no kubelet address", node);
        return NULL;
    }
    return strchr(addr, ':') ? xasprintf("https://[%s]:%lld", addr, (long long)port)
                             : xasprintf("https://%s:%lld", addr, (long long)port);
}

/* Builds the kubelet URL for the request; NULL with err when the request is refused. */
static char *kubelet_url(cube_reqctx_t *ctx, bool *follow, cube_err_t *err)
{
    json_auto_t *pod = NULL;
    if (cube_read_object(ctx->srv, ctx->res, ctx->ns, ctx->name, &pod, NULL, err) < 0)
        return NULL;
    _cleanup_free_ char *want = cube_reqctx_param(ctx, "container");
    const char *container = pick_container(pod, want, err);
    if (!container)
        return NULL;
    const char *node = cube_json_str(pod, "spec", "nodeName", NULL);
    if (!node || !*node) {
        cube_err_badrequest(err, "pod %s does not have a host assigned", ctx->name);
        return NULL;
    }
    if (!ctx->srv->kubelet_client_crt) {
        cube_err_internal(err, "no kubelet client certificate");
        return NULL;
    }
    _cleanup_free_ char *base = kubelet_base(ctx->srv, node, err);
    if (!base)
        return NULL;
    cube_buf_t url = CUBE_BUF_INIT;
    cube_buf_printf(&url, "%s/containerLogs/%s/%s/%s", base, ctx->ns, ctx->name, container);
    bool first = true;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(passed); i++) {
        _cleanup_free_ char *v = cube_reqctx_param(ctx, passed[i]);
        if (!v)
            continue;
        if (!strcmp(passed[i], "follow"))
            *follow = !strcmp(v, "true") || !strcmp(v, "1");
        char *ev = curl_easy_escape(NULL, v, 0);
        cube_buf_printf(&url, "%c%s=%s", first ? '?' : '&', passed[i], ev ? ev : "");
        curl_free(ev);
        first = false;
    }
    return cube_buf_steal(&url, NULL);
}

static void on_stream_close(cube_http_stream_t *st, void *ud)
{
    (void)st;
    (void)ud; /* the writer sees cube_http_stream_closed() and stops */
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    job_t *j = ud;
    size_t len = size * n;
    if (!j->follow || j->status != 200) {
        cube_buf_append(&j->body, p, len);
        return len;
    }
    if (!j->stream) {
        static const char *const hdrs[] = {"Cache-Control", "no-cache, private", NULL};
        j->stream =
            cube_http_stream_start(j->ctx->req, 200, "text/plain", hdrs, on_stream_close, j);
    }
    if (cube_http_stream_closed(j->stream) ||
        cube_http_stream_write(j->stream, cube_bytes_new(p, len)) < 0)
        return 0; /* the client went away: end the transfer */
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    job_t *j = ud;
    if (n * size > 5 && !strncmp(p, "HTTP/", 5)) {
        const char *sp = memchr(p, ' ', n * size);
        if (sp)
            j->status = strtol(sp + 1, NULL, 10);
    }
    return size * n;
}

static void *run(void *arg)
{
    job_t *j = arg;
    cube_apiserver_t *srv = j->ctx->srv;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    j->url = kubelet_url(j->ctx, &j->follow, &err);
    if (!j->url) {
        cube_reqctx_fail(j->ctx, &err);
        goto out;
    }
    CURL *h = curl_easy_init();
    if (!h) {
        cube_err_internal(&err, "curl_easy_init failed");
        cube_reqctx_fail(j->ctx, &err);
        goto out;
    }
    curl_easy_setopt(h, CURLOPT_URL, j->url);
    curl_easy_setopt(h, CURLOPT_SSLCERT, srv->kubelet_client_crt);
    curl_easy_setopt(h, CURLOPT_SSLKEY, srv->kubelet_client_key);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    if (!j->follow)
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, j);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_cleanup(h);
    if (j->stream) { /* following: the stream ends with the kubelet's answer */
        cube_http_stream_end(j->stream);
        cube_reqctx_done(j->ctx);
        goto out;
    }
    if (rc != CURLE_OK && rc != CURLE_WRITE_ERROR) {
        cube_err_set(&err, 500, "InternalError", "Get \"%s\": %s", j->url, curl_easy_strerror(rc));
        cube_reqctx_fail(j->ctx, &err);
        goto out;
    }
    if (j->status != 200) {
        /* the kubelet's own words ("container ... is waiting to start", ...), as a Status */
        while (j->body.len && (j->body.data[j->body.len - 1] == '\n'))
            j->body.data[--j->body.len] = 0;
        int code = j->status == 404 ? 404 : j->status >= 500 ? 500 : 400;
        cube_err_set(&err, code,
                     code == 404   ? "NotFound"
                     : code == 500 ? "InternalError"
                                   : "BadRequest",
                     "%s", j->body.data ? j->body.data : "");
        cube_reqctx_fail(j->ctx, &err);
        goto out;
    }
    cube_reqctx_respond_typed(j->ctx, 200, "text/plain",
                              j->body.data ? cube_bytes_from_buf(&j->body) : cube_bytes_new("", 0));
out:
    cube_buf_clear(&j->body);
    free(j->url);
    free(j);
    return NULL;
}

void cube_podlog_handle(cube_reqctx_t *ctx)
{
    job_t *j = xcalloc(1, sizeof(*j));
    j->ctx = ctx;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, run, j);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        free(j);
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        cube_err_internal(&err, "cannot start a thread for the log");
        cube_reqctx_fail(ctx, &err);
    }
}
