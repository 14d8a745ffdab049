/*
 * A growable byte buffer (always NUL-terminated) and reference-counted
 * immutable byte blobs.
 */
#include "core.h"

void cube_buf_reserve(cube_buf_t *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void cube_buf_append(cube_buf_t *b, const void *data, size_t len)
{
    cube_buf_reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
}

void cube_buf_puts(cube_buf_t *b, const char *s)
{
    cube_buf_append(b, s, strlen(s));
}

void cube_buf_putc(cube_buf_t *b, char c)
{
    cube_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

void cube_buf_printf(cube_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    cube_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void cube_buf_json_str(cube_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    cube_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"':
            cube_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            cube_buf_append(b, "\\\\", 2);
            break;
        case '\n':
            cube_buf_append(b, "\\n", 2);
            break;
        case '\r':
            cube_buf_append(b, "\\r", 2);
            break;
        case '\t':
            cube_buf_append(b, "\\t", 2);
            break;
        default:
            if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                cube_buf_append(b, u, 6);
            } else {
                cube_buf_putc(b, (char)c);
            }
        }
    }
    cube_buf_putc(b, '"');
}

char *cube_buf_steal(cube_buf_t *b, size_t *ret_len)
{
    if (!b->data)
        cube_buf_reserve(b, 0), b->data[0] = 0;
    char *d = b->data;
    if (ret_len)
        *ret_len = b->len;
    memset(b, 0, sizeof(*b));
    return d;
}

void cube_buf_clear(cube_buf_t *b)
{
    if (!b)
        return;
    free(b->data);
    memset(b, 0, sizeof(*b));
}

cube_bytes_t *cube_bytes_new(const void *data, size_t len)
{
    cube_bytes_t *r = xmalloc(sizeof(*r) + len + 1);
    atomic_init(&r->refs, 1);
    r->len = len;
    if (len)
        memcpy(r->data, data, len);
    r->data[len] = 0;
    return r;
}

cube_bytes_t *cube_bytes_from_buf(cube_buf_t *b)
{
    cube_bytes_t *r = cube_bytes_new(b->data, b->len);
    cube_buf_clear(b);
    return r;
}

cube_bytes_t *cube_bytes_ref(cube_bytes_t *b)
{
    if (b)
        atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
    return b;
}

void cube_bytes_unref(cube_bytes_t *b)
{
    if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
        free(b);
}

void cube_bytes_unrefp(cube_bytes_t **b)
{
    cube_bytes_unref(*b);
}
