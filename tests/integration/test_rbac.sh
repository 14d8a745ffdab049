# RBAC: users other than system:masters get only what Roles and ClusterRoles
# bound to them grant, with Kubernetes' Forbidden messages. Users are x509
# identities minted here with the cluster CA (CN = user, O = groups), the way
# an administrator adds users to a real cluster.

# as_user NAME [GROUP...]: writes a kubeconfig for NAME and prints its path.
as_user() {
    local name=$1 d
    shift
    d=$CUBE_DIR/users/${name//:/_} # KUBECONFIG is a ':'-separated list
    mkdir -p "$d"
    if [ ! -s "$d/kubeconfig" ]; then
        local subj="/CN=$name" g
        for g in "$@"; do subj="$subj/O=$g"; done
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout "$d/key.pem" -out "$d/csr.pem" -subj "$subj" 2>/dev/null
        openssl x509 -req -in "$d/csr.pem" -CA "$CUBE_DIR/pki/ca.crt" -CAkey "$CUBE_DIR/pki/ca.key" \
            -CAcreateserial -days 1 -out "$d/cert.pem" 2>/dev/null
        KUBECONFIG=$d/kubeconfig kubectl config set-cluster c --server "https://127.0.0.1:$CUBE_PORT" \
            --certificate-authority "$CUBE_DIR/pki/ca.crt" --embed-certs >/dev/null
        KUBECONFIG=$d/kubeconfig kubectl config set-credentials u --client-certificate "$d/cert.pem" \
            --client-key "$d/key.pem" --embed-certs >/dev/null
        KUBECONFIG=$d/kubeconfig kubectl config set-context c --cluster c --user u >/dev/null
        KUBECONFIG=$d/kubeconfig kubectl config use-context c >/dev/null
    fi
    echo "$d/kubeconfig"
}

# ku KUBECONFIG ARGS...: kubectl as that user.
ku() {
    local k=$1
    shift
    kubectl --kubeconfig "$k" --cache-dir "$CUBE_DIR/kcache-$(basename "$(dirname "$k")")" "$@"
}

test_no_binding_is_forbidden_with_kubernetes_messages() {
    ns=$(new_ns rb)
    k=$(as_user "alice-$ns")
    assert_fails_with '' ku "$k" get pods -n "$ns"
    assert_eq "Error from server (Forbidden): pods is forbidden: User \"alice-$ns\" cannot list resource \"pods\" in API group \"\" in the namespace \"$ns\"" "$OUT"
    assert_fails_with '' ku "$k" get pod web -n "$ns"
    assert_eq "Error from server (Forbidden): pods \"web\" is forbidden: User \"alice-$ns\" cannot get resource \"pods\" in API group \"\" in the namespace \"$ns\"" "$OUT"
    assert_fails_with '' ku "$k" get nodes
    assert_eq "Error from server (Forbidden): nodes is forbidden: User \"alice-$ns\" cannot list resource \"nodes\" in API group \"\" at the cluster scope" "$OUT"
    assert_fails_with '' ku "$k" get deployments.apps -n "$ns"
    assert_eq "Error from server (Forbidden): deployments.apps is forbidden: User \"alice-$ns\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"$ns\"" "$OUT"
    assert_fails_with '' ku "$k" get --raw /metrics
    assert_eq "Error from server (Forbidden): forbidden: User \"alice-$ns\" cannot get path \"/metrics\"" "$OUT"
    # every authenticated user may discover the API and read the version
    assert_ok ku "$k" get --raw /version
    assert_ok ku "$k" get --raw /api
}

test_rolebinding_grants_only_in_its_namespace() {
    ns=$(new_ns rb)
    other=$(new_ns rb)
    k=$(as_user "bob-$ns")
    mkcm "$ns" cfg a=b >/dev/null
    kc create rolebinding bob-view --clusterrole view --user "bob-$ns" -n "$ns" >/dev/null
    assert_ok ku "$k" get configmap cfg -n "$ns" -o name
    assert_eq configmap/cfg "$OUT"
    assert_fails_with 'cannot list resource "configmaps"' ku "$k" get cm -n "$other"
    # view does not write
    assert_fails_with '' ku "$k" delete cm cfg -n "$ns"
    assert_eq "Error from server (Forbidden): configmaps \"cfg\" is forbidden: User \"bob-$ns\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"$ns\"" "$OUT"
    # edit does
    kc create rolebinding bob-edit --clusterrole edit --user "bob-$ns" -n "$ns" >/dev/null
    assert_ok ku "$k" delete cm cfg -n "$ns"
}

test_role_with_resource_names_and_subresources() {
    ns=$(new_ns rb)
    k=$(as_user "carol-$ns")
    mkcm "$ns" one >/dev/null
    mkcm "$ns" two >/dev/null
    kc create role cm-one --verb get --resource configmaps --resource-name one -n "$ns" >/dev/null
    kc create rolebinding carol --role cm-one --user "carol-$ns" -n "$ns" >/dev/null
    assert_ok ku "$k" get cm one -n "$ns" -o name
    assert_fails_with 'configmaps "two" is forbidden' ku "$k" get cm two -n "$ns"
    assert_fails_with 'cannot list resource "configmaps"' ku "$k" get cm -n "$ns"
    # a subresource is its own resource: deployments/scale is not deployments
    kc create deployment web --image nginx -n "$ns" >/dev/null
    kc create role scaler --verb get,patch,update --resource deployments/scale -n "$ns" >/dev/null
    kc create rolebinding carol-scale --role scaler --user "carol-$ns" -n "$ns" >/dev/null
    assert_ok ku "$k" get --raw "/apis/apps/v1/namespaces/$ns/deployments/web/scale"
    assert_fails_with 'cannot get resource "deployments" in API group "apps"' ku "$k" get deployment web -n "$ns"
}

test_group_clusterrolebinding() {
    ns=$(new_ns rb)
    k=$(as_user "dave-$ns" "auditors-$ns")
    kc create clusterrolebinding "auditors-$ns" --clusterrole view --group "auditors-$ns" >/dev/null
    assert_ok ku "$k" get configmaps -A -o name
    assert_fails_with 'cannot list resource "nodes"' ku "$k" get nodes
}

test_aggregated_clusterrole_picks_up_labelled_rules() {
    ns=$(new_ns rb)
    k=$(as_user "erin-$ns")
    kc create clusterrolebinding "erin-$ns" --clusterrole view --user "erin-$ns" >/dev/null
    assert_fails_with 'cannot list resource "nodes"' ku "$k" get nodes
    kc apply --validate=false -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: nodes-reader-$ns
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["get", "list", "watch"]
EOF
    assert_ok ku "$k" get nodes
    # and through view into edit into admin
    kc create rolebinding "erin-admin" --clusterrole admin --user "erin-$ns" -n "$ns" >/dev/null
    assert_ok ku "$k" create configmap made-by-admin -n "$ns"
}

test_bootstrap_policy() {
    out=$(kc get clusterrolebinding cluster-admin -o jsonpath='{.roleRef.name} {.subjects[0].kind}/{.subjects[0].name}')
    assert_eq "cluster-admin Group/system:masters" "$out"
    out=$(kc get clusterrole cluster-admin -o jsonpath='{.rules[0].verbs} {.metadata.annotations.rbac\.authorization\.kubernetes\.io/autoupdate}')
    assert_eq '["*"] true' "$out"
    # the aggregated roles carry their gathered rules, as the aggregation controller writes them
    out=$(kc get clusterrole view -o json | jq '[.rules[].resources[]] | index("pods") != null')
    assert_eq true "$out" "view grants pods"
    out=$(kc get clusterrole admin -o json | jq '[.rules[].resources[]] | index("rolebindings") != null')
    assert_eq true "$out" "admin grants rolebindings"
    for r in admin edit view system:discovery system:basic-user system:public-info-viewer \
        system:kube-scheduler system:kube-controller-manager system:node system:node-proxier; do
        assert_ok kc get clusterrole "$r" -o name
    done
}

test_anonymous_reads_health_only() {
    out=$(curl -sk "https://127.0.0.1:$CUBE_PORT/healthz")
    assert_eq ok "$out"
    code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$CUBE_PORT/api/v1/pods")
    assert_eq 401 "$code"
}

# ku_token TOKEN ARGS...: kubectl with a bearer token and nothing else.
ku_token() {
    local t=$1
    shift
    kubectl --server "https://127.0.0.1:$CUBE_PORT" --certificate-authority "$CUBE_DIR/pki/ca.crt" \
        --token "$t" --cache-dir "$CUBE_DIR/kcache-token" "$@"
}

test_service_account_token_authenticates_until_the_account_is_gone() {
    ns=$(new_ns sa)
    kc create serviceaccount robot -n "$ns" >/dev/null
    t=$(kc create token robot -n "$ns")
    assert_fails_with '' ku_token "$t" get pods -n "$ns"
    assert_eq "Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:$ns:robot\" cannot list resource \"pods\" in API group \"\" in the namespace \"$ns\"" "$OUT"
    kc create rolebinding robot-view --clusterrole view --serviceaccount "$ns:robot" -n "$ns" >/dev/null
    assert_ok ku_token "$t" get pods -n "$ns"
    assert_eq "No resources found in $ns namespace." "$OUT"
    # the token is bound to the account's uid: deleting the account revokes it
    kc delete serviceaccount robot -n "$ns" >/dev/null
    assert_fails_with '' ku_token "$t" get pods -n "$ns"
    assert_eq "error: You must be logged in to the server (Unauthorized)" "$OUT"
    # a recreated account of the same name does not revive the old token
    kc create serviceaccount robot -n "$ns" >/dev/null
    assert_fails_with 'Unauthorized' ku_token "$t" get pods -n "$ns"
}

test_create_token_errors() {
    ns=$(new_ns sa)
    assert_fails_with '' kc create token nope -n "$ns"
    assert_eq 'error: failed to create token: serviceaccounts "nope" not found' "$OUT"
    kc create serviceaccount robot -n "$ns" >/dev/null
    assert_fails_with 'may not specify a duration less than 10 minutes' kc create token robot -n "$ns" --duration 1m
    # the token's claims: issuer, audience, subject, expiry one hour out by default
    t=$(kc create token robot -n "$ns")
    claims=$(cut -d. -f2 <<<"$t" | tr '_-' '/+' | base64 -d 2>/dev/null || true)
    assert_eq "system:serviceaccount:$ns:robot" "$(jq -r .sub <<<"$claims")" sub
    assert_eq "https://kubernetes.default.svc.cluster.local" "$(jq -r .iss <<<"$claims")" iss
    assert_eq 3600 "$(jq -r '.exp - .iat' <<<"$claims")" lifetime
}

test_auth_whoami_and_can_i() {
    out=$(kc auth whoami)
    assert_eq "ATTRIBUTE   VALUE
Username    admin
Groups      [system:masters system:authenticated]" "$out"
    assert_eq yes "$(kc auth can-i delete nodes)"
    ns=$(new_ns sa)
    kc create serviceaccount robot -n "$ns" >/dev/null
    t=$(kc create token robot -n "$ns")
    out=$(ku_token "$t" auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}')
    assert_eq "system:serviceaccount:$ns:robot [\"system:serviceaccounts\",\"system:serviceaccounts:$ns\",\"system:authenticated\"]" "$out"
    out=$(ku_token "$t" auth can-i list pods -n "$ns" 2>&1 || true)
    assert_eq no "$out"
    kc create rolebinding robot-edit --clusterrole edit --serviceaccount "$ns:robot" -n "$ns" >/dev/null
    assert_eq yes "$(ku_token "$t" auth can-i create deployments.apps -n "$ns")"
    out=$(ku_token "$t" auth can-i create deployments.apps -n default 2>&1 || true)
    assert_eq no "$out"
    # the rules list shows what the role grants
    out=$(ku_token "$t" auth can-i --list -n "$ns")
    assert_match "$out" '^deployments\.apps +\[\] +\[\] +\[create delete deletecollection patch update get list watch\]'
}

test_impersonation_needs_the_impersonate_verb() {
    ns=$(new_ns imp)
    assert_eq no "$(kc auth can-i list pods -n "$ns" --as "jane-$ns" 2>&1 || true)"
    out=$(kc auth whoami --as "jane-$ns" --as-group devs --as-group ops)
    assert_eq "ATTRIBUTE   VALUE
Username    jane-$ns
Groups      [devs ops system:authenticated]" "$out"
    kc create serviceaccount robot -n "$ns" >/dev/null
    t=$(kc create token robot -n "$ns")
    assert_fails_with '' ku_token "$t" get pods -n "$ns" --as "jane-$ns"
    assert_eq "Error from server (Forbidden): users \"jane-$ns\" is forbidden: User \"system:serviceaccount:$ns:robot\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope" "$OUT"
}

test_openid_discovery_documents() {
    out=$(kc get --raw /.well-known/openid-configuration | jq -r '.issuer + " " + .jwks_uri')
    assert_eq "https://kubernetes.default.svc.cluster.local https://kubernetes.default.svc.cluster.local/openid/v1/jwks" "$out"
    out=$(kc get --raw /openid/v1/jwks | jq -r '.keys[0] | .kty + " " + .alg + " " + .use')
    assert_eq "RSA RS256 sig" "$out"
    # the tokens name that key
    ns=$(new_ns sa)
    kc create serviceaccount robot -n "$ns" >/dev/null
    t=$(kc create token robot -n "$ns")
    hdr=$(cut -d. -f1 <<<"$t" | tr '_-' '/+')
    while [ $((${#hdr} % 4)) -ne 0 ]; do hdr="$hdr="; done
    assert_eq "$(kc get --raw /openid/v1/jwks | jq -r '.keys[0].kid')" "$(base64 -d <<<"$hdr" | jq -r .kid)" kid
}

test_node_authorizer_limits_a_kubelet_to_what_its_pods_use() {
    ns=$(new_ns node)
    k=$(as_user "system:node:n1-$ns" system:nodes)
    for s in used unused; do kc create secret generic "$s" -n "$ns" --from-literal a=b >/dev/null; done
    kc create configmap cfg -n "$ns" --from-literal a=b >/dev/null
    kc create serviceaccount runner -n "$ns" >/dev/null
    kc create serviceaccount other -n "$ns" >/dev/null
    kc create -n "$ns" -f - >/dev/null <<EOF2
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  nodeName: n1-$ns
  serviceAccountName: runner
  containers:
  - name: c
    image: busybox
    env:
    - name: X
      valueFrom: {configMapKeyRef: {name: cfg, key: a}}
  volumes:
  - name: s
    secret: {secretName: used}
EOF2
    assert_ok ku "$k" get secret used -n "$ns" -o name
    assert_fails_with '' ku "$k" get secret unused -n "$ns"
    assert_eq "Error from server (Forbidden): secrets \"unused\" is forbidden: User \"system:node:n1-$ns\" cannot get resource \"secrets\" in API group \"\" in the namespace \"$ns\"" "$OUT"
    assert_fails_with 'cannot list resource "secrets"' ku "$k" get secrets -n "$ns"
    assert_ok ku "$k" get configmap cfg -n "$ns" -o name
    # tokens only for the account its pod runs as
    assert_ok ku "$k" create token runner -n "$ns"
    assert_fails_with 'cannot create resource "serviceaccounts/token"' ku "$k" create token other -n "$ns"
    # the rest of the system:node role: nodes, pods, leases
    assert_ok ku "$k" get nodes
    assert_ok ku "$k" get pods -A
    # another node sees none of it
    k2=$(as_user "system:node:n2-$ns" system:nodes)
    assert_fails_with 'cannot get resource "secrets"' ku "$k2" get secret used -n "$ns"
}

test_escalation_is_refused_unless_held_or_allowed() {
    ns=$(new_ns esc)
    k=$(as_user "frank-$ns")
    kc create rolebinding frank-admin --clusterrole admin --user "frank-$ns" -n "$ns" >/dev/null
    # what admin holds, admin may grant
    assert_ok ku "$k" create role pod-reader --verb get,list --resource pods -n "$ns"
    assert_ok ku "$k" create rolebinding others-view --clusterrole view --user someone -n "$ns"
    # what it does not hold, it may not
    assert_fails_with '' ku "$k" create role pv-reader --verb get --resource persistentvolumes -n "$ns"
    assert_eq "Error from server (Forbidden): roles.rbac.authorization.k8s.io \"pv-reader\" is forbidden: user \"frank-$ns\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:
{APIGroups:[\"\"], Resources:[\"persistentvolumes\"], Verbs:[\"get\"]}" "$OUT"
    assert_fails_with 'is attempting to grant RBAC permissions not currently held' \
        ku "$k" create rolebinding me-cluster-admin --clusterrole cluster-admin --user "frank-$ns" -n "$ns"
    # `bind` on a role lets one bind it without holding it
    kc create clusterrole "bind-ca-$ns" --verb bind --resource clusterroles --resource-name cluster-admin >/dev/null
    kc create clusterrolebinding "frank-bind-$ns" --clusterrole "bind-ca-$ns" --user "frank-$ns" >/dev/null
    assert_ok ku "$k" create rolebinding me-cluster-admin --clusterrole cluster-admin --user "frank-$ns" -n "$ns"
}

test_node_restriction_keeps_a_node_to_itself() {
    ns=$(new_ns nr)
    k=$(as_user "system:node:a-$ns" system:nodes)
    for n in "a-$ns" "b-$ns"; do
        kc create -f - >/dev/null <<EOF2
{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "$n"}}
EOF2
    done
    assert_ok ku "$k" label node "a-$ns" mine=yes
    assert_fails_with '' ku "$k" label node "b-$ns" mine=yes
    assert_eq "Error from server (Forbidden): nodes \"b-$ns\" is forbidden: node \"a-$ns\" is not allowed to modify node \"b-$ns\"" "$OUT"
    assert_fails_with '' ku "$k" run p -n "$ns" --image busybox --overrides "{\"spec\":{\"nodeName\":\"a-$ns\"}}"
    assert_eq "Error from server (Forbidden): pods \"p\" is forbidden: pod does not have \"kubernetes.io/config.mirror\" annotation, node \"a-$ns\" can only create mirror pods" "$OUT"
}
