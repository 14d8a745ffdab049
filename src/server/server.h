/*
 * server: `cube server`, the whole cluster on one machine, as k3s's server
 * is: the API server, controller manager and scheduler, and (unless
 * disabled) a node agent for this machine: containerd, kubelet, proxy and
 * dns. Each component runs as its own child process of this one, with its
 * own identity (a client certificate issued from the cluster CA), and talks
 * to the API server over HTTPS like any other client; this process only
 * starts them in order, restarts one that dies, and stops them all on
 * SIGINT/SIGTERM.
 */
#ifndef CUBE_SERVER_H
#define CUBE_SERVER_H

#include "core/core.h"

typedef struct cube_server_config {
    const char *self; /* path of the cube binary to run components from */
    const char *data_dir; /* /var/lib/cube */
    const char *bind_address; /* 0.0.0.0 */
    int secure_port; /* 6443 */
    const char *advertise_address; /* NULL: 127.0.0.1 */
    const char *write_kubeconfig; /* extra admin kubeconfig path, or NULL */
    const char *node_name; /* NULL: the host name */
    const char *cluster_cidr; /* 10.42.0.0/16 */
    const char *service_cidr; /* 10.43.0.0/16 */
    const char *container_runtime_endpoint; /* NULL: run our own containerd under data_dir */
    bool disable_agent; /* control plane only */
    /* Whether a subcommand exists in this binary (components not built yet are skipped). */
    bool (*have_command)(const char *name);
} cube_server_config_t;

/* Runs until *stop. Progress lines on stderr. Errors: a component that cannot start. */
int cube_server_run(const cube_server_config_t *cfg, const atomic_bool *stop, cube_err_t *err);

#endif
