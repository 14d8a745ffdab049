/*
 * bench/watch: watch fan-out latency. One thread holds W watch streams on the
 * configmaps of a namespace (libcurl multi, one keep-alive TLS connection per
 * watcher), then creates a configmap R times and records, for every watcher,
 * when the ADDED event of that configmap arrived, counted from just before the
 * create request was sent. This is what a cluster with many informers on one
 * resource sees: how long until the last of them hears about a write.
 *
 * Usage: watch --server https://127.0.0.1:PORT --ns NS [--watchers W]
 *              [--rounds R] [--token T] [--cacert F]
 *
 * A warm-up create (not counted) comes first, so every stream is known to be
 * live before measuring. Prints one line of key=value pairs: watchers,
 * connected, events, missed, p50_ms, p99_ms, max_ms (over all watcher x round
 * arrivals), last_p50_ms, last_max_ms (per round, the slowest watcher),
 * spread_p50_ms, spread_max_ms (per round, last arrival minus first: the
 * fan-out itself, whatever the commit cost),
 * create_p50_ms (the create request's own latency), client_cpu (the share of
 * one CPU this program used while measuring: near 100% means the client, not
 * the server, sets the pace).
 */
#include <curl/curl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { ROUND_TIMEOUT_SEC = 5, CONNECT_TIMEOUT_SEC = 60 };

typedef struct watch_s watch_t;

typedef struct {
    char *p;
    size_t len, cap;
} sbuf_t;

typedef struct {
    const char *server, *ns, *token, *cacert;
    int watchers, rounds;
    char prefix[64]; /* object names are <prefix><round> */
    watch_t *w; /* [watchers] */
    double *arrive; /* [(rounds + 1) * watchers], ms after send, NAN if not yet */
    int *count; /* [rounds + 1], arrivals per round */
    int connected, ended;
    int round; /* the round being measured */
    double t_send; /* when the current round's create was sent */
} fan_t;

struct watch_s {
    fan_t *F;
    int idx;
    CURL *h;
    sbuf_t line;
    bool connected, ended;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds this process used so far (user + system). */
static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("watch: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void sb_add(sbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

/* One complete line of the watch stream: a {"type":...,"object":...} event. */
static void on_event(watch_t *w, const char *line, double t)
{
    fan_t *F = w->F;
    if (!strstr(line, "\"type\":\"ADDED\""))
        return;
    char needle[96];
    snprintf(needle, sizeof(needle), "\"name\":\"%s", F->prefix);
    const char *m = strstr(line, needle);
    if (!m)
        return;
    char *end;
    long k = strtol(m + strlen(needle), &end, 10);
    if (*end != '"' || k < 0 || k > F->rounds)
        return;
    double *a = &F->arrive[(size_t)k * F->watchers + w->idx];
    if (isnan(*a)) {
        *a = (t - F->t_send) * 1e3;
        F->count[k]++;
    }
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    watch_t *w = ud;
    size_t n = size * nmemb;
    double t = now();
    sb_add(&w->line, data, n);
    char *start = w->line.p, *nl;
    while ((nl = memchr(start, '\n', w->line.p + w->line.len - start))) {
        *nl = 0;
        on_event(w, start, t);
        start = nl + 1;
    }
    size_t rest = w->line.p + w->line.len - start;
    memmove(w->line.p, start, rest);
    w->line.len = rest;
    w->line.p[rest] = 0;
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    watch_t *w = ud;
    size_t n = size * nmemb;
    if (!w->connected && n > 12 && !strncmp(data, "HTTP/", 5) && strstr(data, " 200")) {
        w->connected = true;
        w->F->connected++;
    }
    return n;
}

static size_t discard(char *data, size_t size, size_t nmemb, void *ud)
{
    sbuf_t *b = ud;
    if (b->len < 2048)
        sb_add(b, data, size * nmemb);
    return size * nmemb;
}

static void common_opts(fan_t *F, CURL *h, struct curl_slist *hdr)
{
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    if (F->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, F->cacert);
}

/* Runs the multi loop until done(F) or the deadline; ends finished transfers. */
static void pump(CURLM *m, fan_t *F, bool (*done)(fan_t *), double deadline, CURL *post,
                 bool *post_done)
{
    while (!done(F) && now() < deadline) {
        int running;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *h = msg->easy_handle;
            if (h == post) {
                *post_done = true;
                curl_multi_remove_handle(m, h);
                continue;
            }
            watch_t *w;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&w);
            if (!w->ended) {
                w->ended = true;
                F->ended++;
                if (F->ended <= 3)
                    fprintf(stderr, "watch: stream %d ended: %s\n", w->idx,
                            curl_easy_strerror(msg->data.result));
            }
            curl_multi_remove_handle(m, h);
        }
        curl_multi_poll(m, NULL, 0, 5, NULL);
    }
}

static bool all_connected(fan_t *F)
{
    return F->connected + F->ended >= F->watchers;
}

static bool round_done(fan_t *F)
{
    return F->count[F->round] >= F->connected - F->ended;
}

static bool never(fan_t *F)
{
    (void)F;
    return false;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, long n, double p)
{
    if (n == 0)
        return NAN;
    long i = (long)ceil(p / 100.0 * n) - 1;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

int main(int argc, char **argv)
{
    fan_t F = {.watchers = 1000, .rounds = 20};
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--server"))
            F.server = v;
        else if (!strcmp(a, "--ns"))
            F.ns = v;
        else if (!strcmp(a, "--watchers"))
            F.watchers = atoi(v);
        else if (!strcmp(a, "--rounds"))
            F.rounds = atoi(v);
        else if (!strcmp(a, "--token"))
            F.token = v;
        else if (!strcmp(a, "--cacert"))
            F.cacert = v;
        else {
            fprintf(stderr, "watch: unknown flag %s\n", a);
            return 2;
        }
    }
    if (!F.server || !F.ns || F.watchers <= 0 || F.rounds <= 0) {
        fprintf(stderr, "usage: watch --server URL --ns NS [--watchers W] [--rounds R] "
                        "[--token T] [--cacert F]\n");
        return 2;
    }
    snprintf(F.prefix, sizeof(F.prefix), "fan-%d-", (int)getpid());
    size_t cells = (size_t)(F.rounds + 1) * F.watchers;
    F.arrive = xrealloc(NULL, sizeof(double) * cells);
    for (size_t i = 0; i < cells; i++)
        F.arrive[i] = NAN;
    F.count = calloc(F.rounds + 1, sizeof(int));
    F.w = calloc(F.watchers, sizeof(watch_t));
    double *create_ms = xrealloc(NULL, sizeof(double) * (F.rounds + 1));
    int measured = 0; /* rounds 1..measured completed */

    curl_global_init(CURL_GLOBAL_ALL);
    struct curl_slist *hdr = NULL;
    char auth[4200], url[1024];
    hdr = curl_slist_append(hdr, "Accept: application/json");
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Expect:");
    if (F.token) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", F.token);
        hdr = curl_slist_append(hdr, auth);
    }
    CURLM *m = curl_multi_init();
    snprintf(url, sizeof(url), "%s/api/v1/namespaces/%s/configmaps?watch=1&timeoutSeconds=900",
             F.server, F.ns);
    for (int i = 0; i < F.watchers; i++) {
        watch_t *w = &F.w[i];
        w->F = &F;
        w->idx = i;
        w->h = curl_easy_init();
        common_opts(&F, w->h, hdr);
        curl_easy_setopt(w->h, CURLOPT_URL, url);
        curl_easy_setopt(w->h, CURLOPT_PRIVATE, w);
        curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(w->h, CURLOPT_WRITEDATA, w);
        curl_easy_setopt(w->h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(w->h, CURLOPT_HEADERDATA, w);
        curl_multi_add_handle(m, w->h);
    }
    double t_conn = now();
    pump(m, &F, all_connected, t_conn + CONNECT_TIMEOUT_SEC, NULL, NULL);
    double conn_secs = now() - t_conn;

    CURL *post = curl_easy_init();
    sbuf_t resp = {0};
    char body[512];
    snprintf(url, sizeof(url), "%s/api/v1/namespaces/%s/configmaps", F.server, F.ns);
    common_opts(&F, post, hdr);
    curl_easy_setopt(post, CURLOPT_URL, url);
    curl_easy_setopt(post, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(post, CURLOPT_WRITEDATA, &resp);
    int missed = 0;
    double cpu0 = cpu_seconds(), wall0 = now();
    for (int k = 0; k <= F.rounds && F.connected > F.ended; k++) {
        bool post_done = false;
        /* quiet gap between rounds, streams still serviced */
        pump(m, &F, never, now() + 0.05, NULL, NULL);
        snprintf(body, sizeof(body),
                 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s%d\","
                 "\"labels\":{\"bench\":\"watch\"}},\"data\":{\"round\":\"%d\"}}",
                 F.prefix, k, k);
        curl_easy_setopt(post, CURLOPT_POSTFIELDS, body);
        resp.len = 0;
        F.round = k;
        F.t_send = now();
        curl_multi_add_handle(m, post);
        pump(m, &F, round_done, F.t_send + ROUND_TIMEOUT_SEC, post, &post_done);
        double t_done = now();
        /* the create's answer may come after the last event */
        if (!post_done)
            pump(m, &F, never, t_done + 0.001, post, &post_done);
        while (!post_done && now() < F.t_send + ROUND_TIMEOUT_SEC)
            pump(m, &F, never, now() + 0.01, post, &post_done);
        long code = 0;
        double total = NAN;
        curl_easy_getinfo(post, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_getinfo(post, CURLINFO_TOTAL_TIME, &total);
        if (!post_done)
            curl_multi_remove_handle(m, post);
        if (code != 201) {
            fprintf(stderr, "watch: create %d: HTTP %ld: %.*s\n", k, code, (int)resp.len,
                    resp.p ? resp.p : "");
            break;
        }
        create_ms[k] = total * 1e3;
        measured = k;
        if (k > 0)
            missed += (F.connected - F.ended) - F.count[k];
    }

    double cpu_share = (cpu_seconds() - cpu0) / (now() - wall0);

    /* statistics over rounds 1..R */
    double *all = xrealloc(NULL, sizeof(double) * cells);
    double *lasts = xrealloc(NULL, sizeof(double) * (F.rounds + 1));
    double *spread = xrealloc(NULL, sizeof(double) * (F.rounds + 1));
    long n = 0, nl = 0;
    for (int k = 1; k <= measured; k++) {
        double mx = NAN, mn = NAN;
        for (int i = 0; i < F.watchers; i++) {
            double v = F.arrive[(size_t)k * F.watchers + i];
            if (isnan(v))
                continue;
            all[n++] = v;
            if (isnan(mx) || v > mx)
                mx = v;
            if (isnan(mn) || v < mn)
                mn = v;
        }
        if (!isnan(mx)) {
            spread[nl] = mx - mn;
            lasts[nl++] = mx;
        }
    }
    qsort(all, n, sizeof(double), cmp_double);
    qsort(lasts, nl, sizeof(double), cmp_double);
    qsort(spread, nl, sizeof(double), cmp_double);
    qsort(create_ms + 1, measured, sizeof(double), cmp_double);
    printf("watchers=%d connected=%d connect_seconds=%.2f rounds=%d events=%ld missed=%d "
           "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f last_p50_ms=%.2f last_max_ms=%.2f "
           "spread_p50_ms=%.2f spread_max_ms=%.2f create_p50_ms=%.2f client_cpu=%.0f%%\n",
           F.watchers, F.connected - F.ended, conn_secs, measured, n, missed, pct(all, n, 50),
           pct(all, n, 99), n ? all[n - 1] : NAN, pct(lasts, nl, 50), nl ? lasts[nl - 1] : NAN,
           pct(spread, nl, 50), nl ? spread[nl - 1] : NAN, pct(create_ms + 1, measured, 50),
           cpu_share * 100);

    for (int i = 0; i < F.watchers; i++) {
        if (!F.w[i].ended)
            curl_multi_remove_handle(m, F.w[i].h);
        curl_easy_cleanup(F.w[i].h);
        free(F.w[i].line.p);
    }
    curl_easy_cleanup(post);
    curl_multi_cleanup(m);
    curl_slist_free_all(hdr);
    curl_global_cleanup();
    free(resp.p);
    free(all);
    free(lasts);
    free(spread);
    free(create_ms);
    free(F.arrive);
    free(F.count);
    free(F.w);
    return 0;
}
