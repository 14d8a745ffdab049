/*
 * Pod volumes: the kubelet prepares each volume as a directory on the node,
 * under root-dir/pods/<uid>/volumes/<plugin>/<name> as Kubernetes lays it out
 * (pkg/volume/emptydir, configmap, secret, downwardapi, projected, hostpath),
 * and hands the runtime bind mounts of those directories (CRI Mounts). The
 * runtime never sees a volume, only host paths. emptyDir with medium Memory
 * is a tmpfs; configMap, secret, downwardAPI and projected volumes are files
 * written from the API objects (atomically, so a container never reads a
 * half-written file); subPath mounts a path inside the volume.
 */
#include "kubelet/internal.h"

#include <errno.h>
#include <ftw.h>
#include <sys/mount.h>
#include <sys/stat.h>

static json_t *find_volume(const json_t *pod, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(cube_json_path(pod, "spec", "volumes", NULL), i, v)
    {
        if (!strcmp(cube_json_str(v, "name", NULL) ?: "", name))
            return v;
    }
    return NULL;
}

static char *b64(const char *s)
{
    /* decode standard base64; invalid input gives what decoded so far */
    size_t len = strlen(s);
    char *out = xmalloc(len / 4 * 3 + 4);
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (const char *p = s; *p && *p != '='; p++) {
        const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char *q = strchr(tab, *p);
        if (!q || !*p)
            continue;
        acc = acc << 6 | (uint32_t)(q - tab);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)(acc >> bits & 0xff);
        }
    }
    out[n] = 0;
    return out;
}

/* Writes dir/rel (creating parent dirs) with mode. */
static int write_file(const char *dir, const char *rel, const char *data, size_t len, int mode,
                      cube_err_t *err)
{
    if (strstr(rel, "..") || rel[0] == '/')
        return cube_err_invalid(err, "invalid path \"%s\" in volume", rel);
    _cleanup_free_ char *path = xasprintf("%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = 0;
    if (cube_mkdir_p(path, 0755, err) < 0)
        return -1;
    *slash = '/';
    if (cube_file_write(path, data, len, mode, err) < 0)
        return -1;
    chmod(path, (mode_t)mode);
    return 0;
}

static char *volume_dir(kubelet_t *k, const char *uid, const char *plugin, const char *name)
{
    return xasprintf("%s/pods/%s/volumes/kubernetes.io~%s/%s", k->cfg->root_dir, uid, plugin, name);
}

/* A projected serviceAccountToken source: a TokenRequest for the pod's service account,
 * bound to the pod, written to dir/<path>. With only_stale, only when the file is older than
 * 80% of the token's lifetime (the kubelet's refresh rule) or missing. */
static int write_token(kubelet_t *k, const json_t *pod, const json_t *src, const char *dir,
                       int mode, bool only_stale, cube_err_t *err)
{
    const char *rel = cube_json_str(src, "path", NULL);
    if (!rel || !*rel)
        return cube_err_invalid(err, "serviceAccountToken projection without a path");
    json_int_t ttl = json_integer_value(json_object_get(src, "expirationSeconds"));
    if (ttl <= 0)
        ttl = 3607;
    if (only_stale) {
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, rel);
        struct stat sb;
        if (stat(path, &sb) == 0 && time(NULL) - sb.st_mtime < ttl * 8 / 10)
            return 0;
    }
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    const char *sa = cube_json_str(pod, "spec", "serviceAccountName", NULL) ?: "default";
    json_auto_t *req = json_pack(
        "{s:s,s:s,s:{s:I,s:{s:s,s:s,s:s,s:s}}}", "apiVersion", "authentication.k8s.io/v1", "kind",
        "TokenRequest", "spec", "expirationSeconds", ttl, "boundObjectRef", "kind", "Pod",
        "apiVersion", "v1", "name", cube_json_str(pod, "metadata", "name", NULL) ?: "", "uid",
        cube_json_str(pod, "metadata", "uid", NULL) ?: "");
    const char *aud = cube_json_str(src, "audience", NULL);
    if (aud && *aud)
        json_object_set_new(json_object_get(req, "spec"), "audiences", json_pack("[s]", aud));
    json_auto_t *resp = NULL;
    if (cube_client_post_sub(k->client, cube_api_resource_find("", "v1", "serviceaccounts"), ns, sa,
                             "token", req, &resp, err) < 0)
        return -1;
    const char *token = cube_json_str(resp, "status", "token", NULL);
    if (!token)
        return cube_err_internal(err, "TokenRequest for %s/%s answered no token", ns, sa);
    return write_file(dir, rel, token, strlen(token), mode, err);
}

void kl_volumes_refresh_tokens(kubelet_t *k, const json_t *pod)
{
    const char *uid = cube_json_str(pod, "metadata", "uid", NULL);
    size_t i, j;
    json_t *v, *s;
    json_array_foreach(cube_json_path(pod, "spec", "volumes", NULL), i, v)
    {
        json_t *proj = json_object_get(v, "projected");
        if (!proj)
            continue;
        _cleanup_free_ char *dir =
            volume_dir(k, uid, "projected", cube_json_str(v, "name", NULL) ?: "");
        struct stat sb;
        if (stat(dir, &sb) < 0)
            continue; /* not set up (yet) */
        int mode = (int)(json_integer_value(json_object_get(proj, "defaultMode")) ?: 0644);
        json_array_foreach(json_object_get(proj, "sources"), j, s)
        {
            json_t *x = json_object_get(s, "serviceAccountToken");
            cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
            if (x && write_token(k, pod, x, dir, mode, true, &err) < 0)
                cube_log_warn("refreshing the token of pod %s: %s", uid, err.msg);
        }
    }
}

static int mode_of(const json_t *item, const json_t *src, int dflt)
{
    json_t *m = json_object_get(item, "mode");
    if (!json_is_integer(m))
        m = json_object_get(src, "defaultMode");
    return json_is_integer(m) ? (int)json_integer_value(m) : dflt;
}

/* configMap or secret source into dir. */
static int write_keys(kubelet_t *k, const json_t *pod, const char *kind, const json_t *src,
                      const char *dir, int dflt_mode, cube_err_t *err)
{
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    const char *name = cube_json_str(src, !strcmp(kind, "Secret") ? "secretName" : "name", NULL);
    if (!name)
        name = cube_json_str(src, "name", NULL);
    const cube_resource_t *r =
        cube_api_resource_find("", "v1", !strcmp(kind, "Secret") ? "secrets" : "configmaps");
    json_auto_t *obj = NULL;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (!name || cube_client_get(k->client, r, ns, name, &obj, &e) < 0) {
        if (json_is_true(json_object_get(src, "optional")))
            return 0;
        return cube_err_notfound(err, "%s \"%s\" not found",
                                 !strcmp(kind, "Secret") ? "secret" : "configmap",
                                 name ? name : "");
    }
    json_t *data = json_object_get(obj, "data");
    json_t *items = json_object_get(src, "items");
    const char *key;
    json_t *v;
    if (json_array_size(items)) {
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            key = cube_json_str(it, "key", NULL);
            const char *path = cube_json_str(it, "path", NULL);
            const char *val = key ? json_string_value(json_object_get(data, key)) : NULL;
            if (!val || !path) {
                if (json_is_true(json_object_get(src, "optional")))
                    continue;
                return cube_err_notfound(err, "configmap references non-existent config key: %s",
                                         key ? key : "");
            }
            _cleanup_free_ char *bytes = !strcmp(kind, "Secret") ? b64(val) : xstrdup(val);
            if (write_file(dir, path, bytes, strlen(bytes), mode_of(it, src, dflt_mode), err) < 0)
                return -1;
        }
        return 0;
    }
    json_object_foreach(data, key, v)
    {
        const char *val = json_string_value(v);
        _cleanup_free_ char *bytes = !strcmp(kind, "Secret") ? b64(val) : xstrdup(val);
        if (write_file(dir, key, bytes, strlen(bytes), mode_of(NULL, src, dflt_mode), err) < 0)
            return -1;
    }
    return 0;
}

static int write_downward(kubelet_t *k, const json_t *pod, const json_t *src, const char *dir,
                          cube_err_t *err)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(src, "items"), i, it)
    {
        const char *path = cube_json_str(it, "path", NULL);
        const char *fp = cube_json_str(it, "fieldRef", "fieldPath", NULL);
        if (!path)
            continue;
        cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
        if (fp && (!strcmp(fp, "metadata.labels") || !strcmp(fp, "metadata.annotations"))) {
            json_t *m = cube_json_path(pod, "metadata", fp + 9, NULL);
            const char *key;
            json_t *v;
            json_object_foreach(m, key, v)
            {
                if (b.len)
                    cube_buf_putc(&b, '\n');
                cube_buf_printf(&b, "%s=", key);
                cube_buf_go_quote(&b, json_string_value(v));
            }
        } else if (fp) {
            /* the same fields env fieldRefs give */
            json_auto_t *fake = json_pack("{s:s,s:{s:{s:s}}}", "name", "x", "valueFrom", "fieldRef",
                                          "fieldPath", fp);
            json_auto_t *ctr = json_pack("{s:s,s:[O]}", "name", "x", "env", fake);
            json_auto_t *env = NULL;
            if (kl_container_env(pod, ctr, k->node_ip, NULL, NULL, NULL, &env, err) < 0)
                return -1;
            cube_buf_puts(&b, json_string_value(json_array_get(json_array_get(env, 0), 1)) ?: "");
        } else {
            continue;
        }
        if (write_file(dir, path, b.data ? b.data : "", b.len, mode_of(it, src, 0644), err) < 0)
            return -1;
    }
    return 0;
}

/* Sets volume v up; *ret: its host path (owned). */
static int setup_volume(kubelet_t *k, const json_t *pod, const json_t *v, char **ret,
                        cube_err_t *err)
{
    const char *uid = cube_json_str(pod, "metadata", "uid", NULL);
    const char *name = cube_json_str(v, "name", NULL);
    json_t *src;
    if ((src = json_object_get(v, "hostPath"))) {
        const char *path = cube_json_str(src, "path", NULL);
        const char *type = cube_json_str(src, "type", NULL);
        if (!path)
            return cube_err_invalid(err, "hostPath volume \"%s\" has no path", name);
        if (type && !strcmp(type, "DirectoryOrCreate") && cube_mkdir_p(path, 0755, err) < 0)
            return -1;
        *ret = xstrdup(path);
        return 0;
    }
    const char *plugin = json_object_get(v, "emptyDir")      ? "empty-dir"
                         : json_object_get(v, "configMap")   ? "configmap"
                         : json_object_get(v, "secret")      ? "secret"
                         : json_object_get(v, "downwardAPI") ? "downward-api"
                         : json_object_get(v, "projected")   ? "projected"
                                                             : NULL;
    if (!plugin)
        return cube_err_invalid(err, "volume \"%s\": unsupported volume type", name);
    _cleanup_free_ char *dir = volume_dir(k, uid, plugin, name);
    struct stat sb;
    bool fresh = stat(dir, &sb) < 0;
    if (cube_mkdir_p(dir, 0755, err) < 0)
        return -1;
    if ((src = json_object_get(v, "emptyDir"))) {
        chmod(dir, 0777);
        const char *medium = cube_json_str(src, "medium", NULL);
        if (fresh && medium && !strcmp(medium, "Memory")) {
            _cleanup_free_ char *opts = NULL;
            const char *size = cube_json_str(src, "sizeLimit", NULL);
            int64_t milli = 0;
            cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
            if (size && cube_quantity_parse(size, &milli, &e) == 0 && milli > 0)
                opts = xasprintf("size=%lld", (long long)(milli / 1000));
            if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
                return cube_err_errno(err, errno, "mounting tmpfs for volume \"%s\"", name);
        }
    } else if ((src = json_object_get(v, "configMap"))) {
        if (write_keys(k, pod, "ConfigMap", src, dir, 0644, err) < 0)
            return -1;
    } else if ((src = json_object_get(v, "secret"))) {
        if (write_keys(k, pod, "Secret", src, dir, 0644, err) < 0)
            return -1;
    } else if ((src = json_object_get(v, "downwardAPI"))) {
        if (write_downward(k, pod, src, dir, err) < 0)
            return -1;
    } else if ((src = json_object_get(v, "projected"))) {
        size_t i;
        json_t *s;
        int mode = (int)(json_integer_value(json_object_get(src, "defaultMode")) ?: 0644);
        json_array_foreach(json_object_get(src, "sources"), i, s)
        {
            json_t *x;
            if ((x = json_object_get(s, "configMap")) &&
                write_keys(k, pod, "ConfigMap", x, dir, mode, err) < 0)
                return -1;
            if ((x = json_object_get(s, "secret")) &&
                write_keys(k, pod, "Secret", x, dir, mode, err) < 0)
                return -1;
            if ((x = json_object_get(s, "downwardAPI")) && write_downward(k, pod, x, dir, err) < 0)
                return -1;
            if ((x = json_object_get(s, "serviceAccountToken")) &&
                write_token(k, pod, x, dir, mode, true, err) < 0)
                return -1;
        }
    }
    *ret = TAKE_PTR(dir);
    return 0;
}

int kl_volume_mounts(kubelet_t *k, const json_t *pod, const json_t *c, json_t **ret,
                     cube_err_t *err)
{
    json_auto_t *mounts = json_array();
    size_t i;
    json_t *vm;
    json_array_foreach(json_object_get(c, "volumeMounts"), i, vm)
    {
        const char *name = cube_json_str(vm, "name", NULL);
        const char *path = cube_json_str(vm, "mountPath", NULL);
        json_t *v = name ? find_volume(pod, name) : NULL;
        if (!v || !path)
            return cube_err_invalid(err, "cannot find volume \"%s\" to mount into container \"%s\"",
                                    name ? name : "", cube_json_str(c, "name", NULL) ?: "");
        _cleanup_free_ char *host = NULL;
        if (setup_volume(k, pod, v, &host, err) < 0)
            return -1;
        const char *sub = cube_json_str(vm, "subPath", NULL);
        if (sub && *sub) {
            if (strstr(sub, "..") || sub[0] == '/')
                return cube_err_invalid(err, "invalid subPath \"%s\"", sub);
            char *full = xasprintf("%s/%s", host, sub);
            free(host);
            host = full;
            struct stat sb;
            if (stat(host, &sb) < 0 && cube_mkdir_p(host, 0777, err) < 0)
                return -1;
        }
        bool ro = json_is_true(json_object_get(vm, "readOnly")) ||
                  json_object_get(v, "configMap") || json_object_get(v, "secret") ||
                  json_object_get(v, "downwardAPI") || json_object_get(v, "projected");
        json_array_append_new(mounts, json_pack("{s:s,s:s,s:b}", "containerPath", path, "hostPath",
                                                host, "readOnly", ro));
    }
    *ret = json_incref(mounts);
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void kl_volumes_cleanup(kubelet_t *k, const char *uid)
{
    if (!uid || !*uid || strchr(uid, '/'))
        return;
    _cleanup_free_ char *ed = volume_dir(k, uid, "empty-dir", "");
    /* tmpfs emptyDirs first: never delete through a mount into something else */
    _cleanup_fclose_ FILE *m = fopen("/proc/self/mounts", "re");
    char line[4096];
    while (m && fgets(line, sizeof(line), m)) {
        char dev[256], mnt[2048];
        if (sscanf(line, "%255s %2047s", dev, mnt) == 2 && !strncmp(mnt, ed, strlen(ed)))
            umount2(mnt, MNT_DETACH);
    }
    _cleanup_free_ char *dir = xasprintf("%s/pods/%s", k->cfg->root_dir, uid);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
