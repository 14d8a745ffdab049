/*
 * OpenAPI v3 documents, derived from the schema tables (src/api/types_*.c)
 * and the resource registry. kubectl reads them for two things: `kubectl
 * explain` walks components.schemas from the schema carrying the kind's
 * x-kubernetes-group-version-kind, and create/apply decide from the PATCH
 * operation's parameters whether the server does field validation
 * (fieldValidation) or kubectl must validate on the client. Each group-version
 * gets one document, addressed from the /openapi/v3 index by a content hash so
 * clients may cache it forever.
 *
 * Documents are built from static tables only, so building is a pure function
 * of the program; the handler asks for the bytes of one path.
 */
#include <openssl/evp.h>

#include "api/internal.h"
#include "apiserver/internal.h"

#define REF_PREFIX "#/components/schemas/"
#define INTSTR_NAME "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
#define QUANTITY_NAME "io.k8s.apimachinery.pkg.api.resource.Quantity"
#define TIME_NAME "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
#define MICROTIME_NAME "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"

/* ---- schemas ------------------------------------------------------------- */

static json_t *ref_to(const char *name)
{
    _cleanup_free_ char *ref = xasprintf(REF_PREFIX "%s", name);
    return json_pack("{s:s}", "$ref", ref);
}

/* A field's reference to a named schema, wrapped as Kubernetes does. */
static json_t *wrapped_ref(const char *name)
{
    return json_pack("{s:[o]}", "allOf", ref_to(name));
}

static void add_type(json_t *schemas, const cube_schema_type_t *t);

/* The schema of one value (one element of an array or map). */
static json_t *value_schema(json_t *schemas, const cube_schema_field_t *f)
{
    switch (f->kind) {
    case CUBE_SK_STRING: {
        json_t *s = json_pack("{s:s}", "type", "string");
        if (f->values) {
            json_t *e = json_array();
            for (const char *const *v = f->values; *v; v++)
                json_array_append_new(e, json_string(*v));
            json_object_set_new(s, "enum", e);
        }
        return s;
    }
    case CUBE_SK_INT32:
        return json_pack("{s:s,s:s}", "type", "integer", "format", "int32");
    case CUBE_SK_INT64:
        return json_pack("{s:s,s:s}", "type", "integer", "format", "int64");
    case CUBE_SK_NUMBER:
        return json_pack("{s:s,s:s}", "type", "number", "format", "double");
    case CUBE_SK_BOOL:
        return json_pack("{s:s}", "type", "boolean");
    case CUBE_SK_OBJECT:
        add_type(schemas, f->type);
        return wrapped_ref(f->type->name);
    case CUBE_SK_INT_OR_STRING:
        return wrapped_ref(INTSTR_NAME);
    case CUBE_SK_QUANTITY:
        return wrapped_ref(QUANTITY_NAME);
    case CUBE_SK_TIME:
        return wrapped_ref(TIME_NAME);
    case CUBE_SK_MICROTIME:
        return wrapped_ref(MICROTIME_NAME);
    case CUBE_SK_BYTES:
        return json_pack("{s:s,s:s}", "type", "string", "format", "byte");
    case CUBE_SK_ANY:
    default:
        return json_pack("{s:s,s:b}", "type", "object", "x-kubernetes-preserve-unknown-fields",
                         true);
    }
}

static json_t *field_schema(json_t *schemas, const cube_schema_field_t *f)
{
    json_t *v = value_schema(schemas, f);
    json_t *s;
    if (f->container == CUBE_SC_ARRAY) {
        if (f->kind == CUBE_SK_OBJECT)
            json_object_set_new(v, "default", json_object());
        s = json_pack("{s:s,s:o}", "type", "array", "items", v);
    } else if (f->container == CUBE_SC_MAP) {
        if (f->kind == CUBE_SK_OBJECT)
            json_object_set_new(v, "default", json_object());
        s = json_pack("{s:s,s:o}", "type", "object", "additionalProperties", v);
    } else {
        s = v;
    }
    if (f->desc)
        json_object_set_new(s, "description", json_string(f->desc));
    if (f->patch_strategy)
        json_object_set_new(s, "x-kubernetes-patch-strategy", json_string(f->patch_strategy));
    if (f->merge_key)
        json_object_set_new(s, "x-kubernetes-patch-merge-key", json_string(f->merge_key));
    if (f->list_type)
        json_object_set_new(s, "x-kubernetes-list-type", json_string(f->list_type));
    if (f->list_keys[0]) {
        json_t *k = json_array();
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(f->list_keys) && f->list_keys[i]; i++)
            json_array_append_new(k, json_string(f->list_keys[i]));
        json_object_set_new(s, "x-kubernetes-list-map-keys", k);
    }
    return s;
}

/* Adds t (and everything it references) to schemas, once. */
static void add_type(json_t *schemas, const cube_schema_type_t *t)
{
    if (json_object_get(schemas, t->name))
        return;
    json_t *props = json_object();
    json_t *req = json_array();
    json_t *s = json_pack("{s:s,s:o}", "type", "object", "properties", props);
    if (t->desc)
        json_object_set_new(s, "description", json_string(t->desc));
    /* Set before descending so recursive types terminate. */
    json_object_set_new(schemas, t->name, s);
    for (const cube_schema_field_t *f = t->fields; f && f->name; f++) {
        json_object_set_new(props, f->name, field_schema(schemas, f));
        if (f->flags & CUBE_SFL_REQUIRED)
            json_array_append_new(req, json_string(f->name));
    }
    if (json_array_size(req))
        json_object_set_new(s, "required", req);
    else
        json_decref(req);
}

static void add_builtin_schemas(json_t *schemas)
{
    json_object_set_new(schemas, INTSTR_NAME,
                        json_pack("{s:s,s:s,s:[{s:s},{s:s}],s:b}", "description",
                                  "IntOrString is a type that can hold an int32 or a string.",
                                  "format", "int-or-string", "oneOf", "type", "integer", "type",
                                  "string", "x-kubernetes-int-or-string", true));
    json_object_set_new(schemas, QUANTITY_NAME,
                        json_pack("{s:s,s:[{s:s},{s:s}]}", "description",
                                  "Quantity is a fixed-point representation of a number, written "
                                  "as a string (\"500m\", \"1Gi\") or a number.",
                                  "oneOf", "type", "string", "type", "number"));
    json_object_set_new(schemas, TIME_NAME,
                        json_pack("{s:s,s:s,s:s}", "description",
                                  "Time is a wrapper around time.Time, serialized in RFC 3339.",
                                  "type", "string", "format", "date-time"));
    json_object_set_new(schemas, MICROTIME_NAME,
                        json_pack("{s:s,s:s,s:s}", "description",
                                  "MicroTime is version of Time with microsecond level precision.",
                                  "type", "string", "format", "date-time"));
}

static json_t *gvk_ext(const cube_resource_t *r, const char *kind)
{
    return json_pack("{s:s,s:s,s:s}", "group", r->group, "kind", kind, "version", r->version);
}

/* ---- operations ---------------------------------------------------------- */

static json_t *query_param(const char *name, const char *desc)
{
    return json_pack("{s:s,s:s,s:s,s:{s:s,s:b}}", "name", name, "in", "query", "description", desc,
                     "schema", "type", "string", "uniqueItems", true);
}

/*
 * The item path of r with its GET and PATCH operations. PATCH lists
 * fieldValidation: kubectl then leaves validation to the server. It has no
 * requestBody, so kubectl apply computes strategic merge patches from its
 * built-in types rather than from these (possibly partial) tables.
 */
static void add_paths(json_t *paths, const cube_resource_t *r, const char *type_name)
{
    char gv[128];
    cube_api_group_version(r, gv, sizeof(gv));
    _cleanup_free_ char *path =
        xasprintf("/%s/%s%s%s/{name}", r->group[0] ? "apis" : "api", gv,
                  r->namespaced ? "/namespaces/{namespace}/" : "/", r->plural);
    json_t *ok = json_pack("{s:{s:s,s:{s:{s:o}}}}", "200", "description", "OK", "content",
                           "application/json", "schema", wrapped_ref(type_name));
    json_t *params = json_array();
    json_array_append_new(params, query_param("dryRun", "When present, indicates that "
                                                        "modifications should not be persisted."));
    json_array_append_new(params, query_param("fieldManager", "The name of the actor making "
                                                              "these changes."));
    json_array_append_new(params,
                          query_param("fieldValidation",
                                      "How the server handles fields it does not know: Ignore, "
                                      "Warn or Strict."));
    json_t *get = json_pack("{s:s,s:s,s:O,s:o}", "description", "read the specified object",
                            "x-kubernetes-action", "get", "responses", ok,
                            "x-kubernetes-group-version-kind", gvk_ext(r, r->kind));
    json_t *patch =
        json_pack("{s:s,s:s,s:o,s:o,s:o}", "description", "partially update the specified object",
                  "x-kubernetes-action", "patch", "parameters", params, "responses", ok,
                  "x-kubernetes-group-version-kind", gvk_ext(r, r->kind));
    json_object_set_new(paths, path, json_pack("{s:o,s:o}", "get", get, "patch", patch));
}

/* ---- documents ----------------------------------------------------------- */

/* "api/v1" or "apis/<group>/<version>" of r. Caller frees. */
static char *gv_path(const cube_resource_t *r)
{
    if (!r->group[0])
        return xasprintf("api/%s", r->version);
    return xasprintf("apis/%s/%s", r->group, r->version);
}

static bool in_gv(const cube_resource_t *r, const char *gvpath)
{
    _cleanup_free_ char *p = gv_path(r);
    return !strcmp(p, gvpath);
}

json_t *cube_openapi_v3_doc(const char *gvpath)
{
    size_t n;
    const cube_resource_t *const *rs = cube_api_resources(&n);
    json_t *schemas = json_object();
    json_t *paths = json_object();
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const cube_resource_t *r = rs[i];
        if (!in_gv(r, gvpath))
            continue;
        const cube_schema_kind_t *k = cube_schema_kind_find(r);
        if (!k || !k->type)
            continue;
        any = true;
        add_type(schemas, k->type);
        json_t *s = json_object_get(schemas, k->type->name);
        json_t *gvks = json_object_get(s, "x-kubernetes-group-version-kind");
        if (!gvks) {
            gvks = json_array();
            json_object_set_new(s, "x-kubernetes-group-version-kind", gvks);
        }
        json_array_append_new(gvks, gvk_ext(r, r->kind));

        /* The list kind: <Type>List with items of the type. */
        add_type(schemas, &cube_schema_list_meta);
        _cleanup_free_ char *list_name = xasprintf("%sList", k->type->name);
        _cleanup_free_ char *ldesc = xasprintf("%s is a list of %s.", r->list_kind, r->kind);
        json_t *ls = json_pack(
            "{s:s,s:s,s:{s:{s:s,s:s},s:{s:s,s:s,s:{s:[o],s:{}}},s:{s:s,s:s},s:{s:[o],s:{},s:s}},"
            "s:[s],s:[o]}",
            "description", ldesc, "type", "object", "properties", "apiVersion", "type", "string",
            "description", "Versioned schema of this object.", "items", "type", "array",
            "description", "The items of the list.", "items", "allOf", ref_to(k->type->name),
            "default", "kind", "type", "string", "description", "Kind of this object.", "metadata",
            "allOf", ref_to(cube_schema_list_meta.name), "default", "description",
            "Standard list metadata.", "required", "items", "x-kubernetes-group-version-kind",
            gvk_ext(r, r->list_kind));
        json_object_set_new(schemas, list_name, ls);
        add_paths(paths, r, k->type->name);
    }
    if (!any) {
        json_decref(schemas);
        json_decref(paths);
        return NULL;
    }
    add_builtin_schemas(schemas);
    return json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:o}}", "openapi", "3.0.0", "info", "title",
                     "Kubernetes", "version", CUBE_GIT_VERSION, "paths", paths, "components",
                     "schemas", schemas);
}

/* Every group-version path ("api/v1", "apis/apps/v1", ...) once, in registry order. */
static json_t *gv_paths(void)
{
    size_t n;
    const cube_resource_t *const *rs = cube_api_resources(&n);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        _cleanup_free_ char *p = gv_path(rs[i]);
        bool seen = false;
        size_t j;
        json_t *v;
        json_array_foreach(a, j, v) seen = seen || !strcmp(json_string_value(v), p);
        if (!seen && cube_schema_kind_find(rs[i]))
            json_array_append_new(a, json_string(p));
    }
    return a;
}

static cube_bytes_t *doc_bytes(const char *gvpath)
{
    json_auto_t *doc = cube_openapi_v3_doc(gvpath);
    if (!doc)
        return NULL;
    _cleanup_free_ char *s = json_dumps(doc, JSON_COMPACT);
    return cube_bytes_new(s, strlen(s));
}

/* Upper-case hex SHA-512 of b, as Kubernetes addresses its documents. */
static void hash_hex(const cube_bytes_t *b, char out[129])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(b->data, b->len, md, &len, EVP_sha512(), NULL);
    for (unsigned i = 0; i < len && i < 64; i++)
        snprintf(out + 2 * i, 3, "%02X", md[i]);
    out[2 * (len < 64 ? len : 64)] = '\0';
}

json_t *cube_openapi_v3_root(void)
{
    json_auto_t *gvs = gv_paths();
    json_t *paths = json_object();
    size_t i;
    json_t *v;
    json_array_foreach(gvs, i, v)
    {
        const char *p = json_string_value(v);
        _cleanup_bytes_ cube_bytes_t *b = doc_bytes(p);
        if (!b)
            continue;
        char h[129];
        hash_hex(b, h);
        _cleanup_free_ char *url = xasprintf("/openapi/v3/%s?hash=%s", p, h);
        json_object_set_new(paths, p, json_pack("{s:s}", "serverRelativeURL", url));
    }
    return json_pack("{s:o}", "paths", paths);
}

cube_bytes_t *cube_openapi_v3_serve(const char *path, const char *hash, bool *immutable,
                                    cube_err_t *err)
{
    *immutable = false;
    if (!strcmp(path, "/openapi/v3") || !strcmp(path, "/openapi/v3/")) {
        json_auto_t *root = cube_openapi_v3_root();
        _cleanup_free_ char *s = json_dumps(root, JSON_COMPACT);
        return cube_bytes_new(s, strlen(s));
    }
    if (strncmp(path, "/openapi/v3/", 12)) {
        cube_err_notfound(err, "the server could not find the requested resource");
        return NULL;
    }
    cube_bytes_t *b = doc_bytes(path + 12);
    if (!b) {
        cube_err_notfound(err, "the server could not find the requested resource");
        return NULL;
    }
    if (hash) {
        char h[129];
        hash_hex(b, h);
        *immutable = !strcmp(h, hash);
    }
    return b;
}

/* ---- fieldValidation=Strict ---------------------------------------------- */

static void unknown_walk(const cube_schema_type_t *t, const char *path, const json_t *obj,
                         cube_buf_t *out);

/* One value of field f (an element when f is an array or map) at path. */
static void unknown_value(const cube_schema_field_t *f, const char *path, const json_t *v,
                          cube_buf_t *out)
{
    if (f->kind == CUBE_SK_OBJECT && json_is_object(v))
        unknown_walk(f->type, path, v, out);
}

static void unknown_walk(const cube_schema_type_t *t, const char *path, const json_t *obj,
                         cube_buf_t *out)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        const cube_schema_field_t *f = cube_schema_field_find(t, key);
        _cleanup_free_ char *p = cube_schema_path(path, key);
        if (!f) {
            cube_buf_printf(out, "%sunknown field \"%s\"", out->len ? ", " : "", p);
            continue;
        }
        if (f->kind != CUBE_SK_OBJECT)
            continue;
        if (f->container == CUBE_SC_ARRAY && json_is_array(v)) {
            size_t i;
            const json_t *e;
            json_array_foreach(v, i, e)
            {
                _cleanup_free_ char *pi = cube_schema_path_index(p, i);
                unknown_value(f, pi, e, out);
            }
        } else if (f->container == CUBE_SC_MAP && json_is_object(v)) {
            const char *k;
            const json_t *e;
            json_object_foreach((json_t *)v, k, e)
            {
                _cleanup_free_ char *pk = cube_schema_path_key(p, k);
                unknown_value(f, pk, e, out);
            }
        } else if (f->container == CUBE_SC_ONE) {
            unknown_value(f, p, v, out);
        }
    }
}

int cube_openapi_strict_check(const cube_resource_t *r, const json_t *obj, cube_err_t *err)
{
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    if (!k || !k->type || !json_is_object(obj))
        return 0;
    cube_buf_t b = CUBE_BUF_INIT;
    unknown_walk(k->type, "", obj, &b);
    bool none = b.len == 0;
    _cleanup_free_ char *found = cube_buf_steal(&b, NULL);
    if (none)
        return 0;
    return cube_err_badrequest(err,
                               "%s in version \"%s\" cannot be handled as a %s: strict decoding "
                               "error: %s",
                               r->kind, r->version, r->kind, found);
}
