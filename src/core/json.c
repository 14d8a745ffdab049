/*
 * Small conveniences over jansson for walking Kubernetes objects.
 */
#include "core.h"

json_t *cube_json_path(const json_t *root, ...)
{
    va_list ap;
    va_start(ap, root);
    const json_t *cur = root;
    const char *k;
    while (cur && (k = va_arg(ap, const char *)))
        cur = json_is_object(cur) ? json_object_get(cur, k) : NULL;
    va_end(ap);
    return (json_t *)cur;
}

const char *cube_json_str(const json_t *root, ...)
{
    va_list ap;
    va_start(ap, root);
    const json_t *cur = root;
    const char *k;
    while (cur && (k = va_arg(ap, const char *)))
        cur = json_is_object(cur) ? json_object_get(cur, k) : NULL;
    va_end(ap);
    return json_is_string(cur) ? json_string_value(cur) : NULL;
}

json_t *cube_json_obj(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_object(v))
        return v;
    v = json_object();
    json_object_set_new(obj, key, v);
    return v;
}

char *cube_json_dump(const json_t *j, size_t *ret_len)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (!s)
        abort();
    if (ret_len)
        *ret_len = strlen(s);
    return s;
}

int cube_shortest_digits(double v)
{
    char tmp[64];
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    return prec;
}
