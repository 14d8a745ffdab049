/* Unit tests for src/apiserver/podsecurity.c: each Pod Security Standards check passes and
   fails with upstream's words, the checks' order, and the namespace-label policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "apiserver/internal.h"

/* Evaluates a pod given as JSON {"metadata":..., "spec":...}; "" when allowed. */
static char *eval(cube_psa_level_t level, const char *pod_json)
{
    json_auto_t *pod = json_loads(pod_json, 0, NULL);
    assert_non_null(pod);
    char *r =
        cube_psa_evaluate(level, json_object_get(pod, "metadata"), json_object_get(pod, "spec"));
    return r ? r : xstrdup("");
}

#define EXPECT(level, json, want)                                                                  \
    do {                                                                                           \
        _cleanup_free_ char *got_ = eval(level, json);                                             \
        assert_string_equal(got_, want);                                                           \
    } while (0)

/* A container that satisfies restricted. */
#define GOOD_SC                                                                                    \
    "\"securityContext\":{\"allowPrivilegeEscalation\":false,\"runAsNonRoot\":true,"               \
    "\"seccompProfile\":{\"type\":\"RuntimeDefault\"},\"capabilities\":{\"drop\":[\"ALL\"]}}"

static void test_privileged_allows_all(void **state)
{
    EXPECT(CUBE_PSA_PRIVILEGED,
           "{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"securityContext\":"
           "{\"privileged\":true}}]}}",
           "");
}

static void test_restricted_default_pod(void **state)
{
    EXPECT(CUBE_PSA_RESTRICTED, "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}",
           "allowPrivilegeEscalation != false (container \"c\" must set "
           "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "
           "\"c\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod "
           "or container \"c\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or "
           "container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or "
           "\"Localhost\")");
    EXPECT(CUBE_PSA_BASELINE, "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}", "");
    EXPECT(CUBE_PSA_RESTRICTED, "{\"spec\":{\"containers\":[{\"name\":\"c\"," GOOD_SC "}]}}", "");
}

static void test_host_namespaces(void **state)
{
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"hostPID\":true,\"hostNetwork\":true,\"containers\":[{\"name\":\"c\"}]}}",
           "host namespaces (hostNetwork=true, hostPID=true)");
    EXPECT(CUBE_PSA_BASELINE, "{\"spec\":{\"hostIPC\":false,\"containers\":[{\"name\":\"c\"}]}}",
           "");
}

static void test_privileged(void **state)
{
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"initContainers\":[{\"name\":\"i\",\"securityContext\":{\"privileged\":"
           "true}}],\"containers\":[{\"name\":\"c\",\"securityContext\":{\"privileged\":true}},"
           "{\"name\":\"d\",\"securityContext\":{\"privileged\":false}}]}}",
           "privileged (containers \"i\", \"c\" must not set securityContext.privileged=true)");
}

static void test_capabilities(void **state)
{
    const char *pod = "{\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{"
                      "\"capabilities\":{\"add\":[\"SYS_ADMIN\",\"CHOWN\",\"NET_RAW\"]}}}]}}";
    EXPECT(CUBE_PSA_BASELINE, pod,
           "non-default capabilities (container \"c\" must not include \"NET_RAW\", "
           "\"SYS_ADMIN\" in securityContext.capabilities.add)");
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{"
           "\"capabilities\":{\"add\":[\"CHOWN\",\"KILL\"]}}}]}}",
           "");
    EXPECT(CUBE_PSA_RESTRICTED,
           "{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":"
           "\"Localhost\"}},\"containers\":[{\"name\":\"c\",\"securityContext\":{"
           "\"allowPrivilegeEscalation\":false,\"capabilities\":{\"add\":[\"CHOWN\"]}}}]}}",
           "unrestricted capabilities (container \"c\" must set "
           "securityContext.capabilities.drop=[\"ALL\"]; container \"c\" must not include "
           "\"CHOWN\" in securityContext.capabilities.add)");
    EXPECT(CUBE_PSA_RESTRICTED,
           "{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":"
           "\"Localhost\"}},\"containers\":[{\"name\":\"c\",\"securityContext\":{"
           "\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"],\"add\":["
           "\"NET_BIND_SERVICE\"]}}}]}}",
           "");
}

static void test_host_path_and_volumes(void **state)
{
    const char *pod = "{\"spec\":{\"volumes\":[{\"name\":\"h\",\"hostPath\":{\"path\":\"/\"}},"
                      "{\"name\":\"e\",\"emptyDir\":{}},{\"name\":\"n\",\"nfs\":{\"server\":\"s\","
                      "\"path\":\"/\"}}],\"containers\":[{\"name\":\"c\"," GOOD_SC "}]}}";
    EXPECT(CUBE_PSA_BASELINE, pod, "hostPath volumes (volume \"h\")");
    EXPECT(CUBE_PSA_RESTRICTED, pod,
           "hostPath volumes (volume \"h\"), restricted volume types (volumes \"h\", \"n\" use "
           "restricted volume types \"hostPath\", \"nfs\")");
    EXPECT(CUBE_PSA_RESTRICTED,
           "{\"spec\":{\"volumes\":[{\"name\":\"s\",\"secret\":{}},{\"name\":\"p\","
           "\"persistentVolumeClaim\":{}}],\"containers\":[{\"name\":\"c\"," GOOD_SC "}]}}",
           "");
}

static void test_host_ports(void **state)
{
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,"
           "\"hostPort\":8080},{\"containerPort\":81,\"hostPort\":443}]},{\"name\":\"b\","
           "\"ports\":[{\"containerPort\":80}]}]}}",
           "hostPort (container \"a\" uses hostPorts 443, 8080)");
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"hostPort\":1}]},{\"name\":"
           "\"b\",\"ports\":[{\"hostPort\":1}]}]}}",
           "hostPort (containers \"a\", \"b\" use hostPort 1)");
}

static void test_apparmor_selinux_procmount(void **state)
{
    EXPECT(CUBE_PSA_BASELINE,
           "{\"metadata\":{\"annotations\":{\"container.apparmor.security.beta.kubernetes.io/c\":"
           "\"unconfined\",\"container.apparmor.security.beta.kubernetes.io/d\":\"runtime/"
           "default\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
           "forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/"
           "c=\"unconfined\")");
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"securityContext\":{\"seLinuxOptions\":{\"type\":\"spc_t\"}},"
           "\"containers\":[{\"name\":\"c\",\"securityContext\":{\"seLinuxOptions\":{\"user\":"
           "\"u\"}}},{\"name\":\"d\",\"securityContext\":{\"seLinuxOptions\":{\"type\":"
           "\"container_t\",\"level\":\"s0\"}}}]}}",
           "seLinuxOptions (pod and container \"c\" set forbidden securityContext.seLinuxOptions: "
           "type \"spc_t\"; user may not be set)");
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"procMount\":"
           "\"Unmasked\"}},{\"name\":\"d\",\"securityContext\":{\"procMount\":\"Default\"}}]}}",
           "procMount (container \"c\" must not set securityContext.procMount to \"Unmasked\")");
}

static void test_seccomp_sysctls_hostprocess(void **state)
{
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"securityContext\":{\"seccompProfile\":{\"type\":\"Unconfined\"}},"
           "\"containers\":[{\"name\":\"c\",\"securityContext\":{\"seccompProfile\":{\"type\":"
           "\"Unconfined\"}}},{\"name\":\"d\"}]}}",
           "seccompProfile (pod and container \"c\" must not set "
           "securityContext.seccompProfile.type to \"Unconfined\")");
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"securityContext\":{\"sysctls\":[{\"name\":\"kernel.shm_rmid_forced\"},"
           "{\"name\":\"kernel.msgmax\"},{\"name\":\"net.core.somaxconn\"}]},\"containers\":[{"
           "\"name\":\"c\"}]}}",
           "forbidden sysctls (kernel.msgmax, net.core.somaxconn)");
    EXPECT(CUBE_PSA_BASELINE,
           "{\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"windowsOptions\":{"
           "\"hostProcess\":true}}}]}}",
           "hostProcess (container \"c\" must not set "
           "securityContext.windowsOptions.hostProcess=true)");
}

static void test_run_as(void **state)
{
    EXPECT(CUBE_PSA_RESTRICTED,
           "{\"spec\":{\"securityContext\":{\"runAsNonRoot\":false,\"runAsUser\":0},"
           "\"containers\":[{\"name\":\"c\",\"securityContext\":{\"allowPrivilegeEscalation\":"
           "false,\"runAsNonRoot\":false,\"runAsUser\":0,\"seccompProfile\":{\"type\":"
           "\"RuntimeDefault\"},\"capabilities\":{\"drop\":[\"ALL\"]}}}]}}",
           "runAsNonRoot != true (pod and container \"c\" must not set "
           "securityContext.runAsNonRoot=false), runAsUser=0 (pod and container \"c\" must not "
           "set runAsUser=0)");
    /* the pod-level setting covers containers */
    EXPECT(CUBE_PSA_RESTRICTED,
           "{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":1000},"
           "\"containers\":[{\"name\":\"c\",\"securityContext\":{\"allowPrivilegeEscalation\":"
           "false,\"seccompProfile\":{\"type\":\"RuntimeDefault\"},\"capabilities\":{\"drop\":["
           "\"ALL\"]}}}]}}",
           "");
    /* a user namespace relaxes the root checks */
    EXPECT(CUBE_PSA_RESTRICTED,
           "{\"spec\":{\"hostUsers\":false,\"containers\":[{\"name\":\"c\",\"securityContext\":{"
           "\"allowPrivilegeEscalation\":false,\"runAsUser\":0,\"seccompProfile\":{\"type\":"
           "\"RuntimeDefault\"},\"capabilities\":{\"drop\":[\"ALL\"]}}}]}}",
           "");
}

static void test_order(void **state)
{
    EXPECT(
        CUBE_PSA_RESTRICTED,
        "{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"test\","
        "\"securityContext\":{\"privileged\":true,\"runAsUser\":0}}]}}",
        "host namespaces (hostNetwork=true), privileged (container \"test\" must not set "
        "securityContext.privileged=true), allowPrivilegeEscalation != false (container "
        "\"test\" must set securityContext.allowPrivilegeEscalation=false), unrestricted "
        "capabilities (container \"test\" must set securityContext.capabilities.drop=[\"ALL\"]), "
        "runAsNonRoot != true (pod or container \"test\" must set "
        "securityContext.runAsNonRoot=true), runAsUser=0 (container \"test\" must not set "
        "runAsUser=0), seccompProfile (pod or container \"test\" must set "
        "securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
}

static void test_policy(void **state)
{
    json_auto_t *pod = json_loads("{\"spec\":{\"hostPID\":true,\"containers\":[{\"name\":\"c\""
                                  "}]}}",
                                  0, NULL);
    const json_t *meta = json_object_get(pod, "metadata"), *spec = json_object_get(pod, "spec");
    /* enforce refuses a pod */
    json_auto_t *l1 = json_loads("{\"pod-security.kubernetes.io/enforce\":\"baseline\"}", 0, NULL);
    json_auto_t *w = json_array();
    cube_err_t err = CUBE_ERR_INIT;
    assert_int_equal(cube_podsecurity_check(l1, true, "p", meta, spec, w, &err), -1);
    assert_int_equal(err.code, 403);
    assert_string_equal(err.reason, "Forbidden");
    assert_string_equal(err.msg, "pods \"p\" is forbidden: violates PodSecurity "
                                 "\"baseline:latest\": host namespaces (hostPID=true)");
    assert_int_equal(json_array_size(w), 0);
    cube_err_clear(&err);
    /* ... a template only earns a warning */
    assert_int_equal(cube_podsecurity_check(l1, false, "d", meta, spec, w, &err), 0);
    assert_int_equal(json_array_size(w), 1);
    assert_string_equal(json_string_value(json_array_get(w, 0)),
                        "would violate PodSecurity \"baseline:latest\": host namespaces "
                        "(hostPID=true)");
    /* warn with a version; enforce privileged */
    json_auto_t *l2 = json_loads("{\"pod-security.kubernetes.io/enforce\":\"privileged\","
                                 "\"pod-security.kubernetes.io/warn\":\"baseline\","
                                 "\"pod-security.kubernetes.io/warn-version\":\"v1.30\"}",
                                 0, NULL);
    json_array_clear(w);
    assert_int_equal(cube_podsecurity_check(l2, true, "p", meta, spec, w, &err), 0);
    assert_int_equal(json_array_size(w), 1);
    assert_string_equal(json_string_value(json_array_get(w, 0)),
                        "would violate PodSecurity \"baseline:v1.30\": host namespaces "
                        "(hostPID=true)");
    /* no labels: privileged */
    json_auto_t *l3 = json_object();
    json_array_clear(w);
    assert_int_equal(cube_podsecurity_check(l3, true, "p", meta, spec, w, &err), 0);
    assert_int_equal(json_array_size(w), 0);
    /* an unknown level counts as restricted */
    json_auto_t *l4 = json_loads("{\"pod-security.kubernetes.io/enforce\":\"bogus\"}", 0, NULL);
    assert_int_equal(cube_podsecurity_check(l4, true, "p", meta, spec, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "\"restricted:latest\""));
    cube_err_clear(&err);
    assert_int_equal(cube_psa_level_parse("baseline"), CUBE_PSA_BASELINE);
    assert_int_equal(cube_psa_level_parse("x"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_privileged_allows_all),
        cmocka_unit_test(test_restricted_default_pod),
        cmocka_unit_test(test_host_namespaces),
        cmocka_unit_test(test_privileged),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_host_path_and_volumes),
        cmocka_unit_test(test_host_ports),
        cmocka_unit_test(test_apparmor_selinux_procmount),
        cmocka_unit_test(test_seccomp_sysctls_hostprocess),
        cmocka_unit_test(test_run_as),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
