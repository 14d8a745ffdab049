/*
 * OpenAPI documents, derived from the schema tables (src/api/types_*.c) and
 * the resource registry: v3 (/openapi/v3 and one document per group-version)
 * and v2 (/openapi/v2, Swagger 2.0), both from the one generator below.
 * kubectl reads v3 for two things: `kubectl explain` walks
 * components.schemas from the schema carrying the kind's
 * x-kubernetes-group-version-kind, and create/apply decide from the PATCH
 * operation's parameters whether the server does field validation
 * (fieldValidation) or kubectl must validate on the client. Each v3
 * group-version document is addressed from the /openapi/v3 index by a content
 * hash so clients may cache it forever.
 *
 * Documents are built from static tables only, so they are a pure function of
 * the program: they are built once, on first use, and served as precomputed
 * bytes with an ETag (the hash), so a revalidation costs a 304 and a fetch a
 * reference count.
 */
#include <pthread.h>

#include <openssl/evp.h>
#ifdef CUBE_HAVE_ZLIB
#include <zlib.h>
#endif

#include "api/internal.h"
#include "apiserver/internal.h"

#define V3_REF_PREFIX "#/components/schemas/"
#define V2_REF_PREFIX "#/definitions/"
#define INTSTR_NAME "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
#define QUANTITY_NAME "io.k8s.apimachinery.pkg.api.resource.Quantity"
#define TIME_NAME "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
#define MICROTIME_NAME "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"
#define STATUS_NAME "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
#define DELETE_OPTIONS_NAME "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"
#define PATCH_NAME "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"

/* One document being generated: which OpenAPI version and its schema map. */
typedef struct gen {
    bool v2;
    json_t *schemas; /* components.schemas (v3) or definitions (v2) */
} gen_t;

/* ---- schemas ------------------------------------------------------------- */

static json_t *ref_to(const gen_t *g, const char *name)
{
    _cleanup_free_ char *ref = xasprintf("%s%s", g->v2 ? V2_REF_PREFIX : V3_REF_PREFIX, name);
    return json_pack("{s:s}", "$ref", ref);
}

/* A field's reference to a named schema: v3 wraps it in allOf (so siblings such as the
   description may stand next to it), v2 puts the siblings next to $ref. */
static json_t *wrapped_ref(const gen_t *g, const char *name)
{
    if (g->v2)
        return ref_to(g, name);
    return json_pack("{s:[o]}", "allOf", ref_to(g, name));
}

static void add_type(const gen_t *g, const cube_schema_type_t *t);

/* The schema of one value (one element of an array or map). */
static json_t *value_schema(const gen_t *g, const cube_schema_field_t *f)
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
        add_type(g, f->type);
        return wrapped_ref(g, f->type->name);
    case CUBE_SK_INT_OR_STRING:
        return wrapped_ref(g, INTSTR_NAME);
    case CUBE_SK_QUANTITY:
        return wrapped_ref(g, QUANTITY_NAME);
    case CUBE_SK_TIME:
        return wrapped_ref(g, TIME_NAME);
    case CUBE_SK_MICROTIME:
        return wrapped_ref(g, MICROTIME_NAME);
    case CUBE_SK_BYTES:
        return json_pack("{s:s,s:s}", "type", "string", "format", "byte");
    case CUBE_SK_ANY:
    default:
        return json_pack("{s:s,s:b}", "type", "object", "x-kubernetes-preserve-unknown-fields",
                         true);
    }
}

static json_t *field_schema(const gen_t *g, const cube_schema_field_t *f)
{
    json_t *v = value_schema(g, f);
    json_t *s;
    if (f->container == CUBE_SC_ARRAY) {
        if (f->kind == CUBE_SK_OBJECT && !g->v2)
            json_object_set_new(v, "default", json_object());
        s = json_pack("{s:s,s:o}", "type", "array", "items", v);
    } else if (f->container == CUBE_SC_MAP) {
        if (f->kind == CUBE_SK_OBJECT && !g->v2)
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

/* Adds t (and everything it references) to the schemas, once. */
static void add_type(const gen_t *g, const cube_schema_type_t *t)
{
    if (json_object_get(g->schemas, t->name))
        return;
    json_t *props = json_object();
    json_t *req = json_array();
    json_t *s = json_pack("{s:s,s:o}", "type", "object", "properties", props);
    if (t->desc)
        json_object_set_new(s, "description", json_string(t->desc));
    /* Set before descending so recursive types terminate. */
    json_object_set_new(g->schemas, t->name, s);
    for (const cube_schema_field_t *f = t->fields; f && f->name; f++) {
        json_object_set_new(props, f->name, field_schema(g, f));
        if (f->flags & CUBE_SFL_REQUIRED)
            json_array_append_new(req, json_string(f->name));
    }
    if (json_array_size(req))
        json_object_set_new(s, "required", req);
    else
        json_decref(req);
}

static json_t *gvk_ext(const cube_resource_t *r, const char *kind)
{
    return json_pack("{s:s,s:s,s:s}", "group", r->group, "kind", kind, "version", r->version);
}

/* metav1.Status, DeleteOptions and Patch: what every group's operations answer or take. */
static void add_meta_schemas(const gen_t *g)
{
    if (json_object_get(g->schemas, STATUS_NAME))
        return;
    add_type(g, &cube_schema_list_meta);
    json_t *status = json_pack(
        "{s:s,s:s,s:{s:{s:s,s:s},s:{s:s,s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}}",
        "description",
        "Status is the answer of operations that return no object (deletes, errors).", "type",
        "object", "properties", "apiVersion", "type", "string", "description",
        "Versioned schema of this object.", "code", "type", "integer", "format", "int32",
        "description", "HTTP status code of this answer.", "kind", "type", "string", "description",
        "Kind of this object.", "message", "type", "string", "description",
        "A human-readable description of the status.", "reason", "type", "string", "description",
        "A machine-readable reason (NotFound, Conflict, ...).", "status", "type", "string",
        "description", "Success or Failure.");
    json_t *details = wrapped_ref(g, STATUS_NAME "Details");
    json_object_set_new(details, "description", json_string("Extended data about the status."));
    json_object_set_new(json_object_get(status, "properties"), "details", details);
    json_object_set_new(
        g->schemas, STATUS_NAME "Details",
        json_pack("{s:s,s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:o}}}",
                  "description", "What a Status is about: the object and the causes.", "type",
                  "object", "properties", "name", "type", "string", "group", "type", "string",
                  "kind", "type", "string", "uid", "type", "string", "retryAfterSeconds", "type",
                  "integer", "format", "int32", "causes", "type", "array", "items",
                  wrapped_ref(g, STATUS_NAME "Cause")));
    json_object_set_new(g->schemas, STATUS_NAME "Cause",
                        json_pack("{s:s,s:s,s:{s:{s:s},s:{s:s},s:{s:s}}}", "description",
                                  "One cause of an error: its reason, message and field.", "type",
                                  "object", "properties", "field", "type", "string", "message",
                                  "type", "string", "reason", "type", "string"));
    json_t *meta = wrapped_ref(g, cube_schema_list_meta.name);
    json_object_set_new(meta, "description", json_string("Standard list metadata."));
    if (!g->v2)
        json_object_set_new(meta, "default", json_object());
    json_object_set_new(json_object_get(status, "properties"), "metadata", meta);
    json_t *exts = json_array();
    json_array_append_new(
        exts, json_pack("{s:s,s:s,s:s}", "group", "", "kind", "Status", "version", "v1"));
    json_object_set_new(status, "x-kubernetes-group-version-kind", exts);
    json_object_set_new(g->schemas, STATUS_NAME, status);

    json_t *del = json_pack(
        "{s:s,s:s,s:{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},"
        "s:{s:s,s:{s:s},s:s}}}",
        "description", "Options of a delete request.", "type", "object", "properties", "apiVersion",
        "type", "string", "description", "Versioned schema of this object.", "kind", "type",
        "string", "description", "Kind of this object.", "gracePeriodSeconds", "type", "integer",
        "format", "int64", "description", "Seconds before the object is deleted.",
        "orphanDependents", "type", "boolean", "description",
        "Deprecated: whether dependents are orphaned; use propagationPolicy.", "propagationPolicy",
        "type", "string", "description",
        "Orphan, Background or Foreground garbage collection of dependents.", "dryRun", "type",
        "array", "items", "type", "string", "description",
        "When present, modifications are not persisted.");
    json_object_set_new(g->schemas, DELETE_OPTIONS_NAME, del);
    json_object_set_new(g->schemas, PATCH_NAME,
                        json_pack("{s:s,s:s}", "description",
                                  "A patch document: JSON Patch, merge patch, strategic merge "
                                  "patch or apply configuration.",
                                  "type", "object"));
}

static void add_builtin_schemas(const gen_t *g)
{
    if (g->v2) {
        /* Swagger 2.0 has no oneOf: the scalar wrappers are strings with a format. */
        json_object_set_new(g->schemas, INTSTR_NAME,
                            json_pack("{s:s,s:s,s:s}", "description",
                                      "IntOrString is a type that can hold an int32 or a string.",
                                      "type", "string", "format", "int-or-string"));
        json_object_set_new(g->schemas, QUANTITY_NAME,
                            json_pack("{s:s,s:s}", "description",
                                      "Quantity is a fixed-point representation of a number, "
                                      "written as a string (\"500m\", \"1Gi\") or a number.",
                                      "type", "string"));
    } else {
        json_object_set_new(g->schemas, INTSTR_NAME,
                            json_pack("{s:s,s:s,s:[{s:s},{s:s}],s:b}", "description",
                                      "IntOrString is a type that can hold an int32 or a string.",
                                      "format", "int-or-string", "oneOf", "type", "integer", "type",
                                      "string", "x-kubernetes-int-or-string", true));
        json_object_set_new(g->schemas, QUANTITY_NAME,
                            json_pack("{s:s,s:[{s:s},{s:s}]}", "description",
                                      "Quantity is a fixed-point representation of a number, "
                                      "written as a string (\"500m\", \"1Gi\") or a number.",
                                      "oneOf", "type", "string", "type", "number"));
    }
    json_object_set_new(g->schemas, TIME_NAME,
                        json_pack("{s:s,s:s,s:s}", "description",
                                  "Time is a wrapper around time.Time, serialized in RFC 3339.",
                                  "type", "string", "format", "date-time"));
    json_object_set_new(g->schemas, MICROTIME_NAME,
                        json_pack("{s:s,s:s,s:s}", "description",
                                  "MicroTime is version of Time with microsecond level precision.",
                                  "type", "string", "format", "date-time"));
}

/* Adds r's kind and, when r can be listed, its list kind to the schemas; returns the list
   schema's name (owned) or NULL (create-only kinds such as TokenReview have no list). */
static char *add_kind(const gen_t *g, const cube_resource_t *r, const cube_schema_kind_t *k)
{
    add_type(g, k->type);
    json_t *s = json_object_get(g->schemas, k->type->name);
    json_t *gvks = json_object_get(s, "x-kubernetes-group-version-kind");
    if (!gvks) {
        gvks = json_array();
        json_object_set_new(s, "x-kubernetes-group-version-kind", gvks);
    }
    json_array_append_new(gvks, gvk_ext(r, r->kind));
    if (!(r->verbs & CUBE_VERB_LIST))
        return NULL;

    /* The list kind: <Type>List with items of the type. */
    add_type(g, &cube_schema_list_meta);
    char *list_name = xasprintf("%sList", k->type->name);
    _cleanup_free_ char *ldesc = xasprintf("%s is a list of %s.", r->list_kind, r->kind);
    json_t *item = wrapped_ref(g, k->type->name);
    json_t *meta = wrapped_ref(g, cube_schema_list_meta.name);
    json_object_set_new(meta, "description", json_string("Standard list metadata."));
    if (!g->v2) {
        json_object_set_new(item, "default", json_object());
        json_object_set_new(meta, "default", json_object());
    }
    json_t *ls =
        json_pack("{s:s,s:s,s:{s:{s:s,s:s},s:{s:s,s:s,s:o},s:{s:s,s:s},s:o},"
                  "s:[s],s:[o]}",
                  "description", ldesc, "type", "object", "properties", "apiVersion", "type",
                  "string", "description", "Versioned schema of this object.", "items", "type",
                  "array", "description", "The items of the list.", "items", item, "kind", "type",
                  "string", "description", "Kind of this object.", "metadata", meta, "required",
                  "items", "x-kubernetes-group-version-kind", gvk_ext(r, r->list_kind));
    json_object_set_new(g->schemas, list_name, ls);
    return list_name;
}

/* ---- operations ---------------------------------------------------------- */

/* A query (or path) parameter, as each version spells it. */
static json_t *param(const gen_t *g, const char *in, const char *name, const char *type,
                     const char *desc)
{
    json_t *p = json_pack("{s:s,s:s,s:s}", "name", name, "in", in, "description", desc);
    if (g->v2) {
        json_object_set_new(p, "type", json_string(type));
        json_object_set_new(p, "uniqueItems", json_true());
    } else {
        json_object_set_new(p, "schema", json_pack("{s:s,s:b}", "type", type, "uniqueItems", true));
    }
    if (!strcmp(in, "path"))
        json_object_set_new(p, "required", json_true());
    return p;
}

static const struct {
    const char *name, *type, *desc;
} qparams[] = {
    {"pretty", "string", "If 'true', the output is pretty printed."},
    {"dryRun", "string", "When present, indicates that modifications should not be persisted."},
    {"fieldManager", "string", "The name of the actor making these changes."},
    {"fieldValidation", "string",
     "How the server handles fields it does not know or finds twice: Ignore, Warn or Strict."},
    {"force", "boolean", "Apply patches take over fields owned by other managers."},
    {"allowWatchBookmarks", "boolean", "Asks a watch for BOOKMARK events."},
    {"continue", "string", "The token of the next page of a list."},
    {"fieldSelector", "string", "Restricts the list by the objects' fields."},
    {"labelSelector", "string", "Restricts the list by the objects' labels."},
    {"limit", "integer", "The most items one page of a list holds."},
    {"resourceVersion", "string", "Which version of the collection to read."},
    {"resourceVersionMatch", "string", "How resourceVersion is matched: Exact or NotOlderThan."},
    {"sendInitialEvents", "boolean", "A watch starts with the collection's current objects."},
    {"timeoutSeconds", "integer", "Ends a list or watch after this many seconds."},
    {"watch", "boolean", "Watches for changes instead of listing."},
    {"gracePeriodSeconds", "integer", "Seconds before the object is deleted."},
    {"orphanDependents", "boolean", "Deprecated: use propagationPolicy."},
    {"propagationPolicy", "string", "Orphan, Background or Foreground deletion of dependents."},
};

/* Query parameters by name, space-separated. */
static json_t *params(const gen_t *g, const char *names)
{
    json_t *a = json_array();
    _cleanup_free_ char *copy = xstrdup(names);
    char *save = NULL;
    for (char *n = strtok_r(copy, " ", &save); n; n = strtok_r(NULL, " ", &save))
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(qparams); i++)
            if (!strcmp(qparams[i].name, n))
                json_array_append_new(a, param(g, "query", n, qparams[i].type, qparams[i].desc));
    return a;
}

/* The media types a response or a body comes in. */
static json_t *media_types(const char *const *types, json_t *schema)
{
    json_t *c = json_object();
    for (const char *const *t = types; *t; t++)
        json_object_set_new(c, *t, json_pack("{s:O}", "schema", schema));
    json_decref(schema);
    return c;
}

static const char *const resp_types[] = {"application/json", "application/yaml",
                                         "application/vnd.kubernetes.protobuf", NULL};
static const char *const body_types[] = {"*/*", NULL};

/* responses: {code: {description, schema of type_name}} for each code of codes ("200 201"). */
static json_t *responses(const gen_t *g, const char *codes, const char *type_name)
{
    json_t *rs = json_object();
    _cleanup_free_ char *copy = xstrdup(codes);
    char *save = NULL;
    for (char *c = strtok_r(copy, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
        const char *d = !strcmp(c, "200")   ? "OK"
                        : !strcmp(c, "201") ? "Created"
                        : !strcmp(c, "202") ? "Accepted"
                                            : "Unauthorized";
        json_t *one = json_pack("{s:s}", "description", d);
        if (strcmp(c, "401")) {
            if (g->v2)
                json_object_set_new(one, "schema", ref_to(g, type_name));
            else
                json_object_set_new(one, "content", media_types(resp_types, ref_to(g, type_name)));
        }
        json_object_set_new(rs, c, one);
    }
    return rs;
}

/* "apps" -> "Apps", "rbac.authorization.k8s.io" -> "RbacAuthorization", "" -> "Core";
   lower=true starts lower-case (the tags' form). */
static void group_camel(const char *group, bool lower, char *out, size_t outlen)
{
    size_t n = 0;
    const char *g = group[0] ? group : "core";
    size_t glen = strlen(g);
    if (glen > 7 && !strcmp(g + glen - 7, ".k8s.io"))
        glen -= 7;
    bool up = !lower;
    for (size_t i = 0; i < glen && n + 1 < outlen; i++) {
        if (g[i] == '.' || g[i] == '-') {
            up = true;
            continue;
        }
        out[n++] = up ? (char)(g[i] >= 'a' && g[i] <= 'z' ? g[i] - 32 : g[i]) : g[i];
        up = false;
    }
    out[n] = '\0';
}

/* One operation: description, operationId (<verb><Group><Version><Scope><Kind><suffix>), tags,
   parameters, body, responses and Kubernetes' extensions. */
typedef struct op_spec {
    const char *method; /* "get", "put", ... */
    const char *verb; /* operationId verb: read, list, create, replace, patch, delete,
                         deleteCollection */
    const char *action; /* x-kubernetes-action */
    const char *desc;
    const char *query; /* space-separated query parameter names */
    const char *codes; /* response codes */
    const char *resp_type; /* response schema name */
    const char *body_type; /* request body schema name, NULL for none */
    const char *suffix; /* operationId suffix: "", "Status", "ForAllNamespaces" */
    bool namespaced;
} op_spec_t;

static json_t *operation(const gen_t *g, const cube_resource_t *r, const op_spec_t *o)
{
    char grp[96], tag_grp[96], ver[32];
    group_camel(r->group, false, grp, sizeof(grp));
    group_camel(r->group, true, tag_grp, sizeof(tag_grp));
    snprintf(ver, sizeof(ver), "%s", r->version);
    ver[0] = (char)(ver[0] >= 'a' && ver[0] <= 'z' ? ver[0] - 32 : ver[0]);
    _cleanup_free_ char *opid = xasprintf("%s%s%s%s%s%s", o->verb, grp, ver,
                                          o->namespaced ? "Namespaced" : "", r->kind, o->suffix);
    _cleanup_free_ char *tag = xasprintf("%s_%s", tag_grp, r->version);
    json_t *op =
        json_pack("{s:s,s:s,s:[s]}", "description", o->desc, "operationId", opid, "tags", tag);
    json_t *ps = params(g, o->query);
    if (o->body_type) {
        bool patch = !strcmp(o->method, "patch");
        if (g->v2) {
            json_array_insert_new(ps, 0,
                                  json_pack("{s:s,s:s,s:b,s:o}", "name", "body", "in", "body",
                                            "required", !!strcmp(o->method, "delete"), "schema",
                                            ref_to(g, o->body_type)));
            if (patch)
                json_object_set_new(op, "consumes",
                                    json_pack("[s,s,s,s]", "application/json-patch+json",
                                              "application/merge-patch+json",
                                              "application/strategic-merge-patch+json",
                                              "application/apply-patch+yaml"));
            else
                json_object_set_new(op, "consumes", json_pack("[s]", "*/*"));
        } else if (!patch) {
            /* PATCH has no requestBody on purpose: kubectl apply then computes strategic
               merge patches from its built-in types, not from these (possibly partial)
               tables. */
            json_object_set_new(op, "requestBody",
                                json_pack("{s:o,s:b}", "content",
                                          media_types(body_types, ref_to(g, o->body_type)),
                                          "required", !!strcmp(o->method, "delete")));
        }
    }
    if (json_array_size(ps))
        json_object_set_new(op, "parameters", ps);
    else
        json_decref(ps);
    if (g->v2) {
        json_object_set_new(op, "produces",
                            json_pack("[s,s,s]", "application/json", "application/yaml",
                                      "application/vnd.kubernetes.protobuf"));
        json_object_set_new(op, "schemes", json_pack("[s]", "https"));
    }
    json_object_set_new(op, "responses", responses(g, o->codes, o->resp_type));
    json_object_set_new(op, "x-kubernetes-action", json_string(o->action));
    json_object_set_new(op, "x-kubernetes-group-version-kind", gvk_ext(r, r->kind));
    return op;
}

/* Adds the path item `path` with the path parameters of its {placeholders} and op. */
static void add_op(const gen_t *g, json_t *paths, const char *path, const cube_resource_t *r,
                   const op_spec_t *o)
{
    json_t *item = json_object_get(paths, path);
    if (!item) {
        item = json_object();
        json_t *ps = json_array();
        if (strstr(path, "{name}")) {
            _cleanup_free_ char *d = xasprintf("name of the %s", r->kind);
            json_array_append_new(ps, param(g, "path", "name", "string", d));
        }
        if (strstr(path, "{namespace}"))
            json_array_append_new(ps, param(g, "path", "namespace", "string",
                                            "object name and auth scope, such as for teams "
                                            "and projects"));
        json_auto_t *pretty = params(g, "pretty");
        json_array_extend(ps, pretty);
        json_object_set_new(item, "parameters", ps);
        json_object_set_new(paths, path, item);
    }
    json_object_set_new(item, o->method, operation(g, r, o));
}

#define Q_WRITE "dryRun fieldManager fieldValidation"
#define Q_LIST                                                                                     \
    "allowWatchBookmarks continue fieldSelector labelSelector limit resourceVersion "              \
    "resourceVersionMatch sendInitialEvents timeoutSeconds watch"
#define Q_DELETE "dryRun gracePeriodSeconds orphanDependents propagationPolicy"

/* The collection, item and status paths of r with the operations its verbs allow. */
static void add_paths(const gen_t *g, json_t *paths, const cube_resource_t *r, const char *type,
                      const char *list_type)
{
    char gv[128];
    cube_api_group_version(r, gv, sizeof(gv));
    const char *root = r->group[0] ? "apis" : "api";
    bool ns = r->namespaced;
    _cleanup_free_ char *coll =
        xasprintf("/%s/%s%s%s", root, gv, ns ? "/namespaces/{namespace}/" : "/", r->plural);
    _cleanup_free_ char *itemp = xasprintf("%s/{name}", coll);
    _cleanup_free_ char *status = xasprintf("%s/status", itemp);
    _cleanup_free_ char *all = xasprintf("/%s/%s/%s", root, gv, r->plural);
    unsigned v = r->verbs;
    if (v & CUBE_VERB_LIST)
        add_op(g, paths, coll, r,
               &(op_spec_t){"get", "list", "list", "list or watch objects of the kind", Q_LIST,
                            "200 401", list_type, NULL, "", ns});
    if (v & CUBE_VERB_CREATE)
        add_op(g, paths, coll, r,
               &(op_spec_t){"post", "create", "post", "create an object of the kind", Q_WRITE,
                            "200 201 202 401", type, type, "", ns});
    if (v & CUBE_VERB_DELETECOLLECTION)
        add_op(g, paths, coll, r,
               &(op_spec_t){"delete", "deleteCollection", "deletecollection",
                            "delete a collection of objects of the kind", Q_DELETE " " Q_LIST,
                            "200 401", STATUS_NAME, DELETE_OPTIONS_NAME, "", ns});
    if (v & CUBE_VERB_GET)
        add_op(g, paths, itemp, r,
               &(op_spec_t){"get", "read", "get", "read the specified object", "", "200 401", type,
                            NULL, "", ns});
    if (v & CUBE_VERB_UPDATE)
        add_op(g, paths, itemp, r,
               &(op_spec_t){"put", "replace", "put", "replace the specified object", Q_WRITE,
                            "200 201 401", type, type, "", ns});
    if (v & CUBE_VERB_PATCH)
        add_op(g, paths, itemp, r,
               &(op_spec_t){"patch", "patch", "patch", "partially update the specified object",
                            Q_WRITE " force", "200 201 401", type, PATCH_NAME, "", ns});
    if (v & CUBE_VERB_DELETE)
        add_op(g, paths, itemp, r,
               &(op_spec_t){"delete", "delete", "delete", "delete the specified object", Q_DELETE,
                            "200 202 401", STATUS_NAME, DELETE_OPTIONS_NAME, "", ns});
    if (r->subresources & CUBE_SUB_STATUS) {
        add_op(g, paths, status, r,
               &(op_spec_t){"get", "read", "get", "read status of the specified object", "",
                            "200 401", type, NULL, "Status", ns});
        add_op(g, paths, status, r,
               &(op_spec_t){"put", "replace", "put", "replace status of the specified object",
                            Q_WRITE, "200 201 401", type, type, "Status", ns});
        add_op(g, paths, status, r,
               &(op_spec_t){"patch", "patch", "patch",
                            "partially update status of the specified object", Q_WRITE " force",
                            "200 201 401", type, PATCH_NAME, "Status", ns});
    }
    if (ns && (v & CUBE_VERB_LIST))
        add_op(g, paths, all, r,
               &(op_spec_t){"get", "list", "list", "list or watch objects of the kind", Q_LIST,
                            "200 401", list_type, NULL, "ForAllNamespaces", false});
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

/* Adds every kind served under gvpath (NULL: every kind) to g and paths; false if none. */
static bool add_kinds(const gen_t *g, json_t *paths, const char *gvpath)
{
    size_t n;
    const cube_resource_t *const *rs = cube_api_resources(&n);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const cube_resource_t *r = rs[i];
        if (gvpath && !in_gv(r, gvpath))
            continue;
        const cube_schema_kind_t *k = cube_schema_kind_find(r);
        if (!k || !k->type)
            continue;
        any = true;
        _cleanup_free_ char *list_name = add_kind(g, r, k);
        add_paths(g, paths, r, k->type->name, list_name);
    }
    if (any) {
        add_meta_schemas(g);
        add_builtin_schemas(g);
    }
    return any;
}

json_t *cube_openapi_v3_doc(const char *gvpath)
{
    gen_t g = {.v2 = false, .schemas = json_object()};
    json_t *paths = json_object();
    if (!add_kinds(&g, paths, gvpath)) {
        json_decref(g.schemas);
        json_decref(paths);
        return NULL;
    }
    return json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:o,s:{s:{s:s,s:s,s:s,s:s}}},s:[{s:[]}]}", "openapi",
                     "3.0.0", "info", "title", "Kubernetes", "version", CUBE_GIT_VERSION, "paths",
                     paths, "components", "schemas", g.schemas, "securitySchemes", "BearerToken",
                     "type", "apiKey", "description", "Bearer Token authentication", "name",
                     "authorization", "in", "header", "security", "BearerToken");
}

json_t *cube_openapi_v2_doc(void)
{
    gen_t g = {.v2 = true, .schemas = json_object()};
    json_t *paths = json_object();
    add_kinds(&g, paths, NULL);
    return json_pack("{s:s,s:{s:s,s:s},s:o,s:o,s:{s:{s:s,s:s,s:s,s:s}},s:[{s:[]}]}", "swagger",
                     "2.0", "info", "title", "Kubernetes", "version", CUBE_GIT_VERSION, "paths",
                     paths, "definitions", g.schemas, "securityDefinitions", "BearerToken", "type",
                     "apiKey", "description", "Bearer Token authentication", "name",
                     "authorization", "in", "header", "security", "BearerToken");
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

/* ---- the precomputed documents ---------------------------------------------------- */

/* One served document: its bytes and its hash (upper-case hex SHA-512, as Kubernetes
   addresses its documents), which is also its ETag. */
typedef struct served {
    char *path; /* "/openapi/v3/api/v1" */
    char *url; /* the hash-addressed URL: path?hash=<hash> */
    cube_bytes_t *bytes;
    cube_bytes_t *gzipped; /* the bytes gzip-compressed (NULL without zlib) */
    char hash[129];
    char etag[132]; /* the hash, quoted */
    /* /openapi/v2 only: the protobuf form, its gzip and its ETag */
    cube_bytes_t *pb, *pb_gzipped;
    char pb_etag[132];
} served_t;

/* Every document, built once: they depend on nothing but the program's tables. */
typedef struct docs {
    served_t *v;
    size_t n;
} docs_t;

static void hash_hex(const cube_bytes_t *b, char out[129])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(b->data, b->len, md, &len, EVP_sha512(), NULL);
    for (unsigned i = 0; i < len && i < 64; i++)
        snprintf(out + 2 * i, 3, "%02X", md[i]);
    out[2 * (len < 64 ? len : 64)] = '\0';
}

/* bytes compressed as a gzip stream, or NULL when cube is built without zlib. */
static cube_bytes_t *gzip_bytes(const cube_bytes_t *b)
{
#ifdef CUBE_HAVE_ZLIB
    z_stream z = {0};
    /* windowBits 15 + 16: a gzip header and trailer around the deflate stream */
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)b->len);
    _cleanup_free_ unsigned char *out = xmalloc(cap);
    z.next_in = (Bytef *)b->data;
    z.avail_in = (uInt)b->len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t len = z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? cube_bytes_new(out, len) : NULL;
#else
    (void)b;
    return NULL;
#endif
}

static void served_set(served_t *s, char *path, json_t *doc)
{
    _cleanup_free_ char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    s->path = path;
    s->bytes = cube_bytes_new(text, strlen(text));
    s->gzipped = gzip_bytes(s->bytes);
    hash_hex(s->bytes, s->hash);
    snprintf(s->etag, sizeof(s->etag), "\"%s\"", s->hash);
    s->url = xasprintf("%s?hash=%s", s->path, s->hash);
}

static docs_t the_docs;
static pthread_once_t the_docs_once = PTHREAD_ONCE_INIT;

/* Builds the_docs: [0] the v3 index, [1] v2, then one per group-version. */
static void docs_build(void)
{
    json_auto_t *gvs = gv_paths();
    docs_t *d = &the_docs;
    d->v = xcalloc(json_array_size(gvs) + 2, sizeof(served_t));
    json_t *index = json_object();
    size_t i;
    json_t *v;
    d->n = 2;
    json_array_foreach(gvs, i, v)
    {
        const char *p = json_string_value(v);
        json_t *doc = cube_openapi_v3_doc(p);
        if (!doc)
            continue;
        served_t *s = &d->v[d->n++];
        served_set(s, xasprintf("/openapi/v3/%s", p), doc);
        json_object_set_new(index, p, json_pack("{s:s}", "serverRelativeURL", s->url));
    }
    served_set(&d->v[0], xstrdup("/openapi/v3"), json_pack("{s:o}", "paths", index));
    json_t *v2 = cube_openapi_v2_doc();
    served_t *s2 = &d->v[1];
    s2->pb = cube_openapi_v2_protobuf(v2);
    s2->pb_gzipped = gzip_bytes(s2->pb);
    char pb_hash[129];
    hash_hex(s2->pb, pb_hash);
    snprintf(s2->pb_etag, sizeof(s2->pb_etag), "\"%s\"", pb_hash);
    served_set(s2, xstrdup("/openapi/v2"), v2);
}

static const docs_t *docs(void)
{
    pthread_once(&the_docs_once, docs_build);
    return &the_docs;
}

json_t *cube_openapi_v3_root(void)
{
    const served_t *s = &docs()->v[0];
    return json_loadb(s->bytes->data, s->bytes->len, 0, NULL);
}

#define OPENAPI_V2_PB "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

/* True if the Accept header names the protobuf form of the v2 document (also in the older
   spelling with a dot for the '@'). */
static bool accepts_v2_protobuf(const char *accept)
{
    return accept && (strstr(accept, OPENAPI_V2_PB) ||
                      strstr(accept, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"));
}

/* True if the Accept header admits JSON: absent, empty, any type, application/json. */
static bool accepts_json(const char *accept)
{
    if (!accept || !*accept)
        return true;
    _cleanup_free_ char *copy = xstrdup(accept);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ' || *t == '\t')
            t++;
        size_t n = strcspn(t, "; \t");
        if ((n == 3 && !strncmp(t, "*/*", 3)) || (n == 13 && !strncmp(t, "application/*", 13)) ||
            (n == 16 && !strncmp(t, "application/json", 16)))
            return true;
    }
    return false;
}

/* True if an Accept-Encoding header admits gzip (and does not refuse it with q=0). */
static bool accepts_gzip(const char *ae)
{
    if (!ae)
        return false;
    _cleanup_free_ char *copy = xstrdup(ae);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ' || *t == '\t')
            t++;
        size_t n = strcspn(t, "; \t");
        if (n == 4 && !strncasecmp(t, "gzip", 4)) {
            const char *q = strstr(t + n, "q=");
            return !q || strtod(q + 2, NULL) > 0;
        }
    }
    return false;
}

/* True if an If-None-Match header names etag (or is "*"). */
static bool etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    _cleanup_free_ char *copy = xstrdup(inm);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ' || *t == '\t')
            t++;
        if (!strncmp(t, "W/", 2))
            t += 2;
        size_t n = strcspn(t, " \t");
        if ((n == 1 && *t == '*') || (n == strlen(etag) && !strncmp(t, etag, n)))
            return true;
    }
    return false;
}

int cube_openapi_serve(const char *path, const char *hash, const char *accept,
                       const char *accept_encoding, const char *if_none_match,
                       cube_openapi_answer_t *ret, cube_err_t *err)
{
    size_t plen = strlen(path);
    while (plen > 1 && path[plen - 1] == '/')
        plen--;
    const docs_t *d = docs();
    const served_t *s = NULL;
    for (size_t i = 0; i < d->n && !s; i++)
        if (d->v[i].path && strlen(d->v[i].path) == plen && !strncmp(d->v[i].path, path, plen))
            s = &d->v[i];
    if (!s)
        return cube_err_notfound(err, "the server could not find the requested resource");
    /* /openapi/v2 in protobuf for whoever names that type (kubectl names nothing else) */
    bool pb = s == &d->v[1] && accepts_v2_protobuf(accept);
    if (s == &d->v[1] && !pb && !accepts_json(accept))
        return cube_err_set(
            err, 406, "NotAcceptable",
            "only the following media types are accepted: application/json, " OPENAPI_V2_PB);
    bool gv_doc = s != &d->v[0] && s != &d->v[1];
    if (gv_doc && hash && strcmp(hash, s->hash)) {
        /* an outdated hash: to the document's current address, as Kubernetes does */
        *ret = (cube_openapi_answer_t){.etag = s->etag, .location = s->url};
        return 0;
    }
    const char *etag = pb ? s->pb_etag : s->etag;
    *ret = (cube_openapi_answer_t){
        .etag = etag,
        /* the protobuf type is no valid media type ('@'): sent as octet-stream, as
           Kubernetes does, which clients parse */
        .content_type = pb ? "application/octet-stream" : "application/json",
        .immutable = gv_doc && hash,
        .not_modified = etag_matches(if_none_match, etag),
    };
    if (ret->not_modified)
        return 0;
    cube_bytes_t *plain = pb ? s->pb : s->bytes, *gz = pb ? s->pb_gzipped : s->gzipped;
    ret->gzip = gz && accepts_gzip(accept_encoding);
    ret->body = cube_bytes_ref(ret->gzip ? gz : plain);
    return 0;
}

cube_bytes_t *cube_openapi_v3_serve(const char *path, const char *hash, bool *immutable,
                                    cube_err_t *err)
{
    cube_openapi_answer_t a;
    *immutable = false;
    if (strcmp(path, "/openapi/v3") && strncmp(path, "/openapi/v3/", 12))
        return cube_err_notfound(err, "the server could not find the requested resource"), NULL;
    if (cube_openapi_serve(path, hash, NULL, NULL, NULL, &a, err) < 0)
        return NULL;
    *immutable = a.immutable;
    if (a.location) /* an outdated hash: the current document */
        return cube_openapi_v3_serve(path, NULL, immutable, err);
    return a.body;
}

/* ---- fieldValidation=Strict ---------------------------------------------- */

static void unknown_found(const char *path, void *arg)
{
    cube_buf_t *out = arg;
    cube_buf_printf(out, "%sunknown field ", out->len ? ", " : "");
    cube_buf_go_quote(out, path);
}

int cube_openapi_strict_check(const cube_resource_t *r, const json_t *obj, cube_err_t *err)
{
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    if (!k || !k->type || !json_is_object(obj))
        return 0;
    cube_buf_t b = CUBE_BUF_INIT;
    cube_schema_unknown_fields(r, (json_t *)obj, false, unknown_found, &b);
    bool none = b.len == 0;
    _cleanup_free_ char *found = cube_buf_steal(&b, NULL);
    if (none)
        return 0;
    return cube_err_badrequest(err,
                               "%s in version \"%s\" cannot be handled as a %s: strict decoding "
                               "error: %s",
                               r->kind, r->version, r->kind, found);
}
