/*
 * The request chain: authentication, then routing of the path to a
 * resource, authorization, then the verb. Reads (get, list, watch) are
 * answered here on the HTTP I/O thread straight from the cache; writes go
 * to the worker pool (write.c), where they may block on the store's group
 * commit. Everything answers Kubernetes JSON; errors are metav1.Status.
 */
#include "apiserver/internal.h"

#include <ctype.h>
#include <openssl/evp.h>

#define MAX_BODY (3u << 20)

/* ---- small helpers ------------------------------------------------------ */

char *cube_key(const cube_resource_t *r, const char *ns, const char *name)
{
    const char *g = r->group[0] ? r->group : "core";
    if (!r->namespaced || !ns || !*ns) {
        if (name && r->namespaced)
            return NULL;
        return name ? xasprintf("/registry/%s/%s/%s", g, r->plural, name)
                    : xasprintf("/registry/%s/%s/", g, r->plural);
    }
    return name ? xasprintf("/registry/%s/%s/%s/%s", g, r->plural, ns, name)
                : xasprintf("/registry/%s/%s/%s/", g, r->plural, ns);
}

void cube_qualified_resource(const cube_resource_t *r, char *out, size_t outlen)
{
    if (r->group[0])
        snprintf(out, outlen, "%s.%s", r->plural, r->group);
    else
        snprintf(out, outlen, "%s", r->plural);
}

json_t *cube_status_details(const cube_resource_t *r, const char *name)
{
    json_t *d = json_pack("{s:s}", "name", name ? name : "");
    if (r->group[0])
        json_object_set_new(d, "group", json_string(r->group));
    json_object_set_new(d, "kind", json_string(r->plural));
    return d;
}

int cube_err_not_found(cube_err_t *err, const cube_resource_t *r, const char *name)
{
    char qr[160];
    cube_qualified_resource(r, qr, sizeof(qr));
    cube_err_notfound(err, "%s \"%s\" not found", qr, name);
    if (err)
        err->details = cube_status_details(r, name);
    return -1;
}

static void reqctx_free(cube_reqctx_t *ctx)
{
    cube_user_free(ctx->user);
    free(ctx->group);
    free(ctx->version);
    free(ctx->plural);
    free(ctx->ns);
    free(ctx->name);
    free(ctx->sub);
    json_decref(ctx->warnings);
    cube_bytes_unref(ctx->audit_body);
    free(ctx);
}

static const char *scope_of(const cube_reqctx_t *ctx)
{
    if (!ctx->res)
        return "";
    if (ctx->name)
        return "resource";
    if (ctx->ns)
        return "namespace";
    return "cluster";
}

/* The verb label Kubernetes' request metrics use. */
static const char *metrics_verb(const char *verb)
{
    static const char *const map[][2] = {
        {"get", "GET"},    {"list", "LIST"},   {"watch", "WATCH"},   {"create", "POST"},
        {"update", "PUT"}, {"patch", "PATCH"}, {"delete", "DELETE"}, {"deletecollection", "DELETE"},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(map); i++)
        if (!strcmp(map[i][0], verb))
            return map[i][1];
    return verb;
}

static void respond_typed(cube_reqctx_t *ctx, int code, const char *ctype, cube_bytes_t *body)
{
    double secs = (double)(cube_time_mono_ns() - ctx->start_ns) / 1e9;
    if (ctx->verb)
        cube_metrics_request(ctx->srv->metrics, metrics_verb(ctx->verb),
                             ctx->res ? ctx->res->group : "", ctx->res ? ctx->res->version : "",
                             ctx->res ? ctx->res->plural : "", ctx->sub ? ctx->sub : "",
                             scope_of(ctx), code, secs);
    cube_audit_request(ctx->srv->audit, ctx, "ResponseComplete", code, body);
    size_t nw = json_array_size(ctx->warnings);
    if (!nw) {
        const char *const hdrs[] = {"Cache-Control", "no-cache, private", "Audit-Id", ctx->audit_id,
                                    NULL};
        cube_http_respond(ctx->req, code, ctype, hdrs, body);
        return reqctx_free(ctx);
    }
    /* Warning headers as Kubernetes writes them: 299, agent "-", the text Go-quoted */
    const char **hdrs = xcalloc(2 * nw + 5, sizeof(*hdrs));
    char **vals = xcalloc(nw, sizeof(*vals));
    hdrs[0] = "Cache-Control";
    hdrs[1] = "no-cache, private";
    for (size_t i = 0; i < nw; i++) {
        cube_buf_t b = CUBE_BUF_INIT;
        cube_buf_puts(&b, "299 - ");
        cube_buf_go_quote(&b, json_string_value(json_array_get(ctx->warnings, i)));
        vals[i] = cube_buf_steal(&b, NULL);
        hdrs[2 + 2 * i] = "Warning";
        hdrs[3 + 2 * i] = vals[i];
    }
    hdrs[2 + 2 * nw] = "Audit-Id";
    hdrs[3 + 2 * nw] = ctx->audit_id;
    cube_http_respond(ctx->req, code, ctype, hdrs, body);
    for (size_t i = 0; i < nw; i++)
        free(vals[i]);
    free(vals);
    free(hdrs);
    reqctx_free(ctx);
}

void cube_reqctx_respond_typed(cube_reqctx_t *ctx, int code, const char *ctype, cube_bytes_t *body)
{
    respond_typed(ctx, code, ctype, body);
}

void cube_reqctx_done(cube_reqctx_t *ctx)
{
    reqctx_free(ctx);
}

void cube_reqctx_warn(cube_reqctx_t *ctx, const char *text)
{
    size_t i;
    json_t *w;
    if (!ctx->warnings)
        ctx->warnings = json_array();
    json_array_foreach(ctx->warnings, i, w) if (!strcmp(json_string_value(w), text)) return;
    json_array_append_new(ctx->warnings, json_string(text));
}

void cube_reqctx_respond(cube_reqctx_t *ctx, int code, cube_bytes_t *body)
{
    respond_typed(ctx, code, "application/json", body);
}

void cube_reqctx_fail(cube_reqctx_t *ctx, const cube_err_t *err)
{
    respond_typed(ctx, err->code ? err->code : 500, "application/json", cube_encode_status(err));
}

char *cube_reqctx_param(cube_reqctx_t *ctx, const char *name)
{
    return cube_http_query_get(cube_http_req_query(ctx->req), name);
}

static bool param_true(cube_reqctx_t *ctx, const char *name)
{
    _cleanup_free_ char *v = cube_reqctx_param(ctx, name);
    /* Go's strconv.ParseBool, as Kubernetes parses query booleans. */
    static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    for (size_t i = 0; v && i < CUBE_ARRAY_SIZE(yes); i++)
        if (!strcmp(v, yes[i]))
            return true;
    return false;
}

/* ---- what the client accepts -------------------------------------------- */

typedef struct accept {
    cube_fmt_t fmt;
    const char *table_version; /* "v1" or "v1beta1" */
    bool ok;
} accept_t;

/* Picks the first media type of the Accept header we can serve. */
static accept_t parse_accept(const char *h)
{
    accept_t a = {CUBE_FMT_JSON, "v1", true};
    if (!h || !*h)
        return a;
    _cleanup_free_ char *copy = xstrdup(h);
    char *save = NULL;
    for (char *mt = strtok_r(copy, ",", &save); mt; mt = strtok_r(NULL, ",", &save)) {
        while (*mt == ' ')
            mt++;
        bool json = !strncmp(mt, "application/json", 16) || !strncmp(mt, "*/*", 3) ||
                    !strncmp(mt, "application/*", 13);
        if (!json)
            continue;
        const char *as = strstr(mt, "as=");
        if (!as)
            return a;
        bool v1 = strstr(mt, "v=v1;") || strstr(mt, "v=v1,") ||
                  (strlen(mt) >= 4 && !strcmp(mt + strlen(mt) - 4, "v=v1"));
        bool v1beta1 = strstr(mt, "v=v1beta1") != NULL;
        if (!strstr(mt, "g=meta.k8s.io") || (!v1 && !v1beta1))
            continue;
        if (!strncmp(as + 3, "Table", 5)) {
            a.fmt = CUBE_FMT_TABLE;
            a.table_version = v1 ? "v1" : "v1beta1";
            return a;
        }
        if (!strncmp(as + 3, "PartialObjectMetadata", 21)) {
            a.fmt = CUBE_FMT_META;
            a.table_version = v1 ? "v1" : "v1beta1";
            return a;
        }
    }
    a.ok = false;
    return a;
}

/* ---- continue tokens ---------------------------------------------------- */

static char *continue_encode(int64_t rev, const char *start)
{
    json_auto_t *j =
        json_pack("{s:s, s:I, s:s}", "v", "meta.k8s.io/v1", "rv", (json_int_t)rev, "start", start);
    _cleanup_free_ char *s = cube_json_dump(j, NULL);
    size_t len = strlen(s);
    char *out = xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)len);
    for (char *p = out; *p; p++) { /* URL-safe base64, as Kubernetes' tokens */
        if (*p == '+')
            *p = '-';
        else if (*p == '/')
            *p = '_';
    }
    return out;
}

static int continue_decode(const char *tok, int64_t *ret_rev, char **ret_start, cube_err_t *err)
{
    size_t len = strlen(tok);
    _cleanup_free_ char *std = xmalloc(len + 4);
    size_t j = 0;
    for (size_t i = 0; i < len; i++)
        std[j++] = tok[i] == '-' ? '+' : tok[i] == '_' ? '/' : tok[i];
    while (j % 4)
        std[j++] = '=';
    std[j] = 0;
    _cleanup_free_ unsigned char *raw = xmalloc(j + 1);
    int n = EVP_DecodeBlock(raw, (unsigned char *)std, (int)j);
    if (n < 0)
        return cube_err_badrequest(err, "continue key is not valid: illegal base64 data");
    while (n > 0 && raw[n - 1] == 0)
        n--;
    json_auto_t *jj = json_loadb((char *)raw, (size_t)n, 0, NULL);
    const char *start = cube_json_str(jj, "start", NULL);
    json_t *rv = json_object_get(jj, "rv");
    if (!start || !json_is_integer(rv))
        return cube_err_badrequest(err, "continue key is not valid: incorrect encoded start "
                                        "resourceVersion (version meta.k8s.io/v1)");
    *ret_rev = json_integer_value(rv);
    *ret_start = xstrdup(start);
    return 0;
}

/* ---- reads -------------------------------------------------------------- */

static int parse_rv(const char *s, int64_t *ret, cube_err_t *err)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0)
        return cube_err_badrequest(err, "invalid resource version \"%s\"", s);
    *ret = v;
    return 0;
}

static void do_get(cube_reqctx_t *ctx, accept_t acc)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *rv = cube_reqctx_param(ctx, "resourceVersion");
    if (!rv || !*rv)
        cube_cache_sync(ctx->srv->cache, 5000);
    _cleanup_free_ char *key = cube_key(ctx->res, ctx->ns, ctx->name);
    cube_obj_t *o = key ? cube_cache_get(ctx->srv->cache, key) : NULL;
    if (!o) {
        cube_err_not_found(&err, ctx->res, ctx->name);
        return cube_reqctx_fail(ctx, &err);
    }
    if (ctx->sub && !strcmp(ctx->sub, "scale")) {
        cube_obj_unref(o);
        return cube_write_handle(ctx); /* scale conversion lives with the writes */
    }
    if (acc.fmt == CUBE_FMT_JSON) {
        cube_reqctx_respond(ctx, 200, cube_bytes_ref(o->json));
        cube_obj_unref(o);
        return;
    }
    cube_buf_t b = CUBE_BUF_INIT;
    if (acc.fmt == CUBE_FMT_TABLE)
        cube_encode_table_one(&b, o, ctx->res, acc.table_version, true);
    else
        cube_encode_partial_meta(&b, o, acc.table_version);
    cube_obj_unref(o);
    cube_reqctx_respond(ctx, 200, cube_bytes_from_buf(&b));
}

/* Parses the label and field selector strings (NULL or "" = none), checking the fields are
   supported for the resource. Outputs are set as they parse; the caller frees them. */
static int parse_selector_strs(cube_reqctx_t *ctx, const char *ls, const char *fs,
                               cube_selector_t **ret_l, cube_selector_t **ret_f, cube_err_t *err)
{
    if (ls && *ls && cube_label_selector_parse(ls, ret_l, err) < 0)
        return -1;
    if (fs && *fs) {
        if (cube_field_selector_parse(fs, ret_f, err) < 0)
            return -1;
        const char *const *keys;
        size_t n = cube_selector_keys(*ret_f, &keys);
        for (size_t i = 0; i < n; i++)
            if (!cube_api_field_supported(ctx->res, keys[i]))
                return cube_err_badrequest(err, "field label not supported: %s", keys[i]);
    }
    return 0;
}

/* The request's labelSelector and fieldSelector parameters, parsed. */
static int parse_selectors(cube_reqctx_t *ctx, cube_selector_t **ret_l, cube_selector_t **ret_f,
                           cube_err_t *err)
{
    _cleanup_free_ char *ls = cube_reqctx_param(ctx, "labelSelector");
    _cleanup_free_ char *fs = cube_reqctx_param(ctx, "fieldSelector");
    return parse_selector_strs(ctx, ls, fs, ret_l, ret_f, err);
}

/*
 * A list at a past revision (resourceVersionMatch=Exact, or the next page of
 * a list whose revision the cache has moved past), read from the store so
 * that every page shows the same snapshot.
 */
static int list_from_store(cube_reqctx_t *ctx, int64_t rev, const cube_cache_list_req_t *lr,
                           cube_obj_t ***ret, size_t *ret_n, char **ret_next, cube_err_t *err)
{
    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more;
    int64_t at;
    _cleanup_free_ char *end = xstrdup(lr->prefix);
    end[strlen(end) - 1]++;
    const char *start = lr->start && strcmp(lr->start, lr->prefix) > 0 ? lr->start : lr->prefix;
    if (cube_store_range(ctx->srv->store, start, end, rev, 0, &kvs, &n, &more, &at, err) < 0)
        return -1;
    cube_obj_t **objs = xcalloc(n ? n : 1, sizeof(*objs));
    size_t k = 0;
    *ret_next = NULL;
    for (size_t i = 0; i < n; i++) {
        cube_obj_t *o = cube_obj_build(ctx->res, kvs[i]->key, kvs[i]->value, kvs[i]->mod_revision);
        if (!cube_obj_matches(o, lr->labels, lr->fields)) {
            cube_obj_unref(o);
            continue;
        }
        if (lr->limit && k == lr->limit) {
            *ret_next = xstrdup(o->key);
            cube_obj_unref(o);
            break;
        }
        objs[k++] = o;
    }
    cube_store_kvs_free(kvs, n);
    *ret = objs;
    *ret_n = k;
    return 0;
}

static void do_list(cube_reqctx_t *ctx, accept_t acc)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_selector_t *lsel = NULL, *fsel = NULL;
    _cleanup_free_ char *prefix = cube_key(ctx->res, ctx->ns, NULL);
    _cleanup_free_ char *limit_s = cube_reqctx_param(ctx, "limit");
    _cleanup_free_ char *cont = cube_reqctx_param(ctx, "continue");
    _cleanup_free_ char *rv_s = cube_reqctx_param(ctx, "resourceVersion");
    _cleanup_free_ char *rvm = cube_reqctx_param(ctx, "resourceVersionMatch");
    _cleanup_free_ char *start_rel = NULL, *start = NULL, *next = NULL;
    cube_obj_t **objs = NULL;
    size_t n = 0, remaining = 0;
    int64_t rev = 0, want_rev = 0, cont_rev = 0;

    if (parse_selectors(ctx, &lsel, &fsel, &err) < 0)
        goto fail;
    size_t limit = 0;
    if (limit_s && *limit_s) {
        char *e;
        long long l = strtoll(limit_s, &e, 10);
        if (*e || l < 0) {
            cube_err_badrequest(&err, "invalid limit \"%s\"", limit_s);
            goto fail;
        }
        limit = (size_t)l;
    }
    if (rv_s && *rv_s && parse_rv(rv_s, &want_rev, &err) < 0)
        goto fail;
    if (rvm && *rvm && strcmp(rvm, "NotOlderThan") && strcmp(rvm, "Exact")) {
        cube_err_badrequest(&err,
                            "resourceVersionMatch: Unsupported value: \"%s\": supported "
                            "values: \"Exact\", \"NotOlderThan\"",
                            rvm);
        err.code = 422;
        err.reason = "Invalid";
        goto fail;
    }
    if (rvm && *rvm && (!rv_s || !*rv_s)) {
        cube_err_set(&err, 422, "Invalid",
                     "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                     "resourceVersion is provided");
        goto fail;
    }
    if (cont && *cont) {
        if (continue_decode(cont, &cont_rev, &start_rel, &err) < 0)
            goto fail;
        if (cont_rev < cube_store_oldest_revision(ctx->srv->store) - 1) {
            cube_err_gone(&err, "The provided continue parameter is too old to display a "
                                "consistent list result. You can start a new list without the "
                                "continue parameter.");
            goto fail;
        }
        start = xasprintf("%s%s", prefix, start_rel);
    }
    cube_cache_list_req_t lr = {
        .prefix = prefix, .start = start, .labels = lsel, .fields = fsel, .limit = limit};
    int64_t snapshot = 0;
    if (rvm && !strcmp(rvm, "Exact") && want_rev > 0)
        snapshot = want_rev;
    if (!snapshot) {
        if (!rv_s || !*rv_s)
            cube_cache_sync(ctx->srv->cache, 5000);
        else if (want_rev > 0)
            cube_cache_wait(ctx->srv->cache, want_rev, 3000);
        cube_cache_list(ctx->srv->cache, &lr, &objs, &n, &rev, &next, &remaining);
        /* A next page must show the first page's snapshot: if anything changed since, read
           that revision from the store. */
        if (cont && *cont && rev != cont_rev) {
            cube_objs_free(objs, n);
            objs = NULL;
            n = 0;
            free(next);
            next = NULL;
            snapshot = cont_rev;
        }
    }
    if (snapshot) {
        if (list_from_store(ctx, snapshot, &lr, &objs, &n, &next, &err) < 0)
            goto fail;
        rev = snapshot;
    }

    char gv[128];
    cube_api_group_version(ctx->res, gv, sizeof(gv));
    cube_buf_t b = CUBE_BUF_INIT;
    size_t est = 256;
    for (size_t i = 0; i < n; i++)
        est += (acc.fmt == CUBE_FMT_JSON ? objs[i]->json->len : 256) + 1;
    cube_buf_reserve(&b, est);
    if (acc.fmt == CUBE_FMT_TABLE)
        cube_buf_printf(&b, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/%s\",\"metadata\":{",
                        acc.table_version);
    else if (acc.fmt == CUBE_FMT_META)
        cube_buf_printf(&b,
                        "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/"
                        "%s\",\"metadata\":{",
                        acc.table_version);
    else
        cube_buf_printf(&b, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{",
                        ctx->res->list_kind, gv);
    cube_buf_printf(&b, "\"resourceVersion\":\"%lld\"", (long long)rev);
    if (next) {
        _cleanup_free_ char *tok = continue_encode(rev, next + strlen(prefix));
        cube_buf_printf(&b, ",\"continue\":\"%s\"", tok);
        if (!lsel && !fsel)
            cube_buf_printf(&b, ",\"remainingItemCount\":%zu", remaining);
    }
    cube_buf_putc(&b, '}');
    time_t now = time(NULL);
    if (acc.fmt == CUBE_FMT_TABLE) {
        cube_buf_puts(&b, ",\"columnDefinitions\":");
        cube_encode_table_columns(&b, ctx->res);
        cube_buf_puts(&b, ",\"rows\":[");
        for (size_t i = 0; i < n; i++) {
            if (i)
                cube_buf_putc(&b, ',');
            cube_encode_table_row(&b, objs[i], ctx->res, now, true);
        }
    } else {
        cube_buf_puts(&b, ",\"items\":[");
        for (size_t i = 0; i < n; i++) {
            if (i)
                cube_buf_putc(&b, ',');
            if (acc.fmt == CUBE_FMT_META)
                cube_encode_partial_meta(&b, objs[i], "v1");
            else
                cube_buf_append(&b, objs[i]->json->data, objs[i]->json->len);
        }
    }
    cube_buf_puts(&b, "]}");
    cube_objs_free(objs, n);
    cube_selector_free(lsel);
    cube_selector_free(fsel);
    cube_reqctx_respond(ctx, 200, cube_bytes_from_buf(&b));
    return;
fail:
    cube_selector_free(lsel);
    cube_selector_free(fsel);
    cube_reqctx_fail(ctx, &err);
}

static void do_watch(cube_reqctx_t *ctx, accept_t acc)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_selector_t *lsel = NULL, *fsel = NULL;
    _cleanup_free_ char *rv_s = cube_reqctx_param(ctx, "resourceVersion");
    _cleanup_free_ char *to_s = cube_reqctx_param(ctx, "timeoutSeconds");
    _cleanup_free_ char *ls = cube_reqctx_param(ctx, "labelSelector");
    _cleanup_free_ char *fs = cube_reqctx_param(ctx, "fieldSelector");
    _cleanup_free_ char *prefix = NULL;
    _cleanup_free_ char *fs_full = NULL;
    int64_t from = 0;
    /* A watch of one object by name: a field selector on metadata.name. */
    if (ctx->name) {
        fs_full = fs && *fs ? xasprintf("%s,metadata.name=%s", fs, ctx->name)
                            : xasprintf("metadata.name=%s", ctx->name);
    }
    if (parse_selector_strs(ctx, ls, fs_full ? fs_full : fs, &lsel, &fsel, &err) < 0)
        goto fail;
    if (rv_s && *rv_s && parse_rv(rv_s, &from, &err) < 0)
        goto fail;
    if (!rv_s || !*rv_s)
        cube_cache_sync(ctx->srv->cache, 5000);
    prefix = cube_key(ctx->res, ctx->ns, NULL);
    cube_watch_req_t wr = {
        .res = ctx->res,
        .prefix = prefix,
        .labels = TAKE_PTR(lsel),
        .fields = TAKE_PTR(fsel),
        .from_rev = from,
        .bookmarks = param_true(ctx, "allowWatchBookmarks"),
        .timeout_sec = to_s ? atoi(to_s) : 0,
        .fmt = acc.fmt,
    };
    if (wr.timeout_sec < 0)
        wr.timeout_sec = 0;
    cube_metrics_request(ctx->srv->metrics, "WATCH", ctx->res->group, ctx->res->version,
                         ctx->res->plural, "", scope_of(ctx), 200, 0);
    cube_audit_request(ctx->srv->audit, ctx, "ResponseStarted", 200, NULL);
    const char *const whdrs[] = {"Audit-Id", ctx->audit_id, NULL};
    cube_http_stream_t *st =
        cube_http_stream_start(ctx->req, 200, "application/json", whdrs, cube_cache_watch_closed,
                               cube_cache_watch_cookie(ctx->srv->cache));
    if (cube_cache_watch(ctx->srv->cache, &wr, st, &err) < 0) {
        cube_bytes_t *status = cube_encode_status(&err);
        cube_buf_t b = CUBE_BUF_INIT;
        cube_buf_puts(&b, "{\"type\":\"ERROR\",\"object\":");
        cube_buf_append(&b, status->data, status->len);
        cube_buf_puts(&b, "}\n");
        cube_bytes_unref(status);
        cube_http_stream_write(st, cube_bytes_from_buf(&b));
        cube_http_stream_end(st);
    }
    reqctx_free(ctx);
    return;
fail:
    cube_selector_free(lsel);
    cube_selector_free(fsel);
    cube_reqctx_fail(ctx, &err);
}

/* ---- non-resource paths ------------------------------------------------- */

static void respond_text(cube_reqctx_t *ctx, int code, const char *ctype, const char *text)
{
    respond_typed(ctx, code, ctype, cube_bytes_new(text, strlen(text)));
}

static bool serve_nonresource(cube_reqctx_t *ctx, const char *path)
{
    if (!strcmp(path, "/healthz") || !strcmp(path, "/livez") || !strcmp(path, "/readyz") ||
        !strncmp(path, "/healthz/", 9) || !strncmp(path, "/livez/", 7) ||
        !strncmp(path, "/readyz/", 8)) {
        _cleanup_free_ char *verbose =
            cube_http_query_get(cube_http_req_query(ctx->req), "verbose");
        if (verbose) {
            cube_buf_t b = CUBE_BUF_INIT;
            cube_buf_puts(&b, "[+]ping ok\n[+]log ok\n[+]etcd ok\n");
            if (path[1] == 'r')
                cube_buf_puts(&b, "[+]informer-sync ok\n");
            const char *name = path[1] == 'h' ? "healthz" : path[1] == 'l' ? "livez" : "readyz";
            cube_buf_printf(&b, "%s check passed\n", name);
            respond_typed(ctx, 200, "text/plain; charset=utf-8", cube_bytes_from_buf(&b));
        } else {
            respond_text(ctx, 200, "text/plain; charset=utf-8", "ok");
        }
        return true;
    }
    if (!strcmp(path, "/version")) {
        char buf[512];
        snprintf(buf, sizeof(buf),
                 "{\n  \"major\": \"%s\",\n  \"minor\": \"%s\",\n  \"gitVersion\": \"%s\",\n"
                 "  \"gitCommit\": \"cube\",\n  \"gitTreeState\": \"clean\",\n"
                 "  \"buildDate\": \"%s\",\n  \"goVersion\": \"gcc %s\",\n"
                 "  \"compiler\": \"gcc\",\n  \"platform\": \"linux/amd64\"\n}",
                 CUBE_K8S_MAJOR, CUBE_K8S_MINOR, CUBE_GIT_VERSION, "2026-11-22T00:00:00Z",
                 __VERSION__);
        respond_text(ctx, 200, "application/json", buf);
        return true;
    }
    if (!strcmp(path, "/.well-known/openid-configuration") || !strcmp(path, "/openid/v1/jwks")) {
        json_auto_t *doc = path[1] == '.' ? cube_sa_openid_configuration(ctx->srv)
                                          : cube_jwt_jwks(ctx->srv->sa_key);
        _cleanup_free_ char *s = json_dumps(doc, JSON_COMPACT);
        respond_text(ctx, 200, path[1] == '.' ? "application/json" : "application/jwk-set+json", s);
        return true;
    }
    if (!strcmp(path, "/metrics")) {
        cube_bytes_t *m = cube_metrics_render(ctx->srv->metrics);
        cube_buf_t b = CUBE_BUF_INIT;
        cube_buf_append(&b, m->data, m->len);
        cube_bytes_unref(m);
        cube_buf_printf(
            &b,
            "# HELP cube_apiserver_watch_streams Watch streams open now, all resources.\n"
            "# TYPE cube_apiserver_watch_streams gauge\n"
            "cube_apiserver_watch_streams %zu\n",
            cube_cache_watch_count(ctx->srv->cache));
        respond_typed(ctx, 200, "text/plain; version=0.0.4; charset=utf-8",
                      cube_bytes_from_buf(&b));
        return true;
    }
    if (!strcmp(path, "/openapi/v2") || !strcmp(path, "/openapi/v3") ||
        !strncmp(path, "/openapi/v3/", 12)) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        _cleanup_free_ char *hash = cube_http_query_get(cube_http_req_query(ctx->req), "hash");
        cube_openapi_answer_t a;
        if (cube_openapi_serve(path, hash, cube_http_req_header(ctx->req, "Accept"),
                               cube_http_req_header(ctx->req, "Accept-Encoding"),
                               cube_http_req_header(ctx->req, "If-None-Match"), &a, &err) < 0) {
            cube_reqctx_fail(ctx, &err);
            return true;
        }
        if (a.location) {
            const char *moved[] = {"Location", a.location, "Cache-Control", "no-cache, private",
                                   NULL};
            cube_http_respond(ctx->req, 301, "text/plain; charset=utf-8", moved, NULL);
            reqctx_free(ctx);
            return true;
        }
        /* Hash-addressed documents never change: cacheable for a year, as Kubernetes says. */
        char expires[64] = "";
        if (a.immutable) {
            time_t t = time(NULL) + 365 * 24 * 3600;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(expires, sizeof(expires), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        }
        const char *hdrs[] = {"ETag",
                              a.etag,
                              "Cache-Control",
                              a.immutable ? "public, immutable" : "no-cache, private",
                              "Vary",
                              "Accept-Encoding",
                              a.gzip ? "Content-Encoding" : "X-Content-Type-Options",
                              a.gzip ? "gzip" : "nosniff",
                              a.immutable ? "Expires" : NULL,
                              expires,
                              NULL};
        cube_http_respond(ctx->req, a.not_modified ? 304 : 200, a.content_type, hdrs, a.body);
        reqctx_free(ctx);
        return true;
    }
    return false;
}

/* ---- routing ------------------------------------------------------------ */

/* Splits the path into segments; returns the count (at most max). */
static size_t split_path(char *path, char **seg, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *s = strtok_r(path, "/", &save); s && n < max; s = strtok_r(NULL, "/", &save))
        seg[n++] = s;
    return n;
}

static int route(cube_reqctx_t *ctx, const char *path, bool *ret_watch_prefix, cube_err_t *err)
{
    _cleanup_free_ char *copy = xstrdup(path);
    char *seg[16];
    size_t n = split_path(copy, seg, 16);
    size_t i;
    if (n >= 2 && !strcmp(seg[0], "api")) {
        ctx->group = xstrdup("");
        ctx->version = xstrdup(seg[1]);
        i = 2;
    } else if (n >= 3 && !strcmp(seg[0], "apis")) {
        ctx->group = xstrdup(seg[1]);
        ctx->version = xstrdup(seg[2]);
        i = 3;
    } else {
        return cube_err_notfound(err, "the server could not find the requested resource");
    }
    if (i < n && !strcmp(seg[i], "watch")) {
        *ret_watch_prefix = true;
        i++;
    }
    if (i >= n)
        return cube_err_notfound(err, "the server could not find the requested resource");
    size_t rest = n - i;
    if (!strcmp(seg[i], "namespaces") && rest >= 3 && strcmp(seg[i + 2], "status") &&
        strcmp(seg[i + 2], "finalize")) {
        ctx->ns = xstrdup(seg[i + 1]);
        i += 2;
        rest -= 2;
    }
    ctx->plural = xstrdup(seg[i]);
    if (rest >= 2)
        ctx->name = xstrdup(seg[i + 1]);
    if (rest >= 3)
        ctx->sub = xstrdup(seg[i + 2]);
    if (rest > 3)
        return cube_err_notfound(err, "the server could not find the requested resource");
    ctx->res = cube_api_resource_find(ctx->group, ctx->version, ctx->plural);
    if (!ctx->res)
        return cube_err_notfound(err, "the server could not find the requested resource");
    if (ctx->ns && !ctx->res->namespaced)
        return cube_err_notfound(err, "the server could not find the requested resource");
    if (ctx->sub) {
        unsigned s = ctx->res->subresources;
        bool ok = (!strcmp(ctx->sub, "status") && (s & CUBE_SUB_STATUS)) ||
                  (!strcmp(ctx->sub, "scale") && (s & CUBE_SUB_SCALE)) ||
                  (!strcmp(ctx->sub, "binding") && (s & CUBE_SUB_BINDING)) ||
                  (!strcmp(ctx->sub, "finalize") && (s & CUBE_SUB_FINALIZE)) ||
                  (!strcmp(ctx->sub, "token") && (s & CUBE_SUB_TOKEN)) ||
                  (!strcmp(ctx->sub, "log") && (s & CUBE_SUB_LOG));
        if (!ok)
            return cube_err_notfound(err, "the server could not find the requested resource");
    }
    /* A namespaced object addressed without its namespace. */
    if (ctx->res->namespaced && ctx->name && !ctx->ns)
        return cube_err_notfound(err, "the server could not find the requested resource");
    return 0;
}

static const char *verb_of(cube_reqctx_t *ctx, const char *method, bool watch)
{
    if (!strcmp(method, "GET") || !strcmp(method, "HEAD")) {
        if (watch)
            return "watch";
        return ctx->name ? "get" : "list";
    }
    if (!strcmp(method, "POST"))
        return "create";
    if (!strcmp(method, "PUT"))
        return "update";
    if (!strcmp(method, "PATCH"))
        return "patch";
    if (!strcmp(method, "DELETE"))
        return ctx->name ? "delete" : "deletecollection";
    return NULL;
}

static bool verb_allowed(const cube_reqctx_t *ctx)
{
    static const struct {
        const char *verb;
        unsigned bit;
    } map[] = {{"get", CUBE_VERB_GET},       {"list", CUBE_VERB_LIST},
               {"watch", CUBE_VERB_WATCH},   {"create", CUBE_VERB_CREATE},
               {"update", CUBE_VERB_UPDATE}, {"patch", CUBE_VERB_PATCH},
               {"delete", CUBE_VERB_DELETE}, {"deletecollection", CUBE_VERB_DELETECOLLECTION}};
    if (ctx->sub) {
        if (!strcmp(ctx->sub, "binding") || !strcmp(ctx->sub, "token"))
            return !strcmp(ctx->verb, "create");
        if (!strcmp(ctx->sub, "finalize"))
            return !strcmp(ctx->verb, "update");
        if (!strcmp(ctx->sub, "log"))
            return !strcmp(ctx->verb, "get");
        return !strcmp(ctx->verb, "get") || !strcmp(ctx->verb, "update") ||
               !strcmp(ctx->verb, "patch");
    }
    if (!strcmp(ctx->verb, "create") && ctx->name)
        return false;
    if ((!strcmp(ctx->verb, "update") || !strcmp(ctx->verb, "patch")) && !ctx->name)
        return false;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(map); i++)
        if (!strcmp(map[i].verb, ctx->verb))
            return (ctx->res->verbs & map[i].bit) != 0;
    return false;
}

void cube_apiserver_handle(cube_http_req_t *req, void *userdata)
{
    cube_apiserver_t *srv = userdata;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_reqctx_t *ctx = xcalloc(1, sizeof(*ctx));
    ctx->srv = srv;
    ctx->req = req;
    ctx->start_ns = cube_time_mono_ns();
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    ctx->received_ns = (uint64_t)wall.tv_sec * 1000000000ull + (uint64_t)wall.tv_nsec;
    cube_uuid4(ctx->audit_id);
    const char *path = cube_http_req_path(req);
    const char *method = cube_http_req_method(req);

    bool public = !strcmp(path, "/healthz") || !strcmp(path, "/livez") ||
                  !strcmp(path, "/readyz") || !strcmp(path, "/version");
    if (cube_authn_request(srv->authn, req, &ctx->user, &err) < 0 && !public)
        return cube_reqctx_fail(ctx, &err);
    cube_err_clear(&err);
    if (ctx->user && cube_impersonate(srv, req, &ctx->user, &err) < 0)
        return cube_reqctx_fail(ctx, &err);

    if (cube_http_req_body_too_large(req)) {
        cube_err_set(&err, 413, "RequestEntityTooLarge", "Request entity too large: limit is %u",
                     MAX_BODY);
        return cube_reqctx_fail(ctx, &err);
    }
    if (strncmp(path, "/api/", 5) && strcmp(path, "/api") && strncmp(path, "/apis", 5)) {
        cube_authz_attrs_t a = {.user = ctx->user, .verb = "get", .path = path};
        if (cube_authz_authorize(srv, &a, &err) < 0)
            return cube_reqctx_fail(ctx, &err);
        if (serve_nonresource(ctx, path))
            return;
        cube_err_notfound(&err, "the server could not find the requested resource");
        return cube_reqctx_fail(ctx, &err);
    }
    if (cube_discovery_serve(ctx, path))
        return;

    bool watch_prefix = false;
    if (route(ctx, path, &watch_prefix, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    if (srv->audit) { /* the write path may take the body over before the answer */
        size_t blen = 0;
        const char *b = cube_http_req_body(req, &blen);
        if (b && blen)
            ctx->audit_body = cube_bytes_new(b, blen);
    }
    bool watch = watch_prefix || param_true(ctx, "watch");
    ctx->verb = verb_of(ctx, method, watch);
    if (!ctx->verb || !verb_allowed(ctx)) {
        ctx->verb = ctx->verb ? ctx->verb : "unknown";
        cube_err_set(&err, 405, "MethodNotAllowed",
                     "the server does not allow this method on the requested resource");
        return cube_reqctx_fail(ctx, &err);
    }
    cube_authz_attrs_t a = {.user = ctx->user,
                            .verb = ctx->verb,
                            .group = ctx->group,
                            .version = ctx->version,
                            .resource = ctx->plural,
                            .subresource = ctx->sub,
                            .ns = ctx->ns,
                            .name = ctx->name};
    if (cube_authz_authorize(srv, &a, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    if (ctx->sub && !strcmp(ctx->sub, "log"))
        return cube_podlog_handle(ctx);

    if (!strcmp(ctx->verb, "get") || !strcmp(ctx->verb, "list") || !strcmp(ctx->verb, "watch")) {
        accept_t acc = parse_accept(cube_http_req_header(req, "Accept"));
        if (!acc.ok) {
            cube_err_set(&err, 406, "NotAcceptable",
                         "only the following media types are accepted: application/json, "
                         "application/yaml, application/vnd.kubernetes.protobuf");
            return cube_reqctx_fail(ctx, &err);
        }
        if (!strcmp(ctx->verb, "get"))
            return do_get(ctx, acc);
        if (!strcmp(ctx->verb, "list"))
            return do_list(ctx, acc);
        return do_watch(ctx, acc);
    }
    if (!strcmp(ctx->verb, "create") && cube_reviews_handles(ctx))
        return cube_pool_submit(srv->workers, cube_reviews_handle, ctx);
    /* Creates never block (their store write is asynchronous): answer them right here. */
    if (!strcmp(ctx->verb, "create") && !ctx->sub)
        return cube_write_handle(ctx);
    cube_pool_submit(srv->workers, cube_write_handle, ctx);
}
