# `cube server`: the control plane as child processes of one supervisor, each
# component with its own identity. These tests start their own server (the
# runner's apiserver is not used) with --disable-agent: the node agent needs
# root and containerd and is covered by the e2e tier.

# start_server DIR: runs cube server --disable-agent in DIR until the test ends.
start_server() {
    local dir=$1
    mkdir -p "$dir"
    SERVER_PORT=$(free_port)
    "$CUBE" server --config /dev/null --data-dir "$dir/data" --secure-port "$SERVER_PORT" \
        --bind-address 127.0.0.1 --write-kubeconfig "$dir/kubeconfig" --disable-agent \
        >"$dir/out" 2>&1 &
    SERVER_PID=$!
    echo "$SERVER_PID" >>"$TESTS_TMP/pids"
    trap '[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true' EXIT
    wait_until 60 grep -q "ready: export KUBECONFIG" "$dir/out"
}

ks() { kubectl --kubeconfig "$PWD/srv/kubeconfig" --cache-dir "$PWD/srv/kcache" "$@"; }

test_server_runs_the_control_plane_with_component_identities() {
    start_server "$PWD/srv"
    assert_match "$(cat srv/out)" '^cube server \[ *[0-9.]+s\] apiserver ready at https://127\.0\.0\.1:[0-9]+; admin kubeconfig '
    assert_match "$(cat srv/out)" 'controller-manager started$'
    # each component holds its leader lease under its own name
    wait_until 20 ks get lease -n kube-system kube-controller-manager
    # the controller manager works: a deployment gets its replica set and pods
    ks create deployment web --image nginx --replicas 2 >/dev/null
    wait_until 30 web_pods_are 2
    # the components are not admins: the controller manager's identity is its own
    assert_ok openssl x509 -in srv/data/pki/system-kube-controller-manager.crt -noout -subject
    assert_contains "$OUT" "CN = system:kube-controller-manager"
}

web_pods_are() { [ "$(ks get pods -l app=web --no-headers 2>/dev/null | wc -l)" -eq "$1" ]; }

test_server_stops_every_component_on_sigterm() {
    start_server "$PWD/srv"
    kids=$(pgrep -P "$SERVER_PID" | tr '\n' ' ')
    [ -n "$kids" ] || fail "no child processes"
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=
    for k in $kids; do
        ! kill -0 "$k" 2>/dev/null || fail "child $k still running after the server stopped"
    done
    assert_match "$(cat srv/out)" 'stopping$'
}

test_server_restarts_a_component_that_dies() {
    start_server "$PWD/srv"
    cm=$(pgrep -P "$SERVER_PID" -f 'cube controller-manager')
    kill -KILL "$cm"
    wait_until 10 grep -q "controller-manager exited (signal 9); restarting in 1000 ms" srv/out
    wait_until 10 pgrep -P "$SERVER_PID" -f 'cube controller-manager'
}
