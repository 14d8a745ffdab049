/*
 * cube version: the version string, as `kubectl version` shows it for a server.
 */
#include "cmd/cmd.h"

int cube_cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-o") || !strncmp(argv[1], "--output", 8))) {
        printf("{\"major\":\"%s\",\"minor\":\"%s\",\"gitVersion\":\"%s\"}\n", CUBE_K8S_MAJOR,
               CUBE_K8S_MINOR, CUBE_GIT_VERSION);
        return 0;
    }
    printf("cube version %s (Kubernetes API %s.%s, compiled with gcc %s)\n", CUBE_GIT_VERSION,
           CUBE_K8S_MAJOR, CUBE_K8S_MINOR, __VERSION__);
    return 0;
}
