/*
 * netpol: the running NetworkPolicy enforcer. Informers keep
 * NetworkPolicies, Pods and Namespaces; one loop turns them into chains and
 * ipsets (rules.c) and applies them: `ipset restore -exist` first (new sets),
 * then one `iptables-restore --noflush` rewriting our chains, then the
 * destruction of sets nothing refers to any more. Syncs are coalesced (a
 * burst of events is one sync, at least min_sync_interval_ms apart) and
 * skipped when the rendered rules did not change; every sync_period_sec a full
 * sync also removes stray chains and sets and puts the FORWARD jump back in
 * first place (ahead of the proxy's and CNI's ACCEPT rules).
 */
#include "netpol/netpol.h"

#include "client/client.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>

extern char **environ;

#define JUMP_COMMENT "cube network policies"
/* How often the FORWARD jump is checked to still come first. */
#define JUMP_CHECK_NS 3000000000ull

/* ---- running the tools -------------------------------------------------- */

/* Runs argv (PATH lookup) with `in` on stdin; returns its exit status (or -1 with err when it
 * could not start); stdout and stderr together go to *ret_out when not NULL. */
static int run_cmd(char *const argv[], const char *in, char **ret_out, cube_err_t *err)
{
    _cleanup_close_ int mfd = memfd_create("netpol-stdin", MFD_CLOEXEC);
    if (mfd < 0)
        return cube_err_errno(err, errno, "memfd_create");
    size_t in_len = in ? strlen(in) : 0;
    for (size_t off = 0; off < in_len;) {
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
    if (ret_out) {
        *ret_out = cube_buf_steal(&out, NULL);
        if (!*ret_out)
            *ret_out = xstrdup("");
    } else {
        cube_buf_clear(&out);
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Runs argv and fails (err: the tool's output) unless it exits with 0. */
static int run_ok(char *const argv[], const char *in, cube_err_t *err)
{
    _cleanup_free_ char *out = NULL;
    int rc = run_cmd(argv, in, &out, err);
    if (rc < 0)
        return -1;
    if (rc != 0) {
        size_t n = strlen(out);
        while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
            out[--n] = '\0';
        return cube_err_internal(err, "%s %s exited with %d: %s", argv[0], argv[1], rc, out);
    }
    return 0;
}

typedef struct tools {
    const char *iptables, *restore, *save, *ipset;
} tools_t;

static tools_t tools_of(const cube_netpol_config_t *cfg)
{
    return (tools_t){
        .iptables = cfg->iptables ? cfg->iptables : "iptables",
        .restore = cfg->iptables_restore ? cfg->iptables_restore : "iptables-restore",
        .save = cfg->iptables_save ? cfg->iptables_save : "iptables-save",
        .ipset = cfg->ipset ? cfg->ipset : "ipset",
    };
}

typedef struct strv {
    char **v;
    size_t n, cap;
} strv_t;

static void strv_push(strv_t *s, char *owned)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc(s->v, s->cap * sizeof(char *));
    }
    s->v[s->n++] = owned;
}

static void strv_clear(strv_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    *s = (strv_t){0};
}

/* Owned chains present in the filter table now. */
static int existing_chains(const tools_t *t, strv_t *ret, cube_err_t *err)
{
    char *argv[] = {(char *)t->save, "-t", "filter", NULL};
    _cleanup_free_ char *out = NULL;
    int rc = run_cmd(argv, NULL, &out, err);
    if (rc < 0)
        return -1;
    if (rc != 0)
        return cube_err_internal(err, "%s -t filter exited with %d", t->save, rc);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, ":" CUBE_NETPOL_CHAIN_PREFIX, strlen(CUBE_NETPOL_CHAIN_PREFIX) + 1))
            continue;
        char *sp = strchr(line, ' ');
        if (sp)
            *sp = '\0';
        strv_push(ret, xstrdup(line + 1));
    }
    return 0;
}

/* Owned ipsets present now. */
static int existing_sets(const tools_t *t, strv_t *ret, cube_err_t *err)
{
    char *argv[] = {(char *)t->ipset, "list", "-n", NULL};
    _cleanup_free_ char *out = NULL;
    int rc = run_cmd(argv, NULL, &out, err);
    if (rc < 0)
        return -1;
    if (rc != 0)
        return cube_err_internal(err, "%s list -n exited with %d: %s", t->ipset, rc, out);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
        if (!strncmp(line, CUBE_NETPOL_SET_PREFIX, strlen(CUBE_NETPOL_SET_PREFIX)))
            strv_push(ret, xstrdup(line));
    return 0;
}

/* Destroys the sets of `sets` that keep does not have; the ones the kernel still holds (a rule
 * just removed releases its set a moment later) go to retry when it is not NULL. */
static void destroy_sets(const tools_t *t, const strv_t *sets, const cube_netpol_ruleset_t *keep,
                         strv_t *retry)
{
    for (size_t i = 0; i < sets->n; i++) {
        if (keep && cube_netpol_ruleset_set(keep, sets->v[i]))
            continue;
        char *argv[] = {(char *)t->ipset, "destroy", sets->v[i], NULL};
        _cleanup_free_ char *out = NULL;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        int rc = run_cmd(argv, NULL, &out, &err);
        if (rc == 0 || (out && strstr(out, "does not exist")))
            continue;
        cube_log_v(2, "destroying ipset %s: %s", sets->v[i], rc < 0 ? err.msg : out);
        if (retry)
            strv_push(retry, xstrdup(sets->v[i]));
    }
}

/* op: "-C", "-D" or "-I" (first). Returns the tool's exit status. */
static int jump_cmd(const tools_t *t, const char *op, cube_err_t *err)
{
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)t->iptables;
    argv[n++] = "-w";
    argv[n++] = "-t";
    argv[n++] = "filter";
    argv[n++] = (char *)op;
    argv[n++] = "FORWARD";
    if (!strcmp(op, "-I"))
        argv[n++] = "1";
    argv[n++] = "-m";
    argv[n++] = "comment";
    argv[n++] = "--comment";
    argv[n++] = JUMP_COMMENT;
    argv[n++] = "-j";
    argv[n++] = CUBE_NETPOL_MAIN_CHAIN;
    argv[n] = NULL;
    return run_cmd(argv, NULL, NULL, err);
}

/* Makes our jump the first rule of FORWARD (other agents insert theirs at the top too). */
static int ensure_jump_first(const tools_t *t, cube_err_t *err)
{
    char *argv[] = {(char *)t->iptables, "-w", "-t", "filter", "-S", "FORWARD", NULL};
    _cleanup_free_ char *out = NULL;
    int rc = run_cmd(argv, NULL, &out, err);
    if (rc < 0)
        return -1;
    if (rc != 0)
        return cube_err_internal(err, "%s -S FORWARD exited with %d: %s", t->iptables, rc, out);
    /* line 1: "-P FORWARD ...", line 2: the first rule */
    char *nl = strchr(out, '\n');
    const char *first = nl ? nl + 1 : "";
    if (strstr(first, "-j " CUBE_NETPOL_MAIN_CHAIN) &&
        (!strchr(first, '\n') || strstr(first, "-j " CUBE_NETPOL_MAIN_CHAIN) < strchr(first, '\n')))
        return 0;
    for (int k = 0; k < 16 && jump_cmd(t, "-D", err) == 0; k++)
        ;
    rc = jump_cmd(t, "-I", err);
    if (rc < 0)
        return -1;
    if (rc != 0)
        return cube_err_internal(err, "%s -I FORWARD 1 -j %s exited with %d", t->iptables,
                                 CUBE_NETPOL_MAIN_CHAIN, rc);
    return 0;
}

int cube_netpol_cleanup(const cube_netpol_config_t *cfg, cube_err_t *err)
{
    tools_t t = tools_of(cfg);
    for (int k = 0; k < 16; k++) {
        int rc = jump_cmd(&t, "-D", err);
        if (rc < 0)
            return -1;
        if (rc != 0)
            break;
    }
    strv_t chains = {0}, sets = {0};
    int ret = existing_chains(&t, &chains, err);
    if (ret == 0 && chains.n > 0) {
        cube_netpol_ruleset_t empty = {0};
        _cleanup_free_ char *text = cube_netpol_render_iptables(&empty, chains.v, chains.n);
        char *argv[] = {(char *)t.restore, "-w", "--noflush", NULL};
        ret = run_ok(argv, text, err);
        if (ret < 0)
            cube_err_prefix(err, "removing the policy chains: ");
    }
    if (ret == 0)
        ret = existing_sets(&t, &sets, err);
    /* a set whose last rule just went is released by the kernel a moment later */
    for (int k = 0; ret == 0 && sets.n > 0 && k < 20; k++) {
        strv_t left = {0};
        destroy_sets(&t, &sets, NULL, &left);
        strv_clear(&sets);
        sets = left;
        if (sets.n > 0)
            usleep(100000);
    }
    strv_clear(&chains);
    strv_clear(&sets);
    return ret;
}

/* ---- the sync loop ------------------------------------------------------ */

typedef struct enforcer {
    const cube_netpol_config_t *cfg;
    tools_t tools;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool dirty;
    cube_informer_t *policies, *pods, *namespaces;
    char *applied; /* the iptables text in place (NULL: unknown) */
    cube_netpol_ruleset_t applied_rs;
    strv_t unused_sets; /* sets no rule uses that the kernel did not let go of yet */
} enforcer_t;

/* Retries the destruction of the sets left over by earlier syncs. */
static void retry_unused_sets(enforcer_t *e)
{
    strv_t left = {0};
    destroy_sets(&e->tools, &e->unused_sets, &e->applied_rs, &left);
    strv_clear(&e->unused_sets);
    e->unused_sets = left;
}

static void mark_dirty(enforcer_t *e)
{
    pthread_mutex_lock(&e->mu);
    e->dirty = true;
    pthread_cond_signal(&e->cond);
    pthread_mutex_unlock(&e->mu);
}

static void on_add(json_t *obj, void *ud)
{
    (void)obj;
    mark_dirty(ud);
}

static void on_update(json_t *old, json_t *obj, void *ud)
{
    if (old != obj)
        mark_dirty(ud);
}

static void on_delete(json_t *obj, void *ud)
{
    (void)obj;
    mark_dirty(ud);
}

static int sync_rules(enforcer_t *e, bool full, cube_err_t *err)
{
    uint64_t t0 = cube_time_mono_ns();
    json_t **pols = NULL, **pods = NULL, **nss = NULL;
    size_t n_pols = cube_informer_list(e->policies, &pols);
    size_t n_pods = cube_informer_list(e->pods, &pods);
    size_t n_nss = cube_informer_list(e->namespaces, &nss);
    const cube_netpol_rules_config_t rc = {.node_name = e->cfg->node_name};
    cube_netpol_ruleset_t cur = {0};
    cube_netpol_rules_build(&rc, pols, n_pols, pods, n_pods, nss, n_nss, &cur);
    cube_json_refs_free(pols, n_pols);
    cube_json_refs_free(pods, n_pods);
    cube_json_refs_free(nss, n_nss);

    strv_t stale = {0}, stale_sets = {0};
    int ret = 0;
    if (full && (existing_chains(&e->tools, &stale, err) < 0 ||
                 existing_sets(&e->tools, &stale_sets, err) < 0))
        ret = -1;
    /* between full syncs, the chains to delete are the applied ones that cur lacks */
    for (size_t i = 0; !full && i < e->applied_rs.n_chains; i++)
        strv_push(&stale, xstrdup(e->applied_rs.chains[i].name));
    char *text = ret == 0 ? cube_netpol_render_iptables(&cur, stale.v, stale.n) : NULL;
    bool same = ret == 0 && !full && e->applied && !strcmp(text, e->applied);
    if (ret == 0 && !same) {
        _cleanup_free_ char *sets = cube_netpol_render_ipset(&cur);
        char *ipset_argv[] = {(char *)e->tools.ipset, "restore", "-exist", NULL};
        char *restore_argv[] = {(char *)e->tools.restore, "-w", "--noflush", NULL};
        if (*sets)
            ret = run_ok(ipset_argv, sets, err);
        if (ret == 0)
            ret = run_ok(restore_argv, text, err);
        if (ret == 0 && full)
            ret = ensure_jump_first(&e->tools, err);
        if (ret == 0) {
            /* sets no chain refers to any more */
            if (full) {
                destroy_sets(&e->tools, &stale_sets, &cur, &e->unused_sets);
            } else {
                strv_t old = {0};
                for (size_t i = 0; i < e->applied_rs.n_sets; i++)
                    strv_push(&old, xstrdup(e->applied_rs.sets[i].name));
                destroy_sets(&e->tools, &old, &cur, &e->unused_sets);
                strv_clear(&old);
            }
        }
    }
    strv_clear(&stale);
    strv_clear(&stale_sets);
    if (ret < 0) {
        free(text);
        cube_netpol_ruleset_clear(&cur);
        return -1;
    }
    uint64_t t1 = cube_time_mono_ns();
    if (full)
        cube_log_info("full sync: %zu policies, %zu pods, %zu chains, %zu ipsets in %.1f ms",
                      n_pols, n_pods, cur.n_chains, cur.n_sets, (double)(t1 - t0) / 1e6);
    else if (!same)
        cube_log_v(1, "sync: %zu chains, %zu ipsets applied in %.1f ms", cur.n_chains, cur.n_sets,
                   (double)(t1 - t0) / 1e6);
    free(e->applied);
    e->applied = text;
    cube_netpol_ruleset_clear(&e->applied_rs);
    e->applied_rs = cur;
    return 0;
}

int cube_netpol_run(const cube_netpol_config_t *cfg, const atomic_bool *stop, cube_err_t *err)
{
    if (!cfg->node_name || !*cfg->node_name)
        return cube_err_badrequest(err, "the node name (--hostname-override) is required");
    cube_client_t *client = NULL;
    _cleanup_free_ char *ua = xasprintf("cube-network-policy/%s", CUBE_GIT_VERSION);
    if (cube_client_from_kubeconfig(cfg->kubeconfig, ua, &client, err) < 0)
        return -1;
    enforcer_t e = {.cfg = cfg, .tools = tools_of(cfg)};
    pthread_mutex_init(&e.mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&e.cond, &ca);
    pthread_condattr_destroy(&ca);

    cube_informers_t *inf = cube_informers_new(client, 0);
    e.policies = cube_informers_get(
        inf, cube_api_resource_find("networking.k8s.io", "v1", "networkpolicies"), NULL);
    /* every pod: the local ones are enforced, all of them may be peers */
    e.pods = cube_informers_get(inf, cube_api_resource_find("", "v1", "pods"), NULL);
    e.namespaces = cube_informers_get(inf, cube_api_resource_find("", "v1", "namespaces"), NULL);
    const cube_informer_handlers_t h = {on_add, on_update, on_delete, &e};
    cube_informer_add_handlers(e.policies, &h);
    cube_informer_add_handlers(e.pods, &h);
    cube_informer_add_handlers(e.namespaces, &h);
    cube_informers_start(inf);
    while (!atomic_load(stop) && cube_informers_wait_synced(inf, 1000) < 0)
        ;
    uint64_t period_ns =
        (uint64_t)(cfg->sync_period_sec > 0 ? cfg->sync_period_sec : 30) * 1000000000ull;
    uint64_t min_ns =
        (uint64_t)(cfg->min_sync_interval_ms > 0 ? cfg->min_sync_interval_ms : 100) * 1000000ull;
    uint64_t last_sync = 0, last_full = 0, last_retry = 0, last_jump_check = 0;
    bool need_full = true, first = true;
    int failures = 0, ret = 0;
    while (!atomic_load(stop)) {
        uint64_t now = cube_time_mono_ns();
        if (e.unused_sets.n > 0 && now - last_retry >= 500000000ull) {
            last_retry = now;
            retry_unused_sets(&e);
        }
        /* Agents starting after us (kube-proxy, CNI) insert their ACCEPTing jumps at the top
         * of FORWARD too: take the first place back soon, not only at the next full sync. */
        if (!first && now - last_jump_check >= JUMP_CHECK_NS) {
            last_jump_check = now;
            cube_err_t jerr _cleanup_err_ = CUBE_ERR_INIT;
            if (ensure_jump_first(&e.tools, &jerr) < 0)
                cube_log_error("putting the FORWARD jump first: %s", jerr.msg);
        }
        pthread_mutex_lock(&e.mu);
        bool due =
            need_full || now - last_full >= period_ns || (e.dirty && now - last_sync >= min_ns);
        if (!due) {
            uint64_t wake = last_full + period_ns;
            if (e.dirty && last_sync + min_ns < wake)
                wake = last_sync + min_ns;
            if (wake > now + 200000000ull)
                wake = now + 200000000ull; /* look at *stop and unused sets now and then */
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            uint64_t abs_ns =
                (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + (wake - now);
            ts.tv_sec = (time_t)(abs_ns / 1000000000ull);
            ts.tv_nsec = (long)(abs_ns % 1000000000ull);
            pthread_cond_timedwait(&e.cond, &e.mu, &ts);
            pthread_mutex_unlock(&e.mu);
            continue;
        }
        e.dirty = false;
        pthread_mutex_unlock(&e.mu);
        bool full = need_full || now - last_full >= period_ns;
        last_sync = now;
        cube_err_t serr _cleanup_err_ = CUBE_ERR_INIT;
        if (sync_rules(&e, full, &serr) < 0) {
            if (first) {
                cube_err_move(err, &serr);
                cube_err_prefix(err, "first sync: ");
                ret = -1;
                break;
            }
            failures++;
            cube_log_error("sync failed (%d in a row): %s", failures, serr.msg);
            need_full = true;
            uint64_t pause = min_ns << (failures < 6 ? failures : 6);
            while (!atomic_load(stop) && cube_time_mono_ns() - now < pause)
                usleep(20000);
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
    free(e.applied);
    cube_netpol_ruleset_clear(&e.applied_rs);
    strv_clear(&e.unused_sets);
    pthread_cond_destroy(&e.cond);
    pthread_mutex_destroy(&e.mu);
    return ret;
}
