/*
 * Shared informers (client-go's SharedInformerFactory + reflector + indexer):
 * each controller, the scheduler and the kubelet keep an up-to-date local copy
 * of the objects they care about instead of polling the API server. One
 * thread per informer lists (in pages of 500), then watches from the list's
 * resourceVersion with bookmarks; a 410 or a broken stream leads to a relist
 * whose differences against the cache are delivered as adds, updates and
 * deletes. The cache holds each object once (a jansson reference shared with
 * every reader) in a key -> object map, plus per-index value -> key-set maps.
 * Objects are kept without metadata.managedFields, as the Kubernetes
 * controller manager and scheduler configure their informers (a transform
 * that trims them): no control loop reads them, and they are often the
 * largest part of an object's metadata.
 *
 * Locks: `dispatch` serializes cache changes with handler calls (events reach
 * every handler one at a time, in order; handlers added late get their
 * initial adds under it too); `cache_lock` (rwlock) guards the cache and the
 * indexes for readers on any thread. Order: dispatch, then cache_lock.
 */
#include "client/internal.h"

#include <errno.h>
#include <pthread.h>

#define PAGE_LIMIT 500
#define BACKOFF_MIN_MS 800
#define BACKOFF_MAX_MS 30000

typedef struct index {
    char *name;
    cube_index_fn fn;
    json_t *map; /* value -> {key: true} */
} index_t;

struct cube_informer {
    cube_informers_t *f;
    const cube_resource_t *r;
    char *field_sel;
    pthread_t thread;
    bool running;
    atomic_bool stop;
    atomic_bool synced;

    pthread_mutex_t dispatch;
    cube_informer_handlers_t *handlers;
    size_t nhandlers;

    pthread_rwlock_t cache_lock;
    json_t *cache; /* key -> object */
    index_t *indexes;
    size_t nindexes;

    char *rv; /* informer thread only */
    uint64_t next_resync_ns;
};

struct cube_informers {
    cube_client_t *c;
    int resync_sec;
    pthread_mutex_t lock;
    cube_informer_t **infs;
    size_t n;
    bool started;
};

/* ---- keys and index functions ------------------------------------------- */

char *cube_object_key(const json_t *obj)
{
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    if (!name)
        name = "";
    return ns && *ns ? xasprintf("%s/%s", ns, name) : xstrdup(name);
}

void cube_split_key(const char *key, char **ret_ns, char **ret_name)
{
    const char *slash = strchr(key, '/');
    if (slash) {
        *ret_ns = xstrndup(key, (size_t)(slash - key));
        *ret_name = xstrdup(slash + 1);
    } else {
        *ret_ns = xstrdup("");
        *ret_name = xstrdup(key);
    }
}

static char **one_value(const char *v)
{
    if (!v || !*v)
        return NULL;
    char **out = xcalloc(2, sizeof(*out));
    out[0] = xstrdup(v);
    return out;
}

char **cube_index_namespace(const json_t *obj)
{
    return one_value(cube_json_str(obj, "metadata", "namespace", NULL));
}

char **cube_index_node_name(const json_t *obj)
{
    return one_value(cube_json_str(obj, "spec", "nodeName", NULL));
}

char **cube_index_owner_uid(const json_t *obj)
{
    json_t *refs = cube_json_path(obj, "metadata", "ownerReferences", NULL);
    size_t n = json_array_size(refs);
    if (!n)
        return NULL;
    char **out = xcalloc(n + 1, sizeof(*out));
    size_t k = 0, i;
    json_t *ref;
    json_array_foreach(refs, i, ref)
    {
        const char *uid = cube_json_str(ref, "uid", NULL);
        if (uid && *uid)
            out[k++] = xstrdup(uid);
    }
    if (!k) {
        free(out);
        return NULL;
    }
    return out;
}

static void values_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

void cube_json_refs_free(json_t **objs, size_t n)
{
    if (!objs)
        return;
    for (size_t i = 0; i < n; i++)
        json_decref(objs[i]);
    free(objs);
}

/* ---- cache (cache_lock held for writing) --------------------------------- */

static void index_remove(index_t *ix, const json_t *obj, const char *key)
{
    char **vals = ix->fn(obj);
    for (char **p = vals; p && *p; p++) {
        json_t *set = json_object_get(ix->map, *p);
        if (set) {
            json_object_del(set, key);
            if (!json_object_size(set))
                json_object_del(ix->map, *p);
        }
    }
    values_free(vals);
}

static void index_add(index_t *ix, const json_t *obj, const char *key)
{
    char **vals = ix->fn(obj);
    for (char **p = vals; p && *p; p++) {
        json_t *set = json_object_get(ix->map, *p);
        if (!set) {
            set = json_object();
            json_object_set_new(ix->map, *p, set);
        }
        json_object_set_new(set, key, json_true());
    }
    values_free(vals);
}

/* Stores obj under key (a new reference is taken); old: the replaced object or NULL. */
static void cache_put(cube_informer_t *inf, const char *key, json_t *obj, const json_t *old)
{
    json_object_del(json_object_get(obj, "metadata"), "managedFields");
    pthread_rwlock_wrlock(&inf->cache_lock);
    for (size_t i = 0; i < inf->nindexes; i++) {
        if (old)
            index_remove(&inf->indexes[i], old, key);
        index_add(&inf->indexes[i], obj, key);
    }
    json_object_set(inf->cache, key, obj);
    pthread_rwlock_unlock(&inf->cache_lock);
}

static void cache_del(cube_informer_t *inf, const char *key, const json_t *old)
{
    pthread_rwlock_wrlock(&inf->cache_lock);
    for (size_t i = 0; i < inf->nindexes; i++)
        index_remove(&inf->indexes[i], old, key);
    json_object_del(inf->cache, key);
    pthread_rwlock_unlock(&inf->cache_lock);
}

/* A new reference to the cached object at key, or NULL. */
static json_t *cache_ref(cube_informer_t *inf, const char *key)
{
    pthread_rwlock_rdlock(&inf->cache_lock);
    json_t *o = json_incref(json_object_get(inf->cache, key));
    pthread_rwlock_unlock(&inf->cache_lock);
    return o;
}

/* ---- delivering (dispatch held) ----------------------------------------- */

static void deliver_add(cube_informer_t *inf, json_t *obj)
{
    for (size_t i = 0; i < inf->nhandlers; i++)
        if (inf->handlers[i].on_add)
            inf->handlers[i].on_add(obj, inf->handlers[i].userdata);
}

static void deliver_update(cube_informer_t *inf, json_t *old, json_t *obj)
{
    for (size_t i = 0; i < inf->nhandlers; i++)
        if (inf->handlers[i].on_update)
            inf->handlers[i].on_update(old, obj, inf->handlers[i].userdata);
}

static void deliver_delete(cube_informer_t *inf, json_t *obj)
{
    for (size_t i = 0; i < inf->nhandlers; i++)
        if (inf->handlers[i].on_delete)
            inf->handlers[i].on_delete(obj, inf->handlers[i].userdata);
}

static void apply_locked(cube_informer_t *inf, const char *type, json_t *obj)
{
    _cleanup_free_ char *key = cube_object_key(obj);
    json_t *old = cache_ref(inf, key);
    if (!strcmp(type, "DELETED")) {
        if (old) {
            cache_del(inf, key, old);
            deliver_delete(inf, obj);
        }
    } else {
        cache_put(inf, key, obj, old);
        if (old)
            deliver_update(inf, old, obj);
        else
            deliver_add(inf, obj);
    }
    json_decref(old);
}

void cube_informer_apply(cube_informer_t *inf, const char *type, json_t *obj)
{
    pthread_mutex_lock(&inf->dispatch);
    apply_locked(inf, type, obj);
    pthread_mutex_unlock(&inf->dispatch);
}

void cube_informer_replace(cube_informer_t *inf, const json_t *items)
{
    pthread_mutex_lock(&inf->dispatch);
    json_auto_t *fresh = json_object(); /* key -> object of the new list */
    size_t i;
    json_t *obj;
    json_array_foreach(items, i, obj)
    {
        _cleanup_free_ char *key = cube_object_key(obj);
        json_object_set(fresh, key, obj);
    }
    /* deletes first: keys cached but absent from the new list */
    json_auto_t *gone = json_array();
    pthread_rwlock_rdlock(&inf->cache_lock);
    const char *key;
    json_t *cached;
    json_object_foreach(inf->cache, key, cached)
    {
        if (!json_object_get(fresh, key))
            json_array_append(gone, cached);
    }
    pthread_rwlock_unlock(&inf->cache_lock);
    json_array_foreach(gone, i, obj)
    {
        _cleanup_free_ char *k = cube_object_key(obj);
        cache_del(inf, k, obj);
        deliver_delete(inf, obj);
    }
    /* then adds and changes, in list order */
    json_object_foreach(fresh, key, obj)
    {
        json_t *old = cache_ref(inf, key);
        if (!old) {
            cache_put(inf, key, obj, NULL);
            deliver_add(inf, obj);
            continue;
        }
        const char *orv = cube_json_str(old, "metadata", "resourceVersion", NULL);
        const char *nrv = cube_json_str(obj, "metadata", "resourceVersion", NULL);
        if (!orv || !nrv || strcmp(orv, nrv)) {
            cache_put(inf, key, obj, old);
            deliver_update(inf, old, obj);
        }
        json_decref(old);
    }
    atomic_store(&inf->synced, true);
    pthread_mutex_unlock(&inf->dispatch);
}

static void resync(cube_informer_t *inf)
{
    json_t **objs = NULL;
    pthread_mutex_lock(&inf->dispatch);
    size_t n = cube_informer_list(inf, &objs);
    for (size_t i = 0; i < n; i++)
        deliver_update(inf, objs[i], objs[i]);
    pthread_mutex_unlock(&inf->dispatch);
    cube_json_refs_free(objs, n);
}

/* ---- list and watch ----------------------------------------------------- */

/* Sleeps ms, waking early on stop. Returns false when stopped. */
static bool nap(cube_informer_t *inf, long ms)
{
    while (ms > 0 && !atomic_load(&inf->stop)) {
        long step = ms > 100 ? 100 : ms;
        usleep((useconds_t)step * 1000);
        ms -= step;
    }
    return !atomic_load(&inf->stop);
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

static void add_field_sel(cube_informer_t *inf, cube_buf_t *q)
{
    if (inf->field_sel && *inf->field_sel) {
        cube_buf_puts(q, "&fieldSelector=");
        put_escaped(q, inf->field_sel);
    }
}

static int list_all(cube_informer_t *inf, cube_err_t *err)
{
    _cleanup_free_ char *base = cube_client_path(inf->r, NULL, NULL, NULL);
    json_auto_t *items = json_array();
    _cleanup_free_ char *cont = NULL, *rv = NULL;
    do {
        cube_buf_t q _cleanup_buf_ = CUBE_BUF_INIT;
        cube_buf_printf(&q, "%s?limit=%d", base, PAGE_LIMIT);
        add_field_sel(inf, &q);
        if (cont) {
            cube_buf_puts(&q, "&continue=");
            put_escaped(&q, cont);
        }
        json_auto_t *page = NULL;
        if (cube_client_request(inf->f->c, "GET", q.data, NULL, NULL, &page, err) < 0)
            return -1;
        json_t *pi = json_object_get(page, "items");
        if (json_is_array(pi))
            json_array_extend(items, pi);
        free(rv);
        rv = xstrdup(cube_json_str(page, "metadata", "resourceVersion", NULL) ?: "");
        free(cont);
        const char *c = cube_json_str(page, "metadata", "continue", NULL);
        cont = c && *c ? xstrdup(c) : NULL;
        if (atomic_load(&inf->stop))
            return 0;
    } while (cont);
    /* list items carry no apiVersion/kind: give them the list's, as client-go's decoder does */
    char gv[128];
    cube_api_group_version(inf->r, gv, sizeof(gv));
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o)
    {
        if (!json_object_get(o, "apiVersion"))
            json_object_set_new(o, "apiVersion", json_string(gv));
        if (!json_object_get(o, "kind"))
            json_object_set_new(o, "kind", json_string(inf->r->kind));
    }
    cube_informer_replace(inf, items);
    free(inf->rv);
    inf->rv = TAKE_PTR(rv);
    return 0;
}

typedef struct wctx {
    cube_informer_t *inf;
    bool relist;
} wctx_t;

static int on_watch_event(const char *type, json_t *obj, void *ud)
{
    wctx_t *w = ud;
    cube_informer_t *inf = w->inf;
    if (!strcmp(type, "ERROR")) {
        json_t *code = json_object_get(obj, "code");
        cube_log_v(2, "informer %s: watch error %lld: %s; relisting", inf->r->plural,
                   json_is_integer(code) ? (long long)json_integer_value(code) : 0LL,
                   cube_json_str(obj, "message", NULL) ?: "");
        w->relist = true;
        return 1;
    }
    const char *rv = cube_json_str(obj, "metadata", "resourceVersion", NULL);
    if (rv && *rv) {
        free(inf->rv);
        inf->rv = xstrdup(rv);
    }
    if (!strcmp(type, "BOOKMARK"))
        return 0;
    if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED") || !strcmp(type, "DELETED"))
        cube_informer_apply(inf, type, obj);
    return atomic_load(&inf->stop);
}

static void *informer_main(void *arg)
{
    cube_informer_t *inf = arg;
    cube_client_t *c = inf->f->c;
    int resync_sec = inf->f->resync_sec;
    bool need_list = true;
    long backoff = BACKOFF_MIN_MS;
    unsigned seed = (unsigned)(cube_time_mono_ns() ^ (uintptr_t)inf);
    if (resync_sec > 0)
        inf->next_resync_ns = cube_time_mono_ns() + (uint64_t)resync_sec * 1000000000ull;
    while (!atomic_load(&inf->stop)) {
        cube_err_t err = CUBE_ERR_INIT;
        if (need_list) {
            if (list_all(inf, &err) < 0) {
                cube_log_v(2, "informer %s: list: %s", inf->r->plural, err.msg);
                cube_err_clear(&err);
                nap(inf, backoff + (long)(rand_r(&seed) % (unsigned)(backoff / 4 + 1)));
                backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
                continue;
            }
            need_list = false;
        }
        /* the watch ends by timeout at the next resync (or after 5-10 minutes) */
        long timeout = 300 + rand_r(&seed) % 300;
        if (resync_sec > 0) {
            uint64_t now = cube_time_mono_ns();
            if (now >= inf->next_resync_ns) {
                resync(inf);
                inf->next_resync_ns = now + (uint64_t)resync_sec * 1000000000ull;
            }
            long left = (long)((inf->next_resync_ns - now + 999999999ull) / 1000000000ull);
            if (left < timeout)
                timeout = left > 0 ? left : 1;
        }
        cube_buf_t q _cleanup_buf_ = CUBE_BUF_INIT;
        _cleanup_free_ char *base = cube_client_path(inf->r, NULL, NULL, NULL);
        cube_buf_printf(&q, "%s?allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%ld",
                        base, inf->rv ? inf->rv : "0", timeout);
        add_field_sel(inf, &q);
        wctx_t w = {inf, false};
        uint64_t t0 = cube_time_mono_ns();
        int rc = cube_client_watch(c, q.data, on_watch_event, &w, &inf->stop, &err);
        if (w.relist || (rc < 0 && err.code == 410)) {
            need_list = true;
        } else if (rc < 0) {
            cube_log_v(2, "informer %s: watch: %s", inf->r->plural, err.msg);
            nap(inf, backoff + (long)(rand_r(&seed) % (unsigned)(backoff / 4 + 1)));
            backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
            cube_err_clear(&err);
            continue;
        }
        cube_err_clear(&err);
        /* a watch that ends at once repeatedly must not spin */
        if (cube_time_mono_ns() - t0 < 100000000ull && !atomic_load(&inf->stop)) {
            nap(inf, backoff);
            backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
        } else {
            backoff = BACKOFF_MIN_MS;
        }
    }
    return NULL;
}

/* ---- factory ------------------------------------------------------------ */

cube_informers_t *cube_informers_new(cube_client_t *c, int resync_sec)
{
    cube_informers_t *f = xcalloc(1, sizeof(*f));
    f->c = c;
    f->resync_sec = resync_sec > 0 ? resync_sec : 0;
    pthread_mutex_init(&f->lock, NULL);
    return f;
}

static void informer_start(cube_informer_t *inf)
{
    if (inf->running)
        return;
    if (pthread_create(&inf->thread, NULL, informer_main, inf) != 0)
        abort();
    inf->running = true;
}

static void informer_free(cube_informer_t *inf)
{
    for (size_t i = 0; i < inf->nindexes; i++) {
        free(inf->indexes[i].name);
        json_decref(inf->indexes[i].map);
    }
    free(inf->indexes);
    free(inf->handlers);
    json_decref(inf->cache);
    free(inf->rv);
    free(inf->field_sel);
    pthread_rwlock_destroy(&inf->cache_lock);
    pthread_mutex_destroy(&inf->dispatch);
    free(inf);
}

void cube_informers_free(cube_informers_t *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        atomic_store(&f->infs[i]->stop, true);
    for (size_t i = 0; i < f->n; i++) {
        if (f->infs[i]->running)
            pthread_join(f->infs[i]->thread, NULL);
        informer_free(f->infs[i]);
    }
    free(f->infs);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

cube_informer_t *cube_informers_get(cube_informers_t *f, const cube_resource_t *r,
                                    const char *field_sel)
{
    const char *fs = field_sel && *field_sel ? field_sel : NULL;
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->n; i++) {
        cube_informer_t *inf = f->infs[i];
        if (inf->r == r &&
            ((!fs && !inf->field_sel) || (fs && inf->field_sel && !strcmp(fs, inf->field_sel)))) {
            pthread_mutex_unlock(&f->lock);
            return inf;
        }
    }
    cube_informer_t *inf = xcalloc(1, sizeof(*inf));
    inf->f = f;
    inf->r = r;
    inf->field_sel = fs ? xstrdup(fs) : NULL;
    inf->cache = json_object();
    pthread_mutex_init(&inf->dispatch, NULL);
    pthread_rwlock_init(&inf->cache_lock, NULL);
    f->infs = xrealloc(f->infs, (f->n + 1) * sizeof(*f->infs));
    f->infs[f->n++] = inf;
    if (f->started)
        informer_start(inf);
    pthread_mutex_unlock(&f->lock);
    return inf;
}

void cube_informer_add_handlers(cube_informer_t *inf, const cube_informer_handlers_t *h)
{
    pthread_mutex_lock(&inf->dispatch);
    inf->handlers = xrealloc(inf->handlers, (inf->nhandlers + 1) * sizeof(*inf->handlers));
    inf->handlers[inf->nhandlers++] = *h;
    /* late handlers first see what is already cached */
    if (h->on_add) {
        json_t **objs = NULL;
        size_t n = cube_informer_list(inf, &objs);
        for (size_t i = 0; i < n; i++)
            h->on_add(objs[i], h->userdata);
        cube_json_refs_free(objs, n);
    }
    pthread_mutex_unlock(&inf->dispatch);
}

void cube_informer_add_index(cube_informer_t *inf, const char *name, cube_index_fn fn)
{
    pthread_mutex_lock(&inf->dispatch);
    pthread_rwlock_wrlock(&inf->cache_lock);
    inf->indexes = xrealloc(inf->indexes, (inf->nindexes + 1) * sizeof(*inf->indexes));
    index_t *ix = &inf->indexes[inf->nindexes++];
    *ix = (index_t){xstrdup(name), fn, json_object()};
    /* indexes added late still index what is cached */
    const char *key;
    json_t *obj;
    json_object_foreach(inf->cache, key, obj)
    {
        index_add(ix, obj, key);
    }
    pthread_rwlock_unlock(&inf->cache_lock);
    pthread_mutex_unlock(&inf->dispatch);
}

void cube_informers_start(cube_informers_t *f)
{
    pthread_mutex_lock(&f->lock);
    f->started = true;
    for (size_t i = 0; i < f->n; i++)
        informer_start(f->infs[i]);
    pthread_mutex_unlock(&f->lock);
}

int cube_informers_wait_synced(cube_informers_t *f, int timeout_ms)
{
    uint64_t deadline =
        cube_time_mono_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ull;
    for (;;) {
        bool all = true;
        pthread_mutex_lock(&f->lock);
        for (size_t i = 0; i < f->n; i++)
            if (f->infs[i]->running && !atomic_load(&f->infs[i]->synced))
                all = false;
        pthread_mutex_unlock(&f->lock);
        if (all)
            return 0;
        if (cube_time_mono_ns() >= deadline)
            return -1;
        usleep(10000);
    }
}

bool cube_informer_synced(cube_informer_t *inf)
{
    return atomic_load(&inf->synced);
}

/* ---- reads -------------------------------------------------------------- */

json_t *cube_informer_get(cube_informer_t *inf, const char *ns, const char *name)
{
    _cleanup_free_ char *key = ns && *ns ? xasprintf("%s/%s", ns, name) : xstrdup(name);
    return cache_ref(inf, key);
}

size_t cube_informer_list(cube_informer_t *inf, json_t ***ret)
{
    pthread_rwlock_rdlock(&inf->cache_lock);
    size_t n = json_object_size(inf->cache), k = 0;
    json_t **out = xmalloc((n ? n : 1) * sizeof(*out));
    const char *key;
    json_t *obj;
    json_object_foreach(inf->cache, key, obj)
    {
        out[k++] = json_incref(obj);
    }
    pthread_rwlock_unlock(&inf->cache_lock);
    *ret = out;
    return k;
}

size_t cube_informer_by_index(cube_informer_t *inf, const char *index, const char *value,
                              json_t ***ret)
{
    pthread_rwlock_rdlock(&inf->cache_lock);
    json_t *set = NULL;
    for (size_t i = 0; i < inf->nindexes; i++)
        if (!strcmp(inf->indexes[i].name, index))
            set = json_object_get(inf->indexes[i].map, value);
    size_t n = json_object_size(set), k = 0;
    json_t **out = xmalloc((n ? n : 1) * sizeof(*out));
    const char *key;
    json_t *v;
    json_object_foreach(set, key, v)
    {
        json_t *obj = json_object_get(inf->cache, key);
        if (obj)
            out[k++] = json_incref(obj);
    }
    pthread_rwlock_unlock(&inf->cache_lock);
    *ret = out;
    return k;
}
