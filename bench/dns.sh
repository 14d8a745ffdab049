#!/bin/bash
# bench/dns.sh: cube dns's query rate and latency for a service name from the
# node (issue 6: >= 50,000 queries/s, p99 <= 2 ms). An apiserver with SERVICES
# Services (and their EndpointSlices) feeds `cube dns` on a loopback port;
# bench/dnsload.c (a closed-loop UDP load generator) asks one service's A
# record for SECONDS. Prints the figures and whether the goals were met.
#
# Usage: CUBE=/abs/path/to/cube bench/dns.sh
# Knobs: SERVICES (1000), SECONDS_RUN (5), THREADS (2), SOCKETS (2), DEPTH (2), WORKERS (2)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CUBE:?set CUBE to the absolute path of the cube binary}"
SERVICES=${SERVICES:-1000}
SECONDS_RUN=${SECONDS_RUN:-5}
THREADS=${THREADS:-2}
SOCKETS=${SOCKETS:-2}
DEPTH=${DEPTH:-2}
WORKERS=${WORKERS:-2}
export TESTS_TMP
TESTS_TMP=$(mktemp -d /tmp/cube-bench-dns.XXXXXX)
# shellcheck source=tests/lib.sh
source "$root/tests/lib.sh"
DNS_PID=
finish() {
    [ -n "$DNS_PID" ] && kill "$DNS_PID" 2>/dev/null && wait "$DNS_PID" 2>/dev/null
    stop_cube KILL >/dev/null 2>&1
    rm -rf "$TESTS_TMP"
}
trap finish EXIT

cc -O2 -std=gnu17 -Wall -Wextra -o "$TESTS_TMP/dnsload" "$root/bench/dnsload.c" -lpthread ||
    { echo "dns bench: cannot build bench/dnsload.c"; exit 1; }
start_cube "$TESTS_TMP/api" >/dev/null || exit 1
{
    echo '{"apiVersion":"v1","kind":"List","items":['
    for i in $(seq 1 "$SERVICES"); do
        [ "$i" -gt 1 ] && echo ,
        printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s%d","namespace":"default"},"spec":{"ports":[{"name":"http","port":80}]}},' "$i"
        printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s%d-x","namespace":"default","labels":{"kubernetes.io/service-name":"s%d"}},"addressType":"IPv4","ports":[{"name":"http","port":80,"protocol":"TCP"}],"endpoints":[{"addresses":["10.44.%d.%d"]}]}' "$i" "$i" $((i / 250)) $((i % 250 + 1))
    done
    echo ']}'
} >"$TESTS_TMP/objects.json"
kc create --validate=false -f "$TESTS_TMP/objects.json" >/dev/null || { echo "creating objects failed"; exit 1; }

port=$(free_port)
"$CUBE" dns --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" --listen "127.0.0.1:$port" \
    --upstream 127.0.0.1:1 --workers "$WORKERS" -v 1 >"$TESTS_TMP/dns.log" 2>&1 &
DNS_PID=$!
name=s$((SERVICES / 2)).default.svc.cluster.local
for _ in $(seq 200); do
    [ -n "$(dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" "$name" 2>/dev/null)" ] && break
    kill -0 "$DNS_PID" 2>/dev/null || { tail -20 "$TESTS_TMP/dns.log"; exit 1; }
    sleep 0.1
done
sleep 0.3
rebuild=$(sed -nE "s/.*zone rebuilt: (.*)/\1/p" "$TESTS_TMP/dns.log" | tail -1)
echo "[dns] zone: $rebuild"; [ -n "$rebuild" ] || cat "$TESTS_TMP/dns.log"
out=$("$TESTS_TMP/dnsload" 127.0.0.1 "$port" "$name" "$SECONDS_RUN" "$THREADS" "$SOCKETS" "$DEPTH")
echo "[dns] A $name, $THREADS threads x $SOCKETS sockets x $DEPTH in flight, $WORKERS workers: $out"
qps=$(sed -nE 's/.*qps=([0-9]+).*/\1/p' <<<"$out")
p99=$(sed -nE 's/.*p99_us=([0-9]+).*/\1/p' <<<"$out")
verdict=ok
[ "${qps:-0}" -ge 50000 ] || verdict=MISSED
[ "${p99:-999999}" -le 2000 ] || verdict=MISSED
echo "[dns] goal >= 50000 q/s, p99 <= 2000 us: $verdict"
