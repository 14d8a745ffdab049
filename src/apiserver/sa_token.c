/*
 * Service-account tokens as Kubernetes issues them: the TokenRequest API
 * (POST serviceaccounts/<name>/token) answers a JWT signed with the cluster's
 * service-account key, bound to the service account's uid and optionally to a
 * pod or secret; the authenticator accepts such a token while it is unexpired,
 * meant for one of the API server's audiences, and every object it is bound to
 * still exists with the same uid. The discovery documents
 * (/.well-known/openid-configuration, /openid/v1/jwks) publish the issuer and
 * the key so that others can verify tokens too.
 */
#include "apiserver/internal.h"

#include <openssl/evp.h>

#define DEFAULT_EXPIRATION 3600
#define MIN_EXPIRATION 600
#define MAX_EXPIRATION (1LL << 32)

static json_t *cached_object(cube_apiserver_t *srv, const char *plural, const char *ns,
                             const char *name)
{
    const cube_resource_t *r = cube_api_resource_find("", "v1", plural);
    _cleanup_free_ char *key = cube_key(r, ns, name);
    cube_obj_t *o = cube_cache_get(srv->cache, key);
    if (!o)
        return NULL;
    json_t *obj = json_loadb(o->json->data, o->json->len, 0, NULL);
    cube_obj_unref(o);
    return obj;
}

const char *cube_sa_issuer(const cube_apiserver_t *srv)
{
    return srv->cfg->service_account_issuer && *srv->cfg->service_account_issuer
               ? srv->cfg->service_account_issuer
               : "https://kubernetes.default.svc.cluster.local";
}

/* ---- issuing ------------------------------------------------------------ */

int cube_sa_token_issue(cube_apiserver_t *srv, const char *ns, const char *sa_name,
                        const json_t *spec, json_t **ret_status, cube_err_t *err)
{
    json_auto_t *sa = cached_object(srv, "serviceaccounts", ns, sa_name);
    if (!sa) {
        cube_err_notfound(err, "serviceaccounts \"%s\" not found", sa_name);
        err->details = json_pack("{s:s, s:s}", "name", sa_name, "kind", "serviceaccounts");
        return -1;
    }
    json_int_t exp_sec = DEFAULT_EXPIRATION;
    json_t *es = json_object_get(spec, "expirationSeconds");
    if (json_is_integer(es))
        exp_sec = json_integer_value(es);
    cube_field_errors_t *fe = cube_field_errors_new();
    if (exp_sec < MIN_EXPIRATION)
        cube_field_invalid(fe, "spec.expirationSeconds", es,
                           "may not specify a duration less than 10 minutes");
    else if (exp_sec > MAX_EXPIRATION)
        cube_field_invalid(fe, "spec.expirationSeconds", es,
                           "may not specify a duration larger than 2^32 seconds");
    json_t *auds = json_object_get(spec, "audiences");
    json_t *aud = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(auds, i, a) if (json_is_string(a)) json_array_append(aud, a);
    if (json_array_size(aud) == 0)
        json_array_append_new(aud, json_string(cube_sa_issuer(srv)));

    /* bound object: a Pod or a Secret (or a Node) that must exist with the given uid */
    json_t *bound = json_object_get(spec, "boundObjectRef");
    json_auto_t *bound_obj = NULL;
    const char *bkind = cube_json_str(bound, "kind", NULL);
    const char *bname = cube_json_str(bound, "name", NULL);
    if (bound) {
        const char *plural = bkind && !strcmp(bkind, "Pod")      ? "pods"
                             : bkind && !strcmp(bkind, "Secret") ? "secrets"
                                                                 : NULL;
        if (!plural) {
            cube_field_not_supported(fe, "spec.boundObjectRef.kind", json_object_get(bound, "kind"),
                                     (const char *const[]){"Pod", "Secret", NULL});
        } else if (!(bound_obj = cached_object(srv, plural, ns, bname ? bname : ""))) {
            cube_field_errors_free(fe);
            json_decref(aud);
            cube_err_notfound(err, "%s \"%s\" not found", plural, bname ? bname : "");
            return -1;
        } else {
            const char *want_uid = cube_json_str(bound, "uid", NULL);
            const char *uid = cube_json_str(bound_obj, "metadata", "uid", NULL);
            if (want_uid && *want_uid && strcmp(want_uid, uid ? uid : "")) {
                cube_field_errors_free(fe);
                json_decref(aud);
                return cube_err_conflict(err,
                                         "the UID in the bound object reference (%s) does not "
                                         "match the UID in record. The object might have been "
                                         "deleted and then recreated",
                                         want_uid);
            }
        }
    }
    if (cube_field_errors_count(fe)) {
        /* TokenRequest is served only as the serviceaccounts/token subresource. */
        static const cube_resource_t token_request = {.group = "authentication.k8s.io",
                                                      .version = "v1",
                                                      .kind = "TokenRequest",
                                                      .plural = "tokenrequests"};
        int rc = cube_field_errors_to_err(fe, &token_request, sa_name, err);
        cube_field_errors_free(fe);
        json_decref(aud);
        return rc;
    }
    cube_field_errors_free(fe);

    time_t now = time(NULL);
    char jti[37];
    cube_uuid4(jti);
    const char *sa_uid = cube_json_str(sa, "metadata", "uid", NULL);
    json_t *k8s = json_pack("{s:s, s:{s:s, s:s}}", "namespace", ns, "serviceaccount", "name",
                            sa_name, "uid", sa_uid ? sa_uid : "");
    if (bound_obj)
        json_object_set_new(k8s, !strcmp(bkind, "Pod") ? "pod" : "secret",
                            json_pack("{s:s, s:s}", "name", bname, "uid",
                                      cube_json_str(bound_obj, "metadata", "uid", NULL)));
    _cleanup_free_ char *sub = xasprintf("system:serviceaccount:%s:%s", ns, sa_name);
    json_auto_t *claims =
        json_pack("{s:o, s:I, s:I, s:s, s:s, s:o, s:I, s:s}", "aud", aud, "exp",
                  (json_int_t)(now + exp_sec), "iat", (json_int_t)now, "iss", cube_sa_issuer(srv),
                  "jti", jti, "kubernetes.io", k8s, "nbf", (json_int_t)now, "sub", sub);
    _cleanup_free_ char *token = cube_jwt_sign(srv->sa_key, claims);
    if (!token)
        return cube_err_internal(err, "failed to sign the token");
    char ts[40];
    cube_time_rfc3339(now + exp_sec, ts);
    *ret_status = json_pack("{s:s, s:s}", "token", token, "expirationTimestamp", ts);
    return 0;
}

/* ---- authenticating ----------------------------------------------------- */

static bool audience_ok(cube_apiserver_t *srv, const json_t *aud)
{
    const char *iss = cube_sa_issuer(srv);
    if (json_is_string(aud))
        return !strcmp(json_string_value(aud), iss);
    size_t i;
    json_t *a;
    json_array_foreach(aud, i,
                       a) if (json_is_string(a) && !strcmp(json_string_value(a), iss)) return true;
    return false;
}

/* The bound object named in claims["kubernetes.io"][field] exists with that uid. */
static bool bound_alive(cube_apiserver_t *srv, const json_t *k8s, const char *field,
                        const char *plural, const char *ns)
{
    const json_t *ref = json_object_get(k8s, field);
    if (!ref)
        return true;
    const char *name = cube_json_str(ref, "name", NULL);
    const char *uid = cube_json_str(ref, "uid", NULL);
    json_auto_t *obj = cached_object(srv, plural, ns, name ? name : "");
    const char *have = obj ? cube_json_str(obj, "metadata", "uid", NULL) : NULL;
    return have && uid && !strcmp(have, uid);
}

/* ---- legacy token Secrets ------------------------------------------------------ */

#define LEGACY_ISSUER "kubernetes/serviceaccount"
#define LEGACY_TYPE "kubernetes.io/service-account-token"
#define ANN_SA_NAME "kubernetes.io/service-account.name"
#define ANN_SA_UID "kubernetes.io/service-account.uid"

static char *b64(const void *data, size_t len)
{
    char *out = xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

void cube_sa_legacy_fill(cube_apiserver_t *srv, json_t *secret)
{
    if (strcmp(cube_json_str(secret, "type", NULL) ?: "", LEGACY_TYPE) || !srv->sa_key)
        return;
    const char *ns = cube_json_str(secret, "metadata", "namespace", NULL);
    const char *name = cube_json_str(secret, "metadata", "name", NULL);
    const char *sa_name = cube_json_str(secret, "metadata", "annotations", ANN_SA_NAME, NULL);
    json_t *data = json_object_get(secret, "data");
    if (!ns || !name || !sa_name || cube_json_str(data, "token", NULL))
        return;
    json_auto_t *sa = cached_object(srv, "serviceaccounts", ns, sa_name);
    const char *uid = sa ? cube_json_str(sa, "metadata", "uid", NULL) : NULL;
    if (!uid)
        return; /* no such account (yet): no token, as Kubernetes' token controller leaves it */
    _cleanup_free_ char *sub = xasprintf("system:serviceaccount:%s:%s", ns, sa_name);
    json_auto_t *claims = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s}", "iss", LEGACY_ISSUER, "kubernetes.io/serviceaccount/namespace",
        ns, "kubernetes.io/serviceaccount/secret.name", name,
        "kubernetes.io/serviceaccount/service-account.name", sa_name,
        "kubernetes.io/serviceaccount/service-account.uid", uid, "sub", sub);
    _cleanup_free_ char *token = cube_jwt_sign(srv->sa_key, claims);
    if (!token)
        return;
    if (!json_is_object(data))
        json_object_set_new(secret, "data", data = json_object());
    _cleanup_free_ char *t64 = b64(token, strlen(token));
    _cleanup_free_ char *n64 = b64(ns, strlen(ns));
    json_object_set_new(data, "token", json_string(t64));
    json_object_set_new(data, "namespace", json_string(n64));
    _cleanup_free_ char *ca = NULL;
    size_t calen = 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_file_read(srv->pki.ca_crt, &ca, &calen, &err) == 0) {
        _cleanup_free_ char *c64 = b64(ca, calen);
        json_object_set_new(data, "ca.crt", json_string(c64));
    }
    json_object_set_new(cube_json_obj(cube_json_obj(secret, "metadata"), "annotations"), ANN_SA_UID,
                        json_string(uid));
}

/* A legacy token: valid while its Secret holds it and its account exists with that uid. */
static int legacy_authenticate(cube_apiserver_t *srv, const char *token, const json_t *claims,
                               cube_user_t **ret)
{
    const char *ns = cube_json_str(claims, "kubernetes.io/serviceaccount/namespace", NULL);
    const char *sname = cube_json_str(claims, "kubernetes.io/serviceaccount/secret.name", NULL);
    const char *sa_name =
        cube_json_str(claims, "kubernetes.io/serviceaccount/service-account.name", NULL);
    const char *sa_uid =
        cube_json_str(claims, "kubernetes.io/serviceaccount/service-account.uid", NULL);
    if (!ns || !sname || !sa_name || !sa_uid)
        return -1;
    json_auto_t *secret = cached_object(srv, "secrets", ns, sname);
    const char *stored = secret ? cube_json_str(secret, "data", "token", NULL) : NULL;
    _cleanup_free_ char *want = b64(token, strlen(token));
    if (!stored || strcmp(stored, want))
        return -1;
    json_auto_t *sa = cached_object(srv, "serviceaccounts", ns, sa_name);
    const char *have = sa ? cube_json_str(sa, "metadata", "uid", NULL) : NULL;
    if (!have || strcmp(have, sa_uid))
        return -1;
    _cleanup_free_ char *name = xasprintf("system:serviceaccount:%s:%s", ns, sa_name);
    _cleanup_free_ char *g_ns = xasprintf("system:serviceaccounts:%s", ns);
    const char *groups[] = {"system:serviceaccounts", g_ns};
    *ret = cube_user_new(name, sa_uid, groups, CUBE_ARRAY_SIZE(groups));
    return 0;
}

int cube_sa_token_authenticate(cube_apiserver_t *srv, const char *token, cube_user_t **ret)
{
    if (!srv->sa_key || !cube_jwt_looks_like(token))
        return -1;
    json_auto_t *claims = NULL;
    if (cube_jwt_verify(srv->sa_key, token, &claims) < 0)
        return -1;
    const char *iss = cube_json_str(claims, "iss", NULL);
    if (iss && !strcmp(iss, LEGACY_ISSUER))
        return legacy_authenticate(srv, token, claims, ret);
    if (!iss || strcmp(iss, cube_sa_issuer(srv)))
        return -1;
    if (!audience_ok(srv, json_object_get(claims, "aud")))
        return -1;
    json_int_t now = (json_int_t)time(NULL);
    json_t *exp = json_object_get(claims, "exp"), *nbf = json_object_get(claims, "nbf");
    if (!json_is_integer(exp) || json_integer_value(exp) < now - 60)
        return -1;
    if (json_is_integer(nbf) && json_integer_value(nbf) > now + 60)
        return -1;
    json_t *k8s = json_object_get(claims, "kubernetes.io");
    const char *ns = cube_json_str(k8s, "namespace", NULL);
    const char *sa_name = cube_json_str(k8s, "serviceaccount", "name", NULL);
    const char *sa_uid = cube_json_str(k8s, "serviceaccount", "uid", NULL);
    if (!ns || !sa_name || !sa_uid)
        return -1;
    if (!bound_alive(srv, k8s, "serviceaccount", "serviceaccounts", ns) ||
        !bound_alive(srv, k8s, "pod", "pods", ns) ||
        !bound_alive(srv, k8s, "secret", "secrets", ns))
        return -1;
    _cleanup_free_ char *name = xasprintf("system:serviceaccount:%s:%s", ns, sa_name);
    _cleanup_free_ char *g_ns = xasprintf("system:serviceaccounts:%s", ns);
    const char *groups[] = {"system:serviceaccounts", g_ns};
    *ret = cube_user_new(name, sa_uid, groups, CUBE_ARRAY_SIZE(groups));
    return 0;
}

/* ---- discovery documents -------------------------------------------------- */

json_t *cube_sa_openid_configuration(cube_apiserver_t *srv)
{
    const char *iss = cube_sa_issuer(srv);
    _cleanup_free_ char *jwks = xasprintf("%s/openid/v1/jwks", iss);
    return json_pack("{s:s, s:s, s:[s], s:[s], s:[s]}", "issuer", iss, "jwks_uri", jwks,
                     "response_types_supported", "id_token", "subject_types_supported", "public",
                     "id_token_signing_alg_values_supported", "RS256");
}
