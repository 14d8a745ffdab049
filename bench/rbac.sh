#!/bin/bash
# shellcheck shell=bash
# bench/rbac.sh: what RBAC authorization costs per request (issue 7's goal: authentication +
# RBAC add <= 20 us per request at 1,000 RoleBindings). The same GET is served twice in one
# run against one API server: once for a member of system:masters (allowed before RBAC is
# consulted, as Kubernetes' privileged-group authorizer does) and once for a user whom one of
# 1,000 RoleBindings in the namespace allows. Both authenticate with a bearer token from the
# same token file, so the difference is the authorizer's. The cost is read as the server's
# CPU time per request (utime+stime of the process over the run / requests served), which a
# client sharing the CPUs disturbs far less than req/s alone.
#
# Sourced by bench/run.sh (uses $PORT, $CA, $AUTH, $BT, $CUBE_PID, $VIEWER_TOKEN, api, post,
# goal, note); VIEWER_TOKEN must be in the token file as user "bench-viewer".

# cpu_ticks PID: utime + stime of the process, in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# rbac_run TOKEN URL: sets R_RPS, R_REQS and R_CPU_US (server CPU microseconds per request).
rbac_run() {
    local out t0 t1 hz
    hz=$(getconf CLK_TCK)
    t0=$(cpu_ticks "$CUBE_PID")
    out=$(wrk -t2 -c"$CONC" -d"$DURATION" -H "Authorization: Bearer $1" "$2" 2>&1)
    t1=$(cpu_ticks "$CUBE_PID")
    R_RPS=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    R_REQS=$(awk '/requests in/ { print $1 }' <<<"$out")
    local bad
    bad=$(awk '/Non-2xx/ { n += $NF } END { print n + 0 }' <<<"$out")
    if [[ -z "$R_REQS" || "$R_REQS" == 0 || "$bad" != 0 ]]; then
        echo "  wrk failed or was refused ($bad non-2xx): $(head -c 300 <<<"$out")" >&2
        R_CPU_US=nan
        return
    fi
    R_CPU_US=$(calc "($t1 - $t0) * 1000000 / $hz / $R_REQS" %.1f)
}

bench_rbac() {
    local ns=bench-rbac n=${RBAC_BINDINGS:-1000} i base
    echo "[rbac] GET one ConfigMap as system:masters vs as a user bound by 1 of $n RoleBindings"
    printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}' "$ns" >"$BT/rns.json"
    post /api/v1/namespaces "$BT/rns.json" >/dev/null
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"k":"v"}}' >"$BT/rcm.json"
    post "/api/v1/namespaces/$ns/configmaps" "$BT/rcm.json" >/dev/null
    printf '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}]}' >"$BT/rrole.json"
    post "/apis/rbac.authorization.k8s.io/v1/namespaces/$ns/roles" "$BT/rrole.json" >/dev/null
    # n-1 bindings for other users, then the viewer's: the authorizer has to look past them
    {
        echo '{"apiVersion":"v1","kind":"List","items":['
        for ((i = 0; i < n; i++)); do
            local user="user-$i"
            ((i == n - 1)) && user=bench-viewer
            printf '%s{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb-%d","namespace":"%s"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"%s"}]}\n' \
                "$([[ $i == 0 ]] || echo ,)" "$i" "$ns" "$user"
        done
        echo ']}'
    } >"$BT/rbs.json"
    kubectl --server "https://127.0.0.1:$PORT" --certificate-authority "$CA" --token "$TOKEN" \
        create -f "$BT/rbs.json" >/dev/null 2>"$BT/rbs.err" || {
        echo "  cannot create the RoleBindings: $(head -c 300 "$BT/rbs.err")"
        goal "RBAC cost per GET at $n RoleBindings" nan "<=" 20 us
        return
    }
    base="https://127.0.0.1:$PORT/api/v1/namespaces/$ns/configmaps/cm"
    local m=() v=() mr=() vr=() r
    for ((r = 0; r < ${GET_REPEAT:-2}; r++)); do
        rbac_run "$TOKEN" "$base"
        m+=("$R_CPU_US") mr+=("$R_RPS")
        rbac_run "$VIEWER_TOKEN" "$base"
        v+=("$R_CPU_US") vr+=("$R_RPS")
        echo "  masters: ${mr[-1]} req/s, ${m[-1]} us CPU/req; bound user: ${vr[-1]} req/s, ${v[-1]} us CPU/req"
    done
    local mm vm
    mm=$(median "${m[@]}") vm=$(median "${v[@]}")
    note "GET as system:masters (no RBAC)" "$(median "${mr[@]}") req/s" "server CPU $mm us/req"
    note "GET as a user bound by RBAC" "$(median "${vr[@]}") req/s" "server CPU $vm us/req"
    goal "RBAC cost per GET at $n RoleBindings" "$(calc "$vm - $mm" %.1f)" "<=" 20 us \
        "server CPU per request, bound user minus system:masters (medians of ${GET_REPEAT:-2})"
}

# Run directly: a cube of our own, then the figures.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    export ONLY=rbac
    exec "$(dirname "$0")/run.sh"
fi
