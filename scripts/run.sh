#!/bin/bash
# `make run`: starts a Cubernetes control plane in the foreground, for a person
# to use with kubectl. Data lives in /var/lib/cube (CUBE_DATA_DIR overrides);
# the admin kubeconfig is also written to /etc/cube/cube.yaml (CUBE_KUBECONFIG
# overrides). Ctrl-C stops it.
#
# Usage: scripts/run.sh path/to/cube [extra flags for the server...]
set -euo pipefail
CUBE=${1:?usage: scripts/run.sh path/to/cube [flags...]}
shift
DATA_DIR=${CUBE_DATA_DIR:-/var/lib/cube}
KUBECONFIG_OUT=${CUBE_KUBECONFIG:-/etc/cube/cube.yaml}
PORT=${CUBE_PORT:-6443}

# `cube server` (control plane + node) once it exists; the API server alone until then.
if "$CUBE" server --help >/dev/null 2>&1; then
    cmd=(server)
else
    cmd=(apiserver)
fi

mkdir -p "$DATA_DIR" "$(dirname "$KUBECONFIG_OUT")"
# `cube server` imports the OCI archives of <data-dir>/images into its containerd at start:
# the pause image pods need (nothing can be pulled here) and a busybox image for trying it out.
if [ "${cmd[0]}" = server ] && [ ! -s "$DATA_DIR/images/pause.tar" ]; then
    "$(dirname "$0")/build-images.sh" "$DATA_DIR/images" "$(dirname "$CUBE")/pause" /bin/busybox >&2
fi
cat >&2 <<MSG
Starting: $CUBE ${cmd[*]} --data-dir $DATA_DIR --secure-port $PORT --write-kubeconfig $KUBECONFIG_OUT $*

When it says it is ready, in another terminal:
    export KUBECONFIG=$KUBECONFIG_OUT
    kubectl get --raw /readyz
    kubectl api-resources
    kubectl get nodes
    kubectl run web --image=cube.local/busybox:latest --image-pull-policy=IfNotPresent -- httpd -f -p 8080
    kubectl get pods -o wide
(the same kubeconfig is at $DATA_DIR/admin.kubeconfig, mode 0600)
Stop with Ctrl-C.

MSG
exec "$CUBE" "${cmd[@]}" --data-dir "$DATA_DIR" --secure-port "$PORT" \
    --write-kubeconfig "$KUBECONFIG_OUT" "$@"
