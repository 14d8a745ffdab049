/*
 * API discovery: /api, /apis, /apis/<group>, the per-version resource lists,
 * and aggregated discovery (apidiscovery.k8s.io v2 and v2beta1), all
 * derived from the resource registry once at start and served as bytes.
 */
#include "apiserver/internal.h"

static const char *const verb_names[] = {"create", "delete", "deletecollection", "get",
                                         "list",   "patch",  "update",           "watch"};
static const unsigned verb_bits[] = {CUBE_VERB_CREATE, CUBE_VERB_DELETE, CUBE_VERB_DELETECOLLECTION,
                                     CUBE_VERB_GET,    CUBE_VERB_LIST,   CUBE_VERB_PATCH,
                                     CUBE_VERB_UPDATE, CUBE_VERB_WATCH};

static json_t *verbs_json(unsigned verbs)
{
    json_t *a = json_array();
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(verb_names); i++)
        if (verbs & verb_bits[i])
            json_array_append_new(a, json_string(verb_names[i]));
    return a;
}

static json_t *strs_json(const char *const *s, size_t max)
{
    json_t *a = json_array();
    for (size_t i = 0; i < max && s[i]; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

typedef struct sub {
    unsigned bit;
    const char *name;
    const char *group, *version, *kind; /* NULL = the resource's own */
    unsigned verbs;
} sub_t;

static const sub_t subs[] = {
    {CUBE_SUB_STATUS, "status", NULL, NULL, NULL,
     CUBE_VERB_GET | CUBE_VERB_PATCH | CUBE_VERB_UPDATE},
    {CUBE_SUB_SCALE, "scale", "autoscaling", "v1", "Scale",
     CUBE_VERB_GET | CUBE_VERB_PATCH | CUBE_VERB_UPDATE},
    {CUBE_SUB_BINDING, "binding", "", "v1", "Binding", CUBE_VERB_CREATE},
    {CUBE_SUB_FINALIZE, "finalize", NULL, NULL, NULL, CUBE_VERB_UPDATE},
    {CUBE_SUB_TOKEN, "token", "authentication.k8s.io", "v1", "TokenRequest", CUBE_VERB_CREATE},
    {CUBE_SUB_LOG, "log", "", "v1", "Pod", CUBE_VERB_GET},
};

/* The legacy APIResourceList entries of one resource (itself and its subresources). */
static void add_legacy(json_t *list, const cube_resource_t *r)
{
    json_t *e =
        json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", r->plural, "singularName", r->singular,
                  "namespaced", r->namespaced, "kind", r->kind, "verbs", verbs_json(r->verbs));
    if (r->short_names[0])
        json_object_set_new(e, "shortNames", strs_json(r->short_names, 4));
    if (r->categories[0])
        json_object_set_new(e, "categories", strs_json(r->categories, 3));
    json_array_append_new(list, e);
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(subs); i++) {
        if (!(r->subresources & subs[i].bit))
            continue;
        char name[128];
        snprintf(name, sizeof(name), "%s/%s", r->plural, subs[i].name);
        json_t *s =
            json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", name, "singularName", "", "namespaced",
                      r->namespaced, "kind", subs[i].kind ? subs[i].kind : r->kind, "verbs",
                      verbs_json(subs[i].verbs));
        if (subs[i].group) {
            json_object_set_new(s, "group", json_string(subs[i].group));
            json_object_set_new(s, "version", json_string(subs[i].version));
        }
        json_array_append_new(list, s);
    }
}

static json_t *agg_resource(const cube_resource_t *r)
{
    json_t *e = json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:o}", "resource", r->plural,
                          "responseKind", "group", r->group, "version", r->version, "kind", r->kind,
                          "scope", r->namespaced ? "Namespaced" : "Cluster", "singularResource",
                          r->singular, "verbs", verbs_json(r->verbs));
    if (r->short_names[0])
        json_object_set_new(e, "shortNames", strs_json(r->short_names, 4));
    if (r->categories[0])
        json_object_set_new(e, "categories", strs_json(r->categories, 3));
    json_t *sa = json_array();
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(subs); i++) {
        if (!(r->subresources & subs[i].bit))
            continue;
        json_array_append_new(sa, json_pack("{s:s, s:{s:s, s:s, s:s}, s:o}", "subresource",
                                            subs[i].name, "responseKind", "group",
                                            subs[i].group ? subs[i].group : r->group, "version",
                                            subs[i].version ? subs[i].version : r->version, "kind",
                                            subs[i].kind ? subs[i].kind : r->kind, "verbs",
                                            verbs_json(subs[i].verbs)));
    }
    if (json_array_size(sa))
        json_object_set_new(e, "subresources", sa);
    else
        json_decref(sa);
    return e;
}

static cube_bytes_t *dump(const json_t *j)
{
    size_t len;
    char *s = cube_json_dump(j, &len);
    cube_bytes_t *b = cube_bytes_new(s, len);
    free(s);
    return b;
}

/* Finds or adds the entry named `name` (by key) in an array of objects. */
static json_t *find_by(json_t *arr, const char *key, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!strcmp(json_string_value(json_object_get(v, key)) ?: "", name))
            return v;
    }
    return NULL;
}

void cube_discovery_build(cube_apiserver_t *srv)
{
    size_t n;
    const cube_resource_t *const *res = cube_api_resources(&n);
    json_t *docs = json_object(); /* path -> JSON document */
    json_auto_t *groups = json_array(); /* APIGroup list */
    json_auto_t *agg_groups = json_array(); /* APIGroupDiscovery list */
    json_auto_t *agg_core_versions = json_array();

    for (size_t i = 0; i < n; i++) {
        const cube_resource_t *r = res[i];
        char gv[128];
        cube_api_group_version(r, gv, sizeof(gv));
        _cleanup_free_ char *path =
            r->group[0] ? xasprintf("/apis/%s", gv) : xasprintf("/api/%s", r->version);
        json_t *rl = json_object_get(docs, path);
        if (!rl) {
            rl = json_pack("{s:s, s:s, s:s, s:[]}", "kind", "APIResourceList", "apiVersion", "v1",
                           "groupVersion", gv, "resources");
            json_object_set_new(docs, path, rl);
        }
        add_legacy(json_object_get(rl, "resources"), r);

        json_t *versions;
        if (r->group[0]) {
            json_t *g = find_by(groups, "name", r->group);
            if (!g) {
                g = json_pack("{s:s, s:[], s:{s:s, s:s}}", "name", r->group, "versions",
                              "preferredVersion", "groupVersion", gv, "version", r->version);
                json_array_append_new(groups, g);
                json_array_append_new(agg_groups, json_pack("{s:{s:s}, s:[]}", "metadata", "name",
                                                            r->group, "versions"));
            }
            if (!find_by(json_object_get(g, "versions"), "groupVersion", gv))
                json_array_append_new(
                    json_object_get(g, "versions"),
                    json_pack("{s:s, s:s}", "groupVersion", gv, "version", r->version));
            json_t *ag = json_array_get(agg_groups, json_array_size(agg_groups) - 1);
            for (size_t k = 0; k < json_array_size(agg_groups); k++) {
                json_t *x = json_array_get(agg_groups, k);
                if (!strcmp(cube_json_str(x, "metadata", "name", NULL), r->group))
                    ag = x;
            }
            versions = json_object_get(ag, "versions");
        } else {
            versions = agg_core_versions;
        }
        json_t *av = find_by(versions, "version", r->version);
        if (!av) {
            av = json_pack("{s:s, s:[], s:s}", "version", r->version, "resources", "freshness",
                           "Current");
            json_array_append_new(versions, av);
        }
        json_array_append_new(json_object_get(av, "resources"), agg_resource(r));
    }
    for (size_t i = 0; i < json_array_size(groups); i++) {
        json_t *g = json_array_get(groups, i);
        json_t *doc = json_pack("{s:s, s:s}", "kind", "APIGroup", "apiVersion", "v1");
        json_object_update(doc, g);
        _cleanup_free_ char *path =
            xasprintf("/apis/%s", json_string_value(json_object_get(g, "name")));
        json_object_set_new(docs, path, doc);
    }
    json_auto_t *core = json_pack("{s:s, s:[s], s:[{s:s, s:s}]}", "kind", "APIVersions", "versions",
                                  "v1", "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0",
                                  "serverAddress", srv->advertise);
    json_auto_t *glist =
        json_pack("{s:s, s:s, s:O}", "kind", "APIGroupList", "apiVersion", "v1", "groups", groups);
    json_auto_t *agg_core = json_pack(
        "{s:s, s:s, s:{}, s:[{s:{}, s:O}]}", "kind", "APIGroupDiscoveryList", "apiVersion",
        "apidiscovery.k8s.io/v2", "metadata", "items", "metadata", "versions", agg_core_versions);
    json_auto_t *agg_g =
        json_pack("{s:s, s:s, s:{}, s:O}", "kind", "APIGroupDiscoveryList", "apiVersion",
                  "apidiscovery.k8s.io/v2", "metadata", "items", agg_groups);
    srv->disc_core = dump(core);
    srv->disc_groups = dump(glist);
    srv->disc_agg_core = dump(agg_core);
    srv->disc_agg_groups = dump(agg_g);
    /* Keep each document as its bytes. */
    json_t *bytes = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(docs, k, v)
    {
        size_t len;
        char *s = cube_json_dump(v, &len);
        json_object_set_new(bytes, k, json_stringn_nocheck(s, len));
        free(s);
    }
    json_decref(docs);
    srv->disc_group_docs = bytes;
}

void cube_discovery_free(cube_apiserver_t *srv)
{
    cube_bytes_unref(srv->disc_core);
    cube_bytes_unref(srv->disc_groups);
    cube_bytes_unref(srv->disc_agg_core);
    cube_bytes_unref(srv->disc_agg_groups);
    json_decref(srv->disc_group_docs);
}

/* Which aggregated-discovery version the client asked for, if any. */
static const char *wants_aggregated(const char *accept)
{
    if (!accept)
        return NULL;
    _cleanup_free_ char *copy = xstrdup(accept);
    char *save = NULL;
    for (char *mt = strtok_r(copy, ",", &save); mt; mt = strtok_r(NULL, ",", &save)) {
        if (!strstr(mt, "as=APIGroupDiscoveryList") || !strstr(mt, "g=apidiscovery.k8s.io"))
            continue;
        if (strstr(mt, "v=v2beta1"))
            return "v2beta1";
        if (strstr(mt, "v=v2"))
            return "v2";
    }
    return NULL;
}

static void respond_agg(cube_reqctx_t *ctx, cube_bytes_t *doc, const char *ver)
{
    cube_bytes_t *body = cube_bytes_ref(doc);
    if (!strcmp(ver, "v2beta1")) {
        /* Same document, other apiVersion. */
        cube_bytes_unref(body);
        const char *at = strstr(doc->data, "apidiscovery.k8s.io/v2");
        size_t head = (size_t)(at - doc->data) + strlen("apidiscovery.k8s.io/v2");
        cube_buf_t b = CUBE_BUF_INIT;
        cube_buf_append(&b, doc->data, head);
        cube_buf_puts(&b, "beta1");
        cube_buf_append(&b, doc->data + head, doc->len - head);
        body = cube_bytes_from_buf(&b);
    }
    char ctype[128];
    snprintf(ctype, sizeof(ctype),
             "application/json;g=apidiscovery.k8s.io;v=%s;as=APIGroupDiscoveryList", ver);
    static const char *const hdrs[] = {"Vary", "Accept", NULL};
    cube_http_respond(ctx->req, 200, ctype, hdrs, body);
    cube_user_free(ctx->user);
    free(ctx);
}

bool cube_discovery_serve(cube_reqctx_t *ctx, const char *path)
{
    cube_apiserver_t *srv = ctx->srv;
    size_t plen = strlen(path);
    while (plen > 1 && path[plen - 1] == '/')
        plen--;
    _cleanup_free_ char *p = xstrndup(path, plen);
    const char *agg = wants_aggregated(cube_http_req_header(ctx->req, "Accept"));
    if (!strcmp(p, "/api")) {
        if (agg)
            respond_agg(ctx, srv->disc_agg_core, agg);
        else
            cube_reqctx_respond(ctx, 200, cube_bytes_ref(srv->disc_core));
        return true;
    }
    if (!strcmp(p, "/apis")) {
        if (agg)
            respond_agg(ctx, srv->disc_agg_groups, agg);
        else
            cube_reqctx_respond(ctx, 200, cube_bytes_ref(srv->disc_groups));
        return true;
    }
    json_t *doc = json_object_get(srv->disc_group_docs, p);
    if (doc) {
        cube_reqctx_respond(ctx, 200,
                            cube_bytes_new(json_string_value(doc), json_string_length(doc)));
        return true;
    }
    return false;
}
