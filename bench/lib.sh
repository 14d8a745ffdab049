# shellcheck shell=bash
# bench/lib.sh: helpers shared by the benchmark scripts (sourced, not run).
#
# The benchmarks start servers (cube, nginx, etcd) as children, measure them
# against each other in one run on one machine, and print each figure with its
# goal. Everything here is bounded in time and count, listens on 127.0.0.1 only,
# and stops only the processes it started, by PID.

BENCH_PIDS=()
BENCH_ROWS=""

# bench_init: a private temp dir ($BT) removed on exit, with every started
# process stopped first.
bench_init() {
    BT=$(mktemp -d "${TMPDIR:-/tmp}/cube-bench.XXXXXX")
    chmod 755 "$BT"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    local p
    for p in "${BENCH_PIDS[@]}"; do
        stop_pid "$p"
    done
    [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$BT"
}

# start_bg LOG CMD...: runs CMD in the background with its output in LOG; the
# PID is in $BG_PID and will be stopped on exit.
start_bg() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    BG_PID=$!
    BENCH_PIDS+=("$BG_PID")
}

# stop_pid PID: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}

# wait_for SECONDS CMD...: retries CMD every 0.1 s until it succeeds (0) or
# SECONDS pass (1).
wait_for() {
    local limit=$1 i
    shift
    for ((i = 0; i < limit * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# kv KEY LINE: the value of KEY in a "k=v k=v" line.
kv() {
    tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -1
}

# calc EXPR: floating-point arithmetic (awk), 2 decimals unless the format says.
calc() {
    awk "BEGIN { printf \"${2:-%.2f}\", ($1) }"
}

# median NUMBERS...: the median (lower middle for an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# to_ms VALUE: wrk's latency ("850.00us", "1.23ms", "2.00s") in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else printf "nan" }'
}

# rss_kib PID: VmRSS of a process in KiB.
rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# goal NAME VALUE OP LIMIT UNIT [DETAIL]: prints the figure against its goal
# (OP is ">=" or "<="), OK or MISSED, and adds a row to the results table.
goal() {
    local name=$1 value=$2 op=$3 limit=$4 unit=$5 detail=${6:-} verdict
    if [[ -z "$value" || "$value" == nan || "$value" == -nan ]]; then
        verdict=MISSED
        value="n/a"
    elif awk -v v="$value" -v l="$limit" -v op="$op" \
        'BEGIN { exit !((op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0)) }'; then
        verdict=OK
    else
        verdict=MISSED
    fi
    printf '  %-44s %12s %-6s goal %s %s %s  %s\n' "$name" "$value" "$unit" "$op" "$limit" \
        "$unit" "$([[ $verdict == OK ]] && echo OK || echo '*** MISSED ***')"
    BENCH_ROWS+="| $name | $value $unit | $op $limit $unit | $verdict | $detail |"$'\n'
}

# note NAME VALUE: a figure without a goal (printed and kept for the table).
note() {
    printf '  %-44s %s\n' "$1" "$2"
    BENCH_ROWS+="| $1 | $2 | | | ${3:-} |"$'\n'
}

# results_table: the markdown table of every goal() and note() so far.
results_table() {
    printf '| figure | value | goal | result | detail |\n|---|---|---|---|---|\n%s' "$BENCH_ROWS"
}
