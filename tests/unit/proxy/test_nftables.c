/* Unit tests for src/proxy/nftables.c: the nftables mode's table built from Services and
 * EndpointSlices, and the `nft -f` transactions that install and update it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "proxy/proxy.h"

static const cube_proxy_rules_config_t cfg = {
    .nftables = true,
    .hostname = "node1",
    .cluster_cidr = "10.42.0.0/16",
};

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad fixture: %s: %s", e.text, text);
    return j;
}

/* A service "ns/web" with one port (name, protocol, port, nodePort or 0) and extra spec JSON. */
static json_t *service(const char *type, const char *pname, const char *proto, int port,
                       int node_port, const char *extra)
{
    char buf[2048];
    char np[64] = "";
    if (node_port)
        snprintf(np, sizeof(np), ", \"nodePort\": %d", node_port);
    snprintf(buf, sizeof(buf),
             "{\"metadata\": {\"namespace\": \"ns\", \"name\": \"web\"}, \"spec\": {\"type\": "
             "\"%s\", \"clusterIP\": \"10.43.0.10\", \"ports\": [{\"name\": \"%s\", "
             "\"protocol\": \"%s\", \"port\": %d, \"targetPort\": 8080%s}]%s%s}}",
             type, pname, proto, port, np, extra ? ", " : "", extra ? extra : "");
    return parse(buf);
}

/* A slice of ns/web with port (pname, proto, 8080) and the given endpoints JSON array. */
static json_t *slice(const char *pname, const char *proto, const char *endpoints)
{
    char buf[4096];
    snprintf(buf, sizeof(buf),
             "{\"metadata\": {\"namespace\": \"ns\", \"name\": \"web-abc\", \"labels\": "
             "{\"kubernetes.io/service-name\": \"web\"}}, \"addressType\": \"IPv4\", "
             "\"ports\": [{\"name\": \"%s\", \"protocol\": \"%s\", \"port\": 8080}], "
             "\"endpoints\": %s}",
             pname, proto, endpoints);
    return parse(buf);
}

static void build(json_t *svc, json_t *sl, const cube_proxy_rules_config_t *c,
                  cube_proxy_ruleset_t *rs)
{
    json_t *svcs[] = {svc};
    json_t *slices[] = {sl};
    cube_proxy_rules_build(c ? c : &cfg, svcs, 1, slices, sl ? 1 : 0, rs);
}

static const char *rules(const cube_proxy_ruleset_t *rs, const char *table, const char *chain)
{
    const cube_proxy_chain_t *c = cube_proxy_ruleset_chain(rs, table, chain);
    return c ? c->rules : NULL;
}

/* The nftables mode's chain of ns/web port "http" over tcp: "<kind>-<hash8>-ns/web/tcp/http". */
static char *chain_name(const char *kind)
{
    char h[17];
    cube_proxy_hash("ns/web:httptcp", h);
    h[8] = '\0';
    return xasprintf("%s-%s-ns/web/tcp/http", kind, h);
}

#define EP(ip, ready, node)                                                                        \
    "{\"addresses\": [\"" ip "\"], \"conditions\": {\"ready\": " ready "}, \"nodeName\": \"" node  \
    "\"}"

static void test_cluster_ip_dnat_by_numgen(void **state)
{
    json_auto_t *svc = service("ClusterIP", "http", "TCP", 80, 0, NULL);
    json_auto_t *sl =
        slice("http", "TCP",
              "[" EP("10.42.0.5", "true", "node1") "," EP("10.42.0.6", "true", "node2") "," EP(
                  "10.42.0.7", "false", "node2") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    _cleanup_free_ char *name = chain_name("service");
    /* one chain for the port: no chain per endpoint */
    assert_int_equal(rs.n_nat, 1);
    const char *r = rules(&rs, "nat", name);
    assert_non_null(r);
    _cleanup_free_ char *want = xasprintf(
        "add rule ip kube-proxy %s ip saddr != 10.42.0.0/16 jump mark-for-masquerade\n"
        "add rule ip kube-proxy %s meta l4proto tcp dnat to numgen random mod 2 map { 0 : "
        "10.42.0.5 . 8080, 1 : 10.42.0.6 . 8080 }\n",
        name, name);
    assert_string_equal(r, want);
    _cleanup_free_ char *elem = xasprintf(
        "add element ip kube-proxy service-ips { 10.43.0.10 . tcp . 80 : goto %s }\n", name);
    assert_string_equal(rules(&rs, "filter", "service-ips"), elem);
    assert_string_equal(rules(&rs, "filter", "no-endpoint-services"), "");
    /* hairpin pairs of the endpoints in use only (not the unready 10.42.0.7) */
    assert_string_equal(rules(&rs, "filter", "hairpin"),
                        "add element ip kube-proxy hairpin { 10.42.0.5 . 10.42.0.5 }\n"
                        "add element ip kube-proxy hairpin { 10.42.0.6 . 10.42.0.6 }\n");
    cube_proxy_ruleset_clear(&rs);
}

static void test_single_endpoint_and_no_endpoints(void **state)
{
    json_auto_t *svc = service("ClusterIP", "http", "TCP", 80, 0, NULL);
    json_auto_t *one = slice("http", "TCP", "[" EP("10.42.0.5", "true", "node1") "]");
    json_auto_t *none = slice("http", "TCP", "[" EP("10.42.0.5", "false", "node1") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, one, NULL, &rs);
    _cleanup_free_ char *name = chain_name("service");
    _cleanup_free_ char *dnat =
        xasprintf("add rule ip kube-proxy %s meta l4proto tcp dnat to 10.42.0.5:8080\n", name);
    assert_non_null(strstr(rules(&rs, "nat", name), dnat));
    cube_proxy_ruleset_clear(&rs);

    build(svc, none, NULL, &rs);
    assert_int_equal(rs.n_nat, 0);
    assert_string_equal(rules(&rs, "filter", "service-ips"), "");
    assert_string_equal(rules(&rs, "filter", "no-endpoint-services"),
                        "add element ip kube-proxy no-endpoint-services { 10.43.0.10 . tcp . 80 : "
                        "goto reject-chain }\n");
    cube_proxy_ruleset_clear(&rs);
}

static void test_node_port_and_local_policy(void **state)
{
    json_auto_t *svc = service("NodePort", "http", "TCP", 80, 30080, NULL);
    json_auto_t *local =
        service("NodePort", "http", "TCP", 80, 30080, "\"externalTrafficPolicy\": \"Local\"");
    json_auto_t *sl =
        slice("http", "TCP",
              "[" EP("10.42.0.5", "true", "node1") "," EP("10.42.0.6", "true", "node2") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    _cleanup_free_ char *ext = chain_name("external");
    _cleanup_free_ char *elem =
        xasprintf("add element ip kube-proxy service-nodeports { tcp . 30080 : goto %s }\n", ext);
    assert_string_equal(rules(&rs, "filter", "service-nodeports"), elem);
    _cleanup_free_ char *masq =
        xasprintf("add rule ip kube-proxy %s jump mark-for-masquerade\n", ext);
    assert_memory_equal(rules(&rs, "nat", ext), masq, strlen(masq));
    assert_non_null(strstr(rules(&rs, "nat", ext), "mod 2 map"));
    cube_proxy_ruleset_clear(&rs);

    /* Local: only node1's endpoint, the client's address kept */
    build(local, sl, NULL, &rs);
    const char *r = rules(&rs, "nat", ext);
    assert_non_null(r);
    assert_null(strstr(r, "mod 2"));
    assert_non_null(strstr(r, "dnat to 10.42.0.5:8080"));
    assert_non_null(strstr(r, "fib saddr type local jump mark-for-masquerade"));
    cube_proxy_ruleset_clear(&rs);

    /* Local with no endpoint on this node: dropped, not rejected */
    const cube_proxy_rules_config_t other = {.hostname = "node3", .nftables = true};
    build(local, sl, &other, &rs);
    assert_null(rules(&rs, "nat", ext));
    assert_string_equal(rules(&rs, "filter", "no-endpoint-nodeports"),
                        "add element ip kube-proxy no-endpoint-nodeports { tcp . 30080 : drop }\n");
    cube_proxy_ruleset_clear(&rs);
}

static void test_render_full_and_minimal(void **state)
{
    json_auto_t *svc = service("ClusterIP", "http", "TCP", 80, 0, NULL);
    json_auto_t *sl1 =
        slice("http", "TCP", "[" EP("10.42.0.5", "true", "n") "," EP("10.42.0.6", "true", "n") "]");
    json_auto_t *sl2 =
        slice("http", "TCP", "[" EP("10.42.0.5", "true", "n") "," EP("10.42.0.7", "true", "n") "]");
    json_auto_t *none = slice("http", "TCP", "[]");
    cube_proxy_ruleset_t a = {0}, b = {0}, c = {0};
    build(svc, sl1, NULL, &a);
    build(svc, sl2, NULL, &b);
    build(svc, none, NULL, &c);
    _cleanup_free_ char *name = chain_name("service");

    /* full: the table replaced in one transaction, hooks with numeric priorities */
    _cleanup_free_ char *full = cube_proxy_nft_render(&a, NULL);
    assert_non_null(full);
    assert_memory_equal(full, "add table ip kube-proxy\ndelete table ip kube-proxy\nadd table", 60);
    assert_non_null(strstr(full, "type nat hook output priority -100 ;"));
    assert_null(strstr(full, "dstnat"));
    _cleanup_free_ char *decl = xasprintf("add chain ip kube-proxy %s\n", name);
    assert_non_null(strstr(full, decl));
    assert_non_null(strstr(full, "10.42.0.6 . 8080"));
    /* chains are declared before the map elements that name them */
    assert_true(strstr(full, decl) < strstr(full, "add element ip kube-proxy service-ips"));

    /* nothing changed: nothing to write */
    assert_null(cube_proxy_nft_render(&a, &a));

    /* one endpoint replaced: the service chain flushed and rewritten, one hairpin pair out,
     * one in; the service maps untouched */
    _cleanup_free_ char *delta = cube_proxy_nft_render(&b, &a);
    assert_non_null(delta);
    _cleanup_free_ char *want =
        xasprintf("flush chain ip kube-proxy %s\n%s"
                  "delete element ip kube-proxy hairpin { 10.42.0.6 . 10.42.0.6 }\n"
                  "add element ip kube-proxy hairpin { 10.42.0.7 . 10.42.0.7 }\n",
                  name, rules(&b, "nat", name));
    assert_string_equal(delta, want);

    /* the last endpoint gone: the map entries move (deleted by key), then the chain goes */
    _cleanup_free_ char *gone = cube_proxy_nft_render(&c, &a);
    assert_non_null(gone);
    _cleanup_free_ char *del_elem =
        xasprintf("delete element ip kube-proxy service-ips { 10.43.0.10 . tcp . 80 }\n");
    const char *d1 = strstr(gone, del_elem);
    const char *a1 = strstr(gone, "add element ip kube-proxy no-endpoint-services { 10.43.0.10 . "
                                  "tcp . 80 : goto reject-chain }\n");
    _cleanup_free_ char *del_chain = xasprintf("delete chain ip kube-proxy %s\n", name);
    const char *d2 = strstr(gone, del_chain);
    assert_non_null(d1);
    assert_non_null(a1);
    assert_non_null(d2);
    assert_true(d1 < a1 && a1 < d2);
    assert_null(strstr(gone, "flush map"));

    /* back again: the chain added before the map names it */
    _cleanup_free_ char *back = cube_proxy_nft_render(&a, &c);
    assert_true(strstr(back, decl) < strstr(back, "add element ip kube-proxy service-ips"));
    cube_proxy_ruleset_clear(&a);
    cube_proxy_ruleset_clear(&b);
    cube_proxy_ruleset_clear(&c);
}

static void test_udp_flows(void **state)
{
    json_auto_t *svc = service("NodePort", "dns", "UDP", 53, 30053, NULL);
    json_auto_t *sl = slice("dns", "UDP", "[" EP("10.42.0.5", "true", "n") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    assert_int_equal(rs.n_udp_flows, 2);
    assert_string_equal(rs.udp_flows[0], "* 30053 10.42.0.5");
    assert_string_equal(rs.udp_flows[1], "10.43.0.10 53 10.42.0.5");
    cube_proxy_ruleset_clear(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cluster_ip_dnat_by_numgen),
        cmocka_unit_test(test_single_endpoint_and_no_endpoints),
        cmocka_unit_test(test_node_port_and_local_policy),
        cmocka_unit_test(test_render_full_and_minimal),
        cmocka_unit_test(test_udp_flows),
    };
    return cmocka_run_group_tests_name("proxy-nftables", tests, NULL, NULL);
}
