# Durability across restarts: what the API server acknowledged is still there,
# unchanged (same uid, same resourceVersion), after a clean stop and after a
# SIGKILL in the middle of a burst of writes. Each test runs its own server.

# A server on a fresh data dir, stopped when the test process ends.
fresh_cube() {
    dir=$(mktemp -d "${TESTS_TMP:-/tmp}/e2e-restart.XXXXXX")
    trap 'stop_cube KILL >/dev/null 2>&1 || true' EXIT
    start_cube "$dir"
}

# Prints "name uid resourceVersion" of every configmap in namespace $1, sorted.
snapshot() {
    kc get configmaps -n "$1" -o json |
        jq -r '.items[] | "\(.metadata.name) \(.metadata.uid) \(.metadata.resourceVersion) \(.data.k // "")"' | sort
}

test_objects_and_resource_versions_survive_restart() {
    fresh_cube
    ns=$(new_ns keep)
    for i in 1 2 3 4 5; do mkcm "$ns" "c$i" k="v$i" >/dev/null; done
    kc patch configmap c3 -n "$ns" --type merge -p '{"data":{"k":"patched"}}' >/dev/null
    kc delete configmap c5 -n "$ns" >/dev/null
    kc create --validate=false -n "$ns" -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: "nginx:1.25"}
EOF
    kc scale deployment web -n "$ns" --replicas=4 >/dev/null
    before=$(snapshot "$ns")
    dep_before=$(kc get deploy web -n "$ns" -o json | jq -c '{uid: .metadata.uid, rv: .metadata.resourceVersion, gen: .metadata.generation, r: .spec.replicas}')
    ns_uid=$(kc get ns "$ns" -o jsonpath='{.metadata.uid}')
    list_rv=$(kc get --raw "/api/v1/namespaces/$ns/configmaps" | jq -r .metadata.resourceVersion)

    stop_cube TERM
    assert_eq 0 "$CUBE_EXIT" "exit status on SIGTERM"
    start_cube "$dir"

    assert_eq "$before" "$(snapshot "$ns")" "configmaps after restart"
    assert_eq "$dep_before" "$(kc get deploy web -n "$ns" -o json | jq -c '{uid: .metadata.uid, rv: .metadata.resourceVersion, gen: .metadata.generation, r: .spec.replicas}')" "deployment after restart"
    assert_eq "$ns_uid" "$(kc get ns "$ns" -o jsonpath='{.metadata.uid}')" "namespace uid"
    assert_fails_with 'configmaps "c5" not found' kc get configmap c5 -n "$ns"
    # the revision counter goes on from where it was
    rv=$(mkcm "$ns" after)
    [ "$rv" -gt "$list_rv" ] || fail "resourceVersion went back after restart: $rv <= $list_rv"
    # and a second restart changes nothing either
    stop_cube TERM
    start_cube "$dir"
    assert_eq "$rv" "$(kc get configmap after -n "$ns" -o jsonpath='{.metadata.resourceVersion}')"
}

# Creates configmaps NAME=b-<thread>-<n> in namespace $1 from 8 threads as fast
# as the server takes them, appending each acknowledged (201) name to
# acked.txt, until the file "stop" exists.
burst_writer() {
    /usr/bin/python3 - "$1" "$CUBE_KUBECONFIG" <<'PY'
import os, sys, threading, time
from kubernetes import client, config
ns, kubeconfig = sys.argv[1], sys.argv[2]
out = open("acked.txt", "a", buffering=1)
lock = threading.Lock()

def loop(i):
    api = config.new_client_from_config(config_file=kubeconfig)
    api.configuration.retries = False
    core = client.CoreV1Api(api)
    n = 0
    while not os.path.exists("stop"):
        name = "b-%d-%d" % (i, n)
        n += 1
        body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name), data={"k": name})
        try:
            core.create_namespaced_config_map(ns, body, _request_timeout=5)
        except Exception:
            time.sleep(0.05)
            continue
        with lock:
            out.write(name + "\n")

threads = [threading.Thread(target=loop, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
PY
}

acked_at_least() { [ "$(wc -l <acked.txt)" -ge "$1" ]; }

test_kill9_during_burst_loses_no_acknowledged_write() {
    fresh_cube
    ns=$(new_ns burst)
    : >acked.txt
    burst_writer "$ns" 2>writer.err &
    writer=$!
    wait_until 60 acked_at_least 20 || fail "writer: $(tail -n 5 writer.err)"
    sleep 2
    acked_at_kill=$(wc -l <acked.txt)
    stop_cube KILL
    sleep 0.5
    touch stop
    wait "$writer" || fail "burst writer failed: $(tail -n 5 writer.err)"
    sort acked.txt >acked.sorted
    n_acked=$(wc -l <acked.sorted)

    start_cube "$dir"
    kc get configmaps -n "$ns" -o json >after.json
    jq -r '.items[].metadata.name' after.json | sort >found.txt
    missing=$(comm -23 acked.sorted found.txt)
    echo "acknowledged $n_acked ($acked_at_kill just before the kill), found $(wc -l <found.txt) after restart"
    assert_eq "" "$missing" "acknowledged configmaps missing after kill -9"
    # the objects are whole, and resourceVersions distinct
    bad=$(jq -r '.items[] | select(.data.k != .metadata.name) | .metadata.name' after.json)
    assert_eq "" "$bad" "configmaps with wrong content"
    assert_eq "" "$(jq -r '.items[].metadata.resourceVersion' after.json | sort | uniq -d)" "duplicate resourceVersions"
    # and the server takes writes again
    mkcm "$ns" again >/dev/null
}
