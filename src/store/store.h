/*
 * store: the revisioned key-value store underneath the API server, the way
 * etcd v3 (and kine) model it. Keys are "/registry/<group>/<resource>/<ns>/<name>";
 * values are opaque bytes (the API server's serialized objects). One global
 * revision counter orders every write; a key's mod_revision is the object's
 * resourceVersion.
 *
 * The interface is backend-neutral: cube_store_open() picks a backend from
 * the options (SQLite, embedded, the default; etcd later) and the API server
 * above it never knows which. Only the API server uses this module.
 *
 * Durability: a write returns only after it is committed durably (fsync'd
 * WAL for SQLite). Concurrent writers from many threads share commits (group
 * commit): each caller blocks until the batch holding its write is durable.
 *
 * Threads: every function may be called from any thread concurrently. Watch
 * callbacks run on the store's own notifier thread, one event at a time, in
 * revision order; they must not block for long and must not call
 * cube_store_watch_cancel() on their own watch (return false instead).
 */
#ifndef CUBE_STORE_H
#define CUBE_STORE_H

#include "core/core.h"

typedef struct cube_store cube_store_t;

typedef struct cube_store_options {
    const char *backend; /* "sqlite" (default) */
    const char *path; /* sqlite: database file */
    int64_t
        compact_keep_revisions; /* compaction keeps at least this many revisions (default 10000) */
    int compact_interval_sec; /* automatic compaction period, 0 = default 60 s, <0 = off */
} cube_store_options_t;

/* One stored key at one revision. Owned by whoever received it; free with cube_store_kv_free. */
typedef struct cube_store_kv {
    char *key;
    cube_bytes_t *value; /* NULL for a deletion event's kv */
    int64_t create_revision;
    int64_t mod_revision;
} cube_store_kv_t;

void cube_store_kv_free(cube_store_kv_t *kv); /* frees contents and kv itself; accepts NULL */
void cube_store_kvs_free(cube_store_kv_t **kvs, size_t n);

/* Opens (creating if needed) a store. Errors: InternalError with the cause. */
int cube_store_open(const cube_store_options_t *opts, cube_store_t **ret, cube_err_t *err);
/* Stops compaction and watches (their callbacks are not called again), closes. Accepts NULL. */
void cube_store_close(cube_store_t *s);

/* The newest committed revision (0 for an empty store). */
int64_t cube_store_revision(cube_store_t *s);
/* The oldest revision a range or watch may still ask for (compacted revision + 1). */
int64_t cube_store_oldest_revision(cube_store_t *s);

/*
 * Creates key with value if it does not exist. value is copied.
 * ret_rev: the new revision. Errors: AlreadyExists (409) if the key exists.
 */
int cube_store_create(cube_store_t *s, const char *key, const void *value, size_t len,
                      int64_t *ret_rev, cube_err_t *err);

/* Called once an asynchronous write is durable (rc 0, rev set) or failed (rc -1, err set;
 * borrowed for the call). Runs on the store's committer thread: keep it short, never block. */
typedef void (*cube_store_done_fn)(int rc, int64_t rev, const cube_err_t *err, void *userdata);

/*
 * cube_store_create without waiting: queues the write (key and value are
 * copied) and returns at once; done runs when the group commit holding it is
 * durable. Lets a caller with many writes in flight use few threads.
 */
void cube_store_create_async(cube_store_t *s, const char *key, const void *value, size_t len,
                             cube_store_done_fn done, void *userdata);

/*
 * Replaces key's value if its mod_revision equals expected_rev (expected_rev
 * 0 = unconditionally, but the key must exist). Errors: NotFound (404),
 * Conflict (409) when the revision moved.
 */
int cube_store_update(cube_store_t *s, const char *key, const void *value, size_t len,
                      int64_t expected_rev, int64_t *ret_rev, cube_err_t *err);

/*
 * Deletes key if its mod_revision equals expected_rev (0 = unconditionally).
 * ret_prev (optional): the deleted kv, owned by the caller. ret_rev: the
 * revision of the deletion. Errors: NotFound, Conflict.
 */
int cube_store_delete(cube_store_t *s, const char *key, int64_t expected_rev,
                      cube_store_kv_t **ret_prev, int64_t *ret_rev, cube_err_t *err);

/* Reads key's current value. ret_kv owned by the caller. Errors: NotFound. */
int cube_store_get(cube_store_t *s, const char *key, cube_store_kv_t **ret_kv, cube_err_t *err);

/*
 * Lists keys in [start, end) in key order as of revision rev (0 = newest),
 * at most limit (0 = no limit) of them. ret_kvs/ret_n: owned array of
 * owned kvs. ret_more: true if keys remain past the last one returned (to
 * continue, start again at last key + "\x00" with the same rev). ret_rev:
 * the revision the range was read at.
 * Errors: Expired (410) if rev is older than the compacted revision.
 */
int cube_store_range(cube_store_t *s, const char *start, const char *end, int64_t rev, size_t limit,
                     cube_store_kv_t ***ret_kvs, size_t *ret_n, bool *ret_more, int64_t *ret_rev,
                     cube_err_t *err);

typedef enum { CUBE_STORE_PUT = 0, CUBE_STORE_DELETE = 1 } cube_store_event_type_t;

/* A change. kv and prev_kv are borrowed for the duration of the callback only. */
typedef struct cube_store_event {
    cube_store_event_type_t type;
    const cube_store_kv_t
        *kv; /* DELETE: key and mod_revision (the deletion's revision) set, value NULL */
    const cube_store_kv_t *prev_kv; /* the value before, or NULL for a create */
} cube_store_event_t;

/* Return false to stop receiving events (the watch then ends by itself). */
typedef bool (*cube_store_watch_fn)(const cube_store_event_t *ev, void *userdata);

typedef struct cube_store_watch cube_store_watch_t;

/*
 * Watches keys with the given prefix for every change with revision >
 * from_rev (from_rev 0 = from now). Past events still in history are
 * delivered first, in order. Errors: Expired (410) if from_rev is older
 * than the compacted revision.
 */
int cube_store_watch(cube_store_t *s, const char *prefix, int64_t from_rev, cube_store_watch_fn fn,
                     void *userdata, cube_store_watch_t **ret, cube_err_t *err);
/* Stops a watch; after it returns the callback is not running and will not run. Any thread
 * but the notifier's. Accepts NULL. */
void cube_store_watch_cancel(cube_store_watch_t *w);

/*
 * A value transformer between callers and the backend (encryption at rest): to_storage
 * turns what a caller writes under key into what the backend keeps, from_storage the
 * reverse for everything read (get, range, watch events, a delete's previous value). Each
 * sets *out to new bytes, or leaves it NULL for "unchanged"; an error fails the call (a
 * watch event that does not decode is delivered as stored, and logged). Set once, right
 * after cube_store_open and before any other call; t must outlive the store.
 */
typedef struct cube_store_transformer {
    int (*to_storage)(void *ud, const char *key, const void *value, size_t len, cube_bytes_t **out,
                      cube_err_t *err);
    int (*from_storage)(void *ud, const char *key, const cube_bytes_t *value, cube_bytes_t **out,
                        cube_err_t *err);
    /* whether a stored value is not in the form to_storage writes now (another key) */
    bool (*stale)(void *ud, const char *key, const cube_bytes_t *stored);
    void *ud;
} cube_store_transformer_t;
void cube_store_set_transformer(cube_store_t *s, const cube_store_transformer_t *t);
/* Whether key's stored value is stale for the transformer (written with a key or provider
 * that is no longer the first): a rewrite of an unchanged object must then still reach the
 * store, as Kubernetes forces it so that key rotation works. false without a transformer. */
bool cube_store_value_stale(cube_store_t *s, const char *key);

/* Forgets history at or below rev (deleted keys and superseded values). */
int cube_store_compact(cube_store_t *s, int64_t rev, cube_err_t *err);

#endif
