/*
 * store/internal.h: what the backend-neutral front (store.c) and the
 * backends (sqlite.c; etcd.c later) share. A backend embeds cube_store_t
 * (and cube_store_watch_t) as the first member of its own structs and fills
 * in an ops table; store.c checks arguments once and dispatches, so every
 * backend sees the same, already validated calls.
 */
#ifndef CUBE_STORE_INTERNAL_H
#define CUBE_STORE_INTERNAL_H

#include "store/store.h"

typedef struct cube_store_ops {
    const char *name;
    int (*open)(const cube_store_options_t *opts, cube_store_t **ret, cube_err_t *err);
    void (*close)(cube_store_t *s);
    int64_t (*revision)(cube_store_t *s);
    int64_t (*oldest_revision)(cube_store_t *s);
    int (*create)(cube_store_t *s, const char *key, const void *value, size_t len, int64_t *ret_rev,
                  cube_err_t *err);
    /* optional: NULL = store.c runs create and calls done itself */
    void (*create_async)(cube_store_t *s, const char *key, const void *value, size_t len,
                         cube_store_done_fn done, void *userdata);
    int (*update)(cube_store_t *s, const char *key, const void *value, size_t len,
                  int64_t expected_rev, int64_t *ret_rev, cube_err_t *err);
    int (*del)(cube_store_t *s, const char *key, int64_t expected_rev, cube_store_kv_t **ret_prev,
               int64_t *ret_rev, cube_err_t *err);
    int (*get)(cube_store_t *s, const char *key, cube_store_kv_t **ret_kv, cube_err_t *err);
    /* end NULL = no upper bound; limit 0 = none. */
    int (*range)(cube_store_t *s, const char *start, const char *end, int64_t rev, size_t limit,
                 cube_store_kv_t ***ret_kvs, size_t *ret_n, bool *ret_more, int64_t *ret_rev,
                 cube_err_t *err);
    int (*watch)(cube_store_t *s, const char *prefix, int64_t from_rev, cube_store_watch_fn fn,
                 void *userdata, cube_store_watch_t **ret, cube_err_t *err);
    void (*watch_cancel)(cube_store_watch_t *w);
    int (*compact)(cube_store_t *s, int64_t rev, cube_err_t *err);
} cube_store_ops_t;

/* The common head of every backend's store. */
struct cube_store {
    const cube_store_ops_t *ops;
    const cube_store_transformer_t *xform; /* store.c: NULL = values as they are */
};

/* The common head of every backend's watch. */
struct cube_store_watch {
    cube_store_t *store;
    void *xform_wrap; /* store.c: the decrypting callback's state, freed on cancel */
};

extern const cube_store_ops_t cube_store_sqlite_ops;

/* A new kv: key copied, value referenced (may be NULL). Free with cube_store_kv_free. */
cube_store_kv_t *cube_store_kv_new(const char *key, cube_bytes_t *value, int64_t create_rev,
                                   int64_t mod_rev);

/*
 * The smallest key greater than every key that starts with prefix, or NULL
 * when there is none (empty prefix, or only 0xff bytes). Caller frees.
 */
char *cube_store_prefix_end(const char *prefix);

#endif
