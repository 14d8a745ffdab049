/*
 * JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386): what `kubectl
 * patch --type=json|merge` and client libraries send as PATCH bodies.
 *
 * Kubernetes applies both with evanphx/json-patch (v4), whose behaviour
 * differs from the RFCs in places clients can observe, and this file follows
 * that library rather than the letter of the RFCs:
 *   - `replace` of an absent object member adds it; `copy` from an absent
 *     member copies null; a missing "value" reads as null;
 *   - array indices accept a sign and leading zeros, and negative indices
 *     count from the end; "-" appends;
 *   - a path without a leading "/" addresses the root's members by its
 *     last segment; "" addresses the whole document (replace and test only);
 *   - `copy` may add at most 3 MiB in total (the API server's limit);
 *   - merge patches drop nulls inside objects they insert, also inside
 *     objects nested in arrays.
 * Errors are what the API server answers: a patch body that does not decode
 * as a list of operations is BadRequest; a patch that does not apply is 422
 * Invalid with the fixed message "the server rejected our request due to an
 * error in our request" and empty details (the library's own message is only
 * logged at -v 4), exactly as Kubernetes does.
 */
#include "api/api.h"

#include <limits.h>

#define MAX_OPERATIONS 10000
#define MAX_COPY_BYTES (3 * 1024 * 1024)

/* ---- helpers ------------------------------------------------------------- */

static const char *go_json_type(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    case JSON_NULL:
        return "null";
    }
    return "value";
}

/* strconv.Atoi */
static bool atoi_go(const char *s, long long *ret)
{
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!*p)
        return false;
    unsigned long long v = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (lim - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *ret = neg ? (long long)(0 - v) : (long long)v;
    return true;
}

/* RFC 6901 unescaping in one left-to-right pass: ~1 -> '/', ~0 -> '~'. */
static char *decode_key(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~' && i + 1 < n && (s[i + 1] == '1' || s[i + 1] == '0')) {
            *w++ = s[i + 1] == '1' ? '/' : '~';
            i++;
        } else {
            *w++ = s[i];
        }
    }
    *w = '\0';
    return out;
}

/* The failure message of the patch library, kept for the debug log. */
typedef struct {
    char msg[512];
} fail_t;

static int fail(fail_t *f, const char *fmt, ...) _printf_(2, 3);
static int fail(fail_t *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- containers (objects and arrays) ------------------------------------- */

/* Resolves an array index for get/set/remove (idx in [-len, len)). */
static int array_index(const json_t *a, const char *key, size_t *ret, fail_t *f)
{
    long long idx;
    if (!atoi_go(key, &idx))
        return fail(f, "strconv.Atoi: parsing \"%s\": invalid syntax", key);
    long long len = (long long)json_array_size(a);
    if (idx < 0) {
        if (idx < -len)
            return fail(f, "Unable to access invalid index: %lld: invalid index referenced", idx);
        idx += len;
    }
    if (idx >= len)
        return fail(f, "Unable to access invalid index: %lld: invalid index referenced", idx);
    *ret = (size_t)idx;
    return 0;
}

/* The member or element at key; *ret is NULL for an absent member and for
 * JSON null (both read as "nil" in the library). Errors only for arrays. */
static int con_get(json_t *con, const char *key, json_t **ret, fail_t *f)
{
    json_t *v;
    if (json_is_object(con)) {
        v = json_object_get(con, key);
    } else {
        size_t i;
        if (array_index(con, key, &i, f) < 0)
            return -1;
        v = json_array_get(con, i);
    }
    *ret = json_is_null(v) ? NULL : v;
    return 0;
}

/* Overwrites key (val stolen; NULL means null). */
static int con_set(json_t *con, const char *key, json_t *val, fail_t *f)
{
    if (!val)
        val = json_null();
    if (json_is_object(con)) {
        json_object_set_new(con, key, val);
        return 0;
    }
    size_t i;
    if (array_index(con, key, &i, f) < 0) {
        json_decref(val);
        return -1;
    }
    json_array_set_new(con, i, val);
    return 0;
}

/* Inserts at key (val stolen; NULL means null). */
static int con_add(json_t *con, const char *key, json_t *val, fail_t *f)
{
    if (!val)
        val = json_null();
    if (json_is_object(con)) {
        json_object_set_new(con, key, val);
        return 0;
    }
    if (strcmp(key, "-") == 0) {
        json_array_append_new(con, val);
        return 0;
    }
    long long idx;
    if (!atoi_go(key, &idx)) {
        json_decref(val);
        return fail(f, "value was not a proper array index: '%s'", key);
    }
    long long sz = (long long)json_array_size(con) + 1;
    if (idx >= sz || idx < -sz) {
        json_decref(val);
        return fail(f, "Unable to access invalid index: %lld: invalid index referenced", idx);
    }
    if (idx < 0)
        idx += sz;
    json_array_insert_new(con, (size_t)idx, val);
    return 0;
}

static int con_remove(json_t *con, const char *key, fail_t *f)
{
    if (json_is_object(con)) {
        if (!json_object_get(con, key))
            return fail(f, "Unable to remove nonexistent key: %s: missing value", key);
        json_object_del(con, key);
        return 0;
    }
    size_t i;
    if (array_index(con, key, &i, f) < 0)
        return -1;
    json_array_remove(con, i);
    return 0;
}

/*
 * The container holding the last segment of path, and that segment decoded
 * (*ret_key, caller frees). NULL when a segment on the way is missing, null,
 * a scalar, or a bad array index; also for paths with no '/'.
 */
static json_t *find_object(json_t *root, const char *path, char **ret_key)
{
    const char *slash = strchr(path, '/');
    if (!slash)
        return NULL;
    json_t *doc = root;
    const char *seg = slash + 1;
    for (;;) {
        const char *next = strchr(seg, '/');
        if (!next)
            break;
        _cleanup_free_ char *part = decode_key(seg, (size_t)(next - seg));
        json_t *child;
        fail_t ignored;
        if (con_get(doc, part, &child, &ignored) < 0 || !child)
            return NULL;
        if (!json_is_object(child) && !json_is_array(child))
            return NULL;
        doc = child;
        seg = next + 1;
    }
    *ret_key = decode_key(seg, strlen(seg));
    return doc;
}

/* ---- operations ---------------------------------------------------------- */

typedef struct {
    json_t *root;
    size_t copied;
} patch_state_t;

/* The string member `name` of op; -1 when absent, null or not a string. */
static int op_string(const json_t *op, const char *name, const char **ret, fail_t *f)
{
    const json_t *v = json_object_get(op, name);
    if (!v || json_is_null(v))
        return fail(f, "operation missing %s field: missing value", name);
    if (!json_is_string(v))
        return fail(f, "json: cannot unmarshal %s into Go value of type string", go_json_type(v));
    *ret = json_string_value(v);
    return 0;
}

/* A new reference to op's value; NULL when absent or null. */
static json_t *op_value(const json_t *op)
{
    json_t *v = json_object_get(op, "value");
    return v && !json_is_null(v) ? json_deep_copy(v) : NULL;
}

static int op_add(patch_state_t *st, const json_t *op, fail_t *f)
{
    const char *path;
    if (op_string(op, "path", &path, f) < 0)
        return fail(f, "add operation failed to decode path: missing value");
    _cleanup_free_ char *key = NULL;
    json_t *con = find_object(st->root, path, &key);
    if (!con)
        return fail(f, "add operation does not apply: doc is missing path: \"%s\": missing value",
                    path);
    if (con_add(con, key, op_value(op), f) < 0)
        return fail(f, "error in add for path: '%s'", path);
    return 0;
}

static int op_remove(patch_state_t *st, const json_t *op, fail_t *f)
{
    const char *path;
    if (op_string(op, "path", &path, f) < 0)
        return fail(f, "remove operation failed to decode path: missing value");
    _cleanup_free_ char *key = NULL;
    json_t *con = find_object(st->root, path, &key);
    if (!con)
        return fail(
            f, "remove operation does not apply: doc is missing path: \"%s\": missing value", path);
    if (con_remove(con, key, f) < 0)
        return -1;
    return 0;
}

static int op_replace(patch_state_t *st, const json_t *op, fail_t *f)
{
    const char *path;
    if (op_string(op, "path", &path, f) < 0)
        return -1;
    if (!*path) {
        json_t *v = json_object_get(op, "value");
        if (!v)
            return fail(f, "replace operation value missing");
        if (!json_is_object(v) && !json_is_array(v))
            return 0; /* the library wraps a nil error here: a silent no-op */
        json_decref(st->root);
        st->root = json_deep_copy(v);
        return 0;
    }
    _cleanup_free_ char *key = NULL;
    json_t *con = find_object(st->root, path, &key);
    if (!con)
        return fail(f, "replace operation does not apply: doc is missing path: %s: missing value",
                    path);
    json_t *cur;
    if (con_get(con, key, &cur, f) < 0)
        return fail(f, "replace operation does not apply: doc is missing key: %s: missing value",
                    path);
    return con_set(con, key, op_value(op), f);
}

static int op_move(patch_state_t *st, const json_t *op, fail_t *f)
{
    const char *from, *path;
    if (op_string(op, "from", &from, f) < 0)
        return -1;
    _cleanup_free_ char *key = NULL;
    json_t *con = find_object(st->root, from, &key);
    if (!con)
        return fail(f, "move operation does not apply: doc is missing from path: %s: missing value",
                    from);
    json_t *val;
    if (con_get(con, key, &val, f) < 0)
        return -1;
    json_incref(val);
    if (con_remove(con, key, f) < 0) {
        json_decref(val);
        return -1;
    }
    if (op_string(op, "path", &path, f) < 0) {
        json_decref(val);
        return -1;
    }
    free(key);
    key = NULL;
    con = find_object(st->root, path, &key);
    if (!con) {
        json_decref(val);
        return fail(f,
                    "move operation does not apply: doc is missing destination path: %s: missing "
                    "value",
                    path);
    }
    return con_add(con, key, val, f);
}

static int op_copy(patch_state_t *st, const json_t *op, fail_t *f)
{
    const char *from, *path;
    if (op_string(op, "from", &from, f) < 0)
        return -1;
    _cleanup_free_ char *key = NULL;
    json_t *con = find_object(st->root, from, &key);
    if (!con)
        return fail(f, "copy operation does not apply: doc is missing from path: %s: missing value",
                    from);
    json_t *val;
    if (con_get(con, key, &val, f) < 0)
        return -1;
    if (op_string(op, "path", &path, f) < 0)
        return -1;
    json_t *copy = val ? json_deep_copy(val) : NULL;
    if (copy) {
        _cleanup_free_ char *s = cube_json_dump(copy, NULL);
        st->copied += strlen(s);
    }
    free(key);
    key = NULL;
    con = find_object(st->root, path, &key);
    if (!con) {
        json_decref(copy);
        return fail(f,
                    "copy operation does not apply: doc is missing destination path: %s: missing "
                    "value",
                    path);
    }
    if (st->copied > MAX_COPY_BYTES) {
        json_decref(copy);
        return fail(f,
                    "Unable to complete the copy, the accumulated size increase of copy is %zu, "
                    "exceeding the limit %d",
                    st->copied, MAX_COPY_BYTES);
    }
    return con_add(con, key, copy, f);
}

static int op_test(patch_state_t *st, const json_t *op, fail_t *f)
{
    const char *path;
    if (op_string(op, "path", &path, f) < 0)
        return -1;
    const json_t *want = json_object_get(op, "value");
    json_t *val;
    if (!*path) {
        val = st->root;
    } else {
        _cleanup_free_ char *key = NULL;
        json_t *con = find_object(st->root, path, &key);
        if (!con)
            return fail(f, "test operation does not apply: is missing path: %s: missing value",
                        path);
        if (con_get(con, key, &val, f) < 0)
            return -1;
    }
    if (!val)
        return json_is_null(want) ? 0 : fail(f, "testing value %s failed: test failed", path);
    if (!want || !json_equal(val, (json_t *)want))
        return fail(f, "testing value %s failed: test failed", path);
    return 0;
}

int cube_json_patch_apply(const json_t *doc, const json_t *patch, json_t **ret, cube_err_t *err)
{
    if (!patch || json_is_null(patch)) {
        *ret = json_deep_copy(doc);
        return 0;
    }
    if (!json_is_array(patch))
        return cube_err_badrequest(
            err, "json: cannot unmarshal %s into Go value of type jsonpatch.Patch",
            go_json_type(patch));
    size_t i;
    json_t *op;
    json_array_foreach(patch, i, op)
    {
        if (!json_is_object(op) && !json_is_null(op))
            return cube_err_badrequest(
                err, "json: cannot unmarshal %s into Go value of type jsonpatch.Operation",
                go_json_type(op));
    }
    if (json_array_size(patch) > MAX_OPERATIONS)
        return cube_err_set(err, 413, "RequestEntityTooLarge",
                            "The allowed maximum operations in a JSON patch is %d, got %zu",
                            MAX_OPERATIONS, json_array_size(patch));

    patch_state_t st = {.root = json_deep_copy(doc)};
    fail_t f = {{0}};
    int rc = 0;
    if (!json_is_object(st.root) && !json_is_array(st.root))
        rc = fail(&f, "json: cannot unmarshal %s into Go value of type jsonpatch.partialDoc",
                  doc ? go_json_type(doc) : "null");
    json_array_foreach(patch, i, op)
    {
        if (rc < 0)
            break;
        const char *kind = json_is_object(op) ? cube_json_str(op, "op", NULL) : NULL;
        if (!kind)
            kind = "unknown";
        if (strcmp(kind, "add") == 0)
            rc = op_add(&st, op, &f);
        else if (strcmp(kind, "remove") == 0)
            rc = op_remove(&st, op, &f);
        else if (strcmp(kind, "replace") == 0)
            rc = op_replace(&st, op, &f);
        else if (strcmp(kind, "move") == 0)
            rc = op_move(&st, op, &f);
        else if (strcmp(kind, "test") == 0)
            rc = op_test(&st, op, &f);
        else if (strcmp(kind, "copy") == 0)
            rc = op_copy(&st, op, &f);
        else
            rc = fail(&f, "Unexpected kind: %s", kind);
    }
    if (rc < 0) {
        json_decref(st.root);
        cube_log_v(4, "json patch does not apply: %s", f.msg);
        cube_err_invalid(err, "the server rejected our request due to an error in our request");
        if (err)
            err->details = json_object();
        return -1;
    }
    *ret = st.root;
    return 0;
}

/* ---- merge patch --------------------------------------------------------- */

/* Drops null members of objects, recursively, also inside arrays. */
static void prune_nulls(json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        void *tmp;
        json_object_foreach_safe(v, tmp, k, m)
        {
            if (json_is_null(m))
                json_object_del(v, k);
            else
                prune_nulls(m);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) prune_nulls(e);
    }
}

static json_t *pruned_copy(const json_t *v)
{
    json_t *c = json_deep_copy(v);
    prune_nulls(c);
    return c;
}

static void merge_objects(json_t *doc, const json_t *patch)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)patch, k, v)
    {
        json_t *cur = json_object_get(doc, k);
        if (json_is_null(v))
            json_object_del(doc, k);
        else if (!json_is_object(cur))
            json_object_set_new(doc, k, pruned_copy(v)); /* absent, null or not an object */
        else if (!json_is_object(v))
            json_object_set_new(doc, k, json_deep_copy(v)); /* kept as is, nulls included */
        else
            merge_objects(cur, v);
    }
}

json_t *cube_merge_patch_apply(const json_t *doc, const json_t *patch)
{
    if (json_is_object(patch)) {
        if (!json_is_object(doc))
            return pruned_copy(patch);
        json_t *out = json_deep_copy(doc);
        merge_objects(out, patch);
        return out;
    }
    if (json_is_array(patch))
        return pruned_copy(patch);
    /* RFC 7386: any other patch replaces the document. (Kubernetes rejects
       such bodies with BadRequest "Invalid JSON Patch" before applying.) */
    return patch ? json_deep_copy(patch) : json_null();
}
