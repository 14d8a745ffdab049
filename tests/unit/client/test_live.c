/*
 * Tests of src/client against a live `cube apiserver` (found through $CUBE, started once for
 * the whole file on a free port in a temporary data dir, killed by PID at the end): REST
 * errors and paging, watch, informers, leader election and events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "client/client.h"

typedef struct fixture {
    pid_t pid;
    char dir[64];
    char kubeconfig[128];
    char port[16];
    cube_client_t *c;
} fixture_t;

static fixture_t fx;

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static int teardown_server(void **state);

/* Starts `cube apiserver` on fx.port over fx.dir; history: --watch-cache-events, or NULL. */
static void spawn(const char *history)
{
    const char *cube = getenv("CUBE");
    fx.pid = fork();
    if (fx.pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlives a crashed test */
        char logp[128];
        snprintf(logp, sizeof(logp), "%s/apiserver.log", fx.dir);
        int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(cube, cube, "apiserver", "--config", "/dev/null", "--data-dir", fx.dir,
              "--secure-port", fx.port, "--bind-address", "127.0.0.1",
              history ? "--watch-cache-events" : (char *)NULL, history, (char *)NULL);
        _exit(127);
    }
}

/* Waits until the server answers /readyz (fx.c created on the way). */
static int wait_ready(void)
{
    for (int i = 0; i < 300; i++) { /* up to 30 s */
        if (access(fx.kubeconfig, R_OK) == 0) {
            cube_err_t err = CUBE_ERR_INIT;
            if (!fx.c && cube_client_from_kubeconfig(fx.kubeconfig, "client-test", &fx.c, &err) < 0)
                fprintf(stderr, "client: %s\n", err.msg);
            cube_err_clear(&err);
            if (fx.c && cube_client_request(fx.c, "GET", "/readyz", NULL, NULL, NULL, &err) == 0)
                return 0;
            cube_err_clear(&err);
        }
        int st;
        if (waitpid(fx.pid, &st, WNOHANG) == fx.pid) {
            fprintf(stderr, "test_live: cube apiserver exited early (status %d)\n", st);
            fx.pid = -1; /* teardown removes the directory only */
            return -1;
        }
        usleep(100000);
    }
    fprintf(stderr, "test_live: cube apiserver not ready after 30 s\n");
    return -1;
}

static void stop_process(void)
{
    kill(fx.pid, SIGTERM);
    int st;
    for (int i = 0; i < 50 && waitpid(fx.pid, &st, WNOHANG) == 0; i++)
        usleep(100000);
    kill(fx.pid, SIGKILL);
    waitpid(fx.pid, &st, 0);
}

static int setup_server(void **state)
{
    const char *cube = getenv("CUBE");
    if (!cube || !*cube) {
        fprintf(stderr, "test_live: skipped: set CUBE to the cube binary (make check does)\n");
        return 0;
    }
    snprintf(fx.dir, sizeof(fx.dir), "/tmp/cube-client-test.XXXXXX");
    if (!mkdtemp(fx.dir))
        return -1;
    snprintf(fx.kubeconfig, sizeof(fx.kubeconfig), "%s/admin.kubeconfig", fx.dir);
    snprintf(fx.port, sizeof(fx.port), "%d", free_port());
    spawn(NULL);
    if (wait_ready() < 0) {
        teardown_server(state);
        return -1;
    }
    return 0;
}

static int teardown_server(void **state)
{
    cube_client_free(fx.c);
    fx.c = NULL;
    if (fx.pid > 0)
        stop_process();
    if (fx.pid != 0) {
        fx.pid = 0;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", fx.dir);
    }
    return 0;
}

#define NEED_SERVER()                                                                              \
    do {                                                                                           \
        if (!fx.c)                                                                                 \
            skip();                                                                                \
    } while (0)

static const cube_resource_t *res(const char *group, const char *plural)
{
    const cube_resource_t *r = cube_api_resource_find(group, group[0] ? "v1" : "v1", plural);
    assert_non_null(r);
    return r;
}

static json_t *configmap(const char *ns, const char *name, const char *value)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:{s:s}}", "apiVersion", "v1", "kind",
                     "ConfigMap", "metadata", "name", name, "namespace", ns, "labels", "app",
                     "client-test", "data", "k", value);
}

static void create_ns(const char *name)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
                                "metadata", "name", name);
    assert_int_equal(cube_client_create(fx.c, res("", "namespaces"), NULL, ns, NULL, &err), 0);
}

/* ---- REST --------------------------------------------------------------- */

static void test_rest_crud_and_errors(void **state)
{
    NEED_SERVER();
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const cube_resource_t *cm = res("", "configmaps");
    create_ns("rest");

    json_t *got = NULL;
    assert_int_equal(cube_client_get(fx.c, cm, "rest", "nope", &got, &err), -1);
    assert_null(got);
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
    assert_string_equal(err.msg, "configmaps \"nope\" not found");
    assert_non_null(err.details);
    assert_string_equal(cube_json_str(err.details, "name", NULL), "nope");
    cube_err_clear(&err);

    json_auto_t *obj = configmap("rest", "one", "v1");
    json_auto_t *created = NULL;
    assert_int_equal(cube_client_create(fx.c, cm, NULL, obj, &created, &err), 0);
    const char *rv = cube_json_str(created, "metadata", "resourceVersion", NULL);
    assert_non_null(rv);
    assert_non_null(cube_json_str(created, "metadata", "uid", NULL));

    assert_int_equal(cube_client_create(fx.c, cm, "rest", obj, NULL, &err), -1);
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "AlreadyExists");
    cube_err_clear(&err);

    /* update with the current resourceVersion, then a stale one */
    json_auto_t *upd = json_deep_copy(created);
    json_object_set_new(json_object_get(upd, "data"), "k", json_string("v2"));
    json_auto_t *updated = NULL;
    assert_int_equal(cube_client_update(fx.c, cm, upd, NULL, &updated, &err), 0);
    assert_string_equal(cube_json_str(updated, "data", "k", NULL), "v2");
    assert_int_equal(cube_client_update(fx.c, cm, upd, NULL, NULL, &err), -1);
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "Conflict");
    cube_err_clear(&err);

    /* merge patch and JSON patch */
    json_auto_t *mp = json_pack("{s:{s:s}}", "data", "m", "merged");
    json_auto_t *patched = NULL;
    assert_int_equal(cube_client_patch(fx.c, cm, "rest", "one", "application/merge-patch+json", mp,
                                       NULL, &patched, &err),
                     0);
    assert_string_equal(cube_json_str(patched, "data", "m", NULL), "merged");
    assert_string_equal(cube_json_str(patched, "data", "k", NULL), "v2");
    json_auto_t *jp = json_pack("[{s:s, s:s}]", "op", "remove", "path", "/data/k");
    json_decref(patched);
    patched = NULL;
    assert_int_equal(cube_client_patch(fx.c, cm, "rest", "one", "application/json-patch+json", jp,
                                       NULL, &patched, &err),
                     0);
    assert_null(cube_json_str(patched, "data", "k", NULL));

    /* get, delete, delete again */
    json_auto_t *again = NULL;
    assert_int_equal(cube_client_get(fx.c, cm, "rest", "one", &again, &err), 0);
    assert_string_equal(cube_json_str(again, "data", "m", NULL), "merged");
    assert_int_equal(cube_client_delete(fx.c, cm, "rest", "one", NULL, &err), 0);
    assert_int_equal(cube_client_delete(fx.c, cm, "rest", "one", NULL, &err), -1);
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
    cube_err_clear(&err);

    /* a body the server refuses: Invalid with causes */
    json_auto_t *bad = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "ConfigMap",
                                 "metadata", "name", "Bad_Name");
    assert_int_equal(cube_client_create(fx.c, cm, "rest", bad, NULL, &err), -1);
    assert_int_equal(err.code, 422);
    assert_string_equal(err.reason, "Invalid");
    cube_err_clear(&err);
}

static void test_rest_paths(void **state)
{
    char *p = cube_client_path(res("", "pods"), "ns1", "p", "status");
    assert_string_equal(p, "/api/v1/namespaces/ns1/pods/p/status");
    free(p);
    p = cube_client_path(res("", "pods"), NULL, NULL, NULL);
    assert_string_equal(p, "/api/v1/pods");
    free(p);
    p = cube_client_path(res("", "nodes"), "ignored", "n1", NULL);
    assert_string_equal(p, "/api/v1/nodes/n1");
    free(p);
    p = cube_client_path(res("apps", "deployments"), "d", NULL, NULL);
    assert_string_equal(p, "/apis/apps/v1/namespaces/d/deployments");
    free(p);
}

static void test_rest_qps_and_token(void **state)
{
    NEED_SERVER();
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_client_config_t cfg = {0};
    assert_int_equal(cube_client_config_load(fx.kubeconfig, &cfg, &err), 0);
    cfg.qps = 20;
    cfg.burst = 2;
    cube_client_t *c = NULL;
    assert_int_equal(cube_client_new(&cfg, &c, &err), 0);
    uint64_t t0 = cube_time_mono_ns();
    for (int i = 0; i < 6; i++)
        assert_int_equal(cube_client_request(c, "GET", "/version", NULL, NULL, NULL, &err), 0);
    /* 2 at once, then one every 50 ms */
    assert_true(cube_time_mono_ns() - t0 >= 190000000ull);
    cube_client_free(c);

    /* a bearer token from a file instead of the certificate: the server refuses it */
    char tf[160];
    snprintf(tf, sizeof(tf), "%s/token", fx.dir);
    FILE *f = fopen(tf, "we");
    assert_non_null(f);
    fputs("not-a-valid-token\n", f);
    fclose(f);
    free(cfg.cert_pem);
    free(cfg.key_pem);
    cfg.cert_pem = cfg.key_pem = NULL;
    cfg.qps = 0;
    cfg.token_file = xstrdup(tf);
    assert_int_equal(cube_client_new(&cfg, &c, &err), 0);
    assert_int_equal(cube_client_request(c, "GET", "/api/v1/namespaces", NULL, NULL, NULL, &err),
                     -1);
    assert_int_equal(err.code, 401);
    assert_string_equal(err.reason, "Unauthorized");
    cube_err_clear(&err);
    cube_client_free(c);
    cube_client_config_clear(&cfg);
}

static void test_rest_list_pages(void **state)
{
    NEED_SERVER();
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const cube_resource_t *cm = res("", "configmaps");
    create_ns("paging");
    char name[32];
    for (int i = 0; i < 1203; i++) {
        snprintf(name, sizeof(name), "cm-%04d", i);
        json_auto_t *o = configmap("paging", name, "x");
        if (i % 2)
            json_object_set_new(cube_json_path(o, "metadata", "labels", NULL), "odd",
                                json_string("yes"));
        assert_int_equal(cube_client_create(fx.c, cm, NULL, o, NULL, &err), 0);
    }
    json_auto_t *list = NULL;
    assert_int_equal(cube_client_list(fx.c, cm, "paging", NULL, NULL, &list, &err), 0);
    assert_string_equal(cube_json_str(list, "kind", NULL), "ConfigMapList");
    json_t *items = json_object_get(list, "items");
    assert_int_equal(json_array_size(items), 1203);
    assert_string_equal(cube_json_str(json_array_get(items, 1202), "metadata", "name", NULL),
                        "cm-1202");
    assert_null(cube_json_path(list, "metadata", "continue", NULL));
    assert_non_null(cube_json_str(list, "metadata", "resourceVersion", NULL));

    json_auto_t *odd = NULL;
    assert_int_equal(
        cube_client_list(fx.c, cm, "paging", "odd=yes,app in (client-test)", NULL, &odd, &err), 0);
    assert_int_equal(json_array_size(json_object_get(odd, "items")), 601);
    json_auto_t *one = NULL;
    assert_int_equal(
        cube_client_list(fx.c, cm, "paging", NULL, "metadata.name=cm-0007", &one, &err), 0);
    assert_int_equal(json_array_size(json_object_get(one, "items")), 1);
}

static void test_rest_connection_error(void **state)
{
    cube_client_config_t cfg = {.server = (char *)"https://127.0.0.1:1", .insecure = true};
    cube_client_t *c = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_client_new(&cfg, &c, &err), 0);
    assert_int_equal(cube_client_request(c, "POST", "/api", NULL, NULL, NULL, &err), -1);
    assert_int_equal(err.code, 0);
    assert_non_null(strstr(err.msg, "127.0.0.1:1"));
    cube_client_free(c);
}

typedef struct watch_log {
    int added, modified, deleted, other;
    char last_name[64];
    int stop_after;
} watch_log_t;

static int on_event(const char *type, json_t *obj, void *ud)
{
    watch_log_t *w = ud;
    if (!strcmp(type, "ADDED"))
        w->added++;
    else if (!strcmp(type, "MODIFIED"))
        w->modified++;
    else if (!strcmp(type, "DELETED"))
        w->deleted++;
    else
        w->other++;
    const char *n = cube_json_str(obj, "metadata", "name", NULL);
    snprintf(w->last_name, sizeof(w->last_name), "%s", n ? n : "");
    return w->stop_after && w->added + w->modified + w->deleted >= w->stop_after;
}

typedef struct watch_thread {
    atomic_bool stop;
    watch_log_t log;
    int rc;
    char path[256];
} watch_thread_t;

static void *watch_main(void *arg)
{
    watch_thread_t *t = arg;
    cube_err_t err = CUBE_ERR_INIT;
    t->rc = cube_client_watch(fx.c, t->path, on_event, &t->log, &t->stop, &err);
    cube_err_clear(&err);
    return NULL;
}

static void test_watch_events_and_stop(void **state)
{
    NEED_SERVER();
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const cube_resource_t *cm = res("", "configmaps");
    create_ns("watch");
    json_auto_t *list = NULL;
    assert_int_equal(cube_client_list(fx.c, cm, "watch", NULL, NULL, &list, &err), 0);
    watch_thread_t *t = calloc(1, sizeof(*t));
    snprintf(t->path, sizeof(t->path),
             "/api/v1/namespaces/watch/configmaps?resourceVersion=%s&allowWatchBookmarks=true",
             cube_json_str(list, "metadata", "resourceVersion", NULL));
    pthread_t th;
    pthread_create(&th, NULL, watch_main, t);
    json_auto_t *o = configmap("watch", "w1", "a");
    assert_int_equal(cube_client_create(fx.c, cm, NULL, o, NULL, &err), 0);
    json_auto_t *mp = json_pack("{s:{s:s}}", "data", "k", "b");
    assert_int_equal(cube_client_patch(fx.c, cm, "watch", "w1", NULL, mp, NULL, NULL, &err), 0);
    assert_int_equal(cube_client_delete(fx.c, cm, "watch", "w1", NULL, &err), 0);
    usleep(500000);
    uint64_t t0 = cube_time_mono_ns();
    atomic_store(&t->stop, true);
    pthread_join(th, NULL);
    /* the stop flag is noticed within about a second */
    assert_true(cube_time_mono_ns() - t0 < 2500000000ull);
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->log.added, 1);
    assert_int_equal(t->log.modified, 1);
    assert_int_equal(t->log.deleted, 1);
    assert_string_equal(t->log.last_name, "w1");
    free(t);

    /* fn returning non-zero ends the watch (replay from the list's revision) */
    watch_log_t wl = {.stop_after = 2};
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/namespaces/watch/configmaps?resourceVersion=%s",
             cube_json_str(list, "metadata", "resourceVersion", NULL));
    assert_int_equal(cube_client_watch(fx.c, path, on_event, &wl, NULL, &err), 0);
    assert_int_equal(wl.added + wl.modified, 2);

    /* timeoutSeconds: the server ends the stream, the watch returns 0 */
    watch_log_t w2 = {0};
    assert_int_equal(cube_client_watch(fx.c, "/api/v1/namespaces/watch/configmaps?timeoutSeconds=1",
                                       on_event, &w2, NULL, &err),
                     0);

    /* an error status before the stream starts */
    assert_int_equal(cube_client_watch(fx.c, "/api/v1/nosuchthings", on_event, &w2, NULL, &err),
                     -1);
    assert_int_equal(err.code, 404);
    cube_err_clear(&err);
}

/* ---- informers ---------------------------------------------------------- */

typedef struct counts {
    atomic_int adds, updates, deletes;
} counts_t;

static void c_add(json_t *obj, void *ud)
{
    atomic_fetch_add(&((counts_t *)ud)->adds, 1);
}

static void c_update(json_t *old, json_t *obj, void *ud)
{
    atomic_fetch_add(&((counts_t *)ud)->updates, 1);
}

static void c_delete(json_t *obj, void *ud)
{
    atomic_fetch_add(&((counts_t *)ud)->deletes, 1);
}

static bool wait_for(atomic_int *v, int want, int ms)
{
    for (int i = 0; i < ms / 10; i++) {
        if (atomic_load(v) >= want)
            return true;
        usleep(10000);
    }
    return atomic_load(v) >= want;
}

static json_t *pod(const char *ns, const char *name, const char *node)
{
    json_t *p = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:[{s:s, s:s}]}}", "apiVersion", "v1",
                          "kind", "Pod", "metadata", "name", name, "namespace", ns, "spec",
                          "containers", "name", "c", "image", "busybox");
    if (node)
        json_object_set_new(json_object_get(p, "spec"), "nodeName", json_string(node));
    return p;
}

static void test_informer_sync_and_events(void **state)
{
    NEED_SERVER();
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const cube_resource_t *pr = res("", "pods");
    create_ns("inf");
    char name[32];
    for (int i = 0; i < 620; i++) { /* more than one page */
        snprintf(name, sizeof(name), "p%03d", i);
        json_auto_t *p = pod("inf", name, i % 2 ? "node-a" : "node-b");
        assert_int_equal(cube_client_create(fx.c, pr, NULL, p, NULL, &err), 0);
    }
    cube_informers_t *f = cube_informers_new(fx.c, 0);
    cube_informer_t *inf = cube_informers_get(f, pr, NULL);
    cube_informer_t *on_a = cube_informers_get(f, pr, "spec.nodeName=node-a");
    cube_informer_add_index(inf, "node", cube_index_node_name);
    counts_t cnt = {0}, cnt_a = {0};
    cube_informer_handlers_t h = {c_add, c_update, c_delete, &cnt};
    cube_informer_handlers_t ha = {c_add, c_update, c_delete, &cnt_a};
    cube_informer_add_handlers(inf, &h);
    cube_informer_add_handlers(on_a, &ha);
    cube_informers_start(f);
    assert_int_equal(cube_informers_wait_synced(f, 10000), 0);
    assert_true(cube_informer_synced(inf));
    assert_int_equal(atomic_load(&cnt.adds), 620);
    assert_int_equal(atomic_load(&cnt_a.adds), 310);
    json_t **objs;
    size_t n = cube_informer_by_index(inf, "node", "node-b", &objs);
    assert_int_equal(n, 310);
    assert_string_equal(cube_json_str(objs[0], "kind", NULL), "Pod");
    cube_json_refs_free(objs, n);

    /* watch: add, update, delete reach the handlers and the cache */
    json_auto_t *p = pod("inf", "late", "node-a");
    assert_int_equal(cube_client_create(fx.c, pr, NULL, p, NULL, &err), 0);
    assert_true(wait_for(&cnt.adds, 621, 5000));
    assert_true(wait_for(&cnt_a.adds, 311, 5000));
    json_auto_t *mp = json_pack("{s:{s:{s:s}}}", "metadata", "labels", "x", "y");
    assert_int_equal(cube_client_patch(fx.c, pr, "inf", "late", NULL, mp, NULL, NULL, &err), 0);
    assert_true(wait_for(&cnt.updates, 1, 5000));
    json_t *got = cube_informer_get(inf, "inf", "late");
    assert_non_null(got);
    assert_string_equal(cube_json_str(got, "metadata", "labels", "x", NULL), "y");
    json_decref(got);
    json_auto_t *grace = json_pack("{s:i}", "gracePeriodSeconds", 0);
    assert_int_equal(cube_client_delete(fx.c, pr, "inf", "late", grace, &err), 0);
    assert_true(wait_for(&cnt.deletes, 1, 5000));
    got = cube_informer_get(inf, "inf", "late");
    assert_null(got);

    /* a handler added after start gets the cached objects as adds */
    counts_t late = {0};
    cube_informer_handlers_t hl = {c_add, NULL, NULL, &late};
    cube_informer_add_handlers(inf, &hl);
    assert_int_equal(atomic_load(&late.adds), 620);
    /* an informer created after start starts at once */
    cube_informer_t *ns_inf = cube_informers_get(f, res("", "namespaces"), NULL);
    assert_int_equal(cube_informers_wait_synced(f, 10000), 0);
    got = cube_informer_get(ns_inf, NULL, "inf");
    assert_non_null(got);
    json_decref(got);
    uint64_t t0 = cube_time_mono_ns();
    cube_informers_free(f);
    assert_true(cube_time_mono_ns() - t0 < 3000000000ull);
}

static void test_informer_resync(void **state)
{
    NEED_SERVER();
    cube_informers_t *f = cube_informers_new(fx.c, 1);
    cube_informer_t *inf = cube_informers_get(f, res("", "namespaces"), NULL);
    counts_t cnt = {0};
    cube_informer_handlers_t h = {c_add, c_update, c_delete, &cnt};
    cube_informer_add_handlers(inf, &h);
    cube_informers_start(f);
    assert_int_equal(cube_informers_wait_synced(f, 10000), 0);
    int nns = atomic_load(&cnt.adds);
    assert_true(nns >= 4);
    /* two resyncs: every cached object delivered as an update each time */
    assert_true(wait_for(&cnt.updates, 2 * nns, 5000));
    cube_informers_free(f);
}

/* ---- leader election ---------------------------------------------------- */

typedef struct candidate {
    const char *id;
    atomic_bool stop;
    atomic_int started, stopped;
    atomic_bool leading;
    cube_leader_config_t cfg;
    pthread_t th;
    int rc;
} candidate_t;

static atomic_int leaders_now;
static atomic_bool two_leaders;

static void lead_started(void *ud)
{
    candidate_t *c = ud;
    if (atomic_fetch_add(&leaders_now, 1) != 0)
        atomic_store(&two_leaders, true);
    atomic_store(&c->leading, true);
    atomic_fetch_add(&c->started, 1);
}

static void lead_stopped(void *ud)
{
    candidate_t *c = ud;
    atomic_store(&c->leading, false);
    atomic_fetch_sub(&leaders_now, 1);
    atomic_fetch_add(&c->stopped, 1);
}

static void *candidate_main(void *arg)
{
    candidate_t *c = arg;
    cube_err_t err = CUBE_ERR_INIT;
    c->rc = cube_leader_run(fx.c, &c->cfg, &c->stop, &err);
    cube_err_clear(&err);
    return NULL;
}

static void candidate_start(candidate_t *c, const char *id)
{
    c->id = id;
    c->cfg = (cube_leader_config_t){.ns = "kube-system",
                                    .name = "client-test",
                                    .identity = id,
                                    .lease_sec = 4,
                                    .renew_deadline_sec = 3,
                                    .retry_sec = 1,
                                    .on_started = lead_started,
                                    .on_stopped = lead_stopped,
                                    .userdata = c};
    pthread_create(&c->th, NULL, candidate_main, c);
}

static void test_leader_election_handover(void **state)
{
    NEED_SERVER();
    candidate_t *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
    candidate_start(a, "cand-a");
    usleep(300000);
    candidate_start(b, "cand-b");
    /* exactly one leads, for several renew periods */
    for (int i = 0; i < 30; i++) {
        usleep(100000);
        assert_false(atomic_load(&two_leaders));
    }
    assert_true(wait_for(&leaders_now, 1, 3000));
    candidate_t *lead = atomic_load(&a->leading) ? a : b, *other = lead == a ? b : a;
    assert_true(atomic_load(&lead->leading));
    assert_false(atomic_load(&other->leading));
    assert_int_equal(atomic_load(&other->started), 0);

    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *lease = NULL;
    const cube_resource_t *lr = res("coordination.k8s.io", "leases");
    assert_int_equal(cube_client_get(fx.c, lr, "kube-system", "client-test", &lease, &err), 0);
    assert_string_equal(cube_json_str(lease, "spec", "holderIdentity", NULL), lead->id);
    assert_int_equal(
        json_integer_value(cube_json_path(lease, "spec", "leaseDurationSeconds", NULL)), 4);
    const char *renew = cube_json_str(lease, "spec", "renewTime", NULL);
    assert_non_null(renew);
    assert_int_equal(strlen(renew), strlen("2024-01-01T00:00:00.000000Z"));
    assert_non_null(cube_json_str(lease, "spec", "acquireTime", NULL));

    /* the leader stops: it releases, the other takes over well before the lease would expire */
    uint64_t t0 = cube_time_mono_ns();
    atomic_store(&lead->stop, true);
    pthread_join(lead->th, NULL);
    assert_int_equal(lead->rc, 0);
    assert_int_equal(atomic_load(&lead->stopped), 1);
    assert_true(wait_for(&other->started, 1, 3000));
    assert_true(cube_time_mono_ns() - t0 < 3500000000ull);
    assert_false(atomic_load(&two_leaders));
    json_decref(lease);
    lease = NULL;
    assert_int_equal(cube_client_get(fx.c, lr, "kube-system", "client-test", &lease, &err), 0);
    assert_string_equal(cube_json_str(lease, "spec", "holderIdentity", NULL), other->id);
    assert_int_equal(json_integer_value(cube_json_path(lease, "spec", "leaseTransitions", NULL)),
                     1);
    atomic_store(&other->stop, true);
    pthread_join(other->th, NULL);
    assert_int_equal(atomic_load(&other->stopped), 1);
    assert_int_equal(atomic_load(&leaders_now), 0);
    free(a);
    free(b);
}

/* ---- events ------------------------------------------------------------- */

static void test_events_aggregate(void **state)
{
    NEED_SERVER();
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    create_ns("ev");
    json_auto_t *obj = configmap("ev", "target", "x");
    json_auto_t *created = NULL;
    assert_int_equal(cube_client_create(fx.c, res("", "configmaps"), NULL, obj, &created, &err), 0);
    cube_recorder_t *rec = cube_recorder_new(fx.c, "client-test", "node-1");
    cube_recorder_event(rec, created, "Warning", "Broken", "it broke %d times", 3);
    cube_recorder_event(rec, created, "Warning", "Broken", "it broke %d times", 3);
    cube_recorder_event(rec, created, "Normal", "Fixed", "fixed");
    cube_recorder_free(rec); /* flushes */
    json_auto_t *list = NULL;
    assert_int_equal(cube_client_list(fx.c, res("", "events"), "ev", NULL, NULL, &list, &err), 0);
    json_t *items = json_object_get(list, "items");
    assert_int_equal(json_array_size(items), 2);
    size_t i;
    json_t *ev;
    int seen = 0;
    json_array_foreach(items, i, ev)
    {
        assert_string_equal(cube_json_str(ev, "involvedObject", "name", NULL), "target");
        assert_string_equal(cube_json_str(ev, "involvedObject", "kind", NULL), "ConfigMap");
        assert_string_equal(cube_json_str(ev, "involvedObject", "uid", NULL),
                            cube_json_str(created, "metadata", "uid", NULL));
        assert_string_equal(cube_json_str(ev, "source", "component", NULL), "client-test");
        assert_string_equal(cube_json_str(ev, "source", "host", NULL), "node-1");
        assert_non_null(cube_json_str(ev, "firstTimestamp", NULL));
        assert_non_null(cube_json_str(ev, "lastTimestamp", NULL));
        const char *name = cube_json_str(ev, "metadata", "name", NULL);
        assert_int_equal(strncmp(name, "target.", 7), 0);
        assert_int_equal(strlen(name), 7 + 16);
        if (!strcmp(cube_json_str(ev, "reason", NULL), "Broken")) {
            assert_int_equal(json_integer_value(json_object_get(ev, "count")), 2);
            assert_string_equal(cube_json_str(ev, "type", NULL), "Warning");
            assert_string_equal(cube_json_str(ev, "message", NULL), "it broke 3 times");
            seen++;
        } else {
            assert_int_equal(json_integer_value(json_object_get(ev, "count")), 1);
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    /* kubectl's view of them */
    if (getenv("KUBECTL_CHECK")) {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "kubectl --kubeconfig %s get events -n ev", fx.kubeconfig);
        assert_int_equal(system(cmd), 0);
    }
}

static void test_recorder_free_without_events(void **state)
{
    cube_recorder_t *rec = cube_recorder_new(NULL, "x", NULL);
    cube_recorder_free(rec);
    cube_recorder_free(NULL);
}

/* The API server goes away and comes back with a one-event watch history while objects change:
 * the informer's watch breaks, its resume is refused with 410 (or replays), it relists, and its
 * cache and handlers converge on the server's state. Runs last: it restarts the server. */
static void test_informer_survives_restart_and_relists(void **state)
{
    NEED_SERVER();
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const cube_resource_t *cm = res("", "configmaps");
    create_ns("relist");
    const char *names[] = {"gone", "changed", "kept"};
    for (int i = 0; i < 3; i++) {
        json_auto_t *o = configmap("relist", names[i], "1");
        assert_int_equal(cube_client_create(fx.c, cm, NULL, o, NULL, &err), 0);
    }
    int verbosity = cube_log_verbosity; /* set while no other thread runs */
    cube_log_verbosity = 2; /* shows the informer's watch errors and relists */
    cube_informers_t *f = cube_informers_new(fx.c, 0);
    cube_informer_t *inf = cube_informers_get(f, cm, "metadata.namespace=relist");
    counts_t cnt = {0};
    cube_informer_handlers_t h = {c_add, c_update, c_delete, &cnt};
    cube_informer_add_handlers(inf, &h);
    cube_informers_start(f);
    assert_int_equal(cube_informers_wait_synced(f, 10000), 0);
    assert_int_equal(atomic_load(&cnt.adds), 3);

    stop_process();
    spawn("1");
    assert_int_equal(wait_ready(), 0);
    assert_int_equal(cube_client_delete(fx.c, cm, "relist", "gone", NULL, &err), 0);
    json_auto_t *mp = json_pack("{s:{s:s}}", "data", "k", "2");
    assert_int_equal(cube_client_patch(fx.c, cm, "relist", "changed", NULL, mp, NULL, NULL, &err),
                     0);
    json_auto_t *o = configmap("relist", "new", "1");
    assert_int_equal(cube_client_create(fx.c, cm, NULL, o, NULL, &err), 0);
    for (int i = 0; i < 3; i++) /* roll the one-event history past the informer's revision */
        assert_int_equal(cube_client_patch(fx.c, cm, "relist", "kept", NULL, mp, NULL, NULL, &err),
                         0);

    assert_true(wait_for(&cnt.deletes, 1, 15000));
    assert_true(wait_for(&cnt.adds, 4, 15000));
    assert_true(wait_for(&cnt.updates, 2, 15000));
    json_t *got = cube_informer_get(inf, "relist", "changed");
    for (int i = 0; i < 100 && got && strcmp(cube_json_str(got, "data", "k", NULL), "2"); i++) {
        json_decref(got);
        usleep(100000);
        got = cube_informer_get(inf, "relist", "changed");
    }
    assert_non_null(got);
    assert_string_equal(cube_json_str(got, "data", "k", NULL), "2");
    json_decref(got);
    assert_null(cube_informer_get(inf, "relist", "gone"));
    json_t **objs;
    size_t n = cube_informer_list(inf, &objs);
    assert_int_equal(n, 3); /* changed, kept, new */
    cube_json_refs_free(objs, n);
    cube_informers_free(f);
    cube_log_verbosity = verbosity;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rest_paths),
        cmocka_unit_test(test_rest_connection_error),
        cmocka_unit_test(test_rest_crud_and_errors),
        cmocka_unit_test(test_rest_list_pages),
        cmocka_unit_test(test_rest_qps_and_token),
        cmocka_unit_test(test_watch_events_and_stop),
        cmocka_unit_test(test_informer_sync_and_events),
        cmocka_unit_test(test_informer_resync),
        cmocka_unit_test(test_leader_election_handover),
        cmocka_unit_test(test_events_aggregate),
        cmocka_unit_test(test_recorder_free_without_events),
        cmocka_unit_test(test_informer_survives_restart_and_relists),
    };
    return cmocka_run_group_tests(tests, setup_server, teardown_server);
}
