# OpenAPI v3 as kubectl v1.32 uses it: create/apply validate by default (no
# --validate=false) and `kubectl explain` walks the published schemas.
# Expected outputs are what kubectl prints against a real API server.

oa_pod() { # NAME [EXTRA-CONTAINER-LINE]
    cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
    ports:
    - containerPort: 80
      name: http
    resources:
      limits:
        cpu: 500m
        memory: 128Mi
    ${2:-}
EOF
}

oa_deploy() { # NAME
    cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
spec:
  replicas: 2
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        env:
        - name: A
          value: b
EOF
}

test_openapi_v3_index() {
    out=$(kc get --raw /openapi/v3)
    url=$(jq -r '.paths["api/v1"].serverRelativeURL' <<<"$out")
    assert_match "$url" '^/openapi/v3/api/v1\?hash=[0-9A-F]{128}$' "api/v1 URL"
    assert_match "$(jq -r '.paths["apis/apps/v1"].serverRelativeURL' <<<"$out")" \
        '^/openapi/v3/apis/apps/v1\?hash=' "apps/v1 URL"
    headers=$(cube_curl -D - -o /dev/null "$url")
    assert_match "$headers" '^[Cc]ache-[Cc]ontrol: public, immutable' "hash-addressed headers"
    doc=$(kc get --raw /openapi/v3/api/v1)
    assert_eq '[{"group":"","kind":"Pod","version":"v1"}]' \
        "$(jq -c '.components.schemas["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"]' <<<"$doc")"
}

test_create_pod_validates_by_default() {
    ns=$(new_ns oa)
    assert_ok kc create -n "$ns" -f - <<<"$(oa_pod p1)"
    assert_eq "pod/p1 created" "$OUT"
}

test_create_deployment_service_configmap_job() {
    ns=$(new_ns oa)
    assert_ok kc create -n "$ns" -f - <<<"$(oa_deploy d1)"
    assert_eq "deployment.apps/d1 created" "$OUT"
    assert_ok kc create -n "$ns" -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: s1
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http
    protocol: TCP
EOF
    assert_eq "service/s1 created" "$OUT"
    assert_ok kc create -n "$ns" -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: c1
data:
  k: v
EOF
    assert_eq "configmap/c1 created" "$OUT"
    assert_ok kc create -n "$ns" -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: j1
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["true"]
EOF
    assert_eq "job.batch/j1 created" "$OUT"
}

test_apply_validates_by_default() {
    ns=$(new_ns oa)
    assert_ok kc apply -n "$ns" -f - <<<"$(oa_deploy d2)"
    assert_eq "deployment.apps/d2 created" "$OUT"
    assert_ok kc apply -n "$ns" -f - <<<"$(oa_deploy d2 | sed 's/replicas: 2/replicas: 3/')"
    assert_eq "deployment.apps/d2 configured" "$OUT"
    assert_eq 3 "$(kc get -n "$ns" deploy d2 -o jsonpath='{.spec.replicas}')"
}

# Needs write.c to call cube_openapi_strict_check when fieldValidation=Strict.
test_misspelled_field_refused() {
    ns=$(new_ns oa)
    assert_fails_with 'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"' \
        kc create -n "$ns" -f - <<<"$(oa_pod p2 'imagee: x')"
    assert_ok kc create --validate=false -n "$ns" -f - <<<"$(oa_pod p3 'imagee: x')"
}

test_explain_pod_containers() {
    out=$(kc explain pod.spec.containers)
    assert_match "$out" '^KIND: +Pod$'
    assert_match "$out" '^VERSION: +v1$'
    assert_match "$out" '^FIELD: +containers <\[\]Container>$'
    assert_match "$out" '^  image	<string>'
    assert_match "$out" '^  name	<string> -required-$'
    assert_match "$out" '^  ports	<\[\]ContainerPort>$'
}

test_explain_deployment_strategy() {
    out=$(kc explain deployment.spec.strategy)
    assert_match "$out" '^GROUP: +apps$'
    assert_match "$out" '^KIND: +Deployment$'
    assert_match "$out" '^FIELD: +strategy <DeploymentStrategy>$'
    assert_match "$out" '^  rollingUpdate	<RollingUpdateDeployment>$'
    assert_match "$out" '^  type	<string>$'
    out=$(kc explain deployment.spec.strategy.rollingUpdate.maxSurge)
    assert_match "$out" '^FIELD: +maxSurge <IntOrString>$'
}

test_explain_top_level_kind() {
    out=$(kc explain configmap)
    assert_match "$out" '^KIND: +ConfigMap$'
    assert_match "$out" '^  data	<map\[string\]string>$'
    assert_match "$out" '^  metadata	<ObjectMeta>$'
}

test_openapi_v2_json_and_protobuf() {
    doc=$(kc get --raw /openapi/v2)
    assert_eq "2.0" "$(jq -r .swagger <<<"$doc")"
    assert_eq '[{"group":"apps","kind":"Deployment","version":"v1"}]' \
        "$(jq -c '.definitions["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"]' <<<"$doc")"
    assert_eq "merge" \
        "$(jq -r '.definitions["io.k8s.api.core.v1.PodSpec"].properties.containers["x-kubernetes-patch-strategy"]' <<<"$doc")"
    assert_eq "patchCoreV1NamespacedPod" \
        "$(jq -r '.paths["/api/v1/namespaces/{namespace}/pods/{name}"].patch.operationId' <<<"$doc")"
    # kubectl asks for the protobuf form only (served as octet-stream, as Kubernetes does)
    code=$(cube_curl -o v2.pb -w '%{http_code} %{content_type}' \
        -H 'Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf' /openapi/v2)
    assert_eq "200 application/octet-stream" "$code"
    assert_ok grep -q 'io.k8s.api.apps.v1.Deployment' v2.pb
    code=$(cube_curl -o /dev/null -w '%{http_code}' -H 'Accept: text/html' /openapi/v2)
    assert_eq 406 "$code"
    code=$(cube_curl -o /dev/null -w '%{http_code}' -H 'Accept: application/json' /openapi/v2)
    assert_eq 200 "$code"
}

test_openapi_etag_and_304() {
    for path in /openapi/v2 /openapi/v3/apis/apps/v1; do
        etag=$(cube_curl -D - -o /dev/null "$path" | awk 'tolower($1) == "etag:" { print $2 }' | tr -d '\r')
        assert_match "$etag" '^"[0-9A-F]{128}"$' "ETag of $path"
        code=$(cube_curl -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$path")
        assert_eq 304 "$code" "revalidation of $path"
        code=$(cube_curl -o /dev/null -w '%{http_code}' -H 'If-None-Match: "0"' "$path")
        assert_eq 200 "$code" "stale ETag of $path"
    done
    # the v3 ETag is the hash the index addresses the document by
    url=$(kc get --raw /openapi/v3 | jq -r '.paths["apis/apps/v1"].serverRelativeURL')
    etag=$(cube_curl -D - -o /dev/null /openapi/v3/apis/apps/v1 | awk 'tolower($1) == "etag:" { print $2 }' | tr -d '\r\"')
    assert_eq "/openapi/v3/apis/apps/v1?hash=$etag" "$url"
}

test_openapi_gzip_when_accepted() {
    headers=$(cube_curl -D - -o gz.body -H 'Accept-Encoding: gzip' /openapi/v3/apis/apps/v1)
    cube_curl -o plain.body /openapi/v3/apis/apps/v1
    if grep -qi '^content-encoding: gzip' <<<"$headers"; then
        assert_eq "$(sha256sum <plain.body)" "$(gzip -dc gz.body | sha256sum)"
        [ "$(stat -c %s gz.body)" -lt "$(stat -c %s plain.body)" ] || fail "gzip body not smaller"
    else
        # a cube built without zlib answers identity
        assert_eq "$(sha256sum <plain.body)" "$(sha256sum <gz.body)"
    fi
    assert_match "$headers" '^[Vv]ary: Accept-Encoding'
}

test_openapi_outdated_hash_redirects() {
    url=$(kc get --raw /openapi/v3 | jq -r '.paths["apis/apps/v1"].serverRelativeURL')
    headers=$(cube_curl -D - -o /dev/null "$url")
    assert_match "$headers" '^[Ee]xpires: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} '
    headers=$(cube_curl -D - -o /dev/null "/openapi/v3/apis/apps/v1?hash=0123")
    assert_match "$headers" '^HTTP/1.1 301'
    assert_match "$headers" "^[Ll]ocation: ${url//\?/\\?}"
}

# A List (what `kubectl get -o yaml` writes) is validated on the client from the v2 protobuf
# document, since no v3 document describes kind List: unknown fields are refused with
# kubectl's own message, and a clean List is created.
test_kubectl_validates_a_list_from_openapi_v2() {
    cat >list.yaml <<'EOF'
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: l1}
  datta: {a: b}
EOF
    assert_fails_with "unknown field" kc create -f list.yaml
    assert_match "$OUT" '^error: error validating "list.yaml": error validating data: ValidationError\(ConfigMap\): unknown field "datta" in io.k8s.api.core.v1.ConfigMap; if you choose to ignore these errors, turn validation off with --validate=false$'
    sed -i 's/datta/data/' list.yaml
    assert_ok kc create -f list.yaml
    assert_eq "configmap/l1 created" "$OUT"
    kc get cm -o yaml >all.yaml
    assert_ok kc apply -f all.yaml
}
