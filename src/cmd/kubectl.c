/*
 * `cube kubectl ...`: runs the kubectl on the PATH against this machine's
 * cluster, as `k3s kubectl` does. It does not reimplement kubectl: it picks
 * the admin kubeconfig (KUBECONFIG when set, else the one `cube server`
 * writes for people, /etc/cube/cube.yaml, else <data-dir>/admin.kubeconfig
 * under /var/lib/cube) and replaces itself with kubectl.
 */
#include "cmd/cmd.h"

#include <errno.h>

int cube_cmd_kubectl(int argc, char **argv)
{
    static const char *const candidates[] = {"/etc/cube/cube.yaml",
                                             "/var/lib/cube/admin.kubeconfig"};
    const char *kubeconfig = getenv("KUBECONFIG");
    if (!kubeconfig || !*kubeconfig) {
        kubeconfig = NULL;
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(candidates) && !kubeconfig; i++)
            if (access(candidates[i], R_OK) == 0)
                kubeconfig = candidates[i];
        if (!kubeconfig) {
            fprintf(stderr, "cube kubectl: no kubeconfig: set KUBECONFIG or start `cube server` "
                            "(it writes /etc/cube/cube.yaml)\n");
            return 1;
        }
        setenv("KUBECONFIG", kubeconfig, 1);
    }
    /* argv[0] is "kubectl" (the subcommand's name): kubectl gets the rest unchanged */
    char **args = xcalloc((size_t)argc + 1, sizeof(char *));
    args[0] = (char *)"kubectl";
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    execvp("kubectl", args);
    fprintf(stderr, "cube kubectl: cannot run kubectl: %s\n",
            errno == ENOENT ? "not found in PATH" : strerror(errno));
    free(args);
    return 1;
}
