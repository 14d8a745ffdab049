#!/bin/bash
# bench/scale.sh: the control plane at scale (issue 4's goals). An API server,
# the controller manager, the scheduler and NODES hollow nodes run on this
# machine; a Deployment is scaled from 0 to PODS replicas and the time until
# every pod is Running (the deployment's readyReplicas, as the replica set
# controller counts them) gives pods/s end to end. Three workloads: plain,
# required pod anti-affinity (one pod per node: PODS capped at NODES), and
# topology spread over zones. Then the resident memory of the controller
# manager + scheduler, and of the hollow nodes per node.
#
# Usage: CUBE=/abs/path/to/cube bench/scale.sh
# Knobs: NODES (5000), PODS (10000), ZONES (10), SCALE_PORT (27443), SCALE_KEEP (keep temp dir),
#        WORKLOADS ("plain antiaffinity spread"), SCALE_REQUESTS (print the API requests made)
set -uo pipefail
: "${CUBE:?set CUBE to the absolute path of the cube binary}"
NODES=${NODES:-5000}
PODS=${PODS:-10000}
ZONES=${ZONES:-10}
PORT=${SCALE_PORT:-27443}
WORKLOADS=${WORKLOADS:-plain antiaffinity spread}
T=$(mktemp -d /tmp/cube-scale.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${SCALE_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

K="kubectl --kubeconfig $T/admin.kubeconfig --request-timeout=60s"
"$CUBE" apiserver --config /dev/null --data-dir "$T" --secure-port "$PORT" \
    --bind-address 127.0.0.1 >"$T/apiserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do
    [ -s "$T/admin.kubeconfig" ] && $K get --raw /readyz >/dev/null 2>&1 && break
    sleep 0.1
done
"$CUBE" controller-manager --config /dev/null --kubeconfig "$T/admin.kubeconfig" \
    --leader-elect=false >"$T/cm.log" 2>&1 &
cm=$!
pids+=($cm)
"$CUBE" scheduler --config /dev/null --kubeconfig "$T/admin.kubeconfig" --leader-elect=false \
    >"$T/sched.log" 2>&1 &
sched=$!
pids+=($sched)
t0=$(date +%s.%N)
"$CUBE" hollow-nodes --config /dev/null --kubeconfig "$T/admin.kubeconfig" --count "$NODES" \
    --zones "$ZONES" --max-pods 110 --cpu 32 --memory 128Gi >"$T/hollow.log" 2>&1 &
hollow=$!
pids+=($hollow)
until grep -q "nodes registered" "$T/hollow.log" 2>/dev/null; do sleep 0.2; done
echo "scale bench: $NODES hollow nodes registered in $(grep -o 'registered in [0-9.]* s' "$T/hollow.log" | cut -d' ' -f3) s"

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# cpu_s PID: user+system CPU seconds the process has used so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
apiserver=${pids[0]}

# run NAME REPLICAS OVERRIDES-JSON: scales a deployment from 0 and times it to all ready.
run() {
    local name=$1 n=$2 spec=$3
    $K create deployment "$name" --image nginx --replicas 0 >/dev/null
    [ -n "$spec" ] && $K patch deployment "$name" --type merge -p "$spec" >/dev/null
    local start end ready=0 c0=() c1=() p
    for p in "$apiserver" "$cm" "$sched" "$hollow"; do c0+=("$(cpu_s "$p")"); done
    start=$(date +%s.%N)
    $K scale deployment "$name" --replicas "$n" >/dev/null
    local deadline=$((SECONDS + 600))
    while [ "$ready" != "$n" ] && [ $SECONDS -lt $deadline ]; do
        sleep 0.2
        ready=$($K get deployment "$name" -o jsonpath='{.status.readyReplicas}' 2>/dev/null)
        ready=${ready:-0}
    done
    end=$(date +%s.%N)
    for p in "$apiserver" "$cm" "$sched" "$hollow"; do c1+=("$(cpu_s "$p")"); done
    local secs
    secs=$(echo "$end - $start" | bc -l)
    printf '  %-14s %6d pods ready in %7.2f s = %7.0f pods/s%s\n' "$name" "$n" "$secs" \
        "$(echo "$n / $secs" | bc -l)" "$([ "$ready" = "$n" ] || echo "  (only $ready ready: TIMED OUT)")"
    # where the CPU went: seconds per component over the run, and per pod
    printf '  %-14s CPU s: apiserver %.2f, controller-manager %.2f, scheduler %.2f, hollow %.2f (%.0f us per pod in all)\n' \
        "" "$(echo "${c1[0]} - ${c0[0]}" | bc -l)" "$(echo "${c1[1]} - ${c0[1]}" | bc -l)" \
        "$(echo "${c1[2]} - ${c0[2]}" | bc -l)" "$(echo "${c1[3]} - ${c0[3]}" | bc -l)" \
        "$(echo "(${c1[0]} + ${c1[1]} + ${c1[2]} + ${c1[3]} - ${c0[0]} - ${c0[1]} - ${c0[2]} - ${c0[3]}) * 1000000 / $n" | bc -l)"
    if [ -n "${SCALE_REQUESTS:-}" ]; then
        # the API requests the run made, by verb and resource (busiest first)
        $K get --raw /metrics | awk -F'[{},]' '/^apiserver_request_total\{/ {
            v = ""; r = ""; sr = ""
            for (i = 2; i < NF; i++) {
                if ($i ~ /^verb=/) v = substr($i, 7, length($i) - 7)
                if ($i ~ /^resource=/) r = substr($i, 11, length($i) - 11)
                if ($i ~ /^subresource=/) sr = substr($i, 14, length($i) - 14)
            }
            split($0, parts, " "); n[v " " r (sr != "" ? "/" sr : "")] += parts[2]
        } END { for (k in n) printf "    %8d %s\n", n[k], k }' | sort -rn | head -15
    fi
    $K delete deployment "$name" --wait=false >/dev/null
    # wait for the pods to be gone before the next workload
    while [ "$($K get pods --no-headers 2>/dev/null | head -1 | wc -l)" != 0 ] && [ $SECONDS -lt $((deadline + 300)) ]; do
        sleep 1
    done
}

for w in $WORKLOADS; do
    case $w in
    plain) run plain "$PODS" "" ;;
    antiaffinity)
        n=$((PODS < NODES ? PODS : NODES))
        run antiaffinity "$n" '{"spec":{"template":{"spec":{"affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchLabels":{"app":"antiaffinity"}},"topologyKey":"kubernetes.io/hostname"}]}}}}}}'
        ;;
    spread)
        run spread "$PODS" '{"spec":{"template":{"spec":{"topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"topology.kubernetes.io/zone","whenUnsatisfiable":"DoNotSchedule","labelSelector":{"matchLabels":{"app":"spread"}}}]}}}}'
        ;;
    esac
done
cm_rss=$(rss_mib "$cm")
sched_rss=$(rss_mib "$sched")
hollow_rss=$(rss_mib "$hollow")
printf '  memory: controller-manager %s MiB + scheduler %s MiB = %s MiB; hollow nodes %s MiB (%.1f KiB per node)\n' \
    "$cm_rss" "$sched_rss" "$(echo "$cm_rss + $sched_rss" | bc -l)" "$hollow_rss" \
    "$(echo "$hollow_rss * 1024 / $NODES" | bc -l)"
