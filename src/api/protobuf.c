/*
 * protobuf: Kubernetes protobuf request bodies, decoded into the JSON trees
 * the rest of cube works on.
 *
 * client-go's typed clients (which kubectl's `create configmap|secret|
 * deployment|...` generators, `create token` and `auth can-i` use) send their
 * bodies as `application/vnd.kubernetes.protobuf`: the magic "k8s\0", then a
 * runtime.Unknown {typeMeta{apiVersion=1, kind=2}=1, raw=2,
 * contentEncoding=3, contentType=4} whose raw bytes are the object's own
 * message. Our API server speaks JSON only, so such bodies are turned into
 * the JSON that Kubernetes' JSON encoding of the same Go object would give.
 *
 * The decoder is a small generic proto2 wire reader driven by static tables:
 * per message, rows of {field number, kind, flags, message, JSON name}. The
 * tables cover every message reachable from the top-level kinds of the API
 * groups cube serves (core, apps, batch, rbac, scheduling, policy,
 * networking, autoscaling v1/v2, coordination, storage, discovery, events,
 * authentication, authorization) plus meta/v1 DeleteOptions. Field numbers,
 * names and whether a Go field is a pointer are the protocol's facts: the
 * tables below were produced by a script from the FileDescriptorProtos that
 * kubectl v1.32 itself embeds (gogo-protobuf registers each generated.proto,
 * with its gogoproto.nullable options), and whether a scalar's JSON tag has
 * omitempty from the struct tags in the same binary. The generator is not in
 * the tree yet (see the lead's notes); the section below is its verbatim
 * output, regenerated whole when a new Kubernetes version adds fields.
 *
 * Zero values. gogo-protobuf writes every non-pointer field of a message,
 * zero or not, and pointer fields only when non-nil. Kubernetes' JSON drops
 * zero scalars of non-pointer fields tagged omitempty, keeps pointer fields
 * (spec.replicas: 0, suspend: false, ...) and non-omitempty scalars
 * (PriorityClass value, ContainerPort containerPort), and writes nested
 * structs always. The decoder follows that with one flag, KEEP: a scalar
 * without it is dropped when zero. Deviations from Go's JSON, all
 * deliberate: empty strings of non-pointer fields are dropped even when the
 * JSON tag has no omitempty (they mean "unset" to defaulting and validation
 * alike); a zero metav1.Time is dropped instead of written as null; a zero
 * non-pointer IntOrString (targetPort unset) is dropped instead of written
 * as 0; Quantity strings pass through as sent (client-go sends the canonical
 * form). Unknown field numbers are skipped, as proto2 requires. Anything
 * malformed (truncated varints, lengths past the end, wrong wire types,
 * groups, invalid times) is a 400; a kind without a table is a 415.
 *
 * Pure computation on untrusted bytes: no I/O, no globals, any thread.
 */
#include "api/api.h"

#include <limits.h>

/* What a field's bytes become in JSON. */
typedef enum {
    K_STRING, /* string */
    K_BYTES, /* []byte: base64 string */
    K_BOOL, /* varint */
    K_INT32, /* varint, truncated to 32 bits as Go does */
    K_INT64, /* varint */
    K_MSG, /* nested message: JSON object */
    K_MAP, /* repeated {key=1, value=2} entries: JSON object */
    K_TIME, /* metav1.Time {seconds=1, nanos=2}: RFC 3339, seconds */
    K_MICROTIME, /* metav1.MicroTime: RFC 3339 with microseconds */
    K_RAWJSON, /* FieldsV1 / RawExtension {raw=1}: embedded JSON */
    K_INTORSTR, /* intstr.IntOrString {type=1, intVal=2, strVal=3} */
    K_QUANTITY, /* resource.Quantity {string=1} */
} pb_kind_t;

enum {
    REP = 1 << 0, /* repeated: a JSON array (packed scalars accepted too) */
    KEEP = 1 << 1, /* write zero values (Go pointer, or no omitempty) */
    INL = 1 << 2, /* Go `json:",inline"`: fields land in the parent object */
};

typedef struct pb_field {
    uint16_t num;
    uint8_t kind; /* pb_kind_t */
    uint8_t flags; /* REP, KEEP, INL */
    uint16_t msg; /* K_MSG, K_MAP: the message (map: its entry) */
    const char *json;
} pb_field_t;

typedef struct pb_msg {
    const char *name;
    const pb_field_t *fields; /* sorted by num */
    size_t nfields;
} pb_msg_t;

typedef struct pb_type {
    const char *group, *version, *kind;
    uint16_t msg;
} pb_type_t;

static const pb_msg_t *msg_get(uint16_t id);
static const pb_type_t *type_find(const char *group, const char *version, const char *kind);
static uint16_t delete_options_msg(void);

/* Deeper nesting than any Kubernetes type has is malformed input. */
#define MAX_DEPTH 64

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

/* ---- wire reader -------------------------------------------------------- */

typedef struct rd {
    const uint8_t *p, *end;
} rd_t;

/* A reader over n bytes at p (p may be NULL when n is 0). */
static rd_t rd_make(const uint8_t *p, size_t n)
{
    return n ? (rd_t){p, p + n} : (rd_t){NULL, NULL};
}

static int malformed(cube_err_t *err, const char *what)
{
    return cube_err_badrequest(err, "malformed protobuf body: %s", what);
}

static int rd_varint(rd_t *r, uint64_t *ret, cube_err_t *err)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return malformed(err, "truncated varint");
        uint8_t b = *r->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) {
            *ret = v;
            return 0;
        }
    }
    return malformed(err, "varint longer than 10 bytes");
}

/* One field: its number, wire type and, for WT_LEN, its payload. */
typedef struct pb_val {
    uint32_t num;
    int wt;
    uint64_t u; /* WT_VARINT, WT_I64, WT_I32 */
    const uint8_t *data; /* WT_LEN */
    size_t len;
} pb_val_t;

/* Reads the next field; 0 with *done set at the end of the message. */
static int rd_field(rd_t *r, pb_val_t *v, bool *done, cube_err_t *err)
{
    *done = r->p >= r->end;
    if (*done)
        return 0;
    uint64_t key;
    if (rd_varint(r, &key, err) < 0)
        return -1;
    if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff)
        return malformed(err, "invalid field number");
    v->num = (uint32_t)(key >> 3);
    v->wt = (int)(key & 7);
    switch (v->wt) {
    case WT_VARINT:
        return rd_varint(r, &v->u, err);
    case WT_I64:
    case WT_I32: {
        size_t n = v->wt == WT_I64 ? 8 : 4;
        if ((size_t)(r->end - r->p) < n)
            return malformed(err, "truncated fixed-size field");
        v->u = 0;
        for (size_t i = 0; i < n; i++)
            v->u |= (uint64_t)r->p[i] << (8 * i);
        r->p += n;
        return 0;
    }
    case WT_LEN: {
        uint64_t n;
        if (rd_varint(r, &n, err) < 0)
            return -1;
        if (n > (uint64_t)(r->end - r->p))
            return malformed(err, "length past the end of the message");
        v->data = r->p;
        v->len = (size_t)n;
        r->p += n;
        return 0;
    }
    default:
        return malformed(err, "unsupported wire type (groups are not used by Kubernetes)");
    }
}

/* ---- JSON values -------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/*
 * A Go string as JSON: Go's encoder replaces each byte of invalid UTF-8 with
 * U+FFFD, which also keeps jansson (UTF-8 only) from refusing the string.
 */
static json_t *json_gostring(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t l = utf8_seq(s + i, n - i);
        if (!l)
            break;
        i += l;
    }
    if (i == n)
        return json_stringn((const char *)s, n);
    cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
    cube_buf_append(&b, s, i);
    while (i < n) {
        size_t l = utf8_seq(s + i, n - i);
        if (l) {
            cube_buf_append(&b, s + i, l);
            i += l;
        } else {
            cube_buf_append(&b, "\xef\xbf\xbd", 3);
            i++;
        }
    }
    return json_stringn(b.data, b.len);
}

static json_t *json_base64(const uint8_t *s, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    _cleanup_free_ char *out = xmalloc((n + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    return json_stringn(out, o);
}

/* Seconds since the epoch of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define TIME_MIN (-62135596800LL)
#define TIME_MAX 253402300799LL

/*
 * metav1.Time and MicroTime: {seconds=1, nanos=2}. An empty message is Go's
 * zero time (the client writes nothing for it): *ret stays NULL. Time keeps
 * whole seconds (as Kubernetes' decoder does); MicroTime microseconds.
 */
static int decode_time(const uint8_t *p, size_t n, bool micro, json_t **ret, cube_err_t *err)
{
    *ret = NULL;
    if (n == 0)
        return 0;
    rd_t r = rd_make(p, n);
    int64_t sec = 0, nanos = 0;
    for (;;) {
        pb_val_t v;
        bool done;
        if (rd_field(&r, &v, &done, err) < 0)
            return -1;
        if (done)
            break;
        if ((v.num == 1 || v.num == 2) && v.wt != WT_VARINT)
            return malformed(err, "wrong wire type in a timestamp");
        if (v.num == 1)
            sec = (int64_t)v.u;
        else if (v.num == 2)
            nanos = (int32_t)(uint32_t)v.u;
    }
    if (!micro)
        nanos = 0; /* Kubernetes' Time decoder drops them */
    if (sec < TIME_MIN || sec > TIME_MAX || nanos < 0 || nanos > 999999999)
        return malformed(err, "timestamp out of range");
    if (sec == TIME_MIN && nanos == 0)
        return 0; /* Go's zero time written explicitly */
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return malformed(err, "timestamp out of range");
    char s[48];
    size_t l = strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
    if (micro)
        snprintf(s + l, sizeof(s) - l, ".%06dZ", (int)(nanos / 1000));
    else
        snprintf(s + l, sizeof(s) - l, "Z");
    *ret = json_string(s);
    return 0;
}

/* intstr.IntOrString. *ret NULL for the zero value (Type int, 0). */
static int decode_intorstr(const uint8_t *p, size_t n, json_t **ret, cube_err_t *err)
{
    rd_t r = rd_make(p, n);
    uint64_t type = 0;
    int32_t ival = 0;
    const uint8_t *sval = NULL;
    size_t slen = 0;
    for (;;) {
        pb_val_t v;
        bool done;
        if (rd_field(&r, &v, &done, err) < 0)
            return -1;
        if (done)
            break;
        if (v.num <= 3 && v.wt != (v.num == 3 ? WT_LEN : WT_VARINT))
            return malformed(err, "wrong wire type in an IntOrString");
        if (v.num == 1)
            type = v.u;
        else if (v.num == 2)
            ival = (int32_t)(uint32_t)v.u;
        else if (v.num == 3)
            sval = v.data, slen = v.len;
    }
    if (type == 1)
        *ret = json_gostring(sval ? sval : (const uint8_t *)"", slen);
    else if (type == 0)
        *ret = ival ? json_integer(ival) : NULL;
    else
        return malformed(err, "IntOrString of unknown type");
    return 0;
}

/* The first length-delimited field `num` of a small wrapper message. */
static int wrapped_bytes(const uint8_t *p, size_t n, uint32_t num, const uint8_t **ret,
                         size_t *ret_len, cube_err_t *err)
{
    rd_t r = rd_make(p, n);
    *ret = NULL;
    *ret_len = 0;
    for (;;) {
        pb_val_t v;
        bool done;
        if (rd_field(&r, &v, &done, err) < 0)
            return -1;
        if (done)
            return 0;
        if (v.num == num) {
            if (v.wt != WT_LEN)
                return malformed(err, "wrong wire type");
            *ret = v.data; /* last one wins, as in Go */
            *ret_len = v.len;
        }
    }
}

/* ---- messages ----------------------------------------------------------- */

static const pb_field_t *field_find(const pb_msg_t *m, uint32_t num)
{
    size_t lo = 0, hi = m->nfields;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->fields[mid].num == num)
            return &m->fields[mid];
        if (m->fields[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int decode_msg(const pb_msg_t *m, const uint8_t *p, size_t n, json_t *obj, int depth,
                      cube_err_t *err);

/* Puts value (stolen; NULL = drop) at obj[f->json], appending when repeated. */
static void put(json_t *obj, const pb_field_t *f, json_t *value)
{
    if (!(f->flags & REP)) {
        if (value)
            json_object_set_new(obj, f->json, value);
        else
            json_object_del(obj, f->json); /* a later zero overrides an earlier value */
        return;
    }
    json_t *arr = json_object_get(obj, f->json);
    if (!json_is_array(arr)) {
        arr = json_array();
        json_object_set_new(obj, f->json, arr);
    }
    json_array_append_new(arr, value ? value : json_null());
}

static bool is_scalar(pb_kind_t k)
{
    return k == K_BOOL || k == K_INT32 || k == K_INT64;
}

/* A scalar value to JSON: NULL when it is zero and the field drops zeros. */
static json_t *scalar(const pb_field_t *f, uint64_t u)
{
    bool keep = f->flags & (KEEP | REP);
    switch ((pb_kind_t)f->kind) {
    case K_BOOL:
        return u || keep ? json_boolean(u != 0) : NULL;
    case K_INT32:
        return (int32_t)u || keep ? json_integer((int32_t)(uint32_t)u) : NULL;
    default:
        return u || keep ? json_integer((json_int_t)u) : NULL;
    }
}

/* map<string, V> entry {key=1, value=2}: sets obj[key] = value. */
static int decode_map_entry(const pb_field_t *f, const uint8_t *p, size_t n, json_t *obj, int depth,
                            cube_err_t *err)
{
    const pb_msg_t *entry = msg_get(f->msg);
    json_auto_t *tmp = json_object();
    if (decode_msg(entry, p, n, tmp, depth + 1, err) < 0)
        return -1;
    json_t *key = json_object_get(tmp, "key");
    const char *k = key ? json_string_value(key) : "";
    if (key && strlen(k) != json_string_length(key))
        return malformed(err, "map key with a NUL byte");
    json_t *value = json_object_get(tmp, "value");
    if (value) {
        json_object_set(obj, k, value);
        return 0;
    }
    /* An absent value is the value type's zero. */
    const pb_field_t *vf = field_find(entry, 2);
    switch (vf ? (pb_kind_t)vf->kind : K_STRING) {
    case K_STRING:
    case K_BYTES:
        json_object_set_new(obj, k, json_string(""));
        break;
    case K_QUANTITY:
        json_object_set_new(obj, k, json_string("0"));
        break;
    case K_MSG:
        json_object_set_new(obj, k, json_object());
        break;
    default:
        json_object_set_new(obj, k, json_null());
        break;
    }
    return 0;
}

/* One length-delimited field's payload to JSON, by kind. */
static int decode_len(const pb_field_t *f, const uint8_t *p, size_t n, json_t *obj, int depth,
                      cube_err_t *err)
{
    bool keep = f->flags & (KEEP | REP);
    json_t *v = NULL;
    switch ((pb_kind_t)f->kind) {
    case K_STRING:
        v = n || keep ? json_gostring(p, n) : NULL;
        break;
    case K_BYTES:
        v = n || keep ? json_base64(p, n) : NULL;
        break;
    case K_MSG: {
        const pb_msg_t *sub = msg_get(f->msg);
        if (f->flags & INL)
            return decode_msg(sub, p, n, obj, depth + 1, err);
        json_t *cur = (f->flags & REP) ? NULL : json_object_get(obj, f->json);
        if (json_is_object(cur)) /* a repeated embedded message merges, as in proto2 */
            return decode_msg(sub, p, n, cur, depth + 1, err);
        json_auto_t *o = json_object();
        if (decode_msg(sub, p, n, o, depth + 1, err) < 0)
            return -1;
        v = TAKE_PTR(o);
        break;
    }
    case K_MAP: {
        json_t *m = json_object_get(obj, f->json);
        if (!json_is_object(m)) {
            m = json_object();
            json_object_set_new(obj, f->json, m);
        }
        return decode_map_entry(f, p, n, m, depth, err);
    }
    case K_TIME:
    case K_MICROTIME:
        if (decode_time(p, n, f->kind == K_MICROTIME, &v, err) < 0)
            return -1;
        break;
    case K_INTORSTR:
        if (decode_intorstr(p, n, &v, err) < 0)
            return -1;
        if (!v && keep)
            v = json_integer(0);
        break;
    case K_QUANTITY: {
        const uint8_t *s;
        size_t l;
        if (wrapped_bytes(p, n, 1, &s, &l, err) < 0)
            return -1;
        v = l ? json_gostring(s, l) : json_string("0");
        break;
    }
    case K_RAWJSON: {
        const uint8_t *s;
        size_t l;
        if (wrapped_bytes(p, n, 1, &s, &l, err) < 0)
            return -1;
        if (l) {
            json_error_t jerr;
            v = json_loadb((const char *)s, l, JSON_DECODE_ANY, &jerr);
            if (!v)
                return malformed(err, "embedded raw object is not JSON");
        }
        break;
    }
    default:
        return malformed(err, "wrong wire type");
    }
    put(obj, f, v);
    return 0;
}

/* Packed repeated scalars: one length-delimited run of varints. */
static int decode_packed(const pb_field_t *f, const uint8_t *p, size_t n, json_t *obj,
                         cube_err_t *err)
{
    rd_t r = rd_make(p, n);
    while (r.p < r.end) {
        uint64_t u;
        if (rd_varint(&r, &u, err) < 0)
            return -1;
        put(obj, f, scalar(f, u));
    }
    return 0;
}

static int decode_msg(const pb_msg_t *m, const uint8_t *p, size_t n, json_t *obj, int depth,
                      cube_err_t *err)
{
    if (depth > MAX_DEPTH)
        return malformed(err, "nested too deeply");
    rd_t r = rd_make(p, n);
    for (;;) {
        pb_val_t v;
        bool done;
        if (rd_field(&r, &v, &done, err) < 0)
            return -1;
        if (done)
            return 0;
        const pb_field_t *f = field_find(m, v.num);
        if (!f)
            continue; /* unknown fields are skipped */
        int rc;
        if (is_scalar(f->kind) && v.wt == WT_VARINT) {
            put(obj, f, scalar(f, v.u));
            rc = 0;
        } else if (is_scalar(f->kind) && v.wt == WT_LEN && (f->flags & REP)) {
            rc = decode_packed(f, v.data, v.len, obj, err);
        } else if (!is_scalar(f->kind) && v.wt == WT_LEN) {
            rc = decode_len(f, v.data, v.len, obj, depth, err);
        } else {
            rc = cube_err_badrequest(err, "malformed protobuf body: wrong wire type for %s.%s",
                                     m->name, f->json ? f->json : "(inline)");
        }
        if (rc < 0)
            return -1;
    }
}

/* ---- the envelope ------------------------------------------------------- */

static const uint8_t magic[4] = {'k', '8', 's', 0};

/* A string of the envelope as a C string: valid UTF-8 without NUL bytes. */
static int envelope_str(const uint8_t *p, size_t n, char **ret, cube_err_t *err)
{
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(p + i, n - i);
        if (!l || p[i] == 0)
            return malformed(err, "invalid apiVersion or kind");
        i += l;
    }
    *ret = n ? xstrndup((const char *)p, n) : xstrdup("");
    return 0;
}

int cube_protobuf_decode(const void *data, size_t len, json_t **ret, cube_err_t *err)
{
    if (len < sizeof(magic) || memcmp(data, magic, sizeof(magic)) != 0)
        return cube_err_badrequest(err, "protobuf body does not start with the Kubernetes "
                                        "magic bytes \"k8s\\x00\"");
    rd_t r = rd_make((const uint8_t *)data + sizeof(magic), len - sizeof(magic));
    const uint8_t *raw = NULL, *tm = NULL;
    size_t raw_len = 0, tm_len = 0, enc_len = 0;
    for (;;) {
        pb_val_t v;
        bool done;
        if (rd_field(&r, &v, &done, err) < 0)
            return -1;
        if (done)
            break;
        if (v.num > 4)
            continue;
        if (v.wt != WT_LEN)
            return malformed(err, "wrong wire type in the envelope");
        if (v.num == 1)
            tm = v.data, tm_len = v.len;
        else if (v.num == 2)
            raw = v.data, raw_len = v.len;
        else if (v.num == 3)
            enc_len = v.len;
    }

    const uint8_t *s;
    size_t l;
    _cleanup_free_ char *api_version = NULL, *kind = NULL;
    if (wrapped_bytes(tm, tm_len, 1, &s, &l, err) < 0 || envelope_str(s, l, &api_version, err) < 0)
        return -1;
    if (wrapped_bytes(tm, tm_len, 2, &s, &l, err) < 0 || envelope_str(s, l, &kind, err) < 0)
        return -1;
    if (!kind[0])
        return cube_err_badrequest(err, "Object 'Kind' is missing in the protobuf body");
    if (!api_version[0])
        return cube_err_badrequest(err, "Object 'apiVersion' is missing in the protobuf body");
    if (enc_len)
        return cube_err_set(err, 415, "UnsupportedMediaType",
                            "protobuf bodies with a content encoding are not supported");

    uint16_t id;
    if (strcmp(kind, "DeleteOptions") == 0) {
        id = delete_options_msg(); /* registered in every group version */
    } else {
        char *slash = strchr(api_version, '/');
        _cleanup_free_ char *group =
            xstrndup(api_version, slash ? (size_t)(slash - api_version) : 0);
        const pb_type_t *t = type_find(group, slash ? slash + 1 : api_version, kind);
        if (!t)
            return cube_err_set(err, 415, "UnsupportedMediaType",
                                "the protobuf encoding of %s, %s is not supported; use JSON",
                                api_version, kind);
        id = t->msg;
    }

    json_auto_t *obj = json_object();
    json_object_set_new(obj, "kind", json_string(kind));
    json_object_set_new(obj, "apiVersion", json_string(api_version));
    if (decode_msg(msg_get(id), raw, raw ? raw_len : 0, obj, 0, err) < 0)
        return -1;
    *ret = TAKE_PTR(obj);
    return 0;
}

/* ---- tables ------------------------------------------------------------- */

/*
 * Generated from kubectl v1.32's embedded descriptors (see the top of the
 * file); one enum constant per message, rows sorted by field number.
 */
// clang-format off
enum {
    M_META_V1_OBJECTMETA_LABELSENTRY,
    M_META_V1_OBJECTMETA_ANNOTATIONSENTRY,
    M_META_V1_OWNERREFERENCE,
    M_META_V1_MANAGEDFIELDSENTRY,
    M_META_V1_OBJECTMETA,
    M_APPS_V1_CONTROLLERREVISION,
    M_META_V1_LABELSELECTOR_MATCHLABELSENTRY,
    M_META_V1_LABELSELECTORREQUIREMENT,
    M_META_V1_LABELSELECTOR,
    M_CORE_V1_HOSTPATHVOLUMESOURCE,
    M_CORE_V1_EMPTYDIRVOLUMESOURCE,
    M_CORE_V1_GCEPERSISTENTDISKVOLUMESOURCE,
    M_CORE_V1_AWSELASTICBLOCKSTOREVOLUMESOURCE,
    M_CORE_V1_GITREPOVOLUMESOURCE,
    M_CORE_V1_KEYTOPATH,
    M_CORE_V1_SECRETVOLUMESOURCE,
    M_CORE_V1_NFSVOLUMESOURCE,
    M_CORE_V1_LOCALOBJECTREFERENCE,
    M_CORE_V1_ISCSIVOLUMESOURCE,
    M_CORE_V1_GLUSTERFSVOLUMESOURCE,
    M_CORE_V1_PERSISTENTVOLUMECLAIMVOLUMESOURCE,
    M_CORE_V1_RBDVOLUMESOURCE,
    M_CORE_V1_FLEXVOLUMESOURCE_OPTIONSENTRY,
    M_CORE_V1_FLEXVOLUMESOURCE,
    M_CORE_V1_CINDERVOLUMESOURCE,
    M_CORE_V1_CEPHFSVOLUMESOURCE,
    M_CORE_V1_FLOCKERVOLUMESOURCE,
    M_CORE_V1_OBJECTFIELDSELECTOR,
    M_CORE_V1_RESOURCEFIELDSELECTOR,
    M_CORE_V1_DOWNWARDAPIVOLUMEFILE,
    M_CORE_V1_DOWNWARDAPIVOLUMESOURCE,
    M_CORE_V1_FCVOLUMESOURCE,
    M_CORE_V1_AZUREFILEVOLUMESOURCE,
    M_CORE_V1_CONFIGMAPVOLUMESOURCE,
    M_CORE_V1_VSPHEREVIRTUALDISKVOLUMESOURCE,
    M_CORE_V1_QUOBYTEVOLUMESOURCE,
    M_CORE_V1_AZUREDISKVOLUMESOURCE,
    M_CORE_V1_PHOTONPERSISTENTDISKVOLUMESOURCE,
    M_CORE_V1_SECRETPROJECTION,
    M_CORE_V1_DOWNWARDAPIPROJECTION,
    M_CORE_V1_CONFIGMAPPROJECTION,
    M_CORE_V1_SERVICEACCOUNTTOKENPROJECTION,
    M_CORE_V1_CLUSTERTRUSTBUNDLEPROJECTION,
    M_CORE_V1_VOLUMEPROJECTION,
    M_CORE_V1_PROJECTEDVOLUMESOURCE,
    M_CORE_V1_PORTWORXVOLUMESOURCE,
    M_CORE_V1_SCALEIOVOLUMESOURCE,
    M_CORE_V1_STORAGEOSVOLUMESOURCE,
    M_CORE_V1_CSIVOLUMESOURCE_VOLUMEATTRIBUTESENTRY,
    M_CORE_V1_CSIVOLUMESOURCE,
    M_CORE_V1_VOLUMERESOURCEREQUIREMENTS_LIMITSENTRY,
    M_CORE_V1_VOLUMERESOURCEREQUIREMENTS_REQUESTSENTRY,
    M_CORE_V1_VOLUMERESOURCEREQUIREMENTS,
    M_CORE_V1_TYPEDLOCALOBJECTREFERENCE,
    M_CORE_V1_TYPEDOBJECTREFERENCE,
    M_CORE_V1_PERSISTENTVOLUMECLAIMSPEC,
    M_CORE_V1_PERSISTENTVOLUMECLAIMTEMPLATE,
    M_CORE_V1_EPHEMERALVOLUMESOURCE,
    M_CORE_V1_IMAGEVOLUMESOURCE,
    M_CORE_V1_VOLUMESOURCE,
    M_CORE_V1_VOLUME,
    M_CORE_V1_CONTAINERPORT,
    M_CORE_V1_CONFIGMAPENVSOURCE,
    M_CORE_V1_SECRETENVSOURCE,
    M_CORE_V1_ENVFROMSOURCE,
    M_CORE_V1_CONFIGMAPKEYSELECTOR,
    M_CORE_V1_SECRETKEYSELECTOR,
    M_CORE_V1_ENVVARSOURCE,
    M_CORE_V1_ENVVAR,
    M_CORE_V1_RESOURCEREQUIREMENTS_LIMITSENTRY,
    M_CORE_V1_RESOURCEREQUIREMENTS_REQUESTSENTRY,
    M_CORE_V1_RESOURCECLAIM,
    M_CORE_V1_RESOURCEREQUIREMENTS,
    M_CORE_V1_CONTAINERRESIZEPOLICY,
    M_CORE_V1_VOLUMEMOUNT,
    M_CORE_V1_VOLUMEDEVICE,
    M_CORE_V1_EXECACTION,
    M_CORE_V1_HTTPHEADER,
    M_CORE_V1_HTTPGETACTION,
    M_CORE_V1_TCPSOCKETACTION,
    M_CORE_V1_GRPCACTION,
    M_CORE_V1_PROBEHANDLER,
    M_CORE_V1_PROBE,
    M_CORE_V1_SLEEPACTION,
    M_CORE_V1_LIFECYCLEHANDLER,
    M_CORE_V1_LIFECYCLE,
    M_CORE_V1_CAPABILITIES,
    M_CORE_V1_SELINUXOPTIONS,
    M_CORE_V1_WINDOWSSECURITYCONTEXTOPTIONS,
    M_CORE_V1_SECCOMPPROFILE,
    M_CORE_V1_APPARMORPROFILE,
    M_CORE_V1_SECURITYCONTEXT,
    M_CORE_V1_CONTAINER,
    M_CORE_V1_EPHEMERALCONTAINERCOMMON,
    M_CORE_V1_EPHEMERALCONTAINER,
    M_CORE_V1_PODSPEC_NODESELECTORENTRY,
    M_CORE_V1_SYSCTL,
    M_CORE_V1_PODSECURITYCONTEXT,
    M_CORE_V1_NODESELECTORREQUIREMENT,
    M_CORE_V1_NODESELECTORTERM,
    M_CORE_V1_NODESELECTOR,
    M_CORE_V1_PREFERREDSCHEDULINGTERM,
    M_CORE_V1_NODEAFFINITY,
    M_CORE_V1_PODAFFINITYTERM,
    M_CORE_V1_WEIGHTEDPODAFFINITYTERM,
    M_CORE_V1_PODAFFINITY,
    M_CORE_V1_PODANTIAFFINITY,
    M_CORE_V1_AFFINITY,
    M_CORE_V1_TOLERATION,
    M_CORE_V1_HOSTALIAS,
    M_CORE_V1_PODDNSCONFIGOPTION,
    M_CORE_V1_PODDNSCONFIG,
    M_CORE_V1_PODREADINESSGATE,
    M_CORE_V1_PODSPEC_OVERHEADENTRY,
    M_CORE_V1_TOPOLOGYSPREADCONSTRAINT,
    M_CORE_V1_PODOS,
    M_CORE_V1_PODSCHEDULINGGATE,
    M_CORE_V1_PODRESOURCECLAIM,
    M_CORE_V1_PODSPEC,
    M_CORE_V1_PODTEMPLATESPEC,
    M_APPS_V1_ROLLINGUPDATEDAEMONSET,
    M_APPS_V1_DAEMONSETUPDATESTRATEGY,
    M_APPS_V1_DAEMONSETSPEC,
    M_APPS_V1_DAEMONSETCONDITION,
    M_APPS_V1_DAEMONSETSTATUS,
    M_APPS_V1_DAEMONSET,
    M_APPS_V1_ROLLINGUPDATEDEPLOYMENT,
    M_APPS_V1_DEPLOYMENTSTRATEGY,
    M_APPS_V1_DEPLOYMENTSPEC,
    M_APPS_V1_DEPLOYMENTCONDITION,
    M_APPS_V1_DEPLOYMENTSTATUS,
    M_APPS_V1_DEPLOYMENT,
    M_APPS_V1_REPLICASETSPEC,
    M_APPS_V1_REPLICASETCONDITION,
    M_APPS_V1_REPLICASETSTATUS,
    M_APPS_V1_REPLICASET,
    M_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_CAPACITYENTRY,
    M_CORE_V1_PERSISTENTVOLUMECLAIMCONDITION,
    M_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_ALLOCATEDRESOURCESENTRY,
    M_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_ALLOCATEDRESOURCESTATUSESENTRY,
    M_CORE_V1_MODIFYVOLUMESTATUS,
    M_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS,
    M_CORE_V1_PERSISTENTVOLUMECLAIM,
    M_APPS_V1_ROLLINGUPDATESTATEFULSETSTRATEGY,
    M_APPS_V1_STATEFULSETUPDATESTRATEGY,
    M_APPS_V1_STATEFULSETPERSISTENTVOLUMECLAIMRETENTIONPOLICY,
    M_APPS_V1_STATEFULSETORDINALS,
    M_APPS_V1_STATEFULSETSPEC,
    M_APPS_V1_STATEFULSETCONDITION,
    M_APPS_V1_STATEFULSETSTATUS,
    M_APPS_V1_STATEFULSET,
    M_AUTHENTICATION_V1_EXTRAVALUE,
    M_AUTHENTICATION_V1_USERINFO_EXTRAENTRY,
    M_AUTHENTICATION_V1_USERINFO,
    M_AUTHENTICATION_V1_SELFSUBJECTREVIEWSTATUS,
    M_AUTHENTICATION_V1_SELFSUBJECTREVIEW,
    M_AUTHENTICATION_V1_BOUNDOBJECTREFERENCE,
    M_AUTHENTICATION_V1_TOKENREQUESTSPEC,
    M_AUTHENTICATION_V1_TOKENREQUESTSTATUS,
    M_AUTHENTICATION_V1_TOKENREQUEST,
    M_AUTHENTICATION_V1_TOKENREVIEWSPEC,
    M_AUTHENTICATION_V1_TOKENREVIEWSTATUS,
    M_AUTHENTICATION_V1_TOKENREVIEW,
    M_META_V1_FIELDSELECTORREQUIREMENT,
    M_AUTHORIZATION_V1_FIELDSELECTORATTRIBUTES,
    M_AUTHORIZATION_V1_LABELSELECTORATTRIBUTES,
    M_AUTHORIZATION_V1_RESOURCEATTRIBUTES,
    M_AUTHORIZATION_V1_NONRESOURCEATTRIBUTES,
    M_AUTHORIZATION_V1_EXTRAVALUE,
    M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC_EXTRAENTRY,
    M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC,
    M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSTATUS,
    M_AUTHORIZATION_V1_LOCALSUBJECTACCESSREVIEW,
    M_AUTHORIZATION_V1_SELFSUBJECTACCESSREVIEWSPEC,
    M_AUTHORIZATION_V1_SELFSUBJECTACCESSREVIEW,
    M_AUTHORIZATION_V1_SELFSUBJECTRULESREVIEWSPEC,
    M_AUTHORIZATION_V1_RESOURCERULE,
    M_AUTHORIZATION_V1_NONRESOURCERULE,
    M_AUTHORIZATION_V1_SUBJECTRULESREVIEWSTATUS,
    M_AUTHORIZATION_V1_SELFSUBJECTRULESREVIEW,
    M_AUTHORIZATION_V1_SUBJECTACCESSREVIEW,
    M_AUTOSCALING_V1_CROSSVERSIONOBJECTREFERENCE,
    M_AUTOSCALING_V1_HORIZONTALPODAUTOSCALERSPEC,
    M_AUTOSCALING_V1_HORIZONTALPODAUTOSCALERSTATUS,
    M_AUTOSCALING_V1_HORIZONTALPODAUTOSCALER,
    M_AUTOSCALING_V1_SCALESPEC,
    M_AUTOSCALING_V1_SCALESTATUS,
    M_AUTOSCALING_V1_SCALE,
    M_AUTOSCALING_V2_CROSSVERSIONOBJECTREFERENCE,
    M_AUTOSCALING_V2_METRICTARGET,
    M_AUTOSCALING_V2_METRICIDENTIFIER,
    M_AUTOSCALING_V2_OBJECTMETRICSOURCE,
    M_AUTOSCALING_V2_PODSMETRICSOURCE,
    M_AUTOSCALING_V2_RESOURCEMETRICSOURCE,
    M_AUTOSCALING_V2_CONTAINERRESOURCEMETRICSOURCE,
    M_AUTOSCALING_V2_EXTERNALMETRICSOURCE,
    M_AUTOSCALING_V2_METRICSPEC,
    M_AUTOSCALING_V2_HPASCALINGPOLICY,
    M_AUTOSCALING_V2_HPASCALINGRULES,
    M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERBEHAVIOR,
    M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERSPEC,
    M_AUTOSCALING_V2_METRICVALUESTATUS,
    M_AUTOSCALING_V2_OBJECTMETRICSTATUS,
    M_AUTOSCALING_V2_PODSMETRICSTATUS,
    M_AUTOSCALING_V2_RESOURCEMETRICSTATUS,
    M_AUTOSCALING_V2_CONTAINERRESOURCEMETRICSTATUS,
    M_AUTOSCALING_V2_EXTERNALMETRICSTATUS,
    M_AUTOSCALING_V2_METRICSTATUS,
    M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERCONDITION,
    M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERSTATUS,
    M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALER,
    M_BATCH_V1_PODFAILUREPOLICYONEXITCODESREQUIREMENT,
    M_BATCH_V1_PODFAILUREPOLICYONPODCONDITIONSPATTERN,
    M_BATCH_V1_PODFAILUREPOLICYRULE,
    M_BATCH_V1_PODFAILUREPOLICY,
    M_BATCH_V1_SUCCESSPOLICYRULE,
    M_BATCH_V1_SUCCESSPOLICY,
    M_BATCH_V1_JOBSPEC,
    M_BATCH_V1_JOBTEMPLATESPEC,
    M_BATCH_V1_CRONJOBSPEC,
    M_CORE_V1_OBJECTREFERENCE,
    M_BATCH_V1_CRONJOBSTATUS,
    M_BATCH_V1_CRONJOB,
    M_BATCH_V1_JOBCONDITION,
    M_BATCH_V1_UNCOUNTEDTERMINATEDPODS,
    M_BATCH_V1_JOBSTATUS,
    M_BATCH_V1_JOB,
    M_COORDINATION_V1_LEASESPEC,
    M_COORDINATION_V1_LEASE,
    M_CORE_V1_BINDING,
    M_CORE_V1_COMPONENTCONDITION,
    M_CORE_V1_COMPONENTSTATUS,
    M_CORE_V1_CONFIGMAP_DATAENTRY,
    M_CORE_V1_CONFIGMAP_BINARYDATAENTRY,
    M_CORE_V1_CONFIGMAP,
    M_CORE_V1_ENDPOINTADDRESS,
    M_CORE_V1_ENDPOINTPORT,
    M_CORE_V1_ENDPOINTSUBSET,
    M_CORE_V1_ENDPOINTS,
    M_CORE_V1_EVENTSOURCE,
    M_CORE_V1_EVENTSERIES,
    M_CORE_V1_EVENT,
    M_CORE_V1_LIMITRANGEITEM_MAXENTRY,
    M_CORE_V1_LIMITRANGEITEM_MINENTRY,
    M_CORE_V1_LIMITRANGEITEM_DEFAULTENTRY,
    M_CORE_V1_LIMITRANGEITEM_DEFAULTREQUESTENTRY,
    M_CORE_V1_LIMITRANGEITEM_MAXLIMITREQUESTRATIOENTRY,
    M_CORE_V1_LIMITRANGEITEM,
    M_CORE_V1_LIMITRANGESPEC,
    M_CORE_V1_LIMITRANGE,
    M_CORE_V1_NAMESPACESPEC,
    M_CORE_V1_NAMESPACECONDITION,
    M_CORE_V1_NAMESPACESTATUS,
    M_CORE_V1_NAMESPACE,
    M_CORE_V1_TAINT,
    M_CORE_V1_CONFIGMAPNODECONFIGSOURCE,
    M_CORE_V1_NODECONFIGSOURCE,
    M_CORE_V1_NODESPEC,
    M_CORE_V1_NODESTATUS_CAPACITYENTRY,
    M_CORE_V1_NODESTATUS_ALLOCATABLEENTRY,
    M_CORE_V1_NODECONDITION,
    M_CORE_V1_NODEADDRESS,
    M_CORE_V1_DAEMONENDPOINT,
    M_CORE_V1_NODEDAEMONENDPOINTS,
    M_CORE_V1_NODESYSTEMINFO,
    M_CORE_V1_CONTAINERIMAGE,
    M_CORE_V1_ATTACHEDVOLUME,
    M_CORE_V1_NODECONFIGSTATUS,
    M_CORE_V1_NODERUNTIMEHANDLERFEATURES,
    M_CORE_V1_NODERUNTIMEHANDLER,
    M_CORE_V1_NODEFEATURES,
    M_CORE_V1_NODESTATUS,
    M_CORE_V1_NODE,
    M_CORE_V1_PERSISTENTVOLUMESPEC_CAPACITYENTRY,
    M_CORE_V1_GLUSTERFSPERSISTENTVOLUMESOURCE,
    M_CORE_V1_SECRETREFERENCE,
    M_CORE_V1_RBDPERSISTENTVOLUMESOURCE,
    M_CORE_V1_ISCSIPERSISTENTVOLUMESOURCE,
    M_CORE_V1_CINDERPERSISTENTVOLUMESOURCE,
    M_CORE_V1_CEPHFSPERSISTENTVOLUMESOURCE,
    M_CORE_V1_FLEXPERSISTENTVOLUMESOURCE_OPTIONSENTRY,
    M_CORE_V1_FLEXPERSISTENTVOLUMESOURCE,
    M_CORE_V1_AZUREFILEPERSISTENTVOLUMESOURCE,
    M_CORE_V1_SCALEIOPERSISTENTVOLUMESOURCE,
    M_CORE_V1_LOCALVOLUMESOURCE,
    M_CORE_V1_STORAGEOSPERSISTENTVOLUMESOURCE,
    M_CORE_V1_CSIPERSISTENTVOLUMESOURCE_VOLUMEATTRIBUTESENTRY,
    M_CORE_V1_CSIPERSISTENTVOLUMESOURCE,
    M_CORE_V1_PERSISTENTVOLUMESOURCE,
    M_CORE_V1_VOLUMENODEAFFINITY,
    M_CORE_V1_PERSISTENTVOLUMESPEC,
    M_CORE_V1_PERSISTENTVOLUMESTATUS,
    M_CORE_V1_PERSISTENTVOLUME,
    M_CORE_V1_PODCONDITION,
    M_CORE_V1_HOSTIP,
    M_CORE_V1_PODIP,
    M_CORE_V1_CONTAINERSTATEWAITING,
    M_CORE_V1_CONTAINERSTATERUNNING,
    M_CORE_V1_CONTAINERSTATETERMINATED,
    M_CORE_V1_CONTAINERSTATE,
    M_CORE_V1_CONTAINERSTATUS_ALLOCATEDRESOURCESENTRY,
    M_CORE_V1_VOLUMEMOUNTSTATUS,
    M_CORE_V1_LINUXCONTAINERUSER,
    M_CORE_V1_CONTAINERUSER,
    M_CORE_V1_RESOURCEHEALTH,
    M_CORE_V1_RESOURCESTATUS,
    M_CORE_V1_CONTAINERSTATUS,
    M_CORE_V1_PODRESOURCECLAIMSTATUS,
    M_CORE_V1_PODSTATUS,
    M_CORE_V1_POD,
    M_CORE_V1_PODSTATUSRESULT,
    M_CORE_V1_PODTEMPLATE,
    M_CORE_V1_RANGEALLOCATION,
    M_CORE_V1_REPLICATIONCONTROLLERSPEC_SELECTORENTRY,
    M_CORE_V1_REPLICATIONCONTROLLERSPEC,
    M_CORE_V1_REPLICATIONCONTROLLERCONDITION,
    M_CORE_V1_REPLICATIONCONTROLLERSTATUS,
    M_CORE_V1_REPLICATIONCONTROLLER,
    M_CORE_V1_RESOURCEQUOTASPEC_HARDENTRY,
    M_CORE_V1_SCOPEDRESOURCESELECTORREQUIREMENT,
    M_CORE_V1_SCOPESELECTOR,
    M_CORE_V1_RESOURCEQUOTASPEC,
    M_CORE_V1_RESOURCEQUOTASTATUS_HARDENTRY,
    M_CORE_V1_RESOURCEQUOTASTATUS_USEDENTRY,
    M_CORE_V1_RESOURCEQUOTASTATUS,
    M_CORE_V1_RESOURCEQUOTA,
    M_CORE_V1_SECRET_DATAENTRY,
    M_CORE_V1_SECRET_STRINGDATAENTRY,
    M_CORE_V1_SECRET,
    M_CORE_V1_SERVICEPORT,
    M_CORE_V1_SERVICESPEC_SELECTORENTRY,
    M_CORE_V1_CLIENTIPCONFIG,
    M_CORE_V1_SESSIONAFFINITYCONFIG,
    M_CORE_V1_SERVICESPEC,
    M_CORE_V1_PORTSTATUS,
    M_CORE_V1_LOADBALANCERINGRESS,
    M_CORE_V1_LOADBALANCERSTATUS,
    M_META_V1_CONDITION,
    M_CORE_V1_SERVICESTATUS,
    M_CORE_V1_SERVICE,
    M_CORE_V1_SERVICEACCOUNT,
    M_DISCOVERY_V1_ENDPOINTCONDITIONS,
    M_DISCOVERY_V1_ENDPOINT_DEPRECATEDTOPOLOGYENTRY,
    M_DISCOVERY_V1_FORZONE,
    M_DISCOVERY_V1_ENDPOINTHINTS,
    M_DISCOVERY_V1_ENDPOINT,
    M_DISCOVERY_V1_ENDPOINTPORT,
    M_DISCOVERY_V1_ENDPOINTSLICE,
    M_EVENTS_V1_EVENTSERIES,
    M_EVENTS_V1_EVENT,
    M_NETWORKING_V1_SERVICEBACKENDPORT,
    M_NETWORKING_V1_INGRESSSERVICEBACKEND,
    M_NETWORKING_V1_INGRESSBACKEND,
    M_NETWORKING_V1_INGRESSTLS,
    M_NETWORKING_V1_HTTPINGRESSPATH,
    M_NETWORKING_V1_HTTPINGRESSRULEVALUE,
    M_NETWORKING_V1_INGRESSRULEVALUE,
    M_NETWORKING_V1_INGRESSRULE,
    M_NETWORKING_V1_INGRESSSPEC,
    M_NETWORKING_V1_INGRESSPORTSTATUS,
    M_NETWORKING_V1_INGRESSLOADBALANCERINGRESS,
    M_NETWORKING_V1_INGRESSLOADBALANCERSTATUS,
    M_NETWORKING_V1_INGRESSSTATUS,
    M_NETWORKING_V1_INGRESS,
    M_NETWORKING_V1_INGRESSCLASSPARAMETERSREFERENCE,
    M_NETWORKING_V1_INGRESSCLASSSPEC,
    M_NETWORKING_V1_INGRESSCLASS,
    M_NETWORKING_V1_NETWORKPOLICYPORT,
    M_NETWORKING_V1_IPBLOCK,
    M_NETWORKING_V1_NETWORKPOLICYPEER,
    M_NETWORKING_V1_NETWORKPOLICYINGRESSRULE,
    M_NETWORKING_V1_NETWORKPOLICYEGRESSRULE,
    M_NETWORKING_V1_NETWORKPOLICYSPEC,
    M_NETWORKING_V1_NETWORKPOLICY,
    M_META_V1_PRECONDITIONS,
    M_META_V1_DELETEOPTIONS,
    M_POLICY_V1_EVICTION,
    M_POLICY_V1_PODDISRUPTIONBUDGETSPEC,
    M_POLICY_V1_PODDISRUPTIONBUDGETSTATUS_DISRUPTEDPODSENTRY,
    M_POLICY_V1_PODDISRUPTIONBUDGETSTATUS,
    M_POLICY_V1_PODDISRUPTIONBUDGET,
    M_RBAC_V1_POLICYRULE,
    M_RBAC_V1_AGGREGATIONRULE,
    M_RBAC_V1_CLUSTERROLE,
    M_RBAC_V1_SUBJECT,
    M_RBAC_V1_ROLEREF,
    M_RBAC_V1_CLUSTERROLEBINDING,
    M_RBAC_V1_ROLE,
    M_RBAC_V1_ROLEBINDING,
    M_SCHEDULING_V1_PRIORITYCLASS,
    M_STORAGE_V1_TOKENREQUEST,
    M_STORAGE_V1_CSIDRIVERSPEC,
    M_STORAGE_V1_CSIDRIVER,
    M_STORAGE_V1_VOLUMENODERESOURCES,
    M_STORAGE_V1_CSINODEDRIVER,
    M_STORAGE_V1_CSINODESPEC,
    M_STORAGE_V1_CSINODE,
    M_STORAGE_V1_CSISTORAGECAPACITY,
    M_STORAGE_V1_STORAGECLASS_PARAMETERSENTRY,
    M_CORE_V1_TOPOLOGYSELECTORLABELREQUIREMENT,
    M_CORE_V1_TOPOLOGYSELECTORTERM,
    M_STORAGE_V1_STORAGECLASS,
    M_STORAGE_V1_VOLUMEATTACHMENTSOURCE,
    M_STORAGE_V1_VOLUMEATTACHMENTSPEC,
    M_STORAGE_V1_VOLUMEATTACHMENTSTATUS_ATTACHMENTMETADATAENTRY,
    M_STORAGE_V1_VOLUMEERROR,
    M_STORAGE_V1_VOLUMEATTACHMENTSTATUS,
    M_STORAGE_V1_VOLUMEATTACHMENT,
    M__COUNT,
};

static const pb_field_t F_META_V1_OBJECTMETA_LABELSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_META_V1_OBJECTMETA_ANNOTATIONSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_META_V1_OWNERREFERENCE[] = {
    {1, K_STRING, 0, 0, "kind"},
    {3, K_STRING, 0, 0, "name"},
    {4, K_STRING, 0, 0, "uid"},
    {5, K_STRING, 0, 0, "apiVersion"},
    {6, K_BOOL, KEEP, 0, "controller"},
    {7, K_BOOL, KEEP, 0, "blockOwnerDeletion"},
};
static const pb_field_t F_META_V1_MANAGEDFIELDSENTRY[] = {
    {1, K_STRING, 0, 0, "manager"},
    {2, K_STRING, 0, 0, "operation"},
    {3, K_STRING, 0, 0, "apiVersion"},
    {4, K_TIME, KEEP, 0, "time"},
    {6, K_STRING, 0, 0, "fieldsType"},
    {7, K_RAWJSON, 0, 0, "fieldsV1"},
    {8, K_STRING, 0, 0, "subresource"},
};
static const pb_field_t F_META_V1_OBJECTMETA[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "generateName"},
    {3, K_STRING, 0, 0, "namespace"},
    {4, K_STRING, 0, 0, "selfLink"},
    {5, K_STRING, 0, 0, "uid"},
    {6, K_STRING, 0, 0, "resourceVersion"},
    {7, K_INT64, 0, 0, "generation"},
    {8, K_TIME, 0, 0, "creationTimestamp"},
    {9, K_TIME, KEEP, 0, "deletionTimestamp"},
    {10, K_INT64, KEEP, 0, "deletionGracePeriodSeconds"},
    {11, K_MAP, 0, M_META_V1_OBJECTMETA_LABELSENTRY, "labels"},
    {12, K_MAP, 0, M_META_V1_OBJECTMETA_ANNOTATIONSENTRY, "annotations"},
    {13, K_MSG, REP, M_META_V1_OWNERREFERENCE, "ownerReferences"},
    {14, K_STRING, REP, 0, "finalizers"},
    {17, K_MSG, REP, M_META_V1_MANAGEDFIELDSENTRY, "managedFields"},
};
static const pb_field_t F_APPS_V1_CONTROLLERREVISION[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_RAWJSON, 0, 0, "data"},
    {3, K_INT64, KEEP, 0, "revision"},
};
static const pb_field_t F_META_V1_LABELSELECTOR_MATCHLABELSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_META_V1_LABELSELECTORREQUIREMENT[] = {
    {1, K_STRING, 0, 0, "key"},
    {2, K_STRING, 0, 0, "operator"},
    {3, K_STRING, REP, 0, "values"},
};
static const pb_field_t F_META_V1_LABELSELECTOR[] = {
    {1, K_MAP, 0, M_META_V1_LABELSELECTOR_MATCHLABELSENTRY, "matchLabels"},
    {2, K_MSG, REP, M_META_V1_LABELSELECTORREQUIREMENT, "matchExpressions"},
};
static const pb_field_t F_CORE_V1_HOSTPATHVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "path"},
    {2, K_STRING, KEEP, 0, "type"},
};
static const pb_field_t F_CORE_V1_EMPTYDIRVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "medium"},
    {2, K_QUANTITY, KEEP, 0, "sizeLimit"},
};
static const pb_field_t F_CORE_V1_GCEPERSISTENTDISKVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "pdName"},
    {2, K_STRING, 0, 0, "fsType"},
    {3, K_INT32, 0, 0, "partition"},
    {4, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_AWSELASTICBLOCKSTOREVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "volumeID"},
    {2, K_STRING, 0, 0, "fsType"},
    {3, K_INT32, 0, 0, "partition"},
    {4, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_GITREPOVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "repository"},
    {2, K_STRING, 0, 0, "revision"},
    {3, K_STRING, 0, 0, "directory"},
};
static const pb_field_t F_CORE_V1_KEYTOPATH[] = {
    {1, K_STRING, 0, 0, "key"},
    {2, K_STRING, 0, 0, "path"},
    {3, K_INT32, KEEP, 0, "mode"},
};
static const pb_field_t F_CORE_V1_SECRETVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "secretName"},
    {2, K_MSG, REP, M_CORE_V1_KEYTOPATH, "items"},
    {3, K_INT32, KEEP, 0, "defaultMode"},
    {4, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_NFSVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "server"},
    {2, K_STRING, 0, 0, "path"},
    {3, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_LOCALOBJECTREFERENCE[] = {
    {1, K_STRING, 0, 0, "name"},
};
static const pb_field_t F_CORE_V1_ISCSIVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "targetPortal"},
    {2, K_STRING, 0, 0, "iqn"},
    {3, K_INT32, KEEP, 0, "lun"},
    {4, K_STRING, 0, 0, "iscsiInterface"},
    {5, K_STRING, 0, 0, "fsType"},
    {6, K_BOOL, 0, 0, "readOnly"},
    {7, K_STRING, REP, 0, "portals"},
    {8, K_BOOL, 0, 0, "chapAuthDiscovery"},
    {10, K_MSG, 0, M_CORE_V1_LOCALOBJECTREFERENCE, "secretRef"},
    {11, K_BOOL, 0, 0, "chapAuthSession"},
    {12, K_STRING, KEEP, 0, "initiatorName"},
};
static const pb_field_t F_CORE_V1_GLUSTERFSVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "endpoints"},
    {2, K_STRING, 0, 0, "path"},
    {3, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIMVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "claimName"},
    {2, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_RBDVOLUMESOURCE[] = {
    {1, K_STRING, REP, 0, "monitors"},
    {2, K_STRING, 0, 0, "image"},
    {3, K_STRING, 0, 0, "fsType"},
    {4, K_STRING, 0, 0, "pool"},
    {5, K_STRING, 0, 0, "user"},
    {6, K_STRING, 0, 0, "keyring"},
    {7, K_MSG, 0, M_CORE_V1_LOCALOBJECTREFERENCE, "secretRef"},
    {8, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_FLEXVOLUMESOURCE_OPTIONSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_FLEXVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "driver"},
    {2, K_STRING, 0, 0, "fsType"},
    {3, K_MSG, 0, M_CORE_V1_LOCALOBJECTREFERENCE, "secretRef"},
    {4, K_BOOL, 0, 0, "readOnly"},
    {5, K_MAP, 0, M_CORE_V1_FLEXVOLUMESOURCE_OPTIONSENTRY, "options"},
};
static const pb_field_t F_CORE_V1_CINDERVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "volumeID"},
    {2, K_STRING, 0, 0, "fsType"},
    {3, K_BOOL, 0, 0, "readOnly"},
    {4, K_MSG, 0, M_CORE_V1_LOCALOBJECTREFERENCE, "secretRef"},
};
static const pb_field_t F_CORE_V1_CEPHFSVOLUMESOURCE[] = {
    {1, K_STRING, REP, 0, "monitors"},
    {2, K_STRING, 0, 0, "path"},
    {3, K_STRING, 0, 0, "user"},
    {4, K_STRING, 0, 0, "secretFile"},
    {5, K_MSG, 0, M_CORE_V1_LOCALOBJECTREFERENCE, "secretRef"},
    {6, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_FLOCKERVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "datasetName"},
    {2, K_STRING, 0, 0, "datasetUUID"},
};
static const pb_field_t F_CORE_V1_OBJECTFIELDSELECTOR[] = {
    {1, K_STRING, 0, 0, "apiVersion"},
    {2, K_STRING, 0, 0, "fieldPath"},
};
static const pb_field_t F_CORE_V1_RESOURCEFIELDSELECTOR[] = {
    {1, K_STRING, 0, 0, "containerName"},
    {2, K_STRING, 0, 0, "resource"},
    {3, K_QUANTITY, 0, 0, "divisor"},
};
static const pb_field_t F_CORE_V1_DOWNWARDAPIVOLUMEFILE[] = {
    {1, K_STRING, 0, 0, "path"},
    {2, K_MSG, 0, M_CORE_V1_OBJECTFIELDSELECTOR, "fieldRef"},
    {3, K_MSG, 0, M_CORE_V1_RESOURCEFIELDSELECTOR, "resourceFieldRef"},
    {4, K_INT32, KEEP, 0, "mode"},
};
static const pb_field_t F_CORE_V1_DOWNWARDAPIVOLUMESOURCE[] = {
    {1, K_MSG, REP, M_CORE_V1_DOWNWARDAPIVOLUMEFILE, "items"},
    {2, K_INT32, KEEP, 0, "defaultMode"},
};
static const pb_field_t F_CORE_V1_FCVOLUMESOURCE[] = {
    {1, K_STRING, REP, 0, "targetWWNs"},
    {2, K_INT32, KEEP, 0, "lun"},
    {3, K_STRING, 0, 0, "fsType"},
    {4, K_BOOL, 0, 0, "readOnly"},
    {5, K_STRING, REP, 0, "wwids"},
};
static const pb_field_t F_CORE_V1_AZUREFILEVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "secretName"},
    {2, K_STRING, 0, 0, "shareName"},
    {3, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_CONFIGMAPVOLUMESOURCE[] = {
    {1, K_MSG, INL, M_CORE_V1_LOCALOBJECTREFERENCE, NULL},
    {2, K_MSG, REP, M_CORE_V1_KEYTOPATH, "items"},
    {3, K_INT32, KEEP, 0, "defaultMode"},
    {4, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_VSPHEREVIRTUALDISKVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "volumePath"},
    {2, K_STRING, 0, 0, "fsType"},
    {3, K_STRING, 0, 0, "storagePolicyName"},
    {4, K_STRING, 0, 0, "storagePolicyID"},
};
static const pb_field_t F_CORE_V1_QUOBYTEVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "registry"},
    {2, K_STRING, 0, 0, "volume"},
    {3, K_BOOL, 0, 0, "readOnly"},
    {4, K_STRING, 0, 0, "user"},
    {5, K_STRING, 0, 0, "group"},
    {6, K_STRING, 0, 0, "tenant"},
};
static const pb_field_t F_CORE_V1_AZUREDISKVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "diskName"},
    {2, K_STRING, 0, 0, "diskURI"},
    {3, K_STRING, KEEP, 0, "cachingMode"},
    {4, K_STRING, KEEP, 0, "fsType"},
    {5, K_BOOL, KEEP, 0, "readOnly"},
    {6, K_STRING, KEEP, 0, "kind"},
};
static const pb_field_t F_CORE_V1_PHOTONPERSISTENTDISKVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "pdID"},
    {2, K_STRING, 0, 0, "fsType"},
};
static const pb_field_t F_CORE_V1_SECRETPROJECTION[] = {
    {1, K_MSG, INL, M_CORE_V1_LOCALOBJECTREFERENCE, NULL},
    {2, K_MSG, REP, M_CORE_V1_KEYTOPATH, "items"},
    {4, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_DOWNWARDAPIPROJECTION[] = {
    {1, K_MSG, REP, M_CORE_V1_DOWNWARDAPIVOLUMEFILE, "items"},
};
static const pb_field_t F_CORE_V1_CONFIGMAPPROJECTION[] = {
    {1, K_MSG, INL, M_CORE_V1_LOCALOBJECTREFERENCE, NULL},
    {2, K_MSG, REP, M_CORE_V1_KEYTOPATH, "items"},
    {4, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_SERVICEACCOUNTTOKENPROJECTION[] = {
    {1, K_STRING, 0, 0, "audience"},
    {2, K_INT64, KEEP, 0, "expirationSeconds"},
    {3, K_STRING, 0, 0, "path"},
};
static const pb_field_t F_CORE_V1_CLUSTERTRUSTBUNDLEPROJECTION[] = {
    {1, K_STRING, KEEP, 0, "name"},
    {2, K_STRING, KEEP, 0, "signerName"},
    {3, K_MSG, 0, M_META_V1_LABELSELECTOR, "labelSelector"},
    {4, K_STRING, 0, 0, "path"},
    {5, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_VOLUMEPROJECTION[] = {
    {1, K_MSG, 0, M_CORE_V1_SECRETPROJECTION, "secret"},
    {2, K_MSG, 0, M_CORE_V1_DOWNWARDAPIPROJECTION, "downwardAPI"},
    {3, K_MSG, 0, M_CORE_V1_CONFIGMAPPROJECTION, "configMap"},
    {4, K_MSG, 0, M_CORE_V1_SERVICEACCOUNTTOKENPROJECTION, "serviceAccountToken"},
    {5, K_MSG, 0, M_CORE_V1_CLUSTERTRUSTBUNDLEPROJECTION, "clusterTrustBundle"},
};
static const pb_field_t F_CORE_V1_PROJECTEDVOLUMESOURCE[] = {
    {1, K_MSG, REP, M_CORE_V1_VOLUMEPROJECTION, "sources"},
    {2, K_INT32, KEEP, 0, "defaultMode"},
};
static const pb_field_t F_CORE_V1_PORTWORXVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "volumeID"},
    {2, K_STRING, 0, 0, "fsType"},
    {3, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_SCALEIOVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "gateway"},
    {2, K_STRING, 0, 0, "system"},
    {3, K_MSG, 0, M_CORE_V1_LOCALOBJECTREFERENCE, "secretRef"},
    {4, K_BOOL, 0, 0, "sslEnabled"},
    {5, K_STRING, 0, 0, "protectionDomain"},
    {6, K_STRING, 0, 0, "storagePool"},
    {7, K_STRING, 0, 0, "storageMode"},
    {8, K_STRING, 0, 0, "volumeName"},
    {9, K_STRING, 0, 0, "fsType"},
    {10, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_STORAGEOSVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "volumeName"},
    {2, K_STRING, 0, 0, "volumeNamespace"},
    {3, K_STRING, 0, 0, "fsType"},
    {4, K_BOOL, 0, 0, "readOnly"},
    {5, K_MSG, 0, M_CORE_V1_LOCALOBJECTREFERENCE, "secretRef"},
};
static const pb_field_t F_CORE_V1_CSIVOLUMESOURCE_VOLUMEATTRIBUTESENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_CSIVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "driver"},
    {2, K_BOOL, KEEP, 0, "readOnly"},
    {3, K_STRING, KEEP, 0, "fsType"},
    {4, K_MAP, 0, M_CORE_V1_CSIVOLUMESOURCE_VOLUMEATTRIBUTESENTRY, "volumeAttributes"},
    {5, K_MSG, 0, M_CORE_V1_LOCALOBJECTREFERENCE, "nodePublishSecretRef"},
};
static const pb_field_t F_CORE_V1_VOLUMERESOURCEREQUIREMENTS_LIMITSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_VOLUMERESOURCEREQUIREMENTS_REQUESTSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_VOLUMERESOURCEREQUIREMENTS[] = {
    {1, K_MAP, 0, M_CORE_V1_VOLUMERESOURCEREQUIREMENTS_LIMITSENTRY, "limits"},
    {2, K_MAP, 0, M_CORE_V1_VOLUMERESOURCEREQUIREMENTS_REQUESTSENTRY, "requests"},
};
static const pb_field_t F_CORE_V1_TYPEDLOCALOBJECTREFERENCE[] = {
    {1, K_STRING, KEEP, 0, "apiGroup"},
    {2, K_STRING, 0, 0, "kind"},
    {3, K_STRING, 0, 0, "name"},
};
static const pb_field_t F_CORE_V1_TYPEDOBJECTREFERENCE[] = {
    {1, K_STRING, KEEP, 0, "apiGroup"},
    {2, K_STRING, 0, 0, "kind"},
    {3, K_STRING, 0, 0, "name"},
    {4, K_STRING, KEEP, 0, "namespace"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIMSPEC[] = {
    {1, K_STRING, REP, 0, "accessModes"},
    {2, K_MSG, 0, M_CORE_V1_VOLUMERESOURCEREQUIREMENTS, "resources"},
    {3, K_STRING, 0, 0, "volumeName"},
    {4, K_MSG, 0, M_META_V1_LABELSELECTOR, "selector"},
    {5, K_STRING, KEEP, 0, "storageClassName"},
    {6, K_STRING, KEEP, 0, "volumeMode"},
    {7, K_MSG, 0, M_CORE_V1_TYPEDLOCALOBJECTREFERENCE, "dataSource"},
    {8, K_MSG, 0, M_CORE_V1_TYPEDOBJECTREFERENCE, "dataSourceRef"},
    {9, K_STRING, KEEP, 0, "volumeAttributesClassName"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIMTEMPLATE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_PERSISTENTVOLUMECLAIMSPEC, "spec"},
};
static const pb_field_t F_CORE_V1_EPHEMERALVOLUMESOURCE[] = {
    {1, K_MSG, 0, M_CORE_V1_PERSISTENTVOLUMECLAIMTEMPLATE, "volumeClaimTemplate"},
};
static const pb_field_t F_CORE_V1_IMAGEVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "reference"},
    {2, K_STRING, 0, 0, "pullPolicy"},
};
static const pb_field_t F_CORE_V1_VOLUMESOURCE[] = {
    {1, K_MSG, 0, M_CORE_V1_HOSTPATHVOLUMESOURCE, "hostPath"},
    {2, K_MSG, 0, M_CORE_V1_EMPTYDIRVOLUMESOURCE, "emptyDir"},
    {3, K_MSG, 0, M_CORE_V1_GCEPERSISTENTDISKVOLUMESOURCE, "gcePersistentDisk"},
    {4, K_MSG, 0, M_CORE_V1_AWSELASTICBLOCKSTOREVOLUMESOURCE, "awsElasticBlockStore"},
    {5, K_MSG, 0, M_CORE_V1_GITREPOVOLUMESOURCE, "gitRepo"},
    {6, K_MSG, 0, M_CORE_V1_SECRETVOLUMESOURCE, "secret"},
    {7, K_MSG, 0, M_CORE_V1_NFSVOLUMESOURCE, "nfs"},
    {8, K_MSG, 0, M_CORE_V1_ISCSIVOLUMESOURCE, "iscsi"},
    {9, K_MSG, 0, M_CORE_V1_GLUSTERFSVOLUMESOURCE, "glusterfs"},
    {10, K_MSG, 0, M_CORE_V1_PERSISTENTVOLUMECLAIMVOLUMESOURCE, "persistentVolumeClaim"},
    {11, K_MSG, 0, M_CORE_V1_RBDVOLUMESOURCE, "rbd"},
    {12, K_MSG, 0, M_CORE_V1_FLEXVOLUMESOURCE, "flexVolume"},
    {13, K_MSG, 0, M_CORE_V1_CINDERVOLUMESOURCE, "cinder"},
    {14, K_MSG, 0, M_CORE_V1_CEPHFSVOLUMESOURCE, "cephfs"},
    {15, K_MSG, 0, M_CORE_V1_FLOCKERVOLUMESOURCE, "flocker"},
    {16, K_MSG, 0, M_CORE_V1_DOWNWARDAPIVOLUMESOURCE, "downwardAPI"},
    {17, K_MSG, 0, M_CORE_V1_FCVOLUMESOURCE, "fc"},
    {18, K_MSG, 0, M_CORE_V1_AZUREFILEVOLUMESOURCE, "azureFile"},
    {19, K_MSG, 0, M_CORE_V1_CONFIGMAPVOLUMESOURCE, "configMap"},
    {20, K_MSG, 0, M_CORE_V1_VSPHEREVIRTUALDISKVOLUMESOURCE, "vsphereVolume"},
    {21, K_MSG, 0, M_CORE_V1_QUOBYTEVOLUMESOURCE, "quobyte"},
    {22, K_MSG, 0, M_CORE_V1_AZUREDISKVOLUMESOURCE, "azureDisk"},
    {23, K_MSG, 0, M_CORE_V1_PHOTONPERSISTENTDISKVOLUMESOURCE, "photonPersistentDisk"},
    {24, K_MSG, 0, M_CORE_V1_PORTWORXVOLUMESOURCE, "portworxVolume"},
    {25, K_MSG, 0, M_CORE_V1_SCALEIOVOLUMESOURCE, "scaleIO"},
    {26, K_MSG, 0, M_CORE_V1_PROJECTEDVOLUMESOURCE, "projected"},
    {27, K_MSG, 0, M_CORE_V1_STORAGEOSVOLUMESOURCE, "storageos"},
    {28, K_MSG, 0, M_CORE_V1_CSIVOLUMESOURCE, "csi"},
    {29, K_MSG, 0, M_CORE_V1_EPHEMERALVOLUMESOURCE, "ephemeral"},
    {30, K_MSG, 0, M_CORE_V1_IMAGEVOLUMESOURCE, "image"},
};
static const pb_field_t F_CORE_V1_VOLUME[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, INL, M_CORE_V1_VOLUMESOURCE, NULL},
};
static const pb_field_t F_CORE_V1_CONTAINERPORT[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_INT32, 0, 0, "hostPort"},
    {3, K_INT32, KEEP, 0, "containerPort"},
    {4, K_STRING, 0, 0, "protocol"},
    {5, K_STRING, 0, 0, "hostIP"},
};
static const pb_field_t F_CORE_V1_CONFIGMAPENVSOURCE[] = {
    {1, K_MSG, INL, M_CORE_V1_LOCALOBJECTREFERENCE, NULL},
    {2, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_SECRETENVSOURCE[] = {
    {1, K_MSG, INL, M_CORE_V1_LOCALOBJECTREFERENCE, NULL},
    {2, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_ENVFROMSOURCE[] = {
    {1, K_STRING, 0, 0, "prefix"},
    {2, K_MSG, 0, M_CORE_V1_CONFIGMAPENVSOURCE, "configMapRef"},
    {3, K_MSG, 0, M_CORE_V1_SECRETENVSOURCE, "secretRef"},
};
static const pb_field_t F_CORE_V1_CONFIGMAPKEYSELECTOR[] = {
    {1, K_MSG, INL, M_CORE_V1_LOCALOBJECTREFERENCE, NULL},
    {2, K_STRING, 0, 0, "key"},
    {3, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_SECRETKEYSELECTOR[] = {
    {1, K_MSG, INL, M_CORE_V1_LOCALOBJECTREFERENCE, NULL},
    {2, K_STRING, 0, 0, "key"},
    {3, K_BOOL, KEEP, 0, "optional"},
};
static const pb_field_t F_CORE_V1_ENVVARSOURCE[] = {
    {1, K_MSG, 0, M_CORE_V1_OBJECTFIELDSELECTOR, "fieldRef"},
    {2, K_MSG, 0, M_CORE_V1_RESOURCEFIELDSELECTOR, "resourceFieldRef"},
    {3, K_MSG, 0, M_CORE_V1_CONFIGMAPKEYSELECTOR, "configMapKeyRef"},
    {4, K_MSG, 0, M_CORE_V1_SECRETKEYSELECTOR, "secretKeyRef"},
};
static const pb_field_t F_CORE_V1_ENVVAR[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "value"},
    {3, K_MSG, 0, M_CORE_V1_ENVVARSOURCE, "valueFrom"},
};
static const pb_field_t F_CORE_V1_RESOURCEREQUIREMENTS_LIMITSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_RESOURCEREQUIREMENTS_REQUESTSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_RESOURCECLAIM[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "request"},
};
static const pb_field_t F_CORE_V1_RESOURCEREQUIREMENTS[] = {
    {1, K_MAP, 0, M_CORE_V1_RESOURCEREQUIREMENTS_LIMITSENTRY, "limits"},
    {2, K_MAP, 0, M_CORE_V1_RESOURCEREQUIREMENTS_REQUESTSENTRY, "requests"},
    {3, K_MSG, REP, M_CORE_V1_RESOURCECLAIM, "claims"},
};
static const pb_field_t F_CORE_V1_CONTAINERRESIZEPOLICY[] = {
    {1, K_STRING, 0, 0, "resourceName"},
    {2, K_STRING, 0, 0, "restartPolicy"},
};
static const pb_field_t F_CORE_V1_VOLUMEMOUNT[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_BOOL, 0, 0, "readOnly"},
    {3, K_STRING, 0, 0, "mountPath"},
    {4, K_STRING, 0, 0, "subPath"},
    {5, K_STRING, KEEP, 0, "mountPropagation"},
    {6, K_STRING, 0, 0, "subPathExpr"},
    {7, K_STRING, KEEP, 0, "recursiveReadOnly"},
};
static const pb_field_t F_CORE_V1_VOLUMEDEVICE[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "devicePath"},
};
static const pb_field_t F_CORE_V1_EXECACTION[] = {
    {1, K_STRING, REP, 0, "command"},
};
static const pb_field_t F_CORE_V1_HTTPHEADER[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "value"},
};
static const pb_field_t F_CORE_V1_HTTPGETACTION[] = {
    {1, K_STRING, 0, 0, "path"},
    {2, K_INTORSTR, 0, 0, "port"},
    {3, K_STRING, 0, 0, "host"},
    {4, K_STRING, 0, 0, "scheme"},
    {5, K_MSG, REP, M_CORE_V1_HTTPHEADER, "httpHeaders"},
};
static const pb_field_t F_CORE_V1_TCPSOCKETACTION[] = {
    {1, K_INTORSTR, 0, 0, "port"},
    {2, K_STRING, 0, 0, "host"},
};
static const pb_field_t F_CORE_V1_GRPCACTION[] = {
    {1, K_INT32, KEEP, 0, "port"},
    {2, K_STRING, KEEP, 0, "service"},
};
static const pb_field_t F_CORE_V1_PROBEHANDLER[] = {
    {1, K_MSG, 0, M_CORE_V1_EXECACTION, "exec"},
    {2, K_MSG, 0, M_CORE_V1_HTTPGETACTION, "httpGet"},
    {3, K_MSG, 0, M_CORE_V1_TCPSOCKETACTION, "tcpSocket"},
    {4, K_MSG, 0, M_CORE_V1_GRPCACTION, "grpc"},
};
static const pb_field_t F_CORE_V1_PROBE[] = {
    {1, K_MSG, INL, M_CORE_V1_PROBEHANDLER, NULL},
    {2, K_INT32, 0, 0, "initialDelaySeconds"},
    {3, K_INT32, 0, 0, "timeoutSeconds"},
    {4, K_INT32, 0, 0, "periodSeconds"},
    {5, K_INT32, 0, 0, "successThreshold"},
    {6, K_INT32, 0, 0, "failureThreshold"},
    {7, K_INT64, KEEP, 0, "terminationGracePeriodSeconds"},
};
static const pb_field_t F_CORE_V1_SLEEPACTION[] = {
    {1, K_INT64, KEEP, 0, "seconds"},
};
static const pb_field_t F_CORE_V1_LIFECYCLEHANDLER[] = {
    {1, K_MSG, 0, M_CORE_V1_EXECACTION, "exec"},
    {2, K_MSG, 0, M_CORE_V1_HTTPGETACTION, "httpGet"},
    {3, K_MSG, 0, M_CORE_V1_TCPSOCKETACTION, "tcpSocket"},
    {4, K_MSG, 0, M_CORE_V1_SLEEPACTION, "sleep"},
};
static const pb_field_t F_CORE_V1_LIFECYCLE[] = {
    {1, K_MSG, 0, M_CORE_V1_LIFECYCLEHANDLER, "postStart"},
    {2, K_MSG, 0, M_CORE_V1_LIFECYCLEHANDLER, "preStop"},
};
static const pb_field_t F_CORE_V1_CAPABILITIES[] = {
    {1, K_STRING, REP, 0, "add"},
    {2, K_STRING, REP, 0, "drop"},
};
static const pb_field_t F_CORE_V1_SELINUXOPTIONS[] = {
    {1, K_STRING, 0, 0, "user"},
    {2, K_STRING, 0, 0, "role"},
    {3, K_STRING, 0, 0, "type"},
    {4, K_STRING, 0, 0, "level"},
};
static const pb_field_t F_CORE_V1_WINDOWSSECURITYCONTEXTOPTIONS[] = {
    {1, K_STRING, KEEP, 0, "gmsaCredentialSpecName"},
    {2, K_STRING, KEEP, 0, "gmsaCredentialSpec"},
    {3, K_STRING, KEEP, 0, "runAsUserName"},
    {4, K_BOOL, KEEP, 0, "hostProcess"},
};
static const pb_field_t F_CORE_V1_SECCOMPPROFILE[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, KEEP, 0, "localhostProfile"},
};
static const pb_field_t F_CORE_V1_APPARMORPROFILE[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, KEEP, 0, "localhostProfile"},
};
static const pb_field_t F_CORE_V1_SECURITYCONTEXT[] = {
    {1, K_MSG, 0, M_CORE_V1_CAPABILITIES, "capabilities"},
    {2, K_BOOL, KEEP, 0, "privileged"},
    {3, K_MSG, 0, M_CORE_V1_SELINUXOPTIONS, "seLinuxOptions"},
    {4, K_INT64, KEEP, 0, "runAsUser"},
    {5, K_BOOL, KEEP, 0, "runAsNonRoot"},
    {6, K_BOOL, KEEP, 0, "readOnlyRootFilesystem"},
    {7, K_BOOL, KEEP, 0, "allowPrivilegeEscalation"},
    {8, K_INT64, KEEP, 0, "runAsGroup"},
    {9, K_STRING, KEEP, 0, "procMount"},
    {10, K_MSG, 0, M_CORE_V1_WINDOWSSECURITYCONTEXTOPTIONS, "windowsOptions"},
    {11, K_MSG, 0, M_CORE_V1_SECCOMPPROFILE, "seccompProfile"},
    {12, K_MSG, 0, M_CORE_V1_APPARMORPROFILE, "appArmorProfile"},
};
static const pb_field_t F_CORE_V1_CONTAINER[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "image"},
    {3, K_STRING, REP, 0, "command"},
    {4, K_STRING, REP, 0, "args"},
    {5, K_STRING, 0, 0, "workingDir"},
    {6, K_MSG, REP, M_CORE_V1_CONTAINERPORT, "ports"},
    {7, K_MSG, REP, M_CORE_V1_ENVVAR, "env"},
    {8, K_MSG, 0, M_CORE_V1_RESOURCEREQUIREMENTS, "resources"},
    {9, K_MSG, REP, M_CORE_V1_VOLUMEMOUNT, "volumeMounts"},
    {10, K_MSG, 0, M_CORE_V1_PROBE, "livenessProbe"},
    {11, K_MSG, 0, M_CORE_V1_PROBE, "readinessProbe"},
    {12, K_MSG, 0, M_CORE_V1_LIFECYCLE, "lifecycle"},
    {13, K_STRING, 0, 0, "terminationMessagePath"},
    {14, K_STRING, 0, 0, "imagePullPolicy"},
    {15, K_MSG, 0, M_CORE_V1_SECURITYCONTEXT, "securityContext"},
    {16, K_BOOL, 0, 0, "stdin"},
    {17, K_BOOL, 0, 0, "stdinOnce"},
    {18, K_BOOL, 0, 0, "tty"},
    {19, K_MSG, REP, M_CORE_V1_ENVFROMSOURCE, "envFrom"},
    {20, K_STRING, 0, 0, "terminationMessagePolicy"},
    {21, K_MSG, REP, M_CORE_V1_VOLUMEDEVICE, "volumeDevices"},
    {22, K_MSG, 0, M_CORE_V1_PROBE, "startupProbe"},
    {23, K_MSG, REP, M_CORE_V1_CONTAINERRESIZEPOLICY, "resizePolicy"},
    {24, K_STRING, KEEP, 0, "restartPolicy"},
};
static const pb_field_t F_CORE_V1_EPHEMERALCONTAINERCOMMON[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "image"},
    {3, K_STRING, REP, 0, "command"},
    {4, K_STRING, REP, 0, "args"},
    {5, K_STRING, 0, 0, "workingDir"},
    {6, K_MSG, REP, M_CORE_V1_CONTAINERPORT, "ports"},
    {7, K_MSG, REP, M_CORE_V1_ENVVAR, "env"},
    {8, K_MSG, 0, M_CORE_V1_RESOURCEREQUIREMENTS, "resources"},
    {9, K_MSG, REP, M_CORE_V1_VOLUMEMOUNT, "volumeMounts"},
    {10, K_MSG, 0, M_CORE_V1_PROBE, "livenessProbe"},
    {11, K_MSG, 0, M_CORE_V1_PROBE, "readinessProbe"},
    {12, K_MSG, 0, M_CORE_V1_LIFECYCLE, "lifecycle"},
    {13, K_STRING, 0, 0, "terminationMessagePath"},
    {14, K_STRING, 0, 0, "imagePullPolicy"},
    {15, K_MSG, 0, M_CORE_V1_SECURITYCONTEXT, "securityContext"},
    {16, K_BOOL, 0, 0, "stdin"},
    {17, K_BOOL, 0, 0, "stdinOnce"},
    {18, K_BOOL, 0, 0, "tty"},
    {19, K_MSG, REP, M_CORE_V1_ENVFROMSOURCE, "envFrom"},
    {20, K_STRING, 0, 0, "terminationMessagePolicy"},
    {21, K_MSG, REP, M_CORE_V1_VOLUMEDEVICE, "volumeDevices"},
    {22, K_MSG, 0, M_CORE_V1_PROBE, "startupProbe"},
    {23, K_MSG, REP, M_CORE_V1_CONTAINERRESIZEPOLICY, "resizePolicy"},
    {24, K_STRING, KEEP, 0, "restartPolicy"},
};
static const pb_field_t F_CORE_V1_EPHEMERALCONTAINER[] = {
    {1, K_MSG, INL, M_CORE_V1_EPHEMERALCONTAINERCOMMON, NULL},
    {2, K_STRING, 0, 0, "targetContainerName"},
};
static const pb_field_t F_CORE_V1_PODSPEC_NODESELECTORENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_SYSCTL[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "value"},
};
static const pb_field_t F_CORE_V1_PODSECURITYCONTEXT[] = {
    {1, K_MSG, 0, M_CORE_V1_SELINUXOPTIONS, "seLinuxOptions"},
    {2, K_INT64, KEEP, 0, "runAsUser"},
    {3, K_BOOL, KEEP, 0, "runAsNonRoot"},
    {4, K_INT64, REP, 0, "supplementalGroups"},
    {5, K_INT64, KEEP, 0, "fsGroup"},
    {6, K_INT64, KEEP, 0, "runAsGroup"},
    {7, K_MSG, REP, M_CORE_V1_SYSCTL, "sysctls"},
    {8, K_MSG, 0, M_CORE_V1_WINDOWSSECURITYCONTEXTOPTIONS, "windowsOptions"},
    {9, K_STRING, KEEP, 0, "fsGroupChangePolicy"},
    {10, K_MSG, 0, M_CORE_V1_SECCOMPPROFILE, "seccompProfile"},
    {11, K_MSG, 0, M_CORE_V1_APPARMORPROFILE, "appArmorProfile"},
    {12, K_STRING, KEEP, 0, "supplementalGroupsPolicy"},
    {13, K_STRING, KEEP, 0, "seLinuxChangePolicy"},
};
static const pb_field_t F_CORE_V1_NODESELECTORREQUIREMENT[] = {
    {1, K_STRING, 0, 0, "key"},
    {2, K_STRING, 0, 0, "operator"},
    {3, K_STRING, REP, 0, "values"},
};
static const pb_field_t F_CORE_V1_NODESELECTORTERM[] = {
    {1, K_MSG, REP, M_CORE_V1_NODESELECTORREQUIREMENT, "matchExpressions"},
    {2, K_MSG, REP, M_CORE_V1_NODESELECTORREQUIREMENT, "matchFields"},
};
static const pb_field_t F_CORE_V1_NODESELECTOR[] = {
    {1, K_MSG, REP, M_CORE_V1_NODESELECTORTERM, "nodeSelectorTerms"},
};
static const pb_field_t F_CORE_V1_PREFERREDSCHEDULINGTERM[] = {
    {1, K_INT32, KEEP, 0, "weight"},
    {2, K_MSG, 0, M_CORE_V1_NODESELECTORTERM, "preference"},
};
static const pb_field_t F_CORE_V1_NODEAFFINITY[] = {
    {1, K_MSG, 0, M_CORE_V1_NODESELECTOR, "requiredDuringSchedulingIgnoredDuringExecution"},
    {2, K_MSG, REP, M_CORE_V1_PREFERREDSCHEDULINGTERM, "preferredDuringSchedulingIgnoredDuringExecution"},
};
static const pb_field_t F_CORE_V1_PODAFFINITYTERM[] = {
    {1, K_MSG, 0, M_META_V1_LABELSELECTOR, "labelSelector"},
    {2, K_STRING, REP, 0, "namespaces"},
    {3, K_STRING, 0, 0, "topologyKey"},
    {4, K_MSG, 0, M_META_V1_LABELSELECTOR, "namespaceSelector"},
    {5, K_STRING, REP, 0, "matchLabelKeys"},
    {6, K_STRING, REP, 0, "mismatchLabelKeys"},
};
static const pb_field_t F_CORE_V1_WEIGHTEDPODAFFINITYTERM[] = {
    {1, K_INT32, KEEP, 0, "weight"},
    {2, K_MSG, 0, M_CORE_V1_PODAFFINITYTERM, "podAffinityTerm"},
};
static const pb_field_t F_CORE_V1_PODAFFINITY[] = {
    {1, K_MSG, REP, M_CORE_V1_PODAFFINITYTERM, "requiredDuringSchedulingIgnoredDuringExecution"},
    {2, K_MSG, REP, M_CORE_V1_WEIGHTEDPODAFFINITYTERM, "preferredDuringSchedulingIgnoredDuringExecution"},
};
static const pb_field_t F_CORE_V1_PODANTIAFFINITY[] = {
    {1, K_MSG, REP, M_CORE_V1_PODAFFINITYTERM, "requiredDuringSchedulingIgnoredDuringExecution"},
    {2, K_MSG, REP, M_CORE_V1_WEIGHTEDPODAFFINITYTERM, "preferredDuringSchedulingIgnoredDuringExecution"},
};
static const pb_field_t F_CORE_V1_AFFINITY[] = {
    {1, K_MSG, 0, M_CORE_V1_NODEAFFINITY, "nodeAffinity"},
    {2, K_MSG, 0, M_CORE_V1_PODAFFINITY, "podAffinity"},
    {3, K_MSG, 0, M_CORE_V1_PODANTIAFFINITY, "podAntiAffinity"},
};
static const pb_field_t F_CORE_V1_TOLERATION[] = {
    {1, K_STRING, 0, 0, "key"},
    {2, K_STRING, 0, 0, "operator"},
    {3, K_STRING, 0, 0, "value"},
    {4, K_STRING, 0, 0, "effect"},
    {5, K_INT64, KEEP, 0, "tolerationSeconds"},
};
static const pb_field_t F_CORE_V1_HOSTALIAS[] = {
    {1, K_STRING, 0, 0, "ip"},
    {2, K_STRING, REP, 0, "hostnames"},
};
static const pb_field_t F_CORE_V1_PODDNSCONFIGOPTION[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_PODDNSCONFIG[] = {
    {1, K_STRING, REP, 0, "nameservers"},
    {2, K_STRING, REP, 0, "searches"},
    {3, K_MSG, REP, M_CORE_V1_PODDNSCONFIGOPTION, "options"},
};
static const pb_field_t F_CORE_V1_PODREADINESSGATE[] = {
    {1, K_STRING, 0, 0, "conditionType"},
};
static const pb_field_t F_CORE_V1_PODSPEC_OVERHEADENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_TOPOLOGYSPREADCONSTRAINT[] = {
    {1, K_INT32, KEEP, 0, "maxSkew"},
    {2, K_STRING, 0, 0, "topologyKey"},
    {3, K_STRING, 0, 0, "whenUnsatisfiable"},
    {4, K_MSG, 0, M_META_V1_LABELSELECTOR, "labelSelector"},
    {5, K_INT32, KEEP, 0, "minDomains"},
    {6, K_STRING, KEEP, 0, "nodeAffinityPolicy"},
    {7, K_STRING, KEEP, 0, "nodeTaintsPolicy"},
    {8, K_STRING, REP, 0, "matchLabelKeys"},
};
static const pb_field_t F_CORE_V1_PODOS[] = {
    {1, K_STRING, 0, 0, "name"},
};
static const pb_field_t F_CORE_V1_PODSCHEDULINGGATE[] = {
    {1, K_STRING, 0, 0, "name"},
};
static const pb_field_t F_CORE_V1_PODRESOURCECLAIM[] = {
    {1, K_STRING, 0, 0, "name"},
    {3, K_STRING, KEEP, 0, "resourceClaimName"},
    {4, K_STRING, KEEP, 0, "resourceClaimTemplateName"},
};
static const pb_field_t F_CORE_V1_PODSPEC[] = {
    {1, K_MSG, REP, M_CORE_V1_VOLUME, "volumes"},
    {2, K_MSG, REP, M_CORE_V1_CONTAINER, "containers"},
    {3, K_STRING, 0, 0, "restartPolicy"},
    {4, K_INT64, KEEP, 0, "terminationGracePeriodSeconds"},
    {5, K_INT64, KEEP, 0, "activeDeadlineSeconds"},
    {6, K_STRING, 0, 0, "dnsPolicy"},
    {7, K_MAP, 0, M_CORE_V1_PODSPEC_NODESELECTORENTRY, "nodeSelector"},
    {8, K_STRING, 0, 0, "serviceAccountName"},
    {9, K_STRING, 0, 0, "serviceAccount"},
    {10, K_STRING, 0, 0, "nodeName"},
    {11, K_BOOL, 0, 0, "hostNetwork"},
    {12, K_BOOL, 0, 0, "hostPID"},
    {13, K_BOOL, 0, 0, "hostIPC"},
    {14, K_MSG, 0, M_CORE_V1_PODSECURITYCONTEXT, "securityContext"},
    {15, K_MSG, REP, M_CORE_V1_LOCALOBJECTREFERENCE, "imagePullSecrets"},
    {16, K_STRING, 0, 0, "hostname"},
    {17, K_STRING, 0, 0, "subdomain"},
    {18, K_MSG, 0, M_CORE_V1_AFFINITY, "affinity"},
    {19, K_STRING, 0, 0, "schedulerName"},
    {20, K_MSG, REP, M_CORE_V1_CONTAINER, "initContainers"},
    {21, K_BOOL, KEEP, 0, "automountServiceAccountToken"},
    {22, K_MSG, REP, M_CORE_V1_TOLERATION, "tolerations"},
    {23, K_MSG, REP, M_CORE_V1_HOSTALIAS, "hostAliases"},
    {24, K_STRING, 0, 0, "priorityClassName"},
    {25, K_INT32, KEEP, 0, "priority"},
    {26, K_MSG, 0, M_CORE_V1_PODDNSCONFIG, "dnsConfig"},
    {27, K_BOOL, KEEP, 0, "shareProcessNamespace"},
    {28, K_MSG, REP, M_CORE_V1_PODREADINESSGATE, "readinessGates"},
    {29, K_STRING, KEEP, 0, "runtimeClassName"},
    {30, K_BOOL, KEEP, 0, "enableServiceLinks"},
    {31, K_STRING, KEEP, 0, "preemptionPolicy"},
    {32, K_MAP, 0, M_CORE_V1_PODSPEC_OVERHEADENTRY, "overhead"},
    {33, K_MSG, REP, M_CORE_V1_TOPOLOGYSPREADCONSTRAINT, "topologySpreadConstraints"},
    {34, K_MSG, REP, M_CORE_V1_EPHEMERALCONTAINER, "ephemeralContainers"},
    {35, K_BOOL, KEEP, 0, "setHostnameAsFQDN"},
    {36, K_MSG, 0, M_CORE_V1_PODOS, "os"},
    {37, K_BOOL, KEEP, 0, "hostUsers"},
    {38, K_MSG, REP, M_CORE_V1_PODSCHEDULINGGATE, "schedulingGates"},
    {39, K_MSG, REP, M_CORE_V1_PODRESOURCECLAIM, "resourceClaims"},
    {40, K_MSG, 0, M_CORE_V1_RESOURCEREQUIREMENTS, "resources"},
};
static const pb_field_t F_CORE_V1_PODTEMPLATESPEC[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_PODSPEC, "spec"},
};
static const pb_field_t F_APPS_V1_ROLLINGUPDATEDAEMONSET[] = {
    {1, K_INTORSTR, KEEP, 0, "maxUnavailable"},
    {2, K_INTORSTR, KEEP, 0, "maxSurge"},
};
static const pb_field_t F_APPS_V1_DAEMONSETUPDATESTRATEGY[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_MSG, 0, M_APPS_V1_ROLLINGUPDATEDAEMONSET, "rollingUpdate"},
};
static const pb_field_t F_APPS_V1_DAEMONSETSPEC[] = {
    {1, K_MSG, 0, M_META_V1_LABELSELECTOR, "selector"},
    {2, K_MSG, 0, M_CORE_V1_PODTEMPLATESPEC, "template"},
    {3, K_MSG, 0, M_APPS_V1_DAEMONSETUPDATESTRATEGY, "updateStrategy"},
    {4, K_INT32, 0, 0, "minReadySeconds"},
    {6, K_INT32, KEEP, 0, "revisionHistoryLimit"},
};
static const pb_field_t F_APPS_V1_DAEMONSETCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastTransitionTime"},
    {4, K_STRING, 0, 0, "reason"},
    {5, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_APPS_V1_DAEMONSETSTATUS[] = {
    {1, K_INT32, KEEP, 0, "currentNumberScheduled"},
    {2, K_INT32, KEEP, 0, "numberMisscheduled"},
    {3, K_INT32, KEEP, 0, "desiredNumberScheduled"},
    {4, K_INT32, KEEP, 0, "numberReady"},
    {5, K_INT64, 0, 0, "observedGeneration"},
    {6, K_INT32, 0, 0, "updatedNumberScheduled"},
    {7, K_INT32, 0, 0, "numberAvailable"},
    {8, K_INT32, 0, 0, "numberUnavailable"},
    {9, K_INT32, KEEP, 0, "collisionCount"},
    {10, K_MSG, REP, M_APPS_V1_DAEMONSETCONDITION, "conditions"},
};
static const pb_field_t F_APPS_V1_DAEMONSET[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_APPS_V1_DAEMONSETSPEC, "spec"},
    {3, K_MSG, 0, M_APPS_V1_DAEMONSETSTATUS, "status"},
};
static const pb_field_t F_APPS_V1_ROLLINGUPDATEDEPLOYMENT[] = {
    {1, K_INTORSTR, KEEP, 0, "maxUnavailable"},
    {2, K_INTORSTR, KEEP, 0, "maxSurge"},
};
static const pb_field_t F_APPS_V1_DEPLOYMENTSTRATEGY[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_MSG, 0, M_APPS_V1_ROLLINGUPDATEDEPLOYMENT, "rollingUpdate"},
};
static const pb_field_t F_APPS_V1_DEPLOYMENTSPEC[] = {
    {1, K_INT32, KEEP, 0, "replicas"},
    {2, K_MSG, 0, M_META_V1_LABELSELECTOR, "selector"},
    {3, K_MSG, 0, M_CORE_V1_PODTEMPLATESPEC, "template"},
    {4, K_MSG, 0, M_APPS_V1_DEPLOYMENTSTRATEGY, "strategy"},
    {5, K_INT32, 0, 0, "minReadySeconds"},
    {6, K_INT32, KEEP, 0, "revisionHistoryLimit"},
    {7, K_BOOL, 0, 0, "paused"},
    {9, K_INT32, KEEP, 0, "progressDeadlineSeconds"},
};
static const pb_field_t F_APPS_V1_DEPLOYMENTCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {4, K_STRING, 0, 0, "reason"},
    {5, K_STRING, 0, 0, "message"},
    {6, K_TIME, 0, 0, "lastUpdateTime"},
    {7, K_TIME, 0, 0, "lastTransitionTime"},
};
static const pb_field_t F_APPS_V1_DEPLOYMENTSTATUS[] = {
    {1, K_INT64, 0, 0, "observedGeneration"},
    {2, K_INT32, 0, 0, "replicas"},
    {3, K_INT32, 0, 0, "updatedReplicas"},
    {4, K_INT32, 0, 0, "availableReplicas"},
    {5, K_INT32, 0, 0, "unavailableReplicas"},
    {6, K_MSG, REP, M_APPS_V1_DEPLOYMENTCONDITION, "conditions"},
    {7, K_INT32, 0, 0, "readyReplicas"},
    {8, K_INT32, KEEP, 0, "collisionCount"},
};
static const pb_field_t F_APPS_V1_DEPLOYMENT[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_APPS_V1_DEPLOYMENTSPEC, "spec"},
    {3, K_MSG, 0, M_APPS_V1_DEPLOYMENTSTATUS, "status"},
};
static const pb_field_t F_APPS_V1_REPLICASETSPEC[] = {
    {1, K_INT32, KEEP, 0, "replicas"},
    {2, K_MSG, 0, M_META_V1_LABELSELECTOR, "selector"},
    {3, K_MSG, 0, M_CORE_V1_PODTEMPLATESPEC, "template"},
    {4, K_INT32, 0, 0, "minReadySeconds"},
};
static const pb_field_t F_APPS_V1_REPLICASETCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastTransitionTime"},
    {4, K_STRING, 0, 0, "reason"},
    {5, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_APPS_V1_REPLICASETSTATUS[] = {
    {1, K_INT32, 0, 0, "replicas"},
    {2, K_INT32, 0, 0, "fullyLabeledReplicas"},
    {3, K_INT64, 0, 0, "observedGeneration"},
    {4, K_INT32, 0, 0, "readyReplicas"},
    {5, K_INT32, 0, 0, "availableReplicas"},
    {6, K_MSG, REP, M_APPS_V1_REPLICASETCONDITION, "conditions"},
};
static const pb_field_t F_APPS_V1_REPLICASET[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_APPS_V1_REPLICASETSPEC, "spec"},
    {3, K_MSG, 0, M_APPS_V1_REPLICASETSTATUS, "status"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_CAPACITYENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIMCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastProbeTime"},
    {4, K_TIME, 0, 0, "lastTransitionTime"},
    {5, K_STRING, 0, 0, "reason"},
    {6, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_ALLOCATEDRESOURCESENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_ALLOCATEDRESOURCESTATUSESENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_MODIFYVOLUMESTATUS[] = {
    {1, K_STRING, 0, 0, "targetVolumeAttributesClassName"},
    {2, K_STRING, 0, 0, "status"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS[] = {
    {1, K_STRING, 0, 0, "phase"},
    {2, K_STRING, REP, 0, "accessModes"},
    {3, K_MAP, 0, M_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_CAPACITYENTRY, "capacity"},
    {4, K_MSG, REP, M_CORE_V1_PERSISTENTVOLUMECLAIMCONDITION, "conditions"},
    {5, K_MAP, 0, M_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_ALLOCATEDRESOURCESENTRY, "allocatedResources"},
    {7, K_MAP, 0, M_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_ALLOCATEDRESOURCESTATUSESENTRY, "allocatedResourceStatuses"},
    {8, K_STRING, KEEP, 0, "currentVolumeAttributesClassName"},
    {9, K_MSG, 0, M_CORE_V1_MODIFYVOLUMESTATUS, "modifyVolumeStatus"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMECLAIM[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_PERSISTENTVOLUMECLAIMSPEC, "spec"},
    {3, K_MSG, 0, M_CORE_V1_PERSISTENTVOLUMECLAIMSTATUS, "status"},
};
static const pb_field_t F_APPS_V1_ROLLINGUPDATESTATEFULSETSTRATEGY[] = {
    {1, K_INT32, KEEP, 0, "partition"},
    {2, K_INTORSTR, KEEP, 0, "maxUnavailable"},
};
static const pb_field_t F_APPS_V1_STATEFULSETUPDATESTRATEGY[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_MSG, 0, M_APPS_V1_ROLLINGUPDATESTATEFULSETSTRATEGY, "rollingUpdate"},
};
static const pb_field_t F_APPS_V1_STATEFULSETPERSISTENTVOLUMECLAIMRETENTIONPOLICY[] = {
    {1, K_STRING, 0, 0, "whenDeleted"},
    {2, K_STRING, 0, 0, "whenScaled"},
};
static const pb_field_t F_APPS_V1_STATEFULSETORDINALS[] = {
    {1, K_INT32, KEEP, 0, "start"},
};
static const pb_field_t F_APPS_V1_STATEFULSETSPEC[] = {
    {1, K_INT32, KEEP, 0, "replicas"},
    {2, K_MSG, 0, M_META_V1_LABELSELECTOR, "selector"},
    {3, K_MSG, 0, M_CORE_V1_PODTEMPLATESPEC, "template"},
    {4, K_MSG, REP, M_CORE_V1_PERSISTENTVOLUMECLAIM, "volumeClaimTemplates"},
    {5, K_STRING, 0, 0, "serviceName"},
    {6, K_STRING, 0, 0, "podManagementPolicy"},
    {7, K_MSG, 0, M_APPS_V1_STATEFULSETUPDATESTRATEGY, "updateStrategy"},
    {8, K_INT32, KEEP, 0, "revisionHistoryLimit"},
    {9, K_INT32, 0, 0, "minReadySeconds"},
    {10, K_MSG, 0, M_APPS_V1_STATEFULSETPERSISTENTVOLUMECLAIMRETENTIONPOLICY, "persistentVolumeClaimRetentionPolicy"},
    {11, K_MSG, 0, M_APPS_V1_STATEFULSETORDINALS, "ordinals"},
};
static const pb_field_t F_APPS_V1_STATEFULSETCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastTransitionTime"},
    {4, K_STRING, 0, 0, "reason"},
    {5, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_APPS_V1_STATEFULSETSTATUS[] = {
    {1, K_INT64, 0, 0, "observedGeneration"},
    {2, K_INT32, 0, 0, "replicas"},
    {3, K_INT32, 0, 0, "readyReplicas"},
    {4, K_INT32, 0, 0, "currentReplicas"},
    {5, K_INT32, 0, 0, "updatedReplicas"},
    {6, K_STRING, 0, 0, "currentRevision"},
    {7, K_STRING, 0, 0, "updateRevision"},
    {9, K_INT32, KEEP, 0, "collisionCount"},
    {10, K_MSG, REP, M_APPS_V1_STATEFULSETCONDITION, "conditions"},
    {11, K_INT32, KEEP, 0, "availableReplicas"},
};
static const pb_field_t F_APPS_V1_STATEFULSET[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_APPS_V1_STATEFULSETSPEC, "spec"},
    {3, K_MSG, 0, M_APPS_V1_STATEFULSETSTATUS, "status"},
};
static const pb_field_t F_AUTHENTICATION_V1_EXTRAVALUE[] = {
    {1, K_STRING, REP, 0, "items"},
};
static const pb_field_t F_AUTHENTICATION_V1_USERINFO_EXTRAENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_MSG, KEEP, M_AUTHENTICATION_V1_EXTRAVALUE, "value"},
};
static const pb_field_t F_AUTHENTICATION_V1_USERINFO[] = {
    {1, K_STRING, 0, 0, "username"},
    {2, K_STRING, 0, 0, "uid"},
    {3, K_STRING, REP, 0, "groups"},
    {4, K_MAP, 0, M_AUTHENTICATION_V1_USERINFO_EXTRAENTRY, "extra"},
};
static const pb_field_t F_AUTHENTICATION_V1_SELFSUBJECTREVIEWSTATUS[] = {
    {1, K_MSG, 0, M_AUTHENTICATION_V1_USERINFO, "userInfo"},
};
static const pb_field_t F_AUTHENTICATION_V1_SELFSUBJECTREVIEW[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTHENTICATION_V1_SELFSUBJECTREVIEWSTATUS, "status"},
};
static const pb_field_t F_AUTHENTICATION_V1_BOUNDOBJECTREFERENCE[] = {
    {1, K_STRING, 0, 0, "kind"},
    {2, K_STRING, 0, 0, "apiVersion"},
    {3, K_STRING, 0, 0, "name"},
    {4, K_STRING, 0, 0, "uID"},
};
static const pb_field_t F_AUTHENTICATION_V1_TOKENREQUESTSPEC[] = {
    {1, K_STRING, REP, 0, "audiences"},
    {3, K_MSG, 0, M_AUTHENTICATION_V1_BOUNDOBJECTREFERENCE, "boundObjectRef"},
    {4, K_INT64, KEEP, 0, "expirationSeconds"},
};
static const pb_field_t F_AUTHENTICATION_V1_TOKENREQUESTSTATUS[] = {
    {1, K_STRING, 0, 0, "token"},
    {2, K_TIME, 0, 0, "expirationTimestamp"},
};
static const pb_field_t F_AUTHENTICATION_V1_TOKENREQUEST[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTHENTICATION_V1_TOKENREQUESTSPEC, "spec"},
    {3, K_MSG, 0, M_AUTHENTICATION_V1_TOKENREQUESTSTATUS, "status"},
};
static const pb_field_t F_AUTHENTICATION_V1_TOKENREVIEWSPEC[] = {
    {1, K_STRING, 0, 0, "token"},
    {2, K_STRING, REP, 0, "audiences"},
};
static const pb_field_t F_AUTHENTICATION_V1_TOKENREVIEWSTATUS[] = {
    {1, K_BOOL, 0, 0, "authenticated"},
    {2, K_MSG, 0, M_AUTHENTICATION_V1_USERINFO, "user"},
    {3, K_STRING, 0, 0, "error"},
    {4, K_STRING, REP, 0, "audiences"},
};
static const pb_field_t F_AUTHENTICATION_V1_TOKENREVIEW[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTHENTICATION_V1_TOKENREVIEWSPEC, "spec"},
    {3, K_MSG, 0, M_AUTHENTICATION_V1_TOKENREVIEWSTATUS, "status"},
};
static const pb_field_t F_META_V1_FIELDSELECTORREQUIREMENT[] = {
    {1, K_STRING, 0, 0, "key"},
    {2, K_STRING, 0, 0, "operator"},
    {3, K_STRING, REP, 0, "values"},
};
static const pb_field_t F_AUTHORIZATION_V1_FIELDSELECTORATTRIBUTES[] = {
    {1, K_STRING, 0, 0, "rawSelector"},
    {2, K_MSG, REP, M_META_V1_FIELDSELECTORREQUIREMENT, "requirements"},
};
static const pb_field_t F_AUTHORIZATION_V1_LABELSELECTORATTRIBUTES[] = {
    {1, K_STRING, 0, 0, "rawSelector"},
    {2, K_MSG, REP, M_META_V1_LABELSELECTORREQUIREMENT, "requirements"},
};
static const pb_field_t F_AUTHORIZATION_V1_RESOURCEATTRIBUTES[] = {
    {1, K_STRING, 0, 0, "namespace"},
    {2, K_STRING, 0, 0, "verb"},
    {3, K_STRING, 0, 0, "group"},
    {4, K_STRING, 0, 0, "version"},
    {5, K_STRING, 0, 0, "resource"},
    {6, K_STRING, 0, 0, "subresource"},
    {7, K_STRING, 0, 0, "name"},
    {8, K_MSG, 0, M_AUTHORIZATION_V1_FIELDSELECTORATTRIBUTES, "fieldSelector"},
    {9, K_MSG, 0, M_AUTHORIZATION_V1_LABELSELECTORATTRIBUTES, "labelSelector"},
};
static const pb_field_t F_AUTHORIZATION_V1_NONRESOURCEATTRIBUTES[] = {
    {1, K_STRING, 0, 0, "path"},
    {2, K_STRING, 0, 0, "verb"},
};
static const pb_field_t F_AUTHORIZATION_V1_EXTRAVALUE[] = {
    {1, K_STRING, REP, 0, "items"},
};
static const pb_field_t F_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC_EXTRAENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_MSG, KEEP, M_AUTHORIZATION_V1_EXTRAVALUE, "value"},
};
static const pb_field_t F_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC[] = {
    {1, K_MSG, 0, M_AUTHORIZATION_V1_RESOURCEATTRIBUTES, "resourceAttributes"},
    {2, K_MSG, 0, M_AUTHORIZATION_V1_NONRESOURCEATTRIBUTES, "nonResourceAttributes"},
    {3, K_STRING, 0, 0, "user"},
    {4, K_STRING, REP, 0, "groups"},
    {5, K_MAP, 0, M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC_EXTRAENTRY, "extra"},
    {6, K_STRING, 0, 0, "uid"},
};
static const pb_field_t F_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSTATUS[] = {
    {1, K_BOOL, KEEP, 0, "allowed"},
    {2, K_STRING, 0, 0, "reason"},
    {3, K_STRING, 0, 0, "evaluationError"},
    {4, K_BOOL, 0, 0, "denied"},
};
static const pb_field_t F_AUTHORIZATION_V1_LOCALSUBJECTACCESSREVIEW[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC, "spec"},
    {3, K_MSG, 0, M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSTATUS, "status"},
};
static const pb_field_t F_AUTHORIZATION_V1_SELFSUBJECTACCESSREVIEWSPEC[] = {
    {1, K_MSG, 0, M_AUTHORIZATION_V1_RESOURCEATTRIBUTES, "resourceAttributes"},
    {2, K_MSG, 0, M_AUTHORIZATION_V1_NONRESOURCEATTRIBUTES, "nonResourceAttributes"},
};
static const pb_field_t F_AUTHORIZATION_V1_SELFSUBJECTACCESSREVIEW[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTHORIZATION_V1_SELFSUBJECTACCESSREVIEWSPEC, "spec"},
    {3, K_MSG, 0, M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSTATUS, "status"},
};
static const pb_field_t F_AUTHORIZATION_V1_SELFSUBJECTRULESREVIEWSPEC[] = {
    {1, K_STRING, 0, 0, "namespace"},
};
static const pb_field_t F_AUTHORIZATION_V1_RESOURCERULE[] = {
    {1, K_STRING, REP, 0, "verbs"},
    {2, K_STRING, REP, 0, "apiGroups"},
    {3, K_STRING, REP, 0, "resources"},
    {4, K_STRING, REP, 0, "resourceNames"},
};
static const pb_field_t F_AUTHORIZATION_V1_NONRESOURCERULE[] = {
    {1, K_STRING, REP, 0, "verbs"},
    {2, K_STRING, REP, 0, "nonResourceURLs"},
};
static const pb_field_t F_AUTHORIZATION_V1_SUBJECTRULESREVIEWSTATUS[] = {
    {1, K_MSG, REP, M_AUTHORIZATION_V1_RESOURCERULE, "resourceRules"},
    {2, K_MSG, REP, M_AUTHORIZATION_V1_NONRESOURCERULE, "nonResourceRules"},
    {3, K_BOOL, 0, 0, "incomplete"},
    {4, K_STRING, 0, 0, "evaluationError"},
};
static const pb_field_t F_AUTHORIZATION_V1_SELFSUBJECTRULESREVIEW[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTHORIZATION_V1_SELFSUBJECTRULESREVIEWSPEC, "spec"},
    {3, K_MSG, 0, M_AUTHORIZATION_V1_SUBJECTRULESREVIEWSTATUS, "status"},
};
static const pb_field_t F_AUTHORIZATION_V1_SUBJECTACCESSREVIEW[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC, "spec"},
    {3, K_MSG, 0, M_AUTHORIZATION_V1_SUBJECTACCESSREVIEWSTATUS, "status"},
};
static const pb_field_t F_AUTOSCALING_V1_CROSSVERSIONOBJECTREFERENCE[] = {
    {1, K_STRING, 0, 0, "kind"},
    {2, K_STRING, 0, 0, "name"},
    {3, K_STRING, 0, 0, "apiVersion"},
};
static const pb_field_t F_AUTOSCALING_V1_HORIZONTALPODAUTOSCALERSPEC[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V1_CROSSVERSIONOBJECTREFERENCE, "scaleTargetRef"},
    {2, K_INT32, KEEP, 0, "minReplicas"},
    {3, K_INT32, KEEP, 0, "maxReplicas"},
    {4, K_INT32, KEEP, 0, "targetCPUUtilizationPercentage"},
};
static const pb_field_t F_AUTOSCALING_V1_HORIZONTALPODAUTOSCALERSTATUS[] = {
    {1, K_INT64, KEEP, 0, "observedGeneration"},
    {2, K_TIME, KEEP, 0, "lastScaleTime"},
    {3, K_INT32, 0, 0, "currentReplicas"},
    {4, K_INT32, KEEP, 0, "desiredReplicas"},
    {5, K_INT32, KEEP, 0, "currentCPUUtilizationPercentage"},
};
static const pb_field_t F_AUTOSCALING_V1_HORIZONTALPODAUTOSCALER[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTOSCALING_V1_HORIZONTALPODAUTOSCALERSPEC, "spec"},
    {3, K_MSG, 0, M_AUTOSCALING_V1_HORIZONTALPODAUTOSCALERSTATUS, "status"},
};
static const pb_field_t F_AUTOSCALING_V1_SCALESPEC[] = {
    {1, K_INT32, 0, 0, "replicas"},
};
static const pb_field_t F_AUTOSCALING_V1_SCALESTATUS[] = {
    {1, K_INT32, 0, 0, "replicas"},
    {2, K_STRING, 0, 0, "selector"},
};
static const pb_field_t F_AUTOSCALING_V1_SCALE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTOSCALING_V1_SCALESPEC, "spec"},
    {3, K_MSG, 0, M_AUTOSCALING_V1_SCALESTATUS, "status"},
};
static const pb_field_t F_AUTOSCALING_V2_CROSSVERSIONOBJECTREFERENCE[] = {
    {1, K_STRING, 0, 0, "kind"},
    {2, K_STRING, 0, 0, "name"},
    {3, K_STRING, 0, 0, "apiVersion"},
};
static const pb_field_t F_AUTOSCALING_V2_METRICTARGET[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_QUANTITY, KEEP, 0, "value"},
    {3, K_QUANTITY, KEEP, 0, "averageValue"},
    {4, K_INT32, KEEP, 0, "averageUtilization"},
};
static const pb_field_t F_AUTOSCALING_V2_METRICIDENTIFIER[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, 0, M_META_V1_LABELSELECTOR, "selector"},
};
static const pb_field_t F_AUTOSCALING_V2_OBJECTMETRICSOURCE[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V2_CROSSVERSIONOBJECTREFERENCE, "describedObject"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICTARGET, "target"},
    {3, K_MSG, 0, M_AUTOSCALING_V2_METRICIDENTIFIER, "metric"},
};
static const pb_field_t F_AUTOSCALING_V2_PODSMETRICSOURCE[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V2_METRICIDENTIFIER, "metric"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICTARGET, "target"},
};
static const pb_field_t F_AUTOSCALING_V2_RESOURCEMETRICSOURCE[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICTARGET, "target"},
};
static const pb_field_t F_AUTOSCALING_V2_CONTAINERRESOURCEMETRICSOURCE[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICTARGET, "target"},
    {3, K_STRING, 0, 0, "container"},
};
static const pb_field_t F_AUTOSCALING_V2_EXTERNALMETRICSOURCE[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V2_METRICIDENTIFIER, "metric"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICTARGET, "target"},
};
static const pb_field_t F_AUTOSCALING_V2_METRICSPEC[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_OBJECTMETRICSOURCE, "object"},
    {3, K_MSG, 0, M_AUTOSCALING_V2_PODSMETRICSOURCE, "pods"},
    {4, K_MSG, 0, M_AUTOSCALING_V2_RESOURCEMETRICSOURCE, "resource"},
    {5, K_MSG, 0, M_AUTOSCALING_V2_EXTERNALMETRICSOURCE, "external"},
    {7, K_MSG, 0, M_AUTOSCALING_V2_CONTAINERRESOURCEMETRICSOURCE, "containerResource"},
};
static const pb_field_t F_AUTOSCALING_V2_HPASCALINGPOLICY[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_INT32, KEEP, 0, "value"},
    {3, K_INT32, KEEP, 0, "periodSeconds"},
};
static const pb_field_t F_AUTOSCALING_V2_HPASCALINGRULES[] = {
    {1, K_STRING, KEEP, 0, "selectPolicy"},
    {2, K_MSG, REP, M_AUTOSCALING_V2_HPASCALINGPOLICY, "policies"},
    {3, K_INT32, KEEP, 0, "stabilizationWindowSeconds"},
};
static const pb_field_t F_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERBEHAVIOR[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V2_HPASCALINGRULES, "scaleUp"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_HPASCALINGRULES, "scaleDown"},
};
static const pb_field_t F_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERSPEC[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V2_CROSSVERSIONOBJECTREFERENCE, "scaleTargetRef"},
    {2, K_INT32, KEEP, 0, "minReplicas"},
    {3, K_INT32, KEEP, 0, "maxReplicas"},
    {4, K_MSG, REP, M_AUTOSCALING_V2_METRICSPEC, "metrics"},
    {5, K_MSG, 0, M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERBEHAVIOR, "behavior"},
};
static const pb_field_t F_AUTOSCALING_V2_METRICVALUESTATUS[] = {
    {1, K_QUANTITY, KEEP, 0, "value"},
    {2, K_QUANTITY, KEEP, 0, "averageValue"},
    {3, K_INT32, KEEP, 0, "averageUtilization"},
};
static const pb_field_t F_AUTOSCALING_V2_OBJECTMETRICSTATUS[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V2_METRICIDENTIFIER, "metric"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICVALUESTATUS, "current"},
    {3, K_MSG, 0, M_AUTOSCALING_V2_CROSSVERSIONOBJECTREFERENCE, "describedObject"},
};
static const pb_field_t F_AUTOSCALING_V2_PODSMETRICSTATUS[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V2_METRICIDENTIFIER, "metric"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICVALUESTATUS, "current"},
};
static const pb_field_t F_AUTOSCALING_V2_RESOURCEMETRICSTATUS[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICVALUESTATUS, "current"},
};
static const pb_field_t F_AUTOSCALING_V2_CONTAINERRESOURCEMETRICSTATUS[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICVALUESTATUS, "current"},
    {3, K_STRING, 0, 0, "container"},
};
static const pb_field_t F_AUTOSCALING_V2_EXTERNALMETRICSTATUS[] = {
    {1, K_MSG, 0, M_AUTOSCALING_V2_METRICIDENTIFIER, "metric"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_METRICVALUESTATUS, "current"},
};
static const pb_field_t F_AUTOSCALING_V2_METRICSTATUS[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_OBJECTMETRICSTATUS, "object"},
    {3, K_MSG, 0, M_AUTOSCALING_V2_PODSMETRICSTATUS, "pods"},
    {4, K_MSG, 0, M_AUTOSCALING_V2_RESOURCEMETRICSTATUS, "resource"},
    {5, K_MSG, 0, M_AUTOSCALING_V2_EXTERNALMETRICSTATUS, "external"},
    {7, K_MSG, 0, M_AUTOSCALING_V2_CONTAINERRESOURCEMETRICSTATUS, "containerResource"},
};
static const pb_field_t F_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastTransitionTime"},
    {4, K_STRING, 0, 0, "reason"},
    {5, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERSTATUS[] = {
    {1, K_INT64, KEEP, 0, "observedGeneration"},
    {2, K_TIME, KEEP, 0, "lastScaleTime"},
    {3, K_INT32, 0, 0, "currentReplicas"},
    {4, K_INT32, KEEP, 0, "desiredReplicas"},
    {5, K_MSG, REP, M_AUTOSCALING_V2_METRICSTATUS, "currentMetrics"},
    {6, K_MSG, REP, M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERCONDITION, "conditions"},
};
static const pb_field_t F_AUTOSCALING_V2_HORIZONTALPODAUTOSCALER[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERSPEC, "spec"},
    {3, K_MSG, 0, M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALERSTATUS, "status"},
};
static const pb_field_t F_BATCH_V1_PODFAILUREPOLICYONEXITCODESREQUIREMENT[] = {
    {1, K_STRING, KEEP, 0, "containerName"},
    {2, K_STRING, 0, 0, "operator"},
    {3, K_INT32, REP, 0, "values"},
};
static const pb_field_t F_BATCH_V1_PODFAILUREPOLICYONPODCONDITIONSPATTERN[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
};
static const pb_field_t F_BATCH_V1_PODFAILUREPOLICYRULE[] = {
    {1, K_STRING, 0, 0, "action"},
    {2, K_MSG, 0, M_BATCH_V1_PODFAILUREPOLICYONEXITCODESREQUIREMENT, "onExitCodes"},
    {3, K_MSG, REP, M_BATCH_V1_PODFAILUREPOLICYONPODCONDITIONSPATTERN, "onPodConditions"},
};
static const pb_field_t F_BATCH_V1_PODFAILUREPOLICY[] = {
    {1, K_MSG, REP, M_BATCH_V1_PODFAILUREPOLICYRULE, "rules"},
};
static const pb_field_t F_BATCH_V1_SUCCESSPOLICYRULE[] = {
    {1, K_STRING, KEEP, 0, "succeededIndexes"},
    {2, K_INT32, KEEP, 0, "succeededCount"},
};
static const pb_field_t F_BATCH_V1_SUCCESSPOLICY[] = {
    {1, K_MSG, REP, M_BATCH_V1_SUCCESSPOLICYRULE, "rules"},
};
static const pb_field_t F_BATCH_V1_JOBSPEC[] = {
    {1, K_INT32, KEEP, 0, "parallelism"},
    {2, K_INT32, KEEP, 0, "completions"},
    {3, K_INT64, KEEP, 0, "activeDeadlineSeconds"},
    {4, K_MSG, 0, M_META_V1_LABELSELECTOR, "selector"},
    {5, K_BOOL, KEEP, 0, "manualSelector"},
    {6, K_MSG, 0, M_CORE_V1_PODTEMPLATESPEC, "template"},
    {7, K_INT32, KEEP, 0, "backoffLimit"},
    {8, K_INT32, KEEP, 0, "ttlSecondsAfterFinished"},
    {9, K_STRING, KEEP, 0, "completionMode"},
    {10, K_BOOL, KEEP, 0, "suspend"},
    {11, K_MSG, 0, M_BATCH_V1_PODFAILUREPOLICY, "podFailurePolicy"},
    {12, K_INT32, KEEP, 0, "backoffLimitPerIndex"},
    {13, K_INT32, KEEP, 0, "maxFailedIndexes"},
    {14, K_STRING, KEEP, 0, "podReplacementPolicy"},
    {15, K_STRING, KEEP, 0, "managedBy"},
    {16, K_MSG, 0, M_BATCH_V1_SUCCESSPOLICY, "successPolicy"},
};
static const pb_field_t F_BATCH_V1_JOBTEMPLATESPEC[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_BATCH_V1_JOBSPEC, "spec"},
};
static const pb_field_t F_BATCH_V1_CRONJOBSPEC[] = {
    {1, K_STRING, 0, 0, "schedule"},
    {2, K_INT64, KEEP, 0, "startingDeadlineSeconds"},
    {3, K_STRING, 0, 0, "concurrencyPolicy"},
    {4, K_BOOL, KEEP, 0, "suspend"},
    {5, K_MSG, 0, M_BATCH_V1_JOBTEMPLATESPEC, "jobTemplate"},
    {6, K_INT32, KEEP, 0, "successfulJobsHistoryLimit"},
    {7, K_INT32, KEEP, 0, "failedJobsHistoryLimit"},
    {8, K_STRING, KEEP, 0, "timeZone"},
};
static const pb_field_t F_CORE_V1_OBJECTREFERENCE[] = {
    {1, K_STRING, 0, 0, "kind"},
    {2, K_STRING, 0, 0, "namespace"},
    {3, K_STRING, 0, 0, "name"},
    {4, K_STRING, 0, 0, "uid"},
    {5, K_STRING, 0, 0, "apiVersion"},
    {6, K_STRING, 0, 0, "resourceVersion"},
    {7, K_STRING, 0, 0, "fieldPath"},
};
static const pb_field_t F_BATCH_V1_CRONJOBSTATUS[] = {
    {1, K_MSG, REP, M_CORE_V1_OBJECTREFERENCE, "active"},
    {4, K_TIME, KEEP, 0, "lastScheduleTime"},
    {5, K_TIME, KEEP, 0, "lastSuccessfulTime"},
};
static const pb_field_t F_BATCH_V1_CRONJOB[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_BATCH_V1_CRONJOBSPEC, "spec"},
    {3, K_MSG, 0, M_BATCH_V1_CRONJOBSTATUS, "status"},
};
static const pb_field_t F_BATCH_V1_JOBCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastProbeTime"},
    {4, K_TIME, 0, 0, "lastTransitionTime"},
    {5, K_STRING, 0, 0, "reason"},
    {6, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_BATCH_V1_UNCOUNTEDTERMINATEDPODS[] = {
    {1, K_STRING, REP, 0, "succeeded"},
    {2, K_STRING, REP, 0, "failed"},
};
static const pb_field_t F_BATCH_V1_JOBSTATUS[] = {
    {1, K_MSG, REP, M_BATCH_V1_JOBCONDITION, "conditions"},
    {2, K_TIME, KEEP, 0, "startTime"},
    {3, K_TIME, KEEP, 0, "completionTime"},
    {4, K_INT32, 0, 0, "active"},
    {5, K_INT32, 0, 0, "succeeded"},
    {6, K_INT32, 0, 0, "failed"},
    {7, K_STRING, 0, 0, "completedIndexes"},
    {8, K_MSG, 0, M_BATCH_V1_UNCOUNTEDTERMINATEDPODS, "uncountedTerminatedPods"},
    {9, K_INT32, KEEP, 0, "ready"},
    {10, K_STRING, KEEP, 0, "failedIndexes"},
    {11, K_INT32, KEEP, 0, "terminating"},
};
static const pb_field_t F_BATCH_V1_JOB[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_BATCH_V1_JOBSPEC, "spec"},
    {3, K_MSG, 0, M_BATCH_V1_JOBSTATUS, "status"},
};
static const pb_field_t F_COORDINATION_V1_LEASESPEC[] = {
    {1, K_STRING, KEEP, 0, "holderIdentity"},
    {2, K_INT32, KEEP, 0, "leaseDurationSeconds"},
    {3, K_MICROTIME, KEEP, 0, "acquireTime"},
    {4, K_MICROTIME, KEEP, 0, "renewTime"},
    {5, K_INT32, KEEP, 0, "leaseTransitions"},
    {6, K_STRING, KEEP, 0, "strategy"},
    {7, K_STRING, KEEP, 0, "preferredHolder"},
};
static const pb_field_t F_COORDINATION_V1_LEASE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_COORDINATION_V1_LEASESPEC, "spec"},
};
static const pb_field_t F_CORE_V1_BINDING[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "target"},
};
static const pb_field_t F_CORE_V1_COMPONENTCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_STRING, 0, 0, "message"},
    {4, K_STRING, 0, 0, "error"},
};
static const pb_field_t F_CORE_V1_COMPONENTSTATUS[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, REP, M_CORE_V1_COMPONENTCONDITION, "conditions"},
};
static const pb_field_t F_CORE_V1_CONFIGMAP_DATAENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_CONFIGMAP_BINARYDATAENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_BYTES, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_CONFIGMAP[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MAP, 0, M_CORE_V1_CONFIGMAP_DATAENTRY, "data"},
    {3, K_MAP, 0, M_CORE_V1_CONFIGMAP_BINARYDATAENTRY, "binaryData"},
    {4, K_BOOL, KEEP, 0, "immutable"},
};
static const pb_field_t F_CORE_V1_ENDPOINTADDRESS[] = {
    {1, K_STRING, 0, 0, "ip"},
    {2, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "targetRef"},
    {3, K_STRING, 0, 0, "hostname"},
    {4, K_STRING, KEEP, 0, "nodeName"},
};
static const pb_field_t F_CORE_V1_ENDPOINTPORT[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_INT32, KEEP, 0, "port"},
    {3, K_STRING, 0, 0, "protocol"},
    {4, K_STRING, KEEP, 0, "appProtocol"},
};
static const pb_field_t F_CORE_V1_ENDPOINTSUBSET[] = {
    {1, K_MSG, REP, M_CORE_V1_ENDPOINTADDRESS, "addresses"},
    {2, K_MSG, REP, M_CORE_V1_ENDPOINTADDRESS, "notReadyAddresses"},
    {3, K_MSG, REP, M_CORE_V1_ENDPOINTPORT, "ports"},
};
static const pb_field_t F_CORE_V1_ENDPOINTS[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, REP, M_CORE_V1_ENDPOINTSUBSET, "subsets"},
};
static const pb_field_t F_CORE_V1_EVENTSOURCE[] = {
    {1, K_STRING, 0, 0, "component"},
    {2, K_STRING, 0, 0, "host"},
};
static const pb_field_t F_CORE_V1_EVENTSERIES[] = {
    {1, K_INT32, 0, 0, "count"},
    {2, K_MICROTIME, 0, 0, "lastObservedTime"},
};
static const pb_field_t F_CORE_V1_EVENT[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "involvedObject"},
    {3, K_STRING, 0, 0, "reason"},
    {4, K_STRING, 0, 0, "message"},
    {5, K_MSG, 0, M_CORE_V1_EVENTSOURCE, "source"},
    {6, K_TIME, 0, 0, "firstTimestamp"},
    {7, K_TIME, 0, 0, "lastTimestamp"},
    {8, K_INT32, 0, 0, "count"},
    {9, K_STRING, 0, 0, "type"},
    {10, K_MICROTIME, 0, 0, "eventTime"},
    {11, K_MSG, 0, M_CORE_V1_EVENTSERIES, "series"},
    {12, K_STRING, 0, 0, "action"},
    {13, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "related"},
    {14, K_STRING, 0, 0, "reportingComponent"},
    {15, K_STRING, 0, 0, "reportingInstance"},
};
static const pb_field_t F_CORE_V1_LIMITRANGEITEM_MAXENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_LIMITRANGEITEM_MINENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_LIMITRANGEITEM_DEFAULTENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_LIMITRANGEITEM_DEFAULTREQUESTENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_LIMITRANGEITEM_MAXLIMITREQUESTRATIOENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_LIMITRANGEITEM[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_MAP, 0, M_CORE_V1_LIMITRANGEITEM_MAXENTRY, "max"},
    {3, K_MAP, 0, M_CORE_V1_LIMITRANGEITEM_MINENTRY, "min"},
    {4, K_MAP, 0, M_CORE_V1_LIMITRANGEITEM_DEFAULTENTRY, "default"},
    {5, K_MAP, 0, M_CORE_V1_LIMITRANGEITEM_DEFAULTREQUESTENTRY, "defaultRequest"},
    {6, K_MAP, 0, M_CORE_V1_LIMITRANGEITEM_MAXLIMITREQUESTRATIOENTRY, "maxLimitRequestRatio"},
};
static const pb_field_t F_CORE_V1_LIMITRANGESPEC[] = {
    {1, K_MSG, REP, M_CORE_V1_LIMITRANGEITEM, "limits"},
};
static const pb_field_t F_CORE_V1_LIMITRANGE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_LIMITRANGESPEC, "spec"},
};
static const pb_field_t F_CORE_V1_NAMESPACESPEC[] = {
    {1, K_STRING, REP, 0, "finalizers"},
};
static const pb_field_t F_CORE_V1_NAMESPACECONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {4, K_TIME, 0, 0, "lastTransitionTime"},
    {5, K_STRING, 0, 0, "reason"},
    {6, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_CORE_V1_NAMESPACESTATUS[] = {
    {1, K_STRING, 0, 0, "phase"},
    {2, K_MSG, REP, M_CORE_V1_NAMESPACECONDITION, "conditions"},
};
static const pb_field_t F_CORE_V1_NAMESPACE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_NAMESPACESPEC, "spec"},
    {3, K_MSG, 0, M_CORE_V1_NAMESPACESTATUS, "status"},
};
static const pb_field_t F_CORE_V1_TAINT[] = {
    {1, K_STRING, 0, 0, "key"},
    {2, K_STRING, 0, 0, "value"},
    {3, K_STRING, 0, 0, "effect"},
    {4, K_TIME, KEEP, 0, "timeAdded"},
};
static const pb_field_t F_CORE_V1_CONFIGMAPNODECONFIGSOURCE[] = {
    {1, K_STRING, 0, 0, "namespace"},
    {2, K_STRING, 0, 0, "name"},
    {3, K_STRING, 0, 0, "uid"},
    {4, K_STRING, 0, 0, "resourceVersion"},
    {5, K_STRING, 0, 0, "kubeletConfigKey"},
};
static const pb_field_t F_CORE_V1_NODECONFIGSOURCE[] = {
    {2, K_MSG, 0, M_CORE_V1_CONFIGMAPNODECONFIGSOURCE, "configMap"},
};
static const pb_field_t F_CORE_V1_NODESPEC[] = {
    {1, K_STRING, 0, 0, "podCIDR"},
    {2, K_STRING, 0, 0, "externalID"},
    {3, K_STRING, 0, 0, "providerID"},
    {4, K_BOOL, 0, 0, "unschedulable"},
    {5, K_MSG, REP, M_CORE_V1_TAINT, "taints"},
    {6, K_MSG, 0, M_CORE_V1_NODECONFIGSOURCE, "configSource"},
    {7, K_STRING, REP, 0, "podCIDRs"},
};
static const pb_field_t F_CORE_V1_NODESTATUS_CAPACITYENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_NODESTATUS_ALLOCATABLEENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_NODECONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastHeartbeatTime"},
    {4, K_TIME, 0, 0, "lastTransitionTime"},
    {5, K_STRING, 0, 0, "reason"},
    {6, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_CORE_V1_NODEADDRESS[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "address"},
};
static const pb_field_t F_CORE_V1_DAEMONENDPOINT[] = {
    {1, K_INT32, KEEP, 0, "Port"},
};
static const pb_field_t F_CORE_V1_NODEDAEMONENDPOINTS[] = {
    {1, K_MSG, 0, M_CORE_V1_DAEMONENDPOINT, "kubeletEndpoint"},
};
static const pb_field_t F_CORE_V1_NODESYSTEMINFO[] = {
    {1, K_STRING, 0, 0, "machineID"},
    {2, K_STRING, 0, 0, "systemUUID"},
    {3, K_STRING, 0, 0, "bootID"},
    {4, K_STRING, 0, 0, "kernelVersion"},
    {5, K_STRING, 0, 0, "osImage"},
    {6, K_STRING, 0, 0, "containerRuntimeVersion"},
    {7, K_STRING, 0, 0, "kubeletVersion"},
    {8, K_STRING, 0, 0, "kubeProxyVersion"},
    {9, K_STRING, 0, 0, "operatingSystem"},
    {10, K_STRING, 0, 0, "architecture"},
};
static const pb_field_t F_CORE_V1_CONTAINERIMAGE[] = {
    {1, K_STRING, REP, 0, "names"},
    {2, K_INT64, 0, 0, "sizeBytes"},
};
static const pb_field_t F_CORE_V1_ATTACHEDVOLUME[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "devicePath"},
};
static const pb_field_t F_CORE_V1_NODECONFIGSTATUS[] = {
    {1, K_MSG, 0, M_CORE_V1_NODECONFIGSOURCE, "assigned"},
    {2, K_MSG, 0, M_CORE_V1_NODECONFIGSOURCE, "active"},
    {3, K_MSG, 0, M_CORE_V1_NODECONFIGSOURCE, "lastKnownGood"},
    {4, K_STRING, 0, 0, "error"},
};
static const pb_field_t F_CORE_V1_NODERUNTIMEHANDLERFEATURES[] = {
    {1, K_BOOL, KEEP, 0, "recursiveReadOnlyMounts"},
    {2, K_BOOL, KEEP, 0, "userNamespaces"},
};
static const pb_field_t F_CORE_V1_NODERUNTIMEHANDLER[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, 0, M_CORE_V1_NODERUNTIMEHANDLERFEATURES, "features"},
};
static const pb_field_t F_CORE_V1_NODEFEATURES[] = {
    {1, K_BOOL, KEEP, 0, "supplementalGroupsPolicy"},
};
static const pb_field_t F_CORE_V1_NODESTATUS[] = {
    {1, K_MAP, 0, M_CORE_V1_NODESTATUS_CAPACITYENTRY, "capacity"},
    {2, K_MAP, 0, M_CORE_V1_NODESTATUS_ALLOCATABLEENTRY, "allocatable"},
    {3, K_STRING, 0, 0, "phase"},
    {4, K_MSG, REP, M_CORE_V1_NODECONDITION, "conditions"},
    {5, K_MSG, REP, M_CORE_V1_NODEADDRESS, "addresses"},
    {6, K_MSG, 0, M_CORE_V1_NODEDAEMONENDPOINTS, "daemonEndpoints"},
    {7, K_MSG, 0, M_CORE_V1_NODESYSTEMINFO, "nodeInfo"},
    {8, K_MSG, REP, M_CORE_V1_CONTAINERIMAGE, "images"},
    {9, K_STRING, REP, 0, "volumesInUse"},
    {10, K_MSG, REP, M_CORE_V1_ATTACHEDVOLUME, "volumesAttached"},
    {11, K_MSG, 0, M_CORE_V1_NODECONFIGSTATUS, "config"},
    {12, K_MSG, REP, M_CORE_V1_NODERUNTIMEHANDLER, "runtimeHandlers"},
    {13, K_MSG, 0, M_CORE_V1_NODEFEATURES, "features"},
};
static const pb_field_t F_CORE_V1_NODE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_NODESPEC, "spec"},
    {3, K_MSG, 0, M_CORE_V1_NODESTATUS, "status"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMESPEC_CAPACITYENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_GLUSTERFSPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "endpoints"},
    {2, K_STRING, 0, 0, "path"},
    {3, K_BOOL, 0, 0, "readOnly"},
    {4, K_STRING, KEEP, 0, "endpointsNamespace"},
};
static const pb_field_t F_CORE_V1_SECRETREFERENCE[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "namespace"},
};
static const pb_field_t F_CORE_V1_RBDPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, REP, 0, "monitors"},
    {2, K_STRING, 0, 0, "image"},
    {3, K_STRING, 0, 0, "fsType"},
    {4, K_STRING, 0, 0, "pool"},
    {5, K_STRING, 0, 0, "user"},
    {6, K_STRING, 0, 0, "keyring"},
    {7, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "secretRef"},
    {8, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_ISCSIPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "targetPortal"},
    {2, K_STRING, 0, 0, "iqn"},
    {3, K_INT32, KEEP, 0, "lun"},
    {4, K_STRING, 0, 0, "iscsiInterface"},
    {5, K_STRING, 0, 0, "fsType"},
    {6, K_BOOL, 0, 0, "readOnly"},
    {7, K_STRING, REP, 0, "portals"},
    {8, K_BOOL, 0, 0, "chapAuthDiscovery"},
    {10, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "secretRef"},
    {11, K_BOOL, 0, 0, "chapAuthSession"},
    {12, K_STRING, KEEP, 0, "initiatorName"},
};
static const pb_field_t F_CORE_V1_CINDERPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "volumeID"},
    {2, K_STRING, 0, 0, "fsType"},
    {3, K_BOOL, 0, 0, "readOnly"},
    {4, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "secretRef"},
};
static const pb_field_t F_CORE_V1_CEPHFSPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, REP, 0, "monitors"},
    {2, K_STRING, 0, 0, "path"},
    {3, K_STRING, 0, 0, "user"},
    {4, K_STRING, 0, 0, "secretFile"},
    {5, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "secretRef"},
    {6, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_FLEXPERSISTENTVOLUMESOURCE_OPTIONSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_FLEXPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "driver"},
    {2, K_STRING, 0, 0, "fsType"},
    {3, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "secretRef"},
    {4, K_BOOL, 0, 0, "readOnly"},
    {5, K_MAP, 0, M_CORE_V1_FLEXPERSISTENTVOLUMESOURCE_OPTIONSENTRY, "options"},
};
static const pb_field_t F_CORE_V1_AZUREFILEPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "secretName"},
    {2, K_STRING, 0, 0, "shareName"},
    {3, K_BOOL, 0, 0, "readOnly"},
    {4, K_STRING, KEEP, 0, "secretNamespace"},
};
static const pb_field_t F_CORE_V1_SCALEIOPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "gateway"},
    {2, K_STRING, 0, 0, "system"},
    {3, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "secretRef"},
    {4, K_BOOL, 0, 0, "sslEnabled"},
    {5, K_STRING, 0, 0, "protectionDomain"},
    {6, K_STRING, 0, 0, "storagePool"},
    {7, K_STRING, 0, 0, "storageMode"},
    {8, K_STRING, 0, 0, "volumeName"},
    {9, K_STRING, 0, 0, "fsType"},
    {10, K_BOOL, 0, 0, "readOnly"},
};
static const pb_field_t F_CORE_V1_LOCALVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "path"},
    {2, K_STRING, KEEP, 0, "fsType"},
};
static const pb_field_t F_CORE_V1_STORAGEOSPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "volumeName"},
    {2, K_STRING, 0, 0, "volumeNamespace"},
    {3, K_STRING, 0, 0, "fsType"},
    {4, K_BOOL, 0, 0, "readOnly"},
    {5, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "secretRef"},
};
static const pb_field_t F_CORE_V1_CSIPERSISTENTVOLUMESOURCE_VOLUMEATTRIBUTESENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_CSIPERSISTENTVOLUMESOURCE[] = {
    {1, K_STRING, 0, 0, "driver"},
    {2, K_STRING, 0, 0, "volumeHandle"},
    {3, K_BOOL, 0, 0, "readOnly"},
    {4, K_STRING, 0, 0, "fsType"},
    {5, K_MAP, 0, M_CORE_V1_CSIPERSISTENTVOLUMESOURCE_VOLUMEATTRIBUTESENTRY, "volumeAttributes"},
    {6, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "controllerPublishSecretRef"},
    {7, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "nodeStageSecretRef"},
    {8, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "nodePublishSecretRef"},
    {9, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "controllerExpandSecretRef"},
    {10, K_MSG, 0, M_CORE_V1_SECRETREFERENCE, "nodeExpandSecretRef"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMESOURCE[] = {
    {1, K_MSG, 0, M_CORE_V1_GCEPERSISTENTDISKVOLUMESOURCE, "gcePersistentDisk"},
    {2, K_MSG, 0, M_CORE_V1_AWSELASTICBLOCKSTOREVOLUMESOURCE, "awsElasticBlockStore"},
    {3, K_MSG, 0, M_CORE_V1_HOSTPATHVOLUMESOURCE, "hostPath"},
    {4, K_MSG, 0, M_CORE_V1_GLUSTERFSPERSISTENTVOLUMESOURCE, "glusterfs"},
    {5, K_MSG, 0, M_CORE_V1_NFSVOLUMESOURCE, "nfs"},
    {6, K_MSG, 0, M_CORE_V1_RBDPERSISTENTVOLUMESOURCE, "rbd"},
    {7, K_MSG, 0, M_CORE_V1_ISCSIPERSISTENTVOLUMESOURCE, "iscsi"},
    {8, K_MSG, 0, M_CORE_V1_CINDERPERSISTENTVOLUMESOURCE, "cinder"},
    {9, K_MSG, 0, M_CORE_V1_CEPHFSPERSISTENTVOLUMESOURCE, "cephfs"},
    {10, K_MSG, 0, M_CORE_V1_FCVOLUMESOURCE, "fc"},
    {11, K_MSG, 0, M_CORE_V1_FLOCKERVOLUMESOURCE, "flocker"},
    {12, K_MSG, 0, M_CORE_V1_FLEXPERSISTENTVOLUMESOURCE, "flexVolume"},
    {13, K_MSG, 0, M_CORE_V1_AZUREFILEPERSISTENTVOLUMESOURCE, "azureFile"},
    {14, K_MSG, 0, M_CORE_V1_VSPHEREVIRTUALDISKVOLUMESOURCE, "vsphereVolume"},
    {15, K_MSG, 0, M_CORE_V1_QUOBYTEVOLUMESOURCE, "quobyte"},
    {16, K_MSG, 0, M_CORE_V1_AZUREDISKVOLUMESOURCE, "azureDisk"},
    {17, K_MSG, 0, M_CORE_V1_PHOTONPERSISTENTDISKVOLUMESOURCE, "photonPersistentDisk"},
    {18, K_MSG, 0, M_CORE_V1_PORTWORXVOLUMESOURCE, "portworxVolume"},
    {19, K_MSG, 0, M_CORE_V1_SCALEIOPERSISTENTVOLUMESOURCE, "scaleIO"},
    {20, K_MSG, 0, M_CORE_V1_LOCALVOLUMESOURCE, "local"},
    {21, K_MSG, 0, M_CORE_V1_STORAGEOSPERSISTENTVOLUMESOURCE, "storageos"},
    {22, K_MSG, 0, M_CORE_V1_CSIPERSISTENTVOLUMESOURCE, "csi"},
};
static const pb_field_t F_CORE_V1_VOLUMENODEAFFINITY[] = {
    {1, K_MSG, 0, M_CORE_V1_NODESELECTOR, "required"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMESPEC[] = {
    {1, K_MAP, 0, M_CORE_V1_PERSISTENTVOLUMESPEC_CAPACITYENTRY, "capacity"},
    {2, K_MSG, INL, M_CORE_V1_PERSISTENTVOLUMESOURCE, NULL},
    {3, K_STRING, REP, 0, "accessModes"},
    {4, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "claimRef"},
    {5, K_STRING, 0, 0, "persistentVolumeReclaimPolicy"},
    {6, K_STRING, 0, 0, "storageClassName"},
    {7, K_STRING, REP, 0, "mountOptions"},
    {8, K_STRING, KEEP, 0, "volumeMode"},
    {9, K_MSG, 0, M_CORE_V1_VOLUMENODEAFFINITY, "nodeAffinity"},
    {10, K_STRING, KEEP, 0, "volumeAttributesClassName"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUMESTATUS[] = {
    {1, K_STRING, 0, 0, "phase"},
    {2, K_STRING, 0, 0, "message"},
    {3, K_STRING, 0, 0, "reason"},
    {4, K_TIME, KEEP, 0, "lastPhaseTransitionTime"},
};
static const pb_field_t F_CORE_V1_PERSISTENTVOLUME[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_PERSISTENTVOLUMESPEC, "spec"},
    {3, K_MSG, 0, M_CORE_V1_PERSISTENTVOLUMESTATUS, "status"},
};
static const pb_field_t F_CORE_V1_PODCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastProbeTime"},
    {4, K_TIME, 0, 0, "lastTransitionTime"},
    {5, K_STRING, 0, 0, "reason"},
    {6, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_CORE_V1_HOSTIP[] = {
    {1, K_STRING, 0, 0, "ip"},
};
static const pb_field_t F_CORE_V1_PODIP[] = {
    {1, K_STRING, 0, 0, "ip"},
};
static const pb_field_t F_CORE_V1_CONTAINERSTATEWAITING[] = {
    {1, K_STRING, 0, 0, "reason"},
    {2, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_CORE_V1_CONTAINERSTATERUNNING[] = {
    {1, K_TIME, 0, 0, "startedAt"},
};
static const pb_field_t F_CORE_V1_CONTAINERSTATETERMINATED[] = {
    {1, K_INT32, KEEP, 0, "exitCode"},
    {2, K_INT32, 0, 0, "signal"},
    {3, K_STRING, 0, 0, "reason"},
    {4, K_STRING, 0, 0, "message"},
    {5, K_TIME, 0, 0, "startedAt"},
    {6, K_TIME, 0, 0, "finishedAt"},
    {7, K_STRING, 0, 0, "containerID"},
};
static const pb_field_t F_CORE_V1_CONTAINERSTATE[] = {
    {1, K_MSG, 0, M_CORE_V1_CONTAINERSTATEWAITING, "waiting"},
    {2, K_MSG, 0, M_CORE_V1_CONTAINERSTATERUNNING, "running"},
    {3, K_MSG, 0, M_CORE_V1_CONTAINERSTATETERMINATED, "terminated"},
};
static const pb_field_t F_CORE_V1_CONTAINERSTATUS_ALLOCATEDRESOURCESENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_VOLUMEMOUNTSTATUS[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "mountPath"},
    {3, K_BOOL, 0, 0, "readOnly"},
    {4, K_STRING, KEEP, 0, "recursiveReadOnly"},
};
static const pb_field_t F_CORE_V1_LINUXCONTAINERUSER[] = {
    {1, K_INT64, KEEP, 0, "uid"},
    {2, K_INT64, KEEP, 0, "gid"},
    {3, K_INT64, REP, 0, "supplementalGroups"},
};
static const pb_field_t F_CORE_V1_CONTAINERUSER[] = {
    {1, K_MSG, 0, M_CORE_V1_LINUXCONTAINERUSER, "linux"},
};
static const pb_field_t F_CORE_V1_RESOURCEHEALTH[] = {
    {1, K_STRING, 0, 0, "resourceID"},
    {2, K_STRING, 0, 0, "health"},
};
static const pb_field_t F_CORE_V1_RESOURCESTATUS[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, REP, M_CORE_V1_RESOURCEHEALTH, "resources"},
};
static const pb_field_t F_CORE_V1_CONTAINERSTATUS[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, 0, M_CORE_V1_CONTAINERSTATE, "state"},
    {3, K_MSG, 0, M_CORE_V1_CONTAINERSTATE, "lastState"},
    {4, K_BOOL, KEEP, 0, "ready"},
    {5, K_INT32, KEEP, 0, "restartCount"},
    {6, K_STRING, 0, 0, "image"},
    {7, K_STRING, 0, 0, "imageID"},
    {8, K_STRING, 0, 0, "containerID"},
    {9, K_BOOL, KEEP, 0, "started"},
    {10, K_MAP, 0, M_CORE_V1_CONTAINERSTATUS_ALLOCATEDRESOURCESENTRY, "allocatedResources"},
    {11, K_MSG, 0, M_CORE_V1_RESOURCEREQUIREMENTS, "resources"},
    {12, K_MSG, REP, M_CORE_V1_VOLUMEMOUNTSTATUS, "volumeMounts"},
    {13, K_MSG, 0, M_CORE_V1_CONTAINERUSER, "user"},
    {14, K_MSG, REP, M_CORE_V1_RESOURCESTATUS, "allocatedResourcesStatus"},
};
static const pb_field_t F_CORE_V1_PODRESOURCECLAIMSTATUS[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, KEEP, 0, "resourceClaimName"},
};
static const pb_field_t F_CORE_V1_PODSTATUS[] = {
    {1, K_STRING, 0, 0, "phase"},
    {2, K_MSG, REP, M_CORE_V1_PODCONDITION, "conditions"},
    {3, K_STRING, 0, 0, "message"},
    {4, K_STRING, 0, 0, "reason"},
    {5, K_STRING, 0, 0, "hostIP"},
    {6, K_STRING, 0, 0, "podIP"},
    {7, K_TIME, KEEP, 0, "startTime"},
    {8, K_MSG, REP, M_CORE_V1_CONTAINERSTATUS, "containerStatuses"},
    {9, K_STRING, 0, 0, "qosClass"},
    {10, K_MSG, REP, M_CORE_V1_CONTAINERSTATUS, "initContainerStatuses"},
    {11, K_STRING, 0, 0, "nominatedNodeName"},
    {12, K_MSG, REP, M_CORE_V1_PODIP, "podIPs"},
    {13, K_MSG, REP, M_CORE_V1_CONTAINERSTATUS, "ephemeralContainerStatuses"},
    {14, K_STRING, 0, 0, "resize"},
    {15, K_MSG, REP, M_CORE_V1_PODRESOURCECLAIMSTATUS, "resourceClaimStatuses"},
    {16, K_MSG, REP, M_CORE_V1_HOSTIP, "hostIPs"},
};
static const pb_field_t F_CORE_V1_POD[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_PODSPEC, "spec"},
    {3, K_MSG, 0, M_CORE_V1_PODSTATUS, "status"},
};
static const pb_field_t F_CORE_V1_PODSTATUSRESULT[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_PODSTATUS, "status"},
};
static const pb_field_t F_CORE_V1_PODTEMPLATE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_PODTEMPLATESPEC, "template"},
};
static const pb_field_t F_CORE_V1_RANGEALLOCATION[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_STRING, 0, 0, "range"},
    {3, K_BYTES, KEEP, 0, "data"},
};
static const pb_field_t F_CORE_V1_REPLICATIONCONTROLLERSPEC_SELECTORENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_REPLICATIONCONTROLLERSPEC[] = {
    {1, K_INT32, KEEP, 0, "replicas"},
    {2, K_MAP, 0, M_CORE_V1_REPLICATIONCONTROLLERSPEC_SELECTORENTRY, "selector"},
    {3, K_MSG, 0, M_CORE_V1_PODTEMPLATESPEC, "template"},
    {4, K_INT32, 0, 0, "minReadySeconds"},
};
static const pb_field_t F_CORE_V1_REPLICATIONCONTROLLERCONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_TIME, 0, 0, "lastTransitionTime"},
    {4, K_STRING, 0, 0, "reason"},
    {5, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_CORE_V1_REPLICATIONCONTROLLERSTATUS[] = {
    {1, K_INT32, 0, 0, "replicas"},
    {2, K_INT32, 0, 0, "fullyLabeledReplicas"},
    {3, K_INT64, 0, 0, "observedGeneration"},
    {4, K_INT32, 0, 0, "readyReplicas"},
    {5, K_INT32, 0, 0, "availableReplicas"},
    {6, K_MSG, REP, M_CORE_V1_REPLICATIONCONTROLLERCONDITION, "conditions"},
};
static const pb_field_t F_CORE_V1_REPLICATIONCONTROLLER[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_REPLICATIONCONTROLLERSPEC, "spec"},
    {3, K_MSG, 0, M_CORE_V1_REPLICATIONCONTROLLERSTATUS, "status"},
};
static const pb_field_t F_CORE_V1_RESOURCEQUOTASPEC_HARDENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_SCOPEDRESOURCESELECTORREQUIREMENT[] = {
    {1, K_STRING, 0, 0, "scopeName"},
    {2, K_STRING, 0, 0, "operator"},
    {3, K_STRING, REP, 0, "values"},
};
static const pb_field_t F_CORE_V1_SCOPESELECTOR[] = {
    {1, K_MSG, REP, M_CORE_V1_SCOPEDRESOURCESELECTORREQUIREMENT, "matchExpressions"},
};
static const pb_field_t F_CORE_V1_RESOURCEQUOTASPEC[] = {
    {1, K_MAP, 0, M_CORE_V1_RESOURCEQUOTASPEC_HARDENTRY, "hard"},
    {2, K_STRING, REP, 0, "scopes"},
    {3, K_MSG, 0, M_CORE_V1_SCOPESELECTOR, "scopeSelector"},
};
static const pb_field_t F_CORE_V1_RESOURCEQUOTASTATUS_HARDENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_RESOURCEQUOTASTATUS_USEDENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_QUANTITY, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_RESOURCEQUOTASTATUS[] = {
    {1, K_MAP, 0, M_CORE_V1_RESOURCEQUOTASTATUS_HARDENTRY, "hard"},
    {2, K_MAP, 0, M_CORE_V1_RESOURCEQUOTASTATUS_USEDENTRY, "used"},
};
static const pb_field_t F_CORE_V1_RESOURCEQUOTA[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_RESOURCEQUOTASPEC, "spec"},
    {3, K_MSG, 0, M_CORE_V1_RESOURCEQUOTASTATUS, "status"},
};
static const pb_field_t F_CORE_V1_SECRET_DATAENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_BYTES, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_SECRET_STRINGDATAENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_SECRET[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MAP, 0, M_CORE_V1_SECRET_DATAENTRY, "data"},
    {3, K_STRING, 0, 0, "type"},
    {4, K_MAP, 0, M_CORE_V1_SECRET_STRINGDATAENTRY, "stringData"},
    {5, K_BOOL, KEEP, 0, "immutable"},
};
static const pb_field_t F_CORE_V1_SERVICEPORT[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "protocol"},
    {3, K_INT32, KEEP, 0, "port"},
    {4, K_INTORSTR, 0, 0, "targetPort"},
    {5, K_INT32, 0, 0, "nodePort"},
    {6, K_STRING, KEEP, 0, "appProtocol"},
};
static const pb_field_t F_CORE_V1_SERVICESPEC_SELECTORENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_CLIENTIPCONFIG[] = {
    {1, K_INT32, KEEP, 0, "timeoutSeconds"},
};
static const pb_field_t F_CORE_V1_SESSIONAFFINITYCONFIG[] = {
    {1, K_MSG, 0, M_CORE_V1_CLIENTIPCONFIG, "clientIP"},
};
static const pb_field_t F_CORE_V1_SERVICESPEC[] = {
    {1, K_MSG, REP, M_CORE_V1_SERVICEPORT, "ports"},
    {2, K_MAP, 0, M_CORE_V1_SERVICESPEC_SELECTORENTRY, "selector"},
    {3, K_STRING, 0, 0, "clusterIP"},
    {4, K_STRING, 0, 0, "type"},
    {5, K_STRING, REP, 0, "externalIPs"},
    {7, K_STRING, 0, 0, "sessionAffinity"},
    {8, K_STRING, 0, 0, "loadBalancerIP"},
    {9, K_STRING, REP, 0, "loadBalancerSourceRanges"},
    {10, K_STRING, 0, 0, "externalName"},
    {11, K_STRING, 0, 0, "externalTrafficPolicy"},
    {12, K_INT32, 0, 0, "healthCheckNodePort"},
    {13, K_BOOL, 0, 0, "publishNotReadyAddresses"},
    {14, K_MSG, 0, M_CORE_V1_SESSIONAFFINITYCONFIG, "sessionAffinityConfig"},
    {17, K_STRING, KEEP, 0, "ipFamilyPolicy"},
    {18, K_STRING, REP, 0, "clusterIPs"},
    {19, K_STRING, REP, 0, "ipFamilies"},
    {20, K_BOOL, KEEP, 0, "allocateLoadBalancerNodePorts"},
    {21, K_STRING, KEEP, 0, "loadBalancerClass"},
    {22, K_STRING, KEEP, 0, "internalTrafficPolicy"},
    {23, K_STRING, KEEP, 0, "trafficDistribution"},
};
static const pb_field_t F_CORE_V1_PORTSTATUS[] = {
    {1, K_INT32, KEEP, 0, "port"},
    {2, K_STRING, 0, 0, "protocol"},
    {3, K_STRING, KEEP, 0, "error"},
};
static const pb_field_t F_CORE_V1_LOADBALANCERINGRESS[] = {
    {1, K_STRING, 0, 0, "ip"},
    {2, K_STRING, 0, 0, "hostname"},
    {3, K_STRING, KEEP, 0, "ipMode"},
    {4, K_MSG, REP, M_CORE_V1_PORTSTATUS, "ports"},
};
static const pb_field_t F_CORE_V1_LOADBALANCERSTATUS[] = {
    {1, K_MSG, REP, M_CORE_V1_LOADBALANCERINGRESS, "ingress"},
};
static const pb_field_t F_META_V1_CONDITION[] = {
    {1, K_STRING, 0, 0, "type"},
    {2, K_STRING, 0, 0, "status"},
    {3, K_INT64, 0, 0, "observedGeneration"},
    {4, K_TIME, 0, 0, "lastTransitionTime"},
    {5, K_STRING, 0, 0, "reason"},
    {6, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_CORE_V1_SERVICESTATUS[] = {
    {1, K_MSG, 0, M_CORE_V1_LOADBALANCERSTATUS, "loadBalancer"},
    {2, K_MSG, REP, M_META_V1_CONDITION, "conditions"},
};
static const pb_field_t F_CORE_V1_SERVICE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_CORE_V1_SERVICESPEC, "spec"},
    {3, K_MSG, 0, M_CORE_V1_SERVICESTATUS, "status"},
};
static const pb_field_t F_CORE_V1_SERVICEACCOUNT[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, REP, M_CORE_V1_OBJECTREFERENCE, "secrets"},
    {3, K_MSG, REP, M_CORE_V1_LOCALOBJECTREFERENCE, "imagePullSecrets"},
    {4, K_BOOL, KEEP, 0, "automountServiceAccountToken"},
};
static const pb_field_t F_DISCOVERY_V1_ENDPOINTCONDITIONS[] = {
    {1, K_BOOL, KEEP, 0, "ready"},
    {2, K_BOOL, KEEP, 0, "serving"},
    {3, K_BOOL, KEEP, 0, "terminating"},
};
static const pb_field_t F_DISCOVERY_V1_ENDPOINT_DEPRECATEDTOPOLOGYENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_DISCOVERY_V1_FORZONE[] = {
    {1, K_STRING, 0, 0, "name"},
};
static const pb_field_t F_DISCOVERY_V1_ENDPOINTHINTS[] = {
    {1, K_MSG, REP, M_DISCOVERY_V1_FORZONE, "forZones"},
};
static const pb_field_t F_DISCOVERY_V1_ENDPOINT[] = {
    {1, K_STRING, REP, 0, "addresses"},
    {2, K_MSG, 0, M_DISCOVERY_V1_ENDPOINTCONDITIONS, "conditions"},
    {3, K_STRING, KEEP, 0, "hostname"},
    {4, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "targetRef"},
    {5, K_MAP, 0, M_DISCOVERY_V1_ENDPOINT_DEPRECATEDTOPOLOGYENTRY, "deprecatedTopology"},
    {6, K_STRING, KEEP, 0, "nodeName"},
    {7, K_STRING, KEEP, 0, "zone"},
    {8, K_MSG, 0, M_DISCOVERY_V1_ENDPOINTHINTS, "hints"},
};
static const pb_field_t F_DISCOVERY_V1_ENDPOINTPORT[] = {
    {1, K_STRING, KEEP, 0, "name"},
    {2, K_STRING, KEEP, 0, "protocol"},
    {3, K_INT32, KEEP, 0, "port"},
    {4, K_STRING, KEEP, 0, "appProtocol"},
};
static const pb_field_t F_DISCOVERY_V1_ENDPOINTSLICE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, REP, M_DISCOVERY_V1_ENDPOINT, "endpoints"},
    {3, K_MSG, REP, M_DISCOVERY_V1_ENDPOINTPORT, "ports"},
    {4, K_STRING, 0, 0, "addressType"},
};
static const pb_field_t F_EVENTS_V1_EVENTSERIES[] = {
    {1, K_INT32, 0, 0, "count"},
    {2, K_MICROTIME, 0, 0, "lastObservedTime"},
};
static const pb_field_t F_EVENTS_V1_EVENT[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MICROTIME, 0, 0, "eventTime"},
    {3, K_MSG, 0, M_EVENTS_V1_EVENTSERIES, "series"},
    {4, K_STRING, 0, 0, "reportingController"},
    {5, K_STRING, 0, 0, "reportingInstance"},
    {6, K_STRING, 0, 0, "action"},
    {7, K_STRING, 0, 0, "reason"},
    {8, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "regarding"},
    {9, K_MSG, 0, M_CORE_V1_OBJECTREFERENCE, "related"},
    {10, K_STRING, 0, 0, "note"},
    {11, K_STRING, 0, 0, "type"},
    {12, K_MSG, 0, M_CORE_V1_EVENTSOURCE, "deprecatedSource"},
    {13, K_TIME, 0, 0, "deprecatedFirstTimestamp"},
    {14, K_TIME, 0, 0, "deprecatedLastTimestamp"},
    {15, K_INT32, 0, 0, "deprecatedCount"},
};
static const pb_field_t F_NETWORKING_V1_SERVICEBACKENDPORT[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_INT32, 0, 0, "number"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSSERVICEBACKEND[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_MSG, 0, M_NETWORKING_V1_SERVICEBACKENDPORT, "port"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSBACKEND[] = {
    {3, K_MSG, 0, M_CORE_V1_TYPEDLOCALOBJECTREFERENCE, "resource"},
    {4, K_MSG, 0, M_NETWORKING_V1_INGRESSSERVICEBACKEND, "service"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSTLS[] = {
    {1, K_STRING, REP, 0, "hosts"},
    {2, K_STRING, 0, 0, "secretName"},
};
static const pb_field_t F_NETWORKING_V1_HTTPINGRESSPATH[] = {
    {1, K_STRING, 0, 0, "path"},
    {2, K_MSG, 0, M_NETWORKING_V1_INGRESSBACKEND, "backend"},
    {3, K_STRING, KEEP, 0, "pathType"},
};
static const pb_field_t F_NETWORKING_V1_HTTPINGRESSRULEVALUE[] = {
    {1, K_MSG, REP, M_NETWORKING_V1_HTTPINGRESSPATH, "paths"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSRULEVALUE[] = {
    {1, K_MSG, 0, M_NETWORKING_V1_HTTPINGRESSRULEVALUE, "http"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSRULE[] = {
    {1, K_STRING, 0, 0, "host"},
    {2, K_MSG, INL, M_NETWORKING_V1_INGRESSRULEVALUE, NULL},
};
static const pb_field_t F_NETWORKING_V1_INGRESSSPEC[] = {
    {1, K_MSG, 0, M_NETWORKING_V1_INGRESSBACKEND, "defaultBackend"},
    {2, K_MSG, REP, M_NETWORKING_V1_INGRESSTLS, "tls"},
    {3, K_MSG, REP, M_NETWORKING_V1_INGRESSRULE, "rules"},
    {4, K_STRING, KEEP, 0, "ingressClassName"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSPORTSTATUS[] = {
    {1, K_INT32, KEEP, 0, "port"},
    {2, K_STRING, 0, 0, "protocol"},
    {3, K_STRING, KEEP, 0, "error"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSLOADBALANCERINGRESS[] = {
    {1, K_STRING, 0, 0, "ip"},
    {2, K_STRING, 0, 0, "hostname"},
    {4, K_MSG, REP, M_NETWORKING_V1_INGRESSPORTSTATUS, "ports"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSLOADBALANCERSTATUS[] = {
    {1, K_MSG, REP, M_NETWORKING_V1_INGRESSLOADBALANCERINGRESS, "ingress"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSSTATUS[] = {
    {1, K_MSG, 0, M_NETWORKING_V1_INGRESSLOADBALANCERSTATUS, "loadBalancer"},
};
static const pb_field_t F_NETWORKING_V1_INGRESS[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_NETWORKING_V1_INGRESSSPEC, "spec"},
    {3, K_MSG, 0, M_NETWORKING_V1_INGRESSSTATUS, "status"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSCLASSPARAMETERSREFERENCE[] = {
    {1, K_STRING, KEEP, 0, "aPIGroup"},
    {2, K_STRING, 0, 0, "kind"},
    {3, K_STRING, 0, 0, "name"},
    {4, K_STRING, KEEP, 0, "scope"},
    {5, K_STRING, KEEP, 0, "namespace"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSCLASSSPEC[] = {
    {1, K_STRING, 0, 0, "controller"},
    {2, K_MSG, 0, M_NETWORKING_V1_INGRESSCLASSPARAMETERSREFERENCE, "parameters"},
};
static const pb_field_t F_NETWORKING_V1_INGRESSCLASS[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_NETWORKING_V1_INGRESSCLASSSPEC, "spec"},
};
static const pb_field_t F_NETWORKING_V1_NETWORKPOLICYPORT[] = {
    {1, K_STRING, KEEP, 0, "protocol"},
    {2, K_INTORSTR, KEEP, 0, "port"},
    {3, K_INT32, KEEP, 0, "endPort"},
};
static const pb_field_t F_NETWORKING_V1_IPBLOCK[] = {
    {1, K_STRING, 0, 0, "cidr"},
    {2, K_STRING, REP, 0, "except"},
};
static const pb_field_t F_NETWORKING_V1_NETWORKPOLICYPEER[] = {
    {1, K_MSG, 0, M_META_V1_LABELSELECTOR, "podSelector"},
    {2, K_MSG, 0, M_META_V1_LABELSELECTOR, "namespaceSelector"},
    {3, K_MSG, 0, M_NETWORKING_V1_IPBLOCK, "ipBlock"},
};
static const pb_field_t F_NETWORKING_V1_NETWORKPOLICYINGRESSRULE[] = {
    {1, K_MSG, REP, M_NETWORKING_V1_NETWORKPOLICYPORT, "ports"},
    {2, K_MSG, REP, M_NETWORKING_V1_NETWORKPOLICYPEER, "from"},
};
static const pb_field_t F_NETWORKING_V1_NETWORKPOLICYEGRESSRULE[] = {
    {1, K_MSG, REP, M_NETWORKING_V1_NETWORKPOLICYPORT, "ports"},
    {2, K_MSG, REP, M_NETWORKING_V1_NETWORKPOLICYPEER, "to"},
};
static const pb_field_t F_NETWORKING_V1_NETWORKPOLICYSPEC[] = {
    {1, K_MSG, 0, M_META_V1_LABELSELECTOR, "podSelector"},
    {2, K_MSG, REP, M_NETWORKING_V1_NETWORKPOLICYINGRESSRULE, "ingress"},
    {3, K_MSG, REP, M_NETWORKING_V1_NETWORKPOLICYEGRESSRULE, "egress"},
    {4, K_STRING, REP, 0, "policyTypes"},
};
static const pb_field_t F_NETWORKING_V1_NETWORKPOLICY[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_NETWORKING_V1_NETWORKPOLICYSPEC, "spec"},
};
static const pb_field_t F_META_V1_PRECONDITIONS[] = {
    {1, K_STRING, KEEP, 0, "uid"},
    {2, K_STRING, KEEP, 0, "resourceVersion"},
};
static const pb_field_t F_META_V1_DELETEOPTIONS[] = {
    {1, K_INT64, KEEP, 0, "gracePeriodSeconds"},
    {2, K_MSG, 0, M_META_V1_PRECONDITIONS, "preconditions"},
    {3, K_BOOL, KEEP, 0, "orphanDependents"},
    {4, K_STRING, KEEP, 0, "propagationPolicy"},
    {5, K_STRING, REP, 0, "dryRun"},
    {6, K_BOOL, KEEP, 0, "ignoreStoreReadErrorWithClusterBreakingPotential"},
};
static const pb_field_t F_POLICY_V1_EVICTION[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_META_V1_DELETEOPTIONS, "deleteOptions"},
};
static const pb_field_t F_POLICY_V1_PODDISRUPTIONBUDGETSPEC[] = {
    {1, K_INTORSTR, KEEP, 0, "minAvailable"},
    {2, K_MSG, 0, M_META_V1_LABELSELECTOR, "selector"},
    {3, K_INTORSTR, KEEP, 0, "maxUnavailable"},
    {4, K_STRING, KEEP, 0, "unhealthyPodEvictionPolicy"},
};
static const pb_field_t F_POLICY_V1_PODDISRUPTIONBUDGETSTATUS_DISRUPTEDPODSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_TIME, KEEP, 0, "value"},
};
static const pb_field_t F_POLICY_V1_PODDISRUPTIONBUDGETSTATUS[] = {
    {1, K_INT64, 0, 0, "observedGeneration"},
    {2, K_MAP, 0, M_POLICY_V1_PODDISRUPTIONBUDGETSTATUS_DISRUPTEDPODSENTRY, "disruptedPods"},
    {3, K_INT32, KEEP, 0, "disruptionsAllowed"},
    {4, K_INT32, KEEP, 0, "currentHealthy"},
    {5, K_INT32, KEEP, 0, "desiredHealthy"},
    {6, K_INT32, KEEP, 0, "expectedPods"},
    {7, K_MSG, REP, M_META_V1_CONDITION, "conditions"},
};
static const pb_field_t F_POLICY_V1_PODDISRUPTIONBUDGET[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_POLICY_V1_PODDISRUPTIONBUDGETSPEC, "spec"},
    {3, K_MSG, 0, M_POLICY_V1_PODDISRUPTIONBUDGETSTATUS, "status"},
};
static const pb_field_t F_RBAC_V1_POLICYRULE[] = {
    {1, K_STRING, REP, 0, "verbs"},
    {2, K_STRING, REP, 0, "apiGroups"},
    {3, K_STRING, REP, 0, "resources"},
    {4, K_STRING, REP, 0, "resourceNames"},
    {5, K_STRING, REP, 0, "nonResourceURLs"},
};
static const pb_field_t F_RBAC_V1_AGGREGATIONRULE[] = {
    {1, K_MSG, REP, M_META_V1_LABELSELECTOR, "clusterRoleSelectors"},
};
static const pb_field_t F_RBAC_V1_CLUSTERROLE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, REP, M_RBAC_V1_POLICYRULE, "rules"},
    {3, K_MSG, 0, M_RBAC_V1_AGGREGATIONRULE, "aggregationRule"},
};
static const pb_field_t F_RBAC_V1_SUBJECT[] = {
    {1, K_STRING, 0, 0, "kind"},
    {2, K_STRING, 0, 0, "apiGroup"},
    {3, K_STRING, 0, 0, "name"},
    {4, K_STRING, 0, 0, "namespace"},
};
static const pb_field_t F_RBAC_V1_ROLEREF[] = {
    {1, K_STRING, 0, 0, "apiGroup"},
    {2, K_STRING, 0, 0, "kind"},
    {3, K_STRING, 0, 0, "name"},
};
static const pb_field_t F_RBAC_V1_CLUSTERROLEBINDING[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, REP, M_RBAC_V1_SUBJECT, "subjects"},
    {3, K_MSG, 0, M_RBAC_V1_ROLEREF, "roleRef"},
};
static const pb_field_t F_RBAC_V1_ROLE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, REP, M_RBAC_V1_POLICYRULE, "rules"},
};
static const pb_field_t F_RBAC_V1_ROLEBINDING[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, REP, M_RBAC_V1_SUBJECT, "subjects"},
    {3, K_MSG, 0, M_RBAC_V1_ROLEREF, "roleRef"},
};
static const pb_field_t F_SCHEDULING_V1_PRIORITYCLASS[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_INT32, KEEP, 0, "value"},
    {3, K_BOOL, 0, 0, "globalDefault"},
    {4, K_STRING, 0, 0, "description"},
    {5, K_STRING, KEEP, 0, "preemptionPolicy"},
};
static const pb_field_t F_STORAGE_V1_TOKENREQUEST[] = {
    {1, K_STRING, 0, 0, "audience"},
    {2, K_INT64, KEEP, 0, "expirationSeconds"},
};
static const pb_field_t F_STORAGE_V1_CSIDRIVERSPEC[] = {
    {1, K_BOOL, KEEP, 0, "attachRequired"},
    {2, K_BOOL, KEEP, 0, "podInfoOnMount"},
    {3, K_STRING, REP, 0, "volumeLifecycleModes"},
    {4, K_BOOL, KEEP, 0, "storageCapacity"},
    {5, K_STRING, KEEP, 0, "fsGroupPolicy"},
    {6, K_MSG, REP, M_STORAGE_V1_TOKENREQUEST, "tokenRequests"},
    {7, K_BOOL, KEEP, 0, "requiresRepublish"},
    {8, K_BOOL, KEEP, 0, "seLinuxMount"},
};
static const pb_field_t F_STORAGE_V1_CSIDRIVER[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_STORAGE_V1_CSIDRIVERSPEC, "spec"},
};
static const pb_field_t F_STORAGE_V1_VOLUMENODERESOURCES[] = {
    {1, K_INT32, KEEP, 0, "count"},
};
static const pb_field_t F_STORAGE_V1_CSINODEDRIVER[] = {
    {1, K_STRING, 0, 0, "name"},
    {2, K_STRING, 0, 0, "nodeID"},
    {3, K_STRING, REP, 0, "topologyKeys"},
    {4, K_MSG, 0, M_STORAGE_V1_VOLUMENODERESOURCES, "allocatable"},
};
static const pb_field_t F_STORAGE_V1_CSINODESPEC[] = {
    {1, K_MSG, REP, M_STORAGE_V1_CSINODEDRIVER, "drivers"},
};
static const pb_field_t F_STORAGE_V1_CSINODE[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_STORAGE_V1_CSINODESPEC, "spec"},
};
static const pb_field_t F_STORAGE_V1_CSISTORAGECAPACITY[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_META_V1_LABELSELECTOR, "nodeTopology"},
    {3, K_STRING, 0, 0, "storageClassName"},
    {4, K_QUANTITY, KEEP, 0, "capacity"},
    {5, K_QUANTITY, KEEP, 0, "maximumVolumeSize"},
};
static const pb_field_t F_STORAGE_V1_STORAGECLASS_PARAMETERSENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_CORE_V1_TOPOLOGYSELECTORLABELREQUIREMENT[] = {
    {1, K_STRING, 0, 0, "key"},
    {2, K_STRING, REP, 0, "values"},
};
static const pb_field_t F_CORE_V1_TOPOLOGYSELECTORTERM[] = {
    {1, K_MSG, REP, M_CORE_V1_TOPOLOGYSELECTORLABELREQUIREMENT, "matchLabelExpressions"},
};
static const pb_field_t F_STORAGE_V1_STORAGECLASS[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_STRING, 0, 0, "provisioner"},
    {3, K_MAP, 0, M_STORAGE_V1_STORAGECLASS_PARAMETERSENTRY, "parameters"},
    {4, K_STRING, KEEP, 0, "reclaimPolicy"},
    {5, K_STRING, REP, 0, "mountOptions"},
    {6, K_BOOL, KEEP, 0, "allowVolumeExpansion"},
    {7, K_STRING, KEEP, 0, "volumeBindingMode"},
    {8, K_MSG, REP, M_CORE_V1_TOPOLOGYSELECTORTERM, "allowedTopologies"},
};
static const pb_field_t F_STORAGE_V1_VOLUMEATTACHMENTSOURCE[] = {
    {1, K_STRING, KEEP, 0, "persistentVolumeName"},
    {2, K_MSG, 0, M_CORE_V1_PERSISTENTVOLUMESPEC, "inlineVolumeSpec"},
};
static const pb_field_t F_STORAGE_V1_VOLUMEATTACHMENTSPEC[] = {
    {1, K_STRING, 0, 0, "attacher"},
    {2, K_MSG, 0, M_STORAGE_V1_VOLUMEATTACHMENTSOURCE, "source"},
    {3, K_STRING, 0, 0, "nodeName"},
};
static const pb_field_t F_STORAGE_V1_VOLUMEATTACHMENTSTATUS_ATTACHMENTMETADATAENTRY[] = {
    {1, K_STRING, KEEP, 0, "key"},
    {2, K_STRING, KEEP, 0, "value"},
};
static const pb_field_t F_STORAGE_V1_VOLUMEERROR[] = {
    {1, K_TIME, 0, 0, "time"},
    {2, K_STRING, 0, 0, "message"},
};
static const pb_field_t F_STORAGE_V1_VOLUMEATTACHMENTSTATUS[] = {
    {1, K_BOOL, KEEP, 0, "attached"},
    {2, K_MAP, 0, M_STORAGE_V1_VOLUMEATTACHMENTSTATUS_ATTACHMENTMETADATAENTRY, "attachmentMetadata"},
    {3, K_MSG, 0, M_STORAGE_V1_VOLUMEERROR, "attachError"},
    {4, K_MSG, 0, M_STORAGE_V1_VOLUMEERROR, "detachError"},
};
static const pb_field_t F_STORAGE_V1_VOLUMEATTACHMENT[] = {
    {1, K_MSG, 0, M_META_V1_OBJECTMETA, "metadata"},
    {2, K_MSG, 0, M_STORAGE_V1_VOLUMEATTACHMENTSPEC, "spec"},
    {3, K_MSG, 0, M_STORAGE_V1_VOLUMEATTACHMENTSTATUS, "status"},
};

#define MSG(id, name) [M_##id] = {name, F_##id, CUBE_ARRAY_SIZE(F_##id)}
static const pb_msg_t msgs[M__COUNT] = {
    MSG(META_V1_OBJECTMETA_LABELSENTRY, "LabelsEntry"),
    MSG(META_V1_OBJECTMETA_ANNOTATIONSENTRY, "AnnotationsEntry"),
    MSG(META_V1_OWNERREFERENCE, "OwnerReference"),
    MSG(META_V1_MANAGEDFIELDSENTRY, "ManagedFieldsEntry"),
    MSG(META_V1_OBJECTMETA, "ObjectMeta"),
    MSG(APPS_V1_CONTROLLERREVISION, "ControllerRevision"),
    MSG(META_V1_LABELSELECTOR_MATCHLABELSENTRY, "MatchLabelsEntry"),
    MSG(META_V1_LABELSELECTORREQUIREMENT, "LabelSelectorRequirement"),
    MSG(META_V1_LABELSELECTOR, "LabelSelector"),
    MSG(CORE_V1_HOSTPATHVOLUMESOURCE, "HostPathVolumeSource"),
    MSG(CORE_V1_EMPTYDIRVOLUMESOURCE, "EmptyDirVolumeSource"),
    MSG(CORE_V1_GCEPERSISTENTDISKVOLUMESOURCE, "GCEPersistentDiskVolumeSource"),
    MSG(CORE_V1_AWSELASTICBLOCKSTOREVOLUMESOURCE, "AWSElasticBlockStoreVolumeSource"),
    MSG(CORE_V1_GITREPOVOLUMESOURCE, "GitRepoVolumeSource"),
    MSG(CORE_V1_KEYTOPATH, "KeyToPath"),
    MSG(CORE_V1_SECRETVOLUMESOURCE, "SecretVolumeSource"),
    MSG(CORE_V1_NFSVOLUMESOURCE, "NFSVolumeSource"),
    MSG(CORE_V1_LOCALOBJECTREFERENCE, "LocalObjectReference"),
    MSG(CORE_V1_ISCSIVOLUMESOURCE, "ISCSIVolumeSource"),
    MSG(CORE_V1_GLUSTERFSVOLUMESOURCE, "GlusterfsVolumeSource"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIMVOLUMESOURCE, "PersistentVolumeClaimVolumeSource"),
    MSG(CORE_V1_RBDVOLUMESOURCE, "RBDVolumeSource"),
    MSG(CORE_V1_FLEXVOLUMESOURCE_OPTIONSENTRY, "OptionsEntry"),
    MSG(CORE_V1_FLEXVOLUMESOURCE, "FlexVolumeSource"),
    MSG(CORE_V1_CINDERVOLUMESOURCE, "CinderVolumeSource"),
    MSG(CORE_V1_CEPHFSVOLUMESOURCE, "CephFSVolumeSource"),
    MSG(CORE_V1_FLOCKERVOLUMESOURCE, "FlockerVolumeSource"),
    MSG(CORE_V1_OBJECTFIELDSELECTOR, "ObjectFieldSelector"),
    MSG(CORE_V1_RESOURCEFIELDSELECTOR, "ResourceFieldSelector"),
    MSG(CORE_V1_DOWNWARDAPIVOLUMEFILE, "DownwardAPIVolumeFile"),
    MSG(CORE_V1_DOWNWARDAPIVOLUMESOURCE, "DownwardAPIVolumeSource"),
    MSG(CORE_V1_FCVOLUMESOURCE, "FCVolumeSource"),
    MSG(CORE_V1_AZUREFILEVOLUMESOURCE, "AzureFileVolumeSource"),
    MSG(CORE_V1_CONFIGMAPVOLUMESOURCE, "ConfigMapVolumeSource"),
    MSG(CORE_V1_VSPHEREVIRTUALDISKVOLUMESOURCE, "VsphereVirtualDiskVolumeSource"),
    MSG(CORE_V1_QUOBYTEVOLUMESOURCE, "QuobyteVolumeSource"),
    MSG(CORE_V1_AZUREDISKVOLUMESOURCE, "AzureDiskVolumeSource"),
    MSG(CORE_V1_PHOTONPERSISTENTDISKVOLUMESOURCE, "PhotonPersistentDiskVolumeSource"),
    MSG(CORE_V1_SECRETPROJECTION, "SecretProjection"),
    MSG(CORE_V1_DOWNWARDAPIPROJECTION, "DownwardAPIProjection"),
    MSG(CORE_V1_CONFIGMAPPROJECTION, "ConfigMapProjection"),
    MSG(CORE_V1_SERVICEACCOUNTTOKENPROJECTION, "ServiceAccountTokenProjection"),
    MSG(CORE_V1_CLUSTERTRUSTBUNDLEPROJECTION, "ClusterTrustBundleProjection"),
    MSG(CORE_V1_VOLUMEPROJECTION, "VolumeProjection"),
    MSG(CORE_V1_PROJECTEDVOLUMESOURCE, "ProjectedVolumeSource"),
    MSG(CORE_V1_PORTWORXVOLUMESOURCE, "PortworxVolumeSource"),
    MSG(CORE_V1_SCALEIOVOLUMESOURCE, "ScaleIOVolumeSource"),
    MSG(CORE_V1_STORAGEOSVOLUMESOURCE, "StorageOSVolumeSource"),
    MSG(CORE_V1_CSIVOLUMESOURCE_VOLUMEATTRIBUTESENTRY, "VolumeAttributesEntry"),
    MSG(CORE_V1_CSIVOLUMESOURCE, "CSIVolumeSource"),
    MSG(CORE_V1_VOLUMERESOURCEREQUIREMENTS_LIMITSENTRY, "LimitsEntry"),
    MSG(CORE_V1_VOLUMERESOURCEREQUIREMENTS_REQUESTSENTRY, "RequestsEntry"),
    MSG(CORE_V1_VOLUMERESOURCEREQUIREMENTS, "VolumeResourceRequirements"),
    MSG(CORE_V1_TYPEDLOCALOBJECTREFERENCE, "TypedLocalObjectReference"),
    MSG(CORE_V1_TYPEDOBJECTREFERENCE, "TypedObjectReference"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIMSPEC, "PersistentVolumeClaimSpec"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIMTEMPLATE, "PersistentVolumeClaimTemplate"),
    MSG(CORE_V1_EPHEMERALVOLUMESOURCE, "EphemeralVolumeSource"),
    MSG(CORE_V1_IMAGEVOLUMESOURCE, "ImageVolumeSource"),
    MSG(CORE_V1_VOLUMESOURCE, "VolumeSource"),
    MSG(CORE_V1_VOLUME, "Volume"),
    MSG(CORE_V1_CONTAINERPORT, "ContainerPort"),
    MSG(CORE_V1_CONFIGMAPENVSOURCE, "ConfigMapEnvSource"),
    MSG(CORE_V1_SECRETENVSOURCE, "SecretEnvSource"),
    MSG(CORE_V1_ENVFROMSOURCE, "EnvFromSource"),
    MSG(CORE_V1_CONFIGMAPKEYSELECTOR, "ConfigMapKeySelector"),
    MSG(CORE_V1_SECRETKEYSELECTOR, "SecretKeySelector"),
    MSG(CORE_V1_ENVVARSOURCE, "EnvVarSource"),
    MSG(CORE_V1_ENVVAR, "EnvVar"),
    MSG(CORE_V1_RESOURCEREQUIREMENTS_LIMITSENTRY, "LimitsEntry"),
    MSG(CORE_V1_RESOURCEREQUIREMENTS_REQUESTSENTRY, "RequestsEntry"),
    MSG(CORE_V1_RESOURCECLAIM, "ResourceClaim"),
    MSG(CORE_V1_RESOURCEREQUIREMENTS, "ResourceRequirements"),
    MSG(CORE_V1_CONTAINERRESIZEPOLICY, "ContainerResizePolicy"),
    MSG(CORE_V1_VOLUMEMOUNT, "VolumeMount"),
    MSG(CORE_V1_VOLUMEDEVICE, "VolumeDevice"),
    MSG(CORE_V1_EXECACTION, "ExecAction"),
    MSG(CORE_V1_HTTPHEADER, "HTTPHeader"),
    MSG(CORE_V1_HTTPGETACTION, "HTTPGetAction"),
    MSG(CORE_V1_TCPSOCKETACTION, "TCPSocketAction"),
    MSG(CORE_V1_GRPCACTION, "GRPCAction"),
    MSG(CORE_V1_PROBEHANDLER, "ProbeHandler"),
    MSG(CORE_V1_PROBE, "Probe"),
    MSG(CORE_V1_SLEEPACTION, "SleepAction"),
    MSG(CORE_V1_LIFECYCLEHANDLER, "LifecycleHandler"),
    MSG(CORE_V1_LIFECYCLE, "Lifecycle"),
    MSG(CORE_V1_CAPABILITIES, "Capabilities"),
    MSG(CORE_V1_SELINUXOPTIONS, "SELinuxOptions"),
    MSG(CORE_V1_WINDOWSSECURITYCONTEXTOPTIONS, "WindowsSecurityContextOptions"),
    MSG(CORE_V1_SECCOMPPROFILE, "SeccompProfile"),
    MSG(CORE_V1_APPARMORPROFILE, "AppArmorProfile"),
    MSG(CORE_V1_SECURITYCONTEXT, "SecurityContext"),
    MSG(CORE_V1_CONTAINER, "Container"),
    MSG(CORE_V1_EPHEMERALCONTAINERCOMMON, "EphemeralContainerCommon"),
    MSG(CORE_V1_EPHEMERALCONTAINER, "EphemeralContainer"),
    MSG(CORE_V1_PODSPEC_NODESELECTORENTRY, "NodeSelectorEntry"),
    MSG(CORE_V1_SYSCTL, "Sysctl"),
    MSG(CORE_V1_PODSECURITYCONTEXT, "PodSecurityContext"),
    MSG(CORE_V1_NODESELECTORREQUIREMENT, "NodeSelectorRequirement"),
    MSG(CORE_V1_NODESELECTORTERM, "NodeSelectorTerm"),
    MSG(CORE_V1_NODESELECTOR, "NodeSelector"),
    MSG(CORE_V1_PREFERREDSCHEDULINGTERM, "PreferredSchedulingTerm"),
    MSG(CORE_V1_NODEAFFINITY, "NodeAffinity"),
    MSG(CORE_V1_PODAFFINITYTERM, "PodAffinityTerm"),
    MSG(CORE_V1_WEIGHTEDPODAFFINITYTERM, "WeightedPodAffinityTerm"),
    MSG(CORE_V1_PODAFFINITY, "PodAffinity"),
    MSG(CORE_V1_PODANTIAFFINITY, "PodAntiAffinity"),
    MSG(CORE_V1_AFFINITY, "Affinity"),
    MSG(CORE_V1_TOLERATION, "Toleration"),
    MSG(CORE_V1_HOSTALIAS, "HostAlias"),
    MSG(CORE_V1_PODDNSCONFIGOPTION, "PodDNSConfigOption"),
    MSG(CORE_V1_PODDNSCONFIG, "PodDNSConfig"),
    MSG(CORE_V1_PODREADINESSGATE, "PodReadinessGate"),
    MSG(CORE_V1_PODSPEC_OVERHEADENTRY, "OverheadEntry"),
    MSG(CORE_V1_TOPOLOGYSPREADCONSTRAINT, "TopologySpreadConstraint"),
    MSG(CORE_V1_PODOS, "PodOS"),
    MSG(CORE_V1_PODSCHEDULINGGATE, "PodSchedulingGate"),
    MSG(CORE_V1_PODRESOURCECLAIM, "PodResourceClaim"),
    MSG(CORE_V1_PODSPEC, "PodSpec"),
    MSG(CORE_V1_PODTEMPLATESPEC, "PodTemplateSpec"),
    MSG(APPS_V1_ROLLINGUPDATEDAEMONSET, "RollingUpdateDaemonSet"),
    MSG(APPS_V1_DAEMONSETUPDATESTRATEGY, "DaemonSetUpdateStrategy"),
    MSG(APPS_V1_DAEMONSETSPEC, "DaemonSetSpec"),
    MSG(APPS_V1_DAEMONSETCONDITION, "DaemonSetCondition"),
    MSG(APPS_V1_DAEMONSETSTATUS, "DaemonSetStatus"),
    MSG(APPS_V1_DAEMONSET, "DaemonSet"),
    MSG(APPS_V1_ROLLINGUPDATEDEPLOYMENT, "RollingUpdateDeployment"),
    MSG(APPS_V1_DEPLOYMENTSTRATEGY, "DeploymentStrategy"),
    MSG(APPS_V1_DEPLOYMENTSPEC, "DeploymentSpec"),
    MSG(APPS_V1_DEPLOYMENTCONDITION, "DeploymentCondition"),
    MSG(APPS_V1_DEPLOYMENTSTATUS, "DeploymentStatus"),
    MSG(APPS_V1_DEPLOYMENT, "Deployment"),
    MSG(APPS_V1_REPLICASETSPEC, "ReplicaSetSpec"),
    MSG(APPS_V1_REPLICASETCONDITION, "ReplicaSetCondition"),
    MSG(APPS_V1_REPLICASETSTATUS, "ReplicaSetStatus"),
    MSG(APPS_V1_REPLICASET, "ReplicaSet"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_CAPACITYENTRY, "CapacityEntry"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIMCONDITION, "PersistentVolumeClaimCondition"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_ALLOCATEDRESOURCESENTRY, "AllocatedResourcesEntry"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIMSTATUS_ALLOCATEDRESOURCESTATUSESENTRY, "AllocatedResourceStatusesEntry"),
    MSG(CORE_V1_MODIFYVOLUMESTATUS, "ModifyVolumeStatus"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIMSTATUS, "PersistentVolumeClaimStatus"),
    MSG(CORE_V1_PERSISTENTVOLUMECLAIM, "PersistentVolumeClaim"),
    MSG(APPS_V1_ROLLINGUPDATESTATEFULSETSTRATEGY, "RollingUpdateStatefulSetStrategy"),
    MSG(APPS_V1_STATEFULSETUPDATESTRATEGY, "StatefulSetUpdateStrategy"),
    MSG(APPS_V1_STATEFULSETPERSISTENTVOLUMECLAIMRETENTIONPOLICY, "StatefulSetPersistentVolumeClaimRetentionPolicy"),
    MSG(APPS_V1_STATEFULSETORDINALS, "StatefulSetOrdinals"),
    MSG(APPS_V1_STATEFULSETSPEC, "StatefulSetSpec"),
    MSG(APPS_V1_STATEFULSETCONDITION, "StatefulSetCondition"),
    MSG(APPS_V1_STATEFULSETSTATUS, "StatefulSetStatus"),
    MSG(APPS_V1_STATEFULSET, "StatefulSet"),
    MSG(AUTHENTICATION_V1_EXTRAVALUE, "ExtraValue"),
    MSG(AUTHENTICATION_V1_USERINFO_EXTRAENTRY, "ExtraEntry"),
    MSG(AUTHENTICATION_V1_USERINFO, "UserInfo"),
    MSG(AUTHENTICATION_V1_SELFSUBJECTREVIEWSTATUS, "SelfSubjectReviewStatus"),
    MSG(AUTHENTICATION_V1_SELFSUBJECTREVIEW, "SelfSubjectReview"),
    MSG(AUTHENTICATION_V1_BOUNDOBJECTREFERENCE, "BoundObjectReference"),
    MSG(AUTHENTICATION_V1_TOKENREQUESTSPEC, "TokenRequestSpec"),
    MSG(AUTHENTICATION_V1_TOKENREQUESTSTATUS, "TokenRequestStatus"),
    MSG(AUTHENTICATION_V1_TOKENREQUEST, "TokenRequest"),
    MSG(AUTHENTICATION_V1_TOKENREVIEWSPEC, "TokenReviewSpec"),
    MSG(AUTHENTICATION_V1_TOKENREVIEWSTATUS, "TokenReviewStatus"),
    MSG(AUTHENTICATION_V1_TOKENREVIEW, "TokenReview"),
    MSG(META_V1_FIELDSELECTORREQUIREMENT, "FieldSelectorRequirement"),
    MSG(AUTHORIZATION_V1_FIELDSELECTORATTRIBUTES, "FieldSelectorAttributes"),
    MSG(AUTHORIZATION_V1_LABELSELECTORATTRIBUTES, "LabelSelectorAttributes"),
    MSG(AUTHORIZATION_V1_RESOURCEATTRIBUTES, "ResourceAttributes"),
    MSG(AUTHORIZATION_V1_NONRESOURCEATTRIBUTES, "NonResourceAttributes"),
    MSG(AUTHORIZATION_V1_EXTRAVALUE, "ExtraValue"),
    MSG(AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC_EXTRAENTRY, "ExtraEntry"),
    MSG(AUTHORIZATION_V1_SUBJECTACCESSREVIEWSPEC, "SubjectAccessReviewSpec"),
    MSG(AUTHORIZATION_V1_SUBJECTACCESSREVIEWSTATUS, "SubjectAccessReviewStatus"),
    MSG(AUTHORIZATION_V1_LOCALSUBJECTACCESSREVIEW, "LocalSubjectAccessReview"),
    MSG(AUTHORIZATION_V1_SELFSUBJECTACCESSREVIEWSPEC, "SelfSubjectAccessReviewSpec"),
    MSG(AUTHORIZATION_V1_SELFSUBJECTACCESSREVIEW, "SelfSubjectAccessReview"),
    MSG(AUTHORIZATION_V1_SELFSUBJECTRULESREVIEWSPEC, "SelfSubjectRulesReviewSpec"),
    MSG(AUTHORIZATION_V1_RESOURCERULE, "ResourceRule"),
    MSG(AUTHORIZATION_V1_NONRESOURCERULE, "NonResourceRule"),
    MSG(AUTHORIZATION_V1_SUBJECTRULESREVIEWSTATUS, "SubjectRulesReviewStatus"),
    MSG(AUTHORIZATION_V1_SELFSUBJECTRULESREVIEW, "SelfSubjectRulesReview"),
    MSG(AUTHORIZATION_V1_SUBJECTACCESSREVIEW, "SubjectAccessReview"),
    MSG(AUTOSCALING_V1_CROSSVERSIONOBJECTREFERENCE, "CrossVersionObjectReference"),
    MSG(AUTOSCALING_V1_HORIZONTALPODAUTOSCALERSPEC, "HorizontalPodAutoscalerSpec"),
    MSG(AUTOSCALING_V1_HORIZONTALPODAUTOSCALERSTATUS, "HorizontalPodAutoscalerStatus"),
    MSG(AUTOSCALING_V1_HORIZONTALPODAUTOSCALER, "HorizontalPodAutoscaler"),
    MSG(AUTOSCALING_V1_SCALESPEC, "ScaleSpec"),
    MSG(AUTOSCALING_V1_SCALESTATUS, "ScaleStatus"),
    MSG(AUTOSCALING_V1_SCALE, "Scale"),
    MSG(AUTOSCALING_V2_CROSSVERSIONOBJECTREFERENCE, "CrossVersionObjectReference"),
    MSG(AUTOSCALING_V2_METRICTARGET, "MetricTarget"),
    MSG(AUTOSCALING_V2_METRICIDENTIFIER, "MetricIdentifier"),
    MSG(AUTOSCALING_V2_OBJECTMETRICSOURCE, "ObjectMetricSource"),
    MSG(AUTOSCALING_V2_PODSMETRICSOURCE, "PodsMetricSource"),
    MSG(AUTOSCALING_V2_RESOURCEMETRICSOURCE, "ResourceMetricSource"),
    MSG(AUTOSCALING_V2_CONTAINERRESOURCEMETRICSOURCE, "ContainerResourceMetricSource"),
    MSG(AUTOSCALING_V2_EXTERNALMETRICSOURCE, "ExternalMetricSource"),
    MSG(AUTOSCALING_V2_METRICSPEC, "MetricSpec"),
    MSG(AUTOSCALING_V2_HPASCALINGPOLICY, "HPAScalingPolicy"),
    MSG(AUTOSCALING_V2_HPASCALINGRULES, "HPAScalingRules"),
    MSG(AUTOSCALING_V2_HORIZONTALPODAUTOSCALERBEHAVIOR, "HorizontalPodAutoscalerBehavior"),
    MSG(AUTOSCALING_V2_HORIZONTALPODAUTOSCALERSPEC, "HorizontalPodAutoscalerSpec"),
    MSG(AUTOSCALING_V2_METRICVALUESTATUS, "MetricValueStatus"),
    MSG(AUTOSCALING_V2_OBJECTMETRICSTATUS, "ObjectMetricStatus"),
    MSG(AUTOSCALING_V2_PODSMETRICSTATUS, "PodsMetricStatus"),
    MSG(AUTOSCALING_V2_RESOURCEMETRICSTATUS, "ResourceMetricStatus"),
    MSG(AUTOSCALING_V2_CONTAINERRESOURCEMETRICSTATUS, "ContainerResourceMetricStatus"),
    MSG(AUTOSCALING_V2_EXTERNALMETRICSTATUS, "ExternalMetricStatus"),
    MSG(AUTOSCALING_V2_METRICSTATUS, "MetricStatus"),
    MSG(AUTOSCALING_V2_HORIZONTALPODAUTOSCALERCONDITION, "HorizontalPodAutoscalerCondition"),
    MSG(AUTOSCALING_V2_HORIZONTALPODAUTOSCALERSTATUS, "HorizontalPodAutoscalerStatus"),
    MSG(AUTOSCALING_V2_HORIZONTALPODAUTOSCALER, "HorizontalPodAutoscaler"),
    MSG(BATCH_V1_PODFAILUREPOLICYONEXITCODESREQUIREMENT, "PodFailurePolicyOnExitCodesRequirement"),
    MSG(BATCH_V1_PODFAILUREPOLICYONPODCONDITIONSPATTERN, "PodFailurePolicyOnPodConditionsPattern"),
    MSG(BATCH_V1_PODFAILUREPOLICYRULE, "PodFailurePolicyRule"),
    MSG(BATCH_V1_PODFAILUREPOLICY, "PodFailurePolicy"),
    MSG(BATCH_V1_SUCCESSPOLICYRULE, "SuccessPolicyRule"),
    MSG(BATCH_V1_SUCCESSPOLICY, "SuccessPolicy"),
    MSG(BATCH_V1_JOBSPEC, "JobSpec"),
    MSG(BATCH_V1_JOBTEMPLATESPEC, "JobTemplateSpec"),
    MSG(BATCH_V1_CRONJOBSPEC, "CronJobSpec"),
    MSG(CORE_V1_OBJECTREFERENCE, "ObjectReference"),
    MSG(BATCH_V1_CRONJOBSTATUS, "CronJobStatus"),
    MSG(BATCH_V1_CRONJOB, "CronJob"),
    MSG(BATCH_V1_JOBCONDITION, "JobCondition"),
    MSG(BATCH_V1_UNCOUNTEDTERMINATEDPODS, "UncountedTerminatedPods"),
    MSG(BATCH_V1_JOBSTATUS, "JobStatus"),
    MSG(BATCH_V1_JOB, "Job"),
    MSG(COORDINATION_V1_LEASESPEC, "LeaseSpec"),
    MSG(COORDINATION_V1_LEASE, "Lease"),
    MSG(CORE_V1_BINDING, "Binding"),
    MSG(CORE_V1_COMPONENTCONDITION, "ComponentCondition"),
    MSG(CORE_V1_COMPONENTSTATUS, "ComponentStatus"),
    MSG(CORE_V1_CONFIGMAP_DATAENTRY, "DataEntry"),
    MSG(CORE_V1_CONFIGMAP_BINARYDATAENTRY, "BinaryDataEntry"),
    MSG(CORE_V1_CONFIGMAP, "ConfigMap"),
    MSG(CORE_V1_ENDPOINTADDRESS, "EndpointAddress"),
    MSG(CORE_V1_ENDPOINTPORT, "EndpointPort"),
    MSG(CORE_V1_ENDPOINTSUBSET, "EndpointSubset"),
    MSG(CORE_V1_ENDPOINTS, "Endpoints"),
    MSG(CORE_V1_EVENTSOURCE, "EventSource"),
    MSG(CORE_V1_EVENTSERIES, "EventSeries"),
    MSG(CORE_V1_EVENT, "Event"),
    MSG(CORE_V1_LIMITRANGEITEM_MAXENTRY, "MaxEntry"),
    MSG(CORE_V1_LIMITRANGEITEM_MINENTRY, "MinEntry"),
    MSG(CORE_V1_LIMITRANGEITEM_DEFAULTENTRY, "DefaultEntry"),
    MSG(CORE_V1_LIMITRANGEITEM_DEFAULTREQUESTENTRY, "DefaultRequestEntry"),
    MSG(CORE_V1_LIMITRANGEITEM_MAXLIMITREQUESTRATIOENTRY, "MaxLimitRequestRatioEntry"),
    MSG(CORE_V1_LIMITRANGEITEM, "LimitRangeItem"),
    MSG(CORE_V1_LIMITRANGESPEC, "LimitRangeSpec"),
    MSG(CORE_V1_LIMITRANGE, "LimitRange"),
    MSG(CORE_V1_NAMESPACESPEC, "NamespaceSpec"),
    MSG(CORE_V1_NAMESPACECONDITION, "NamespaceCondition"),
    MSG(CORE_V1_NAMESPACESTATUS, "NamespaceStatus"),
    MSG(CORE_V1_NAMESPACE, "Namespace"),
    MSG(CORE_V1_TAINT, "Taint"),
    MSG(CORE_V1_CONFIGMAPNODECONFIGSOURCE, "ConfigMapNodeConfigSource"),
    MSG(CORE_V1_NODECONFIGSOURCE, "NodeConfigSource"),
    MSG(CORE_V1_NODESPEC, "NodeSpec"),
    MSG(CORE_V1_NODESTATUS_CAPACITYENTRY, "CapacityEntry"),
    MSG(CORE_V1_NODESTATUS_ALLOCATABLEENTRY, "AllocatableEntry"),
    MSG(CORE_V1_NODECONDITION, "NodeCondition"),
    MSG(CORE_V1_NODEADDRESS, "NodeAddress"),
    MSG(CORE_V1_DAEMONENDPOINT, "DaemonEndpoint"),
    MSG(CORE_V1_NODEDAEMONENDPOINTS, "NodeDaemonEndpoints"),
    MSG(CORE_V1_NODESYSTEMINFO, "NodeSystemInfo"),
    MSG(CORE_V1_CONTAINERIMAGE, "ContainerImage"),
    MSG(CORE_V1_ATTACHEDVOLUME, "AttachedVolume"),
    MSG(CORE_V1_NODECONFIGSTATUS, "NodeConfigStatus"),
    MSG(CORE_V1_NODERUNTIMEHANDLERFEATURES, "NodeRuntimeHandlerFeatures"),
    MSG(CORE_V1_NODERUNTIMEHANDLER, "NodeRuntimeHandler"),
    MSG(CORE_V1_NODEFEATURES, "NodeFeatures"),
    MSG(CORE_V1_NODESTATUS, "NodeStatus"),
    MSG(CORE_V1_NODE, "Node"),
    MSG(CORE_V1_PERSISTENTVOLUMESPEC_CAPACITYENTRY, "CapacityEntry"),
    MSG(CORE_V1_GLUSTERFSPERSISTENTVOLUMESOURCE, "GlusterfsPersistentVolumeSource"),
    MSG(CORE_V1_SECRETREFERENCE, "SecretReference"),
    MSG(CORE_V1_RBDPERSISTENTVOLUMESOURCE, "RBDPersistentVolumeSource"),
    MSG(CORE_V1_ISCSIPERSISTENTVOLUMESOURCE, "ISCSIPersistentVolumeSource"),
    MSG(CORE_V1_CINDERPERSISTENTVOLUMESOURCE, "CinderPersistentVolumeSource"),
    MSG(CORE_V1_CEPHFSPERSISTENTVOLUMESOURCE, "CephFSPersistentVolumeSource"),
    MSG(CORE_V1_FLEXPERSISTENTVOLUMESOURCE_OPTIONSENTRY, "OptionsEntry"),
    MSG(CORE_V1_FLEXPERSISTENTVOLUMESOURCE, "FlexPersistentVolumeSource"),
    MSG(CORE_V1_AZUREFILEPERSISTENTVOLUMESOURCE, "AzureFilePersistentVolumeSource"),
    MSG(CORE_V1_SCALEIOPERSISTENTVOLUMESOURCE, "ScaleIOPersistentVolumeSource"),
    MSG(CORE_V1_LOCALVOLUMESOURCE, "LocalVolumeSource"),
    MSG(CORE_V1_STORAGEOSPERSISTENTVOLUMESOURCE, "StorageOSPersistentVolumeSource"),
    MSG(CORE_V1_CSIPERSISTENTVOLUMESOURCE_VOLUMEATTRIBUTESENTRY, "VolumeAttributesEntry"),
    MSG(CORE_V1_CSIPERSISTENTVOLUMESOURCE, "CSIPersistentVolumeSource"),
    MSG(CORE_V1_PERSISTENTVOLUMESOURCE, "PersistentVolumeSource"),
    MSG(CORE_V1_VOLUMENODEAFFINITY, "VolumeNodeAffinity"),
    MSG(CORE_V1_PERSISTENTVOLUMESPEC, "PersistentVolumeSpec"),
    MSG(CORE_V1_PERSISTENTVOLUMESTATUS, "PersistentVolumeStatus"),
    MSG(CORE_V1_PERSISTENTVOLUME, "PersistentVolume"),
    MSG(CORE_V1_PODCONDITION, "PodCondition"),
    MSG(CORE_V1_HOSTIP, "HostIP"),
    MSG(CORE_V1_PODIP, "PodIP"),
    MSG(CORE_V1_CONTAINERSTATEWAITING, "ContainerStateWaiting"),
    MSG(CORE_V1_CONTAINERSTATERUNNING, "ContainerStateRunning"),
    MSG(CORE_V1_CONTAINERSTATETERMINATED, "ContainerStateTerminated"),
    MSG(CORE_V1_CONTAINERSTATE, "ContainerState"),
    MSG(CORE_V1_CONTAINERSTATUS_ALLOCATEDRESOURCESENTRY, "AllocatedResourcesEntry"),
    MSG(CORE_V1_VOLUMEMOUNTSTATUS, "VolumeMountStatus"),
    MSG(CORE_V1_LINUXCONTAINERUSER, "LinuxContainerUser"),
    MSG(CORE_V1_CONTAINERUSER, "ContainerUser"),
    MSG(CORE_V1_RESOURCEHEALTH, "ResourceHealth"),
    MSG(CORE_V1_RESOURCESTATUS, "ResourceStatus"),
    MSG(CORE_V1_CONTAINERSTATUS, "ContainerStatus"),
    MSG(CORE_V1_PODRESOURCECLAIMSTATUS, "PodResourceClaimStatus"),
    MSG(CORE_V1_PODSTATUS, "PodStatus"),
    MSG(CORE_V1_POD, "Pod"),
    MSG(CORE_V1_PODSTATUSRESULT, "PodStatusResult"),
    MSG(CORE_V1_PODTEMPLATE, "PodTemplate"),
    MSG(CORE_V1_RANGEALLOCATION, "RangeAllocation"),
    MSG(CORE_V1_REPLICATIONCONTROLLERSPEC_SELECTORENTRY, "SelectorEntry"),
    MSG(CORE_V1_REPLICATIONCONTROLLERSPEC, "ReplicationControllerSpec"),
    MSG(CORE_V1_REPLICATIONCONTROLLERCONDITION, "ReplicationControllerCondition"),
    MSG(CORE_V1_REPLICATIONCONTROLLERSTATUS, "ReplicationControllerStatus"),
    MSG(CORE_V1_REPLICATIONCONTROLLER, "ReplicationController"),
    MSG(CORE_V1_RESOURCEQUOTASPEC_HARDENTRY, "HardEntry"),
    MSG(CORE_V1_SCOPEDRESOURCESELECTORREQUIREMENT, "ScopedResourceSelectorRequirement"),
    MSG(CORE_V1_SCOPESELECTOR, "ScopeSelector"),
    MSG(CORE_V1_RESOURCEQUOTASPEC, "ResourceQuotaSpec"),
    MSG(CORE_V1_RESOURCEQUOTASTATUS_HARDENTRY, "HardEntry"),
    MSG(CORE_V1_RESOURCEQUOTASTATUS_USEDENTRY, "UsedEntry"),
    MSG(CORE_V1_RESOURCEQUOTASTATUS, "ResourceQuotaStatus"),
    MSG(CORE_V1_RESOURCEQUOTA, "ResourceQuota"),
    MSG(CORE_V1_SECRET_DATAENTRY, "DataEntry"),
    MSG(CORE_V1_SECRET_STRINGDATAENTRY, "StringDataEntry"),
    MSG(CORE_V1_SECRET, "Secret"),
    MSG(CORE_V1_SERVICEPORT, "ServicePort"),
    MSG(CORE_V1_SERVICESPEC_SELECTORENTRY, "SelectorEntry"),
    MSG(CORE_V1_CLIENTIPCONFIG, "ClientIPConfig"),
    MSG(CORE_V1_SESSIONAFFINITYCONFIG, "SessionAffinityConfig"),
    MSG(CORE_V1_SERVICESPEC, "ServiceSpec"),
    MSG(CORE_V1_PORTSTATUS, "PortStatus"),
    MSG(CORE_V1_LOADBALANCERINGRESS, "LoadBalancerIngress"),
    MSG(CORE_V1_LOADBALANCERSTATUS, "LoadBalancerStatus"),
    MSG(META_V1_CONDITION, "Condition"),
    MSG(CORE_V1_SERVICESTATUS, "ServiceStatus"),
    MSG(CORE_V1_SERVICE, "Service"),
    MSG(CORE_V1_SERVICEACCOUNT, "ServiceAccount"),
    MSG(DISCOVERY_V1_ENDPOINTCONDITIONS, "EndpointConditions"),
    MSG(DISCOVERY_V1_ENDPOINT_DEPRECATEDTOPOLOGYENTRY, "DeprecatedTopologyEntry"),
    MSG(DISCOVERY_V1_FORZONE, "ForZone"),
    MSG(DISCOVERY_V1_ENDPOINTHINTS, "EndpointHints"),
    MSG(DISCOVERY_V1_ENDPOINT, "Endpoint"),
    MSG(DISCOVERY_V1_ENDPOINTPORT, "EndpointPort"),
    MSG(DISCOVERY_V1_ENDPOINTSLICE, "EndpointSlice"),
    MSG(EVENTS_V1_EVENTSERIES, "EventSeries"),
    MSG(EVENTS_V1_EVENT, "Event"),
    MSG(NETWORKING_V1_SERVICEBACKENDPORT, "ServiceBackendPort"),
    MSG(NETWORKING_V1_INGRESSSERVICEBACKEND, "IngressServiceBackend"),
    MSG(NETWORKING_V1_INGRESSBACKEND, "IngressBackend"),
    MSG(NETWORKING_V1_INGRESSTLS, "IngressTLS"),
    MSG(NETWORKING_V1_HTTPINGRESSPATH, "HTTPIngressPath"),
    MSG(NETWORKING_V1_HTTPINGRESSRULEVALUE, "HTTPIngressRuleValue"),
    MSG(NETWORKING_V1_INGRESSRULEVALUE, "IngressRuleValue"),
    MSG(NETWORKING_V1_INGRESSRULE, "IngressRule"),
    MSG(NETWORKING_V1_INGRESSSPEC, "IngressSpec"),
    MSG(NETWORKING_V1_INGRESSPORTSTATUS, "IngressPortStatus"),
    MSG(NETWORKING_V1_INGRESSLOADBALANCERINGRESS, "IngressLoadBalancerIngress"),
    MSG(NETWORKING_V1_INGRESSLOADBALANCERSTATUS, "IngressLoadBalancerStatus"),
    MSG(NETWORKING_V1_INGRESSSTATUS, "IngressStatus"),
    MSG(NETWORKING_V1_INGRESS, "Ingress"),
    MSG(NETWORKING_V1_INGRESSCLASSPARAMETERSREFERENCE, "IngressClassParametersReference"),
    MSG(NETWORKING_V1_INGRESSCLASSSPEC, "IngressClassSpec"),
    MSG(NETWORKING_V1_INGRESSCLASS, "IngressClass"),
    MSG(NETWORKING_V1_NETWORKPOLICYPORT, "NetworkPolicyPort"),
    MSG(NETWORKING_V1_IPBLOCK, "IPBlock"),
    MSG(NETWORKING_V1_NETWORKPOLICYPEER, "NetworkPolicyPeer"),
    MSG(NETWORKING_V1_NETWORKPOLICYINGRESSRULE, "NetworkPolicyIngressRule"),
    MSG(NETWORKING_V1_NETWORKPOLICYEGRESSRULE, "NetworkPolicyEgressRule"),
    MSG(NETWORKING_V1_NETWORKPOLICYSPEC, "NetworkPolicySpec"),
    MSG(NETWORKING_V1_NETWORKPOLICY, "NetworkPolicy"),
    MSG(META_V1_PRECONDITIONS, "Preconditions"),
    MSG(META_V1_DELETEOPTIONS, "DeleteOptions"),
    MSG(POLICY_V1_EVICTION, "Eviction"),
    MSG(POLICY_V1_PODDISRUPTIONBUDGETSPEC, "PodDisruptionBudgetSpec"),
    MSG(POLICY_V1_PODDISRUPTIONBUDGETSTATUS_DISRUPTEDPODSENTRY, "DisruptedPodsEntry"),
    MSG(POLICY_V1_PODDISRUPTIONBUDGETSTATUS, "PodDisruptionBudgetStatus"),
    MSG(POLICY_V1_PODDISRUPTIONBUDGET, "PodDisruptionBudget"),
    MSG(RBAC_V1_POLICYRULE, "PolicyRule"),
    MSG(RBAC_V1_AGGREGATIONRULE, "AggregationRule"),
    MSG(RBAC_V1_CLUSTERROLE, "ClusterRole"),
    MSG(RBAC_V1_SUBJECT, "Subject"),
    MSG(RBAC_V1_ROLEREF, "RoleRef"),
    MSG(RBAC_V1_CLUSTERROLEBINDING, "ClusterRoleBinding"),
    MSG(RBAC_V1_ROLE, "Role"),
    MSG(RBAC_V1_ROLEBINDING, "RoleBinding"),
    MSG(SCHEDULING_V1_PRIORITYCLASS, "PriorityClass"),
    MSG(STORAGE_V1_TOKENREQUEST, "TokenRequest"),
    MSG(STORAGE_V1_CSIDRIVERSPEC, "CSIDriverSpec"),
    MSG(STORAGE_V1_CSIDRIVER, "CSIDriver"),
    MSG(STORAGE_V1_VOLUMENODERESOURCES, "VolumeNodeResources"),
    MSG(STORAGE_V1_CSINODEDRIVER, "CSINodeDriver"),
    MSG(STORAGE_V1_CSINODESPEC, "CSINodeSpec"),
    MSG(STORAGE_V1_CSINODE, "CSINode"),
    MSG(STORAGE_V1_CSISTORAGECAPACITY, "CSIStorageCapacity"),
    MSG(STORAGE_V1_STORAGECLASS_PARAMETERSENTRY, "ParametersEntry"),
    MSG(CORE_V1_TOPOLOGYSELECTORLABELREQUIREMENT, "TopologySelectorLabelRequirement"),
    MSG(CORE_V1_TOPOLOGYSELECTORTERM, "TopologySelectorTerm"),
    MSG(STORAGE_V1_STORAGECLASS, "StorageClass"),
    MSG(STORAGE_V1_VOLUMEATTACHMENTSOURCE, "VolumeAttachmentSource"),
    MSG(STORAGE_V1_VOLUMEATTACHMENTSPEC, "VolumeAttachmentSpec"),
    MSG(STORAGE_V1_VOLUMEATTACHMENTSTATUS_ATTACHMENTMETADATAENTRY, "AttachmentMetadataEntry"),
    MSG(STORAGE_V1_VOLUMEERROR, "VolumeError"),
    MSG(STORAGE_V1_VOLUMEATTACHMENTSTATUS, "VolumeAttachmentStatus"),
    MSG(STORAGE_V1_VOLUMEATTACHMENT, "VolumeAttachment"),
};
#undef MSG

static const pb_type_t types[] = {
    {"", "v1", "Binding", M_CORE_V1_BINDING},
    {"", "v1", "ComponentStatus", M_CORE_V1_COMPONENTSTATUS},
    {"", "v1", "ConfigMap", M_CORE_V1_CONFIGMAP},
    {"", "v1", "Endpoints", M_CORE_V1_ENDPOINTS},
    {"", "v1", "Event", M_CORE_V1_EVENT},
    {"", "v1", "LimitRange", M_CORE_V1_LIMITRANGE},
    {"", "v1", "Namespace", M_CORE_V1_NAMESPACE},
    {"", "v1", "Node", M_CORE_V1_NODE},
    {"", "v1", "PersistentVolume", M_CORE_V1_PERSISTENTVOLUME},
    {"", "v1", "PersistentVolumeClaim", M_CORE_V1_PERSISTENTVOLUMECLAIM},
    {"", "v1", "PersistentVolumeClaimTemplate", M_CORE_V1_PERSISTENTVOLUMECLAIMTEMPLATE},
    {"", "v1", "Pod", M_CORE_V1_POD},
    {"", "v1", "PodStatusResult", M_CORE_V1_PODSTATUSRESULT},
    {"", "v1", "PodTemplate", M_CORE_V1_PODTEMPLATE},
    {"", "v1", "PodTemplateSpec", M_CORE_V1_PODTEMPLATESPEC},
    {"", "v1", "RangeAllocation", M_CORE_V1_RANGEALLOCATION},
    {"", "v1", "ReplicationController", M_CORE_V1_REPLICATIONCONTROLLER},
    {"", "v1", "ResourceQuota", M_CORE_V1_RESOURCEQUOTA},
    {"", "v1", "Secret", M_CORE_V1_SECRET},
    {"", "v1", "Service", M_CORE_V1_SERVICE},
    {"", "v1", "ServiceAccount", M_CORE_V1_SERVICEACCOUNT},
    {"apps", "v1", "ControllerRevision", M_APPS_V1_CONTROLLERREVISION},
    {"apps", "v1", "DaemonSet", M_APPS_V1_DAEMONSET},
    {"apps", "v1", "Deployment", M_APPS_V1_DEPLOYMENT},
    {"apps", "v1", "ReplicaSet", M_APPS_V1_REPLICASET},
    {"apps", "v1", "StatefulSet", M_APPS_V1_STATEFULSET},
    {"authentication.k8s.io", "v1", "SelfSubjectReview", M_AUTHENTICATION_V1_SELFSUBJECTREVIEW},
    {"authentication.k8s.io", "v1", "TokenRequest", M_AUTHENTICATION_V1_TOKENREQUEST},
    {"authentication.k8s.io", "v1", "TokenReview", M_AUTHENTICATION_V1_TOKENREVIEW},
    {"authorization.k8s.io", "v1", "LocalSubjectAccessReview", M_AUTHORIZATION_V1_LOCALSUBJECTACCESSREVIEW},
    {"authorization.k8s.io", "v1", "SelfSubjectAccessReview", M_AUTHORIZATION_V1_SELFSUBJECTACCESSREVIEW},
    {"authorization.k8s.io", "v1", "SelfSubjectRulesReview", M_AUTHORIZATION_V1_SELFSUBJECTRULESREVIEW},
    {"authorization.k8s.io", "v1", "SubjectAccessReview", M_AUTHORIZATION_V1_SUBJECTACCESSREVIEW},
    {"autoscaling", "v1", "HorizontalPodAutoscaler", M_AUTOSCALING_V1_HORIZONTALPODAUTOSCALER},
    {"autoscaling", "v1", "Scale", M_AUTOSCALING_V1_SCALE},
    {"autoscaling", "v2", "HorizontalPodAutoscaler", M_AUTOSCALING_V2_HORIZONTALPODAUTOSCALER},
    {"batch", "v1", "CronJob", M_BATCH_V1_CRONJOB},
    {"batch", "v1", "Job", M_BATCH_V1_JOB},
    {"batch", "v1", "JobTemplateSpec", M_BATCH_V1_JOBTEMPLATESPEC},
    {"coordination.k8s.io", "v1", "Lease", M_COORDINATION_V1_LEASE},
    {"discovery.k8s.io", "v1", "EndpointSlice", M_DISCOVERY_V1_ENDPOINTSLICE},
    {"events.k8s.io", "v1", "Event", M_EVENTS_V1_EVENT},
    {"networking.k8s.io", "v1", "Ingress", M_NETWORKING_V1_INGRESS},
    {"networking.k8s.io", "v1", "IngressClass", M_NETWORKING_V1_INGRESSCLASS},
    {"networking.k8s.io", "v1", "NetworkPolicy", M_NETWORKING_V1_NETWORKPOLICY},
    {"policy", "v1", "Eviction", M_POLICY_V1_EVICTION},
    {"policy", "v1", "PodDisruptionBudget", M_POLICY_V1_PODDISRUPTIONBUDGET},
    {"rbac.authorization.k8s.io", "v1", "ClusterRole", M_RBAC_V1_CLUSTERROLE},
    {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", M_RBAC_V1_CLUSTERROLEBINDING},
    {"rbac.authorization.k8s.io", "v1", "Role", M_RBAC_V1_ROLE},
    {"rbac.authorization.k8s.io", "v1", "RoleBinding", M_RBAC_V1_ROLEBINDING},
    {"scheduling.k8s.io", "v1", "PriorityClass", M_SCHEDULING_V1_PRIORITYCLASS},
    {"storage.k8s.io", "v1", "CSIDriver", M_STORAGE_V1_CSIDRIVER},
    {"storage.k8s.io", "v1", "CSINode", M_STORAGE_V1_CSINODE},
    {"storage.k8s.io", "v1", "CSIStorageCapacity", M_STORAGE_V1_CSISTORAGECAPACITY},
    {"storage.k8s.io", "v1", "StorageClass", M_STORAGE_V1_STORAGECLASS},
    {"storage.k8s.io", "v1", "VolumeAttachment", M_STORAGE_V1_VOLUMEATTACHMENT},
};
// clang-format on

static const pb_msg_t *msg_get(uint16_t id)
{
    return &msgs[id];
}

static uint16_t delete_options_msg(void)
{
    return M_META_V1_DELETEOPTIONS;
}

static const pb_type_t *type_find(const char *group, const char *version, const char *kind)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(types); i++) {
        const pb_type_t *t = &types[i];
        if (strcmp(t->kind, kind) == 0 && strcmp(t->group, group) == 0 &&
            strcmp(t->version, version) == 0)
            return t;
    }
    return NULL;
}
