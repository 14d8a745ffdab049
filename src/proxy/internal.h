/*
 * internal: what the two rule builders of the proxy (iptables.c for the
 * iptables mode, nftables.c for the nftables mode) share: the accumulating
 * tables of chains, one service port with its endpoints, and the endpoint
 * categorization Kubernetes does (pkg/proxy/topology.go). Not for use
 * outside src/proxy.
 */
#ifndef CUBE_PROXY_INTERNAL_H
#define CUBE_PROXY_INTERNAL_H

#include "proxy/proxy.h"

typedef struct chain_acc {
    char *name;
    cube_buf_t rules;
} chain_acc_t;

/* Chains are allocated one by one: the rule buffers handed out stay where they are. */
typedef struct table_acc {
    chain_acc_t **v;
    size_t n, cap;
} table_acc_t;

typedef struct endpoint {
    const char *ip;
    int port;
    bool ready, serving, terminating, local;
    char str[64]; /* "ip:port" */
    char chain[32]; /* KUBE-SEP-... */
} endpoint_t;

typedef struct builder {
    const cube_proxy_rules_config_t *cfg;
    table_acc_t nat, filter;
    cube_buf_t *nat_services, *nat_nodeports, *filter_services, *filter_external, *filter_nodeports;
    char **udp;
    size_t n_udp, cap_udp;
} builder_t;

typedef struct svc_port {
    const char *ns, *name, *cluster_ip;
    const char *pname, *proto;
    char lproto[16];
    char spn[512]; /* ns/name[:port] */
    int port, node_port, hc_node_port;
    bool affinity;
    int affinity_sec;
    bool itp_local, etp_local, externally_accessible;
    json_t *external_ips, *lb_ingress; /* borrowed */
} svc_port_t;

/* Adds a chain (declared even when it stays empty) and returns its rule buffer. */
cube_buf_t *cube_proxy_chain_add(table_acc_t *t, const char *name);

/* Records a UDP flow "<addr> <port> <endpoint ip>" for conntrack flushing. */
void cube_proxy_add_udp_flow(builder_t *b, const char *addr, int port, const char *ep_ip);

/* The endpoints a service port uses (ready ones, or serving-terminating ones when none is
 * ready): cluster-wide ones in cluster (when the port uses them) and this node's in local (when
 * a Local policy applies); both arrays hold n_eps + 1 entries. *has_endpoints: any usable
 * endpoint exists anywhere. */
void cube_proxy_categorize(const svc_port_t *sp, endpoint_t *eps, size_t n_eps,
                           endpoint_t **cluster, size_t *n_cluster, endpoint_t **local,
                           size_t *n_local, bool *has_endpoints);

/* The nftables mode's chains and map elements of one service port (nftables.c). */
void cube_proxy_nft_build_port(builder_t *b, const svc_port_t *sp, endpoint_t *eps, size_t n_eps);

#endif
