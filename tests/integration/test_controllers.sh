# The controller manager (part A): Deployments roll out through ReplicaSets
# and pods, ReplicaSets keep their pods, the garbage collector follows
# --cascade, the namespace controller empties deleted namespaces, and every
# namespace gets its default ServiceAccount. No kubelet runs here: tests mark
# pods Running and Ready through the status subresource.

# start_cm [flags...]: starts `cube controller-manager` next to the test's apiserver.
start_cm() {
    "$CUBE" controller-manager --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" \
        --root-ca-file "$CUBE_DIR/pki/ca.crt" -v 2 "$@" </dev/null >>"$CUBE_DIR/cm.log" 2>&1 &
    CM_PID=$!
    [ -n "${TESTS_TMP:-}" ] && echo "$CM_PID" >>"$TESTS_TMP/pids"
    return 0
}

stop_cm() {
    [ -n "${CM_PID:-}" ] || return 0
    kill -TERM "$CM_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do kill -0 "$CM_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$CM_PID" 2>/dev/null && fail "controller-manager ignored SIGTERM for 10s"
    wait "$CM_PID" 2>/dev/null || true
    CM_PID=
}

# wait_for DESC CMD...: retries CMD for up to 20 s.
wait_for() {
    local desc=$1 i
    shift
    for i in $(seq 1 200); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "  last controller-manager log lines:" >&2
    tail -n 15 "$CUBE_DIR/cm.log" 2>/dev/null | sed 's/^/    /' >&2
    fail "timed out waiting for: $desc"
}

pod_count() { # NS SELECTOR: active pods
    kc get pods -n "$1" -l "$2" -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null)] | length'
}
count_is() { [ "$(pod_count "$1" "$2")" = "$3" ]; }

# ready_pods NS: marks every Pending pod Running and Ready.
ready_pods() {
    local p now
    now=$(date -u +%FT%TZ)
    for p in $(kc get pods -n "$1" -o jsonpath='{range .items[?(@.status.phase=="Pending")]}{.metadata.name}{" "}{end}'); do
        kc patch pod -n "$1" "$p" --subresource=status --type=merge -p \
            "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"}]}}" >/dev/null 2>&1 || true
    done
}

test_deployment_creates_replicaset_and_pods() {
    start_cm
    ns=$(new_ns dep)
    assert_eq "deployment.apps/web created" "$(kc create deployment web -n "$ns" --image=nginx --replicas=3)"
    wait_for "3 pods" count_is "$ns" app=web 3
    rs=$(kc get rs -n "$ns" -o jsonpath='{.items[0].metadata.name}')
    hash=$(kc get rs -n "$ns" "$rs" -o jsonpath='{.metadata.labels.pod-template-hash}')
    assert_eq "web-$hash" "$rs" "rs name"
    assert_match "$hash" '^[bcdfghjklmnpqrstvwxz2456789]+$' "hash alphabet"
    out=$(kc get rs -n "$ns")
    assert_match "$(head -n 1 <<<"$out")" '^NAME +DESIRED +CURRENT +READY +AGE$' header
    wait_for "rs status" bash -c "kc() { kubectl --kubeconfig '$CUBE_KUBECONFIG' \"\$@\"; }; kc get rs -n $ns --no-headers | grep -Eq '^$rs +3 +3 +0 +[0-9]+s\$'"
    assert_eq "1" "$(kc get rs -n "$ns" "$rs" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" revision
    assert_eq "3" "$(kc get rs -n "$ns" "$rs" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/desired-replicas}')" desired
    assert_eq "4" "$(kc get rs -n "$ns" "$rs" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/max-replicas}')" max
    pod=$(kc get pods -n "$ns" -o jsonpath='{.items[0].metadata.name}')
    assert_match "$pod" "^$rs-[a-z0-9]{5}\$" "pod name"
    assert_eq "ReplicaSet/$rs/true" "$(kc get pod -n "$ns" "$pod" -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}/{.metadata.ownerReferences[0].controller}')" owner
    ready_pods "$ns"
    out=$(timeout 20 kubectl --kubeconfig "$CUBE_KUBECONFIG" rollout status -n "$ns" deployment/web)
    assert_eq 'deployment "web" successfully rolled out' "$(tail -n 1 <<<"$out")" "rollout status"
    wait_for "deployment row" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get deploy -n $ns --no-headers | grep -Eq '^web +3/3 +3 +3 +[0-9]+s\$'"
    cond=$(kc get deploy -n "$ns" web -o json | jq -r '.status.conditions[] | "\(.type)/\(.status)/\(.reason)"' | sort | tr '\n' ' ')
    assert_eq "Available/True/MinimumReplicasAvailable Progressing/True/NewReplicaSetAvailable " "$cond" conditions
    stop_cm
}

test_replicaset_scale_and_replace_deleted_pod() {
    start_cm
    ns=$(new_ns rs)
    kc create deployment web -n "$ns" --image=nginx --replicas=2 >/dev/null
    wait_for "2 pods" count_is "$ns" app=web 2
    assert_eq "deployment.apps/web scaled" "$(kc scale deployment web -n "$ns" --replicas=5)"
    wait_for "5 pods" count_is "$ns" app=web 5
    kc scale deployment web -n "$ns" --replicas=1 >/dev/null
    wait_for "1 pod" count_is "$ns" app=web 1
    pod=$(kc get pods -n "$ns" -o jsonpath='{.items[0].metadata.name}')
    kc delete pod -n "$ns" "$pod" >/dev/null
    wait_for "a replacement pod" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -o jsonpath='{.items[*].metadata.name}')\" != '' ] && ! kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns $pod"
    sleep 1
    assert_eq 1 "$(pod_count "$ns" app=web)" "never over-creates"
    stop_cm
}

test_replicaset_adopts_and_releases() {
    start_cm
    ns=$(new_ns ad)
    printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"orphan","labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}' |
        kc create -n "$ns" -f - >/dev/null
    printf '{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"x"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}' |
        kc create -n "$ns" -f - >/dev/null
    wait_for "adoption" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns orphan -o jsonpath='{.metadata.ownerReferences[0].name}')\" = x ]"
    wait_for "2 pods" count_is "$ns" app=x 2
    kc label pod -n "$ns" orphan app=y --overwrite >/dev/null
    wait_for "release" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns orphan -o jsonpath='{.metadata.ownerReferences}')\" = '' ]"
    wait_for "a new pod" count_is "$ns" app=x 2
    stop_cm
}

test_rolling_update_respects_max_unavailable_and_undo() {
    start_cm
    ns=$(new_ns roll)
    kc create deployment web -n "$ns" --image=nginx:1 --replicas=4 >/dev/null
    wait_for "4 pods" count_is "$ns" app=web 4
    ready_pods "$ns"
    timeout 20 kubectl --kubeconfig "$CUBE_KUBECONFIG" rollout status -n "$ns" deployment/web >/dev/null
    # maxUnavailable 25% of 4 = 1: at least 3 ready pods at every step.
    kc set image -n "$ns" deployment/web nginx=nginx:2 >/dev/null
    local i min=4 ready
    for i in $(seq 1 60); do
        ready=$(kc get pods -n "$ns" -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running")] | length')
        [ "$ready" -lt "$min" ] && min=$ready
        ready_pods "$ns"
        if [ "$(kc get deploy -n "$ns" web -o jsonpath='{.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}')" = 4/4/4 ]; then break; fi
        sleep 0.3
    done
    [ "$min" -ge 3 ] || fail "fewer than 3 ready pods during the rollout ($min)"
    out=$(timeout 20 kubectl --kubeconfig "$CUBE_KUBECONFIG" rollout status -n "$ns" deployment/web)
    assert_eq 'deployment "web" successfully rolled out' "$(tail -n 1 <<<"$out")" "rollout status"
    assert_eq "2" "$(kc get deploy -n "$ns" web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" revision
    assert_eq "nginx:2" "$(kc get pods -n "$ns" -o jsonpath='{.items[0].spec.containers[0].image}')" image
    assert_eq "deployment.apps/web rolled back" "$(kc rollout undo -n "$ns" deployment/web)"
    for i in $(seq 1 40); do
        ready_pods "$ns"
        [ "$(kc get deploy -n "$ns" web -o jsonpath='{.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}/{.status.observedGeneration}')" = 4/4/4/3 ] && break
        sleep 0.3
    done
    timeout 20 kubectl --kubeconfig "$CUBE_KUBECONFIG" rollout status -n "$ns" deployment/web >/dev/null
    assert_eq "3" "$(kc get deploy -n "$ns" web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" "revision after undo"
    imgs=$(kc get pods -n "$ns" -o json | jq -r '[.items[] | select(.metadata.deletionTimestamp == null) | .spec.containers[0].image] | unique | join(",")')
    assert_eq "nginx:1" "$imgs" "images after undo"
    assert_eq 2 "$(kc get rs -n "$ns" --no-headers | wc -l)" "two replica sets"
    stop_cm
}

test_delete_cascade_background_foreground_orphan() {
    start_cm
    ns=$(new_ns gc)
    for m in bg fg or; do kc create deployment "$m" -n "$ns" --image=nginx --replicas=2 >/dev/null; done
    for m in bg fg or; do wait_for "$m pods" count_is "$ns" "app=$m" 2; done
    kc delete deployment bg -n "$ns" --cascade=background >/dev/null
    wait_for "bg pods gone" count_is "$ns" app=bg 0
    wait_for "bg rs gone" bash -c "[ -z \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get rs -n $ns -l app=bg -o name)\" ]"
    assert_eq 'deployment.apps "fg" deleted' "$(timeout 30 kubectl --kubeconfig "$CUBE_KUBECONFIG" delete deployment fg -n "$ns" --cascade=foreground)"
    assert_eq "" "$(kc get rs,pods -n "$ns" -l app=fg -o name)" "foreground leaves nothing"
    kc delete deployment or -n "$ns" --cascade=orphan >/dev/null
    wait_for "or deployment gone" bash -c "! kubectl --kubeconfig '$CUBE_KUBECONFIG' get deploy -n $ns or"
    sleep 1
    assert_eq 2 "$(pod_count "$ns" app=or)" "orphaned pods stay"
    assert_eq "" "$(kc get rs -n "$ns" -l app=or -o jsonpath='{.items[0].metadata.ownerReferences}')" "rs released"
    stop_cm
}

test_namespace_deletion_empties_it() {
    start_cm
    ns=$(new_ns nsd)
    kc create deployment web -n "$ns" --image=nginx --replicas=2 >/dev/null
    mkcm "$ns" cm1 a=b >/dev/null
    wait_for "2 pods" count_is "$ns" app=web 2
    assert_eq "namespace \"$ns\" deleted" "$(timeout 30 kubectl --kubeconfig "$CUBE_KUBECONFIG" delete namespace "$ns")"
    out=$(kc get namespace "$ns" 2>&1 || true)
    assert_eq "Error from server (NotFound): namespaces \"$ns\" not found" "$out"
    stop_cm
}

test_default_serviceaccount_and_root_ca() {
    start_cm
    ns=$(new_ns sa)
    wait_for "default sa" kc get sa default -n "$ns"
    assert_match "$(kc get sa -n "$ns" --no-headers)" '^default +0 +[0-9]+s$'
    wait_for "kube-root-ca.crt" kc get cm kube-root-ca.crt -n "$ns"
    assert_eq "$(cat "$CUBE_DIR/pki/ca.crt")" "$(kc get cm kube-root-ca.crt -n "$ns" -o jsonpath='{.data.ca\.crt}')" "ca.crt"
    kc delete sa default -n "$ns" >/dev/null
    wait_for "default sa again" kc get sa default -n "$ns"
    stop_cm
}

test_controller_manager_leader_lease() {
    start_cm
    wait_for "lease" kc get lease -n kube-system kube-controller-manager
    holder=$(kc get lease -n kube-system kube-controller-manager -o jsonpath='{.spec.holderIdentity}')
    assert_match "$holder" "^$(hostname)_[0-9a-f-]{36}\$" holder
    stop_cm
}
