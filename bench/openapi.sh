#!/bin/bash
# shellcheck shell=bash
# bench/openapi.sh: how fast cube serves its precomputed, ETag'd OpenAPI documents
# (issue goal: /openapi/v3/<group-version> at >= 5,000 requests/s). kubectl fetches
# them before every create, apply, diff and explain, so they sit on every command's path.
#
# Sourced by bench/run.sh, it defines bench_openapi, which uses run.sh's running cube
# ($PORT, $AUTH, wrk_run, goal). Run directly, it starts its own cube:
#   CUBE=/abs/path/to/cube bench/openapi.sh       (DURATION, CONC, BENCH_PORT as run.sh)

# bench_openapi: wrk against the apps/v1 document (the hash-addressed URL kubectl uses),
# asking for gzip as kubectl's Go transport does; then without gzip, a revalidation that
# answers 304, and /openapi/v2.
bench_openapi() {
    local base="https://127.0.0.1:$PORT" url etag
    url=$(curl -s --max-time 10 --cacert "$CA" -H "$AUTH" "$base/openapi/v3" |
        jq -r '.paths["apis/apps/v1"].serverRelativeURL')
    etag=$(curl -s --max-time 10 --cacert "$CA" -H "$AUTH" -D - -o /dev/null "$base$url" |
        awk 'tolower($1) == "etag:" { print $2 }' | tr -d '\r')
    echo "[openapi] GET /openapi/v3/apis/apps/v1?hash=..., wrk -t2 -c$CONC -d$DURATION"
    local out
    out=$(wrk -t2 -c"$CONC" -d"$DURATION" --latency -H "$AUTH" -H "Accept-Encoding: gzip" \
        "$base$url" 2>&1)
    goal "GET /openapi/v3/apis/apps/v1 (gzip, as kubectl)" \
        "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")" ">=" 5000 req/s \
        "p50 $(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")") ms, p99 $(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")") ms"
    wrk_run "$base$url"
    note "GET /openapi/v3/apis/apps/v1 (identity)" "$W_RPS req/s" \
        "p50 $W_P50 ms, p99 $W_P99 ms, errors $W_BAD"
    out=$(wrk -t2 -c"$CONC" -d"$DURATION" -H "$AUTH" -H "If-None-Match: $etag" "$base$url" 2>&1)
    note "GET apps/v1 revalidated (304)" "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out") req/s"
    wrk_run "$base/openapi/v2"
    note "GET /openapi/v2 (JSON)" "$W_RPS req/s" "p50 $W_P50 ms, p99 $W_P99 ms"
}

# Run directly: a cube of our own, then the figures.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -uo pipefail
    root=$(cd "$(dirname "$0")/.." && pwd)
    # shellcheck source=bench/lib.sh
    . "$root/bench/lib.sh"
    : "${CUBE:?set CUBE to the absolute path of the cube binary}"
    DURATION=${DURATION:-10s}
    CONC=${CONC:-64}
    PORT=${BENCH_PORT:-26443}
    bench_init
    TOKEN=$(openssl rand -hex 24)
    printf '%s,bench,bench-uid,"system:masters"\n' "$TOKEN" >"$BT/tokens.csv"
    AUTH="Authorization: Bearer $TOKEN"
    CA="$BT/cube/pki/ca.crt"
    mkdir -p "$BT/cube"
    start_bg "$BT/cube.log" "$CUBE" apiserver --config /dev/null --data-dir "$BT/cube" \
        --secure-port "$PORT" --bind-address 127.0.0.1 --token-auth-file "$BT/tokens.csv"
    ready() {
        [[ -f "$CA" ]] && [[ "$(curl -s --max-time 2 --cacert "$CA" -H "$AUTH" \
            "https://127.0.0.1:$PORT/readyz")" == ok ]]
    }
    if ! wait_for 60 ready; then
        echo "bench: cube apiserver did not become ready; log:" >&2
        tail -20 "$BT/cube.log" >&2
        exit 1
    fi
    wrk_run() {
        local out
        out=$(wrk -t2 -c"$CONC" -d"$DURATION" --latency -H "$AUTH" "$1" 2>&1)
        W_RPS=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
        W_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
        W_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
        W_BAD=$(awk '/Non-2xx/ { n += $NF } END { print n + 0 }' <<<"$out")
    }
    bench_openapi
    echo
    results_table
fi
