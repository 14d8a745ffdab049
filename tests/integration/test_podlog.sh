# pods/log through the API server (`kubectl logs`), against a fake kubelet of the test's
# own: a few lines of python serving /containerLogs over TLS on a free port, registered as
# a Node's daemon endpoint. The real kubelet's side is in tests/e2e/test_server.sh.

# start_fake_kubelet: the fake kubelet on a free port (FK_PORT, FK_PID); it answers
# /containerLogs/<ns>/<pod>/<container> with the path and query it got, then three lines
# (with follow=true, 0.3 s apart), and 400 with the kubelet's words for previous=true.
start_fake_kubelet() {
    FK_PORT=$(free_port)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -keyout "$CUBE_DIR/fk.key" -out "$CUBE_DIR/fk.crt" -subj /CN=fake-kubelet 2>/dev/null
    cat >"$CUBE_DIR/fk.py" <<'PY'
import http.server, ssl, sys, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *a): pass
    def do_GET(self):
        peer = self.connection.getpeercert()
        cn = dict(x[0] for x in peer["subject"])["commonName"] if peer else "none"
        if "previous=true" in self.path:
            self.send_response(400); self.end_headers()
            self.wfile.write(b'previous terminated container "c1" in pod "p1" not found\n'); return
        self.send_response(200); self.send_header("Content-Type", "text/plain"); self.end_headers()
        self.wfile.write(("path %s cn %s\n" % (self.path, cn)).encode()); self.wfile.flush()
        for i in range(3):
            if "follow=true" in self.path: time.sleep(0.3)
            self.wfile.write(b"line %d\n" % i); self.wfile.flush()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
ctx.verify_mode = ssl.CERT_OPTIONAL
ctx.load_verify_locations(sys.argv[4])
s = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()
PY
    /usr/bin/python3 "$CUBE_DIR/fk.py" "$FK_PORT" "$CUBE_DIR/fk.crt" "$CUBE_DIR/fk.key" \
        "$CUBE_DIR/pki/ca.crt" >"$CUBE_DIR/fk.log" 2>&1 &
    FK_PID=$!
    echo "$FK_PID" >>"$TESTS_TMP/pids"
    for _ in $(seq 50); do
        curl -sk -o /dev/null "https://127.0.0.1:$FK_PORT/" && return 0
        sleep 0.1
    done
    fail "fake kubelet did not start: $(cat "$CUBE_DIR/fk.log")"
}

# A Node n1 whose kubelet is the fake one (of this test: the file's tests share a server),
# and pods on it.
fake_node_and_pods() {
    kc apply -f - >/dev/null <<EOF2
apiVersion: v1
kind: Node
metadata: {name: n1}
EOF2
    kc patch node n1 --subresource=status --type=merge -p "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":$FK_PORT}}}}" >/dev/null
    kc apply -f - >/dev/null <<'EOF2'
apiVersion: v1
kind: Pod
metadata: {name: p1}
spec:
  nodeName: n1
  containers: [{name: c1, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: p2}
spec:
  nodeName: n1
  initContainers: [{name: init, image: busybox}]
  containers: [{name: a, image: busybox}, {name: b, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: p3}
spec:
  containers: [{name: c, image: busybox}]
EOF2
}

test_kubectl_logs_reaches_the_kubelet() {
    start_fake_kubelet
    fake_node_and_pods
    assert_ok kc logs p1 --tail=2 --timestamps
    assert_eq "path /containerLogs/default/p1/c1?timestamps=true&tailLines=2 cn kube-apiserver-kubelet-client
line 0
line 1
line 2" "$OUT"
    assert_ok kc logs p2 -c b
    assert_match "$OUT" '^path /containerLogs/default/p2/b '
    # followed: the lines arrive as the kubelet writes them, and the stream ends with it
    assert_ok kc logs -f p1
    assert_match "$OUT" '^path /containerLogs/default/p1/c1\?follow=true '
    assert_match "$OUT" '^line 2$'
}

test_kubectl_logs_errors_as_kubernetes() {
    start_fake_kubelet
    fake_node_and_pods
    # kubectl picks the first container itself; the API answers a bare request as Kubernetes
    assert_ok kc logs p2
    assert_match "$OUT" '^Defaulted container "a" out of: a, b, init \(init\)$'
    local body
    body=$(cube_curl -w '\n%{http_code}' /api/v1/namespaces/default/pods/p2/log)
    assert_eq 400 "$(tail -1 <<<"$body")"
    assert_eq 'a container name must be specified for pod p2, choose one of: [a b] or one of the init containers: [init]' \
        "$(head -1 <<<"$body" | jq -r .message)"
    assert_fails_with "not valid" kc logs p1 -c nope
    assert_eq 'error: container nope is not valid for pod p1' "$OUT" "kubectl checks it itself"
    assert_fails_with "host assigned" kc logs p3
    assert_eq 'Error from server (BadRequest): pod p3 does not have a host assigned' "$OUT"
    assert_fails_with "not found" kc logs p1 --previous
    assert_eq 'Error from server (BadRequest): previous terminated container "c1" in pod "p1" not found' "$OUT"
    assert_fails_with "NotFound" kc logs nosuch
    assert_eq 'error: error from server (NotFound): pods "nosuch" not found in namespace "default"' "$OUT"
}

test_pods_log_needs_its_own_permission() {
    start_fake_kubelet
    fake_node_and_pods
    kc create clusterrole pod-reader --verb=get,list --resource=pods >/dev/null
    kc create clusterrolebinding bob-reads --clusterrole=pod-reader --user=bob >/dev/null
    assert_ok kc get pod p1 --as bob
    assert_fails_with "Forbidden" kc logs p1 --as bob
    assert_eq 'Error from server (Forbidden): pods "p1" is forbidden: User "bob" cannot get resource "pods/log" in API group "" in the namespace "default"' "$OUT"
}
