/* Unit tests for src/kubelet/cri.c: each typed call reaches the protocol's method path with the
 * request fields set, and its reply (or error) comes back typed. A fake CRI server on
 * tests/unit/grpc/h2_server.h decodes the requests with the same generated code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "kubelet/cri.h"
#include "unit/grpc/h2_server.h"

typedef struct seen {
    char path[128];
} seen_t;

#define RT "/runtime.v1.RuntimeService/"
#define IMG "/runtime.v1.ImageService/"

static void reply_pb(h2_reply_t *r, const void *msg)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = xmalloc(n + 1);
    protobuf_c_message_pack(msg, buf);
    h2_reply_msg(r, buf, n);
    free(buf);
}

static void handler(const char *path, const uint8_t *msg, size_t len, h2_reply_t *r, void *ud)
{
    seen_t *seen = ud;
    snprintf(seen->path, sizeof(seen->path), "%s", path);
    if (!strcmp(path, RT "Version")) {
        Runtime__V1__VersionRequest *req = runtime__v1__version_request__unpack(NULL, len, msg);
        if (!req || strcmp(req->version, "v1")) {
            r->grpc_status = 3;
            r->grpc_message = "bad%20version";
        } else {
            Runtime__V1__VersionResponse resp = RUNTIME__V1__VERSION_RESPONSE__INIT;
            resp.version = "0.1.0";
            resp.runtime_name = "fake";
            resp.runtime_version = "9.9";
            resp.runtime_api_version = "v1";
            reply_pb(r, &resp);
        }
        runtime__v1__version_request__free_unpacked(req, NULL);
    } else if (!strcmp(path, RT "Status")) {
        Runtime__V1__RuntimeCondition c1 = RUNTIME__V1__RUNTIME_CONDITION__INIT,
                                      c2 = RUNTIME__V1__RUNTIME_CONDITION__INIT;
        c1.type = "RuntimeReady";
        c1.status = true;
        c2.type = "NetworkReady";
        c2.reason = "NetworkPluginNotReady";
        Runtime__V1__RuntimeCondition *cs[] = {&c1, &c2};
        Runtime__V1__RuntimeStatus st = RUNTIME__V1__RUNTIME_STATUS__INIT;
        st.n_conditions = 2;
        st.conditions = cs;
        Runtime__V1__StatusResponse resp = RUNTIME__V1__STATUS_RESPONSE__INIT;
        resp.status = &st;
        reply_pb(r, &resp);
    } else if (!strcmp(path, RT "RunPodSandbox")) {
        Runtime__V1__RunPodSandboxRequest *req =
            runtime__v1__run_pod_sandbox_request__unpack(NULL, len, msg);
        char id[128];
        snprintf(id, sizeof(id), "sb-%s-%s-%s-%zu-%s", req->config->metadata->namespace_,
                 req->config->metadata->name, req->config->hostname, req->config->n_labels,
                 req->config->n_labels ? req->config->labels[0]->value : "");
        Runtime__V1__RunPodSandboxResponse resp = RUNTIME__V1__RUN_POD_SANDBOX_RESPONSE__INIT;
        resp.pod_sandbox_id = id;
        reply_pb(r, &resp);
        runtime__v1__run_pod_sandbox_request__free_unpacked(req, NULL);
    } else if (!strcmp(path, RT "CreateContainer")) {
        Runtime__V1__CreateContainerRequest *req =
            runtime__v1__create_container_request__unpack(NULL, len, msg);
        char id[128];
        snprintf(id, sizeof(id), "c-%s-%s-%s-%s", req->pod_sandbox_id, req->config->metadata->name,
                 req->config->image->image,
                 req->sandbox_config ? req->sandbox_config->metadata->name : "-");
        Runtime__V1__CreateContainerResponse resp = RUNTIME__V1__CREATE_CONTAINER_RESPONSE__INIT;
        resp.container_id = id;
        reply_pb(r, &resp);
        runtime__v1__create_container_request__free_unpacked(req, NULL);
    } else if (!strcmp(path, RT "ContainerStatus")) {
        Runtime__V1__ContainerStatusRequest *req =
            runtime__v1__container_status_request__unpack(NULL, len, msg);
        if (!strcmp(req->container_id, "missing")) {
            r->grpc_status = 5;
            r->grpc_message = "an%20error%20occurred%20when%20try%20to%20find%20container%20%"
                              "22missing%22:%20not%20found";
        } else {
            Runtime__V1__ContainerStatus st = RUNTIME__V1__CONTAINER_STATUS__INIT;
            st.id = req->container_id;
            st.state = RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED;
            st.exit_code = 137;
            st.reason = "OOMKilled";
            Runtime__V1__ContainerStatusResponse resp =
                RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INIT;
            resp.status = &st;
            reply_pb(r, &resp);
        }
        runtime__v1__container_status_request__free_unpacked(req, NULL);
    } else if (!strcmp(path, RT "ExecSync")) {
        Runtime__V1__ExecSyncRequest *req = runtime__v1__exec_sync_request__unpack(NULL, len, msg);
        char out[256] = "";
        for (size_t i = 0; i < req->n_cmd; i++) {
            strcat(out, req->cmd[i]);
            strcat(out, i + 1 < req->n_cmd ? " " : "");
        }
        char err[32];
        snprintf(err, sizeof(err), "timeout=%lld", (long long)req->timeout);
        Runtime__V1__ExecSyncResponse resp = RUNTIME__V1__EXEC_SYNC_RESPONSE__INIT;
        resp.stdout.data = (uint8_t *)out;
        resp.stdout.len = strlen(out);
        resp.stderr.data = (uint8_t *)err;
        resp.stderr.len = strlen(err);
        resp.exit_code = (int32_t)req->n_cmd;
        reply_pb(r, &resp);
        runtime__v1__exec_sync_request__free_unpacked(req, NULL);
    } else if (!strcmp(path, RT "StopContainer")) {
        Runtime__V1__StopContainerRequest *req =
            runtime__v1__stop_container_request__unpack(NULL, len, msg);
        if (req->timeout != 30 || strcmp(req->container_id, "c1")) {
            r->grpc_status = 3;
            r->grpc_message = "wrong";
        } else {
            Runtime__V1__StopContainerResponse resp = RUNTIME__V1__STOP_CONTAINER_RESPONSE__INIT;
            reply_pb(r, &resp);
        }
        runtime__v1__stop_container_request__free_unpacked(req, NULL);
    } else if (!strcmp(path, RT "PortForward")) {
        Runtime__V1__PortForwardRequest *req =
            runtime__v1__port_forward_request__unpack(NULL, len, msg);
        char url[128];
        snprintf(url, sizeof(url), "http://127.0.0.1:1/portforward/%s/%d,%d", req->pod_sandbox_id,
                 req->port[0], req->port[1]);
        Runtime__V1__PortForwardResponse resp = RUNTIME__V1__PORT_FORWARD_RESPONSE__INIT;
        resp.url = url;
        reply_pb(r, &resp);
        runtime__v1__port_forward_request__free_unpacked(req, NULL);
    } else if (!strcmp(path, IMG "ImageStatus")) {
        Runtime__V1__ImageStatusRequest *req =
            runtime__v1__image_status_request__unpack(NULL, len, msg);
        Runtime__V1__ImageStatusResponse resp = RUNTIME__V1__IMAGE_STATUS_RESPONSE__INIT;
        Runtime__V1__Image img = RUNTIME__V1__IMAGE__INIT;
        char *tags[] = {req->image->image};
        if (!strcmp(req->image->image, "cube.local/busybox:latest")) {
            img.id = "sha256:abc";
            img.size = 2130695;
            img.n_repo_tags = 1;
            img.repo_tags = tags;
            resp.image = &img;
        }
        reply_pb(r, &resp);
        runtime__v1__image_status_request__free_unpacked(req, NULL);
    } else if (!strcmp(path, RT "RemovePodSandbox") || !strcmp(path, RT "StartContainer")) {
        Runtime__V1__RemovePodSandboxResponse resp = RUNTIME__V1__REMOVE_POD_SANDBOX_RESPONSE__INIT;
        reply_pb(r, &resp);
    } else {
        r->grpc_status = 12;
        r->grpc_message = "unknown%20method";
    }
}

typedef struct fixture {
    h2_server_t *srv;
    seen_t seen;
    cube_cri_t *cri;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof(*f));
    f->srv = h2_server_start(handler, &f->seen);
    cube_err_t err = CUBE_ERR_INIT;
    if (cube_cri_new(f->srv->path, 5000, &f->cri, &err) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    cube_cri_free(f->cri);
    h2_server_stop(f->srv);
    free(f);
    return 0;
}

static void test_version_and_status(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_cri_ Runtime__V1__VersionResponse *v = NULL;
    assert_int_equal(cube_cri_version(f->cri, &v, &err), 0);
    assert_string_equal(f->seen.path, "/runtime.v1.RuntimeService/Version");
    assert_string_equal(v->runtime_name, "fake");
    assert_string_equal(v->runtime_api_version, "v1");

    _cleanup_cri_ Runtime__V1__StatusResponse *st = NULL;
    assert_int_equal(cube_cri_status(f->cri, false, &st, &err), 0);
    const Runtime__V1__RuntimeCondition *rr = cube_cri_status_condition(st, "RuntimeReady");
    const Runtime__V1__RuntimeCondition *nr = cube_cri_status_condition(st, "NetworkReady");
    assert_non_null(rr);
    assert_true(rr->status);
    assert_non_null(nr);
    assert_false(nr->status);
    assert_string_equal(nr->reason, "NetworkPluginNotReady");
    assert_null(cube_cri_status_condition(st, "Other"));
}

static void test_sandbox_and_container(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    Runtime__V1__PodSandboxMetadata meta = RUNTIME__V1__POD_SANDBOX_METADATA__INIT;
    meta.name = "web";
    meta.namespace_ = "prod";
    meta.uid = "u1";
    Runtime__V1__PodSandboxConfig__LabelsEntry l =
        RUNTIME__V1__POD_SANDBOX_CONFIG__LABELS_ENTRY__INIT;
    l.key = "app";
    l.value = "web";
    Runtime__V1__PodSandboxConfig__LabelsEntry *ls[] = {&l};
    Runtime__V1__PodSandboxConfig cfg = RUNTIME__V1__POD_SANDBOX_CONFIG__INIT;
    cfg.metadata = &meta;
    cfg.hostname = "web-0";
    cfg.n_labels = 1;
    cfg.labels = ls;
    _cleanup_free_ char *sb = NULL;
    assert_int_equal(cube_cri_run_pod_sandbox(f->cri, &cfg, NULL, &sb, &err), 0);
    assert_string_equal(f->seen.path, "/runtime.v1.RuntimeService/RunPodSandbox");
    assert_string_equal(sb, "sb-prod-web-web-0-1-web");

    Runtime__V1__ContainerMetadata cm = RUNTIME__V1__CONTAINER_METADATA__INIT;
    cm.name = "main";
    Runtime__V1__ImageSpec img = RUNTIME__V1__IMAGE_SPEC__INIT;
    img.image = "busybox";
    Runtime__V1__ContainerConfig cc = RUNTIME__V1__CONTAINER_CONFIG__INIT;
    cc.metadata = &cm;
    cc.image = &img;
    _cleanup_free_ char *ctr = NULL;
    assert_int_equal(cube_cri_create_container(f->cri, sb, &cc, &cfg, &ctr, &err), 0);
    assert_string_equal(ctr, "c-sb-prod-web-web-0-1-web-main-busybox-web");
    assert_int_equal(cube_cri_start_container(f->cri, ctr, &err), 0);
    assert_string_equal(f->seen.path, "/runtime.v1.RuntimeService/StartContainer");
    assert_int_equal(cube_cri_stop_container(f->cri, "c1", 30, &err), 0);
    assert_int_equal(cube_cri_remove_pod_sandbox(f->cri, sb, &err), 0);
    assert_string_equal(f->seen.path, "/runtime.v1.RuntimeService/RemovePodSandbox");

    _cleanup_cri_ Runtime__V1__ContainerStatusResponse *cs = NULL;
    assert_int_equal(cube_cri_container_status(f->cri, "c9", false, &cs, &err), 0);
    assert_int_equal(cs->status->state, RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED);
    assert_string_equal(cube_cri_container_state_name(cs->status->state), "CONTAINER_EXITED");
    assert_int_equal(cs->status->exit_code, 137);
    assert_string_equal(cs->status->reason, "OOMKilled");
}

static void test_errors_are_typed(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    Runtime__V1__ContainerStatusResponse *cs = NULL;
    assert_int_equal(cube_cri_container_status(f->cri, "missing", false, &cs, &err), -1);
    assert_null(cs); /* outputs written only on success */
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
    assert_string_equal(err.msg, "rpc error: code = NotFound desc = an error occurred when try to "
                                 "find container \"missing\": not found");
    cube_err_clear(&err);
    assert_int_equal(cube_cri_stop_container(f->cri, "c1", 5, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    cube_err_clear(&err);
    assert_int_equal(cube_cri_reopen_container_log(f->cri, "c1", &err), -1);
    assert_string_equal(err.reason, "MethodNotAllowed");
    assert_string_equal(f->seen.path, "/runtime.v1.RuntimeService/ReopenContainerLog");
}

static void test_exec_and_port_forward(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    static const char *const cmd[] = {"cat", "/etc/hostname", NULL};
    _cleanup_cri_ Runtime__V1__ExecSyncResponse *ex = NULL;
    assert_int_equal(cube_cri_exec_sync(f->cri, "c1", cmd, 7, &ex, &err), 0);
    assert_int_equal(ex->exit_code, 2);
    assert_int_equal(ex->stdout.len, strlen("cat /etc/hostname"));
    assert_memory_equal(ex->stdout.data, "cat /etc/hostname", ex->stdout.len);
    assert_memory_equal(ex->stderr.data, "timeout=7", ex->stderr.len);

    int32_t ports[] = {8080, 9090};
    _cleanup_free_ char *url = NULL;
    assert_int_equal(cube_cri_port_forward(f->cri, "sb1", ports, 2, &url, &err), 0);
    assert_string_equal(url, "http://127.0.0.1:1/portforward/sb1/8080,9090");
}

static void test_image_status(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_cri_ Runtime__V1__ImageStatusResponse *have = NULL, *missing = NULL;
    assert_int_equal(cube_cri_image_status(f->cri, "cube.local/busybox:latest", false, &have, &err),
                     0);
    assert_string_equal(f->seen.path, "/runtime.v1.ImageService/ImageStatus");
    assert_non_null(have->image);
    assert_string_equal(have->image->id, "sha256:abc");
    assert_int_equal(have->image->size, 2130695);
    /* absent is not an error: the image is NULL */
    assert_int_equal(cube_cri_image_status(f->cri, "nope:1", false, &missing, &err), 0);
    assert_null(missing->image);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_version_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sandbox_and_container, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_are_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_and_port_forward, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_status, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
