# cube network-policy end to end (root): NetworkPolicies enforced with
# iptables and ipsets between real network namespaces. Without a kubelet,
# "pods" are network namespaces joined by veth to a test bridge, each running
# busybox httpd on 8080 that answers with its own name; the Pod objects are
# created with kubectl and given their IP through the status subresource, on
# node "np-node" (the node the enforcer runs for). Bodies are checked, never
# just "it connected". Blocked connections time out (DROP): curl --max-time 2.
# Everything (processes, namespaces, bridge, chains, ipsets) is removed even on
# failure.

NP_BR=cubenp0
NP_NET=10.42.251
# pod name, namespace, address suffix, labels
NP_PODS="web:np-a:11:app=web good:np-a:12:role=client bad:np-a:13:role=other far:np-b:14:role=client"

np_cleanup() {
    local pid
    for pid in ${NP_PIDS:-}; do kill "$pid" 2>/dev/null || true; done
    for pid in ${NP_PIDS:-}; do wait "$pid" 2>/dev/null || true; done
    "$CUBE" network-policy --config /dev/null --cleanup >/dev/null 2>&1 || true
    local spec
    for spec in $NP_PODS; do ip netns del "cnp-${spec%%:*}" 2>/dev/null || true; done
    ip link del "$NP_BR" 2>/dev/null || true
    [ -n "${NP_KEEP:-}" ] && cp -r "$NP_DIR" "$NP_KEEP"
    stop_cube KILL >/dev/null 2>&1 || true
}

# Starts an apiserver, the bridge, the four pods (network side and API objects) and the
# enforcer.
np_setup() {
    [ "$(id -u)" -eq 0 ] || fail "needs root"
    command -v ipset >/dev/null || fail "needs ipset (scripts/deps.sh installs it)"
    NP_PIDS=
    trap np_cleanup EXIT
    NP_DIR=$(mktemp -d "${TESTS_TMP:-/tmp}/e2e-netpol.XXXXXX")
    start_cube "$NP_DIR"
    ip link add "$NP_BR" type bridge
    ip addr add "$NP_NET.1/24" dev "$NP_BR"
    ip link set "$NP_BR" up
    kc create namespace np-a >/dev/null
    kc create namespace np-b >/dev/null
    kc label namespace np-b team=b >/dev/null
    local spec name ns ip labels
    for spec in $NP_PODS; do
        IFS=: read -r name ns ip labels <<<"$spec"
        ip netns add "cnp-$name"
        ip link add "cnph-$name" type veth peer name eth0 netns "cnp-$name"
        ip link set "cnph-$name" master "$NP_BR" up
        ip -n "cnp-$name" addr add "$NP_NET.$ip/24" dev eth0
        ip -n "cnp-$name" link set eth0 up
        ip -n "cnp-$name" link set lo up
        ip -n "cnp-$name" route add default via "$NP_NET.1"
        mkdir -p "$NP_DIR/www-$name"
        echo "$name" >"$NP_DIR/www-$name/index.html"
        ip netns exec "cnp-$name" busybox httpd -f -p 8080 -h "$NP_DIR/www-$name" &
        NP_PIDS="$NP_PIDS $!"
        echo $! >>"$TESTS_TMP/pids"
        kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $name, namespace: $ns, labels: {${labels%%=*}: ${labels#*=}}}
spec:
  nodeName: np-node
  containers:
  - name: httpd
    image: busybox
    ports: [{name: http, containerPort: 8080, protocol: TCP}]
YAML
        kc -n "$ns" patch pod "$name" --subresource=status --type=merge \
            -p "{\"status\":{\"phase\":\"Running\",\"podIP\":\"$NP_NET.$ip\",\"podIPs\":[{\"ip\":\"$NP_NET.$ip\"}]}}" >/dev/null
    done
    assert_eq "$NP_NET.11" "$(kc -n np-a get pod web -o jsonpath='{.status.podIP}')" "web's podIP"
    wait_until 5 curl -sf --max-time 1 "http://$NP_NET.14:8080/" || fail "far's httpd did not start"

    np_start
}

# Starts the enforcer for node np-node and waits for its first full sync.
np_start() {
    local n
    n=$(grep -c "full sync:" "$NP_DIR/netpol.log" 2>/dev/null || true)
    "$CUBE" network-policy --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" \
        --hostname-override np-node -v 2 >>"$NP_DIR/netpol.log" 2>&1 &
    NP_PID=$!
    NP_PIDS="$NP_PIDS $NP_PID"
    echo "$NP_PID" >>"$TESTS_TMP/pids"
    wait_until 20 sh -c "[ \$(grep -c 'full sync:' '$NP_DIR/netpol.log') -gt ${n:-0} ]" ||
        fail "cube network-policy did not sync: $(tail -5 "$NP_DIR/netpol.log")"
}

np_stop() {
    kill "$NP_PID"
    wait "$NP_PID" 2>/dev/null || true
}

# np_get FROM TO: the body pod TO answers pod FROM on 8080 ("" when it does not answer in 2 s).
np_get() {
    local to
    to=$(tr ' ' '\n' <<<"$NP_PODS" | grep "^$2:" | cut -d: -f3)
    ip netns exec "cnp-$1" curl -s --max-time 2 "http://$NP_NET.$to:8080/" || true
}

# np_reaches FROM TO / np_blocked FROM TO: for wait_until while rules settle.
np_reaches() { [ "$(np_get "$1" "$2")" = "$2" ]; }
np_blocked() {
    local to rc=0
    to=$(tr ' ' '\n' <<<"$NP_PODS" | grep "^$2:" | cut -d: -f3)
    ip netns exec "cnp-$1" curl -s --max-time 1 "http://$NP_NET.$to:8080/" >/dev/null || rc=$?
    [ "$rc" -eq 28 ] # timed out: dropped, not refused
}

# np_policy NS NAME SPEC-YAML (indented by 2)
np_policy() {
    kc apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: $2, namespace: $1}
spec:
$3
YAML
}

test_ingress_deny_all_then_allow_labelled_client() {
    np_setup
    # no policy: everyone reaches web
    assert_eq "web" "$(np_get good web)" "good -> web without policy"
    assert_eq "web" "$(np_get bad web)" "bad -> web without policy"
    assert_eq "web" "$(np_get far web)" "far -> web without policy"

    # deny all ingress of web
    np_policy np-a deny-web '  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]'
    wait_until 10 np_blocked good web
    local t0=$SECONDS
    assert_eq "" "$(np_get good web)" "good -> web under deny-all"
    [ $((SECONDS - t0)) -ge 2 ] || fail "the blocked request did not time out (refused instead?)"
    assert_eq "" "$(np_get far web)" "far -> web under deny-all"
    # the node itself is always allowed (kubelet probes)
    assert_eq "web" "$(curl -s --max-time 2 "http://$NP_NET.11:8080/")" "node -> web under deny-all"
    # other pods are not isolated: web still reaches them, and its replies come back
    assert_eq "good" "$(np_get web good)" "web -> good (web is isolated for ingress only)"
    assert_eq "bad" "$(np_get good bad)" "good -> bad (not selected)"

    # allow the labelled client (same namespace) on the named port
    np_policy np-a allow-client '  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {role: client}}}]
    ports: [{port: http}]'
    wait_until 10 np_reaches good web
    assert_eq "web" "$(np_get good web)" "good -> web once allowed"
    assert_eq "" "$(np_get bad web)" "bad -> web (wrong label)"
    assert_eq "" "$(np_get far web)" "far -> web (right label, other namespace)"

    # the rules: our chain first in FORWARD, ipsets for the peers
    # (others insert their jumps at the top too: within seconds ours is first again)
    wait_until 8 sh -c "iptables -S FORWARD | sed -n 2p | grep -q -- '-j CUBE-NWPLCY-FORWARD\$'"
    assert_contains "$(iptables -S CUBE-NWPLCY-FORWARD)" "-d $NP_NET.11/32"
    local sets
    sets=$(ipset list -n | grep '^CUBE-NP-' || true)
    [ -n "$sets" ] || fail "no CUBE-NP- ipset"

    # the policies go: web is open again, and the chains and sets follow
    kc -n np-a delete networkpolicy deny-web allow-client >/dev/null
    wait_until 10 np_reaches bad web
    assert_eq "web" "$(np_get far web)" "far -> web after the policies went"
    wait_until 5 sh -c "! ipset list -n | grep -q '^CUBE-NP-'"
    assert_eq "" "$(iptables -S | grep -c CUBE-NWPOD- | grep -v '^0$' || true)" "pod chains left"

    # --cleanup removes everything
    np_stop
    assert_ok "$CUBE" network-policy --config /dev/null --cleanup
    assert_eq "" "$(iptables-save | grep -E 'CUBE-NW' || true)" "chains after --cleanup"
    assert_ok "$CUBE" network-policy --config /dev/null --cleanup
}

test_namespace_selector_ipblock_except_and_egress() {
    np_setup
    # only pods of namespaces labelled team=b
    np_policy np-a from-team-b '  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: b}}}]
    ports: [{protocol: TCP, port: 8000, endPort: 8090}]'
    wait_until 10 np_blocked good web
    assert_eq "web" "$(np_get far web)" "far (team=b) -> web"
    assert_eq "" "$(np_get bad web)" "bad (np-a) -> web"

    # namespaceSelector and podSelector together: team=b AND role=other: nobody
    np_policy np-a from-team-b '  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {role: other}}}]'
    wait_until 10 np_blocked far web

    # an ipBlock with an exception: the subnet but bad's address
    np_policy np-a from-team-b '  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{ipBlock: {cidr: '"$NP_NET"'.0/24, except: ['"$NP_NET"'.13/32]}}]'
    wait_until 10 np_reaches good web
    assert_eq "web" "$(np_get far web)" "far -> web (in the block)"
    assert_eq "" "$(np_get bad web)" "bad -> web (excepted)"
    kc -n np-a delete networkpolicy from-team-b >/dev/null
    wait_until 10 np_reaches bad web

    # egress: good may talk to nobody but web (on port 8080)
    np_policy np-a good-out '  podSelector: {matchLabels: {role: client}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}]'
    wait_until 10 np_blocked good bad
    assert_eq "web" "$(np_get good web)" "good -> web (allowed egress)"
    assert_eq "" "$(np_get good far)" "good -> far (egress denied)"
    assert_eq "good" "$(np_get bad good)" "bad -> good (ingress of good is open)"
    assert_eq "far" "$(np_get bad far)" "bad -> far (the policy selects np-a pods only)"

    # a restart finds the rules of its predecessor and replaces them: the egress policy goes
    # while the enforcer is down, a deny-all for web comes
    np_stop
    kc -n np-a delete networkpolicy good-out >/dev/null
    np_policy np-a deny-web '  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]'
    assert_eq "" "$(np_get good far)" "good -> far while the enforcer is down (rules stay)"
    np_start
    assert_eq "far" "$(np_get good far)" "good -> far after the restart"
    assert_eq "" "$(np_get good web)" "good -> web after the restart (deny-all)"
    assert_eq 1 "$(iptables -S FORWARD | grep -c 'CUBE-NWPLCY-FORWARD')" "jumps from FORWARD"
    wait_until 5 sh -c "[ -z \"\$(ipset list -n | grep '^CUBE-NP-')\" ]"
}
