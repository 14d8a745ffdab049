# PodSecurity admission as kubectl sees it: namespace labels
# pod-security.kubernetes.io/{enforce,warn}, the Pod Security Standards'
# checks and upstream's exact messages. Expected lines are what kubectl v1.32
# prints against a real cluster.

psa_pod() { # NAME [extra spec JSON merged in]
    jq -n -c --arg n "$1" --argjson x "${2:-{\}}" \
        '{apiVersion: "v1", kind: "Pod", metadata: {name: $n},
          spec: ({containers: [{name: "c", image: "nginx"}]} + $x)}'
}

psa_ns() { # LABEL=VALUE...: a fresh namespace with these labels
    local ns
    ns=$(new_ns psa)
    kc label ns "$ns" "$@" >/dev/null
    echo "$ns"
}

RESTRICTED_C='allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'

test_enforce_restricted_refuses() {
    ns=$(psa_ns pod-security.kubernetes.io/enforce=restricted)
    OUT=$(psa_pod p | kc create --validate=false -n "$ns" -f - 2>&1) && fail "pod admitted"
    assert_eq "Error from server (Forbidden): error when creating \"STDIN\": pods \"p\" is forbidden: violates PodSecurity \"restricted:latest\": $RESTRICTED_C" "$OUT"
    assert_fails_with 'NotFound' kc get pod p -n "$ns"
    # a pod that meets restricted is created
    psa_pod ok '{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"nginx","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    assert_eq ok "$(kc get pod ok -n "$ns" -o jsonpath='{.metadata.name}')"
}

test_enforce_baseline_and_version() {
    ns=$(psa_ns pod-security.kubernetes.io/enforce=baseline pod-security.kubernetes.io/enforce-version=v1.31)
    # a plain pod is baseline
    psa_pod plain | kc create --validate=false -n "$ns" -f - >/dev/null
    OUT=$(psa_pod p '{"hostNetwork":true,"containers":[{"name":"c","image":"nginx","securityContext":{"privileged":true}}]}' |
        kc create --validate=false -n "$ns" -f - 2>&1) && fail "privileged pod admitted"
    assert_eq 'Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: violates PodSecurity "baseline:v1.31": host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true)' "$OUT"
}

test_privileged_namespace_allows_everything() {
    ns=$(psa_ns pod-security.kubernetes.io/enforce=privileged)
    psa_pod p '{"hostPID":true,"volumes":[{"name":"h","hostPath":{"path":"/"}}],"containers":[{"name":"c","image":"nginx","securityContext":{"privileged":true}}]}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    assert_eq true "$(kc get pod p -n "$ns" -o jsonpath='{.spec.hostPID}')"
    # no labels at all: privileged too
    ns2=$(new_ns psa)
    psa_pod p '{"hostIPC":true}' | kc create --validate=false -n "$ns2" -f - >/dev/null
}

test_pod_update_enforced() {
    ns=$(psa_ns pod-security.kubernetes.io/enforce=baseline)
    psa_pod p | kc create --validate=false -n "$ns" -f - >/dev/null
    # metadata-only updates are exempt; a forbidden spec change is refused
    kc label pod p -n "$ns" a=b >/dev/null
    OUT=$(kc patch pod p -n "$ns" --type=json -p '[{"op":"add","path":"/spec/containers/0/securityContext","value":{"privileged":true}}]' 2>&1) && fail "patch admitted"
    assert_contains "$OUT" 'pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)'
}

test_deployment_template_not_enforced() {
    ns=$(psa_ns pod-security.kubernetes.io/enforce=restricted)
    kc create deployment d --image=nginx -n "$ns" >/dev/null
    assert_eq d "$(kc get deploy d -n "$ns" -o jsonpath='{.metadata.name}')"
}

# Warning headers: the admission chain cannot reach the request's warnings yet
# (cube_admission_create/update take no request context).
test_warn_shows_warning() {
    ns=$(psa_ns pod-security.kubernetes.io/warn=restricted)
    OUT=$(psa_pod p | kc create --validate=false -n "$ns" -f - 2>&1)
    assert_eq "Warning: would violate PodSecurity \"restricted:latest\": $RESTRICTED_C
pod/p created" "$OUT"
}

test_deployment_warns_about_template() {
    ns=$(psa_ns pod-security.kubernetes.io/enforce=restricted)
    OUT=$(kc create deployment d --image=nginx -n "$ns" 2>&1)
    assert_eq 'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")
deployment.apps/d created' "$OUT"
}
