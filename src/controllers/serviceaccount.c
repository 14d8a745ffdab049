/*
 * serviceaccount: every namespace gets a "default" ServiceAccount (recreated
 * when deleted) and the kube-root-ca.crt ConfigMap holding the cluster CA
 * (kept equal to --root-ca-file), as Kubernetes' serviceaccounts-controller
 * and root-ca-cert-publisher do, so pods can always name the default account
 * and verify the API server.
 */
#include "controllers/controllers.h"

#define ROOT_CA_CM "kube-root-ca.crt"
#define ROOT_CA_DESCRIPTION                                                                        \
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "      \
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "      \
    "guaranteed across distributions of Kubernetes clusters."

typedef struct sa_ctrl {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *nss, *sas, *cms;
    cube_informer_t *ns_inf, *sa_inf, *cm_inf;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *workers;
} sa_ctrl_t;

static void enqueue_ns_of(sa_ctrl_t *c, const json_t *obj, const char *only_name)
{
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    if (ns && name && !strcmp(name, only_name))
        cube_workqueue_add(c->q, ns);
}

static void on_ns(json_t *ns, void *ud)
{
    cube_ctrl_enqueue(((sa_ctrl_t *)ud)->q, ns);
}

static void on_ns_update(json_t *old, json_t *ns, void *ud)
{
    cube_ctrl_enqueue(((sa_ctrl_t *)ud)->q, ns);
}

static void on_sa_delete(json_t *sa, void *ud)
{
    enqueue_ns_of(ud, sa, "default");
}

static void on_cm_update(json_t *old, json_t *cm, void *ud)
{
    enqueue_ns_of(ud, cm, ROOT_CA_CM);
}

static void on_cm_delete(json_t *cm, void *ud)
{
    enqueue_ns_of(ud, cm, ROOT_CA_CM);
}

static int ensure_sa(sa_ctrl_t *c, const char *ns, cube_err_t *err)
{
    json_auto_t *sa = cube_informer_get(c->sa_inf, ns, "default");
    if (sa)
        return 0;
    json_auto_t *obj = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind",
                                 "ServiceAccount", "metadata", "name", "default");
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_create(c->ctx->client, c->sas, ns, obj, NULL, &e) < 0 && e.code != 409) {
        /* A namespace going away refuses new objects: nothing to do. */
        if (e.code == 403 || e.code == 404)
            return 0;
        cube_err_move(err, &e);
        return -1;
    }
    return 0;
}

static int ensure_ca(sa_ctrl_t *c, const char *ns, cube_err_t *err)
{
    const char *pem = c->ctx->cfg->root_ca_pem;
    if (!pem || !*pem)
        return 0;
    json_auto_t *cm = cube_informer_get(c->cm_inf, ns, ROOT_CA_CM);
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (!cm) {
        json_auto_t *obj =
            json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:{s:s}}", "apiVersion", "v1", "kind",
                      "ConfigMap", "metadata", "name", ROOT_CA_CM, "annotations",
                      "kubernetes.io/description", ROOT_CA_DESCRIPTION, "data", "ca.crt", pem);
        if (cube_client_create(c->ctx->client, c->cms, ns, obj, NULL, &e) < 0 && e.code != 409 &&
            e.code != 403 && e.code != 404) {
            cube_err_move(err, &e);
            return -1;
        }
        return 0;
    }
    json_t *data = json_object_get(cm, "data");
    if (json_object_size(data) == 1 &&
        !strcmp(json_string_value(json_object_get(data, "ca.crt")) ?: "", pem))
        return 0;
    json_auto_t *copy = json_deep_copy(cm);
    json_object_set_new(copy, "data", json_pack("{s:s}", "ca.crt", pem));
    json_object_del(copy, "binaryData");
    if (cube_client_update(c->ctx->client, c->cms, copy, NULL, NULL, &e) < 0 && e.code != 404) {
        cube_err_move(err, &e);
        return -1;
    }
    return 0;
}

static int sync_ns(const char *key, void *state)
{
    sa_ctrl_t *c = state;
    json_auto_t *ns = cube_informer_get(c->ns_inf, NULL, key);
    if (!ns || cube_json_path(ns, "metadata", "deletionTimestamp", NULL))
        return 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int rc = 0;
    if (ensure_sa(c, key, &err) < 0)
        rc = -1;
    cube_err_clear(&err);
    if (ensure_ca(c, key, &err) < 0)
        rc = -1;
    if (rc < 0)
        cube_log_v(2, "serviceaccount %s: %s", key, err.msg);
    return rc;
}

static int start_sa(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    sa_ctrl_t *c = xcalloc(1, sizeof(*c));
    c->ctx = ctx;
    c->nss = cube_api_resource_find("", "v1", "namespaces");
    c->sas = cube_api_resource_find("", "v1", "serviceaccounts");
    c->cms = cube_api_resource_find("", "v1", "configmaps");
    if (!c->nss || !c->sas || !c->cms) {
        free(c);
        return cube_err_internal(err, "resources not served");
    }
    c->q = cube_workqueue_new("serviceaccount", 5, 300 * 1000, 0, 0);
    c->ns_inf = cube_informers_get(ctx->informers, c->nss, NULL);
    c->sa_inf = cube_informers_get(ctx->informers, c->sas, NULL);
    c->cm_inf = cube_informers_get(ctx->informers, c->cms, NULL);
    const cube_informer_handlers_t nh = {on_ns, on_ns_update, NULL, c};
    const cube_informer_handlers_t sh = {NULL, NULL, on_sa_delete, c};
    const cube_informer_handlers_t ch = {NULL, on_cm_update, on_cm_delete, c};
    cube_informer_add_handlers(c->ns_inf, &nh);
    cube_informer_add_handlers(c->sa_inf, &sh);
    cube_informer_add_handlers(c->cm_inf, &ch);
    c->workers = cube_ctrl_workers_start(ctx, c->q, 1, sync_ns, c);
    *ret_state = c;
    return 0;
}

static void stop_sa(void *state)
{
    sa_ctrl_t *c = state;
    if (!c)
        return;
    cube_ctrl_workers_stop(c->workers);
    cube_workqueue_free(c->q);
    free(c);
}

const cube_controller_ops_t cube_ctrl_serviceaccount = {
    .name = "serviceaccount", .start = start_sa, .stop = stop_sa};
