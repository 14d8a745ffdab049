/*
 * Kubeconfig loading: how every component and test finds the API server and
 * proves who it is. The file is the one kubectl reads (YAML or JSON, its
 * current-context naming a cluster and a user); certificates come inline as
 * base64 "*-data" or as files relative to the kubeconfig's directory. The
 * in-cluster form reads the service account's token and CA as client-go's
 * rest.InClusterConfig does.
 */
#include "client/client.h"

#include <libgen.h>
#include <openssl/evp.h>

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* Decodes base64 (whitespace ignored). NULL on bad input. */
static char *b64_decode(const char *in, size_t *ret_len)
{
    size_t n = strlen(in);
    _cleanup_free_ char *clean = xmalloc(n + 4);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (in[i] != ' ' && in[i] != '\n' && in[i] != '\r' && in[i] != '\t')
            clean[m++] = in[i];
    while (m % 4) /* tolerate unpadded input */
        clean[m++] = '=';
    clean[m] = 0;
    if (m == 0) {
        *ret_len = 0;
        return xstrdup("");
    }
    char *out = xmalloc(m / 4 * 3 + 1);
    int r = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)clean, (int)m);
    if (r < 0) {
        free(out);
        return NULL;
    }
    size_t len = (size_t)r;
    for (size_t i = m; i > 0 && clean[i - 1] == '=' && len > 0; i--)
        len--;
    out[len] = 0;
    *ret_len = len;
    return out;
}

/* The entry named name in a kubeconfig list ("clusters", "users", "contexts"), its inner field. */
static json_t *named(const json_t *doc, const char *list, const char *inner, const char *name)
{
    json_t *arr = json_object_get(doc, list);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        const char *n = cube_json_str(e, "name", NULL);
        if (n && !strcmp(n, name))
            return json_object_get(e, inner);
    }
    return NULL;
}

/* Fills *ret with the PEM text from "<key>-data" (base64) or "<key>" (a file). */
static int pem_field(const char *path, const char *dir, const json_t *sect, const char *key,
                     char **ret, cube_err_t *err)
{
    char dkey[96];
    snprintf(dkey, sizeof(dkey), "%s-data", key);
    const char *data = cube_json_str(sect, dkey, NULL);
    if (data && *data) {
        size_t len;
        char *pem = b64_decode(data, &len);
        if (!pem)
            return cube_err_badrequest(err, "kubeconfig %s: %s is not valid base64", path, dkey);
        *ret = pem;
        return 0;
    }
    const char *file = cube_json_str(sect, key, NULL);
    if (file && *file) {
        _cleanup_free_ char *full = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", dir, file);
        char *pem = NULL;
        if (cube_file_read(full, &pem, NULL, err) < 0) {
            cube_err_set(err, 400, "BadRequest", "kubeconfig %s: %s: %s", path, key, err->msg);
            return -1;
        }
        *ret = pem;
    }
    return 0;
}

static bool truthy(const json_t *v)
{
    if (json_is_boolean(v))
        return json_is_true(v);
    if (json_is_string(v))
        return !strcmp(json_string_value(v), "true");
    return false;
}

static char *default_path(void)
{
    const char *env = getenv("KUBECONFIG");
    if (env && *env) {
        /* a list: the first entry that exists */
        _cleanup_free_ char *copy = xstrdup(env);
        char *save = NULL;
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save))
            if (access(p, R_OK) == 0)
                return xstrdup(p);
        char *colon = strchr(env, ':');
        return colon ? xstrndup(env, (size_t)(colon - env)) : xstrdup(env);
    }
    const char *home = getenv("HOME");
    return xasprintf("%s/.kube/config", home && *home ? home : "/root");
}

int cube_client_config_load(const char *path_in, cube_client_config_t *ret, cube_err_t *err)
{
    _cleanup_free_ char *path = path_in ? xstrdup(path_in) : default_path();
    _cleanup_free_ char *data = NULL;
    size_t len = 0;
    if (cube_file_read(path, &data, &len, err) < 0) {
        cube_err_set(err, 400, "BadRequest", "loading kubeconfig: %s", err->msg);
        return -1;
    }
    json_auto_t *doc = NULL;
    size_t skip = strspn(data, " \t\r\n");
    if (data[skip] == '{') {
        json_error_t je;
        doc = json_loadb(data, len, 0, &je);
        if (!doc)
            return cube_err_badrequest(err, "kubeconfig %s: line %d: %s", path, je.line, je.text);
    } else if (cube_yaml_decode(data, len, &doc, err) < 0) {
        cube_err_set(err, 400, "BadRequest", "kubeconfig %s: %s", path, err->msg);
        return -1;
    }
    _cleanup_free_ char *dcopy = xstrdup(path);
    const char *dir = dirname(dcopy);

    const char *ctx_name = cube_json_str(doc, "current-context", NULL);
    json_t *ctx = NULL;
    if (ctx_name && *ctx_name) {
        ctx = named(doc, "contexts", "context", ctx_name);
        if (!ctx)
            return cube_err_badrequest(err, "kubeconfig %s: context \"%s\" not found", path,
                                       ctx_name);
    } else if (json_array_size(json_object_get(doc, "contexts")) == 1) {
        ctx = json_object_get(json_array_get(json_object_get(doc, "contexts"), 0), "context");
    }
    if (!json_is_object(ctx))
        return cube_err_badrequest(err, "kubeconfig %s: no current-context", path);
    const char *cl_name = cube_json_str(ctx, "cluster", NULL);
    const char *user_name = cube_json_str(ctx, "user", NULL);
    json_t *cluster = cl_name ? named(doc, "clusters", "cluster", cl_name) : NULL;
    if (!json_is_object(cluster))
        return cube_err_badrequest(err, "kubeconfig %s: cluster \"%s\" not found", path,
                                   cl_name ? cl_name : "");
    json_t *user = user_name ? named(doc, "users", "user", user_name) : NULL;
    if (user_name && *user_name && !json_is_object(user))
        return cube_err_badrequest(err, "kubeconfig %s: user \"%s\" not found", path, user_name);

    const char *server = cube_json_str(cluster, "server", NULL);
    if (!server || !*server)
        return cube_err_badrequest(err, "kubeconfig %s: cluster \"%s\" has no server", path,
                                   cl_name);
    cube_client_config_t cfg = {0};
    cfg.server = xstrdup(server);
    cfg.insecure = truthy(json_object_get(cluster, "insecure-skip-tls-verify"));
    if (pem_field(path, dir, cluster, "certificate-authority", &cfg.ca_pem, err) < 0 ||
        pem_field(path, dir, user, "client-certificate", &cfg.cert_pem, err) < 0 ||
        pem_field(path, dir, user, "client-key", &cfg.key_pem, err) < 0) {
        cube_client_config_clear(&cfg);
        return -1;
    }
    const char *token = cube_json_str(user, "token", NULL);
    if (token && *token)
        cfg.token = xstrdup(token);
    const char *tf = cube_json_str(user, "tokenFile", NULL);
    if (tf && *tf)
        cfg.token_file = tf[0] == '/' ? xstrdup(tf) : xasprintf("%s/%s", dir, tf);
    if (!!cfg.cert_pem != !!cfg.key_pem) {
        cube_client_config_clear(&cfg);
        return cube_err_badrequest(err,
                                   "kubeconfig %s: user \"%s\" has a client certificate without "
                                   "a key or a key without a certificate",
                                   path, user_name ? user_name : "");
    }
    *ret = cfg;
    return 0;
}

int cube_client_config_incluster(cube_client_config_t *ret, cube_err_t *err)
{
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    const char *port = getenv("KUBERNETES_SERVICE_PORT");
    if (!host || !*host || !port || !*port)
        return cube_err_badrequest(err, "unable to load in-cluster configuration, "
                                        "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                                        "must be defined");
    cube_client_config_t cfg = {0};
    if (access(SA_DIR "/token", R_OK) < 0)
        return cube_err_badrequest(err, "in-cluster configuration: %s/token is not readable",
                                   SA_DIR);
    if (cube_file_read(SA_DIR "/ca.crt", &cfg.ca_pem, NULL, err) < 0) {
        cube_err_prefix(err, "in-cluster configuration");
        return -1;
    }
    bool v6 = strchr(host, ':') != NULL;
    cfg.server = xasprintf("https://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port);
    cfg.token_file = xstrdup(SA_DIR "/token");
    *ret = cfg;
    return 0;
}
