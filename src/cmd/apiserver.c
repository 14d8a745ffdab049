/*
 * cube apiserver: flags (and /etc/cube/config.yaml) -> cube_apiserver_config_t
 * -> cube_apiserver_run().
 */
#include "apiserver/apiserver.h"
#include "cmd/cmd.h"

#include <arpa/inet.h>

int cube_cmd_apiserver(int argc, char **argv)
{
    /* String flags start NULL; their defaults are applied below (and named in the help). */
    char *data_dir = NULL, *bind = NULL, *insecure = NULL;
    char *tokens = NULL, *range = NULL, *adv = NULL, *kubeconfig = NULL, *np_range = NULL,
         *encryption = NULL, *audit_policy = NULL, *audit_path = NULL;
    int audit_maxsize = 0, audit_maxbackup = 0;
    bool sa_check = false;
    int port = 6443, insecure_port = 0, threads = 0, workers = 0, history = 0, compact = 0;
    const cube_flag_t flags[] = {
        {"data-dir", CUBE_FLAG_STRING, &data_dir,
         "Directory for the store, certificates and kubeconfig (default /var/lib/cube)"},
        {"bind-address", CUBE_FLAG_STRING, &bind, "Address to serve HTTPS on (default 0.0.0.0)"},
        {"secure-port", CUBE_FLAG_INT, &port, "Port to serve HTTPS on (0: any free port)"},
        {"insecure-bind-address", CUBE_FLAG_STRING, &insecure,
         "Loopback address for plain HTTP (off unless set)"},
        {"insecure-port", CUBE_FLAG_INT, &insecure_port,
         "Port for plain HTTP (needs --insecure-bind-address)"},
        {"audit-policy-file", CUBE_FLAG_STRING, &audit_policy,
         "audit.k8s.io/v1 Policy: which requests are logged, at which level"},
        {"audit-log-path", CUBE_FLAG_STRING, &audit_path,
         "Where audit events go, one JSON line each ('-': standard output)"},
        {"audit-log-maxsize", CUBE_FLAG_INT, &audit_maxsize,
         "Megabytes of audit log before it rotates (0: never)"},
        {"audit-log-maxbackup", CUBE_FLAG_INT, &audit_maxbackup,
         "Rotated audit logs kept (0: all)"},
        {"encryption-provider-config", CUBE_FLAG_STRING, &encryption,
         "EncryptionConfiguration file: resources stored encrypted (aescbc, aesgcm, identity)"},
        {"token-auth-file", CUBE_FLAG_STRING, &tokens,
         "Static bearer token file (token,user,uid,\"group1,group2\")"},
        {"service-cluster-ip-range", CUBE_FLAG_STRING, &range,
         "CIDR of Service cluster IPs (default 10.43.0.0/16)"},
        {"service-node-port-range", CUBE_FLAG_STRING, &np_range,
         "Port range of Service node ports (default 30000-32767)"},
        {"service-account-admission-check", CUBE_FLAG_BOOL, &sa_check,
         "Refuse pods whose ServiceAccount does not exist (default false)"},
        {"advertise-address", CUBE_FLAG_STRING, &adv,
         "Address clients reach this server on (kubeconfig, discovery)"},
        {"write-kubeconfig", CUBE_FLAG_STRING, &kubeconfig, "Also write the admin kubeconfig here"},
        {"threads", CUBE_FLAG_INT, &threads, "HTTP I/O threads (0: one per CPU)"},
        {"workers", CUBE_FLAG_INT, &workers, "Worker threads for writes (0: 64)"},
        {"watch-cache-events", CUBE_FLAG_INT, &history,
         "Events kept for watches from a past resourceVersion (0: 100000)"},
        {"compact-interval", CUBE_FLAG_INT, &compact,
         "Seconds between store compactions (0: 60, negative: off)"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int rc = cube_flags_parse("apiserver", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    int exit_code = 0;
    if (rc == 1)
        goto done;
    if (rc < 0) {
        fprintf(stderr, "cube apiserver: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    if (insecure) {
        struct in_addr a;
        if (inet_pton(AF_INET, insecure, &a) != 1 || (ntohl(a.s_addr) >> 24) != 127) {
            fprintf(stderr,
                    "cube apiserver: --insecure-bind-address must be a loopback address, "
                    "got \"%s\"\n",
                    insecure);
            exit_code = 2;
            goto done;
        }
    }
    const cube_apiserver_config_t cfg = {
        .data_dir = data_dir ? data_dir : "/var/lib/cube",
        .bind_address = bind ? bind : "0.0.0.0",
        .secure_port = port,
        .insecure_address = insecure,
        .insecure_port = insecure_port,
        .token_auth_file = tokens,
        .encryption_provider_config = encryption,
        .audit_policy_file = audit_policy,
        .audit_log_path = audit_path,
        .audit_log_maxsize = audit_maxsize,
        .audit_log_maxbackup = audit_maxbackup,
        .service_cluster_ip_range = range ? range : "10.43.0.0/16",
        .service_node_port_range = np_range ? np_range : "30000-32767",
        .service_account_admission_check = sa_check,
        .advertise_address = adv,
        .write_kubeconfig = kubeconfig,
        .threads = threads,
        .workers = workers,
        .watch_cache_events = history,
        .compact_interval_sec = compact,
    };
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    if (cube_apiserver_run(&cfg, &err) < 0) {
        fprintf(stderr, "cube apiserver: %s\n", err.msg);
        exit_code = 1;
    }
done:
    free(data_dir);
    free(bind);
    free(insecure);
    free(tokens);
    free(encryption);
    free(audit_policy);
    free(audit_path);
    free(range);
    free(np_range);
    free(adv);
    free(kubeconfig);
    return exit_code;
}
