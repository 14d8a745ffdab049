# The scheduler: `cube scheduler` next to the test's apiserver places pods on
# Node objects created with kubectl (no kubelet runs: nodes are plain
# objects with capacity, labels and taints). Asserts where pods land (the
# NODE column of `kubectl get pod -o wide`), the exact FailedScheduling
# message Kubernetes prints, pods of another scheduler left Pending,
# preemption, and that of two schedulers with leader election only the
# leader binds. Every test starts from a cluster without nodes and pods.

# start_sched NAME [flags...]: starts `cube scheduler` (log: $CUBE_DIR/sched-NAME.log), waits
# until its caches are synced, and stops it when the test process exits.
SCHED_PIDS=()
SCHED_LOGS=()
start_sched() {
    local name=$1 log=$CUBE_DIR/sched-$1.log i
    shift
    "$CUBE" scheduler --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" -v 2 "$@" \
        </dev/null >>"$log" 2>&1 &
    local pid=$!
    SCHED_PIDS+=("$pid")
    SCHED_LOGS+=("$log")
    [ -n "${TESTS_TMP:-}" ] && echo "$pid" >>"$TESTS_TMP/pids"
    trap stop_scheds EXIT
    for i in $(seq 1 200); do
        grep -q "caches synced" "$log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$log" | sed 's/^/    /' >&2
    fail "scheduler $name did not start"
}

# stop_sched INDEX: SIGTERM to the INDEX-th scheduler started; it must exit 0 within 10 s
# with no sanitizer report in its log.
stop_sched() {
    local pid=${SCHED_PIDS[$1]} log=${SCHED_LOGS[$1]} i rc=0
    [ -n "$pid" ] || return 0
    SCHED_PIDS[$1]=
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        fail "scheduler (pid $pid) ignored SIGTERM for 10s"
    fi
    wait "$pid" 2>/dev/null || rc=$?
    local errs
    errs=$(sanitizer_errors "$log" || true)
    [ -z "$errs" ] || fail "sanitizer report in $log: $errs"
    [ "$rc" = 0 ] || fail "scheduler exited with status $rc on SIGTERM"
}

stop_scheds() {
    local i
    for i in "${!SCHED_PIDS[@]}"; do stop_sched "$i"; done
    SCHED_PIDS=()
    SCHED_LOGS=()
}

# reset_cluster: no nodes, no pods (acting as the kubelet would for bound pods).
reset_cluster() {
    kc delete pods --all -A --force --grace-period=0 --wait=false >/dev/null 2>&1 || true
    kc delete nodes --all --wait=false >/dev/null 2>&1 || true
    local i
    for i in $(seq 1 100); do
        [ -z "$(kc get nodes -o name)" ] && [ -z "$(kc get pods -A -o name)" ] && return 0
        sleep 0.1
    done
    fail "cluster not empty after reset"
}

# mknode NAME CPU MEMORY [LABELS-JSON] [TAINTS-JSON] [UNSCHEDULABLE]
mknode() {
    jq -n -c --arg n "$1" --arg cpu "$2" --arg mem "$3" --argjson l "${4:-{\}}" \
        --argjson t "${5:-[]}" --argjson u "${6:-false}" \
        '{apiVersion: "v1", kind: "Node",
          metadata: {name: $n, labels: ({"kubernetes.io/hostname": $n} + $l)},
          spec: ({taints: $t} + (if $u then {unschedulable: true} else {} end)),
          status: {capacity: {cpu: $cpu, memory: $mem, pods: "110"},
                   allocatable: {cpu: $cpu, memory: $mem, pods: "110"}}}' |
        kc create --validate=false -f - >/dev/null
}

# mkpod NS NAME [SPEC-EXTRA-JSON] [LABELS-JSON] [CPU]: one nginx container requesting CPU.
mkpod() {
    jq -n -c --arg n "$2" --argjson x "${3:-{\}}" --argjson l "${4:-{\}}" --arg cpu "${5:-100m}" \
        '{apiVersion: "v1", kind: "Pod", metadata: {name: $n, labels: $l},
          spec: ({containers: [{name: "c", image: "nginx",
                                resources: {requests: {cpu: $cpu, memory: "64Mi"}}}]} + $x)}' |
        kc create --validate=false -n "$1" -f - >/dev/null
}

node_of() { kc get pod -n "$1" "$2" -o jsonpath='{.spec.nodeName}'; }
# The NODE column of `kubectl get pod -o wide`.
node_column() { kc get pod -n "$1" "$2" -o wide --no-headers | awk '{print $7}'; }
is_bound() { [ -n "$(node_of "$1" "$2")" ]; }
sched_msg() { # NS POD: the FailedScheduling event's message
    kc get events -n "$1" --field-selector "involvedObject.name=$2,reason=FailedScheduling" \
        -o jsonpath='{.items[0].message}'
}
has_failed_event() { [ -n "$(sched_msg "$1" "$2")" ]; }

# wait_for DESC CMD...: retries CMD for up to 20 s.
wait_for() {
    local desc=$1 i
    shift
    for i in $(seq 1 200); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    for f in "$CUBE_DIR"/sched-*.log; do
        echo "  last lines of $f:" >&2
        tail -n 10 "$f" | sed 's/^/    /' >&2
    done
    fail "timed out waiting for: $desc"
}

test_pod_lands_on_the_only_fitting_node_with_event_and_condition() {
    reset_cluster
    mknode n1 1 2Gi
    mknode n2 8 16Gi
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" web '{}' '{"app":"web"}' 2
    wait_for "web bound" is_bound "$ns" web
    assert_eq n2 "$(node_column "$ns" web)" "NODE column"
    assert_eq True "$(kc get pod -n "$ns" web -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].status}')" PodScheduled
    wait_for "Scheduled event" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get events -n $ns | grep -q Scheduled"
    out=$(kc get events -n "$ns" --field-selector reason=Scheduled -o jsonpath='{.items[0].type} {.items[0].message}')
    assert_eq "Normal Successfully assigned $ns/web to n2" "$out" "Scheduled event"
    out=$(kc describe pod -n "$ns" web | grep -E '^ +Normal +Scheduled')
    assert_match "$out" "^  Normal  Scheduled  [0-9]+s +default-scheduler +Successfully assigned $ns/web to n2\$" describe
}

test_failed_scheduling_message_is_kubernetes_exact() {
    reset_cluster
    cp='[{"key":"node-role.kubernetes.io/control-plane","effect":"NoSchedule"}]'
    mknode cp1 8 16Gi '{}' "$cp"
    mknode cp2 8 16Gi '{}' "$cp"
    mknode w1 1 16Gi
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" big '{}' '{}' 2
    wait_for "FailedScheduling event" has_failed_event "$ns" big
    want="0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
    assert_eq "$want" "$(sched_msg "$ns" big)" "event message"
    assert_eq "Warning" "$(kc get events -n "$ns" --field-selector reason=FailedScheduling -o jsonpath='{.items[0].type}')" type
    wait_for "PodScheduled=False" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns big -o jsonpath='{.status.conditions[?(@.type==\"PodScheduled\")].reason}')\" = Unschedulable ]"
    assert_eq "False|$want" "$(kc get pod -n "$ns" big -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].status}|{.status.conditions[?(@.type=="PodScheduled")].message}')" condition
    assert_match "$(kc get pod -n "$ns" big --no-headers)" '^big +0/1 +Pending +0 +[0-9]+s$' "pod row"
    assert_contains "$(kc describe pod -n "$ns" big)" "Warning  FailedScheduling" describe
    # room appears (a bigger worker): the pod leaves the unschedulable queue and binds
    mknode w2 4 16Gi
    wait_for "big bound" is_bound "$ns" big
    assert_eq w2 "$(node_column "$ns" big)" "NODE column"
}

test_no_nodes_message() {
    reset_cluster
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" lonely
    wait_for "FailedScheduling event" has_failed_event "$ns" lonely
    assert_eq "no nodes available to schedule pods" "$(sched_msg "$ns" lonely)"
}

test_taints_tolerations_and_cordoned_nodes() {
    reset_cluster
    mknode gpu 8 16Gi '{}' '[{"key":"gpu","value":"true","effect":"NoSchedule"}]'
    mknode cordoned 8 16Gi '{}' '[]' true
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" plain
    mkpod "$ns" tolerant '{"tolerations":[{"key":"gpu","operator":"Equal","value":"true","effect":"NoSchedule"}]}'
    wait_for "tolerant bound" is_bound "$ns" tolerant
    assert_eq gpu "$(node_column "$ns" tolerant)"
    wait_for "FailedScheduling event" has_failed_event "$ns" plain
    assert_eq "0/2 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling." "$(sched_msg "$ns" plain)"
    assert_eq "" "$(node_of "$ns" plain)" "plain stays Pending"
    # uncordoning the node lets the pod in
    kc patch node cordoned -p '{"spec":{"unschedulable":false}}' >/dev/null
    wait_for "plain bound" is_bound "$ns" plain
    assert_eq cordoned "$(node_column "$ns" plain)"
}

test_node_affinity_and_node_selector() {
    reset_cluster
    mknode za 8 16Gi '{"topology.kubernetes.io/zone":"a","disk":"hdd"}'
    mknode zb 8 16Gi '{"topology.kubernetes.io/zone":"b","disk":"ssd"}'
    mknode zc 8 16Gi '{"topology.kubernetes.io/zone":"c","disk":"ssd"}'
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" sel '{"nodeSelector":{"disk":"hdd"}}'
    mkpod "$ns" req '{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"topology.kubernetes.io/zone","operator":"NotIn","values":["a","b"]}]}]}}}}'
    mkpod "$ns" pref '{"affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":100,"preference":{"matchExpressions":[{"key":"topology.kubernetes.io/zone","operator":"In","values":["b"]}]}}]}}}'
    mkpod "$ns" none '{"nodeSelector":{"disk":"nvme"}}'
    wait_for "sel bound" is_bound "$ns" sel
    wait_for "req bound" is_bound "$ns" req
    wait_for "pref bound" is_bound "$ns" pref
    assert_eq za "$(node_column "$ns" sel)" nodeSelector
    assert_eq zc "$(node_column "$ns" req)" "required affinity"
    assert_eq zb "$(node_column "$ns" pref)" "preferred affinity"
    wait_for "FailedScheduling event" has_failed_event "$ns" none
    assert_eq "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling." "$(sched_msg "$ns" none)"
}

test_pod_anti_affinity_one_per_node() {
    reset_cluster
    mknode h1 8 16Gi
    mknode h2 8 16Gi
    mknode h3 8 16Gi
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    anti='{"affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchLabels":{"app":"db"}},"topologyKey":"kubernetes.io/hostname"}]}}}'
    for i in 0 1 2 3; do mkpod "$ns" "db-$i" "$anti" '{"app":"db"}'; done
    wait_for "3 bound" bash -c "[ \$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -o jsonpath='{.items[*].spec.nodeName}' | wc -w) = 3 ]"
    nodes=$(kc get pods -n "$ns" -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | grep . | sort | tr '\n' ' ')
    assert_eq "h1 h2 h3 " "$nodes" "one db per node"
    pending=$(kc get pods -n "$ns" --field-selector spec.nodeName= -o jsonpath='{.items[0].metadata.name}')
    wait_for "FailedScheduling event" has_failed_event "$ns" "$pending"
    assert_eq "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod." "$(sched_msg "$ns" "$pending")"
}

test_topology_spread_across_zones() {
    reset_cluster
    mknode a1 8 16Gi '{"topology.kubernetes.io/zone":"a"}'
    mknode a2 8 16Gi '{"topology.kubernetes.io/zone":"a"}'
    mknode b1 8 16Gi '{"topology.kubernetes.io/zone":"b"}'
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    spread='{"topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"topology.kubernetes.io/zone","whenUnsatisfiable":"DoNotSchedule","labelSelector":{"matchLabels":{"app":"s"}}}]}'
    for i in 0 1 2 3 4 5; do
        mkpod "$ns" "s-$i" "$spread" '{"app":"s"}'
        wait_for "s-$i bound" is_bound "$ns" "s-$i"
    done
    zb=$(kc get pods -n "$ns" -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | grep -c '^b1$')
    assert_eq 3 "$zb" "zone b holds half"
}

test_other_scheduler_pods_left_pending() {
    reset_cluster
    mknode n1 8 16Gi
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" mine
    mkpod "$ns" theirs '{"schedulerName":"my-scheduler"}'
    wait_for "mine bound" is_bound "$ns" mine
    sleep 1
    assert_eq "" "$(node_of "$ns" theirs)" "pod of another scheduler"
    assert_eq "" "$(kc get events -n "$ns" --field-selector involvedObject.name=theirs -o name)" "no events"
    start_sched second --leader-elect=false --scheduler-name my-scheduler
    wait_for "theirs bound by my-scheduler" is_bound "$ns" theirs
    out=$(kc get events -n "$ns" --field-selector involvedObject.name=theirs,reason=Scheduled -o jsonpath='{.items[0].source.component}')
    assert_eq my-scheduler "$out" "event source"
}

test_preemption_by_priority_class() {
    reset_cluster
    mknode only 2 16Gi
    printf '{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"sched-high"},"value":1000}' |
        kc create -f - >/dev/null 2>&1 || true
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" low '{}' '{}' 1500m
    wait_for "low bound" is_bound "$ns" low
    mkpod "$ns" high '{"priorityClassName":"sched-high"}' '{}' 1
    assert_eq 1000 "$(kc get pod -n "$ns" high -o jsonpath='{.spec.priority}')" "priority admission"
    wait_for "nominatedNodeName" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns high -o jsonpath='{.status.nominatedNodeName}')\" = only ]"
    assert_eq only "$(kc get pod -n "$ns" high -o wide --no-headers | awk '{print $8}')" "NOMINATED NODE column"
    wait_for "low terminating" bash -c "[ -n \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns low -o jsonpath='{.metadata.deletionTimestamp}')\" ]"
    out=$(kc get events -n "$ns" --field-selector involvedObject.name=low,reason=Preempted -o jsonpath='{.items[0].message}')
    assert_eq "Preempted by pod $(kc get pod -n "$ns" high -o jsonpath='{.metadata.uid}') on node only" "$out" "Preempted event"
    # the kubelet would now stop the victim; no kubelet runs here
    kc delete pod -n "$ns" low --force --grace-period=0 >/dev/null 2>&1
    wait_for "high bound" is_bound "$ns" high
    assert_eq only "$(node_column "$ns" high)"
}

test_leader_election_only_the_leader_binds() {
    reset_cluster
    mknode n1 8 16Gi
    mknode n2 8 16Gi
    start_sched a
    start_sched b
    wait_for "a lease holder" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get lease -n kube-system kube-scheduler -o jsonpath='{.spec.holderIdentity}' | grep -q ."
    holder=$(kc get lease -n kube-system kube-scheduler -o jsonpath='{.spec.holderIdentity}')
    ns=$(new_ns sched)
    for i in 0 1 2 3 4 5 6 7; do mkpod "$ns" "p-$i"; done
    for i in 0 1 2 3 4 5 6 7; do wait_for "p-$i bound" is_bound "$ns" "p-$i"; done
    wait_for "8 Scheduled events" bash -c "[ \$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get events -n $ns --field-selector reason=Scheduled -o name | wc -l) = 8 ]"
    insts=$(kc get events -n "$ns" --field-selector reason=Scheduled -o jsonpath='{range .items[*]}{.reportingInstance}{"\n"}{end}' | sort -u)
    assert_eq "$holder" "$insts" "only the leader's identity reports Scheduled"
    hosts=$(kc get events -n "$ns" --field-selector reason=Scheduled -o jsonpath='{range .items[*]}{.source.host}{"\n"}{end}' | sort -u)
    assert_eq "$holder" "$hosts" "source.host"
    # exactly one log says it became the leader
    assert_eq 1 "$(cat "$CUBE_DIR"/sched-a.log "$CUBE_DIR"/sched-b.log | grep -c "became the leader ($holder)")" "one leader"
    # the leader stops (and releases the lease): the other takes over and schedules
    if grep -q "became the leader ($holder)" "$CUBE_DIR/sched-a.log"; then stop_sched 0; else stop_sched 1; fi
    wait_for "new holder" bash -c "h=\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get lease -n kube-system kube-scheduler -o jsonpath='{.spec.holderIdentity}'); [ -n \"\$h\" ] && [ \"\$h\" != '$holder' ]"
    holder2=$(kc get lease -n kube-system kube-scheduler -o jsonpath='{.spec.holderIdentity}')
    mkpod "$ns" after
    wait_for "after bound" is_bound "$ns" after
    wait_for "Scheduled event of after" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get events -n $ns --field-selector involvedObject.name=after,reason=Scheduled -o name | grep -q ."
    assert_eq "$holder2" "$(kc get events -n "$ns" --field-selector involvedObject.name=after,reason=Scheduled -o jsonpath='{.items[0].reportingInstance}')" "new leader binds"
}

test_scheduler_flags_and_clean_stop() {
    out=$("$CUBE" scheduler --config /dev/null 2>&1) && fail "no kubeconfig accepted"
    assert_eq "cube scheduler: --kubeconfig is required" "$out"
    out=$("$CUBE" scheduler --config /dev/null --bogus 2>&1) && fail "bad flag accepted"
    assert_contains "$out" "unknown flag: --bogus"
    start_sched clean --leader-elect=false
    stop_scheds
}

test_finished_pods_free_their_node() {
    reset_cluster
    mknode small 1 4Gi
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" job '{"restartPolicy":"Never"}' '{}' 800m
    wait_for "job bound" is_bound "$ns" job
    mkpod "$ns" next '{}' '{}' 800m
    wait_for "FailedScheduling event" has_failed_event "$ns" next
    assert_eq "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod." "$(sched_msg "$ns" next)"
    # the job's pod completes (as its kubelet would report): its request no longer counts
    kc patch pod -n "$ns" job --subresource=status --type=merge -p '{"status":{"phase":"Succeeded"}}' >/dev/null
    wait_for "next bound" is_bound "$ns" next
    assert_eq small "$(node_column "$ns" next)"
}

test_default_spread_of_a_replicaset() {
    reset_cluster
    mknode a 8 16Gi
    mknode b 8 16Gi
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    # b is busier: on resources alone every replica would go to a
    mkpod "$ns" other '{"nodeName":"b"}' '{}' 4
    rs_uid=$(printf '{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web"},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}' |
        kc create --validate=false -n "$ns" -f - -o jsonpath='{.metadata.uid}')
    sleep 1
    for i in 0 1 2 3; do
        jq -n -c --arg n "web-$i" --arg uid "$rs_uid" \
            '{apiVersion: "v1", kind: "Pod", metadata: {name: $n, labels: {app: "web"},
              ownerReferences: [{apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: $uid, controller: true}]},
              spec: {containers: [{name: "c", image: "nginx"}]}}' |
            kc create --validate=false -n "$ns" -f - >/dev/null
        wait_for "web-$i bound" is_bound "$ns" "web-$i"
    done
    placed=$(kc get pods -n "$ns" -l app=web -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort | uniq -c | awk '{print $2"="$1}' | tr '\n' ' ')
    assert_eq "a=2 b=2 " "$placed" "the default constraints spread the ReplicaSet's pods"
}

# Pending on the API server: pods/binding appends a second PodScheduled condition instead of
# replacing the scheduler's PodScheduled=False (Kubernetes' binding registry updates it in place).
test_bound_pod_has_one_podscheduled_condition() {
    reset_cluster
    start_sched main --leader-elect=false
    ns=$(new_ns sched)
    mkpod "$ns" late
    wait_for "FailedScheduling event" has_failed_event "$ns" late
    mknode n1 8 16Gi
    wait_for "late bound" is_bound "$ns" late
    assert_eq "True" "$(kc get pod -n "$ns" late -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].status}')"
}
