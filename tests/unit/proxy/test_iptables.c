/* Unit tests for src/proxy/iptables.c: the rules built from Services and EndpointSlices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "proxy/proxy.h"

static const cube_proxy_rules_config_t cfg = {
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

static char *chain_name(const char *prefix, const char *in)
{
    char h[17];
    cube_proxy_hash(in, h);
    return xasprintf("%s%s", prefix, h);
}

#define EP(ip, ready, node)                                                                        \
    "{\"addresses\": [\"" ip "\"], \"conditions\": {\"ready\": " ready "}, \"nodeName\": \"" node  \
    "\"}"

static void test_hash_matches_upstream(void **state)
{
    char h[17];
    cube_proxy_hash("default/kubernetes:httpstcp", h);
    assert_string_equal(h, "NPX46M4PTMTKRN6Y");
    cube_proxy_hash("kube-system/kube-dns:dnsudp", h);
    assert_string_equal(h, "TCOU7JCQXEZGVUNU");
    cube_proxy_hash("default/nginxtcp", h);
    assert_string_equal(h, "2CMXP7HKUVJN7L6M");
}

static void test_cluster_ip_balances_over_ready_endpoints(void **state)
{
    json_auto_t *svc = service("ClusterIP", "http", "TCP", 80, 0, NULL);
    json_auto_t *sl =
        slice("http", "TCP",
              "[" EP("10.42.0.7", "true", "node1") "," EP("10.42.0.5", "true", "node2") "," EP(
                  "10.42.0.6", "true", "node2") "," EP("10.42.0.9", "false", "node1") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/web:httptcp");
    _cleanup_free_ char *sep5 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.5:8080");
    _cleanup_free_ char *sep6 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.6:8080");
    _cleanup_free_ char *sep7 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.7:8080");
    _cleanup_free_ char *sep9 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.9:8080");

    _cleanup_free_ char *want_services = xasprintf(
        "-A KUBE-SERVICES -m comment --comment \"ns/web:http cluster IP\" -m tcp -p tcp -d "
        "10.43.0.10 --dport 80 -j %s\n"
        "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must "
        "be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n",
        svc_chain);
    assert_string_equal(rules(&rs, "nat", "KUBE-SERVICES"), want_services);

    _cleanup_free_ char *want_svc = xasprintf(
        "-A %s -m comment --comment \"ns/web:http cluster IP\" -m tcp -p tcp -d 10.43.0.10 "
        "--dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ\n"
        "-A %s -m comment --comment \"ns/web:http -> 10.42.0.5:8080\" -m statistic --mode "
        "random --probability 0.3333333333 -j %s\n"
        "-A %s -m comment --comment \"ns/web:http -> 10.42.0.6:8080\" -m statistic --mode "
        "random --probability 0.5000000000 -j %s\n"
        "-A %s -m comment --comment \"ns/web:http -> 10.42.0.7:8080\" -j %s\n",
        svc_chain, svc_chain, sep5, svc_chain, sep6, svc_chain, sep7);
    assert_string_equal(rules(&rs, "nat", svc_chain), want_svc);

    _cleanup_free_ char *want_sep =
        xasprintf("-A %s -m comment --comment ns/web:http -s 10.42.0.5 -j KUBE-MARK-MASQ\n"
                  "-A %s -m comment --comment ns/web:http -m tcp -p tcp -j DNAT --to-destination "
                  "10.42.0.5:8080\n",
                  sep5, sep5);
    assert_string_equal(rules(&rs, "nat", sep5), want_sep);
    /* the not-ready endpoint has no chain, and nothing is rejected */
    assert_null(rules(&rs, "nat", sep9));
    assert_string_equal(rules(&rs, "filter", "KUBE-SERVICES"), "");
    /* masquerade plumbing */
    assert_string_equal(rules(&rs, "nat", "KUBE-MARK-MASQ"),
                        "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n");
    assert_non_null(
        strstr(rules(&rs, "nat", "KUBE-POSTROUTING"), "-j MASQUERADE --random-fully\n"));
    assert_int_equal(rs.n_udp_flows, 0);
    cube_proxy_ruleset_clear(&rs);
}

static void test_serving_terminating_fallback(void **state)
{
    json_auto_t *svc = service("ClusterIP", "", "TCP", 80, 0, NULL);
    json_auto_t *sl =
        slice("", "TCP",
              "[{\"addresses\": [\"10.42.0.5\"], \"conditions\": {\"ready\": false, \"serving\": "
              "true, \"terminating\": true}}, {\"addresses\": [\"10.42.0.6\"], \"conditions\": "
              "{\"ready\": false, \"serving\": false, \"terminating\": true}}]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    /* an unnamed port: "ns/web" */
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/webtcp");
    _cleanup_free_ char *sep5 = chain_name("KUBE-SEP-", "ns/webtcp10.42.0.5:8080");
    _cleanup_free_ char *want = xasprintf(
        "-A %s -m comment --comment \"ns/web cluster IP\" -m tcp -p tcp -d 10.43.0.10 --dport "
        "80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ\n"
        "-A %s -m comment --comment \"ns/web -> 10.42.0.5:8080\" -j %s\n",
        svc_chain, svc_chain, sep5);
    assert_string_equal(rules(&rs, "nat", svc_chain), want);
    cube_proxy_ruleset_clear(&rs);

    /* once a ready endpoint exists, the terminating one leaves the rotation */
    json_auto_t *sl2 =
        slice("", "TCP",
              "[{\"addresses\": [\"10.42.0.5\"], \"conditions\": {\"ready\": false, "
              "\"serving\": true, \"terminating\": true}}," EP("10.42.0.8", "true", "n") "]");
    build(svc, sl2, NULL, &rs);
    assert_null(strstr(rules(&rs, "nat", svc_chain), "10.42.0.5"));
    assert_non_null(strstr(rules(&rs, "nat", svc_chain), "10.42.0.8:8080"));
    cube_proxy_ruleset_clear(&rs);
}

static void test_no_endpoints_rejects(void **state)
{
    json_auto_t *svc = service("NodePort", "http", "TCP", 80, 30080, NULL);
    json_auto_t *sl = slice("http", "TCP", "[" EP("10.42.0.5", "false", "node1") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    assert_string_equal(rules(&rs, "filter", "KUBE-SERVICES"),
                        "-A KUBE-SERVICES -m comment --comment \"ns/web:http has no endpoints\" "
                        "-m tcp -p tcp -d 10.43.0.10 --dport 80 -j REJECT\n");
    assert_string_equal(rules(&rs, "filter", "KUBE-EXTERNAL-SERVICES"),
                        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/web:http has no "
                        "endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j "
                        "REJECT\n");
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/web:httptcp");
    assert_null(rules(&rs, "nat", svc_chain));
    assert_null(strstr(rules(&rs, "nat", "KUBE-SERVICES"), "cluster IP"));
    assert_string_equal(rules(&rs, "nat", "KUBE-NODEPORTS"), "");
    cube_proxy_ruleset_clear(&rs);
}

static void test_node_port_masquerades(void **state)
{
    json_auto_t *svc = service("NodePort", "http", "TCP", 80, 30080, NULL);
    json_auto_t *sl = slice("http", "TCP", "[" EP("10.42.0.5", "true", "node2") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/web:httptcp");
    _cleanup_free_ char *ext = chain_name("KUBE-EXT-", "ns/web:httptcp");
    _cleanup_free_ char *want_np = xasprintf(
        "-A KUBE-NODEPORTS -m comment --comment ns/web:http -m tcp -p tcp --dport 30080 -j %s\n",
        ext);
    assert_string_equal(rules(&rs, "nat", "KUBE-NODEPORTS"), want_np);
    _cleanup_free_ char *want_ext =
        xasprintf("-A %s -m comment --comment \"masquerade traffic for ns/web:http external "
                  "destinations\" -j KUBE-MARK-MASQ\n-A %s -j %s\n",
                  ext, ext, svc_chain);
    assert_string_equal(rules(&rs, "nat", ext), want_ext);
    assert_string_equal(rules(&rs, "filter", "KUBE-EXTERNAL-SERVICES"), "");
    cube_proxy_ruleset_clear(&rs);
}

static void test_session_affinity(void **state)
{
    json_auto_t *svc =
        service("ClusterIP", "http", "TCP", 80, 0,
                "\"sessionAffinity\": \"ClientIP\", \"sessionAffinityConfig\": {\"clientIP\": "
                "{\"timeoutSeconds\": 600}}");
    json_auto_t *sl =
        slice("http", "TCP", "[" EP("10.42.0.5", "true", "n") "," EP("10.42.0.6", "true", "n") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/web:httptcp");
    _cleanup_free_ char *sep5 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.5:8080");
    _cleanup_free_ char *sep6 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.6:8080");
    _cleanup_free_ char *want = xasprintf(
        "-A %s -m comment --comment \"ns/web:http cluster IP\" -m tcp -p tcp -d 10.43.0.10 "
        "--dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ\n"
        "-A %s -m comment --comment \"ns/web:http -> 10.42.0.5:8080\" -m recent --name %s "
        "--rcheck --seconds 600 --reap -j %s\n"
        "-A %s -m comment --comment \"ns/web:http -> 10.42.0.6:8080\" -m recent --name %s "
        "--rcheck --seconds 600 --reap -j %s\n"
        "-A %s -m comment --comment \"ns/web:http -> 10.42.0.5:8080\" -m statistic --mode "
        "random --probability 0.5000000000 -j %s\n"
        "-A %s -m comment --comment \"ns/web:http -> 10.42.0.6:8080\" -j %s\n",
        svc_chain, svc_chain, sep5, sep5, svc_chain, sep6, sep6, svc_chain, sep5, svc_chain, sep6);
    assert_string_equal(rules(&rs, "nat", svc_chain), want);
    _cleanup_free_ char *want_sep = xasprintf(
        "-A %s -m comment --comment ns/web:http -s 10.42.0.6 -j KUBE-MARK-MASQ\n"
        "-A %s -m comment --comment ns/web:http -m recent --name %s --set -m tcp -p tcp -j DNAT "
        "--to-destination 10.42.0.6:8080\n",
        sep6, sep6, sep6);
    assert_string_equal(rules(&rs, "nat", sep6), want_sep);
    cube_proxy_ruleset_clear(&rs);

    /* the default timeout is three hours */
    json_auto_t *svc2 =
        service("ClusterIP", "http", "TCP", 80, 0, "\"sessionAffinity\": \"ClientIP\"");
    build(svc2, sl, NULL, &rs);
    assert_non_null(strstr(rules(&rs, "nat", svc_chain), "--seconds 10800 --reap"));
    cube_proxy_ruleset_clear(&rs);
}

static void test_external_traffic_policy_local(void **state)
{
    json_auto_t *svc =
        service("NodePort", "http", "TCP", 80, 30080,
                "\"externalTrafficPolicy\": \"Local\", \"healthCheckNodePort\": 32000");
    json_auto_t *sl =
        slice("http", "TCP",
              "[" EP("10.42.0.5", "true", "node1") "," EP("10.42.0.6", "true", "node2") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/web:httptcp");
    _cleanup_free_ char *svl = chain_name("KUBE-SVL-", "ns/web:httptcp");
    _cleanup_free_ char *ext = chain_name("KUBE-EXT-", "ns/web:httptcp");
    _cleanup_free_ char *sep5 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.5:8080");
    /* the local chain has only this node's endpoint */
    _cleanup_free_ char *want_svl = xasprintf(
        "-A %s -m comment --comment \"ns/web:http -> 10.42.0.5:8080\" -j %s\n", svl, sep5);
    assert_string_equal(rules(&rs, "nat", svl), want_svl);
    _cleanup_free_ char *want_ext = xasprintf(
        "-A %s -m comment --comment \"pod traffic for ns/web:http external destinations\" -s "
        "10.42.0.0/16 -j %s\n"
        "-A %s -m comment --comment \"masquerade LOCAL traffic for ns/web:http external "
        "destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n"
        "-A %s -m comment --comment \"route LOCAL traffic for ns/web:http external "
        "destinations\" -m addrtype --src-type LOCAL -j %s\n"
        "-A %s -j %s\n",
        ext, svc_chain, ext, ext, svc_chain, ext, svl);
    assert_string_equal(rules(&rs, "nat", ext), want_ext);
    /* cluster IP traffic still uses every endpoint */
    assert_non_null(strstr(rules(&rs, "nat", svc_chain), "10.42.0.6:8080"));
    assert_string_equal(rules(&rs, "filter", "KUBE-NODEPORTS"),
                        "-A KUBE-NODEPORTS -m comment --comment \"ns/web:http health check node "
                        "port\" -m tcp -p tcp --dport 32000 -j ACCEPT\n");
    cube_proxy_ruleset_clear(&rs);

    /* no endpoint on this node: external traffic is dropped, the cluster IP still works */
    const cube_proxy_rules_config_t other = {.hostname = "node3", .cluster_cidr = "10.42.0.0/16"};
    build(svc, sl, &other, &rs);
    assert_null(rules(&rs, "nat", svl));
    assert_string_equal(rules(&rs, "filter", "KUBE-EXTERNAL-SERVICES"),
                        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/web:http has no local "
                        "endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j "
                        "DROP\n");
    assert_string_equal(rules(&rs, "filter", "KUBE-SERVICES"), "");
    assert_null(strstr(rules(&rs, "nat", ext), "-j KUBE-SVL-"));
    cube_proxy_ruleset_clear(&rs);
}

static void test_internal_traffic_policy_local(void **state)
{
    json_auto_t *svc =
        service("ClusterIP", "http", "TCP", 80, 0, "\"internalTrafficPolicy\": \"Local\"");
    json_auto_t *sl =
        slice("http", "TCP",
              "[" EP("10.42.0.5", "true", "node1") "," EP("10.42.0.6", "true", "node2") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/web:httptcp");
    _cleanup_free_ char *svl = chain_name("KUBE-SVL-", "ns/web:httptcp");
    assert_null(rules(&rs, "nat", svc_chain));
    _cleanup_free_ char *jump = xasprintf("--dport 80 -j %s\n", svl);
    assert_non_null(strstr(rules(&rs, "nat", "KUBE-SERVICES"), jump));
    assert_non_null(strstr(rules(&rs, "nat", svl), "! -s 10.42.0.0/16 -j KUBE-MARK-MASQ"));
    assert_non_null(strstr(rules(&rs, "nat", svl), "10.42.0.5:8080"));
    assert_null(strstr(rules(&rs, "nat", svl), "10.42.0.6:8080"));
    cube_proxy_ruleset_clear(&rs);

    const cube_proxy_rules_config_t other = {.hostname = "node3"};
    build(svc, sl, &other, &rs);
    assert_string_equal(rules(&rs, "filter", "KUBE-SERVICES"),
                        "-A KUBE-SERVICES -m comment --comment \"ns/web:http has no local "
                        "endpoints\" -m tcp -p tcp -d 10.43.0.10 --dport 80 -j DROP\n");
    cube_proxy_ruleset_clear(&rs);
}

static void test_masquerade_all_and_skipped_services(void **state)
{
    json_auto_t *svc = service("ClusterIP", "http", "TCP", 80, 0, NULL);
    json_auto_t *sl = slice("http", "TCP", "[" EP("10.42.0.5", "true", "n") "]");
    const cube_proxy_rules_config_t all = {.hostname = "node1", .masquerade_all = true};
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, &all, &rs);
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/web:httptcp");
    _cleanup_free_ char *want = xasprintf("--dport 80 -j KUBE-MARK-MASQ\n-A %s", svc_chain);
    assert_non_null(strstr(rules(&rs, "nat", svc_chain), want));
    cube_proxy_ruleset_clear(&rs);

    /* headless and ExternalName services have no rules at all */
    json_auto_t *headless =
        parse("{\"metadata\": {\"namespace\": \"ns\", \"name\": \"h\"}, "
              "\"spec\": {\"clusterIP\": \"None\", \"ports\": [{\"port\": 80}]}}");
    json_auto_t *extname = parse("{\"metadata\": {\"namespace\": \"ns\", \"name\": \"e\"}, "
                                 "\"spec\": {\"type\": \"ExternalName\", \"externalName\": "
                                 "\"example.com\", \"ports\": [{\"port\": 80}]}}");
    json_t *svcs[] = {headless, extname};
    cube_proxy_rules_build(&cfg, svcs, 2, NULL, 0, &rs);
    assert_int_equal(rs.n_nat, 4); /* KUBE-SERVICES, -NODEPORTS, -POSTROUTING, -MARK-MASQ */
    assert_string_equal(rules(&rs, "filter", "KUBE-SERVICES"), "");
    cube_proxy_ruleset_clear(&rs);
}

static void test_udp_flows(void **state)
{
    json_auto_t *svc = service("NodePort", "dns", "UDP", 53, 30053, NULL);
    json_auto_t *sl =
        slice("dns", "UDP", "[" EP("10.42.0.5", "true", "n") "," EP("10.42.0.6", "true", "n") "]");
    cube_proxy_ruleset_t rs = {0};
    build(svc, sl, NULL, &rs);
    assert_int_equal(rs.n_udp_flows, 4);
    assert_string_equal(rs.udp_flows[0], "* 30053 10.42.0.5");
    assert_string_equal(rs.udp_flows[2], "10.43.0.10 53 10.42.0.5");
    _cleanup_free_ char *sep = chain_name("KUBE-SEP-", "ns/web:dnsudp10.42.0.6:8080");
    assert_non_null(strstr(rules(&rs, "nat", sep), "-m udp -p udp -j DNAT"));
    /* a TCP slice port does not serve a UDP service port */
    json_auto_t *tcp = slice("dns", "TCP", "[" EP("10.42.0.5", "true", "n") "]");
    cube_proxy_ruleset_clear(&rs);
    build(svc, tcp, NULL, &rs);
    assert_int_equal(rs.n_udp_flows, 0);
    assert_non_null(strstr(rules(&rs, "filter", "KUBE-SERVICES"), "-j REJECT"));
    cube_proxy_ruleset_clear(&rs);
}

static void test_render_full_and_minimal(void **state)
{
    json_auto_t *svc = service("ClusterIP", "http", "TCP", 80, 0, NULL);
    json_auto_t *sl1 =
        slice("http", "TCP", "[" EP("10.42.0.5", "true", "n") "," EP("10.42.0.6", "true", "n") "]");
    json_auto_t *sl2 =
        slice("http", "TCP", "[" EP("10.42.0.5", "true", "n") "," EP("10.42.0.7", "true", "n") "]");
    cube_proxy_ruleset_t a = {0}, b = {0};
    build(svc, sl1, NULL, &a);
    build(svc, sl2, NULL, &b);
    _cleanup_free_ char *svc_chain = chain_name("KUBE-SVC-", "ns/web:httptcp");
    _cleanup_free_ char *sep5 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.5:8080");
    _cleanup_free_ char *sep6 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.6:8080");
    _cleanup_free_ char *sep7 = chain_name("KUBE-SEP-", "ns/web:httptcp10.42.0.7:8080");

    /* full: both tables, every chain declared, stale chains of an earlier run deleted */
    char *stale[] = {"nat/KUBE-SVC-OLDOLDOLDOLDOLDO", "nat/KUBE-SERVICES"};
    _cleanup_free_ char *full = cube_proxy_ruleset_render(&a, NULL, stale, 2);
    assert_non_null(full);
    assert_memory_equal(full, "*filter\n:KUBE-EXTERNAL-SERVICES - [0:0]\n", 39);
    assert_non_null(strstr(full, "COMMIT\n*nat\n"));
    assert_non_null(strstr(full, ":KUBE-SVC-OLDOLDOLDOLDOLDO - [0:0]\n"));
    assert_non_null(strstr(full, "-X KUBE-SVC-OLDOLDOLDOLDOLDO\nCOMMIT\n"));
    assert_null(strstr(full, "-X KUBE-SERVICES"));
    assert_non_null(strstr(full, sep6));

    /* nothing changed: nothing to write */
    assert_null(cube_proxy_ruleset_render(&a, &a, NULL, 0));

    /* one endpoint replaced: its chains and the service chain only, the old one deleted */
    _cleanup_free_ char *delta = cube_proxy_ruleset_render(&b, &a, NULL, 0);
    assert_non_null(delta);
    assert_null(strstr(delta, "*filter"));
    assert_null(strstr(delta, ":KUBE-SERVICES"));
    _cleanup_free_ char *decl5 = xasprintf(":%s - [0:0]\n", sep5);
    assert_null(strstr(delta, decl5));
    _cleanup_free_ char *decl = xasprintf(":%s - [0:0]\n", svc_chain);
    assert_non_null(strstr(delta, decl));
    _cleanup_free_ char *del6 = xasprintf("-X %s\nCOMMIT\n", sep6);
    assert_non_null(strstr(delta, del6));
    _cleanup_free_ char *dnat7 = xasprintf("-A %s -m comment", sep7);
    assert_non_null(strstr(delta, dnat7));
    cube_proxy_ruleset_clear(&a);
    cube_proxy_ruleset_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_matches_upstream),
        cmocka_unit_test(test_cluster_ip_balances_over_ready_endpoints),
        cmocka_unit_test(test_serving_terminating_fallback),
        cmocka_unit_test(test_no_endpoints_rejects),
        cmocka_unit_test(test_node_port_masquerades),
        cmocka_unit_test(test_session_affinity),
        cmocka_unit_test(test_external_traffic_policy_local),
        cmocka_unit_test(test_internal_traffic_policy_local),
        cmocka_unit_test(test_masquerade_all_and_skipped_services),
        cmocka_unit_test(test_udp_flows),
        cmocka_unit_test(test_render_full_and_minimal),
    };
    return cmocka_run_group_tests_name("proxy", tests, NULL, NULL);
}
