/*
 * The object cache and watch hub: the API server's read path, as the watch
 * cache is in Kubernetes. It loads every object from the store once, then
 * follows the store's watch. Objects are kept as serialized bytes (with
 * their resourceVersion spliced in), plus what selectors and Tables need,
 * so GET, LIST and watch fan-out copy bytes and never re-encode.
 *
 * A window of recent events serves watches from a past resourceVersion;
 * older ones get 410 Expired.
 *
 * Threads: the store's notifier thread applies events (write lock) and
 * queues them onto watchers' streams; HTTP I/O threads read (read lock) and
 * start or close watches (write lock); a housekeeping thread sends
 * bookmarks and ends watches whose timeout passed.
 */
#include "apiserver/internal.h"

#include <pthread.h>

#define BOOKMARK_EVERY_SEC 10

typedef struct coll coll_t;

typedef struct watcher {
    struct watcher *next;
    uint64_t id;
    coll_t *coll;
    char *prefix;
    cube_selector_t *labels;
    cube_selector_t *fields;
    cube_fmt_t fmt;
    bool bookmarks;
    bool sent_columns;
    time_t deadline;
    time_t last_bookmark;
    cube_http_stream_t *st;
} watcher_t;

struct coll {
    const cube_resource_t *res;
    char *prefix; /* "/registry/<group>/<plural>/" */
    cube_obj_t **items; /* sorted by key */
    size_t n, cap;
    watcher_t *watchers;
    int64_t last_rev; /* revision of the latest change in this collection */
};

typedef enum { EV_ADDED, EV_MODIFIED, EV_DELETED } ev_type_t;

typedef struct hist_ev {
    int64_t rev;
    ev_type_t type;
    coll_t *coll;
    cube_obj_t *obj; /* the object after (for DELETED: its last state at the deletion's revision) */
    cube_obj_t *prev; /* before, or NULL */
} hist_ev_t;

struct cube_cache {
    cube_store_t *store;
    cube_store_watch_t *watch;
    pthread_rwlock_t lock;
    coll_t *colls;
    size_t ncolls;
    hist_ev_t *hist; /* ring */
    size_t hist_cap, hist_len, hist_head; /* head = index of oldest */
    int64_t hist_floor; /* every event with rev > floor is in the ring */
    uint64_t next_watch_id;
    size_t nwatchers;

    pthread_mutex_t rev_mu;
    pthread_cond_t rev_cv;
    int64_t rev;

    pthread_t housekeeper;
    pthread_mutex_t hk_mu;
    pthread_cond_t hk_cv;
    bool stopping;
};

static const char *ev_names[] = {"ADDED", "MODIFIED", "DELETED"};

/* ---- objects ------------------------------------------------------------ */

cube_obj_t *cube_obj_ref(cube_obj_t *o)
{
    if (o)
        atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
    return o;
}

void cube_obj_unref(cube_obj_t *o)
{
    if (!o || atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) != 1)
        return;
    free(o->key);
    free(o->ns);
    free(o->name);
    cube_bytes_unref(o->json);
    cube_bytes_unref(atomic_load(&o->meta_lazy));
    cube_bytes_unref(atomic_load(&o->cells_lazy));
    cube_bytes_unref(o->attrs);
    free(o);
}

void cube_objs_free(cube_obj_t **objs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cube_obj_unref(objs[i]);
    free(objs);
}

cube_obj_t *cube_obj_build(const cube_resource_t *r, const char *key, const cube_bytes_t *value,
                           int64_t rev)
{
    cube_obj_t *o = xcalloc(1, sizeof(*o));
    atomic_init(&o->refs, 1);
    o->key = xstrdup(key);
    o->rev = rev;
    o->res = r;
    o->json = cube_encode_with_rv(value->data, value->len, rev);
    json_auto_t *obj = json_loadb(value->data, value->len, 0, NULL);
    json_t *meta = json_object_get(obj, "metadata");
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    o->ns = xstrdup(ns ? ns : "");
    o->name = xstrdup(name ? name : "");
    json_auto_t *attrs = json_object();
    json_t *labels = json_object_get(meta, "labels");
    if (json_is_object(labels))
        json_object_set(attrs, "l", labels);
    if (obj && r)
        json_object_set_new(attrs, "f", cube_api_field_attrs(r, obj));
    size_t alen;
    char *as = cube_json_dump(attrs, &alen);
    o->attrs = cube_bytes_new(as, alen);
    free(as);
    return o;
}

/* Publishes b as *slot unless another thread got there first; returns what is there. */
static const cube_bytes_t *publish(_Atomic(cube_bytes_t *) *slot, cube_bytes_t *b)
{
    cube_bytes_t *none = NULL;
    if (atomic_compare_exchange_strong(slot, &none, b))
        return b;
    cube_bytes_unref(b);
    return none;
}

const cube_bytes_t *cube_obj_meta(cube_obj_t *o)
{
    cube_bytes_t *have = atomic_load(&o->meta_lazy);
    if (have)
        return have;
    json_auto_t *obj = json_loadb(o->json->data, o->json->len, 0, NULL);
    json_t *meta = json_object_get(obj, "metadata");
    if (!json_is_object(meta))
        return publish(&o->meta_lazy, cube_bytes_new("{}", 2));
    json_object_del(meta, "managedFields");
    size_t len;
    char *s = cube_json_dump(meta, &len);
    cube_bytes_t *b = cube_bytes_new(s, len);
    free(s);
    return publish(&o->meta_lazy, b);
}

const cube_bytes_t *cube_obj_cells(cube_obj_t *o)
{
    cube_bytes_t *have = atomic_load(&o->cells_lazy);
    if (have)
        return have;
    json_auto_t *obj = json_loadb(o->json->data, o->json->len, 0, NULL);
    json_auto_t *cells = obj && o->res ? cube_api_table_cells(o->res, obj) : NULL;
    cube_buf_t b = CUBE_BUF_INIT;
    size_t i;
    json_t *cell;
    json_array_foreach(cells, i, cell)
    {
        if (i)
            cube_buf_putc(&b, 0x1f);
        char *s = json_dumps(cell, JSON_COMPACT | JSON_ENCODE_ANY);
        cube_buf_puts(&b, s ? s : "null");
        free(s);
    }
    return publish(&o->cells_lazy, b.data ? cube_bytes_from_buf(&b) : cube_bytes_new("", 0));
}

/* ---- collections -------------------------------------------------------- */

static coll_t *coll_for_key(cube_cache_t *c, const char *key)
{
    for (size_t i = 0; i < c->ncolls; i++) {
        size_t pl = strlen(c->colls[i].prefix);
        if (!strncmp(key, c->colls[i].prefix, pl))
            return &c->colls[i];
    }
    return NULL;
}

/* Index of the first item with key >= k. */
static size_t coll_lower(const coll_t *co, const char *k)
{
    size_t lo = 0, hi = co->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(co->items[mid]->key, k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Puts o in place of the item with the same key (returning the old one) or inserts it. */
static cube_obj_t *coll_put(coll_t *co, cube_obj_t *o)
{
    size_t i = coll_lower(co, o->key);
    if (i < co->n && !strcmp(co->items[i]->key, o->key)) {
        cube_obj_t *old = co->items[i];
        co->items[i] = o;
        return old;
    }
    if (co->n == co->cap) {
        co->cap = co->cap ? co->cap * 2 : 64;
        co->items = xrealloc(co->items, co->cap * sizeof(*co->items));
    }
    memmove(co->items + i + 1, co->items + i, (co->n - i) * sizeof(*co->items));
    co->items[i] = o;
    co->n++;
    return NULL;
}

static cube_obj_t *coll_remove(coll_t *co, const char *key)
{
    size_t i = coll_lower(co, key);
    if (i >= co->n || strcmp(co->items[i]->key, key))
        return NULL;
    cube_obj_t *old = co->items[i];
    memmove(co->items + i, co->items + i + 1, (co->n - i - 1) * sizeof(*co->items));
    co->n--;
    return old;
}

/* ---- watch event encoding ----------------------------------------------- */

/* An object's parsed selector attributes, parsed at most once per event however many
   watchers look at it. */
typedef struct parsed {
    const cube_obj_t *o;
    json_t *attrs;
} parsed_t;

static json_t *parsed_get(parsed_t *p)
{
    if (!p->attrs)
        p->attrs = json_loadb(p->o->attrs->data, p->o->attrs->len, 0, NULL);
    return p->attrs;
}

static bool attrs_match(json_t *attrs, const cube_selector_t *labels, const cube_selector_t *fields)
{
    if (labels && !cube_selector_matches(labels, json_object_get(attrs, "l")))
        return false;
    if (fields && !cube_selector_matches(fields, json_object_get(attrs, "f")))
        return false;
    return true;
}

bool cube_obj_matches(const cube_obj_t *o, const cube_selector_t *labels,
                      const cube_selector_t *fields)
{
    if (!labels && !fields)
        return true;
    json_auto_t *attrs = json_loadb(o->attrs->data, o->attrs->len, 0, NULL);
    return attrs_match(attrs, labels, fields);
}

static bool obj_matches_p(const watcher_t *w, parsed_t *p)
{
    const cube_obj_t *o = p ? p->o : NULL;
    if (!o || strncmp(o->key, w->prefix, strlen(w->prefix)))
        return false;
    if (!w->labels && !w->fields)
        return true;
    return attrs_match(parsed_get(p), w->labels, w->fields);
}

static bool obj_matches(const watcher_t *w, const cube_obj_t *o)
{
    parsed_t p = {o, NULL};
    bool r = obj_matches_p(w, o ? &p : NULL);
    json_decref(p.attrs);
    return r;
}

static cube_bytes_t *encode_event(watcher_t *w, const char *type, const cube_obj_t *o)
{
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b, "{\"type\":\"%s\",\"object\":", type);
    switch (w->fmt) {
    case CUBE_FMT_JSON:
        cube_buf_append(&b, o->json->data, o->json->len);
        break;
    case CUBE_FMT_META:
        cube_encode_partial_meta(&b, o, "v1");
        break;
    case CUBE_FMT_TABLE:
        cube_encode_table_one(&b, o, w->coll->res, "v1", !w->sent_columns);
        w->sent_columns = true;
        break;
    }
    cube_buf_puts(&b, "}\n");
    return cube_bytes_from_buf(&b);
}

/* Ends a watcher: unlinks it and ends its stream. Write lock held. */
static void watcher_drop(cube_cache_t *c, watcher_t *w)
{
    for (watcher_t **pp = &w->coll->watchers; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    c->nwatchers--;
    cube_http_stream_end(w->st);
    cube_selector_free(w->labels);
    cube_selector_free(w->fields);
    free(w->prefix);
    free(w);
}

/* Sends one history event to every interested watcher of its collection. Write lock held. */
static void fan_out(cube_cache_t *c, const hist_ev_t *ev)
{
    cube_bytes_t *shared[3] = {NULL, NULL, NULL}; /* JSON-format event per type */
    parsed_t pobj = {ev->obj, NULL}, pprev = {ev->prev, NULL};
    parsed_t *now_p = ev->type == EV_DELETED ? NULL : &pobj;
    parsed_t *before_p =
        ev->type == EV_DELETED ? (ev->prev ? &pprev : &pobj) : (ev->prev ? &pprev : NULL);
    watcher_t *next;
    for (watcher_t *w = ev->coll->watchers; w; w = next) {
        next = w->next;
        bool now = obj_matches_p(w, now_p);
        bool before = obj_matches_p(w, before_p);
        ev_type_t t;
        if (now && before)
            t = EV_MODIFIED;
        else if (now)
            t = EV_ADDED;
        else if (before)
            t = EV_DELETED;
        else
            continue;
        cube_bytes_t *b;
        if (w->fmt == CUBE_FMT_JSON) {
            if (!shared[t])
                shared[t] = encode_event(w, ev_names[t], ev->obj);
            b = cube_bytes_ref(shared[t]);
        } else {
            b = encode_event(w, ev_names[t], ev->obj);
        }
        if (cube_http_stream_write(w->st, b) < 0)
            watcher_drop(c, w);
    }
    for (int i = 0; i < 3; i++)
        cube_bytes_unref(shared[i]);
    json_decref(pobj.attrs);
    json_decref(pprev.attrs);
}

/* ---- applying the store's events ---------------------------------------- */

static void hist_push(cube_cache_t *c, hist_ev_t ev)
{
    if (c->hist_len == c->hist_cap) {
        hist_ev_t *old = &c->hist[c->hist_head];
        c->hist_floor = old->rev;
        cube_obj_unref(old->obj);
        cube_obj_unref(old->prev);
        c->hist[c->hist_head] = ev;
        c->hist_head = (c->hist_head + 1) % c->hist_cap;
    } else {
        c->hist[(c->hist_head + c->hist_len) % c->hist_cap] = ev;
        c->hist_len++;
    }
}

static bool on_store_event(const cube_store_event_t *sev, void *userdata)
{
    cube_cache_t *c = userdata;
    const cube_store_kv_t *kv = sev->kv;
    coll_t *co = coll_for_key(c, kv->key);
    int64_t rev = kv->mod_revision;
    if (co) {
        hist_ev_t ev = {.rev = rev, .coll = co};
        if (sev->type == CUBE_STORE_PUT) {
            ev.obj = cube_obj_build(co->res, kv->key, kv->value, rev);
            pthread_rwlock_wrlock(&c->lock);
            ev.prev = coll_put(co, cube_obj_ref(ev.obj));
            ev.type = ev.prev ? EV_MODIFIED : EV_ADDED;
        } else {
            if (sev->prev_kv && sev->prev_kv->value)
                ev.obj = cube_obj_build(co->res, kv->key, sev->prev_kv->value, rev);
            pthread_rwlock_wrlock(&c->lock);
            ev.prev = coll_remove(co, kv->key);
            if (!ev.obj && ev.prev)
                ev.obj = cube_obj_ref(ev.prev);
            ev.type = EV_DELETED;
        }
        co->last_rev = rev;
        if (ev.obj) {
            fan_out(c, &ev);
            hist_push(c, ev);
        } else {
            cube_obj_unref(ev.prev);
        }
        pthread_rwlock_unlock(&c->lock);
    }
    pthread_mutex_lock(&c->rev_mu);
    if (rev > c->rev)
        c->rev = rev;
    pthread_cond_broadcast(&c->rev_cv);
    pthread_mutex_unlock(&c->rev_mu);
    return true;
}

/* ---- housekeeping: bookmarks and watch timeouts ------------------------- */

static void *housekeeper(void *arg)
{
    cube_cache_t *c = arg;
    pthread_mutex_lock(&c->hk_mu);
    while (!c->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&c->hk_cv, &c->hk_mu, &ts);
        if (c->stopping)
            break;
        pthread_mutex_unlock(&c->hk_mu);
        time_t now = time(NULL);
        int64_t rev = cube_cache_revision(c);
        pthread_rwlock_wrlock(&c->lock);
        for (size_t i = 0; i < c->ncolls; i++) {
            watcher_t *next;
            for (watcher_t *w = c->colls[i].watchers; w; w = next) {
                next = w->next;
                if (now >= w->deadline || cube_http_stream_closed(w->st)) {
                    watcher_drop(c, w);
                    continue;
                }
                if (w->bookmarks && now - w->last_bookmark >= BOOKMARK_EVERY_SEC) {
                    w->last_bookmark = now;
                    const cube_resource_t *r = w->coll->res;
                    char gv[128];
                    cube_api_group_version(r, gv, sizeof(gv));
                    cube_buf_t b = CUBE_BUF_INIT;
                    cube_buf_printf(
                        &b,
                        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\",\"apiVersion\":"
                        "\"%s\",\"metadata\":{\"resourceVersion\":\"%lld\"}}}\n",
                        r->kind, gv, (long long)rev);
                    if (cube_http_stream_write(w->st, cube_bytes_from_buf(&b)) < 0)
                        watcher_drop(c, w);
                }
            }
        }
        pthread_rwlock_unlock(&c->lock);
        pthread_mutex_lock(&c->hk_mu);
    }
    pthread_mutex_unlock(&c->hk_mu);
    return NULL;
}

/* ---- life cycle --------------------------------------------------------- */

int cube_cache_new(cube_store_t *store, size_t history, cube_cache_t **ret, cube_err_t *err)
{
    cube_cache_t *c = xcalloc(1, sizeof(*c));
    c->store = store;
    pthread_rwlock_init(&c->lock, NULL);
    pthread_mutex_init(&c->rev_mu, NULL);
    pthread_cond_init(&c->rev_cv, NULL);
    pthread_mutex_init(&c->hk_mu, NULL);
    pthread_cond_init(&c->hk_cv, NULL);
    c->hist_cap = history ? history : 100000;
    c->hist = xcalloc(c->hist_cap, sizeof(*c->hist));

    size_t nres;
    const cube_resource_t *const *res = cube_api_resources(&nres);
    c->colls = xcalloc(nres, sizeof(*c->colls));
    for (size_t i = 0; i < nres; i++) {
        char *prefix = xasprintf("/registry/%s/%s/", res[i]->group[0] ? res[i]->group : "core",
                                 res[i]->plural);
        bool dup = false;
        for (size_t j = 0; j < c->ncolls; j++)
            dup = dup || !strcmp(c->colls[j].prefix, prefix);
        if (dup) {
            free(prefix);
            continue;
        }
        c->colls[c->ncolls].res = res[i];
        c->colls[c->ncolls++].prefix = prefix;
    }

    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more = false;
    int64_t rev = 0;
    if (cube_store_range(store, "/registry/", "/registry0", 0, 0, &kvs, &n, &more, &rev, err) < 0) {
        cube_cache_free(c);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        coll_t *co = coll_for_key(c, kvs[i]->key);
        if (co)
            cube_obj_unref(coll_put(
                co, cube_obj_build(co->res, kvs[i]->key, kvs[i]->value, kvs[i]->mod_revision)));
    }
    cube_store_kvs_free(kvs, n);
    c->rev = rev;
    c->hist_floor = rev;
    if (cube_store_watch(store, "/registry/", rev, on_store_event, c, &c->watch, err) < 0) {
        cube_cache_free(c);
        return -1;
    }
    pthread_create(&c->housekeeper, NULL, housekeeper, c);
    *ret = c;
    return 0;
}

void cube_cache_free(cube_cache_t *c)
{
    if (!c)
        return;
    if (c->watch)
        cube_store_watch_cancel(c->watch);
    if (c->housekeeper) {
        pthread_mutex_lock(&c->hk_mu);
        c->stopping = true;
        pthread_cond_broadcast(&c->hk_cv);
        pthread_mutex_unlock(&c->hk_mu);
        pthread_join(c->housekeeper, NULL);
    }
    for (size_t i = 0; i < c->ncolls; i++) {
        coll_t *co = &c->colls[i];
        while (co->watchers)
            watcher_drop(c, co->watchers);
        for (size_t j = 0; j < co->n; j++)
            cube_obj_unref(co->items[j]);
        free(co->items);
        free(co->prefix);
    }
    free(c->colls);
    for (size_t i = 0; i < c->hist_len; i++) {
        hist_ev_t *ev = &c->hist[(c->hist_head + i) % c->hist_cap];
        cube_obj_unref(ev->obj);
        cube_obj_unref(ev->prev);
    }
    free(c->hist);
    pthread_rwlock_destroy(&c->lock);
    pthread_mutex_destroy(&c->rev_mu);
    pthread_cond_destroy(&c->rev_cv);
    pthread_mutex_destroy(&c->hk_mu);
    pthread_cond_destroy(&c->hk_cv);
    free(c);
}

int64_t cube_cache_revision(cube_cache_t *c)
{
    pthread_mutex_lock(&c->rev_mu);
    int64_t r = c->rev;
    pthread_mutex_unlock(&c->rev_mu);
    return r;
}

int64_t cube_cache_oldest(cube_cache_t *c)
{
    pthread_rwlock_rdlock(&c->lock);
    int64_t r = c->hist_floor;
    pthread_rwlock_unlock(&c->lock);
    return r;
}

int cube_cache_wait(cube_cache_t *c, int64_t rev, int timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    int rc = 0;
    pthread_mutex_lock(&c->rev_mu);
    while (c->rev < rev && rc == 0)
        rc = pthread_cond_timedwait(&c->rev_cv, &c->rev_mu, &ts);
    bool ok = c->rev >= rev;
    pthread_mutex_unlock(&c->rev_mu);
    return ok ? 0 : -1;
}

int cube_cache_sync(cube_cache_t *c, int timeout_ms)
{
    return cube_cache_wait(c, cube_store_revision(c->store), timeout_ms);
}

/* ---- reads -------------------------------------------------------------- */

int64_t cube_cache_coll_revision(cube_cache_t *c, const char *prefix)
{
    pthread_rwlock_rdlock(&c->lock);
    coll_t *co = coll_for_key(c, prefix);
    int64_t rev = co ? co->last_rev : 0;
    pthread_rwlock_unlock(&c->lock);
    return rev;
}

cube_obj_t *cube_cache_get(cube_cache_t *c, const char *key)
{
    cube_obj_t *o = NULL;
    pthread_rwlock_rdlock(&c->lock);
    coll_t *co = coll_for_key(c, key);
    if (co) {
        size_t i = coll_lower(co, key);
        if (i < co->n && !strcmp(co->items[i]->key, key))
            o = cube_obj_ref(co->items[i]);
    }
    pthread_rwlock_unlock(&c->lock);
    return o;
}

static bool list_match(const cube_cache_list_req_t *req, const cube_obj_t *o)
{
    return cube_obj_matches(o, req->labels, req->fields);
}

size_t cube_cache_list_prefix(cube_cache_t *c, const char *prefix, cube_obj_t ***ret_objs)
{
    cube_cache_list_req_t req = {.prefix = prefix};
    size_t n = 0, remaining = 0;
    int64_t rev;
    char *next = NULL;
    cube_cache_list(c, &req, ret_objs, &n, &rev, &next, &remaining);
    free(next);
    return n;
}

void cube_cache_list(cube_cache_t *c, const cube_cache_list_req_t *req, cube_obj_t ***ret_objs,
                     size_t *ret_n, int64_t *ret_rev, char **ret_next, size_t *ret_remaining)
{
    cube_obj_t **out = NULL;
    size_t n = 0, cap = 0, remaining = 0;
    char *next = NULL;
    size_t plen = strlen(req->prefix);
    pthread_rwlock_rdlock(&c->lock);
    int64_t rev = cube_cache_revision(c);
    coll_t *co = coll_for_key(c, req->prefix);
    if (co) {
        const char *from =
            req->start && strcmp(req->start, req->prefix) > 0 ? req->start : req->prefix;
        size_t i = coll_lower(co, from);
        for (; i < co->n; i++) {
            cube_obj_t *o = co->items[i];
            if (strncmp(o->key, req->prefix, plen))
                break;
            if (!list_match(req, o))
                continue;
            if (req->limit && n == req->limit) {
                next = xstrdup(o->key);
                for (size_t j = i; j < co->n && !strncmp(co->items[j]->key, req->prefix, plen); j++)
                    remaining++;
                break;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                out = xrealloc(out, cap * sizeof(*out));
            }
            out[n++] = cube_obj_ref(o);
        }
    }
    pthread_rwlock_unlock(&c->lock);
    *ret_objs = out;
    *ret_n = n;
    *ret_rev = rev;
    *ret_next = next;
    if (ret_remaining)
        *ret_remaining = remaining;
}

/* ---- watches ------------------------------------------------------------ */

void *cube_cache_watch_cookie(cube_cache_t *c)
{
    return c;
}

size_t cube_cache_watch_count(cube_cache_t *c)
{
    pthread_rwlock_rdlock(&c->lock);
    size_t n = c->nwatchers;
    pthread_rwlock_unlock(&c->lock);
    return n;
}

void cube_cache_watch_closed(cube_http_stream_t *st, void *cookie)
{
    cube_cache_t *c = cookie;
    pthread_rwlock_wrlock(&c->lock);
    for (size_t i = 0; i < c->ncolls; i++) {
        for (watcher_t *w = c->colls[i].watchers; w; w = w->next) {
            if (w->st == st) {
                watcher_drop(c, w);
                pthread_rwlock_unlock(&c->lock);
                return;
            }
        }
    }
    pthread_rwlock_unlock(&c->lock);
}

int cube_cache_watch(cube_cache_t *c, const cube_watch_req_t *req, cube_http_stream_t *st,
                     cube_err_t *err)
{
    watcher_t *w = xcalloc(1, sizeof(*w));
    w->prefix = xstrdup(req->prefix);
    w->fmt = req->fmt;
    w->bookmarks = req->bookmarks;
    w->st = st;
    w->last_bookmark = time(NULL);
    int timeout = req->timeout_sec > 0 ? req->timeout_sec : 1800 + rand() % 1800;
    w->deadline = time(NULL) + timeout;
    w->labels = req->labels;
    w->fields = req->fields;

    pthread_rwlock_wrlock(&c->lock);
    coll_t *co = coll_for_key(c, req->prefix);
    if (!co) {
        pthread_rwlock_unlock(&c->lock);
        cube_err_notfound(err, "the server could not find the requested resource");
        goto fail;
    }
    w->coll = co;
    if (req->from_rev > 0 && req->from_rev < c->hist_floor) {
        pthread_rwlock_unlock(&c->lock);
        cube_err_gone(err, "too old resource version: %lld (%lld)", (long long)req->from_rev,
                      (long long)c->hist_floor + 1);
        goto fail;
    }
    if (req->from_rev <= 0) {
        size_t plen = strlen(req->prefix);
        for (size_t i = coll_lower(co, req->prefix); i < co->n; i++) {
            cube_obj_t *o = co->items[i];
            if (strncmp(o->key, req->prefix, plen))
                break;
            if (obj_matches(w, o))
                cube_http_stream_write(st, encode_event(w, "ADDED", o));
        }
    } else {
        for (size_t i = 0; i < c->hist_len; i++) {
            hist_ev_t *ev = &c->hist[(c->hist_head + i) % c->hist_cap];
            if (ev->rev <= req->from_rev || ev->coll != co)
                continue;
            bool now = ev->type != EV_DELETED && obj_matches(w, ev->obj);
            bool before =
                obj_matches(w, ev->type == EV_DELETED ? (ev->prev ? ev->prev : ev->obj) : ev->prev);
            const char *t = now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : NULL;
            if (t)
                cube_http_stream_write(st, encode_event(w, t, ev->obj));
        }
    }
    w->id = ++c->next_watch_id;
    w->next = co->watchers;
    co->watchers = w;
    c->nwatchers++;
    pthread_rwlock_unlock(&c->lock);
    return 0;
fail:
    cube_selector_free(w->labels);
    cube_selector_free(w->fields);
    free(w->prefix);
    free(w);
    return -1;
}
