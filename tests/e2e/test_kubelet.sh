# `cube kubelet` end to end: our own containerd (temp dir), `cube apiserver`,
# and `cube kubelet` registering node kl-node; pods are created with
# spec.nodeName set (no scheduler needed) and judged by what kubectl prints
# and what the pods really do (HTTP bodies from pod IPs, files they share).
# Needs root (containerd, runc, CNI). Everything started is stopped by PID,
# and containers, mounts and the bridge are removed, even when a test fails.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KL_BRIDGE=cni0-kl
KL_NODE=kl-node

# Builds the pause and busybox image archives once per run into $TESTS_TMP/images.
kl_images() {
    local dir=${TESTS_TMP:-/tmp}/images pause
    [ -s "$dir/busybox.tar" ] && [ -s "$dir/pause.tar" ] && return 0
    mkdir -p "$dir"
    pause=$(dirname "$CUBE")/pause
    if [ ! -x "$pause" ]; then
        pause=$dir/pause
        cc -std=gnu17 -O2 -static -s -o "$pause" "$REPO/src/pause/pause.c"
    fi
    "$REPO/scripts/build-images.sh" "$dir" "$pause" >/dev/null
}

# kl_setup: containerd with images, the API server, the kubelet; the node Ready.
# Exports KL_DIR, KL_SOCK, KL_SUBNET (first three octets of the node's /24), KL_PID.
kl_setup() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "  SKIP: needs root (containerd, runc, CNI)"
        exit 0
    fi
    command -v containerd >/dev/null || fail "containerd is not installed (scripts/deps.sh)"
    kl_images
    KL_DIR=$(mktemp -d /tmp/cube-kl.XXXXXX)
    KL_SOCK=$KL_DIR/containerd.sock
    KL_SUBNET=10.89.$((10 + RANDOM % 200))
    export KL_DIR KL_SOCK KL_SUBNET
    trap kl_cleanup EXIT
    assert_ok "$CUBE" cri-test containerd-start --data-dir "$KL_DIR"
    [ -n "${TESTS_TMP:-}" ] && cat "$KL_DIR/containerd.pid" >>"$TESTS_TMP/pids"
    assert_ok "$CUBE" image import "${TESTS_TMP:-/tmp}/images/pause.tar" \
        "${TESTS_TMP:-/tmp}/images/busybox.tar" --address "$KL_SOCK"
    start_cube "$KL_DIR/api"
    # what the controller manager (not run here) gives every namespace: the `default`
    # ServiceAccount and the cluster CA, which the token volume every pod gets needs
    kc create serviceaccount default >/dev/null
    kc create configmap kube-root-ca.crt --from-file=ca.crt="$KL_DIR/api/pki/ca.crt" >/dev/null
    kl_start
    wait_until 20 node_ready
}

# Starts `cube kubelet` for $KL_NODE (again, after kl_stop); output to $KL_DIR/kubelet.log.
kl_start() {
    echo "--- start $(date +%T.%N)" >>"$KL_DIR/kubelet.log"
    [ -n "${KL_PORT:-}" ] || KL_PORT=$(free_port)
    export KL_PORT
    "$CUBE" kubelet --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" --node-name "$KL_NODE" \
        --container-runtime-endpoint "unix://$KL_SOCK" --root-dir "$KL_DIR/kubelet" \
        --pod-cidr "$KL_SUBNET.0/24" --cni-bridge "$KL_BRIDGE" --pod-log-dir "$KL_DIR/pods" \
        --port "$KL_PORT" --pod-manifest-path "$KL_DIR/manifests" -v 2 </dev/null \
        >>"$KL_DIR/kubelet.log" 2>&1 &
    KL_PID=$!
    export KL_PID
    [ -n "${TESTS_TMP:-}" ] && echo "$KL_PID" >>"$TESTS_TMP/pids"
    return 0
}

# Stops the kubelet by PID (SIGTERM, then SIGKILL after 10 s).
kl_stop() {
    [ -n "${KL_PID:-}" ] || return 0
    kill "$KL_PID" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$KL_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$KL_PID" 2>/dev/null || true
    wait "$KL_PID" 2>/dev/null || true
    KL_PID=
}

node_ready() {
    [ "$(kc get node "$KL_NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' \
        2>/dev/null)" = True ]
}

# Everything kl_setup made goes, whatever state the test left it in.
kl_cleanup() {
    local rc=$?
    [ -n "${KL_DIR:-}" ] && [ -d "$KL_DIR" ] || return 0
    if [ "$rc" -ne 0 ] && [ -f "$KL_DIR/kubelet.log" ]; then
        echo "  kubelet log tail:" >&2
        tail -n 25 "$KL_DIR/kubelet.log" | sed 's/^/    /' >&2
    fi
    kl_stop
    stop_cube
    if [ -S "$KL_SOCK" ]; then
        timeout 60 "$CUBE" cri-test teardown --endpoint "$KL_SOCK" >/dev/null 2>&1 || true
    fi
    timeout 30 "$CUBE" cri-test containerd-stop --data-dir "$KL_DIR" >/dev/null 2>&1 || true
    local pid
    if [ -f "$KL_DIR/containerd.pid" ]; then
        pid=$(cat "$KL_DIR/containerd.pid")
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    for pid in $(pgrep -f -- "-address $KL_SOCK" || true); do
        kill -KILL "$pid" 2>/dev/null || true
    done
    awk -v d="$KL_DIR" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    ip link del "$KL_BRIDGE" 2>/dev/null || true
    rm -rf "$KL_DIR"
}

# pod_field POD JSONPATH
pod_field() {
    kc get pod "$1" -o jsonpath="$2" 2>/dev/null
}

# phase_is POD PHASE / field_is POD JSONPATH VALUE (for wait_until: evaluated each time)
phase_is() { [ "$(pod_field "$1" '{.status.phase}')" = "$2" ]; }
field_is() { [ "$(pod_field "$1" "$2")" = "$3" ]; }
running_count_is() { [ "$(kc get pods --no-headers 2>/dev/null | grep -c ' Running ')" -eq "$1" ]; }

# The body served at http://IP:PORT/PATH (retried for a few seconds), in $BODY.
http_body() {
    BODY=
    for _ in $(seq 50); do
        BODY=$(curl -s --max-time 2 "http://$1/$2" || true)
        [ -n "$BODY" ] && return 0
        sleep 0.1
    done
}

# apply_pod NAME YAML-SPEC-BODY: a pod on our node (busybox, IfNotPresent).
apply_pod() {
    local name=$1 body=$2
    kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $name
  labels: {app: $name}
spec:
  nodeName: $KL_NODE
  terminationGracePeriodSeconds: 2
$body
EOF
}

test_kubelet_node_registers() {
    kl_setup
    kc get node "$KL_NODE" -o json >"$KL_DIR/node.json"
    local j=$KL_DIR/node.json
    assert_eq "$(nproc)" "$(jq -r .status.capacity.cpu "$j")" "cpu capacity"
    assert_eq "110" "$(jq -r .status.capacity.pods "$j")" "pods capacity"
    local memkib
    memkib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
    assert_eq "${memkib}Ki" "$(jq -r .status.capacity.memory "$j")" "memory capacity"
    assert_match "$(jq -r '.status.capacity["ephemeral-storage"]' "$j")" '^[0-9]+Ki$'
    assert_eq "$KL_NODE" "$(jq -r '.metadata.labels["kubernetes.io/hostname"]' "$j")" "hostname label"
    assert_eq "linux" "$(jq -r '.metadata.labels["kubernetes.io/os"]' "$j")" "os label"
    assert_match "$(jq -r .status.nodeInfo.containerRuntimeVersion "$j")" '^containerd://'
    assert_match "$(jq -r .status.nodeInfo.kubeletVersion "$j")" '^v1\.32\.'
    assert_eq "KubeletReady kubelet is posting ready status" \
        "$(jq -r '.status.conditions[] | select(.type=="Ready") | .reason + " " + .message' "$j")" \
        "Ready condition"
    assert_eq "False KubeletHasSufficientMemory" \
        "$(jq -r '.status.conditions[] | select(.type=="MemoryPressure") | .status + " " + .reason' "$j")" \
        "MemoryPressure condition"
    assert_match "$(jq -r '.status.addresses[] | .type + "=" + .address' "$j")" "Hostname=$KL_NODE"
    # the lease, renewed
    local r1 r2
    r1=$(kc get lease -n kube-node-lease "$KL_NODE" -o jsonpath='{.spec.renewTime}')
    assert_match "$r1" '^[0-9-]+T[0-9:.]+Z$'
    assert_eq "$KL_NODE" "$(kc get lease -n kube-node-lease "$KL_NODE" -o jsonpath='{.spec.holderIdentity}')" \
        "lease holder"
    sleep 11
    r2=$(kc get lease -n kube-node-lease "$KL_NODE" -o jsonpath='{.spec.renewTime}')
    [ "$r1" != "$r2" ] || fail "lease not renewed within 11 s ($r1)"
    # kubectl's view
    assert_ok kc get nodes
    assert_match "$OUT" "^$KL_NODE +Ready +<none> +[0-9]+s +v1\.32\.0\+cube\.1$"
    # the CNI network for the pod CIDR, written atomically next to containerd
    assert_match "$(cat "$KL_DIR/cni/net.d/10-cube.conflist")" "\"subnet\": \"$KL_SUBNET.0/24\""
}

test_kubelet_pod_runs_and_serves() {
    kl_setup
    local t0 t1
    t0=$(date +%s%N)
    apply_pod web '  containers:
  - name: web
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    env: [{name: GREETING, value: hello-from-cube}]
    command: [sh, -c, "echo $GREETING > /tmp/index.html; hostname >> /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]
    ports: [{containerPort: 8080}]'
    wait_until 30 phase_is web Running
    t1=$(date +%s%N)
    echo "  create -> Running: $(((t1 - t0) / 1000000)) ms"
    local ip
    ip=$(pod_field web '{.status.podIP}')
    assert_match "$ip" "^$KL_SUBNET\\.[0-9]+$"
    http_body "$ip:8080" index.html
    assert_eq "hello-from-cube
web" "$BODY" "HTTP body from the pod IP"
    wait_until 10 field_is web '{.status.conditions[?(@.type=="Ready")].status}' True
    assert_ok kc get pod web -o wide
    assert_match "$OUT" "^web +1/1 +Running +0 +[0-9]+s +$ip +$KL_NODE +<none> +<none>$"
    # the status as Kubernetes writes it
    kc get pod web -o json >"$KL_DIR/pod.json"
    local j=$KL_DIR/pod.json
    assert_eq "BestEffort" "$(jq -r .status.qosClass "$j")" "qosClass"
    assert_eq "PodReadyToStartContainers=True Initialized=True Ready=True ContainersReady=True PodScheduled=True" \
        "$(jq -r '[.status.conditions[] | .type + "=" + .status] | join(" ")' "$j")" "conditions"
    assert_match "$(jq -r '.status.containerStatuses[0].containerID' "$j")" '^containerd://[0-9a-f]{64}$'
    assert_match "$(jq -r '.status.containerStatuses[0].imageID' "$j")" 'sha256:[0-9a-f]{64}$'
    assert_eq "true true 0" "$(jq -r '.status.containerStatuses[0] | "\(.ready) \(.started) \(.restartCount)"' "$j")" \
        "ready started restartCount"
    assert_match "$(jq -r .status.startTime "$j")" '^[0-9-]+T[0-9:]+Z$'
    assert_match "$(jq -r .status.hostIP "$j")" '^[0-9.]+$'
    # the container log in CRI format under the pod's log directory
    local uid
    uid=$(jq -r .metadata.uid "$j")
    assert_ok test -f "$KL_DIR/pods/default_web_$uid/web/0.log"
    # graceful deletion: the kubelet stops the containers and removes the object
    assert_ok kc delete pod web --wait=false
    wait_until 20 sh -c "! kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod web >/dev/null 2>&1"
    wait_until 10 sh -c "! curl -s --max-time 1 http://$ip:8080/ >/dev/null"
    assert_ok "$CUBE" cri-test teardown --endpoint "$KL_SOCK"
    assert_match "$OUT" '^sandboxes_left=0 containers_left=0$'
}

test_kubelet_crashloop_backoff() {
    kl_setup
    apply_pod crash '  containers:
  - name: crash
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "echo dying; exit 3"]'
    wait_until 40 sh -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod crash --no-headers | grep -q CrashLoopBackOff"
    assert_ok kc get pod crash
    assert_match "$OUT" '^crash +0/1 +CrashLoopBackOff +[1-9][0-9]* \([0-9]+s ago\) +[0-9]+s$'
    kc get pod crash -o json >"$KL_DIR/pod.json"
    local j=$KL_DIR/pod.json
    assert_eq "Error 3" "$(jq -r '.status.containerStatuses[0].lastState.terminated | "\(.reason) \(.exitCode)"' "$j")" \
        "lastState"
    assert_match "$(jq -r .status.containerStatuses[0].state.waiting.message "$j")" \
        '^back-off (10|20|40)s restarting failed container=crash pod=crash_default\('
    assert_eq "Running" "$(jq -r .status.phase "$j")" "phase of a crash-looping Always pod"
    # backoff doubles: after ~35 s at most 3 restarts happened (0 s, 10 s, 30 s)
    sleep 20
    local rc
    rc=$(pod_field crash '{.status.containerStatuses[0].restartCount}')
    [ "$rc" -ge 2 ] && [ "$rc" -le 4 ] || fail "restartCount $rc after ~35 s (want 2..4 with backoff)"
}

test_kubelet_restart_policy_never_and_init() {
    kl_setup
    apply_pod done '  restartPolicy: Never
  initContainers:
  - name: init
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "echo init > /work/init.txt"]
    volumeMounts: [{name: work, mountPath: /work}]
  containers:
  - name: main
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "cat /work/init.txt; test -f /work/init.txt"]
    volumeMounts: [{name: work, mountPath: /work}]
  volumes: [{name: work, emptyDir: {}}]'
    wait_until 30 phase_is done Succeeded
    assert_ok kc get pod done
    assert_match "$OUT" '^done +0/1 +Completed +0 +[0-9]+s$'
    assert_eq "Completed 0" "$(pod_field done '{.status.initContainerStatuses[0].state.terminated.reason} {.status.initContainerStatuses[0].state.terminated.exitCode}')" \
        "init container"
    apply_pod fails '  restartPolicy: Never
  containers:
  - name: main
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "exit 7"]'
    wait_until 30 phase_is fails Failed
    assert_ok kc get pod fails
    assert_match "$OUT" '^fails +0/1 +Error +0 +[0-9]+s$'
}

test_kubelet_image_missing() {
    kl_setup
    apply_pod noimg '  containers:
  - name: main
    image: cube.local/nope:1.0
    imagePullPolicy: IfNotPresent'
    wait_until 30 sh -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod noimg --no-headers | grep -Eq 'ErrImagePull|ImagePullBackOff'"
    wait_until 30 sh -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod noimg --no-headers | grep -q ImagePullBackOff"
    assert_eq "Pending" "$(pod_field noimg '{.status.phase}')" "phase"
    apply_pod never '  containers:
  - name: main
    image: cube.local/nope:1.0
    imagePullPolicy: Never'
    wait_until 30 sh -c "kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod never --no-headers | grep -q ErrImageNeverPull"
    assert_eq 'Container image "cube.local/nope:1.0" is not present with pull policy of Never' \
        "$(pod_field never '{.status.containerStatuses[0].state.waiting.message}')" "message"
}

test_kubelet_volumes_env_and_shared_emptydir() {
    kl_setup
    kc create configmap cfg --from-literal=color=blue --from-literal=size=large >/dev/null
    kc create secret generic sec --from-literal=password=s3cr3t >/dev/null
    apply_pod vols '  containers:
  - name: server
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "cat /cfg/color /sec/password > /shared/index.html; echo \" $COLOR $PASS $MY_POD $MY_NS\" >> /shared/index.html; exec httpd -f -p 8080 -h /shared"]
    env:
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: cfg, key: color}}}
    - {name: PASS, valueFrom: {secretKeyRef: {name: sec, key: password}}}
    - {name: MY_POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: MY_NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    volumeMounts:
    - {name: cfg, mountPath: /cfg}
    - {name: sec, mountPath: /sec}
    - {name: shared, mountPath: /shared}
  - name: client
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    envFrom: [{configMapRef: {name: cfg}, prefix: CM_}]
    command: [sh, -c, "while true; do wget -q -O /shared/fetched http://127.0.0.1:8080/index.html && echo $CM_size >> /shared/fetched && break; sleep 0.3; done; exec sleep 3600"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - {name: cfg, configMap: {name: cfg}}
  - {name: sec, secret: {secretName: sec}}
  - {name: shared, emptyDir: {}}'
    wait_until 30 phase_is vols Running
    local ip
    ip=$(pod_field vols '{.status.podIP}')
    # the client container fetched the server over localhost into the shared emptyDir
    wait_until 20 curl -sf --max-time 2 "http://$ip:8080/fetched"
    http_body "$ip:8080" fetched
    assert_eq "blues3cr3t blue s3cr3t vols default
large" "$BODY" "shared emptyDir written by the client over localhost"
}

test_kubelet_oom_killed() {
    kl_setup
    apply_pod oom '  restartPolicy: Never
  containers:
  - name: hog
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "x=$(head -c 50000000 /dev/zero | tr \"\\\\0\" a); echo done"]
    resources: {limits: {memory: 16Mi}}'
    wait_until 40 phase_is oom Failed
    assert_eq "OOMKilled 137" "$(pod_field oom '{.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].state.terminated.exitCode}')" \
        "terminated state"
    assert_eq "Burstable" "$(pod_field oom '{.status.qosClass}')" "qosClass"
    assert_ok kc get pod oom
    assert_match "$OUT" '^oom +0/1 +OOMKilled +0 +[0-9]+s$'
}

test_kubelet_restart_readopts() {
    kl_setup
    apply_pod keep '  containers:
  - name: main
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "hostname > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]'
    wait_until 30 phase_is keep Running
    local cid ip
    cid=$(pod_field keep '{.status.containerStatuses[0].containerID}')
    ip=$(pod_field keep '{.status.podIP}')
    kl_stop
    # the container keeps running without the kubelet
    http_body "$ip:8080" index.html
    assert_eq keep "$BODY" "pod answers while the kubelet is down"
    kl_start
    sleep 4
    assert_eq "$cid" "$(pod_field keep '{.status.containerStatuses[0].containerID}')" "same container"
    assert_eq "0 Running" "$(pod_field keep '{.status.containerStatuses[0].restartCount} {.status.phase}')" \
        "restartCount unchanged"
    http_body "$ip:8080" index.html
    assert_eq keep "$BODY" "pod answers after the kubelet restarted"
}

test_kubelet_pod_startup_latency() {
    kl_setup
    local n=20 i t0
    t0=$(date +%s%N)
    for i in $(seq $n); do
        cat <<EOF
---
apiVersion: v1
kind: Pod
metadata: {name: lat-$i}
spec:
  nodeName: $KL_NODE
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: cube.local/busybox:latest, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}
EOF
    done | kc apply -f - >/dev/null
    wait_until 120 running_count_is $n
    echo "  $n pods create -> all Running: $((($(date +%s%N) - t0) / 1000000)) ms"
    kc get pods -o json | jq -r '.items[] | [.metadata.creationTimestamp,
        (.status.conditions[] | select(.type=="Ready") | .lastTransitionTime)] | @tsv' |
        while read -r c r; do echo $(($(date -d "$r" +%s) - $(date -d "$c" +%s))); done |
        sort -n | awk '{a[NR]=$1} END {printf "  per pod create -> Ready (s): p50 %s, max %s\n", a[int((NR+1)/2)], a[NR]}'
    assert_ok kc delete pods --all --wait=false
    wait_until 60 sh -c "[ \$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pods --no-headers 2>/dev/null | wc -l) -eq 0 ]"
}

test_kubelet_liveness_probe_restarts() {
    kl_setup
    apply_pod live '  containers:
  - name: main
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 3600"]
    livenessProbe:
      exec: {command: [cat, /tmp/healthy]}
      periodSeconds: 1
      failureThreshold: 2'
    wait_until 30 phase_is live Running
    assert_eq 0 "$(pod_field live '{.status.containerStatuses[0].restartCount}')" "no restart yet"
    wait_until 30 field_is live '{.status.containerStatuses[0].restartCount}' 1
    assert_ok kc get events --field-selector involvedObject.name=live -o custom-columns=R:.reason,M:.message --no-headers
    assert_match "$OUT" '^Unhealthy +Liveness probe failed: .*'
    assert_match "$OUT" '^Killing +Container main failed liveness probe, will be restarted$'
    assert_match "$(pod_field live '{.status.containerStatuses[0].lastState.terminated.reason}')" '^(Error|Completed)$'
}

test_kubelet_readiness_probe_flips_ready() {
    kl_setup
    apply_pod ready '  containers:
  - name: web
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "mkdir /www; httpd -p 8080 -h /www; sleep 4; echo ok > /www/ready; sleep 6; rm /www/ready; exec sleep 3600"]
    readinessProbe:
      httpGet: {path: /ready, port: 8080}
      periodSeconds: 1
      failureThreshold: 1'
    wait_until 30 phase_is ready Running
    assert_ok kc get pod ready
    assert_match "$OUT" '^ready +0/1 +Running +0 +[0-9]+s$'
    assert_eq False "$(pod_field ready '{.status.conditions[?(@.type=="Ready")].status}')" "not ready at first"
    wait_until 15 field_is ready '{.status.conditions[?(@.type=="Ready")].status}' True
    assert_ok kc get pod ready
    assert_match "$OUT" '^ready +1/1 +Running +0 +[0-9]+s$'
    wait_until 15 field_is ready '{.status.conditions[?(@.type=="Ready")].status}' False
    assert_eq "containers with unready status: [web]" \
        "$(pod_field ready '{.status.conditions[?(@.type=="Ready")].message}')" "message"
    assert_eq 0 "$(pod_field ready '{.status.containerStatuses[0].restartCount}')" "readiness never restarts"
}

test_kubelet_server_logs_and_pods() {
    kl_setup
    apply_pod talk '  containers:
  - name: main
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "for i in 1 2 3 4 5; do echo line-$i; done; printf partial; sleep 0.2; echo -end; exec sleep 3600"]'
    wait_until 30 phase_is talk Running
    local d=$CUBE_DIR/creds
    local -a auth=(-k --cert "$d/client.crt" --key "$d/client.key")
    assert_eq ok "$(curl -sk --max-time 5 "https://127.0.0.1:$KL_PORT/healthz")" "/healthz"
    wait_until 10 sh -c "curl -sk --max-time 5 --cert '$d/client.crt' --key '$d/client.key' \
        'https://127.0.0.1:$KL_PORT/containerLogs/default/talk/main' | grep -q partial-end"
    assert_eq "line-1
line-2
line-3
line-4
line-5
partial-end" "$(curl -s "${auth[@]}" "https://127.0.0.1:$KL_PORT/containerLogs/default/talk/main")" "logs"
    assert_eq "line-5
partial-end" "$(curl -s "${auth[@]}" "https://127.0.0.1:$KL_PORT/containerLogs/default/talk/main?tailLines=2")" \
        "tailLines=2"
    assert_match "$(curl -s "${auth[@]}" "https://127.0.0.1:$KL_PORT/containerLogs/default/talk/main?timestamps=true&tailLines=1")" \
        '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z partial-end$'
    assert_eq 'previous terminated container "main" in pod "talk" not found' \
        "$(curl -s "${auth[@]}" "https://127.0.0.1:$KL_PORT/containerLogs/default/talk/main?previous=true")" "previous"
    assert_eq talk "$(curl -s "${auth[@]}" "https://127.0.0.1:$KL_PORT/pods" | jq -r '.items[].metadata.name')" "/pods"
    assert_eq 401 "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$KL_PORT/pods")" \
        "no client certificate"
}

# Lifecycle hooks: postStart runs once the container started; on deletion preStop runs first,
# inside the grace period, and the container is stopped after it with what is left.
test_kubelet_lifecycle_hooks() {
    kl_setup
    local hostdir="$KL_DIR/hooks"
    mkdir -p "$hostdir"
    kc apply -f - >/dev/null <<EOF2
apiVersion: v1
kind: Pod
metadata: {name: hooks}
spec:
  nodeName: $KL_NODE
  terminationGracePeriodSeconds: 10
  volumes: [{name: h, hostPath: {path: $hostdir}}]
  containers:
  - name: main
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "trap 'echo term >> /h/log; exit 0' TERM; while true; do sleep 0.2; done"]
    volumeMounts: [{name: h, mountPath: /h}]
    lifecycle:
      postStart:
        exec: {command: [sh, -c, "echo poststart >> /h/log"]}
      preStop:
        exec: {command: [sh, -c, "echo prestop >> /h/log; sleep 2; echo prestop-done >> /h/log"]}
EOF2
    wait_until 30 phase_is hooks Running
    wait_until 10 test -s "$hostdir/log"
    assert_eq "poststart" "$(cat "$hostdir/log")" "postStart ran"
    local t0 t1
    t0=$(date +%s%N)
    assert_ok kc delete pod hooks --wait=false
    wait_until 20 sh -c "! kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod hooks >/dev/null 2>&1"
    t1=$(date +%s%N)
    # preStop (2 s) ran to its end before the container got SIGTERM, well within the 10 s grace
    assert_eq "poststart prestop prestop-done term" "$(tr '\n' ' ' <"$hostdir/log" | sed 's/ $//')" "hook order"
    [ $(((t1 - t0) / 1000000)) -ge 2000 ] || fail "deleted in $(((t1 - t0) / 1000000)) ms: preStop did not run first"
    [ $(((t1 - t0) / 1000000)) -lt 10000 ] || fail "deleted in $(((t1 - t0) / 1000000)) ms: the grace period ran out"
    assert_ok kc get events --field-selector involvedObject.name=hooks -o custom-columns=R:.reason,M:.message --no-headers
    assert_match "$OUT" '^Killing +Stopping container main$'
}

# A failing postStart hook kills the container: FailedPostStartHook, then the restart policy.
test_kubelet_failed_post_start_hook() {
    kl_setup
    apply_pod badhook '  restartPolicy: Never
  containers:
  - name: main
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
    lifecycle:
      postStart:
        exec: {command: [sh, -c, "exit 7"]}'
    wait_until 30 phase_is badhook Failed
    assert_ok kc get events --field-selector involvedObject.name=badhook -o custom-columns=R:.reason,M:.message --no-headers
    assert_match "$OUT" '^FailedPostStartHook +Exec lifecycle hook \(\["sh","-c","exit 7"\]\) for Container "main" in Pod "badhook_default\([0-9a-f-]+\)" failed - error: '
    assert_match "$OUT" '^Killing +FailedPostStartHook$'
}

# Static pods: a manifest in --pod-manifest-path runs as "<name>-<node>" with a mirror pod in
# the API; a deleted mirror comes back without the containers restarting; removing the file
# stops the pod and deletes the mirror.
test_kubelet_static_pod_and_mirror() {
    kl_setup
    mkdir -p "$KL_DIR/manifests"
    cat >"$KL_DIR/manifests/.web.yaml.tmp" <<'EOF2'
apiVersion: v1
kind: Pod
metadata:
  name: static-web
  labels: {app: static-web}
spec:
  containers:
  - name: web
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "echo static-body > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]
EOF2
    mv "$KL_DIR/manifests/.web.yaml.tmp" "$KL_DIR/manifests/web.yaml"
    local pod="static-web-$KL_NODE"
    wait_until 30 phase_is "$pod" Running
    assert_ok kc get pod "$pod" -o json
    local j=$OUT uid1
    assert_eq "file" "$(jq -r '.metadata.annotations["kubernetes.io/config.source"]' <<<"$j")"
    assert_eq "$(jq -r '.metadata.annotations["kubernetes.io/config.hash"]' <<<"$j")" \
        "$(jq -r '.metadata.annotations["kubernetes.io/config.mirror"]' <<<"$j")" "mirror annotation"
    assert_eq "Node/$KL_NODE" "$(jq -r '.metadata.ownerReferences[0] | "\(.kind)/\(.name)"' <<<"$j")"
    uid1=$(jq -r .metadata.uid <<<"$j")
    local ip
    ip=$(jq -r .status.podIP <<<"$j")
    http_body "$ip:8080" index.html
    assert_eq "static-body" "$BODY"
    # a deleted mirror is recreated; the static pod keeps running untouched
    assert_ok kc delete pod "$pod" --wait=false
    wait_until 20 sh -c "[ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod '$pod' -o jsonpath='{.metadata.uid}' 2>/dev/null)\" != '' ] && [ \"\$(kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod '$pod' -o jsonpath='{.metadata.uid}' 2>/dev/null)\" != '$uid1' ]"
    wait_until 20 phase_is "$pod" Running
    assert_eq 0 "$(pod_field "$pod" '{.status.containerStatuses[0].restartCount}')" "no restart"
    http_body "$ip:8080" index.html
    assert_eq "static-body" "$BODY" "the same sandbox still serves"
    # the file goes: the pod stops and its mirror is deleted
    rm "$KL_DIR/manifests/web.yaml"
    wait_until 30 sh -c "! kubectl --kubeconfig '$CUBE_KUBECONFIG' get pod '$pod' >/dev/null 2>&1"
    wait_until 20 sh -c "! curl -s --max-time 1 http://$ip:8080/ >/dev/null"
}

# A gRPC liveness probe against a port where no health service answers fails with the
# kubelet's message and restarts the container (the passing case: tests/unit/kubelet).
test_kubelet_grpc_probe_fails_and_restarts() {
    kl_setup
    apply_pod grpcp '  containers:
  - name: main
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
    livenessProbe:
      grpc: {port: 9555}
      periodSeconds: 1
      failureThreshold: 2'
    wait_until 30 phase_is grpcp Running
    wait_until 90 field_is grpcp '{.status.containerStatuses[0].restartCount}' 1
    assert_ok kc get events --field-selector involvedObject.name=grpcp -o custom-columns=R:.reason,M:.message --no-headers
    assert_match "$OUT" '^Unhealthy +Liveness probe failed: timeout: failed to connect service "[0-9.]+:9555" within 1s: '
}
