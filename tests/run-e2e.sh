#!/bin/bash
# End-to-end tier (`make e2e`): whole-system scenarios on this machine. Today:
# restarts and crash durability of `cube apiserver`; later (as root) the node
# side with containerd, CNI and iptables. Each tests/e2e/test_*.sh defines
# test_* functions that start their own servers (helpers in tests/lib.sh);
# each runs in its own process. Last line: "e2e: N passed, N failed".
#
# Usage: tests/run-e2e.sh [FILTER]   Env: CUBE=path/to/cube
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
export CUBE=${CUBE:-$REPO/build/cube}
# shellcheck source=tests/lib.sh
source "$HERE/lib.sh"
FILTER=${1:-}
export CUBE_TEST_TIMEOUT=${CUBE_TEST_TIMEOUT:-300}

TESTS_TMP=$(mktemp -d /tmp/cube-e2e.XXXXXX)
export TESTS_TMP
trap 'cleanup_cubes; rm -rf "$TESTS_TMP"' EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
if [ ! -x "$CUBE" ]; then
    echo "FAIL no cube binary at $CUBE (run make first)"
    echo "e2e: 0 passed, 1 failed"
    exit 1
fi

for file in "$HERE"/e2e/test_*.sh; do
    [ -e "$file" ] || continue
    base=$(basename "$file" .sh)
    echo "== $base"
    for t in $(list_tests "$file"); do
        [ -z "$FILTER" ] || [[ "$base $t" == *"$FILTER"* ]] || continue
        if run_test "$file" "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    done
done
# every server the tests started: no sanitizer report in its log
for log in "$TESTS_TMP"/*/cube.log; do
    [ -e "$log" ] || continue
    errs=$(sanitizer_errors "$log")
    if [ -n "$errs" ]; then
        echo "FAIL sanitizer report in $log"
        printf '%s\n' "$errs" | sed 's/^/    /'
        fail=$((fail + 1))
    fi
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
