# cube proxy end to end (root): Services programmed into iptables reach real
# backends. Without a kubelet, "pods" are network namespaces joined by veth to
# a test bridge, each running busybox httpd that answers with its own name;
# the Service is selector-less and its EndpointSlice is written by hand (a
# managed-by label of our own, and no controller manager runs). Bodies are
# checked, never just "it connected": outbound port 80 is intercepted here.
# Everything (namespaces, bridge, rules, processes) is removed even on failure.

PX_BR=cubepx0
PX_NET=10.42.250
PX_PODS="a b c"

px_cleanup() {
    local pid
    for pid in ${PX_PIDS:-}; do kill "$pid" 2>/dev/null || true; done
    for pid in ${PX_PIDS:-}; do wait "$pid" 2>/dev/null || true; done
    "$CUBE" proxy --cleanup >/dev/null 2>&1 || true
    for p in $PX_PODS; do ip netns del "cpx-$p" 2>/dev/null || true; done
    ip link del "$PX_BR" 2>/dev/null || true
    [ -n "${PX_KEEP:-}" ] && cp -r "$PX_DIR" "$PX_KEEP"
    stop_cube KILL >/dev/null 2>&1 || true
}

# Starts an apiserver, the bridge and three pods (pod-a .11, pod-b .12, pod-c .13).
px_setup() {
    [ "$(id -u)" -eq 0 ] || fail "needs root"
    PX_PIDS=
    trap px_cleanup EXIT
    PX_DIR=$(mktemp -d "${TESTS_TMP:-/tmp}/e2e-proxy.XXXXXX")
    start_cube "$PX_DIR"
    ip link add "$PX_BR" type bridge
    ip addr add "$PX_NET.1/24" dev "$PX_BR"
    ip link set "$PX_BR" up
    local i=11 p
    for p in $PX_PODS; do
        ip netns add "cpx-$p"
        ip link add "cpxh-$p" type veth peer name eth0 netns "cpx-$p"
        ip link set "cpxh-$p" master "$PX_BR" up
        # a pod reaching its own Service comes back through the port it left by
        bridge link set dev "cpxh-$p" hairpin on
        ip -n "cpx-$p" addr add "$PX_NET.$i/24" dev eth0
        ip -n "cpx-$p" link set eth0 up
        ip -n "cpx-$p" link set lo up
        ip -n "cpx-$p" route add default via "$PX_NET.1"
        mkdir -p "$PX_DIR/www-$p"
        echo "pod-$p" >"$PX_DIR/www-$p/index.html"
        ip netns exec "cpx-$p" busybox httpd -f -p 8080 -h "$PX_DIR/www-$p" &
        PX_PIDS="$PX_PIDS $!"
        echo $! >>"$TESTS_TMP/pids"
        i=$((i + 1))
    done
    wait_until 5 curl -sf --max-time 1 "http://$PX_NET.13:8080/" || fail "pod-c's httpd did not start"
}

# px_service NAME TYPE: a selector-less Service with port 8080.
px_service() {
    kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: $1, namespace: default}
spec:
  type: $2
  ports: [{name: http, port: 8080, targetPort: 8080, protocol: TCP}]
YAML
}

# px_slice SVC POD...: the EndpointSlice of SVC lists those pods (ready, on node "px-node").
px_slice() {
    local svc=$1 eps="" p ip
    shift
    for p in "$@"; do
        case $p in a) ip=11 ;; b) ip=12 ;; c) ip=13 ;; esac
        eps="$eps
- addresses: [\"$PX_NET.$ip\"]
  conditions: {ready: true}
  nodeName: px-node"
    done
    [ -n "$eps" ] || eps=" []"
    kc apply -f - >/dev/null <<YAML
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: $svc-manual
  namespace: default
  labels:
    kubernetes.io/service-name: $svc
    endpointslice.kubernetes.io/managed-by: e2e.cube.test
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:$eps
YAML
}

px_start_proxy() {
    "$CUBE" proxy --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" --hostname-override px-node \
        --cluster-cidr 10.42.0.0/16 -v 1 >>"$PX_DIR/proxy.log" 2>&1 &
    PX_PROXY=$!
    PX_PIDS="$PX_PIDS $PX_PROXY"
    echo "$PX_PROXY" >>"$TESTS_TMP/pids"
    # the first full sync (rules and jumps) is logged once it is in place
    wait_until 20 grep -q "full sync:" "$PX_DIR/proxy.log" || fail "cube proxy did not sync: $(tail -5 "$PX_DIR/proxy.log")"
}

# px_bodies N URL [NETNS]: the distinct bodies of N requests, sorted, one a line.
px_bodies() {
    local n=$1 url=$2 ns=${3:-} i
    for i in $(seq "$n"); do
        if [ -n "$ns" ]; then
            ip netns exec "$ns" curl -s --max-time 2 "$url" || true
        else
            curl -s --max-time 2 "$url" || true
        fi
    done | sort -u
}

test_clusterip_nodeport_hairpin_and_endpoint_removal() {
    px_setup
    px_service web NodePort
    px_slice web a b c
    px_start_proxy
    local ip np
    ip=$(kc get svc web -o jsonpath='{.spec.clusterIP}')
    np=$(kc get svc web -o jsonpath='{.spec.ports[0].nodePort}')
    [ -n "$ip" ] && [ -n "$np" ] || fail "service web has no clusterIP/nodePort"
    wait_until 10 curl -sf --max-time 1 "http://$ip:8080/" || fail "ClusterIP $ip never answered"

    # from the host: at least two distinct backends, and nothing but backends
    local got
    got=$(px_bodies 30 "http://$ip:8080/")
    assert_eq "" "$(grep -vxE 'pod-[abc]' <<<"$got" || true)" "bodies other than a backend's"
    [ "$(wc -l <<<"$got")" -ge 2 ] || fail "host reached only: $got"

    # from a pod
    got=$(px_bodies 30 "http://$ip:8080/" cpx-b)
    [ "$(wc -l <<<"$got")" -ge 2 ] || fail "pod-b reached only: $got"
    assert_match "$got" '^pod-[abc]$' "bodies from pod-b"

    # hairpin: pod-a alone behind a service, asked by pod-a
    px_service solo ClusterIP
    px_slice solo a
    local solo
    solo=$(kc get svc solo -o jsonpath='{.spec.clusterIP}')
    wait_until 5 ip netns exec cpx-a curl -sf --max-time 1 "http://$solo:8080/" ||
        fail "hairpin: pod-a cannot reach its own service $solo"
    assert_eq "pod-a" "$(ip netns exec cpx-a curl -s --max-time 2 "http://$solo:8080/")" "hairpin body"

    # NodePort on the host's address
    local host
    host=$(ip -4 -o route get 1.1.1.1 | sed -n 's/.* src \([0-9.]*\).*/\1/p')
    got=$(px_bodies 20 "http://$host:$np/")
    assert_match "$got" '^pod-[abc]$' "NodePort $host:$np"

    # the chains carry upstream's names
    local rules
    rules=$(iptables-save -t nat)
    assert_contains "$rules" '-A KUBE-SERVICES -d '"$ip"'/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 8080 -j KUBE-SVC-'
    assert_match "$rules" 'statistic --mode random --probability 0\.33333333'
    assert_contains "$(iptables -t nat -S PREROUTING)" '-j KUBE-SERVICES'

    # pod-c leaves: within 1 s no request reaches it
    px_slice web a b
    sleep 1
    got=$(px_bodies 30 "http://$ip:8080/")
    assert_not_contains "$got" "pod-c" "bodies 1 s after pod-c left"
    assert_match "$got" '^pod-[ab]$'
    grep -q 'sync: .* after the first change' "$PX_DIR/proxy.log" || fail "no minimal sync logged"
}

test_no_endpoints_rejects_and_cleanup_removes_everything() {
    px_setup
    px_service empty ClusterIP
    px_slice empty
    px_start_proxy
    local ip
    ip=$(kc get svc empty -o jsonpath='{.spec.clusterIP}')
    wait_until 10 sh -c "iptables -S KUBE-SERVICES 2>/dev/null | grep -q 'default/empty:http has no endpoints'" ||
        fail "no REJECT rule for the empty service"
    local t0=$SECONDS rc=0 out
    out=$(curl -sS --max-time 5 "http://$ip:8080/" 2>&1) || rc=$?
    assert_eq 7 "$rc" "curl exit status (7: connection refused)"
    assert_contains "$out" "Failed to connect"
    [ $((SECONDS - t0)) -le 1 ] || fail "refusal took $((SECONDS - t0)) s"

    # an endpoint appears: the REJECT goes, traffic flows
    px_slice empty b
    wait_until 5 curl -sf --max-time 1 "http://$ip:8080/" || fail "service never answered after its endpoint came"
    assert_eq "pod-b" "$(curl -s --max-time 2 "http://$ip:8080/")"

    # stop the proxy, clean up: no chain and no jump of ours is left
    kill "$PX_PROXY"
    wait "$PX_PROXY" 2>/dev/null || true
    assert_ok "$CUBE" proxy --cleanup
    assert_eq "" "$(iptables-save | grep -E '^:KUBE-|-j KUBE-' || true)" "KUBE- chains after --cleanup"
    # and cleaning up again is fine
    assert_ok "$CUBE" proxy --cleanup
}

# The nftables mode (CUBE_PROXY_MODE=nftables): the same traffic checks, rules in the table
# `ip kube-proxy` and none in iptables.
test_nftables_mode_traffic_reject_and_cleanup() {
    px_setup
    px_service web NodePort
    px_slice web a b c
    px_service solo ClusterIP
    px_slice solo a
    px_service empty ClusterIP
    px_slice empty
    CUBE_PROXY_MODE=nftables px_start_proxy
    grep -q "full sync: .* nft chains" "$PX_DIR/proxy.log" || fail "not the nftables mode: $(tail -3 "$PX_DIR/proxy.log")"
    local ip np solo empty got host
    ip=$(kc get svc web -o jsonpath='{.spec.clusterIP}')
    np=$(kc get svc web -o jsonpath='{.spec.ports[0].nodePort}')
    solo=$(kc get svc solo -o jsonpath='{.spec.clusterIP}')
    empty=$(kc get svc empty -o jsonpath='{.spec.clusterIP}')
    wait_until 10 curl -sf --max-time 1 "http://$ip:8080/" || fail "ClusterIP $ip never answered"

    got=$(px_bodies 30 "http://$ip:8080/")
    assert_eq "" "$(grep -vxE 'pod-[abc]' <<<"$got" || true)" "bodies other than a backend's"
    [ "$(wc -l <<<"$got")" -ge 2 ] || fail "host reached only: $got"
    got=$(px_bodies 30 "http://$ip:8080/" cpx-b)
    [ "$(wc -l <<<"$got")" -ge 2 ] || fail "pod-b reached only: $got"
    assert_match "$got" '^pod-[abc]$' "bodies from pod-b"
    assert_eq "pod-a" "$(ip netns exec cpx-a curl -s --max-time 2 "http://$solo:8080/")" "hairpin body"
    host=$(ip -4 -o route get 1.1.1.1 | sed -n 's/.* src \([0-9.]*\).*/\1/p')
    got=$(px_bodies 20 "http://$host:$np/")
    assert_match "$got" '^pod-[abc]$' "NodePort $host:$np"

    # a service without endpoints is refused at once
    local rc=0 out
    out=$(curl -sS --max-time 5 "http://$empty:8080/" 2>&1) || rc=$?
    assert_eq 7 "$rc" "curl exit status for the empty service (7: connection refused)"

    # the table holds the upstream-shaped names; iptables holds nothing of ours
    local table
    table=$(nft list table ip kube-proxy)
    assert_contains "$table" "$ip . tcp . 8080 : goto service-"
    assert_match "$table" 'dnat ip to numgen random mod 3 map'
    assert_contains "$table" "type nat hook output priority -100"
    assert_eq "" "$(iptables-save | grep -E '^:KUBE-|-j KUBE-' || true)" "KUBE- chains in the nftables mode"

    # pod-c leaves: within 1 s no request reaches it
    px_slice web a b
    sleep 1
    got=$(px_bodies 30 "http://$ip:8080/")
    assert_not_contains "$got" "pod-c" "bodies 1 s after pod-c left"
    assert_match "$got" '^pod-[ab]$'
    grep -q 'sync: .* after the first change' "$PX_DIR/proxy.log" || fail "no minimal sync logged"

    kill "$PX_PROXY"
    wait "$PX_PROXY" 2>/dev/null || true
    assert_ok "$CUBE" proxy --cleanup
    nft list table ip kube-proxy >/dev/null 2>&1 && fail "table ip kube-proxy left after --cleanup"
    assert_ok "$CUBE" proxy --cleanup
}
