# ResourceQuota: the API server's quota admission and the controller manager's quota
# controller, driven by kubectl. Each test works in a namespace of its own (the file's tests
# share one server) and runs `cube controller-manager` (only the resourcequota controller).

start_rq() {
    "$CUBE" controller-manager --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" \
        --controllers resourcequota --leader-elect=false </dev/null >>"$CUBE_DIR/cm.$1.log" 2>&1 &
    RQ_PID=$!
    echo "$RQ_PID" >>"$TESTS_TMP/pids"
    trap 'kill $RQ_PID 2>/dev/null; wait $RQ_PID 2>/dev/null' EXIT
}

used_is() { [ "$(kc get quota "$2" -n "$1" -o jsonpath="{.status.used.$3}")" = "$4" ]; }

test_quota_counts_and_refuses() {
    kc create namespace q1 >/dev/null
    start_rq q1
    assert_ok kc create quota q --hard=pods=2,configmaps=2,services.nodeports=1 -n q1
    wait_until 20 used_is q1 q pods 0
    assert_ok kc run p1 --image=busybox -n q1
    assert_ok kc run p2 --image=busybox -n q1
    assert_eq 2 "$(kc get quota q -n q1 -o jsonpath='{.status.used.pods}')" "charged by admission"
    assert_fails_with "exceeded quota" kc run p3 --image=busybox -n q1
    assert_eq 'Error from server (Forbidden): pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2' "$OUT"
    assert_ok kc create service nodeport np1 --tcp=80 -n q1
    assert_fails_with "exceeded quota" kc create service nodeport np2 --tcp=80 -n q1
    assert_eq 'error: failed to create NodePort service: services "np2" is forbidden: exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1' "$OUT"
    # a deletion is credited back by the controller's recount
    assert_ok kc delete pod p1 -n q1 --wait=false
    kc delete pod p1 -n q1 --grace-period=0 --force >/dev/null 2>&1 || true
    wait_until 20 used_is q1 q pods 1
    assert_ok kc run p3 --image=busybox -n q1
    # kubectl's view of it
    assert_ok kc get quota -n q1
    assert_match "$OUT" '^q +[0-9]+s? +configmaps: [0-9]+/2, pods: 2/2, services.nodeports: 1/1 *$|^q .*pods: 2/2'
}

test_quota_compute_resources_must_be_specified() {
    kc create namespace q2 >/dev/null
    start_rq q2
    assert_ok kc create quota cq --hard=requests.cpu=1,limits.memory=1Gi -n q2
    wait_until 20 used_is q2 cq requests\\.cpu 0
    assert_fails_with "must specify" kc run bare --image=busybox -n q2
    assert_eq 'Error from server (Forbidden): pods "bare" is forbidden: failed quota: cq: must specify limits.memory,requests.cpu for: bare' "$OUT"
    cat >"$CUBE_DIR/q2pod.yaml" <<'EOF2'
apiVersion: v1
kind: Pod
metadata: {name: sized, namespace: q2}
spec:
  containers:
  - name: c
    image: busybox
    resources: {requests: {cpu: 600m}, limits: {memory: 512Mi}}
EOF2
    assert_ok kc create -f "$CUBE_DIR/q2pod.yaml"
    assert_eq "600m 512Mi" "$(kc get quota cq -n q2 -o jsonpath='{.status.used.requests\.cpu} {.status.used.limits\.memory}')"
    sed -i 's/name: sized/name: sized2/' "$CUBE_DIR/q2pod.yaml"
    assert_fails_with "exceeded quota" kc create -f "$CUBE_DIR/q2pod.yaml"
    assert_match "$OUT" 'pods "sized2" is forbidden: exceeded quota: cq, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1$'
}

test_quota_without_status_blocks_what_it_tracks() {
    kc create namespace q3 >/dev/null
    # no controller: the quota never gets a status, as Kubernetes refuses then
    assert_ok kc create quota stuck --hard=secrets=5 -n q3
    assert_fails_with "status unknown" kc create secret generic s --from-literal=a=b -n q3
    assert_eq 'error: failed to create secret secrets "s" is forbidden: status unknown for quota: stuck, resource: secrets' "$OUT"
    assert_ok kc create configmap fine -n q3
}
