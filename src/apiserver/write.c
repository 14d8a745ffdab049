/*
 * Writes: create, update (PUT), patch, delete and deletecollection, and the
 * status, scale, binding and finalize subresources. Runs on a worker thread
 * (the store's group commit blocks the caller until its batch is durable).
 *
 * Each write follows the generic registry flow of Kubernetes: decode and
 * check the object against the URL, set what the server owns (uid,
 * creationTimestamp, generation), default, let the type's strategy prepare
 * it, admit, validate, then store with an optimistic-concurrency
 * precondition (resourceVersion), retrying on a conflict the client did not
 * ask to see.
 */
#include "apiserver/internal.h"

#include <sys/random.h>

#define UPDATE_RETRIES 8

/* ---- helpers ------------------------------------------------------------ */

static void now_rfc3339(char *out)
{
    cube_time_rfc3339(time(NULL), out);
}

static int conflict(cube_err_t *err, const cube_resource_t *r, const char *name)
{
    char qr[160];
    cube_qualified_resource(r, qr, sizeof(qr));
    cube_err_conflict(err,
                      "Operation cannot be fulfilled on %s \"%s\": the object has been modified; "
                      "please apply your changes to the latest version and try again",
                      qr, name);
    err->details = cube_status_details(r, name);
    return -1;
}

static int already_exists(cube_err_t *err, const cube_resource_t *r, const char *name)
{
    char qr[160];
    cube_qualified_resource(r, qr, sizeof(qr));
    cube_err_exists(err, "%s \"%s\" already exists", qr, name);
    err->details = cube_status_details(r, name);
    return -1;
}

static bool dry_run(cube_reqctx_t *ctx)
{
    _cleanup_free_ char *d = cube_reqctx_param(ctx, "dryRun");
    return d && !strcmp(d, "All");
}

static bool media_is(const char *ct, const char *want);

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * fieldValidation: Strict (what kubectl sends when it validates) refuses
 * unknown and duplicate fields; Warn (the default) and Ignore decode as
 * Kubernetes' typed decoding does: unknown fields are dropped, the last of
 * duplicate fields wins; Warn answers each with a Warning header.
 */
typedef enum { FV_WARN, FV_IGNORE, FV_STRICT } field_validation_t;

static field_validation_t field_validation(cube_reqctx_t *ctx)
{
    _cleanup_free_ char *fv = cube_reqctx_param(ctx, "fieldValidation");
    if (fv && !strcmp(fv, "Strict"))
        return FV_STRICT;
    if (fv && !strcmp(fv, "Ignore"))
        return FV_IGNORE;
    return FV_WARN;
}

/* What strict decoding found, as Kubernetes' strict errors name it. */
typedef struct strict_found {
    cube_reqctx_t *ctx;
    field_validation_t fv;
    const char *what; /* "unknown field", "duplicate field" */
    cube_buf_t msgs; /* ", "-joined (Strict) */
} strict_found_t;

static void strict_note(strict_found_t *f, const char *text)
{
    if (f->fv == FV_WARN)
        cube_reqctx_warn(f->ctx, text);
    else if (f->fv == FV_STRICT)
        cube_buf_printf(&f->msgs, "%s%s", f->msgs.len ? ", " : "", text);
}

static void strict_field(const char *path, void *arg)
{
    strict_found_t *f = arg;
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b, "%s ", f->what);
    cube_buf_go_quote(&b, path);
    strict_note(f, b.data);
    cube_buf_clear(&b);
}

/*
 * Field validation of a create or update body already decoded into obj
 * (yaml_dups: the YAML decoder's duplicate keys error, or NULL). Unknown fields
 * are removed from obj unless Strict. Errors: BadRequest (Strict).
 */
static int check_fields(cube_reqctx_t *ctx, json_t *obj, const char *yaml_dups, cube_err_t *err)
{
    strict_found_t f = {.ctx = ctx, .fv = field_validation(ctx)};
    if (f.fv == FV_IGNORE) {
        cube_schema_unknown_fields(ctx->res, obj, true, NULL, NULL);
        return 0;
    }
    if (yaml_dups)
        strict_note(&f, yaml_dups);
    f.what = "duplicate field";
    const char *ct = cube_http_req_header(ctx->req, "Content-Type");
    if (!media_is(ct, "application/yaml") && !media_is(ct, "application/vnd.kubernetes.protobuf")) {
        size_t len;
        const char *body = cube_http_req_body(ctx->req, &len);
        cube_json_duplicate_fields(body, len, strict_field, &f);
    }
    f.what = "unknown field";
    cube_schema_unknown_fields(ctx->res, obj, f.fv != FV_STRICT, strict_field, &f);
    if (!f.msgs.len)
        return 0;
    const cube_resource_t *r = ctx->res;
    cube_err_badrequest(err,
                        "%s in version \"%s\" cannot be handled as a %s: strict decoding error: %s",
                        r->kind, r->version, r->kind, f.msgs.data);
    cube_buf_clear(&f.msgs);
    return -1;
}

/*
 * The manager a write is recorded under: ?fieldManager=, else the first
 * segment of the User-Agent ("kubectl-edit/v1.32.0 (linux/amd64) ..." ->
 * "kubectl-edit"), as Kubernetes derives it. out >= 129 bytes.
 */
static void manager_name(cube_reqctx_t *ctx, char *out, size_t outlen)
{
    _cleanup_free_ char *fm = cube_reqctx_param(ctx, "fieldManager");
    const char *ua = cube_http_req_header(ctx->req, "User-Agent");
    const char *src = fm ? fm : ua ? ua : "";
    size_t n = fm ? strlen(src) : strcspn(src, "/");
    if (n > 128)
        n = 128;
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, src, n);
    out[n] = 0;
}

/* What cube_managed_update/apply need to know about this request. manager: >= 129 bytes. */
static cube_managed_req_t managed_req(cube_reqctx_t *ctx, cube_api_op_t op, char *manager)
{
    manager_name(ctx, manager, 129);
    return (cube_managed_req_t){
        ctx->res, manager, ctx->sub,
        op == CUBE_OP_UPDATE_STATUS && ctx->sub && !strcmp(ctx->sub, "status") ? CUBE_FIELDS_STATUS
                                                                               : CUBE_FIELDS_MAIN,
        time(NULL)};
}

/* Renders a JSON value as Go's %+v renders the map[string]interface{} it decodes into. */
static void go_value(cube_buf_t *b, const json_t *v)
{
    if (json_is_object(v)) {
        size_t n = json_object_size(v), i = 0;
        const char **keys = xcalloc(n + 1, sizeof(*keys));
        const char *k;
        json_t *c;
        json_object_foreach((json_t *)v, k, c) keys[i++] = k;
        qsort(keys, n, sizeof(*keys), cmp_cstr);
        cube_buf_puts(b, "map[");
        for (i = 0; i < n; i++) {
            cube_buf_printf(b, "%s%s:", i ? " " : "", keys[i]);
            go_value(b, json_object_get(v, keys[i]));
        }
        cube_buf_putc(b, ']');
        free(keys);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *c;
        cube_buf_putc(b, '[');
        json_array_foreach(v, i, c)
        {
            if (i)
                cube_buf_putc(b, ' ');
            go_value(b, c);
        }
        cube_buf_putc(b, ']');
    } else if (json_is_string(v)) {
        cube_buf_puts(b, json_string_value(v));
    } else if (json_is_null(v)) {
        cube_buf_puts(b, "<nil>");
    } else if (json_is_integer(v)) {
        cube_buf_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        cube_buf_printf(b, "%.*g", cube_shortest_digits(json_real_value(v)), json_real_value(v));
    } else {
        cube_buf_puts(b, json_is_true(v) ? "true" : "false");
    }
}

/*
 * fieldValidation=Strict on a patched object: unknown fields are refused as
 * Kubernetes' patch handler refuses them, an Invalid error on the field
 * "patch" whose value is the patch (strategic) or the patched object (JSON and
 * merge patches).
 */
static int strict_patched(cube_reqctx_t *ctx, const json_t *shown, bool go_map, json_t *obj,
                          cube_err_t *err)
{
    strict_found_t f = {.ctx = ctx, .fv = field_validation(ctx), .what = "unknown field"};
    if (f.fv != FV_STRICT) {
        cube_schema_unknown_fields(ctx->res, obj, true, strict_field, &f);
        return 0;
    }
    cube_err_t serr _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_openapi_strict_check(ctx->res, obj, &serr) == 0)
        return 0;
    const char *why = strstr(serr.msg, "strict decoding error: ");
    cube_buf_t v = CUBE_BUF_INIT;
    if (go_map) {
        go_value(&v, shown);
    } else {
        _cleanup_free_ char *s = cube_json_dump(shown, NULL);
        cube_buf_puts(&v, s);
    }
    cube_buf_t m = CUBE_BUF_INIT;
    cube_buf_puts(&m, "Invalid value: ");
    cube_buf_go_quote(&m, v.data);
    cube_buf_printf(&m, ": %s", why ? why : serr.msg);
    cube_err_invalid(err, " \"\" is invalid: patch: %s", m.data);
    err->details = json_pack("{s:[{s:s, s:s, s:s}]}", "causes", "reason", "FieldValueInvalid",
                             "message", m.data, "field", "patch");
    cube_buf_clear(&v);
    cube_buf_clear(&m);
    return -1;
}

/* The body as a JSON object; *ret_yaml_dups (when asked): the YAML decoder's
   duplicate keys error or NULL. Errors: BadRequest, UnsupportedMediaType. */
static int decode_body_dups(cube_reqctx_t *ctx, json_t **ret, char **ret_yaml_dups, cube_err_t *err)
{
    size_t len;
    const char *body = cube_http_req_body(ctx->req, &len);
    if (!body || !len)
        return cube_err_badrequest(err, "the body of the request was empty");
    const char *ct = cube_http_req_header(ctx->req, "Content-Type");
    if (media_is(ct, "application/vnd.kubernetes.protobuf"))
        return cube_protobuf_decode(body, len, ret, err);
    if (media_is(ct, "application/yaml"))
        return ret_yaml_dups ? cube_yaml_decode_dups(body, len, ret, ret_yaml_dups, err)
                             : cube_yaml_decode(body, len, ret, err);
    json_error_t je;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES & 0, &je);
    if (!j)
        return cube_err_badrequest(err, "couldn't get version/kind; json parse error: %s", je.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return cube_err_badrequest(err, "couldn't get version/kind; json parse error: json: "
                                        "cannot unmarshal non-object into Go value of type "
                                        "struct { APIVersion string; Kind string }");
    }
    *ret = j;
    return 0;
}

int cube_reqctx_decode_body(cube_reqctx_t *ctx, json_t **ret, cube_err_t *err)
{
    return decode_body_dups(ctx, ret, NULL, err);
}

static bool media_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && !strncasecmp(ct, want, n) && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

static int check_json_media(cube_reqctx_t *ctx, cube_err_t *err)
{
    const char *ct = cube_http_req_header(ctx->req, "Content-Type");
    if (!ct || media_is(ct, "application/json") || media_is(ct, "*/*") ||
        media_is(ct, "application/yaml") || media_is(ct, "application/vnd.kubernetes.protobuf"))
        return 0;
    return cube_err_set(err, 415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types "
                        "include: application/json, application/yaml, "
                        "application/vnd.kubernetes.protobuf");
}

/* apiVersion and kind of a body must be those of the URL's resource. */
static int check_gvk(const cube_resource_t *r, json_t *obj, const char *want_kind,
                     const char *want_gv, cube_err_t *err)
{
    const char *av = cube_json_str(obj, "apiVersion", NULL);
    const char *kind = cube_json_str(obj, "kind", NULL);
    char gv[128];
    if (want_gv)
        snprintf(gv, sizeof(gv), "%s", want_gv);
    else
        cube_api_group_version(r, gv, sizeof(gv));
    const char *wk = want_kind ? want_kind : r->kind;
    /* Like Kubernetes' decoder, a body without apiVersion/kind takes the URL's. */
    if (!kind || !*kind) {
        json_object_set_new(obj, "kind", json_string(wk));
        kind = wk;
    }
    if (!av || !*av) {
        json_object_set_new(obj, "apiVersion", json_string(gv));
        av = gv;
    }
    if (strcmp(av, gv))
        return cube_err_badrequest(err,
                                   "the API version in the data (%s) does not match the expected "
                                   "API version (%s)",
                                   av, gv);
    if (strcmp(kind, wk))
        return cube_err_badrequest(err,
                                   "the kind in the data (%s) does not match the expected kind "
                                   "(%s)",
                                   kind, wk);
    return 0;
}

int cube_read_object(cube_apiserver_t *srv, const cube_resource_t *r, const char *ns,
                     const char *name, json_t **ret, int64_t *ret_rev, cube_err_t *err)
{
    cube_cache_sync(srv->cache, 5000);
    _cleanup_free_ char *key = cube_key(r, ns, name);
    cube_obj_t *o = key ? cube_cache_get(srv->cache, key) : NULL;
    if (!o)
        return cube_err_not_found(err, r, name);
    json_t *j = json_loadb(o->json->data, o->json->len, 0, NULL);
    int64_t rev = o->rev;
    cube_obj_unref(o);
    if (!j)
        return cube_err_internal(err, "stored object %s is not valid JSON", key);
    *ret = j;
    if (ret_rev)
        *ret_rev = rev;
    return 0;
}

/* Answers obj with its new resourceVersion. */
static void respond_stored(cube_reqctx_t *ctx, int code, const char *stored, size_t len,
                           int64_t rev)
{
    cube_reqctx_respond(ctx, code,
                        rev ? cube_encode_with_rv(stored, len, rev) : cube_bytes_new(stored, len));
}

static void respond_json(cube_reqctx_t *ctx, int code, const json_t *obj)
{
    size_t len;
    char *s = cube_json_dump(obj, &len);
    cube_reqctx_respond(ctx, code, cube_bytes_new(s, len));
    free(s);
}

static int validate(const cube_resource_t *r, cube_api_op_t op, json_t *obj, const json_t *old,
                    cube_err_t *err)
{
    cube_field_errors_t *fe = cube_field_errors_new();
    if (op != CUBE_OP_UPDATE_STATUS)
        cube_api_validate_meta(r, obj, fe);
    cube_api_validate(r, op, obj, old, fe);
    int rc = 0;
    if (cube_field_errors_count(fe)) {
        const char *name = cube_json_str(obj, "metadata", "name", NULL);
        rc = cube_field_errors_to_err(fe, r, name ? name : "", err);
    }
    cube_field_errors_free(fe);
    return rc;
}

/* ---- create ------------------------------------------------------------- */

/*
 * Everything a create does before the store: URL checks, server-owned
 * metadata, defaults, strategy, admission, validation. ret_key, ret_stored:
 * the storage key and bytes (owned).
 */
/* Admission's warnings become Warning headers of the answer. */
static void forward_warnings(cube_reqctx_t *ctx, const json_t *warnings)
{
    size_t i;
    json_t *w;
    json_array_foreach(warnings, i, w) cube_reqctx_warn(ctx, json_string_value(w));
}

static int create_prepare(cube_reqctx_t *ctx, const cube_resource_t *r, json_t *obj, bool track,
                          char **ret_key, char **ret_stored, size_t *ret_len, cube_err_t *err);

static int create_prepare(cube_reqctx_t *ctx, const cube_resource_t *r, json_t *obj, bool track,
                          char **ret_key, char **ret_stored, size_t *ret_len, cube_err_t *err)
{
    json_t *meta = cube_json_obj(obj, "metadata");
    const char *ns = cube_json_str(meta, "namespace", NULL);
    if (r->namespaced) {
        if (ctx->ns && ns && *ns && strcmp(ns, ctx->ns))
            return cube_err_badrequest(err, "the namespace of the provided object does not match "
                                            "the namespace sent on the request");
        if (ctx->ns)
            json_object_set_new(meta, "namespace", json_string(ctx->ns));
    } else {
        json_object_del(meta, "namespace");
    }
    const char *rv = cube_json_str(meta, "resourceVersion", NULL);
    if (rv && *rv)
        return cube_err_badrequest(err,
                                   "resourceVersion should not be set on objects to be created");
    const char *name = cube_json_str(meta, "name", NULL);
    const char *gen = cube_json_str(meta, "generateName", NULL);
    if ((!name || !*name) && gen && *gen) {
        char sfx[8];
        cube_random_suffix(sfx, 5);
        _cleanup_free_ char *nm = xasprintf("%s%s", gen, sfx);
        json_object_set_new(meta, "name", json_string(nm));
    }
    char uid[37], ts[32];
    cube_uuid4(uid);
    now_rfc3339(ts);
    json_object_set_new(meta, "uid", json_string(uid));
    json_object_set_new(meta, "creationTimestamp", json_string(ts));
    json_object_del(meta, "deletionTimestamp");
    json_object_del(meta, "deletionGracePeriodSeconds");
    json_object_del(meta, "selfLink");

    cube_api_default(r, obj);
    cube_api_prepare(r, CUBE_OP_CREATE, obj, NULL);
    json_auto_t *warnings = json_array();
    int admitted = cube_admission_create(ctx->srv, ctx->user, r, obj, warnings, err);
    forward_warnings(ctx, warnings);
    if (admitted < 0)
        return -1;
    if (validate(r, CUBE_OP_CREATE, obj, NULL, err) < 0)
        return -1;
    if (track) { /* an apply that creates has recorded its own fields */
        char manager[129];
        cube_managed_req_t q = managed_req(ctx, CUBE_OP_CREATE, manager);
        cube_managed_update(&q, NULL, obj);
    }
    name = cube_json_str(meta, "name", NULL);
    ns = cube_json_str(meta, "namespace", NULL);
    _cleanup_free_ char *key = cube_key(r, ns, name);
    if (!key)
        return cube_err_badrequest(err, "the object has no namespace");
    *ret_stored = cube_encode_for_store(obj, ret_len);
    *ret_key = TAKE_PTR(key);
    return 0;
}

/* A create waiting for its group commit. */
typedef struct create_job {
    cube_reqctx_t *ctx;
    char *name;
    char *stored;
    size_t len;
    uint64_t t0;
} create_job_t;

/* The store's answer to an asynchronous create; on the store's committer thread. */
static void create_done(int rc, int64_t rev, const cube_err_t *serr, void *userdata)
{
    create_job_t *job = userdata;
    cube_reqctx_t *ctx = job->ctx;
    cube_metrics_store(ctx->srv->metrics, "create", ctx->res->plural,
                       (double)(cube_time_mono_ns() - job->t0) / 1e9);
    if (rc < 0) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (serr->code == 409)
            already_exists(&err, ctx->res, job->name);
        else
            cube_err_set(&err, serr->code, serr->reason, "%s", serr->msg);
        cube_reqctx_fail(ctx, &err);
    } else {
        respond_stored(ctx, 201, job->stored, job->len, rev);
    }
    free(job->name);
    free(job->stored);
    free(job);
}

/*
 * Runs on the HTTP I/O thread: the CPU work is done here and the store write
 * is queued without waiting, so a create costs no thread hand-offs until the
 * commit answers it.
 */
static void do_create(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *obj = NULL;
    _cleanup_free_ char *yaml_dups = NULL;
    if (check_json_media(ctx, &err) < 0 || decode_body_dups(ctx, &obj, &yaml_dups, &err) < 0 ||
        check_gvk(ctx->res, obj, NULL, NULL, &err) < 0 ||
        check_fields(ctx, obj, yaml_dups, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    _cleanup_free_ char *key = NULL, *stored = NULL;
    size_t len = 0;
    if (create_prepare(ctx, ctx->res, obj, true, &key, &stored, &len, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    if (dry_run(ctx))
        return respond_stored(ctx, 201, stored, len, 0);
    create_job_t *job = xcalloc(1, sizeof(*job));
    job->ctx = ctx;
    job->name = xstrdup(cube_json_str(obj, "metadata", "name", NULL));
    job->stored = TAKE_PTR(stored);
    job->len = len;
    job->t0 = cube_time_mono_ns();
    cube_store_create_async(ctx->srv->store, key, job->stored, len, create_done, job);
}

/* ---- update ------------------------------------------------------------- */

/* Sets obj's metadata.<key> to old's for each key (removing it where old has none). */
static void meta_from_old(json_t *obj, const json_t *old, const char *const *keys, size_t n)
{
    json_t *m = cube_json_obj(obj, "metadata");
    json_t *om = json_object_get(old, "metadata");
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(om, keys[i]);
        if (v)
            json_object_set(m, keys[i], v);
        else
            json_object_del(m, keys[i]);
    }
}

/* Server-owned metadata the strategy (cube_api_prepare) does not already keep. */
static void keep_server_meta(json_t *obj, const json_t *old)
{
    static const char *const keys[] = {"deletionTimestamp", "deletionGracePeriodSeconds",
                                       "namespace", "name"};
    meta_from_old(obj, old, keys, CUBE_ARRAY_SIZE(keys));
    json_object_del(cube_json_obj(obj, "metadata"), "selfLink");
}

/* Status updates ignore metadata changes but a few, as ResetObjectMetaForStatus does. */
static void keep_meta_for_status(json_t *obj, const json_t *old)
{
    static const char *const keys[] = {"labels", "annotations", "finalizers", "ownerReferences"};
    meta_from_old(obj, old, keys, CUBE_ARRAY_SIZE(keys));
}

typedef json_t *(*mutate_fn)(cube_reqctx_t *ctx, const json_t *current, void *arg, cube_err_t *err);

static json_t *mutate_apply(cube_reqctx_t *ctx, const json_t *current, void *arg, cube_err_t *err);
static json_t *mutate_bind(cube_reqctx_t *ctx, const json_t *current, void *arg, cube_err_t *err);

static int delete_now(cube_reqctx_t *ctx, const cube_resource_t *r, const char *key, int64_t rev,
                      cube_err_t *err);

/* Whether obj and old differ only in key order or resourceVersion (then nothing is written). */
static bool same_but_order(json_t *obj, json_t *old)
{
    json_t *m = json_object_get(obj, "metadata"), *om = json_object_get(old, "metadata");
    json_t *rv = json_incref(json_object_get(m, "resourceVersion"));
    json_t *orv = json_incref(json_object_get(om, "resourceVersion"));
    json_object_del(m, "resourceVersion");
    json_object_del(om, "resourceVersion");
    bool same = json_equal(obj, old);
    if (rv)
        json_object_set_new(m, "resourceVersion", rv);
    if (orv)
        json_object_set_new(om, "resourceVersion", orv);
    return same;
}

/*
 * The read-modify-write loop shared by PUT, PATCH and the subresources:
 * mutate() turns the current object into the desired one (new reference);
 * a resourceVersion it leaves in the result is a precondition.
 */
static int update_object(cube_reqctx_t *ctx, const cube_resource_t *r, cube_api_op_t op,
                         mutate_fn mutate, void *arg, char **ret_stored, size_t *ret_len,
                         int64_t *ret_rev, bool *ret_deleted, cube_err_t *err)
{
    _cleanup_free_ char *key = cube_key(r, ctx->ns, ctx->name);
    *ret_deleted = false;
    for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
        json_auto_t *old = NULL;
        int64_t cur_rev;
        if (cube_read_object(ctx->srv, r, ctx->ns, ctx->name, &old, &cur_rev, err) < 0)
            return -1;
        json_auto_t *obj = mutate(ctx, old, arg, err);
        if (!obj)
            return -1;
        if (!json_is_object(obj))
            return cube_err_badrequest(err, "the object is not a JSON object");
        json_t *meta = cube_json_obj(obj, "metadata");
        const char *name = cube_json_str(meta, "name", NULL);
        if (name && strcmp(name, ctx->name))
            return cube_err_badrequest(err,
                                       "the name of the object (%s) does not match the name on the "
                                       "URL (%s)",
                                       name, ctx->name);
        const char *ns = cube_json_str(meta, "namespace", NULL);
        if (r->namespaced && ns && *ns && strcmp(ns, ctx->ns))
            return cube_err_badrequest(err, "the namespace of the provided object does not match "
                                            "the namespace sent on the request");
        const char *rv = cube_json_str(meta, "resourceVersion", NULL);
        bool precondition = rv && *rv;
        if (precondition && strtoll(rv, NULL, 10) != cur_rev)
            return conflict(err, r, ctx->name);
        /* The uid, if given, must be the object's. */
        const char *uid = cube_json_str(meta, "uid", NULL);
        const char *old_uid = cube_json_str(old, "metadata", "uid", NULL);
        if (uid && *uid && old_uid && strcmp(uid, old_uid))
            return cube_err_set(err, 409, "Conflict",
                                "Precondition failed: UID in precondition: %s, UID in object "
                                "meta: %s",
                                uid, old_uid);

        keep_server_meta(obj, old);
        if (op == CUBE_OP_UPDATE_STATUS)
            keep_meta_for_status(obj, old);
        cube_api_default(r, obj);
        cube_api_prepare(r, op, obj, old);
        if (mutate == mutate_bind) /* a binding writes spec.nodeName as well as status */
            json_object_set_new(cube_json_obj(obj, "spec"), "nodeName", json_string(arg));
        json_auto_t *warnings = json_array();
        int admitted = cube_admission_update(ctx->srv, ctx->user, r, op, obj, old, warnings, err);
        forward_warnings(ctx, warnings);
        if (admitted < 0)
            return -1;
        if (validate(r, op, obj, old, err) < 0)
            return -1;
        if (mutate != mutate_apply) { /* an apply records its fields itself */
            char manager[129];
            cube_managed_req_t q = managed_req(ctx, op, manager);
            cube_managed_update(&q, old, obj);
        }
        /* An object being deleted goes once its last finalizer is removed. */
        json_t *fins = json_object_get(meta, "finalizers");
        if (json_object_get(meta, "deletionTimestamp") && json_array_size(fins) == 0) {
            json_object_del(meta, "finalizers");
            size_t len;
            _cleanup_free_ char *stored = cube_encode_for_store(obj, &len);
            if (dry_run(ctx)) {
                *ret_stored = TAKE_PTR(stored);
                *ret_len = len;
                *ret_rev = 0;
                return 0;
            }
            int rc = delete_now(ctx, r, key, cur_rev, err);
            if (rc < 0 && err->code == 409 && !precondition) {
                cube_err_clear(err);
                continue;
            }
            if (rc < 0)
                return -1;
            *ret_deleted = true;
            *ret_stored = TAKE_PTR(stored);
            *ret_len = len;
            *ret_rev = cur_rev;
            return 0;
        }
        size_t len;
        _cleanup_free_ char *stored = cube_encode_for_store(obj, &len);
        size_t olen;
        _cleanup_free_ char *ostored = cube_encode_for_store(old, &olen);
        if (((len == olen && !memcmp(stored, ostored, len)) || same_but_order(obj, old)) &&
            !cube_store_value_stale(ctx->srv->store, key)) { /* nothing changed: no write */
            *ret_stored = TAKE_PTR(stored);
            *ret_len = len;
            *ret_rev = cur_rev;
            return 0;
        }
        if (dry_run(ctx)) { /* answered with the resourceVersion it would replace */
            *ret_stored = TAKE_PTR(stored);
            *ret_len = len;
            *ret_rev = cur_rev;
            return 0;
        }
        int64_t rev;
        cube_err_t serr _cleanup_err_ = CUBE_ERR_INIT;
        uint64_t t0 = cube_time_mono_ns();
        int rc = cube_store_update(ctx->srv->store, key, stored, len, cur_rev, &rev, &serr);
        cube_metrics_store(ctx->srv->metrics, "update", r->plural,
                           (double)(cube_time_mono_ns() - t0) / 1e9);
        if (rc == 0) {
            *ret_stored = TAKE_PTR(stored);
            *ret_len = len;
            *ret_rev = rev;
            return 0;
        }
        if (serr.code == 404)
            return cube_err_not_found(err, r, ctx->name);
        if (serr.code != 409) {
            cube_err_move(err, &serr);
            return -1;
        }
        if (precondition)
            return conflict(err, r, ctx->name);
        cube_cache_wait(ctx->srv->cache, cube_store_revision(ctx->srv->store), 1000);
    }
    return conflict(err, r, ctx->name);
}

static json_t *mutate_replace(cube_reqctx_t *ctx, const json_t *current, void *arg, cube_err_t *err)
{
    return json_deep_copy(arg);
}

static void finish_update(cube_reqctx_t *ctx, int rc, char *stored, size_t len, int64_t rev,
                          bool deleted, cube_err_t *err)
{
    if (rc < 0)
        return cube_reqctx_fail(ctx, err);
    respond_stored(ctx, 200, stored, len, deleted ? 0 : rev);
    free(stored);
}

static cube_api_op_t op_for_sub(const cube_reqctx_t *ctx)
{
    return ctx->sub && !strcmp(ctx->sub, "status") ? CUBE_OP_UPDATE_STATUS : CUBE_OP_UPDATE;
}

static void do_update(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *obj = NULL;
    _cleanup_free_ char *yaml_dups = NULL;
    if (check_json_media(ctx, &err) < 0 || decode_body_dups(ctx, &obj, &yaml_dups, &err) < 0 ||
        check_gvk(ctx->res, obj, NULL, NULL, &err) < 0 ||
        check_fields(ctx, obj, yaml_dups, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    char *stored = NULL;
    size_t len = 0;
    int64_t rev = 0;
    bool deleted;
    int rc = update_object(ctx, ctx->res, op_for_sub(ctx), mutate_replace, obj, &stored, &len, &rev,
                           &deleted, &err);
    finish_update(ctx, rc, stored, len, rev, deleted, &err);
}

/* ---- patch -------------------------------------------------------------- */

typedef enum { PATCH_JSON, PATCH_MERGE, PATCH_STRATEGIC, PATCH_APPLY } patch_type_t;

typedef struct patch_arg {
    patch_type_t type;
    json_t *patch;
    bool force; /* apply: take fields other managers own */
} patch_arg_t;

static json_t *mutate_patch(cube_reqctx_t *ctx, const json_t *current, void *arg, cube_err_t *err)
{
    patch_arg_t *pa = arg;
    json_t *out = NULL;
    if (pa->type == PATCH_JSON) {
        if (cube_json_patch_apply(current, pa->patch, &out, err) < 0)
            return NULL;
    } else if (pa->type == PATCH_STRATEGIC) {
        if (cube_strategic_merge_patch(ctx->res, current, pa->patch, &out, err) < 0)
            return NULL;
    } else {
        out = cube_merge_patch_apply(current, pa->patch);
    }
    if (check_gvk(ctx->res, out, NULL, NULL, err) < 0 ||
        strict_patched(ctx, pa->type == PATCH_STRATEGIC ? pa->patch : out,
                       pa->type == PATCH_STRATEGIC, out, err) < 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/*
 * The applied configuration against the URL: apiVersion and kind required and
 * matching, fields known to the schema (structured-merge-diff refuses others
 * whatever fieldValidation says), the name taken from the URL when absent.
 */
static int check_apply_config(cube_reqctx_t *ctx, json_t *cfg, cube_err_t *err)
{
    const cube_resource_t *r = ctx->res;
    const char *av = cube_json_str(cfg, "apiVersion", NULL);
    const char *kind = cube_json_str(cfg, "kind", NULL);
    char gv[128];
    cube_api_group_version(r, gv, sizeof(gv));
    if (!kind || !*kind) {
        _cleanup_free_ char *s = cube_json_dump(cfg, NULL);
        return cube_err_badrequest(err, "error decoding patch: Object 'Kind' is missing in '%s'",
                                   s);
    }
    if (!av || strcmp(av, gv))
        return cube_err_badrequest(err,
                                   "Incorrect version specified in apply patch. Specified patch "
                                   "version: %s, expected: %s",
                                   av ? av : "", gv);
    if (strcmp(kind, r->kind))
        return cube_err_badrequest(err,
                                   "the kind in the data (%s) does not match the expected kind "
                                   "(%s)",
                                   kind, r->kind);
    cube_err_t serr _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_openapi_strict_check(r, cfg, &serr) < 0) {
        const char *u = strstr(serr.msg, "unknown field \"");
        cube_buf_t path = CUBE_BUF_INIT;
        if (u) {
            u += strlen("unknown field \"");
            cube_buf_putc(&path, '.');
            cube_buf_append(&path, u, strcspn(u, "\""));
        }
        cube_err_badrequest(err,
                            "failed to create typed patch object (%s, Kind=%s): %s: field not "
                            "declared in schema",
                            gv, r->kind, path.data ? path.data : "");
        cube_buf_clear(&path);
        return -1;
    }
    json_t *meta = cube_json_obj(cfg, "metadata");
    if (!cube_json_str(meta, "name", NULL) && ctx->name)
        json_object_set_new(meta, "name", json_string(ctx->name));
    return 0;
}

static json_t *mutate_apply(cube_reqctx_t *ctx, const json_t *current, void *arg, cube_err_t *err)
{
    patch_arg_t *pa = arg;
    char manager[129];
    cube_managed_req_t q = managed_req(ctx, op_for_sub(ctx), manager);
    json_t *out = NULL;
    if (cube_managed_apply(&q, current, pa->patch, pa->force, &out, err) < 0)
        return NULL;
    /* the live resourceVersion is no precondition; one in the configuration is */
    const char *rv = cube_json_str(pa->patch, "metadata", "resourceVersion", NULL);
    json_t *meta = cube_json_obj(out, "metadata");
    if (rv)
        json_object_set_new(meta, "resourceVersion", json_string(rv));
    else
        json_object_del(meta, "resourceVersion");
    return out;
}

/* PatchOptions checks (422 as ValidatePatchOptions answers them). */
static int check_patch_options(cube_reqctx_t *ctx, const patch_arg_t *pa, cube_err_t *err)
{
    _cleanup_free_ char *fm = cube_reqctx_param(ctx, "fieldManager");
    _cleanup_free_ char *force = cube_reqctx_param(ctx, "force");
    const char *field = NULL, *type = NULL, *msg = NULL;
    if (pa->type != PATCH_APPLY && force) {
        field = "force";
        type = "FieldValueForbidden";
        msg = "Forbidden: may not be specified for non-apply patch";
    } else if (pa->type == PATCH_APPLY && (!fm || !*fm)) {
        field = "fieldManager";
        type = "FieldValueRequired";
        msg = "Required value: is required for apply patch";
    } else if (fm && strlen(fm) > 128) {
        field = "fieldManager";
        type = "FieldValueTooLong";
        msg = "Too long: may not be more than 128 bytes";
    }
    if (!field)
        return 0;
    cube_err_invalid(err, "PatchOptions.meta.k8s.io \"\" is invalid: %s: %s", field, msg);
    err->details =
        json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "group", "meta.k8s.io", "kind", "PatchOptions",
                  "causes", "reason", type, "message", msg, "field", field);
    return -1;
}

static int decode_patch(cube_reqctx_t *ctx, patch_arg_t *pa, cube_err_t *err)
{
    const char *ct = cube_http_req_header(ctx->req, "Content-Type");
    if (media_is(ct, "application/json-patch+json"))
        pa->type = PATCH_JSON;
    else if (media_is(ct, "application/merge-patch+json"))
        pa->type = PATCH_MERGE;
    else if (media_is(ct, "application/strategic-merge-patch+json"))
        pa->type = PATCH_STRATEGIC;
    else if (media_is(ct, "application/apply-patch+yaml"))
        pa->type = PATCH_APPLY;
    else
        return cube_err_set(err, 415, "UnsupportedMediaType",
                            "the body of the request was in an unknown format - accepted media "
                            "types include: application/json-patch+json, "
                            "application/merge-patch+json, "
                            "application/apply-patch+yaml, "
                            "application/strategic-merge-patch+json");
    if (check_patch_options(ctx, pa, err) < 0)
        return -1;
    size_t len;
    const char *body = cube_http_req_body(ctx->req, &len);
    if (pa->type == PATCH_APPLY) {
        _cleanup_free_ char *f = cube_reqctx_param(ctx, "force");
        pa->force = f && (!strcmp(f, "true") || !strcmp(f, "1") || !strcmp(f, "True"));
        if (!body || !len)
            return cube_err_badrequest(err, "error decoding patch: empty body");
        if (cube_yaml_decode(body, len, &pa->patch, err) < 0) {
            cube_err_prefix(err, "error decoding patch: ");
            err->code = 400;
            err->reason = "BadRequest";
            return -1;
        }
        return check_apply_config(ctx, pa->patch, err);
    }
    json_error_t je;
    pa->patch = body && len ? json_loadb(body, len, 0, &je) : NULL;
    if (!pa->patch)
        return cube_err_badrequest(err, "error decoding patch: %s",
                                   body && len ? je.text : "empty body");
    if (pa->type == PATCH_JSON && !json_is_array(pa->patch))
        return cube_err_badrequest(err, "json: cannot unmarshal object into Go value of type "
                                        "jsonpatch.Patch");
    if (pa->type != PATCH_JSON && !json_is_object(pa->patch))
        return cube_err_badrequest(err, "json: cannot unmarshal non-object into Go value of type "
                                        "map[string]interface {}");
    return 0;
}

/* An apply to an object that does not exist creates it, owned by the applying manager. */
static void apply_create(cube_reqctx_t *ctx, const patch_arg_t *pa)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    char manager[129];
    cube_managed_req_t q = managed_req(ctx, CUBE_OP_CREATE, manager);
    json_auto_t *obj = NULL;
    _cleanup_free_ char *key = NULL, *stored = NULL;
    size_t len = 0;
    if (cube_managed_apply(&q, NULL, pa->patch, pa->force, &obj, &err) < 0 ||
        create_prepare(ctx, ctx->res, obj, false, &key, &stored, &len, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    if (dry_run(ctx))
        return respond_stored(ctx, 201, stored, len, 0);
    create_job_t *job = xcalloc(1, sizeof(*job));
    job->ctx = ctx;
    job->name = xstrdup(cube_json_str(obj, "metadata", "name", NULL));
    job->stored = TAKE_PTR(stored);
    job->len = len;
    job->t0 = cube_time_mono_ns();
    cube_store_create_async(ctx->srv->store, key, job->stored, len, create_done, job);
}

static void do_patch(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    patch_arg_t pa = {0};
    if (decode_patch(ctx, &pa, &err) < 0) {
        json_decref(pa.patch);
        return cube_reqctx_fail(ctx, &err);
    }
    char *stored = NULL;
    size_t len = 0;
    int64_t rev = 0;
    bool deleted;
    int rc = update_object(ctx, ctx->res, op_for_sub(ctx),
                           pa.type == PATCH_APPLY ? mutate_apply : mutate_patch, &pa, &stored, &len,
                           &rev, &deleted, &err);
    if (rc < 0 && err.code == 404 && pa.type == PATCH_APPLY && !ctx->sub) {
        apply_create(ctx, &pa);
        json_decref(pa.patch);
        return;
    }
    json_decref(pa.patch);
    finish_update(ctx, rc, stored, len, rev, deleted, &err);
}

/* ---- delete ------------------------------------------------------------- */

static int delete_now(cube_reqctx_t *ctx, const cube_resource_t *r, const char *key, int64_t rev,
                      cube_err_t *err)
{
    int64_t drev;
    uint64_t t0 = cube_time_mono_ns();
    int rc = cube_store_delete(ctx->srv->store, key, rev, NULL, &drev, err);
    cube_metrics_store(ctx->srv->metrics, "delete", r->plural,
                       (double)(cube_time_mono_ns() - t0) / 1e9);
    return rc;
}

typedef struct delete_opts {
    bool has_grace;
    int64_t grace;
    char *propagation;
    char *pre_uid;
    char *pre_rv;
    bool dry;
} delete_opts_t;

static void delete_opts_clear(delete_opts_t *o)
{
    free(o->propagation);
    free(o->pre_uid);
    free(o->pre_rv);
}

static int parse_delete_opts(cube_reqctx_t *ctx, delete_opts_t *o, cube_err_t *err)
{
    size_t len;
    const char *body = cube_http_req_body(ctx->req, &len);
    if (body && len) {
        json_error_t je;
        json_auto_t *j = json_loadb(body, len, 0, &je);
        if (!j || !json_is_object(j))
            return cube_err_badrequest(err, "couldn't decode DeleteOptions: %s",
                                       j ? "not an object" : je.text);
        json_t *g = json_object_get(j, "gracePeriodSeconds");
        if (json_is_integer(g)) {
            o->has_grace = true;
            o->grace = json_integer_value(g);
        }
        const char *p = cube_json_str(j, "propagationPolicy", NULL);
        if (p)
            o->propagation = xstrdup(p);
        else if (json_is_true(json_object_get(j, "orphanDependents")))
            o->propagation = xstrdup("Orphan");
        const char *u = cube_json_str(j, "preconditions", "uid", NULL);
        const char *rv = cube_json_str(j, "preconditions", "resourceVersion", NULL);
        if (u)
            o->pre_uid = xstrdup(u);
        if (rv)
            o->pre_rv = xstrdup(rv);
        json_t *dr = json_object_get(j, "dryRun");
        if (json_is_array(dr) && json_array_size(dr) &&
            !strcmp(json_string_value(json_array_get(dr, 0)) ?: "", "All"))
            o->dry = true;
    }
    _cleanup_free_ char *g = cube_reqctx_param(ctx, "gracePeriodSeconds");
    if (g) {
        o->has_grace = true;
        o->grace = strtoll(g, NULL, 10);
    }
    char *p = cube_reqctx_param(ctx, "propagationPolicy");
    if (p) {
        free(o->propagation);
        o->propagation = p;
    }
    if (dry_run(ctx))
        o->dry = true;
    if (o->propagation && strcmp(o->propagation, "Orphan") &&
        strcmp(o->propagation, "Background") && strcmp(o->propagation, "Foreground"))
        return cube_err_invalid(err,
                                "propagationPolicy: Unsupported value: \"%s\": supported "
                                "values: \"Foreground\", \"Background\", \"Orphan\"",
                                o->propagation);
    return 0;
}

static void add_finalizer(json_t *meta, const char *f)
{
    json_t *fins = json_object_get(meta, "finalizers");
    if (!json_is_array(fins)) {
        fins = json_array();
        json_object_set_new(meta, "finalizers", fins);
    }
    size_t i;
    json_t *v;
    json_array_foreach(fins, i, v) if (!strcmp(json_string_value(v) ?: "", f)) return;
    json_array_append_new(fins, json_string(f));
}

/* Types whose DELETE answers the deleted object rather than a Status. */
static bool returns_object(const cube_resource_t *r)
{
    return !r->group[0] && (!strcmp(r->plural, "pods") || !strcmp(r->plural, "services") ||
                            !strcmp(r->plural, "namespaces"));
}

static cube_bytes_t *success_status(const cube_resource_t *r, const char *name, const char *uid)
{
    json_t *details = cube_status_details(r, name);
    if (uid)
        json_object_set_new(details, "uid", json_string(uid));
    json_auto_t *st = json_pack("{s:s, s:s, s:{}, s:s, s:o}", "kind", "Status", "apiVersion", "v1",
                                "metadata", "status", "Success", "details", details);
    size_t len;
    char *s = cube_json_dump(st, &len);
    cube_bytes_t *b = cube_bytes_new(s, len);
    free(s);
    return b;
}

/*
 * Deletes one object following Kubernetes' graceful deletion rules. On
 * success ret_body is the answer (the object, or a Status) and ret_code 200
 * (202 when the object only got marked).
 */
static int delete_object(cube_reqctx_t *ctx, const cube_resource_t *r, const char *ns,
                         const char *name, const delete_opts_t *o, cube_bytes_t **ret_body,
                         int *ret_code, cube_err_t *err)
{
    _cleanup_free_ char *key = cube_key(r, ns, name);
    for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
        json_auto_t *obj = NULL;
        int64_t rev;
        if (cube_read_object(ctx->srv, r, ns, name, &obj, &rev, err) < 0)
            return -1;
        json_t *meta = cube_json_obj(obj, "metadata");
        const char *uid = cube_json_str(meta, "uid", NULL);
        if (o->pre_uid && uid && strcmp(o->pre_uid, uid))
            return cube_err_conflict(err,
                                     "Precondition failed: UID in precondition: %s, UID in "
                                     "object meta: %s",
                                     o->pre_uid, uid);
        if (o->pre_rv && strtoll(o->pre_rv, NULL, 10) != rev)
            return cube_err_conflict(err,
                                     "Precondition failed: ResourceVersion in precondition: %s, "
                                     "ResourceVersion in object meta: %lld",
                                     o->pre_rv, (long long)rev);

        bool marked = json_object_get(meta, "deletionTimestamp") != NULL;
        bool is_ns = !r->group[0] && !strcmp(r->plural, "namespaces");
        if (is_ns && (!strcmp(name, "default") || !strcmp(name, "kube-system") ||
                      !strcmp(name, "kube-public"))) {
            cube_err_set(err, 403, "Forbidden",
                         "namespaces \"%s\" is forbidden: this namespace may not be deleted", name);
            err->details = json_pack("{s:s, s:s}", "name", name, "kind", "namespaces");
            return -1;
        }
        bool is_pod = !r->group[0] && !strcmp(r->plural, "pods");
        int64_t grace = 0;
        if (is_pod) {
            const char *node = cube_json_str(obj, "spec", "nodeName", NULL);
            const char *phase = cube_json_str(obj, "status", "phase", NULL);
            json_t *tg = cube_json_path(obj, "spec", "terminationGracePeriodSeconds", NULL);
            grace = o->has_grace ? o->grace : json_is_integer(tg) ? json_integer_value(tg) : 30;
            if (!node || !*node ||
                (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))))
                grace = 0;
            if (grace < 0)
                grace = 0;
        }
        bool foreground = o->propagation && !strcmp(o->propagation, "Foreground");
        bool orphan = o->propagation && !strcmp(o->propagation, "Orphan");
        json_t *fins = json_object_get(meta, "finalizers");
        bool keep = is_ns || json_array_size(fins) > 0 || foreground || orphan || grace > 0;
        if (!keep) {
            if (!o->dry && delete_now(ctx, r, key, rev, err) < 0) {
                if (err->code == 409) {
                    cube_err_clear(err);
                    continue;
                }
                if (err->code == 404)
                    return cube_err_not_found(err, r, name);
                return -1;
            }
            if (returns_object(r)) {
                size_t len;
                _cleanup_free_ char *s = cube_encode_for_store(obj, &len);
                *ret_body = cube_encode_with_rv(s, len, rev);
            } else {
                *ret_body = success_status(r, name, uid);
            }
            *ret_code = 200;
            return 0;
        }
        /* Graceful: mark the object and let whoever owns the finalizers (or the kubelet) finish. */
        int64_t cur_grace = json_integer_value(json_object_get(meta, "deletionGracePeriodSeconds"));
        if (!marked || (is_pod && grace < cur_grace)) {
            char ts[32];
            cube_time_rfc3339(time(NULL) + grace, ts);
            json_object_set_new(meta, "deletionTimestamp", json_string(ts));
            json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(grace));
        }
        if (foreground)
            add_finalizer(meta, "foregroundDeletion");
        if (orphan)
            add_finalizer(meta, "orphan");
        if (is_ns) {
            json_t *st = cube_json_obj(obj, "status");
            json_object_set_new(st, "phase", json_string("Terminating"));
        }
        size_t len;
        _cleanup_free_ char *stored = cube_encode_for_store(obj, &len);
        int64_t nrev = rev;
        if (!o->dry) {
            cube_err_t serr _cleanup_err_ = CUBE_ERR_INIT;
            if (cube_store_update(ctx->srv->store, key, stored, len, rev, &nrev, &serr) < 0) {
                if (serr.code == 409)
                    continue;
                cube_err_move(err, &serr);
                return -1;
            }
        }
        *ret_body = cube_encode_with_rv(stored, len, nrev);
        *ret_code = 200;
        return 0;
    }
    return conflict(err, r, name);
}

static void do_delete(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    delete_opts_t o = {0};
    cube_bytes_t *body = NULL;
    int code = 200;
    if (parse_delete_opts(ctx, &o, &err) < 0 ||
        delete_object(ctx, ctx->res, ctx->ns, ctx->name, &o, &body, &code, &err) < 0) {
        delete_opts_clear(&o);
        return cube_reqctx_fail(ctx, &err);
    }
    delete_opts_clear(&o);
    cube_reqctx_respond(ctx, code, body);
}

static void do_deletecollection(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    delete_opts_t o = {0};
    cube_selector_t *ls = NULL, *fs = NULL;
    _cleanup_free_ char *lstr = cube_reqctx_param(ctx, "labelSelector");
    _cleanup_free_ char *fstr = cube_reqctx_param(ctx, "fieldSelector");
    _cleanup_free_ char *prefix = cube_key(ctx->res, ctx->ns, NULL);
    if (parse_delete_opts(ctx, &o, &err) < 0 ||
        (lstr && *lstr && cube_label_selector_parse(lstr, &ls, &err) < 0) ||
        (fstr && *fstr && cube_field_selector_parse(fstr, &fs, &err) < 0))
        goto fail;
    cube_cache_sync(ctx->srv->cache, 5000);
    cube_cache_list_req_t lr = {.prefix = prefix, .labels = ls, .fields = fs};
    cube_obj_t **objs;
    size_t n;
    int64_t rev;
    char *next;
    cube_cache_list(ctx->srv->cache, &lr, &objs, &n, &rev, &next, NULL);
    free(next);
    for (size_t i = 0; i < n; i++) {
        cube_bytes_t *b = NULL;
        int code;
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        if (delete_object(ctx, ctx->res, objs[i]->ns[0] ? objs[i]->ns : NULL, objs[i]->name, &o, &b,
                          &code, &e) < 0 &&
            e.code != 404) {
            cube_err_move(&err, &e);
            cube_objs_free(objs, n);
            goto fail;
        }
        cube_bytes_unref(b);
    }
    cube_objs_free(objs, n);
    delete_opts_clear(&o);
    cube_selector_free(ls);
    cube_selector_free(fs);
    cube_reqctx_respond(ctx, 200, success_status(ctx->res, "", NULL));
    return;
fail:
    delete_opts_clear(&o);
    cube_selector_free(ls);
    cube_selector_free(fs);
    cube_reqctx_fail(ctx, &err);
}

/* ---- subresources: scale, binding, finalize ----------------------------- */

/* The autoscaling/v1 Scale view of a scalable object. */
static json_t *scale_of(const json_t *obj, int64_t rev)
{
    json_t *meta = json_object_get(obj, "metadata");
    char rv[32];
    snprintf(rv, sizeof(rv), "%lld", (long long)rev);
    json_t *sm = json_pack("{s:O?, s:O?, s:O?, s:s, s:O?}", "name", json_object_get(meta, "name"),
                           "namespace", json_object_get(meta, "namespace"), "uid",
                           json_object_get(meta, "uid"), "resourceVersion", rv, "creationTimestamp",
                           json_object_get(meta, "creationTimestamp"));
    json_t *rep = cube_json_path(obj, "spec", "replicas", NULL);
    json_t *srep = cube_json_path(obj, "status", "replicas", NULL);
    cube_buf_t sel = CUBE_BUF_INIT;
    json_t *ml = cube_json_path(obj, "spec", "selector", "matchLabels", NULL);
    if (!ml) {
        json_t *s = cube_json_path(obj, "spec", "selector", NULL);
        if (json_is_object(s) && !json_object_get(s, "matchExpressions"))
            ml = s; /* replicationcontrollers: a plain map */
    }
    const char *k;
    json_t *v;
    json_object_foreach(ml, k, v)
    {
        if (sel.len)
            cube_buf_putc(&sel, ',');
        cube_buf_printf(&sel, "%s=%s", k, json_string_value(v) ?: "");
    }
    json_t *st = json_pack("{s:I}", "replicas", (json_int_t)json_integer_value(srep));
    if (sel.len)
        json_object_set_new(st, "selector", json_string(sel.data));
    cube_buf_clear(&sel);
    return json_pack("{s:s, s:s, s:o, s:{s:I}, s:o}", "kind", "Scale", "apiVersion",
                     "autoscaling/v1", "metadata", sm, "spec", "replicas",
                     (json_int_t)(json_is_integer(rep) ? json_integer_value(rep) : 1), "status",
                     st);
}

typedef struct scale_arg {
    json_t *scale; /* PUT body, or NULL */
    patch_arg_t patch; /* PATCH */
} scale_arg_t;

static json_t *mutate_scale(cube_reqctx_t *ctx, const json_t *current, void *arg, cube_err_t *err)
{
    scale_arg_t *sa = arg;
    json_auto_t *scale = NULL;
    const char *rv = cube_json_str(current, "metadata", "resourceVersion", NULL);
    if (sa->scale) {
        scale = json_incref(sa->scale);
    } else {
        json_auto_t *cur = scale_of(current, rv ? strtoll(rv, NULL, 10) : 0);
        if (sa->patch.type == PATCH_JSON) {
            if (cube_json_patch_apply(cur, sa->patch.patch, &scale, err) < 0)
                return NULL;
        } else {
            scale = cube_merge_patch_apply(cur, sa->patch.patch);
        }
    }
    json_t *rep = cube_json_path(scale, "spec", "replicas", NULL);
    if (rep && !json_is_integer(rep))
        return cube_err_badrequest(err, "spec.replicas must be an integer"), NULL;
    if (json_integer_value(rep) < 0)
        return cube_err_set(err, 422, "Invalid",
                            "Scale.autoscaling \"%s\" is invalid: spec.replicas: Invalid value: "
                            "%lld: must be greater than or equal to 0",
                            ctx->name, (long long)json_integer_value(rep)),
               NULL;
    json_t *out = json_deep_copy(current);
    json_object_set_new(cube_json_obj(out, "spec"), "replicas",
                        json_integer(json_integer_value(rep)));
    const char *srv_rv = cube_json_str(scale, "metadata", "resourceVersion", NULL);
    json_t *meta = cube_json_obj(out, "metadata");
    if (srv_rv && *srv_rv)
        json_object_set_new(meta, "resourceVersion", json_string(srv_rv));
    else
        json_object_del(meta, "resourceVersion");
    return out;
}

static void do_scale(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (!strcmp(ctx->verb, "get")) {
        json_auto_t *obj = NULL;
        int64_t rev;
        if (cube_read_object(ctx->srv, ctx->res, ctx->ns, ctx->name, &obj, &rev, &err) < 0)
            return cube_reqctx_fail(ctx, &err);
        json_auto_t *s = scale_of(obj, rev);
        return respond_json(ctx, 200, s);
    }
    scale_arg_t sa = {0};
    if (!strcmp(ctx->verb, "update")) {
        if (check_json_media(ctx, &err) < 0 || cube_reqctx_decode_body(ctx, &sa.scale, &err) < 0 ||
            check_gvk(ctx->res, sa.scale, "Scale", "autoscaling/v1", &err) < 0) {
            json_decref(sa.scale);
            return cube_reqctx_fail(ctx, &err);
        }
    } else if (decode_patch(ctx, &sa.patch, &err) < 0) {
        json_decref(sa.patch.patch);
        return cube_reqctx_fail(ctx, &err);
    }
    char *stored = NULL;
    size_t len = 0;
    int64_t rev = 0;
    bool deleted = false;
    int rc = update_object(ctx, ctx->res, CUBE_OP_UPDATE, mutate_scale, &sa, &stored, &len, &rev,
                           &deleted, &err);
    json_decref(sa.scale);
    json_decref(sa.patch.patch);
    if (rc < 0)
        return cube_reqctx_fail(ctx, &err);
    json_auto_t *obj = json_loadb(stored, len, 0, NULL);
    free(stored);
    json_auto_t *s = scale_of(obj, rev);
    respond_json(ctx, 200, s);
}

static json_t *mutate_bind(cube_reqctx_t *ctx, const json_t *current, void *arg, cube_err_t *err)
{
    const char *node = arg;
    const char *cur = cube_json_str(current, "spec", "nodeName", NULL);
    if (cur && *cur)
        return cube_err_conflict(err,
                                 "Operation cannot be fulfilled on pods/binding \"%s\": pod %s is "
                                 "already assigned to node \"%s\"",
                                 ctx->name, ctx->name, cur),
               NULL;
    if (cube_json_path(current, "metadata", "deletionTimestamp", NULL))
        return cube_err_conflict(err,
                                 "Operation cannot be fulfilled on pods/binding \"%s\": pod %s is "
                                 "being deleted, cannot be assigned to a host",
                                 ctx->name, ctx->name),
               NULL;
    json_t *out = json_deep_copy(current);
    json_object_set_new(cube_json_obj(out, "spec"), "nodeName", json_string(node));
    json_object_del(cube_json_obj(out, "metadata"), "resourceVersion");
    json_t *st = cube_json_obj(out, "status");
    json_t *conds = json_object_get(st, "conditions");
    if (!json_is_array(conds)) {
        conds = json_array();
        json_object_set_new(st, "conditions", conds);
    }
    for (size_t i = json_array_size(conds); i-- > 0;) { /* replaces a PodScheduled=False */
        const char *type = cube_json_str(json_array_get(conds, i), "type", NULL);
        if (type && !strcmp(type, "PodScheduled"))
            json_array_remove(conds, i);
    }
    char ts[32];
    cube_time_rfc3339(time(NULL), ts);
    json_array_append_new(conds, json_pack("{s:s, s:s, s:n, s:s}", "type", "PodScheduled", "status",
                                           "True", "lastProbeTime", "lastTransitionTime", ts));
    return out;
}

static void do_binding(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *b = NULL;
    if (check_json_media(ctx, &err) < 0 || cube_reqctx_decode_body(ctx, &b, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    const char *node = cube_json_str(b, "target", "name", NULL);
    if (!node || !*node)
        return cube_err_invalid(&err, "Binding \"%s\" is invalid: target.name: Required value",
                                ctx->name),
               cube_reqctx_fail(ctx, &err);
    char *stored = NULL;
    size_t len = 0;
    int64_t rev = 0;
    bool deleted = false;
    /* Binding changes spec and status together, as the binding registry does. */
    if (update_object(ctx, ctx->res, CUBE_OP_UPDATE_STATUS, mutate_bind, (void *)node, &stored,
                      &len, &rev, &deleted, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    free(stored);
    cube_reqctx_respond(ctx, 201, success_status(ctx->res, ctx->name, NULL));
}

static json_t *mutate_finalize(cube_reqctx_t *ctx, const json_t *current, void *arg,
                               cube_err_t *err)
{
    const json_t *body = arg;
    json_t *out = json_deep_copy(current);
    json_t *fins = cube_json_path(body, "spec", "finalizers", NULL);
    json_object_set_new(cube_json_obj(out, "spec"), "finalizers",
                        fins ? json_deep_copy(fins) : json_array());
    const char *rv = cube_json_str(body, "metadata", "resourceVersion", NULL);
    json_t *meta = cube_json_obj(out, "metadata");
    if (rv && *rv)
        json_object_set_new(meta, "resourceVersion", json_string(rv));
    else
        json_object_del(meta, "resourceVersion");
    /* A terminating namespace with no spec finalizers left and none in metadata goes away. */
    if (json_object_get(meta, "deletionTimestamp") && json_array_size(fins) == 0 &&
        json_array_size(json_object_get(meta, "finalizers")) == 0)
        json_object_set_new(meta, "finalizers", json_array());
    return out;
}

static void do_finalize(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *body = NULL;
    if (check_json_media(ctx, &err) < 0 || cube_reqctx_decode_body(ctx, &body, &err) < 0 ||
        check_gvk(ctx->res, body, NULL, NULL, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    char *stored = NULL;
    size_t len = 0;
    int64_t rev = 0;
    bool deleted;
    int rc = update_object(ctx, ctx->res, CUBE_OP_UPDATE_STATUS, mutate_finalize, body, &stored,
                           &len, &rev, &deleted, &err);
    finish_update(ctx, rc, stored, len, rev, deleted, &err);
}

/* ---- dispatch ----------------------------------------------------------- */

void cube_write_handle(void *arg)
{
    cube_reqctx_t *ctx = arg;
    const char *v = ctx->verb;
    if (ctx->sub && !strcmp(ctx->sub, "scale"))
        return do_scale(ctx);
    if (ctx->sub && !strcmp(ctx->sub, "binding"))
        return do_binding(ctx);
    if (ctx->sub && !strcmp(ctx->sub, "finalize"))
        return do_finalize(ctx);
    if (!strcmp(v, "create")) {
        if (!strcmp(ctx->res->plural, "pods") && !ctx->res->group[0] && ctx->name && ctx->sub &&
            !strcmp(ctx->sub, "binding"))
            return do_binding(ctx);
        return do_create(ctx);
    }
    if (!strcmp(v, "update"))
        return do_update(ctx);
    if (!strcmp(v, "patch"))
        return do_patch(ctx);
    if (!strcmp(v, "delete"))
        return do_delete(ctx);
    if (!strcmp(v, "deletecollection"))
        return do_deletecollection(ctx);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_err_set(&err, 405, "MethodNotAllowed",
                 "the server does not allow this method on the requested resource");
    cube_reqctx_fail(ctx, &err);
}
