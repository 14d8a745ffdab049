/*
 * store_bench: measures the store's group commit the way the API server
 * loads it: many threads creating keys at once, each waiting for its write
 * to be durable. Prints creates/s and latency percentiles.
 *
 *   store_bench [-t threads] [-n creates per thread] [-s value bytes] [-d dir] [-w watchers]
 *
 * Build: cc -O2 -Isrc bench/store_bench.c build/libcube.a $(pkg-config --libs ...)
 * (see docs/design/store.md).
 */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sys/stat.h>

#include "store/store.h"

typedef struct worker {
    cube_store_t *s;
    int id, count;
    size_t vlen;
    uint64_t *lat; /* ns per create */
    int failures;
} worker_t;

static void *worker_main(void *p)
{
    worker_t *w = p;
    char *val = xmalloc(w->vlen + 1);
    memset(val, 'x', w->vlen);
    for (int i = 0; i < w->count; i++) {
        char key[96];
        snprintf(key, sizeof(key), "/registry/configmaps/bench-%02d/cm-%07d", w->id, i);
        cube_err_t err = CUBE_ERR_INIT;
        uint64_t t0 = cube_time_mono_ns();
        if (cube_store_create(w->s, key, val, w->vlen, NULL, &err) < 0)
            w->failures++;
        w->lat[i] = cube_time_mono_ns() - t0;
        cube_err_clear(&err);
    }
    free(val);
    return NULL;
}

static bool count_cb(const cube_store_event_t *ev, void *ud)
{
    atomic_fetch_add((_Atomic long *)ud, 1);
    return true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int threads = 64, each = 500, watchers = 0;
    size_t vlen = 1024;
    const char *dir = "/tmp";
    int c;
    while ((c = getopt(argc, argv, "t:n:s:d:w:")) != -1) {
        switch (c) {
        case 't':
            threads = atoi(optarg);
            break;
        case 'n':
            each = atoi(optarg);
            break;
        case 's':
            vlen = (size_t)atol(optarg);
            break;
        case 'd':
            dir = optarg;
            break;
        case 'w':
            watchers = atoi(optarg);
            break;
        default:
            fprintf(stderr,
                    "usage: %s [-t threads] [-n per thread] [-s bytes] [-d dir] [-w watchers]\n",
                    argv[0]);
            return 2;
        }
    }
    char path[512];
    snprintf(path, sizeof(path), "%s/store-bench-%d.db", dir, (int)getpid());
    cube_store_options_t opts = {.path = path, .compact_interval_sec = -1};
    cube_store_t *s = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_store_open(&opts, &s, &err) < 0) {
        fprintf(stderr, "open: %s\n", err.msg);
        return 1;
    }
    _Atomic long events = 0;
    cube_store_watch_t **ws = xcalloc((size_t)watchers + 1, sizeof(*ws));
    for (int i = 0; i < watchers; i++)
        if (cube_store_watch(s, "/registry/", 0, count_cb, &events, &ws[i], &err) < 0) {
            fprintf(stderr, "watch: %s\n", err.msg);
            return 1;
        }

    size_t total = (size_t)threads * (size_t)each;
    uint64_t *lat = xcalloc(total, sizeof(*lat));
    pthread_t *th = xcalloc((size_t)threads, sizeof(*th));
    worker_t *wk = xcalloc((size_t)threads, sizeof(*wk));
    uint64_t t0 = cube_time_mono_ns();
    for (int i = 0; i < threads; i++) {
        wk[i] =
            (worker_t){.s = s, .id = i, .count = each, .vlen = vlen, .lat = lat + (size_t)i * each};
        pthread_create(&th[i], NULL, worker_main, &wk[i]);
    }
    int failures = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        failures += wk[i].failures;
    }
    double secs = (double)(cube_time_mono_ns() - t0) / 1e9;
    qsort(lat, total, sizeof(*lat), cmp_u64);
    printf("threads=%d creates=%zu value=%zuB watchers=%d: %.0f creates/s, "
           "p50 %.2f ms, p99 %.2f ms, max %.2f ms, failures %d\n",
           threads, total, vlen, watchers, (double)total / secs, (double)lat[total / 2] / 1e6,
           (double)lat[total * 99 / 100] / 1e6, (double)lat[total - 1] / 1e6, failures);

    /* resident memory of the whole process, store included */
    _cleanup_fclose_ FILE *st = fopen("/proc/self/status", "re");
    char line[256];
    while (st && fgets(line, sizeof(line), st))
        if (strncmp(line, "VmRSS:", 6) == 0 || strncmp(line, "VmHWM:", 6) == 0)
            printf("  %s", line);

    char wal[600];
    struct stat sb;
    snprintf(wal, sizeof(wal), "%s-wal", path);
    if (stat(wal, &sb) == 0)
        printf("  WAL: %lld kB\n", (long long)sb.st_size / 1024);

    for (int i = 0; i < watchers; i++)
        cube_store_watch_cancel(ws[i]);
    cube_store_close(s);
    free(ws);
    free(lat);
    free(th);
    free(wk);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(suffixes); i++) {
        char p[600];
        snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
        unlink(p);
    }
    return failures ? 1 : 0;
}
