#!/bin/bash
# `make check`: the unit tier (cmocka binaries given as arguments), then the
# integration tier; a summary line per tier and the totals as the last line,
# "N passed, N failed, N skipped". Exits non-zero if anything failed.
#
# Usage: tests/run-all.sh UNIT_BINS...   Env: CUBE=path/to/cube
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
skip=0

# tier NAME CMD...: runs a tier, echoes its output, adds its "NAME: N passed,
# N failed" line to the totals (a tier that fails without one counts 1 failure).
tier() {
    local name=$1 log rc line p f k
    shift
    log=$(mktemp)
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
    rm -f "$log"
    p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"${line:-x: 0 passed, 0 failed}")
    f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:-x: 0 passed, 0 failed}")
    k=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    TIERS+=("$name: $p passed, $f failed, $k skipped")
    pass=$((pass + p))
    fail=$((fail + f))
    skip=$((skip + k))
}

TIERS=()
t0=$SECONDS
tier unit "$HERE/run-unit.sh" "$@"
tier integration "$HERE/run-integration.sh"
echo "-- summary ($((SECONDS - t0))s)"
printf '%s\n' "${TIERS[@]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
