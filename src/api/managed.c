/*
 * Field ownership, as Kubernetes' server-side apply defines it: which client
 * ("manager") set which field of an object. Every write records, in
 * metadata.managedFields, the fields it changed under its manager; an apply
 * (application/apply-patch+yaml) declares the whole set of fields its manager
 * wants, is merged into the live object, fails on fields other managers own
 * with a different value (unless forced), and removes the fields the manager
 * stopped applying that nobody else owns.
 *
 * Field sets are kept in their wire form (FieldsV1 JSON trees) so entries go
 * in and out of objects without conversion. The schema tables (types_*.c)
 * give each list its kind: map lists are keyed by their list-map keys (or
 * merge key), lists of scalars with a merge strategy are sets, other lists
 * are atomic; fields the schema does not model are leaves.
 */
#include "api/internal.h"

/* ---- the shape of a value, from the schema ------------------------------ */

typedef enum { SH_LEAF, SH_STRUCT, SH_MAP, SH_LIST_MAP, SH_LIST_SET, SH_LIST_ATOMIC } shape_kind_t;

typedef struct shape {
    shape_kind_t kind;
    const cube_schema_type_t *t; /* SH_STRUCT */
    const cube_schema_field_t *f; /* maps and lists: the field holding the value */
} shape_t;

static const shape_t leaf = {SH_LEAF, NULL, NULL};

static bool has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = list; p && *p;) {
        if (!strncmp(p, tok, n) && (p[n] == 0 || p[n] == ','))
            return true;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return false;
}

/* The shape of one element (array or map member) of field f, or of f's value. */
static shape_t shape_of(const cube_schema_field_t *f, bool elem)
{
    if (!f || f->kind == CUBE_SK_ANY)
        return leaf;
    if (!elem && f->container == CUBE_SC_MAP)
        return (shape_t){SH_MAP, NULL, f};
    if (!elem && f->container == CUBE_SC_ARRAY) {
        const char *lt = f->list_type;
        if (lt && !strcmp(lt, "map"))
            return (shape_t){SH_LIST_MAP, NULL, f};
        if (lt && !strcmp(lt, "set"))
            return (shape_t){SH_LIST_SET, NULL, f};
        if (lt && !strcmp(lt, "atomic"))
            return (shape_t){SH_LIST_ATOMIC, NULL, f};
        if (f->merge_key && f->kind == CUBE_SK_OBJECT)
            return (shape_t){SH_LIST_MAP, NULL, f};
        if (f->kind != CUBE_SK_OBJECT && has_token(f->patch_strategy, "merge"))
            return (shape_t){SH_LIST_SET, NULL, f};
        return (shape_t){SH_LIST_ATOMIC, NULL, f};
    }
    if (f->kind == CUBE_SK_OBJECT && f->type)
        return (shape_t){SH_STRUCT, f->type, NULL};
    return leaf;
}

/* The shape of member key of a struct or map value. */
static shape_t child_shape(shape_t s, const char *key)
{
    if (s.kind == SH_STRUCT)
        return shape_of(cube_schema_field_find(s.t, key), false);
    if (s.kind == SH_MAP)
        return shape_of(s.f, true);
    return leaf;
}

static shape_t root_shape(const cube_resource_t *r)
{
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    return (shape_t){SH_STRUCT, k ? k->type : NULL, NULL};
}

/* ---- path elements of list items ------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The list-map keys of f (x-kubernetes-list-map-keys, else the merge key), sorted by name. */
static size_t list_keys(const cube_schema_field_t *f, const char *out[3])
{
    size_t n = 0;
    for (; n < 3 && f->list_keys[n]; n++)
        out[n] = f->list_keys[n];
    if (!n && f->merge_key)
        out[n++] = f->merge_key;
    qsort(out, n, sizeof(out[0]), cmp_str);
    return n;
}

/* The value of key field k of a list item, or its schema default when absent. Owned. */
static json_t *key_value(const cube_schema_field_t *f, const json_t *item, const char *k)
{
    json_t *v = json_object_get(item, k);
    if (v)
        return json_incref(v);
    const cube_schema_field_t *kf = f->type ? cube_schema_field_find(f->type, k) : NULL;
    if (kf && kf->def)
        return json_loads(kf->def, JSON_DECODE_ANY, NULL);
    return NULL;
}

/* The {key: value} object identifying a list-map item (new reference), NULL if it has no keys. */
static json_t *item_keys(const cube_schema_field_t *f, const json_t *item)
{
    const char *keys[3];
    size_t n = list_keys(f, keys);
    if (!n || !json_is_object(item))
        return NULL;
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *v = key_value(f, item, keys[i]);
        if (v)
            json_object_set_new(o, keys[i], v);
    }
    if (!json_object_size(o)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The path element naming array item i of a list of shape s. Caller frees. */
static char *item_element(shape_t s, const json_t *item, size_t i)
{
    if (s.kind == SH_LIST_MAP) {
        json_auto_t *k = item_keys(s.f, item);
        if (k) {
            _cleanup_free_ char *j = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
            return xasprintf("k:%s", j);
        }
    } else if (s.kind == SH_LIST_SET) {
        _cleanup_free_ char *j = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
        return xasprintf("v:%s", j);
    }
    return xasprintf("i:%zu", i);
}

/* Whether item is the one path element el names. */
static bool item_matches(shape_t s, const json_t *item, size_t i, const char *el)
{
    _cleanup_free_ char *mine = item_element(s, item, i);
    return !strcmp(mine, el);
}

/* Index of the item of array a named by el; -1 if none. */
static ssize_t find_item(shape_t s, const json_t *a, const char *el)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (item_matches(s, v, i, el)) return (ssize_t)i;
    return -1;
}

/* The value path element el names inside v (of shape s), and its shape. Borrowed; NULL if none. */
static json_t *resolve(shape_t s, const json_t *v, const char *el, shape_t *ret_shape)
{
    *ret_shape = leaf;
    if (!v || strlen(el) < 2 || el[1] != ':')
        return NULL;
    if (el[0] == 'f' && json_is_object(v)) {
        *ret_shape = child_shape(s, el + 2);
        return json_object_get(v, el + 2);
    }
    if (json_is_array(v) &&
        (s.kind == SH_LIST_MAP || s.kind == SH_LIST_SET || s.kind == SH_LIST_ATOMIC)) {
        ssize_t i = find_item(s, v, el);
        if (i < 0)
            return NULL;
        *ret_shape = shape_of(s.f, true);
        return json_array_get(v, (size_t)i);
    }
    return NULL;
}

/* ---- sets ----------------------------------------------------------------- */

static bool is_member(const json_t *n)
{
    return n && (json_object_size(n) == 0 || json_object_get(n, "."));
}

/* Finishes a node: children (owned, may be empty) plus membership. NULL = nothing. */
static json_t *finish(json_t *children, bool member)
{
    if (json_object_size(children) == 0) {
        if (member)
            return children;
        json_decref(children);
        return NULL;
    }
    if (member)
        json_object_set_new(children, ".", json_object());
    return children;
}

typedef enum { OP_UNION, OP_DIFF, OP_INTER } setop_t;

static json_t *setop(const json_t *a, const json_t *b, setop_t op, bool root)
{
    if (op == OP_UNION && (!a || !b)) {
        const json_t *x = a ? a : b;
        return x ? json_deep_copy(x) : NULL;
    }
    if (op == OP_DIFF && !b)
        return a ? json_deep_copy(a) : NULL;
    if (!a || (op == OP_INTER && !b))
        return NULL;
    bool ma = !root && is_member(a), mb = !root && is_member(b);
    bool member = op == OP_UNION ? (ma || mb) : op == OP_DIFF ? (ma && !mb) : (ma && mb);
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)a, k, v)
    {
        if (!strcmp(k, "."))
            continue;
        json_t *r = setop(v, json_object_get(b, k), op, false);
        if (r)
            json_object_set_new(out, k, r);
    }
    if (op == OP_UNION)
        json_object_foreach((json_t *)b, k, v)
        {
            if (!strcmp(k, ".") || json_object_get(a, k))
                continue;
            json_object_set_new(out, k, json_deep_copy(v));
        }
    if (root)
        return out;
    return finish(out, member);
}

json_t *cube_fields_union(const json_t *a, const json_t *b)
{
    return setop(a, b, OP_UNION, true);
}

json_t *cube_fields_difference(const json_t *a, const json_t *b)
{
    return setop(a, b, OP_DIFF, true);
}

json_t *cube_fields_intersection(const json_t *a, const json_t *b)
{
    return setop(a, b, OP_INTER, true);
}

bool cube_fields_empty(const json_t *s)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)s, k, v) if (strcmp(k, ".")) return false;
    return true;
}

bool cube_fields_valid(const json_t *v)
{
    if (!json_is_object(v))
        return false;
    const char *k;
    json_t *c;
    json_object_foreach((json_t *)v, k, c)
    {
        if (!strcmp(k, ".")) {
            if (!json_is_object(c) || json_object_size(c))
                return false;
            continue;
        }
        if (strlen(k) < 2 || k[1] != ':' || !strchr("fkvi", k[0]))
            return false;
        if (k[0] != 'f') {
            json_auto_t *j = json_loads(k + 2, JSON_DECODE_ANY, NULL);
            if (!j || (k[0] == 'k' && !json_is_object(j)) || (k[0] == 'i' && !json_is_integer(j)))
                return false;
        }
        if (!cube_fields_valid(c))
            return false;
    }
    return true;
}

/* ---- fields of an object ------------------------------------------------------ */

static bool ignored_meta(const char *k)
{
    static const char *const keys[] = {
        "name",       "namespace",         "uid",          "selfLink", "resourceVersion",
        "generation", "creationTimestamp", "managedFields"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(keys); i++)
        if (!strcmp(keys[i], k))
            return true;
    return false;
}

/* The set node of value v of shape s; member: v's own path belongs to the set. */
static json_t *fields_node(shape_t s, const json_t *v, bool member)
{
    if (json_is_null(v) || s.kind == SH_LEAF || s.kind == SH_LIST_ATOMIC ||
        (json_is_object(v) && json_object_size(v) == 0))
        return json_object();
    json_t *out = json_object();
    if ((s.kind == SH_STRUCT || s.kind == SH_MAP) && json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach((json_t *)v, k, c)
        {
            _cleanup_free_ char *el = xasprintf("f:%s", k);
            json_t *n = fields_node(child_shape(s, k), c, s.kind == SH_MAP);
            if (n)
                json_object_set_new(out, el, n);
        }
    } else if (json_is_array(v)) {
        shape_t es = shape_of(s.f, true);
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c)
        {
            _cleanup_free_ char *el = item_element(s, c, i);
            json_t *n = fields_node(es, c, true);
            json_t *prev = json_object_get(out, el);
            if (prev) { /* a duplicate key: one path */
                json_t *u = setop(prev, n, OP_UNION, false);
                json_decref(n);
                n = u;
            }
            json_object_set_new(out, el, n);
        }
    } else {
        json_decref(out);
        return json_object(); /* a value not of its schema's shape: a leaf */
    }
    return finish(out, member);
}

json_t *cube_fields_of(const cube_resource_t *r, const json_t *obj, cube_fields_scope_t scope)
{
    json_t *out = json_object();
    if (!json_is_object(obj))
        return out;
    shape_t rs = root_shape(r);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        if (!strcmp(k, "apiVersion") || !strcmp(k, "kind"))
            continue;
        bool status = !strcmp(k, "status");
        if (scope == CUBE_FIELDS_STATUS && !status)
            continue;
        if (scope == CUBE_FIELDS_MAIN && status && r && r->has_status)
            continue;
        json_t *n;
        if (!strcmp(k, "metadata") && json_is_object(v)) {
            shape_t ms = child_shape(rs, k);
            json_t *m = json_object();
            const char *mk;
            json_t *mv;
            json_object_foreach(v, mk, mv)
            {
                if (ignored_meta(mk))
                    continue;
                json_t *c = fields_node(child_shape(ms, mk), mv, false);
                if (c) {
                    _cleanup_free_ char *el = xasprintf("f:%s", mk);
                    json_object_set_new(m, el, c);
                }
            }
            n = finish(m, false);
        } else {
            n = fields_node(child_shape(rs, k), v, false);
        }
        if (n) {
            _cleanup_free_ char *el = xasprintf("f:%s", k);
            json_object_set_new(out, el, n);
        }
    }
    return out;
}

/* ---- comparison ------------------------------------------------------------------ */

/* Members of nn (a node of new's set at value nv) that old (node on, value ov) lacks or holds
   with another value. */
static json_t *changed_node(shape_t s, const json_t *nn, const json_t *nv, const json_t *on,
                            const json_t *ov)
{
    if (!on)
        return json_deep_copy(nn);
    bool member = false;
    if (is_member(nn)) {
        if (!is_member(on))
            member = true;
        else if (cube_fields_empty(nn) && !json_equal((json_t *)nv, (json_t *)ov))
            member = true;
    }
    json_t *out = json_object();
    const char *k;
    json_t *c;
    json_object_foreach((json_t *)nn, k, c)
    {
        if (!strcmp(k, "."))
            continue;
        shape_t cs, os;
        json_t *cnv = resolve(s, nv, k, &cs);
        json_t *cov = resolve(s, ov, k, &os);
        json_t *r = changed_node(cs, c, cnv, json_object_get(on, k), cov);
        if (r)
            json_object_set_new(out, k, r);
    }
    return finish(out, member);
}

/* Changed fields between two objects whose sets are already known. */
static json_t *changed_sets(const cube_resource_t *r, const json_t *old, const json_t *oset,
                            const json_t *obj, const json_t *nset)
{
    if (!old)
        return json_deep_copy(nset);
    shape_t rs = root_shape(r);
    json_t *out = json_object();
    const char *k;
    json_t *c;
    json_object_foreach((json_t *)nset, k, c)
    {
        shape_t cs, os;
        json_t *nv = resolve(rs, obj, k, &cs);
        json_t *ov = resolve(rs, old, k, &os);
        json_t *n = changed_node(cs, c, nv, json_object_get(oset, k), ov);
        if (n)
            json_object_set_new(out, k, n);
    }
    return out;
}

json_t *cube_fields_changed(const cube_resource_t *r, const json_t *old, const json_t *obj,
                            cube_fields_scope_t scope)
{
    json_auto_t *nset = cube_fields_of(r, obj, scope);
    json_auto_t *oset = old ? cube_fields_of(r, old, scope) : NULL;
    return changed_sets(r, old, oset, obj, nset);
}

/* ---- paths as text ------------------------------------------------------------------ */

/* Appends a JSON value as structured-merge-diff prints key values (strings quoted). */
static void put_value(cube_buf_t *b, const json_t *v)
{
    if (json_is_string(v)) {
        cube_buf_go_quote(b, json_string_value(v));
        return;
    }
    _cleanup_free_ char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    cube_buf_puts(b, s ? s : "null");
}

static void put_element(cube_buf_t *b, const char *el)
{
    if (el[0] == 'f') {
        cube_buf_printf(b, ".%s", el + 2);
        return;
    }
    json_auto_t *j = json_loads(el + 2, JSON_DECODE_ANY, NULL);
    if (el[0] == 'k' && json_is_object(j)) {
        cube_buf_putc(b, '[');
        const char *k;
        json_t *v;
        bool first = true;
        json_object_foreach(j, k, v)
        {
            cube_buf_printf(b, "%s%s=", first ? "" : ",", k);
            put_value(b, v);
            first = false;
        }
        cube_buf_putc(b, ']');
    } else if (el[0] == 'v') {
        cube_buf_puts(b, "[=");
        put_value(b, j);
        cube_buf_putc(b, ']');
    } else {
        cube_buf_printf(b, "[%s]", el + 2);
    }
}

static void paths_walk(const json_t *n, cube_buf_t *prefix, json_t *out)
{
    const char **keys = xcalloc(json_object_size(n) + 1, sizeof(*keys));
    size_t nk = 0;
    const char *k;
    json_t *c;
    json_object_foreach((json_t *)n, k, c) if (strcmp(k, ".")) keys[nk++] = k;
    qsort(keys, nk, sizeof(*keys), cmp_str);
    for (size_t i = 0; i < nk; i++) {
        size_t len = prefix->len;
        put_element(prefix, keys[i]);
        c = json_object_get(n, keys[i]);
        if (is_member(c))
            json_array_append_new(out, json_string(prefix->data));
        paths_walk(c, prefix, out);
        prefix->len = len;
        prefix->data[len] = 0;
    }
    free(keys);
}

json_t *cube_fields_paths(const json_t *s)
{
    json_t *out = json_array();
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_reserve(&b, 64);
    paths_walk(s, &b, out);
    cube_buf_clear(&b);
    return out;
}

/* ---- managedFields entries ------------------------------------------------------------ */

typedef struct entry {
    char *manager;
    bool apply;
    char *sub; /* NULL: the main resource */
    char *api_version;
    char *time;
    json_t *set;
} entry_t;

typedef struct entries {
    entry_t *v;
    size_t n;
} entries_t;

static void entries_clear(entries_t *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].manager);
        free(e->v[i].sub);
        free(e->v[i].api_version);
        free(e->v[i].time);
        json_decref(e->v[i].set);
    }
    free(e->v);
    e->v = NULL;
    e->n = 0;
}

static entry_t *entries_add(entries_t *e, const char *manager, bool apply, const char *sub,
                            const char *api_version, const char *time, json_t *set)
{
    e->v = xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
    entry_t *x = &e->v[e->n++];
    *x = (entry_t){xstrdup(manager ? manager : ""),   apply,
                   sub && *sub ? xstrdup(sub) : NULL, api_version ? xstrdup(api_version) : NULL,
                   time ? xstrdup(time) : NULL,       set};
    return x;
}

static entry_t *entries_find(entries_t *e, const char *manager, bool apply, const char *sub)
{
    for (size_t i = 0; i < e->n; i++) {
        entry_t *x = &e->v[i];
        if (x->apply == apply && !strcmp(x->manager, manager) &&
            !strcmp(x->sub ? x->sub : "", sub ? sub : ""))
            return x;
    }
    return NULL;
}

/* Decodes a managedFields list; false (and nothing kept) if any entry is malformed. */
static bool entries_decode(const json_t *list, entries_t *out)
{
    if (!json_is_array(list))
        return false;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *op = cube_json_str(e, "operation", NULL);
        const char *ft = cube_json_str(e, "fieldsType", NULL);
        json_t *f = json_object_get(e, "fieldsV1");
        if (!json_is_object(e) || !op || (strcmp(op, "Apply") && strcmp(op, "Update")) ||
            (ft && strcmp(ft, "FieldsV1")) || (f && !cube_fields_valid(f))) {
            entries_clear(out);
            return false;
        }
        entry_t *x = entries_find(out, cube_json_str(e, "manager", NULL) ?: "",
                                  !strcmp(op, "Apply"), cube_json_str(e, "subresource", NULL));
        if (x) { /* duplicate entries merge, as Kubernetes' decoder does */
            json_t *u = cube_fields_union(x->set, f);
            json_decref(x->set);
            x->set = u;
            continue;
        }
        entries_add(out, cube_json_str(e, "manager", NULL), !strcmp(op, "Apply"),
                    cube_json_str(e, "subresource", NULL), cube_json_str(e, "apiVersion", NULL),
                    cube_json_str(e, "time", NULL),
                    f ? setop(f, NULL, OP_UNION, true) : json_object());
    }
    return true;
}

static int entry_cmp(const void *pa, const void *pb)
{
    const entry_t *a = pa, *b = pb;
    if (a->apply != b->apply)
        return a->apply ? -1 : 1; /* "Apply" < "Update" */
    time_t ta = 0, tb = 0;
    if (a->time)
        cube_time_parse(a->time, &ta);
    if (b->time)
        cube_time_parse(b->time, &tb);
    if (ta != tb)
        return ta < tb ? -1 : 1;
    int c = strcmp(a->manager, b->manager);
    if (c)
        return c;
    c = strcmp(a->api_version ? a->api_version : "", b->api_version ? b->api_version : "");
    if (c)
        return c;
    return strcmp(a->sub ? a->sub : "", b->sub ? b->sub : "");
}

/* Writes the entries (empty ones dropped, Kubernetes' order) into obj's metadata. */
static void entries_encode(entries_t *e, json_t *obj)
{
    json_t *meta = cube_json_obj(obj, "metadata");
    if (e->n)
        qsort(e->v, e->n, sizeof(*e->v), entry_cmp);
    json_t *list = json_array();
    for (size_t i = 0; i < e->n; i++) {
        entry_t *x = &e->v[i];
        if (cube_fields_empty(x->set))
            continue;
        json_t *j = json_object();
        json_object_set_new(j, "manager", json_string(x->manager));
        json_object_set_new(j, "operation", json_string(x->apply ? "Apply" : "Update"));
        if (x->api_version)
            json_object_set_new(j, "apiVersion", json_string(x->api_version));
        if (x->time)
            json_object_set_new(j, "time", json_string(x->time));
        json_object_set_new(j, "fieldsType", json_string("FieldsV1"));
        json_object_set(j, "fieldsV1", x->set);
        if (x->sub)
            json_object_set_new(j, "subresource", json_string(x->sub));
        json_array_append_new(list, j);
    }
    if (json_array_size(list))
        json_object_set_new(meta, "managedFields", list);
    else {
        json_decref(list);
        json_object_del(meta, "managedFields");
    }
}

/* Removes set s from every entry but skip. */
static void entries_subtract(entries_t *e, const json_t *s, const entry_t *skip)
{
    if (cube_fields_empty(s))
        return;
    for (size_t i = 0; i < e->n; i++) {
        if (&e->v[i] == skip)
            continue;
        json_t *d = cube_fields_difference(e->v[i].set, s);
        json_decref(e->v[i].set);
        e->v[i].set = d;
    }
}

static bool reset_list(const json_t *mf)
{
    if (!json_is_array(mf))
        return false;
    if (json_array_size(mf) == 0)
        return true;
    json_t *e0 = json_array_get(mf, 0);
    return json_array_size(mf) == 1 && json_is_object(e0) && json_object_size(e0) == 0;
}

static void gv_of(const cube_resource_t *r, char *out, size_t n)
{
    if (r)
        cube_api_group_version(r, out, n);
    else
        snprintf(out, n, "v1");
}

/* The entries a write starts from (see cube_managed_update). */
static void starting_entries(const cube_managed_req_t *q, const json_t *old, const json_t *obj,
                             entries_t *e)
{
    json_t *mine = cube_json_path(obj, "metadata", "managedFields", NULL);
    json_t *theirs = cube_json_path(old, "metadata", "managedFields", NULL);
    if (q->scope != CUBE_FIELDS_STATUS && mine) {
        if (reset_list(mine))
            return;
        if (json_array_size(mine) && entries_decode(mine, e))
            return;
    }
    if (theirs)
        entries_decode(theirs, e);
}

/* A copy of obj without metadata.managedFields. */
static json_t *without_mf(const json_t *obj)
{
    json_t *c = json_deep_copy(obj);
    json_t *m = json_object_get(c, "metadata");
    if (json_is_object(m))
        json_object_del(m, "managedFields");
    return c;
}

/* A create whose body sets no managedFields: one entry holding every field (the common,
   hot case, kept cheap for the create path). */
static void update_created(const cube_managed_req_t *q, json_t *obj)
{
    json_t *set = cube_fields_of(q->r, obj, q->scope);
    if (cube_fields_empty(set)) {
        json_decref(set);
        return;
    }
    char gv[128], ts[32];
    gv_of(q->r, gv, sizeof(gv));
    cube_time_rfc3339(q->now, ts);
    json_t *e = json_object();
    json_object_set_new(e, "manager", json_string(q->manager));
    json_object_set_new(e, "operation", json_string("Update"));
    json_object_set_new(e, "apiVersion", json_string(gv));
    json_object_set_new(e, "time", json_string(ts));
    json_object_set_new(e, "fieldsType", json_string("FieldsV1"));
    json_object_set_new(e, "fieldsV1", set);
    if (q->subresource)
        json_object_set_new(e, "subresource", json_string(q->subresource));
    json_t *list = json_array();
    json_array_append_new(list, e);
    json_object_set_new(cube_json_obj(obj, "metadata"), "managedFields", list);
}

void cube_managed_update(const cube_managed_req_t *q, const json_t *old, json_t *obj)
{
    if (!old && !cube_json_path(obj, "metadata", "managedFields", NULL))
        return update_created(q, obj);
    entries_t e = {0};
    starting_entries(q, old, obj, &e);
    json_t *meta = json_object_get(obj, "metadata");
    if (json_is_object(meta))
        json_object_del(meta, "managedFields");
    json_auto_t *oclean = old ? without_mf(old) : NULL;
    json_auto_t *nset = cube_fields_of(q->r, obj, q->scope);
    json_auto_t *oset = oclean ? cube_fields_of(q->r, oclean, q->scope) : NULL;
    json_auto_t *changed = changed_sets(q->r, oclean, oset, obj, nset);
    json_auto_t *removed = oset ? cube_fields_difference(oset, nset) : json_object();
    json_auto_t *gone = cube_fields_union(changed, removed);
    entries_subtract(&e, gone, NULL);
    if (!cube_fields_empty(changed)) {
        char gv[128], ts[32];
        gv_of(q->r, gv, sizeof(gv));
        cube_time_rfc3339(q->now, ts);
        entry_t *x = entries_find(&e, q->manager, false, q->subresource);
        if (!x)
            x = entries_add(&e, q->manager, false, q->subresource, gv, ts, json_object());
        json_t *u = cube_fields_union(x->set, changed);
        json_decref(x->set);
        x->set = u;
        free(x->time);
        x->time = xstrdup(ts);
        free(x->api_version);
        x->api_version = xstrdup(gv);
    }
    entries_encode(&e, obj);
    entries_clear(&e);
}

/* ---- apply: merge ---------------------------------------------------------------------- */

/* The merge of cfg into live. Copy-on-write: the result's objects and lists along the
 * applied paths are new, everything else is shared with live (so whoever changes the
 * result in place first unshares what it changes: see own_child). */
static json_t *merge(shape_t s, const json_t *live, const json_t *cfg)
{
    if (!live || json_is_null(cfg))
        return json_deep_copy(cfg);
    if ((s.kind == SH_STRUCT || s.kind == SH_MAP) && json_is_object(live) && json_is_object(cfg)) {
        json_t *out = json_copy((json_t *)live);
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)cfg, k, v)
        {
            json_object_set_new(out, k, merge(child_shape(s, k), json_object_get(live, k), v));
        }
        return out;
    }
    if ((s.kind == SH_LIST_MAP || s.kind == SH_LIST_SET) && json_is_array(live) &&
        json_is_array(cfg)) {
        json_t *out = json_copy((json_t *)live);
        shape_t es = shape_of(s.f, true);
        size_t i;
        json_t *v;
        json_array_foreach(cfg, i, v)
        {
            _cleanup_free_ char *el = item_element(s, v, i);
            ssize_t at = el[0] == 'i' ? -1 : find_item(s, out, el);
            if (at >= 0)
                json_array_set_new(out, (size_t)at, merge(es, json_array_get(out, (size_t)at), v));
            else
                json_array_append_new(out, json_deep_copy(v));
        }
        return out;
    }
    return json_deep_copy(cfg);
}

/* Child cv of v (reached by element k, shape s) made v's own before v's caller changes it:
 * a child the merge left shared with the live object is replaced by a shallow copy. */
static json_t *own_child(shape_t s, json_t *v, const char *k, json_t *cv)
{
    if (cv->refcount <= 1)
        return cv;
    json_t *copy = json_copy(cv);
    if (k[0] == 'f') {
        json_object_set_new(v, k + 2, copy);
    } else {
        ssize_t at = find_item(s, v, k);
        if (at < 0) {
            json_decref(copy);
            return cv;
        }
        json_array_set_new(v, (size_t)at, copy);
    }
    return copy;
}

/* metadata (and its annotations when asked) of a merged object, made its own. */
static json_t *own_meta(json_t *obj, bool annotations)
{
    json_t *meta = json_object_get(obj, "metadata");
    if (meta && meta->refcount > 1)
        json_object_set_new(obj, "metadata", meta = json_copy(meta));
    json_t *ann = annotations ? json_object_get(meta, "annotations") : NULL;
    if (ann && ann->refcount > 1)
        json_object_set_new(meta, "annotations", json_copy(ann));
    return meta;
}

/* Removes from v (shape s; v its own, not shared) the members of rm that keep does not
 * reach. */
static void prune(shape_t s, json_t *v, const json_t *rm, const json_t *keep)
{
    const char *k;
    json_t *c;
    json_object_foreach((json_t *)rm, k, c)
    {
        if (!strcmp(k, "."))
            continue;
        shape_t cs;
        json_t *cv = resolve(s, v, k, &cs);
        if (!cv)
            continue;
        json_t *ck = json_object_get(keep, k);
        if (is_member(c) && !ck) {
            if (k[0] == 'f')
                json_object_del(v, k + 2);
            else if (json_is_array(v)) {
                ssize_t at = find_item(s, v, k);
                if (at >= 0)
                    json_array_remove(v, (size_t)at);
            }
            continue;
        }
        prune(cs, own_child(s, v, k, cv), c, ck);
    }
}

/* ---- apply: conflicts ------------------------------------------------------------------- */

typedef struct conflict {
    const entry_t *owner;
    char *path;
} conflict_t;

static void manager_text(cube_buf_t *b, const entry_t *x)
{
    cube_buf_go_quote(b, x->manager);
    if (x->sub) {
        cube_buf_puts(b, " with subresource ");
        cube_buf_go_quote(b, x->sub);
    }
    if (!x->apply)
        cube_buf_printf(b, " using %s", x->api_version ? x->api_version : "");
}

static int conflict_cmp(const void *pa, const void *pb)
{
    const conflict_t *a = pa, *b = pb;
    int c = strcmp(a->owner->manager, b->owner->manager);
    return c ? c : (a->owner < b->owner ? -1 : a->owner > b->owner);
}

/* The 409 Kubernetes answers for conflicts (n > 0). */
static int conflicts_err(conflict_t *cs, size_t n, cube_err_t *err)
{
    cube_buf_t b = CUBE_BUF_INIT;
    json_t *causes = json_array();
    for (size_t i = 0; i < n; i++) {
        cube_buf_t m = CUBE_BUF_INIT;
        cube_buf_puts(&m, "conflict with ");
        manager_text(&m, cs[i].owner);
        json_array_append_new(causes, json_pack("{s:s, s:s, s:s}", "reason", "FieldManagerConflict",
                                                "message", m.data, "field", cs[i].path));
        cube_buf_clear(&m);
    }
    if (n == 1) {
        cube_buf_puts(&b, "Apply failed with 1 conflict: conflict with ");
        manager_text(&b, cs[0].owner);
        cube_buf_printf(&b, ": %s", cs[0].path);
    } else {
        qsort(cs, n, sizeof(*cs), conflict_cmp);
        cube_buf_printf(&b, "Apply failed with %zu conflicts: ", n);
        for (size_t i = 0; i < n; i++) {
            if (i == 0 || cs[i].owner != cs[i - 1].owner) {
                if (i)
                    cube_buf_putc(&b, '\n');
                cube_buf_puts(&b, "conflicts with ");
                manager_text(&b, cs[i].owner);
                cube_buf_putc(&b, ':');
            }
            cube_buf_printf(&b, "\n- %s", cs[i].path);
        }
    }
    cube_err_conflict(err, "%s", b.data);
    cube_buf_clear(&b);
    err->details = json_pack("{s:o}", "causes", causes);
    return -1;
}

/* Fields of the last-applied annotation whose live value still equals it: what kubectl's
   client-side apply owned, which an apply by "kubectl" may take over. */
static json_t *allowed_from_last_applied(const cube_resource_t *r, const json_t *live,
                                         cube_fields_scope_t scope)
{
    const char *la = cube_json_str(live, "metadata", "annotations",
                                   "kubectl.kubernetes.io/last-applied-configuration", NULL);
    json_auto_t *j = la ? json_loads(la, 0, NULL) : NULL;
    if (!json_is_object(j))
        return NULL;
    json_auto_t *set = cube_fields_of(r, j, scope);
    json_auto_t *diff = cube_fields_changed(r, live, j, scope);
    return cube_fields_difference(set, diff);
}

/* ---- apply ----------------------------------------------------------------------------- */

/* Items of list maps must carry their keys (structured-merge-diff refuses the configuration
   otherwise). Appends the first problem to b; false then. */
static bool keys_present(shape_t s, const json_t *v, cube_buf_t *path, cube_buf_t *b)
{
    size_t len = path->len;
    bool ok = true;
    if ((s.kind == SH_STRUCT || s.kind == SH_MAP) && json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach((json_t *)v, k, c)
        {
            cube_buf_printf(path, ".%s", k);
            ok = keys_present(child_shape(s, k), c, path, b);
            path->len = len;
            path->data[len] = 0;
            if (!ok)
                return false;
        }
    } else if ((s.kind == SH_LIST_MAP || s.kind == SH_LIST_SET) && json_is_array(v)) {
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c)
        {
            const char *keys[3];
            size_t nk = list_keys(s.f, keys);
            for (size_t j = 0; s.kind == SH_LIST_MAP && j < nk; j++) {
                json_auto_t *kv = json_is_object(c) ? key_value(s.f, c, keys[j]) : NULL;
                if (!kv) {
                    cube_buf_printf(b,
                                    "%s: element %zu: associative list with keys has an element "
                                    "that omits key field \"%s\" (and doesn't have default value)",
                                    path->data ? path->data : "", i, keys[j]);
                    return false;
                }
            }
            if (s.kind == SH_LIST_MAP && !keys_present(shape_of(s.f, true), c, path, b))
                return false;
        }
    }
    return true;
}

int cube_managed_apply(const cube_managed_req_t *q, const json_t *live, const json_t *config,
                       bool force, json_t **ret, cube_err_t *err)
{
    if (cube_json_path(config, "metadata", "managedFields", NULL))
        return cube_err_badrequest(err, "metadata.managedFields must be nil");
    char gv[128], ts[32];
    gv_of(q->r, gv, sizeof(gv));
    cube_buf_t path = CUBE_BUF_INIT, why = CUBE_BUF_INIT;
    cube_buf_reserve(&path, 64);
    bool ok = keys_present(root_shape(q->r), config, &path, &why);
    cube_buf_clear(&path);
    if (!ok) {
        cube_err_badrequest(err, "failed to create typed patch object (%s, Kind=%s): %s", gv,
                            q->r ? q->r->kind : "", why.data);
        cube_buf_clear(&why);
        return -1;
    }
    cube_time_rfc3339(q->now, ts);
    entries_t e = {0};
    json_auto_t *lclean = NULL;
    if (live) {
        entries_decode(cube_json_path(live, "metadata", "managedFields", NULL), &e);
        /* managedFields stay in place (sets never see them), so an unchanged apply
           gives the same bytes */
        lclean = json_deep_copy(live);
        if (e.n == 0) /* fields set before the first apply stay owned by someone */
            entries_add(&e, "before-first-apply", false, q->subresource, gv, ts,
                        cube_fields_of(q->r, lclean, q->scope));
    }
    json_auto_t *cset = cube_fields_of(q->r, config, q->scope);
    json_auto_t *merged = merge(root_shape(q->r), lclean, config);
    json_auto_t *lset = lclean ? cube_fields_of(q->r, lclean, q->scope) : json_object();
    json_auto_t *mset = cube_fields_of(q->r, merged, q->scope);
    json_auto_t *changed = changed_sets(q->r, lclean, lset, merged, mset);

    /* conflicts: other entries owning fields the apply changes */
    entry_t *self = entries_find(&e, q->manager, true, q->subresource);
    conflict_t *cs = NULL;
    size_t ncs = 0;
    json_auto_t *allowed = NULL;
    bool kubectl = !strcmp(q->manager, "kubectl") && live;
    if (kubectl)
        allowed = allowed_from_last_applied(q->r, lclean, q->scope);
    for (size_t i = 0; i < e.n; i++) {
        if (&e.v[i] == self)
            continue;
        json_auto_t *c = cube_fields_intersection(e.v[i].set, changed);
        if (cube_fields_empty(c))
            continue;
        json_auto_t *paths = NULL;
        if (allowed) {
            json_auto_t *rest = cube_fields_difference(c, allowed);
            paths = cube_fields_paths(rest);
        } else {
            paths = cube_fields_paths(c);
        }
        size_t j;
        json_t *p;
        json_array_foreach(paths, j, p)
        {
            cs = xrealloc(cs, (ncs + 1) * sizeof(*cs));
            cs[ncs++] = (conflict_t){&e.v[i], xstrdup(json_string_value(p))};
        }
    }
    int rc = 0;
    if (ncs && !force)
        rc = conflicts_err(cs, ncs, err);
    for (size_t i = 0; i < ncs; i++)
        free(cs[i].path);
    free(cs);
    if (rc < 0) {
        entries_clear(&e);
        return -1;
    }
    /* forced (or allowed): the fields change hands */
    entries_subtract(&e, changed, self);

    /* fields this manager stopped applying go unless someone else owns them */
    if (self) {
        json_auto_t *keep = json_deep_copy(cset);
        for (size_t i = 0; i < e.n; i++) {
            if (&e.v[i] == self)
                continue;
            json_t *u = cube_fields_union(keep, e.v[i].set);
            json_decref(keep);
            keep = u;
        }
        json_auto_t *rm = cube_fields_difference(self->set, keep);
        if (!cube_fields_empty(rm)) {
            prune(root_shape(q->r), merged, rm, keep);
            json_auto_t *pset = cube_fields_of(q->r, merged, q->scope);
            json_auto_t *removed = cube_fields_difference(lset, pset);
            entries_subtract(&e, removed, self);
        } else {
            json_auto_t *removed = cube_fields_difference(lset, mset);
            entries_subtract(&e, removed, self);
        }
    }

    /* kubectl's client-side apply annotation follows an apply by kubectl (as the API server
       keeps it in sync, so a later client-side apply still sees the truth) */
    json_t *la = cube_json_path(merged, "metadata", "annotations",
                                "kubectl.kubernetes.io/last-applied-configuration", NULL);
    if (kubectl && la) {
        own_meta(merged, true);
        json_auto_t *c = json_deep_copy(config);
        json_t *ann = cube_json_path(c, "metadata", "annotations", NULL);
        if (json_is_object(ann)) {
            json_object_del(ann, "kubectl.kubernetes.io/last-applied-configuration");
            if (!json_object_size(ann))
                json_object_del(json_object_get(c, "metadata"), "annotations");
        }
        _cleanup_free_ char *s = json_dumps(c, JSON_COMPACT);
        json_object_set_new(cube_json_path(merged, "metadata", "annotations", NULL),
                            "kubectl.kubernetes.io/last-applied-configuration", json_string(s));
    }

    bool noop = lclean && self && json_equal(merged, lclean) && json_equal(self->set, cset);
    if (!self)
        self = entries_add(&e, q->manager, true, q->subresource, gv, ts, json_object());
    json_decref(self->set);
    self->set = json_incref(cset);
    if (!noop) {
        free(self->time);
        self->time = xstrdup(ts);
        free(self->api_version);
        self->api_version = xstrdup(gv);
    }
    own_meta(merged, false);
    entries_encode(&e, merged);
    entries_clear(&e);
    *ret = TAKE_PTR(merged);
    return 0;
}
