/*
 * apiserver: the Kubernetes API server. The only component that touches the
 * store. Serves the REST API over HTTPS: authentication, authorization,
 * admission, then storage; reads from an in-memory cache that follows the
 * store's watch; discovery, OpenAPI (later), health and metrics.
 */
#ifndef CUBE_APISERVER_H
#define CUBE_APISERVER_H

#include "core/core.h"

typedef struct cube_apiserver_config {
    const char *data_dir; /* default /var/lib/cube */
    const char *bind_address; /* default 0.0.0.0 */
    int secure_port; /* default 6443 */
    const char *insecure_address; /* plain HTTP, loopback only; NULL = off */
    int insecure_port;
    const char *token_auth_file; /* static token file, or NULL */
    const char *encryption_provider_config; /* EncryptionConfiguration file, or NULL */
    const char *audit_policy_file; /* audit.k8s.io/v1 Policy, or NULL: no audit log */
    const char *audit_log_path; /* "-" (standard output) or a file */
    int audit_log_maxsize; /* MB before the file rotates; 0: never */
    int audit_log_maxbackup; /* rotated files kept; 0: all */
    const char *service_account_issuer; /* default https://kubernetes.default.svc.cluster.local */
    const char *service_cluster_ip_range; /* default 10.43.0.0/16 */
    const char *service_node_port_range; /* default 30000-32767 */
    bool service_account_admission_check; /* refuse pods whose ServiceAccount is missing */
    const char *advertise_address; /* address put in the kubeconfig; default 127.0.0.1 */
    const char *write_kubeconfig; /* extra path to write the admin kubeconfig to, or NULL */
    int threads; /* HTTP I/O threads; 0 = CPUs */
    int workers; /* worker threads for writes; 0 = 64 */
    int watch_cache_events; /* history window per server in events; 0 = 100000 */
    int compact_interval_sec; /* store compaction period; 0 = 60 */
} cube_apiserver_config_t;

/*
 * Writes a kubeconfig at path for a component identity (cn = user, orgs = groups, NULL-terminated
 * or NULL) with a client certificate signed by the cluster CA under <data_dir>/pki, the way
 * `cube server` gives each component its own least-privileged identity. An existing file is
 * kept. Errors: InternalError (I/O, OpenSSL).
 */
int cube_apiserver_component_kubeconfig(const char *data_dir, const char *server_url,
                                        const char *cn, const char *const *orgs, const char *path,
                                        cube_err_t *err);

/* Runs until SIGINT/SIGTERM. Progress lines on stderr while starting. */
int cube_apiserver_run(const cube_apiserver_config_t *cfg, cube_err_t *err);

#endif
