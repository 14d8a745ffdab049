/*
 * netpol rules: NetworkPolicies, Pods and Namespaces in, filter chains and
 * ipsets out. Pure (no I/O), so that the whole meaning of a policy can be
 * checked from JSON fixtures.
 *
 * Shape of the rules:
 *   CUBE-NWPLCY-FORWARD   replies (ESTABLISHED,RELATED) return at once; then
 *                         one jump per isolated local pod and direction:
 *                         -s IP (egress) / -d IP (ingress) -> its pod chain
 *   CUBE-NWPOD-<hash>     clears the allow mark, jumps to the chain of every
 *                         policy selecting the pod for that direction, returns
 *                         when one set the mark, else DROP
 *   CUBE-NWPLCY-<hash>    one chain per policy and direction: each rule of
 *                         the policy, peers x ports, sets the allow mark
 * Peers are ipsets: one hash:ip set for the pod peers of a rule, one hash:net
 * set per ipBlock (its except entries as `nomatch`). A named port becomes one
 * rule per port number it resolves to, limited by a hash:ip set of the pods
 * resolving it to that number. Set names hash their content, so a changed
 * peer list is a new set: nothing is ever emptied while in use.
 */
#include "netpol/netpol.h"

#include "api/api.h"

#include <arpa/inet.h>
#include <openssl/evp.h>

/* ---- small helpers ------------------------------------------------------ */

typedef struct strv {
    char **v;
    size_t n, cap;
} strv_t;

static void strv_push(strv_t *s, char *owned)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, s->cap * sizeof(char *));
    }
    s->v[s->n++] = owned;
}

static void strv_clear(strv_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    *s = (strv_t){0};
}

static int strp_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and removes duplicates. */
static void strv_uniq(strv_t *s)
{
    if (s->n == 0)
        return;
    qsort(s->v, s->n, sizeof(char *), strp_cmp);
    size_t k = 1;
    for (size_t i = 1; i < s->n; i++) {
        if (!strcmp(s->v[i], s->v[k - 1]))
            free(s->v[i]);
        else
            s->v[k++] = s->v[i];
    }
    s->n = k;
}

void cube_netpol_hash(const char *s, char out[17])
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
    /* 16 base32 chars = 80 bits = the first 10 bytes. */
    uint64_t acc = 0;
    int bits = 0, o = 0;
    for (unsigned i = 0; i < 10 && o < 16; i++) {
        acc = (acc << 8) | md[i];
        bits += 8;
        while (bits >= 5 && o < 16) {
            out[o++] = alpha[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    out[16] = '\0';
}

/* The pod's IPv4 address when it may be enforced or be a peer, else NULL. Borrowed. */
static const char *pod_ip(const json_t *pod)
{
    if (json_is_true(cube_json_path(pod, "spec", "hostNetwork", NULL)))
        return NULL;
    const char *phase = cube_json_str(pod, "status", "phase", NULL);
    if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
        return NULL;
    const char *ip = cube_json_str(pod, "status", "podIP", NULL);
    struct in_addr a;
    if (!ip || inet_pton(AF_INET, ip, &a) != 1)
        return NULL;
    return ip;
}

static const char *ns_of(const json_t *o)
{
    const char *ns = cube_json_str(o, "metadata", "namespace", NULL);
    return ns ? ns : "default";
}

static const char *name_of(const json_t *o)
{
    const char *n = cube_json_str(o, "metadata", "name", NULL);
    return n ? n : "";
}

/* A selector from a LabelSelector object (NULL/absent: everything); NULL when it does not
 * parse. */
static cube_selector_t *selector(const json_t *sel)
{
    cube_selector_t *s = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *empty = json_object();
    if (cube_label_selector_from_json(sel && json_is_object(sel) ? sel : empty, &s, &err) < 0)
        return NULL;
    return s;
}

/* ---- the build context -------------------------------------------------- */

typedef struct ctx {
    const cube_netpol_rules_config_t *cfg;
    json_t *const *pods;
    size_t n_pods;
    json_t *ns_labels; /* namespace name -> labels object (metadata.name label added) */
    /* output being built */
    cube_netpol_chain_t *chains;
    size_t n_chains, cap_chains;
    cube_netpol_ipset_t *sets;
    size_t n_sets, cap_sets;
} ctx_t;

static void add_chain(ctx_t *c, const char *name, cube_buf_t *rules)
{
    if (c->n_chains == c->cap_chains) {
        c->cap_chains = c->cap_chains ? c->cap_chains * 2 : 16;
        c->chains = xrealloc(c->chains, c->cap_chains * sizeof(*c->chains));
    }
    char *text = cube_buf_steal(rules, NULL);
    c->chains[c->n_chains++] = (cube_netpol_chain_t){xstrdup(name), text ? text : xstrdup("")};
}

/* Makes (or finds) the set holding members (consumed) and returns its name (borrowed), or
 * NULL when members is empty. */
static const char *add_set(ctx_t *c, const char *type, strv_t *members)
{
    strv_uniq(members);
    if (members->n == 0) {
        strv_clear(members);
        return NULL;
    }
    cube_buf_t key = CUBE_BUF_INIT;
    cube_buf_puts(&key, type);
    for (size_t i = 0; i < members->n; i++) {
        cube_buf_putc(&key, '\n');
        cube_buf_puts(&key, members->v[i]);
    }
    char h[17];
    cube_netpol_hash(key.data, h);
    cube_buf_clear(&key);
    _cleanup_free_ char *name = xasprintf("%s%s", CUBE_NETPOL_SET_PREFIX, h);
    for (size_t i = 0; i < c->n_sets; i++) {
        if (!strcmp(c->sets[i].name, name)) {
            strv_clear(members);
            return c->sets[i].name;
        }
    }
    if (c->n_sets == c->cap_sets) {
        c->cap_sets = c->cap_sets ? c->cap_sets * 2 : 16;
        c->sets = xrealloc(c->sets, c->cap_sets * sizeof(*c->sets));
    }
    c->sets[c->n_sets] = (cube_netpol_ipset_t){
        .name = TAKE_PTR(name), .type = type, .members = members->v, .n_members = members->n};
    *members = (strv_t){0};
    return c->sets[c->n_sets++].name;
}

static const json_t *labels_of_ns(const ctx_t *c, const char *ns)
{
    return json_object_get(c->ns_labels, ns);
}

/* ---- peers -------------------------------------------------------------- */

/* Adds the IPs of the pods one peer (podSelector and/or namespaceSelector) selects. */
static void peer_pods(const ctx_t *c, const char *policy_ns, const json_t *peer, strv_t *ips)
{
    const json_t *nsel_j = json_object_get(peer, "namespaceSelector");
    const json_t *psel_j = json_object_get(peer, "podSelector");
    cube_selector_t *nsel = nsel_j ? selector(nsel_j) : NULL;
    cube_selector_t *psel = selector(psel_j);
    if ((nsel_j && !nsel) || !psel)
        goto out; /* a selector that does not parse selects nothing */
    for (size_t i = 0; i < c->n_pods; i++) {
        const json_t *pod = c->pods[i];
        const char *ip = pod_ip(pod);
        if (!ip)
            continue;
        const char *ns = ns_of(pod);
        if (nsel) {
            if (!cube_selector_matches(nsel, labels_of_ns(c, ns)))
                continue;
        } else if (strcmp(ns, policy_ns)) {
            continue;
        }
        if (!cube_selector_matches(psel, cube_json_path(pod, "metadata", "labels", NULL)))
            continue;
        strv_push(ips, xstrdup(ip));
    }
out:
    cube_selector_free(nsel);
    cube_selector_free(psel);
}

/* "a.b.c.d/n" normalized (host bits cleared); false when not an IPv4 CIDR. */
static bool cidr_norm(const char *s, char *out, size_t outlen, int *ret_len)
{
    char addr[64];
    const char *slash = s ? strchr(s, '/') : NULL;
    if (!slash || (size_t)(slash - s) >= sizeof(addr))
        return false;
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    char *end = NULL;
    long len = strtol(slash + 1, &end, 10);
    struct in_addr a;
    if (*end || end == slash + 1 || len < 0 || len > 32 || inet_pton(AF_INET, addr, &a) != 1)
        return false;
    uint32_t mask = len == 0 ? 0 : htonl(~0u << (32 - len));
    a.s_addr &= mask;
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof(buf));
    snprintf(out, outlen, "%s/%ld", buf, len);
    *ret_len = (int)len;
    return true;
}

/* Adds a CIDR (and with nomatch its exception) to a hash:net member list; hash:net takes
 * prefixes of 1..32 bits, so a /0 is written as its two halves. */
static void net_member(strv_t *m, const char *cidr, bool nomatch)
{
    char norm[64];
    int len;
    if (!cidr_norm(cidr, norm, sizeof(norm), &len))
        return;
    const char *suffix = nomatch ? " nomatch" : "";
    if (len == 0) {
        strv_push(m, xasprintf("0.0.0.0/1%s", suffix));
        strv_push(m, xasprintf("128.0.0.0/1%s", suffix));
        return;
    }
    strv_push(m, xasprintf("%s%s", norm, suffix));
}

/* ---- ports -------------------------------------------------------------- */

static const char *proto_of(const json_t *port)
{
    const char *p = cube_json_str(port, "protocol", NULL);
    if (!p || !strcmp(p, "TCP"))
        return "tcp";
    if (!strcmp(p, "UDP"))
        return "udp";
    if (!strcmp(p, "SCTP"))
        return "sctp";
    return NULL;
}

/* Appends to matches the match text of one NetworkPolicyPort: "-p tcp -m tcp --dport 80",
 * with a named port one text per number it resolves to (set of those pods as dst). */
static void port_matches(ctx_t *c, const json_t *port, strv_t *matches)
{
    const char *proto = proto_of(port);
    if (!proto)
        return;
    const json_t *pj = json_object_get(port, "port");
    long num = -1;
    if (json_is_integer(pj))
        num = (long)json_integer_value(pj);
    else if (json_is_string(pj) && json_string_value(pj)[0] >= '0' &&
             json_string_value(pj)[0] <= '9')
        num = strtol(json_string_value(pj), NULL, 10);
    if (!pj) {
        strv_push(matches, xasprintf("-p %s", proto));
        return;
    }
    if (num >= 0) {
        const json_t *ej = json_object_get(port, "endPort");
        if (json_is_integer(ej) && json_integer_value(ej) > num)
            strv_push(matches, xasprintf("-p %s -m %s --dport %ld:%ld", proto, proto, num,
                                         (long)json_integer_value(ej)));
        else
            strv_push(matches, xasprintf("-p %s -m %s --dport %ld", proto, proto, num));
        return;
    }
    if (!json_is_string(pj))
        return;
    /* A named port: the pods declaring it, grouped by the number it stands for there. */
    const char *want = json_string_value(pj);
    const char *want_proto = cube_json_str(port, "protocol", NULL);
    if (!want_proto)
        want_proto = "TCP";
    json_auto_t *by_num = json_object(); /* "8080" -> [ip...] */
    for (size_t i = 0; i < c->n_pods; i++) {
        const char *ip = pod_ip(c->pods[i]);
        const json_t *ctrs = cube_json_path(c->pods[i], "spec", "containers", NULL);
        size_t ci, pi;
        const json_t *ctr, *cp;
        if (!ip)
            continue;
        json_array_foreach(ctrs, ci, ctr)
        {
            json_array_foreach(json_object_get(ctr, "ports"), pi, cp)
            {
                const char *n = cube_json_str(cp, "name", NULL);
                const char *pp = cube_json_str(cp, "protocol", NULL);
                const json_t *cpn = json_object_get(cp, "containerPort");
                if (!n || strcmp(n, want) || strcmp(pp ? pp : "TCP", want_proto) ||
                    !json_is_integer(cpn))
                    continue;
                char key[24];
                snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(cpn));
                json_t *arr = json_object_get(by_num, key);
                if (!arr) {
                    arr = json_array();
                    json_object_set_new(by_num, key, arr);
                }
                json_array_append_new(arr, json_string(ip));
            }
        }
    }
    /* in port order, whatever order the pods came in */
    strv_t keys = {0};
    const char *k;
    json_t *arr;
    json_object_foreach(by_num, k, arr) strv_push(&keys, xasprintf("%05d", atoi(k)));
    strv_uniq(&keys);
    for (size_t ki = 0; ki < keys.n; ki++) {
        char key[16];
        snprintf(key, sizeof(key), "%d", atoi(keys.v[ki]));
        arr = json_object_get(by_num, key);
        strv_t ips = {0};
        size_t i;
        json_t *ipj;
        json_array_foreach(arr, i, ipj) strv_push(&ips, xstrdup(json_string_value(ipj)));
        const char *set = add_set(c, "hash:ip", &ips);
        if (set)
            strv_push(matches, xasprintf("-p %s -m set --match-set %s dst -m %s --dport %s", proto,
                                         set, proto, key));
    }
    strv_clear(&keys);
}

/* ---- policies ----------------------------------------------------------- */

typedef struct pol {
    const json_t *obj;
    bool dir[2]; /* [0] Ingress, [1] Egress */
    char chain[2][32]; /* its chains, "" until made */
} pol_t;

static const char *const dir_names[2] = {"ingress", "egress"};

static void policy_types(const json_t *spec, bool dir[2])
{
    const json_t *types = json_object_get(spec, "policyTypes");
    dir[0] = dir[1] = false;
    if (json_is_array(types) && json_array_size(types) > 0) {
        size_t i;
        const json_t *t;
        json_array_foreach(types, i, t)
        {
            const char *s = json_string_value(t);
            if (s && !strcmp(s, "Ingress"))
                dir[0] = true;
            else if (s && !strcmp(s, "Egress"))
                dir[1] = true;
        }
        return;
    }
    dir[0] = true;
    const json_t *eg = json_object_get(spec, "egress");
    dir[1] = json_is_array(eg) && json_array_size(eg) > 0;
}

/* Writes the chain of policy p for direction d (0 ingress, 1 egress). */
static void policy_chain(ctx_t *c, pol_t *p, int d)
{
    const json_t *spec = json_object_get(p->obj, "spec");
    const char *ns = ns_of(p->obj), *name = name_of(p->obj);
    _cleanup_free_ char *key = xasprintf("policy/%s/%s/%s", dir_names[d], ns, name);
    char h[17];
    cube_netpol_hash(key, h);
    snprintf(p->chain[d], sizeof(p->chain[d]), "CUBE-NWPLCY-%s", h);
    const char *dir_set = d == 0 ? "src" : "dst";
    cube_buf_t b = CUBE_BUF_INIT;
    const json_t *rules = json_object_get(spec, dir_names[d]);
    size_t ri;
    const json_t *rule;
    json_array_foreach(rules, ri, rule)
    {
        /* peers: "" = any */
        strv_t peers = {0};
        const json_t *plist = json_object_get(rule, d == 0 ? "from" : "to");
        if (!json_is_array(plist) || json_array_size(plist) == 0) {
            strv_push(&peers, xstrdup(""));
        } else {
            strv_t pod_ips = {0};
            size_t pi;
            const json_t *peer;
            json_array_foreach(plist, pi, peer)
            {
                const json_t *blk = json_object_get(peer, "ipBlock");
                if (blk) {
                    strv_t m = {0};
                    net_member(&m, cube_json_str(blk, "cidr", NULL), false);
                    if (m.n == 0) {
                        strv_clear(&m);
                        continue;
                    }
                    size_t ei;
                    const json_t *ex;
                    json_array_foreach(json_object_get(blk, "except"), ei, ex)
                        net_member(&m, json_string_value(ex), true);
                    const char *set = add_set(c, "hash:net", &m);
                    if (set)
                        strv_push(&peers, xasprintf("-m set --match-set %s %s", set, dir_set));
                    continue;
                }
                peer_pods(c, ns, peer, &pod_ips);
            }
            const char *set = add_set(c, "hash:ip", &pod_ips);
            if (set)
                strv_push(&peers, xasprintf("-m set --match-set %s %s", set, dir_set));
        }
        /* ports: "" = any */
        strv_t ports = {0};
        const json_t *plj = json_object_get(rule, "ports");
        if (!json_is_array(plj) || json_array_size(plj) == 0) {
            strv_push(&ports, xstrdup(""));
        } else {
            size_t pi;
            const json_t *port;
            json_array_foreach(plj, pi, port) port_matches(c, port, &ports);
        }
        for (size_t i = 0; i < peers.n; i++)
            for (size_t j = 0; j < ports.n; j++)
                cube_buf_printf(&b,
                                "-A %s -m comment --comment \"%s/%s %s rule %zu\"%s%s%s%s -j "
                                "MARK --set-xmark %s/%s\n",
                                p->chain[d], ns, name, dir_names[d], ri, *peers.v[i] ? " " : "",
                                peers.v[i], *ports.v[j] ? " " : "", ports.v[j],
                                CUBE_NETPOL_ALLOW_MARK, CUBE_NETPOL_ALLOW_MARK);
        strv_clear(&peers);
        strv_clear(&ports);
    }
    add_chain(c, p->chain[d], &b);
}

static int obj_key_cmp(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int r = strcmp(ns_of(x), ns_of(y));
    return r ? r : strcmp(name_of(x), name_of(y));
}

static int chain_cmp(const void *a, const void *b)
{
    return strcmp(((const cube_netpol_chain_t *)a)->name, ((const cube_netpol_chain_t *)b)->name);
}

static int set_cmp(const void *a, const void *b)
{
    return strcmp(((const cube_netpol_ipset_t *)a)->name, ((const cube_netpol_ipset_t *)b)->name);
}

void cube_netpol_rules_build(const cube_netpol_rules_config_t *cfg, json_t *const *policies,
                             size_t n_policies, json_t *const *pods, size_t n_pods,
                             json_t *const *namespaces, size_t n_namespaces,
                             cube_netpol_ruleset_t *ret)
{
    ctx_t c = {.cfg = cfg, .pods = pods, .n_pods = n_pods, .ns_labels = json_object()};
    for (size_t i = 0; i < n_namespaces; i++) {
        const json_t *l = cube_json_path(namespaces[i], "metadata", "labels", NULL);
        json_t *copy = json_is_object(l) ? json_deep_copy(l) : json_object();
        if (!json_object_get(copy, "kubernetes.io/metadata.name"))
            json_object_set_new(copy, "kubernetes.io/metadata.name",
                                json_string(name_of(namespaces[i])));
        json_object_set_new(c.ns_labels, name_of(namespaces[i]), copy);
    }

    /* Sorted copies of the inputs: the output must not depend on cache order. */
    json_t **pols = xcalloc(n_policies + 1, sizeof(json_t *));
    if (n_policies)
        memcpy(pols, policies, n_policies * sizeof(json_t *));
    qsort(pols, n_policies, sizeof(json_t *), obj_key_cmp);
    json_t **local = xcalloc(n_pods + 1, sizeof(json_t *));
    size_t n_local = 0;
    for (size_t i = 0; i < n_pods; i++) {
        const char *node = cube_json_str(pods[i], "spec", "nodeName", NULL);
        if (node && cfg->node_name && !strcmp(node, cfg->node_name) && pod_ip(pods[i]))
            local[n_local++] = pods[i];
    }
    qsort(local, n_local, sizeof(json_t *), obj_key_cmp);

    pol_t *pv = xcalloc(n_policies + 1, sizeof(pol_t));
    cube_selector_t **psel = xcalloc(n_policies + 1, sizeof(cube_selector_t *));
    for (size_t i = 0; i < n_policies; i++) {
        pv[i].obj = pols[i];
        policy_types(json_object_get(pols[i], "spec"), pv[i].dir);
        psel[i] = selector(cube_json_path(pols[i], "spec", "podSelector", NULL));
    }

    cube_buf_t main_rules = CUBE_BUF_INIT;
    cube_buf_printf(&main_rules,
                    "-A %s -m comment --comment \"replies of allowed connections\" -m conntrack "
                    "--ctstate RELATED,ESTABLISHED -j RETURN\n",
                    CUBE_NETPOL_MAIN_CHAIN);
    for (size_t k = 0; k < n_local; k++) {
        const json_t *pod = local[k];
        const char *ip = pod_ip(pod), *pns = ns_of(pod), *pname = name_of(pod);
        const json_t *labels = cube_json_path(pod, "metadata", "labels", NULL);
        /* egress first: the source's rules, then the destination's */
        for (int d = 1; d >= 0; d--) {
            cube_buf_t b = CUBE_BUF_INIT;
            _cleanup_free_ char *key = xasprintf("pod/%s/%s/%s", dir_names[d], pns, pname);
            char h[17];
            cube_netpol_hash(key, h);
            char chain[32];
            snprintf(chain, sizeof(chain), "CUBE-NWPOD-%s", h);
            size_t selected = 0;
            for (size_t i = 0; i < n_policies; i++) {
                if (!pv[i].dir[d] || !psel[i] || strcmp(ns_of(pv[i].obj), pns) ||
                    !cube_selector_matches(psel[i], labels))
                    continue;
                if (!pv[i].chain[d][0])
                    policy_chain(&c, &pv[i], d);
                if (selected++ == 0)
                    cube_buf_printf(&b,
                                    "-A %s -m comment --comment \"%s/%s %s\" -j MARK "
                                    "--set-xmark 0x0/%s\n",
                                    chain, pns, pname, dir_names[d], CUBE_NETPOL_ALLOW_MARK);
                cube_buf_printf(&b, "-A %s -m comment --comment \"policy %s/%s\" -j %s\n", chain,
                                pns, name_of(pv[i].obj), pv[i].chain[d]);
            }
            if (selected == 0) {
                cube_buf_clear(&b);
                continue;
            }
            cube_buf_printf(&b, "-A %s -m mark --mark %s/%s -j RETURN\n", chain,
                            CUBE_NETPOL_ALLOW_MARK, CUBE_NETPOL_ALLOW_MARK);
            cube_buf_printf(&b, "-A %s -m comment --comment \"%s/%s %s not allowed\" -j DROP\n",
                            chain, pns, pname, dir_names[d]);
            add_chain(&c, chain, &b);
            cube_buf_printf(&main_rules, "-A %s %s %s/32 -m comment --comment \"%s/%s %s\" -j %s\n",
                            CUBE_NETPOL_MAIN_CHAIN, d == 0 ? "-d" : "-s", ip, pns, pname,
                            dir_names[d], chain);
        }
    }
    add_chain(&c, CUBE_NETPOL_MAIN_CHAIN, &main_rules);

    for (size_t i = 0; i < n_policies; i++)
        cube_selector_free(psel[i]);
    free(psel);
    free(pv);
    free(pols);
    free(local);
    json_decref(c.ns_labels);

    if (c.n_chains)
        qsort(c.chains, c.n_chains, sizeof(*c.chains), chain_cmp);
    if (c.n_sets)
        qsort(c.sets, c.n_sets, sizeof(*c.sets), set_cmp);
    *ret = (cube_netpol_ruleset_t){c.chains, c.n_chains, c.sets, c.n_sets};
}

void cube_netpol_ruleset_clear(cube_netpol_ruleset_t *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n_chains; i++) {
        free(rs->chains[i].name);
        free(rs->chains[i].rules);
    }
    free(rs->chains);
    for (size_t i = 0; i < rs->n_sets; i++) {
        free(rs->sets[i].name);
        for (size_t j = 0; j < rs->sets[i].n_members; j++)
            free(rs->sets[i].members[j]);
        free(rs->sets[i].members);
    }
    free(rs->sets);
    *rs = (cube_netpol_ruleset_t){0};
}

const cube_netpol_chain_t *cube_netpol_ruleset_chain(const cube_netpol_ruleset_t *rs,
                                                     const char *name)
{
    cube_netpol_chain_t key = {.name = (char *)name};
    if (rs->n_chains == 0)
        return NULL;
    return bsearch(&key, rs->chains, rs->n_chains, sizeof(*rs->chains), chain_cmp);
}

const cube_netpol_ipset_t *cube_netpol_ruleset_set(const cube_netpol_ruleset_t *rs,
                                                   const char *name)
{
    cube_netpol_ipset_t key = {.name = (char *)name};
    if (rs->n_sets == 0)
        return NULL;
    return bsearch(&key, rs->sets, rs->n_sets, sizeof(*rs->sets), set_cmp);
}

char *cube_netpol_render_iptables(const cube_netpol_ruleset_t *rs, char *const *stale,
                                  size_t n_stale)
{
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, "*filter\n");
    for (size_t i = 0; i < rs->n_chains; i++)
        cube_buf_printf(&b, ":%s - [0:0]\n", rs->chains[i].name);
    for (size_t i = 0; i < n_stale; i++)
        if (!cube_netpol_ruleset_chain(rs, stale[i]))
            cube_buf_printf(&b, ":%s - [0:0]\n", stale[i]);
    for (size_t i = 0; i < rs->n_chains; i++)
        cube_buf_puts(&b, rs->chains[i].rules);
    for (size_t i = 0; i < n_stale; i++)
        if (!cube_netpol_ruleset_chain(rs, stale[i]))
            cube_buf_printf(&b, "-X %s\n", stale[i]);
    cube_buf_puts(&b, "COMMIT\n");
    return cube_buf_steal(&b, NULL);
}

char *cube_netpol_render_ipset(const cube_netpol_ruleset_t *rs)
{
    cube_buf_t b = CUBE_BUF_INIT;
    for (size_t i = 0; i < rs->n_sets; i++) {
        const cube_netpol_ipset_t *s = &rs->sets[i];
        cube_buf_printf(&b, "create %s %s family inet\n", s->name, s->type);
        for (size_t j = 0; j < s->n_members; j++)
            cube_buf_printf(&b, "add %s %s\n", s->name, s->members[j]);
    }
    char *text = cube_buf_steal(&b, NULL);
    return text ? text : xstrdup("");
}
