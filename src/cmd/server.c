/*
 * cube server: flags -> cube_server_config_t -> cube_server_run().
 */
#include "cmd/cmd.h"
#include "server/server.h"

int cube_cmd_server(int argc, char **argv)
{
    char *data_dir = NULL, *bind = NULL, *adv = NULL, *kubeconfig = NULL, *node = NULL;
    char *cluster_cidr = NULL, *service_cidr = NULL, *endpoint = NULL;
    int port = 6443;
    bool disable_agent = false;
    const cube_flag_t flags[] = {
        {"data-dir", CUBE_FLAG_STRING, &data_dir,
         "Directory for the store, certificates, logs and containerd (default /var/lib/cube)"},
        {"bind-address", CUBE_FLAG_STRING, &bind, "Address to serve HTTPS on (default 0.0.0.0)"},
        {"secure-port", CUBE_FLAG_INT, &port, "Port of the API server (default 6443)"},
        {"advertise-address", CUBE_FLAG_STRING, &adv,
         "Address components and kubeconfigs use (default 127.0.0.1)"},
        {"write-kubeconfig", CUBE_FLAG_STRING, &kubeconfig,
         "Also write the admin kubeconfig here (default /etc/cube/cube.yaml)"},
        {"node-name", CUBE_FLAG_STRING, &node, "This machine's node name (default: host name)"},
        {"cluster-cidr", CUBE_FLAG_STRING, &cluster_cidr, "Pod network (default 10.42.0.0/16)"},
        {"service-cidr", CUBE_FLAG_STRING, &service_cidr,
         "Service cluster IPs (default 10.43.0.0/16)"},
        {"container-runtime-endpoint", CUBE_FLAG_STRING, &endpoint,
         "CRI socket to use (default: run containerd under the data dir)"},
        {"disable-agent", CUBE_FLAG_BOOL, &disable_agent,
         "Run the control plane only (no kubelet, proxy, containerd)"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    /* before any goto done: the cleanup attribute frees it on every way out */
    _cleanup_free_ char *self = realpath("/proc/self/exe", NULL);
    int exit_code = 0;
    int rc = cube_flags_parse("server", flags, CUBE_ARRAY_SIZE(flags), argc, argv,
                              "/etc/cube/config.yaml", &err);
    if (rc == 1)
        goto done;
    if (rc < 0) {
        fprintf(stderr, "cube server: %s\n", err.msg);
        exit_code = 2;
        goto done;
    }
    const cube_server_config_t cfg = {
        .self = self ? self : argv[0],
        .data_dir = data_dir ? data_dir : "/var/lib/cube",
        .bind_address = bind ? bind : "0.0.0.0",
        .secure_port = port,
        .advertise_address = adv,
        .write_kubeconfig = kubeconfig ? kubeconfig : "/etc/cube/cube.yaml",
        .node_name = node,
        .cluster_cidr = cluster_cidr ? cluster_cidr : "10.42.0.0/16",
        .service_cidr = service_cidr ? service_cidr : "10.43.0.0/16",
        .container_runtime_endpoint = endpoint,
        .disable_agent = disable_agent,
        .have_command = cube_cmd_exists,
    };
    atomic_bool stop = false;
    cube_flags_log(flags, CUBE_ARRAY_SIZE(flags));
    cube_cmd_signals_t *sig = cube_cmd_signals_start(&stop);
    if (cube_server_run(&cfg, &stop, &err) < 0) {
        fprintf(stderr, "cube server: %s\n", err.msg);
        exit_code = 1;
    }
    cube_cmd_signals_stop(sig);
done:
    free(data_dir);
    free(bind);
    free(adv);
    free(kubeconfig);
    free(node);
    free(cluster_cidr);
    free(service_cidr);
    free(endpoint);
    return exit_code;
}
