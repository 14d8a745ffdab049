#!/bin/bash
# HTTP server spike: req/s of a 2.4 KiB GET over HTTPS keep-alive, 64 connections,
# for cube's server, libmicrohttpd (GnuTLS) and nginx, in one run on this machine.
# Usage: bench/http-spike/run.sh [BUILD_DIR]   (BUILD_DIR holds libcube.a; default build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$tmp"' EXIT
threads=${THREADS:-$(nproc)}
duration=${DURATION:-10s}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/key.pem" \
    -out "$tmp/cert.pem" -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>/dev/null
head -c 2458 /dev/zero | tr '\0' x >"$tmp/body.json"

cflags="-O2 -g -std=gnu17 -D_GNU_SOURCE -pthread"
cc $cflags -I"$root/src" -o "$tmp/cube_spike" "$root/bench/http-spike/cube_spike.c" \
    "$root/$build/libcube.a" $(pkg-config --libs jansson libevent libevent_openssl \
    libevent_pthreads openssl) -lhttp_parser -lm
cc $cflags -o "$tmp/mhd_spike" "$root/bench/http-spike/mhd_spike.c" $(pkg-config --libs libmicrohttpd)

mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<NGX
worker_processes $threads;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_body_temp_path $tmp/nginx;
    proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
    uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
    server {
        listen 127.0.0.1:18443 ssl;
        ssl_certificate $tmp/cert.pem;
        ssl_certificate_key $tmp/key.pem;
        location / { root $tmp; try_files /body.json =404; default_type application/json; }
    }
}
NGX

run() { # name port
    sleep 0.5
    curl -sk "https://127.0.0.1:$2/" -o /dev/null -w "$1: HTTP %{http_code} %{size_download} bytes, %{http_version}\n"
    wrk -t2 -c64 -d"$duration" "https://127.0.0.1:$2/" | sed "s/^/  /" | grep -E "Requests/sec|Latency|Transfer"
}

CUBE_HTTP_ACCEPT=${CUBE_HTTP_ACCEPT:-rr} "$tmp/cube_spike" "$tmp/cert.pem" "$tmp/key.pem" 18441 "$threads" &
pids+=($!)
run "cube ($threads threads, accept=${CUBE_HTTP_ACCEPT:-rr})" 18441
"$tmp/mhd_spike" "$tmp/cert.pem" "$tmp/key.pem" 18442 "$threads" &
pids+=($!)
run "libmicrohttpd ($threads threads)" 18442
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" -g 'daemon off;' &
pids+=($!)
run "nginx ($threads workers)" 18443
