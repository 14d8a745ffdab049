/*
 * cube apiserver: flags -> cube_apiserver_config_t -> cube_apiserver_run().
 */
#include "cmd/cmd.h"

int cube_cmd_apiserver(int argc, char **argv)
{
    fprintf(stderr, "cube apiserver: not built yet\n");
    return 1;
}
