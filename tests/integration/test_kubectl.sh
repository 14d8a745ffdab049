# kubectl's everyday commands against cube, asserting what kubectl prints against Kubernetes
# v1.32: `get` of every type `kubectl create` makes (with -o wide, --show-labels, -L,
# --sort-by, -o custom-columns, -o name), `describe` with its sections and Events,
# client-side apply (re-apply with a removed field, --prune, view-/set-last-applied), diff,
# edit.
#
# Table output is compared cell by cell: `cells` cuts each line at the header's column
# offsets (so an empty cell stays visible) and replaces ages, timestamps and uids, which
# differ from run to run, with <age>, <time> and <uid>.

# cells: kubectl table output on stdin -> "A | B | C" per line.
cells() {
    perl -ne '
        chomp;
        if ($_ eq "") { @starts = (); print "\n"; next; }
        if (!@starts) {
            @starts = (0);
            push @starts, $-[0] + length($1) while /(\s{2,})(?=\S)/g;
        }
        my @c;
        for my $i (0 .. $#starts) {
            my $len = $i < $#starts ? $starts[$i + 1] - $starts[$i] : 100000;
            my $v = length($_) > $starts[$i] ? substr($_, $starts[$i], $len) : "";
            $v =~ s/^\s+|\s+$//g;
            $v = "<age>" if $v =~ /^\d+(s|m\d*s?)$/;
            $v = "<time>" if $v =~ /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
            $v =~ s/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uid>/g;
            push @c, $v;
        }
        my $l = join(" | ", @c);
        $l =~ s/\s+$//;
        print "$l\n";'
}

# kget ARGS...: `kubectl get ARGS` through cells.
kget() {
    local out
    out=$(kc get "$@")
    cells <<<"$out"
}

kt_pod() { # NAME LABELS-JSON
    printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":%s},"spec":{"containers":[{"name":"c","image":"nginx:1.25"}]}}' "$1" "$2"
}

test_get_pod_output_options() {
    ns=$(new_ns kt)
    kt_pod b '{"app":"web","tier":"fe"}' | kc create -n "$ns" -f - >/dev/null
    kt_pod a '{"app":"db"}' | kc create -n "$ns" -f - >/dev/null
    assert_eq "NAME | READY | STATUS | RESTARTS | AGE
a | 0/1 | Pending | 0 | <age>
b | 0/1 | Pending | 0 | <age>" "$(kget -n "$ns" pods)"
    assert_eq "NAME | READY | STATUS | RESTARTS | AGE | IP | NODE | NOMINATED NODE | READINESS GATES
a | 0/1 | Pending | 0 | <age> | <none> | <none> | <none> | <none>" "$(kget -n "$ns" pod a -o wide)"
    assert_eq "NAME | READY | STATUS | RESTARTS | AGE | LABELS
a | 0/1 | Pending | 0 | <age> | app=db
b | 0/1 | Pending | 0 | <age> | app=web,tier=fe" "$(kget -n "$ns" pods --show-labels)"
    assert_eq "NAME | READY | STATUS | RESTARTS | AGE | APP | TIER
a | 0/1 | Pending | 0 | <age> | db |
b | 0/1 | Pending | 0 | <age> | web | fe" "$(kget -n "$ns" pods -L app -L tier)"
    assert_eq "NAME | READY | STATUS | RESTARTS | AGE
b | 0/1 | Pending | 0 | <age>" "$(kget -n "$ns" pods -l app=web)"
    assert_eq "NAME   NS
a      $ns
b      $ns" "$(kc get -n "$ns" pods -o custom-columns=NAME:.metadata.name,NS:.metadata.namespace)"
    assert_eq "pod/a
pod/b" "$(kc get -n "$ns" pods -o name)"
    assert_eq "pod/b" "$(kc get -n "$ns" pod b -o name)"
    # --sort-by sorts on the client, by the given field
    kt_pod c '{"app":"aaa"}' | kc create -n "$ns" -f - >/dev/null
    assert_eq "NAME | READY | STATUS | RESTARTS | AGE
a | 0/1 | Pending | 0 | <age>
b | 0/1 | Pending | 0 | <age>
c | 0/1 | Pending | 0 | <age>" "$(kget -n "$ns" pods --sort-by .metadata.name)"
    assert_eq "c
a
b" "$(kc get -n "$ns" pods --sort-by .metadata.labels.app --no-headers | awk '{print $1}')"
}

test_get_types_kubectl_create_makes() {
    ns=$(new_ns kt)
    n="-n $ns"
    # shellcheck disable=SC2086
    {
        kc $n create deployment web --image=nginx:1.25 --replicas=2 >/dev/null
        kc $n create configmap cm1 --from-literal=a=b --from-literal=c=d >/dev/null
        kc $n create secret generic s1 --from-literal=a=b >/dev/null
        kc $n create secret docker-registry reg --docker-server=r.io --docker-username=u \
            --docker-password=p >/dev/null
        kc $n create service clusterip svc1 --clusterip=None --tcp=80:8080 >/dev/null
        kc $n create job j1 --image=busybox >/dev/null
        kc $n create cronjob cj1 --image=busybox --schedule='*/5 * * * *' >/dev/null
        kc $n create serviceaccount sa1 >/dev/null
        kc $n create role r1 --verb=get --resource=pods >/dev/null
        kc $n create rolebinding rb1 --role=r1 --user=bob --serviceaccount="$ns:sa1" >/dev/null
        kc $n create quota q1 --hard=pods=10 >/dev/null
        kc $n create pdb pdb1 --selector=app=web --min-available=1 >/dev/null
        kc $n create ingress ing1 --rule='foo.com/bar=svc1:80' >/dev/null
    }
    pc=$(uniq_name pc)
    kc create priorityclass "$pc" --value=100 --description=x >/dev/null
    cr=$(uniq_name cr)
    kc create clusterrole "$cr" --verb=get --resource=pods >/dev/null
    kc create clusterrolebinding "$cr" --clusterrole="$cr" --group=devs >/dev/null

    assert_eq "NAME | READY | UP-TO-DATE | AVAILABLE | AGE | CONTAINERS | IMAGES | SELECTOR
web | 0/2 | 0 | 0 | <age> | nginx | nginx:1.25 | app=web" "$(kget -n "$ns" deploy -o wide)"
    assert_eq "NAME | DATA | AGE
cm1 | 2 | <age>" "$(kget -n "$ns" cm cm1)"
    assert_eq "NAME | TYPE | DATA | AGE
reg | kubernetes.io/dockerconfigjson | 1 | <age>
s1 | Opaque | 1 | <age>" "$(kget -n "$ns" secrets)"
    assert_eq "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE | SELECTOR
svc1 | ClusterIP | None | <none> | 80/TCP | <age> | app=svc1" "$(kget -n "$ns" svc -o wide)"
    assert_eq "NAME | STATUS | COMPLETIONS | DURATION | AGE | CONTAINERS | IMAGES | SELECTOR
j1 | Running | 0/1 |  | <age> | j1 | busybox | batch.kubernetes.io/controller-uid=<uid>" \
        "$(kget -n "$ns" jobs -o wide)"
    assert_eq "NAME | SCHEDULE | TIMEZONE | SUSPEND | ACTIVE | LAST SCHEDULE | AGE | CONTAINERS | IMAGES | SELECTOR
cj1 | */5 * * * * | <none> | False | 0 | <none> | <age> | cj1 | busybox | <none>" \
        "$(kget -n "$ns" cronjobs -o wide)"
    assert_eq "NAME | SECRETS | AGE
sa1 | 0 | <age>" "$(kget -n "$ns" sa sa1)"
    assert_eq "NAME | CREATED AT
r1 | <time>" "$(kget -n "$ns" roles)"
    assert_eq "NAME | ROLE | AGE | USERS | GROUPS | SERVICEACCOUNTS
rb1 | Role/r1 | <age> | bob |  | $ns/sa1" "$(kget -n "$ns" rolebindings -o wide)"
    assert_eq "NAME | AGE | REQUEST | LIMIT
q1 | <age> |  |" "$(kget -n "$ns" quota)"
    assert_eq "NAME | MIN AVAILABLE | MAX UNAVAILABLE | ALLOWED DISRUPTIONS | AGE
pdb1 | 1 | N/A | 0 | <age>" "$(kget -n "$ns" pdb)"
    assert_eq "NAME | CLASS | HOSTS | ADDRESS | PORTS | AGE
ing1 | <none> | foo.com |  | 80 | <age>" "$(kget -n "$ns" ingress)"
    assert_eq "NAME | VALUE | GLOBAL-DEFAULT | AGE | PREEMPTIONPOLICY
$pc | 100 | false | <age> | PreemptLowerPriority" "$(kget priorityclass "$pc")"
    assert_eq "NAME | CREATED AT
$cr | <time>" "$(kget clusterrole "$cr")"
    assert_eq "NAME | ROLE | AGE | USERS | GROUPS | SERVICEACCOUNTS
$cr | ClusterRole/$cr | <age> |  | devs |" "$(kget clusterrolebinding "$cr" -o wide)"
    assert_eq "NAME | STATUS | AGE
$ns | Active | <age>" "$(kget ns "$ns")"
    assert_eq "configmap/cm1
secret/reg
secret/s1" "$(kc get -n "$ns" cm,secrets -o name | grep -v kube-root-ca)"
}

kt_node() { # NAME
    cat <<EOF
{"apiVersion":"v1","kind":"Node","metadata":{"name":"$1","labels":{"kubernetes.io/hostname":"$1","node-role.kubernetes.io/control-plane":""}},
 "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.5"},{"type":"Hostname","address":"$1"}],
  "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status","lastHeartbeatTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z"}],
  "capacity":{"cpu":"2","memory":"4Gi","pods":"110"},"allocatable":{"cpu":"2","memory":"4Gi","pods":"110"},
  "nodeInfo":{"kubeletVersion":"v1.32.0+cube.1","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.1.0","containerRuntimeVersion":"containerd://1.6.20","operatingSystem":"linux","architecture":"amd64","machineID":"m","systemUUID":"s","bootID":"b","kubeProxyVersion":"","kernelVersion":"6.1.0"}}}
EOF
}

test_get_node_wide() {
    node=$(uniq_name node)
    kt_node "$node" | kc create --validate=false -f - >/dev/null
    # status is not taken on create: set it through /status as a kubelet does
    kt_node "$node" | jq -c '{status: .status}' |
        kc patch node "$node" --subresource=status --type=merge -p "$(cat)" >/dev/null
    assert_eq "NAME | STATUS | ROLES | AGE | VERSION | INTERNAL-IP | EXTERNAL-IP | OS-IMAGE | KERNEL-VERSION | CONTAINER-RUNTIME
$node | Ready | control-plane | <age> | v1.32.0+cube.1 | 10.0.0.5 | <none> | Debian GNU/Linux 12 (bookworm) | 6.1.0 | containerd://1.6.20" \
        "$(kget node "$node" -o wide)"
    out=$(kc describe node "$node")
    assert_match "$out" "^Name: +$node$"
    assert_match "$out" '^Roles: +control-plane$'
    assert_match "$out" '^Conditions:$'
    assert_match "$out" '^  Ready +True +.*KubeletReady +kubelet is posting ready status$'
    assert_match "$out" '^Addresses:$'
    assert_match "$out" '^  InternalIP:  10.0.0.5$'
    assert_match "$out" '^Capacity:$'
    assert_match "$out" '^  cpu: +2$'
    assert_match "$out" '^System Info:$'
    assert_match "$out" '^  Kubelet Version: +v1.32.0\+cube.1$'
    assert_match "$out" '^Events: +<none>$'
    kc delete node "$node" >/dev/null
}

test_describe_pod_with_events() {
    ns=$(new_ns kt)
    kt_pod p1 '{"app":"web"}' | kc create -n "$ns" -f - >/dev/null
    uid=$(kc get -n "$ns" pod p1 -o jsonpath='{.metadata.uid}')
    # an event for p1, one for another object of the same name, one for another pod
    for spec in "p1.a|Pod|p1|$uid|Scheduled|Successfully assigned $ns/p1 to node1" \
        "p1.b|ConfigMap|p1|0000|Other|not about the pod" \
        "p2.a|Pod|p2|1111|Pulled|not about p1"; do
        IFS='|' read -r name kind obj ouid reason msg <<<"$spec"
        jq -n -c --arg n "$name" --arg k "$kind" --arg o "$obj" --arg u "$ouid" --arg r "$reason" \
            --arg m "$msg" --arg ns "$ns" \
            '{apiVersion:"v1",kind:"Event",metadata:{name:$n},
              involvedObject:{apiVersion:"v1",kind:$k,name:$o,namespace:$ns,uid:$u},
              reason:$r,message:$m,type:"Normal",source:{component:"default-scheduler"},
              firstTimestamp:"2026-01-01T00:00:00Z",lastTimestamp:"2026-01-01T00:00:00Z",count:1}' |
            kc create -n "$ns" -f - >/dev/null
    done
    # the field selector kubectl describe uses
    assert_eq "p1.a" "$(kc get -n "$ns" events -o name \
        --field-selector "involvedObject.name=p1,involvedObject.namespace=$ns,involvedObject.uid=$uid" | sed 's|^event/||')"
    assert_eq "p1.a" "$(kc get -n "$ns" events -o name \
        --field-selector "involvedObject.kind=Pod,involvedObject.name=p1" | sed 's|^event/||')"
    out=$(kc describe -n "$ns" pod p1)
    assert_match "$out" '^Name: +p1$'
    assert_match "$out" "^Namespace: +$ns$"
    assert_match "$out" '^Labels: +app=web$'
    assert_match "$out" '^Status: +Pending$'
    assert_match "$out" '^Containers:$'
    assert_match "$out" '^    Image: +nginx:1.25$'
    assert_match "$out" '^QoS Class: +BestEffort$'
    assert_match "$out" '^Events:$'
    assert_match "$out" '^  Type +Reason +Age +From +Message$'
    assert_match "$out" "^  Normal +Scheduled +[0-9]+[a-z]+ +default-scheduler +Successfully assigned $ns/p1 to node1$"
    assert_no_match "$out" 'not about'
    # kubectl get events: the LAST SEEN ... OBJECT columns
    assert_eq "LAST SEEN | TYPE | REASON | OBJECT | MESSAGE
<age> | Normal | Scheduled | pod/p1 | Successfully assigned $ns/p1 to node1" \
        "$(kget -n "$ns" events --field-selector involvedObject.uid="$uid" | sed -E 's/^[0-9]+[a-z]+ /<age> /')"
}

test_describe_workloads_and_config() {
    ns=$(new_ns kt)
    kc create -n "$ns" deployment web --image=nginx:1.25 --replicas=2 >/dev/null
    out=$(kc describe -n "$ns" deployment web)
    assert_match "$out" '^Name: +web$'
    assert_match "$out" '^Selector: +app=web$'
    assert_match "$out" '^Replicas: +2 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$'
    assert_match "$out" '^StrategyType: +RollingUpdate$'
    assert_match "$out" '^RollingUpdateStrategy: +25% max unavailable, 25% max surge$'
    assert_match "$out" '^Pod Template:$'
    assert_match "$out" '^   nginx:$'
    assert_match "$out" '^Events: +<none>$'

    kc create -n "$ns" -f - >/dev/null <<EOF
{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"rs1"},
 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"rs"}},
  "template":{"metadata":{"labels":{"app":"rs"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}
EOF
    out=$(kc describe -n "$ns" rs rs1)
    assert_match "$out" '^Name: +rs1$'
    assert_match "$out" '^Selector: +app=rs$'
    assert_match "$out" '^Replicas: +0 current / 1 desired$'
    assert_match "$out" '^Pods Status: +0 Running / 0 Waiting / 0 Succeeded / 0 Failed$'
    assert_match "$out" '^Events: +<none>$'
    assert_eq "NAME | DESIRED | CURRENT | READY | AGE | CONTAINERS | IMAGES | SELECTOR
rs1 | 1 | 0 | 0 | <age> | c | busybox | app=rs" "$(kget -n "$ns" rs -o wide)"

    kc create -n "$ns" service clusterip svc1 --clusterip=None --tcp=80:8080 >/dev/null
    out=$(kc describe -n "$ns" svc svc1)
    assert_match "$out" '^Name: +svc1$'
    assert_match "$out" '^Selector: +app=svc1$'
    assert_match "$out" '^Type: +ClusterIP$'
    assert_match "$out" '^IP: +None$'
    assert_match "$out" '^Port: +80-8080  80/TCP$'
    assert_match "$out" '^TargetPort: +8080/TCP$'
    assert_match "$out" '^Session Affinity: +None$'
    assert_match "$out" '^Events: +<none>$'

    out=$(kc describe ns "$ns")
    assert_match "$out" "^Name: +$ns$"
    assert_match "$out" "^Labels: +kubernetes.io/metadata.name=$ns$"
    assert_match "$out" '^Status: +Active$'
    assert_match "$out" '^No resource quota.$'
    assert_match "$out" '^No LimitRange resource.$'

    kc create -n "$ns" configmap cm1 --from-literal=a=hello >/dev/null
    assert_eq "Name:         cm1
Namespace:    $ns
Labels:       <none>
Annotations:  <none>

Data
====
a:
----
hello


BinaryData
====

Events:  <none>" "$(kc describe -n "$ns" cm cm1)"
    kc create -n "$ns" secret generic s1 --from-literal=pw=secret1 >/dev/null
    assert_eq "Name:         s1
Namespace:    $ns
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
pw:  7 bytes" "$(kc describe -n "$ns" secret s1)"
}

kt_cm() { # NAME DATA-YAML-LINES...
    local name=$1
    shift
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  labels:\n    app: x\ndata:\n' "$name"
    printf '  %s\n' "$@"
}

test_apply_remove_field_and_prune() {
    ns=$(new_ns kt)
    mkdir dir
    kt_cm a 'k1: v1' 'k2: v2' >dir/a.yaml
    kt_cm b 'k: v' >dir/b.yaml
    assert_ok kc apply -n "$ns" -f dir/
    assert_eq "configmap/a created
configmap/b created" "$OUT"
    kt_cm a 'k1: v1' >dir/a.yaml
    assert_ok kc apply -n "$ns" -f dir/a.yaml
    assert_eq "configmap/a configured" "$OUT"
    assert_eq '{"k1":"v1"}' "$(kc get -n "$ns" cm a -o jsonpath='{.data}')"
    assert_ok kc apply -n "$ns" -f dir/a.yaml
    assert_eq "configmap/a unchanged" "$OUT"
    rm dir/b.yaml
    OUT=$(kc apply -n "$ns" --prune -l app=x -f dir/ 2>/dev/null)
    assert_eq "configmap/a unchanged
configmap/b pruned" "$OUT"
    assert_eq "configmap/a" "$(kc get -n "$ns" cm -l app=x -o name)"
}

test_apply_view_and_set_last_applied() {
    ns=$(new_ns kt)
    kt_cm a 'k1: v1' >a.yaml
    kc apply -n "$ns" -f a.yaml >/dev/null
    assert_eq "apiVersion: v1
data:
  k1: v1
kind: ConfigMap
metadata:
  annotations: {}
  labels:
    app: x
  name: a
  namespace: $ns" "$(kc apply -n "$ns" view-last-applied cm a)"
    kt_cm a 'k1: v2' >a2.yaml
    assert_ok kc apply -n "$ns" set-last-applied -f a2.yaml
    assert_eq "configmap/a configured" "$OUT"
    assert_eq '{"k1":"v2"}' "$(kc apply -n "$ns" view-last-applied cm a -o json | jq -c .data)"
    # only the annotation changed, not the object
    assert_eq '{"k1":"v1"}' "$(kc get -n "$ns" cm a -o jsonpath='{.data}')"
}

test_diff_shows_changes() {
    ns=$(new_ns kt)
    kt_cm a 'k1: v1' 'k2: same' >a.yaml
    kc apply -n "$ns" -f a.yaml >/dev/null
    assert_ok kc diff -n "$ns" -f a.yaml
    assert_eq "" "$OUT"
    kt_cm a 'k1: v9' 'k2: same' >a.yaml
    rc=0
    OUT=$(kc diff -n "$ns" -f a.yaml) || rc=$?
    assert_eq 1 "$rc" "kubectl diff exit code"
    # the hunks, without the file names and times
    body=$(sed -n '/^@@/,$p' <<<"$OUT" | grep -E '^[-+]' | grep -v last-applied)
    assert_eq "-  k1: v1
+  k1: v9" "$body"
    assert_eq '{"k1":"v1","k2":"same"}' "$(kc get -n "$ns" cm a -o jsonpath='{.data}')"
}

test_edit_round_trip() {
    ns=$(new_ns kt)
    kt_cm a 'k1: v1' >a.yaml
    kc apply -n "$ns" -f a.yaml >/dev/null
    cat >ed.sh <<'EOF'
#!/bin/sh
sed -i 's/k1: v1/k1: edited/' "$1"
EOF
    chmod +x ed.sh
    OUT=$(EDITOR=$PWD/ed.sh kc edit -n "$ns" cm a)
    assert_eq "configmap/a edited" "$OUT"
    assert_eq '{"k1":"edited"}' "$(kc get -n "$ns" cm a -o jsonpath='{.data}')"
    # an edit that changes nothing
    OUT=$(EDITOR=true kc edit -n "$ns" cm a 2>&1)
    assert_eq "Edit cancelled, no changes made." "$OUT"
}

test_explain_variants() {
    out=$(kc explain pod)
    assert_match "$out" '^KIND: +Pod$'
    assert_match "$out" '^VERSION: +v1$'
    assert_match "$out" '^FIELDS:$'
    assert_match "$out" '^  spec	<PodSpec>$'
    out=$(kc explain deployment.spec.strategy)
    assert_match "$out" '^FIELD: +strategy <DeploymentStrategy>$'
    out=$(kc explain pod.spec.containers --recursive)
    assert_match "$out" '^FIELD: +containers <\[\]Container>$'
    assert_match "$out" '^  name	<string> -required-$'
    assert_match "$out" '^  ports	<\[\]ContainerPort>$'
    assert_match "$out" '^    containerPort	<integer> -required-$'
    assert_match "$out" '^  resources	<ResourceRequirements>$'
    assert_match "$out" '^    limits	<map\[string\]Quantity>$'
    out=$(kc explain svc.spec.ports.targetPort)
    assert_match "$out" '^FIELD: +targetPort <IntOrString>$'
    out=$(kc explain cronjobs --api-version=batch/v1)
    assert_match "$out" '^KIND: +CronJob$'
    assert_fails_with 'error: field "nope" does not exist' kc explain pod.spec.nope
}

# `cube kubectl` is the kubectl on the PATH with the admin kubeconfig (KUBECONFIG when set).
test_cube_kubectl_runs_kubectl() {
    OUT=$(KUBECONFIG="$CUBE_KUBECONFIG" "$CUBE" kubectl get namespace default -o name 2>&1)
    assert_eq "namespace/default" "$OUT"
    local rc=0
    OUT=$(KUBECONFIG="$CUBE_KUBECONFIG" "$CUBE" kubectl get pods nope 2>&1) || rc=$?
    assert_eq 1 "$rc" "kubectl's exit status"
    assert_eq 'Error from server (NotFound): pods "nope" not found' "$OUT"
}
