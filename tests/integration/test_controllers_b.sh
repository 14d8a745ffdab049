# The controller manager (part B): EndpointSlices and Endpoints follow pods'
# readiness, a node whose Lease lapses goes NotReady with the unreachable
# taints and its pods are evicted when their toleration runs out, node IPAM
# hands out pod CIDRs, a Job completes, a CronJob fires, a DaemonSet covers
# its nodes and a StatefulSet creates web-0 before web-1. No kubelet runs:
# tests create Node objects and Leases themselves and set pod status through
# the status subresource.

# start_cmb CONTROLLERS [flags...]: starts `cube controller-manager` running only CONTROLLERS next
# to the test's apiserver; it is stopped (SIGTERM, by PID) when the test's shell exits.
start_cmb() {
    local ctrls=$1
    shift
    "$CUBE" controller-manager --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" \
        --controllers "$ctrls" --node-monitor-grace-period 4 -v 2 "$@" \
        </dev/null >>"$CUBE_DIR/cmb.log" 2>&1 &
    CMB_PID=$!
    [ -n "${TESTS_TMP:-}" ] && echo "$CMB_PID" >>"$TESTS_TMP/pids"
    trap stop_cmb EXIT
}

stop_cmb() {
    [ -n "${CMB_PID:-}" ] || return 0
    kill -TERM "$CMB_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do kill -0 "$CMB_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CMB_PID" 2>/dev/null || true
    wait "$CMB_PID" 2>/dev/null || true
    CMB_PID=
}

# waitb SECONDS DESC CMD...: retries CMD every 0.2 s; on timeout shows the manager's log tail.
waitb() {
    local deadline=$((SECONDS + $1)) desc=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            echo "  last controller-manager log lines:" >&2
            tail -n 15 "$CUBE_DIR/cmb.log" 2>/dev/null | sed 's/^/    /' >&2
            fail "timed out waiting for: $desc"
        fi
        sleep 0.2
    done
}

kjson() { kc create --validate=false -f - -o name; }
now_rfc() { date -u +%FT%TZ; }
now_micro() { date -u +%FT%T.%6NZ; }

# set_pod_status NS POD PHASE READY [IP]: what a kubelet would post.
set_pod_status() {
    local ip=${5:-}
    local st
    st=$(jq -n -c --arg p "$3" --arg r "$4" --arg ip "$ip" --arg t "$(now_rfc)" \
        '{status: ({phase: $p, conditions: [{type: "Ready", status: $r, lastTransitionTime: $t}]}
          + (if $ip == "" then {} else {podIP: $ip, podIPs: [{ip: $ip}]} end))}')
    kc patch pod -n "$1" "$2" --subresource=status --type=merge -p "$st" >/dev/null
}

# mknode NAME [LABELS-JSON]: a Node, Ready as a kubelet posts it, and its Lease renewed now.
mknode() {
    local labels=${2:-'{}'}
    jq -n -c --arg n "$1" --argjson l "$labels" \
        '{apiVersion: "v1", kind: "Node", metadata: {name: $n, labels: $l}}' | kjson >/dev/null
    renew_node "$1"
}

# renew_node NAME: posts Ready=True with a fresh heartbeat and renews the node's Lease.
renew_node() {
    local t
    t=$(now_rfc)
    kc patch node "$1" --subresource=status --type=merge -p "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"kubelet is posting ready status\",\"lastHeartbeatTime\":\"$t\",\"lastTransitionTime\":\"$t\"}]}}" >/dev/null
    if kc get lease -n kube-node-lease "$1" >/dev/null 2>&1; then
        kc patch lease -n kube-node-lease "$1" --type=merge -p "{\"spec\":{\"renewTime\":\"$(now_micro)\"}}" >/dev/null
    else
        jq -n -c --arg n "$1" --arg t "$(now_micro)" \
            '{apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: {name: $n, namespace: "kube-node-lease"}, spec: {holderIdentity: $n, leaseDurationSeconds: 40, renewTime: $t}}' |
            kjson >/dev/null
    fi
}

# First in the file: every stale node of the cluster competes for the same eviction rate.
test_node_eviction_rate_limits_noexecute_taints() {
    start_cmb nodelifecycle
    a=$(uniq_name rate)
    b=$(uniq_name rate)
    mknode "$a"
    mknode "$b"
    for _ in 1 2 3; do renew_node "$a"; renew_node "$b"; sleep 1; done
    # both lapse together: NoSchedule on both at once, NoExecute on one node per 10 s (0.1/s)
    noexec() { kubectl --kubeconfig "$CUBE_KUBECONFIG" get node "$1" -o json | jq -e '[.spec.taints // [] | .[] | select(.key == "node.kubernetes.io/unreachable" and .effect == "NoExecute")] | length == 1' >/dev/null; }
    nosched() { kubectl --kubeconfig "$CUBE_KUBECONFIG" get node "$1" -o json | jq -e '[.spec.taints // [] | .[] | select(.key == "node.kubernetes.io/unreachable" and .effect == "NoSchedule")] | length == 1' >/dev/null; }
    waitb 20 "NoSchedule on both" bash -c "$(declare -f nosched); nosched $a && nosched $b"
    waitb 10 "NoExecute on one" bash -c "$(declare -f noexec); noexec $a || noexec $b"
    sleep 3
    n=0
    noexec "$a" && n=$((n + 1))
    noexec "$b" && n=$((n + 1))
    assert_eq "1" "$n" "NoExecute taints within the first seconds"
    waitb 20 "NoExecute on both" bash -c "$(declare -f noexec); noexec $a && noexec $b"
    stop_cmb
    kc delete node "$a" "$b" >/dev/null
}

test_endpointslice_follows_pod_readiness() {
    start_cmb endpointslice,endpoints
    ns=$(new_ns eps)
    jq -n -c '{apiVersion: "v1", kind: "Service", metadata: {name: "web"},
        spec: {selector: {app: "web"}, ports: [{name: "http", port: 80, targetPort: "http"}]}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    jq -n -c '{apiVersion: "v1", kind: "Pod", metadata: {name: "web-a", labels: {app: "web"}},
        spec: {containers: [{name: "c", image: "nginx", ports: [{name: "http", containerPort: 8080}]}]}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    # no IP yet: the placeholder slice, no Endpoints subsets
    waitb 20 "placeholder slice" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get endpointslices -n $ns -l kubernetes.io/service-name=web -o json | jq '.items | length')\" = 1 ]"
    slice=$(kc get endpointslices -n "$ns" -l kubernetes.io/service-name=web -o json)
    assert_eq "endpointslice-controller.k8s.io" "$(jq -r '.items[0].metadata.labels["endpointslice.kubernetes.io/managed-by"]' <<<"$slice")" managed-by
    assert_eq "Service/web/true" "$(jq -r '.items[0].metadata.ownerReferences[0] | "\(.kind)/\(.name)/\(.controller)"' <<<"$slice")" owner
    assert_eq "IPv4" "$(jq -r '.items[0].addressType' <<<"$slice")" addressType

    set_pod_status "$ns" web-a Running False 10.42.0.7
    waitb 20 "not-ready endpoint" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get endpointslices -n $ns -l kubernetes.io/service-name=web -o json | jq -e '.items[0].endpoints[0].conditions.ready == false and .items[0].endpoints[0].addresses[0] == \"10.42.0.7\"'"
    slice=$(kc get endpointslices -n "$ns" -l kubernetes.io/service-name=web -o json)
    assert_eq "8080 http TCP" "$(jq -r '.items[0].ports[0] | "\(.port) \(.name) \(.protocol)"' <<<"$slice")" "named targetPort"
    assert_eq "Pod/web-a" "$(jq -r '.items[0].endpoints[0].targetRef | "\(.kind)/\(.name)"' <<<"$slice")" targetRef
    waitb 20 "notReadyAddresses" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get endpoints -n $ns web -o json | jq -e '.subsets[0].notReadyAddresses[0].ip == \"10.42.0.7\"'"

    set_pod_status "$ns" web-a Running True 10.42.0.7
    waitb 20 "ready endpoint" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get endpointslices -n $ns -l kubernetes.io/service-name=web -o json | jq -e '.items[0].endpoints[0].conditions.ready == true'"
    waitb 20 "ready address" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get endpoints -n $ns web -o json | jq -e '.subsets[0].addresses[0].ip == \"10.42.0.7\" and .subsets[0].ports[0].port == 8080'"
    out=$(kc get endpoints -n "$ns" web)
    assert_match "$out" '^web +10\.42\.0\.7:8080 +[0-9]+s$' "kubectl get endpoints"
    ep=$(kc get endpoints -n "$ns" web -o json)
    assert_match "$(jq -r '.metadata.annotations["endpoints.kubernetes.io/last-change-trigger-time"]' <<<"$ep")" '^[0-9-]+T[0-9:]+Z$' trigger-time

    # readiness lost again: not ready, still listed
    set_pod_status "$ns" web-a Running False 10.42.0.7
    waitb 20 "ready false again" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get endpointslices -n $ns -l kubernetes.io/service-name=web -o json | jq -e '.items[0].endpoints[0].conditions.ready == false'"
    stop_cmb
}

test_node_lease_lapse_taints_and_evicts() {
    start_cmb nodelifecycle
    node=$(uniq_name lapse)
    ns=$(new_ns evict)
    mknode "$node"
    # a pod tolerating the unreachable taint for 3 s, one tolerating it for ever
    jq -n -c --arg n "$node" '{apiVersion: "v1", kind: "Pod", metadata: {name: "short"},
        spec: {nodeName: $n, containers: [{name: "c", image: "nginx"}],
               tolerations: [{key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 3}]}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    jq -n -c --arg n "$node" '{apiVersion: "v1", kind: "Pod", metadata: {name: "forever"},
        spec: {nodeName: $n, containers: [{name: "c", image: "nginx"}],
               tolerations: [{operator: "Exists"}]}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    set_pod_status "$ns" forever Running True 10.42.9.2
    # healthy while the lease is renewed
    for _ in 1 2 3 4 5 6; do renew_node "$node"; sleep 1; done
    assert_eq "True" "$(kc get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" "Ready while renewed"
    assert_eq "" "$(kc get node "$node" -o jsonpath='{.spec.taints}')" "no taints while renewed"
    # the lease lapses: Unknown, unreachable taints
    waitb 20 "Ready=Unknown" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get node $node -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}')\" = Unknown ]"
    node_json=$(kc get node "$node" -o json)
    assert_eq "NodeStatusUnknown/Kubelet stopped posting node status." "$(jq -r '.status.conditions[] | select(.type == "Ready") | "\(.reason)/\(.message)"' <<<"$node_json")" "Ready condition"
    assert_match "$(kc get node "$node")" "^$node +NotReady +<none> +[0-9]+s +\$" "kubectl get node"
    waitb 20 "unreachable taints" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get node $node -o json | jq -e '[.spec.taints[] | select(.key == \"node.kubernetes.io/unreachable\") | .effect] | sort == [\"NoExecute\", \"NoSchedule\"]'"
    # MarkPodsNotReady, then the eviction after tolerationSeconds
    waitb 20 "pod marked not ready" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns forever -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}')\" = False ]"
    waitb 20 "short evicted" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns short -o json | jq -e '.metadata.deletionTimestamp != null'"
    waitb 20 "eviction event" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get events -n $ns -o json | jq -e '[.items[] | select(.reason == \"TaintManagerEviction\" and .message == \"Marking for deletion Pod $ns/short\")] | length > 0'"
    assert_eq "null" "$(kc get pod -n "$ns" forever -o json | jq -c '.metadata.deletionTimestamp')" "tolerating pod stays"
    # the kubelet comes back: taints go
    renew_node "$node"
    waitb 20 "taints removed" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get node $node -o json | jq '[.spec.taints // [] | .[] | select(.key | startswith(\"node.kubernetes.io/\"))] | length')\" = 0 ]"
    stop_cmb
    kc delete node "$node" >/dev/null
}

test_node_ipam_gives_pod_cidrs() {
    start_cmb nodeipam
    a=$(uniq_name ipam)
    b=$(uniq_name ipam)
    mknode "$a"
    mknode "$b"
    waitb 20 "podCIDR of $a" bash -c "[ -n \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get node $a -o jsonpath='{.spec.podCIDR}')\" ]"
    waitb 20 "podCIDR of $b" bash -c "[ -n \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get node $b -o jsonpath='{.spec.podCIDR}')\" ]"
    ca=$(kc get node "$a" -o jsonpath='{.spec.podCIDR}')
    cb=$(kc get node "$b" -o jsonpath='{.spec.podCIDR}')
    assert_match "$ca" '^10\.42\.[0-9]+\.0/24$' "podCIDR of a"
    assert_match "$cb" '^10\.42\.[0-9]+\.0/24$' "podCIDR of b"
    [ "$ca" != "$cb" ] || fail "two nodes share $ca"
    assert_eq "$ca" "$(kc get node "$a" -o jsonpath='{.spec.podCIDRs[0]}')" "podCIDRs"
    # every node of the cluster has its own
    all=$(kc get nodes -o json | jq -r '.items[].spec.podCIDR // empty' | sort)
    assert_eq "$(sort -u <<<"$all")" "$all" "CIDRs are unique"
    stop_cmb
    kc delete node "$a" "$b" >/dev/null
}

test_job_completes() {
    start_cmb job
    ns=$(new_ns job)
    assert_eq "job.batch/pi created" "$(kc create job pi -n "$ns" --image=busybox -- true)"
    waitb 20 "job pod" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l batch.kubernetes.io/job-name=pi -o json | jq '.items | length')\" = 1 ]"
    pod=$(kc get pods -n "$ns" -l job-name=pi -o jsonpath='{.items[0].metadata.name}')
    assert_match "$pod" '^pi-[a-z0-9]{5}$' "pod name"
    pj=$(kc get pod -n "$ns" "$pod" -o json)
    assert_eq '["batch.kubernetes.io/job-tracking"]' "$(jq -c '.metadata.finalizers' <<<"$pj")" finalizer
    assert_eq "Job/pi/true" "$(jq -r '.metadata.ownerReferences[0] | "\(.kind)/\(.name)/\(.controller)"' <<<"$pj")" owner
    waitb 20 "active 1" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get job -n $ns pi -o jsonpath='{.status.active}')\" = 1 ]"
    assert_match "$(kc get job -n "$ns" pi)" '^pi +Running +0/1 +[0-9]+s +[0-9]+s$' "running job line"
    kc patch pod -n "$ns" "$pod" --subresource=status --type=merge \
        -p '{"status":{"phase":"Succeeded"}}' >/dev/null
    waitb 30 "job complete" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get job -n $ns pi -o json | jq -e '.status.conditions // [] | map(select(.type == \"Complete\" and .status == \"True\")) | length == 1'"
    jj=$(kc get job -n "$ns" pi -o json)
    assert_eq "SuccessCriteriaMet/CompletionsReached Complete/CompletionsReached " "$(jq -r '.status.conditions[] | "\(.type)/\(.reason)"' <<<"$jj" | tr '\n' ' ')" conditions
    assert_eq "1" "$(jq -r '.status.succeeded' <<<"$jj")" succeeded
    assert_eq "true" "$(jq -r '.status.completionTime != null and .status.startTime != null' <<<"$jj")" times
    assert_match "$(kc get job -n "$ns" pi)" '^pi +Complete +1/1 +[0-9]+s +[0-9]+s$' "complete job line"
    assert_eq "0" "$(kc get pod -n "$ns" "$pod" -o json | jq -c '.metadata.finalizers // [] | length')" "finalizer removed"
    stop_cmb
}

test_cronjob_creates_job() {
    # `* * * * *` fires again at the next minute: start early in a minute so that the checks
    # below see one run, not two
    sec=$((10#$(date -u +%S)))
    [ "$sec" -lt 30 ] || sleep $((61 - sec))
    ns=$(new_ns cron)
    jq -n -c '{apiVersion: "batch/v1", kind: "CronJob", metadata: {name: "tick"},
        spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: "OnFailure",
        containers: [{name: "c", image: "busybox"}]}}}}}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    # as if it last ran two minutes ago: the most recent minute is due now
    past=$(date -u -d '-2 min' +%FT%H:%M:00Z)
    kc patch cronjob -n "$ns" tick --subresource=status --type=merge \
        -p "{\"status\":{\"lastScheduleTime\":\"$past\"}}" >/dev/null
    start_cmb cronjob
    waitb 20 "a job" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get jobs -n $ns -o json | jq '.items | length')\" = 1 ]"
    jj=$(kc get jobs -n "$ns" -o json)
    name=$(jq -r '.items[0].metadata.name' <<<"$jj")
    ts=$(jq -r '.items[0].metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]' <<<"$jj")
    assert_eq "tick-$(($(date -u -d "$ts" +%s) / 60))" "$name" "job name from the scheduled minute"
    assert_eq "CronJob/tick/true" "$(jq -r '.items[0].metadata.ownerReferences[0] | "\(.kind)/\(.name)/\(.controller)"' <<<"$jj")" owner
    waitb 20 "status" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get cronjob -n $ns tick -o json | jq -e '.status.active[0].name == \"$name\" and .status.lastScheduleTime == \"$ts\"'"
    assert_match "$(kc get cronjob -n "$ns" tick)" '^tick +\* \* \* \* \* +<none> +False +1 +[0-9]+s +[0-9]+s$' "kubectl get cronjob"
    stop_cmb
}

test_daemonset_one_pod_per_node() {
    start_cmb daemonset
    pool=$(uniq_name pool)
    mknode "$pool-a" "{\"pool\":\"$pool\"}"
    mknode "$pool-b" "{\"pool\":\"$pool\"}"
    mknode "$pool-c" '{"pool":"elsewhere"}'
    ns=$(new_ns ds)
    jq -n -c --arg p "$pool" '{apiVersion: "apps/v1", kind: "DaemonSet", metadata: {name: "agent"},
        spec: {selector: {matchLabels: {app: "agent"}}, template: {metadata: {labels: {app: "agent"}},
        spec: {nodeSelector: {pool: $p}, containers: [{name: "c", image: "busybox"}]}}}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    waitb 20 "two daemon pods" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l app=agent -o json | jq '.items | length')\" = 2 ]"
    sleep 1
    pods=$(kc get pods -n "$ns" -l app=agent -o json)
    assert_eq "2" "$(jq '.items | length' <<<"$pods")" "still two pods"
    assert_eq "$pool-a $pool-b " "$(jq -r '.items[].spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]' <<<"$pods" | sort | tr '\n' ' ')" "one pod per node, by node affinity"
    assert_eq "null" "$(jq -c '.items[0].spec.nodeName' <<<"$pods")" "left to the scheduler"
    assert_eq "1" "$(jq '[.items[0].spec.tolerations[] | select(.key == "node.kubernetes.io/unreachable" and .operator == "Exists" and .effect == "NoExecute")] | length' <<<"$pods")" "daemon tolerations"
    hash=$(jq -r '.items[0].metadata.labels["controller-revision-hash"]' <<<"$pods")
    assert_eq "agent-$hash" "$(kc get controllerrevisions -n "$ns" -o jsonpath='{.items[0].metadata.name}')" "ControllerRevision"
    waitb 20 "status" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get ds -n $ns agent -o json | jq -e '.status.desiredNumberScheduled == 2 and .status.currentNumberScheduled == 2 and .status.updatedNumberScheduled == 2'"
    assert_match "$(kc get ds -n "$ns" agent)" "^agent +2 +2 +0 +2 +0 +pool=$pool +[0-9]+s\$" "kubectl get ds"
    stop_cmb
    kc delete node "$pool-a" "$pool-b" "$pool-c" >/dev/null
}

test_statefulset_creates_web0_before_web1() {
    start_cmb statefulset
    ns=$(new_ns sts)
    jq -n -c '{apiVersion: "apps/v1", kind: "StatefulSet", metadata: {name: "web"},
        spec: {replicas: 2, serviceName: "nginx", selector: {matchLabels: {app: "web"}},
        template: {metadata: {labels: {app: "web"}}, spec: {containers: [{name: "c", image: "nginx"}]}},
        volumeClaimTemplates: [{metadata: {name: "www"}, spec: {accessModes: ["ReadWriteOnce"],
            resources: {requests: {storage: "1Gi"}}}}]}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    waitb 20 "web-0" kc get pod -n "$ns" web-0
    sleep 2
    assert_fails_with 'pods "web-1" not found' kc get pod -n "$ns" web-1
    p0=$(kc get pod -n "$ns" web-0 -o json)
    assert_eq "web-0/nginx" "$(jq -r '"\(.spec.hostname)/\(.spec.subdomain)"' <<<"$p0")" hostname
    assert_eq "web-0 0" "$(jq -r '.metadata.labels | "\(.["statefulset.kubernetes.io/pod-name"]) \(.["apps.kubernetes.io/pod-index"])"' <<<"$p0")" labels
    assert_eq "www-web-0" "$(jq -r '.spec.volumes[] | select(.name == "www") | .persistentVolumeClaim.claimName' <<<"$p0")" "claim volume"
    assert_match "$(kc get pvc -n "$ns" www-web-0)" '^www-web-0 +Pending' "claim left Pending"
    rev=$(jq -r '.metadata.labels["controller-revision-hash"]' <<<"$p0")
    assert_match "$rev" '^web-[bcdfghjklmnpqrstvwxz2456789]+$' "revision label"
    set_pod_status "$ns" web-0 Running True 10.42.0.10
    waitb 20 "web-1" kc get pod -n "$ns" web-1
    set_pod_status "$ns" web-1 Running True 10.42.0.11
    waitb 20 "ready 2/2" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get sts -n $ns web --no-headers | grep -Eq '^web +2/2 +[0-9]+s\$'"
    st=$(kc get sts -n "$ns" web -o json)
    assert_eq "$rev $rev 2 2" "$(jq -r '.status | "\(.currentRevision) \(.updateRevision) \(.replicas) \(.updatedReplicas)"' <<<"$st")" status
    # scale down: the highest ordinal goes
    kc scale sts -n "$ns" web --replicas=1 >/dev/null
    waitb 20 "web-1 deleted" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -o json | jq '[.items[] | select(.metadata.name == \"web-1\" and .metadata.deletionTimestamp == null)] | length')\" = 0 ]"
    assert_eq "null" "$(kc get pod -n "$ns" web-0 -o json | jq -c '.metadata.deletionTimestamp')" "web-0 stays"
    stop_cmb
}

test_job_backoff_limit_fails() {
    start_cmb job
    ns=$(new_ns jobfail)
    jq -n -c '{apiVersion: "batch/v1", kind: "Job", metadata: {name: "bad"},
        spec: {backoffLimit: 0, template: {spec: {restartPolicy: "Never",
        containers: [{name: "c", image: "busybox"}]}}}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    waitb 20 "job pod" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l job-name=bad -o json | jq '.items | length')\" = 1 ]"
    pod=$(kc get pods -n "$ns" -l job-name=bad -o jsonpath='{.items[0].metadata.name}')
    kc patch pod -n "$ns" "$pod" --subresource=status --type=merge \
        -p '{"status":{"phase":"Failed"}}' >/dev/null
    waitb 30 "job failed" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get job -n $ns bad -o json | jq -e '.status.conditions // [] | map(select(.type == \"Failed\" and .status == \"True\")) | length == 1'"
    jj=$(kc get job -n "$ns" bad -o json)
    assert_eq "FailureTarget/BackoffLimitExceeded Failed/BackoffLimitExceeded " "$(jq -r '.status.conditions[] | "\(.type)/\(.reason)"' <<<"$jj" | tr '\n' ' ')" conditions
    assert_eq "Job has reached the specified backoff limit" "$(jq -r '.status.conditions[1].message' <<<"$jj")" message
    assert_eq "1" "$(jq -r '.status.failed' <<<"$jj")" failed
    assert_match "$(kc get job -n "$ns" bad)" '^bad +Failed +0/1 +[0-9]+s +[0-9]+s$' "failed job line"
    sleep 1
    assert_eq "1" "$(kc get pods -n "$ns" -l job-name=bad -o json | jq '.items | length')" "no pod re-created"
    stop_cmb
}

test_podgc_deletes_pods_of_deleted_nodes() {
    start_cmb podgc
    node=$(uniq_name gone)
    mknode "$node"
    ns=$(new_ns podgc)
    jq -n -c --arg n "$node" '{apiVersion: "v1", kind: "Pod", metadata: {name: "orphan"},
        spec: {nodeName: $n, containers: [{name: "c", image: "nginx"}]}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    jq -n -c '{apiVersion: "v1", kind: "Pod", metadata: {name: "unbound"},
        spec: {containers: [{name: "c", image: "nginx"}]}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    kc delete node "$node" >/dev/null
    # quarantine, then a GET confirms the node is gone, then a forced delete
    waitb 45 "orphan force-deleted" bash -c "! kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns orphan"
    assert_eq "unbound" "$(kc get pod -n "$ns" unbound -o jsonpath='{.metadata.name}')" "unscheduled pod stays"
    stop_cmb
}

test_statefulset_rolling_update_with_partition() {
    start_cmb statefulset
    ns=$(new_ns stsru)
    jq -n -c '{apiVersion: "apps/v1", kind: "StatefulSet", metadata: {name: "db"},
        spec: {replicas: 3, serviceName: "db", selector: {matchLabels: {app: "db"}},
        updateStrategy: {type: "RollingUpdate", rollingUpdate: {partition: 1}},
        template: {metadata: {labels: {app: "db"}}, spec: {containers: [{name: "c", image: "db:1"}]}}}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    for i in 0 1 2; do
        waitb 20 "db-$i" kc get pod -n "$ns" "db-$i"
        set_pod_status "$ns" "db-$i" Running True "10.42.1.$((i + 1))"
    done
    old=$(kc get pod -n "$ns" db-0 -o jsonpath='{.metadata.labels.controller-revision-hash}')
    kc patch sts -n "$ns" db --type=merge -p '{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"db:2"}]}}}}' >/dev/null
    # db-2 is replaced first, then db-1; db-0 is below the partition
    waitb 20 "db-2 on the new revision" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns db-2 -o jsonpath='{.spec.containers[0].image}')\" = db:2 ]"
    assert_eq "db:1" "$(kc get pod -n "$ns" db-1 -o jsonpath='{.spec.containers[0].image}')" "db-1 waits for db-2"
    set_pod_status "$ns" db-2 Running True 10.42.1.3
    waitb 20 "db-1 on the new revision" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns db-1 -o jsonpath='{.spec.containers[0].image}')\" = db:2 ]"
    set_pod_status "$ns" db-1 Running True 10.42.1.2
    sleep 2
    assert_eq "db:1 $old" "$(kc get pod -n "$ns" db-0 -o jsonpath='{.spec.containers[0].image} {.metadata.labels.controller-revision-hash}')" "db-0 below the partition"
    new=$(kc get pod -n "$ns" db-1 -o jsonpath='{.metadata.labels.controller-revision-hash}')
    [ "$new" != "$old" ] || fail "the revision did not change"
    waitb 20 "status" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get sts -n $ns db -o json | jq -e '.status.updateRevision == \"$new\" and .status.currentRevision == \"$old\" and .status.updatedReplicas == 2 and .status.readyReplicas == 3'"
    assert_eq "2" "$(kc get controllerrevisions -n "$ns" -o json | jq '.items | length')" "two ControllerRevisions"
    stop_cmb
}

test_indexed_job_gives_each_pod_its_index() {
    start_cmb job
    ns=$(new_ns idx)
    jq -n -c '{apiVersion: "batch/v1", kind: "Job", metadata: {name: "idx"},
        spec: {completions: 3, parallelism: 2, completionMode: "Indexed",
        template: {spec: {restartPolicy: "Never", containers: [{name: "c", image: "busybox"}]}}}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    waitb 20 "two pods" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l job-name=idx -o json | jq '.items | length')\" = 2 ]"
    pods=$(kc get pods -n "$ns" -l job-name=idx -o json)
    assert_eq "0:idx-0 1:idx-1 " "$(jq -r '.items[] | "\(.metadata.annotations["batch.kubernetes.io/job-completion-index"]):\(.spec.hostname)"' <<<"$pods" | sort | tr '\n' ' ')" "indexes and hostnames"
    p0=$(jq -r '.items[] | select(.metadata.labels["batch.kubernetes.io/job-completion-index"] == "0") | .metadata.name' <<<"$pods")
    assert_match "$p0" '^idx-0-[a-z0-9]{5}$' "indexed pod name"
    kc patch pod -n "$ns" "$p0" --subresource=status --type=merge -p '{"status":{"phase":"Succeeded"}}' >/dev/null
    # index 2 starts once index 0 is done
    waitb 20 "index 2" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l batch.kubernetes.io/job-completion-index=2 -o json | jq -e '.items | length == 1'"
    waitb 20 "completedIndexes" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get job -n $ns idx -o jsonpath='{.status.completedIndexes}')\" = 0 ]"
    stop_cmb
}

test_daemonset_rolling_update_replaces_pods() {
    start_cmb daemonset
    pool=$(uniq_name roll)
    mknode "$pool-a" "{\"pool\":\"$pool\"}"
    mknode "$pool-b" "{\"pool\":\"$pool\"}"
    ns=$(new_ns dsru)
    jq -n -c --arg p "$pool" '{apiVersion: "apps/v1", kind: "DaemonSet", metadata: {name: "agent"},
        spec: {selector: {matchLabels: {app: "agent"}}, template: {metadata: {labels: {app: "agent"}},
        spec: {nodeSelector: {pool: $p}, containers: [{name: "c", image: "agent:1"}]}}}}' |
        kc create --validate=false -n "$ns" -f - >/dev/null
    waitb 20 "two pods" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l app=agent -o json | jq '.items | length')\" = 2 ]"
    for p in $(kc get pods -n "$ns" -l app=agent -o jsonpath='{.items[*].metadata.name}'); do
        set_pod_status "$ns" "$p" Running True
    done
    waitb 20 "2 available" bash -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get ds -n $ns agent -o json | jq -e '.status.numberAvailable == 2'"
    kc patch ds -n "$ns" agent --type=merge -p '{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"agent:2"}]}}}}' >/dev/null
    # maxUnavailable 1: one old pod goes and is replaced, the other waits for it to be ready
    waitb 20 "one new pod" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l app=agent -o json | jq '[.items[] | select(.spec.containers[0].image == \"agent:2\")] | length')\" = 1 ]"
    sleep 2
    assert_eq "1" "$(kc get pods -n "$ns" -l app=agent -o json | jq '[.items[] | select(.spec.containers[0].image == "agent:1" and .metadata.deletionTimestamp == null)] | length')" "one old pod still serves"
    new=$(kc get pods -n "$ns" -l app=agent -o json | jq -r '.items[] | select(.spec.containers[0].image == "agent:2") | .metadata.name')
    set_pod_status "$ns" "$new" Running True
    waitb 20 "both new" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l app=agent -o json | jq '[.items[] | select(.spec.containers[0].image == \"agent:2\")] | length')\" = 2 ]"
    assert_eq "2" "$(kc get controllerrevisions -n "$ns" -o json | jq '.items | length')" "two ControllerRevisions"
    stop_cmb
    kc delete node "$pool-a" "$pool-b" >/dev/null
}

test_job_deleted_releases_pod_finalizers() {
    start_cmb job
    ns=$(new_ns jobdel)
    kc create job gone -n "$ns" --image=busybox >/dev/null
    waitb 20 "job pod" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l job-name=gone -o json | jq '.items | length')\" = 1 ]"
    pod=$(kc get pods -n "$ns" -l job-name=gone -o jsonpath='{.items[0].metadata.name}')
    # orphaned (no garbage collector runs here): the tracking finalizer must not pin the pod
    kc delete job -n "$ns" gone --cascade=orphan --wait=false >/dev/null
    waitb 20 "finalizer released" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns $pod -o json | jq '.metadata.finalizers // [] | length')\" = 0 ]"
    kc delete pod -n "$ns" "$pod" --wait=false >/dev/null
    waitb 20 "pod gone" bash -c "! kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns $pod"
    # deleted outright (background cascade, its pods left to a garbage collector)
    kc create job gone2 -n "$ns" --image=busybox >/dev/null
    waitb 20 "job pod" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods -n $ns -l job-name=gone2 -o json | jq '.items | length')\" = 1 ]"
    pod=$(kc get pods -n "$ns" -l job-name=gone2 -o jsonpath='{.items[0].metadata.name}')
    kc delete job -n "$ns" gone2 >/dev/null
    waitb 20 "finalizer released" bash -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod -n $ns $pod -o json | jq '.metadata.finalizers // [] | length')\" = 0 ]"
    stop_cmb
}
