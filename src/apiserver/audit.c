/*
 * Audit log (--audit-policy-file, --audit-log-path): Kubernetes' audit.k8s.io/v1 Policy
 * decides, per request, the level (None, Metadata, Request, RequestResponse) from the
 * first rule that matches its user, groups, verb, resources, namespaces or non-resource
 * URL; an Event is written as one JSON line per stage (RequestReceived, then
 * ResponseComplete, or ResponseStarted for a watch) unless the rule or the policy omits
 * that stage. Every request gets an audit ID, also sent as the Audit-Id response header.
 *
 * Lines are queued and written by a thread of their own, so a request never waits for the
 * disk; the file rotates at --audit-log-maxsize megabytes into "<name>-<time>.<ext>" as
 * Kubernetes' log rotation names backups, keeping --audit-log-maxbackup of them.
 */
#include "apiserver/internal.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <pthread.h>
#include <sys/stat.h>

typedef enum { L_NONE, L_METADATA, L_REQUEST, L_REQUEST_RESPONSE } level_t;
static const char *const level_names[] = {"None", "Metadata", "Request", "RequestResponse"};

typedef struct line {
    struct line *next;
    char *text;
} line_t;

struct cube_audit {
    json_t *rules; /* the policy's rules, as written */
    json_t *omit; /* the policy's omitStages */
    bool omit_managed_fields;
    char *path; /* "-": standard output */
    long max_bytes; /* 0: no rotation */
    int max_backups;
    FILE *out;
    long size;
    pthread_t writer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    line_t *head, **tail;
    bool stopping;
};

static bool list_has(const json_t *list, const char *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        const char *s = json_string_value(x);
        if (s && (!strcmp(s, v) || !strcmp(s, "*")))
            return true;
    }
    return false;
}

static level_t level_of(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, level_names[i]))
            return (level_t)i;
    return L_NONE;
}

/* Whether one of a rule's resources entries ({group, resources, resourceNames}) covers the
 * request. */
static bool resources_match(const json_t *entries, const cube_reqctx_t *ctx)
{
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        const char *group = cube_json_str(e, "group", NULL);
        if (group && strcmp(group, ctx->group ? ctx->group : "") && strcmp(group, "*"))
            continue;
        json_t *res = json_object_get(e, "resources");
        bool ok = !json_array_size(res);
        size_t j;
        json_t *r;
        json_array_foreach(res, j, r)
        {
            const char *pat = json_string_value(r);
            if (!pat)
                continue;
            _cleanup_free_ char *full =
                ctx->sub ? xasprintf("%s/%s", ctx->plural, ctx->sub) : xstrdup(ctx->plural);
            if (!strcmp(pat, "*") || !strcmp(pat, full) ||
                (ctx->sub && !strncmp(pat, "*/", 2) && !strcmp(pat + 2, ctx->sub)) ||
                (ctx->sub && strlen(pat) > 2 && !strcmp(pat + strlen(pat) - 2, "/*") &&
                 !strncmp(pat, ctx->plural, strlen(pat) - 2) &&
                 strlen(ctx->plural) == strlen(pat) - 2))
                ok = true;
        }
        if (!ok)
            continue;
        json_t *names = json_object_get(e, "resourceNames");
        if (json_array_size(names) && !(ctx->name && list_has(names, ctx->name)))
            continue;
        return true;
    }
    return false;
}

/* The first matching rule (borrowed) or NULL. */
static const json_t *rule_for(const cube_audit_t *a, const cube_reqctx_t *ctx, const char *path,
                              const char *verb)
{
    size_t i;
    json_t *r;
    json_array_foreach(a->rules, i, r)
    {
        json_t *users = json_object_get(r, "users");
        if (json_array_size(users) &&
            !list_has(users, ctx->user ? ctx->user->name : "system:anonymous"))
            continue;
        json_t *groups = json_object_get(r, "userGroups");
        if (json_array_size(groups)) {
            bool in = false;
            for (size_t g = 0; ctx->user && g < ctx->user->ngroups && !in; g++)
                in = list_has(groups, ctx->user->groups[g]);
            if (!ctx->user)
                in = list_has(groups, "system:unauthenticated");
            if (!in)
                continue;
        }
        json_t *verbs = json_object_get(r, "verbs");
        if (json_array_size(verbs) && !list_has(verbs, verb))
            continue;
        json_t *res = json_object_get(r, "resources");
        json_t *urls = json_object_get(r, "nonResourceURLs");
        json_t *nss = json_object_get(r, "namespaces");
        if (ctx->res) {
            if (json_array_size(urls) && !json_array_size(res))
                continue;
            if (json_array_size(res) && !resources_match(res, ctx))
                continue;
            if (json_array_size(nss) && !list_has(nss, ctx->ns ? ctx->ns : ""))
                continue;
        } else {
            if (json_array_size(res) || json_array_size(nss))
                continue;
            if (json_array_size(urls)) {
                bool ok = false;
                size_t j;
                json_t *u;
                json_array_foreach(urls, j, u)
                {
                    const char *pat = json_string_value(u);
                    if (pat && fnmatch(pat, path, 0) == 0)
                        ok = true;
                }
                if (!ok)
                    continue;
            }
        }
        return r;
    }
    return NULL;
}

static void *writer_main(void *arg)
{
    cube_audit_t *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->head && !a->stopping)
            pthread_cond_wait(&a->cv, &a->mu);
        line_t *batch = a->head;
        a->head = NULL;
        a->tail = &a->head;
        bool stop = a->stopping;
        pthread_mutex_unlock(&a->mu);
        while (batch) {
            line_t *l = batch;
            batch = l->next;
            size_t n = strlen(l->text);
            if (a->max_bytes > 0 && a->out != stdout && a->size + (long)n > a->max_bytes &&
                a->size > 0) {
                /* rotate: path -> <stem>-<time><ext>, then drop the oldest backups */
                fclose(a->out);
                char ts[64];
                struct timespec now;
                clock_gettime(CLOCK_REALTIME, &now);
                struct tm tm;
                gmtime_r(&now.tv_sec, &tm);
                strftime(ts, sizeof(ts), "%Y-%m-%dT%H-%M-%S", &tm);
                const char *dot = strrchr(a->path, '.');
                const char *slash = strrchr(a->path, '/');
                if (dot && slash && dot < slash)
                    dot = NULL;
                _cleanup_free_ char *stem =
                    dot ? xstrndup(a->path, (size_t)(dot - a->path)) : xstrdup(a->path);
                _cleanup_free_ char *bak =
                    xasprintf("%s-%s.%03ld%s", stem, ts, now.tv_nsec / 1000000, dot ? dot : "");
                rename(a->path, bak);
                if (a->max_backups > 0) {
                    _cleanup_free_ char *pat = xasprintf("%s-*%s", stem, dot ? dot : "");
                    glob_t g;
                    if (glob(pat, 0, NULL, &g) == 0) {
                        for (size_t i = 0; i + (size_t)a->max_backups < g.gl_pathc; i++)
                            unlink(g.gl_pathv[i]); /* sorted: oldest first */
                        globfree(&g);
                    }
                }
                a->out = fopen(a->path, "ae");
                a->size = 0;
            }
            if (a->out) {
                fwrite(l->text, 1, n, a->out);
                a->size += (long)n;
            }
            free(l->text);
            free(l);
        }
        if (a->out)
            fflush(a->out);
        pthread_mutex_lock(&a->mu);
        if (stop && !a->head)
            break;
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

static void enqueue(cube_audit_t *a, char *text)
{
    line_t *l = xmalloc(sizeof(*l));
    l->next = NULL;
    l->text = text;
    pthread_mutex_lock(&a->mu);
    *a->tail = l;
    a->tail = &l->next;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

int cube_audit_new(const char *policy_file, const char *log_path, int max_mb, int max_backups,
                   cube_audit_t **ret, cube_err_t *err)
{
    _cleanup_free_ char *data = NULL;
    size_t len = 0;
    if (cube_file_read(policy_file, &data, &len, err) < 0)
        return -1;
    json_auto_t *doc = NULL;
    if (cube_yaml_decode(data, len, &doc, err) < 0) {
        cube_err_prefix(err, "audit policy %s", policy_file);
        return -1;
    }
    if (strcmp(cube_json_str(doc, "kind", NULL) ?: "", "Policy"))
        return cube_err_badrequest(err, "audit policy %s: kind must be Policy", policy_file);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "rules"), i, r)
    {
        const char *lv = cube_json_str(r, "level", NULL);
        if (!lv || (strcmp(lv, "None") && level_of(lv) == L_NONE))
            return cube_err_badrequest(err,
                                       "audit policy %s: rules[%zu].level: \"%s\" is not "
                                       "None, Metadata, Request or RequestResponse",
                                       policy_file, i, lv ? lv : "");
    }
    cube_audit_t *a = xcalloc(1, sizeof(*a));
    a->rules = json_incref(json_object_get(doc, "rules"));
    a->omit = json_incref(json_object_get(doc, "omitStages"));
    a->omit_managed_fields = json_is_true(json_object_get(doc, "omitManagedFields"));
    a->path = xstrdup(log_path && *log_path ? log_path : "-");
    a->max_bytes = max_mb > 0 ? (long)max_mb * 1024 * 1024 : 0;
    a->max_backups = max_backups;
    a->tail = &a->head;
    if (!strcmp(a->path, "-")) {
        a->out = stdout;
    } else {
        a->out = fopen(a->path, "ae");
        if (!a->out) {
            int e = errno;
            free(a->path);
            json_decref(a->rules);
            json_decref(a->omit);
            free(a);
            return cube_err_errno(err, e, "audit log %s", log_path);
        }
        struct stat sb;
        if (fstat(fileno(a->out), &sb) == 0)
            a->size = (long)sb.st_size;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    pthread_create(&a->writer, NULL, writer_main, a);
    *ret = a;
    return 0;
}

void cube_audit_free(cube_audit_t *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    a->stopping = true;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->writer, NULL);
    if (a->out && a->out != stdout)
        fclose(a->out);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    json_decref(a->rules);
    json_decref(a->omit);
    free(a->path);
    free(a);
}

static void stamp(uint64_t ns_epoch, char out[40])
{
    time_t s = (time_t)(ns_epoch / 1000000000ull);
    struct tm tm;
    gmtime_r(&s, &tm);
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%s.%06lluZ", base, (unsigned long long)(ns_epoch % 1000000000ull) / 1000);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A body as an audit object (JSON, YAML or Kubernetes protobuf, as clients send them;
 * managedFields dropped when the policy says), or NULL. */
static json_t *body_object(const cube_audit_t *a, const char *data, size_t len)
{
    json_t *o = data && len ? json_loadb(data, len, 0, NULL) : NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (!o && data && len > 4 && !memcmp(data, "k8s\0", 4))
        cube_protobuf_decode(data, len, &o, &err);
    else if (!o && data && len)
        cube_yaml_decode(data, len, &o, &err);
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    if (o && a->omit_managed_fields)
        json_object_del(json_object_get(o, "metadata"), "managedFields");
    return o;
}

void cube_audit_request(cube_audit_t *a, cube_reqctx_t *ctx, const char *stage, int code,
                        const cube_bytes_t *response)
{
    if (!a)
        return;
    const char *path = cube_http_req_path(ctx->req);
    char verb[32];
    if (ctx->verb && ctx->res) {
        snprintf(verb, sizeof(verb), "%s", ctx->verb);
    } else {
        snprintf(verb, sizeof(verb), "%s", cube_http_req_method(ctx->req));
        for (char *p = verb; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    const json_t *rule = rule_for(a, ctx, path, verb);
    level_t lv = rule ? level_of(cube_json_str(rule, "level", NULL) ?: "None") : L_NONE;
    if (lv == L_NONE)
        return;
    json_t *omit = rule ? json_object_get(rule, "omitStages") : NULL;
    bool omit_received = list_has(a->omit, "RequestReceived") || list_has(omit, "RequestReceived");
    bool omit_this = list_has(a->omit, stage) || list_has(omit, stage);

    const char *query = cube_http_req_query(ctx->req);
    _cleanup_free_ char *uri = query && *query ? xasprintf("%s?%s", path, query) : xstrdup(path);
    json_auto_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "Event", "apiVersion",
                                "audit.k8s.io/v1", "level", level_names[lv], "auditID",
                                ctx->audit_id, "stage", "RequestReceived", "requestURI", uri);
    json_object_set_new(ev, "verb", json_string(verb));
    json_t *user = json_pack("{s:s}", "username", ctx->user ? ctx->user->name : "system:anonymous");
    if (ctx->user && ctx->user->uid && *ctx->user->uid)
        json_object_set_new(user, "uid", json_string(ctx->user->uid));
    json_t *groups = json_array();
    for (size_t g = 0; ctx->user && g < ctx->user->ngroups; g++)
        json_array_append_new(groups, json_string(ctx->user->groups[g]));
    if (!ctx->user)
        json_array_append_new(groups, json_string("system:unauthenticated"));
    json_object_set_new(user, "groups", groups);
    json_object_set_new(ev, "user", user);
    const char *remote = cube_http_req_remote(ctx->req);
    _cleanup_free_ char *ip = remote ? xstrndup(remote, strcspn(remote, ":")) : xstrdup("");
    if (remote && remote[0] == '[') {
        free(ip);
        ip = xstrndup(remote + 1, strcspn(remote + 1, "]"));
    }
    json_object_set_new(ev, "sourceIPs", json_pack("[s]", ip));
    const char *ua = cube_http_req_header(ctx->req, "User-Agent");
    if (ua)
        json_object_set_new(ev, "userAgent", json_string(ua));
    if (ctx->res) {
        json_t *ref = json_pack("{s:s}", "resource", ctx->plural);
        if (ctx->ns)
            json_object_set_new(ref, "namespace", json_string(ctx->ns));
        if (ctx->name)
            json_object_set_new(ref, "name", json_string(ctx->name));
        if (ctx->group && *ctx->group)
            json_object_set_new(ref, "apiGroup", json_string(ctx->group));
        json_object_set_new(ref, "apiVersion", json_string(ctx->version ? ctx->version : ""));
        if (ctx->sub)
            json_object_set_new(ref, "subresource", json_string(ctx->sub));
        json_object_set_new(ev, "objectRef", ref);
    }
    char ts[40];
    stamp(ctx->received_ns, ts);
    json_object_set_new(ev, "requestReceivedTimestamp", json_string(ts));
    json_object_set_new(ev, "stageTimestamp", json_string(ts));
    if (lv >= L_REQUEST) {
        json_t *ro =
            ctx->audit_body ? body_object(a, ctx->audit_body->data, ctx->audit_body->len) : NULL;
        if (ro)
            json_object_set_new(ev, "requestObject", ro);
    }
    if (!omit_received) {
        char *s = json_dumps(ev, JSON_COMPACT);
        enqueue(a, xasprintf("%s\n", s));
        free(s);
    }
    if (omit_this || !strcmp(stage, "RequestReceived"))
        return;
    json_object_set_new(ev, "stage", json_string(stage));
    stamp(now_ns(), ts);
    json_object_set_new(ev, "stageTimestamp", json_string(ts));
    json_t *st = json_pack("{s:{},s:i}", "metadata", "code", code);
    json_auto_t *resp =
        response && code >= 400 ? body_object(a, response->data, response->len) : NULL;
    if (resp) {
        const char *k[] = {"status", "message", "reason"};
        for (size_t i = 0; i < 3; i++)
            if (cube_json_str(resp, k[i], NULL))
                json_object_set(st, k[i], json_object_get(resp, k[i]));
    }
    json_object_set_new(ev, "responseStatus", st);
    json_auto_t *robj =
        response && code < 400 ? body_object(a, response->data, response->len) : NULL;
    json_t *ref = json_object_get(ev, "objectRef");
    if (ref && robj && !json_object_get(ref, "name")) { /* a create: named by its answer */
        const char *n = cube_json_str(robj, "metadata", "name", NULL);
        if (n)
            json_object_set_new(ref, "name", json_string(n));
    }
    if (lv == L_REQUEST_RESPONSE && robj)
        json_object_set(ev, "responseObject", robj);
    json_object_set_new(ev, "annotations",
                        json_pack("{s:s,s:s}", "authorization.k8s.io/decision",
                                  code == 403 ? "forbid" : "allow", "authorization.k8s.io/reason",
                                  ""));
    char *s = json_dumps(ev, JSON_COMPACT);
    enqueue(a, xasprintf("%s\n", s));
    free(s);
}
