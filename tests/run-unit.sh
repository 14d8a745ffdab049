#!/bin/bash
# Runs cmocka unit test binaries; prints a summary line "N passed, N failed".
pass=0; fail=0; bad=()
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    p=$(grep -oE '^\[  PASSED  \] [0-9]+' <<<"$out" | awk '{s+=$NF} END {print s+0}')
    f=$(grep -oE '^\[  FAILED  \] [0-9]+' <<<"$out" | awk '{s+=$NF} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$rc" -ne 0 ]; then bad+=("$t"); echo "$out" | tail -30; fi
    printf '%-50s %s passed, %s failed\n' "$(basename "$t")" "$p" "$f"
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
