/*
 * server: the running `cube dns`. It keeps the zone snapshot current from
 * informers and serves it over UDP and TCP, forwarding what is not the
 * cluster's to the node's upstream resolvers.
 *
 * Threads:
 *   - the caller's thread rebuilds the snapshot when an informer reports a
 *     change (changes that arrive during a build cause one more build) and
 *     publishes it: a mutex-guarded pointer plus a generation counter;
 *   - one UDP worker per CPU, each with its own SO_REUSEPORT socket (the
 *     kernel spreads clients over them), reading and answering batches with
 *     recvmmsg/sendmmsg. A worker re-takes the snapshot only when the
 *     generation moved, so the hot path costs one atomic load: readers keep
 *     the snapshot they hold (RCU-style) and the last one out frees it;
 *   - a TCP acceptor and one short-lived thread per TCP connection (TCP is
 *     the rare retry after truncation);
 *   - a small pool of forwarders doing blocking exchanges with upstreams
 *     (UDP, then TCP when a TCP client's answer came back truncated), which
 *     answer the client themselves, with SERVFAIL when no upstream answers.
 */
#include "dns/dns.h"

#include "client/client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#define BATCH 32
#define MSG_MAX 65536
#define UDP_IN_MAX 4096
#define MAX_UPSTREAMS 8
#define MAX_FORWARDS 512 /* in flight at once; beyond that, SERVFAIL at once */
#define MAX_TCP_CONNS 256
#define TCP_IDLE_MS 10000
#define FORWARD_THREADS 8
#define RCODE_SERVFAIL 2

typedef struct server {
    const cube_dns_config_t *cfg;
    const char *domain;
    struct sockaddr_storage listen;
    socklen_t listen_len;
    struct sockaddr_storage upstreams[MAX_UPSTREAMS];
    socklen_t upstream_lens[MAX_UPSTREAMS];
    size_t n_upstreams;
    int timeout_ms;

    pthread_mutex_t mu; /* guards cur, dirty, tcp_conns */
    pthread_cond_t cond;
    cube_dns_snapshot_t *cur;
    atomic_uint gen;
    bool dirty;
    int tcp_conns;

    atomic_bool stopping;
    atomic_int forwards;
    cube_pool_t *pool;
} server_t;

/* ---- addresses ------------------------------------------------------------ */

/* "IP", "IP:PORT", "[IP6]" or "[IP6]:PORT" (port default_port when absent). */
static int parse_addr(const char *s, int default_port, struct sockaddr_storage *ret,
                      socklen_t *ret_len)
{
    char host[128];
    const char *port = NULL;
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || (size_t)(end - s - 1) >= sizeof(host))
            return -1;
        memcpy(host, s + 1, (size_t)(end - s - 1));
        host[end - s - 1] = 0;
        if (end[1] == ':')
            port = end + 2;
        else if (end[1])
            return -1;
    } else {
        const char *colon = strchr(s, ':');
        bool v6 = colon && strchr(colon + 1, ':');
        size_t n = !v6 && colon ? (size_t)(colon - s) : strlen(s);
        if (n >= sizeof(host))
            return -1;
        memcpy(host, s, n);
        host[n] = 0;
        if (!v6 && colon)
            port = colon + 1;
    }
    long p = default_port;
    if (port) {
        char *end;
        p = strtol(port, &end, 10);
        if (!*port || *end || p <= 0 || p > 65535)
            return -1;
    }
    memset(ret, 0, sizeof(*ret));
    struct sockaddr_in *a4 = (struct sockaddr_in *)ret;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ret;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p);
        *ret_len = sizeof(*a4);
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p);
        *ret_len = sizeof(*a6);
    } else
        return -1;
    return 0;
}

/* The upstreams: "nameserver" lines of a resolv.conf-style file, or a comma-separated list. */
static int load_upstreams(server_t *srv, const char *spec, cube_err_t *err)
{
    _cleanup_free_ char *text = NULL;
    size_t len = 0;
    cube_err_t ferr _cleanup_err_ = CUBE_ERR_INIT;
    bool file = cube_file_read(spec, &text, &len, &ferr) == 0;
    if (!file) {
        if (!strchr(spec, '/') || strchr(spec, ',')) {
            _cleanup_free_ char *list = xstrdup(spec);
            char *save = NULL;
            for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (srv->n_upstreams == MAX_UPSTREAMS)
                    break;
                size_t i = srv->n_upstreams;
                if (parse_addr(t, 53, &srv->upstreams[i], &srv->upstream_lens[i]) < 0)
                    return cube_err_badrequest(err, "invalid --upstream address \"%s\"", t);
                srv->n_upstreams++;
            }
            return 0;
        }
        cube_err_move(err, &ferr);
        cube_err_prefix(err, "--upstream: ");
        return -1;
    }
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char word[32], addr[128];
        if (sscanf(line, " %31s %127s", word, addr) != 2 || strcmp(word, "nameserver"))
            continue;
        if (srv->n_upstreams == MAX_UPSTREAMS)
            break;
        size_t i = srv->n_upstreams;
        if (parse_addr(addr, 53, &srv->upstreams[i], &srv->upstream_lens[i]) == 0)
            srv->n_upstreams++;
    }
    return 0;
}

/* ---- the snapshot ------------------------------------------------------------ */

static cube_dns_snapshot_t *snapshot_get(server_t *srv, unsigned *ret_gen)
{
    pthread_mutex_lock(&srv->mu);
    cube_dns_snapshot_t *s = cube_dns_snapshot_ref(srv->cur);
    if (ret_gen)
        *ret_gen = atomic_load(&srv->gen);
    pthread_mutex_unlock(&srv->mu);
    return s;
}

static void snapshot_publish(server_t *srv, cube_dns_snapshot_t *s)
{
    pthread_mutex_lock(&srv->mu);
    cube_dns_snapshot_t *old = srv->cur;
    srv->cur = s;
    atomic_fetch_add(&srv->gen, 1);
    pthread_mutex_unlock(&srv->mu);
    cube_dns_snapshot_unref(old);
}

static void mark_dirty(server_t *srv)
{
    pthread_mutex_lock(&srv->mu);
    srv->dirty = true;
    pthread_cond_signal(&srv->cond);
    pthread_mutex_unlock(&srv->mu);
}

static void on_add(json_t *obj, void *ud)
{
    (void)obj;
    mark_dirty(ud);
}

static void on_update(json_t *old, json_t *obj, void *ud)
{
    if (old != obj) /* a periodic resync hands the same object twice */
        mark_dirty(ud);
}

static void on_delete(json_t *obj, void *ud)
{
    (void)obj;
    mark_dirty(ud);
}

/* ---- forwarding --------------------------------------------------------------- */

static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    return r;
}

static bool io_full(int fd, uint8_t *buf, size_t n, bool writing, uint64_t deadline_ns)
{
    size_t done = 0;
    while (done < n) {
        uint64_t now = cube_time_mono_ns();
        if (now >= deadline_ns)
            return false;
        int ms = (int)((deadline_ns - now) / 1000000) + 1;
        if (wait_fd(fd, writing ? POLLOUT : POLLIN, ms) <= 0)
            return false;
        ssize_t r = writing ? send(fd, buf + done, n - done, MSG_NOSIGNAL)
                            : recv(fd, buf + done, n - done, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            return false;
        done += (size_t)r;
    }
    return true;
}

/* One exchange with one upstream; the answer must carry the query's ID. */
static ssize_t exchange(const server_t *srv, size_t u, bool tcp, const uint8_t *q, size_t qlen,
                        uint8_t *out)
{
    const struct sockaddr *sa = (const struct sockaddr *)&srv->upstreams[u];
    _cleanup_close_ int fd =
        socket(sa->sa_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    uint64_t deadline = cube_time_mono_ns() + (uint64_t)srv->timeout_ms * 1000000ull;
    if (connect(fd, sa, srv->upstream_lens[u]) < 0 && errno != EINPROGRESS)
        return -1;
    if (tcp) {
        if (wait_fd(fd, POLLOUT, srv->timeout_ms) <= 0)
            return -1;
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr)
            return -1;
        uint8_t len[2] = {(uint8_t)(qlen >> 8), (uint8_t)qlen};
        if (!io_full(fd, len, 2, true, deadline) ||
            !io_full(fd, (uint8_t *)q, qlen, true, deadline) ||
            !io_full(fd, len, 2, false, deadline))
            return -1;
        size_t n = (size_t)len[0] << 8 | len[1];
        if (n < 12 || !io_full(fd, out, n, false, deadline) || memcmp(out, q, 2))
            return -1;
        return (ssize_t)n;
    }
    if (send(fd, q, qlen, MSG_NOSIGNAL) < 0)
        return -1;
    for (;;) {
        uint64_t now = cube_time_mono_ns();
        if (now >= deadline)
            return -1;
        if (wait_fd(fd, POLLIN, (int)((deadline - now) / 1000000) + 1) <= 0)
            return -1;
        ssize_t n = recv(fd, out, MSG_MAX, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return -1; /* refused: nobody listens there */
        if (n >= 12 && !memcmp(out, q, 2) && (out[2] & 0x80))
            return n;
    }
}

/*
 * Forwards query to the upstreams in turn (with an ID of our own) until one answers; for a TCP
 * client a truncated UDP answer is asked again over TCP. Returns the answer's length in out
 * (with the client's ID), or a SERVFAIL when none answered.
 */
static size_t forward(const server_t *srv, const uint8_t *query, size_t len, bool tcp_client,
                      uint8_t *out)
{
    _cleanup_free_ uint8_t *q = xmalloc(len);
    memcpy(q, query, len);
    uint32_t id = arc4random();
    q[0] = (uint8_t)(id >> 8);
    q[1] = (uint8_t)id;
    for (size_t u = 0; u < srv->n_upstreams; u++) {
        ssize_t n = exchange(srv, u, false, q, len, out);
        if (n > 0 && tcp_client && (out[2] & 0x02))
            n = exchange(srv, u, true, q, len, out);
        if (n > 0) {
            memcpy(out, query, 2);
            return (size_t)n;
        }
    }
    size_t n = 0;
    if (cube_dns_error_response(query, len, RCODE_SERVFAIL, out, &n) < 0)
        return 0;
    return n;
}

typedef struct fwd_job {
    server_t *srv;
    int fd; /* the worker's UDP socket (sendto from any thread is fine) */
    struct sockaddr_storage peer;
    socklen_t peer_len;
    size_t len;
    uint8_t query[];
} fwd_job_t;

static void forward_job(void *arg)
{
    fwd_job_t *job = arg;
    _cleanup_free_ uint8_t *out = xmalloc(MSG_MAX);
    size_t n = forward(job->srv, job->query, job->len, false, out);
    if (n)
        sendto(job->fd, out, n, MSG_NOSIGNAL, (struct sockaddr *)&job->peer, job->peer_len);
    atomic_fetch_sub(&job->srv->forwards, 1);
    free(job);
}

/* ---- UDP workers ---------------------------------------------------------------- */

typedef struct worker {
    server_t *srv;
    int fd;
    pthread_t thread;
} worker_t;

static int udp_socket(const server_t *srv, cube_err_t *err)
{
    const struct sockaddr *sa = (const struct sockaddr *)&srv->listen;
    _cleanup_close_ int fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return cube_err_errno(err, errno, "socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    int rcvbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (bind(fd, sa, srv->listen_len) < 0)
        return cube_err_errno(err, errno, "listen udp %s", srv->cfg->listen);
    return TAKE_FD(fd);
}

static void *udp_worker(void *arg)
{
    worker_t *w = arg;
    server_t *srv = w->srv;
    uint8_t *in = xmalloc((size_t)BATCH * UDP_IN_MAX);
    uint8_t *out = xmalloc((size_t)BATCH * MSG_MAX);
    struct mmsghdr rmsg[BATCH], smsg[BATCH];
    struct iovec riov[BATCH], siov[BATCH];
    struct sockaddr_storage peers[BATCH];
    unsigned gen = 0;
    cube_dns_snapshot_t *snap = snapshot_get(srv, &gen);
    while (!atomic_load(&srv->stopping)) {
        for (int i = 0; i < BATCH; i++) {
            riov[i] = (struct iovec){in + (size_t)i * UDP_IN_MAX, UDP_IN_MAX};
            rmsg[i].msg_hdr = (struct msghdr){.msg_name = &peers[i],
                                              .msg_namelen = sizeof(peers[i]),
                                              .msg_iov = &riov[i],
                                              .msg_iovlen = 1};
        }
        int n = recvmmsg(w->fd, rmsg, BATCH, MSG_WAITFORONE, NULL);
        if (n <= 0)
            continue; /* timeout (to look at the stop flag) or EINTR */
        if (atomic_load(&srv->gen) != gen) {
            cube_dns_snapshot_unref(snap);
            snap = snapshot_get(srv, &gen);
        }
        int ns = 0;
        for (int i = 0; i < n; i++) {
            if (rmsg[i].msg_hdr.msg_flags & MSG_TRUNC)
                continue;
            const uint8_t *q = riov[i].iov_base;
            size_t qlen = rmsg[i].msg_len;
            uint8_t *o = out + (size_t)ns * MSG_MAX;
            size_t olen = 0;
            cube_dns_verdict_t v = cube_dns_answer(snap, q, qlen, true, o, &olen);
            if (v == CUBE_DNS_FORWARD) {
                if (atomic_fetch_add(&srv->forwards, 1) >= MAX_FORWARDS || srv->n_upstreams == 0) {
                    atomic_fetch_sub(&srv->forwards, 1);
                    if (cube_dns_error_response(q, qlen, RCODE_SERVFAIL, o, &olen) < 0)
                        continue;
                    v = CUBE_DNS_ANSWERED;
                } else {
                    fwd_job_t *job = xmalloc(sizeof(*job) + qlen);
                    job->srv = srv;
                    job->fd = w->fd;
                    job->peer = peers[i];
                    job->peer_len = rmsg[i].msg_hdr.msg_namelen;
                    job->len = qlen;
                    memcpy(job->query, q, qlen);
                    cube_pool_submit(srv->pool, forward_job, job);
                    continue;
                }
            }
            if (v != CUBE_DNS_ANSWERED)
                continue;
            siov[ns] = (struct iovec){o, olen};
            smsg[ns].msg_hdr = (struct msghdr){.msg_name = &peers[i],
                                               .msg_namelen = rmsg[i].msg_hdr.msg_namelen,
                                               .msg_iov = &siov[ns],
                                               .msg_iovlen = 1};
            ns++;
        }
        for (int done = 0; done < ns;) {
            int r = sendmmsg(w->fd, smsg + done, (unsigned)(ns - done), 0);
            if (r <= 0) {
                if (r < 0 && errno == EINTR)
                    continue;
                done++; /* skip the one the kernel refused (e.g. an unreachable peer) */
                continue;
            }
            done += r;
        }
    }
    cube_dns_snapshot_unref(snap);
    free(in);
    free(out);
    return NULL;
}

/* ---- TCP ----------------------------------------------------------------------- */

typedef struct conn {
    server_t *srv;
    int fd;
} conn_t;

static void *tcp_conn(void *arg)
{
    conn_t *c = arg;
    server_t *srv = c->srv;
    uint8_t *q = xmalloc(MSG_MAX), *out = xmalloc(MSG_MAX + 2);
    uint64_t idle_since = cube_time_mono_ns();
    while (!atomic_load(&srv->stopping)) {
        int r = wait_fd(c->fd, POLLIN, 200);
        if (r < 0)
            break;
        if (r == 0) {
            if (cube_time_mono_ns() - idle_since > (uint64_t)TCP_IDLE_MS * 1000000ull)
                break;
            continue;
        }
        uint64_t deadline = cube_time_mono_ns() + (uint64_t)TCP_IDLE_MS * 1000000ull;
        uint8_t len[2];
        if (!io_full(c->fd, len, 2, false, deadline))
            break;
        size_t n = (size_t)len[0] << 8 | len[1];
        if (!io_full(c->fd, q, n, false, deadline))
            break;
        cube_dns_snapshot_t *snap = snapshot_get(srv, NULL);
        size_t olen = 0;
        cube_dns_verdict_t v = cube_dns_answer(snap, q, n, false, out + 2, &olen);
        cube_dns_snapshot_unref(snap);
        if (v == CUBE_DNS_FORWARD) {
            olen = forward(srv, q, n, true, out + 2);
            v = olen ? CUBE_DNS_ANSWERED : CUBE_DNS_DROP;
        }
        if (v != CUBE_DNS_ANSWERED)
            continue;
        out[0] = (uint8_t)(olen >> 8);
        out[1] = (uint8_t)olen;
        if (!io_full(c->fd, out, olen + 2, true, deadline))
            break;
        idle_since = cube_time_mono_ns();
    }
    free(q);
    free(out);
    close(c->fd);
    pthread_mutex_lock(&srv->mu);
    srv->tcp_conns--;
    pthread_cond_broadcast(&srv->cond);
    pthread_mutex_unlock(&srv->mu);
    free(c);
    return NULL;
}

typedef struct acceptor {
    server_t *srv;
    int fd;
    pthread_t thread;
} acceptor_t;

static void *tcp_acceptor(void *arg)
{
    acceptor_t *a = arg;
    server_t *srv = a->srv;
    while (!atomic_load(&srv->stopping)) {
        if (wait_fd(a->fd, POLLIN, 200) <= 0)
            continue;
        int fd = accept4(a->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            continue;
        pthread_mutex_lock(&srv->mu);
        bool room = srv->tcp_conns < MAX_TCP_CONNS;
        if (room)
            srv->tcp_conns++;
        pthread_mutex_unlock(&srv->mu);
        if (!room) {
            close(fd);
            continue;
        }
        conn_t *c = xmalloc(sizeof(*c));
        *c = (conn_t){srv, fd};
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, tcp_conn, c) != 0) {
            close(fd);
            free(c);
            pthread_mutex_lock(&srv->mu);
            srv->tcp_conns--;
            pthread_mutex_unlock(&srv->mu);
        }
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

static int tcp_socket(const server_t *srv, cube_err_t *err)
{
    const struct sockaddr *sa = (const struct sockaddr *)&srv->listen;
    _cleanup_close_ int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return cube_err_errno(err, errno, "socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, sa, srv->listen_len) < 0 || listen(fd, 128) < 0)
        return cube_err_errno(err, errno, "listen tcp %s", srv->cfg->listen);
    return TAKE_FD(fd);
}

/* ---- the loop --------------------------------------------------------------------- */

static void rebuild(server_t *srv, cube_informer_t *services, cube_informer_t *slices)
{
    uint64_t t0 = cube_time_mono_ns();
    json_t **sv = NULL, **sl = NULL;
    size_t nv = cube_informer_list(services, &sv);
    size_t nl = cube_informer_list(slices, &sl);
    cube_dns_snapshot_t *s =
        cube_dns_snapshot_build(srv->domain, (uint32_t)time(NULL), sv, nv, sl, nl);
    cube_json_refs_free(sv, nv);
    cube_json_refs_free(sl, nl);
    size_t names = cube_dns_snapshot_names(s);
    snapshot_publish(srv, s);
    cube_log_v(1, "zone rebuilt: %zu services, %zu slices, %zu names in %.1f ms", nv, nl, names,
               (double)(cube_time_mono_ns() - t0) / 1e6);
}

int cube_dns_run(const cube_dns_config_t *cfg, const atomic_bool *stop, cube_err_t *err)
{
    server_t *srv = xcalloc(1, sizeof(*srv));
    srv->cfg = cfg;
    srv->domain =
        cfg->cluster_domain && *cfg->cluster_domain ? cfg->cluster_domain : "cluster.local";
    srv->timeout_ms = cfg->forward_timeout_ms > 0 ? cfg->forward_timeout_ms : 2000;
    const char *listen_at = cfg->listen && *cfg->listen ? cfg->listen : "0.0.0.0:53";
    int nworkers = cfg->workers > 0 ? cfg->workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nworkers < 1)
        nworkers = 1;
    if (nworkers > 64)
        nworkers = 64;
    pthread_mutex_init(&srv->mu, NULL);
    pthread_cond_init(&srv->cond, NULL);
    srv->cur = cube_dns_snapshot_build(srv->domain, (uint32_t)time(NULL), NULL, 0, NULL, 0);

    int ret = -1;
    cube_client_t *client = NULL;
    cube_informers_t *inf = NULL;
    worker_t *workers = xcalloc((size_t)nworkers, sizeof(*workers));
    int started = 0;
    acceptor_t acc = {.srv = srv, .fd = -1};
    bool acc_started = false;

    if (parse_addr(listen_at, 53, &srv->listen, &srv->listen_len) < 0) {
        cube_err_badrequest(err, "invalid --listen address \"%s\"", listen_at);
        goto out;
    }
    if (load_upstreams(srv, cfg->upstream && *cfg->upstream ? cfg->upstream : "/etc/resolv.conf",
                       err) < 0)
        goto out;
    for (int i = 0; i < nworkers; i++) {
        workers[i].srv = srv;
        workers[i].fd = -1;
    }
    for (int i = 0; i < nworkers; i++)
        if ((workers[i].fd = udp_socket(srv, err)) < 0)
            goto out;
    if ((acc.fd = tcp_socket(srv, err)) < 0)
        goto out;

    char *ua = xasprintf("cube-dns/%s", CUBE_GIT_VERSION);
    int crc = cube_client_from_kubeconfig(cfg->kubeconfig, ua, &client, err);
    free(ua);
    if (crc < 0)
        goto out;
    inf = cube_informers_new(client, 0);
    cube_informer_t *services =
        cube_informers_get(inf, cube_api_resource_find("", "v1", "services"), NULL);
    cube_informer_t *slices = cube_informers_get(
        inf, cube_api_resource_find("discovery.k8s.io", "v1", "endpointslices"), NULL);
    const cube_informer_handlers_t h = {on_add, on_update, on_delete, srv};
    cube_informer_add_handlers(services, &h);
    cube_informer_add_handlers(slices, &h);
    cube_informers_start(inf);
    /* Serve only a complete zone: a half-listed one would hand out cached NXDOMAINs. */
    while (!atomic_load(stop) && cube_informers_wait_synced(inf, 1000) < 0)
        ;
    if (atomic_load(stop)) {
        ret = 0;
        goto out;
    }
    pthread_mutex_lock(&srv->mu);
    srv->dirty = false;
    pthread_mutex_unlock(&srv->mu);
    rebuild(srv, services, slices);

    srv->pool = cube_pool_new(FORWARD_THREADS, "dns-forward");
    for (; started < nworkers; started++)
        pthread_create(&workers[started].thread, NULL, udp_worker, &workers[started]);
    acc_started = pthread_create(&acc.thread, NULL, tcp_acceptor, &acc) == 0;
    cube_log_info("serving DNS for %s on %s (udp x%d, tcp), %zu upstream(s), %zu names",
                  srv->domain, listen_at, nworkers, srv->n_upstreams,
                  cube_dns_snapshot_names(srv->cur));

    while (!atomic_load(stop)) {
        pthread_mutex_lock(&srv->mu);
        if (!srv->dirty) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 200000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&srv->cond, &srv->mu, &ts);
        }
        bool dirty = srv->dirty;
        srv->dirty = false;
        pthread_mutex_unlock(&srv->mu);
        if (dirty)
            rebuild(srv, services, slices);
    }
    ret = 0;

out:
    atomic_store(&srv->stopping, true);
    for (int i = 0; i < started; i++)
        pthread_join(workers[i].thread, NULL);
    if (acc_started)
        pthread_join(acc.thread, NULL);
    pthread_mutex_lock(&srv->mu);
    while (srv->tcp_conns > 0)
        pthread_cond_wait(&srv->cond, &srv->mu);
    pthread_mutex_unlock(&srv->mu);
    cube_pool_free(srv->pool); /* after the workers: no more submissions */
    for (int i = 0; i < nworkers; i++)
        if (workers[i].fd >= 0)
            close(workers[i].fd);
    if (acc.fd >= 0)
        close(acc.fd);
    free(workers);
    cube_informers_free(inf);
    cube_client_free(client);
    cube_dns_snapshot_unref(srv->cur);
    pthread_cond_destroy(&srv->cond);
    pthread_mutex_destroy(&srv->mu);
    free(srv);
    return ret;
}
