/*
 * cube controller-manager: flags (and /etc/cube/config.yaml) ->
 * cube_ctrl_config_t -> cube_controller_manager_run(). SIGTERM and SIGINT set
 * its stop flag (signals.c).
 */
#include "cmd/cmd.h"
#include "controllers/controllers.h"

int cube_cmd_controller_manager(int argc, char **argv)
{
    char *kubeconfig = NULL, *controllers = NULL, *cidr = NULL, *root_ca = NULL;
    int grace = 50, mask = 24, syncs = 5;
    bool leader_elect = true;
    const cube_flag_t flags[] = {
        {"kubeconfig", CUBE_FLAG_STRING, &kubeconfig, "Path to the kubeconfig (required)"},
        {"controllers", CUBE_FLAG_STRING, &controllers,
         "Controllers to run: \"*\" or a comma list; \"-name\" disables one (default \"*\")"},
        {"leader-elect", CUBE_FLAG_BOOL, &leader_elect,
         "Run only while holding the kube-system/kube-controller-manager Lease"},
        {"node-monitor-grace-period", CUBE_FLAG_INT, &grace,
         "Seconds a node may go without renewing its Lease before it is NotReady"},
        {"cluster-cidr", CUBE_FLAG_STRING, &cidr, "CIDR of pod IPs (default 10.42.0.0/16)"},
        {"node-cidr-mask-size", CUBE_FLAG_INT, &mask, "Prefix length of each node's pod CIDR"},
        {"concurrent-syncs", CUBE_FLAG_INT, &syncs, "Worker threads per controller"},
        {"root-ca-file", CUBE_FLAG_STRING, &root_ca,
         "CA bundle published as kube-root-ca.crt in every namespace"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int exit_code = 0;
    _cleanup_free_ char *ca_pem = NULL;
    int rc = cube_flags_parse("controller-manager", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    if (rc == 1)
        goto done;
    if (rc < 0) {
        fprintf(stderr, "cube controller-manager: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    if (!kubeconfig || !*kubeconfig) {
        fprintf(stderr, "cube controller-manager: --kubeconfig is required\n");
        exit_code = 2;
        goto done;
    }
    if (root_ca && *root_ca && cube_file_read(root_ca, &ca_pem, NULL, &err) < 0) {
        fprintf(stderr, "cube controller-manager: --root-ca-file: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    const cube_ctrl_config_t cfg = {
        .workers = syncs > 0 ? syncs : 5,
        .node_monitor_grace_sec = grace,
        .node_monitor_period_sec = 5,
        .node_eviction_rate = 0.1,
        .cluster_cidr = cidr ? cidr : "10.42.0.0/16",
        .node_cidr_mask = mask,
        .root_ca_pem = ca_pem,
        .terminated_pod_gc_threshold = 12500,
    };

    atomic_bool stop = false;
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    cube_cmd_signals_t *sig = cube_cmd_signals_start(&stop);
    if (cube_controller_manager_run(&cfg, kubeconfig, controllers ? controllers : "*", leader_elect,
                                    &stop, &err) < 0) {
        fprintf(stderr, "cube controller-manager: %s\n", err.msg);
        exit_code = 1;
    }
    cube_cmd_signals_stop(sig);
done:
    free(kubeconfig);
    free(controllers);
    free(cidr);
    free(root_ca);
    return exit_code;
}
