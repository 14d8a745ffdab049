# `cube server` end to end: the whole cluster on this machine from one command
# (API server, controller manager, scheduler, containerd, kubelet, proxy,
# network policy), as a user starts it. Pods are created the ordinary way and
# placed by the scheduler; traffic is checked by the bodies that come back.
# Needs root. Containers, mounts, the bridge and the proxy's rules are removed
# at the end, even when a test fails.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

srv_images() {
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

# srv_start: starts cube server on SRV_DIR (made on first call); waits for "ready".
srv_start() {
    if [ -z "${SRV_DIR:-}" ]; then
        [ "$(id -u)" -eq 0 ] || {
            echo "  SKIP: needs root (containerd, runc, CNI, iptables)"
            exit 0
        }
        srv_images
        SRV_DIR=$(mktemp -d /tmp/cube-srv.XXXXXX)
        SRV_PORT=$(free_port)
        mkdir -p "$SRV_DIR/data/images"
        cp "${TESTS_TMP:-/tmp}"/images/*.tar "$SRV_DIR/data/images/"
        export SRV_DIR SRV_PORT
        trap srv_cleanup EXIT
    fi
    : >"$SRV_DIR/out"
    "$CUBE" server --config /dev/null --data-dir "$SRV_DIR/data" --secure-port "$SRV_PORT" \
        --write-kubeconfig "$SRV_DIR/kubeconfig" --node-name srv-node </dev/null \
        >"$SRV_DIR/out" 2>&1 &
    SRV_PID=$!
    [ -n "${TESTS_TMP:-}" ] && echo "$SRV_PID" >>"$TESTS_TMP/pids"
    wait_until 90 grep -q "ready: export KUBECONFIG" "$SRV_DIR/out"
}

srv_stop() {
    [ -n "${SRV_PID:-}" ] || return 0
    kill -TERM "$SRV_PID" 2>/dev/null || true
    wait "$SRV_PID" 2>/dev/null || true
    SRV_PID=
}

ks() { kubectl --kubeconfig "$SRV_DIR/kubeconfig" --cache-dir "$SRV_DIR/kcache" "$@"; }

srv_cleanup() {
    local rc=$?
    [ -n "${SRV_DIR:-}" ] || return 0
    if [ "$rc" -ne 0 ]; then
        echo "  cube server output:" >&2
        sed 's/^/    /' "$SRV_DIR/out" >&2
        for f in kubelet proxy scheduler; do
            echo "  $f log tail:" >&2
            tail -n 15 "$SRV_DIR/data/logs/$f.log" 2>/dev/null | sed 's/^/    /' >&2
        done
    fi
    srv_stop
    local sock=$SRV_DIR/data/containerd/containerd.sock
    # containers first (our containerd again, for the teardown), then containerd itself
    if [ -S "$sock" ] || [ -d "$SRV_DIR/data/containerd" ]; then
        timeout 30 "$CUBE" cri-test containerd-start --data-dir "$SRV_DIR/data/containerd" \
            >/dev/null 2>&1 || true
        timeout 60 "$CUBE" cri-test teardown --endpoint "$sock" >/dev/null 2>&1 || true
        timeout 30 "$CUBE" cri-test containerd-stop --data-dir "$SRV_DIR/data/containerd" \
            >/dev/null 2>&1 || true
    fi
    local pid
    for pid in $(pgrep -f -- "-address $sock" || true); do kill -KILL "$pid" 2>/dev/null || true; done
    "$CUBE" proxy --config /dev/null --cleanup >/dev/null 2>&1 || true
    "$CUBE" network-policy --config /dev/null --cleanup >/dev/null 2>&1 || true
    awk -v d="$SRV_DIR" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    ip link del cni0 2>/dev/null || true
    rm -rf "$SRV_DIR"
}

# The body served at http://ADDR/PATH (retried for a few seconds), in $BODY.
http_body() {
    BODY=
    for _ in $(seq 50); do
        BODY=$(curl -s --max-time 2 "http://$1/$2" || true)
        [ -n "$BODY" ] && return 0
        sleep 0.2
    done
}

pod_running() { [ "$(ks get pod "$1" -o jsonpath='{.status.phase}' 2>/dev/null)" = Running ]; }
ready_count_is() { [ "$(ks get deployment "$1" -o jsonpath='{.status.readyReplicas}')" = "$2" ]; }

test_server_cold_start_runs_pods_behind_a_service() {
    t0=$SECONDS
    srv_start
    assert_match "$(cat "$SRV_DIR/out")" 'node srv-node Ready$'
    [ $((SECONDS - t0)) -le 10 ] || fail "node Ready after $((SECONDS - t0)) s (goal: 10 s)"
    out=$(ks get nodes --no-headers | awk '{print $1, $2, $3}')
    assert_eq "srv-node Ready control-plane" "$out"
    # a Deployment placed by the scheduler, run by the kubelet, reached through a Service
    ks apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: cube.local/busybox:latest
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'hostname > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']
EOF
    wait_until 60 ready_count_is web 2
    ip=$(ks get pods -l app=web -o jsonpath='{.items[0].status.podIP}')
    name=$(ks get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
    http_body "$ip:8080" index.html
    assert_eq "$name" "$BODY" "body from the pod IP"
    ks expose deployment web --port 80 --target-port 8080 >/dev/null
    cip=$(ks get svc web -o jsonpath='{.spec.clusterIP}')
    seen=
    for _ in $(seq 30); do
        http_body "$cip:80" index.html
        [[ "$BODY" == web-* ]] && [[ " $seen " != *" $BODY "* ]] && seen="$seen $BODY"
        [ "$(wc -w <<<"$seen")" -ge 2 ] && break
    done
    [ "$(wc -w <<<"$seen")" -ge 2 ] || fail "ClusterIP $cip reached only:$seen"
    # cluster DNS through the kube-dns Service, from a pod (busybox's nslookup applies the
    # search list only to names without a dot)
    ks run probe --image cube.local/busybox:latest --image-pull-policy IfNotPresent -- sh -c \
        'nslookup kubernetes > /tmp/k.html 2>&1; nslookup web.default.svc.cluster.local > /tmp/w.html 2>&1; exec httpd -f -p 8080 -h /tmp' >/dev/null
    wait_until 60 pod_running probe
    pip=$(ks get pod probe -o jsonpath='{.status.podIP}')
    http_body "$pip:8080" k.html
    assert_contains "$BODY" "Name:	kubernetes.default.svc.cluster.local
Address: 10.43.0.1"
    http_body "$pip:8080" w.html
    assert_contains "$BODY" "Address: $cip"
    # kubectl logs through the API server and the kubelet
    ks run talker --image cube.local/busybox:latest --image-pull-policy IfNotPresent -- sh -c \
        'echo first line; echo second line; exec sleep 3600' >/dev/null
    wait_until 60 pod_running talker
    wait_until 10 sh -c "kubectl --kubeconfig '$SRV_DIR/kubeconfig' logs talker 2>/dev/null | grep -q 'second line'"
    assert_ok ks logs talker
    assert_eq "first line
second line" "$OUT"
    assert_ok ks logs talker --tail=1
    assert_eq "second line" "$OUT"
    # the service-account token the kubelet projects: bound to the pod, accepted by the API
    # server, with the cluster CA and the namespace beside it
    ks run reader --image cube.local/busybox:latest --image-pull-policy IfNotPresent -- sh -c \
        'd=/var/run/secrets/kubernetes.io/serviceaccount; cat $d/token; echo; cat $d/namespace; echo; head -1 $d/ca.crt; exec sleep 3600' >/dev/null
    wait_until 60 pod_running reader
    wait_until 10 sh -c "kubectl --kubeconfig '$SRV_DIR/kubeconfig' logs reader 2>/dev/null | grep -q CERTIFICATE"
    assert_ok ks logs reader
    local token
    token=$(head -1 <<<"$OUT")
    assert_eq "default" "$(sed -n 2p <<<"$OUT")" "namespace file"
    assert_eq "-----BEGIN CERTIFICATE-----" "$(sed -n 3p <<<"$OUT")" "ca.crt"
    assert_ok kubectl --kubeconfig /dev/null --server "$(ks config view -o jsonpath='{.clusters[0].cluster.server}')" \
        --insecure-skip-tls-verify --token "$token" auth whoami -o jsonpath='{.status.userInfo.username}'
    assert_eq "system:serviceaccount:default:default" "$OUT"
    # python3-kubernetes in a pod (the host's interpreter mounted into busybox) with
    # load_incluster_config(): 403 until a RoleBinding lets its account list pods
    ks apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: incluster}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - {name: usr, hostPath: {path: /usr}}
  - {name: lib, hostPath: {path: /usr/lib}}
  - {name: lib64, hostPath: {path: /usr/lib64}}
  containers:
  - name: py
    image: cube.local/busybox:latest
    imagePullPolicy: IfNotPresent
    volumeMounts:
    - {name: usr, mountPath: /usr, readOnly: true}
    - {name: lib, mountPath: /lib, readOnly: true}
    - {name: lib64, mountPath: /lib64, readOnly: true}
    command:
    - /usr/bin/python3
    - -c
    - |
      import time
      from kubernetes import client, config
      config.load_incluster_config()
      v = client.CoreV1Api()
      while True:
          try:
              print("pods", len(v.list_namespaced_pod("default").items), flush=True)
          except client.exceptions.ApiException as e:
              print("status", e.status, flush=True)
          except Exception as e:
              print("error", e, flush=True)
          time.sleep(1)
EOF
    wait_until 60 pod_running incluster
    for _ in $(seq 100); do
        ks logs incluster 2>/dev/null | grep -q '^status 403$' && break
        sleep 0.2
    done
    ks logs incluster 2>/dev/null | grep -q '^status 403$' ||
        fail "in-cluster client: $(ks logs incluster 2>&1 | tail -5)"
    ks create rolebinding default-view --clusterrole=view --serviceaccount=default:default >/dev/null
    wait_until 20 sh -c "kubectl --kubeconfig '$SRV_DIR/kubeconfig' logs incluster 2>/dev/null | grep -q '^pods [0-9]'"
    # bound to the pod: once the pod is gone, the token is refused
    ks delete pod reader --grace-period=1 >/dev/null
    assert_fails_with "Unauthorized" kubectl --kubeconfig /dev/null \
        --server "$(ks config view -o jsonpath='{.clusters[0].cluster.server}')" \
        --insecure-skip-tls-verify --token "$token" auth whoami
}

test_pods_survive_a_restart_of_the_server() {
    srv_start
    ks run keep --image cube.local/busybox:latest --image-pull-policy IfNotPresent -- sleep 3600 >/dev/null
    wait_until 60 pod_running keep
    before=$(ks get pod keep -o jsonpath='{.status.containerStatuses[0].containerID}')
    srv_stop
    # the container outlives the whole control plane and the kubelet
    pgrep -f "containerd-shim.*$(basename "$SRV_DIR")" >/dev/null ||
        pgrep -f containerd-shim >/dev/null || fail "no container shim left running"
    srv_start
    wait_until 30 pod_running keep
    out=$(ks get pod keep -o jsonpath='{.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}')
    assert_eq "$before 0" "$out" "same container, no restart"
}
