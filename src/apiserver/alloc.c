/*
 * Service ClusterIP and NodePort allocation, as Kubernetes' ipallocator and
 * portallocator do it: each value of a range is handed out to one Service at
 * most; explicit values are honoured when free and in range, refused with
 * Kubernetes' Invalid messages otherwise; dynamic values are picked at a
 * random offset of the upper band first, then the lower band (the static
 * subrange left for explicit values).
 *
 * Persistence needs no table of its own: the used set is rebuilt from the
 * stored Services at start and follows the store's watch of Services (a
 * value is in use while a stored Service holds it). Between admission and
 * the create's commit a value is only reserved; the reservation ends when the
 * Service carrying it shows up in the watch, when its owner's request gives
 * it back, or after a hold time (a create that failed after admission, a
 * dry run).
 */
#include "apiserver/internal.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sys/random.h>

/* ---- one range ---------------------------------------------------------- */

typedef struct reservation {
    uint32_t off; /* offset in the range */
    char *owner;
    uint64_t deadline_ns;
} reservation_t;

struct cube_alloc {
    pthread_mutex_t lock;
    uint32_t first, size, band;
    uint64_t hold_ns;
    uint16_t *used; /* stored Services holding each value (saturating) */
    uint8_t *reserved; /* 1 while a reservation holds the value */
    reservation_t *res;
    size_t nres, capres;
    uint64_t rng;
};

cube_alloc_t *cube_alloc_new(uint32_t first, uint32_t size, uint32_t band, int hold_ms)
{
    cube_alloc_t *a = xcalloc(1, sizeof(*a));
    pthread_mutex_init(&a->lock, NULL);
    a->first = first;
    a->size = size;
    a->band = band < size ? band : 0;
    a->hold_ns = (uint64_t)(hold_ms > 0 ? hold_ms : 30000) * 1000000ull;
    a->used = xcalloc(size ? size : 1, sizeof(*a->used));
    a->reserved = xcalloc(size ? size : 1, 1);
    if (getrandom(&a->rng, sizeof(a->rng), 0) != sizeof(a->rng))
        a->rng = cube_time_mono_ns();
    a->rng |= 1;
    return a;
}

void cube_alloc_free(cube_alloc_t *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nres; i++)
        free(a->res[i].owner);
    free(a->res);
    free(a->used);
    free(a->reserved);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static uint64_t next_rand(cube_alloc_t *a)
{
    /* xorshift64* */
    a->rng ^= a->rng >> 12;
    a->rng ^= a->rng << 25;
    a->rng ^= a->rng >> 27;
    return a->rng * 0x2545F4914F6CDD1Dull;
}

static void drop_res(cube_alloc_t *a, size_t i)
{
    a->reserved[a->res[i].off] = 0;
    free(a->res[i].owner);
    a->res[i] = a->res[--a->nres];
}

/* Drops reservations past their hold time. Lock held. */
static void expire(cube_alloc_t *a)
{
    uint64_t now = cube_time_mono_ns();
    for (size_t i = 0; i < a->nres;)
        if (a->res[i].deadline_ns <= now)
            drop_res(a, i);
        else
            i++;
}

static void reserve(cube_alloc_t *a, uint32_t off, const char *owner)
{
    if (a->nres == a->capres) {
        a->capres = a->capres ? 2 * a->capres : 8;
        a->res = xrealloc(a->res, a->capres * sizeof(*a->res));
    }
    a->res[a->nres++] = (reservation_t){
        .off = off, .owner = xstrdup(owner), .deadline_ns = cube_time_mono_ns() + a->hold_ns};
    a->reserved[off] = 1;
}

static bool is_free(const cube_alloc_t *a, uint32_t off)
{
    return !a->used[off] && !a->reserved[off];
}

/* The first free offset scanning [lo, hi) from a random start, wrapping; or UINT32_MAX. */
static uint32_t scan(cube_alloc_t *a, uint32_t lo, uint32_t hi)
{
    if (hi <= lo)
        return UINT32_MAX;
    uint32_t n = hi - lo, start = (uint32_t)(next_rand(a) % n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t off = lo + (start + i) % n;
        if (is_free(a, off))
            return off;
    }
    return UINT32_MAX;
}

int cube_alloc_next(cube_alloc_t *a, const char *owner, uint32_t *ret)
{
    pthread_mutex_lock(&a->lock);
    expire(a);
    uint32_t off = scan(a, a->band, a->size);
    if (off == UINT32_MAX)
        off = scan(a, 0, a->band);
    if (off != UINT32_MAX) {
        reserve(a, off, owner);
        *ret = a->first + off;
    }
    pthread_mutex_unlock(&a->lock);
    return off == UINT32_MAX ? -1 : 0;
}

int cube_alloc_take(cube_alloc_t *a, uint32_t v, const char *owner)
{
    if (v < a->first || v - a->first >= a->size)
        return -2;
    uint32_t off = v - a->first;
    int rc = 0;
    pthread_mutex_lock(&a->lock);
    expire(a);
    if (a->used[off]) {
        rc = -1;
    } else if (a->reserved[off]) {
        rc = -1;
        for (size_t i = 0; i < a->nres; i++)
            if (a->res[i].off == off && !strcmp(a->res[i].owner, owner)) {
                /* the same owner asking again (a retried request) */
                a->res[i].deadline_ns = cube_time_mono_ns() + a->hold_ns;
                rc = 0;
                break;
            }
    } else {
        reserve(a, off, owner);
    }
    pthread_mutex_unlock(&a->lock);
    return rc;
}

void cube_alloc_mark(cube_alloc_t *a, uint32_t v, int delta)
{
    if (v < a->first || v - a->first >= a->size)
        return;
    uint32_t off = v - a->first;
    pthread_mutex_lock(&a->lock);
    if (delta > 0) {
        if (a->used[off] < UINT16_MAX)
            a->used[off]++;
        /* a stored Service holds it now: its reservation has done its job */
        for (size_t i = 0; i < a->nres; i++)
            if (a->res[i].off == off) {
                drop_res(a, i);
                break;
            }
    } else if (delta < 0 && a->used[off] > 0 && a->used[off] < UINT16_MAX) {
        a->used[off]--;
    }
    pthread_mutex_unlock(&a->lock);
}

void cube_alloc_release(cube_alloc_t *a, uint32_t v, const char *owner)
{
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->nres; i++)
        if (a->res[i].off == v - a->first && !strcmp(a->res[i].owner, owner)) {
            drop_res(a, i);
            break;
        }
    pthread_mutex_unlock(&a->lock);
}

bool cube_alloc_allocated(cube_alloc_t *a, uint32_t v)
{
    if (v < a->first || v - a->first >= a->size)
        return false;
    pthread_mutex_lock(&a->lock);
    expire(a);
    bool r = !is_free(a, v - a->first);
    pthread_mutex_unlock(&a->lock);
    return r;
}

size_t cube_alloc_count(cube_alloc_t *a)
{
    size_t n = 0;
    pthread_mutex_lock(&a->lock);
    expire(a);
    for (uint32_t i = 0; i < a->size; i++)
        n += !is_free(a, i);
    pthread_mutex_unlock(&a->lock);
    return n;
}

/* ---- ranges from flags ---------------------------------------------------- */

int cube_alloc_parse_cidr(const char *cidr, uint32_t *ret_first, uint32_t *ret_size,
                          cube_err_t *err)
{
    char net[64];
    const char *slash = cidr ? strchr(cidr, '/') : NULL;
    size_t n = slash ? (size_t)(slash - cidr) : 0;
    if (!slash || n >= sizeof(net))
        return cube_err_badrequest(err, "invalid service IP range \"%s\"", cidr ? cidr : "");
    memcpy(net, cidr, n);
    net[n] = 0;
    struct in_addr a;
    char *end;
    long bits = strtol(slash + 1, &end, 10);
    if (inet_pton(AF_INET, net, &a) != 1 || *end || end == slash + 1)
        return cube_err_badrequest(err, "invalid service IP range \"%s\" (IPv4 CIDR expected)",
                                   cidr);
    if (bits < 12 || bits > 30)
        return cube_err_badrequest(err,
                                   "service IP range \"%s\" must have a prefix length between 12 "
                                   "and 30",
                                   cidr);
    uint32_t mask = ~((1u << (32 - bits)) - 1);
    uint32_t base = ntohl(a.s_addr) & mask;
    /* the network and broadcast addresses are never handed out */
    *ret_first = base + 1;
    *ret_size = (1u << (32 - bits)) - 2;
    return 0;
}

int cube_alloc_parse_ports(const char *range, uint32_t *ret_first, uint32_t *ret_size,
                           cube_err_t *err)
{
    char *end;
    const char *s = range ? range : "";
    long lo = strtol(s, &end, 10), hi;
    if (end == s)
        goto bad;
    if (*end == '-') {
        const char *h = end + 1;
        hi = strtol(h, &end, 10);
        if (end == h)
            goto bad;
    } else if (*end == '+') {
        const char *h = end + 1;
        long span = strtol(h, &end, 10);
        if (end == h)
            goto bad;
        hi = lo + span;
    } else {
        hi = lo;
    }
    if (*end || lo < 1 || hi > 65535 || hi < lo)
        goto bad;
    *ret_first = (uint32_t)lo;
    *ret_size = (uint32_t)(hi - lo + 1);
    return 0;
bad:
    return cube_err_badrequest(err, "invalid port range \"%s\" (expected e.g. 30000-32767)", s);
}

/* The upper band dynamic values come from first (KEP-3070, KEP-3668): size/step clamped. */
static uint32_t band_of(uint32_t size, uint32_t step, uint32_t max)
{
    uint32_t b = size / step;
    if (b < 16)
        b = 16;
    if (b > max)
        b = max;
    return b < size ? b : 0;
}

/* ---- Services ------------------------------------------------------------ */

struct cube_svc_alloc {
    cube_store_t *store;
    cube_alloc_t *ips, *ports;
    char *cidr; /* as given, for messages */
    char *port_range; /* "30000-32767" */
    cube_store_watch_t *watch;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int64_t rev; /* store revision the used sets reflect */
};

static bool parse_ip(const char *s, uint32_t *ret)
{
    struct in_addr a;
    if (!s || inet_pton(AF_INET, s, &a) != 1)
        return false;
    *ret = ntohl(a.s_addr);
    return true;
}

static void format_ip(uint32_t v, char out[INET_ADDRSTRLEN])
{
    struct in_addr a = {.s_addr = htonl(v)};
    inet_ntop(AF_INET, &a, out, INET_ADDRSTRLEN);
}

static const char *svc_type(const json_t *spec)
{
    const char *t = cube_json_str(spec, "type", NULL);
    return t && *t ? t : "ClusterIP";
}

static bool wants_node_ports(const json_t *spec)
{
    const char *t = svc_type(spec);
    if (!strcmp(t, "NodePort"))
        return true;
    if (!strcmp(t, "LoadBalancer"))
        return !json_is_false(json_object_get(spec, "allocateLoadBalancerNodePorts"));
    return false;
}

static bool needs_health_check(const json_t *spec)
{
    const char *p = cube_json_str(spec, "externalTrafficPolicy", NULL);
    return !strcmp(svc_type(spec), "LoadBalancer") && p && !strcmp(p, "Local");
}

/* Calls fn for every cluster IP and node port a stored Service holds. */
static void svc_values(cube_svc_alloc_t *s, const json_t *svc, int delta)
{
    const json_t *spec = json_object_get(svc, "spec");
    if (!json_is_object(spec) || !strcmp(svc_type(spec), "ExternalName"))
        return;
    const json_t *ips = json_object_get(spec, "clusterIPs");
    size_t i;
    json_t *v;
    uint32_t ip;
    if (json_array_size(ips)) {
        json_array_foreach(ips, i, v) if (parse_ip(json_string_value(v), &ip))
            cube_alloc_mark(s->ips, ip, delta);
    } else if (parse_ip(cube_json_str(spec, "clusterIP", NULL), &ip)) {
        cube_alloc_mark(s->ips, ip, delta);
    }
    /* one node port may serve several protocols of one port: count it once */
    json_int_t seen[64];
    size_t nseen = 0;
    json_array_foreach(json_object_get(spec, "ports"), i, v)
    {
        json_int_t np = json_integer_value(json_object_get(v, "nodePort"));
        if (np <= 0)
            continue;
        bool dup = false;
        for (size_t j = 0; j < nseen; j++)
            dup |= seen[j] == np;
        if (dup)
            continue;
        if (nseen < CUBE_ARRAY_SIZE(seen))
            seen[nseen++] = np;
        cube_alloc_mark(s->ports, (uint32_t)np, delta);
    }
    json_int_t hc = json_integer_value(json_object_get(spec, "healthCheckNodePort"));
    if (hc > 0)
        cube_alloc_mark(s->ports, (uint32_t)hc, delta);
}

static void kv_values(cube_svc_alloc_t *s, const cube_store_kv_t *kv, int delta)
{
    if (!kv || !kv->value)
        return;
    json_auto_t *j = json_loadb(kv->value->data, kv->value->len, 0, NULL);
    if (j)
        svc_values(s, j, delta);
}

/* On the store's notifier thread: new values count before old ones go, so no value looks free
   in between. */
static bool on_event(const cube_store_event_t *ev, void *userdata)
{
    cube_svc_alloc_t *s = userdata;
    if (ev->type == CUBE_STORE_PUT)
        kv_values(s, ev->kv, +1);
    kv_values(s, ev->prev_kv, -1);
    pthread_mutex_lock(&s->lock);
    if (ev->kv->mod_revision > s->rev)
        s->rev = ev->kv->mod_revision;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    return true;
}

#define SVC_PREFIX "/registry/core/services/"

int cube_svc_alloc_new(cube_store_t *store, const char *cidr, const char *port_range, int hold_ms,
                       cube_svc_alloc_t **ret, cube_err_t *err)
{
    uint32_t ip_first, ip_size, port_first, port_size;
    if (cube_alloc_parse_cidr(cidr, &ip_first, &ip_size, err) < 0 ||
        cube_alloc_parse_ports(port_range, &port_first, &port_size, err) < 0)
        return -1;
    cube_svc_alloc_t *s = xcalloc(1, sizeof(*s));
    s->store = store;
    s->ips = cube_alloc_new(ip_first, ip_size, band_of(ip_size, 16, 256), hold_ms);
    s->ports = cube_alloc_new(port_first, port_size, band_of(port_size, 32, 128), hold_ms);
    s->cidr = xstrdup(cidr);
    s->port_range = xasprintf("%u-%u", port_first, port_first + port_size - 1);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    /* the first IP belongs to the `kubernetes` Service, whether it exists yet or not */
    cube_alloc_mark(s->ips, ip_first, +1);

    cube_store_kv_t **kvs = NULL;
    size_t n = 0;
    bool more = false;
    int64_t rev = 0;
    if (cube_store_range(store, SVC_PREFIX, "/registry/core/services0", 0, 0, &kvs, &n, &more, &rev,
                         err) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++)
        kv_values(s, kvs[i], +1);
    cube_store_kvs_free(kvs, n);
    s->rev = rev;
    if (cube_store_watch(store, SVC_PREFIX, rev, on_event, s, &s->watch, err) < 0)
        goto fail;
    *ret = s;
    return 0;
fail:
    cube_svc_alloc_free(s);
    return -1;
}

void cube_svc_alloc_free(cube_svc_alloc_t *s)
{
    if (!s)
        return;
    cube_store_watch_cancel(s->watch);
    cube_alloc_free(s->ips);
    cube_alloc_free(s->ports);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(s->cidr);
    free(s->port_range);
    free(s);
}

char *cube_svc_alloc_first_ip(const cube_svc_alloc_t *s)
{
    char out[INET_ADDRSTRLEN];
    format_ip(s->ips->first, out);
    return xstrdup(out);
}

/* Waits (briefly) until the used sets reflect every committed write: a Service deleted a moment
   ago must not hold its values any more. */
static void catch_up(cube_svc_alloc_t *s)
{
    int64_t want = cube_store_revision(s->store);
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += 2;
    pthread_mutex_lock(&s->lock);
    while (s->rev < want)
        if (pthread_cond_timedwait(&s->cond, &s->lock, &dl) != 0)
            break;
    pthread_mutex_unlock(&s->lock);
}

/* Takes an explicit value, catching up with the watch once if it looks taken. */
static int take(cube_svc_alloc_t *s, cube_alloc_t *a, uint32_t v, const char *owner)
{
    int rc = cube_alloc_take(a, v, owner);
    if (rc == -1) {
        catch_up(s);
        rc = cube_alloc_take(a, v, owner);
    }
    return rc;
}

/* What one admission reserved, given back when a later step of it fails. */
typedef struct taken {
    uint32_t ips[2], ports[64];
    size_t nips, nports;
} taken_t;

static void give_back(cube_svc_alloc_t *s, const taken_t *t, const char *owner)
{
    for (size_t i = 0; i < t->nips; i++)
        cube_alloc_release(s->ips, t->ips[i], owner);
    for (size_t i = 0; i < t->nports; i++)
        cube_alloc_release(s->ports, t->ports[i], owner);
}

static int invalid(cube_err_t *err, const char *name, const char *field, const json_t *value,
                   const char *detail)
{
    const cube_resource_t *r = cube_api_resource_find("", "v1", "services");
    cube_field_errors_t *fe = cube_field_errors_new();
    cube_field_invalid(fe, field, value, detail);
    int rc = cube_field_errors_to_err(fe, r, name, err);
    cube_field_errors_free(fe);
    return rc;
}

static int alloc_cluster_ip(cube_svc_alloc_t *s, json_t *spec, const char *name, const char *owner,
                            taken_t *t, cube_err_t *err)
{
    const char *cip = cube_json_str(spec, "clusterIP", NULL);
    json_t *ips = json_object_get(spec, "clusterIPs");
    if ((!cip || !*cip) && json_array_size(ips)) {
        cip = json_string_value(json_array_get(ips, 0));
        if (cip && *cip)
            json_object_set_new(spec, "clusterIP", json_string(cip));
        cip = cube_json_str(spec, "clusterIP", NULL);
    }
    if (cip && !strcmp(cip, "None")) {
        json_object_set_new(spec, "clusterIPs", json_pack("[s]", "None"));
        return 0;
    }
    char out[INET_ADDRSTRLEN];
    uint32_t ip;
    if (!cip || !*cip) {
        if (cube_alloc_next(s->ips, owner, &ip) < 0)
            return cube_err_internal(err, "failed to allocate a serviceIP: range is full");
        t->ips[t->nips++] = ip;
        format_ip(ip, out);
        json_object_set_new(spec, "clusterIP", json_string(out));
        json_object_set_new(spec, "clusterIPs", json_pack("[s]", out));
        return 0;
    }
    if (!parse_ip(cip, &ip))
        return 0; /* validation words it */
    format_ip(ip, out);
    if (!json_array_size(ips))
        json_object_set_new(spec, "clusterIPs", json_pack("[s]", cip));
    int rc = take(s, s->ips, ip, owner);
    if (rc == 0) {
        t->ips[t->nips++] = ip;
        return 0;
    }
    _cleanup_free_ char *detail =
        rc == -2 ? xasprintf("failed to allocate IP %s: provided IP is not in the valid range. "
                             "The range of valid IPs is %s",
                             cip, s->cidr)
                 : xasprintf("failed to allocate IP %s: provided IP is already allocated", cip);
    return invalid(err, name, "spec.clusterIPs", json_object_get(spec, "clusterIPs"), detail);
}

static bool in_list(const json_int_t *l, size_t n, json_int_t v)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] == v)
            return true;
    return false;
}

/* Node ports of old (NULL: none) for the update rules: kept values need no new allocation. */
static size_t old_ports(const json_t *old, json_int_t *out, size_t cap)
{
    const json_t *ospec = json_object_get(old, "spec");
    size_t n = 0, i;
    json_t *p;
    json_array_foreach(json_object_get(ospec, "ports"), i, p)
    {
        json_int_t np = json_integer_value(json_object_get(p, "nodePort"));
        if (np > 0 && n < cap)
            out[n++] = np;
    }
    json_int_t hc = json_integer_value(json_object_get(ospec, "healthCheckNodePort"));
    if (hc > 0 && n < cap)
        out[n++] = hc;
    return n;
}

static int port_error(cube_svc_alloc_t *s, cube_err_t *err, const char *name, const char *field,
                      json_int_t np, int rc)
{
    json_auto_t *v = json_integer(np);
    _cleanup_free_ char *detail =
        rc == -2 ? xasprintf("provided port is not in the valid range. The range of valid ports "
                             "is %s",
                             s->port_range)
                 : xstrdup("provided port is already allocated");
    return invalid(err, name, field, v, detail);
}

static int alloc_node_ports(cube_svc_alloc_t *s, json_t *spec, const json_t *old, const char *name,
                            const char *owner, taken_t *t, cube_err_t *err)
{
    json_int_t kept[66];
    size_t nkept = old_ports(old, kept, CUBE_ARRAY_SIZE(kept));
    bool want = wants_node_ports(spec);
    json_t *ports = json_object_get(spec, "ports");
    size_t i;
    json_t *p;
    /* explicit values first, so that a dynamic one never takes a port asked for later */
    json_array_foreach(ports, i, p)
    {
        json_int_t np = json_integer_value(json_object_get(p, "nodePort"));
        if (np <= 0 || in_list(kept, nkept, np))
            continue;
        bool mine = false;
        for (size_t j = 0; j < t->nports; j++)
            mine |= t->ports[j] == (uint32_t)np;
        if (mine) /* a second protocol of the same port */
            continue;
        int rc = take(s, s->ports, (uint32_t)np, owner);
        if (rc < 0) {
            char field[64];
            snprintf(field, sizeof(field), "spec.ports[%zu].nodePort", i);
            return port_error(s, err, name, field, np, rc);
        }
        if (t->nports < CUBE_ARRAY_SIZE(t->ports))
            t->ports[t->nports++] = (uint32_t)np;
    }
    if (want) {
        json_array_foreach(ports, i, p)
        {
            json_int_t np = json_integer_value(json_object_get(p, "nodePort"));
            if (np > 0)
                continue;
            /* the same port number under another protocol shares its node port */
            json_int_t port = json_integer_value(json_object_get(p, "port"));
            size_t j;
            json_t *q;
            json_array_foreach(ports, j, q)
            {
                json_int_t qn = json_integer_value(json_object_get(q, "nodePort"));
                if (j != i && qn > 0 && json_integer_value(json_object_get(q, "port")) == port) {
                    np = qn;
                    break;
                }
            }
            if (np <= 0) {
                uint32_t v;
                if (cube_alloc_next(s->ports, owner, &v) < 0)
                    return cube_err_internal(err, "failed to allocate a nodePort: range is full");
                if (t->nports < CUBE_ARRAY_SIZE(t->ports))
                    t->ports[t->nports++] = v;
                np = v;
            }
            json_object_set_new(p, "nodePort", json_integer(np));
        }
    }
    if (needs_health_check(spec)) {
        json_int_t hc = json_integer_value(json_object_get(spec, "healthCheckNodePort"));
        if (hc > 0 && !in_list(kept, nkept, hc)) {
            int rc = take(s, s->ports, (uint32_t)hc, owner);
            if (rc < 0)
                return cube_err_internal(err,
                                         "failed to allocate requested HealthCheck NodePort %lld: "
                                         "%s",
                                         (long long)hc,
                                         rc == -2 ? "provided port is not in the valid range"
                                                  : "provided port is already allocated");
            if (t->nports < CUBE_ARRAY_SIZE(t->ports))
                t->ports[t->nports++] = (uint32_t)hc;
        } else if (hc <= 0) {
            uint32_t v;
            if (cube_alloc_next(s->ports, owner, &v) < 0)
                return cube_err_internal(err, "failed to allocate a HealthCheck NodePort");
            if (t->nports < CUBE_ARRAY_SIZE(t->ports))
                t->ports[t->nports++] = v;
            json_object_set_new(spec, "healthCheckNodePort", json_integer(v));
        }
    }
    return 0;
}

int cube_svc_alloc_admit(cube_svc_alloc_t *s, json_t *svc, const json_t *old, cube_err_t *err)
{
    json_t *spec = json_object_get(svc, "spec");
    if (!json_is_object(spec))
        return 0;
    const char *ns = cube_json_str(svc, "metadata", "namespace", NULL);
    const char *name = cube_json_str(svc, "metadata", "name", NULL);
    _cleanup_free_ char *owner = xasprintf("%s/%s", ns ? ns : "", name ? name : "");
    bool ext = !strcmp(svc_type(spec), "ExternalName");
    const json_t *ospec = json_object_get(old, "spec");
    taken_t t = {0};
    const char *ncip = cube_json_str(spec, "clusterIP", NULL);
    const char *ocip = cube_json_str(ospec, "clusterIP", NULL);
    if (old && ncip && *ncip && ocip && strcmp(ncip, ocip) &&
        json_equal(json_object_get(spec, "clusterIPs"), json_object_get(ospec, "clusterIPs")))
        /* only the singular field changed: the plural follows it (and validation refuses the
           change with the value asked for) */
        json_object_set_new(spec, "clusterIPs", json_pack("[s]", ncip));
    if (!ext) {
        /* a create, or an ExternalName turning into a type with a cluster IP */
        bool had_ip = old && strcmp(svc_type(ospec), "ExternalName") &&
                      cube_json_str(ospec, "clusterIP", NULL) &&
                      *cube_json_str(ospec, "clusterIP", NULL);
        if (!had_ip && alloc_cluster_ip(s, spec, name ? name : "", owner, &t, err) < 0)
            goto fail;
    }
    if (alloc_node_ports(s, spec, old, name ? name : "", owner, &t, err) < 0)
        goto fail;
    return 0;
fail:
    give_back(s, &t, owner);
    return -1;
}
