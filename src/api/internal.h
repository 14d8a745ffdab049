/*
 * Shared inside src/api only: the schema descriptor, the one declarative
 * source per Kubernetes type (DESIGN.md §3). A named type
 * ("io.k8s.api.core.v1.Container") is a table of fields; each field says its
 * JSON name, its kind (scalar kinds, object of a named type, array or map of
 * those), flags (required, immutable), a default (a JSON literal), the
 * supported values of an enumeration, a syntax rule, a short description and
 * the list metadata strategic merge patch and OpenAPI publish
 * (x-kubernetes-patch-strategy, -patch-merge-key, -list-type, -list-map-keys).
 *
 * schema.c walks objects against these tables (defaulting and validation);
 * the rules that a table cannot say (a default that depends on another field,
 * cross-field validation) are per-type hooks written next to the tables in
 * types_*.c. A "kind" row ties a served resource to its root type, its name
 * rule and its strategy (what create and update reset or keep).
 *
 * Everything here is static const data plus pure functions: safe from any
 * thread.
 */
#ifndef CUBE_API_INTERNAL_H
#define CUBE_API_INTERNAL_H

#include "api/api.h"

/* ---- descriptors ---------------------------------------------------------- */

/* The kind of a value (of each element, for arrays and maps). */
typedef enum {
    CUBE_SK_STRING = 1,
    CUBE_SK_INT32,
    CUBE_SK_INT64,
    CUBE_SK_NUMBER, /* float64 */
    CUBE_SK_BOOL,
    CUBE_SK_OBJECT, /* of field->type */
    CUBE_SK_INT_OR_STRING, /* intstr.IntOrString */
    CUBE_SK_QUANTITY, /* resource.Quantity: string or number, canonicalized */
    CUBE_SK_TIME, /* metav1.Time, RFC 3339 seconds */
    CUBE_SK_MICROTIME, /* metav1.MicroTime */
    CUBE_SK_BYTES, /* []byte: a base64 string */
    CUBE_SK_ANY, /* RawExtension / apiextensions JSON: anything */
} cube_schema_vkind_t;

/* How values are held. */
typedef enum {
    CUBE_SC_ONE = 0, /* a single value */
    CUBE_SC_ARRAY, /* a JSON array of values */
    CUBE_SC_MAP, /* a JSON object string -> value */
} cube_schema_container_t;

/* Syntax rules the engine checks on each (scalar) value. */
typedef enum {
    CUBE_SF_NONE = 0,
    CUBE_SF_DNS1123_LABEL, /* container names, ... */
    CUBE_SF_DNS1123_SUBDOMAIN, /* configmap and secret references, ... */
    CUBE_SF_PORT, /* 1..65535 */
    CUBE_SF_PORT_OR_ZERO, /* 0..65535 (0 = unset) */
    CUBE_SF_NONNEG, /* >= 0 */
    CUBE_SF_POSITIVE, /* > 0 */
    CUBE_SF_IANA_SVC_NAME, /* port names */
    CUBE_SF_PORT_OR_NAME, /* IntOrString: a port number or a port name */
    CUBE_SF_QUALIFIED_NAME, /* label-key-like names (resource names, topology keys) */
    CUBE_SF_LABEL_VALUE,
    CUBE_SF_FILE_MODE, /* 0..0777 */
} cube_schema_format_t;

enum {
    CUBE_SFL_REQUIRED = 1 << 0, /* absent, null, "" or [] -> "Required value" */
    CUBE_SFL_IMMUTABLE = 1 << 1, /* changes on update -> "field is immutable" */
    CUBE_SFL_SECRET = 1 << 2, /* never echo the value in an error */
};

typedef struct cube_schema_type cube_schema_type_t;
typedef struct cube_schema_ctx cube_schema_ctx_t;

typedef struct cube_schema_field {
    const char *name; /* JSON name */
    unsigned char kind; /* cube_schema_vkind_t */
    unsigned char container; /* cube_schema_container_t */
    unsigned char format; /* cube_schema_format_t */
    unsigned char flags; /* CUBE_SFL_* */
    const cube_schema_type_t *type; /* CUBE_SK_OBJECT */
    const char *def; /* JSON literal set when absent, or NULL */
    const char *const *values; /* enumeration, NULL-terminated, Kubernetes' order */
    const char *desc;
    /* strategic merge patch and OpenAPI list metadata (NULL when not set) */
    const char *patch_strategy; /* "merge", "retainKeys", "merge,retainKeys" */
    const char *merge_key; /* "name", "containerPort", ... */
    const char *list_type; /* "atomic", "set", "map" */
    const char *list_keys[3]; /* x-kubernetes-list-map-keys, NULL-terminated */
} cube_schema_field_t;

/*
 * Per-type hooks. defaults runs on each instance before the table's defaults
 * and before the walk descends (as Kubernetes' SetDefaults_<Type> run before
 * their fields'). validate runs on each instance after its fields were
 * walked; path is the instance's field path ("spec.template.spec"), old the
 * counterpart in the old object on update when the engine can pair it (NULL
 * otherwise).
 */
typedef void (*cube_schema_default_fn)(json_t *obj);
typedef void (*cube_schema_validate_fn)(cube_schema_ctx_t *c, const char *path, const json_t *obj,
                                        const json_t *old);

struct cube_schema_type {
    const char *name; /* "io.k8s.api.core.v1.Container" */
    const char *desc;
    const cube_schema_field_t *fields; /* ends with a row whose name is NULL */
    cube_schema_default_fn defaults;
    cube_schema_validate_fn validate;
};

/* What validation hooks see. */
struct cube_schema_ctx {
    const cube_resource_t *r;
    cube_api_op_t op;
    const json_t *obj; /* the whole new object */
    const json_t *old; /* the whole old object (NULL on create) */
    cube_field_errors_t *fe;
};

/* Name rules of metadata.name (Kubernetes' ValidateXName functions). */
typedef enum {
    CUBE_NAME_SUBDOMAIN = 0, /* most types */
    CUBE_NAME_DNS1123_LABEL, /* namespaces */
    CUBE_NAME_DNS1035_LABEL, /* services */
    CUBE_NAME_PATH_SEGMENT, /* rbac types */
    CUBE_NAME_NODE, /* nodes: subdomain */
} cube_name_rule_t;

enum {
    CUBE_KIND_GENERATION_ON_CREATE = 1 << 0, /* metadata.generation = 1 even without bumping */
};

/* One served kind: its root type, name rule and strategy hooks. */
typedef struct cube_schema_kind {
    const char *group; /* "" for core */
    const char *version; /* NULL = any served version */
    const char *kind;
    const cube_schema_type_t *type;
    unsigned char name_rule; /* cube_name_rule_t */
    unsigned char flags; /* CUBE_KIND_* */
    size_t name_max; /* extra name length limit (cronjobs: 52), 0 = none */
    /* For types with /status: the status a create starts from (JSON literal,
       the zero value as Kubernetes serializes it); NULL keeps what the client sent. */
    const char *status_on_create;
    /* Type-specific PrepareForCreate/Update, run after the generic part. */
    void (*prepare)(cube_api_op_t op, json_t *obj, const json_t *old);
    /* Object-level validation (update transitions, cross-field rules), run
       after the walk. */
    void (*validate)(cube_schema_ctx_t *c, const json_t *obj, const json_t *old);
} cube_schema_kind_t;

/* The kind rows of each file (types_core.c, types_apps.c, types_other.c). */
extern const cube_schema_kind_t cube_schema_kinds_core[];
extern const size_t cube_schema_kinds_core_n;
extern const cube_schema_kind_t cube_schema_kinds_apps[];
extern const size_t cube_schema_kinds_apps_n;
extern const cube_schema_kind_t cube_schema_kinds_other[];
extern const size_t cube_schema_kinds_other_n;
extern const cube_schema_kind_t cube_schema_kinds_auth[]; /* types_auth.c */
extern const size_t cube_schema_kinds_auth_n;

/* Types shared between the types_*.c files. */
extern const cube_schema_type_t cube_schema_object_meta; /* metav1.ObjectMeta */
extern const cube_schema_type_t cube_schema_list_meta; /* metav1.ListMeta */
extern const cube_schema_type_t cube_schema_label_selector; /* metav1.LabelSelector */
extern const cube_schema_type_t cube_schema_pod_template_spec; /* core/v1 PodTemplateSpec */
extern const cube_schema_type_t cube_schema_pvc; /* core/v1 PersistentVolumeClaim */
extern const cube_schema_type_t cube_schema_object_reference; /* core/v1 ObjectReference */
extern const cube_schema_type_t cube_schema_event_source; /* core/v1 EventSource */
extern const cube_schema_type_t cube_schema_condition; /* metav1.Condition */
extern const cube_schema_type_t cube_schema_toleration;
extern const cube_schema_type_t cube_schema_node_selector;
extern const cube_schema_type_t cube_schema_topology_selector_term;
extern const cube_schema_type_t cube_schema_typed_local_object_reference;
extern const cube_schema_type_t cube_schema_load_balancer_status; /* core/v1 LoadBalancerStatus */

/* ---- lookups ---------------------------------------------------------------- */

/* The kind row serving r (by group, kind and version); NULL if none. */
const cube_schema_kind_t *cube_schema_kind_find(const cube_resource_t *r);
/* A field of t by JSON name; NULL if t has none. */
const cube_schema_field_t *cube_schema_field_find(const cube_schema_type_t *t, const char *name);
/* Every kind row (all files), for OpenAPI and tests. Calls fn once per row. */
void cube_schema_kinds_each(void (*fn)(const cube_schema_kind_t *k, void *arg), void *arg);

/* ---- engine pieces the hooks use ----------------------------------------------- */

/*
 * Adds an error whose bad value is already rendered the way Go's %#v renders
 * it (e.g. "v1.LabelSelector{...}"); rendered NULL = the type's bare text.
 */
void cube_field_errors_add_rendered(cube_field_errors_t *fe, const char *type, const char *field,
                                    const char *rendered, const char *detail);
/* Renders a JSON value as Kubernetes' error text does (Go %q, %v, %#v). Caller frees. */
char *cube_schema_render_value(const json_t *v);
/* Renders a metav1.LabelSelector (JSON) as Go's %#v of the struct. Caller frees. */
char *cube_schema_render_selector(const json_t *sel);
/* Field errors' ErrorBody() texts in order, for tests: "Required value", ... */
const char *cube_field_errors_field(const cube_field_errors_t *fe, size_t i);
const char *cube_field_errors_type(const cube_field_errors_t *fe, size_t i);
/* The full Error() text "field: body" of error i. */
const char *cube_field_errors_text(const cube_field_errors_t *fe, size_t i);

/* Validates a string against a name rule; NULL if valid, else the message (static/TLS). */
const char *cube_schema_name_check(cube_name_rule_t rule, const char *s);
/* DNS-1035 label (service names); NULL if valid. */
const char *cube_schema_dns1035_label(const char *s);
/* Validates a JSON value against the type t at path (type checks, required,
   formats, hooks), as the walk does for nested objects. */
void cube_schema_validate_type(cube_schema_ctx_t *c, const cube_schema_type_t *t, const char *path,
                               const json_t *obj, const json_t *old);
/* Applies t's defaults to obj (an object), recursively. */
void cube_schema_default_type(const cube_schema_type_t *t, json_t *obj);

/* Labels and annotations syntax of an ObjectMeta at path (templates too). */
void cube_schema_validate_meta_maps(cube_field_errors_t *fe, const char *path, const json_t *meta);
/* Label-map syntax (keys qualified names, values label values) at path. */
void cube_schema_validate_labels(cube_field_errors_t *fe, const char *path, const json_t *labels);
/* Adds one Invalid error per message of a "; "-joined name.c result (NULL = valid). */
void cube_schema_invalid_msgs(cube_field_errors_t *fe, const char *path, const json_t *v,
                              const char *msgs);
/* Parses a quantity (string or number) into milli-units; false if not a quantity. */
bool cube_schema_quantity_milli(const json_t *v, int64_t *ret);

/* Workload rules (types_apps.c): spec.selector required, non-empty ("empty selector is
   invalid for <what>") and matching spec.template.metadata.labels. */
void cube_schema_validate_selector_matches(cube_schema_ctx_t *c, const json_t *spec,
                                           const char *what);
/* spec.selector unchanged on update ("field is immutable"). */
void cube_schema_selector_immutable(cube_schema_ctx_t *c, const json_t *obj, const json_t *old);
/* spec.template.spec.restartPolicy one of valid (NULL-terminated). */
void cube_schema_template_restart_policy(cube_schema_ctx_t *c, const json_t *spec,
                                         const char *const *valid);

/* Small JSON helpers for hooks. */
static inline void cube_json_set_default(json_t *obj, const char *key, json_t *v)
{
    if (!json_object_get(obj, key))
        json_object_set_new(obj, key, v);
    else
        json_decref(v);
}
/* A path "parent.child"; parent may be "". Caller frees. */
char *cube_schema_path(const char *parent, const char *child);
/* A path "parent[i]". Caller frees. */
char *cube_schema_path_index(const char *parent, size_t i);
/* A path "parent[key]". Caller frees. */
char *cube_schema_path_key(const char *parent, const char *key);

/* Helpers for enumerations in the tables. */
#define CUBE_ENUM(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- table-writing shorthands (types_*.c only) ------------------------------ */

#ifdef CUBE_SCHEMA_TABLES
#define F_(n, k, c, d, ...)                                                                        \
    {                                                                                              \
        .name = (n), .kind = (k), .container = (c), .desc = (d), __VA_ARGS__                       \
    }
#define F_STR(n, d, ...) F_(n, CUBE_SK_STRING, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_I32(n, d, ...) F_(n, CUBE_SK_INT32, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_I64(n, d, ...) F_(n, CUBE_SK_INT64, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_NUM(n, d, ...) F_(n, CUBE_SK_NUMBER, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_BOOL(n, d, ...) F_(n, CUBE_SK_BOOL, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_OBJ(n, T, d, ...) F_(n, CUBE_SK_OBJECT, CUBE_SC_ONE, d, .type = &(T), __VA_ARGS__)
#define F_AOBJ(n, T, d, ...) F_(n, CUBE_SK_OBJECT, CUBE_SC_ARRAY, d, .type = &(T), __VA_ARGS__)
#define F_MOBJ(n, T, d, ...) F_(n, CUBE_SK_OBJECT, CUBE_SC_MAP, d, .type = &(T), __VA_ARGS__)
#define F_ASTR(n, d, ...) F_(n, CUBE_SK_STRING, CUBE_SC_ARRAY, d, __VA_ARGS__)
#define F_AI32(n, d, ...) F_(n, CUBE_SK_INT32, CUBE_SC_ARRAY, d, __VA_ARGS__)
#define F_AI64(n, d, ...) F_(n, CUBE_SK_INT64, CUBE_SC_ARRAY, d, __VA_ARGS__)
#define F_MSTR(n, d, ...) F_(n, CUBE_SK_STRING, CUBE_SC_MAP, d, __VA_ARGS__)
#define F_IOS(n, d, ...) F_(n, CUBE_SK_INT_OR_STRING, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_QTY(n, d, ...) F_(n, CUBE_SK_QUANTITY, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_MQTY(n, d, ...)                                                                          \
    F_(n, CUBE_SK_QUANTITY, CUBE_SC_MAP, d, .format = CUBE_SF_NONNEG, __VA_ARGS__)
#define F_TIME(n, d, ...) F_(n, CUBE_SK_TIME, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_MTIME(n, d, ...) F_(n, CUBE_SK_MICROTIME, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_BYTES(n, d, ...) F_(n, CUBE_SK_BYTES, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_MBYTES(n, d, ...) F_(n, CUBE_SK_BYTES, CUBE_SC_MAP, d, __VA_ARGS__)
#define F_ANY(n, d, ...) F_(n, CUBE_SK_ANY, CUBE_SC_ONE, d, __VA_ARGS__)
#define F_AANY(n, d, ...) F_(n, CUBE_SK_ANY, CUBE_SC_ARRAY, d, __VA_ARGS__)
#define F_END                                                                                      \
    {                                                                                              \
        0                                                                                          \
    }

#define O_REQ .flags = CUBE_SFL_REQUIRED
#define O_IMM .flags = CUBE_SFL_IMMUTABLE
#define O_REQ_IMM .flags = CUBE_SFL_REQUIRED | CUBE_SFL_IMMUTABLE
#define O_DEF(lit) .def = (lit)
#define O_ENUM(...) .values = CUBE_ENUM(__VA_ARGS__)
#define O_FMT(f) .format = CUBE_SF_##f
#define O_MERGE(k) .patch_strategy = "merge", .merge_key = (k)
#define O_MERGE_RETAIN(k) .patch_strategy = "merge,retainKeys", .merge_key = (k)
#define O_RETAIN .patch_strategy = "retainKeys"
#define O_LMAP(...) .list_type = "map", .list_keys = {__VA_ARGS__}
#define O_ATOMIC .list_type = "atomic"
#define O_SET .list_type = "set"

/* A type: its fields are in `var##_f`. */
#define CUBE_TYPE(var, tname, d, dfn, vfn)                                                         \
    static const cube_schema_type_t var = {(tname), (d), var##_f, (dfn), (vfn)}
#define CUBE_XTYPE(var, tname, d, dfn, vfn)                                                        \
    const cube_schema_type_t var = {(tname), (d), var##_f, (dfn), (vfn)}
#define CUBE_FIELDS(var) static const cube_schema_field_t var##_f[]
#define CUBE_KIND(g, v, k, t, ...)                                                                 \
    {                                                                                              \
        .group = (g), .version = (v), .kind = (k), .type = &(t), __VA_ARGS__                       \
    }
#endif

#endif
