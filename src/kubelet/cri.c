/*
 * cri.c: the CRI calls of cri.h, each a unary gRPC call (grpc.h) with the
 * generated protobuf-c messages of proto/cri.proto. The method paths are the
 * protocol's ("/runtime.v1.RuntimeService/<Rpc>"); deadlines follow the
 * kubelet's: the runtime request timeout for everything, longer for stops,
 * exec and pulls, whose duration the caller chose.
 */
#include "kubelet/cri.h"

#include "grpc/grpc.h"

#define RT "/runtime.v1.RuntimeService/"
#define IMG "/runtime.v1.ImageService/"

struct cube_cri {
    cube_grpc_conn_t *conn;
    int timeout_ms;
};

int cube_cri_new(const char *endpoint, int timeout_ms, cube_cri_t **ret, cube_err_t *err)
{
    cube_grpc_conn_t *conn;
    if (cube_grpc_conn_new(endpoint, &conn, err) < 0)
        return -1;
    cube_cri_t *cri = xcalloc(1, sizeof(*cri));
    cri->conn = conn;
    cri->timeout_ms = timeout_ms > 0 ? timeout_ms : CUBE_CRI_DEFAULT_TIMEOUT_MS;
    *ret = cri;
    return 0;
}

void cube_cri_free(cube_cri_t *cri)
{
    if (!cri)
        return;
    cube_grpc_conn_free(cri->conn);
    free(cri);
}

void cube_cri_msg_free(void *msg)
{
    if (msg)
        protobuf_c_message_free_unpacked(msg, NULL);
}

void cube_cri_msg_freep(void *pmsg)
{
    cube_cri_msg_free(*(void **)pmsg);
}

const char *cube_cri_container_state_name(int state)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&runtime__v1__container_state__descriptor, state);
    return v ? v->name : "CONTAINER_UNKNOWN";
}

const char *cube_cri_sandbox_state_name(int state)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&runtime__v1__pod_sandbox_state__descriptor, state);
    return v ? v->name : "SANDBOX_NOTREADY";
}

/* One call: req packed, reply unpacked as desc. rpc names the call in errors. */
static int call(cube_cri_t *cri, const char *method, const void *req,
                const ProtobufCMessageDescriptor *desc, int timeout_ms, void *ret, cube_err_t *err)
{
    ProtobufCMessage *m;
    if (cube_grpc_call(cri->conn, method, req, desc, timeout_ms > 0 ? timeout_ms : cri->timeout_ms,
                       &m, err) < 0)
        return -1;
    *(ProtobufCMessage **)ret = m;
    return 0;
}

/* A call whose reply carries nothing the caller needs. */
static int call_void(cube_cri_t *cri, const char *method, const void *req,
                     const ProtobufCMessageDescriptor *desc, int timeout_ms, cube_err_t *err)
{
    ProtobufCMessage *m;
    if (call(cri, method, req, desc, timeout_ms, &m, err) < 0)
        return -1;
    protobuf_c_message_free_unpacked(m, NULL);
    return 0;
}

/* ---- runtime ------------------------------------------------------------- */

int cube_cri_version(cube_cri_t *cri, Runtime__V1__VersionResponse **ret, cube_err_t *err)
{
    Runtime__V1__VersionRequest req = RUNTIME__V1__VERSION_REQUEST__INIT;
    req.version = (char *)CUBE_CRI_API_VERSION;
    return call(cri, RT "Version", &req, &runtime__v1__version_response__descriptor, 0, ret, err);
}

int cube_cri_status(cube_cri_t *cri, bool verbose, Runtime__V1__StatusResponse **ret,
                    cube_err_t *err)
{
    Runtime__V1__StatusRequest req = RUNTIME__V1__STATUS_REQUEST__INIT;
    req.verbose = verbose;
    return call(cri, RT "Status", &req, &runtime__v1__status_response__descriptor, 0, ret, err);
}

const Runtime__V1__RuntimeCondition *
cube_cri_status_condition(const Runtime__V1__StatusResponse *resp, const char *type)
{
    if (!resp || !resp->status)
        return NULL;
    for (size_t i = 0; i < resp->status->n_conditions; i++)
        if (resp->status->conditions[i]->type && !strcmp(resp->status->conditions[i]->type, type))
            return resp->status->conditions[i];
    return NULL;
}

/* ---- sandboxes ------------------------------------------------------------- */

int cube_cri_run_pod_sandbox(cube_cri_t *cri, const Runtime__V1__PodSandboxConfig *config,
                             const char *runtime_handler, char **ret_id, cube_err_t *err)
{
    Runtime__V1__RunPodSandboxRequest req = RUNTIME__V1__RUN_POD_SANDBOX_REQUEST__INIT;
    req.config = (Runtime__V1__PodSandboxConfig *)config;
    if (runtime_handler)
        req.runtime_handler = (char *)runtime_handler;
    _cleanup_cri_ Runtime__V1__RunPodSandboxResponse *resp = NULL;
    if (call(cri, RT "RunPodSandbox", &req, &runtime__v1__run_pod_sandbox_response__descriptor, 0,
             &resp, err) < 0)
        return -1;
    *ret_id = xstrdup(resp->pod_sandbox_id);
    return 0;
}

int cube_cri_stop_pod_sandbox(cube_cri_t *cri, const char *id, cube_err_t *err)
{
    Runtime__V1__StopPodSandboxRequest req = RUNTIME__V1__STOP_POD_SANDBOX_REQUEST__INIT;
    req.pod_sandbox_id = (char *)id;
    return call_void(cri, RT "StopPodSandbox", &req,
                     &runtime__v1__stop_pod_sandbox_response__descriptor, 0, err);
}

int cube_cri_remove_pod_sandbox(cube_cri_t *cri, const char *id, cube_err_t *err)
{
    Runtime__V1__RemovePodSandboxRequest req = RUNTIME__V1__REMOVE_POD_SANDBOX_REQUEST__INIT;
    req.pod_sandbox_id = (char *)id;
    return call_void(cri, RT "RemovePodSandbox", &req,
                     &runtime__v1__remove_pod_sandbox_response__descriptor, 0, err);
}

int cube_cri_pod_sandbox_status(cube_cri_t *cri, const char *id, bool verbose,
                                Runtime__V1__PodSandboxStatusResponse **ret, cube_err_t *err)
{
    Runtime__V1__PodSandboxStatusRequest req = RUNTIME__V1__POD_SANDBOX_STATUS_REQUEST__INIT;
    req.pod_sandbox_id = (char *)id;
    req.verbose = verbose;
    return call(cri, RT "PodSandboxStatus", &req,
                &runtime__v1__pod_sandbox_status_response__descriptor, 0, ret, err);
}

int cube_cri_list_pod_sandbox(cube_cri_t *cri, const Runtime__V1__PodSandboxFilter *filter,
                              Runtime__V1__ListPodSandboxResponse **ret, cube_err_t *err)
{
    Runtime__V1__ListPodSandboxRequest req = RUNTIME__V1__LIST_POD_SANDBOX_REQUEST__INIT;
    req.filter = (Runtime__V1__PodSandboxFilter *)filter;
    return call(cri, RT "ListPodSandbox", &req, &runtime__v1__list_pod_sandbox_response__descriptor,
                0, ret, err);
}

/* ---- containers -------------------------------------------------------------- */

int cube_cri_create_container(cube_cri_t *cri, const char *sandbox_id,
                              const Runtime__V1__ContainerConfig *config,
                              const Runtime__V1__PodSandboxConfig *sandbox_config, char **ret_id,
                              cube_err_t *err)
{
    Runtime__V1__CreateContainerRequest req = RUNTIME__V1__CREATE_CONTAINER_REQUEST__INIT;
    req.pod_sandbox_id = (char *)sandbox_id;
    req.config = (Runtime__V1__ContainerConfig *)config;
    req.sandbox_config = (Runtime__V1__PodSandboxConfig *)sandbox_config;
    _cleanup_cri_ Runtime__V1__CreateContainerResponse *resp = NULL;
    if (call(cri, RT "CreateContainer", &req, &runtime__v1__create_container_response__descriptor,
             0, &resp, err) < 0)
        return -1;
    *ret_id = xstrdup(resp->container_id);
    return 0;
}

int cube_cri_start_container(cube_cri_t *cri, const char *id, cube_err_t *err)
{
    Runtime__V1__StartContainerRequest req = RUNTIME__V1__START_CONTAINER_REQUEST__INIT;
    req.container_id = (char *)id;
    return call_void(cri, RT "StartContainer", &req,
                     &runtime__v1__start_container_response__descriptor, 0, err);
}

int cube_cri_stop_container(cube_cri_t *cri, const char *id, int64_t timeout_s, cube_err_t *err)
{
    Runtime__V1__StopContainerRequest req = RUNTIME__V1__STOP_CONTAINER_REQUEST__INIT;
    req.container_id = (char *)id;
    req.timeout = timeout_s > 0 ? timeout_s : 0;
    int64_t ms = (int64_t)cri->timeout_ms + req.timeout * 1000;
    return call_void(cri, RT "StopContainer", &req,
                     &runtime__v1__stop_container_response__descriptor,
                     ms > INT32_MAX ? INT32_MAX : (int)ms, err);
}

int cube_cri_remove_container(cube_cri_t *cri, const char *id, cube_err_t *err)
{
    Runtime__V1__RemoveContainerRequest req = RUNTIME__V1__REMOVE_CONTAINER_REQUEST__INIT;
    req.container_id = (char *)id;
    return call_void(cri, RT "RemoveContainer", &req,
                     &runtime__v1__remove_container_response__descriptor, 0, err);
}

int cube_cri_list_containers(cube_cri_t *cri, const Runtime__V1__ContainerFilter *filter,
                             Runtime__V1__ListContainersResponse **ret, cube_err_t *err)
{
    Runtime__V1__ListContainersRequest req = RUNTIME__V1__LIST_CONTAINERS_REQUEST__INIT;
    req.filter = (Runtime__V1__ContainerFilter *)filter;
    return call(cri, RT "ListContainers", &req, &runtime__v1__list_containers_response__descriptor,
                0, ret, err);
}

int cube_cri_container_status(cube_cri_t *cri, const char *id, bool verbose,
                              Runtime__V1__ContainerStatusResponse **ret, cube_err_t *err)
{
    Runtime__V1__ContainerStatusRequest req = RUNTIME__V1__CONTAINER_STATUS_REQUEST__INIT;
    req.container_id = (char *)id;
    req.verbose = verbose;
    return call(cri, RT "ContainerStatus", &req,
                &runtime__v1__container_status_response__descriptor, 0, ret, err);
}

int cube_cri_update_container_resources(cube_cri_t *cri, const char *id,
                                        const Runtime__V1__LinuxContainerResources *linux_res,
                                        cube_err_t *err)
{
    Runtime__V1__UpdateContainerResourcesRequest req =
        RUNTIME__V1__UPDATE_CONTAINER_RESOURCES_REQUEST__INIT;
    req.container_id = (char *)id;
    req.linux = (Runtime__V1__LinuxContainerResources *)linux_res;
    return call_void(cri, RT "UpdateContainerResources", &req,
                     &runtime__v1__update_container_resources_response__descriptor, 0, err);
}

int cube_cri_reopen_container_log(cube_cri_t *cri, const char *id, cube_err_t *err)
{
    Runtime__V1__ReopenContainerLogRequest req = RUNTIME__V1__REOPEN_CONTAINER_LOG_REQUEST__INIT;
    req.container_id = (char *)id;
    return call_void(cri, RT "ReopenContainerLog", &req,
                     &runtime__v1__reopen_container_log_response__descriptor, 0, err);
}

/* ---- exec, attach, port-forward ------------------------------------------------ */

int cube_cri_exec_sync(cube_cri_t *cri, const char *id, const char *const *cmd, int64_t timeout_s,
                       Runtime__V1__ExecSyncResponse **ret, cube_err_t *err)
{
    Runtime__V1__ExecSyncRequest req = RUNTIME__V1__EXEC_SYNC_REQUEST__INIT;
    req.container_id = (char *)id;
    size_t n = 0;
    while (cmd && cmd[n])
        n++;
    req.n_cmd = n;
    req.cmd = (char **)cmd;
    req.timeout = timeout_s > 0 ? timeout_s : 0;
    int64_t ms = req.timeout ? req.timeout * 1000 + 2000 : cri->timeout_ms;
    return call(cri, RT "ExecSync", &req, &runtime__v1__exec_sync_response__descriptor,
                ms > INT32_MAX ? INT32_MAX : (int)ms, ret, err);
}

/* The three streaming-session calls answer a URL only. */
static int call_url(cube_cri_t *cri, const char *method, const void *req,
                    const ProtobufCMessageDescriptor *desc, char **ret_url, cube_err_t *err)
{
    ProtobufCMessage *m;
    if (call(cri, method, req, desc, 0, &m, err) < 0)
        return -1;
    /* ExecResponse, AttachResponse and PortForwardResponse all hold `string url = 1` */
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(desc, "url");
    const char *url = *(char *const *)((const char *)m + f->offset);
    *ret_url = xstrdup(url ? url : "");
    protobuf_c_message_free_unpacked(m, NULL);
    return 0;
}

int cube_cri_exec(cube_cri_t *cri, const Runtime__V1__ExecRequest *req, char **ret_url,
                  cube_err_t *err)
{
    return call_url(cri, RT "Exec", req, &runtime__v1__exec_response__descriptor, ret_url, err);
}

int cube_cri_attach(cube_cri_t *cri, const Runtime__V1__AttachRequest *req, char **ret_url,
                    cube_err_t *err)
{
    return call_url(cri, RT "Attach", req, &runtime__v1__attach_response__descriptor, ret_url, err);
}

int cube_cri_port_forward(cube_cri_t *cri, const char *sandbox_id, const int32_t *ports,
                          size_t nports, char **ret_url, cube_err_t *err)
{
    Runtime__V1__PortForwardRequest req = RUNTIME__V1__PORT_FORWARD_REQUEST__INIT;
    req.pod_sandbox_id = (char *)sandbox_id;
    req.n_port = nports;
    req.port = (int32_t *)ports;
    return call_url(cri, RT "PortForward", &req, &runtime__v1__port_forward_response__descriptor,
                    ret_url, err);
}

/* ---- stats ------------------------------------------------------------------------ */

int cube_cri_container_stats(cube_cri_t *cri, const char *id,
                             Runtime__V1__ContainerStatsResponse **ret, cube_err_t *err)
{
    Runtime__V1__ContainerStatsRequest req = RUNTIME__V1__CONTAINER_STATS_REQUEST__INIT;
    req.container_id = (char *)id;
    return call(cri, RT "ContainerStats", &req, &runtime__v1__container_stats_response__descriptor,
                0, ret, err);
}

int cube_cri_list_container_stats(cube_cri_t *cri, const Runtime__V1__ContainerStatsFilter *filter,
                                  Runtime__V1__ListContainerStatsResponse **ret, cube_err_t *err)
{
    Runtime__V1__ListContainerStatsRequest req = RUNTIME__V1__LIST_CONTAINER_STATS_REQUEST__INIT;
    req.filter = (Runtime__V1__ContainerStatsFilter *)filter;
    return call(cri, RT "ListContainerStats", &req,
                &runtime__v1__list_container_stats_response__descriptor, 0, ret, err);
}

/* ---- images --------------------------------------------------------------------- */

int cube_cri_image_status(cube_cri_t *cri, const char *image, bool verbose,
                          Runtime__V1__ImageStatusResponse **ret, cube_err_t *err)
{
    Runtime__V1__ImageSpec spec = RUNTIME__V1__IMAGE_SPEC__INIT;
    spec.image = (char *)image;
    Runtime__V1__ImageStatusRequest req = RUNTIME__V1__IMAGE_STATUS_REQUEST__INIT;
    req.image = &spec;
    req.verbose = verbose;
    return call(cri, IMG "ImageStatus", &req, &runtime__v1__image_status_response__descriptor, 0,
                ret, err);
}

int cube_cri_list_images(cube_cri_t *cri, const Runtime__V1__ImageFilter *filter,
                         Runtime__V1__ListImagesResponse **ret, cube_err_t *err)
{
    Runtime__V1__ListImagesRequest req = RUNTIME__V1__LIST_IMAGES_REQUEST__INIT;
    req.filter = (Runtime__V1__ImageFilter *)filter;
    return call(cri, IMG "ListImages", &req, &runtime__v1__list_images_response__descriptor, 0, ret,
                err);
}

int cube_cri_pull_image(cube_cri_t *cri, const char *image, const Runtime__V1__AuthConfig *auth,
                        const Runtime__V1__PodSandboxConfig *sandbox_config, char **ret_ref,
                        cube_err_t *err)
{
    Runtime__V1__ImageSpec spec = RUNTIME__V1__IMAGE_SPEC__INIT;
    spec.image = (char *)image;
    Runtime__V1__PullImageRequest req = RUNTIME__V1__PULL_IMAGE_REQUEST__INIT;
    req.image = &spec;
    req.auth = (Runtime__V1__AuthConfig *)auth;
    req.sandbox_config = (Runtime__V1__PodSandboxConfig *)sandbox_config;
    int64_t ms = (int64_t)cri->timeout_ms * 5;
    _cleanup_cri_ Runtime__V1__PullImageResponse *resp = NULL;
    if (call(cri, IMG "PullImage", &req, &runtime__v1__pull_image_response__descriptor,
             ms > INT32_MAX ? INT32_MAX : (int)ms, &resp, err) < 0)
        return -1;
    *ret_ref = xstrdup(resp->image_ref);
    return 0;
}

int cube_cri_remove_image(cube_cri_t *cri, const char *image, cube_err_t *err)
{
    Runtime__V1__ImageSpec spec = RUNTIME__V1__IMAGE_SPEC__INIT;
    spec.image = (char *)image;
    Runtime__V1__RemoveImageRequest req = RUNTIME__V1__REMOVE_IMAGE_REQUEST__INIT;
    req.image = &spec;
    return call_void(cri, IMG "RemoveImage", &req, &runtime__v1__remove_image_response__descriptor,
                     0, err);
}

int cube_cri_image_fs_info(cube_cri_t *cri, Runtime__V1__ImageFsInfoResponse **ret, cube_err_t *err)
{
    Runtime__V1__ImageFsInfoRequest req = RUNTIME__V1__IMAGE_FS_INFO_REQUEST__INIT;
    return call(cri, IMG "ImageFsInfo", &req, &runtime__v1__image_fs_info_response__descriptor, 0,
                ret, err);
}
