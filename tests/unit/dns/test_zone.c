/*
 * Unit tests for src/dns/zone.c: the records of Kubernetes' DNS specification
 * built from Service and EndpointSlice fixtures, answered from wire-format
 * queries and checked by parsing the wire-format responses with libldns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dns/dns.h"

#include <ldns/ldns.h>

static const char *fixtures =
    "{\"services\": ["
    " {\"metadata\": {\"name\": \"web\", \"namespace\": \"default\"},"
    "  \"spec\": {\"type\": \"ClusterIP\", \"clusterIP\": \"10.43.0.20\","
    "   \"clusterIPs\": [\"10.43.0.20\"],"
    "   \"ports\": [{\"name\": \"http\", \"port\": 80, \"protocol\": \"TCP\"},"
    "               {\"port\": 81, \"protocol\": \"TCP\"}]}},"
    " {\"metadata\": {\"name\": \"hl\", \"namespace\": \"apps\"},"
    "  \"spec\": {\"clusterIP\": \"None\", \"ports\": [{\"name\": \"db\", \"port\": 5432}]}},"
    " {\"metadata\": {\"name\": \"ext\", \"namespace\": \"default\"},"
    "  \"spec\": {\"type\": \"ExternalName\", \"externalName\": \"db.example.com\"}},"
    " {\"metadata\": {\"name\": \"big\", \"namespace\": \"default\"},"
    "  \"spec\": {\"clusterIP\": \"None\"}}"
    "], \"slices\": ["
    " {\"metadata\": {\"name\": \"hl-abc\", \"namespace\": \"apps\","
    "   \"labels\": {\"kubernetes.io/service-name\": \"hl\"}},"
    "  \"addressType\": \"IPv4\","
    "  \"ports\": [{\"name\": \"db\", \"port\": 5432, \"protocol\": \"TCP\"}],"
    "  \"endpoints\": ["
    "   {\"addresses\": [\"10.42.0.5\"], \"hostname\": \"db-0\", \"conditions\": {\"ready\": "
    "true}},"
    "   {\"addresses\": [\"10.42.0.6\"], \"conditions\": {\"ready\": true}},"
    "   {\"addresses\": [\"10.42.0.7\"], \"hostname\": \"db-2\", \"conditions\": {\"ready\": "
    "false}}"
    "  ]}"
    "]}";

typedef struct fx {
    cube_dns_snapshot_t *snap;
} fx_t;

/* "big": a headless service with 60 ready endpoints (too many for 512 bytes). */
static json_t *big_slice(void)
{
    json_t *eps = json_array();
    for (int i = 0; i < 60; i++) {
        char ip[32];
        snprintf(ip, sizeof(ip), "10.42.1.%d", i + 1);
        json_array_append_new(eps, json_pack("{s:[s]}", "addresses", ip));
    }
    return json_pack("{s:{s:s,s:s,s:{s:s}},s:s,s:o}", "metadata", "name", "big-1", "namespace",
                     "default", "labels", "kubernetes.io/service-name", "big", "addressType",
                     "IPv4", "endpoints", eps);
}

static int setup(void **state)
{
    json_error_t jerr;
    json_t *root = json_loads(fixtures, 0, &jerr);
    assert_non_null(root);
    json_t *svcs = json_object_get(root, "services");
    json_t *slices = json_object_get(root, "slices");
    json_array_append_new(slices, big_slice());
    json_t *sv[16], *sl[16];
    size_t ns = json_array_size(svcs), nl = json_array_size(slices);
    for (size_t i = 0; i < ns; i++)
        sv[i] = json_array_get(svcs, i);
    for (size_t i = 0; i < nl; i++)
        sl[i] = json_array_get(slices, i);
    fx_t *fx = xcalloc(1, sizeof(*fx));
    fx->snap = cube_dns_snapshot_build("cluster.local", 42, sv, ns, sl, nl);
    json_decref(root);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;
    cube_dns_snapshot_unref(fx->snap);
    free(fx);
    return 0;
}

/* Sends name/type through cube_dns_answer; returns the verdict, *ret the parsed response. */
static cube_dns_verdict_t ask_full(const cube_dns_snapshot_t *s, const char *name,
                                   ldns_rr_type type, bool edns, bool udp, uint16_t id,
                                   ldns_pkt **ret)
{
    ldns_pkt *q = NULL;
    assert_int_equal(ldns_pkt_query_new_frm_str(&q, name, type, LDNS_RR_CLASS_IN, LDNS_RD),
                     LDNS_STATUS_OK);
    ldns_pkt_set_id(q, id);
    if (edns)
        ldns_pkt_set_edns_udp_size(q, 4096);
    uint8_t *wire = NULL;
    size_t wlen = 0;
    assert_int_equal(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
    ldns_pkt_free(q);
    static uint8_t out[65536];
    size_t olen = 0;
    cube_dns_verdict_t v = cube_dns_answer(s, wire, wlen, udp, out, &olen);
    free(wire);
    *ret = NULL;
    if (v == CUBE_DNS_ANSWERED)
        assert_int_equal(ldns_wire2pkt(ret, out, olen), LDNS_STATUS_OK);
    return v;
}

static ldns_pkt *ask(void **state, const char *name, ldns_rr_type type)
{
    fx_t *fx = *state;
    ldns_pkt *p = NULL;
    assert_int_equal(ask_full(fx->snap, name, type, false, true, 4242, &p), CUBE_DNS_ANSWERED);
    assert_int_equal(ldns_pkt_id(p), 4242);
    assert_true(ldns_pkt_qr(p));
    assert_true(ldns_pkt_rd(p));
    return p;
}

/* The rdata of answer i, as text. Owned. */
static char *rdata(const ldns_pkt *p, ldns_pkt_section sec, size_t i)
{
    ldns_rr_list *l = ldns_pkt_get_section_clone(p, sec);
    assert_true(i < ldns_rr_list_rr_count(l));
    ldns_rr *rr = ldns_rr_list_rr(l, i);
    ldns_buffer *b = ldns_buffer_new(256);
    for (size_t k = 0; k < ldns_rr_rd_count(rr); k++) {
        if (k)
            ldns_buffer_printf(b, " ");
        ldns_rdf2buffer_str(b, ldns_rr_rdf(rr, k));
    }
    char *s = ldns_buffer_export2str(b);
    ldns_buffer_free(b);
    ldns_rr_list_deep_free(l);
    return s;
}

static void test_clusterip_a(void **state)
{
    ldns_pkt *p = ask(state, "web.default.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
    assert_true(ldns_pkt_aa(p));
    assert_int_equal(ldns_pkt_ancount(p), 1);
    ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
    assert_int_equal(ldns_rr_get_type(rr), LDNS_RR_TYPE_A);
    assert_int_equal(ldns_rr_ttl(rr), CUBE_DNS_TTL);
    char *s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "10.43.0.20");
    free(s);
    ldns_pkt_free(p);
}

static void test_mixed_case_echoed(void **state)
{
    ldns_pkt *p = ask(state, "WeB.Default.SVC.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    char *q = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(p), 0)));
    char *a = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(p), 0)));
    assert_string_equal(q, "WeB.Default.SVC.cluster.local.");
    assert_string_equal(a, "WeB.Default.SVC.cluster.local.");
    free(q);
    free(a);
    ldns_pkt_free(p);
}

static void test_aaaa_nodata(void **state)
{
    ldns_pkt *p = ask(state, "web.default.svc.cluster.local.", LDNS_RR_TYPE_AAAA);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
    assert_int_equal(ldns_pkt_ancount(p), 0);
    assert_int_equal(ldns_pkt_nscount(p), 1);
    ldns_rr *soa = ldns_rr_list_rr(ldns_pkt_authority(p), 0);
    assert_int_equal(ldns_rr_get_type(soa), LDNS_RR_TYPE_SOA);
    ldns_pkt_free(p);
}

static void test_srv_named_port(void **state)
{
    ldns_pkt *p = ask(state, "_http._tcp.web.default.svc.cluster.local.", LDNS_RR_TYPE_SRV);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    char *s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "0 100 80 web.default.svc.cluster.local.");
    free(s);
    assert_int_equal(ldns_pkt_arcount(p), 1);
    s = rdata(p, LDNS_SECTION_ADDITIONAL, 0);
    assert_string_equal(s, "10.43.0.20");
    free(s);
    ldns_pkt_free(p);
    /* An unnamed port has no SRV name: the _tcp level exists, an unknown port does not. */
    p = ask(state, "_tcp.web.default.svc.cluster.local.", LDNS_RR_TYPE_SRV);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
    assert_int_equal(ldns_pkt_ancount(p), 0);
    ldns_pkt_free(p);
    p = ask(state, "_81._tcp.web.default.svc.cluster.local.", LDNS_RR_TYPE_SRV);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
}

static void test_headless_ready_only(void **state)
{
    ldns_pkt *p = ask(state, "hl.apps.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_ancount(p), 2);
    char *a = rdata(p, LDNS_SECTION_ANSWER, 0), *b = rdata(p, LDNS_SECTION_ANSWER, 1);
    assert_string_equal(a, "10.42.0.5");
    assert_string_equal(b, "10.42.0.6");
    free(a);
    free(b);
    ldns_pkt_free(p);
    /* The not-ready endpoint has no hostname record either. */
    p = ask(state, "db-2.hl.apps.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
}

static void test_headless_hostnames_and_srv(void **state)
{
    ldns_pkt *p = ask(state, "db-0.hl.apps.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    char *s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "10.42.0.5");
    free(s);
    ldns_pkt_free(p);
    /* Without a hostname, the endpoint is named by its dashed address. */
    p = ask(state, "10-42-0-6.hl.apps.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    ldns_pkt_free(p);
    p = ask(state, "_db._tcp.hl.apps.svc.cluster.local.", LDNS_RR_TYPE_SRV);
    assert_int_equal(ldns_pkt_ancount(p), 2);
    char *a = rdata(p, LDNS_SECTION_ANSWER, 0), *b = rdata(p, LDNS_SECTION_ANSWER, 1);
    assert_string_equal(a, "0 50 5432 db-0.hl.apps.svc.cluster.local.");
    assert_string_equal(b, "0 50 5432 10-42-0-6.hl.apps.svc.cluster.local.");
    free(a);
    free(b);
    assert_int_equal(ldns_pkt_arcount(p), 2);
    ldns_pkt_free(p);
    /* SRV at the service's own name: every named port of every endpoint. */
    p = ask(state, "hl.apps.svc.cluster.local.", LDNS_RR_TYPE_SRV);
    assert_int_equal(ldns_pkt_ancount(p), 2);
    ldns_pkt_free(p);
}

static void test_srv_and_any_at_service_name(void **state)
{
    ldns_pkt *p = ask(state, "web.default.svc.cluster.local.", LDNS_RR_TYPE_SRV);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    char *s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "0 100 80 web.default.svc.cluster.local.");
    free(s);
    ldns_pkt_free(p);
    /* ANY: the address and the SRV record */
    p = ask(state, "web.default.svc.cluster.local.", LDNS_RR_TYPE_ANY);
    assert_int_equal(ldns_pkt_ancount(p), 2);
    ldns_pkt_free(p);
}

static void test_ptr(void **state)
{
    ldns_pkt *p = ask(state, "20.0.43.10.in-addr.arpa.", LDNS_RR_TYPE_PTR);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    char *s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "web.default.svc.cluster.local.");
    free(s);
    ldns_pkt_free(p);
    p = ask(state, "5.0.42.10.in-addr.arpa.", LDNS_RR_TYPE_PTR);
    s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "db-0.hl.apps.svc.cluster.local.");
    free(s);
    ldns_pkt_free(p);
}

static void test_nxdomain_with_soa(void **state)
{
    ldns_pkt *p = ask(state, "nope.default.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
    assert_true(ldns_pkt_aa(p));
    assert_int_equal(ldns_pkt_ancount(p), 0);
    assert_int_equal(ldns_pkt_nscount(p), 1);
    char *s = rdata(p, LDNS_SECTION_AUTHORITY, 0);
    assert_string_equal(s, "ns.dns.cluster.local. hostmaster.cluster.local. 42 7200 1800 86400 5");
    free(s);
    ldns_pkt_free(p);
    /* A namespace without services does not exist; one with services does. */
    p = ask(state, "kube-system.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
    p = ask(state, "default.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
    assert_int_equal(ldns_pkt_ancount(p), 0);
    ldns_pkt_free(p);
}

static void test_externalname_cname(void **state)
{
    ldns_pkt *p = ask(state, "ext.default.svc.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
    assert_int_equal(ldns_rr_get_type(rr), LDNS_RR_TYPE_CNAME);
    char *s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "db.example.com.");
    free(s);
    ldns_pkt_free(p);
}

static void test_pod_records(void **state)
{
    ldns_pkt *p = ask(state, "10-42-0-9.default.pod.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    char *s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "10.42.0.9");
    free(s);
    ldns_pkt_free(p);
    p = ask(state, "10-42-0-999.default.pod.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
    p = ask(state, "default.pod.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
    assert_int_equal(ldns_pkt_ancount(p), 0);
    ldns_pkt_free(p);
    p = ask(state, "x.10-42-0-9.default.pod.cluster.local.", LDNS_RR_TYPE_A);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
}

static void test_forwarded_names(void **state)
{
    fx_t *fx = *state;
    ldns_pkt *p = NULL;
    assert_int_equal(ask_full(fx->snap, "example.com.", LDNS_RR_TYPE_A, false, true, 1, &p),
                     CUBE_DNS_FORWARD);
    /* a suffix that only looks like the zone */
    assert_int_equal(ask_full(fx->snap, "xcluster.local.", LDNS_RR_TYPE_A, false, true, 1, &p),
                     CUBE_DNS_FORWARD);
    /* reverse names of addresses that are not the cluster's */
    assert_int_equal(
        ask_full(fx->snap, "1.1.168.192.in-addr.arpa.", LDNS_RR_TYPE_PTR, false, true, 1, &p),
        CUBE_DNS_FORWARD);
}

static void test_truncation_and_edns(void **state)
{
    fx_t *fx = *state;
    ldns_pkt *p = NULL;
    /* 60 A records: over 512 bytes, so UDP without EDNS is truncated... */
    assert_int_equal(
        ask_full(fx->snap, "big.default.svc.cluster.local.", LDNS_RR_TYPE_A, false, true, 7, &p),
        CUBE_DNS_ANSWERED);
    assert_true(ldns_pkt_tc(p));
    assert_int_equal(ldns_pkt_ancount(p), 0);
    assert_int_equal(ldns_pkt_qdcount(p), 1);
    ldns_pkt_free(p);
    /* ...fits with EDNS (and our OPT record comes back)... */
    assert_int_equal(
        ask_full(fx->snap, "big.default.svc.cluster.local.", LDNS_RR_TYPE_A, true, true, 7, &p),
        CUBE_DNS_ANSWERED);
    assert_false(ldns_pkt_tc(p));
    assert_int_equal(ldns_pkt_ancount(p), 60);
    assert_true(ldns_pkt_edns(p));
    ldns_pkt_free(p);
    /* ...and over TCP. */
    assert_int_equal(
        ask_full(fx->snap, "big.default.svc.cluster.local.", LDNS_RR_TYPE_A, false, false, 7, &p),
        CUBE_DNS_ANSWERED);
    assert_int_equal(ldns_pkt_ancount(p), 60);
    assert_false(ldns_pkt_edns(p));
    ldns_pkt_free(p);
}

static void test_malformed(void **state)
{
    fx_t *fx = *state;
    uint8_t out[65536];
    size_t n = 0;
    uint8_t junk[20] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x3f, 'a'};
    assert_int_equal(cube_dns_answer(fx->snap, junk, sizeof(junk), true, out, &n),
                     CUBE_DNS_ANSWERED);
    assert_int_equal(n, 12);
    assert_int_equal(out[0], 0x12);
    assert_int_equal(out[3] & 0x0f, LDNS_RCODE_FORMERR);
    /* a response (QR set) is never answered */
    junk[2] = 0x81;
    assert_int_equal(cube_dns_answer(fx->snap, junk, sizeof(junk), true, out, &n), CUBE_DNS_DROP);
}

static void test_error_response(void **state)
{
    ldns_pkt *q = NULL;
    assert_int_equal(
        ldns_pkt_query_new_frm_str(&q, "example.com.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD),
        LDNS_STATUS_OK);
    ldns_pkt_set_id(q, 99);
    uint8_t *wire = NULL;
    size_t wlen = 0;
    assert_int_equal(ldns_pkt2wire(&wire, q, &wlen), LDNS_STATUS_OK);
    ldns_pkt_free(q);
    uint8_t out[65536];
    size_t n = 0;
    assert_int_equal(cube_dns_error_response(wire, wlen, LDNS_RCODE_SERVFAIL, out, &n), 0);
    free(wire);
    ldns_pkt *p = NULL;
    assert_int_equal(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_SERVFAIL);
    assert_int_equal(ldns_pkt_id(p), 99);
    assert_int_equal(ldns_pkt_qdcount(p), 1);
    ldns_pkt_free(p);
}

static void test_apex_and_version(void **state)
{
    ldns_pkt *p = ask(state, "cluster.local.", LDNS_RR_TYPE_SOA);
    assert_int_equal(ldns_pkt_ancount(p), 1);
    ldns_pkt_free(p);
    p = ask(state, "dns-version.cluster.local.", LDNS_RR_TYPE_TXT);
    char *s = rdata(p, LDNS_SECTION_ANSWER, 0);
    assert_string_equal(s, "\"1.1.0\"");
    free(s);
    ldns_pkt_free(p);
}

static void test_empty_snapshot(void **state)
{
    cube_dns_snapshot_t *s = cube_dns_snapshot_build("corp.example", 1, NULL, 0, NULL, 0);
    ldns_pkt *p = NULL;
    assert_int_equal(
        ask_full(s, "web.default.svc.corp.example.", LDNS_RR_TYPE_A, false, true, 3, &p),
        CUBE_DNS_ANSWERED);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
    assert_int_equal(
        ask_full(s, "web.default.svc.cluster.local.", LDNS_RR_TYPE_A, false, true, 3, &p),
        CUBE_DNS_FORWARD);
    cube_dns_snapshot_unref(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clusterip_a),
        cmocka_unit_test(test_mixed_case_echoed),
        cmocka_unit_test(test_aaaa_nodata),
        cmocka_unit_test(test_srv_named_port),
        cmocka_unit_test(test_headless_ready_only),
        cmocka_unit_test(test_headless_hostnames_and_srv),
        cmocka_unit_test(test_srv_and_any_at_service_name),
        cmocka_unit_test(test_ptr),
        cmocka_unit_test(test_nxdomain_with_soa),
        cmocka_unit_test(test_externalname_cname),
        cmocka_unit_test(test_pod_records),
        cmocka_unit_test(test_forwarded_names),
        cmocka_unit_test(test_truncation_and_edns),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_error_response),
        cmocka_unit_test(test_apex_and_version),
        cmocka_unit_test(test_empty_snapshot),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
