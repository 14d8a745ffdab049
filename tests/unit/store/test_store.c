/*
 * Unit tests for src/store, written against store.h only so that every
 * backend runs the same table: a factory makes a fresh store location (an
 * SQLite file here; an etcd prefix later) and each test gets an open store.
 * Only the last few tests, marked as such, look at SQLite specifics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>

#include "store/store.h"

/* ---- fixture and factories --------------------------------------------- */

typedef struct fixture fixture_t;

typedef struct factory {
    const char *name;
    void (*init)(fixture_t *f); /* a fresh, empty location; fills f->opts */
    void (*fini)(fixture_t *f); /* removes it */
} factory_t;

struct fixture {
    const factory_t *factory;
    cube_store_options_t opts;
    cube_store_t *s;
    char dir[256];
    char path[320];
};

static void sqlite_init(fixture_t *f)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/cube-store-XXXXXX", tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/state.db", f->dir);
    f->opts.backend = "sqlite";
    f->opts.path = f->path;
    f->opts.compact_interval_sec = -1;
}

static void sqlite_fini(fixture_t *f)
{
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(suffixes); i++) {
        char p[400];
        snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
}

static const factory_t sqlite_factory = {"sqlite", sqlite_init, sqlite_fini};

static void store_open(fixture_t *f)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int rc = cube_store_open(&f->opts, &f->s, &err);
    if (rc < 0)
        fail_msg("open: %s", err.msg);
}

static void reopen(fixture_t *f)
{
    cube_store_close(f->s);
    f->s = NULL;
    store_open(f);
}

static int setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof(*f));
    f->factory = *state;
    f->factory->init(f);
    store_open(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    cube_store_close(f->s);
    f->factory->fini(f);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static int64_t put_new(cube_store_t *s, const char *key, const char *val)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t rev = 0;
    if (cube_store_create(s, key, val, strlen(val), &rev, &err) < 0)
        fail_msg("create %s: %s", key, err.msg);
    return rev;
}

static int64_t put(cube_store_t *s, const char *key, const char *val)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t rev = 0;
    if (cube_store_update(s, key, val, strlen(val), 0, &rev, &err) < 0)
        fail_msg("update %s: %s", key, err.msg);
    return rev;
}

static int64_t del(cube_store_t *s, const char *key)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t rev = 0;
    if (cube_store_delete(s, key, 0, NULL, &rev, &err) < 0)
        fail_msg("delete %s: %s", key, err.msg);
    return rev;
}

static void assert_value(const cube_store_kv_t *kv, const char *want)
{
    assert_non_null(kv->value);
    assert_int_equal(kv->value->len, strlen(want));
    assert_string_equal(kv->value->data, want);
}

/* ---- writes ------------------------------------------------------------- */

static void test_create(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_store_revision(f->s), 0);
    int64_t r1 = put_new(f->s, "/registry/pods/default/a", "one");
    assert_int_equal(r1, 1);
    assert_int_equal(cube_store_revision(f->s), 1);
    int64_t r2 = put_new(f->s, "/registry/pods/default/b", "");
    assert_int_equal(r2, 2);

    int64_t rev = -7;
    assert_int_equal(cube_store_create(f->s, "/registry/pods/default/a", "x", 1, &rev, &err), -1);
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "AlreadyExists");
    assert_int_equal(rev, -7); /* outputs written only on success */
    assert_int_equal(cube_store_revision(f->s), 2);

    cube_store_kv_t *kv = NULL;
    assert_int_equal(cube_store_get(f->s, "/registry/pods/default/b", &kv, &err), 0);
    assert_int_equal(kv->value->len, 0);
    assert_int_equal(kv->create_revision, 2);
    cube_store_kv_free(kv);
}

static void test_update(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t r1 = put_new(f->s, "/k", "v1"), r2 = 0, r3 = 0;

    /* right revision */
    assert_int_equal(cube_store_update(f->s, "/k", "v2", 2, r1, &r2, &err), 0);
    assert_int_equal(r2, r1 + 1);
    /* wrong (stale) revision */
    assert_int_equal(cube_store_update(f->s, "/k", "v3", 2, r1, &r3, &err), -1);
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "Conflict");
    /* zero: unconditional */
    assert_int_equal(cube_store_update(f->s, "/k", "v4", 2, 0, &r3, &err), 0);
    assert_int_equal(r3, r2 + 1);
    /* missing key, with and without a revision */
    assert_int_equal(cube_store_update(f->s, "/missing", "x", 1, 0, NULL, &err), -1);
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
    assert_int_equal(cube_store_update(f->s, "/missing", "x", 1, r1, NULL, &err), -1);
    assert_string_equal(err.reason, "NotFound");

    cube_store_kv_t *kv = NULL;
    assert_int_equal(cube_store_get(f->s, "/k", &kv, &err), 0);
    assert_value(kv, "v4");
    assert_int_equal(kv->create_revision, r1);
    assert_int_equal(kv->mod_revision, r3);
    cube_store_kv_free(kv);
    assert_int_equal(cube_store_revision(f->s), r3);
}

static void test_delete(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t r1 = put_new(f->s, "/k", "v1");
    int64_t r2 = put(f->s, "/k", "v2");
    cube_store_kv_t *prev = NULL;
    int64_t rev = 0;

    /* wrong revision */
    assert_int_equal(cube_store_delete(f->s, "/k", r1, &prev, &rev, &err), -1);
    assert_string_equal(err.reason, "Conflict");
    assert_null(prev);
    /* right revision, with the previous kv handed back */
    assert_int_equal(cube_store_delete(f->s, "/k", r2, &prev, &rev, &err), 0);
    assert_int_equal(rev, r2 + 1);
    assert_non_null(prev);
    assert_string_equal(prev->key, "/k");
    assert_value(prev, "v2");
    assert_int_equal(prev->create_revision, r1);
    assert_int_equal(prev->mod_revision, r2);
    cube_store_kv_free(prev);

    cube_store_kv_t *kv = NULL;
    assert_int_equal(cube_store_get(f->s, "/k", &kv, &err), -1);
    assert_string_equal(err.reason, "NotFound");
    assert_int_equal(cube_store_delete(f->s, "/k", 0, NULL, NULL, &err), -1);
    assert_int_equal(err.code, 404);

    /* a key can be created again after deletion, with a new create_revision */
    int64_t r4 = put_new(f->s, "/k", "again");
    assert_int_equal(cube_store_get(f->s, "/k", &kv, &err), 0);
    assert_int_equal(kv->create_revision, r4);
    assert_value(kv, "again");
    cube_store_kv_free(kv);
}

static void test_get(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    put_new(f->s, "/a", "1");
    int64_t r = put_new(f->s, "/a/b", "binary\0data");
    char blob[] = {'x', 0, 'y', (char)0xff};
    int64_t rb = 0;
    assert_int_equal(cube_store_create(f->s, "/blob", blob, sizeof(blob), &rb, &err), 0);

    cube_store_kv_t *kv = NULL;
    assert_int_equal(cube_store_get(f->s, "/a/b", &kv, &err), 0);
    assert_string_equal(kv->key, "/a/b");
    assert_int_equal(kv->mod_revision, r);
    assert_int_equal(kv->create_revision, r);
    assert_value(kv, "binary");
    cube_store_kv_free(kv);

    assert_int_equal(cube_store_get(f->s, "/blob", &kv, &err), 0);
    assert_int_equal(kv->value->len, sizeof(blob));
    assert_memory_equal(kv->value->data, blob, sizeof(blob));
    cube_store_kv_free(kv);

    assert_int_equal(cube_store_get(f->s, "/a/", &kv, &err), -1);
    assert_int_equal(err.code, 404);
}

/* ---- range -------------------------------------------------------------- */

static void test_range_prefix_limit(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    char key[64], val[16];
    /* inserted out of order; plus neighbours outside the prefix */
    int order[] = {3, 0, 4, 1, 2, 6, 5};
    put_new(f->s, "/registry/pods/", "before");
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(order); i++) {
        snprintf(key, sizeof(key), "/registry/pods/ns/p%d", order[i]);
        snprintf(val, sizeof(val), "v%d", order[i]);
        put_new(f->s, key, val);
    }
    put_new(f->s, "/registry/pods0", "after");
    put_new(f->s, "/registry/pods/ns/zz", "gone");
    del(f->s, "/registry/pods/ns/zz");
    put(f->s, "/registry/pods/ns/p2", "v2b");

    /* pages of 3: p0 p1 p2 | p3 p4 p5 | p6 */
    const char *start = "/registry/pods/ns/", *end = "/registry/pods/ns0";
    char cont[128];
    int64_t at = 0;
    int seen = 0;
    for (int page = 0; page < 3; page++) {
        cube_store_kv_t **kvs = NULL;
        size_t n = 0;
        bool more = false;
        int64_t rrev = 0;
        assert_int_equal(
            cube_store_range(f->s, page ? cont : start, end, at, 3, &kvs, &n, &more, &rrev, &err),
            0);
        if (page == 0)
            at = rrev;
        assert_int_equal(rrev, cube_store_revision(f->s));
        assert_int_equal(n, page < 2 ? 3 : 1);
        assert_int_equal(more, page < 2);
        for (size_t i = 0; i < n; i++, seen++) {
            snprintf(key, sizeof(key), "/registry/pods/ns/p%d", seen);
            assert_string_equal(kvs[i]->key, key);
            snprintf(val, sizeof(val), seen == 2 ? "v%db" : "v%d", seen);
            assert_value(kvs[i], val);
        }
        /* continue after the last key: the smallest key above it */
        snprintf(cont, sizeof(cont), "%s\x01", kvs[n - 1]->key);
        cube_store_kvs_free(kvs, n);
    }
    assert_int_equal(seen, 7);

    /* exactly limit keys left: no "more" */
    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more = true;
    assert_int_equal(cube_store_range(f->s, start, end, 0, 7, &kvs, &n, &more, NULL, &err), 0);
    assert_int_equal(n, 7);
    assert_false(more);
    cube_store_kvs_free(kvs, n);

    /* no limit, no end: everything from start on */
    assert_int_equal(
        cube_store_range(f->s, "/registry/pods/ns/p5", NULL, 0, 0, &kvs, &n, &more, NULL, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(kvs[2]->key, "/registry/pods0");
    cube_store_kvs_free(kvs, n);
}

static void test_range_at_revision(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t r1 = put_new(f->s, "/p/a", "a1");
    int64_t r2 = put_new(f->s, "/p/b", "b1");
    put(f->s, "/p/a", "a2");
    del(f->s, "/p/b");
    put_new(f->s, "/p/c", "c1");

    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more = true;
    int64_t rrev = 0;
    assert_int_equal(cube_store_range(f->s, "/p/", "/p0", r2, 0, &kvs, &n, &more, &rrev, &err), 0);
    assert_int_equal(rrev, r2);
    assert_false(more);
    assert_int_equal(n, 2);
    assert_string_equal(kvs[0]->key, "/p/a");
    assert_value(kvs[0], "a1");
    assert_int_equal(kvs[0]->mod_revision, r1);
    assert_string_equal(kvs[1]->key, "/p/b");
    assert_value(kvs[1], "b1");
    cube_store_kvs_free(kvs, n);

    assert_int_equal(cube_store_range(f->s, "/p/", "/p0", 0, 0, &kvs, &n, &more, &rrev, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(kvs[0]->key, "/p/a");
    assert_value(kvs[0], "a2");
    assert_string_equal(kvs[1]->key, "/p/c");
    cube_store_kvs_free(kvs, n);

    /* a revision from the future is refused */
    assert_int_equal(cube_store_range(f->s, "/p/", "/p0", cube_store_revision(f->s) + 5, 0, &kvs,
                                      &n, &more, &rrev, &err),
                     -1);
}

static void test_range_compacted(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    put_new(f->s, "/x", "v0");
    for (int i = 0; i < 5; i++)
        put(f->s, "/x", "v");
    int64_t cur = cube_store_revision(f->s);
    assert_int_equal(cube_store_compact(f->s, cur - 1, &err), 0);
    assert_int_equal(cube_store_oldest_revision(f->s), cur);

    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more;
    assert_int_equal(cube_store_range(f->s, "/", NULL, 2, 0, &kvs, &n, &more, NULL, &err), -1);
    assert_int_equal(err.code, 410);
    assert_string_equal(err.reason, "Expired");
    assert_non_null(strstr(err.msg, "too old"));

    assert_int_equal(cube_store_range(f->s, "/", NULL, cur, 0, &kvs, &n, &more, NULL, &err), 0);
    assert_int_equal(n, 1);
    cube_store_kvs_free(kvs, n);
}

/* ---- watch -------------------------------------------------------------- */

typedef struct rec_event {
    cube_store_event_type_t type;
    char key[64];
    char value[32];
    int64_t mod, create;
    bool has_prev;
    char prev_value[32];
    int64_t prev_mod;
} rec_event_t;

typedef struct recorder {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    rec_event_t evs[4096];
    size_t n;
    size_t stop_after; /* return false after this many events (0 = never) */
    bool sleep_in_cb;
    int in_cb;
} recorder_t;

static void rec_init(recorder_t *r)
{
    memset(r, 0, sizeof(*r));
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cond, NULL);
}

static void rec_fini(recorder_t *r)
{
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cond);
}

static bool rec_cb(const cube_store_event_t *ev, void *ud)
{
    recorder_t *r = ud;
    pthread_mutex_lock(&r->mu);
    r->in_cb++;
    pthread_mutex_unlock(&r->mu);
    if (r->sleep_in_cb)
        usleep(20000);
    pthread_mutex_lock(&r->mu);
    assert_true(r->n < CUBE_ARRAY_SIZE(r->evs));
    rec_event_t *e = &r->evs[r->n++];
    memset(e, 0, sizeof(*e));
    e->type = ev->type;
    snprintf(e->key, sizeof(e->key), "%s", ev->kv->key);
    if (ev->kv->value)
        snprintf(e->value, sizeof(e->value), "%s", ev->kv->value->data);
    e->mod = ev->kv->mod_revision;
    e->create = ev->kv->create_revision;
    if (ev->prev_kv) {
        e->has_prev = true;
        snprintf(e->prev_value, sizeof(e->prev_value), "%s",
                 ev->prev_kv->value ? ev->prev_kv->value->data : "");
        e->prev_mod = ev->prev_kv->mod_revision;
    }
    bool more = !r->stop_after || r->n < r->stop_after;
    r->in_cb--;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
    return more;
}

/* Waits until at least n events arrived (or 5 s); returns the count. */
static size_t rec_wait(recorder_t *r, size_t n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&r->mu);
    while (r->n < n && pthread_cond_timedwait(&r->cond, &r->mu, &until) == 0)
        ;
    size_t got = r->n;
    pthread_mutex_unlock(&r->mu);
    return got;
}

static size_t rec_count(recorder_t *r)
{
    pthread_mutex_lock(&r->mu);
    size_t n = r->n;
    pthread_mutex_unlock(&r->mu);
    return n;
}

static void test_watch_live(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    put_new(f->s, "/w/old", "before the watch");
    recorder_t r;
    rec_init(&r);
    cube_store_watch_t *w = NULL;
    assert_int_equal(cube_store_watch(f->s, "/w/", 0, rec_cb, &r, &w, &err), 0);

    int64_t r1 = put_new(f->s, "/w/a", "a1");
    put_new(f->s, "/other", "not watched");
    int64_t r2 = put(f->s, "/w/a", "a2");
    int64_t r3 = del(f->s, "/w/a");
    int64_t r4 = del(f->s, "/w/old");

    assert_int_equal(rec_wait(&r, 4), 4);
    usleep(50000);
    assert_int_equal(rec_count(&r), 4);

    assert_int_equal(r.evs[0].type, CUBE_STORE_PUT);
    assert_string_equal(r.evs[0].key, "/w/a");
    assert_string_equal(r.evs[0].value, "a1");
    assert_int_equal(r.evs[0].mod, r1);
    assert_int_equal(r.evs[0].create, r1);
    assert_false(r.evs[0].has_prev);

    assert_int_equal(r.evs[1].type, CUBE_STORE_PUT);
    assert_string_equal(r.evs[1].value, "a2");
    assert_int_equal(r.evs[1].mod, r2);
    assert_int_equal(r.evs[1].create, r1);
    assert_true(r.evs[1].has_prev);
    assert_string_equal(r.evs[1].prev_value, "a1");
    assert_int_equal(r.evs[1].prev_mod, r1);

    assert_int_equal(r.evs[2].type, CUBE_STORE_DELETE);
    assert_string_equal(r.evs[2].key, "/w/a");
    assert_int_equal(r.evs[2].mod, r3);
    assert_true(r.evs[2].has_prev);
    assert_string_equal(r.evs[2].prev_value, "a2");
    assert_int_equal(r.evs[2].prev_mod, r2);

    assert_int_equal(r.evs[3].type, CUBE_STORE_DELETE);
    assert_string_equal(r.evs[3].key, "/w/old");
    assert_int_equal(r.evs[3].mod, r4);
    assert_string_equal(r.evs[3].prev_value, "before the watch");

    cube_store_watch_cancel(w);
    rec_fini(&r);
}

typedef struct writer_arg {
    cube_store_t *s;
    int id, count;
    int64_t *revs; /* count revisions, filled in */
    int failures;
} writer_arg_t;

static void *writer_main(void *p)
{
    writer_arg_t *a = p;
    for (int i = 0; i < a->count; i++) {
        char key[64];
        snprintf(key, sizeof(key), "/c/%02d/%05d", a->id, i);
        cube_err_t err = CUBE_ERR_INIT;
        int64_t rev = 0;
        if (cube_store_create(a->s, key, key, strlen(key), &rev, &err) < 0)
            a->failures++;
        if (a->revs)
            a->revs[i] = rev;
        cube_err_clear(&err);
    }
    return NULL;
}

/*
 * A watch from an old revision replays history, then continues live: with
 * writers running while the watch starts, the watch must see every revision
 * after from_rev exactly once, in order.
 */
static void test_watch_replay_then_live(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t first = put_new(f->s, "/c/x", "v0");
    for (int i = 1; i < 600; i++)
        put(f->s, "/c/x", "v");
    int64_t from = first + 10;

    enum { WRITERS = 4, EACH = 150 };
    pthread_t th[WRITERS];
    writer_arg_t args[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        args[i] = (writer_arg_t){.s = f->s, .id = i, .count = EACH};
        pthread_create(&th[i], NULL, writer_main, &args[i]);
    }
    usleep(2000);
    recorder_t r;
    rec_init(&r);
    cube_store_watch_t *w = NULL;
    assert_int_equal(cube_store_watch(f->s, "/c/", from, rec_cb, &r, &w, &err), 0);
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    int64_t last = put(f->s, "/c/x", "after");
    size_t want = (size_t)(last - from);
    assert_int_equal(rec_wait(&r, want), want);
    usleep(50000);
    assert_int_equal(rec_count(&r), want);
    for (size_t i = 0; i < want; i++)
        assert_int_equal(r.evs[i].mod, from + 1 + (int64_t)i);
    /* a replayed update carries its previous value */
    assert_true(r.evs[0].has_prev);
    assert_int_equal(r.evs[0].prev_mod, from);
    assert_string_equal(r.evs[want - 1].value, "after");
    cube_store_watch_cancel(w);
    rec_fini(&r);
}

static void test_watch_replay_prefix_and_deletes(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    put_new(f->s, "/z", "from_rev 0 would mean now: start with another key");
    int64_t r0 = put_new(f->s, "/a/1", "x");
    put_new(f->s, "/b/1", "y");
    int64_t r2 = del(f->s, "/a/1");
    put(f->s, "/b/1", "z");

    recorder_t r;
    rec_init(&r);
    cube_store_watch_t *w = NULL;
    assert_int_equal(cube_store_watch(f->s, "/a/", r0 - 1, rec_cb, &r, &w, &err), 0);
    assert_int_equal(rec_wait(&r, 2), 2);
    int64_t r4 = put_new(f->s, "/a/2", "live");
    assert_int_equal(rec_wait(&r, 3), 3);
    usleep(20000);
    assert_int_equal(rec_count(&r), 3);
    assert_int_equal(r.evs[0].type, CUBE_STORE_PUT);
    assert_int_equal(r.evs[0].mod, r0);
    assert_false(r.evs[0].has_prev);
    assert_int_equal(r.evs[1].type, CUBE_STORE_DELETE);
    assert_int_equal(r.evs[1].mod, r2);
    assert_true(r.evs[1].has_prev);
    assert_string_equal(r.evs[1].prev_value, "x");
    assert_int_equal(r.evs[2].mod, r4);
    cube_store_watch_cancel(w);
    rec_fini(&r);
}

static void test_watch_compacted(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    put_new(f->s, "/k", "0");
    for (int i = 0; i < 5; i++)
        put(f->s, "/k", "v");
    assert_int_equal(cube_store_compact(f->s, 4, &err), 0);
    recorder_t r;
    rec_init(&r);
    cube_store_watch_t *w = NULL;
    assert_int_equal(cube_store_watch(f->s, "/", 2, rec_cb, &r, &w, &err), -1);
    assert_int_equal(err.code, 410);
    assert_string_equal(err.reason, "Expired");
    assert_null(w);
    /* from the compaction point on still works */
    assert_int_equal(cube_store_watch(f->s, "/", 4, rec_cb, &r, &w, &err), 0);
    assert_int_equal(rec_wait(&r, 2), 2);
    assert_int_equal(r.evs[0].mod, 5);
    assert_int_equal(r.evs[0].prev_mod, 4);
    cube_store_watch_cancel(w);
    rec_fini(&r);
}

static void test_watch_cancel(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    recorder_t r, r2;
    rec_init(&r);
    rec_init(&r2);
    r.sleep_in_cb = true; /* cancel arrives while a callback is running */
    cube_store_watch_t *w = NULL, *w2 = NULL;
    assert_int_equal(cube_store_watch(f->s, "/", 0, rec_cb, &r, &w, &err), 0);
    r2.stop_after = 2;
    assert_int_equal(cube_store_watch(f->s, "/", 0, rec_cb, &r2, &w2, &err), 0);
    put_new(f->s, "/a", "1");
    put_new(f->s, "/b", "1");
    put_new(f->s, "/c", "1");
    assert_true(rec_wait(&r, 1) >= 1);
    cube_store_watch_cancel(w);
    /* after cancel returns, no callback runs or will run */
    pthread_mutex_lock(&r.mu);
    assert_int_equal(r.in_cb, 0);
    size_t n = r.n;
    pthread_mutex_unlock(&r.mu);
    put_new(f->s, "/d", "1");
    usleep(100000);
    assert_int_equal(rec_count(&r), n);
    /* a callback returning false ends its watch */
    assert_int_equal(rec_wait(&r2, 2), 2);
    usleep(50000);
    assert_int_equal(rec_count(&r2), 2);
    cube_store_watch_cancel(w2);
    cube_store_watch_cancel(NULL);
    rec_fini(&r);
    rec_fini(&r2);
}

/* ---- compaction and restart --------------------------------------------- */

static void test_compaction_keeps_current(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    put_new(f->s, "/k/a", "a0");
    int64_t ra = 0;
    for (int i = 1; i <= 20; i++) {
        char v[16];
        snprintf(v, sizeof(v), "a%d", i);
        ra = put(f->s, "/k/a", v);
    }
    int64_t rb = put_new(f->s, "/k/b", "b");
    put_new(f->s, "/k/c", "c");
    del(f->s, "/k/c");
    int64_t cur = cube_store_revision(f->s);

    assert_int_equal(cube_store_compact(f->s, cur, &err), 0);
    assert_int_equal(cube_store_revision(f->s), cur);
    assert_int_equal(cube_store_oldest_revision(f->s), cur + 1);
    /* compacting again at or below the point is harmless */
    assert_int_equal(cube_store_compact(f->s, cur - 3, &err), 0);
    /* and beyond the current revision is refused */
    assert_int_equal(cube_store_compact(f->s, cur + 10, &err), -1);

    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more;
    assert_int_equal(cube_store_range(f->s, "/k/", "/k0", 0, 0, &kvs, &n, &more, NULL, &err), 0);
    assert_int_equal(n, 2);
    assert_value(kvs[0], "a20");
    assert_int_equal(kvs[1]->mod_revision, rb);
    cube_store_kvs_free(kvs, n);

    /* the history is gone: a watch can start at the compaction point only */
    recorder_t r;
    rec_init(&r);
    cube_store_watch_t *w = NULL;
    assert_int_equal(cube_store_watch(f->s, "/k/", cur - 1, rec_cb, &r, &w, &err), -1);
    assert_int_equal(cube_store_watch(f->s, "/k/", cur, rec_cb, &r, &w, &err), 0);
    int64_t ru = put(f->s, "/k/a", "a21");
    assert_int_equal(rec_wait(&r, 1), 1);
    assert_int_equal(r.evs[0].mod, ru);
    assert_int_equal(r.evs[0].prev_mod, ra);
    assert_string_equal(r.evs[0].prev_value, "a20");
    cube_store_watch_cancel(w);
    rec_fini(&r);

    /* the revision counter never goes back, even when the newest row was compacted away */
    reopen(f);
    assert_int_equal(cube_store_revision(f->s), ru);
    del(f->s, "/k/b");
    int64_t rd = cube_store_revision(f->s);
    assert_int_equal(cube_store_compact(f->s, rd, &err), 0);
    reopen(f);
    assert_int_equal(cube_store_revision(f->s), rd);
    assert_int_equal(cube_store_oldest_revision(f->s), rd + 1);
    assert_int_equal(put_new(f->s, "/k/new", "n"), rd + 1);
}

static void test_reopen(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t r1 = put_new(f->s, "/a", "1");
    put(f->s, "/a", "2");
    put_new(f->s, "/b", "x");
    int64_t r4 = del(f->s, "/b");
    assert_int_equal(cube_store_compact(f->s, 2, &err), 0);
    reopen(f);

    assert_int_equal(cube_store_revision(f->s), r4);
    assert_int_equal(cube_store_oldest_revision(f->s), 3);
    cube_store_kv_t *kv = NULL;
    assert_int_equal(cube_store_get(f->s, "/a", &kv, &err), 0);
    assert_value(kv, "2");
    assert_int_equal(kv->create_revision, r1);
    cube_store_kv_free(kv);
    assert_int_equal(cube_store_get(f->s, "/b", &kv, &err), -1);
    assert_int_equal(put_new(f->s, "/c", "3"), r4 + 1);

    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more;
    assert_int_equal(cube_store_range(f->s, "/", NULL, 1, 0, &kvs, &n, &more, NULL, &err), -1);
    assert_int_equal(err.code, 410);
}

static void test_auto_compaction(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    f->opts.compact_interval_sec = 1;
    f->opts.compact_keep_revisions = 5;
    reopen(f);
    put_new(f->s, "/a", "0");
    for (int i = 0; i < 30; i++)
        put(f->s, "/a", "v");
    int64_t cur = cube_store_revision(f->s);
    /* a tick may land while the writes above still run: wait for one after them */
    for (int i = 0; i < 100 && cube_store_oldest_revision(f->s) != cur - 5 + 1; i++)
        usleep(100000);
    assert_int_equal(cube_store_oldest_revision(f->s), cur - 5 + 1);
    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more;
    assert_int_equal(cube_store_range(f->s, "/", NULL, 3, 0, &kvs, &n, &more, NULL, &err), -1);
    assert_int_equal(err.code, 410);
    if (cube_store_range(f->s, "/", NULL, cur - 5, 0, &kvs, &n, &more, NULL, &err) < 0)
        fail_msg("range at the compaction point: %s", err.msg);
    assert_int_equal(n, 1);
    assert_int_equal(kvs[0]->mod_revision, cur - 5);
    cube_store_kvs_free(kvs, n);
}

/* ---- concurrency -------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_concurrent_creates(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    enum { THREADS = 32, EACH = 200 };
    pthread_t th[THREADS];
    writer_arg_t args[THREADS];
    int64_t *revs = xcalloc(THREADS * EACH, sizeof(*revs));
    for (int i = 0; i < THREADS; i++) {
        args[i] = (writer_arg_t){.s = f->s, .id = i, .count = EACH, .revs = revs + i * EACH};
        assert_int_equal(pthread_create(&th[i], NULL, writer_main, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
        /* each writer's revisions increase */
        for (int j = 1; j < EACH; j++)
            assert_true(revs[i * EACH + j] > revs[i * EACH + j - 1]);
    }
    /* revisions are unique: exactly 1..N */
    qsort(revs, THREADS * EACH, sizeof(*revs), cmp_i64);
    for (int i = 0; i < THREADS * EACH; i++)
        assert_int_equal(revs[i], i + 1);
    free(revs);
    assert_int_equal(cube_store_revision(f->s), THREADS * EACH);

    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more;
    assert_int_equal(cube_store_range(f->s, "/c/", "/c0", 0, 0, &kvs, &n, &more, NULL, &err), 0);
    assert_int_equal(n, THREADS * EACH);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(kvs[i]->key, kvs[i]->value->data);
    cube_store_kvs_free(kvs, n);
}

static void *create_then_delete_main(void *p)
{
    writer_arg_t *a = p;
    writer_main(a);
    for (int i = 0; i < a->count; i += 2) {
        char key[64];
        snprintf(key, sizeof(key), "/c/%02d/%05d", a->id, i);
        cube_err_t err = CUBE_ERR_INIT;
        if (cube_store_delete(a->s, key, 0, NULL, NULL, &err) < 0)
            a->failures++;
        cube_err_clear(&err);
    }
    return NULL;
}

/* A compaction window larger than one compaction step, with writers still running. */
static void test_compaction_large(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    enum { THREADS = 32, EACH = 400 };
    pthread_t th[THREADS];
    writer_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (writer_arg_t){.s = f->s, .id = i, .count = EACH};
        pthread_create(&th[i], NULL, create_then_delete_main, &args[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    int64_t cur = cube_store_revision(f->s);
    assert_int_equal(cur, THREADS * EACH * 3 / 2);
    pthread_t late;
    writer_arg_t la = {.s = f->s, .id = 99, .count = 300};
    pthread_create(&late, NULL, writer_main, &la);
    assert_int_equal(cube_store_compact(f->s, cur, &err), 0);
    pthread_join(late, NULL);
    assert_int_equal(la.failures, 0);
    assert_int_equal(cube_store_oldest_revision(f->s), cur + 1);

    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more;
    assert_int_equal(cube_store_range(f->s, "/c/", "/c0", cur, 0, &kvs, &n, &more, NULL, &err), 0);
    assert_int_equal(n, THREADS * EACH / 2);
    for (size_t i = 0; i < n; i++)
        assert_true(atoi(strrchr(kvs[i]->key, '/') + 1) % 2 == 1);
    cube_store_kvs_free(kvs, n);
    assert_int_equal(cube_store_range(f->s, "/c/", "/c0", 0, 0, &kvs, &n, &more, NULL, &err), 0);
    assert_int_equal(n, THREADS * EACH / 2 + 300);
    cube_store_kvs_free(kvs, n);
}

typedef struct mixed_arg {
    cube_store_t *s;
    int id;
    int ok, wrong;
} mixed_arg_t;

/* Interleaves writes that must fail (duplicate create, stale update) with ones that must not. */
static void *mixed_main(void *p)
{
    mixed_arg_t *a = p;
    for (int i = 0; i < 100; i++) {
        char key[64];
        cube_err_t err = CUBE_ERR_INIT;
        int64_t rev = 0;
        snprintf(key, sizeof(key), "/m/%02d/%03d", a->id, i);
        if (cube_store_create(a->s, key, "v", 1, &rev, &err) == 0)
            a->ok++;
        if (cube_store_create(a->s, "/m/shared", "dup", 3, NULL, &err) == 0 ||
            strcmp(err.reason, "AlreadyExists") != 0)
            a->wrong++;
        if (cube_store_update(a->s, key, "w", 1, rev + 1000000, NULL, &err) == 0 ||
            strcmp(err.reason, "Conflict") != 0)
            a->wrong++;
        if (cube_store_update(a->s, key, "w", 1, rev, NULL, &err) == 0)
            a->ok++;
        cube_err_clear(&err);
    }
    return NULL;
}

static void test_batch_failure_isolated(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    put_new(f->s, "/m/shared", "first");
    enum { THREADS = 16 };
    pthread_t th[THREADS];
    mixed_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (mixed_arg_t){.s = f->s, .id = i};
        pthread_create(&th[i], NULL, mixed_main, &args[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].ok, 200);
        assert_int_equal(args[i].wrong, 0);
    }
    assert_int_equal(cube_store_revision(f->s), 1 + THREADS * 200);
    cube_store_kv_t *kv = NULL;
    assert_int_equal(cube_store_get(f->s, "/m/shared", &kv, &err), 0);
    assert_value(kv, "first");
    cube_store_kv_free(kv);
}

static void test_bad_arguments(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_store_create(f->s, "", "x", 1, NULL, &err), -1);
    assert_int_equal(err.code, 400);
    assert_int_equal(cube_store_update(f->s, "/a", "x", 1, -1, NULL, &err), -1);
    assert_int_equal(err.code, 400);
    cube_store_watch_t *w = NULL;
    assert_int_equal(cube_store_watch(f->s, "/", 0, NULL, NULL, &w, &err), -1);
    cube_store_t *s2 = NULL;
    cube_store_options_t o = {.backend = "nope"};
    assert_int_equal(cube_store_open(&o, &s2, &err), -1);
    assert_null(s2);
}

/* ---- SQLite specifics ---------------------------------------------------- */

/* Every descriptor the store opened is close-on-exec (the kubelet forks). */
static void test_sqlite_cloexec(void **state)
{
    fixture_t *f = *state;
    put_new(f->s, "/a", "1");
    cube_store_kv_t *kv = NULL;
    assert_int_equal(cube_store_get(f->s, "/a", &kv, NULL), 0);
    cube_store_kv_free(kv);
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int checked = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char link[64], target[512];
        snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
        ssize_t n = readlink(link, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = 0;
        if (strncmp(target, f->dir, strlen(f->dir)) != 0)
            continue;
        int flags = fcntl(atoi(de->d_name), F_GETFD);
        assert_true(flags & FD_CLOEXEC);
        checked++;
    }
    closedir(d);
    assert_true(checked >= 2); /* the database and its WAL at least */
}

#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, (void *)&sqlite_factory)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create),
        T(test_update),
        T(test_delete),
        T(test_get),
        T(test_range_prefix_limit),
        T(test_range_at_revision),
        T(test_range_compacted),
        T(test_watch_live),
        T(test_watch_replay_then_live),
        T(test_watch_replay_prefix_and_deletes),
        T(test_watch_compacted),
        T(test_watch_cancel),
        T(test_compaction_keeps_current),
        T(test_reopen),
        T(test_auto_compaction),
        T(test_concurrent_creates),
        T(test_batch_failure_isolated),
        T(test_compaction_large),
        T(test_bad_arguments),
        T(test_sqlite_cloexec),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
