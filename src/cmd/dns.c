/*
 * cube dns: flags (and /etc/cube/config.yaml) -> cube_dns_config_t ->
 * cube_dns_run(). The cluster's DNS server (CoreDNS with its kubernetes
 * plugin, in a Kubernetes cluster).
 */
#include "cmd/cmd.h"
#include "dns/dns.h"

#include <signal.h>

int cube_cmd_dns(int argc, char **argv)
{
    char *kubeconfig = NULL, *listen = NULL, *domain = NULL, *upstream = NULL;
    int workers = 0, timeout_ms = 2000;
    const cube_flag_t flags[] = {
        {"kubeconfig", CUBE_FLAG_STRING, &kubeconfig, "Path to the kubeconfig (required)"},
        {"listen", CUBE_FLAG_STRING, &listen,
         "Address to serve on, UDP and TCP: IP[:PORT] or [IPv6][:PORT] (default 0.0.0.0:53)"},
        {"cluster-domain", CUBE_FLAG_STRING, &domain,
         "The cluster's DNS domain (default cluster.local)"},
        {"upstream", CUBE_FLAG_STRING, &upstream,
         "resolv.conf-style file naming the resolvers other names are forwarded to, or a "
         "comma-separated list of IP[:PORT] (default /etc/resolv.conf)"},
        {"workers", CUBE_FLAG_INT, &workers, "UDP worker threads (default: one per CPU)"},
        {"forward-timeout-ms", CUBE_FLAG_INT, &timeout_ms,
         "How long to wait for each upstream before trying the next one"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int exit_code = 0;
    int rc = cube_flags_parse("dns", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    if (rc == 1)
        goto done;
    if (rc < 0) {
        fprintf(stderr, "cube dns: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    if (!kubeconfig || !*kubeconfig) {
        fprintf(stderr, "cube dns: --kubeconfig is required\n");
        exit_code = 2;
        goto done;
    }
    if (workers < 0 || timeout_ms <= 0) {
        fprintf(stderr, "cube dns: --workers and --forward-timeout-ms must be positive\n");
        exit_code = 2;
        goto done;
    }
    const cube_dns_config_t cfg = {
        .kubeconfig = kubeconfig,
        .listen = listen,
        .cluster_domain = domain,
        .upstream = upstream,
        .workers = workers,
        .forward_timeout_ms = timeout_ms,
    };
    signal(SIGPIPE, SIG_IGN);
    atomic_bool stop = false;
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    cube_cmd_signals_t *sig = cube_cmd_signals_start(&stop);
    if (cube_dns_run(&cfg, &stop, &err) < 0) {
        fprintf(stderr, "cube dns: %s\n", err.msg);
        exit_code = 1;
    }
    cube_cmd_signals_stop(sig);
done:
    free(kubeconfig);
    free(listen);
    free(domain);
    free(upstream);
    return exit_code;
}
