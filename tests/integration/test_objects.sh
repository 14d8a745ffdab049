# Everyday object work through kubectl: create from manifests, every common
# `get` output, selectors, watch, describe, patch, label/annotate, scale,
# delete, the imperative generators and apply. Expected outputs are what
# kubectl v1.32 prints against a real API server (no controllers running, so
# pods stay Pending and deployments have no replicas).

cm_manifest() { # NAME [app-label]
    cat <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: $1
  labels:
    app: ${2:-a}
data:
  k: v
EOF
}

pod_manifest() { # NAME
    cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
    ports:
    - containerPort: 80
EOF
}

deploy_manifest() { # NAME
    cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
EOF
}

svc_manifest() { # NAME
    cat <<EOF
apiVersion: v1
kind: Service
metadata:
  name: $1
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
EOF
}

kcreate() { # NS: creates the manifest on stdin in NS
    kc create --validate=false -n "$1" -f -
}

test_create_from_manifests() {
    ns=$(new_ns cr)
    out=$({
        cm_manifest cfg
        echo ---
        pod_manifest web
        echo ---
        deploy_manifest web
        echo ---
        svc_manifest web
    } | kcreate "$ns")
    assert_eq "$(printf '%s\n' 'configmap/cfg created' 'pod/web created' \
        'deployment.apps/web created' 'service/web created')" "$out"
    assert_eq v "$(kc get cm cfg -n "$ns" -o jsonpath='{.data.k}')"
}

test_get_pod_table() {
    ns=$(new_ns gp)
    pod_manifest web | kcreate "$ns" >/dev/null
    out=$(kc get pods -n "$ns")
    assert_eq "NAME   READY   STATUS    RESTARTS   AGE" "$(head -n 1 <<<"$out")" header
    assert_match "$(sed -n 2p <<<"$out")" '^web    0/1     Pending   0          [0-9]+s$' row
    assert_eq 2 "$(wc -l <<<"$out")" "line count"
}

test_get_pod_wide() {
    ns=$(new_ns gw)
    pod_manifest web | kcreate "$ns" >/dev/null
    out=$(kc get pods -n "$ns" -o wide)
    assert_match "$(head -n 1 <<<"$out")" \
        '^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$' header
    assert_match "$(sed -n 2p <<<"$out")" \
        '^web +0/1 +Pending +0 +[0-9]+s +<none> +<none> +<none> +<none>$' row
}

test_get_deployment_table() {
    ns=$(new_ns gd)
    deploy_manifest web | kcreate "$ns" >/dev/null
    out=$(kc get deployments -n "$ns")
    assert_eq "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" "$(head -n 1 <<<"$out")" header
    assert_match "$(sed -n 2p <<<"$out")" '^web    0/2     0            0           [0-9]+s$' row
    out=$(kc get deploy -n "$ns" -o wide)
    assert_match "$(head -n 1 <<<"$out")" \
        '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE +CONTAINERS +IMAGES +SELECTOR$' "wide header"
    assert_match "$(sed -n 2p <<<"$out")" '^web +0/2 +0 +0 +[0-9]+s +nginx +nginx:1\.25 +app=web$' "wide row"
}

test_get_configmap_and_secret_tables() {
    ns=$(new_ns gc)
    cm_manifest cfg | kcreate "$ns" >/dev/null
    kcreate "$ns" >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: sec
data:
  a: MQ==
  b: Mg==
EOF
    out=$(kc get configmaps -n "$ns")
    assert_eq "NAME   DATA   AGE" "$(head -n 1 <<<"$out")" header
    assert_match "$(sed -n 2p <<<"$out")" '^cfg    1      [0-9]+s$' row
    out=$(kc get secrets -n "$ns")
    assert_eq "NAME   TYPE     DATA   AGE" "$(head -n 1 <<<"$out")" "secret header"
    assert_match "$(sed -n 2p <<<"$out")" '^sec    Opaque   2      [0-9]+s$' "secret row"
}

test_get_service_table_and_defaults() {
    ns=$(new_ns gs)
    svc_manifest web | kcreate "$ns" >/dev/null
    out=$(kc get services -n "$ns")
    assert_match "$(head -n 1 <<<"$out")" '^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE$' header
    assert_match "$(sed -n 2p <<<"$out")" '^web +ClusterIP +10\.43\.[0-9]+\.[0-9]+ +<none> +80/TCP +[0-9]+s$' row
    js=$(kc get svc web -n "$ns" -o json)
    assert_eq ClusterIP "$(jq -r .spec.type <<<"$js")" type
    assert_eq None "$(jq -r .spec.sessionAffinity <<<"$js")" sessionAffinity
    assert_eq TCP "$(jq -r '.spec.ports[0].protocol' <<<"$js")" protocol
    assert_eq 8080 "$(jq -r '.spec.ports[0].targetPort' <<<"$js")" targetPort
    assert_eq "$(jq -r .spec.clusterIP <<<"$js")" "$(jq -r '.spec.clusterIPs[0]' <<<"$js")" clusterIPs
    assert_eq '["IPv4"]' "$(jq -c .spec.ipFamilies <<<"$js")" ipFamilies
    assert_eq SingleStack "$(jq -r .spec.ipFamilyPolicy <<<"$js")" ipFamilyPolicy
    assert_eq Cluster "$(jq -r .spec.internalTrafficPolicy <<<"$js")" internalTrafficPolicy
}

test_get_yaml_pod_defaults() {
    ns=$(new_ns gy)
    pod_manifest web | kcreate "$ns" >/dev/null
    out=$(kc get pod web -n "$ns" -o yaml)
    assert_match "$out" '^apiVersion: v1$'
    assert_match "$out" '^kind: Pod$'
    assert_match "$out" '^  name: web$'
    assert_match "$out" "^  namespace: $ns\$"
    assert_match "$out" '^  uid: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    assert_match "$out" '^  resourceVersion: "[0-9]+"$'
    assert_match "$out" '^  creationTimestamp: "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"$'
    assert_match "$out" '^    imagePullPolicy: IfNotPresent$'
    assert_match "$out" '^    terminationMessagePath: /dev/termination-log$'
    assert_match "$out" '^    terminationMessagePolicy: File$'
    assert_match "$out" '^  dnsPolicy: ClusterFirst$'
    assert_match "$out" '^  restartPolicy: Always$'
    assert_match "$out" '^  schedulerName: default-scheduler$'
    assert_match "$out" '^  terminationGracePeriodSeconds: 30$'
    assert_match "$out" '^  enableServiceLinks: true$'
    assert_match "$out" '^  phase: Pending$'
    assert_match "$out" '^  qosClass: BestEffort$'
}

test_get_json() {
    ns=$(new_ns gj)
    pod_manifest web | kcreate "$ns" >/dev/null
    out=$(kc get pod web -n "$ns" -o json)
    assert_eq Pod "$(jq -r .kind <<<"$out")"
    assert_eq v1 "$(jq -r .apiVersion <<<"$out")"
    assert_eq web "$(jq -r .metadata.labels.app <<<"$out")"
    assert_eq TCP "$(jq -r '.spec.containers[0].ports[0].protocol' <<<"$out")"
    out=$(kc get pods -n "$ns" -o json)
    assert_eq List "$(jq -r .kind <<<"$out")" "list kind"
    assert_eq '["web"]' "$(jq -c '[.items[].metadata.name]' <<<"$out")"
}

test_get_jsonpath_and_name() {
    ns=$(new_ns gn)
    pod_manifest web | kcreate "$ns" >/dev/null
    cm_manifest cfg | kcreate "$ns" >/dev/null
    assert_eq web "$(kc get pod web -n "$ns" -o jsonpath='{.metadata.name}')"
    assert_eq "pod/web" "$(kc get pods -n "$ns" -o name)"
    assert_eq "configmap/cfg" "$(kc get cm -n "$ns" -o name)"
    assert_eq "web nginx:1.25" \
        "$(kc get pods -n "$ns" -o jsonpath='{range .items[*]}{.metadata.name} {.spec.containers[0].image}{end}')"
    out=$(kc get pods -n "$ns" -o custom-columns=N:.metadata.name,P:.status.phase)
    assert_eq "$(printf 'N     P\nweb   Pending')" "$out" custom-columns
}

test_label_selectors() {
    ns=$(new_ns ls)
    for x in a b c; do cm_manifest "cm-$x" "$x" | kcreate "$ns" >/dev/null; done
    mkcm "$ns" cm-none >/dev/null
    assert_eq "configmap/cm-a" "$(kc get cm -n "$ns" -l app=a -o name)" "app=a"
    assert_eq "$(printf 'configmap/cm-a\nconfigmap/cm-b')" \
        "$(kc get cm -n "$ns" -l 'app in (a,b)' -o name)" "app in (a,b)"
    assert_eq "$(printf 'configmap/cm-b\nconfigmap/cm-c\nconfigmap/cm-none')" \
        "$(kc get cm -n "$ns" -l 'app!=a' -o name)" "app!=a"
    assert_eq "$(printf 'configmap/cm-c\nconfigmap/cm-none')" \
        "$(kc get cm -n "$ns" -l 'app notin (a,b)' -o name)" "app notin (a,b)"
    assert_eq "configmap/cm-none" "$(kc get cm -n "$ns" -l '!app' -o name)" "!app"
    assert_eq 3 "$(kc get cm -n "$ns" -l app -o name | wc -l)" "app (exists)"
    assert_eq "configmap/cm-c" "$(kc get cm -n "$ns" -l 'app,app notin (a,b)' -o name)" "conjunction"
}

test_no_resources_message() {
    ns=$(new_ns nr)
    out=$(kc get cm -n "$ns" -l app=nothing 2>&1)
    assert_eq "No resources found in $ns namespace." "$out"
}

test_field_selectors() {
    ns=$(new_ns fs)
    cm_manifest cx | kcreate "$ns" >/dev/null
    cm_manifest cy | kcreate "$ns" >/dev/null
    pod_manifest web | kcreate "$ns" >/dev/null
    assert_eq "configmap/cx" "$(kc get cm -n "$ns" --field-selector metadata.name=cx -o name)"
    assert_eq "configmap/cy" "$(kc get cm -n "$ns" --field-selector metadata.name!=cx -o name)"
    assert_eq "pod/web" "$(kc get pods -n "$ns" --field-selector status.phase=Pending -o name)"
    assert_eq "" "$(kc get pods -n "$ns" --field-selector status.phase=Running -o name)"
    assert_eq "pod/web" "$(kc get pods -n "$ns" --field-selector spec.nodeName= -o name)"
    assert_eq "configmap/cx" \
        "$(kc get cm -A --field-selector "metadata.namespace=$ns,metadata.name=cx" -o name)"
}

test_get_all_namespaces() {
    ns1=$(new_ns a1)
    ns2=$(new_ns a2)
    cm_manifest one | kcreate "$ns1" >/dev/null
    cm_manifest two | kcreate "$ns2" >/dev/null
    out=$(kc get configmaps -A)
    assert_match "$(head -n 1 <<<"$out")" '^NAMESPACE +NAME +DATA +AGE$' header
    assert_match "$out" "^$ns1 +one +1 +[0-9]+s\$"
    assert_match "$out" "^$ns2 +two +1 +[0-9]+s\$"
    assert_eq "one" "$(kc get cm -n "$ns1" -o jsonpath='{.items[*].metadata.name}')" "-n $ns1"
}

test_get_watch_sees_changes() {
    ns=$(new_ns wa)
    mkcm "$ns" w1 k=v1 >/dev/null
    timeout 20 kubectl --kubeconfig "$CUBE_KUBECONFIG" --cache-dir "$CUBE_DIR/kcache" \
        get cm -n "$ns" -w --output-watch-events >watch.out 2>&1 &
    wpid=$!
    wait_until 10 grep -q '^ADDED *w1 ' watch.out
    kc patch cm w1 -n "$ns" --type merge -p '{"data":{"k":"v2","k2":"x"}}' >/dev/null
    mkcm "$ns" w2 a=b >/dev/null
    kc delete cm w1 -n "$ns" >/dev/null
    wait_until 10 grep -q '^DELETED *w1 ' watch.out
    kill "$wpid" 2>/dev/null || true
    wait "$wpid" 2>/dev/null || true
    out=$(cat watch.out)
    assert_match "$(head -n 1 <<<"$out")" '^EVENT +NAME +DATA +AGE$' header
    events=$(tail -n +2 <<<"$out" | awk '{print $1, $2, $3}')
    assert_eq "$(printf '%s\n' 'ADDED w1 1' 'MODIFIED w1 2' 'ADDED w2 1' 'DELETED w1 2')" "$events"
}

test_get_watch_request_timeout_ends() {
    ns=$(new_ns wt)
    mkcm "$ns" w1 >/dev/null
    t0=$SECONDS
    rc=0
    out=$(timeout 20 kubectl --kubeconfig "$CUBE_KUBECONFIG" --cache-dir "$CUBE_DIR/kcache" \
        get cm -n "$ns" -w --request-timeout=2s 2>&1) || rc=$?
    [ "$rc" -ne 124 ] || fail "watch with --request-timeout=2s did not end within 20s"
    [ $((SECONDS - t0)) -lt 15 ] || fail "watch took $((SECONDS - t0))s to end"
    assert_match "$out" '^w1 +0 +[0-9]+s$'
}

test_describe_pod() {
    ns=$(new_ns dp)
    pod_manifest web | kcreate "$ns" >/dev/null
    out=$(kc describe pod web -n "$ns")
    assert_match "$out" '^Name: +web$'
    assert_match "$out" "^Namespace: +$ns\$"
    assert_match "$out" '^Labels: +app=web$'
    assert_match "$out" '^Annotations: +<none>$'
    assert_match "$out" '^Status: +Pending$'
    assert_match "$out" '^Node: +<none>$'
    assert_match "$out" '^Containers:$'
    assert_match "$out" '^  nginx:$'
    assert_match "$out" '^    Image: +nginx:1\.25$'
    assert_match "$out" '^    Port: +80/TCP$'
    assert_match "$out" '^QoS Class: +BestEffort$'
    assert_match "$out" '^Events: +<none>$'
}

test_describe_deployment() {
    ns=$(new_ns dd)
    deploy_manifest web | kcreate "$ns" >/dev/null
    out=$(kc describe deployment web -n "$ns")
    assert_match "$out" '^Name: +web$'
    assert_match "$out" "^Namespace: +$ns\$"
    assert_match "$out" '^CreationTimestamp: +[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} '
    assert_match "$out" '^Labels: +app=web$'
    assert_match "$out" '^Selector: +app=web$'
    assert_match "$out" '^Replicas: +2 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$'
    assert_match "$out" '^StrategyType: +RollingUpdate$'
    assert_match "$out" '^MinReadySeconds: +0$'
    assert_match "$out" '^RollingUpdateStrategy: +25% max unavailable, 25% max surge$'
    assert_match "$out" '^Pod Template:$'
    assert_match "$out" '^Events: +<none>$'
}

test_describe_configmap() {
    ns=$(new_ns dc)
    cm_manifest cfg | kcreate "$ns" >/dev/null
    out=$(kc describe configmap cfg -n "$ns")
    assert_match "$out" '^Name: +cfg$'
    assert_match "$out" "^Namespace: +$ns\$"
    assert_match "$out" '^Labels: +app=a$'
    assert_match "$out" '^Annotations: +<none>$'
    # the data section, in order (blank lines are kubectl's business)
    data=$(sed -n '/^Data$/,/^BinaryData$/p' <<<"$out" | grep -v '^$')
    assert_eq "$(printf '%s\n' Data ==== k: ---- v BinaryData)" "$data" "Data section"
    assert_match "$out" '^Events: +<none>$'
}

test_patch_merge() {
    ns=$(new_ns pm)
    cm_manifest cfg | kcreate "$ns" >/dev/null
    rv0=$(kc get cm cfg -n "$ns" -o jsonpath='{.metadata.resourceVersion}')
    out=$(kc patch cm cfg -n "$ns" --type merge -p '{"data":{"k":null,"n":"1"},"metadata":{"labels":{"x":"y"}}}')
    assert_eq "configmap/cfg patched" "$out"
    js=$(kc get cm cfg -n "$ns" -o json)
    assert_eq '{"n":"1"}' "$(jq -c .data <<<"$js")" data
    assert_eq '{"app":"a","x":"y"}' "$(jq -c -S .metadata.labels <<<"$js")" labels
    rv1=$(jq -r .metadata.resourceVersion <<<"$js")
    [ "$rv1" -gt "$rv0" ] || fail "resourceVersion did not grow: $rv0 -> $rv1"
    # a patch that changes nothing
    out=$(kc patch cm cfg -n "$ns" --type merge -p '{"data":{"n":"1"}}')
    assert_eq "configmap/cfg patched (no change)" "$out"
}

test_patch_json() {
    ns=$(new_ns pj)
    cm_manifest cfg | kcreate "$ns" >/dev/null
    out=$(kc patch cm cfg -n "$ns" --type json \
        -p '[{"op":"replace","path":"/data/k","value":"w"},{"op":"add","path":"/data/z","value":"1"}]')
    assert_eq "configmap/cfg patched" "$out"
    assert_eq '{"k":"w","z":"1"}' "$(kc get cm cfg -n "$ns" -o json | jq -c -S .data)"
}

test_patch_json_failure_changes_nothing() {
    ns=$(new_ns pf)
    cm_manifest cfg | kcreate "$ns" >/dev/null
    before=$(kc get cm cfg -n "$ns" -o json)
    # the server answers 422 Invalid, which kubectl prints as "The request is invalid: ..."
    assert_fails_with "The request is invalid" kc patch cm cfg -n "$ns" --type json \
        -p '[{"op":"replace","path":"/data/k","value":"w"},{"op":"test","path":"/data/k","value":"nope"}]'
    assert_fails_with "The request is invalid" kc patch cm cfg -n "$ns" --type json \
        -p '[{"op":"remove","path":"/data/missing"}]'
    after=$(kc get cm cfg -n "$ns" -o json)
    assert_eq "$before" "$after" "object after failed patches"
}

test_patch_strategic_merges_containers_by_name() {
    ns=$(new_ns ps)
    pod_manifest web | kcreate "$ns" >/dev/null
    out=$(kc patch pod web -n "$ns" -p '{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}')
    assert_eq "pod/web patched" "$out"
    js=$(kc get pod web -n "$ns" -o json)
    assert_eq 1 "$(jq '.spec.containers | length' <<<"$js")" "containers"
    assert_eq nginx:1.26 "$(jq -r '.spec.containers[0].image' <<<"$js")" image
    assert_eq 80 "$(jq -r '.spec.containers[0].ports[0].containerPort' <<<"$js")" "ports kept"
}

test_label_and_annotate() {
    ns=$(new_ns la)
    mkcm "$ns" cfg >/dev/null
    assert_eq "configmap/cfg labeled" "$(kc label cm cfg -n "$ns" env=prod)"
    assert_fails_with "error: 'env' already has a value (prod), and --overwrite is false" \
        kc label cm cfg -n "$ns" env=dev
    assert_eq "configmap/cfg labeled" "$(kc label cm cfg -n "$ns" env=dev --overwrite)"
    assert_eq dev "$(kc get cm cfg -n "$ns" -o jsonpath='{.metadata.labels.env}')"
    assert_eq "configmap/cfg annotated" "$(kc annotate cm cfg -n "$ns" note='hello world')"
    assert_eq "hello world" "$(kc get cm cfg -n "$ns" -o jsonpath='{.metadata.annotations.note}')"
    assert_eq "configmap/cfg unlabeled" "$(kc label cm cfg -n "$ns" env-)"
    assert_eq "{}" "$(kc get cm cfg -n "$ns" -o json | jq -c '.metadata.labels // {}')"
    assert_eq "configmap/cfg" "$(kc get cm -n "$ns" -l '!env' -o name)"
}

test_scale_deployment() {
    ns=$(new_ns sc)
    deploy_manifest web | kcreate "$ns" >/dev/null
    gen0=$(kc get deploy web -n "$ns" -o jsonpath='{.metadata.generation}')
    assert_eq 1 "$gen0" "generation after create"
    assert_eq "deployment.apps/web scaled" "$(kc scale deployment web -n "$ns" --replicas=3)"
    assert_eq 3 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.replicas}')" replicas
    assert_eq 2 "$(kc get deploy web -n "$ns" -o jsonpath='{.metadata.generation}')" "generation after scale"
    sc=$(kc get --raw "/apis/apps/v1/namespaces/$ns/deployments/web/scale")
    assert_eq Scale "$(jq -r .kind <<<"$sc")" kind
    assert_eq autoscaling/v1 "$(jq -r .apiVersion <<<"$sc")" apiVersion
    assert_eq 3 "$(jq -r .spec.replicas <<<"$sc")" "scale spec.replicas"
    assert_eq app=web "$(jq -r .status.selector <<<"$sc")" "scale status.selector"
}

test_scale_precondition() {
    ns=$(new_ns sp)
    deploy_manifest web | kcreate "$ns" >/dev/null
    assert_fails_with "Expected replicas to be 5, was 2" \
        kc scale deployment web -n "$ns" --current-replicas=5 --replicas=1
    assert_eq "deployment.apps/web scaled" \
        "$(kc scale deployment web -n "$ns" --current-replicas=2 --replicas=1)"
    assert_eq 1 "$(kc get deploy web -n "$ns" -o jsonpath='{.spec.replicas}')"
}

test_delete_by_name_label_all() {
    ns=$(new_ns de)
    for x in a b c; do cm_manifest "cm-$x" "$x" | kcreate "$ns" >/dev/null; done
    cm_manifest cm-d a | kcreate "$ns" >/dev/null
    assert_eq 'configmap "cm-b" deleted' "$(kc delete cm cm-b -n "$ns")" "by name"
    assert_eq "$(printf '%s\n' 'configmap "cm-a" deleted' 'configmap "cm-d" deleted')" \
        "$(kc delete cm -n "$ns" -l app=a)" "by label"
    assert_eq 'configmap "cm-c" deleted' "$(kc delete cm -n "$ns" --all)" "--all"
    assert_eq "No resources found in $ns namespace." "$(kc get cm -n "$ns" 2>&1)"
    assert_fails_with 'Error from server (NotFound): configmaps "cm-b" not found' kc delete cm cm-b -n "$ns"
    assert_eq "" "$(kc delete cm cm-b -n "$ns" --ignore-not-found)" "--ignore-not-found"
}

test_delete_pod_wait() {
    ns=$(new_ns dw)
    pod_manifest web | kcreate "$ns" >/dev/null
    t0=$SECONDS
    assert_eq 'pod "web" deleted' "$(kc delete pod web -n "$ns" --wait=true --timeout=30s)"
    # an unscheduled pod goes at once, no 30 s grace period
    [ $((SECONDS - t0)) -lt 10 ] || fail "delete of an unscheduled pod took $((SECONDS - t0))s"
    assert_fails_with 'Error from server (NotFound): pods "web" not found' kc get pod web -n "$ns"
}

test_create_deployment_defaults() {
    ns=$(new_ns cd)
    assert_eq "deployment.apps/nginx created" "$(kc create deployment nginx -n "$ns" --image=nginx)"
    js=$(kc get deploy nginx -n "$ns" -o json)
    assert_eq 1 "$(jq -r .spec.replicas <<<"$js")" replicas
    assert_eq '{"app":"nginx"}' "$(jq -c .spec.selector.matchLabels <<<"$js")" selector
    assert_eq '{"app":"nginx"}' "$(jq -c .metadata.labels <<<"$js")" labels
    assert_eq RollingUpdate "$(jq -r .spec.strategy.type <<<"$js")" strategy.type
    assert_eq '25%' "$(jq -r .spec.strategy.rollingUpdate.maxSurge <<<"$js")" maxSurge
    assert_eq '25%' "$(jq -r .spec.strategy.rollingUpdate.maxUnavailable <<<"$js")" maxUnavailable
    assert_eq 10 "$(jq -r .spec.revisionHistoryLimit <<<"$js")" revisionHistoryLimit
    assert_eq 600 "$(jq -r .spec.progressDeadlineSeconds <<<"$js")" progressDeadlineSeconds
    c='.spec.template.spec.containers[0]'
    assert_eq nginx "$(jq -r "$c.name" <<<"$js")" container.name
    assert_eq /dev/termination-log "$(jq -r "$c.terminationMessagePath" <<<"$js")" terminationMessagePath
    assert_eq File "$(jq -r "$c.terminationMessagePolicy" <<<"$js")" terminationMessagePolicy
    assert_eq Always "$(jq -r "$c.imagePullPolicy" <<<"$js")" "imagePullPolicy (untagged image)"
    assert_eq Always "$(jq -r .spec.template.spec.restartPolicy <<<"$js")" restartPolicy
    assert_eq ClusterFirst "$(jq -r .spec.template.spec.dnsPolicy <<<"$js")" dnsPolicy
    assert_eq default-scheduler "$(jq -r .spec.template.spec.schedulerName <<<"$js")" schedulerName
    assert_eq 30 "$(jq -r .spec.template.spec.terminationGracePeriodSeconds <<<"$js")" terminationGracePeriodSeconds
    assert_eq '{}' "$(jq -c .spec.template.spec.securityContext <<<"$js")" securityContext
    assert_eq 1 "$(jq -r .metadata.generation <<<"$js")" generation
}

test_create_configmap_from_literal() {
    ns=$(new_ns cl)
    assert_eq "configmap/lit created" \
        "$(kc create configmap lit -n "$ns" --from-literal=a=1 --from-literal=b='two words')"
    assert_eq '{"a":"1","b":"two words"}' "$(kc get cm lit -n "$ns" -o json | jq -c -S .data)"
}

test_create_configmap_from_file() {
    ns=$(new_ns cf)
    printf 'lives=3\nname=cube\n' >game.properties
    printf '{"x": 1}\n' >data.json
    assert_eq "configmap/files created" \
        "$(kc create configmap files -n "$ns" --from-file=game.properties --from-file=cfg=data.json)"
    js=$(kc get cm files -n "$ns" -o json)
    assert_eq "$(cat game.properties)" "$(jq -r '.data["game.properties"]' <<<"$js")" game.properties
    assert_eq "$(printf 'lives=3\nname=cube\n' | base64)" \
        "$(jq -j '.data["game.properties"]' <<<"$js" | base64)" "trailing newline kept"
    assert_eq '{"x": 1}' "$(jq -r .data.cfg <<<"$js")" cfg
}

test_create_secret_generic() {
    ns=$(new_ns sg)
    assert_eq "secret/pw created" \
        "$(kc create secret generic pw -n "$ns" --from-literal=password=hunter2)"
    js=$(kc get secret pw -n "$ns" -o json)
    assert_eq Opaque "$(jq -r .type <<<"$js")" type
    assert_eq aHVudGVyMg== "$(jq -r .data.password <<<"$js")" "data (base64)"
    assert_eq hunter2 "$(jq -r .data.password <<<"$js" | base64 -d)"
    assert_eq null "$(jq -r .stringData <<<"$js")" "no stringData stored"
}

test_secret_string_data_is_merged() {
    ns=$(new_ns sd)
    kcreate "$ns" >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: sd
stringData:
  user: admin
data:
  pass: c2VjcmV0
EOF
    js=$(kc get secret sd -n "$ns" -o json)
    assert_eq '{"pass":"c2VjcmV0","user":"YWRtaW4="}' "$(jq -c -S .data <<<"$js")"
    assert_eq null "$(jq -r .stringData <<<"$js")"
}

test_apply_create_unchanged_configured() {
    ns=$(new_ns ap)
    assert_eq "configmap/cfg created" "$(cm_manifest cfg | kc apply --validate=false -n "$ns" -f -)"
    assert_eq "configmap/cfg unchanged" "$(cm_manifest cfg | kc apply --validate=false -n "$ns" -f -)"
    assert_eq "configmap/cfg configured" \
        "$(cm_manifest cfg | sed 's/k: v/k: v2/' | kc apply --validate=false -n "$ns" -f -)"
    js=$(kc get cm cfg -n "$ns" -o json)
    assert_eq v2 "$(jq -r .data.k <<<"$js")"
    assert_contains "$(jq -r '.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]' <<<"$js")" \
        '"data":{"k":"v2"}' "last-applied annotation"
}

test_apply_server_side() {
    ns=$(new_ns ss)
    assert_eq "configmap/cfg serverside-applied" \
        "$(cm_manifest cfg | kc apply --server-side --validate=false -n "$ns" -f -)"
    assert_eq "configmap/cfg serverside-applied" \
        "$(cm_manifest cfg | sed 's/k: v/k: v3/' | kc apply --server-side --validate=false -n "$ns" -f -)"
    js=$(kc get cm cfg -n "$ns" -o json --show-managed-fields)
    assert_eq v3 "$(jq -r .data.k <<<"$js")"
    assert_eq kubectl "$(jq -r '.metadata.managedFields[] | select(.operation=="Apply") | .manager' <<<"$js")" \
        "managedFields Apply entry"
}

test_replace() {
    ns=$(new_ns rp)
    cm_manifest cfg | kcreate "$ns" >/dev/null
    kc get cm cfg -n "$ns" -o json | jq '.data.k = "replaced"' >cfg.json
    assert_eq "configmap/cfg replaced" "$(kc replace --validate=false -f cfg.json)"
    assert_eq replaced "$(kc get cm cfg -n "$ns" -o jsonpath='{.data.k}')"
}

test_generate_name() {
    ns=$(new_ns gn)
    out=$(kcreate "$ns" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  generateName: gen-
EOF
    )
    assert_match "$out" '^configmap/gen-[a-z0-9]{5} created$'
}

test_pod_binding_sets_node_and_condition() {
    ns=$(new_ns bind)
    kc run p -n "$ns" --image nginx >/dev/null
    printf '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{"apiVersion":"v1","kind":"Node","name":"n1"}}' >b.json
    out=$(kc create --raw "/api/v1/namespaces/$ns/pods/p/binding" -f b.json)
    assert_eq Success "$(jq -r .status <<<"$out")"
    out=$(kc get pod p -n "$ns" -o jsonpath='{.spec.nodeName} {.status.conditions[?(@.type=="PodScheduled")].status}')
    assert_eq "n1 True" "$out"
    # a bound pod cannot be bound again
    assert_fails_with 'is already assigned to node "n1"' kc create --raw "/api/v1/namespaces/$ns/pods/p/binding" -f b.json
}

test_statefulset_mounts_its_claim_templates() {
    ns=$(new_ns sts)
    cat >sts.yaml <<EOF2
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx
        volumeMounts:
        - {name: www, mountPath: /usr/share/nginx/html}
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
EOF2
    assert_ok kc apply -n "$ns" -f sts.yaml
    assert_eq "statefulset.apps/web created" "$OUT"
    sed -i 's/name: www, mountPath/name: nope, mountPath/' sts.yaml
    assert_fails_with '' kc apply -n "$ns" -f sts.yaml
    assert_eq 'The StatefulSet "web" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "nope"' "$OUT"
}

test_last_finalizer_removed_leaves_no_empty_list() {
    ns=$(new_ns fin)
    mkcm "$ns" c >/dev/null
    kc patch configmap c -n "$ns" -p '{"metadata":{"finalizers":["example.com/x"]}}' >/dev/null
    kc patch configmap c -n "$ns" --type json -p '[{"op":"remove","path":"/metadata/finalizers/0"}]' >/dev/null
    out=$(kc get configmap c -n "$ns" -o json | jq -c '.metadata | has("finalizers")')
    assert_eq false "$out"
}
