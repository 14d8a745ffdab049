/*
 * store.c: the backend-neutral front of the store. It picks a backend by
 * name, fills option defaults, checks arguments once (so backends see only
 * well-formed calls) and owns the small helpers every backend shares: kv
 * lifetime and prefix arithmetic. The storage itself lives in sqlite.c (and
 * etcd.c later).
 */
#include <inttypes.h>

#include "store/internal.h"

#define DEFAULT_KEEP_REVISIONS 10000
#define DEFAULT_COMPACT_INTERVAL_SEC 60

static const cube_store_ops_t *const backends[] = {
    &cube_store_sqlite_ops,
};

cube_store_kv_t *cube_store_kv_new(const char *key, cube_bytes_t *value, int64_t create_rev,
                                   int64_t mod_rev)
{
    cube_store_kv_t *kv = xmalloc(sizeof(*kv));
    kv->key = xstrdup(key);
    kv->value = value;
    kv->create_revision = create_rev;
    kv->mod_revision = mod_rev;
    return kv;
}

void cube_store_kv_free(cube_store_kv_t *kv)
{
    if (!kv)
        return;
    free(kv->key);
    cube_bytes_unref(kv->value);
    free(kv);
}

void cube_store_kvs_free(cube_store_kv_t **kvs, size_t n)
{
    if (!kvs)
        return;
    for (size_t i = 0; i < n; i++)
        cube_store_kv_free(kvs[i]);
    free(kvs);
}

char *cube_store_prefix_end(const char *prefix)
{
    size_t n = strlen(prefix);
    while (n > 0 && (unsigned char)prefix[n - 1] == 0xff)
        n--;
    if (n == 0)
        return NULL;
    char *end = xstrndup(prefix, n);
    end[n - 1] = (char)((unsigned char)end[n - 1] + 1);
    return end;
}

static int check_key(const char *key, cube_err_t *err)
{
    if (!key || !*key)
        return cube_err_badrequest(err, "store: empty key");
    return 0;
}

static int check_value(const void *value, size_t len, cube_err_t *err)
{
    if (!value && len)
        return cube_err_badrequest(err, "store: NULL value with length %zu", len);
    return 0;
}

int cube_store_open(const cube_store_options_t *opts, cube_store_t **ret, cube_err_t *err)
{
    cube_store_options_t o = {0};
    if (opts)
        o = *opts;
    if (!o.backend || !*o.backend)
        o.backend = "sqlite";
    if (o.compact_keep_revisions <= 0)
        o.compact_keep_revisions = DEFAULT_KEEP_REVISIONS;
    if (o.compact_interval_sec == 0)
        o.compact_interval_sec = DEFAULT_COMPACT_INTERVAL_SEC;

    for (size_t i = 0; i < CUBE_ARRAY_SIZE(backends); i++)
        if (strcmp(backends[i]->name, o.backend) == 0)
            return backends[i]->open(&o, ret, err);
    return cube_err_internal(err, "store: unknown backend \"%s\"", o.backend);
}

void cube_store_close(cube_store_t *s)
{
    if (s)
        s->ops->close(s);
}

int64_t cube_store_revision(cube_store_t *s)
{
    return s->ops->revision(s);
}

int64_t cube_store_oldest_revision(cube_store_t *s)
{
    return s->ops->oldest_revision(s);
}

/* ---- the value transformer ------------------------------------------------ */

void cube_store_set_transformer(cube_store_t *s, const cube_store_transformer_t *t)
{
    s->xform = t;
}

/* What the backend keeps for value: *out NULL = value itself. */
static int to_storage(cube_store_t *s, const char *key, const void *value, size_t len,
                      cube_bytes_t **out, cube_err_t *err)
{
    *out = NULL;
    return s->xform ? s->xform->to_storage(s->xform->ud, key, value, len, out, err) : 0;
}

/* kv's value as callers see it, in place. */
static int from_storage(cube_store_t *s, cube_store_kv_t *kv, cube_err_t *err)
{
    if (!s->xform || !kv || !kv->value)
        return 0;
    cube_bytes_t *out = NULL;
    if (s->xform->from_storage(s->xform->ud, kv->key, kv->value, &out, err) < 0)
        return -1;
    if (out) {
        cube_bytes_unref(kv->value);
        kv->value = out;
    }
    return 0;
}

bool cube_store_value_stale(cube_store_t *s, const char *key)
{
    if (!s->xform || !s->xform->stale)
        return false;
    cube_store_kv_t *kv = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (s->ops->get(s, key, &kv, &err) < 0)
        return false;
    bool stale = kv->value && s->xform->stale(s->xform->ud, key, kv->value);
    cube_store_kv_free(kv);
    return stale;
}

int cube_store_create(cube_store_t *s, const char *key, const void *value, size_t len,
                      int64_t *ret_rev, cube_err_t *err)
{
    if (check_key(key, err) < 0 || check_value(value, len, err) < 0)
        return -1;
    cube_bytes_t *t = NULL;
    if (to_storage(s, key, value, len, &t, err) < 0)
        return -1;
    int rc = s->ops->create(s, key, t ? t->data : value, t ? t->len : len, ret_rev, err);
    cube_bytes_unref(t);
    return rc;
}

void cube_store_create_async(cube_store_t *s, const char *key, const void *value, size_t len,
                             cube_store_done_fn done, void *userdata)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t rev = 0;
    cube_bytes_t *t = NULL;
    if (check_key(key, &err) < 0 || check_value(value, len, &err) < 0 ||
        to_storage(s, key, value, len, &t, &err) < 0) {
        done(-1, 0, &err, userdata);
        return;
    }
    if (t) {
        value = t->data;
        len = t->len;
    }
    if (s->ops->create_async) {
        s->ops->create_async(s, key, value, len, done, userdata); /* the backend copies it */
        cube_bytes_unref(t);
        return;
    }
    int rc = s->ops->create(s, key, value, len, &rev, &err);
    cube_bytes_unref(t);
    done(rc, rev, rc < 0 ? &err : NULL, userdata);
}

int cube_store_update(cube_store_t *s, const char *key, const void *value, size_t len,
                      int64_t expected_rev, int64_t *ret_rev, cube_err_t *err)
{
    if (check_key(key, err) < 0 || check_value(value, len, err) < 0)
        return -1;
    if (expected_rev < 0)
        return cube_err_badrequest(err, "store: negative revision %" PRId64, expected_rev);
    cube_bytes_t *t = NULL;
    if (to_storage(s, key, value, len, &t, err) < 0)
        return -1;
    int rc =
        s->ops->update(s, key, t ? t->data : value, t ? t->len : len, expected_rev, ret_rev, err);
    cube_bytes_unref(t);
    return rc;
}

int cube_store_delete(cube_store_t *s, const char *key, int64_t expected_rev,
                      cube_store_kv_t **ret_prev, int64_t *ret_rev, cube_err_t *err)
{
    if (check_key(key, err) < 0)
        return -1;
    if (expected_rev < 0)
        return cube_err_badrequest(err, "store: negative revision %" PRId64, expected_rev);
    int rc = s->ops->del(s, key, expected_rev, ret_prev, ret_rev, err);
    if (rc == 0 && ret_prev && *ret_prev) {
        cube_err_t e2 _cleanup_err_ = CUBE_ERR_INIT;
        if (from_storage(s, *ret_prev, &e2) < 0)
            cube_log_warn("store: previous value of %s: %s", key, e2.msg);
    }
    return rc;
}

int cube_store_get(cube_store_t *s, const char *key, cube_store_kv_t **ret_kv, cube_err_t *err)
{
    if (check_key(key, err) < 0)
        return -1;
    if (s->ops->get(s, key, ret_kv, err) < 0)
        return -1;
    if (from_storage(s, *ret_kv, err) < 0) {
        cube_store_kv_free(*ret_kv);
        *ret_kv = NULL;
        return -1;
    }
    return 0;
}

int cube_store_range(cube_store_t *s, const char *start, const char *end, int64_t rev, size_t limit,
                     cube_store_kv_t ***ret_kvs, size_t *ret_n, bool *ret_more, int64_t *ret_rev,
                     cube_err_t *err)
{
    if (rev < 0)
        return cube_err_badrequest(err, "store: negative revision %" PRId64, rev);
    if (!start)
        start = "";
    if (end && !*end)
        end = NULL;
    if (s->ops->range(s, start, end, rev, limit, ret_kvs, ret_n, ret_more, ret_rev, err) < 0)
        return -1;
    for (size_t i = 0; i < *ret_n; i++) {
        if (from_storage(s, (*ret_kvs)[i], err) < 0) {
            cube_store_kvs_free(*ret_kvs, *ret_n);
            *ret_kvs = NULL;
            *ret_n = 0;
            return -1;
        }
    }
    return 0;
}

/* A watch through the transformer: events reach the caller with their values decoded. */
typedef struct xwatch {
    cube_store_t *store;
    cube_store_watch_fn fn;
    void *ud;
} xwatch_t;

static const cube_store_kv_t *decoded(cube_store_t *s, const cube_store_kv_t *kv,
                                      cube_store_kv_t *copy)
{
    if (!kv || !kv->value)
        return kv;
    cube_bytes_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (s->xform->from_storage(s->xform->ud, kv->key, kv->value, &out, &err) < 0) {
        cube_log_warn("store: watch event for %s: %s", kv->key, err.msg);
        return kv;
    }
    if (!out)
        return kv;
    *copy = *kv;
    copy->value = out;
    return copy;
}

static bool xwatch_event(const cube_store_event_t *ev, void *ud)
{
    xwatch_t *x = ud;
    cube_store_kv_t kv, prev;
    cube_store_event_t e = {.type = ev->type,
                            .kv = decoded(x->store, ev->kv, &kv),
                            .prev_kv = decoded(x->store, ev->prev_kv, &prev)};
    bool more = x->fn(&e, x->ud);
    if (e.kv == &kv)
        cube_bytes_unref(kv.value);
    if (e.prev_kv == &prev)
        cube_bytes_unref(prev.value);
    return more;
}

int cube_store_watch(cube_store_t *s, const char *prefix, int64_t from_rev, cube_store_watch_fn fn,
                     void *userdata, cube_store_watch_t **ret, cube_err_t *err)
{
    if (!fn)
        return cube_err_badrequest(err, "store: watch without a callback");
    if (from_rev < 0)
        return cube_err_badrequest(err, "store: negative revision %" PRId64, from_rev);
    if (!s->xform)
        return s->ops->watch(s, prefix ? prefix : "", from_rev, fn, userdata, ret, err);
    xwatch_t *x = xmalloc(sizeof(*x));
    *x = (xwatch_t){.store = s, .fn = fn, .ud = userdata};
    if (s->ops->watch(s, prefix ? prefix : "", from_rev, xwatch_event, x, ret, err) < 0) {
        free(x);
        return -1;
    }
    (*ret)->xform_wrap = x;
    return 0;
}

void cube_store_watch_cancel(cube_store_watch_t *w)
{
    if (!w)
        return;
    void *x = w->xform_wrap;
    w->store->ops->watch_cancel(w);
    free(x);
}

int cube_store_compact(cube_store_t *s, int64_t rev, cube_err_t *err)
{
    if (rev < 0)
        return cube_err_badrequest(err, "store: negative revision %" PRId64, rev);
    return s->ops->compact(s, rev, err);
}
