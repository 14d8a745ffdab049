# The audit log: `cube apiserver --audit-policy-file --audit-log-path` with Kubernetes'
# audit.k8s.io/v1 Policy. Each test starts its own API server with the policy below and
# reads the JSON lines it writes (written by a thread of their own: waited for).

audit_policy() {
    cat >"$1" <<'EOF2'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  resources: [{group: "", resources: [secrets]}]
- level: RequestResponse
  resources: [{group: "", resources: [configmaps]}]
- level: None
EOF2
}

# audit_start DIR [flags...]
audit_start() {
    local dir=$1
    shift
    mkdir -p "$dir"
    audit_policy "$dir/policy.yaml"
    start_cube "$dir" --audit-policy-file "$dir/policy.yaml" --audit-log-path "$dir/audit.log" "$@" ||
        fail "cube apiserver did not start"
}

# audit_lines_for DIR JQ-FILTER: the audit events that pass the filter, waited for (5 s).
audit_wait() {
    local i
    for i in $(seq 50); do
        [ -n "$(jq -c "select($2)" "$1/audit.log" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    fail "no audit event matches $2 in $1/audit.log: $(tail -c 600 "$1/audit.log" 2>/dev/null)"
}

test_audit_levels_and_audit_id() {
    local d="$TESTS_TMP/audit1" id
    audit_start "$d"
    assert_ok kc create secret generic s1 --from-literal=k=v
    assert_ok kc create configmap c1 --from-literal=k=hello
    assert_ok kc get pods
    id=$(cube_curl -D - -o /dev/null /api/v1/namespaces/default/secrets/s1 | awk 'tolower($1) == "audit-id:" { print $2 }' | tr -d '\r')
    assert_match "$id" '^[0-9a-f-]{36}$'
    audit_wait "$d" ".auditID == \"$id\""
    local ev
    ev=$(jq -c "select(.auditID == \"$id\")" "$d/audit.log")
    assert_eq 1 "$(wc -l <<<"$ev")" "one line: RequestReceived is omitted"
    assert_eq '"Event","audit.k8s.io/v1","Metadata","ResponseComplete","get","/api/v1/namespaces/default/secrets/s1",200' \
        "$(jq -r '[.kind,.apiVersion,.level,.stage,.verb,.requestURI,.responseStatus.code] | map(tojson) | join(",")' <<<"$ev")"
    assert_eq '{"resource":"secrets","namespace":"default","name":"s1","apiVersion":"v1"}' "$(jq -c .objectRef <<<"$ev")"
    assert_eq "null null" "$(jq -r '"\(.requestObject) \(.responseObject)"' <<<"$ev")" "Metadata: no bodies"
    # RequestResponse: the create's request and response objects
    audit_wait "$d" '.objectRef.resource == "configmaps" and .verb == "create"'
    ev=$(jq -c 'select(.objectRef.resource == "configmaps" and .verb == "create")' "$d/audit.log")
    assert_eq "hello hello 201" "$(jq -r '"\(.requestObject.data.k) \(.responseObject.data.k) \(.responseStatus.code)"' <<<"$ev")"
    # level None: pods are not logged
    assert_eq "" "$(jq -c 'select(.objectRef.resource == "pods")' "$d/audit.log")"
    stop_cube
}

test_audit_records_refusals() {
    local d="$TESTS_TMP/audit2"
    audit_start "$d"
    assert_fails_with "Forbidden" kc get secret s1 --as bob
    audit_wait "$d" '.user.username == "bob"'
    local ev
    ev=$(jq -c 'select(.user.username == "bob")' "$d/audit.log" | head -1)
    assert_eq '403 "Forbidden" "forbid"' \
        "$(jq -r '"\(.responseStatus.code) \(.responseStatus.reason | tojson) \(.annotations["authorization.k8s.io/decision"] | tojson)"' <<<"$ev")"
    stop_cube
}

test_audit_log_rotates() {
    local d="$TESTS_TMP/audit3" i
    audit_start "$d" --audit-log-maxsize 1 --audit-log-maxbackup 2
    head -c 300000 /dev/zero | tr '\0' x >"$d/big.txt"
    for i in 1 2 3 4 5 6 7 8; do
        kc create configmap "big$i" --from-file=v="$d/big.txt" >/dev/null || fail "create big$i"
    done
    audit_wait "$d" '.objectRef.name == "big8"'
    local backups
    backups=$(find "$d" -maxdepth 1 -name 'audit-*.log' | wc -l)
    [ "$backups" -ge 1 ] && [ "$backups" -le 2 ] || fail "$backups rotated files (want 1-2)"
    [ "$(stat -c %s "$d/audit.log")" -le $((1024 * 1024 + 700000)) ] || fail "audit.log not rotated"
    stop_cube
}
