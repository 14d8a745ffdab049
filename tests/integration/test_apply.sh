# Server-side apply and managedFields through the real kubectl: `kubectl apply
# --server-side` (create, unchanged re-apply, conflicts, --force-conflicts,
# fields dropped from the manifest), `kubectl get --show-managed-fields`, the
# client-side to server-side apply migration, `kubectl diff --server-side`,
# and the API's own answers for bad apply requests and strict patches.
# Expected lines are what kubectl v1.32 prints against Kubernetes.

deploy() { # NAME REPLICAS [extra label line]
    cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
  labels:
    app: $1
${3:-}
spec:
  replicas: $2
  selector:
    matchLabels:
      app: $1
  template:
    metadata:
      labels:
        app: $1
    spec:
      containers:
      - name: c
        image: nginx
EOF
}

mf() { # KIND NAME NS JQ: a jq query over the object's managedFields
    kc get "$1" "$2" -n "$3" -o json --show-managed-fields | jq -c "$4"
}

test_apply_server_side_create_and_unchanged() {
    ns=$(new_ns ssa)
    assert_eq "deployment.apps/web serverside-applied" \
        "$(deploy web 2 | kc apply --server-side -n "$ns" -f -)"
    rv=$(kc get deploy web -n "$ns" -o jsonpath='{.metadata.resourceVersion}')
    assert_eq "deployment.apps/web serverside-applied" \
        "$(deploy web 2 | kc apply --server-side -n "$ns" -f -)"
    assert_eq "$rv" "$(kc get deploy web -n "$ns" -o jsonpath='{.metadata.resourceVersion}')" \
        "an unchanged apply writes nothing"
    assert_eq '[["kubectl","Apply"]]' "$(mf deploy web "$ns" '[.metadata.managedFields[] | [.manager, .operation]]')"
    assert_eq '{"f:app":{}}' "$(mf deploy web "$ns" '.metadata.managedFields[0].fieldsV1["f:spec"]["f:selector"]["f:matchLabels"]')"
    assert_eq '{".":{},"f:image":{},"f:name":{}}' \
        "$(mf deploy web "$ns" '.metadata.managedFields[0].fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"c\"}"]')"
    # defaults are filled in after the merge, and owned by nobody
    assert_eq 10 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.revisionHistoryLimit}')"
}

test_apply_server_side_conflict_and_force() {
    ns=$(new_ns ssc)
    assert_eq "deployment.apps/web created" "$(deploy web 2 | kc apply -n "$ns" -f -)"
    assert_fails_with 'Apply failed with 1 conflict' \
        sh -c "$(declare -f deploy); deploy web 3 | kubectl --kubeconfig '$CUBE_KUBECONFIG' apply --server-side --field-manager=mgr -n '$ns' -f -"
    first=$(head -n 1 <<<"$OUT")
    assert_eq 'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas' "$first"
    assert_contains "$OUT" "Please review the fields above--they currently have other managers."
    assert_eq 2 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.replicas}')" "a conflict changes nothing"
    # the same value is shared, not a conflict
    assert_eq "deployment.apps/web serverside-applied" \
        "$(deploy web 2 | kc apply --server-side --field-manager=mgr -n "$ns" -f -)"
    assert_eq "deployment.apps/web serverside-applied" \
        "$(deploy web 3 | kc apply --server-side --field-manager=mgr --force-conflicts -n "$ns" -f -)"
    assert_eq 3 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.replicas}')"
    assert_eq '["mgr"]' "$(mf deploy web "$ns" '[.metadata.managedFields[] | select(.fieldsV1["f:spec"]["f:replicas"]) | .manager]')" \
        "replicas changed hands"
}

test_apply_server_side_conflict_status_details() {
    ns=$(new_ns ssd)
    deploy web 2 | kc apply -n "$ns" -f - >/dev/null
    http_call PATCH "/apis/apps/v1/namespaces/$ns/deployments/web?fieldManager=mgr" \
        -H "Content-Type: application/apply-patch+yaml" \
        --data-binary '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}'
    assert_eq 409 "$HTTP_CODE"
    assert_eq '{"reason":"Conflict","causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl-client-side-apply\" using apps/v1","field":".spec.replicas"}]}' \
        "$(jq -c '{reason, causes: .details.causes}' <<<"$HTTP_BODY")"
}

test_apply_server_side_removes_dropped_fields() {
    ns=$(new_ns ssr)
    deploy web 2 "    tier: front" | kc apply --server-side -n "$ns" -f - >/dev/null
    assert_eq front "$(kc get deploy web -n "$ns" -o jsonpath='{.metadata.labels.tier}')"
    # a label another manager set survives the apply that does not mention it
    kc label deploy web -n "$ns" owner=ops >/dev/null
    assert_eq "deployment.apps/web serverside-applied" \
        "$(deploy web 2 | kc apply --server-side -n "$ns" -f -)"
    assert_eq '{"app":"web","owner":"ops"}' "$(kc get deploy web -n "$ns" -o json | jq -c .metadata.labels)"
    # replicas dropped from the manifest: removed, then defaulted again
    deploy web 4 | kc apply --server-side -n "$ns" -f - >/dev/null
    deploy web 4 | sed '/replicas:/d' | kc apply --server-side -n "$ns" -f - >/dev/null
    assert_eq 1 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.replicas}')"
}

test_managed_fields_of_updates() {
    ns=$(new_ns mfu)
    kc create configmap cm -n "$ns" --from-literal=a=1 >/dev/null
    assert_eq '[["kubectl-create","Update",{"f:data":{"f:a":{}}}]]' \
        "$(mf cm cm "$ns" '[.metadata.managedFields[] | [.manager, .operation, .fieldsV1]]')"
    kc patch cm cm -n "$ns" -p '{"data":{"b":"2"}}' >/dev/null
    assert_eq '[["kubectl-create",{"f:data":{"f:a":{}}}],["kubectl-patch",{"f:data":{"f:b":{}}}]]' \
        "$(mf cm cm "$ns" '[.metadata.managedFields[] | [.manager, .fieldsV1]]')"
    # a field rewritten by another manager leaves its old owner
    kc patch cm cm -n "$ns" --type=merge -p '{"data":{"a":"9"}}' >/dev/null
    assert_eq '["kubectl-patch"]' "$(mf cm cm "$ns" '[.metadata.managedFields[] | .manager]')"
    # -o yaml hides them unless asked
    assert_not_contains "$(kc get cm cm -n "$ns" -o yaml)" managedFields
    # an explicit empty list resets them
    kc patch cm cm -n "$ns" --type=merge -p '{"metadata":{"managedFields":[]}}' >/dev/null
    assert_eq null "$(mf cm cm "$ns" '.metadata.managedFields')"
}

test_client_side_then_server_side_apply() {
    ns=$(new_ns mig)
    assert_eq "deployment.apps/web created" "$(deploy web 2 | kc apply -n "$ns" -f -)"
    assert_eq '[["kubectl-client-side-apply","Update"]]' \
        "$(mf deploy web "$ns" '[.metadata.managedFields[] | [.manager, .operation]]')"
    # kubectl hands the client-side apply's fields to its server-side manager: no conflict
    assert_eq "deployment.apps/web serverside-applied" \
        "$(deploy web 3 | kc apply --server-side -n "$ns" -f -)"
    assert_eq 3 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.replicas}')"
    assert_eq '["kubectl"]' \
        "$(mf deploy web "$ns" '[.metadata.managedFields[] | select(.fieldsV1["f:spec"]["f:replicas"]) | .manager]')"
    # and the last-applied annotation followed, so client-side apply still works
    assert_eq "deployment.apps/web configured" "$(deploy web 4 | kc apply -n "$ns" -f -)"
    assert_eq 4 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.replicas}')"
}

test_diff_server_side() {
    ns=$(new_ns dif)
    deploy web 2 | kc apply --server-side -n "$ns" -f - >/dev/null
    rc=0
    out=$(deploy web 6 | kc diff --server-side -n "$ns" -f -) || rc=$?
    assert_eq 1 "$rc" "kubectl diff exit code"
    assert_match "$out" '^-  replicas: 2$'
    assert_match "$out" '^\+  replicas: 6$'
    assert_eq 2 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.replicas}')" "dry run stores nothing"
}

test_apply_bad_requests() {
    ns=$(new_ns bad)
    http_call PATCH "/api/v1/namespaces/$ns/configmaps/x" -H "Content-Type: application/apply-patch+yaml" \
        --data-binary 'apiVersion: v1
kind: ConfigMap'
    assert_eq 422 "$HTTP_CODE"
    assert_eq 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' \
        "$(jq -r .message <<<"$HTTP_BODY")"
    http_call PATCH "/api/v1/namespaces/$ns/configmaps/x?fieldManager=m" \
        -H "Content-Type: application/apply-patch+yaml" --data-binary 'apiVersion: apps/v1
kind: ConfigMap'
    assert_eq 400 "$HTTP_CODE"
    assert_eq 'Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: v1' \
        "$(jq -r .message <<<"$HTTP_BODY")"
    http_call PATCH "/api/v1/namespaces/$ns/configmaps/x?force=true" \
        -H "Content-Type: application/merge-patch+json" --data-binary '{}'
    assert_eq 422 "$HTTP_CODE"
    assert_eq 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch' \
        "$(jq -r .message <<<"$HTTP_BODY")"
    # apply creates with 201, then answers 200
    http_call PATCH "/api/v1/namespaces/$ns/configmaps/x?fieldManager=m" \
        -H "Content-Type: application/apply-patch+yaml" --data-binary 'apiVersion: v1
kind: ConfigMap
data: {k: v}'
    assert_eq 201 "$HTTP_CODE"
    assert_eq '"m"' "$(jq -c '.metadata.managedFields[0].manager' <<<"$HTTP_BODY")"
}

test_strict_patch_refused() {
    ns=$(new_ns stp)
    deploy web 2 | kc apply --server-side -n "$ns" -f - >/dev/null
    http_call PATCH "/apis/apps/v1/namespaces/$ns/deployments/web?fieldValidation=Strict" \
        -H "Content-Type: application/strategic-merge-patch+json" --data-binary '{"spec":{"foo":1}}'
    assert_eq 422 "$HTTP_CODE"
    assert_eq ' "" is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"' \
        "$(jq -r .message <<<"$HTTP_BODY")"
    assert_eq null "$(kc get deploy web -n "$ns" -o json | jq -c .spec.foo)" "nothing stored"
}
