/*
 * schema: the engine that walks Kubernetes objects (jansson trees) against
 * the declarative type tables of types_*.c, and the field errors it reports.
 *
 * Kubernetes spreads what a type is over generated Go structs, SetDefaults_*
 * functions, validation.go and a per-resource strategy. Cubernetes keeps one
 * table per type instead (see internal.h) and this file gives it meaning:
 * defaulting (table defaults, quantities canonicalized, per-type hooks),
 * validation (JSON types, required fields, enumerations, syntax rules,
 * immutable fields, per-type hooks), the generic metadata rules, and the
 * generic half of the strategies (status reset on create, status kept on
 * update, spec kept on /status updates, metadata.generation).
 *
 * Field errors print exactly as Kubernetes' field.Error does (v1.32, where a
 * complex bad value is rendered with Go's %#v), and turn into the Invalid
 * Status with details.causes the API server answers.
 */
#include "api/internal.h"

#include <ctype.h>
#include <math.h>

/* ======================================================================= */
/* field errors                                                            */
/* ======================================================================= */

typedef struct {
    const char *type; /* static */
    char *field;
    char *body; /* ErrorBody() */
    char *text; /* Error() */
} ferr_t;

struct cube_field_errors {
    ferr_t *v;
    size_t n, cap;
};

cube_field_errors_t *cube_field_errors_new(void)
{
    return xcalloc(1, sizeof(cube_field_errors_t));
}

void cube_field_errors_free(cube_field_errors_t *fe)
{
    if (!fe)
        return;
    for (size_t i = 0; i < fe->n; i++) {
        free(fe->v[i].field);
        free(fe->v[i].body);
        free(fe->v[i].text);
    }
    free(fe->v);
    free(fe);
}

size_t cube_field_errors_count(const cube_field_errors_t *fe)
{
    return fe ? fe->n : 0;
}

const char *cube_field_errors_field(const cube_field_errors_t *fe, size_t i)
{
    return i < fe->n ? fe->v[i].field : NULL;
}

const char *cube_field_errors_type(const cube_field_errors_t *fe, size_t i)
{
    return i < fe->n ? fe->v[i].type : NULL;
}

const char *cube_field_errors_text(const cube_field_errors_t *fe, size_t i)
{
    return i < fe->n ? fe->v[i].text : NULL;
}

static const struct {
    const char *type, *text;
    bool bare; /* the body never shows the value */
} error_types[] = {
    {"FieldValueNotFound", "Not found", false},
    {"FieldValueRequired", "Required value", true},
    {"FieldValueDuplicate", "Duplicate value", false},
    {"FieldValueInvalid", "Invalid value", false},
    {"FieldValueNotSupported", "Unsupported value", false},
    {"FieldValueForbidden", "Forbidden", true},
    {"FieldValueTooLong", "Too long", true},
    {"FieldValueTooMany", "Too many", false},
    {"InternalError", "Internal error", true},
    {"FieldValueTypeInvalid", "Invalid value", false},
};

void cube_field_errors_add_rendered(cube_field_errors_t *fe, const char *type, const char *field,
                                    const char *rendered, const char *detail)
{
    const char *text = NULL;
    bool bare = true;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(error_types); i++)
        if (strcmp(error_types[i].type, type) == 0) {
            type = error_types[i].type; /* keep a static string */
            text = error_types[i].text;
            bare = error_types[i].bare;
            break;
        }
    if (!text) {
        type = "InternalError";
        text = "Internal error";
    }
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_puts(&b, text);
    if (!bare) {
        cube_buf_puts(&b, ": ");
        cube_buf_puts(&b, rendered ? rendered : "\"null\"");
    }
    if (detail && detail[0]) {
        cube_buf_puts(&b, ": ");
        cube_buf_puts(&b, detail);
    }
    if (fe->n == fe->cap) {
        fe->cap = fe->cap ? fe->cap * 2 : 8;
        fe->v = xrealloc(fe->v, fe->cap * sizeof(ferr_t));
    }
    ferr_t *e = &fe->v[fe->n++];
    e->type = type;
    e->field = xstrdup(field ? field : "");
    e->body = cube_buf_steal(&b, NULL);
    e->text = xasprintf("%s: %s", e->field, e->body);
}

void cube_field_errors_add(cube_field_errors_t *fe, const char *type, const char *field,
                           const json_t *value, const char *detail)
{
    _cleanup_free_ char *r = value ? cube_schema_render_value(value) : NULL;
    cube_field_errors_add_rendered(fe, type, field, r, detail);
}

void cube_field_required(cube_field_errors_t *fe, const char *field, const char *detail)
{
    cube_field_errors_add_rendered(fe, "FieldValueRequired", field, NULL, detail);
}

void cube_field_invalid(cube_field_errors_t *fe, const char *field, const json_t *value,
                        const char *detail)
{
    cube_field_errors_add(fe, "FieldValueInvalid", field, value, detail);
}

void cube_field_not_supported(cube_field_errors_t *fe, const char *field, const json_t *value,
                              const char *const *valid)
{
    cube_buf_t d _cleanup_buf_ = CUBE_BUF_INIT;
    for (size_t i = 0; valid && valid[i]; i++) {
        cube_buf_puts(&d, i ? ", " : "supported values: ");
        cube_buf_json_str(&d, valid[i]); /* plain names: JSON and Go quoting agree */
    }
    cube_field_errors_add(fe, "FieldValueNotSupported", field, value, d.data);
}

void cube_field_forbidden(cube_field_errors_t *fe, const char *field, const char *detail)
{
    cube_field_errors_add_rendered(fe, "FieldValueForbidden", field, NULL, detail);
}

void cube_field_duplicate(cube_field_errors_t *fe, const char *field, const json_t *value)
{
    cube_field_errors_add(fe, "FieldValueDuplicate", field, value, NULL);
}

int cube_field_errors_to_err(const cube_field_errors_t *fe, const cube_resource_t *r,
                             const char *name, cube_err_t *err)
{
    cube_buf_t msg _cleanup_buf_ = CUBE_BUF_INIT;
    json_auto_t *causes = json_array();
    size_t shown = 0;
    cube_buf_printf(&msg, "%s%s%s \"%s\" is invalid", r->kind, r->group[0] ? "." : "", r->group,
                    name ? name : "");
    cube_buf_t list _cleanup_buf_ = CUBE_BUF_INIT;
    for (size_t i = 0; fe && i < fe->n; i++) {
        const ferr_t *e = &fe->v[i];
        json_t *c = json_object();
        json_object_set_new(c, "reason", json_string(e->type));
        json_object_set_new(c, "message", json_string(e->body));
        if (e->field[0])
            json_object_set_new(c, "field", json_string(e->field));
        json_array_append_new(causes, c);
        /* The aggregate message lists each distinct text once. */
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(fe->v[j].text, e->text) == 0;
        if (seen)
            continue;
        if (shown++)
            cube_buf_puts(&list, ", ");
        cube_buf_puts(&list, e->text);
    }
    if (shown == 1)
        cube_buf_printf(&msg, ": %s", list.data);
    else if (shown > 1)
        cube_buf_printf(&msg, ": [%s]", list.data);
    json_t *details = json_object();
    json_object_set_new(details, "name", json_string(name ? name : ""));
    if (r->group[0])
        json_object_set_new(details, "group", json_string(r->group));
    json_object_set_new(details, "kind", json_string(r->kind));
    json_object_set_new(details, "causes", TAKE_PTR(causes));
    cube_err_invalid(err, "%s", msg.data);
    if (err) {
        json_decref(err->details);
        err->details = details;
        /* cube_err_t.msg is bounded; keep the full text in details too if cut. */
        if (msg.len >= sizeof(err->msg))
            json_object_set_new(details, "message", json_string(msg.data));
    } else {
        json_decref(details);
    }
    return -1;
}

/* ======================================================================= */
/* rendering bad values like Go's fmt                                      */
/* ======================================================================= */

/* Go's %v of a float64: shortest digits, exponent form below 1e-4 or from 1e6
   (strconv 'g' with the shortest precision). */
static void go_float(cube_buf_t *b, double v)
{
    if (isnan(v)) {
        cube_buf_puts(b, "NaN");
        return;
    }
    if (isinf(v)) {
        cube_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    char tmp[64];
    int prec = cube_shortest_digits(v);
    snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
    char *e = strchr(tmp, 'e');
    int exp = atoi(e + 1);
    if (exp < -4 || exp >= 6) {
        /* mantissa without trailing zeros, exponent with at least 2 digits */
        *e = '\0';
        cube_buf_puts(b, tmp);
        cube_buf_printf(b, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
        return;
    }
    int decimals = prec - 1 - exp;
    snprintf(tmp, sizeof(tmp), "%.*f", decimals > 0 ? decimals : 0, v);
    cube_buf_puts(b, tmp);
}

static bool all_strings(const json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!json_is_string(x))
                return false;
        }
        return true;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x))
            return false;
    }
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* map[string]string{"a":"b", "c":"d"}: Go prints map keys sorted. */
static void go_string_map(cube_buf_t *b, const json_t *m)
{
    size_t n = json_object_size(m), i = 0;
    _cleanup_free_ const char **keys = xcalloc(n ? n : 1, sizeof(char *));
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)m, k, x) keys[i++] = k;
    qsort(keys, n, sizeof(char *), cmp_str);
    cube_buf_puts(b, "map[string]string{");
    for (i = 0; i < n; i++) {
        if (i)
            cube_buf_puts(b, ", ");
        cube_buf_go_quote(b, keys[i]);
        cube_buf_putc(b, ':');
        cube_buf_go_quote(b, json_string_value(json_object_get(m, keys[i])));
    }
    cube_buf_putc(b, '}');
}

static void go_string_slice(cube_buf_t *b, const json_t *a)
{
    size_t i;
    json_t *x;
    cube_buf_puts(b, "[]string{");
    json_array_foreach(a, i, x)
    {
        if (i)
            cube_buf_puts(b, ", ");
        cube_buf_go_quote(b, json_string_value(x));
    }
    cube_buf_putc(b, '}');
}

char *cube_schema_render_value(const json_t *v)
{
    cube_buf_t b = CUBE_BUF_INIT;
    if (!v || json_is_null(v))
        cube_buf_puts(&b, "\"null\"");
    else if (json_is_string(v))
        cube_buf_go_quote(&b, json_string_value(v));
    else if (json_is_integer(v))
        cube_buf_printf(&b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        go_float(&b, json_real_value(v));
    else if (json_is_boolean(v))
        cube_buf_puts(&b, json_is_true(v) ? "true" : "false");
    else if (json_is_object(v) && all_strings(v))
        go_string_map(&b, v);
    else if (json_is_array(v) && all_strings(v))
        go_string_slice(&b, v);
    else {
        _cleanup_free_ char *s = cube_json_dump(v, NULL);
        cube_buf_puts(&b, s);
    }
    return cube_buf_steal(&b, NULL);
}

char *cube_schema_render_selector(const json_t *sel)
{
    cube_buf_t b = CUBE_BUF_INIT;
    const json_t *ml = json_object_get(sel, "matchLabels");
    const json_t *me = json_object_get(sel, "matchExpressions");
    cube_buf_puts(&b, "v1.LabelSelector{MatchLabels:");
    if (json_is_object(ml) && all_strings(ml))
        go_string_map(&b, ml);
    else
        cube_buf_puts(&b, "map[string]string(nil)");
    cube_buf_puts(&b, ", MatchExpressions:");
    if (json_is_array(me) && json_array_size(me)) {
        cube_buf_puts(&b, "[]v1.LabelSelectorRequirement{");
        size_t i;
        json_t *x;
        json_array_foreach(me, i, x)
        {
            if (i)
                cube_buf_puts(&b, ", ");
            cube_buf_puts(&b, "v1.LabelSelectorRequirement{Key:");
            const char *k = cube_json_str(x, "key", NULL), *op = cube_json_str(x, "operator", NULL);
            cube_buf_go_quote(&b, k ? k : "");
            cube_buf_puts(&b, ", Operator:");
            cube_buf_go_quote(&b, op ? op : "");
            cube_buf_puts(&b, ", Values:");
            json_t *vals = json_object_get(x, "values");
            if (json_is_array(vals) && all_strings(vals))
                go_string_slice(&b, vals);
            else
                cube_buf_puts(&b, "[]string(nil)");
            cube_buf_putc(&b, '}');
        }
        cube_buf_putc(&b, '}');
    } else {
        cube_buf_puts(&b, "[]v1.LabelSelectorRequirement(nil)");
    }
    cube_buf_putc(&b, '}');
    return cube_buf_steal(&b, NULL);
}

/* ======================================================================= */
/* paths and lookups                                                       */
/* ======================================================================= */

char *cube_schema_path(const char *parent, const char *child)
{
    if (!parent || !parent[0])
        return xstrdup(child);
    return xasprintf("%s.%s", parent, child);
}

char *cube_schema_path_index(const char *parent, size_t i)
{
    return xasprintf("%s[%zu]", parent, i);
}

char *cube_schema_path_key(const char *parent, const char *key)
{
    return xasprintf("%s[%s]", parent, key);
}

static const struct {
    const cube_schema_kind_t *rows;
    const size_t *n;
} kind_files[] = {
    {cube_schema_kinds_core, &cube_schema_kinds_core_n},
    {cube_schema_kinds_apps, &cube_schema_kinds_apps_n},
    {cube_schema_kinds_other, &cube_schema_kinds_other_n},
    {cube_schema_kinds_auth, &cube_schema_kinds_auth_n},
};

const cube_schema_kind_t *cube_schema_kind_find(const cube_resource_t *r)
{
    if (!r)
        return NULL;
    for (size_t f = 0; f < CUBE_ARRAY_SIZE(kind_files); f++)
        for (size_t i = 0; i < *kind_files[f].n; i++) {
            const cube_schema_kind_t *k = &kind_files[f].rows[i];
            if (strcmp(k->kind, r->kind) == 0 && strcmp(k->group, r->group) == 0 &&
                (!k->version || strcmp(k->version, r->version) == 0))
                return k;
        }
    return NULL;
}

void cube_schema_kinds_each(void (*fn)(const cube_schema_kind_t *k, void *arg), void *arg)
{
    for (size_t f = 0; f < CUBE_ARRAY_SIZE(kind_files); f++)
        for (size_t i = 0; i < *kind_files[f].n; i++)
            fn(&kind_files[f].rows[i], arg);
}

const cube_schema_field_t *cube_schema_field_find(const cube_schema_type_t *t, const char *name)
{
    for (const cube_schema_field_t *f = t ? t->fields : NULL; f && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* ======================================================================= */
/* defaulting                                                              */
/* ======================================================================= */

/* Replaces a quantity by its canonical string; leaves bad ones to validation. */
static json_t *canonical_quantity(const json_t *v)
{
    char num[64];
    const char *s = NULL;
    if (json_is_string(v))
        s = json_string_value(v);
    else if (json_is_integer(v))
        s = (snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v)), num);
    else if (json_is_real(v))
        s = (snprintf(num, sizeof(num), "%.17g", json_real_value(v)), num);
    if (!s)
        return NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *c = NULL;
    if (cube_quantity_canonical(s, &c, &err) < 0)
        return NULL;
    return json_string(c);
}

bool cube_schema_quantity_milli(const json_t *v, int64_t *ret)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (json_is_string(v))
        return cube_quantity_parse(json_string_value(v), ret, &err) == 0;
    if (json_is_integer(v)) {
        *ret = (int64_t)json_integer_value(v) * 1000;
        return true;
    }
    if (json_is_real(v)) {
        *ret = (int64_t)(json_real_value(v) * 1000.0);
        return true;
    }
    return false;
}

static void default_value(const cube_schema_field_t *f, json_t *v, json_t **ret_replace)
{
    *ret_replace = NULL;
    if (f->kind == CUBE_SK_OBJECT && json_is_object(v))
        cube_schema_default_type(f->type, v);
    else if (f->kind == CUBE_SK_QUANTITY && !json_is_string(v))
        *ret_replace = canonical_quantity(v);
    else if (f->kind == CUBE_SK_QUANTITY) {
        json_t *c = canonical_quantity(v);
        if (c && !json_equal(c, v))
            *ret_replace = c;
        else
            json_decref(c);
    }
}

void cube_schema_default_type(const cube_schema_type_t *t, json_t *obj)
{
    if (!t || !json_is_object(obj))
        return;
    if (t->defaults)
        t->defaults(obj);
    for (const cube_schema_field_t *f = t->fields; f && f->name; f++) {
        json_t *v = json_object_get(obj, f->name);
        if (v && json_is_null(v)) {
            json_object_del(obj, f->name);
            v = NULL;
        }
        if (!v && f->def) {
            v = json_loads(f->def, JSON_DECODE_ANY, NULL);
            if (!v)
                abort(); /* a broken literal in a table is a programming error */
            json_object_set_new(obj, f->name, v);
        }
        if (!v)
            continue;
        json_t *rep;
        if (f->container == CUBE_SC_ONE) {
            default_value(f, v, &rep);
            if (rep)
                json_object_set_new(obj, f->name, rep);
        } else if (f->container == CUBE_SC_ARRAY && json_is_array(v)) {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x)
            {
                default_value(f, x, &rep);
                if (rep)
                    json_array_set_new(v, i, rep);
            }
        } else if (f->container == CUBE_SC_MAP && json_is_object(v)) {
            const char *k;
            json_t *x;
            json_object_foreach(v, k, x)
            {
                default_value(f, x, &rep);
                if (rep)
                    json_object_set_new(v, k, rep);
            }
        }
    }
}

/* ======================================================================= */
/* validation walk                                                         */
/* ======================================================================= */

static bool is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0]) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

static void type_error(cube_schema_ctx_t *c, const char *path, const json_t *v, const char *want)
{
    char d[64];
    snprintf(d, sizeof(d), "must be of type %s", want);
    cube_field_errors_add(c->fe, "FieldValueTypeInvalid", path, v, d);
}

/* Adds one Invalid error per "; "-joined message of name.c. */
void cube_schema_invalid_msgs(cube_field_errors_t *fe, const char *path, const json_t *v,
                              const char *msgs)
{
    if (!msgs)
        return;
    _cleanup_free_ char *copy = xstrdup(msgs);
    char *p = copy;
    while (p) {
        char *semi = strstr(p, "; ");
        if (semi)
            *semi = '\0';
        cube_field_invalid(fe, path, v, p);
        p = semi ? semi + 2 : NULL;
    }
}

static void check_iana_svc_name(cube_field_errors_t *fe, const char *path, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = strlen(s);
    bool charset = true, letter = false;
    for (size_t i = 0; i < n; i++) {
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            charset = false;
        if (islower((unsigned char)s[i]))
            letter = true;
    }
    if (n > 15)
        cube_field_invalid(fe, path, v, "must be no more than 15 characters");
    if (!charset)
        cube_field_invalid(
            fe, path, v, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    if (charset && !letter)
        cube_field_invalid(fe, path, v, "must contain at least one letter (a-z)");
    if (strstr(s, "--"))
        cube_field_invalid(fe, path, v, "must not contain consecutive hyphens");
    if (n && (s[0] == '-' || s[n - 1] == '-'))
        cube_field_invalid(fe, path, v, "must not begin or end with a hyphen");
}

static void check_format(cube_schema_ctx_t *c, const cube_schema_field_t *f, const char *path,
                         const json_t *v)
{
    json_int_t i = json_is_integer(v) ? json_integer_value(v) : 0;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    switch ((cube_schema_format_t)f->format) {
    case CUBE_SF_NONE:
        break;
    case CUBE_SF_DNS1123_LABEL:
        if (s && s[0])
            cube_schema_invalid_msgs(c->fe, path, v, cube_name_dns1123_label(s));
        break;
    case CUBE_SF_DNS1123_SUBDOMAIN:
        if (s && s[0])
            cube_schema_invalid_msgs(c->fe, path, v, cube_name_dns1123_subdomain(s));
        break;
    case CUBE_SF_PORT:
        if (json_is_integer(v) && (i < 1 || i > 65535))
            cube_field_invalid(c->fe, path, v, "must be between 1 and 65535, inclusive");
        break;
    case CUBE_SF_PORT_OR_ZERO:
        if (json_is_integer(v) && (i < 0 || i > 65535))
            cube_field_invalid(c->fe, path, v, "must be between 1 and 65535, inclusive");
        break;
    case CUBE_SF_NONNEG:
        if (json_is_integer(v) && i < 0)
            cube_field_invalid(c->fe, path, v, "must be greater than or equal to 0");
        if (f->kind == CUBE_SK_QUANTITY && (s || json_is_number(v))) {
            int64_t milli;
            cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
            if (s && cube_quantity_parse(s, &milli, &err) == 0 && milli < 0)
                cube_field_invalid(c->fe, path, v, "must be greater than or equal to 0");
            else if (json_is_number(v) && json_number_value(v) < 0)
                cube_field_invalid(c->fe, path, v, "must be greater than or equal to 0");
        }
        break;
    case CUBE_SF_POSITIVE:
        if (json_is_integer(v) && i <= 0)
            cube_field_invalid(c->fe, path, v, "must be greater than 0");
        break;
    case CUBE_SF_IANA_SVC_NAME:
        if (s && s[0])
            check_iana_svc_name(c->fe, path, v);
        break;
    case CUBE_SF_PORT_OR_NAME:
        if (json_is_integer(v) && (i < 1 || i > 65535))
            cube_field_invalid(c->fe, path, v, "must be between 1 and 65535, inclusive");
        else if (s && !s[0])
            cube_field_required(c->fe, path, NULL);
        else if (s)
            check_iana_svc_name(c->fe, path, v);
        break;
    case CUBE_SF_QUALIFIED_NAME:
        if (s && s[0])
            cube_schema_invalid_msgs(c->fe, path, v, cube_name_qualified(s));
        break;
    case CUBE_SF_LABEL_VALUE:
        if (s)
            cube_schema_invalid_msgs(c->fe, path, v, cube_name_label_value(s));
        break;
    case CUBE_SF_FILE_MODE:
        if (json_is_integer(v) && (i < 0 || i > 0777))
            cube_field_invalid(c->fe, path, v,
                               "must be a number between 0 and 0777 (octal), both inclusive");
        break;
    }
}

static bool valid_base64(const char *s, size_t *ret_bad)
{
    size_t n = strlen(s), pad = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = isalnum((unsigned char)ch) || ch == '+' || ch == '/';
        if (ch == '=' && i + 2 >= n && n % 4 == 0) {
            pad++;
            continue;
        }
        if (!ok || pad) {
            *ret_bad = i;
            return false;
        }
    }
    if (n % 4) {
        *ret_bad = n - n % 4;
        return false;
    }
    return true;
}

static void validate_one(cube_schema_ctx_t *c, const cube_schema_field_t *f, const char *path,
                         const json_t *v, const json_t *old)
{
    if (json_is_null(v))
        return;
    switch ((cube_schema_vkind_t)f->kind) {
    case CUBE_SK_STRING:
        if (!json_is_string(v))
            return type_error(c, path, v, "string");
        if (f->values && json_string_value(v)[0]) {
            bool ok = false;
            for (size_t i = 0; f->values[i] && !ok; i++)
                ok = strcmp(f->values[i], json_string_value(v)) == 0;
            if (!ok)
                return cube_field_not_supported(c->fe, path, v, f->values);
        }
        break;
    case CUBE_SK_INT32:
        if (!json_is_integer(v))
            return type_error(c, path, v, "integer");
        if (json_integer_value(v) < INT32_MIN || json_integer_value(v) > INT32_MAX)
            return cube_field_invalid(c->fe, path, v, "must fit in a 32-bit integer");
        break;
    case CUBE_SK_INT64:
        if (!json_is_integer(v))
            return type_error(c, path, v, "integer");
        break;
    case CUBE_SK_NUMBER:
        if (!json_is_number(v))
            return type_error(c, path, v, "number");
        break;
    case CUBE_SK_BOOL:
        if (!json_is_boolean(v))
            return type_error(c, path, v, "boolean");
        break;
    case CUBE_SK_OBJECT:
        if (!json_is_object(v))
            return type_error(c, path, v, "object");
        cube_schema_validate_type(c, f->type, path, v, json_is_object(old) ? old : NULL);
        return;
    case CUBE_SK_INT_OR_STRING:
        if (!json_is_integer(v) && !json_is_string(v))
            return type_error(c, path, v, "integer or string");
        break;
    case CUBE_SK_QUANTITY: {
        if (!json_is_string(v) && !json_is_number(v))
            return type_error(c, path, v, "string or number");
        if (json_is_string(v)) {
            int64_t milli;
            cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
            if (cube_quantity_parse(json_string_value(v), &milli, &err) < 0)
                return cube_field_invalid(c->fe, path, v, err.msg);
        }
        break;
    }
    case CUBE_SK_TIME:
    case CUBE_SK_MICROTIME: {
        time_t t;
        if (!json_is_string(v))
            return type_error(c, path, v, "string");
        if (cube_time_parse(json_string_value(v), &t) < 0)
            return cube_field_invalid(c->fe, path, v, "must be an RFC 3339 date-time");
        break;
    }
    case CUBE_SK_BYTES: {
        size_t bad;
        if (!json_is_string(v))
            return type_error(c, path, v, "string");
        if (!valid_base64(json_string_value(v), &bad)) {
            char d[64];
            snprintf(d, sizeof(d), "illegal base64 data at input byte %zu", bad);
            return cube_field_errors_add_rendered(c->fe, "FieldValueInvalid", path,
                                                  "\"<value omitted>\"", d);
        }
        break;
    }
    case CUBE_SK_ANY:
        return;
    }
    check_format(c, f, path, v);
}

static void validate_field(cube_schema_ctx_t *c, const cube_schema_field_t *f, const char *path,
                           const json_t *v, const json_t *old)
{
    switch ((cube_schema_container_t)f->container) {
    case CUBE_SC_ONE:
        validate_one(c, f, path, v, old);
        break;
    case CUBE_SC_ARRAY: {
        if (json_is_null(v))
            return;
        if (!json_is_array(v))
            return type_error(c, path, v, "array");
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            _cleanup_free_ char *p = cube_schema_path_index(path, i);
            validate_one(c, f, p, x, NULL);
        }
        break;
    }
    case CUBE_SC_MAP: {
        if (json_is_null(v))
            return;
        if (!json_is_object(v))
            return type_error(c, path, v, "object");
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            _cleanup_free_ char *p = cube_schema_path_key(path, k);
            validate_one(c, f, p, x, json_is_object(old) ? json_object_get(old, k) : NULL);
        }
        break;
    }
    }
}

void cube_schema_validate_type(cube_schema_ctx_t *c, const cube_schema_type_t *t, const char *path,
                               const json_t *obj, const json_t *old)
{
    if (!t || !json_is_object(obj))
        return;
    for (const cube_schema_field_t *f = t->fields; f && f->name; f++) {
        const json_t *v = json_object_get(obj, f->name);
        const json_t *ov = old ? json_object_get(old, f->name) : NULL;
        _cleanup_free_ char *p = cube_schema_path(path, f->name);
        if ((f->flags & CUBE_SFL_IMMUTABLE) && c->op != CUBE_OP_CREATE && old) {
            bool same = (is_empty(v) && is_empty(ov)) || (v && ov && json_equal(v, ov));
            if (!same) {
                if (f->flags & CUBE_SFL_SECRET)
                    cube_field_errors_add_rendered(c->fe, "FieldValueInvalid", p,
                                                   "\"<value omitted>\"", "field is immutable");
                else
                    cube_field_invalid(c->fe, p, v, "field is immutable");
            }
        }
        if ((f->flags & CUBE_SFL_REQUIRED) && is_empty(v)) {
            cube_field_required(c->fe, p, NULL);
            continue;
        }
        if (v)
            validate_field(c, f, p, v, ov);
    }
    if (t->validate)
        t->validate(c, path, obj, old);
}

/* ======================================================================= */
/* names and metadata                                                      */
/* ======================================================================= */

const char *cube_schema_dns1035_label(const char *s)
{
    size_t n = strlen(s);
    bool ok = n > 0 && islower((unsigned char)s[0]) &&
              (islower((unsigned char)s[n - 1]) || isdigit((unsigned char)s[n - 1]));
    for (size_t i = 0; ok && i < n; i++)
        ok = islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-';
    if (n > 63)
        return "must be no more than 63 characters";
    if (!ok)
        return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
               "start with an alphabetic character, and end with an alphanumeric character "
               "(e.g. 'my-name',  or 'abc-123', regex used for validation is "
               "'[a-z]([-a-z0-9]*[a-z0-9])?')";
    return NULL;
}

const char *cube_schema_name_check(cube_name_rule_t rule, const char *s)
{
    switch (rule) {
    case CUBE_NAME_DNS1123_LABEL:
        return cube_name_dns1123_label(s);
    case CUBE_NAME_DNS1035_LABEL:
        return cube_schema_dns1035_label(s);
    case CUBE_NAME_PATH_SEGMENT:
        return cube_name_path_segment(s);
    case CUBE_NAME_SUBDOMAIN:
    case CUBE_NAME_NODE:
        break;
    }
    return cube_name_dns1123_subdomain(s);
}

#define TOTAL_ANNOTATION_SIZE (256 * 1024)

void cube_schema_validate_labels(cube_field_errors_t *fe, const char *path, const json_t *labels)
{
    if (!labels || json_is_null(labels))
        return;
    cube_schema_ctx_t c = {.fe = fe};
    if (!json_is_object(labels))
        return type_error(&c, path, labels, "object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)labels, k, v)
    {
        json_auto_t *key = json_string(k);
        cube_schema_invalid_msgs(fe, path, key, cube_name_qualified(k));
        if (!json_is_string(v))
            type_error(&c, path, v, "string");
        else
            cube_schema_invalid_msgs(fe, path, v, cube_name_label_value(json_string_value(v)));
    }
}

static void validate_annotations(cube_field_errors_t *fe, const char *path, const json_t *ann)
{
    if (!ann || json_is_null(ann))
        return;
    cube_schema_ctx_t c = {.fe = fe};
    if (!json_is_object(ann))
        return type_error(&c, path, ann, "object");
    size_t total = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)ann, k, v)
    {
        _cleanup_free_ char *lower = xstrdup(k);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        json_auto_t *key = json_string(k);
        cube_schema_invalid_msgs(fe, path, key, cube_name_qualified(lower));
        if (!json_is_string(v))
            type_error(&c, path, v, "string");
        else
            total += strlen(k) + strlen(json_string_value(v));
    }
    if (total > TOTAL_ANNOTATION_SIZE) {
        char d[64];
        snprintf(d, sizeof(d), "may not be more than %d bytes", TOTAL_ANNOTATION_SIZE);
        cube_field_errors_add_rendered(fe, "FieldValueTooLong", path, NULL, d);
    }
}

/* Labels and annotations of any ObjectMeta (templates included). */
void cube_schema_validate_meta_maps(cube_field_errors_t *fe, const char *path, const json_t *meta)
{
    _cleanup_free_ char *lp = cube_schema_path(path, "labels");
    _cleanup_free_ char *ap = cube_schema_path(path, "annotations");
    cube_schema_validate_labels(fe, lp, json_object_get(meta, "labels"));
    validate_annotations(fe, ap, json_object_get(meta, "annotations"));
}

/* Replaces a trailing '-' by 'a' so that a generateName prefix can be checked as a name. */
static char *mask_trailing_dash(const char *s)
{
    char *m = xstrdup(s);
    size_t n = strlen(m);
    if (n > 1 && m[n - 1] == '-')
        m[n - 1] = 'a';
    return m;
}

void cube_api_validate_meta(const cube_resource_t *r, const json_t *obj, cube_field_errors_t *fe)
{
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    cube_name_rule_t rule = k ? (cube_name_rule_t)k->name_rule : CUBE_NAME_SUBDOMAIN;
    const json_t *meta = json_object_get(obj, "metadata");
    if (!json_is_object(meta)) {
        cube_field_required(fe, "metadata.name", "name or generateName is required");
        return;
    }
    const char *name = cube_json_str(meta, "name", NULL);
    const char *gen = cube_json_str(meta, "generateName", NULL);
    if (gen && gen[0]) {
        _cleanup_free_ char *masked = mask_trailing_dash(gen);
        cube_schema_invalid_msgs(fe, "metadata.generateName", json_object_get(meta, "generateName"),
                                 cube_schema_name_check(rule, masked));
    }
    if (!name || !name[0]) {
        if (!gen || !gen[0])
            cube_field_required(fe, "metadata.name", "name or generateName is required");
    } else {
        const json_t *nv = json_object_get(meta, "name");
        cube_schema_invalid_msgs(fe, "metadata.name", nv, cube_schema_name_check(rule, name));
        if (k && k->name_max && strlen(name) > k->name_max) {
            char d[64];
            snprintf(d, sizeof(d), "must be no more than %zu characters", k->name_max);
            cube_field_invalid(fe, "metadata.name", nv, d);
        }
    }
    const char *ns = cube_json_str(meta, "namespace", NULL);
    if (r->namespaced) {
        if (!ns || !ns[0])
            cube_field_required(fe, "metadata.namespace", NULL);
        else
            cube_schema_invalid_msgs(fe, "metadata.namespace", json_object_get(meta, "namespace"),
                                     cube_name_dns1123_label(ns));
    } else if (ns && ns[0]) {
        cube_field_forbidden(fe, "metadata.namespace", "not allowed on this type");
    }
    cube_schema_validate_meta_maps(fe, "metadata", meta);
    const json_t *fin = json_object_get(meta, "finalizers");
    size_t i;
    json_t *x;
    json_array_foreach(fin, i, x)
    {
        if (!json_is_string(x))
            continue;
        _cleanup_free_ char *p = cube_schema_path_index("metadata.finalizers", i);
        cube_schema_invalid_msgs(fe, p, x, cube_name_qualified(json_string_value(x)));
    }
}

/* ======================================================================= */
/* lifecycle                                                               */
/* ======================================================================= */

void cube_api_default(const cube_resource_t *r, json_t *obj)
{
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    if (k)
        cube_schema_default_type(k->type, obj);
}

/* True if anything outside metadata and status differs (what bumps generation). */
static bool spec_changed(const json_t *a, const json_t *b)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)a, key, v)
    {
        if (!strcmp(key, "metadata") || !strcmp(key, "status") || !strcmp(key, "apiVersion") ||
            !strcmp(key, "kind"))
            continue;
        const json_t *w = json_object_get(b, key);
        if (!w || !json_equal(v, w))
            return true;
    }
    json_object_foreach((json_t *)b, key, v)
    {
        if (!strcmp(key, "metadata") || !strcmp(key, "status") || !strcmp(key, "apiVersion") ||
            !strcmp(key, "kind"))
            continue;
        if (!json_object_get(a, key))
            return true;
    }
    return false;
}

static void copy_key(json_t *dst, const json_t *src, const char *key)
{
    json_t *v = src ? json_object_get(src, key) : NULL;
    if (v)
        json_object_set_new(dst, key, json_deep_copy(v));
    else
        json_object_del(dst, key);
}

void cube_api_prepare(const cube_resource_t *r, cube_api_op_t op, json_t *obj, const json_t *old)
{
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    if (!json_is_object(obj))
        return;
    json_t *meta = cube_json_obj(obj, "metadata");
    const json_t *old_meta = old ? json_object_get(old, "metadata") : NULL;
    /* Empty lists and maps of metadata are omitted, as Go's omitempty encodes them. */
    static const char *const omit_empty[] = {"finalizers", "ownerReferences", "labels",
                                             "annotations"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(omit_empty); i++) {
        json_t *v = json_object_get(meta, omit_empty[i]);
        if ((json_is_array(v) && json_array_size(v) == 0) ||
            (json_is_object(v) && json_object_size(v) == 0))
            json_object_del(meta, omit_empty[i]);
    }
    switch (op) {
    case CUBE_OP_CREATE:
        if (r->has_status && k && k->status_on_create) {
            json_t *st = json_loads(k->status_on_create, 0, NULL);
            if (!st)
                abort();
            json_object_set_new(obj, "status", st);
        }
        if (r->bumps_generation || (k && (k->flags & CUBE_KIND_GENERATION_ON_CREATE)))
            json_object_set_new(meta, "generation", json_integer(1));
        else
            json_object_del(meta, "generation");
        break;
    case CUBE_OP_UPDATE:
        if (r->has_status)
            copy_key(obj, old, "status");
        break;
    case CUBE_OP_UPDATE_STATUS: {
        /* Everything but status and metadata comes from old. */
        const char *key;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(obj, tmp, key, v)
        {
            if (strcmp(key, "status") && strcmp(key, "metadata") && !json_object_get(old, key))
                json_object_del(obj, key);
        }
        json_object_foreach((json_t *)old, key, v)
        {
            if (strcmp(key, "status") && strcmp(key, "metadata"))
                json_object_set_new(obj, key, json_deep_copy(v));
        }
        break;
    }
    }
    if (op != CUBE_OP_CREATE && old_meta) {
        /* The server owns these: a client cannot change them by an update. */
        copy_key(meta, old_meta, "uid");
        copy_key(meta, old_meta, "creationTimestamp");
        copy_key(meta, old_meta, "generation");
        if (op == CUBE_OP_UPDATE && r->bumps_generation && spec_changed(obj, old)) {
            json_int_t g = json_integer_value(json_object_get(old_meta, "generation"));
            json_object_set_new(meta, "generation", json_integer(g + 1));
        }
    }
    if (k && k->prepare)
        k->prepare(op, obj, old);
    /* Kubernetes applies defaults again when it reads an object back; what
       the strategy reset (status) is defaulted the same way here. */
    if (op == CUBE_OP_CREATE && k)
        cube_schema_default_type(k->type, obj);
}

void cube_api_validate(const cube_resource_t *r, cube_api_op_t op, const json_t *obj,
                       const json_t *old, cube_field_errors_t *fe)
{
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    cube_schema_ctx_t c = {.r = r, .op = op, .obj = obj, .old = old, .fe = fe};
    if (op != CUBE_OP_CREATE && old) {
        static const char *const keys[] = {"name", "namespace"};
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(keys); i++) {
            const json_t *a = cube_json_path(obj, "metadata", keys[i], NULL);
            const json_t *b = cube_json_path(old, "metadata", keys[i], NULL);
            if (a && b && !json_equal(a, b)) {
                _cleanup_free_ char *p = cube_schema_path("metadata", keys[i]);
                cube_field_invalid(fe, p, a, "field is immutable");
            }
        }
    }
    if (!k)
        return;
    cube_schema_validate_type(&c, k->type, "", obj, old);
    if (k->validate)
        k->validate(&c, obj, old);
}

/* ======================================================================= */
/* strict decoding: unknown and duplicate fields                           */
/* ======================================================================= */

typedef struct unknown_walk {
    bool prune;
    cube_schema_field_fn fn;
    void *arg;
    size_t n;
} unknown_walk_t;

static void unknown_type(unknown_walk_t *w, const cube_schema_type_t *t, const char *path,
                         json_t *obj);

/* One value of field f (an element when f is an array or map) at path. */
static void unknown_value(unknown_walk_t *w, const cube_schema_field_t *f, const char *path,
                          json_t *v)
{
    if (f->kind == CUBE_SK_OBJECT && json_is_object(v))
        unknown_type(w, f->type, path, v);
}

static void unknown_type(unknown_walk_t *w, const cube_schema_type_t *t, const char *path,
                         json_t *obj)
{
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, v)
    {
        const cube_schema_field_t *f = cube_schema_field_find(t, key);
        _cleanup_free_ char *p = cube_schema_path(path, key);
        if (!f) {
            w->n++;
            if (w->fn)
                w->fn(p, w->arg);
            if (w->prune)
                json_object_del(obj, key);
            continue;
        }
        if (f->kind != CUBE_SK_OBJECT)
            continue;
        if (f->container == CUBE_SC_ARRAY && json_is_array(v)) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e)
            {
                _cleanup_free_ char *pi = cube_schema_path_index(p, i);
                unknown_value(w, f, pi, e);
            }
        } else if (f->container == CUBE_SC_MAP && json_is_object(v)) {
            /* Go's strict decoder joins map keys with dots, as struct fields */
            const char *k;
            json_t *e;
            json_object_foreach(v, k, e)
            {
                _cleanup_free_ char *pk = cube_schema_path(p, k);
                unknown_value(w, f, pk, e);
            }
        } else if (f->container == CUBE_SC_ONE) {
            unknown_value(w, f, p, v);
        }
    }
}

size_t cube_schema_unknown_fields(const cube_resource_t *r, json_t *obj, bool prune,
                                  cube_schema_field_fn fn, void *arg)
{
    const cube_schema_kind_t *k = cube_schema_kind_find(r);
    if (!k || !k->type || !json_is_object(obj))
        return 0;
    unknown_walk_t w = {prune, fn, arg, 0};
    unknown_type(&w, k->type, "", obj);
    return w.n;
}

/*
 * A scan of JSON text (already known to parse) that tracks the field path and
 * the keys seen in each object: jansson keeps the last of repeated keys
 * without saying so.
 */
typedef struct dup_scan {
    const char *p, *end;
    cube_schema_field_fn fn;
    void *arg;
    size_t n;
    unsigned depth;
} dup_scan_t;

static void dup_ws(dup_scan_t *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* A string literal at s->p (the opening quote), decoded; caller frees. */
static char *dup_string(dup_scan_t *s)
{
    const char *start = s->p++;
    bool esc = false;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\') {
            esc = true;
            s->p++;
        }
        s->p++;
    }
    if (s->p < s->end)
        s->p++;
    if (!esc)
        return xstrndup(start + 1, (size_t)(s->p - start) - 2);
    json_auto_t *j = json_loadb(start, (size_t)(s->p - start), JSON_DECODE_ANY, NULL);
    return xstrdup(json_is_string(j) ? json_string_value(j) : "");
}

static void dup_value(dup_scan_t *s, cube_buf_t *path);

static void dup_truncate(cube_buf_t *path, size_t len)
{
    path->len = len;
    if (path->data)
        path->data[len] = 0;
}

static void dup_object(dup_scan_t *s, cube_buf_t *path)
{
    json_auto_t *seen = json_object(); /* key -> true (once) or false (reported) */
    s->p++;
    for (;;) {
        dup_ws(s);
        if (s->p >= s->end)
            return;
        if (*s->p == '}') {
            s->p++;
            return;
        }
        if (*s->p == ',') {
            s->p++;
            continue;
        }
        if (*s->p != '"') {
            s->p = s->end;
            return;
        }
        _cleanup_free_ char *key = dup_string(s);
        dup_ws(s);
        if (s->p < s->end && *s->p == ':')
            s->p++;
        size_t mark = path->len;
        if (mark)
            cube_buf_putc(path, '.');
        cube_buf_puts(path, key);
        json_t *was = json_object_get(seen, key);
        if (!was) {
            json_object_set_new(seen, key, json_true());
        } else if (json_is_true(was)) {
            json_object_set_new(seen, key, json_false());
            s->n++;
            if (s->fn)
                s->fn(path->data, s->arg);
        }
        dup_value(s, path);
        dup_truncate(path, mark);
    }
}

static void dup_array(dup_scan_t *s, cube_buf_t *path)
{
    size_t i = 0;
    s->p++;
    for (;;) {
        dup_ws(s);
        if (s->p >= s->end)
            return;
        if (*s->p == ']') {
            s->p++;
            return;
        }
        if (*s->p == ',') {
            s->p++;
            continue;
        }
        size_t mark = path->len;
        cube_buf_printf(path, "[%zu]", i++);
        dup_value(s, path);
        dup_truncate(path, mark);
    }
}

static void dup_value(dup_scan_t *s, cube_buf_t *path)
{
    dup_ws(s);
    if (s->p >= s->end)
        return;
    if (s->depth > 256) { /* json_loadb refuses deeper documents anyway */
        s->p = s->end;
        return;
    }
    s->depth++;
    if (*s->p == '{') {
        dup_object(s, path);
    } else if (*s->p == '[') {
        dup_array(s, path);
    } else if (*s->p == '"') {
        free(dup_string(s));
    } else {
        while (s->p < s->end && !strchr(",]} \t\r\n", *s->p))
            s->p++;
    }
    s->depth--;
}

size_t cube_json_duplicate_fields(const char *data, size_t len, cube_schema_field_fn fn, void *arg)
{
    /* no object repeats a key unless the text holds a key twice: skip the scan
       for texts without objects */
    if (!data || !memchr(data, '{', len))
        return 0;
    dup_scan_t s = {data, data + len, fn, arg, 0, 0};
    cube_buf_t path = CUBE_BUF_INIT;
    dup_value(&s, &path);
    cube_buf_clear(&path);
    return s.n;
}
