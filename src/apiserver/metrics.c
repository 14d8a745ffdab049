/*
 * metrics: the API server's Prometheus /metrics endpoint. Dashboards and
 * alerts written for Kubernetes query apiserver_request_total,
 * apiserver_request_duration_seconds and friends by name and label, so the
 * families here keep upstream's names, label names and default buckets, and
 * render in the Prometheus text exposition format (0.0.4).
 *
 * Each family is a small hash map from label values to a series, all under
 * one mutex: an update is a hash, a few string compares and an increment,
 * with no allocation once a series exists. Rendering sorts series so output
 * is stable. Process metrics are read from /proc at render time.
 */
#include "apiserver/internal.h"

#include <math.h>
#include <pthread.h>
#include <sys/resource.h>
#include <dirent.h>

/* Upstream's apiserver_request_duration_seconds (and etcd latency) buckets. */
static const double duration_buckets[] = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8,
                                          1.0,   1.25,  1.5,  2,   3,   4,   5,   6,
                                          8,     10,    15,   20,  30,  45,  60};

typedef enum { KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM } kind_t;

#define MAX_LABELS 8

typedef struct series {
    struct series *next; /* hash chain */
    uint64_t hash;
    char *values[MAX_LABELS];
    uint64_t count; /* counter value, or histogram observation count */
    int64_t gauge;
    double sum; /* histogram */
    uint64_t *buckets; /* histogram, per bucket (not cumulative) */
} series_t;

/* What a family is; fixed at compile time. */
typedef struct family_def {
    const char *name;
    const char *help;
    kind_t kind;
    const char *labels[MAX_LABELS]; /* sorted by name, as Prometheus clients print them */
    size_t nlabels;
} family_def_t;

typedef struct family {
    const family_def_t *def;
    series_t **table;
    size_t cap; /* power of two */
    size_t len;
} family_t;

enum { F_REQUESTS, F_DURATION, F_STORE, F_WATCHERS, F_LONGRUNNING, F_COUNT };

struct cube_metrics {
    pthread_mutex_t mu;
    family_t fam[F_COUNT];
    double created; /* fallback for process_start_time_seconds */
};

static const family_def_t defs[F_COUNT] = {
    [F_REQUESTS] = {.name = "apiserver_request_total",
                    .help = "API requests served, by verb, resource and HTTP status code.",
                    .kind = KIND_COUNTER,
                    .labels = {"code", "component", "group", "resource", "scope", "subresource",
                               "verb", "version"},
                    .nlabels = 8},
    [F_DURATION] = {.name = "apiserver_request_duration_seconds",
                    .help = "Time taken to answer API requests, in seconds, by verb and resource.",
                    .kind = KIND_HISTOGRAM,
                    .labels = {"component", "group", "resource", "scope", "subresource", "verb",
                               "version"},
                    .nlabels = 7},
    [F_STORE] = {.name = "etcd_request_duration_seconds",
                 .help = "Time taken by storage operations, in seconds, by operation and type.",
                 .kind = KIND_HISTOGRAM,
                 .labels = {"operation", "type"},
                 .nlabels = 2},
    [F_WATCHERS] = {.name = "apiserver_registered_watchers",
                    .help = "Watches currently open, by resource.",
                    .kind = KIND_GAUGE,
                    .labels = {"group", "resource", "version"},
                    .nlabels = 3},
    [F_LONGRUNNING] = {.name = "apiserver_longrunning_requests",
                       .help = "Long-running requests (watches) currently open, by verb and "
                               "resource.",
                       .kind = KIND_GAUGE,
                       .labels = {"component", "group", "resource", "verb", "version"},
                       .nlabels = 5},
};

static double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

cube_metrics_t *cube_metrics_new(void)
{
    cube_metrics_t *m = xcalloc(1, sizeof(*m));
    pthread_mutex_init(&m->mu, NULL);
    for (size_t i = 0; i < F_COUNT; i++) {
        m->fam[i].def = &defs[i];
        m->fam[i].cap = 64;
        m->fam[i].table = xcalloc(m->fam[i].cap, sizeof(series_t *));
    }
    m->created = now_wall();
    return m;
}

void cube_metrics_free(cube_metrics_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < F_COUNT; i++) {
        family_t *f = &m->fam[i];
        for (size_t b = 0; b < f->cap; b++) {
            for (series_t *s = f->table[b], *next; s; s = next) {
                next = s->next;
                for (size_t l = 0; l < f->def->nlabels; l++)
                    free(s->values[l]);
                free(s->buckets);
                free(s);
            }
        }
        free(f->table);
    }
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static uint64_t hash_values(const char *const *values, size_t n)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        for (const char *p = values[i]; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL; /* separator: 0xff never occurs in UTF-8 */
    }
    return h;
}

static void grow(family_t *f)
{
    size_t cap = f->cap * 2;
    series_t **table = xcalloc(cap, sizeof(series_t *));
    for (size_t b = 0; b < f->cap; b++) {
        for (series_t *s = f->table[b], *next; s; s = next) {
            next = s->next;
            s->next = table[s->hash & (cap - 1)];
            table[s->hash & (cap - 1)] = s;
        }
    }
    free(f->table);
    f->table = table;
    f->cap = cap;
}

/* The series for these label values (NULL values count as ""), created if new. Lock held. */
static series_t *lookup(family_t *f, const char *const *in)
{
    const char *values[MAX_LABELS];
    for (size_t i = 0; i < f->def->nlabels; i++)
        values[i] = in[i] ? in[i] : "";
    uint64_t h = hash_values(values, f->def->nlabels);
    for (series_t *s = f->table[h & (f->cap - 1)]; s; s = s->next) {
        if (s->hash != h)
            continue;
        size_t i = 0;
        while (i < f->def->nlabels && !strcmp(s->values[i], values[i]))
            i++;
        if (i == f->def->nlabels)
            return s;
    }
    if (f->len + 1 > f->cap * 3 / 4)
        grow(f);
    series_t *s = xcalloc(1, sizeof(*s));
    s->hash = h;
    for (size_t i = 0; i < f->def->nlabels; i++)
        s->values[i] = xstrdup(values[i]);
    if (f->def->kind == KIND_HISTOGRAM)
        s->buckets = xcalloc(CUBE_ARRAY_SIZE(duration_buckets), sizeof(uint64_t));
    s->next = f->table[h & (f->cap - 1)];
    f->table[h & (f->cap - 1)] = s;
    f->len++;
    return s;
}

static void observe(series_t *s, double v)
{
    size_t i = 0;
    while (i < CUBE_ARRAY_SIZE(duration_buckets) && v > duration_buckets[i])
        i++;
    if (i < CUBE_ARRAY_SIZE(duration_buckets))
        s->buckets[i]++;
    s->count++;
    s->sum += v;
}

void cube_metrics_request(cube_metrics_t *m, const char *verb, const char *group,
                          const char *version, const char *resource, const char *subresource,
                          const char *scope, int code, double seconds)
{
    char codestr[16];
    snprintf(codestr, sizeof(codestr), "%d", code);
    /* label order follows defs: sorted by label name */
    const char *total[] = {codestr, "apiserver", group, resource,
                           scope,   subresource, verb,  version};
    const char *dur[] = {"apiserver", group, resource, scope, subresource, verb, version};
    pthread_mutex_lock(&m->mu);
    lookup(&m->fam[F_REQUESTS], total)->count++;
    observe(lookup(&m->fam[F_DURATION], dur), seconds);
    pthread_mutex_unlock(&m->mu);
}

void cube_metrics_store(cube_metrics_t *m, const char *operation, const char *type, double seconds)
{
    const char *v[] = {operation, type};
    pthread_mutex_lock(&m->mu);
    observe(lookup(&m->fam[F_STORE], v), seconds);
    pthread_mutex_unlock(&m->mu);
}

void cube_metrics_watchers_add(cube_metrics_t *m, const char *group, const char *version,
                               const char *resource, int delta)
{
    const char *w[] = {group, resource, version};
    const char *l[] = {"apiserver", group, resource, "WATCH", version};
    pthread_mutex_lock(&m->mu);
    lookup(&m->fam[F_WATCHERS], w)->gauge += delta;
    lookup(&m->fam[F_LONGRUNNING], l)->gauge += delta;
    pthread_mutex_unlock(&m->mu);
}

/* ---- rendering ---------------------------------------------------------- */

/* Shortest text that reads back as the same double, as Go's FormatFloat(v, 'g', -1). */
static void put_float(cube_buf_t *b, double v)
{
    if (isnan(v)) {
        cube_buf_puts(b, "NaN");
        return;
    }
    if (isinf(v)) {
        cube_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    /* shortest round-tripping digit count, then Go's choice of %e or %f */
    char s[64];
    int prec = cube_shortest_digits(v);
    snprintf(s, sizeof(s), "%.*e", prec - 1, v);
    int exp = atoi(strchr(s, 'e') + 1);
    if (exp >= -4 && exp < 21)
        snprintf(s, sizeof(s), "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, v);
    cube_buf_puts(b, s);
}

static void put_escaped(cube_buf_t *b, const char *s, bool quotes)
{
    for (; *s; s++) {
        if (*s == '\\')
            cube_buf_puts(b, "\\\\");
        else if (*s == '\n')
            cube_buf_puts(b, "\\n");
        else if (*s == '"' && quotes)
            cube_buf_puts(b, "\\\"");
        else
            cube_buf_putc(b, *s);
    }
}

/* "{a="x",b="y"" (no closing brace: a histogram adds le). */
static void put_labels_open(cube_buf_t *b, const family_t *f, const series_t *s)
{
    cube_buf_putc(b, '{');
    for (size_t i = 0; i < f->def->nlabels; i++) {
        cube_buf_printf(b, "%s%s=\"", i ? "," : "", f->def->labels[i]);
        put_escaped(b, s->values[i], true);
        cube_buf_putc(b, '"');
    }
}

static void put_header(cube_buf_t *b, const char *name, const char *help, const char *type)
{
    cube_buf_printf(b, "# HELP %s ", name);
    put_escaped(b, help, false);
    cube_buf_printf(b, "\n# TYPE %s %s\n", name, type);
}

static int cmp_series(const void *a, const void *b, void *arg)
{
    const series_t *x = *(series_t *const *)a, *y = *(series_t *const *)b;
    size_t n = *(const size_t *)arg;
    for (size_t i = 0; i < n; i++) {
        int c = strcmp(x->values[i], y->values[i]);
        if (c)
            return c;
    }
    return 0;
}

static void render_family(cube_buf_t *b, const family_t *f)
{
    static const char *const types[] = {"counter", "gauge", "histogram"};
    put_header(b, f->def->name, f->def->help, types[f->def->kind]);
    if (!f->len)
        return;
    series_t **all = xmalloc(f->len * sizeof(*all));
    size_t n = 0;
    for (size_t i = 0; i < f->cap; i++)
        for (series_t *s = f->table[i]; s; s = s->next)
            all[n++] = s;
    size_t nl = f->def->nlabels;
    qsort_r(all, n, sizeof(*all), cmp_series, &nl);
    for (size_t i = 0; i < n; i++) {
        const series_t *s = all[i];
        switch (f->def->kind) {
        case KIND_COUNTER:
            cube_buf_puts(b, f->def->name);
            put_labels_open(b, f, s);
            cube_buf_printf(b, "} %llu\n", (unsigned long long)s->count);
            break;
        case KIND_GAUGE:
            cube_buf_puts(b, f->def->name);
            put_labels_open(b, f, s);
            cube_buf_printf(b, "} %lld\n", (long long)s->gauge);
            break;
        case KIND_HISTOGRAM: {
            uint64_t cum = 0;
            for (size_t k = 0; k <= CUBE_ARRAY_SIZE(duration_buckets); k++) {
                bool inf = k == CUBE_ARRAY_SIZE(duration_buckets);
                cum = inf ? s->count : cum + s->buckets[k];
                cube_buf_printf(b, "%s_bucket", f->def->name);
                put_labels_open(b, f, s);
                cube_buf_puts(b, ",le=\"");
                put_float(b, inf ? INFINITY : duration_buckets[k]);
                cube_buf_printf(b, "\"} %llu\n", (unsigned long long)cum);
            }
            cube_buf_printf(b, "%s_sum", f->def->name);
            put_labels_open(b, f, s);
            cube_buf_puts(b, "} ");
            put_float(b, s->sum);
            cube_buf_printf(b, "\n%s_count", f->def->name);
            put_labels_open(b, f, s);
            cube_buf_printf(b, "} %llu\n", (unsigned long long)s->count);
            break;
        }
        }
    }
    free(all);
}

/* Process start, in Unix seconds, from /proc (field 22 of stat and the boot time). */
static double process_start(const cube_metrics_t *m)
{
    _cleanup_free_ char *stat = NULL, *sys = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_file_read("/proc/self/stat", &stat, NULL, &err) < 0 ||
        cube_file_read("/proc/stat", &sys, NULL, &err) < 0)
        return m->created;
    const char *p = strrchr(stat, ')');
    const char *bt = strstr(sys, "\nbtime ");
    long hz = sysconf(_SC_CLK_TCK);
    if (!p || !bt || hz <= 0)
        return m->created;
    /* after ")": field 3 (state) ... field 22 (starttime) */
    p++;
    for (int field = 3; field <= 22; field++) {
        p += strspn(p, " ");
        if (field == 22)
            break;
        p += strcspn(p, " ");
    }
    unsigned long long ticks = strtoull(p, NULL, 10);
    unsigned long long boot = strtoull(bt + 7, NULL, 10);
    return (double)boot + (double)ticks / (double)hz;
}

static long long resident_bytes(void)
{
    _cleanup_free_ char *statm = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_file_read("/proc/self/statm", &statm, NULL, &err) < 0)
        return 0;
    unsigned long long size = 0, resident = 0;
    if (sscanf(statm, "%llu %llu", &size, &resident) != 2)
        return 0;
    return (long long)resident * sysconf(_SC_PAGESIZE);
}

static long open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return 0;
    long n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory stream's own fd */
}

static void render_process(cube_buf_t *b, const cube_metrics_t *m)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    put_header(b, "process_cpu_seconds_total",
               "CPU time used by the process (user plus system), in seconds.", "counter");
    cube_buf_puts(b, "process_cpu_seconds_total ");
    put_float(b, cpu);
    cube_buf_putc(b, '\n');
    put_header(b, "process_open_fds", "File descriptors the process has open.", "gauge");
    cube_buf_printf(b, "process_open_fds %ld\n", open_fds());
    put_header(b, "process_resident_memory_bytes", "Memory the process has resident, in bytes.",
               "gauge");
    cube_buf_printf(b, "process_resident_memory_bytes %lld\n", resident_bytes());
    put_header(b, "process_start_time_seconds",
               "When the process started, in seconds since the Unix epoch.", "gauge");
    cube_buf_puts(b, "process_start_time_seconds ");
    put_float(b, process_start(m));
    cube_buf_putc(b, '\n');
}

cube_bytes_t *cube_metrics_render(cube_metrics_t *m)
{
    cube_buf_t b = CUBE_BUF_INIT;
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < F_COUNT; i++)
        render_family(&b, &m->fam[i]);
    pthread_mutex_unlock(&m->mu);
    render_process(&b, m);
    return cube_bytes_from_buf(&b);
}
