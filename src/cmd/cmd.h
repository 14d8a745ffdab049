/*
 * cmd: the command line. Each subcommand parses its flags (and the config
 * file whose keys are the flag names) through one declarative flag table
 * (flags.c) into a const config for its component, then calls the
 * component's run function. No logic lives here.
 */
#ifndef CUBE_CMD_H
#define CUBE_CMD_H

#include "core/core.h"

typedef struct cube_cmd {
    const char *name;
    const char *help;
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name; returns exit code */
} cube_cmd_t;

int cube_cmd_apiserver(int argc, char **argv);
int cube_cmd_controller_manager(int argc, char **argv);
int cube_cmd_scheduler(int argc, char **argv);
int cube_cmd_kubelet(int argc, char **argv);
int cube_cmd_cri_test(int argc, char **argv);
int cube_cmd_image(int argc, char **argv);
int cube_cmd_version(int argc, char **argv);
int cube_cmd_hollow_nodes(int argc, char **argv);
int cube_cmd_proxy(int argc, char **argv);
int cube_cmd_dns(int argc, char **argv);
int cube_cmd_netpol(int argc, char **argv);
int cube_cmd_server(int argc, char **argv);
int cube_cmd_kubectl(int argc, char **argv);
/* Whether this binary has the subcommand (main.c). */
bool cube_cmd_exists(const char *name);

/* ---- stopping on SIGINT/SIGTERM (signals.c) ----------------------------- */

typedef struct cube_cmd_signals cube_cmd_signals_t;
/* Blocks SIGINT and SIGTERM in this and every later thread (call before starting any) and
   starts a thread that sets *stop when one arrives. */
cube_cmd_signals_t *cube_cmd_signals_start(atomic_bool *stop);
/* Ends the waiter thread (whether or not a signal came) and frees. */
void cube_cmd_signals_stop(cube_cmd_signals_t *s);

/* ---- flags (flags.c) ---------------------------------------------------- */

typedef enum { CUBE_FLAG_STRING, CUBE_FLAG_INT, CUBE_FLAG_BOOL } cube_flag_type_t;

/* One row of a subcommand's flag table; the same names are the config file's keys. */
typedef struct cube_flag {
    const char *name; /* "data-dir" (no dashes) */
    cube_flag_type_t type;
    void *target; /* char ** (strdup'd), int *, bool * */
    const char *help;
} cube_flag_t;

/*
 * Parses --name=value / --name value / -v N, after loading config_file (YAML
 * subset: "key: value" lines) when it exists and --config is not given.
 * Prints usage and returns 1 for --help (caller exits 0), -1 with a one-line
 * message in err for a bad flag.
 */
int cube_flags_parse(const char *cmd, const cube_flag_t *flags, size_t n, int argc, char **argv,
                     const char *config_file, cube_err_t *err);
/* Logs every flag's effective value ("FLAG: --name=\"value\""; tokens, passwords and
 * secrets redacted), as Kubernetes' components do at start: daemons call it once their
 * flags are validated, so that a configuration audit reads them from the log. */
void cube_flags_log(const cube_flag_t *flags, size_t n);

#endif
