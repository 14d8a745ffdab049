/*
 * proxy: the node's service proxy (kube-proxy's iptables mode). Services and
 * EndpointSlices are watched through the client library's informers and
 * turned into the nat and filter rules Kubernetes' iptables proxier writes:
 * KUBE-SERVICES, KUBE-NODEPORTS, one KUBE-SVC-/KUBE-SVL-/KUBE-EXT- chain per
 * service port, one KUBE-SEP- chain per endpoint, masquerade marks, REJECT
 * for services without endpoints. Chain names are hashed exactly as upstream
 * hashes them, so operators read the same names they know.
 *
 * The module has two layers: iptables.c builds the rule set from plain JSON
 * objects (pure, no I/O: the unit tests feed it fixtures) and renders the
 * iptables-restore input, whole or only the chains that changed; proxy.c runs
 * the informers and the sync loop and applies the text with one
 * `iptables-restore --noflush`.
 *
 * Threads: the rule builder is reentrant. cube_proxy_run blocks on its
 * caller's thread, which does every sync; informer threads only mark the
 * state dirty and wake it.
 */
#ifndef CUBE_PROXY_H
#define CUBE_PROXY_H

#include "core/core.h"

/* ---- rule generation (iptables.c) -------------------------------------- */

typedef struct cube_proxy_rules_config {
    const char *hostname; /* this node's name: endpoints with this nodeName are local */
    const char *cluster_cidr; /* "10.42.0.0/16": traffic from outside it is masqueraded; or NULL */
    bool masquerade_all; /* masquerade every packet to a ClusterIP */
    bool nftables; /* build the nftables mode's table instead (see cube_proxy_nft_render) */
} cube_proxy_rules_config_t;

/* One chain and its rules ("-A NAME ...\n" lines), in one table. */
typedef struct cube_proxy_chain {
    char *name;
    char *rules;
} cube_proxy_chain_t;

/* What one node's rules are: the chains of the nat and filter tables, sorted by name within a
 * table, and the UDP flows (for conntrack flushing): "<service address> <port> <endpoint ip>"
 * strings, sorted. */
typedef struct cube_proxy_ruleset {
    cube_proxy_chain_t *nat;
    size_t n_nat;
    cube_proxy_chain_t *filter;
    size_t n_filter;
    char **udp_flows;
    size_t n_udp_flows;
} cube_proxy_ruleset_t;

/*
 * Builds the rule set from Services and EndpointSlices (borrowed; read only;
 * discovery.k8s.io/v1 slices tied to their service by the
 * kubernetes.io/service-name label). Services of type ExternalName, headless
 * ones and IPv6 addresses are skipped. Never fails; ret is overwritten (clear
 * it first if it held one).
 */
void cube_proxy_rules_build(const cube_proxy_rules_config_t *cfg, json_t *const *services,
                            size_t n_services, json_t *const *slices, size_t n_slices,
                            cube_proxy_ruleset_t *ret);
void cube_proxy_ruleset_clear(cube_proxy_ruleset_t *rs); /* accepts NULL; zeroes */

/* A chain by name in a table ("nat" / "filter") of rs, or NULL. Borrowed. */
const cube_proxy_chain_t *cube_proxy_ruleset_chain(const cube_proxy_ruleset_t *rs,
                                                   const char *table, const char *name);

/*
 * The iptables-restore --noflush input taking the node from prev to cur:
 * prev NULL renders every chain of cur (a full sync; stale chains are not
 * known then: pass them in extra_stale, "table/NAME" strings, or NULL);
 * otherwise only chains whose rules differ, new chains, and the deletion
 * (flush, then -X) of chains of prev that cur no longer has. Returns an owned
 * string, or NULL when nothing differs.
 */
char *cube_proxy_ruleset_render(const cube_proxy_ruleset_t *cur, const cube_proxy_ruleset_t *prev,
                                char *const *extra_stale, size_t n_extra_stale);

/*
 * The nftables mode: with cfg->nftables, cube_proxy_rules_build fills nat
 * with the chains of our own table `ip kube-proxy` (one per service port and
 * traffic kind; rules are `add rule` lines) and filter with the elements of
 * its verdict maps (name = map, rules = `add element` lines). Endpoints are
 * picked by `numgen random mod N` inside one dnat per chain, so 1,000
 * services are ~1,000 chains instead of iptables' ~11,000.
 * cube_proxy_nft_render returns the `nft -f` input (one atomic transaction)
 * from prev to cur: prev NULL recreates the whole table; otherwise only new,
 * changed and removed chains and changed maps. NULL when nothing differs.
 */
char *cube_proxy_nft_render(const cube_proxy_ruleset_t *cur, const cube_proxy_ruleset_t *prev);

/* The chain-name hash upstream uses: the first 16 chars of base32(sha256(s)). out >= 17. */
void cube_proxy_hash(const char *s, char out[17]);

/* ---- the running proxy (proxy.c) ---------------------------------------- */

typedef struct cube_proxy_config {
    const char *kubeconfig; /* required */
    const char *hostname; /* node name (required) */
    const char *cluster_cidr; /* or NULL */
    bool masquerade_all;
    int sync_period_sec; /* periodic full resync; 0: 30 s */
    int min_sync_interval_ms; /* coalescing window between syncs; 0: 100 ms */
    const char *iptables; /* binary names; NULL: "iptables" (the nft variant here) */
    const char *iptables_restore; /* NULL: "iptables-restore" */
    const char *iptables_save; /* NULL: "iptables-save" */
    const char *conntrack; /* NULL: "conntrack" */
    const char *mode; /* "iptables" or "nftables"; NULL: $CUBE_PROXY_MODE, else "iptables" */
    const char *nft; /* NULL: "nft" */
} cube_proxy_config_t;

/*
 * Runs the proxy until *stop: waits for the informers' first lists, installs
 * the jump rules from the built-in chains, syncs the whole tables (removing
 * KUBE- chains left from an earlier run), then syncs the chains that change
 * as Services and EndpointSlices change (coalesced: one sync at a time, at
 * least min_sync_interval_ms apart) and everything every sync_period_sec.
 * Errors: a bad kubeconfig or a first sync that cannot be applied. Blocks.
 */
int cube_proxy_run(const cube_proxy_config_t *cfg, const atomic_bool *stop, cube_err_t *err);

/* Removes every chain and jump rule the proxy creates in either mode (the --cleanup mode): the
 * iptables chains and the nftables table. Idempotent. */
int cube_proxy_cleanup(const cube_proxy_config_t *cfg, cube_err_t *err);

#endif
