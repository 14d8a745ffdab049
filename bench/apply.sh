#!/bin/bash
# shellcheck shell=bash
# bench/apply.sh: latency at the API of the two ways `kubectl apply` re-applies a
# 200-line Deployment manifest (issue 3 goal: p99 <= 5 ms each):
#   - client-side 3-way apply: the strategic merge patch kubectl computes (changed
#     fields, $setElementOrder lists, and the whole new last-applied-configuration
#     annotation), PATCH application/strategic-merge-patch+json, fieldValidation=Strict;
#   - server-side apply: the whole manifest, PATCH application/apply-patch+yaml,
#     fieldManager=kubectl, force.
# Each round changes values (replicas, an env value, an image tag) so every request
# really writes. One keep-alive connection, requests one after another: this measures
# the server (decode, patch, managedFields, validation, group commit), not kubectl's
# process start.
#
# Sourced by bench/run.sh, it defines bench_apply, which uses run.sh's running cube
# ($PORT, $AUTH, $CA, goal). Run directly, it starts its own cube:
#   CUBE=/abs/path/to/cube bench/apply.sh     (APPLY_ROUNDS (500), BENCH_PORT as run.sh)

# apply_client N: the python client; prints "csa p50 p99" and "ssa p50 p99" (ms).
apply_client() {
    python3 - "$1" "$PORT" "$CA" "${AUTH#Authorization: Bearer }" <<'PYEOF'
import copy, http.client, json, ssl, sys, time

rounds, port, ca, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
H = {"Authorization": "Bearer " + token, "Accept": "application/json",
     "User-Agent": "kubectl/v1.32.0 (linux/amd64) bench"}

def call(method, path, body=None, ctype="application/json"):
    h = dict(H)
    if body is not None:
        h["Content-Type"] = ctype
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        sys.exit("bench apply: %s %s -> %d %s" % (method, path, r.status, data[:300]))
    return data

def container(i, tag):
    return {"name": "c%d" % i, "image": "registry.example/app%d:%s" % (i, tag),
            "imagePullPolicy": "IfNotPresent",
            "args": ["--port=%d" % (8080 + i), "--verbose"],
            "ports": [{"name": "http%d" % i, "containerPort": 8080 + i, "protocol": "TCP"}],
            "env": [{"name": "E%d" % j, "value": "v%d" % j} for j in range(6)],
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                          "limits": {"cpu": "500m", "memory": "256Mi"}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080 + i},
                               "periodSeconds": 5},
            "volumeMounts": [{"name": "data", "mountPath": "/data"}]}

def manifest(r):
    """A Deployment whose YAML rendering is about 200 lines."""
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": NAME, "namespace": "default",
                         "labels": {"app": "bench", "tier": "backend"}},
            "spec": {"replicas": 1 + r % 5,
                     "selector": {"matchLabels": {"app": "bench"}},
                     "template": {"metadata": {"labels": {"app": "bench", "tier": "backend"}},
                                  "spec": {"containers": [container(i, "t%d" % (r % 7 if i == 0 else 1))
                                                          for i in range(5)],
                                           "volumes": [{"name": "data", "emptyDir": {}}]}}}}

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]

base = "/apis/apps/v1/namespaces/default/deployments"
LA = "kubectl.kubernetes.io/last-applied-configuration"

# client-side apply: create with the annotation, then 3-way patches
NAME = "bench-csa"
m = manifest(0)
obj = copy.deepcopy(m)
obj["metadata"]["annotations"] = {LA: json.dumps(m, separators=(",", ":")) + "\n"}
call("POST", base + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
     json.dumps(obj))
lat = []
for r in range(1, rounds + 21):
    m = manifest(r)
    c0 = m["spec"]["template"]["spec"]["containers"][0]
    c0["env"][5]["value"] = "round-%d" % r
    names = [{"name": c["name"]} for c in m["spec"]["template"]["spec"]["containers"]]
    patch = {"metadata": {"annotations": {LA: json.dumps(m, separators=(",", ":")) + "\n"}},
             "spec": {"replicas": m["spec"]["replicas"],
                      "template": {"spec": {
                          "$setElementOrder/containers": names,
                          "containers": [{"name": "c0", "image": c0["image"],
                                          "$setElementOrder/env": [{"name": e["name"]} for e in c0["env"]],
                                          "env": [{"name": "E5", "value": c0["env"][5]["value"]}]}]}}}}
    body = json.dumps(patch)
    t = time.perf_counter()
    call("PATCH", base + "/" + NAME + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
         body, "application/strategic-merge-patch+json")
    if r > 20:
        lat.append((time.perf_counter() - t) * 1000)
print("csa %.3f %.3f" % (pct(lat, 50), pct(lat, 99)))

# server-side apply: the whole manifest each time
NAME = "bench-ssa"
lat = []
for r in range(0, rounds + 21):
    m = manifest(r)
    m["spec"]["template"]["spec"]["containers"][0]["env"][5]["value"] = "round-%d" % r
    body = json.dumps(m)
    t = time.perf_counter()
    call("PATCH", base + "/" + NAME + "?fieldManager=kubectl&fieldValidation=Strict&force=true",
         body, "application/apply-patch+yaml")
    if r > 20:
        lat.append((time.perf_counter() - t) * 1000)
print("ssa %.3f %.3f" % (pct(lat, 50), pct(lat, 99)))
PYEOF
}

bench_apply() {
    local rounds=${APPLY_ROUNDS:-500} out csa ssa
    echo "[apply] 200-line Deployment re-applied $rounds times on one connection"
    out=$(apply_client "$rounds") || {
        echo "bench: apply client failed: $out" >&2
        return 1
    }
    csa=$(awk '$1 == "csa"' <<<"$out")
    ssa=$(awk '$1 == "ssa"' <<<"$out")
    goal "client-side apply (3-way SMP) p99" "$(awk '{ print $3 }' <<<"$csa")" "<=" 5 ms \
        "p50 $(awk '{ print $2 }' <<<"$csa") ms"
    goal "server-side apply p99" "$(awk '{ print $3 }' <<<"$ssa")" "<=" 5 ms \
        "p50 $(awk '{ print $2 }' <<<"$ssa") ms"
}

# Run directly: a cube of our own, then the figures.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -uo pipefail
    root=$(cd "$(dirname "$0")/.." && pwd)
    # shellcheck source=bench/lib.sh
    . "$root/bench/lib.sh"
    : "${CUBE:?set CUBE to the absolute path of the cube binary}"
    PORT=${BENCH_PORT:-26443}
    bench_init
    TOKEN=$(openssl rand -hex 24)
    printf '%s,bench,bench-uid,"system:masters"\n' "$TOKEN" >"$BT/tokens.csv"
    AUTH="Authorization: Bearer $TOKEN"
    CA="$BT/cube/pki/ca.crt"
    mkdir -p "$BT/cube"
    start_bg "$BT/cube.log" "$CUBE" apiserver --config /dev/null --data-dir "$BT/cube" \
        --secure-port "$PORT" --bind-address 127.0.0.1 --token-auth-file "$BT/tokens.csv"
    ready() {
        [[ -f "$CA" ]] && [[ "$(curl -s --max-time 2 --cacert "$CA" -H "$AUTH" \
            "https://127.0.0.1:$PORT/readyz")" == ok ]]
    }
    if ! wait_for 60 ready; then
        echo "bench: cube apiserver did not become ready; log:" >&2
        tail -20 "$BT/cube.log" >&2
        exit 1
    fi
    bench_apply
    echo
    results_table
fi
