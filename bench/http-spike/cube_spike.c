/*
 * Spike: the cube HTTP server answering every request with the same 2.4 KiB
 * body, to compare against libmicrohttpd and nginx (see run.sh and
 * docs/design/http.md). Usage: cube_spike CERT KEY PORT [THREADS]
 */
#include "http/http.h"

#include <signal.h>

static cube_bytes_t *body;

static void handler(cube_http_req_t *req, void *ud)
{
    cube_http_respond(req, 200, "application/json", NULL, cube_bytes_ref(body));
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s CERT KEY PORT [THREADS]\n", argv[0]);
        return 2;
    }
    char data[2458];
    memset(data, 'x', sizeof(data));
    data[0] = '{';
    data[sizeof(data) - 1] = '}';
    body = cube_bytes_new(data, sizeof(data));
    cube_http_server_config_t cfg = {
        .address = "127.0.0.1",
        .port = atoi(argv[3]),
        .tls = strcmp(argv[1], "-") != 0,
        .cert_file = argv[1],
        .key_file = argv[2],
        .threads = argc > 4 ? atoi(argv[4]) : 0,
        .handler = handler,
    };
    cube_err_t err = CUBE_ERR_INIT;
    cube_http_server_t *srv;
    if (cube_http_server_start(&cfg, &srv, &err) < 0) {
        fprintf(stderr, "start: %s\n", err.msg);
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    cube_http_server_stop(srv);
    cube_bytes_unref(body);
    return 0;
}
