#!/bin/bash
# bench/proxy.sh: cube proxy's sync cost (root: it programs iptables).
# 1,000 selector-less Services x 10 endpoints (hand-written EndpointSlices):
# the first full sync (build + iptables-restore of the whole tables + jump
# rules), then one endpoint changed in one slice: the time from the
# EndpointSlice event reaching the proxy to the rules being in place (the
# proxy logs both). Goals (issue 6): full sync <= 1 s, one change <= 50 ms.
#
# Usage: CUBE=/abs/path/to/cube bench/proxy.sh
# Knobs: SERVICES (1000), ENDPOINTS (10), CHANGES (5), MODE (iptables | nftables; default: the
# proxy's own default).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CUBE:?set CUBE to the absolute path of the cube binary}"
SERVICES=${SERVICES:-1000}
ENDPOINTS=${ENDPOINTS:-10}
CHANGES=${CHANGES:-5}
[ -n "${MODE:-}" ] && export CUBE_PROXY_MODE=$MODE
export TESTS_TMP
TESTS_TMP=$(mktemp -d /tmp/cube-bench-proxy.XXXXXX)
# shellcheck source=tests/lib.sh
source "$root/tests/lib.sh"
PROXY_PID=
finish() {
    [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
    "$CUBE" proxy --cleanup >/dev/null 2>&1
    stop_cube KILL >/dev/null 2>&1
    rm -rf "$TESTS_TMP"
}
trap finish EXIT
[ "$(id -u)" -eq 0 ] || { echo "proxy bench: needs root"; exit 1; }
start_cube "$TESTS_TMP/api" >/dev/null || exit 1

slice_json() { # SVC_INDEX FIRST_OCTET -> one EndpointSlice item
    local i=$1 o=$2 e eps=""
    for e in $(seq 1 "$ENDPOINTS"); do
        eps="$eps${eps:+,}{\"addresses\":[\"10.44.$((i % 250)).$((e + o))\"],\"conditions\":{\"ready\":true},\"nodeName\":\"bench\"}"
    done
    printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s%d-x","namespace":"default","labels":{"kubernetes.io/service-name":"s%d","endpointslice.kubernetes.io/managed-by":"bench"}},"addressType":"IPv4","ports":[{"name":"http","port":8080,"protocol":"TCP"}],"endpoints":[%s]}' "$i" "$i" "$eps"
}

t0=$(date +%s.%N)
{
    echo '{"apiVersion":"v1","kind":"List","items":['
    for i in $(seq 1 "$SERVICES"); do
        [ "$i" -gt 1 ] && echo ,
        printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s%d","namespace":"default"},"spec":{"ports":[{"name":"http","port":80,"targetPort":8080}]}},' "$i"
        slice_json "$i" 0
    done
    echo ']}'
} >"$TESTS_TMP/objects.json"
kc create --validate=false -f "$TESTS_TMP/objects.json" >/dev/null || { echo "creating objects failed"; exit 1; }
echo "created $SERVICES services and slices in $(echo "$(date +%s.%N) - $t0" | bc) s"

${PROXY_WRAP:-} "$CUBE" proxy --config /dev/null --kubeconfig "$CUBE_KUBECONFIG" --hostname-override bench \
    --cluster-cidr 10.42.0.0/16 -v 1 >"$TESTS_TMP/proxy.log" 2>&1 &
PROXY_PID=$!
for _ in $(seq 1200); do
    grep -q "full sync:" "$TESTS_TMP/proxy.log" && break
    kill -0 "$PROXY_PID" 2>/dev/null || break
    sleep 0.1
done
grep -q "full sync:" "$TESTS_TMP/proxy.log" || { tail -40 "$TESTS_TMP/proxy.log"; exit 1; }
full=$(sed -n 's/.*full sync: \(.*\)/\1/p' "$TESTS_TMP/proxy.log" | head -1)
echo "full sync: $full"

changes_seen() { [ "$(grep -c 'after the first change' "$TESTS_TMP/proxy.log")" -ge "$1" ]; }
for c in $(seq 1 "$CHANGES"); do
    slice_json $((c * 7)) "$c" | kc replace --validate=false -f - >/dev/null
    wait_until 30 changes_seen "$c"
done
grep 'after the first change' "$TESTS_TMP/proxy.log" | sed 's/.*sync: /one-endpoint change: /'
lat=$(sed -n 's/.*, \([0-9.]*\) ms after the first change/\1/p' "$TESTS_TMP/proxy.log" | sort -n)
med=$(sed -n "$(((CHANGES + 1) / 2))p" <<<"$lat")
max=$(tail -1 <<<"$lat")
applied=$(sed -n 's/.*applied in \([0-9.]*\) ms$/\1/p' <<<"$full")
built=$(sed -n 's/.*built in \([0-9.]*\) ms.*/\1/p' <<<"$full")
total=$(echo "$applied + $built" | bc)
v() { awk -v a="$1" -v g="$2" 'BEGIN { print (a <= g) ? "ok" : "MISSED" }'; }
printf 'proxy: full sync of %d services x %d endpoints: %s ms (goal <= 1000: %s); one-endpoint change, event to rules: median %s ms, max %s ms (goal <= 50: %s)\n' \
    "$SERVICES" "$ENDPOINTS" "$total" "$(v "$total" 1000)" "$med" "$max" "$(v "$max" 50)"
