/*
 * netpol: NetworkPolicy enforcement on a node (what kube-router's or
 * Calico's policy agent does). networking.k8s.io/v1 NetworkPolicies, Pods and
 * Namespaces are watched through the client library's informers and turned
 * into filter-table chains of our own (CUBE-NWPLCY-*, CUBE-NWPOD-*) hooked
 * first in FORWARD, with ipsets (CUBE-NP-*) holding the peers' addresses.
 *
 * What the rules mean (the NetworkPolicy specification): a pod of this node
 * selected by any policy whose policyTypes include Ingress (Egress) is
 * isolated for that direction; a new connection to (from) it passes when any
 * rule of any policy selecting it allows it; replies of allowed connections
 * pass (conntrack ESTABLISHED,RELATED); everything else is dropped. Traffic
 * from and to the node itself is always allowed (the FORWARD hook never sees
 * it), as the specification requires for the kubelet's probes.
 *
 * The module has two layers: rules.c builds the chains and ipsets from plain
 * JSON objects (pure, no I/O: the unit tests feed it fixtures) and renders
 * the `ipset restore` and `iptables-restore --noflush` inputs; netpol.c runs
 * the informers and the sync loop and applies them.
 *
 * Threads: the rule builder is reentrant. cube_netpol_run blocks on its
 * caller's thread, which does every sync; informer threads only mark the
 * state dirty and wake it.
 */
#ifndef CUBE_NETPOL_H
#define CUBE_NETPOL_H

#include "core/core.h"

/* ---- rule generation (rules.c) ------------------------------------------ */

/* The chain hooked from FORWARD; every other chain hangs off it. */
#define CUBE_NETPOL_MAIN_CHAIN "CUBE-NWPLCY-FORWARD"
/* Owned names: chains start with CUBE_NETPOL_CHAIN_PREFIX, ipsets with CUBE_NETPOL_SET_PREFIX. */
#define CUBE_NETPOL_CHAIN_PREFIX "CUBE-NWP"
#define CUBE_NETPOL_SET_PREFIX "CUBE-NP-"
/* The packet mark bit a policy chain sets when one of its rules allows the packet. */
#define CUBE_NETPOL_ALLOW_MARK "0x20000"

typedef struct cube_netpol_rules_config {
    const char *node_name; /* pods whose spec.nodeName is this are enforced */
} cube_netpol_rules_config_t;

/* One filter-table chain and its rules ("-A NAME ...\n" lines). */
typedef struct cube_netpol_chain {
    char *name;
    char *rules;
} cube_netpol_chain_t;

/* One ipset: type "hash:ip" or "hash:net"; members sorted ("10.0.0.1", "10.0.0.0/8",
 * "10.1.0.0/16 nomatch"). The name is a hash of type and members: same name, same content. */
typedef struct cube_netpol_ipset {
    char *name;
    const char *type;
    char **members;
    size_t n_members;
} cube_netpol_ipset_t;

/* What one node's policy rules are: chains sorted by name (the main chain among them) and
 * the ipsets they use, sorted by name. */
typedef struct cube_netpol_ruleset {
    cube_netpol_chain_t *chains;
    size_t n_chains;
    cube_netpol_ipset_t *sets;
    size_t n_sets;
} cube_netpol_ruleset_t;

/*
 * Builds the rule set from NetworkPolicies, Pods (all of the cluster's: the
 * ones on cfg->node_name are enforced, every pod with a status.podIP may be a
 * peer; hostNetwork and finished pods are neither) and Namespaces (their
 * labels; kubernetes.io/metadata.name is implied). All borrowed, read only.
 * Named ports are resolved per destination pod's containerPorts. Policies
 * with a selector that does not parse are skipped. Never fails; ret is
 * overwritten (clear it first if it held one).
 */
void cube_netpol_rules_build(const cube_netpol_rules_config_t *cfg, json_t *const *policies,
                             size_t n_policies, json_t *const *pods, size_t n_pods,
                             json_t *const *namespaces, size_t n_namespaces,
                             cube_netpol_ruleset_t *ret);
void cube_netpol_ruleset_clear(cube_netpol_ruleset_t *rs); /* accepts NULL; zeroes */

/* A chain / an ipset of rs by name, or NULL. Borrowed. */
const cube_netpol_chain_t *cube_netpol_ruleset_chain(const cube_netpol_ruleset_t *rs,
                                                     const char *name);
const cube_netpol_ipset_t *cube_netpol_ruleset_set(const cube_netpol_ruleset_t *rs,
                                                   const char *name);

/*
 * The `iptables-restore --noflush` input (filter table) that writes every
 * chain of rs (each flushed first) and deletes the chains named in stale
 * (owned chains present in the kernel that rs no longer has). Owned string.
 */
char *cube_netpol_render_iptables(const cube_netpol_ruleset_t *rs, char *const *stale,
                                  size_t n_stale);
/* The `ipset restore` input creating every set of rs and adding its members (to be run with
 * -exist, so that sets already there are kept). Owned string; "" when rs has no set. */
char *cube_netpol_render_ipset(const cube_netpol_ruleset_t *rs);

/* The first 16 chars of base32(sha256(s)), as chain-name hashes are made upstream. out >= 17. */
void cube_netpol_hash(const char *s, char out[17]);

/* ---- the running enforcer (netpol.c) ------------------------------------ */

typedef struct cube_netpol_config {
    const char *kubeconfig; /* required for run */
    const char *node_name; /* required for run */
    int sync_period_sec; /* periodic full resync; 0: 30 s */
    int min_sync_interval_ms; /* coalescing window between syncs; 0: 100 ms */
    const char *iptables; /* binary names; NULL: "iptables" (the nft variant here) */
    const char *iptables_restore; /* NULL: "iptables-restore" */
    const char *iptables_save; /* NULL: "iptables-save" */
    const char *ipset; /* NULL: "ipset" */
} cube_netpol_config_t;

/*
 * Runs the enforcer until *stop: waits for the informers' first lists,
 * applies the whole rule set (removing owned chains and ipsets left from an
 * earlier run), puts the FORWARD jump first, then re-syncs as policies, pods
 * and namespaces change (coalesced: one sync at a time, at least
 * min_sync_interval_ms apart; nothing is written when the rules are the
 * same) and fully every sync_period_sec. Rules stay in place when it stops.
 * Errors: a bad kubeconfig or a first sync that cannot be applied. Blocks.
 */
int cube_netpol_run(const cube_netpol_config_t *cfg, const atomic_bool *stop, cube_err_t *err);

/* Removes the FORWARD jump, every owned chain and every owned ipset (--cleanup). Idempotent. */
int cube_netpol_cleanup(const cube_netpol_config_t *cfg, cube_err_t *err);

#endif
