/*
 * iptables: what the node's nat and filter tables must hold for a set of
 * Services and EndpointSlices, as Kubernetes' iptables proxier
 * (pkg/proxy/iptables/proxier.go) lays them out, and the iptables-restore
 * text that gets the kernel there. Pure functions over JSON so that the rule
 * layout is tested without root: the sync loop in proxy.c owns all I/O.
 *
 * Layout, per service port "ns/name:port" (spn) and protocol:
 *   KUBE-SERVICES    ClusterIP / external IP / load-balancer IP -> the port's chains
 *   KUBE-NODEPORTS   nodePort -> KUBE-EXT-<h>
 *   KUBE-SVC-<h>     cluster-wide endpoints, picked with the statistic match
 *   KUBE-SVL-<h>     this node's endpoints (internal/externalTrafficPolicy Local)
 *   KUBE-EXT-<h>     external traffic: masquerade, then the policy's chain
 *   KUBE-SEP-<h>     one endpoint: hairpin masquerade mark, affinity, DNAT
 *   filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES: REJECT (no endpoints) or
 *                    DROP (no local endpoints for a Local policy)
 * where <h> is the first 16 base32 characters of sha256(spn + protocol
 * [+ "ip:port" for an endpoint]), upstream's names.
 */
#include "proxy/internal.h"

#include <ctype.h>
#include <openssl/evp.h>

#define MASQ_MARK "0x4000"
#define DEFAULT_AFFINITY_SEC 10800

void cube_proxy_hash(const char *s, char out[17])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
    /* 16 base32 characters are the first 80 bits: 10 bytes, 5 bits at a time. */
    for (int i = 0; i < 16; i++) {
        int bit = i * 5, byte = bit / 8, off = bit % 8;
        unsigned v = ((unsigned)md[byte] << 8) | md[byte + 1];
        out[i] = alphabet[(v >> (11 - off)) & 0x1f];
    }
    out[16] = '\0';
}

/* ---- a growing table of chains ------------------------------------------ */

cube_buf_t *cube_proxy_chain_add(table_acc_t *t, const char *name)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    chain_acc_t *c = xcalloc(1, sizeof(*c));
    t->v[t->n++] = c;
    c->name = xstrdup(name);
    c->rules = (cube_buf_t)CUBE_BUF_INIT;
    cube_buf_reserve(&c->rules, 0);
    return &c->rules;
}

static int chain_cmp(const void *a, const void *b)
{
    return strcmp(((const cube_proxy_chain_t *)a)->name, ((const cube_proxy_chain_t *)b)->name);
}

static void table_finish(table_acc_t *t, cube_proxy_chain_t **ret, size_t *ret_n)
{
    cube_proxy_chain_t *out = xcalloc(t->n ? t->n : 1, sizeof(*out));
    for (size_t i = 0; i < t->n; i++) {
        out[i].name = t->v[i]->name;
        out[i].rules = cube_buf_steal(&t->v[i]->rules, NULL);
        free(t->v[i]);
    }
    qsort(out, t->n, sizeof(*out), chain_cmp);
    *ret = out;
    *ret_n = t->n;
    free(t->v);
    *t = (table_acc_t){0};
}

/* ---- inputs ------------------------------------------------------------- */

typedef struct slice_ref {
    char *key; /* "ns/service" */
    json_t *slice;
} slice_ref_t;

static int slice_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const slice_ref_t *)a)->key, ((const slice_ref_t *)b)->key);
}

static int endpoint_cmp(const void *a, const void *b)
{
    return strcmp(((const endpoint_t *)a)->str, ((const endpoint_t *)b)->str);
}

static bool is_ipv4(const char *s)
{
    return s && *s && !strchr(s, ':');
}

static const char *protocol_of(const json_t *port)
{
    const char *p = json_string_value(json_object_get(port, "protocol"));
    return p && *p ? p : "TCP";
}

static const char *name_of(const json_t *port)
{
    const char *n = json_string_value(json_object_get(port, "name"));
    return n ? n : "";
}

/* A condition that is absent reads as `dflt` (ready: true; serving: ready; terminating: false). */
static bool condition(const json_t *conds, const char *key, bool dflt)
{
    json_t *v = json_object_get(conds, key);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

/*
 * The endpoints of one service port, from every slice of the service that
 * carries a port of the same name and protocol, de-duplicated and sorted by
 * "ip:port". Owned array.
 */
static endpoint_t *collect_endpoints(const cube_proxy_rules_config_t *cfg, const slice_ref_t *refs,
                                     size_t n_refs, const char *pname, const char *proto,
                                     const char *spn, const char *lproto, size_t *ret_n)
{
    endpoint_t *eps = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < n_refs; i++) {
        const json_t *slice = refs[i].slice;
        const char *family = json_string_value(json_object_get(slice, "addressType"));
        if (family && strcmp(family, "IPv4"))
            continue;
        int port = -1;
        size_t pi;
        json_t *sp;
        json_array_foreach(json_object_get(slice, "ports"), pi, sp)
        {
            if (!strcmp(name_of(sp), pname) && !strcmp(protocol_of(sp), proto) &&
                json_is_integer(json_object_get(sp, "port"))) {
                port = (int)json_integer_value(json_object_get(sp, "port"));
                break;
            }
        }
        if (port <= 0)
            continue;
        size_t ei;
        json_t *ep;
        json_array_foreach(json_object_get(slice, "endpoints"), ei, ep)
        {
            const char *ip = json_string_value(json_array_get(json_object_get(ep, "addresses"), 0));
            if (!is_ipv4(ip) || strlen(ip) > 40)
                continue;
            json_t *conds = json_object_get(ep, "conditions");
            endpoint_t e = {.ip = ip, .port = port};
            e.ready = condition(conds, "ready", true);
            e.serving = condition(conds, "serving", e.ready);
            e.terminating = condition(conds, "terminating", false);
            const char *node = json_string_value(json_object_get(ep, "nodeName"));
            e.local = node && cfg->hostname && !strcmp(node, cfg->hostname);
            snprintf(e.str, sizeof(e.str), "%s:%d", ip, port);
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = !strcmp(eps[k].str, e.str);
            if (dup)
                continue;
            if (!cfg->nftables) { /* the nftables mode has no chain per endpoint */
                _cleanup_free_ char *in = xasprintf("%s%s%s", spn, lproto, e.str);
                char h[17];
                cube_proxy_hash(in, h);
                snprintf(e.chain, sizeof(e.chain), "KUBE-SEP-%s", h);
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                eps = xrealloc(eps, cap * sizeof(*eps));
            }
            eps[n++] = e;
        }
    }
    if (n > 1)
        qsort(eps, n, sizeof(*eps), endpoint_cmp);
    *ret_n = n;
    return eps;
}

/* ---- one service port --------------------------------------------------- */

void cube_proxy_add_udp_flow(builder_t *b, const char *addr, int port, const char *ep_ip)
{
    if (b->n_udp == b->cap_udp) {
        b->cap_udp = b->cap_udp ? b->cap_udp * 2 : 16;
        b->udp = xrealloc(b->udp, b->cap_udp * sizeof(*b->udp));
    }
    b->udp[b->n_udp++] = xasprintf("%s %d %s", addr, port, ep_ip);
}

/* The rules sending a policy chain's traffic to its endpoints (writeServiceToEndpointRules). */
static void endpoint_jumps(cube_buf_t *c, const char *chain, const svc_port_t *sp,
                           endpoint_t *const *eps, size_t n)
{
    if (sp->affinity) {
        for (size_t i = 0; i < n; i++)
            cube_buf_printf(c,
                            "-A %s -m comment --comment \"%s -> %s\" -m recent --name %s "
                            "--rcheck --seconds %d --reap -j %s\n",
                            chain, sp->spn, eps[i]->str, eps[i]->chain, sp->affinity_sec,
                            eps[i]->chain);
    }
    for (size_t i = 0; i < n; i++) {
        cube_buf_printf(c, "-A %s -m comment --comment \"%s -> %s\"", chain, sp->spn, eps[i]->str);
        if (i + 1 < n)
            cube_buf_printf(c, " -m statistic --mode random --probability %0.10f",
                            1.0 / (double)(n - i));
        cube_buf_printf(c, " -j %s\n", eps[i]->chain);
    }
}

void cube_proxy_categorize(const svc_port_t *sp, endpoint_t *eps, size_t n_eps,
                           endpoint_t **cluster, size_t *n_cluster, endpoint_t **local,
                           size_t *n_local, bool *has_endpoints)
{
    /* Categorize (pkg/proxy/topology.go): ready endpoints, or serving-terminating ones when
     * none is ready; the same for this node's endpoints under a Local policy. */
    bool uses_cluster = !sp->itp_local || sp->externally_accessible;
    bool uses_local = sp->itp_local || sp->etp_local;
    if (uses_cluster) {
        for (size_t i = 0; i < n_eps; i++)
            if (eps[i].ready)
                cluster[(*n_cluster)++] = &eps[i];
        if (!*n_cluster)
            for (size_t i = 0; i < n_eps; i++)
                if (eps[i].serving && eps[i].terminating)
                    cluster[(*n_cluster)++] = &eps[i];
        *has_endpoints = *n_cluster > 0;
    }
    if (uses_local) {
        bool local_ready = false, local_st = false;
        for (size_t i = 0; i < n_eps; i++) {
            if (eps[i].ready) {
                *has_endpoints = true;
                local_ready |= eps[i].local;
            } else if (eps[i].serving && eps[i].terminating) {
                *has_endpoints = true;
                local_st |= eps[i].local;
            }
        }
        for (size_t i = 0; i < n_eps; i++)
            if (eps[i].local &&
                (local_ready ? eps[i].ready : local_st && eps[i].serving && eps[i].terminating))
                local[(*n_local)++] = &eps[i];
    }
}

static void build_port(builder_t *b, svc_port_t *sp, endpoint_t *eps, size_t n_eps)
{
    const cube_proxy_rules_config_t *cfg = b->cfg;
    const char *p = sp->lproto;
    char h[17], svc_chain[32], svl_chain[32], ext_chain[32];
    _cleanup_free_ char *hin = xasprintf("%s%s", sp->spn, p);
    cube_proxy_hash(hin, h);
    snprintf(svc_chain, sizeof(svc_chain), "KUBE-SVC-%s", h);
    snprintf(svl_chain, sizeof(svl_chain), "KUBE-SVL-%s", h);
    snprintf(ext_chain, sizeof(ext_chain), "KUBE-EXT-%s", h);

    bool uses_cluster = !sp->itp_local || sp->externally_accessible;
    bool uses_local = sp->itp_local || sp->etp_local;
    _cleanup_free_ endpoint_t **cluster = xcalloc(n_eps + 1, sizeof(*cluster));
    _cleanup_free_ endpoint_t **local = xcalloc(n_eps + 1, sizeof(*local));
    size_t n_cluster = 0, n_local = 0;
    bool has_endpoints = false;
    cube_proxy_categorize(sp, eps, n_eps, cluster, &n_cluster, local, &n_local, &has_endpoints);

    bool uses_cluster_chain = n_cluster > 0 && uses_cluster;
    bool uses_local_chain = n_local > 0 && uses_local;
    const char *internal_chain = sp->itp_local ? svl_chain : svc_chain;
    bool has_internal = has_endpoints && (!sp->itp_local || n_local > 0);
    const char *external_policy_chain = sp->etp_local ? svl_chain : svc_chain;
    bool has_external = has_endpoints && (!sp->etp_local || n_local > 0);
    bool uses_ext_chain = has_endpoints && sp->externally_accessible;

    char int_target[8] = "REJECT", ext_target[8] = "REJECT";
    _cleanup_free_ char *int_comment = xasprintf("\"%s has no endpoints\"", sp->spn);
    _cleanup_free_ char *ext_comment = xstrdup(int_comment);
    if (has_endpoints && !has_internal) {
        strcpy(int_target, "DROP");
        free(int_comment);
        int_comment = xasprintf("\"%s has no local endpoints\"", sp->spn);
    }
    if (has_endpoints && !has_external) {
        strcpy(ext_target, "DROP");
        free(ext_comment);
        ext_comment = xasprintf("\"%s has no local endpoints\"", sp->spn);
    }

    cube_buf_t *svc = uses_cluster_chain ? cube_proxy_chain_add(&b->nat, svc_chain) : NULL;
    cube_buf_t *svl = uses_local_chain ? cube_proxy_chain_add(&b->nat, svl_chain) : NULL;
    cube_buf_t *ext = uses_ext_chain ? cube_proxy_chain_add(&b->nat, ext_chain) : NULL;
    cube_buf_t *internal = sp->itp_local ? svl : svc;

    /* The cluster IP. */
    if (has_internal) {
        _cleanup_free_ char *match =
            xasprintf("-m comment --comment \"%s cluster IP\" -m %s -p %s -d %s --dport %d",
                      sp->spn, p, p, sp->cluster_ip, sp->port);
        if (internal && cfg->masquerade_all)
            cube_buf_printf(internal, "-A %s %s -j KUBE-MARK-MASQ\n", internal_chain, match);
        else if (internal && cfg->cluster_cidr && *cfg->cluster_cidr)
            cube_buf_printf(internal, "-A %s %s ! -s %s -j KUBE-MARK-MASQ\n", internal_chain, match,
                            cfg->cluster_cidr);
        cube_buf_printf(b->nat_services, "-A KUBE-SERVICES %s -j %s\n", match, internal_chain);
    } else {
        cube_buf_printf(b->filter_services,
                        "-A KUBE-SERVICES -m comment --comment %s -m %s -p %s -d %s --dport %d "
                        "-j %s\n",
                        int_comment, p, p, sp->cluster_ip, sp->port, int_target);
    }

    /* External IPs and load-balancer IPs. */
    size_t i;
    json_t *v;
    json_array_foreach(sp->external_ips, i, v)
    {
        const char *ip = json_string_value(v);
        if (!is_ipv4(ip))
            continue;
        if (has_endpoints)
            cube_buf_printf(b->nat_services,
                            "-A KUBE-SERVICES -m comment --comment \"%s external IP\" -m %s -p %s "
                            "-d %s --dport %d -j %s\n",
                            sp->spn, p, p, ip, sp->port, ext_chain);
        if (!has_external)
            cube_buf_printf(b->filter_external,
                            "-A KUBE-EXTERNAL-SERVICES -m comment --comment %s -m %s -p %s -d %s "
                            "--dport %d -j %s\n",
                            ext_comment, p, p, ip, sp->port, ext_target);
    }
    json_array_foreach(sp->lb_ingress, i, v)
    {
        const char *ip = json_string_value(json_object_get(v, "ip"));
        if (!is_ipv4(ip))
            continue;
        if (has_endpoints)
            cube_buf_printf(b->nat_services,
                            "-A KUBE-SERVICES -m comment --comment \"%s loadbalancer IP\" -m %s "
                            "-p %s -d %s --dport %d -j %s\n",
                            sp->spn, p, p, ip, sp->port, ext_chain);
        if (!has_external)
            cube_buf_printf(b->filter_external,
                            "-A KUBE-EXTERNAL-SERVICES -m comment --comment %s -m %s -p %s -d %s "
                            "--dport %d -j %s\n",
                            ext_comment, p, p, ip, sp->port, ext_target);
    }

    /* The node port. */
    if (sp->node_port > 0) {
        if (has_endpoints)
            cube_buf_printf(b->nat_nodeports,
                            "-A KUBE-NODEPORTS -m comment --comment %s -m %s -p %s --dport %d "
                            "-j %s\n",
                            sp->spn, p, p, sp->node_port, ext_chain);
        if (!has_external)
            cube_buf_printf(b->filter_external,
                            "-A KUBE-EXTERNAL-SERVICES -m comment --comment %s -m addrtype "
                            "--dst-type LOCAL -m %s -p %s --dport %d -j %s\n",
                            ext_comment, p, p, sp->node_port, ext_target);
    }
    if (sp->etp_local && sp->hc_node_port > 0)
        cube_buf_printf(b->filter_nodeports,
                        "-A KUBE-NODEPORTS -m comment --comment \"%s health check node port\" "
                        "-m tcp -p tcp --dport %d -j ACCEPT\n",
                        sp->spn, sp->hc_node_port);

    /* External traffic: masquerade unless the policy keeps the client's address. */
    if (ext) {
        if (!sp->etp_local) {
            cube_buf_printf(ext,
                            "-A %s -m comment --comment \"masquerade traffic for %s external "
                            "destinations\" -j KUBE-MARK-MASQ\n",
                            ext_chain, sp->spn);
        } else {
            if (cfg->cluster_cidr && *cfg->cluster_cidr)
                cube_buf_printf(ext,
                                "-A %s -m comment --comment \"pod traffic for %s external "
                                "destinations\" -s %s -j %s\n",
                                ext_chain, sp->spn, cfg->cluster_cidr, svc_chain);
            cube_buf_printf(ext,
                            "-A %s -m comment --comment \"masquerade LOCAL traffic for %s "
                            "external destinations\" -m addrtype --src-type LOCAL -j "
                            "KUBE-MARK-MASQ\n",
                            ext_chain, sp->spn);
            cube_buf_printf(ext,
                            "-A %s -m comment --comment \"route LOCAL traffic for %s external "
                            "destinations\" -m addrtype --src-type LOCAL -j %s\n",
                            ext_chain, sp->spn, svc_chain);
        }
        if (has_external)
            cube_buf_printf(ext, "-A %s -j %s\n", ext_chain, external_policy_chain);
    }

    if (svc)
        endpoint_jumps(svc, svc_chain, sp, cluster, n_cluster);
    if (svl)
        endpoint_jumps(svl, svl_chain, sp, local, n_local);

    /* One chain per reachable endpoint. */
    for (size_t k = 0; k < n_eps; k++) {
        endpoint_t *e = &eps[k];
        bool reachable = false;
        for (size_t j = 0; j < n_cluster && !reachable; j++)
            reachable = cluster[j] == e;
        for (size_t j = 0; j < n_local && !reachable; j++)
            reachable = local[j] == e;
        if (!reachable)
            continue;
        cube_buf_t *c = cube_proxy_chain_add(&b->nat, e->chain);
        cube_buf_printf(c, "-A %s -m comment --comment %s -s %s -j KUBE-MARK-MASQ\n", e->chain,
                        sp->spn, e->ip);
        cube_buf_printf(c, "-A %s -m comment --comment %s", e->chain, sp->spn);
        if (sp->affinity)
            cube_buf_printf(c, " -m recent --name %s --set", e->chain);
        cube_buf_printf(c, " -m %s -p %s -j DNAT --to-destination %s\n", p, p, e->str);
        if (!strcmp(p, "udp")) {
            cube_proxy_add_udp_flow(b, sp->cluster_ip, sp->port, e->ip);
            if (sp->node_port > 0)
                cube_proxy_add_udp_flow(b, "*", sp->node_port, e->ip);
            json_array_foreach(sp->external_ips, i, v)
            {
                if (is_ipv4(json_string_value(v)))
                    cube_proxy_add_udp_flow(b, json_string_value(v), sp->port, e->ip);
            }
        }
    }
}

static void build_service(builder_t *b, const json_t *svc, const slice_ref_t *refs, size_t n_refs)
{
    const char *ns = cube_json_str(svc, "metadata", "namespace", NULL);
    const char *name = cube_json_str(svc, "metadata", "name", NULL);
    const char *type = cube_json_str(svc, "spec", "type", NULL);
    const char *ip = cube_json_str(svc, "spec", "clusterIP", NULL);
    if (!ns || !name || (type && !strcmp(type, "ExternalName")) || !is_ipv4(ip) ||
        !strcmp(ip, "None"))
        return;
    json_t *spec = json_object_get(svc, "spec");
    svc_port_t sp = {.ns = ns, .name = name, .cluster_ip = ip};
    const char *aff = json_string_value(json_object_get(spec, "sessionAffinity"));
    sp.affinity = aff && !strcmp(aff, "ClientIP");
    json_t *to = cube_json_path(spec, "sessionAffinityConfig", "clientIP", "timeoutSeconds", NULL);
    sp.affinity_sec = json_is_integer(to) && json_integer_value(to) > 0
                          ? (int)json_integer_value(to)
                          : DEFAULT_AFFINITY_SEC;
    sp.external_ips = json_object_get(spec, "externalIPs");
    sp.lb_ingress = cube_json_path(svc, "status", "loadBalancer", "ingress", NULL);
    const char *itp = json_string_value(json_object_get(spec, "internalTrafficPolicy"));
    const char *etp = json_string_value(json_object_get(spec, "externalTrafficPolicy"));
    sp.itp_local = itp && !strcmp(itp, "Local");
    json_t *hc = json_object_get(spec, "healthCheckNodePort");
    sp.hc_node_port = json_is_integer(hc) ? (int)json_integer_value(hc) : 0;
    bool lb_or_np = type && (!strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer"));

    size_t pi;
    json_t *port;
    json_array_foreach(json_object_get(spec, "ports"), pi, port)
    {
        json_t *pn = json_object_get(port, "port");
        if (!json_is_integer(pn))
            continue;
        sp.port = (int)json_integer_value(pn);
        json_t *np = json_object_get(port, "nodePort");
        sp.node_port = lb_or_np && json_is_integer(np) ? (int)json_integer_value(np) : 0;
        sp.pname = name_of(port);
        sp.proto = protocol_of(port);
        size_t k;
        for (k = 0; sp.proto[k] && k + 1 < sizeof(sp.lproto); k++)
            sp.lproto[k] = (char)tolower((unsigned char)sp.proto[k]);
        sp.lproto[k] = '\0';
        snprintf(sp.spn, sizeof(sp.spn), "%s/%s%s%s", ns, name, *sp.pname ? ":" : "", sp.pname);
        sp.externally_accessible = sp.node_port > 0 || json_array_size(sp.external_ips) > 0 ||
                                   json_array_size(sp.lb_ingress) > 0;
        sp.etp_local = sp.externally_accessible && etp && !strcmp(etp, "Local");
        size_t n_eps = 0;
        _cleanup_free_ endpoint_t *eps =
            collect_endpoints(b->cfg, refs, n_refs, sp.pname, sp.proto, sp.spn, sp.lproto, &n_eps);
        if (b->cfg->nftables)
            cube_proxy_nft_build_port(b, &sp, eps, n_eps);
        else
            build_port(b, &sp, eps, n_eps);
    }
}

typedef struct svc_ref {
    char *key;
    json_t *svc;
} svc_ref_t;

static int svc_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const svc_ref_t *)a)->key, ((const svc_ref_t *)b)->key);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fixed chains of the iptables mode, in the order upstream declares them. */
static void init_iptables(builder_t *b)
{
    b->filter_nodeports = cube_proxy_chain_add(&b->filter, "KUBE-NODEPORTS");
    b->filter_services = cube_proxy_chain_add(&b->filter, "KUBE-SERVICES");
    b->filter_external = cube_proxy_chain_add(&b->filter, "KUBE-EXTERNAL-SERVICES");
    cube_buf_t *fwd = cube_proxy_chain_add(&b->filter, "KUBE-FORWARD");
    cube_proxy_chain_add(&b->filter, "KUBE-PROXY-FIREWALL");
    b->nat_services = cube_proxy_chain_add(&b->nat, "KUBE-SERVICES");
    b->nat_nodeports = cube_proxy_chain_add(&b->nat, "KUBE-NODEPORTS");
    cube_buf_t *post = cube_proxy_chain_add(&b->nat, "KUBE-POSTROUTING");
    cube_buf_t *mark = cube_proxy_chain_add(&b->nat, "KUBE-MARK-MASQ");

    cube_buf_puts(post,
                  "-A KUBE-POSTROUTING -m mark ! --mark " MASQ_MARK "/" MASQ_MARK " -j RETURN\n");
    cube_buf_puts(post, "-A KUBE-POSTROUTING -j MARK --xor-mark " MASQ_MARK "\n");
    cube_buf_puts(post, "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic "
                        "requiring SNAT\" -j MASQUERADE --random-fully\n");
    cube_buf_puts(mark, "-A KUBE-MARK-MASQ -j MARK --or-mark " MASQ_MARK "\n");
    cube_buf_puts(fwd, "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n");
    cube_buf_puts(fwd, "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m "
                       "mark --mark " MASQ_MARK "/" MASQ_MARK " -j ACCEPT\n");
    cube_buf_puts(fwd, "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack "
                       "rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
}

void cube_proxy_rules_build(const cube_proxy_rules_config_t *cfg, json_t *const *services,
                            size_t n_services, json_t *const *slices, size_t n_slices,
                            cube_proxy_ruleset_t *ret)
{
    builder_t b = {.cfg = cfg};
    if (cfg->nftables) {
        /* The verdict maps' elements; the fixed chains are part of the rendered skeleton. */
        b.filter_external = cube_proxy_chain_add(&b.filter, "no-endpoint-nodeports");
        b.filter_services = cube_proxy_chain_add(&b.filter, "no-endpoint-services");
        b.nat_services = cube_proxy_chain_add(&b.filter, "service-ips");
        b.nat_nodeports = cube_proxy_chain_add(&b.filter, "service-nodeports");
        b.filter_nodeports = cube_proxy_chain_add(&b.filter, "hairpin");
    } else {
        init_iptables(&b);
    }

    /* Slices grouped by their service, services in a stable order. */
    slice_ref_t *refs = xcalloc(n_slices + 1, sizeof(*refs));
    size_t n_refs = 0;
    for (size_t i = 0; i < n_slices; i++) {
        const char *ns = cube_json_str(slices[i], "metadata", "namespace", NULL);
        const char *svc =
            cube_json_str(slices[i], "metadata", "labels", "kubernetes.io/service-name", NULL);
        if (!ns || !svc)
            continue;
        refs[n_refs].key = xasprintf("%s/%s", ns, svc);
        refs[n_refs++].slice = slices[i];
    }
    qsort(refs, n_refs, sizeof(*refs), slice_ref_cmp);
    svc_ref_t *svcs = xcalloc(n_services + 1, sizeof(*svcs));
    for (size_t i = 0; i < n_services; i++) {
        const char *ns = cube_json_str(services[i], "metadata", "namespace", NULL);
        const char *name = cube_json_str(services[i], "metadata", "name", NULL);
        svcs[i].key = xasprintf("%s/%s", ns ? ns : "", name ? name : "");
        svcs[i].svc = services[i];
    }
    qsort(svcs, n_services, sizeof(*svcs), svc_ref_cmp);

    for (size_t i = 0; i < n_services; i++) {
        /* The first slice of this service, then all that follow with the same key. */
        size_t lo = 0, hi = n_refs;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(refs[mid].key, svcs[i].key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t end = lo;
        while (end < n_refs && !strcmp(refs[end].key, svcs[i].key))
            end++;
        build_service(&b, svcs[i].svc, refs + lo, end - lo);
    }

    /* Must stay the last rule of KUBE-SERVICES. */
    if (!cfg->nftables)
        cube_buf_puts(b.nat_services,
                      "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: "
                      "this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j "
                      "KUBE-NODEPORTS\n");

    for (size_t i = 0; i < n_refs; i++)
        free(refs[i].key);
    free(refs);
    for (size_t i = 0; i < n_services; i++)
        free(svcs[i].key);
    free(svcs);

    *ret = (cube_proxy_ruleset_t){0};
    table_finish(&b.nat, &ret->nat, &ret->n_nat);
    table_finish(&b.filter, &ret->filter, &ret->n_filter);
    if (b.n_udp > 1)
        qsort(b.udp, b.n_udp, sizeof(*b.udp), str_cmp);
    ret->udp_flows = b.udp;
    ret->n_udp_flows = b.n_udp;
}

static void chains_free(cube_proxy_chain_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].rules);
    }
    free(v);
}

void cube_proxy_ruleset_clear(cube_proxy_ruleset_t *rs)
{
    if (!rs)
        return;
    chains_free(rs->nat, rs->n_nat);
    chains_free(rs->filter, rs->n_filter);
    for (size_t i = 0; i < rs->n_udp_flows; i++)
        free(rs->udp_flows[i]);
    free(rs->udp_flows);
    *rs = (cube_proxy_ruleset_t){0};
}

static const cube_proxy_chain_t *find_chain(const cube_proxy_chain_t *v, size_t n, const char *name)
{
    cube_proxy_chain_t key = {.name = (char *)name};
    return bsearch(&key, v, n, sizeof(*v), chain_cmp);
}

const cube_proxy_chain_t *cube_proxy_ruleset_chain(const cube_proxy_ruleset_t *rs,
                                                   const char *table, const char *name)
{
    if (!strcmp(table, "nat"))
        return find_chain(rs->nat, rs->n_nat, name);
    if (!strcmp(table, "filter"))
        return find_chain(rs->filter, rs->n_filter, name);
    return NULL;
}

/* Appends one table's part of the restore input; false when it has nothing to change. */
static bool render_table(cube_buf_t *out, const char *table, const cube_proxy_chain_t *cur,
                         size_t n_cur, const cube_proxy_chain_t *prev, size_t n_prev, bool full,
                         char *const *extra, size_t n_extra)
{
    cube_buf_t decl = CUBE_BUF_INIT, rules = CUBE_BUF_INIT, del = CUBE_BUF_INIT;
    for (size_t i = 0; i < n_cur; i++) {
        const cube_proxy_chain_t *old = full ? NULL : find_chain(prev, n_prev, cur[i].name);
        if (old && !strcmp(old->rules, cur[i].rules))
            continue;
        cube_buf_printf(&decl, ":%s - [0:0]\n", cur[i].name);
        cube_buf_puts(&rules, cur[i].rules);
    }
    for (size_t i = 0; !full && i < n_prev; i++) {
        if (find_chain(cur, n_cur, prev[i].name))
            continue;
        cube_buf_printf(&decl, ":%s - [0:0]\n", prev[i].name);
        cube_buf_printf(&del, "-X %s\n", prev[i].name);
    }
    size_t tlen = strlen(table);
    for (size_t i = 0; i < n_extra; i++) {
        const char *s = extra[i];
        if (strncmp(s, table, tlen) || s[tlen] != '/' || find_chain(cur, n_cur, s + tlen + 1))
            continue;
        cube_buf_printf(&decl, ":%s - [0:0]\n", s + tlen + 1);
        cube_buf_printf(&del, "-X %s\n", s + tlen + 1);
    }
    bool any = decl.len > 0;
    if (any) {
        cube_buf_printf(out, "*%s\n", table);
        cube_buf_append(out, decl.data, decl.len);
        cube_buf_append(out, rules.data, rules.len);
        cube_buf_append(out, del.data, del.len);
        cube_buf_puts(out, "COMMIT\n");
    }
    cube_buf_clear(&decl);
    cube_buf_clear(&rules);
    cube_buf_clear(&del);
    return any;
}

char *cube_proxy_ruleset_render(const cube_proxy_ruleset_t *cur, const cube_proxy_ruleset_t *prev,
                                char *const *extra_stale, size_t n_extra_stale)
{
    cube_buf_t out = CUBE_BUF_INIT;
    bool full = prev == NULL;
    bool any = render_table(&out, "filter", cur->filter, cur->n_filter, prev ? prev->filter : NULL,
                            prev ? prev->n_filter : 0, full, extra_stale, n_extra_stale);
    any |= render_table(&out, "nat", cur->nat, cur->n_nat, prev ? prev->nat : NULL,
                        prev ? prev->n_nat : 0, full, extra_stale, n_extra_stale);
    if (!any) {
        cube_buf_clear(&out);
        return NULL;
    }
    return cube_buf_steal(&out, NULL);
}
