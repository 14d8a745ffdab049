/*
 * dns: the cluster's DNS server (what CoreDNS's kubernetes plugin is to a
 * Kubernetes cluster). Pods resolve `<svc>.<ns>.svc.<domain>` and the other
 * names of Kubernetes' DNS specification here; every other name is forwarded
 * to the node's upstream resolvers.
 *
 * The module has two layers:
 *   zone.c   turns Services and EndpointSlices (plain JSON, as informers hand
 *            them out) into an immutable, reference-counted snapshot: a hash
 *            table from lower-cased wire-format names to ready-made response
 *            packets (rendered once with libldns), and answers one query
 *            against it. Pure: no I/O, unit-tested against JSON fixtures.
 *   server.c runs the informers, rebuilds the snapshot when objects change
 *            and swaps it in atomically (readers keep the one they hold until
 *            their next query: RCU-style), and serves UDP (one socket per
 *            worker thread with SO_REUSEPORT, batched with recvmmsg/sendmmsg)
 *            and TCP, forwarding non-cluster names on a small thread pool.
 *
 * Threads: a snapshot is immutable and may be read from any number of threads
 * at once; ref/unref are atomic. cube_dns_run blocks on its caller's thread.
 */
#ifndef CUBE_DNS_H
#define CUBE_DNS_H

#include "core/core.h"

/* The TTL of every record of the cluster zone, and the negative TTL (CoreDNS's default). */
#define CUBE_DNS_TTL 5

/* ---- the zone snapshot (zone.c) ------------------------------------------ */

typedef struct cube_dns_snapshot cube_dns_snapshot_t;

/*
 * Builds a snapshot of the cluster zone `domain` ("cluster.local") from
 * Services and discovery.k8s.io/v1 EndpointSlices (borrowed, read only; a
 * slice belongs to the service named by its kubernetes.io/service-name label
 * in its namespace). serial: the SOA serial (e.g. the build time). Never
 * fails: objects that make no valid name are skipped. Returns a snapshot
 * holding one reference.
 */
cube_dns_snapshot_t *cube_dns_snapshot_build(const char *domain, uint32_t serial,
                                             json_t *const *services, size_t n_services,
                                             json_t *const *slices, size_t n_slices);
cube_dns_snapshot_t *cube_dns_snapshot_ref(cube_dns_snapshot_t *s);
void cube_dns_snapshot_unref(cube_dns_snapshot_t *s); /* accepts NULL */
/* Number of names in the snapshot (for logs and tests). */
size_t cube_dns_snapshot_names(const cube_dns_snapshot_t *s);

typedef enum {
    CUBE_DNS_ANSWERED, /* out holds the response */
    CUBE_DNS_FORWARD, /* not ours: send the query upstream */
    CUBE_DNS_DROP, /* not a query (or too broken to answer): send nothing */
} cube_dns_verdict_t;

/*
 * Answers one query message (wire format, len bytes) from the snapshot:
 * names under the cluster domain, and reverse names of service and endpoint
 * addresses (other reverse names are forwarded). udp: the answer must fit the
 * query's size limit (512 bytes, or its EDNS buffer size up to 4096), else it
 * goes out empty and truncated (TC) so the client retries over TCP. Malformed
 * queries get FORMERR, other opcodes NOTIMP. out: a buffer of at least 65535
 * bytes; *ret_len is set when the verdict is CUBE_DNS_ANSWERED. Thread-safe.
 */
cube_dns_verdict_t cube_dns_answer(const cube_dns_snapshot_t *s, const uint8_t *query, size_t len,
                                   bool udp, uint8_t *out, size_t *ret_len);

/*
 * A response to query carrying only its header and question, with rcode
 * (LDNS rcode numbers: 2 SERVFAIL, ...). Used when forwarding fails. -1 when
 * the query has no question to echo.
 */
int cube_dns_error_response(const uint8_t *query, size_t len, int rcode, uint8_t *out,
                            size_t *ret_len);

/* ---- the server (server.c) ---------------------------------------------- */

typedef struct cube_dns_config {
    const char *kubeconfig; /* required */
    const char *listen; /* "10.43.0.10:53", "127.0.0.1:5353", "[::1]:53"; NULL: "0.0.0.0:53" */
    const char *cluster_domain; /* NULL: "cluster.local" */
    /* A resolv.conf-style file ("nameserver IP" lines; "IP:PORT" and "[IP6]:PORT" accepted too),
     * or, when no such file exists, a comma-separated list of such addresses. NULL:
     * "/etc/resolv.conf". */
    const char *upstream;
    int workers; /* UDP worker threads; 0: one per CPU */
    int forward_timeout_ms; /* per upstream attempt; 0: 2000 */
} cube_dns_config_t;

/*
 * Runs the DNS server until *stop: binds UDP and TCP on cfg->listen (errors:
 * BadRequest for a bad address or upstream list, the errno text when the
 * address is taken or the kubeconfig unusable), starts the informers, and
 * serves once their first lists are in (a half-listed zone would hand out
 * NXDOMAINs that resolvers cache; queries wait in the socket buffers until
 * then). Every change rebuilds the snapshot and swaps it in. Blocks; logs
 * one line when serving starts and, at -v 1, one per rebuild.
 */
int cube_dns_run(const cube_dns_config_t *cfg, const atomic_bool *stop, cube_err_t *err);

#endif
