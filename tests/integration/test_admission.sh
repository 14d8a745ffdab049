# Admission steps on pod creation, as kubectl sees them: DefaultTolerationSeconds,
# Priority (built-in classes, global default, unknown class refused),
# ServiceAccount (default account, and the existence check behind its flag)
# and LimitRanger (container defaults, the annotation, max/min refused).
# Expected lines are what kubectl v1.32 prints against a real cluster.

pod_json() { # NAME [extra spec JSON merged in]
    jq -n -c --arg n "$1" --argjson x "${2:-{\}}" \
        '{apiVersion: "v1", kind: "Pod", metadata: {name: $n},
          spec: ({containers: [{name: "c", image: "nginx"}]} + $x)}'
}

mkpod() { # NS NAME [extra spec JSON]
    pod_json "$2" "${3:-}" | kc create --validate=false -n "$1" -f -
}

test_default_toleration_seconds() {
    ns=$(new_ns at)
    mkpod "$ns" p >/dev/null
    out=$(kc get pod p -n "$ns" -o jsonpath='{range .spec.tolerations[*]}{.key}:{.operator}:{.effect}:{.tolerationSeconds}{"\n"}{end}')
    assert_eq "node.kubernetes.io/not-ready:Exists:NoExecute:300
node.kubernetes.io/unreachable:Exists:NoExecute:300" "$out"
}

test_default_toleration_kept_when_tolerated() {
    ns=$(new_ns au)
    mkpod "$ns" p '{"tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":5}]}' >/dev/null
    out=$(kc get pod p -n "$ns" -o jsonpath='{range .spec.tolerations[*]}{.key}:{.tolerationSeconds}{"\n"}{end}')
    assert_eq "node.kubernetes.io/unreachable:5
node.kubernetes.io/not-ready:300" "$out"
    # a toleration of every taint tolerates both
    mkpod "$ns" q '{"tolerations":[{"operator":"Exists"}]}' >/dev/null
    assert_eq '[{"operator":"Exists"}]' "$(kc get pod q -n "$ns" -o jsonpath='{.spec.tolerations}')"
}

test_service_account_defaulted() {
    ns=$(new_ns as)
    mkpod "$ns" p >/dev/null
    assert_eq "default default" "$(kc get pod p -n "$ns" -o jsonpath='{.spec.serviceAccountName} {.spec.serviceAccount}')"
    mkpod "$ns" q '{"serviceAccountName":"robot"}' >/dev/null
    assert_eq "robot robot" "$(kc get pod q -n "$ns" -o jsonpath='{.spec.serviceAccountName} {.spec.serviceAccount}')"
}

test_builtin_priority_classes() {
    out=$(kc get priorityclass)
    assert_match "$(head -n 1 <<<"$out")" '^NAME +VALUE +GLOBAL-DEFAULT +AGE +PREEMPTIONPOLICY$' header
    assert_match "$out" '^system-cluster-critical +2000000000 +false +[0-9]+[smh] +PreemptLowerPriority$'
    assert_match "$out" '^system-node-critical +2000001000 +false +[0-9]+[smh] +PreemptLowerPriority$'
}

test_priority_class_resolved() {
    ns=$(new_ns ap)
    mkpod "$ns" p '{"priorityClassName":"system-node-critical"}' >/dev/null
    assert_eq "2000001000 PreemptLowerPriority" "$(kc get pod p -n "$ns" -o jsonpath='{.spec.priority} {.spec.preemptionPolicy}')"
    pc=$(uniq_name low)
    printf '{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"%s"},"value":7,"preemptionPolicy":"Never"}' "$pc" |
        kc create --validate=false -f - >/dev/null
    mkpod "$ns" q "{\"priorityClassName\":\"$pc\"}" >/dev/null
    assert_eq "7 Never" "$(kc get pod q -n "$ns" -o jsonpath='{.spec.priority} {.spec.preemptionPolicy}')"
    kc delete priorityclass "$pc" >/dev/null
}

test_unknown_priority_class_forbidden() {
    ns=$(new_ns an)
    assert_fails_with 'Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: no PriorityClass with name nope was found' \
        mkpod "$ns" p '{"priorityClassName":"nope"}'
    assert_fails_with 'pods "q" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000001000 from the given PriorityClass name' \
        mkpod "$ns" q '{"priorityClassName":"system-node-critical","priority":5}'
}

# Kept last of the priority tests: a global default class changes every pod after it.
test_zz_global_default_priority_class() {
    ns=$(new_ns ag)
    pc=$(uniq_name dflt)
    printf '{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"%s"},"value":1000,"globalDefault":true}' "$pc" |
        kc create --validate=false -f - >/dev/null
    other=$(uniq_name dflt2)
    assert_fails_with "Error from server (Forbidden): error when creating \"STDIN\": priorityclasses.scheduling.k8s.io \"$other\" is forbidden: PriorityClass $pc is already marked as default. Only one default can exist" \
        sh -c "printf '{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\",\"metadata\":{\"name\":\"$other\"},\"value\":5,\"globalDefault\":true}' | kubectl --kubeconfig '$CUBE_KUBECONFIG' create --validate=false -f -"
    mkpod "$ns" p >/dev/null
    assert_eq "$pc 1000" "$(kc get pod p -n "$ns" -o jsonpath='{.spec.priorityClassName} {.spec.priority}')"
    kc delete priorityclass "$pc" >/dev/null
    mkpod "$ns" q >/dev/null
    assert_eq " 0" "$(kc get pod q -n "$ns" -o jsonpath='{.spec.priorityClassName} {.spec.priority}')"
}

limitrange() { # NS: default 100m/128Mi requests, 200m/256Mi limits, max cpu 1
    cat <<EOF | kc create --validate=false -n "$1" -f - >/dev/null
apiVersion: v1
kind: LimitRange
metadata:
  name: lr
spec:
  limits:
  - type: Container
    default:
      cpu: 200m
      memory: 256Mi
    defaultRequest:
      cpu: 100m
      memory: 128Mi
    max:
      cpu: "1"
EOF
}

test_limit_range_defaults() {
    ns=$(new_ns al)
    limitrange "$ns"
    mkpod "$ns" p >/dev/null
    js=$(kc get pod p -n "$ns" -o json)
    assert_eq '{"limits":{"cpu":"200m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}' \
        "$(jq -c '.spec.containers[0].resources' <<<"$js")" resources
    assert_eq 'LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c' \
        "$(jq -r '.metadata.annotations["kubernetes.io/limit-ranger"]' <<<"$js")" annotation
    assert_eq Burstable "$(jq -r .status.qosClass <<<"$js")" qosClass
}

test_limit_range_max_forbidden() {
    ns=$(new_ns am)
    limitrange "$ns"
    assert_fails_with 'Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: maximum cpu usage per Container is 1, but limit is 2' \
        mkpod "$ns" p '{"containers":[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"2"}}}]}'
}

test_service_account_check_flag() {
    start_cube "${TESTS_TMP:-/tmp}/own-sa-$$" --service-account-admission-check
    ns=$(new_ns ac)
    assert_fails_with "Error from server (Forbidden): error when creating \"STDIN\": pods \"p\" is forbidden: error looking up service account $ns/default: serviceaccount \"default\" not found" \
        mkpod "$ns" p
    printf '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    assert_ok mkpod "$ns" p
    stop_cube TERM
    [ -z "$(sanitizer_errors "$CUBE_DIR/cube.log" || true)" ] || fail "sanitizer report in $CUBE_DIR/cube.log"
    assert_eq 0 "$CUBE_EXIT" "exit status on SIGTERM"
}
