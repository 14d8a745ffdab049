/*
 * YAML request bodies (`application/yaml`), turned into the same JSON tree a
 * JSON body gives, the way Kubernetes' sigs.k8s.io/yaml does: YAML is read
 * with libyaml, plain scalars become null, booleans, integers or floats when
 * they read as one (YAML 1.1 words included: yes/no/on/off, as kubectl's
 * decoder does), everything else a string; mapping keys are strings.
 */
#include "api/api.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <yaml.h>

#define MAX_DEPTH 128

static bool word_in(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (!strcmp(s, *words))
            return true;
    return false;
}

/* A plain (unquoted) scalar as YAML 1.1 types it. */
static json_t *plain_scalar(const char *s, size_t len)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                        "on",   "On",   "ON",   "y",   "Y",   NULL};
    static const char *const falses[] = {"false", "False", "FALSE", "no", "No", "NO",
                                         "off",   "Off",   "OFF",   "n",  "N",  NULL};
    if (word_in(s, nulls))
        return json_null();
    if (word_in(s, trues))
        return json_true();
    if (word_in(s, falses))
        return json_false();
    char *end;
    errno = 0;
    long long ll = strtoll(s, &end, 0);
    if (len && *end == 0 && errno == 0 && (isdigit((unsigned char)s[len - 1])))
        return json_integer(ll);
    errno = 0;
    double d = strtod(s, &end);
    if (len && *end == 0 && errno == 0 && isfinite(d) && strspn(s, "0123456789+-.eE") == len)
        return json_real(d);
    return json_stringn(s, len);
}

/* Where a parse is: the line of the event being added, the pending keys' lines,
   and the repeated keys found (NULL when not asked). */
typedef struct yaml_pos {
    size_t line;
    size_t key_line[MAX_DEPTH + 1];
    cube_buf_t *dups;
} yaml_pos_t;

static int add_value(json_t **stack, size_t depth, char **pending_key, json_t *v, json_t **root,
                     yaml_pos_t *pos, cube_err_t *err)
{
    if (depth == 0) {
        if (!*root)
            *root = v;
        else
            json_decref(v);
        return 0;
    }
    json_t *top = stack[depth - 1];
    if (json_is_array(top))
        return json_array_append_new(top, v), 0;
    if (!*pending_key) {
        /* a key: only scalars may be keys */
        if (!json_is_string(v) && !json_is_integer(v) && !json_is_boolean(v) && !json_is_null(v) &&
            !json_is_real(v)) {
            json_decref(v);
            return cube_err_badrequest(err, "error converting YAML to JSON: yaml: invalid map key");
        }
        char *k = json_is_string(v)    ? xstrdup(json_string_value(v))
                  : json_is_integer(v) ? xasprintf("%lld", (long long)json_integer_value(v))
                  : json_is_true(v)    ? xstrdup("true")
                  : json_is_false(v)   ? xstrdup("false")
                  : json_is_null(v)    ? xstrdup("null")
                                       : xasprintf("%g", json_real_value(v));
        json_decref(v);
        *pending_key = k;
        pos->key_line[depth] = pos->line;
        return 0;
    }
    if (pos->dups && json_object_get(top, *pending_key)) {
        /* sigs.k8s.io/yaml's strict conversion (yaml.v2) words it so */
        cube_buf_printf(pos->dups, "\n  line %zu: key ", pos->key_line[depth]);
        cube_buf_go_quote(pos->dups, *pending_key);
        cube_buf_puts(pos->dups, " already set in map");
    }
    json_object_set_new(top, *pending_key, v);
    free(*pending_key);
    *pending_key = NULL;
    return 0;
}

static int decode(const void *data, size_t len, json_t **ret, cube_buf_t *dups, cube_err_t *err)
{
    yaml_pos_t pos = {.dups = dups};
    yaml_parser_t p;
    yaml_event_t ev;
    json_t *stack[MAX_DEPTH];
    char *keys[MAX_DEPTH + 1] = {0}; /* the pending key at each depth */
    size_t depth = 0;
    json_t *root = NULL;
    int rc = -1;
    bool done = false;

    if (!yaml_parser_initialize(&p))
        return cube_err_internal(err, "yaml parser");
    yaml_parser_set_input_string(&p, data, len);
    while (!done) {
        if (!yaml_parser_parse(&p, &ev)) {
            cube_err_badrequest(err, "error converting YAML to JSON: yaml: line %zu: %s",
                                p.problem_mark.line + 1, p.problem ? p.problem : "syntax error");
            goto out;
        }
        json_t *v = NULL;
        pos.line = ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_DOCUMENT_END_EVENT:
            done = root != NULL; /* the first document only, as Kubernetes */
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_ALIAS_EVENT:
            cube_err_badrequest(err, "error converting YAML to JSON: aliases are not supported");
            yaml_event_delete(&ev);
            goto out;
        case YAML_SCALAR_EVENT: {
            const char *s = (const char *)ev.data.scalar.value;
            size_t n = ev.data.scalar.length;
            bool plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            v = plain ? plain_scalar(s, n) : json_stringn(s, n);
            if (!v)
                v = json_string("");
            if (add_value(stack, depth, &keys[depth], v, &root, &pos, err) < 0) {
                yaml_event_delete(&ev);
                goto out;
            }
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth == MAX_DEPTH) {
                cube_err_badrequest(err, "error converting YAML to JSON: nested too deeply");
                yaml_event_delete(&ev);
                goto out;
            }
            v = ev.type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
            if (depth > 0 && json_is_object(stack[depth - 1]) && !keys[depth]) {
                json_decref(v);
                cube_err_badrequest(err, "error converting YAML to JSON: yaml: invalid map key");
                yaml_event_delete(&ev);
                goto out;
            }
            if (add_value(stack, depth, &keys[depth], json_incref(v), &root, &pos, err) < 0) {
                json_decref(v);
                yaml_event_delete(&ev);
                goto out;
            }
            stack[depth++] = v;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            json_decref(stack[--depth]);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    if (!json_is_object(root)) {
        cube_err_badrequest(err,
                            "couldn't get version/kind; json parse error: json: cannot "
                            "unmarshal %s into Go value of type struct { APIVersion string; "
                            "Kind string }",
                            root ? "array or scalar" : "empty document");
        goto out;
    }
    *ret = TAKE_PTR(root);
    rc = 0;
out:
    while (depth > 0)
        json_decref(stack[--depth]);
    for (size_t i = 0; i <= MAX_DEPTH; i++)
        free(keys[i]);
    json_decref(root);
    yaml_parser_delete(&p);
    return rc;
}

int cube_yaml_decode(const void *data, size_t len, json_t **ret, cube_err_t *err)
{
    /* JSON is YAML, and what clients send (kubectl's server-side apply bodies are JSON):
       jansson reads it several times faster than the YAML event parser, with the same
       result (a repeated key: the last wins, as here). Anything it refuses goes to the
       YAML parser, which also words the errors. */
    const char *p = data;
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < len && p[i] == '{') {
        json_t *obj = json_loadb(p, len, 0, NULL);
        if (obj) {
            *ret = obj;
            return 0;
        }
    }
    return decode(data, len, ret, NULL, err);
}

int cube_yaml_decode_dups(const void *data, size_t len, json_t **ret, char **ret_dups,
                          cube_err_t *err)
{
    cube_buf_t dups = CUBE_BUF_INIT;
    json_t *obj = NULL;
    if (decode(data, len, &obj, &dups, err) < 0) {
        cube_buf_clear(&dups);
        return -1;
    }
    *ret = obj;
    if (dups.len) {
        cube_buf_t m = CUBE_BUF_INIT;
        cube_buf_puts(&m, "yaml: unmarshal errors:");
        cube_buf_append(&m, dups.data, dups.len);
        *ret_dups = cube_buf_steal(&m, NULL);
    } else {
        *ret_dups = NULL;
    }
    cube_buf_clear(&dups);
    return 0;
}
