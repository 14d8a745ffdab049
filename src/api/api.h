/*
 * api: what the Kubernetes API *is*, independent of serving it: the resource
 * registry (group, version, kind, plural, verbs, subresources, ...), the
 * schema of each type (one source driving defaulting, validation, printer
 * columns and, later, OpenAPI and strategic-merge metadata), per-type
 * strategies (what create/update may touch), label and field selectors,
 * JSON Patch and JSON Merge Patch, and resource quantities.
 *
 * Objects are jansson trees (json_t), never hand-written C structs per type.
 * Everything here is pure computation: no I/O, no global mutable state, safe
 * from any thread.
 *
 * Sections below are implemented in separate files:
 *   registry.c   resources table and lookups
 *   schema.c     schema engine: defaulting, validation walk, field errors
 *   types_*.c    per-group schemas and strategies
 *   table.c      server-side printing (Table columns and cells), field selector attributes
 *   selector.c   label and field selectors
 *   patch.c      JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386)
 *   quantity.c   resource.Quantity
 *   name.c       name and label syntax checks (DNS-1123, qualified names, label values)
 *   protobuf.c   Kubernetes protobuf request bodies decoded into JSON trees
 *   yaml.c       YAML request bodies decoded into JSON trees (libyaml)
 *   managed.c    field sets (FieldsV1), managedFields, server-side apply
 */
#ifndef CUBE_API_H
#define CUBE_API_H

#include "core/core.h"

/* ======================================================================= */
/* registry (registry.c)                                                   */
/* ======================================================================= */

enum {
    CUBE_VERB_GET = 1 << 0,
    CUBE_VERB_LIST = 1 << 1,
    CUBE_VERB_WATCH = 1 << 2,
    CUBE_VERB_CREATE = 1 << 3,
    CUBE_VERB_UPDATE = 1 << 4,
    CUBE_VERB_PATCH = 1 << 5,
    CUBE_VERB_DELETE = 1 << 6,
    CUBE_VERB_DELETECOLLECTION = 1 << 7,
    CUBE_VERBS_ALL = 0xff,
};

enum {
    CUBE_SUB_STATUS = 1 << 0, /* /status: get, update, patch */
    CUBE_SUB_SCALE = 1 << 1, /* /scale: autoscaling/v1 Scale */
    CUBE_SUB_BINDING = 1 << 2, /* pods/binding: create */
    CUBE_SUB_FINALIZE = 1 << 3, /* namespaces/finalize: update */
    CUBE_SUB_TOKEN = 1 << 4, /* serviceaccounts/token: create (TokenRequest) */
    CUBE_SUB_LOG = 1 << 5, /* pods/log: get, relayed from the kubelet */
};

typedef struct cube_resource {
    const char *group; /* "" for the core group */
    const char *version; /* "v1" */
    const char *kind; /* "Pod" */
    const char *list_kind; /* "PodList" */
    const char *plural; /* "pods" */
    const char *singular; /* "pod" */
    const char *short_names[4]; /* NULL-terminated */
    const char *categories[3]; /* NULL-terminated ("all") */
    bool namespaced;
    unsigned verbs; /* CUBE_VERB_* */
    unsigned subresources; /* CUBE_SUB_* */
    /* Updates of the main resource keep status, /status keeps the rest
       (true for every type with a status subresource). */
    bool has_status;
    /* metadata.generation is bumped when anything but metadata and status changes. */
    bool bumps_generation;
} cube_resource_t;

/* All served resources, in discovery order. */
const cube_resource_t *const *cube_api_resources(size_t *ret_n);
/* Lookup by group ("" = core), version and plural; NULL if not served. */
const cube_resource_t *cube_api_resource_find(const char *group, const char *version,
                                              const char *plural);
/* Lookup by group and kind (any served version); NULL if not served. */
const cube_resource_t *cube_api_resource_by_kind(const char *group, const char *kind);
/* "apps/v1" or "v1". out >= 128 bytes. */
void cube_api_group_version(const cube_resource_t *r, char *out, size_t outlen);

/* ======================================================================= */
/* field errors (schema.c)                                                 */
/* ======================================================================= */

/*
 * An accumulating list of field.Error like Kubernetes' field.ErrorList. Types
 * are the Kubernetes ones: "FieldValueRequired", "FieldValueInvalid",
 * "FieldValueNotSupported", "FieldValueDuplicate", "FieldValueForbidden",
 * "FieldValueTooLong", "FieldValueTypeInvalid".
 */
typedef struct cube_field_errors cube_field_errors_t;

cube_field_errors_t *cube_field_errors_new(void);
void cube_field_errors_free(cube_field_errors_t *fe); /* accepts NULL */
size_t cube_field_errors_count(const cube_field_errors_t *fe);
/* Adds one error. field: "spec.containers[0].name". detail may be NULL.
 * value: the bad value (borrowed; may be NULL) rendered as Kubernetes does. */
void cube_field_errors_add(cube_field_errors_t *fe, const char *type, const char *field,
                           const json_t *value, const char *detail);
/* Convenience wrappers for the usual types. */
void cube_field_required(cube_field_errors_t *fe, const char *field, const char *detail);
void cube_field_invalid(cube_field_errors_t *fe, const char *field, const json_t *value,
                        const char *detail);
void cube_field_not_supported(cube_field_errors_t *fe, const char *field, const json_t *value,
                              const char *const *valid);
void cube_field_forbidden(cube_field_errors_t *fe, const char *field, const char *detail);
void cube_field_duplicate(cube_field_errors_t *fe, const char *field, const json_t *value);
/*
 * Turns a non-empty list into the Invalid (422) Status error Kubernetes gives:
 * message `Pod "x" is invalid: spec.containers[0].name: Required value`
 * (several errors: `... is invalid: [a: ..., b: ...]`), details
 * {name, group, kind, causes[{reason, message, field}]}. Returns -1.
 */
int cube_field_errors_to_err(const cube_field_errors_t *fe, const cube_resource_t *r,
                             const char *name, cube_err_t *err);

/* ======================================================================= */
/* object lifecycle: defaulting, validation, strategies (schema.c, types_*.c) */
/* ======================================================================= */

typedef enum {
    CUBE_OP_CREATE,
    CUBE_OP_UPDATE, /* PUT/PATCH of the main resource */
    CUBE_OP_UPDATE_STATUS, /* PUT/PATCH of /status */
} cube_api_op_t;

/*
 * Applies the type's defaults in place (Kubernetes' SetDefaults_*: pod
 * restartPolicy, dnsPolicy, container terminationMessagePath, imagePullPolicy
 * from the tag, deployment strategy, service type and ports, ...).
 */
void cube_api_default(const cube_resource_t *r, json_t *obj);

/*
 * The strategy's PrepareForCreate / PrepareForUpdate: on create, drop or
 * initialise what a client may not set (e.g. status of types with a status
 * subresource, pod status.phase = Pending); on update of the main resource,
 * copy old's status into obj; on a status update, copy everything but
 * status (and metadata the server owns) from old into obj.
 * old is NULL on create.
 */
void cube_api_prepare(const cube_resource_t *r, cube_api_op_t op, json_t *obj, const json_t *old);

/*
 * Validates obj (and, for updates, the transition from old: immutable fields).
 * Adds to fe. Does not check metadata.name syntax for the generic rules
 * (the API server calls cube_api_validate_meta for that).
 */
void cube_api_validate(const cube_resource_t *r, cube_api_op_t op, const json_t *obj,
                       const json_t *old, cube_field_errors_t *fe);

/* Generic metadata checks: name (per the type's name rule), generateName,
 * labels, annotations (size and keys), namespace presence for namespaced types. */
void cube_api_validate_meta(const cube_resource_t *r, const json_t *obj, cube_field_errors_t *fe);

/*
 * Strict decoding (fieldValidation): called once per finding with the field's
 * path as Kubernetes' strict decoder names it ("spec.foo", "spec.containers[0].x").
 */
typedef void (*cube_schema_field_fn)(const char *path, void *arg);

/*
 * The fields of obj that r's schema does not have, in document order (fields
 * Kubernetes has but the tables leave unmodelled, and CUBE_SK_ANY subtrees,
 * are kept and not reported). prune: removes them from obj, as Kubernetes'
 * typed decoding drops them. fn may be NULL. Returns how many were found;
 * 0 for kinds without a schema.
 */
size_t cube_schema_unknown_fields(const cube_resource_t *r, json_t *obj, bool prune,
                                  cube_schema_field_fn fn, void *arg);

/*
 * Keys repeated inside one JSON object of a (well-formed) JSON text, each
 * path reported once, in document order. Returns how many.
 */
size_t cube_json_duplicate_fields(const char *data, size_t len, cube_schema_field_fn fn, void *arg);

/* ======================================================================= */
/* server-side printing and field selector attributes (table.c)            */
/* ======================================================================= */

typedef struct cube_table_column {
    const char
        *name; /* "NAME", as kubectl prints it (kubectl upper-cases) -- given as in k8s: "Name" */
    const char *type; /* "string", "integer", "date", "number", "boolean" */
    const char *format; /* "name" for the name column, else "" */
    const char *description;
    int priority; /* 0 = default columns, 1 = -o wide */
    bool age; /* cell is a timestamp rendered as an age at print time */
} cube_table_column_t;

/* The type's printer columns (Kubernetes' own for the type; its default Name and Created At for
   types without). */
const cube_table_column_t *cube_api_table_columns(const cube_resource_t *r, size_t *ret_n);

/*
 * The cells of one row for obj, a new JSON array with one value per column.
 * For an `age` column the cell is the Unix time (integer) it counts from
 * (rendered with cube_time_age() when the table is printed, so cells can be
 * computed once and cached), null (printed "<unknown>"), or a string printed
 * as is (a finished job's duration, "<none>").
 */
json_t *cube_api_table_cells(const cube_resource_t *r, const json_t *obj);

/*
 * The field selector attributes of obj: metadata.name, metadata.namespace and
 * whatever the type adds (pods: spec.nodeName, spec.restartPolicy,
 * spec.schedulerName, spec.serviceAccountName, spec.hostNetwork, status.phase,
 * status.podIP, status.nominatedNodeName; events: involvedObject.*, reason,
 * source, type; secrets: type; namespaces: status.phase; nodes:
 * spec.unschedulable; ...). Returns a new JSON object field -> string value.
 */
json_t *cube_api_field_attrs(const cube_resource_t *r, const json_t *obj);
/* True if `field` may be used in a field selector for r. */
bool cube_api_field_supported(const cube_resource_t *r, const char *field);

/* ======================================================================= */
/* selectors (selector.c)                                                  */
/* ======================================================================= */

typedef struct cube_selector cube_selector_t;

/*
 * Parses a label selector in Kubernetes' string syntax:
 *   a=b, a==b, a!=b, a in (x,y), a notin (x), a, !a   (comma = AND)
 * Empty string = everything. Errors: BadRequest (400) with the parse error.
 */
int cube_label_selector_parse(const char *s, cube_selector_t **ret, cube_err_t *err);
/* Builds one from a metav1.LabelSelector object (matchLabels, matchExpressions). */
int cube_label_selector_from_json(const json_t *sel, cube_selector_t **ret, cube_err_t *err);
/* Parses a field selector: a=b, a==b, a!=b, comma = AND. Errors: BadRequest. */
int cube_field_selector_parse(const char *s, cube_selector_t **ret, cube_err_t *err);
/* Matches against a JSON object of string values (labels, or field attributes).
 * NULL labels = no labels. An empty selector matches everything. */
bool cube_selector_matches(const cube_selector_t *sel, const json_t *labels);
bool cube_selector_empty(const cube_selector_t *sel);
/* Each key the selector requires (for field selectors: to check support). */
size_t cube_selector_keys(const cube_selector_t *sel, const char *const **ret_keys);
/* If the selector pins key to one value (key=value), returns it, else NULL. */
const char *cube_selector_exact(const cube_selector_t *sel, const char *key);
void cube_selector_free(cube_selector_t *sel); /* accepts NULL */

/* ======================================================================= */
/* patches (patch.c)                                                       */
/* ======================================================================= */

/*
 * Applies a JSON Patch (RFC 6902: add, remove, replace, move, copy, test) to
 * a copy of doc. ret: the new document (owned). Errors: BadRequest for a
 * malformed patch document, Invalid (422) for a patch that does not apply
 * (missing path, failed test), with Kubernetes-like messages.
 */
int cube_json_patch_apply(const json_t *doc, const json_t *patch, json_t **ret, cube_err_t *err);
/* Applies a JSON Merge Patch (RFC 7386) to a copy of doc. Cannot fail on a valid JSON patch. */
json_t *cube_merge_patch_apply(const json_t *doc, const json_t *patch);
/*
 * Applies a strategic merge patch (application/strategic-merge-patch+json) to a
 * copy of doc, using r's schema for each list's patch strategy and merge key.
 * ret: new document. Errors: BadRequest for a malformed patch, Invalid (422)
 * for one that cannot apply (e.g. a merge-keyed element without its key).
 */
int cube_strategic_merge_patch(const cube_resource_t *r, const json_t *doc, const json_t *patch,
                               json_t **ret, cube_err_t *err);

/* ======================================================================= */
/* quantities (quantity.c)                                                 */
/* ======================================================================= */

/*
 * resource.Quantity: "100m", "1.5Gi", "2e3", "128974848", "1k". Parses into
 * a scaled value (milli-units, saturating) and writes the canonical form
 * Kubernetes serializes. Errors: Invalid with "quantities must match the
 * regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".
 */
int cube_quantity_parse(const char *s, int64_t *ret_milli, cube_err_t *err);
/* Canonical string of s (e.g. "1000m" -> "1", "1024Ki" -> "1Mi"). Caller frees. */
int cube_quantity_canonical(const char *s, char **ret, cube_err_t *err);

/* ======================================================================= */
/* ResourceQuota usage (quota.c)                                           */
/* ======================================================================= */

/* What obj (of resource r) counts against quotas: {"pods": 1000, "requests.cpu": 100, ...} in
 * milli-units (a terminal or deleted pod counts nothing). New reference. */
json_t *cube_quota_usage(const cube_resource_t *r, const json_t *obj);
/* Whether quota's scopes and scopeSelector cover obj (unscoped quotas cover everything). */
bool cube_quota_scopes_match(const json_t *quota, const cube_resource_t *r, const json_t *obj);
/* A usage in milli-units as a quantity string for resource ("500m", "2", "64Mi"). Owned. */
char *cube_quota_format(const char *resource, int64_t milli);

/* ======================================================================= */
/* names and labels (name.c)                                               */
/* ======================================================================= */

/* Each returns NULL if valid, else the Kubernetes message (static or
   thread-local storage; copy it before the next call). */
const char *cube_name_dns1123_subdomain(const char *s); /* most object names */
const char *cube_name_dns1123_label(const char *s); /* namespaces, services, container names */
const char *
cube_name_path_segment(const char *s); /* names that only must not contain '/', '%', '.' or '..' */
const char *cube_name_qualified(const char *s); /* label and annotation keys */
const char *cube_name_label_value(const char *s);

/* ======================================================================= */
/* protobuf bodies (protobuf.c)                                            */
/* ======================================================================= */

/*
 * client-go's typed clients (kubectl create configmap/secret/deployment/...)
 * send bodies as `application/vnd.kubernetes.protobuf`: the 4-byte magic
 * "k8s\0", then a runtime.Unknown {typeMeta{apiVersion, kind}, raw,
 * contentEncoding, contentType} whose raw bytes are the object's message.
 * This decodes such a body into the object's JSON tree (apiVersion and kind
 * set, fields named and shaped as Kubernetes JSON, zero values dropped where
 * Kubernetes' JSON omits them). ret: a new object.
 * Errors: UnsupportedMediaType (415) for a kind it has no message table for,
 * BadRequest (400) for malformed bytes.
 */
int cube_protobuf_decode(const void *data, size_t len, json_t **ret, cube_err_t *err);

/*
 * Decodes an `application/yaml` body (its first document) into a JSON object tree,
 * typing plain scalars as Kubernetes' YAML decoder does. Errors: BadRequest with the
 * parser's line and problem, or when the document is not a mapping.
 */
int cube_yaml_decode(const void *data, size_t len, json_t **ret, cube_err_t *err);
/*
 * cube_yaml_decode that also reports repeated mapping keys (the last value wins,
 * as sigs.k8s.io/yaml's non-strict conversion): *ret_dups is NULL or the text of
 * Kubernetes' strict YAML error ("yaml: unmarshal errors:\n  line 5: key
 * \"replicas\" already set in map"), caller frees; written only on success.
 */
int cube_yaml_decode_dups(const void *data, size_t len, json_t **ret, char **ret_dups,
                          cube_err_t *err);

/* ======================================================================= */
/* field ownership: FieldsV1 sets, managedFields, server-side apply         */
/* (managed.c)                                                             */
/* ======================================================================= */

/*
 * A field set is a JSON tree in Kubernetes' FieldsV1 form: keys "f:<field or
 * map key>", "k:<list-map keys as JSON>", "v:<set element as JSON>",
 * "i:<index>"; a node belongs to the set when it is an empty object or has a
 * "." key. Sets come from objects through r's schema (list types from
 * x-kubernetes-list-type / merge keys; atomic lists and unmodelled subtrees
 * are leaves). Every function returns a new tree (owned) and leaves its
 * inputs alone; an empty set is {}.
 */
typedef enum {
    CUBE_FIELDS_MAIN, /* the main resource: status left out for types with /status */
    CUBE_FIELDS_STATUS, /* the status subresource: status only */
    CUBE_FIELDS_ALL, /* every field (tests) */
} cube_fields_scope_t;

/* The fields set in obj, without those the server owns (apiVersion, kind, metadata.name,
   namespace, uid, resourceVersion, generation, creationTimestamp, selfLink, managedFields). */
json_t *cube_fields_of(const cube_resource_t *r, const json_t *obj, cube_fields_scope_t scope);
json_t *cube_fields_union(const json_t *a, const json_t *b);
json_t *cube_fields_difference(const json_t *a, const json_t *b);
json_t *cube_fields_intersection(const json_t *a, const json_t *b);
bool cube_fields_empty(const json_t *s);
/* True if v is a well-formed FieldsV1 tree. */
bool cube_fields_valid(const json_t *v);
/* The set's member paths as Kubernetes prints them (".spec.replicas",
   ".spec.containers[name=\"c\"].image"), a new array of strings. */
json_t *cube_fields_paths(const json_t *s);
/* Fields whose value was added or changed from old to new (old may be NULL). */
json_t *cube_fields_changed(const cube_resource_t *r, const json_t *old, const json_t *obj,
                            cube_fields_scope_t scope);

/* Who writes, and how: shared by cube_managed_update and cube_managed_apply. */
typedef struct cube_managed_req {
    const cube_resource_t *r;
    const char *manager; /* fieldManager, or derived from the User-Agent */
    const char *subresource; /* NULL, "status", "scale", ... */
    cube_fields_scope_t scope;
    time_t now;
} cube_managed_req_t;

/*
 * managedFields upkeep for a non-apply write (create: old NULL). Takes the
 * entries from obj when it sets them explicitly (an empty list, or one empty
 * entry, resets them; status writes always keep old's), else from old; the
 * fields the write changed move to (manager, Update, subresource), merged
 * with that entry, and leave every other entry. Sets obj's
 * metadata.managedFields (removed when no entry is left). Cannot fail.
 */
void cube_managed_update(const cube_managed_req_t *q, const json_t *old, json_t *obj);

/*
 * Server-side apply of config onto live (NULL: the object does not exist).
 * ret: the merged object (before defaulting) with managedFields set.
 * Fields the manager applied before and no longer applies are removed unless
 * another manager owns them. Errors: Conflict (409) listing the fields other
 * managers own that the apply would change (unless force), with
 * details.causes; BadRequest when config sets metadata.managedFields.
 */
int cube_managed_apply(const cube_managed_req_t *q, const json_t *live, const json_t *config,
                       bool force, json_t **ret, cube_err_t *err);

#endif
