# The node's runtime foundation, without the kubelet: cube's own containerd
# (config under a temp data dir, started and stopped by PID), images imported
# from the OCI archives scripts/build-images.sh makes, and the CRI client
# driving a real pod through `cube cri-test`: sandbox on a CNI bridge,
# busybox container, logs, exec, the pod IP answering HTTP from the host.
# Needs root (containerd, runc, CNI); each test cleans up everything it made
# (containers, containerd, the bridge, mounts) even when it fails.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CRI_BRIDGE=cni0-test

# Builds the pause and busybox image archives once per run into $TESTS_TMP/images.
cri_images() {
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

# cri_setup: containerd on a fresh dir with a CNI bridge network, images imported.
# Exports CRI_DIR, CRI_SOCK, CRI_SUBNET (the /24's first three octets).
cri_setup() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "  SKIP: needs root (containerd, runc, CNI)"
        exit 0
    fi
    command -v containerd >/dev/null || fail "containerd is not installed (scripts/deps.sh)"
    cri_images
    # short path: the socket path must fit a sockaddr_un
    CRI_DIR=$(mktemp -d /tmp/cube-cri.XXXXXX)
    CRI_SOCK=$CRI_DIR/containerd.sock
    CRI_SUBNET=10.88.$((200 + RANDOM % 50))
    export CRI_DIR CRI_SOCK CRI_SUBNET
    trap cri_cleanup EXIT
    assert_ok "$CUBE" cri-test containerd-start --data-dir "$CRI_DIR"
    assert_match "$OUT" "^socket=$CRI_SOCK pid=[0-9]+ ready_ms="
    [ -n "${TESTS_TMP:-}" ] && cat "$CRI_DIR/containerd.pid" >>"$TESTS_TMP/pids"

    # the CNI network: written to a temp name and renamed (containerd watches the dir)
    cat >"$CRI_DIR/cni/net.d/.10-cube-test.tmp" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "cube-test",
  "plugins": [
    {"type": "bridge", "bridge": "$CRI_BRIDGE", "isGateway": true, "ipMasq": false,
     "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$CRI_SUBNET.0/24"}]],
              "dataDir": "$CRI_DIR/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "loopback"}
  ]
}
EOF
    mv "$CRI_DIR/cni/net.d/.10-cube-test.tmp" "$CRI_DIR/cni/net.d/10-cube-test.conflist"

    assert_ok "$CUBE" image import "${TESTS_TMP:-/tmp}/images/pause.tar" \
        "${TESTS_TMP:-/tmp}/images/busybox.tar" --address "$CRI_SOCK"
    assert_match "$OUT" '^imported registry.k8s.io/pause:3.10 \(sha256:[0-9a-f]{64}\)$'
    assert_match "$OUT" '^imported registry.k8s.io/pause:3.6 \(sha256:[0-9a-f]{64}\)$'
    assert_match "$OUT" '^imported cube.local/busybox:latest \(sha256:[0-9a-f]{64}\)$'
}

# Everything cri_setup made goes, whatever state the test left it in.
cri_cleanup() {
    [ -n "${CRI_DIR:-}" ] && [ -d "$CRI_DIR" ] || return 0
    if [ -S "$CRI_SOCK" ]; then
        timeout 60 "$CUBE" cri-test teardown --endpoint "$CRI_SOCK" >/dev/null 2>&1 || true
    fi
    timeout 30 "$CUBE" cri-test containerd-stop --data-dir "$CRI_DIR" >/dev/null 2>&1 || true
    local pid
    if [ -f "$CRI_DIR/containerd.pid" ]; then
        pid=$(cat "$CRI_DIR/containerd.pid")
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    # shims started for this containerd (their -address names our socket), by PID
    for pid in $(pgrep -f -- "-address $CRI_SOCK" || true); do
        kill -KILL "$pid" 2>/dev/null || true
    done
    # mounts under the dir (snapshots, shm), deepest first
    awk -v d="$CRI_DIR" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    ip link del "$CRI_BRIDGE" 2>/dev/null || true
    rm -rf "$CRI_DIR"
}

# value KEY: the value of "KEY=..." in $OUT (up to the first space).
value() {
    sed -nE "s/^(.* )?$1=([^ ]*).*/\2/p" <<<"$OUT" | head -n 1
}

test_cri_pod_lifecycle() {
    cri_setup
    assert_ok "$CUBE" cri-test run --endpoint "$CRI_SOCK" --log-dir "$CRI_DIR/logs" \
        --name cri-e2e
    echo "$OUT" | grep -E '^(version|latency_ms|exec_)' | sed 's/^/  /'
    assert_match "$OUT" '^version=containerd [^ ]+ v1 '
    assert_match "$OUT" '^runtime_ready=true network_ready=true$'
    assert_match "$OUT" '^image=sha256:[0-9a-f]{64} size=[1-9]'
    assert_match "$OUT" '^state=CONTAINER_RUNNING log_path='
    assert_match "$OUT" '^exec_exit=0 '
    assert_match "$OUT" '^exec_stdout=cri-e2e$'
    assert_match "$OUT" "^sandbox_state=SANDBOX_READY ip=$CRI_SUBNET\\.[0-9]+$"
    assert_match "$OUT" '^unknown_container=404 NotFound$'
    local sb ip log
    sb=$(value sandbox)
    ip=$(value ip)
    log=$(sed -nE 's/^state=[A-Z_]+ log_path=//p' <<<"$OUT")

    # the container's output, in CRI log format
    wait_until 10 grep -q ' stdout F hello$' "$log"
    assert_match "$(cat "$log")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z stdout F hello$'

    # the pod IP answers from the host (check the body: see RUNTIME-FACTS on interceptors)
    local body=
    for _ in $(seq 50); do
        body=$(curl -s --max-time 2 "http://$ip:8080/index.html" || true)
        [ -n "$body" ] && break
        sleep 0.1
    done
    assert_eq "cri-e2e
cube-cri-ok" "$body" "HTTP body from the pod IP"

    # stop and remove: nothing left
    assert_ok "$CUBE" cri-test teardown --endpoint "$CRI_SOCK" --sandbox "$sb"
    assert_match "$OUT" '^sandboxes_left=0 containers_left=0$'
    if curl -s --max-time 1 "http://$ip:8080/" >/dev/null 2>&1; then
        fail "the pod IP still answers after the sandbox was removed"
    fi

    # containerd stops by PID; a second start adopts nothing stale and serves again
    assert_ok "$CUBE" cri-test containerd-stop --data-dir "$CRI_DIR"
    [ ! -S "$CRI_SOCK" ] || ! "$CUBE" cri-test teardown --endpoint "$CRI_SOCK" >/dev/null 2>&1 ||
        fail "containerd still answers after containerd-stop"
}

test_cri_start_latency() {
    cri_setup
    assert_ok "$CUBE" cri-test bench --endpoint "$CRI_SOCK" --log-dir "$CRI_DIR/logs" --count 5
    echo "  $OUT"
    assert_match "$OUT" '^bench n=5 median_ms run=[0-9.]+ create=[0-9.]+ start=[0-9.]+ total='
    assert_ok "$CUBE" cri-test teardown --endpoint "$CRI_SOCK"
    assert_match "$OUT" '^sandboxes_left=0 containers_left=0$'
}

test_cri_errors_are_typed() {
    cri_setup
    # an image the runtime does not have
    assert_fails_with 'image cube.local/nope:1 is not present' \
        "$CUBE" cri-test run --endpoint "$CRI_SOCK" --log-dir "$CRI_DIR/logs" --image cube.local/nope:1
    # no runtime behind the socket: Unavailable, as Go's gRPC words it
    assert_fails_with 'rpc error: code = Unavailable desc = connection error: dial unix /nonexistent.sock' \
        "$CUBE" cri-test teardown --endpoint /nonexistent.sock
    # a target that is not a unix socket path
    assert_fails_with 'want unix:/absolute/path' "$CUBE" cri-test teardown --endpoint tcp://x:1
}
