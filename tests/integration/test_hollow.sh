# Hollow nodes (`cube hollow-nodes`): simulated kubelets that register Nodes,
# renew Leases and move pods bound to them through their lifecycle, so the
# control plane can be tested at scale without containers.

# start_hollow NAME-PREFIX COUNT [flags...]: runs hollow nodes until the test ends.
start_hollow() {
    local prefix=$1 count=$2
    shift 2
    "$CUBE" hollow-nodes --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" --name-prefix "$prefix" \
        --count "$count" "$@" >>"$CUBE_DIR/hollow-$prefix.log" 2>&1 &
    HOLLOW_PID=$!
    echo "$HOLLOW_PID" >>"$TESTS_TMP/pids"
    # only while it is ours: a PID killed and reaped may belong to another test's process next
    trap '[ -n "${HOLLOW_PID:-}" ] && kill "$HOLLOW_PID" 2>/dev/null || true' EXIT
    wait_until 30 node_ready "${prefix}$((count - 1))"
}

node_ready() {
    [ "$(kc get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# phase_is NS POD PHASE
phase_is() { [ "$(kc get pod "$2" -n "$1" -o jsonpath='{.status.phase}')" = "$3" ]; }

test_nodes_register_ready_with_capacity_and_labels() {
    p=hn$RANDOM-
    start_hollow "$p" 3 --cpu 8 --memory 32Gi --node-labels zone=a
    out=$(kc get nodes -l "kubernetes.io/hostname=${p}1" --no-headers | awk '{print $1, $2, $3, $5}')
    assert_eq "${p}1 Ready <none> v1.32.0+cube.1" "$out"
    out=$(kc get node "${p}0" -o jsonpath='{.status.capacity.cpu} {.status.allocatable.memory} {.metadata.labels.zone} {.status.nodeInfo.kubeletVersion}')
    assert_eq "8 32Gi a v1.32.0+cube.1" "$out"
    out=$(kc get lease -n kube-node-lease "${p}2" -o jsonpath='{.spec.holderIdentity} {.metadata.ownerReferences[0].kind}')
    assert_eq "${p}2 Node" "$out"
}

test_leases_are_renewed_and_stop_when_the_process_stops() {
    p=hn$RANDOM-
    start_hollow "$p" 2 --lease-seconds 1
    t1=$(kc get lease -n kube-node-lease "${p}0" -o jsonpath='{.spec.renewTime}')
    sleep 2.5
    t2=$(kc get lease -n kube-node-lease "${p}0" -o jsonpath='{.spec.renewTime}')
    [ "$t1" != "$t2" ] || fail "lease not renewed: $t1"
    kill "$HOLLOW_PID"
    wait "$HOLLOW_PID" 2>/dev/null || true
    HOLLOW_PID=
    t3=$(kc get lease -n kube-node-lease "${p}0" -o jsonpath='{.spec.renewTime}')
    sleep 2.5
    t4=$(kc get lease -n kube-node-lease "${p}0" -o jsonpath='{.spec.renewTime}')
    assert_eq "$t3" "$t4" "renewTime after stop"
}

test_pod_lifecycle_running_succeeded_failed_deleted() {
    p=hn$RANDOM-
    start_hollow "$p" 2 --task-ms 500
    ns=$(new_ns hollow)
    kc run web -n "$ns" --image nginx --overrides "{\"spec\":{\"nodeName\":\"${p}1\"}}" >/dev/null
    wait_until 20 phase_is "$ns" web Running
    out=$(kc get pod web -n "$ns" -o wide --no-headers | awk '{print $1, $2, $3, $4, $7}')
    assert_eq "web 1/1 Running 0 ${p}1" "$out"
    ip=$(kc get pod web -n "$ns" -o jsonpath='{.status.podIP} {.status.qosClass} {.status.conditions[?(@.type=="Ready")].status}')
    assert_match "$ip" '^10\.[0-9]+\.[0-9]+\.[0-9]+ BestEffort True$'
    kc run task -n "$ns" --image busybox --restart Never \
        --overrides "{\"spec\":{\"nodeName\":\"${p}0\"}}" -- true >/dev/null
    wait_until 20 phase_is "$ns" task Succeeded
    out=$(kc get pod task -n "$ns" --no-headers | awk '{print $2, $3}')
    assert_eq "0/1 Completed" "$out"
    kc run bad -n "$ns" --image busybox --restart Never \
        --overrides "{\"metadata\":{\"annotations\":{\"hollow.cube.dev/fail\":\"true\"}},\"spec\":{\"nodeName\":\"${p}0\"}}" -- false >/dev/null
    wait_until 20 phase_is "$ns" bad Failed
    assert_eq "0/1 Error" "$(kc get pod bad -n "$ns" --no-headers | awk '{print $2, $3}')"
    # graceful deletion completes: the hollow kubelet removes the pod
    assert_ok kc delete pod web -n "$ns" --timeout 20s
    assert_fails_with NotFound kc get pod web -n "$ns"
}

test_pods_on_other_nodes_are_left_alone() {
    p=hn$RANDOM-
    start_hollow "$p" 1
    ns=$(new_ns hollow)
    kc run stray -n "$ns" --image nginx --overrides '{"spec":{"nodeName":"not-a-hollow-node"}}' >/dev/null
    sleep 1.5
    out=$(kc get pod stray -n "$ns" -o jsonpath='{.status.phase}/{.status.podIP}')
    assert_eq "Pending/" "$out" "a pod on another node"

}
