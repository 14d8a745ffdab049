/*
 * sqlite.c: the embedded store backend, the default. It keeps the store as
 * one revisioned log table in SQLite, the way kine does on top of SQL: every
 * write appends a row whose integer id is the new revision, so history, range
 * at a revision and watch replay are all plain queries over that table.
 *
 * Threads (see docs/design/store.md):
 *  - the committer owns the write connection. Writers queue an op and sleep;
 *    the committer takes every queued op, checks each precondition and
 *    applies it in one transaction, commits once (one fsync for the whole
 *    group), then wakes each writer with its own result. Compaction runs on
 *    the committer too, in bounded chunks between write groups;
 *  - the notifier receives each committed group's events and calls the
 *    watchers' callbacks in revision order; it also replays history from the
 *    table for watches that start in the past, so that replay and live events
 *    are sequenced on one thread (no gap, no duplicate);
 *  - the compactor wakes every compact_interval_sec and asks for compaction;
 *  - readers (get, range, replay) borrow a connection from a small pool; WAL
 *    lets them read while the committer writes.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>

#include "store/internal.h"

#define WRITER_CACHE "-2000" /* KiB of page cache on the write connection */
#define READER_CACHE "-500" /* KiB of page cache on each read connection */
#define BUSY_TIMEOUT_MS 5000
#define REPLAY_CHUNK 256 /* history rows read per replay step */
#define COMPACT_CHUNK 10000 /* revisions compacted per transaction */
#define META_COMPACT "compact_rev"
#define CHECKPOINT_PAGES 1000 /* WAL size (pages) that wakes the checkpointer */

/* ---- types -------------------------------------------------------------- */

typedef enum { OP_CREATE, OP_UPDATE, OP_DELETE, OP_COMPACT } op_type_t;

/* One queued request; lives on the waiting caller's stack. */
typedef struct op {
    struct op *next;
    op_type_t type;
    const char *key;
    const void *value;
    size_t len;
    int64_t expected; /* update/delete: expected mod revision (0 = any); compact: target */
    bool want_prev;
    /* written by the committer, read by the caller once done is set */
    bool done;
    int rc;
    cube_err_t *err;
    int64_t rev;
    cube_store_kv_t *prev;
    pthread_cond_t cond;
    /* asynchronous writes: the op is on the heap and owns its key, value and error */
    cube_store_done_fn done_fn;
    void *userdata;
    char *own_key;
    void *own_value;
    cube_err_t own_err;
} op_t;

/* Reports an asynchronous op's result and frees it. Committer thread, no lock held. */
static void async_finish(op_t *op)
{
    op->done_fn(op->rc, op->rev, op->rc < 0 ? &op->own_err : NULL, op->userdata);
    cube_store_kv_free(op->prev);
    free(op->own_key);
    free(op->own_value);
    cube_err_clear(&op->own_err);
    free(op);
}

/* An event with its own storage; the callback gets borrowed pointers into it. */
typedef struct event {
    cube_store_event_type_t type;
    bool has_prev;
    cube_store_kv_t kv;
    cube_store_kv_t prev;
} event_t;

/* The events of one committed group, in revision order. */
typedef struct batch {
    struct batch *next;
    event_t *evs;
    size_t n, cap;
    int64_t last_rev;
} batch_t;

/* A pooled read connection with its statements. */
typedef struct reader {
    struct reader *next;
    sqlite3 *db;
    sqlite3_stmt *begin, *commit, *get, *meta, *keys, *keys_open, *byid, *hist, *hist_open;
} reader_t;

typedef struct sq_watch {
    cube_store_watch_t base;
    struct sq_watch *next;
    char *prefix;
    char *prefix_end; /* NULL: no upper bound */
    size_t prefix_len;
    cube_store_watch_fn fn;
    void *userdata;
    /* under wmu */
    int64_t after; /* every event up to this revision has been delivered or skipped */
    bool replaying; /* needs history rows in (after, notified_rev] before going live */
    bool stopped; /* cancelled, callback said stop, or store closing */
    int refs; /* the watch list's reference + the notifier's temporary ones */
} sq_watch_t;

typedef struct sq_store {
    cube_store_t base;
    char *path;
    int64_t keep;
    int interval;

    /* committer thread only (after open) */
    sqlite3 *wdb;
    sqlite3_stmt *w_begin, *w_commit, *w_rollback, *w_get, *w_insert, *w_meta_set, *w_cdel_prev,
        *w_cdel_dead;
    int64_t compact_done; /* compaction committed up to here */
    op_t *compacting; /* compaction requests in progress, FIFO */

    /* writer queue */
    pthread_mutex_t qmu;
    pthread_cond_t qcond;
    op_t *qhead, **qtail;
    bool qstop;

    /* watches and notifier; rev and compact_rev change under wmu too */
    pthread_mutex_t wmu;
    pthread_cond_t ncond; /* notifier: new batch, new replaying watch, stop */
    pthread_cond_t cbcond; /* a callback returned */
    sq_watch_t *watches;
    batch_t *nhead, **ntail;
    int64_t notified_rev;
    sq_watch_t *in_callback;
    bool nstop;
    _Atomic int64_t rev; /* newest committed revision */
    _Atomic int64_t compact_rev; /* compaction target announced to readers and watchers */

    /* read connection pool */
    pthread_mutex_t rmu;
    reader_t *readers;

    /* automatic compaction */
    pthread_mutex_t cmu;
    pthread_cond_t ccond;
    bool cstop;

    /* checkpoints, off the committer's path */
    pthread_mutex_t kmu;
    pthread_cond_t kcond;
    bool kwanted, kstop;
    sqlite3 *kdb; /* the checkpointer's connection */

    pthread_t committer, notifier, compactor, checkpointer;
    bool has_committer, has_notifier, has_compactor, has_checkpointer;
} sq_store_t;

/* ---- small helpers ------------------------------------------------------ */

static int sql_err(sqlite3 *db, cube_err_t *err, const char *what)
{
    return cube_err_internal(err, "sqlite: %s: %s", what, sqlite3_errmsg(db));
}

static int exec(sqlite3 *db, const char *sql, cube_err_t *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        cube_err_internal(err, "sqlite: %s: %s", sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **ret, cube_err_t *err)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL) != SQLITE_OK)
        return sql_err(db, err, sql);
    return 0;
}

/* Runs a statement that returns no rows and resets it. */
static int step_done(sqlite3 *db, sqlite3_stmt *st, cube_err_t *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sql_err(db, err, sqlite3_sql(st));
    return 0;
}

static cube_bytes_t *column_bytes(sqlite3_stmt *st, int col)
{
    const void *p = sqlite3_column_blob(st, col);
    return cube_bytes_new(p, (size_t)sqlite3_column_bytes(st, col));
}

static void kv_clear(cube_store_kv_t *kv)
{
    free(kv->key);
    cube_bytes_unref(kv->value);
    memset(kv, 0, sizeof(*kv));
}

static void event_clear(event_t *ev)
{
    kv_clear(&ev->kv);
    kv_clear(&ev->prev);
}

static event_t *batch_add(batch_t *b)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->evs = xrealloc(b->evs, b->cap * sizeof(*b->evs));
    }
    event_t *ev = &b->evs[b->n++];
    memset(ev, 0, sizeof(*ev));
    return ev;
}

static void batch_free(batch_t *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        event_clear(&b->evs[i]);
    free(b->evs);
    free(b);
}

static bool key_matches(const sq_watch_t *w, const char *key)
{
    return strncmp(key, w->prefix, w->prefix_len) == 0;
}

static void cond_init_mono(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

/* ---- connections -------------------------------------------------------- */

static int open_db(const char *path, int flags, const char *cache, sqlite3 **ret, cube_err_t *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        cube_err_internal(err, "sqlite: opening \"%s\": %s", path,
                          db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    _cleanup_free_ char *pragma = xasprintf("PRAGMA cache_size=%s", cache);
    if (exec(db, pragma, err) < 0) {
        sqlite3_close(db);
        return -1;
    }
    *ret = db;
    return 0;
}

static void reader_free(reader_t *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->begin);
    sqlite3_finalize(r->commit);
    sqlite3_finalize(r->get);
    sqlite3_finalize(r->meta);
    sqlite3_finalize(r->keys);
    sqlite3_finalize(r->keys_open);
    sqlite3_finalize(r->byid);
    sqlite3_finalize(r->hist);
    sqlite3_finalize(r->hist_open);
    sqlite3_close(r->db);
    free(r);
}

static reader_t *reader_get(sq_store_t *s, cube_err_t *err)
{
    pthread_mutex_lock(&s->rmu);
    reader_t *r = s->readers;
    if (r)
        s->readers = r->next;
    pthread_mutex_unlock(&s->rmu);
    if (r)
        return r;

    r = xcalloc(1, sizeof(*r));
    if (open_db(s->path, SQLITE_OPEN_READWRITE, READER_CACHE, &r->db, err) < 0 ||
        exec(r->db, "PRAGMA query_only=1", err) < 0 ||
        prepare(r->db, "BEGIN", &r->begin, err) < 0 ||
        prepare(r->db, "COMMIT", &r->commit, err) < 0 ||
        prepare(r->db,
                "SELECT id, created, deleted, value FROM kv WHERE key = ?1 "
                "ORDER BY id DESC LIMIT 1",
                &r->get, err) < 0 ||
        prepare(r->db, "SELECT value FROM meta WHERE name = '" META_COMPACT "'", &r->meta, err) <
            0 ||
        prepare(r->db,
                "SELECT key, MAX(id) FROM kv WHERE key >= ?1 AND key < ?2 AND id <= ?3 "
                "GROUP BY key ORDER BY key",
                &r->keys, err) < 0 ||
        prepare(r->db,
                "SELECT key, MAX(id) FROM kv WHERE key >= ?1 AND id <= ?3 "
                "GROUP BY key ORDER BY key",
                &r->keys_open, err) < 0 ||
        prepare(r->db, "SELECT key, created, deleted, value FROM kv WHERE id = ?1", &r->byid, err) <
            0 ||
        /* "+key" keeps the planner on the id order instead of the key index */
        prepare(r->db,
                "SELECT id, key, created, prev_revision, deleted, value FROM kv "
                "WHERE id > ?1 AND id <= ?2 AND +key >= ?3 AND +key < ?4 ORDER BY id LIMIT ?5",
                &r->hist, err) < 0 ||
        prepare(r->db,
                "SELECT id, key, created, prev_revision, deleted, value FROM kv "
                "WHERE id > ?1 AND id <= ?2 AND +key >= ?3 ORDER BY id LIMIT ?5",
                &r->hist_open, err) < 0) {
        reader_free(r);
        return NULL;
    }
    return r;
}

static void reader_put(sq_store_t *s, reader_t *r)
{
    pthread_mutex_lock(&s->rmu);
    r->next = s->readers;
    s->readers = r;
    pthread_mutex_unlock(&s->rmu);
}

/* Ends a read transaction begun with r->begin; resets the statements used inside it. */
static void read_end(reader_t *r)
{
    sqlite3_reset(r->meta);
    sqlite3_reset(r->keys);
    sqlite3_reset(r->keys_open);
    sqlite3_reset(r->byid);
    sqlite3_reset(r->hist);
    sqlite3_reset(r->hist_open);
    sqlite3_step(r->commit);
    sqlite3_reset(r->commit);
    if (!sqlite3_get_autocommit(r->db)) /* never leave a pooled connection inside a transaction */
        sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- committer ---------------------------------------------------------- */

typedef struct cur_row {
    int64_t id, created;
    cube_bytes_t *value; /* owned */
} cur_row_t;

/* The key's live row, if any: 1 found, 0 absent (never written or deleted), -1 error. */
static int current(sq_store_t *s, const char *key, cur_row_t *ret, cube_err_t *err)
{
    sqlite3_stmt *st = s->w_get;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW) {
        if (!sqlite3_column_int(st, 2)) {
            ret->id = sqlite3_column_int64(st, 0);
            ret->created = sqlite3_column_int64(st, 1);
            ret->value = column_bytes(st, 3);
            found = 1;
        }
    } else if (rc != SQLITE_DONE) {
        found = sql_err(s->wdb, err, "reading current row");
    }
    sqlite3_reset(st);
    return found;
}

static int insert_row(sq_store_t *s, int64_t id, const char *key, int64_t created, int64_t prev,
                      bool deleted, const void *value, size_t len, cube_err_t *err)
{
    sqlite3_stmt *st = s->w_insert;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, created);
    sqlite3_bind_int64(st, 4, prev);
    sqlite3_bind_int(st, 5, deleted);
    if (deleted)
        sqlite3_bind_null(st, 6);
    else
        sqlite3_bind_blob64(st, 6, len ? value : "", len, SQLITE_STATIC);
    return step_done(s->wdb, st, err);
}

/*
 * Checks one op's precondition and appends its row. Returns 0 when applied,
 * 1 when the precondition failed (op->err set, nothing written), -1 when the
 * database failed (the whole group must be rolled back).
 */
static int apply(sq_store_t *s, op_t *op, int64_t rev, batch_t *b)
{
    cur_row_t cur = {0};
    int found = current(s, op->key, &cur, op->err);
    if (found < 0)
        return -1;
    _cleanup_bytes_ cube_bytes_t *curval = cur.value;

    if (op->type == OP_CREATE && found) {
        op->rc = cube_err_exists(op->err, "key \"%s\" already exists", op->key);
        return 1;
    }
    if (op->type != OP_CREATE && !found) {
        op->rc = cube_err_notfound(op->err, "key \"%s\" not found", op->key);
        return 1;
    }
    if (op->type != OP_CREATE && op->expected && op->expected != cur.id) {
        op->rc =
            cube_err_conflict(op->err, "key \"%s\": revision %" PRId64 " does not match %" PRId64,
                              op->key, op->expected, cur.id);
        return 1;
    }

    bool del = op->type == OP_DELETE;
    int64_t created = found ? cur.created : rev;
    if (insert_row(s, rev, op->key, created, found ? cur.id : 0, del, op->value, op->len, op->err) <
        0)
        return -1;

    event_t *ev = batch_add(b);
    ev->type = del ? CUBE_STORE_DELETE : CUBE_STORE_PUT;
    ev->kv.key = xstrdup(op->key);
    ev->kv.value = del ? NULL : cube_bytes_new(op->value, op->len);
    ev->kv.create_revision = del ? 0 : created;
    ev->kv.mod_revision = rev;
    if (found) {
        ev->has_prev = true;
        ev->prev.key = xstrdup(op->key);
        ev->prev.value = cube_bytes_ref(curval);
        ev->prev.create_revision = cur.created;
        ev->prev.mod_revision = cur.id;
    }
    b->last_rev = rev;
    op->rc = 0;
    op->rev = rev;
    if (del && op->want_prev)
        op->prev = cube_store_kv_new(op->key, cube_bytes_ref(curval), cur.created, cur.id);
    return 0;
}

static void fail_all(op_t *ops, const cube_err_t *why)
{
    for (op_t *op = ops; op; op = op->next) {
        cube_store_kv_free(TAKE_PTR(op->prev));
        op->rc = cube_err_internal(op->err, "%s", why->msg);
    }
}

/* Runs a group of writes in one transaction and commits it once. */
static void run_group(sq_store_t *s, op_t *ops)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    batch_t *b = xcalloc(1, sizeof(*b));
    int64_t rev = atomic_load(&s->rev);
    bool fatal = false, any = false;

    if (step_done(s->wdb, s->w_begin, &err) < 0) {
        fatal = true;
    } else {
        for (op_t *op = ops; op && !fatal; op = op->next) {
            cube_err_t operr = CUBE_ERR_INIT;
            cube_err_t *saved = op->err;
            op->err = &operr;
            int r = apply(s, op, rev + 1, b);
            op->err = saved;
            if (r < 0) {
                cube_err_move(&err, &operr);
                fatal = true;
            } else if (r == 0) {
                rev++;
                any = true;
            } else if (saved) {
                cube_err_move(saved, &operr);
            }
            cube_err_clear(&operr);
        }
        if (!fatal && step_done(s->wdb, any ? s->w_commit : s->w_rollback, &err) < 0)
            fatal = true;
        if (fatal)
            step_done(s->wdb, s->w_rollback, NULL);
    }

    if (fatal) {
        fail_all(ops, &err);
        batch_free(b);
    } else if (any) {
        pthread_mutex_lock(&s->wmu);
        atomic_store(&s->rev, rev);
        *s->ntail = b;
        s->ntail = &b->next;
        pthread_cond_signal(&s->ncond);
        pthread_mutex_unlock(&s->wmu);
    } else {
        batch_free(b);
    }

    op_t *async = NULL, **at = &async;
    pthread_mutex_lock(&s->qmu);
    for (op_t *op = ops, *next; op; op = next) {
        next = op->next;
        if (op->done_fn) {
            op->next = NULL;
            *at = op;
            at = &op->next;
            continue;
        }
        op->done = true;
        pthread_cond_signal(&op->cond);
    }
    pthread_mutex_unlock(&s->qmu);
    for (op_t *op = async, *next; op; op = next) {
        next = op->next;
        async_finish(op);
    }
}

static void complete(sq_store_t *s, op_t *op)
{
    pthread_mutex_lock(&s->qmu);
    op->done = true;
    pthread_cond_signal(&op->cond);
    pthread_mutex_unlock(&s->qmu);
}

/*
 * Starts a compaction request: fixes its target, lowered so that no watch
 * still replaying loses the history it needs, and announces it. Returns
 * true if there is work left for compact_step().
 */
static bool compact_start(sq_store_t *s, op_t *op)
{
    int64_t target = op->expected, cur = atomic_load(&s->rev);
    if (target > cur) {
        op->rc = cube_err_badrequest(
            op->err, "compaction revision %" PRId64 " is newer than the current revision %" PRId64,
            target, cur);
        return false;
    }
    pthread_mutex_lock(&s->wmu);
    for (sq_watch_t *w = s->watches; w; w = w->next)
        if (w->replaying && !w->stopped && w->after < target)
            target = w->after;
    if (target > atomic_load(&s->compact_rev))
        atomic_store(&s->compact_rev, target);
    pthread_mutex_unlock(&s->wmu);
    op->rc = 0;
    op->expected = target;
    return target > s->compact_done;
}

/* Compacts one chunk of the head request's window in its own transaction. */
static void compact_step(sq_store_t *s, op_t *op)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int64_t from = s->compact_done, to = op->expected;
    if (to - from > COMPACT_CHUNK)
        to = from + COMPACT_CHUNK;

    sqlite3_bind_int64(s->w_cdel_prev, 1, from);
    sqlite3_bind_int64(s->w_cdel_prev, 2, to);
    sqlite3_bind_int64(s->w_cdel_dead, 1, from);
    sqlite3_bind_int64(s->w_cdel_dead, 2, to);
    sqlite3_bind_int64(s->w_meta_set, 1, to);
    if (step_done(s->wdb, s->w_begin, &err) < 0 || step_done(s->wdb, s->w_cdel_prev, &err) < 0 ||
        step_done(s->wdb, s->w_cdel_dead, &err) < 0 || step_done(s->wdb, s->w_meta_set, &err) < 0 ||
        step_done(s->wdb, s->w_commit, &err) < 0) {
        step_done(s->wdb, s->w_rollback, NULL);
        op->rc = cube_err_internal(op->err, "compacting to %" PRId64 ": %s", to, err.msg);
        op->expected = from; /* stop here */
        return;
    }
    s->compact_done = to;
}

static void *committer_main(void *arg)
{
    sq_store_t *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->qmu);
        while (!s->qhead && !s->compacting && !s->qstop)
            pthread_cond_wait(&s->qcond, &s->qmu);
        if (s->qstop && !s->qhead) {
            pthread_mutex_unlock(&s->qmu);
            break;
        }
        op_t *ops = s->qhead;
        s->qhead = NULL;
        s->qtail = &s->qhead;
        pthread_mutex_unlock(&s->qmu);

        /* split compaction requests off; they run after the group, in chunks */
        op_t *writes = NULL, **wt = &writes;
        for (op_t *op = ops, *next; op; op = next) {
            next = op->next;
            op->next = NULL;
            if (op->type == OP_COMPACT) {
                if (!compact_start(s, op)) {
                    complete(s, op);
                    continue;
                }
                op_t **t = &s->compacting;
                while (*t)
                    t = &(*t)->next;
                *t = op;
            } else {
                *wt = op;
                wt = &op->next;
            }
        }
        if (writes)
            run_group(s, writes);
        if (s->compacting) {
            op_t *op = s->compacting;
            if (op->expected > s->compact_done)
                compact_step(s, op);
            if (op->expected <= s->compact_done || op->rc < 0) {
                s->compacting = op->next;
                op->next = NULL;
                complete(s, op);
            }
        }
    }
    /* closing: compactions not yet finished are abandoned where they stand */
    while (s->compacting) {
        op_t *op = s->compacting;
        s->compacting = op->next;
        op->rc = cube_err_internal(op->err, "store is closing");
        complete(s, op);
    }
    return NULL;
}

static int enqueue_and_wait(sq_store_t *s, op_t *op)
{
    pthread_cond_init(&op->cond, NULL);
    pthread_mutex_lock(&s->qmu);
    if (s->qstop) {
        pthread_mutex_unlock(&s->qmu);
        pthread_cond_destroy(&op->cond);
        return cube_err_internal(op->err, "store is closed");
    }
    op->next = NULL;
    *s->qtail = op;
    s->qtail = &op->next;
    pthread_cond_signal(&s->qcond);
    while (!op->done)
        pthread_cond_wait(&op->cond, &s->qmu);
    pthread_mutex_unlock(&s->qmu);
    pthread_cond_destroy(&op->cond);
    return op->rc;
}

/* ---- writes ------------------------------------------------------------- */

static void sq_create_async(cube_store_t *base, const char *key, const void *value, size_t len,
                            cube_store_done_fn done, void *userdata)
{
    sq_store_t *s = (sq_store_t *)base;
    op_t *op = xcalloc(1, sizeof(*op));
    op->type = OP_CREATE;
    op->own_key = xstrdup(key);
    op->own_value = xmalloc(len ? len : 1);
    if (len)
        memcpy(op->own_value, value, len);
    op->key = op->own_key;
    op->value = op->own_value;
    op->len = len;
    op->err = &op->own_err;
    op->done_fn = done;
    op->userdata = userdata;
    pthread_mutex_lock(&s->qmu);
    if (s->qstop) {
        pthread_mutex_unlock(&s->qmu);
        op->rc = cube_err_internal(op->err, "store is closed");
        async_finish(op);
        return;
    }
    *s->qtail = op;
    s->qtail = &op->next;
    pthread_cond_signal(&s->qcond);
    pthread_mutex_unlock(&s->qmu);
}

static int sq_create(cube_store_t *base, const char *key, const void *value, size_t len,
                     int64_t *ret_rev, cube_err_t *err)
{
    sq_store_t *s = (sq_store_t *)base;
    op_t op = {.type = OP_CREATE, .key = key, .value = value, .len = len, .err = err};
    if (enqueue_and_wait(s, &op) < 0)
        return -1;
    if (ret_rev)
        *ret_rev = op.rev;
    return 0;
}

static int sq_update(cube_store_t *base, const char *key, const void *value, size_t len,
                     int64_t expected_rev, int64_t *ret_rev, cube_err_t *err)
{
    sq_store_t *s = (sq_store_t *)base;
    op_t op = {.type = OP_UPDATE,
               .key = key,
               .value = value,
               .len = len,
               .expected = expected_rev,
               .err = err};
    if (enqueue_and_wait(s, &op) < 0)
        return -1;
    if (ret_rev)
        *ret_rev = op.rev;
    return 0;
}

static int sq_delete(cube_store_t *base, const char *key, int64_t expected_rev,
                     cube_store_kv_t **ret_prev, int64_t *ret_rev, cube_err_t *err)
{
    sq_store_t *s = (sq_store_t *)base;
    op_t op = {.type = OP_DELETE,
               .key = key,
               .expected = expected_rev,
               .want_prev = ret_prev != NULL,
               .err = err};
    if (enqueue_and_wait(s, &op) < 0)
        return -1;
    if (ret_prev)
        *ret_prev = op.prev;
    if (ret_rev)
        *ret_rev = op.rev;
    return 0;
}

static int sq_compact(cube_store_t *base, int64_t rev, cube_err_t *err)
{
    sq_store_t *s = (sq_store_t *)base;
    op_t op = {.type = OP_COMPACT, .expected = rev, .err = err};
    return enqueue_and_wait(s, &op);
}

/* ---- reads -------------------------------------------------------------- */

static int64_t sq_revision(cube_store_t *base)
{
    return atomic_load(&((sq_store_t *)base)->rev);
}

static int64_t sq_oldest_revision(cube_store_t *base)
{
    return atomic_load(&((sq_store_t *)base)->compact_rev) + 1;
}

static int sq_get(cube_store_t *base, const char *key, cube_store_kv_t **ret_kv, cube_err_t *err)
{
    sq_store_t *s = (sq_store_t *)base;
    reader_t *r = reader_get(s, err);
    if (!r)
        return -1;
    sqlite3_stmt *st = r->get;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), ret = 0;
    if (rc == SQLITE_ROW && !sqlite3_column_int(st, 2)) {
        *ret_kv = cube_store_kv_new(key, column_bytes(st, 3), sqlite3_column_int64(st, 1),
                                    sqlite3_column_int64(st, 0));
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        ret = cube_err_notfound(err, "key \"%s\" not found", key);
    } else {
        ret = sql_err(r->db, err, "get");
    }
    sqlite3_reset(st);
    reader_put(s, r);
    return ret;
}

static int range_read(reader_t *r, const char *start, const char *end, int64_t at, size_t limit,
                      cube_store_kv_t ***ret_kvs, size_t *ret_n, bool *ret_more, cube_err_t *err)
{
    /* the compaction point read in the same snapshot as the rows */
    if (sqlite3_step(r->meta) != SQLITE_ROW)
        return sql_err(r->db, err, "range: reading the compaction point");
    int64_t compacted = sqlite3_column_int64(r->meta, 0);
    sqlite3_reset(r->meta);
    if (at < compacted)
        return cube_err_gone(err, "The resourceVersion for the provided list is too old.");

    sqlite3_stmt *keys = end ? r->keys : r->keys_open;
    sqlite3_bind_text(keys, 1, start, -1, SQLITE_STATIC);
    if (end)
        sqlite3_bind_text(keys, 2, end, -1, SQLITE_STATIC);
    sqlite3_bind_int64(keys, 3, at);

    cube_store_kv_t **kvs = NULL;
    size_t n = 0, cap = 0;
    bool more = false;
    int rc;
    while ((rc = sqlite3_step(keys)) == SQLITE_ROW) {
        sqlite3_bind_int64(r->byid, 1, sqlite3_column_int64(keys, 1));
        int brc = sqlite3_step(r->byid);
        if (brc != SQLITE_ROW) {
            cube_store_kvs_free(kvs, n);
            return sql_err(r->db, err, "range: reading row");
        }
        if (!sqlite3_column_int(r->byid, 2)) {
            if (limit && n == limit) {
                more = true;
                sqlite3_reset(r->byid);
                break;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                kvs = xrealloc(kvs, cap * sizeof(*kvs));
            }
            kvs[n++] = cube_store_kv_new((const char *)sqlite3_column_text(r->byid, 0),
                                         column_bytes(r->byid, 3), sqlite3_column_int64(r->byid, 1),
                                         sqlite3_column_int64(keys, 1));
        }
        sqlite3_reset(r->byid);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        cube_store_kvs_free(kvs, n);
        return sql_err(r->db, err, "range");
    }
    *ret_kvs = kvs;
    *ret_n = n;
    if (ret_more)
        *ret_more = more;
    return 0;
}

static int sq_range(cube_store_t *base, const char *start, const char *end, int64_t rev,
                    size_t limit, cube_store_kv_t ***ret_kvs, size_t *ret_n, bool *ret_more,
                    int64_t *ret_rev, cube_err_t *err)
{
    sq_store_t *s = (sq_store_t *)base;
    int64_t cur = atomic_load(&s->rev), at = rev ? rev : cur;
    if (at > cur)
        return cube_err_set(err, 504, "Timeout",
                            "Too large resource version: %" PRId64 ", current: %" PRId64, at, cur);

    /* the announced point first (what oldest_revision says), then the committed one in-snapshot */
    if (at < atomic_load(&s->compact_rev))
        return cube_err_gone(err, "The resourceVersion for the provided list is too old.");

    reader_t *r = reader_get(s, err);
    if (!r)
        return -1;
    int ret;
    if (sqlite3_step(r->begin) != SQLITE_DONE)
        ret = sql_err(r->db, err, "range: begin");
    else
        ret = range_read(r, start, end, at, limit, ret_kvs, ret_n, ret_more, err);
    sqlite3_reset(r->begin);
    read_end(r);
    reader_put(s, r);
    if (ret == 0 && ret_rev)
        *ret_rev = at;
    return ret;
}

/* ---- watches ------------------------------------------------------------ */

static void watch_unref(sq_watch_t *w)
{
    if (--w->refs > 0)
        return;
    free(w->prefix);
    free(w->prefix_end);
    free(w);
}

/* Calls w's callback with wmu dropped; cancel() waits while in_callback is w. */
static void deliver(sq_store_t *s, sq_watch_t *w, const event_t *ev)
{
    cube_store_event_t cev = {
        .type = ev->type,
        .kv = &ev->kv,
        .prev_kv = ev->has_prev ? &ev->prev : NULL,
    };
    s->in_callback = w;
    pthread_mutex_unlock(&s->wmu);
    bool more = w->fn(&cev, w->userdata);
    pthread_mutex_lock(&s->wmu);
    s->in_callback = NULL;
    if (!more)
        w->stopped = true;
    pthread_cond_broadcast(&s->cbcond);
}

/* Reads up to REPLAY_CHUNK history events for w in (after, upto]. Returns the count or -1. */
static ssize_t read_history(sq_store_t *s, const sq_watch_t *w, int64_t after, int64_t upto,
                            event_t *evs, cube_err_t *err)
{
    reader_t *r = reader_get(s, err);
    if (!r)
        return -1;
    ssize_t n = 0;
    sqlite3_stmt *st = w->prefix_end ? r->hist : r->hist_open;
    if (sqlite3_step(r->begin) != SQLITE_DONE) {
        n = sql_err(r->db, err, "replay: begin");
        goto out;
    }
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, upto);
    sqlite3_bind_text(st, 3, w->prefix, -1, SQLITE_STATIC);
    if (w->prefix_end)
        sqlite3_bind_text(st, 4, w->prefix_end, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, REPLAY_CHUNK);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        event_t *ev = &evs[n++];
        memset(ev, 0, sizeof(*ev));
        bool del = sqlite3_column_int(st, 4);
        int64_t prev = sqlite3_column_int64(st, 3);
        ev->type = del ? CUBE_STORE_DELETE : CUBE_STORE_PUT;
        ev->kv.key = xstrdup((const char *)sqlite3_column_text(st, 1));
        ev->kv.mod_revision = sqlite3_column_int64(st, 0);
        ev->kv.create_revision = del ? 0 : sqlite3_column_int64(st, 2);
        ev->kv.value = del ? NULL : column_bytes(st, 5);
        if (prev) {
            sqlite3_bind_int64(r->byid, 1, prev);
            if (sqlite3_step(r->byid) == SQLITE_ROW) {
                ev->has_prev = true;
                ev->prev.key = xstrdup(ev->kv.key);
                ev->prev.create_revision = sqlite3_column_int64(r->byid, 1);
                ev->prev.mod_revision = prev;
                ev->prev.value = column_bytes(r->byid, 3);
            }
            sqlite3_reset(r->byid);
        }
    }
    if (rc != SQLITE_DONE) {
        for (ssize_t i = 0; i < n; i++)
            event_clear(&evs[i]);
        n = sql_err(r->db, err, "replay");
    }
out:
    sqlite3_reset(r->begin);
    read_end(r);
    reader_put(s, r);
    return n;
}

/* One replay step for w; called and returns with wmu held. */
static void replay_step(sq_store_t *s, sq_watch_t *w)
{
    int64_t after = w->after, upto = s->notified_rev;
    w->refs++;
    pthread_mutex_unlock(&s->wmu);
    event_t *evs = xmalloc(REPLAY_CHUNK * sizeof(*evs));
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    ssize_t n = read_history(s, w, after, upto, evs, &err);
    pthread_mutex_lock(&s->wmu);

    if (n < 0) {
        cube_log_v(1, "store: watch \"%s\" stopped, replay failed: %s", w->prefix, err.msg);
        w->stopped = true;
    }
    for (ssize_t i = 0; i < n && !w->stopped; i++) {
        deliver(s, w, &evs[i]);
        w->after = evs[i].kv.mod_revision;
    }
    if (!w->stopped && n >= 0 && n < REPLAY_CHUNK) {
        w->after = upto;
        w->replaying = false;
    }
    pthread_mutex_unlock(&s->wmu);
    for (ssize_t i = 0; i < n; i++)
        event_clear(&evs[i]);
    free(evs);
    pthread_mutex_lock(&s->wmu);
    watch_unref(w);
}

/* Hands one committed group to the live watches; called and returns with wmu held. */
static void dispatch(sq_store_t *s)
{
    batch_t *b = s->nhead;
    s->nhead = b->next;
    if (!s->nhead)
        s->ntail = &s->nhead;
    s->notified_rev = b->last_rev;

    size_t nw = 0, i = 0;
    for (sq_watch_t *w = s->watches; w; w = w->next)
        nw += !w->replaying && !w->stopped;
    sq_watch_t **live = nw ? xmalloc(nw * sizeof(*live)) : NULL;
    for (sq_watch_t *w = s->watches; w; w = w->next)
        if (!w->replaying && !w->stopped) {
            w->refs++;
            live[i++] = w;
        }

    for (size_t e = 0; e < b->n; e++) {
        const event_t *ev = &b->evs[e];
        for (i = 0; i < nw; i++) {
            sq_watch_t *w = live[i];
            if (w->stopped || ev->kv.mod_revision <= w->after || !key_matches(w, ev->kv.key))
                continue;
            deliver(s, w, ev);
            w->after = ev->kv.mod_revision;
        }
    }
    for (i = 0; i < nw; i++) {
        if (live[i]->after < b->last_rev)
            live[i]->after = b->last_rev;
        watch_unref(live[i]);
    }
    free(live);
    pthread_mutex_unlock(&s->wmu);
    batch_free(b);
    pthread_mutex_lock(&s->wmu);
}

static void *notifier_main(void *arg)
{
    sq_store_t *s = arg;
    pthread_mutex_lock(&s->wmu);
    while (!s->nstop) {
        sq_watch_t *rw = NULL;
        for (sq_watch_t *w = s->watches; w && !rw; w = w->next)
            if (w->replaying && !w->stopped)
                rw = w;
        if (!rw && !s->nhead) {
            pthread_cond_wait(&s->ncond, &s->wmu);
            continue;
        }
        /* alternate replay steps and live groups so neither starves */
        if (rw)
            replay_step(s, rw);
        if (s->nhead && !s->nstop)
            dispatch(s);
    }
    pthread_mutex_unlock(&s->wmu);
    return NULL;
}

static int sq_watch(cube_store_t *base, const char *prefix, int64_t from_rev,
                    cube_store_watch_fn fn, void *userdata, cube_store_watch_t **ret,
                    cube_err_t *err)
{
    sq_store_t *s = (sq_store_t *)base;
    pthread_mutex_lock(&s->wmu);
    if (s->nstop) {
        pthread_mutex_unlock(&s->wmu);
        return cube_err_internal(err, "store is closed");
    }
    int64_t compacted = atomic_load(&s->compact_rev);
    if (from_rev && from_rev < compacted) {
        pthread_mutex_unlock(&s->wmu);
        return cube_err_gone(err, "too old resource version: %" PRId64 " (%" PRId64 ")", from_rev,
                             compacted);
    }
    sq_watch_t *w = xcalloc(1, sizeof(*w));
    w->base.store = base;
    w->prefix = xstrdup(prefix);
    w->prefix_len = strlen(prefix);
    w->prefix_end = cube_store_prefix_end(prefix);
    w->fn = fn;
    w->userdata = userdata;
    w->refs = 1;
    w->after = from_rev ? from_rev : atomic_load(&s->rev);
    w->replaying = w->after < s->notified_rev;
    w->next = s->watches;
    s->watches = w;
    if (w->replaying)
        pthread_cond_signal(&s->ncond);
    pthread_mutex_unlock(&s->wmu);
    *ret = &w->base;
    return 0;
}

static void sq_watch_cancel(cube_store_watch_t *wbase)
{
    sq_watch_t *w = (sq_watch_t *)wbase;
    sq_store_t *s = (sq_store_t *)wbase->store;
    pthread_mutex_lock(&s->wmu);
    w->stopped = true;
    for (sq_watch_t **p = &s->watches; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    /* from its own callback the notifier holds a reference; otherwise wait it out */
    if (!pthread_equal(pthread_self(), s->notifier))
        while (s->in_callback == w)
            pthread_cond_wait(&s->cbcond, &s->wmu);
    watch_unref(w);
    pthread_mutex_unlock(&s->wmu);
}

/* ---- automatic compaction ----------------------------------------------- */

static void *compactor_main(void *arg)
{
    sq_store_t *s = arg;
    pthread_mutex_lock(&s->cmu);
    while (!s->cstop) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += s->interval;
        while (!s->cstop && pthread_cond_timedwait(&s->ccond, &s->cmu, &until) != ETIMEDOUT)
            ;
        if (s->cstop)
            break;
        pthread_mutex_unlock(&s->cmu);
        int64_t target = atomic_load(&s->rev) - s->keep;
        if (target > atomic_load(&s->compact_rev)) {
            cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
            if (sq_compact(&s->base, target, &err) < 0)
                cube_log_v(1, "store: compaction to %" PRId64 " failed: %s", target, err.msg);
        }
        pthread_mutex_lock(&s->cmu);
    }
    pthread_mutex_unlock(&s->cmu);
    return NULL;
}

/* ---- checkpoints -------------------------------------------------------- */

/*
 * Copying the WAL back into the database (and fsyncing it) would stall a
 * write group if the committer did it, so the writer's automatic checkpoint
 * is off; after each commit this hook wakes the checkpointer once the WAL is
 * big enough, and it checkpoints on its own connection while writes go on.
 */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    sq_store_t *s = arg;
    /*
     * Under a steady stream of commits the background pass never reaches the
     * WAL's end, and the WAL only restarts from its beginning once all of it
     * is copied. So when it has grown well past the mark, the committer copies
     * the little the background pass left; PASSIVE returns at once (BUSY) if a
     * background pass is running.
     */
    if (pages >= CHECKPOINT_PAGES * 4)
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (pages >= CHECKPOINT_PAGES) {
        pthread_mutex_lock(&s->kmu);
        if (!s->kwanted) {
            s->kwanted = true;
            pthread_cond_signal(&s->kcond);
        }
        pthread_mutex_unlock(&s->kmu);
    }
    return SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
    sq_store_t *s = arg;
    sqlite3 *db = s->kdb;
    pthread_mutex_lock(&s->kmu);
    for (;;) {
        while (!s->kwanted && !s->kstop)
            pthread_cond_wait(&s->kcond, &s->kmu);
        if (s->kstop)
            break;
        pthread_mutex_unlock(&s->kmu);
        int log = 0, done = 0;
        if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) !=
            SQLITE_OK)
            cube_log_v(1, "store: checkpoint: %s", sqlite3_errmsg(db));
        pthread_mutex_lock(&s->kmu);
        s->kwanted = false;
    }
    pthread_mutex_unlock(&s->kmu);
    return NULL;
}

/* ---- open and close ----------------------------------------------------- */

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS kv ("
    " id INTEGER PRIMARY KEY," /* the revision of this write */
    " key TEXT NOT NULL," /* compared bytewise (BINARY collation) */
    " created INTEGER NOT NULL," /* the key's create_revision */
    " prev_revision INTEGER NOT NULL," /* the row this one supersedes, 0 = none */
    " deleted INTEGER NOT NULL," /* 1: this row is a deletion */
    " value BLOB);"
    "CREATE INDEX IF NOT EXISTS kv_key_id ON kv (key, id);"
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT OR IGNORE INTO meta (name, value) VALUES ('" META_COMPACT "', 0);";

static int open_writer(sq_store_t *s, cube_err_t *err)
{
    if (open_db(s->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, WRITER_CACHE, &s->wdb, err) <
        0)
        return -1;
    sqlite3_stmt *st = NULL;
    if (prepare(s->wdb, "PRAGMA journal_mode=WAL", &st, err) < 0)
        return -1;
    bool wal = sqlite3_step(st) == SQLITE_ROW &&
               strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    if (!wal)
        return cube_err_internal(err, "sqlite: \"%s\": cannot switch to WAL mode", s->path);
    if (exec(s->wdb, "PRAGMA synchronous=FULL", err) < 0 ||
        exec(s->wdb, "PRAGMA wal_autocheckpoint=0", err) < 0 ||
        exec(s->wdb, "PRAGMA journal_size_limit=16777216", err) < 0 ||
        exec(s->wdb, schema, err) < 0)
        return -1;
    if (prepare(s->wdb, "BEGIN IMMEDIATE", &s->w_begin, err) < 0 ||
        prepare(s->wdb, "COMMIT", &s->w_commit, err) < 0 ||
        prepare(s->wdb, "ROLLBACK", &s->w_rollback, err) < 0 ||
        prepare(s->wdb,
                "SELECT id, created, deleted, value FROM kv WHERE key = ?1 "
                "ORDER BY id DESC LIMIT 1",
                &s->w_get, err) < 0 ||
        prepare(s->wdb,
                "INSERT INTO kv (id, key, created, prev_revision, deleted, value) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &s->w_insert, err) < 0 ||
        prepare(s->wdb, "UPDATE meta SET value = ?1 WHERE name = '" META_COMPACT "'",
                &s->w_meta_set, err) < 0 ||
        /* rows superseded inside the window: the predecessors of the window's rows */
        prepare(s->wdb,
                "DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv "
                "WHERE id > ?1 AND id <= ?2 AND prev_revision != 0)",
                &s->w_cdel_prev, err) < 0 ||
        prepare(s->wdb, "DELETE FROM kv WHERE id > ?1 AND id <= ?2 AND deleted = 1",
                &s->w_cdel_dead, err) < 0)
        return -1;

    if (open_db(s->path, SQLITE_OPEN_READWRITE, READER_CACHE, &s->kdb, err) < 0)
        return -1;

    /* the revision continues from the newest row, or the compaction point if newer */
    int64_t maxid = 0, compacted = 0;
    if (prepare(s->wdb, "SELECT COALESCE(MAX(id), 0) FROM kv", &st, err) < 0)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        maxid = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (prepare(s->wdb, "SELECT value FROM meta WHERE name = '" META_COMPACT "'", &st, err) < 0)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        compacted = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    atomic_store(&s->rev, maxid > compacted ? maxid : compacted);
    atomic_store(&s->compact_rev, compacted);
    s->compact_done = compacted;
    s->notified_rev = atomic_load(&s->rev);
    return 0;
}

static void sq_close(cube_store_t *base)
{
    sq_store_t *s = (sq_store_t *)base;

    if (s->has_compactor) {
        pthread_mutex_lock(&s->cmu);
        s->cstop = true;
        pthread_cond_signal(&s->ccond);
        pthread_mutex_unlock(&s->cmu);
        pthread_join(s->compactor, NULL);
    }
    if (s->has_checkpointer) {
        pthread_mutex_lock(&s->kmu);
        s->kstop = true;
        pthread_cond_signal(&s->kcond);
        pthread_mutex_unlock(&s->kmu);
        pthread_join(s->checkpointer, NULL);
    }
    pthread_mutex_lock(&s->qmu);
    s->qstop = true;
    pthread_cond_signal(&s->qcond);
    pthread_mutex_unlock(&s->qmu);
    if (s->has_committer)
        pthread_join(s->committer, NULL);

    pthread_mutex_lock(&s->wmu);
    s->nstop = true;
    for (sq_watch_t *w = s->watches; w; w = w->next)
        w->stopped = true;
    pthread_cond_signal(&s->ncond);
    pthread_mutex_unlock(&s->wmu);
    if (s->has_notifier)
        pthread_join(s->notifier, NULL);

    while (s->watches) {
        sq_watch_t *w = s->watches;
        s->watches = w->next;
        watch_unref(w);
    }
    while (s->nhead) {
        batch_t *b = s->nhead;
        s->nhead = b->next;
        batch_free(b);
    }
    while (s->readers) {
        reader_t *r = s->readers;
        s->readers = r->next;
        reader_free(r);
    }
    sqlite3_finalize(s->w_begin);
    sqlite3_finalize(s->w_commit);
    sqlite3_finalize(s->w_rollback);
    sqlite3_finalize(s->w_get);
    sqlite3_finalize(s->w_insert);
    sqlite3_finalize(s->w_meta_set);
    sqlite3_finalize(s->w_cdel_prev);
    sqlite3_finalize(s->w_cdel_dead);
    sqlite3_close(s->kdb);
    sqlite3_close(s->wdb);

    pthread_mutex_destroy(&s->qmu);
    pthread_cond_destroy(&s->qcond);
    pthread_mutex_destroy(&s->wmu);
    pthread_cond_destroy(&s->ncond);
    pthread_cond_destroy(&s->cbcond);
    pthread_mutex_destroy(&s->rmu);
    pthread_mutex_destroy(&s->cmu);
    pthread_cond_destroy(&s->ccond);
    pthread_mutex_destroy(&s->kmu);
    pthread_cond_destroy(&s->kcond);
    free(s->path);
    free(s);
}

static int sq_open(const cube_store_options_t *opts, cube_store_t **ret, cube_err_t *err)
{
    if (!opts->path || !*opts->path)
        return cube_err_internal(err, "store: sqlite needs a database path");

    sq_store_t *s = xcalloc(1, sizeof(*s));
    s->base.ops = &cube_store_sqlite_ops;
    s->path = xstrdup(opts->path);
    s->keep = opts->compact_keep_revisions;
    s->interval = opts->compact_interval_sec;
    s->qtail = &s->qhead;
    s->ntail = &s->nhead;
    pthread_mutex_init(&s->qmu, NULL);
    pthread_cond_init(&s->qcond, NULL);
    pthread_mutex_init(&s->wmu, NULL);
    pthread_cond_init(&s->ncond, NULL);
    pthread_cond_init(&s->cbcond, NULL);
    pthread_mutex_init(&s->rmu, NULL);
    pthread_mutex_init(&s->cmu, NULL);
    cond_init_mono(&s->ccond);
    pthread_mutex_init(&s->kmu, NULL);
    pthread_cond_init(&s->kcond, NULL);

    if (open_writer(s, err) < 0) {
        cube_err_prefix(err, "opening store");
        sq_close(&s->base);
        return -1;
    }
    int rc = pthread_create(&s->checkpointer, NULL, checkpointer_main, s);
    s->has_checkpointer = rc == 0;
    if (rc == 0) {
        sqlite3_wal_hook(s->wdb, wal_hook, s);
        rc = pthread_create(&s->committer, NULL, committer_main, s);
        s->has_committer = rc == 0;
    }
    if (rc == 0) {
        rc = pthread_create(&s->notifier, NULL, notifier_main, s);
        s->has_notifier = rc == 0;
    }
    if (rc == 0 && s->interval > 0) {
        rc = pthread_create(&s->compactor, NULL, compactor_main, s);
        s->has_compactor = rc == 0;
    }
    if (rc != 0) {
        cube_err_errno(err, rc, "store: starting threads");
        sq_close(&s->base);
        return -1;
    }
    *ret = &s->base;
    return 0;
}

const cube_store_ops_t cube_store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .revision = sq_revision,
    .oldest_revision = sq_oldest_revision,
    .create = sq_create,
    .create_async = sq_create_async,
    .update = sq_update,
    .del = sq_delete,
    .get = sq_get,
    .range = sq_range,
    .watch = sq_watch,
    .watch_cancel = sq_watch_cancel,
    .compact = sq_compact,
};
