# fieldValidation on create, update and patch (issue 3): Strict refuses unknown
# and duplicate fields; Warn (the server's default) and Ignore drop unknown
# fields as Kubernetes' typed decoding does, the last duplicate wins, and Warn
# answers each finding with a `Warning: 299 - "..."` header that kubectl prints
# as `Warning: ...`. Expected lines are those a real API server gives.

fv_pod() { # NAME
    cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  foo: bar
  containers:
  - name: c
    image: busybox
    imagee: typo
EOF
}

# fv_headers METHOD PATH CONTENT-TYPE BODY: response headers in $FV_HEADERS, code in $HTTP_CODE.
fv_call() {
    local method=$1 path=$2 ct=$3 body=$4 h=$CUBE_DIR/fv.headers.$$
    http_call "$method" "$path" -D "$h" -H "Content-Type: $ct" --data-binary "$body"
    FV_HEADERS=$(tr -d '\r' <"$h" | grep -i '^warning:' || true)
    rm -f "$h"
}

test_kubectl_create_validate_warn_prints_warnings_and_drops_fields() {
    ns=$(new_ns fvw)
    out=$(fv_pod p1 | kc create --validate=warn -n "$ns" -f - 2>&1)
    assert_eq 'Warning: unknown field "spec.containers[0].imagee"
Warning: unknown field "spec.foo"
pod/p1 created' "$out"
    got=$(kc get pod p1 -n "$ns" -o json)
    assert_eq null "$(jq -c .spec.foo <<<"$got")" "spec.foo dropped"
    assert_eq null "$(jq -c .spec.containers[0].imagee <<<"$got")" "imagee dropped"
    assert_eq busybox "$(jq -r .spec.containers[0].image <<<"$got")"
}

test_kubectl_create_validate_false_ignores_silently() {
    ns=$(new_ns fvi)
    out=$(fv_pod p2 | kc create --validate=false -n "$ns" -f - 2>&1)
    assert_eq 'pod/p2 created' "$out"
    assert_eq null "$(kc get pod p2 -n "$ns" -o json | jq -c .spec.foo)" "spec.foo dropped"
}

test_kubectl_create_strict_still_refuses() {
    ns=$(new_ns fvs)
    assert_fails_with 'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee", unknown field "spec.foo"' \
        kc create --validate=strict -n "$ns" -f - < <(fv_pod p3)
    assert_fails_with 'NotFound' kc get pod p3 -n "$ns"
}

test_warning_header_by_default_on_create() {
    ns=$(new_ns fvh)
    fv_call POST "/api/v1/namespaces/$ns/configmaps" application/json \
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","foo":1},"data":{"a":"b"},"extra":{"x":1}}'
    assert_eq 201 "$HTTP_CODE"
    assert_eq 'Warning: 299 - "unknown field \"metadata.foo\""
Warning: 299 - "unknown field \"extra\""' "$FV_HEADERS"
    assert_eq '{"a":"b"}' "$(jq -c .data <<<"$HTTP_BODY")"
    assert_eq null "$(jq -c .extra <<<"$HTTP_BODY")" "dropped from the answer"
    assert_eq null "$(kc get cm c -n "$ns" -o json | jq -c .extra)" "dropped from the store"
}

test_ignore_sends_no_warning() {
    ns=$(new_ns fvn)
    fv_call POST "/api/v1/namespaces/$ns/configmaps?fieldValidation=Ignore" application/json \
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"extra":1,"extra":2}'
    assert_eq 201 "$HTTP_CODE"
    assert_eq '' "$FV_HEADERS"
    assert_eq null "$(jq -c .extra <<<"$HTTP_BODY")"
}

test_duplicate_json_fields_strict_400() {
    ns=$(new_ns fvd)
    fv_call POST "/api/v1/namespaces/$ns/configmaps?fieldValidation=Strict" application/json \
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","name":"d"},"data":{"a":"1","a":"2"}}'
    assert_eq 400 "$HTTP_CODE"
    assert_eq 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name", duplicate field "data.a"' \
        "$(jq -r .message <<<"$HTTP_BODY")"
    assert_eq BadRequest "$(jq -r .reason <<<"$HTTP_BODY")"
    assert_fails_with NotFound kc get cm d -n "$ns"
}

test_duplicate_json_fields_warn_last_wins() {
    ns=$(new_ns fvdw)
    fv_call POST "/api/v1/namespaces/$ns/configmaps" application/json \
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","a":"2","a":"3"}}'
    assert_eq 201 "$HTTP_CODE"
    assert_eq 'Warning: 299 - "duplicate field \"data.a\""' "$FV_HEADERS"
    assert_eq '{"a":"3"}' "$(kc get cm c -n "$ns" -o json | jq -c .data)"
}

test_duplicate_yaml_keys() {
    ns=$(new_ns fvy)
    body=$'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n  a: "2"\n'
    fv_call POST "/api/v1/namespaces/$ns/configmaps?fieldValidation=Strict" application/yaml "$body"
    assert_eq 400 "$HTTP_CODE"
    assert_eq 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:
  line 7: key "a" already set in map' "$(jq -r .message <<<"$HTTP_BODY")"
    fv_call POST "/api/v1/namespaces/$ns/configmaps" application/yaml "$body"
    assert_eq 201 "$HTTP_CODE"
    assert_eq 'Warning: 299 - "yaml: unmarshal errors:\n  line 7: key \"a\" already set in map"' \
        "$FV_HEADERS"
    assert_eq '{"a":"2"}' "$(kc get cm c -n "$ns" -o json | jq -c .data)"
}

test_kubectl_replace_validate_warn() {
    ns=$(new_ns fvu)
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}' |
        kc create -n "$ns" -f - >/dev/null
    out=$(printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"2"},"bogus":true}' |
        kc replace --validate=warn -n "$ns" -f - 2>&1)
    assert_eq 'Warning: unknown field "bogus"
configmap/c replaced' "$out"
    got=$(kc get cm c -n "$ns" -o json)
    assert_eq '{"a":"2"}' "$(jq -c .data <<<"$got")"
    assert_eq null "$(jq -c .bogus <<<"$got")"
}

test_patch_warn_drops_unknown_fields() {
    ns=$(new_ns fvp)
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}' |
        kc create -n "$ns" -f - >/dev/null
    fv_call PATCH "/api/v1/namespaces/$ns/configmaps/c" application/merge-patch+json \
        '{"data":{"a":"2"},"spec":{"foo":1}}'
    assert_eq 200 "$HTTP_CODE"
    assert_eq 'Warning: 299 - "unknown field \"spec\""' "$FV_HEADERS"
    got=$(kc get cm c -n "$ns" -o json)
    assert_eq '{"a":"2"}' "$(jq -c .data <<<"$got")"
    assert_eq null "$(jq -c .spec <<<"$got")"
    fv_call PATCH "/api/v1/namespaces/$ns/configmaps/c?fieldValidation=Ignore" \
        application/strategic-merge-patch+json '{"data":{"a":"3"},"zzz":1}'
    assert_eq 200 "$HTTP_CODE"
    assert_eq '' "$FV_HEADERS"
    assert_eq null "$(kc get cm c -n "$ns" -o json | jq -c .zzz)"
}

test_unmodelled_subtrees_kept_whole() {
    ns=$(new_ns fvk)
    # a gitRepo volume is unmodelled (kept as sent): nothing in it is unknown
    fv_call POST "/api/v1/namespaces/$ns/pods" application/json \
        '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}],"volumes":[{"name":"g","gitRepo":{"repository":"x","anything":1}}]}}'
    assert_eq 201 "$HTTP_CODE"
    assert_eq '' "$FV_HEADERS"
    assert_eq '{"anything":1,"repository":"x"}' \
        "$(kc get pod p -n "$ns" -o json | jq -cS '.spec.volumes[0].gitRepo')"
}
