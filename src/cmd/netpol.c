/*
 * cube network-policy: flags (and /etc/cube/config.yaml) ->
 * cube_netpol_config_t -> cube_netpol_run(), or cube_netpol_cleanup() with
 * --cleanup. The node's NetworkPolicy enforcer (iptables chains and ipsets).
 */
#include "cmd/cmd.h"
#include "netpol/netpol.h"

#include <signal.h>

int cube_cmd_netpol(int argc, char **argv)
{
    char *kubeconfig = NULL, *hostname = NULL;
    bool cleanup = false;
    int period = 30, min_interval = 100;
    const cube_flag_t flags[] = {
        {"kubeconfig", CUBE_FLAG_STRING, &kubeconfig, "Path to the kubeconfig (required)"},
        {"hostname-override", CUBE_FLAG_STRING, &hostname,
         "This node's name: its pods are the ones enforced (default: the host name)"},
        {"sync-period-sec", CUBE_FLAG_INT, &period, "Period of the full resync of the rules"},
        {"min-sync-interval-ms", CUBE_FLAG_INT, &min_interval,
         "Least time between two syncs: changes within it are coalesced"},
        {"cleanup", CUBE_FLAG_BOOL, &cleanup,
         "Remove every chain, rule and ipset the enforcer created, then exit"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int exit_code = 0;
    int rc = cube_flags_parse("network-policy", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    if (rc == 1)
        goto done;
    if (rc < 0) {
        fprintf(stderr, "cube network-policy: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    char host[256] = "";
    if (!hostname || !*hostname)
        gethostname(host, sizeof(host) - 1);
    const cube_netpol_config_t cfg = {
        .kubeconfig = kubeconfig,
        .node_name = hostname && *hostname ? hostname : host,
        .sync_period_sec = period,
        .min_sync_interval_ms = min_interval,
    };
    if (cleanup) {
        if (cube_netpol_cleanup(&cfg, &err) < 0) {
            fprintf(stderr, "cube network-policy: %s\n", err.msg);
            exit_code = 1;
        }
        goto done;
    }
    if (!kubeconfig || !*kubeconfig) {
        fprintf(stderr, "cube network-policy: --kubeconfig is required\n");
        exit_code = 2;
        goto done;
    }
    signal(SIGPIPE, SIG_IGN);
    atomic_bool stop = false;
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    cube_cmd_signals_t *sig = cube_cmd_signals_start(&stop);
    if (cube_netpol_run(&cfg, &stop, &err) < 0) {
        fprintf(stderr, "cube network-policy: %s\n", err.msg);
        exit_code = 1;
    }
    cube_cmd_signals_stop(sig);
done:
    free(kubeconfig);
    free(hostname);
    return exit_code;
}
