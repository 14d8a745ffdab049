/*
 * Strategic merge patch: the patch type kubectl sends by default (`kubectl
 * patch`, client-side `kubectl apply`, `kubectl edit`, `kubectl label` on
 * built-in types). It is a JSON merge patch that knows the schema: a list
 * whose field is tagged patchStrategy "merge" is merged element by element
 * (by the field's merge key for lists of objects, as a set for lists of
 * scalars) instead of being replaced, and a few directive keys steer the
 * merge: "$patch" (replace/delete an object, delete or replace a list
 * element), "$retainKeys" (drop the keys of an object the patch does not
 * name), "$deleteFromPrimitiveList/<field>" and "$setElementOrder/<field>".
 *
 * The behaviour follows Kubernetes' strategicpatch package as the API server
 * runs it (parallel deletion lists merged, unmatched nulls ignored),
 * including its element order rule: elements the patch names come in the
 * patch's (or $setElementOrder's) order, interleaved with the elements only
 * the server has where their old positions allow, so a new element without
 * $setElementOrder lands first. Where that package would copy a patch value
 * verbatim (a new key, a replaced list), this file still strips directives
 * and nulls from it, so directive keys never reach a stored object. Fields
 * the schema does not know merge like a JSON merge patch with the same
 * directives; fields of "any" kind (raw extensions, schemas) merge as plain
 * JSON merge patches, since their own keys may start with "$".
 */
#include "api/internal.h"

#include <limits.h>
#include <math.h>

#define DIRECTIVE "$patch"
#define RETAIN_KEYS "$retainKeys"
#define DELETE_PREFIX "$deleteFromPrimitiveList"
#define ORDER_PREFIX "$setElementOrder"

#define ERR_RETAIN_KEYS "invalid patch format of retainKeys"
#define ERR_PRIMITIVE_LIST "invalid patch format of primitive list"
#define ERR_ORDER_LIST "invalid patch format of setElementOrder list"

/* What the schema says about one value: the field holding it and whether the
   value is the field itself or one element (array) or value (map) of it. */
typedef struct meta {
    const cube_schema_field_t *f; /* NULL: unknown to the schema */
    bool elem;
} meta_t;

static const meta_t unknown_meta = {NULL, false};

static json_t *merge_map(json_t *orig, json_t *patch, meta_t m, cube_err_t *err);
static json_t *merge_list(json_t *orig, json_t *patch, meta_t m, bool del, cube_err_t *err);
static json_t *fresh_value(json_t *patch, meta_t m, cube_err_t *err);

/* ---- schema lookups ------------------------------------------------------ */

static bool is_any(meta_t m)
{
    return m.f && m.f->kind == CUBE_SK_ANY;
}

/* The meta of member `key` of an object value described by m. */
static meta_t child_meta(meta_t m, const char *key)
{
    if (!m.f || is_any(m))
        return unknown_meta;
    if (m.f->container == CUBE_SC_MAP && !m.elem)
        return (meta_t){m.f, true};
    if (m.f->kind == CUBE_SK_OBJECT && m.f->type && (m.f->container == CUBE_SC_ONE || m.elem))
        return (meta_t){cube_schema_field_find(m.f->type, key), false};
    return unknown_meta;
}

/* The meta of each element of an array value described by m. */
static meta_t elem_meta(meta_t m)
{
    if (m.f && !m.elem && m.f->container == CUBE_SC_ARRAY)
        return (meta_t){m.f, true};
    return unknown_meta;
}

static bool has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, tok, n) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* Whether an array value described by m merges (patchStrategy "merge"). */
static bool list_merges(meta_t m)
{
    return m.f && !m.elem && m.f->container == CUBE_SC_ARRAY &&
           has_token(m.f->patch_strategy, "merge");
}

/* The merge key of an array value described by m, or NULL. */
static const char *list_key(meta_t m)
{
    return m.f && !m.elem && m.f->container == CUBE_SC_ARRAY ? m.f->merge_key : NULL;
}

/* ---- values ------------------------------------------------------------ */

/* Go's %v of a decoded JSON value, for error messages (map keys sorted). */
static void gofmt_buf(cube_buf_t *b, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        _cleanup_free_ const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            size_t j = i++;
            while (j > 0 && strcmp(keys[j - 1], k) > 0) {
                keys[j] = keys[j - 1];
                j--;
            }
            keys[j] = k;
        }
        cube_buf_puts(b, "map[");
        for (i = 0; i < n; i++) {
            cube_buf_printf(b, "%s%s:", i ? " " : "", keys[i]);
            gofmt_buf(b, json_object_get(v, keys[i]));
        }
        cube_buf_putc(b, ']');
        break;
    }
    case JSON_ARRAY: {
        cube_buf_putc(b, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                cube_buf_putc(b, ' ');
            gofmt_buf(b, json_array_get(v, i));
        }
        cube_buf_putc(b, ']');
        break;
    }
    case JSON_STRING:
        cube_buf_append(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
    case JSON_REAL: {
        double d = json_number_value(v);
        if (d == floor(d) && fabs(d) < 1e6) {
            cube_buf_printf(b, "%.0f", d);
        } else {
            char s[64];
            for (int p = 1; p <= 17; p++) {
                snprintf(s, sizeof(s), "%.*g", p, d);
                if (strtod(s, NULL) == d)
                    break;
            }
            cube_buf_puts(b, s);
        }
        break;
    }
    case JSON_TRUE:
        cube_buf_puts(b, "true");
        break;
    case JSON_FALSE:
        cube_buf_puts(b, "false");
        break;
    case JSON_NULL:
        cube_buf_puts(b, "<nil>");
        break;
    }
}

static char *gofmt(const json_t *v)
{
    cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
    gofmt_buf(&b, v);
    cube_buf_putc(&b, '\0');
    return cube_buf_steal(&b, NULL);
}

/*
 * A patch that cannot be applied for a reason Kubernetes' patcher does not classify becomes
 * an InternalError there (500, "Internal error occurred: ...", the message as the cause);
 * only some errors are BadRequest or 422 (interpretStrategicMergePatchError). Ours follow.
 */
static int internal(cube_err_t *err, const char *fmt, ...) _printf_(2, 3);
static int internal(cube_err_t *err, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cube_err_set(err, 500, "InternalError", "Internal error occurred: %s", msg);
    err->details = json_pack("{s:[{s:s}]}", "causes", "message", msg);
    return -1;
}

static int no_merge_key(cube_err_t *err, const json_t *elem, const char *key)
{
    _cleanup_free_ char *s = gofmt(elem);
    return internal(err, "map: %s does not contain declared merge key: %s", s, key);
}

static int bad_patch_type(cube_err_t *err, const json_t *directive, const json_t *obj)
{
    _cleanup_free_ char *d = gofmt(directive), *o = gofmt(obj);
    return cube_err_badrequest(err, "unknown patch type: %s in map: %s", d, o);
}

/* Equality as Go's == on decoded JSON scalars (all numbers are float64). */
static bool value_equal(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return a == b;
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal((json_t *)a, (json_t *)b);
}

/* Go's type of a decoded JSON value, as sliceElementType compares them. */
static int go_type(const json_t *v)
{
    return json_is_number(v) ? JSON_REAL : (json_is_boolean(v) ? JSON_TRUE : json_typeof(v));
}

/* Index of the element of l[0..n) matching v (by key's value when key is set), or -1. */
static long index_of(const json_t *l, size_t n, const json_t *v, const char *key)
{
    const json_t *want = key ? json_object_get(v, key) : v;
    for (size_t i = 0; i < n && i < json_array_size(l); i++) {
        const json_t *e = json_array_get(l, i);
        if (value_equal(key ? json_object_get(e, key) : e, want))
            return (long)i;
    }
    return -1;
}

static bool is_directive_elem(const json_t *e, const char *which)
{
    const json_t *d = json_object_get(e, DIRECTIVE);
    return d && (!which || (json_is_string(d) && strcmp(json_string_value(d), which) == 0));
}

/* ---- element order --------------------------------------------------------- */

typedef struct ranked {
    json_t *v;
    long rank;
    size_t pos;
} ranked_t;

static int ranked_cmp(const void *a, const void *b)
{
    const ranked_t *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->pos < y->pos ? -1 : (x->pos > y->pos);
}

/*
 * Orders a merged list as Kubernetes does: the elements named by porder
 * (the patch list or $setElementOrder) in porder's order, the others in
 * their order in sorder (the old list, its first sn elements), then both
 * interleaved: a server-only element goes first only when both it and the
 * next patch element were in the old list and it came earlier there.
 * Returns a new array, or NULL (Invalid) when an element lacks the key.
 */
static json_t *order_list(const json_t *merged, const json_t *porder, const json_t *sorder,
                          size_t sn, const char *key, cube_err_t *err)
{
    size_t n = json_array_size(merged), np = 0, ns = 0;
    if (key) {
        for (size_t i = 0; i < n; i++)
            if (!json_object_get(json_array_get(merged, i), key))
                return no_merge_key(err, json_array_get(merged, i), key), NULL;
        for (size_t i = 0; i < json_array_size(porder); i++) {
            const json_t *e = json_array_get(porder, i);
            if (!is_directive_elem(e, "delete") && !json_object_get(e, key))
                return no_merge_key(err, e, key), NULL;
        }
    }
    _cleanup_free_ ranked_t *pi = xcalloc(n + 1, sizeof(*pi));
    _cleanup_free_ ranked_t *si = xcalloc(n + 1, sizeof(*si));
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(merged, i);
        long r = index_of(porder, json_array_size(porder), v, key);
        if (r >= 0) {
            pi[np++] = (ranked_t){v, r, i};
        } else {
            r = index_of(sorder, sn, v, key);
            si[ns++] = (ranked_t){v, r >= 0 ? r : LONG_MAX, i};
        }
    }
    qsort(pi, np, sizeof(*pi), ranked_cmp);
    qsort(si, ns, sizeof(*si), ranked_cmp);
    json_t *out = json_array();
    size_t i = 0, j = 0;
    while (i < ns || j < np) {
        bool left;
        if (i >= ns) {
            left = false;
        } else if (j >= np) {
            left = true;
        } else {
            long li = index_of(sorder, sn, si[i].v, key);
            long ri = index_of(sorder, sn, pi[j].v, key);
            left = li >= 0 && ri >= 0 && li < ri;
        }
        json_array_append(out, left ? si[i++].v : pi[j++].v);
    }
    return out;
}

/* ---- lists ------------------------------------------------------------------- */

/* Checks that the elements of a and b share one type, not a list (sliceElementType). */
static int check_elem_types(const json_t *a, const json_t *b, int *ret_type, cube_err_t *err)
{
    int t = -1;
    const json_t *lists[2] = {a, b};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < json_array_size(lists[l]); i++) {
            int et = go_type(json_array_get(lists[l], i));
            if (et == JSON_ARRAY)
                return cube_err_invalid(err, "lists of lists are not supported");
            if (t >= 0 && et != t) {
                _cleanup_free_ char *sa = gofmt(a), *sb = gofmt(b);
                return internal(err, "list element types are not identical: [%s %s]", sa, sb);
            }
            t = et;
        }
    *ret_type = t;
    return 0;
}

/*
 * Merges the patch list into orig (consumed; may be modified in place) for a
 * merging list described by m. del: patch is a $deleteFromPrimitiveList
 * list. Returns a new reference, or NULL with err set.
 */
static json_t *merge_list(json_t *orig, json_t *patch, meta_t m, bool del, cube_err_t *err)
{
    json_auto_t *o = orig;
    if (json_array_size(o) == 0 && json_array_size(patch) == 0)
        return TAKE_PTR(o);
    int t = -1;
    if (check_elem_types(o, patch, &t, err) < 0)
        return NULL;

    if (t != JSON_OBJECT) {
        json_auto_t *merged = json_array();
        if (del) {
            for (size_t i = 0; i < json_array_size(o); i++)
                if (index_of(patch, json_array_size(patch), json_array_get(o, i), NULL) < 0)
                    json_array_append(merged, json_array_get(o, i));
            return TAKE_PTR(merged);
        }
        const json_t *lists[2] = {o, patch};
        for (size_t l = 0; l < 2; l++)
            for (size_t i = 0; i < json_array_size(lists[l]); i++) {
                json_t *v = json_array_get(lists[l], i);
                if (index_of(merged, json_array_size(merged), v, NULL) < 0)
                    json_array_append(merged, v);
            }
        return order_list(merged, patch, o, json_array_size(o), NULL, err);
    }

    const char *key = list_key(m);
    if (!key)
        return internal(err, "cannot merge lists without merge key for type struct"), NULL;
    meta_t em = elem_meta(m);
    json_auto_t *plain = json_array();
    bool replace = false;
    for (size_t i = 0; i < json_array_size(patch); i++) {
        json_t *e = json_array_get(patch, i);
        json_t *d = json_object_get(e, DIRECTIVE);
        if (!d) {
            json_array_append(plain, e);
        } else if (is_directive_elem(e, "delete")) {
            json_t *kv = json_object_get(e, key);
            if (!kv)
                return no_merge_key(err, e, key), NULL;
            for (size_t j = 0; j < json_array_size(o);) {
                if (value_equal(json_object_get(json_array_get(o, j), key), kv))
                    json_array_remove(o, j);
                else
                    j++;
            }
        } else if (is_directive_elem(e, "replace")) {
            replace = true;
        } else if (is_directive_elem(e, "merge")) {
            return internal(err, "merging lists cannot yet be specified in the patch"), NULL;
        } else {
            return bad_patch_type(err, d, e), NULL;
        }
    }

    if (replace) {
        json_auto_t *out = json_array();
        for (size_t i = 0; i < json_array_size(plain); i++) {
            json_t *v = fresh_value(json_array_get(plain, i), em, err);
            if (!v)
                return NULL;
            json_array_append_new(out, v);
        }
        json_auto_t *none = json_array();
        return order_list(out, none, out, json_array_size(out), key, err);
    }

    size_t n0 = json_array_size(o);
    for (size_t i = 0; i < json_array_size(plain); i++) {
        json_t *e = json_array_get(plain, i);
        json_t *kv = json_object_get(e, key);
        if (!kv)
            return no_merge_key(err, e, key), NULL;
        size_t j = 0;
        for (; j < json_array_size(o); j++)
            if (value_equal(json_object_get(json_array_get(o, j), key), kv))
                break;
        json_t *v = j < json_array_size(o)
                        ? merge_map(json_incref(json_array_get(o, j)), e, em, err)
                        : fresh_value(e, em, err);
        if (!v)
            return NULL;
        if (j < json_array_size(o))
            json_array_set_new(o, j, v);
        else
            json_array_append_new(o, v);
    }
    return order_list(o, plain, o, n0, key, err);
}

/* The value a patch value becomes where the document has nothing: itself
   without directives and nulls. Returns a new reference or NULL. */
static json_t *fresh_value(json_t *patch, meta_t m, cube_err_t *err)
{
    if (is_any(m))
        return cube_merge_patch_apply(NULL, patch);
    if (json_is_object(patch))
        return merge_map(NULL, patch, m, err);
    if (!json_is_array(patch))
        return json_incref(patch);
    bool merging = list_merges(m);
    meta_t em = elem_meta(m);
    json_auto_t *out = json_array();
    for (size_t i = 0; i < json_array_size(patch); i++) {
        json_t *e = json_array_get(patch, i);
        if (merging && json_is_object(e) && json_object_get(e, DIRECTIVE))
            continue; /* delete: nothing to delete; replace: the others are the list */
        json_t *v = fresh_value(e, em, err);
        if (!v)
            return NULL;
        json_array_append_new(out, v);
    }
    return TAKE_PTR(out);
}

/* ---- directives on objects ------------------------------------------------ */

static bool in_strings(const json_t *list, const char *s)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *v = json_array_get(list, i);
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* $retainKeys: the patch may only name listed keys; orig keeps only those. */
static int retain_keys(json_t *orig, json_t *patch, cube_err_t *err)
{
    json_auto_t *rk = json_incref(json_object_get(patch, RETAIN_KEYS));
    if (!rk)
        return 0;
    json_object_del(patch, RETAIN_KEYS);
    if (!json_is_array(rk))
        return cube_err_badrequest(err, ERR_RETAIN_KEYS);
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach(patch, k, v)
    {
        if (json_is_null(v) || has_prefix(k, DELETE_PREFIX) || has_prefix(k, ORDER_PREFIX))
            continue;
        if (!in_strings(rk, k))
            return cube_err_badrequest(err, ERR_RETAIN_KEYS);
    }
    json_object_foreach_safe(orig, tmp, k, v)
    {
        if (!in_strings(rk, k))
            json_object_del(orig, k);
    }
    return 0;
}

/* The patch list must follow the $setElementOrder list's relative order. */
static int check_order(const json_t *plist, const json_t *order, const char *key, cube_err_t *err)
{
    if (!json_array_size(plist) || !json_array_size(order))
        return 0;
    json_auto_t *keep = json_array();
    for (size_t i = 0; i < json_array_size(plist); i++) {
        json_t *e = json_array_get(plist, i);
        if (key && !json_is_object(e))
            return internal(err, "expected a map in a list with merge key %s", key);
        if (!key || !is_directive_elem(e, "delete"))
            json_array_append(keep, e);
    }
    size_t pi = 0, si = 0, np = json_array_size(keep), no = json_array_size(order);
    while (pi < np && si < no) {
        const json_t *p = json_array_get(keep, pi), *s = json_array_get(order, si);
        if (json_is_object(p) && json_object_get(p, DIRECTIVE)) {
            pi++;
            continue;
        }
        bool eq;
        if (key) {
            if (!json_object_get(p, key))
                return no_merge_key(err, p, key);
            if (!json_object_get(s, key))
                return no_merge_key(err, s, key);
            eq = value_equal(json_object_get(p, key), json_object_get(s, key));
        } else {
            eq = value_equal(p, s);
        }
        if (eq)
            pi++;
        si++;
    }
    if (pi < np) {
        _cleanup_free_ char *a = gofmt(plist), *b = gofmt(order);
        return cube_err_badrequest(
            err, "The order in patch list:\n%s\n doesn't match " ORDER_PREFIX " list:\n%s\n", a, b);
    }
    return 0;
}

/* Processes every $setElementOrder/<field> of patch, with the field's patch list. */
static int set_element_order(json_t *orig, json_t *patch, meta_t m, cube_err_t *err)
{
    json_auto_t *keys = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(patch, k, v)
    {
        if (has_prefix(k, ORDER_PREFIX))
            json_array_append_new(keys, json_string(k));
    }
    for (size_t i = 0; i < json_array_size(keys); i++) {
        const char *dk = json_string_value(json_array_get(keys, i));
        json_auto_t *order = json_incref(json_object_get(patch, dk));
        json_object_del(patch, dk);
        if (dk[strlen(ORDER_PREFIX)] != '/' || !json_is_array(order))
            return cube_err_badrequest(err, ERR_ORDER_LIST);
        const char *name = dk + strlen(ORDER_PREFIX) + 1;
        json_t *ol = json_object_get(orig, name), *pl = json_object_get(patch, name);
        if ((ol && !json_is_array(ol)) || (pl && !json_is_array(pl)))
            continue; /* not lists: the ordinary merge decides */
        if (!ol && !pl)
            continue;
        meta_t cm = child_meta(m, name);
        const char *key = list_key(cm);
        if (check_order(pl, order, key, err) < 0)
            return -1;
        json_auto_t *old = ol ? json_copy(ol) : json_array();
        json_auto_t *merged = NULL;
        if (ol && !pl)
            merged = json_incref(ol);
        else if (ol && list_merges(cm))
            merged = merge_list(json_incref(ol), pl, cm, false, err);
        else
            merged = fresh_value(pl, cm, err);
        if (!merged)
            return -1;
        const json_t *first = json_array_get(merged, 0);
        json_t *ordered = order_list(merged, order, old, json_array_size(old),
                                     json_is_object(first) ? key : NULL, err);
        if (!ordered)
            return -1;
        json_object_set_new(orig, name, ordered);
        json_object_del(patch, name);
    }
    return 0;
}

/* ---- objects ------------------------------------------------------------------ */

/*
 * Merges patch (modified: directives are consumed) into orig (consumed; NULL
 * = absent; modified in place) for an object value described by m. Returns
 * a new reference, or NULL with err set.
 */
static json_t *merge_map(json_t *orig, json_t *patch, meta_t m, cube_err_t *err)
{
    json_auto_t *out = orig;
    if (is_any(m))
        return cube_merge_patch_apply(out, patch);
    json_t *d = json_object_get(patch, DIRECTIVE);
    if (d) {
        if (is_directive_elem(patch, "replace")) {
            json_object_del(patch, DIRECTIVE);
            return merge_map(NULL, patch, m, err);
        }
        if (is_directive_elem(patch, "delete"))
            return json_object();
        return bad_patch_type(err, d, patch), NULL;
    }
    if (!json_is_object(out)) {
        json_decref(out);
        out = json_object();
    }
    if (retain_keys(out, patch, err) < 0 || set_element_order(out, patch, m, err) < 0)
        return NULL;

    const char *k;
    json_t *pv;
    json_object_foreach(patch, k, pv)
    {
        const char *name = k;
        bool del = false;
        if (has_prefix(k, DELETE_PREFIX)) {
            if (k[strlen(DELETE_PREFIX)] != '/' || !json_is_array(pv))
                return cube_err_badrequest(err, ERR_PRIMITIVE_LIST), NULL;
            name = k + strlen(DELETE_PREFIX) + 1;
            del = true;
        }
        meta_t cm = child_meta(m, name);
        json_t *ov = json_object_get(out, name);
        json_t *v;
        if (del) {
            if (!json_is_array(ov))
                continue; /* nothing to delete from */
            v = merge_list(json_incref(ov), pv, cm, true, err);
        } else if (json_is_null(pv)) {
            json_object_del(out, name);
            continue;
        } else if (!ov) {
            v = fresh_value(pv, cm, err);
        } else if (is_any(cm)) {
            v = cube_merge_patch_apply(ov, pv);
        } else if (json_is_object(ov) && json_is_object(pv)) {
            v = merge_map(json_incref(ov), pv, cm, err);
        } else if (json_is_array(ov) && json_is_array(pv) && list_merges(cm)) {
            v = merge_list(json_incref(ov), pv, cm, false, err);
        } else {
            v = fresh_value(pv, cm, err);
        }
        if (!v)
            return NULL;
        json_object_set_new(out, name, v);
    }
    return TAKE_PTR(out);
}

/* ---- entry point -------------------------------------------------------------- */

int cube_strategic_merge_patch(const cube_resource_t *r, const json_t *doc, const json_t *patch,
                               json_t **ret, cube_err_t *err)
{
    if (!json_is_object(patch))
        return cube_err_badrequest(err, "invalid JSON document");
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    const cube_schema_field_t root = {
        .name = "", .kind = CUBE_SK_OBJECT, .container = CUBE_SC_ONE, .type = k ? k->type : NULL};
    meta_t m = {k ? &root : NULL, false};
    json_auto_t *p = json_deep_copy(patch);
    json_t *out = merge_map(json_is_object(doc) ? json_deep_copy(doc) : NULL, p, m, err);
    if (!out)
        return -1;
    *ret = out;
    return 0;
}
