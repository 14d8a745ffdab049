/*
 * Spike: a minimal libmicrohttpd (GnuTLS) server answering every request with
 * the same 2.4 KiB body. Not part of cube. Usage: mhd_spike CERT KEY PORT [THREADS]
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct MHD_Response *resp;

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **state)
{
    return MHD_queue_response(c, 200, resp);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 16);
    fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    static char data[2458];
    memset(data, 'x', sizeof(data));
    data[0] = '{';
    data[sizeof(data) - 1] = '}';
    resp = MHD_create_response_from_buffer(sizeof(data), data, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    char *cert = slurp(argv[1]), *key = slurp(argv[2]);
    unsigned threads = argc > 4 ? (unsigned)atoi(argv[4]) : 2;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TLS | MHD_USE_TURBO,
        (uint16_t)atoi(argv[3]), NULL, NULL, handler, NULL, MHD_OPTION_HTTPS_MEM_CERT, cert,
        MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, 10000, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "MHD_start_daemon failed\n");
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
