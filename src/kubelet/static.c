/*
 * Static pods (pkg/kubelet/config/file.go, pod/mirror_client.go): pods the
 * kubelet runs from manifest files in --pod-manifest-path rather than from
 * the API, as kubeadm runs its control plane. Each file (YAML or JSON, one
 * pod) becomes a pod named "<name>-<node>" bound to this node, with the
 * defaults the API server would have applied, a uid that is the hash of the
 * manifest and the node (so an edited file is a new pod and an unchanged one
 * keeps its containers across kubelet restarts), and the annotations
 * kubernetes.io/config.source=file and kubernetes.io/config.hash=<uid>.
 *
 * The API learns of them through mirror pods: a copy created by the kubelet
 * with the annotation kubernetes.io/config.mirror=<hash> and the Node as its
 * owner. The pod workers run the static pod itself and write its status to
 * the mirror; a mirror deleted by a user is recreated, a mirror whose static
 * pod is gone is deleted. The directory is read every second.
 */
#include "kubelet/internal.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#define ANN_SOURCE "kubernetes.io/config.source"
#define ANN_HASH "kubernetes.io/config.hash"
#define ANN_SEEN "kubernetes.io/config.seen"

/* The static pod of one manifest file, or NULL (the reason logged once per file content). */
static json_t *load_manifest(kubelet_t *k, const char *path)
{
    _cleanup_free_ char *data = NULL;
    size_t len = 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_file_read(path, &data, &len, &err) < 0)
        return NULL;
    json_t *pod = NULL;
    if (cube_yaml_decode(data, len, &pod, &err) < 0 || !json_is_object(pod)) {
        cube_log_v(2, "static pod manifest %s: %s", path, err.msg[0] ? err.msg : "not an object");
        json_decref(pod);
        return NULL;
    }
    if (strcmp(cube_json_str(pod, "kind", NULL) ?: "", "Pod") ||
        !cube_json_str(pod, "metadata", "name", NULL)) {
        cube_log_v(2, "static pod manifest %s: not a named Pod", path);
        json_decref(pod);
        return NULL;
    }
    /* the uid: a hash of what the file says and where it runs */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, data, len);
    EVP_DigestUpdate(ctx, k->cfg->node_name, strlen(k->cfg->node_name));
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    char uid[33];
    for (int i = 0; i < 16; i++)
        snprintf(uid + 2 * i, 3, "%02x", md[i]);

    json_t *meta = cube_json_obj(pod, "metadata");
    _cleanup_free_ char *name =
        xasprintf("%s-%s", cube_json_str(meta, "name", NULL), k->cfg->node_name);
    json_object_set_new(meta, "name", json_string(name));
    if (!cube_json_str(meta, "namespace", NULL))
        json_object_set_new(meta, "namespace", json_string("default"));
    json_object_set_new(meta, "uid", json_string(uid));
    json_t *ann = cube_json_obj(meta, "annotations");
    json_object_set_new(ann, ANN_SOURCE, json_string("file"));
    json_object_set_new(ann, ANN_HASH, json_string(uid));
    json_t *spec = cube_json_obj(pod, "spec");
    json_object_set_new(spec, "nodeName", json_string(k->cfg->node_name));
    /* as the kubelet does: a static pod tolerates every NoExecute taint */
    json_t *tols = json_object_get(spec, "tolerations");
    if (!json_is_array(tols))
        json_object_set_new(spec, "tolerations", tols = json_array());
    json_array_append_new(tols,
                          json_pack("{s:s,s:s}", "operator", "Exists", "effect", "NoExecute"));
    const cube_resource_t *r = cube_api_resource_find("", "v1", "pods");
    cube_api_default(r, pod);
    cube_api_prepare(r, CUBE_OP_CREATE, pod, NULL);
    return pod;
}

/* Reads the manifest directory: "ns/name" -> static pod. */
static json_t *read_dir(kubelet_t *k)
{
    json_t *pods = json_object();
    DIR *d = opendir(k->cfg->pod_manifest_path);
    if (!d)
        return pods;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        _cleanup_free_ char *path = xasprintf("%s/%s", k->cfg->pod_manifest_path, e->d_name);
        struct stat sb;
        if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
            continue;
        json_t *pod = load_manifest(k, path);
        if (!pod)
            continue;
        _cleanup_free_ char *key = cube_object_key(pod);
        json_object_set_new(pods, key, pod);
    }
    closedir(d);
    return pods;
}

json_t *kl_static_get(kubelet_t *k, const char *key)
{
    pthread_mutex_lock(&k->lock);
    json_t *pod = json_incref(json_object_get(k->static_pods, key));
    pthread_mutex_unlock(&k->lock);
    return pod;
}

const char *kl_mirror_hash(const json_t *pod)
{
    return cube_json_str(pod, "metadata", "annotations", "kubernetes.io/config.mirror", NULL);
}

/* The mirror pod of static pod sp, as the kubelet creates it. */
static json_t *mirror_of(kubelet_t *k, const json_t *sp)
{
    json_t *m = json_deep_copy(sp);
    json_t *meta = json_object_get(m, "metadata");
    const char *hash = cube_json_str(meta, "uid", NULL);
    json_object_set_new(cube_json_obj(meta, "annotations"), "kubernetes.io/config.mirror",
                        json_string(hash));
    json_object_del(meta, "uid");
    json_object_del(m, "status");
    if (k->node_uid)
        json_object_set_new(meta, "ownerReferences",
                            json_pack("[{s:s,s:s,s:s,s:s,s:b}]", "apiVersion", "v1", "kind", "Node",
                                      "name", k->cfg->node_name, "uid", k->node_uid, "controller",
                                      1));
    return m;
}

static void delete_mirror(kubelet_t *k, const json_t *m)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *opts = json_pack("{s:s,s:s,s:i,s:{s:s}}", "kind", "DeleteOptions", "apiVersion",
                                  "v1", "gracePeriodSeconds", 0, "preconditions", "uid",
                                  cube_json_str(m, "metadata", "uid", NULL) ?: "");
    if (cube_client_delete(k->client, cube_api_resource_find("", "v1", "pods"),
                           cube_json_str(m, "metadata", "namespace", NULL),
                           cube_json_str(m, "metadata", "name", NULL), opts, &err) < 0 &&
        err.code != 404 && err.code != 409)
        cube_log_warn("deleting mirror pod %s: %s", cube_json_str(m, "metadata", "name", NULL),
                      err.msg);
}

void kl_static_sync(kubelet_t *k)
{
    if (!k->cfg->pod_manifest_path || !*k->cfg->pod_manifest_path)
        return;
    json_auto_t *now = read_dir(k);
    json_auto_t *changed = json_array();
    pthread_mutex_lock(&k->lock);
    const char *key;
    json_t *pod;
    json_object_foreach(now, key, pod)
    {
        json_t *had = json_object_get(k->static_pods, key);
        if (!had || strcmp(cube_json_str(had, "metadata", "uid", NULL),
                           cube_json_str(pod, "metadata", "uid", NULL)))
            json_array_append_new(changed, json_string(key));
    }
    json_object_foreach(k->static_pods, key, pod)
    {
        if (!json_object_get(now, key))
            json_array_append_new(changed, json_string(key));
    }
    json_decref(k->static_pods);
    k->static_pods = json_incref(now);
    pthread_mutex_unlock(&k->lock);
    size_t i;
    json_t *v;
    json_array_foreach(changed, i, v)
    {
        cube_log_info("Static pod \"%s\" %s", json_string_value(v),
                      json_object_get(now, json_string_value(v)) ? "found" : "removed");
        cube_workqueue_add(k->queue, json_string_value(v));
    }

    /* mirror pods: one, current, per static pod; none without one */
    const cube_resource_t *r = cube_api_resource_find("", "v1", "pods");
    json_object_foreach(now, key, pod)
    {
        _cleanup_free_ char *ns = NULL, *name = NULL;
        cube_split_key(key, &ns, &name);
        json_auto_t *m = cube_informer_get(k->pods, ns, name);
        const char *uid = cube_json_str(pod, "metadata", "uid", NULL);
        if (m && (cube_json_str(m, "metadata", "deletionTimestamp", NULL) ||
                  strcmp(kl_mirror_hash(m) ?: "", uid))) {
            delete_mirror(k, m);
            continue; /* created anew once the old one is gone */
        }
        if (m)
            continue;
        json_auto_t *mirror = mirror_of(k, pod);
        json_auto_t *created = NULL;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_client_create(k->client, r, ns, mirror, &created, &err) < 0 && err.code != 409)
            cube_log_warn("creating mirror pod \"%s\": %s", key, err.msg);
    }
    json_t **pods = NULL;
    size_t n = cube_informer_list(k->pods, &pods);
    for (i = 0; i < n; i++) {
        if (!kl_mirror_hash(pods[i]))
            continue;
        _cleanup_free_ char *pkey = cube_object_key(pods[i]);
        if (!json_object_get(now, pkey) &&
            !cube_json_str(pods[i], "metadata", "deletionTimestamp", NULL))
            delete_mirror(k, pods[i]);
    }
    cube_json_refs_free(pods, n);
}
