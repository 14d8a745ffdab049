/* Unit tests for src/client/workqueue.c: dedup, dirty-while-processing, delays, backoff,
 * forget, shutdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>

#include "client/client.h"

static uint64_t ms_since(uint64_t t0)
{
    return (cube_time_mono_ns() - t0) / 1000000ull;
}

static void expect_get(cube_workqueue_t *q, const char *want)
{
    char *k = cube_workqueue_get(q);
    assert_non_null(k);
    assert_string_equal(k, want);
    free(k);
}

static void test_fifo_and_dedup(void **state)
{
    cube_workqueue_t *q = cube_workqueue_new("t", 5, 1000, 0, 0);
    cube_workqueue_add(q, "a");
    cube_workqueue_add(q, "b");
    cube_workqueue_add(q, "a");
    cube_workqueue_add(q, "c");
    cube_workqueue_add(q, "b");
    assert_int_equal(cube_workqueue_len(q), 3);
    expect_get(q, "a");
    expect_get(q, "b");
    expect_get(q, "c");
    assert_int_equal(cube_workqueue_len(q), 0);
    cube_workqueue_done(q, "a");
    cube_workqueue_done(q, "b");
    cube_workqueue_done(q, "c");
    assert_int_equal(cube_workqueue_len(q), 0);
    cube_workqueue_shutdown(q);
    cube_workqueue_free(q);
}

static void test_dirty_while_processing(void **state)
{
    cube_workqueue_t *q = cube_workqueue_new("t", 5, 1000, 0, 0);
    cube_workqueue_add(q, "a");
    char *k = cube_workqueue_get(q);
    assert_string_equal(k, "a");
    /* added while processing: not handed to a second worker ... */
    cube_workqueue_add(q, "a");
    cube_workqueue_add(q, "a");
    assert_int_equal(cube_workqueue_len(q), 0);
    cube_workqueue_add(q, "b");
    expect_get(q, "b");
    cube_workqueue_done(q, "b");
    assert_int_equal(cube_workqueue_len(q), 0);
    /* ... but requeued, once, when done */
    cube_workqueue_done(q, k);
    free(k);
    assert_int_equal(cube_workqueue_len(q), 1);
    expect_get(q, "a");
    cube_workqueue_done(q, "a");
    assert_int_equal(cube_workqueue_len(q), 0);
    cube_workqueue_shutdown(q);
    cube_workqueue_free(q);
}

static void test_add_after_ordering(void **state)
{
    cube_workqueue_t *q = cube_workqueue_new("t", 5, 1000, 0, 0);
    uint64_t t0 = cube_time_mono_ns();
    cube_workqueue_add_after(q, "late", 150);
    cube_workqueue_add_after(q, "early", 50);
    cube_workqueue_add_after(q, "mid", 100);
    assert_int_equal(cube_workqueue_len(q), 0);
    expect_get(q, "early");
    assert_true(ms_since(t0) >= 50);
    expect_get(q, "mid");
    assert_true(ms_since(t0) >= 100);
    expect_get(q, "late");
    assert_true(ms_since(t0) >= 150);
    assert_true(ms_since(t0) < 1000);
    /* zero delay is an immediate add */
    cube_workqueue_add_after(q, "now", 0);
    assert_int_equal(cube_workqueue_len(q), 1);
    expect_get(q, "now");
    cube_workqueue_shutdown(q);
    cube_workqueue_free(q);
}

static void test_add_after_dedup_keeps_earliest(void **state)
{
    cube_workqueue_t *q = cube_workqueue_new("t", 5, 1000, 0, 0);
    uint64_t t0 = cube_time_mono_ns();
    cube_workqueue_add_after(q, "k", 5000);
    cube_workqueue_add_after(q, "k", 30);
    cube_workqueue_add_after(q, "k", 4000);
    expect_get(q, "k");
    assert_true(ms_since(t0) < 1000);
    cube_workqueue_done(q, "k");
    /* the superseded later entries are gone: nothing else comes */
    cube_workqueue_add_after(q, "other", 100);
    expect_get(q, "other");
    assert_int_equal(cube_workqueue_len(q), 0);
    cube_workqueue_shutdown(q);
    assert_null(cube_workqueue_get(q));
    cube_workqueue_free(q);
}

static void test_backoff_growth_cap_forget(void **state)
{
    /* delays large enough that a loaded machine's scheduling noise (< 400 ms) cannot make an
       uncapped 1600 ms look like the capped 800 ms */
    cube_workqueue_t *q = cube_workqueue_new("t", 100, 800, 0, 0);
    assert_int_equal(cube_workqueue_failures(q, "k"), 0);
    int want[] = {100, 200, 400, 800, 800};
    for (int i = 0; i < 5; i++) {
        uint64_t t0 = cube_time_mono_ns();
        cube_workqueue_add_rate_limited(q, "k");
        assert_int_equal(cube_workqueue_failures(q, "k"), i + 1);
        assert_int_equal(cube_workqueue_len(q), 0); /* delayed, not queued */
        expect_get(q, "k");
        uint64_t took = ms_since(t0);
        assert_true(took >= (uint64_t)want[i]);
        assert_true(took < (uint64_t)want[i] * 3 / 2 + 100);
        cube_workqueue_done(q, "k");
    }
    cube_workqueue_forget(q, "k");
    assert_int_equal(cube_workqueue_failures(q, "k"), 0);
    uint64_t t0 = cube_time_mono_ns();
    cube_workqueue_add_rate_limited(q, "k");
    expect_get(q, "k");
    assert_true(ms_since(t0) < 190); /* back to the base delay */
    /* failures are per key */
    assert_int_equal(cube_workqueue_failures(q, "other"), 0);
    cube_workqueue_shutdown(q);
    cube_workqueue_free(q);
}

static void test_bucket_limits_rate_limited_adds(void **state)
{
    /* 20 qps, burst 2: the 3rd..6th distinct keys wait 50 ms more each */
    cube_workqueue_t *q = cube_workqueue_new("t", 1, 1, 20, 2);
    uint64_t t0 = cube_time_mono_ns();
    char key[8];
    for (int i = 0; i < 6; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        cube_workqueue_add_rate_limited(q, key);
    }
    for (int i = 0; i < 6; i++) {
        char *k = cube_workqueue_get(q);
        assert_non_null(k);
        free(k);
    }
    uint64_t took = ms_since(t0);
    assert_true(took >= 190);
    assert_true(took < 1000);
    cube_workqueue_shutdown(q);
    cube_workqueue_free(q);
}

typedef struct getter {
    cube_workqueue_t *q;
    char *got;
    bool returned;
} getter_t;

static void *getter_main(void *arg)
{
    getter_t *g = arg;
    g->got = cube_workqueue_get(g->q);
    __atomic_store_n(&g->returned, true, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_shutdown_wakes_getters(void **state)
{
    cube_workqueue_t *q = cube_workqueue_new("t", 5, 1000, 0, 0);
    getter_t g[3] = {{q, NULL, false}, {q, NULL, false}, {q, NULL, false}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, getter_main, &g[i]);
    usleep(50000);
    for (int i = 0; i < 3; i++)
        assert_false(__atomic_load_n(&g[i].returned, __ATOMIC_SEQ_CST));
    cube_workqueue_add_after(q, "never", 60000);
    cube_workqueue_shutdown(q);
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        assert_null(g[i].got);
    }
    /* adds after shutdown are ignored */
    cube_workqueue_add(q, "x");
    assert_int_equal(cube_workqueue_len(q), 0);
    assert_null(cube_workqueue_get(q));
    cube_workqueue_free(q);
}

static void test_shutdown_drains_first(void **state)
{
    cube_workqueue_t *q = cube_workqueue_new("t", 5, 1000, 0, 0);
    cube_workqueue_add(q, "a");
    cube_workqueue_add(q, "b");
    cube_workqueue_shutdown(q);
    expect_get(q, "a");
    expect_get(q, "b");
    assert_null(cube_workqueue_get(q));
    cube_workqueue_free(q);
}

typedef struct worker {
    cube_workqueue_t *q;
    atomic_int *inflight; /* per key 0..3 */
    atomic_int *handled;
    atomic_bool *overlap;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    char *k;
    while ((k = cube_workqueue_get(w->q))) {
        int i = k[1] - '0';
        if (atomic_fetch_add(&w->inflight[i], 1) != 0)
            atomic_store(w->overlap, true);
        usleep(200);
        atomic_fetch_sub(&w->inflight[i], 1);
        atomic_fetch_add(w->handled, 1);
        cube_workqueue_done(w->q, k);
        free(k);
    }
    return NULL;
}

/* Many workers, many adds of few keys: a key is never processed by two workers at once. */
static void test_concurrent_no_overlap(void **state)
{
    cube_workqueue_t *q = cube_workqueue_new("t", 1, 10, 0, 0);
    atomic_int inflight[4] = {0};
    atomic_int handled = 0;
    atomic_bool overlap = false;
    worker_t w = {q, inflight, &handled, &overlap};
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker_main, &w);
    char key[4];
    for (int n = 0; n < 2000; n++) {
        snprintf(key, sizeof(key), "k%d", n % 4);
        cube_workqueue_add(q, key);
        if (n % 100 == 0)
            usleep(1000);
    }
    /* let the queue drain before shutting down */
    for (int i = 0; i < 200 && cube_workqueue_len(q) > 0; i++)
        usleep(10000);
    usleep(20000);
    cube_workqueue_shutdown(q);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    assert_false(atomic_load(&overlap));
    assert_true(atomic_load(&handled) >= 4);
    assert_true(atomic_load(&handled) <= 2000);
    cube_workqueue_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_and_dedup),
        cmocka_unit_test(test_dirty_while_processing),
        cmocka_unit_test(test_add_after_ordering),
        cmocka_unit_test(test_add_after_dedup_keeps_earliest),
        cmocka_unit_test(test_backoff_growth_cap_forget),
        cmocka_unit_test(test_bucket_limits_rate_limited_adds),
        cmocka_unit_test(test_shutdown_wakes_getters),
        cmocka_unit_test(test_shutdown_drains_first),
        cmocka_unit_test(test_concurrent_no_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
