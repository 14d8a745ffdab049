#!/bin/bash
# Installs, from Debian's packages, whatever Cubernetes needs to build, test
# and benchmark that is not installed yet. Idempotent and quiet when nothing
# is missing: `apt-get update` runs at most once, and only if something must
# be installed. kubectl is taken from PATH; Debian's kubernetes-client is the
# fallback when there is none.
set -euo pipefail

want=(
    build-essential pkg-config gcc clang clang-format
    libjansson-dev libevent-dev libhttp-parser-dev libsqlite3-dev
    libcurl4-openssl-dev libssl-dev zlib1g-dev libcmocka-dev libclang-rt-14-dev libyaml-dev
    python3-kubernetes python3-pytest python3-yaml
    nginx wrk etcd-server jq curl openssl procps bc nftables
    libnghttp2-dev libprotobuf-c-dev protobuf-c-compiler libldns-dev dnsutils libjemalloc-dev
    containerd runc containernetworking-plugins busybox-static iproute2 file conntrack ipset
)
optional=(hey) # installed when Debian has it

installed() { # PKG -> 0 if installed
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${want[@]}"; do installed "$p" || missing+=("$p"); done
command -v kubectl >/dev/null 2>&1 || installed kubernetes-client || missing+=(kubernetes-client)
opt_missing=()
for p in "${optional[@]}"; do installed "$p" || opt_missing+=("$p"); done

# Optional packages alone do not justify an apt-get update on every run: only
# look for them when something required is missing, or when apt has lists.
have_lists() { compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; }
if [ ${#missing[@]} -eq 0 ] && { [ ${#opt_missing[@]} -eq 0 ] || ! have_lists; }; then
    exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

if [ ${#missing[@]} -gt 0 ] || ! have_lists; then
    echo "deps: apt-get update" >&2
    $SUDO apt-get update -qq >/dev/null
fi
for p in "${opt_missing[@]}"; do
    if apt-cache show "$p" >/dev/null 2>&1; then missing+=("$p"); fi
done
[ ${#missing[@]} -gt 0 ] || exit 0
echo "deps: installing ${missing[*]}" >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done" >&2
