# Services in the API server, as kubectl sees them: ClusterIP and NodePort
# allocation (dynamic, explicit, taken, out of range, freed on delete, kept
# across a restart), immutability of the cluster IP, and the `kubernetes`
# Service with its Endpoints and EndpointSlice. Expected lines are what
# kubectl v1.32 prints against a real cluster.

# own_cube NAME [flags...]: a second apiserver of this test's own (data dir
# under $TESTS_TMP), for tests that restart it or need other flags. start_cube
# records its PID for the runner; own_cube_stop stops it and checks its log
# holds no sanitizer report.
own_cube() {
    local name=$1
    shift
    start_cube "${TESTS_TMP:-/tmp}/own-$name-$$" "$@"
}
own_cube_stop() {
    stop_cube TERM
    local errs
    errs=$(sanitizer_errors "$CUBE_DIR/cube.log" || true)
    [ -z "$errs" ] || fail "sanitizer report in $CUBE_DIR/cube.log: $errs"
    [ "$CUBE_EXIT" = 0 ] || fail "own apiserver exited with $CUBE_EXIT on SIGTERM"
}

svc_ip() { # NS NAME
    kc get svc "$2" -n "$1" -o jsonpath='{.spec.clusterIP}'
}

test_create_clusterip_service_gets_ip() {
    ns=$(new_ns sv)
    out=$(kc create service clusterip x --tcp=80:8080 -n "$ns")
    assert_eq "service/x created" "$out"
    out=$(kc get svc x -n "$ns")
    assert_match "$(head -n 1 <<<"$out")" '^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE$' header
    assert_match "$(sed -n 2p <<<"$out")" '^x +ClusterIP +10\.43\.[0-9]+\.[0-9]+ +<none> +80/TCP +[0-9]+s$' row
    js=$(kc get svc x -n "$ns" -o json)
    ip=$(jq -r .spec.clusterIP <<<"$js")
    assert_eq "[\"$ip\"]" "$(jq -c .spec.clusterIPs <<<"$js")" clusterIPs
    assert_eq '["IPv4"]' "$(jq -c .spec.ipFamilies <<<"$js")" ipFamilies
    assert_eq SingleStack "$(jq -r .spec.ipFamilyPolicy <<<"$js")" ipFamilyPolicy
    [ "$ip" != 10.43.0.1 ] || fail "the kubernetes Service's IP was handed out"
}

test_cluster_ips_are_distinct() {
    ns=$(new_ns sd)
    for i in 1 2 3 4 5 6 7 8; do
        kc create service clusterip "s$i" --tcp=80 -n "$ns" >/dev/null &
    done
    wait
    ips=$(kc get svc -n "$ns" -o jsonpath='{range .items[*]}{.spec.clusterIP}{"\n"}{end}')
    assert_eq 8 "$(sort -u <<<"$ips" | grep -c .)" "distinct cluster IPs"
}

test_explicit_cluster_ip_taken() {
    ns=$(new_ns se)
    assert_ok kc create service clusterip a --tcp=80 --clusterip=10.43.0.55 -n "$ns"
    assert_eq 10.43.0.55 "$(svc_ip "$ns" a)"
    assert_fails_with 'error: failed to create ClusterIP service: Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.55"}: failed to allocate IP 10.43.0.55: provided IP is already allocated' \
        kc create service clusterip b --tcp=80 --clusterip=10.43.0.55 -n "$ns"
    # the kubernetes Service's address is taken too
    assert_fails_with 'failed to allocate IP 10.43.0.1: provided IP is already allocated' \
        kc create service clusterip c --tcp=80 --clusterip=10.43.0.1 -n "$ns"
}

test_explicit_cluster_ip_out_of_range() {
    ns=$(new_ns so)
    assert_fails_with 'Service "a" is invalid: spec.clusterIPs: Invalid value: []string{"10.44.0.5"}: failed to allocate IP 10.44.0.5: provided IP is not in the valid range. The range of valid IPs is 10.43.0.0/16' \
        kc create service clusterip a --tcp=80 --clusterip=10.44.0.5 -n "$ns"
}

test_delete_frees_cluster_ip() {
    ns=$(new_ns sf)
    assert_ok kc create service clusterip a --tcp=80 --clusterip=10.43.0.66 -n "$ns"
    assert_ok kc delete svc a -n "$ns"
    assert_ok kc create service clusterip b --tcp=80 --clusterip=10.43.0.66 -n "$ns"
    assert_eq 10.43.0.66 "$(svc_ip "$ns" b)"
}

test_headless_service() {
    ns=$(new_ns sh)
    assert_ok kc create service clusterip h --clusterip=None -n "$ns"
    out=$(kc get svc h -n "$ns")
    assert_match "$(sed -n 2p <<<"$out")" '^h +ClusterIP +None +<none> +<none> +[0-9]+s$' row
    assert_eq '["None"]' "$(kc get svc h -n "$ns" -o jsonpath='{.spec.clusterIPs}')"
}

test_nodeport_allocated_in_range() {
    ns=$(new_ns sn)
    assert_ok kc create service nodeport np --tcp=80:8080 -n "$ns"
    out=$(kc get svc np -n "$ns")
    assert_match "$(sed -n 2p <<<"$out")" '^np +NodePort +10\.43\.[0-9]+\.[0-9]+ +<none> +80:3[0-9]{4}/TCP +[0-9]+s$' row
    port=$(kc get svc np -n "$ns" -o jsonpath='{.spec.ports[0].nodePort}')
    [ "$port" -ge 30000 ] && [ "$port" -le 32767 ] || fail "nodePort $port out of range"
    assert_eq Cluster "$(kc get svc np -n "$ns" -o jsonpath='{.spec.externalTrafficPolicy}')"
}

test_nodeport_explicit_taken_and_out_of_range() {
    ns=$(new_ns sp)
    assert_ok kc create service nodeport a --tcp=80:8080 --node-port=30123 -n "$ns"
    assert_fails_with 'error: failed to create NodePort service: Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30123: provided port is already allocated' \
        kc create service nodeport b --tcp=80:8080 --node-port=30123 -n "$ns"
    assert_fails_with 'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767' \
        kc create service nodeport c --tcp=80:8080 --node-port=8080 -n "$ns"
    assert_ok kc delete svc a -n "$ns"
    assert_ok kc create service nodeport b --tcp=80:8080 --node-port=30123 -n "$ns"
}

test_loadbalancer_pending_with_node_ports() {
    ns=$(new_ns sl)
    assert_ok kc create service loadbalancer lb --tcp=80:8080 -n "$ns"
    out=$(kc get svc lb -n "$ns")
    assert_match "$(sed -n 2p <<<"$out")" '^lb +LoadBalancer +10\.43\.[0-9]+\.[0-9]+ +<pending> +80:3[0-9]{4}/TCP +[0-9]+s$' row
}

test_type_change_to_nodeport_allocates() {
    ns=$(new_ns st)
    assert_ok kc create service clusterip x --tcp=80:8080 -n "$ns"
    ip=$(svc_ip "$ns" x)
    assert_eq "service/x patched" "$(kc patch svc x -n "$ns" -p '{"spec":{"type":"NodePort"}}')"
    out=$(kc get svc x -n "$ns")
    assert_match "$(sed -n 2p <<<"$out")" "^x +NodePort +${ip//./\\.} +<none> +80:3[0-9]{4}/TCP +[0-9]+s\$" row
}

test_cluster_ip_immutable() {
    ns=$(new_ns sm)
    assert_ok kc create service clusterip x --tcp=80 -n "$ns"
    assert_fails_with 'The Service "x" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.43.200.200"}: may not change once set' \
        kc patch svc x -n "$ns" -p '{"spec":{"clusterIP":"10.43.200.200"}}'
}

test_kubernetes_service_line() {
    out=$(kc get svc kubernetes)
    assert_match "$(sed -n 2p <<<"$out")" '^kubernetes +ClusterIP +10\.43\.0\.1 +<none> +443/TCP +[0-9]+[smh]$' row
}

test_kubernetes_endpoints_and_slice() {
    out=$(kc get endpoints kubernetes)
    assert_match "$(head -n 1 <<<"$out")" '^NAME +ENDPOINTS +AGE$' header
    assert_match "$(sed -n 2p <<<"$out")" "^kubernetes +127\\.0\\.0\\.1:$CUBE_PORT +[0-9]+[smh]\$" row
    js=$(kc get endpointslice kubernetes -o json)
    assert_eq IPv4 "$(jq -r .addressType <<<"$js")" addressType
    assert_eq '[{"addresses":["127.0.0.1"],"conditions":{"ready":true}}]' "$(jq -c .endpoints <<<"$js")" endpoints
    assert_eq "[{\"name\":\"https\",\"port\":$CUBE_PORT,\"protocol\":\"TCP\"}]" "$(jq -c .ports <<<"$js")" ports
    assert_eq kubernetes "$(jq -r '.metadata.labels["kubernetes.io/service-name"]' <<<"$js")" label
}

test_kubernetes_service_recreated_after_delete() {
    assert_ok kc delete endpoints kubernetes
    # the upkeep runs every 10 s
    wait_until 25 kc get endpoints kubernetes
    out=$(kc get endpoints kubernetes)
    assert_match "$(sed -n 2p <<<"$out")" "^kubernetes +127\\.0\\.0\\.1:$CUBE_PORT " row
}

test_restart_keeps_allocations() {
    own_cube restart
    kc create service clusterip a --tcp=80 >/dev/null
    kc create service nodeport b --tcp=80 --node-port=30500 >/dev/null
    ip=$(svc_ip default a)
    own_cube_stop
    own_cube restart
    assert_eq "$ip" "$(svc_ip default a)" "IP after restart"
    assert_fails_with "failed to allocate IP $ip: provided IP is already allocated" \
        kc create service clusterip c --tcp=80 --clusterip="$ip"
    assert_fails_with 'Invalid value: 30500: provided port is already allocated' \
        kc create service nodeport d --tcp=80 --node-port=30500
    own_cube_stop
}

test_node_port_range_flag() {
    own_cube range --service-node-port-range 31000-31002 --service-cluster-ip-range 10.96.0.0/24
    out=$(kc get svc kubernetes -o jsonpath='{.spec.clusterIP}')
    assert_eq 10.96.0.1 "$out"
    for i in 1 2 3; do
        kc create service nodeport "n$i" --tcp=80 >/dev/null
    done
    ports=$(kc get svc -o jsonpath='{range .items[*]}{.spec.ports[0].nodePort}{"\n"}{end}' | grep -v '^$' | sort | tr '\n' ' ')
    assert_eq "31000 31001 31002 " "$ports"
    out=$(kc create service nodeport n4 --tcp=80 2>&1) && fail "a full range handed out a port"
    assert_contains "$out" 'failed to allocate a nodePort'
    own_cube_stop
}
