/*
 * Shared inside src/apiserver only: the pieces of the API server (PKI,
 * authentication, authorization, metrics, object cache, handlers) and the
 * structures they pass between them.
 */
#ifndef CUBE_APISERVER_INTERNAL_H
#define CUBE_APISERVER_INTERNAL_H

#include "api/api.h"
#include "apiserver/apiserver.h"
#include "core/core.h"
#include "http/http.h"
#include "store/store.h"

/* ======================================================================= */
/* PKI (pki.c): the cluster CA and the certificates the API server needs    */
/* ======================================================================= */

typedef struct cube_pki {
    char *dir; /* <data-dir>/pki */
    char *ca_crt; /* PEM paths inside dir */
    char *ca_key;
    char *serving_crt; /* SANs: see cube_pki_ensure */
    char *serving_key;
    char *admin_crt; /* CN=admin, O=system:masters */
    char *admin_key;
    char *sa_key; /* service-account signing key (RSA 2048), for the security issue */
    char *sa_pub;
} cube_pki_t;

/*
 * Creates <dir> (0700) and, for each file that is missing, generates it: a
 * self-signed CA (RSA 2048 or EC P-256, 10 years), a serving certificate
 * signed by it (1 year; SANs: 127.0.0.1, ::1, localhost, the host name and
 * every address of the host's interfaces, "kubernetes", "kubernetes.default",
 * "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
 * service_ip (the first IP of the service range), plus extra_sans (NULL-
 * terminated list of DNS names or IPs, may be NULL)), an admin client
 * certificate (CN=admin, O=system:masters), and a service-account key pair.
 * Existing files are reused (later starts). Keys are written 0600.
 * ret is filled with owned paths (free with cube_pki_clear).
 */
int cube_pki_ensure(const char *dir, const char *service_ip, const char *const *extra_sans,
                    cube_pki_t *ret, cube_err_t *err);
void cube_pki_clear(cube_pki_t *pki);

/* Issues a client certificate signed by the CA (CN=cn, one O per entry of orgs, NULL-terminated)
 * into crt_path/key_path (key 0600). */
int cube_pki_issue_client(const cube_pki_t *pki, const char *cn, const char *const *orgs,
                          const char *crt_path, const char *key_path, cube_err_t *err);

/* Writes a kubeconfig (mode 0600) with the CA and client cert/key embedded as *-data fields,
 * cluster/user/context named "cube" (context "default" too is fine), current-context set. */
int cube_kubeconfig_write(const char *path, const char *server_url, const char *ca_crt,
                          const char *client_crt, const char *client_key, cube_err_t *err);

/* ======================================================================= */
/* authentication (authn.c)                                                 */
/* ======================================================================= */

/* user.Info: who made a request. */
typedef struct cube_user {
    char *name;
    char *uid;
    char **groups; /* always includes "system:authenticated" for an authenticated user */
    size_t ngroups;
} cube_user_t;

void cube_user_free(cube_user_t *u); /* accepts NULL */

typedef struct cube_authn cube_authn_t;

/*
 * token_file: a Kubernetes static token file (CSV: token,user,uid[,"group1,group2"]),
 * or NULL. Errors: InternalError for an unreadable or malformed file (line number in msg).
 */
int cube_authn_new(const char *token_file, cube_authn_t **ret, cube_err_t *err);
void cube_authn_free(cube_authn_t *a);

/*
 * Authenticates a request: a verified client certificate (CN = user, O = groups), else
 * `Authorization: Bearer <token>` from the token file. ret: owned user.
 * Errors: Unauthorized (401, reason "Unauthorized", message "Unauthorized") when no credential
 * is valid (anonymous requests are refused).
 */
int cube_authn_request(const cube_authn_t *a, const cube_http_req_t *req, cube_user_t **ret,
                       cube_err_t *err);

/* ======================================================================= */
/* metrics (metrics.c): Prometheus text exposition                          */
/* ======================================================================= */

typedef struct cube_metrics cube_metrics_t;

cube_metrics_t *cube_metrics_new(void);
void cube_metrics_free(cube_metrics_t *m);
/* apiserver_request_total{verb,group,version,resource,subresource,scope,component,code} and
 * apiserver_request_duration_seconds histogram{verb,group,version,resource,subresource,scope}. Any
 * thread. */
void cube_metrics_request(cube_metrics_t *m, const char *verb, const char *group,
                          const char *version, const char *resource, const char *subresource,
                          const char *scope, int code, double seconds);
/* etcd_request_duration_seconds-like store latency: {operation, type}. */
void cube_metrics_store(cube_metrics_t *m, const char *operation, const char *type, double seconds);
/* apiserver_registered_watchers / apiserver_longrunning_requests gauge {group,version,resource}. */
void cube_metrics_watchers_add(cube_metrics_t *m, const char *group, const char *version,
                               const char *resource, int delta);
/* Renders all metrics in the Prometheus text format (version 0.0.4), with HELP and TYPE lines. */
cube_bytes_t *cube_metrics_render(cube_metrics_t *m);

/* ======================================================================= */
/* object cache and watch hub (cache.c)                                     */
/* ======================================================================= */

/*
 * One cached object at one revision. Immutable once published; shared by
 * reference between the cache, its history window and in-flight responses.
 */
typedef struct cube_obj {
    atomic_int refs;
    char *key;
    char *ns; /* "" for cluster-scoped */
    char *name;
    int64_t rev; /* mod revision = resourceVersion */
    cube_bytes_t *json; /* the full object, resourceVersion included */
    cube_bytes_t *meta; /* its metadata object (managedFields left out), for Tables and
                           PartialObjectMetadata */
    cube_bytes_t *cells; /* Table cells (JSON array; age columns as Unix times) */
    /* What selectors match on, kept compact as JSON text (parsed only when a
       selector asks): {"l": metadata.labels, "f": field selector attributes}. */
    cube_bytes_t *attrs;
} cube_obj_t;

/* Whether o matches both selectors (NULL = any). */
bool cube_obj_matches(const cube_obj_t *o, const cube_selector_t *labels,
                      const cube_selector_t *fields);

cube_obj_t *cube_obj_ref(cube_obj_t *o);
void cube_obj_unref(cube_obj_t *o); /* accepts NULL */

typedef struct cube_cache cube_cache_t;

/* Loads every resource from the store and follows its watch. history: events kept for watches. */
int cube_cache_new(cube_store_t *store, size_t history, cube_cache_t **ret, cube_err_t *err);
void cube_cache_free(cube_cache_t *c);

/* The revision the cache has caught up to. */
int64_t cube_cache_revision(cube_cache_t *c);
/* Oldest revision a watch may start from (older: 410 Expired). */
int64_t cube_cache_oldest(cube_cache_t *c);
/* Waits (at most timeout_ms) until the cache has seen revision rev. -1 on timeout. */
int cube_cache_wait(cube_cache_t *c, int64_t rev, int timeout_ms);
/* Waits until the cache has seen every committed write (a consistent read). */
int cube_cache_sync(cube_cache_t *c, int timeout_ms);

/* The object at key, or NULL. Returned with a reference the caller drops. */
cube_obj_t *cube_cache_get(cube_cache_t *c, const char *key);

/* A list request: prefix selects the resource (and namespace); start_after for paging. */
typedef struct cube_cache_list_req {
    const char *prefix; /* "/registry/core/pods/" or ".../pods/<ns>/" */
    const char *start; /* first key to include (>=), or NULL */
    const cube_selector_t *labels; /* NULL = all */
    const cube_selector_t *fields; /* NULL = all */
    size_t limit; /* 0 = no limit */
} cube_cache_list_req_t;

/*
 * Lists matching objects in key order. ret_objs: owned array of references
 * (free with cube_objs_free). ret_rev: the cache revision read at. ret_next:
 * if more matching objects may follow, the key to continue from (owned), else NULL.
 * ret_remaining: how many more objects follow under the prefix (not counting the filter).
 */
void cube_cache_list(cube_cache_t *c, const cube_cache_list_req_t *req, cube_obj_t ***ret_objs,
                     size_t *ret_n, int64_t *ret_rev, char **ret_next, size_t *ret_remaining);
void cube_objs_free(cube_obj_t **objs, size_t n);

/* Builds the object record for key/value at rev (value without resourceVersion). */
cube_obj_t *cube_obj_build(const cube_resource_t *r, const char *key, const cube_bytes_t *value,
                           int64_t rev);

typedef enum { CUBE_FMT_JSON, CUBE_FMT_TABLE, CUBE_FMT_META } cube_fmt_t;

typedef struct cube_watch_req {
    const cube_resource_t *res;
    const char *prefix; /* as for lists */
    cube_selector_t *labels; /* NULL = all; taken over by cube_cache_watch (even on failure) */
    cube_selector_t *fields; /* likewise */
    int64_t from_rev; /* 0: send current objects as ADDED first */
    bool bookmarks;
    int timeout_sec; /* 0 = default (30-60 min) */
    cube_fmt_t fmt; /* Table events carry the column definitions in the first event only */
} cube_watch_req_t;

/*
 * Serves a watch on req's stream (already started): queues the initial
 * events and registers the watcher, which then gets every matching change.
 * Errors: Expired (410) when from_rev is older than the history window (the
 * caller sends it as an ERROR event). The cache owns the stream from here
 * (it ends it on timeout, shutdown or client close).
 */
int cube_cache_watch(cube_cache_t *c, const cube_watch_req_t *req, cube_http_stream_t *st,
                     cube_err_t *err);
/* Called by the stream's on_close: the userdata given to cube_http_stream_start must be
   cube_cache_watch_cookie(). */
void *cube_cache_watch_cookie(cube_cache_t *c);
void cube_cache_watch_closed(cube_http_stream_t *st, void *cookie);
size_t cube_cache_watch_count(cube_cache_t *c);

/* ======================================================================= */
/* encoding helpers (encode.c)                                              */
/* ======================================================================= */

/* The store form of obj: apiVersion, kind, metadata (without resourceVersion) first. Owned. */
char *cube_encode_for_store(const json_t *obj, size_t *ret_len);
/* Inserts "resourceVersion":"rev" into the stored bytes' metadata. */
cube_bytes_t *cube_encode_with_rv(const char *stored, size_t len, int64_t rev);
/* The Status object for err (kind Status, status Failure, message, reason, details, code). */
cube_bytes_t *cube_encode_status(const cube_err_t *err);
/* Appends one Table row {cells, object: PartialObjectMetadata} rendering ages at now. */
void cube_encode_table_row(cube_buf_t *b, const cube_obj_t *o, const cube_resource_t *r, time_t now,
                           bool with_object);
/* Appends o as a PartialObjectMetadata of meta.k8s.io/<version>. */
void cube_encode_partial_meta(cube_buf_t *b, const cube_obj_t *o, const char *version);
/* Appends a Table (meta.k8s.io/<version>) holding o's row; columnDefinitions only if columns
   (else null, as watch events after the first). */
void cube_encode_table_one(cube_buf_t *b, const cube_obj_t *o, const cube_resource_t *r,
                           const char *version, bool columns);
/* Appends the Table's columnDefinitions array (as JSON). */
void cube_encode_table_columns(cube_buf_t *b, const cube_resource_t *r);

/* ======================================================================= */
/* the server and one request (apiserver.c, handler.c, write.c, ...)        */
/* ======================================================================= */

typedef struct cube_apiserver {
    const cube_apiserver_config_t *cfg;
    cube_store_t *store;
    cube_cache_t *cache;
    cube_authn_t *authn;
    cube_metrics_t *metrics;
    cube_pool_t *workers; /* blocking work: writes wait for group commit here */
    cube_pki_t pki;
    char *service_ip;
    char *advertise; /* "ip:port" for discovery's serverAddressByClientCIDRs */
    cube_bytes_t *disc_core; /* /api */
    cube_bytes_t *disc_groups; /* /apis */
    cube_bytes_t *disc_agg_core; /* aggregated /api */
    cube_bytes_t *disc_agg_groups; /* aggregated /apis */
    json_t *disc_group_docs; /* group -> APIGroup bytes (json string), gv -> APIResourceList */
} cube_apiserver_t;

/* What a request asks for, parsed from its method, path and query. */
typedef struct cube_reqctx {
    cube_apiserver_t *srv;
    cube_http_req_t *req;
    cube_user_t *user;
    uint64_t start_ns;
    const char *verb; /* Kubernetes verb: get, list, watch, create, update, patch, delete,
                         deletecollection */
    const cube_resource_t *res;
    char *group, *version, *plural, *ns, *name, *sub;
} cube_reqctx_t;

/* handler.c */
void cube_apiserver_handle(cube_http_req_t *req, void *userdata);
void cube_reqctx_respond(cube_reqctx_t *ctx, int code,
                         cube_bytes_t *body); /* JSON body, frees ctx */
void cube_reqctx_fail(cube_reqctx_t *ctx, const cube_err_t *err); /* Status body, frees ctx */
char *cube_reqctx_param(cube_reqctx_t *ctx, const char *name); /* owned or NULL */
/* Storage key of an object / prefix of a collection (ns NULL or "" for all namespaces). */
char *cube_key(const cube_resource_t *r, const char *ns, const char *name);
/* "pods" or "deployments.apps", as Kubernetes names a resource in messages. */
void cube_qualified_resource(const cube_resource_t *r, char *out, size_t outlen);
int cube_err_not_found(cube_err_t *err, const cube_resource_t *r, const char *name);
/* Status.details {name, group (when not core), kind: plural}. New reference. */
json_t *cube_status_details(const cube_resource_t *r, const char *name);

/* write.c: create, update, patch, delete, deletecollection and subresources; on a worker thread. */
void cube_write_handle(void *ctx); /* cube_pool_fn taking a cube_reqctx_t* */
/* Reads an object from the cache (after a consistent sync) as a JSON tree. NotFound if absent. */
int cube_read_object(cube_apiserver_t *srv, const cube_resource_t *r, const char *ns,
                     const char *name, json_t **ret, int64_t *ret_rev, cube_err_t *err);

/* discovery.c */
void cube_discovery_build(cube_apiserver_t *srv);
void cube_discovery_free(cube_apiserver_t *srv);
/* Answers /api, /apis, /api/v1, /apis/<g>, /apis/<g>/<v>; false if path is none of those. */
bool cube_discovery_serve(cube_reqctx_t *ctx, const char *path);

/* authz.c: the authorizer step of the request chain. */
typedef struct cube_authz_attrs {
    const cube_user_t *user;
    const char *verb;
    const char *group, *version, *resource, *subresource, *ns, *name;
    const char *path; /* non-resource requests */
} cube_authz_attrs_t;
/* 0 = allowed; -1 with Forbidden (403) set. */
int cube_authz_authorize(cube_apiserver_t *srv, const cube_authz_attrs_t *a, cube_err_t *err);

/* admission.c: mutating, then validating admission for writes. */
int cube_admission_create(cube_apiserver_t *srv, const cube_resource_t *r, json_t *obj,
                          cube_err_t *err);

/* util: random names and uids */
void cube_uuid4(char out[37]);
void cube_random_suffix(char *out, size_t n); /* n chars from Kubernetes' generateName alphabet */

/* openapi.c: OpenAPI v3 documents from the schema tables and the registry. */
/* The document of one group-version path ("api/v1", "apis/apps/v1"); NULL if not served. */
json_t *cube_openapi_v3_doc(const char *gvpath);
/* The /openapi/v3 index: {"paths": {gvpath: {"serverRelativeURL": ".../gvpath?hash=H"}}}. */
json_t *cube_openapi_v3_root(void);
/* The bytes answering GET path (/openapi/v3 or /openapi/v3/<gvpath>); hash is the request's
   hash parameter or NULL. *immutable is set when hash names the current document. NULL with
   NotFound set for other paths. */
cube_bytes_t *cube_openapi_v3_serve(const char *path, const char *hash, bool *immutable,
                                    cube_err_t *err);
/* fieldValidation=Strict on a decoded body: 0 if every field is in r's schema tables, else -1
   with BadRequest "<Kind> in version \"<v>\" cannot be handled as a <Kind>: strict decoding
   error: unknown field \"spec.containers[0].imagee\", ..." (fields in document order). */
int cube_openapi_strict_check(const cube_resource_t *r, const json_t *obj, cube_err_t *err);

#endif
