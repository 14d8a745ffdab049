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
    for i in 1 2 3 4 5; do kc create configmap "c$i" -n "$ns" --from-literal=k="v$i" >/dev/null; done
    kc patch configmap c3 -n "$ns" --type merge -p '{"data":{"k":"patched"}}' >/dev/null
    kc delete configmap c5 -n "$ns" >/dev/null
    kc create deployment web -n "$ns" --image=nginx:1.25 >/dev/null
    kc scale deployment web -n "$ns" --replicas=4 >/dev/null
    before=$(snapshot "$ns")
    dep_before=$(kc get deploy web -n "$ns" -o json | jq -c '{uid: .metadata.uid, rv: .metadata.resourceVersion, gen: .metadata.generation, r: .spec.replicas}')
    ns_uid=$(kc get ns "$ns" -o jsonpath='{.metadata.uid}')
    list_rv=$(kc get configmaps -n "$ns" -o jsonpath='{.metadata.resourceVersion}')

    stop_cube TERM
    assert_eq 0 "$CUBE_EXIT" "exit status on SIGTERM"
    start_cube "$dir"

    assert_eq "$before" "$(snapshot "$ns")" "configmaps after restart"
    assert_eq "$dep_before" "$(kc get deploy web -n "$ns" -o json | jq -c '{uid: .metadata.uid, rv: .metadata.resourceVersion, gen: .metadata.generation, r: .spec.replicas}')" "deployment after restart"
    assert_eq "$ns_uid" "$(kc get ns "$ns" -o jsonpath='{.metadata.uid}')" "namespace uid"
    assert_fails_with 'configmaps "c5" not found' kc get configmap c5 -n "$ns"
    # the revision counter goes on from where it was
    rv=$(kc create configmap after -n "$ns" -o jsonpath='{.metadata.resourceVersion}')
    [ "$rv" -gt "$list_rv" ] || fail "resourceVersion went back after restart: $rv <= $list_rv"
    # and a second restart changes nothing either
    stop_cube TERM
    start_cube "$dir"
    assert_eq "$rv" "$(kc get configmap after -n "$ns" -o jsonpath='{.metadata.resourceVersion}')"
}

test_kill9_during_burst_loses_no_acknowledged_write() {
    fresh_cube
    ns=$(new_ns burst)
    mkdir acked
    touch acked/0
    pids=()
    for i in 1 2 3 4 5 6 7 8; do
        (
            n=0
            while [ ! -e stop ]; do
                name=b-$i-$n
                if kc create configmap "$name" -n "$ns" --from-literal=k="$name" \
                    --request-timeout=5s >/dev/null 2>&1; then
                    echo "$name" >>"acked/$i"
                fi
                n=$((n + 1))
            done
        ) &
        pids+=($!)
    done
    sleep 4
    acked_at_kill=$(cat acked/* 2>/dev/null | wc -l)
    stop_cube KILL
    touch stop
    wait "${pids[@]}" 2>/dev/null || true
    cat acked/* | sort >acked.txt
    n_acked=$(wc -l <acked.txt)
    [ "$n_acked" -ge 16 ] || fail "only $n_acked creates were acknowledged in 4 s: test too weak"

    start_cube "$dir"
    kc get configmaps -n "$ns" -o json >after.json
    jq -r '.items[].metadata.name' after.json | sort >found.txt
    missing=$(comm -23 acked.txt found.txt)
    echo "acknowledged $n_acked ($acked_at_kill before the kill), found $(wc -l <found.txt) after restart"
    assert_eq "" "$missing" "acknowledged configmaps missing after kill -9"
    # the objects are whole, and resourceVersions distinct
    bad=$(jq -r '.items[] | select(.data.k != .metadata.name) | .metadata.name' after.json)
    assert_eq "" "$bad" "configmaps with wrong content"
    assert_eq "" "$(jq -r '.items[].metadata.resourceVersion' after.json | sort | uniq -d)" "duplicate resourceVersions"
    # and the server takes writes again
    assert_eq "configmap/again created" "$(kc create configmap again -n "$ns")"
}
