/*
 * cube proxy: flags (and /etc/cube/config.yaml) -> cube_proxy_config_t ->
 * cube_proxy_run(), or cube_proxy_cleanup() with --cleanup. The node's
 * service proxy, kube-proxy's iptables mode.
 */
#include "cmd/cmd.h"
#include "proxy/proxy.h"

#include <signal.h>

/* "30s", "2m", "1h" or plain seconds; -1 when malformed. */
static int parse_seconds(const char *s)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || v < 0)
        return -1;
    if (!strcmp(end, "") || !strcmp(end, "s"))
        return (int)v;
    if (!strcmp(end, "m"))
        return (int)(v * 60);
    if (!strcmp(end, "h"))
        return (int)(v * 3600);
    return -1;
}

int cube_cmd_proxy(int argc, char **argv)
{
    char *kubeconfig = NULL, *hostname = NULL, *cidr = NULL, *period = NULL, *mode = NULL;
    bool masq_all = false, cleanup = false;
    int min_interval = 100;
    const cube_flag_t flags[] = {
        {"kubeconfig", CUBE_FLAG_STRING, &kubeconfig, "Path to the kubeconfig (required)"},
        {"hostname-override", CUBE_FLAG_STRING, &hostname,
         "This node's name: its endpoints are the local ones (default: the host name)"},
        {"cluster-cidr", CUBE_FLAG_STRING, &cidr,
         "Pod CIDR: traffic to a ClusterIP from outside it is masqueraded"},
        {"masquerade-all", CUBE_FLAG_BOOL, &masq_all, "Masquerade all traffic sent to a ClusterIP"},
        {"sync-period", CUBE_FLAG_STRING, &period,
         "Period of the full resync of the rules (default 30s)"},
        {"min-sync-interval-ms", CUBE_FLAG_INT, &min_interval,
         "Least time between two syncs: changes within it are coalesced"},
        {"proxy-mode", CUBE_FLAG_STRING, &mode,
         "iptables (default) or nftables (table ip kube-proxy; no sessionAffinity yet)"},
        {"cleanup", CUBE_FLAG_BOOL, &cleanup,
         "Remove every chain and rule the proxy created, then exit"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int exit_code = 0;
    int rc = cube_flags_parse("proxy", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    if (rc == 1)
        goto done;
    if (rc < 0) {
        fprintf(stderr, "cube proxy: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    int period_sec = period && *period ? parse_seconds(period) : 30;
    if (period_sec <= 0) {
        fprintf(stderr, "cube proxy: invalid --sync-period %s\n", period);
        exit_code = 2;
        goto done;
    }
    char host[256] = "";
    if (!hostname || !*hostname)
        gethostname(host, sizeof(host) - 1);
    const cube_proxy_config_t cfg = {
        .kubeconfig = kubeconfig,
        .hostname = hostname && *hostname ? hostname : host,
        .cluster_cidr = cidr && *cidr ? cidr : NULL,
        .masquerade_all = masq_all,
        .sync_period_sec = period_sec,
        .min_sync_interval_ms = min_interval,
        .mode = mode,
    };
    if (cleanup) {
        if (cube_proxy_cleanup(&cfg, &err) < 0) {
            fprintf(stderr, "cube proxy: %s\n", err.msg);
            exit_code = 1;
        }
        goto done;
    }
    if (!kubeconfig || !*kubeconfig) {
        fprintf(stderr, "cube proxy: --kubeconfig is required\n");
        exit_code = 2;
        goto done;
    }
    signal(SIGPIPE, SIG_IGN);
    atomic_bool stop = false;
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    cube_cmd_signals_t *sig = cube_cmd_signals_start(&stop);
    if (cube_proxy_run(&cfg, &stop, &err) < 0) {
        fprintf(stderr, "cube proxy: %s\n", err.msg);
        exit_code = 1;
    }
    cube_cmd_signals_stop(sig);
done:
    free(kubeconfig);
    free(hostname);
    free(cidr);
    free(period);
    free(mode);
    return exit_code;
}
