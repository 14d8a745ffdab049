/*
 * cube hollow-nodes: flags -> cube_hollow_config_t -> cube_hollow_run().
 */
#include "cmd/cmd.h"
#include "hollow/hollow.h"

int cube_cmd_hollow_nodes(int argc, char **argv)
{
    char *kubeconfig = NULL, *prefix = NULL, *cpu = NULL, *memory = NULL, *pods = NULL;
    char *labels = NULL, *taints = NULL;
    int count = 1, first = 0, lease = 10, task_ms = 1000, workers = 16, zones = 0;
    const cube_flag_t flags[] = {
        {"kubeconfig", CUBE_FLAG_STRING, &kubeconfig, "Path to the kubeconfig (required)"},
        {"count", CUBE_FLAG_INT, &count, "Number of hollow nodes (default 1)"},
        {"first-index", CUBE_FLAG_INT, &first, "Index of the first node's name (default 0)"},
        {"name-prefix", CUBE_FLAG_STRING, &prefix, "Node names: <prefix><index> (hollow-node-)"},
        {"cpu", CUBE_FLAG_STRING, &cpu, "CPU capacity of each node (default 4)"},
        {"memory", CUBE_FLAG_STRING, &memory, "Memory capacity of each node (default 16Gi)"},
        {"max-pods", CUBE_FLAG_STRING, &pods, "Pod capacity of each node (default 110)"},
        {"node-labels", CUBE_FLAG_STRING, &labels, "Extra node labels k=v,k2=v2"},
        {"register-with-taints", CUBE_FLAG_STRING, &taints, "Node taints k=v:Effect,..."},
        {"lease-seconds", CUBE_FLAG_INT, &lease, "Lease renewal period (default 10)"},
        {"task-ms", CUBE_FLAG_INT, &task_ms,
         "How long a pod with restartPolicy Never/OnFailure runs (default 1000)"},
        {"workers", CUBE_FLAG_INT, &workers, "Threads writing pod status (default 16)"},
        {"zones", CUBE_FLAG_INT, &zones,
         "Label nodes topology.kubernetes.io/zone=zone-<index mod zones> (default 0: none)"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int exit_code = 0;
    int rc = cube_flags_parse("hollow-nodes", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    if (rc == 1)
        goto done;
    if (rc < 0 || !kubeconfig || count <= 0 || lease <= 0) {
        fprintf(stderr, "cube hollow-nodes: %s\n",
                rc < 0        ? err.msg
                : !kubeconfig ? "--kubeconfig is required"
                              : "--count and --lease-seconds must be positive");
        exit_code = 2;
        goto done;
    }
    const cube_hollow_config_t cfg = {
        .kubeconfig = kubeconfig,
        .count = count,
        .first = first,
        .prefix = prefix ? prefix : "hollow-node-",
        .cpu = cpu ? cpu : "4",
        .memory = memory ? memory : "16Gi",
        .pods = pods ? pods : "110",
        .labels = labels,
        .taints = taints,
        .lease_sec = lease,
        .task_ms = task_ms,
        .workers = workers,
        .zones = zones,
    };
    atomic_bool stop = false;
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    cube_cmd_signals_t *sig = cube_cmd_signals_start(&stop);
    if (cube_hollow_run(&cfg, &stop, &err) < 0) {
        fprintf(stderr, "cube hollow-nodes: %s\n", err.msg);
        exit_code = 1;
    }
    cube_cmd_signals_stop(sig);
done:
    free(kubeconfig);
    free(prefix);
    free(cpu);
    free(memory);
    free(pods);
    free(labels);
    free(taints);
    return exit_code;
}
