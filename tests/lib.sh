# Shared helpers for the integration and e2e tiers (sourced, not run).
#
# The tiers drive a real `cube apiserver` with the real kubectl and curl, the
# way a user would. This file starts and stops servers (tracked by PID so that
# runners can always clean up what they started, and only that), wraps
# kubectl and curl with the server's credentials, and offers the assertions
# the test functions use. A test function runs in its own `bash -eE` process:
# an assertion that fails prints what differed and exits that process.

: "${CUBE:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/cube}"
: "${CUBE_READY_TIMEOUT:=60}" # seconds; sanitizer builds start slowly
export CUBE CUBE_READY_TIMEOUT

# Prints a free TCP port on 127.0.0.1.
free_port() {
    /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_cube DIR [extra apiserver flags...]
# Starts `cube apiserver` on DIR (port $CUBE_PORT if set and DIR was used
# before, else a free one), waits until /readyz says ok, and exports
# CUBE_PID, CUBE_PORT, CUBE_DIR, CUBE_KUBECONFIG. Logs go to DIR/cube.log.
start_cube() {
    local dir=$1
    shift
    mkdir -p "$dir"
    local port
    if [ -f "$dir/port" ]; then port=$(cat "$dir/port"); else port=$(free_port); fi
    echo "$port" >"$dir/port"
    CUBE_DIR=$dir CUBE_PORT=$port CUBE_KUBECONFIG=$dir/admin.kubeconfig
    export CUBE_DIR CUBE_PORT CUBE_KUBECONFIG
    echo "--- start $(date +%T.%N) port $port: $*" >>"$dir/cube.log"
    "$CUBE" apiserver --config /dev/null --data-dir "$dir" --secure-port "$port" \
        --bind-address 127.0.0.1 "$@" </dev/null >>"$dir/cube.log" 2>&1 &
    CUBE_PID=$!
    export CUBE_PID
    echo "$CUBE_PID" >"$dir/cube.pid"
    [ -n "${TESTS_TMP:-}" ] && echo "$CUBE_PID" >>"$TESTS_TMP/pids"
    local deadline=$((SECONDS + CUBE_READY_TIMEOUT)) out=
    while [ $SECONDS -lt $deadline ]; do
        if ! kill -0 "$CUBE_PID" 2>/dev/null; then
            echo "cube apiserver exited during start; log tail:" >&2
            tail -n 30 "$dir/cube.log" | sed 's/^/    /' >&2
            return 1
        fi
        if [ -s "$CUBE_KUBECONFIG" ]; then
            out=$(kubectl --kubeconfig "$CUBE_KUBECONFIG" --request-timeout=2s \
                get --raw /readyz 2>/dev/null) || true
            if [ "$out" = ok ]; then
                cube_creds
                return 0
            fi
        fi
        sleep 0.1
    done
    echo "cube apiserver not ready after ${CUBE_READY_TIMEOUT}s (last /readyz: '$out'); log tail:" >&2
    tail -n 30 "$dir/cube.log" | sed 's/^/    /' >&2
    return 1
}

# stop_cube [SIGNAL]: stops $CUBE_PID (SIGTERM, then SIGKILL after 15 s),
# reaps it and sets CUBE_EXIT to its exit status. SIGNAL=KILL kills at once.
stop_cube() {
    local sig=${1:-TERM} pid=${CUBE_PID:-}
    CUBE_EXIT=
    [ -n "$pid" ] || return 0
    kill -s "$sig" "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
        # a zombie child counts as gone
        [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] && break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" | cut -c1)" != Z ]; then
        echo "cube apiserver (pid $pid) ignored SIG$sig for 15s: SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    CUBE_EXIT=0
    wait "$pid" 2>/dev/null || CUBE_EXIT=$?
    CUBE_PID=
    export CUBE_EXIT CUBE_PID
    echo "--- stopped by SIG$sig, exit $CUBE_EXIT" >>"$CUBE_DIR/cube.log"
}

# Kills every server any test of this run started and is still running.
# Only PIDs recorded by start_cube are touched.
cleanup_cubes() {
    [ -n "${TESTS_TMP:-}" ] && [ -f "$TESTS_TMP/pids" ] || return 0
    local pid
    while read -r pid; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null
            sleep 0.5
            kill -KILL "$pid" 2>/dev/null
        fi
    done <"$TESTS_TMP/pids"
    return 0
}

# Prints sanitizer reports found in a server log (nothing if clean).
sanitizer_errors() {
    grep -E -A 30 'ERROR: (Address|Leak|Thread)Sanitizer|WARNING: ThreadSanitizer|runtime error:' "$1" 2>/dev/null | head -n 60
}

# Writes the client credentials of the admin kubeconfig to $CUBE_DIR/creds/
# for curl: ca.crt, client.crt, client.key (or token).
cube_creds() {
    local d=$CUBE_DIR/creds v
    mkdir -p "$d"
    chmod 700 "$d"
    local -A keys=([ca.crt]='{.clusters[0].cluster.certificate-authority-data}'
        [client.crt]='{.users[0].user.client-certificate-data}'
        [client.key]='{.users[0].user.client-key-data}')
    for f in "${!keys[@]}"; do
        v=$(kubectl --kubeconfig "$CUBE_KUBECONFIG" config view --raw --flatten --minify \
            -o jsonpath="${keys[$f]}" 2>/dev/null) || v=
        if [ -n "$v" ]; then base64 -d <<<"$v" >"$d/$f"; else rm -f "$d/$f"; fi
    done
    v=$(kubectl --kubeconfig "$CUBE_KUBECONFIG" config view --raw --minify \
        -o jsonpath='{.users[0].user.token}' 2>/dev/null) || v=
    if [ -n "$v" ]; then echo "$v" >"$d/token"; else rm -f "$d/token"; fi
}

# kubectl against the server under test, with its own discovery cache.
kc() {
    kubectl --kubeconfig "$CUBE_KUBECONFIG" --cache-dir "$CUBE_DIR/kcache" "$@"
}

# cube_curl [curl args...] PATH: authenticated curl to https://127.0.0.1:PORT/PATH.
cube_curl() {
    local d=$CUBE_DIR/creds
    local -a auth=(--cacert "$d/ca.crt")
    [ -f "$d/ca.crt" ] || auth=(-k)
    if [ -f "$d/client.crt" ]; then auth+=(--cert "$d/client.crt" --key "$d/client.key"); fi
    if [ -f "$d/token" ]; then auth+=(-H "Authorization: Bearer $(cat "$d/token")"); fi
    local path=${*: -1}
    curl -sS --max-time 20 "${auth[@]}" "${@:1:$#-1}" "https://127.0.0.1:$CUBE_PORT$path"
}

# http_call METHOD PATH [curl args...]: sets HTTP_CODE and HTTP_BODY.
http_call() {
    local method=$1 path=$2
    shift 2
    local f=$CUBE_DIR/http.body.$$
    HTTP_CODE=$(cube_curl -o "$f" -w '%{http_code}' -X "$method" "$@" "$path") || true
    HTTP_BODY=$(cat "$f" 2>/dev/null)
    rm -f "$f"
}

# Strips ANSI colour sequences (kubectl cluster-info colours its output).
strip_ansi() { sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g'; }

# A unique, valid object name: NAME-<n>.
uniq_name() { echo "$1-$RANDOM$RANDOM"; }

# Set-up helpers send JSON through `kubectl create -f` (the dynamic client),
# so that a test fails for what it tests, not for its set-up. kubectl's
# generators (`create namespace|configmap|secret|deployment`) send protobuf
# instead; dedicated tests cover them.

# new_ns [PREFIX]: creates a fresh namespace and prints its name.
new_ns() {
    local ns
    ns=$(uniq_name "${1:-t}")
    printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}' "$ns" |
        kc create --validate=false -f - >/dev/null
    echo "$ns"
}

# mkcm NS NAME [KEY=VALUE...]: creates a configmap; prints its resourceVersion.
mkcm() {
    local ns=$1 name=$2 kv data='{}'
    shift 2
    for kv in "$@"; do
        data=$(jq -c --arg k "${kv%%=*}" --arg v "${kv#*=}" '. + {($k): $v}' <<<"$data")
    done
    jq -n -c --arg n "$name" --argjson d "$data" \
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: $n}} + (if $d == {} then {} else {data: $d} end)' |
        kc create --validate=false -n "$ns" -f - -o jsonpath='{.metadata.resourceVersion}'
}

# ---------------------------------------------------------------- assertions

fail() {
    echo "  FAILED: $*" >&2
    exit 1
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
    [ "$1" == "$2" ] && return 0
    echo "  ${3:-values differ} (- expected, + got):" >&2
    diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$2") | tail -n +3 | sed 's/^/    /' >&2 || true
    exit 1
}

# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
    [[ "$1" == *"$2"* ]] && return 0
    printf '  %s: expected to contain:\n    %s\n  got:\n%s\n' "${3:-output}" "$2" \
        "$(printf '%s\n' "$1" | head -n 40 | sed 's/^/    /')" >&2
    exit 1
}

# assert_not_contains HAYSTACK NEEDLE [WHAT]
assert_not_contains() {
    [[ "$1" != *"$2"* ]] && return 0
    printf '  %s: expected NOT to contain:\n    %s\n  got:\n%s\n' "${3:-output}" "$2" \
        "$(printf '%s\n' "$1" | head -n 40 | sed 's/^/    /')" >&2
    exit 1
}

# assert_match HAYSTACK ERE [WHAT]: some line of HAYSTACK matches ERE.
assert_match() {
    grep -qE -- "$2" <<<"$1" && return 0
    printf '  %s: expected a line matching /%s/, got:\n%s\n' "${3:-output}" "$2" \
        "$(printf '%s\n' "$1" | head -n 40 | sed 's/^/    /')" >&2
    exit 1
}

# assert_no_match HAYSTACK ERE [WHAT]: no line of HAYSTACK matches ERE.
assert_no_match() {
    grep -qE -- "$2" <<<"$1" || return 0
    printf '  %s: expected no line matching /%s/, got:\n%s\n' "${3:-output}" "$2" \
        "$(printf '%s\n' "$1" | head -n 40 | sed 's/^/    /')" >&2
    exit 1
}

# assert_fails_with NEEDLE CMD...: CMD exits non-zero and its stdout+stderr
# contains NEEDLE. The output is left in $OUT.
assert_fails_with() {
    local needle=$1 rc=0
    shift
    OUT=$("$@" 2>&1) || rc=$?
    if [ "$rc" -eq 0 ]; then
        printf '  expected failure of: %s\n  but it succeeded with:\n%s\n' "$*" \
            "$(printf '%s\n' "$OUT" | head -n 40 | sed 's/^/    /')" >&2
        exit 1
    fi
    assert_contains "$OUT" "$needle" "output of '$*'"
}

# assert_ok CMD...: CMD succeeds; its stdout+stderr are left in $OUT.
assert_ok() {
    local rc=0
    OUT=$("$@" 2>&1) || rc=$?
    [ "$rc" -eq 0 ] && return 0
    printf '  command failed (exit %s): %s\n%s\n' "$rc" "$*" \
        "$(printf '%s\n' "$OUT" | head -n 40 | sed 's/^/    /')" >&2
    exit 1
}

# wait_until SECONDS CMD...: retries CMD every 0.1 s until it succeeds.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || fail "timed out waiting for: $*"
        sleep 0.1
    done
}

# ------------------------------------------------------------- test runner

# Lists the test_* functions of a file in the order they are written.
list_tests() {
    grep -oE '^test_[A-Za-z0-9_]+ *\(\)' "$1" | sed 's/ *()//'
}

# run_test FILE FUNC: runs one test function in its own bash process with a
# time limit; prints PASS/FAIL (with the test's output on failure) and
# returns its status.
run_test() {
    local file=$1 fn=$2 log rc=0 t0=$SECONDS
    log=$(mktemp "${TESTS_TMP:-/tmp}/$fn.XXXXXX")
    timeout -k 5 "${CUBE_TEST_TIMEOUT:-120}" bash -c '
        set -eEuo pipefail
        shopt -s inherit_errexit
        trap '\''rc=$?; [ -n "${ERR_SEEN:-}" ] || echo "  command failed (exit $rc) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2; ERR_SEEN=1'\'' ERR
        source "$1"; source "$2"
        cd "$(mktemp -d "${TESTS_TMP:-/tmp}/wd.XXXXXX")"
        "$3"' _ "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$file" "$fn" >"$log" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
        printf 'PASS %s (%ss)\n' "$fn" $((SECONDS - t0))
    else
        [ "$rc" -eq 124 ] && echo "  timed out after ${CUBE_TEST_TIMEOUT:-120}s" >>"$log"
        printf 'FAIL %s (%ss)\n' "$fn" $((SECONDS - t0))
        sed 's/^/    /' "$log" | head -n 80
    fi
    rm -f "$log"
    return "$rc"
}
