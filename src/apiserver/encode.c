/*
 * The byte forms of API objects. Objects are stored without their
 * resourceVersion (the store's revision becomes it) and with apiVersion,
 * kind and metadata first, so that the cache can splice the version in
 * without re-encoding; Status errors and Table rows are written here too.
 */
#include "apiserver/internal.h"

char *cube_encode_for_store(const json_t *obj, size_t *ret_len)
{
    json_auto_t *out = json_object();
    const char *first[] = {"apiVersion", "kind", "metadata"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(first); i++) {
        json_t *v = json_object_get(obj, first[i]);
        if (!v)
            continue;
        if (i == 2) {
            json_t *m = json_copy(v); /* shallow: only its own key set changes */
            json_object_del(m, "resourceVersion");
            json_object_set_new(out, first[i], m);
        } else {
            json_object_set(out, first[i], v);
        }
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        if (strcmp(k, "apiVersion") && strcmp(k, "kind") && strcmp(k, "metadata"))
            json_object_set(out, k, v);
    }
    return cube_json_dump(out, ret_len);
}

cube_bytes_t *cube_encode_with_rv(const char *stored, size_t len, int64_t rev)
{
    static const char needle[] = "\"metadata\":{";
    const char *at = memmem(stored, len, needle, sizeof(needle) - 1);
    if (!at)
        return cube_bytes_new(stored, len);
    size_t head = (size_t)(at - stored) + sizeof(needle) - 1;
    char ins[48];
    int n = snprintf(ins, sizeof(ins), "\"resourceVersion\":\"%lld\"%s", (long long)rev,
                     (head < len && stored[head] == '}') ? "" : ",");
    cube_bytes_t *b = xmalloc(sizeof(*b) + len + (size_t)n + 1);
    atomic_init(&b->refs, 1);
    b->len = len + (size_t)n;
    memcpy(b->data, stored, head);
    memcpy(b->data + head, ins, (size_t)n);
    memcpy(b->data + head + n, stored + head, len - head);
    b->data[b->len] = 0;
    return b;
}

cube_bytes_t *cube_encode_status(const cube_err_t *err)
{
    json_auto_t *st = json_pack("{s:s, s:s, s:{}, s:s, s:s, s:s}", "kind", "Status", "apiVersion",
                                "v1", "metadata", "status", "Failure", "message", err->msg,
                                "reason", err->reason ? err->reason : "InternalError");
    if (err->details)
        json_object_set(st, "details", err->details);
    json_object_set_new(st, "code", json_integer(err->code ? err->code : 500));
    size_t len;
    char *s = cube_json_dump(st, &len);
    cube_bytes_t *b = cube_bytes_new(s, len);
    free(s);
    return b;
}

void cube_encode_table_columns(cube_buf_t *b, const cube_resource_t *r)
{
    size_t n;
    const cube_table_column_t *cols = cube_api_table_columns(r, &n);
    cube_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            cube_buf_putc(b, ',');
        cube_buf_puts(b, "{\"name\":");
        cube_buf_json_str(b, cols[i].name);
        cube_buf_puts(b, ",\"type\":");
        cube_buf_json_str(b, cols[i].type ? cols[i].type : "string");
        cube_buf_puts(b, ",\"format\":");
        cube_buf_json_str(b, cols[i].format ? cols[i].format : "");
        cube_buf_puts(b, ",\"description\":");
        cube_buf_json_str(b, cols[i].description ? cols[i].description : "");
        cube_buf_printf(b, ",\"priority\":%d}", cols[i].priority);
    }
    cube_buf_putc(b, ']');
}

/*
 * Cells are cached as their JSON values separated by 0x1f (which JSON
 * encoding never leaves raw in a value); age columns hold a Unix time or
 * null and are turned into "5m" here, at print time.
 */
void cube_encode_table_row(cube_buf_t *b, const cube_obj_t *o, const cube_resource_t *r, time_t now,
                           bool with_object)
{
    size_t n;
    const cube_table_column_t *cols = cube_api_table_columns(r, &n);
    cube_buf_puts(b, "{\"cells\":[");
    const cube_bytes_t *cells = cube_obj_cells((cube_obj_t *)o);
    const char *p = cells->data;
    const char *end = p + cells->len;
    for (size_t i = 0; i < n; i++) {
        const char *sep = memchr(p, 0x1f, (size_t)(end - p));
        if (!sep)
            sep = end;
        if (i)
            cube_buf_putc(b, ',');
        if (sep == p) {
            cube_buf_puts(b, "null");
        } else if (cols[i].age && *p == '"') {
            cube_buf_append(b, p, (size_t)(sep - p)); /* already text, e.g. "<none>" */
        } else if (cols[i].age) {
            char *e;
            long long t = strtoll(p, &e, 10);
            if (e == p || t <= 0) {
                cube_buf_puts(b, "\"<unknown>\"");
            } else {
                char age[32];
                cube_time_age((time_t)t, now, age, sizeof(age));
                cube_buf_json_str(b, age);
            }
        } else {
            cube_buf_append(b, p, (size_t)(sep - p));
        }
        p = sep < end ? sep + 1 : end;
    }
    cube_buf_putc(b, ']');
    if (with_object) {
        cube_buf_puts(b, ",\"object\":");
        cube_encode_partial_meta(b, o, "v1");
    }
    cube_buf_putc(b, '}');
}

void cube_encode_partial_meta(cube_buf_t *b, const cube_obj_t *o, const char *version)
{
    cube_buf_printf(b,
                    "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/%s\","
                    "\"metadata\":",
                    version);
    const cube_bytes_t *meta = cube_obj_meta((cube_obj_t *)o);
    cube_buf_append(b, meta->data, meta->len);
    cube_buf_putc(b, '}');
}

void cube_encode_table_one(cube_buf_t *b, const cube_obj_t *o, const cube_resource_t *r,
                           const char *version, bool columns)
{
    cube_buf_printf(b,
                    "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/%s\",\"metadata\":"
                    "{\"resourceVersion\":\"%lld\"},\"columnDefinitions\":",
                    version, (long long)o->rev);
    if (columns)
        cube_encode_table_columns(b, r);
    else
        cube_buf_puts(b, "null");
    cube_buf_puts(b, ",\"rows\":[");
    cube_encode_table_row(b, o, r, time(NULL), true);
    cube_buf_puts(b, "]}");
}
