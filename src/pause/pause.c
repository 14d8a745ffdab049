/*
 * pause: the process of every pod sandbox. It holds the pod's namespaces
 * (network, IPC, and PID when shared) open by simply existing, reaps the
 * zombies re-parented to it when it is the pod's PID 1, and exits cleanly on
 * SIGINT or SIGTERM. Built statically (make's $(BUILD)/pause) so that its
 * image (scripts/build-images.sh) is that one file, like registry.k8s.io/pause.
 * It uses nothing of cube's library on purpose.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "-v")) {
        printf("pause (cube) 3.10\n");
        return 0;
    }
    if (getpid() != 1)
        fprintf(stderr, "pause: warning: not running as PID 1\n");

    /* Every signal is blocked and taken synchronously: PID 1 gets no default actions. */
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        int sig = sigwaitinfo(&all, NULL);
        switch (sig) {
        case SIGINT:
        case SIGTERM:
            fprintf(stderr, "pause: shutting down, got signal %d\n", sig);
            return 0;
        case SIGCHLD:
            while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
            break;
        default:
            break;
        }
    }
}
