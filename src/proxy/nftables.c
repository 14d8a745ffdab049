/*
 * nftables: the proxy's nftables mode. iptables-nft turns every iptables
 * chain into an nftables chain and loads them all back for each change;
 * with 1,000 services x 10 endpoints that is ~11,000 chains and seconds per
 * restore. This mode writes a table of its own, `ip kube-proxy`, laid out as
 * upstream's nftables proxier lays it out (verdict maps from address, protocol
 * and port to a per-service chain), but with the endpoints picked inside one
 * dnat by `numgen random mod N` instead of one chain per endpoint: ~1,000
 * chains for 1,000 services, one `nft -f` transaction per sync.
 *
 * Layout: service-ips (ClusterIP / external / load-balancer IP . proto .
 * port) and service-nodeports (proto . port, to local addresses) map to
 * `service-...` (internal traffic) and `external-...` (traffic from outside)
 * chains; no-endpoint-services / no-endpoint-nodeports map to reject or drop
 * in the filter hooks; mark-for-masquerade / masquerading as upstream.
 * Hairpin traffic (a connection DNATed back to its own source) is found in
 * postrouting by the set `hairpin` of "ip . ip" pairs, one per endpoint: no
 * anonymous set per service, which would double the cost of every `nft -f`.
 * Element lists are diffed line by line, so a change writes only the elements
 * that changed. sessionAffinity is not implemented in this mode.
 */
#include "proxy/internal.h"

#define TABLE "ip kube-proxy"
#define MASQ_MARK "0x4000"

/* The chain name: upstream's shape, "service-<hash8>-<ns>/<name>/<proto>/<port name>". */
static void chain_name(char *out, size_t size, const char *kind, const char *h,
                       const svc_port_t *sp)
{
    snprintf(out, size, "%s-%.8s-%s/%s/%s/%s", kind, h, sp->ns, sp->name, sp->lproto, sp->pname);
}

/* The dnat rule over eps. */
static void dnat_rule(cube_buf_t *c, const char *chain, const svc_port_t *sp,
                      endpoint_t *const *eps, size_t n)
{
    if (n == 1) {
        cube_buf_printf(c, "add rule " TABLE " %s meta l4proto %s dnat to %s:%d\n", chain,
                        sp->lproto, eps[0]->ip, eps[0]->port);
        return;
    }
    cube_buf_printf(c, "add rule " TABLE " %s meta l4proto %s dnat to numgen random mod %zu map { ",
                    chain, sp->lproto, n);
    for (size_t i = 0; i < n; i++)
        cube_buf_printf(c, "%s%zu : %s . %d", i ? ", " : "", i, eps[i]->ip, eps[i]->port);
    cube_buf_puts(c, " }\n");
}

void cube_proxy_nft_build_port(builder_t *b, const svc_port_t *sp, endpoint_t *eps, size_t n_eps)
{
    const cube_proxy_rules_config_t *cfg = b->cfg;
    const char *p = sp->lproto;
    _cleanup_free_ endpoint_t **cluster = xcalloc(n_eps + 1, sizeof(*cluster));
    _cleanup_free_ endpoint_t **local = xcalloc(n_eps + 1, sizeof(*local));
    size_t n_cluster = 0, n_local = 0;
    bool has_endpoints = false;
    cube_proxy_categorize(sp, eps, n_eps, cluster, &n_cluster, local, &n_local, &has_endpoints);

    endpoint_t **internal = sp->itp_local ? local : cluster;
    size_t n_internal = sp->itp_local ? n_local : n_cluster;
    endpoint_t **external = sp->etp_local ? local : cluster;
    size_t n_external = sp->etp_local ? n_local : n_cluster;
    const char *int_verdict = has_endpoints ? "drop" : "goto reject-chain";
    const char *ext_verdict = int_verdict;

    char svc_chain[600], ext_chain[600];
    char h[17];
    _cleanup_free_ char *hin = xasprintf("%s%s", sp->spn, sp->lproto);
    cube_proxy_hash(hin, h);
    chain_name(svc_chain, sizeof(svc_chain), "service", h, sp);
    chain_name(ext_chain, sizeof(ext_chain), "external", h, sp);

    if (n_internal > 0) {
        cube_buf_t *c = cube_proxy_chain_add(&b->nat, svc_chain);
        if (cfg->masquerade_all)
            cube_buf_printf(c, "add rule " TABLE " %s jump mark-for-masquerade\n", svc_chain);
        else if (cfg->cluster_cidr && *cfg->cluster_cidr)
            cube_buf_printf(c, "add rule " TABLE " %s ip saddr != %s jump mark-for-masquerade\n",
                            svc_chain, cfg->cluster_cidr);
        dnat_rule(c, svc_chain, sp, internal, n_internal);
        cube_buf_printf(b->nat_services,
                        "add element " TABLE " service-ips { %s . %s . %d : goto %s }\n",
                        sp->cluster_ip, p, sp->port, svc_chain);
    } else {
        cube_buf_printf(b->filter_services,
                        "add element " TABLE " no-endpoint-services { %s . %s . %d : %s }\n",
                        sp->cluster_ip, p, sp->port, int_verdict);
    }

    if (sp->externally_accessible) {
        if (n_external > 0) {
            cube_buf_t *c = cube_proxy_chain_add(&b->nat, ext_chain);
            if (!sp->etp_local)
                cube_buf_printf(c, "add rule " TABLE " %s jump mark-for-masquerade\n", ext_chain);
            else
                cube_buf_printf(c,
                                "add rule " TABLE " %s fib saddr type local jump "
                                "mark-for-masquerade\n",
                                ext_chain);
            dnat_rule(c, ext_chain, sp, external, n_external);
        }
        const char *verdict = n_external > 0 ? NULL : ext_verdict;
        size_t i;
        json_t *v;
        json_array_foreach(sp->external_ips, i, v)
        {
            const char *ip = json_string_value(v);
            if (!ip || !*ip || strchr(ip, ':'))
                continue;
            if (verdict)
                cube_buf_printf(b->filter_services,
                                "add element " TABLE
                                " no-endpoint-services { %s . %s . %d : %s }\n",
                                ip, p, sp->port, verdict);
            else
                cube_buf_printf(b->nat_services,
                                "add element " TABLE " service-ips { %s . %s . %d : goto %s }\n",
                                ip, p, sp->port, ext_chain);
        }
        json_array_foreach(sp->lb_ingress, i, v)
        {
            const char *ip = json_string_value(json_object_get(v, "ip"));
            if (!ip || !*ip || strchr(ip, ':'))
                continue;
            if (verdict)
                cube_buf_printf(b->filter_services,
                                "add element " TABLE
                                " no-endpoint-services { %s . %s . %d : %s }\n",
                                ip, p, sp->port, verdict);
            else
                cube_buf_printf(b->nat_services,
                                "add element " TABLE " service-ips { %s . %s . %d : goto %s }\n",
                                ip, p, sp->port, ext_chain);
        }
        if (sp->node_port > 0) {
            if (verdict)
                cube_buf_printf(b->filter_external,
                                "add element " TABLE " no-endpoint-nodeports { %s . %d : %s }\n", p,
                                sp->node_port, verdict);
            else
                cube_buf_printf(b->nat_nodeports,
                                "add element " TABLE " service-nodeports { %s . %d : goto %s }\n",
                                p, sp->node_port, ext_chain);
        }
    }

    for (size_t k = 0; k < n_eps; k++) {
        bool used = false;
        for (size_t j = 0; j < n_cluster && !used; j++)
            used = cluster[j] == &eps[k];
        for (size_t j = 0; j < n_local && !used; j++)
            used = local[j] == &eps[k];
        if (!used)
            continue;
        /* Hairpin: a connection DNATed back to its own source is masqueraded. */
        cube_buf_printf(b->filter_nodeports, "add element " TABLE " hairpin { %s . %s }\n",
                        eps[k].ip, eps[k].ip);
        if (!strcmp(p, "udp")) {
            cube_proxy_add_udp_flow(b, sp->cluster_ip, sp->port, eps[k].ip);
            if (sp->node_port > 0)
                cube_proxy_add_udp_flow(b, "*", sp->node_port, eps[k].ip);
        }
    }
}

/* The fixed part of the table: maps, helper chains and the base chains hooking them in. */
static const char skeleton[] =
    "add table " TABLE "\n"
    "add map " TABLE " service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }\n"
    "add map " TABLE " service-nodeports { type inet_proto . inet_service : verdict ; }\n"
    "add map " TABLE
    " no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; }\n"
    "add map " TABLE " no-endpoint-nodeports { type inet_proto . inet_service : verdict ; }\n"
    "add chain " TABLE " mark-for-masquerade\n"
    "add rule " TABLE " mark-for-masquerade mark set mark or " MASQ_MARK "\n"
    "add set " TABLE " hairpin { type ipv4_addr . ipv4_addr ; }\n"
    "add chain " TABLE " masquerading\n"
    "add rule " TABLE " masquerading ct status dnat ip saddr . ip daddr @hairpin masquerade "
    "fully-random\n"
    "add rule " TABLE " masquerading mark and " MASQ_MARK " == 0 return\n"
    "add rule " TABLE " masquerading mark set mark xor " MASQ_MARK "\n"
    "add rule " TABLE " masquerading masquerade fully-random\n"
    "add chain " TABLE " reject-chain\n"
    "add rule " TABLE " reject-chain reject\n"
    "add chain " TABLE " services\n"
    "add rule " TABLE " services ip daddr . meta l4proto . th dport vmap @service-ips\n"
    "add rule " TABLE " services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th "
    "dport vmap @service-nodeports\n"
    "add chain " TABLE " endpoints-check\n"
    "add rule " TABLE " endpoints-check ip daddr . meta l4proto . th dport vmap "
    "@no-endpoint-services\n"
    "add rule " TABLE " endpoints-check fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto "
    ". th dport vmap @no-endpoint-nodeports\n"
    "add chain " TABLE " nat-prerouting { type nat hook prerouting priority -100 ; }\n"
    "add rule " TABLE " nat-prerouting jump services\n"
    "add chain " TABLE " nat-output { type nat hook output priority -100 ; }\n"
    "add rule " TABLE " nat-output jump services\n"
    "add chain " TABLE " nat-postrouting { type nat hook postrouting priority 100 ; }\n"
    "add rule " TABLE " nat-postrouting jump masquerading\n"
    "add chain " TABLE " filter-input { type filter hook input priority -10 ; }\n"
    "add rule " TABLE " filter-input ct state new jump endpoints-check\n"
    "add chain " TABLE " filter-forward { type filter hook forward priority -10 ; }\n"
    "add rule " TABLE " filter-forward ct state new jump endpoints-check\n"
    "add chain " TABLE " filter-output { type filter hook output priority -10 ; }\n"
    "add rule " TABLE " filter-output ct state new jump endpoints-check\n";

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int chain_cmp(const void *a, const void *b)
{
    return strcmp(((const cube_proxy_chain_t *)a)->name, ((const cube_proxy_chain_t *)b)->name);
}

static const cube_proxy_chain_t *find(const cube_proxy_chain_t *v, size_t n, const char *name)
{
    cube_proxy_chain_t key = {.name = (char *)name};
    return v ? bsearch(&key, v, n, sizeof(*v), chain_cmp) : NULL;
}

/* The lines of text, sorted and without duplicates. Owned array of pointers into text (which
 * is modified). */
static char **sorted_lines(char *text, size_t *ret_n)
{
    size_t n = 0, cap = 16;
    char **v = xmalloc(cap * sizeof(*v));
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof(*v));
        v[n++] = line;
        line = nl ? nl + 1 : NULL;
    }
    qsort(v, n, sizeof(*v), str_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(v[k - 1], v[i]))
            v[k++] = v[i];
    *ret_n = k;
    return v;
}

/* Appends "delete element" lines (keys only) to del and "add element" lines to add for the
 * difference between two element lists ("add element T NAME { KEY [: VALUE] }" lines). */
static void elements_diff(cube_buf_t *del, cube_buf_t *add, const char *old_text,
                          const char *new_text)
{
    _cleanup_free_ char *a = xstrdup(old_text), *b = xstrdup(new_text);
    size_t na = 0, nb = 0;
    _cleanup_free_ char **va = sorted_lines(a, &na);
    _cleanup_free_ char **vb = sorted_lines(b, &nb);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i >= na ? 1 : j >= nb ? -1 : strcmp(va[i], vb[j]);
        if (c == 0) {
            i++, j++;
        } else if (c < 0) {
            const char *l = va[i++];
            const char *colon = strstr(l, " : ");
            const char *end = colon ? colon : strstr(l, " }");
            if (!strncmp(l, "add ", 4) && end)
                cube_buf_printf(del, "delete %.*s }\n", (int)(end - l - 4), l + 4);
        } else {
            cube_buf_printf(add, "%s\n", vb[j++]);
        }
    }
}

char *cube_proxy_nft_render(const cube_proxy_ruleset_t *cur, const cube_proxy_ruleset_t *prev)
{
    cube_buf_t out = CUBE_BUF_INIT;
    if (!prev) {
        /* One transaction: the table is replaced whole, no packet sees it half-built. */
        cube_buf_puts(&out, "add table " TABLE "\ndelete table " TABLE "\n");
        cube_buf_puts(&out, skeleton);
        for (size_t i = 0; i < cur->n_nat; i++)
            cube_buf_printf(&out, "add chain " TABLE " %s\n", cur->nat[i].name);
        for (size_t i = 0; i < cur->n_nat; i++)
            cube_buf_puts(&out, cur->nat[i].rules);
        for (size_t i = 0; i < cur->n_filter; i++)
            cube_buf_puts(&out, cur->filter[i].rules);
        return cube_buf_steal(&out, NULL);
    }
    cube_buf_t rules = CUBE_BUF_INIT;
    for (size_t i = 0; i < cur->n_nat; i++) {
        const cube_proxy_chain_t *old = find(prev->nat, prev->n_nat, cur->nat[i].name);
        if (old && !strcmp(old->rules, cur->nat[i].rules))
            continue;
        cube_buf_printf(&out, "%s chain " TABLE " %s\n", old ? "flush" : "add", cur->nat[i].name);
        cube_buf_puts(&rules, cur->nat[i].rules);
    }
    cube_buf_append(&out, rules.data, rules.len);
    cube_buf_clear(&rules);
    /* Elements that went away, then new ones (a changed value is both), before the chains
     * they name are deleted. */
    for (size_t i = 0; i < cur->n_filter; i++) {
        const cube_proxy_chain_t *old = find(prev->filter, prev->n_filter, cur->filter[i].name);
        if (old && strcmp(old->rules, cur->filter[i].rules))
            elements_diff(&out, &rules, old->rules, cur->filter[i].rules);
    }
    cube_buf_append(&out, rules.data, rules.len);
    cube_buf_clear(&rules);
    for (size_t i = 0; i < prev->n_nat; i++)
        if (!find(cur->nat, cur->n_nat, prev->nat[i].name))
            cube_buf_printf(&out, "delete chain " TABLE " %s\n", prev->nat[i].name);
    if (out.len == 0) {
        cube_buf_clear(&out);
        return NULL;
    }
    return cube_buf_steal(&out, NULL);
}
