#!/bin/bash
# bench/run.sh: the Cubernetes benchmarks (`make bench`). Each figure of cube's
# API server is measured in the same run, on the same machine, as a reference
# that does the same job (nginx serving the same bytes, etcd storing the same
# bytes), and printed with its goal; a missed goal prints MISSED but does not
# fail the run. docs/PERFORMANCE.md holds the figures of one such run.
#
# Usage: CUBE=/abs/path/to/cube bench/run.sh
# Knobs (environment): DURATION (wrk, 10s), GET_REPEAT (2), CONC (64), CREATES (20000),
# PODS (10000), WATCHERS (1000), ROUNDS (20), BENCH_PORT (26443: cube; +1 nginx;
# +10/+11 etcd), BENCH_OUT (also write the results table to this file),
# BENCH_KEEP (keep the temp dir), ONLY (space-separated subset of:
# get openapi apply rbac create watch list rss proxy dns scale).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
# shellcheck source=bench/openapi.sh
. "$root/bench/openapi.sh"
# shellcheck source=bench/apply.sh
. "$root/bench/apply.sh"
# shellcheck source=bench/rbac.sh
. "$root/bench/rbac.sh"

: "${CUBE:?set CUBE to the absolute path of the cube binary}"
DURATION=${DURATION:-10s}
GET_REPEAT=${GET_REPEAT:-2}
CONC=${CONC:-64}
CREATES=${CREATES:-20000}
PODS=${PODS:-10000}
WATCHERS=${WATCHERS:-1000}
ROUNDS=${ROUNDS:-20}
PORT=${BENCH_PORT:-26443}
NGINX_PORT=$((PORT + 1))
ETCD_PORT=$((PORT + 10))
ETCD_PEER=$((PORT + 11))
ONLY=${ONLY:-get openapi apply rbac create watch list rss proxy dns scale}
MIB=1048576

want() { [[ " $ONLY " == *" $1 "* ]]; }

bench_init
# 1,000 watch streams plus 64 load connections, on both sides of the socket
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

echo "cube benchmarks: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)),"
echo "  $("$CUBE" version 2>/dev/null | head -1), kernel $(uname -r), temp $BT"
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
if [[ $(calc "($LOAD_START > $(nproc))" %d) == 1 ]]; then
    echo "  *** machine busy (load average $LOAD_START on $(nproc) CPUs): figures are noisy ***"
fi

# --- load generators ---------------------------------------------------------
mkdir -p "$BT/bin"
for prog in load watch; do
    cc -O2 -std=gnu17 -Wall -Wextra -o "$BT/bin/$prog" "$root/bench/$prog.c" \
        -lcurl -lssl -lcrypto -ljansson -lpthread -lm || {
        echo "bench: cannot build bench/$prog.c" >&2
        exit 1
    }
done

TOKEN=$(openssl rand -hex 24)
VIEWER_TOKEN=$(openssl rand -hex 24)
printf '%s,bench,bench-uid,"system:masters"\n%s,bench-viewer,bench-viewer-uid\n' "$TOKEN" \
    "$VIEWER_TOKEN" >"$BT/tokens.csv"
AUTH="Authorization: Bearer $TOKEN"

# --- cube ------------------------------------------------------------------------
CUBE_PID=
CA=
# start_cube NAME: a fresh API server with its own data dir, ready to serve.
start_cube() {
    local dir="$BT/$1"
    mkdir -p "$dir"
    start_bg "$BT/$1.log" "$CUBE" apiserver --config /dev/null --data-dir "$dir" --secure-port "$PORT" \
        --bind-address 127.0.0.1 --token-auth-file "$BT/tokens.csv"
    CUBE_PID=$BG_PID
    CA="$dir/pki/ca.crt"
    if ! wait_for 60 ready; then
        echo "bench: cube apiserver did not become ready in 60 s; log:" >&2
        tail -20 "$BT/$1.log" >&2
        exit 1
    fi
}
# shellcheck disable=SC2317 # called through wait_for
ready() {
    [[ -f "$CA" ]] && [[ "$(curl -s --max-time 2 --cacert "$CA" -H "$AUTH" \
        "https://127.0.0.1:$PORT/readyz")" == ok ]]
}
stop_cube() {
    stop_pid "$CUBE_PID"
    CUBE_PID=
}
# api ARGS...: curl against cube with the bench token.
api() {
    curl -s --max-time 60 --cacert "$CA" -H "$AUTH" "$@"
}
# post PATH FILE: creates an object; prints the HTTP code.
post() {
    api -o "$BT/post.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data-binary "@$2" "https://127.0.0.1:$PORT$1"
}
# namespace NAME: the namespace and its default ServiceAccount (no controller
# runs beside a lone apiserver to create it).
namespace() {
    printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}' "$1" >"$BT/ns.json"
    post /api/v1/namespaces "$BT/ns.json" >/dev/null
    printf '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}' \
        >"$BT/sa.json"
    post "/api/v1/namespaces/$1/serviceaccounts" "$BT/sa.json" >/dev/null
}

# --- 1. GET one 2.4 KiB ConfigMap vs nginx ---------------------------------------
# wrk_run URL: sets W_RPS, W_P50, W_P99 (ms), W_BAD (non-2xx + socket errors).
wrk_run() {
    local out
    out=$(wrk -t2 -c"$CONC" -d"$DURATION" --latency -H "$AUTH" "$1" 2>&1)
    W_RPS=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    if [[ -z "$W_RPS" ]]; then
        echo "  wrk failed: $(head -c 400 <<<"$out")" >&2
        W_RPS=0
    fi
    W_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    W_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    W_BAD=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
        END { print n + 0 }' <<<"$out")
}

# start_nginx: the reference server, serving the files of $BT/www over HTTPS
# (self-signed P-256 certificate) with one worker per CPU; its PID is $BG_PID.
start_nginx() {
    mkdir -p "$BT/nginx/logs" "$BT/www"
    [[ -f "$BT/nginx.crt" ]] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
        -nodes -days 1 -keyout "$BT/nginx.key" -out "$BT/nginx.crt" -subj /CN=localhost \
        -addext subjectAltName=IP:127.0.0.1 2>/dev/null
    cat >"$BT/nginx/nginx.conf" <<NGX
worker_processes $(nproc);
pid $BT/nginx/nginx.pid;
error_log $BT/nginx/logs/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_body_temp_path $BT/nginx;
    proxy_temp_path $BT/nginx; fastcgi_temp_path $BT/nginx;
    uwsgi_temp_path $BT/nginx; scgi_temp_path $BT/nginx;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl reuseport;
        ssl_certificate $BT/nginx.crt;
        ssl_certificate_key $BT/nginx.key;
        location / { root $BT/www; default_type application/json; }
    }
}
NGX
    start_bg "$BT/nginx.log" nginx -p "$BT/nginx" -c "$BT/nginx/nginx.conf" -g 'daemon off;'
    wait_for 10 curl -sk -o /dev/null "https://127.0.0.1:$NGINX_PORT/"
}

bench_get() {
    echo "[1] GET one 2.4 KiB ConfigMap, HTTPS keep-alive, wrk -t2 -c$CONC -d$DURATION"
    local base="https://127.0.0.1:$PORT/api/v1/namespaces/default/configmaps" size0 pad
    # size the payload so that the object as served is 2,458 bytes
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-get-a","labels":{"app":"bench"}},"data":{"payload":""}}' \
        >"$BT/cm0.json"
    post /api/v1/namespaces/default/configmaps "$BT/cm0.json" >/dev/null
    size0=$(api -o /dev/null -w '%{size_download}' "$base/bench-get-a")
    pad=$((2458 - size0))
    ((pad < 0)) && pad=0
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-get-b","labels":{"app":"bench"}},"data":{"payload":"%s"}}' \
        "$(head -c "$pad" /dev/zero | tr '\0' x)" >"$BT/cm.json"
    local code
    code=$(post /api/v1/namespaces/default/configmaps "$BT/cm.json")
    mkdir -p "$BT/www"
    if [[ "$code" != 201 ]] || [[ "$(api -o "$BT/www/cm.json" -w '%{http_code}' "$base/bench-get-b")" != 200 ]]; then
        echo "  cannot create/read the ConfigMap (HTTP $code): $(head -c 300 "$BT/post.out")"
        goal "GET req/s ratio cube/nginx" nan ">=" 0.5 x
        return
    fi
    local bytes
    bytes=$(stat -c %s "$BT/www/cm.json")

    start_nginx
    local ngx=$BG_PID

    # alternate cube and nginx GET_REPEAT times; each keeps its best run
    local c_rps=0 c_p50='' c_p99='' c_bad=0 n_rps=0 n_p50='' n_p99='' r
    for ((r = 0; r < GET_REPEAT; r++)); do
        wrk_run "$base/bench-get-b"
        echo "  cube:  $W_RPS req/s, p50 $W_P50 ms, p99 $W_P99 ms, $W_BAD failed"
        c_bad=$((c_bad + W_BAD))
        if [[ $(calc "($W_RPS > $c_rps)" %d) == 1 ]]; then
            c_rps=$W_RPS c_p50=$W_P50 c_p99=$W_P99
        fi
        wrk_run "https://127.0.0.1:$NGINX_PORT/cm.json"
        echo "  nginx: $W_RPS req/s, p50 $W_P50 ms, p99 $W_P99 ms"
        if [[ $(calc "($W_RPS > $n_rps)" %d) == 1 ]]; then
            n_rps=$W_RPS n_p50=$W_P50 n_p99=$W_P99
        fi
    done
    stop_pid "$ngx"

    note "GET object size" "$bytes bytes"
    note "GET cube" "$c_rps req/s, p50 $c_p50 ms, p99 $c_p99 ms" \
        "$([[ $c_bad != 0 ]] && echo "$c_bad failed requests")"
    note "GET nginx (reference)" "$n_rps req/s, p50 $n_p50 ms, p99 $n_p99 ms"
    ((c_bad > 0)) && echo "  *** $c_bad of cube's GETs failed (non-2xx or socket errors) ***"
    goal "GET req/s ratio cube/nginx" "$(calc "$c_rps / $n_rps")" ">=" 0.5 x
    goal "GET p99 ratio cube/nginx" "$(calc "$c_p99 / $n_p99")" "<=" 2 x
}

# --- 2. durable creates vs etcd ----------------------------------------------------
bench_create() {
    echo "[2] durable creates: $CREATES small ConfigMaps, $CONC concurrent clients"
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"load-@N@","namespace":"default","labels":{"bench":"create"}},"data":{"key":"value-@N@"}}\n' \
        >"$BT/small.json"
    local out c_rate e_rate
    out=$("$BT/bin/load" --url "https://127.0.0.1:$PORT/api/v1/namespaces/default/configmaps" \
        --body "$BT/small.json" --n "$CREATES" --c "$CONC" --token "$TOKEN" --cacert "$CA" \
        --max-seconds 120)
    echo "  cube: $out"
    c_rate=$(kv rate "$out")
    local c_p50 c_p99 c_err
    c_p50=$(kv p50_ms "$out")
    c_p99=$(kv p99_ms "$out")
    c_err=$(kv errors "$out")

    start_bg "$BT/etcd.log" etcd --name bench --data-dir "$BT/etcd" \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
        --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
        --initial-cluster "bench=http://127.0.0.1:$ETCD_PEER" --listen-metrics-urls ""
    local etcd=$BG_PID
    if ! wait_for 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"; then
        echo "  etcd did not start: $(tail -3 "$BT/etcd.log")"
    fi
    out=$("$BT/bin/load" --url "http://127.0.0.1:$ETCD_PORT/v3/kv/put" --body "$BT/small.json" \
        --n "$CREATES" --c "$CONC" --etcd-key /registry/configmaps/default/load- \
        --max-seconds 120)
    stop_pid "$etcd"
    echo "  etcd: $out"
    e_rate=$(kv rate "$out")

    note "create cube" "$c_rate/s, p50 $c_p50 ms, p99 $c_p99 ms" \
        "$([[ $c_err != 0 ]] && echo "$c_err failed creates")"
    note "create etcd 3.4 put (reference)" \
        "$e_rate/s, p50 $(kv p50_ms "$out") ms, p99 $(kv p99_ms "$out") ms"
    goal "create rate" "$(calc "$c_rate" %.0f)" ">=" 5000 "/s"
    goal "create p99 latency" "$c_p99" "<=" 20 ms
    goal "create rate ratio cube/etcd" "$(calc "$c_rate / $e_rate")" ">=" 1.5 x
}

# --- 4. watch fan-out --------------------------------------------------------------
bench_watch() {
    echo "[4] watch fan-out: $WATCHERS watches on configmaps, $ROUNDS creates"
    namespace bench-watch
    local out
    out=$("$BT/bin/watch" --server "https://127.0.0.1:$PORT" --ns bench-watch \
        --watchers "$WATCHERS" --rounds "$ROUNDS" --token "$TOKEN" --cacert "$CA")
    echo "  $out"
    note "watch streams connected" "$(kv connected "$out") of $WATCHERS in $(kv connect_seconds "$out") s"
    note "watch events delivered / missed" "$(kv events "$out") / $(kv missed "$out")"
    note "watch create latency (p50)" "$(kv create_p50_ms "$out") ms"
    note "watch delivery p50 / max" "$(kv p50_ms "$out") ms / $(kv max_ms "$out") ms" \
        "from just before the create was sent"
    note "watch last watcher per create p50 / max" \
        "$(kv last_p50_ms "$out") ms / $(kv last_max_ms "$out") ms"
    note "watch fan-out spread (last - first) p50 / max" \
        "$(kv spread_p50_ms "$out") ms / $(kv spread_max_ms "$out") ms" \
        "client used $(kv client_cpu "$out") of one CPU"
    local p99 missed
    p99=$(kv p99_ms "$out")
    missed=$(kv missed "$out")
    [[ "$(kv connected "$out")" == "$WATCHERS" && "$missed" == 0 ]] || p99=nan
    goal "watch delivery p99 (all watchers)" "$p99" "<=" 50 ms
    goal "watch delivery p99, global goal" "$p99" "<=" 10 ms
}

# --- 3. LIST 10,000 pods ------------------------------------------------------------
bench_list() {
    echo "[3] LIST $PODS pods (JSON and Table), median of 5"
    namespace bench-pods
    cat >"$BT/pod.json" <<'POD'
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-@N@","namespace":"bench-pods","labels":{"app":"web","tier":"frontend","release":"stable","pod-template-hash":"5d8f7c9b6d","shard":"s@N@"},"annotations":{"bench.cube.dev/owner":"bench","prometheus.io/scrape":"true"}},"spec":{"containers":[{"name":"web","image":"registry.k8s.io/nginx-slim:0.27","imagePullPolicy":"IfNotPresent","args":["--port=8080","--metrics-port=9090"],"ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090,"protocol":"TCP"}],"env":[{"name":"MODE","value":"production"},{"name":"LOG_LEVEL","value":"info"},{"name":"POD_INDEX","value":"@N@"}],"resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"500m","memory":"256Mi"}},"volumeMounts":[{"name":"config","mountPath":"/etc/web","readOnly":true}],"readinessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":10}}],"volumes":[{"name":"config","configMap":{"name":"web-config"}}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"nodeSelector":{"kubernetes.io/os":"linux"}}}
POD
    local out
    out=$("$BT/bin/load" --url "https://127.0.0.1:$PORT/api/v1/namespaces/bench-pods/pods" \
        --body "$BT/pod.json" --n "$PODS" --c "$CONC" --token "$TOKEN" --cacert "$CA" \
        --max-seconds 180)
    echo "  pod creates: $out"
    note "pod creates" "$(kv ok "$out") pods at $(kv rate "$out")/s, p99 $(kv p99_ms "$out") ms"

    local url="https://127.0.0.1:$PORT/api/v1/pods" table='application/json;as=Table;v=v1;g=meta.k8s.io'
    local items rows
    items=$(api "$url" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null)
    rows=$(api -H "Accept: $table" "$url" |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))' 2>/dev/null)
    # reference: nginx sending the same LIST bytes (the cost of moving them
    # through TLS into curl on this machine), interleaved with cube's runs
    mkdir -p "$BT/www"
    api -o "$BT/www/pods.json" "$url"
    start_nginx
    local ngx=$BG_PID
    local j=() t=() n=() i r
    LIST_BYTES=0
    for ((i = 0; i < 5; i++)); do
        r=$(api -o /dev/null -w '%{time_total} %{size_download}' "$url")
        j+=("$(calc "${r% *} * 1000" %.1f)")
        LIST_BYTES=${r#* }
        r=$(api -o /dev/null -w '%{time_total} %{size_download}' -H "Accept: $table" "$url")
        t+=("$(calc "${r% *} * 1000" %.1f)")
        TABLE_BYTES=${r#* }
        r=$(curl -s --max-time 60 -k -o /dev/null -w '%{time_total}' -H "$AUTH" \
            "https://127.0.0.1:$NGINX_PORT/pods.json")
        n+=("$(calc "$r * 1000" %.1f)")
    done
    stop_pid "$ngx"
    note "LIST JSON size" "$LIST_BYTES bytes, ${items:-?} items ($(calc "$LIST_BYTES / ${items:-1}" %.0f) bytes/pod)"
    note "LIST Table size" "$TABLE_BYTES bytes, ${rows:-?} rows"
    local jm tm
    jm=$(median "${j[@]}")
    tm=$(median "${t[@]}")
    [[ "$items" == "$PODS" ]] || jm=nan
    [[ "$rows" == "$PODS" ]] || tm=nan
    note "LIST same bytes from nginx (reference)" "$(median "${n[@]}") ms" "runs: ${n[*]}"
    goal "LIST $PODS pods as JSON (median of 5)" "$jm" "<=" 100 ms "runs: ${j[*]}"
    goal "LIST $PODS pods as Table (median of 5)" "$tm" "<=" 150 ms "runs: ${t[*]}"
    note "LIST JSON ratio cube/nginx (same bytes)" "$(calc "$jm / $(median "${n[@]}")") x" \
        "no goal: how far cube is from the cost of the transfer itself"
}

# --- run ------------------------------------------------------------------------------
start_cube cube-a
if want rss; then
    echo "[5] resident memory"
    sleep 2
    IDLE=$(rss_kib "$CUBE_PID")
    goal "RSS idle (fresh start)" "$(calc "$IDLE / 1024" %.1f)" "<=" 20 MiB
fi
want get && bench_get
want openapi && bench_openapi
want apply && bench_apply
want rbac && bench_rbac
want watch && bench_watch
want create && bench_create
stop_cube

if want list || want rss; then
    start_cube cube-b
    bench_list
    if want rss; then
        echo "[5] resident memory with $PODS pods stored"
        sleep 1
        FULL=$(rss_kib "$CUBE_PID")
        limit=$(calc "(2 * $LIST_BYTES + 20 * $MIB) / $MIB" %.1f)
        goal "RSS with $PODS pods (2 x JSON + 20 MiB)" "$(calc "$FULL / 1024" %.1f)" "<=" "$limit" MiB \
            "JSON of the pods: $(calc "$LIST_BYTES / $MIB" %.1f) MiB"
    fi
    stop_cube
fi

# --- the node and control loops (their own servers) ---------------------------
if want proxy; then
    if [ "$(id -u)" -eq 0 ]; then
        CUBE="$CUBE" "$root/bench/proxy.sh"
    else
        echo "[proxy] skipped: needs root (iptables)"
    fi
fi
want dns && CUBE="$CUBE" "$root/bench/dns.sh"
want scale && CUBE="$CUBE" "$root/bench/scale.sh"

note "load average at start / end" "$LOAD_START / $(cut -d' ' -f1 /proc/loadavg)" \
    "other work on the machine; above $(nproc) the figures are noisy"
echo
echo "Results:"
results_table
[[ -n "${BENCH_OUT:-}" ]] && results_table >"$BENCH_OUT"
exit 0

