/*
 * client: the counterpart of client-go. Every component other than the API
 * server (controller manager, scheduler, kubelet, proxy, dns, hollow nodes)
 * talks to the cluster only through this module: a REST client built from a
 * kubeconfig, shared informers (list, then watch, with an indexed read-only
 * cache), a de-duplicating rate-limited work queue, Lease leader election and
 * an event recorder.
 *
 * Objects are jansson trees. Objects handed out by an informer's cache are
 * shared and immutable: callers hold a reference (json_decref when done) and
 * never modify them; to change one, json_deep_copy it first.
 *
 * Threads: a cube_client_t is safe to use from any number of threads at once.
 * Each informer runs its list/watch loop on its own thread and calls its
 * handlers there, one event at a time, in order. Cache reads are safe from any
 * thread. Work queues are safe from any thread.
 */
#ifndef CUBE_CLIENT_H
#define CUBE_CLIENT_H

#include "api/api.h"
#include "core/core.h"

/* ======================================================================= */
/* REST client (rest.c, kubeconfig.c)                                       */
/* ======================================================================= */

typedef struct cube_client cube_client_t;

typedef struct cube_client_config {
    char *server; /* "https://127.0.0.1:6443" */
    char *ca_pem; /* PEM text of the CA bundle, or NULL to use the system store */
    char *cert_pem; /* client certificate (PEM text), or NULL */
    char *key_pem; /* its key (PEM text), or NULL */
    char *token; /* bearer token, or NULL */
    char
        *token_file; /* bearer token re-read from this file when it changes (in-cluster), or NULL */
    bool insecure; /* skip server certificate verification */
    char *user_agent; /* "cube-controller-manager/v1.32.0+cube.1", or NULL for a default */
    double qps; /* client-side rate limit (token bucket); 0 = unlimited */
    int burst;
    int timeout_ms; /* per request (not watches); 0 = 30 s */
} cube_client_config_t;

void cube_client_config_clear(cube_client_config_t *cfg);

/*
 * Loads a kubeconfig file (YAML or JSON) using its current-context: server,
 * certificate-authority(-data), client-certificate(-data), client-key(-data),
 * token, tokenFile, insecure-skip-tls-verify. Relative file paths are taken
 * relative to the kubeconfig's directory. path NULL: $KUBECONFIG, then
 * ~/.kube/config. Errors: BadRequest with the path and what is wrong.
 */
int cube_client_config_load(const char *path, cube_client_config_t *ret, cube_err_t *err);
/* The in-cluster form: KUBERNETES_SERVICE_HOST/PORT and the service-account files under
 * /var/run/secrets/kubernetes.io/serviceaccount (token, ca.crt). */
int cube_client_config_incluster(cube_client_config_t *ret, cube_err_t *err);

/* Takes a copy of cfg. */
int cube_client_new(const cube_client_config_t *cfg, cube_client_t **ret, cube_err_t *err);
/* cube_client_config_load + cube_client_new. */
int cube_client_from_kubeconfig(const char *path, const char *user_agent, cube_client_t **ret,
                                cube_err_t *err);
void cube_client_free(cube_client_t *c); /* accepts NULL */

/*
 * One request. path: "/api/v1/namespaces/default/pods?limit=500" (already
 * escaped). body: JSON to send (NULL for none), with content_type (NULL:
 * application/json). On 2xx, *ret (if ret is not NULL) gets the decoded
 * response body (NULL for an empty body). On any other status, returns -1 and
 * fills err from the metav1.Status the server sent (code, reason, message,
 * details) or, when the body is not a Status, code and a message with the
 * status line. Connection failures and 429/500/502/503/504 are retried with
 * exponential backoff (honouring Retry-After) up to a few times before failing
 * with code 0 (connection) or the last status.
 */
int cube_client_request(cube_client_t *c, const char *method, const char *path, const json_t *body,
                        const char *content_type, json_t **ret, cube_err_t *err);

/* The path of a collection or object: ns may be NULL (cluster-scoped or all namespaces), name
 * NULL (collection), sub NULL (no subresource). Owned string. */
char *cube_client_path(const cube_resource_t *r, const char *ns, const char *name, const char *sub);

/* Typed conveniences over cube_client_request (same error rules). */
int cube_client_get(cube_client_t *c, const cube_resource_t *r, const char *ns, const char *name,
                    json_t **ret, cube_err_t *err);
/* label_sel, field_sel may be NULL. ret: the whole List object. Follows `continue` pages. */
int cube_client_list(cube_client_t *c, const cube_resource_t *r, const char *ns,
                     const char *label_sel, const char *field_sel, json_t **ret, cube_err_t *err);
int cube_client_create(cube_client_t *c, const cube_resource_t *r, const char *ns,
                       const json_t *obj, json_t **ret, cube_err_t *err);
/* PUT of obj (its metadata.name/namespace address it); sub: NULL or "status". */
int cube_client_update(cube_client_t *c, const cube_resource_t *r, const json_t *obj,
                       const char *sub, json_t **ret, cube_err_t *err);
/* patch_type: "application/merge-patch+json", "application/strategic-merge-patch+json",
 * "application/json-patch+json". sub: NULL or "status". */
int cube_client_patch(cube_client_t *c, const cube_resource_t *r, const char *ns, const char *name,
                      const char *patch_type, const json_t *patch, const char *sub, json_t **ret,
                      cube_err_t *err);
/* opts: a DeleteOptions object or NULL. NotFound is an error like any other. */
int cube_client_delete(cube_client_t *c, const cube_resource_t *r, const char *ns, const char *name,
                       const json_t *opts, cube_err_t *err);
/* POST to a subresource ("binding", "eviction", "token", ...). */
int cube_client_post_sub(cube_client_t *c, const cube_resource_t *r, const char *ns,
                         const char *name, const char *sub, const json_t *body, json_t **ret,
                         cube_err_t *err);

/*
 * A watch event: type "ADDED", "MODIFIED", "DELETED", "BOOKMARK" or "ERROR";
 * obj is borrowed for the call. Return non-zero to stop the watch.
 */
typedef int (*cube_watch_fn)(const char *type, json_t *obj, void *userdata);

/*
 * Watches path (a collection path with query, "?watch=1" added by the
 * function) and calls fn for each event, on the calling thread, until the
 * server ends the stream (returns 0), fn returns non-zero (returns 0), *stop
 * becomes true (checked at least every second; returns 0) or the connection
 * fails (returns -1 with err). An ERROR event with a 410 Status is passed to
 * fn like any other event.
 */
int cube_client_watch(cube_client_t *c, const char *path, cube_watch_fn fn, void *userdata,
                      const atomic_bool *stop, cube_err_t *err);

/* ======================================================================= */
/* informers (informer.c)                                                   */
/* ======================================================================= */

typedef struct cube_informer cube_informer_t;
typedef struct cube_informers cube_informers_t; /* the shared factory */

/* Handlers run on the informer's thread; objects are borrowed (json_incref to keep them). On
 * a relist, objects gone from the new list are delivered as deletes, changed ones as updates.
 * A periodic resync delivers on_update(obj, obj) for every cached object. */
typedef struct cube_informer_handlers {
    void (*on_add)(json_t *obj, void *userdata);
    void (*on_update)(json_t *old, json_t *obj, void *userdata);
    void (*on_delete)(json_t *obj, void *userdata);
    void *userdata;
} cube_informer_handlers_t;

/* An index function: the index values of obj (NULL-terminated array of owned strings, or NULL
 * for none; freed by the informer). */
typedef char **(*cube_index_fn)(const json_t *obj);

/* Built-in index functions. */
char **cube_index_namespace(const json_t *obj); /* metadata.namespace */
char **cube_index_node_name(const json_t *obj); /* spec.nodeName (pods) */
char **cube_index_owner_uid(const json_t *obj); /* every ownerReferences[].uid */

/* resync_sec: period of the resync delivery (0 = none). */
cube_informers_t *cube_informers_new(cube_client_t *c, int resync_sec);
/* Stops every informer (joins their threads) and frees them. */
void cube_informers_free(cube_informers_t *f); /* accepts NULL */

/*
 * The one informer of this factory for (r, field_sel): created on first call,
 * the same pointer after. field_sel may be NULL ("spec.nodeName=node1" for a
 * kubelet). Call before cube_informers_start, or after (it starts at once).
 */
cube_informer_t *cube_informers_get(cube_informers_t *f, const cube_resource_t *r,
                                    const char *field_sel);
/* Adds handlers (before or after start; added after start: on_add for every cached object). */
void cube_informer_add_handlers(cube_informer_t *inf, const cube_informer_handlers_t *h);
/* Adds an index (before start). */
void cube_informer_add_index(cube_informer_t *inf, const char *name, cube_index_fn fn);

/* Starts every informer not yet running (each: list, then watch from the list's
 * resourceVersion with bookmarks; on 410 or a broken watch, relist with backoff). */
void cube_informers_start(cube_informers_t *f);
/* Waits until every started informer has completed its first list. -1 on timeout. */
int cube_informers_wait_synced(cube_informers_t *f, int timeout_ms);
bool cube_informer_synced(cube_informer_t *inf);

/* Cache reads: new references (json_decref them; never modify). "ns/name" or "name" keys. */
json_t *cube_informer_get(cube_informer_t *inf, const char *ns, const char *name);
/* All cached objects; ret: owned array of references (free with cube_json_refs_free). */
size_t cube_informer_list(cube_informer_t *inf, json_t ***ret);
size_t cube_informer_by_index(cube_informer_t *inf, const char *index, const char *value,
                              json_t ***ret);
void cube_json_refs_free(json_t **objs, size_t n);

/* "ns/name" (or "name" for cluster-scoped objects) of obj: owned. */
char *cube_object_key(const json_t *obj);
/* Splits a key into ns ("" when cluster-scoped) and name: both owned. */
void cube_split_key(const char *key, char **ret_ns, char **ret_name);

/* ======================================================================= */
/* work queue (workqueue.c)                                                 */
/* ======================================================================= */

typedef struct cube_workqueue cube_workqueue_t;

/*
 * A de-duplicating queue of string keys, as client-go's rate-limited queue:
 * a key added while queued is queued once; a key added while being processed
 * is marked dirty and queued again when cube_workqueue_done is called, so one
 * key is never processed by two workers at once. add_rate_limited delays a
 * key by base_ms * 2^failures (capped at max_ms), and every add goes through
 * a global token bucket (qps, burst; qps 0 = none).
 */
cube_workqueue_t *cube_workqueue_new(const char *name, int base_ms, int max_ms, double qps,
                                     int burst);
void cube_workqueue_free(cube_workqueue_t *q); /* after shutdown and the workers are gone */
void cube_workqueue_add(cube_workqueue_t *q, const char *key);
void cube_workqueue_add_after(cube_workqueue_t *q, const char *key, int delay_ms);
void cube_workqueue_add_rate_limited(cube_workqueue_t *q, const char *key);
/* Clears key's failure count. */
void cube_workqueue_forget(cube_workqueue_t *q, const char *key);
int cube_workqueue_failures(cube_workqueue_t *q, const char *key);
/* Blocks until a key is ready (owned string) or the queue is shut down (NULL). */
char *cube_workqueue_get(cube_workqueue_t *q);
void cube_workqueue_done(cube_workqueue_t *q, const char *key);
/* Wakes every getter; get returns NULL from now on once the queue is drained of nothing. */
void cube_workqueue_shutdown(cube_workqueue_t *q);
size_t cube_workqueue_len(cube_workqueue_t *q);

/* ======================================================================= */
/* leader election (leader.c)                                               */
/* ======================================================================= */

typedef struct cube_leader_config {
    const char *ns; /* "kube-system" */
    const char *name; /* "kube-scheduler" */
    const char *identity; /* "<hostname>_<uuid>" */
    int lease_sec; /* 15 */
    int renew_deadline_sec; /* 10 */
    int retry_sec; /* 2 */
    void (*on_started)(void *userdata); /* became leader (called on the election thread) */
    void (*on_stopped)(void *userdata); /* lost the lease or stopping */
    void *userdata;
} cube_leader_config_t;

/*
 * Runs leader election with a coordination.k8s.io/v1 Lease until *stop:
 * acquires the lease when it is free or expired (holderIdentity,
 * leaseDurationSeconds, acquireTime, renewTime, leaseTransitions as
 * client-go writes them), renews it every retry_sec, and gives up leadership
 * (on_stopped) when it could not renew within renew_deadline_sec. On stop, a
 * held lease is released (holderIdentity cleared) so another candidate takes
 * over at once. Blocks; returns 0 when stopped.
 */
int cube_leader_run(cube_client_t *c, const cube_leader_config_t *cfg, const atomic_bool *stop,
                    cube_err_t *err);

/* ======================================================================= */
/* events (events.c)                                                        */
/* ======================================================================= */

typedef struct cube_recorder cube_recorder_t;

/* component: "default-scheduler", "deployment-controller", "kubelet"; host: node name or NULL. */
cube_recorder_t *cube_recorder_new(cube_client_t *c, const char *component, const char *host);
/* Flushes pending events (bounded wait) and frees. */
void cube_recorder_free(cube_recorder_t *r); /* accepts NULL */

/*
 * Records a core/v1 Event about obj (its kind, namespace, name, uid,
 * apiVersion, resourceVersion become involvedObject): type "Normal" or
 * "Warning". Non-blocking: events are written by a background thread. The
 * same (object, type, reason, message) seen again within 10 minutes bumps the
 * existing event's count and lastTimestamp instead of creating a new one,
 * as client-go's correlator does.
 */
void cube_recorder_event(cube_recorder_t *r, const json_t *obj, const char *type,
                         const char *reason, const char *fmt, ...) _printf_(5, 6);

#endif
