#!/bin/bash
# Builds and runs libFuzzer targets, each for a bounded time.
#
#   tests/fuzz/run.sh tests/fuzz/fuzz_*.c
#
# Each target names the sources it needs on a "FUZZ_SRCS:" line in its
# opening comment (files or directories, relative to the repository root;
# a directory means all its .c files). Environment:
# CC (default clang), BUILD (default build-fuzz), FUZZ_SECONDS per target
# (default 20). Seeds are kept in tests/fuzz/seeds/<target>/ when present;
# the growing corpus lives in $BUILD/corpus/<target>/. Exits non-zero if a
# target fails to build or finds a crash, a leak or undefined behaviour.
set -u
cd "$(dirname "$0")/../.."
CC=${CC:-clang}
BUILD=${BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
PKGS="jansson"
CFLAGS="-g -O1 -std=gnu17 -D_GNU_SOURCE -Isrc -pthread -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  $(pkg-config --cflags $PKGS 2>/dev/null)"
LIBS="$(pkg-config --libs $PKGS 2>/dev/null) -lm -pthread"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0

# A few valid inputs to start from, so the fuzzer begins deep in the parsers.
seed() {
    local i=0 line
    case "$1" in
    fuzz_label_selector)
        printf '%s\n' 'a=b' 'a==b,c!=d' 'x in (a,b),y notin (c)' '!a,b' 'k8s.io/app in (web,),n>5' \
            'a in ()' 'a<3' ;;
    fuzz_field_selector)
        printf '%s\n' 'metadata.name=x' 'a==b,c!=d' 'a=x\,y\=z\\' 'spec.nodeName=' ;;
    fuzz_quantity)
        printf '%s\n' '100m' '1.5Gi' '2e3' '1024Ki' '0.5' '-1.1E-9' '9Ei' '.001Ki' '12E' ;;
    fuzz_json_patch)
        printf '%s\n' '{"a":{"b":[1,2]},"c/d":1}|[{"op":"add","path":"/a/b/-","value":3},{"op":"remove","path":"/c~1d"}]' \
            '{"a":[1,2,3]}|[{"op":"move","from":"/a/0","path":"/b"},{"op":"copy","from":"/a","path":"/a/-1"},{"op":"test","path":"/b","value":1},{"op":"replace","path":"","value":{}}]' ;;
    fuzz_merge_patch)
        printf '%s\n' '{"a":1,"b":{"c":2}}|{"b":{"c":null,"d":[{"e":null}]},"f":3}' '{"a":[1]}|{"a":{"x":1}}' ;;
    esac | while IFS= read -r line; do
        i=$((i + 1))
        printf '%s' "$line" | tr '|' '\n' >"$2/seed$i"
    done
}

if [ $# -eq 0 ]; then
    set -- tests/fuzz/fuzz_*.c
fi
mkdir -p "$BUILD"
failed=()
for src in "$@"; do
    name=$(basename "$src" .c)
    srcs=$(sed -n 's/^.*FUZZ_SRCS:[[:space:]]*//p' "$src" | head -1)
    files=()
    for s in ${srcs:-src/core}; do
        if [ -d "$s" ]; then
            files+=("$s"/*.c)
        else
            files+=("$s")
        fi
    done
    bin="$BUILD/$name"
    echo "fuzz: building $name"
    # shellcheck disable=SC2086
    if ! $CC $CFLAGS -o "$bin" "$src" "${files[@]}" $LIBS; then
        failed+=("$name (build)")
        continue
    fi
    corpus="$BUILD/corpus/$name"
    mkdir -p "$corpus"
    if [ -z "$(ls -A "$corpus")" ]; then
        seed "$name" "$corpus"
    fi
    seeds="tests/fuzz/seeds/$name"
    dirs=("$corpus")
    [ -d "$seeds" ] && dirs+=("$seeds")
    echo "fuzz: running $name for ${FUZZ_SECONDS}s"
    if ! "$bin" -max_total_time="$FUZZ_SECONDS" -max_len=4096 -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=0 -artifact_prefix="$BUILD/$name-" \
        "${dirs[@]}" >"$BUILD/$name.log" 2>&1; then
        tail -40 "$BUILD/$name.log"
        failed+=("$name")
        continue
    fi
    grep -E '^#[0-9]+.*DONE' "$BUILD/$name.log" | tail -1
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz: all targets passed"
