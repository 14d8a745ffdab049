# Legacy service-account token Secrets: created explicitly by a user (none is made
# automatically, as in Kubernetes >= 1.24), filled by the API server as Kubernetes' token
# controller fills them, and accepted while the Secret holds the token.

token_user() { # TOKEN -> the username the API server sees for it
    kubectl --kubeconfig /dev/null --server "https://127.0.0.1:$CUBE_PORT" \
        --certificate-authority "$CUBE_DIR/pki/ca.crt" --token "$1" \
        auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1
}

test_legacy_token_secret_is_filled_and_authenticates() {
    kc create namespace lt >/dev/null
    kc create serviceaccount builder -n lt >/dev/null
    kc apply -f - >/dev/null <<'EOF2'
apiVersion: v1
kind: Secret
metadata:
  name: builder-token
  namespace: lt
  annotations: {kubernetes.io/service-account.name: builder}
type: kubernetes.io/service-account-token
EOF2
    local token uid
    token=$(kc get secret builder-token -n lt -o jsonpath='{.data.token}' | base64 -d)
    [ -n "$token" ] || fail "no token in the Secret"
    assert_eq "lt" "$(kc get secret builder-token -n lt -o jsonpath='{.data.namespace}' | base64 -d)"
    assert_match "$(kc get secret builder-token -n lt -o jsonpath='{.data.ca\.crt}' | base64 -d | head -1)" '^-----BEGIN CERTIFICATE-----$'
    uid=$(kc get serviceaccount builder -n lt -o jsonpath='{.metadata.uid}')
    assert_eq "$uid" "$(kc get secret builder-token -n lt -o jsonpath='{.metadata.annotations.kubernetes\.io/service-account\.uid}')"
    assert_eq "system:serviceaccount:lt:builder" "$(token_user "$token")"
    # the claims Kubernetes puts in a legacy token
    local claims
    claims=$(cut -d. -f2 <<<"$token" | tr '_-' '/+' | base64 -d 2>/dev/null || true)
    [ -n "$claims" ] || claims=$(cut -d. -f2 <<<"$token" | tr '_-' '/+' | sed 's/$/==/' | base64 -d 2>/dev/null)
    assert_eq "kubernetes/serviceaccount builder-token" "$(jq -r '"\(.iss) \(.["kubernetes.io/serviceaccount/secret.name"])"' <<<"$claims")"
    # gone with its Secret
    kc delete secret builder-token -n lt >/dev/null
    assert_match "$(token_user "$token")" 'Unauthorized'
}

test_no_token_without_an_account() {
    kc create namespace lt2 >/dev/null
    kc apply -f - >/dev/null <<'EOF2'
apiVersion: v1
kind: Secret
metadata:
  name: orphan-token
  namespace: lt2
  annotations: {kubernetes.io/service-account.name: nobody}
type: kubernetes.io/service-account-token
EOF2
    assert_eq "" "$(kc get secret orphan-token -n lt2 -o jsonpath='{.data.token}')"
}
