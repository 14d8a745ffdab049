/*
 * cube scheduler: flags (and /etc/cube/config.yaml) -> cube_scheduler_config_t
 * -> cube_scheduler_run(). SIGTERM and SIGINT set its stop flag (signals.c).
 */
#include "cmd/cmd.h"
#include "scheduler/scheduler.h"

int cube_cmd_scheduler(int argc, char **argv)
{
    char *kubeconfig = NULL, *name = NULL, *lease_ns = NULL, *lease_name = NULL;
    bool leader_elect = true;
    int workers = 16, burst = 0, qps = 0;
    const cube_flag_t flags[] = {
        {"kubeconfig", CUBE_FLAG_STRING, &kubeconfig, "Path to the kubeconfig (required)"},
        {"scheduler-name", CUBE_FLAG_STRING, &name,
         "Schedule pods whose spec.schedulerName is this (default \"default-scheduler\")"},
        {"leader-elect", CUBE_FLAG_BOOL, &leader_elect,
         "Schedule only while holding the leader election Lease"},
        {"leader-elect-resource-namespace", CUBE_FLAG_STRING, &lease_ns,
         "Namespace of the leader election Lease (default kube-system)"},
        {"leader-elect-resource-name", CUBE_FLAG_STRING, &lease_name,
         "Name of the leader election Lease (default kube-scheduler)"},
        {"bind-workers", CUBE_FLAG_INT, &workers, "Threads doing bindings and status writes"},
        {"kube-api-qps", CUBE_FLAG_INT, &qps, "Client rate limit (0: unlimited)"},
        {"kube-api-burst", CUBE_FLAG_INT, &burst, "Client burst"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int exit_code = 0;
    int rc = cube_flags_parse("scheduler", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    if (rc == 1)
        goto done;
    if (rc < 0) {
        fprintf(stderr, "cube scheduler: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    if (!kubeconfig || !*kubeconfig) {
        fprintf(stderr, "cube scheduler: --kubeconfig is required\n");
        exit_code = 2;
        goto done;
    }
    const cube_scheduler_config_t cfg = {
        .kubeconfig = kubeconfig,
        .scheduler_name = name && *name ? name : "default-scheduler",
        .leader_elect = leader_elect,
        .lease_namespace = lease_ns && *lease_ns ? lease_ns : "kube-system",
        .lease_name = lease_name && *lease_name ? lease_name : "kube-scheduler",
        .bind_workers = workers,
        .qps = qps,
        .burst = burst,
    };

    atomic_bool stop = false;
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    cube_cmd_signals_t *sig = cube_cmd_signals_start(&stop);
    if (cube_scheduler_run(&cfg, &stop, &err) < 0) {
        fprintf(stderr, "cube scheduler: %s\n", err.msg);
        exit_code = 1;
    }
    cube_cmd_signals_stop(sig);
done:
    free(kubeconfig);
    free(name);
    free(lease_ns);
    free(lease_name);
    return exit_code;
}
