/* Unit tests for src/netpol/rules.c: chains and ipsets built from NetworkPolicies, Pods and
 * Namespaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "netpol/netpol.h"

static const cube_netpol_rules_config_t cfg = {.node_name = "node1"};

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad fixture: %s: %s", e.text, text);
    return j;
}

/* A running pod ns/name on node with ip ("" for none), labels JSON and extra spec JSON. */
static json_t *pod(const char *ns, const char *name, const char *node, const char *ip,
                   const char *labels, const char *extra_spec)
{
    char buf[2048];
    snprintf(buf, sizeof(buf),
             "{\"metadata\": {\"namespace\": \"%s\", \"name\": \"%s\", \"labels\": %s}, "
             "\"spec\": {\"nodeName\": \"%s\", \"containers\": [{\"name\": \"c\", \"ports\": "
             "[{\"name\": \"http\", \"containerPort\": %d}]}]%s%s}, \"status\": {\"phase\": "
             "\"Running\"%s%s%s}}",
             ns, name, labels ? labels : "{}", node, !strcmp(name, "alt") ? 9090 : 8080,
             extra_spec ? ", " : "", extra_spec ? extra_spec : "", *ip ? ", \"podIP\": \"" : "", ip,
             *ip ? "\"" : "");
    return parse(buf);
}

static json_t *policy(const char *ns, const char *name, const char *spec)
{
    char buf[4096];
    snprintf(buf, sizeof(buf),
             "{\"metadata\": {\"namespace\": \"%s\", \"name\": \"%s\"}, \"spec\": %s}", ns, name,
             spec);
    return parse(buf);
}

static json_t *ns(const char *name, const char *labels)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "{\"metadata\": {\"name\": \"%s\", \"labels\": %s}}", name,
             labels ? labels : "{}");
    return parse(buf);
}

/* The fixture cluster: web (10.0.0.11, a, app=web, node1), client (.12, a, role=client, node1),
 * other (.13, a, role=other, node2), far (.14, b, role=client, node2), host (hostNetwork),
 * pending (no IP), alt (.15, a, role=client, node2; its "http" port is 9090). */
typedef struct fx {
    json_t *pods[7];
    json_t *nss[2];
    cube_netpol_ruleset_t rs;
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof(*f));
    f->pods[0] = pod("a", "web", "node1", "10.0.0.11", "{\"app\": \"web\"}", NULL);
    f->pods[1] = pod("a", "client", "node1", "10.0.0.12", "{\"role\": \"client\"}", NULL);
    f->pods[2] = pod("a", "other", "node2", "10.0.0.13", "{\"role\": \"other\"}", NULL);
    f->pods[3] = pod("b", "far", "node2", "10.0.0.14", "{\"role\": \"client\"}", NULL);
    f->pods[4] =
        pod("a", "host", "node2", "192.168.1.5", "{\"role\": \"client\"}", "\"hostNetwork\": true");
    f->pods[5] = pod("a", "pending", "node1", "", "{\"role\": \"client\"}", NULL);
    f->pods[6] = pod("a", "alt", "node2", "10.0.0.15", "{\"role\": \"client\"}", NULL);
    f->nss[0] = ns("a", NULL);
    f->nss[1] = ns("b", "{\"team\": \"b\"}");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(f->pods); i++)
        json_decref(f->pods[i]);
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(f->nss); i++)
        json_decref(f->nss[i]);
    cube_netpol_ruleset_clear(&f->rs);
    free(f);
    return 0;
}

static void build(fx_t *f, json_t **pols, size_t n)
{
    cube_netpol_ruleset_clear(&f->rs);
    cube_netpol_rules_build(&cfg, pols, n, f->pods, CUBE_ARRAY_SIZE(f->pods), f->nss,
                            CUBE_ARRAY_SIZE(f->nss), &f->rs);
}

/* Builds with one policy (spec JSON in namespace "a", name "p"). */
static void build1(fx_t *f, const char *spec)
{
    json_t *p = policy("a", "p", spec);
    build(f, &p, 1);
    json_decref(p);
}

static const char *chain(const fx_t *f, const char *name)
{
    const cube_netpol_chain_t *c = cube_netpol_ruleset_chain(&f->rs, name);
    return c ? c->rules : NULL;
}

static const char *main_rules(const fx_t *f)
{
    const char *r = chain(f, CUBE_NETPOL_MAIN_CHAIN);
    assert_non_null(r);
    return r;
}

/* The chain that line `jump` of main jumps to for the given match ("-d 10.0.0.11/32"). */
static const char *pod_chain(const fx_t *f, const char *match, char out[64])
{
    const char *m = strstr(main_rules(f), match);
    if (!m)
        return NULL;
    const char *j = strstr(m, "-j ");
    assert_non_null(j);
    size_t n = strcspn(j + 3, "\n");
    snprintf(out, 64, "%.*s", (int)n, j + 3);
    return chain(f, out);
}

/* The only policy chain a pod chain jumps to. */
static const char *policy_chain(const fx_t *f, const char *pod_rules, char out[64])
{
    const char *j = strstr(pod_rules, "-j CUBE-NWPLCY-");
    assert_non_null(j);
    size_t n = strcspn(j + 3, "\n");
    snprintf(out, 64, "%.*s", (int)n, j + 3);
    return chain(f, out);
}

/* The members of the set named after "--match-set " in rules, joined by ','. */
static char *set_members(const fx_t *f, const char *rules, const char *after)
{
    const char *m = strstr(rules, after ? after : "--match-set ");
    assert_non_null(m);
    m = strstr(m, "--match-set ");
    assert_non_null(m);
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)strcspn(m + 12, " "), m + 12);
    const cube_netpol_ipset_t *s = cube_netpol_ruleset_set(&f->rs, name);
    assert_non_null(s);
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, s->type);
    for (size_t i = 0; i < s->n_members; i++) {
        cube_buf_putc(&b, i ? ',' : ' ');
        cube_buf_puts(&b, s->members[i]);
    }
    return cube_buf_steal(&b, NULL);
}

static void test_no_policy_no_isolation(void **state)
{
    fx_t *f = *state;
    build(f, NULL, 0);
    assert_int_equal(1, f->rs.n_chains);
    assert_int_equal(0, f->rs.n_sets);
    assert_string_equal("-A CUBE-NWPLCY-FORWARD -m comment --comment \"replies of allowed "
                        "connections\" -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n",
                        main_rules(f));
}

static void test_deny_all_ingress(void **state)
{
    fx_t *f = *state;
    build1(f, "{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}, \"policyTypes\": "
              "[\"Ingress\"]}");
    char name[64], pname[64];
    const char *pc = pod_chain(f, "-d 10.0.0.11/32", name);
    assert_non_null(pc);
    /* not isolated: the client, and web for egress */
    assert_null(strstr(main_rules(f), "10.0.0.12"));
    assert_null(strstr(main_rules(f), "-s 10.0.0.11/32"));
    assert_non_null(strstr(pc, "-j MARK --set-xmark 0x0/0x20000\n"));
    assert_non_null(strstr(pc, "-m mark --mark 0x20000/0x20000 -j RETURN\n"));
    const char *drop = strstr(pc, "-m comment --comment \"a/web ingress not allowed\" -j DROP\n");
    assert_non_null(drop);
    assert_null(strstr(drop + 1, "\n-A")); /* DROP is the last rule */
    assert_string_equal("", policy_chain(f, pc, pname));
    assert_int_equal(0, f->rs.n_sets);
}

static void test_allow_pod_selector_same_namespace(void **state)
{
    fx_t *f = *state;
    build1(f, "{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}, \"ingress\": [{\"from\": "
              "[{\"podSelector\": {\"matchLabels\": {\"role\": \"client\"}}}]}]}");
    char name[64], pname[64];
    const char *pc = pod_chain(f, "-d 10.0.0.11/32", name);
    assert_non_null(pc);
    const char *rules = policy_chain(f, pc, pname);
    assert_non_null(strstr(rules, "-m comment --comment \"a/p ingress rule 0\" -m set "
                                  "--match-set CUBE-NP-"));
    assert_non_null(strstr(rules, " src -j MARK --set-xmark 0x20000/0x20000\n"));
    /* namespace a, role=client, with an IP, not host network: client and alt */
    char *m = set_members(f, rules, NULL);
    assert_string_equal("hash:ip 10.0.0.12,10.0.0.15", m);
    free(m);
}

static void test_namespace_selector_and_both(void **state)
{
    fx_t *f = *state;
    build1(f, "{\"podSelector\": {}, \"ingress\": [{\"from\": [{\"namespaceSelector\": "
              "{\"matchLabels\": {\"team\": \"b\"}}}]}, {\"from\": [{\"namespaceSelector\": "
              "{\"matchLabels\": {\"kubernetes.io/metadata.name\": \"a\"}}, \"podSelector\": "
              "{\"matchLabels\": {\"role\": \"other\"}}}]}]}");
    char name[64], pname[64];
    /* an empty podSelector selects every local pod of the namespace */
    assert_non_null(pod_chain(f, "-d 10.0.0.12/32", name));
    const char *rules = policy_chain(f, pod_chain(f, "-d 10.0.0.11/32", name), pname);
    char *m = set_members(f, rules, "rule 0");
    assert_string_equal("hash:ip 10.0.0.14", m);
    free(m);
    m = set_members(f, rules, "rule 1");
    assert_string_equal("hash:ip 10.0.0.13", m);
    free(m);
}

static void test_ipblock_except_and_zero_prefix(void **state)
{
    fx_t *f = *state;
    build1(f, "{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}, \"ingress\": [{\"from\": "
              "[{\"ipBlock\": {\"cidr\": \"10.0.0.0/24\", \"except\": [\"10.0.0.13/32\", "
              "\"10.0.0.128/25\"]}}]}, {\"from\": [{\"ipBlock\": {\"cidr\": \"0.0.0.0/0\", "
              "\"except\": [\"10.0.0.7/8\"]}}]}]}");
    char name[64], pname[64];
    const char *rules = policy_chain(f, pod_chain(f, "-d 10.0.0.11/32", name), pname);
    char *m = set_members(f, rules, "rule 0");
    assert_string_equal("hash:net 10.0.0.0/24,10.0.0.128/25 nomatch,10.0.0.13/32 nomatch", m);
    free(m);
    m = set_members(f, rules, "rule 1");
    assert_string_equal("hash:net 0.0.0.0/1,10.0.0.0/8 nomatch,128.0.0.0/1", m);
    free(m);
}

static void test_ports_numbers_ranges_protocols_and_names(void **state)
{
    fx_t *f = *state;
    build1(f, "{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}, \"ingress\": [{\"ports\": "
              "[{\"port\": 80}, {\"protocol\": \"UDP\", \"port\": 53}, {\"port\": 8000, "
              "\"endPort\": 8100}, {\"protocol\": \"SCTP\"}, {\"port\": \"http\"}, {\"port\": "
              "\"nope\"}]}]}");
    char name[64], pname[64];
    const char *rules = policy_chain(f, pod_chain(f, "-d 10.0.0.11/32", name), pname);
    const char *pre = "-m comment --comment \"a/p ingress rule 0\" ";
    char want[512];
    snprintf(want, sizeof(want), "%s-p tcp -m tcp --dport 80 -j MARK", pre);
    assert_non_null(strstr(rules, want));
    snprintf(want, sizeof(want), "%s-p udp -m udp --dport 53 -j MARK", pre);
    assert_non_null(strstr(rules, want));
    snprintf(want, sizeof(want), "%s-p tcp -m tcp --dport 8000:8100 -j MARK", pre);
    assert_non_null(strstr(rules, want));
    snprintf(want, sizeof(want), "%s-p sctp -j MARK", pre);
    assert_non_null(strstr(rules, want));
    /* "http" is 8080 on most pods and 9090 on alt: one rule per number, each with its pods */
    const char *r8080 = strstr(rules, "dst -m tcp --dport 8080 -j MARK");
    const char *r9090 = strstr(rules, "dst -m tcp --dport 9090 -j MARK");
    assert_non_null(r8080);
    assert_non_null(r9090);
    char *m = set_members(f, strstr(rules, "--dport 8000:8100"), "-p tcp -m set");
    /* the first named-port rule after the range is 8080's (sorted by number) */
    assert_string_equal("hash:ip 10.0.0.11,10.0.0.12,10.0.0.13,10.0.0.14", m);
    free(m);
    /* an unresolvable name allows nothing: exactly 6 rules */
    size_t lines = 0;
    for (const char *p = rules; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(6, lines);
}

static void test_policy_types_and_egress(void **state)
{
    fx_t *f = *state;
    /* egress rules without policyTypes: both directions */
    build1(f, "{\"podSelector\": {\"matchLabels\": {\"role\": \"client\"}}, \"egress\": [{\"to\": "
              "[{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}}], \"ports\": [{\"port\": "
              "8080}]}]}");
    char name[64], pname[64];
    assert_non_null(pod_chain(f, "-d 10.0.0.12/32", name));
    const char *rules = policy_chain(f, pod_chain(f, "-s 10.0.0.12/32", name), pname);
    assert_non_null(strstr(rules, " dst -p tcp -m tcp --dport 8080 -j MARK"));
    char *m = set_members(f, rules, NULL);
    assert_string_equal("hash:ip 10.0.0.11", m);
    free(m);
    /* egress first in the main chain */
    assert_true(strstr(main_rules(f), "-s 10.0.0.12/32") < strstr(main_rules(f), "-d 10.0.0.12"));

    /* policyTypes Egress only: no ingress isolation */
    build1(f, "{\"podSelector\": {\"matchLabels\": {\"role\": \"client\"}}, \"policyTypes\": "
              "[\"Egress\"]}");
    assert_null(strstr(main_rules(f), "-d 10.0.0.12/32"));
    assert_non_null(strstr(main_rules(f), "-s 10.0.0.12/32"));
    /* pods of other nodes and without an IP are not enforced here */
    assert_null(strstr(main_rules(f), "10.0.0.15"));
}

static void test_union_of_policies_and_order_independence(void **state)
{
    fx_t *f = *state;
    json_t *p[2] = {
        policy("a", "one", "{\"podSelector\": {}, \"ingress\": [{\"ports\": [{\"port\": 1}]}]}"),
        policy("a", "two",
               "{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}, "
               "\"ingress\": [{\"ports\": [{\"port\": 2}]}]}"),
    };
    build(f, p, 2);
    char name[64];
    const char *pc = pod_chain(f, "-d 10.0.0.11/32", name);
    assert_non_null(strstr(pc, "-m comment --comment \"policy a/one\" -j CUBE-NWPLCY-"));
    assert_non_null(strstr(pc, "-m comment --comment \"policy a/two\" -j CUBE-NWPLCY-"));
    _cleanup_free_ char *text1 = cube_netpol_render_iptables(&f->rs, NULL, 0);
    json_t *rev[2] = {p[1], p[0]};
    build(f, rev, 2);
    _cleanup_free_ char *text2 = cube_netpol_render_iptables(&f->rs, NULL, 0);
    assert_string_equal(text1, text2);
    json_decref(p[0]);
    json_decref(p[1]);
}

static void test_render(void **state)
{
    fx_t *f = *state;
    build1(f, "{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}, \"ingress\": [{\"from\": "
              "[{\"ipBlock\": {\"cidr\": \"10.1.0.0/16\", \"except\": [\"10.1.2.0/24\"]}}]}]}");
    char *stale[] = {"CUBE-NWPOD-OLD", (char *)CUBE_NETPOL_MAIN_CHAIN};
    _cleanup_free_ char *ipt = cube_netpol_render_iptables(&f->rs, stale, 2);
    assert_true(!strncmp(ipt, "*filter\n:CUBE-NWPLCY-", 21));
    assert_non_null(strstr(ipt, ":CUBE-NWPOD-OLD - [0:0]\n"));
    assert_non_null(strstr(ipt, "-X CUBE-NWPOD-OLD\nCOMMIT\n"));
    assert_null(strstr(ipt, "-X CUBE-NWPLCY-FORWARD")); /* still wanted: not deleted */
    assert_int_equal(1, f->rs.n_sets);
    _cleanup_free_ char *sets = cube_netpol_render_ipset(&f->rs);
    char want[512];
    const char *n = f->rs.sets[0].name;
    assert_int_equal(24, strlen(n));
    snprintf(want, sizeof(want),
             "create %s hash:net family inet\nadd %s 10.1.0.0/16\nadd %s 10.1.2.0/24 nomatch\n", n,
             n, n);
    assert_string_equal(want, sets);
}

static void test_hash(void **state)
{
    (void)state;
    char a[17], b[17];
    cube_netpol_hash("x", a);
    cube_netpol_hash("y", b);
    assert_int_equal(16, strlen(a));
    assert_string_not_equal(a, b);
    for (int i = 0; i < 16; i++)
        assert_true((a[i] >= 'A' && a[i] <= 'Z') || (a[i] >= '2' && a[i] <= '7'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_policy_no_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deny_all_ingress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allow_pod_selector_same_namespace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_namespace_selector_and_both, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipblock_except_and_zero_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ports_numbers_ranges_protocols_and_names, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_policy_types_and_egress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_union_of_policies_and_order_independence, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_render, setup, teardown),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
