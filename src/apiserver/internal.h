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
/* A user with the given groups plus system:authenticated. */
cube_user_t *cube_user_new(const char *name, const char *uid, const char *const *groups,
                           size_t ngroups);

typedef struct cube_authn cube_authn_t;

/*
 * token_file: a Kubernetes static token file (CSV: token,user,uid[,"group1,group2"]),
 * or NULL. Errors: InternalError for an unreadable or malformed file (line number in msg).
 */
int cube_authn_new(const char *token_file, cube_authn_t **ret, cube_err_t *err);
void cube_authn_free(cube_authn_t *a);
/* A further bearer-token authenticator tried after the token file: 0 with *ret set when it
   accepts the token, -1 otherwise. */
typedef int (*cube_token_authenticator_fn)(void *userdata, const char *token, cube_user_t **ret);
void cube_authn_set_token_authenticator(cube_authn_t *a, cube_token_authenticator_fn fn,
                                        void *userdata);

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
    const cube_resource_t *res; /* its type (NULL: unknown), for the cells */
    /* Derived on first use (most objects are never listed as a Table or as metadata, and
       building them on every write cost ~5% of a write): read through cube_obj_meta/cells. */
    _Atomic(cube_bytes_t *) meta_lazy; /* metadata (managedFields left out) */
    _Atomic(cube_bytes_t *) cells_lazy; /* Table cells ("\x1f"-separated JSON values) */
    /* What selectors match on, kept compact as JSON text (parsed only when a
       selector asks): {"l": metadata.labels, "f": field selector attributes}. */
    cube_bytes_t *attrs;
} cube_obj_t;

/* o's metadata object as JSON (managedFields left out), for Tables and
   PartialObjectMetadata; its Table cells (JSON values separated by 0x1f, age columns as Unix
   times; empty without a printer). Computed once, on first use; any thread. Borrowed. */
const cube_bytes_t *cube_obj_meta(cube_obj_t *o);
const cube_bytes_t *cube_obj_cells(cube_obj_t *o);

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

/* Revision of the latest change (or initial load: 0) in the collection holding prefix
   ("/registry/<group>/<plural>/"): lets readers rebuild derived state only on change. */
int64_t cube_cache_coll_revision(cube_cache_t *c, const char *prefix);

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
/* Every cached object under prefix, in key order (owned references: cube_objs_free). */
size_t cube_cache_list_prefix(cube_cache_t *c, const char *prefix, cube_obj_t ***ret_objs);
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
    struct cube_rbac *rbac;
    struct cube_jwt_key *sa_key; /* signs and verifies service-account tokens */
    cube_metrics_t *metrics;
    struct cube_svc_state *svc; /* bootstrap.c: allocators, the `kubernetes` Service */
    cube_pool_t *workers; /* blocking work: writes wait for group commit here */
    cube_pki_t pki;
    char *service_ip;
    char *advertise; /* "ip:port" for discovery's serverAddressByClientCIDRs */
    cube_bytes_t *disc_core; /* /api */
    cube_bytes_t *disc_groups; /* /apis */
    cube_bytes_t *disc_agg_core; /* aggregated /api */
    cube_bytes_t *disc_agg_groups; /* aggregated /apis */
    json_t *disc_group_docs; /* group -> APIGroup bytes (json string), gv -> APIResourceList */
    struct cube_audit *audit; /* audit log, or NULL (audit.c) */
    char *kubelet_client_crt; /* the API server's client certificate for kubelets */
    char *kubelet_client_key;
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
    json_t *warnings; /* texts of the response's Warning headers (cube_reqctx_warn), or NULL */
    char audit_id[37]; /* sent as Audit-Id; the audit log's auditID */
    cube_bytes_t *audit_body; /* the request body kept for the audit log (audit on only) */
    uint64_t received_ns; /* wall clock, for the audit log */
} cube_reqctx_t;

/* handler.c */
void cube_apiserver_handle(cube_http_req_t *req, void *userdata);
void cube_reqctx_respond(cube_reqctx_t *ctx, int code,
                         cube_bytes_t *body); /* JSON body, frees ctx */
void cube_reqctx_fail(cube_reqctx_t *ctx, const cube_err_t *err); /* Status body, frees ctx */
char *cube_reqctx_param(cube_reqctx_t *ctx, const char *name); /* owned or NULL */
/* Answers with body of content type ctype (metrics and Warning headers as every answer),
 * frees ctx. Any thread. */
void cube_reqctx_respond_typed(cube_reqctx_t *ctx, int code, const char *ctype, cube_bytes_t *body);
/* Frees ctx of a request answered otherwise (a stream of its own). */
void cube_reqctx_done(cube_reqctx_t *ctx);
/* Legacy token Secrets (sa_token.c): a created Secret of type
 * kubernetes.io/service-account-token naming an existing account in its
 * kubernetes.io/service-account.name annotation gets data.token (a non-expiring JWT, issuer
 * kubernetes/serviceaccount), ca.crt and namespace, and the account's uid annotation, as
 * Kubernetes' token controller fills it; the token authenticates while the Secret holds it. */
void cube_sa_legacy_fill(cube_apiserver_t *srv, json_t *secret);
/* ResourceQuota admission (quota.c): refuses a create that would take a covering quota past
 * spec.hard (403 "exceeded quota: ...", "status unknown for quota: ...", "failed quota: ...:
 * must specify ..."), else charges status.used (compare-and-swap on the quota). */
int cube_quota_admit(cube_apiserver_t *srv, const cube_resource_t *r, const json_t *obj,
                     cube_err_t *err);
/* Audit log (audit.c): the policy file read, the log opened (path "-": standard output;
 * max_mb 0: no rotation), its writer thread started. Errors: BadRequest for the policy,
 * the file's errno. */
typedef struct cube_audit cube_audit_t;
int cube_audit_new(const char *policy_file, const char *log_path, int max_mb, int max_backups,
                   cube_audit_t **ret, cube_err_t *err);
/* Logs ctx at stage ("ResponseComplete" with the answer's code and body, "ResponseStarted"
 * for a stream), preceded by its RequestReceived event, as the policy says. a may be NULL. */
void cube_audit_request(cube_audit_t *a, cube_reqctx_t *ctx, const char *stage, int code,
                        const cube_bytes_t *response);
void cube_audit_free(cube_audit_t *a); /* writes what is queued; accepts NULL */
/* Encryption at rest (encrypt.c): an EncryptionConfiguration file read into a store
 * transformer. Errors: BadRequest for what the file says wrong, with the file's name. */
typedef struct cube_encryption cube_encryption_t;
int cube_encryption_load(const char *path, cube_encryption_t **ret, cube_err_t *err);
const cube_store_transformer_t *cube_encryption_transformer(const cube_encryption_t *e);
void cube_encryption_free(cube_encryption_t *e); /* accepts NULL */
/* pods/log (podlog.c): checks the request, then relays the kubelet's /containerLogs answer
 * (streamed when following). Answers ctx from a thread of its own. */
void cube_podlog_handle(cube_reqctx_t *ctx);
/* Adds a `Warning: 299 - "text"` header to the response (once per text). */
void cube_reqctx_warn(cube_reqctx_t *ctx, const char *text);
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
/* 0 = allowed; -1 with Forbidden (403) set: system:masters, then RBAC. */
int cube_authz_authorize(cube_apiserver_t *srv, const cube_authz_attrs_t *a, cube_err_t *err);
bool cube_user_in_group(const cube_user_t *u, const char *group);

/* rbac.c: the RBAC authorizer over the cached roles and bindings, and the bootstrap policy. */
typedef struct cube_rbac cube_rbac_t;
int cube_rbac_new(cube_rbac_t **ret);
void cube_rbac_free(cube_rbac_t *rb); /* accepts NULL */
/* Writes the default cluster roles and bindings that are missing (first start). */
int cube_rbac_bootstrap(cube_apiserver_t *srv, cube_err_t *err);
/* Whether some binding of a->user grants a (a->user NULL: the system:unauthenticated group). */
bool cube_rbac_allows(cube_apiserver_t *srv, const cube_authz_attrs_t *a);
/* Whether one PolicyRule (JSON) covers a. */
bool cube_rbac_rule_allows(const json_t *rule, const cube_authz_attrs_t *a);
/* Whether the bootstrap system:node role's rules cover a (the Node authorizer's fallback). */
bool cube_rbac_node_rules_allow(const cube_authz_attrs_t *a);
/* node_authz.c: the Node authorizer. 1: allowed; 0 or -1: no opinion (RBAC decides). */
int cube_node_authorize(cube_apiserver_t *srv, const cube_authz_attrs_t *a);
/* Every rule granted to u in namespace ns (NULL: cluster-wide bindings only). New array. */
json_t *cube_rbac_rules_for(cube_apiserver_t *srv, const cube_user_t *u, const char *ns);

/* admission.c: mutating, then validating admission for writes. */
/* user: who asks (NodeRestriction, RBAC escalation checks); NULL for the server itself.
   warnings: an array the steps append Warning texts to (PodSecurity's warn level). */
int cube_admission_create(cube_apiserver_t *srv, const cube_user_t *user, const cube_resource_t *r,
                          json_t *obj, json_t *warnings, cube_err_t *err);
/* The update side (write.c's update path, after the strategy, before validation), for updates
   and status updates (op): Services get what a type change needs from the allocators;
   PriorityClasses keep one global default; nodes may change only their own objects. */
int cube_admission_update(cube_apiserver_t *srv, const cube_user_t *user, const cube_resource_t *r,
                          cube_api_op_t op, json_t *obj, const json_t *old, json_t *warnings,
                          cube_err_t *err);

/* node_restriction.c: the NodeRestriction admission step: a node (system:node:<name>) may
   write only its own Node and Lease, status of pods bound to it, and mirror pods. */
int cube_node_restriction(const cube_user_t *user, const cube_resource_t *r, cube_api_op_t op,
                          const json_t *obj, cube_err_t *err);
/* rbac.c: RBAC's escalation check on writes of roles and bindings: a user may grant only what
   they hold, unless allowed to `escalate` (roles) or `bind` (bindings). Errors: Forbidden. */
int cube_rbac_admit(cube_apiserver_t *srv, const cube_user_t *user, const cube_resource_t *r,
                    const json_t *obj, cube_err_t *err);

/* apiserver.c: creates a system object (defaulted, prepared) if it is missing from the cache
   (first start). obj is modified (uid, creationTimestamp). */
int cube_apiserver_ensure_object(cube_apiserver_t *srv, const char *group, const char *version,
                                 const char *plural, json_t *obj, cube_err_t *err);

/* jwt.c: RS256 JSON Web Tokens with the service-account key. */
typedef struct cube_jwt_key cube_jwt_key_t;
/* Loads an RSA private key (PEM). Errors: InternalError. */
int cube_jwt_key_load(const char *pem_path, cube_jwt_key_t **ret, cube_err_t *err);
void cube_jwt_key_free(cube_jwt_key_t *k); /* accepts NULL */
const char *cube_jwt_key_id(const cube_jwt_key_t *k);
/* The JWKS document ({"keys": [...]}) publishing the public key. */
json_t *cube_jwt_jwks(const cube_jwt_key_t *k);
/* header.claims.signature, owned; NULL if signing failed. */
char *cube_jwt_sign(const cube_jwt_key_t *k, const json_t *claims);
/* 0 with the claims when the signature is valid (RS256 by this key), else -1. */
int cube_jwt_verify(const cube_jwt_key_t *k, const char *token, json_t **ret_claims);
/* Whether token has the shape of a JWT (three base64url parts, a JSON header). */
bool cube_jwt_looks_like(const char *token);

/* sa_token.c: service-account tokens (TokenRequest) and their authentication. */
const char *cube_sa_issuer(const cube_apiserver_t *srv);
/* Issues a token for serviceaccount ns/sa_name from a TokenRequest spec; ret_status: the
   TokenRequest status {token, expirationTimestamp}. Errors: NotFound (service account or bound
   object), Invalid (expirationSeconds, bound kind), Conflict (bound uid differs). */
int cube_sa_token_issue(cube_apiserver_t *srv, const char *ns, const char *sa_name,
                        const json_t *spec, json_t **ret_status, cube_err_t *err);
/* A cube_token_authenticator_fn (userdata = srv). */
int cube_sa_token_authenticate(cube_apiserver_t *srv, const char *token, cube_user_t **ret);
json_t *cube_sa_openid_configuration(cube_apiserver_t *srv);

/* impersonate.c: applies Impersonate-User/-Group/-Uid to *user (replaced) when the user may
   impersonate each of them. Errors: Forbidden. */
int cube_impersonate(cube_apiserver_t *srv, const cube_http_req_t *req, cube_user_t **user,
                     cube_err_t *err);

/* write.c: the request body as a JSON object (JSON, YAML or protobuf by Content-Type).
   Errors: BadRequest. */
int cube_reqctx_decode_body(cube_reqctx_t *ctx, json_t **ret, cube_err_t *err);

/* reviews.c: TokenRequest and the access/token/self-subject reviews (nothing stored). */
bool cube_reviews_handles(const cube_reqctx_t *ctx); /* whether ctx is one of those */
void cube_reviews_handle(void *ctx); /* cube_pool_fn taking a cube_reqctx_t* */

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
/* The Swagger 2.0 document of every served kind (/openapi/v2). New reference. */
json_t *cube_openapi_v2_doc(void);
/* That document as an openapi.v2.Document protobuf (openapi_pb.c). Owned. */
cube_bytes_t *cube_openapi_v2_protobuf(const json_t *doc);
/* What answers a GET of an OpenAPI document. */
typedef struct cube_openapi_answer {
    cube_bytes_t *body; /* owned reference; NULL when not_modified */
    const char *etag; /* quoted, static lifetime: send as ETag */
    const char *content_type; /* static: application/json, or octet-stream for v2 protobuf */
    bool immutable; /* the hash parameter names this document: cache forever */
    bool not_modified; /* If-None-Match names the ETag: answer 304 */
    bool gzip; /* body is gzip-compressed: send Content-Encoding: gzip */
    const char *location; /* outdated hash: answer 301 to this URL (static lifetime), no body */
} cube_openapi_answer_t;
/* Answers GET path (/openapi/v2, /openapi/v3, /openapi/v3/<gvpath>) from documents built once
   (any thread). hash: the request's hash parameter; accept, accept_encoding and if_none_match:
   its headers (each may be NULL). The body is gzip-compressed when the client accepts it and
   cube is built with zlib (CUBE_HAVE_ZLIB). Errors: NotFound for other paths, NotAcceptable (406)
   for /openapi/v2 when accept admits neither JSON nor the document's protobuf form. */
int cube_openapi_serve(const char *path, const char *hash, const char *accept,
                       const char *accept_encoding, const char *if_none_match,
                       cube_openapi_answer_t *ret, cube_err_t *err);
/* fieldValidation=Strict on a decoded body: 0 if every field is in r's schema tables, else -1
   with BadRequest "<Kind> in version \"<v>\" cannot be handled as a <Kind>: strict decoding
   error: unknown field \"spec.containers[0].imagee\", ..." (fields in document order). */
int cube_openapi_strict_check(const cube_resource_t *r, const json_t *obj, cube_err_t *err);

/* ======================================================================= */
/* Service IP and NodePort allocation (alloc.c)                             */
/* ======================================================================= */

/*
 * One range of integers [first, first+size), each handed out at most once: a
 * value is taken while stored Services hold it (cube_alloc_mark, from the
 * store's watch) or while a reservation made by an admission holds it (until
 * the Service shows up, its owner releases it, or hold_ms pass). Dynamic
 * values come from a random offset of [band, size) first, then [0, band).
 * Any thread; one mutex per range.
 */
typedef struct cube_alloc cube_alloc_t;

cube_alloc_t *cube_alloc_new(uint32_t first, uint32_t size, uint32_t band, int hold_ms);
void cube_alloc_free(cube_alloc_t *a); /* accepts NULL */
/* Reserves a free value for owner (a "ns/name" key): 0 with *ret set, -1 if the range is full. */
int cube_alloc_next(cube_alloc_t *a, const char *owner, uint32_t *ret);
/* Reserves v for owner: 0; -1 already taken (by a Service, or by another owner's reservation);
   -2 out of range. The same owner asking again for its own reservation gets 0. */
int cube_alloc_take(cube_alloc_t *a, uint32_t v, const char *owner);
/* A stored Service starts (+1) or stops (-1) holding v; +1 ends v's reservation. */
void cube_alloc_mark(cube_alloc_t *a, uint32_t v, int delta);
/* Ends owner's reservation of v (a failed request giving back what it took). */
void cube_alloc_release(cube_alloc_t *a, uint32_t v, const char *owner);
/* Whether v is taken (in use or reserved). */
bool cube_alloc_allocated(cube_alloc_t *a, uint32_t v);
/* How many values are taken. */
size_t cube_alloc_count(cube_alloc_t *a);
/* "10.43.0.0/16" -> the usable addresses (network and broadcast left out), host order.
   BadRequest for anything but an IPv4 CIDR with a /12../30 prefix. */
int cube_alloc_parse_cidr(const char *cidr, uint32_t *ret_first, uint32_t *ret_size,
                          cube_err_t *err);
/* "30000-32767" (or "30000+2767", or one port) -> first, size. BadRequest otherwise. */
int cube_alloc_parse_ports(const char *range, uint32_t *ret_first, uint32_t *ret_size,
                           cube_err_t *err);

/* The Service allocators: cluster IPs and node ports, used sets following the store's watch of
   /registry/core/services/ (the first IP of the range is always taken: the `kubernetes`
   Service's). */
typedef struct cube_svc_alloc cube_svc_alloc_t;
/* Errors: BadRequest for a bad range; the store's errors. hold_ms: reservation lifetime
   (0 = 30 s). */
int cube_svc_alloc_new(cube_store_t *store, const char *cidr, const char *port_range, int hold_ms,
                       cube_svc_alloc_t **ret, cube_err_t *err);
void cube_svc_alloc_free(cube_svc_alloc_t *s); /* accepts NULL */
/* The first IP of the range, owned ("10.43.0.1"). */
char *cube_svc_alloc_first_ip(const cube_svc_alloc_t *s);
/*
 * Admission of a Service (old: the stored one on update, NULL on create): sets clusterIP and
 * clusterIPs (allocated, or the explicit one reserved; "None" kept), nodePorts for NodePort and
 * LoadBalancer ports, healthCheckNodePort for LoadBalancer with externalTrafficPolicy Local.
 * Errors: Invalid with Kubernetes' messages ("spec.clusterIPs: Invalid value: []string{...}:
 * failed to allocate IP x: provided IP is already allocated", "spec.ports[0].nodePort: Invalid
 * value: 30080: provided port is already allocated", "... is not in the valid range ..."),
 * InternalError when a range is full. On failure nothing stays reserved.
 */
int cube_svc_alloc_admit(cube_svc_alloc_t *s, json_t *svc, const json_t *old, cube_err_t *err);

/* ======================================================================= */
/* what the server keeps about itself (bootstrap.c)                          */
/* ======================================================================= */

typedef struct cube_svc_state cube_svc_state_t;

/* Before serving: the Service allocators (following the store from here on) and the built-in
   PriorityClasses (system-node-critical, system-cluster-critical). Sets srv->svc. */
int cube_bootstrap_start(cube_apiserver_t *srv, cube_err_t *err);
/* Once serving on port: writes the `kubernetes` Service, Endpoints and EndpointSlice in
   `default`, then keeps them (every 10 s) on a thread of its own. */
int cube_bootstrap_serve(cube_apiserver_t *srv, int port, cube_err_t *err);
/* Stops the upkeep and frees srv->svc. Accepts a server that never started it. */
void cube_bootstrap_stop(cube_apiserver_t *srv);
/* The Service allocators (NULL before cube_bootstrap_start). */
cube_svc_alloc_t *cube_bootstrap_svc_alloc(cube_apiserver_t *srv);

/* ---- podsecurity.c: PodSecurity admission (Pod Security Standards) ---------------------- */
typedef enum { CUBE_PSA_PRIVILEGED, CUBE_PSA_BASELINE, CUBE_PSA_RESTRICTED } cube_psa_level_t;
/* "privileged", "baseline", "restricted" -> level; -1 for anything else. */
int cube_psa_level_parse(const char *s);
const char *cube_psa_level_name(cube_psa_level_t level);
/* Checks a pod's (or template's) metadata and spec against a level, in upstream's order and
   words: NULL when allowed, else the owned text "reason (detail), reason (detail)". */
char *cube_psa_evaluate(cube_psa_level_t level, const json_t *meta, const json_t *spec);
/* The policy of a namespace's labels applied to one pod (pod true: enforce refuses with 403
   Forbidden `pods "<name>" is forbidden: violates PodSecurity ...`) or pod template (pod
   false: enforce and warn only warn). Warning texts are appended to warnings (a JSON array of
   strings; NULL drops them). */
int cube_podsecurity_check(const json_t *labels, bool pod, const char *name, const json_t *meta,
                           const json_t *spec, json_t *warnings, cube_err_t *err);
/* Admission step: pods on create and on updates that change more than images, and objects with
   pod templates (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs,
   ReplicationControllers) on create, against the labels of their namespace (from the cache). */
int cube_podsecurity_admit(cube_apiserver_t *srv, const cube_resource_t *r, cube_api_op_t op,
                           const json_t *obj, const json_t *old, json_t *warnings, cube_err_t *err);

#endif
