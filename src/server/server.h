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

#include <stdatomic.h>

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
    const char *node_ip; /* NULL: the default route's address */
    const char *node_taints; /* the server node's taints, "k=v:Effect,..." (NULL: none) */
    const char *cluster_signing_duration; /* signer's default duration ("8760h"), or NULL */
    /* Whether a subcommand exists in this binary (components not built yet are skipped). */
    bool (*have_command)(const char *name);
} cube_server_config_t;

/* Runs until *stop. Progress lines on stderr. Errors: a component that cannot start. */
int cube_server_run(const cube_server_config_t *cfg, const atomic_bool *stop, cube_err_t *err);

/*
 * `cube agent`: joins this machine to a cluster as a node. With the join token it fetches the
 * cluster CA without trusting the server and accepts it only if its sha256 matches the token's
 * pin, then obtains a client certificate for system:node:<name> through a
 * CertificateSigningRequest (the kubelet's TLS bootstrap) and writes
 * <data_dir>/agent/kubelet.kubeconfig; a later start with a valid certificate skips this.
 * Then it runs the node agent (containerd, kubelet, proxy, network policy) like `cube server`
 * does, keeps routes to the other nodes' pod CIDRs, and renews the certificate at 80% of its
 * lifetime. Runs until *stop.
 */
typedef struct cube_agent_config {
    const char *self; /* path of the cube binary */
    const char *data_dir; /* /var/lib/cube; the agent's files go under <data_dir>/agent */
    const char *server; /* https://IP:6443 */
    const char *token; /* K10<ca sha256>::<id>.<secret>, or <id>.<secret> with ca_cert_hash */
    const char *ca_cert_hash; /* "sha256:<hex>", or NULL */
    const char *node_name; /* NULL: the host name */
    const char *node_ip; /* NULL: the default route's address */
    bool with_node_id; /* append a random id (kept in the data dir) to the node name */
    const char *cluster_cidr; /* 10.42.0.0/16 */
    const char *container_runtime_endpoint; /* NULL: our own containerd */
    const char *node_taints; /* "k=v:Effect,..." or NULL */
    int bootstrap_timeout_s; /* wait for the certificate (default 300) */
    bool (*have_command)(const char *name);
} cube_agent_config_t;

/* Errors: BadRequest (malformed token), Forbidden (CA hash mismatch, CSR denied),
   Unauthorized (token refused), Timeout, ServiceUnavailable (server unreachable). */
int cube_agent_run(const cube_agent_config_t *cfg, const atomic_bool *stop, cube_err_t *err);

#endif
