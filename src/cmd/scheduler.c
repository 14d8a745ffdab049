/*
 * cube scheduler: flags (and /etc/cube/config.yaml) -> cube_scheduler_config_t
 * -> cube_scheduler_run(). SIGTERM and SIGINT are taken by a sigwait thread
 * that sets the scheduler's stop flag.
 */
#include "cmd/cmd.h"
#include "scheduler/scheduler.h"

#include <pthread.h>
#include <signal.h>

typedef struct sigwaiter {
    sigset_t set;
    atomic_bool stop;
} sigwaiter_t;

static void *wait_signal(void *arg)
{
    sigwaiter_t *s = arg;
    int sig = 0;
    sigwait(&s->set, &sig);
    if (sig != SIGUSR2)
        cube_log_info("received signal %d, shutting down", sig);
    atomic_store(&s->stop, true);
    return NULL;
}

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

    /* Signals go to the waiter thread only: block them before any thread starts. */
    sigwaiter_t sw = {0};
    sigemptyset(&sw.set);
    sigaddset(&sw.set, SIGINT);
    sigaddset(&sw.set, SIGTERM);
    sigaddset(&sw.set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &sw.set, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_t th;
    pthread_create(&th, NULL, wait_signal, &sw);
    if (cube_scheduler_run(&cfg, &sw.stop, &err) < 0) {
        fprintf(stderr, "cube scheduler: %s\n", err.msg);
        exit_code = 1;
    }
    /* Wake the waiter if the scheduler returned on its own. */
    if (!atomic_load(&sw.stop))
        pthread_kill(th, SIGUSR2);
    pthread_join(th, NULL);
done:
    free(kubeconfig);
    free(name);
    free(lease_ns);
    free(lease_name);
    return exit_code;
}
