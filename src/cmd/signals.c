/*
 * Stopping a long-running component: SIGINT and SIGTERM are blocked in every
 * thread and taken by one waiter thread, which sets the component's stop flag.
 * The component's own threads never see a signal; they poll the flag.
 */
#include "cmd/cmd.h"

#include <pthread.h>
#include <signal.h>

struct cube_cmd_signals {
    sigset_t set;
    atomic_bool *stop;
    pthread_t thread;
};

static void *wait_signal(void *arg)
{
    cube_cmd_signals_t *s = arg;
    int sig = 0;
    sigwait(&s->set, &sig);
    if (sig != SIGUSR2)
        cube_log_info("received signal %d, shutting down", sig);
    atomic_store(s->stop, true);
    return NULL;
}

cube_cmd_signals_t *cube_cmd_signals_start(atomic_bool *stop)
{
    cube_cmd_signals_t *s = xcalloc(1, sizeof(*s));
    s->stop = stop;
    sigemptyset(&s->set);
    sigaddset(&s->set, SIGINT);
    sigaddset(&s->set, SIGTERM);
    sigaddset(&s->set, SIGUSR2); /* our own wake-up, see cube_cmd_signals_stop */
    pthread_sigmask(SIG_BLOCK, &s->set, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_create(&s->thread, NULL, wait_signal, s);
    return s;
}

void cube_cmd_signals_stop(cube_cmd_signals_t *s)
{
    if (!s)
        return;
    if (!atomic_load(s->stop))
        pthread_kill(s->thread, SIGUSR2);
    pthread_join(s->thread, NULL);
    free(s);
}
