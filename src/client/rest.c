/*
 * The REST client: every request a component makes to the API server goes
 * through here. It owns the TLS identity from the kubeconfig, a small pool of
 * libcurl handles (each keeps its keep-alive connection, so a controller doing
 * hundreds of requests per second does not pay a TLS handshake for each), a
 * token bucket (client-go's qps/burst), the retry policy for transient
 * failures, and the translation of a metav1.Status answer into a cube_err_t.
 * Watches stream newline-delimited JSON events to a callback.
 */
#include "client/client.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sys/stat.h>

#define POOL_MAX 16
#define RETRIES 4
#define RETRY_BASE_MS 100
#define RETRY_MAX_MS 5000

struct cube_client {
    cube_client_config_t cfg;
    char *default_ua;
    pthread_mutex_t lock; /* guards everything below */
    CURL *idle[POOL_MAX];
    size_t nidle;
    double tokens; /* token bucket */
    uint64_t last_ns;
    char *token; /* current bearer token (from cfg.token or cfg.token_file) */
    struct timespec token_mtime;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void cube_client_config_clear(cube_client_config_t *cfg)
{
    if (!cfg)
        return;
    free(cfg->server);
    free(cfg->ca_pem);
    free(cfg->cert_pem);
    free(cfg->key_pem);
    if (cfg->token)
        memset(cfg->token, 0, strlen(cfg->token));
    free(cfg->token);
    free(cfg->token_file);
    free(cfg->user_agent);
    memset(cfg, 0, sizeof(*cfg));
}

int cube_client_new(const cube_client_config_t *cfg, cube_client_t **ret, cube_err_t *err)
{
    if (!cfg || !cfg->server || !*cfg->server)
        return cube_err_badrequest(err, "client: no server URL");
    if (strncmp(cfg->server, "https://", 8) && strncmp(cfg->server, "http://", 7))
        return cube_err_badrequest(err, "client: server URL \"%s\" is not http(s)", cfg->server);
    pthread_once(&curl_once, curl_init_once);
    cube_client_t *c = xcalloc(1, sizeof(*c));
    c->cfg.server = xstrdup(cfg->server);
    size_t sl = strlen(c->cfg.server);
    while (sl > 0 && c->cfg.server[sl - 1] == '/')
        c->cfg.server[--sl] = 0;
    c->cfg.ca_pem = dup_or_null(cfg->ca_pem);
    c->cfg.cert_pem = dup_or_null(cfg->cert_pem);
    c->cfg.key_pem = dup_or_null(cfg->key_pem);
    c->cfg.token = dup_or_null(cfg->token);
    c->cfg.token_file = dup_or_null(cfg->token_file);
    c->cfg.insecure = cfg->insecure;
    c->cfg.user_agent = dup_or_null(cfg->user_agent);
    c->cfg.qps = cfg->qps > 0 ? cfg->qps : 0;
    c->cfg.burst = cfg->burst > 0 ? cfg->burst : (c->cfg.qps > 0 ? (int)ceil(c->cfg.qps) : 0);
    c->cfg.timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 30000;
    c->default_ua = xasprintf("cube/%s", CUBE_GIT_VERSION);
    c->tokens = c->cfg.burst;
    c->last_ns = cube_time_mono_ns();
    c->token = dup_or_null(cfg->token);
    pthread_mutex_init(&c->lock, NULL);
    *ret = c;
    return 0;
}

int cube_client_from_kubeconfig(const char *path, const char *user_agent, cube_client_t **ret,
                                cube_err_t *err)
{
    cube_client_config_t cfg = {0};
    if (cube_client_config_load(path, &cfg, err) < 0)
        return -1;
    if (user_agent)
        cfg.user_agent = xstrdup(user_agent);
    int rc = cube_client_new(&cfg, ret, err);
    cube_client_config_clear(&cfg);
    return rc;
}

void cube_client_free(cube_client_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nidle; i++)
        curl_easy_cleanup(c->idle[i]);
    pthread_mutex_destroy(&c->lock);
    if (c->token)
        memset(c->token, 0, strlen(c->token));
    free(c->token);
    free(c->default_ua);
    cube_client_config_clear(&c->cfg);
    free(c);
}

/* ---- handles, rate limit, token ----------------------------------------- */

static CURL *handle_get(cube_client_t *c)
{
    CURL *h = NULL;
    pthread_mutex_lock(&c->lock);
    if (c->nidle > 0)
        h = c->idle[--c->nidle];
    pthread_mutex_unlock(&c->lock);
    if (h)
        curl_easy_reset(h);
    else
        h = curl_easy_init();
    if (!h)
        abort();
    return h;
}

static void handle_put(cube_client_t *c, CURL *h)
{
    pthread_mutex_lock(&c->lock);
    if (c->nidle < POOL_MAX) {
        c->idle[c->nidle++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    if (h)
        curl_easy_cleanup(h);
}

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Takes one token from the bucket, sleeping until one is there. */
static void rate_wait(cube_client_t *c)
{
    if (c->cfg.qps <= 0)
        return;
    for (;;) {
        long wait_ms;
        pthread_mutex_lock(&c->lock);
        uint64_t now = cube_time_mono_ns();
        c->tokens += (double)(now - c->last_ns) / 1e9 * c->cfg.qps;
        if (c->tokens > c->cfg.burst)
            c->tokens = c->cfg.burst;
        c->last_ns = now;
        if (c->tokens >= 1) {
            c->tokens -= 1;
            pthread_mutex_unlock(&c->lock);
            return;
        }
        wait_ms = (long)ceil((1 - c->tokens) / c->cfg.qps * 1000);
        pthread_mutex_unlock(&c->lock);
        sleep_ms(wait_ms > 0 ? wait_ms : 1);
    }
}

/* The bearer token to send (owned), re-reading token_file when it changed. */
static char *current_token(cube_client_t *c)
{
    char *out = NULL;
    pthread_mutex_lock(&c->lock);
    if (c->cfg.token_file) {
        struct stat st;
        if (stat(c->cfg.token_file, &st) == 0 &&
            (st.st_mtim.tv_sec != c->token_mtime.tv_sec ||
             st.st_mtim.tv_nsec != c->token_mtime.tv_nsec || !c->token)) {
            char *data = NULL;
            size_t len = 0;
            cube_err_t e = CUBE_ERR_INIT;
            if (cube_file_read(c->cfg.token_file, &data, &len, &e) == 0) {
                while (len > 0 &&
                       (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
                    data[--len] = 0;
                free(c->token);
                c->token = data;
                c->token_mtime = st.st_mtim;
            }
            cube_err_clear(&e);
        }
    }
    out = dup_or_null(c->token);
    pthread_mutex_unlock(&c->lock);
    return out;
}

/* ---- one exchange ------------------------------------------------------- */

typedef struct xfer {
    cube_buf_t body;
    long retry_after; /* seconds, -1 if absent */
    /* watch streaming */
    cube_client_t *c;
    CURL *h;
    cube_watch_fn fn;
    void *userdata;
    const atomic_bool *stop;
    bool streaming; /* 2xx: split lines and dispatch */
    bool status_known;
    bool fn_stopped;
    bool decode_failed;
} xfer_t;

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    xfer_t *x = ud;
    size_t len = size * n;
    if (len > 12 && !strncasecmp(data, "Retry-After:", 12)) {
        char tmp[32];
        size_t l = len - 12 < sizeof(tmp) - 1 ? len - 12 : sizeof(tmp) - 1;
        memcpy(tmp, data + 12, l);
        tmp[l] = 0;
        char *end;
        long v = strtol(tmp, &end, 10);
        if (end != tmp && v >= 0)
            x->retry_after = v;
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    xfer_t *x = ud;
    cube_buf_append(&x->body, data, size * n);
    return size * n;
}

static const char *const known_reasons[] = {
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "AlreadyExists",
    "Conflict",
    "Gone",
    "Invalid",
    "ServerTimeout",
    "Timeout",
    "TooManyRequests",
    "BadRequest",
    "MethodNotAllowed",
    "NotAcceptable",
    "RequestEntityTooLarge",
    "UnsupportedMediaType",
    "InternalError",
    "Expired",
    "ServiceUnavailable",
};

static const char *reason_static(const char *s, long code)
{
    if (s && *s)
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(known_reasons); i++)
            if (!strcmp(s, known_reasons[i]))
                return known_reasons[i];
    switch (code) {
    case 400:
        return "BadRequest";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "NotFound";
    case 405:
        return "MethodNotAllowed";
    case 406:
        return "NotAcceptable";
    case 409:
        return "Conflict";
    case 410:
        return "Expired";
    case 413:
        return "RequestEntityTooLarge";
    case 415:
        return "UnsupportedMediaType";
    case 422:
        return "Invalid";
    case 429:
        return "TooManyRequests";
    case 503:
        return "ServiceUnavailable";
    case 504:
        return "Timeout";
    default:
        return "InternalError";
    }
}

/* Fills err from a non-2xx answer: its metav1.Status if it is one. */
static int status_error(long code, const char *method, const char *path, const cube_buf_t *body,
                        cube_err_t *err)
{
    json_auto_t *st = body->len ? json_loadb(body->data, body->len, 0, NULL) : NULL;
    if (json_is_object(st) && !strcmp(cube_json_str(st, "kind", NULL) ?: "", "Status")) {
        const char *msg = cube_json_str(st, "message", NULL);
        json_t *jc = json_object_get(st, "code");
        long scode = json_is_integer(jc) ? (long)json_integer_value(jc) : code;
        cube_err_set(err, (int)scode, reason_static(cube_json_str(st, "reason", NULL), scode), "%s",
                     msg ? msg : "");
        json_t *details = json_object_get(st, "details");
        if (err && json_is_object(details))
            err->details = json_incref(details);
        return -1;
    }
    /* not a Status: the status line and the start of the body */
    int blen = body->len > 200 ? 200 : (int)body->len;
    return cube_err_set(err, (int)code, reason_static(NULL, code),
                        "%s %s: the server responded with status %ld%s%.*s", method, path, code,
                        blen ? ": " : "", blen, body->data ? body->data : "");
}

static int conn_error(cube_err_t *err, const char *method, const char *path, const char *server,
                      CURLcode rc, const char *errbuf)
{
    cube_err_set(err, 500, "InternalError", "%s %s%s: %s", method, server, path,
                 errbuf && *errbuf ? errbuf : curl_easy_strerror(rc));
    if (err)
        err->code = 0;
    return -1;
}

/* 429 and 502-504 are transient by nature; a 500 only when the server says when to retry
 * (client-go's rule), so a deterministic internal error is not repeated. */
static bool retryable_status(long code, long retry_after)
{
    return code == 429 || code == 502 || code == 503 || code == 504 ||
           (code == 500 && retry_after >= 0);
}

/* Connection failures that are certain to have happened before the request was sent. */
static bool before_send(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
           rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_SSL_CONNECT_ERROR;
}

/* Sets the options every request needs. headers: owned by the caller until perform ends. */
static struct curl_slist *setup(cube_client_t *c, CURL *h, const char *method, const char *url,
                                const char *body, size_t body_len, const char *content_type,
                                const char *accept, char *errbuf, xfer_t *x)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->cfg.user_agent ? c->cfg.user_agent : c->default_ua);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 10L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    if (c->cfg.insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (c->cfg.ca_pem) {
        struct curl_blob b = {c->cfg.ca_pem, strlen(c->cfg.ca_pem), CURL_BLOB_NOCOPY};
        curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &b);
    }
    if (c->cfg.cert_pem) {
        struct curl_blob b = {c->cfg.cert_pem, strlen(c->cfg.cert_pem), CURL_BLOB_NOCOPY};
        curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &b);
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (c->cfg.key_pem) {
        struct curl_blob b = {c->cfg.key_pem, strlen(c->cfg.key_pem), CURL_BLOB_NOCOPY};
        curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &b);
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    struct curl_slist *hdrs = NULL;
    char line[256];
    snprintf(line, sizeof(line), "Accept: %s", accept);
    hdrs = curl_slist_append(hdrs, line);
    _cleanup_free_ char *tok = current_token(c);
    if (tok) {
        _cleanup_free_ char *auth = xasprintf("Authorization: Bearer %s", tok);
        hdrs = curl_slist_append(hdrs, auth);
        memset(auth, 0, strlen(auth));
        memset(tok, 0, strlen(tok));
    }
    if (!strcmp(method, "GET")) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (!strcmp(method, "POST") && body) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        snprintf(line, sizeof(line), "Content-Type: %s",
                 content_type ? content_type : "application/json");
        hdrs = curl_slist_append(hdrs, line);
        hdrs = curl_slist_append(hdrs, "Expect:");
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    return hdrs;
}

static long backoff_ms(int attempt, long retry_after)
{
    long ms = RETRY_BASE_MS << attempt;
    if (retry_after >= 0)
        ms = retry_after * 1000 > ms ? retry_after * 1000 : ms;
    return ms > RETRY_MAX_MS ? RETRY_MAX_MS : ms;
}

int cube_client_request(cube_client_t *c, const char *method, const char *path, const json_t *body,
                        const char *content_type, json_t **ret, cube_err_t *err)
{
    _cleanup_free_ char *url = xasprintf("%s%s", c->cfg.server, path);
    _cleanup_free_ char *payload = NULL;
    size_t payload_len = 0;
    if (body)
        payload = cube_json_dump(body, &payload_len);
    for (int attempt = 0;; attempt++) {
        rate_wait(c);
        xfer_t x = {.retry_after = -1};
        char errbuf[CURL_ERROR_SIZE] = "";
        CURL *h = handle_get(c);
        struct curl_slist *hdrs = setup(c, h, method, url, payload, payload_len, content_type,
                                        "application/json", errbuf, &x);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->cfg.timeout_ms);
        CURLcode rc = curl_easy_perform(h);
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        curl_slist_free_all(hdrs);
        handle_put(c, h);
        bool last = attempt + 1 >= RETRIES;
        if (rc != CURLE_OK) {
            cube_buf_clear(&x.body);
            bool idempotent = !strcmp(method, "GET") || !strcmp(method, "PUT") ||
                              !strcmp(method, "DELETE") || !strcmp(method, "HEAD");
            if (!last && (before_send(rc) || idempotent)) {
                cube_log_v(4, "%s %s: %s; retrying", method, path, curl_easy_strerror(rc));
                sleep_ms(backoff_ms(attempt, -1));
                continue;
            }
            return conn_error(err, method, path, c->cfg.server, rc, errbuf);
        }
        if (code < 200 || code > 299) {
            if (!last && retryable_status(code, x.retry_after)) {
                cube_log_v(4, "%s %s: status %ld; retrying", method, path, code);
                cube_buf_clear(&x.body);
                sleep_ms(backoff_ms(attempt, x.retry_after));
                continue;
            }
            int r = status_error(code, method, path, &x.body, err);
            cube_buf_clear(&x.body);
            return r;
        }
        if (ret) {
            json_t *j = NULL;
            if (x.body.len) {
                json_error_t je;
                j = json_loadb(x.body.data, x.body.len, 0, &je);
                if (!j) {
                    cube_buf_clear(&x.body);
                    return cube_err_internal(err, "%s %s: decoding the response: %s", method, path,
                                             je.text);
                }
            }
            *ret = j;
        }
        cube_buf_clear(&x.body);
        return 0;
    }
}

/* ---- paths and typed helpers -------------------------------------------- */

char *cube_client_path(const cube_resource_t *r, const char *ns, const char *name, const char *sub)
{
    cube_buf_t b = CUBE_BUF_INIT;
    if (r->group && *r->group)
        cube_buf_printf(&b, "/apis/%s/%s", r->group, r->version);
    else
        cube_buf_printf(&b, "/api/%s", r->version);
    if (r->namespaced && ns && *ns)
        cube_buf_printf(&b, "/namespaces/%s", ns);
    cube_buf_printf(&b, "/%s", r->plural);
    if (name) {
        cube_buf_printf(&b, "/%s", name);
        if (sub)
            cube_buf_printf(&b, "/%s", sub);
    }
    return cube_buf_steal(&b, NULL);
}

static void put_escaped(cube_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            cube_buf_putc(b, (char)ch);
        } else {
            cube_buf_putc(b, '%');
            cube_buf_putc(b, hex[ch >> 4]);
            cube_buf_putc(b, hex[ch & 15]);
        }
    }
}

int cube_client_get(cube_client_t *c, const cube_resource_t *r, const char *ns, const char *name,
                    json_t **ret, cube_err_t *err)
{
    _cleanup_free_ char *path = cube_client_path(r, ns, name, NULL);
    return cube_client_request(c, "GET", path, NULL, NULL, ret, err);
}

int cube_client_list(cube_client_t *c, const cube_resource_t *r, const char *ns,
                     const char *label_sel, const char *field_sel, json_t **ret, cube_err_t *err)
{
    _cleanup_free_ char *base = cube_client_path(r, ns, NULL, NULL);
    json_auto_t *all = NULL;
    _cleanup_free_ char *cont = NULL;
    do {
        cube_buf_t q _cleanup_buf_ = CUBE_BUF_INIT;
        cube_buf_printf(&q, "%s?limit=500", base);
        if (label_sel && *label_sel) {
            cube_buf_puts(&q, "&labelSelector=");
            put_escaped(&q, label_sel);
        }
        if (field_sel && *field_sel) {
            cube_buf_puts(&q, "&fieldSelector=");
            put_escaped(&q, field_sel);
        }
        if (cont) {
            cube_buf_puts(&q, "&continue=");
            put_escaped(&q, cont);
        }
        json_auto_t *page = NULL;
        if (cube_client_request(c, "GET", q.data, NULL, NULL, &page, err) < 0)
            return -1;
        if (!json_is_object(page))
            return cube_err_internal(err, "GET %s: the answer is not a list", q.data);
        free(cont);
        cont = dup_or_null(cube_json_str(page, "metadata", "continue", NULL));
        if (cont && !*cont) {
            free(cont);
            cont = NULL;
        }
        if (!all) {
            all = json_incref(page);
            if (!json_is_array(json_object_get(all, "items")))
                json_object_set_new(all, "items", json_array());
        } else {
            json_t *items = json_object_get(page, "items");
            if (json_is_array(items))
                json_array_extend(json_object_get(all, "items"), items);
        }
    } while (cont);
    json_t *meta = json_object_get(all, "metadata");
    if (json_is_object(meta)) {
        json_object_del(meta, "continue");
        json_object_del(meta, "remainingItemCount");
    }
    *ret = TAKE_PTR(all);
    return 0;
}

int cube_client_create(cube_client_t *c, const cube_resource_t *r, const char *ns,
                       const json_t *obj, json_t **ret, cube_err_t *err)
{
    if (!ns)
        ns = cube_json_str(obj, "metadata", "namespace", NULL);
    _cleanup_free_ char *path = cube_client_path(r, ns, NULL, NULL);
    return cube_client_request(c, "POST", path, obj, NULL, ret, err);
}

int cube_client_update(cube_client_t *c, const cube_resource_t *r, const json_t *obj,
                       const char *sub, json_t **ret, cube_err_t *err)
{
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    if (!name || !*name)
        return cube_err_badrequest(err, "update of a %s without metadata.name", r->kind);
    _cleanup_free_ char *path =
        cube_client_path(r, cube_json_str(obj, "metadata", "namespace", NULL), name, sub);
    return cube_client_request(c, "PUT", path, obj, NULL, ret, err);
}

int cube_client_patch(cube_client_t *c, const cube_resource_t *r, const char *ns, const char *name,
                      const char *patch_type, const json_t *patch, const char *sub, json_t **ret,
                      cube_err_t *err)
{
    _cleanup_free_ char *path = cube_client_path(r, ns, name, sub);
    return cube_client_request(c, "PATCH", path, patch,
                               patch_type ? patch_type : "application/merge-patch+json", ret, err);
}

int cube_client_delete(cube_client_t *c, const cube_resource_t *r, const char *ns, const char *name,
                       const json_t *opts, cube_err_t *err)
{
    _cleanup_free_ char *path = cube_client_path(r, ns, name, NULL);
    return cube_client_request(c, "DELETE", path, opts, NULL, NULL, err);
}

int cube_client_post_sub(cube_client_t *c, const cube_resource_t *r, const char *ns,
                         const char *name, const char *sub, const json_t *body, json_t **ret,
                         cube_err_t *err)
{
    _cleanup_free_ char *path = cube_client_path(r, ns, name, sub);
    return cube_client_request(c, "POST", path, body, NULL, ret, err);
}

/* ---- watch -------------------------------------------------------------- */

/* Dispatches every complete line in x->body; keeps the unfinished tail. */
static void dispatch_lines(xfer_t *x)
{
    size_t start = 0;
    while (!x->fn_stopped) {
        char *nl = memchr(x->body.data + start, '\n', x->body.len - start);
        if (!nl)
            break;
        size_t end = (size_t)(nl - x->body.data);
        if (end > start) {
            json_error_t je;
            json_auto_t *ev = json_loadb(x->body.data + start, end - start, 0, &je);
            const char *type = cube_json_str(ev, "type", NULL);
            json_t *obj = json_object_get(ev, "object");
            if (!type || !obj) {
                x->decode_failed = true;
                x->fn_stopped = true;
                break;
            }
            if (x->fn(type, obj, x->userdata))
                x->fn_stopped = true;
        }
        start = end + 1;
    }
    if (start > 0) {
        memmove(x->body.data, x->body.data + start, x->body.len - start);
        x->body.len -= start;
        x->body.data[x->body.len] = 0;
    }
}

static size_t on_watch_body(char *data, size_t size, size_t n, void *ud)
{
    xfer_t *x = ud;
    size_t len = size * n;
    if (!x->status_known) {
        long code = 0;
        curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
        x->streaming = code >= 200 && code <= 299;
        x->status_known = true;
    }
    cube_buf_append(&x->body, data, len);
    if (!x->streaming)
        return x->body.len > (1u << 20) ? 0 : len;
    dispatch_lines(x);
    if (x->fn_stopped)
        return 0; /* aborts the transfer */
    return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    xfer_t *x = ud;
    return x->stop && atomic_load(x->stop) ? 1 : 0;
}

int cube_client_watch(cube_client_t *c, const char *path, cube_watch_fn fn, void *userdata,
                      const atomic_bool *stop, cube_err_t *err)
{
    _cleanup_free_ char *url =
        xasprintf("%s%s%cwatch=1", c->cfg.server, path, strchr(path, '?') ? '&' : '?');
    if (stop && atomic_load(stop))
        return 0;
    rate_wait(c);
    xfer_t x = {.retry_after = -1, .c = c, .fn = fn, .userdata = userdata, .stop = stop};
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *h = handle_get(c);
    x.h = h;
    struct curl_slist *hdrs =
        setup(c, h, "GET", url, NULL, 0, NULL, "application/json", errbuf, &x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_watch_body);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
    if (strstr(path, "allowWatchBookmarks=true")) {
        /* the server sends a bookmark at least every minute: silence means a dead peer */
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 120L);
    }
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdrs);
    /* an aborted transfer leaves its connection closed; the handle itself is reusable */
    handle_put(c, h);
    int r = 0;
    if (x.decode_failed) {
        r = cube_err_internal(err, "watch %s: undecodable event", path);
    } else if (x.fn_stopped || rc == CURLE_ABORTED_BY_CALLBACK) {
        r = 0;
    } else if (rc != CURLE_OK) {
        r = conn_error(err, "GET", path, c->cfg.server, rc, errbuf);
    } else if (code < 200 || code > 299) {
        r = status_error(code, "GET", path, &x.body, err);
    } else {
        if (x.body.len) { /* a last event without its newline */
            cube_buf_putc(&x.body, '\n');
            dispatch_lines(&x);
        }
        r = x.decode_failed ? cube_err_internal(err, "watch %s: undecodable event", path) : 0;
    }
    cube_buf_clear(&x.body);
    return r;
}
