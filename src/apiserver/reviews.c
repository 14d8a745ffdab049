/*
 * The create-only APIs that store nothing: they answer a question about the
 * request's user or a token and echo the object back with a status.
 *   serviceaccounts/<name>/token       TokenRequest (kubectl create token)
 *   authentication.k8s.io selfsubjectreviews   who am I (kubectl auth whoami)
 *   authentication.k8s.io tokenreviews         is this token valid, for whom
 *   authorization.k8s.io selfsubjectaccessreviews   may I (kubectl auth can-i)
 *   authorization.k8s.io selfsubjectrulesreviews    what may I (can-i --list)
 *   authorization.k8s.io subjectaccessreviews, localsubjectaccessreviews
 */
#include "apiserver/internal.h"

static void respond(cube_reqctx_t *ctx, int code, json_t *obj)
{
    _cleanup_free_ char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    cube_reqctx_respond(ctx, code, cube_bytes_new(s, strlen(s)));
}

static json_t *user_info(const cube_user_t *u)
{
    json_t *groups = json_array();
    for (size_t i = 0; i < u->ngroups; i++)
        json_array_append_new(groups, json_string(u->groups[i]));
    json_t *ui = json_pack("{s:s, s:o}", "username", u->name, "groups", groups);
    if (u->uid && *u->uid)
        json_object_set_new(ui, "uid", json_string(u->uid));
    return ui;
}

/* ---- TokenRequest ------------------------------------------------------- */

static void token_request(cube_reqctx_t *ctx)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *tr = NULL;
    if (cube_reqctx_decode_body(ctx, &tr, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    json_t *spec = json_object_get(tr, "spec");
    json_auto_t *status = NULL;
    if (cube_sa_token_issue(ctx->srv, ctx->ns, ctx->name, spec ? spec : json_object(), &status,
                            &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    json_t *meta = cube_json_obj(tr, "metadata");
    json_object_set_new(meta, "name", json_string(ctx->name));
    json_object_set_new(meta, "namespace", json_string(ctx->ns));
    if (!json_object_get(meta, "creationTimestamp"))
        json_object_set_new(meta, "creationTimestamp", json_null());
    json_object_set_new(tr, "apiVersion", json_string("authentication.k8s.io/v1"));
    json_object_set_new(tr, "kind", json_string("TokenRequest"));
    json_t *sp = cube_json_obj(tr, "spec");
    if (!json_object_get(sp, "expirationSeconds"))
        json_object_set_new(sp, "expirationSeconds", json_integer(3600));
    if (!json_object_get(sp, "audiences"))
        json_object_set_new(sp, "audiences", json_pack("[s]", cube_sa_issuer(ctx->srv)));
    if (!json_object_get(sp, "boundObjectRef"))
        json_object_set_new(sp, "boundObjectRef", json_null());
    json_object_set(tr, "status", status);
    respond(ctx, 201, tr);
}

/* ---- reviews ------------------------------------------------------------ */

static void self_subject_review(cube_reqctx_t *ctx, json_t *obj)
{
    json_object_set_new(obj, "status", json_pack("{s:o}", "userInfo", user_info(ctx->user)));
    json_object_set_new(cube_json_obj(obj, "metadata"), "creationTimestamp", json_null());
    respond(ctx, 201, obj);
}

static void token_review(cube_reqctx_t *ctx, json_t *obj)
{
    const char *token = cube_json_str(obj, "spec", "token", NULL);
    cube_user_t *u = NULL;
    json_t *status;
    if (token && cube_sa_token_authenticate(ctx->srv, token, &u) == 0) {
        status = json_pack("{s:b, s:o, s:[s]}", "authenticated", 1, "user", user_info(u),
                           "audiences", cube_sa_issuer(ctx->srv));
        cube_user_free(u);
    } else {
        status = json_pack("{s:o, s:s}", "user", json_object(), "error",
                           "[invalid bearer token, service account token is not valid]");
    }
    json_object_set_new(obj, "status", status);
    json_object_set_new(cube_json_obj(obj, "metadata"), "creationTimestamp", json_null());
    respond(ctx, 201, obj);
}

/* Attributes of a SubjectAccessReview spec. */
static void sar_attrs(const json_t *spec, cube_authz_attrs_t *a)
{
    const json_t *ra = json_object_get(spec, "resourceAttributes");
    const json_t *nra = json_object_get(spec, "nonResourceAttributes");
    if (ra) {
        a->verb = cube_json_str(ra, "verb", NULL);
        a->group = cube_json_str(ra, "group", NULL);
        a->version = cube_json_str(ra, "version", NULL);
        a->resource = cube_json_str(ra, "resource", NULL);
        a->subresource = cube_json_str(ra, "subresource", NULL);
        a->ns = cube_json_str(ra, "namespace", NULL);
        a->name = cube_json_str(ra, "name", NULL);
        if (a->subresource && !*a->subresource)
            a->subresource = NULL;
        if (!a->resource || !*a->resource)
            a->resource = "";
    } else if (nra) {
        a->verb = cube_json_str(nra, "verb", NULL);
        a->path = cube_json_str(nra, "path", NULL);
    }
    if (!a->verb)
        a->verb = "";
}

static void access_review(cube_reqctx_t *ctx, json_t *obj, bool self, const char *local_ns)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_t *spec = json_object_get(obj, "spec");
    if (!json_object_get(spec, "resourceAttributes") &&
        !json_object_get(spec, "nonResourceAttributes")) {
        cube_err_invalid(&err,
                         "%s.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: "
                         "Invalid value: \"null\": exactly one of nonResourceAttributes or "
                         "resourceAttributes must be specified",
                         ctx->res->kind);
        return cube_reqctx_fail(ctx, &err);
    }
    cube_user_t *subject = NULL;
    cube_user_t *owned = NULL;
    if (self) {
        subject = ctx->user;
    } else {
        const char *user = cube_json_str(spec, "user", NULL);
        json_t *groups = json_object_get(spec, "groups");
        size_t ng = json_array_size(groups);
        const char **gv = xcalloc(ng + 1, sizeof(char *));
        for (size_t i = 0; i < ng; i++)
            gv[i] = json_string_value(json_array_get(groups, i));
        owned = subject = cube_user_new(user ? user : "", cube_json_str(spec, "uid", NULL), gv, ng);
        free(gv);
    }
    cube_authz_attrs_t a = {.user = subject};
    sar_attrs(spec, &a);
    if (local_ns) {
        if (a.ns && *a.ns && strcmp(a.ns, local_ns)) {
            cube_user_free(owned);
            cube_err_invalid(&err,
                             "spec.resourceAttributes.namespace: Invalid value: \"%s\": "
                             "must match metadata.namespace",
                             a.ns);
            return cube_reqctx_fail(ctx, &err);
        }
        a.ns = local_ns;
    }
    if (a.resource && !*a.resource)
        a.resource = NULL;
    bool masters = cube_user_in_group(subject, "system:masters");
    bool allowed = masters || cube_rbac_allows(ctx->srv, &a);
    cube_user_free(owned);
    json_t *status = json_pack("{s:b}", "allowed", allowed);
    if (allowed)
        json_object_set_new(status, "reason",
                            json_string(masters ? "" : "RBAC: allowed by a role binding"));
    if (masters)
        json_object_del(status, "reason");
    json_object_set_new(obj, "status", status);
    json_object_set_new(cube_json_obj(obj, "metadata"), "creationTimestamp", json_null());
    respond(ctx, 201, obj);
}

/* The rules the user has in a namespace, as SelfSubjectRulesReview lists them. */
static void rules_review(cube_reqctx_t *ctx, json_t *obj)
{
    const char *ns = cube_json_str(obj, "spec", "namespace", NULL);
    json_t *res_rules = json_array(), *nonres_rules = json_array();
    json_auto_t *rules = cube_rbac_rules_for(ctx->srv, ctx->user, ns && *ns ? ns : NULL);
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        if (json_object_get(r, "nonResourceURLs"))
            json_array_append(nonres_rules, r);
        else
            json_array_append(res_rules, r);
    }
    json_object_set_new(obj, "status",
                        json_pack("{s:o, s:o, s:b}", "resourceRules", res_rules, "nonResourceRules",
                                  nonres_rules, "incomplete", 0));
    json_object_set_new(cube_json_obj(obj, "metadata"), "creationTimestamp", json_null());
    respond(ctx, 201, obj);
}

bool cube_reviews_handles(const cube_reqctx_t *ctx)
{
    if (ctx->sub)
        return !strcmp(ctx->sub, "token") && !strcmp(ctx->res->plural, "serviceaccounts");
    return !strcmp(ctx->res->group, "authentication.k8s.io") ||
           !strcmp(ctx->res->group, "authorization.k8s.io");
}

void cube_reviews_handle(void *arg)
{
    cube_reqctx_t *ctx = arg;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (ctx->sub)
        return token_request(ctx);
    json_auto_t *obj = NULL;
    if (cube_reqctx_decode_body(ctx, &obj, &err) < 0)
        return cube_reqctx_fail(ctx, &err);
    char gv[128];
    cube_api_group_version(ctx->res, gv, sizeof(gv));
    json_object_set_new(obj, "apiVersion", json_string(gv));
    json_object_set_new(obj, "kind", json_string(ctx->res->kind));
    const char *p = ctx->res->plural;
    if (!strcmp(p, "selfsubjectreviews"))
        return self_subject_review(ctx, obj);
    if (!strcmp(p, "tokenreviews"))
        return token_review(ctx, obj);
    if (!strcmp(p, "selfsubjectaccessreviews"))
        return access_review(ctx, obj, true, NULL);
    if (!strcmp(p, "subjectaccessreviews"))
        return access_review(ctx, obj, false, NULL);
    if (!strcmp(p, "localsubjectaccessreviews"))
        return access_review(ctx, obj, false, ctx->ns);
    if (!strcmp(p, "selfsubjectrulesreviews"))
        return rules_review(ctx, obj);
    cube_err_notfound(&err, "the server could not find the requested resource");
    cube_reqctx_fail(ctx, &err);
}
