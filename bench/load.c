/*
 * bench/load: a closed-loop write load generator for the benchmarks. C threads,
 * each with its own keep-alive libcurl handle, send N requests in total as fast
 * as the server answers, and the per-request latencies give the throughput and
 * the percentiles. The same program drives cube (POST of Kubernetes objects)
 * and the etcd reference (puts of the same bytes through etcd's HTTP/JSON
 * gateway), so both sides pay the same client costs.
 *
 * Usage: load --url URL --body FILE [--n N] [--c C] [--token T] [--cacert F]
 *             [--etcd-key PREFIX] [--max-seconds S]
 *
 * Every "@N@" in the body is replaced by a number unique to the request. With
 * --etcd-key the substituted body becomes the value of a v3 put whose key is
 * PREFIX<number>. Prints one line of key=value pairs (ok, errors, seconds, rate,
 * p50_ms, p90_ms, p99_ms, max_ms); the first failed answer goes to stderr.
 */
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *url, *token, *cacert, *etcd_key;
    char *body; /* template */
    long n, c;
    double max_seconds;
    atomic_long next; /* next request number */
    atomic_long ok, errors;
    atomic_bool error_shown;
    double *lat_ms; /* [n], NAN until done */
    double start;
} load_t;

typedef struct {
    char *p;
    size_t len, cap;
} sbuf_t;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("load: out of memory\n", stderr);
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

static void sb_b64(sbuf_t *b, const char *s, size_t n)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)s[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)s[i + 2];
        char q[4] = {t[v >> 18], t[(v >> 12) & 63], i + 1 < n ? t[(v >> 6) & 63] : '=',
                     i + 2 < n ? t[v & 63] : '='};
        sb_add(b, q, 4);
    }
}

/* The template with every "@N@" replaced by id. */
static void render(const char *tmpl, long id, sbuf_t *out)
{
    char num[32];
    int nl = snprintf(num, sizeof(num), "%ld", id);
    out->len = 0;
    for (const char *p = tmpl;;) {
        const char *m = strstr(p, "@N@");
        if (!m) {
            sb_add(out, p, strlen(p));
            break;
        }
        sb_add(out, p, m - p);
        sb_add(out, num, nl);
        p = m + 3;
    }
}

static size_t sink(char *data, size_t size, size_t nmemb, void *ud)
{
    sbuf_t *b = ud;
    if (b->len < 4096)
        sb_add(b, data, size * nmemb);
    return size * nmemb;
}

static void *worker(void *ud)
{
    load_t *L = ud;
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    char auth[4200];
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Accept: application/json");
    hdr = curl_slist_append(hdr, "Expect:");
    if (L->token) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", L->token);
        hdr = curl_slist_append(hdr, auth);
    }
    sbuf_t resp = {0}, obj = {0}, req = {0};
    curl_easy_setopt(h, CURLOPT_URL, L->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    if (L->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, L->cacert);
    for (;;) {
        long id = atomic_fetch_add(&L->next, 1);
        if (id >= L->n)
            break;
        if (L->max_seconds > 0 && now() - L->start > L->max_seconds)
            break;
        render(L->body, id, &obj);
        const sbuf_t *send = &obj;
        if (L->etcd_key) {
            char key[512];
            int kl = snprintf(key, sizeof(key), "%s%ld", L->etcd_key, id);
            req.len = 0;
            sb_add(&req, "{\"key\":\"", 8);
            sb_b64(&req, key, kl);
            sb_add(&req, "\",\"value\":\"", 11);
            sb_b64(&req, obj.p, obj.len);
            sb_add(&req, "\"}", 2);
            send = &req;
        }
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, send->p);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)send->len);
        resp.len = 0;
        double t0 = now();
        CURLcode rc = curl_easy_perform(h);
        double t1 = now();
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        if (rc == CURLE_OK && code >= 200 && code < 300) {
            L->lat_ms[id] = (t1 - t0) * 1e3;
            atomic_fetch_add(&L->ok, 1);
        } else {
            atomic_fetch_add(&L->errors, 1);
            if (!atomic_exchange(&L->error_shown, true))
                fprintf(stderr, "load: request %ld: %s, HTTP %ld: %.*s\n", id,
                        curl_easy_strerror(rc), code, (int)(resp.len > 600 ? 600 : resp.len),
                        resp.p ? resp.p : "");
        }
    }
    curl_easy_cleanup(h);
    curl_slist_free_all(hdr);
    free(resp.p);
    free(obj.p);
    free(req.p);
    return NULL;
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

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        fprintf(stderr, "load: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    sbuf_t b = {0};
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
        sb_add(&b, chunk, r);
    fclose(f);
    /* a trailing newline is not part of the object */
    while (b.len && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r'))
        b.p[--b.len] = 0;
    return b.p ? b.p : calloc(1, 1);
}

int main(int argc, char **argv)
{
    load_t L = {.n = 1000, .c = 64};
    const char *body_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "load: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--url"))
            L.url = v;
        else if (!strcmp(a, "--body"))
            body_file = v;
        else if (!strcmp(a, "--n"))
            L.n = atol(v);
        else if (!strcmp(a, "--c"))
            L.c = atol(v);
        else if (!strcmp(a, "--token"))
            L.token = v;
        else if (!strcmp(a, "--cacert"))
            L.cacert = v;
        else if (!strcmp(a, "--etcd-key"))
            L.etcd_key = v;
        else if (!strcmp(a, "--max-seconds"))
            L.max_seconds = atof(v);
        else {
            fprintf(stderr, "load: unknown flag %s\n", a);
            return 2;
        }
    }
    if (!L.url || !body_file || L.n <= 0 || L.c <= 0 || L.c > 4096) {
        fprintf(stderr, "usage: load --url URL --body FILE [--n N] [--c C] [--token T] "
                        "[--cacert F] [--etcd-key PREFIX] [--max-seconds S]\n");
        return 2;
    }
    L.body = slurp(body_file);
    L.lat_ms = xrealloc(NULL, sizeof(double) * L.n);
    for (long i = 0; i < L.n; i++)
        L.lat_ms[i] = NAN;
    curl_global_init(CURL_GLOBAL_ALL);

    pthread_t *th = xrealloc(NULL, sizeof(pthread_t) * L.c);
    L.start = now();
    for (long i = 0; i < L.c; i++)
        pthread_create(&th[i], NULL, worker, &L);
    for (long i = 0; i < L.c; i++)
        pthread_join(th[i], NULL);
    double secs = now() - L.start;

    long ok = atomic_load(&L.ok), m = 0;
    for (long i = 0; i < L.n; i++)
        if (!isnan(L.lat_ms[i]))
            L.lat_ms[m++] = L.lat_ms[i];
    qsort(L.lat_ms, m, sizeof(double), cmp_double);
    printf("ok=%ld errors=%ld seconds=%.3f rate=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f "
           "max_ms=%.2f\n",
           ok, atomic_load(&L.errors), secs, ok / secs, pct(L.lat_ms, m, 50), pct(L.lat_ms, m, 90),
           pct(L.lat_ms, m, 99), m ? L.lat_ms[m - 1] : NAN);
    free(th);
    free(L.lat_ms);
    free(L.body);
    curl_global_cleanup();
    return 0;
}
