/*
 * cube: one binary, one subcommand per component. This file holds only the
 * subcommand table; each subcommand lives in its own file in src/cmd/ and
 * turns flags into a config struct for its component (STYLE.md rule 4).
 */
#include "cmd/cmd.h"

#include <malloc.h>

/* jemalloc's settings, read at its start (the binary links it outside sanitizer builds; see
 * the Makefile): two arenas and dirty pages returned within a second keep every component's
 * resident memory near what glibc's malloc gave, at ~20% less CPU per API write. */
const char *malloc_conf = "narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0";

static const cube_cmd_t commands[] = {
    {"server", "Run a whole cluster on this machine (control plane + node)", cube_cmd_server},
    {"apiserver", "Run the Kubernetes API server", cube_cmd_apiserver},
    {"controller-manager", "Run the controller manager", cube_cmd_controller_manager},
    {"scheduler", "Run the scheduler", cube_cmd_scheduler},
    {"kubelet", "Run the node agent (pods through CRI)", cube_cmd_kubelet},
    {"cri-test", "Exercise the container runtime through CRI (e2e tests)", cube_cmd_cri_test},
    {"image", "Import OCI image archives into the node's containerd", cube_cmd_image},
    {"hollow-nodes", "Run simulated nodes (kubemark-style) for scale tests", cube_cmd_hollow_nodes},
    {"proxy", "Run the service proxy (iptables) of a node", cube_cmd_proxy},
    {"dns", "Run the cluster DNS server", cube_cmd_dns},
    {"network-policy", "Enforce NetworkPolicies on a node (iptables, ipset)", cube_cmd_netpol},
    {"kubectl", "Run kubectl with this machine's admin kubeconfig", cube_cmd_kubectl},
    {"version", "Print the version", cube_cmd_version},
};

bool cube_cmd_exists(const char *name)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(commands); i++)
        if (!strcmp(commands[i].name, name))
            return true;
    return false;
}

static void usage(FILE *f)
{
    fprintf(f, "cube: Kubernetes, written in C.\n\nUsage: cube <command> [flags]\n\nCommands:\n");
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(commands); i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nRun 'cube <command> --help' for a command's flags.\n");
}

int main(int argc, char **argv)
{
    /*
     * Large buffers (LIST responses of many MiB) go straight to mmap and back
     * to the kernel when freed: glibc's default raises its mmap threshold after
     * the first such free, and the memory then stays resident in the heap.
     * Few arenas: 64 write workers must not each keep an arena of garbage. (These
     * tune glibc's malloc, which sanitizer builds use; jemalloc: malloc_conf above.)
     */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_ARENA_MAX, 4);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(commands); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "cube: unknown command \"%s\"; run 'cube --help'\n", argv[1]);
    return 2;
}
