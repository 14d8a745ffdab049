/*
 * dnsload: a small closed-loop DNS load generator for bench/dns.sh (test
 * tooling, not part of cube). T threads each drive S connected UDP sockets,
 * keeping D queries in flight on each, for a fixed time; every answer's
 * latency goes into a microsecond histogram. Prints one line:
 *   qps=N p50_us=N p99_us=N p999_us=N answers=N lost=N errors=N
 * (errors: answers whose rcode was not NOERROR, or with no answer record).
 *
 * Usage: dnsload HOST PORT NAME [SECONDS=5] [THREADS=2] [SOCKETS=4] [DEPTH=4]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HIST_US 200000

typedef struct sock {
    int fd;
    int outstanding;
    uint16_t next_id;
    uint64_t sent_ns[65536];
    uint64_t last_progress;
} sock_t;

typedef struct thr {
    pthread_t t;
    struct sockaddr_in addr;
    const uint8_t *query;
    size_t qlen;
    int sockets, depth;
    uint64_t end_ns;
    uint32_t *hist;
    uint64_t answers, lost, errors;
} thr_t;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void send_one(thr_t *t, sock_t *s, uint8_t *buf)
{
    memcpy(buf, t->query, t->qlen);
    uint16_t id = s->next_id++;
    buf[0] = (uint8_t)(id >> 8);
    buf[1] = (uint8_t)id;
    s->sent_ns[id] = now_ns();
    if (send(s->fd, buf, t->qlen, 0) == (ssize_t)t->qlen)
        s->outstanding++;
}

static void *run(void *arg)
{
    thr_t *t = arg;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    sock_t *socks = calloc((size_t)t->sockets, sizeof(*socks));
    uint8_t buf[4096];
    for (int i = 0; i < t->sockets; i++) {
        socks[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        connect(socks[i].fd, (struct sockaddr *)&t->addr, sizeof(t->addr));
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &socks[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, socks[i].fd, &ev);
        socks[i].last_progress = now_ns();
        for (int d = 0; d < t->depth; d++)
            send_one(t, &socks[i], buf);
    }
    struct epoll_event evs[64];
    for (;;) {
        uint64_t now = now_ns();
        if (now >= t->end_ns)
            break;
        int n = epoll_wait(ep, evs, 64, 5);
        for (int i = 0; i < n; i++) {
            sock_t *s = evs[i].data.ptr;
            for (;;) {
                ssize_t r = recv(s->fd, buf, sizeof(buf), 0);
                if (r < 0)
                    break;
                if (r < 12)
                    continue;
                uint64_t at = now_ns();
                uint16_t id = (uint16_t)(buf[0] << 8 | buf[1]);
                uint64_t us = (at - s->sent_ns[id]) / 1000;
                t->hist[us < HIST_US ? us : HIST_US - 1]++;
                t->answers++;
                if ((buf[3] & 0x0f) != 0 || (buf[6] == 0 && buf[7] == 0))
                    t->errors++;
                s->outstanding--;
                s->last_progress = at;
                send_one(t, s, buf);
            }
        }
        now = now_ns();
        for (int i = 0; i < t->sockets; i++) {
            sock_t *s = &socks[i];
            if (now - s->last_progress > 500000000ull) { /* answers lost: start over */
                t->lost += (uint64_t)(s->outstanding > 0 ? s->outstanding : 0);
                s->outstanding = 0;
                s->last_progress = now;
                for (int d = 0; d < t->depth; d++)
                    send_one(t, s, buf);
            }
        }
    }
    for (int i = 0; i < t->sockets; i++)
        close(socks[i].fd);
    free(socks);
    close(ep);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: dnsload HOST PORT NAME [SECONDS] [THREADS] [SOCKETS] [DEPTH]\n");
        return 2;
    }
    double secs = argc > 4 ? atof(argv[4]) : 5;
    int threads = argc > 5 ? atoi(argv[5]) : 2;
    int sockets = argc > 6 ? atoi(argv[6]) : 4;
    int depth = argc > 7 ? atoi(argv[7]) : 4;
    /* The query: header (RD), the name, type A, class IN. */
    uint8_t q[512] = {0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    size_t qlen = 12;
    char name[256];
    snprintf(name, sizeof(name), "%s", argv[3]);
    for (char *label = strtok(name, "."); label; label = strtok(NULL, ".")) {
        size_t l = strlen(label);
        if (l > 63 || qlen + l + 6 > sizeof(q))
            return 2;
        q[qlen++] = (uint8_t)l;
        memcpy(q + qlen, label, l);
        qlen += l;
    }
    q[qlen++] = 0;
    memcpy(q + qlen, "\0\1\0\1", 4);
    qlen += 4;

    thr_t *ts = calloc((size_t)threads, sizeof(*ts));
    uint64_t start = now_ns(), end = start + (uint64_t)(secs * 1e9);
    for (int i = 0; i < threads; i++) {
        ts[i].addr.sin_family = AF_INET;
        ts[i].addr.sin_port = htons((uint16_t)atoi(argv[2]));
        inet_pton(AF_INET, argv[1], &ts[i].addr.sin_addr);
        ts[i].query = q;
        ts[i].qlen = qlen;
        ts[i].sockets = sockets;
        ts[i].depth = depth;
        ts[i].end_ns = end;
        ts[i].hist = calloc(HIST_US, sizeof(uint32_t));
        pthread_create(&ts[i].t, NULL, run, &ts[i]);
    }
    uint64_t answers = 0, lost = 0, errors = 0;
    uint32_t *hist = calloc(HIST_US, sizeof(uint32_t));
    for (int i = 0; i < threads; i++) {
        pthread_join(ts[i].t, NULL);
        answers += ts[i].answers;
        lost += ts[i].lost;
        errors += ts[i].errors;
        for (int u = 0; u < HIST_US; u++)
            hist[u] += ts[i].hist[u];
        free(ts[i].hist);
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    uint64_t p50 = 0, p99 = 0, p999 = 0, acc = 0;
    for (int u = 0; u < HIST_US; u++) {
        acc += hist[u];
        if (!p50 && acc * 2 >= answers)
            p50 = (uint64_t)u;
        if (!p99 && acc * 100 >= answers * 99)
            p99 = (uint64_t)u;
        if (!p999 && acc * 1000 >= answers * 999) {
            p999 = (uint64_t)u;
            break;
        }
    }
    printf("qps=%.0f p50_us=%llu p99_us=%llu p999_us=%llu answers=%llu lost=%llu errors=%llu\n",
           (double)answers / elapsed, (unsigned long long)p50, (unsigned long long)p99,
           (unsigned long long)p999, (unsigned long long)answers, (unsigned long long)lost,
           (unsigned long long)errors);
    free(hist);
    free(ts);
    return answers ? 0 : 1;
}
