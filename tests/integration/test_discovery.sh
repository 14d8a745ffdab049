# Discovery, version and health, as kubectl sees them: api-resources,
# api-versions, version, cluster-info and the raw health/metrics endpoints.
# Expected outputs are what kubectl v1.32 prints against a real cluster.

test_api_resources_header() {
    out=$(kc api-resources)
    assert_match "$(head -n 1 <<<"$out")" '^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND$' header
}

test_api_resources_core_rows() {
    out=$(kc api-resources)
    assert_match "$out" '^pods +po +v1 +true +Pod$'
    assert_match "$out" '^services +svc +v1 +true +Service$'
    assert_match "$out" '^configmaps +cm +v1 +true +ConfigMap$'
    assert_match "$out" '^secrets +v1 +true +Secret$'
    assert_match "$out" '^namespaces +ns +v1 +false +Namespace$'
    assert_match "$out" '^nodes +no +v1 +false +Node$'
    assert_match "$out" '^serviceaccounts +sa +v1 +true +ServiceAccount$'
    assert_match "$out" '^events +ev +v1 +true +Event$'
    assert_match "$out" '^endpoints +ep +v1 +true +Endpoints$'
    assert_match "$out" '^persistentvolumeclaims +pvc +v1 +true +PersistentVolumeClaim$'
}

test_api_resources_group_rows() {
    out=$(kc api-resources)
    assert_match "$out" '^deployments +deploy +apps/v1 +true +Deployment$'
    assert_match "$out" '^replicasets +rs +apps/v1 +true +ReplicaSet$'
    assert_match "$out" '^statefulsets +sts +apps/v1 +true +StatefulSet$'
    assert_match "$out" '^daemonsets +ds +apps/v1 +true +DaemonSet$'
    assert_match "$out" '^jobs +batch/v1 +true +Job$'
    assert_match "$out" '^cronjobs +cj +batch/v1 +true +CronJob$'
    assert_match "$out" '^leases +coordination.k8s.io/v1 +true +Lease$'
    assert_match "$out" '^endpointslices +discovery.k8s.io/v1 +true +EndpointSlice$'
    assert_match "$out" '^clusterroles +rbac.authorization.k8s.io/v1 +false +ClusterRole$'
    assert_match "$out" '^roles +rbac.authorization.k8s.io/v1 +true +Role$'
}

test_api_resources_count() {
    n=$(kc api-resources --no-headers | wc -l)
    [ "$n" -ge 30 ] || fail "expected at least 30 resources, got $n"
    # every resource appears once (group-qualified names are distinct)
    dups=$(kc api-resources --no-headers -o name | sort | uniq -d)
    assert_eq "" "$dups" "duplicate resources"
}

test_api_resources_wide_verbs_categories() {
    out=$(kc api-resources -o wide)
    assert_match "$out" '^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND +VERBS +CATEGORIES$'
    assert_match "$out" '^pods +po +v1 +true +Pod +create,delete,deletecollection,get,list,patch,update,watch +all$'
    assert_match "$out" '^deployments +deploy +apps/v1 +true +Deployment +create,delete,deletecollection,get,list,patch,update,watch +all$'
    assert_match "$out" '^namespaces +ns +v1 +false +Namespace +create,delete,get,list,patch,update,watch *$'
}

test_api_resources_filtered() {
    out=$(kc api-resources --api-group=apps -o name | sort)
    assert_eq "$(printf '%s\n' controllerrevisions.apps daemonsets.apps deployments.apps \
        replicasets.apps statefulsets.apps)" "$out"
    out=$(kc api-resources --namespaced=false -o name)
    assert_match "$out" '^namespaces$'
    assert_no_match "$out" '^pods$'
}

test_api_versions() {
    out=$(kc api-versions)
    for gv in v1 apps/v1 batch/v1 autoscaling/v1 autoscaling/v2 policy/v1 \
        rbac.authorization.k8s.io/v1 networking.k8s.io/v1 storage.k8s.io/v1 \
        coordination.k8s.io/v1 discovery.k8s.io/v1 events.k8s.io/v1 scheduling.k8s.io/v1; do
        assert_match "$out" "^${gv//./\\.}\$" "api-versions ($gv)"
    done
    assert_eq "$(sort <<<"$out")" "$out" "api-versions is sorted"
}

test_raw_api_and_apis() {
    out=$(kc get --raw /api)
    assert_eq APIVersions "$(jq -r .kind <<<"$out")"
    assert_eq '["v1"]' "$(jq -c .versions <<<"$out")"
    out=$(kc get --raw /apis)
    assert_eq APIGroupList "$(jq -r .kind <<<"$out")"
    assert_eq apps/v1 "$(jq -r '.groups[] | select(.name=="apps") | .preferredVersion.groupVersion' <<<"$out")"
    out=$(kc get --raw /api/v1)
    assert_eq APIResourceList "$(jq -r .kind <<<"$out")"
    assert_eq '["po"]' "$(jq -c '.resources[] | select(.name=="pods") | .shortNames' <<<"$out")"
    assert_eq true "$(jq '[.resources[].name] | index("pods/status") != null' <<<"$out")" "pods/status listed"
}

test_version() {
    out=$(kc version)
    assert_match "$out" '^Client Version: v1\.32\.'
    assert_match "$out" '^Server Version: v1\.32\.[0-9]+\+cube\.[0-9]+$'
    assert_not_contains "$out" "WARNING" "version skew warning"
}

test_version_json() {
    out=$(kc version -o json)
    assert_eq 1 "$(jq -r .serverVersion.major <<<"$out")" major
    assert_eq 32 "$(jq -r .serverVersion.minor <<<"$out")" minor
    assert_match "$(jq -r .serverVersion.gitVersion <<<"$out")" '^v1\.32\.[0-9]+\+cube\.[0-9]+$'
    assert_eq linux/amd64 "$(jq -r .serverVersion.platform <<<"$out")" platform
    raw=$(kc get --raw /version)
    assert_eq "$(jq -r .serverVersion.gitVersion <<<"$out")" "$(jq -r .gitVersion <<<"$raw")"
}

test_cluster_info() {
    out=$(kc cluster-info | strip_ansi)
    assert_eq "Kubernetes control plane is running at https://127.0.0.1:$CUBE_PORT" \
        "$(head -n 1 <<<"$out")"
    assert_contains "$out" "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."
}

test_health_endpoints() {
    assert_eq ok "$(kc get --raw /healthz)" /healthz
    assert_eq ok "$(kc get --raw /livez)" /livez
    assert_eq ok "$(kc get --raw /readyz)" /readyz
}

test_health_verbose() {
    out=$(kc get --raw '/readyz?verbose')
    assert_match "$out" '^\[\+\]ping ok$'
    assert_match "$out" '^readyz check passed$'
    out=$(kc get --raw '/livez?verbose')
    assert_match "$out" '^livez check passed$'
}

test_metrics() {
    kc get --raw /api/v1/namespaces/default >/dev/null
    out=$(kc get --raw /metrics)
    assert_contains "$out" "# TYPE apiserver_request_total counter"
    assert_match "$out" '^apiserver_request_total\{.*verb="GET".*\} [0-9]+'
    assert_contains "$out" "# TYPE apiserver_request_duration_seconds histogram"
}

test_default_namespaces() {
    out=$(kc get namespaces -o name | sort)
    for ns in default kube-node-lease kube-public kube-system; do
        assert_match "$out" "^namespace/$ns\$"
    done
    assert_eq Active "$(kc get ns default -o jsonpath='{.status.phase}')"
}

test_kubernetes_service() {
    out=$(kc get service kubernetes -n default -o json)
    assert_eq ClusterIP "$(jq -r .spec.type <<<"$out")"
    assert_eq 443 "$(jq -r '.spec.ports[0].port' <<<"$out")"
    assert_eq https "$(jq -r '.spec.ports[0].name' <<<"$out")"
    assert_eq 10.43.0.1 "$(jq -r .spec.clusterIP <<<"$out")"
    assert_eq "$CUBE_PORT" "$(jq -r '.spec.ports[0].targetPort' <<<"$out")"
    assert_eq '{"component":"apiserver","provider":"kubernetes"}' "$(jq -c .metadata.labels <<<"$out")"
}
