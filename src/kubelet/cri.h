/*
 * cri: the kubelet's typed client of the container runtime interface (CRI
 * v1, runtime.v1.RuntimeService and runtime.v1.ImageService) over gRPC on the
 * runtime's unix socket. The kubelet never runs a container itself: every
 * sandbox, container, exec and image operation goes through these calls to
 * containerd's CRI plugin, as Kubernetes' kubelet does through cri-api's
 * remote runtime client.
 *
 * Types are the protobuf-c structs generated from proto/cri.proto
 * ($(BUILD)/gen/cri.pb-c.h, Runtime__V1__*). Requests are borrowed: build them
 * on the stack with the generated *__INIT macros. Responses are returned
 * unpacked: the caller owns them and frees with cube_cri_msg_free (or the
 * _cleanup_cri_ attribute); output pointers are written only on success.
 *
 * Errors: gRPC statuses become cube_err_t as grpc.h describes (NotFound for a
 * sandbox, container or image the runtime does not know; ServiceUnavailable
 * when the socket is not there; Timeout past the deadline); the message reads
 * "rpc error: code = ... desc = ..." as Kubernetes shows runtime errors.
 *
 * Threads: a cube_cri_t is used by any number of threads at once; calls are
 * concurrent streams on one connection. Every call blocks its caller until
 * the runtime answers or the deadline (the client's request timeout, or the
 * call's own) passes.
 */
#ifndef CUBE_KUBELET_CRI_H
#define CUBE_KUBELET_CRI_H

#include "core/core.h"
#include "cri.pb-c.h"

#include <sys/types.h>

/* The CRI API version the kubelet asks for in Version. */
#define CUBE_CRI_API_VERSION "v1"
/* The kubelet's default --runtime-request-timeout: 2 minutes. */
#define CUBE_CRI_DEFAULT_TIMEOUT_MS (2 * 60 * 1000)

typedef struct cube_cri cube_cri_t;

/*
 * A client of the runtime at endpoint ("unix:///run/containerd/containerd.sock"
 * or a plain absolute path). Connects lazily (the first call); timeout_ms is the
 * deadline of every call (<= 0: CUBE_CRI_DEFAULT_TIMEOUT_MS). Errors:
 * BadRequest for an endpoint that is not a unix socket path.
 */
int cube_cri_new(const char *endpoint, int timeout_ms, cube_cri_t **ret, cube_err_t *err);
/* Closes the connection; no call may be in flight. Accepts NULL. */
void cube_cri_free(cube_cri_t *cri);

/* Frees any unpacked response. Accepts NULL. */
void cube_cri_msg_free(void *msg);
void cube_cri_msg_freep(void *pmsg);
#define _cleanup_cri_ _cleanup_(cube_cri_msg_freep)

/* "CONTAINER_RUNNING", "SANDBOX_READY": the enum's name, as crictl prints states. */
const char *cube_cri_container_state_name(int state);
const char *cube_cri_sandbox_state_name(int state);

/* ---- runtime ------------------------------------------------------------- */

/* Version (asks for CUBE_CRI_API_VERSION): runtime name and version. */
int cube_cri_version(cube_cri_t *cri, Runtime__V1__VersionResponse **ret, cube_err_t *err);
/* Status: the RuntimeReady and NetworkReady conditions (and info when verbose). */
int cube_cri_status(cube_cri_t *cri, bool verbose, Runtime__V1__StatusResponse **ret,
                    cube_err_t *err);
/* Finds condition type ("RuntimeReady", "NetworkReady") in a Status response; NULL if absent.
 * Borrowed from resp. */
const Runtime__V1__RuntimeCondition *
cube_cri_status_condition(const Runtime__V1__StatusResponse *resp, const char *type);

/* ---- sandboxes ------------------------------------------------------------- */

/* RunPodSandbox: creates and starts the pod's sandbox (pause container, network
 * namespace set up by CNI). runtime_handler NULL = the default. *ret_id: caller frees. */
int cube_cri_run_pod_sandbox(cube_cri_t *cri, const Runtime__V1__PodSandboxConfig *config,
                             const char *runtime_handler, char **ret_id, cube_err_t *err);
/* StopPodSandbox: kills its containers, tears its network down. Idempotent. */
int cube_cri_stop_pod_sandbox(cube_cri_t *cri, const char *id, cube_err_t *err);
/* RemovePodSandbox: removes it and its containers. Idempotent. */
int cube_cri_remove_pod_sandbox(cube_cri_t *cri, const char *id, cube_err_t *err);
/* PodSandboxStatus: state, IP (status->network->ip), metadata. NotFound if unknown. */
int cube_cri_pod_sandbox_status(cube_cri_t *cri, const char *id, bool verbose,
                                Runtime__V1__PodSandboxStatusResponse **ret, cube_err_t *err);
/* ListPodSandbox; filter NULL = all. */
int cube_cri_list_pod_sandbox(cube_cri_t *cri, const Runtime__V1__PodSandboxFilter *filter,
                              Runtime__V1__ListPodSandboxResponse **ret, cube_err_t *err);

/* ---- containers -------------------------------------------------------------- */

/* CreateContainer in a sandbox (sandbox_config: the one the sandbox was run with).
 * *ret_id: caller frees. */
int cube_cri_create_container(cube_cri_t *cri, const char *sandbox_id,
                              const Runtime__V1__ContainerConfig *config,
                              const Runtime__V1__PodSandboxConfig *sandbox_config, char **ret_id,
                              cube_err_t *err);
int cube_cri_start_container(cube_cri_t *cri, const char *id, cube_err_t *err);
/* StopContainer: SIGTERM (or the image's stop signal), SIGKILL after timeout_s seconds
 * (0: at once). The call's deadline is extended by timeout_s. Idempotent. */
int cube_cri_stop_container(cube_cri_t *cri, const char *id, int64_t timeout_s, cube_err_t *err);
/* RemoveContainer. Idempotent. */
int cube_cri_remove_container(cube_cri_t *cri, const char *id, cube_err_t *err);
/* ListContainers; filter NULL = all. */
int cube_cri_list_containers(cube_cri_t *cri, const Runtime__V1__ContainerFilter *filter,
                             Runtime__V1__ListContainersResponse **ret, cube_err_t *err);
/* ContainerStatus: state, exit code, reason ("OOMKilled", "Error", "Completed"), times in ns,
 * log path. NotFound if unknown. */
int cube_cri_container_status(cube_cri_t *cri, const char *id, bool verbose,
                              Runtime__V1__ContainerStatusResponse **ret, cube_err_t *err);
/* UpdateContainerResources: cgroup limits changed live. */
int cube_cri_update_container_resources(cube_cri_t *cri, const char *id,
                                        const Runtime__V1__LinuxContainerResources *linux_res,
                                        cube_err_t *err);
/* ReopenContainerLog: after the kubelet rotated the log file. */
int cube_cri_reopen_container_log(cube_cri_t *cri, const char *id, cube_err_t *err);

/* ---- exec, attach, port-forward ------------------------------------------------ */

/* ExecSync: runs cmd (NULL-terminated argv) in the container and collects its output
 * (stdout/stderr are ProtobufCBinaryData in *ret; exit_code). timeout_s 0 = no command
 * timeout (the call's deadline is then the client's); else the deadline is timeout_s + 2 s. */
int cube_cri_exec_sync(cube_cri_t *cri, const char *id, const char *const *cmd, int64_t timeout_s,
                       Runtime__V1__ExecSyncResponse **ret, cube_err_t *err);
/* Exec / Attach / PortForward: the URL of the runtime's streaming server that serves the
 * session (the kubelet proxies the client's stream to it). *ret_url: caller frees. */
int cube_cri_exec(cube_cri_t *cri, const Runtime__V1__ExecRequest *req, char **ret_url,
                  cube_err_t *err);
int cube_cri_attach(cube_cri_t *cri, const Runtime__V1__AttachRequest *req, char **ret_url,
                    cube_err_t *err);
int cube_cri_port_forward(cube_cri_t *cri, const char *sandbox_id, const int32_t *ports,
                          size_t nports, char **ret_url, cube_err_t *err);

/* ---- stats ------------------------------------------------------------------------ */

int cube_cri_container_stats(cube_cri_t *cri, const char *id,
                             Runtime__V1__ContainerStatsResponse **ret, cube_err_t *err);
/* filter NULL = every container. */
int cube_cri_list_container_stats(cube_cri_t *cri, const Runtime__V1__ContainerStatsFilter *filter,
                                  Runtime__V1__ListContainerStatsResponse **ret, cube_err_t *err);

/* ---- images --------------------------------------------------------------------- */

/* ImageStatus of a reference ("cube.local/busybox:latest", an id or a digest): (*ret)->image is
 * NULL when the runtime does not have it (not an error, as in CRI). Call this before PullImage:
 * containerd's PullImage always contacts the registry, even for an image it has. */
int cube_cri_image_status(cube_cri_t *cri, const char *image, bool verbose,
                          Runtime__V1__ImageStatusResponse **ret, cube_err_t *err);
/* ListImages; filter NULL = all. */
int cube_cri_list_images(cube_cri_t *cri, const Runtime__V1__ImageFilter *filter,
                         Runtime__V1__ListImagesResponse **ret, cube_err_t *err);
/* PullImage (auth and sandbox_config may be NULL): *ret_ref is the image's id. The call's
 * deadline is the client's timeout times 5 (pulls are slow). */
int cube_cri_pull_image(cube_cri_t *cri, const char *image, const Runtime__V1__AuthConfig *auth,
                        const Runtime__V1__PodSandboxConfig *sandbox_config, char **ret_ref,
                        cube_err_t *err);
/* RemoveImage. Idempotent. */
int cube_cri_remove_image(cube_cri_t *cri, const char *image, cube_err_t *err);
/* ImageFsInfo: bytes and inodes used by images. */
int cube_cri_image_fs_info(cube_cri_t *cri, Runtime__V1__ImageFsInfoResponse **ret,
                           cube_err_t *err);

/* ---- containerd as the node's runtime (containerd.c) ------------------------------ */

/*
 * A containerd that cube runs for itself (`cube server` without a --container-runtime-endpoint,
 * and the e2e tier): its config, root, state and socket live under one data dir, so it never
 * meets the machine's own containerd.
 *
 *   <data_dir>/config.toml      written by cube_containerd_write_config
 *   <data_dir>/containerd.sock  the CRI endpoint (cube_containerd_t.socket)
 *   <data_dir>/root, state/     containerd's root and state
 *   <data_dir>/cni/net.d        the CNI conf dir the node agent writes its network config to
 *   <data_dir>/containerd.log   its output; <data_dir>/containerd.pid
 *
 * The config carries what this machine kind needs (../shared/RUNTIME-FACTS.md): the CRI
 * plugin with restrict_oom_score_adj = true (without it no sandbox starts: no
 * CAP_SYS_RESOURCE), runc with cgroupfs (hybrid cgroups), our sandbox image (nothing can be
 * pulled), CNI binaries from /usr/lib/cni, the streaming server on 127.0.0.1 at a free port.
 */
typedef struct cube_containerd_config {
    const char *data_dir; /* required, absolute */
    const char *sandbox_image; /* NULL: CUBE_CONTAINERD_SANDBOX_IMAGE */
    const char *cni_bin_dir; /* NULL: /usr/lib/cni */
    const char *binary; /* NULL: "containerd" from PATH */
} cube_containerd_config_t;

#define CUBE_CONTAINERD_SANDBOX_IMAGE "registry.k8s.io/pause:3.10"

typedef struct cube_containerd {
    pid_t pid; /* 0 when an already running containerd was adopted without a live pid file */
    bool child; /* we forked it (waitpid works) */
    char *socket; /* absolute path of the CRI socket */
    char *cni_conf_dir;
    char *log_path;
} cube_containerd_t;

/* Writes <data_dir>/config.toml (atomically) and creates the directories. *ret_path (may be
 * NULL): caller frees. Errors: BadRequest for a data dir that is not absolute or holds a
 * quote or backslash; InternalError for I/O. */
int cube_containerd_write_config(const cube_containerd_config_t *cfg, char **ret_path,
                                 cube_err_t *err);
/*
 * Writes the config and starts containerd as a child (own session, output to the log file),
 * then waits up to wait_ms for its socket to accept connections. A containerd already
 * serving that socket (from an earlier run) is adopted instead. Errors: InternalError when it
 * exits or does not come up in time (the message holds the log's last line). Caller owns
 * *ret (cube_containerd_stop, then cube_containerd_free). Call from the main thread.
 */
int cube_containerd_start(const cube_containerd_config_t *cfg, int wait_ms, cube_containerd_t **ret,
                          cube_err_t *err);
/* SIGTERM, then SIGKILL after grace_ms; waits for it to be gone. Containers keep running (their
 * shims are not its children). Safe to call twice. */
void cube_containerd_stop(cube_containerd_t *cd, int grace_ms);
void cube_containerd_free(cube_containerd_t *cd); /* accepts NULL; does not stop it */

#endif
