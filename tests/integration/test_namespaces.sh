# Namespace lifecycle and `kubectl wait`: a deleted namespace goes
# Terminating (its finalizer waits for a namespace controller, which the bare
# API server does not run) and refuses new content; `wait` follows objects
# through a watch until a condition or their deletion.

test_namespace_create_and_table() {
    ns=$(uniq_name nt)
    assert_eq "namespace/$ns created" "$(kc create namespace "$ns")"
    out=$(kc get namespace "$ns")
    assert_match "$(head -n 1 <<<"$out")" '^NAME +STATUS +AGE$' header
    assert_match "$(sed -n 2p <<<"$out")" "^$ns +Active +[0-9]+s\$" row
    assert_eq '["kubernetes"]' "$(kc get ns "$ns" -o json | jq -c .spec.finalizers)" finalizers
    assert_eq "$ns" "$(kc get ns "$ns" -o jsonpath='{.metadata.labels.kubernetes\.io/metadata\.name}')" \
        "kubernetes.io/metadata.name label"
}

test_namespace_delete_goes_terminating() {
    ns=$(new_ns nd)
    mkcm "$ns" keep >/dev/null
    assert_eq "namespace \"$ns\" deleted" "$(kc delete namespace "$ns" --wait=false)"
    js=$(kc get ns "$ns" -o json)
    assert_eq Terminating "$(jq -r .status.phase <<<"$js")" phase
    [ "$(jq -r '.metadata.deletionTimestamp // empty' <<<"$js")" != "" ] || fail "no deletionTimestamp: $js"
    assert_match "$(kc get ns "$ns" --no-headers)" "^$ns +Terminating +[0-9]+s\$"
}

test_create_in_terminating_namespace_forbidden() {
    ns=$(new_ns nf)
    mkcm "$ns" old >/dev/null
    kc delete namespace "$ns" --wait=false >/dev/null
    assert_fails_with '' kc create --validate=false -n "$ns" -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: new
EOF
    assert_eq "Error from server (Forbidden): error when creating \"STDIN\": configmaps \"new\" is forbidden: unable to create new content in namespace $ns because it is being terminated" "$OUT"
    assert_fails_with "because it is being terminated" mkcm "$ns" new2
    # what is already there can still be changed and deleted
    assert_eq "configmap/old labeled" "$(kc label cm old -n "$ns" a=b)"
    assert_eq 'configmap "old" deleted' "$(kc delete cm old -n "$ns")"
}

test_delete_namespace_twice() {
    ns=$(new_ns n2)
    kc delete namespace "$ns" --wait=false >/dev/null
    # deleting again is accepted (it is already being deleted)
    assert_ok kc delete namespace "$ns" --wait=false
    assert_eq Terminating "$(kc get ns "$ns" -o jsonpath='{.status.phase}')"
}

test_wait_for_delete() {
    ns=$(new_ns wd)
    mkcm "$ns" gone >/dev/null
    (sleep 1 && kc delete configmap gone -n "$ns" >/dev/null) &
    out=$(kc wait --for=delete configmap/gone -n "$ns" --timeout=30s)
    wait
    assert_eq "configmap/gone condition met" "$out"
}

test_wait_for_delete_times_out() {
    ns=$(new_ns wo)
    mkcm "$ns" stays >/dev/null
    assert_fails_with "error: timed out waiting for the condition on configmaps/stays" \
        kc wait --for=delete configmap/stays -n "$ns" --timeout=2s
}

test_wait_for_jsonpath() {
    ns=$(new_ns wj)
    mkcm "$ns" c k=v1 >/dev/null
    (sleep 1 && kc patch configmap c -n "$ns" --type merge -p '{"data":{"k":"v2"}}' >/dev/null) &
    out=$(kc wait --for=jsonpath='{.data.k}'=v2 configmap/c -n "$ns" --timeout=30s)
    wait
    assert_eq "configmap/c condition met" "$out"
}

test_delete_with_finalizer_waits() {
    ns=$(new_ns fz)
    kc create --validate=false -n "$ns" -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: held
  finalizers:
  - example.com/hold
EOF
    assert_eq 'configmap "held" deleted' "$(kc delete cm held -n "$ns" --wait=false)"
    js=$(kc get cm held -n "$ns" -o json)
    [ -n "$(jq -r '.metadata.deletionTimestamp // empty' <<<"$js")" ] || fail "no deletionTimestamp: $js"
    assert_eq 0 "$(jq -r .metadata.deletionGracePeriodSeconds <<<"$js")" deletionGracePeriodSeconds
    # removing the last finalizer lets it go
    kc patch cm held -n "$ns" --type merge -p '{"metadata":{"finalizers":null}}' >/dev/null
    assert_fails_with 'Error from server (NotFound): configmaps "held" not found' kc get cm held -n "$ns"
}
