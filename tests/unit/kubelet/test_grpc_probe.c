/* Unit tests for the kubelet's gRPC probe (probes.c) against a fake gRPC server on TCP:
 * SERVING passes, NOT_SERVING and an unimplemented health service fail with the kubelet's
 * messages, and nobody listening fails as a connection timeout does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "health.pb-c.h"
#include "kubelet/internal.h"
#include "unit/grpc/h2_server.h"

static void handler(const char *path, const uint8_t *msg, size_t len, h2_reply_t *r, void *ud)
{
    (void)ud;
    if (strcmp(path, "/grpc.health.v1.Health/Check") != 0 || (*(bool *)ud)) {
        r->grpc_status = 12;
        r->grpc_message = "unknown service grpc.health.v1.Health";
        return;
    }
    Grpc__Health__V1__HealthCheckRequest *req =
        grpc__health__v1__health_check_request__unpack(NULL, len, msg);
    Grpc__Health__V1__HealthCheckResponse resp = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;
    resp.status = req && !strcmp(req->service, "ok")
                      ? GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING
                      : GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING;
    grpc__health__v1__health_check_request__free_unpacked(req, NULL);
    uint8_t buf[16];
    size_t n = grpc__health__v1__health_check_response__pack(&resp, buf);
    h2_reply_msg(r, buf, n);
}

static void test_grpc_probe(void **state)
{
    (void)state;
    bool unimplemented = false;
    h2_server_t *srv = h2_server_start_tcp(handler, &unimplemented);
    char msg[512] = "";
    assert_true(kl_grpc_probe("127.0.0.1", srv->port, "ok", 2, msg, sizeof(msg)));
    assert_false(kl_grpc_probe("127.0.0.1", srv->port, "sick", 2, msg, sizeof(msg)));
    assert_string_equal(msg, "service unhealthy (responded with \"NOT_SERVING\")");
    unimplemented = true;
    assert_false(kl_grpc_probe("127.0.0.1", srv->port, "", 2, msg, sizeof(msg)));
    assert_non_null(strstr(msg, "this server does not implement the grpc health protocol "
                                "(grpc.health.v1.Health): "));
    h2_server_stop(srv);
    assert_false(kl_grpc_probe("127.0.0.1", 1, "", 1, msg, sizeof(msg)));
    assert_non_null(strstr(msg, "timeout: failed to connect service \"127.0.0.1:1\" within 1s"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grpc_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
