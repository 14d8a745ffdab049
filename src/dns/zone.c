/*
 * zone: the cluster zone as Kubernetes' DNS specification defines it, built
 * from Services and EndpointSlices into an immutable snapshot, and the
 * answering of one query against it.
 *
 * Every name the zone holds is rendered once, at build time, into finished
 * response packets (one per record type, one for ANY, one NODATA with the SOA
 * in the authority section) by libldns. Answering a query is then a hash
 * lookup on the lower-cased wire name plus a copy: the query's own ID, RD/CD
 * bits and question bytes (so the client sees its own letter case) are laid
 * over the ready packet, whose compression pointers only ever point into the
 * question name or into the packet itself, both of which keep their offsets.
 * Only answers that cannot be known in advance (NXDOMAIN, pod A records of
 * the form a-b-c-d.<ns>.pod.<domain>) are rendered per query.
 */
#include "dns/dns.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>

#define DNS_HEADER 12
#define OPT_RR_LEN 11 /* root name, type, class, ttl, rdlength */
#define EDNS_MAX_UDP 4096
#define EDNS_OUR_SIZE 1232 /* what we advertise in our OPT record */
#define SOA_REFRESH 7200
#define SOA_RETRY 1800
#define SOA_EXPIRE 86400
#define TYPE_NODATA 0 /* the pseudo type of a node's NODATA packet */

/* A finished response packet for one query type at one name. */
typedef struct packet {
    uint16_t type; /* an RR type, LDNS_RR_TYPE_ANY, or TYPE_NODATA */
    size_t len;
    uint8_t *wire; /* malloc'd by ldns */
} packet_t;

typedef struct node {
    uint8_t *key; /* the lower-cased wire name */
    size_t klen;
    packet_t *pkts;
    size_t n_pkts;
    bool cname; /* every query type gets the CNAME packet */
    /* build time only */
    ldns_rdf *owner;
    ldns_rr_list *rrs; /* answer records */
    ldns_rr_list *extra; /* additional records of SRV answers */
} node_t;

struct cube_dns_snapshot {
    atomic_int refs;
    node_t *nodes;
    size_t n, cap;
    uint32_t *slots; /* node index + 1; 0 is empty; a power of two in size */
    size_t n_slots;
    uint8_t *zone; /* the domain's lower-cased wire name */
    size_t zone_len;
    ldns_rr *soa;
};

/* ---- the name table -------------------------------------------------- */

static uint32_t hash_key(const uint8_t *k, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ k[i]) * 16777619u;
    return h;
}

static void rehash(cube_dns_snapshot_t *s, size_t n_slots)
{
    free(s->slots);
    s->slots = xcalloc(n_slots, sizeof(*s->slots));
    s->n_slots = n_slots;
    for (size_t i = 0; i < s->n; i++) {
        size_t j = hash_key(s->nodes[i].key, s->nodes[i].klen) & (n_slots - 1);
        while (s->slots[j])
            j = (j + 1) & (n_slots - 1);
        s->slots[j] = (uint32_t)i + 1;
    }
}

static node_t *find(const cube_dns_snapshot_t *s, const uint8_t *key, size_t klen)
{
    if (!s->n_slots)
        return NULL;
    size_t j = hash_key(key, klen) & (s->n_slots - 1);
    for (uint32_t v; (v = s->slots[j]); j = (j + 1) & (s->n_slots - 1)) {
        node_t *nd = &s->nodes[v - 1];
        if (nd->klen == klen && !memcmp(nd->key, key, klen))
            return nd;
    }
    return NULL;
}

/* The node of owner (lower-cased), created when absent. */
static node_t *node_get(cube_dns_snapshot_t *s, const ldns_rdf *owner)
{
    node_t *nd = find(s, ldns_rdf_data(owner), ldns_rdf_size(owner));
    if (nd)
        return nd;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->nodes = xrealloc(s->nodes, s->cap * sizeof(*s->nodes));
    }
    nd = &s->nodes[s->n++];
    *nd = (node_t){0};
    nd->owner = ldns_rdf_clone(owner);
    nd->klen = ldns_rdf_size(owner);
    nd->key = xmalloc(nd->klen);
    memcpy(nd->key, ldns_rdf_data(owner), nd->klen);
    nd->rrs = ldns_rr_list_new();
    nd->extra = ldns_rr_list_new();
    if (s->n * 2 > s->n_slots)
        rehash(s, s->n_slots ? s->n_slots * 2 : 256);
    else {
        size_t j = hash_key(nd->key, nd->klen) & (s->n_slots - 1);
        while (s->slots[j])
            j = (j + 1) & (s->n_slots - 1);
        s->slots[j] = (uint32_t)s->n;
    }
    return nd;
}

static bool list_has(const ldns_rr_list *l, const ldns_rr *rr)
{
    for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
        if (ldns_rr_compare(ldns_rr_list_rr(l, i), rr) == 0)
            return true;
    return false;
}

/* Adds rr (owned) to its owner's node, or to extra of the node at `at` when given. */
static void add_rr(cube_dns_snapshot_t *s, ldns_rr *rr, const ldns_rdf *at)
{
    node_t *nd = node_get(s, at ? at : ldns_rr_owner(rr));
    ldns_rr_list *l = at ? nd->extra : nd->rrs;
    if (list_has(l, rr))
        ldns_rr_free(rr);
    else
        ldns_rr_list_push_rr(l, rr);
}

/* A new record at owner (cloned) with ttl CUBE_DNS_TTL and the given rdata (owned). */
static ldns_rr *rr_new(const ldns_rdf *owner, ldns_rr_type type, int n, ...)
{
    ldns_rr *rr = ldns_rr_new();
    ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
    ldns_rr_set_type(rr, type);
    ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
    ldns_rr_set_ttl(rr, CUBE_DNS_TTL);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        ldns_rr_push_rdf(rr, va_arg(ap, ldns_rdf *));
    va_end(ap);
    return rr;
}

/* An absolute domain name from text, lower-cased; NULL when it is not one. */
static ldns_rdf *dname(const char *fmt, ...) _printf_(1, 2);
static ldns_rdf *dname(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    ldns_rdf *r = ldns_dname_new_frm_str(s);
    if (r)
        ldns_dname2canonical(r);
    return r;
}

/* Whether s is a DNS label we can put in a name as it is (RFC 1123, lower case). */
static bool valid_label(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_'))
            return false;
    return true;
}

/* ---- records of services and endpoints ----------------------------------- */

/* An A or AAAA rdata for ip, and its record type; NULL when ip is no address. */
static ldns_rdf *addr_rdf(const char *ip, ldns_rr_type *ret_type)
{
    if (!ip)
        return NULL;
    bool v6 = strchr(ip, ':') != NULL;
    ldns_rdf *r = ldns_rdf_new_frm_str(v6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, ip);
    if (r)
        *ret_type = v6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
    return r;
}

/* owner A/AAAA ip, and the PTR of ip back to owner. */
static void add_address(cube_dns_snapshot_t *s, const ldns_rdf *owner, const char *ip)
{
    ldns_rr_type t;
    ldns_rdf *a = addr_rdf(ip, &t);
    if (!a)
        return;
    ldns_rdf *rev = ldns_rdf_address_reverse(a);
    add_rr(s, rr_new(owner, t, 1, a), NULL);
    if (rev) {
        ldns_dname2canonical(rev);
        add_rr(s, rr_new(rev, LDNS_RR_TYPE_PTR, 1, ldns_rdf_clone(owner)), NULL);
        ldns_rdf_deep_free(rev);
    }
}

static const char *proto_label(const char *protocol)
{
    if (!protocol || !strcmp(protocol, "TCP"))
        return "tcp";
    if (!strcmp(protocol, "UDP"))
        return "udp";
    if (!strcmp(protocol, "SCTP"))
        return "sctp";
    return NULL;
}

/* _<port>._<proto>.<svc> SRV 0 <weight fixed later> port target, with target's addresses as
 * additional records. */
static void add_srv(cube_dns_snapshot_t *s, const ldns_rdf *svc, const json_t *port,
                    const ldns_rdf *target, const ldns_rr_list *target_addrs)
{
    const char *name = json_string_value(json_object_get(port, "name"));
    const char *proto = proto_label(json_string_value(json_object_get(port, "protocol")));
    json_int_t num = json_integer_value(json_object_get(port, "port"));
    if (!valid_label(name) || !proto || num <= 0 || num > 65535)
        return;
    _cleanup_free_ char *svc_text = ldns_rdf2str(svc);
    ldns_rdf *owner = dname("_%s._%s.%s", name, proto, svc_text);
    if (!owner)
        return;
    /* The port's own name, and the service's name (which answers SRV for all named ports). */
    const ldns_rdf *owners[] = {owner, svc};
    for (size_t o = 0; o < CUBE_ARRAY_SIZE(owners); o++) {
        add_rr(s,
               rr_new(owners[o], LDNS_RR_TYPE_SRV, 4, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 0),
                      ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 100),
                      ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, (uint16_t)num),
                      ldns_rdf_clone(target)),
               NULL);
        for (size_t i = 0; i < ldns_rr_list_rr_count(target_addrs); i++)
            add_rr(s, ldns_rr_clone(ldns_rr_list_rr(target_addrs, i)), owners[o]);
    }
    ldns_rdf_deep_free(owner);
}

static bool endpoint_ready(const json_t *ep)
{
    json_t *ready = cube_json_path(ep, "conditions", "ready", NULL);
    return !ready || json_is_null(ready) || json_is_true(ready);
}

/* A slice of the service key "ns/name", as the sorted index holds it. */
typedef struct slice_ref {
    char *key;
    const json_t *slice;
} slice_ref_t;

static int cmp_slice_ref(const void *a, const void *b)
{
    return strcmp(((const slice_ref_t *)a)->key, ((const slice_ref_t *)b)->key);
}

/* The records of one headless service's endpoints. */
static void add_headless(cube_dns_snapshot_t *s, const ldns_rdf *svc, const char *svc_text,
                         bool publish_not_ready, const slice_ref_t *refs, size_t n_refs)
{
    for (size_t r = 0; r < n_refs; r++) {
        const json_t *slice = refs[r].slice;
        const char *at = json_string_value(json_object_get(slice, "addressType"));
        if (!at || (strcmp(at, "IPv4") && strcmp(at, "IPv6")))
            continue;
        json_t *ports = json_object_get(slice, "ports");
        size_t i;
        json_t *ep;
        json_array_foreach(json_object_get(slice, "endpoints"), i, ep)
        {
            if (!publish_not_ready && !endpoint_ready(ep))
                continue;
            const char *hostname = json_string_value(json_object_get(ep, "hostname"));
            size_t j;
            json_t *addr;
            json_array_foreach(json_object_get(ep, "addresses"), j, addr)
            {
                const char *ip = json_string_value(addr);
                ldns_rr_type t;
                ldns_rdf *a = addr_rdf(ip, &t);
                if (!a)
                    continue;
                ldns_rdf_deep_free(a);
                /* The endpoint's own name: its hostname, else its address with dashes. */
                _cleanup_free_ char *label = xstrdup(hostname ? hostname : ip);
                for (char *c = label; *c; c++)
                    if (*c == '.' || *c == ':')
                        *c = '-';
                ldns_rdf *host = valid_label(label) ? dname("%s.%s", label, svc_text) : NULL;
                ldns_rr_list *addrs = ldns_rr_list_new();
                ldns_rr_list_push_rr(addrs, rr_new(host ? host : svc, t, 1, addr_rdf(ip, &t)));
                add_rr(s, rr_new(svc, t, 1, addr_rdf(ip, &t)), NULL);
                if (host) {
                    add_address(s, host, ip);
                    size_t k;
                    json_t *port;
                    json_array_foreach(ports, k, port) add_srv(s, svc, port, host, addrs);
                    ldns_rdf_deep_free(host);
                }
                ldns_rr_list_deep_free(addrs);
            }
        }
    }
}

static void add_service(cube_dns_snapshot_t *s, const char *domain, const json_t *svc,
                        const slice_ref_t *index, size_t n_index)
{
    const char *name = cube_json_str(svc, "metadata", "name", NULL);
    const char *ns = cube_json_str(svc, "metadata", "namespace", NULL);
    if (!valid_label(name) || !valid_label(ns))
        return;
    _cleanup_free_ char *svc_text = xasprintf("%s.%s.svc.%s.", name, ns, domain);
    ldns_rdf *owner = dname("%s", svc_text);
    if (!owner)
        return;
    json_t *spec = json_object_get(svc, "spec");
    const char *type = json_string_value(json_object_get(spec, "type"));
    const char *cip = json_string_value(json_object_get(spec, "clusterIP"));
    if (type && !strcmp(type, "ExternalName")) {
        const char *ext = json_string_value(json_object_get(spec, "externalName"));
        ldns_rdf *target =
            ext && *ext ? dname("%s%s", ext, ext[strlen(ext) - 1] == '.' ? "" : ".") : NULL;
        if (target)
            add_rr(s, rr_new(owner, LDNS_RR_TYPE_CNAME, 1, target), NULL);
    } else if (cip && !strcmp(cip, "None")) {
        /* The slices of this service: a contiguous run of the sorted index. */
        _cleanup_free_ char *key = xasprintf("%s/%s", ns, name);
        slice_ref_t probe = {.key = key};
        slice_ref_t *hit = bsearch(&probe, index, n_index, sizeof(*index), cmp_slice_ref);
        node_get(s, owner); /* a headless service without endpoints still exists */
        if (hit) {
            size_t lo = (size_t)(hit - index), hi = lo + 1;
            while (lo > 0 && !strcmp(index[lo - 1].key, key))
                lo--;
            while (hi < n_index && !strcmp(index[hi].key, key))
                hi++;
            bool pnr = json_is_true(json_object_get(spec, "publishNotReadyAddresses"));
            add_headless(s, owner, svc_text, pnr, index + lo, hi - lo);
        }
    } else if (cip && *cip) {
        json_t *ips = json_object_get(spec, "clusterIPs");
        ldns_rr_list *addrs = ldns_rr_list_new();
        size_t i;
        json_t *ip;
        if (json_array_size(ips) == 0)
            add_address(s, owner, cip);
        json_array_foreach(ips, i, ip) add_address(s, owner, json_string_value(ip));
        node_t *nd = node_get(s, owner);
        for (i = 0; i < ldns_rr_list_rr_count(nd->rrs); i++)
            ldns_rr_list_push_rr(addrs, ldns_rr_clone(ldns_rr_list_rr(nd->rrs, i)));
        json_t *port;
        json_array_foreach(json_object_get(spec, "ports"), i, port)
            add_srv(s, owner, port, owner, addrs);
        ldns_rr_list_deep_free(addrs);
    }
    ldns_rdf_deep_free(owner);
}

/* ---- rendering ------------------------------------------------------------ */

static bool is_below(const uint8_t *key, size_t klen, const uint8_t *zone, size_t zlen);

/* Makes every name between each node and the zone apex exist (empty non-terminals). */
static void add_ancestors(cube_dns_snapshot_t *s)
{
    size_t n = s->n;
    for (size_t i = 0; i < n; i++) {
        if (!is_below(s->nodes[i].key, s->nodes[i].klen, s->zone, s->zone_len))
            continue;
        size_t off = 0;
        while (s->nodes[i].klen - off > s->zone_len) {
            off += 1u + s->nodes[i].key[off];
            ldns_rdf *parent =
                ldns_dname_new_frm_data((uint16_t)(s->nodes[i].klen - off), s->nodes[i].key + off);
            if (!parent)
                break;
            node_get(s, parent);
            ldns_rdf_deep_free(parent);
        }
    }
}

/* pkt in wire format, in a buffer of its own size (ldns_pkt2wire hands out 64 KiB ones), or
 * NULL. Owned. */
static uint8_t *to_wire(const ldns_pkt *pkt, size_t *ret_len)
{
    ldns_buffer *b = ldns_buffer_new(512);
    uint8_t *wire = NULL;
    if (b && ldns_pkt2buffer_wire(b, pkt) == LDNS_STATUS_OK) {
        *ret_len = ldns_buffer_position(b);
        wire = xmalloc(*ret_len);
        memcpy(wire, ldns_buffer_begin(b), *ret_len);
    }
    ldns_buffer_free(b);
    return wire;
}

/* Renders one packet: question (owner, qtype), answers, additional records and authority. */
static void render(packet_t *p, uint16_t type, const ldns_rdf *owner, uint16_t qtype,
                   const ldns_rr_list *answers, const ldns_rr_list *extra, const ldns_rr *soa)
{
    ldns_pkt *pkt = ldns_pkt_new();
    ldns_pkt_set_qr(pkt, true);
    ldns_pkt_set_aa(pkt, true);
    ldns_pkt_set_ra(pkt, true);
    ldns_rr *q = ldns_rr_new();
    ldns_rr_set_owner(q, ldns_rdf_clone(owner));
    ldns_rr_set_type(q, qtype);
    ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
    ldns_rr_set_question(q, true);
    ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
    for (size_t i = 0; answers && i < ldns_rr_list_rr_count(answers); i++)
        ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, ldns_rr_clone(ldns_rr_list_rr(answers, i)));
    for (size_t i = 0; extra && i < ldns_rr_list_rr_count(extra); i++)
        ldns_pkt_push_rr(pkt, LDNS_SECTION_ADDITIONAL, ldns_rr_clone(ldns_rr_list_rr(extra, i)));
    if (soa)
        ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, ldns_rr_clone(soa));
    p->type = type;
    p->len = 0;
    p->wire = to_wire(pkt, &p->len);
    ldns_pkt_free(pkt);
}

/* The SRV records of a name share a weight of 100, as CoreDNS does; other records are left. */
static void fix_srv_weights(ldns_rr_list *l)
{
    size_t n = 0;
    for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
        n += ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_SRV;
    uint16_t w = (uint16_t)(n ? (100 / n ? 100 / n : 1) : 100);
    for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
        ldns_rr *rr = ldns_rr_list_rr(l, i);
        if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SRV || ldns_rr_rd_count(rr) != 4)
            continue;
        ldns_rdf_deep_free(ldns_rr_set_rdf(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, w), 1));
    }
}

static void render_node(cube_dns_snapshot_t *s, node_t *nd)
{
    size_t n = ldns_rr_list_rr_count(nd->rrs);
    uint16_t types[16];
    size_t n_types = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t t = (uint16_t)ldns_rr_get_type(ldns_rr_list_rr(nd->rrs, i));
        bool seen = false;
        for (size_t j = 0; j < n_types; j++)
            seen = seen || types[j] == t;
        if (!seen && n_types < CUBE_ARRAY_SIZE(types))
            types[n_types++] = t;
    }
    nd->pkts = xcalloc(n_types + 2, sizeof(*nd->pkts));
    for (size_t j = 0; j < n_types; j++) {
        ldns_rr_list *subset = ldns_rr_list_new();
        for (size_t i = 0; i < n; i++)
            if (ldns_rr_get_type(ldns_rr_list_rr(nd->rrs, i)) == types[j])
                ldns_rr_list_push_rr(subset, ldns_rr_clone(ldns_rr_list_rr(nd->rrs, i)));
        if (types[j] == LDNS_RR_TYPE_SRV)
            fix_srv_weights(subset);
        if (types[j] == LDNS_RR_TYPE_CNAME)
            nd->cname = true;
        render(&nd->pkts[nd->n_pkts++], types[j], nd->owner, types[j], subset,
               types[j] == LDNS_RR_TYPE_SRV ? nd->extra : NULL, NULL);
        ldns_rr_list_deep_free(subset);
    }
    if (n) {
        ldns_rr_list *all = ldns_rr_list_clone(nd->rrs);
        fix_srv_weights(all);
        render(&nd->pkts[nd->n_pkts++], LDNS_RR_TYPE_ANY, nd->owner, LDNS_RR_TYPE_ANY, all, NULL,
               NULL);
        ldns_rr_list_deep_free(all);
    }
    render(&nd->pkts[nd->n_pkts++], TYPE_NODATA, nd->owner, LDNS_RR_TYPE_A, NULL, NULL, s->soa);
}

/* ---- the snapshot ---------------------------------------------------------- */

static ldns_rr *make_soa(const ldns_rdf *zone, const char *domain, uint32_t serial)
{
    return rr_new(zone, LDNS_RR_TYPE_SOA, 7, dname("ns.dns.%s.", domain),
                  dname("hostmaster.%s.", domain),
                  ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, serial),
                  ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_REFRESH),
                  ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_RETRY),
                  ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, SOA_EXPIRE),
                  ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, CUBE_DNS_TTL));
}

cube_dns_snapshot_t *cube_dns_snapshot_build(const char *domain, uint32_t serial,
                                             json_t *const *services, size_t n_services,
                                             json_t *const *slices, size_t n_slices)
{
    cube_dns_snapshot_t *s = xcalloc(1, sizeof(*s));
    atomic_init(&s->refs, 1);
    ldns_rdf *zone = dname("%s.", domain);
    if (!zone) {
        domain = "cluster.local";
        zone = dname("%s.", domain);
    }
    s->zone_len = ldns_rdf_size(zone);
    s->zone = xmalloc(s->zone_len);
    memcpy(s->zone, ldns_rdf_data(zone), s->zone_len);
    s->soa = make_soa(zone, domain, serial);

    /* The apex, the fixed names, then the services. */
    add_rr(s, ldns_rr_clone(s->soa), NULL);
    add_rr(s, rr_new(zone, LDNS_RR_TYPE_NS, 1, dname("ns.dns.%s.", domain)), NULL);
    ldns_rdf *fixed = dname("dns-version.%s.", domain);
    if (fixed) {
        add_rr(s,
               rr_new(fixed, LDNS_RR_TYPE_TXT, 1, ldns_rdf_new_frm_str(LDNS_RDF_TYPE_STR, "1.1.0")),
               NULL);
        ldns_rdf_deep_free(fixed);
    }
    const char *ents[] = {"svc", "pod"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ents); i++) {
        ldns_rdf *ent = dname("%s.%s.", ents[i], domain);
        if (ent) {
            node_get(s, ent);
            ldns_rdf_deep_free(ent);
        }
    }

    slice_ref_t *index = xcalloc(n_slices ? n_slices : 1, sizeof(*index));
    size_t n_index = 0;
    for (size_t i = 0; i < n_slices; i++) {
        const char *ns = cube_json_str(slices[i], "metadata", "namespace", NULL);
        const char *svc =
            cube_json_str(slices[i], "metadata", "labels", "kubernetes.io/service-name", NULL);
        if (ns && svc)
            index[n_index++] = (slice_ref_t){xasprintf("%s/%s", ns, svc), slices[i]};
    }
    qsort(index, n_index, sizeof(*index), cmp_slice_ref);
    for (size_t i = 0; i < n_services; i++)
        add_service(s, domain, services[i], index, n_index);
    for (size_t i = 0; i < n_index; i++)
        free(index[i].key);
    free(index);

    add_ancestors(s);
    for (size_t i = 0; i < s->n; i++) {
        node_t *nd = &s->nodes[i];
        render_node(s, nd);
        ldns_rdf_deep_free(nd->owner);
        ldns_rr_list_deep_free(nd->rrs);
        ldns_rr_list_deep_free(nd->extra);
        nd->owner = NULL;
        nd->rrs = nd->extra = NULL;
    }
    ldns_rdf_deep_free(zone);
    return s;
}

cube_dns_snapshot_t *cube_dns_snapshot_ref(cube_dns_snapshot_t *s)
{
    atomic_fetch_add(&s->refs, 1);
    return s;
}

void cube_dns_snapshot_unref(cube_dns_snapshot_t *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = 0; j < s->nodes[i].n_pkts; j++)
            free(s->nodes[i].pkts[j].wire);
        free(s->nodes[i].pkts);
        free(s->nodes[i].key);
    }
    free(s->nodes);
    free(s->slots);
    free(s->zone);
    ldns_rr_free(s->soa);
    free(s);
}

size_t cube_dns_snapshot_names(const cube_dns_snapshot_t *s)
{
    return s->n;
}

/* ---- answering ------------------------------------------------------------- */

/* Whether the wire name key is zone or below it (both lower-cased). */
static bool is_below(const uint8_t *key, size_t klen, const uint8_t *zone, size_t zlen)
{
    size_t off = 0;
    while (off < klen) {
        if (klen - off == zlen && !memcmp(key + off, zone, zlen))
            return true;
        if (key[off] == 0)
            break;
        off += 1u + key[off];
    }
    return false;
}

static const uint8_t in_addr_arpa[] = "\7in-addr\4arpa";
static const uint8_t ip6_arpa[] = "\3ip6\4arpa";

/* What the query asked, and how its answer must be shaped. */
typedef struct question {
    const uint8_t *query;
    size_t qsect_len; /* name + type + class */
    bool has_opt;
    size_t limit; /* the largest answer the transport takes */
} question_t;

static void put16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static size_t get16(const uint8_t *p)
{
    return (size_t)p[0] << 8 | p[1];
}

/*
 * Lays the query's ID, RD and CD bits and question over a ready response (whose question has
 * the same length), appends our OPT record when the query had one, and truncates what does
 * not fit. Returns the length written to out.
 */
static size_t finish(const question_t *q, const uint8_t *resp, size_t len, uint8_t *out)
{
    size_t total = len + (q->has_opt ? OPT_RR_LEN : 0);
    size_t n;
    if (total > q->limit || total > 65535) {
        n = DNS_HEADER + q->qsect_len;
        memcpy(out, resp, DNS_HEADER);
        out[2] |= 0x02; /* TC */
        put16(out + 6, 0);
        put16(out + 8, 0);
        put16(out + 10, 0);
    } else {
        n = len;
        memcpy(out, resp, len);
    }
    memcpy(out, q->query, 2);
    out[2] = (uint8_t)((out[2] & ~0x01) | (q->query[2] & 0x01)); /* RD */
    out[3] = (uint8_t)((out[3] & ~0x10) | (q->query[3] & 0x10)); /* CD */
    memcpy(out + DNS_HEADER, q->query + DNS_HEADER, q->qsect_len);
    if (q->has_opt) {
        static const uint8_t opt[OPT_RR_LEN] = {
            0, 0, 41, EDNS_OUR_SIZE >> 8, EDNS_OUR_SIZE & 0xff, 0, 0, 0, 0, 0, 0};
        memcpy(out + n, opt, sizeof(opt));
        n += sizeof(opt);
        put16(out + 10, get16(out + 10) + 1);
    }
    return n;
}

/* Renders pkt (owned) and finishes it into out. */
static size_t finish_pkt(const question_t *q, ldns_pkt *pkt, uint8_t *out)
{
    size_t len = 0, n = 0;
    uint8_t *wire = to_wire(pkt, &len);
    if (wire)
        n = finish(q, wire, len, out);
    free(wire);
    ldns_pkt_free(pkt);
    return n;
}

/* A response to qrr with rcode and, when given, one answer record and the SOA. */
static ldns_pkt *response(const ldns_rr *qrr, int rcode, ldns_rr *answer, const ldns_rr *soa)
{
    ldns_pkt *pkt = ldns_pkt_new();
    ldns_pkt_set_qr(pkt, true);
    ldns_pkt_set_aa(pkt, true);
    ldns_pkt_set_ra(pkt, true);
    ldns_pkt_set_rcode(pkt, (uint8_t)rcode);
    ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, ldns_rr_clone(qrr));
    if (answer)
        ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, answer);
    if (soa)
        ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, ldns_rr_clone(soa));
    return pkt;
}

/* a-b-c-d.<ns>.pod.<domain>: the A record of a-b-c-d (CoreDNS's `pods insecure`). Returns the
 * response, or NULL when the name is not of that shape. */
static ldns_pkt *pod_answer(const cube_dns_snapshot_t *s, const uint8_t *key, size_t klen,
                            const ldns_rr *qrr)
{
    /* label 1: the dashed address; label 2: any namespace; then "pod" and the zone. */
    size_t l1 = key[0];
    if (l1 == 0 || l1 + 1 >= klen)
        return NULL;
    size_t off2 = 1 + l1;
    size_t off3 = off2 + 1 + key[off2];
    /* <ns>.pod.<domain> itself: a name without records. */
    if (off2 + 4 + s->zone_len == klen && !memcmp(key + off2, "\3pod", 4) &&
        !memcmp(key + off2 + 4, s->zone, s->zone_len))
        return response(qrr, LDNS_RCODE_NOERROR, NULL, s->soa);
    if (key[off2] == 0 || off3 + 4 + s->zone_len != klen || memcmp(key + off3, "\3pod", 4) ||
        memcmp(key + off3 + 4, s->zone, s->zone_len))
        return NULL;
    char ip[64];
    if (l1 >= sizeof(ip))
        return NULL;
    memcpy(ip, key + 1, l1);
    ip[l1] = 0;
    bool v6 = false;
    for (char *c = ip; *c; c++) {
        if (*c == '-')
            *c = '.';
    }
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, ip, &a4) != 1) {
        memcpy(ip, key + 1, l1);
        for (char *c = ip; *c; c++)
            if (*c == '-')
                *c = ':';
        if (inet_pton(AF_INET6, ip, &a6) != 1)
            return NULL;
        v6 = true;
    }
    ldns_rr_type want = v6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
    ldns_rr_type qt = ldns_rr_get_type(qrr);
    if (qt != want && qt != LDNS_RR_TYPE_ANY)
        return response(qrr, LDNS_RCODE_NOERROR, NULL, s->soa);
    ldns_rdf *addr = v6 ? ldns_rdf_new(LDNS_RDF_TYPE_AAAA, 16, xmalloc(16))
                        : ldns_rdf_new(LDNS_RDF_TYPE_A, 4, xmalloc(4));
    memcpy(ldns_rdf_data(addr), v6 ? (void *)&a6 : (void *)&a4, v6 ? 16 : 4);
    return response(qrr, LDNS_RCODE_NOERROR, rr_new(ldns_rr_owner(qrr), want, 1, addr), NULL);
}

/* A header-only response (no question): for queries too broken to echo. */
static size_t header_only(const uint8_t *query, int rcode, uint8_t *out)
{
    memset(out, 0, DNS_HEADER);
    memcpy(out, query, 2);
    out[2] = (uint8_t)(0x80 | (query[2] & 0x79)); /* QR, the opcode, RD */
    out[3] = (uint8_t)(0x80 | rcode); /* RA */
    return DNS_HEADER;
}

int cube_dns_error_response(const uint8_t *query, size_t len, int rcode, uint8_t *out,
                            size_t *ret_len)
{
    ldns_pkt *q = NULL;
    if (len < DNS_HEADER || ldns_wire2pkt(&q, query, len) != LDNS_STATUS_OK)
        return -1;
    int ret = -1;
    if (ldns_pkt_qdcount(q) == 1) {
        const ldns_rr *qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
        question_t qs = {
            .query = query,
            .qsect_len = ldns_rdf_size(ldns_rr_owner(qrr)) + 4,
            .has_opt = ldns_pkt_edns(q),
            .limit = 65535,
        };
        ldns_pkt *pkt = response(qrr, rcode, NULL, NULL);
        ldns_pkt_set_aa(pkt, false);
        *ret_len = finish_pkt(&qs, pkt, out);
        ret = *ret_len ? 0 : -1;
    }
    ldns_pkt_free(q);
    return ret;
}

cube_dns_verdict_t cube_dns_answer(const cube_dns_snapshot_t *s, const uint8_t *query, size_t len,
                                   bool udp, uint8_t *out, size_t *ret_len)
{
    if (len < DNS_HEADER || (query[2] & 0x80))
        return CUBE_DNS_DROP; /* too short to answer, or a response */
    ldns_pkt *q = NULL;
    if (ldns_wire2pkt(&q, query, len) != LDNS_STATUS_OK) {
        *ret_len = header_only(query, LDNS_RCODE_FORMERR, out);
        return CUBE_DNS_ANSWERED;
    }
    cube_dns_verdict_t verdict = CUBE_DNS_ANSWERED;
    if (ldns_pkt_get_opcode(q) != LDNS_PACKET_QUERY) {
        *ret_len = header_only(query, LDNS_RCODE_NOTIMPL, out);
        goto done;
    }
    if (ldns_pkt_qdcount(q) != 1) {
        *ret_len = header_only(query, LDNS_RCODE_FORMERR, out);
        goto done;
    }
    const ldns_rr *qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
    const ldns_rdf *qname = ldns_rr_owner(qrr);
    size_t klen = ldns_rdf_size(qname);
    uint8_t key[LDNS_MAX_DOMAINLEN + 1];
    if (klen > sizeof(key)) {
        *ret_len = header_only(query, LDNS_RCODE_FORMERR, out);
        goto done;
    }
    const uint8_t *src = ldns_rdf_data(qname);
    for (size_t i = 0; i < klen; i++)
        key[i] = (uint8_t)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
    size_t limit = 512;
    bool has_opt = ldns_pkt_edns(q);
    if (has_opt && ldns_pkt_edns_udp_size(q) > limit)
        limit = ldns_pkt_edns_udp_size(q) < EDNS_MAX_UDP ? ldns_pkt_edns_udp_size(q) : EDNS_MAX_UDP;
    question_t qs = {
        .query = query,
        .qsect_len = klen + 4,
        .has_opt = has_opt,
        .limit = udp ? limit : 65535,
    };

    bool ours = is_below(key, klen, s->zone, s->zone_len);
    bool reverse = !ours && (is_below(key, klen, in_addr_arpa, sizeof(in_addr_arpa)) ||
                             is_below(key, klen, ip6_arpa, sizeof(ip6_arpa)));
    if (!ours && !reverse) {
        verdict = CUBE_DNS_FORWARD;
        goto done;
    }
    uint16_t qtype = (uint16_t)ldns_rr_get_type(qrr);
    const node_t *nd = find(s, key, klen);
    if (!nd && reverse) {
        verdict = CUBE_DNS_FORWARD; /* an address that is not the cluster's */
        goto done;
    }
    ldns_rr_class qclass = ldns_rr_get_class(qrr);
    if (qclass != LDNS_RR_CLASS_IN && qclass != LDNS_RR_CLASS_ANY) {
        ldns_pkt *pkt = response(qrr, LDNS_RCODE_NOTIMPL, NULL, NULL);
        *ret_len = finish_pkt(&qs, pkt, out);
        goto done;
    }
    if (nd) {
        const packet_t *hit = NULL, *nodata = NULL;
        for (size_t i = 0; i < nd->n_pkts; i++) {
            const packet_t *p = &nd->pkts[i];
            if (p->type == qtype || (nd->cname && p->type == LDNS_RR_TYPE_CNAME))
                hit = p;
            if (p->type == TYPE_NODATA)
                nodata = p;
        }
        if (!hit)
            hit = nodata;
        if (hit && hit->wire) {
            *ret_len = finish(&qs, hit->wire, hit->len, out);
            goto done;
        }
    }
    ldns_pkt *pkt = pod_answer(s, key, klen, qrr);
    if (!pkt)
        pkt = response(qrr, LDNS_RCODE_NXDOMAIN, NULL, s->soa);
    *ret_len = finish_pkt(&qs, pkt, out);
done:
    ldns_pkt_free(q);
    if (verdict == CUBE_DNS_ANSWERED && *ret_len == 0)
        *ret_len = header_only(query, LDNS_RCODE_SERVFAIL, out);
    return verdict;
}
