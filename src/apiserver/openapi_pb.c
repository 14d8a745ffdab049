/*
 * The OpenAPI v2 document in its protobuf form (openapi.v2.Document), which
 * kubectl asks for with Accept:
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf and accepts in no
 * other form: it falls back to it for client-side validation of the kinds the
 * v3 documents do not describe (a `kind: List` file from `kubectl get -o
 * yaml`) and reads patch strategies from it in some paths. The protobuf form
 * is a transcription of the JSON document: each Swagger schema becomes a
 * Schema message, vendor extensions (x-kubernetes-*) and default/enum values
 * carry their value as YAML text, for which JSON text serves (JSON is YAML).
 *
 * Messages are built in one arena of allocations freed together after packing:
 * the document is built once per process.
 */
#include "apiserver/internal.h"

#include "openapiv2.pb-c.h"

typedef struct arena {
    void **v;
    size_t n, cap;
} arena_t;

static void *keep(arena_t *a, void *m)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->v = xrealloc(a->v, a->cap * sizeof(void *));
    }
    a->v[a->n++] = m;
    return m;
}

static void arena_clear(arena_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
}

static char *str(arena_t *a, const char *s)
{
    return keep(a, xstrdup(s));
}

static void *array(arena_t *a, size_t n, size_t size)
{
    return keep(a, xcalloc(n ? n : 1, size));
}

static Openapi__V2__Any *any(arena_t *a, const json_t *v)
{
    Openapi__V2__Any *x = keep(a, xmalloc(sizeof(*x)));
    openapi__v2__any__init(x);
    x->yaml = keep(a, json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY));
    return x;
}

static Openapi__V2__Schema *schema(arena_t *a, const json_t *j);

static Openapi__V2__NamedSchema **named_schemas(arena_t *a, const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    Openapi__V2__NamedSchema **v = array(a, *n, sizeof(*v));
    size_t i = 0;
    const char *k;
    json_t *s;
    json_object_foreach((json_t *)obj, k, s)
    {
        Openapi__V2__NamedSchema *ns = keep(a, xmalloc(sizeof(*ns)));
        openapi__v2__named_schema__init(ns);
        ns->name = str(a, k);
        ns->value = schema(a, s);
        v[i++] = ns;
    }
    return v;
}

static Openapi__V2__Schema **schemas(arena_t *a, const json_t *arr, size_t *n)
{
    *n = json_array_size(arr);
    Openapi__V2__Schema **v = array(a, *n, sizeof(*v));
    for (size_t i = 0; i < *n; i++)
        v[i] = schema(a, json_array_get(arr, i));
    return v;
}

static Openapi__V2__Schema *schema(arena_t *a, const json_t *j)
{
    Openapi__V2__Schema *s = keep(a, xmalloc(sizeof(*s)));
    openapi__v2__schema__init(s);
    const char *k;
    json_t *v;
    size_t n_ext = 0;
    json_object_foreach((json_t *)j, k, v)
    {
        if (!strncmp(k, "x-", 2))
            n_ext++;
    }
    s->vendor_extension = array(a, n_ext, sizeof(*s->vendor_extension));
    json_object_foreach((json_t *)j, k, v)
    {
        if (!strcmp(k, "$ref") && json_is_string(v)) {
            s->_ref = str(a, json_string_value(v));
        } else if (!strcmp(k, "format") && json_is_string(v)) {
            s->format = str(a, json_string_value(v));
        } else if (!strcmp(k, "title") && json_is_string(v)) {
            s->title = str(a, json_string_value(v));
        } else if (!strcmp(k, "description") && json_is_string(v)) {
            s->description = str(a, json_string_value(v));
        } else if (!strcmp(k, "default")) {
            s->default_ = any(a, v);
        } else if (!strcmp(k, "required") && json_is_array(v)) {
            s->n_required = json_array_size(v);
            s->required = array(a, s->n_required, sizeof(char *));
            for (size_t i = 0; i < s->n_required; i++)
                s->required[i] = str(a, json_string_value(json_array_get(v, i)) ?: "");
        } else if (!strcmp(k, "enum") && json_is_array(v)) {
            s->n_enum_ = json_array_size(v);
            s->enum_ = array(a, s->n_enum_, sizeof(*s->enum_));
            for (size_t i = 0; i < s->n_enum_; i++)
                s->enum_[i] = any(a, json_array_get(v, i));
        } else if (!strcmp(k, "additionalProperties")) {
            Openapi__V2__AdditionalPropertiesItem *ap = keep(a, xmalloc(sizeof(*ap)));
            openapi__v2__additional_properties_item__init(ap);
            if (json_is_boolean(v)) {
                ap->oneof_case = OPENAPI__V2__ADDITIONAL_PROPERTIES_ITEM__ONEOF_BOOLEAN;
                ap->boolean = json_is_true(v);
            } else {
                ap->oneof_case = OPENAPI__V2__ADDITIONAL_PROPERTIES_ITEM__ONEOF_SCHEMA;
                ap->schema = schema(a, v);
            }
            s->additional_properties = ap;
        } else if (!strcmp(k, "type")) {
            Openapi__V2__TypeItem *t = keep(a, xmalloc(sizeof(*t)));
            openapi__v2__type_item__init(t);
            if (json_is_string(v)) {
                t->n_value = 1;
                t->value = array(a, 1, sizeof(char *));
                t->value[0] = str(a, json_string_value(v));
            } else {
                t->n_value = json_array_size(v);
                t->value = array(a, t->n_value, sizeof(char *));
                for (size_t i = 0; i < t->n_value; i++)
                    t->value[i] = str(a, json_string_value(json_array_get(v, i)) ?: "");
            }
            s->type = t;
        } else if (!strcmp(k, "items")) {
            Openapi__V2__ItemsItem *it = keep(a, xmalloc(sizeof(*it)));
            openapi__v2__items_item__init(it);
            if (json_is_array(v)) {
                it->schema = schemas(a, v, &it->n_schema);
            } else {
                it->n_schema = 1;
                it->schema = array(a, 1, sizeof(*it->schema));
                it->schema[0] = schema(a, v);
            }
            s->items = it;
        } else if (!strcmp(k, "allOf") && json_is_array(v)) {
            s->all_of = schemas(a, v, &s->n_all_of);
        } else if (!strcmp(k, "properties") && json_is_object(v)) {
            Openapi__V2__Properties *p = keep(a, xmalloc(sizeof(*p)));
            openapi__v2__properties__init(p);
            p->additional_properties = named_schemas(a, v, &p->n_additional_properties);
            s->properties = p;
        } else if (!strcmp(k, "readOnly")) {
            s->read_only = json_is_true(v);
        } else if (!strncmp(k, "x-", 2)) {
            Openapi__V2__NamedAny *na = keep(a, xmalloc(sizeof(*na)));
            openapi__v2__named_any__init(na);
            na->name = str(a, k);
            na->value = any(a, v);
            s->vendor_extension[s->n_vendor_extension++] = na;
        }
    }
    return s;
}

cube_bytes_t *cube_openapi_v2_protobuf(const json_t *doc)
{
    arena_t a _cleanup_(arena_clear) = {0};
    Openapi__V2__Document d = OPENAPI__V2__DOCUMENT__INIT;
    Openapi__V2__Info info = OPENAPI__V2__INFO__INIT;
    Openapi__V2__Definitions defs = OPENAPI__V2__DEFINITIONS__INIT;
    d.swagger = str(&a, cube_json_str(doc, "swagger", NULL) ?: "2.0");
    info.title = str(&a, cube_json_str(doc, "info", "title", NULL) ?: "Kubernetes");
    info.version = str(&a, cube_json_str(doc, "info", "version", NULL) ?: "");
    d.info = &info;
    defs.additional_properties =
        named_schemas(&a, json_object_get(doc, "definitions"), &defs.n_additional_properties);
    d.definitions = &defs;
    size_t len = openapi__v2__document__get_packed_size(&d);
    uint8_t *buf = xmalloc(len ? len : 1);
    openapi__v2__document__pack(&d, buf);
    cube_bytes_t *b = cube_bytes_new(buf, len);
    free(buf);
    return b;
}
