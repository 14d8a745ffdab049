# cube dns against a real apiserver: Services and EndpointSlices created with
# kubectl (no controllers: the tests write the EndpointSlices themselves),
# queried with dig over UDP and TCP on a free loopback port. Other names go
# to a fake upstream of the test's own (a few lines of python), since this
# machine has no outside DNS.

# start_dns [UPSTREAM]: starts `cube dns` on a free port (UDP and TCP) and waits until it
# answers; sets DNS_PORT and DNS_PID, records the PID for the runner and stops it on exit.
start_dns() {
    local upstream=${1:-127.0.0.1:1} i
    DNS_PORT=$(free_port)
    "$CUBE" dns --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" --listen "127.0.0.1:$DNS_PORT" \
        --upstream "$upstream" --forward-timeout-ms 500 >"$CUBE_DIR/dns.$DNS_PORT.log" 2>&1 &
    DNS_PID=$!
    echo "$DNS_PID" >>"$TESTS_TMP/pids"
    trap 'stop_pids' EXIT
    for i in $(seq 100); do
        # dig +short prints its own errors ("connection refused") on stdout: wait for an address
        if dig +short +time=1 +tries=1 @127.0.0.1 -p "$DNS_PORT" \
            kubernetes.default.svc.cluster.local 2>/dev/null | grep -qE '^[0-9.]+$'; then
            return 0
        fi
        kill -0 "$DNS_PID" 2>/dev/null || fail "cube dns exited: $(tail -n 5 "$CUBE_DIR/dns.$DNS_PORT.log")"
        sleep 0.1
    done
    fail "cube dns did not answer within 10 s"
}

# Stops what this test started (by PID); a sanitizer report in cube dns's log fails the test.
stop_pids() {
    local rc=$? p errs
    for p in ${DNS_PID:-} ${UP_PID:-}; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    errs=$(sanitizer_errors "$CUBE_DIR/dns.${DNS_PORT:-}.log" || true)
    if [ -n "$errs" ]; then
        printf '  sanitizer report in the cube dns log:\n%s\n' "$errs" >&2
        exit 1
    fi
    exit "$rc"
}

# start_fake_upstream: a UDP resolver answering every A query with 192.0.2.7 (TTL 60);
# sets UP_PORT and UP_PID.
start_fake_upstream() {
    UP_PORT=$(free_port)
    /usr/bin/python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    q, peer = s.recvfrom(4096)
    end = 12
    while q[end]:
        end += 1 + q[end]
    question = q[12:end + 5]
    hdr = q[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
    ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 7])
    s.sendto(hdr + question + ans, peer)
' "$UP_PORT" &
    UP_PID=$!
    echo "$UP_PID" >>"$TESTS_TMP/pids"
    sleep 0.3
}

# q [dig args...]: dig against the server under test, short output.
q() {
    dig +short +time=2 +tries=1 @127.0.0.1 -p "$DNS_PORT" "$@"
}

# resolves [dig args...]: the query has a non-empty answer (for wait_until); dig's own
# error lines (";; ...", also on stdout) do not count.
resolves() {
    [ -n "$(q "$@" 2>/dev/null | grep -v '^;;' || true)" ]
}

# status NAME [TYPE]: the rcode of the answer.
status() {
    dig +time=2 +tries=1 @127.0.0.1 -p "$DNS_PORT" "$@" | sed -nE 's/.*status: ([A-Z]+),.*/\1/p'
}

# headless NS NAME: a headless service with a named port and a slice of three endpoints:
# db-0 (10.42.0.5, ready), 10.42.0.6 (ready, no hostname), db-2 (10.42.0.7, not ready).
headless() {
    local ns=$1 name=$2
    cat <<EOF | kc apply -n "$ns" -f - >/dev/null
apiVersion: v1
kind: Service
metadata:
  name: $name
spec:
  clusterIP: None
  selector:
    app: $name
  ports:
  - name: pg
    port: 5432
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: $name-abc
  labels:
    kubernetes.io/service-name: $name
addressType: IPv4
ports:
- name: pg
  port: 5432
  protocol: TCP
endpoints:
- addresses: ["10.42.0.5"]
  hostname: db-0
  conditions: {ready: true}
- addresses: ["10.42.0.6"]
  conditions: {ready: true}
- addresses: ["10.42.0.7"]
  hostname: db-2
  conditions: {ready: false}
EOF
}

test_dns_service_a_and_aaaa() {
    local ns ip
    ns=$(new_ns dns)
    kc create service clusterip web -n "$ns" --tcp=80:8080 >/dev/null
    ip=$(kc get svc web -n "$ns" -o jsonpath='{.spec.clusterIP}')
    start_dns
    wait_until 5 resolves "web.$ns.svc.cluster.local"
    assert_eq "$ip" "$(q "web.$ns.svc.cluster.local")" "A record"
    # IPv4-only service: AAAA is an empty NOERROR answer
    assert_eq "" "$(q "web.$ns.svc.cluster.local" AAAA)" "AAAA answer"
    assert_eq NOERROR "$(status "web.$ns.svc.cluster.local" AAAA)"
    # the answer carries the 5 s TTL and the authoritative flag
    out=$(dig +noall +answer +comments @127.0.0.1 -p "$DNS_PORT" "web.$ns.svc.cluster.local")
    assert_match "$out" "^web\.$ns\.svc\.cluster\.local\.[[:space:]]+5[[:space:]]+IN[[:space:]]+A[[:space:]]+$ip\$"
    assert_match "$out" "flags: qr aa rd ra"
}

test_dns_srv_and_ptr() {
    local ns ip rev
    ns=$(new_ns dns)
    kc create service clusterip web -n "$ns" --tcp=80:8080 >/dev/null
    ip=$(kc get svc web -n "$ns" -o jsonpath='{.spec.clusterIP}')
    start_dns
    wait_until 5 resolves "web.$ns.svc.cluster.local"
    # kubectl names the port 80-8080
    assert_eq "0 100 80 web.$ns.svc.cluster.local." "$(q "_80-8080._tcp.web.$ns.svc.cluster.local" SRV)"
    assert_eq "web.$ns.svc.cluster.local." "$(q -x "$ip")" "PTR of the ClusterIP"
}

test_dns_headless_service() {
    local ns
    ns=$(new_ns dns)
    headless "$ns" db
    start_dns
    wait_until 5 resolves "db.$ns.svc.cluster.local"
    assert_eq "10.42.0.5
10.42.0.6" "$(q "db.$ns.svc.cluster.local" | sort)" "ready endpoints only"
    assert_eq "10.42.0.5" "$(q "db-0.db.$ns.svc.cluster.local")" "hostname record"
    assert_eq NXDOMAIN "$(status "db-2.db.$ns.svc.cluster.local")" "not-ready hostname"
    assert_eq "0 50 5432 10-42-0-6.db.$ns.svc.cluster.local.
0 50 5432 db-0.db.$ns.svc.cluster.local." "$(q "_pg._tcp.db.$ns.svc.cluster.local" SRV | sort)"
    assert_eq "db-0.db.$ns.svc.cluster.local." "$(q -x 10.42.0.5)" "PTR of an endpoint"
}

test_dns_nxdomain_with_soa() {
    local out
    start_dns
    out=$(dig +time=2 +tries=1 @127.0.0.1 -p "$DNS_PORT" nope.default.svc.cluster.local)
    assert_match "$out" "status: NXDOMAIN"
    assert_match "$out" "^cluster\.local\.[[:space:]]+5[[:space:]]+IN[[:space:]]+SOA[[:space:]]+ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. [0-9]+ 7200 1800 86400 5\$"
    assert_eq NXDOMAIN "$(status nope.svc.cluster.local)" "missing namespace"
}

test_dns_externalname_and_pod() {
    local ns
    ns=$(new_ns dns)
    kc create service externalname ext -n "$ns" --external-name db.example.org >/dev/null
    start_dns
    wait_until 5 resolves "ext.$ns.svc.cluster.local"
    assert_eq "db.example.org." "$(q "ext.$ns.svc.cluster.local" CNAME)"
    assert_eq "10.42.3.4" "$(q "10-42-3-4.$ns.pod.cluster.local")" "pod A record"
}

test_dns_change_visible_within_1s() {
    local ns ip t0 ms
    ns=$(new_ns dns)
    start_dns
    kc create service clusterip late -n "$ns" --tcp=80 >/dev/null
    t0=$(date +%s%N)
    until resolves +time=1 "late.$ns.svc.cluster.local"; do
        [ $((($(date +%s%N) - t0) / 1000000)) -lt 3000 ] || fail "new service not resolvable after 3 s"
        sleep 0.05
    done
    ms=$((($(date +%s%N) - t0) / 1000000))
    [ "$ms" -le 1000 ] || fail "new service visible only after $ms ms"
    kc delete service late -n "$ns" >/dev/null
    t0=$(date +%s%N)
    until [ "$(status "late.$ns.svc.cluster.local" || true)" = NXDOMAIN ]; do
        [ $((($(date +%s%N) - t0) / 1000000)) -lt 3000 ] || fail "deleted service still resolves after 3 s"
        sleep 0.05
    done
    ms=$((($(date +%s%N) - t0) / 1000000))
    [ "$ms" -le 1000 ] || fail "deleted service gone only after $ms ms"
}

test_dns_forwarding() {
    start_fake_upstream
    start_dns "127.0.0.1:$UP_PORT"
    assert_eq "192.0.2.7" "$(q outside.example.)" "forwarded over UDP"
    assert_eq "192.0.2.7" "$(q +tcp outside.example.)" "forwarded for a TCP client"
    # reverse names of addresses that are not the cluster's go upstream too
    assert_eq NOERROR "$(status -x 192.168.1.1)"
}

test_dns_upstream_unreachable_servfail() {
    start_dns 127.0.0.1:1
    assert_eq SERVFAIL "$(status outside.example.)"
    # the cluster's names still answer
    assert_eq "10.43.0.1" "$(q kubernetes.default.svc.cluster.local)"
}

test_dns_tcp_and_truncation() {
    local ns i eps=
    ns=$(new_ns dns)
    for i in $(seq 1 60); do eps+="- addresses: [\"10.42.9.$i\"]"$'\n'; done
    cat <<EOF | kc apply -n "$ns" -f - >/dev/null
apiVersion: v1
kind: Service
metadata:
  name: big
spec:
  clusterIP: None
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: big-1
  labels:
    kubernetes.io/service-name: big
addressType: IPv4
endpoints:
$eps
EOF
    start_dns
    wait_until 5 resolves +tcp "big.$ns.svc.cluster.local"
    # over UDP without EDNS the answer is truncated; dig retries over TCP by itself
    out=$(dig +noedns +ignore +time=2 +tries=1 @127.0.0.1 -p "$DNS_PORT" "big.$ns.svc.cluster.local")
    assert_match "$out" "flags: qr aa tc rd ra"
    assert_eq 60 "$(q +noedns "big.$ns.svc.cluster.local" | wc -l)" "answers after the TCP retry"
    assert_eq 60 "$(q +tcp "big.$ns.svc.cluster.local" | wc -l)" "answers over TCP"
}
