/*
 * proxy: the running service proxy. Informers keep Services and
 * EndpointSlices; one loop turns them into rules (iptables.c) and applies
 * them with a single `iptables-restore --noflush` per sync, as kube-proxy's
 * iptables mode does. Syncs are coalesced (a burst of events is one sync, at
 * most one in flight, at least min_sync_interval_ms apart) and minimal (only
 * chains whose text changed are written); every sync_period_sec a full sync
 * rewrites everything and puts back the jump rules, repairing whatever
 * someone else changed. UDP conntrack entries that point at a removed
 * endpoint are deleted so that clients (DNS above all) fail over at once.
 */
#include "proxy/proxy.h"

#include "client/client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>

extern char **environ;

/* ---- running the iptables tools ----------------------------------------- */

/*
 * Runs argv (looked up in PATH) with `in` as its stdin (NULL: empty) and
 * returns its exit status (or -1 with err when it could not start); its
 * stdout and stderr together go to *ret_out when ret_out is not NULL.
 */
static int run_cmd(char *const argv[], const char *in, size_t in_len, char **ret_out,
                   cube_err_t *err)
{
    _cleanup_close_ int mfd = memfd_create("proxy-stdin", MFD_CLOEXEC);
    if (mfd < 0)
        return cube_err_errno(err, errno, "memfd_create");
    for (size_t off = 0; in && off < in_len;) {
        ssize_t w = write(mfd, in + off, in_len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return cube_err_errno(err, errno, "writing %s input", argv[0]);
        off += (size_t)w;
    }
    lseek(mfd, 0, SEEK_SET);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return cube_err_errno(err, errno, "pipe");
    _cleanup_close_ int rd = p[0];
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, mfd, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0)
        return cube_err_errno(err, rc, "running %s", argv[0]);
    cube_buf_t out = CUBE_BUF_INIT;
    char chunk[16384];
    for (;;) {
        ssize_t r = read(rd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        cube_buf_append(&out, chunk, (size_t)r);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (ret_out)
        *ret_out = cube_buf_steal(&out, NULL);
    else
        cube_buf_clear(&out);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

typedef struct tools {
    const char *iptables, *restore, *save, *conntrack, *nft;
    bool nftables; /* the nftables mode */
} tools_t;

static tools_t tools_of(const cube_proxy_config_t *cfg)
{
    return (tools_t){
        .iptables = cfg->iptables ? cfg->iptables : "iptables",
        .restore = cfg->iptables_restore ? cfg->iptables_restore : "iptables-restore",
        .save = cfg->iptables_save ? cfg->iptables_save : "iptables-save",
        .conntrack = cfg->conntrack ? cfg->conntrack : "conntrack",
        .nft = cfg->nft ? cfg->nft : "nft",
    };
}

/* The mode: cfg->mode, else $CUBE_PROXY_MODE, else iptables. Unknown names are refused. */
static int mode_of(const cube_proxy_config_t *cfg, bool *nftables, cube_err_t *err)
{
    const char *m = cfg->mode && *cfg->mode ? cfg->mode : getenv("CUBE_PROXY_MODE");
    if (!m || !*m || !strcmp(m, "iptables")) {
        *nftables = false;
        return 0;
    }
    if (!strcmp(m, "nftables")) {
        *nftables = true;
        return 0;
    }
    return cube_err_badrequest(err, "unknown proxy mode \"%s\" (iptables, nftables)", m);
}

/* Applies an `nft -f` transaction. */
static int nft_apply(const tools_t *t, const char *text, cube_err_t *err)
{
    char *argv[] = {(char *)t->nft, "-f", "/dev/stdin", NULL};
    _cleanup_free_ char *out = NULL;
    int rc = run_cmd(argv, text, strlen(text), &out, err);
    if (rc < 0)
        return -1;
    if (rc != 0) {
        size_t n = strlen(out);
        if (n > 2000)
            out[n = 2000] = '\0';
        while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
            out[--n] = '\0';
        return cube_err_internal(err, "%s -f exited with %d: %s", t->nft, rc, out);
    }
    return 0;
}

static int restore(const tools_t *t, const char *text, cube_err_t *err)
{
    char *argv[] = {(char *)t->restore, "-w", "--noflush", "--counters", NULL};
    _cleanup_free_ char *out = NULL;
    int rc = run_cmd(argv, text, strlen(text), &out, err);
    if (rc < 0)
        return -1;
    if (rc != 0) {
        size_t n = strlen(out);
        while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
            out[--n] = '\0';
        return cube_err_internal(err, "%s exited with %d: %s", t->restore, rc, out);
    }
    return 0;
}

/* ---- jump rules from the built-in chains -------------------------------- */

typedef struct jump {
    const char *table, *from, *to, *comment;
    bool new_only; /* -m conntrack --ctstate NEW */
} jump_t;

static const jump_t jumps[] = {
    {"filter", "INPUT", "KUBE-EXTERNAL-SERVICES", "kubernetes externally-visible service portals",
     true},
    {"filter", "FORWARD", "KUBE-EXTERNAL-SERVICES", "kubernetes externally-visible service portals",
     true},
    {"filter", "INPUT", "KUBE-NODEPORTS", "kubernetes health check service ports", false},
    {"filter", "FORWARD", "KUBE-SERVICES", "kubernetes service portals", true},
    {"filter", "OUTPUT", "KUBE-SERVICES", "kubernetes service portals", true},
    {"filter", "FORWARD", "KUBE-FORWARD", "kubernetes forwarding rules", false},
    {"filter", "INPUT", "KUBE-PROXY-FIREWALL", "kubernetes load balancer firewall", true},
    {"filter", "OUTPUT", "KUBE-PROXY-FIREWALL", "kubernetes load balancer firewall", true},
    {"filter", "FORWARD", "KUBE-PROXY-FIREWALL", "kubernetes load balancer firewall", true},
    {"nat", "OUTPUT", "KUBE-SERVICES", "kubernetes service portals", false},
    {"nat", "PREROUTING", "KUBE-SERVICES", "kubernetes service portals", false},
    {"nat", "POSTROUTING", "KUBE-POSTROUTING", "kubernetes postrouting rules", false},
};

/* op: "-C", "-I" (at the top), "-D". Returns the tool's exit status. */
static int jump_cmd(const tools_t *t, const jump_t *j, const char *op, cube_err_t *err)
{
    char *argv[20];
    int n = 0;
    argv[n++] = (char *)t->iptables;
    argv[n++] = "-w";
    argv[n++] = "-t";
    argv[n++] = (char *)j->table;
    argv[n++] = (char *)op;
    argv[n++] = (char *)j->from;
    if (!strcmp(op, "-I"))
        argv[n++] = "1";
    argv[n++] = "-m";
    argv[n++] = "comment";
    argv[n++] = "--comment";
    argv[n++] = (char *)j->comment;
    if (j->new_only) {
        argv[n++] = "-m";
        argv[n++] = "conntrack";
        argv[n++] = "--ctstate";
        argv[n++] = "NEW";
    }
    argv[n++] = "-j";
    argv[n++] = (char *)j->to;
    argv[n] = NULL;
    return run_cmd(argv, NULL, 0, NULL, err);
}

/* The line iptables-save prints for jump j. Owned. */
static char *jump_line(const jump_t *j)
{
    return xasprintf("-A %s -m comment --comment \"%s\"%s -j %s\n", j->from, j->comment,
                     j->new_only ? " -m conntrack --ctstate NEW" : "", j->to);
}

/* Inserts the jump rules missing from saved[] (the iptables-save text of filter, nat; NULL:
 * unknown, ask iptables -C). */
static int ensure_jumps(const tools_t *t, char *const saved[2], cube_err_t *err)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(jumps); i++) {
        const char *text = saved ? saved[strcmp(jumps[i].table, "filter") ? 1 : 0] : NULL;
        int rc;
        if (text) {
            _cleanup_free_ char *line = jump_line(&jumps[i]);
            rc = strstr(text, line) ? 0 : 1;
        } else {
            rc = jump_cmd(t, &jumps[i], "-C", err);
        }
        if (rc < 0)
            return -1;
        if (rc == 0)
            continue;
        rc = jump_cmd(t, &jumps[i], "-I", err);
        if (rc < 0)
            return -1;
        if (rc != 0)
            return cube_err_internal(err, "%s -t %s -I %s -j %s exited with %d", t->iptables,
                                     jumps[i].table, jumps[i].from, jumps[i].to, rc);
    }
    return 0;
}

/* ---- the chains this proxy owns ----------------------------------------- */

static bool owned_chain(const char *table, const char *name)
{
    static const char *const prefixes[] = {"KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-SEP-",
                                           "KUBE-FW-"};
    static const char *const nat_fixed[] = {"KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING",
                                            "KUBE-MARK-MASQ"};
    static const char *const filter_fixed[] = {"KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES",
                                               "KUBE-NODEPORTS", "KUBE-FORWARD",
                                               "KUBE-PROXY-FIREWALL"};
    if (!strcmp(table, "nat")) {
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(prefixes); i++)
            if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
                return true;
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(nat_fixed); i++)
            if (!strcmp(name, nat_fixed[i]))
                return true;
    } else {
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(filter_fixed); i++)
            if (!strcmp(name, filter_fixed[i]))
                return true;
    }
    return false;
}

/* The owned chains present in the kernel now, as "table/NAME" strings (owned array); when
 * ret_saved is not NULL, also the iptables-save text of filter and nat (owned). */
static int existing_chains(const tools_t *t, char ***ret, size_t *ret_n, char *ret_saved[2],
                           cube_err_t *err)
{
    static const char *const tables[] = {"filter", "nat"};
    char **v = NULL;
    size_t n = 0, cap = 0;
    for (size_t ti = 0; ti < CUBE_ARRAY_SIZE(tables); ti++) {
        char *argv[] = {(char *)t->save, "-t", (char *)tables[ti], NULL};
        _cleanup_free_ char *out = NULL;
        int rc = run_cmd(argv, NULL, 0, &out, err);
        if (rc < 0)
            goto fail;
        if (rc != 0) {
            cube_err_internal(err, "%s -t %s exited with %d", t->save, tables[ti], rc);
            goto fail;
        }
        for (char *line = out; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            if (line[0] == ':') {
                char *sp = strchr(line, ' ');
                if (sp)
                    *sp = '\0';
                if (owned_chain(tables[ti], line + 1)) {
                    if (n == cap) {
                        cap = cap ? cap * 2 : 64;
                        v = xrealloc(v, cap * sizeof(*v));
                    }
                    v[n++] = xasprintf("%s/%s", tables[ti], line + 1);
                }
                if (sp)
                    *sp = ' ';
            }
            if (nl)
                *nl = '\n';
            line = nl ? nl + 1 : NULL;
        }
        if (ret_saved)
            ret_saved[ti] = TAKE_PTR(out);
    }
    *ret = v;
    *ret_n = n;
    return 0;
fail:
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    if (ret_saved) {
        free(ret_saved[0]);
        free(ret_saved[1]);
        ret_saved[0] = ret_saved[1] = NULL;
    }
    return -1;
}

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int cube_proxy_cleanup(const cube_proxy_config_t *cfg, cube_err_t *err)
{
    tools_t t = tools_of(cfg);
    /* The nftables mode's table ("add" first: deleting a missing table fails); no nft binary
     * means that mode never ran. */
    {
        cube_err_t nerr _cleanup_err_ = CUBE_ERR_INIT;
        if (nft_apply(&t, "add table ip kube-proxy\ndelete table ip kube-proxy\n", &nerr) < 0)
            cube_log_v(1, "removing the nftables table: %s", nerr.msg);
    }
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(jumps); i++) {
        /* A rule may have been inserted more than once: delete until none is left. */
        for (int k = 0; k < 16; k++) {
            int rc = jump_cmd(&t, &jumps[i], "-D", err);
            if (rc < 0)
                return -1;
            if (rc != 0)
                break;
        }
    }
    char **chains = NULL;
    size_t n = 0;
    if (existing_chains(&t, &chains, &n, NULL, err) < 0)
        return -1;
    if (n == 0)
        return 0;
    cube_proxy_ruleset_t empty = {0};
    _cleanup_free_ char *text = cube_proxy_ruleset_render(&empty, NULL, chains, n);
    int rc = text ? restore(&t, text, err) : 0;
    strv_free(chains, n);
    if (rc < 0)
        cube_err_prefix(err, "removing the proxy's chains: ");
    return rc;
}

/* ---- conntrack ---------------------------------------------------------- */

static int strp_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_flow(const cube_proxy_ruleset_t *rs, const char *flow)
{
    return rs && bsearch(&flow, rs->udp_flows, rs->n_udp_flows, sizeof(char *), strp_cmp);
}

/* Whether rs has any flow starting with prefix ("addr port "): the flows are sorted. */
static bool has_service(const cube_proxy_ruleset_t *rs, const char *prefix)
{
    size_t lo = 0, hi = rs->n_udp_flows, len = strlen(prefix);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(rs->udp_flows[mid], prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rs->n_udp_flows && !strncmp(rs->udp_flows[lo], prefix, len);
}

static void conntrack_delete(const tools_t *t, const char *flow, bool with_endpoint)
{
    char addr[64], ep[64];
    int port = 0;
    if (sscanf(flow, "%63s %d %63s", addr, &port, ep) != 3)
        return;
    char port_s[16];
    snprintf(port_s, sizeof(port_s), "%d", port);
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)t->conntrack;
    argv[n++] = "-D";
    argv[n++] = "-p";
    argv[n++] = "udp";
    if (strcmp(addr, "*")) {
        argv[n++] = "--orig-dst";
        argv[n++] = addr;
    }
    argv[n++] = "--orig-port-dst";
    argv[n++] = port_s;
    if (with_endpoint) {
        argv[n++] = "--dst-nat";
        argv[n++] = ep;
    }
    argv[n] = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int rc = run_cmd(argv, NULL, 0, NULL, &err);
    /* 1: no entry matched, the common case. */
    if (rc < 0 || rc > 1)
        cube_log_v(2, "conntrack -D for %s: %s", flow, rc < 0 ? err.msg : "failed");
}

/* UDP has no connection to reset: entries still pointing at a removed endpoint, or remembering
 * a REJECT from when the service had none, would keep clients stuck until they expire. */
static void flush_udp(const tools_t *t, const cube_proxy_ruleset_t *prev,
                      const cube_proxy_ruleset_t *cur)
{
    for (size_t i = 0; prev && i < prev->n_udp_flows; i++)
        if (!has_flow(cur, prev->udp_flows[i]))
            conntrack_delete(t, prev->udp_flows[i], true);
    _cleanup_free_ char *last = NULL;
    for (size_t i = 0; prev && i < cur->n_udp_flows; i++) {
        const char *f = cur->udp_flows[i];
        const char *sp = strchr(f, ' ');
        sp = sp ? strchr(sp + 1, ' ') : NULL;
        if (!sp)
            continue;
        char *prefix = xstrndup(f, (size_t)(sp - f + 1));
        if (last && !strcmp(last, prefix)) {
            free(prefix);
            continue;
        }
        free(last);
        last = prefix;
        if (!has_service(prev, prefix))
            conntrack_delete(t, f, false);
    }
}

/* ---- the sync loop ------------------------------------------------------ */

typedef struct proxy {
    const cube_proxy_config_t *cfg;
    tools_t tools;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool dirty;
    uint64_t dirty_since_ns; /* the first event not yet synced */
    cube_informer_t *services, *slices;
    cube_proxy_ruleset_t applied; /* what the kernel holds (valid when have_applied) */
    bool have_applied;
} proxy_t;

static void mark_dirty(proxy_t *p)
{
    pthread_mutex_lock(&p->mu);
    if (!p->dirty)
        p->dirty_since_ns = cube_time_mono_ns();
    p->dirty = true;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->mu);
}

static void on_add(json_t *obj, void *ud)
{
    (void)obj;
    mark_dirty(ud);
}

static void on_update(json_t *old, json_t *obj, void *ud)
{
    (void)obj;
    /* A periodic resync hands the same object twice: nothing changed. */
    if (old != obj)
        mark_dirty(ud);
}

static void on_delete(json_t *obj, void *ud)
{
    (void)obj;
    mark_dirty(ud);
}

/* Whether cur renders to exactly the text of what the kernel was last given (a periodic resync
 * with nothing changed then rewrites nothing). */
static bool same_rules(const proxy_t *p, const cube_proxy_ruleset_t *cur)
{
    if (!p->have_applied)
        return false;
    bool nft = p->tools.nftables;
    _cleanup_free_ char *a =
        nft ? cube_proxy_nft_render(cur, NULL) : cube_proxy_ruleset_render(cur, NULL, NULL, 0);
    _cleanup_free_ char *b = nft ? cube_proxy_nft_render(&p->applied, NULL)
                                 : cube_proxy_ruleset_render(&p->applied, NULL, NULL, 0);
    return a && b && !strcmp(a, b);
}

/* One sync of the nftables mode: the whole table in one transaction (full), or only the chains
 * and maps that changed. A periodic full sync with nothing changed writes nothing. */
static int sync_nft(proxy_t *p, cube_proxy_ruleset_t *cur, bool full, uint64_t since_ns,
                    uint64_t t0, size_t n_svcs, cube_err_t *err)
{
    uint64_t t1 = cube_time_mono_ns();
    _cleanup_free_ char *text = NULL;
    if (!full || !same_rules(p, cur))
        text = cube_proxy_nft_render(cur, full || !p->have_applied ? NULL : &p->applied);
    if (text && nft_apply(&p->tools, text, err) < 0) {
        cube_proxy_ruleset_clear(cur);
        return -1;
    }
    uint64_t t2 = cube_time_mono_ns();
    flush_udp(&p->tools, p->have_applied ? &p->applied : NULL, cur);
    if (full && text)
        cube_log_info("full sync: %zu services, %zu nft chains, built in %.1f ms, applied in "
                      "%.1f ms",
                      n_svcs, cur->n_nat, (double)(t1 - t0) / 1e6, (double)(t2 - t1) / 1e6);
    else if (full)
        cube_log_v(1, "full sync: rules unchanged, nothing rewritten (%.1f ms)",
                   (double)(t2 - t0) / 1e6);
    else if (text)
        cube_log_v(1,
                   "sync: %zu bytes of rules, built in %.1f ms, applied in %.1f ms, %.1f ms "
                   "after the first change",
                   strlen(text), (double)(t1 - t0) / 1e6, (double)(t2 - t1) / 1e6,
                   since_ns ? (double)(t2 - since_ns) / 1e6 : 0.0);
    cube_proxy_ruleset_clear(&p->applied);
    p->applied = *cur;
    p->have_applied = true;
    return 0;
}

/*
 * One sync. full: render every chain, delete owned chains the kernel has that
 * the rules do not (found with iptables-save), and put the jump rules back.
 */
static int sync_rules(proxy_t *p, bool full, uint64_t since_ns, cube_err_t *err)
{
    uint64_t t0 = cube_time_mono_ns();
    json_t **svcs = NULL, **slices = NULL;
    size_t n_svcs = cube_informer_list(p->services, &svcs);
    size_t n_slices = cube_informer_list(p->slices, &slices);
    const cube_proxy_rules_config_t rc = {
        .hostname = p->cfg->hostname,
        .cluster_cidr = p->cfg->cluster_cidr,
        .masquerade_all = p->cfg->masquerade_all,
        .nftables = p->tools.nftables,
    };
    cube_proxy_ruleset_t cur = {0};
    cube_proxy_rules_build(&rc, svcs, n_svcs, slices, n_slices, &cur);
    cube_json_refs_free(svcs, n_svcs);
    cube_json_refs_free(slices, n_slices);
    if (p->tools.nftables)
        return sync_nft(p, &cur, full, since_ns, t0, n_svcs, err);

    /* A periodic full sync whose rules are those already applied rewrites nothing: it only
     * puts back jump rules someone removed (iptables -C, cheap). */
    if (full && same_rules(p, &cur)) {
        int r = ensure_jumps(&p->tools, NULL, err);
        cube_log_v(1, "full sync: rules unchanged, nothing rewritten (%.1f ms)",
                   (double)(cube_time_mono_ns() - t0) / 1e6);
        cube_proxy_ruleset_clear(&cur);
        return r;
    }

    char **stale = NULL;
    size_t n_stale = 0;
    char *saved[2] = {NULL, NULL};
    if (full && existing_chains(&p->tools, &stale, &n_stale, saved, err) < 0) {
        cube_proxy_ruleset_clear(&cur);
        return -1;
    }
    uint64_t t1 = cube_time_mono_ns();
    _cleanup_free_ char *text = cube_proxy_ruleset_render(
        &cur, full || !p->have_applied ? NULL : &p->applied, stale, n_stale);
    strv_free(stale, n_stale);
    int ret = text ? restore(&p->tools, text, err) : 0;
    if (ret == 0 && full)
        ret = ensure_jumps(&p->tools, saved, err);
    free(saved[0]);
    free(saved[1]);
    if (ret < 0) {
        cube_proxy_ruleset_clear(&cur);
        return -1;
    }
    uint64_t t2 = cube_time_mono_ns();
    flush_udp(&p->tools, p->have_applied ? &p->applied : NULL, &cur);
    if (full)
        cube_log_info("full sync: %zu services, %zu nat chains, built in %.1f ms, applied in "
                      "%.1f ms",
                      n_svcs, cur.n_nat, (double)(t1 - t0) / 1e6, (double)(t2 - t1) / 1e6);
    else if (text)
        cube_log_v(1,
                   "sync: %zu bytes of rules applied in %.1f ms, %.1f ms after the first "
                   "change",
                   strlen(text), (double)(t2 - t0) / 1e6,
                   since_ns ? (double)(t2 - since_ns) / 1e6 : 0.0);
    cube_proxy_ruleset_clear(&p->applied);
    p->applied = cur;
    p->have_applied = true;
    return 0;
}

int cube_proxy_run(const cube_proxy_config_t *cfg, const atomic_bool *stop, cube_err_t *err)
{
    if (!cfg->hostname || !*cfg->hostname)
        return cube_err_badrequest(err, "the node name (--hostname-override) is required");
    cube_client_t *client = NULL;
    _cleanup_free_ char *ua = xasprintf("cube-proxy/%s", CUBE_GIT_VERSION);
    if (cube_client_from_kubeconfig(cfg->kubeconfig, ua, &client, err) < 0)
        return -1;
    proxy_t p = {.cfg = cfg, .tools = tools_of(cfg)};
    if (mode_of(cfg, &p.tools.nftables, err) < 0) {
        cube_client_free(client);
        return -1;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p.cond, &ca);
    pthread_condattr_destroy(&ca);

    cube_informers_t *inf = cube_informers_new(client, 0);
    p.services = cube_informers_get(inf, cube_api_resource_find("", "v1", "services"), NULL);
    p.slices = cube_informers_get(
        inf, cube_api_resource_find("discovery.k8s.io", "v1", "endpointslices"), NULL);
    const cube_informer_handlers_t h = {on_add, on_update, on_delete, &p};
    cube_informer_add_handlers(p.services, &h);
    cube_informer_add_handlers(p.slices, &h);
    cube_informers_start(inf);
    int ret = 0;
    while (!atomic_load(stop) && cube_informers_wait_synced(inf, 1000) < 0)
        ;
    uint64_t period_ns =
        (uint64_t)(cfg->sync_period_sec > 0 ? cfg->sync_period_sec : 30) * 1000000000ull;
    uint64_t min_ns =
        (uint64_t)(cfg->min_sync_interval_ms > 0 ? cfg->min_sync_interval_ms : 100) * 1000000ull;
    uint64_t last_sync = 0, last_full = 0;
    bool need_full = true, first = true;
    int failures = 0;
    while (!atomic_load(stop)) {
        uint64_t now = cube_time_mono_ns();
        pthread_mutex_lock(&p.mu);
        bool due =
            need_full || now - last_full >= period_ns || (p.dirty && now - last_sync >= min_ns);
        if (!due) {
            /* Sleep until the next event, the coalescing window's end or the period. */
            uint64_t wake = last_full + period_ns;
            if (p.dirty && last_sync + min_ns < wake)
                wake = last_sync + min_ns;
            if (wake > now + 200000000ull)
                wake = now + 200000000ull; /* look at *stop now and then */
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            uint64_t abs_ns =
                (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + (wake - now);
            ts.tv_sec = (time_t)(abs_ns / 1000000000ull);
            ts.tv_nsec = (long)(abs_ns % 1000000000ull);
            pthread_cond_timedwait(&p.cond, &p.mu, &ts);
            pthread_mutex_unlock(&p.mu);
            continue;
        }
        uint64_t since = p.dirty ? p.dirty_since_ns : 0;
        p.dirty = false;
        pthread_mutex_unlock(&p.mu);

        bool full = need_full || now - last_full >= period_ns;
        cube_err_t serr _cleanup_err_ = CUBE_ERR_INIT;
        last_sync = now;
        if (sync_rules(&p, full, since, &serr) < 0) {
            if (first) {
                cube_err_move(err, &serr);
                cube_err_prefix(err, "first sync: ");
                ret = -1;
                break;
            }
            /* Retry from scratch, with a growing pause, without losing the changes. */
            failures++;
            cube_log_error("sync failed (%d in a row): %s", failures, serr.msg);
            need_full = true;
            last_full = now;
            pthread_mutex_lock(&p.mu);
            p.dirty = true;
            pthread_mutex_unlock(&p.mu);
            uint64_t pause = min_ns << (failures < 6 ? failures : 6);
            while (!atomic_load(stop) && cube_time_mono_ns() - now < pause)
                usleep(20000);
            need_full = false; /* the dirty flag brings the retry; the next full is periodic */
            p.have_applied = false; /* so the retry renders everything */
            continue;
        }
        failures = 0;
        first = false;
        if (full) {
            last_full = now;
            need_full = false;
        }
    }
    cube_informers_free(inf);
    cube_client_free(client);
    cube_proxy_ruleset_clear(&p.applied);
    pthread_cond_destroy(&p.cond);
    pthread_mutex_destroy(&p.mu);
    return ret;
}
