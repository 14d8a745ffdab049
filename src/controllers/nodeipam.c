/*
 * nodeipam: the counterpart of Kubernetes' node IPAM controller (range
 * allocator). Every node gets its own slice of the cluster's pod network,
 * spec.podCIDR / spec.podCIDRs (10.42.N.0/24 out of 10.42.0.0/16 by default),
 * from which its CNI plugin hands out pod IPs; two nodes must never share one.
 *
 * The allocator is a bitmap over the node CIDRs of --cluster-cidr. At start
 * it is rebuilt from the CIDRs nodes already carry (every node add occupies
 * its CIDR on the informer thread; workers allocate only once the node
 * informer has synced), a deleted node's CIDR is released, and a node that
 * cannot get one gets a CIDRNotAvailable event.
 */
#include <arpa/inet.h>
#include <pthread.h>

#include "controllers/controllers.h"

struct cube_cidr_set {
    uint32_t base; /* host order */
    int cluster_bits, node_bits;
    size_t count, used, next;
    uint8_t *bits;
};

int cube_cidr_set_new(const char *cluster_cidr, int node_mask, cube_cidr_set_t **ret,
                      cube_err_t *err)
{
    char ip[64];
    int bits = -1;
    const char *slash = cluster_cidr ? strchr(cluster_cidr, '/') : NULL;
    struct in_addr a;
    if (!slash || (size_t)(slash - cluster_cidr) >= sizeof(ip))
        return cube_err_badrequest(err, "invalid cluster CIDR \"%s\"",
                                   cluster_cidr ? cluster_cidr : "");
    memcpy(ip, cluster_cidr, (size_t)(slash - cluster_cidr));
    ip[slash - cluster_cidr] = 0;
    char *end;
    bits = (int)strtol(slash + 1, &end, 10);
    if (*end || bits < 0 || bits > 32 || inet_pton(AF_INET, ip, &a) != 1)
        return cube_err_badrequest(err, "invalid cluster CIDR \"%s\" (IPv4 only)", cluster_cidr);
    if (node_mask < bits || node_mask > 32 || node_mask - bits > 24)
        return cube_err_badrequest(err, "node CIDR mask /%d does not fit cluster CIDR \"%s\"",
                                   node_mask, cluster_cidr);
    cube_cidr_set_t *s = xcalloc(1, sizeof(*s));
    uint32_t mask = bits ? ~0u << (32 - bits) : 0;
    s->base = ntohl(a.s_addr) & mask;
    s->cluster_bits = bits;
    s->node_bits = node_mask;
    s->count = (size_t)1 << (node_mask - bits);
    s->bits = xcalloc((s->count + 7) / 8, 1);
    *ret = s;
    return 0;
}

void cube_cidr_set_free(cube_cidr_set_t *s)
{
    if (!s)
        return;
    free(s->bits);
    free(s);
}

static char *format_cidr(const cube_cidr_set_t *s, size_t i)
{
    uint32_t v = s->base + (uint32_t)(i << (32 - s->node_bits));
    return xasprintf("%u.%u.%u.%u/%d", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255,
                     s->node_bits);
}

/* The index of cidr in the set, or -1. */
static long cidr_index(const cube_cidr_set_t *s, const char *cidr)
{
    char ip[64];
    const char *slash = cidr ? strchr(cidr, '/') : NULL;
    struct in_addr a;
    if (!slash || (size_t)(slash - cidr) >= sizeof(ip) || atoi(slash + 1) != s->node_bits)
        return -1;
    memcpy(ip, cidr, (size_t)(slash - cidr));
    ip[slash - cidr] = 0;
    if (inet_pton(AF_INET, ip, &a) != 1)
        return -1;
    uint32_t v = ntohl(a.s_addr);
    uint32_t cmask = s->cluster_bits ? ~0u << (32 - s->cluster_bits) : 0;
    if ((v & cmask) != s->base)
        return -1;
    uint64_t off = (uint64_t)(v - s->base);
    if (off & ((1ull << (32 - s->node_bits)) - 1))
        return -1;
    return (long)(off >> (32 - s->node_bits));
}

char *cube_cidr_set_allocate(cube_cidr_set_t *s)
{
    for (size_t k = 0; k < s->count; k++) {
        size_t i = (s->next + k) % s->count;
        if (!(s->bits[i / 8] & (1u << (i % 8)))) {
            s->bits[i / 8] |= (uint8_t)(1u << (i % 8));
            s->used++;
            s->next = (i + 1) % s->count;
            return format_cidr(s, i);
        }
    }
    return NULL;
}

int cube_cidr_set_occupy(cube_cidr_set_t *s, const char *cidr)
{
    long i = cidr_index(s, cidr);
    if (i < 0)
        return -1;
    if (!(s->bits[i / 8] & (1u << (i % 8)))) {
        s->bits[i / 8] |= (uint8_t)(1u << (i % 8));
        s->used++;
    }
    return 0;
}

int cube_cidr_set_release(cube_cidr_set_t *s, const char *cidr)
{
    long i = cidr_index(s, cidr);
    if (i < 0)
        return -1;
    if (s->bits[i / 8] & (1u << (i % 8))) {
        s->bits[i / 8] &= (uint8_t) ~(1u << (i % 8));
        s->used--;
    }
    return 0;
}

/* ---- the controller ------------------------------------------------------ */

typedef struct ipam_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_node;
    cube_informer_t *nodes;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
    cube_recorder_t *rec;
    pthread_mutex_t lock; /* guards set and pending */
    cube_cidr_set_t *set;
    json_t *pending; /* node name -> CIDR patched but not yet seen in the cache */
} ipam_state_t;

static void node_add(json_t *obj, void *u)
{
    ipam_state_t *s = u;
    const char *cidr = cube_json_str(obj, "spec", "podCIDR", NULL);
    if (cidr && *cidr) {
        pthread_mutex_lock(&s->lock);
        cube_cidr_set_occupy(s->set, cidr);
        json_object_del(s->pending, cube_json_str(obj, "metadata", "name", NULL));
        pthread_mutex_unlock(&s->lock);
        return;
    }
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_workqueue_add(s->q, key);
}

static void node_update(json_t *old, json_t *obj, void *u)
{
    node_add(obj, u);
}

static void node_delete(json_t *obj, void *u)
{
    ipam_state_t *s = u;
    const char *cidr = cube_json_str(obj, "spec", "podCIDR", NULL);
    if (!cidr || !*cidr)
        return;
    pthread_mutex_lock(&s->lock);
    cube_cidr_set_release(s->set, cidr);
    json_object_del(s->pending, cube_json_str(obj, "metadata", "name", NULL));
    pthread_mutex_unlock(&s->lock);
}

static int sync_node(const char *key, void *u)
{
    ipam_state_t *s = u;
    if (!cube_informer_synced(s->nodes))
        return -1;
    json_auto_t *node = cube_informer_get(s->nodes, NULL, key);
    if (!node)
        return 0;
    const char *have = cube_json_str(node, "spec", "podCIDR", NULL);
    if (have && *have)
        return 0;
    pthread_mutex_lock(&s->lock);
    /* Patched already, the cache has not caught up: never give a node two CIDRs. */
    bool in_flight = json_object_get(s->pending, key) != NULL;
    _cleanup_free_ char *cidr = in_flight ? NULL : cube_cidr_set_allocate(s->set);
    if (cidr)
        json_object_set_new(s->pending, key, json_string(cidr));
    pthread_mutex_unlock(&s->lock);
    if (in_flight)
        return 0;
    if (!cidr) {
        cube_recorder_event(s->rec, node, "Normal", "CIDRNotAvailable",
                            "Node %s status is now: CIDRNotAvailable", key);
        cube_workqueue_add_after(s->q, key, 30000);
        return 0;
    }
    json_auto_t *patch = json_pack("{s:{s:s, s:[s]}}", "spec", "podCIDR", cidr, "podCIDRs", cidr);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_patch(s->ctx->client, s->r_node, NULL, key, "application/merge-patch+json",
                          patch, NULL, NULL, &err) < 0) {
        pthread_mutex_lock(&s->lock);
        cube_cidr_set_release(s->set, cidr);
        json_object_del(s->pending, key);
        pthread_mutex_unlock(&s->lock);
        if (err.code == 404)
            return 0;
        cube_log_v(2, "nodeipam: node \"%s\": %s", key, err.msg);
        return -1;
    }
    cube_log_v(2, "nodeipam: node \"%s\" gets podCIDR %s", key, cidr);
    return 0;
}

static int ipam_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    cube_cidr_set_t *set = NULL;
    if (cube_cidr_set_new(ctx->cfg->cluster_cidr ? ctx->cfg->cluster_cidr : "10.42.0.0/16",
                          ctx->cfg->node_cidr_mask ? ctx->cfg->node_cidr_mask : 24, &set, err) < 0)
        return -1;
    ipam_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->set = set;
    s->pending = json_object();
    pthread_mutex_init(&s->lock, NULL);
    s->r_node = cube_api_resource_find("", "v1", "nodes");
    s->nodes = cube_informers_get(ctx->informers, s->r_node, NULL);
    s->rec = cube_recorder_new(ctx->client, "node-ipam-controller", NULL);
    s->q = cube_workqueue_new("nodeipam", 5, 30000, 0, 0);
    cube_informer_add_handlers(s->nodes, &(cube_informer_handlers_t){.on_add = node_add,
                                                                     .on_update = node_update,
                                                                     .on_delete = node_delete,
                                                                     .userdata = s});
    /* one worker: allocations are serialized by the lock anyway */
    s->w = cube_ctrl_workers_start(ctx, s->q, 1, sync_node, s);
    *ret_state = s;
    return 0;
}

static void ipam_stop(void *state)
{
    ipam_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    cube_recorder_free(s->rec);
    cube_cidr_set_free(s->set);
    json_decref(s->pending);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

const cube_controller_ops_t cube_ctrl_nodeipam = {
    .name = "nodeipam",
    .start = ipam_start,
    .stop = ipam_stop,
};
